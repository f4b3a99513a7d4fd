// web/src/map/density.ts: the dense view's decimation (one dot per CELL_PX cell of the Web
// Mercator pixel grid). Web Mercator pixel values from the projection's definition (EPSG:3857
// scaled to a world of 512 x 2^zoom pixels, as MapLibre draws it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';

const { densityImage, DensityBuilder, covers, mercatorX, mercatorY, affiliationRank, CELL_PX, DOT_TEXELS } = modules.density;

const ZOOM = 5;
const WORLD = 512 * 2 ** ZOOM;
const VIEW = [120, 20, 140, 35];
const FRIEND = [128, 224, 255], HOSTILE = [255, 128, 128], UNKNOWN = [255, 255, 128];

// Tracks as the layer gives them: positions (lon, lat, 0), colours (alpha 0: not drawn), ranks.
function tracks(list) {
  const n = list.length;
  const t = { count: n, positions: new Float32Array(3 * n), colors: new Uint8Array(4 * n), ranks: new Uint8Array(n) };
  list.forEach((x, i) => {
    t.positions[3 * i] = x.lon; t.positions[3 * i + 1] = x.lat;
    t.colors.set([...x.rgb, x.alpha ?? 255], 4 * i);
    t.ranks[i] = x.rank;
  });
  return t;
}

// The RGBA of the image's texel under (lon, lat), or null when outside.
function texelAt(img, lon, lat) {
  const world = 512 * 2 ** img.zoom;
  const x0 = mercatorX(img.bounds[0], world), y0 = mercatorY(img.bounds[3], world);
  const tx = Math.floor(((mercatorX(lon, world) - x0) * DOT_TEXELS) / CELL_PX);
  const ty = Math.floor(((mercatorY(lat, world) - y0) * DOT_TEXELS) / CELL_PX);
  if (tx < 0 || ty < 0 || tx >= img.width || ty >= img.height) return null;
  const p = 4 * (ty * img.width + tx);
  return [...img.pixels.subarray(p, p + 4)];
}

// The RGBA of every lit texel.
function litTexels(img) {
  const out = [];
  for (let p = 0; p < img.pixels.length; p += 4) if (img.pixels[p + 3]) out.push([...img.pixels.subarray(p, p + 4)]);
  return out;
}

test('Web Mercator pixels', () => {
  assert.equal(mercatorX(0, 512), 256);
  assert.equal(mercatorX(-180, 512), 0);
  assert.ok(Math.abs(mercatorY(0, 512) - 256) < 1e-9);
  assert.ok(Math.abs(mercatorY(85.0511287798, 512)) < 1e-6);
  // 45 N: y = (0.5 - ln(tan(67.5 deg)) / 2 pi) * 512 = 184.1792 px.
  assert.ok(Math.abs(mercatorY(45, 512) - 184.1792) < 1e-4);
});

test('affiliation ranks: hostile over unknown over neutral over friend', () => {
  assert.ok(affiliationRank('H') > affiliationRank('U'));
  assert.ok(affiliationRank('U') > affiliationRank('N'));
  assert.ok(affiliationRank('N') > affiliationRank('F'));
  assert.equal(affiliationRank('S'), affiliationRank('H'));   // suspect as hostile
  assert.equal(affiliationRank('P'), affiliationRank('U'));   // pending as unknown
});

test('a cell shows its most alarming drawn track; a hidden track shows nothing', () => {
  // Two tracks 0.001 deg apart (about 1 px at zoom 5) share a cell: the hostile wins over the
  // friend whatever their order; a hidden (alpha 0) hostile does not.
  const a = { lon: 130.0001, lat: 30.0001 }, b = { lon: 130.0011, lat: 30.0011 };
  const cellOf = (p) => [Math.floor(mercatorX(p.lon, WORLD) / CELL_PX), Math.floor(mercatorY(p.lat, WORLD) / CELL_PX)];
  assert.deepEqual(cellOf(a), cellOf(b), 'the test points share a cell');
  for (const order of [0, 1]) {
    const list = [{ ...a, rgb: FRIEND, rank: 1 }, { ...b, rgb: HOSTILE, rank: 4 }];
    if (order) list.reverse();
    const img = densityImage(tracks(list), VIEW, ZOOM);
    assert.equal(img.cells, 1);
    assert.equal(img.drawnTracks, 2);
    assert.deepEqual(litTexels(img), [[...HOSTILE, 255]]);
    assert.deepEqual(texelAt(img, b.lon, b.lat), [...HOSTILE, 255]);
  }
  const hidden = densityImage(tracks([{ ...a, rgb: FRIEND, rank: 1 }, { ...b, rgb: HOSTILE, rank: 4, alpha: 0 }]), VIEW, ZOOM);
  assert.equal(hidden.cells, 1);
  assert.equal(hidden.drawnTracks, 1);
  assert.deepEqual(litTexels(hidden), [[...FRIEND, 255]]);
  assert.deepEqual(texelAt(hidden, a.lon, a.lat), [...FRIEND, 255]);
  // Equal rank: the fresher (higher alpha) track's colour.
  const fade = densityImage(tracks([{ ...a, rgb: UNKNOWN, rank: 3, alpha: 90 }, { ...b, rgb: UNKNOWN, rank: 3, alpha: 200 }]), VIEW, ZOOM);
  assert.deepEqual(litTexels(fade), [[...UNKNOWN, 200]]);
});

