//! The regression lab's core: small models (linear, logistic and polynomial regression, a
//! one-hidden-layer network) whose loss is an objective over a flat parameter vector, the
//! seeded data sets they learn from, and the training loop that drives any optimizer of
//! [`crate::core::optim`] over them in batch, stochastic or mini-batch gradient descent.
//!
//! Pure Rust like [`crate::core::run`]: no web-sys, no plotters, no clock; every random draw (data,
//! split, shuffling, initial weights, dropout masks, gradient noise) comes from a seed.

pub mod data;
pub mod dataset;
mod lab;
mod linear;
mod logistic;
mod mlp;
mod poly;

pub use dataset::{MAX_COORDINATE, MAX_CSV_CHARS, MAX_POINTS, PointKind, Points};
pub use lab::{DATA_LIMITS, LabModel, ModelSpec, ModelTrace, batch_refusal, check_data_value};
pub use linear::LinearRegression;
pub use logistic::{ClassLoss, LogisticRegression};
pub use mlp::Mlp;
pub use poly::{MAX_DEGREE, PolyRegression, l1_subgradient};

use crate::core::optim::{Optimizer, OptimizerKind};
use crate::core::run::RunSpec;
use crate::err;
use crate::error::Error;
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// A model as an objective: a loss over a flat parameter vector, its value and gradient on any
/// batch of training samples, and its value on all of them.
pub trait Model {
    /// The number of parameters.
    fn dim(&self) -> usize;

    /// The number of training samples; batches hold indices below it.
    fn samples(&self) -> usize;

    /// One name per parameter, in order, as CSV column names (no commas): `w`, `b`, `w1`, …
    fn param_names(&self) -> Vec<String>;

    /// The loss on the samples `batch` (the mean over the batch, plus any penalty) at
    /// `params`, with its gradient written into `grad` (of length [`dim`](Model::dim)).
    /// Deterministic: dropout, if any, is off.
    fn loss_grad(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64;

    /// The loss on every training sample (the objective training minimises, penalty
    /// included), without dropout.
    fn loss(&self, params: &[f64]) -> f64 {
        let all: Vec<usize> = (0..self.samples()).collect();
        let mut grad = vec![0.0; self.dim()];
        self.loss_grad(params, &all, &mut grad)
    }

    /// The loss and gradient that training step `step` (from 1) uses: [`loss_grad`] unless
    /// the model is stochastic in training (dropout draws its seeded mask for `step` here).
    ///
    /// [`loss_grad`]: Model::loss_grad
    fn train_loss_grad(
        &self,
        params: &[f64],
        batch: &[usize],
        step: usize,
        grad: &mut [f64],
    ) -> f64 {
        let _ = step;
        self.loss_grad(params, batch, grad)
    }

    /// The data loss on the validation set (no penalty), for models that have one.
    fn val_loss(&self, params: &[f64]) -> Option<f64> {
        let _ = params;
        None
    }

    /// Initial parameters: zeros, except where symmetry must be broken (the network draws
    /// small seeded weights).
    fn init(&self, seed: u64) -> Vec<f64> {
        let _ = seed;
        vec![0.0; self.dim()]
    }
}

/// The gradient the optimizer sees, in any dimension: Gaussian noise `σ·z` added, then each
/// coordinate clamped to `[−c, c]` (torch `clip_grad_value_`), then the whole scaled by
/// `min(1, max_norm / (‖g‖₂ + 1e-6))` (torch `clip_grad_norm_`): the surfaces' own shaping,
/// [`RunSpec::shape_in_place`]. `rng` is the noise generator (seeded from
/// [`crate::core::run::Noise::seed`]), `None` without noise.
pub fn shape_grad(spec: &RunSpec, grad: &mut [f64], rng: &mut Option<Pcg64Mcg>) {
    spec.shape_in_place(grad, rng, |_| {});
}

/// The batches of training, epoch after epoch, as torch's `DataLoader(shuffle=True,
/// drop_last=False)`: each epoch is a fresh seeded permutation of the `n` samples cut into
/// consecutive batches of `batch_size` (the last one smaller when `batch_size` does not divide
/// `n`), so every epoch visits every sample exactly once. With `batch_size ≥ n` (batch
/// gradient descent) there is one batch per epoch, `0..n` in order, and nothing is drawn.
pub struct Batches {
    n: usize,
    batch_size: usize,
    rng: Pcg64Mcg,
    order: Vec<usize>,
    next: usize,
    epoch: usize,
}

impl Batches {
    /// Batches of `batch_size` (at least 1, at most `n`) out of `n` samples, shuffled from
    /// `seed`.
    pub fn new(n: usize, batch_size: usize, seed: u64) -> Self {
        Batches {
            n,
            batch_size: batch_size.clamp(1, n.max(1)),
            rng: Pcg64Mcg::seed_from_u64(seed),
            order: Vec::new(),
            next: n,
            epoch: 0,
        }
    }

