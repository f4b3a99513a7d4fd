// The COP page: the live picture of this user's audience, the map and its tools, the table,
// the track panel, replay, layers, areas, alerts, exports, URL state and keyboard shortcuts.
import * as maplibregl from 'maplibre-gl';
// MapLibre 6 needs its worker's URL under a bundler (v5-to-v6 migration guide): Vite bundles
// the worker as a file of the page.
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Layer } from '@deck.gl/core';
import { Api, saveSession, type Session } from './api';
import { basemapStyle, loadBasemapData, setBasemapTheme } from './map/basemap';
import { TrackStore, type TrackInfo } from './live/store';
import { connectStream } from './live/stream';
import { attachTrackPicking, trackLayers } from './map/tracks';
import { areaLayers, drawLayers, replayLayers, ringLayers, type Area, type DrawState } from './map/overlays';
import { SensorsOverlay } from './map/sensors';
import { parseLabel, rollup, renderLabel, bannerText, levelClass } from './labels';
import { parseView, serializeView, type ViewState } from './state';
import { ReplayStore, type CompactTrack, type TrackSource } from './replay';
import { circle, formatDistance, geodesicLine, inverse } from './geo';
import { $, fmtTime } from './ui/dom';
import { TrackTable } from './ui/table';
import { TrackPanel } from './ui/panel';
import { LayersPanel } from './ui/layers';
import { AlertsPanel, AreasPanel } from './ui/lists';
import { installShortcuts } from './ui/keys';
import { SearchBox } from './ui/search';
import { exportQuery } from './ui/export';

type Bbox = [number, number, number, number];
export const STALE_AFTER_S = 120;
// A map that moved within this many ms still counts as moving (App.interacting).
const SETTLE_MS = 500;

export interface Me { user: string; role: string; audience: string; profile?: { nationality?: string; clearance?: string } }

maplibregl.setWorkerUrl(maplibreWorkerUrl);

export class App {
  view: ViewState;
  map: maplibregl.Map;
  overlay: MapboxOverlay;
  store = new TrackStore();
  replay = new ReplayStore();
  api: Api;
  me: Me;
  mode: 'live' | 'replay' = 'live';
  identities = new Map<number, Partial<TrackInfo>>();
  areas: Area[] = [];
  draw: DrawState = { mode: 'none', points: [], cursor: null };
  dataNow = 0; // latest data time seen on the stream (ms)
  playing = false;
  lastBanner = '';
  /** The selected tracks (Ctrl/Shift+click); view.selected is the one whose panel is shown. */
  picked = new Set<number>();
  /** Dense views: decimated (default) or a dot per track (`?dense=dots`, for comparison). */
  readonly denseMode: 'decimated' | 'dots' =
    new URLSearchParams(location.search).get('dense') === 'dots' ? 'dots' : 'decimated';
  /** The tracks on screen (in the view, not hidden by a layer): made on demand, not per tick. */
  get onScreen(): TrackInfo[] {
    const b = this.bounds(), list: TrackInfo[] = [];
    this.source.forEach((t) => { if (this.layerVisible(t) && this.inBounds(t, b)) list.push(t); });
    return list;
  }
  table: TrackTable;
  panel: TrackPanel;
  layersPanel: LayersPanel;
  alerts: AlertsPanel;
  areasPanel: AreasPanel;
  search: SearchBox;
  sensors = new SensorsOverlay(this); // UAV footprints and GMTI detections
  private stream: ReturnType<typeof connectStream> | null = null;
  private redrawQueued = false;
  /** performance.now() of the map's last move: the track layers wait for the moves to settle. */
  private movedAt = -Infinity;
  private urlTimer = 0;
  private lastFollow = 0;
  private playTimer = 0;
  private replayLoading = false;

