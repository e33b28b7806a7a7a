// A Web Worker computing rows of a basin map with the same wasm as the page, a few rows at a
// time, so the page shows progress and can cancel (by ending the worker) between chunks.
import init, { basin_rows } from './pkg/optiviz.js';

const ready = init();

onmessage = async (e) => {
  await ready;
  const { job, tag, query, run, width, height, steps, tol, row0, row1 } = e.data;
  try {
    for (let r = row0; r < row1; r += 4) {
      const end = Math.min(r + 4, row1);
      const cells = basin_rows(query, run, width, height, steps, tol, r, end);
      postMessage({ job, tag, row: r, cells }, [cells.buffer]);
    }
    postMessage({ job, tag, done: true });
  } catch (err) {
    postMessage({ job, tag, error: err.message ?? String(err) });
  }
};
