// optiviz's page in headless Chromium, driven as a person drives it: pointer and keyboard on
// labelled controls, then checks on what the page shows (pixels, readouts) and on the console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const root = new URL('../../', import.meta.url).pathname;
const shots = `${root}target/screenshots`;
let server;
let base;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  const bin = process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`;
  server = spawn(bin, ['serve', `${root}www`, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(d));
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`optiviz serve exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-quic', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** Opens the page at `width` CSS pixels, waits for the wasm to start, and records console errors. */
async function open(width = 1280, height = 900) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, errors };
}

/** Pauses the animation with the Pause button and waits until the page has drawn that state. */
async function pause(page) {
  await page.getByRole('button', { name: 'Pause' }).click();
  await nextFrames(page);
}

const nextFrames = (page, n = 3) => page.evaluate((n) => new Promise((done) => {
  const tick = (k) => (k === 0 ? done() : requestAnimationFrame(() => tick(k - 1)));
  tick(n);
}), n);

/** A canvas's pixels: a hash, the number of distinct colours and of non-transparent pixels. */
const pixels = (page, id) => page.evaluate((id) => {
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

const text = (page, selector) => page.locator(selector).innerText();

describe('the optiviz page', () => {
  test('loads, paints every canvas and logs no error', async () => {
    const { page, errors } = await open();
    await page.waitForFunction(() => /^([1-9]\d*) \//.test(document.getElementById('step-count').value));
    const surface = await pixels(page, 'surface-canvas');
    assert.ok(surface.width > 300, `surface canvas is ${surface.width} px wide`);
    assert.ok(surface.colours > 100, `heatmap shows ${surface.colours} colours`);
    const trails = await pixels(page, 'trajectory-canvas');
    assert.ok(trails.opaque > 500, `trajectory layer paints ${trails.opaque} pixels`);
    const loss = await pixels(page, 'loss-canvas');
    assert.ok(loss.colours > 5, `loss chart shows ${loss.colours} colours`);
    for (const i of [0, 1, 2]) assert.match(await text(page, `#run${i}-readout`), /^step \d+ · loss /);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('moving the learning-rate slider changes the trajectory at once', async () => {
    const { page, errors } = await open();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 100);
    await pause(page);
    const slider = page.getByRole('slider', { name: 'Run 1 learning rate' });
    const shown = page.locator('output[for="run0-lr"]');
    const before = { trails: await pixels(page, 'trajectory-canvas'), readout: await text(page, '#run0-readout'),
      value: await shown.innerText(), step: await text(page, '#step-count') };
    const box = await slider.boundingBox();
    // A person clicks the track a little left of the current thumb: a smaller learning rate.
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2);
    await nextFrames(page);
    const trails = await pixels(page, 'trajectory-canvas');
    assert.notEqual(await shown.innerText(), before.value, 'the slider shows its new value');
    assert.notEqual(trails.hash, before.trails.hash, 'the trajectory layer is redrawn');
    assert.notEqual(await text(page, '#run0-readout'), before.readout, 'run 0 is re-simulated');
    assert.equal(await text(page, '#step-count'), before.step, 'the other runs keep their step');
    // Keyboard works too: arrow keys move the focused slider.
    const value = await shown.innerText();
    await slider.press('ArrowRight');
    await slider.press('ArrowRight');
    await nextFrames(page);
    assert.notEqual(await shown.innerText(), value);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('switching the surface repaints the heatmap and restarts the race', async () => {
    const { page, errors } = await open();
    await pause(page);
    const before = { surface: await pixels(page, 'surface-canvas'), formula: await text(page, '#formula') };
    await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Quadratic bowl' });
    await nextFrames(page);
    assert.match(await text(page, '#formula'), /½ \(u² \+ k v²\)/);
    assert.notEqual(await text(page, '#formula'), before.formula);
    const after = await pixels(page, 'surface-canvas');
    assert.notEqual(after.hash, before.surface.hash);
    assert.ok(after.colours > 100);
    assert.match(await text(page, '#step-count'), /^0 \//, 'the race restarts from step 0');
    assert.match(await text(page, '#run0-readout'), /at \(-2\.5, 1\.5\)/, 'from the bowl\'s start point');
    await page.screenshot({ path: `${shots}/bowl-1280.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('every optimizer can be chosen for a run, with sliders and flags from its description', async () => {
    const { page, errors } = await open();
    await pause(page);
    const picker = page.getByRole('combobox', { name: 'Run 3 optimizer' });
    const ids = await picker.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(ids, ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'amsgrad',
      'adamw', 'adamax', 'nadam', 'radam', 'lion', 'newton']);
    const before = { trails: await pixels(page, 'trajectory-canvas'), readout: await text(page, '#run2-readout') };
    await picker.selectOption({ label: 'RMSprop' });
    await nextFrames(page);
    // RMSprop's own hyperparameters, at torch's defaults, replace Adam's.
    assert.equal(await page.getByRole('slider', { name: 'Run 3 smoothing α' }).count(), 1);
    assert.equal(await page.getByRole('slider', { name: 'Run 3 beta1' }).count(), 0);
    assert.equal(await page.locator('output[for="run2-lr"]').innerText(), '0.01');
    assert.notEqual(await text(page, '#run2-readout'), before.readout);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, before.trails.hash);
    // A flag is a checkbox: centering changes the run.
    const centered = page.getByRole('checkbox', { name: 'Run 3 centered' });
    const trails = await pixels(page, 'trajectory-canvas');
    await centered.check();
    await nextFrames(page);
    assert.ok(await centered.isChecked());
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, trails.hash);
    // The update rule is one click away.
    await page.locator('#runs fieldset').nth(2).getByText('update rule').click();
    assert.match(await page.locator('#runs fieldset').nth(2).locator('pre').innerText(), /torch\.optim\.RMSprop/);
    // Newton needs no learning-rate tuning on the bowl: one step to the minimum.
    await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Quadratic bowl' });
    await picker.selectOption({ label: 'Newton' });
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 5);
    assert.match(await text(page, '#run2-readout'), /loss 0 · at \(0, 0\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('schedule, clipping and noise wrap any optimizer; bad input is explained', async () => {
    const { page, errors } = await open();
    await pause(page);
    await page.locator('#runs fieldset').nth(0).getByText('schedule · clipping · noise').click();
    const schedule = page.getByRole('textbox', { name: 'Run 1 lr schedule' });
    assert.equal(await schedule.inputValue(), 'constant');
    let trails = await pixels(page, 'trajectory-canvas');
    await schedule.fill('exp:gamma=0.99');
    await schedule.press('Enter');
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, trails.hash, 'a decaying lr changes the path');
    // A typo keeps the run as it was and says what is allowed.
    trails = await pixels(page, 'trajectory-canvas');
    await schedule.fill('exp:gama=0.99');
    await schedule.press('Enter');
    await nextFrames(page);
    assert.match(await text(page, '#notice'), /schedule 'exp' has no argument 'gama': allowed are gamma/);
    assert.equal(await schedule.getAttribute('aria-invalid'), 'true');
    assert.equal((await pixels(page, 'trajectory-canvas')).hash, trails.hash);
    await schedule.fill('constant');
    await schedule.press('Enter');
    await nextFrames(page);
    assert.equal(await page.locator('#notice').isHidden(), true);
    // Noise: a slider a person drags; the path starts to jitter.
    trails = await pixels(page, 'trajectory-canvas');
    const sigma = page.getByRole('slider', { name: 'Run 1 gradient noise σ' });
    await sigma.focus();
    for (let k = 0; k < 10; k += 1) await sigma.press('ArrowRight');
    await nextFrames(page);
    assert.equal(await page.locator('#run0-noise + output').innerText(), '0.5');
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, trails.hash);
    // Clipping by norm: an invalid bound is refused with its allowed range.
    const clip = page.getByRole('spinbutton', { name: 'Run 1 clip norm' });
    await clip.fill('-1');
    await clip.press('Enter');
    await nextFrames(page);
    assert.match(await text(page, '#notice'), /invalid clip_norm = -1: allowed values are 0 < clip_norm/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('play, pause and reset drive the animation', async () => {
    const { page, errors } = await open();
    await pause(page);
    await page.getByRole('button', { name: 'Reset' }).click();
    await nextFrames(page);
    assert.match(await text(page, '#step-count'), /^0 \//);
    assert.match(await text(page, '#run2-readout'), /^step 0 · /);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) > 20);
    await pause(page);
    const step = await text(page, '#step-count');
    await nextFrames(page, 5);
    assert.equal(await text(page, '#step-count'), step, 'paused means the step stays');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('screenshots at desktop and phone widths', async () => {
    for (const [width, height] of [[1280, 900], [390, 844]]) {
      const { page, errors } = await open(width, height);
      await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 300);
      await pause(page);
      await page.screenshot({ path: `${shots}/rosenbrock-${width}.png`, fullPage: true });
      // Nothing sticks out sideways at phone width: the controls fold below the plot.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow} px wider than the window at ${width} px`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });
});
