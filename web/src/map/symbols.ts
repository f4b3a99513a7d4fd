// MIL-STD-2525C symbols (milsymbol) for tracks, drawn once per distinct symbol into one atlas
// canvas that deck.gl's IconLayer samples (no image per track).
//
// The symbol identification code (2525C, 15 characters, Appendix A letter SIDC):
//   1 coding scheme 'S' (warfighting), 2 affiliation, 3 battle dimension, 4 status 'P'
//   (present), 5-10 function ID, 11-15 modifiers, country, order of battle (unset: '-').
// A CoT atom type "a-<affiliation>-<dimension>[-<function letter>...]" (CoT base schema, MITRE
// MP 04B0000047) carries the same letters, so it maps letter for letter. A track without a CoT
// type gets the affiliation UNKNOWN and its domain's battle dimension: the node's data holds no
// identity judgement, so none is inferred (a CoT source's own declared affiliation is drawn as
// declared).
import ms from 'milsymbol';

const SYMBOL_SIZE = 18;         // milsymbol "size": the frame's height in px is about 1.4x this
const ATLAS_WIDTH = 1024;
const PAD = 2;                  // px between atlas cells (no bleeding under linear filtering)
const FUNCTION_LENGTH = 6;
const AFFILIATIONS = 'PUAFNSHGWDLMJKO';
const DIMENSIONS = 'PAGSUFXZ';
// model::Domain (0 unknown, 1 sea, 2 air, 3 land, 4 space) -> 2525C battle dimension.
const DIMENSION_OF_DOMAIN = ['Z', 'S', 'A', 'G', 'P'];

/** The 2525C letter SIDC for a track of `domain` (model::Domain) and optional CoT type. */
export function sidcFor(domain: number, type?: string): string {
  let affiliation = 'U';
  let dimension = DIMENSION_OF_DOMAIN[domain] ?? 'Z';
  let fn = '';
  if (type && type.length >= 5 && type[0] === 'a' && type[1] === '-' && type[3] === '-') {
    const a = type[2].toUpperCase();
    const d = type[4].toUpperCase();
    if (AFFILIATIONS.includes(a)) affiliation = a;
    if (DIMENSIONS.includes(d)) dimension = d;
    // "-M-F-Q" after the dimension: one function letter per atom.
    for (let i = 5; i + 1 < type.length && fn.length < FUNCTION_LENGTH; i += 2) {
      if (type[i] !== '-') break;
      const c = type[i + 1].toUpperCase();
      if (!/[A-Z0-9]/.test(c)) break;
      fn += c;
    }
  }
  return `S${affiliation}${dimension}P${fn.padEnd(FUNCTION_LENGTH, '-')}-----`;
}

/** The affiliation letter of a SIDC (position 2). */
export function affiliationOf(sidc: string): string { return sidc[1] ?? 'U'; }

/** RGB of a 2525C affiliation's fill (light scheme), for dots and vectors. */
export function affiliationColor(a: string): [number, number, number] {
  switch (a) {
    case 'F': case 'A': case 'D': case 'M': return [128, 224, 255];   // friend: crystal blue
    case 'N': case 'L': return [170, 255, 170];                       // neutral: bamboo green
    case 'H': case 'S': case 'J': case 'K': return [255, 128, 128];   // hostile: salmon
    default: return [255, 255, 128];                                  // unknown: light yellow
  }
}

export interface IconFrame { x: number; y: number; width: number; height: number;
                             anchorX: number; anchorY: number }

/**
 * The atlas: each distinct SIDC drawn once (shelf packing, rows of ATLAS_WIDTH px). `defs`
 * holds, per icon, the 7 floats of deck.gl IconLayer's instanceIconDefs attribute (offset x, y;
 * frame x, y, width, height; mask flag), so the track layer fills its attribute by copying.
 */
export class SymbolAtlas {
  canvas: HTMLCanvasElement;
  mapping: Record<string, IconFrame> = {};
  defs = new Float32Array(7 * 64);
  heights = new Float32Array(64);
  affiliations: string[] = [];
  version = 0;
  private index = new Map<string, number>();
  private x = PAD;
  private y = PAD;
  private rowHeight = 0;

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.width = ATLAS_WIDTH;
    this.canvas.height = 64;
  }

  get count(): number { return this.index.size; }

  /** The icon number of `sidc`, drawn into the atlas the first time. */
  iconOf(sidc: string): number {
    const known = this.index.get(sidc);
    if (known !== undefined) return known;
    const symbol = new ms.Symbol(sidc, { size: SYMBOL_SIZE });
    const image = symbol.asCanvas();
    const anchor = symbol.getAnchor();
    const w = image.width, h = image.height;
    if (this.x + w + PAD > ATLAS_WIDTH) {
      this.x = PAD;
      this.y += this.rowHeight + PAD;
      this.rowHeight = 0;
    }
    this.ensureHeight(this.y + h + PAD);
    this.canvas.getContext('2d')!.drawImage(image, this.x, this.y);
    const k = this.index.size;
    this.index.set(sidc, k);
    const frame: IconFrame = { x: this.x, y: this.y, width: w, height: h, anchorX: anchor.x,
                               anchorY: anchor.y };
    this.mapping[sidc] = frame;
    if (this.defs.length < 7 * (k + 1)) {
      const d = new Float32Array(this.defs.length * 2); d.set(this.defs); this.defs = d;
      const e = new Float32Array(this.heights.length * 2); e.set(this.heights); this.heights = e;
    }
    this.defs.set([w / 2 - anchor.x, h / 2 - anchor.y, this.x, this.y, w, h, 0], 7 * k);
    this.heights[k] = h;
    this.affiliations[k] = affiliationOf(sidc);
    this.x += w + PAD;
    this.rowHeight = Math.max(this.rowHeight, h);
    this.mapping = { ...this.mapping };  // a new object: deck.gl compares the mapping by identity
    this.version++;
    return k;
  }

  private ensureHeight(h: number): void {
    if (h <= this.canvas.height) return;
    let height = this.canvas.height;
    while (height < h) height *= 2;
    const bigger = document.createElement('canvas');
    bigger.width = ATLAS_WIDTH;
    bigger.height = height;
    bigger.getContext('2d')!.drawImage(this.canvas, 0, 0);
    this.canvas = bigger;
  }
}
