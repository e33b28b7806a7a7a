//! The `optiviz` command line (native only): `serve` runs the page's development server
//! ([`serve`]), `trace` prints an optimizer's trajectory on a surface or a model's training,
//! `list` tells what exists, `bench` times the speed workloads, `dist` writes the static site
//! ([`dist`]), `wasm-split` writes each page's wasm from the whole build ([`wasm_split`]).

pub mod dist;
pub mod render;
pub mod serve;
pub mod wasm_split;

use crate::core::model::data::ClassShape;
use crate::core::model::{ClassLoss, MAX_DEGREE, MAX_POINTS, ModelSpec, ModelTrace};
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::run::{Noise, RunSpec};
use crate::core::schedule::{SCHEDULE_FORMS, Schedule};
use crate::core::surface::Surface;
use crate::core::trace::Trace;
use crate::error::Error;
use crate::state::lab::{LabScenario, MAX_HIDDEN};
use crate::state::scenario::MAX_STEPS;
use clap::{Args, Parser, Subcommand, ValueEnum};
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
        #[arg(long, default_value_t = 8000, value_parser = whole::<u16>(0, u16::MAX, ""))]
        port: u16,
    },
    /// Write the app as a static site any static host serves: hashed file names, references
    /// rewritten, .gz beside each file, and a service worker that keeps it working offline.
    /// Build the wasm first (scripts/build-wasm.sh; `make dist` does both).
    Dist {
        /// The folder of the pages, with the built wasm in pkg/.
        #[arg(long, default_value = "www")]
        from: PathBuf,
        /// The folder to write: new, empty, or an earlier site, which is replaced.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
    /// Print an optimizer's trajectory on a surface (CSV: step,x,y,loss; or JSON), or a
    /// model's training (--model; CSV: step,epoch,<parameters>,loss[,val_loss]; or JSON).
    Trace(Box<TraceArgs>),
    /// Print the runs of a surface-page scenario, read from its link or from the scenario file
    /// the page exports: every run's trajectory as the page's export writes it (CSV
    /// run,optimizer,step,x,y,loss, or JSON), or, with --run, one run's as `optiviz trace` does.
    Runs {
        #[command(flatten)]
        source: ScenarioSource,
        /// Only run K, counting from 1 as the page does.
        #[arg(long, value_name = "K")]
        run: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
    },
    /// Draw a surface-page scenario as the page shows it (the plot with its trajectories, the
    /// chart beside it, a legend) to a PNG or SVG of one step, or an animated GIF of the race
    /// (every run advancing together, looped). Text is drawn in the font the project ships.
    Render {
        #[command(flatten)]
        source: ScenarioSource,
        /// The file to write: its extension (.png, .svg, .gif) chooses the kind.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Width and height in pixels, each 160 to 4096.
        #[arg(long, value_name = "WxH", default_value = "1280x720", allow_hyphen_values = true,
            value_parser = render::parse_size)]
        size: (u32, u32),
        /// A GIF's frames, spread evenly over --steps (1 to 300; default 60).
        #[arg(long, value_name = "N", allow_hyphen_values = true,
            value_parser = whole::<usize>(1, render::MAX_FRAMES, ""))]
        frames: Option<usize>,
        /// The steps shown, A..B (0 ≤ A ≤ B ≤ the scenario's steps): a PNG or SVG shows step B,
        /// a GIF runs from A to B. Default: from 0 to the link's step, or to the last step
        /// when the link names none.
        #[arg(long, value_name = "A..B", allow_hyphen_values = true)]
        steps: Option<String>,
    },
    /// List the surfaces and the optimizers with their hyperparameters and defaults.
    List,
    /// Time the batched computations natively on one core (basin map, learning-rate
    /// sweep, Adam step kernel), batched and one run at a time; prints JSON.
    Bench {
        /// The basin map's side, 1 to 512 (the page's largest basin map; issue #7's target).
        #[arg(long, default_value_t = MAX_BENCH_SIZE,
            value_parser = whole::<usize>(1, MAX_BENCH_SIZE, " (the page's largest basin map)"))]
        size: usize,
        /// Rows of the basin map timed one start at a time (the naive form is slow), 1 to
        /// --size.
        #[arg(long, default_value_t = 32, value_parser = whole::<usize>(1, MAX_BENCH_SIZE, " and at most --size"))]
        naive_rows: usize,
    },
    /// Write one wasm per page from the whole build, each with only the exports its page's
    /// scripts import from the glue and the code they reach (scripts/build-wasm.sh runs it).
    WasmSplit {
        /// The site's folder, which the entries and the glue are relative to.
        #[arg(long)]
        site: PathBuf,
        /// The whole build, as wasm-bindgen wrote it.
        #[arg(long)]
        wasm: PathBuf,
        /// The glue every page imports, relative to --site.
        #[arg(long, default_value = "pkg/optiviz.js")]
        glue: String,
        /// The folder to write each page's wasm into, as PAGE + SUFFIX + `.wasm`.
        #[arg(long)]
        out: PathBuf,
        /// What follows each page's name in its file's name (`_bg`: `lab_bg.wasm`).
        #[arg(long, default_value = "_bg")]
        suffix: String,
        /// The pages, each PAGE=ENTRY: its name (letters, digits, `-`) and the script, relative
        /// to --site, that its module graph starts from (`lab=lab.js`).
        #[arg(required = true)]
        pages: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum ModelKind {
    /// Linear regression ŷ = w·x + b, MSE, on points of a noisy line.
    Linear,
    /// Logistic regression on two Gaussian blobs, cross-entropy.
    Logistic,
    /// Polynomial regression of sin(πx) with L1/L2 penalties and a validation split.
    Poly,
    /// One tanh hidden layer, sigmoid output, on two Gaussian blobs.
    Mlp,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum MomentumForm {
    /// b ← μb + g, θ ← θ − ηb (torch)
    Torch,
    /// v ← μv + ηg, θ ← θ − v (textbook)
    Classical,
}

/// Every hyperparameter defaults to torch's default for the chosen optimizer; options
/// the optimizer does not have are refused with the list of those it has. Counts are held
/// to the page's limits. Every option takes a value starting with `-` (`--lr -inf` is
/// refused by the optimizer's range, not misread as the flags `-i -n -f`).
#[derive(Args)]
#[command(
    allow_hyphen_values = true,
    after_help = "Run `optiviz list` for every surface and optimizer with its \
                        hyperparameters, defaults and allowed ranges."
)]
struct TraceArgs {
    /// Surface id (rosenbrock, bowl, …; see `optiviz list`), or a formula in x and y
    /// (`--surface 'x^2 + 10*y^2'`). Give exactly one of --surface and --model.
    #[arg(long)]
    surface: Option<String>,
    /// Train a model on seeded data instead of running on a surface.
    #[arg(long, value_enum)]
    model: Option<ModelKind>,
    /// Optimizer id (sgd, momentum, nesterov, adam, …; see `optiviz list`).
    #[arg(long)]
    optimizer: String,
    /// Start point, `--start=X,Y` (default: the surface's own start); with --model, one
    /// value per parameter in order (default: zeros, small seeded weights for mlp).
    #[arg(long, value_name = "X,Y")]
    start: Option<String>,
    /// Number of steps, 1 to 20000 (the page's limit).
    #[arg(long, default_value_t = 100,
        value_parser = whole::<usize>(1, MAX_STEPS, " (the page's limit)"))]
    steps: usize,
    /// Learning rate η.
    #[arg(long, value_parser = number)]
    lr: Option<f64>,
    /// Momentum μ (momentum, nesterov, rmsprop).
    #[arg(long, value_parser = number)]
    momentum: Option<f64>,
    /// Dampening τ (momentum).
    #[arg(long, value_parser = number)]
    dampening: Option<f64>,
    /// Nesterov momentum (with --optimizer momentum or sgd, the same as --optimizer nesterov).
    #[arg(long)]
    nesterov: bool,
    /// β₁ (Adam family, Lion).
    #[arg(long, value_parser = number)]
    beta1: Option<f64>,
    /// β₂ (Adam family, Lion).
    #[arg(long, value_parser = number)]
    beta2: Option<f64>,
    /// ε.
    #[arg(long, value_parser = number)]
    eps: Option<f64>,
    /// Weight decay λ (L2 added to the gradient; decoupled for adamw and lion).
    #[arg(long, value_parser = number)]
    weight_decay: Option<f64>,
    /// RMSprop's smoothing constant α.
    #[arg(long, value_parser = number)]
    alpha: Option<f64>,
    /// Adadelta's decay rate ρ.
    #[arg(long, value_parser = number)]
    rho: Option<f64>,
    /// Adagrad's learning-rate decay.
    #[arg(long, value_parser = number)]
    lr_decay: Option<f64>,
    /// Adagrad's initial accumulator value.
    #[arg(long, value_parser = number)]
    initial_accumulator_value: Option<f64>,
    /// NAdam's momentum decay ψ.
    #[arg(long, value_parser = number)]
    momentum_decay: Option<f64>,
    /// Newton's damping δ (H + δI).
    #[arg(long, value_parser = number)]
    damping: Option<f64>,
    /// Centered RMSprop.
    #[arg(long)]
    centered: bool,
    /// AMSGrad (with --optimizer adam, the same as --optimizer amsgrad).
    #[arg(long)]
    amsgrad: bool,
    /// Momentum convention (momentum, nesterov).
    #[arg(long, value_enum)]
    momentum_form: Option<MomentumForm>,
    /// Put ε inside the square root (rmsprop, adam, amsgrad, adamw).
    #[arg(long)]
    eps_inside_sqrt: bool,
    /// Switch off Adam's bias correction (adam, amsgrad, adamw).
    #[arg(long)]
    no_bias_correction: bool,
    /// Learning-rate schedule.
    #[arg(long, value_name = "SPEC", long_help = format!("Learning-rate schedule, one of: {SCHEDULE_FORMS}"))]
    schedule: Option<String>,
    /// Clip the gradient's 2-norm to at most this (torch clip_grad_norm_).
    #[arg(long, value_name = "X", value_parser = number)]
    clip_norm: Option<f64>,
    /// Clip each gradient coordinate to [−X, X] (torch clip_grad_value_).
    #[arg(long, value_name = "X", value_parser = number)]
    clip_value: Option<f64>,
    /// Add Gaussian noise of this standard deviation to every gradient.
    #[arg(long, value_name = "SIGMA", value_parser = number)]
    noise: Option<f64>,
    /// Seed of the gradient noise; with --model also of the data, the validation split,
    /// the shuffling, the initial weights and the dropout masks.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Model: number of data points, 1 to 500 as in the lab (default 50 linear, 100
    /// logistic and mlp, 20 poly).
    #[arg(long, value_parser = whole::<usize>(1, MAX_POINTS, " (the lab's limit)"))]
    n: Option<usize>,
    /// Linear: the true slope of the data (default 2).
    #[arg(long, value_parser = number)]
    slope: Option<f64>,
    /// Linear: the true intercept of the data (default 1).
    #[arg(long, value_parser = number)]
    intercept: Option<f64>,
    /// Model: standard deviation of the data's noise (default 1 linear, 0.2 poly, 0.5
    /// logistic and mlp).
    #[arg(long, value_parser = number)]
    data_noise: Option<f64>,
    /// Logistic, mlp: distance between the class centres of blobs and xor (default 3).
    #[arg(long, value_parser = number)]
    separation: Option<f64>,
    /// Logistic, mlp: how the two classes lie (default blobs for logistic, moons for mlp).
    #[arg(long, value_enum)]
    data: Option<DataShape>,
    /// Logistic: the loss, cross-entropy (ce, the default) or the squared error of p (mse).
    #[arg(long, value_enum)]
    loss: Option<LossArg>,
    /// Poly: the polynomial's degree, 1 to 12 (default 12).
    #[arg(long, value_parser = whole::<usize>(1, MAX_DEGREE, ""))]
    degree: Option<usize>,
    /// Poly: L1 penalty λ₁ (default 0).
    #[arg(long, value_parser = number)]
    l1: Option<f64>,
    /// Poly, mlp: L2 penalty λ₂ on the weights, not the biases (default 0).
    #[arg(long, value_parser = number)]
    l2: Option<f64>,
    /// Mlp: hidden units, 1 to 64 as in the lab (default 8).
    #[arg(long, value_parser = whole::<usize>(1, MAX_HIDDEN, " (the lab's limit)"))]
    hidden: Option<usize>,
    /// Mlp: dropout rate on the hidden layer, 0 ≤ p < 1 (default 0).
    #[arg(long, value_parser = number)]
    dropout: Option<f64>,
    /// Poly, mlp: fraction of the points held out for validation (default 0.5 poly, 0.3 mlp).
    #[arg(long, value_parser = number)]
    val_fraction: Option<f64>,
    /// Model: samples per step, 1 to the training points (default: all, batch gradient
    /// descent; 1 is stochastic).
    #[arg(long, value_parser = whole::<usize>(1, MAX_POINTS, " and at most the training points"))]
    batch_size: Option<usize>,
    /// Linear: standardise x before fitting.
    #[arg(long)]
    scale_features: bool,
    /// Bowl only: condition number k.
    #[arg(long, value_parser = number)]
    condition: Option<f64>,
    /// Bowl only: rotation of the axes, in radians.
    #[arg(long, value_parser = number)]
    angle: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
}

