import { chromium } from 'playwright-core';
import { root, serve } from './harness.mjs';
const { server, base } = serve(`${root}target/debug/optiviz`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const steps = process.argv[2] ?? '20000';
const step = process.argv[3] ?? steps;
try {
  const address = await base;
  const page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
  const runs = ['sgd;lr=0.001', 'momentum;lr=0.001', 'nesterov;lr=0.001', 'adagrad;lr=0.5', 'rmsprop;lr=0.002',
    'adam;lr=0.05', 'nadam;lr=0.01', 'lion;lr=0.01'].map((r) => `run=${r}`).join('&');
  await page.goto(`${address}?surface=rosenbrock&steps=${steps}&step=${step}&speed=250&${runs}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForTimeout(1000);
  const res = await page.evaluate(() => new Promise((done) => {
    const out = [];
    const one = (k) => {
      const c = document.getElementById('trajectory-canvas');
      const r = c.getBoundingClientRect();
      const [sx, sy] = window.optiviz.startPixel();
      const x = r.left + sx, y = r.top + sy;
      const t0 = performance.now();
      const s = document.getElementById('run5-lr'); s.value = String(-2 + 0.5 * Math.sin(k / 5));
      s.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = performance.now();
      requestAnimationFrame(() => {
        out.push([performance.now() - t0, t1 - t0, window.optiviz.timings()]);
        if (k + 1 < 30) setTimeout(() => one(k + 1), 20); else done(out);
      });
    };
    one(0);
  }));
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p95 = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
  console.log('total med/p95', med(res.map((r) => r[0])).toFixed(1), p95(res.map((r) => r[0])).toFixed(1));
  console.log('handler p95', p95(res.map((r) => r[1])).toFixed(1)); console.log('input handler med', med(res.map((r) => r[1])).toFixed(1));
  for (const k of Object.keys(res[0][2])) console.log(k, med(res.map((r) => r[2][k])).toFixed(1), p95(res.map((r) => r[2][k])).toFixed(1));
} finally { await browser.close(); server.kill(); }
