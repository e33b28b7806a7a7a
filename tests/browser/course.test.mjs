// The walk through the course (issue 16): course.html in both languages, its answers hidden
// until Reveal, its language from the link or the browser and switched on the page, and its
// links opening the surface page and the lab paused at step 0 on the scene that answers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, nextFrames } from './harness.mjs';

const h = harness();

/** Opens course.html?query in a browser whose languages are `locale`'s. */
async function openCourse(query, { width = 1280, height = 720, locale = 'en-US' } = {}) {
  const page = await h.browser.newPage({ viewport: { width, height }, locale });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`)));
  await page.goto(new URL(`course.html${query}`, h.base).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, errors };
}

const sections = (page) => page.locator('section.topic');

describe('the walk through the course', () => {
  test('in English: every section with its formula, its answer hidden until Reveal', async () => {
    const { page, errors } = await openCourse('?lang=en');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await page.locator('h1').innerText(), /a walk through the course/);
    assert.equal(await sections(page).count(), 13);
    assert.equal(await page.locator('#toc-list li').count(), 13);
    assert.equal(await page.locator('section.topic math').count(), 13);
    // Every answer hidden, every choice unmarked.
    assert.equal(await page.locator('.answer:visible').count(), 0);
    assert.equal(await page.locator('.choices li.right').count(), 0);
    const adam = page.locator('#adam');
    assert.match(await adam.locator('.question').innerText(), /first step/);
    await adam.getByRole('button', { name: 'Reveal the answer' }).click();
    assert.ok(await adam.locator('.answer').isVisible());
    assert.match(await adam.locator('.answer').innerText(), /^Answer: C\. .*3\.16η/);
    assert.match(await adam.locator('.choices li.right').innerText(), /3\.2 times larger/);
    // Only that one.
    assert.equal(await page.locator('.answer:visible').count(), 1);
    // The table of contents leads to a section.
    await page.locator('#toc-list a[href="#clipping"]').click();
    assert.match(page.url(), /#clipping$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('in Chinese from the link or the browser, switched on the page; a bad lang is named', async () => {
    const { page, errors } = await openCourse('?lang=zh');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.match(await page.locator('h1').innerText(), /课程导览/);
    assert.match(await page.locator('#momentum h2').innerText(), /动量法/);
    assert.match(await page.locator('#momentum .actions button').innerText(), /显示答案/);
    // The CJK font stack applies (nothing is fetched: the page's CSP would report it).
    assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /PingFang SC.*Noto Sans CJK SC/);
    // Every link carries the language on.
    const hrefs = await page.locator('a.open').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(hrefs.length, 13);
    for (const href of hrefs) assert.match(href, /^(index|lab)\.html\?(story|scene)=[a-z-]+&lang=zh$/);
    // The switch is the other pages' button, and switches (driven in the next test).
    assert.equal(await page.locator('#lang').innerText(), 'English');
    assert.deepEqual(errors, []);
    await page.close();

    // No lang in the link: the browser's languages decide.
    const zh = await openCourse('', { locale: 'zh-CN' });
    assert.equal(await zh.page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    await zh.page.close();
    const en = await openCourse('', { locale: 'en-GB' });
    assert.equal(await en.page.evaluate(() => document.documentElement.lang), 'en');
    await en.page.close();

    // A bad lang is named with the allowed values, in the browser's language, and the page
    // still works.
    const bad = await openCourse('?lang=fr', { locale: 'zh-CN' });
    assert.match(await bad.page.locator('#notice').innerText(), /'fr'：允许的取值为 en、zh/);
    assert.equal(await sections(bad.page).count(), 13);
    assert.deepEqual(bad.errors, []);
    await bad.page.close();
  });

  test('the language button switches the page and its link, both ways', async () => {
    // From English, as a person would: click 中文.
    const { page, errors } = await openCourse('#momentum', { locale: 'en-US' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    const button = page.getByRole('button', { name: '中文' });
    assert.equal(await button.getAttribute('title'), 'Show the page in Chinese');
    // No lang in the link yet: the browser chose it.
    assert.doesNotMatch(page.url(), /lang=/);
    await page.locator('#momentum').getByRole('button', { name: 'Reveal the answer' }).click();
    await button.click();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.match(page.url(), /course\.html\?lang=zh#momentum$/);
    assert.equal(await page.title(), 'optiviz · 课程导览');
    assert.equal(await page.locator('h1').innerText(), 'optiviz · 课程导览');
    assert.equal(await page.locator('#toc-title').innerText(), '目录');
    assert.match(await page.locator('#intro').innerText(), /^课程笔记的每个主题一节/);
    assert.equal(await page.locator('#to-surfaces').innerText(), '曲面');
    assert.equal(await page.locator('#to-surfaces').getAttribute('href'), './?lang=zh');
    assert.equal(await page.locator('#to-lab').innerText(), '回归实验室');
    assert.equal(await page.locator('#to-lab').getAttribute('href'), 'lab.html?lang=zh');
    const momentum = page.locator('#momentum');
    assert.equal(await momentum.locator('h2').innerText(), '3 动量法');
    assert.match(await momentum.locator('.question').innerText(), /^先预测：/);
    assert.equal(await momentum.locator('a.open').innerText(), '在曲面页打开这个场景 →');
    assert.equal(await momentum.locator('a.open').getAttribute('href'), 'index.html?story=ill-conditioned-bowl&lang=zh');
    assert.equal(await page.locator('#batch-sizes a.open').innerText(), '在回归实验室打开这个场景 →');
    // The sections are laid out anew: every answer hidden again.
    assert.equal(await page.locator('.answer:visible').count(), 0);
    await momentum.getByRole('button', { name: '显示答案' }).click();
    assert.match(await momentum.locator('.answer').innerText(), /^答案：A\. /);
    // The button now names English, in English, and switches back.
    const back = page.getByRole('button', { name: 'English' });
    assert.equal(await back.getAttribute('lang'), 'en');
    assert.equal(await back.getAttribute('title'), '以英文显示页面');
    await back.click();
    assert.match(page.url(), /course\.html\?lang=en#momentum$/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('h1').innerText(), 'optiviz · a walk through the course');
    assert.equal(await momentum.locator('h2').innerText(), '3 Momentum');
    assert.equal(await page.locator('#to-lab').getAttribute('href'), 'lab.html?lang=en');
    assert.equal(await momentum.locator('a.open').getAttribute('href'), 'index.html?story=ill-conditioned-bowl&lang=en');
    assert.equal(await page.getByRole('button', { name: '中文' }).count(), 1);
    // The link the switch wrote opens the page in that language, whatever the browser says.
    const reopened = await openCourse('?lang=zh', { locale: 'en-US' });
    assert.equal(await reopened.page.locator('#toc-title').innerText(), '目录');
    await reopened.page.close();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a bad lang is named in the browser\'s language, and the switch clears it', async () => {
    const { page, errors } = await openCourse('?lang=de', { locale: 'zh-CN' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    assert.equal(await page.locator('#notice').innerText(), "链接中的语言参数无效，已忽略：lang 'de'：允许的取值为 en、zh");
    await page.getByRole('button', { name: 'English' }).click();
    assert.ok(await page.locator('#notice').isHidden());
    assert.match(page.url(), /\?lang=en$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link opens the surface page on its story, paused at step 0', async () => {
    const { page, errors } = await openCourse('?lang=zh');
    const momentum = page.locator('#momentum');
    assert.ok(await momentum.locator('.answer').isHidden());
    const link = momentum.locator('a.open');
    assert.equal(await link.getAttribute('href'), 'index.html?story=ill-conditioned-bowl&lang=zh');
    await Promise.all([page.waitForURL(/\/index\.html/), link.click()]);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    // The page opens in the walk's language and writes its own link, the language in it.
    assert.match(page.url(), /story=ill-conditioned-bowl/);
    assert.match(page.url(), /lang=zh/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
    await nextFrames(page);
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#story').inputValue(), 'ill-conditioned-bowl');
    assert.match(await page.locator('#step-count').textContent(), /^0 \//);
    assert.equal(await page.locator('#play').getAttribute('aria-pressed'), 'false');
    assert.ok(await page.locator('#notice').isHidden(), 'lang= is no problem for the page');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link opens the lab on its scene, paused at step 0', async () => {
    const { page, errors } = await openCourse('?lang=en');
    const link = page.locator('#batch-sizes a.open');
    assert.equal(await link.getAttribute('href'), 'lab.html?scene=batch-sizes&lang=en');
    await Promise.all([page.waitForURL(/\/lab\.html/), link.click()]);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    assert.match(page.url(), /scene=batch-sizes/);
    await nextFrames(page);
    await page.waitForTimeout(300);
    const status = await page.evaluate(() => window.optiviz.status());
    assert.equal(status.step, 0);
    assert.equal((await page.evaluate(() => window.optiviz.settings())).scene.id, 'batch-sizes');
    assert.equal(await page.locator('#play').innerText(), 'Play');
    assert.ok(await page.locator('#notice').isHidden(), 'lang= is no problem for the lab');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('both pages link to the walk', async () => {
    for (const path of ['', 'lab.html']) {
      const { page } = await h.open(path, 1280, 720);
      const link = page.getByRole('link', { name: 'Course', exact: true });
      assert.equal(await link.getAttribute('href'), 'course.html');
      await page.close();
    }
  });
});
