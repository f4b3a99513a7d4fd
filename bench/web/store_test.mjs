// Tests of the page's tracks core outside a browser: web/src/live/store.ts (the binary and JSON
// stream forms into typed arrays, removal, trails, filter) and web/src/map/symbols.ts (SIDC).
// Built with the page's own Vite into a temporary folder, then run with node:test:
//   node bench/web/store_test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeMessage, SNAPSHOT, DELTA, DOMAIN } from './stand_in.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = mkdtempSync(join(tmpdir(), 'biac-store-test-'));
const { build } = await import(pathToFileURL(join(root, 'web/node_modules/vite/dist/node/index.js')).href);
await build({
  root: join(root, 'web'), configFile: false, logLevel: 'error', ssr: { noExternal: true },
  build: { ssr: true, outDir: out, emptyOutDir: true, target: 'node20',
           rollupOptions: { input: { store: join(root, 'web/src/live/store.ts'),
                                     symbols: join(root, 'web/src/map/symbols.ts') },
                            output: { format: 'es', entryFileNames: '[name].mjs' } } },
});
const { TrackStore, NO_STRING } = await import(pathToFileURL(join(out, 'store.mjs')).href);
const { sidcFor } = await import(pathToFileURL(join(out, 'symbols.mjs')).href);
rmSync(out, { recursive: true, force: true });

const T0 = 1_780_272_001_000;
const track = (id, extra = {}) => ({
  id, t: T0 - 877, lat: 26.5, lon: 127.75, alt: 1000, ve: 3, vn: 4,
  label: 'UNCLASSIFIED', domain: DOMAIN.air, ...extra,
});
const ab = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);

test('binary version 2: state, label, domain, type and sources', () => {
  const s = new TrackStore();
  const changes = [];
  s.subscribe((c) => changes.push(c));
  assert.ok(s.applyBinary(ab(encodeMessage(SNAPSHOT, T0, [
    track(5, { type: 'a-f-A-M-F-Q', sources: ['adsb', 'us-radar'] }),
    track(9, { lat: -33.25, lon: -70.5, alt: undefined, label: 'SECRET//NOFORN', domain: DOMAIN.sea,
               sources: ['ais'] }),
  ]))));
  assert.equal(s.size, 2);
  const a = s.get(5);
  assert.equal(a.t, T0 - 877);
  assert.equal(a.lat, 26.5);
  assert.equal(a.lon, 127.75);
  assert.equal(a.alt, 1000);
  assert.equal(a.ve, 3);
  assert.equal(a.vn, 4);
  assert.equal(a.label, 'UNCLASSIFIED');
  assert.equal(a.domain, 'air');
  assert.equal(a.type, 'a-f-A-M-F-Q');
  assert.deepEqual([...a.sources], ['adsb', 'us-radar']);
  const b = s.get(9);
  assert.equal(b.lat, -33.25);
  assert.equal(b.alt, undefined);
  assert.equal(b.type, undefined);
  assert.equal(b.domain, 'sea');
  assert.equal(b.label, 'SECRET//NOFORN');
  assert.deepEqual([...b.sources], ['ais']);
  assert.deepEqual(changes, [{ snapshot: true, updated: [5, 9], removed: [] }]);
  const c = s.columns(T0);
  assert.equal(c.count, 2);
  assert.deepEqual([...c.positions], [127.75, 26.5, 0, -70.5, -33.25, 0].map(Math.fround));
  // heading of (ve 3, vn 4): atan2(3, 4) = 36.87 degrees; age 0.877 s.
  assert.ok(Math.abs(c.headings[0] - 36.8699) < 1e-3);
  assert.ok(Math.abs(c.ages[0] - 0.877) < 1e-6);
});

test('binary version 1 (no attributes block) is still read', () => {
  // "BT" 1 2 time, one label "UNCLASSIFIED", one record (id 7, dt -1000, 1e-7 deg units), none
  // removed: written field by field from track_codec.h.
  const label = Buffer.from('UNCLASSIFIED');
  const m = Buffer.alloc(12 + 2 + 2 + label.length + 4 + 32 + 4);
  m.write('BT', 0, 'latin1'); m[2] = 1; m[3] = 2; m.writeBigInt64LE(BigInt(T0), 4);
  let p = 12;
  m.writeUInt16LE(1, p); m.writeUInt16LE(label.length, p + 2); label.copy(m, p + 4);
  p += 4 + label.length;
  m.writeUInt32LE(1, p); p += 4;
  m.writeUInt32LE(7, p); m.writeInt32LE(-1000, p + 4); m.writeInt32LE(123456789, p + 8);
  m.writeInt32LE(-1234567890, p + 12); m.writeFloatLE(NaN, p + 16); m.writeFloatLE(-1.5, p + 20);
  m.writeFloatLE(0, p + 24); m.writeUInt16LE(0, p + 28); m[p + 30] = 1; m[p + 31] = 0;
  p += 32;
  m.writeUInt32LE(0, p);
  const s = new TrackStore();
  assert.ok(s.applyBinary(ab(m)));
  const t = s.get(7);
  assert.equal(t.t, T0 - 1000);
  assert.ok(Math.abs(t.lat - 12.3456789) < 1e-12);
  assert.ok(Math.abs(t.lon + 123.456789) < 1e-12);
  assert.equal(t.alt, undefined);
  assert.equal(t.ve, -1.5);
  assert.equal(t.domain, 'sea');
  assert.equal(t.type, undefined);
  assert.equal(t.sources, undefined);
  // A truncated message is refused and changes nothing.
  assert.equal(s.applyBinary(ab(m.subarray(0, m.length - 8))), false);
  assert.equal(s.version, 1);
});

