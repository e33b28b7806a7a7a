// optiviz page: builds the controls from what the Rust handle describes, turns pointer and
// keyboard input into calls on it, and runs the frame loop. Every computation and every pixel
// of the plots comes from Rust (pkg/optiviz.js); the scenario lives in the URL.
import init, { App, basin_legend, basin_tasks, check_tuning, last_panic, limits, optimizers, sweep_tasks } from './pkg/optiviz.js';
import { wasm } from './wasm.js';
import { wireEmbed } from './embed.js';
import { wireExport } from './export.js';
import { Job, WARM_SIZE, WARM_STEPS, pagePool } from './pool.js';
import { lang, startLanguage, t, wireLanguage } from './i18n.js';
import { $, Player, RunPanels, attempt, fitCanvases, fmt, fmtDecay, legendItems, notice, recover, showExplanation, swatchItem, touchWords, trapped, wireKeys } from './runs.js';

/** The page's words for a typed surface, in one place (to move into the catalogue). */
// The formula a fresh "your own f(x, y)" field starts with: two minima and a tilted valley
// between them.
const CUSTOM_EXAMPLE = 'x^4 - 3*x^2 + y^2 + x*y';

/** The page: the Rust handle, the frame loop and every control. */
/** `n` runs, in words. */
const runCount = (n) => (n === 1 ? t('count.run') : t('count.runs', { n }));

/**
 * One run's tuning outcome as a list item: the values it moved, and the search it ran.
 * @param {import('./types.js').Tuned} tuned
 */
function tunedItem(tuned) {
  const li = document.createElement('li');
  if (tuned.error) {
    li.append(t('tune.not_tuned', { run: tuned.run + 1, label: tuned.label, error: tuned.error }));
    return li;
  }
  // The learning rate first, then the decays, shown as decays (0.9995, not 1).
  const show = (k, v) => (k === 0 ? fmt(v) : fmtDecay(v));
  const moved = tuned.names.map((_, k) => `${tuned.symbols[k]} ${show(k, tuned.from[k])} → ${show(k, tuned.best[k])}`).join(', ');
  li.append(t('tune.moved', { run: tuned.run + 1, label: tuned.label, moved, score: fmt(tuned.best_score), n: tuned.evaluated }),
    Object.assign(document.createElement('small'), { textContent: tuned.search }));
  return li;
}

/** Milliseconds between two updates of the readouts while the animation plays. */
const STATUS_MS = 100;

class Page extends Player {
  constructor(app, canvases) {
    super(app, canvases);
    this.app = app;
    this.kinds = JSON.parse(optimizers(lang));
    this.surfaces = JSON.parse(App.surfaces(lang));
    this.panels = new RunPanels(app, this.kinds, {
      changed: () => this.changed(),
      rebuild: () => this.rebuild(),
      legends: (runs) => this.legends(runs),
      explainSteps: () => this.explainSteps(),
    }, JSON.parse(limits()));
  }

  /** A pan or zoom is going on: cheap heatmaps until it has been still for a moment. */
  interacting() {
    this.app.set_interacting(true);
    this.gesture = true;
    this.holdCore();
    clearTimeout(this.stillTimer);
    this.stillTimer = setTimeout(() => {
      this.app.set_interacting(false);
      this.gesture = false;
      this.holdCore();
      this.redraw();
    }, 180);
  }

  setPlaying(on) {
    super.setPlaying(on);
    this.holdCore();
  }

  /**
   * Leaves the worker pool one core fewer while the page animates (playing, a pan or zoom, a
   * video recording: `this.recording`), so its frames keep their time; all of them when still.
   */
  holdCore() {
    pagePool().setAnimating(Boolean(this.playing || this.gesture || this.recording));
  }

  afterRender() {
    // The runs were given a new surface's rates in this frame (App.rate_choices): shown.
    const choices = this.app.rate_choices();
    if (this.rateChoices !== undefined && choices !== this.rateChoices) this.refreshRuns();
    this.rateChoices = choices;
    const note = this.app.coinciding();
    if ($('coincide').textContent !== note) {
      $('coincide').textContent = note;
      $('coincide').hidden = !note;
    }
    // While playing, or while a pointer drags the start or a slider, the readouts change every
    // frame, faster than anyone reads them, and each change costs the frame a layout and a
    // repaint of the text: ten times a second then, and once more when the pointer lets go.
    const now = performance.now();
    if (!(this.playing || this.pressed) || !(now - this.statusAt < STATUS_MS)) {
      this.statusAt = now;
      this.stale = false;
      this.showStatus();
      this.explainSteps();
    } else if (!this.stale) {
      // The last change's readouts are shown even if nothing draws again (a pointer let go
      // outside the window).
      this.stale = true;
      setTimeout(() => { if (this.stale) this.redraw(); }, STATUS_MS);
    }
    this.showResults();
  }

  /** Follows whether a pointer is down anywhere on the page (see afterRender). */
  wirePressed() {
    document.addEventListener('pointerdown', () => { this.pressed = true; }, true);
    const up = () => {
      this.pressed = false;
      if (this.stale) this.redraw();
    };
    document.addEventListener('pointerup', up, true);
    document.addEventListener('pointercancel', up, true);
  }

