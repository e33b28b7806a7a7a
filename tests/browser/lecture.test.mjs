// What a class sees on the projector (issue 14): the plot with its axes, the timeline, the play
// controls and the loss chart on one screen at 1280×720 and 1920×1080; Large text enlarging
// what a class reads; legends that tell runs apart; runs that lie under others said so.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames, shots } from './harness.mjs';

const h = harness();

/** Whether the element's box lies wholly inside the window (no scrolling needed). */
async function onScreen(page, selector) {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize();
  return box !== null && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0
    && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}

const fontPx = (page, selector) => page.locator(selector).first()
  .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

/** The plot inside its axes: its width and height in CSS pixels. */
async function plotSize(page) {
  const [left, top, right, bottom] = await page.evaluate(() => window.optiviz.plotRect());
  return [right - left, bottom - top];
}

describe('one screen', () => {
  // The default page, and a story (whose caption takes a band above the plot).
  for (const [w, hgt] of [[1280, 720], [1920, 1080]]) {
    for (const large of [false, true]) {
      for (const story of ['', 'bias-correction']) {
        const what = `at ${w}×${hgt}${large ? ' with large text' : ''}${story ? ` in the ${story} story` : ''}`;
        test(`${what} the plot, timeline, controls and chart are all visible`, async () => {
          const query = [large ? 'large' : '', story ? `story=${story}` : ''].filter(Boolean).join('&');
          const { page, errors } = await h.open(`?${query}`, w, hgt);
          await nextFrames(page);
          for (const sel of ['#surface-canvas', '#timeline', '#play', '#one-step', '#reset', '#step-count', '#loss-canvas',
            '#chart-legend', '#add-run', '#runs fieldset legend >> nth=0', ...(story ? ['#caption'] : [])]) {
            assert.ok(await onScreen(page, sel), `${sel} is on screen ${what}`);
          }
          // No page scroll: the run panels and the chart column scroll on their own.
          assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight), true);
          const plot = await page.locator('#surface-canvas').boundingBox();
          assert.ok(Math.abs(plot.width - plot.height) < 2, `the plot's canvas is a square of ${plot.width} px`);
          // The plot itself, inside its axes, stays usable: 300 px on its short side at least.
          const [pw, ph] = await plotSize(page);
          assert.ok(Math.min(pw, ph) >= 300, `the plot is ${pw} × ${ph} px ${what}`);
          // Nothing of the chart column spills out of it sideways.
          assert.equal(await page.locator('.charts').evaluate((c) => c.scrollWidth <= c.clientWidth), true);
          await page.screenshot({ path: `${shots}/one-screen-${w}${large ? '-large' : ''}${story ? '-story' : ''}.png` });
          assert.deepEqual(errors, []);
          await page.close();
        });
      }
    }
  }

  test('large text enlarges the legends, readouts and notes a class reads', async () => {
    const { page } = await h.open('', 1920, 1080);
    await nextFrames(page);
    const before = { legend: await fontPx(page, '#plot-legend li'), readout: await fontPx(page, '.readout') };
    await page.getByRole('button', { name: 'Large text' }).click();
    await nextFrames(page);
    const after = { legend: await fontPx(page, '#plot-legend li'), readout: await fontPx(page, '.readout') };
    assert.ok(after.legend >= before.legend * 1.25, `legend ${before.legend} → ${after.legend} px`);
    assert.ok(after.readout >= before.readout * 1.25, `readout ${before.readout} → ${after.readout} px`);
    await page.close();
  });
});

