#!/usr/bin/env node
// The web page under load (issue 6, "Performance"): 100,000 live tracks updating at 1 Hz, in
// headless Chromium with WebGL2 in software (ANGLE on SwiftShader). Measures, in the page:
//   - frames per second while panning (requestAnimationFrame count during a scripted mouse drag);
//   - the longest main-thread task (PerformanceObserver 'longtask') during the pan and a zoom;
//   - page memory: performance.measureUserAgentSpecificMemory() (the page's JS and DOM), the JS
//     heap (CDP Performance.getMetrics), and the resident memory of the page's renderer process
//     and of the GPU process (which holds the software-rendered WebGL buffers), from /proc;
//   - the time to handle one stream message (decode 100,000 records into the store, rebuild the
//     layers' buffers), by wrapping the store's applyBinary.
// The node is replaced by bench/web/stand_in.mjs (same binary stream form, no fusion), so the
// figures are the page's own. Targets: >= 30 fps while panning, page memory <= 1 GB, no task
// over 100 ms during pan and zoom. Prints a readable summary and JSON (medians over --runs).
//
//   cd web && npm run build && cd .. && node bench/web/web_perf.mjs [--tracks 100000] [--runs 3]
//     [--pan-seconds 10] [--zoom-steps 6] [--width 1366] [--height 768] [--json out.json]
//     [--chromium /usr/bin/chromium] [--dist DIR] [--query '?pick=cpu'] [--serve]
//     [--profile FILE] [--trace FILE] [--screenshot FILE] [--cpus LIST]
//   --dist: the built page (default web/dist); --query: appended to the page URL (e.g.
//   '?dense=dots': a dot per track instead of the decimated image); --serve: only run the
//   stand-in and print its URL; --screenshot: the page before the pan, FILE.<run>.png;
//   --cpus: run the browser on these CPUs only (taskset's list, e.g. '1'): a machine with fewer
//   free cores, reproducibly (the stand-in stays on every CPU).
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync,
         existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStandIn } from './stand_in.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = parseArgs(process.argv.slice(2));
const opt = {
  tracks: Number(args.tracks ?? 100_000),
  runs: Number(args.runs ?? 3),
  panSeconds: Number(args['pan-seconds'] ?? 10),
  zoomSteps: Number(args['zoom-steps'] ?? 6),
  warmSeconds: Number(args['warm-seconds'] ?? 5),
  width: Number(args.width ?? 1366),
  height: Number(args.height ?? 768),
  chromium: args.chromium ?? '/usr/bin/chromium',
  dist: resolve(args.dist ?? join(root, 'web/dist')),
  json: args.json,
  query: args.query ?? '',
  profile: args.profile,   // write a JS CPU profile of the pan+zoom (CDP Profiler) and summarise it
  trace: args.trace,       // write a Chrome trace of the pan (CDP Tracing) and summarise it
  screenshot: args.screenshot,  // save a screenshot of the page before the pan (FILE.<run>.png)
  cpus: args.cpus,         // taskset CPU list for the browser (every process of it), or none
};

const TARGET_FPS = 30;
const TARGET_MEMORY = 1 << 30;
const TARGET_TASK_MS = 100;
const LOAD_TIMEOUT_MS = 180_000;

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    if (!list[i].startsWith('--')) continue;
    const k = list[i].slice(2);
    out[k] = i + 1 < list.length && !list[i + 1].startsWith('--') ? list[++i] : true;
  }
  return out;
}

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resident memory (VmRSS, bytes) of the renderer and GPU processes below `rootPid`, from /proc.
function processMemory(rootPid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const tree = [];
  const walk = (pid) => { for (const c of children.get(pid) ?? []) { tree.push(c); walk(c); } };
  walk(rootPid);
  let renderer = 0, gpu = 0;
  for (const pid of tree) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      if (cmd.includes('--type=renderer')) renderer = Math.max(renderer, rss);
      else if (cmd.includes('--type=gpu-process')) gpu = Math.max(gpu, rss);
    } catch { /* gone */ }
  }
  return { renderer, gpu };
}

