//! Adam (Kingma & Ba, 2015) with its AMSGrad (Reddi et al., 2018) and AdamW (Loshchilov &
//! Hutter, 2019) variants: torch.optim.Adam and torch.optim.AdamW.

use super::descriptor::{
    BETA1, BETA2, Descriptor, EPS, EPS_INSIDE_SQRT, Flag, HyperParam, LR, WEIGHT_DECAY,
};
use super::moments::{Moments, average, average_sq, bias_correction};
use super::{Error, Optimizer, Rate, RunConfig, StateVar};
use nalgebra::DMatrix;

/// torch `Adam(lr, betas, eps, weight_decay)`.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "adam",
    label: "Adam",
    reference: "torch.optim.Adam(lr, betas, eps, weight_decay)",
    params: PARAMS,
    flags: FLAGS,
    build: build::<false, false>,
};

/// torch `Adam(..., amsgrad=True)`.
pub(super) const DESCRIPTOR_AMSGRAD: Descriptor = Descriptor {
    id: "amsgrad",
    label: "AMSGrad",
    reference: "torch.optim.Adam(lr, betas, eps, weight_decay, amsgrad=True)",
    params: PARAMS,
    flags: FLAGS,
    build: build::<true, false>,
};

/// torch `AdamW(lr, betas, eps, weight_decay)`: decoupled weight decay.
pub(super) const DESCRIPTOR_ADAMW: Descriptor = Descriptor {
    id: "adamw",
    label: "AdamW",
    reference: "torch.optim.AdamW(lr, betas, eps, weight_decay)",
    params: &[LR, BETA1, BETA2, EPS, WEIGHT_DECAY.with_default(1e-2)],
    flags: FLAGS,
    build: build::<false, true>,
};

/// Adam's and AMSGrad's hyperparameters (AdamW's differ in λ's default).
const PARAMS: &[HyperParam] = &[LR, BETA1, BETA2, EPS, WEIGHT_DECAY];

/// The flags of the three.
const FLAGS: &[Flag] = &[EPS_INSIDE_SQRT, BIAS_CORRECTION];

/// Adam's bias correction, which torch always applies.
const BIAS_CORRECTION: Flag = Flag {
    name: "bias_correction",
    label: "bias correction",
    default: true,
    doc: "on (torch): m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ); off: m̂ = m, v̂ = v",
};

/// Builds Adam from a checked configuration, `AMSGRAD` and `DECOUPLED` (AdamW) as
/// [`AdamOptions`] has them.
fn build<const AMSGRAD: bool, const DECOUPLED: bool>(
    c: &RunConfig,
) -> Result<Box<dyn Optimizer>, Error> {
    Ok(Box::new(Adam::new(AdamOptions {
        betas: c.known_betas(),
        eps: c.known("eps"),
        weight_decay: c.known("weight_decay"),
        amsgrad: AMSGRAD,
        decoupled: DECOUPLED,
        eps_inside_sqrt: c.known_flag("eps_inside_sqrt"),
        bias_correction: c.known_flag("bias_correction"),
    })))
}

/// Adam's settings beyond the learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamOptions {
    /// `(β₁, β₂)`: decay rates of the first and second moment estimates.
    pub betas: [f64; 2],
    /// `ε`, added to the denominator.
    pub eps: f64,
    /// `λ`: L2 penalty added to the gradient, or decoupled decay when `decoupled`.
    pub weight_decay: f64,
    /// AMSGrad: divide by the running maximum of `v` instead of `v`.
    pub amsgrad: bool,
    /// AdamW: decay the parameters directly (`θ ← θ(1 − ηλ)`) instead of adding `λθ` to `g`.
    pub decoupled: bool,
    /// Divide by `√(v̂ + ε)` instead of torch's `√v̂ + ε`.
    pub eps_inside_sqrt: bool,
    /// Divide `m` and `v` by `1 − βᵗ` (torch always does).
    pub bias_correction: bool,
}

