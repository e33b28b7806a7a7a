// Your own f(x, y) (#18): a formula typed in the page's field becomes the surface, a mistake is
// shown under the field at its column while the last surface stays drawn, the link carries the
// formula, a reload shows the same surface, and the workers compute on it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames, pixels, sharpened, shots } from './harness.mjs';

const h = harness();

const text = (page, selector) => page.locator(selector).innerText();

/** Pauses the animation and waits until the page has drawn that state. */
async function pause(page) {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await nextFrames(page);
}

/** Waits until typing has paused long enough to be drawn, and the heatmap sharpened. */
async function settle(page) {
  await page.waitForTimeout(400);
  await nextFrames(page, 4);
  await sharpened(page);
}

/** Types `formula` into the field as a person would (replacing what is there). */
async function typeFormula(page, formula) {
  const field = page.getByLabel('f(x, y) =');
  await field.fill('');
  await field.pressSequentially(formula);
  await settle(page);
}

describe('your own f(x, y)', () => {
  test('typed, a mistake shown at its column, fixed, played, linked and reloaded', async () => {
    const { page, errors } = await h.open('', 1280, 720);
    await pause(page);
    const before = await pixels(page, 'surface-canvas');
    await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Your own f(x, y)…' });
    const field = page.getByLabel('f(x, y) =');
    assert.equal(await field.isVisible(), true);
    assert.equal(await field.inputValue(), 'x^4 - 3*x^2 + y^2 + x*y', 'a fresh field holds the example');
    await settle(page);
    const example = await pixels(page, 'surface-canvas');
    assert.notEqual(example.hash, before.hash, 'the example is drawn');

    // Typed: drawn as it is typed.
    await typeFormula(page, '(x - 1)^2 + 3*(y + 2)^2');
    assert.equal(await page.locator('#custom-error').isHidden(), true);
    const bowl = await pixels(page, 'surface-canvas');
    assert.notEqual(bowl.hash, example.hash);
    // A mistake: the message under the field, the place marked, the last surface kept.
    await field.press(')');
    await settle(page);
    assert.equal(await page.locator('#custom-error').isVisible(), true);
    assert.match(await text(page, '#custom-error'), /^unexpected '\)' at column 24/);
    assert.equal(await page.locator('#custom-error mark').innerText(), ')');
    assert.equal(await field.getAttribute('aria-invalid'), '');
    assert.equal((await pixels(page, 'surface-canvas')).hash, bowl.hash, 'the last valid surface stays drawn');
    await page.screenshot({ path: `${shots}/custom-error-1280.png` });

    // Fixed: drawn, the error gone, the link carrying the canonical formula.
    await page.keyboard.press('Backspace');
    await settle(page);
    assert.equal(await page.locator('#custom-error').isHidden(), true);
    assert.equal(await field.getAttribute('aria-invalid'), null);
    await page.waitForFunction(() => location.search.includes('surface=custom'));
    const search = await page.evaluate(() => location.search);
    assert.match(search, /^\?surface=custom&f=\(x%20-%201\)\^2%20%2B%203\*\(y%20%2B%202\)\^2&start=-3\.5,2\.5&/);
    assert.equal(await page.locator('#formula').isHidden(), true, 'the field replaces the formula line');

    // Played: every run goes down into the bowl's minimum (1, −2), marked on the chart's distance.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 300);
    await pause(page);
    for (const i of [0, 1, 2]) assert.match(await text(page, `#run${i}-readout`), /^step \d+ · loss /);
    await page.getByLabel('Chart', { exact: true }).selectOption('distance');
    await nextFrames(page);
    assert.ok((await pixels(page, 'loss-canvas')).colours > 5);
    await page.screenshot({ path: `${shots}/custom-1280.png` });

    // The link opens the same surface: the menu, the field, the heatmap.
    await page.getByLabel('Chart', { exact: true }).selectOption('loss');
    await page.waitForFunction(() => !location.search.includes('chart='));
    const link = await page.evaluate(() => location.search);
    const again = await h.open(link, 1280, 720);
    assert.equal(await again.page.getByLabel('Surface', { exact: true }).inputValue(), 'custom');
    assert.equal(await again.page.getByLabel('f(x, y) =').inputValue(), '(x - 1)^2 + 3*(y + 2)^2');
    await again.page.waitForTimeout(400);
    await sharpened(again.page);
    await sharpened(page);
    assert.equal((await pixels(again.page, 'surface-canvas')).hash, (await pixels(page, 'surface-canvas')).hash);
    // (Opened at step 0, it plays: the step is the one part that moves.)
    const still = (q) => q.replace(/&step=\d+/, '');
    assert.equal(still(`?${await again.page.evaluate(() => window.optiviz.query())}`), still(link), 'the link reads back to itself');
    assert.deepEqual(again.errors, []);
    await again.page.close();

    // Back to a built-in surface: the field goes, the formula line comes back.
    await page.getByLabel('Surface', { exact: true }).selectOption('himmelblau');
    assert.equal(await field.isHidden(), true);
    assert.match(await text(page, '#formula'), /^f\(x, y\) = \(x² \+ y − 11\)²/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a bad formula in a link keeps the rest and says where', async () => {
    const { page, errors } = await h.open('?surface=custom&f=x%5E%5E2&steps=300&run=adam;lr=0.1');
    assert.match(await text(page, '#notice'), /left out and the rest is shown: f 'x\^\^2': unexpected '\^' at column 3/);
    assert.equal(await page.locator('#runs fieldset').count(), 1);
    // The formula waits in its field with its error, the default surface drawn meanwhile.
    assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'custom');
    const field = page.getByLabel('f(x, y) =');
    assert.equal(await field.inputValue(), 'x^^2');
    assert.match(await text(page, '#custom-error'), /^unexpected '\^' at column 3/);
    assert.equal(await page.locator('#custom-error mark').innerText(), '^');
    assert.match(await page.evaluate(() => window.optiviz.query()), /^surface=rosenbrock&/);
    // Corrected there: drawn, and the link is the page's again.
    await field.press('End');
    await field.press('ArrowLeft');
    await field.press('Backspace');
    await settle(page);
    assert.equal(await page.locator('#custom-error').isHidden(), true);
    await page.waitForFunction(() => location.search.startsWith('?surface=custom&f=x^2&'));
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('where the formula is undefined the heatmap says so and a run into it diverges', async () => {
    const { page, errors } = await h.open('?surface=custom&f=ln(x)%20%2B%20y%5E2&start=1,0&steps=50&run=sgd;lr=10');
    await page.waitForFunction(() => /diverged/.test(document.getElementById('run0-readout').textContent));
    assert.match(await text(page, '#run0-readout'), /diverged at step 1/);
    await sharpened(page);
    // The left half of the plot (x < 0) is grey stripes: two greys, no viridis.
    const grey = await page.evaluate(() => {
      const c = document.getElementById('surface-canvas');
      const [l, t, r, b] = window.optiviz.plotRect().map((v) => v * devicePixelRatio);
      const d = c.getContext('2d').getImageData(l + 4, t + 4, (r - l) / 2 - 8, b - t - 8).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === d[i + 1] && d[i + 1] === d[i + 2] && (d[i] === 96 || d[i] === 140)) n += 1;
      return n / (d.length / 4);
    });
    assert.ok(grey > 0.9, `grey share of the undefined half: ${grey}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the workers compute a sweep on a typed surface', async () => {
    const { page, errors } = await h.open('?surface=custom&f=x%5E2%20%2B%2010*y%5E2&start=-2.5,1.5&steps=200&step=0&run=sgd;lr=0.001&run=adam;lr=0.001');
    await pause(page).catch(() => {});
    await page.getByText('Learning-rate sweep').click();
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.waitForFunction(() => /^2 runs × 50 rates in \d+ ms$/.test(document.getElementById('sweep-time').value), null, { timeout: 60_000 });
    await nextFrames(page);
    assert.ok((await pixels(page, 'sweep-canvas')).colours > 5, 'the sweep is drawn');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('small multiples varying the surface start with the typed one', async () => {
    // Two typed formulas: their first panels differ (each its own formula); were the typed
    // surface left out, both would show the same built-in surfaces.
    const panels = async (f) => {
      const { page, errors } = await h.open(`?surface=custom&f=${encodeURIComponent(f)}&steps=50&step=50&run=adam;lr=0.05`);
      await page.getByText('Small multiples').click();
      await page.getByLabel('Vary').selectOption('surface');
      await page.getByLabel('Panels').fill('2');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await nextFrames(page, 4);
      const drawn = await pixels(page, 'multiples-canvas');
      assert.deepEqual(errors, []);
      await page.close();
      return drawn;
    };
    const [a, b] = [await panels('x^2 + 3*y^2'), await panels('(x - 1)^2 + sin(3*y)')];
    assert.ok(a.colours > 5 && b.colours > 5, 'both drawn');
    assert.notEqual(a.hash, b.hash);
  });

  test('typing and switching surfaces give the runs new rates in the same panels', async () => {
    const { page, errors } = await h.open('?surface=rosenbrock&steps=100&step=100&run=sgd;lr=0.001&run=adam;lr=0.02', 1280, 900);
    const mark = () => page.evaluate(() => { document.getElementById('run0-lr').marked = true; });
    const marked = () => page.evaluate(() => document.getElementById('run0-lr').marked === true);
    // What Rust holds for each run's rate, and what its panel shows.
    const rates = () => page.evaluate(() => new URLSearchParams(window.optiviz.query()).getAll('run'));
    const shown = () => page.evaluate(() => [0, 1].map((i) => Number(document.getElementById(`run${i}-lr-value`).value)));
    const lr = (run) => Number(/lr=([^;]+)/.exec(run)[1]);
    await mark();
    await page.getByLabel('Surface', { exact: true }).selectOption('bowl');
    await nextFrames(page);
    assert.equal(await marked(), true, 'the panel was kept');
    assert.notEqual(lr((await rates())[0]), 0.001, 'the bowl gave run 1 a new rate');
    assert.deepEqual(await shown(), (await rates()).map(lr));
    await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Your own f(x, y)…' });
    await typeFormula(page, '100*x^2 + y^2');
    assert.equal(await marked(), true, 'the panel was kept while typing');
    assert.deepEqual(await shown(), (await rates()).map(lr));
    // A new optimizer is a new panel.
    await page.locator('#run0-kind').selectOption('momentum');
    assert.equal(await marked(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a typed quadratic gets the quadratic theory, and loses it when it stops being one', async () => {
    const { page, errors } = await h.open(`?surface=custom&f=${encodeURIComponent('x^2 + y^2')}&steps=50&step=50&run=sgd;lr=0.1`, 1280, 900);
    // f = (x + y)² + x² − 3x: H = [[4, 2], [2, 2]], eigenvalues 3 ∓ √5 = 0.764 and 5.24.
    await typeFormula(page, '(x + y)^2 + x^2 - 3*x');
    const theory = page.locator('#theory-box');
    assert.equal(await theory.isVisible(), true);
    await theory.locator('summary').click();
    assert.match(await text(page, '#theory-box'), /λmin = 0\.764, λmax = 5\.24/);
    // Not a polynomial of degree 2: no theory to show.
    await typeFormula(page, '(x + y)^2 + x^2 - 3*x + sin(x)');
    assert.equal(await theory.isVisible(), false);
    // A saddle is quadratic, but has no minimum to converge to.
    await typeFormula(page, 'x^2 - y^2');
    assert.equal(await theory.isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('on a phone the field fits and the error shows under it', async () => {
    const { page, errors } = await h.open('?surface=custom&f=x%5E4%20-%203*x%5E2%20%2B%20y%5E2%20%2B%20x*y', 390, 844);
    const field = page.getByLabel('f(x, y) =');
    await field.scrollIntoViewIfNeeded();
    const box = await field.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `field inside the screen: ${JSON.stringify(box)}`);
    await field.fill('sin(x) + cos(y');
    await nextFrames(page, 4);
    assert.match(await text(page, '#custom-error'), /missing '\)' for '\(' at column 13/);
    await page.screenshot({ path: `${shots}/custom-phone.png`, fullPage: false });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
