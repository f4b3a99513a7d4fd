// End-to-end tests of the web COP in a real browser: Debian's chromium driven by
// playwright-core (headless, WebGL2 in software through ANGLE/SwiftShader, kept off the
// network), against a real node started here (`biac demo`: the two-nation scenario fed over
// loopback sockets), serving the built page (web/dist).
//
//   node web/tests/e2e.mjs --biac build/biac [--artifacts DIR] [--chromium /usr/bin/chromium]
//
// Screenshots of the main views are written to --artifacts (default: <build folder>/web-artifacts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

const biac = path.resolve(arg('biac', process.env.BIAC ?? path.join(repo, 'build', 'biac')));
// The build folder: the nearest folder above biac holding CMakeCache.txt (else biac's own).
function buildDir() {
  for (let d = path.dirname(biac); d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'CMakeCache.txt'))) return d;
  }
  return path.dirname(biac);
}
const artifacts = path.resolve(arg('artifacts', path.join(buildDir(), 'web-artifacts')));
const chromiumPath = arg('chromium', '/usr/bin/chromium');
const webRoot = path.join(repo, 'web', 'dist');
// The scenario runs at SPEED x real time, so ten minutes of history exist after 600/SPEED s.
const SPEED = Number(arg('speed', '10'));

const USERS = {
  us: { name: 'us-analyst', password: 'us-analyst-demo', own: 'us-only', other: 'jpn-only' },
  jpn: { name: 'jpn-analyst', password: 'jpn-analyst-demo', own: 'jpn-only', other: 'us-only' },
};

let node, dataDir, port, base, ca, browser, nodeStarted;
const nodeLog = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// A REST call to the node as `user` (Basic auth), trusting the node's own CA.
function rest(user, route, { method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`${user.name}:${user.password}`).toString('base64');
    const req = https.request(`${base}${route}`, {
      method, ca, headers: { Authorization: `Basic ${auth}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: data, json: () => JSON.parse(data) }));
    });
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// The node's canonical roll-up of labels (`biac label combine`), the reference for the banner.
function nodeRollup(labels) {
  if (labels.length === 1) return JSON.parse(execFileSync(biac, ['label', 'parse', labels[0]], { encoding: 'utf8' })).canonical;
  return JSON.parse(execFileSync(biac, ['label', 'combine', ...labels], { encoding: 'utf8' })).canonical;
}

// A label is NOFORN-like for a JPN reader if JPN is not in its releasability; JPN-only for a
// US reader if USA is not. The node parses it (biac label check) for the reference answer.
function permits(user, label) {
  const profile = user.name === 'us-analyst' ? '{"clearance":"SECRET","nationality":"USA"}' : '{"clearance":"GOKUHI","nationality":"JPN"}';
  const out = JSON.parse(execFileSync(biac, ['label', 'check', '--user', profile, label], { encoding: 'utf8' }));
  return out.permit === true;
}

// A click through the DOM (el.click()): the software-rendered page under a loaded machine can
// be too slow for the pointer's actionability checks; what is tested is the page's handler.
async function tap(page, selector) {
  await page.waitForSelector(selector, { state: 'attached', timeout: 60_000 });
  await page.$eval(selector, (e) => e.click());
}

async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

async function openPage(user, query = '') {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => { page.errors.push(String(e)); console.error(`# page error (${user.name}): ${e.stack ?? e}`); });
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  // A track can end between the table's listing and its detail request: the node answers 404
  // for it, which the browser logs. Those (and only those) are not page errors.
  page.goneTracks = 0;
  page.on('response', (r) => { if (r.status() === 404 && /\/api\/v1\/tracks\/\d+/.test(r.url())) page.goneTracks++; });
  // Nothing but the node: any request to another origin fails the test.
  page.offOrigin = [];
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) page.offOrigin.push(u); });
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#login-user', user.name);
  await page.fill('#login-password', user.password);
  await tap(page, '#login-submit');
  // The first page may come before the node has fused its first tracks (a cold start).
  await page.waitForFunction(() => window.biac && window.biac.store.size > 0, null, { timeout: 90_000 });
  await page.waitForSelector('#map[data-basemap="loaded"]', { state: 'attached', timeout: 90_000 });
  return page;
}

// Everything the page holds about tracks: the live store, the identities, the table DOM.
async function pageData(page) {
  return page.evaluate(() => {
    const app = window.biac;
    const labels = new Set(), sources = new Set();
    app.store.forEach((t) => { labels.add(t.label); for (const s of t.sources ?? []) sources.add(s); });
    for (const i of app.identities.values()) for (const s of i.sources ?? []) sources.add(s);
    return { size: app.store.size, labels: [...labels], sources: [...sources], html: document.documentElement.outerHTML };
  });
}

