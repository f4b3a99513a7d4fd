// The "Sensors" layer (issue 6: UAV sensor footprints from KLV; GMTI detections): what the
// node's GET /api/v1/sensors releases to this user's audience (docs/api.md "Sensors"), polled
// while live. Footprints are drawn as outlined translucent polygons with a line from the
// platform to the frame centre; GMTI detections as dots that fade over the detection window.
// Entries follow the layers panel: hidden with the layer itself (key `lay:sensors` in the
// URL's `hide=`), and by source (`src:`) and label (`lab:`) like tracks. Their labels count in
// the banner's roll-up when they are on screen. The node keeps only the present: the layer is
// not drawn while the page replays history.
import type { Layer } from '@deck.gl/core';
import { LineLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { App } from '../app';
import { h } from '../ui/dom';

export interface SensorPoint { lat: number; lon: number; alt?: number }

export interface Footprint {
  source: string; sensor: string; platform_uid: string; callsign?: string;
  time: number; arrival: number; // ms since 1970 (data time; arrival at the node)
  platform?: SensorPoint; center?: SensorPoint;
  corners?: [number, number][]; // [lon, lat], ST 0601 corners 1-4
  label: string; observation_ids: number[];
}

export interface Detection {
  id: number; source: string; sensor: string; time: number; arrival: number;
  lat: number; lon: number; alt?: number; range_rate?: number;
  sensor_position?: SensorPoint; category?: string; label: string;
}

export interface SensorsAnswer { time: number; since: number; footprints: Footprint[]; detections: Detection[]; truncated: boolean }

type RGBA = [number, number, number, number];
type Bbox = [number, number, number, number];

export const SENSORS_LAYER_KEY = 'lay:sensors';
// Detections of the last minute are shown, fading with age; footprints of sensors heard from
// within it.
export const DETECTION_WINDOW_S = 60;
const POLL_MS = 1500;

export class SensorsOverlay {
  footprints: Footprint[] = [];
  detections: Detection[] = [];
  polls = 0;
  failures = 0;
  // What the last redraw drew (the browser tests read it).
  drawn = { footprints: 0, detections: 0 };
  private nodeTime = 0; // the node's clock at the last answer (ms)
  private answeredAt = 0; // performance.now() then
  private timer = 0;
  private busy = false;

  constructor(private app: App) {}

  get enabled(): boolean { return !this.app.view.hidden.has(SENSORS_LAYER_KEY); }

  private get active(): boolean { return this.enabled && this.app.mode === 'live'; }

  start(): void {
    clearInterval(this.timer);
    this.timer = window.setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  async poll(): Promise<void> {
    if (this.busy || !this.active) return;
    this.busy = true;
    try {
      const j = await this.app.api.json<SensorsAnswer>(`/api/v1/sensors?since_s=${DETECTION_WINDOW_S}`);
      this.footprints = j.footprints;
      this.detections = j.detections;
      this.nodeTime = j.time;
      this.answeredAt = performance.now();
      this.polls++;
      this.app.queueRedraw();
    } catch {
      this.failures++; // the next poll retries
    } finally {
      this.busy = false;
    }
  }

  // The node's clock now, estimated from its last answer.
  private now(): number { return this.nodeTime + (performance.now() - this.answeredAt); }

  private shown(e: { source: string; label: string }): boolean {
    const hidden = this.app.view.hidden;
    return !hidden.has('src:' + e.source) && !hidden.has('lab:' + e.label);
  }

  visibleFootprints(): Footprint[] { return this.active ? this.footprints.filter((f) => this.shown(f)) : []; }

  visibleDetections(): Detection[] { return this.active ? this.detections.filter((d) => this.shown(d)) : []; }

  // The labels of what is drawn inside the map's bounds (a footprint counts when any of its
  // points is inside), for the banner's roll-up.
  labelsOnScreen(b: Bbox): string[] {
    const inside = (lon: number, lat: number) => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
    const out = new Set<string>();
    for (const f of this.visibleFootprints()) {
      const pts: [number, number][] = [...(f.corners ?? [])];
      if (f.center) pts.push([f.center.lon, f.center.lat]);
      if (f.platform) pts.push([f.platform.lon, f.platform.lat]);
      if (pts.some(([lon, lat]) => inside(lon, lat))) out.add(f.label);
    }
    for (const d of this.visibleDetections()) if (inside(d.lon, d.lat)) out.add(d.label);
    return [...out];
  }

  layers(theme: 'light' | 'dark'): Layer[] {
    const footprints = this.visibleFootprints();
    const detections = this.visibleDetections();
    this.drawn = { footprints: footprints.filter((f) => f.corners).length, detections: detections.length };
    if (!footprints.length && !detections.length) return [];
    const line: RGBA = theme === 'dark' ? [255, 120, 220, 230] : [170, 0, 140, 230];
    const dot: RGBA = theme === 'dark' ? [255, 90, 60, 255] : [200, 40, 20, 255];
    const now = this.now();
    const windowMs = DETECTION_WINDOW_S * 1000;
    // Opaque when new, a quarter when a window old.
    const alpha = (d: Detection) => Math.round(dot[3] * (1 - 0.75 * Math.min(1, Math.max(0, (now - d.arrival) / windowMs))));
    const sightLines = footprints.filter((f) => f.platform && f.center);
    return [
      new PolygonLayer<Footprint>({
        id: 'sensor-footprints', data: footprints.filter((f) => f.corners), getPolygon: (f) => f.corners!,
        stroked: true, filled: true, getFillColor: [line[0], line[1], line[2], 50], getLineColor: line,
        lineWidthUnits: 'pixels', getLineWidth: 2, updateTriggers: { getLineColor: theme, getFillColor: theme },
      }),
      new LineLayer<Footprint>({
        id: 'sensor-sightlines', data: sightLines,
        getSourcePosition: (f) => [f.platform!.lon, f.platform!.lat], getTargetPosition: (f) => [f.center!.lon, f.center!.lat],
        getColor: [line[0], line[1], line[2], 160], widthUnits: 'pixels', getWidth: 1, updateTriggers: { getColor: theme },
      }),
      new ScatterplotLayer<Footprint>({
        id: 'sensor-centres', data: footprints.filter((f) => f.center), getPosition: (f) => [f.center!.lon, f.center!.lat],
        getFillColor: line, radiusUnits: 'pixels', getRadius: 3, updateTriggers: { getFillColor: theme },
      }),
      new ScatterplotLayer<Detection>({
        id: 'sensor-detections', data: detections, getPosition: (d) => [d.lon, d.lat],
        getFillColor: (d) => [dot[0], dot[1], dot[2], alpha(d)], getLineColor: [0, 0, 0, 160], stroked: true,
        lineWidthUnits: 'pixels', getLineWidth: 1, radiusUnits: 'pixels', getRadius: 4,
        updateTriggers: { getFillColor: [theme, Math.floor(now / 1000)] },
      }),
    ];
  }

  // The layers panel's switch for the whole layer.
  toggle(): HTMLLabelElement {
    const box = h('input', { type: 'checkbox', 'data-layer': SENSORS_LAYER_KEY, checked: this.enabled,
      'aria-label': 'Sensors: UAV footprints and GMTI detections' });
    box.onchange = () => {
      if (box.checked) this.app.view.hidden.delete(SENSORS_LAYER_KEY); else this.app.view.hidden.add(SENSORS_LAYER_KEY);
      this.app.saveUrl();
      this.app.queueRedraw();
      this.app.updateOnScreen();
      if (box.checked) void this.poll();
    };
    return h('label', { title: 'UAV sensor footprints (KLV) and GMTI detections of the last minute' }, box, ' Sensors');
  }
}
