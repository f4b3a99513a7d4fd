// The alerts panel (GET /api/v1/alerts?since=, polled) and the areas of interest panel
// (GET/DELETE /api/v1/areas; new areas come from the drawing tools).
import type { App } from '../app';
import { areaRing, type Area } from '../map/overlays';
import { parseLabel, bannerText } from '../labels';
import { $, h } from './dom';

interface Alert { id: number; time: string; kind: string; label: string; details: unknown }

const POLL_MS = 10_000;

export class AlertsPanel {
  alerts: Alert[] = [];
  private unseen = 0;
  private since = '';
  private root = $('tab-alerts');

  constructor(private app: App) { this.render(); }

  start(): void {
    void this.poll();
    setInterval(() => void this.poll(), POLL_MS);
  }

  async poll(): Promise<void> {
    try {
      const q = this.since ? `?since=${encodeURIComponent(this.since)}` : '';
      const j = await this.app.api.json<{ alerts: Alert[] }>(`/api/v1/alerts${q}`);
      const known = new Set(this.alerts.map((a) => a.id));
      const fresh = j.alerts.filter((a) => !known.has(a.id));
      if (!fresh.length) return;
      this.alerts = [...fresh, ...this.alerts].sort((a, b) => b.time.localeCompare(a.time)).slice(0, 500);
      this.since = this.alerts[0].time;
      if (this.app.view.tab !== 'alerts') this.unseen += fresh.length;
      this.render();
    } catch { /* retried at the next poll */ }
  }

  seen(): void { this.unseen = 0; this.render(); }

  render(): void {
    $('alert-count').textContent = this.unseen ? String(this.unseen) : '';
    const nat = this.app.me.profile?.nationality ?? 'USA';
    if (!this.alerts.length) {
      this.root.replaceChildren(h('p', { class: 'muted' }, 'No alerts from the node. Alerts arrive here as the node raises them (areas of interest, analytics).'));
      return;
    }
    this.root.replaceChildren(...this.alerts.map((a) => {
      const details = typeof a.details === 'string' ? a.details : JSON.stringify(a.details);
      const el = h('div', { class: 'alert', 'data-id': a.id },
        h('div', {}, h('strong', {}, a.kind), ' ', h('span', { class: 'when' }, a.time)),
        h('div', { class: 'muted', title: a.label }, bannerText(parseLabel(a.label), nat)),
        h('div', {}, details.length > 300 ? details.slice(0, 300) + '…' : details));
      const track = (a.details as { track?: number } | null)?.track;
      if (typeof track === 'number') { el.style.cursor = 'pointer'; el.onclick = () => this.app.select(track, true); }
      return el;
    }));
  }
}

export class AreasPanel {
  private root = $('tab-areas');
  private nameInput: HTMLInputElement;
  private list: HTMLElement;
  private n = 1;

  constructor(private app: App) {
    this.nameInput = h('input', { type: 'text', id: 'area-name', placeholder: 'Name of the next area', 'aria-label': 'Name of the next area' });
    const poly = h('button', { type: 'button', 'aria-label': 'Draw a polygon area' }, 'Draw polygon');
    poly.onclick = () => app.setTool('polygon');
    const circ = h('button', { type: 'button', 'aria-label': 'Draw a circle area' }, 'Draw circle');
    circ.onclick = () => app.setTool('circle');
    this.list = h('div', { id: 'area-list' });
    this.root.append(h('div', { class: 'table-tools' }, this.nameInput, poly, circ), this.list);
  }

  nextName(): string {
    const v = this.nameInput.value.trim();
    this.nameInput.value = '';
    return v || `Area ${new Date().toISOString().slice(11, 16)}Z #${this.n++}`;
  }

  render(): void {
    const areas = this.app.areas;
    if (!areas.length) {
      this.list.replaceChildren(h('p', { class: 'muted' }, 'No areas yet. Draw a polygon (P) or a circle (O) on the map.'));
      return;
    }
    this.list.replaceChildren(...areas.map((a: Area) => {
      const kind = a.geometry.type === 'Point' ? `circle ${((a.geometry.radius_m ?? 0) / 1852).toFixed(1)} NM` : `polygon ${a.geometry.coordinates[0].length - 1} corners`;
      const go = h('button', { type: 'button', 'aria-label': `Show area ${a.name}` }, 'Show');
      go.onclick = () => {
        const ring = areaRing(a);
        const lons = ring.map((p) => p[0]), lats = ring.map((p) => p[1]);
        this.app.map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 60, duration: 300 });
      };
      const del = h('button', { type: 'button', 'aria-label': `Delete area ${a.name}` }, 'Delete');
      del.onclick = async () => {
        try { await this.app.api.del(`/api/v1/areas/${a.id}`); } catch (e) { this.app.info((e as Error).message); }
        await this.app.refreshAreas();
      };
      return h('div', { class: 'area', 'data-id': a.id },
        h('div', {}, h('strong', {}, a.name), h('div', { class: 'muted' }, `${kind} · ${a.owner ?? ''} · ${bannerText(parseLabel(a.label ?? 'UNCLASSIFIED'), this.app.me.profile?.nationality ?? 'USA')}`)),
        h('div', {}, go, ' ', del));
    }));
  }
}
