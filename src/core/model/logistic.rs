//! Logistic regression on labelled 2D points, with the binary cross-entropy or, for the
//! comparison the course makes, the mean squared error of the predicted probability.

use super::{Model, bce_with_logit, sigmoid};
use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};

/// The loss a classifier's predicted probability `p` is scored by against the label `y`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassLoss {
    /// The binary cross-entropy `−[y ln p + (1 − y) ln(1 − p)]`, whose gradient through the
    /// sigmoid is `(p − y)·x`: large when the model is confidently wrong.
    #[default]
    #[serde(rename = "ce")]
    CrossEntropy,
    /// The squared error `(p − y)²`, whose gradient through the sigmoid is
    /// `2(p − y)·p(1 − p)·x`: the factor `p(1 − p)` all but vanishes when the model is
    /// confidently wrong (`p` near 0 or 1), so the gradient is flat just where the mistakes
    /// are worst.
    Mse,
}

impl ClassLoss {
    /// Both losses, in the order the page lists them.
    pub const ALL: [ClassLoss; 2] = [ClassLoss::CrossEntropy, ClassLoss::Mse];

    /// The name used in links and on the command line: `ce` or `mse`.
    pub fn id(self) -> &'static str {
        match self {
            ClassLoss::CrossEntropy => "ce",
            ClassLoss::Mse => "mse",
        }
    }

    /// What the page's menu shows.
    pub fn label(self) -> &'static str {
        match self {
            ClassLoss::CrossEntropy => "cross-entropy",
            ClassLoss::Mse => "mean squared error (p − y)²",
        }
    }

    /// The loss named `id`, or an error naming the allowed values.
    pub fn from_id(id: &str) -> Result<ClassLoss, Error> {
        ClassLoss::ALL
            .into_iter()
            .find(|l| l.id() == id)
            .ok_or_else(|| err!("error.model.loss", id = id))
    }
}

/// Logistic regression: `p = σ(w₁x₁ + w₂x₂ + b)` is the predicted probability of the label
/// `true`, parameters `(w₁, w₂, b)` in that order, loss by default the binary cross-entropy
/// over a batch of `m` samples,
///
/// `L = −(1/m) Σᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] = (1/m) Σᵢ [softplus(zᵢ) − yᵢ zᵢ]`
///
/// with `zᵢ = w₁xᵢ₁ + w₂xᵢ₂ + b` (the right-hand form is the one computed: it stays finite
/// however confident the model is), and gradient `∂L/∂w_j = (1/m) Σᵢ (pᵢ − yᵢ) xᵢⱼ`,
/// `∂L/∂b = (1/m) Σᵢ (pᵢ − yᵢ)`; or, with [`ClassLoss::Mse`], the mean squared error
///
/// `L = (1/m) Σᵢ (pᵢ − yᵢ)²`, `∂L/∂w_j = (1/m) Σᵢ 2(pᵢ − yᵢ) pᵢ(1 − pᵢ) xᵢⱼ`,
/// `∂L/∂b = (1/m) Σᵢ 2(pᵢ − yᵢ) pᵢ(1 − pᵢ)`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegression {
    data: Vec<([f64; 2], bool)>,
    loss: ClassLoss,
}

impl LogisticRegression {
    /// The model on `data`, with the cross-entropy.
    pub fn new(data: &[([f64; 2], bool)]) -> Self {
        LogisticRegression::with_loss(data, ClassLoss::CrossEntropy)
    }

    /// The model on `data`, scored by `loss`.
    pub fn with_loss(data: &[([f64; 2], bool)], loss: ClassLoss) -> Self {
        LogisticRegression {
            data: data.to_vec(),
            loss,
        }
    }

    /// Training sample `i`: its point and its class; `None` past the end.
    pub fn sample(&self, i: usize) -> Option<([f64; 2], bool)> {
        self.data.get(i).copied()
    }

    /// The loss the model is scored by.
    pub fn class_loss(&self) -> ClassLoss {
        self.loss
    }

    fn logit(params: &[f64], x: [f64; 2]) -> f64 {
        params[0] * x[0] + params[1] * x[1] + params[2]
    }

    /// `p = σ(z)` at the point `x`.
    pub fn probability(&self, params: &[f64], x: [f64; 2]) -> f64 {
        sigmoid(Self::logit(params, x))
    }

    /// The fraction of training samples classified right (predicting `true` when `p ≥ 1/2`,
    /// that is `z ≥ 0`).
    pub fn accuracy(&self, params: &[f64]) -> f64 {
        let right = self
            .data
            .iter()
            .filter(|(x, y)| (Self::logit(params, *x) >= 0.0) == *y)
            .count();
        right as f64 / self.data.len().max(1) as f64
    }
}

impl Model for LogisticRegression {
    fn dim(&self) -> usize {
        3
    }

    fn samples(&self) -> usize {
        self.data.len()
    }

    fn param_names(&self) -> Vec<String> {
        vec!["w1".into(), "w2".into(), "b".into()]
    }

    fn loss_grad(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        let m = batch.len() as f64;
        grad.fill(0.0);
        let mut loss = 0.0;
        for &i in batch {
            let (x, y) = self.data[i];
            let z = Self::logit(params, x);
            let (p, y) = (sigmoid(z), f64::from(u8::from(y)));
            let dz = match self.loss {
                ClassLoss::CrossEntropy => {
                    loss += bce_with_logit(z, y == 1.0);
                    p - y // ∂ℓ/∂z = p − y
                }
                ClassLoss::Mse => {
                    loss += (p - y) * (p - y);
                    2.0 * (p - y) * p * (1.0 - p) // ∂ℓ/∂z = 2(p − y)·σ′(z), σ′ = p(1 − p)
                }
            };
            grad[0] += dz * x[0];
            grad[1] += dz * x[1];
            grad[2] += dz;
        }
        for g in grad.iter_mut() {
            *g /= m;
        }
        loss / m
    }
}
