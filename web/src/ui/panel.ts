// The track panel: identity, kinematics, label, sources and provenance (GET /api/v1/tracks/{id}),
// a speed/altitude history chart (GET /api/v1/tracks/{id}/history) drawn on a canvas, and
// follow mode.
import type { App } from '../app';
import type { CompactTrack } from '../replay';
import { parseLabel, bannerText, levelClass } from '../labels';
import { $, h, fmtTime, MS_TO_KT, M_TO_FT, courseOf, speedOf } from './dom';

interface Observation { id: number; time: string; source: string; sensor?: string; kind: string; label: string }
interface Detail {
  track: Record<string, unknown>;
  summary: CompactTrack;
  provenance: { sources: string[]; updates: number; observation_ids: number[]; observations: Observation[]; withheld?: number };
}

const HISTORY_MS = 30 * 60_000;

export class TrackPanel {
  private id: number | null = null;
  private detail: Detail | null = null;
  private history: CompactTrack[] = [];
  private error = '';
  private lastFetch = 0;
  private root = $('tab-track');

  constructor(private app: App) { this.render(); }

  async show(id: number | null): Promise<void> {
    if (id !== this.id) { this.detail = null; this.history = []; this.error = ''; }
    this.id = id;
    if (id !== null && this.app.view.tab !== 'track') this.app.selectTab('track');
    this.render();
    if (id !== null) await this.fetch();
  }

  refreshLive(): void {
    if (this.id === null) return;
    if (performance.now() - this.lastFetch > 5000) void this.fetch();
    else this.renderKinematics();
  }

  private async fetch(): Promise<void> {
    const id = this.id;
    if (id === null) return;
    this.lastFetch = performance.now();
    const now = this.app.liveNowForAge();
    try {
      const [d, hist] = await Promise.all([
        this.app.api.json<Detail>(`/api/v1/tracks/${id}`).catch((e: Error) => { this.error = e.message; return null; }),
        this.app.api.json<{ states: CompactTrack[] }>(`/api/v1/tracks/${id}/history?from=${Math.round(now - HISTORY_MS)}&to=${Math.round(now + 1000)}`)
          .catch(() => ({ states: [] as CompactTrack[] })),
      ]);
      if (this.id !== id) return;
      if (d) { this.detail = d; this.error = ''; }
      this.history = hist.states;
      this.render();
    } catch (e) {
      this.error = (e as Error).message;
      this.render();
    }
  }

