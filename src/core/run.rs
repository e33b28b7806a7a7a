//! Runs: an optimizer simulated from a start point on a surface, step by step, with the
//! learning-rate schedule, gradient noise and clipping around it, and divergence detected and
//! reported instead of propagated.

use crate::core::optim::{Optimizer, OptimizerKind, RunConfig, out_of_range};
use crate::core::schedule::Schedule;
use crate::core::surface::Surface;
use crate::error::Error;
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// The range of σ the page's gradient-noise slider covers: noise up to 5 (the gradient's own
/// size on most surfaces' outer regions) shows the jitter without drowning every path; any
/// finite σ ≥ 0 is allowed in a link.
pub const NOISE_SLIDER: [f64; 2] = [0.0, 5.0];

/// The most steps a run is simulated ahead: the page's, the link's and the command line's bound.
pub const MAX_STEPS: usize = 20_000;

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
    pub fn validate(&self) -> Result<(), Error> {
        self.schedule.validate()?;
        let positive = |name: &'static str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && x > 0.0) => {
                Err(out_of_range(name, x, &format!("0 < {name}")))
            }
            _ => Ok(()),
        };
        positive("clip_norm", self.clip_norm)?;
        positive("clip_value", self.clip_value)?;
        if let Some(n) = self.noise
            && !(n.sigma.is_finite() && n.sigma >= 0.0)
        {
            return Err(out_of_range("noise", n.sigma, "0 ≤ noise"));
        }
        Ok(())
    }

    /// Shapes a gradient of any length in place into what the optimizer sees: noise added,
    /// then clipped by value, then by norm; `stage` is told each stage's result as it happens
    /// (the step explanations keep them). Surfaces and the regression lab's models both use it.
    pub fn shape_in_place(
        &self,
        grad: &mut [f64],
        rng: &mut Option<Pcg64Mcg>,
        mut stage: impl FnMut(Stage<'_>),
    ) {
        if let (Some(noise), Some(rng)) = (self.noise, rng.as_mut()) {
            let mut zs = vec![0.0; grad.len()];
            for (g, zi) in grad.iter_mut().zip(zs.iter_mut()) {
                let z: f64 = StandardNormal.sample(rng);
                *zi = z;
                *g += noise.sigma * z;
            }
            stage(Stage::Noise {
                sigma: noise.sigma,
                z: &zs,
                after: grad,
            });
        }
        if let Some(c) = self.clip_value {
            for g in grad.iter_mut() {
                *g = g.clamp(-c, c);
            }
            stage(Stage::ValueClip { c, after: grad });
        }
        if let Some(max_norm) = self.clip_norm {
            let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            let coef = (max_norm / (norm + 1e-6)).min(1.0);
            for g in grad.iter_mut() {
                *g *= coef;
            }
            stage(Stage::NormClip {
                max_norm,
                norm,
                coef,
                after: grad,
            });
        }
    }

    /// [`RunSpec::shape_in_place`] for a surface's 2D gradient, with every stage kept.
    pub fn shape(&self, exact: [f64; 2], rng: &mut Option<Pcg64Mcg>) -> Shaped {
        let pair = |v: &[f64]| [v[0], v[1]];
        let mut shaped = Shaped {
            exact,
            noise: None,
            value_clip: None,
            norm_clip: None,
            grad: exact,
        };
        let mut grad = exact;
        self.shape_in_place(&mut grad, rng, |stage| match stage {
            Stage::Noise { sigma, z, after } => shaped.noise = Some((sigma, pair(z), pair(after))),
            Stage::ValueClip { c, after } => shaped.value_clip = Some((c, pair(after))),
            Stage::NormClip {
                max_norm,
                norm,
                coef,
                after,
            } => shaped.norm_clip = Some((max_norm, norm, coef, pair(after))),
        });
        shaped.grad = grad;
        shaped
    }
}

/// One stage of [`RunSpec::shape_in_place`], with the gradient after it.
#[derive(Debug)]
pub enum Stage<'a> {
    /// Gaussian noise `σ·z` was added.
    Noise {
        /// The standard deviation.
        sigma: f64,
        /// The standard normal draws, one per coordinate.
        z: &'a [f64],
        /// The gradient after the noise.
        after: &'a [f64],
    },
    /// Each coordinate was clamped to `[−c, c]`.
    ValueClip {
        /// The bound.
        c: f64,
        /// The gradient after clamping.
        after: &'a [f64],
    },
    /// The gradient was scaled by `min(1, max_norm / (‖g‖ + 1e-6))`.
    NormClip {
        /// The bound on the norm.
        max_norm: f64,
        /// `‖g‖` before scaling.
        norm: f64,
        /// The factor applied.
        coef: f64,
        /// The gradient after scaling.
        after: &'a [f64],
    },
}

