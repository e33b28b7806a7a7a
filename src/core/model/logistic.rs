//! Logistic regression on labelled 2D points, with the binary cross-entropy.

use super::{Model, bce_with_logit, sigmoid};

/// Logistic regression: `p = σ(w₁x₁ + w₂x₂ + b)` is the predicted probability of the label
/// `true`, parameters `(w₁, w₂, b)` in that order, loss the binary cross-entropy over a batch
/// of `m` samples,
///
/// `L = −(1/m) Σᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] = (1/m) Σᵢ [softplus(zᵢ) − yᵢ zᵢ]`
///
/// with `zᵢ = w₁xᵢ₁ + w₂xᵢ₂ + b` (the right-hand form is the one computed: it stays finite
/// however confident the model is), and gradient `∂L/∂w_j = (1/m) Σᵢ (pᵢ − yᵢ) xᵢⱼ`,
/// `∂L/∂b = (1/m) Σᵢ (pᵢ − yᵢ)`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegression {
    data: Vec<([f64; 2], bool)>,
}

impl LogisticRegression {
    /// The model on `data`.
    pub fn new(data: &[([f64; 2], bool)]) -> Self {
        LogisticRegression {
            data: data.to_vec(),
        }
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
            loss += bce_with_logit(z, y);
            let dz = sigmoid(z) - f64::from(u8::from(y)); // ∂ℓ/∂z = p − y
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
