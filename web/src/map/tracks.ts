// deck.gl layers of the live tracks, fed by the TrackStore's typed arrays as binary attributes
// (data: {length, attributes}): no accessor runs per track. The buffers are recomputed when the
// store's version, the second of `now` (stale fade) or an option changes, in a task of their own,
// and only the columns whose content changed are uploaded again; a pan or a zoom uploads
// nothing (see Attr), and while the map moves the update waits (`interacting`).
//
// Layers: symbols (IconLayer over the milsymbol atlas), dots instead below DOT_ZOOM or when more
// than DENSE_TRACKS tracks are in view (update-policy.ts), heading vectors (LineLayer: the
// distance covered in `vectorSeconds`; with symbols only), trails (PathLayer from the store's
// ring buffers, for at most TRAIL_TRACKS tracks: the selected one first, then those in
// `bounds`), a ring on the selected track. Symbols and vectors hold only the tracks near the
// view (symbolWindow); a dense view builds only the dots' buffers. Stale tracks (older than
// staleAfterS) fade. Every layer is always in the list (hidden when it has nothing to draw) so
// that no shader is compiled in the middle of an interaction.
import type { Layer, PickingInfo } from '@deck.gl/core';
import { BitmapLayer, IconLayer, LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { DOMAINS, NO_STRING, type TrackColumns, type TrackStore, type TrailPaths,
         type TrailWants } from '../live/store';
import { affiliationColor, atlasImage, sharedAtlas, sidcFor, type SymbolAtlas } from './symbols';
import { affiliationRank, covers, DensityBuilder, type DensityImage } from './density';
import { bufferUpdate, deferUpdate, inWindow, isDense, symbolWindow, within } from './update-policy';

export interface TrackLayerOptions {
  selectedId: number | null; now: number; staleAfterS: number; showTrails: boolean;
  /** Optional: the other selected tracks (a ring each, like the selected one). */
  pickedIds?: Iterable<number>;
  showVectors: boolean; vectorSeconds: number; theme: 'light' | 'dark';
  onPick?: (id: number | null) => void;
  /** Optional: the map's zoom (dots instead of symbols below DOT_ZOOM). */
  zoom?: number;
  /** Optional: the view [w, s, e, n], to choose which tracks get trails. */
  bounds?: [number, number, number, number];
  /**
   * Optional, default true: deck.gl picks the tracks (onPick on click). deck.gl then also picks
   * on every mouse move, drags included (MapboxOverlay forwards them as hovers), and a WebGL
   * pick reads pixels back synchronously: with 100,000 tracks on a software GPU that blocks
   * the main thread for the whole frame. false: no GPU picking; use attachTrackPicking().
   */
  gpuPicking?: boolean;
  /**
   * Optional, default 'decimated': how a dense view is drawn. 'decimated': at most one dot per
   * few-pixel cell, as one bitmap (density.ts); 'dots': a dot per track (ScatterplotLayer).
   */
  denseMode?: 'decimated' | 'dots';
  /**
   * Optional: called when a layer's data made in the background is ready (the dense view's
   * image, built in slices between frames): trackLayers should be called again. Without it the
   * image is built at once.
   */
  onAsync?: () => void;
  /**
   * Optional: the map is moving (a drag, a wheel zoom or an animation, and a short settling
   * time after it). The per-second update of the layers (the buffers of the new picture, the
   * dense image, the trails) then waits for the gesture's end, at most MAX_DEFER_MS: on a
   * software GPU that update and its uploads land in one of the gesture's frames. A dense
   * image that no longer covers the view is still rebuilt (in slices).
   */
  interacting?: boolean;
}

/** The part of a MapLibre map that attachTrackPicking uses. */
export interface PickEvent { point: { x: number; y: number }; originalEvent?: MouseEvent }
export interface PickMap {
  on(type: 'click', fn: (e: PickEvent) => void): unknown;
  off(type: 'click', fn: (e: PickEvent) => void): unknown;
  project(ll: [number, number]): { x: number; y: number };
  unproject(p: [number, number]): { lng: number; lat: number };
}

/**
 * The visible track nearest to screen point (x, y) within radiusPx, found on the CPU from the
 * store's columns (a box test in degrees, then screen distance for the few inside): no GPU
 * round trip. null when none.
 */
export function pickTrack(store: TrackStore, map: PickMap, x: number, y: number,
                          radiusPx = PICK_RADIUS_PX): number | null {
  const a = map.unproject([x - radiusPx, y - radiusPx]);
  const b = map.unproject([x + radiusPx, y + radiusPx]);
  const w = Math.min(a.lng, b.lng), e = Math.max(a.lng, b.lng);
  const s = Math.min(a.lat, b.lat), n = Math.max(a.lat, b.lat);
  const cols = store.columns();
  let best: number | null = null;
  let bestD = radiusPx * radiusPx;
  for (let i = 0; i < cols.count; i++) {
    const lon = cols.positions[3 * i], lat = cols.positions[3 * i + 1];
    if (lon < w || lon > e || lat < s || lat > n || !cols.visible[i]) continue;
    const p = map.project([lon, lat]);
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestD) { bestD = d; best = cols.ids[i]; }
  }
  return best;
}

