// The node's live stream (docs/api.md "Stream"): a WebSocket at /api/v1/stream that sends a
// snapshot and then deltas, in the binary form (src/biac/api/track_codec.h) or compact JSON.
// Binary messages are decoded in the socket's worker and the page's TrackStore adopts the
// worker's columns (socket-worker.ts); JSON messages and, without workers, binary ones go
// straight into the page's TrackStore. The socket reconnects after a loss, and the node then
// sends a new snapshot.
import { frameBuffers, type StoreFrame, type TrackStore, type TrailPaths } from './store';

export type StreamStatus = 'connecting' | 'live' | 'closed';
export type BBox = [number, number, number, number];

// The socket itself: in a worker (socket-worker.ts) so that receiving and decoding a large
// message costs the main thread nothing; directly in the page where workers are not available.
interface Link { send(text: string): void; close(): void }
interface LinkEvents {
  onopen(): void; onclose(code: number, reason: string): void;
  onbinary(data: ArrayBuffer): void; ontext(data: string): void;
  /** A decoded frame from the worker; returns the frame whose buffers go back, or null. */
  onframe(frame: StoreFrame): StoreFrame | null;
  onbad(): void;
}

function openLink(url: string, store: TrackStore, decode: boolean, h: LinkEvents): Link {
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('./socket-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    worker = null;
  }
  if (worker) {
    const w = worker;
    let closed = false;
    w.onmessage = (e: MessageEvent<{ type: string; code?: number; reason?: string; data?: unknown;
                                     frame?: StoreFrame }>) => {
      const m = e.data;
      if (m.type === 'open') h.onopen();
      else if (m.type === 'frame') {
        // The previous columns go back to the worker for its next copy (transferred).
        const old = closed ? null : h.onframe(m.frame!);
        // Its trails stay with the page (deck.gl may hold them): only the columns go back.
        if (old) old.trails = null;
        if (!closed) w.postMessage({ type: 'recycle', frame: old }, old ? frameBuffers(old) : []);
      } else if (m.type === 'trails') {
        if (!closed) store.adoptTrails((m as unknown as { trails: TrailPaths | null }).trails);
      } else if (m.type === 'bad') h.onbad();
      else if (m.type === 'binary') h.onbinary(m.data as ArrayBuffer);
      else if (m.type === 'text') h.ontext(m.data as string);
      else if (m.type === 'close' && !closed) { closed = true; w.terminate(); h.onclose(m.code ?? 1006, m.reason ?? ''); }
    };
    w.onerror = () => { if (!closed) { closed = true; w.terminate(); h.onclose(1006, 'stream worker failed'); } };
    // The worker's store interns strings as the page's store does, from the page's tables on.
    w.postMessage({ type: 'open', url, decode, strings: [...store.strings()],
                    sets: store.joinedSets(), trailSeconds: store.trailTime,
                    wants: store.trailWants });
    store.onTrailSeconds = (seconds) => { if (!closed) w.postMessage({ type: 'trail', seconds }); };
    store.onTrailWants = (wants) => { if (!closed) w.postMessage({ type: 'wants', wants }); };
    return {
      send(text) { w.postMessage({ type: 'send', text }); },
      close() {
        // A close handshake, then the worker goes (its socket with it if the node is silent).
        w.postMessage({ type: 'close' });
        setTimeout(() => { closed = true; w.terminate(); }, WORKER_CLOSE_MS);
      },
    };
  }
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => h.onopen();
  socket.onclose = (ev) => h.onclose(ev.code, ev.reason);
  socket.onmessage = (ev) => {
    if (ev.data instanceof ArrayBuffer) h.onbinary(ev.data);
    else if (typeof ev.data === 'string') h.ontext(ev.data);
  };
  return {
    send(text) { if (socket.readyState === WebSocket.OPEN) socket.send(text); },
    close() { socket.close(); },
  };
}

const RECONNECT_MIN_MS = 1000;
const WORKER_CLOSE_MS = 2000;
const RECONNECT_MAX_MS = 15000;

export function connectStream(o: {
  token: string; encoding?: 'binary' | 'json'; bbox?: BBox; store: TrackStore;
  /** Default true: binary messages are decoded in the socket's worker (false: on the page). */
  decodeInWorker?: boolean;
  onStatus?: (s: StreamStatus, detail?: string) => void; onMessage?: (bytes: number) => void;
}): { setViewport(b: BBox | null): void; resync(): void; close(): void } {
  const encoding = o.encoding ?? 'binary';
  let ws: Link | null = null;
  let live = false;
  let closed = false;
  let viewport: BBox | null = o.bbox ?? null;
  let delay = RECONNECT_MIN_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = (): void => {
    o.onStatus?.('connecting');
    const q = new URLSearchParams({ encoding, access_token: o.token });
    if (viewport) q.set('bbox', viewport.join(','));
    live = false;
    const url = `${location.origin.replace(/^http/, 'ws')}/api/v1/stream?${q}`;
    const link: Link = openLink(url, o.store, o.decodeInWorker ?? true, {
      onopen: () => { if (ws !== link) return; live = true; delay = RECONNECT_MIN_MS; o.onStatus?.('live'); },
      onclose: (code, reason) => {
        if (ws !== link) return;
        ws = null;
        live = false;
        o.onStatus?.('closed', reason || `code ${code}`);
        if (!closed) {
          timer = setTimeout(open, delay);
          delay = Math.min(RECONNECT_MAX_MS, delay * 2);
        }
      },
      onbinary: (data) => {
        if (ws !== link) return;
        o.onMessage?.(data.byteLength);
        if (!o.store.applyBinary(data)) o.onStatus?.('live', 'bad binary message');
      },
      onframe: (frame) => {
        if (ws !== link) return null;
        try {
          return o.store.adoptFrame(frame);
        } catch (e) {
          o.onStatus?.('live', `bad frame: ${(e as Error).message}`);
          return null;
        }
      },
      onbad: () => { if (ws === link) o.onStatus?.('live', 'bad binary message'); },
      ontext: (data) => {
        if (ws !== link) return;
        o.onMessage?.(data.length);
        try {
          o.store.applyJson(JSON.parse(data));
        } catch {
          o.onStatus?.('live', 'bad JSON message');
        }
      },
    });
    ws = link;
  };
  open();

  const send = (m: unknown): void => {
    if (ws && live) ws.send(JSON.stringify(m));
  };
  return {
    setViewport(b) {
      viewport = b;
      // The node's viewport message takes a box; "no box" is the whole world.
      send({ type: 'viewport', bbox: b ?? [-180, -90, 180, 90] });
    },
    resync() { send({ type: 'resync' }); },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
      ws = null;
      live = false;
    },
  };
}
