// optiviz page: builds the controls from what the Rust handle describes and runs the frame
// loop. Every computation and every pixel of the plots comes from Rust (pkg/optiviz.js).
import init, { App } from './pkg/optiviz.js';

const STEPS_PER_FRAME = 5;
const $ = (id) => document.getElementById(id);

/** A number the way the controls show it: 3 significant digits, exponents when tiny or huge. */
function fmt(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e4
    ? v.toExponential(2).replace(/\.?0+e/, 'e')
    : String(Number(v.toPrecision(3)));
}

function notice(message) {
  const el = $('notice');
  el.textContent = message;
  el.hidden = !message;
}

/**
 * A row holding `control` (an input or select) for setting `key` of run `i`, with a visible
 * label; the accessible name is "Run N <label>", so every control is found by its name.
 */
function labelled(i, key, text, control, ...rest) {
  const id = `run${i}-${key}`;
  const row = document.createElement('div');
  row.className = 'param';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.id = `${id}-label`;
  label.textContent = text;
  control.id = id;
  control.setAttribute('aria-labelledby', `run${i}-legend ${id}-label`);
  row.append(label, control, ...rest);
  return row;
}

/** Calls `action`; shows its error (a message naming the allowed values) instead of throwing. */
function attempt(action, control) {
  try {
    action();
    notice('');
    control?.removeAttribute('aria-invalid');
    return true;
  } catch (e) {
    notice(e.message);
    control?.setAttribute('aria-invalid', 'true');
    return false;
  }
}

/** One slider, its label and its value, for hyperparameter `p` of run `i`. */
function paramControl(app, i, p, redraw) {
  const id = `run${i}-${p.name}`;
  const input = document.createElement('input');
  input.type = 'range';
  const log = p.scale === 'log';
  const [lo, hi] = log ? p.slider.map(Math.log10) : p.slider;
  input.min = lo;
  input.max = hi;
  input.step = log ? 0.01 : (hi - lo) / 1000;
  input.value = log ? Math.log10(Math.max(p.value, p.slider[0])) : p.value;
  const out = document.createElement('output');
  out.htmlFor = id;
  out.value = fmt(p.value);
  input.addEventListener('input', () => {
    const pos = Number(input.value);
    const value = log ? Number((10 ** pos).toPrecision(3)) : pos;
    if (attempt(() => app.set_param(i, p.name, value), input)) out.value = fmt(value);
    redraw();
  });
  return labelled(i, p.name, `${p.label} ${p.symbol}`, input, out);
}

/** Schedule, clipping and noise: what surrounds run `i`'s optimizer, folded away by default. */
function extrasControls(app, run, i, redraw) {
  const box = document.createElement('details');
  box.className = 'extras';
  box.open = run.schedule !== 'constant' || run.clip_norm !== null || run.clip_value !== null || run.noise !== null;
  const summary = document.createElement('summary');
  summary.textContent = 'schedule · clipping · noise';
  const schedule = document.createElement('input');
  schedule.type = 'text';
  schedule.value = run.schedule;
  schedule.spellcheck = false;
  schedule.title = 'constant, step:size=N,gamma=X, exp:gamma=X, cosine:t_max=N[,eta_min=X], warmup:steps=N[,start=X]';
  schedule.addEventListener('change', () => {
    attempt(() => app.set_schedule(i, schedule.value), schedule);
    redraw();
  });
  const number = (value) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.min = '0';
    input.step = 'any';
    input.placeholder = 'off';
    input.value = value ?? '';
    return input;
  };
  const clipNorm = number(run.clip_norm);
  const clipValue = number(run.clip_value);
  const optional = (input) => (input.value === '' ? undefined : Number(input.value));
  for (const input of [clipNorm, clipValue]) {
    input.addEventListener('change', () => {
      attempt(() => app.set_clipping(i, optional(clipNorm), optional(clipValue)), input);
      redraw();
    });
  }
  const sigma = document.createElement('input');
  sigma.type = 'range';
  sigma.min = 0;
  sigma.max = 5;
  sigma.step = 0.05;
  sigma.value = run.noise?.sigma ?? 0;
  const sigmaOut = document.createElement('output');
  sigmaOut.value = fmt(Number(sigma.value));
  const seed = number(run.noise?.seed ?? 0);
  seed.step = '1';
  seed.placeholder = '0';
  const setNoise = () => {
    const s = Number(seed.value || 0);
    if (attempt(() => app.set_noise(i, Number(sigma.value), s), sigma)) sigmaOut.value = fmt(Number(sigma.value));
    redraw();
  };
  sigma.addEventListener('input', setNoise);
  seed.addEventListener('change', setNoise);
  box.append(summary,
    labelled(i, 'schedule', 'lr schedule', schedule),
    labelled(i, 'clip-norm', 'clip norm ‖g‖ ≤', clipNorm),
    labelled(i, 'clip-value', 'clip value |gᵢ| ≤', clipValue),
    labelled(i, 'noise', 'gradient noise σ', sigma, sigmaOut),
    labelled(i, 'seed', 'noise seed', seed));
  return box;
}

