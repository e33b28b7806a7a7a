//! A whole lab run as one value: which model on which seeded data, the optimizer around it,
//! and the training it gave, in the printable forms `optiviz trace --model` writes (CSV and
//! JSON, the JSON carrying everything needed to reproduce it).

use super::data::{self, ClassShape, derive_seed};
use super::dataset::{PointKind, Points};
use super::{
    ClassLoss, LinearRegression, LogisticRegression, Mlp, Model, PolyRegression, Training, train,
};
use crate::core::run::RunSpec;
use crate::core::text::number;
use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// [`derive_seed`] streams of one lab seed.
const DATA_STREAM: u64 = 0;
const SPLIT_STREAM: u64 = 1;
const SHUFFLE_STREAM: u64 = 2;
const DROPOUT_SEED_STREAM: u64 = 3;

/// The refusal of a batch size `b` outside 1 to the `n` training points, in the words the lab
/// and the command line share; `option` is the batch size's name where it was given (`batch`
/// in a link, `--batch-size` on the command line).
pub fn batch_refusal(option: &str, b: usize, n: usize) -> Error {
    err!("error.model.batch", option = option, b = b, n = n)
}

/// The range of each real-valued data setting, by its URL key: wide enough for any teaching
/// example, narrow enough that everything derived from it (the points, every loss and
/// gradient at the start, the least-squares solution) stays finite. `1e308` as a slope would
/// make `y` infinite; `1e160` would make its square so.
pub const DATA_LIMITS: [(&str, f64, f64); 6] = [
    ("slope", -1e3, 1e3),
    ("intercept", -1e3, 1e3),
    ("noise", 0.0, 100.0),
    ("separation", 0.0, 100.0),
    ("l1", 0.0, 100.0),
    ("l2", 0.0, 100.0),
];

/// `key`'s range in [`DATA_LIMITS`], if it has one.
fn limits(key: &str) -> Option<(f64, f64)> {
    DATA_LIMITS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|&(_, lo, hi)| (lo, hi))
}

/// `value` if it lies within `key`'s [`DATA_LIMITS`] (any finite value for a key without
/// limits); else an error naming the key, the value and the allowed values.
pub fn check_data_value(key: &str, value: f64) -> Result<f64, Error> {
    let ok = match limits(key) {
        Some((lo, hi)) => (lo..=hi).contains(&value),
        None => value.is_finite(),
    };
    if ok {
        return Ok(value);
    }
    let e = match limits(key) {
        Some((lo, hi)) => err!("error.data.range", lo = lo, hi = hi),
        None => err!("error.data.finite"),
    };
    Err(e.with("key", key).with("value", number(value)))
}

/// A model and the data it learns from, generated from the lab's seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelSpec {
    /// [`LinearRegression`] on [`data::linear`]`(n, slope, intercept, noise)`.
    Linear {
        /// Number of points.
        n: usize,
        /// The true slope.
        slope: f64,
        /// The true intercept.
        intercept: f64,
        /// Standard deviation of the noise on `y`.
        noise: f64,
        /// Standardise `x` (see [`LinearRegression`]).
        scale_features: bool,
    },
    /// [`LogisticRegression`] on [`data::classes`]`(shape, n, separation, noise)`.
    Logistic {
        /// Number of points.
        n: usize,
        /// Distance between the class centres (blobs and XOR).
        separation: f64,
        /// Standard deviation of the noise on each coordinate.
        noise: f64,
        /// How the classes lie (two blobs when absent, as in traces written before shapes).
        #[serde(default)]
        shape: ClassShape,
        /// The loss (the cross-entropy when absent, as in traces written before the choice).
        #[serde(default)]
        loss: ClassLoss,
    },
    /// [`PolyRegression`] on [`data::curve`]`(n, noise)`, split into training and validation.
    Poly {
        /// Number of points before the split.
        n: usize,
        /// Standard deviation of the noise on `y`.
        noise: f64,
        /// The degree `d`.
        degree: usize,
        /// `λ₁`.
        l1: f64,
        /// `λ₂`.
        l2: f64,
        /// The fraction of points held out for validation.
        val_fraction: f64,
    },
    /// [`Mlp`] on [`data::classes`]`(shape, n, separation, noise)`, split into training and
    /// validation.
    Mlp {
        /// Number of points before the split.
        n: usize,
        /// Distance between the class centres (blobs and XOR).
        separation: f64,
        /// Standard deviation of the noise on each coordinate.
        noise: f64,
        /// How the classes lie (two blobs when absent, as in traces written before shapes).
        #[serde(default)]
        shape: ClassShape,
        /// Hidden units `h`.
        hidden: usize,
        /// Dropout rate `p`.
        dropout: f64,
        /// `λ`.
        l2: f64,
        /// The fraction of points held out for validation.
        val_fraction: f64,
    },
}

