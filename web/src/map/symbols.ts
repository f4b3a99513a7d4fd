// MIL-STD-2525C symbols (milsymbol) for tracks, drawn once per distinct symbol into one atlas
// canvas that deck.gl's IconLayer samples (no image per track).
//
// The symbol identification code (2525C, 15 characters, Appendix A letter SIDC):
//   1 coding scheme 'S' (warfighting), 2 affiliation, 3 battle dimension, 4 status 'P'
//   (present), 5-10 function ID, 11-15 modifiers, country, order of battle (unset: '-').
// A CoT atom type "a-<affiliation>-<dimension>[-<function letter>...]" (CoT base schema, MITRE
// MP 04B0000047) carries the same letters, so it maps letter for letter. Any other category
// (the node's `cat`: AIS ship type, ADS-B emitter category, GMTI target classification) gives
// the function ID, and where it names another medium the battle dimension, from CATEGORY_TABLE
// below; the affiliation is then UNKNOWN: those sources declare no affiliation and the page
// infers none (a CoT source's own declared affiliation is drawn as declared).
import ms from 'milsymbol';

const SYMBOL_SIZE = 18;         // milsymbol "size": the frame's height in px is about 1.4x this
const ATLAS_WIDTH = 1024;
const PAD = 2;                  // px between atlas cells (no bleeding under linear filtering)
const FUNCTION_LENGTH = 6;
const AFFILIATIONS = 'PUAFNSHGWDLMJKO';
const DIMENSIONS = 'PAGSUFXZ';
// model::Domain (0 unknown, 1 sea, 2 air, 3 land, 4 space) -> 2525C battle dimension.
const DIMENSION_OF_DOMAIN = ['Z', 'S', 'A', 'G', 'P'];

/** A category's place in 2525C: the battle dimension it names and the function ID (up to 6
 *  letters, valid in that dimension: the dimension always comes with it). */
export interface CategorySymbol { dimension: string; fn: string }

// AIS "Type of ship and cargo type" (ITU-R M.1371-5, Annex 8, Table 53), as the node's AIS
// decoder writes it: "shiptype:<0-99>" (src/biac/formats/ais/observation.cc). 2525C sea surface
// function IDs (Appendix A, SEA SURFACE TRACK): X non-military, XM merchant, C combatant,
// N noncombatant. Types without a 2525C equivalent (WIG 20-29, diving 34, HSC 40-49, pilot 50,
// SAR 51, port tender 53, anti-pollution 54, other 90-99, reserved) get no function: the plain
// sea-surface frame.
const sea = (fn: string): CategorySymbol => ({ dimension: 'S', fn });
const AIS_SHIP_TYPES: Record<number, string> = {
  30: 'XF',    // fishing -> fishing vessel
  31: 'XMTO',  // towing -> towing vessel
  32: 'XMTO',  // towing, tow longer than 200 m or wider than 25 m
  33: 'XMD',   // dredging or underwater operations -> dredge
  35: 'C',     // military operations -> combatant: 2525C has no "military vessel" but C / N
  36: 'XR',    // sailing -> leisure craft, sailing
  37: 'XA',    // pleasure craft -> leisure craft, motorized
  52: 'XMTU',  // tug -> tug
  55: 'XL',    // law enforcement -> law enforcement vessel
  58: 'NM',    // medical transport (1949 Geneva Conventions) -> hospital ship (the one there is)
  59: 'N',     // ships under RR Resolution 18 (Mob-83) -> noncombatant
};

function aisShipType(type: number): CategorySymbol | null {
  const known = AIS_SHIP_TYPES[type];
  if (known) return sea(known);
  // 6x passenger, 7x cargo, 8x tanker; second digit 1-4: carrying dangerous goods, harmful
  // substances or marine pollutants of IMO category X, Y, Z, OS (Table 53 note).
  const first = Math.floor(type / 10), second = type % 10;
  if (first === 6) return sea('XMP');                                    // passenger ship
  if (first === 7) return sea(second >= 1 && second <= 4 ? 'XMH' : 'XMC');  // hazmat / cargo
  if (first === 8) return sea('XMO');                                    // oiler/tanker
  return null;
}

