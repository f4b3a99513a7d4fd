// The track table beside the map: sortable by any column, filterable by text, "only in view",
// synced with the selection (click a row to select; Ctrl/Cmd+click adds or removes a row,
// Shift+click selects the rows from the last one clicked; the selected rows are highlighted and
// a new selection is scrolled into view), and the export of the selected rows.
//
// 100,000 tracks: the live rows are filtered and ordered on the store's typed columns (no object
// per track; table-order.ts sorts only the rows up to the bottom of the scrolled window), and
// only the rows in the scrolled window (plus a margin) are in the DOM: spacers above and below
// keep the scroll bar true to the whole list (virtual scrolling). Replay (a few thousand states)
// uses the replayed objects the same way.
import type { App } from '../app';
import { DOMAINS, NO_STRING, type TrackInfo } from '../live/store';
import { parseLabel, bannerText } from '../labels';
import { $, h, MS_TO_KT, M_TO_FT, courseOf, speedOf } from './dom';
import { filterWords, orderRows, rankOf, stringRanks } from './table-order';

const OVERSCAN_ROWS = 15;       // rows built above and below the scrolled window
const DEFAULT_ROW_PX = 19;      // until a row has been measured
const HIDDEN_TABLE_ROWS = 40;   // the window when the table has no height (not laid out)
const NO_ALTITUDE = -1e9;       // sorts tracks without altitude first (ascending)

interface Column { key: string; title: string; value: (t: TrackInfo, app: App) => string | number; text?: (t: TrackInfo, app: App) => string }

const identText = (t: Partial<TrackInfo>): string =>
  t.cs || t.name || (t.mmsi ? String(t.mmsi) : '') || (t.icao ?? '') || (t.tn?.[0] ?? '');

const COLUMNS: Column[] = [
  { key: 'id', title: 'Track', value: (t) => t.id },
  { key: 'ident', title: 'Ident', value: (t) => identText(t) },
  { key: 'dom', title: 'Dom', value: (t) => t.domain },
  { key: 'spd', title: 'Kt', value: (t) => speedOf(t.ve, t.vn) * MS_TO_KT, text: (t) => (speedOf(t.ve, t.vn) * MS_TO_KT).toFixed(0) },
  { key: 'crs', title: 'Crs', value: (t) => courseOf(t.ve, t.vn), text: (t) => courseOf(t.ve, t.vn).toFixed(0).padStart(3, '0') },
  { key: 'alt', title: 'Alt ft', value: (t) => t.alt ?? NO_ALTITUDE, text: (t) => (t.alt === undefined ? '' : (t.alt * M_TO_FT).toFixed(0)) },
  { key: 'age', title: 'Age', value: (t, a) => a.liveNowForAge() - t.t, text: (t, a) => `${Math.max(0, Math.round((a.liveNowForAge() - t.t) / 1000))}s` },
  { key: 'label', title: 'Label', value: (t) => t.label, text: (t, a) => bannerText(parseLabel(t.label), a.me.profile?.nationality ?? 'USA') },
];

/** The rows of one refresh: ids in order for the window, and the total that pass the filters. */
interface Ordered {
  total: number;
  ids: number[];                     // ids of the first rows in order (at least to the window)
  rank: (id: number) => number;      // position of a passing row, -1 if it does not pass
}

// The lower-case text of an identity, made once per identity object (the identities map gets
// new objects on each poll, so a WeakMap forgets the old ones by itself).
const identityText = new WeakMap<object, string>();
function identityHay(i: Partial<TrackInfo>): string {
  let s = identityText.get(i);
  if (s === undefined) {
    s = [i.cs, i.name, i.mmsi, i.icao, ...(i.tn ?? []), ...(i.sources ?? [])]
      .filter((x) => x !== undefined).join(' ').toLowerCase();
    identityText.set(i, s);
  }
  return s;
}

export class TrackTable {
  /** The rows in the DOM (the scrolled window and its margin), with identities merged. */
  shownRows: TrackInfo[] = [];
  private body: HTMLTableSectionElement;
  private padTop: HTMLTableCellElement;
  private padBottom: HTMLTableCellElement;
  private wrap: HTMLElement;
  private head: HTMLTableRowElement;
  private count: HTMLElement;
  private exportButton: HTMLButtonElement;
  private lastRefresh = 0;
  private filterInput: HTMLInputElement;
  private inViewBox: HTMLInputElement;
  private rowPx = DEFAULT_ROW_PX;
  private rowMeasured = false;
  private lastSelected: number | null = null;
  private anchor: number | null = null;  // the last row clicked, for Shift+click ranges
  private ordered: Ordered = { total: 0, ids: [], rank: () => -1 };
  private scrollQueued = false;

