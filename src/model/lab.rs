//! A whole lab run as one value: which model on which seeded data, the optimizer around it,
//! and the training it gave, in the printable forms `optiviz trace --model` writes (CSV and
//! JSON, the JSON carrying everything needed to reproduce it).

use super::data::{self, derive_seed};
use super::{LinearRegression, LogisticRegression, Mlp, Model, PolyRegression, Training, train};
use crate::run::RunSpec;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// [`derive_seed`] streams of one lab seed.
const DATA_STREAM: u64 = 0;
const SPLIT_STREAM: u64 = 1;
const SHUFFLE_STREAM: u64 = 2;
const DROPOUT_SEED_STREAM: u64 = 3;

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
    /// [`LogisticRegression`] on [`data::two_classes`]`(n, separation, noise)`.
    Logistic {
        /// Number of points.
        n: usize,
        /// Distance between the two blobs' centres.
        separation: f64,
        /// Standard deviation of each blob.
        noise: f64,
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
    /// [`Mlp`] on [`data::two_classes`]`(n, separation, noise)`, split into training and
    /// validation.
    Mlp {
        /// Number of points before the split.
        n: usize,
        /// Distance between the two blobs' centres.
        separation: f64,
        /// Standard deviation of each blob.
        noise: f64,
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

    /// The model on its data, generated from `seed`; the error names a value out of range.
    pub fn build(&self, seed: u64) -> Result<Box<dyn Model>, String> {
        let data_seed = derive_seed(seed, DATA_STREAM);
        let split_seed = derive_seed(seed, SPLIT_STREAM);
        let check = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("invalid {name} {v}: allowed values are 0 ≤ {name}"))
            }
        };
        let fraction = |v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "invalid val-fraction {v}: allowed values are 0 ≤ val-fraction < 1"
                ))
            }
        };
        let n = match *self {
            ModelSpec::Linear { n, .. }
            | ModelSpec::Logistic { n, .. }
            | ModelSpec::Poly { n, .. }
            | ModelSpec::Mlp { n, .. } => n,
        };
        if n == 0 {
            return Err("invalid n 0: allowed values are 1 ≤ n".into());
        }
        Ok(match *self {
            ModelSpec::Linear {
                n,
                slope,
                intercept,
                noise,
                scale_features,
            } => {
                check("data-noise", noise)?;
                if !(slope.is_finite() && intercept.is_finite()) {
                    return Err("the slope and intercept must be finite".into());
                }
                let points = data::linear(n, slope, intercept, noise, data_seed);
                Box::new(LinearRegression::new(&points, scale_features))
            }
            ModelSpec::Logistic {
                n,
                separation,
                noise,
            } => {
                check("data-noise", noise)?;
                check("separation", separation)?;
                Box::new(LogisticRegression::new(&data::two_classes(
                    n, separation, noise, data_seed,
                )))
            }
            ModelSpec::Poly {
                n,
                noise,
                degree,
                l1,
                l2,
                val_fraction,
            } => {
                check("data-noise", noise)?;
                fraction(val_fraction)?;
                let (tr, va) =
                    data::split(&data::curve(n, noise, data_seed), val_fraction, split_seed);
                if tr.is_empty() {
                    return Err("no training points are left after the validation split".into());
                }
                Box::new(PolyRegression::new(&tr, &va, degree, l1, l2)?)
            }
            ModelSpec::Mlp {
                n,
                separation,
                noise,
                hidden,
                dropout,
                l2,
                val_fraction,
            } => {
                check("data-noise", noise)?;
                check("separation", separation)?;
                fraction(val_fraction)?;
                let points = data::two_classes(n, separation, noise, data_seed);
                let (tr, va) = data::split(&points, val_fraction, split_seed);
                if tr.is_empty() {
                    return Err("no training points are left after the validation split".into());
                }
                let dropout_seed = derive_seed(seed, DROPOUT_SEED_STREAM);
                Box::new(Mlp::new(&tr, &va, hidden, dropout, l2, dropout_seed)?)
            }
        })
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
    /// samples by default).
    pub fn run(
        model: ModelSpec,
        run: RunSpec,
        init: Option<Vec<f64>>,
        steps: usize,
        batch_size: Option<usize>,
        seed: u64,
    ) -> Result<ModelTrace, String> {
        let m = model.build(seed)?;
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
        let batch_size = batch_size.unwrap_or(m.samples()).min(m.samples());
        if batch_size == 0 {
            return Err("invalid batch-size 0: allowed values are 1 ≤ batch-size".into());
        }
        let training = train(
            m.as_ref(),
            &run,
            &init,
            steps,
            batch_size,
            derive_seed(seed, SHUFFLE_STREAM),
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