  render(): void {
    const app = this.app;
    const id = this.id;
    if (id === null) {
      this.root.replaceChildren(h('p', { class: 'muted' }, 'No track selected. Click a track on the map or a row in the table.'));
      return;
    }
    const live = app.source.get(id);
    const s = this.detail?.summary;
    const t = live ? app.identity(live) : undefined;
    const label = t?.label ?? s?.label ?? '';
    const nat = app.me.profile?.nationality ?? 'USA';
    const l = parseLabel(label);
    const follow = h('button', { type: 'button', id: 'btn-follow', 'aria-pressed': String(app.view.follow), 'aria-label': 'Follow the track (G)' }, 'Follow');
    follow.onclick = () => app.setFollow(!app.view.follow);
    const center = h('button', { type: 'button', 'aria-label': 'Centre on the track (C)' }, 'Centre');
    center.onclick = () => { const x = app.source.get(id); if (x) app.map.easeTo({ center: [x.lon, x.lat] }); };
    const close = h('button', { type: 'button', 'aria-label': 'Clear the selection (Esc)' }, 'Close');
    close.onclick = () => app.select(null);
    const ident = (k: string, v: unknown) => (v === undefined || v === null || v === '' ? null : [h('dt', {}, k), h('dd', {}, String(v))]);
    const idRows = [
      ident('Track', id), ident('Callsign', t?.cs ?? s?.cs), ident('Name', t?.name ?? s?.name),
      ident('MMSI', t?.mmsi ?? s?.mmsi), ident('ICAO', t?.icao ?? s?.icao), ident('Mode 3/A', s?.m3a),
      ident('Track nos.', (t?.tn ?? s?.tn)?.join(', ')), ident('Domain', t?.domain ?? s?.dom),
      ident('Category', t?.type ?? s?.type ?? s?.cat),
    ].flat().filter((x): x is HTMLElement => x !== null);
    const prov = this.detail?.provenance;
    const obs = prov?.observations ?? [];
    const obsTable = h('table', { class: 'obs', 'aria-label': 'Contributing observations' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Source'), h('th', {}, 'Sensor'), h('th', {}, 'Kind'), h('th', {}, 'Label'))),
      h('tbody', {}, ...obs.slice(-12).reverse().map((o) => h('tr', {},
        h('td', {}, o.time.slice(11, 19)), h('td', {}, o.source), h('td', {}, o.sensor ?? ''), h('td', {}, o.kind),
        h('td', { title: o.label }, bannerText(parseLabel(o.label), nat))))));
    const nations = new Map<string, Set<string>>();
    for (const o of obs) {
      const ol = parseLabel(o.label);
      for (const origin of ol.origins) {
        const set = nations.get(origin.policy) ?? new Set<string>();
        set.add(o.source);
        nations.set(origin.policy, set);
      }
    }
    const chart = h('canvas', { class: 'chart', id: 'history-chart', width: 360, height: 140, 'aria-label': 'Speed and altitude history' });
    this.root.replaceChildren(h('div', { class: 'panel', id: 'track-panel', 'data-id': id },
      h('div', { class: 'row' }, h('strong', {}, `Track ${id}`), ' ', follow, ' ', center, ' ', close),
      h('div', { class: `label-chip banner ${levelClass(l)}`, title: label, id: 'track-label' }, bannerText(l, nat)),
      h('h3', {}, 'Identity'), h('dl', { class: 'kv' }, ...idRows),
      h('h3', {}, 'Kinematics'), h('dl', { class: 'kv', id: 'track-kin' }),
      h('h3', {}, 'Sources and provenance'),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Sources'), h('dd', { id: 'track-sources' }, (prov?.sources ?? t?.sources ?? []).join(', ') || '—'),
        h('dt', {}, 'Nations'), h('dd', {}, [...nations].map(([n, s2]) => `${n} (${[...s2].join(', ')})`).join('; ') || '—'),
        h('dt', {}, 'Updates'), h('dd', {}, String(prov?.updates ?? t?.n ?? '—')),
        ...(prov?.withheld ? [h('dt', {}, 'Withheld'), h('dd', {}, `${prov.withheld} observation(s) above your authorizations`)] : [])),
      obs.length ? obsTable : h('p', { class: 'muted' }, this.detail ? 'No stored observations.' : this.error || 'Loading…'),
      h('h3', {}, `History (last ${HISTORY_MS / 60000} min): speed kt, altitude ft`), chart,
      h('p', { class: 'muted', id: 'history-count' }, `${this.history.length} stored states`)));
    this.renderKinematics();
    this.drawChart(chart);
  }

