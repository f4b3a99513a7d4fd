// The live track store: the node's stream decoded straight into typed arrays (struct of arrays,
// one slot per track, slots dense in [0, size) so that the arrays are deck.gl attributes as they
// are). No object per track on the hot path: a TrackInfo is made on demand by get()/forEach().
// Binary form: src/biac/api/track_codec.h (versions 1 and 2); compact JSON: the same file.
//
// Two threads. The stream's worker (socket-worker.ts) holds a TrackStore that decodes every
// message (applyBinary) and hands the page a copy of its columns (exportFrame: one copy per
// column into buffers the page gave back, transferred, not cloned); the page's TrackStore
// adopts them (adoptFrame: no per-track work on the page's main thread, except the layer
// filter when one is set). Without workers the page's store decodes the messages itself.
import { EMPTY, IdIndex } from './id-index';

export interface TrackInfo {
  id: number; t: number /* ms data time */; lat: number; lon: number; alt?: number;
  ve: number; vn: number; label: string; domain: string;
  type?: string /* category or CoT type, for the symbol */; sources?: string[];
  mmsi?: number; icao?: string; cs?: string; name?: string; tn?: string[]; sd?: number;
  n?: number;
}

/**
 * A change of the store. `updated`: the ids of the tracks a message updated; after a frame from
 * the worker (adoptFrame), every id of the store (the frame replaces every column).
 */
export interface StoreChange { snapshot: boolean; updated: ArrayLike<number>; removed: number[] }

/**
 * The store's columns as the worker hands them to the page (exportFrame -> adoptFrame). The
 * typed arrays are `cap` tracks long ([0, n) in use) and are transferred; `strings` and `sets`
 * are the interned strings and source sets (joined by U+001F) added since the previous frame,
 * from index `stringBase` / `setBase` on.
 */
type U8 = Uint8Array<ArrayBuffer>;
type U16 = Uint16Array<ArrayBuffer>;
type U32 = Uint32Array<ArrayBuffer>;
type F32 = Float32Array<ArrayBuffer>;
type F64 = Float64Array<ArrayBuffer>;
export interface StoreFrame {
  n: number; cap: number; latestTime: number; epochMs: number; snapshot: boolean;
  removed: number[]; stringBase: number; strings: string[]; setBase: number; sets: string[];
  indexCount: number; messages: number; decodeMs: number;
  ids: U32; times: F64; lats: F64; lons: F64; positions: F32; alts: F32; vel: F32;
  headings: F32; speeds: F32; labels: U16; domains: U8; types: U16; srcs: U16;
  index: Int32Array<ArrayBuffer>;
  /** The trails the page asked for (setTrailWants), or null when it asked for none. */
  trails: TrailPaths | null;
}

/**
 * Which trails the map draws: the selected track's, then those of up to `most` tracks inside
 * `bounds` [w, s, e, n] (w > e: across the antimeridian); `on` false: none. The trails stay in
 * the worker's store (32 points a track: 38 MB for 100,000 tracks, too much to hand over every
 * second); each frame carries the wanted ones, as paths.
 */
export interface TrailWants {
  on: boolean; selected: number | null; bounds: [number, number, number, number] | null;
  most: number;
}

/** Trails as deck.gl's PathLayer takes them: path i is points [starts[i], starts[i+1]). */
export interface TrailPaths {
  count: number; ids: Uint32Array<ArrayBuffer>; starts: Uint32Array<ArrayBuffer>;
  points: Float32Array<ArrayBuffer>;  // lon, lat per point
}

const NO_TRAIL_WANTS: TrailWants = { on: false, selected: null, bounds: null, most: 0 };
const NO_TRAIL_PATHS: TrailPaths = { count: 0, ids: new Uint32Array(0), starts: new Uint32Array(0),
                                     points: new Float32Array(0) };

function sameWants(a: TrailWants, b: TrailWants): boolean {
  return a.on === b.on && a.selected === b.selected && a.most === b.most &&
         (a.bounds === b.bounds ||
          (!!a.bounds && !!b.bounds && a.bounds.every((v, i) => v === b.bounds![i])));
}

/** The buffers of trail paths, to transfer them. */
export function trailBuffers(t: TrailPaths | null): ArrayBuffer[] {
  return t && t.count ? [t.ids, t.starts, t.points].map((a) => a.buffer as ArrayBuffer) : [];
}

/** The buffers of a frame, to transfer it (postMessage's transfer list). */
export function frameBuffers(f: StoreFrame): ArrayBuffer[] {
  return [f.ids, f.times, f.lats, f.lons, f.positions, f.alts, f.vel, f.headings, f.speeds,
          f.labels, f.domains, f.types, f.srcs, f.index].map((a) => a.buffer as ArrayBuffer)
    .concat(trailBuffers(f.trails));
}


