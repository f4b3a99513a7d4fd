// Replay of stored history (GET /api/v1/replay?from=&to=&bbox=): the states of every track of
// the caller's picture in a window, played back at a chosen speed. The replayed picture at time
// T holds each track's latest state at or before T that is no older than `holdMs`.
import type { TrackInfo } from './live/store';

export interface CompactTrack {
  id: number; t: number; lat: number; lon: number; alt?: number; ve?: number; vn?: number;
  vu?: number; sog?: number; cog?: number; sd?: number; dom?: string; cat?: string; type?: string;
  label?: string; mmsi?: number; icao?: string; m3a?: string; cs?: string; name?: string;
  tn?: string[]; src?: string[]; n?: number;
}

export function compactToInfo(c: CompactTrack): TrackInfo {
  return {
    id: c.id, t: c.t, lat: c.lat, lon: c.lon, alt: c.alt, ve: c.ve ?? 0, vn: c.vn ?? 0,
    label: c.label ?? 'UNLABELLED', domain: c.dom ?? 'unknown', type: c.type ?? c.cat,
    sources: c.src, mmsi: c.mmsi, icao: c.icao, cs: c.cs, name: c.name, tn: c.tn, sd: c.sd, n: c.n,
  };
}

// What the table, banner and panels read: the live TrackStore or the replay.
export interface TrackSource {
  readonly size: number;
  version: number;
  get(id: number): TrackInfo | undefined;
  forEach(fn: (t: TrackInfo) => void): void;
}

export class ReplayStore implements TrackSource {
  version = 0;
  from = 0;
  to = 0;
  truncated = false;
  private states: TrackInfo[] = [];
  private cursor = 0;
  private current = new Map<number, TrackInfo>();
  private trails = new Map<number, [number, number][]>();
  private time = 0;
  holdMs = 120_000;
  trailMs = 120_000;

  get size(): number { return this.current.size; }
  get(id: number): TrackInfo | undefined { return this.current.get(id); }
  forEach(fn: (t: TrackInfo) => void): void { this.current.forEach(fn); }
  get loaded(): number { return this.states.length; }
  get now(): number { return this.time; }

  load(from: number, to: number, states: CompactTrack[], truncated: boolean): void {
    this.from = from; this.to = to; this.truncated = truncated;
    this.states = states.map(compactToInfo).sort((a, b) => a.t - b.t);
    this.seek(from);
  }

  // Moves the replay to time `t` (forward incrementally, backward by rebuilding).
  seek(t: number): void {
    if (t < this.time) {
      this.cursor = 0; this.current.clear(); this.trails.clear();
    }
    this.time = t;
    while (this.cursor < this.states.length && this.states[this.cursor].t <= t) {
      const s = this.states[this.cursor++];
      this.current.set(s.id, s);
      let tr = this.trails.get(s.id);
      if (!tr) { tr = []; this.trails.set(s.id, tr); }
      tr.push([s.lon, s.lat]);
      if (tr.length > 256) tr.shift();
    }
    for (const [id, s] of this.current) {
      if (s.t < t - this.holdMs) { this.current.delete(id); this.trails.delete(id); }
    }
    this.version++;
  }

  trail(id: number): [number, number][] { return this.trails.get(id) ?? []; }
  clear(): void { this.states = []; this.current.clear(); this.trails.clear(); this.cursor = 0; this.version++; }
}