impl ModelSpec {
    /// `linear`, `logistic`, `poly` or `mlp`.
    pub fn id(&self) -> &'static str {
        match self {
            ModelSpec::Linear { .. } => "linear",
            ModelSpec::Logistic { .. } => "logistic",
            ModelSpec::Poly { .. } => "poly",
            ModelSpec::Mlp { .. } => "mlp",
        }
    }

    /// The kind of points this model learns from: `(x, y)` for linear and polynomial
    /// regression, labelled 2-D points for logistic regression and the network.
    pub fn point_kind(&self) -> PointKind {
        match self {
            ModelSpec::Linear { .. } | ModelSpec::Poly { .. } => PointKind::Regression,
            ModelSpec::Logistic { .. } | ModelSpec::Mlp { .. } => PointKind::Classes,
        }
    }

    /// The number of points generated (before any validation split).
    pub fn n(&self) -> usize {
        match *self {
            ModelSpec::Linear { n, .. }
            | ModelSpec::Logistic { n, .. }
            | ModelSpec::Poly { n, .. }
            | ModelSpec::Mlp { n, .. } => n,
        }
    }

    /// The fraction of points held out for validation (0 for the models without a
    /// validation set, linear and logistic regression).
    pub fn val_fraction(&self) -> f64 {
        match *self {
            ModelSpec::Poly { val_fraction, .. } | ModelSpec::Mlp { val_fraction, .. } => {
                val_fraction
            }
            ModelSpec::Linear { .. } | ModelSpec::Logistic { .. } => 0.0,
        }
    }

    /// Checks every parameter but `n` against [`DATA_LIMITS`] (and the fractions against
    /// `[0, 1)`); the error names a value out of range and the allowed values.
    fn check(&self) -> Result<(), Error> {
        // The command line's names for the URL's keys.
        let check = |key: &str, v: f64| {
            let name = if key == "noise" { "data-noise" } else { key };
            check_data_value(key, v).map(|_| ()).map_err(|_| {
                let e = match limits(key) {
                    Some((lo, hi)) => err!("error.data.invalid_range", lo = lo, hi = hi),
                    None => err!("error.data.invalid_finite"),
                };
                e.with("name", name).with("value", number(v))
            })
        };
        let fraction = |v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(err!("error.data.val_fraction", value = v))
            }
        };
        match *self {
            ModelSpec::Linear {
                slope,
                intercept,
                noise,
                ..
            } => {
                check("noise", noise)?;
                check("slope", slope)?;
                check("intercept", intercept)?;
            }
            ModelSpec::Logistic {
                separation, noise, ..
            } => {
                check("noise", noise)?;
                check("separation", separation)?;
            }
            ModelSpec::Poly {
                noise,
                l1,
                l2,
                val_fraction,
                ..
            } => {
                check("noise", noise)?;
                check("l1", l1)?;
                check("l2", l2)?;
                fraction(val_fraction)?;
            }
            ModelSpec::Mlp {
                separation,
                noise,
                l2,
                val_fraction,
                ..
            } => {
                check("noise", noise)?;
                check("separation", separation)?;
                check("l2", l2)?;
                fraction(val_fraction)?;
            }
        }
        Ok(())
    }

    /// The points generated from `seed` (every point, before the validation split, in the
    /// generator's order): where a user starts editing from. The error names a value out of
    /// range.
    pub fn generate(&self, seed: u64) -> Result<Points, Error> {
        if self.n() == 0 {
            return Err(err!("error.data.n_zero"));
        }
        self.check()?;
        let data_seed = derive_seed(seed, DATA_STREAM);
        Ok(match *self {
            ModelSpec::Linear {
                n,
                slope,
                intercept,
                noise,
                ..
            } => Points::Regression(data::linear(n, slope, intercept, noise, data_seed)),
            ModelSpec::Logistic {
                n,
                separation,
                noise,
                shape,
                ..
            }
            | ModelSpec::Mlp {
                n,
                separation,
                noise,
                shape,
                ..
            } => Points::Classes(data::classes(shape, n, separation, noise, data_seed)),
            ModelSpec::Poly { n, noise, .. } => {
                Points::Regression(data::curve(n, noise, data_seed))
            }
        })
    }

    /// Which of `n` points (generated or edited, in their order) the seed's split holds out
    /// for validation: `mask[i]` is `true` for a validation point, `false` for a training
    /// point. All `false` for linear and logistic regression, which train on every point.
    pub fn validation_mask(&self, seed: u64, n: usize) -> Vec<bool> {
        data::validation_mask(n, self.val_fraction(), derive_seed(seed, SPLIT_STREAM))
    }

    /// Which of `n` points (generated or edited, in their order) each training sample is:
    /// `train[j]` is the point of training sample `j` (the identity for linear and logistic
    /// regression, which train on every point).
    pub fn train_indices(&self, seed: u64, n: usize) -> Vec<usize> {
        match self {
            ModelSpec::Linear { .. } | ModelSpec::Logistic { .. } => (0..n).collect(),
            ModelSpec::Poly { .. } | ModelSpec::Mlp { .. } => {
                data::train_indices(n, self.val_fraction(), derive_seed(seed, SPLIT_STREAM))
            }
        }
    }

    /// The model on its data, generated from `seed`; the error names a value out of range.
    /// The same as [`ModelSpec::build_with`]`(seed, None)`.
    pub fn build(&self, seed: u64) -> Result<Box<dyn Model>, Error> {
        self.build_with(seed, None)
    }

    /// The model on `points` (when given, in place of the generated ones) or on the points
    /// generated from `seed`; the validation split, the initial weights and dropout follow
    /// `seed` either way. The error names a value out of range or what is wrong with the
    /// points (empty, not finite, more than [`MAX_POINTS`](super::dataset::MAX_POINTS), the wrong kind for the model).
    pub fn build_with(&self, seed: u64, points: Option<&Points>) -> Result<Box<dyn Model>, Error> {
        Ok(self.build_lab(seed, points)?.into_boxed())
    }

    /// [`ModelSpec::build_with`], keeping the model's own type (for drawing its fit).
    pub fn build_lab(&self, seed: u64, points: Option<&Points>) -> Result<LabModel, Error> {
        let generated;
        let points = match points {
            Some(p) => {
                self.check()?;
                p.validate_for(self.point_kind(), self.id())?;
                p
            }
            None => {
                generated = self.generate(seed)?;
                &generated
            }
        };
        let split_seed = derive_seed(seed, SPLIT_STREAM);
        Ok(match (self, points) {
            (ModelSpec::Linear { scale_features, .. }, Points::Regression(p)) => {
                LabModel::Linear(LinearRegression::new(p, *scale_features))
            }
            (ModelSpec::Logistic { loss, .. }, Points::Classes(p)) => {
                LabModel::Logistic(LogisticRegression::with_loss(p, *loss))
            }
            (
                ModelSpec::Poly {
                    degree,
                    l1,
                    l2,
                    val_fraction,
                    ..
                },
                Points::Regression(p),
            ) => {
                let (tr, va) = data::split(p, *val_fraction, split_seed);
                if tr.is_empty() {
                    return Err(err!("error.data.no_training"));
                }
                LabModel::Poly(PolyRegression::new(&tr, &va, *degree, *l1, *l2)?)
            }
            (
                ModelSpec::Mlp {
                    hidden,
                    dropout,
                    l2,
                    val_fraction,
                    ..
                },
                Points::Classes(p),
            ) => {
                let (tr, va) = data::split(p, *val_fraction, split_seed);
                if tr.is_empty() {
                    return Err(err!("error.data.no_training"));
                }
                let dropout_seed = derive_seed(seed, DROPOUT_SEED_STREAM);
                LabModel::Mlp(Mlp::new(&tr, &va, *hidden, *dropout, *l2, dropout_seed)?)
            }
            _ => unreachable!("validate_for checked the kind of points"),
        })
    }

    /// The seed [`ModelTrace::run`] and the lab shuffle the batches with, derived from the
    /// lab's `seed`.
    pub fn shuffle_seed(seed: u64) -> u64 {
        derive_seed(seed, SHUFFLE_STREAM)
    }
}

