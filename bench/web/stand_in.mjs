// A stand-in for the biac node, for measuring the web page alone (bench/web/web_perf.mjs).
//
// It serves web/dist and the few routes the page calls at start (login, me, sources, alerts,
// areas, health), and a WebSocket at /api/v1/stream that sends N tracks moving at 1 Hz in the
// node's real binary stream form (src/biac/api/track_codec.h, version 2: a snapshot, then one
// delta a second updating every track). It does what the node's streamer does on the wire and
// nothing else (no fusion, no store, no TLS), so the figures measure the page's own cost: the
// node's cost is measured by bench/node_load.
//
// Plain HTTP on 127.0.0.1 (the page only needs same-origin URLs). Cross-origin isolation
// headers (COOP/COEP) are sent so that performance.measureUserAgentSpecificMemory() works.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

// ---- the binary form (track_codec.h) ----

export const SNAPSHOT = 1;
export const DELTA = 2;
export const RECORD_SIZE = 32;
export const NO_STRING = 0xffff;
export const DOMAIN = { unknown: 0, sea: 1, air: 2, land: 3, space: 4 };

/**
 * Encodes one binary message (version 2). tracks: array-like of {id, t, lat, lon, alt?, ve, vn,
 * label, domain (number), type?, sources? (string[])}; or pass columns via encodeColumns.
 */
export function encodeMessage(type, timeMs, tracks, removed = []) {
  const strings = new Map();
  const list = [];
  const index = (s) => {
    let k = strings.get(s);
    if (k === undefined) { k = list.length; strings.set(s, k); list.push(s); }
    return k;
  };
  for (const t of tracks) index(t.label);  // labels first, as the node does
  const attrs = tracks.map((t) => [t.type ? index(t.type) : NO_STRING,
                                   t.sources && t.sources.length ? index(t.sources.join('\x1f'))
                                                                 : NO_STRING]);
  const encoded = list.map((s) => Buffer.from(s, 'utf8'));
  const size = 12 + 2 + encoded.reduce((a, b) => a + 2 + b.length, 0) + 4 +
               tracks.length * RECORD_SIZE + 4 + removed.length * 4 + tracks.length * 4;
  const buf = Buffer.alloc(size);
  buf.write('BT', 0, 'latin1');
  buf.writeUInt8(2, 2);
  buf.writeUInt8(type, 3);
  buf.writeBigInt64LE(BigInt(timeMs), 4);
  let p = 12;
  buf.writeUInt16LE(list.length, p); p += 2;
  for (const e of encoded) { buf.writeUInt16LE(e.length, p); e.copy(buf, p + 2); p += 2 + e.length; }
  buf.writeUInt32LE(tracks.length, p); p += 4;
  for (const t of tracks) {
    buf.writeUInt32LE(t.id, p);
    buf.writeInt32LE(t.t - timeMs, p + 4);
    buf.writeInt32LE(Math.round(t.lat * 1e7), p + 8);
    buf.writeInt32LE(Math.round(t.lon * 1e7), p + 12);
    buf.writeFloatLE(t.alt ?? NaN, p + 16);
    buf.writeFloatLE(t.ve, p + 20);
    buf.writeFloatLE(t.vn, p + 24);
    buf.writeUInt16LE(strings.get(t.label), p + 28);
    buf.writeUInt8(t.domain, p + 30);
    buf.writeUInt8(t.alt === undefined ? 0 : 1, p + 31);
    p += RECORD_SIZE;
  }
  buf.writeUInt32LE(removed.length, p); p += 4;
  for (const id of removed) { buf.writeUInt32LE(id, p); p += 4; }
  for (const [ti, si] of attrs) { buf.writeUInt16LE(ti, p); buf.writeUInt16LE(si, p + 2); p += 4; }
  return buf;
}

// ---- a synthetic picture: N tracks moving over the western Pacific ----

const LABELS = ['UNCLASSIFIED', 'SECRET//REL TO USA, JPN', 'CONFIDENTIAL//REL TO USA, JPN',
                'SECRET//NOFORN'];