/** Typed-array views for deck.gl, valid until the next change (the arrays are reused). */
export interface TrackColumns {
  count: number;
  ids: Uint32Array;
  positions: Float32Array;  // lon, lat, 0 per track (drawn flat: the altitude is in `alts`)
  alts: Float32Array;       // m, NaN when absent
  headings: Float32Array;   // degrees clockwise from north, NaN when not moving
  speeds: Float32Array;     // m/s over ground
  velocities: Float32Array; // ve, vn per track, m/s
  ages: Float32Array;       // s since the state's data time, at the `now` given to columns()
  times: Float64Array;      // ms data time
  labels: Uint16Array;      // index into strings()
  domains: Uint8Array;      // 0 unknown, 1 sea, 2 air, 3 land, 4 space (model::Domain)
  types: Uint16Array;       // index into strings(), NO_STRING when absent
  sources: Uint16Array;     // index into sourceSets(), NO_STRING when absent
  visible: Uint8Array;      // 1 when the filter passes (or there is none)
}

export const NO_STRING = 0xffff;
export const DOMAINS = ['unknown', 'sea', 'air', 'land', 'space'] as const;
const SOURCE_SEPARATOR = '\x1f';

const MAGIC_B = 0x42, MAGIC_T = 0x54;
const SNAPSHOT = 1;
const HEADER_SIZE = 12;           // "BT" u8 version u8 type i64 time_ms
const RECORD_SIZE = 32;           // track_codec.h "record"
const ATTRIBUTES_SIZE = 4;        // version 2: u16 type, u16 sources per record
const E7 = 1e-7;
const FLAG_ALTITUDE = 1;
const INITIAL_CAPACITY = 1024;
const TRAIL_POINTS = 32;          // ring buffer length per track (bounded memory)
const DEFAULT_TRAIL_SECONDS = 120;

interface Extra { mmsi?: number; icao?: string; cs?: string; name?: string; tn?: string[];
                  sd?: number; n?: number }

interface JsonTrack {
  id: number; t: number; lat: number; lon: number; alt?: number; ve?: number; vn?: number;
  dom?: string; cat?: string; label?: string; src?: string[]; mmsi?: number; icao?: string;
  cs?: string; name?: string; tn?: string[]; sd?: number; n?: number;
}

// A TrackInfo made by get()/forEach(): a class, so that every one has the same shape from its
// construction (objects grown property by property from {} are slower to make and to read, and
// forEach makes one per track).
class Track implements TrackInfo {
  id = 0; t = 0; lat = 0; lon = 0; alt: number | undefined = undefined; ve = 0; vn = 0;
  label = ''; domain = ''; type: string | undefined = undefined;
  sources: string[] | undefined = undefined; mmsi: number | undefined = undefined;
  icao: string | undefined = undefined; cs: string | undefined = undefined;
  name: string | undefined = undefined; tn: string[] | undefined = undefined;
  sd: number | undefined = undefined; n: number | undefined = undefined;
}

export class TrackStore {
  version = 0;

  private n = 0;
  private cap = 0;
  private index = new IdIndex();
  private ids = new Uint32Array(0);
  private times = new Float64Array(0);
  private lats = new Float64Array(0);
  private lons = new Float64Array(0);
  private positions = new Float32Array(0);
  private alts = new Float32Array(0);
  private vel = new Float32Array(0);
  private headings = new Float32Array(0);
  private speeds = new Float32Array(0);
  private ages = new Float32Array(0);
  private labels = new Uint16Array(0);
  private domains = new Uint8Array(0);
  private types = new Uint16Array(0);
  private srcs = new Uint16Array(0);
  private visible = new Uint8Array(0);
  // Trails: TRAIL_POINTS (lon, lat, t seconds since `epoch`) per slot; head = next write.
  private trailXY = new Float32Array(0);
  private trailT = new Float32Array(0);
  private trailHead = new Uint8Array(0);
  private trailLen = new Uint8Array(0);
  private trailSeconds = DEFAULT_TRAIL_SECONDS;
  private epochMs = 0;

  // Interned strings (labels, types) and source sets of the whole session: message tables are
  // mapped onto these, so a slot holds a u16.
  private stringList: string[] = [];
  private stringIndex = new Map<string, number>();
  private setList: string[][] = [];
  private setIndex = new Map<string, number>();

  private extras = new Map<number, Extra>();
  private listeners = new Set<(c: StoreChange) => void>();
  private filter: ((t: TrackInfo) => boolean) | null = null;
  private filterByAttributes = false;
  private filterMemo = new Map<number, boolean>();
  // Frames (exportFrame): how many interned strings and sets the page has been sent, the
  // messages applied and the decoding time since the last frame, and what they changed.
  private sentStrings = 0;
  private sentSets = 0;
  private pendingMessages = 0;
  private pendingSnapshot = false;
  private pendingRemoved: number[] = [];
  /** Called with the trail time when setTrailSeconds changes it (the worker's store follows). */
  onTrailSeconds: ((seconds: number) => void) | null = null;
  /** Called when setTrailWants changes them (the worker's store follows). */
  onTrailWants: ((w: TrailWants) => void) | null = null;
  /** Changes when trailPaths() may give other paths. */
  trailVersion = 0;
  private wants: TrailWants = NO_TRAIL_WANTS;
  private remoteTrails: TrailPaths | null = null;  // from the worker: the page holds no rings
  private localTrails: TrailPaths | null = null;
  private localTrailsKey = '';
  private scratch: TrackInfo = new Track();
  private decoder = new TextDecoder();
  private messageStrings = new Uint16Array(64);
  private messageSets = new Uint16Array(64);
  private updatedIds: number[] = [];

