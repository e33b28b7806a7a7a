// Web Workers for the heavy comparisons: a pool of workers running the page's wasm
// (worker.js), one per core the browser reports (at least two), that deals tasks out to
// whichever worker is free. The page hears every part as it arrives; cancelling ends the
// workers at once, whatever they were in the middle of.

/** Workers to use: one per reported core, at least two, at most eight. */
export const cores = () => Math.max(2, Math.min(navigator.hardwareConcurrency || 2, 8));

export class Pool {
  constructor(size = cores()) {
    this.size = size;
    this.workers = [];
    this.job = 0;
    this.busy = false;
  }

  /**
   * Runs `tasks` (messages for worker.js, each with its `kind`), cancelling any run still in
   * progress. `part(task, message)` hears each part a task sends, `done()` that every task
   * finished, `error(message)` that one failed (the rest are then cancelled). Resolves when
   * the run ends, however it ends.
   */
  run(tasks, { part = () => {}, done = () => {}, error = () => {} } = {}) {
    this.cancel();
    const job = ++this.job;
    this.busy = true;
    let next = 0;
    let finished = 0;
    return new Promise((resolve) => {
      this.end = resolve;
      if (tasks.length === 0) {
        this.busy = false;
        done();
        resolve();
        return;
      }
      while (this.workers.length < Math.min(this.size, tasks.length)) {
        this.workers.push(new Worker(new URL('worker.js', import.meta.url), { type: 'module' }));
      }
      const give = (w) => {
        if (next >= tasks.length) return;
        w.task = tasks[next];
        next += 1;
        w.postMessage({ ...w.task, job });
      };
      for (const w of this.workers) {
        // A worker that cannot load its script or its wasm ends the run with a message.
        w.onerror = (e) => {
          e.preventDefault();
          if (job !== this.job) return;
          this.cancel();
          error(`a worker stopped: ${e.message || 'it could not load the page\'s wasm'}`);
        };
        w.onmessage = (e) => {
          const m = e.data;
          if (m.job !== job) return;
          if (m.error) {
            this.cancel();
            error(m.error);
            return;
          }
          if (!m.done) {
            part(w.task, m);
            return;
          }
          finished += 1;
          if (finished < tasks.length) {
            give(w);
            return;
          }
          this.busy = false;
          this.end = null;
          done();
          resolve();
        };
        give(w);
      }
    });
  }

  /** Ends the workers, busy or idle; the next run starts new ones. */
  close() {
    this.busy = true;
    this.cancel();
  }

  /** Ends the run in progress, if any: its workers are terminated and started afresh next run. */
  cancel() {
    if (!this.busy) return;
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.busy = false;
    this.job += 1;
    const end = this.end;
    this.end = null;
    end?.();
  }
}

/**
 * The controls of one heavy computation: its start button, Cancel button, progress bar and
 * status line, enabled and disabled as a run starts and ends.
 */
export class Job {
  constructor(prefix, pool = new Pool()) {
    this.pool = pool;
    this.start = document.getElementById(`${prefix}-run`);
    this.stop = document.getElementById(`${prefix}-cancel`);
    this.bar = document.getElementById(`${prefix}-progress`);
    this.status = document.getElementById(`${prefix}-time`);
    this.stop.addEventListener('click', () => {
      if (!this.pool.busy) return;
      this.pool.cancel();
      this.status.value = 'cancelled';
    });
  }

  /** Shows how far the run is, as a fraction (anything not a number in 0…1 is left out). */
  progress(fraction) {
    if (fraction >= 0 && fraction <= 1) this.bar.value = fraction;
  }

  /**
   * Runs `tasks` on the pool, the controls showing it; `done(ms)` when every task finished.
   * `part` and `error` as for Pool.run.
   */
  run(tasks, { part, done = () => {}, error }) {
    const t0 = performance.now();
    this.bar.value = 0;
    this.status.value = 'computing…';
    this.stop.disabled = false;
    this.start.disabled = true;
    const ended = () => {
      this.stop.disabled = true;
      this.start.disabled = false;
    };
    return this.pool.run(tasks, {
      part,
      done: () => {
        this.bar.value = 1;
        done(performance.now() - t0);
      },
      error: (message) => {
        this.status.value = '';
        error(message);
      },
    }).then(ended);
  }
}

/**
 * The tasks of one basin map of run `run` of the scenario `query` at `n × n` start points,
 * tagged `side`: chunks of rows, two per worker (at least 4 rows), so every core stays busy
 * to the end.
 */
export function basinTasks({ query, run, n, steps, tol, workers, side = 0 }) {
  const per = Math.max(4, Math.ceil(n / workers / 2));
  const tasks = [];
  for (let r = 0; r < n; r += per) {
    tasks.push({ kind: 'basin', side, query, run, width: n, height: n, steps, tol, row0: r, row1: Math.min(n, r + per) });
  }
  return tasks;
}

/**
 * The tasks of a learning-rate sweep of `runs` (indices into the scenario `query`) at `lrs`:
 * each run's rates in chunks of 32 (four batches of 8 lanes), so one run still uses two
 * cores while a task stays long enough that messages cost little beside it.
 */
export function sweepTasks({ query, runs, lrs, tol }) {
  return runs.flatMap((run) => Array.from({ length: Math.ceil(lrs.length / 32) }, (_, c) => (
    { kind: 'sweep', query, run, first: 32 * c, lrs: Array.from(lrs.slice(32 * c, 32 * c + 32)), tol })));
}