  /** The results table, when open: one row per run, sorted by the chosen column. */
  showResults() {
    const box = $('results-box');
    if (!box.open) return;
    const tol = Number($('tolerance').value);
    const { key: column = 'run', dir = 1 } = this.sort ?? {};
    const key = `${this.version}:${tol}:${column}:${dir}`;
    if (this.resultsKey === key) return;
    this.resultsKey = key;
    /** @type {import('./types.js').ResultRow[]} */
    let rows;
    try {
      // Sorted in Rust; a missing value (never reached, never diverged) sorts last either way.
      rows = JSON.parse(this.app.results(tol, column, dir > 0));
      $('tolerance').removeAttribute('aria-invalid');
      notice('', 'tolerance');
    } catch (e) {
      if (trapped(e)) throw e;
      notice(e.message, 'tolerance');
      $('tolerance').setAttribute('aria-invalid', 'true');
      return;
    }
    for (const th of document.querySelectorAll('#results th')) {
      const k = th.querySelector('button').dataset.sort;
      if (k === column) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    const cell = (v) => (v === null ? '–' : fmt(v));
    document.querySelector('#results tbody').replaceChildren(...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const v of [`${r.run} · ${r.label}`, cell(r.final_loss), cell(r.distance_to_minimum),
        r.steps_to_tolerance ?? '–', r.diverged_at ?? '–', r.compute_ms.toFixed(2)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }));
  }

  wireResults() {
    $('results-box').addEventListener('toggle', () => this.showResults());
    $('tolerance').addEventListener('change', () => this.showResults());
    for (const b of document.querySelectorAll('#results th button')) {
      b.addEventListener('click', () => {
        const key = b.dataset.sort;
        this.sort = { key, dir: this.sort?.key === key ? -this.sort.dir : 1 };
        this.showResults();
      });
    }
    $('copy-results').addEventListener('click', async () => {
      const { key: column = 'run', dir = 1 } = this.sort ?? {};
      let csv;
      if (!attempt(() => { csv = this.app.results_csv(Number($('tolerance').value), column, dir > 0); }, $('tolerance'), 'tolerance')) return;
      try {
        await navigator.clipboard.writeText(csv);
        $('copy-results').textContent = t('results.copied');
      } catch {
        $('copy-results').textContent = t('results.copy_failed');
      }
      setTimeout(() => { $('copy-results').textContent = t('results.copy'); }, 2000);
    });
  }

  /** Fills every open "explain this step" with the next step's numbers, when they changed. */
  explainSteps() {
    const step = this.app.step();
    for (const box of document.querySelectorAll('details.rule[open]')) {
      const i = Number(box.dataset.run);
      showExplanation($(`run${i}-explain`), `${step}:${this.version}`, () => this.app.explain(i),
        (e) => t('explain.heading', { from: e.step - 1, to: e.step }));
    }
  }

  showStatus() {
    /** @type {import('./types.js').Status} */
    const status = JSON.parse(this.app.status());
    $('step-count').value = t('step.of', { step: status.step, max: status.max_steps });
    const timeline = $('timeline');
    timeline.max = status.max_steps;
    if (document.activeElement !== timeline) timeline.value = status.step;
    const overlay = this.app.overlay();
    status.runs.forEach((r, i) => {
      const el = $(`run${i}-readout`);
      if (!el) return;
      el.classList.toggle('diverged', r.diverged_at !== null);
      el.textContent = r.diverged_at !== null
        ? t('readout.diverged', { step: r.diverged_at, x: fmt(r.x), y: fmt(r.y) })
        : t('readout.step', { step: r.step, loss: fmt(r.loss), x: fmt(r.x), y: fmt(r.y) });
      const teach = $(`run${i}-teach`);
      teach.hidden = !overlay || !r.teach;
      if (overlay && r.teach) {
        const step = r.teach;
        const pair = (v) => `(${v.map((x) => (x === null ? '–' : fmt(x))).join(', ')})`;
        const s = r.scaling;
        teach.textContent = t('teach.base', { g: pair(step.g), lr: fmt(step.lr), update: pair(step.update), effective: pair(step.effective) })
          + (step.carry ? t('teach.carry', { carry: pair(step.carry) }) : '')
          // An adaptive method: what each coordinate accumulated, and the rate it leaves.
          + (s ? t('teach.scaling', { symbol: s.symbol, accumulated: pair(s.accumulated), denominator: pair(s.denominator),
            rate: pair(s.rate), lr: fmt(s.lr), scaled: pair(s.scaled) }) : '');
      }
    });
  }

  /** After the language changed: everything this script wrote, written again. */
  relabel() {
    this.fillMenus();
    this.syncControls();
    this.rebuild();
    this.setPlaying(this.playing);
    this.resultsKey = undefined;
    touchWords();
  }

