// The page's per-message main-thread cost outside a browser: TrackStore.applyBinary of a
// 100,000-track delta (decode + store + trails) and the layer buffers' pass, in node.
// Built with the page's own Vite into a temporary folder (as store_test.mjs):
//   node bench/web/store_bench.mjs [--tracks 100000] [--messages 20]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { encodeMessage, Picture, SNAPSHOT, DELTA } from './stand_in.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const tracks = arg('tracks', 100_000), messages = arg('messages', 20);
const out = mkdtempSync(join(tmpdir(), 'biac-store-bench-'));
const { build } = await import(pathToFileURL(join(root, 'web/node_modules/vite/dist/node/index.js')).href);
await build({
  root: join(root, 'web'), configFile: false, logLevel: 'error', ssr: { noExternal: true },
  build: { ssr: true, outDir: out, emptyOutDir: true, target: 'node20',
           rollupOptions: { input: { store: join(root, 'web/src/live/store.ts') },
                            output: { format: 'es', entryFileNames: '[name].mjs' } } },
});
const { TrackStore } = await import(pathToFileURL(join(out, 'store.mjs')).href);
rmSync(out, { recursive: true, force: true });

const picture = new Picture(tracks);
let now = 1_780_272_000_000;
picture.step(0, now);
const ab = (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
const snapshot = ab(encodeMessage(SNAPSHOT, now, picture.tracks));
const deltas = [];
for (let i = 0; i < messages; i++) {
  now += 1000;
  picture.step(1, now);
  deltas.push(ab(encodeMessage(DELTA, now, picture.tracks)));
}
const store = new TrackStore();
let t0 = performance.now();
store.applyBinary(snapshot);
const snapMs = performance.now() - t0;  // wall time
// Wall time and this process's CPU time (the machine may be shared: CPU time is the fairer).
const ms = [], cpu = [];
for (const d of deltas) {
  const c0 = process.cpuUsage();
  t0 = performance.now();
  store.applyBinary(d);
  ms.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
// Decoding in the stream's worker (socket-worker.ts): the worker's store applies the message
// and copies its columns into a frame (exportFrame, into the buffers the page gave back); the
// page's store adopts the frame (adoptFrame), the page's main-thread share.
const worker = new TrackStore(), page = new TrackStore();
worker.applyBinary(snapshot);
let spare = page.adoptFrame(structuredClone(worker.exportFrame(), { transfer: [] }));
const exportCpu = [], adoptCpu = [];
for (const d of deltas) {
  worker.applyBinary(d);
  let c0 = process.cpuUsage();
  const f = worker.exportFrame(spare);
  let c = process.cpuUsage(c0);
  exportCpu.push((c.user + c.system) / 1000);
  c0 = process.cpuUsage();
  spare = page.adoptFrame(f);
  c = process.cpuUsage(c0);
  adoptCpu.push((c.user + c.system) / 1000);
}
const labelsMs = [];
for (let i = 0; i < 5; i++) { t0 = performance.now(); store.labelsIn([120, 10, 150, 40]); labelsMs.push(performance.now() - t0); }
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`${tracks} tracks: snapshot ${snapMs.toFixed(1)} ms; delta median ${med(ms).toFixed(1)} ms, ` +
            `max ${Math.max(...ms).toFixed(1)} ms, CPU median ${med(cpu).toFixed(1)} ms (${(deltas[0].byteLength / 1048576).toFixed(1)} MB, ` +
            `${messages} messages); labelsIn ${med(labelsMs).toFixed(1)} ms`);
console.log(`in the worker: exportFrame (copy of the columns) CPU median ${med(exportCpu).toFixed(1)} ms; ` +
            `on the page: adoptFrame CPU median ${med(adoptCpu).toFixed(2)} ms`);
