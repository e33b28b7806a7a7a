//! Convergence table: every optimizer on the quadratic bowl (k = 10) and on Rosenbrock, each
//! with stated settings (other hyperparameters at torch's defaults), from the surface's
//! default start, reaches the stated loss within the stated number of steps.
//! `cargo test --test convergence -- --nocapture` prints the table with the steps measured.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{RunSpec, simulate};
use optiviz::core::surface::Surface;

/// (optimizer, learning rate, loss tolerance, step budget)
type Row = (OptimizerKind, f64, f64, usize);

const BOWL: [Row; 14] = [
    (OptimizerKind::Sgd, 0.1, 1e-6, 90),
    (OptimizerKind::Momentum, 0.01, 1e-6, 170),
    (OptimizerKind::Nesterov, 0.1, 1e-6, 60),
    (OptimizerKind::Adagrad, 2.0, 1e-6, 10),
    (OptimizerKind::Rmsprop, 2.0, 1e-6, 10),
    (OptimizerKind::Adadelta, 0.2, 1e-6, 2800),
    (OptimizerKind::Adam, 0.1, 1e-6, 160),
    (OptimizerKind::Amsgrad, 0.5, 1e-6, 160),
    (OptimizerKind::Adamw, 0.2, 1e-6, 120),
    (OptimizerKind::Adamax, 0.5, 1e-6, 150),
    (OptimizerKind::Nadam, 1.0, 1e-6, 45),
    (OptimizerKind::Radam, 0.3, 1e-6, 175),
    (OptimizerKind::Lion, 0.5, 1e-6, 8),
    (OptimizerKind::Newton, 1.0, 1e-6, 1),
];

const ROSENBROCK: [Row; 14] = [
    (OptimizerKind::Sgd, 0.002, 1e-3, 4200),
    (OptimizerKind::Momentum, 0.003, 1e-3, 270),
    (OptimizerKind::Nesterov, 0.001, 1e-3, 800),
    (OptimizerKind::Adagrad, 1.0, 1e-3, 3800),
    (OptimizerKind::Rmsprop, 0.002, 1e-3, 5300),
    (OptimizerKind::Adadelta, 0.03, 1e-3, 9400),
    (OptimizerKind::Adam, 0.5, 1e-3, 470),
    (OptimizerKind::Amsgrad, 1.0, 1e-3, 430),
    (OptimizerKind::Adamw, 0.1, 1e-3, 3300),
    (OptimizerKind::Adamax, 1.0, 1e-3, 1400),
    (OptimizerKind::Nadam, 0.03, 1e-3, 2400),
    (OptimizerKind::Radam, 0.002, 1e-3, 10800),
    (OptimizerKind::Lion, 0.01, 1e-3, 380),
    (OptimizerKind::Newton, 1.0, 1e-3, 6),
];

fn steps_to(surface: &Surface, row: &Row) -> Option<usize> {
    let (kind, lr, tol, budget) = *row;
    let config = RunConfig::new(kind).with("lr", lr).unwrap();
    let t = simulate(
        surface,
        &RunSpec::from(config),
        surface.default_start(),
        budget,
    )
    .unwrap();
    assert_eq!(t.diverged_at, None, "{} diverged", kind.id());
    t.losses.iter().position(|&l| l < tol)
}

fn check(surface: Surface, rows: &[Row]) {
    let name = surface.info().label;
    println!("| {name} | lr | loss below | within | measured |\n|---|---|---|---|---|");
    let mut failures = Vec::new();
    for row in rows {
        let steps = steps_to(&surface, row);
        println!(
            "| {} | {} | {:e} | {} | {} |",
            row.0.id(),
            row.1,
            row.2,
            row.3,
            steps.map_or("not reached".into(), |s| s.to_string())
        );
        if steps.is_none() {
            failures.push(row.0.id());
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: not converged in budget: {failures:?}"
    );
}

#[test]
fn every_optimizer_converges_on_the_bowl() {
    check(Surface::bowl(), &BOWL);
}

#[test]
fn every_optimizer_converges_on_rosenbrock() {
    check(Surface::Rosenbrock, &ROSENBROCK);
}

#[test]
fn the_table_lists_every_optimizer_once() {
    for rows in [&BOWL, &ROSENBROCK] {
        let kinds: Vec<OptimizerKind> = rows.iter().map(|r| r.0).collect();
        assert_eq!(kinds, OptimizerKind::ALL);
    }
}
