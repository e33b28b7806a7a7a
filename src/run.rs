//! Runs: an optimizer simulated from a start point on a surface, step by step, with divergence
//! detected and reported instead of propagated.

use crate::optim::{ConfigError, RunConfig};
use crate::surface::Surface;
use serde::Serialize;

/// The path one optimizer took: every visited point and its loss, step 0 being the start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trajectory {
    /// `points[k]` is the parameter after `k` steps.
    pub points: Vec<[f64; 2]>,
    /// `losses[k] = f(points[k])`.
    pub losses: Vec<f64>,
    /// `Some(k)` when step `k` produced a non-finite parameter, gradient or loss: the run
    /// stopped there and `points` ends with the last finite point (after `k − 1` steps).
    pub diverged_at: Option<usize>,
}

impl Trajectory {
    /// The number of steps taken (one less than the number of points).
    pub fn steps(&self) -> usize {
        self.points.len() - 1
    }
}

/// Runs `config` for up to `steps` steps from `start` on `surface`.
///
/// A step that yields a non-finite gradient, parameter or loss ends the run: the trajectory
/// keeps its last finite point and records the step in [`Trajectory::diverged_at`].
/// A start point that is itself non-finite diverges at step 0.
pub fn simulate(
    surface: &Surface,
    config: &RunConfig,
    start: [f64; 2],
    steps: usize,
) -> Result<Trajectory, ConfigError> {
    let mut optimizer = config.build()?;
    let mut theta = start;
    let loss0 = surface.value(theta);
    let mut traj = Trajectory {
        points: vec![theta],
        losses: vec![loss0],
        diverged_at: None,
    };
    if !(theta.iter().all(|v| v.is_finite()) && loss0.is_finite()) {
        traj.diverged_at = Some(0);
        return Ok(traj);
    }
    traj.points.reserve(steps);
    traj.losses.reserve(steps);
    for k in 1..=steps {
        let (_, grad) = surface.value_and_gradient(theta);
        let mut next = theta;
        if grad.iter().all(|g| g.is_finite()) {
            optimizer.step(&mut next, &grad);
        }
        let loss = surface.value(next);
        if !(grad.iter().chain(&next).all(|v| v.is_finite()) && loss.is_finite()) {
            traj.diverged_at = Some(k);
            break;
        }
        theta = next;
        traj.points.push(theta);
        traj.losses.push(loss);
    }
    Ok(traj)
}
