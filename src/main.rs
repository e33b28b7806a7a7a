//! The `optiviz` command line: `optiviz serve` runs the development server for the page.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use std::path::PathBuf;
    use std::process::ExitCode;

    /// optiviz: watch gradient-based optimizers race across 2D surfaces.
    #[derive(Parser)]
    #[command(name = "optiviz", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Serve the web app (the www/ folder) on 127.0.0.1 until stopped.
        Serve {
            /// The folder to serve.
            #[arg(default_value = "www")]
            dir: PathBuf,
            /// The port to listen on (0 picks a free one).
            #[arg(long, default_value_t = 8000)]
            port: u16,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Command::Serve { dir, port } => match optiviz::serve::Server::bind(&dir, port) {
                Ok(server) => {
                    println!(
                        "optiviz: serving {} at http://{}/",
                        dir.display(),
                        server.addr()
                    );
                    server.run();
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("optiviz serve: {e}");
                    ExitCode::FAILURE
                }
            },
        }
    }
}
