// The page's own deck.gl layers (everything but the live tracks, which src/map/tracks.ts
// draws): saved areas, the area being drawn, the measuring line, range rings, and the
// replayed picture.
import type { Layer } from '@deck.gl/core';
import { LineLayer, PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { circle } from '../geo';
import type { TrackInfo } from '../live/store';
import type { ReplayStore } from '../replay';

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

const DOMAIN_COLORS: Record<string, RGBA> = {
  sea: [80, 170, 255, 255], air: [120, 230, 120, 255], land: [230, 180, 90, 255],
  space: [200, 140, 255, 255], unknown: [220, 220, 220, 255],
};

// The replayed picture: a dot per track coloured by domain, a heading vector, trails.
export function replayLayers(r: ReplayStore, o: { selectedId: number | null; visible: (t: TrackInfo) => boolean;
  showTrails: boolean; onPick: (id: number | null) => void }): Layer[] {
  const data: TrackInfo[] = [];
  r.forEach((t) => { if (o.visible(t)) data.push(t); });
  const vecS = 60;
  const layers: Layer[] = [];
  if (o.showTrails) {
    layers.push(new PathLayer<TrackInfo>({ id: 'replay-trails', data, getPath: (t) => r.trail(t.id),
      getColor: [160, 160, 160, 140], widthUnits: 'pixels', getWidth: 1, updateTriggers: { getPath: r.version } }));
  }
  layers.push(
    new LineLayer<TrackInfo>({ id: 'replay-vectors', data,
      getSourcePosition: (t) => [t.lon, t.lat],
      getTargetPosition: (t) => [t.lon + (t.ve * vecS) / (111320 * Math.cos((t.lat * Math.PI) / 180)), t.lat + (t.vn * vecS) / 110540],
      getColor: (t) => DOMAIN_COLORS[t.domain] ?? DOMAIN_COLORS.unknown, widthUnits: 'pixels', getWidth: 1,
      updateTriggers: { getSourcePosition: r.version, getTargetPosition: r.version } }),
    new ScatterplotLayer<TrackInfo>({ id: 'replay-tracks', data, getPosition: (t) => [t.lon, t.lat],
      getFillColor: (t) => DOMAIN_COLORS[t.domain] ?? DOMAIN_COLORS.unknown,
      getLineColor: (t) => (t.id === o.selectedId ? [255, 255, 0, 255] : [0, 0, 0, 200]),
      stroked: true, lineWidthUnits: 'pixels', getLineWidth: (t) => (t.id === o.selectedId ? 3 : 1),
      radiusUnits: 'pixels', getRadius: (t) => (t.id === o.selectedId ? 7 : 5), pickable: true,
      onClick: (info) => { o.onPick(info.object ? (info.object as TrackInfo).id : null); return true; },
      updateTriggers: { getPosition: r.version, getLineColor: o.selectedId, getLineWidth: o.selectedId, getRadius: o.selectedId } }),
  );
  return layers;
}
