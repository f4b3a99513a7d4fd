// deck.gl layers of the live tracks, fed by the TrackStore's typed arrays as binary attributes
// (data: {length, attributes}): no accessor runs per track. The buffers are recomputed when the
// store's version, the second of `now` (stale fade) or an option changes, and only the columns
// whose content changed are uploaded again; a pan or a zoom uploads nothing (see Attr).
//
// Layers: symbols (IconLayer over the milsymbol atlas), dots instead below DOT_ZOOM or when more
// than DENSE_TRACKS tracks are in view, heading vectors (LineLayer: the distance covered in
// `vectorSeconds`; with symbols only), trails (PathLayer from the store's ring buffers, for at
// most TRAIL_TRACKS tracks: the selected one first, then those in `bounds`), a ring on the
// selected track. Stale tracks (older than staleAfterS) fade. Every layer is always in the list
// (empty when unused) so that no shader is compiled in the middle of an interaction.
import type { Layer, PickingInfo } from '@deck.gl/core';
import { BitmapLayer, IconLayer, LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { DOMAINS, NO_STRING, type TrackColumns, type TrackStore, type TrailPaths,
         type TrailWants } from '../live/store';
import { affiliationColor, atlasImage, sharedAtlas, sidcFor, type SymbolAtlas } from './symbols';
import { affiliationRank, covers, DensityBuilder, type DensityImage } from './density';

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
const DOT_ZOOM = 4;            // below it 100,000 symbols would be a smear: draw dots
const ICON_KEYS = DOMAINS.length * 0x10000;  // domain x interned type string (u16)
const DENSE_TRACKS = 5000;     // more tracks than this in view: dots (see trackLayers)
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
  iconOfSlot: Int32Array;
  positions: Float32Array; // a copy of the store's: its buffers go back to the stream's worker
  iconDefs: Float32Array;
  sizes: Float32Array;
  colors: Uint8Array;
  dotColors: Uint8Array;
  targets: Float32Array;
  vectorColors: Uint8Array;
  aPositions: Attr<Float32Array> | null;
  aIconDefs: Attr<Float32Array> | null;
  aSizes: Attr<Float32Array> | null;
  aColors: Attr<Uint8Array> | null;
  aDotColors: Attr<Uint8Array> | null;
  aTargets: Attr<Float32Array> | null;
  aVectorColors: Attr<Uint8Array> | null;
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

function grown<T extends Float32Array | Uint8Array | Int32Array>(a: T, n: number,
                                                                    make: (n: number) => T): T {
  if (a.length >= n) return a;
  return make(Math.max(n, a.length * 2));
}

function newCache(store: TrackStore): Cache {
  return { store, bufKey: '', trailKey: '', viewKey: '', inView: 0, n: -1, version: -1, atlasVersion: -1,
           atlasImage: null, iconOfKey: new Int32Array(ICON_KEYS).fill(-1), iconRgb: [], iconRank: [],
           ranks: new Uint8Array(0), density: null, densityKey: '', densityData: null,
           densityBuild: null, densitySpare: null,
           iconOfSlot: new Int32Array(0), positions: new Float32Array(0),
           iconDefs: new Float32Array(0), sizes: new Float32Array(0), colors: new Uint8Array(0),
           dotColors: new Uint8Array(0), targets: new Float32Array(0),
           vectorColors: new Uint8Array(0), aPositions: null, aIconDefs: null, aSizes: null,
           aColors: null, aDotColors: null, aTargets: null, aVectorColors: null,
           iconData: NO_DATA, dotData: NO_DATA, vectorData: NO_DATA, trailData: NO_TRAILS,
           trailCount: 0, ids: new Uint32Array(0) };
}

// Recomputes the per-track buffers (one pass over the store's columns, no allocation) and
// gives a new descriptor only to the columns whose content changed.
function updateBuffers(c: Cache, store: TrackStore, o: TrackLayerOptions): void {
  atlas.value ??= sharedAtlas();
  const a = atlas.value;
  const cols = store.columns(o.now);
  const n = cols.count;
  const strings = store.strings();
  const resized = n !== c.n || c.iconDefs.length < 7 * n;
  const moved = store.version !== c.version;
  c.iconOfSlot = grown(c.iconOfSlot, n, (k) => new Int32Array(k));
  c.positions = grown(c.positions, 3 * n, (k) => new Float32Array(k));
  c.iconDefs = grown(c.iconDefs, 7 * n, (k) => new Float32Array(k));
  c.sizes = grown(c.sizes, n, (k) => new Float32Array(k));
  c.colors = grown(c.colors, 4 * n, (k) => new Uint8Array(k));
  c.dotColors = grown(c.dotColors, 4 * n, (k) => new Uint8Array(k));
  c.ranks = grown(c.ranks, n, (k) => new Uint8Array(k));
  c.targets = grown(c.targets, 3 * n, (k) => new Float32Array(k));
  c.vectorColors = grown(c.vectorColors, 4 * n, (k) => new Uint8Array(k));
  // An icon's definition is in atlas pixels and never changes once drawn: only a slot whose
  // icon changed (or a resize) rewrites its definition.
  let iconsChanged = resized;
  let sizesChanged = resized, colorsChanged = resized, dotsChanged = resized;
  let vectorColorsChanged = resized;
  const vectorRgb: [number, number, number] = o.theme === 'dark' ? [230, 230, 230] : [40, 40, 40];
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
    c.ranks[s] = c.iconRank[icon];
    if (c.iconOfSlot[s] !== icon || iconsChanged) {
      c.iconOfSlot[s] = icon;
      c.iconDefs.set(a.defs.subarray(7 * icon, 7 * icon + 7), 7 * s);
      iconsChanged = true;
    }
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
    if (c.colors[q + 3] !== alpha || c.colors[q] !== 255) {
      c.colors[q] = 255; c.colors[q + 1] = 255; c.colors[q + 2] = 255; c.colors[q + 3] = alpha;
      colorsChanged = true;
    }
    const rgb = c.iconRgb[icon];
    if (c.dotColors[q] !== rgb[0] || c.dotColors[q + 1] !== rgb[1] ||
        c.dotColors[q + 2] !== rgb[2] || c.dotColors[q + 3] !== alpha) {
      c.dotColors[q] = rgb[0]; c.dotColors[q + 1] = rgb[1]; c.dotColors[q + 2] = rgb[2];
      c.dotColors[q + 3] = alpha;
      dotsChanged = true;
    }
    const vAlpha = visible ? alpha : 0;
    if (c.vectorColors[q] !== vectorRgb[0] || c.vectorColors[q + 3] !== vAlpha) {
      c.vectorColors[q] = vectorRgb[0]; c.vectorColors[q + 1] = vectorRgb[1];
      c.vectorColors[q + 2] = vectorRgb[2]; c.vectorColors[q + 3] = vAlpha;
      vectorColorsChanged = true;
    }
    if (moved || resized) {
      // Vector end: the position after vectorSeconds at the current velocity (flat earth).
      const lon = cols.positions[3 * s], lat = cols.positions[3 * s + 1];
      const ve = cols.velocities[2 * s], vn = cols.velocities[2 * s + 1];
      const cosLat = Math.max(0.01, Math.cos(lat * DEG));
      c.targets[3 * s] = lon + (ve * o.vectorSeconds) / (METRES_PER_DEGREE * cosLat);
      c.targets[3 * s + 1] = lat + (vn * o.vectorSeconds) / METRES_PER_DEGREE;
      c.targets[3 * s + 2] = 0;
    }
  }
  // A new symbol drawn into the atlas during the pass moves no existing icon, but the atlas
  // image must be uploaded again.
  if (c.atlasVersion !== a.version || !c.atlasImage) {
    // deck.gl uploads the atlas when the prop changes identity: a copy per version.
    c.atlasImage = atlasImage(a);
    c.atlasVersion = a.version;
  }
  const any = resized || moved || iconsChanged || sizesChanged || colorsChanged || dotsChanged ||
              vectorColorsChanged || c.aPositions === null;
  if (moved || resized || !c.aPositions) {
    // A copy: deck.gl keeps the attribute's array, and the store's goes back to the worker.
    c.positions.set(cols.positions);
    c.aPositions = { value: c.positions.subarray(0, 3 * n), size: 3 };
    c.aTargets = { value: c.targets.subarray(0, 3 * n), size: 3 };
  }
  if (iconsChanged || !c.aIconDefs) c.aIconDefs = { value: c.iconDefs.subarray(0, 7 * n), size: 7 };
  if (sizesChanged || !c.aSizes) c.aSizes = { value: c.sizes.subarray(0, n), size: 1 };
  if (colorsChanged || !c.aColors) c.aColors = { value: c.colors.subarray(0, 4 * n), size: 4 };
  if (dotsChanged || !c.aDotColors) c.aDotColors = { value: c.dotColors.subarray(0, 4 * n), size: 4 };
  if (vectorColorsChanged || !c.aVectorColors) {
    c.aVectorColors = { value: c.vectorColors.subarray(0, 4 * n), size: 4 };
  }
  if (any) {
    c.iconData = { length: n, attributes: { getPosition: c.aPositions, instanceIconDefs: c.aIconDefs,
                                            getSize: c.aSizes, getColor: c.aColors } };
    c.dotData = { length: n, attributes: { getPosition: c.aPositions, getFillColor: c.aDotColors,
                                           getRadius: c.aSizes } };
    c.vectorData = { length: n, attributes: { getSourcePosition: c.aPositions,
                                              getTargetPosition: c.aTargets,
                                              getColor: c.aVectorColors } };
  }
  c.ids = o.gpuPicking ?? true ? cols.ids.slice() : c.ids;  // for deck.gl's picking only
  c.n = n;
  c.version = store.version;
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
  // The buffers depend on the picture, the second (stale fade) and a few options; not on the
  // view: a pan or a zoom reuses them as they are.
  const bufKey = [store.version, second, o.staleAfterS, o.vectorSeconds, o.theme].join('|');
  if (bufKey !== c.bufKey) {
    updateBuffers(c, store, o);
    c.bufKey = bufKey;
  }
  // The trails follow the view (the tracks in it get them), the selection and the picture.
  const boundsKey = o.bounds ? o.bounds.map((v) => v.toFixed(2)).join(',') : '';
  const viewKey = [store.version, boundsKey].join('|');
  if (viewKey !== c.viewKey) {
    c.viewKey = viewKey;
    c.inView = o.bounds ? countInView(store.columns(o.now), o.bounds) : store.size;
  }
  // Dots below DOT_ZOOM, and wherever more than DENSE_TRACKS tracks are in view: a symbol is
  // ~30x30 pixels, and 100,000 of them overlapping are ~90 million fragments a frame for a
  // software renderer; a dot of radius 3 is ~30. Symbols when zoomed in to fewer tracks.
  const dots = (o.zoom ?? DOT_ZOOM) < DOT_ZOOM || c.inView > DENSE_TRACKS;
  // Decimated: the dots as one bitmap over the view and a margin, rebuilt when the picture,
  // the second (fade) or the zoom changes or the view leaves it; a pan draws the same image.
  const decimated = dots && (o.denseMode ?? 'decimated') === 'decimated' && !!o.bounds &&
                    o.zoom !== undefined && c.aPositions !== null;
  lastDecimated = decimated;
  if (decimated) {
    const densityKey = [c.bufKey, o.zoom!.toFixed(4)].join('|');
    if ((densityKey !== c.densityKey || !c.density || !covers(c.density, o.bounds!)) &&
        !c.densityBuild) {
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
  store.setTrailWants({ on: o.showTrails, selected: o.selectedId,
                        bounds: !dots && o.bounds ? o.bounds.map(roundBound) as TrailWants['bounds'] : null,
                        most: dots ? 0 : TRAIL_TRACKS });
  const trailKey = o.showTrails ? [store.version, store.trailVersion].join('|') : 'off';
  if (trailKey !== c.trailKey) {
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
  const ids = c.ids;
  const pick = (info: PickingInfo): boolean => {
    o.onPick?.(info.index >= 0 && info.index < ids.length ? ids[info.index] : null);
    return true;
  };
  const gpuPicking = o.gpuPicking ?? true;
  const layers: Layer[] = [];
  layers.push(new PathLayer({
    id: 'track-trails',
    data: c.trailData as never,
    _pathType: 'open',
    getColor: o.theme === 'dark' ? [200, 200, 200, 150] : [60, 60, 60, 150],
    getWidth: 1.5, widthUnits: 'pixels', pickable: false,
  }) as unknown as Layer);
  layers.push(new LineLayer({
    id: 'track-vectors',
    data: (o.showVectors && !dots ? c.vectorData : NO_DATA) as never,
    getWidth: 1, widthUnits: 'pixels', pickable: false,
  }) as unknown as Layer);
  layers.push(new ScatterplotLayer({
    id: 'track-dots',
    data: (dots && !decimated ? c.dotData : NO_DATA) as never,
    // Radius 2-3 px from the symbol's height; no edge smoothing (a cost per fragment).
    radiusUnits: 'pixels', radiusScale: 0.08, radiusMinPixels: 0, stroked: false,
    antialiasing: false,
    pickable: gpuPicking && dots && !decimated, onClick: pick,
  }) as unknown as Layer);
  const showDensity = decimated && c.density !== null;
  layers.push(new BitmapLayer({
    id: 'track-density',
    image: (showDensity ? c.densityData : NO_IMAGE()) as never,
    bounds: showDensity ? c.density!.bounds : [0, 0, 1e-6, 1e-6],
    textureParameters: NEAREST, pickable: false,
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
    pickable: gpuPicking && !dots, onClick: pick,
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
    lineWidthUnits: 'pixels', getLineWidth: 2, pickable: false,
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
