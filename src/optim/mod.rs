//! Optimizers with torch.optim's update rules, names and defaults, and the description of
//! their hyperparameters that the page builds its sliders from.
//!
//! Each optimizer lives in its own file and states the exact update rule it implements. The
//! catalogue ([`OptimizerKind`]) names them as the page and the command line do; a
//! [`RunConfig`] is a kind plus hyperparameter values, validated before any step is taken.

mod adam;
mod sgd;

pub use adam::Adam;
pub use sgd::Sgd;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One optimizer's state and update rule, over a flat parameter vector.
pub trait Optimizer {
    /// Applies one update to `params` in place, given the gradient `grad` of the loss at
    /// `params` (both of the same length, fixed for the optimizer's lifetime).
    fn step(&mut self, params: &mut [f64], grad: &[f64]);
}

/// How a slider moves through a hyperparameter's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Evenly spaced values.
    Linear,
    /// Evenly spaced powers of ten (learning rates, epsilons).
    Log,
}

/// One hyperparameter: its torch name, how to present it, and which values are allowed.
#[derive(Clone, Copy, Debug, Serialize)]
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
    pub fn check(&self, value: f64) -> Result<f64, ConfigError> {
        if self.allows(value) {
            Ok(value)
        } else {
            Err(ConfigError::OutOfRange {
                name: self.name,
                value,
                allowed: self.allowed(),
            })
        }
    }
}

/// A configuration that cannot be run, with the reason in words a user can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    /// A hyperparameter outside its allowed range.
    OutOfRange {
        /// The hyperparameter's name.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range, written out.
        allowed: String,
    },
    /// A hyperparameter this optimizer does not have.
    UnknownParam {
        /// The optimizer's identifier.
        optimizer: &'static str,
        /// The name that was given.
        name: String,
        /// The names this optimizer accepts.
        allowed: Vec<&'static str>,
    },
    /// An optimizer identifier that does not exist.
    UnknownOptimizer {
        /// The identifier that was given.
        name: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OutOfRange {
                name,
                value,
                allowed,
            } => write!(f, "invalid {name} = {value}: allowed values are {allowed}"),
            ConfigError::UnknownParam {
                optimizer,
                name,
                allowed,
            } => write!(
                f,
                "{optimizer} has no hyperparameter '{name}': allowed names are {}",
                allowed.join(", ")
            ),
            ConfigError::UnknownOptimizer { name } => {
                let ids: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.id()).collect();
                write!(
                    f,
                    "unknown optimizer '{name}': allowed values are {}",
                    ids.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

const LR: HyperParam = HyperParam {
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

const MOMENTUM: HyperParam = HyperParam {
    name: "momentum",
    symbol: "μ",
    label: "momentum",
    default: 0.9,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 0.999],
    scale: Scale::Linear,
};

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

const WEIGHT_DECAY: HyperParam = HyperParam {
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

const BETA1: HyperParam = HyperParam {
    name: "beta1",
    symbol: "β₁",
    label: "beta1",
    default: 0.9,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: false,
    slider: [0.0, 0.999],
    scale: Scale::Linear,
};

const BETA2: HyperParam = HyperParam {
    name: "beta2",
    symbol: "β₂",
    label: "beta2",
    default: 0.999,
    min: 0.0,
    min_inclusive: true,
    max: 1.0,
    max_inclusive: false,
    slider: [0.8, 0.9999],
    scale: Scale::Linear,
};

const EPS: HyperParam = HyperParam {
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

/// The optimizers optiviz offers, by the names the page and the command line use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// Plain gradient descent: torch `SGD(lr)`.
    Sgd,
    /// Gradient descent with heavy-ball momentum: torch `SGD(lr, momentum, dampening)`.
    Momentum,
    /// Adam: torch `Adam(lr, betas, eps)`.
    Adam,
}

impl OptimizerKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ];

    /// Identifier used in URLs and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Adam => "adam",
        }
    }

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "Gradient descent",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::Adam => "Adam",
        }
    }

    /// Looks a kind up by its identifier.
    pub fn from_id(id: &str) -> Result<OptimizerKind, ConfigError> {
        OptimizerKind::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| ConfigError::UnknownOptimizer {
                name: id.to_owned(),
            })
    }

    /// The hyperparameters this optimizer exposes, with torch's defaults.
    pub fn params(self) -> &'static [HyperParam] {
        match self {
            OptimizerKind::Sgd => &[LR, WEIGHT_DECAY],
            OptimizerKind::Momentum => &[LR, MOMENTUM, DAMPENING, WEIGHT_DECAY],
            OptimizerKind::Adam => &[LR, BETA1, BETA2, EPS, WEIGHT_DECAY],
        }
    }

    /// The exact update rule, as plain text with the symbols of [`HyperParam::symbol`].
    pub fn rule(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => sgd::RULE_PLAIN,
            OptimizerKind::Momentum => sgd::RULE_MOMENTUM,
            OptimizerKind::Adam => adam::RULE,
        }
    }
}

/// An optimizer kind with its hyperparameter values: what one run is set to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Which optimizer.
    pub kind: OptimizerKind,
    /// Values that differ from the defaults, by torch name.
    #[serde(default)]
    pub values: BTreeMap<String, f64>,
}

impl RunConfig {
    /// `kind` with every hyperparameter at torch's default.
    pub fn new(kind: OptimizerKind) -> Self {
        Self {
            kind,
            values: BTreeMap::new(),
        }
    }

    /// The same configuration with `name` set to `value` (validated).
    pub fn with(mut self, name: &str, value: f64) -> Result<Self, ConfigError> {
        self.set(name, value)?;
        Ok(self)
    }

    /// The description of `name`, or the error listing the allowed names.
    pub fn param(&self, name: &str) -> Result<&'static HyperParam, ConfigError> {
        let params = self.kind.params();
        params
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ConfigError::UnknownParam {
                optimizer: self.kind.id(),
                name: name.to_owned(),
                allowed: params.iter().map(|p| p.name).collect(),
            })
    }

    /// Sets `name` to `value` after checking both; on error nothing changes.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), ConfigError> {
        let param = self.param(name)?;
        self.values
            .insert(param.name.to_owned(), param.check(value)?);
        Ok(())
    }

    /// The current value of `name`: the one set, else torch's default.
    pub fn get(&self, name: &str) -> Result<f64, ConfigError> {
        let param = self.param(name)?;
        Ok(self.values.get(name).copied().unwrap_or(param.default))
    }

    /// Checks every value (also those deserialized from outside) and builds a fresh optimizer.
    pub fn build(&self) -> Result<Box<dyn Optimizer>, ConfigError> {
        for (name, &value) in &self.values {
            self.param(name)?.check(value)?;
        }
        let v = |name: &str| {
            self.get(name)
                .expect("name comes from this kind's own list")
        };
        Ok(match self.kind {
            OptimizerKind::Sgd => Box::new(Sgd::new(v("lr"), 0.0, 0.0, v("weight_decay"))?),
            OptimizerKind::Momentum => Box::new(Sgd::new(
                v("lr"),
                v("momentum"),
                v("dampening"),
                v("weight_decay"),
            )?),
            OptimizerKind::Adam => Box::new(Adam::new(
                v("lr"),
                [v("beta1"), v("beta2")],
                v("eps"),
                v("weight_decay"),
            )?),
        })
    }
}