describe('runs a class can tell apart', () => {
  test('legends name each run with its rate, and settings that differ', async () => {
    const { page, errors } = await h.open('?run=sgd;lr=0.001&run=sgd;lr=0.01&run=sgd;lr=0.1&step=10');
    const items = await page.locator('#chart-legend li').allInnerTexts();
    assert.deepEqual(items, ['1 · Gradient descent η=0.001', '2 · Gradient descent η=0.01', '3 · Gradient descent η=0.1']);
    // A slider changes the legend at once.
    await page.locator('#run0-lr-value').fill('0.002');
    await page.locator('#run0-lr-value').dispatchEvent('change');
    assert.equal(await page.locator('#chart-legend li').first().innerText(), '1 · Gradient descent η=0.002');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('on the default page the plot says gradient descent lies under Adam', async () => {
    const { page, errors } = await h.open('?step=1500');
    await nextFrames(page);
    assert.match(await page.locator('#coincide').innerText(), /^Run 1's path lies under run 3's/);
    // Moved apart (a larger rate for gradient descent), the note goes.
    await page.locator('#run0-lr-value').fill('0.003');
    await page.locator('#run0-lr-value').dispatchEvent('change');
    await nextFrames(page);
    assert.equal(await page.locator('#coincide').isHidden(), true);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('the step overlay', () => {
  /**
   * How many pixels of the foreground canvas in the box `[x0, x1] × [y0, y1]` (CSS pixels
   * from the canvas's corner) are of colour `rgb`.
   */
  const count = (page, rgb, [x0, x1], [y0, y1]) => page.evaluate(({ rgb, x0, x1, y0, y1 }) => {
    const c = document.getElementById('trajectory-canvas');
    const k = devicePixelRatio;
    const w = Math.round((x1 - x0) * k);
    const h = Math.round((y1 - y0) * k);
    const data = c.getContext('2d').getImageData(Math.round(x0 * k), Math.round(y0 * k), w, h).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2] && data[i + 3] === 255) n += 1;
    }
    return n;
  }, { rgb, x0, x1, y0, y1 });

  test('an Adam step shows each coordinate scaled: bars beside the gradient step, numbers in the readout', async () => {
    // Adam (η = 0.5) on the bowl ½(x² + 10y²) from (2, 1), paused at step 0: g = (2, 10), so
    // by hand v̂ = g² = (4, 100), dᵢ = √v̂ᵢ + ε ≈ (2, 10), η/dᵢ = (0.25, 0.05), and the
    // scaled step −(η/dᵢ)gᵢ = (−0.5, −0.5) against the plain −ηg = (−1, −5).
    const { page, errors } = await h.open('?surface=bowl&k=10&start=2,1&steps=50&step=1&run=adam;lr=0.5');
    // Adam's first step moved each coordinate by η = 0.5: the plot's scale in pixels per unit.
    const [[x1]] = await page.evaluate(() => window.optiviz.runPixels());
    await page.keyboard.press('r');
    await nextFrames(page);
    const [[hx, hy]] = await page.evaluate(() => window.optiviz.runPixels());
    const unit = (hx - x1) / 0.5;
    const adam = [255, 82, 82];
    const white = [255, 255, 255];
    // The scaled bars reach 0.5 units left of and below the head, the plain x bar 1 unit left.
    const rowLeft = (from, to) => [[hx - to * unit, hx - from * unit], [hy - 5, hy + 6]];
    const columnBelow = (from, to) => [[hx - 5, hx + 6], [hy + from * unit, hy + to * unit]];
    const before = {
      scaledX: await count(page, adam, ...rowLeft(0.2, 0.4)),
      scaledY: await count(page, adam, ...columnBelow(0.2, 0.4)),
      plainX: await count(page, white, ...rowLeft(0.6, 0.9)),
    };
    assert.deepEqual(before, { scaledX: 0, scaledY: 0, plainX: 0 }, 'nothing along the axes without the overlay');
    await page.getByLabel(/Show each step/).check();
    await nextFrames(page);
    const after = {
      scaledX: await count(page, adam, ...rowLeft(0.2, 0.4)),
      scaledY: await count(page, adam, ...columnBelow(0.2, 0.4)),
      plainX: await count(page, white, ...rowLeft(0.6, 0.9)),
    };
    assert.ok(after.scaledX > 10 && after.scaledY > 10, `Adam's bars along x and y: ${JSON.stringify(after)}`);
    assert.ok(after.plainX > 10, `the plain step's bar along x reaches past Adam's: ${JSON.stringify(after)}`);
    // Past the scaled bar's end (0.5) along x, only the white plain bar goes on.
    assert.equal(await count(page, adam, ...rowLeft(0.6, 0.9)), 0);
    const teach = await page.locator('#run0-teach').innerText();
    assert.match(teach, /^g = \(2, 10\) · η = 0\.5 · /);
    assert.ok(teach.includes('v̂ = (4, 100) · dᵢ = (2, 10) · η/dᵢ = (0.25, 0.05) against η = 0.5'), teach);
    assert.ok(teach.includes('−(η/dᵢ)gᵢ = (-0.5, -0.5) under the white −ηgᵢ'), teach);
    await page.locator('.plot .stack').screenshot({ path: `${shots}/overlay-adam.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('keys and folds', () => {
  test('space, → and r work after clicking Reset or a slider; text fields keep their keys', async () => {
    // A shared link opens paused on its step.
    const { page, errors } = await h.open('?steps=300&step=1');
    const count = async () => {
      await nextFrames(page);
      return Number((await page.locator('#step-count').innerText()).split(' ')[0]);
    };
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => parseInt(document.getElementById('step-count').value, 10) > 5);
    assert.equal(await page.locator('#play').innerText(), 'Pause', 'Space after Reset plays');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#play').innerText(), 'Play');
    await page.keyboard.press('r');
    assert.equal(await count(), 0);
    await page.getByRole('slider', { name: 'Run 1 learning rate' }).focus();
    await page.keyboard.press('r');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#play').innerText(), 'Pause', 'Space on a slider plays');
    await page.keyboard.press('Space');
    const steps = page.getByLabel('Steps', { exact: true });
    await steps.focus();
    const before = await count();
    await page.keyboard.press('r');
    await page.keyboard.press('ArrowRight');
    assert.equal(await count(), before, 'a text field keeps its keys');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('space, → and r work whatever control was last clicked (a slider keeps its arrows); one reached by Tab keeps its keys', async () => {
    const { page, errors } = await h.open('?steps=300&step=1');
    const count = async () => {
      await nextFrames(page);
      return Number((await page.locator('#step-count').innerText()).split(' ')[0]);
    };
    const playing = async () => (await page.locator('#play').innerText()) === 'Pause';
    /** Space plays and pauses, r resets, → steps once (unless `arrows`), the control untouched. */
    const keysWork = async (what, untouched, arrows = true) => {
      const before = await untouched();
      await page.keyboard.press('Space');
      assert.equal(await playing(), true, `Space plays after ${what}`);
      await page.keyboard.press('Space');
      assert.equal(await playing(), false, `Space pauses after ${what}`);
      await page.keyboard.press('r');
      assert.equal(await count(), 0, `r resets after ${what}`);
      assert.deepEqual(await untouched(), before, `${what} is left as it was`);
      if (!arrows) return;
      await page.keyboard.press('ArrowRight');
      assert.equal(await count(), 1, `→ steps after ${what}`);
      assert.deepEqual(await untouched(), before, `${what} is left as it was`);
    };
    // A checkbox, a button, a menu and a slider, each clicked as a teacher clicks them.
    const overlay = page.getByLabel(/Show each step/);
    await overlay.click();
    await keysWork('clicking a checkbox', () => overlay.isChecked());
    const large = page.getByRole('button', { name: 'Large text' });
    await large.click();
    await keysWork('clicking Large text', () => large.getAttribute('aria-pressed'));
    const surface = page.getByLabel('Surface', { exact: true });
    await surface.click();
    await page.keyboard.press('Escape');
    await keysWork('clicking the surface menu', () => surface.inputValue());
    // A slider keeps its arrows (they move it a step), and gives Space and r to the animation.
    const slider = page.getByRole('slider', { name: 'Run 1 learning rate' });
    await slider.click();
    await keysWork('clicking a slider', () => slider.inputValue(), false);
    const at = await slider.inputValue();
    await page.keyboard.press('ArrowRight');
    assert.notEqual(await slider.inputValue(), at, '→ moves the clicked slider');
    assert.equal(await count(), 0);
    // Reached with Tab, a checkbox is pressed by Space, and the animation waits.
    await page.locator('#view3d').focus();
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'overlay');
    const was = await overlay.isChecked();
    await page.keyboard.press('Space');
    assert.equal(await overlay.isChecked(), !was, 'Space presses a checkbox reached by Tab');
    assert.equal(await playing(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the quadratic-theory fold is listed only where there is a theory', async () => {
    const { page } = await h.open('');
    assert.equal(await page.locator('#theory-box').isHidden(), true, 'not on Rosenbrock');
    await page.getByLabel('Surface', { exact: true }).selectOption('bowl');
    assert.equal(await page.locator('#theory-box').isHidden(), false, 'on the bowl');
    await page.close();
  });
});

describe('a phone in a student\'s hand', () => {
  /** The page on a 390×844 touch phone. */
  async function phone(path = '') {
    const page = await h.browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(new URL(path, h.base).href);
    await page.waitForSelector('body[data-ready="true"]');
    return { page, errors };
  }

  for (const large of [false, true]) {
    test(`the phone layout${large ? ' with large text' : ''}: one row of controls, the plot and its timeline on screen, the rest below`, async () => {
      const { page, errors } = await phone(`?steps=200&step=1${large ? '&large' : ''}`);
      const box = (sel) => page.locator(sel).boundingBox();
      // The header: the title, then one row of controls (scrolling sideways), Play first.
      const header = await box('header');
      assert.ok(header.height < 130, `the header is ${header.height} px tall`);
      const tops = await page.locator('header .toolbar > *:not([hidden])').evaluateAll((els) =>
        els.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
      assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, `one row of controls: centres at ${tops}`);
      for (const sel of ['#play', '#one-step', '#reset', '#surface-canvas', '#timeline', '#step-count']) {
        assert.ok(await onScreen(page, sel), `${sel} is on screen`);
      }
      const [pw] = await plotSize(page);
      assert.ok(pw >= 280, `the plot is ${pw} px wide`);
      // The legend under the plot, not over it; then the notes, the chart and the run panels.
      const canvas = await box('#surface-canvas');
      const legend = await box('#plot-legend');
      assert.ok(legend.y >= canvas.y + canvas.height - 1, 'the plot legend is under the plot');
      const timeline = await box('#timeline');
      assert.ok(timeline.y >= legend.y + legend.height - 1, 'the timeline is under the legend');
      const chart = await box('#loss-canvas');
      const runs = await box('#runs');
      assert.ok(chart.y > timeline.y && runs.y > chart.y, 'the chart, then the run panels, fold below the plot');
      // Nothing wider than the phone.
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), true);
      await page.screenshot({ path: `${shots}/phone-layout-390${large ? '-large' : ''}.png` });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  test('a compact header, touch words and targets, swipes that scroll, taps that set the start', async () => {
    const { page, errors } = await phone('?steps=200&step=1');
    const header = await page.locator('header').boundingBox();
    assert.ok(header.height < 130, `the header is ${header.height} px tall`);
    assert.ok(await onScreen(page, '#play'), 'Play is on screen without scrolling the row');
    assert.match(await page.locator('#probe').innerText(), /^Tap the surface/);
    for (const sel of ['#play', '#one-step', '#reset', '#surface', '#add-run']) {
      const box = await page.locator(sel).boundingBox();
      assert.ok(box.height >= 40, `${sel} is ${box.height} px tall`);
    }
    // The plot lets a vertical swipe scroll the page...
    assert.equal(await page.locator('#trajectory-canvas').evaluate((c) => getComputedStyle(c).touchAction), 'pan-y');
    // ...and a tap still sets the start.
    const before = await page.evaluate(() => window.optiviz.startPixel());
    const box = await page.locator('#trajectory-canvas').boundingBox();
    await page.touchscreen.tap(box.x + box.width * 0.7, box.y + box.height * 0.3);
    await nextFrames(page);
    const after = await page.evaluate(() => window.optiviz.startPixel());
    assert.ok(Math.hypot(after[0] - before[0], after[1] - before[1]) > 20, `the start moved: ${before} → ${after}`);
    await page.screenshot({ path: `${shots}/phone-390.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('the lab on one screen', () => {
  // A scene (its caption a band above the pictures) with the polynomial, whose landscape has an
  // axis menu under it, at both projector sizes, Large text off and on.
  for (const [w, hgt] of [[1280, 720], [1920, 1080]]) {
    for (const large of [false, true]) {
      const what = `at ${w}×${hgt}${large ? ' with large text' : ''}`;
      test(`${what} the landscape, the data, the loss chart, the timeline and the controls are all visible`, async () => {
        const { page, errors } = await h.open(`lab.html?scene=overfitting${large ? '&large' : ''}`, w, hgt);
        await nextFrames(page);
        for (const sel of ['#caption', '#landscape-canvas', '#data-canvas', '#lab-chart', '#landscape-fit', '#plot-legend',
          '#timeline', '#step-count', '#play', '#one-step', '#reset', '#large', '#copy-link']) {
          assert.ok(await onScreen(page, sel), `${sel} is on screen ${what}`);
        }
        assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight), true);
        // Three squares side by side, of one size, each large enough to read.
        const boxes = await Promise.all(['#landscape-canvas', '#data-canvas', '#lab-chart'].map((s) => page.locator(s).boundingBox()));
        for (const b of boxes) {
          assert.ok(Math.abs(b.width - b.height) < 2 && Math.abs(b.width - boxes[0].width) < 2, `squares of one size: ${JSON.stringify(boxes)}`);
          assert.ok(b.width >= 250, `each picture is ${b.width} px ${what}`);
          assert.ok(Math.abs(b.y - boxes[0].y) < 2, 'side by side');
        }
        await page.screenshot({ path: `${shots}/lab-one-screen-${w}${large ? '-large' : ''}.png` });
        assert.deepEqual(errors, []);
        await page.close();
      });
    }
  }

  test('large text in the lab enlarges what a class reads, and travels in the link', async () => {
    const { page, errors } = await h.open('lab.html', 1920, 1080);
    await nextFrames(page);
    const before = { legend: await fontPx(page, '#plot-legend li'), readout: await fontPx(page, '.readout') };
    await page.getByRole('button', { name: 'Large text' }).click();
    await nextFrames(page);
    const after = { legend: await fontPx(page, '#plot-legend li'), readout: await fontPx(page, '.readout') };
    assert.ok(after.legend >= before.legend * 1.25, `legend ${before.legend} → ${after.legend} px`);
    assert.ok(after.readout >= before.readout * 1.25, `readout ${before.readout} → ${after.readout} px`);
    const link = await page.evaluate(() => window.optiviz.query());
    assert.match(link, /(^|&)large(&|$)/);
    // A scene chosen from the menu keeps it; the link opens with it on.
    await page.getByLabel('Scene').selectOption('batch-sizes');
    await nextFrames(page);
    assert.equal(await page.locator('#large').getAttribute('aria-pressed'), 'true');
    const reopened = await h.open(`lab.html?${await page.evaluate(() => window.optiviz.query())}`, 1920, 1080);
    await nextFrames(reopened.page);
    assert.equal(await reopened.page.locator('#large').getAttribute('aria-pressed'), 'true');
    assert.ok(await fontPx(reopened.page, '.readout') >= before.readout * 1.25);
    await page.getByRole('button', { name: 'Large text' }).click();
    assert.doesNotMatch(await page.evaluate(() => window.optiviz.query()), /(^|&)large(&|$)/);
    assert.deepEqual([...errors, ...reopened.errors], []);
    await reopened.page.close();
    await page.close();
  });
});