/** A checkbox for flag `f` of run `i`: a torch option or a textbook convention. */
function flagControl(app, i, f, redraw) {
  const id = `run${i}-${f.name}`;
  const row = document.createElement('div');
  row.className = 'flag';
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
    attempt(() => app.set_flag(i, f.name, input.checked), input);
    redraw();
  });
  row.append(input, label);
  return row;
}

function buildRuns(app, redraw) {
  const box = $('runs');
  box.replaceChildren();
  const kinds = JSON.parse(App.optimizers());
  JSON.parse(app.runs()).forEach((run, i) => {
    const set = document.createElement('fieldset');
    set.className = 'run';
    const legend = document.createElement('legend');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = run.color;
    const name = document.createElement('span');
    name.id = `run${i}-legend`;
    name.textContent = `Run ${i + 1}`;
    legend.append(swatch, name);

    const select = document.createElement('select');
    for (const k of kinds) select.add(new Option(k.label, k.id));
    select.value = run.kind;
    select.title = run.reference;
    select.addEventListener('change', () => {
      attempt(() => app.set_optimizer(i, select.value), select);
      buildRuns(app, redraw);
      redraw();
    });
    const pick = labelled(i, 'kind', 'optimizer', select);

    const readout = document.createElement('p');
    readout.className = 'readout';
    readout.id = `run${i}-readout`;
    const rule = document.createElement('details');
    rule.className = 'rule';
    const summary = document.createElement('summary');
    summary.textContent = 'update rule';
    const pre = document.createElement('pre');
    pre.textContent = `${run.rule}\n\n${run.reference}`;
    rule.append(summary, pre);
    set.append(legend, pick, readout,
      ...run.params.map((p) => paramControl(app, i, p, redraw)),
      ...run.flags.map((f) => flagControl(app, i, f, redraw)),
      extrasControls(app, run, i, redraw),
      rule);
    box.append(set);
  });
}

function showStatus(app) {
  const status = JSON.parse(app.status());
  $('step-count').value = `${status.step} / ${status.max_steps}`;
  status.runs.forEach((r, i) => {
    const el = $(`run${i}-readout`);
    if (!el) return;
    el.classList.toggle('diverged', r.diverged_at !== null);
    el.textContent = r.diverged_at !== null
      ? `diverged at step ${r.diverged_at}: last finite point (${fmt(r.x)}, ${fmt(r.y)})`
      : `step ${r.step} · loss ${fmt(r.loss)} · at (${fmt(r.x)}, ${fmt(r.y)})`;
  });
}

/** Gives each canvas as many device pixels as it shows; returns whether any changed. */
function fitCanvases(canvases) {
  let changed = false;
  for (const c of canvases) {
    const w = Math.round(c.clientWidth * devicePixelRatio);
    const h = Math.round(c.clientHeight * devicePixelRatio);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
      changed = true;
    }
  }
  return changed;
}

async function main() {
  await init();
  const canvases = [$('surface-canvas'), $('trajectory-canvas'), $('loss-canvas')];
  fitCanvases(canvases);
  const app = new App(...canvases, devicePixelRatio);

  let playing = false;
  let pending = false;
  const frame = () => {
    pending = false;
    fitCanvases(canvases);
    if (playing && !app.advance(STEPS_PER_FRAME)) setPlaying(false);
    try {
      app.render();
    } catch (e) {
      notice(`drawing failed: ${e.message}`);
    }
    showStatus(app);
    if (playing) redraw();
  };
  const redraw = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(frame);
    }
  };
  const play = $('play');
  const setPlaying = (on) => {
    playing = on;
    play.textContent = on ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(on));
    redraw();
  };
  play.addEventListener('click', () => {
    if (!playing && !app.advance(0)) app.reset();
    setPlaying(!playing);
  });
  $('reset').addEventListener('click', () => {
    app.reset();
    redraw();
  });

  const select = $('surface');
  const surfaces = JSON.parse(App.surfaces());
  for (const s of surfaces) select.add(new Option(s.label, s.id));
  const showFormula = () => {
    $('formula').textContent = surfaces.find((s) => s.id === select.value).formula;
  };
  select.value = app.surface();
  showFormula();
  select.addEventListener('change', () => {
    attempt(() => app.set_surface(select.value), select);
    showFormula();
    redraw();
  });

  buildRuns(app, redraw);
  new ResizeObserver(redraw).observe(document.body);
  document.body.dataset.ready = 'true';
  setPlaying(true);
}

main().catch((e) => {
  notice(`optiviz could not start: ${e.message ?? e}`);
  console.error(e);
});