    /// The number of batches (steps) per epoch, `⌈n / batch_size⌉`.
    pub fn per_epoch(&self) -> usize {
        self.n.div_ceil(self.batch_size)
    }

    /// The next batch and its epoch (from 1).
    pub fn next_batch(&mut self) -> (usize, &[usize]) {
        if self.next >= self.n {
            self.epoch += 1;
            self.next = 0;
            self.order = if self.batch_size >= self.n {
                (0..self.n).collect()
            } else {
                data::permutation(self.n, &mut self.rng)
            };
        }
        let start = self.next;
        self.next = (start + self.batch_size).min(self.n);
        (self.epoch, &self.order[start..self.next])
    }

    /// The batch of step `step` (from 1) of batches of `batch_size` out of `n` samples
    /// shuffled from `seed`: what [`Batches::next_batch`] returns the `step`-th time, by
    /// replaying the batches before it (a permutation of `n` per epoch). Empty for step 0.
    pub fn of_step(n: usize, batch_size: usize, seed: u64, step: usize) -> Vec<usize> {
        if step == 0 || n == 0 {
            return Vec::new();
        }
        let mut batches = Batches::new(n, batch_size, seed);
        for _ in 1..step {
            batches.next_batch();
        }
        batches.next_batch().1.to_vec()
    }
}

/// A model's training: the parameters after every step and the losses along the way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// `params[k]`: the parameters after `k` steps (`params[0]` is the start).
    pub params: Vec<Vec<f64>>,
    /// `batch_loss[k]`: the loss on the batch of step `k + 1`, at `params[k]` (with that
    /// step's dropout mask), one per step taken.
    pub batch_loss: Vec<f64>,
    /// `full_loss[k]`: [`Model::loss`] at `params[k]` (all training samples, penalty included,
    /// no dropout).
    pub full_loss: Vec<f64>,
    /// `val_loss[k]`: [`Model::val_loss`] at `params[k]`, for models with a validation set.
    pub val_loss: Option<Vec<f64>>,
    /// `epochs[k]`: the epoch (from 1) that step `k` belongs to; 0 for the start.
    pub epochs: Vec<usize>,
    /// `Some(k)` when step `k` produced a non-finite loss, gradient or parameter: training
    /// stopped and `params` ends with the last finite point (after `k − 1` steps); `Some(0)`
    /// when the start itself is not finite.
    pub diverged_at: Option<usize>,
    /// The step with the lowest validation loss (the first one on ties): where early stopping
    /// would have kept the parameters.
    pub best_val_step: Option<usize>,
}

impl Training {
    /// The number of steps taken.
    pub fn steps(&self) -> usize {
        self.params.len() - 1
    }

