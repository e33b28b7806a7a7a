//! The `optiviz` command line: `serve` runs the page's development server, `trace` prints an
//! optimizer's trajectory on a surface, `list` tells what exists.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Args, Parser, Subcommand, ValueEnum};
    use optiviz::optim::{ConfigError, OptimizerKind, RunConfig};
    use optiviz::run::{Noise, RunSpec};
    use optiviz::schedule::{SCHEDULE_FORMS, Schedule};
    use optiviz::surface::Surface;
    use optiviz::trace::Trace;
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
        /// Print an optimizer's trajectory on a surface (CSV: step,x,y,loss; or JSON).
        Trace(Box<TraceArgs>),
        /// List the surfaces and the optimizers with their hyperparameters and defaults.
        List,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Format {
        Csv,
        Json,
    }

    #[derive(Clone, Copy, PartialEq, ValueEnum)]
    enum MomentumForm {
        /// b ← μb + g, θ ← θ − ηb (torch)
        Torch,
        /// v ← μv + ηg, θ ← θ − v (textbook)
        Classical,
    }

    /// Every hyperparameter defaults to torch's default for the chosen optimizer; options
    /// the optimizer does not have are refused with the list of those it has.
    #[derive(Args)]
    #[command(
        allow_negative_numbers = true,
        after_help = "Run `optiviz list` for every surface and optimizer with its \
                            hyperparameters, defaults and allowed ranges."
    )]
    struct TraceArgs {
        /// Surface id (rosenbrock, bowl, …; see `optiviz list`).
        #[arg(long)]
        surface: String,
        /// Optimizer id (sgd, momentum, nesterov, adam, …; see `optiviz list`).
        #[arg(long)]
        optimizer: String,
        /// Start point, `--start=X,Y` (default: the surface's own start).
        #[arg(long, allow_hyphen_values = true, value_name = "X,Y")]
        start: Option<String>,
        /// Number of steps.
        #[arg(long, default_value_t = 100)]
        steps: usize,
        /// Learning rate η.
        #[arg(long)]
        lr: Option<f64>,
        /// Momentum μ (momentum, nesterov, rmsprop).
        #[arg(long)]
        momentum: Option<f64>,
        /// Dampening τ (momentum).
        #[arg(long)]
        dampening: Option<f64>,
        /// Nesterov momentum (with --optimizer momentum or sgd, the same as --optimizer nesterov).
        #[arg(long)]
        nesterov: bool,
        /// β₁ (Adam family, Lion).
        #[arg(long)]
        beta1: Option<f64>,
        /// β₂ (Adam family, Lion).
        #[arg(long)]
        beta2: Option<f64>,
        /// ε.
        #[arg(long)]
        eps: Option<f64>,
        /// Weight decay λ (L2 added to the gradient; decoupled for adamw and lion).
        #[arg(long)]
        weight_decay: Option<f64>,
        /// RMSprop's smoothing constant α.
        #[arg(long)]
        alpha: Option<f64>,
        /// Adadelta's decay rate ρ.
        #[arg(long)]
        rho: Option<f64>,
        /// Adagrad's learning-rate decay.
        #[arg(long)]
        lr_decay: Option<f64>,
        /// Adagrad's initial accumulator value.
        #[arg(long)]
        initial_accumulator_value: Option<f64>,
        /// NAdam's momentum decay ψ.
        #[arg(long)]
        momentum_decay: Option<f64>,
        /// Newton's damping δ (H + δI).
        #[arg(long)]
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
        #[arg(long, value_name = "X")]
        clip_norm: Option<f64>,
        /// Clip each gradient coordinate to [−X, X] (torch clip_grad_value_).
        #[arg(long, value_name = "X")]
        clip_value: Option<f64>,
        /// Add Gaussian noise of this standard deviation to every gradient.
        #[arg(long, value_name = "SIGMA")]
        noise: Option<f64>,
        /// Seed of the gradient noise.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Bowl only: condition number k.
        #[arg(long)]
        condition: Option<f64>,
        /// Bowl only: rotation of the axes, in radians.
        #[arg(long, allow_hyphen_values = true)]
        angle: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
    }

    pub fn main() -> ExitCode {
        match Cli::parse().command {
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
                Err(e) => fail(&format!("optiviz serve: {e}")),
            },
            Command::Trace(args) => match trace(&args) {
                Ok(trace) => {
                    match args.format {
                        Format::Csv => print!("{}", trace.to_csv()),
                        Format::Json => println!("{}", trace.to_json()),
                    }
                    if let Some(msg) = trace.divergence_message() {
                        eprintln!("optiviz trace: {msg}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("optiviz trace: {e}")),
            },
            Command::List => {
                print!("{}", list());
                ExitCode::SUCCESS
            }
        }
    }

    fn fail(message: &str) -> ExitCode {
        eprintln!("{message}");
        ExitCode::from(2)
    }

    fn parse_start(text: &str) -> Result<[f64; 2], String> {
        let bad = || {
            format!(
                "invalid --start '{text}': expected two finite numbers X,Y such as --start=-1.2,1"
            )
        };
        let (x, y) = text.split_once(',').ok_or_else(bad)?;
        let x: f64 = x.trim().parse().map_err(|_| bad())?;
        let y: f64 = y.trim().parse().map_err(|_| bad())?;
        if x.is_finite() && y.is_finite() {
            Ok([x, y])
        } else {
            Err(bad())
        }
    }

    fn surface(args: &TraceArgs) -> Result<Surface, String> {
        let mut surface = Surface::from_id(&args.surface)?;
        match &mut surface {
            Surface::Bowl { condition, angle } => {
                if let Some(k) = args.condition {
                    if !(k.is_finite() && k > 0.0) {
                        return Err(format!(
                            "invalid --condition {k}: allowed values are 0 < condition"
                        ));
                    }
                    *condition = k;
                }
                if let Some(a) = args.angle {
                    if !a.is_finite() {
                        return Err(format!(
                            "invalid --angle {a}: allowed values are finite radians"
                        ));
                    }
                    *angle = a;
                }
            }
            _ if args.condition.is_some() || args.angle.is_some() => {
                return Err(format!(
                    "--condition and --angle apply to --surface bowl only, not {}",
                    args.surface
                ));
            }
            _ => {}
        }
        Ok(surface)
    }

    fn config(args: &TraceArgs) -> Result<RunConfig, String> {
        let mut kind = OptimizerKind::from_id(&args.optimizer).map_err(|e| cli_error(&e))?;
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
                config.set(name, v).map_err(|e| cli_error(&e))?;
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
                config.set_flag(name, on).map_err(|e| cli_error(&e))?;
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

    /// A configuration error in the words of the command line: options, not field names.
    fn cli_error(e: &ConfigError) -> String {
        match e {
            ConfigError::UnknownParam {
                optimizer,
                name,
                allowed,
            } => {
                let allowed: Vec<String> = allowed.iter().map(|n| option(n)).collect();
                format!(
                    "{} does not apply to {optimizer}: its options are {}",
                    option(name),
                    allowed.join(", ")
                )
            }
            ConfigError::OutOfRange {
                name,
                value,
                allowed,
            } => format!(
                "invalid {} {value}: allowed values are {allowed}",
                option(name)
            ),
            other => other.to_string(),
        }
    }

    fn trace(args: &TraceArgs) -> Result<Trace, String> {
        let surface = surface(args)?;
        let optimizer = config(args)?;
        let start = match &args.start {
            Some(text) => parse_start(text)?,
            None => surface.default_start(),
        };
        let schedule = match &args.schedule {
            Some(spec) => spec.parse::<Schedule>()?,
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
        Trace::run(surface, spec, start, args.steps).map_err(|e| cli_error(&e))
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
        let _ = writeln!(out, "\nSchedules (--schedule): {SCHEDULE_FORMS}");
        out
    }
}
