//! Adamax, Adam's infinity-norm variant (Kingma & Ba, 2015, §7.1): torch.optim.Adamax.

use super::{Optimizer, Rate, StateVar, decayed, lerp};
use nalgebra::DMatrix;

pub(super) const RULE: &str =
    "g ← ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g\nu ← max(β₂ u, |g| + ε)\nθ ← θ − η / (1 − β₁ᵗ) · m / u";

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
    pub(super) fn new(betas: [f64; 2], eps: f64, weight_decay: f64) -> Self {
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
        let [beta1, beta2] = self.betas;
        let bias_correction = 1.0 - beta1.powf(f64::from(self.t));
        let n = params.len();
        let grad = &grad[..n];
        lr.each(
            n,
            |lr| lr / bias_correction,
            |i, clr| {
                let p = &mut params[i];
                let g = decayed(grad[i], *p, self.weight_decay);
                self.m[i] = lerp(self.m[i], g, 1.0 - beta1);
                self.u[i] = (self.u[i] * beta2).max(g.abs() + self.eps);
                *p += -clr * (self.m[i] / self.u[i]);
            },
        );
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
