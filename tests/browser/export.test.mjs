// Exports (#18): each export button downloads a file, and each file holds what the page
// shows: the pictures are PNGs of the canvases' pixel size, the trajectories' CSV rows of a
// run are `optiviz trace`'s for the same settings, the JSON holds every run's trace, and the
// scenario file carries the link's scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { harness, nextFrames, root } from './harness.mjs';

const h = harness();
const bin = process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`;

/** Clicks `button` and returns the download: its suggested name and its bytes. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG signature');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('every export downloads what the page shows', async () => {
  const link = '?surface=himmelblau&start=-1,2&steps=40&step=40&run=adam;lr=0.05&run=sgd;lr=0.01';
  const { page, errors } = await h.open(link);
  await page.locator('#export-box summary').click();

  const surface = await download(page, '#export-surface');
  assert.equal(surface.name, 'optiviz-surface.png');
  const size = await page.$eval('#surface-canvas', (c) => [c.width, c.height]);
  assert.deepEqual(pngSize(surface.bytes), size);
  // The picture carries the legend shown over the plot: run 1's swatch is in it, in its colour.
  const swatch = await page.evaluate(async (b64) => {
    // (createImageBitmap, not an <img>: the page's policy loads no data: or blob: images.)
    const img = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
    const c = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const sw = document.querySelector('#plot-legend .swatch');
    const r = sw.getBoundingClientRect();
    const o = document.getElementById('surface-canvas').getBoundingClientRect();
    const k = img.width / o.width;
    const px = ctx.getImageData(Math.round((r.left + r.width / 2 - o.left) * k), Math.round((r.top + r.height / 2 - o.top) * k), 1, 1).data;
    const probe = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d');
    probe.fillStyle = sw.style.background;
    probe.fillRect(0, 0, 1, 1);
    return [[...px.slice(0, 3)], [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)]];
  }, surface.bytes.toString('base64'));
  assert.deepEqual(swatch[0], swatch[1], 'run 1\'s swatch painted into the PNG');
  const chart = await download(page, '#export-chart');
  assert.deepEqual(pngSize(chart.bytes), await page.$eval('#loss-canvas', (c) => [c.width, c.height]));

  // The CSV: one block per run; run 1's rows are optiviz trace's for the same settings.
  const csv = String((await download(page, '#export-csv')).bytes).trim().split('\n');
  assert.equal(csv[0], 'run,optimizer,step,x,y,loss');
  const adam = csv.filter((l) => l.startsWith('1,adam,')).map((l) => l.slice('1,adam,'.length));
  const sgd = csv.filter((l) => l.startsWith('2,sgd,'));
  assert.equal(adam.length, 41);
  assert.equal(sgd.length, 41);
  assert.equal(csv.length, 1 + 41 + 41);
  const traced = execFileSync(bin, ['trace', '--surface', 'himmelblau', '--optimizer', 'adam', '--lr', '0.05',
    '--start=-1,2', '--steps', '40'], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(traced[0], 'step,x,y,loss');
  // The same steps and numbers. Adam's bias correction takes β^t with `powf`, which the
  // browser's wasm computes with its own pow (not glibc's), so a number may differ from the
  // native one in its last bit: equal to 1e-13 relative.
  const close = (rows, native) => {
    assert.equal(rows.length, native.length);
    rows.forEach((row, k) => {
      const [a, b] = [row, native[k]].map((l) => l.split(','));
      assert.equal(a.length, b.length);
      a.forEach((v, i) => {
        if (Number.isNaN(Number(v))) assert.equal(v, b[i]);
        else assert.ok(Math.abs(Number(v) - Number(b[i])) <= 1e-13 * Math.abs(Number(b[i])), `row ${k}: ${row} vs ${native[k]}`);
      });
    });
  };
  close(adam, traced.slice(1));
  // optiviz runs prints the page's whole CSV for its link, natively.
  const runs = execFileSync(bin, ['runs', '--link', link], { encoding: 'utf8' }).trim().split('\n');
  close(csv, runs);

  // The JSON: every run's trace document, as optiviz trace --format json writes one.
  const traces = JSON.parse(String((await download(page, '#export-json')).bytes));
  assert.equal(traces.length, 2);
  assert.equal(traces[1].run.optimizer.kind, 'sgd');
  assert.equal(traces[0].rows.length, 41);
  assert.deepEqual(Object.keys(traces[0].rows.at(-1)), ['step', 'x', 'y', 'loss']);
  assert.equal(String(traces[0].rows.at(-1).x), adam.at(-1).split(',')[1].replace(/\.0$/, ''));

  // The scenario file: the link's scenario, every field named.
  const scenario = JSON.parse(String((await download(page, '#export-scenario')).bytes));
  assert.deepEqual(scenario.surface, { surface: 'himmelblau' });
  assert.deepEqual(scenario.start, [-1, 2]);
  assert.equal(scenario.steps, 40);
  assert.equal(scenario.runs.length, 2);
  // …which optiviz reads back to the same runs as the link.
  const saved = `${root}target/screenshots/optiviz-scenario.json`;
  writeFileSync(saved, JSON.stringify(scenario));
  assert.equal(execFileSync(bin, ['runs', '--scenario', saved], { encoding: 'utf8' }), runs.join('\n') + '\n');
  assert.deepEqual(errors, []);
});

test('the SVG exports draw the plot and the chart, every run and its label', async () => {
  const link = '?surface=himmelblau&start=-1,2&steps=40&step=40&run=adam;lr=0.05&run=sgd;lr=0.01';
  const { page, errors } = await h.open(link);
  await page.locator('#export-box summary').click();
  /** The SVG `bytes` as the browser reads it: parse errors, images, strokes, texts, size. */
  const read = (bytes) => page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      images: [...doc.querySelectorAll('image')].map((i) => (i.getAttribute('href') ?? '').slice(0, 22)),
      strokes: [...doc.querySelectorAll('polyline')].map((p) => p.getAttribute('stroke')),
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent.trim()),
      rects: doc.querySelectorAll('rect').length,
      size: [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))],
    };
  }, String(bytes));
  // Run 1 (Adam) is drawn in #FF5252, run 2 (gradient descent) in #00D1FF (RUN_COLORS).
  const runs = ['#FF5252', '#00D1FF'];
  const legends = ['1 · Adam η=0.05', '2 · Gradient descent η=0.01'];

  const surface = await download(page, '#export-surface-svg');
  assert.equal(surface.name, 'optiviz-surface.svg');
  const plot = await read(surface.bytes);
  assert.equal(plot.error, null, 'valid SVG');
  assert.deepEqual(plot.images, ['data:image/png;base64,'], 'the heatmap as one embedded PNG');
  assert.ok(plot.rects < 20, `${plot.rects} rects: no rectangle per pixel`);
  for (const c of runs) assert.ok(plot.strokes.includes(c), `a trail in ${c}`);
  for (const l of [...legends, 'x', 'y', 'step 40 / 40']) assert.ok(plot.texts.includes(l), `"${l}" in ${plot.texts}`);
  const [w, hgt] = await page.$eval('#surface-canvas', (c) => [c.width, c.height]);
  assert.equal(plot.size[0], w);
  assert.ok(plot.size[1] > hgt, 'the plot at the canvas\'s size, the legend under it');

  const chartFile = await download(page, '#export-chart-svg');
  assert.equal(chartFile.name, 'optiviz-chart.svg');
  const chart = await read(chartFile.bytes);
  assert.equal(chart.error, null, 'valid SVG');
  assert.deepEqual(chart.images, [], 'no raster in the chart');
  for (const c of runs) assert.ok(chart.strokes.includes(c), `a loss curve in ${c}`);
  for (const l of [...legends, 'step']) assert.ok(chart.texts.includes(l), `"${l}" in ${chart.texts}`);
  assert.equal(chart.size[0], await page.$eval('#loss-canvas', (c) => c.width));
  assert.deepEqual(errors, []);
});

/**
 * A Matroska element's unsigned value: the first `id` (its ID bytes) at or after `from`,
 * whose size is a one-byte vint (0x81..0x88), read big-endian.
 */
function ebmlUint(bytes, id, from = 0) {
  for (let i = bytes.indexOf(Buffer.from(id), from); i >= 0; i = bytes.indexOf(Buffer.from(id), i + 1)) {
    const size = bytes[i + id.length];
    if (size < 0x81 || size > 0x88) continue;
    let v = 0;
    for (let k = 0; k < (size & 0x0f); k++) v = v * 256 + bytes[i + id.length + 1 + k];
    return v;
  }
  return null;
}

test('the race video records the plot and the chart from step 0 to the end, with progress', async () => {
  // 60 steps at 60 steps a second: 31 frames of race and a second of the end, about 2 s.
  const { page, errors } = await h.open('?surface=himmelblau&start=-1,2&steps=60&step=25&speed=60&run=adam;lr=0.05&run=sgd;lr=0.01');
  await page.locator('#export-box summary').click();
  // The open box lengthens the page; its frames size the canvases to the new layout.
  await nextFrames(page);
  const [plot, chart] = await page.$$eval(['#surface-canvas', '#loss-canvas'].join(','), (cs) => cs.map((c) => [c.width, c.height]));
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await page.click('#export-video');
  // While it records: the bar is shown and fills, the button waits, the timeline moves.
  assert.equal(await page.isVisible('#video-recording'), true);
  assert.equal(await page.isDisabled('#export-video'), true);
  await page.waitForFunction(() => document.getElementById('video-progress').value > 0.3);
  const file = await downloading;
  assert.equal(file.suggestedFilename(), 'optiviz-race.webm');
  const bytes = readFileSync(await file.path());
  // A WebM file: the EBML header, DocType webm, a VP8 or VP9 track of the plot and the chart
  // side by side (the chart scaled to the plot's height, both sizes rounded up to even).
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  assert.ok(bytes.includes(Buffer.from('webm')), 'DocType webm');
  const codec = bytes.indexOf(Buffer.from('V_VP'));
  assert.ok(codec > 0, 'a VP8 or VP9 video track');
  const even = (n) => 2 * Math.ceil(n / 2);
  const width = even(plot[0] + Math.round((chart[0] * plot[1]) / chart[1]));
  assert.equal(ebmlUint(bytes, [0xb0], codec), width, 'PixelWidth');
  assert.equal(ebmlUint(bytes, [0xba], codec), even(plot[1]), 'PixelHeight');
  assert.ok(bytes.length > 5_000, `a video of some frames, not ${bytes.length} bytes`);
  // Done: the race is at its end, the bar gone, the button back.
  await page.waitForSelector('#video-recording', { state: 'hidden' });
  assert.equal(await page.isDisabled('#export-video'), false);
  assert.equal(await page.inputValue('#timeline'), '60');
  assert.deepEqual(errors, []);
});

test('cancelling the video stops it without a download, and a browser without MediaRecorder is told', async () => {
  const { page, errors } = await h.open('?surface=rosenbrock&steps=2000&speed=50&run=adam;lr=0.01');
  await page.locator('#export-box summary').click();
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.click('#export-video');
  await page.waitForFunction(() => document.getElementById('video-progress').value > 0);
  await page.click('#video-cancel');
  await page.waitForSelector('#video-recording', { state: 'hidden' });
  await page.waitForTimeout(1500);
  assert.equal(downloads, 0);
  assert.equal(await page.isDisabled('#export-video'), false);
  // The page still steps after it: from where the cancelled recording left the race.
  const at = Number(await page.inputValue('#timeline'));
  await page.click('#one-step');
  await page.waitForFunction((k) => Number(document.getElementById('timeline').value) === k + 1, at);
  assert.deepEqual(errors, []);

  const bare = await h.browser.newPage();
  await bare.addInitScript(() => {
    delete window.MediaRecorder;
  });
  await bare.goto(`${h.base}/?surface=rosenbrock`);
  await bare.waitForFunction(() => document.getElementById('export-video') !== null && performance.getEntriesByName('optiviz:painted').length > 0);
  await bare.locator('#export-box summary').click();
  await bare.click('#export-video');
  await bare.waitForSelector('#notice:not([hidden])');
  assert.match(await bare.textContent('#notice'), /MediaRecorder/);
  assert.equal(await bare.isVisible('#video-recording'), false);
  await bare.close();
});
