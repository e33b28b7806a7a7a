import { chromium } from 'playwright-core';
import { root, serve } from './harness.mjs';
const { server, base } = serve(`${root}target/debug/optiviz`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const address = await base;
  const page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
  const runs = ['sgd;lr=0.001', 'momentum;lr=0.001', 'nesterov;lr=0.001', 'adagrad;lr=0.5', 'rmsprop;lr=0.002',
    'adam;lr=0.05', 'nadam;lr=0.01', 'lion;lr=0.01'].map((r) => `run=${r}`).join('&');
  await page.goto(`${address}?surface=rosenbrock&steps=20000&step=20000&speed=250&${runs}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => new Promise((done) => {
    const one = (k) => {
      const s = document.getElementById('run5-lr'); s.value = String(-2 + 0.5 * Math.sin(k / 5));
      window.__inHandler = true;
      s.dispatchEvent(new Event('input', { bubbles: true }));
      window.__inHandler = false;
      requestAnimationFrame(() => { if (k + 1 < 40) setTimeout(() => one(k + 1), 20); else done(); });
    };
    one(0);
  }));
  const { profile } = await cdp.send('Profiler.stop');
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map(), total = new Map();
  profile.samples.forEach((s, i) => {
    const dt = profile.timeDeltas[i] / 1000;
    const f = nodes.get(s).callFrame; const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set();
    for (let id = s; id !== undefined; id = parent.get(id)) { const g = nodes.get(id).callFrame; const kk = `${g.functionName || '(anon)'} ${g.url.split('/').pop()}:${g.lineNumber}`; if (!seen.has(kk)) { seen.add(kk); total.set(kk, (total.get(kk) ?? 0) + dt); } }
  });
  console.log('SELF'); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(1).padStart(7), k.slice(0, 150));
  console.log('TOTAL'); for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(v.toFixed(1).padStart(7), k.slice(0, 150));
} finally { await browser.close(); server.kill(); }
