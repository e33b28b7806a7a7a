// The surface page's exports: the pictures as PNG at the canvas's device resolution and as SVG
// (drawn again by Rust's plotting code, the legend under them), every
// run's trajectory as CSV or JSON (optiviz trace's forms, written by Rust), and the scenario as
// a JSON file that `optiviz runs --scenario` reads back, and the race as a WebM video (the
// plot and the chart side by side, recorded from step 0 with MediaRecorder). Each is a download.
import { t } from './i18n.js';
import { $, notice, trapped } from './runs.js';

/** Offers `blob` as the download `name`. */
function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * Paints the legend `list` (an HTML list over `canvas`, as the page shows it: a swatch and the
 * words of each run) into `ctx`, which holds `canvas`'s pixels at `scale` times its own size
 * from `at` (x, y): the picture carries the legend the user saw over it.
 */
function paintLegend(ctx, list, canvas, scale, at = [0, 0]) {
  if (!list || list.hidden || !list.children.length) return;
  const k = scale * (canvas.width / canvas.getBoundingClientRect().width);
  const origin = canvas.getBoundingClientRect();
  const place = (r) => [at[0] + (r.left - origin.left) * k, at[1] + (r.top - origin.top) * k, r.width * k, r.height * k];
  const style = getComputedStyle(list);
  ctx.save();
  ctx.fillStyle = style.backgroundColor;
  ctx.fillRect(...place(list.getBoundingClientRect()));
  for (const li of list.children) {
    const swatch = li.querySelector('.swatch');
    const [x, y, w, h] = place(li.getBoundingClientRect());
    let textX = x;
    if (swatch) {
      const s = place(swatch.getBoundingClientRect());
      ctx.fillStyle = swatch.style.background || getComputedStyle(swatch).backgroundColor;
      ctx.fillRect(...s);
      textX = s[0] + s[2] + 0.4 * parseFloat(style.fontSize) * k;
    }
    const font = getComputedStyle(li);
    ctx.font = `${font.fontWeight} ${parseFloat(font.fontSize) * k}px ${font.fontFamily}`;
    ctx.fillStyle = font.color;
    ctx.textBaseline = 'middle';
    // The words wrapped as the list wraps them, a line of the list's height each.
    const room = Math.max(1, x + w - textX);
    const lines = [''];
    for (const word of li.textContent.trim().split(/\s+/)) {
      const line = lines.at(-1) ? `${lines.at(-1)} ${word}` : word;
      if (lines.at(-1) && ctx.measureText(line).width > room) lines.push(word);
      else lines[lines.length - 1] = line;
    }
    const lh = h / lines.length;
    lines.forEach((line, i) => ctx.fillText(line, textX, y + lh * (i + 0.5), room));
  }
  ctx.restore();
}

/**
 * `canvases` stacked (first at the bottom) into one PNG at their pixel size, with the legend
 * `legend` (an HTML list over them) painted on.
 */
function png(canvases, name, legend = null) {
  const [first] = canvases;
  const out = Object.assign(document.createElement('canvas'), { width: first.width, height: first.height });
  const ctx = out.getContext('2d');
  for (const c of canvases) ctx.drawImage(c, 0, 0);
  paintLegend(ctx, legend, first, 1);
  out.toBlob((blob) => save(blob, name), 'image/png');
}

