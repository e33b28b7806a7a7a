// Link fuzzing (issue 12): seeded random links of both pages, built from the real keys with
// extreme values (1e308, 5e-324, -1, 2^64, NaN, text, empty, huge lists) and mutations of a
// good link. Every one must open a page that gets ready, keeps drawing frames and logs no
// error (a bad link opens with a notice: the surface page with the link's valid parts, the
// lab with its default). `FUZZ_SEED` and `FUZZ_LINKS` (per page) choose another seed and
// count; a failure names the link, which then joins hostile.test.mjs's corpus.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames } from './harness.mjs';

const h = harness();
const SEED = Number(process.env.FUZZ_SEED ?? 12);
const LINKS = Number(process.env.FUZZ_LINKS ?? 40);

/** mulberry32: a small seeded generator, so every run tries the same links. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES = ['1e308', '-1e308', '5e-324', '-1', '0', '1', '18446744073709551616', '4294967297', 'NaN',
  'inf', '-0', '0.5', '1e-300', '', 'text', '%00', '😀', '1,2', '3'];
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'amsgrad', 'adamw',
  'adamax', 'nadam', 'radam', 'lion', 'newton', 'nope'];
const RUN_ITEMS = ['lr', 'momentum', 'beta1', 'beta2', 'eps', 'weight_decay', 'alpha', 'rho', 'damping', 'clip_norm',
  'clip_value', 'schedule', 'noise', 'dampening', 'batch'];
const FLAGS = ['hidden', 'classical', '!bias_correction', 'centered', 'amsgrad', 'nesterov'];
const PAGES = {
  '': {
    good: 'surface=bowl&k=10&start=-2.5,1.5&view=-3,3,-3,3&steps=300&step=12&speed=30&run=sgd;lr=0.01&run=adam;lr=0.05&overlay&chart=grad',
    keys: ['surface', 'k', 'angle', 'start', 'view', 'steps', 'step', 'speed', 'lesson', 'large', 'overlay',
      'chart', 'story', 'theory', 'f'],
    words: ['bowl', 'rosenbrock', 'himmelblau', 'easom', 'grad', 'loss', 'lr', 'start,view', 'rate-too-large',
      'custom', 'x^2 + 10*y^2', 'ln(x)', '1/(x*y)', '((x', 'exp(x^2)'],
    canvas: 'surface-canvas',
  },
  'lab.html': {
    good: 'model=mlp&n=40&hidden=3&seed=2&batch=8&steps=100&step=10&axes=0,1&run=adam;lr=0.05&run=newton',
    keys: ['model', 'n', 'slope', 'intercept', 'noise', 'separation', 'degree', 'l1', 'l2', 'hidden', 'dropout', 'val',
      'scale', 'seed', 'batch', 'steps', 'step', 'axes', 'view', 'points', 'scene', 'data'],
    words: ['linear', 'logistic', 'poly', 'mlp', '0,1;1,2', '0,0,1;1,1,0', 'batch-sizes', 'overfitting', 'moons', 'xor'],
    canvas: 'data-canvas',
  },
};

/** One random link of `page`: random keys and runs with extreme values, or a good link mutated. */
function link(rnd, page) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const value = () => (rnd() < 0.7 ? pick(EXTREMES) : pick(page.words));
  const list = (n) => Array.from({ length: n }, value).join(pick([',', ';']));
  if (rnd() < 0.3) {
    // A good link with a few characters replaced, dropped or doubled.
    const chars = [...page.good];
    for (let k = 0; k < 1 + rnd() * 4; k += 1) {
      const i = Math.floor(rnd() * chars.length);
      const op = rnd();
      if (op < 0.4) chars[i] = pick([...'=&;,.-9e0xN!%']);
      else if (op < 0.7) chars.splice(i, 1);
      else chars.splice(i, 0, chars[i]);
    }
    return chars.join('');
  }
  const parts = [];
  for (let k = 0; k < 1 + rnd() * 6; k += 1) {
    const r = rnd();
    if (r < 0.6) parts.push(`${pick(page.keys)}=${rnd() < 0.1 ? list(200 + rnd() * 2000) : value()}`);
    else if (r < 0.9) {
      const items = Array.from({ length: rnd() * 4 }, () => (rnd() < 0.7 ? `${pick(RUN_ITEMS)}=${value()}` : pick(FLAGS)));
      parts.push(`run=${[pick(OPTIMIZERS), ...items].join(';')}`);
    } else parts.push(...Array.from({ length: 5 + rnd() * 40 }, () => `run=${pick(OPTIMIZERS)}`));
  }
  return parts.map((p) => p.split('=').map(encodeURIComponent).join('=')).join('&');
}

describe('link fuzzing', { concurrency: true }, () => {
  for (const [path, page] of Object.entries(PAGES)) {
    test(`${LINKS} random links of ${path || 'index.html'} (seed ${SEED}) each open a working page`, async () => {
      const rnd = random(SEED + path.length);
      const { page: tab, errors } = await h.open(path);
      let notices = 0;
      for (let i = 0; i < LINKS; i += 1) {
        const q = link(rnd, page);
        await tab.goto(new URL(`${path}?${q}`, h.base).href);
        await tab.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
        await nextFrames(tab, 3);
        const drawn = await tab.evaluate((id) => document.getElementById(id).width > 0, page.canvas);
        assert.ok(drawn, `${path}?${q}: ${page.canvas} drawn`);
        assert.deepEqual(errors, [], `${path}?${q}`);
        if (await tab.locator('#notice').isVisible()) notices += 1;
      }
      // Most links are bad ones: their notices show the fuzzing reaches the checks.
      assert.ok(notices > LINKS / 4, `${notices} of ${LINKS} links had a notice`);
      await tab.close();
    });
  }
});
