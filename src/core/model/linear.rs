//! Linear regression `ŷ = w·x + b` with the mean squared error, the course's first model.

use super::Model;
use nalgebra::{Matrix2, Vector2};

/// Linear regression on points `(xᵢ, yᵢ)`: `ŷᵢ = w·xᵢ + b`, parameters `(w, b)` in that order,
/// loss the mean squared error over a batch of `m` samples,
///
/// `L(w, b) = (1/m) Σᵢ (w xᵢ + b − yᵢ)²`,
///
/// whose gradient is, as the course notes write it,
///
/// `∂L/∂w = (1/m) Σᵢ 2(w xᵢ + b − yᵢ) xᵢ`,  `∂L/∂b = (1/m) Σᵢ 2(w xᵢ + b − yᵢ)`,
///
/// so that gradient descent is `w ← w − α·∂L/∂w`, `b ← b − α·∂L/∂b`.
///
/// **Feature scaling** (`scale = true`) standardises `x` before anything else:
/// `x' = (x − μ) / s` with `μ` the mean and `s` the (population) standard deviation of the
/// data's `x`. The model is then `ŷ = w·x' + b`: the parameters, the gradient, the loss surface
/// and [`least_squares`](LinearRegression::least_squares) all live in the scaled coordinates,
/// where the MSE bowl is round (its Hessian is `2·I`), and
/// [`unscaled`](LinearRegression::unscaled) maps `(w, b)` back to the original `x`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    /// The samples, `x` already standardised when scaling is on.
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// `(μ, s)` when scaling is on.
    scaling: Option<(f64, f64)>,
}

impl LinearRegression {
    /// The model on `data`, with `x` standardised when `scale` is set (a constant `x`, whose
    /// standard deviation is 0, is only centred).
    pub fn new(data: &[(f64, f64)], scale: bool) -> Self {
        let n = data.len().max(1) as f64;
        let scaling = scale.then(|| {
            let mean = data.iter().map(|p| p.0).sum::<f64>() / n;
            let var = data.iter().map(|p| (p.0 - mean).powi(2)).sum::<f64>() / n;
            let sd = var.sqrt();
            (mean, if sd > 0.0 { sd } else { 1.0 })
        });
        let xs = data
            .iter()
            .map(|p| scaling.map_or(p.0, |(m, s)| (p.0 - m) / s))
            .collect();
        LinearRegression {
            xs,
            ys: data.iter().map(|p| p.1).collect(),
            scaling,
        }
    }

    /// Training sample `i`: `(xᵢ, yᵢ)`, `x` standardised when scaling is on (as the model
    /// sees it); `None` past the end.
    pub fn sample(&self, i: usize) -> Option<(f64, f64)> {
        Some((*self.xs.get(i)?, self.ys[i]))
    }

    /// `(μ, s)` of the feature scaling, if on.
    pub fn scaling(&self) -> Option<(f64, f64)> {
        self.scaling
    }

    /// `(w, b)` of the model's own coordinates as slope and intercept on the original `x`:
    /// `w / s` and `b − w μ / s` with scaling, unchanged without.
    pub fn unscaled(&self, params: &[f64]) -> [f64; 2] {
        match self.scaling {
            Some((m, s)) => [params[0] / s, params[1] - params[0] * m / s],
            None => [params[0], params[1]],
        }
    }

    /// The closed-form least-squares solution, the minimum of the MSE: the normal equations
    /// `XᵀX θ = Xᵀy` with `X = [x 1]` (rows `(xᵢ, 1)`), solved with nalgebra (Cholesky; the
    /// minimum-norm solution by SVD when `XᵀX` is singular, as for a constant `x`), in the
    /// model's coordinates (scaled when scaling is on).
    pub fn least_squares(&self) -> [f64; 2] {
        let (mut sxx, mut sx, mut sxy, mut sy) = (0.0, 0.0, 0.0, 0.0);
        for (&x, &y) in self.xs.iter().zip(&self.ys) {
            sxx += x * x;
            sx += x;
            sxy += x * y;
            sy += y;
        }
        let xtx = Matrix2::new(sxx, sx, sx, self.xs.len() as f64);
        let xty = Vector2::new(sxy, sy);
        let theta = match xtx.cholesky() {
            Some(c) => c.solve(&xty),
            None => xtx
                .svd(true, true)
                .solve(&xty, 1e-12)
                .unwrap_or_else(|_| Vector2::zeros()),
        };
        [theta[0], theta[1]]
    }
}

impl Model for LinearRegression {
    fn dim(&self) -> usize {
        2
    }

    fn samples(&self) -> usize {
        self.xs.len()
    }

    fn param_names(&self) -> Vec<String> {
        vec!["w".into(), "b".into()]
    }

    fn loss_grad(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        let (w, b) = (params[0], params[1]);
        let m = batch.len() as f64;
        let (mut loss, mut gw, mut gb) = (0.0, 0.0, 0.0);
        for &i in batch {
            let r = w * self.xs[i] + b - self.ys[i]; // w xᵢ + b − yᵢ
            loss += r * r;
            gw += 2.0 * r * self.xs[i];
            gb += 2.0 * r;
        }
        grad[0] = gw / m;
        grad[1] = gb / m;
        loss / m
    }
}
