//! Stochastic gradient descent with optional heavy-ball momentum: torch.optim.SGD.

use super::{ConfigError, DAMPENING, LR, MOMENTUM, Optimizer, WEIGHT_DECAY};

pub(super) const RULE_PLAIN: &str = "g ← ∇f(θ) + λθ\nθ ← θ − η g";
pub(super) const RULE_MOMENTUM: &str =
    "g ← ∇f(θ) + λθ\nb ← g (first step), else b ← μ b + (1 − τ) g\nθ ← θ − η b";

/// torch.optim.SGD(lr, momentum, dampening, weight_decay), in f64.
///
/// At step t, with gradient `∇f(θ)`:
///
/// ```text
/// g  = ∇f(θ) + λ θ                       (weight_decay λ; skipped when λ = 0)
/// b  = g                       at t = 1  (momentum μ ≠ 0 only)
/// b  = μ b + (1 − τ) g         at t > 1  (dampening τ)
/// θ ← θ − η b                            (η = lr; with μ = 0, θ ← θ − η g)
/// ```
///
/// This is torch's form: the learning rate multiplies the velocity when it is applied, so
/// `b` is measured in gradient units. The textbook form `v = μ v + η g; θ ← θ − v` gives the
/// same trajectory as long as η and τ = 0 stay fixed.
#[derive(Clone, Debug)]
pub struct Sgd {
    lr: f64,
    momentum: f64,
    dampening: f64,
    weight_decay: f64,
    buf: Option<Vec<f64>>,
}

impl Sgd {
    /// A new optimizer; each value is checked against torch's allowed range
    /// (`lr ≥ 0`, `momentum ≥ 0`, `0 ≤ dampening ≤ 1`, `weight_decay ≥ 0`).
    pub fn new(
        lr: f64,
        momentum: f64,
        dampening: f64,
        weight_decay: f64,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            lr: LR.check(lr)?,
            momentum: MOMENTUM.check(momentum)?,
            dampening: DAMPENING.check(dampening)?,
            weight_decay: WEIGHT_DECAY.check(weight_decay)?,
            buf: None,
        })
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        let first = self.buf.is_none();
        let buf = self.buf.get_or_insert_with(|| vec![0.0; params.len()]);
        for ((p, &g0), b) in params.iter_mut().zip(grad).zip(buf.iter_mut()) {
            let mut g = g0;
            if self.weight_decay != 0.0 {
                g += self.weight_decay * *p;
            }
            if self.momentum != 0.0 {
                *b = if first {
                    g
                } else {
                    *b * self.momentum + (1.0 - self.dampening) * g
                };
                g = *b;
            }
            *p += -self.lr * g;
        }
    }
}
