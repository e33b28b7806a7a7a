//! The `optiviz` command line as a user runs it: `trace`, `list` and their errors.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::trace::Trace;
use std::process::{Command, Output};

fn optiviz(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(args)
        .output()
        .expect("the optiviz binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

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
    for kind in optiviz::optim::OptimizerKind::ALL {
        assert!(list.contains(kind.reference()), "list names {}", kind.id());
        for surface in optiviz::surface::Surface::all() {
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
        optiviz::surface::Surface::Bowl {
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
