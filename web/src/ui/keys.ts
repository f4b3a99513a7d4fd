// Keyboard shortcuts (shown by `?`). Keys are ignored while typing in a field, except Esc.
import type { App } from '../app';
import { $, h } from './dom';

export const SHORTCUTS: [string, string, (app: App) => void][] = [
  ['?', 'Show / hide this help', () => { $('help').hidden = !$('help').hidden; }],
  ['/', 'Search (MMSI, ICAO, callsign, track number, name)', (a) => a.search.focus()],
  ['f', 'Filter the table', (a) => a.table.focusFilter()],
  ['Escape', 'Cancel the tool, close the overlay, or clear the selection', (a) => a.escape()],
  ['j', 'Select the next track in the table', (a) => a.table.step(1)],
  ['k', 'Select the previous track in the table', (a) => a.table.step(-1)],
  ['Enter', 'Finish the polygon being drawn', (a) => void a.finishPolygon()],
  ['c', 'Centre on the selected track', (a) => { const t = a.view.selected !== null ? a.source.get(a.view.selected) : undefined; if (t) a.map.easeTo({ center: [t.lon, t.lat] }); }],
  ['g', 'Follow the selected track (on / off)', (a) => a.setFollow(!a.view.follow)],
  ['v', 'Table: only tracks in view (on / off)', (a) => a.table.toggleInView()],
  ['l', 'Layers panel', (a) => a.layersPanel.toggle()],
  ['m', 'Measure range and bearing', (a) => a.setTool('measure')],
  ['p', 'Draw a polygon area of interest', (a) => a.setTool('polygon')],
  ['o', 'Draw a circle area of interest', (a) => a.setTool('circle')],
  ['r', 'Range rings (around the selected track, or click a centre)', (a) => a.toggleRings()],
  ['e', 'Export the tracks in view (format chosen beside the button)', (a) => void a.exportView()],
  ['x', 'Export the selected tracks (same format)', (a) => void a.exportSelection()],
  ['t', 'Light / dark theme', (a) => a.setTheme(a.view.theme === 'dark' ? 'light' : 'dark')],
  [' ', 'Replay: play / pause', (a) => a.togglePlay()],
  ['Home', 'Return to live', (a) => a.goLive()],
  [',', 'Replay: back 1 minute', (a) => { if (a.mode === 'replay') a.seek(a.replay.now - 60_000); }],
  ['.', 'Replay: forward 1 minute', (a) => { if (a.mode === 'replay') a.seek(a.replay.now + 60_000); }],
  ['1', 'Tracks tab', (a) => a.selectTab('table')],
  ['2', 'Track tab', (a) => a.selectTab('track')],
  ['3', 'Alerts tab', (a) => a.selectTab('alerts')],
  ['4', 'Areas tab', (a) => a.selectTab('areas')],
];

const MAP_KEYS: [string, string][] = [
  ['Ctrl + click', 'Add / remove a track to the selection (map or table; Cmd on a Mac)'],
  ['Shift + click', 'Table: select the rows from the last one clicked'],
  ['+ / −', 'Zoom in / out (map focused)'],
  ['Arrows', 'Pan (map focused)'],
  ['Shift + drag', 'Zoom to a box'],
];

export function installShortcuts(app: App): void {
  const keyName = (k: string) => (k === ' ' ? 'Space' : k === 'Escape' ? 'Esc' : k);
  const rows = [
    ...SHORTCUTS.map(([k, d]) => h('tr', {}, h('td', {}, h('kbd', {}, keyName(k))), h('td', {}, d))),
    ...MAP_KEYS.map(([k, d]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, d))),
  ];
  const half = Math.ceil(rows.length / 2);
  $('help-keys').replaceChildren(h('table', {}, ...rows.slice(0, half)), h('table', {}, ...rows.slice(half)));
  $('btn-help').onclick = () => { $('help').hidden = !$('help').hidden; };
  $('help-close').onclick = () => { $('help').hidden = true; };
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    const typing = target.matches('input:not([type=checkbox]):not([type=range]), select, textarea');
    if (typing && e.key !== 'Escape') return;
    if (typing && e.key === 'Escape') { target.blur(); return; }
    if (!$('login').hidden) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const s = SHORTCUTS.find(([k]) => k === key || (k === '?' && e.key === '?'));
    if (!s) return;
    if (key === 'Enter' && app.draw.mode !== 'polygon') return;
    if (key === ' ' && target.matches('button')) return;
    e.preventDefault();
    s[2](app);
  });
}