  constructor(public session: Session, me: Me) {
    this.me = me;
    this.api = new Api(session.token);
    this.api.onUnauthorized = () => { saveSession(null); location.reload(); };
    this.view = parseView(location.search);
    document.documentElement.dataset.theme = this.view.theme;
    this.map = new maplibregl.Map({
      container: 'map', style: basemapStyle(this.view.theme), center: this.view.center,
      zoom: this.view.zoom, bearing: this.view.bearing, attributionControl: false,
      renderWorldCopies: false, doubleClickZoom: false, fadeDuration: 0,
    });
    this.map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'nautical' }), 'bottom-right');
    // No multisampling on deck.gl's canvas (a WebGL context's default): with a software
    // renderer 4x MSAA multiplies the cost of 100,000 symbols (docs/web-performance.md).
    // (deck.gl drawing into MapLibre's context, `interleaved: true`, drew neither the basemap
    // nor the tracks in headless Chromium here: session 9.)
    this.overlay = new MapboxOverlay({ interleaved: false, layers: [],
                                       deviceProps: { webgl: { antialias: false } } });
    this.map.addControl(this.overlay as unknown as maplibregl.IControl);
    this.table = new TrackTable(this);
    this.panel = new TrackPanel(this);
    this.layersPanel = new LayersPanel(this);
    this.alerts = new AlertsPanel(this);
    this.areasPanel = new AreasPanel(this);
    this.search = new SearchBox(this);
  }

  async start(): Promise<void> {
    $('user').textContent = `${this.me.user} · ${this.me.audience}`;
    $('btn-logout').onclick = () => { saveSession(null); location.href = location.pathname + location.search; };
    this.map.on('load', () => { void loadBasemapData(this.map).then(() => { this.map.getContainer().dataset.basemap = 'loaded'; }); });
    this.map.on('moveend', () => {
      // MapLibre fires moveend inside its animation frame (its draw and deck.gl's): the view's
      // follow-ups (URL, banner, the table's rows) run in a task of their own.
      setTimeout(() => { this.viewChanged(); this.queueRedraw(); }, 0);
      // Once the moves settled: the table's rows and the track layers brought up to date.
      setTimeout(() => {
        if (this.interacting()) return;
        this.updateOnScreen();
        this.queueRedraw();
      }, SETTLE_MS + 20);
    });
    this.map.on('move', () => { this.movedAt = performance.now(); });
    this.map.on('click', (e) => this.mapClick([e.lngLat.lng, e.lngLat.lat]));
    this.map.on('dblclick', (e) => { if (this.draw.mode === 'polygon') { e.preventDefault(); void this.finishPolygon(); } });
    this.map.on('mousemove', (e) => this.mapMove([e.lngLat.lng, e.lngLat.lat]));
    this.store.subscribe(() => {
      // The store keeps the newest data time: no object per updated track (100,000 a second).
      if (this.store.latestTime > this.dataNow) this.dataNow = this.store.latestTime;
      if (this.dataNow === 0 && this.store.size) this.store.forEach((t) => { if (t.t > this.dataNow) this.dataNow = t.t; });
      if (this.mode === 'live') this.follow();
      this.queueRedraw();
    });
    this.store.setTrailSeconds(this.view.trail);
    this.applyFilter();
    this.stream = connectStream({
      token: this.session.token, store: this.store, encoding: 'binary',
      // `?decode=page`: decode on the page's main thread, for comparison (docs/web-performance.md).
      decodeInWorker: new URLSearchParams(location.search).get('decode') !== 'page',
      onStatus: (s, detail) => {
        const el = $('status');
        el.textContent = this.mode === 'replay' ? 'replay' : s === 'live' ? 'live' : s + (detail ? `: ${detail}` : '');
        el.classList.toggle('live', s === 'live');
        el.dataset.stream = s;
      },
    });
    // Tracks are picked on the CPU on click: deck.gl's GPU picking reads pixels back on every
    // mouse move, which blocks the main thread for seconds at 100,000 tracks
    // (docs/web-performance.md).
    attachTrackPicking(this.map, this.store, (id, additive) => {
      if (this.draw.mode !== 'none' || this.mode !== 'live') return;
      if (additive) { if (id !== null) this.togglePicked(id); } else this.select(id);
    });
    this.bindToolbar();
    this.bindTimebar();
    installShortcuts(this);
    this.selectTab(this.view.tab);
    setInterval(() => this.tick(), 1000);
    setInterval(() => void this.refreshIdentities(), 10_000);
    void this.refreshIdentities();
    void this.refreshAreas();
    this.alerts.start();
    this.sensors.start();
    if (this.view.rings) $('btn-rings').setAttribute('aria-pressed', 'true');
    if (this.view.time !== null) {
      // A deep link into the past: wait for the live picture's time before loading the window.
      const t = this.view.time;
      let done = false;
      const go = (force: boolean) => {
        if (done || (!force && this.dataNow === 0)) return;
        done = true;
        un();
        void this.enterReplay(t);
      };
      const un = this.store.subscribe(() => go(false));
      setTimeout(() => go(true), 15_000);
    }
    if (this.view.selected !== null) {
      const picked = this.view.picked;
      this.select(this.view.selected, false);
      if (picked.length > 1) this.pickRange(picked, this.view.selected);
    }
    this.viewChanged();
    (window as unknown as { biac: App }).biac = this;
  }

  // --- what is shown -------------------------------------------------------------------------

  get source(): TrackSource { return this.mode === 'replay' ? this.replay : this.store; }

  // Layer visibility (src:/nat:/dom:/lab: keys hidden in the layers panel).
  nationsOf(t: TrackInfo): string[] {
    const l = parseLabel(t.label);
    if (!l.unlabelled && l.level === 0) return ['open'];
    return l.origins.map((o) => o.policy);
  }

  sourcesOf(t: TrackInfo): string[] {
    return t.sources ?? this.identities.get(t.id)?.sources ?? [];
  }

  identity(t: TrackInfo): TrackInfo {
    const i = this.identities.get(t.id);
    if (!i) return t;
    const out: TrackInfo = { ...t };
    for (const k of ['mmsi', 'icao', 'cs', 'name', 'tn', 'sources', 'type'] as const) {
      if (out[k] === undefined && i[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = i[k];
    }
    return out;
  }

  layerVisible = (t: TrackInfo): boolean => {
    const h = this.view.hidden;
    if (!h.size) return true;
    if (h.has('dom:' + t.domain) || h.has('lab:' + t.label)) return false;
    const nations = this.nationsOf(t);
    if (nations.length && nations.every((n) => h.has('nat:' + n))) return false;
    const src = this.sourcesOf(t);
    if (src.length && src.every((s) => h.has('src:' + s))) return false;
    return true;
  };

  applyFilter(): void {
    // layerVisible of a track with sources reads only its label, domain and sources.
    this.store.setFilter(this.view.hidden.size ? this.layerVisible : null, { byAttributes: true });
    this.queueRedraw();
  }

  bounds(): Bbox {
    const b = this.map.getBounds();
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
  }

  inBounds(t: TrackInfo, b: Bbox): boolean {
    return t.lon >= b[0] && t.lon <= b[2] && t.lat >= b[1] && t.lat <= b[3];
  }

  // --- drawing ---------------------------------------------------------------------------------

  queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => { this.redrawQueued = false; this.redraw(); });
  }

  redraw(): void {
    const theme = this.view.theme;
    const layers: Layer[] = [...areaLayers(this.areas, theme)];
    if (this.view.rings) layers.push(...ringLayers(this.view.rings, this.view.ringStep, theme));
    const onPick = (id: number | null) => { if (this.draw.mode === 'none') this.select(id); };
    if (this.mode === 'live') {
      layers.push(...this.sensors.layers(theme)); // beneath the tracks
      layers.push(...trackLayers(this.store, {
        selectedId: this.view.selected, pickedIds: this.picked, now: this.dataNow || Date.now(), staleAfterS: STALE_AFTER_S,
        gpuPicking: false, zoom: this.map.getZoom(), bounds: this.bounds(), denseMode: this.denseMode,
        showTrails: this.view.trail > 0, showVectors: this.view.vectors, vectorSeconds: 60, theme, onPick,
        onAsync: () => this.queueRedraw(), interacting: this.interacting(),
      }));
    } else {
      layers.push(...replayLayers(this.replay, { selectedId: this.view.selected, visible: this.layerVisible,
        showTrails: this.view.trail > 0, showVectors: this.view.vectors, vectorSeconds: 60, theme, onPick }));
    }
    layers.push(...drawLayers(this.draw, this.measureLine(), this.circlePreview(), theme));
    this.overlay.setProps({ layers });
  }

  /**
   * Whether the map is moving or moved within SETTLE_MS (the clicks of one wheel zoom, a drag
   * that pauses): the track layers then keep their data (tracks.ts `interacting`).
   */
  interacting(): boolean {
    return this.map.isMoving() || performance.now() - this.movedAt < SETTLE_MS;
  }

  // --- view changes, URL, banner ----------------------------------------------------------------

  viewChanged(): void {
    const c = this.map.getCenter();
    this.view.center = [c.lng, c.lat];
    this.view.zoom = this.map.getZoom();
    this.view.bearing = this.map.getBearing();
    this.stream?.setViewport(null);
    this.saveUrl();
    this.updateOnScreen();
  }

  saveUrl(): void {
    clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => {
      history.replaceState(null, '', location.pathname + serializeView(this.view));
    }, 200);
  }

  // The tracks on screen (in the map view and not hidden by a layer; the selected track's
  // panel) and the banner's roll-up of their labels.
  updateOnScreen(): void {
    // While the map moves the table waits for the moves to settle (moveend calls this again
    // SETTLE_MS later): its rows follow the view, and its refresh is a main-thread task in the
    // middle of a pan or between the clicks of a wheel zoom. The
    // banner below is recomputed all the same (its rows' labels stay in the roll-up meanwhile).
    if (!this.interacting()) this.table.refresh(true);
    const b = this.bounds();
    // Live: from the store's columns (the tracks the map draws), no object per track (100,000
    // a second otherwise); replay: the replayed picture.
    const labels = new Set<string>(this.mode === 'live' ? this.store.labelsIn(b)
                                                        : this.onScreen.map((t) => t.label));
    const sel = this.view.selected !== null ? this.source.get(this.view.selected) : undefined;
    if (sel) labels.add(sel.label);
    for (const t of this.table.shownRows) labels.add(t.label);
    for (const l of this.sensors.labelsOnScreen(b)) labels.add(l);
    const key = [...labels].sort().join('\n');
    if (key !== this.lastBanner) {
      this.lastBanner = key;
      const top = $('banner-top'), bottom = $('banner-bottom');
      let text = 'UNCLASSIFIED', cls = 'cls-unclassified', canonical = '';
      if (labels.size) {
        const r = rollup([...labels].map(parseLabel));
        text = bannerText(r, this.me.profile?.nationality ?? 'USA');
        cls = levelClass(r);
        canonical = renderLabel(r);
      }
      for (const el of [top, bottom]) {
        el.textContent = text;
        el.className = `banner ${cls}`;
        el.dataset.label = canonical;
        el.dataset.labels = JSON.stringify([...labels].sort());
        el.title = labels.size ? `Roll-up of ${labels.size} label(s) on screen` : 'Nothing on screen';
      }
    }
  }

  tick(): void {
    this.updateOnScreen();
    this.updateTimeLabel();
    this.queueRedraw();
    if (this.view.selected !== null) this.panel.refreshLive();
  }

  // --- selection -------------------------------------------------------------------------------

  select(id: number | null, fly = false): void {
    this.view.selected = id;
    this.picked = new Set(id === null ? [] : [id]);
    this.view.picked = [...this.picked];
    if (id === null) this.view.follow = false;
    this.saveUrl();
    this.table.refresh();
    void this.panel.show(id);
    if (id !== null && fly) {
      const t = this.source.get(id);
      if (t) this.map.easeTo({ center: [t.lon, t.lat], duration: 300 });
    }
    this.queueRedraw();
    this.updateOnScreen();
  }

  /** Ctrl/Cmd+click: adds track `id` to the selection (it becomes the one shown), or removes it. */
  togglePicked(id: number): void {
    const picked = new Set(this.picked);
    if (this.view.selected !== null) picked.add(this.view.selected);
    if (picked.has(id)) {
      picked.delete(id);
      const rest = [...picked];
      this.view.selected = this.view.selected === id ? (rest[rest.length - 1] ?? null) : this.view.selected;
    } else {
      picked.add(id);
      this.view.selected = id;
    }
    this.picked = picked;
    this.selectionChanged();
  }

  /** Shift+click in the table: the rows `ids` become the selection; `shown` the one shown. */
  pickRange(ids: number[], shown: number): void {
    this.picked = new Set(ids);
    this.view.selected = shown;
    this.selectionChanged();
  }

  private selectionChanged(): void {
    this.view.picked = [...this.picked];
    if (this.view.selected === null) this.view.follow = false;
    this.saveUrl();
    this.table.refresh();
    void this.panel.show(this.view.selected);
    this.queueRedraw();
    this.updateOnScreen();
  }

  setFollow(on: boolean): void {
    this.view.follow = on && this.view.selected !== null;
    this.saveUrl();
    this.panel.render();
    this.follow(true);
  }

  follow(force = false): void {
    if (!this.view.follow || this.view.selected === null) return;
    const now = performance.now();
    if (!force && now - this.lastFollow < 1000) return;
    const t = this.source.get(this.view.selected);
    if (!t) return;
    this.lastFollow = now;
    this.map.jumpTo({ center: [t.lon, t.lat] });
  }

  // --- identities (the binary stream carries none: the compact picture does) -----------------

  async refreshIdentities(): Promise<void> {
    if (this.mode !== 'live') return;
    const b = this.bounds();
    try {
      const j = await this.api.json<{ tracks: CompactTrack[] }>(`/api/v1/picture?bbox=${b.map((v) => v.toFixed(4)).join(',')}`);
      for (const c of j.tracks) {
        this.identities.set(c.id, { mmsi: c.mmsi, icao: c.icao, cs: c.cs, name: c.name, tn: c.tn, sources: c.src, type: c.type ?? c.cat });
      }
      if (this.identities.size > 200_000) this.identities.clear();
      this.layersPanel.noteSources(j.tracks.flatMap((c) => c.src ?? []));
      this.table.refresh(true);
    } catch { /* the next poll retries */ }
  }

  // --- toolbar ---------------------------------------------------------------------------------

  bindToolbar(): void {
    $('btn-layers').onclick = () => this.layersPanel.toggle();
    $('btn-measure').onclick = () => this.setTool('measure');
    $('btn-polygon').onclick = () => this.setTool('polygon');
    $('btn-circle').onclick = () => this.setTool('circle');
    $('btn-rings').onclick = () => this.toggleRings();
    $('btn-export').onclick = () => void this.exportView();
    $('btn-theme').onclick = () => this.setTheme(this.view.theme === 'dark' ? 'light' : 'dark');
    for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
      b.onclick = () => this.selectTab(b.dataset.tab as ViewState['tab']);
    }
  }

  selectTab(tab: ViewState['tab']): void {
    this.view.tab = tab;
    for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    }
    for (const t of ['table', 'track', 'alerts', 'areas']) $(`tab-${t}`).hidden = t !== tab;
    if (tab === 'alerts') this.alerts.seen();
    if (tab === 'table') this.table.refresh(true);
    this.saveUrl();
  }

  setTheme(theme: 'light' | 'dark'): void {
    this.view.theme = theme;
    document.documentElement.dataset.theme = theme;
    if (this.map.getLayer('sea')) setBasemapTheme(this.map, theme);
    else this.map.once('load', () => setBasemapTheme(this.map, this.view.theme));
    this.panel.render();
    this.saveUrl();
    this.queueRedraw();
  }

  /** Exports exactly the selected tracks (the node's `ids=`), in the toolbar's format. */
  async exportSelection(): Promise<void> {
    const ids = [...this.picked];
    if (!ids.length) { this.info('Select tracks to export: Ctrl+click or Shift+click rows, or Ctrl+click tracks on the map'); return; }
    await this.download((fmt) => exportQuery(fmt, null, [], ids), 'biac-selection',
                        `${ids.length} selected track(s)`);
  }

  async exportView(): Promise<void> {
    await this.download((fmt) => exportQuery(fmt, this.bounds(), this.view.hidden), 'biac-view',
                        'the view');
  }

  /** Downloads /api/v1/export?<query(format)> in the toolbar's format as `<name>.<ext>`. */
  private async download(query: (format: string) => string, name: string, what: string): Promise<void> {
    const fmt = $<HTMLSelectElement>('export-format').value;
    const ext = { geojson: 'geojson', kml: 'kml', csv: 'csv', cot: 'xml' }[fmt] ?? fmt;
    try {
      const blob = await this.api.blob(`/api/v1/export?${query(fmt)}`);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${name}.${ext}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      this.info(`exported ${fmt.toUpperCase()} of ${what}`);
    } catch (e) {
      this.info(`export failed: ${(e as Error).message}`);
    }
  }

  info(text: string): void {
    const el = $('map-info');
    el.textContent = text;
    el.dataset.kind = 'info';
  }

  // --- tools: measure, polygon, circle, rings ---------------------------------------------------

  setTool(mode: DrawState['mode']): void {
    const next = this.draw.mode === mode ? 'none' : mode;
    this.draw = { mode: next, points: [], cursor: null };
    for (const [m, id] of [['measure', 'btn-measure'], ['polygon', 'btn-polygon'], ['circle', 'btn-circle']] as const) {
      $(id).setAttribute('aria-pressed', String(next === m));
    }
    if (next === 'rings') $('btn-rings').setAttribute('aria-pressed', 'true');
    $('map').classList.toggle('tool-active', next !== 'none');
    const hints: Record<string, string> = {
      measure: 'Measure: click two points (range and bearing, geodesic)',
      polygon: 'Polygon area: click the corners; double-click or Enter to finish; Esc cancels',
      circle: 'Circle area: click the centre, then a point on the edge',
      rings: 'Range rings: click the centre',
      none: '',
    };
    this.info(hints[next]);
    this.queueRedraw();
  }

  toggleRings(): void {
    if (this.view.rings || this.draw.mode === 'rings') {
      this.view.rings = null;
      if (this.draw.mode === 'rings') this.setTool('none');
      $('btn-rings').setAttribute('aria-pressed', 'false');
      this.saveUrl();
      this.queueRedraw();
      return;
    }
    const sel = this.view.selected !== null ? this.source.get(this.view.selected) : undefined;
    if (sel) {
      this.view.rings = [sel.lon, sel.lat];
      $('btn-rings').setAttribute('aria-pressed', 'true');
      this.info(`Range rings every ${this.view.ringStep} NM around track ${sel.id}`);
      this.saveUrl();
      this.queueRedraw();
    } else {
      this.setTool('rings');
    }
  }

  mapClick(p: [number, number]): void {
    const d = this.draw;
    switch (d.mode) {
      case 'measure':
        if (d.points.length >= 2) d.points = [];
        d.points.push(p);
        this.showMeasure();
        break;
      case 'polygon':
        d.points.push(p);
        break;
      case 'circle':
        d.points.push(p);
        if (d.points.length === 2) void this.finishCircle();
        break;
      case 'rings':
        this.view.rings = p;
        $('btn-rings').setAttribute('aria-pressed', 'true');
        this.setTool('none');
        $('btn-rings').setAttribute('aria-pressed', 'true');
        this.saveUrl();
        break;
      default:
        return;
    }
    this.queueRedraw();
  }

  mapMove(p: [number, number]): void {
    if (this.draw.mode === 'none') return;
    this.draw.cursor = p;
    if (this.draw.mode === 'measure' && this.draw.points.length === 1) this.showMeasure();
    this.queueRedraw();
  }

  measureEnds(): [[number, number], [number, number]] | null {
    const d = this.draw;
    if (d.mode !== 'measure' || !d.points.length) return null;
    const b = d.points[1] ?? d.cursor;
    return b ? [d.points[0], b] : null;
  }

  measureLine(): [number, number][] | null {
    const e = this.measureEnds();
    return e ? geodesicLine(e[0], e[1]) : null;
  }

  showMeasure(): void {
    const e = this.measureEnds();
    if (!e) return;
    const r = inverse(e[0][1], e[0][0], e[1][1], e[1][0]);
    const el = $('map-info');
    el.textContent = `Range ${formatDistance(r.distance)} · bearing ${r.bearing.toFixed(1)}° T` +
      ` (reverse ${((r.finalBearing + 180) % 360).toFixed(1)}° T)`;
    el.dataset.kind = 'measure';
    el.dataset.range = r.distance.toFixed(1);
    el.dataset.bearing = r.bearing.toFixed(2);
  }

  circlePreview(): [number, number][] | null {
    const d = this.draw;
    if (d.mode !== 'circle' || !d.points.length) return null;
    const edge = d.points[1] ?? d.cursor;
    if (!edge) return null;
    const r = inverse(d.points[0][1], d.points[0][0], edge[1], edge[0]).distance;
    return circle(d.points[0][1], d.points[0][0], r);
  }

  async finishPolygon(): Promise<void> {
    // A double-click adds its two clicks as corners: drop repeated corners.
    const pts = this.draw.points.filter((p, i, a) => i === 0 || Math.hypot(p[0] - a[i - 1][0], p[1] - a[i - 1][1]) > 1e-6 * (1 + Math.abs(p[0])));
    if (this.draw.mode !== 'polygon' || pts.length < 3) return;
    const ring = [...pts, pts[0]];
    await this.saveArea({ type: 'Polygon', coordinates: [ring] });
  }

  async finishCircle(): Promise<void> {
    const [c, e] = this.draw.points;
    const radius = inverse(c[1], c[0], e[1], e[0]).distance;
    await this.saveArea({ type: 'Point', coordinates: c }, Math.round(radius));
  }

  async saveArea(geometry: Area['geometry'], radius?: number): Promise<void> {
    const name = this.areasPanel.nextName();
    this.setTool('none');
    try {
      const body: Record<string, unknown> = { name, geometry, label: 'UNCLASSIFIED' };
      if (radius !== undefined) body.radius_m = radius;
      const r = await this.api.post<{ id: number }>('/api/v1/areas', body);
      this.info(`Area "${name}" saved (id ${r.id})`);
      await this.refreshAreas();
      this.selectTab('areas');
    } catch (e) {
      this.info(`Saving the area failed: ${(e as Error).message}`);
    }
  }

  async refreshAreas(): Promise<void> {
    try {
      const j = await this.api.json<{ areas: Area[] }>('/api/v1/areas');
      this.areas = j.areas.filter((a) => a.geometry && (a.geometry.type === 'Polygon' || a.geometry.type === 'Point'));
      this.areasPanel.render();
      this.queueRedraw();
    } catch { /* shown empty */ }
  }

  // --- time: replay and live -------------------------------------------------------------------

  bindTimebar(): void {
    const slider = $<HTMLInputElement>('time-slider');
    const speed = $<HTMLSelectElement>('replay-speed');
    const win = $<HTMLSelectElement>('replay-window');
    speed.value = String(this.view.replaySpeed);
    win.value = String(this.view.replayWindow);
    speed.onchange = () => { this.view.replaySpeed = Number(speed.value); this.saveUrl(); };
    win.onchange = () => {
      this.view.replayWindow = Number(win.value);
      this.saveUrl();
      if (this.mode === 'replay') void this.enterReplay(Math.max(this.replay.now, this.liveNow() - this.view.replayWindow), true);
    };
    slider.oninput = () => {
      const f = Number(slider.value) / 1000;
      if (this.mode === 'live') {
        if (f >= 0.999) return;
        const end = this.liveNow();
        void this.enterReplay(end - this.view.replayWindow * (1 - f));
        return;
      }
      this.seek(this.replay.from + f * (this.replay.to - this.replay.from));
    };
    $('btn-play').onclick = () => this.togglePlay();
    $('btn-live').onclick = () => this.goLive();
  }

  liveNow(): number { return this.dataNow || Date.now(); }

  liveNowForAge(): number { return this.mode === 'replay' ? this.replay.now : this.liveNow(); }

  // Loads the replay window around `t` and shows the picture at `t`.
  async enterReplay(t: number, reload = false): Promise<void> {
    if (this.replayLoading) return;
    // A time from a link may be later than the latest data seen yet: the window then ends at it.
    const end = Math.max(this.liveNow(), t);
    const w = this.view.replayWindow;
    // The window is the last `w` of the picture, or `w` centred on an older `t`.
    const winFrom = t >= end - w ? end - w : t - w / 2;
    const winTo = t >= end - w ? end : t + w / 2;
    if (this.mode !== 'replay' || reload || t < this.replay.from || t > this.replay.to) {
      this.replayLoading = true;
      this.mode = 'replay';
      $('status').textContent = 'loading replay…';
      try {
        const j = await this.api.json<{ from: number; to: number; states: CompactTrack[]; truncated: boolean }>(
          `/api/v1/replay?from=${Math.round(winFrom)}&to=${Math.round(winTo)}`);
        this.replay.load(j.from, j.to, j.states, j.truncated);
        $('status').textContent = `replay: ${j.states.length} states${j.truncated ? ' (truncated)' : ''}`;
        $('status').dataset.replayStates = String(j.states.length);
      } catch (e) {
        $('status').textContent = `replay failed: ${(e as Error).message}`;
        this.replayLoading = false;
        this.goLive();
        return;
      }
      this.replayLoading = false;
    }
    $('btn-live').classList.remove('live');
    $('btn-live').setAttribute('aria-pressed', 'false');
    document.body.dataset.mode = 'replay';
    this.seek(t);
  }

  seek(t: number): void {
    const clamped = Math.max(this.replay.from, Math.min(this.replay.to, t));
    this.replay.seek(clamped);
    this.view.time = clamped;
    const span = this.replay.to - this.replay.from;
    $<HTMLInputElement>('time-slider').value = String(span > 0 ? Math.round(((clamped - this.replay.from) / span) * 1000) : 1000);
    this.updateTimeLabel();
    this.saveUrl();
    this.queueRedraw();
    this.updateOnScreen();
    if (this.view.follow) this.follow(true);
  }

  togglePlay(): void {
    if (this.mode === 'live') {
      // Play from the start of the replay window.
      void this.enterReplay(this.liveNow() - this.view.replayWindow).then(() => this.setPlaying(true));
      return;
    }
    this.setPlaying(!this.playing);
  }

  setPlaying(on: boolean): void {
    this.playing = on;
    $('btn-play').innerHTML = on ? '&#10074;&#10074;' : '&#9654;';
    $('btn-play').setAttribute('aria-pressed', String(on));
    clearInterval(this.playTimer);
    if (!on) return;
    let last = performance.now();
    this.playTimer = window.setInterval(() => {
      const now = performance.now();
      const next = this.replay.now + (now - last) * this.view.replaySpeed;
      last = now;
      if (next >= this.replay.to) { this.seek(this.replay.to); this.setPlaying(false); return; }
      this.seek(next);
    }, 200);
  }

  goLive(): void {
    this.setPlaying(false);
    this.mode = 'live';
    this.view.time = null;
    this.replay.clear();
    document.body.dataset.mode = 'live';
    $('btn-live').classList.add('live');
    $('btn-live').setAttribute('aria-pressed', 'true');
    $<HTMLInputElement>('time-slider').value = '1000';
    $('status').textContent = $('status').dataset.stream === 'live' ? 'live' : ($('status').dataset.stream ?? '');
    this.stream?.resync();
    this.saveUrl();
    this.updateTimeLabel();
    this.queueRedraw();
    this.updateOnScreen();
  }

  updateTimeLabel(): void {
    const el = $('time-label');
    if (this.mode === 'replay') {
      el.textContent = `REPLAY ${fmtTime(this.replay.now)} ×${this.view.replaySpeed}`;
      el.dataset.time = String(Math.round(this.replay.now));
    } else {
      el.textContent = `LIVE ${fmtTime(this.dataNow)} · ${this.store.size} tracks`;
      el.dataset.time = String(this.dataNow);
    }
  }

  // Esc: cancel a tool, close overlays, else clear the selection.
  escape(): void {
    if (!$('help').hidden) { $('help').hidden = true; return; }
    if (this.draw.mode !== 'none') { this.setTool('none'); return; }
    if (!$('layers-panel').hidden) { this.layersPanel.toggle(); return; }
    if (!$('search-results').hidden) { $('search-results').hidden = true; return; }
    this.select(null);
  }
}
