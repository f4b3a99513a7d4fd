// web/src/ui/table-order.ts: the track table's filter and order on index arrays (no object per
// track) give the rows a plain sort of all the rows gives, for the first k rows and the ranks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';
import { rng } from './rng.mjs';

const { orderRows, rankOf, stringRanks, filterWords } = modules.tableOrder;

// The table's former order: every passing row sorted by (key, id), the direction on both.
function plainOrder(n, keep, keys, ids, desc) {
  const dir = desc ? -1 : 1;
  const rows = [];
  for (let i = 0; i < n; i++) if (keep(i)) rows.push(i);
  return rows.sort((a, b) => ((keys[a] - keys[b]) || (ids[a] - ids[b])) * dir);
}

test('the first k rows are those of a full sort, with ties broken by id, both directions', () => {
  const r = rng(7);
  for (const n of [0, 1, 5, 300, 5000]) {
    // Few distinct keys (many ties), ids not in slot order, a third filtered out.
    const keys = Float64Array.from({ length: n }, () => Math.floor(r() * 20));
    const ids = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % 100003 + 1);
    const pass = Uint8Array.from({ length: n }, () => (r() < 0.67 ? 1 : 0));
    const keep = (i) => pass[i] === 1;
    for (const desc of [false, true]) {
      const want = plainOrder(n, keep, keys, ids, desc);
      for (const k of [0, 1, 10, 57, Math.floor(n / 3), n, n + 10]) {
        const o = orderRows(n, keep, keys, ids, desc, k);
        assert.equal(o.total, want.length);
        assert.deepEqual([...o.first], want.slice(0, Math.min(k, want.length)), `n ${n} k ${k} desc ${desc}`);
      }
      // The rank of a passing row is its position; a row is never ranked against itself.
      for (let j = 0; j < Math.min(want.length, 40); j++) {
        const row = want[Math.floor(r() * want.length)];
        assert.equal(rankOf(n, keep, keys, ids, desc, row), want.indexOf(row));
      }
    }
  }
});

test('string columns sort by rank: localeCompare order, equal strings share a rank', () => {
  const values = ['SECRET', 'UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', '', 'air'];
  const rank = stringRanks(values);
  assert.deepEqual([...rank], [3, 4, 2, 3, 0, 1]);
});

test('filter words: lower case, split on white space, empty words dropped', () => {
  assert.deepEqual(filterWords('  Sea  JPN-only '), ['sea', 'jpn-only']);
  assert.deepEqual(filterWords(''), []);
});
