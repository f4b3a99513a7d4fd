// web/src/live/store.ts decoding in the stream's worker: a store that decodes the binary stream
// (as the worker's does) and hands its columns over as frames (exportFrame) must leave the
// page's store (adoptFrame) exactly as if the page had decoded the same messages itself
// (applyBinary), as the page did before. And web/src/live/id-index.ts, the id -> slot table
// that travels with the frames. Messages are written here field by field from
// src/biac/api/track_codec.h (binary form, version 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';
import { rng } from './rng.mjs';

const { TrackStore, frameBuffers } = modules.store;
const { IdIndex, EMPTY } = modules.idIndex;

const SNAPSHOT = 1, DELTA = 2, RECORD = 32, NO_STRING = 0xffff;
const T0 = 1_780_272_001_000;

// track_codec.h: "BT" u8 version u8 type i64 time_ms, u16 strings {u16 len, bytes}, u32 updated
// {record}, u32 removed {u32 id}, {u16 type, u16 sources} per record.
function encode(type, time, tracks, removed = []) {
  const strings = [], at = new Map();
  const idx = (s) => { if (!at.has(s)) { at.set(s, strings.length); strings.push(s); } return at.get(s); };
  for (const t of tracks) idx(t.label);
  const attrs = tracks.map((t) => [t.type ? idx(t.type) : NO_STRING,
                                   t.sources ? idx(t.sources.join('\x1f')) : NO_STRING]);
  const enc = strings.map((s) => new TextEncoder().encode(s));
  const size = 12 + 2 + enc.reduce((a, e) => a + 2 + e.length, 0) + 4 + RECORD * tracks.length +
               4 + 4 * removed.length + 4 * tracks.length;
  const buf = new ArrayBuffer(size), v = new DataView(buf), b = new Uint8Array(buf);
  b[0] = 0x42; b[1] = 0x54; b[2] = 2; b[3] = type;
  v.setBigInt64(4, BigInt(time), true);
  let p = 12;
  v.setUint16(p, strings.length, true); p += 2;
  for (const e of enc) { v.setUint16(p, e.length, true); b.set(e, p + 2); p += 2 + e.length; }
  v.setUint32(p, tracks.length, true); p += 4;
  for (const t of tracks) {
    v.setUint32(p, t.id, true);
    v.setInt32(p + 4, t.t - time, true);
    v.setInt32(p + 8, Math.round(t.lat * 1e7), true);
    v.setInt32(p + 12, Math.round(t.lon * 1e7), true);
    v.setFloat32(p + 16, t.alt ?? NaN, true);
    v.setFloat32(p + 20, t.ve, true);
    v.setFloat32(p + 24, t.vn, true);
    v.setUint16(p + 28, at.get(t.label), true);
    b[p + 30] = t.domain;
    b[p + 31] = t.alt === undefined ? 0 : 1;
    p += RECORD;
  }
  v.setUint32(p, removed.length, true); p += 4;
  for (const id of removed) { v.setUint32(p, id, true); p += 4; }
  for (const [ti, si] of attrs) { v.setUint16(p, ti, true); v.setUint16(p + 2, si, true); p += 4; }
  return buf;
}

// A picture of `n` tracks (rng.mjs: a fixed seed) and its motion: labels, types, sources mixed.
const LABELS = ['UNCLASSIFIED', 'SECRET//REL TO USA, JPN', 'SECRET//NOFORN'];
const TYPES = [undefined, 'a-f-A-M-F-Q', 'a-h-S', 'a-u-G'];
const SOURCES = [undefined, ['ais'], ['adsb', 'us-radar'], ['jp-radar']];
function picture(n, r, firstId = 1) {
  return Array.from({ length: n }, (_, i) => ({
    id: firstId + i * 7, t: T0 - Math.floor(r() * 5000), lat: -80 + r() * 160, lon: -179 + r() * 358,
    alt: r() < 0.5 ? undefined : r() * 10000, ve: r() * 40 - 20, vn: r() * 40 - 20,
    label: LABELS[Math.floor(r() * LABELS.length)], domain: Math.floor(r() * 5),
    type: TYPES[Math.floor(r() * TYPES.length)], sources: SOURCES[Math.floor(r() * SOURCES.length)],
  }));
}

// A sequence of messages: a snapshot, deltas that move, add and remove tracks, a new snapshot.
function messages() {
  const r = rng(7);
  let tracks = picture(300, r);
  const out = [encode(SNAPSHOT, T0, tracks)];
  for (let k = 1; k <= 6; k++) {
    const time = T0 + 1000 * k;
    const removed = tracks.filter((_, i) => (i + k) % 11 === 0).map((t) => t.id);
    tracks = tracks.filter((t) => !removed.includes(t.id));
    for (const t of tracks) { t.lat += 0.01; t.lon -= 0.02; t.t = time; }
    const added = picture(20, r, 100_000 + 1000 * k);
    tracks = tracks.concat(added);
    // Removed ids that the store never held are ignored (the node may repeat a removal).
    out.push(encode(DELTA, time, tracks.filter((_, i) => i % 3 !== k % 3).concat(added), [...removed, 4_000_000]));
  }
  out.push(encode(SNAPSHOT, T0 + 10_000, picture(50, r, 500_000)));
  return out;
}

