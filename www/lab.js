// optiviz regression lab: optimizers training small models, seen in parameter space (the loss
// landscape) and in data space (the points and each run's fit). Every computation and pixel
// comes from Rust (pkg/optiviz.js, the `Lab` handle); this file wires controls and pointers to
// it and runs the frame loop. The whole lab, edited points included, lives in the URL.
import init, { Lab, last_panic, limits, optimizers } from './pkg/optiviz.js';
import { wasm } from './wasm.js';
import { lang, startLanguage, t, wireLanguage } from './i18n.js';
import { $, Player, RunPanels, attempt, fitCanvases, fmt, labelled, legendItems, notice, recover, showExplanation, touchWords, trapped, wireKeys } from './runs.js';

/** What a batch of `b` out of `n` training points makes of gradient descent. */
const batchKind = (b, n) => (b >= n ? t('lab.kind_bgd') : b === 1 ? t('lab.kind_sgd') : t('lab.kind_mbgd'));

class LabPage extends Player {
  constructor(lab, canvases) {
    super(lab, canvases);
    this.lab = lab;
    this.kinds = JSON.parse(optimizers(lang));
    this.panels = new RunPanels(lab, this.kinds, {
      changed: () => this.changed(),
      rebuild: () => this.rebuild(),
      legends: (runs) => this.legends(runs),
      controls: (run, i) => [this.batchControl(run, i)],
      explainSteps: () => this.explainSteps(),
    }, JSON.parse(limits()));
  }

  /**
   * "Explain this step" of every run whose rule is open: the gradient of its next step's batch
   * with the numbers in (the batch ringed on the data view, for the first such run).
   */
  explainSteps() {
    const step = this.lab.step();
    const open = [...document.querySelectorAll('details.rule[open]')].map((box) => Number(box.dataset.run));
    const ring = open.length ? open[0] : undefined;
    if (this.ringed !== ring) {
      this.ringed = ring;
      this.lab.set_highlight(ring);
      this.redraw();
    }
    for (const i of open) {
      const ringed = i === ring;
      showExplanation($(`run${i}-explain`), `${step}:${this.version}`, () => this.lab.explain_step(i),
        (e) => {
          const steps = { from: e.step - 1, to: e.step };
          return e.shaped
            ? (ringed ? t('lab.explain_shaped_ringed', steps) : t('lab.explain_shaped', steps))
            : (ringed ? t('lab.explain_heading_ringed', steps) : t('lab.explain_heading', steps));
        });
    }
  }

  /** Run `i`'s batch size: a slider from 1 (stochastic) to every training point (full batch). */
  batchControl(run, i) {
    const input = document.createElement('input');
    input.type = 'range';
    input.min = 1;
    input.max = run.samples;
    input.step = 1;
    input.value = run.batch;
    const out = document.createElement('output');
    const show = (b) => { out.value = b >= run.samples ? t('lab.all_n', { n: run.samples }) : String(b); };
    show(run.batch);
    input.addEventListener('input', () => {
      const b = Number(input.value);
      if (attempt(() => this.lab.set_run_batch(i, b), input)) show(b);
      this.syncSettings();
      this.legends(JSON.parse(this.lab.runs()));
      this.changed();
    });
    const row = labelled(i, 'batch', t('lab.batch_size'), input, out);
    row.title = t('lab.batch_title');
    return row;
  }

  afterRender() {
    this.showStatus();
    this.explainSteps();
  }

