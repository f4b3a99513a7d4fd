// The track table beside the map: sortable by any column, filterable by text, "only in view",
// synced with the selection (click a row to select; the selected row is highlighted and kept
// in view). At most MAX_ROWS rows are built at a time; the count says how many match.
import type { App } from '../app';
import type { TrackInfo } from '../live/store';
import { parseLabel, bannerText } from '../labels';
import { $, h, MS_TO_KT, M_TO_FT, courseOf, speedOf } from './dom';

const MAX_ROWS = 300;

interface Column { key: string; title: string; value: (t: TrackInfo, app: App) => string | number; text?: (t: TrackInfo, app: App) => string }

const COLUMNS: Column[] = [
  { key: 'id', title: 'Track', value: (t) => t.id },
  { key: 'ident', title: 'Ident', value: (t) => t.cs || t.name || (t.mmsi ? String(t.mmsi) : '') || (t.icao ?? '') || (t.tn?.[0] ?? '') },
  { key: 'dom', title: 'Dom', value: (t) => t.domain },
  { key: 'spd', title: 'Kt', value: (t) => speedOf(t.ve, t.vn) * MS_TO_KT, text: (t) => (speedOf(t.ve, t.vn) * MS_TO_KT).toFixed(0) },
  { key: 'crs', title: 'Crs', value: (t) => courseOf(t.ve, t.vn), text: (t) => courseOf(t.ve, t.vn).toFixed(0).padStart(3, '0') },
  { key: 'alt', title: 'Alt ft', value: (t) => t.alt ?? -1e9, text: (t) => (t.alt === undefined ? '' : (t.alt * M_TO_FT).toFixed(0)) },
  { key: 'age', title: 'Age', value: (t, a) => a.liveNowForAge() - t.t, text: (t, a) => `${Math.max(0, Math.round((a.liveNowForAge() - t.t) / 1000))}s` },
  { key: 'label', title: 'Label', value: (t) => t.label, text: (t, a) => bannerText(parseLabel(t.label), a.me.profile?.nationality ?? 'USA') },
];

export class TrackTable {
  shownRows: TrackInfo[] = [];
  private body: HTMLTableSectionElement;
  private head: HTMLTableRowElement;
  private count: HTMLElement;
  private lastRefresh = 0;
  private filterInput: HTMLInputElement;
  private inViewBox: HTMLInputElement;

  constructor(private app: App) {
    const root = $('tab-table');
    this.filterInput = h('input', { type: 'search', id: 'table-filter', placeholder: 'Filter the table (F)', 'aria-label': 'Filter the table' });
    this.inViewBox = h('input', { type: 'checkbox', id: 'table-inview', 'aria-label': 'Only tracks in view' });
    this.count = h('span', { class: 'count', id: 'table-count', 'aria-live': 'polite' });
    this.head = h('tr');
    for (const c of COLUMNS) {
      const th = h('th', { scope: 'col', 'data-key': c.key, tabindex: 0, title: `Sort by ${c.title}` }, c.title);
      th.onclick = () => this.sortBy(c.key);
      th.onkeydown = (e) => { if (e.key === 'Enter') this.sortBy(c.key); };
      this.head.append(th);
    }
    this.body = h('tbody', { id: 'table-body' });
    root.append(
      h('div', { class: 'table-tools' }, this.filterInput,
        h('label', { title: 'Only the tracks in the map view (V)' }, this.inViewBox, ' only in view'), this.count),
      h('div', { class: 'table-wrap' }, h('table', { class: 'tracks', id: 'track-table', 'aria-label': 'Tracks' }, h('thead', {}, this.head), this.body)),
    );
    this.filterInput.oninput = () => { app.view.filter = this.filterInput.value; app.saveUrl(); this.refresh(true); };
    this.inViewBox.onchange = () => { app.view.inView = this.inViewBox.checked; app.saveUrl(); this.refresh(true); app.updateOnScreen(); };
    this.body.onclick = (e) => {
      const tr = (e.target as HTMLElement).closest('tr');
      if (tr?.dataset.id) app.select(Number(tr.dataset.id), true);
    };
    this.syncControls();
  }

  syncControls(): void {
    this.filterInput.value = this.app.view.filter;
    this.inViewBox.checked = this.app.view.inView;
    for (const th of this.head.children) {
      const k = (th as HTMLElement).dataset.key;
      th.setAttribute('aria-sort', k === this.app.view.sort ? (this.app.view.sortDesc ? 'descending' : 'ascending') : 'none');
    }
  }