/**
 * Calls onPick with the track clicked on the map (null: none there), and whether the click adds
 * to the selection (Ctrl or Cmd held). Returns the detach.
 */
export function attachTrackPicking(map: PickMap, store: TrackStore,
                                   onPick: (id: number | null, additive: boolean) => void): () => void {
  const click = (e: PickEvent): void => {
    const o = e.originalEvent;
    onPick(pickTrack(store, map, e.point.x, e.point.y), !!o && (o.ctrlKey || o.metaKey));
  };
  map.on('click', click);
  return () => { map.off('click', click); };
}

const PICK_RADIUS_PX = 12;
const WORLD: [number, number, number, number] = [-180, -90, 180, 90];
const WARM_MS = 15_000;   // every layer drawn, even empty, this long after start (trackLayers)
const ICON_KEYS = DOMAINS.length * 0x10000;  // domain x interned type string (u16)
const TRAIL_TRACKS = 2000;
// Icons: an icon's pixel height h is drawn as h * ICON_METRES_PER_PX metres: its natural size
// at zoom 5 at latitude 30 (156,543 m/px at zoom 0 x cos 30 / 2^5 = 4,237 m/px).
const ICON_METRES_PER_PX = 4237;
const ICON_MIN_PX = 6;
const ICON_MAX_PX = 34;     // at most this many trails (PathLayer cost is per vertex)
const METRES_PER_DEGREE = 111_320;
const FULL_ALPHA = 255;
const STALE_MIN_ALPHA = 70;
const DEG = Math.PI / 180;

// Attribute descriptors handed to deck.gl. deck.gl re-uploads a binary attribute only when its
// descriptor object changes (Attribute.setBinaryValue compares identity), and re-runs the
// layer's attribute update only when `data` changes: so an unchanged column keeps its
// descriptor and an unchanged picture keeps its `data` object, and a pan, a zoom or a second
// without news uploads nothing.
interface Attr<T> { value: T; size: number }

interface Cache {
  store: TrackStore;
  updatedAt: number;       // performance.now() of the last buffer update
  createdAt: number;       // performance.now() of the cache's creation (WARM_MS)
  symbolsStale: boolean;   // the symbol, vector and icon-colour buffers skipped (dense passes)
  bufferTask: boolean;     // an updateBuffers task is queued (trackLayers with onAsync)
  bufKey: string;          // what the per-track buffers depend on
  trailKey: string;        // what the trails depend on
  viewKey: string;         // what inView depends on
  inView: number;          // tracks the filter passes inside the view
  n: number;
  version: number;
  atlasVersion: number;
  atlasImage: HTMLCanvasElement | null;
  iconOfKey: Int32Array;   // (domain << 16 | type) -> atlas icon, -1 before first use
  iconRgb: number[][];     // atlas icon -> its affiliation's dot colour
  iconRank: number[];      // atlas icon -> its affiliation's rank in a dense cell
  ranks: Uint8Array;       // per slot: iconRank of its icon
  density: DensityImage | null;
  densityKey: string;
  densityData: ImageData | null;  // the BitmapLayer image
  densityBuild: { key: string; builder: DensityBuilder } | null;  // in progress
  densitySpare: Uint8ClampedArray | null;  // the image before the shown one: the next is built in it
  iconOfSlot: Int32Array;  // per slot: its atlas icon
  // Per slot (the dots and the dense image):
  positions: Float32Array; // a copy of the store's: its buffers go back to the stream's worker
  sizes: Float32Array;
  dotColors: Uint8Array;
  aPositions: Attr<Float32Array> | null;
  aSizes: Attr<Float32Array> | null;
  aDotColors: Attr<Uint8Array> | null;
  // Per track in the symbols' window (symWindow; updateSymbols):
  symWindow: [number, number, number, number] | null;
  symPositions: Float32Array;
  iconDefs: Float32Array;
  symSizes: Float32Array;
  colors: Uint8Array;
  targets: Float32Array;
  vectorColors: Uint8Array;
  symIds: Uint32Array;     // for deck.gl's picking of a symbol
  iconData: unknown;
  dotData: unknown;
  vectorData: unknown;
  trailData: unknown;
  trailCount: number;
  ids: Uint32Array;
}