  showStatus() {
    const status = JSON.parse(this.lab.status());
    this.status = status;
    $('step-count').value = status.trained < status.max_steps
      ? t('lab.step_training', { step: status.step, max: status.max_steps, trained: status.trained })
      : t('step.of', { step: status.step, max: status.max_steps });
    const timeline = $('timeline');
    timeline.max = status.max_steps;
    if (document.activeElement !== timeline) timeline.value = status.step;
    const names = this.settings.param_names;
    const epochs = [];
    status.runs.forEach((r, i) => {
      const el = $(`run${i}-readout`);
      if (!el) return;
      epochs.push(r.epoch);
      el.classList.toggle('diverged', r.diverged_at !== null);
      const params = names.length <= 4
        ? r.params.map((v, k) => `${names[k]} = ${fmt(v)}`).join(', ')
        : t('lab.n_params', { n: names.length });
      const full = r.batch >= this.settings.samples;
      const parts = [t('lab.step_epoch', { step: r.step, epoch: r.epoch }), t('lab.loss', { v: fmt(r.loss) })];
      if (r.batch_loss !== null && !full) parts.push(t('lab.batch_loss', { v: fmt(r.batch_loss) }));
      if (r.val_loss !== null) parts.push(t('lab.validation', { v: fmt(r.val_loss), step: r.best_val_step }));
      if (r.accuracy !== null) parts.push(t('lab.accuracy', { v: (100 * r.accuracy).toFixed(1) }));
      parts.push(params);
      el.textContent = r.diverged_at !== null
        ? t('lab.diverged', { step: r.diverged_at, params })
        : parts.join(' · ');
    });
    const steps = (k) => (k === 1 ? t('count.step') : t('count.steps', { n: k }));
    const sizes = [...new Set(status.runs.map((r) => r.batch))];
    const rest = sizes.length === 1
      ? t('lab.status_one', { steps: steps(status.runs[0].per_epoch), batch: sizes[0] })
      : t('lab.status_runs', { list: status.runs.map((r, i) => t('lab.status_run', { run: i + 1, steps: steps(r.per_epoch), batch: r.batch })).join(', ') });
    $('lab-status').textContent = t('lab.status', { step: status.step, epoch: Math.max(0, ...epochs), rest });
  }

  /** After the language changed: everything this script wrote, written again. */
  relabel() {
    this.fillMenus();
    this.syncSettings();
    this.rebuild();
    this.syncSpeed();
    this.setPlaying(this.playing);
    touchWords();
  }

  /** The menus of scenes, models and optimizers, in the page's language. */
  fillMenus() {
    const scene = $('scene');
    scene.replaceChildren(new Option(t('scene.choose'), ''),
      ...JSON.parse(Lab.scenes(lang)).map((p) => new Option(p.title, p.id)));
    scene.value = this.settings?.scene?.id ?? '';
    const model = $('model');
    model.replaceChildren(...JSON.parse(Lab.models(lang)).map((m) => new Option(m.label, m.id)));
    if (this.settings) model.value = this.settings.model;
    this.kinds = JSON.parse(optimizers(lang));
    this.panels.kinds = this.kinds;
    const addKind = $('add-kind');
    const kind = addKind.value;
    addKind.replaceChildren(...this.kinds.map((k) => new Option(k.label, k.id)));
    if (kind) addKind.value = kind;
  }

  legends(runs) {
    $('plot-legend').replaceChildren(...legendItems(runs));
  }

  /** The run panels, from the handle. */
  rebuild() {
    this.ringed = undefined;
    this.lab.set_highlight(undefined);
    const runs = JSON.parse(this.lab.runs());
    this.legends(runs);
    $('runs').replaceChildren(...runs.map((run, i) => this.panels.runPanel(run, i, runs.length)));
    $('add-run').disabled = runs.length >= this.panels.limits.max_runs;
    this.changed();
  }

  /** Swaps in `lab`, a fresh handle after a panic, and rebuilds every control from it. */
  adopt(lab) {
    super.adopt(lab);
    this.lab = lab;
    this.panels.handle = lab;
    this.syncSettings();
    this.rebuild();
    this.syncSpeed();
    this.setPlaying(lab.advance(0));
  }

  syncSpeed() {
    $('speed').value = Math.log10(this.lab.speed());
    $('speed-value').value = t('speed.value', { v: fmt(this.lab.speed()) });
  }