/// The gradient of one step on its way to the optimizer, with every stage kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shaped {
    /// The exact `∇f(θ)`.
    pub exact: [f64; 2],
    /// `(σ, z, ∇f + σz)` with gradient noise.
    pub noise: Option<(f64, [f64; 2], [f64; 2])>,
    /// `(c, clamped)` with clipping by value.
    pub value_clip: Option<(f64, [f64; 2])>,
    /// `(max_norm, ‖g‖, coefficient, scaled)` with clipping by norm.
    pub norm_clip: Option<(f64, f64, f64, [f64; 2])>,
    /// What the optimizer receives.
    pub grad: [f64; 2],
}

/// The path one optimizer took: every visited point and its loss, step 0 being the start,
/// with what each step was made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// `points[k]` is the parameter after `k` steps.
    pub points: Vec<[f64; 2]>,
    /// `losses[k] = f(points[k])`.
    pub losses: Vec<f64>,
    /// `grads[k] = ∇f(points[k])`, the exact gradient at every point.
    pub grads: Vec<[f64; 2]>,
    /// `used[k]`: the gradient the optimizer received for step `k + 1` (after noise and
    /// clipping), one per step taken.
    pub used: Vec<[f64; 2]>,
    /// `lrs[k]`: the learning rate of step `k + 1` (after the schedule), one per step taken.
    pub lrs: Vec<f64>,
    /// `Some(k)` when step `k` produced a non-finite parameter, gradient or loss: the run
    /// stopped there and `points` ends with the last finite point (after `k − 1` steps).
    pub diverged_at: Option<usize>,
}

impl Trajectory {
    /// The number of steps taken (one less than the number of points).
    pub fn steps(&self) -> usize {
        self.points.len() - 1
    }

    /// `θₖ₊₁ − θₖ`: the update step `k + 1` made (`k` below [`Trajectory::steps`]).
    pub fn update(&self, k: usize) -> [f64; 2] {
        let (a, b) = (self.points[k], self.points[k + 1]);
        [b[0] - a[0], b[1] - a[1]]
    }

    /// What step `k + 1` was made of, for the teaching overlay: the gradient it received, its
    /// learning rate, the update, the rate it effectively took per coordinate, and for
    /// momentum methods (`kind` [`OptimizerKind::Momentum`] or [`OptimizerKind::Nesterov`])
    /// the velocity's share. `None` at or past the last step.
    pub fn step_parts(&self, k: usize, kind: OptimizerKind) -> Option<StepParts> {
        if k >= self.steps() {
            return None;
        }
        let (g, lr) = (self.used[k], self.lrs[k]);
        let update = self.update(k);
        let effective = |i: usize| (g[i] != 0.0).then(|| -update[i] / g[i]);
        let momentum = matches!(kind, OptimizerKind::Momentum | OptimizerKind::Nesterov);
        Some(StepParts {
            g,
            lr,
            update,
            effective: [effective(0), effective(1)],
            carry: momentum.then(|| [update[0] + lr * g[0], update[1] + lr * g[1]]),
        })
    }
}

/// The numbers behind the teaching overlay at one step of a run ([`Trajectory::step_parts`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepParts {
    /// The gradient the optimizer received (after noise and clipping).
    pub g: [f64; 2],
    /// The step's learning rate (after the schedule).
    pub lr: f64,
    /// The update `θₖ₊₁ − θₖ`.
    pub update: [f64; 2],
    /// Per coordinate, the step the optimizer effectively took per unit of gradient:
    /// `−Δθᵢ / gᵢ` (η for gradient descent; `η/(√v̂ᵢ + ε)`-like for the Adam family); `None`
    /// where the gradient is 0.
    pub effective: [Option<f64>; 2],
    /// For momentum methods, the velocity's share of the update: `Δθ − (−η g)`.
    pub carry: Option<[f64; 2]>,
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// One step of a run, from `theta` (after `k − 1` steps) to `next` (after `k`), with what it
/// was made of.
#[derive(Clone, Debug)]
pub struct Step {
    /// The step's number, from 1.
    pub k: usize,
    /// The point the step starts from.
    pub theta: [f64; 2],
    /// The gradient, exact and as the optimizer received it.
    pub shaped: Shaped,
    /// The step's learning rate (after the schedule).
    pub lr: f64,
    /// The Hessian at `theta`, for second-order methods.
    pub hessian: Option<DMatrix<f64>>,
    /// The point the step reached.
    pub next: [f64; 2],
    /// `f(next)`.
    pub loss: f64,
    /// `∇f(next)`.
    pub next_grad: [f64; 2],
}

