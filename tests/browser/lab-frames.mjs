// Frame timing of the regression lab on heavy settings, as BENCHMARKS.md records it:
//   cargo build --bin optiviz && scripts/build-wasm.sh && cd tests/browser && node lab-frames.mjs 'lab.html?model=mlp&n=500&hidden=64&steps=20000'
// For each link: milliseconds to the page's ready mark, then frames painted in the next 3 s
// with their p95 and longest interval, and how far training got.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const root = new URL('../../', import.meta.url).pathname;
const server = spawn(`${root}target/debug/optiviz`, ['serve', `${root}www`, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((r) => server.stdout.on('data', (d) => { const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d)); if (m) r(m[0]); }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
for (const q of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const t0 = Date.now();
  await page.goto(base + q);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 200000 });
  const ready = Date.now() - t0;
  const frames = await page.evaluate(() => new Promise((done) => {
    const ts = []; const t0 = performance.now();
    const tick = (t) => { ts.push(t); if (t - t0 < 3000) requestAnimationFrame(tick); else done(ts); };
    requestAnimationFrame(tick);
  }));
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const p95 = gaps[Math.floor(gaps.length * 0.95)];
  const status = await page.evaluate(() => window.optiviz.status());
  console.log(q, { ready_ms: ready, frames_3s: frames.length, p95_ms: p95?.toFixed(1), max_ms: gaps.at(-1)?.toFixed(1), trained: status.trained, step: status.step });
  await page.close();
}
await browser.close(); server.kill();
