// Security labels in the page: parse the node's canonical label text (docs/labels.md: CAPCO
// banner for US-only labels, compact JSON otherwise), roll up the labels of what is on screen
// (docs/labels.md "Roll-up": every originator kept with its most protected level, level = the
// highest common-lattice equivalent, caveats and SCI = union, releasability = intersection
// after expanding FVEY/ACGU), and print the banner. The node decides access; the page only
// marks what it was given.

export type Level = 0 | 1 | 2 | 3; // U < C < S < TS (the common lattice)
const LEVEL_NAMES = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
const LEVEL_ABBR = ['U', 'C', 'S', 'TS'] as const;

// The equivalence table of docs/labels.md (Registry::Default), in order of protection per policy.
const POLICY_LEVELS: Record<string, [string, Level][]> = {
  USA: [['UNCLASSIFIED', 0], ['CONFIDENTIAL', 1], ['SECRET', 2], ['TOP_SECRET', 3]],
  JPN: [['UNCLASSIFIED', 0], ['CHUI', 0], ['HI', 1], ['CESI', 1], ['GOKUHI', 2],
        ['BOEI_HIMITSU', 2], ['TOKUTEI_HIMITSU', 2], ['KIMITSU', 3]],
};
const TETRAGRAPHS: Record<string, string[]> = {
  FVEY: ['AUS', 'CAN', 'GBR', 'NZL', 'USA'],
  ACGU: ['AUS', 'CAN', 'GBR', 'USA'],
};

export interface Origin { policy: string; level: string; equiv: Level; explicitEquiv: boolean }
export interface Label {
  unlabelled: boolean;
  origins: Origin[];
  level: Level;
  sci: string[];
  caveats: string[];
  rel: string[] | null; // null: releasable to all
  fgi: 'none' | 'concealed' | string[];
}

export const UNLABELLED: Label = {
  unlabelled: true, origins: [], level: 3, sci: [], caveats: [], rel: [], fgi: 'none',
};

function rank(policy: string, level: string): number {
  return (POLICY_LEVELS[policy] ?? []).findIndex(([id]) => id === level);
}

function equivOf(policy: string, level: string): Level {
  const row = (POLICY_LEVELS[policy] ?? []).find(([id]) => id === level);
  return row ? row[1] : 3;
}

const sortUniq = (a: string[]) => [...new Set(a)].sort();

const cache = new Map<string, Label>();

// Parses a label as the node renders it; anything unreadable is UNLABELLED (fail closed).
export function parseLabel(text: string): Label {
  const hit = cache.get(text);
  if (hit) return hit;
  let l: Label;
  try {
    l = text.trim().startsWith('{') ? parseJson(text) : parseCapco(text.trim());
  } catch {
    l = UNLABELLED;
  }
  if (cache.size > 10000) cache.clear();
  cache.set(text, l);
  return l;
}