// ADS-B emitter category (RTCA DO-260B §2.2.3.2.5.2, ICAO Doc 9871 Table A-2-8: sets A-D, codes
// 0-7), as the node's ADS-B decoder writes it: "A1".."D7" (src/biac/formats/adsb/modes.cc).
// The category describes the airframe, not its operator: DO-260B is a civil standard, and the
// civil air functions (2525C Appendix A, AIR TRACK / CIVIL: C, CF fixed wing, CH rotary wing,
// CL lighter than air) are the ones that claim no military role. The UAV (B6) gets 2525C's one
// UAV symbol, MFQ (AIR TRACK / MILITARY / FIXED WING / UNMANNED AERIAL VEHICLE). Surface
// vehicles (C1, C2) and obstacles (C3-C5) are on the ground; the space vehicle (B7) in space.
// A0, B0, C0 (no information), B3 (parachutist), B5, C6-C7 and set D (reserved): no function.
const air = (fn: string): CategorySymbol => ({ dimension: 'A', fn });
const ground = (fn: string): CategorySymbol => ({ dimension: 'G', fn });
const EMITTER_CATEGORIES: Record<string, CategorySymbol> = {
  A1: air('CF'), A2: air('CF'), A3: air('CF'), A4: air('CF'), A5: air('CF'),  // light .. heavy
  A6: air('CF'),            // high performance (> 5 g, > 400 kt)
  A7: air('CH'),            // rotorcraft
  B1: air('CF'),            // glider / sailplane
  B2: air('CL'),            // lighter than air
  B4: air('CF'),            // ultralight / hang glider / paraglider
  B6: air('MFQ'),           // unmanned aerial vehicle
  B7: { dimension: 'P', fn: '' },  // space / trans-atmospheric vehicle
  C1: ground('EVC'),        // surface vehicle, emergency -> civilian vehicle
  C2: ground('EVCU'),       // surface vehicle, service -> civilian utility vehicle
  C3: ground(''),           // point obstacle
  C4: ground(''),           // cluster obstacle
  C5: ground(''),           // line obstacle
};

// GMTI target classification (STANAG 4607 Ed. 3, field D32.10), as the node's GMTI decoder
// names it (src/biac/formats/gmti/segments.cc), "_live"/"_simulated" stripped. Only what the
// class says about the medium and the vehicle: EV is 2525C's GROUND TRACK / EQUIPMENT / GROUND
// VEHICLE. Person, animal, beacon, stationary rotator, other, unknown: no function.
const GMTI_CLASSES: Record<string, CategorySymbol> = {
  tracked_vehicle: ground('EV'), wheeled_vehicle: ground('EV'), vehicle: ground('EV'),
  rotary_wing_aircraft: air(''), fixed_wing_aircraft: air(''),
  maritime: sea(''), large_multiple_return_land: ground(''),
  large_multiple_return_maritime: sea(''),
};

/**
 * The 2525C function (and medium) of a node category (`cat`) that is not a CoT atom; null when
 * the category tells nothing a 2525C symbol can show.
 */
export function categorySymbol(category: string): CategorySymbol | null {
  const ship = /^shiptype:(\d{1,2})$/.exec(category);
  if (ship) return aisShipType(Number(ship[1]));
  if (category === 'sar_aircraft') return air('');         // AIS message 9
  if (category.startsWith('aton:')) return sea('ZN');      // AIS message 21 -> navigational
  if (category === 'base_station') return ground('');      // AIS message 4
  const emitter = EMITTER_CATEGORIES[category];
  if (emitter && /^[A-D][0-7]$/.test(category)) return emitter;
  const gmti = GMTI_CLASSES[category.replace(/_(live|simulated)(?=$|_)/, '')];
  if (gmti && /_(live|simulated)/.test(category)) return gmti;
  return null;
}

/** The 2525C letter SIDC for a track of `domain` (model::Domain) and optional category (`cat`:
 *  CoT type, AIS ship type, ADS-B emitter category, GMTI classification). */
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
  } else if (type) {
    const c = categorySymbol(type);
    if (c) ({ dimension, fn } = c);
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

let shared: SymbolAtlas | null = null;

/** The page's one atlas, so that a symbol is drawn once for every layer that shows it. */
export function sharedAtlas(): SymbolAtlas {
  shared ??= new SymbolAtlas();
  return shared;
}

/** `atlas`'s canvas as deck.gl's `iconAtlas` prop: deck.gl uploads the texture when the prop
 *  changes identity, so this is a copy, made again only when the atlas has grown. */
export function atlasImage(atlas: SymbolAtlas): HTMLCanvasElement {
  const hit = images.get(atlas);
  if (hit && hit.version === atlas.version) return hit.canvas;
  const copy = document.createElement('canvas');
  copy.width = atlas.canvas.width;
  copy.height = atlas.canvas.height;
  copy.getContext('2d')!.drawImage(atlas.canvas, 0, 0);
  images.set(atlas, { version: atlas.version, canvas: copy });
  return copy;
}
const images = new WeakMap<SymbolAtlas, { version: number; canvas: HTMLCanvasElement }>();
