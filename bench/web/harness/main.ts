// A minimal page for the tracks core alone (web/src/live, web/src/map/tracks.ts): a MapLibre
// map with an empty offline style, the deck.gl overlay, the store and the stream. It logs in
// as the page does and exposes window.biac = {store, map}, like web/src/main.ts, so
// bench/web/web_perf.mjs can measure the core apart from the page's UI (--harness).
import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import { MapboxOverlay } from '@deck.gl/mapbox';
// MapLibre 6 needs its worker's URL under a bundler (as web/src/app.ts does).
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { TrackStore } from '../../../web/src/live/store';
import { connectStream } from '../../../web/src/live/stream';
import { attachTrackPicking, trackLayers } from '../../../web/src/map/tracks';

maplibregl.setWorkerUrl(maplibreWorkerUrl);

async function start(): Promise<void> {
  const r = await fetch('/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                          body: JSON.stringify({ username: 'bench', password: 'bench' }) });
  const { token } = (await r.json()) as { token: string };
  const map = new maplibregl.Map({
    container: 'map', center: [137.5, 27.5], zoom: 3.6, attributionControl: false,
    style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#0b1622' } }] },
  });
  const store = new TrackStore();
  // ?pick=cpu (default: attachTrackPicking) | sync | async (deck.gl's GPU picking, which also
  // picks on every mouse move).
  const pick = new URLSearchParams(location.search).get('pick') ?? 'cpu';
  const gpuPicking = pick !== 'cpu';
  const overlay = new MapboxOverlay({ interleaved: false, layers: [],
                                      pickAsync: pick === 'async' ? 'async' : 'sync' });
  map.addControl(overlay as unknown as maplibregl.IControl);
  let selectedId: number | null = null;
  const redraw = (): void => {
    const b = map.getBounds();
    overlay.setProps({ layers: trackLayers(store, {
      selectedId, now: Date.now(), staleAfterS: 120, showTrails: true, showVectors: true,
      vectorSeconds: 60, theme: 'dark', zoom: map.getZoom(), gpuPicking,
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      onPick: (id) => { selectedId = id; redraw(); } }) });
  };
  store.subscribe(redraw);
  if (!gpuPicking) attachTrackPicking(map, store, (id) => { selectedId = id; redraw(); });
  map.on('moveend', redraw);
  connectStream({ token, store, onStatus: (s) => { document.getElementById('status')!.textContent = s; } });
  (window as unknown as { biac: unknown }).biac = { store, map };
}

void start();
