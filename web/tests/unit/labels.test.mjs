// web/src/labels.ts against the node's own label code: every expected string below is what
// `biac label parse` / `biac label combine` printed ("canonical", "display") when run once on
// 2026-11-27 with the biac binary built from this tree (the built-in USA-JPN
// equivalence table, docs/labels.md). The page must read, roll up and print labels as the node
// does: its banner is the roll-up of what is on screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules } from './build.mjs';

const { labels } = modules;
const JPN_GOKUHI = '{"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}}';

// biac label parse <input> -> canonical
const PARSE = [
  ['SECRET//REL TO JPN, USA', 'SECRET//REL TO USA, JPN'],
  ['CONFIDENTIAL', 'CONFIDENTIAL//NOFORN'],  // no FD&R marking: NOFORN (docs/labels.md)
  ['{"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["USA","JPN"]}}', JPN_GOKUHI],
  ['TOP SECRET//SI/TK//NOFORN', 'TOP SECRET//SI/TK//NOFORN'],
  ['SECRET//REL TO USA, GBR, AUS, CAN, NZL', 'SECRET//REL TO USA, AUS, CAN, GBR, NZL'],
  ['UNCLASSIFIED', 'UNCLASSIFIED'],
];

test('parse then render: the node\'s canonical form', () => {
  for (const [input, canonical] of PARSE) {
    assert.equal(labels.renderLabel(labels.parseLabel(input)), canonical, input);
  }
});

// biac label combine <inputs...> -> canonical, level
const COMBINE = [
  [['SECRET//REL TO USA, JPN', 'CONFIDENTIAL//REL TO USA, JPN, GBR'], 'SECRET//REL TO USA, JPN', 2],
  [['UNCLASSIFIED', 'SECRET//NOFORN'], 'SECRET//NOFORN', 2],
  [[JPN_GOKUHI, 'SECRET//REL TO USA, JPN'],
   '{"originators":[{"policy":"JPN","level":"GOKUHI"},{"policy":"USA","level":"SECRET"}],' +
   '"categories":{"releasable_to":["JPN","USA"]}}', 2],
  [['SECRET//REL TO USA, FVEY', 'TOP SECRET//REL TO USA, FVEY'], 'TOP SECRET//REL TO USA, FVEY', 3],
  [['SECRET//REL TO USA, FVEY', 'SECRET//REL TO USA, GBR, JPN'], 'SECRET//REL TO USA, GBR', 2],
  [['SECRET//ORCON/REL TO USA, JPN', 'CONFIDENTIAL//REL TO USA, JPN'], 'SECRET//ORCON/REL TO USA, JPN', 2],
  [['TOP SECRET//SI//NOFORN', 'SECRET//TK//NOFORN'], 'TOP SECRET//SI/TK//NOFORN', 3],
  [['{"policy":"JPN","level":"HI","categories":{"releasable_to":["JPN"]}}', JPN_GOKUHI],
   '{"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}}', 2],
  [['{"policy":"JPN","level":"TOKUTEI_HIMITSU","equiv":"TS","categories":{"releasable_to":["JPN","USA"]}}',
    'SECRET//REL TO USA, JPN'],
   '{"originators":[{"policy":"JPN","level":"TOKUTEI_HIMITSU","equiv":"TS"},' +
   '{"policy":"USA","level":"SECRET"}],"categories":{"releasable_to":["JPN","USA"]}}', 3],
  [['UNCLASSIFIED', 'UNCLASSIFIED'], 'UNCLASSIFIED', 0],
  [['UNLABELLED', 'SECRET//NOFORN'], 'UNLABELLED', 3],
  [['SECRET//FGI JPN//REL TO USA, JPN', 'CONFIDENTIAL//NOFORN'], 'SECRET//FGI JPN//NOFORN', 2],
  [['SECRET//REL TO USA, ACGU', 'SECRET//REL TO USA, FVEY'], 'SECRET//REL TO USA, AUS, CAN, GBR', 2],
  [['{"policy":"JPN","level":"CHUI","categories":{"releasable_to":"ALL"}}', 'UNCLASSIFIED'],
   '{"originators":[{"policy":"JPN","level":"CHUI"},{"policy":"USA","level":"UNCLASSIFIED"}],' +
   '"categories":{"releasable_to":"ALL"}}', 0],
];