  renderKinematics(): void {
    const el = document.getElementById('track-kin');
    if (!el || this.id === null) return;
    const t = this.app.source.get(this.id) ?? (this.detail?.summary ? undefined : undefined);
    const s = this.detail?.summary;
    const lat = t?.lat ?? s?.lat, lon = t?.lon ?? s?.lon;
    const ve = t?.ve ?? s?.ve ?? 0, vn = t?.vn ?? s?.vn ?? 0;
    const alt = t?.alt ?? s?.alt;
    const time = t?.t ?? s?.t ?? 0;
    const rows: [string, string][] = [
      ['Position', lat === undefined || lon === undefined ? '—' : `${lat.toFixed(5)}, ${lon.toFixed(5)}`],
      ['Speed', `${(speedOf(ve, vn) * MS_TO_KT).toFixed(1)} kt (${speedOf(ve, vn).toFixed(1)} m/s)`],
      ['Course', `${courseOf(ve, vn).toFixed(1)}° T`],
      ['Altitude', alt === undefined ? '—' : `${(alt * M_TO_FT).toFixed(0)} ft (${alt.toFixed(0)} m)`],
      ['Vert. rate', s?.vu === undefined ? '—' : `${s.vu.toFixed(1)} m/s`],
      ['Pos. σ', (t?.sd ?? s?.sd) === undefined ? '—' : `${(t?.sd ?? s?.sd)!.toFixed(0)} m`],
      ['Time', fmtTime(time)],
      ['State', t ? (this.app.mode === 'replay' ? 'replay' : 'live') : 'not in the current picture'],
    ];
    el.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  drawChart(canvas: HTMLCanvasElement): void {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 360, hgt = canvas.clientHeight || 140;
    canvas.width = w * dpr; canvas.height = hgt * dpr;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    const style = getComputedStyle(document.documentElement);
    const fg = style.getPropertyValue('--fg').trim() || '#ddd';
    const muted = style.getPropertyValue('--muted').trim() || '#888';
    ctx.clearRect(0, 0, w, hgt);
    ctx.font = '10px system-ui, sans-serif';
    const pts = this.history.filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
    if (pts.length < 2) {
      ctx.fillStyle = muted;
      ctx.fillText('not enough history yet', 10, hgt / 2);
      return;
    }
    const pad = { l: 34, r: 38, t: 8, b: 16 };
    const t0 = pts[0].t, t1 = pts[pts.length - 1].t;
    const speeds = pts.map((p) => (p.sog ?? speedOf(p.ve ?? 0, p.vn ?? 0)) * MS_TO_KT);
    const alts = pts.map((p) => (p.alt === undefined ? NaN : p.alt * M_TO_FT));
    const smax = Math.max(1, ...speeds) * 1.1;
    const finiteAlts = alts.filter(Number.isFinite);
    const amax = finiteAlts.length ? Math.max(100, ...finiteAlts) * 1.1 : 0;
    const x = (t: number) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (w - pad.l - pad.r);
    const ys = (v: number) => hgt - pad.b - (v / smax) * (hgt - pad.t - pad.b);
    const ya = (v: number) => hgt - pad.b - (v / amax) * (hgt - pad.t - pad.b);
    ctx.strokeStyle = muted; ctx.lineWidth = 1;
    ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, hgt - pad.t - pad.b);
    ctx.fillStyle = muted;
    ctx.fillText(`${smax.toFixed(0)} kt`, 2, pad.t + 8);
    ctx.fillText('0', pad.l - 10, hgt - pad.b);
    ctx.fillText(new Date(t0).toISOString().slice(11, 16), pad.l, hgt - 3);
    ctx.fillText(new Date(t1).toISOString().slice(11, 16) + 'Z', w - pad.r - 34, hgt - 3);
    const line = (vals: number[], y: (v: number) => number, color: string) => {
      ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.beginPath();
      let started = false;
      vals.forEach((v, i) => {
        if (!Number.isFinite(v)) { started = false; return; }
        if (!started) { ctx.moveTo(x(pts[i].t), y(v)); started = true; } else ctx.lineTo(x(pts[i].t), y(v));
      });
      ctx.stroke();
    };
    line(speeds, ys, '#4fa3ff');
    if (amax > 0) {
      line(alts, ya, '#f0a030');
      ctx.fillStyle = '#f0a030';
      ctx.fillText(`${amax.toFixed(0)} ft`, w - pad.r + 2, pad.t + 8);
    }
    ctx.fillStyle = fg;
    ctx.fillText('speed', pad.l + 4, pad.t + 10);
    if (amax > 0) { ctx.fillStyle = '#f0a030'; ctx.fillText('altitude', pad.l + 44, pad.t + 10); }
  }
}
