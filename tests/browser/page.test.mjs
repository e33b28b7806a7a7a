// optiviz's page in headless Chromium, driven as a person drives it: pointer and keyboard on
// labelled controls, then checks on what the page shows (pixels, readouts) and on the console.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames, pixels, shots } from './harness.mjs';

const h = harness();
const open = (width, height) => h.open('', width, height);

/** Pauses the animation with the Pause button and waits until the page has drawn that state. */
async function pause(page) {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await nextFrames(page);
}

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
    const shown = page.locator('#run0-lr-value');
    const before = { trails: await pixels(page, 'trajectory-canvas'), readout: await text(page, '#run0-readout'),
      value: await shown.inputValue(), step: await text(page, '#step-count') };
    const box = await slider.boundingBox();
    // A person clicks the track a little left of the current thumb: a smaller learning rate.
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height / 2);
    await nextFrames(page);
    const trails = await pixels(page, 'trajectory-canvas');
    assert.notEqual(await shown.inputValue(), before.value, 'the slider shows its new value');
    assert.notEqual(trails.hash, before.trails.hash, 'the trajectory layer is redrawn');
    assert.notEqual(await text(page, '#run0-readout'), before.readout, 'run 0 is re-simulated');
    assert.equal(await text(page, '#step-count'), before.step, 'the other runs keep their step');
    // Keyboard works too: arrow keys move the focused slider.
    const value = await shown.inputValue();
    await slider.press('ArrowRight');
    await slider.press('ArrowRight');
    await nextFrames(page);
    assert.notEqual(await shown.inputValue(), value);
    // The value is editable as a number, beyond the slider's range too, and checked.
    const number = page.getByRole('spinbutton', { name: 'Run 1 learning rate' });
    await number.fill('0.0004');
    await number.press('Enter');
    await nextFrames(page);
    assert.equal(await shown.inputValue(), '4e-4');
    const at = await text(page, '#run0-readout');
    await number.fill('-1');
    await number.press('Enter');
    await nextFrames(page);
    assert.match(await text(page, '#notice'), /invalid lr = -1: allowed values are 0 ≤ lr/);
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    assert.equal(await text(page, '#run0-readout'), at, 'a refused value changes nothing');
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
    // Every run gets the rate that works there (src/core/rates.rs): gradient descent 0.1, Adam 0.5.
    assert.equal(await page.locator('#run0-lr-value').inputValue(), '0.1');
    assert.equal(await page.locator('#run2-lr-value').inputValue(), '0.5');
    // Goldstein–Price: no run diverges (gradient descent at 0.001 did at step 3).
    await page.getByLabel('Surface', { exact: true }).selectOption('goldstein-price');
    await page.locator('#timeline').fill('1500');
    await nextFrames(page);
    for (let i = 0; i < 3; i += 1) assert.doesNotMatch(await text(page, `#run${i}-readout`), /diverged/);
    // Keeping my rates: the next surface keeps them, and so does the link.
    const rates = await page.locator('[id$="-lr-value"]').evaluateAll((els) => els.map((e) => e.value));
    await page.getByLabel('keep my learning rates').check();
    await page.getByLabel('Surface', { exact: true }).selectOption('rosenbrock');
    await nextFrames(page);
    assert.deepEqual(await page.locator('[id$="-lr-value"]').evaluateAll((els) => els.map((e) => e.value)), rates);
    assert.match(await page.evaluate(() => window.optiviz.query()), /&keep_rates(&|$)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a switch paints the new surface first, then gives the runs their rates, and keeps a rate typed at once', async () => {
    const { page, errors } = await open();
    await pause(page);
    const lr = (i) => page.locator(`#run${i}-lr-value`).inputValue();
    const before = [await lr(0), await lr(2)];
    // The switch's own frame: the bowl's heatmap drawn, every run at its start, no rate chosen.
    const first = await page.evaluate(() => new Promise((done) => {
      const s = document.getElementById('surface');
      s.value = 'bowl';
      s.dispatchEvent(new Event('change', { bubbles: true }));
      requestAnimationFrame(() => done({
        background: window.optiviz.timings().background,
        simulated: window.optiviz.simulated(),
        lrs: [0, 2].map((i) => document.getElementById(`run${i}-lr-value`).value),
      }));
    }));
    assert.ok(first.background > 0, 'the heatmap is drawn in the switch\'s frame');
    assert.deepEqual(first.simulated, first.simulated.map(() => 0), 'each run shown at its start');
    assert.deepEqual(first.lrs, before, 'the rates are not chosen yet');
    await nextFrames(page);
    // Then each run has the rate that works on the bowl (src/core/rates.rs), panels and link.
    assert.deepEqual([await lr(0), await lr(2)], ['0.1', '0.5']);
    assert.match(await page.evaluate(() => window.optiviz.query()), /run=sgd;lr=0\.1(&|$)/);
    assert.ok((await page.evaluate(() => window.optiviz.simulated())).every((n) => n > 0), 'and is simulated');
    // A rate typed in the same moment as the switch, before its frame, is the one kept.
    await page.evaluate(() => {
      const s = document.getElementById('surface');
      s.value = 'himmelblau';
      s.dispatchEvent(new Event('change', { bubbles: true }));
      const field = document.getElementById('run0-lr-value');
      field.value = '0.003';
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await nextFrames(page);
    assert.equal(await lr(0), '0.003');
    assert.match(await page.evaluate(() => window.optiviz.query()), /run=sgd;lr=0\.003(&|$)/);
    assert.notEqual(await lr(2), '0.5', 'the other runs have Himmelblau\'s rates');
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
    await page.waitForFunction(() => window.optiviz.whole());
    await nextFrames(page);
    // RMSprop's own hyperparameters, at torch's defaults, replace Adam's.
    assert.equal(await page.getByRole('slider', { name: 'Run 3 smoothing α' }).count(), 1);
    assert.equal(await page.getByRole('slider', { name: 'Run 3 beta1' }).count(), 0);
    assert.equal(await page.locator('#run2-lr-value').inputValue(), '0.01');
    assert.notEqual(await text(page, '#run2-readout'), before.readout);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, before.trails.hash);
    // A flag is a checkbox: centering changes the run.
    const centered = page.getByRole('checkbox', { name: 'Run 3 centered' });
    const trails = await pixels(page, 'trajectory-canvas');
    await centered.check();
    // The run is simulated again in slices over the frames after an edit: under load, three
    // frames may not reach the step shown.
    await page.waitForFunction(() => window.optiviz.whole());
    await nextFrames(page);
    assert.ok(await centered.isChecked());
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, trails.hash);
    // The update rule is one click away, as rendered math, with this step explained in numbers.
    await page.locator('#runs fieldset').nth(2).getByText('update rule').click();
    const panel = page.locator('#runs fieldset').nth(2);
    assert.match(await panel.locator('.reference').innerText(), /torch\.optim\.RMSprop/);
    assert.ok(await panel.locator('.math math').first().isVisible(), 'MathML is rendered');
    const box = await panel.locator('.math math').first().boundingBox();
    assert.ok(box.height > 40, `the rule has several rendered lines (${box.height} px)`);
    await nextFrames(page);
    assert.match(await text(page, '#run2-explain'), /This step, from step \d+ to step \d+, with its numbers/);
    const plain = await panel.locator('.explain .plain').textContent();
    assert.match(plain, /v₁ = 0\.99·/, 'the substituted RMSprop numbers');
    // Newton needs no learning-rate tuning on the bowl: one step to the minimum.
    await page.getByLabel('Surface', { exact: true }).selectOption({ label: 'Quadratic bowl' });
    await picker.selectOption({ label: 'Newton' });
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 5);
    assert.match(await text(page, '#run2-readout'), /loss 0 · at \(0, 0\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the rules in the course notes' symbols: γ, ∇J(θ), and what torch's momentum does differently", async () => {
    const { page, errors } = await h.open('?run=momentum;lr=0.001&run=adam;lr=0.05&step=10', 1280, 900);
    await nextFrames(page);
    const panel = page.locator('#runs fieldset').nth(0);
    await panel.getByText('update rule').click();
    // The rule's characters as written (innerText would give MathML's italic letters).
    const rule = async () => (await panel.locator('.math').first().textContent()).replace(/[\u2062\s]/g, '');
    assert.match(await rule(), /μ/);
    await page.getByRole('combobox', { name: 'Run 1 written in' }).selectOption({ label: "the course notes' symbols" });
    await nextFrames(page);
    const notes = await rule();
    assert.match(notes, /γ/);
    assert.match(notes, /∇J/);
    assert.match(notes, /textbookmomentumforthenotes'formexactly/);
    // The step explained follows, with the same numbers; the other run's menu too; the link.
    assert.match(await panel.locator('.explain .plain').textContent(), /∇J\(θ\)/);
    assert.equal(await page.locator('#run1-notation').inputValue(), 'notes');
    await page.waitForFunction(() => location.search.includes('notation=notes'));
    // The textbook flag writes the notes' momentum exactly, without the sentence.
    await page.getByRole('checkbox', { name: 'Run 1 textbook momentum' }).check();
    await nextFrames(page);
    assert.doesNotMatch(await rule(), /textbookmomentumforthenotes'form/);
    assert.match(await rule(), /v←γv\+ηg/);
    // The link opens in the notes' symbols.
    const again = await h.open(`?${await page.evaluate(() => window.optiviz.query())}`, 1280, 900);
    const menu = again.page.locator('#run0-notation');
    assert.equal(await menu.inputValue(), 'notes');
    assert.deepEqual([...errors, ...again.errors], []);
    await again.page.close();
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
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await nextFrames(page);
    assert.match(await text(page, '#step-count'), /^0 \//);
    assert.match(await text(page, '#run2-readout'), /^step 0 · /);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
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

/** The page's URL query, parsed. */
const query = (page) => page.evaluate(() => Object.fromEntries([...new URLSearchParams(location.search)].map(([k, v], i) => [`${i}:${k}`, v])));
const runsIn = (q) => Object.entries(q).filter(([k]) => k.endsWith(':run')).map(([, v]) => v);

/** Opens `path` (a query) and waits for the app. */
async function openAt(path, width = 1280) {
  const page = await h.browser.newPage({ viewport: { width, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, h.base).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, errors };
}

/** Waits until the URL holds the page's current scenario (it is written shortly after a change). */
const settled = (page) => page.waitForTimeout(400);

describe('the scenario lives in the URL', () => {
  test('a shared link reproduces what was on screen, and a changed setting updates the link', async () => {
    const link = '?surface=bowl&k=20&start=-2,2&steps=400&step=150&speed=100'
      + '&run=momentum;lr=0.01;momentum=0.8;classical&run=adam;lr=0.2;!bias_correction;noise=0.3@5';
    const { page, errors } = await openAt(link);
    assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'bowl');
    assert.equal(await text(page, '#step-count'), '150 / 400');
    assert.equal(await page.locator('#runs fieldset').count(), 2);
    assert.equal(await page.getByRole('combobox', { name: 'Run 1 optimizer' }).inputValue(), 'momentum');
    assert.equal(await page.locator('#run0-momentum-value').inputValue(), '0.8');
    assert.ok(await page.getByRole('checkbox', { name: 'Run 1 textbook momentum' }).isChecked());
    assert.ok(!(await page.getByRole('checkbox', { name: 'Run 2 bias correction' }).isChecked()));
    assert.equal(await page.getByRole('slider', { name: 'Run 2 gradient noise σ' }).inputValue(), '0.3');
    const shown = { r0: await text(page, '#run0-readout'), r1: await text(page, '#run1-readout'), trails: await pixels(page, 'trajectory-canvas') };
    // The same link in a fresh page shows the same numbers and the same picture.
    const again = await openAt(link);
    assert.equal(await text(again.page, '#run0-readout'), shown.r0);
    assert.equal(await text(again.page, '#run1-readout'), shown.r1);
    assert.equal((await pixels(again.page, 'trajectory-canvas')).hash, shown.trails.hash);
    await again.page.close();
    // Moving a slider rewrites the link; opening the new link shows the new setting.
    const slider = page.getByRole('slider', { name: 'Run 1 momentum' });
    await slider.focus();
    await slider.press('ArrowLeft');
    await settled(page);
    const url = page.url();
    const runs = runsIn(await query(page));
    // The momentum slider moves in log(1 − μ): one step left of 0.8 is 1 − 10^−0.69 ≈ 0.796.
    assert.match(runs[0], /^momentum;.*momentum=0\.796(&|;|$)/);
    const third = await openAt(url);
    assert.equal(await text(third.page, '#run0-readout'), await text(page, '#run0-readout'));
    await third.page.close();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link with a bad run keeps the good runs, names the bad one and stays as typed', async () => {
    const path = '?surface=bowl&k=20&steps=300&step=5&run=sgd;lr=0.01&run=adamm;lr=0.1&run=adam;lr=0.05&lesson=lr,zoom,steps,timeline,runs';
    const { page, errors } = await openAt(path);
    const typed = await page.evaluate(() => location.href);
    // The good parts: the bowl, its two good runs, the step; the lesson's known controls.
    assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'bowl');
    assert.equal(await page.locator('#runs fieldset').count(), 2);
    assert.deepEqual(await page.locator('#chart-legend li').allInnerTexts(), ['1 · Gradient descent η=0.01', '2 · Adam η=0.05']);
    assert.equal(await page.locator('#step-count').innerText(), '5 / 300');
    assert.equal(await page.locator('#run0-lr').isVisible(), true, 'the lesson shows lr');
    assert.equal(await page.locator('[data-key="surface"]').isHidden(), true, 'and hides the surface');
    // Every problem named, with the allowed values.
    const said = await text(page, '#notice');
    assert.match(said, /^Parts of this link were left out and the rest is shown: run 2: unknown optimizer 'adamm': allowed values are sgd, /);
    assert.match(said, /; lesson 'lr,zoom,steps,timeline,runs': unknown control 'zoom' \(the lesson shows lr, steps, timeline, runs\): allowed are /);
    // The address stays as typed (past the moment the page would have rewritten it)...
    await page.waitForTimeout(600);
    assert.equal(await page.evaluate(() => location.href), typed);
    // ...until the user changes something: then the link is the page's, and the notice goes.
    await page.locator('#run0-lr-value').fill('0.02');
    await page.locator('#run0-lr-value').dispatchEvent('change');
    await page.waitForFunction(() => !location.search.includes('adamm'));
    assert.match(await page.evaluate(() => location.search), /^\?surface=bowl&k=20&.*&run=sgd;lr=0\.02&run=adam;lr=0\.05&lesson=lr,steps,timeline,runs/);
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link whose every part is bad shows the default scene and names each part', async () => {
    const { page, errors } = await openAt('?surface=moon&run=adam;beta1=7&lesson=zoom');
    assert.match(await text(page, '#notice'), /left out and the rest is shown: unknown surface 'moon': allowed values are rosenbrock, .*; run 1: invalid beta1 = 7: allowed values are 0 ≤ beta1 < 1; lesson 'zoom': unknown control 'zoom': allowed are /);
    assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'rosenbrock');
    assert.equal(await page.locator('#runs fieldset').count(), 3);
    // An unknown lesson name hides no control.
    assert.equal(await page.locator('[data-key="surface"]').isVisible(), true);
    assert.match(await page.evaluate(() => location.search), /surface=moon/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('runs, start point, view and timeline', () => {
  test('add, duplicate, hide and remove runs', async () => {
    const { page, errors } = await open();
    await pause(page);
    await page.getByLabel('Add a run').selectOption({ label: 'Lion' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    assert.equal(await page.locator('#runs fieldset').count(), 4);
    assert.equal(await page.getByRole('combobox', { name: 'Run 4 optimizer' }).inputValue(), 'lion');
    assert.equal(await page.locator('#run3-lr-value').inputValue(), '0.01', "Lion's working rate on Rosenbrock");
    await page.getByRole('button', { name: 'Duplicate run 3' }).click();
    assert.equal(await page.getByRole('combobox', { name: 'Run 5 optimizer' }).inputValue(), 'adam');
    await nextFrames(page);
    assert.equal(await text(page, '#run4-readout'), await text(page, '#run2-readout'), 'a copy runs the same');
    for (let k = 0; k < 3; k += 1) await page.getByRole('button', { name: 'Add', exact: true }).click();
    assert.equal(await page.locator('#runs fieldset').count(), 8);
    assert.ok(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled(), 'at most 8 runs');
    // Hiding a run removes its trail from the plot but keeps its panel.
    const before = await pixels(page, 'trajectory-canvas');
    await page.getByRole('checkbox', { name: 'Run 2 shown' }).uncheck();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, before.hash);
    await settled(page);
    assert.match(runsIn(await query(page))[1], /;hidden$/);
    await page.getByRole('button', { name: 'Remove run 1' }).click();
    assert.equal(await page.locator('#runs fieldset').count(), 7);
    assert.equal(await page.getByRole('combobox', { name: 'Run 1 optimizer' }).inputValue(), 'momentum');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('click sets the start point; dragging the marker recomputes live; wheel zooms; timeline scrubs', async () => {
    const { page, errors } = await open();
    await pause(page);
    const canvas = page.locator('#trajectory-canvas');
    const box = await canvas.boundingBox();
    // Hovering reads the surface under the pointer.
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.3);
    assert.match(await text(page, '#probe'), /^f\(.+\) = .+ · ∇f = \(.+\)$/);
    // A click starts every run there.
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.75);
    await nextFrames(page);
    await settled(page);
    const start = Object.entries(await query(page)).find(([k]) => k.endsWith(':start'))[1];
    assert.notEqual(start, '-1.2,1');
    const [sx, sy] = start.split(',').map(Number);
    assert.ok(sx < 0 && sy < 1, `clicked lower left, start is ${start}`);
    assert.match(await text(page, '#run0-readout'), /^step \d+/);
    // Dragging the start marker: the readouts follow while the pointer moves (ten times a
    // second, as while playing), and show where the drag ended once the pointer is up.
    const [px, py] = await page.evaluate(() => window.optiviz.startPixel());
    const from = [box.x + px, box.y + py];
    await page.mouse.move(...from);
    await page.mouse.down();
    const seen = new Set();
    for (let k = 1; k <= 5; k += 1) {
      await page.mouse.move(from[0] + 12 * k, from[1] - 10 * k);
      await page.waitForTimeout(120);
      await nextFrames(page, 1);
      seen.add(await text(page, '#run2-readout'));
    }
    const during = await text(page, '#run2-readout');
    await page.mouse.move(from[0] + 80, from[1] - 70);
    await page.mouse.up();
    assert.ok(seen.size >= 4, `the runs were recomputed during the drag (${seen.size} distinct readouts)`);
    await nextFrames(page);
    await settled(page);
    const ended = await text(page, '#run2-readout');
    assert.notEqual(ended, during, 'the readout shows the start the drag ended at');
    const again = await h.open(`?${await page.evaluate(() => window.optiviz.query())}`);
    await settled(again.page);
    assert.equal(await text(again.page, '#run2-readout'), ended, 'the readout is the one the link gives');
    await again.page.close();
    // The wheel zooms in: the heatmap is recomputed for the new view.
    const heat = await pixels(page, 'surface-canvas');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -200);
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'surface-canvas')).hash, heat.hash);
    await settled(page);
    assert.ok(Object.keys(await query(page)).some((k) => k.endsWith(':view')));
    await page.getByRole('button', { name: 'Reset view' }).click();
    await nextFrames(page);
    // The timeline drags every run through its steps, and the loss chart's cursor follows.
    const timeline = page.getByRole('slider', { name: 'Step' });
    const loss = await pixels(page, 'loss-canvas');
    await timeline.fill('40');
    await nextFrames(page);
    assert.equal(await text(page, '#step-count'), '40 / 1500');
    assert.match(await text(page, '#run1-readout'), /^step 40 /);
    assert.notEqual((await pixels(page, 'loss-canvas')).hash, loss.hash);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('at 20,000 steps a drag shows the runs filling in, and they end as the link reproduces them', async () => {
    const runs = ['sgd;lr=0.001', 'momentum;lr=0.001', 'nesterov;lr=0.001', 'adagrad;lr=0.5', 'rmsprop;lr=0.002',
      'adam;lr=0.05', 'nadam;lr=0.01', 'lion;lr=0.01'].map((r) => `run=${r}`).join('&');
    const link = `?surface=rosenbrock&steps=20000&step=20000&${runs}`;
    const { page, errors } = await h.open(link, 1280, 900);
    const readouts = () => page.evaluate(() => [...Array(8).keys()].map((i) => document.getElementById(`run${i}-readout`).textContent));
    await page.waitForFunction(() => window.optiviz.whole());
    const box = await page.locator('#trajectory-canvas').boundingBox();
    const [px, py] = await page.evaluate(() => window.optiviz.startPixel());
    await page.mouse.move(box.x + px, box.y + py);
    await page.mouse.down();
    for (let k = 1; k <= 4; k += 1) {
      await page.mouse.move(box.x + px + 15 * k, box.y + py + 6 * k);
      await nextFrames(page, 1);
    }
    await page.mouse.up();
    // Each run is simulated a slice a frame until it is whole; the frames keep coming.
    await page.waitForFunction(() => window.optiviz.whole());
    await nextFrames(page);
    assert.deepEqual(await page.evaluate(() => window.optiviz.simulated()), Array(8).fill(20000));
    const after = await readouts();
    for (const r of after) assert.match(r, /^step 20,?000 · loss /);
    // The same runs from the link the page now holds, simulated in other slices on a fresh load.
    await settled(page);
    const again = await h.open(`?${await page.evaluate(() => window.optiviz.query())}`, 1280, 900);
    await again.page.waitForFunction(() => window.optiviz.whole());
    await nextFrames(again.page);
    assert.deepEqual(await again.page.evaluate(() => [...Array(8).keys()].map((i) => document.getElementById(`run${i}-readout`).textContent)), after);
    assert.deepEqual([...errors, ...again.errors], []);
    await again.page.close();
    await page.close();
  });

  test('keyboard: space plays and pauses, → steps, r resets', async () => {
    const { page, errors } = await open();
    await pause(page);
    await page.locator('h1').click();
    await page.keyboard.press('r');
    await nextFrames(page);
    assert.match(await text(page, '#step-count'), /^0 \//);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await nextFrames(page);
    assert.match(await text(page, '#step-count'), /^2 \//);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) > 10);
    await page.keyboard.press(' ');
    await nextFrames(page);
    const step = await text(page, '#step-count');
    await nextFrames(page, 5);
    assert.equal(await text(page, '#step-count'), step);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('lesson mode hides every control but the named ones; large text for a projector', async () => {
    const { page, errors } = await openAt('?run=sgd;lr=0.001&run=momentum;lr=0.001&lesson=lr');
    assert.ok(await page.getByRole('slider', { name: 'Run 1 learning rate' }).isVisible());
    assert.ok(!(await page.getByRole('slider', { name: 'Run 2 momentum' }).isVisible()));
    assert.ok(!(await page.getByLabel('Surface', { exact: true }).isVisible()));
    assert.ok(!(await page.getByLabel('Add a run').isVisible()));
    assert.ok(await page.getByRole('button', { name: 'Play', exact: true }).isVisible() || await page.getByRole('button', { name: 'Pause', exact: true }).isVisible());
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const normal = await size();
    await page.getByRole('button', { name: 'Large text' }).click();
    assert.ok((await size()) > normal * 1.2);
    await settled(page);
    assert.ok(Object.keys(await query(page)).some((k) => k.endsWith(':large')));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('views', () => {
  test('the 3D view shows the surface with the runs and turns when dragged', async () => {
    const { page, errors } = await open();
    await pause(page);
    await page.getByLabel('3D view').check();
    await nextFrames(page);
    const canvas = page.locator('#surface3d-canvas');
    assert.ok(await canvas.isVisible());
    const before = await pixels(page, 'surface3d-canvas');
    assert.ok(before.colours > 50, `the mesh is painted (${before.colours} colours)`);
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 10, { steps: 4 });
    await page.mouse.up();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'surface3d-canvas')).hash, before.hash, 'dragging turns the view');
    await page.getByLabel('3D view').uncheck();
    assert.ok(!(await canvas.isVisible()));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the overlay shows momentum\'s share of each step', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=50&start=-2.5,1.5&steps=600&step=12&run=sgd;lr=0.038&run=momentum;lr=0.01;momentum=0.9&overlay');
    assert.doesNotMatch(await text(page, '#run0-teach'), /momentum's share/);
    const line = await text(page, '#run1-teach');
    const nums = (label) => line.match(new RegExp(`${label} = \\(([^,]+), ([^)]+)\\)`)).slice(1).map((v) => Number(v.replace('−', '-')));
    const [g, d, carry] = [nums('g'), nums('Δθ'), nums('Δθ \\+ ηg')];
    // Δθ = −ηg + carry, to the three digits shown.
    for (const i of [0, 1]) assert.ok(Math.abs(d[i] + 0.01 * g[i] - carry[i]) <= 0.01 * Math.max(1, Math.abs(carry[i])), line);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the teaching overlay and the chart choices', async () => {
    const { page, errors } = await openAt('?story=bias-correction&surface=bowl&k=10&start=-2.5,1.5&steps=300&step=1&speed=20&run=adam;lr=0.1&run=adam;lr=0.1;!bias_correction&overlay');
    assert.match(await text(page, '#caption'), /Adam's bias correction\. .*3\.2 times larger than η/);
    assert.equal(await page.getByLabel('Story').inputValue(), 'bias-correction');
    assert.ok(await page.getByLabel(/Show each step/).isChecked());
    // The readout shows the numbers behind the arrows: with bias correction the second step's
    // effective step is about η/|g|·|m̂|/√v̂; here we check the first run's g and η are shown.
    assert.match(await text(page, '#run0-teach'), /^g = \(.+\) · η = 0\.1 · Δθ = \(.+\) · effective step/);
    assert.doesNotMatch(await text(page, '#run0-teach'), /momentum's share/, 'Adam has no velocity carry');
    const arrows = await pixels(page, 'trajectory-canvas');
    await page.getByLabel(/Show each step/).uncheck();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, arrows.hash, 'the arrows are gone');
    assert.ok(await page.locator('#run0-teach').isHidden());
    const loss = await pixels(page, 'loss-canvas');
    await page.getByLabel('Chart', { exact: true }).selectOption('grad');
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'loss-canvas')).hash, loss.hash);
    await settled(page);
    assert.ok(Object.entries(await query(page)).some(([k, v]) => k.endsWith(':chart') && v === 'grad'));
    // Choosing another story loads it whole, caption and all, paused at step 0 until Play.
    await page.getByLabel('Story').selectOption({ label: 'A learning rate too large: divergence' });
    await nextFrames(page);
    assert.match(await text(page, '#step-count'), /^0 \//);
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForFunction(() => /diverged at step/.test(document.getElementById('run2-readout').textContent), null, { timeout: 10_000 });
    assert.match(await text(page, '#caption'), /diverges within a few steps/);
    assert.equal(await page.getByLabel('Surface', { exact: true }).inputValue(), 'rosenbrock');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('animation controls', () => {
  test('one step, speed, step count and copy link', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${h.base}?step=10&steps=500&speed=100`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await text(page, '#step-count'), '10 / 500');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await nextFrames(page);
    assert.equal(await text(page, '#step-count'), '11 / 500');
    // Fewer steps simulated ahead: the timeline and the chart end there.
    const steps = page.getByRole('spinbutton', { name: 'Steps' });
    await steps.fill('200');
    await steps.press('Enter');
    await nextFrames(page);
    assert.equal(await text(page, '#step-count'), '11 / 200');
    assert.equal(await page.getByRole('slider', { name: 'Step' }).getAttribute('max'), '200');
    await steps.fill('0');
    await steps.press('Enter');
    assert.match(await text(page, '#notice'), /maximum steps 0: allowed values are whole numbers from 1 to 20000/);
    // Speed: steps per second, on a log slider; faster playback covers more steps per second.
    const speed = page.getByRole('slider', { name: 'Speed' });
    await speed.fill('3');
    assert.equal(await page.locator('#speed-value').innerText(), '1000/s');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) >= 150, null, { timeout: 5000 });
    // Copy link puts this very scenario on the clipboard.
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => document.getElementById('copy-link').textContent !== 'Copy link');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.startsWith(h.base), copied);
    assert.match(copied, /steps=200/);
    assert.match(copied, /speed=1000/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('comparison', () => {
  test('the quadratic theory: numbers, eigenvectors, and a clickable momentum rate map', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=10&angle=0.3&start=-2.5,1.5&steps=300&step=0&run=sgd;lr=0.05&run=momentum;lr=0.01');
    await pause(page).catch(() => {});
    await page.getByText('Quadratic theory').click();
    const numbers = await text(page, '#theory-numbers');
    assert.match(numbers, /λmin = 1, λmax = 10; condition number κ = 10\./);
    assert.match(numbers, /diverges for η ≥ 2\/λmax = 0\.2;/);
    assert.match(numbers, /2\/\(λmin \+ λmax\) = 0\.182/);
    const plot = await pixels(page, 'trajectory-canvas');
    await page.getByLabel("Show the Hessian's eigenvectors on the plot").check();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, plot.hash, 'eigenvectors drawn');
    const map = await pixels(page, 'rate-canvas');
    assert.ok(map.colours > 30, `the rate map is painted (${map.colours} colours)`);
    // Clicking the map gives the momentum run that (η, μ).
    // The chart column scrolls on its own: bring the map into view as a person would.
    await page.locator('#rate-canvas').scrollIntoViewIfNeeded();
    const box = await page.locator('#rate-canvas').boundingBox();
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.3);
    await nextFrames(page);
    const lr = Number(await page.locator('#run1-lr-value').inputValue());
    const mu = Number(await page.locator('#run1-momentum-value').inputValue());
    assert.ok(lr > 0.01 && lr < 0.5 && mu > 0.5 && mu < 0.99, `clicked setting η = ${lr}, μ = ${mu}`);
    // Not a quadratic: no theory panel.
    await page.getByLabel('Surface', { exact: true }).selectOption('rosenbrock');
    assert.ok(await page.locator('#theory-box').isHidden());
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a learning-rate sweep: one curve per run, and a click loads the rate', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=10&start=-2.5,1.5&steps=200&step=0&run=sgd;lr=0.001&run=adam;lr=0.001');
    await page.getByText('Learning-rate sweep').click();
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.waitForFunction(() => /^2 runs × 50 rates in \d+ ms$/.test(document.getElementById('sweep-time').value));
    assert.equal(await page.locator('#sweep-progress').evaluate((p) => p.value), 1);
    await nextFrames(page);
    const chart = await pixels(page, 'sweep-canvas');
    assert.ok(chart.colours > 5, 'the sweep is drawn');
    // Gradient descent's best fixed rate on this bowl is 2/11 ≈ 0.18: click the red curve's
    // lowest point, found in the picture as a person would see it.
    await page.locator('#sweep-canvas').scrollIntoViewIfNeeded();
    const box = await page.locator('#sweep-canvas').boundingBox();
    const target = await page.evaluate(() => {
      const c = document.getElementById('sweep-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let best = null;
      for (let y = c.height - 1; y >= 0 && !best; y -= 1) {
        for (let x = 0; x < c.width; x += 1) {
          const i = (y * c.width + x) * 4;
          if (d[i] === 255 && d[i + 1] === 82 && d[i + 2] === 82) { best = [x, y]; break; }
        }
      }
      return best && [best[0] / devicePixelRatio, best[1] / devicePixelRatio];
    });
    assert.ok(target, 'the red curve is on the chart');
    await page.mouse.click(box.x + target[0], box.y + target[1]);
    await nextFrames(page);
    const lr = Number(await page.locator('#run0-lr-value').inputValue());
    assert.ok(lr > 0.05 && lr < 0.2, `gradient descent now runs at the swept rate ${lr}`);
    // The same sweep as steps to tolerance: another picture, with its own axis.
    await nextFrames(page);
    const lossView = await pixels(page, 'sweep-canvas');
    await page.getByLabel('Show', { exact: true }).selectOption('steps');
    await nextFrames(page);
    const stepsView = await pixels(page, 'sweep-canvas');
    assert.ok(stepsView.colours > 5 && stepsView.hash !== lossView.hash, 'the steps to tolerance are drawn');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a long sweep runs off the page and can be cancelled, the page answering meanwhile', async () => {
    // 8 noisy runs × 50 rates × 20,000 steps on Ackley: about 2 s of work for two workers.
    const runs = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'nadam', 'radam', 'lion'].map((k) => `run=${k};lr=0.001;noise=0.5@${k.length}`).join('&');
    const { page, errors } = await openAt(`?surface=ackley&steps=20000&step=0&${runs}`);
    await page.getByText('Learning-rate sweep').click();
    await page.getByRole('button', { name: 'Sweep 50 learning rates' }).click();
    await page.waitForFunction(() => document.getElementById('sweep-progress').value > 0);
    // While the workers compute, the page still steps and redraws.
    const before = await pixels(page, 'trajectory-canvas');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'trajectory-canvas')).hash, before.hash, 'the page answered during the sweep');
    await page.getByRole('button', { name: 'Cancel sweep' }).click();
    assert.equal(await text(page, '#sweep-time'), 'cancelled');
    const stopped = await page.locator('#sweep-progress').evaluate((p) => p.value);
    assert.ok(stopped > 0 && stopped < 1, `cancelled part way, at ${stopped}`);
    await page.waitForTimeout(500);
    assert.equal(await page.locator('#sweep-progress').evaluate((p) => p.value), stopped, 'nothing more arrives');
    assert.ok(await page.getByRole('button', { name: 'Sweep 50 learning rates' }).isEnabled());
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('small multiples: panels in step with the animation, and a hover rings the same step in all', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=10&start=-2.5,1.5&steps=300&step=40&run=momentum;lr=0.01');
    await page.getByText('Small multiples').click();
    await nextFrames(page);
    const canvas = page.locator('#multiples-canvas');
    const first = await pixels(page, 'multiples-canvas');
    assert.ok(first.colours > 50, 'six panels painted');
    // The panels follow the animation's step.
    await page.getByRole('slider', { name: 'Step' }).fill('120');
    await nextFrames(page);
    const later = await pixels(page, 'multiples-canvas');
    assert.notEqual(later.hash, first.hash, 'every panel moved on with the timeline');
    // Pointing at a panel rings a step in all of them.
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    // Sweep the pointer across the first panel, as a person looking for the trail would.
    let ringed = false;
    for (let k = 1; k < 12 && !ringed; k += 1) {
      await page.mouse.move(box.x + box.width * 0.03 * k, box.y + box.height * (0.1 + 0.03 * k));
      await nextFrames(page);
      ringed = (await pixels(page, 'multiples-canvas')).hash !== later.hash;
    }
    assert.ok(ringed, 'the hovered step is ringed');
    // Vary run 1's momentum over its slider's range: the range follows the choice.
    await page.getByLabel('Vary').selectOption('momentum');
    assert.equal(await text(page, '#multiples-lo-label'), 'μ from');
    assert.deepEqual([await page.locator('#multiples-lo').inputValue(), await page.locator('#multiples-hi').inputValue()], ['0', '0.999']);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await nextFrames(page);
    const momenta = await pixels(page, 'multiples-canvas');
    assert.notEqual(momenta.hash, later.hash, 'the panels now vary μ');
    await page.locator('#multiples-lo').fill('-0.5');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    assert.match(await text(page, '#notice'), /momentum/);
    assert.match(await text(page, '#notice'), /allowed/);
    // Vary the optimizer instead; a bad count is refused with its range.
    await page.getByLabel('Vary').selectOption('optimizer');
    await page.getByLabel('Panels').fill('17');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    assert.match(await text(page, '#notice'), /panels 17: allowed values are whole numbers from 2 to 16/);
    await page.getByLabel('Panels').fill('4');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await nextFrames(page);
    assert.notEqual((await pixels(page, 'multiples-canvas')).hash, later.hash);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('tune sets every run to its best learning rate within the budget', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=10&start=-2.5,1.5&steps=200&step=200&run=sgd;lr=0.001&run=momentum;lr=0.001');
    await page.getByText('Learning-rate sweep').click();
    await page.getByLabel('Budget per run').fill('24');
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await nextFrames(page);
    await page.waitForFunction(() => /^2 runs × 24 simulations in \d+ ms$/.test(document.getElementById('tune-time').value));
    const lines = await page.locator('#tune-result li').allInnerTexts();
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^run 1 · Gradient descent: η 0\.001 → [\d.e-]+ \(score .+, 24 simulations\)\nη on a log grid of 12 over 1e-5…1, refined by golden section$/);
    // The theory's best fixed rate for gradient descent on this bowl is 2/11 ≈ 0.182.
    const lr = Number(await page.locator('#run0-lr-value').inputValue());
    assert.ok(Math.abs(lr - 2 / 11) < 0.02, `tuned η = ${lr}`);
    assert.ok(Number(await page.locator('#run1-lr-value').inputValue()) > 0.001, 'momentum was tuned too');
    await page.getByLabel('Budget per run').fill('0');
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    assert.match(await text(page, '#notice'), /budget 0: allowed values are whole numbers from 1 to 500/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('tune can search momentum too, and a cancelled search changes nothing', async () => {
    const { page, errors } = await openAt('?surface=bowl&k=10&start=-2.5,1.5&steps=60&step=60&run=momentum;lr=0.001');
    await page.getByText('Learning-rate sweep').click();
    await page.getByLabel('Budget per run').fill('60');
    await page.getByLabel('μ', { exact: true }).check();
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await page.waitForFunction(() => /^1 run × 60 simulations/.test(document.getElementById('tune-time').value));
    const [line] = await page.locator('#tune-result li').allInnerTexts();
    assert.match(line, /^run 1 · Momentum: η 0\.001 → [\d.e-]+, μ 0\.9 → [\d.e-]+ \(score .+, 60 simulations\)\n.*μ ∈ \{0, 0\.9, 0\.99\}; then \d+ Nelder–Mead steps/);
    // Polyak's best heavy ball on this bowl (eigenvalues 1 and 10): η ≈ 0.23, μ ≈ 0.27.
    const lr = Number(await page.locator('#run0-lr-value').inputValue());
    const mu = Number(await page.locator('#run0-momentum-value').inputValue());
    assert.ok(lr > 0.15 && lr < 0.3 && mu > 0.1 && mu < 0.45, `tuned η = ${lr}, μ = ${mu}`);
    // A big search, cancelled part way: the run keeps its setting.
    await page.getByLabel('Budget per run').fill('500');
    await page.getByLabel('Steps', { exact: true }).fill('20000');
    await page.getByRole('button', { name: 'Tune', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('tune-progress').value > 0);
    await page.getByRole('button', { name: 'Cancel tuning' }).click();
    assert.equal(await text(page, '#tune-time'), 'cancelled');
    await page.waitForTimeout(300);
    assert.equal(Number(await page.locator('#run0-lr-value').inputValue()), lr);
    assert.equal(Number(await page.locator('#run0-momentum-value').inputValue()), mu);
    assert.ok(await page.getByRole('button', { name: 'Tune', exact: true }).isEnabled());
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('basin maps are computed in workers, with progress, and can be cancelled', async () => {
    const { page, errors } = await openAt('?surface=himmelblau&steps=500&step=0&run=sgd;lr=0.01&run=adam;lr=0.05');
    await pause(page).catch(() => {});
    await page.getByText('Basins of convergence').click();
    await page.getByLabel('Grid').selectOption('64');
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.waitForFunction(() => /^2 maps of 64 × 64 starts in/.test(document.getElementById('basin-time').value), null, { timeout: 60_000 });
    assert.equal(await page.locator('#basin-progress').evaluate((p) => p.value), 1);
    // A legend names every colour, with the scenario's step budget.
    const legend = await page.locator('#basin-legend li').allInnerTexts();
    assert.deepEqual(legend, ['minimum (3, 2)', 'minimum (−2.805, 3.131)', 'minimum (−3.779, −3.283)',
      'minimum (3.584, −1.848)', 'settled elsewhere', 'not settled in 500 steps', 'diverged']);
    // Gradient descent's map shows Himmelblau's four basins, each in its own colour.
    const colours = await page.evaluate(() => {
      const c = document.getElementById('basin-left');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Map();
      for (let i = 0; i < d.length; i += 4) {
        const key = `${d[i]},${d[i + 1]},${d[i + 2]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      // Hues of the minima colours, however dark: red, cyan, yellow, green.
      const hue = ([r, g, b]) => {
        if (r > 1.6 * g && r > 1.6 * b) return 'red';
        if (b > 0.7 * g && b > 2 * r) return 'cyan';
        if (r > 2 * b && g > 2 * b) return 'yellow';
        if (g > 1.5 * r && g > 1.5 * b) return 'green';
        return 'other';
      };
      const hues = new Map();
      for (const [k, n] of seen) {
        const h = hue(k.split(',').map(Number));
        hues.set(h, (hues.get(h) ?? 0) + n);
      }
      return Object.fromEntries(hues);
    });
    const total = Object.values(colours).reduce((a, b) => a + b, 0);
    for (const h of ['red', 'cyan', 'yellow', 'green']) {
      assert.ok((colours[h] ?? 0) > total * 0.05, `basin ${h} covers a share of the map: ${JSON.stringify(colours)}`);
    }
    // A big map can be cancelled, and the page keeps answering.
    await page.getByLabel('Grid').selectOption('512');
    await page.getByRole('button', { name: 'Compute' }).click();
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'Cancel basin map' }).click();
    assert.equal(await text(page, '#basin-time'), 'cancelled');
    assert.ok(await page.locator('#basin-progress').evaluate((p) => p.value) < 1);
    assert.ok(await page.getByRole('button', { name: 'Compute' }).isEnabled());
    const stepButton = page.getByRole('button', { name: 'Step', exact: true });
    await stepButton.click();
    await nextFrames(page);
    const before = parseInt(await text(page, '#step-count'), 10);
    await stepButton.click();
    await nextFrames(page);
    assert.equal(parseInt(await text(page, '#step-count'), 10), before + 1, 'the page still answers');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the workers' basin maps are the no-SIMD build's, cell for cell", async () => {
    // The settling test has a wasm SIMD version of its own (src/core/batch.rs, block_near); the
    // build without SIMD runs the portable one, which the native tests pin against lone runs.
    const { page, errors } = await openAt('?surface=himmelblau&steps=300&step=0');
    const maps = await page.evaluate(async () => {
      const { Pool } = await import('./pool.js');
      const plain = await import('./pkg/optiviz.js?nosimd');
      await plain.default({ module_or_path: new URL('pkg/optiviz_nosimd_bg.wasm', location.href) });
      const pool = new Pool(2);
      // The warm-up map a pool computes as the controls open: one at a time, and it ends.
      const warmTasks = JSON.parse(plain.basin_tasks('surface=himmelblau&run=adam', 0, 16, 50, 2, 0));
      const warming = pool.warm(warmTasks);
      const once = pool.warm(warmTasks) === warming && pool.runs.size === 1;
      await warming;
      const n = 40;
      const out = [];
      for (const [query, runs, steps] of [
        ['surface=himmelblau&run=sgd;lr=0.01&run=momentum;lr=0.01&run=adam;lr=0.05', 3, 300],
        ['surface=rosenbrock&run=momentum;lr=0.002&run=adam;lr=0.05', 2, 1500],
        ['surface=six-hump-camel&run=sgd;lr=0.05&run=nesterov;lr=0.01', 2, 300],
        ['surface=rastrigin&run=rmsprop;lr=0.01', 1, 200],
      ]) {
        for (let run = 0; run < runs; run += 1) {
          const cells = new Uint32Array(n * n);
          await pool.run(JSON.parse(plain.basin_tasks(query, run, n, steps, 2, 0)), {
            part: (_, m) => cells.set(m.cells, m.row * n),
          });
          const plainCells = plain.basin_rows(query, run, n, n, steps, 0, n);
          out.push({
            query, run, same: cells.every((c, i) => c === plainCells[i]),
            kinds: new Set(Array.from(cells, (c) => c & 0xff)).size, settled: cells.filter((c) => (c & 0xff) >= 2).length,
          });
        }
      }
      pool.close();
      return { out, once };
    });
    assert.ok(maps.once, 'a second warm-up while one is going starts nothing more');
    for (const m of maps.out) {
      assert.ok(m.same, `${m.query}, run ${m.run}: the workers' map is the no-SIMD build's`);
      assert.ok(m.kinds >= 2 && m.settled > 0, `${m.query}, run ${m.run}: ${m.kinds} kinds of cell, ${m.settled} settled`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the results table sorts, follows the runs and copies as CSV', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${h.base}?story=too-large&surface=rosenbrock&start=-1.2,1&steps=1500&step=20&run=sgd;lr=0.001&run=sgd;lr=0.004&run=sgd;lr=0.008&run=momentum;lr=0.001`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByText('Results table').click();
    const rows = page.locator('#results tbody tr');
    // The table fills in on the frame after the fold opens.
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 4);
    assert.equal(await rows.count(), 4);
    const column = (i) => rows.evaluateAll((trs, i) => trs.map((tr) => tr.children[i].textContent), i);
    assert.deepEqual((await column(4)).map((v) => v !== '–'), [false, false, true, false], 'only run 3 diverged');
    const reached = (await column(3)).map((v) => /^\d+$/.test(v));
    assert.deepEqual(reached, [false, false, false, true], 'only momentum gets within 1e-6 in 1500 steps');
    // A looser tolerance: gradient descent at η = 0.001 gets there too.
    await page.getByLabel('Tolerance on f − f*').fill('3');
    await page.getByLabel('Tolerance on f − f*').press('Enter');
    assert.match((await column(3))[0], /^\d+$/);
    // Sorting by final loss puts momentum first and the diverged run where its last finite loss falls.
    await page.getByRole('button', { name: 'final loss' }).click();
    assert.match((await column(0))[0], /^4 · Momentum/);
    await page.getByRole('button', { name: 'final loss' }).click();
    assert.match((await column(0))[3], /^4 · Momentum/, 'a second click reverses');
    // Changing a run updates the table.
    await page.getByRole('button', { name: 'Remove run 4' }).click();
    await nextFrames(page);
    assert.equal(await rows.count(), 3);
    await page.getByRole('button', { name: 'Copy as CSV' }).click();
    await page.waitForFunction(() => document.getElementById('copy-results').textContent === 'Copied');
    const csv = await page.evaluate(() => navigator.clipboard.readText());
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'run,optimizer,final_loss,distance_to_minimum,steps_to_tolerance,diverged_at,steps,compute_ms');
    assert.equal(lines.length, 4);
    assert.match(csv, /\n3,Gradient descent,[^,]+,[^,]*,,\d+,\d+,/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