  /** The menus of stories, surfaces and optimizers, in the page's language. */
  fillMenus() {
    const story = $('story');
    story.replaceChildren(new Option(t('story.choose'), ''),
      ...JSON.parse(App.presets(lang)).map((p) => new Option(p.title, p.id)));
    const surface = $('surface');
    this.surfaces = JSON.parse(App.surfaces(lang));
    surface.replaceChildren(...this.surfaces.map((s) => new Option(s.label, s.id)),
      new Option(t('custom.option'), 'custom'));
    this.kinds = JSON.parse(optimizers(lang));
    this.panels.kinds = this.kinds;
    const addKind = $('add-kind');
    const kind = addKind.value || 'nesterov';
    addKind.replaceChildren(...this.kinds.map((k) => new Option(k.label, k.id)));
    addKind.value = kind;
  }

  /**
   * The legends of the plot and the chart: every shown run's colour and optimizer; written
   * only when they read differently (new ones cost the page a layout and a repaint).
   */
  legends(runs) {
    const key = JSON.stringify(runs.map((r) => [r.hidden, r.color, r.legend]));
    if (key === this.legendKey) return;
    this.legendKey = key;
    for (const id of ['plot-legend', 'chart-legend', 'sweep-legend']) $(id).replaceChildren(...legendItems(runs));
  }

  /**
   * Builds the run panels and legends anew from the handle's runs. `panelsAfterPaint`: the
   * panels (a few hundred controls, the page's longest task as it opens) are built just
   * after the next frame is painted, so the plots show first; resolves when they are built.
   */
  rebuild(panelsAfterPaint = false) {
    /** @type {import('./types.js').RunView[]} */
    const runs = JSON.parse(this.app.runs());
    this.runsChanged(runs);
    this.applyLesson();
    this.changed();
    const panels = () => {
      $('runs').replaceChildren(...runs.map((run, i) => this.panels.runPanel(run, i, runs.length)));
      $('add-run').disabled = runs.length >= this.panels.limits.max_runs;
      this.lessonWithin($('runs')); // each of the panels' rows names its key
    };
    if (!panelsAfterPaint) {
      panels();
      return Promise.resolve();
    }
    // After the frame's callbacks, the browser paints; a task queued from one runs after that.
    return new Promise((built) => requestAnimationFrame(() => setTimeout(() => {
      panels();
      built();
    })));
  }

  /** What else lists the runs `runs`: the open basin and multiples choices, and the legends. */
  runsChanged(runs) {
    if ($('basin-box').open) this.basinRuns();
    if ($('multiples-box').open) this.multiplesChoices();
    this.legends(runs);
  }

  /** The handle panicked: the jobs end (their parts would go to it), and the gesture's timer. */
  broke() {
    pagePool().cancel();
    clearTimeout(this.stillTimer);
  }

  /**
   * Swaps in `app`, a fresh handle after a panic: every job is cancelled, the optional views
   * close, and every control is rebuilt from it.
   */
  adopt(app) {
    super.adopt(app);
    this.app = app;
    this.rateChoices = undefined;
    this.panels.handle = app;
    pagePool().cancel();
    for (const id of ['results-box', 'sweep-box', 'multiples-box', 'basin-box']) $(id).open = false;
    if (!$('theory-box').hidden) $('theory-box').open = false;
    if ($('view3d').checked) $('view3d').click();
    this.syncControls();
    this.rebuild();
    this.setLarge(app.large());
    this.setPlaying(app.advance(0));
  }

  /** Lesson mode: only the controls the link names stay visible. */
  applyLesson() {
    this.lesson = JSON.parse(this.app.lesson());
    this.lessonWithin(document);
    // The theory fold also depends on the surface: listed only where there is a theory.
    this.showTheory();
    this.showCustom();
  }

  /** Hides the keyed controls within `root` that the lesson leaves out, shows the others. */
  lessonWithin(root) {
    for (const el of root.querySelectorAll('[data-key]')) el.hidden = !this.allowed(el.dataset.key);
  }

  allowed(key) {
    return this.lesson === null || this.lesson === undefined || this.lesson.includes(key);
  }

  setLarge(on) {
    this.app.set_large(on);
    document.body.classList.toggle('large', on);
    $('large').setAttribute('aria-pressed', String(on));
    this.repaintBasins?.();
    this.changed();
  }

  /** Everything outside the run panels that shows the scenario: after a preset loads. */
  syncControls() {
    $('surface').value = this.app.surface();
    $('formula').textContent = this.app.surface_formula();
    this.showCustom();
    /** @type {import('./types.js').Preset | null} */
    const story = JSON.parse(this.app.story());
    $('story').value = story?.id ?? '';
    $('caption').hidden = !story;
    // "Who escapes?" needs no full stop after it.
    const asked = /[.?!。？！]$/.test(story?.title ?? '');
    $('caption').textContent = !story ? ''
      : asked ? t('story.caption_asked', story) : t('story.caption', story);
    $('keep-rates').checked = this.app.keep_rates();
    $('overlay').checked = this.app.overlay();
    $('chart').value = this.app.chart();
    $('speed').value = Math.log10(this.app.speed());
    $('speed-value').value = t('speed.value', { v: fmt(this.app.speed()) });
    $('max-steps').value = this.app.max_steps();
    this.showTheory();
  }

