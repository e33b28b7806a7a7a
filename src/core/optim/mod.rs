//! Optimizers with torch.optim's update rules, names and defaults, and the description of
//! their hyperparameters that the page builds its sliders from.
//!
//! Each optimizer lives in its own file and states the exact update rule it implements; the
//! file also exports its [`Descriptor`] (identifier, label, reference, hyperparameters, flags
//! and constructor), so adding an optimizer takes that file, a variant of [`OptimizerKind`]
//! with one arm in [`OptimizerKind::descriptor`], and its rule in [`crate::core::explain`]. The
//! catalogue ([`OptimizerKind`]) names them as the page and the command line do; a
//! [`RunConfig`] is a kind plus hyperparameter values and flags, validated before any step.
//!
//! Optimizers do not own their learning rate: [`Optimizer::step`] receives the rate for that
//! step, so a schedule ([`crate::core::schedule`]) can vary it, exactly as torch's schedulers rewrite
//! `param_group["lr"]` between steps.

/// [`Rate::each`] written out in place: `for_each_rate!(rate, n, |lr| per, |i, s| body)` runs
/// `body` for every coordinate `i < n` in order, with `s` bound to `per` of coordinate `i`'s
/// rate (`per` evaluated once for a shared rate, once per coordinate otherwise).
///
/// The body is pasted into both arms rather than called as a closure, so it is always inlined
/// into a plain counted loop that the compiler can vectorize (a closure called from two places
/// may be kept out of line, one call per coordinate). Callers slice every per-coordinate array
/// to exactly `n` values beforehand, so indexing by `i` needs no bounds check.
macro_rules! for_each_rate {
    ($rate:expr, $n:expr, |$lr:ident| $per:expr, |$i:ident, $s:pat_param| $body:block) => {
        match $rate {
            $crate::core::optim::Rate::All($lr) => {
                let shared = $per;
                for $i in 0..$n {
                    let $s = shared;
                    $body
                }
            }
            $crate::core::optim::Rate::Each(lrs) => {
                for ($i, &$lr) in lrs[..$n].iter().enumerate() {
                    // `|lr| lr, |i, lr|` rebinds the rate to itself, on purpose.
                    #[allow(clippy::redundant_locals)]
                    let $s = $per;
                    $body
                }
            }
        }
    };
}

/// Loop unswitching by hand: `unswitch!(Self::f [a, b] (args))` calls `Self::f::<A, B>(args)`
/// with the const generics `A`, `B` equal to the run-time booleans `a`, `b`, so that a
/// per-coordinate loop in `f` branches on them at compile time instead of once per coordinate.
///
/// Each `f` is `#[inline(never)]`: every combination is a function of its own, not one body
/// holding all of them (Adam's `step_at` was 28 KB of wasm). A browser first runs a wasm
/// function as its baseline compiler made it and compiles it with its optimizing compiler,
/// in the background, once it has run hot; the bigger the function, the longer that takes,
/// and a fresh worker's first 512² basin map took 1.8–2.3 times as long as natively (in
/// Chromium; as long as natively with its baseline compiler switched off). Now only the variant
/// in use is compiled (BENCHMARKS.md). One call per step over all coordinates costs nothing
/// measurable.
macro_rules! unswitch {
    (@go [$($f:tt)*] [$($c:expr),*] [] ($($args:tt)*)) => {
        $($f)*::<$({ $c }),*>($($args)*)
    };
    (@go [$($f:tt)*] [$($c:expr),*] [$b:expr $(, $rest:expr)*] ($($args:tt)*)) => {
        if $b {
            unswitch!(@go [$($f)*] [$($c,)* true] [$($rest),*] ($($args)*))
        } else {
            unswitch!(@go [$($f)*] [$($c,)* false] [$($rest),*] ($($args)*))
        }
    };
    ($($f:ident)::+ [$($b:expr),*] ($($args:tt)*)) => {
        unswitch!(@go [$($f)::+] [] [$($b),*] ($($args)*))
    };
}

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod descriptor;
mod lion;
mod moments;
mod nadam;
mod newton;
mod radam;
mod rmsprop;
mod sgd;

pub use adadelta::Adadelta;
pub use adagrad::Adagrad;
pub use adam::{Adam, AdamOptions};
pub use adamax::Adamax;
pub use descriptor::{Descriptor, Flag, HyperParam, Scale};
pub use lion::Lion;
pub use nadam::NAdam;
pub use newton::Newton;
pub use radam::RAdam;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;

use crate::error::Error;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The learning rate of one step: one value shared by every coordinate, or one value per
/// coordinate (batched runs, whose lanes each have their own rate; see [`crate::core::batch`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rate<'a> {
    /// The same rate for every coordinate.
    All(f64),
    /// `lrs[i]` for coordinate `i`; as long as the parameter vector.
    Each(&'a [f64]),
}

