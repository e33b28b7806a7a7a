//! What the catalogue knows about an optimizer kind ([`Descriptor`]): its hyperparameters
//! ([`HyperParam`], with the [`Scale`] a slider moves in) and flags ([`Flag`]), and the
//! hyperparameters and flag that several optimizers share. Each optimizer's file holds its own
//! descriptor and the hyperparameters only it has.

use super::{Error, Optimizer, RunConfig};
use serde::{Deserialize, Serialize};

/// One optimizer kind as the page, the command line and [`RunConfig`] see it: its identifier,
/// label and reference, the hyperparameters and flags it exposes (with torch's defaults), and
/// how to build it. Each optimizer's file exports its own; [`super::OptimizerKind::descriptor`]
/// is the one place that maps kinds to them.
#[derive(Clone, Copy, Debug)]
pub struct Descriptor {
    /// Identifier used in URLs and on the command line (`adam`).
    pub id: &'static str,
    /// Human-readable name (`Adam`).
    pub label: &'static str,
    /// The reference this optimizer follows, as a user would write it.
    pub reference: &'static str,
    /// The hyperparameters it exposes, with torch's defaults, in the order the page lists them.
    pub params: &'static [HyperParam],
    /// The on/off options it has.
    pub flags: &'static [Flag],
    /// Builds a fresh optimizer from a configuration of this kind whose values and flags
    /// [`RunConfig::build`] has checked; values that are each allowed but not together are a
    /// conflict (`error.optim.…`).
    pub(super) build: fn(&RunConfig) -> Result<Box<dyn Optimizer>, Error>,
}

/// How a slider moves through a hyperparameter's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Evenly spaced values.
    Linear,
    /// Evenly spaced powers of ten (learning rates, epsilons).
    Log,
    /// Evenly spaced in `log10(1 − v)`, so that 0.9, 0.99 and 0.999 are equally far apart
    /// (momenta and decay rates, whose effect hangs on the `1/(1 − v)` steps they average).
    Decay,
}

/// One numeric hyperparameter: its torch name, how to present it, which values are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HyperParam {
    /// torch.optim's name (`lr`, `momentum`, `beta1`, …).
    pub name: &'static str,
    /// The symbol the update rule uses (`η`, `μ`, `β₁`, …).
    pub symbol: &'static str,
    /// A few words for the control's label.
    pub label: &'static str,
    /// torch's default value.
    pub default: f64,
    /// Lower bound of the allowed values.
    pub min: f64,
    /// Whether `min` itself is allowed.
    pub min_inclusive: bool,
    /// Upper bound of the allowed values (may be infinite).
    pub max: f64,
    /// Whether `max` itself is allowed.
    pub max_inclusive: bool,
    /// The range a slider covers (a sub-range of the allowed values).
    pub slider: [f64; 2],
    /// How the slider moves.
    pub scale: Scale,
}

impl HyperParam {
    /// The range the small multiples vary this hyperparameter over by default: its slider's,
    /// except the learning rate's, 1e-4 to 1e-2 (the decades where panels differ most on the
    /// page's surfaces; the slider's whole range puts most panels at rates that diverge).
    pub fn vary_range(&self) -> [f64; 2] {
        if self.name == "lr" {
            [1e-4, 1e-2]
        } else {
            self.slider
        }
    }

    /// The same description with another default.
    pub const fn with_default(self, default: f64) -> HyperParam {
        HyperParam { default, ..self }
    }

    /// Whether `value` is finite and inside the allowed range.
    pub fn allows(&self, value: f64) -> bool {
        let above = if self.min_inclusive {
            value >= self.min
        } else {
            value > self.min
        };
        let below = if self.max_inclusive {
            value <= self.max
        } else {
            value < self.max
        };
        value.is_finite() && above && below
    }

    /// The allowed range written out, for example `0 ≤ beta1 < 1`.
    pub fn allowed(&self) -> String {
        let lo = if self.min_inclusive { "≤" } else { "<" };
        if self.max.is_infinite() {
            format!("{} {lo} {}", self.min, self.name)
        } else {
            let hi = if self.max_inclusive { "≤" } else { "<" };
            format!("{} {lo} {} {hi} {}", self.min, self.name, self.max)
        }
    }

    /// `Ok(value)` when allowed, else the error that names this parameter and its range.
    pub fn check(&self, value: f64) -> Result<f64, Error> {
        if self.allows(value) {
            Ok(value)
        } else {
            Err(super::out_of_range(self.name, value, &self.allowed()))
        }
    }
}

/// One on/off option of an optimizer: a torch flag or a choice between conventions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// The name used in URLs and configurations (`centered`, `classical`, …).
    pub name: &'static str,
    /// A few words for the checkbox's label.
    pub label: &'static str,
    /// The default (torch's behaviour).
    pub default: bool,
    /// What switching it changes, in one sentence with both formulas.
    pub doc: &'static str,
}

/// The learning rate η, which every optimizer has.
pub(super) const LR: HyperParam = HyperParam {
    name: "lr",
    symbol: "η",
    label: "learning rate",
    default: 1e-3,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [1e-5, 1.0],
    scale: Scale::Log,
};

/// Momentum μ (SGD with momentum, Nesterov, RMSprop).
pub(super) const MOMENTUM: HyperParam = HyperParam {
    name: "momentum",
    symbol: "μ",
    label: "momentum",
    default: 0.9,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 0.999],
    scale: Scale::Decay,
};

/// Weight decay λ: an L2 term added to the gradient, or decoupled (AdamW, Lion).
pub(super) const WEIGHT_DECAY: HyperParam = HyperParam {
    name: "weight_decay",
    symbol: "λ",
    label: "weight decay",
    default: 0.0,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 0.1],
    scale: Scale::Linear,
};

/// β₁, the first moment's decay rate (the Adam family, Lion).
pub(super) const BETA1: HyperParam = HyperParam {
    name: "beta1",
    symbol: "β₁",
    label: "beta1",
    default: 0.9,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: false,
    slider: [0.0, 0.999],
    scale: Scale::Decay,
};

/// β₂, the second moment's decay rate (the Adam family, Lion).
pub(super) const BETA2: HyperParam = HyperParam {
    name: "beta2",
    symbol: "β₂",
    label: "beta2",
    default: 0.999,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: false,
    slider: [0.8, 0.9999],
    scale: Scale::Decay,
};

/// ε, added to a denominator for stability.
pub(super) const EPS: HyperParam = HyperParam {
    name: "eps",
    symbol: "ε",
    label: "epsilon",
    default: 1e-8,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [1e-10, 1e-1],
    scale: Scale::Log,
};

/// Divide by √(v + ε) instead of torch's √v + ε (RMSprop and Adam).
pub(super) const EPS_INSIDE_SQRT: Flag = Flag {
    name: "eps_inside_sqrt",
    label: "ε inside the square root",
    default: false,
    doc: "torch: divide by √v̂ + ε; inside: divide by √(v̂ + ε)",
};
