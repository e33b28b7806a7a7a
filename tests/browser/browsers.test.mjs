// Every browser a classroom has (issue 18): the surface page, the lab and the course walk in
// Firefox ESR (geckodriver, headless) and WebKitGTK (WebKitWebDriver's MiniBrowser under
// Xvfb), driven over WebDriver (./webdriver.mjs). Each page loads without the error banner or
// a notice, its canvases are painted (many colours, read back with getImageData), Step moves
// the step counter by exactly one and Play moves it on, and the lab's step trains its model.
// A screenshot per browser and page lands in target/screenshots/<browser>-<page>.png.
// scripts/toolchain.sh --test installs the browsers and drivers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { root, serve, shots } from './harness.mjs';
import { freePort, session, start, until } from './webdriver.mjs';

/** The first of `names` found on PATH (or in ~/.cargo/bin, where cargo installs geckodriver). */
function which(...names) {
  const dirs = [...(process.env.PATH ?? '').split(':'), `${homedir()}/.cargo/bin`];
  for (const name of names) {
    for (const dir of dirs) if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return null;
}

/** WebKitGTK's MiniBrowser, which Debian ships in libwebkit2gtk-4.1-0 outside PATH. */
function miniBrowser() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  for (const arch of existsSync('/usr/lib') ? readdirSync('/usr/lib') : []) {
    for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
      const p = `/usr/lib/${arch}/${api}/MiniBrowser`;
      if (existsSync(p)) return p;
    }
  }
  return null;
}

const browsers = [
  {
    name: 'firefox',
    needs: () => ({ driver: which('geckodriver'), browser: process.env.FIREFOX ?? which('firefox-esr', 'firefox') }),
    driverArgs: async (port) => ['--port', String(port), '--websocket-port', String(await freePort())],
    display: false,
    capabilities: ({ browser }) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: browser, args: ['-headless'], prefs: { 'browser.shell.checkDefaultBrowser': false } },
    }),
  },
  {
    name: 'webkit',
    needs: () => ({ driver: which('WebKitWebDriver'), browser: miniBrowser(), xvfb: which('Xvfb') }),
    driverArgs: async (port) => [`--port=${port}`],
    display: true,
    capabilities: ({ browser }) => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: browser, args: ['--automation'] },
    }),
  },
];

// In the page (each sent as its source): the page's state, a canvas's pixels, the step shown.
const state = () => ({
  ready: document.body.dataset.ready === 'true',
  notice: document.getElementById('notice')?.hidden === false ? document.getElementById('notice').textContent : null,
  panic: document.getElementById('panic')?.hidden === false ? document.getElementById('panic').textContent : null,
  errors: window.smokeErrors ?? [],
});
const canvas = (id) => {
  const c = document.getElementById(id);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  let opaque = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) opaque += 1;
    if (colours.size < 4096) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { colours: colours.size, opaque, width: c.width, height: c.height };
};
const stepShown = () => parseInt(document.getElementById('step-count').value, 10);
const watchErrors = () => {
  window.smokeErrors = [];
  addEventListener('error', (e) => window.smokeErrors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => window.smokeErrors.push(String(e.reason)));
};

let server;
let base;
before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ server, base } = serve(process.env.OPTIVIZ_BIN ?? `${root}target/debug/optiviz`));
  base = await base;
});
after(() => server?.kill());

