// A track id -> slot index in two typed arrays (open addressing, linear probing), for the
// TrackStore. A Map<number, number> did the same, but it cannot be handed to another thread:
// this table is copied with the store's columns from the stream worker to the page
// (TrackStore.exportFrame / adoptFrame), so that the page looks a track up without building a
// Map of 100,000 entries a second. No DOM: web/tests/unit/store-frame.test.mjs.
//
// Layout: `slots[h]` is the slot of the id in bucket h, or EMPTY; the id itself is the store's
// `ids[slot]` (the index holds no copy of it). Capacity is a power of two, at least twice the
// number of ids (load <= 1/2), so a probe ends after a few buckets. Deletion shifts the later
// entries of the probe run back (Knuth, TAOCP vol. 3, 6.4, Algorithm R): no tombstones.

export const EMPTY = -1;
const MIN_BUCKETS = 1024;
const GOLDEN = 0x9e3779b1;  // Fibonacci hashing: 2^32 / phi, odd

export class IdIndex {
  /** Bucket -> slot, EMPTY when free. Replaced (not resized in place) when it grows. */
  slots: Int32Array;
  private count = 0;
  private shift: number;

  constructor(buckets = MIN_BUCKETS) {
    let b = MIN_BUCKETS;
    while (b < buckets) b *= 2;
    this.slots = new Int32Array(b).fill(EMPTY);
    this.shift = 32 - Math.log2(b);
  }

  /** An index over a table made elsewhere (exportFrame): `slots` as it was copied. */
  static adopt(slots: Int32Array, count: number): IdIndex {
    const x = new IdIndex(MIN_BUCKETS);
    x.slots = slots;
    x.count = count;
    x.shift = 32 - Math.log2(slots.length);
    return x;
  }

  get size(): number { return this.count; }

  private home(id: number): number { return Math.imul(id, GOLDEN) >>> this.shift; }

  /** The slot of `id`, or EMPTY. `ids` is the store's id column. */
  get(id: number, ids: Uint32Array): number {
    const mask = this.slots.length - 1;
    for (let h = this.home(id); ; h = (h + 1) & mask) {
      const s = this.slots[h];
      if (s === EMPTY || ids[s] === id) return s;
    }
  }

  /** Files `id` (already written at ids[slot]) at `slot`; replaces its slot if filed. */
  set(id: number, slot: number, ids: Uint32Array): void {
    if (2 * (this.count + 1) > this.slots.length) this.rehash(2 * this.slots.length, ids);
    const mask = this.slots.length - 1;
    for (let h = this.home(id); ; h = (h + 1) & mask) {
      const s = this.slots[h];
      if (s === EMPTY) { this.slots[h] = slot; this.count++; return; }
      if (ids[s] === id) { this.slots[h] = slot; return; }
    }
  }

  /** Unfiles `id`. `ids` must still hold it at its slot. */
  delete(id: number, ids: Uint32Array): void {
    const mask = this.slots.length - 1;
    let h = this.home(id);
    for (; ; h = (h + 1) & mask) {
      const s = this.slots[h];
      if (s === EMPTY) return;
      if (ids[s] === id) break;
    }
    // Algorithm R: move back every later entry of the run whose home is not in (h, j].
    let j = h;
    for (;;) {
      this.slots[h] = EMPTY;
      for (;;) {
        j = (j + 1) & mask;
        const s = this.slots[j];
        if (s === EMPTY) { this.count--; return; }
        const k = this.home(ids[s]);
        const stays = h <= j ? h < k && k <= j : h < k || k <= j;
        if (!stays) break;
      }
      this.slots[h] = this.slots[j];
      h = j;
    }
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.count = 0;
  }

  /** Room for `n` ids without a rehash. */
  reserve(n: number, ids: Uint32Array): void {
    if (2 * n > this.slots.length) {
      let b = this.slots.length;
      while (b < 2 * n) b *= 2;
      this.rehash(b, ids);
    }
  }

  private rehash(buckets: number, ids: Uint32Array): void {
    const old = this.slots;
    this.slots = new Int32Array(buckets).fill(EMPTY);
    this.shift = 32 - Math.log2(buckets);
    const mask = buckets - 1;
    for (let i = 0; i < old.length; i++) {
      const s = old[i];
      if (s === EMPTY) continue;
      let h = this.home(ids[s]);
      while (this.slots[h] !== EMPTY) h = (h + 1) & mask;
      this.slots[h] = s;
    }
  }
}