  constructor(private app: App) {
    const root = $('tab-table');
    this.filterInput = h('input', { type: 'search', id: 'table-filter', placeholder: 'Filter the table (F)', 'aria-label': 'Filter the table' });
    this.inViewBox = h('input', { type: 'checkbox', id: 'table-inview', 'aria-label': 'Only tracks in view' });
    this.count = h('span', { class: 'count', id: 'table-count', 'aria-live': 'polite' });
    this.exportButton = h('button', { type: 'button', id: 'btn-export-selection', disabled: true,
      title: 'Export the selected tracks (X), in the format chosen in the toolbar; Ctrl+click or Shift+click rows (or Ctrl+click tracks on the map) to select several',
      'aria-label': 'Export the selected tracks (X)' }, 'Export selection');
    this.exportButton.onclick = () => void app.exportSelection();
    this.head = h('tr');
    for (const c of COLUMNS) {
      const th = h('th', { scope: 'col', 'data-key': c.key, tabindex: 0, title: `Sort by ${c.title}` }, c.title);
      th.onclick = () => this.sortBy(c.key);
      th.onkeydown = (e) => { if (e.key === 'Enter') this.sortBy(c.key); };
      this.head.append(th);
    }
    this.body = h('tbody', { id: 'table-body' });
    // Spacers for the rows not built (virtual scrolling): their own bodies, so that
    // `#table-body tr` are the track rows only.
    const spacer = (): [HTMLTableSectionElement, HTMLTableCellElement] => {
      const td = h('td', { colspan: COLUMNS.length, class: 'spacer' });
      td.style.padding = '0';
      td.style.border = 'none';
      td.style.height = '0px';
      return [h('tbody', { 'aria-hidden': 'true' }, h('tr', {}, td)), td];
    };
    const [topBody, topCell] = spacer();
    const [bottomBody, bottomCell] = spacer();
    this.padTop = topCell;
    this.padBottom = bottomCell;
    this.wrap = h('div', { class: 'table-wrap' },
      h('table', { class: 'tracks', id: 'track-table', 'aria-label': 'Tracks', 'aria-multiselectable': 'true' },
        h('thead', {}, this.head), topBody, this.body, bottomBody));
    root.append(
      h('div', { class: 'table-tools' }, this.filterInput,
        h('label', { title: 'Only the tracks in the map view (V)' }, this.inViewBox, ' only in view'), this.count,
        this.exportButton),
      this.wrap,
    );
    this.filterInput.oninput = () => { app.view.filter = this.filterInput.value; app.saveUrl(); this.refresh(true); };
    this.inViewBox.onchange = () => { app.view.inView = this.inViewBox.checked; app.saveUrl(); this.refresh(true); app.updateOnScreen(); };
    this.body.onclick = (e) => {
      const tr = (e.target as HTMLElement).closest('tr');
      if (!tr?.dataset.id) return;
      const id = Number(tr.dataset.id);
      if (e.ctrlKey || e.metaKey) {
        app.togglePicked(id);
        this.anchor = id;
      } else if (e.shiftKey && this.anchor !== null) {
        app.pickRange(this.range(this.anchor, id), id);
      } else {
        this.anchor = id;
        app.select(id, true);
      }
    };
    // The window follows the scroll (once per frame).
    const onScroll = () => {
      if (this.scrollQueued) return;
      this.scrollQueued = true;
      requestAnimationFrame(() => { this.scrollQueued = false; this.refresh(true); });
    };
    this.wrap.addEventListener('scroll', onScroll, { passive: true });
    root.addEventListener('scroll', onScroll, { passive: true });
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

  /** Whether track `t` (identities merged) matches the filter text `q` (every word somewhere). */
  matches(t: TrackInfo, q: string): boolean {
    const words = filterWords(q);
    if (!words.length) return true;
    const hay = [t.id, t.cs, t.name, t.mmsi, t.icao, ...(t.tn ?? []), t.domain, t.label, ...(t.sources ?? [])]
      .filter((x) => x !== undefined).join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  }

  /** Every row passing the filters, in order (for callers that want the whole list). */
  rows(): TrackInfo[] {
    const o = this.order(Number.MAX_SAFE_INTEGER);
    const out: TrackInfo[] = [];
    for (const id of o.ids) { const t = this.app.source.get(id); if (t) out.push(this.app.identity(t)); }
    return out;
  }

  /** The ids from row `a` to row `b` (both included) in the table's order. */
  private range(a: number, b: number): number[] {
    // Ordered afresh: the store may have moved its slots since the rows on screen were
    // ordered (a track ended, a new one came), and ranks from then would point elsewhere.
    const ids = this.order(Number.MAX_SAFE_INTEGER).ids;
    let ra = ids.indexOf(a), rb = ids.indexOf(b);
    if (ra < 0 || rb < 0) return [b];
    if (ra > rb) [ra, rb] = [rb, ra];
    return ids.slice(ra, rb + 1);
  }

  // Filters and orders the source's rows; the first `k` in order are listed.
  private order(k: number): Ordered {
    const app = this.app;
    const words = filterWords(app.view.filter);
    const b = app.bounds();
    const inView = app.view.inView;
    const col = COLUMNS.find((c) => c.key === app.view.sort) ?? COLUMNS[0];
    const desc = app.view.sortDesc;
    if (app.mode === 'live') {
      const store = app.store;
      const cols = store.columns();
      const n = cols.count;
      const strings = store.strings();
      const sets = store.sourceSets();
      // Per word: which interned strings (labels), source sets and domains hold it.
      const labelHit = words.map((w) => Uint8Array.from(strings, (s) => (s.toLowerCase().includes(w) ? 1 : 0)));
      const setHit = words.map((w) => Uint8Array.from(sets, (set) => (set.some((s) => s.toLowerCase().includes(w)) ? 1 : 0)));
      const domHit = words.map((w) => DOMAINS.map((d) => d.includes(w)));
      const digits = words.map((w) => /^\d+$/.test(w));
      const ids = cols.ids, pos = cols.positions;
      const keep = (s: number): boolean => {
        if (!cols.visible[s]) return false;
        if (inView) {
          const lon = pos[3 * s], lat = pos[3 * s + 1];
          if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) return false;
        }
        if (!words.length) return true;
        const ident = app.identities.get(ids[s]);
        for (let w = 0; w < words.length; w++) {
          if (labelHit[w][cols.labels[s]] || domHit[w][cols.domains[s]]) continue;
          if (cols.sources[s] !== NO_STRING && setHit[w][cols.sources[s]]) continue;
          if (digits[w] && String(ids[s]).includes(words[w])) continue;
          if (ident && identityHay(ident).includes(words[w])) continue;
          return false;
        }
        return true;
      };
      const keys = new Float64Array(n);
      switch (col.key) {
        case 'ident': {
          const idents = new Map<string, number>();
          const code = new Int32Array(n);
          for (let s = 0; s < n; s++) {
            const i = app.identities.get(ids[s]);
            const text = i ? identText(i) : '';
            let k2 = idents.get(text);
            if (k2 === undefined) { k2 = idents.size; idents.set(text, k2); }
            code[s] = k2;
          }
          const rank = stringRanks([...idents.keys()]);
          for (let s = 0; s < n; s++) keys[s] = rank[code[s]];
          break;
        }
        case 'dom': {
          const rank = stringRanks([...DOMAINS]);
          for (let s = 0; s < n; s++) keys[s] = rank[cols.domains[s]] ?? 0;
          break;
        }
        case 'spd': for (let s = 0; s < n; s++) keys[s] = cols.speeds[s]; break;
        case 'crs':
          for (let s = 0; s < n; s++) keys[s] = courseOf(cols.velocities[2 * s], cols.velocities[2 * s + 1]);
          break;
        case 'alt':
          for (let s = 0; s < n; s++) keys[s] = Number.isNaN(cols.alts[s]) ? NO_ALTITUDE : cols.alts[s];
          break;
        case 'age': {
          const now = app.liveNowForAge();
          for (let s = 0; s < n; s++) keys[s] = now - cols.times[s];
          break;
        }
        case 'label': {
          const rank = stringRanks(strings);
          for (let s = 0; s < n; s++) keys[s] = rank[cols.labels[s]];
          break;
        }
        default: for (let s = 0; s < n; s++) keys[s] = ids[s];
      }
      const o = orderRows(n, keep, keys, ids, desc, k);
      const list = Array.from(o.first, (s) => ids[s]);
      return { total: o.total, ids: list, rank: (id) => {
        const s = store.slot(id);
        return s >= 0 && keep(s) ? rankOf(n, keep, keys, ids, desc, s) : -1;
      } };
    }
    // Replay: the replayed states are objects already (a few thousand).
    const list: TrackInfo[] = [];
    app.source.forEach((t) => list.push(t));
    const merged = words.length || col.key === 'ident' ? list.map((t) => app.identity(t)) : list;
    const q = app.view.filter;
    const keep = (i: number): boolean => app.layerVisible(list[i]) &&
      (!inView || app.inBounds(list[i], b)) && this.matches(merged[i], q);
    const ids = Float64Array.from(list, (t) => t.id);
    const values = merged.map((t) => col.value(t, app));
    const keys = typeof values[0] === 'string' ? stringRanks(values.map(String))
                                                 : Float64Array.from(values as number[]);
    const o = orderRows(list.length, keep, keys, ids, desc, k);
    return { total: o.total, ids: Array.from(o.first, (i) => list[i].id), rank: (id) => {
      const i = list.findIndex((t) => t.id === id);
      return i >= 0 && keep(i) ? rankOf(list.length, keep, keys, ids, desc, i) : -1;
    } };
  }