/** The WebM types to ask MediaRecorder for, best first; null when the browser records none. */
function videoType() {
  if (typeof MediaRecorder === 'undefined' || !HTMLCanvasElement.prototype.captureStream) return null;
  return ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/** Whether canvas `c` is on screen with pixels in it. */
const shown = (c) => !c.hidden && c.offsetParent !== null && c.width > 0 && c.height > 0;

/**
 * Records the race of `page` as a WebM video: every frame sets the step Rust planned for it
 * (App.video_steps: the page's speed at 30 frames a second, sped up to at most 20 s, the end
 * held for a second), paints the page, and copies the plot and the chart side by side into
 * the recorded canvas, whose stream takes a frame only when one is copied. The progress bar
 * follows the frames; Cancel stops without a download.
 */
function recordVideo(page, ui) {
  const type = videoType();
  if (!type) {
    notice(t('export.video_unsupported'), 'video');
    return;
  }
  notice('', 'video');
  const steps = page.app.video_steps();
  const plot = [$('surface-canvas'), $('trajectory-canvas')];
  const chart = $('loss-canvas');
  const even = (n) => Math.max(2, 2 * Math.ceil(n / 2)); // what the encoders take
  const h = plot[0].height;
  const cw = shown(chart) ? Math.round((chart.width * h) / chart.height) : 0;
  const out = Object.assign(document.createElement('canvas'), { width: even(plot[0].width + cw), height: even(h) });
  const ctx = out.getContext('2d');
  const background = getComputedStyle(document.body).backgroundColor || '#fff';
  const stream = out.captureStream(0);
  const [track] = stream.getVideoTracks();
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8_000_000 });
  const chunks = [];
  let cancelled = false;
  recorder.ondataavailable = (e) => {
    if (e.data.size) chunks.push(e.data);
  };
  recorder.onstop = () => {
    page.recording = false;
    page.holdCore?.();
    ui.end();
    if (!cancelled) save(new Blob(chunks, { type: 'video/webm' }), 'optiviz-race.webm');
  };
  recorder.onerror = (e) => {
    cancelled = true;
    notice(t('export.video_failed', { error: e.error?.message ?? String(e.error ?? e) }), 'video');
  };
  page.setPlaying(false);
  page.recording = true;
  page.holdCore?.();
  ui.begin(() => {
    cancelled = true;
  });
  recorder.start();
  let k = 0;
  let last = -Infinity;
  const tick = (time) => {
    if (cancelled || recorder.state !== 'recording') {
      if (recorder.state === 'recording') recorder.stop();
      return;
    }
    if (time - last >= 1000 / 30 - 4) {
      last = time;
      try {
        page.app.seek(steps[k]);
        page.frame(time);
      } catch (e) {
        cancelled = true;
        recorder.stop();
        if (trapped(e)) throw e;
        notice(t('export.video_failed', { error: e.message }), 'video');
        return;
      }
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, out.width, out.height);
      for (const c of plot) ctx.drawImage(c, 0, 0, plot[0].width, h);
      paintLegend(ctx, $('plot-legend'), plot[0], 1);
      if (cw) ctx.drawImage(chart, plot[0].width, 0, cw, h);
      track.requestFrame();
      k += 1;
      ui.progress(k / steps.length);
      if (k === steps.length) {
        recorder.stop();
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** The export buttons of `page` (its handle may be replaced after a panic: read it each time). */
export function wireExport(page) {
  const text = (type) => (make, name) => save(new Blob([make()], { type }), name);
  const csv = text('text/csv');
  const json = text('application/json');
  const svg = text('image/svg+xml');
  $('export-surface').addEventListener('click', () => png([$('surface-canvas'), $('trajectory-canvas')], 'optiviz-surface.png', $('plot-legend')));
  $('export-chart').addEventListener('click', () => png([$('loss-canvas')], 'optiviz-chart.png'));
  $('export-surface-svg').addEventListener('click', () => svg(() => page.app.surface_svg(), 'optiviz-surface.svg'));
  $('export-chart-svg').addEventListener('click', () => svg(() => page.app.chart_svg(), 'optiviz-chart.svg'));
  $('export-csv').addEventListener('click', () => csv(() => page.app.trajectories_csv(), 'optiviz-trajectories.csv'));
  $('export-json').addEventListener('click', () => json(() => page.app.trajectories_json(), 'optiviz-trajectories.json'));
  $('export-scenario').addEventListener('click', () => json(() => page.app.scenario_json(), 'optiviz-scenario.json'));
  const video = $('export-video');
  const box = $('video-recording');
  const bar = $('video-progress');
  let cancel = null;
  const ui = {
    begin(onCancel) {
      cancel = onCancel;
      video.disabled = true;
      bar.value = 0;
      box.hidden = false;
    },
    progress(fraction) {
      bar.value = fraction;
    },
    end() {
      cancel = null;
      video.disabled = false;
      box.hidden = true;
    },
  };
  video.addEventListener('click', () => recordVideo(page, ui));
  $('video-cancel').addEventListener('click', () => cancel?.());
}