/// A lab model with its own type, for what only that type knows (the fitted curve, the
/// probability at a point, the least-squares solution).
#[derive(Clone, Debug, PartialEq)]
pub enum LabModel {
    /// Linear regression.
    Linear(LinearRegression),
    /// Logistic regression.
    Logistic(LogisticRegression),
    /// Polynomial regression.
    Poly(PolyRegression),
    /// The one-hidden-layer network.
    Mlp(Mlp),
}

impl LabModel {
    /// The model as an objective.
    pub fn as_model(&self) -> &dyn Model {
        match self {
            LabModel::Linear(m) => m,
            LabModel::Logistic(m) => m,
            LabModel::Poly(m) => m,
            LabModel::Mlp(m) => m,
        }
    }

    /// The model as a boxed objective.
    pub fn into_boxed(self) -> Box<dyn Model> {
        match self {
            LabModel::Linear(m) => Box::new(m),
            LabModel::Logistic(m) => Box::new(m),
            LabModel::Poly(m) => Box::new(m),
            LabModel::Mlp(m) => Box::new(m),
        }
    }

    /// For regression models, the prediction `ŷ` at the original `x` (feature scaling
    /// undone) with parameters `params`; `None` for classifiers.
    pub fn predict(&self, params: &[f64], x: f64) -> Option<f64> {
        match self {
            LabModel::Linear(m) => {
                let [w, b] = m.unscaled(params);
                Some(w * x + b)
            }
            LabModel::Poly(m) => Some(m.predict(params, x)),
            LabModel::Logistic(_) | LabModel::Mlp(_) => None,
        }
    }