const KINDS = [
  // share, domain, speed m/s, altitude m, types, source sets
  { share: 0.65, domain: DOMAIN.sea, speed: [2, 12], alt: undefined, types: [undefined],
    sources: [['ais'], ['ais', 'jp-radar']] },
  { share: 0.25, domain: DOMAIN.air, speed: [120, 250], alt: [3000, 12000], types: [undefined],
    sources: [['adsb'], ['adsb', 'us-radar']] },
  { share: 0.06, domain: DOMAIN.air, speed: [100, 250], alt: [1000, 9000],
    types: ['a-f-A-M-F-Q', 'a-f-A-M-H', 'a-n-A-C-F', 'a-u-A'], sources: [['tak'], ['tak', 'us-radar']] },
  { share: 0.04, domain: DOMAIN.land, speed: [0, 15], alt: undefined,
    types: ['a-f-G-U-C-I', 'a-f-G-E-V', 'a-n-G', 'a-u-G'], sources: [['tak']] },
];
const REGION = { w: 115, s: 5, e: 160, n: 50 };
const M_PER_DEG = 111_320;

function rng(seed) {  // mulberry32: a fixed picture for every run
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Picture {
  constructor(count, seed = 1) {
    const r = rng(seed);
    this.tracks = [];
    for (let i = 0; i < count; i++) {
      let u = r(), k = 0;
      while (k < KINDS.length - 1 && u > KINDS[k].share) { u -= KINDS[k].share; k++; }
      const kind = KINDS[k];
      const speed = kind.speed[0] + r() * (kind.speed[1] - kind.speed[0]);
      const heading = r() * 2 * Math.PI;
      this.tracks.push({
        id: i + 1, t: 0,
        lat: REGION.s + r() * (REGION.n - REGION.s), lon: REGION.w + r() * (REGION.e - REGION.w),
        alt: kind.alt ? kind.alt[0] + r() * (kind.alt[1] - kind.alt[0]) : undefined,
        ve: speed * Math.sin(heading), vn: speed * Math.cos(heading),
        label: LABELS[Math.floor(r() * r() * LABELS.length)], domain: kind.domain,
        type: kind.types[Math.floor(r() * kind.types.length)],
        sources: kind.sources[Math.floor(r() * kind.sources.length)],
      });
    }
  }

  /** Moves every track by `seconds` of its velocity, turning back at the region's edges. */
  step(seconds, nowMs) {
    for (const t of this.tracks) {
      t.lat += (t.vn * seconds) / M_PER_DEG;
      t.lon += (t.ve * seconds) / (M_PER_DEG * Math.cos((t.lat * Math.PI) / 180));
      if (t.lat < REGION.s || t.lat > REGION.n) t.vn = -t.vn;
      if (t.lon < REGION.w || t.lon > REGION.e) t.ve = -t.ve;
      t.t = nowMs;
    }
  }
}

// ---- WebSocket (RFC 6455), server side: enough for the stream ----

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_QUEUED = 8 << 20;  // skip a round when the socket holds more (like the node's 1 MiB)

function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n])
    : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x80 | opcode; h[1] = 127;
                 h.writeBigUInt64BE(BigInt(n), 2); return h; })();
  return Buffer.concat([head, payload]);
}

