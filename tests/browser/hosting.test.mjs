// Hosting (#18): a browser without wasm SIMD gets the build without it (www/wasm.js picks by
// feature detection), the page and its workers alike, and computes what the SIMD build does;
// `optiviz dist` writes a site that a plain static server (python3 -m http.server) serves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { harness, nextFrames, pixels, root } from './harness.mjs';

const h = harness();

/**
 * Opens `path` from `base` in a context of its own, recording console errors and every request
 * (the workers' too); `noSimd` makes WebAssembly.validate refuse www/wasm.js's SIMD probe (a
 * module whose type section gives a function returning v128, 0x7b), as a browser without wasm
 * SIMD does, and only that module.
 */
async function openPage(base, path, { noSimd = false } = {}) {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (noSimd) {
    await context.addInitScript(() => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => {
        const b = new Uint8Array(bytes.buffer ?? bytes);
        const probe = b.length < 64 && b.some((x, i) => x === 0x60 && b[i + 1] === 0x00 && b[i + 2] === 0x01 && b[i + 3] === 0x7b);
        return probe ? false : validate(bytes);
      };
    });
  }
  const requests = [];
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, base).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { context, page, errors, requests };
}

/** Computes the 64 × 64 basin maps of `page`'s two runs in its workers; both maps' pixels. */
async function basins(page) {
  await page.getByRole('button', { name: 'Pause', exact: true }).click({ timeout: 2000 }).catch(() => {});
  await page.getByText('Basins of convergence').click();
  await page.getByLabel('Grid').selectOption('64');
  await page.getByRole('button', { name: 'Compute' }).click();
  await page.waitForFunction(() => /^2 maps of 64 × 64 starts in/.test(document.getElementById('basin-time').value), null, { timeout: 60_000 });
  return [await pixels(page, 'basin-left'), await pixels(page, 'basin-right')];
}

const wasmFiles = (requests) => requests.filter((p) => p.endsWith('.wasm')).map((p) => p.split('/').pop());

