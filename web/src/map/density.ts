// Level of detail for dense views: a screen-space decimation of the tracks drawn as one bitmap.
//
// With tens of thousands of tracks in view a software renderer (SwiftShader) spends seconds a
// frame on the per-instance vertex work of 100,000 dots (docs/web-performance.md). Here the map
// is cut into cells of CELL_PX x CELL_PX screen pixels (on the Web Mercator pixel grid of the
// current zoom, so a cell stays put while panning) and each cell holding a drawn track lights one
// dot, coloured by the most alarming affiliation among its tracks (hostile before unknown before
// neutral before friend; then the freshest): a hostile track among friends is never hidden by
// them. The dots are written into a small RGBA image (DOT_TEXELS texels per cell side) that deck.gl
// draws as one textured quad (BitmapLayer): a pan moves a quad instead of 100,000 instances, and
// the image covers the view plus a margin, so it is rebuilt only when the picture changes (1 Hz),
// the zoom changes or the view leaves it.
//
// Only tracks drawn are counted (alpha 0: hidden by a layer). The table, the search, picking
// (on the CPU, from the store) and the banner (TrackStore.labelsIn) still see every track.
// No DOM here: web/tests/unit/density.test.mjs.

export const CELL_PX = 6;           // screen pixels per cell side
export const DOT_TEXELS = 2;        // texels per cell side: a dot is one texel (3 x 3 px)
export const MARGIN = 0.5;          // the image reaches this fraction of the view beyond each side
const TILE_PX = 512;                // MapLibre's world size at zoom 0, in pixels
const MAX_LAT = 85.051129;          // Web Mercator's latitude limit
const MAX_TEXELS = 4096;            // longest image side (a WebGL texture limit everywhere)

export interface DensityTracks {
  count: number;
  positions: Float32Array;  // lon, lat, z per track
  colors: Uint8Array;       // r, g, b, a per track; a = 0: not drawn
  ranks: Uint8Array;        // how alarming the track's affiliation is (higher wins a cell)
}

export interface DensityImage {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;                  // RGBA, row 0 at the north edge
  bounds: [number, number, number, number];   // west, south, east, north (degrees)
  zoom: number;
  cells: number;                              // cells lit (dots drawn)
  drawnTracks: number;                        // tracks inside the image that are drawn
}

/** Web Mercator x of a longitude, in pixels of a world `world` pixels wide. */
export function mercatorX(lon: number, world: number): number {
  return ((lon + 180) / 360) * world;
}

/** Web Mercator y (down from the north edge) of a latitude, in pixels of the world. */
export function mercatorY(lat: number, world: number): number {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * world;
}

function longitudeOf(x: number, world: number): number { return (x / world) * 360 - 180; }
function latitudeOf(y: number, world: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / world))) * 180) / Math.PI;
}

/**
 * The affiliation's rank in a cell (2525C affiliation letters): hostile, suspect, joker, faker
 * 4; unknown, pending, none and anything else 3; neutral 2; friend, assumed friend 1.
 */
export function affiliationRank(a: string): number {
  switch (a) {
    case 'H': case 'S': case 'J': case 'K': return 4;
    case 'N': case 'L': return 2;
    case 'F': case 'A': case 'D': case 'M': return 1;
    default: return 3;
  }
}

/**
 * Draws the decimated tracks inside `view` [w, s, e, n] grown by MARGIN at `zoom`. `reuse`: an
 * earlier image's pixels, overwritten when large enough. All at once: DensityBuilder does the
 * same in steps.
 */
export function densityImage(t: DensityTracks, view: readonly [number, number, number, number],
                             zoom: number, reuse?: Uint8ClampedArray): DensityImage {
  const b = new DensityBuilder(t, view, zoom, reuse);
  b.step(Infinity);
  return b.result();
}

/**
 * densityImage in steps, so that the page's main thread is never held long (a 100,000-track
 * image is tens of ms of work, several times that on a loaded machine): step(k) handles at most
 * k more tracks (then the image's rows, k cells at a time) and says whether the image is done.
 * The tracks' arrays are read while stepping: a change to them in between shows in the image.
 */
export class DensityBuilder {
  private readonly world: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly winner: Int32Array;
  private readonly reuse: Uint8ClampedArray | undefined;
  private pixels: Uint8ClampedArray | null = null;
  private next = 0;        // next track, then (after the tracks) next cell
  private drawn = 0;
  private cells = 0;
  private tracksDone = false;
  private done = false;

