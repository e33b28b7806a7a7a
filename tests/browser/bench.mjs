// optiviz's speed in headless Chromium: `make bench` (or `node tests/browser/bench.mjs` with the
// dev server's binary built and www/pkg in place). It prints a Markdown table for BENCHMARKS.md.
//
// Scenario: 8 runs × 2,000 steps on Rosenbrock, the surface canvas about 1000 × 1000 pixels.
// Measured inside the page with performance.now():
// - frame interval while the animation plays (requestAnimationFrame to requestAnimationFrame);
// - input-to-paint latency: from a slider's `input` event (or a pointer move dragging the start
//   point) to the end of the frame that draws its result (every run re-simulated when the start
//   moves, the one run when its slider moves, then all canvases repainted);
// - the heatmap: a zoom step, which recomputes the heatmap (at half resolution while the
//   gesture lasts) and contours for the new view; and a surface switch, which computes it at
//   full resolution and re-simulates every run.
// Headless Chromium runs without a GPU here, so canvas drawing is done in software.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const bin = process.env.OPTIVIZ_BIN ?? `${root}target/release/optiviz`;
const server = spawn(bin, ['serve', `${root}www`, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) => server.stdout.on('data', (d) => {
  const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d));
  if (m) resolve(m[0]);
}));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-quic', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
const runs = ['sgd;lr=0.001', 'momentum;lr=0.001', 'nesterov;lr=0.001', 'adagrad;lr=0.5', 'rmsprop;lr=0.002',
  'adam;lr=0.05', 'nadam;lr=0.01', 'lion;lr=0.01'].map((r) => `run=${r}`).join('&');
await page.goto(`${base}?surface=rosenbrock&steps=2000&speed=250&${runs}`);
await page.waitForSelector('body[data-ready="true"]');

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};

const canvas = await page.evaluate(() => {
  const c = document.getElementById('surface-canvas');
  return `${c.width} × ${c.height}`;
});

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
const latency = (fire, count) => page.evaluate(({ fire, count }) => new Promise((done) => {
  const out = [];
  const split = [];
  const act = new Function('k', fire);
  const one = (k) => {
    const t0 = performance.now();
    act(k);
    requestAnimationFrame(() => {
      out.push(performance.now() - t0);
      split.push(window.optiviz.timings());
      if (k + 1 < count) setTimeout(() => one(k + 1), 20); else done({ out, split });
    });
  };
  one(0);
}), { fire, count }).then(({ out, split }) => { parts.push(split); return out; });

const slider = await latency(`
  const s = document.getElementById('run5-lr');
  s.value = String(-2 + 0.5 * Math.sin(k / 5));
  s.dispatchEvent(new Event('input', { bubbles: true }));`, 60);

const drag = await latency(`
  const c = document.getElementById('trajectory-canvas');
  const r = c.getBoundingClientRect();
  const [sx, sy] = window.optiviz.startPixel();
  const x = r.left + sx, y = r.top + sy;
  if (k === 0) c.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: y, pointerId: 7, bubbles: true }));
  c.dispatchEvent(new PointerEvent('pointermove', { clientX: x + (k % 2 ? 3 : -3), clientY: y + 2, pointerId: 7, bubbles: true }));`, 60);

const zoom = await latency(`
  const c = document.getElementById('trajectory-canvas');
  const r = c.getBoundingClientRect();
  c.dispatchEvent(new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: k % 2 ? 30 : -30, bubbles: true, cancelable: true }));`, 30);

const surface = await latency(`
  const s = document.getElementById('surface');
  s.value = k % 2 ? 'rosenbrock' : 'himmelblau';
  s.dispatchEvent(new Event('change', { bubbles: true }));`, 10);

const row = (name, xs) => {
  const s = stats(xs);
  return `| ${name} | ${s.n} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`;
};
console.log(`Surface canvas ${canvas} device pixels, 8 runs × 2,000 steps, ${(await browser.version())}.`);
console.log('');
console.log('| measurement (ms) | samples | median | p95 | max |');
console.log('|---|---|---|---|---|');
console.log(row('frame interval while playing', frames));
console.log(row('slider input → painted (one run re-simulated)', slider));
console.log(row('start-point drag → painted (8 runs re-simulated)', drag));
console.log(row('zoom → painted (heatmap at ½ resolution while zooming, contours)', zoom));
console.log(row('surface switch → painted (full-resolution heatmap, 8 runs)', surface));
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
await browser.close();
server.kill();
