// How long one Newton step takes in the page's wasm on each lab model at its largest data
// (n = 500, full batch): the measurement behind model::MAX_SECOND_ORDER_PARAMS. Run with the dev
// server's binary built and www/pkg in place: `node tests/browser/newton-step.mjs`. Models
// beyond the bound are refused (their row says so); their figures in MAX_SECOND_ORDER_PARAMS's
// rustdoc came from this script against a build without the bound.
import { chromium } from 'playwright-core';
import { root, serve } from './harness.mjs';

const { server, base: started } = serve(process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`);
const base = await started;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`${base}lab.html`);
await page.waitForSelector('body[data-ready="true"]');
const rows = await page.evaluate(async () => {
  const m = await import('./pkg/optiviz.js');
  const canvas = () => Object.assign(document.createElement('canvas'), { width: 300, height: 200 });
  const cases = [['linear', 'model=linear&n=500'], ['logistic', 'model=logistic&n=500'], ['poly, degree 12', 'model=poly&n=500&degree=12&val=0']];
  for (const h of [1, 2, 4, 6, 8, 16, 64]) cases.push([`mlp, ${h} hidden`, `model=mlp&n=500&val=0&hidden=${h}`]);
  return cases.map(([name, q]) => {
    const lab = new m.Lab(canvas(), canvas(), canvas(), 1, `${q}&steps=2000&run=newton`);
    if (lab.load_error()) return `| ${name} | | refused: ${lab.load_error()} |`;
    const t = [];
    // Lab.train(0) takes exactly one step of the one run.
    for (let k = 0; k < 31; k += 1) {
      const t0 = performance.now();
      lab.train(0);
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return `| ${name} | ${JSON.parse(lab.settings()).param_names.length} | fastest ${t[0].toFixed(1)} ms, median ${t[15].toFixed(1)} ms |`;
  });
});
console.log('| model | parameters | one Newton step (31 steps) |\n|---|---|---|');
for (const r of rows) console.log(r);
await browser.close();
server.kill();