  constructor(private readonly t: DensityTracks, view: readonly [number, number, number, number],
              readonly zoom: number, reuse?: Uint8ClampedArray) {
    const world = TILE_PX * 2 ** zoom;
    const vx0 = mercatorX(view[0], world), vx1 = mercatorX(view[2], world);
    const vy0 = mercatorY(view[3], world), vy1 = mercatorY(view[1], world);
    const mx = (vx1 - vx0) * MARGIN, my = (vy1 - vy0) * MARGIN;
    // On the cell grid, within the world.
    this.world = world;
    this.x0 = Math.max(0, Math.floor((vx0 - mx) / CELL_PX) * CELL_PX);
    this.y0 = Math.max(0, Math.floor((vy0 - my) / CELL_PX) * CELL_PX);
    const cols = Math.ceil((Math.min(world, vx1 + mx) - this.x0) / CELL_PX);
    const rows = Math.ceil((Math.min(world, vy1 + my) - this.y0) / CELL_PX);
    this.cols = Math.max(1, Math.min(cols, MAX_TEXELS / DOT_TEXELS));
    this.rows = Math.max(1, Math.min(rows, MAX_TEXELS / DOT_TEXELS));
    this.winner = new Int32Array(this.cols * this.rows).fill(-1);
    this.reuse = reuse;
  }

  get finished(): boolean { return this.done; }

  /** Handles at most `k` tracks or cells; true when the image is done. */
  step(k: number): boolean {
    if (this.done) return true;
    const t = this.t, world = this.world, x0 = this.x0, y0 = this.y0;
    const cols = this.cols, rows = this.rows, winner = this.winner;
    if (!this.tracksDone) {
      const n = t.count;
      const end = Math.min(n, this.next + k);
      let drawn = this.drawn;
      for (let i = this.next; i < end; i++) {
        const a = t.colors[4 * i + 3];
        if (a === 0) continue;
        const cx = Math.floor((mercatorX(t.positions[3 * i], world) - x0) / CELL_PX);
        if (cx < 0 || cx >= cols) continue;
        const cy = Math.floor((mercatorY(t.positions[3 * i + 1], world) - y0) / CELL_PX);
        if (cy < 0 || cy >= rows) continue;
        drawn++;
        const cell = cy * cols + cx;
        const w = winner[cell];
        if (w < 0 || t.ranks[i] > t.ranks[w] || (t.ranks[i] === t.ranks[w] && a > t.colors[4 * w + 3])) {
          winner[cell] = i;
        }
      }
      this.drawn = drawn;
      k -= end - this.next;
      this.next = end;
      if (end < n) return false;
      this.tracksDone = true;
      this.next = 0;
      const size = 4 * cols * DOT_TEXELS * rows * DOT_TEXELS;
      this.pixels = this.reuse && this.reuse.length === size ? this.reuse : new Uint8ClampedArray(size);
      this.pixels.fill(0);
    }
    const pixels = this.pixels!;
    const width = cols * DOT_TEXELS;
    const total = cols * rows;
    const end = Math.min(total, this.next + Math.max(0, k));
    for (let cell = this.next; cell < end; cell++) {
      const w = winner[cell];
      if (w < 0) continue;
      this.cells++;
      const cx = cell % cols, cy = (cell - cx) / cols;
      // The dot: the texel of the cell under the winning track (at most half a cell off).
      const tx = Math.min(cx * DOT_TEXELS + DOT_TEXELS - 1, Math.max(cx * DOT_TEXELS,
        Math.floor(((mercatorX(t.positions[3 * w], world) - x0) * DOT_TEXELS) / CELL_PX)));
      const ty = Math.min(cy * DOT_TEXELS + DOT_TEXELS - 1, Math.max(cy * DOT_TEXELS,
        Math.floor(((mercatorY(t.positions[3 * w + 1], world) - y0) * DOT_TEXELS) / CELL_PX)));
      const p = 4 * (ty * width + tx);
      pixels[p] = t.colors[4 * w];
      pixels[p + 1] = t.colors[4 * w + 1];
      pixels[p + 2] = t.colors[4 * w + 2];
      pixels[p + 3] = t.colors[4 * w + 3];
    }
    this.next = end;
    this.done = end >= total;
    return this.done;
  }

  /** The image (once step() said done). */
  result(): DensityImage {
    if (!this.done) throw new Error('density image not finished');
    const world = this.world;
    const x1 = this.x0 + this.cols * CELL_PX, y1 = this.y0 + this.rows * CELL_PX;
    return { width: this.cols * DOT_TEXELS, height: this.rows * DOT_TEXELS, pixels: this.pixels!,
             zoom: this.zoom, cells: this.cells, drawnTracks: this.drawn,
             bounds: [longitudeOf(this.x0, world), latitudeOf(y1, world), longitudeOf(x1, world),
                      latitudeOf(this.y0, world)] };
  }
}

/** Whether `view` [w, s, e, n] lies inside the image's bounds (else the image is rebuilt). */
export function covers(img: DensityImage, view: readonly [number, number, number, number]): boolean {
  const b = img.bounds;
  return view[0] >= b[0] && view[1] >= b[1] && view[2] <= b[2] && view[3] <= b[3];
}
