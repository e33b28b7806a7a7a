// The regression lab in headless Chromium, driven as a person drives it: clicks, drags and
// right-clicks on the data, sliders and menus by their labels; then checks on what changed
// (the points, the fits and landscape as pixels, the readouts, the link).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames, pixels, shots } from './harness.mjs';

const h = harness();

/** Opens the lab at `query`, paused at the step the link gives. */
async function openLab(query = 'step=300', width = 1280, height = 1000) {
  const { page, errors } = await h.open(`lab.html?${query}`, width, height);
  await nextFrames(page);
  return { page, errors };
}

const settings = (page) => page.evaluate(() => window.optiviz.settings());
const count = (page) => page.evaluate(() => window.optiviz.pointCount());
const query = (page) => page.evaluate(() => window.optiviz.query());
const status = (page) => page.evaluate(() => window.optiviz.status());

/** Waits until every run has trained to the end, then shows the last step. */
async function trainedToTheEnd(page) {
  await page.waitForFunction(() => { const s = window.optiviz.status(); return s.trained >= s.max_steps; }, null, { timeout: 60_000 });
  await page.locator('#timeline').fill(String((await status(page)).max_steps));
  await nextFrames(page);
}

/** The data canvas's position on screen, and point `i`'s pixel in page coordinates. */
async function pointOnScreen(page, i) {
  const box = await page.locator('#data-canvas').boundingBox();
  const [x, y] = await page.evaluate((i) => window.optiviz.pointPixel(i), i);
  return { x: box.x + x, y: box.y + y, box };
}

/** A spot of the data plot with no point within 30 px: where a click adds one. */
async function emptySpot(page) {
  return page.evaluate(() => {
    const c = document.getElementById('data-canvas');
    const r = c.getBoundingClientRect();
    const pts = Array.from({ length: window.optiviz.pointCount() }, (_, i) => window.optiviz.pointPixel(i));
    for (let fy = 0.15; fy < 0.9; fy += 0.05) {
      for (let fx = 0.2; fx < 0.95; fx += 0.05) {
        const x = r.width * fx;
        const y = r.height * fy;
        if (pts.every(([px, py]) => Math.hypot(px - x, py - y) > 30)) return { x: r.left + x, y: r.top + y };
      }
    }
    throw new Error('no empty spot');
  });
}