  get size(): number { return this.n; }

  /** The newest data time (ms) of any state applied: the picture's "now" (0 before any). */
  latestTime = 0;

  /** Interned strings (labels and types): columns().labels/types index this. */
  strings(): readonly string[] { return this.stringList; }
  /** Interned source sets: columns().sources indexes this. */
  sourceSets(): readonly (readonly string[])[] { return this.setList; }

  get(id: number): TrackInfo | undefined {
    const s = this.find(id);
    return s === undefined ? undefined : this.info(s, new Track());
  }

  /** Calls `fn` with a fresh TrackInfo for every track (hidden ones included). */
  forEach(fn: (t: TrackInfo) => void): void {
    for (let s = 0; s < this.n; s++) fn(this.info(s, new Track()));
  }

  /**
   * The labels of the tracks that the filter passes and that lie in the box [west, south, east,
   * north] (degrees, west <= east), each once: the banner's roll-up of what the map shows,
   * from the columns, without an object per track.
   */
  labelsIn(b: readonly [number, number, number, number]): string[] {
    const seen = new Uint8Array(this.stringList.length);
    const out: string[] = [];
    for (let s = 0; s < this.n; s++) {
      const l = this.labels[s];
      if (seen[l] || !this.visible[s]) continue;
      const lon = this.lons[s], lat = this.lats[s];
      if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) continue;
      seen[l] = 1;
      out.push(this.stringList[l] ?? '');
    }
    return out;
  }

  /** Label -> count of the tracks the filter passes (what the map draws). */
  labelsInUse(): Map<string, number> {
    const counts = new Map<number, number>();
    for (let s = 0; s < this.n; s++) {
      if (this.visible[s]) counts.set(this.labels[s], (counts.get(this.labels[s]) ?? 0) + 1);
    }
    const out = new Map<string, number>();
    counts.forEach((c, k) => out.set(this.stringList[k] ?? '', c));
    return out;
  }

  subscribe(fn: (c: StoreChange) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  columns(now: number = Date.now()): TrackColumns {
    const n = this.n;
    for (let s = 0; s < n; s++) this.ages[s] = (now - this.times[s]) / 1000;
    return {
      count: n, ids: this.ids.subarray(0, n), positions: this.positions.subarray(0, 3 * n),
      alts: this.alts.subarray(0, n), headings: this.headings.subarray(0, n),
      speeds: this.speeds.subarray(0, n), velocities: this.vel.subarray(0, 2 * n),
      ages: this.ages.subarray(0, n), times: this.times.subarray(0, n),
      labels: this.labels.subarray(0, n), domains: this.domains.subarray(0, n),
      types: this.types.subarray(0, n), sources: this.srcs.subarray(0, n),
      visible: this.visible.subarray(0, n),
    };
  }

  /** Whether the filter passes the track in `slot`. */
  isVisible(slot: number): boolean { return this.visible[slot] === 1; }

  /** The slot of a track in columns(), or -1. */
  slot(id: number): number { return this.index.get(id, this.ids); }

  /** The trail of track `id`, oldest point first (on the page: only if it is a wanted trail). */
  trail(id: number): [number, number][] {
    if (this.adopted) {
      const t = this.remoteTrails;
      const i = t ? t.ids.indexOf(id) : -1;
      if (!t || i < 0) return [];
      const out: [number, number][] = [];
      const end = i + 1 < t.count ? t.starts[i + 1] : t.points.length / 2;
      for (let k = t.starts[i]; k < end; k++) out.push([t.points[2 * k], t.points[2 * k + 1]]);
      return out;
    }
    const s = this.find(id);
    if (s === undefined) return [];
    const out: [number, number][] = [];
    this.forTrail(s, (x, y) => { out.push([x, y]); });
    return out;
  }

  /** Calls fn(lon, lat) for the trail points of slot `s`, oldest first, within the trail time. */
  forTrail(s: number, fn: (lon: number, lat: number) => void): number {
    const len = this.trailLen[s];
    const newest = this.times[s] / 1000 - this.epochMs / 1000;
    let k = 0;
    for (let i = len; i > 0; i--) {
      const j = s * TRAIL_POINTS + ((this.trailHead[s] - i + TRAIL_POINTS) % TRAIL_POINTS);
      if (newest - this.trailT[j] > this.trailSeconds) continue;
      fn(this.trailXY[2 * j], this.trailXY[2 * j + 1]);
      k++;
    }
    return k;
  }

  setTrailSeconds(s: number): void {
    this.trailSeconds = Math.max(0, s);
    this.version++;
    this.onTrailSeconds?.(this.trailSeconds);
  }
  get trailTime(): number { return this.trailSeconds; }

  get trailWants(): TrailWants { return this.wants; }

  /** Says which trails trailPaths() gives (the worker's store follows: onTrailWants). */
  setTrailWants(w: TrailWants): void {
    if (sameWants(w, this.wants)) return;
    this.wants = { ...w, bounds: w.bounds ? [...w.bounds] : null };
    this.trailVersion++;
    this.onTrailWants?.(this.wants);
  }

  /** The wanted trails (setTrailWants), as paths: from the worker's last frame on the page. */
  trailPaths(): TrailPaths {
    if (this.adopted) return this.remoteTrails ?? NO_TRAIL_PATHS;
    const key = `${this.version}|${this.trailVersion}`;
    if (key !== this.localTrailsKey) {
      this.localTrailsKey = key;
      this.localTrails = this.computeTrailPaths(this.wants);
    }
    return this.localTrails!;
  }

  /**
   * Trails from the worker made for new wants (between frames). No change is emitted: the
   * page's next redraw (each second at the latest) draws them. A redraw for them would set
   * wants for the view of that moment, and a moving view would then ask and redraw every frame.
   */
  adoptTrails(t: TrailPaths | null): void {
    this.remoteTrails = t;
    this.trailVersion++;
  }

  /** The wanted trails from this store's rings: the selected track's first, then in bounds. */
  computeTrailPaths(w: TrailWants): TrailPaths {
    if (!w.on) return NO_TRAIL_PATHS;
    const n = this.n;
    const chosen: number[] = [];
    const sel = w.selected !== null ? this.slot(w.selected) : -1;
    if (sel >= 0) chosen.push(sel);
    const b = w.bounds;
    if (b || n <= w.most) {
      for (let s = 0; s < n && chosen.length < w.most; s++) {
        if (s === sel || !this.visible[s]) continue;
        if (b) {
          const lon = this.lons[s], lat = this.lats[s];
          const inLon = b[0] <= b[2] ? lon >= b[0] && lon <= b[2] : lon >= b[0] || lon <= b[2];
          if (!inLon || lat < b[1] || lat > b[3]) continue;
        }
        chosen.push(s);
      }
    }
    const points = new Float32Array(2 * TRAIL_POINTS * chosen.length);
    const starts: number[] = [], ids: number[] = [];
    let v = 0;
    for (const s of chosen) {
      const start = v;
      // The ring's newest point is the current position.
      this.forTrail(s, (lon, lat) => { points[2 * v] = lon; points[2 * v + 1] = lat; v++; });
      if (v - start >= 2) { starts.push(start); ids.push(this.ids[s]); } else v = start;
    }
    return { count: starts.length, ids: Uint32Array.from(ids), starts: Uint32Array.from(starts),
             points: points.slice(0, 2 * v) };
  }
  get trailPointsPerTrack(): number { return TRAIL_POINTS; }

  /**
   * Hidden tracks are not drawn. The predicate is given a TrackInfo that is REUSED between
   * calls (no object per track): read it, do not keep it.
   */
  setFilter(pred: ((t: TrackInfo) => boolean) | null, o: { byAttributes?: boolean } = {}): void {
    this.filter = pred;
    // byAttributes: the caller promises that the predicate's answer for a track with a source
    // set depends only on its label, domain and source set: then it is asked once per distinct
    // (label, domain, source set) and not once per track (100,000 calls a second otherwise).
    this.filterByAttributes = !!o.byAttributes;
    this.filterMemo.clear();
    for (let s = 0; s < this.n; s++) this.visible[s] = this.passes(s) ? 1 : 0;
    this.version++;
    this.emit({ snapshot: false, updated: [], removed: [] });
  }

  clear(): void {
    this.n = 0;
    this.index.clear();
    this.extras.clear();
    this.version++;
    this.emit({ snapshot: true, updated: [], removed: [] });
  }

  /** Applies one binary stream message (track_codec.h, version 1 or 2). Returns false if bad. */
  applyBinary(buf: ArrayBuffer): boolean {
    const v = new DataView(buf);
    const bytes = new Uint8Array(buf);
    if (buf.byteLength < HEADER_SIZE + 2 || bytes[0] !== MAGIC_B || bytes[1] !== MAGIC_T) {
      return false;
    }
    const version = bytes[2];
    const snapshot = bytes[3] === SNAPSHOT;
    const time = Number(v.getBigInt64(4, true));
    let p = HEADER_SIZE;
    const nStrings = v.getUint16(p, true);
    p += 2;
    if (this.messageStrings.length < nStrings) this.messageStrings = new Uint16Array(nStrings);
    if (this.messageSets.length < nStrings) this.messageSets = new Uint16Array(nStrings);
    this.messageSets.fill(NO_STRING, 0, nStrings);
    const texts: string[] = [];
    for (let i = 0; i < nStrings; i++) {
      if (p + 2 > buf.byteLength) return false;
      const len = v.getUint16(p, true);
      if (p + 2 + len > buf.byteLength) return false;
      const text = this.decoder.decode(bytes.subarray(p + 2, p + 2 + len));
      texts.push(text);
      this.messageStrings[i] = this.intern(text);
      p += 2 + len;
    }
    if (p + 4 > buf.byteLength) return false;
    const nUpdated = v.getUint32(p, true);
    p += 4;
    const records = p;
    p += nUpdated * RECORD_SIZE;
    if (p + 4 > buf.byteLength) return false;
    const nRemoved = v.getUint32(p, true);
    p += 4;
    const removedAt = p;
    p += nRemoved * 4;
    const attributesAt = version >= 2 ? p : -1;
    if (p > buf.byteLength || (attributesAt >= 0 && p + nUpdated * ATTRIBUTES_SIZE > buf.byteLength)) {
      return false;
    }
    if (snapshot) this.reset();
    // Room for the whole message at once (a snapshot of 100,000 would double the arrays 7 times).
    if (this.n + nUpdated > this.cap) this.grow(this.n + nUpdated);
    if (snapshot) this.index.reserve(nUpdated, this.ids);
    const updated = this.updatedIds;
    updated.length = 0;
    // The node lists a message's tracks in the same order every time, so a track's slot is
    // most often the one after the previous record's: checked before the id map (a Map lookup
    // was a third of a 100,000-track message).
    let guess = 0;
    for (let i = 0, r = records; i < nUpdated; i++, r += RECORD_SIZE) {
      const id = v.getUint32(r, true);
      const slot = guess < this.n && this.ids[guess] === id ? guess : this.find(id);
      const flags = bytes[r + 31];
      let type = NO_STRING, set = NO_STRING;
      if (attributesAt >= 0) {
        const ti = v.getUint16(attributesAt + i * ATTRIBUTES_SIZE, true);
        const si = v.getUint16(attributesAt + i * ATTRIBUTES_SIZE + 2, true);
        if (ti < nStrings) type = this.messageStrings[ti];
        if (si < nStrings) {
          if (this.messageSets[si] === NO_STRING) this.messageSets[si] = this.internSet(texts[si]);
          set = this.messageSets[si];
        }
      }
      const li = v.getUint16(r + 28, true);
      guess = 1 + this.upsert(id, slot, time + v.getInt32(r + 4, true), v.getInt32(r + 8, true) * E7,
                  v.getInt32(r + 12, true) * E7,
                  flags & FLAG_ALTITUDE ? v.getFloat32(r + 16, true) : NaN,
                  v.getFloat32(r + 20, true), v.getFloat32(r + 24, true),
                  li < nStrings ? this.messageStrings[li] : this.intern(''), bytes[r + 30], type, set);
      updated.push(id);
    }
    if (time > this.latestTime) this.latestTime = time;
    const removed: number[] = [];
    for (let i = 0; i < nRemoved; i++) {
      const id = v.getUint32(removedAt + 4 * i, true);
      this.remove(id);
      removed.push(id);
    }
    this.version++;
    this.noteFrameChange(snapshot, removed);
    if (this.listeners.size) this.emit({ snapshot, updated: updated.slice(), removed });
    return true;
  }

  /**
   * Seeds the interned tables (a new worker's store, with the page's tables: both then index
   * the same strings the same way). Only on an empty store that has interned nothing yet.
   */
  seedTables(strings: readonly string[], sets: readonly string[]): void {
    if (this.stringList.length || this.setList.length) return;
    for (const t of strings) this.intern(t);
    for (const j of sets) this.internSet(j);
    this.sentStrings = this.stringList.length;
    this.sentSets = this.setList.length;
  }

  /** The source sets as the frames carry them (members joined by U+001F), for seedTables. */
  joinedSets(): string[] { return this.setList.map((m) => m.join(SOURCE_SEPARATOR)); }

  /** Whether a message was applied since the last exportFrame. */
  get framePending(): boolean { return this.pendingMessages > 0; }

  /**
   * A copy of the columns for the page (adoptFrame), written into `reuse`'s buffers when they
   * are large enough (a frame the page gave back) and otherwise into new ones. The copy is one
   * TypedArray.set per column: a few ms for 100,000 tracks, on the worker's thread.
   */
  exportFrame(reuse: StoreFrame | null = null, decodeMs = 0): StoreFrame {
    const n = this.n;
    const fits = reuse !== null && reuse.cap >= n && reuse.index.length === this.index.slots.length;
    const cap = fits ? reuse.cap : Math.max(INITIAL_CAPACITY, Math.ceil(n * 1.25));
    const f = fits ? reuse : null;
    const copy = <T extends Float32Array | Float64Array | Uint32Array | Uint16Array | Uint8Array |
                           Int32Array>(src: T, per: number, old: T | undefined,
                                        make: (k: number) => T): T => {
      const dst = old ?? make(cap * per);
      dst.set(src.subarray(0, n * per));
      return dst;
    };
    const index = f ? f.index : new Int32Array(this.index.slots.length);
    index.set(this.index.slots);
    const frame: StoreFrame = {
      n, cap, latestTime: this.latestTime, epochMs: this.epochMs, snapshot: this.pendingSnapshot,
      removed: this.pendingRemoved, stringBase: this.sentStrings,
      strings: this.stringList.slice(this.sentStrings), setBase: this.sentSets,
      sets: this.setList.slice(this.sentSets).map((m) => m.join(SOURCE_SEPARATOR)),
      indexCount: this.index.size, messages: this.pendingMessages, decodeMs,
      ids: copy(this.ids, 1, f?.ids, (k) => new Uint32Array(k)),
      times: copy(this.times, 1, f?.times, (k) => new Float64Array(k)),
      lats: copy(this.lats, 1, f?.lats, (k) => new Float64Array(k)),
      lons: copy(this.lons, 1, f?.lons, (k) => new Float64Array(k)),
      positions: copy(this.positions, 3, f?.positions, (k) => new Float32Array(k)),
      alts: copy(this.alts, 1, f?.alts, (k) => new Float32Array(k)),
      vel: copy(this.vel, 2, f?.vel, (k) => new Float32Array(k)),
      headings: copy(this.headings, 1, f?.headings, (k) => new Float32Array(k)),
      speeds: copy(this.speeds, 1, f?.speeds, (k) => new Float32Array(k)),
      labels: copy(this.labels, 1, f?.labels, (k) => new Uint16Array(k)),
      domains: copy(this.domains, 1, f?.domains, (k) => new Uint8Array(k)),
      types: copy(this.types, 1, f?.types, (k) => new Uint16Array(k)),
      srcs: copy(this.srcs, 1, f?.srcs, (k) => new Uint16Array(k)),
      index, trails: this.wants.on ? this.computeTrailPaths(this.wants) : null,
    };
    this.sentStrings = this.stringList.length;
    this.sentSets = this.setList.length;
    this.pendingMessages = 0;
    this.pendingSnapshot = false;
    this.pendingRemoved = [];
    return frame;
  }

  /**
   * Takes the worker's columns as this store's own (no copy), computes the layer filter's
   * visible flags when a filter is set, and tells the listeners. Returns the frame that held
   * the previous columns (to give back to the worker for the next copy), or null. Arrays from
   * an earlier columns() are not valid after this (their buffers go back to the worker).
   */
  adoptFrame(f: StoreFrame): StoreFrame | null {
    for (let i = 0; i < f.strings.length; i++) this.internAt(f.stringBase + i, f.strings[i]);
    for (let i = 0; i < f.sets.length; i++) this.internSetAt(f.setBase + i, f.sets[i]);
    const old = this.adopted;
    this.adopted = f;
    this.n = f.n;
    this.cap = f.cap;
    this.ids = f.ids; this.times = f.times; this.lats = f.lats; this.lons = f.lons;
    this.positions = f.positions; this.alts = f.alts; this.vel = f.vel;
    this.headings = f.headings; this.speeds = f.speeds; this.labels = f.labels;
    this.domains = f.domains; this.types = f.types; this.srcs = f.srcs;
    this.remoteTrails = f.trails;
    this.trailVersion++;
    this.index = IdIndex.adopt(f.index, f.indexCount);
    this.epochMs = f.epochMs;
    if (f.latestTime > this.latestTime) this.latestTime = f.latestTime;
    // The page's own columns: ages (columns(now)) and the filter's flags.
    if (this.ages.length < f.cap) this.ages = new Float32Array(f.cap);
    if (this.visible.length < f.cap) this.visible = new Uint8Array(f.cap);
    if (this.filter) {
      for (let s = 0; s < this.n; s++) this.visible[s] = this.passes(s) ? 1 : 0;
    } else {
      this.visible.fill(1, 0, this.n);
    }
    if (f.snapshot) this.extras.clear();
    this.version++;
    this.emit({ snapshot: f.snapshot, updated: this.ids.subarray(0, this.n), removed: f.removed });
    return old;
  }

  /** Applies one compact-JSON stream message ({"type":"snapshot"|"delta",...}). */
  applyJson(m: { type: string; time?: number; tracks?: JsonTrack[]; updated?: JsonTrack[];
                 removed?: number[] }): void {
    const snapshot = m.type === 'snapshot';
    if (snapshot) this.reset();
    const list = (snapshot ? m.tracks : m.updated) ?? [];
    const updated: number[] = [];
    for (const t of list) {
      const d = DOMAINS.indexOf((t.dom ?? 'unknown') as (typeof DOMAINS)[number]);
      this.upsert(t.id, this.find(t.id), t.t, t.lat, t.lon, t.alt ?? NaN, t.ve ?? 0, t.vn ?? 0,
                  this.intern(t.label ?? ''), d < 0 ? 0 : d,
                  t.cat ? this.intern(t.cat) : NO_STRING,
                  t.src && t.src.length ? this.internSet(t.src.join(SOURCE_SEPARATOR)) : NO_STRING);
      const extra: Extra = {};
      if (t.mmsi !== undefined) extra.mmsi = t.mmsi;
      if (t.icao !== undefined) extra.icao = t.icao;
      if (t.cs !== undefined) extra.cs = t.cs;
      if (t.name !== undefined) extra.name = t.name;
      if (t.tn !== undefined) extra.tn = t.tn;
      if (t.sd !== undefined) extra.sd = t.sd;
      if (t.n !== undefined) extra.n = t.n;
      this.extras.set(t.id, extra);
      updated.push(t.id);
      if (t.t > this.latestTime) this.latestTime = t.t;
    }
    const removed = m.removed ?? [];
    for (const id of removed) this.remove(id);
    this.version++;
    this.emit({ snapshot, updated, removed });
  }

  // ---- internals ----

  private adopted: StoreFrame | null = null;

  private noteFrameChange(snapshot: boolean, removed: number[]): void {
    this.pendingMessages++;
    if (snapshot) { this.pendingSnapshot = true; this.pendingRemoved = []; }
    for (const id of removed) this.pendingRemoved.push(id);
  }

  // Interns `text` at index k (a frame's table entry): the worker's store was seeded with this
  // store's tables, so k is the next index; anything else is a different session's table.
  private internAt(k: number, text: string): void {
    if (k === this.stringList.length) { this.intern(text); return; }
    if (this.stringList[k] !== text) throw new Error(`frame string ${k} differs from the page's`);
  }

  private internSetAt(k: number, joined: string): void {
    if (k === this.setList.length) { this.internSet(joined); return; }
    if (this.setList[k].join(SOURCE_SEPARATOR) !== joined) {
      throw new Error(`frame source set ${k} differs from the page's`);
    }
  }

  private find(id: number): number | undefined {
    const s = this.index.get(id, this.ids);
    return s === EMPTY ? undefined : s;
  }

  private emit(c: StoreChange): void { this.listeners.forEach((fn) => fn(c)); }

  private reset(): void {
    this.n = 0;
    this.index.clear();
    this.extras.clear();
  }

  private intern(text: string): number {
    let k = this.stringIndex.get(text);
    if (k === undefined) {
      k = this.stringList.length;
      this.stringList.push(text);
      this.stringIndex.set(text, k);
    }
    return k;
  }

  private internSet(joined: string): number {
    let k = this.setIndex.get(joined);
    if (k === undefined) {
      k = this.setList.length;
      this.setList.push(Object.freeze(joined.split(SOURCE_SEPARATOR)) as string[]);
      this.setIndex.set(joined, k);
    }
    return k;
  }

  private grow(atLeast = 0): void {
    const cap = Math.max(INITIAL_CAPACITY, this.cap * 2, atLeast);
    const g = <T extends Float32Array | Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      a: T, per: number, make: (n: number) => T): T => { const b = make(cap * per); b.set(a); return b; };
    this.ids = g(this.ids, 1, (k) => new Uint32Array(k));
    this.times = g(this.times, 1, (k) => new Float64Array(k));
    this.lats = g(this.lats, 1, (k) => new Float64Array(k));
    this.lons = g(this.lons, 1, (k) => new Float64Array(k));
    this.positions = g(this.positions, 3, (k) => new Float32Array(k));
    this.alts = g(this.alts, 1, (k) => new Float32Array(k));
    this.vel = g(this.vel, 2, (k) => new Float32Array(k));
    this.headings = g(this.headings, 1, (k) => new Float32Array(k));
    this.speeds = g(this.speeds, 1, (k) => new Float32Array(k));
    this.ages = g(this.ages, 1, (k) => new Float32Array(k));
    this.labels = g(this.labels, 1, (k) => new Uint16Array(k));
    this.domains = g(this.domains, 1, (k) => new Uint8Array(k));
    this.types = g(this.types, 1, (k) => new Uint16Array(k));
    this.srcs = g(this.srcs, 1, (k) => new Uint16Array(k));
    this.visible = g(this.visible, 1, (k) => new Uint8Array(k));
    this.trailXY = g(this.trailXY, 2 * TRAIL_POINTS, (k) => new Float32Array(k));
    this.trailT = g(this.trailT, TRAIL_POINTS, (k) => new Float32Array(k));
    this.trailHead = g(this.trailHead, 1, (k) => new Uint8Array(k));
    this.trailLen = g(this.trailLen, 1, (k) => new Uint8Array(k));
    this.cap = cap;
  }

  /** Sets the state of track `id`, in `slot` (its slot, or undefined when new). Returns the slot. */
  private upsert(id: number, slot: number | undefined, t: number, lat: number, lon: number,
                 alt: number, ve: number, vn: number, label: number, domain: number, type: number,
                 set: number): number {
    let s = slot;
    const fresh = s === undefined;
    if (s === undefined) {
      if (this.n === this.cap) this.grow();
      s = this.n++;
      this.ids[s] = id;
      this.index.set(id, s, this.ids);
      this.trailHead[s] = 0;
      this.trailLen[s] = 0;
      if (this.epochMs === 0) this.epochMs = t;
    }
    this.times[s] = t;
    this.lats[s] = lat;
    this.lons[s] = lon;
    this.positions[3 * s] = lon;
    this.positions[3 * s + 1] = lat;
    this.positions[3 * s + 2] = 0;
    this.alts[s] = alt;
    this.vel[2 * s] = ve;
    this.vel[2 * s + 1] = vn;
    const speed = Math.sqrt(ve * ve + vn * vn);  // not Math.hypot: several times slower in V8
    this.speeds[s] = speed;
    this.headings[s] = speed > 0.1 ? ((Math.atan2(ve, vn) * 180) / Math.PI + 360) % 360 : NaN;
    this.labels[s] = label;
    this.domains[s] = domain < DOMAINS.length ? domain : 0;
    this.types[s] = type;
    this.srcs[s] = set;
    this.visible[s] = this.filter ? (this.passes(s) ? 1 : 0) : 1;
    this.pushTrail(s, lon, lat, (t - this.epochMs) / 1000, fresh);
    return s;
  }

  // A point is kept when the trail's newest point is at least trailSeconds / TRAIL_POINTS
  // older (so the ring spans the trail time), otherwise the newest point moves.
  private pushTrail(s: number, lon: number, lat: number, ts: number, fresh: boolean): void {
    const base = s * TRAIL_POINTS;
    const len = this.trailLen[s];
    let j: number;
    if (!fresh && len > 0) {
      const last = base + ((this.trailHead[s] - 1 + TRAIL_POINTS) % TRAIL_POINTS);
      const prev = len > 1 ? base + ((this.trailHead[s] - 2 + TRAIL_POINTS) % TRAIL_POINTS) : -1;
      const spacing = this.trailSeconds / TRAIL_POINTS;
      if (prev >= 0 && ts - this.trailT[prev] < spacing) {
        j = last;  // overwrite the newest point
      } else {
        j = base + this.trailHead[s];
        this.trailHead[s] = (this.trailHead[s] + 1) % TRAIL_POINTS;
        if (len < TRAIL_POINTS) this.trailLen[s] = len + 1;
      }
    } else {
      j = base + this.trailHead[s];
      this.trailHead[s] = (this.trailHead[s] + 1) % TRAIL_POINTS;
      this.trailLen[s] = Math.min(TRAIL_POINTS, len + 1);
    }
    this.trailXY[2 * j] = lon;
    this.trailXY[2 * j + 1] = lat;
    this.trailT[j] = ts;
  }

  private remove(id: number): void {
    const s = this.find(id);
    if (s === undefined) return;
    this.index.delete(id, this.ids);
    this.extras.delete(id);
    const last = --this.n;
    if (s !== last) this.move(last, s);
  }

  private move(from: number, to: number): void {
    this.ids[to] = this.ids[from];
    this.index.set(this.ids[to], to, this.ids);
    this.times[to] = this.times[from];
    this.lats[to] = this.lats[from];
    this.lons[to] = this.lons[from];
    this.positions.copyWithin(3 * to, 3 * from, 3 * from + 3);
    this.alts[to] = this.alts[from];
    this.vel.copyWithin(2 * to, 2 * from, 2 * from + 2);
    this.headings[to] = this.headings[from];
    this.speeds[to] = this.speeds[from];
    this.labels[to] = this.labels[from];
    this.domains[to] = this.domains[from];
    this.types[to] = this.types[from];
    this.srcs[to] = this.srcs[from];
    this.visible[to] = this.visible[from];
    this.trailXY.copyWithin(2 * TRAIL_POINTS * to, 2 * TRAIL_POINTS * from,
                            2 * TRAIL_POINTS * (from + 1));
    this.trailT.copyWithin(TRAIL_POINTS * to, TRAIL_POINTS * from, TRAIL_POINTS * (from + 1));
    this.trailHead[to] = this.trailHead[from];
    this.trailLen[to] = this.trailLen[from];
  }

  private passes(s: number): boolean {
    if (!this.filter) return true;
    if (!this.filterByAttributes || this.srcs[s] === NO_STRING) {
      return this.filter(this.info(s, this.scratch));
    }
    const key = (this.labels[s] * 0x10000 + this.srcs[s]) * 8 + this.domains[s];
    let v = this.filterMemo.get(key);
    if (v === undefined) {
      v = this.filter(this.info(s, this.scratch));
      this.filterMemo.set(key, v);
    }
    return v;
  }

  private info(s: number, o: TrackInfo): TrackInfo {
    const id = this.ids[s];
    o.id = id;
    o.t = this.times[s];
    o.lat = this.lats[s];
    o.lon = this.lons[s];
    const alt = this.alts[s];
    o.alt = Number.isNaN(alt) ? undefined : alt;
    o.ve = this.vel[2 * s];
    o.vn = this.vel[2 * s + 1];
    o.label = this.stringList[this.labels[s]] ?? '';
    o.domain = DOMAINS[this.domains[s]] ?? 'unknown';
    o.type = this.types[s] === NO_STRING ? undefined : this.stringList[this.types[s]];
    o.sources = this.srcs[s] === NO_STRING ? undefined : this.setList[this.srcs[s]];
    // Extras come only with the JSON form: the binary stream leaves the map empty.
    const e = this.extras.size ? this.extras.get(id) : undefined;
    o.mmsi = e?.mmsi; o.icao = e?.icao; o.cs = e?.cs; o.name = e?.name; o.tn = e?.tn;
    o.sd = e?.sd; o.n = e?.n;
    return o;
  }
}