// The page's one symbol atlas (symbols.ts sharedAtlas), shared with the replay's symbols.
const atlas: { value: SymbolAtlas | null } = { value: null };
let cache: Cache | null = null;
let lastDecimated = false;

// Empty data for the layers that are not in use at the moment: every layer type stays in the
// list, so its shaders are compiled at start-up and not in the middle of a zoom or a click
// (a shader link in SwiftShader blocks the main thread for seconds under load).
const NO_DATA = {
  length: 0,
  attributes: {
    getPosition: { value: new Float32Array(3), size: 3 },
    getSourcePosition: { value: new Float32Array(3), size: 3 },
    getTargetPosition: { value: new Float32Array(3), size: 3 },
    instanceIconDefs: { value: new Float32Array(7), size: 7 },
    getSize: { value: new Float32Array(1), size: 1 },
    getRadius: { value: new Float32Array(1), size: 1 },
    getColor: { value: new Uint8Array(4), size: 4 },
    getFillColor: { value: new Uint8Array(4), size: 4 },
  },
};
// A transparent texel for the density layer when it is not in use (its shader still compiled).
// (ImageData: deck.gl's createTexture takes a browser image object's own width and height.)
let noImage: ImageData | null = null;
const NO_IMAGE = (): ImageData => (noImage ??= new ImageData(1, 1));
const NEAREST = { minFilter: 'nearest', magFilter: 'nearest', mipmapFilter: 'nearest' } as const;
const NO_TRAILS = { length: 0, startIndices: new Uint32Array(0),
                    attributes: { getPath: { value: new Float32Array(0), size: 2 } } };

function grown<T extends Float32Array | Uint8Array | Int32Array | Uint32Array>(a: T, n: number,
                                                                    make: (n: number) => T): T {
  if (a.length >= n) return a;
  return make(Math.max(n, a.length * 2));
}

function newCache(store: TrackStore): Cache {
  return { store, updatedAt: -Infinity, createdAt: performance.now(), symbolsStale: true, bufferTask: false, bufKey: '', trailKey: '', viewKey: '', inView: 0, n: -1, version: -1, atlasVersion: -1,
           atlasImage: null, iconOfKey: new Int32Array(ICON_KEYS).fill(-1), iconRgb: [], iconRank: [],
           ranks: new Uint8Array(0), density: null, densityKey: '', densityData: null,
           densityBuild: null, densitySpare: null,
           iconOfSlot: new Int32Array(0), positions: new Float32Array(0),
           sizes: new Float32Array(0), dotColors: new Uint8Array(0), aPositions: null,
           aSizes: null, aDotColors: null, symWindow: null, symPositions: new Float32Array(0),
           iconDefs: new Float32Array(0), symSizes: new Float32Array(0), colors: new Uint8Array(0),
           targets: new Float32Array(0), vectorColors: new Uint8Array(0), symIds: new Uint32Array(0),
           iconData: NO_DATA, dotData: NO_DATA, vectorData: NO_DATA, trailData: NO_TRAILS,
           trailCount: 0, ids: new Uint32Array(0) };
}

