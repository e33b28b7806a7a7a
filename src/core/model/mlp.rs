//! A network with one hidden layer, trained by backpropagation written out by hand: the
//! bridge from logistic regression to deep learning.

use super::data::derive_seed;
use super::{Model, bce_with_logit, sigmoid};
use crate::err;
use crate::error::Error;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardUniform};
use rand_pcg::Pcg64Mcg;

/// The stream of [`derive_seed`] the dropout masks are drawn from (step `k` uses stream
/// `DROPOUT_STREAM + k`).
const DROPOUT_STREAM: u64 = 1 << 32;
/// The stream of the initial weights.
const INIT_STREAM: u64 = 7;

/// A one-hidden-layer network on labelled 2D points: `h` tanh units, one sigmoid output,
///
/// `z⁽¹⁾ = W₁x + b₁`, `a = tanh(z⁽¹⁾)`, `ã = a ⊙ r` (dropout), `z⁽²⁾ = w₂·ã + b₂`,
/// `p = σ(z⁽²⁾)`,
///
/// with the binary cross-entropy of [`super::LogisticRegression`] (in its stable
/// `softplus(z) − y z` form) averaged over the batch, plus `λ Σ W²` over the weights `W₁` and
/// `w₂` (not the biases). Parameters, in order (`4h + 1` of them): `W₁` row by row
/// (`W1_j_k`, the weight from input `k` to unit `j`), `b₁` (`b1_j`), `w₂` (`w2_j`), `b₂`.
///
/// **Dropout** is torch's inverted dropout on the hidden layer: during training each hidden
/// activation of each sample is kept with probability `1 − p` and scaled by `1 / (1 − p)`
/// (`r ∈ {0, 1/(1 − p)}`), zeroed otherwise, so that evaluation needs no rescaling. The mask
/// of training step `k` is drawn from a generator seeded by the model's seed and `k`, so a
/// run replays exactly; [`Model::loss_grad`], [`Model::loss`] and [`Model::val_loss`] are
/// evaluations, with dropout off.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    train: Vec<([f64; 2], bool)>,
    val: Vec<([f64; 2], bool)>,
    hidden: usize,
    dropout: f64,
    l2: f64,
    seed: u64,
}

impl Mlp {
    /// A network of `hidden ≥ 1` units with dropout rate `0 ≤ dropout < 1` and weight
    /// penalty `l2 ≥ 0`, trained on `train` and validated on `val` (possibly empty); `seed`
    /// draws the dropout masks.
    pub fn new(
        train: &[([f64; 2], bool)],
        val: &[([f64; 2], bool)],
        hidden: usize,
        dropout: f64,
        l2: f64,
        seed: u64,
    ) -> Result<Self, Error> {
        if hidden == 0 {
            return Err(err!("error.model.hidden_zero"));
        }
        if !(dropout.is_finite() && (0.0..1.0).contains(&dropout)) {
            return Err(err!("error.model.dropout", value = dropout));
        }
        if !(l2.is_finite() && l2 >= 0.0) {
            return Err(err!("error.model.penalty", name = "l2", value = l2));
        }
        Ok(Mlp {
            train: train.to_vec(),
            val: val.to_vec(),
            hidden,
            dropout,
            l2,
            seed,
        })
    }

    /// The number of hidden units `h`.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The dropout rate `p` and the weight penalty `λ`.
    pub fn regularization(&self) -> (f64, f64) {
        (self.dropout, self.l2)
    }

    /// Training sample `i`: its point and its class; `None` past the end.
    pub fn sample(&self, i: usize) -> Option<([f64; 2], bool)> {
        self.train.get(i).copied()
    }