describe('the wasm without SIMD', () => {
  const scene = '?surface=himmelblau&steps=500&step=0&run=sgd;lr=0.01&run=adam;lr=0.05';

  test('is what a browser without wasm SIMD loads, and it paints and computes as the SIMD build does', async () => {
    const plain = await openPage(h.base, scene);
    const simdMaps = await basins(plain.page);
    // The page's own build, and the workers' theirs.
    assert.deepEqual([...new Set(wasmFiles(plain.requests))], ['index_bg.wasm', 'worker_bg.wasm']);
    await plain.context.close();

    const { context, page, errors, requests } = await openPage(h.base, scene, { noSimd: true });
    assert.equal(await page.evaluate(() => import('./wasm.js').then((m) => m.simd)), false);
    // The page loads the build without SIMD and never the other.
    assert.deepEqual([...new Set(wasmFiles(requests))], ['index_nosimd_bg.wasm']);
    const surface = await pixels(page, 'surface-canvas');
    assert.ok(surface.colours > 100, `heatmap shows ${surface.colours} colours`);
    const trails = await pixels(page, 'trajectory-canvas');
    assert.ok(trails.opaque > 500, `trajectory layer paints ${trails.opaque} pixels`);
    // Its workers too (one fetch of the no-SIMD wasm each, none of the other), and their maps
    // are the SIMD build's to the pixel: the batched lanes are bit for bit lone runs either way.
    const before = wasmFiles(requests).length;
    const maps = await basins(page);
    const fetched = wasmFiles(requests).slice(before);
    assert.ok(fetched.length >= 1 && fetched.every((f) => f === 'worker_nosimd_bg.wasm'), `workers fetched ${fetched}`);
    assert.ok(maps[0].colours > 3, `basin map shows ${maps[0].colours} colours`);
    assert.deepEqual(maps.map((m) => m.hash), simdMaps.map((m) => m.hash));
    // The animation runs on it.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await nextFrames(page, 10);
    assert.ok(parseInt(await page.locator('#step-count').innerText(), 10) > 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('a wasm per page', () => {
  test('the workers fetch their wasm when a job\'s controls open, before the job runs', async () => {
    const { context, page, errors, requests } = await openPage(h.base, '?surface=himmelblau&steps=500&step=0&run=sgd;lr=0.01&run=adam;lr=0.05');
    assert.deepEqual([...new Set(wasmFiles(requests))], ['index_bg.wasm']);
    await page.getByText('Basins of convergence').click();
    // No Compute yet: the box's opening started the workers, and each fetches its wasm.
    const deadline = Date.now() + 10_000;
    while (!wasmFiles(requests).includes('worker_bg.wasm') && Date.now() < deadline) await nextFrames(page, 5);
    assert.ok(wasmFiles(requests).includes('worker_bg.wasm'), `fetched ${wasmFiles(requests)}`);
    assert.equal(await page.evaluate(() => document.getElementById('basin-time').value), '', 'no map computed');
    // The warmed workers then compute the map.
    await page.getByRole('button', { name: 'Pause', exact: true }).click({ timeout: 2000 }).catch(() => {});
    await page.getByLabel('Grid').selectOption('64');
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.waitForFunction(() => /^2 maps of 64 × 64 starts in/.test(document.getElementById('basin-time').value), null, { timeout: 60_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/**
 * Writes the site (`optiviz dist`, from www/ with its built pkg/) into a new temporary folder
 * and serves it with python3's http.server on 127.0.0.1 and a free port, for the tests of a
 * `describe`; `site.base` is its address once ready.
 */
function servedSite() {
  const site = {};
  let server;
  before(async () => {
    site.dir = mkdtempSync(`${tmpdir()}/optiviz-dist-`);
    const bin = process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`;
    execFileSync(bin, ['dist', '--from', `${root}www`, '--out', `${site.dir}/site`]);
    server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', `${site.dir}/site`],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    site.base = await new Promise((resolve, reject) => {
      server.stdout.on('data', (d) => {
        const m = /port (\d+)/.exec(String(d));
        if (m) resolve(`http://127.0.0.1:${m[1]}/`);
      });
      server.on('exit', (code) => reject(new Error(`http.server exited with ${code}`)));
    });
  });
  after(() => {
    server?.kill();
    if (site.dir) rmSync(site.dir, { recursive: true, force: true });
  });
  return site;
}

describe('the dist site on a plain static server', () => {
  const site = servedSite();

  for (const [path, canvas] of [['index.html', 'surface-canvas'], ['lab.html', 'landscape-canvas']]) {
    test(`${path} loads its hashed files, paints and animates`, async () => {
      const { context, page, errors, requests } = await openPage(site.base, path);
      // Every script, style sheet and wasm by its hashed name (the service worker by its own).
      const assets = requests.filter((p) => /\.(js|css|wasm)$/.test(p) && p !== '/sw.js');
      assert.ok(requests.includes('/sw.js'), 'the service worker is registered');
      assert.ok(assets.length >= 4, `${assets}`);
      for (const a of assets) assert.match(a, /\.[0-9a-f]{16}\.(js|css|wasm)$/);
      assert.ok((await pixels(page, canvas)).colours > 20);
      const before = await page.locator('#step-count').innerText();
      await nextFrames(page, 20);
      assert.notEqual(await page.locator('#step-count').innerText(), before, 'the runs animate');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  // The surface page in a browser with wasm SIMD, the lab in one without.
  for (const [path, canvas, noSimd] of [['index.html?surface=himmelblau&steps=500&run=sgd;lr=0.01&run=adam;lr=0.05', 'surface-canvas', false],
    ['lab.html', 'landscape-canvas', true]]) {
    test(`${path.split('?')[0]} works offline after one visit${noSimd ? ', without wasm SIMD' : ''}`, async () => {
      const { context, page, errors } = await openPage(site.base, path, { noSimd });
      // The first visit's service worker caches the site and takes the page over.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
      // One cache, the build's, with the pages and only the wasm this browser runs.
      const cached = await page.evaluate(async () => {
        const names = await caches.keys();
        const files = await caches.open(names[0]).then((c) => c.keys());
        return { names, files: files.map((r) => new URL(r.url).pathname) };
      });
      assert.equal(cached.names.length, 1);
      assert.match(cached.names[0], /^optiviz-[0-9a-f]{16}$/);
      for (const p of ['/', '/index.html', '/lab.html', '/course.html']) assert.ok(cached.files.includes(p), `${p} cached`);
      // One wasm: the whole build of the kind this browser runs, which stands in for every
      // page's and the workers' own.
      const wasm = cached.files.filter((p) => p.endsWith('.wasm'));
      assert.equal(wasm.length, 1, `${wasm}`);
      assert.match(wasm[0], noSimd ? /^\/pkg\/optiviz_nosimd_bg\.[0-9a-f]{16}\.wasm$/ : /^\/pkg\/optiviz_bg\.[0-9a-f]{16}\.wasm$/);
      await context.setOffline(true);
      const responses = [];
      page.on('response', (r) => responses.push(r));
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      // Everything came from the service worker's cache: the network is off.
      const urls = responses.map((r) => new URL(r.url()).pathname);
      assert.ok(urls.some((u) => u.endsWith('.wasm')), `the wasm was loaded: ${urls}`);
      for (const r of responses) assert.ok(r.fromServiceWorker(), `${r.url()} from the service worker`);
      assert.ok((await pixels(page, canvas)).colours > 20);
      await page.getByRole('button', { name: 'Play', exact: true }).click({ timeout: 2000 }).catch(() => {});
      const before = await page.locator('#step-count').innerText();
      await nextFrames(page, 20);
      assert.notEqual(await page.locator('#step-count').innerText(), before, 'the runs animate');
      if (path.startsWith('index.html')) {
        // The workers load their script and the wasm from the cache too.
        const maps = await basins(page);
        assert.ok(maps[0].colours > 3, `basin map shows ${maps[0].colours} colours`);
        // A page not visited online works offline too: the whole build stands in for its own.
        await page.goto(`${site.base}lab.html`);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
        assert.ok((await pixels(page, 'landscape-canvas')).colours > 20);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('the development server registers no service worker', async () => {
    const { context, page, errors } = await openPage(h.base, '');
    await nextFrames(page, 10);
    assert.deepEqual(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length)), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