    /// The last parameters.
    pub fn last(&self) -> &[f64] {
        self.params.last().expect("the start is always there")
    }
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// The most parameters a model may have for a second-order optimizer (Newton) to train it.
/// Its Hessian by central differences ([`Trainer`]) costs 2·d gradients of the batch a step,
/// so a step costs about d² gradient coordinates times the batch. Measured in the page's wasm
/// (headless Chromium on a busy 2-core machine, full batch of n = 500, the fastest of 31
/// steps; `tests/browser/newton-step.mjs`, RELIABILITY.md), one Newton step of the network
/// takes 1.0 ms at 17 parameters (4 hidden units), 5.5 ms at 25, 12 ms at 33 and 0.54 s at 257
/// (64 hidden units): this bound keeps a step well under a frame. Polynomial regression (at
/// most 13 parameters) and the two linear models are always within it.
pub const MAX_SECOND_ORDER_PARAMS: usize = 17;

/// Refuses a second-order optimizer (`optimizer`, which [`Optimizer::needs_hessian`]) on a
/// model of `dim` parameters beyond [`MAX_SECOND_ORDER_PARAMS`], naming the optimizer, the
/// parameter count and the allowed values; any first-order optimizer, or a model within the
/// bound, passes.
pub fn check_second_order(
    kind: OptimizerKind,
    optimizer: &dyn Optimizer,
    dim: usize,
) -> Result<(), Error> {
    if !optimizer.needs_hessian() || dim <= MAX_SECOND_ORDER_PARAMS {
        return Ok(());
    }
    Err(Error::new("error.model.second_order")
        .with("optimizer", kind.id())
        .with("dim", dim)
        .with("max", MAX_SECOND_ORDER_PARAMS)
        .with("hidden", (MAX_SECOND_ORDER_PARAMS - 1) / 4))
}

/// The Hessian of the batch loss by central differences of the gradient (step
/// `1e-5·max(1, |θᵢ|)`), symmetrised: what second-order optimizers (Newton) get on models,
/// which state no Hessian of their own. Exact up to rounding for the quadratic losses
/// (linear and polynomial regression without L1).
fn hessian(model: &dyn Model, params: &[f64], batch: &[usize], step: usize) -> DMatrix<f64> {
    let d = params.len();
    let mut h = DMatrix::zeros(d, d);
    let mut theta = params.to_vec();
    let (mut gp, mut gm) = (vec![0.0; d], vec![0.0; d]);
    for j in 0..d {
        let e = 1e-5 * params[j].abs().max(1.0);
        theta[j] = params[j] + e;
        model.train_loss_grad(&theta, batch, step, &mut gp);
        theta[j] = params[j] - e;
        model.train_loss_grad(&theta, batch, step, &mut gm);
        theta[j] = params[j];
        for i in 0..d {
            h[(i, j)] = (gp[i] - gm[i]) / (2.0 * e);
        }
    }
    (h.clone() + h.transpose()) * 0.5
}

/// Trains `model` from `init` for up to `steps` steps of `spec`'s optimizer, with its
/// schedule, gradient noise and clipping ([`shape_grad`]), on batches of `batch_size`
/// samples ([`Batches`], shuffled from `seed`): `batch_size = 1` is stochastic gradient
/// descent, `batch_size ≥ n` batch gradient descent, anything between mini-batch. The same
/// as a [`Trainer`] run to the end.
///
/// Step `k` takes the gradient of its batch at `params[k − 1]`
/// ([`Model::train_loss_grad`]), shapes it, and lets the optimizer move with the learning
/// rate `spec.schedule.lr(lr, k − 1)`. Second-order optimizers (Newton) get the
/// finite-difference Hessian of the batch loss. A non-finite loss, gradient, Hessian or
/// parameter ends training as diverged (no panic).
///
/// Errors: the configuration (as [`RunSpec::validate`] and [`crate::core::optim::RunConfig::build`]
/// check it), a second-order optimizer on a model too large for it ([`check_second_order`]),
/// `init` of the wrong length, `batch_size = 0`, or a model without samples.
pub fn train(
    model: &dyn Model,
    spec: &RunSpec,
    init: &[f64],
    steps: usize,
    batch_size: usize,
    seed: u64,
) -> Result<Training, Error> {
    let mut trainer = Trainer::new(model, spec, init, steps, batch_size, seed)?;
    trainer.advance(model, steps);
    Ok(trainer.into_training())
}

/// A training that advances a few steps at a time: [`train`] split up, so that a page can
/// train what it shows first and the rest over later frames, never blocking for the whole
/// run. Any split gives bit for bit the [`Training`] of one [`train`] call.
pub struct Trainer {
    spec: RunSpec,
    optimizer: Box<dyn Optimizer>,
    rng: Option<Pcg64Mcg>,
    batches: Batches,
    base_lr: f64,
    theta: Vec<f64>,
    grad: Vec<f64>,
    steps: usize,
    t: Training,
}

impl Trainer {
    /// A training of `model` from `init` for up to `steps` steps (as [`train`] describes),
    /// with only the start evaluated; the errors are [`train`]'s.
    pub fn new(
        model: &dyn Model,
        spec: &RunSpec,
        init: &[f64],
        steps: usize,
        batch_size: usize,
        seed: u64,
    ) -> Result<Trainer, Error> {
        spec.validate()?;
        let optimizer = spec.optimizer.build()?;
        check_second_order(spec.optimizer.kind, optimizer.as_ref(), model.dim())?;
        if init.len() != model.dim() {
            return Err(Error::new("error.model.init_len")
                .with("dim", model.dim())
                .with("given", init.len()));
        }
        if batch_size == 0 || model.samples() == 0 {
            return Err(err!("error.model.no_samples"));
        }
        let theta = init.to_vec();
        let loss0 = model.loss(&theta);
        let val0 = model.val_loss(&theta);
        let mut t = Training {
            params: vec![theta.clone()],
            batch_loss: Vec::new(),
            full_loss: vec![loss0],
            val_loss: val0.map(|v| vec![v]),
            epochs: vec![0],
            diverged_at: None,
            best_val_step: val0.map(|_| 0),
        };
        if !(all_finite(&theta) && loss0.is_finite() && val0.is_none_or(f64::is_finite)) {
            t.diverged_at = Some(0);
        }
        Ok(Trainer {
            rng: spec.noise.map(|n| Pcg64Mcg::seed_from_u64(n.seed)),
            batches: Batches::new(model.samples(), batch_size, seed),
            base_lr: spec.optimizer.lr(),
            spec: spec.clone(),
            optimizer,
            grad: vec![0.0; model.dim()],
            theta,
            steps,
            t,
        })
    }

