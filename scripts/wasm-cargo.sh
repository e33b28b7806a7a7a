#!/usr/bin/env bash
# Runs a cargo command for wasm32-unknown-unknown with whichever toolchain this machine has:
#   scripts/wasm-cargo.sh build --release --lib
#   scripts/wasm-cargo.sh --route        prints rustup, debian or none
#   scripts/wasm-cargo.sh --out-dir      prints the target folder the wasm lands in
# OPTIVIZ_WASM_SIMD=off builds without wasm SIMD (the config's +simd128 replaced by -simd128),
# for browsers without it, in a target folder of its own (target/nosimd, target/debian-nosimd)
# so the two builds never invalidate each other's artefacts.
# rustup's target is preferred; otherwise Debian's rustc-web builds std from its sources with
# cargo's build-std (a nightly flag that RUSTC_BOOTSTRAP=1 unlocks on that stable compiler),
# in a target folder of its own so the two compilers never share build artefacts.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

route() {
  local forced=${OPTIVIZ_WASM_ROUTE:-}
  if [ "$forced" != debian ] && command -v rustup >/dev/null &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo rustup
  elif [ "$forced" != rustup ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] &&
    [ -x /usr/bin/rust-lld ]; then
    echo debian
  else
    echo none
  fi
}

# The target folder of each route, and for the build without SIMD.
rustup_dir=target debian_dir=target/debian
if [ "${OPTIVIZ_WASM_SIMD:-on}" = off ]; then
  rustup_dir=target/nosimd debian_dir=target/debian-nosimd
  # RUSTFLAGS replaces .cargo/config.toml's target rustflags rather than adding to them.
  export RUSTFLAGS="-C target-feature=-simd128" CARGO_TARGET_DIR=$rustup_dir
fi

case "${1:-}" in
  --route) route; exit 0 ;;
  --out-dir)
    case $(route) in
      debian) echo $debian_dir/wasm32-unknown-unknown ;;
      *) echo $rustup_dir/wasm32-unknown-unknown ;;
    esac
    exit 0 ;;
esac

# The target flags go right after the subcommand, before any `--` that starts tool arguments.
sub=${1:?usage: scripts/wasm-cargo.sh SUBCOMMAND [ARGS...]}
shift
case $(route) in
  rustup) exec cargo "$sub" --target wasm32-unknown-unknown "$@" ;;
  debian)
    # Debian's tools first on PATH, so `cargo clippy` finds Debian's clippy-driver too.
    export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$debian_dir
    exec /usr/bin/cargo "$sub" --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort "$@" ;;
  *) echo "wasm-cargo: no wasm32 toolchain; run scripts/toolchain.sh first" >&2; exit 1 ;;
esac
