//! RMSprop (Tieleman & Hinton, 2012): torch.optim.RMSprop.

use super::descriptor::{
    Descriptor, EPS, EPS_INSIDE_SQRT, Flag, HyperParam, LR, MOMENTUM, Scale, WEIGHT_DECAY,
};
use super::moments::{Moments, average, average_sq};
use super::{Optimizer, Rate, StateVar, decayed};
use nalgebra::DMatrix;

/// torch `RMSprop(lr, alpha, eps, weight_decay, momentum, centered)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "rmsprop",
    label: "RMSprop",
    reference: "torch.optim.RMSprop(lr, alpha, eps, weight_decay, momentum, centered)",
    params: &[
        LR.with_default(1e-2),
        ALPHA,
        EPS,
        WEIGHT_DECAY,
        MOMENTUM.with_default(0.0),
    ],
    flags: &[CENTERED, EPS_INSIDE_SQRT],
    build: |c| {
        Ok(Box::new(RmsProp::new(
            c.known("alpha"),
            c.known("eps"),
            c.known("weight_decay"),
            c.known("momentum"),
            c.known_flag("centered"),
            c.known_flag("eps_inside_sqrt"),
        )))
    },
};

/// RMSprop's smoothing constant α.
const ALPHA: HyperParam = HyperParam {
    name: "alpha",
    symbol: "α",
    label: "smoothing",
    default: 0.99,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: true,
    slider: [0.5, 0.9999],
    scale: Scale::Decay,
};

/// Centered RMSprop: divide by an estimate of the variance.
const CENTERED: Flag = Flag {
    name: "centered",
    label: "centered",
    default: false,
    doc: "off (torch default): divide by √v; on: divide by √(v − ḡ²), ḡ the running mean of g",
};

/// torch.optim.RMSprop(lr, alpha, eps, weight_decay, momentum, centered), in f64.
///
/// With `v = ḡ = b = 0` before the first step:
///
/// ```text
/// g  = ∇f(θ) + λ θ
/// v ← α v + (1 − α) g²
/// ḡ ← α ḡ + (1 − α) g               (centered only)
/// d  = √v + ε    or    √(v − ḡ²) + ε  (centered)
/// b ← μ b + g / d;  θ ← θ − η b      (momentum μ > 0)
/// θ ← θ − η g / d                    (μ = 0)
/// ```
///
/// With `eps_inside_sqrt`, the form some textbooks write: `d = √(v + ε)` (or `√(v − ḡ² + ε)`).
#[derive(Clone, Debug)]
pub struct RmsProp {
    alpha: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    centered: bool,
    eps_inside_sqrt: bool,
    /// `v`, `ḡ` and `b` (the step count is not part of RMSprop's state).
    moments: Moments<3>,
}

impl RmsProp {
    fn new(
        alpha: f64,
        eps: f64,
        weight_decay: f64,
        momentum: f64,
        centered: bool,
        eps_inside_sqrt: bool,
    ) -> Self {
        Self {
            alpha,
            eps,
            weight_decay,
            momentum,
            centered,
            eps_inside_sqrt,
            moments: Moments::new(),
        }
    }
}

impl RmsProp {
    /// One step's per-coordinate update, with the settings as constants: `L2` when `λ ≠ 0`,
    /// `CENTERED` and `EPS_INSIDE_SQRT` as their flags, `MOMENTUM` when `μ > 0`.
    #[inline(never)]
    fn update<
        const L2: bool,
        const CENTERED: bool,
        const EPS_INSIDE_SQRT: bool,
        const MOMENTUM: bool,
    >(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
    ) {
        let (a, eps, weight_decay, momentum) =
            (self.alpha, self.eps, self.weight_decay, self.momentum);
        let n = params.len();
        let grad = &grad[..n];
        let [square_avg, grad_avg, buf] = self.moments.split(n);
        for_each_rate!(lr, n, |lr| lr, |i, lr| {
            let p = &mut params[i];
            let g = decayed::<L2>(grad[i], *p, weight_decay);
            let v = &mut square_avg[i];
            *v = average_sq(*v, g, a);
            let mut second = *v;
            if CENTERED {
                let m = &mut grad_avg[i];
                *m = average(*m, g, a);
                second = *v - *m * *m;
            }
            let denom = if EPS_INSIDE_SQRT {
                (second + eps).sqrt()
            } else {
                second.sqrt() + eps
            };
            if MOMENTUM {
                let b = &mut buf[i];
                *b = *b * momentum + g / denom;
                *p += -lr * *b;
            } else {
                *p += -lr * (g / denom);
            }
        });
    }
}

impl Optimizer for RmsProp {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        self.moments.advance(params.len());
        unswitch!(Self::update [
            self.weight_decay != 0.0,
            self.centered,
            self.eps_inside_sqrt,
            self.momentum > 0.0
        ] (self, params, grad, lr));
    }

    /// torch's `square_avg` `v`; `grad_avg` `ḡ` when centered; `momentum_buffer` `b` when
    /// momentum μ > 0.
    fn state(&self) -> Vec<StateVar> {
        let [square_avg, grad_avg, buf] = self.moments.buffers();
        let mut state = vec![StateVar::new("square_avg", "v", square_avg.clone())];
        if self.centered {
            state.push(StateVar::new("grad_avg", "ḡ", grad_avg.clone()));
        }
        if self.momentum > 0.0 {
            state.push(StateVar::new("momentum_buffer", "b", buf.clone()));
        }
        state
    }
}