  /** Everything about the model and its data: controls, axes, batch size, notes. */
  syncSettings({ controls = true } = {}) {
    const s = JSON.parse(this.lab.settings());
    this.settings = s;
    $('model').value = s.model;
    $('formula').textContent = s.formula;
    if (controls) $('data-controls').replaceChildren(...s.controls.map((c) => this.dataControl(c)));
    $('class-row').hidden = !s.classes;
    $('seed').value = s.seed;
    // The start, for models small enough to type one (linear and logistic regression).
    $('start-row').hidden = s.param_names.length > 4;
    if (document.activeElement !== $('start')) $('start').value = s.start.map((v) => fmt(v)).join(', ');
    const batch = $('batch');
    batch.max = s.samples;
    const sizes = [...new Set(s.batches)];
    const same = sizes.length === 1;
    const full = s.batches.every((b) => b >= s.samples);
    batch.value = same ? sizes[0] : s.samples;
    $('batch-value').value = !same ? t('lab.per_run') : full ? t('lab.all_n', { n: s.samples }) : String(sizes[0]);
    $('batch-note').textContent = same
      ? t('lab.batch_note_one', { kind: batchKind(sizes[0], s.samples), batch: sizes[0], n: s.samples })
      : t('lab.batch_note_runs', { list: s.batches.map((b, i) => t('lab.batch_note_run', { run: i + 1, kind: batchKind(b, s.samples), batch: b, n: s.samples })).join(', ') });
    const scene = s.scene;
    $('scene').value = scene?.id ?? '';
    $('caption').hidden = !scene;
    $('caption').textContent = scene ? t('story.caption', scene) : '';
    const val = s.points - s.samples;
    $('data-note').textContent = t('lab.points_note', { points: s.points, train: s.samples })
      + (val ? t('lab.points_validate', { val }) : '')
      + (s.edited ? t('lab.edited') : '')
      + (s.least_squares ? t('lab.least_squares', { a: s.param_names[0], va: fmt(s.least_squares[0]),
        b: s.param_names[1], vb: fmt(s.least_squares[1]), loss: fmt(s.least_squares_loss) }) : '');
    $('reset-points').disabled = !s.edited;
    const format = s.classes ? 'x1,x2,label' : 'x,y';
    $('csv-help').textContent = s.classes ? t('csv.help_classes', { format }) : t('csv.help', { format });
    // Filled from the points when opened; emptied while closed, so it never shows stale ones.
    if (!$('csv-box').open) $('csv-text').value = '';
    $('csv-text').placeholder = s.classes ? 'x1,x2,label\n0.5,1.2,1\n-1,0.3,0' : 'x,y\n0.5,1.2\n1,2.9';
    for (const [id, k] of [['axis-x', 0], ['axis-y', 1]]) {
      const sel = $(id);
      sel.replaceChildren(...s.param_names.map((n, i) => new Option(n, String(i))));
      sel.value = String(s.axes[k]);
    }
    $('axes-row').hidden = s.param_names.length <= 2;
    $('max-steps').value = s.steps;
    const notes = full
      ? [t('lab.chart_note'), t('lab.chart_note_val')]
      : [t('lab.chart_note_batch'), t('lab.chart_note_batch_val')];
    $('chart-note').textContent = notes[val ? 1 : 0];
  }

