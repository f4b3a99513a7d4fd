// web/src/map/update-policy.ts: when the track layers draw dots, and when they keep their data
// while the map moves (the per-second update waits for the gesture, at most MAX_DEFER_MS).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';

const { isDense, deferUpdate, bufferUpdate, symbolWindow, within, inWindow, DOT_ZOOM, DENSE_TRACKS,
        MAX_DEFER_MS, SYMBOL_MARGIN } = modules.updatePolicy;

test('a view is dense below the dot zoom or with more than DENSE_TRACKS tracks in it', () => {
  assert.equal(isDense(DOT_ZOOM - 0.01, 0), true);
  assert.equal(isDense(DOT_ZOOM, DENSE_TRACKS), false);
  assert.equal(isDense(DOT_ZOOM, DENSE_TRACKS + 1), true);
  assert.equal(isDense(12, 10), false);
  // Without a zoom only the count decides.
  assert.equal(isDense(undefined, DENSE_TRACKS), false);
  assert.equal(isDense(undefined, DENSE_TRACKS + 1), true);
});

test('the layers keep their data only while the map moves, for at most MAX_DEFER_MS', () => {
  const moving = { interacting: true, hasBuffers: true, sinceUpdateMs: 100, dense: true,
                   symbolsMissing: true };
  assert.equal(deferUpdate(moving), true);
  assert.equal(deferUpdate({ ...moving, interacting: false }), false);
  assert.equal(deferUpdate({ ...moving, sinceUpdateMs: MAX_DEFER_MS - 1 }), true);
  assert.equal(deferUpdate({ ...moving, sinceUpdateMs: MAX_DEFER_MS }), false);
  // Nothing drawn yet: the first picture is never held back.
  assert.equal(deferUpdate({ ...moving, hasBuffers: false }), false);
});

test('symbols are never drawn from buffers that do not cover the view', () => {
  const zoomedIn = { interacting: true, hasBuffers: true, sinceUpdateMs: 100, dense: false,
                     symbolsMissing: true };
  assert.equal(deferUpdate(zoomedIn), false);
  assert.equal(deferUpdate({ ...zoomedIn, symbolsMissing: false }), true);
});

test('symbols that come back are built in a task of their own while the dense image covers the view', () => {
  const back = { async: true, hasBuffers: true, dense: false, symbolsStale: true, imageCovers: true };
  assert.equal(bufferUpdate(back), 'task, image meanwhile');
  // No image over the view (zoomed in far past its edge): nothing to draw meanwhile.
  assert.equal(bufferUpdate({ ...back, imageCovers: false }), 'now');
  // The first picture and a page that cannot be told when a task is done: at once.
  assert.equal(bufferUpdate({ ...back, hasBuffers: false }), 'now');
  assert.equal(bufferUpdate({ ...back, async: false }), 'now');
  // The per-second update, dense or with symbols up to date: a task, the former buffers drawn.
  assert.equal(bufferUpdate({ ...back, dense: true }), 'task');
  assert.equal(bufferUpdate({ ...back, symbolsStale: false }), 'task');
  assert.equal(bufferUpdate({ ...back, symbolsStale: false, imageCovers: false }), 'task');
});

test('the symbols\' window is the view grown by half its size on each side, within the world', () => {
  assert.equal(SYMBOL_MARGIN, 0.5);
  // A view 20 x 10 degrees: 10 and 5 degrees more on each side.
  assert.deepEqual(symbolWindow([120, 20, 140, 30]), [110, 15, 150, 35]);
  // Clamped to the world.
  assert.deepEqual(symbolWindow([-175, 80, -165, 88]), [-180, 76, -160, 90]);
  // Across the antimeridian (w > e): every longitude.
  assert.deepEqual(symbolWindow([170, 0, -170, 10]), [-180, -5, 180, 15]);
});

test('a view within the symbols\' window keeps it; a pan past the margin leaves it', () => {
  const win = symbolWindow([120, 20, 140, 30]);
  assert.equal(within([120, 20, 140, 30], win), true);
  assert.equal(within([129.9, 24.9, 149.9, 34.9], win), true);   // panned just short of the edge
  assert.equal(within([130.1, 20, 150.1, 30], win), false);       // past the east edge
  assert.equal(within([120, 14.9, 140, 24.9], win), false);       // past the south edge
  assert.equal(within([105, 10, 155, 40], win), false);           // zoomed out beyond it
  // A view across the antimeridian fits only a window of every longitude.
  assert.equal(within([170, 0, -170, 10], win), false);
  assert.equal(within([170, 0, -170, 10], symbolWindow([170, 0, -170, 10])), true);
});

test('a track is in the window when inside its bounds, edges included', () => {
  const win = [110, 15, 150, 35];
  assert.equal(inWindow(130, 25, win), true);
  assert.equal(inWindow(110, 15, win), true);
  assert.equal(inWindow(150, 35, win), true);
  assert.equal(inWindow(109.99, 25, win), false);
  assert.equal(inWindow(130, 35.01, win), false);
});