/// `--loss`: the logistic regression's loss ([`ClassLoss`]).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum LossArg {
    /// The binary cross-entropy.
    Ce,
    /// The squared error of the predicted probability.
    Mse,
}

/// `--data`: the shapes of two-class data ([`ClassShape`]).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum DataShape {
    /// Two Gaussian blobs.
    Blobs,
    /// A disc inside a ring.
    Circles,
    /// Two interleaved half-moons.
    Moons,
    /// Four blobs, opposite corners alike.
    Xor,
}

impl From<DataShape> for ClassShape {
    fn from(d: DataShape) -> ClassShape {
        match d {
            DataShape::Blobs => ClassShape::Blobs,
            DataShape::Circles => ClassShape::Circles,
            DataShape::Moons => ClassShape::Moons,
            DataShape::Xor => ClassShape::Xor,
        }
    }
}

/// The largest `bench --size`: the page's largest basin map (512 × 512).
const MAX_BENCH_SIZE: usize = 512;

/// A value parser for a whole number from `lo` to `hi`; the refusal states the range and
/// `why` (such as " (the page's limit)").
fn whole<T>(
    lo: T,
    hi: T,
    why: &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy + Send + Sync + 'static,
{
    move |text| {
        text.parse::<T>()
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .ok_or_else(|| format!("allowed values are {lo} to {hi}{why}"))
    }
}

/// A value parser for any number (inf and NaN included: what is allowed depends on the
/// option and the optimizer, which check the value and name their range).
/// An error of the library in English, as the command line writes every message.
fn english(e: crate::error::Error) -> String {
    e.message(crate::i18n::Lang::En)
}

fn number(text: &str) -> Result<f64, String> {
    text.trim().parse().map_err(|_| {
        "expected a number such as 0.01 (`optiviz list` gives each hyperparameter's range)".into()
    })
}

/// A command-line error as one line naming the option (`invalid --steps 0: allowed values
/// are 1 to 20000 …`); help and version print as clap prints them.
fn one_line(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        _ => {}
    }
    let context = |kind| e.get(kind).map(ToString::to_string);
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let option = arg.as_deref().map(|a| a.split(' ').next().unwrap_or(a));
    if let (Some(option), Some(value)) = (option, &value) {
        if value.is_empty() {
            return Some(format!("{option} needs a value (see --help)"));
        }
        let why = match (e.kind(), std::error::Error::source(e)) {
            (ErrorKind::ValueValidation, Some(source)) => source.to_string(),
            _ => format!(
                "allowed values are {}",
                context(ContextKind::ValidValue).unwrap_or_default()
            ),
        };
        return Some(format!("invalid {option} {value}: {why}"));
    }
    let text = e.to_string();
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let line = lines.join(" ");
    Some(format!(
        "{} (see --help)",
        line.trim_start_matches("error: ")
    ))
}

