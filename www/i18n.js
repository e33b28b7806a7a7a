// The page's words in its language: the catalogue Rust hands over (src/i18n/*.json),
// `t(key, vars)` to fill one of its templates, and the static HTML's data-i18n attributes
// applied. The language follows the link's `lang=`, else the browser; the toolbar's button
// switches it, and the link carries the choice.
import { browser_lang, catalogue, set_language } from './pkg/optiviz.js';

/** The shown language's templates, by key. */
let words = {};
/** The shown language: 'en' or 'zh'. */
export let lang = 'en';

/** The template of `key` with each `{name}` replaced by `vars[name]`. */
export function t(key, vars = {}) {
  const template = words[key] ?? key;
  return template.replace(/\{([a-z_][a-z0-9_]*)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Each element's `data-i18n` text, and the attributes its `data-i18n-*` name, in the shown language. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const [data, attribute] of [['i18nTitle', 'title'], ['i18nAriaLabel', 'aria-label'], ['i18nPlaceholder', 'placeholder']]) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const el of root.querySelectorAll(selector)) el.setAttribute(attribute, t(el.dataset[data]));
  }
  // The words a touch screen shows instead (runs.js touchWords).
  for (const el of root.querySelectorAll('[data-i18n-touch]')) el.dataset.touch = t(el.dataset.i18nTouch);
  for (const el of root.querySelectorAll('[data-i18n-touch-label]')) el.dataset.touchLabel = t(el.dataset.i18nTouchLabel);
}

/** Shows the page in language `code`: its catalogue, `<html lang>`, and the static text. */
export function setLanguage(code) {
  lang = code;
  words = JSON.parse(catalogue(code));
  set_language(code); // the errors Rust raises, in the same language
  document.documentElement.lang = code === 'zh' ? 'zh-Hans' : 'en';
  applyStatic();
  const button = document.getElementById('lang');
  if (button) {
    // The button names the other language, in that language.
    button.textContent = t('lang.switch');
    button.lang = code === 'zh' ? 'en' : 'zh-Hans';
    button.title = t('lang.switch_title');
  }
}

/**
 * The language `handle` (App or Lab) shows at start: the link's, else the browser's; the
 * handle is told it (so the words Rust writes follow) and the page is shown in it.
 */
export function startLanguage(handle) {
  const chosen = handle.lang();
  const code = chosen ?? browser_lang((navigator.languages ?? [navigator.language]).join(','));
  handle.set_lang(code, chosen !== undefined);
  setLanguage(code);
}

/**
 * The toolbar's language button: switches to the other language, writes it into the link
 * (through `page.changed()`), and calls `refresh()` to rebuild what the page's script wrote.
 */
export function wireLanguage(page, refresh) {
  document.getElementById('lang').addEventListener('click', () => {
    const code = lang === 'zh' ? 'en' : 'zh';
    page.handle.set_lang(code, true);
    setLanguage(code);
    refresh();
    page.changed();
  });
}
