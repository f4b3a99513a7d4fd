// The offline basemap: Natural Earth 1:50m land and country borders from the world-atlas
// package (TopoJSON), converted to GeoJSON in the browser. The files are bundled by Vite as
// assets of the page itself, and the style names no glyphs and no sprite, so the map needs
// no network beyond the node.
import type { StyleSpecification, Map as MlMap, GeoJSONSource } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import landUrl from 'world-atlas/land-50m.json?url';
import countriesUrl from 'world-atlas/countries-50m.json?url';

export type Theme = 'light' | 'dark';

const COLORS: Record<Theme, { sea: string; land: string; coast: string; border: string; grid: string }> = {
  dark: { sea: '#0b1a2a', land: '#1e2a23', coast: '#5f7f73', border: '#4a5a66', grid: '#1a2c40' },
  light: { sea: '#c9dceb', land: '#f2efe6', coast: '#7a8b96', border: '#a09aa6', grid: '#b6cadb' },
};

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export function basemapStyle(theme: Theme): StyleSpecification {
  const c = COLORS[theme];
  return {
    version: 8,
    name: 'biac offline',
    sources: {
      land: { type: 'geojson', data: EMPTY },
      borders: { type: 'geojson', data: EMPTY },
      graticule: { type: 'geojson', data: graticule() },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': c.sea } },
      { id: 'graticule', type: 'line', source: 'graticule', paint: { 'line-color': c.grid, 'line-width': 0.5 } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': c.land } },
      { id: 'coastline', type: 'line', source: 'land', paint: { 'line-color': c.coast, 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders',
        paint: { 'line-color': c.border, 'line-width': 0.7, 'line-dasharray': [3, 2] } },
    ],
  };
}

export function setBasemapTheme(map: MlMap, theme: Theme): void {
  const c = COLORS[theme];
  map.setPaintProperty('sea', 'background-color', c.sea);
  map.setPaintProperty('graticule', 'line-color', c.grid);
  map.setPaintProperty('land', 'fill-color', c.land);
  map.setPaintProperty('coastline', 'line-color', c.coast);
  map.setPaintProperty('borders', 'line-color', c.border);
}

// Loads the TopoJSON files (same origin) into the style's sources.
export async function loadBasemapData(map: MlMap): Promise<void> {
  const [land, countries] = await Promise.all([
    fetch(landUrl).then((r) => r.json() as Promise<Topology>),
    fetch(countriesUrl).then((r) => r.json() as Promise<Topology>),
  ]);
  const landFc = feature(land, land.objects.land as GeometryCollection) as unknown as GeoJSON.FeatureCollection;
  const borders = mesh(countries, countries.objects.countries as GeometryCollection, (a, b) => a !== b);
  (map.getSource('land') as GeoJSONSource).setData(landFc);
  (map.getSource('borders') as GeoJSONSource).setData(borders);
}

function graticule(): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  for (let lon = -180; lon <= 180; lon += 10) {
    const coords: [number, number][] = [];
    for (let lat = -80; lat <= 80; lat += 2) coords.push([lon, lat]);
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } });
  }
  for (let lat = -80; lat <= 80; lat += 10) {
    const coords: [number, number][] = [];
    for (let lon = -180; lon <= 180; lon += 2) coords.push([lon, lat]);
    features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } });
  }
  return { type: 'FeatureCollection', features };
}
