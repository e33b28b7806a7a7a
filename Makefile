# optiviz: the two commands a newcomer needs.
#   make serve   build the page's wasm (release) and serve it at http://127.0.0.1:$(PORT)/
#   make test    every check: format, clippy and rustdoc (native and wasm32), native tests, wasm build,
#                browser tests in headless Chromium
#   make dist    the app as a static site in dist/ (hashed file names, .gz beside each file), working
#                offline after one visit (a service worker)
#   make bench   speed in headless Chromium (figures for BENCHMARKS.md), with the basin map as vectorized
#                numpy beside it; make bench-load: only the pages' sizes and time to first paint
# Both install what is missing first (scripts/toolchain.sh).

PORT ?= 8000
# The python3 with numpy for the benchmark's numpy side (scripts/bench_numpy.py): the first of
# PATH's and Debian's that has it, looked for when the benchmark starts (after toolchain.sh).
PYTHON_WITH_NUMPY = for p in python3 /usr/bin/python3; do $$p -c 'import numpy' 2>/dev/null && { echo $$p; break; }; done
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: serve test wasm lint native-test browser-test bench bench-load dist

serve: wasm
	cargo run --quiet --release --bin optiviz -- serve www --port $(PORT)

wasm:
	scripts/toolchain.sh
	scripts/build-wasm.sh

dist: wasm
	cargo run --quiet --release --bin optiviz -- dist --from www --out dist

test:
	scripts/toolchain.sh --test
	$(MAKE) --no-print-directory lint native-test browser-test

lint:
	cargo fmt --all --check
	cargo clippy --all-targets --quiet -- -D warnings
	scripts/wasm-cargo.sh clippy --all-targets --quiet -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	RUSTDOCFLAGS="-D warnings" scripts/wasm-cargo.sh doc --no-deps --lib --quiet

native-test:
	cargo test --quiet

browser-test:
	scripts/build-wasm.sh
	cargo build --quiet --bin optiviz
	cd tests/browser && OPTIVIZ_BIN="$(CURDIR)/target/debug/optiviz" node --test

bench:
	scripts/toolchain.sh --bench
	scripts/build-wasm.sh
	cargo build --quiet --release --bin optiviz
	cd tests/browser && OPTIVIZ_BIN="$(CURDIR)/target/release/optiviz" OPTIVIZ_PYTHON="$$($(PYTHON_WITH_NUMPY))" node bench.mjs

bench-load:
	scripts/toolchain.sh --test
	scripts/build-wasm.sh
	cargo build --quiet --release --bin optiviz
	cd tests/browser && OPTIVIZ_BIN="$(CURDIR)/target/release/optiviz" node bench.mjs --load
