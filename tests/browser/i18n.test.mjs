// The Chinese interface: both pages opened with lang=zh show no English outside the names
// that stay (optimizers, surfaces, symbols, formulas); the 中文 / English button switches the
// words and the link; the browser's language decides when the link does not; and an unknown
// lang= is reported naming the allowed values while the page still opens.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames } from './harness.mjs';

const h = harness();

/**
 * Words of three or more Latin letters allowed on the Chinese page: proper names (optimizers,
 * surfaces, people), the program's and formats' names, and the functions formulas use.
 */
const ALLOWED = new Set(`
  optiviz SGD Adam AdamW AMSGrad Adamax NAdam RAdam RMSprop AdaGrad Adadelta Lion Nesterov
  Rosenbrock Beale Himmelblau Booth Rastrigin Ackley Goldstein Price Styblinski Tang Easom
  Hessian Nelder Mead Web Worker worker wasm torch CSV PNG SVG JSON WebM XOR tanh dropout English
  exp cos sin log min max mean std eps sqrt label constant
`.split(/\s+/).filter(Boolean));

/**
 * Every Latin word of the page's text that is not allowed, with where it is: the text of every
 * element under `body` (menus' options included, closed folds too), and the visible titles
 * and accessible names; formulas (MathML, their plain-text forms, the step overlay's numbers)
 * and the hidden noscript text are left out.
 */
function english(page) {
  return page.evaluate((allowed) => {
    const allow = new Set(allowed);
    const skip = 'noscript, script, style, math, .math, pre, code, .teach';
    const found = [];
    const check = (text, where) => {
      // Code stays code: torch's signatures (torch.optim.SGD(lr, momentum)) and the schedule
      // grammar typed in its field (step:size=N,gamma=X).
      const words = text.replace(/\b(?:torch|optax)\.[\w.]+\([^)]*\)/g, '').replace(/\b\w+:[\w=,.[\]]+/g, '');
      for (const word of words.match(/[A-Za-z]{3,}/g) ?? []) {
        if (!allow.has(word)) found.push(`${word} in ${where}: ${text.trim().slice(0, 80)}`);
      }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el.closest(skip)) continue;
      check(n.textContent, el.id ? `#${el.id}` : el.tagName.toLowerCase());
    }
    for (const el of document.querySelectorAll('[title], [aria-label]')) {
      if (el.closest(skip)) continue;
      check(el.getAttribute('title') ?? '', `title of ${el.id || el.tagName}`);
      check(el.getAttribute('aria-label') ?? '', `aria-label of ${el.id || el.tagName}`);
    }
    check(document.title, 'title');
    return found;
  }, [...ALLOWED]);
}

/** The page's link as the address bar shows it, once the page has written it. */
const linkWith = (page, part) => page.waitForFunction((p) => location.search.includes(p), part, { timeout: 5000 });

