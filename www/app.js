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

/** One slider, its label and its value, for hyperparameter `p` of run `i`. */
function paramControl(app, i, p, redraw) {
  const id = `run${i}-${p.name}`;
  const row = document.createElement('div');
  row.className = 'param';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.id = `${id}-label`;
  label.textContent = `${p.label} ${p.symbol}`;
  const input = document.createElement('input');
  input.type = 'range';
  input.id = id;
  input.setAttribute('aria-labelledby', `run${i}-legend ${id}-label`);
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
    try {
      app.set_param(i, p.name, value);
      out.value = fmt(value);
      notice('');
    } catch (e) {
      notice(e.message);
    }
    redraw();
  });
  row.append(label, input, out);
  return row;
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
    try {
      app.set_flag(i, f.name, input.checked);
      notice('');
    } catch (e) {
      notice(e.message);
    }
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

    const pick = document.createElement('div');
    pick.className = 'param';
    const pickLabel = document.createElement('label');
    pickLabel.htmlFor = `run${i}-kind`;
    pickLabel.id = `run${i}-kind-label`;
    pickLabel.textContent = 'optimizer';
    const select = document.createElement('select');
    select.id = `run${i}-kind`;
    select.setAttribute('aria-labelledby', `run${i}-legend run${i}-kind-label`);
    for (const k of kinds) select.add(new Option(k.label, k.id));
    select.value = run.kind;
    select.title = run.reference;
    select.addEventListener('change', () => {
      try {
        app.set_optimizer(i, select.value);
        notice('');
      } catch (e) {
        notice(e.message);
      }
      buildRuns(app, redraw);
      redraw();
    });
    pick.append(pickLabel, select);

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
    try {
      app.set_surface(select.value);
      notice('');
    } catch (e) {
      notice(e.message);
    }
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
