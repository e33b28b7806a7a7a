// optiviz's speed in headless Chromium: `make bench` (or `node tests/browser/bench.mjs` with the
// dev server's binary built and www/pkg in place). It prints a Markdown table for BENCHMARKS.md.
//
// Scenario: 8 runs × 2,000 steps on Rosenbrock, the surface canvas about 1000 × 1000 pixels.
// Measured inside the page with performance.now():
// - frame interval while the animation plays (requestAnimationFrame to requestAnimationFrame);
// - input-to-paint latency: from a slider's `input` event (or a pointer move dragging the start
//   point) to the end of the frame that draws its result (every run re-simulated when the start
//   moves, the one run when its slider moves, then all canvases repainted), and its parts: the
//   input's handler, the wait for the next frame to begin (which any input meets, a frame being
//   painted at the display's next refresh) and that frame's own work;
// - the heatmap: a zoom step, which recomputes the heatmap (at half resolution while the
//   gesture lasts) and contours for the new view; and a surface switch, which computes it at
//   full resolution and re-simulates every run: its latency and parts, and as the display
//   meets it (the longest frame interval from the switch through the frames that choose the
//   runs' rates and simulate them, and how many switches dropped a frame), and from a Chromium
//   trace, the switch's frame task on the main thread and the commit's share of it.
// - loading: what the three pages download (wasm, JavaScript, CSS: raw and gzipped, from the
//   files the page fetched) and the time from navigation to the first frame with the plots
//   painted, over fresh loads of each page on a quiet browser (before anything else runs).
// - the basin map against the same workload written as vectorized numpy
//   (scripts/bench_numpy.py, run with $OPTIVIZ_PYTHON, else python3; noted and skipped where no
//   Python has numpy), its settled starts per minimum beside the page's; then the basin map's
//   ratios (wasm on one worker to native, numpy to the page on every core) from rounds that
//   run each side in turn, as the median of the rounds' ratios, for a fresh page's first map
//   (after the warm-up map the page's pool computes when the basin map's controls open) and
//   for its second.
// Headless Chromium runs without a GPU here, so canvas drawing is done in software.
//
// `node bench.mjs --load` measures only the loading (sizes and first paint).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { root, serve } from './harness.mjs';

const bin = process.env.OPTIVIZ_BIN ?? `${root}target/release/optiviz`;
const { server, base: started } = serve(bin);
const base = await started;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-quic', '--disable-sync'],
});
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};

// Loading: each sample a fresh browser context (nothing cached; the dev server also sends
// Cache-Control: no-store, so the wasm is fetched and compiled on every load, as on a first
// visit), the page at the window size of the rest of the benchmark. Times are from the
// navigation's start (performance.timeOrigin): the first contentful paint (the header's text,
// from the browser's paint timing), the page's mark after the wasm is instantiated
// (`optiviz:wasm-ready`, www/app.js, lab.js and course.js) and its mark at the end of the first
// frame that drew the plots (`optiviz:painted`, www/runs.js; on the course page, the frame that
// shows its sections, course.js).
const LOADS = 15;
const loading = async (path) => {
  const samples = [];
  let files;
  for (let i = 0; i < LOADS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1300 } });
    const p = await context.newPage();
    p.on('pageerror', (e) => console.error('page error:', String(e)));
    await p.goto(`${base}${path}`);
    // The browser reports the first contentful paint once that frame is presented, which can
    // be after a quick page's own mark of its painted frame: both are waited for.
    await p.waitForFunction(() => ['optiviz:painted', 'first-contentful-paint']
      .every((name) => performance.getEntriesByName(name).length > 0), null, { timeout: 30_000 });
    const t = await p.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      return {
        fcp: at('first-contentful-paint'),
        wasmFetched: wasm?.responseEnd,
        ready: at('optiviz:wasm-ready'),
        painted: at('optiviz:painted'),
        files: [location.pathname, ...performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)],
      };
    });
    files = t.files;
    samples.push(t);
    await context.close();
  }
  return { samples, files };
};
const during = process.argv.includes('--during');
const loads = during ? [] : [['/', await loading('')], ['/lab.html', await loading('lab.html')],
  ['/course.html', await loading('course.html')]];

const kb = (n) => (n / 1024).toFixed(1);
const size = (file) => {
  const bytes = readFileSync(`${root}www${file.endsWith('/') ? `${file}index.html` : file}`);
  return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
};
const kindOf = (f) => (f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'JS' : f.endsWith('.css') ? 'CSS'
  : f.endsWith('.html') || f.endsWith('/') ? 'HTML' : 'other');
