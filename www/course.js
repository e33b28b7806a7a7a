// The walk through the course: every section's words and formula come from Rust
// (src/state/course.rs, through the Course handle), the page's own words from the catalogue
// (i18n.js, as on the other pages: the link's `lang=`, else the browser; the 中文/English button
// switches and the link carries the choice); this script only lays the sections out and keeps
// each answer hidden until Reveal (or the scene's link) is clicked.
import init, { Course } from './pkg/optiviz.js';
import { wasm } from './wasm.js';
import { startLanguage, t, wireLanguage } from './i18n.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** Shows section `s`'s answer and marks the right choice. */
function reveal(section, s) {
  section.querySelector('.answer').hidden = false;
  section.querySelectorAll('.choices li')[s.answer].classList.add('right');
  const button = section.querySelector('.reveal');
  button.setAttribute('aria-expanded', 'true');
  button.disabled = true;
}

/** Lays out the sections of `course` in its language, and points the page links at it. */
function render(course) {
  const walk = JSON.parse(course.sections());
  const query = `?lang=${walk.lang}`;
  $('to-surfaces').href = `./${query}`;
  $('to-lab').href = `lab.html${query}`;
  const letters = 'ABC';
  $('toc-list').replaceChildren(...walk.sections.map((s) =>
    el('li', {}, el('a', { href: `#${s.id}`, textContent: s.title }))));
  $('sections').replaceChildren(...walk.sections.map((s, k) => {
    const math = el('div', { className: 'math' });
    // MathML written by Rust from constant data (no text from the link reaches it).
    math.innerHTML = s.formula;
    const button = el('button', { type: 'button', className: 'reveal', textContent: t('course.page.reveal') });
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', `answer-${s.id}`);
    const open = el('a', { className: 'open', href: s.href, textContent: `${s.open} →` });
    const answer = el('p', { className: 'answer', id: `answer-${s.id}`, hidden: true },
      el('strong', { textContent: `${t('course.page.answer')}${t('punct.colon')}${letters[s.answer]}. ` }), s.why);
    const section = el('section', { className: 'topic', id: s.id },
      el('h2', {}, el('span', { className: 'number', textContent: `${k + 1}` }), ` ${s.title}`),
      el('div', { className: 'topic-body' },
        math,
        el('div', { className: 'predict' },
          el('p', { className: 'question' }, el('strong', { textContent: `${t('course.page.predict')}${t('punct.colon')}` }), s.question),
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
  await init({ module_or_path: wasm });
  performance.mark('optiviz:wasm-ready');
  const course = new Course(location.search);
  startLanguage(course);
  render(course);
  // The frame that shows the sections, for the benchmark's time to first paint.
  requestAnimationFrame(() => performance.mark('optiviz:painted'));
  const problem = course.load_error();
  if (problem) notice(`${t('course.page.bad_lang')}${t('punct.colon')}${problem}`);
  // The language button, as on the other pages: the link then carries the language (the
  // section's #anchor kept), and the notice about the link's old lang is done with.
  const page = {
    handle: course,
    changed() {
      notice('');
      history.replaceState(null, '', `?${course.query()}${location.hash}`);
    },
  };
  wireLanguage(page, () => render(course));
  // A link to a section (course.html#momentum) scrolls there once the sections exist.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  notice(t('notice.start_failed', { error: e.message ?? e }));
  console.error(e);
});
