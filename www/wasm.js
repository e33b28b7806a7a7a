// Which wasm this page runs. Each page has its own, cut from the whole build by
// scripts/build-wasm.sh (`optiviz wasm-split`) to the exports its scripts import and the code
// they reach: the page names it in `<html data-wasm="…">`, and the workers run theirs. Each
// comes with wasm SIMD (the batched runs' lanes as f64x2 instructions), picked where the browser
// validates a module that uses a v128 instruction, and without (Safari before 16.4). One glue,
// pkg/optiviz.js, inits any of them: `init({ module_or_path: wasm })`.
// The pages also load this module on its own (<script type="module" async>), so it runs, and the
// download starts, before the page's other modules have all arrived; it imports nothing for that.

/** A module of one function `() -> v128`: i32.const 0, i8x16.splat, i8x16.popcnt, end. */
const probe = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: one type, () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function, of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // code section: its body
]);

/** Whether this browser runs wasm SIMD. */
export const simd = WebAssembly.validate(probe);

/** Each page's wasm and the workers', with SIMD and without (`optiviz dist` renames these). */
const builds = {
  index: ['pkg/index_bg.wasm', 'pkg/index_nosimd_bg.wasm'],
  lab: ['pkg/lab_bg.wasm', 'pkg/lab_nosimd_bg.wasm'],
  course: ['pkg/course_bg.wasm', 'pkg/course_nosimd_bg.wasm'],
  worker: ['pkg/worker_bg.wasm', 'pkg/worker_nosimd_bg.wasm'],
};
/** The page's build, by `<html data-wasm>`; none on a page that runs no wasm of its own. */
const page = document.documentElement.dataset.wasm;
if (page !== undefined && (!Object.hasOwn(builds, page) || page === 'worker')) {
  throw new Error(`wasm.js: <html data-wasm="${page}"> names no page's wasm; allowed are index, lab and course`);
}
const pick = ([withSimd, without]) => new URL(simd ? withSimd : without, import.meta.url);

/** The wasm this page runs in this browser (null on a page that runs none). */
export const wasmUrl = page === undefined ? null : pick(builds[page]);

/** The wasm the page's workers (worker.js) run in this browser. */
export const workerWasmUrl = pick(builds.worker);

/** Its download, started now; for `init({ module_or_path: wasm })`, once (null: no wasm). */
export const wasm = wasmUrl && fetch(wasmUrl);
// A failed download is reported by the init that awaits it, not as an unhandled rejection first.
wasm?.catch(() => {});
