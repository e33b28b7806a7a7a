//! Lion, evolved sign momentum (Chen et al., 2023, "Symbolic Discovery of Optimization
//! Algorithms"), as optax.lion; torch has no Lion.

use super::descriptor::{BETA1, BETA2, Descriptor, LR, WEIGHT_DECAY};
use super::{Optimizer, Rate, StateVar};
use nalgebra::DMatrix;

/// Lion (Chen et al. 2023), as `optax.lion`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "lion",
    label: "Lion",
    reference: "optax.lion(learning_rate, b1, b2, weight_decay) (Chen et al. 2023)",
    params: &[
        LR.with_default(1e-4),
        BETA1,
        BETA2.with_default(0.99),
        WEIGHT_DECAY,
    ],
    flags: &[],
    build: |c| {
        Ok(Box::new(Lion::new(
            c.known_betas(),
            c.known("weight_decay"),
        )))
    },
};

/// Lion(lr, b1, b2, weight_decay) as optax.lion computes it, in f64.
///
/// With `m = 0` before the first step:
///
/// ```text
/// g  = ∇f(θ)
/// c  = (1 − β₁) g + β₁ m
/// θ ← θ − η (sign(c) + λ θ)       (decoupled weight decay λ, 0 unless asked; sign(0) = 0)
/// m ← (1 − β₂) g + β₂ m
/// ```
///
/// Every coordinate moves by exactly η (plus decay) per step: Lion's learning rate is usually
/// 3–10× smaller than AdamW's, hence its default of 1e-4.
#[derive(Clone, Debug)]
pub struct Lion {
    betas: [f64; 2],
    weight_decay: f64,
    m: Vec<f64>,
}

impl Lion {
    fn new(betas: [f64; 2], weight_decay: f64) -> Self {
        Self {
            betas,
            weight_decay,
            m: Vec::new(),
        }
    }
}

/// `sign(x)` with `sign(0) = 0`, as jnp.sign (f64::signum gives ±1 at ±0).
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

impl Lion {
    /// One step's per-coordinate update, `DECAY` when `λ ≠ 0`.
    #[inline(never)]
    fn update<const DECAY: bool>(&mut self, params: &mut [f64], grad: &[f64], lr: Rate<'_>) {
        let [b1, b2] = self.betas;
        let weight_decay = self.weight_decay;
        let n = params.len();
        let (grad, m) = (&grad[..n], &mut self.m[..n]);
        for_each_rate!(lr, n, |lr| lr, |i, lr| {
            let p = &mut params[i];
            let g = grad[i];
            let mut update = sign((1.0 - b1) * g + b1 * m[i]);
            if DECAY {
                update += weight_decay * *p;
            }
            *p += -lr * update;
            m[i] = (1.0 - b2) * g + b2 * m[i];
        });
    }
}

impl Optimizer for Lion {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        if self.m.is_empty() {
            self.m = vec![0.0; params.len()];
        }
        unswitch!(Self::update[self.weight_decay != 0.0](
            self, params, grad, lr
        ));
    }

    /// optax's `mu`, the momentum `m` (Lion's rule needs no step count).
    fn state(&self) -> Vec<StateVar> {
        vec![StateVar::new("mu", "m", self.m.clone())]
    }
}