// Installed before the page's own scripts: long tasks and a hook to time stream messages.
function pageInit() {
  const b = { longtasks: [], messages: [] };
  window.__bench = b;
  const take = (entries) => {
    for (const e of entries) b.longtasks.push({ start: e.startTime, duration: e.duration });
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'longtask', buffered: true });
  // The entries of a long task that just ended are queued for the observer's next callback,
  // which runs after the script that reads them (the phases' page.evaluate): take them first.
  b.flushLongTasks = () => take(observer.takeRecords());
  // Wrap TrackStore.applyBinary (the page decodes: `?decode=page`, or no worker) and
  // adoptFrame (the worker decoded; `workerMs` is its decoding and copying time) once the page
  // exposes its store (window.biac.store): `ms` is the main thread's time, listeners included.
  const hook = setInterval(() => {
    const store = window.biac?.store;
    if (!store || store.__benchWrapped) return;
    const proto = Object.getPrototypeOf(store);
    const apply = proto.applyBinary;
    proto.applyBinary = function (buf) {
      const t0 = performance.now();
      const ok = apply.call(this, buf);
      b.messages.push({ at: t0, ms: performance.now() - t0, bytes: buf.byteLength, workerMs: 0 });
      return ok;
    };
    const adopt = proto.adoptFrame;
    if (adopt) {
      proto.adoptFrame = function (frame) {
        const t0 = performance.now();
        const old = adopt.call(this, frame);
        b.messages.push({ at: t0, ms: performance.now() - t0, bytes: 0, workerMs: frame.decodeMs,
                          coalesced: frame.messages });
        return old;
      };
    }
    store.__benchWrapped = true;
    clearInterval(hook);
  }, 5);
}