impl Rate<'_> {
    /// The rate of coordinate `i`.
    #[inline(always)]
    pub fn at(self, i: usize) -> f64 {
        match self {
            Rate::All(lr) => lr,
            Rate::Each(lrs) => lrs[i],
        }
    }

    /// Calls `body(i, per(rate of i))` for every coordinate `i < n`, in order. `per` turns a
    /// rate into what the update needs of it (say `η / (1 − β₁ᵗ)`); with a shared rate it is
    /// evaluated once, with one rate per coordinate once per coordinate, which gives the same
    /// numbers because `per` is a pure function of the rate.
    ///
    /// # Panics
    /// When a per-coordinate rate has fewer than `n` values (a caller's bug).
    #[inline(always)]
    pub fn each<S: Copy>(self, n: usize, per: impl Fn(f64) -> S, mut body: impl FnMut(usize, S)) {
        match self {
            Rate::All(lr) => {
                let s = per(lr);
                for i in 0..n {
                    body(i, s);
                }
            }
            Rate::Each(lrs) => {
                for (i, &lr) in lrs[..n].iter().enumerate() {
                    body(i, per(lr));
                }
            }
        }
    }
}

/// One optimizer's state and update rule, over a flat parameter vector.
pub trait Optimizer {
    /// Applies one update to `params` in place, given the gradient `grad` of the loss at
    /// `params` (both of the same length, fixed for the optimizer's lifetime), the learning
    /// rate `lr` for this step, and the Hessian at `params` when [`needs_hessian`] says so.
    ///
    /// [`needs_hessian`]: Optimizer::needs_hessian
    ///
    /// This is [`step_at`](Optimizer::step_at) with one rate for every coordinate.
    fn step(&mut self, params: &mut [f64], grad: &[f64], lr: f64, hessian: Option<&DMatrix<f64>>) {
        self.step_at(params, grad, Rate::All(lr), hessian);
    }

    /// [`step`](Optimizer::step) with a [`Rate`] that may give each coordinate its own
    /// learning rate: how [`crate::core::batch`] advances many runs of different rates as one
    /// parameter vector. Coordinate `i` is updated exactly as a run whose rate is
    /// `lr.at(i)` would update it (the same operations in the same order), so batching
    /// never changes a result.
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        hessian: Option<&DMatrix<f64>>,
    );

    /// Whether [`step`](Optimizer::step) needs the Hessian (second-order methods).
    fn needs_hessian(&self) -> bool {
        false
    }

    /// The optimizer's internal state after the last step, one [`StateVar`] per variable of
    /// its update rule, in the rule's notation: Adam's `t`, `m`, `v` (and `v_max` for AMSGrad);
    /// SGD's momentum buffer `b` (or the velocity `v` in the textbook form; nothing without
    /// momentum); Adagrad's `t` and `s`; RMSprop's `v`, and `ḡ` when centered and `b` with
    /// momentum; Adadelta's `v` and `u`; Adamax's `t`, `m`, `u`; NAdam's `t`, `Π`, `m`, `v`;
    /// RAdam's `t`, `m`, `v`; Lion's `m`; Newton's count of saddle-free fallbacks and its last
    /// direction `d`.
    ///
    /// Reading the state never changes it, and every value is exactly the one the next step
    /// will use. Before the first step the per-coordinate variables have no values yet (the
    /// optimizer learns the number of coordinates at its first step and creates them then, at
    /// 0, or at `s₀` for Adagrad's `s`; SGD's buffer is set to `g` at that step); the scalars
    /// already hold their initial values (`t = 0`, `Π = 1`).
    ///
    /// The default, for an optimizer without state, is empty.
    fn state(&self) -> Vec<StateVar> {
        Vec::new()
    }
}

/// One variable of an optimizer's internal state, as [`Optimizer::state`] reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateVar {
    /// Its name in torch's `optimizer.state[p]` (`step`, `exp_avg`, `exp_avg_sq`,
    /// `momentum_buffer`, `sum`, …), or a plain name where torch has none (`velocity`,
    /// `fallbacks`, `direction`).
    pub name: &'static str,
    /// Its symbol in the update rule (`t`, `m`, `v`, `b`, `s`, `Π`, …).
    pub symbol: &'static str,
    /// One value per coordinate; a single value for a scalar that all coordinates share (the
    /// step count `t`, NAdam's `Π`, Newton's fallback count); empty for a per-coordinate
    /// variable before the first step creates it.
    pub values: Vec<f64>,
}

impl StateVar {
    /// A variable named `name`, written `symbol`, with `values`.
    pub fn new(name: &'static str, symbol: &'static str, values: Vec<f64>) -> Self {
        Self {
            name,
            symbol,
            values,
        }
    }

