//! Polynomial regression with L1 and L2 penalties: the lab for overfitting and its remedies.

use super::Model;
use crate::err;
use crate::error::Error;

/// The highest degree [`PolyRegression`] accepts.
pub const MAX_DEGREE: usize = 12;

/// The subgradient of |w| the L1 penalty uses: the sign of `w`, 0 at 0 (so a weight at
/// exactly 0 feels no L1 pull), the same in training and in "explain this step".
pub fn l1_subgradient(w: f64) -> f64 {
    if w > 0.0 {
        1.0
    } else if w < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Polynomial regression of degree `d` (1 to [`MAX_DEGREE`]) on points `(xᵢ, yᵢ)`:
/// `ŷ = w₁x + w₂x² + … + w_d x^d + b`, parameters `(w₁, …, w_d, b)` in that order, loss over a
/// batch of `m` samples
///
/// `L = (1/m) Σᵢ (ŷᵢ − yᵢ)² + λ₂ Σₖ wₖ² + λ₁ Σₖ |wₖ|`
///
/// with gradient `∂L/∂wₖ = (1/m) Σᵢ 2(ŷᵢ − yᵢ) xᵢᵏ + 2λ₂wₖ + λ₁ sign(wₖ)` (the subgradient
/// `sign(0) = 0` at 0) and `∂L/∂b = (1/m) Σᵢ 2(ŷᵢ − yᵢ)`.
///
/// The penalties leave the bias `b` out, as is usual (penalising it would pull the fit towards
/// `y = 0` rather than towards a flat line). The features are the raw powers `xᵏ`, meant for
/// `x` in `[−1, 1]` ([`super::data::curve`]), where they stay bounded.
///
/// [`Model::loss`] is the training objective (penalty included); [`Model::val_loss`] and
/// [`train_mse`](PolyRegression::train_mse) are the plain mean squared errors on the
/// validation and training points, the numbers to compare for overfitting.
#[derive(Clone, Debug, PartialEq)]
pub struct PolyRegression {
    train: Vec<(f64, f64)>,
    val: Vec<(f64, f64)>,
    degree: usize,
    l1: f64,
    l2: f64,
}

impl PolyRegression {
    /// Degree `degree` with penalties `l1 = λ₁ ≥ 0`, `l2 = λ₂ ≥ 0`, trained on `train` and
    /// validated on `val` (which may be empty: no validation loss then).
    pub fn new(
        train: &[(f64, f64)],
        val: &[(f64, f64)],
        degree: usize,
        l1: f64,
        l2: f64,
    ) -> Result<Self, Error> {
        if !(1..=MAX_DEGREE).contains(&degree) {
            return Err(Error::new("error.model.degree")
                .with("degree", degree)
                .with("max", MAX_DEGREE));
        }
        for (name, v) in [("l1", l1), ("l2", l2)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(err!("error.model.penalty", name = name, value = v));
            }
        }
        Ok(PolyRegression {
            train: train.to_vec(),
            val: val.to_vec(),
            degree,
            l1,
            l2,
        })
    }

    /// The degree `d`.
    pub fn degree(&self) -> usize {
        self.degree
    }

    /// The penalties `(λ₁, λ₂)`.
    pub fn penalties(&self) -> (f64, f64) {
        (self.l1, self.l2)
    }

    /// Training sample `i`: `(xᵢ, yᵢ)`; `None` past the end.
    pub fn sample(&self, i: usize) -> Option<(f64, f64)> {
        self.train.get(i).copied()
    }

    /// `ŷ(x)`.
    pub fn predict(&self, params: &[f64], x: f64) -> f64 {
        // Horner: ((w_d x + w_{d−1}) x + … + w₁) x + b.
        let mut acc = 0.0;
        for k in (0..self.degree).rev() {
            acc = (acc + params[k]) * x;
        }
        acc + params[self.degree]
    }

    fn mse(&self, params: &[f64], points: &[(f64, f64)]) -> f64 {
        let sum: f64 = points
            .iter()
            .map(|&(x, y)| (self.predict(params, x) - y).powi(2))
            .sum();
        sum / points.len().max(1) as f64
    }

    /// The mean squared error on the training points, without the penalty.
    pub fn train_mse(&self, params: &[f64]) -> f64 {
        self.mse(params, &self.train)
    }

    /// The mean squared error on the validation points (0 when there are none).
    pub fn val_mse(&self, params: &[f64]) -> f64 {
        self.mse(params, &self.val)
    }
}

impl Model for PolyRegression {
    fn dim(&self) -> usize {
        self.degree + 1
    }

    fn samples(&self) -> usize {
        self.train.len()
    }

    fn param_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (1..=self.degree).map(|k| format!("w{k}")).collect();
        names.push("b".into());
        names
    }

    fn loss_grad(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        let d = self.degree;
        let m = batch.len() as f64;
        grad.fill(0.0);
        let mut loss = 0.0;
        for &i in batch {
            let (x, y) = self.train[i];
            let r = self.predict(params, x) - y; // ŷᵢ − yᵢ
            loss += r * r;
            let mut xk = 1.0;
            for g in &mut grad[..d] {
                xk *= x; // xᵢᵏ
                *g += 2.0 * r * xk;
            }
            grad[d] += 2.0 * r;
        }
        loss /= m;
        for g in grad.iter_mut() {
            *g /= m;
        }
        for (g, &w) in grad[..d].iter_mut().zip(&params[..d]) {
            loss += self.l2 * w * w + self.l1 * w.abs();
            *g += 2.0 * self.l2 * w + self.l1 * l1_subgradient(w);
        }
        loss
    }

    fn val_loss(&self, params: &[f64]) -> Option<f64> {
        (!self.val.is_empty()).then(|| self.val_mse(params))
    }
}
