//! Adamax, Adam's infinity-norm variant (Kingma & Ba, 2015, §7.1): torch.optim.Adamax.

use super::descriptor::{BETA1, BETA2, Descriptor, EPS, LR, WEIGHT_DECAY};
use super::{Optimizer, Rate, StateVar, decayed, lerp};
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
    t: u32,
    m: Vec<f64>,
    u: Vec<f64>,
}

impl Adamax {
    fn new(betas: [f64; 2], eps: f64, weight_decay: f64) -> Self {
        Self {
            betas,
            eps,
            weight_decay,
            t: 0,
            m: Vec::new(),
            u: Vec::new(),
        }
    }
}

impl Adamax {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`; `bias_correction` is `1 − β₁ᵗ`.
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
        let (grad, m, u) = (&grad[..n], &mut self.m[..n], &mut self.u[..n]);
        for_each_rate!(lr, n, |lr| lr / bias_correction, |i, clr| {
            let p = &mut params[i];
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            m[i] = lerp(m[i], g, 1.0 - beta1);
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
        if self.t == 0 {
            self.m = vec![0.0; params.len()];
            self.u = vec![0.0; params.len()];
        }
        self.t += 1;
        let beta1 = self.betas[0];
        let bias_correction = 1.0 - beta1.powf(f64::from(self.t));
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
        vec![
            StateVar::scalar("step", "t", f64::from(self.t)),
            StateVar::new("exp_avg", "m", self.m.clone()),
            StateVar::new("exp_inf", "u", self.u.clone()),
        ]
    }
}
