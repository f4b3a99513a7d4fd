// Every view setting lives in the URL (query string), so a link reproduces the view:
//   c=lat,lon  z=zoom  b=bearing  theme=light|dark  sel=track id  follow=1
//   t=ms (replay time; absent: live)  rs=replay speed  rw=replay window (ms)
//   hide=key,key (hidden layers: src:<source> nat:<nation> dom:<domain> lab:<label>)
//   trail=seconds  vec=0|1  tab=table|track|alerts|areas  q=table filter  inview=0|1
//   sort=column[:desc]  rings=lat,lon  ringstep=NM  pick=id,id (the other selected tracks)
export interface ViewState {
  center: [number, number]; // lon, lat
  zoom: number;
  bearing: number;
  theme: 'light' | 'dark';
  selected: number | null;
  picked: number[];  // every selected track (Ctrl/Shift+click), `selected` among them
  follow: boolean;
  time: number | null;
  replaySpeed: number;
  replayWindow: number;
  hidden: Set<string>;
  trail: number;
  vectors: boolean;
  tab: 'table' | 'track' | 'alerts' | 'areas';
  filter: string;
  inView: boolean;
  sort: string;
  sortDesc: boolean;
  rings: [number, number] | null; // lon, lat
  ringStep: number;
}

export const DEFAULT_VIEW: ViewState = {
  center: [128.6, 28.6], zoom: 5.2, bearing: 0, theme: 'dark', selected: null, picked: [], follow: false,
  time: null, replaySpeed: 10, replayWindow: 3_600_000, hidden: new Set(), trail: 120,
  vectors: true, tab: 'table', filter: '', inView: true, sort: 'id', sortDesc: false,
  rings: null, ringStep: 25,
};

const num = (s: string | null, d: number) => {
  const v = s === null ? NaN : Number(s);
  return Number.isFinite(v) ? v : d;
};

export function parseView(search: string): ViewState {
  const p = new URLSearchParams(search);
  const v: ViewState = { ...DEFAULT_VIEW, hidden: new Set(), picked: [] };
  const c = p.get('c')?.split(',').map(Number);
  if (c && c.length === 2 && c.every(Number.isFinite)) v.center = [c[1], c[0]];
  v.zoom = num(p.get('z'), v.zoom);
  v.bearing = num(p.get('b'), v.bearing);
  if (p.get('theme') === 'light' || p.get('theme') === 'dark') v.theme = p.get('theme') as 'light' | 'dark';
  const sel = p.get('sel');
  v.selected = sel !== null && /^\d+$/.test(sel) ? Number(sel) : null;
  v.picked = (p.get('pick') ?? '').split(',').filter((x) => /^\d+$/.test(x)).map(Number);
  if (v.selected !== null && v.picked.length && !v.picked.includes(v.selected)) v.picked.push(v.selected);
  v.follow = p.get('follow') === '1';
  const t = p.get('t');
  v.time = t !== null && /^\d+$/.test(t) ? Number(t) : null;
  v.replaySpeed = num(p.get('rs'), v.replaySpeed);
  v.replayWindow = num(p.get('rw'), v.replayWindow);
  for (const k of (p.get('hide') ?? '').split(',')) if (k) v.hidden.add(k);
  v.trail = num(p.get('trail'), v.trail);
  v.vectors = p.get('vec') !== '0';
  const tab = p.get('tab');
  if (tab === 'table' || tab === 'track' || tab === 'alerts' || tab === 'areas') v.tab = tab;
  v.filter = p.get('q') ?? '';
  v.inView = p.get('inview') !== '0';
  const sort = p.get('sort');
  if (sort) { const [col, dir] = sort.split(':'); v.sort = col; v.sortDesc = dir === 'desc'; }
  const r = p.get('rings')?.split(',').map(Number);
  if (r && r.length === 2 && r.every(Number.isFinite)) v.rings = [r[1], r[0]];
  v.ringStep = num(p.get('ringstep'), v.ringStep);
  return v;
}

export function serializeView(v: ViewState): string {
  const p = new URLSearchParams();
  p.set('c', `${v.center[1].toFixed(5)},${v.center[0].toFixed(5)}`);
  p.set('z', v.zoom.toFixed(2));
  if (v.bearing) p.set('b', v.bearing.toFixed(1));
  p.set('theme', v.theme);
  if (v.selected !== null) p.set('sel', String(v.selected));
  if (v.picked.length > 1) p.set('pick', v.picked.join(','));
  if (v.follow) p.set('follow', '1');
  if (v.time !== null) p.set('t', String(Math.round(v.time)));
  if (v.replaySpeed !== DEFAULT_VIEW.replaySpeed) p.set('rs', String(v.replaySpeed));
  if (v.replayWindow !== DEFAULT_VIEW.replayWindow) p.set('rw', String(v.replayWindow));
  if (v.hidden.size) p.set('hide', [...v.hidden].sort().join(','));
  if (v.trail !== DEFAULT_VIEW.trail) p.set('trail', String(v.trail));
  if (!v.vectors) p.set('vec', '0');
  if (v.tab !== 'table') p.set('tab', v.tab);
  if (v.filter) p.set('q', v.filter);
  if (!v.inView) p.set('inview', '0');
  if (v.sort !== 'id' || v.sortDesc) p.set('sort', v.sort + (v.sortDesc ? ':desc' : ''));
  if (v.rings) { p.set('rings', `${v.rings[1].toFixed(5)},${v.rings[0].toFixed(5)}`); p.set('ringstep', String(v.ringStep)); }
  return '?' + p.toString();
}