if (!during) {
console.log('Loading: what each page fetches (KiB; gzip level 9 of the served files), and the time from');
console.log(`navigation to the first frame with the plots painted (${LOADS} fresh loads of each page, ms):`);
console.log('');
console.log('| page | wasm raw / gz | JS raw / gz | CSS raw / gz | wasm + JS + CSS gz | HTML gz |');
console.log('|---|---|---|---|---|---|');
for (const [path, { files }] of loads) {
  const sum = { wasm: [0, 0], JS: [0, 0], CSS: [0, 0], HTML: [0, 0], other: [0, 0] };
  for (const f of new Set(files)) {
    const { raw, gz } = size(f);
    sum[kindOf(f)][0] += raw;
    sum[kindOf(f)][1] += gz;
  }
  const pair = (k) => `${kb(sum[k][0])} / ${kb(sum[k][1])}`;
  console.log(`| ${path} | ${pair('wasm')} | ${pair('JS')} | ${pair('CSS')} | ${kb(sum.wasm[1] + sum.JS[1] + sum.CSS[1])} | ${kb(sum.HTML[1])} |`);
}
console.log('');
console.log('| page: time from navigation (ms) | loads | median | p95 | max |');
console.log('|---|---|---|---|---|');
for (const [path, { samples }] of loads) {
  for (const [key, what] of [['fcp', 'first contentful paint (text)'], ['wasmFetched', 'wasm downloaded'],
    ['ready', 'wasm instantiated'], ['painted', 'plots painted (first frame)']]) {
    const s = stats(samples.map((x) => x[key]));
    console.log(`| ${path}: ${what} | ${s.n} | ${s.median.toFixed(0)} | ${s.p95.toFixed(0)} | ${s.max.toFixed(0)} |`);
  }
}
}
if (process.argv.includes('--load')) {
  await browser.close();
  server.kill();
  process.exit(0);
}
console.log('');

const page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
page.on('crash', () => console.error('the page crashed'));
page.on('pageerror', (e) => console.error('page error:', String(e)));
const runs = ['sgd;lr=0.001', 'momentum;lr=0.001', 'nesterov;lr=0.001', 'adagrad;lr=0.5', 'rmsprop;lr=0.002',
  'adam;lr=0.05', 'nadam;lr=0.01', 'lion;lr=0.01'].map((r) => `run=${r}`).join('&');
await page.goto(`${base}?surface=rosenbrock&steps=2000&speed=250&${runs}`);
await page.waitForSelector('body[data-ready="true"]');

const canvas = await page.evaluate(() => {
  const c = document.getElementById('surface-canvas');
  return `${c.width} × ${c.height}`;
});

