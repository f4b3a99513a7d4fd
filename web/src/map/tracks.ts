// deck.gl layers of the live tracks, fed by the TrackStore's typed arrays as binary attributes
// (data: {length, attributes}): no accessor runs per track. Buffers are rebuilt when the store's
// version, the second of `now` or an option changes, and reused otherwise, so a pan or a zoom
// only redraws.
//
// Layers: symbols (IconLayer over the milsymbol atlas; small dots below DOT_ZOOM), heading
// vectors (LineLayer: the distance covered in `vectorSeconds`), trails (PathLayer from the
// store's ring buffers, for at most TRAIL_TRACKS tracks: the selected one first, then those in
// `bounds`), a ring on the selected track. Stale tracks (older than staleAfterS) fade.
import type { Layer, PickingInfo } from '@deck.gl/core';
import { IconLayer, LineLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { NO_STRING, type TrackColumns, type TrackStore } from '../live/store';
import { SymbolAtlas, affiliationColor, sidcFor } from './symbols';

export interface TrackLayerOptions {
  selectedId: number | null; now: number; staleAfterS: number; showTrails: boolean;
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
}

/** The part of a MapLibre map that attachTrackPicking uses. */
export interface PickMap {
  on(type: 'click', fn: (e: { point: { x: number; y: number } }) => void): unknown;
  off(type: 'click', fn: (e: { point: { x: number; y: number } }) => void): unknown;
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

/** Calls onPick with the track clicked on the map (null: none there). Returns the detach. */
export function attachTrackPicking(map: PickMap, store: TrackStore,
                                   onPick: (id: number | null) => void): () => void {
  const click = (e: { point: { x: number; y: number } }): void => {
    onPick(pickTrack(store, map, e.point.x, e.point.y));
  };
  map.on('click', click);
  return () => { map.off('click', click); };
}

const PICK_RADIUS_PX = 12;
const DOT_ZOOM = 4;            // below it 100,000 symbols would be a smear: draw dots
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

interface Cache {
  store: TrackStore;
  key: string;
  slotsKey: string;
  atlasVersion: number;
  atlasImage: HTMLCanvasElement | null;
  iconKeyToIcon: Map<number, number>;
  iconOfSlot: Int32Array;
  iconDefs: Float32Array;
  sizes: Float32Array;
  colors: Uint8Array;
  dotColors: Uint8Array;
  targets: Float32Array;
  vectorColors: Uint8Array;
  layers: Layer[];
}

const atlas: { value: SymbolAtlas | null } = { value: null };
let cache: Cache | null = null;

function grown<T extends Float32Array | Uint8Array | Int32Array>(a: T, n: number,
                                                                    make: (n: number) => T): T {
  if (a.length >= n) return a;
  return make(Math.max(n, a.length * 2));
}

export function trackLayers(store: TrackStore, o: TrackLayerOptions): Layer[] {
  const second = Math.floor(o.now / 1000);
  const dots = (o.zoom ?? DOT_ZOOM) < DOT_ZOOM;
  const boundsKey = o.bounds ? o.bounds.map((v) => v.toFixed(2)).join(',') : '';
  const key = [store.version, second, o.selectedId, o.staleAfterS, o.showTrails, o.showVectors,
               o.vectorSeconds, o.theme, dots, boundsKey].join('|');
  if (cache && cache.store === store && cache.key === key) return cache.layers;
  atlas.value ??= new SymbolAtlas();
  const a = atlas.value;
  if (!cache || cache.store !== store) {
    cache = { store, key: '', slotsKey: '', atlasVersion: -1, atlasImage: null,
              iconKeyToIcon: new Map(), iconOfSlot: new Int32Array(0), iconDefs: new Float32Array(0),
              sizes: new Float32Array(0), colors: new Uint8Array(0), dotColors: new Uint8Array(0),
              targets: new Float32Array(0), vectorColors: new Uint8Array(0), layers: [] };
  }
  const c = cache;
  c.key = key;
  const cols = store.columns(o.now);
  const n = cols.count;
  const strings = store.strings();

  // Symbols: one atlas icon per (domain, type); per slot the icon's 7 instanceIconDefs floats.
  c.iconOfSlot = grown(c.iconOfSlot, n, (k) => new Int32Array(k));
  c.iconDefs = grown(c.iconDefs, 7 * n, (k) => new Float32Array(k));
  c.sizes = grown(c.sizes, n, (k) => new Float32Array(k));
  c.colors = grown(c.colors, 4 * n, (k) => new Uint8Array(k));
  c.dotColors = grown(c.dotColors, 4 * n, (k) => new Uint8Array(k));
  c.targets = grown(c.targets, 3 * n, (k) => new Float32Array(k));
  c.vectorColors = grown(c.vectorColors, 4 * n, (k) => new Uint8Array(k));
  const vectorRgb: [number, number, number] = o.theme === 'dark' ? [230, 230, 230] : [40, 40, 40];
  for (let s = 0; s < n; s++) {
    const type = cols.types[s];
    const iconKey = cols.domains[s] * 0x10000 + type;
    let icon = c.iconKeyToIcon.get(iconKey);
    if (icon === undefined) {
      icon = a.iconOf(sidcFor(cols.domains[s], type === NO_STRING ? undefined : strings[type]));
      c.iconKeyToIcon.set(iconKey, icon);
    }
    c.iconOfSlot[s] = icon;
    c.iconDefs.set(a.defs.subarray(7 * icon, 7 * icon + 7), 7 * s);
    const visible = cols.visible[s] === 1;
    c.sizes[s] = visible ? a.heights[icon] : 0;
    const age = cols.ages[s];
    let alpha = FULL_ALPHA;
    if (age > o.staleAfterS) {
      const f = Math.min(1, (age - o.staleAfterS) / Math.max(1, o.staleAfterS));
      alpha = Math.round(FULL_ALPHA - f * (FULL_ALPHA - STALE_MIN_ALPHA));
    }
    if (!visible) alpha = 0;
    c.colors[4 * s] = 255; c.colors[4 * s + 1] = 255; c.colors[4 * s + 2] = 255;
    c.colors[4 * s + 3] = alpha;
    const rgb = affiliationColor(a.affiliations[icon]);
    c.dotColors[4 * s] = rgb[0]; c.dotColors[4 * s + 1] = rgb[1]; c.dotColors[4 * s + 2] = rgb[2];
    c.dotColors[4 * s + 3] = alpha;
    // Vector end: the position after vectorSeconds at the current velocity (local flat earth).
    const lon = cols.positions[3 * s], lat = cols.positions[3 * s + 1];
    const ve = cols.velocities[2 * s], vn = cols.velocities[2 * s + 1];
    const cosLat = Math.max(0.01, Math.cos(lat * DEG));
    c.targets[3 * s] = lon + (ve * o.vectorSeconds) / (METRES_PER_DEGREE * cosLat);
    c.targets[3 * s + 1] = lat + (vn * o.vectorSeconds) / METRES_PER_DEGREE;
    c.targets[3 * s + 2] = 0;
    c.vectorColors[4 * s] = vectorRgb[0]; c.vectorColors[4 * s + 1] = vectorRgb[1];
    c.vectorColors[4 * s + 2] = vectorRgb[2]; c.vectorColors[4 * s + 3] = visible ? alpha : 0;
  }
  if (c.atlasVersion !== a.version || !c.atlasImage) {
    // deck.gl uploads the atlas when the prop changes identity: hand it a copy per version.
    const copy = document.createElement('canvas');
    copy.width = a.canvas.width;
    copy.height = a.canvas.height;
    copy.getContext('2d')!.drawImage(a.canvas, 0, 0);
    c.atlasImage = copy;
    c.atlasVersion = a.version;
  }

  const ids = cols.ids;
  const pick = (info: PickingInfo): boolean => {
    o.onPick?.(info.index >= 0 && info.index < ids.length ? ids[info.index] : null);
    return true;
  };
  const positions = { value: cols.positions, size: 3 };
  const gpuPicking = o.gpuPicking ?? true;
  const layers: Layer[] = [];

  if (o.showTrails) {
    const trails = buildTrails(store, cols, o);
    if (trails.count > 0) {
      layers.push(new PathLayer({
        id: 'track-trails',
        data: { length: trails.count, startIndices: trails.starts,
                attributes: { getPath: { value: trails.points, size: 2 } } },
        _pathType: 'open',
        getColor: o.theme === 'dark' ? [200, 200, 200, 150] : [60, 60, 60, 150],
        getWidth: 1.5, widthUnits: 'pixels', pickable: false,
        updateTriggers: { getPath: store.version },
      }) as unknown as Layer);
    }
  }
  if (o.showVectors && !dots) {
    layers.push(new LineLayer({
      id: 'track-vectors',
      data: { length: n, attributes: {
        getSourcePosition: positions,
        getTargetPosition: { value: c.targets.subarray(0, 3 * n), size: 3 },
        getColor: { value: c.vectorColors.subarray(0, 4 * n), size: 4 } } },
      getWidth: 1, widthUnits: 'pixels', pickable: false,
      updateTriggers: { getSourcePosition: store.version },
    }) as unknown as Layer);
  }
  if (dots) {
    layers.push(new ScatterplotLayer({
      id: 'track-dots',
      data: { length: n, attributes: {
        getPosition: positions,
        getFillColor: { value: c.dotColors.subarray(0, 4 * n), size: 4 },
        getRadius: { value: c.sizes.subarray(0, n), size: 1 } } },
      radiusUnits: 'pixels', radiusScale: 0.1, radiusMinPixels: 0, stroked: false,
      pickable: gpuPicking, onClick: pick,
      updateTriggers: { getPosition: store.version },
    }) as unknown as Layer);
  } else {
    layers.push(new IconLayer({
      id: 'track-symbols',
      data: { length: n, attributes: {
        getPosition: positions,
        instanceIconDefs: { value: c.iconDefs.subarray(0, 7 * n), size: 7 },
        getSize: { value: c.sizes.subarray(0, n), size: 1 },
        getColor: { value: c.colors.subarray(0, 4 * n), size: 4 } } },
      iconAtlas: c.atlasImage as unknown as string,
      iconMapping: a.mapping,
      // Natural size from zoom ICON_FULL_ZOOM up, smaller below (down to ICON_MIN_PX), so a
      // continent of tracks is not a smear and costs fewer pixels to draw.
      sizeUnits: 'meters', sizeScale: ICON_METRES_PER_PX, sizeMinPixels: ICON_MIN_PX,
      sizeMaxPixels: ICON_MAX_PX, billboard: true, alphaCutoff: 0.05,
      pickable: gpuPicking, onClick: pick,
      updateTriggers: { getPosition: store.version },
    }) as unknown as Layer);
  }
  if (o.selectedId !== null) {
    const s = store.slot(o.selectedId);
    if (s >= 0) {
      layers.push(new ScatterplotLayer({
        id: 'track-selected',
        data: [[cols.positions[3 * s], cols.positions[3 * s + 1]]],
        getPosition: (d: number[]) => [d[0], d[1]],
        radiusUnits: 'pixels', getRadius: 16, stroked: true, filled: false,
        getLineColor: o.theme === 'dark' ? [255, 255, 0, 255] : [200, 0, 160, 255],
        lineWidthUnits: 'pixels', getLineWidth: 2, pickable: false,
      }) as unknown as Layer);
    }
  }
  c.layers = layers;
  return layers;
}

/** Flattens the trails of the chosen tracks into one buffer (PathLayer binary form). */
function buildTrails(store: TrackStore, cols: TrackColumns, o: TrackLayerOptions):
    { count: number; starts: Uint32Array; points: Float32Array } {
  const n = cols.count;
  const chosen: number[] = [];
  const sel = o.selectedId !== null ? store.slot(o.selectedId) : -1;
  if (sel >= 0) chosen.push(sel);
  const b = o.bounds;
  if (b || n <= TRAIL_TRACKS) {
    for (let s = 0; s < n && chosen.length < TRAIL_TRACKS; s++) {
      if (s === sel || !cols.visible[s]) continue;
      if (b) {
        const lon = cols.positions[3 * s], lat = cols.positions[3 * s + 1];
        const inLon = b[0] <= b[2] ? lon >= b[0] && lon <= b[2] : lon >= b[0] || lon <= b[2];
        if (!inLon || lat < b[1] || lat > b[3]) continue;
      }
      chosen.push(s);
    }
  }
  const per = store.trailPointsPerTrack;
  const points = new Float32Array(2 * per * chosen.length);
  const starts: number[] = [];
  let v = 0;
  for (const s of chosen) {
    const start = v;
    // The ring's newest point is the current position.
    store.forTrail(s, (lon, lat) => { points[2 * v] = lon; points[2 * v + 1] = lat; v++; });
    if (v - start >= 2) starts.push(start); else v = start;
  }
  return { count: starts.length, starts: Uint32Array.from(starts),
           points: points.subarray(0, 2 * v) };
}
