// Web Workers for the heavy comparisons: one pool of workers running the workers' wasm
// (worker.js) for every job on the page (sweep, Tune, basin maps), at most one worker per core
// the browser reports. Jobs queue their tasks on it and it deals them to whichever worker is
// free; each job hears its own parts as they arrive. While the page animates (playing, a
// gesture, a video recording) one core is left to it: the pool computes on one worker fewer
// (never none), so the frames keep their time, and on all of them again when the page is still. Cancelling a job ends only its tasks: the
// workers busy with them are ended at once and replaced when more tasks come.
import { lang, t } from './i18n.js';
import { notice } from './runs.js';
import { workerWasmUrl } from './wasm.js';

/**
 * The basin map a pool computes ahead of the user's first, as {@link Pool#warm}'s tasks: 64²
 * starts of at most 200 steps, a few milliseconds of a worker whatever the scenario's steps.
 */
export const WARM_SIZE = 64;
export const WARM_STEPS = 200;

/**
 * The workers' wasm, compiled once on the page for every worker of every pool: each worker is
 * sent the `WebAssembly.Module` and instantiates it, rather than compiling a copy of its own.
 * The engine shares a module's code between the workers it is sent to, so what it optimizes
 * while one worker runs the code hot (a sweep, the warm-up map) every worker, and every later
 * pool's, runs from then on (BENCHMARKS.md, "compiled once"). Where the page cannot compile it
 * (a server sending the wrong type), the workers are sent the URL and report any error
 * themselves.
 */
let compiled = null;
const workerWasm = () => (compiled ??= WebAssembly.compileStreaming(fetch(workerWasmUrl)).catch(() => workerWasmUrl.href));

/**
 * Sends `message` to `worker` with the wasm to start ({@link workerWasm}) once it is compiled.
 * Messages to one worker keep their order: each waits on the same compile.
 */
const send = (worker, message) => workerWasm().then((wasm) => worker.postMessage({ ...message, wasm }));

/** Workers to use: one per reported core, at most eight. */
export const cores = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));

export class Pool {
  constructor(size = cores()) {
    this.size = size;
    this.workers = []; // { worker, item }: item is the task it is busy with, if any
    this.queue = []; // { task, run, id } waiting for a free worker
    this.runs = new Set();
    this.serial = 0;
    this.animating = false;
  }

  /** How many workers may compute at once: all, or one fewer (at least one) while the page animates. */
  get limit() {
    return this.animating ? Math.max(1, this.size - 1) : this.size;
  }

  /**
   * The page animates (`true`) or is still (`false`). Tasks already computing finish; new
   * ones go to at most {@link Pool#limit} workers.
   */
  setAnimating(on) {
    if (this.animating === on) return;
    this.animating = on;
    this.deal();
  }

  /** Whether any job has tasks queued or running. */
  get busy() {
    return this.runs.size > 0;
  }

  /**
   * Queues `tasks` (messages for worker.js, each with its `kind`) as one job's run beside any
   * other runs. `part(task, message)` hears each part a task sends, `done()` that every task
   * finished, `error(message)` that one failed (the run's other tasks are then cancelled).
   * Returns the run, for `stop`; `run.ended` resolves when it ends, however it ends.
   */
  start(tasks, { part = () => {}, done = () => {}, error = () => {} } = {}) {
    const run = { left: tasks.length, part, done, error };
    run.ended = new Promise((resolve) => { run.resolve = resolve; });
    this.runs.add(run);
    if (tasks.length === 0) this.finish(run);
    this.queue.push(...tasks.map((task) => ({ task, run })));
    this.deal();
    return run;
  }

  /** `start`, resolving when the run ends. */
  run(tasks, hooks) {
    return this.start(tasks, hooks).ended;
  }

  /** Gives queued tasks to free workers, starting workers up to the pool's size, while fewer than its limit compute. */
  deal() {
    while (this.queue.length > 0 && this.workers.filter((s) => s.item).length < this.limit) {
      let slot = this.workers.find((s) => !s.item);
      if (!slot) {
        if (this.workers.length >= this.size) return;
        slot = this.spawn();
      }
      slot.item = { ...this.queue.shift(), id: (this.serial += 1) };
      send(slot.worker, { ...slot.item.task, job: slot.item.id, lang });
    }
  }

