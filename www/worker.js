// A Web Worker running the workers' own wasm (www/wasm.js) for the heavy comparisons (src/web/jobs.rs), so the
// page never waits on them. It takes one task at a time (pool.js deals them out) and answers
// with parts as they are ready, then `done`; the page cancels by ending the worker. The tasks
// themselves are planned in Rust (basin_tasks, sweep_tasks in src/web/jobs.rs).
import init, { basin_rows, set_language, sweep_rates, tune_run } from './pkg/optiviz.js';

/**
 * The wasm started, from what the page sends with every task: the module it compiled once for
 * all its workers (pool.js), or the URL it chose (www/wasm.js) where it could not compile it.
 */
let ready;

const tasks = {
  /** Rows `row0..row1` of a basin map, `part` rows a message. */
  basin({ job, query, run, width, height, steps, row0, row1, part }) {
    for (let r = row0; r < row1; r += part) {
      const cells = basin_rows(query, run, width, height, steps, r, Math.min(r + part, row1));
      postMessage({ job, row: r, cells }, [cells.buffer]);
    }
  },
  /** One run at some learning rates of a sweep. */
  sweep({ job, query, run, lrs }) {
    const cells = sweep_rates(query, run, Float64Array.from(lrs));
    postMessage({ job, cells }, [cells.buffer]);
  },
  /** One run's tuning search, reporting each simulation done. */
  tune({ job, query, run, objective, budget, decays }) {
    const result = tune_run(query, run, objective, budget, decays, (k) => postMessage({ job, progress: k }));
    postMessage({ job, result: JSON.parse(result) });
  },
};

onmessage = async (e) => {
  const { job, kind, lang, wasm } = e.data;
  try {
    ready ??= init({ module_or_path: wasm });
    await ready;
    // Only started ahead of a run (Pool.warm): the wasm fetched and compiled, nothing to answer.
    if (kind === 'warm') return;
    if (lang) set_language(lang); // a task's errors in the page's language
    tasks[kind](e.data);
    postMessage({ job, done: true });
  } catch (err) {
    postMessage({ job, error: err.message ?? String(err) });
  }
};