// With --cpus: a launcher script that runs the browser under taskset (its child processes inherit
// the affinity). Returns the executable to launch and its clean-up.
function browserExecutable() {
  if (!opt.cpus) return { path: opt.chromium, done: () => {} };
  if (!/^[0-9,-]+$/.test(String(opt.cpus))) {
    throw new Error(`--cpus ${opt.cpus}: a CPU list such as 1 or 0-1`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'web-perf-'));
  const path = join(dir, 'chromium');
  writeFileSync(path, `#!/bin/sh\nexec taskset -c ${opt.cpus} ${opt.chromium} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function oneRun(chromium, standIn, run, executablePath) {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist', '--enable-blink-features=ForceEagerMeasureMemory',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      // Off the network: nothing but the stand-in on 127.0.0.1.
      '--disable-background-networking', '--no-first-run', '--disable-component-update',
      '--disable-sync', '--disable-default-apps', '--metrics-recording-only',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: opt.width, height: opt.height } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(pageInit);
    await page.goto(standIn.url + opt.query);
    // Log in through the page's form when it shows one.
    const user = page.locator('#login-user');
    if (await user.isVisible({ timeout: 10_000 }).catch(() => false)) {
      await user.fill('bench');
      await page.fill('#login-password', 'bench');
      await page.press('#login-password', 'Enter');
    }
    const loadStart = Date.now();
    await page.waitForFunction((n) => (window.biac?.store?.size ?? 0) >= n, opt.tracks,
                               { timeout: LOAD_TIMEOUT_MS, polling: 200 });
    const loadMs = Date.now() - loadStart;
    // The basemap drawn (its land/borders data set and the view's tiles loaded): its shaders are
    // compiled on its first draw, a start-up cost and not the pan's.
    await page.waitForFunction(() => {
      const m = window.biac?.map;
      return !m || (m.getContainer().dataset.basemap === 'loaded' && m.areTilesLoaded());
    }, null, { timeout: LOAD_TIMEOUT_MS, polling: 200 }).catch(() => {});
    await sleep(opt.warmSeconds * 1000);

    // The renderer, asked of the page's own deck.gl context. A probe context of the bench's own
    // (a canvas made here) is garbage once asked, and Blink destroys it when its GC sweeps it,
    // at some point of the pan or zoom: the destruction waits for the GPU process to finish all
    // its queued work (CommandBufferHelper::Finish), a 7 s task in a trace with the browser on
    // one CPU (session 10). So the probe, when the page has no context, is released at once.
    const renderer = await page.evaluate(() => {
      const own = window.biac?.overlay?._deck?.device?.gl ?? null;
      const gl = own ?? document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no WebGL2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const name = ext
        ? `${gl.getParameter(ext.UNMASKED_VENDOR_WEBGL)} / ${gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)}`
        : gl.getParameter(gl.RENDERER);
      if (!own) gl.getExtension('WEBGL_lose_context')?.loseContext();
      return name;
    });

    if (opt.screenshot) await page.screenshot({ path: `${opt.screenshot}.${run}.png` });

    // The track table's refresh (filter and order of every track, the rows in the DOM), timed in
    // the page: as it runs each second (only in view, by id) and at its worst (every track, by
    // age), 5 times each, median.
    const table = await page.evaluate(() => {
      const app = window.biac;
      if (!app?.table) return null;
      const time = () => {
        const ms = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          app.table.refresh(true);
          ms.push(performance.now() - t0);
        }
        ms.sort((a, b) => a - b);
        return { ms: ms[2], count: Number(document.getElementById('table-count')?.dataset.count ?? NaN) };
      };
      const saved = { inView: app.view.inView, sort: app.view.sort, desc: app.view.sortDesc };
      const inView = time();
      app.view.inView = false; app.view.sort = 'age'; app.view.sortDesc = true;
      const all = time();
      Object.assign(app.view, { inView: saved.inView, sort: saved.sort, sortDesc: saved.desc });
      app.table.refresh(true);
      return { inView, all };
    });

    // The page's deck.gl canvas: whether it multisamples (a context attribute).
    const deckAntialias = await page.evaluate(() =>
      window.biac?.overlay?._deck?.device?.gl?.getContextAttributes?.()?.antialias ?? null);

    // Pan: a mouse drag in a circle (radius 150 px) around the window's centre for panSeconds,
    // while requestAnimationFrame counts frames.
    const cx = opt.width / 2, cy = opt.height / 2, radius = 150;
    await page.evaluate(() => {
      const b = window.__bench;
      b.frames = [];
      b.counting = true;
      b.phaseStart = performance.now();
      const tick = (t) => { if (b.counting) { b.frames.push(t); requestAnimationFrame(tick); } };
      requestAnimationFrame(tick);
    });
    const cdpProbe = (opt.profile || opt.trace) ? await context.newCDPSession(page) : null;
    if (opt.profile) {
      await cdpProbe.send('Profiler.enable');
      await cdpProbe.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdpProbe.send('Profiler.start');
    }
    if (opt.trace) await startTrace(cdpProbe);
    await page.mouse.move(cx + radius, cy);
    await page.mouse.down();
    const panStart = Date.now();
    while (Date.now() - panStart < opt.panSeconds * 1000) {
      const a = ((Date.now() - panStart) / 1000) * Math.PI;  // half a turn per second
      await page.mouse.move(cx + radius * Math.cos(a), cy + radius * Math.sin(a));
      await sleep(8);
    }
    // End the drag away from where it began: a drag that ends within MapLibre's click
    // tolerance of its start is a click, which would select a track.
    await page.mouse.move(cx - radius, cy);
    await page.mouse.up();
    const pan = await page.evaluate(() => {
      const b = window.__bench;
      b.counting = false;
      b.flushLongTasks();
      const f = b.frames;
      const gaps = [];
      for (let i = 1; i < f.length; i++) gaps.push(f[i] - f[i - 1]);
      gaps.sort((x, y) => x - y);
      const q = (p) => gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] : NaN;
      const seconds = (f[f.length - 1] - f[0]) / 1000;
      const tasks = b.longtasks.filter((t) => t.start >= b.phaseStart);
      return { fps: (f.length - 1) / seconds, frames: f.length, frameP50: q(0.5), frameP95: q(0.95),
               frameMax: gaps[gaps.length - 1] ?? NaN,
               longTaskMax: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
               longTasks: tasks.length, phaseStart: b.phaseStart };
    });

    // Zoom: wheel steps in, then out, 400 ms apart (MapLibre animates each).
    const zoomPhase = await page.evaluate(() => performance.now());
    await page.mouse.move(cx, cy);
    for (let i = 0; i < opt.zoomSteps; i++) {
      await page.mouse.wheel(0, i < opt.zoomSteps / 2 ? -240 : 240);
      await sleep(400);
    }
    await sleep(500);
    const zoom = await page.evaluate((start) => {
      window.__bench.flushLongTasks();
      const tasks = window.__bench.longtasks.filter((t) => t.start >= start);
      return { longTaskMax: tasks.reduce((m, t) => Math.max(m, t.duration), 0), longTasks: tasks.length };
    }, zoomPhase);

    if (opt.profile) {
      const { profile } = await cdpProbe.send('Profiler.stop');
      writeFileSync(`${opt.profile}.${run}.cpuprofile`, JSON.stringify(profile));
      console.error(summariseProfile(profile));
    }
    if (opt.trace) {
      const events = await stopTrace(cdpProbe);
      writeFileSync(`${opt.trace}.${run}.json`, JSON.stringify({ traceEvents: events }));
      console.error(summariseTrace(events));
    }
    const messages = await page.evaluate((start) =>
      window.__bench.messages.filter((m) => m.at >= start), pan.phaseStart);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics
      .map((m) => [m.name, m.value]));
    const ua = await page.evaluate(async () => {
      if (!self.crossOriginIsolated || !performance.measureUserAgentSpecificMemory) return null;
      const r = await Promise.race([performance.measureUserAgentSpecificMemory(),
                                    new Promise((res) => setTimeout(() => res(null), 30_000))]);
      return r ? r.bytes : null;
    });
    const proc = processMemory(process.pid);  // the browser is a child of this process
    const storeSize = await page.evaluate(() => window.biac?.store?.size ?? 0);
    const r = {
      run, renderer, deckAntialias, storeSize, loadMs, pan, zoom, table,
      panZoomLongTaskMax: Math.max(pan.longTaskMax, zoom.longTaskMax),
      messageMs: { median: median(messages.map((m) => m.ms)),
                   max: messages.reduce((a, m) => Math.max(a, m.ms), 0), count: messages.length,
                   bytes: median(messages.map((m) => m.bytes)),
                   workerMedian: median(messages.map((m) => m.workerMs)) },
      memory: { userAgentSpecific: ua, jsHeapUsed: metrics.JSHeapUsedSize,
                jsHeapTotal: metrics.JSHeapTotalSize, rendererRss: proc.renderer, gpuRss: proc.gpu },
      pageErrors: errors.slice(0, 5),
    };
    await context.close();
    return r;
  } finally {
    await browser.close();
  }
}

// ---- profiling (--profile, --trace) ----

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame', 'gpu', 'blink', 'v8.execute', 'toplevel'];

async function startTrace(cdp) {
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES },
                                     transferMode: 'ReportEvents' });
}

function stopTrace(cdp) {
  const events = [];
  return new Promise((resolveTrace) => {
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    cdp.once('Tracing.tracingComplete', () => resolveTrace(events));
    void cdp.send('Tracing.end');
  });
}

// Where the JS time went: self time by function and by bundle part (deck.gl, luma.gl, MapLibre,
// the page's own code), from a CDP CPU profile.
function summariseProfile(p) {
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const byFn = new Map();
  let total = 0;
  for (const n of p.nodes) {
    const ms = dt.get(n.id) ?? 0;
    if (!ms) continue;
    total += ms;
    const f = n.callFrame;
    const url = f.url.replace(/^.*\//, '');
    const k = `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    byFn.set(k, (byFn.get(k) ?? 0) + ms);
  }
  const top = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30);
  const idle = byFn.get('(idle) :0:0') ?? 0;
  return `CPU profile: ${total.toFixed(0)} ms sampled (${idle.toFixed(0)} ms idle); self time, top 30:\n` +
         top.map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms  ${k}`).join('\n');
}

// Main-thread tasks and their composition, GPU-process time, frames, from a trace.
function summariseTrace(events) {
  const byThread = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') byThread.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  const mainKeys = new Set([...byThread].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mainKeys.has(`${e.pid}:${e.tid}`));
  tasks.sort((a, b) => b.dur - a.dur);
  const inside = (t) => events.filter((e) => e.ph === 'X' && e.pid === t.pid && e.tid === t.tid &&
                                         e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e !== t);
  const over = (ms) => tasks.filter((t) => t.dur > ms * 1000).length;
  const lines = [`trace: ${events.length} events; main-thread tasks over 50 ms: ${over(50)}, ` +
                 `over 100 ms: ${over(100)}; the longest:`];
  for (const t of tasks.slice(0, 5)) {
    const parts = new Map();
    for (const e of inside(t)) {
      if (!['FunctionCall', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'V8.GC_SCAVENGER',
            'MajorGC', 'MinorGC', 'Layout', 'UpdateLayoutTree', 'Paint', 'v8.callFunction',
            'WebGLRenderingContext', 'ParseHTML', 'BeginMainThreadFrame', 'UpdateLayer',
            'HitTest', 'GPUTask', 'CommandBufferProxyImpl::Flush', 'v8.run', 'V8.Execute']
            .includes(e.name) && !e.name.startsWith('V8.GC')) continue;
      const k = e.name + (e.args?.data?.functionName ? ` ${e.args.data.functionName}` : '') +
                (e.args?.data?.url ? ` ${String(e.args.data.url).replace(/^.*\//, '')}` : '') +
                (e.args?.data?.type ? ` ${e.args.data.type}` : '');
      parts.set(k, (parts.get(k) ?? 0) + e.dur / 1000);
    }
    lines.push(`  task ${(t.dur / 1000).toFixed(0)} ms: ` +
               [...parts].sort((a, b) => b[1] - a[1]).slice(0, 6)
                 .map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join('; '));
  }
  // CPU busy time per process/thread name, to show the GPU process's share.
  const busy = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    if (!['RunTask', 'ThreadControllerImpl::RunTask'].includes(e.name)) continue;
    const k = `${byThread.get(`${e.pid}:${e.tid}`) ?? e.tid} (pid ${e.pid})`;
    busy.set(k, (busy.get(k) ?? 0) + e.dur / 1000);
  }
  lines.push('busy time by thread (RunTask):');
  for (const [k, ms] of [...busy].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    lines.push(`  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  }
  // Garbage collection by thread: a major GC on the page's main thread is a long task of its own.
  const gc = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || (e.name !== 'MajorGC' && e.name !== 'MinorGC')) continue;
    const k = `${e.name} on ${byThread.get(`${e.pid}:${e.tid}`) ?? e.tid} (pid ${e.pid})`;
    const g = gc.get(k) ?? { count: 0, ms: 0, max: 0 };
    g.count++; g.ms += e.dur / 1000; g.max = Math.max(g.max, e.dur / 1000);
    gc.set(k, g);
  }
  lines.push('garbage collection (count, total, longest):');
  for (const [k, g] of [...gc].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6)) {
    lines.push(`  ${String(g.count).padStart(4)} x ${g.ms.toFixed(0).padStart(5)} ms, ` +
               `longest ${g.max.toFixed(0)} ms  ${k}`);
  }
  return lines.join('\n');
}

const MB = (b) => (b == null || !Number.isFinite(b) ? 'n/a' : `${(b / 1048576).toFixed(0)} MB`);

async function main() {
  if (!existsSync(join(opt.dist, 'index.html'))) {
    console.error(`no ${opt.dist}/index.html: build the page first (cd web && npm run build)`);
    process.exit(2);
  }
  const standIn = await startStandIn({ dist: opt.dist, tracks: opt.tracks });
  if (args.serve) {
    console.log(`stand-in serving ${opt.dist} with ${opt.tracks} tracks at ${standIn.url}`);
    return;
  }
  const { chromium } = await import(pathToFileURL(join(root, 'web/node_modules/playwright-core/index.mjs')).href);
  const runs = [];
  const exe = browserExecutable();
  try {
    for (let i = 1; i <= opt.runs; i++) {
      const r = await oneRun(chromium, standIn, i, exe.path);
      runs.push(r);
      console.error(`run ${i}: ${r.pan.fps.toFixed(1)} fps panning, longest task ${r.panZoomLongTaskMax.toFixed(0)} ms, ` +
                    `table ${r.table?.inView.ms.toFixed(1)}/${r.table?.all.ms.toFixed(1)} ms, ` +
                    `renderer ${MB(r.memory.rendererRss)}, gpu ${MB(r.memory.gpuRss)}, message ${r.messageMs.median.toFixed(0)} ms`);
    }
  } finally {
    exe.done();
    await standIn.close();
  }
  const m = (f) => median(runs.map(f));
  const summary = {
    page: opt.dist + opt.query,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '',
               browserCpus: opt.cpus ?? 'all', loadAverage1m: loadavg()[0] },
    renderer: runs[0]?.renderer, tracks: opt.tracks, updateHz: 1, runs: runs.length,
    window: `${opt.width}x${opt.height}`, panSeconds: opt.panSeconds,
    fpsPanning: m((r) => r.pan.fps), frameP95Ms: m((r) => r.pan.frameP95),
    longestTaskPanZoomMs: m((r) => r.panZoomLongTaskMax),
    longTasksPan: m((r) => r.pan.longTasks), longTasksZoom: m((r) => r.zoom.longTasks),
    messageHandlingMs: m((r) => r.messageMs.median), messageHandlingMaxMs: m((r) => r.messageMs.max),
    messageBytes: m((r) => r.messageMs.bytes),
    messageWorkerMs: m((r) => r.messageMs.workerMedian),
    memory: { userAgentSpecific: m((r) => r.memory.userAgentSpecific ?? NaN),
              jsHeapUsed: m((r) => r.memory.jsHeapUsed), rendererRss: m((r) => r.memory.rendererRss),
              gpuRss: m((r) => r.memory.gpuRss) },
    loadMs: m((r) => r.loadMs),
    tableRefreshMs: { inView: m((r) => r.table?.inView.ms ?? NaN), all: m((r) => r.table?.all.ms ?? NaN) },
  };
  const pageMemory = summary.memory.rendererRss + summary.memory.gpuRss;
  summary.targets = {
    fps: { target: `>= ${TARGET_FPS}`, value: summary.fpsPanning, met: summary.fpsPanning >= TARGET_FPS },
    memory: { target: '<= 1 GB (renderer + GPU process resident)', value: pageMemory,
              met: pageMemory <= TARGET_MEMORY },
    longTask: { target: `<= ${TARGET_TASK_MS} ms`, value: summary.longestTaskPanZoomMs,
                met: summary.longestTaskPanZoomMs <= TARGET_TASK_MS },
  };
  const out = { summary, runs };
  const text = JSON.stringify(out, null, 2);
  if (opt.json) writeFileSync(opt.json, text);
  console.log(text);
  const ok = (b) => (b ? 'met' : 'NOT met');
  console.log(`
web page under load: ${opt.tracks} tracks at 1 Hz, ${opt.width}x${opt.height}, medians of ${runs.length} runs
  page:                ${summary.page}
  machine:             ${summary.machine.cpus} CPUs (${summary.machine.cpuModel})${opt.cpus ? ` (the browser on CPU ${opt.cpus} only)` : ''}, load average ${summary.machine.loadAverage1m.toFixed(1)} at the end
  renderer:            ${summary.renderer}
  frames while panning ${summary.fpsPanning.toFixed(1)} fps (frame p95 ${summary.frameP95Ms.toFixed(0)} ms)  target >= ${TARGET_FPS}: ${ok(summary.targets.fps.met)}
  longest task, pan+zoom ${summary.longestTaskPanZoomMs.toFixed(0)} ms  target <= ${TARGET_TASK_MS} ms: ${ok(summary.targets.longTask.met)} (tasks over 50 ms: ${summary.longTasksPan} in the pan, ${summary.longTasksZoom} in the zoom)
  page memory          renderer ${MB(summary.memory.rendererRss)} + GPU process ${MB(summary.memory.gpuRss)} = ${MB(pageMemory)}  target <= 1 GB: ${ok(summary.targets.memory.met)}
                       (JS+DOM by measureUserAgentSpecificMemory ${MB(summary.memory.userAgentSpecific)}, JS heap ${MB(summary.memory.jsHeapUsed)})
  one stream message   ${summary.messageHandlingMs.toFixed(0)} ms median, ${summary.messageHandlingMaxMs.toFixed(0)} ms max on the main thread (store + listeners${summary.messageWorkerMs > 0 ? `; decoded in the worker: ${summary.messageWorkerMs.toFixed(0)} ms median there` : `; decoded on the page, ${MB(summary.messageBytes)}`})
  first picture        ${(summary.loadMs / 1000).toFixed(1)} s from login to ${opt.tracks} tracks in the store
  table refresh        ${summary.tableRefreshMs.inView.toFixed(1)} ms (only in view, by id), ${summary.tableRefreshMs.all.toFixed(1)} ms (every track, by age)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
