//! Every optimizer's first steps against `tests/golden/steps.json`: numbers written by
//! `tests/golden/reference.py`, a plain-Python transcription of torch.optim's documented
//! algorithms (and optax's Lion, and the stated Newton rule) with hand-derived gradients and
//! Hessians, sharing no code with optiviz. Regenerate with `python3 tests/golden/reference.py`.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{RunSpec, simulate};
use optiviz::core::surface::Surface;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
struct Golden {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    optimizer: String,
    surface: String,
    start: [f64; 2],
    values: BTreeMap<String, f64>,
    flags: BTreeMap<String, bool>,
    points: Vec<[f64; 2]>,
}

fn golden() -> Golden {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/steps.json"
    ))
    .expect("tests/golden/steps.json exists");
    serde_json::from_str(&text).expect("steps.json follows its schema")
}

/// Relative agreement to 1e-12 (absolute 1e-15 near zero): the reference follows torch's
/// documented formulas, which may group a few operations differently from torch's kernels.
const REL: f64 = 1e-12;
const ABS: f64 = 1e-15;

#[test]
fn every_optimizer_matches_the_reference() {
    let golden = golden();
    let mut failures = Vec::new();
    for case in &golden.cases {
        let kind = OptimizerKind::from_id(&case.optimizer).unwrap();
        let mut config = RunConfig::new(kind);
        for (name, &v) in &case.values {
            config
                .set(name, v)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        }
        for (name, &on) in &case.flags {
            config
                .set_flag(name, on)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        }
        let surface = Surface::from_id(&case.surface).unwrap();
        let t = simulate(
            &surface,
            &RunSpec::from(config),
            case.start,
            case.points.len(),
        )
        .unwrap();
        assert_eq!(t.diverged_at, None, "{}", case.name);
        for (k, (got, want)) in t.points[1..].iter().zip(&case.points).enumerate() {
            for i in 0..2 {
                let err = (got[i] - want[i]).abs();
                if err > REL * want[i].abs() + ABS {
                    failures.push(format!(
                        "{} step {} coordinate {i}: got {:?}, want {:?} (relative {:e})",
                        case.name,
                        k + 1,
                        got[i],
                        want[i],
                        err / want[i].abs()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_reference_covers_every_optimizer_flag_and_both_surfaces() {
    let golden = golden();
    for kind in OptimizerKind::ALL {
        let cases: Vec<&Case> = golden
            .cases
            .iter()
            .filter(|c| c.optimizer == kind.id())
            .collect();
        let surfaces: BTreeSet<&str> = cases.iter().map(|c| c.surface.as_str()).collect();
        assert!(
            surfaces.contains("rosenbrock") && surfaces.contains("bowl"),
            "{} lacks a surface: {surfaces:?}",
            kind.id()
        );
        for flag in kind.flags() {
            assert!(
                cases
                    .iter()
                    .any(|c| c.flags.get(flag.name) == Some(&!flag.default)),
                "{} has no case with {} switched",
                kind.id(),
                flag.name
            );
        }
    }
}
