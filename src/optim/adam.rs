//! Adam (Kingma & Ba, 2015): torch.optim.Adam.

use super::{BETA1, BETA2, ConfigError, EPS, LR, Optimizer, WEIGHT_DECAY};

pub(super) const RULE: &str = "g ← ∇f(θ) + λθ\nm ← β₁ m + (1 − β₁) g\nv ← β₂ v + (1 − β₂) g²\nm̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)\nθ ← θ − η m̂ / (√v̂ + ε)";

/// torch.optim.Adam(lr, betas, eps, weight_decay), in f64.
///
/// At step t = 1, 2, …, with `m = v = 0` before the first step:
///
/// ```text
/// g  = ∇f(θ) + λ θ                      (weight_decay λ: L2 added to the gradient)
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η m̂ / (√v̂ + ε)
/// ```
///
/// The arithmetic follows torch's single-tensor implementation operation for operation
/// (`m.lerp_(g, 1 − β₁)`, `denom = √v / √(1 − β₂ᵗ) + ε`, `θ.addcdiv_(m, denom, −η / (1 − β₁ᵗ))`),
/// so results agree with torch in f64 to the last few bits.
#[derive(Clone, Debug)]
pub struct Adam {
    lr: f64,
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    t: u32,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    /// A new optimizer; each value is checked against torch's allowed range
    /// (`lr ≥ 0`, `0 ≤ β₁, β₂ < 1`, `eps ≥ 0`, `weight_decay ≥ 0`).
    pub fn new(lr: f64, betas: [f64; 2], eps: f64, weight_decay: f64) -> Result<Self, ConfigError> {
        Ok(Self {
            lr: LR.check(lr)?,
            betas: [BETA1.check(betas[0])?, BETA2.check(betas[1])?],
            eps: EPS.check(eps)?,
            weight_decay: WEIGHT_DECAY.check(weight_decay)?,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        })
    }
}

/// torch's `lerp(start, end, weight)`, computed as its CPU kernel does.
fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}

impl Optimizer for Adam {
    fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        if self.t == 0 {
            self.m = vec![0.0; params.len()];
            self.v = vec![0.0; params.len()];
        }
        self.t += 1;
        let [beta1, beta2] = self.betas;
        let t = f64::from(self.t);
        let bias_correction1 = 1.0 - beta1.powf(t);
        let bias_correction2 = 1.0 - beta2.powf(t);
        let step_size = self.lr / bias_correction1;
        let bias_correction2_sqrt = bias_correction2.sqrt();
        for (((p, &g0), m), v) in params
            .iter_mut()
            .zip(grad)
            .zip(self.m.iter_mut())
            .zip(self.v.iter_mut())
        {
            let g = if self.weight_decay != 0.0 {
                g0 + self.weight_decay * *p
            } else {
                g0
            };
            *m = lerp(*m, g, 1.0 - beta1);
            *v = *v * beta2 + (1.0 - beta2) * (g * g);
            let denom = v.sqrt() / bias_correction2_sqrt + self.eps;
            *p += -step_size * (*m / denom);
        }
    }
}