for (const b of browsers) {
  describe(`in ${b.name}`, () => {
    const procs = [];
    let s;
    // Started by the first test that runs (so that a --test-name-pattern leaving this browser
    // out starts nothing), stopped after the last.
    let up;
    const launch = () => (up ??= startBrowser());

    async function startBrowser() {
      const found = b.needs();
      const missing = Object.entries(found).filter(([, v]) => !v).map(([k]) => k);
      if (missing.length) {
        throw new Error(`${b.name}: no ${missing.join(', ')} found (scripts/toolchain.sh --test installs them)`);
      }
      const env = {};
      if (b.display) {
        // Xvfb picks a free display itself and writes its number to stdout.
        const xvfb = start(found.xvfb, ['-displayfd', '1', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp']);
        procs.push(xvfb);
        env.DISPLAY = `:${await until(() => /^\d+\n/.exec(xvfb.log())?.[0].trim(), 'Xvfb to start', 20_000)}`;
      }
      const port = await freePort();
      const driver = start(found.driver, await b.driverArgs(port), env);
      procs.push(driver);
      const url = `http://127.0.0.1:${port}`;
      await until(() => fetch(`${url}/status`).then((r) => r.ok, () => false), `${found.driver} to listen`, 30_000)
        .catch((e) => { throw new Error(`${e.message}\n${driver.log()}`); });
      s = await session(url, b.capabilities(found));
      await s.timeouts({ script: 30_000, pageLoad: 60_000 });
      await s.resize(1280, 860);
    }

    after(async () => {
      await s?.close().catch(() => {});
      for (const p of procs.reverse()) await p.stop();
    });

    /** Opens `path` and waits (polling) for the page to start: its state. */
    async function open(path) {
      await launch();
      await s.go(new URL(path, base).href);
      await s.run(watchErrors);
      const st = await until(async () => {
        const st = await s.run(state);
        return (st.ready || st.notice || st.panic) && st;
      }, `${path || 'index.html'} to start`, 60_000);
      assert.equal(st.panic, null, 'no error banner');
      assert.equal(st.notice, null, 'no notice');
      assert.ok(st.ready);
      return st;
    }

    /** Waits until `id` is painted: more than `colours` distinct colours. */
    const painted = (id, colours) => until(async () => {
      const c = await s.run(canvas, id);
      return c.colours > colours && c.opaque > 0.5 * c.width * c.height && c;
    }, `#${id} painted with more than ${colours} colours`, 30_000);

    const shot = async (page) => writeFileSync(`${shots}/${b.name}-${page}.png`, await s.screenshot());

    /**
     * The animation: the page plays by itself; Step pauses and moves one step; Reset goes to
     * step 0; Step then shows exactly 1, and stays there; Play moves on. `check(before, after)`
     * runs around the single step from 0.
     */
    async function animates(step0 = async () => null, step1 = async () => {}) {
      await until(async () => (await s.run(stepShown)) > 0, 'the race to play on its own');
      await s.click('#one-step');
      await s.click('#reset');
      await until(async () => (await s.run(stepShown)) === 0, 'Reset to show step 0');
      const before = await step0();
      await s.click('#one-step');
      await until(async () => (await s.run(stepShown)) === 1, 'Step to show step 1');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await s.run(stepShown), 1, 'paused after one step');
      await step1(before);
      await s.click('#play');
      await until(async () => (await s.run(stepShown)) > 5, 'Play to move the step on');
      await s.click('#play');
    }

    test('the surface page: painted, steps and plays', async () => {
      await open('');
      const heatmap = await painted('surface-canvas', 100);
      assert.ok(heatmap.width >= 300, `heatmap ${heatmap.width} px wide`);
      await painted('loss-canvas', 20);
      // The trajectories' layer is transparent but for the paths, their legend box and marks.
      const paths = await until(async () => {
        const c = await s.run(canvas, 'trajectory-canvas');
        return c.opaque > 500 && c;
      }, 'trajectories drawn');
      assert.ok(paths.colours > 3);
      await animates();
      await shot('index');
      assert.deepEqual((await s.run(state)).errors, []);
    });

    test('the lab: painted, trains a step, plays', async () => {
      await open('lab.html');
      await painted('landscape-canvas', 100);
      await painted('data-canvas', 10);
      await painted('lab-chart', 10);
      const run1 = () => s.run(() => window.optiviz.status().runs[0]);
      await animates(run1, async (before) => {
        const now = await run1();
        assert.equal(before.step, 0);
        assert.equal(now.step, 1);
        assert.notDeepEqual(now.params, before.params, 'one step moves the parameters');
        assert.ok(Number.isFinite(now.loss) && now.loss < before.loss, `loss ${before.loss} → ${now.loss}`);
      });
      await shot('lab');
      assert.deepEqual((await s.run(state)).errors, []);
    });

    test('the course walk: every section with its formula, an answer revealed', async () => {
      await open('course.html?lang=en');
      const sections = await s.run(() => ({
        sections: document.querySelectorAll('section.topic').length,
        // MathML laid out: every formula has a size.
        formulas: [...document.querySelectorAll('section.topic math')].filter((m) => m.getBoundingClientRect().width > 20).length,
      }));
      assert.ok(sections.sections >= 10, `${sections.sections} sections`);
      assert.equal(sections.formulas, sections.sections, 'every formula laid out');
      await s.click('#adam .actions button');
      await until(() => s.run(() => document.querySelector('#adam .answer').hidden === false), 'the answer revealed');
      await s.run(() => document.querySelector('#adam .answer').scrollIntoView({ block: 'center' }));
      await shot('course');
      assert.deepEqual((await s.run(state)).errors, []);
    });
  });
}
