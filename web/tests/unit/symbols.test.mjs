// web/src/map/symbols.ts: the node's categories (`cat`) to MIL-STD-2525C letter SIDCs. The
// expected function IDs are 2525C Appendix A's (as milsymbol 3 implements them); the categories
// are ITU-R M.1371-5 Annex 8 Table 53 (AIS ship type), RTCA DO-260B §2.2.3.2.5.2 / ICAO Doc 9871
// Table A-2-8 (ADS-B emitter category), STANAG 4607 D32.10 (GMTI classification), as the
// node's decoders write them. Affiliation is what the source declares: U unless a CoT type says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ms from 'milsymbol';
import { modules } from './build.mjs';

const { sidcFor, categorySymbol } = modules.symbols;
const SEA = 1, AIR = 2, LAND = 3, UNKNOWN = 0;
const sidc = (dimension, fn, affiliation = 'U') => `S${affiliation}${dimension}P${fn.padEnd(6, '-')}-----`;

test('AIS ship types (Table 53) to sea surface functions', () => {
  const cases = [
    [30, 'XF'],    // fishing
    [31, 'XMTO'], [32, 'XMTO'],  // towing
    [33, 'XMD'],   // dredging or underwater operations
    [35, 'C'],     // military operations
    [36, 'XR'],    // sailing
    [37, 'XA'],    // pleasure craft
    [52, 'XMTU'],  // tug
    [55, 'XL'],    // law enforcement
    [58, 'NM'],    // medical transport
    [59, 'N'],     // RR Resolution 18 noncombatant
    [60, 'XMP'], [69, 'XMP'],    // passenger
    [70, 'XMC'], [71, 'XMH'], [74, 'XMH'], [79, 'XMC'],  // cargo; 71-74 dangerous goods X-OS
    [80, 'XMO'], [84, 'XMO'], [89, 'XMO'],  // tanker
    // No 2525C equivalent: plain sea surface track.
    [0, ''], [20, ''], [34, ''], [40, ''], [50, ''], [51, ''], [53, ''], [54, ''], [90, ''], [99, ''],
  ];
  for (const [type, fn] of cases) {
    assert.equal(sidcFor(SEA, `shiptype:${type}`), sidc('S', fn), `shiptype:${type}`);
  }
});

test('other AIS categories: SAR aircraft in the air, AtoN, base station', () => {
  assert.equal(sidcFor(SEA, 'sar_aircraft'), sidc('A', ''));
  assert.equal(sidcFor(SEA, 'aton:1'), sidc('S', 'ZN'));
  assert.equal(sidcFor(SEA, 'base_station'), sidc('G', ''));
});

test('ADS-B emitter categories to air (and ground, space) functions', () => {
  const cases = [
    ['A0', 'A', ''], ['A1', 'A', 'CF'], ['A3', 'A', 'CF'], ['A5', 'A', 'CF'], ['A6', 'A', 'CF'],
    ['A7', 'A', 'CH'], ['B1', 'A', 'CF'], ['B2', 'A', 'CL'], ['B3', 'A', ''], ['B4', 'A', 'CF'],
    ['B6', 'A', 'MFQ'], ['B7', 'P', ''], ['C1', 'G', 'EVC'], ['C2', 'G', 'EVCU'],
    ['C3', 'G', ''], ['C5', 'G', ''], ['C6', 'A', ''], ['D2', 'A', ''],
  ];
  for (const [cat, dimension, fn] of cases) {
    assert.equal(sidcFor(AIR, cat), sidc(dimension, fn), cat);
  }
});

test('GMTI classifications: the medium and the ground vehicle', () => {
  assert.equal(sidcFor(UNKNOWN, 'tracked_vehicle_live'), sidc('G', 'EV'));
  assert.equal(sidcFor(UNKNOWN, 'wheeled_vehicle_simulated'), sidc('G', 'EV'));
  assert.equal(sidcFor(LAND, 'rotary_wing_aircraft_live'), sidc('A', ''));
  assert.equal(sidcFor(UNKNOWN, 'maritime_live'), sidc('S', ''));
  assert.equal(sidcFor(UNKNOWN, 'large_multiple_return_live_maritime'), sidc('S', ''));
  assert.equal(sidcFor(LAND, 'unknown_live'), sidc('G', ''));
  assert.equal(sidcFor(UNKNOWN, 'tracked_vehicle'), sidc('Z', ''));  // not the node's spelling
});

test('affiliation: declared by a CoT type, never inferred from a category', () => {
  assert.equal(sidcFor(AIR, 'a-f-A-M-F-Q'), sidc('A', 'MFQ', 'F'));
  assert.equal(sidcFor(SEA, 'a-h-S-X-F'), sidc('S', 'XF', 'H'));
  for (const cat of ['shiptype:35', 'B6', 'A7', 'tracked_vehicle_live', 'shiptype:55']) {
    assert.equal(sidcFor(SEA, cat)[1], 'U', cat);
  }
  // Not categories of the node: no function (a bare number is no AIS ship type).
  for (const cat of ['70', 'shiptype:100', 'shiptype:', 'A8', 'a1', 'Platform X']) {
    assert.equal(categorySymbol(cat), null, cat);
  }
});

test('every SIDC the table can give is one milsymbol draws (a valid 2525C symbol)', () => {
  const cats = [];
  for (let t = 0; t < 100; t++) cats.push(`shiptype:${t}`);
  for (const set of 'ABCD') for (let c = 0; c < 8; c++) cats.push(`${set}${c}`);
  for (const c of ['tracked_vehicle', 'wheeled_vehicle', 'rotary_wing_aircraft', 'fixed_wing_aircraft',
                   'maritime', 'vehicle', 'person', 'beacon']) cats.push(`${c}_live`);
  cats.push('sar_aircraft', 'aton:30', 'base_station');
  for (const domain of [UNKNOWN, SEA, AIR, LAND, 4]) {
    for (const cat of cats) {
      const code = sidcFor(domain, cat);
      assert.equal(code.length, 15, code);
      assert.ok(new ms.Symbol(code, { size: 18 }).isValid(), `${cat} (domain ${domain}): ${code}`);
    }
  }
  // The check can fail: an unknown function is refused.
  assert.equal(new ms.Symbol('SUSPQQQ--------', { size: 18 }).isValid(), false);
});
