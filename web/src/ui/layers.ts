// The layers panel: show or hide tracks by source, nation, domain and label; trail length and
// heading vectors; basemap overlays. Hidden keys live in the URL (`hide=`).
import type { App } from '../app';
import { parseLabel, bannerText } from '../labels';
import { $, h } from './dom';

const DOMAINS = ['sea', 'air', 'land', 'space', 'unknown'];
const TRAILS = [0, 30, 60, 120, 300, 600];

export class LayersPanel {
  private root = $('layers-panel');
  private sources = new Set<string>();

  constructor(private app: App) {
    void app.api.json<{ id?: string; name?: string; source?: string }[]>('/api/v1/sources')
      .then((list) => { this.noteSources(list.map((s) => s.id ?? s.name ?? s.source ?? '').filter(Boolean)); })
      .catch(() => undefined);
  }

  noteSources(names: string[]): void {
    let added = false;
    for (const n of names) if (!this.sources.has(n)) { this.sources.add(n); added = true; }
    if (added && !this.root.hidden) this.render();
  }

  toggle(): void {
    this.root.hidden = !this.root.hidden;
    $('btn-layers').setAttribute('aria-pressed', String(!this.root.hidden));
    if (!this.root.hidden) this.render();
  }

  render(): void {
    const app = this.app;
    const nations = new Set<string>(), labels = new Map<string, number>();
    app.source.forEach((t) => {
      for (const n of app.nationsOf(t)) nations.add(n);
      labels.set(t.label, (labels.get(t.label) ?? 0) + 1);
      for (const s of app.sourcesOf(t)) this.sources.add(s);
    });
    for (const k of app.view.hidden) {
      const [kind, ...rest] = k.split(':');
      const v = rest.join(':');
      if (kind === 'nat') nations.add(v);
      if (kind === 'lab' && !labels.has(v)) labels.set(v, 0);
      if (kind === 'src') this.sources.add(v);
    }
    const nat = app.me.profile?.nationality ?? 'USA';
    const group = (title: string, kind: string, items: [string, string][]) => [
      h('h3', {}, title),
      ...items.map(([value, text]) => {
        const key = `${kind}:${value}`;
        const box = h('input', { type: 'checkbox', 'data-layer': key, checked: !app.view.hidden.has(key), 'aria-label': `${title}: ${text}` });
        box.onchange = () => {
          if (box.checked) app.view.hidden.delete(key); else app.view.hidden.add(key);
          app.applyFilter(); app.saveUrl(); app.updateOnScreen(); app.table.refresh(true);
        };
        return h('label', { title: value }, box, ' ', text);
      }),
    ];
    const trail = h('select', { id: 'trail-length', 'aria-label': 'Trail length' },
      ...TRAILS.map((s) => h('option', { value: s, selected: s === app.view.trail }, s ? `${s} s` : 'off')));
    trail.onchange = () => { app.view.trail = Number(trail.value); app.store.setTrailSeconds(app.view.trail); app.replay.trailMs = app.view.trail * 1000; app.saveUrl(); app.queueRedraw(); };
    const vec = h('input', { type: 'checkbox', checked: app.view.vectors, 'aria-label': 'Heading vectors' });
    vec.onchange = () => { app.view.vectors = vec.checked; app.saveUrl(); app.queueRedraw(); };
    const base = (id: string, text: string) => {
      const vis = app.map.getLayer(id) ? app.map.getLayoutProperty(id, 'visibility') !== 'none' : true;
      const b = h('input', { type: 'checkbox', checked: vis, 'aria-label': `Basemap: ${text}` });
      b.onchange = () => app.map.setLayoutProperty(id, 'visibility', b.checked ? 'visible' : 'none');
      return h('label', {}, b, ' ', text);
    };
    const close = h('button', { type: 'button', 'aria-label': 'Close layers' }, 'Close');
    close.onclick = () => this.toggle();
    this.root.replaceChildren(
      h('div', { class: 'row' }, h('strong', {}, 'Layers'), close),
      ...group('Domain', 'dom', DOMAINS.map((d) => [d, d])),
      ...group('Nation (label originator)', 'nat', [...nations].sort().map((n) => [n, n === 'open' ? 'open sources (unclassified)' : n])),
      ...group('Source', 'src', [...this.sources].sort().map((s) => [s, s])),
      ...group('Label', 'lab', [...labels].sort((a, b) => b[1] - a[1]).map(([l, c]) => [l, `${bannerText(parseLabel(l), nat)} (${c})`])),
      h('h3', {}, 'Overlays'), app.sensors.toggle(),
      h('h3', {}, 'Tracks'),
      h('div', { class: 'row' }, h('label', {}, 'Trails ', trail)),
      h('label', {}, vec, ' heading vectors (60 s)'),
      h('h3', {}, 'Basemap'),
      base('borders', 'borders'), base('graticule', 'graticule'), base('coastline', 'coastlines'),
    );
  }
}
