#!/usr/bin/env bash
# Installs what building and testing optiviz needs, and only what is missing; safe to rerun.
#
#   scripts/toolchain.sh           the wasm32 toolchain and wasm-bindgen-cli (for `make serve`)
#   scripts/toolchain.sh --test    also clippy, Chromium, Node.js and the browser-test packages,
#                                  and Firefox ESR + geckodriver and WebKitGTK's WebKitWebDriver
#                                  + Xvfb for the WebDriver smoke tests (tests/browser/browsers.test.mjs)
#   scripts/toolchain.sh --bench   all of --test, and numpy for the benchmark's numpy side
#                                  (scripts/bench_numpy.py; `make bench`)
#
# The wasm32 standard library comes from rustup where it can (already installed, or
# `rustup target add` succeeds); otherwise from Debian's rustc-web with its std sources, built
# with cargo's build-std (see scripts/wasm-cargo.sh). OPTIVIZ_WASM_ROUTE=rustup|debian forces one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'toolchain: %s\n' "$*" >&2; }

apt_updated=
apt_install() {
  if ! command -v apt-get >/dev/null; then
    say "missing: $* (install them with your package manager, then rerun)"
    exit 1
  fi
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# --- wasm32 target --------------------------------------------------------------------------
route=$(scripts/wasm-cargo.sh --route)
if [ "$route" = none ]; then
  if [ "${OPTIVIZ_WASM_ROUTE:-}" != debian ] && command -v rustup >/dev/null &&
    timeout 300 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    say "wasm32 target installed with rustup"
  else
    say "rustup cannot provide the wasm32 target here: using Debian's rustc-web and build-std"
    apt_install rustc-web cargo-web rust-web-src lld-22
  fi
fi
mode=${1:-}
if [ "$(scripts/wasm-cargo.sh --route)" = debian ] && [ -n "$mode" ] &&
  [ ! -x /usr/bin/cargo-clippy ]; then
  apt_install rust-web-clippy
fi

# --- wasm-bindgen-cli, at exactly the version Cargo.lock pins --------------------------------
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # --locked first; if a crate its lock file names has left the index (yanked), resolve afresh.
  cargo install wasm-bindgen-cli --version "=$want" --locked --quiet 2>/dev/null ||
    cargo install wasm-bindgen-cli --version "=$want" --quiet
fi

case $mode in --test | --bench) ;; *) exit 0 ;; esac

# --- native lints ---------------------------------------------------------------------------
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
fi

# --- browser tests: Chromium, Node.js, playwright-core -------------------------------------
if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  say "installing the browser-test packages (npm ci)"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- Firefox ESR and WebKitGTK over WebDriver (tests/browser/browsers.test.mjs) -------------
# Debian's firefox-esr, webkit2gtk-driver (WebKitWebDriver) and xvfb (WebKitGTK needs a
# display); geckodriver built from crates.io at a pinned version. Each only when missing.
web_missing=()
command -v firefox-esr >/dev/null || command -v firefox >/dev/null || web_missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || web_missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || web_missing+=(xvfb)
[ ${#web_missing[@]} = 0 ] || apt_install "${web_missing[@]}"
geckodriver_version=0.37.1
if ! command -v geckodriver >/dev/null; then
  say "installing geckodriver $geckodriver_version (cargo install, a few minutes)"
  cargo install geckodriver --version "=$geckodriver_version" --locked --quiet 2>/dev/null ||
    cargo install geckodriver --version "=$geckodriver_version" --quiet
fi

# --- the benchmark's numpy side -------------------------------------------------------------
# Any python3 on PATH with numpy will do (the Makefile picks it); otherwise Debian's.
if [ "$mode" = --bench ] && ! python3 -c 'import numpy' 2>/dev/null &&
  ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  apt_install python3-numpy
fi