  /** The formula field: shown on a typed surface, holding its formula unless being typed in. */
  showCustom() {
    const custom = this.app.surface() === 'custom';
    $('custom-box').hidden = !custom || !this.allowed('surface');
    $('formula').hidden = custom;
    const field = $('custom-formula');
    if (custom && document.activeElement !== field) {
      field.value = this.app.custom_text();
      this.formulaError(null);
    }
  }

  /** Shows `text` as the surface; an error is shown under the field, the last surface kept. */
  typeFormula(text) {
    const error = JSON.parse(this.app.set_formula(text));
    this.formulaError(error);
    if (error) return;
    notice('', 'link');
    // While typing, heatmaps at half resolution, sharpened once the typing pauses.
    this.interacting();
    $('surface').value = 'custom';
    $('formula').textContent = this.app.surface_formula();
    this.showTheory(); // the typed surface may have one, or lose it
    // The runs' rates come in the frames after (App.set_formula), shown by afterRender.
    this.changed();
  }

  /**
   * After a surface switch, a tuning or a rate picked from a chart: the runs are the same but
   * their settings may be new; shown in the panels in place when they are of these runs, else
   * the panels are built anew. `runs`: the handle's runs, when the caller has just read them.
   *
   * @param {import('./types.js').RunView[]} [runs]
   */
  refreshRuns(runs = JSON.parse(this.app.runs())) {
    if (!this.panels.sync(runs)) {
      this.rebuild();
      return;
    }
    this.runsChanged(runs);
    this.panels.refreshRules();
    this.showTheory(); // the new surface may have one, or lose it
    this.changed();
  }

  /** The error under the field: its message, and the text around its column, marked. */
  formulaError(error) {
    const box = $('custom-error');
    box.hidden = !error;
    $('custom-formula').toggleAttribute('aria-invalid', !!error);
    if (!error) return;
    const code = document.createElement('code');
    code.append(error.before, Object.assign(document.createElement('mark'), { textContent: error.at || t('custom.end') }), error.after);
    box.replaceChildren(error.message, code);
  }

  /** The theory panel: only on surfaces whose Hessian is constant (the bowl, Booth). */
  showTheory() {
    const th = JSON.parse(this.app.theory());
    const box = $('theory-box');
    box.hidden = th === null || (this.lesson != null && !this.lesson.includes('theory'));
    $('eigenvectors').checked = this.app.theory_shown();
    if (th === null) return;
    const [lo, hi] = th.eigenvalues;
    $('theory-numbers').textContent = t('theory.numbers', { lo: fmt(lo), hi: fmt(hi), condition: fmt(th.condition),
      diverge: fmt(th.gd_divergence_lr), best: fmt(th.gd_best_lr), rate: fmt(th.gd_best_rate),
      hb_lr: fmt(th.heavy_ball_lr), hb_mu: fmt(th.heavy_ball_momentum), hb_rate: fmt(th.heavy_ball_rate) });
  }

  /**
   * Starts or stops painting an optional view's `canvas`: sized with the others while shown,
   * handed to Rust by `attach` (with `undefined` when hidden, so it costs nothing).
   */
  showCanvas(canvas, shown, attach) {
    this.canvases = this.canvases.filter((c) => c !== canvas);
    if (shown) {
      this.canvases.push(canvas);
      fitCanvases(this.canvases);
    }
    attach(shown ? canvas : undefined);
    this.redraw();
  }

  /** Fills the basin map's run menus with the current runs. */
  basinRuns() {
    /** @type {import('./types.js').RunView[]} */
    const runs = JSON.parse(this.app.runs());
    for (const [id, pick] of [['basin-a', 0], ['basin-b', Math.min(1, runs.length - 1)]]) {
      const select = $(id);
      const keep = select.value;
      select.replaceChildren(...runs.map((r, i) => new Option(`${i + 1} · ${r.label}`, i)));
      select.value = keep !== '' && Number(keep) < runs.length ? keep : String(pick);
    }
  }

  /**
   * Basin maps in Web Workers: each of two runs' maps is split in row chunks that the pool
   * deals to its workers (one per core); Cancel ends them at once.
   */
  wireBasins() {
    const job = new Job('basin');
    $('basin-box').addEventListener('toggle', () => {
      this.basinRuns();
      if (!$('basin-box').open) return;
      // While the user picks the map's settings the workers fetch and compile their wasm, and
      // compute a small map of each chosen run, discarded (Pool.warm).
      const [query, steps, pool] = [this.app.query(), Math.min(this.app.max_steps(), WARM_STEPS), pagePool()];
      pool.warm([$('basin-a'), $('basin-b')].flatMap((s) => JSON.parse(basin_tasks(query, Number(s.value), WARM_SIZE, steps, pool.size, 0))));
    });
    $('basin-run').addEventListener('click', () => {
      const n = Number($('basin-size').value);
      const query = this.app.query();
      // The scenario's own step budget, as its runs have.
      const steps = this.app.max_steps();
      const sides = [['basin-left', Number($('basin-a').value)], ['basin-right', Number($('basin-b').value)]];
      const maps = sides.map(() => new Uint32Array(n * n));
      const paint = () => {
        const mode = $('basin-mode').value;
        sides.forEach(([canvas], k) => {
          const c = $(canvas);
          fitCanvases([c]);
          this.app.paint_basins(c, query, maps[k], n, n, mode, steps);
        });
        $('basin-legend').replaceChildren(...JSON.parse(basin_legend(query, mode, steps, lang)).map((e) => swatchItem(e.color, e.label)));
      };
      /** @type {import('./types.js').Task[]} */
      const tasks = sides.flatMap(([, run], side) => JSON.parse(basin_tasks(query, run, n, steps, job.pool.size, side)));
      let rows = 0;
      job.run(tasks, {
        part: (task, m) => {
          maps[task.side].set(m.cells, m.row * n);
          rows += m.cells.length / n;
          job.progress(rows / (2 * n));
        },
        done: (ms) => {
          paint();
          job.status.value = t('basins.done', { n, s: (ms / 1000).toFixed(2), workers: job.pool.size });
        },
        what: t('basins.what'),
      });
      this.repaintBasins = paint;
    });
    $('basin-mode').addEventListener('change', () => this.repaintBasins?.());
    // The maps' axes are drawn at the canvas's size and text size: painted again when either changes.
    new ResizeObserver(() => this.repaintBasins?.()).observe($('basin-left'));
  }

