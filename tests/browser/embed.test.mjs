// Embedding (#18): `&embed` shows the scene alone, sized to its frame, and the page that frames
// it plays, pauses and steps it with postMessage, hearing back the scene's state or what was
// wrong (embed-example.html is that page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, shots } from './harness.mjs';

const h = harness();

test('a framed scene is the plot and its chart, driven by its embedder', async () => {
  const { page, errors } = await h.open('embed-example.html', 1280, 900);
  const frame = page.frameLocator('#scene');
  // The scene tells its parent its state once it is ready: a story opens paused at step 0.
  await page.waitForFunction(() => document.getElementById('state').textContent.startsWith('step'));
  assert.match(await page.locator('#state').innerText(), /^step 0 of \d+, paused$/);
  // No toolbar, no run panels, no comparisons: the plot and the chart fill the frame.
  assert.equal(await frame.locator('header').isVisible(), false);
  assert.equal(await frame.locator('aside').isVisible(), false);
  assert.equal(await frame.locator('#results-box').isVisible(), false);
  const [plot, chart, box] = await Promise.all(['#surface-canvas', '#loss-canvas'].map((s) => frame.locator(s).boundingBox())
    .concat(page.locator('#scene').boundingBox()));
  assert.ok(plot.width > 0.45 * box.width || plot.height > 0.8 * box.height, JSON.stringify({ plot, box }));
  assert.ok(chart.x >= plot.x + plot.width - 1 && chart.x + chart.width <= box.x + box.width + 1, JSON.stringify({ plot, chart, box }));

  // Step 50, as the embedder's button asks: answered with the new state, and drawn there.
  await page.click('#fifty');
  await page.waitForFunction(() => document.getElementById('state').textContent.startsWith('step 50 '));
  assert.match(await page.locator('#state').innerText(), /^step 50 of \d+, paused$/);
  // The answer goes out at once; the scene draws step 50 in its next frame.
  await frame.locator('#step-count', { hasText: /^50 / }).waitFor({ timeout: 5000 });
  // Play, then pause: the state follows.
  await page.click('#play');
  await page.waitForFunction(() => /playing$/.test(document.getElementById('state').textContent));
  await page.click('#pause');
  await page.waitForFunction(() => /paused$/.test(document.getElementById('state').textContent));
  const paused = Number(/^step (\d+)/.exec(await page.locator('#state').innerText())[1]);
  assert.ok(paused > 50, `played on from 50 to ${paused}`);
  await page.screenshot({ path: `${shots}/embed-1280.png` });

  // A step out of range or not a whole number, or an unknown message, is named; nothing moves.
  const answer = (message) => page.evaluate((m) => new Promise((resolve) => {
    const scene = document.getElementById('scene').contentWindow;
    addEventListener('message', function heard(e) {
      if (e.source === scene) { removeEventListener('message', heard); resolve(e.data); }
    });
    scene.postMessage(m, '*');
  }), message);
  for (const step of [-1, 2.5, 1e300, 'ten']) {
    const a = await answer({ optiviz: 'step', step });
    assert.equal(a.optiviz, 'error');
    assert.match(a.message, /^step .*: allowed values are whole numbers from 0 to \d+$/);
  }
  const unknown = await answer({ optiviz: 'rewind' });
  assert.equal(unknown.message, "unknown message 'rewind': allowed are play, pause, step, state");
  const state = await answer({ optiviz: 'state' });
  assert.deepEqual([state.step, state.playing], [paused, false]);
  assert.deepEqual(errors, []);
});

test('without embed the page is whole and ignores messages', async () => {
  const { page, errors } = await h.open('?story=ill-conditioned-bowl');
  assert.equal(await page.locator('header').isVisible(), true);
  await page.evaluate(() => postMessage({ optiviz: 'step', step: 20 }, '*'));
  await page.waitForTimeout(300);
  assert.match(await page.locator('#step-count').innerText(), /^0 /);
  assert.deepEqual(errors, []);
});