/// Why a run cannot take step `k`: its numbers stopped being finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Halt {
    /// The step that failed (0: the start point itself).
    pub k: usize,
    /// What was not finite.
    pub reason: &'static str,
}

/// A run in progress, one step at a time: the single stepping loop behind [`simulate`] and
/// the step explanations, so both see the same numbers bit for bit.
pub struct Stepper<'a> {
    surface: &'a Surface,
    spec: &'a RunSpec,
    state: StepState,
}

/// Where a run stands, without the surface and settings it runs on: what a [`Stepper`] and a
/// [`Simulation`] carry from one step to the next.
struct StepState {
    optimizer: Box<dyn Optimizer>,
    rng: Option<Pcg64Mcg>,
    base_lr: f64,
    theta: [f64; 2],
    loss: f64,
    grad: [f64; 2],
    k: usize,
}

impl<'a> Stepper<'a> {
    /// A run of `spec` on `surface` standing at `start`, nothing taken yet; the configuration
    /// is checked first.
    pub fn new(surface: &'a Surface, spec: &'a RunSpec, start: [f64; 2]) -> Result<Self, Error> {
        Ok(Stepper {
            surface,
            spec,
            state: StepState::new(surface, spec, start)?,
        })
    }

    /// The current point, its loss and its exact gradient.
    pub fn at(&self) -> ([f64; 2], f64, [f64; 2]) {
        self.state.at()
    }

    /// The optimizer, whose [`Optimizer::state`] the explanations read.
    pub fn optimizer(&self) -> &dyn Optimizer {
        self.state.optimizer.as_ref()
    }

    /// The halt at step 0 when the start point or its loss is not finite.
    pub fn start_halt(&self) -> Option<Halt> {
        self.state.start_halt()
    }

    /// Takes the next step. A step whose gradient, Hessian, parameter or loss is not finite
    /// is refused: the run stays at its last finite point and the [`Halt`] says why.
    pub fn step(&mut self) -> Result<Step, Halt> {
        let theta = self.state.theta;
        let (shaped, moved, hessian) =
            self.state
                .take(self.surface, self.spec, |spec, grad, rng| {
                    let shaped = spec.shape(grad, rng);
                    (shaped.grad, shaped)
                })?;
        let (next, loss, next_grad) = self.state.at();
        Ok(Step {
            k: self.state.k,
            theta,
            shaped,
            lr: moved.lr,
            hessian,
            next,
            loss,
            next_grad,
        })
    }
}

impl StepState {
    fn new(surface: &Surface, spec: &RunSpec, start: [f64; 2]) -> Result<Self, Error> {
        spec.validate()?;
        let optimizer = spec.optimizer.build()?;
        let (loss, grad) = surface.value_and_gradient(start);
        Ok(StepState {
            optimizer,
            rng: spec.noise.map(|n| Pcg64Mcg::seed_from_u64(n.seed)),
            base_lr: spec.optimizer.lr(),
            theta: start,
            loss,
            grad,
            k: 0,
        })
    }

    fn at(&self) -> ([f64; 2], f64, [f64; 2]) {
        (self.theta, self.loss, self.grad)
    }

    fn start_halt(&self) -> Option<Halt> {
        (self.k == 0 && !(all_finite(&self.theta) && self.loss.is_finite())).then_some(Halt {
            k: 0,
            reason: "the start point or its loss is not finite",
        })
    }

    /// [`Stepper::step`] keeping only what [`simulate`] records: the same numbers, without the
    /// gradient's shaping stages or the Hessian kept for an explanation (a drag re-simulates
    /// every run up to 20,000 steps, and copying a step's whole record was a large part of a
    /// step's cost).
    fn advance(&mut self, surface: &Surface, spec: &RunSpec) -> Result<Moved, Halt> {
        self.take(surface, spec, |spec, grad, rng| {
            let mut used = grad;
            spec.shape_in_place(&mut used, rng, |_| {});
            (used, ())
        })
        .map(|(_, moved, _)| moved)
    }