// Recomputes the per-track buffers (no allocation once grown). Every pass: the dots' buffers,
// one entry per slot (positions, dot colours and ranks for the dense image, sizes for the dots'
// radius), a new descriptor only for the columns whose content changed. `dense` false (a
// zoomed-in view): also the symbols' and heading vectors' buffers, for the tracks the filter
// passes inside the symbols' window only (symbolWindow around `o.bounds`), written whole. A
// dense pass leaves those as they were (symbolsStale).
function updateBuffers(c: Cache, store: TrackStore, o: TrackLayerOptions, dense: boolean): void {
  atlas.value ??= sharedAtlas();
  const a = atlas.value;
  const cols = store.columns(o.now);
  const n = cols.count;
  const strings = store.strings();
  const resized = n !== c.n;
  const moved = store.version !== c.version;
  c.positions = grown(c.positions, 3 * n, (k) => new Float32Array(k));
  c.sizes = grown(c.sizes, n, (k) => new Float32Array(k));
  c.dotColors = grown(c.dotColors, 4 * n, (k) => new Uint8Array(k));
  c.ranks = grown(c.ranks, n, (k) => new Uint8Array(k));
  c.iconOfSlot = grown(c.iconOfSlot, n, (k) => new Int32Array(k));
  let sizesChanged = resized, dotsChanged = resized;
  for (let s = 0; s < n; s++) {
    const type = cols.types[s];
    const iconKey = cols.domains[s] * 0x10000 + type;
    let icon = c.iconOfKey[iconKey];
    if (icon < 0) {
      icon = a.iconOf(sidcFor(cols.domains[s], type === NO_STRING ? undefined : strings[type]));
      c.iconOfKey[iconKey] = icon;
      c.iconRgb[icon] = affiliationColor(a.affiliations[icon]);
      c.iconRank[icon] = affiliationRank(a.affiliations[icon]);
    }
    c.iconOfSlot[s] = icon;
    c.ranks[s] = c.iconRank[icon];
    const visible = cols.visible[s] === 1;
    const size = visible ? a.heights[icon] : 0;
    if (c.sizes[s] !== size) { c.sizes[s] = size; sizesChanged = true; }
    const age = cols.ages[s];
    let alpha = FULL_ALPHA;
    if (age > o.staleAfterS) {
      const f = Math.min(1, (age - o.staleAfterS) / Math.max(1, o.staleAfterS));
      alpha = Math.round(FULL_ALPHA - f * (FULL_ALPHA - STALE_MIN_ALPHA));
    }
    if (!visible) alpha = 0;
    const q = 4 * s;
    const rgb = c.iconRgb[icon];
    if (c.dotColors[q] !== rgb[0] || c.dotColors[q + 1] !== rgb[1] ||
        c.dotColors[q + 2] !== rgb[2] || c.dotColors[q + 3] !== alpha) {
      c.dotColors[q] = rgb[0]; c.dotColors[q + 1] = rgb[1]; c.dotColors[q + 2] = rgb[2];
      c.dotColors[q + 3] = alpha;
      dotsChanged = true;
    }
  }
  const positionsNew = moved || resized || !c.aPositions;
  if (positionsNew) {
    // A copy: deck.gl keeps the attribute's array, and the store's goes back to the worker.
    c.positions.set(cols.positions);
    c.aPositions = { value: c.positions.subarray(0, 3 * n), size: 3 };
  }
  if (sizesChanged || !c.aSizes) c.aSizes = { value: c.sizes.subarray(0, n), size: 1 };
  if (dotsChanged || !c.aDotColors) c.aDotColors = { value: c.dotColors.subarray(0, 4 * n), size: 4 };
  if (positionsNew || sizesChanged || dotsChanged) {
    c.dotData = { length: n, attributes: { getPosition: c.aPositions, getFillColor: c.aDotColors,
                                           getRadius: c.aSizes } };
  }
  if (!dense) updateSymbols(c, cols, o);
  c.symbolsStale = dense;
  c.ids = o.gpuPicking ?? true ? cols.ids.slice() : c.ids;  // for deck.gl's picking only
  c.n = n;
  c.version = store.version;
  c.updatedAt = performance.now();
}