test('every drawn track in the image lights its own cell, under it; none elsewhere', () => {
  let seed = 3;
  const r = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const list = [];
  for (let i = 0; i < 20000; i++) {
    list.push({ lon: 100 + r() * 60, lat: 10 + r() * 35, rgb: r() < 0.1 ? HOSTILE : FRIEND,
                rank: 1, alpha: r() < 0.2 ? 0 : 255 });
  }
  for (const x of list) if (x.rgb === HOSTILE) x.rank = 4;
  const img = densityImage(tracks(list), VIEW, ZOOM);
  assert.ok(covers(img, VIEW));
  const x0 = mercatorX(img.bounds[0], WORLD), y0 = mercatorY(img.bounds[3], WORLD);
  const cells = new Map();
  let inside = 0;
  for (const x of list) {
    const px = mercatorX(x.lon, WORLD) - x0, py = mercatorY(x.lat, WORLD) - y0;
    const cx = Math.floor(px / CELL_PX), cy = Math.floor(py / CELL_PX);
    if (cx < 0 || cy < 0 || cx * DOT_TEXELS >= img.width || cy * DOT_TEXELS >= img.height || !x.alpha) continue;
    inside++;
    const k = cy * 100000 + cx;
    const best = cells.get(k);
    if (!best || x.rank > best.rank) cells.set(k, x);
  }
  assert.equal(img.drawnTracks, inside);
  assert.equal(img.cells, cells.size);
  // Each lit cell has exactly one lit texel, with its winner's colour; the winner lies within
  // the texel's cell.
  let lit = 0;
  for (let ty = 0; ty < img.height; ty++) {
    for (let tx = 0; tx < img.width; tx++) {
      const p = 4 * (ty * img.width + tx);
      if (!img.pixels[p + 3]) continue;
      lit++;
      const cx = Math.floor(tx / DOT_TEXELS), cy = Math.floor(ty / DOT_TEXELS);
      const w = cells.get(cy * 100000 + cx);
      assert.ok(w, `texel ${tx},${ty} lit in an empty cell`);
      assert.deepEqual([...img.pixels.subarray(p, p + 3)], w.rank === 4 ? HOSTILE : FRIEND);
    }
  }
  assert.equal(lit, cells.size);
});

test('built in steps (DensityBuilder) the image is the one built at once', () => {
  // 3,000 tracks over the view and beyond it, mixed ranks and alphas (0: not drawn).
  let seed = 5;
  const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const list = Array.from({ length: 3000 }, () => ({
    lon: 110 + r() * 40, lat: 15 + r() * 25, rank: 1 + Math.floor(r() * 4),
    rgb: [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256)],
    alpha: r() < 0.1 ? 0 : 70 + Math.floor(r() * 186),
  }));
  const t = tracks(list);
  const once = densityImage(t, VIEW, ZOOM);
  assert.ok(once.cells > 500);
  for (const k of [1, 7, 1000, 2999]) {
    const b = new DensityBuilder(t, VIEW, ZOOM);
    let steps = 0;
    while (!b.step(k)) steps++;
    assert.ok(steps >= Math.floor(3000 / k), `k ${k}: ${steps} steps`);
    assert.throws(() => new DensityBuilder(t, VIEW, ZOOM).result(), /not finished/);
    const img = b.result();
    assert.deepEqual(img.bounds, once.bounds);
    assert.equal(img.cells, once.cells);
    assert.equal(img.drawnTracks, once.drawnTracks);
    assert.deepEqual(img.pixels, once.pixels);
  }
});
