//! Seeded, portable data sets for the regression lab: the same seed gives the same points
//! natively and in the browser (PCG-64 and `rand_distr`, as the gradient noise of
//! [`crate::core::run`]).

use crate::err;
use crate::error::Error;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal, StandardUniform};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Where [`linear`] draws its `x`: uniformly in `[LINEAR_X.0, LINEAR_X.1)`. Not centred on
/// purpose: the MSE bowl over `(w, b)` is then elongated, which is what feature scaling fixes.
pub const LINEAR_X: (f64, f64) = (0.0, 10.0);

/// A generator for one purpose, seeded from a user's `seed` and a `stream` number, so that
/// the data, the split, the shuffling, the initial weights and the dropout masks drawn from
/// one seed are independent of each other (SplitMix64's finaliser mixes the two).
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in `[lo, hi)`.
fn uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    let u: f64 = StandardUniform.sample(rng);
    lo + (hi - lo) * u
}

fn normal(rng: &mut Pcg64Mcg) -> f64 {
    StandardNormal.sample(rng)
}

/// `n` points `(x, y)` on the line `y = slope·x + intercept`, with `x` uniform in
/// [`LINEAR_X`] (`[0, 10)`) and Gaussian noise of standard deviation `noise` added to `y`.
pub fn linear(n: usize, slope: f64, intercept: f64, noise: f64, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let x = uniform(&mut rng, LINEAR_X.0, LINEAR_X.1);
            let y = slope * x + intercept + noise * normal(&mut rng);
            (x, y)
        })
        .collect()
}

/// `n` labelled points in two Gaussian blobs: the points with label `true` (even indices)
/// around `c = (separation / 2)(1, 1)/√2`, those with `false` (odd indices) around `−c`, each
/// coordinate with standard deviation `noise`. The centres are `separation` apart, so the
/// classes are linearly separable (with overwhelming probability) when `separation` is large
/// against `noise` (say `separation ≥ 10·noise`).
pub fn two_classes(n: usize, separation: f64, noise: f64, seed: u64) -> Vec<([f64; 2], bool)> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let c = separation / 2.0 / std::f64::consts::SQRT_2;
    (0..n)
        .map(|i| {
            let label = i % 2 == 0;
            let s = if label { c } else { -c };
            let p = [s + noise * normal(&mut rng), s + noise * normal(&mut rng)];
            (p, label)
        })
        .collect()
}

/// The shape of a two-class data set: how [`classes`] lays the two classes out in the plane.
/// Only [`ClassShape::Blobs`] is linearly separable; the others need the network's hidden
/// layer (logistic regression, a straight boundary, cannot get them right).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassShape {
    /// Two Gaussian blobs ([`two_classes`]).
    #[default]
    Blobs,
    /// A disc inside a ring: class `true` on the circle of radius [`CIRCLES_RADII`]`.0`,
    /// class `false` on the circle of radius [`CIRCLES_RADII`]`.1`, at uniform angles.
    Circles,
    /// Two interleaved half-moons of radius [`MOONS_RADIUS`] (scikit-learn's `make_moons`
    /// scaled by it and centred): class `true` on the upper arc `r(cos t, sin t)`, class
    /// `false` on the lower arc `r(1 − cos t, ½ − sin t)`, `t` uniform in `[0, π]`, the whole
    /// shifted by `−r(½, ¼)`.
    Moons,
    /// Exclusive or: four blobs centred at `(±a, ±a)` with `a = separation / 2`; class `true`
    /// where both coordinates have the same sign (the first and third quadrants).
    Xor,
}

/// The radii of [`ClassShape::Circles`]: the inner class, then the outer one.
pub const CIRCLES_RADII: (f64, f64) = (1.0, 2.5);

/// The radius of each of [`ClassShape::Moons`]' arcs.
pub const MOONS_RADIUS: f64 = 2.0;

impl ClassShape {
    /// Every shape, in the order the page lists them.
    pub const ALL: [ClassShape; 4] = [
        ClassShape::Blobs,
        ClassShape::Circles,
        ClassShape::Moons,
        ClassShape::Xor,
    ];

    /// The name used in links and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            ClassShape::Blobs => "blobs",
            ClassShape::Circles => "circles",
            ClassShape::Moons => "moons",
            ClassShape::Xor => "xor",
        }
    }

    /// What the page's menu shows.
    pub fn label(self) -> &'static str {
        match self {
            ClassShape::Blobs => "two blobs (a straight line separates them)",
            ClassShape::Circles => "circles (a disc inside a ring)",
            ClassShape::Moons => "moons (two interleaved arcs)",
            ClassShape::Xor => "XOR (four blobs, opposite corners alike)",
        }
    }

    /// Whether the class separation setting shapes the data (blobs and XOR; the circles'
    /// and moons' geometry is fixed, their noise the only setting).
    pub fn uses_separation(self) -> bool {
        matches!(self, ClassShape::Blobs | ClassShape::Xor)
    }

    /// The shape named `id`, or an error naming the allowed values.
    pub fn from_id(id: &str) -> Result<ClassShape, Error> {
        ClassShape::ALL
            .into_iter()
            .find(|s| s.id() == id)
            .ok_or_else(|| err!("error.data.shape", id = id))
    }
}

