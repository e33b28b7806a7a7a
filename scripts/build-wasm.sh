#!/usr/bin/env bash
# Builds the pages' WebAssembly in release mode and binds it into www/pkg/: the crate once with
# wasm SIMD and once without (its own target folder, so neither build undoes the other's), one
# glue optiviz.js that every build shares, and from each build one wasm per page and one for the
# workers (`optiviz wasm-split`: only the exports the page's scripts import from the glue and
# the code they reach): index_bg.wasm, lab_bg.wasm, course_bg.wasm, worker_bg.wasm with SIMD,
# *_nosimd_bg.wasm without. The whole builds stay too, optiviz_bg.wasm and
# optiviz_nosimd_bg.wasm: the benchmarks call exports no page imports, and the dist site's
# service worker caches only the whole build, which stands in for every page's offline (sw.js).
#
# The wasm ships without its name section (every function's Rust name: 28 KiB of the wasm's
# 400 KiB gzipped) and the producers note. A panic's message still reaches the page's banner (it
# is data, not a name); only the console's stack traces show wasm-function[N] for Rust frames.
# wasm-bindgen's JavaScript glue (www/pkg/optiviz.js) ships without the JSDoc it copies from
# every exported item's rustdoc: 35 of its 104 KiB, 11 of its 19 KiB gzipped, fetched by every
# page; the Rust source is where those words are read.
# OPTIVIZ_WASM_NAMES=keep keeps the names and the glue's JSDoc, for debugging.
#
# No wasm-opt: binaryen's wasm-opt -O3 (132, from npm) took 20-70 s here and saved a further
# 45 KiB raw but only 1.3 KiB gzipped after the names are gone, with no speed difference; on
# the 2026-12-03 wasm, -O3 and -Oz took 63 and 74 s for 5.2 and 6.1 KiB gzipped (1%); Debian's
# binaryen 108 cannot read the wasm at all (BENCHMARKS.md, "Loading").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
strip=(--remove-name-section --remove-producers-section)
[ "${OPTIVIZ_WASM_NAMES:-}" != keep ] || strip=()

# bind OUT_DIR: the wasm just built (by scripts/wasm-cargo.sh, under OPTIVIZ_WASM_SIMD) bound
# into OUT_DIR as optiviz.js + optiviz_bg.wasm.
bind() {
  wasm-bindgen --target web --no-typescript "${strip[@]}" --out-dir "$1" "$(scripts/wasm-cargo.sh --out-dir)/release/optiviz.wasm"
  # Each `/** … */` block that starts a line of the glue, with its line ends.
  [ "${OPTIVIZ_WASM_NAMES:-}" = keep ] || perl -0pi -e 's{^[ \t]*/\*\*.*?\*/[ \t]*\n}{}gms' "$1/optiviz.js"
}

# split WASM SUFFIX: WASM's page builds into www/pkg as <page>SUFFIX.wasm (the tool itself is
# built natively, as the tests build it).
pages=(index=app.js lab=lab.js course=course.js worker=worker.js)
split() {
  cargo run --quiet --bin optiviz -- wasm-split --site www --wasm "$1" --out www/pkg --suffix "$2" "${pages[@]}"
}

scripts/wasm-cargo.sh build --release --lib --quiet
bind www/pkg
split www/pkg/optiviz_bg.wasm _bg

# The same crate without wasm SIMD, for browsers that lack it (Safari before 16.4): the pages
# pick it by feature detection (www/wasm.js). Only the code differs, never the exports and
# imports, so its glue is the SIMD build's byte for byte (checked here) and www/pkg/optiviz.js
# inits either file by its URL.
nosimd=$(mktemp -d)
trap 'rm -rf "$nosimd"' EXIT
OPTIVIZ_WASM_SIMD=off scripts/wasm-cargo.sh build --release --lib --quiet
OPTIVIZ_WASM_SIMD=off bind "$nosimd"
if ! cmp -s "$nosimd/optiviz.js" www/pkg/optiviz.js; then
  echo "build-wasm: the no-SIMD build's glue differs from the SIMD build's; one optiviz.js cannot init both" >&2
  exit 1
fi
split "$nosimd/optiviz_bg.wasm" _nosimd_bg
mv "$nosimd/optiviz_bg.wasm" www/pkg/optiviz_nosimd_bg.wasm
echo "build-wasm: the whole builds www/pkg/optiviz_bg.wasm ($(wc -c <www/pkg/optiviz_bg.wasm) bytes) and optiviz_nosimd_bg.wasm ($(wc -c <www/pkg/optiviz_nosimd_bg.wasm) bytes), optiviz.js ($(wc -c <www/pkg/optiviz.js) bytes)" >&2
