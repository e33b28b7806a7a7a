// The stories (issue 14): a short link `?story=ID` opens the story's own scene with its caption
// in view, paused at step 0 until Play; once playing, the runs its caption compares are apart
// on the plot within the first seconds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames } from './harness.mjs';

const h = harness();

/** Every story's id and the surface its scene is on (src/state/presets.rs). */
const STORIES = [
  ['rosenbrock-valley', 'rosenbrock'],
  ['ill-conditioned-bowl', 'bowl'],
  ['saddle-point', 'saddle'],
  ['too-large', 'rosenbrock'],
  ['bias-correction', 'bowl'],
  ['noisy-gradients', 'bowl'],
  ['adagrad-rmsprop', 'rosenbrock'],
  ['lr-decay', 'bowl'],
  ['gradient-clipping', 'rosenbrock'],
];

/** The smallest distance between any two shown runs' current points, in CSS pixels. */
const closest = (page) => page.evaluate(() => {
  const p = window.optiviz.runPixels();
  let d = Infinity;
  for (let i = 0; i < p.length; i += 1) {
    for (let j = i + 1; j < p.length; j += 1) d = Math.min(d, Math.hypot(p[i][0] - p[j][0], p[i][1] - p[j][1]));
  }
  return d;
});

describe('a story link', () => {
  for (const [id, surface] of STORIES) {
    test(`?story=${id} opens its scene paused, caption in view, and its runs part once played`, async () => {
      const { page, errors } = await h.open(`?story=${id}`, 1280, 720);
      await nextFrames(page);
      assert.equal(await page.getByLabel('Story').inputValue(), id);
      assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), surface);
      const caption = await page.locator('#caption').boundingBox();
      assert.ok(caption && caption.height > 0 && caption.y >= 0 && caption.y + caption.height <= 720,
        `the caption is in view: ${JSON.stringify(caption)}`);
      // Paused at step 0, waiting for the teacher.
      await page.waitForTimeout(300);
      assert.match(await page.locator('#step-count').textContent(), /^0 \//);
      assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
      assert.equal(await closest(page), 0, 'every run stands at the start');
      await page.getByRole('button', { name: 'Play', exact: true }).click();
      // Within the first 3 s of play, every two runs stand at least 4 px apart at some moment.
      let apart = 0;
      for (let t = 0; t < 30 && apart < 4; t += 1) {
        await page.waitForTimeout(100);
        apart = Math.max(apart, await closest(page));
      }
      assert.ok(apart >= 4, `the runs are at most ${apart.toFixed(1)} px apart in the first 3 s`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