test('delta: update, removal keeps the columns dense, snapshot replaces', () => {
  const s = new TrackStore();
  s.applyBinary(ab(encodeMessage(SNAPSHOT, T0, [1, 2, 3, 4, 5].map((id) => track(id, { lat: id })))));
  s.applyBinary(ab(encodeMessage(DELTA, T0 + 1000, [track(4, { lat: 40, t: T0 + 1000 })], [2, 9])));
  assert.equal(s.size, 4);
  assert.equal(s.get(2), undefined);
  assert.equal(s.get(4).lat, 40);
  assert.equal(s.get(5).lat, 5);
  const c = s.columns(T0);
  assert.deepEqual([...c.ids].sort(), [1, 3, 4, 5]);
  for (let i = 0; i < c.count; i++) {
    assert.equal(c.positions[3 * i + 1], Math.fround(s.get(c.ids[i]).lat));
    assert.equal(s.slot(c.ids[i]), i);
  }
  s.applyBinary(ab(encodeMessage(SNAPSHOT, T0, [track(8)])));
  assert.equal(s.size, 1);
  assert.equal(s.get(1), undefined);
});

test('trails: bounded ring, spaced over the trail time, newest point last', () => {
  const s = new TrackStore();
  s.setTrailSeconds(64);  // 32 points: one kept every 2 s
  for (let k = 0; k <= 100; k++) {
    s.applyBinary(ab(encodeMessage(k ? DELTA : SNAPSHOT, T0 + 1000 * k,
                                   [track(1, { t: T0 + 1000 * k, lon: k })])));
  }
  const trail = s.trail(1);
  assert.ok(trail.length <= 32, `${trail.length} points`);
  assert.ok(trail.length >= 30, `${trail.length} points`);
  assert.deepEqual(trail[trail.length - 1], [100, 26.5]);
  assert.ok(trail[0][0] >= 100 - 64, `oldest ${trail[0][0]}`);
  for (let i = 1; i < trail.length; i++) assert.ok(trail[i][0] > trail[i - 1][0]);
  s.setTrailSeconds(10);
  assert.ok(s.trail(1).every(([lon]) => lon >= 90));
});

test('filter: hidden tracks are flagged and left out of the label roll-up', () => {
  const s = new TrackStore();
  s.applyBinary(ab(encodeMessage(SNAPSHOT, T0, [
    track(1), track(2, { domain: DOMAIN.sea, label: 'SECRET//NOFORN' }), track(3)])));
  assert.deepEqual([...s.labelsInUse()], [['UNCLASSIFIED', 2], ['SECRET//NOFORN', 1]]);
  s.setFilter((t) => t.domain === 'air');
  assert.deepEqual([...s.columns(T0).visible], [1, 0, 1]);
  assert.deepEqual([...s.labelsInUse()], [['UNCLASSIFIED', 2]]);
  // A new track is filtered as it arrives.
  s.applyBinary(ab(encodeMessage(DELTA, T0, [track(4, { domain: DOMAIN.land })])));
  assert.equal(s.columns(T0).visible[s.slot(4)], 0);
  s.setFilter(null);
  assert.equal(s.columns(T0).visible[s.slot(4)], 1);
});

test('compact JSON: cat and src become type and sources; identity kept', () => {
  const s = new TrackStore();
  s.applyJson({ type: 'snapshot', time: T0, tracks: [
    { id: 12, t: T0, lat: 26.5, lon: 127.75, alt: 1000, ve: 3, vn: 4, dom: 'air', cat: 'a-n-A-C-F',
      label: 'SECRET//REL TO USA, JPN', icao: '4840d6', cs: 'KLM1', src: ['adsb', 'us-radar'], n: 7 }] });
  s.applyJson({ type: 'delta', time: T0, updated: [], removed: [] });
  const t = s.get(12);
  assert.equal(t.type, 'a-n-A-C-F');
  assert.deepEqual([...t.sources], ['adsb', 'us-radar']);
  assert.equal(t.icao, '4840d6');
  assert.equal(t.cs, 'KLM1');
  assert.equal(t.n, 7);
  assert.equal(t.domain, 'air');
  s.applyJson({ type: 'delta', time: T0, updated: [], removed: [12] });
  assert.equal(s.size, 0);
});

test('SIDC: CoT atoms map letter for letter; otherwise unknown by domain', () => {
  assert.equal(sidcFor(2, 'a-f-A-M-F-Q'), 'SFAPMFQ---' + '-----');
  assert.equal(sidcFor(3, 'a-n-G'), 'SNGP------' + '-----');
  assert.equal(sidcFor(2, 'a-h-A'), 'SHAP------' + '-----');  // declared by the source, drawn as is
  assert.equal(sidcFor(1), 'SUSP------' + '-----');
  assert.equal(sidcFor(2), 'SUAP------' + '-----');
  assert.equal(sidcFor(0), 'SUZP------' + '-----');
  assert.equal(sidcFor(1, '70'), 'SUSP------' + '-----');   // AIS ship type: not a CoT atom
  assert.equal(sidcFor(2, 'b-m-p-s-p-i'), 'SUAP------' + '-----');  // not an atom ("a-")
});
