//! Stochastic gradient descent with optional heavy-ball or Nesterov momentum: torch.optim.SGD.

use super::descriptor::{Descriptor, Flag, HyperParam, LR, MOMENTUM, Scale, WEIGHT_DECAY};
use super::{Optimizer, Rate, StateVar};
use nalgebra::DMatrix;

/// Plain gradient descent: torch `SGD(lr)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "sgd",
    label: "Gradient descent",
    reference: "torch.optim.SGD(lr)",
    params: &[LR, WEIGHT_DECAY],
    flags: &[],
    build: |c| {
        Ok(Box::new(Sgd::new(
            0.0,
            0.0,
            c.known("weight_decay"),
            false,
            false,
        )))
    },
};

/// Heavy-ball momentum: torch `SGD(lr, momentum, dampening)`.
pub(super) const DESCRIPTOR_MOMENTUM: Descriptor = Descriptor {
    id: "momentum",
    label: "Momentum",
    reference: "torch.optim.SGD(lr, momentum, dampening)",
    params: &[LR, MOMENTUM, DAMPENING, WEIGHT_DECAY],
    flags: &[CLASSICAL],
    build: |c| {
        Ok(Box::new(Sgd::new(
            c.known("momentum"),
            c.known("dampening"),
            c.known("weight_decay"),
            false,
            c.known_flag("classical"),
        )))
    },
};

/// Nesterov momentum: torch `SGD(lr, momentum, nesterov=True)`, which needs μ > 0.
pub(super) const DESCRIPTOR_NESTEROV: Descriptor = Descriptor {
    id: "nesterov",
    label: "Nesterov",
    reference: "torch.optim.SGD(lr, momentum, nesterov=True)",
    params: &[LR, MOMENTUM, WEIGHT_DECAY],
    flags: &[CLASSICAL],
    build: |c| {
        if c.known("momentum") <= 0.0 {
            return Err(crate::err!("error.optim.nesterov"));
        }
        Ok(Box::new(Sgd::new(
            c.known("momentum"),
            0.0,
            c.known("weight_decay"),
            true,
            c.known_flag("classical"),
        )))
    },
};

/// Dampening τ of the momentum buffer (torch's `dampening`).
const DAMPENING: HyperParam = HyperParam {
    name: "dampening",
    symbol: "τ",
    label: "dampening",
    default: 0.0,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: true,
    slider: [0.0, 1.0],
    scale: Scale::Linear,
};

/// The textbook form of momentum, with η in the velocity.
const CLASSICAL: Flag = Flag {
    name: "classical",
    label: "textbook momentum",
    default: false,
    doc: "torch: b ← μb + g, θ ← θ − η b; textbook: v ← μv + η g, θ ← θ − v (the learning rate \
          enters the velocity, so the two differ once η changes mid-run)",
};

/// torch.optim.SGD(lr, momentum, dampening, weight_decay, nesterov), in f64.
///
/// At step t with learning rate η, in torch's form (the default):
///
/// ```text
/// g  = ∇f(θ) + λ θ                         (weight_decay λ; skipped when λ = 0)
/// b  = g                        at t = 1   (only when momentum μ ≠ 0)
/// b  = μ b + (1 − τ) g          at t > 1   (dampening τ)
/// d  = g + μ b  (nesterov)  or  b  (heavy ball)  or  g  (μ = 0)
/// θ ← θ − η d
/// ```
///
/// With `classical` set, the textbook form the course notes use, where the learning rate is
/// folded into the velocity when it is accumulated rather than when it is applied:
///
/// ```text
/// v  = η g                      at t = 1
/// v  = μ v + (1 − τ) η g        at t > 1
/// θ ← θ − (μ v + η g)  (nesterov)  or  θ ← θ − v  (heavy ball)
/// ```
///
/// The two give the same trajectory while η is constant (then v = η b); they part as soon as
/// a schedule changes η, because torch rescales the whole accumulated velocity by the new η.
#[derive(Clone, Debug)]
pub struct Sgd {
    momentum: f64,
    dampening: f64,
    weight_decay: f64,
    nesterov: bool,
    classical: bool,
    buf: Option<Vec<f64>>,
}

impl Sgd {
    fn new(
        momentum: f64,
        dampening: f64,
        weight_decay: f64,
        nesterov: bool,
        classical: bool,
    ) -> Self {
        Self {
            momentum,
            dampening,
            weight_decay,
            nesterov,
            classical,
            buf: None,
        }
    }
}

impl Sgd {
    /// One step's per-coordinate update, with the settings as constants: `L2` when `λ ≠ 0`,
    /// `MOMENTUM` when `μ ≠ 0` (and only then `CLASSICAL`, `NESTEROV`, and `FIRST` at the
    /// first step, which sets the buffer).
    #[inline(never)]
    fn update<
        const L2: bool,
        const MOMENTUM: bool,
        const CLASSICAL: bool,
        const NESTEROV: bool,
        const FIRST: bool,
    >(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
    ) {
        let (mu, dampening, weight_decay) = (self.momentum, self.dampening, self.weight_decay);
        let n = params.len();
        let buf = self.buf.as_mut().expect("created at the first step");
        let (grad, buf) = (&grad[..n], &mut buf[..n]);
        for_each_rate!(lr, n, |lr| lr, |i, lr| {
            let (p, g0, b) = (&mut params[i], grad[i], &mut buf[i]);
            let g = if L2 { g0 + weight_decay * *p } else { g0 };
            if !MOMENTUM {
                *p += -lr * g;
            } else if CLASSICAL {
                // b holds the velocity v, in parameter units.
                *b = if FIRST {
                    lr * g
                } else {
                    mu * *b + (1.0 - dampening) * (lr * g)
                };
                *p -= if NESTEROV { mu * *b + lr * g } else { *b };
            } else {
                *b = if FIRST {
                    g
                } else {
                    *b * mu + (1.0 - dampening) * g
                };
                let d = if NESTEROV { g + mu * *b } else { *b };
                *p += -lr * d;
            }
        });
    }
}

impl Optimizer for Sgd {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        let first = self.buf.is_none();
        if first {
            self.buf = Some(vec![0.0; params.len()]);
        }
        let momentum = self.momentum != 0.0;
        unswitch!(Self::update [
            self.weight_decay != 0.0,
            momentum,
            momentum && self.classical,
            momentum && self.nesterov,
            momentum && first
        ] (self, params, grad, lr));
    }

    /// torch's `momentum_buffer` `b` (the velocity `v` with `classical`): empty before the
    /// first step, which sets it; nothing at all without momentum.
    fn state(&self) -> Vec<StateVar> {
        if self.momentum == 0.0 {
            return Vec::new();
        }
        let values = self.buf.clone().unwrap_or_default();
        vec![if self.classical {
            StateVar::new("velocity", "v", values)
        } else {
            StateVar::new("momentum_buffer", "b", values)
        }]
    }
}
