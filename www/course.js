// The walk through the course: every word and formula comes from Rust (src/state/course.rs,
// course_sections); this script only lays the sections out, keeps each answer hidden until
// Reveal (or the scene's link) is clicked, and switches the language.
import init, { course_sections } from './pkg/optiviz.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** The browser's language: the first of its preferences that is Chinese or English; else en. */
function browserLanguage() {
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en'];
  for (const p of prefs) {
    const tag = String(p).toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The walk in the link's language (`?lang=`), else the browser's; a bad `lang` is named. */
function load() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked !== null) {
    try {
      return { walk: JSON.parse(course_sections(asked.slice(0, 16))), problem: null };
    } catch (e) {
      return { walk: JSON.parse(course_sections(browserLanguage())), problem: e.message ?? String(e) };
    }
  }
  return { walk: JSON.parse(course_sections(browserLanguage())), problem: null };
}

/** Shows section `s`'s answer and marks the right choice. */
function reveal(section, s) {
  section.querySelector('.answer').hidden = false;
  section.querySelectorAll('.choices li')[s.answer].classList.add('right');
  const button = section.querySelector('.reveal');
  button.setAttribute('aria-expanded', 'true');
  button.disabled = true;
}

function render(walk) {
  document.documentElement.lang = walk.lang === 'zh' ? 'zh-Hans' : 'en';
  document.title = walk.title;
  $('title').textContent = walk.title;
  $('intro').textContent = walk.intro;
  $('toc-title').textContent = walk.contents;
  const query = `?lang=${walk.lang}`;
  Object.assign($('to-surfaces'), { textContent: walk.surfaces, href: `./${query}` });
  Object.assign($('to-lab'), { textContent: walk.lab, href: `lab.html${query}` });
  const other = $('switch-lang');
  other.textContent = walk.other_language;
  other.lang = walk.other_lang === 'zh' ? 'zh-Hans' : 'en';
  other.hreflang = walk.other_lang;
  other.href = `?lang=${walk.other_lang}${location.hash}`;
  const letters = 'ABC';
  $('toc-list').replaceChildren(...walk.sections.map((s) =>
    el('li', {}, el('a', { href: `#${s.id}`, textContent: s.title }))));
  $('sections').replaceChildren(...walk.sections.map((s, k) => {
    const math = el('div', { className: 'math' });
    // MathML written by Rust from constant data (no text from the link reaches it).
    math.innerHTML = s.formula;
    const button = el('button', { type: 'button', className: 'reveal', textContent: walk.reveal });
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', `answer-${s.id}`);
    const open = el('a', { className: 'open', href: s.href, textContent: `${s.open} →` });
    const answer = el('p', { className: 'answer', id: `answer-${s.id}`, hidden: true },
      el('strong', { textContent: `${walk.answer}: ${letters[s.answer]}. ` }), s.why);
    const section = el('section', { className: 'topic', id: s.id },
      el('h2', {}, el('span', { className: 'number', textContent: `${k + 1}` }), ` ${s.title}`),
      el('div', { className: 'topic-body' },
        math,
        el('div', { className: 'predict' },
          el('p', { className: 'question' }, el('strong', { textContent: `${walk.predict}: ` }), s.question),
          el('ol', { className: 'choices', type: 'A' }, ...s.choices.map((c) => el('li', { textContent: c }))),
          el('p', { className: 'actions' }, button, ' ', open),
          answer)));
    button.addEventListener('click', () => reveal(section, s));
    // Opening the scene gives the answer away (press Play there), so the answer shows here too.
    open.addEventListener('click', () => reveal(section, s));
    return section;
  }));
}

function notice(message) {
  $('notice').textContent = message;
  $('notice').hidden = !message;
}

async function main() {
  await init();
  const { walk, problem } = load();
  render(walk);
  notice(problem ? `${walk.bad_lang}: ${problem}` : '');
  $('switch-lang').addEventListener('click', (e) => {
    e.preventDefault();
    const lang = $('switch-lang').hreflang;
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    history.replaceState(null, '', url);
    render(JSON.parse(course_sections(lang)));
    notice('');
  });
  // A link to a section (course.html#momentum) scrolls there once the sections exist.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  notice(`optiviz could not start: ${e.message ?? e}`);
  console.error(e);
});