    /// A scalar shared by all coordinates, such as the step count.
    fn scalar(name: &'static str, symbol: &'static str, value: f64) -> Self {
        Self::new(name, symbol, vec![value])
    }
}

/// The error for a hyperparameter `name` set to `value` outside its range `allowed` (written
/// in symbols, such as `0 ≤ beta1 < 1`).
pub fn out_of_range(name: &str, value: f64, allowed: &str) -> Error {
    Error::new("error.optim.out_of_range")
        .with("name", name)
        .with("value", value)
        .with("allowed", allowed)
}

/// The optimizers optiviz offers, by the names the page and the command line use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// Plain gradient descent: torch `SGD(lr)`.
    Sgd,
    /// Heavy-ball momentum: torch `SGD(lr, momentum, dampening)`.
    Momentum,
    /// Nesterov momentum: torch `SGD(lr, momentum, nesterov=True)`.
    Nesterov,
    /// torch `Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps)`.
    Adagrad,
    /// torch `RMSprop(lr, alpha, eps, weight_decay, momentum, centered)`.
    Rmsprop,
    /// torch `Adadelta(lr, rho, eps, weight_decay)`.
    Adadelta,
    /// torch `Adam(lr, betas, eps, weight_decay)`.
    Adam,
    /// torch `Adam(..., amsgrad=True)`.
    Amsgrad,
    /// torch `AdamW(lr, betas, eps, weight_decay)`: decoupled weight decay.
    Adamw,
    /// torch `Adamax(lr, betas, eps, weight_decay)`.
    Adamax,
    /// torch `NAdam(lr, betas, eps, weight_decay, momentum_decay)`.
    Nadam,
    /// torch `RAdam(lr, betas, eps, weight_decay)`.
    Radam,
    /// Lion (Chen et al. 2023), as `optax.lion`.
    Lion,
    /// Newton's method with the exact Hessian, damped, with a saddle-free fallback.
    Newton,
}

impl OptimizerKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [OptimizerKind; 14] = [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Adagrad,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adadelta,
        OptimizerKind::Adam,
        OptimizerKind::Amsgrad,
        OptimizerKind::Adamw,
        OptimizerKind::Adamax,
        OptimizerKind::Nadam,
        OptimizerKind::Radam,
        OptimizerKind::Lion,
        OptimizerKind::Newton,
    ];

    /// What this kind is, from its optimizer's own file: identifier, label, reference,
    /// hyperparameters, flags and constructor. The one place that maps kinds to optimizers.
    pub fn descriptor(self) -> &'static Descriptor {
        match self {
            OptimizerKind::Sgd => &sgd::DESCRIPTOR,
            OptimizerKind::Momentum => &sgd::DESCRIPTOR_MOMENTUM,
            OptimizerKind::Nesterov => &sgd::DESCRIPTOR_NESTEROV,
            OptimizerKind::Adagrad => &adagrad::DESCRIPTOR,
            OptimizerKind::Rmsprop => &rmsprop::DESCRIPTOR,
            OptimizerKind::Adadelta => &adadelta::DESCRIPTOR,
            OptimizerKind::Adam => &adam::DESCRIPTOR,
            OptimizerKind::Amsgrad => &adam::DESCRIPTOR_AMSGRAD,
            OptimizerKind::Adamw => &adam::DESCRIPTOR_ADAMW,
            OptimizerKind::Adamax => &adamax::DESCRIPTOR,
            OptimizerKind::Nadam => &nadam::DESCRIPTOR,
            OptimizerKind::Radam => &radam::DESCRIPTOR,
            OptimizerKind::Lion => &lion::DESCRIPTOR,
            OptimizerKind::Newton => &newton::DESCRIPTOR,
        }
    }

    /// Identifier used in URLs and on the command line.
    pub fn id(self) -> &'static str {
        self.descriptor().id
    }

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        self.descriptor().label
    }

    /// The reference this optimizer follows, as a user would write it.
    pub fn reference(self) -> &'static str {
        self.descriptor().reference
    }

    /// Looks a kind up by its identifier.
    pub fn from_id(id: &str) -> Result<OptimizerKind, Error> {
        OptimizerKind::ALL
            .into_iter()
            .find(|k| k.id() == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.id()).collect();
                Error::new("error.optim.unknown_optimizer")
                    .with("name", id)
                    .with("allowed", ids.join(", "))
            })
    }

    /// The hyperparameters this optimizer exposes, with torch's defaults.
    pub fn params(self) -> &'static [HyperParam] {
        self.descriptor().params
    }

    /// The on/off options this optimizer has.
    pub fn flags(self) -> &'static [Flag] {
        self.descriptor().flags
    }
}

