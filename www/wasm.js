// Which build of the page's wasm this browser runs: pkg/optiviz_bg.wasm, with wasm SIMD (the
// batched runs' lanes as f64x2 instructions), where the browser validates a module that uses a
// v128 instruction; else pkg/optiviz_nosimd_bg.wasm, the same code without SIMD (Safari before
// 16.4). One glue, pkg/optiviz.js, inits either: `init({ module_or_path: wasm })`.
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

/** The wasm this browser runs. */
export const wasmUrl = new URL(simd ? 'pkg/optiviz_bg.wasm' : 'pkg/optiviz_nosimd_bg.wasm', import.meta.url);

/** Its download, started now; for `init({ module_or_path: wasm })`, once. */
export const wasm = fetch(wasmUrl);
// A failed download is reported by the init that awaits it, not as an unhandled rejection first.
wasm.catch(() => {});