// Everything a page reads of a store, by id (slot order is not part of the contract). A trail
// of one point draws nothing and is not handed over.
function contents(s) {
  const out = new Map();
  const trail = (id) => { const p = s.trail(id); return p.length >= 2 ? p : []; };
  s.forEach((t) => out.set(t.id, { ...t, sources: t.sources && [...t.sources], trail: trail(t.id) }));
  return { size: s.size, latestTime: s.latestTime, tracks: out };
}

// The worker's side and the page's side, as socket-worker.ts and stream.ts wire them.
const ALL_TRAILS = { on: true, selected: null, bounds: null, most: 1e9 };

function viaFrames(list, { everyMessage = true, wants = ALL_TRAILS } = {}) {
  const worker = new TrackStore(), page = new TrackStore();
  worker.seedTables([...page.strings()], page.joinedSets());
  // The page's trail wants reach the worker's store (stream.ts: onTrailWants).
  page.onTrailWants = (w) => worker.setTrailWants(w);
  page.setTrailWants(wants);
  const changes = [];
  page.subscribe((c) => changes.push({ snapshot: c.snapshot, updated: c.updated.length, size: page.size,
                                       removed: [...c.removed] }));
  let spare = null;
  list.forEach((m, i) => {
    assert.ok(worker.applyBinary(m.slice(0)));
    if (!everyMessage && i % 2 === 0 && i < list.length - 1) return;  // coalesced
    const f = worker.exportFrame(spare);
    // Transferable: every column in a buffer of its own.
    const bufs = frameBuffers(f);
    assert.equal(new Set(bufs).size, bufs.length);
    spare = page.adoptFrame(structuredClone(f, { transfer: bufs }));
  });
  return { page, changes };
}

test('frames from the worker give the store the page decoded itself', () => {
  const list = messages();
  const direct = new TrackStore();
  for (const m of list) assert.ok(direct.applyBinary(m.slice(0)));
  const { page } = viaFrames(list);
  const a = contents(page), b = contents(direct);
  assert.equal(a.size, 50);
  assert.deepEqual(a, b);
  // Lookups by id through the adopted index.
  for (const id of b.tracks.keys()) assert.equal(page.get(id).id, id);
  assert.equal(page.get(1), undefined);
  assert.equal(page.slot(1), -1);
});

test('trails: the page gets the wanted paths the page would have made itself', () => {
  const list = messages().slice(0, -1);
  const direct = new TrackStore();
  for (const m of list) direct.applyBinary(m.slice(0));
  const some = direct.columns().ids[40];
  for (const wants of [{ on: true, selected: some, bounds: [-20, -30, 60, 40], most: 25 },
                       { on: true, selected: some, bounds: [170, -90, -170, 90], most: 1000 },
                       { on: true, selected: some, bounds: null, most: 0 },
                       { on: false, selected: some, bounds: null, most: 10 }]) {
    const { page } = viaFrames(list, { wants });
    direct.setTrailWants(wants);
    const a = page.trailPaths(), b = direct.trailPaths();
    assert.deepEqual(a, b);
    if (wants.on) {
      assert.equal(a.ids[0], some);  // the selected track's first
      assert.ok(a.count >= 1 && a.count <= wants.most + 1);
      assert.deepEqual(page.trail(some), direct.trail(some));
    } else {
      assert.equal(a.count, 0);
    }
    // 25 chosen (the selected one among them); a trail of one point (a new track) is dropped.
    if (wants.most === 25) assert.ok(a.count >= 20 && a.count <= 25, `${a.count}`);
  }
});

test('the state before the last snapshot is the same too (removals, additions, trails)', () => {
  const list = messages().slice(0, -1);
  const direct = new TrackStore();
  for (const m of list) direct.applyBinary(m.slice(0));
  const { page, changes } = viaFrames(list);
  assert.deepEqual(contents(page), contents(direct));
  assert.ok(page.size > 250);
  // Trails of several points came over (32-point rings per track).
  assert.ok([...contents(page).tracks.values()].some((t) => t.trail.length >= 5));
  assert.equal(changes[0].snapshot, true);
  assert.equal(changes[1].snapshot, false);
  assert.ok(changes[1].removed.includes(4_000_000));
  // A frame replaces every column: its change lists every track.
  for (const c of changes) assert.equal(c.updated, c.size);
});

test('coalesced messages: one frame carries all, its removals and its snapshot flag', () => {
  const list = messages().slice(0, -1);
  const direct = new TrackStore();
  for (const m of list) direct.applyBinary(m.slice(0));
  const { page, changes } = viaFrames(list, { everyMessage: false });
  assert.deepEqual(contents(page), contents(direct));
  // 7 messages, a frame after messages 1, 3, 5 and the last (6).
  assert.equal(list.length, 7);
  assert.equal(changes.length, 4);
  assert.equal(changes[0].snapshot, true);  // the snapshot and the first delta, together
  assert.ok(changes[1].removed.length >= 2);
});