/// Runs the command line on this process's arguments; the exit code says whether it succeeded.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match one_line(&e) {
            Some(line) => return fail(&format!("optiviz: {line}")),
            None => e.exit(),
        },
    };
    match cli.command {
        Command::Serve { dir, port } => match crate::cli::serve::Server::bind(&dir, port) {
            Ok(server) => {
                println!(
                    "optiviz: serving {} at http://{}/",
                    dir.display(),
                    server.addr()
                );
                match server.run() {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(&format!("optiviz serve: {e}")),
                }
            }
            Err(e) => fail(&format!("optiviz serve: {e}")),
        },
        Command::Dist { from, out } => match dist::build(&from, &out) {
            Ok(site) => {
                println!(
                    "optiviz dist: {} files in {} ({} KiB, {} KiB as .gz); offline after one visit: {}",
                    site.files.len(),
                    out.display(),
                    site.bytes / 1024,
                    site.gz_bytes / 1024,
                    if site.files.contains_key(dist::SERVICE_WORKER) {
                        "yes"
                    } else {
                        "no (no sw.js)"
                    }
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz dist: {e}")),
        },
        Command::Trace(args) => match trace_or_train(&args) {
            Ok((out, divergence)) => {
                print!("{out}");
                if let Some(msg) = divergence {
                    eprintln!("optiviz trace: {msg}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz trace: {e}")),
        },
        Command::Runs {
            source,
            run,
            format,
        } => match runs(&source, run, format) {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz runs: {e}")),
        },
        Command::Render {
            source,
            out,
            size,
            frames,
            steps,
        } => match read_scenario(&source)
            .and_then(|s| render::Job::new(s, out, size, steps.as_deref(), frames))
            .and_then(|job| job.run())
        {
            Ok(line) => {
                println!("optiviz render: {line}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz render: {e}")),
        },
        Command::List => {
            print!("{}", list());
            ExitCode::SUCCESS
        }
        Command::Bench { size, naive_rows } => match bench(size, naive_rows) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz bench: {e}")),
        },
        Command::WasmSplit {
            site,
            wasm,
            glue,
            out,
            suffix,
            pages,
        } => match wasm_split::split_pages(&site, &wasm, &glue, &out, &suffix, &pages) {
            Ok(lines) => {
                for line in lines {
                    eprintln!("optiviz wasm-split: {line}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("optiviz wasm-split: {e}")),
        },
    }
}

/// Where `optiviz runs` and `optiviz render` read a surface-page scenario from: its link or
/// the scenario file the page exports, exactly one of them.
#[derive(Args)]
struct ScenarioSource {
    /// The page's link or its query, e.g. '?surface=booth&steps=50&run=adam;lr=0.1'.
    #[arg(
        long,
        required_unless_present = "scenario",
        conflicts_with = "scenario"
    )]
    link: Option<String>,
    /// A scenario file the page exported (Export, Scenario (JSON)).
    #[arg(long)]
    scenario: Option<PathBuf>,
}

/// The scenario of `--link` (a whole link or its query) or of the file `--scenario` (read up
/// to [`crate::state::file::MAX_FILE_BYTES`]); a refusal names the option and the part
/// refused.
fn read_scenario(source: &ScenarioSource) -> Result<crate::state::scenario::Scenario, String> {
    use crate::state::file::{MAX_FILE_BYTES, from_json};
    use crate::state::scenario::Scenario;
    use std::io::Read;
    Ok(match (source.link.as_deref(), source.scenario.as_deref()) {
        (Some(link), _) => {
            let link = link.split('#').next().unwrap_or_default();
            let query = link.split_once('?').map_or(link, |(_, q)| q);
            Scenario::from_query(query).map_err(|e| format!("--link: {}", english(e)))?
        }
        (None, Some(path)) => {
            let mut text = String::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_string(&mut text))
                .map_err(|e| format!("--scenario {}: {e}", path.display()))?;
            from_json(&text)
                .map_err(|e| format!("--scenario {}: {}", path.display(), english(e)))?
        }
        (None, None) => return Err("give --link or --scenario".into()),
    })
}

/// The runs of the scenario of `source`, as `optiviz runs` prints them.
fn runs(source: &ScenarioSource, run: Option<usize>, format: Format) -> Result<String, String> {
    use crate::core::trace::runs_csv;
    let scenario = read_scenario(source)?;
    let mut traces = scenario.traces().map_err(english)?;
    match run {
        Some(k) if (1..=traces.len()).contains(&k) => {
            let trace = traces.swap_remove(k - 1);
            Ok(match format {
                Format::Csv => trace.to_csv(),
                Format::Json => trace.to_json() + "\n",
            })
        }
        Some(k) => Err(format!(
            "--run {k}: allowed values are 1 to {} (the scenario's runs)",
            traces.len()
        )),
        None => Ok(match format {
            Format::Csv => runs_csv(&traces),
            Format::Json => {
                serde_json::to_string_pretty(&traces).expect("traces hold only finite numbers")
                    + "\n"
            }
        }),
    }
}

/// Times `f` once (after one untimed warm-up run when `warm`), in milliseconds.
fn time<T>(warm: bool, mut f: impl FnMut() -> T) -> (f64, T) {
    if warm {
        std::hint::black_box(f());
    }
    let t0 = std::time::Instant::now();
    let out = std::hint::black_box(f());
    (t0.elapsed().as_secs_f64() * 1e3, out)
}

/// The workloads of `crate::core::bench`, timed; see BENCHMARKS.md.
fn bench(size: usize, naive_rows: usize) -> Result<String, String> {
    use crate::core::bench::{adam_kernel, basin_workload, sweep_workload};
    let e = |e: Error| e.to_string();
    if naive_rows > size {
        return Err(format!(
            "invalid --naive-rows {naive_rows}: allowed values are 1 to --size ({size})"
        ));
    }
    let (surface, spec, grid) = basin_workload(size);
    let (basin_ms, cells) = time(false, || grid.rows(&surface, &spec, 0..size));
    cells.map_err(e)?;
    let band = size / 2 - naive_rows / 2..size / 2 + naive_rows.div_ceil(2);
    let (band_batched_ms, batched) = time(false, || grid.rows(&surface, &spec, band.clone()));
    let (band_naive_ms, naive) = time(false, || grid.rows_single(&surface, &spec, band.clone()));
    if batched.map_err(e)? != naive.map_err(e)? {
        return Err("the batched and naive basin maps differ".into());
    }
    let (sweep_ms, swept) = time(true, || sweep_workload(true));
    let (sweep_naive_ms, swept_naive) = time(false, || sweep_workload(false));
    if swept.map_err(e)? != swept_naive.map_err(e)? {
        return Err("the batched and naive sweeps differ".into());
    }
    let (runs, steps) = (64, 20_000);
    let (kernel_ms, k1) = time(true, || adam_kernel(runs, steps, true));
    let (kernel_naive_ms, k2) = time(true, || adam_kernel(runs, steps, false));
    if k1.map_err(e)?.to_bits() != k2.map_err(e)?.to_bits() {
        return Err("the batched and naive kernels differ".into());
    }
    let ns = |ms: f64| ms * 1e6 / (runs * steps) as f64;
    Ok(serde_json::json!({
        "basin": {"size": size, "steps": grid.steps, "ms": basin_ms,
            "band_rows": naive_rows, "band_batched_ms": band_batched_ms,
            "band_naive_ms": band_naive_ms},
        "sweep": {"optimizers": 8, "rates": 50, "steps": 2000, "ms": sweep_ms,
            "naive_ms": sweep_naive_ms},
        "adam_kernel": {"runs": runs, "steps": steps, "ns_per_step": ns(kernel_ms),
            "naive_ns_per_step": ns(kernel_naive_ms)},
    })
    .to_string())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

fn parse_start(text: &str) -> Result<[f64; 2], String> {
    let bad = || {
        format!("invalid --start '{text}': expected two finite numbers X,Y such as --start=-1.2,1")
    };
    let (x, y) = text.split_once(',').ok_or_else(bad)?;
    let x: f64 = x.trim().parse().map_err(|_| bad())?;
    let y: f64 = y.trim().parse().map_err(|_| bad())?;
    crate::state::scenario::check_start([x, y]).map_err(|e| format!("invalid --{e}"))
}

/// The printed trace and the divergence message, for a surface or a model.
fn trace_or_train(args: &TraceArgs) -> Result<(String, Option<String>), String> {
    let given = model_options(args);
    match (&args.surface, args.model) {
        (Some(_), Some(_)) => Err("--surface and --model cannot be used together: give \
             exactly one (--surface for a 2D test function, --model for the regression lab)"
            .into()),
        (None, None) => Err("give exactly one of --surface (a 2D test function) or \
             --model (linear, logistic, poly, mlp)"
            .into()),
        (Some(_), None) => {
            if !given.is_empty() {
                let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
                let verb = if names.len() == 1 { "applies" } else { "apply" };
                return Err(format!(
                    "{} {verb} to --model only, not --surface",
                    names.join(", ")
                ));
            }
            let trace = trace(args)?;
            let out = match args.format {
                Format::Csv => trace.to_csv(),
                Format::Json => format!("{}\n", trace.to_json()),
            };
            Ok((out, trace.divergence_message()))
        }
        (None, Some(kind)) => {
            let trace = train_model(args, kind, &given)?;
            let out = match args.format {
                Format::Csv => trace.to_csv(),
                Format::Json => format!("{}\n", trace.to_json()),
            };
            Ok((out, trace.divergence_message()))
        }
    }
}

/// The model options given, each with the models it applies to.
fn model_options(args: &TraceArgs) -> Vec<(&'static str, &'static [&'static str])> {
    const ALL: &[&str] = &["linear", "logistic", "poly", "mlp"];
    let options: [(&str, bool, &[&str]); 15] = [
        ("--n", args.n.is_some(), ALL),
        ("--data-noise", args.data_noise.is_some(), ALL),
        ("--batch-size", args.batch_size.is_some(), ALL),
        ("--slope", args.slope.is_some(), &["linear"]),
        ("--intercept", args.intercept.is_some(), &["linear"]),
        ("--scale-features", args.scale_features, &["linear"]),
        (
            "--separation",
            args.separation.is_some(),
            &["logistic", "mlp"],
        ),
        ("--data", args.data.is_some(), &["logistic", "mlp"]),
        ("--loss", args.loss.is_some(), &["logistic"]),
        ("--degree", args.degree.is_some(), &["poly"]),
        ("--l1", args.l1.is_some(), &["poly"]),
        ("--l2", args.l2.is_some(), &["poly", "mlp"]),
        (
            "--val-fraction",
            args.val_fraction.is_some(),
            &["poly", "mlp"],
        ),
        ("--hidden", args.hidden.is_some(), &["mlp"]),
        ("--dropout", args.dropout.is_some(), &["mlp"]),
    ];
    options
        .into_iter()
        .filter(|(_, given, _)| *given)
        .map(|(name, _, models)| (name, models))
        .collect()
}

/// `*slot = value` when the option was given.
fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

fn parse_init(text: &str) -> Result<Vec<f64>, String> {
    let bad = || {
        format!(
            "invalid --start '{text}': expected one finite number per parameter, such as \
             --start=0,0 for linear's w,b"
        )
    };
    text.split(',')
        .map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<Vec<f64>>>()
        .ok_or_else(bad)
}

fn train_model(
    args: &TraceArgs,
    kind: ModelKind,
    given: &[(&'static str, &'static [&'static str])],
) -> Result<ModelTrace, String> {
    let id = match kind {
        ModelKind::Linear => "linear",
        ModelKind::Logistic => "logistic",
        ModelKind::Poly => "poly",
        ModelKind::Mlp => "mlp",
    };
    for (name, models) in given {
        if !models.contains(&id) {
            return Err(format!(
                "{name} applies to --model {}, not {id}",
                models.join(", ")
            ));
        }
    }
    if args.condition.is_some() || args.angle.is_some() {
        return Err("--condition and --angle apply to --surface bowl only, not --model".into());
    }
    // The lab's defaults, each overridden by its option when given.
    let mut model = LabScenario::default_model(id).map_err(english)?;
    match &mut model {
        ModelSpec::Linear {
            n,
            slope,
            intercept,
            noise,
            scale_features,
        } => {
            set(n, args.n);
            set(slope, args.slope);
            set(intercept, args.intercept);
            set(noise, args.data_noise);
            *scale_features = args.scale_features;
        }
        ModelSpec::Logistic {
            n,
            separation,
            noise,
            shape,
            loss,
        } => {
            set(n, args.n);
            set(separation, args.separation);
            set(noise, args.data_noise);
            set(shape, args.data.map(ClassShape::from));
            set(
                loss,
                args.loss.map(|l| match l {
                    LossArg::Ce => ClassLoss::CrossEntropy,
                    LossArg::Mse => ClassLoss::Mse,
                }),
            );
        }
        ModelSpec::Poly {
            n,
            noise,
            degree,
            l1,
            l2,
            val_fraction,
        } => {
            set(n, args.n);
            set(noise, args.data_noise);
            set(degree, args.degree);
            set(l1, args.l1);
            set(l2, args.l2);
            set(val_fraction, args.val_fraction);
        }
        ModelSpec::Mlp {
            n,
            separation,
            noise,
            shape,
            hidden,
            dropout,
            l2,
            val_fraction,
        } => {
            set(n, args.n);
            set(separation, args.separation);
            set(noise, args.data_noise);
            set(shape, args.data.map(ClassShape::from));
            set(hidden, args.hidden);
            set(dropout, args.dropout);
            set(l2, args.l2);
            set(val_fraction, args.val_fraction);
        }
    }
    let init = args.start.as_deref().map(parse_init).transpose()?;
    let spec = run_spec(args)?;
    ModelTrace::run(model, spec, init, args.steps, args.batch_size, args.seed)
}

fn surface(args: &TraceArgs) -> Result<Surface, String> {
    let id = args.surface.as_deref().unwrap_or_default();
    let mut surface = Surface::from_id_or_formula(id).map_err(|e| format!("--surface: {e}"))?;
    match surface {
        Surface::Bowl { condition, angle } => {
            surface = Surface::bowl_of(
                args.condition.unwrap_or(condition),
                args.angle.unwrap_or(angle),
            )
            .map_err(|e| format!("invalid --condition or --angle: {e}"))?;
        }
        _ if args.condition.is_some() || args.angle.is_some() => {
            return Err(format!(
                "--condition and --angle apply to --surface bowl only, not {id}"
            ));
        }
        _ => {}
    }
    Ok(surface)
}

fn config(args: &TraceArgs) -> Result<RunConfig, String> {
    let mut kind = OptimizerKind::from_id(&args.optimizer).map_err(english)?;
    if args.nesterov {
        kind = match kind {
            OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov => {
                OptimizerKind::Nesterov
            }
            _ => {
                return Err(format!(
                    "--nesterov applies to sgd, momentum and nesterov, not {}",
                    kind.id()
                ));
            }
        };
    }
    if args.amsgrad {
        kind = match kind {
            OptimizerKind::Adam | OptimizerKind::Amsgrad => OptimizerKind::Amsgrad,
            _ => {
                return Err(format!(
                    "--amsgrad applies to adam and amsgrad, not {}",
                    kind.id()
                ));
            }
        };
    }
    // `--optimizer sgd --momentum 0.9` is torch's SGD(momentum=0.9): heavy ball.
    if kind == OptimizerKind::Sgd && (args.momentum.is_some() || args.dampening.is_some()) {
        kind = OptimizerKind::Momentum;
    }
    let mut config = RunConfig::new(kind);
    let values = [
        ("lr", args.lr),
        ("momentum", args.momentum),
        ("dampening", args.dampening),
        ("beta1", args.beta1),
        ("beta2", args.beta2),
        ("eps", args.eps),
        ("weight_decay", args.weight_decay),
        ("alpha", args.alpha),
        ("rho", args.rho),
        ("lr_decay", args.lr_decay),
        ("initial_accumulator_value", args.initial_accumulator_value),
        ("momentum_decay", args.momentum_decay),
        ("damping", args.damping),
    ];
    for (name, value) in values {
        if let Some(v) = value {
            config
                .set(name, v)
                .map_err(|e| cli_error(&e, kind, name, Some(v)))?;
        }
    }
    let flags = [
        ("centered", args.centered.then_some(true)),
        ("eps_inside_sqrt", args.eps_inside_sqrt.then_some(true)),
        ("bias_correction", args.no_bias_correction.then_some(false)),
        (
            "classical",
            args.momentum_form.map(|f| f == MomentumForm::Classical),
        ),
    ];
    for (name, on) in flags {
        if let Some(on) = on {
            config
                .set_flag(name, on)
                .map_err(|e| cli_error(&e, kind, name, None))?;
        }
    }
    Ok(config)
}

/// The command-line spelling of a hyperparameter or flag.
fn option(name: &str) -> String {
    match name {
        "classical" => "--momentum-form".into(),
        "bias_correction" => "--no-bias-correction".into(),
        _ => format!("--{}", name.replace('_', "-")),
    }
}

/// A configuration error in the words of the command line: options, not field names. `kind`,
/// `name` and `value` are what was being set when `e` arose (`value` `None` for a flag); an
/// error about something else keeps its own words.
fn cli_error(e: &Error, kind: OptimizerKind, name: &str, value: Option<f64>) -> String {
    match e.key() {
        "error.optim.unknown_param" | "error.optim.no_options" => {
            let allowed: Vec<String> = kind
                .params()
                .iter()
                .map(|p| p.name)
                .chain(kind.flags().iter().map(|f| f.name))
                .map(option)
                .collect();
            format!(
                "{} does not apply to {}: its options are {}",
                option(name),
                kind.id(),
                allowed.join(", ")
            )
        }
        "error.optim.out_of_range" => {
            match (value, kind.params().iter().find(|p| p.name == name)) {
                (Some(value), Some(param)) => format!(
                    "invalid {} {value}: allowed values are {}",
                    option(name),
                    param.allowed()
                ),
                _ => e.to_string(),
            }
        }
        _ => e.to_string(),
    }
}

fn trace(args: &TraceArgs) -> Result<Trace, String> {
    let surface = surface(args)?;
    let spec = run_spec(args)?;
    let start = match &args.start {
        Some(text) => parse_start(text)?,
        None => surface.default_start(),
    };
    Trace::run(surface, spec, start, args.steps).map_err(english)
}

/// The optimizer and everything around it, as every trace takes them.
fn run_spec(args: &TraceArgs) -> Result<RunSpec, String> {
    let optimizer = config(args)?;
    let schedule = match &args.schedule {
        Some(spec) => spec.parse::<Schedule>().map_err(english)?,
        None => Schedule::Constant,
    };
    let noise = args.noise.map(|sigma| Noise {
        sigma,
        seed: args.seed,
    });
    let spec = RunSpec {
        optimizer,
        schedule,
        clip_norm: args.clip_norm,
        clip_value: args.clip_value,
        noise,
    };
    spec.validate().map_err(english)?;
    Ok(spec)
}

fn list() -> String {
    use std::fmt::Write as _;
    let mut out = String::from("Surfaces (--surface):\n");
    for s in Surface::all() {
        let info = s.info();
        let minima: Vec<String> = s
            .minima()
            .iter()
            .map(|m| format!("f({}, {}) = {}", m[0], m[1], m[2]))
            .collect();
        let minima = if minima.is_empty() {
            "none (unbounded below)".to_owned()
        } else {
            minima.join("; ")
        };
        let _ = writeln!(
            out,
            "  {:<16} {}\n  {:<16} minima: {minima}",
            info.id, info.formula, ""
        );
    }
    let _ = writeln!(
        out,
        "  {:<16} f(x, y) typed: --surface 'x^2 + 10*y^2' (numbers, x, y, + - * / ^, \
         parentheses, sin cos tan exp ln log sqrt abs tanh sinh cosh min max, pi, e)\n  {:<16} \
         minima: found numerically (approximate)",
        "FORMULA", ""
    );
    out.push_str("\nOptimizers (--optimizer), hyperparameters with torch's defaults:\n");
    for k in OptimizerKind::ALL {
        let _ = writeln!(out, "  {:<10} {}", k.id(), k.reference());
        for p in k.params() {
            let _ = writeln!(
                out,
                "  {:<10}   {:<28} default {:<8} allowed {}",
                "",
                option(p.name),
                p.default,
                p.allowed()
            );
        }
        for f in k.flags() {
            let _ = writeln!(out, "  {:<10}   {:<28} {}", "", option(f.name), f.doc);
        }
    }
    out.push_str("\nModels (--model, instead of --surface):\n");
    for model in ModelKind::value_variants() {
        if let Some(v) = model.to_possible_value() {
            let help = v.get_help().map(ToString::to_string).unwrap_or_default();
            let _ = writeln!(out, "  {:<10} {help}", v.get_name());
        }
    }
    let _ = writeln!(out, "\nSchedules (--schedule): {SCHEDULE_FORMS}");
    out
}
