//! The speed benchmarks' workloads, defined once so `optiviz bench` (native) and the page's
//! benchmark (wasm, `make bench`) time exactly the same computations.
//!
//! The core has no clock: callers time these functions themselves (`std::time::Instant`
//! natively, `performance.now()` in the browser). Each workload has a batched form (what the
//! page uses) and a one-at-a-time form (the naive reference), which give identical results;
//! the benchmark reports both, and their ratio.

use crate::core::batch::Batch;
use crate::core::compare::{BasinGrid, SweepPoint, log_space, lr_sweep, lr_sweep_single};
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::run::{RunSpec, Stepper};
use crate::core::surface::Surface;
use crate::error::Error;

/// The basin-map workload: gradient descent (`lr = 0.01`) on Himmelblau over its default view,
/// at most 500 steps per start point, settling tolerance `1e-6` (the page's), on a
/// `size × size` grid (issue #7's target is 512 × 512).
pub fn basin_workload(size: usize) -> (Surface, RunSpec, BasinGrid) {
    let surface = Surface::Himmelblau;
    let mut config = RunConfig::new(OptimizerKind::Sgd);
    config.set("lr", 0.01).expect("a valid rate");
    let grid = BasinGrid {
        view: surface.default_view(),
        width: size,
        height: size,
        steps: 500,
        tol: crate::core::compare::TOLERANCE,
    };
    (surface, RunSpec::from(config), grid)
}

/// The eight optimizers of the sweep workload (the page benchmark's eight runs).
pub const SWEEP_OPTIMIZERS: [OptimizerKind; 8] = [
    OptimizerKind::Sgd,
    OptimizerKind::Momentum,
    OptimizerKind::Nesterov,
    OptimizerKind::Adagrad,
    OptimizerKind::Rmsprop,
    OptimizerKind::Adam,
    OptimizerKind::Nadam,
    OptimizerKind::Lion,
];

/// The learning-rate sweep workload: each of [`SWEEP_OPTIMIZERS`] at its defaults on
/// Rosenbrock from (−1.2, 1), 50 rates from 1e-4 to 1 (log-spaced), 2,000 steps each,
/// tolerance `1e-6` on the loss; batched ([`lr_sweep`]) or one run at a time
/// ([`lr_sweep_single`]). Returns every point, so a caller can check both forms agree.
pub fn sweep_workload(batched: bool) -> Result<Vec<Vec<SweepPoint>>, Error> {
    let surface = Surface::Rosenbrock;
    let start = surface.default_start();
    let lrs = log_space(1e-4, 1.0, 50)?;
    SWEEP_OPTIMIZERS
        .iter()
        .map(|&kind| {
            let spec = RunSpec::from(RunConfig::new(kind));
            if batched {
                lr_sweep(
                    &surface,
                    &spec,
                    start,
                    2000,
                    &lrs,
                    crate::core::compare::TOLERANCE,
                )
            } else {
                lr_sweep_single(
                    &surface,
                    &spec,
                    start,
                    2000,
                    &lrs,
                    crate::core::compare::TOLERANCE,
                )
            }
        })
        .collect()
}

/// The step-kernel workload: Adam (`lr = 1e-3`) on Rosenbrock, `runs` runs from points along
/// the valley for `steps` steps each, batched in one [`Batch`] or one at a time with
/// [`Stepper`]. Returns the sum of the final losses (so the work cannot be optimised away,
/// and both forms can be compared).
pub fn adam_kernel(runs: usize, steps: usize, batched: bool) -> Result<f64, Error> {
    let surface = Surface::Rosenbrock;
    let mut config = RunConfig::new(OptimizerKind::Adam);
    config.set("lr", 1e-3)?;
    let spec = RunSpec::from(config);
    let starts: Vec<[f64; 2]> = (0..runs)
        .map(|i| [-1.5 + 3.0 * i as f64 / runs.max(1) as f64, 2.0])
        .collect();
    if batched {
        let mut batch = Batch::new(&surface, &spec, &starts)?;
        for _ in 0..steps {
            batch.step();
        }
        Ok((0..runs).map(|i| batch.loss(i)).sum())
    } else {
        let mut total = 0.0;
        for &start in &starts {
            let mut stepper = Stepper::new(&surface, &spec, start)?;
            for _ in 0..steps {
                if stepper.step().is_err() {
                    break;
                }
            }
            total += stepper.at().1;
        }
        Ok(total)
    }
}