// 0. Frames while the workers compute (issue #17): the animation plays from step 0 while a
// 128² basin map, a 50-rate sweep and Tune run on the page's pool; every frame interval from
// the frame that clicks to the first frame after the job's end (its button enabled again),
// and the frame rate as those intervals' count over their sum.
const whileComputing = async (box, button) => page.evaluate(({ box, button }) => new Promise((done) => {
  document.getElementById(box).open = true;
  document.getElementById('reset').click();
  if (document.getElementById('play').getAttribute('aria-pressed') !== 'true') document.getElementById('play').click();
  const run = document.getElementById(button);
  const out = [];
  let last = 0;
  requestAnimationFrame((clicked) => {
    // The click's frame starts the first interval.
    last = clicked;
    const t0 = performance.now();
    run.click();
    const tick = (t) => {
      if (last) out.push(t - last);
      last = t;
      if (!run.disabled && performance.now() - t0 > 50) done({ out, ms: performance.now() - t0 });
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}), { box, button });
const computing = [];
for (const [name, box, button] of [['128² basin map', 'basin-box', 'basin-run'], ['sweep of 50 rates × 8 runs', 'sweep-box', 'sweep-run'],
  ['Tune (8 runs)', 'sweep-box', 'tune-run']]) {
  for (let k = 0; k < 3; k += 1) {
    const { out, ms } = await whileComputing(box, button);
    const prior = computing.find((c) => c.name === name);
    if (prior) {
      prior.out.push(...out);
      prior.ms.push(ms);
    } else computing.push({ name, out, ms: [ms] });
  }
}
const fps = (c) => (1000 * c.out.length) / c.out.reduce((a, b) => a + b, 0);
console.log(`Frames while the workers compute, playing 8 runs (${await page.evaluate(() => navigator.hardwareConcurrency)} cores reported; 3 runs of each job):`);
console.log('');
console.log('| while computing | job (ms, median) | frames/s | frame interval median (ms) | p95 | max |');
console.log('|---|---|---|---|---|---|');
for (const c of computing) {
  const s = stats(c.out);
  console.log(`| ${c.name} | ${stats(c.ms).median.toFixed(0)} | ${fps(c).toFixed(0)} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`);
}
console.log('');
if (during) {
  await browser.close();
  server.kill();
  process.exit(0);
}
{
  const pause0 = page.getByRole('button', { name: 'Pause', exact: true });
  if (await pause0.count()) await pause0.click();
}

// 1. Frame interval while playing.
const frames = await page.evaluate(() => new Promise((done) => {
  const out = [];
  let last = 0;
  const t0 = performance.now();
  const tick = (t) => {
    if (last) out.push(t - last);
    last = t;
    if (t - t0 < 4000) requestAnimationFrame(tick); else done(out);
  };
  requestAnimationFrame(tick);
}));
const pause = page.getByRole('button', { name: 'Pause', exact: true });
if (await pause.count()) await pause.click();

// Measures from an input to the end of the frame that paints it (the page's own frame callback
// is queued first, ours runs right after it in the same frame).
const parts = [];
// `count` inputs on page `on`: each one's latency, and the page's timings of its frame.
// Each input is also split in three: its handler (run at once), the wait for the next frame to
// begin (the frame's requestAnimationFrame time), and that frame's own work up to our callback.
const timed = (on, fire, count) => on.evaluate(({ fire, count }) => new Promise((done) => {
  const out = [];
  const split = [];
  const handler = [];
  const wait = [];
  const frame = [];
  const act = new Function('k', fire);
  const one = (k) => {
    const t0 = performance.now();
    act(k);
    const acted = performance.now();
    requestAnimationFrame((begun) => {
      const end = performance.now();
      out.push(end - t0);
      handler.push(acted - t0);
      wait.push(Math.max(0, begun - acted));
      frame.push(end - Math.max(begun, acted));
      split.push(window.optiviz.timings());
      if (k + 1 < count) setTimeout(() => one(k + 1), 20); else done({ out, split, handler, wait, frame });
    });
  };
  one(0);
}), { fire, count });
const latency = (fire, count) => timed(page, fire, count).then((t) => { parts.push(t.split); return t; });

// The k-th input of a slider sweep (run 6's learning rate) and of a drag of the start marker
// (pointer `id`, pressed at the first).
const slide = `
  const s = document.getElementById('run5-lr');
  s.value = String(-2 + 0.5 * Math.sin(k / 5));
  s.dispatchEvent(new Event('input', { bubbles: true }));`;
const dragWith = (id) => `
  const c = document.getElementById('trajectory-canvas');
  const r = c.getBoundingClientRect();
  const [sx, sy] = window.optiviz.startPixel();
  const x = r.left + sx, y = r.top + sy;
  if (k === 0) c.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: y, pointerId: ${id}, bubbles: true }));
  c.dispatchEvent(new PointerEvent('pointermove', { clientX: x + (k % 2 ? 3 : -3), clientY: y + 2, pointerId: ${id}, bubbles: true }));`;
const slider = await latency(slide, 60);
const drag = await latency(dragWith(7), 60);

const zoom = await latency(`
  const c = document.getElementById('trajectory-canvas');
  const r = c.getBoundingClientRect();
  c.dispatchEvent(new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: k % 2 ? 30 : -30, bubbles: true, cancelable: true }));`, 30);

// The k-th of a run of surface switches, between Rosenbrock and Himmelblau.
const switchSurface = `
  const s = document.getElementById('surface');
  s.value = k % 2 ? 'rosenbrock' : 'himmelblau';
  s.dispatchEvent(new Event('change', { bubbles: true }));`;
const surface = await latency(switchSurface, 10);

const row = (name, xs) => {
  const s = stats(xs);
  return `| ${name} | ${s.n} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`;
};
// A latency row's three parts (see `timed`): the page's work is the handler and the frame's;
// the wait is for the display's next frame, which any input meets, however little it costs.
const splitRows = (t, skip = 0) => [
  row('… of it, the input\'s handler', t.handler.slice(skip)),
  row('… waiting for the next frame to begin', t.wait.slice(skip)),
  row('… that frame\'s work, to drawn', t.frame.slice(skip)),
  row('… the page\'s work: handler and frame', t.handler.map((h, k) => h + t.frame[k]).slice(skip)),
].join('\n');
console.log(`Surface canvas ${canvas} device pixels, 8 runs × 2,000 steps, ${(await browser.version())}.`);
console.log('');
console.log('| measurement (ms) | samples | median | p95 | max |');
console.log('|---|---|---|---|---|');
console.log(row('frame interval while playing', frames));
console.log(row('slider input → painted (one run re-simulated)', slider.out));
console.log(row('start-point drag → painted (8 runs re-simulated)', drag.out));
console.log(row('zoom → painted (heatmap at ½ resolution while zooming, contours)', zoom.out));
console.log(row('surface switch → painted (full-resolution heatmap, 8 runs)', surface.out));
console.log('');
console.log('Where the time goes (median ms of each part of the frame, from the page\'s own timings):');
console.log('');
console.log('| measurement | heatmap + contours + axes | trajectories | chart |');
console.log('|---|---|---|---|');
const names = ['slider input', 'start-point drag', 'zoom', 'surface switch'];
parts.forEach((split, i) => {
  const med = (key) => stats(split.map((t) => t[key])).median.toFixed(1);
  console.log(`| ${names[i]} | ${med('background')} | ${med('foreground')} | ${med('chart')} |`);
});

// The heatmap at 1035² device pixels (issue #17: a surface switch and the end of a zoom paint
// at full resolution within a frame there): the same window at device scale 1.5, the race
// opened paused at its last step. Each switch alternates Rosenbrock and Himmelblau; each zoom
// is one wheel step, after which the page waits for the gesture to end (180 ms without input)
// and draws the heatmap at full resolution: that frame's heatmap + contours + axes part is the
// page's last timing once it is still, and the longest frame interval after the wheel step is
// the frame that drew it.
{
  const hi = await browser.newPage({ viewport: { width: 1440, height: 1300 }, deviceScaleFactor: 1.5 });
  await hi.goto(`${base}?surface=rosenbrock&steps=2000&step=2000&${runs}`);
  await hi.waitForSelector('body[data-ready="true"]');
  const size = await hi.evaluate(() => {
    const c = document.getElementById('surface-canvas');
    return `${c.width} × ${c.height}`;
  });
  // 32 switches, the first 4 left out: the page was just opened, its wasm still in the
  // browser's baseline code.
  const switched = await timed(hi, switchSurface, 32);
  const switches = switched.out.map((ms, k) => [ms, switched.split[k].background]);
  const switchParts = splitRows(switched, 4);
  // A switch as the display meets it: the frame intervals from the frame before the switch
  // (which arrives in a task 4 ms into a frame, as a person's input does) until 400 ms after,
  // through the frames that give the runs their rates and simulate them: the longest of each
  // switch, 16.7 when no frame was dropped, and how many switches dropped one.
  const switchFrames = await hi.evaluate((count) => new Promise((done) => {
    const s = document.getElementById('surface');
    const out = [];
    const one = (k) => {
      const intervals = [];
      let [last, fired] = [0, 0];
      const tick = (t) => {
        if (fired) intervals.push(t - last);
        last = t;
        if (!fired) {
          fired = performance.now();
          setTimeout(() => {
            s.value = k % 2 ? 'rosenbrock' : 'himmelblau';
            s.dispatchEvent(new Event('change', { bubbles: true }));
          }, 4);
        }
        if (performance.now() - fired < 400) requestAnimationFrame(tick);
        else {
          out.push(Math.max(...intervals));
          if (k + 1 < count) setTimeout(() => one(k + 1), 100); else done(out);
        }
      };
      requestAnimationFrame(tick);
    };
    one(0);
  }), 32);
  // The browser's share of a switch's frame, from a Chromium trace of 14 switches (the first 2
  // left out): the frame's whole main-thread task (`ProxyMain::BeginMainFrame`: the page's
  // frame callback, style, layout and paint, and the commit) and, of it, the commit's update
  // of the layers (`LayerTreeHost::DoUpdateLayers`), where software compositing rasterizes what
  // the canvases were drawn with.
  const tracePath = `${tmpdir()}/optiviz-bench-switch-trace.json`;
  await browser.startTracing(hi, { path: tracePath, categories: ['cc', 'blink.user_timing', 'devtools.timeline'] });
  await hi.evaluate((count) => new Promise((done) => {
    const s = document.getElementById('surface');
    const one = (k) => {
      performance.mark(`bench-switch-${k}`);
      s.value = k % 2 ? 'rosenbrock' : 'himmelblau';
      s.dispatchEvent(new Event('change', { bubbles: true }));
      if (k + 1 < count) setTimeout(() => one(k + 1), 250); else setTimeout(done, 250);
    };
    one(0);
  }), 14);
  await browser.stopTracing();
  const traced = JSON.parse(readFileSync(tracePath, 'utf8')).traceEvents;
  const mainThread = traced.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  const onMain = traced.filter((e) => e.ph === 'X' && e.pid === mainThread.pid && e.tid === mainThread.tid).sort((a, b) => a.ts - b.ts);
  const switchFrameParts = traced
    .filter((e) => /^bench-switch-\d+$/.test(e.name))
    .sort((a, b) => a.ts - b.ts)
    .slice(2)
    .map((mark) => {
      const frame = onMain.find((e) => e.ts >= mark.ts && e.name === 'ProxyMain::BeginMainFrame');
      const layers = onMain.find((e) => e.ts >= frame.ts && e.ts <= frame.ts + frame.dur && e.name === 'LayerTreeHost::DoUpdateLayers');
      return [frame.dur / 1000, (layers?.dur ?? 0) / 1000];
    });
  const zooms = await hi.evaluate(() => new Promise((done) => {
    const c = document.getElementById('trajectory-canvas');
    const r = c.getBoundingClientRect();
    const out = [];
    const one = (k) => {
      const intervals = [];
      let last = 0;
      const t0 = performance.now();
      c.dispatchEvent(new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: k % 2 ? 30 : -30, bubbles: true, cancelable: true }));
      const tick = (t) => {
        if (last && t - t0 > 150) intervals.push(t - last);
        last = t;
        if (performance.now() - t0 < 450) requestAnimationFrame(tick);
        else {
          out.push([window.optiviz.timings().background, Math.max(0, ...intervals)]);
          if (k + 1 < 12) one(k + 1); else done(out);
        }
      };
      requestAnimationFrame(tick);
    };
    one(0);
  }));
  await hi.close();
  // The first 4 switches and 2 zooms are left out: the first frames run in the browser's
  // baseline code.
  const [sw, zm] = [switches.slice(4), zooms.slice(2)];
  console.log('');
  console.log(`The heatmap at ${size} device pixels (device scale 1.5), 8 runs × 2,000 steps, paused:`);
  console.log('');
  console.log('| measurement (ms) | samples | median | p95 | max |');
  console.log('|---|---|---|---|---|');
  console.log(row('surface switch → painted', sw.map((x) => x[0])));
  console.log(row('… of it, heatmap + contours + axes', sw.map((x) => x[1])));
  console.log(switchParts);
  const displayed = switchFrames.slice(2);
  console.log(row('surface switch as displayed: its longest frame interval', displayed));
  console.log(`| … switches that dropped a frame (an interval over 20 ms) | ${displayed.filter((ms) => ms > 20).length} of ${displayed.length} | | | |`);
  console.log(row('surface switch, its frame in the browser (trace): the whole main-thread task', switchFrameParts.map((x) => x[0])));
  console.log(row('… of it, the commit\'s layer update (software rasterizing the canvases)', switchFrameParts.map((x) => x[1])));
  console.log(row('zoom end: heatmap + contours + axes at full resolution', zm.map((x) => x[0]).filter((x) => x > 0)));
  console.log(row('zoom end: the frame that draws it (longest interval after the step)', zm.map((x) => x[1])));
  console.log('');
}

// A drag at the longest runs the page allows: 8 runs × 20,000 steps, shown at step 20,000
// (issue #17). The runs are simulated a slice a frame (src/web/progress.rs), so the latency row
// is the frame that shows the new start with as much of each run as its budget allowed. A
// latency row ends before the browser rasterizes what the frame drew; the drag below is the
// whole frame as a person meets it: the mouse pressed on the start marker and moved 40 times
// through the browser's input pipeline, every frame interval recorded until the pointer is up,
// then the frames until every run is whole again.
{
  await page.goto(`${base}?surface=rosenbrock&steps=20000&step=20000&speed=250&${runs}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => window.optiviz.whole());
  await page.waitForTimeout(500);
  const slideLong = await latency(slide, 40);
  const long = await latency(dragWith(8), 40);
  await page.evaluate(() => document.getElementById('trajectory-canvas')
    .dispatchEvent(new PointerEvent('pointerup', { pointerId: 8, bubbles: true })));
  await page.waitForFunction(() => window.optiviz.whole());
  await page.waitForTimeout(500);
  const box = await page.locator('#trajectory-canvas').boundingBox();
  const [px, py] = await page.evaluate(() => window.optiviz.startPixel());
  await page.evaluate(() => {
    window.benchFrames = [];
    let last = 0;
    const tick = (t) => {
      if (last) window.benchFrames.push([t - last, Math.min(...window.optiviz.simulated())]);
      last = t;
      if (!window.benchStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(box.x + px, box.y + py);
  await page.mouse.down();
  await page.mouse.move(box.x + px + 120, box.y + py + 60, { steps: 40 });
  const during = await page.evaluate(() => window.benchFrames.length);
  await page.mouse.up();
  await page.waitForFunction(() => window.optiviz.whole());
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const seen = await page.evaluate(() => { window.benchStop = true; return window.benchFrames; });
  const dragFrames = seen.slice(0, during);
  const fill = seen.slice(during);
  console.log('A drag at 8 runs × 20,000 steps, shown at step 20,000:');
  console.log('');
  console.log('| measurement (ms) | samples | median | p95 | max |');
  console.log('|---|---|---|---|---|');
  console.log(row('slider input → frame drawn (one run, in slices)', slideLong.out));
  console.log(splitRows(slideLong));
  console.log(row('start-point drag → frame drawn (8 runs, in slices)', long.out));
  console.log(splitRows(long));
  console.log(row('frame interval while the mouse drags the start', dragFrames.map((f) => f[0])));
  console.log('');
  const steps = stats(dragFrames.map((f) => f[1]));
  console.log(`Per frame of the drag the shortest run showed ${steps.median} steps (median; p95 ${steps.p95}); `
    + `after the pointer was up every run was whole in ${fill.length} frames (${fill.reduce((a, f) => a + f[0], 0).toFixed(0)} ms).`);
  console.log('');
}

// One 512 × 512 basin map (SGD, lr 0.01, Himmelblau, ≤ 500 steps per start) through the page's
// own worker pool (pool.js, worker.js), rows dealt in chunks as the page deals them: `maps`
// maps in a row on one pool of `workers` fresh workers (evaluated in a page). The pool's
// workers are started and their wasm instantiated before the clock starts, then warmed as the
// page warms its pool when the basin map's controls open (Pool.warm: a small map of the run),
// then left 300 ms, less than a person takes to pick the map's settings: the browser compiles
// a function with its optimizing compiler once the function has run hot, in the background, and
// until then runs it as its baseline compiler made it. Each map's time, and the last one's
// settled starts by minimum. (An older page's pool.js has no warm-up map: WARM_SIZE 0.)
const basinInPage = async ({ workers, maps }) => {
  const { Pool, cores, WARM_SIZE = 0, WARM_STEPS = 0 } = await import('./pool.js');
  const { basin_tasks } = await import('./pkg/optiviz.js');
  const size = workers === 'all' ? cores() : workers;
  const n = 512;
  const q = 'surface=himmelblau&run=sgd;lr=0.01';
  const pool = new Pool(size);
  const [tiny] = JSON.parse(basin_tasks(q, 0, 8, 5, 1, 0));
  await pool.run(Array.from({ length: size }, () => tiny));
  if (WARM_SIZE > 0) {
    await pool.warm(JSON.parse(basin_tasks(q, 0, WARM_SIZE, Math.min(500, WARM_STEPS), size, 0)));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const tasks = JSON.parse(basin_tasks(q, 0, n, 500, size, 0));
  const times = [];
  let settled;
  let minima;
  for (let k = 0; k < maps; k += 1) {
    settled = 0;
    // Settled starts by minimum (code 2 + i), for the numpy version's check below.
    minima = [];
    const t0 = performance.now();
    await pool.run(tasks, {
      part: (_, m) => {
        for (const c of m.cells) {
          if ((c & 0xff) < 2) continue;
          settled += 1;
          minima[(c & 0xff) - 2] = (minima[(c & 0xff) - 2] ?? 0) + 1;
        }
      },
    });
    times.push(performance.now() - t0);
  }
  pool.close();
  return { ms: times[0], times, settled, minima };
};

/**
 * `basinInPage` in a page of its own, opened for it (a new browser context: nothing compiled
 * or cached), so that its first map is the first a person meets on the page: the page compiles
 * its workers' wasm once for all its pools, and what a map leaves optimized, the next runs.
 */
const freshBasin = async (workers, maps = 2) => {
  const p = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
  // Paused at its last step, so that its own frames take no core from the workers.
  await p.goto(`${base}?surface=himmelblau&run=sgd;lr=0.01&steps=100&step=100`);
  await p.waitForSelector('body[data-ready="true"]');
  const result = await p.evaluate(basinInPage, { workers, maps });
  await p.close();
  // The closed page's process takes a core for a while after: a native run started at once
  // took up to 80 ms against its steady 56.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return result;
};

// The comparison views' computations (issue #7), in wasm in this page, against the same
// workloads natively (`optiviz bench`, src/core/bench.rs, one core) in the same run.
const heavy = await page.evaluate(async () => {
  // The whole build (the page's own holds only what its scripts import, and no benchmark), in
  // a second instance of the glue (a module URL of its own), from the same code as the page's.
  const wasm = await import('./pkg/optiviz.js?whole');
  await wasm.default({ module_or_path: new URL('pkg/optiviz_bg.wasm', location.href) });
  const time = (f) => { const t0 = performance.now(); const v = f(); return [performance.now() - t0, v]; };
  wasm.bench_sweep(true); // warm-up
  const sweep = [];
  let sums;
  for (let i = 0; i < 5; i += 1) {
    const [ms, sum] = time(() => wasm.bench_sweep(true));
    sweep.push(ms);
    sums = sum;
  }
  const [sweepNaive, naiveSum] = time(() => wasm.bench_sweep(false));
  const [kernel] = time(() => wasm.bench_adam_kernel(64, 20000, true));
  const [kernelNaive] = time(() => wasm.bench_adam_kernel(64, 20000, false));
  // The page's own worker pool (pool.js, worker.js) for the sweep, as the page deals it. (An
  // older page's pool.js has no warm-up map: WARM_SIZE 0.)
  const { Pool, cores, WARM_SIZE = 0 } = await import('./pool.js');
  const { basin_tasks, sweep_tasks } = await import('./pkg/optiviz.js');
  const warm = async (pool) => {
    // Every worker started, its wasm compiled and instantiated, before the clock starts.
    const [tiny] = JSON.parse(basin_tasks('surface=himmelblau&run=sgd;lr=0.01', 0, 8, 5, 1, 0));
    await pool.run(Array.from({ length: pool.size }, () => tiny));
  };
  // The sweep workload (the 8 optimizers × 50 rates from 1e-4 to 1 × 2,000 steps on Rosenbrock
  // of `bench_sweep`) as the page runs it, in the page's tasks on its pool.
  const sweepPool = async (workers) => {
    const pool = new Pool(workers);
    await warm(pool);
    const kinds = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'nadam', 'lion'];
    const query = `surface=rosenbrock&steps=2000&${kinds.map((k) => `run=${k}`).join('&')}`;
    const lrs = Array.from({ length: 50 }, (_, i) => 10 ** (-4 + 4 * i / 49));
    const tasks = JSON.parse(sweep_tasks(query, Uint32Array.from(kinds, (_, i) => i), Float64Array.from(lrs)));
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const t0 = performance.now();
      await pool.run(tasks);
      times.push(performance.now() - t0);
    }
    pool.close();
    return times.sort((a, b) => a - b)[2];
  };
  const sweepWorkers = await sweepPool(cores());
  return { sweep, sums, sweepNaive, naiveSum, kernel, kernelNaive, sweepWorkers, cores: navigator.hardwareConcurrency, warmed: WARM_SIZE > 0 };
});
/** `optiviz bench`: the workloads natively on one core, as JSON (src/core/bench.rs). */
const nativeBench = () => new Promise((resolve, reject) => {
  const p = spawn(bin, ['bench', '--size', '512'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`optiviz bench exited ${code}`))));
});
// The same basin map written as vectorized numpy (scripts/bench_numpy.py), as a user would
// write it instead of using the page; skipped with a note where no Python has numpy.
const python = process.env.OPTIVIZ_PYTHON || 'python3';
const numpyBench = (repeat) => new Promise((resolve) => {
  const p = spawn(python, [`${root}scripts/bench_numpy.py`, '--size', '512', '--repeat', String(repeat)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { err += d; });
  p.on('error', (e) => resolve({ error: String(e) }));
  p.on('close', (code) => resolve(code === 0 ? JSON.parse(out) : { error: err.trim() || `exited ${code}` }));
});
heavy.one = await page.evaluate(basinInPage, { workers: 1, maps: 1 });
heavy.two = await page.evaluate(basinInPage, { workers: 'all', maps: 1 });
const native = await nativeBench();
const numpy = await numpyBench(3);
// The basin map's ratios from rounds that take each side in turn: on a shared virtual machine
// one figure alone swings by ±30%, and a ratio of two figures taken minutes apart by more.
const ROUNDS = 5;
const rounds = [];
for (let i = 0; i < ROUNDS; i += 1) {
  const [one, oneAgain] = (await freshBasin(1)).times;
  const nat = (await nativeBench()).basin.ms;
  const [all, allAgain] = (await freshBasin('all')).times;
  const np = numpy.error ? undefined : (await numpyBench(1)).ms;
  rounds.push({ one, oneAgain, nat, all, allAgain, np });
}
if (heavy.sums !== heavy.naiveSum) throw new Error(`batched and naive sweeps differ: ${heavy.sums} vs ${heavy.naiveSum}`);
if (heavy.one.settled !== heavy.two.settled) throw new Error('the basin maps on 1 and 2 workers differ');
const sweepMs = stats(heavy.sweep).median;
const WARMED = heavy.warmed;
const r = (a, b) => (a / b).toFixed(2);
console.log('');
console.log(`Comparison views (issue #7), wasm in this page (${heavy.cores} cores reported) against \`optiviz bench\` natively on one core:`);
console.log('');
console.log('| computation | wasm (ms) | native (ms) | wasm / native | naive / batched (wasm) |');
console.log('|---|---|---|---|---|');
console.log(`| basin map 512² × ≤ 500 steps, 1 worker | ${heavy.one.ms.toFixed(0)} | ${native.basin.ms.toFixed(0)} | ${r(heavy.one.ms, native.basin.ms)} | |`);
console.log(`| basin map 512² × ≤ 500 steps, ${heavy.cores} workers | ${heavy.two.ms.toFixed(0)} | | | |`);
console.log(`| sweep 8 optimizers × 50 rates × 2,000 steps (median of 5) | ${sweepMs.toFixed(1)} | ${native.sweep.ms.toFixed(1)} | ${r(sweepMs, native.sweep.ms)} | ${r(heavy.sweepNaive, sweepMs)} |`);
console.log(`| the same sweep through the page's ${heavy.cores} workers (median of 5) | ${heavy.sweepWorkers.toFixed(1)} | | | |`);
const ns = (ms) => (ms * 1e6 / (64 * 20000)).toFixed(1);
console.log(`| Adam step kernel, 64 runs × 20,000 steps (ns per step) | ${ns(heavy.kernel)} | ${native.adam_kernel.ns_per_step.toFixed(1)} | ${r(heavy.kernel * 1e6 / (64 * 20000), native.adam_kernel.ns_per_step)} | ${r(heavy.kernelNaive, heavy.kernel)} |`);
if (numpy.error) {
  console.log(`| basin map 512², vectorized numpy (scripts/bench_numpy.py) | not run: ${numpy.error} | | | |`);
} else {
  console.log(`| basin map 512², vectorized numpy (scripts/bench_numpy.py, numpy ${numpy.numpy}, median of 3) | ${numpy.ms.toFixed(0)} | | | |`);
}
console.log(`Native naive / batched: sweep ${r(native.sweep.naive_ms, native.sweep.ms)}, Adam kernel ${r(native.adam_kernel.naive_ns_per_step, native.adam_kernel.ns_per_step)}, basin band of ${native.basin.band_rows} rows ${r(native.basin.band_naive_ms, native.basin.band_batched_ms)}.`);
console.log(`Settled starts in the basin map: ${heavy.two.settled} of ${512 * 512} (the same on 1 and ${heavy.cores} workers).`);
if (!numpy.error) {
  console.log(`The page's basin map on ${heavy.cores} workers is ${r(numpy.ms, heavy.two.ms)}× as fast as numpy's (on 1 worker ${r(numpy.ms, heavy.one.ms)}×);`
    + ` settled starts at each minimum, page ${heavy.two.minima.join(' / ')}, numpy ${numpy.counts.minima.join(' / ')}`
    + ` (numpy settled ${numpy.settled}).`);
}
console.log('');
console.log(`The basin map 512² in ${ROUNDS} rounds, each side in turn (ms); each wasm figure is a fresh page's first map${WARMED ? ' (after the page\'s warm-up map)' : ''}, then its second:`);
console.log('');
console.log(`| round | wasm, 1 worker: first, second | native | wasm / native: first, second | wasm, ${heavy.cores} workers: first, second | numpy | numpy / wasm on ${heavy.cores}: first, second |`);
console.log('|---|---|---|---|---|---|---|');
const med = (xs) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1];
const cell = (v) => (v === undefined ? '' : v.toFixed(0));
const both = (a, b) => `${cell(a)}, ${cell(b)}`;
rounds.forEach((x, i) => console.log(`| ${i + 1} | ${both(x.one, x.oneAgain)} | ${cell(x.nat)} | ${r(x.one, x.nat)}, ${r(x.oneAgain, x.nat)} | ${both(x.all, x.allAgain)} | ${cell(x.np)} | ${x.np === undefined ? '' : `${r(x.np, x.all)}, ${r(x.np, x.allAgain)}`} |`));
const of = (key) => med(rounds.map((x) => x[key]));
const ratio = (a, b) => med(rounds.map((x) => x[a] / x[b])).toFixed(2);
const hasNumpy = rounds.every((x) => x.np !== undefined);
console.log(`| median (of the rounds' figures and ratios) | ${both(of('one'), of('oneAgain'))} | ${cell(of('nat'))} | ${ratio('one', 'nat')}, ${ratio('oneAgain', 'nat')} | ${both(of('all'), of('allAgain'))} | ${hasNumpy ? cell(of('np')) : ''} | ${hasNumpy ? `${ratio('np', 'all')}, ${ratio('np', 'allAgain')}` : ''} |`);
await browser.close();
server.kill();
