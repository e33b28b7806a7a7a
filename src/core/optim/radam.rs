//! RAdam, Adam with a rectified adaptive learning rate (Liu et al., 2020): torch.optim.RAdam.

use super::descriptor::{BETA1, BETA2, Descriptor, EPS, LR, WEIGHT_DECAY};
use super::moments::{Moments, average, average_sq, bias_correction, power};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `RAdam(lr, betas, eps, weight_decay)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "radam",
    label: "RAdam",
    reference: "torch.optim.RAdam(lr, betas, eps, weight_decay)",
    params: &[LR, BETA1, BETA2, EPS, WEIGHT_DECAY],
    flags: &[],
    build: |c| {
        Ok(Box::new(RAdam::new(
            c.known_betas(),
            c.known("eps"),
            c.known("weight_decay"),
        )))
    },
};

/// torch.optim.RAdam(lr, betas, eps, weight_decay), in f64.
///
/// With `m = v = 0` before the first step, at step t:
///
/// ```text
/// g   = ∇f(θ) + λ θ
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// m̂   = m / (1 − β₁ᵗ)
/// ρ∞  = 2 / (1 − β₂) − 1,   ρₜ = ρ∞ − 2 t β₂ᵗ / (1 − β₂ᵗ)
/// if ρₜ > 5:  l = √(1 − β₂ᵗ) / (√v + ε)
///             r = √((ρₜ − 4)(ρₜ − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρₜ))
///             θ ← θ − η m̂ l r
/// else:       θ ← θ − η m̂          (momentum SGD while the variance estimate is unreliable)
/// ```
#[derive(Clone, Debug)]
pub struct RAdam {
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    /// The step count `t` and `m`, `v`.
    moments: Moments<2>,
}

impl RAdam {
    fn new(betas: [f64; 2], eps: f64, weight_decay: f64) -> Self {
        Self {
            betas,
            eps,
            weight_decay,
            moments: Moments::new(),
        }
    }
}

impl RAdam {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`, `RECTIFIED` when `ρₜ > 5`;
    /// `scalars` is `(1 − β₁ᵗ, 1 − β₂ᵗ, r)`.
    #[inline(never)]
    fn update<const L2: bool, const RECTIFIED: bool>(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        scalars: [f64; 3],
    ) {
        let [bias_correction1, bias_correction2, rect] = scalars;
        let [beta1, beta2] = self.betas;
        let (eps, weight_decay) = (self.eps, self.weight_decay);
        let n = params.len();
        let grad = &grad[..n];
        let [m, v] = self.moments.split(n);
        for_each_rate!(lr, n, |lr| lr, |i, lr| {
            let p = &mut params[i];
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            m[i] = average(m[i], g, beta1);
            v[i] = average_sq(v[i], g, beta2);
            let m_hat = m[i] / bias_correction1;
            if RECTIFIED {
                let adaptive = bias_correction2.sqrt() / (v[i].sqrt() + eps);
                *p += -(m_hat * lr * adaptive * rect);
            } else {
                *p += -(m_hat * lr);
            }
        });
    }
}

impl Optimizer for RAdam {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        let t = self.moments.advance(params.len());
        let [beta1, beta2] = self.betas;
        let bias_correction1 = bias_correction(beta1, t);
        let bias_correction2 = bias_correction(beta2, t);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * power(beta2, 1.0, t) / bias_correction2;
        let rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt();
        unswitch!(Self::update [self.weight_decay != 0.0, rho_t > 5.0] (
            self,
            params,
            grad,
            lr,
            [bias_correction1, bias_correction2, rect],
        ));
    }

    /// The step count `t`, torch's `exp_avg` `m` and `exp_avg_sq` `v`.
    fn state(&self) -> Vec<StateVar> {
        let [m, v] = self.moments.buffers();
        vec![
            self.moments.step_var(),
            StateVar::new("exp_avg", "m", m.clone()),
            StateVar::new("exp_avg_sq", "v", v.clone()),
        ]
    }
}
