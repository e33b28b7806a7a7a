//! Learning-rate schedules as values, after torch.optim.lr_scheduler, with a one-line text
//! form (`step:size=100,gamma=0.5`) that the command line and URLs use.

use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The learning rate as a function of the step: `lr(η, k)` for the step that follows `k`
/// completed steps (k = 0 for the first), with `η` the optimizer's configured rate. This is
/// what torch's schedulers give when `scheduler.step()` is called after every `optimizer.step()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Schedule {
    /// `η` throughout.
    #[default]
    Constant,
    /// torch `StepLR(step_size, gamma)`: `η · γ^⌊k / step_size⌋`.
    Step {
        /// Steps between decays (≥ 1).
        size: u32,
        /// Factor applied at each decay (> 0).
        gamma: f64,
    },
    /// torch `ExponentialLR(gamma)`: `η · γᵏ`.
    Exp {
        /// Factor per step (> 0).
        gamma: f64,
    },
    /// torch `CosineAnnealingLR(T_max, eta_min)`:
    /// `η_min + (η − η_min)(1 + cos(π k / T_max)) / 2` (periodic past `T_max`, as torch).
    Cosine {
        /// Half-period in steps (≥ 1).
        t_max: u32,
        /// The floor `η_min` (≥ 0).
        eta_min: f64,
    },
    /// Linear warm-up, torch `LinearLR(start_factor, end_factor=1, total_iters=steps)`:
    /// `η · (s + (1 − s) · min(k, steps) / steps)`.
    Warmup {
        /// Steps over which the factor rises to 1 (≥ 1).
        steps: u32,
        /// The starting factor `s` (0 < s ≤ 1; torch's default is 1/3).
        start: f64,
    },
}

impl Schedule {
    /// The learning rate for the step after `k` completed steps, given the base rate `lr`.
    pub fn lr(&self, lr: f64, k: usize) -> f64 {
        let k = k as f64;
        match *self {
            Schedule::Constant => lr,
            Schedule::Step { size, gamma } => lr * gamma.powf((k / f64::from(size)).floor()),
            Schedule::Exp { gamma } => lr * gamma.powf(k),
            Schedule::Cosine { t_max, eta_min } => {
                let phase = std::f64::consts::PI * k / f64::from(t_max);
                eta_min + (lr - eta_min) * (1.0 + phase.cos()) / 2.0
            }
            Schedule::Warmup { steps, start } => {
                let steps = f64::from(steps);
                lr * (start + (1.0 - start) * k.min(steps) / steps)
            }
        }
    }

    /// Checks the parameters' ranges; the error names the parameter and its allowed values.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |name: &str, value: &dyn fmt::Display, allowed: &str| {
            Err(Error::new("error.schedule.range")
                .with("name", name)
                .with("value", value)
                .with("allowed", allowed))
        };
        let whole =
            |name: &str, value: u32| Err(err!("error.schedule.whole", name = name, value = value));
        match *self {
            Schedule::Constant => Ok(()),
            Schedule::Step { size, gamma } => {
                if size == 0 {
                    whole("size", size)
                } else if !(gamma.is_finite() && gamma > 0.0) {
                    bad("gamma", &gamma, "0 < gamma")
                } else {
                    Ok(())
                }
            }
            Schedule::Exp { gamma } => {
                if gamma.is_finite() && gamma > 0.0 {
                    Ok(())
                } else {
                    bad("gamma", &gamma, "0 < gamma")
                }
            }
            Schedule::Cosine { t_max, eta_min } => {
                if t_max == 0 {
                    whole("t_max", t_max)
                } else if !(eta_min.is_finite() && eta_min >= 0.0) {
                    bad("eta_min", &eta_min, "0 ≤ eta_min")
                } else {
                    Ok(())
                }
            }
            Schedule::Warmup { steps, start } => {
                if steps == 0 {
                    whole("steps", steps)
                } else if !(start > 0.0 && start <= 1.0) {
                    bad("start", &start, "0 < start ≤ 1")
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The forms `parse` accepts, for error messages and `--help`.
pub const SCHEDULE_FORMS: &str = "constant, step:size=N,gamma=X, exp:gamma=X, \
                                  cosine:t_max=N[,eta_min=X], warmup:steps=N[,start=X]";

impl fmt::Display for Schedule {
    /// The text form, which [`FromStr`] reads back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Constant => write!(f, "constant"),
            Schedule::Step { size, gamma } => write!(f, "step:size={size},gamma={gamma:?}"),
            Schedule::Exp { gamma } => write!(f, "exp:gamma={gamma:?}"),
            Schedule::Cosine { t_max, eta_min } => {
                write!(f, "cosine:t_max={t_max},eta_min={eta_min:?}")
            }
            Schedule::Warmup { steps, start } => write!(f, "warmup:steps={steps},start={start:?}"),
        }
    }
}

impl FromStr for Schedule {
    type Err = Error;

    /// Parses `constant`, `step:size=N,gamma=X`, `exp:gamma=X`, `cosine:t_max=N[,eta_min=X]`
    /// or `warmup:steps=N[,start=X]`, then validates the values.
    fn from_str(spec: &str) -> Result<Schedule, Error> {
        let spec = spec.trim();
        let (name, args) = spec.split_once(':').unwrap_or((spec, ""));
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for part in args.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                Error::new("error.schedule.not_pair")
                    .with("part", part)
                    .with("forms", SCHEDULE_FORMS)
            })?;
            pairs.push((k.trim(), v.trim()));
        }
        let allowed: &[&str] = match name {
            "constant" => &[],
            "step" => &["size", "gamma"],
            "exp" => &["gamma"],
            "cosine" => &["t_max", "eta_min"],
            "warmup" => &["steps", "start"],
            _ => {
                return Err(Error::new("error.schedule.unknown")
                    .with("name", name)
                    .with("forms", SCHEDULE_FORMS));
            }
        };
        for (k, _) in &pairs {
            if !allowed.contains(k) {
                return Err(if allowed.is_empty() {
                    err!("error.schedule.no_arguments", name = name, key = k)
                } else {
                    let allowed = allowed.join(", ");
                    Error::new("error.schedule.no_argument")
                        .with("name", name)
                        .with("key", k)
                        .with("allowed", allowed)
                });
            }
        }
        let find = |key: &str| pairs.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let needs = |key: &str| err!("error.schedule.needs", name = name, key = key);
        let float = |key: &str, default: Option<f64>| -> Result<f64, Error> {
            match find(key) {
                Some(v) => v
                    .parse::<f64>()
                    .map_err(|_| err!("error.schedule.not_number", key = key, value = v)),
                None => default.ok_or_else(|| needs(key)),
            }
        };
        let int = |key: &str| -> Result<u32, Error> {
            let v = find(key).ok_or_else(|| needs(key))?;
            v.parse::<u32>()
                .map_err(|_| err!("error.schedule.not_whole", key = key, value = v))
        };
        let schedule = match name {
            "constant" => Schedule::Constant,
            "step" => Schedule::Step {
                size: int("size")?,
                gamma: float("gamma", None)?,
            },
            "exp" => Schedule::Exp {
                gamma: float("gamma", None)?,
            },
            "cosine" => Schedule::Cosine {
                t_max: int("t_max")?,
                eta_min: float("eta_min", Some(0.0))?,
            },
            _ => Schedule::Warmup {
                steps: int("steps")?,
                start: float("start", Some(1.0 / 3.0))?,
            },
        };
        schedule.validate()?;
        Ok(schedule)
    }
}
