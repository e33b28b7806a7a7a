//! NAdam, Adam with Nesterov momentum (Dozat, 2016): torch.optim.NAdam.

use super::descriptor::{BETA1, BETA2, Descriptor, EPS, HyperParam, LR, Scale, WEIGHT_DECAY};
use super::moments::{Moments, average, average_sq, bias_correction, power};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `NAdam(lr, betas, eps, weight_decay, momentum_decay)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "nadam",
    label: "NAdam",
    reference: "torch.optim.NAdam(lr, betas, eps, weight_decay, momentum_decay)",
    params: &[
        LR.with_default(2e-3),
        BETA1,
        BETA2,
        EPS,
        WEIGHT_DECAY,
        MOMENTUM_DECAY,
    ],
    flags: &[],
    build: |c| {
        Ok(Box::new(NAdam::new(
            c.known_betas(),
            c.known("eps"),
            c.known("weight_decay"),
            c.known("momentum_decay"),
        )))
    },
};

/// NAdam's momentum decay ψ.
const MOMENTUM_DECAY: HyperParam = HyperParam {
    name: "momentum_decay",
    symbol: "ψ",
    label: "momentum decay",
    default: 4e-3,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 0.02],
    scale: Scale::Linear,
};

/// torch.optim.NAdam(lr, betas, eps, weight_decay, momentum_decay), in f64.
///
/// With `m = v = 0` and the product `Π = 1` before the first step, at step t:
///
/// ```text
/// g   = ∇f(θ) + λ θ
/// μₜ  = β₁ (1 − ½ · 0.96^(t ψ)),   μₜ₊₁ = β₁ (1 − ½ · 0.96^((t+1) ψ))   (momentum_decay ψ)
/// Π ← Π · μₜ
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// d   = √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − η (1 − μₜ) / (1 − Π) · g / d
/// θ ← θ − η μₜ₊₁ / (1 − Π μₜ₊₁) · m / d
/// ```
#[derive(Clone, Debug)]
pub struct NAdam {
    betas: [f64; 2],
    eps: f64,
    weight_decay: f64,
    momentum_decay: f64,
    mu_product: f64,
    /// The step count `t` and `m`, `v`.
    moments: Moments<2>,
}

impl NAdam {
    fn new(betas: [f64; 2], eps: f64, weight_decay: f64, momentum_decay: f64) -> Self {
        Self {
            betas,
            eps,
            weight_decay,
            momentum_decay,
            mu_product: 1.0,
            moments: Moments::new(),
        }
    }
}

impl NAdam {
    /// One step's per-coordinate update, `L2` when `λ ≠ 0`; `scalars` is
    /// `(μₜ, μₜ₊₁, Πμᵢ, Πμᵢ·μₜ₊₁, 1 − β₂ᵗ)`.
    #[inline(never)]
    fn update<const L2: bool>(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        scalars: [f64; 5],
    ) {
        let [mu, mu_next, mu_product, mu_product_next, bias_correction2] = scalars;
        let [beta1, beta2] = self.betas;
        let (eps, weight_decay) = (self.eps, self.weight_decay);
        let n = params.len();
        let grad = &grad[..n];
        let [m, v] = self.moments.split(n);
        for_each_rate!(
            lr,
            n,
            |lr| (
                -lr * (1.0 - mu) / (1.0 - mu_product),
                -lr * mu_next / (1.0 - mu_product_next),
            ),
            |i, (grad_scale, avg_scale)| {
                let p = &mut params[i];
                let g = decayed::<L2>(grad[i], *p, weight_decay);
                m[i] = average(m[i], g, beta1);
                v[i] = average_sq(v[i], g, beta2);
                let denom = (v[i] / bias_correction2).sqrt() + eps;
                *p += grad_scale * (g / denom);
                *p += avg_scale * (m[i] / denom);
            }
        );
    }
}

impl Optimizer for NAdam {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        let t = self.moments.advance(params.len());
        let [beta1, beta2] = self.betas;
        let bias_correction2 = bias_correction(beta2, t);
        let mu = beta1 * (1.0 - 0.5 * power(0.96, self.momentum_decay, t));
        let mu_next = beta1 * (1.0 - 0.5 * power(0.96, self.momentum_decay, t + 1.0));
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let mu_product = self.mu_product;
        unswitch!(Self::update[self.weight_decay != 0.0](
            self,
            params,
            grad,
            lr,
            [mu, mu_next, mu_product, mu_product_next, bias_correction2],
        ));
    }

    /// The step count `t`, torch's `mu_product` `Π`, `exp_avg` `m` and `exp_avg_sq` `v`.
    fn state(&self) -> Vec<StateVar> {
        let [m, v] = self.moments.buffers();
        vec![
            self.moments.step_var(),
            StateVar::scalar("mu_product", "Π", self.mu_product),
            StateVar::new("exp_avg", "m", m.clone()),
            StateVar::new("exp_avg_sq", "v", v.clone()),
        ]
    }
}