/// torch.optim.Adam(lr, betas, eps, weight_decay, amsgrad) and torch.optim.AdamW, in f64.
///
/// At step t = 1, 2, …, with `m = v = v_max = 0` before the first step:
///
/// ```text
/// θ ← θ (1 − η λ)                       (AdamW only: decoupled weight decay)
/// g  = ∇f(θ) + λ θ                      (Adam: L2 added to the gradient; g = ∇f(θ) for AdamW)
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// v_max ← max(v_max, v)                 (AMSGrad only; then v_max replaces v below)
/// m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)  (bias correction; m̂ = m, v̂ = v when switched off)
/// θ ← θ − η m̂ / (√v̂ + ε)                (or η m̂ / √(v̂ + ε) with eps_inside_sqrt)
/// ```
///
/// The arithmetic follows torch's single-tensor implementation operation for operation
/// (`m.lerp_(g, 1 − β₁)`, `denom = √v / √(1 − β₂ᵗ) + ε`, `θ.addcdiv_(m, denom, −η / (1 − β₁ᵗ))`),
/// so results agree with torch in f64 to the last few bits.
#[derive(Clone, Debug)]
pub struct Adam {
    o: AdamOptions,
    /// The step count `t` and `m`, `v`, `v_max`.
    moments: Moments<3>,
}

impl Adam {
    fn new(options: AdamOptions) -> Self {
        Self {
            o: options,
            moments: Moments::new(),
        }
    }
}

impl Adam {
    /// One step's per-coordinate update, with the options as constants: `L2` adds `λθ` to the
    /// gradient, `DECOUPLED` decays `θ` first (AdamW; each only when `λ ≠ 0`), `AMSGRAD` and
    /// `EPS_INSIDE_SQRT` as [`AdamOptions`]. `bias` is `(1 − β₁ᵗ, 1 − β₂ᵗ, √(1 − β₂ᵗ))`.
    #[inline(never)]
    fn update<
        const L2: bool,
        const DECOUPLED: bool,
        const AMSGRAD: bool,
        const EPS_INSIDE_SQRT: bool,
    >(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        bias: [f64; 3],
    ) {
        let o = self.o;
        let [beta1, beta2] = o.betas;
        let [bias_correction1, bias_correction2, bias_correction2_sqrt] = bias;
        let n = params.len();
        let grad = &grad[..n];
        let [m, v, v_max] = self.moments.split(n);
        for_each_rate!(lr, n, |lr| (lr, lr / bias_correction1), |i,
                                                                 (
            lr,
            step_size,
        )| {
            let p = &mut params[i];
            let g = if DECOUPLED {
                *p *= 1.0 - lr * o.weight_decay;
                grad[i]
            } else if L2 {
                grad[i] + o.weight_decay * *p
            } else {
                grad[i]
            };
            let m = &mut m[i];
            *m = average(*m, g, beta1);
            let v = &mut v[i];
            *v = average_sq(*v, g, beta2);
            let second = if AMSGRAD {
                v_max[i] = v_max[i].max(*v);
                v_max[i]
            } else {
                *v
            };
            let denom = if EPS_INSIDE_SQRT {
                (second / bias_correction2 + o.eps).sqrt()
            } else {
                second.sqrt() / bias_correction2_sqrt + o.eps
            };
            *p += -step_size * (*m / denom);
        });
    }
}

impl Optimizer for Adam {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        _: Option<&DMatrix<f64>>,
    ) {
        let t = self.moments.advance(params.len());
        let o = self.o;
        let [beta1, beta2] = o.betas;
        let (bias_correction1, bias_correction2) = if o.bias_correction {
            (bias_correction(beta1, t), bias_correction(beta2, t))
        } else {
            (1.0, 1.0)
        };
        let bias_correction2_sqrt = bias_correction2.sqrt();
        let decay = o.weight_decay != 0.0;
        unswitch!(Self::update [decay && !o.decoupled, decay && o.decoupled, o.amsgrad, o.eps_inside_sqrt] (
            self,
            params,
            grad,
            lr,
            [bias_correction1, bias_correction2, bias_correction2_sqrt],
        ));
    }

    /// The step count `t`, torch's `exp_avg` `m` and `exp_avg_sq` `v`, and with AMSGrad
    /// `max_exp_avg_sq` `v_max`.
    fn state(&self) -> Vec<StateVar> {
        let [m, v, v_max] = self.moments.buffers();
        let mut state = vec![
            self.moments.step_var(),
            StateVar::new("exp_avg", "m", m.clone()),
            StateVar::new("exp_avg_sq", "v", v.clone()),
        ];
        if self.o.amsgrad {
            state.push(StateVar::new("max_exp_avg_sq", "v_max", v_max.clone()));
        }
        state
    }
}