describe('the Chinese surface page', () => {
  test('lang=zh opens Chinese, and nothing but names and symbols is left in English', async () => {
    const { page, errors } = await h.open('?lang=zh&story=saddle-point&overlay', 1280, 900);
    await nextFrames(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.equal(await page.locator('#play').textContent(), '播放');
    assert.match(await page.locator('#caption').textContent(), /^鞍点：谁能逃出来？/);
    // Open every fold, so that what the script writes into them is checked too.
    for (const id of ['results-box', 'sweep-box', 'multiples-box', 'basin-box']) {
      await page.locator(`#${id} > summary`).click();
    }
    await page.locator('details.rule > summary').first().click();
    await page.locator('details.extras > summary').first().click();
    await page.locator('#one-step').click();
    await nextFrames(page, 5);
    assert.deepEqual(await english(page), []);
    // The bowl's formula has words in it, and a theory fold.
    await page.locator('#surface').selectOption('bowl');
    await nextFrames(page, 5);
    assert.match(await page.locator('#formula').textContent(), /旋转/);
    assert.deepEqual(await english(page), []);
    // Two runs of one optimizer told apart by an option: the option's Chinese name.
    await page.locator('#story').selectOption('bias-correction');
    await nextFrames(page, 5);
    assert.match(await page.locator('#plot-legend').textContent(), /偏差修正/);
    assert.deepEqual(await english(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the language button switches the words and the link, both ways', async () => {
    const { page, errors } = await h.open('?step=0', 1280, 900);
    await nextFrames(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#reset').textContent(), 'Reset');
    assert.equal(await page.locator('#lang').textContent(), '中文');
    await page.locator('#lang').click();
    await linkWith(page, 'lang=zh');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.equal(await page.locator('#reset').textContent(), '重置');
    assert.equal(await page.locator('#lang').textContent(), 'English');
    // What the scripts and Rust wrote is rewritten: the run panels, menus and legends.
    assert.equal(await page.locator('#run0-legend').textContent(), '运行 1');
    assert.match(await page.locator('#plot-legend').textContent(), /梯度下降/);
    assert.equal(await page.locator('#surface option:checked').textContent(), 'Rosenbrock 山谷');
    await page.locator('#lang').click();
    await linkWith(page, 'lang=en');
    assert.equal(await page.locator('#reset').textContent(), 'Reset');
    assert.equal(await page.locator('#run0-legend').textContent(), 'Run 1');
    assert.match(await page.locator('#plot-legend').textContent(), /Gradient descent/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the notes' momentum sentence and Tune's search are in the page's language", async () => {
    const { page, errors } = await h.open('?lang=zh&surface=bowl&k=10&start=-2.5,1.5&steps=60&step=10&run=momentum;lr=0.001&notation=notes', 1280, 900);
    await nextFrames(page);
    const panel = page.locator('#runs fieldset').nth(0);
    await panel.locator('details.rule > summary').click();
    const rule = () => panel.locator('.math').first().textContent();
    // How torch's momentum differs from the notes', in the notes' words (学习率, 动量法).
    assert.match(await rule(), /课程笔记把动量法写成 v ← γv \+ η∇J\(θ\)，θ ← θ − v，学习率 η 在速度项之内/);
    assert.doesNotMatch(await rule(), /course notes/);
    assert.match(await panel.locator('.explain .plain').textContent(), /勾选“教科书式动量”即得到笔记的形式/);
    // Tune's search, worded in Chinese by the worker.
    await page.locator('#sweep-box > summary').click();
    await page.locator('#tune-budget').fill('60');
    await page.locator('#tune-momentum').check();
    await page.locator('#tune-run').click();
    await page.waitForSelector('#tune-result li small');
    const search = await page.locator('#tune-result li small').textContent();
    assert.match(search, /^η 先在 1e-5…1 上取 \d+ 个点的对数网格，再用黄金分割法细化，对 μ ∈ \{0, 0\.9, 0\.99\} 的每一种取值各搜索一次；最后对所有超参数一起做 \d+ 步 Nelder–Mead 搜索$/);
    // Switched to English, the rule's sentence follows.
    await page.locator('#lang').click();
    await linkWith(page, 'lang=en');
    assert.match(await rule(), /The course notes write momentum as v ← γv \+ η∇J\(θ\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a Chinese browser gets Chinese without lang= in the link, and an English one English', async () => {
    for (const [locale, lang, play] of [['zh-CN', 'zh-Hans', '播放'], ['en-GB', 'en', 'Play']]) {
      const context = await h.browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(new URL('?step=0&story=too-large', h.base).href);
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, locale);
      assert.equal(await page.locator('#play').textContent(), play, locale);
      // The browser's language is not written into the link: only a choice is.
      await nextFrames(page, 20);
      assert.doesNotMatch(await page.evaluate(() => window.optiviz.query()), /lang=/);
      await context.close();
    }
  });

  test('lang=xx is reported with the allowed values, and the rest of the link still opens', async () => {
    const { page, errors } = await h.open('?surface=booth&lang=xx', 1280, 900);
    const notice = await page.locator('#notice').textContent();
    assert.match(notice, /lang 'xx': allowed values are en, zh/);
    assert.equal(await page.locator('#surface').inputValue(), 'booth');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a Chinese page words a bad link's problems, a formula's and an edit's in Chinese", async () => {
    const { page, errors } = await h.open('?lang=zh&surface=booth&steps=0&run=adamm&run=sgd', 1280, 900);
    const notice = await page.locator('#notice').textContent();
    assert.match(notice, /^链接中有部分内容未能采用/);
    assert.match(notice, /steps 0：允许的取值为 1 到 20000；运行 1：未知的优化器 'adamm'：允许的取值为 sgd, /);
    assert.doesNotMatch(notice, /allowed|unknown/);
    assert.equal(await page.locator('#surface').inputValue(), 'booth');
    await page.close();

    // A formula in the link that does not read waits in its field, its error in Chinese.
    const zh = await h.open('?lang=zh&surface=custom&f=x%5E2%20%2B%20(y', 1280, 900);
    assert.equal(await zh.page.locator('#custom-error').isVisible(), true);
    assert.match(await zh.page.locator('#custom-error').innerText(), /^第 7 列的 '\(' 缺少对应的 '\)'/);
    // Typed: each mistake is worded in Chinese as it is made.
    await zh.page.locator('#custom-formula').fill('2x');
    await zh.page.waitForFunction(() => /缺少运算符/.test(document.getElementById('custom-error').textContent));
    assert.match(await zh.page.locator('#custom-error').innerText(), /^第 2 列的 '2' 和 'x' 之间缺少运算符（不支持省略乘号：写作 2\*x）/);
    assert.deepEqual([...errors, ...zh.errors], []);
    await zh.page.close();
  });
});

describe('the Chinese regression lab', () => {
  test('lang=zh opens Chinese, and nothing but names and symbols is left in English', async () => {
    const { page, errors } = await h.open('lab.html?lang=zh&scene=overfitting', 1280, 900);
    await nextFrames(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.match(await page.locator('#caption').textContent(), /^过拟合、早停与 L1\/L2 正则化。/);
    await page.locator('#csv-box > summary').click();
    await page.locator('details.rule > summary').first().click();
    await page.locator('#one-step').click();
    await nextFrames(page, 5);
    assert.deepEqual(await english(page), []);
    // The classes' menus and batch notes of another model, too.
    await page.locator('#model').selectOption('mlp');
    await nextFrames(page, 5);
    assert.deepEqual(await english(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the language button switches the lab and its link', async () => {
    const { page, errors } = await h.open('lab.html?step=0', 1280, 900);
    await nextFrames(page);
    await page.locator('#lang').click();
    await linkWith(page, 'lang=zh');
    assert.equal(await page.locator('#reset-points').textContent(), '恢复生成的数据点');
    assert.match(await page.locator('#batch-note').textContent(), /^批量梯度下降：/);
    await page.locator('#lang').click();
    await linkWith(page, 'lang=en');
    assert.match(await page.locator('#batch-note').textContent(), /^batch gradient descent:/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('lang=xx in the lab is reported with the allowed values, and the lab opens', async () => {
    const { page, errors } = await h.open('lab.html?lang=xx', 1280, 900);
    const notice = await page.locator('#notice').textContent();
    assert.match(notice, /lang 'xx': allowed values are en, zh/);
    assert.equal(await page.locator('#model').inputValue(), 'linear');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