/// An optimizer kind with its hyperparameter values and flags: what one run is set to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Which optimizer.
    pub kind: OptimizerKind,
    /// Values that differ from the defaults, by torch name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, f64>,
    /// Flags that differ from the defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, bool>,
}

impl RunConfig {
    /// `kind` with every hyperparameter and flag at its default.
    pub fn new(kind: OptimizerKind) -> Self {
        Self {
            kind,
            values: BTreeMap::new(),
            flags: BTreeMap::new(),
        }
    }

    /// The same configuration with `name` set to `value` (validated).
    pub fn with(mut self, name: &str, value: f64) -> Result<Self, Error> {
        self.set(name, value)?;
        Ok(self)
    }

    /// The same configuration with flag `name` set to `on` (validated).
    pub fn with_flag(mut self, name: &str, on: bool) -> Result<Self, Error> {
        self.set_flag(name, on)?;
        Ok(self)
    }

    fn unknown(&self, name: &str) -> Error {
        let mut allowed: Vec<&'static str> = self.kind.params().iter().map(|p| p.name).collect();
        allowed.extend(self.kind.flags().iter().map(|f| f.name));
        if allowed.is_empty() {
            Error::new("error.optim.no_options")
                .with("optimizer", self.kind.id())
                .with("name", name)
        } else {
            let allowed = allowed.join(", ");
            let optimizer = self.kind.id();
            Error::new("error.optim.unknown_param")
                .with("optimizer", optimizer)
                .with("name", name)
                .with("allowed", allowed)
        }
    }

    /// The description of hyperparameter `name`, or the error listing the allowed names.
    pub fn param(&self, name: &str) -> Result<&'static HyperParam, Error> {
        self.kind
            .params()
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| self.unknown(name))
    }

    /// The description of flag `name`, or the error listing the allowed names.
    pub fn flag(&self, name: &str) -> Result<&'static Flag, Error> {
        self.kind
            .flags()
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| self.unknown(name))
    }

    /// Sets `name` to `value` after checking both; on error nothing changes.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), Error> {
        let param = self.param(name)?;
        self.values
            .insert(param.name.to_owned(), param.check(value)?);
        Ok(())
    }

    /// Sets flag `name`; an unknown name is an error and changes nothing.
    pub fn set_flag(&mut self, name: &str, on: bool) -> Result<(), Error> {
        let flag = self.flag(name)?;
        self.flags.insert(flag.name.to_owned(), on);
        Ok(())
    }

    /// The current value of `name`: the one set, else torch's default.
    pub fn get(&self, name: &str) -> Result<f64, Error> {
        let param = self.param(name)?;
        Ok(self.values.get(name).copied().unwrap_or(param.default))
    }

    /// The current state of flag `name`: the one set, else its default.
    pub fn get_flag(&self, name: &str) -> Result<bool, Error> {
        let flag = self.flag(name)?;
        Ok(self.flags.get(name).copied().unwrap_or(flag.default))
    }

    /// The learning rate, which every optimizer has.
    pub fn lr(&self) -> f64 {
        self.get("lr").expect("every optimizer has lr")
    }

    /// Checks every value and flag (also those deserialized from outside), then builds a fresh
    /// optimizer. The learning rate is not part of it: [`Optimizer::step`] receives it.
    pub fn build(&self) -> Result<Box<dyn Optimizer>, Error> {
        for (name, &value) in &self.values {
            self.param(name)?.check(value)?;
        }
        for name in self.flags.keys() {
            self.flag(name)?;
        }
        (self.kind.descriptor().build)(self)
    }

    /// The value of `name`, one of this kind's own hyperparameters: what a descriptor's
    /// constructor reads once [`build`](RunConfig::build) has checked the configuration.
    fn known(&self, name: &str) -> f64 {
        self.get(name)
            .expect("name comes from this kind's own list")
    }

    /// The state of flag `name`, one of this kind's own flags (as [`known`](Self::known)).
    fn known_flag(&self, name: &str) -> bool {
        self.get_flag(name)
            .expect("name comes from this kind's own list")
    }

    /// `[β₁, β₂]`, for the kinds that have both.
    fn known_betas(&self) -> [f64; 2] {
        [self.known("beta1"), self.known("beta2")]
    }
}

/// `g + λθ`: torch's L2 weight decay, added to the gradient. Callers pass `L2 = (λ ≠ 0)`
/// (through [`unswitch!`], so the choice is made once per step): with `λ = 0` it is skipped,
/// as in torch, so that `0·θ` cannot turn an infinite parameter into NaN.
#[inline(always)]
fn decayed<const L2: bool>(g: f64, theta: f64, weight_decay: f64) -> f64 {
    if L2 { g + weight_decay * theta } else { g }
}