function parseCapco(t: string): Label {
  if (t === 'UNLABELLED' || t === '') return UNLABELLED;
  const parts = t.split('//');
  const cls = LEVEL_NAMES.indexOf(parts[0] as (typeof LEVEL_NAMES)[number]);
  if (cls < 0) throw new Error('classification');
  const level = cls as Level;
  const l: Label = {
    unlabelled: false, level, sci: [], caveats: [], rel: null, fgi: 'none',
    origins: [{ policy: 'USA', level: ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP_SECRET'][cls], equiv: level, explicitEquiv: false }],
  };
  let fdr = false;
  for (const seg of parts.slice(1)) {
    if (seg.startsWith('FGI')) {
      const codes = seg.slice(3).trim();
      l.fgi = codes ? codes.split(' ') : 'concealed';
      continue;
    }
    const items = seg.split('/');
    const dissem = items.some((i) => i === 'ORCON' || i === 'NOFORN' || i.startsWith('REL TO'));
    if (!dissem) { l.sci.push(...items); continue; }
    for (const i of items) {
      if (i === 'ORCON') l.caveats.push('ORCON');
      else if (i === 'NOFORN') { l.rel = ['USA']; fdr = true; }
      else if (i.startsWith('REL TO ')) { l.rel = sortUniq(i.slice(7).split(', ')); fdr = true; }
    }
  }
  // docs/labels.md: a classified label without an FD&R marking is read as NOFORN.
  if (!fdr && level > 0) l.rel = ['USA'];
  l.sci = sortUniq(l.sci);
  return l;
}

interface JsonOrigin { policy: string; level: string; equiv?: string }
interface JsonLabel extends Partial<JsonOrigin> {
  originators?: JsonOrigin[];
  categories?: { releasable_to?: string[] | 'ALL'; sci?: string[]; caveats?: string[]; fgi?: string[] | 'CONCEALED' };
}

function parseJson(text: string): Label {
  const j = JSON.parse(text) as JsonLabel;
  const list: JsonOrigin[] = j.originators ?? (j.policy && j.level ? [{ policy: j.policy, level: j.level, equiv: j.equiv }] : []);
  if (!list.length) throw new Error('no originator');
  const origins = list.map((o) => {
    const explicit = o.equiv !== undefined;
    const eq = explicit ? (LEVEL_ABBR.indexOf(o.equiv as (typeof LEVEL_ABBR)[number]) as Level) : equivOf(o.policy, o.level);
    return { policy: o.policy, level: o.level, equiv: eq, explicitEquiv: explicit };
  });
  const c = j.categories ?? {};
  const rel = c.releasable_to === 'ALL' ? null : sortUniq(c.releasable_to ?? origins.map((o) => o.policy));
  return {
    unlabelled: false, origins, level: Math.max(...origins.map((o) => o.equiv)) as Level,
    sci: sortUniq(c.sci ?? []), caveats: sortUniq(c.caveats ?? []), rel,
    fgi: c.fgi === 'CONCEALED' ? 'concealed' : c.fgi ? sortUniq(c.fgi) : 'none',
  };
}

function expand(codes: string[]): string[] {
  const out: string[] = [];
  for (const c of codes) out.push(c, ...(TETRAGRAPHS[c] ?? []));
  return sortUniq(out);
}

// The roll-up of labels; of nothing it is UNLABELLED (as the node's Rollup).
export function rollup(labels: Label[]): Label {
  if (!labels.length || labels.some((l) => l.unlabelled)) return UNLABELLED;
  const byPolicy = new Map<string, Origin>();
  let fgi: Label['fgi'] = 'none';
  const fgiCodes: string[] = [];
  const sci: string[] = [], caveats: string[] = [];
  let rel: string[] | null = null;
  const restricted: string[][] = [];
  for (const l of labels) {
    for (const o of l.origins) {
      const cur = byPolicy.get(o.policy);
      if (!cur || rank(o.policy, o.level) > rank(cur.policy, cur.level) || o.equiv > cur.equiv) byPolicy.set(o.policy, o);
    }
    sci.push(...l.sci); caveats.push(...l.caveats);
    if (l.fgi === 'concealed') fgi = 'concealed';
    else if (Array.isArray(l.fgi)) { fgiCodes.push(...l.fgi); if (fgi === 'none') fgi = []; }
    if (l.rel) restricted.push(l.rel);
  }
  if (restricted.length) {
    let s = expand(restricted[0]);
    for (const r of restricted.slice(1)) { const e = new Set(expand(r)); s = s.filter((c) => e.has(c)); }
    // A tetragraph every input lists, whose members all remain, is written back; the codes
    // it covers are dropped except originators (docs/labels.md, rollup-06).
    const origins = new Set(byPolicy.keys());
    for (const [tg, members] of Object.entries(TETRAGRAPHS)) {
      if (restricted.every((r) => r.includes(tg)) && members.every((m) => s.includes(m))) {
        s = s.filter((c) => !members.includes(c) || origins.has(c));
        if (!s.includes(tg)) s.push(tg);
      }
    }
    for (const tg of Object.keys(TETRAGRAPHS)) if (!restricted.every((r) => r.includes(tg))) s = s.filter((c) => c !== tg);
    rel = sortUniq(s);
  }
  const origins = [...byPolicy.values()].sort((a, b) => a.policy.localeCompare(b.policy));
  return {
    unlabelled: false, origins, level: Math.max(...origins.map((o) => o.equiv)) as Level,
    sci: sortUniq(sci), caveats: sortUniq(caveats), rel,
    fgi: fgi === 'concealed' ? 'concealed' : Array.isArray(fgi) ? sortUniq(fgiCodes) : 'none',
  };
}

function capcoExpressible(l: Label): boolean {
  if (l.origins.length !== 1 || l.origins[0].policy !== 'USA') return false;
  if (l.caveats.some((c) => c !== 'ORCON')) return false;
  if (l.rel === null) return l.level === 0;
  return l.rel.includes('USA');
}

function relCodes(rel: string[]): string[] {
  // CAPCO order: USA first, then trigraphs A-Z, then tetragraphs A-Z.
  const tri = rel.filter((c) => c !== 'USA' && c.length === 3).sort();
  const tetra = rel.filter((c) => c.length !== 3).sort();
  return [...(rel.includes('USA') ? ['USA'] : []), ...tri, ...tetra];
}

// The node's canonical text (labels::Render) for the labels the page meets.
export function renderLabel(l: Label): string {
  if (l.unlabelled) return 'UNLABELLED';
  if (capcoExpressible(l)) {
    let out: string = LEVEL_NAMES[l.level];
    if (l.sci.length) out += '//' + l.sci.join('/');
    if (l.fgi !== 'none') out += '//FGI' + (Array.isArray(l.fgi) ? l.fgi.map((c) => ' ' + c).join('') : '');
    const dissem: string[] = [];
    if (l.caveats.includes('ORCON')) dissem.push('ORCON');
    if (l.rel) dissem.push(l.rel.length === 1 ? 'NOFORN' : 'REL TO ' + relCodes(l.rel).join(', '));
    if (dissem.length) out += '//' + dissem.join('/');
    return out;
  }
  const origin = (o: Origin) => ({ policy: o.policy, level: o.level, ...(o.explicitEquiv ? { equiv: LEVEL_ABBR[o.equiv] } : {}) });
  const cats: Record<string, unknown> = { releasable_to: l.rel === null ? 'ALL' : l.rel };
  if (l.sci.length) cats.sci = l.sci;
  if (l.caveats.length) cats.caveats = l.caveats;
  if (l.fgi === 'concealed') cats.fgi = 'CONCEALED';
  else if (Array.isArray(l.fgi)) cats.fgi = l.fgi;
  const head = l.origins.length === 1 ? origin(l.origins[0]) : { originators: l.origins.map(origin) };
  return JSON.stringify({ ...head, categories: cats });
}

export function levelName(l: Level): string { return LEVEL_NAMES[l]; }

// The banner text as a viewer of nation `viewer` reads it (docs/labels.md "Display"):
// CAPCO for US-only labels, otherwise the originators' own level words and the common
// equivalent, then the releasability.
export function bannerText(l: Label, viewer: string): string {
  if (l.unlabelled) return 'UNLABELLED';
  if (capcoExpressible(l)) return renderLabel(l);
  // An unclassified originator beside a classified one adds nothing a reader needs on the
  // banner (the canonical label, in the element's data, keeps it).
  const shown = l.level > 0 ? l.origins.filter((o) => o.equiv > 0) : l.origins;
  let head: string;
  if (shown.length === 1 && shown[0].policy === viewer) head = shown[0].level.replace(/_/g, ' ');
  else head = shown.map((o) => `${o.policy} ${o.level.replace(/_/g, ' ')}`).join(' + ') + ` / equivalent ${LEVEL_NAMES[l.level]}`;
  const parts = [head];
  if (l.sci.length) parts.push(l.sci.join('/'));
  if (l.caveats.length) parts.push(l.caveats.join('/'));
  if (l.rel === null) { /* releasable to all */ }
  else if (l.rel.length === 0) parts.push('NOT RELEASABLE TO ANY NATION');
  else if (l.rel.length === 1) parts.push(`${l.rel[0]} ONLY`);
  else parts.push('REL TO ' + relCodes(l.rel).join(', '));
  return parts.join('//');
}

export function levelClass(l: Label): string {
  if (l.unlabelled) return 'cls-top-secret';
  return ['cls-unclassified', 'cls-confidential', 'cls-secret', 'cls-top-secret'][l.level];
}