/// `n` labelled points of `shape`, Gaussian noise of standard deviation `noise` added to each
/// coordinate; labels alternate, `true` at even indices, so the classes are balanced. Blobs
/// are exactly [`two_classes`] (the same points for the same seed).
pub fn classes(
    shape: ClassShape,
    n: usize,
    separation: f64,
    noise: f64,
    seed: u64,
) -> Vec<([f64; 2], bool)> {
    if shape == ClassShape::Blobs {
        return two_classes(n, separation, noise, seed);
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let pi = std::f64::consts::PI;
    (0..n)
        .map(|i| {
            let label = i % 2 == 0;
            let centre = match shape {
                ClassShape::Circles => {
                    let t = uniform(&mut rng, 0.0, 2.0 * pi);
                    let r = if label {
                        CIRCLES_RADII.0
                    } else {
                        CIRCLES_RADII.1
                    };
                    [r * t.cos(), r * t.sin()]
                }
                ClassShape::Moons => {
                    let t = uniform(&mut rng, 0.0, pi);
                    let r = MOONS_RADIUS;
                    let [x, y] = if label {
                        [t.cos(), t.sin()]
                    } else {
                        [1.0 - t.cos(), 0.5 - t.sin()]
                    };
                    [r * (x - 0.5), r * (y - 0.25)]
                }
                ClassShape::Xor | ClassShape::Blobs => {
                    // Class true in quadrants 1 and 3, false in 2 and 4, alternating corners.
                    let a = separation / 2.0;
                    let corner = (i / 2) % 2 == 0;
                    match (label, corner) {
                        (true, true) => [a, a],
                        (true, false) => [-a, -a],
                        (false, true) => [-a, a],
                        (false, false) => [a, -a],
                    }
                }
            };
            let p = [
                centre[0] + noise * normal(&mut rng),
                centre[1] + noise * normal(&mut rng),
            ];
            (p, label)
        })
        .collect()
}

/// `n` points of the curve `y = sin(πx)` with `x` uniform in `[−1, 1)` and Gaussian noise of
/// standard deviation `noise` on `y`: the target of polynomial fitting.
pub fn curve(n: usize, noise: f64, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let x = uniform(&mut rng, -1.0, 1.0);
            let y = (std::f64::consts::PI * x).sin() + noise * normal(&mut rng);
            (x, y)
        })
        .collect()
}

/// A seeded Fisher–Yates permutation of `0..n` (draws are `u64`, so the same seed gives the
/// same order on 32- and 64-bit targets).
pub fn permutation(n: usize, rng: &mut Pcg64Mcg) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let u: f64 = StandardUniform.sample(rng);
        let j = ((u * (i as f64 + 1.0)) as usize).min(i);
        order.swap(i, j);
    }
    order
}

/// Splits `data` into `(train, validation)` after a seeded shuffle: the validation set gets
/// `round(val_fraction · n)` points (`val_fraction` clamped to `[0, 1]`), the rest train.
pub fn split<T: Clone>(data: &[T], val_fraction: f64, seed: u64) -> (Vec<T>, Vec<T>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let order = permutation(data.len(), &mut rng);
    let n_val = (val_fraction.clamp(0.0, 1.0) * data.len() as f64).round() as usize;
    let (val, train) = order.split_at(n_val);
    let pick = |idx: &[usize]| idx.iter().map(|&i| data[i].clone()).collect();
    (pick(train), pick(val))
}

/// Which of `n` points [`split`] (with the same `val_fraction` and `seed`) trains as each
/// training sample: `train[j]` is the index among the `n` points of training sample `j`.
pub fn train_indices(n: usize, val_fraction: f64, seed: u64) -> Vec<usize> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let order = permutation(n, &mut rng);
    let n_val = (val_fraction.clamp(0.0, 1.0) * n as f64).round() as usize;
    order[n_val..].to_vec()
}

/// Which of `n` points [`split`] (with the same `val_fraction` and `seed`) puts in the
/// validation set: `mask[i]` is `true` when point `i` validates, `false` when it trains.
pub fn validation_mask(n: usize, val_fraction: f64, seed: u64) -> Vec<bool> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let order = permutation(n, &mut rng);
    let n_val = (val_fraction.clamp(0.0, 1.0) * n as f64).round() as usize;
    let mut mask = vec![false; n];
    for &i in &order[..n_val] {
        mask[i] = true;
    }
    mask
}