  /**
   * Starts the workers a run would use now (up to {@link Pool#limit}) and has each fetch and
   * compile its wasm, so that the first run does not wait for them: for when a job's controls
   * are opened. Workers started this way are free; a run uses them as any others.
   *
   * `tasks`, a small job like the one the controls will start, are computed and their results
   * dropped (unless such a warm-up is still going): the browser runs a wasm function first as
   * its baseline compiler made it and compiles it optimized in the background only once it has
   * run hot, and a loop keeps the code it was entered with, so a first job ran partly in
   * baseline code (BENCHMARKS.md, "the first map"). Resolves when they are done.
   */
  warm(tasks = []) {
    while (this.workers.length < this.limit) {
      send(this.spawn().worker, { kind: 'warm' });
    }
    if (tasks.length > 0 && !this.runs.has(this.warming)) this.warming = this.start(tasks);
    return this.warming?.ended ?? Promise.resolve();
  }

  spawn() {
    const slot = { worker: new Worker(new URL('worker.js', import.meta.url), { type: 'module' }), item: null };
    // A worker that cannot load its script or its wasm ends its run with a message.
    slot.worker.onerror = (e) => {
      e.preventDefault();
      if (slot.item) this.fail(slot.item.run, t('job.worker_stopped', { error: e.message || t('job.worker_load') }));
    };
    slot.worker.onmessage = (e) => {
      const m = e.data;
      const item = slot.item;
      if (!item || m.job !== item.id) return;
      if (m.error) {
        this.fail(item.run, m.error);
      } else if (!m.done) {
        item.run.part(item.task, m);
      } else {
        slot.item = null;
        item.run.left -= 1;
        if (item.run.left === 0) this.finish(item.run);
        this.deal();
      }
    };
    this.workers.push(slot);
    return slot;
  }

  finish(run) {
    this.runs.delete(run);
    run.done();
    run.resolve();
  }

  fail(run, message) {
    if (this.stop(run)) run.error(message);
  }

  /**
   * Ends `run` if it has not ended: its queued tasks are dropped and the workers busy with it
   * ended (the others go on). Whether it was still going.
   */
  stop(run) {
    if (!this.runs.delete(run)) return false;
    this.queue = this.queue.filter((q) => q.run !== run);
    for (const s of this.workers) if (s.item?.run === run) s.worker.terminate();
    this.workers = this.workers.filter((s) => s.item?.run !== run);
    run.resolve();
    this.deal();
    return true;
  }

  /** Ends every run. */
  cancel() {
    for (const run of [...this.runs]) this.stop(run);
  }

  /** Ends every run and every worker; the next run starts new ones. */
  close() {
    this.cancel();
    for (const s of this.workers) s.worker.terminate();
    this.workers = [];
  }
}

/** The page's one pool, shared by every job. */
let shared;
export const pagePool = () => (shared ??= new Pool());

/**
 * The controls of one heavy computation: its start button, Cancel button, progress bar and
 * status line, enabled and disabled as a run starts and ends; and its notice (keyed by
 * `prefix`), which stays until this job runs again.
 */
export class Job {
  constructor(prefix, pool = pagePool()) {
    this.prefix = prefix;
    this.pool = pool;
    this.current = null;
    this.start = document.getElementById(`${prefix}-run`);
    this.stop = document.getElementById(`${prefix}-cancel`);
    this.bar = document.getElementById(`${prefix}-progress`);
    this.status = document.getElementById(`${prefix}-time`);
    this.stop.addEventListener('click', () => {
      if (this.current && this.pool.stop(this.current)) this.status.value = t('job.cancelled');
    });
  }

  /** Shows how far the run is, as a fraction (anything not a number in 0…1 is left out). */
  progress(fraction) {
    if (fraction >= 0 && fraction <= 1) this.bar.value = fraction;
  }

  /** This job's notice (`''` clears it). */
  notice(message) {
    notice(message, this.prefix);
  }

  /**
   * Runs `tasks` on the pool, the controls showing it (a run of this job still going is
   * cancelled first); `done(ms)` when every task finished, `part` as for Pool.start; an error
   * becomes this job's notice, prefixed with `what`. `done` may return a promise of the
   * results shown (written in a later frame): the run ends, its button enabled again, once
   * they are.
   */
  run(tasks, { part, done = () => {}, what }) {
    if (this.current) this.pool.stop(this.current);
    this.notice('');
    const t0 = performance.now();
    this.bar.value = 0;
    this.status.value = t('job.computing');
    this.stop.disabled = false;
    this.start.disabled = true;
    let shown;
    const run = this.pool.start(tasks, {
      part,
      done: () => {
        this.bar.value = 1;
        shown = done(performance.now() - t0);
      },
      error: (message) => {
        this.status.value = '';
        this.notice(t('job.failed', { what, message }));
      },
    });
    this.current = run;
    return run.ended.then(() => shown).then(() => {
      if (this.current !== run) return;
      this.current = null;
      this.stop.disabled = true;
      this.start.disabled = false;
    });
  }
}