  // Rebuilds the rows (at most once a second unless forced: sorting, filtering, selection).
  refresh(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastRefresh < 900) { this.markSelection(); return; }
    this.lastRefresh = now;
    this.updateExportButton();
    if (this.app.view.tab !== 'table') { this.shownRows = []; return; }
    const scroller = this.scroller();
    const height = scroller.clientHeight;
    const windowRows = height > 0 ? Math.ceil(height / this.rowPx) + 1 : HIDDEN_TABLE_ROWS;
    let first = Math.max(0, Math.floor(this.scrollTop(scroller) / this.rowPx) - OVERSCAN_ROWS);
    let ordered = this.order(first + windowRows + 2 * OVERSCAN_ROWS);
    // A new selection is scrolled into view.
    const sel = this.app.view.selected;
    if (sel !== this.lastSelected) {
      this.lastSelected = sel;
      const r = sel !== null ? ordered.rank(sel) : -1;
      const top = Math.floor(this.scrollTop(scroller) / this.rowPx);
      if (r >= 0 && (r < top || r >= top + windowRows - 2)) {
        scroller.scrollTop += (Math.max(0, r - 2) - top) * this.rowPx;
        first = Math.max(0, Math.floor(this.scrollTop(scroller) / this.rowPx) - OVERSCAN_ROWS);
        if (first + windowRows + 2 * OVERSCAN_ROWS > ordered.ids.length) {
          ordered = this.order(first + windowRows + 2 * OVERSCAN_ROWS);
        }
      }
    }
    this.ordered = ordered;
    first = Math.min(first, Math.max(0, ordered.total - windowRows - OVERSCAN_ROWS));
    const ids = ordered.ids.slice(first, first + windowRows + 2 * OVERSCAN_ROWS);
    const shown: TrackInfo[] = [];
    for (const id of ids) {
      const t = this.app.source.get(id);
      if (t) shown.push(this.app.identity(t));
    }
    this.shownRows = shown;
    // Rows are updated in place (not rebuilt), so that a row under the pointer stays put.
    const picked = this.app.picked;
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
      const on = picked.has(t.id) || t.id === sel;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
      COLUMNS.forEach((c, j) => {
        const td = tr.cells[j];
        const text = c.text ? c.text(t, this.app) : String(c.value(t, this.app));
        if (td.textContent !== text) td.textContent = text;
        if (c.key === 'label' && td.title !== t.label) td.title = t.label;
      });
    });
    // Measured once (a layout read after the writes above would force a second layout).
    if (!this.rowMeasured && trs.length && trs[0].offsetHeight > 0) {
      this.rowPx = trs[0].offsetHeight;
      this.rowMeasured = true;
    }
    this.padTop.style.height = `${first * this.rowPx}px`;
    this.padBottom.style.height = `${Math.max(0, ordered.total - first - shown.length) * this.rowPx}px`;
    this.count.textContent = `${ordered.total} tracks`;
    this.count.dataset.count = String(ordered.total);
  }

  // The element that scrolls: the table's own box (style.css), else the tab.
  private scroller(): HTMLElement {
    return this.wrap.scrollHeight > this.wrap.clientHeight + 1 || this.wrap.scrollTop > 0
      ? this.wrap : $('tab-table');
  }

  // The scroll offset within the table's rows (the tab's own scroll counts from its top).
  private scrollTop(el: HTMLElement): number {
    return el === this.wrap ? el.scrollTop : Math.max(0, el.scrollTop - this.wrap.offsetTop);
  }

  markSelection(): void {
    const sel = this.app.view.selected;
    const picked = this.app.picked;
    for (const tr of this.body.children) {
      const id = Number((tr as HTMLElement).dataset.id);
      const on = picked.has(id) || id === sel;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
    }
    this.updateExportButton();
  }

  private updateExportButton(): void {
    const n = this.app.picked.size;
    const text = n ? `Export selection (${n})` : 'Export selection';
    if (this.exportButton.textContent !== text) this.exportButton.textContent = text;
    this.exportButton.disabled = n === 0;
  }

  // J/K: the next / previous row.
  step(delta: number): void {
    const ids = this.ordered.ids;
    if (!ids.length) return;
    const sel = this.app.view.selected;
    const i = sel === null ? -1 : this.ordered.rank(sel);
    let next = Math.max(0, Math.min(this.ordered.total - 1, i < 0 ? 0 : i + delta));
    let list = ids;
    if (next >= list.length) list = this.order(next + 1).ids;
    next = Math.min(next, list.length - 1);
    this.anchor = list[next];
    this.app.select(list[next], true);
  }
}
