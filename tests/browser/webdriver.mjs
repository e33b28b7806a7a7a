// A tiny W3C WebDriver client over fetch (no npm dependency), and the processes behind it:
// geckodriver for Firefox, WebKitWebDriver for WebKitGTK (under Xvfb), each on a free port,
// each started in its own process group so that stopping it stops the browser it started.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The key under which WebDriver returns an element's reference. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A free TCP port on 127.0.0.1 (asked of the system, then released for the driver). */
export const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** Polls `check` (async; a truthy answer ends the wait) every `every` ms for up to `ms` ms. */
export async function until(check, what, ms = 30_000, every = 100) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// Every process group still running: ended (SIGKILL) when this process exits, even on a
// failure or an interrupt, so that no driver, browser or Xvfb outlives the tests.
const live = new Set();
process.on('exit', () => { for (const pid of live) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } } });
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

/**
 * Starts `command args` in its own process group: `{ child, stop() }`, where `stop` ends the
 * whole group (the driver and every browser process it started) and waits for the driver.
 */
export function start(command, args, env = {}) {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const keep = (d) => { log = (log + d).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  live.add(child.pid);
  const exited = new Promise((r) => child.on('exit', r));
  const signal = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  return {
    child,
    log: () => log,
    exited,
    async stop() {
      signal('SIGTERM');
      const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]);
      if (!done) signal('SIGKILL');
      // Whatever of the group outlived its leader.
      signal('SIGKILL');
      live.delete(child.pid);
    },
  };
}

/** A WebDriver session on the driver at `url` with `capabilities`; its methods follow the spec. */
export async function session(url, capabilities) {
  const call = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await r.json();
    if (!r.ok || json.value?.error) {
      throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    }
    return json.value;
  };
  const created = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  const s = `/session/${created.sessionId}`;
  const find = async (css) => (await call('POST', `${s}/element`, { using: 'css selector', value: css }))[ELEMENT];
  return {
    capabilities: created.capabilities,
    go: (to) => call('POST', `${s}/url`, { url: to }),
    /** Runs `fn` (a function, sent as its source) in the page with `args`; its return value. */
    run: (fn, ...args) => call('POST', `${s}/execute/sync`, { script: `return (${fn}).apply(null, arguments);`, args }),
    /** Clicks the element `css` selects, as a person would (the driver's own pointer). */
    click: async (css) => call('POST', `${s}/element/${await find(css)}/click`, {}),
    resize: (width, height) => call('POST', `${s}/window/rect`, { width, height }),
    /** The viewport as a PNG. */
    screenshot: async () => Buffer.from(await call('GET', `${s}/screenshot`), 'base64'),
    timeouts: (t) => call('POST', `${s}/timeouts`, t),
    close: () => call('DELETE', s),
  };
}