describe('the regression lab', () => {
  test('opens with the landscape, the data, the chart and the closed-form solution', async () => {
    const { page, errors } = await openLab();
    const land = await pixels(page, 'landscape-canvas');
    assert.ok(land.colours > 50, `the landscape shows ${land.colours} colours`);
    const data = await pixels(page, 'data-canvas');
    assert.ok(data.colours > 5, `the data view shows ${data.colours} colours`);
    const s = await settings(page);
    assert.equal(s.model, 'linear');
    assert.equal(s.points, 50);
    assert.match(await page.locator('#data-note').innerText(), /least squares \(normal equations/);
    for (const i of [0, 1, 2]) assert.match(await page.locator(`#run${i}-readout`).innerText(), /^step 300 · epoch 300 · loss /);
    // Full-batch gradient descent converges to the least-squares solution the page states.
    const run = (await status(page)).runs[0];
    assert.ok(Math.abs(run.params[0] - s.least_squares[0]) < 0.02, `w ${run.params[0]} vs ${s.least_squares[0]}`);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: `${shots}/lab-desktop.png`, fullPage: true });
    await page.close();
  });

  test('a click adds a point, a drag moves it, a right-click deletes it; every fit follows', async () => {
    const { page, errors } = await openLab();
    const n0 = await count(page);
    const ls0 = (await settings(page)).least_squares;
    const land0 = await pixels(page, 'landscape-canvas');
    const spot = await emptySpot(page);
    await page.mouse.click(spot.x, spot.y);
    await nextFrames(page);
    assert.equal(await count(page), n0 + 1, 'a click on empty space adds a point');
    const ls1 = (await settings(page)).least_squares;
    assert.notDeepEqual(ls1, ls0, 'the least-squares solution moves with the new point');
    assert.match(await query(page), /points=/, 'the edited points are in the link');
    assert.match(await page.locator('#data-note').innerText(), /edited by hand/);
    assert.notEqual((await pixels(page, 'landscape-canvas')).hash, land0.hash, 'the landscape is redrawn');

    // Drag the new point (the last one) far down: the fit and the solution follow.
    const p = await pointOnScreen(page, n0);
    const fit0 = (await status(page)).runs[0].params;
    await page.mouse.move(p.x, p.y);
    await page.mouse.down();
    for (let k = 1; k <= 8; k += 1) await page.mouse.move(p.x, p.y + k * 0.05 * p.box.height);
    await page.mouse.up();
    await nextFrames(page);
    assert.equal(await count(page), n0 + 1, 'a drag moves, it does not add');
    const ls2 = (await settings(page)).least_squares;
    assert.ok(ls2[1] < ls1[1] || ls2[0] < ls1[0], `dragging the point down lowers the fit: ${ls1} → ${ls2}`);
    assert.notDeepEqual((await status(page)).runs[0].params, fit0, 'run 1 retrained on the moved point');

    // Right-click deletes it.
    const q = await pointOnScreen(page, n0);
    await page.mouse.click(q.x, q.y, { button: 'right' });
    await nextFrames(page);
    assert.equal(await count(page), n0, 'a right-click deletes the point');
    // A long press deletes too (a phone's way): the first point this time.
    const r = await pointOnScreen(page, 0);
    await page.mouse.move(r.x, r.y);
    await page.mouse.down();
    await page.waitForTimeout(800);
    await page.mouse.up();
    await nextFrames(page);
    assert.equal(await count(page), n0 - 1, 'a long press deletes a point');
    // Back to the generated points.
    await page.getByRole('button', { name: 'Back to the generated points' }).click();
    await nextFrames(page);
    assert.equal(await count(page), n0);
    assert.doesNotMatch(await query(page), /points=/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the batch size slider turns batch into mini-batch and stochastic gradient descent', async () => {
    const { page, errors } = await openLab();
    const slider = page.getByLabel('batch size, every run');
    assert.match(await page.locator('#batch-note').innerText(), /^batch gradient descent: each step uses 50 of 50/);
    const full = (await status(page)).runs[0];
    await slider.fill('10');
    await nextFrames(page);
    assert.match(await page.locator('#batch-note').innerText(), /^mini-batch gradient descent: each step uses 10 of 50/);
    assert.equal((await status(page)).runs[0].per_epoch, 5, '50 points in batches of 10: 5 steps an epoch');
    assert.match(await page.locator('#run0-readout').innerText(), /epoch 60 · loss .* · batch loss /);
    assert.match(await page.locator('#chart-note').innerText(), /faint on each step's mini-batch/);
    assert.notDeepEqual((await status(page)).runs[0].params, full.params, 'mini-batches take another path');
    await slider.fill('1');
    await nextFrames(page);
    assert.match(await page.locator('#batch-note').innerText(), /^stochastic gradient descent: each step uses 1 of 50/);
    assert.match(await query(page), /batch=1(&|$)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a scene races batch, mini-batch and stochastic gradient descent, each run its own batch', async () => {
    const { page, errors } = await openLab();
    await page.getByLabel('Scene').selectOption('batch-sizes');
    await nextFrames(page);
    assert.ok(await page.locator('#caption').isVisible(), 'the caption is shown');
    assert.match(await page.locator('#caption').innerText(), /^Batch, mini-batch and stochastic gradient descent\. /);
    assert.equal((await status(page)).step, 0, 'a scene opens paused at step 0');
    assert.equal(await page.locator('#play').innerText(), 'Play');
    assert.deepEqual((await settings(page)).batches, [64, 8, 1]);
    assert.match(await page.locator('#plot-legend').innerText(), /1 · Gradient descent η=0\.2 · full batch\s+2 · Gradient descent η=0\.2 · batch 8\s+3 · Gradient descent η=0\.2 · batch 1/);
    assert.match(await query(page), /run=sgd;lr=0\.2&run=sgd;lr=0\.2;batch=8&run=sgd;lr=0\.2;batch=1&scene=batch-sizes$/);
    // Play to the end: the three runs' readouts, their epochs told apart by batch size.
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => window.optiviz.status().step === 200, null, { timeout: 30_000 });
    await nextFrames(page);
    const runs = (await status(page)).runs;
    assert.deepEqual(runs.map((r) => r.epoch), [200, 25, 4], '64 points: 1, 8 and 64 steps an epoch');
    assert.match(await page.locator('#run2-readout').innerText(), /batch loss /);
    assert.doesNotMatch(await page.locator('#run0-readout').innerText(), /batch loss /);
    assert.match(await page.locator('#lab-status').innerText(), /run 1 1 step per epoch \(batch 64\), run 2 8 steps per epoch \(batch 8\), run 3 64 steps per epoch \(batch 1\)/);
    await page.screenshot({ path: `${shots}/lab-scene-batch-sizes.png`, fullPage: true });
    // Run 3's own slider: batches of 4; the others keep theirs.
    await page.getByRole('slider', { name: 'Run 3 batch size' }).fill('4');
    await nextFrames(page);
    assert.deepEqual((await settings(page)).batches, [64, 8, 4]);
    assert.match(await query(page), /run=sgd;lr=0\.2;batch=4&/);
    // The lab-wide slider sets every run.
    await page.getByLabel('batch size, every run').fill('16');
    await nextFrames(page);
    assert.deepEqual((await settings(page)).batches, [16, 16, 16]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('every scene opens from the menu, paused at step 0 with its caption, and plays', async () => {
    const { page, errors } = await openLab();
    const scenes = await page.evaluate(() => [...document.getElementById('scene').options].map((o) => o.value).filter(Boolean));
    assert.ok(scenes.length >= 5, `${scenes.length} scenes`);
    for (const id of scenes) {
      await page.getByLabel('Scene').selectOption(id);
      await nextFrames(page);
      const scene = (await settings(page)).scene;
      assert.equal(scene.id, id);
      assert.equal(await page.locator('#caption').innerText(), `${scene.title}. ${scene.caption}`);
      assert.ok(await page.locator('#caption').isVisible(), `${id}: the caption is in view`);
      assert.equal((await status(page)).step, 0, `${id} opens at step 0`);
      assert.equal(await page.locator('#play').innerText(), 'Play', `${id} waits for Play`);
      assert.match(await query(page), new RegExp(`&scene=${id}$`));
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForFunction(() => window.optiviz.status().step > 5, null, { timeout: 20_000 });
      await page.getByRole('button', { name: 'Pause' }).click();
      await trainedToTheEnd(page);
      await page.screenshot({ path: `${shots}/lab-scene-${id}.png`, fullPage: true });
    }
    // A scene's own link opens it the same way.
    const link = await openLab('scene=xor-line');
    assert.match(await link.page.locator('#caption').innerText(), /^XOR: no straight line will do\. /);
    assert.equal((await status(link.page)).step, 0);
    assert.equal(await link.page.locator('#play').innerText(), 'Play');
    assert.deepEqual(link.errors, []);
    await link.page.close();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('your own points: a pasted CSV with a bad line is refused line by line, then used, downloaded and loaded', async () => {
    const { page, errors } = await openLab();
    await page.getByText('Your own points: CSV').click();
    const box = page.getByLabel('points, one a line');
    await page.waitForFunction(() => document.getElementById('csv-text').value !== '');
    assert.match(await box.inputValue(), /^x,y\n[-\d.e]+,[-\d.e]+\n/, 'the box opens with the current points');
    await box.fill('x,y\n0,1\n1,three\n2,5\n3,7,1\n');
    await page.getByRole('button', { name: 'Use these points' }).click();
    const message = await page.locator('#notice').innerText();
    assert.match(message, /^2 bad lines in the CSV \(allowed: one point a line, x,y, numbers from -1e6 to 1e6; /);
    assert.match(message, /line 3 '1,three': y 'three' is not a finite number; line 5 '3,7,1': 3 values, expected 2: x,y/);
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#csv-error').innerText(), message, 'the message is also beside the box');
    assert.equal(await count(page), 50, 'nothing changed');
    await box.fill('x,y\n0,1\n1,3\n2,5\n3,7\n');
    await page.getByRole('button', { name: 'Use these points' }).click();
    await nextFrames(page);
    assert.equal(await page.locator('#notice').isVisible(), false);
    assert.equal(await page.locator('#csv-error').isVisible(), false);
    assert.equal(await count(page), 4);
    assert.match(await query(page), /&points=0,1;1,3;2,5;3,7(&|$)/, 'the link carries them');
    assert.match(await page.locator('#data-note').innerText(), /w = 2, b = 1,/, 'the least squares of y = 2x + 1');
    // Download them: the same CSV back.
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the points' }).click()]);
    assert.equal(download.suggestedFilename(), 'optiviz-linear-points.csv');
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(await download.path(), 'utf8'), 'x,y\n0,1\n1,3\n2,5\n3,7\n');
    // Load a file of classes into logistic regression.
    await page.getByLabel('Model', { exact: true }).selectOption('logistic');
    await page.getByLabel('Load a file').setInputFiles({ name: 'classes.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n0,0,0\n1,1,1\n2,2,1\n') });
    await nextFrames(page);
    assert.equal(await count(page), 3);
    assert.match(await query(page), /&points=0,0,0;1,1,1;2,2,1(&|$)/);
    await page.screenshot({ path: `${shots}/lab-csv.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('squared error crawls on confident mistakes; cross-entropy from the same start does not', async () => {
    const { page, errors } = await openLab();
    await page.getByLabel('Scene').selectOption('mse-vs-cross-entropy');
    await trainedToTheEnd(page);
    assert.equal(await page.getByLabel('start θ₀').inputValue(), '-3, -3, 0');
    assert.equal(await page.getByLabel('loss', { exact: true }).inputValue(), 'mse');
    assert.match(await page.locator('#formula').innerText(), /^L\(w, b\) = 1\/n Σ \(σ\(zᵢ\) − yᵢ\)²/);
    const at = async (k) => {
      await page.locator('#timeline').fill(String(k));
      return (await status(page)).runs[0];
    };
    const first = await at(0);
    assert.ok(first.accuracy <= 0.05, `${first.accuracy} right at the start`);
    const plateau = await at(100);
    assert.ok(plateau.loss > 0.95 * first.loss && plateau.accuracy < 0.9, `step 100: loss ${plateau.loss}, ${plateau.accuracy} right`);
    await page.screenshot({ path: `${shots}/lab-scene-mse-plateau.png`, fullPage: true });
    await page.getByLabel('loss', { exact: true }).selectOption('ce');
    await trainedToTheEnd(page);
    assert.match(await query(page), /loss=ce/);
    assert.equal(await page.getByLabel('start θ₀').inputValue(), '-3, -3, 0', 'the same start');
    assert.ok((await at(10)).accuracy >= 0.9, 'cross-entropy gets 90% right within 10 steps');
    // Another start, typed.
    await page.getByLabel('start θ₀').fill('-1, -1, 0');
    await page.getByLabel('start θ₀').dispatchEvent('change');
    await nextFrames(page);
    assert.match(await query(page), /start=-1,-1,0/);
    assert.deepEqual((await at(0)).params, [-1, -1, 0]);
    await page.getByLabel('start θ₀').fill('1, 2');
    await page.getByLabel('start θ₀').dispatchEvent('change');
    assert.match(await page.locator('#notice').innerText(), /start has 2 values: allowed is one per parameter \(3: w1, w2, b\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('explain this step: the batch gradient with its numbers, the batch ringed; backpropagation for the network', async () => {
    const { page, errors } = await openLab('scene=batch-sizes');
    const before = await pixels(page, 'data-canvas');
    await page.locator('#runs details.rule[data-run="1"] > summary').click();
    await nextFrames(page);
    const out = page.locator('#run1-explain');
    assert.match(await out.locator('p').first().innerText(), /^The next step, from step 0 to step 1: the gradient on its batch \(ringed on the data view\)/);
    const text = await out.locator('pre.plain').textContent();
    assert.match(text, /^Step 1: the gradient on its batch of n = 8 training points\nxᵢ is the scaled feature/);
    assert.match(text, /∂L\/∂w = 2\/8·Σᵢ\(wxᵢ \+ b − yᵢ\)xᵢ\n∂L\/∂w = 2\/8·\[\(0·[−\d.()]+ \+ 0 − [\d.]+\)·[−\d.()]+ \+ .* \+ …\] = −?[\d.e]+\n/);
    assert.equal(await out.locator('math').count(), 1, 'rendered as MathML');
    assert.notEqual((await pixels(page, 'data-canvas')).hash, before.hash, 'the batch is ringed');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await nextFrames(page);
    assert.match(await out.locator('pre.plain').textContent(), /^Step 2: /, 'the explanation follows the step');
    await page.screenshot({ path: `${shots}/lab-explain.png`, fullPage: true });
    // Closing it removes the ring.
    await page.locator('#runs details.rule[data-run="1"] > summary').click();
    await nextFrames(page);
    assert.equal((await pixels(page, 'data-canvas')).hash, (await (async () => {
      await nextFrames(page);
      return pixels(page, 'data-canvas');
    })()).hash);
    await page.close();
    // The network: backpropagation, layer by layer.
    const net = await openLab('model=mlp&hidden=3&steps=20&step=4&run=adam;lr=0.05;batch=10');
    await net.page.locator('#runs details.rule[data-run="0"] > summary').click();
    await nextFrames(net.page);
    const plain = await net.page.locator('#run0-explain pre.plain').textContent();
    assert.match(plain, /^Step 5: the gradient on its batch of n = 10 training points\nForward, the batch's first sample: x = /);
    for (const line of [/^z⁽¹⁾ = W₁x \+ b₁ = \(/m, /^δ⁽²⁾ = \(p − y\)\/n = /m, /^δ⁽¹⁾ = δ⁽²⁾w₂⊙\(1 − a²\) = /m, /^∂L\/∂W₁ = \[/m]) {
      assert.match(plain, line);
    }
    await net.page.screenshot({ path: `${shots}/lab-explain-network.png`, fullPage: true });
    assert.deepEqual(net.errors, []);
    await net.page.close();
    assert.deepEqual(errors, []);
  });

  test('feature scaling rounds the landscape: the same data, another valley, rates that suit it', async () => {
    const { page, errors } = await openLab('scene=feature-scaling');
    await trainedToTheEnd(page);
    const before = await pixels(page, 'landscape-canvas');
    const ls = (await settings(page)).least_squares;
    // How far each run still is from the least-squares point, as a share of where it began.
    const left = async (k) => {
      await page.locator('#timeline').fill(String(k));
      const s = await settings(page);
      const runs = (await status(page)).runs;
      await page.locator('#timeline').fill('0');
      const start = (await status(page)).runs;
      const d = (p) => Math.hypot(p[0] - s.least_squares[0], p[1] - s.least_squares[1]);
      return runs.map((r, i) => d(r.params) / d(start[i].params));
    };
    for (const f of await left(100)) assert.ok(f > 0.04, `unscaled: ${f} of the way left at step 100`);
    await page.screenshot({ path: `${shots}/lab-scene-feature-scaling-off.png` });
    await page.getByLabel('scale the feature (x − mean) / std').check();
    await trainedToTheEnd(page);
    assert.match(await query(page), /&scale(&|$)/);
    assert.match(await query(page), /run=sgd;lr=0\.2&run=momentum;lr=0\.05&run=adam;lr=0\.5/, 'each run takes the rate that suits the round bowl');
    assert.equal(await page.getByRole('spinbutton', { name: 'Run 1 learning rate η' }).inputValue(), '0.2');
    assert.notEqual((await pixels(page, 'landscape-canvas')).hash, before.hash);
    for (const f of await left(100)) assert.ok(f < 0.01, `scaled: ${f} of the way left at step 100`);
    await page.locator('#timeline').fill('100');
    await nextFrames(page);
    await page.screenshot({ path: `${shots}/lab-scene-feature-scaling-on.png` });
    // In scaled coordinates the intercept is the mean of y, no longer the unscaled intercept.
    assert.notDeepEqual((await settings(page)).least_squares, ls);
    assert.equal((await settings(page)).points, 50, 'the points are the same');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the landscape pans with a drag, zooms with the wheel and fits again, the link following', async () => {
    const { page, errors } = await openLab();
    const canvas = page.locator('#landscape-canvas');
    const box = await canvas.boundingBox();
    const view = async () => {
      const m = /[?&]view=([^&]+)/.exec(await query(page));
      return m && m[1].split(',').map(Number);
    };
    assert.equal(await view(), null, 'the automatic view at first');
    const before = await pixels(page, 'landscape-canvas');
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -300);
    await nextFrames(page);
    const zoomed = await view();
    assert.ok(zoomed, 'zooming writes the view into the link');
    const [w, h] = [zoomed[1] - zoomed[0], zoomed[3] - zoomed[2]];
    assert.notEqual((await pixels(page, 'landscape-canvas')).hash, before.hash);
    // A drag 100 px right and 50 px down moves the view left and up by that much of it.
    await page.mouse.down();
    await page.mouse.move(cx + 50, cy + 25, { steps: 3 });
    await page.mouse.move(cx + 100, cy + 50, { steps: 3 });
    await page.mouse.up();
    await nextFrames(page);
    const panned = await view();
    assert.ok(Math.abs(panned[1] - panned[0] - w) < 1e-9 * w, 'panning keeps the width');
    assert.ok(panned[0] < zoomed[0] && panned[2] > zoomed[2], `moved left and up: ${zoomed} → ${panned}`);
    const plotWidth = await page.evaluate(() => window.optiviz.landscapeWidth());
    assert.ok(Math.abs((zoomed[0] - panned[0]) / w - 100 / plotWidth) < 0.02, 'by the drag, in the plot\'s units');
    assert.ok(Math.abs((panned[2] - zoomed[2]) / h - 50 / plotWidth * (w / h)) < 0.05);
    await page.getByRole('button', { name: 'Fit view' }).click();
    await nextFrames(page);
    assert.equal(await view(), null, 'Fit view is the automatic view again');
    assert.equal((await pixels(page, 'landscape-canvas')).hash, before.hash);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('switching models: logistic regression with points of a chosen class, then the network', async () => {
    const { page, errors } = await openLab();
    await page.getByLabel('Model', { exact: true }).selectOption('logistic');
    await nextFrames(page);
    let s = await settings(page);
    assert.equal(s.model, 'logistic');
    assert.ok(s.classes);
    assert.deepEqual(s.param_names, ['w1', 'w2', 'b']);
    await expectVisible(page, '#axes-row');
    await page.getByLabel('new points are').selectOption('1');
    const spot = await emptySpot(page);
    await page.mouse.click(spot.x, spot.y);
    await nextFrames(page);
    assert.match(decodeURIComponent(await query(page)), /points=[^&]*,1(;|&|$)/, 'the new point is of class 1');
    // The landscape's second axis: the bias b instead of w2.
    await page.getByLabel('y axis').selectOption('2');
    await nextFrames(page);
    assert.match(await query(page), /axes=0,2/);
    await page.getByLabel('Model', { exact: true }).selectOption('mlp');
    await nextFrames(page);
    s = await settings(page);
    assert.equal(s.model, 'mlp');
    assert.equal(s.param_names.length, 33, '8 hidden units: 4·8 + 1 parameters');
    await page.getByLabel('hidden units').fill('16');
    await nextFrames(page);
    assert.equal((await settings(page)).param_names.length, 65);
    assert.match(await page.locator('#run0-readout').innerText(), /accuracy \d+(\.\d)?%/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('overfitting: the validation loss turns up, the ring marks where to stop, L2 flattens it', async () => {
    const { page, errors } = await openLab();
    await page.getByLabel('Scene').selectOption('overfitting');
    await trainedToTheEnd(page);
    // Each run at its lowest validation loss (the ring), then at the end.
    const lows = async () => {
      const out = [];
      for (const [i, r] of (await status(page)).runs.entries()) {
        await page.locator('#timeline').fill(String(r.best_val_step));
        out.push({ step: r.best_val_step, low: (await status(page)).runs[i].val_loss, train: (await status(page)).runs[i].loss });
      }
      await page.locator('#timeline').fill('1000');
      return out;
    };
    const plain = await lows();
    const end = (await status(page)).runs;
    plain.forEach((p, i) => {
      assert.ok(p.step < 500, `run ${i + 1}: lowest at step ${p.step}`);
      assert.ok(end[i].val_loss > 2 * p.low, `run ${i + 1}: validation ${p.low} → ${end[i].val_loss}`);
      assert.ok(end[i].loss < p.train, `run ${i + 1}: training keeps falling`);
    });
    assert.match(await page.locator('#run2-readout').innerText(), /validation [\d.e-]+ \(lowest of the run at step \d+\)/);
    await page.screenshot({ path: `${shots}/lab-scene-overfitting.png`, fullPage: true });
    // Add L2 as the caption says: every validation curve flattens near its lowest point.
    const l2 = page.getByLabel('L2 penalty λ₂');
    await l2.fill('0.003');
    await l2.dispatchEvent('change');
    await trainedToTheEnd(page);
    assert.match(await query(page), /l2=0\.003/);
    const flat = await lows();
    const after = (await status(page)).runs;
    flat.forEach((p, i) => assert.ok(after[i].val_loss < 1.05 * p.low, `run ${i + 1}: ${p.low} → ${after[i].val_loss}`));
    assert.ok(flat[2].low < plain[2].low, `Adam's lowest point ${plain[2].low} → ${flat[2].low}`);
    await page.screenshot({ path: `${shots}/lab-scene-overfitting-l2.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a network learns its points by heart; L2 closes the gap; the data menu offers circles, moons and XOR', async () => {
    const { page, errors } = await openLab();
    await page.getByLabel('Scene').selectOption('network-overfits');
    await trainedToTheEnd(page);
    const [before] = (await status(page)).runs;
    assert.ok(before.loss < 0.01 && before.val_loss > 0.3, `training ${before.loss}, validation ${before.val_loss}`);
    assert.equal(await page.getByLabel('data', { exact: true }).inputValue(), 'circles');
    await page.screenshot({ path: `${shots}/lab-scene-network-overfits.png`, fullPage: true });
    const l2 = page.getByLabel('L2 penalty λ₂');
    await l2.fill('0.003');
    await l2.dispatchEvent('change');
    await trainedToTheEnd(page);
    const [after] = (await status(page)).runs;
    assert.ok(after.val_loss < before.val_loss / 2, `validation ${before.val_loss} → ${after.val_loss}`);
    assert.ok(after.val_loss - after.loss < (before.val_loss - before.loss) / 3, 'the gap shrinks');
    // Another shape draws new points; the link says which.
    const n0 = await count(page);
    await page.getByLabel('data', { exact: true }).selectOption('xor');
    await nextFrames(page);
    assert.match(await query(page), /data=xor/);
    assert.equal(await count(page), n0);
    assert.ok(await page.getByLabel('class separation').isVisible(), 'XOR has a separation to set');
    await page.getByLabel('data', { exact: true }).selectOption('moons');
    await nextFrames(page);
    assert.equal(await page.getByLabel('class separation').count(), 0, 'the moons have none');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link opens exactly the lab it was copied from; a bad one says what is wrong', async () => {
    const link = 'model=linear&n=3&seed=4&batch=2&steps=40&step=40&run=sgd;lr=0.02&points=0,1;1,3;2,5.5';
    const { page, errors } = await openLab(link);
    assert.equal(await count(page), 3);
    const q = await query(page);
    assert.match(q, /points=0,1;1,3;2,5\.5/);
    assert.match(q, /batch=2/);
    assert.equal((await status(page)).step, 40);
    assert.deepEqual(errors, []);
    await page.close();
    // A bad link keeps every good part, names each bad one, and stays in the address bar as
    // typed until the user changes something.
    const typed = 'model=poly&degree=3&run=adam;beta1=2&run=sgd;lr=0.1&steps=50&slope=2';
    const bad = await openLab(typed);
    const text = await bad.page.locator('#notice').innerText();
    assert.match(text, /run 1: invalid beta1 = 2: allowed values are 0 ≤ beta1 < 1/);
    assert.match(text, /'slope' does not apply to model=poly: allowed are n, noise, degree, l1, l2, val/);
    const s = await settings(bad.page);
    assert.equal(s.model, 'poly');
    assert.equal(s.steps, 50);
    assert.equal((await bad.page.locator('#runs fieldset').count()), 1, 'the good run, alone');
    assert.equal(await bad.page.evaluate(() => location.search.slice(1)), typed);
    await bad.page.getByRole('button', { name: 'Large text' }).click();
    // A change writes the lab's own link (shortly after) and the notice goes.
    await bad.page.waitForFunction((typed) => location.search.slice(1) !== typed, typed);
    const written = await bad.page.evaluate(() => location.search.slice(1));
    assert.match(written, /^model=poly&.*&steps=50&.*&run=sgd;lr=0\.1&large$/);
    assert.equal(await bad.page.locator('#notice').isHidden(), true);
    await bad.page.close();
  });

  test('on the Chinese lab a bad link and a bad CSV are named in Chinese, values as typed', async () => {
    const typed = 'lang=zh&model=poly&degree=99&slope=2&run=sgd;batch=999&run=adam';
    const { page, errors } = await openLab(typed);
    const notice = await page.locator('#notice').innerText();
    assert.ok(notice.startsWith('链接中有部分内容未能采用，其余部分已显示：'), notice);
    assert.ok(notice.includes("degree 99：允许的取值为 1 到 12；'slope' 不适用于 model=poly：允许的有 " +
      'n, noise, degree, l1, l2, val；运行 1：batch 999：允许的取值为 1 到 10（训练点的个数），' +
      '不写 batch 则为全批量'), notice);
    assert.doesNotMatch(notice, /allowed|does not apply|run 1/);
    // The good parts are in: the polynomial and both runs, the first on the full batch.
    assert.equal((await settings(page)).model, 'poly');
    assert.equal(await page.locator('#runs fieldset').count(), 2);
    // A pasted CSV with a bad line: named in Chinese, beside the box too.
    await page.locator('#csv-box > summary').click();
    await page.locator('#csv-text').fill('x,y\n0,1\n1,three\n');
    await page.locator('#csv-use').click();
    const message = await page.locator('#csv-error').innerText();
    assert.ok(message.startsWith('CSV 中有 1 行有误（允许的格式：每行一个点，x,y，数值在 -1e6 到 1e6 之间；'), message);
    assert.ok(message.endsWith("第 3 行 '1,three'：y 'three' 不是有限的数"), message);
    assert.equal(await page.locator('#notice').innerText(), message);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("Newton on a network too large for its Hessian is refused from the optimizer menu", async () => {
    const { page, errors } = await openLab('model=mlp&hidden=8&run=adam;lr=0.05');
    await page.getByRole('combobox', { name: 'Run 1 optimizer' }).selectOption('newton');
    assert.match(await page.locator('#notice').innerText(),
      /run 1: optimizer newton on a model with 33 parameters: allowed are models of at most 17 parameters/);
    assert.match(await query(page), /run=adam;lr=0\.05/, 'the run keeps its optimizer');
    assert.equal(await page.getByRole('combobox', { name: 'Run 1 optimizer' }).inputValue(), 'adam');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('at phone width the views stack and stay usable', async () => {
    const { page, errors } = await openLab('model=logistic&step=300', 390, 800);
    const land = await page.locator('#landscape-canvas').boundingBox();
    const data = await page.locator('#data-canvas').boundingBox();
    assert.ok(data.y > land.y + land.height - 1, 'the data view sits below the landscape');
    assert.ok(land.width <= 390 && land.width > 300, `landscape ${land.width} px wide`);
    const n0 = await count(page);
    const spot = await emptySpot(page);
    await page.mouse.click(spot.x, spot.y);
    await nextFrames(page);
    assert.equal(await count(page), n0 + 1, 'a tap adds a point at phone width too');
    await page.screenshot({ path: `${shots}/lab-phone.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

async function expectVisible(page, selector) {
  assert.ok(await page.locator(selector).isVisible(), `${selector} is visible`);
}