    /// For classifiers, the predicted probability of class 1 at `x` (dropout off); `None`
    /// for regression models.
    pub fn probability(&self, params: &[f64], x: [f64; 2]) -> Option<f64> {
        match self {
            LabModel::Logistic(m) => Some(m.probability(params, x)),
            LabModel::Mlp(m) => Some(m.probability(params, x)),
            LabModel::Linear(_) | LabModel::Poly(_) => None,
        }
    }

    /// The closed-form least-squares parameters of linear regression (in the model's own,
    /// possibly scaled, coordinates); `None` for the other models.
    pub fn least_squares(&self) -> Option<[f64; 2]> {
        match self {
            LabModel::Linear(m) => Some(m.least_squares()),
            _ => None,
        }
    }
}

/// A model trained from a seed, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelTrace {
    /// The model and its data.
    pub model: ModelSpec,
    /// The optimizer and everything around it.
    pub run: RunSpec,
    /// The seed of the data, the split, the shuffling, the initial weights and dropout
    /// (each drawn from its own stream of it).
    pub seed: u64,
    /// Samples per batch (the number of training samples for batch gradient descent).
    pub batch_size: usize,
    /// The number of steps asked for.
    pub steps: usize,
    /// The parameters' names, in order.
    pub param_names: Vec<String>,
    /// What training gave.
    pub training: Training,
}

impl ModelTrace {
    /// Builds `model` from `seed` and trains it for `steps` steps of `run` from `init` (the
    /// model's own [`Model::init`] by default) on batches of `batch_size` (all training
    /// samples by default; a batch size outside 1 to the training samples is refused in the
    /// lab's words, [`batch_refusal`]).
    pub fn run(
        model: ModelSpec,
        run: RunSpec,
        init: Option<Vec<f64>>,
        steps: usize,
        batch_size: Option<usize>,
        seed: u64,
    ) -> Result<ModelTrace, String> {
        // The command line's (`optiviz trace --model`): its messages stay English sentences.
        let m = model.build(seed).map_err(|e| e.to_string())?;
        let init = init.unwrap_or_else(|| m.init(seed));
        if init.len() != m.dim() {
            return Err(format!(
                "invalid --start: the {} model has {} parameters ({}), {} values were given",
                model.id(),
                m.dim(),
                m.param_names().join(", "),
                init.len()
            ));
        }
        let n = m.samples();
        let batch_size = batch_size.unwrap_or(n);
        if !(1..=n).contains(&batch_size) {
            return Err(format!(
                "invalid {}",
                batch_refusal("--batch-size", batch_size, n)
            ));
        }
        let training = train(
            m.as_ref(),
            &run,
            &init,
            steps,
            batch_size,
            ModelSpec::shuffle_seed(seed),
        )
        .map_err(|e| e.to_string())?;
        Ok(ModelTrace {
            param_names: m.param_names(),
            model,
            run,
            seed,
            batch_size,
            steps,
            training,
        })
    }

    /// `step,epoch,<parameter names>,loss` (and `,val_loss` with a validation set), one row
    /// per point, every number in Rust's shortest round-trip form.
    pub fn to_csv(&self) -> String {
        let t = &self.training;
        let mut out = format!("step,epoch,{},loss", self.param_names.join(","));
        if t.val_loss.is_some() {
            out.push_str(",val_loss");
        }
        out.push('\n');
        for (k, params) in t.params.iter().enumerate() {
            let _ = write!(out, "{k},{}", t.epochs[k]);
            for p in params {
                let _ = write!(out, ",{p:?}");
            }
            let _ = write!(out, ",{:?}", t.full_loss[k]);
            if let Some(v) = &t.val_loss {
                let _ = write!(out, ",{:?}", v[k]);
            }
            out.push('\n');
        }
        out
    }

    /// The whole trace as one JSON document, which [`ModelTrace::from_json`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a trace holds only finite numbers")
    }

    /// Reads a trace written by [`ModelTrace::to_json`].
    pub fn from_json(text: &str) -> Result<ModelTrace, String> {
        serde_json::from_str(text).map_err(|e| format!("not an optiviz model trace: {e}"))
    }

    /// What to tell the user when training diverged.
    pub fn divergence_message(&self) -> Option<String> {
        self.training.diverged_at.map(|k| {
            format!(
                "diverged at step {k}: the step produced a non-finite value; the trace ends \
                 with the last finite parameters (step {})",
                self.training.steps()
            )
        })
    }
}
