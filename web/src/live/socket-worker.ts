// The stream's WebSocket and its decoding, in a dedicated worker. Chromium receives a WebSocket
// message on the thread that owns the socket: a 3.6 MB message of 100,000 tracks cost the page's
// main thread 0.3-0.8 s of native work a second (docs/web-performance.md), so the socket lives
// here. A binary message is decoded here too, into this worker's TrackStore, and the page is
// handed a copy of the store's columns (TrackStore.exportFrame) as transferred buffers: the
// page's main thread adopts them without touching a track (adoptFrame).
//
// Flow control: one frame at a time is with the page. Messages that arrive meanwhile are applied
// here and the next frame, sent when the page gives the previous buffers back ('recycle'),
// carries them all: a page that falls behind gets the newest picture, not a backlog.
//
// Protocol with stream.ts:
//   in:  {type: 'open', url, decode, strings, sets, trailSeconds, wants} | {type: 'send', text} |
//        {type: 'close'} | {type: 'recycle', frame: StoreFrame | null} |
//        {type: 'trail', seconds} | {type: 'wants', wants: TrailWants}
//   out: {type: 'open'} | {type: 'close', code, reason} | {type: 'frame', frame} |
//        {type: 'trails', trails} (for new wants, between frames) | {type: 'bad'} |
//        {type: 'binary', data} (decode false) | {type: 'text', data}
import { frameBuffers, TrackStore, trailBuffers, type StoreFrame, type TrailWants } from './store';

type In = { type: 'open'; url: string; decode: boolean; strings: string[]; sets: string[];
            trailSeconds: number; wants: TrailWants } |
          { type: 'send'; text: string } | { type: 'close' } |
          { type: 'recycle'; frame: StoreFrame | null } | { type: 'trail'; seconds: number } |
          { type: 'wants'; wants: TrailWants };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<In>) => void) | null;
  postMessage(m: unknown, transfer?: Transferable[]): void;
};
let ws: WebSocket | null = null;
const store = new TrackStore();
let spare: StoreFrame | null = null;  // buffers the page gave back
let outstanding = false;              // a frame is with the page
let decodeMs = 0;                     // decoding time since the last frame

function sendFrame(): void {
  if (outstanding || !store.framePending) return;
  const t0 = performance.now();
  const frame = store.exportFrame(spare, decodeMs);
  frame.decodeMs = decodeMs + (performance.now() - t0);  // decoding and the copy
  spare = null;
  decodeMs = 0;
  outstanding = true;
  scope.postMessage({ type: 'frame', frame }, frameBuffers(frame));
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'open') {
    store.seedTables(m.strings, m.sets);
    store.setTrailSeconds(m.trailSeconds);
    store.setTrailWants(m.wants);
    const socket = new WebSocket(m.url);
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => scope.postMessage({ type: 'open' });
    socket.onclose = (ev) => scope.postMessage({ type: 'close', code: ev.code, reason: ev.reason });
    socket.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) {
        scope.postMessage({ type: 'text', data: String(ev.data) });
      } else if (!m.decode) {
        scope.postMessage({ type: 'binary', data: ev.data }, [ev.data]);
      } else {
        const t0 = performance.now();
        const ok = store.applyBinary(ev.data);
        decodeMs += performance.now() - t0;
        if (!ok) scope.postMessage({ type: 'bad' });
        sendFrame();
      }
    };
  } else if (m.type === 'send') {
    if (ws?.readyState === WebSocket.OPEN) ws.send(m.text);
  } else if (m.type === 'recycle') {
    spare = m.frame;
    outstanding = false;
    sendFrame();
  } else if (m.type === 'trail') {
    store.setTrailSeconds(m.seconds);
  } else if (m.type === 'wants') {
    // The map moved or the selection changed: its trails now, not with the next frame.
    store.setTrailWants(m.wants);
    const trails = m.wants.on ? store.computeTrailPaths(m.wants) : null;
    scope.postMessage({ type: 'trails', trails }, trailBuffers(trails));
  } else {
    ws?.close();
  }
};
