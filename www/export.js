// The surface page's exports: the pictures as PNG at the canvas's device resolution and as SVG
// (drawn again by Rust's plotting code, the legend under them), every
// run's trajectory as CSV or JSON (optiviz trace's forms, written by Rust), and the scenario as
// a JSON file that `optiviz runs --scenario` reads back. Each is a download.
import { $ } from './runs.js';

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

/** `canvases` stacked (first at the bottom) into one PNG, at their pixel size. */
function png(canvases, name) {
  const [first] = canvases;
  const out = Object.assign(document.createElement('canvas'), { width: first.width, height: first.height });
  const ctx = out.getContext('2d');
  for (const c of canvases) ctx.drawImage(c, 0, 0);
  out.toBlob((blob) => save(blob, name), 'image/png');
}

/** The export buttons of `page` (its handle may be replaced after a panic: read it each time). */
export function wireExport(page) {
  const text = (type) => (make, name) => save(new Blob([make()], { type }), name);
  const csv = text('text/csv');
  const json = text('application/json');
  const svg = text('image/svg+xml');
  $('export-surface').addEventListener('click', () => png([$('surface-canvas'), $('trajectory-canvas')], 'optiviz-surface.png'));
  $('export-chart').addEventListener('click', () => png([$('loss-canvas')], 'optiviz-chart.png'));
  $('export-surface-svg').addEventListener('click', () => svg(() => page.app.surface_svg(), 'optiviz-surface.svg'));
  $('export-chart-svg').addEventListener('click', () => svg(() => page.app.chart_svg(), 'optiviz-chart.svg'));
  $('export-csv').addEventListener('click', () => csv(() => page.app.trajectories_csv(), 'optiviz-trajectories.csv'));
  $('export-json').addEventListener('click', () => json(() => page.app.trajectories_json(), 'optiviz-trajectories.json'));
  $('export-scenario').addEventListener('click', () => json(() => page.app.scenario_json(), 'optiviz-scenario.json'));
}