// The symbols' and heading vectors' buffers of the tracks inside the symbols' window that the
// filter passes (after updateBuffers' pass over every slot: icons, dot colours' alpha).
function updateSymbols(c: Cache, cols: TrackColumns, o: TrackLayerOptions): void {
  const a = atlas.value!;
  const n = cols.count;
  const win = o.bounds ? symbolWindow(o.bounds) : WORLD;
  let k = 0;
  for (let s = 0; s < n; s++) {
    if (cols.visible[s] === 1 &&
        inWindow(cols.positions[3 * s], cols.positions[3 * s + 1], win)) k++;
  }
  c.symPositions = grown(c.symPositions, 3 * k, (m) => new Float32Array(m));
  c.iconDefs = grown(c.iconDefs, 7 * k, (m) => new Float32Array(m));
  c.symSizes = grown(c.symSizes, k, (m) => new Float32Array(m));
  c.colors = grown(c.colors, 4 * k, (m) => new Uint8Array(m));
  c.targets = grown(c.targets, 3 * k, (m) => new Float32Array(m));
  c.vectorColors = grown(c.vectorColors, 4 * k, (m) => new Uint8Array(m));
  c.symIds = grown(c.symIds, k, (m) => new Uint32Array(m));
  const vectorRgb: [number, number, number] = o.theme === 'dark' ? [230, 230, 230] : [40, 40, 40];
  let j = 0;
  for (let s = 0; s < n && j < k; s++) {
    const lon = cols.positions[3 * s], lat = cols.positions[3 * s + 1];
    if (cols.visible[s] !== 1 || !inWindow(lon, lat, win)) continue;
    const icon = c.iconOfSlot[s];
    const alpha = c.dotColors[4 * s + 3];
    c.symPositions[3 * j] = lon; c.symPositions[3 * j + 1] = lat;
    c.symPositions[3 * j + 2] = cols.positions[3 * s + 2];
    c.iconDefs.set(a.defs.subarray(7 * icon, 7 * icon + 7), 7 * j);
    c.symSizes[j] = a.heights[icon];
    const q = 4 * j;
    c.colors[q] = 255; c.colors[q + 1] = 255; c.colors[q + 2] = 255; c.colors[q + 3] = alpha;
    c.vectorColors[q] = vectorRgb[0]; c.vectorColors[q + 1] = vectorRgb[1];
    c.vectorColors[q + 2] = vectorRgb[2]; c.vectorColors[q + 3] = alpha;
    // Vector end: the position after vectorSeconds at the current velocity (flat earth).
    const ve = cols.velocities[2 * s], vn = cols.velocities[2 * s + 1];
    const cosLat = Math.max(0.01, Math.cos(lat * DEG));
    c.targets[3 * j] = lon + (ve * o.vectorSeconds) / (METRES_PER_DEGREE * cosLat);
    c.targets[3 * j + 1] = lat + (vn * o.vectorSeconds) / METRES_PER_DEGREE;
    c.targets[3 * j + 2] = 0;
    c.symIds[j] = cols.ids[s];
    j++;
  }
  // A new symbol drawn into the atlas moves no existing icon, but the atlas image must be
  // uploaded again: deck.gl uploads it when the prop changes identity (a copy per version).
  if (c.atlasVersion !== a.version || !c.atlasImage) {
    c.atlasImage = atlasImage(a);
    c.atlasVersion = a.version;
  }
  // Written whole: new descriptors (a few thousand tracks, uploaded once a second at most).
  const positions = { value: c.symPositions.subarray(0, 3 * k), size: 3 };
  c.iconData = { length: k, attributes: {
    getPosition: positions, instanceIconDefs: { value: c.iconDefs.subarray(0, 7 * k), size: 7 },
    getSize: { value: c.symSizes.subarray(0, k), size: 1 },
    getColor: { value: c.colors.subarray(0, 4 * k), size: 4 } } };
  c.vectorData = { length: k, attributes: {
    getSourcePosition: positions, getTargetPosition: { value: c.targets.subarray(0, 3 * k), size: 3 },
    getColor: { value: c.vectorColors.subarray(0, 4 * k), size: 4 } } };
  c.symWindow = win;
}

/** What the last trackLayers drew in a dense view (for tests and the bench). */
export function denseStats(): { decimated: boolean; cells: number; drawnTracks: number } {
  const d = cache?.density;
  return { decimated: lastDecimated, cells: d?.cells ?? 0,
           drawnTracks: d?.drawnTracks ?? 0 };
}

