// The node's live stream (docs/api.md "Stream"): a WebSocket at /api/v1/stream that sends a
// snapshot and then deltas, in the binary form (src/biac/api/track_codec.h) or compact JSON.
// Messages go straight into the TrackStore; the socket reconnects after a loss, and the node
// then sends a new snapshot.
import type { TrackStore } from './store';

export type StreamStatus = 'connecting' | 'live' | 'closed';
export type BBox = [number, number, number, number];

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 15000;

export function connectStream(o: {
  token: string; encoding?: 'binary' | 'json'; bbox?: BBox; store: TrackStore;
  onStatus?: (s: StreamStatus, detail?: string) => void; onMessage?: (bytes: number) => void;
}): { setViewport(b: BBox | null): void; resync(): void; close(): void } {
  const encoding = o.encoding ?? 'binary';
  let ws: WebSocket | null = null;
  let closed = false;
  let viewport: BBox | null = o.bbox ?? null;
  let delay = RECONNECT_MIN_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = (): void => {
    o.onStatus?.('connecting');
    const q = new URLSearchParams({ encoding, access_token: o.token });
    if (viewport) q.set('bbox', viewport.join(','));
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/stream?${q}`);
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => { delay = RECONNECT_MIN_MS; o.onStatus?.('live'); };
    socket.onclose = (ev) => {
      if (ws !== socket) return;
      ws = null;
      o.onStatus?.('closed', ev.reason || `code ${ev.code}`);
      if (!closed) {
        timer = setTimeout(open, delay);
        delay = Math.min(RECONNECT_MAX_MS, delay * 2);
      }
    };
    socket.onmessage = (ev) => {
      if (ev.data instanceof ArrayBuffer) {
        o.onMessage?.(ev.data.byteLength);
        if (!o.store.applyBinary(ev.data)) o.onStatus?.('live', 'bad binary message');
      } else if (typeof ev.data === 'string') {
        o.onMessage?.(ev.data.length);
        try {
          o.store.applyJson(JSON.parse(ev.data));
        } catch {
          o.onStatus?.('live', 'bad JSON message');
        }
      }
    };
  };
  open();

  const send = (m: unknown): void => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
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
    },
  };
}