    /// The dropout mask of training step `step` for a batch of `batch_len` samples: `h`
    /// factors per sample (sample after sample), each `1/(1 − p)` (kept) or 0 (dropped).
    /// All ones when the dropout rate is 0.
    pub fn mask(&self, step: usize, batch_len: usize) -> Vec<f64> {
        let n = batch_len * self.hidden;
        if self.dropout == 0.0 {
            return vec![1.0; n];
        }
        let keep = 1.0 - self.dropout;
        let stream = DROPOUT_STREAM.wrapping_add(step as u64);
        let mut rng = Pcg64Mcg::seed_from_u64(derive_seed(self.seed, stream));
        (0..n)
            .map(|_| {
                let u: f64 = StandardUniform.sample(&mut rng);
                if u < keep { 1.0 / keep } else { 0.0 }
            })
            .collect()
    }

    /// The forward pass for one point without dropout: `(a, z⁽²⁾)`.
    fn forward(&self, params: &[f64], x: [f64; 2], a: &mut [f64]) -> f64 {
        let h = self.hidden;
        let (w1, rest) = params.split_at(2 * h);
        let (b1, rest) = rest.split_at(h);
        let (w2, b2) = rest.split_at(h);
        let mut z2 = b2[0];
        for j in 0..h {
            a[j] = (w1[2 * j] * x[0] + w1[2 * j + 1] * x[1] + b1[j]).tanh();
            z2 += w2[j] * a[j];
        }
        z2
    }

    /// `p = σ(z⁽²⁾)` at `x`, dropout off.
    pub fn probability(&self, params: &[f64], x: [f64; 2]) -> f64 {
        let mut a = vec![0.0; self.hidden];
        sigmoid(self.forward(params, x, &mut a))
    }

    fn accuracy_on(&self, params: &[f64], points: &[([f64; 2], bool)]) -> f64 {
        let mut a = vec![0.0; self.hidden];
        let right = points
            .iter()
            .filter(|(x, y)| (self.forward(params, *x, &mut a) >= 0.0) == *y)
            .count();
        right as f64 / points.len().max(1) as f64
    }

    /// The fraction of training points classified right (`p ≥ 1/2` predicts `true`).
    pub fn accuracy(&self, params: &[f64]) -> f64 {
        self.accuracy_on(params, &self.train)
    }

    /// The fraction of validation points classified right.
    pub fn val_accuracy(&self, params: &[f64]) -> f64 {
        self.accuracy_on(params, &self.val)
    }

    /// The loss on `batch` and its gradient by backpropagation, with the dropout factors
    /// `mask` (`h` per sample of the batch, as [`Mlp::mask`] draws them) or without dropout
    /// (`None`). Every line of the backward pass names its chain-rule factor.
    pub fn loss_grad_masked(
        &self,
        params: &[f64],
        batch: &[usize],
        mask: Option<&[f64]>,
        grad: &mut [f64],
    ) -> f64 {
        let h = self.hidden;
        let m = batch.len() as f64;
        let (w1, rest) = params.split_at(2 * h);
        let (b1, rest) = rest.split_at(h);
        let (w2, b2) = rest.split_at(h);
        grad.fill(0.0);
        let (g_w1, g_rest) = grad.split_at_mut(2 * h);
        let (g_b1, g_rest) = g_rest.split_at_mut(h);
        let (g_w2, g_b2) = g_rest.split_at_mut(h);
        let mut a = vec![0.0; h];
        let mut kept = vec![0.0; h];
        let mut loss = 0.0;
        for (s, &i) in batch.iter().enumerate() {
            let (x, y) = self.train[i];
            // Forward: z⁽¹⁾ = W₁x + b₁, a = tanh z⁽¹⁾, ã = a ⊙ r, z⁽²⁾ = w₂·ã + b₂.
            let mut z2 = b2[0];
            for j in 0..h {
                a[j] = (w1[2 * j] * x[0] + w1[2 * j + 1] * x[1] + b1[j]).tanh();
                let r = mask.map_or(1.0, |r| r[s * h + j]);
                kept[j] = a[j] * r;
                z2 += w2[j] * kept[j];
            }
            loss += bce_with_logit(z2, y);
            // Backward, the loss of this sample being ℓ/m:
            // ∂(ℓ/m)/∂z⁽²⁾ = (σ(z⁽²⁾) − y)/m: the cross-entropy's derivative through the sigmoid.
            let d_z2 = (sigmoid(z2) - f64::from(u8::from(y))) / m;
            // ∂z⁽²⁾/∂b₂ = 1.
            g_b2[0] += d_z2;
            for j in 0..h {
                // ∂z⁽²⁾/∂w₂ⱼ = ãⱼ.
                g_w2[j] += d_z2 * kept[j];
                // ∂z⁽²⁾/∂ãⱼ = w₂ⱼ.
                let d_kept = d_z2 * w2[j];
                // ∂ãⱼ/∂aⱼ = rⱼ: a dropped unit passes no gradient back.
                let d_a = d_kept * mask.map_or(1.0, |r| r[s * h + j]);
                // ∂aⱼ/∂zⱼ⁽¹⁾ = 1 − tanh²(zⱼ⁽¹⁾) = 1 − aⱼ².
                let d_z1 = d_a * (1.0 - a[j] * a[j]);
                // ∂zⱼ⁽¹⁾/∂W₁ⱼₖ = xₖ.
                g_w1[2 * j] += d_z1 * x[0];
                g_w1[2 * j + 1] += d_z1 * x[1];
                // ∂zⱼ⁽¹⁾/∂b₁ⱼ = 1.
                g_b1[j] += d_z1;
            }
        }
        loss /= m;
        // The penalty λ Σ W² adds 2λW to the weights' gradient (biases excluded).
        for (g, &w) in g_w1.iter_mut().zip(w1).chain(g_w2.iter_mut().zip(w2)) {
            loss += self.l2 * w * w;
            *g += 2.0 * self.l2 * w;
        }
        loss
    }
}

