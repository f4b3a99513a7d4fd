// The track table's ordering without an object per track: the rows that pass the filters are
// found from index arrays, and only the first `k` of them in sort order are sorted (a bounded
// max-heap: O(n log k) for the page shown, instead of sorting 100,000 rows every second).
// No DOM here: web/tests/unit/table.test.mjs tests it against a plain sort.

/**
 * The row order: row i comes before row j when key(i) < key(j), ties by id ascending; `desc`
 * reverses the whole order (ties included), as the table's comparator did:
 * `(key(a) - key(b) || id(a) - id(b)) * dir`.
 */
export interface RowOrder {
  /** Rows passing the filter. */
  total: number;
  /** The first min(k, total) of them, in order (indices into the source). */
  first: Uint32Array;
}

/**
 * Orders the rows 0..n-1 that `keep` passes by `keys` (one number per row, NaN not allowed:
 * callers map "absent" to a number) and `ids`, and returns the first `k` in order.
 */
export function orderRows(n: number, keep: (i: number) => boolean, keys: Float64Array,
                          ids: ArrayLike<number>, desc: boolean, k: number): RowOrder {
  const pass = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (keep(i)) pass[m++] = i;
  const dir = desc ? -1 : 1;
  // a before b in the table's order.
  const before = (a: number, b: number): boolean => {
    const d = keys[a] - keys[b];
    if (d !== 0) return d * dir < 0;
    return (ids[a] - ids[b]) * dir < 0;
  };
  const want = Math.max(0, Math.min(k, m));
  if (want === 0) return { total: m, first: new Uint32Array(0) };
  let first: Uint32Array;
  if (want * 4 >= m) {
    // Most rows wanted: one full sort of the passing rows.
    first = pass.slice(0, m).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
                .slice(0, want);
  } else {
    // A max-heap (by the order) of the `want` first rows seen so far: its top is the last of
    // them, replaced by any row that comes before it.
    const heap = pass.slice(0, want);
    const down = (i: number, size: number): void => {
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let top = i;
        if (l < size && before(heap[top], heap[l])) top = l;
        if (r < size && before(heap[top], heap[r])) top = r;
        if (top === i) return;
        const t = heap[i]; heap[i] = heap[top]; heap[top] = t;
        i = top;
      }
    };
    for (let i = (want >> 1) - 1; i >= 0; i--) down(i, want);
    for (let j = want; j < m; j++) {
      const row = pass[j];
      if (before(row, heap[0])) { heap[0] = row; down(0, want); }
    }
    // Heap sort in place: the largest to the end, so the array ends in order.
    for (let end = want - 1; end > 0; end--) {
      const t = heap[0]; heap[0] = heap[end]; heap[end] = t;
      down(0, end);
    }
    first = heap;
  }
  return { total: m, first };
}

/** The position of row `row` in the order of orderRows (how many passing rows come before it). */
export function rankOf(n: number, keep: (i: number) => boolean, keys: Float64Array,
                       ids: ArrayLike<number>, desc: boolean, row: number): number {
  const dir = desc ? -1 : 1;
  let rank = 0;
  for (let i = 0; i < n; i++) {
    if (i === row || !keep(i)) continue;
    const d = keys[i] - keys[row];
    if (d * dir < 0 || (d === 0 && (ids[i] - ids[row]) * dir < 0)) rank++;
  }
  return rank;
}

/**
 * Ranks of strings in the table's string order (localeCompare): equal strings share a rank,
 * so a string column sorts as numbers.
 */
export function stringRanks(values: readonly string[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a].localeCompare(values[b]));
  const rank = new Float64Array(values.length);
  let r = 0;
  for (let j = 0; j < order.length; j++) {
    if (j > 0 && values[order[j]].localeCompare(values[order[j - 1]]) !== 0) r++;
    rank[order[j]] = r;
  }
  return rank;
}

/**
 * The words of a table filter (lower case, split on white space); a row matches when every word
 * is a substring of one of its fields.
 */
export function filterWords(q: string): string[] {
  return q.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
}
