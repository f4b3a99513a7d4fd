// Search by MMSI, ICAO address, track id, partner track number, callsign or name
// (GET /api/v1/search?q=): results under the box; Enter or a click selects and centres.
import type { App } from '../app';
import type { CompactTrack } from '../replay';
import { $, h } from './dom';

export class SearchBox {
  results: CompactTrack[] = [];
  private input = $<HTMLInputElement>('search');
  private box = $('search-results');
  private timer = 0;
  private active = 0;
  private seq = 0;

  constructor(private app: App) {
    this.input.oninput = () => { clearTimeout(this.timer); this.timer = window.setTimeout(() => void this.run(), 250); };
    $<HTMLFormElement>('search-form').onsubmit = (e) => {
      e.preventDefault();
      clearTimeout(this.timer);
      if (this.results.length && !this.box.hidden) this.pick(this.results[this.active]);
      else void this.run(true);
    };
    this.input.onkeydown = (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.active = Math.max(0, Math.min(this.results.length - 1, this.active + (e.key === 'ArrowDown' ? 1 : -1)));
        this.render();
      } else if (e.key === 'Escape') { this.box.hidden = true; this.input.blur(); }
    };
    this.input.onblur = () => setTimeout(() => { this.box.hidden = true; }, 200);
    this.input.onfocus = () => { if (this.results.length) this.box.hidden = false; };
  }

  focus(): void { this.input.focus(); this.input.select(); }

  async run(pickFirst = false): Promise<void> {
    const q = this.input.value.trim();
    if (!q) { this.results = []; this.box.hidden = true; return; }
    const seq = ++this.seq;
    try {
      const j = await this.app.api.json<{ tracks: CompactTrack[] }>(`/api/v1/search?q=${encodeURIComponent(q)}`);
      if (seq !== this.seq) return;
      this.results = j.tracks;
      this.active = 0;
      if (pickFirst && j.tracks.length === 1) { this.pick(j.tracks[0]); return; }
      this.render();
    } catch (e) {
      this.results = [];
      this.box.replaceChildren(h('div', { class: 'empty' }, (e as Error).message));
      this.box.hidden = false;
    }
  }

  render(): void {
    this.box.hidden = false;
    this.box.dataset.count = String(this.results.length);
    if (!this.results.length) {
      this.box.replaceChildren(h('div', { class: 'empty' }, 'No track matches in your picture.'));
      return;
    }
    this.box.replaceChildren(...this.results.map((t, i) => {
      const ident = [t.cs, t.name, t.mmsi && `MMSI ${t.mmsi}`, t.icao && `ICAO ${t.icao}`, ...(t.tn ?? [])].filter(Boolean).join(' · ');
      const el = h('div', { class: `item${i === this.active ? ' active' : ''}`, role: 'option', 'data-id': t.id, 'aria-selected': String(i === this.active) },
        h('strong', {}, `#${t.id}`), ' ', ident || '(no identity)', h('span', { class: 'muted' }, ` ${t.dom ?? ''}`));
      el.onmousedown = (e) => { e.preventDefault(); this.pick(t); };
      return el;
    }));
  }

  pick(t: CompactTrack | undefined): void {
    if (!t) return;
    this.box.hidden = true;
    this.app.map.easeTo({ center: [t.lon, t.lat], zoom: Math.max(this.app.map.getZoom(), 7), duration: 300 });
    this.app.select(t.id);
  }
}