impl Model for Mlp {
    fn dim(&self) -> usize {
        4 * self.hidden + 1
    }

    fn samples(&self) -> usize {
        self.train.len()
    }

    fn param_names(&self) -> Vec<String> {
        let h = self.hidden;
        let mut names = Vec::with_capacity(4 * h + 1);
        for j in 1..=h {
            names.push(format!("W1_{j}_1"));
            names.push(format!("W1_{j}_2"));
        }
        names.extend((1..=h).map(|j| format!("b1_{j}")));
        names.extend((1..=h).map(|j| format!("w2_{j}")));
        names.push("b2".into());
        names
    }

    fn loss_grad(&self, params: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        self.loss_grad_masked(params, batch, None, grad)
    }

    fn train_loss_grad(
        &self,
        params: &[f64],
        batch: &[usize],
        step: usize,
        grad: &mut [f64],
    ) -> f64 {
        if self.dropout == 0.0 {
            return self.loss_grad_masked(params, batch, None, grad);
        }
        let mask = self.mask(step, batch.len());
        self.loss_grad_masked(params, batch, Some(&mask), grad)
    }

    fn val_loss(&self, params: &[f64]) -> Option<f64> {
        if self.val.is_empty() {
            return None;
        }
        let mut a = vec![0.0; self.hidden];
        let sum: f64 = self
            .val
            .iter()
            .map(|&(x, y)| bce_with_logit(self.forward(params, x, &mut a), y))
            .sum();
        Some(sum / self.val.len() as f64)
    }

    /// torch `nn.Linear`'s default initialisation, seeded: every weight and bias of a layer
    /// uniform in `[−1/√fan_in, 1/√fan_in)` (fan-in 2 for the hidden layer, `h` for the
    /// output), which breaks the symmetry between hidden units that zeros would keep.
    fn init(&self, seed: u64) -> Vec<f64> {
        let h = self.hidden;
        let mut rng = Pcg64Mcg::seed_from_u64(derive_seed(seed, INIT_STREAM));
        let mut draw = |fan_in: usize| {
            let u: f64 = StandardUniform.sample(&mut rng);
            (2.0 * u - 1.0) / (fan_in as f64).sqrt()
        };
        let mut params: Vec<f64> = (0..3 * h).map(|_| draw(2)).collect();
        params.extend((0..=h).map(|_| draw(h)));
        params
    }
}
