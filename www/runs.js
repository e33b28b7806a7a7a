// The run panels both pages share (the surfaces and the regression lab): one panel per run with
// its optimizer, a slider for every hyperparameter, a checkbox for every option, schedule,
// clipping and noise, and its update rule. Built from the Rust handle's description of the
// runs (`runs()`), every change goes straight to the handle, whose errors name the allowed
// values and are shown instead of thrown.

import { lang, t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/**
 * A number the way the controls show it: 3 significant digits, exponents when tiny or huge.
 * Anything else (JSON's null for a value that stopped being finite, NaN, ±Infinity) is shown
 * as what it is rather than thrown on.
 */
export function fmt(v) {
  if (typeof v !== 'number' || Number.isNaN(v)) return t('num.nan');
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e4
    ? v.toExponential(2).replace(/\.?0+e/, 'e')
    : String(Number(v.toPrecision(3)));
}

/** A momentum or decay rate: 3 significant digits of how far it is below 1 (0.9995, not 1). */
export function fmtDecay(v) {
  return typeof v === 'number' && v > 0.9 && v < 1 ? String(Number((1 - Number((1 - v).toPrecision(3))).toPrecision(12))) : fmt(v);
}

/**
 * How a slider of scale `scale` ('linear', 'log' or 'decay', as the Rust side describes each
 * hyperparameter) maps a value to its position and back, and shows the value.
 */
export function sliderScale(scale) {
  if (scale === 'log') {
    return { pos: Math.log10, value: (t) => Number((10 ** t).toPrecision(3)), step: () => 0.01, show: fmt };
  }
  if (scale === 'decay') {
    // Position −log10(1 − v): 0 → 0, 0.9 → 1, 0.99 → 2; values keep 3 digits of 1 − v.
    return {
      pos: (v) => -Math.log10(1 - v),
      value: (t) => Number((1 - Number((10 ** -t).toPrecision(3))).toPrecision(12)),
      step: () => 0.01,
      show: fmtDecay,
    };
  }
  return { pos: (v) => v, value: (t) => t, step: (lo, hi) => (hi - lo) / 1000, show: fmt };
}

/** The notices shown, by source: 'edit', 'link', a job's name, … */
const notices = new Map();

/**
 * Shows `message` as the notice of `source` (`''` clears it), beside every other source's:
 * each stays until its own source clears it.
 */
export function notice(message, source = 'edit') {
  if ((notices.get(source) ?? '') === message) return;
  if (message) notices.set(source, message);
  else notices.delete(source);
  const el = $('notice');
  el.replaceChildren(...[...notices.values()].map((m) => Object.assign(document.createElement('span'), { textContent: m })));
  el.hidden = notices.size === 0;
}

/** Whether `e` is a trap of the wasm (a Rust panic), which no notice can answer. */
export const trapped = (e) => e instanceof WebAssembly.RuntimeError;

/**
 * Calls `action`; shows its error (a message naming the allowed values) as the notice of
 * `source` instead of throwing. Success clears that notice, and an edit's success the notice
 * of a link that could not be loaded. A Rust panic is thrown on, to the panic banner.
 */
export function attempt(action, control, source = 'edit') {
  try {
    action();
    notice('', source);
    if (source === 'edit') notice('', 'link');
    control?.removeAttribute('aria-invalid');
    return true;
  } catch (e) {
    if (trapped(e)) throw e;
    notice(e.message, source);
    control?.setAttribute('aria-invalid', 'true');
    return false;
  }
}

/**
 * A row holding `control` for setting `key` of run `i`, with a visible label; the accessible
 * name is "Run N <label>", so every control is found by its name.
 */
export function labelled(i, key, text, control, ...rest) {
  const id = `run${i}-${key}`;
  const row = document.createElement('div');
  row.className = 'param';
  row.dataset.key = key;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.id = `${id}-label`;
  label.textContent = text;
  control.id = id;
  control.setAttribute('aria-labelledby', `run${i}-legend ${id}-label`);
  row.append(label, control, ...rest);
  return row;
}

export function button(text, title, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** Gives each canvas as many device pixels as it shows. */
export function fitCanvases(canvases) {
  for (const c of canvases) {
    const w = Math.round(c.clientWidth * devicePixelRatio);
    const h = Math.round(c.clientHeight * devicePixelRatio);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }
}

/** The legend entries of every shown run: its colour, number and optimizer. */
export function legendItems(runs) {
  return runs.flatMap((run) => (run.hidden ? [] : [swatchItem(run.color, run.legend)]));
}

/** A legend entry: a swatch of `color` and its words. */
export function swatchItem(color, words) {
  const li = document.createElement('li');
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = color;
  li.append(swatch, words);
  return li;
}

/**
 * Builds the run panels for `handle` (the surface page's App or the lab's Lab, which answer
 * the same run methods). `hooks`: `changed()` after a setting changed, `rebuild()` after runs
 * were added, removed or switched optimizer, `legends(runs)` after one was shown or hidden,
 * and optionally `explainSteps()` (the surface page's "explain this step") and
 * `controls(run, i)` (a page's own controls of run `i`, after its hyperparameters).
 */
export class RunPanels {
  constructor(handle, kinds, hooks, limits) {
    this.handle = handle;
    this.kinds = kinds;
    /** The bounds of the controls, from Rust (App.limits). */
    this.limits = limits;
    this.hooks = hooks;
  }

  /**
   * Shows `runs`' hyperparameter values in the panels in place, when the panels are of these
   * runs (as many, each of the same optimizer), as after a surface switch that gave each run
   * its working rate: rebuilding a few hundred controls on every typed character costs more
   * than the surface. Whether they were (else the caller builds them anew).
   */
  sync(runs) {
    const panels = [...$('runs').children];
    if (panels.length !== runs.length || panels.some((panel, i) => panel.dataset.kind !== runs[i].kind)) return false;
    const shows = runs.map((run, i) => run.params.map((p) => [$(`run${i}-${p.name}`)?.show, p.value]));
    if (shows.flat().some(([show]) => !show)) return false;
    for (const [show, value] of shows.flat()) show(value);
    return true;
  }

  /** A run's setting changed: its legend may read differently now. */
  edited() {
    this.hooks.legends(JSON.parse(this.handle.runs()));
    this.refreshRules();
    this.hooks.changed();
  }

  /**
   * Writes every run's update rule again (a flag chooses its form, a hyperparameter at 0 drops
   * its term, the notation its symbols), and lets each open explanation be worked out again.
   */
  refreshRules() {
    for (const box of document.querySelectorAll('details.rule')) {
      const k = Number(box.dataset.run);
      // Parsed and laid out again only when it changed (a surface switch changes only η).
      const rule = this.handle.rule_mathml(k);
      const math = box.querySelector('.math');
      if (math.rule !== rule) {
        math.innerHTML = rule;
        math.rule = rule;
      }
      delete $(`run${k}-explain`)?.dataset.step;
    }
  }

  /** One slider, its label and its value, for hyperparameter `p` of run `i`. */
  paramControl(i, p) {
    const input = document.createElement('input');
    input.type = 'range';
    const scale = sliderScale(p.scale);
    const [lo, hi] = p.slider.map(scale.pos);
    input.min = lo;
    input.max = hi;
    input.step = scale.step(lo, hi);
    // A value outside the slider (typed in) puts the slider at its nearer end.
    const place = (v) => { input.value = scale.pos(Math.min(Math.max(v, p.slider[0]), p.slider[1])); };
    place(p.value);
    // The value, shown and editable as a number (any allowed value, also outside the slider).
    const number = document.createElement('input');
    number.type = 'number';
    number.step = 'any';
    number.className = 'value';
    number.value = scale.show(p.value);
    input.addEventListener('input', () => {
      const value = scale.value(Number(input.value));
      if (attempt(() => this.handle.set_param(i, p.name, value), input)) number.value = scale.show(value);
      this.edited();
    });
    number.addEventListener('change', () => {
      const value = number.value === '' ? NaN : Number(number.value);
      if (attempt(() => this.handle.set_param(i, p.name, value), number)) {
        place(value);
        number.value = scale.show(value);
      }
      this.edited();
    });
    // A new value from elsewhere (a surface switch's learning rate), shown in place; an
    // unchanged one is not written again (each write costs the page a layout).
    input.show = (v) => {
      const shown = scale.show(v);
      if (number.value === shown) return;
      place(v);
      number.value = shown;
    };
    const row = labelled(i, p.name, `${p.label} ${p.symbol}`, input, number);
    number.id = `${input.id}-value`;
    number.setAttribute('aria-labelledby', input.getAttribute('aria-labelledby'));
    return row;
  }

  /** A checkbox for flag `f` of run `i`: a torch option or a textbook convention. */
  flagControl(i, f) {
    const id = `run${i}-${f.name}`;
    const row = document.createElement('div');
    row.className = 'flag';
    row.dataset.key = f.name;
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = id;
    input.checked = f.value;
    input.setAttribute('aria-labelledby', `run${i}-legend ${id}-label`);
    const label = document.createElement('label');
    label.htmlFor = id;
    label.id = `${id}-label`;
    label.textContent = f.label;
    label.title = f.doc;
    input.addEventListener('change', () => {
      attempt(() => this.handle.set_flag(i, f.name, input.checked), input);
      this.edited();
    });
    row.append(input, label);
    return row;
  }

  /** Schedule, clipping and noise: what surrounds run `i`'s optimizer, folded away by default. */
  extrasControls(run, i) {
    const box = document.createElement('details');
    box.className = 'extras';
    box.dataset.key = 'extras';
    box.open = run.schedule !== 'constant' || run.clip_norm !== null || run.clip_value !== null || run.noise !== null;
    const summary = document.createElement('summary');
    summary.textContent = t('runs.extras');
    const schedule = document.createElement('input');
    schedule.type = 'text';
    schedule.value = run.schedule;
    schedule.spellcheck = false;
    schedule.title = t('runs.schedule_title');
    schedule.addEventListener('change', () => {
      attempt(() => this.handle.set_schedule(i, schedule.value), schedule);
      this.hooks.changed();
    });
    const number = (value) => {
      const input = document.createElement('input');
      input.type = 'number';
      input.min = '0';
      input.step = 'any';
      input.placeholder = t('runs.off');
      input.value = value ?? '';
      return input;
    };
    const clipNorm = number(run.clip_norm);
    const clipValue = number(run.clip_value);
    const optional = (input) => (input.value === '' ? undefined : Number(input.value));
    for (const input of [clipNorm, clipValue]) {
      input.addEventListener('change', () => {
        attempt(() => this.handle.set_clipping(i, optional(clipNorm), optional(clipValue)), input);
        this.hooks.changed();
      });
    }
    const sigma = document.createElement('input');
    sigma.type = 'range';
    [sigma.min, sigma.max] = this.limits.noise_slider;
    sigma.step = 0.05;
    sigma.value = run.noise?.sigma ?? 0;
    const sigmaOut = document.createElement('output');
    sigmaOut.value = fmt(Number(sigma.value));
    const seed = number(run.noise?.seed ?? 0);
    seed.step = '1';
    seed.placeholder = '0';
    const setNoise = () => {
      const s = Number(seed.value || 0);
      if (attempt(() => this.handle.set_noise(i, Number(sigma.value), s), sigma)) sigmaOut.value = fmt(Number(sigma.value));
      this.hooks.changed();
    };
    sigma.addEventListener('input', setNoise);
    seed.addEventListener('change', setNoise);
    box.append(summary,
      labelled(i, 'schedule', t('runs.schedule'), schedule),
      labelled(i, 'clip-norm', t('runs.clip_norm'), clipNorm),
      labelled(i, 'clip-value', t('runs.clip_value'), clipValue),
      labelled(i, 'noise', t('runs.noise'), sigma, sigmaOut),
      labelled(i, 'seed', t('runs.noise_seed'), seed));
    return box;
  }

  /** One run's panel: optimizer, visibility, copy and remove, readout, controls, rule. */
  runPanel(run, i, count) {
    const set = document.createElement('fieldset');
    set.className = 'run';
    set.dataset.kind = run.kind;
    const legend = document.createElement('legend');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = run.color;
    const name = document.createElement('span');
    name.id = `run${i}-legend`;
    name.textContent = t('runs.run', { n: i + 1 });
    legend.append(swatch, name);

    const tools = document.createElement('div');
    tools.className = 'run-tools';
    tools.dataset.key = 'runs';
    const shown = document.createElement('input');
    shown.type = 'checkbox';
    shown.checked = !run.hidden;
    shown.addEventListener('change', () => {
      attempt(() => this.handle.set_hidden(i, !shown.checked), shown);
      this.hooks.legends(JSON.parse(this.handle.runs()));
      this.hooks.changed();
    });
    const showRow = labelled(i, 'shown', t('runs.shown'), shown);
    showRow.className = 'flag';
    showRow.prepend(shown);
    const copy = button(t('runs.duplicate'), t('runs.duplicate_title'), () => {
      if (attempt(() => this.handle.duplicate_run(i))) this.hooks.rebuild();
    });
    copy.setAttribute('aria-label', t('runs.duplicate_label', { n: i + 1 }));
    const remove = button(t('runs.remove'), t('runs.remove_title'), () => {
      if (attempt(() => this.handle.remove_run(i))) this.hooks.rebuild();
    });
    remove.setAttribute('aria-label', t('runs.remove_label', { n: i + 1 }));
    remove.disabled = count === 1;
    tools.append(showRow, copy, remove);

    const select = document.createElement('select');
    for (const k of this.kinds) select.add(new Option(k.label, k.id));
    select.value = run.kind;
    select.title = run.reference;
    select.addEventListener('change', () => {
      attempt(() => this.handle.set_optimizer(i, select.value), select);
      this.hooks.rebuild();
    });
    const pick = labelled(i, 'kind', t('runs.optimizer'), select);
    pick.dataset.key = 'runs';

    const readout = document.createElement('p');
    readout.className = 'readout';
    readout.id = `run${i}-readout`;
    const teach = document.createElement('p');
    teach.className = 'teach';
    teach.id = `run${i}-teach`;
    teach.hidden = true;
    const rule = document.createElement('details');
    rule.className = 'rule';
    rule.dataset.key = 'explain';
    rule.dataset.run = i;
    const summary = document.createElement('summary');
    summary.textContent = this.hooks.explainSteps ? t('runs.rule_explain') : t('runs.rule');
    const math = document.createElement('div');
    math.className = 'math';
    // MathML written by optiviz itself (src/core/explain/), from its own symbols and numbers.
    math.innerHTML = this.handle.rule_mathml(i);
    const reference = document.createElement('p');
    reference.className = 'reference';
    reference.textContent = run.reference;
    const step = document.createElement('div');
    step.className = 'explain';
    step.id = `run${i}-explain`;
    step.setAttribute('aria-live', 'polite');
    rule.append(summary, this.notationControl(i), math, reference, step);
    rule.addEventListener('toggle', () => {
      delete step.dataset.step;
      this.hooks.explainSteps?.();
    });
    set.append(legend, tools, pick, readout, teach,
      ...run.params.map((p) => this.paramControl(i, p)),
      ...(this.hooks.controls?.(run, i) ?? []),
      ...run.flags.map((f) => this.flagControl(i, f)),
      this.extrasControls(run, i),
      rule);
    return set;
  }

  /**
   * The notation the update rules are written in, one choice for the whole page: torch's
   * symbols or the course notes' (every run's rule and explanation follow, and the link).
   */
  notationControl(i) {
    const select = document.createElement('select');
    select.id = `run${i}-notation`;
    select.className = 'notation';
    const words = { torch: t('notation.torch'), notes: t('notation.notes') };
    for (const id of this.limits.notations) select.add(new Option(words[id] ?? id, id));
    select.value = this.handle.notation();
    select.addEventListener('change', () => {
      if (!attempt(() => this.handle.set_notation(select.value), select)) return;
      for (const other of document.querySelectorAll('select.notation')) other.value = select.value;
      this.refreshRules();
      this.hooks.changed();
      this.hooks.explainSteps?.();
    });
    const row = labelled(i, 'notation', t('run.written_in'), select);
    // Shown and hidden with the rule it belongs to (a lesson naming 'explain' keeps it).
    row.dataset.key = 'explain';
    return row;
  }

}

/** Milliseconds of each frame a handle with `train(ms)` (the lab) may spend training. */
const TRAIN_MS = 5;

/**
 * The frame loop and the URL both pages share, over `handle` (App or Lab: `speed()`,
 * `advance(n)`, `render()`, `reset()`, `query()`; for the lab `train(ms)`, for the surface
 * page `simulate_for(ms)`, which train or simulate a slice of every run and say whether all
 * are whole, and `sharpening()`, whether the heatmap is still coarse: frames keep coming until
 * they are done).
 * A subclass's `afterRender()` updates its readouts each frame.
 */
export class Player {
  constructor(handle, canvases) {
    this.handle = handle;
    this.canvases = canvases;
    this.playing = false;
    this.pending = false;
    this.carry = 0; // fractional steps owed by the speed setting
    this.last = 0; // time of the previous animation frame
  }

  /** Asks for one frame; every change calls this, and playing keeps asking. */
  redraw() {
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame((t) => this.frame(t));
    }
  }

  /**
   * Calls `write` in the next frame, after the frame's own callback has drawn the runs; a
   * promise of its having been called. What is written in between frames (a worker's
   * results) is laid out by the frame's first read of the canvases' size and again after its
   * readouts are written; written after the drawing, it is laid out once with them.
   */
  afterFrame(write) {
    this.redraw();
    return new Promise((resolve) => requestAnimationFrame(() => {
      try {
        write();
      } finally {
        resolve();
      }
    }));
  }

  /**
   * Remembers the scenario in the URL, shortly after the last change; not while the address
   * is held as typed ({@link Player#holdAddress}).
   */
  remember() {
    clearTimeout(this.rememberTimer);
    this.rememberTimer = setTimeout(() => {
      if (!this.broken && !this.held) history.replaceState(null, '', `?${this.handle.query()}`);
    }, 250);
  }

  /**
   * Leaves the address as the user typed it (a link with parts left out, which the notice of
   * source 'link' names) so that it can be corrected there: the page does not rewrite it, nor
   * playing or pausing, until the user changes something, which also clears that notice.
   */
  holdAddress() {
    this.held = true;
    clearTimeout(this.rememberTimer);
  }

  /** A change to the scenario: draw it and remember it (the held address goes with it). */
  changed() {
    this.version = (this.version ?? 0) + 1;
    if (this.held) {
      this.held = false;
      notice('', 'link');
    }
    this.redraw();
    this.remember();
  }

  frame(time) {
    this.pending = false;
    // A handle that panicked answers nothing more: the banner's Reset brings a new one.
    if (this.broken) return;
    fitCanvases(this.canvases);
    // The lab trains its runs, the surface page simulates them, a slice a frame.
    const training = !(this.handle.train?.(TRAIN_MS) ?? this.handle.simulate_for(TRAIN_MS));
    // Runs just made whole: what is shown of them whole (results, explanations) anew.
    if (this.training && !training) this.version = (this.version ?? 0) + 1;
    this.training = training;
    if (this.playing) {
      const dt = this.last ? Math.min(time - this.last, 100) : 16;
      this.carry += (this.handle.speed() * dt) / 1000;
      const n = Math.floor(this.carry);
      this.carry -= n;
      if (!this.handle.advance(n)) this.setPlaying(false);
    }
    this.last = this.playing ? time : 0;
    try {
      this.handle.render();
      notice('', 'draw');
      // The first frame with the plots drawn, for the benchmark's time to first paint.
      if (!this.painted) {
        this.painted = true;
        performance.mark('optiviz:painted');
      }
    } catch (e) {
      if (trapped(e)) throw e;
      notice(t('notice.draw_failed', { error: e.message }), 'draw');
    }
    this.afterRender();
    // A coarse heatmap of a costly surface is sharpened a few rows a frame until it is done.
    const sharpening = this.handle.sharpening?.() ?? false;
    if (this.playing || training || sharpening) this.redraw();
  }

  afterRender() {}

  /**
   * The handle has panicked: a subclass ends what would still call it (jobs whose parts it
   * would take, timers). Nothing is called on the handle here.
   */
  broke() {}

  /**
   * Swaps in `handle`, a new one for a handle that panicked; a subclass also points its own
   * fields and panels at it and rebuilds its controls.
   */
  adopt(handle) {
    this.handle = handle;
    this.broken = false;
    this.last = 0;
    this.carry = 0;
  }

  setPlaying(on) {
    this.playing = on;
    const play = $('play');
    play.textContent = on ? t('toolbar.pause') : t('toolbar.play');
    play.setAttribute('aria-pressed', String(on));
    if (!on) {
      this.remember();
      this.onPause?.(); // an embedder hears it (embed.js)
    }
    this.redraw();
  }

  /** One step on, paused. */
  oneStep() {
    this.setPlaying(false);
    this.handle.advance(1);
    this.changed();
  }

  /** Back to step 0. */
  reset() {
    this.handle.reset();
    this.changed();
  }

  togglePlay() {
    if (!this.playing && !this.handle.advance(0)) this.handle.reset();
    this.setPlaying(!this.playing);
  }
}

/**
 * Space plays or pauses, → takes one step, r resets, whatever control last had focus, except
 * text fields (which keep every key for typing) and a slider's arrows (how it is moved by a
 * step, clicked or not). A control the user clicked or tapped gives the other keys to the
 * animation: after clicking Reset, a checkbox, Large text, a menu or a slider, Space plays. A
 * control reached with Tab keeps its own keys, for the keyboard's user: Space presses a
 * button, checkbox or fold, and a menu keeps all its keys.
 */
export function wireKeys(player) {
  // How the focused control got its focus: by a pointer (a click, a tap) or from the keyboard.
  let pointing = false;
  let clicked = false;
  document.addEventListener('pointerdown', () => { pointing = true; }, true);
  document.addEventListener('focusin', () => { clicked = pointing; }, true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Tab') pointing = false;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing = t instanceof HTMLTextAreaElement || t.isContentEditable
      || (t instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button'].includes(t.type));
    if (typing) return;
    if (t instanceof HTMLInputElement && t.type === 'range' && e.key === 'ArrowRight') return;
    const animation = ['play', 'one-step', 'reset'].includes(t.id);
    if (!clicked && !animation) {
      const presses = t instanceof HTMLButtonElement || t.tagName === 'SUMMARY'
        || (t instanceof HTMLInputElement && ['checkbox', 'radio'].includes(t.type));
      if (t instanceof HTMLSelectElement || (presses && e.key === ' ')) return;
    }
    if (e.key === ' ') {
      e.preventDefault();
      player.togglePlay();
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      player.oneStep();
    } else if (e.key === 'r' || e.key === 'R') {
      // Not a menu's search for an option starting with r.
      e.preventDefault();
      player.reset();
    }
  });
}

/**
 * On a touch screen (a coarse pointer), the words that say "click" or "wheel" say "tap" and
 * "two fingers" instead: each element's `data-touch` text and `data-touch-label` aria-label.
 */
export function touchWords() {
  if (!matchMedia('(pointer: coarse)').matches) return;
  for (const el of document.querySelectorAll('[data-touch]')) el.textContent = el.dataset.touch;
  for (const el of document.querySelectorAll('[data-touch-label]')) el.setAttribute('aria-label', el.dataset.touchLabel);
}

/**
 * Recovery from a Rust panic, which traps the wasm (a WebAssembly.RuntimeError) and leaves
 * `player`'s handle unusable while the wasm instance itself still works: wherever the trap
 * surfaces (the frame loop, an event handler), the banner shows the panic's message
 * (`lastPanic()`) and a Reset button, which builds a fresh handle by `make(query)` from the
 * scenario last remembered in the URL (the default one if that fails too) and hands it to
 * `player.adopt`. No reload: the page and its state outside the handle stay.
 */
export function recover(player, make, lastPanic) {
  const crashed = (e) => {
    if (!trapped(e)) return false;
    player.broken = true;
    player.broke();
    player.setPlaying(false);
    $('panic-message').textContent = t('panic.message', { error: lastPanic() ?? e.message });
    $('panic').hidden = false;
    return true;
  };
  window.addEventListener('error', (e) => { if (crashed(e.error)) e.preventDefault(); });
  window.addEventListener('unhandledrejection', (e) => { if (crashed(e.reason)) e.preventDefault(); });
  $('panic-reset').addEventListener('click', () => {
    let handle;
    try {
      handle = make(location.search);
    } catch {
      handle = make('');
    }
    $('panic').hidden = true;
    // The new handle speaks the page's language, and the link keeps carrying it if it did.
    handle.set_lang(lang, handle.lang() !== undefined);
    player.adopt(handle);
  });
}

/**
 * Shows one step explained in `out` (a run's "explain this step" box), unless it already shows
 * the step `key` names: `explain()` gives the step's JSON from Rust (`{step, mathml, text, …}`,
 * or null when the run takes no further step) and `heading(e)` the words above its formula.
 */
export function showExplanation(out, key, explain, heading) {
  if (!out || out.dataset.step === key) return;
  out.dataset.step = key;
  let e = null;
  try {
    e = JSON.parse(explain());
  } catch (err) {
    if (trapped(err)) throw err;
    out.textContent = err.message;
    return;
  }
  if (e === null) {
    out.textContent = t('explain.ended');
    return;
  }
  const words = document.createElement('p');
  words.textContent = heading(e);
  const math = document.createElement('div');
  math.className = 'math';
  // MathML written by optiviz itself (src/core/explain/), from its own symbols and numbers.
  math.innerHTML = e.mathml;
  const plain = document.createElement('pre');
  plain.className = 'plain';
  plain.textContent = e.text;
  const more = document.createElement('details');
  const label = document.createElement('summary');
  label.textContent = t('explain.plain');
  more.append(label, plain);
  out.replaceChildren(words, math, more);
}
