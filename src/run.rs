//! Runs: an optimizer simulated from a start point on a surface, step by step, with the
//! learning-rate schedule, gradient noise and clipping around it, and divergence detected and
//! reported instead of propagated.

use crate::optim::{ConfigError, RunConfig};
use crate::schedule::Schedule;
use crate::surface::Surface;
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Gaussian noise added to every gradient: `g + σ·z`, `z ~ N(0, I)` drawn from a seeded
/// generator, so the jitter of stochastic gradients can be shown and replayed exactly.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    /// Standard deviation `σ ≥ 0` of each coordinate's noise.
    pub sigma: f64,
    /// Seed of the generator (PCG-64): the same seed gives the same noise everywhere.
    pub seed: u64,
}

/// Everything that shapes one run besides the surface and the start point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// The optimizer and its hyperparameters.
    pub optimizer: RunConfig,
    /// How the learning rate changes with the step.
    #[serde(default)]
    pub schedule: Schedule,
    /// torch `clip_grad_norm_(max_norm)`: `g ← g · min(1, max_norm / (‖g‖₂ + 1e-6))`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_norm: Option<f64>,
    /// torch `clip_grad_value_(clip_value)`: each coordinate clamped to `[−c, c]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_value: Option<f64>,
    /// Gradient noise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<Noise>,
}

impl From<RunConfig> for RunSpec {
    fn from(optimizer: RunConfig) -> Self {
        RunSpec {
            optimizer,
            schedule: Schedule::Constant,
            clip_norm: None,
            clip_value: None,
            noise: None,
        }
    }
}

impl RunSpec {
    /// Checks everything around the optimizer; the optimizer's own values are checked when
    /// it is built.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.schedule.validate().map_err(ConfigError::Conflict)?;
        let positive = |name: &'static str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && x > 0.0) => Err(ConfigError::OutOfRange {
                name,
                value: x,
                allowed: format!("0 < {name}"),
            }),
            _ => Ok(()),
        };
        positive("clip_norm", self.clip_norm)?;
        positive("clip_value", self.clip_value)?;
        if let Some(n) = self.noise
            && !(n.sigma.is_finite() && n.sigma >= 0.0)
        {
            return Err(ConfigError::OutOfRange {
                name: "noise",
                value: n.sigma,
                allowed: "0 ≤ noise".into(),
            });
        }
        Ok(())
    }

    /// The gradient the optimizer sees: noise added, then clipped by value, then by norm.
    fn shape_gradient(&self, grad: &mut [f64], rng: &mut Option<Pcg64Mcg>) {
        if let (Some(noise), Some(rng)) = (self.noise, rng.as_mut()) {
            for g in grad.iter_mut() {
                let z: f64 = StandardNormal.sample(rng);
                *g += noise.sigma * z;
            }
        }
        if let Some(c) = self.clip_value {
            for g in grad.iter_mut() {
                *g = g.clamp(-c, c);
            }
        }
        if let Some(max_norm) = self.clip_norm {
            let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            let coef = (max_norm / (norm + 1e-6)).min(1.0);
            for g in grad.iter_mut() {
                *g *= coef;
            }
        }
    }
}

/// The path one optimizer took: every visited point and its loss, step 0 being the start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// Runs `spec` for up to `steps` steps from `start` on `surface`.
///
/// A step that yields a non-finite gradient, Hessian, parameter or loss ends the run: the
/// trajectory keeps its last finite point and records the step in
/// [`Trajectory::diverged_at`]. A start point that is itself non-finite diverges at step 0.
pub fn simulate(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
) -> Result<Trajectory, ConfigError> {
    spec.validate()?;
    let mut optimizer = spec.optimizer.build()?;
    let base_lr = spec.optimizer.lr();
    let mut rng = spec.noise.map(|n| Pcg64Mcg::seed_from_u64(n.seed));
    let mut theta = start;
    let loss0 = surface.value(theta);
    let mut traj = Trajectory {
        points: vec![theta],
        losses: vec![loss0],
        diverged_at: None,
    };
    if !(all_finite(&theta) && loss0.is_finite()) {
        traj.diverged_at = Some(0);
        return Ok(traj);
    }
    traj.points.reserve(steps);
    traj.losses.reserve(steps);
    for k in 1..=steps {
        let (hessian, mut grad) = if optimizer.needs_hessian() {
            let (_, g, h) = surface.hessian(theta);
            (Some(DMatrix::from_column_slice(2, 2, h.as_slice())), g)
        } else {
            (None, surface.value_and_gradient(theta).1)
        };
        let exact_ok =
            all_finite(&grad) && hessian.as_ref().is_none_or(|h| all_finite(h.as_slice()));
        let mut next = theta;
        if exact_ok {
            spec.shape_gradient(&mut grad, &mut rng);
            let lr = spec.schedule.lr(base_lr, k - 1);
            optimizer.step(&mut next, &grad, lr, hessian.as_ref());
        }
        let loss = surface.value(next);
        if !(exact_ok && all_finite(&grad) && all_finite(&next) && loss.is_finite()) {
            traj.diverged_at = Some(k);
            break;
        }
        theta = next;
        traj.points.push(theta);
        traj.losses.push(loss);
    }
    Ok(traj)
}