export function trackLayers(store: TrackStore, o: TrackLayerOptions): Layer[] {
  const second = Math.floor(o.now / 1000);
  if (!cache || cache.store !== store) cache = newCache(store);
  const c = cache;
  const countView = (): void => {
    const boundsKey = o.bounds ? o.bounds.map((v) => v.toFixed(2)).join(',') : '';
    const viewKey = [store.version, boundsKey].join('|');
    if (viewKey !== c.viewKey) {
      c.viewKey = viewKey;
      c.inView = o.bounds ? countInView(store.columns(o.now), o.bounds) : store.size;
    }
  };
  // While the map moves, the layers keep what they have (no pass over the tracks, no upload)
  // for at most MAX_DEFER_MS; the redraw at the gesture's end brings them up to date.
  // The symbols' buffers cover the view: not skipped by dense passes, and the view inside
  // their window.
  const symbolsCover = !c.symbolsStale && !!c.symWindow &&
                       (!o.bounds || within(o.bounds, c.symWindow));
  const policy = { interacting: !!o.interacting, hasBuffers: c.aPositions !== null,
                   sinceUpdateMs: performance.now() - c.updatedAt, dense: true,
                   symbolsMissing: !symbolsCover };
  const mayDefer = deferUpdate(policy);
  if (!mayDefer) countView();
  // Dots (a dense view) below DOT_ZOOM or with more than DENSE_TRACKS tracks in view; symbols
  // when zoomed in to fewer tracks.
  let dots = isDense(o.zoom, c.inView);
  const defer = deferUpdate({ ...policy, dense: dots });
  if (mayDefer && !defer) {
    countView();
    dots = isDense(o.zoom, c.inView);
  }
  // Symbols come back and are built in a task of their own: this frame still draws the image.
  let imageMeanwhile = false;
  if (!defer) {
    // The buffers depend on the picture, the second (stale fade), a few options and whether
    // the view is dense (then only the dots' buffers); not on the view itself, except when a
    // zoomed-in view leaves the symbols' window: a pan or a zoom reuses them as they are.
    const dense = dots;
    const keyOf = (): string => {
      const win = c.symWindow && (!o.bounds || within(o.bounds, c.symWindow))
        ? c.symWindow.join(',') : 'new';
      return [store.version, second, o.staleAfterS, o.vectorSeconds, o.theme,
              dense ? 'dense' : `full ${win}`].join('|');
    };
    if (keyOf() !== c.bufKey) {
      const how = bufferUpdate({
        async: !!o.onAsync, hasBuffers: c.aPositions !== null, dense, symbolsStale: c.symbolsStale,
        imageCovers: (o.denseMode ?? 'decimated') === 'decimated' && c.density !== null &&
                     !!o.bounds && covers(c.density, o.bounds) });
      imageMeanwhile = how === 'task, image meanwhile';
      if (how === 'now') {
        updateBuffers(c, store, o, dense);
        c.bufKey = keyOf();
      } else if (!c.bufferTask && o.onAsync) {
        // In a task of its own, not in this animation frame (which also holds deck.gl's and
        // MapLibre's draws): the frame draws the former buffers (or the dense image), the next
        // one the new.
        c.bufferTask = true;
        const ready = o.onAsync;
        nextSlice(() => {
          c.bufferTask = false;
          if (cache !== c) return;
          updateBuffers(c, store, o, dense);
          c.bufKey = keyOf();
          ready();
        });
      }
    }
  }
  if (imageMeanwhile) dots = true;
  // Decimated: the dots as one bitmap over the view and a margin, rebuilt when the picture,
  // the second (fade) or the zoom changes or the view leaves it; a pan draws the same image.
  const decimated = dots && (o.denseMode ?? 'decimated') === 'decimated' && !!o.bounds &&
                    o.zoom !== undefined && c.aPositions !== null;
  lastDecimated = decimated;
  if (decimated) {
    const densityKey = [c.bufKey, o.zoom!.toFixed(4)].join('|');
    // While the map moves, only a view that leaves the image rebuilds it (a zoom scales it).
    const rebuild = !c.density || !covers(c.density, o.bounds!) ||
                    (!defer && densityKey !== c.densityKey);
    if (rebuild && !c.densityBuild && !imageMeanwhile) {
      // Built into the image before the shown one (deck.gl uploaded that one long ago): two
      // buffers in turn, not 1-2 MB of new memory a second for the garbage collector.
      const builder = new DensityBuilder({ count: c.n, positions: c.positions, colors: c.dotColors,
                                           ranks: c.ranks }, o.bounds!, o.zoom!,
                                         c.densitySpare ?? undefined);
      c.densityBuild = { key: densityKey, builder };
      // A large picture is built in slices between frames (the former image stays meanwhile,
      // drawn at its own bounds): at once it is a task of tens of ms, several times that on a
      // loaded machine, in the middle of a pan.
      if (!o.onAsync || c.n <= SYNC_DENSITY_TRACKS) {
        builder.step(Infinity);
        finishDensity(c);
      } else {
        buildInSlices(c, o.onAsync);
      }
    }
  }
  // In a dense view (dots) only the selected track has a trail: 2,000 trails among 50,000 dots
  // tell nothing and are ~64,000 path segments a frame to draw.
  // The store makes the trails (in the stream's worker, which holds the trails' rings).
  // In a dense view only the selected track's trail: no bounds, so a moving view asks nothing.
  // While the map moves the trails wait too (a new set of paths is tessellated and uploaded).
  if (!defer) {
    store.setTrailWants({ on: o.showTrails, selected: o.selectedId,
                          bounds: !dots && o.bounds ? o.bounds.map(roundBound) as TrailWants['bounds'] : null,
                          most: dots ? 0 : TRAIL_TRACKS });
  }
  const trailKey = o.showTrails ? [store.version, store.trailVersion].join('|') : 'off';
  if (trailKey !== c.trailKey && (!defer || !o.showTrails)) {
    c.trailKey = trailKey;
    c.trailData = NO_TRAILS;
    c.trailCount = 0;
    if (o.showTrails) {
      const trails = visibleTrails(store, store.trailPaths());
      if (trails.count > 0) {
        c.trailData = { length: trails.count, startIndices: trails.starts,
                        attributes: { getPath: { value: trails.points, size: 2 } } };
        c.trailCount = trails.count;
      }
    }
  }

  const a = atlas.value!;
  // deck.gl's picking gives the instance's index: a slot for the dots, an index into the
  // window's tracks for the symbols.
  const picker = (ids: Uint32Array, count: number) => (info: PickingInfo): boolean => {
    o.onPick?.(info.index >= 0 && info.index < count ? ids[info.index] : null);
    return true;
  };
  const pick = picker(c.ids, c.ids.length);
  const pickSymbol = picker(c.symIds, (c.iconData as { length: number }).length);
  const gpuPicking = o.gpuPicking ?? true;
  // A layer with nothing to draw is hidden (visible: false): deck.gl skips its draw call, whose
  // bindings and uniform uploads cost a frame on a software GPU even for 0 instances. In the
  // first WARM_MS every layer is drawn, so that the first draw of each program (luma.gl links
  // them in parallel; the first use asks the GPU process for the program's uniform blocks,
  // synchronously) happens at start-up and not in the middle of a zoom or a click.
  const warm = performance.now() - c.createdAt < WARM_MS;
  const layers: Layer[] = [];
  layers.push(new PathLayer({
    id: 'track-trails',
    data: c.trailData as never,
    _pathType: 'open',
    getColor: o.theme === 'dark' ? [200, 200, 200, 150] : [60, 60, 60, 150],
    getWidth: 1.5, widthUnits: 'pixels', pickable: false, visible: warm || c.trailCount > 0,
  }) as unknown as Layer);
  layers.push(new LineLayer({
    id: 'track-vectors',
    data: (o.showVectors && !dots ? c.vectorData : NO_DATA) as never,
    getWidth: 1, widthUnits: 'pixels', pickable: false, visible: warm || (o.showVectors && !dots),
  }) as unknown as Layer);
  layers.push(new ScatterplotLayer({
    id: 'track-dots',
    data: (dots && !decimated ? c.dotData : NO_DATA) as never,
    // Radius 2-3 px from the symbol's height; no edge smoothing (a cost per fragment).
    radiusUnits: 'pixels', radiusScale: 0.08, radiusMinPixels: 0, stroked: false,
    antialiasing: false,
    pickable: gpuPicking && dots && !decimated, onClick: pick, visible: warm || (dots && !decimated),
  }) as unknown as Layer);
  const showDensity = decimated && c.density !== null;
  layers.push(new BitmapLayer({
    id: 'track-density',
    image: (showDensity ? c.densityData : NO_IMAGE()) as never,
    bounds: showDensity ? c.density!.bounds : [0, 0, 1e-6, 1e-6],
    textureParameters: NEAREST, pickable: false, visible: warm || showDensity,
  }) as unknown as Layer);
  layers.push(new IconLayer({
    id: 'track-symbols',
    data: (dots ? NO_DATA : c.iconData) as never,
    iconAtlas: c.atlasImage as unknown as string,
    iconMapping: a.mapping,
    // Natural size from zoom ICON_FULL_ZOOM up, smaller below (down to ICON_MIN_PX), so a
    // continent of tracks is not a smear and costs fewer pixels to draw.
    sizeUnits: 'meters', sizeScale: ICON_METRES_PER_PX, sizeMinPixels: ICON_MIN_PX,
    sizeMaxPixels: ICON_MAX_PX, billboard: true, alphaCutoff: 0.05,
    pickable: gpuPicking && !dots, onClick: pickSymbol, visible: warm || !dots,
  }) as unknown as Layer);
  const ringed: number[][] = [];
  const ring = (id: number): void => {
    const t = store.get(id);
    if (t) ringed.push([t.lon, t.lat]);
  };
  if (o.selectedId !== null) ring(o.selectedId);
  for (const id of o.pickedIds ?? []) if (id !== o.selectedId) ring(id);
  layers.push(new ScatterplotLayer({
    id: 'track-selected',
    data: ringed,
    getPosition: (d: number[]) => [d[0], d[1]],
    radiusUnits: 'pixels', getRadius: 16, stroked: true, filled: false,
    getLineColor: o.theme === 'dark' ? [255, 255, 0, 255] : [200, 0, 160, 255],
    lineWidthUnits: 'pixels', getLineWidth: 2, pickable: false, visible: warm || ringed.length > 0,
  }) as unknown as Layer);
  return layers;
}