test('roll-up: the node\'s `label combine` canonical form and level', () => {
  for (const [inputs, canonical, level] of COMBINE) {
    const r = labels.rollup(inputs.map((t) => labels.parseLabel(t)));
    assert.equal(labels.renderLabel(r), canonical, inputs.join(' + '));
    assert.equal(r.level, level, inputs.join(' + '));
  }
});

test('roll-up of nothing, and unreadable text, are UNLABELLED (fail closed)', () => {
  assert.equal(labels.renderLabel(labels.rollup([])), 'UNLABELLED');
  for (const text of ['', 'SECRET-ISH', '{"policy":', '{"categories":{}}']) {
    assert.equal(labels.parseLabel(text).unlabelled, true, text);
  }
});

// `display` of the node (its first "//" part: the node's display has no releasability line).
test('banner: originators and equivalent as the node displays them per nation', () => {
  const both = labels.rollup([labels.parseLabel(JPN_GOKUHI), labels.parseLabel('SECRET//REL TO USA, JPN')]);
  for (const viewer of ['USA', 'JPN']) {
    assert.equal(labels.bannerText(both, viewer).split('//')[0],
                 'JPN GOKUHI + USA SECRET / equivalent SECRET', viewer);
  }
  const gokuhi = labels.parseLabel(JPN_GOKUHI);
  assert.equal(labels.bannerText(gokuhi, 'USA').split('//')[0], 'JPN GOKUHI / equivalent SECRET');
  assert.equal(labels.bannerText(gokuhi, 'JPN').split('//')[0], 'GOKUHI');
  const chui = labels.rollup([labels.parseLabel('{"policy":"JPN","level":"CHUI","categories":{"releasable_to":"ALL"}}'),
                              labels.parseLabel('CONFIDENTIAL//REL TO USA, JPN')]);
  // The node displays "JPN CHUI + USA CONFIDENTIAL / equivalent CONFIDENTIAL"; the page
  // deliberately leaves an unclassified originator beside a classified one off the banner
  // (web/src/labels.ts bannerText; the canonical label keeps it), so a US viewer reads the
  // US level word alone and a Japanese viewer the US level and its equivalent.
  assert.equal(labels.renderLabel(chui), '{"originators":[{"policy":"JPN","level":"CHUI"},' +
    '{"policy":"USA","level":"CONFIDENTIAL"}],"categories":{"releasable_to":["JPN","USA"]}}');
  assert.equal(labels.bannerText(chui, 'USA').split('//')[0], 'CONFIDENTIAL');
  assert.equal(labels.bannerText(chui, 'JPN').split('//')[0], 'USA CONFIDENTIAL / equivalent CONFIDENTIAL');
  // A US-only label is CAPCO on the banner as in the canonical form.
  assert.equal(labels.bannerText(labels.parseLabel('SECRET//REL TO JPN, USA'), 'JPN'), 'SECRET//REL TO USA, JPN');
  assert.equal(labels.bannerText(labels.parseLabel(JPN_GOKUHI), 'USA'),
               'JPN GOKUHI / equivalent SECRET//REL TO USA, JPN');
});

test('level classes of the banner colours', () => {
  assert.equal(labels.levelClass(labels.parseLabel('UNCLASSIFIED')), 'cls-unclassified');
  assert.equal(labels.levelClass(labels.parseLabel(JPN_GOKUHI)), 'cls-secret');
  assert.equal(labels.levelClass(labels.parseLabel('UNLABELLED')), 'cls-top-secret');
});
