//! AdaGrad (Duchi, Hazan & Singer, 2011): torch.optim.Adagrad.

use super::descriptor::{Descriptor, EPS, HyperParam, LR, Scale, WEIGHT_DECAY};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "adagrad",
    label: "AdaGrad",
    reference: "torch.optim.Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps)",
    params: &[
        LR.with_default(1e-2),
        LR_DECAY,
        WEIGHT_DECAY,
        INITIAL_ACCUMULATOR,
        EPS.with_default(1e-10),
    ],
    flags: &[],
    build: |c| {
        Ok(Box::new(Adagrad::new(
            c.known("lr_decay"),
            c.known("weight_decay"),
            c.known("initial_accumulator_value"),
            c.known("eps"),
        )))
    },
};

/// Adagrad's learning-rate decay κ.
const LR_DECAY: HyperParam = HyperParam {
    name: "lr_decay",
    symbol: "κ",
    label: "lr decay",
    default: 0.0,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 0.1],
    scale: Scale::Linear,
};

/// Adagrad's initial accumulator value s₀.
const INITIAL_ACCUMULATOR: HyperParam = HyperParam {
    name: "initial_accumulator_value",
    symbol: "s₀",
    label: "initial accumulator",
    default: 0.0,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 1.0],
    scale: Scale::Linear,
};

/// torch.optim.Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps), in f64.
///
/// With `s = s₀` (initial_accumulator_value) before the first step, at step t:
///
/// ```text
/// g  = ∇f(θ) + λ θ
/// η̃  = η / (1 + (t − 1) κ)          (lr_decay κ)
/// s ← s + g²
/// θ ← θ − η̃ g / (√s + ε)
/// ```
#[derive(Clone, Debug)]
pub struct Adagrad {
    lr_decay: f64,
    weight_decay: f64,
    initial: f64,
    eps: f64,
    t: u64,
    sum: Vec<f64>,
}

impl Adagrad {
    fn new(lr_decay: f64, weight_decay: f64, initial: f64, eps: f64) -> Self {
        Self {
            lr_decay,
            weight_decay,
            initial,
            eps,
            t: 0,
            sum: Vec::new(),
        }
    }
}

impl Adagrad {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`; `decay` is `1 + (t − 1) κ`.
    #[inline(never)]
    fn update<const L2: bool>(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        decay: f64,
    ) {
        let (weight_decay, eps) = (self.weight_decay, self.eps);
        let n = params.len();
        let (grad, sum) = (&grad[..n], &mut self.sum[..n]);
        for_each_rate!(lr, n, |lr| lr / decay, |i, clr| {
            let (p, s) = (&mut params[i], &mut sum[i]);
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            *s += g * g;
            let std = s.sqrt() + eps;
            *p += -clr * (g / std);
        });
    }
}

impl Optimizer for Adagrad {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        if self.t == 0 {
            self.sum = vec![self.initial; params.len()];
        }
        self.t += 1;
        let decay = 1.0 + (self.t - 1) as f64 * self.lr_decay;
        unswitch!(Self::update[self.weight_decay != 0.0](
            self, params, grad, lr, decay
        ));
    }

    /// The step count `t` and torch's `sum` `s`.
    fn state(&self) -> Vec<StateVar> {
        vec![
            StateVar::scalar("step", "t", self.t as f64),
            StateVar::new("sum", "s", self.sum.clone()),
        ]
    }
}