    /// The training so far: the steps taken, and the best validation step among them.
    pub fn training(&self) -> &Training {
        &self.t
    }

    /// The training so far, as a value.
    pub fn into_training(self) -> Training {
        self.t
    }

    /// Whether training has ended: every step taken, or diverged.
    pub fn done(&self) -> bool {
        self.t.diverged_at.is_some() || self.t.steps() >= self.steps
    }

    /// Takes steps until `until` steps are taken (at most the training's `steps`), training
    /// ends, or `more()` says to stop (asked before each step: a time budget). `model` must
    /// be the model the trainer was made for. Returns whether it stopped for `more`.
    pub fn advance_while(
        &mut self,
        model: &dyn Model,
        until: usize,
        more: &mut dyn FnMut() -> bool,
    ) -> bool {
        let until = until.min(self.steps);
        while self.t.diverged_at.is_none() && self.t.steps() < until {
            if !more() {
                return true;
            }
            self.step(model);
        }
        false
    }

    /// Takes steps until `until` steps are taken (at most the training's `steps`) or training
    /// ends.
    pub fn advance(&mut self, model: &dyn Model, until: usize) {
        self.advance_while(model, until, &mut || true);
    }

    /// One step (the `k`-th, from 1), or the divergence that ends training.
    fn step(&mut self, model: &dyn Model) {
        let k = self.t.steps() + 1;
        let (epoch, batch) = self.batches.next_batch();
        let theta = &self.theta;
        let batch_loss = model.train_loss_grad(theta, batch, k, &mut self.grad);
        let h = self
            .optimizer
            .needs_hessian()
            .then(|| hessian(model, theta, batch, k));
        if !(batch_loss.is_finite()
            && all_finite(&self.grad)
            && h.as_ref().is_none_or(|h| all_finite(h.as_slice())))
        {
            self.t.diverged_at = Some(k);
            return;
        }
        shape_grad(&self.spec, &mut self.grad, &mut self.rng);
        let lr = self.spec.schedule.lr(self.base_lr, k - 1);
        let mut next = self.theta.clone();
        self.optimizer.step(&mut next, &self.grad, lr, h.as_ref());
        let loss = model.loss(&next);
        let val = model.val_loss(&next);
        if !(all_finite(&self.grad)
            && all_finite(&next)
            && loss.is_finite()
            && val.is_none_or(f64::is_finite))
        {
            self.t.diverged_at = Some(k);
            return;
        }
        self.theta = next;
        let t = &mut self.t;
        t.params.push(self.theta.clone());
        t.batch_loss.push(batch_loss);
        t.full_loss.push(loss);
        t.epochs.push(epoch);
        if let (Some(vs), Some(v)) = (t.val_loss.as_mut(), val) {
            // The first lowest, as early stopping keeps it.
            if t.best_val_step.is_some_and(|b| v < vs[b]) {
                t.best_val_step = Some(vs.len());
            }
            vs.push(v);
        }
    }
}

/// The numerically stable `softplus(z) = ln(1 + eᶻ)`: `max(z, 0) + ln(1 + e^(−|z|))`, which
/// neither overflows for large `z` nor loses everything to rounding for very negative `z`.
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The logistic function `σ(z) = 1 / (1 + e^(−z))`, computed without overflow on either side.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Binary cross-entropy of the logit `z` against the label `y`:
/// `−[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y·z`, the stable form (using
/// `ln σ(z) = −softplus(−z)` and `ln(1 − σ(z)) = −softplus(z)`).
pub fn bce_with_logit(z: f64, y: bool) -> f64 {
    softplus(z) - if y { z } else { 0.0 }
}