function acceptSocket(req, socket, onText) {
  const key = req.headers['sec-websocket-key'];
  const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
               `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const opcode = pending[0] & 15;
      let len = pending[1] & 127, p = 2;
      if (len === 126) { if (pending.length < 4) return; len = pending.readUInt16BE(2); p = 4; }
      else if (len === 127) { if (pending.length < 10) return; len = Number(pending.readBigUInt64BE(2)); p = 10; }
      const masked = pending[1] & 128;
      const mask = masked ? pending.subarray(p, p + 4) : null;
      if (masked) p += 4;
      if (pending.length < p + len) return;
      const data = Buffer.from(pending.subarray(p, p + len));
      if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
      pending = pending.subarray(p + len);
      if (opcode === 1) onText(data.toString('utf8'));
      else if (opcode === 8) { socket.end(frame(8, Buffer.alloc(0))); return; }
      else if (opcode === 9) socket.write(frame(10, data));
    }
  });
  return {
    sendBinary(buf) {
      if (socket.destroyed || socket.writableLength > MAX_QUEUED) return false;
      socket.write(frame(2, buf));
      return true;
    },
    get closed() { return socket.destroyed; },
  };
}

// ---- HTTP ----

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
                '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
                '.woff2': 'font/woff2', '.map': 'application/json' };
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin',
                    'Cross-Origin-Embedder-Policy': 'require-corp' };
const TOKEN = 'biac_bench_standin';

/**
 * Starts the stand-in. Returns {url, close(), stats}. stats: messages, bytes, skipped rounds,
 * and encode milliseconds of the last delta.
 */
export async function startStandIn({ dist, tracks = 100_000, port = 0, rateHz = 1 }) {
  const picture = new Picture(tracks);
  const clients = new Set();
  const sockets = new Set();  // upgraded sockets: the HTTP server no longer tracks them
  const stats = { messages: 0, bytes: 0, skipped: 0, encodeMs: 0, viewportMessages: 0 };
  const json = (res, code, body) => {
    res.writeHead(code, { 'Content-Type': 'application/json', ...ISOLATION });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (path === '/api/v1/login' && req.method === 'POST') {
        return json(res, 200, { token: TOKEN, expires: new Date(Date.now() + 43_200_000).toISOString(),
                                user: 'bench', role: 'analyst', audience: 'us' });
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, {});
      if (path === '/api/v1/me') {
        return json(res, 200, { user: 'bench', role: 'analyst', method: 'token', audience: 'us' });
      }
      if (path === '/api/v1/health') return json(res, 200, { status: 'ok' });
      if (path === '/api/v1/sources') return json(res, 200, []);
      if (path === '/api/v1/alerts') return json(res, 200, { alerts: [] });
      if (path === '/api/v1/areas') return json(res, 200, { areas: [] });
      return json(res, 404, { error: 'not in the stand-in' });
    }
    // Static files of web/dist; anything unknown is the page (single-page app).
    let file = normalize(join(dist, path === '/' ? 'index.html' : decodeURIComponent(path)));
    if (!file.startsWith(dist)) { res.writeHead(403); return res.end(); }
    try {
      if (!(await stat(file)).isFile()) throw new Error('dir');
    } catch {
      file = join(dist, 'index.html');
    }
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
                         'Cache-Control': 'no-store', ...ISOLATION });
    res.end(body);
  });
  server.on('upgrade', (req, socket) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/api/v1/stream' || url.searchParams.get('access_token') !== TOKEN) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    const client = acceptSocket(req, socket, (text) => {
      // {"type":"viewport"} and {"type":"resync"}: the stand-in always sends every track
      // (the page's worst case: the whole picture in view).
      stats.viewportMessages++;
      if (text.includes('"resync"')) client.snapshotDue = true;
    });
    client.snapshotDue = true;
    clients.add(client);
    sockets.add(socket);
    socket.on('close', () => { clients.delete(client); sockets.delete(socket); });
    socket.on('error', () => clients.delete(client));
    sendRound();
  });
  const sendRound = () => {
    const now = Date.now();
    const t0 = performance.now();
    let delta = null;
    for (const c of clients) {
      if (c.closed) { clients.delete(c); continue; }
      let msg;
      if (c.snapshotDue) {
        msg = encodeMessage(SNAPSHOT, now, picture.tracks);
      } else {
        delta ??= encodeMessage(DELTA, now, picture.tracks);
        msg = delta;
      }
      if (c.sendBinary(msg)) {
        c.snapshotDue = false;
        stats.messages++;
        stats.bytes += msg.length;
      } else {
        stats.skipped++;
      }
    }
    stats.encodeMs = performance.now() - t0;
  };
  const period = 1000 / rateHz;
  let last = Date.now();
  picture.step(0, last);
  const timer = setInterval(() => {
    const now = Date.now();
    picture.step((now - last) / 1000, now);
    last = now;
    sendRound();
  }, period);
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    stats,
    close: () => new Promise((resolve) => {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