// The view's bounds for the trail wants, to 0.01 degree (as the trails followed the view before).
const roundBound = (v: number): number => Math.round(v * 100) / 100;

const SYNC_DENSITY_TRACKS = 20_000;  // fewer tracks: the dense image at once (a few ms)
const SLICE_MS = 6;                  // a slice of the dense image's build, at most about
const SLICE_CHECK = 2048;            // tracks or cells between two looks at the clock

function finishDensity(c: Cache): void {
  const b = c.densityBuild!;
  c.densityBuild = null;
  c.densityKey = b.key;
  c.densitySpare = c.density?.pixels ?? null;
  c.density = b.builder.result();
  c.densityData = new ImageData(c.density.pixels as Uint8ClampedArray<ArrayBuffer>, c.density.width,
                                c.density.height);
}

// Yields to the event loop between slices (a MessageChannel message: no timer clamping), so
// input, frames and stream frames run in between.
const sliceChannel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
let sliceQueue: (() => void)[] = [];
if (sliceChannel) {
  sliceChannel.port1.onmessage = () => {
    const q = sliceQueue;
    sliceQueue = [];
    for (const f of q) f();
  };
}
function nextSlice(f: () => void): void {
  if (!sliceChannel) { setTimeout(f, 0); return; }
  sliceQueue.push(f);
  if (sliceQueue.length === 1) sliceChannel.port2.postMessage(0);
}