  /** The Vary menu: run 1's hyperparameters, then the optimizer and the surface. */
  multiplesChoices() {
    const select = $('multiples-vary');
    const keep = select.value;
    const [first] = JSON.parse(this.app.runs());
    this.multiplesParams = new Map(first.params.map((p) => [p.name, p]));
    select.replaceChildren(...first.params.map((p) => new Option(p.label === p.name ? t('multiples.symbol_name', { symbol: p.symbol, name: p.name }) : `${p.label} ${p.symbol}`, p.name)),
      new Option(t('multiples.vary_optimizer'), 'optimizer'), new Option(t('multiples.vary_surface'), 'surface'));
    select.value = [...select.options].some((o) => o.value === keep) ? keep : 'lr';
    this.multiplesRange(select.value !== keep);
  }

  /**
   * The range follows the hyperparameter varied: its symbol, and (when it is a new choice)
   * its slider's range; no range for the optimizer or the surface.
   */
  multiplesRange(reset) {
    const p = this.multiplesParams?.get($('multiples-vary').value);
    for (const id of ['multiples-lo', 'multiples-hi', 'multiples-lo-label', 'multiples-hi-label']) $(id).hidden = !p;
    if (!p) return;
    $('multiples-lo-label').textContent = t('multiples.from', { symbol: p.symbol });
    if (reset) {
      const [lo, hi] = p.vary;
      $('multiples-lo').value = lo;
      $('multiples-hi').value = hi;
    }
  }