  /** A slider (or checkbox) for one data or model setting. */
  dataControl(c) {
    const row = document.createElement('div');
    const id = `data-${c.key}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = c.label;
    if (c.choices.length) {
      row.className = 'param';
      const select = document.createElement('select');
      select.id = id;
      for (const [value, text] of c.choices) select.add(new Option(text, value));
      select.value = c.choice;
      select.addEventListener('change', () => {
        if (attempt(() => this.lab.set_data_choice(c.key, select.value), select)) this.syncSettings();
        this.changed();
      });
      row.append(label, select);
      return row;
    }
    const input = document.createElement('input');
    input.id = id;
    if (c.step === 0) {
      row.className = 'flag';
      input.type = 'checkbox';
      input.checked = c.value !== 0;
      input.addEventListener('change', () => this.setData(c.key, input.checked ? 1 : 0, input));
      row.append(input, label);
      return row;
    }
    row.className = 'param';
    input.type = 'range';
    input.min = c.min;
    input.max = c.max;
    input.step = c.step;
    input.value = c.value;
    const out = document.createElement('output');
    out.value = fmt(c.value);
    input.addEventListener('input', () => {
      out.value = fmt(Number(input.value));
      this.setData(c.key, Number(input.value), input, true);
    });
    input.addEventListener('change', () => this.syncSettings());
    row.append(label, input, out);
    return row;
  }

  /** Sets one data setting; while its slider is dragged (`live`) the sliders are kept as they are. */
  setData(key, value, control, live = false) {
    if (attempt(() => this.lab.set_data(key, value), control)) {
      this.syncSettings({ controls: !live });
      // Scaling the feature may give the runs other rates: their panels say so.
      if (key === 'scale') this.rebuild();
    }
    this.changed();
  }

  wireControls() {
    const scene = $('scene');
    this.fillMenus();
    scene.addEventListener('change', () => {
      if (!scene.value) return;
      // A scene opens paused at step 0 and waits for Play, so the teacher speaks first.
      if (attempt(() => this.lab.load_scene(scene.value), scene)) {
        this.setPlaying(false);
        this.syncSettings();
        this.rebuild();
        $('caption').scrollIntoView({ block: 'nearest' });
      }
    });
    $('model').addEventListener('change', () => {
      if (attempt(() => this.lab.set_model($('model').value), $('model'))) {
        this.syncSettings();
        this.rebuild();
      }
    });
    $('start').addEventListener('change', () => {
      if (attempt(() => this.lab.set_start($('start').value), $('start'))) this.syncSettings();
      this.changed();
    });
    $('seed').addEventListener('change', () => {
      const v = Number($('seed').value);
      if (attempt(() => this.lab.set_seed(v), $('seed'))) this.syncSettings();
      this.changed();
    });
    $('batch').addEventListener('input', () => {
      const v = Number($('batch').value);
      if (attempt(() => this.lab.set_batch(v), $('batch'))) this.syncSettings();
      this.changed();
    });
    // Your own points: pasted, loaded from a file, or downloaded as CSV.
    // Its errors are also shown beside the box, where the student is looking.
    const csvError = (message) => {
      $('csv-error').textContent = message;
      $('csv-error').hidden = !message;
    };
    const useCsv = (text, control) => {
      let problem = '';
      const used = attempt(() => {
        try {
          this.lab.load_csv(text);
        } catch (e) {
          if (!trapped(e)) problem = e.message;
          throw e;
        }
      }, control);
      csvError(problem);
      if (used) {
        this.syncSettings();
        $('csv-text').value = this.lab.points_csv();
      }
      this.changed();
    };
    $('csv-box').addEventListener('toggle', () => {
      if ($('csv-box').open && !$('csv-text').value) $('csv-text').value = this.lab.points_csv();
    });
    $('csv-use').addEventListener('click', () => useCsv($('csv-text').value, $('csv-text')));
    $('csv-file').addEventListener('change', async () => {
      const file = $('csv-file').files[0];
      if (!file) return;
      // Bounded before it is read: a huge file never reaches memory.
      const max = Lab.max_csv_chars();
      if (file.size > 4 * max) {
        const problem = t('csv.too_big', { name: file.name, size: file.size, max });
        notice(problem);
        csvError(problem);
        $('csv-file').setAttribute('aria-invalid', 'true');
      } else {
        const text = await file.text();
        $('csv-text').value = text.length > max ? '' : text;
        useCsv(text, $('csv-file'));
      }
      $('csv-file').value = '';
    });
    $('csv-download').addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([this.lab.points_csv()], { type: 'text/csv' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `optiviz-${this.settings.model}-points.csv` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    $('reset-points').addEventListener('click', () => {
      if (attempt(() => this.lab.reset_points())) this.syncSettings();
      this.changed();
    });
    for (const id of ['axis-x', 'axis-y']) {
      $(id).addEventListener('change', () => {
        if (attempt(() => this.lab.set_axes(Number($('axis-x').value), Number($('axis-y').value)), $(id))) this.syncSettings();
        this.changed();
      });
    }
    $('add-run').addEventListener('click', () => {
      if (attempt(() => this.lab.add_run($('add-kind').value))) this.rebuild();
    });
    $('play').addEventListener('click', () => this.togglePlay());
    $('one-step').addEventListener('click', () => this.oneStep());
    $('reset').addEventListener('click', () => this.reset());
    const speed = $('speed');
    this.syncSpeed();
    speed.addEventListener('input', () => {
      const v = Number((10 ** Number(speed.value)).toPrecision(2));
      if (attempt(() => this.lab.set_speed(v), speed)) $('speed-value').value = t('speed.value', { v: fmt(v) });
    });
    $('max-steps').addEventListener('change', () => {
      if (attempt(() => this.lab.set_max_steps(Number($('max-steps').value)), $('max-steps'))) this.syncSettings();
      this.changed();
    });
    $('timeline').addEventListener('input', () => {
      this.setPlaying(false);
      this.lab.set_step(Number($('timeline').value));
      this.changed();
    });
    $('copy-link').addEventListener('click', async () => {
      const url = `${location.origin}${location.pathname}?${this.lab.query()}`;
      history.replaceState(null, '', url);
      try {
        await navigator.clipboard.writeText(url);
        $('copy-link').textContent = t('results.copied');
      } catch {
        $('copy-link').textContent = t('link.in_bar');
      }
      setTimeout(() => { $('copy-link').textContent = t('toolbar.copy_link'); }, 2000);
    });
    $('large').addEventListener('click', () => this.setLarge(!this.lab.large()));
    wireKeys(this);
    touchWords();
  }

  /** Large text, for a projector: the page's text (in rem) and the plots' labels grow. */
  setLarge(on) {
    this.lab.set_large(on);
    document.body.classList.toggle('large', on);
    $('large').setAttribute('aria-pressed', String(on));
    this.changed();
  }

  /**
   * The landscape: dragging pans its view, the wheel zooms about the pointer, a double-click
   * or *Fit view* fits it to the runs' paths again. The view is the scenario's, in the link.
   */
  wireLandscape() {
    const canvas = $('landscape-canvas');
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio];
    };
    let drag = null;
    canvas.addEventListener('pointerdown', (e) => {
      const [px, py] = at(e);
      if (!this.lab.on_landscape(px, py)) return;
      canvas.setPointerCapture(e.pointerId);
      drag = { id: e.pointerId, last: [px, py] };
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const [px, py] = at(e);
      attempt(() => this.lab.pan_landscape(px - drag.last[0], py - drag.last[1]));
      drag.last = [px, py];
      this.changed();
    });
    const end = (e) => {
      if (drag && e.pointerId === drag.id) drag = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', (e) => {
      const [px, py] = at(e);
      if (!this.lab.on_landscape(px, py)) return;
      e.preventDefault();
      attempt(() => this.lab.zoom_landscape(px, py, Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300)))));
      this.changed();
    }, { passive: false });
    const fit = () => {
      this.lab.fit_landscape();
      this.changed();
    };
    canvas.addEventListener('dblclick', fit);
    $('landscape-fit').addEventListener('click', fit);
  }

  /**
   * The data canvas: a click or tap on empty space adds a point, a drag moves the point under
   * the pointer (every run retrains as it moves), right-click or a long press deletes it.
   */
  wireData() {
    const canvas = $('data-canvas');
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * devicePixelRatio, (e.clientY - r.top) * devicePixelRatio];
    };
    let drag = null;
    let press = null;
    let tap = null;
    const edited = () => {
      this.syncSettings();
      this.changed();
    };
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    canvas.addEventListener('pointerdown', (e) => {
      const [px, py] = at(e);
      if (!this.lab.on_data(px, py)) return;
      const hit = this.lab.point_at(px, py);
      if (e.button === 2) {
        if (hit !== undefined && attempt(() => this.lab.remove_point(hit))) {
          this.lab.end_edit();
          edited();
        }
        return;
      }
      canvas.setPointerCapture(e.pointerId);
      if (hit === undefined) {
        // A finger adds on lifting, unmoved: a swipe scrolls the page instead (pan-y).
        if (e.pointerType === 'touch') tap = { id: e.pointerId, x: e.clientX, y: e.clientY, at: [px, py] };
        else if (attempt(() => this.lab.add_point(px, py, $('add-class').value === '1'))) edited();
        return;
      }
      drag = { index: hit, id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
      clearTimeout(press);
      press = setTimeout(() => {
        // (Not on a handle that panicked meanwhile: it answers nothing more.)
        if (!this.broken && drag && !drag.moved && attempt(() => this.lab.remove_point(drag.index))) {
          drag = null;
          this.lab.end_edit();
          edited();
        }
      }, 600);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      if (!drag.moved && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 4) return;
      drag.moved = true;
      clearTimeout(press);
      const [px, py] = at(e);
      if (attempt(() => this.lab.move_point(drag.index, px, py))) this.changed();
    });
    const end = (e) => {
      clearTimeout(press);
      if (tap && e.pointerId === tap.id) {
        const still = e.type === 'pointerup' && Math.hypot(e.clientX - tap.x, e.clientY - tap.y) < 8;
        const [px, py] = tap.at;
        tap = null;
        if (still && attempt(() => this.lab.add_point(px, py, $('add-class').value === '1'))) edited();
        return;
      }
      if (!drag || e.pointerId !== drag.id) return;
      drag = null;
      this.lab.end_edit();
      edited();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }
}

async function main() {
  await init({ module_or_path: wasm });
  performance.mark('optiviz:wasm-ready');
  const canvases = [$('landscape-canvas'), $('data-canvas'), $('lab-chart')];
  fitCanvases(canvases);
  const lab = new Lab(...canvases, devicePixelRatio, location.search);
  startLanguage(lab);
  const page = new LabPage(lab, canvases);
  page.wireControls();
  wireLanguage(page, () => page.relabel());
  page.wireData();
  page.wireLandscape();
  page.syncSettings();
  page.rebuild();
  if (lab.large()) page.setLarge(true);
  // The data view's pixel rectangle is known once it has been drawn.
  lab.render();
  const problem = lab.load_error();
  // A link with bad parts shows the rest, names each part left out, and stays in the address
  // bar as typed, to be corrected there, until the user changes something.
  if (problem) {
    notice(t('notice.link_parts', { problem }), 'link');
    page.holdAddress();
  }
  new ResizeObserver(() => page.redraw()).observe(document.body);
  // A read-only handle for the console and the browser tests.
  // `panic` makes the wasm panic, only so that the browser test can prove the page recovers.
  window.optiviz = {
    query: () => page.lab.query(),
    pointPixel: (i) => page.lab.point_pixel(i)?.map((v) => v / devicePixelRatio),
    pointCount: () => page.lab.point_count(),
    landscapeWidth: () => { const r = page.lab.landscape_rect(); return r && (r[2] - r[0]) / devicePixelRatio; },
    status: () => JSON.parse(page.lab.status()),
    settings: () => JSON.parse(page.lab.settings()),
    panic: (message) => setTimeout(() => page.lab.panic_for_test(message)),
  };
  recover(page, (query) => new Lab(...canvases, devicePixelRatio, query), last_panic);
  document.body.dataset.ready = 'true';
  // A scene's link opens paused at its start, waiting for Play.
  if (lab.step() === 0 && !page.settings.scene) page.setPlaying(true);
}

main().catch((e) => {
  notice(t('notice.start_failed', { error: e.message ?? e }), 'start');
  console.error(e);
});
