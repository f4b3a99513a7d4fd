// web/src/ui/export.ts: the export query carries the hidden layers as the node's layer filters
// (docs/api.md "Layer filters"; the node's side: src/biac/api/api_test.cc PictureFilters).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';

const { exportQuery } = modules.exportQuery;

test('hidden layers become repeated hide_* parameters, labels with commas intact', () => {
  const q = exportQuery('csv', [127.5, 25, 129, 27.25],
                        ['src:us-radar', 'lab:SECRET//REL TO USA, JPN', 'dom:air', 'nat:open', 'x:y']);
  assert.equal(q, 'format=csv&bbox=127.50000%2C25.00000%2C129.00000%2C27.25000&hide_domain=air' +
                  '&hide_label=SECRET%2F%2FREL+TO+USA%2C+JPN&hide_nation=open&hide_source=us-radar');
  const p = new URLSearchParams(q);
  assert.deepEqual(p.getAll('hide_label'), ['SECRET//REL TO USA, JPN']);
  assert.equal(p.has('x'), false);  // not a layer kind
});

test('a source id with a colon, several of a kind, a selection, no bbox', () => {
  const p = new URLSearchParams(exportQuery('geojson', null, ['src:b', 'src:a:1'], [3, 1]));
  assert.deepEqual(p.getAll('hide_source'), ['a:1', 'b']);
  assert.equal(p.get('ids'), '3,1');
  assert.equal(p.has('bbox'), false);
});