  wireMultiples() {
    const box = $('multiples-box');
    const canvas = $('multiples-canvas');
    $('multiples-vary').addEventListener('change', () => this.multiplesRange(true));
    const show = () => {
      const ok = attempt(() => this.app.set_multiples($('multiples-vary').value, Number($('multiples-count').value),
        Number($('multiples-lo').value), Number($('multiples-hi').value)), $('multiples-count'));
      if (ok) this.showCanvas(canvas, true, (c) => this.app.set_multiples_canvas(c));
    };
    box.addEventListener('toggle', () => {
      if (box.open) {
        this.multiplesChoices();
        show();
      } else this.showCanvas(canvas, false, (c) => this.app.set_multiples_canvas(c));
    });
    $('multiples-show').addEventListener('click', show);
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      if (this.app.multiples_hover((e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio) !== undefined) {
        this.redraw();
      }
    });
  }

  /** The indices of the shown runs. */
  shownRuns() {
    return JSON.parse(this.app.runs()).flatMap((r, i) => (r.hidden ? [] : [i]));
  }

  /**
   * The learning-rate sweep, computed by the workers in chunks of a run's rates; the chart
   * fills in as the parts arrive.
   */
  wireSweep() {
    const box = $('sweep-box');
    const canvas = $('sweep-canvas');
    const job = new Job('sweep');
    box.addEventListener('toggle', () => {
      this.showCanvas(canvas, box.open, (c) => this.app.set_sweep_canvas(c));
      // The workers fetch and compile their wasm while the user picks the sweep or Tune.
      if (box.open) pagePool().warm();
    });
    $('sweep-run').addEventListener('click', () => {
      let lrs;
      if (!attempt(() => { lrs = this.app.begin_sweep(); }, undefined, 'sweep')) return;
      const query = this.app.query();
      const runs = this.shownRuns();
      /** @type {import('./types.js').Task[]} */
      const tasks = JSON.parse(sweep_tasks(query, Uint32Array.from(runs), lrs));
      let parts = 0;
      job.run(tasks, {
        part: (task, m) => {
          if (!attempt(() => this.app.sweep_points(task.run, task.first, m.cells), undefined, 'sweep')) return;
          parts += 1;
          job.progress(parts / tasks.length);
          this.redraw();
        },
        done: (ms) => { job.status.value = t('sweep.done', { runs: runCount(runs.length), rates: lrs.length, ms: ms.toFixed(0) }); },
        what: t('sweep.what'),
      });
    });
    $('sweep-metric').addEventListener('change', () => {
      if (attempt(() => this.app.set_sweep_metric($('sweep-metric').value))) this.redraw();
    });
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      const pick = this.app.sweep_pick((e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio);
      if (!pick) return;
      const [i, lr] = pick;
      if (attempt(() => this.app.set_param(i, 'lr', Number(lr.toPrecision(3))))) this.refreshRuns();
    });
    this.wireTune();
  }

  /**
   * Tune: each shown run's search in a worker (the runs shared out over the cores), with
   * progress per simulation; when all are done every run is set to its best.
   */
  wireTune() {
    const job = new Job('tune');
    $('tune-run').addEventListener('click', () => {
      const budget = Number($('tune-budget').value);
      const objective = $('tune-objective').value;
      const decays = ['tune-momentum', 'tune-beta1', 'tune-beta2'].filter((id) => $(id).checked).map((id) => $(id).value).join(',');
      if (!attempt(() => check_tuning(objective, budget, decays), $('tune-budget'), 'tune')) return;
      const query = this.app.query();
      const runs = this.shownRuns();
      const tasks = runs.map((run) => ({ kind: 'tune', query, run, objective, budget, decays }));
      const done = new Map();
      const found = [];
      const report = () => job.progress([...done.values()].reduce((a, b) => a + b, 0) / (budget * runs.length));
      job.run(tasks, {
        part: (task, m) => {
          if (m.progress !== undefined) done.set(task.run, m.progress);
          if (m.result) found.push(m.result);
          report();
        },
        done: (ms) => {
          found.sort((a, b) => a.run - b.run);
          for (const t of found.filter((t) => !t.error)) {
            t.names.forEach((name, k) => attempt(() => this.app.set_param(t.run, name, Number(t.best[k].toPrecision(6))), undefined, 'tune'));
          }
          // The runs are set now and the next frame draws them; what the page writes of them
          // (the panels, the legends, the list) follows within that frame (afterFrame).
          return this.afterFrame(() => {
            /** @type {import('./types.js').RunView[]} */
            const views = JSON.parse(this.app.runs());
            // Each run's optimizer named in the page's language (the workers name it in English).
            $('tune-result').replaceChildren(...found.map((tuned) => tunedItem({ ...tuned, label: views[tuned.run]?.label ?? tuned.label })));
            // The same runs with new settings: their panels updated in place, not built anew.
            this.refreshRuns(views);
            job.status.value = t('tune.done', { runs: runCount(runs.length), budget, ms: ms.toFixed(0) });
          });
        },
        what: t('tune.what'),
      });
    });
  }

  wireTheory() {
    const box = $('theory-box');
    const canvas = $('rate-canvas');
    box.addEventListener('toggle', () => this.showCanvas(canvas, box.open, (c) => this.app.set_rate_map(c)));
    $('eigenvectors').addEventListener('change', () => {
      this.app.set_theory($('eigenvectors').checked);
      this.changed();
    });
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      const at = this.app.rate_at((e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio);
      if (!at) return;
      const [lr, mu] = [Number(at[0].toPrecision(3)), Number(at[1].toPrecision(3))];
      let i = JSON.parse(this.app.runs()).findIndex((run) => run.kind === 'momentum' && !run.hidden);
      if (i < 0 && attempt(() => this.app.add_run('momentum'))) i = JSON.parse(this.app.runs()).length - 1;
      if (i < 0) return;
      if (attempt(() => { this.app.set_param(i, 'lr', lr); this.app.set_param(i, 'momentum', mu); })) this.refreshRuns();
    });
  }

  wireToolbar() {
    const select = $('surface');
    this.fillMenus();
    const field = $('custom-formula');
    // Typing redraws at most once a frame, with the text as it is then.
    field.addEventListener('input', () => {
      cancelAnimationFrame(this.formulaFrame);
      this.formulaFrame = requestAnimationFrame(() => this.typeFormula(field.value));
    });
    select.addEventListener('change', () => {
      if (select.value === 'custom') {
        $('custom-box').hidden = false;
        $('formula').hidden = true;
        if (!field.value) field.value = CUSTOM_EXAMPLE;
        this.typeFormula(field.value);
        field.focus();
        return;
      }
      const switched = attempt(() => this.app.set_surface(select.value), select);
      this.syncControls();
      if (!switched) return;
      // The new surface is painted first, each run at its start; the frames after it give the
      // runs their rates (App.set_surface), which afterRender then shows in the panels.
      this.changed();
    });
    $('keep-rates').addEventListener('change', () => {
      this.app.set_keep_rates($('keep-rates').checked);
      this.remember();
    });
    const story = $('story');
    story.addEventListener('change', () => {
      if (!story.value) return;
      // A story opens paused at step 0 and waits for Play, so the teacher speaks first.
      if (attempt(() => this.app.load_preset(story.value), story)) {
        this.setPlaying(false);
        this.syncControls();
        this.rebuild();
      }
    });
    $('overlay').addEventListener('change', () => {
      this.app.set_overlay($('overlay').checked);
      this.changed();
    });
    const view3d = $('view3d');
    const canvas3d = $('surface3d-canvas');
    view3d.addEventListener('change', () => {
      canvas3d.hidden = !view3d.checked;
      this.showCanvas(canvas3d, view3d.checked, (c) => this.app.set_view3d(c));
      if (view3d.checked) canvas3d.scrollIntoView({ block: 'nearest' });
    });
    let turning = null;
    canvas3d.addEventListener('pointerdown', (e) => {
      turning = [e.clientX, e.clientY];
      try {
        canvas3d.setPointerCapture(e.pointerId);
      } catch {
        // Follow the pointer without capture.
      }
    });
    canvas3d.addEventListener('pointermove', (e) => {
      if (!turning) return;
      this.app.rotate((e.clientX - turning[0]) * devicePixelRatio, (e.clientY - turning[1]) * devicePixelRatio, 1);
      turning = [e.clientX, e.clientY];
      this.redraw();
    });
    canvas3d.addEventListener('pointerup', () => { turning = null; });
    canvas3d.addEventListener('pointercancel', () => { turning = null; });
    canvas3d.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.app.rotate(0, 0, Math.exp(-Math.max(-1, Math.min(1, e.deltaY / 300))));
      this.redraw();
    }, { passive: false });
    $('chart').addEventListener('change', () => {
      attempt(() => this.app.set_chart($('chart').value), $('chart'));
      this.changed();
    });
    $('play').addEventListener('click', () => this.togglePlay());
    $('one-step').addEventListener('click', () => this.oneStep());
    $('reset').addEventListener('click', () => this.reset());

    const speed = $('speed');
    speed.addEventListener('input', () => {
      attempt(() => this.app.set_speed(Number((10 ** Number(speed.value)).toPrecision(2))), speed);
      $('speed-value').value = t('speed.value', { v: fmt(this.app.speed()) });
      this.remember();
    });
    const maxSteps = $('max-steps');
    maxSteps.addEventListener('change', () => {
      attempt(() => this.app.set_max_steps(Number(maxSteps.value)), maxSteps);
      this.changed();
    });
    $('large').addEventListener('click', () => this.setLarge(!this.app.large()));
    $('copy-link').addEventListener('click', async () => {
      history.replaceState(null, '', `?${this.app.query()}`);
      try {
        await navigator.clipboard.writeText(location.href);
        $('copy-link').textContent = t('link.copied');
      } catch {
        $('copy-link').textContent = t('link.in_bar');
      }
      setTimeout(() => { $('copy-link').textContent = t('toolbar.copy_link'); }, 2000);
    });
    $('reset-view').addEventListener('click', () => {
      this.app.reset_view();
      this.changed();
    });
    const timeline = $('timeline');
    timeline.addEventListener('input', () => {
      this.setPlaying(false);
      this.app.set_step(Number(timeline.value));
      this.changed();
    });
    const addKind = $('add-kind');
    $('add-run').addEventListener('click', () => {
      if (attempt(() => this.app.add_run(addKind.value), addKind)) this.rebuild();
    });
  }

  /**
   * The plot: hover reads f and ∇f; a click (or tap) sets the start point; dragging the start
   * marker moves it with every run recomputed live; dragging elsewhere pans with a mouse (a
   * finger's swipe scrolls the page instead); the wheel zooms, and two fingers pan and pinch.
   */
  wirePlot() {
    const canvas = $('trajectory-canvas');
    const pointers = new Map();
    let gesture = null; // { kind: 'start' | 'pan' | 'pinch', ... }
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio];
    };
    const probe = (px, py) => {
      if (!this.app.on_plot(px, py)) return;
      const p = JSON.parse(this.app.probe(px, py));
      $('probe').textContent = t('probe.value', { x: fmt(p.x), y: fmt(p.y), f: fmt(p.f), gx: fmt(p.gx), gy: fmt(p.gy) });
    };
    canvas.addEventListener('pointerdown', (e) => {
      const [px, py] = at(e);
      pointers.set(e.pointerId, [px, py]);
      try {
        canvas.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser no longer tracks: follow it without capture.
      }
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        gesture = { kind: 'pinch', distance: Math.hypot(a[0] - b[0], a[1] - b[1]), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
        return;
      }
      const [sx, sy] = this.app.start_pixel();
      // A finger needs a larger target than a mouse.
      const grab = (e.pointerType === 'touch' ? 24 : 14) * devicePixelRatio;
      const nearStart = Math.hypot(px - sx, py - sy) < grab;
      // One finger elsewhere only taps (a swipe scrolls the page: touch-action pan-y); two
      // fingers pan and pinch. A mouse drag pans.
      const kind = e.pointerType === 'touch' ? 'tap' : 'pan';
      gesture = nearStart && this.allowed('start')
        ? { kind: 'start', moved: false }
        : { kind, from: [px, py], origin: [px, py], moved: false };
    });
    canvas.addEventListener('pointermove', (e) => {
      const [px, py] = at(e);
      probe(px, py);
      if (!pointers.has(e.pointerId) || !gesture) return;
      const previous = pointers.get(e.pointerId);
      pointers.set(e.pointerId, [px, py]);
      if (gesture.kind === 'pinch' && pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
        const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        if (this.allowed('view') && distance > 0) {
          this.interacting();
          attempt(() => this.app.pan(mid[0] - gesture.mid[0], mid[1] - gesture.mid[1]));
          attempt(() => this.app.zoom(mid[0], mid[1], gesture.distance / distance));
        }
        gesture.distance = distance;
        gesture.mid = mid;
        this.changed();
      } else if (gesture.kind === 'start') {
        gesture.moved = true;
        if (this.app.on_plot(px, py)) attempt(() => this.app.set_start_at(px, py));
        this.changed();
      } else if (gesture.kind === 'tap') {
        if (Math.hypot(px - gesture.origin[0], py - gesture.origin[1]) > 8 * devicePixelRatio) gesture.moved = true;
      } else if (gesture.kind === 'pan') {
        const far = Math.hypot(px - gesture.origin[0], py - gesture.origin[1]) > 4 * devicePixelRatio;
        if (far) gesture.moved = true;
        if (gesture.moved && this.allowed('view')) {
          this.interacting();
          attempt(() => this.app.pan(px - previous[0], py - previous[1]));
          this.changed();
        }
      }
    });
    const end = (e) => {
      const [px, py] = at(e);
      pointers.delete(e.pointerId);
      if ((gesture?.kind === 'pan' || gesture?.kind === 'tap') && !gesture.moved && this.allowed('start') && this.app.on_plot(px, py)) {
        attempt(() => this.app.set_start_at(px, py));
        this.changed();
      }
      if (pointers.size === 0) gesture = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', (e) => { pointers.delete(e.pointerId); gesture = null; });
    canvas.addEventListener('wheel', (e) => {
      if (!this.allowed('view')) return;
      e.preventDefault();
      const [px, py] = at(e);
      this.interacting();
      attempt(() => this.app.zoom(px, py, Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300)))));
      this.changed();
    }, { passive: false });
  }
}

