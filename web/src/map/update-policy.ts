// When the track layers take the picture's news (tracks.ts trackLayers): pure rules, no DOM
// (web/tests/unit/update-policy.test.mjs).

export const DOT_ZOOM = 4;          // below it 100,000 symbols would be a smear: draw dots
export const DENSE_TRACKS = 5000;   // more tracks than this in view: dots
/** The longest the layers wait for a moving map before taking the picture's news all the same. */
export const MAX_DEFER_MS = 3000;

/**
 * Whether a view is drawn as dots (a dense view): below DOT_ZOOM, or more than DENSE_TRACKS
 * tracks in it. A symbol is ~30x30 pixels, and 100,000 of them overlapping are ~90 million
 * fragments a frame for a software renderer; a dot of radius 3 is ~30.
 */
export function isDense(zoom: number | undefined, inView: number): boolean {
  return (zoom ?? DOT_ZOOM) < DOT_ZOOM || inView > DENSE_TRACKS;
}

export interface DeferInput {
  interacting: boolean;    // the map moves (or moved within the page's settling time)
  hasBuffers: boolean;     // the layers have drawn a picture already
  sinceUpdateMs: number;   // since the buffers were last updated
  dense: boolean;          // the view is dense (dots) as far as the layers know
  symbolsMissing: boolean; // the symbols' buffers were skipped by dense updates, or the view
                           // left their window
}

/**
 * Whether the layers keep what they have for this redraw: while the map moves, for at most
 * MAX_DEFER_MS, and never when symbols are to be drawn and their buffers do not cover the view.
 */
export function deferUpdate(d: DeferInput): boolean {
  return d.interacting && d.hasBuffers && d.sinceUpdateMs < MAX_DEFER_MS &&
         (d.dense || !d.symbolsMissing);
}

export interface BufferUpdateInput {
  async: boolean;          // the layers can be redrawn when a task of their own is done
  hasBuffers: boolean;     // the layers have drawn a picture already
  dense: boolean;          // the view is dense (dots)
  symbolsStale: boolean;   // the symbols' buffers were skipped by dense updates
  imageCovers: boolean;    // a dense image is made and covers the view
}

/**
 * How the layers' buffers are brought up to date: 'now', in the animation frame (the first
 * picture; symbols coming back with nothing to draw meanwhile); 'task', in a task of their own,
 * the frame drawing the former buffers; 'task, image meanwhile': symbols come back (a zoom into
 * a view of DENSE_TRACKS or fewer tracks), built in a task of their own while the frame still
 * draws the dense image. The first pass after dense updates goes over every track, and in the
 * frame it adds to deck.gl's and MapLibre's draws.
 */
export function bufferUpdate(d: BufferUpdateInput): 'now' | 'task' | 'task, image meanwhile' {
  if (!d.async || !d.hasBuffers) return 'now';
  if (d.dense || !d.symbolsStale) return 'task';
  return d.imageCovers ? 'task, image meanwhile' : 'now';
}

export type Bounds = readonly [number, number, number, number];  // west, south, east, north

/** How far the symbols' window reaches beyond each side of the view, in views. */
export const SYMBOL_MARGIN = 0.5;

/**
 * The area whose tracks get symbols, heading vectors and their buffers (a zoomed-in view):
 * `view` [w, s, e, n] grown by SYMBOL_MARGIN of its size on each side, within the world. The
 * symbol layers then hold the tracks near the view (a few thousand) instead of all 100,000,
 * whose vertices a software GPU would transform every frame; a pan within the margin keeps the
 * buffers. A view across the antimeridian (w > e) gets every longitude.
 */
export function symbolWindow(view: Bounds): [number, number, number, number] {
  const dy = (view[3] - view[1]) * SYMBOL_MARGIN;
  const s = Math.max(-90, view[1] - dy), n = Math.min(90, view[3] + dy);
  if (view[0] > view[2]) return [-180, s, 180, n];
  const dx = (view[2] - view[0]) * SYMBOL_MARGIN;
  return [Math.max(-180, view[0] - dx), s, Math.min(180, view[2] + dx), n];
}

/** Whether `view` lies inside `window` (both [w, s, e, n]; a view with w > e: only the whole width). */
export function within(view: Bounds, window: Bounds): boolean {
  if (view[1] < window[1] || view[3] > window[3]) return false;
  if (view[0] > view[2]) return window[0] <= -180 && window[2] >= 180;
  return view[0] >= window[0] && view[2] <= window[2];
}

/** Whether (lon, lat) lies inside `window` [w, s, e, n]. */
export function inWindow(lon: number, lat: number, window: Bounds): boolean {
  return lat >= window[1] && lat <= window[3] && lon >= window[0] && lon <= window[2];
}