test('the filter applies to adopted frames; byAttributes asks once per label/domain/sources', () => {
  const list = messages().slice(0, 3);
  const { page } = viaFrames(list.slice(0, 1));
  let calls = 0;
  page.setFilter((t) => { calls++; return t.domain !== 'sea'; }, { byAttributes: true });
  const withSources = [];
  page.forEach((t) => { if (t.sources) withSources.push(t); });
  // At most 3 labels x 5 domains x 3 source sets asked for tracks with sources; the rest each.
  assert.ok(calls <= 45 + (page.size - withSources.length), `${calls} calls`);
  const cols = page.columns();
  for (let s = 0; s < cols.count; s++) assert.equal(cols.visible[s], cols.domains[s] === 1 ? 0 : 1);
  // A new frame: flags computed for it.
  const worker = new TrackStore();
  worker.seedTables([...page.strings()], page.joinedSets());
  for (const m of list) worker.applyBinary(m.slice(0));
  page.adoptFrame(worker.exportFrame());
  const c2 = page.columns();
  for (let s = 0; s < c2.count; s++) assert.equal(c2.visible[s], c2.domains[s] === 1 ? 0 : 1);
  page.setFilter(null);
  assert.ok(page.columns().visible.every((v) => v === 1));
});

test('the worker, seeded with the page tables, interns strings as the page does', () => {
  const page = new TrackStore();
  const m1 = encode(SNAPSHOT, T0, picture(10, rng(3)));
  page.applyBinary(m1.slice(0));  // the page's store has tables of its own (e.g. a first worker)
  const worker = new TrackStore();
  worker.seedTables([...page.strings()], page.joinedSets());
  worker.applyBinary(encode(SNAPSHOT, T0, [{ id: 1, t: T0, lat: 1, lon: 2, ve: 0, vn: 0,
    label: 'TOP SECRET//NEW', domain: 2, type: 'a-n-A', sources: ['new-feed'] }]));
  const f = worker.exportFrame();
  assert.equal(f.stringBase, page.strings().length);
  page.adoptFrame(f);
  const t = page.get(1);
  assert.equal(t.label, 'TOP SECRET//NEW');
  assert.equal(t.type, 'a-n-A');
  assert.deepEqual([...t.sources], ['new-feed']);
  // A frame from a store with other tables is refused, not misread.
  const stranger = new TrackStore();
  stranger.applyBinary(encode(SNAPSHOT, T0, [{ id: 2, t: T0, lat: 1, lon: 2, ve: 0, vn: 0,
    label: 'OTHER', domain: 1 }]));
  assert.throws(() => page.adoptFrame(stranger.exportFrame()), /differs/);
});

test('trail time set on the page reaches the worker store (onTrailSeconds)', () => {
  const page = new TrackStore();
  const seen = [];
  page.onTrailSeconds = (s) => seen.push(s);
  page.setTrailSeconds(600);
  assert.deepEqual(seen, [600]);
  assert.equal(page.trailTime, 600);
});

test('IdIndex: set, get, delete with runs that wrap, rehash', () => {
  const ids = new Uint32Array(5000);
  const x = new IdIndex(16);
  const r = rng(11);
  const live = new Map();  // id -> slot
  let n = 0;
  for (let step = 0; step < 20000; step++) {
    if (n < ids.length && (r() < 0.6 || n === 0)) {
      const id = (r() * 2 ** 32) >>> 0;
      if (live.has(id)) continue;
      ids[n] = id;
      x.set(id, n, ids);
      live.set(id, n);
      n++;
    } else {
      // Remove a random id as the store does: unfile it, move the last slot into its hole.
      const keys = [...live.keys()];
      const id = keys[Math.floor(r() * keys.length)];
      const s = live.get(id);
      x.delete(id, ids);
      live.delete(id);
      const last = --n;
      if (s !== last) {
        ids[s] = ids[last];
        x.set(ids[s], s, ids);
        live.set(ids[s], s);
      }
    }
    if (step % 997 === 0) {
      assert.equal(x.size, live.size);
      for (const [id, s] of live) assert.equal(x.get(id, ids), s);
    }
  }
  for (const [id, s] of live) assert.equal(x.get(id, ids), s);
  assert.equal(x.get(12345, ids) === EMPTY || ids[x.get(12345, ids)] === 12345, true);
  // Adjacent ids and ids sharing a home bucket (multiples of the table size).
  const y = new IdIndex(1024);
  const ids2 = new Uint32Array(64);
  for (let i = 0; i < 64; i++) { ids2[i] = i * 1024 * 1024; y.set(ids2[i], i, ids2); }
  for (let i = 0; i < 64; i += 2) y.delete(ids2[i], ids2);
  for (let i = 1; i < 64; i += 2) assert.equal(y.get(ids2[i], ids2), i);
  for (let i = 0; i < 64; i += 2) assert.equal(y.get(ids2[i], ids2), EMPTY);
  assert.equal(y.size, 32);
});