async function main() {
  await init({ module_or_path: wasm });
  performance.mark('optiviz:wasm-ready');
  const canvases = [$('surface-canvas'), $('trajectory-canvas'), $('loss-canvas')];
  fitCanvases(canvases);
  const app = new App(...canvases, devicePixelRatio, location.search);
  startLanguage(app);
  const page = new Page(app, canvases);
  page.wireToolbar();
  wireLanguage(page, () => page.relabel());
  wireKeys(page);
  touchWords();
  page.wirePlot();
  page.wirePressed();
  page.wireResults();
  page.wireTheory();
  page.wireSweep();
  page.wireMultiples();
  page.wireBasins();
  wireExport(page);
  wireEmbed(page);
  page.syncControls();
  // The first frame paints the heatmap at half resolution, as during a zoom: a quarter of the
  // pixels, while the browser still runs the wasm from its quick first compile. It is
  // sharpened once the page has been still for a moment (Page.interacting).
  page.interacting();
  const panelsBuilt = page.rebuild(true);
  if (app.large()) page.setLarge(true);
  // A link with bad parts shows the rest, names each part left out, and stays in the address
  // bar as typed, to be corrected there, until the user changes something.
  const problem = app.load_error();
  // A formula in the link that does not read: in its field, with its error, to be corrected.
  const formula = JSON.parse(App.link_formula_problem(location.search));
  if (formula && app.surface() !== 'custom') {
    $('surface').value = 'custom';
    $('custom-box').hidden = false;
    $('formula').hidden = true;
    $('custom-formula').value = formula.text;
    page.formulaError(formula);
  }
  if (problem) {
    notice(t('notice.link_parts', { problem }), 'link');
    page.holdAddress();
  }
  new ResizeObserver(() => page.redraw()).observe(document.body);
  // A read-only handle for the console and the browser tests: where the start marker is drawn.
  // `panic` makes the wasm panic, only so that the browser test can prove the page recovers.
  window.optiviz = {
    startPixel: () => page.app.start_pixel().map((v) => v / devicePixelRatio),
    // The plot inside its axes, as last drawn: [left, top, right, bottom] in CSS pixels.
    plotRect: () => page.app.plot_rect().map((v) => v / devicePixelRatio),
    // Where each shown run's path ends at the current step: [[x, y], …] in CSS pixels.
    runPixels: () => {
      const p = page.app.run_pixels();
      return Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]].map((v) => v / devicePixelRatio));
    },
    timings: () => JSON.parse(page.app.timings()),
    // Each run's steps simulated so far, and whether all are whole (a long run fills in over
    // a few frames).
    simulated: () => Array.from(page.app.simulated()),
    whole: () => page.app.whole(),
    // Whether the heatmap is drawn at full resolution (a costly formula's is drawn coarse
    // first and sharpened over a few frames).
    sharp: () => !page.app.sharpening(),
    query: () => page.app.query(),
    panic: (message) => setTimeout(() => page.app.panic_for_test(message)),
  };
  recover(page, (query) => new App(...canvases, devicePixelRatio, query), last_panic);
  await panelsBuilt;
  document.body.dataset.ready = 'true';
  // A fresh visit plays the race; a shared link opens paused on the step it was shared at, and
  // a story opens paused at its start, waiting for Play.
  if (app.step() === 0 && JSON.parse(app.story()) === null) page.setPlaying(true);
}

main().catch((e) => {
  notice(t('notice.start_failed', { error: e.message ?? e }), 'start');
  console.error(e);
});
