//! The `optiviz` binary: the command line of [`optiviz::cli`].

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    optiviz::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