    /// The one stepping rule behind [`Stepper::step`] and [`StepState::advance`]: `shape`
    /// turns the exact gradient into the one the optimizer uses (and whatever record the
    /// caller keeps of it); on success the state stands at the new point.
    fn take<R>(
        &mut self,
        surface: &Surface,
        spec: &RunSpec,
        shape: impl FnOnce(&RunSpec, [f64; 2], &mut Option<Pcg64Mcg>) -> ([f64; 2], R),
    ) -> Result<(R, Moved, Option<DMatrix<f64>>), Halt> {
        let k = self.k + 1;
        if let Some(halt) = self.start_halt() {
            return Err(halt);
        }
        let hessian = self.optimizer.needs_hessian().then(|| {
            let (_, _, h) = surface.hessian(self.theta);
            DMatrix::from_column_slice(2, 2, h.as_slice())
        });
        let exact_ok =
            all_finite(&self.grad) && hessian.as_ref().is_none_or(|h| all_finite(h.as_slice()));
        if !exact_ok {
            return Err(Halt {
                k,
                reason: "the gradient or Hessian is not finite",
            });
        }
        let (used, record) = shape(spec, self.grad, &mut self.rng);
        let lr = spec.schedule.lr(self.base_lr, k - 1);
        let mut next = self.theta;
        self.optimizer.step(&mut next, &used, lr, hessian.as_ref());
        let (loss, next_grad) = surface.value_and_gradient(next);
        if !(all_finite(&used) && all_finite(&next) && loss.is_finite()) {
            return Err(Halt {
                k,
                reason: "a non-finite gradient, parameter or loss",
            });
        }
        (self.theta, self.loss, self.grad, self.k) = (next, loss, next_grad, k);
        Ok((record, Moved { used, lr }, hessian))
    }
}

/// What [`simulate`] keeps of a step besides the point reached, its loss and its gradient
/// (which the [`Stepper`] then stands at): the gradient the optimizer used and the rate.
struct Moved {
    used: [f64; 2],
    lr: f64,
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
) -> Result<Trajectory, Error> {
    let (mut traj, rest) = Simulation::begin(surface, spec, start, steps)?;
    if let Some(mut rest) = rest {
        rest.run(surface, spec, &mut traj, steps);
    }
    Ok(traj)
}

/// A run simulated a slice at a time, so that a page can draw the first part of a long run
/// before the rest is computed: [`simulate`] is [`Simulation::begin`] and one
/// [`Simulation::run`] to the end, and any other split gives the same trajectory bit for bit.
pub struct Simulation {
    state: StepState,
    steps: usize,
}

impl Simulation {
    /// The run's trajectory at its start point (no step taken yet), and what it needs to go on
    /// with [`Simulation::run`]: `None` when there is nothing to go on with (no steps asked
    /// for, or a start that is not finite, which the trajectory records as divergence at
    /// step 0). The configuration is checked first.
    pub fn begin(
        surface: &Surface,
        spec: &RunSpec,
        start: [f64; 2],
        steps: usize,
    ) -> Result<(Trajectory, Option<Simulation>), Error> {
        let state = StepState::new(surface, spec, start)?;
        let (theta, loss, grad) = state.at();
        let mut traj = Trajectory {
            points: vec![theta],
            losses: vec![loss],
            grads: vec![grad],
            used: Vec::new(),
            lrs: Vec::new(),
            diverged_at: state.start_halt().map(|h| h.k),
        };
        if traj.diverged_at.is_some() || steps == 0 {
            return Ok((traj, None));
        }
        // Room for at most the page's longest run up front; a longer one grows as it goes, so a
        // huge step count that diverges early never asks for memory it does not use.
        let room = steps.min(MAX_STEPS);
        traj.points.reserve(room);
        traj.losses.reserve(room);
        traj.grads.reserve(room);
        traj.used.reserve(room);
        traj.lrs.reserve(room);
        Ok((traj, Some(Simulation { state, steps })))
    }

    /// Takes steps until `traj` (the trajectory [`Simulation::begin`] returned, on the same
    /// `surface` and `spec`) holds `until` steps, the run's whole length at most, or the run
    /// diverges. Whether the run has ended: all its steps taken, or diverged.
    pub fn run(
        &mut self,
        surface: &Surface,
        spec: &RunSpec,
        traj: &mut Trajectory,
        until: usize,
    ) -> bool {
        let until = until.min(self.steps);
        while traj.diverged_at.is_none() && self.state.k < until {
            match self.state.advance(surface, spec) {
                Ok(Moved { used, lr }) => {
                    let (next, loss, next_grad) = self.state.at();
                    traj.points.push(next);
                    traj.losses.push(loss);
                    traj.grads.push(next_grad);
                    traj.used.push(used);
                    traj.lrs.push(lr);
                }
                Err(halt) => traj.diverged_at = Some(halt.k),
            }
        }
        traj.diverged_at.is_some() || self.state.k >= self.steps
    }

    /// The steps taken so far.
    pub fn taken(&self) -> usize {
        self.state.k
    }
}