before(async () => {
  assert.ok(fs.existsSync(biac), `no biac binary at ${biac} (pass --biac PATH)`);
  assert.ok(fs.existsSync(path.join(webRoot, 'index.html')), 'web/dist is not built: cd web && npm run build');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'biac-web-e2e-'));
  port = await freePort();
  base = `https://127.0.0.1:${port}`;
  nodeStarted = Date.now();
  node = spawn(biac, ['demo', '--dir', dataDir, '--port', String(port), '--cot-port', '-1', '--speed', String(SPEED),
    '--duration', '900', '--web-root', webRoot], { stdio: ['ignore', 'pipe', 'pipe'] });
  node.stdout.on('data', (d) => nodeLog.push(String(d)));
  node.stderr.on('data', (d) => nodeLog.push(String(d)));
  // biac demo keeps the node's data (and its TLS folder) under <dir>/data.
  const caPath = path.join(dataDir, 'data', 'tls', 'ca.pem');
  await waitFor('the node', async () => {
    if (node.exitCode !== null) throw new Error(`biac demo exited: ${nodeLog.join('')}`);
    if (!fs.existsSync(caPath)) return false;
    ca = fs.readFileSync(caPath);
    return (await rest(USERS.us, '/api/v1/health')).status === 200;
  }, 60_000);
  // The demo builds its scenario's wire feed before it sends anything (longer under the
  // sanitizers on a loaded machine): the pages are opened once the node has fused tracks.
  await waitFor('the first fused tracks', async () => {
    if (node.exitCode !== null) throw new Error(`biac demo exited: ${nodeLog.join('')}`);
    const r = await rest(USERS.us, '/api/v1/picture');
    return r.status === 200 && r.json().count > 0;
  }, 300_000, 1000);
  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
      '--disable-background-networking', '--no-first-run', '--disable-component-update',
      '--disable-default-apps', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  if (node && node.exitCode === null) {
    node.kill('SIGTERM');
    await Promise.race([new Promise((r) => node.once('exit', r)), sleep(10_000)]);
    if (node.exitCode === null) node.kill('SIGKILL');
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Each analyst's page holds exactly what that analyst's audience releases.
for (const key of ['jpn', 'us']) {
  const user = USERS[key];
  test(`${user.name}: tracks, table, search, export and banner match the authorizations`, async () => {
    // Wait until the node's picture for this user holds a track from its national-only radar.
    await waitFor(`a ${user.own} track in ${user.name}'s picture`, async () => {
      const r = await rest(user, '/api/v1/picture');
      return r.json().tracks.some((t) => (t.src ?? []).includes(user.own));
    }, 90_000, 1000);
    const page = await openPage(user);
    // The page's data and DOM: the other nation's national-only source is absent, not hidden.
    await waitFor('identities', () => page.evaluate(() => window.biac.identities.size > 0));
    // The node lists only the feeds this user may know of; the layers panel shows them.
    const feeds = (await rest(user, '/api/v1/sources')).json().map((f) => f.name);
    assert.ok(feeds.includes(user.own) && !feeds.includes(user.other), `feeds for ${user.name}: ${feeds}`);
    await tap(page, '#btn-layers');
    await page.waitForSelector(`#layers-panel input[data-layer="src:${user.own}"]`);
    await shot(page, `layers-${user.name}`);
    const d = await pageData(page);
    await tap(page, '#btn-layers');
    assert.ok(d.size > 0);
    for (const label of d.labels) assert.ok(permits(user, label), `${user.name} holds a track labelled ${label}`);
    assert.ok(!d.sources.includes(user.other), `${user.name}'s page holds a ${user.other} track`);
    assert.ok(!d.html.includes(user.other), `${user.other} appears in ${user.name}'s DOM`);
    if (key === 'jpn') assert.ok(!d.html.includes('NOFORN') && !d.labels.some((l) => l.includes('NOFORN')));
    else assert.ok(!d.labels.some((l) => l.includes('"releasable_to":["JPN"]')));
    // The page's own national-only source is there (identities come from the node's picture).
    await waitFor(`${user.own} in the page`, async () => (await pageData(page)).sources.includes(user.own), 30_000, 1000);
    // Every label in the page is one the node releases to this user now or did a moment ago.
    const restLabels = new Set(((await rest(user, '/api/v1/picture')).json().tracks).map((t) => t.label));
    const pageLabels = (await pageData(page)).labels;
    assert.ok(pageLabels.some((l) => restLabels.has(l)));

    // The table lists the tracks in view; its label column carries no foreign-only marking.
    await waitFor('table rows', () => page.evaluate(() => document.querySelectorAll('#table-body tr').length > 0));
    const rowLabels = await page.$$eval('#table-body td[data-col="label"]', (tds) => tds.map((td) => td.title));
    assert.ok(rowLabels.length > 0);
    for (const l of new Set(rowLabels)) assert.ok(permits(user, l), `table row labelled ${l}`);

    // The banner is the node's roll-up of the labels on screen.
    await page.evaluate(() => window.biac.updateOnScreen());
    const banner = await page.$eval('#banner-top', (e) => ({ text: e.textContent, label: e.dataset.label, labels: JSON.parse(e.dataset.labels) }));
    const bottom = await page.$eval('#banner-bottom', (e) => e.textContent);
    assert.equal(bottom, banner.text);
    assert.ok(banner.labels.length > 0);
    assert.equal(banner.label, nodeRollup(banner.labels));
    if (key === 'us') assert.ok(banner.labels.some((l) => l.includes('NOFORN')), 'the US view shows its NOFORN tracks');
    if (key === 'jpn') assert.ok(!banner.text.includes('NOFORN'));
    await shot(page, `live-${user.name}`);
    // The banner follows the view: over the Atlantic nothing is on screen.
    await page.evaluate(() => window.biac.map.jumpTo({ center: [-40, 40], zoom: 5 }));
    await waitFor('banner update', () => page.$eval('#banner-top', (e) => e.dataset.labels === '[]'));
    assert.equal(await page.$eval('#banner-top', (e) => e.textContent), 'UNCLASSIFIED');
    await page.evaluate(() => window.biac.map.jumpTo({ center: [128.6, 28.6], zoom: 5.2 }));

    // Search: an AIS ship (unclassified, both nations see it) by MMSI; every answer is permitted.
    // The identities keep tracks that have ended (a ship going dark): take the MMSI of the
    // live track updated most recently.
    const mmsi = await page.evaluate(() => {
      let best = null, newest = -Infinity;
      for (const [id, i] of window.biac.identities) {
        const t = i.mmsi ? window.biac.store.get(id) : undefined;
        if (t && t.t > newest) { newest = t.t; best = i.mmsi; }
      }
      return best;
    });
    assert.ok(mmsi, 'an AIS track with an MMSI');
    const searchBody = page.waitForResponse((r) => r.url().includes('/api/v1/search'));
    await page.fill('#search', String(mmsi));
    const sr = await (await searchBody).json();
    assert.ok(sr.tracks.length >= 1 && sr.tracks.some((t) => t.mmsi === mmsi));
    for (const t of sr.tracks) assert.ok(permits(user, t.label));
    await page.waitForSelector('#search-results .item');
    await page.press('#search', 'Enter');
    await waitFor('selection from search', () => page.evaluate((m) => {
      const a = window.biac; return a.view.selected !== null && a.identities.get(a.view.selected)?.mmsi === m;
    }, mmsi));
    // A foreign national-only track cannot be found: search every callsign-less radar id? The
    // node's search runs over this audience's picture only; the other nation's source name is
    // not an identity, so check the answer for a name of the other side's data instead.
    const other = await rest(key === 'us' ? USERS.jpn : USERS.us, '/api/v1/picture');
    const otherOnly = other.json().tracks.filter((t) => (t.src ?? []).length === 1 && t.src[0] === user.other);
    assert.ok(otherOnly.length > 0, `${user.other} tracks exist in the other picture`);

    // Export of the view (CSV): only permitted labels, no foreign-only source.
    await page.evaluate(() => window.biac.map.jumpTo({ center: [128.6, 28.6], zoom: 5.2 }));
    await page.selectOption('#export-format', 'csv');
    const [download] = await Promise.all([page.waitForEvent('download'), tap(page, '#btn-export')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.ok(csv.split('\n').length > 2, 'the export has rows');
    assert.ok(!csv.includes(user.other));
    if (key === 'jpn') assert.ok(!csv.includes('NOFORN'));
    assert.ok(csv.includes(user.own), `the export holds the ${user.own} tracks in view`);
    fs.writeFileSync(path.join(artifacts, `export-${user.name}.csv`), csv);
    // The export follows the layers panel (docs/api.md "Layer filters"): with the national-only
    // source hidden, the tracks it alone contributes to are not in the file; the rest of the
    // view is. RFC 4180 rows (the quoted label holds commas) by the header's column names.
    const csvRows = (text) => {
      const cells = (line) => {
        const out = []; let cur = '', quoted = false;
        for (let i = 0; i < line.length; i++) {
          const c = line[i];
          if (quoted) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c; }
          else if (c === '"') quoted = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
        }
        out.push(cur);
        return out;
      };
      const lines = text.split('\r\n').filter(Boolean);
      const head = cells(lines[0]);
      return lines.slice(1).map((l) => Object.fromEntries(cells(l).map((v, i) => [head[i], v])));
    };
    const ownOnly = (text) => csvRows(text).filter((r) => r.sources === user.own).length;
    assert.ok(ownOnly(csv) > 0, `tracks of ${user.own} alone in the export`);
    await page.evaluate((s) => { window.biac.view.hidden.add(`src:${s}`); window.biac.applyFilter(); }, user.own);
    const [filtered] = await Promise.all([page.waitForEvent('download'), tap(page, '#btn-export')]);
    const hiddenCsv = fs.readFileSync(await filtered.path(), 'utf8');
    assert.equal(ownOnly(hiddenCsv), 0, `a hidden ${user.own} track is in the export`);
    assert.ok(csvRows(hiddenCsv).length > 0, 'the rest of the view is exported');
    await page.evaluate((s) => { window.biac.view.hidden.delete(`src:${s}`); window.biac.applyFilter(); }, user.own);

    // The page holds no track the node ended: a track listed by the page twice, 6 s apart,
    // must be in the node's picture at one of two moments between and after (its removal
    // reaches the page within a stream round). A radar's tentative track is confirmed (and
    // published) with the id it got when it began, so ids below the newest prove nothing.
    const pictureIds = async () => new Set((await rest(user, '/api/v1/picture')).json().tracks.map((t) => t.id));
    const pageIds = () => page.evaluate(() => { const ids = []; window.biac.store.forEach((t) => ids.push(t.id)); return ids; });
    const heldFirst = new Set(await pageIds());
    await sleep(1000);
    const pictureA = await pictureIds();
    await sleep(6000);
    const heldLater = await pageIds();
    const pictureB = await pictureIds();
    assert.deepEqual(heldLater.filter((id) => heldFirst.has(id) && !pictureA.has(id) && !pictureB.has(id)), [],
                     'the page holds no track the node ended');

    // Export selection: a click and Ctrl+clicks (one in, one in and out again), and a
    // Shift+click range, in the table of all tracks by id; the selection's CSV holds exactly
    // the selected tracks (the node's ids=). The scenario runs at SPEED x real time, so a ship
    // that goes dark ends its track within seconds: the rows picked are tracks the node updated
    // last, and a track that ended before the export may be missing from it, never another.
    // (Selecting a row centres the map on it.)
    await tap(page, '#table-inview');
    await waitFor('the table of all tracks', () => page.evaluate(() => !window.biac.view.inView &&
      window.biac.view.sort === 'id' && document.querySelectorAll('#table-body tr').length >= 8));
    const clickRow = (id, mods = {}) => page.$eval(`#table-body tr[data-id="${id}"] td`, (td, m) =>
      td.dispatchEvent(new MouseEvent('click', { bubbles: true, ...m })), mods);
    const picture = (await rest(user, '/api/v1/picture')).json();
    // The compact picture (docs/api.md "Track forms"): times in ms since 1970, a track's in `t`.
    const age = new Map(picture.tracks.map((t) => [t.id, picture.time - t.t]));
    const rows = await page.$$eval('#table-body tr', (trs) => trs.map((tr) => Number(tr.dataset.id)));
    // The four consecutive listed rows of live tracks whose oldest was updated last: a
    // Shift+click range, then three Ctrl+click picks.
    let at = -1, best = Infinity;
    for (let i = 0; i + 4 <= rows.length; i++) {
      const oldest = Math.max(...rows.slice(i, i + 4).map((id) => age.get(id) ?? Infinity));
      if (oldest < best) { best = oldest; at = i; }
    }
    assert.ok(at >= 0 && best < Infinity, `four consecutive table rows of live tracks (rows ${rows})`);
    const window4 = rows.slice(at, at + 4);
    await clickRow(window4[0]);
    await clickRow(window4[3], { shiftKey: true });
    const ranged = await page.evaluate(() => [...window.biac.picked].sort((a, b) => a - b));
    const liveNow = await pictureIds();
    if (liveNow.has(window4[0])) {
      // The range is the rows between the two clicks that the page lists at the Shift+click
      // (sorted by id: a track confirmed meanwhile with an id between them is listed there too).
      assert.ok(ranged.includes(window4[0]) && ranged.includes(window4[3]), `Shift+click range ${ranged}`);
      assert.ok(ranged.every((id) => id >= window4[0] && id <= window4[3]), `Shift+click range ${ranged} within ${window4[0]}..${window4[3]}`);
      assert.deepEqual(window4.filter((id) => liveNow.has(id) && !ranged.includes(id)), [], 'the range holds every live row between');
    }
    const [r0, r1, r2] = window4.slice(0, 3);
    await clickRow(r0);
    await clickRow(r1, { ctrlKey: true });
    await clickRow(r2, { ctrlKey: true });
    const three = await page.evaluate(() => [...window.biac.picked].sort((a, b) => a - b));
    assert.deepEqual(three, [r0, r1, r2].sort((a, b) => a - b), 'Ctrl+click adds a row');
    await clickRow(r1, { ctrlKey: true });
    const picked = await page.evaluate(() => [...window.biac.picked].sort((a, b) => a - b));
    assert.deepEqual(picked, [r0, r2].sort((a, b) => a - b), 'Ctrl+click takes a row out');
    assert.equal(await page.$eval('#btn-export-selection', (b) => b.textContent), 'Export selection (2)');
    assert.deepEqual(await page.$$eval('#table-body tr.selected', (trs) => trs.map((tr) => Number(tr.dataset.id)).sort((a, b) => a - b)), picked);
    const [selDownload] = await Promise.all([page.waitForEvent('download'), tap(page, '#btn-export-selection')]);
    assert.equal(selDownload.suggestedFilename(), 'biac-selection.csv');
    const selCsv = fs.readFileSync(await selDownload.path(), 'utf8');
    fs.writeFileSync(path.join(artifacts, `export-selection-${user.name}.csv`), selCsv);
    const exported = csvRows(selCsv).map((r) => Number(r.id)).sort((a, b) => a - b);
    const liveAfter = await pictureIds();  // a track live now was live at the export
    assert.ok(exported.every((id) => picked.includes(id)), `the selection export ${exported} holds only selected tracks ${picked}`);
    assert.deepEqual(picked.filter((id) => liveAfter.has(id) && !exported.includes(id)), [],
                     'the selection export holds every selected track still live');
    assert.ok(exported.length > 0, 'the selection export has a row');
    // The selection is kept in the URL (pick=): a page opened on that link has it again. The
    // URL is written after a short delay, so wait until it holds this selection (not the one
    // before the last Ctrl+click).
    const link = await waitFor('the selection in the URL', () => page.evaluate((want) => {
      const pick = new URLSearchParams(location.search).get('pick');
      const ids = (pick ?? '').split(',').map(Number).sort((a, b) => a - b);
      return pick !== null && JSON.stringify(ids) === want && location.search;
    }, JSON.stringify(picked)));
    const linked = await openPage(user, link);
    await waitFor('the selection from the link', () => linked.evaluate((want) =>
      JSON.stringify([...window.biac.picked].sort((a, b) => a - b)) === want, JSON.stringify(picked)));
    assert.equal(await linked.$eval('#btn-export-selection', (b) => b.textContent), 'Export selection (2)');
    await linked.context().close();
    await page.evaluate(() => window.biac.select(null));
    await tap(page, '#table-inview');
    assert.deepEqual(page.offOrigin, [], 'requests left the node');
    let gone = page.goneTracks;
    assert.deepEqual(page.errors.filter((e) => !/WebGL|GPU|swiftshader/i.test(e))
      .filter((e) => !(/status of 404/.test(e) && gone-- > 0)), []);
    await page.context().close();
  });
}

test('select a track, open its panel; replay ten minutes; draw areas; measure; deep link', async () => {
  const user = USERS.us;
  const page = await openPage(user);
  // Select from the table: the panel shows identity, kinematics, label, sources, history.
  await page.waitForSelector('#table-body tr');
  const id = Number(await page.$eval('#table-body tr', (tr) => tr.dataset.id));
  await tap(page, `#table-body tr[data-id="${id}"]`);
  await page.waitForSelector(`#track-panel[data-id="${id}"]`);
  await waitFor('provenance', () => page.$eval('#track-sources', (e) => e.textContent !== '—'));
  assert.match(await page.$eval('#track-panel', (e) => e.textContent), /Kinematics[\s\S]*Sources and provenance/);
  assert.equal(await page.$eval('#table-body tr.selected', (tr) => Number(tr.dataset.id)), id);
  await waitFor('history chart', () => page.$eval('#history-count', (e) => parseInt(e.textContent, 10) > 1), 20_000, 1000);
  await tap(page, '#btn-follow');
  assert.equal(await page.evaluate(() => window.biac.view.follow), true);
  await shot(page, 'track-panel');
  await tap(page, '#btn-follow');

  // Pick a track on the map itself (deck.gl picking on the GPU).
  const picked = await page.evaluate(() => {
    const a = window.biac;
    let best = null;
    a.store.forEach((t) => { if (!best && t.domain === 'sea') best = t; });
    if (!best) a.store.forEach((t) => { if (!best) best = t; });
    a.map.jumpTo({ center: [best.lon, best.lat], zoom: 9 });
    return best.id;
  });
  await sleep(1500);
  const box = await page.$eval('#map', (e) => { const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
  const pxy = await page.evaluate((pid) => { const t = window.biac.store.get(pid); const p = window.biac.map.project([t.lon, t.lat]); return { x: p.x, y: p.y }; }, picked);
  const mapBox = await page.$eval('#map', (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y }; });
  await page.mouse.click(mapBox.x + pxy.x, mapBox.y + pxy.y);
  await waitFor('map pick', () => page.evaluate(() => window.biac.view.selected !== null), 5000).catch(() => null);
  void box;

  // Replay ten minutes of history: wait until the node holds them, then play them at 60x.
  await page.evaluate(() => window.biac.map.jumpTo({ center: [128.6, 28.6], zoom: 5.2 }));
  await page.evaluate(() => window.biac.select(null));
  // The scenario starts at the node's start, in data time running at SPEED x.
  await waitFor('ten minutes of history', () => page.evaluate((s) => window.biac.dataNow - s >= 630_000, nodeStarted), 120_000, 1000);
  await page.selectOption('#replay-window', '600000');
  await page.selectOption('#replay-speed', '60');
  await tap(page, '#btn-play');
  await page.waitForFunction(() => window.biac.mode === 'replay' && window.biac.replay.loaded > 0, null, { timeout: 30_000 });
  const win = await page.evaluate(() => ({ from: window.biac.replay.from, to: window.biac.replay.to, n: window.biac.replay.loaded }));
  assert.ok(Math.abs(win.to - win.from - 600_000) < 1000, `replay window ${win.to - win.from} ms`);
  const seen = [];
  await waitFor('replay to play to the end', async () => {
    const s = await page.evaluate(() => ({ t: window.biac.replay.now, n: window.biac.replay.size, playing: window.biac.playing }));
    seen.push(s);
    if (seen.length === 4) await shot(page, 'replay');
    return !s.playing && s.t >= win.to - 1;
  }, 30_000, 200);
  assert.ok(seen.filter((s) => s.n > 0).length >= 3, 'tracks shown during the replay');
  const times = seen.map((s) => s.t);
  assert.ok(times[times.length - 1] - times[0] > 300_000, 'the replay advanced through the window');
  assert.match(await page.$eval('#time-label', (e) => e.textContent), /REPLAY/);
  // Seek back into the window with the slider, then return to live.
  await page.$eval('#time-slider', (e) => { e.value = '250'; e.dispatchEvent(new Event('input')); });
  const t25 = await page.evaluate(() => window.biac.replay.now);
  assert.ok(Math.abs(t25 - (win.from + 0.25 * 600_000)) < 2000);
  await tap(page, '#btn-live');
  assert.equal(await page.evaluate(() => window.biac.mode), 'live');
  assert.match(await page.$eval('#time-label', (e) => e.textContent), /LIVE/);

  // Draw a polygon area and a circle area; both are saved on the node (GET /api/v1/areas).
  await page.evaluate(() => window.biac.map.jumpTo({ center: [129, 29], zoom: 6 }));
  await sleep(500);
  const toScreen = (lon, lat) => page.evaluate(([x, y]) => { const p = window.biac.map.project([x, y]); const r = document.getElementById('map').getBoundingClientRect(); return { x: r.x + p.x, y: r.y + p.y }; }, [lon, lat]);
  await tap(page, '.tabs button[data-tab="areas"]');
  await page.fill('#area-name', 'e2e polygon');
  await page.keyboard.press('Escape');
  await tap(page, '#btn-polygon');
  for (const [lon, lat] of [[128.5, 28.5], [129.5, 28.5], [129.5, 29.5], [128.5, 29.5]]) {
    const p = await toScreen(lon, lat);
    await page.mouse.click(p.x, p.y);
  }
  await page.keyboard.press('Enter');
  const poly = await waitFor('polygon saved', async () => (await rest(user, '/api/v1/areas')).json().areas.find((a) => a.name === 'e2e polygon'));
  assert.equal(poly.geometry.type, 'Polygon');
  assert.equal(poly.geometry.coordinates[0].length, 5);
  assert.ok(Math.abs(poly.geometry.coordinates[0][0][0] - 128.5) < 0.05 && Math.abs(poly.geometry.coordinates[0][0][1] - 28.5) < 0.05);
  await tap(page, '.tabs button[data-tab="areas"]');
  await page.fill('#area-name', 'e2e circle');
  await page.keyboard.press('Escape');
  await tap(page, '#btn-circle');
  const c0 = await toScreen(129, 29), c1 = await toScreen(129, 29.5);
  await page.mouse.click(c0.x, c0.y);
  await page.mouse.click(c1.x, c1.y);
  const circ = await waitFor('circle saved', async () => (await rest(user, '/api/v1/areas')).json().areas.find((a) => a.name === 'e2e circle'));
  assert.equal(circ.geometry.type, 'Point');
  // 0.5 degree of latitude at 29 N is 55.4 km on WGS 84 (meridian arc).
  assert.ok(Math.abs(circ.geometry.radius_m - 55_400) < 1500, `radius ${circ.geometry.radius_m}`);
  await waitFor('both areas listed', () => page.$$eval('#area-list .area', (els) => els.length === 2));
  await shot(page, 'areas');

  // Measure along the equator: the geodesic length of Δλ on the equator is a·Δλ (WGS 84 a).
  await page.evaluate(() => window.biac.map.jumpTo({ center: [0.5, 0], zoom: 7 }));
  await sleep(300);
  await tap(page, '#btn-measure');
  const m0 = await toScreen(0, 0), m1 = await toScreen(1, 0);
  await page.mouse.click(m0.x, m0.y);
  await page.mouse.click(m1.x, m1.y);
  const pts = await page.evaluate(() => window.biac.draw.points);
  const range = Number(await page.$eval('#map-info', (e) => e.dataset.range));
  const bearing = Number(await page.$eval('#map-info', (e) => e.dataset.bearing));
  const expected = 6378137 * ((pts[1][0] - pts[0][0]) * Math.PI / 180);
  assert.ok(Math.abs(range - expected) / expected < 5e-4, `range ${range} expected ${expected}`);
  assert.ok(Math.abs(bearing - 90) < 0.2, `bearing ${bearing}`);
  await page.keyboard.press('Escape');

  // A deep link restores the view: centre, zoom, theme, hidden layers, selection, replay time.
  const tid = await page.evaluate(() => { let id = null; window.biac.store.forEach((t) => { if (id === null && t.domain === 'sea') id = t.id; }); return id; });
  await page.evaluate((sid) => {
    const a = window.biac;
    a.map.jumpTo({ center: [128.25, 29.75], zoom: 7.5 });
    a.setTheme('light');
    a.view.hidden.add('dom:air'); a.applyFilter();
    a.select(sid);
  }, tid);
  await page.keyboard.press('r'); // range rings around the selected track
  await page.keyboard.press('?');
  await shot(page, 'help-light');
  await page.keyboard.press('?');
  const replayAt = await page.evaluate(() => window.biac.dataNow - 300_000);
  await page.evaluate((t) => window.biac.enterReplay(t), replayAt);
  await sleep(500);
  const link = page.url();
  assert.match(link, /theme=light/);
  assert.match(link, /sel=\d+/);
  assert.match(link, /hide=dom%3Aair|hide=dom:air/);
  assert.match(link, /[?&]t=\d+/);
  await page.context().close();

  const again = await openPage(user, link.slice(base.length + 1));
  await waitFor('deep link replay', () => again.evaluate(() => window.biac.mode === 'replay' && window.biac.replay.loaded > 0), 20_000);
  const v = await again.evaluate(() => {
    const a = window.biac; const c = a.map.getCenter();
    return { lon: c.lng, lat: c.lat, zoom: a.map.getZoom(), theme: document.documentElement.dataset.theme, sel: a.view.selected,
      hidden: [...a.view.hidden], time: a.replay.now, rings: a.view.rings, panel: document.querySelector('#track-panel')?.dataset.id };
  });
  assert.ok(Math.abs(v.lon - 128.25) < 1e-3 && Math.abs(v.lat - 29.75) < 1e-3, `centre ${v.lon},${v.lat}`);
  assert.ok(Math.abs(v.zoom - 7.5) < 0.01);
  assert.equal(v.theme, 'light');
  assert.equal(v.sel, tid);
  assert.equal(v.panel, String(tid));
  assert.deepEqual(v.hidden, ['dom:air']);
  assert.ok(v.rings !== null);
  assert.ok(Math.abs(v.time - replayAt) < 1000, `replay time ${v.time} vs ${replayAt}`);
  await tap(again, '.tabs button[data-tab="table"]');
  const doms = await again.$$eval('#table-body td[data-col="dom"]', (tds) => tds.map((td) => td.textContent));
  assert.ok(!doms.includes('air'), 'the hidden air layer stays hidden');
  await shot(again, 'deep-link-light');
  assert.deepEqual(again.offOrigin, []);
  await again.context().close();
});

// UAV sensors (docs/api.md "Sensors", web/src/map/sensors.ts): the demo's MQ-9 HUNTER11 feeds
// are SECRET//REL TO USA, JPN, so both analysts get its footprint drawn; every sensor label in
// the page is one the analyst may see, counts in the banner when on screen, and the layers
// panel's "Sensors" switch hides the layer (and keeps it in the URL).
for (const key of ['jpn', 'us']) {
  const user = USERS[key];
  test(`${user.name}: the HUNTER11 footprint and the GMTI detections are drawn`, async () => {
    await waitFor('a HUNTER11 footprint from the node', async () => {
      const r = await rest(user, '/api/v1/sensors');
      return r.status === 200 && r.json().footprints.some((f) => f.callsign === 'HUNTER11' && f.corners);
    }, 120_000, 1000);
    const page = await openPage(user);
    const fp = await waitFor('the footprint drawn in the page', () => page.evaluate(() => {
      const s = window.biac.sensors;
      const f = s.footprints.find((x) => x.callsign === 'HUNTER11' && x.corners);
      return f && s.drawn.footprints > 0 ? f : null;
    }), 60_000, 500);
    assert.equal(fp.corners.length, 4);
    assert.ok(fp.platform && fp.center, 'the platform and the frame centre');
    const d = await page.evaluate(() => {
      const s = window.biac.sensors;
      const all = [...s.footprints, ...s.detections];
      return { labels: [...new Set(all.map((e) => e.label))], sources: [...new Set(all.map((e) => e.source))], drawn: s.drawn };
    });
    for (const l of d.labels) assert.ok(permits(user, l), `${user.name} holds a sensor entry labelled ${l}`);
    assert.ok(!d.sources.includes(user.other));
    if (key === 'jpn') assert.ok(!d.labels.some((l) => l.includes('NOFORN')));
    // On screen (the map fitted to the footprint, a few km across): its label is in the
    // banner's roll-up.
    await page.evaluate((c) => {
      const lons = c.map((p) => p[0]), lats = c.map((p) => p[1]);
      window.biac.map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 200, duration: 0 });
    }, fp.corners);
    await waitFor('the footprint label on screen', () => page.evaluate((l) => {
      const a = window.biac;
      a.updateOnScreen();
      return a.sensors.labelsOnScreen(a.bounds()).includes(l) && JSON.parse(document.getElementById('banner-top').dataset.labels).includes(l);
    }, fp.label), 30_000, 500);
    await waitFor('the footprint drawn here', () => page.evaluate(() => window.biac.sensors.drawn.footprints > 0), 30_000, 500);
    await sleep(1000);
    await shot(page, `sensors-${user.name}`);
    // The layers panel's switch: off hides the layer and goes into the URL.
    await tap(page, '#btn-layers');
    await tap(page, '#layers-panel input[data-layer="lay:sensors"]');
    await waitFor('the layer hidden', () => page.evaluate(() => {
      const a = window.biac; a.redraw(); return a.sensors.drawn.footprints === 0 && a.sensors.labelsOnScreen(a.bounds()).length === 0;
    }), 10_000, 250);
    await waitFor('hide=lay:sensors in the URL', () => /hide=[^&]*lay%3Asensors/.test(page.url()), 5_000, 250);
    assert.deepEqual(page.offOrigin, [], 'requests left the node');
    let gone = page.goneTracks;
    assert.deepEqual(page.errors.filter((e) => !/WebGL|GPU|swiftshader/i.test(e))
      .filter((e) => !(/status of 404/.test(e) && gone-- > 0)), []);
    await page.context().close();
  });
}
