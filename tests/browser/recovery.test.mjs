// Jobs at once and recovery (issue 12): sweep, Tune and basin maps share one pool of at most one
// worker per core, each job's notice stays until that job runs again, and a Rust panic shows a
// banner whose Reset brings a fresh handle from the link's scenario without reloading the page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames } from './harness.mjs';

const h = harness();
const text = (page, selector) => page.locator(selector).innerText();

describe('jobs at once', () => {
  test('sweep, Tune and a basin map share one pool of at most one worker per core', async () => {
    const { page, errors } = await h.open('?surface=himmelblau&steps=300&step=300&run=sgd;lr=0.01&run=adam;lr=0.05');
    // Count the workers the page starts.
    await page.evaluate(() => {
      window.started = 0;
      const Real = window.Worker;
      window.Worker = class extends Real {
        constructor(...args) {
          super(...args);
          window.started += 1;
        }
      };
    });
    await page.getByText('Learning-rate sweep').click();
    await page.getByText('Basins of convergence').click();
    await page.getByLabel('Budget per run').fill('40');
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.waitForFunction(() => ['sweep-time', 'tune-time', 'basin-time'].every((id) =>
      /\d ms|\d s on/.test(document.getElementById(id).value)), null, { timeout: 90_000 });
    const [started, cores] = await page.evaluate(() => [window.started, navigator.hardwareConcurrency]);
    assert.ok(started >= 1 && started <= Math.min(cores, 8), `${started} workers on ${cores} cores`);
    assert.match(await text(page, '#basin-time'), new RegExp(`on ${Math.min(cores, 8)} workers$`));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('while the page plays the pool leaves it a core, and uses every core when it is still', async () => {
    const { page, errors } = await h.open('?surface=himmelblau&steps=2000&speed=20&run=sgd;lr=0.01&run=adam;lr=0.05');
    // Count the tasks computing at once: posted to a worker and not yet answered done.
    await page.evaluate(() => {
      window.busy = 0;
      window.peak = 0;
      const Real = window.Worker;
      window.Worker = class extends Real {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (e) => {
            if (e.data?.done) window.busy -= 1;
          });
        }

        postMessage(m) {
          // A task has its job's number; the message that only starts a worker (Pool.warm)
          // has none and is answered by nothing.
          if (m?.job !== undefined) {
            window.busy += 1;
            window.peak = Math.max(window.peak, window.busy);
          }
          super.postMessage(m);
        }
      };
    });
    const cores = await page.evaluate(() => Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)));
    await page.getByText('Basins of convergence').click();
    const map = async () => {
      await page.evaluate(() => { window.peak = 0; });
      await page.getByRole('button', { name: 'Compute' }).click();
      await page.waitForFunction(() => /\d ms|\d s on/.test(document.getElementById('basin-time').value), null, { timeout: 90_000 });
      return page.evaluate(() => window.peak);
    };
    // A link at step 0 plays as it opens (at 20 steps a second, for 100 s).
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
    assert.equal(await map(), Math.max(1, cores - 1), 'playing: one core left to the page');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.evaluate(() => { document.getElementById('basin-time').value = ''; });
    assert.equal(await map(), cores, 'still: every core');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("each job's notice stays until that job runs again", async () => {
    const { page, errors } = await h.open('?surface=bowl&k=10&start=-2.5,1.5&steps=60&step=60&run=sgd;lr=0.01');
    await page.getByText('Learning-rate sweep').click();
    await page.getByLabel('Budget per run').fill('0');
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    const tune = /budget 0: allowed values are whole numbers from 1 to 500/;
    assert.match(await text(page, '#notice'), tune);
    // Another job's success and an unrelated edit leave it.
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.waitForFunction(() => /rates in \d+ ms/.test(document.getElementById('sweep-time').value));
    assert.match(await text(page, '#notice'), tune);
    const lr = page.locator('#run0-lr-value');
    await lr.fill('-1');
    await lr.dispatchEvent('change');
    assert.match(await text(page, '#notice'), /invalid lr = -1/);
    assert.match(await text(page, '#notice'), tune, 'both notices are shown');
    await lr.fill('0.02');
    await lr.dispatchEvent('change');
    assert.doesNotMatch(await text(page, '#notice'), /invalid lr/);
    assert.match(await text(page, '#notice'), tune);
    // Tune running again clears its own.
    await page.getByLabel('Budget per run').fill('12');
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await page.waitForFunction(() => /^1 run × 12 simulations/.test(document.getElementById('tune-time').value));
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a bad link's notice stays until the user edits something", async () => {
    const { page, errors } = await h.open('?surface=bowl&run=adam;beta1=7');
    const link = /left out and the rest is shown/;
    assert.match(await text(page, '#notice'), link);
    await page.getByText('Learning-rate sweep').click();
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.waitForFunction(() => /rates in \d+ ms/.test(document.getElementById('sweep-time').value));
    assert.match(await text(page, '#notice'), link, 'a job does not clear it');
    await page.locator('#run0-lr-value').fill('0.02');
    await page.locator('#run0-lr-value').dispatchEvent('change');
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

/** The panic's own console lines are the only errors expected. */
const unexpected = (errors) => errors.filter((e) => !/boom for the test|RuntimeError: unreachable/.test(e));

describe('a Rust panic', () => {
  for (const [path, readout] of [
    ['?surface=bowl&k=10&start=-2.5,1.5&steps=20000&speed=50&run=sgd;lr=0.001', '#step-count'],
    ['lab.html?steps=20000&run=sgd;lr=0.001', '#step-count'],
  ]) {
    test(`${path}: the banner says what happened, and Reset recovers without a reload`, async () => {
      const { page, errors } = await h.open(path);
      await page.evaluate(() => { window.survivor = 'this page was not reloaded'; });
      await page.evaluate(() => window.optiviz.panic('boom for the test'));
      await page.locator('#panic').waitFor();
      assert.match(await text(page, '#panic-message'), /internal error \(panicked at .*boom for the test\)/);
      const frozen = await text(page, readout);
      await nextFrames(page, 5);
      assert.equal(await text(page, readout), frozen, 'the broken handle is left alone');
      await page.getByRole('button', { name: 'Reset the page' }).click();
      assert.equal(await page.locator('#panic').isHidden(), true);
      assert.equal(await page.evaluate(() => window.survivor), 'this page was not reloaded');
      // The page animates again, and its controls reach the new handle.
      const before = await text(page, readout);
      await nextFrames(page, 20);
      assert.notEqual(await text(page, readout), before, 'the animation plays on');
      await page.locator('#run0-lr-value').fill('0.05');
      await page.locator('#run0-lr-value').dispatchEvent('change');
      assert.match(await page.evaluate(() => window.optiviz.query()), /run=sgd;lr=0\.05/);
      assert.equal(await page.locator('#notice').isHidden(), true);
      assert.deepEqual(unexpected(errors), []);
      await page.close();
    });
  }

  // The workers' results have nowhere to go once the handle is broken: a job running when the
  // page panics ends there, rather than calling the broken handle with each part.
  test('a panic while a sweep computes: the job ends, no notice, the page recovers', async () => {
    const { page, errors } = await h.open('?surface=ackley&steps=20000&step=0&run=sgd;lr=0.001&run=adam;lr=0.01&run=momentum;lr=0.001&run=rmsprop;lr=0.001');
    await page.getByText('Learning-rate sweep').click();
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.evaluate(() => window.optiviz.panic('boom for the test'));
    await page.locator('#panic').waitFor();
    // Long enough for the workers to send their parts (each a few ms of work).
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('#notice').isHidden(), true, await page.locator('#notice').innerText());
    await page.getByRole('button', { name: 'Reset the page' }).click();
    await nextFrames(page, 5);
    assert.equal(await page.locator('#panic').isHidden(), true);
    assert.deepEqual(unexpected(errors), []);
    await page.close();
  });

  // A zoom's end comes 180 ms after its last wheel step (and the page opens as if zooming): a
  // panic within those 180 ms must not leave the gesture's end calling the broken handle.
  test('a panic during a zoom: the gesture\'s end leaves the broken handle alone', async () => {
    const { page, errors } = await h.open('?surface=bowl&k=10&start=-2.5,1.5&steps=20000&speed=50&run=sgd;lr=0.001');
    await page.evaluate(() => {
      const c = document.getElementById('trajectory-canvas');
      const r = c.getBoundingClientRect();
      c.dispatchEvent(new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: -30, bubbles: true, cancelable: true }));
      window.optiviz.panic('boom for the test');
    });
    await page.locator('#panic').waitFor();
    await page.waitForTimeout(400);
    await page.getByRole('button', { name: 'Reset the page' }).click();
    await nextFrames(page, 10);
    assert.equal(await page.locator('#panic').isHidden(), true);
    assert.deepEqual(unexpected(errors), []);
    await page.close();
  });
});
