// The stream's WebSocket, in a dedicated worker. Chromium receives a WebSocket message on the
// thread that owns the socket: a 3.6 MB message of 100,000 tracks cost the page's main thread
// 0.3-0.8 s of native work a second (docs/web-performance.md), so the socket lives here and each
// message is handed over as a transferred ArrayBuffer (no copy). Protocol with stream.ts:
//   in:  {type: 'open', url} | {type: 'send', text} | {type: 'close'}
//   out: {type: 'open'} | {type: 'close', code, reason} | {type: 'binary', data} |
//        {type: 'text', data}
type In = { type: 'open'; url: string } | { type: 'send'; text: string } | { type: 'close' };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<In>) => void) | null;
  postMessage(m: unknown, transfer?: Transferable[]): void;
};
let ws: WebSocket | null = null;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'open') {
    const socket = new WebSocket(m.url);
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => scope.postMessage({ type: 'open' });
    socket.onclose = (ev) => scope.postMessage({ type: 'close', code: ev.code, reason: ev.reason });
    socket.onmessage = (ev) => {
      if (ev.data instanceof ArrayBuffer) scope.postMessage({ type: 'binary', data: ev.data }, [ev.data]);
      else scope.postMessage({ type: 'text', data: String(ev.data) });
    };
  } else if (m.type === 'send') {
    if (ws?.readyState === WebSocket.OPEN) ws.send(m.text);
  } else {
    ws?.close();
  }
};
