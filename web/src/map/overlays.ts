// The page's own deck.gl layers (everything but the live tracks, which src/map/tracks.ts
// draws): saved areas, the area being drawn, the measuring line, range rings, and the
// replayed picture.
import type { Layer } from '@deck.gl/core';
import { IconLayer, LineLayer, PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { circle } from '../geo';
import type { TrackInfo } from '../live/store';
import type { ReplayStore } from '../replay';
import { atlasImage, sharedAtlas, sidcFor } from './symbols';

export interface Area {
  id: number; name: string; owner?: string; label?: string; created?: string;
  geometry: { type: 'Polygon'; coordinates: [number, number][][] } | { type: 'Point'; coordinates: [number, number]; radius_m?: number };
}

type RGBA = [number, number, number, number];

export function areaRing(a: Area): [number, number][] {
  if (a.geometry.type === 'Polygon') return a.geometry.coordinates[0];
  const [lon, lat] = a.geometry.coordinates;
  return circle(lat, lon, a.geometry.radius_m ?? 1000);
}

export function areaLayers(areas: Area[], theme: 'light' | 'dark'): Layer[] {
  const line: RGBA = theme === 'dark' ? [255, 200, 60, 230] : [200, 120, 0, 230];
  return [new PolygonLayer<Area>({
    id: 'areas', data: areas, getPolygon: (a) => areaRing(a), stroked: true, filled: true,
    getFillColor: [line[0], line[1], line[2], 30], getLineColor: line, lineWidthUnits: 'pixels',
    getLineWidth: 2, updateTriggers: { getLineColor: theme },
  })];
}

export interface DrawState {
  mode: 'none' | 'measure' | 'polygon' | 'circle' | 'rings';
  points: [number, number][]; // lon, lat clicked so far
  cursor: [number, number] | null;
}

export function drawLayers(d: DrawState, measureLine: [number, number][] | null,
  circleRing: [number, number][] | null, theme: 'light' | 'dark'): Layer[] {
  const c: RGBA = theme === 'dark' ? [0, 255, 200, 255] : [0, 130, 110, 255];
  const out: Layer[] = [];
  if (d.mode === 'polygon' && d.points.length) {
    const path = [...d.points, ...(d.cursor ? [d.cursor] : []), d.points[0]];
    out.push(new PathLayer({ id: 'draw-poly', data: [path], getPath: (p: [number, number][]) => p,
      getColor: c, widthUnits: 'pixels', getWidth: 2 }));
  }
  if (circleRing) {
    out.push(new PathLayer({ id: 'draw-circle', data: [circleRing], getPath: (p: [number, number][]) => p,
      getColor: c, widthUnits: 'pixels', getWidth: 2 }));
  }
  if (measureLine) {
    out.push(new PathLayer({ id: 'measure', data: [measureLine], getPath: (p: [number, number][]) => p,
      getColor: c, widthUnits: 'pixels', getWidth: 2 }));
  }
  if (d.points.length) {
    out.push(new ScatterplotLayer({ id: 'draw-points', data: d.points, getPosition: (p: [number, number]) => p,
      getFillColor: c, radiusUnits: 'pixels', getRadius: 4 }));
  }
  return out;
}

export function ringLayers(center: [number, number], stepNm: number, theme: 'light' | 'dark'): Layer[] {
  const rings: [number, number][][] = [];
  for (let i = 1; i <= 5; i++) rings.push(circle(center[1], center[0], i * stepNm * 1852, 128));
  const col: RGBA = theme === 'dark' ? [180, 180, 255, 160] : [60, 60, 160, 160];
  return [
    new PathLayer({ id: 'rings', data: rings, getPath: (p: [number, number][]) => p, getColor: col,
      widthUnits: 'pixels', getWidth: 1, updateTriggers: { getColor: theme } }),
    new ScatterplotLayer({ id: 'rings-center', data: [center], getPosition: (p: [number, number]) => p,
      getFillColor: col, radiusUnits: 'pixels', getRadius: 3 }),
  ];
}

// The replayed picture drawn as the live one (map/tracks.ts): the MIL-STD-2525C symbol of each
// track from the page's symbol atlas (map/symbols.ts: SIDC from domain and category, affiliation
// only as a CoT source declares it), a heading vector (the distance covered in vectorSeconds),
// trails, and a ring on the selected track. The replay holds at most a window of states, so
// plain accessors do (no binary attributes as for 100,000 live tracks).
const DOMAIN_INDEX: Record<string, number> = { unknown: 0, sea: 1, air: 2, land: 3, space: 4 };
// As the live symbols: an icon's pixel height h is drawn as h * ICON_METRES_PER_PX metres (its
// natural size at zoom 5, latitude 30), between ICON_MIN_PX and ICON_MAX_PX.
const ICON_METRES_PER_PX = 4237;
const ICON_MIN_PX = 6;
const ICON_MAX_PX = 34;
const METRES_PER_DEGREE = 111_320;
const DEG = Math.PI / 180;

export interface ReplayLayerOptions {
  selectedId: number | null;
  visible: (t: TrackInfo) => boolean;
  showTrails: boolean;
  onPick: (id: number | null) => void;
  /** Optional, default true: heading vectors, as the live layer. */
  showVectors?: boolean;
  /** Optional, default 60: the heading vector's length in seconds of travel. */
  vectorSeconds?: number;
  /** Optional, default 'dark': vector and ring colours as the live layer. */
  theme?: 'light' | 'dark';
}

interface ReplaySymbol { t: TrackInfo; sidc: string; icon: number }

export function replayLayers(r: ReplayStore, o: ReplayLayerOptions): Layer[] {
  const atlas = sharedAtlas();
  const data: ReplaySymbol[] = [];
  r.forEach((t) => {
    if (!o.visible(t)) return;
    const sidc = sidcFor(DOMAIN_INDEX[t.domain] ?? 0, t.type);
    data.push({ t, sidc, icon: atlas.iconOf(sidc) });
  });
  const dark = (o.theme ?? 'dark') === 'dark';
  const vectorSeconds = o.vectorSeconds ?? 60;
  const layers: Layer[] = [];
  if (o.showTrails) {
    layers.push(new PathLayer<{ t: TrackInfo }>({ id: 'replay-trails', data, getPath: (d) => r.trail(d.t.id),
      getColor: dark ? [200, 200, 200, 150] : [60, 60, 60, 150], widthUnits: 'pixels', getWidth: 1.5,
      updateTriggers: { getPath: r.version } }));
  }
  if (o.showVectors ?? true) {
    layers.push(new LineLayer<{ t: TrackInfo }>({ id: 'replay-vectors', data,
      getSourcePosition: (d) => [d.t.lon, d.t.lat],
      getTargetPosition: (d) => {
        const cosLat = Math.max(0.01, Math.cos(d.t.lat * DEG));
        return [d.t.lon + (d.t.ve * vectorSeconds) / (METRES_PER_DEGREE * cosLat),
                d.t.lat + (d.t.vn * vectorSeconds) / METRES_PER_DEGREE];
      },
      getColor: dark ? [230, 230, 230, 255] : [40, 40, 40, 255], widthUnits: 'pixels', getWidth: 1,
      updateTriggers: { getSourcePosition: r.version, getTargetPosition: [r.version, vectorSeconds] } }));
  }
  layers.push(new IconLayer<ReplaySymbol>({
    id: 'replay-symbols', data,
    getPosition: (d) => [d.t.lon, d.t.lat],
    getIcon: (d) => d.sidc,  // the atlas frame, by name as deck.gl's mapping holds it
    getSize: (d) => atlas.heights[d.icon],
    iconAtlas: atlasImage(atlas) as unknown as string, iconMapping: atlas.mapping,
    sizeUnits: 'meters', sizeScale: ICON_METRES_PER_PX, sizeMinPixels: ICON_MIN_PX,
    sizeMaxPixels: ICON_MAX_PX, billboard: true, alphaCutoff: 0.05, pickable: true,
    onClick: (info) => { o.onPick(info.object ? (info.object as ReplaySymbol).t.id : null); return true; },
    updateTriggers: { getPosition: r.version, getIcon: [r.version, atlas.version],
                      getSize: [r.version, atlas.version] },
  }));
  const sel = o.selectedId !== null ? r.get(o.selectedId) : undefined;
  if (sel && o.visible(sel)) {
    layers.push(new ScatterplotLayer({ id: 'replay-selected', data: [[sel.lon, sel.lat]],
      getPosition: (p: number[]) => [p[0], p[1]], radiusUnits: 'pixels', getRadius: 16, stroked: true,
      filled: false, getLineColor: dark ? [255, 255, 0, 255] : [200, 0, 160, 255],
      lineWidthUnits: 'pixels', getLineWidth: 2, pickable: false }));
  }
  return layers;
}
