import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const root = '/work/main/';
const server = spawn(`${root}target/debug/optiviz`, ['serve', `${root}www`, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((r) => server.stdout.on('data', (d) => { const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d)); if (m) r(m[0]); }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const jobs = JSON.parse(process.argv[2]);
for (const [name, q, w, h, wait] of jobs) {
  const page = await browser.newPage({ viewport: { width: w, height: h }, isMobile: w < 500, hasTouch: w < 500 });
  await page.goto(base + q);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForTimeout(wait ?? 1500);
  if (name.endsWith("-chart")) await page.locator("#loss-canvas").screenshot({ path: `/tmp/probe/${name}.png` }); else await page.screenshot({ path: `/tmp/probe/${name}.png` });
  await page.close();
}
await browser.close(); server.kill();