  sortBy(key: string): void {
    const v = this.app.view;
    if (v.sort === key) v.sortDesc = !v.sortDesc;
    else { v.sort = key; v.sortDesc = false; }
    this.syncControls();
    this.app.saveUrl();
    this.refresh(true);
  }

  toggleInView(): void {
    this.app.view.inView = !this.app.view.inView;
    this.syncControls();
    this.app.saveUrl();
    this.refresh(true);
    this.app.updateOnScreen();
  }

  focusFilter(): void { this.app.selectTab('table'); this.filterInput.focus(); this.filterInput.select(); }

  matches(t: TrackInfo, q: string): boolean {
    if (!q) return true;
    const hay = [t.id, t.cs, t.name, t.mmsi, t.icao, ...(t.tn ?? []), t.domain, t.label, ...(t.sources ?? [])]
      .filter((x) => x !== undefined).join(' ').toLowerCase();
    return q.split(/\s+/).every((w) => hay.includes(w));
  }

  rows(): TrackInfo[] {
    const app = this.app;
    const q = app.view.filter.trim().toLowerCase();
    const b = app.bounds();
    const out: TrackInfo[] = [];
    // Identities are merged only where they matter (filtering, sorting by ident, shown rows):
    // the picture may hold 100,000 tracks.
    const needIdent = q !== '' || app.view.sort === 'ident';
    app.source.forEach((raw) => {
      if (!app.layerVisible(raw)) return;
      if (app.view.inView && !app.inBounds(raw, b)) return;
      const t = needIdent ? app.identity(raw) : raw;
      if (this.matches(t, q)) out.push(t);
    });
    const col = COLUMNS.find((c) => c.key === app.view.sort) ?? COLUMNS[0];
    const dir = app.view.sortDesc ? -1 : 1;
    const key = new Map(out.map((t) => [t.id, col.value(t, app)]));
    out.sort((a, b2) => {
      const x = key.get(a.id)!, y = key.get(b2.id)!;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (c || a.id - b2.id) * dir;
    });
    return out;
  }

  // Rebuilds the rows (at most once a second unless forced: sorting, filtering, selection).
  refresh(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastRefresh < 900) { this.markSelection(); return; }
    this.lastRefresh = now;
    if (this.app.view.tab !== 'table') { this.shownRows = []; return; }
    const rows = this.rows();
    const sel = this.app.view.selected;
    let shown = rows.slice(0, MAX_ROWS);
    const selRow = sel !== null ? rows.find((t) => t.id === sel) : undefined;
    if (selRow && !shown.includes(selRow)) shown = [...shown.slice(0, MAX_ROWS - 1), selRow];
    shown = shown.map((t) => this.app.identity(t));
    this.shownRows = shown;
    // Rows are updated in place (not rebuilt), so that a row under the pointer stays put.
    const trs = this.body.rows;
    while (trs.length > shown.length) this.body.deleteRow(-1);
    shown.forEach((t, i) => {
      let tr = trs[i];
      if (!tr) {
        tr = this.body.insertRow();
        for (const c of COLUMNS) tr.append(h('td', { 'data-col': c.key }));
      }
      const id = String(t.id);
      if (tr.dataset.id !== id) tr.dataset.id = id;
      const on = t.id === sel;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
      COLUMNS.forEach((c, j) => {
        const td = tr.cells[j];
        const text = c.text ? c.text(t, this.app) : String(c.value(t, this.app));
        if (td.textContent !== text) td.textContent = text;
        if (c.key === 'label' && td.title !== t.label) td.title = t.label;
      });
    });
    this.count.textContent = rows.length > shown.length ? `${shown.length} of ${rows.length}` : `${rows.length} tracks`;
    this.count.dataset.count = String(rows.length);
  }

  markSelection(): void {
    const sel = String(this.app.view.selected);
    for (const tr of this.body.children) {
      const on = (tr as HTMLElement).dataset.id === sel;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
    }
  }

  // J/K: the next / previous row.
  step(delta: number): void {
    const rows = this.shownRows;
    if (!rows.length) return;
    const i = rows.findIndex((t) => t.id === this.app.view.selected);
    const next = rows[Math.max(0, Math.min(rows.length - 1, i < 0 ? 0 : i + delta))];
    this.app.select(next.id, true);
    this.body.querySelector(`tr[data-id="${next.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }
}
