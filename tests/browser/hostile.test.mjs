// Links, typed values and gestures a hostile or careless user tries (issue 12): each once froze
// the tab, killed the page or wrapped silently. Each must now open a working page with a notice
// that names the allowed values: the page keeps drawing frames and logs no error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames, pixels } from './harness.mjs';

const h = harness();
const text = (page, selector) => page.locator(selector).innerText();

/** Links of both pages, each with what its notice must say. */
const LINKS = [
  ['?view=-1e308,1e308,-1,1', /view '-1e308,1e308,-1,1' cannot be shown: allowed are/],
  ['?view=0,5e-324,0,5e-324', /view '0,5e-324,0,5e-324' cannot be shown: allowed are/],
  ['?view=-1e300,1e300,-1,1', /cannot be shown: allowed are .* every bound from -1e6 to 1e6/],
  ['?surface=bowl&k=5e-309', /k 5e-309: allowed values are 0\.001 to 1e6/],
  ['?start=1e308,1e308', /start '1e308,1e308': allowed are finite x and y from -1e6 to 1e6/],
  ['?lesson=nothing', /lesson 'nothing': unknown control 'nothing': allowed are control names/],
  ['?large=maybe', /large 'maybe': allowed are large alone, large=1 or large=true \(on\)/],
  ['lab.html?scale=maybe', /scale 'maybe': allowed are scale alone/],
  ['lab.html?view=-1e308,1e308,-1,1', /view '-1e308,1e308,-1,1' cannot be shown: allowed are/],
  ['lab.html?slope=1e200', /slope 1e200: allowed values are -1000 to 1000/],
  ['lab.html?slope=1e160', /slope 1e160: allowed values are -1000 to 1000/],
  ['lab.html?intercept=-1e308', /intercept -1e308: allowed values are -1000 to 1000/],
  ['lab.html?noise=1e308', /noise 1e308: allowed values are 0 to 100/],
  ['lab.html?model=logistic&noise=1e308', /noise 1e308: allowed values are 0 to 100/],
  ['lab.html?points=1e308,1e308;-1e308,-1e308', /invalid point \(1e308,1e308\): allowed values are finite numbers from -1e6 to 1e6/],
];

/** Waits for frames (a frozen tab times out here) and checks the page is drawn and alive. */
async function alive(page, canvas) {
  await nextFrames(page, 5);
  const p = await pixels(page, canvas);
  assert.ok(p.colours > 5, `${canvas} shows ${p.colours} colours`);
}

describe('hostile links', () => {
  for (const [link, message] of LINKS) {
    test(`${link} opens the default page with a notice`, async () => {
      const { page, errors } = await h.open(link);
      assert.match(await text(page, '#notice'), message);
      await alive(page, link.startsWith('lab.html') ? 'data-canvas' : 'surface-canvas');
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});

describe('hostile typed values', () => {
  test('steps and panels that a 32-bit integer would wrap, or a fraction, are refused', async () => {
    const { page, errors } = await h.open('');
    const steps = page.getByLabel('Steps', { exact: true });
    for (const [typed, shown] of [['4294967297', '4.294967297e9'], ['2.5', '2.5'], ['1e10', '1e10']]) {
      await steps.fill(typed);
      await steps.dispatchEvent('change');
      assert.match(await text(page, '#notice'), new RegExp(`maximum steps ${shown.replace('.', '\\.')}: allowed values are whole numbers from 1 to 20000`));
    }
    assert.match(await page.evaluate(() => window.optiviz.query()), /steps=1500(&|$)/);
    await alive(page, 'surface-canvas');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a seed of -1 or 1e10 is refused, not wrapped', async () => {
    const { page, errors } = await h.open('lab.html');
    for (const typed of ['-1', '1e10', '0.5']) {
      await page.locator('#seed').fill(typed);
      await page.locator('#seed').dispatchEvent('change');
      assert.match(await text(page, '#notice'), /seed .*: allowed values are whole numbers from 0 to 4294967295/);
    }
    assert.match(await page.evaluate(() => window.optiviz.query()), /seed=0(&|$)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('zooming out past the limit stops with a notice, and the page keeps working', async () => {
    const { page, errors } = await h.open('?view=-900000,900000,-900000,900000');
    const box = await page.locator('#trajectory-canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 4; i += 1) await page.mouse.wheel(0, 300);
    assert.match(await text(page, '#notice'), /cannot be shown: allowed are .* every bound from -1e6 to 1e6/);
    await alive(page, 'surface-canvas');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('hostile comparisons', () => {
  test('tune with μ ticked tunes a Nesterov run beside the others', async () => {
    const { page, errors } = await h.open('?surface=bowl&k=10&start=-2.5,1.5&steps=60&step=60&run=nesterov;lr=0.001&run=sgd;lr=0.001');
    await page.getByText('Learning-rate sweep').click();
    await page.getByLabel('Budget per run').fill('48');
    await page.getByLabel('μ', { exact: true }).check();
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await page.waitForFunction(() => /^2 runs × 48 simulations/.test(document.getElementById('tune-time').value));
    const lines = await page.locator('#tune-result li').allInnerTexts();
    assert.match(lines[0], /^run 1 · Nesterov: η 0\.001 → [\d.e-]+, μ 0\.9 → [\d.e-]+ \(score .+, 48 simulations\)\n.*μ ∈ \{0\.369, /);
    assert.match(lines[1], /^run 2 · Gradient descent: η 0\.001 → /);
    assert.ok(Number(await page.locator('#run0-lr-value').inputValue()) > 0.001, 'the Nesterov run was tuned');
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
