//! Adadelta (Zeiler, 2012): torch.optim.Adadelta.

use super::descriptor::{Descriptor, EPS, HyperParam, LR, Scale, WEIGHT_DECAY};
use super::moments::{Moments, average_sq};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `Adadelta(lr, rho, eps, weight_decay)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "adadelta",
    label: "Adadelta",
    reference: "torch.optim.Adadelta(lr, rho, eps, weight_decay)",
    params: &[
        LR.with_default(1.0),
        RHO,
        EPS.with_default(1e-6),
        WEIGHT_DECAY,
    ],
    flags: &[],
    build: |c| {
        Ok(Box::new(Adadelta::new(
            c.known("rho"),
            c.known("eps"),
            c.known("weight_decay"),
        )))
    },
};

/// Adadelta's decay rate ρ.
const RHO: HyperParam = HyperParam {
    name: "rho",
    symbol: "ρ",
    label: "decay rate",
    default: 0.9,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: true,
    slider: [0.5, 0.999],
    scale: Scale::Decay,
};

/// torch.optim.Adadelta(lr, rho, eps, weight_decay), in f64.
///
/// With `v = u = 0` before the first step (u accumulates squared updates):
///
/// ```text
/// g  = ∇f(θ) + λ θ
/// v ← ρ v + (1 − ρ) g²
/// Δ  = √(u + ε) / √(v + ε) · g
/// u ← ρ u + (1 − ρ) Δ²
/// θ ← θ − η Δ                 (η = lr, 1.0 by default as in the paper's unit-free step)
/// ```
#[derive(Clone, Debug)]
pub struct Adadelta {
    rho: f64,
    eps: f64,
    weight_decay: f64,
    /// `v` and `u` (the step count is not part of Adadelta's state).
    moments: Moments<2>,
}

impl Adadelta {
    fn new(rho: f64, eps: f64, weight_decay: f64) -> Self {
        Self {
            rho,
            eps,
            weight_decay,
            moments: Moments::new(),
        }
    }
}

impl Adadelta {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`.
    #[inline(never)]
    fn update<const L2: bool>(&mut self, params: &mut [f64], grad: &[f64], lr: Rate<'_>) {
        let (rho, eps, weight_decay) = (self.rho, self.eps, self.weight_decay);
        let n = params.len();
        let grad = &grad[..n];
        let [square_avg, acc_delta] = self.moments.split(n);
        for_each_rate!(lr, n, |lr| lr, |i, lr| {
            let p = &mut params[i];
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            let v = &mut square_avg[i];
            *v = average_sq(*v, g, rho);
            let std = (*v + eps).sqrt();
            let u = &mut acc_delta[i];
            let delta = (*u + eps).sqrt() / std * g;
            *u = average_sq(*u, delta, rho);
            *p += -lr * delta;
        });
    }
}

impl Optimizer for Adadelta {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        self.moments.advance(params.len());
        unswitch!(Self::update[self.weight_decay != 0.0](
            self, params, grad, lr
        ));
    }

    /// torch's `square_avg` `v` and `acc_delta` `u`.
    fn state(&self) -> Vec<StateVar> {
        let [square_avg, acc_delta] = self.moments.buffers();
        vec![
            StateVar::new("square_avg", "v", square_avg.clone()),
            StateVar::new("acc_delta", "u", acc_delta.clone()),
        ]
    }
}
