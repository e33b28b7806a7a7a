//! The `optiviz` command line as a user runs it: `trace`, `list` and their errors.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::cli::{optiviz, stderr, stdout};
use optiviz::core::trace::Trace;
use std::process::Command;

#[test]
fn trace_prints_steps_plus_one_csv_rows() {
    let o = optiviz(&[
        "trace",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--start=-1.2,1",
        "--steps",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "step,x,y,loss");
    assert_eq!(lines.len(), 5);
    // Step 1 by hand: (−1.2, 1) − 0.001·(−215.6, −88); step 0's loss is 24.2 up to rounding.
    assert_eq!(lines[1], "0,-1.2,1.0,24.199999999999996");
    assert_eq!(
        lines[2].split(',').take(3).collect::<Vec<_>>(),
        ["1", "-0.9843999999999999", "1.088"]
    );
    assert!(stderr(&o).is_empty());
}

#[test]
fn every_optimizer_traces_on_every_surface() {
    let list = stdout(&optiviz(&["list"]));
    for model in ["linear", "logistic", "poly", "mlp"] {
        assert!(
            list.contains(&format!("  {model:<10} ")),
            "list names --model {model}"
        );
    }
    for kind in optiviz::core::optim::OptimizerKind::ALL {
        assert!(list.contains(kind.reference()), "list names {}", kind.id());
        for surface in optiviz::core::surface::Surface::all() {
            let id = surface.info().id;
            assert!(list.contains(id));
            let o = optiviz(&[
                "trace",
                "--surface",
                id,
                "--optimizer",
                kind.id(),
                "--steps",
                "20",
                "--format",
                "json",
            ]);
            assert!(o.status.success(), "{} on {id}: {}", kind.id(), stderr(&o));
            let trace = Trace::from_json(&stdout(&o)).unwrap();
            assert_eq!(trace.run.optimizer.kind, kind);
            assert!(trace.rows.len() == 21 || trace.diverged_at.is_some());
        }
    }
}

#[test]
fn options_map_onto_torch_names() {
    // --optimizer sgd --momentum 0.9 --nesterov is torch's SGD(momentum=0.9, nesterov=True).
    let o = optiviz(&[
        "trace",
        "--surface",
        "bowl",
        "--optimizer",
        "sgd",
        "--momentum",
        "0.9",
        "--nesterov",
        "--steps",
        "2",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = Trace::from_json(&stdout(&o)).unwrap();
    assert_eq!(t.run.optimizer.kind.id(), "nesterov");
    let o = optiviz(&[
        "trace",
        "--surface",
        "bowl",
        "--condition",
        "4",
        "--angle",
        "-0.5",
        "--optimizer",
        "adam",
        "--amsgrad",
        "--no-bias-correction",
        "--eps-inside-sqrt",
        "--schedule",
        "cosine:t_max=10",
        "--clip-norm",
        "1",
        "--noise",
        "0.1",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = Trace::from_json(&stdout(&o)).unwrap();
    assert_eq!(t.run.optimizer.kind.id(), "amsgrad");
    assert_eq!(t.run.optimizer.get_flag("bias_correction"), Ok(false));
    assert_eq!(t.run.optimizer.get_flag("eps_inside_sqrt"), Ok(true));
    assert_eq!(t.run.noise.map(|n| n.seed), Some(3));
    assert_eq!(
        t.surface,
        optiviz::core::surface::Surface::Bowl {
            condition: 4.0,
            angle: -0.5
        }
    );
    assert_eq!(t.rows.len(), 101, "100 steps by default");
}

#[test]
fn bad_input_names_the_problem_and_the_allowed_values() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["--surface", "rosenbrok", "--optimizer", "adam"],
            "unknown surface 'rosenbrok': allowed values are rosenbrock, bowl",
        ),
        (
            &["--surface", "bowl", "--optimizer", "adamm"],
            "unknown optimizer 'adamm': allowed values are sgd, momentum",
        ),
        (
            &["--surface", "bowl", "--optimizer", "adam", "--beta1", "1"],
            "invalid --beta1 1: allowed values are 0 ≤ beta1 < 1",
        ),
        (
            &[
                "--surface",
                "bowl",
                "--optimizer",
                "adam",
                "--momentum",
                "0.9",
            ],
            "--momentum does not apply to adam: its options are --lr, --beta1",
        ),
        (
            &["--surface", "bowl", "--optimizer", "sgd", "--lr", "-1"],
            "invalid --lr -1: allowed values are 0 ≤ lr",
        ),
        (
            &["--surface", "bowl", "--optimizer", "sgd", "--start=1"],
            "invalid --start '1': expected two finite numbers X,Y",
        ),
        (
            &[
                "--surface",
                "bowl",
                "--optimizer",
                "sgd",
                "--schedule",
                "step:gamma=2",
            ],
            "schedule 'step' needs size=…",
        ),
        (
            &[
                "--surface",
                "rosenbrock",
                "--optimizer",
                "sgd",
                "--condition",
                "3",
            ],
            "--condition and --angle apply to --surface bowl only",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["trace"];
        all.extend_from_slice(args);
        let o = optiviz(&all);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn divergence_ends_the_trace_with_a_message() {
    let o = optiviz(&[
        "trace",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--lr",
        "0.5",
        "--steps",
        "1000",
    ]);
    assert!(o.status.success());
    let rows = stdout(&o).lines().count() - 1;
    let msg = stderr(&o);
    assert!(
        msg.contains(&format!("diverged at step {rows}")),
        "{rows} rows, {msg}"
    );
    assert!(rows < 1001);
}

#[test]
fn help_tells_a_newcomer_what_exists() {
    let o = optiviz(&["trace", "--help"]);
    let text = stdout(&o);
    for option in [
        "--surface",
        "--optimizer",
        "--momentum-form",
        "--schedule",
        "--clip-norm",
        "--noise",
        "optiviz list",
    ] {
        assert!(text.contains(option), "--help mentions {option}");
    }
}

/// Runs `optiviz` with `args` and checks it is refused with one line that contains `message`.
fn refused(args: &[&str], message: &str) {
    let o = optiviz(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, not {err}");
    assert!(err.contains(message), "{args:?}: {err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn counts_are_held_to_the_pages_limits_in_one_line() {
    let bowl = ["trace", "--surface", "bowl", "--optimizer", "sgd"];
    let linear = ["trace", "--model", "linear", "--optimizer", "sgd"];
    let with = |base: &[&'static str], more: &[&'static str]| [base, more].concat();
    let cases: [(Vec<&str>, &str); 10] = [
        (
            with(&bowl, &["--steps", "18446744073709551615"]),
            "invalid --steps 18446744073709551615: allowed values are 1 to 20000 (the page's limit)",
        ),
        (
            with(&bowl, &["--steps", "10000000000"]),
            "invalid --steps 10000000000: allowed values are 1 to 20000",
        ),
        (
            with(&bowl, &["--steps", "0"]),
            "invalid --steps 0: allowed values are 1 to 20000",
        ),
        (
            with(&linear, &["--n", "10000000"]),
            "invalid --n 10000000: allowed values are 1 to 500 (the lab's limit)",
        ),
        (
            with(
                &["trace", "--model", "mlp", "--optimizer", "sgd"],
                &["--hidden", "1000000"],
            ),
            "invalid --hidden 1000000: allowed values are 1 to 64 (the lab's limit)",
        ),
        (
            vec!["bench", "--size", "100000"],
            "invalid --size 100000: allowed values are 1 to 512 (the page's largest basin map)",
        ),
        (
            with(&bowl, &["--lr", "-inf"]),
            "invalid --lr -inf: allowed values are 0 ≤ lr",
        ),
        (
            with(&bowl, &["--lr", "fast"]),
            "invalid --lr fast: expected a number",
        ),
        (with(&bowl, &["--lr"]), "--lr needs a value"),
        (
            // The lab's words: 50 points, all of them training points.
            with(&linear, &["--batch-size", "51"]),
            "invalid --batch-size 51: allowed values are 1 to 50 (the training points), or no \
             --batch-size for the full batch",
        ),
    ];
    for (args, message) in cases {
        refused(&args, message);
    }
    refused(
        &with(&bowl, &["--momentum-form", "x"]),
        "invalid --momentum-form x: allowed values are torch, classical",
    );
    refused(&with(&bowl, &["--frobnicate"]), "'--frobnicate'");
    refused(
        &[
            "trace",
            "--model",
            "mlp",
            "--hidden",
            "64",
            "--optimizer",
            "newton",
        ],
        "optimizer newton on a model with 257 parameters: allowed are models of at most 17",
    );
}

/// Runs `optiviz` with `args`, killing it after `limit`: its exit code (`None` when it was
/// killed by a signal, an abort among them), stdout and stderr; `Err` when it overran.
fn run_within(
    args: &[String],
    limit: std::time::Duration,
) -> Result<(Option<i32>, String), String> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the optiviz binary runs");
    let t0 = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return Ok((status.code(), err));
        }
        if t0.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            return Err(format!("{args:?} ran longer than {limit:?}"));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// CLI option fuzzing (issue 12): 300 seeded command lines (`FUZZ_SEED`, default 12, and
/// `FUZZ_RUNS` choose others) over the real subcommands and
/// options with extreme values (1e308, 5e-324, -1, 2⁶⁴, NaN, text, empty, long lists). Each
/// must end within 20 s with exit code 0, or 2 and one line on stderr: never a panic or an
/// abort. `--steps` stays small or invalid, so a valid run is quick in a debug build; `serve`
/// gets only ports it must refuse.
#[test]
fn fuzzed_command_lines_end_cleanly() {
    use rand::{RngExt, SeedableRng};
    const EXTREMES: &[&str] = &[
        "1e308",
        "-1e308",
        "5e-324",
        "-1",
        "0",
        "1",
        "2",
        "0.5",
        "18446744073709551616",
        "4294967297",
        "NaN",
        "inf",
        "-inf",
        "-0",
        "",
        "text",
        "1,2",
        "1e-300",
        "64",
        "500",
        "12",
    ];
    const STEPS: &[&str] = &[
        "1",
        "3",
        "20",
        "20",
        "20",
        "0",
        "20001",
        "-1",
        "1e308",
        "NaN",
        "18446744073709551616",
        "",
    ];
    const OPTIONS: &[&str] = &[
        "--lr",
        "--momentum",
        "--dampening",
        "--beta1",
        "--beta2",
        "--eps",
        "--weight-decay",
        "--alpha",
        "--rho",
        "--lr-decay",
        "--initial-accumulator-value",
        "--momentum-decay",
        "--damping",
        "--clip-norm",
        "--clip-value",
        "--noise",
        "--seed",
        "--n",
        "--slope",
        "--intercept",
        "--data-noise",
        "--separation",
        "--degree",
        "--l1",
        "--l2",
        "--hidden",
        "--dropout",
        "--val-fraction",
        "--batch-size",
        "--condition",
        "--angle",
        "--start",
        "--schedule",
        "--format",
        "--momentum-form",
    ];
    const FLAGS: &[&str] = &[
        "--nesterov",
        "--centered",
        "--amsgrad",
        "--eps-inside-sqrt",
        "--no-bias-correction",
        "--scale-features",
        "--frobnicate",
    ];
    let env =
        |name: &str, default: u64| std::env::var(name).map_or(default, |v| v.parse().unwrap());
    let (seed, count) = (env("FUZZ_SEED", 12), env("FUZZ_RUNS", 300));
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let kinds: Vec<&str> = optiviz::core::optim::OptimizerKind::ALL
        .iter()
        .map(|k| k.id())
        .collect();
    let surfaces: Vec<&str> = optiviz::core::surface::Surface::all()
        .into_iter()
        .map(|s| s.info().id)
        .collect();
    let models = ["linear", "logistic", "poly", "mlp", "nope"];
    let pick =
        |xs: &[&str], rng: &mut rand_pcg::Pcg64Mcg| xs[rng.random_range(0..xs.len())].to_owned();
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..count {
        let r: f64 = rng.random();
        let mut args: Vec<String> = if r < 0.03 {
            vec![
                "serve".into(),
                "--port".into(),
                pick(&["70000", "-1", "1e308", "x", ""], &mut rng),
            ]
        } else if r < 0.06 {
            vec![
                "bench".into(),
                "--size".into(),
                pick(&["0", "513", "-1", "1e308", "x"], &mut rng),
            ]
        } else if r < 0.08 {
            vec!["list".into(), pick(EXTREMES, &mut rng)]
        } else {
            let target = if rng.random::<f64>() < 0.5 {
                vec!["--surface".into(), pick(&surfaces, &mut rng)]
            } else {
                vec!["--model".into(), pick(&models, &mut rng)]
            };
            let mut a = vec!["trace".into()];
            a.extend(target);
            a.extend(["--optimizer".into(), pick(&kinds, &mut rng)]);
            a.extend(["--steps".into(), pick(STEPS, &mut rng)]);
            a
        };
        if args[0] == "trace" {
            let extra = if rng.random::<f64>() < 0.3 {
                0
            } else {
                rng.random_range(1..6)
            };
            for _ in 0..extra {
                if rng.random::<f64>() < 0.2 {
                    args.push(pick(FLAGS, &mut rng));
                    continue;
                }
                args.push(pick(OPTIONS, &mut rng));
                let value = if rng.random::<f64>() < 0.05 {
                    vec!["1e308"; rng.random_range(2..2000)].join(",")
                } else {
                    pick(EXTREMES, &mut rng)
                };
                args.push(value);
            }
        }
        let (code, err) = run_within(&args, std::time::Duration::from_secs(20)).unwrap();
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
        match code {
            Some(0) => ok += 1,
            Some(2) => {
                assert_eq!(err.lines().count(), 1, "{args:?}: one line, not {err}");
                refused += 1;
            }
            other => panic!("{args:?} ended with {other:?}: {err}"),
        }
    }
    eprintln!("CLI fuzzing, seed {seed}: {ok} ran, {refused} refused, of {count}");
    // Both outcomes are reached: the fuzzing tries valid command lines as well as refused ones.
    assert!(
        ok > count / 15 && refused > count / 3,
        "{ok} ran, {refused} refused"
    );
}

#[test]
fn a_typed_formula_is_a_surface() {
    // Gradient descent at η = 1/4 on (x − 1)² + (y − 2)² halves the offset from (1, 2).
    let o = optiviz(&[
        "trace",
        "--surface",
        "(x-1)^2 + (y-2)^2",
        "--optimizer",
        "sgd",
        "--lr",
        "0.25",
        "--start=4,6",
        "--steps",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "step,x,y,loss\n0,4.0,6.0,25.0\n1,2.5,4.0,6.25\n2,1.75,3.0,1.5625\n"
    );
    // Typed Rosenbrock traces exactly as the built-in one; its JSON names the formula.
    let run = |surface: &str, format: &str| {
        let o = optiviz(&[
            "trace",
            "--surface",
            surface,
            "--optimizer",
            "adam",
            "--lr",
            "0.05",
            "--steps",
            "200",
            "--start=-1.2,1",
            "--format",
            format,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let typed = "(1 - x)^2 + 100*(y - x^2)^2";
    assert_eq!(run(typed, "csv"), run("rosenbrock", "csv"));
    let t = Trace::from_json(&run(typed, "json")).unwrap();
    assert_eq!(t.surface.custom_formula().map(|c| c.text()), Some(typed));
    // A bad formula: the parser's message and column, nothing on stdout, a failure.
    let o = optiviz(&["trace", "--surface", "x^2 + 3*", "--optimizer", "sgd"]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty());
    assert_eq!(
        stderr(&o),
        "optiviz trace: --surface: formula 'x^2 + 3*': unexpected end at column 9 (expected a \
         number, a name or '(' after '*')\n"
    );
}

#[test]
fn runs_prints_a_links_runs_as_the_page_exports_them() {
    let link =
        "http://127.0.0.1:8000/?surface=booth&start=0,0&steps=3&run=sgd;lr=0.01&run=adam;lr=0.1#x";
    let o = optiviz(&["runs", "--link", link]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "run,optimizer,step,x,y,loss");
    assert_eq!(lines.len(), 1 + 4 + 4);
    // Booth's f = (x + 2y − 7)² + (2x + y − 5)² is 74 at the start, for both runs.
    assert_eq!(lines[1], "1,sgd,0,0.0,0.0,74.0");
    assert_eq!(lines[5], "2,adam,0,0.0,0.0,74.0");
    // --run 2 is optiviz trace's output for the same settings.
    let one = optiviz(&["runs", "--link", link, "--run", "2"]);
    let trace = optiviz(&[
        "trace",
        "--surface",
        "booth",
        "--optimizer",
        "adam",
        "--lr",
        "0.1",
        "--start=0,0",
        "--steps",
        "3",
    ]);
    assert_eq!(stdout(&one), stdout(&trace));
    // The scenario file the page exports reads back to the same runs.
    let s = optiviz::state::scenario::Scenario::from_query(
        link.split_once('?').unwrap().1.trim_end_matches("#x"),
    )
    .unwrap();
    let path = std::env::temp_dir().join(format!("optiviz-runs-{}.json", std::process::id()));
    std::fs::write(&path, optiviz::state::file::to_json(&s)).unwrap();
    let back = optiviz(&["runs", "--scenario", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(stdout(&back), csv);
}

#[test]
fn runs_names_what_is_wrong() {
    let o = optiviz(&["runs", "--link", "?steps=0&run=adam"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o).trim(),
        "optiviz runs: --link: steps 0: allowed values are 1 to 20000"
    );
    let o = optiviz(&["runs", "--link", "?run=adam", "--run", "2"]);
    assert_eq!(
        stderr(&o).trim(),
        "optiviz runs: --run 2: allowed values are 1 to 1 (the scenario's runs)"
    );
    let o = optiviz(&["runs", "--scenario", "/nonexistent/optiviz.json"]);
    assert!(stderr(&o).starts_with("optiviz runs: --scenario /nonexistent/optiviz.json: "));
    let o = optiviz(&["runs"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--link"), "{}", stderr(&o));
}
