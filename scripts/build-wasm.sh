#!/usr/bin/env bash
# Builds the page's WebAssembly in release mode and binds it into www/pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/wasm-cargo.sh build --release --lib --quiet
wasm="$(scripts/wasm-cargo.sh --out-dir)/release/optiviz.wasm"
wasm-bindgen --target web --no-typescript --out-dir www/pkg "$wasm"
echo "build-wasm: www/pkg/optiviz_bg.wasm ($(wc -c <www/pkg/optiviz_bg.wasm) bytes)" >&2
