// The track table's filter and order of 100,000 live tracks, outside a browser, in CPU time of
// the process (fair on a shared machine): the table's code (web/src/ui/table.ts, its live
// branch on the store's columns and table-order.ts) against the former one (session 6: a
// TrackInfo per track from store.forEach, a Map of keys, a full sort), reproduced below.
//   node bench/web/table_bench.mjs [--tracks 100000] [--reps 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeMessage, Picture, SNAPSHOT } from './stand_in.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const tracks = arg('tracks', 100_000), reps = arg('reps', 10);
const out = mkdtempSync(join(tmpdir(), 'biac-table-bench-'));
const { build } = await import(pathToFileURL(join(root, 'web/node_modules/vite/dist/node/index.js')).href);
await build({
  root: join(root, 'web'), configFile: false, logLevel: 'error', ssr: { noExternal: true },
  build: { ssr: true, outDir: out, emptyOutDir: true, target: 'node20',
           rollupOptions: { input: { store: join(root, 'web/src/live/store.ts'),
                                     table: join(root, 'web/src/ui/table.ts') },
                            output: { format: 'es', entryFileNames: '[name].mjs' } } },
});
const { TrackStore } = await import(pathToFileURL(join(out, 'store.mjs')).href);
const { TrackTable } = await import(pathToFileURL(join(out, 'table.mjs')).href);
rmSync(out, { recursive: true, force: true });

const picture = new Picture(tracks);
const now = 1_780_272_000_000;
picture.step(0, now);
const msg = encodeMessage(SNAPSHOT, now, picture.tracks);
const store = new TrackStore();
store.applyBinary(msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.byteLength));

// The page's App as far as the table's ordering reads it. The view: the page's default view
// (zoom 5.2 around 128.6 E 28.6 N in a 1006 x 660 px map).
const VIEW_BOUNDS = [119.0, 22.3, 138.2, 34.7];
const app = {
  mode: 'live', store, source: store, identities: new Map(),
  view: { filter: '', inView: true, sort: 'id', sortDesc: false },
  bounds: () => VIEW_BOUNDS,
  inBounds: (t, b) => t.lon >= b[0] && t.lon <= b[2] && t.lat >= b[1] && t.lat <= b[3],
  layerVisible: () => true,
  identity: (t) => t,
  liveNowForAge: () => now,
};

// Session 6's TrackTable.rows(), as it was.
const matches = (t, q) => {
  if (!q) return true;
  const hay = [t.id, t.cs, t.name, t.mmsi, t.icao, ...(t.tn ?? []), t.domain, t.label, ...(t.sources ?? [])]
    .filter((x) => x !== undefined).join(' ').toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
};
const VALUES = {
  id: (t) => t.id, age: (t) => now - t.t, label: (t) => t.label,
};
function formerRows() {
  const q = app.view.filter.trim().toLowerCase();
  const b = app.bounds();
  const out = [];
  app.source.forEach((raw) => {
    if (!app.layerVisible(raw)) return;
    if (app.view.inView && !app.inBounds(raw, b)) return;
    if (matches(raw, q)) out.push(raw);
  });
  const value = VALUES[app.view.sort];
  const dir = app.view.sortDesc ? -1 : 1;
  const key = new Map(out.map((t) => [t.id, value(t)]));
  out.sort((a, b2) => {
    const x = key.get(a.id), y = key.get(b2.id);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (c || a.id - b2.id) * dir;
  });
  return out;
}

// The table's own ordering (TrackTable's live branch), with the rows of a window of 60.
const table = Object.create(TrackTable.prototype);
table.app = app;
const WINDOW_ROWS = 60;
const current = () => table.order(WINDOW_ROWS);

function cpuMs(fn) {
  const ms = [];
  let result;
  for (let i = 0; i < reps; i++) {
    const t0 = process.cpuUsage();
    result = fn();
    const d = process.cpuUsage(t0);
    ms.push((d.user + d.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[ms.length >> 1], result };
}

const CASES = [
  ['only in view, by id (the default, each second)', { filter: '', inView: true, sort: 'id', sortDesc: false }],
  ['every track, by age, descending', { filter: '', inView: false, sort: 'age', sortDesc: true }],
  ['every track, filter "sea secret", by label', { filter: 'sea secret', inView: false, sort: 'label', sortDesc: false }],
];
console.log(`track table, ${tracks} tracks, CPU ms per refresh's ordering (median of ${reps})`);
for (const [name, view] of CASES) {
  Object.assign(app.view, view);
  const before = cpuMs(formerRows);
  const after = cpuMs(current);
  // Same rows in the same order (the first window).
  const a = before.result.slice(0, WINDOW_ROWS).map((t) => t.id);
  const b = after.result.ids;
  const same = a.length === b.length && a.every((id, i) => id === b[i]) && before.result.length === after.result.total;
  console.log(`  ${name}: former ${before.ms.toFixed(1)} ms, now ${after.ms.toFixed(1)} ms ` +
              `(${after.result.total} rows; same first ${WINDOW_ROWS}: ${same})`);
  if (!same) process.exitCode = 1;
}
