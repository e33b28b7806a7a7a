// Screenshots for looking at the pages as a class sees them: each page at 1280×720, 1920×1080
// (projectors) and a 390×844 touch phone, written to target/screenshots/look-*.png.
//   node tests/browser/shots.mjs                      the default set (both pages, a story)
//   node tests/browser/shots.mjs '/?story=saddle-point' 'lab.html?scene=batch'   these links
// Run `scripts/build-wasm.sh` and `cargo build --bin optiviz` first; not part of the tests.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { root, serve, shots } from './harness.mjs';

const SIZES = [[1280, 720], [1920, 1080], [390, 844]];
const links = process.argv.length > 2 ? process.argv.slice(2) : ['', '?story=bias-correction', 'lab.html'];

mkdirSync(shots, { recursive: true });
const { server, base } = serve(process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const address = await base;
  for (const link of links) {
    for (const [width, height] of SIZES) {
      const phone = width < 500;
      const page = await browser.newPage({ viewport: { width, height }, isMobile: phone, hasTouch: phone });
      await page.goto(address + link.replace(/^\//, ''));
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForTimeout(1500);
      const name = (link.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'index');
      const path = `${shots}/look-${name}-${width}x${height}.png`;
      await page.screenshot({ path });
      console.log(path);
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.kill();
}
