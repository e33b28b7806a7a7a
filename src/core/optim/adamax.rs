//! Adamax, Adam's infinity-norm variant (Kingma & Ba, 2015, §7.1): torch.optim.Adamax.

use super::descriptor::{BETA1, BETA2, Descriptor, EPS, LR, WEIGHT_DECAY};
use super::moments::{Moments, average, bias_correction};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `Adamax(lr, betas, eps, weight_decay)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "adamax",
    label: "Adamax",
    reference: "torch.optim.Adamax(lr, betas, eps, weight_decay)",
    params: &[LR.with_default(2e-3), BETA1, BETA2, EPS, WEIGHT_DECAY],
    flags: &[],
    build: |c| {
        Ok(Box::new(Adamax::new(
            c.known_betas(),
            c.known("eps"),
            c.known("weight_decay"),
        )))
    },
};

/// torch.optim.Adamax(lr, betas, eps, weight_decay), in f64.
///
/// With `m = u = 0` before the first step:
///
/// ```text
/// g  = ∇f(θ) + λ θ
/// m ← β₁ m + (1 − β₁) g
/// u ← max(β₂ u, |g| + ε)          (torch adds ε inside the max)
/// θ ← θ − η / (1 − β₁ᵗ) · m / u
/// ```
#[derive(Clone, Debug)]
pub struct Adamax {
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    /// The step count `t` and `m`, `u`.
    moments: Moments<2>,
}

impl Adamax {
    fn new(betas: [f64; 2], eps: f64, weight_decay: f64) -> Self {
        Self {
            betas,
            eps,
            weight_decay,
            moments: Moments::new(),
        }
    }
}

impl Adamax {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`; `bias_correction` is `1 − β₁ᵗ`.
    #[inline(never)]
    fn update<const L2: bool>(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        bias_correction: f64,
    ) {
        let [beta1, beta2] = self.betas;
        let (eps, weight_decay) = (self.eps, self.weight_decay);
        let n = params.len();
        let grad = &grad[..n];
        let [m, u] = self.moments.split(n);
        for_each_rate!(lr, n, |lr| lr / bias_correction, |i, clr| {
            let p = &mut params[i];
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            m[i] = average(m[i], g, beta1);
            u[i] = (u[i] * beta2).max(g.abs() + eps);
            *p += -clr * (m[i] / u[i]);
        });
    }
}

impl Optimizer for Adamax {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        let t = self.moments.advance(params.len());
        let bias_correction = bias_correction(self.betas[0], t);
        unswitch!(Self::update[self.weight_decay != 0.0](
            self,
            params,
            grad,
            lr,
            bias_correction
        ));
    }

    /// The step count `t`, torch's `exp_avg` `m` and `exp_inf` `u`.
    fn state(&self) -> Vec<StateVar> {
        let [m, u] = self.moments.buffers();
        vec![
            self.moments.step_var(),
            StateVar::new("exp_avg", "m", m.clone()),
            StateVar::new("exp_inf", "u", u.clone()),
        ]
    }
}