function buildInSlices(c: Cache, ready: () => void): void {
  const build = c.densityBuild!;
  const slice = (): void => {
    if (cache !== c || c.densityBuild !== build) return;  // the store changed: dropped
    const t0 = performance.now();
    while (!build.builder.step(SLICE_CHECK)) {
      if (performance.now() - t0 >= SLICE_MS) { nextSlice(slice); return; }
    }
    finishDensity(c);
    ready();
  };
  nextSlice(slice);
}

/** The tracks the filter passes inside bounds [w, s, e, n] (w > e: across the antimeridian). */
function countInView(cols: TrackColumns, b: [number, number, number, number]): number {
  let k = 0;
  const wrap = b[0] > b[2];
  for (let s = 0; s < cols.count; s++) {
    if (!cols.visible[s]) continue;
    const lon = cols.positions[3 * s], lat = cols.positions[3 * s + 1];
    if (lat < b[1] || lat > b[3]) continue;
    if (wrap ? lon >= b[0] || lon <= b[2] : lon >= b[0] && lon <= b[2]) k++;
  }
  return k;
}

/**
 * The paths of the tracks the filter passes (the worker chose them without the page's layer
 * filter): the paths as they are when all pass.
 */
function visibleTrails(store: TrackStore, t: TrailPaths): TrailPaths {
  let all = true;
  for (let i = 0; i < t.count && all; i++) {
    const s = store.slot(t.ids[i]);
    all = s >= 0 && store.isVisible(s);
  }
  if (all) return t;
  const ids: number[] = [], starts: number[] = [], points: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const s = store.slot(t.ids[i]);
    if (s < 0 || !store.isVisible(s)) continue;
    const end = i + 1 < t.count ? t.starts[i + 1] : t.points.length / 2;
    ids.push(t.ids[i]);
    starts.push(points.length / 2);
    for (let k = 2 * t.starts[i]; k < 2 * end; k++) points.push(t.points[k]);
  }
  return { count: ids.length, ids: Uint32Array.from(ids), starts: Uint32Array.from(starts),
           points: Float32Array.from(points) };
}
