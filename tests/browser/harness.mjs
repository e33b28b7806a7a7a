// What every browser test file shares: optiviz's own dev server on a free port, one headless
// Chromium, a page opened as a person opens it (console errors recorded), waiting for frames,
// and a canvas's pixels summarised.
import { after, before } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const root = new URL('../../', import.meta.url).pathname;
export const shots = `${root}target/screenshots`;

/**
 * Starts `optiviz serve www` (the binary `bin`) on a free port: the process, and a promise of
 * its address.
 */
export function serve(bin) {
  const server = spawn(bin, ['serve', `${root}www`, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d));
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`optiviz serve exited with ${code}`)));
  });
  return { server, base };
}

/**
 * Starts the server and the browser before the file's tests and stops them after; returns an
 * object whose `base` (the server's address), `browser` and `open(path, width, height)` are
 * ready inside the tests.
 */
export function harness() {
  const h = {};
  let server;
  before(async () => {
    mkdirSync(shots, { recursive: true });
    const bin = process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`;
    let base;
    ({ server, base } = serve(bin));
    h.base = await base;
    h.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-quic', '--disable-sync'],
    });
  });
  after(async () => {
    await h.browser?.close();
    server?.kill();
  });
  /**
   * Opens `path` at `width` CSS pixels, waits for the wasm to start, and records console errors
   * (Content-Security-Policy violations among them).
   */
  h.open = async (path = '', width = 1280, height = 900) => {
    const page = await h.browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // A Content-Security-Policy violation is an error too, whatever the browser itself logs.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)));
    await page.goto(new URL(path, h.base).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return { page, errors };
  };
  return h;
}

/** Waits until the page has drawn `n` more frames. */
export const nextFrames = (page, n = 3) => page.evaluate((n) => new Promise((done) => {
  const tick = (k) => (k === 0 ? done() : requestAnimationFrame(() => tick(k - 1)));
  tick(n);
}), n);

/**
 * Waits until the surface page's heatmap is drawn at full resolution: a few frames, then
 * until no coarse level is left to sharpen (a costly formula's heatmap sharpens over frames).
 */
export async function sharpened(page) {
  await nextFrames(page);
  await page.waitForFunction(() => window.optiviz.sharp());
  await nextFrames(page, 1);
}

/** A canvas's pixels: a hash, the number of distinct colours and of non-transparent pixels. */
export const pixels = (page, id) => page.evaluate((id) => {
  const c = document.getElementById(id);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  let opaque = 0;
  let hash = 0x811c9dc5; // FNV-1a over every byte
  for (let i = 0; i < data.length; i += 1) {
    hash = Math.imul(hash ^ data[i], 0x01000193) >>> 0;
    if (i % 4 === 3 && data[i] > 0) opaque += 1;
    if (i % 64 === 0) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { hash, colours: colours.size, opaque, width: c.width };
}, id);
