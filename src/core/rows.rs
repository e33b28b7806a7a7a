//! A surface's values over a raster, row by row: what heatmaps and contours sample, fast and
//! bit for bit [`Surface::value`] at every point.
//!
//! [`Rows`] is made once for a raster's column coordinates and then asked for one row at a
//! time. It matches on the surface once per row, not once per point, so each built-in surface
//! runs its own tight loop (its formula inlined from [`Surface::eval`], which the compiler
//! vectorizes), and it keeps per-column tables of what the separable surfaces compute from `x`
//! alone (Rastrigin's `x² − 10 cos 2πx`, Ackley's `x²` and `e^(½ cos 2πx)`, Easom's
//! `e^(−(x − π)²)` and `cos x`), so that their transcendental functions are taken once per
//! column and once per row instead of at every point. For the polynomial surfaces and
//! Rastrigin the loops hold exactly the `f64` operations [`Surface::eval`] does, in its order,
//! so every value is the one [`Surface::value`] gives, bit for bit. Ackley and Easom differ in
//! the last bits: their exponentials of a sum are taken as products of the two exponentials
//! (`e^(a + b) = eᵃ·eᵇ`, each factor from a table), and Ackley's cone `e^(−0.2 r)` by [`exp`],
//! which needs no call and no branch (the library's `exp` is a call per point, and in wasm a
//! slow one); their values are within 5·10⁻¹⁵ of [`Surface::value`]'s, relatively, far below
//! what a colour shows. `tests/heatmap.rs` checks both over every surface. A typed formula
//! ([`Surface::Custom`]) is evaluated 16 points at a time through [`Values`], walking its tree
//! once per 16 points and computing only values (no derivatives), each lane `f64`'s own
//! arithmetic, so bit for bit [`Surface::value`] too.

use crate::core::dual::Real;
use crate::core::surface::Surface;
use std::f64::consts::{E, PI, TAU};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A surface sampled at fixed column coordinates, one row (one `y`) at a time.
#[derive(Clone, Debug)]
pub struct Rows<'a> {
    surface: &'a Surface,
    xs: Vec<f64>,
    /// Per-column terms of a separable surface (empty for the others): Rastrigin's whole
    /// x-term; Ackley's `x²`; Easom's `e^(−(x − π)²)`.
    a: Vec<f64>,
    /// Ackley's `e^(½ cos 2πx)`; Easom's `cos x`.
    b: Vec<f64>,
}

/// `out` filled with `f(x)` for each of `xs`: one loop per surface, `f` inlined.
#[inline(always)]
fn fill(xs: &[f64], out: &mut Vec<f64>, f: impl Fn(f64) -> f64) {
    out.extend(xs.iter().map(|&x| f(x)));
}

/// Rastrigin's term of one coordinate, as [`Surface::eval`] writes it.
#[inline(always)]
fn rastrigin_term(t: f64) -> f64 {
    t.powi(2) - (t * TAU).cos() * 10.0
}

/// Ackley's wave factor of one coordinate, `e^(½ cos 2πt)`.
fn ackley_wave(t: f64) -> f64 {
    ((t * TAU).cos() * 0.5).exp()
}

/// Easom's well factor of one coordinate, `e^(−(t − π)²)`.
fn easom_well(t: f64) -> f64 {
    (-(t - PI).powi(2)).exp()
}

/// `eˣ` within a unit or two in the last place of `f64::exp`, without a call or a branch, so
/// that a row of them vectorizes: `x = k·ln 2 + r` with `k` the nearest integer to `x/ln 2`
/// (`ln 2` in two parts, so `r` is exact to about 2⁻⁶⁰), `|r| ≤ ½ ln 2`, `eʳ` by its Taylor
/// series to `r¹³` (the next term is below 10⁻¹⁷ of it), times `2ᵏ` as two powers of two made
/// from their bits (so that the result may be subnormal, and rounds once). `x` is clamped to
/// `[−746, 710]` first: beyond, `eˣ` is 0 or `+∞` either way. A NaN gives a NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵², whose ulp is 1
    // fdlibm's split of ln 2: the high part's last 32 bits are 0, so k·LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let x = x.clamp(-746.0, 710.0);
    let kf = (x * std::f64::consts::LOG2_E + MAGIC) - MAGIC;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    // 1/n! for n = 0..=13.
    const C: [f64; 14] = {
        let mut c = [1.0; 14];
        let mut n = 1;
        while n < 14 {
            c[n] = c[n - 1] / n as f64;
            n += 1;
        }
        c
    };
    let mut p = C[13];
    for &c in C[..13].iter().rev() {
        p = p * r + c;
    }
    // 2ᵏ = 2ʰ·2ᵏ⁻ʰ, h = ⌊k/2⌋; each power's exponent bits from the integer's float (a sum
    // with 1.5·2⁵² holds it in its low bits), without a float-to-integer conversion or an
    // arithmetic shift of 64-bit lanes (neither has a wasm SIMD instruction).
    let power =
        |e: f64| f64::from_bits((e + 1023.0 + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits()) << 52);
    let half = (kf * 0.5).floor();
    p * power(half) * power(kf - half)
}

impl<'a> Rows<'a> {
    /// `surface` at the columns `xs`, its per-column tables made.
    pub fn new(surface: &'a Surface, xs: Vec<f64>) -> Rows<'a> {
        let column = |f: fn(f64) -> f64| xs.iter().map(|&x| f(x)).collect::<Vec<f64>>();
        let (a, b) = match surface {
            Surface::Rastrigin => (column(rastrigin_term), Vec::new()),
            Surface::Ackley => (column(|x| x.powi(2)), column(ackley_wave)),
            Surface::Easom => (column(easom_well), column(f64::cos)),
            _ => (Vec::new(), Vec::new()),
        };
        Rows { surface, xs, a, b }
    }

    /// `f(xs[i], y)` for every column `i`, into `out` (cleared first).
    pub fn row(&self, y: f64, out: &mut Vec<f64>) {
        out.clear();
        let xs = &self.xs[..];
        match *self.surface {
            Surface::Rosenbrock => fill(xs, out, |x| Surface::Rosenbrock.eval(x, y)),
            Surface::Bowl { condition, angle } => {
                let bowl = Surface::Bowl { condition, angle };
                fill(xs, out, |x| bowl.eval(x, y))
            }
            Surface::Beale => fill(xs, out, |x| Surface::Beale.eval(x, y)),
            Surface::Himmelblau => fill(xs, out, |x| Surface::Himmelblau.eval(x, y)),
            Surface::Saddle => fill(xs, out, |x| Surface::Saddle.eval(x, y)),
            Surface::Booth => fill(xs, out, |x| Surface::Booth.eval(x, y)),
            Surface::GoldsteinPrice => fill(xs, out, |x| Surface::GoldsteinPrice.eval(x, y)),
            Surface::SixHumpCamel => fill(xs, out, |x| Surface::SixHumpCamel.eval(x, y)),
            Surface::StyblinskiTang => fill(xs, out, |x| Surface::StyblinskiTang.eval(x, y)),
            Surface::MonkeySaddle => fill(xs, out, |x| Surface::MonkeySaddle.eval(x, y)),
            Surface::Rastrigin => {
                // term(x) + term(y) + 20.
                let ty = rastrigin_term(y);
                out.extend(self.a.iter().map(|&tx| tx + ty + 20.0));
            }
            Surface::Ackley => {
                // −20 e^(−0.2 √(½(x² + y²))) − e^(½(cos 2πx + cos 2πy)) + e + 20, the cone
                // term 0 at the tip.
                // In three loops (the exponent, its exponential, the sum), each with few enough
                // constants for the registers of the browser's compiler.
                let (y2, wy) = (y.powi(2), ackley_wave(y));
                out.extend(self.a.iter().map(|&x2| ((x2 + y2) * 0.5).sqrt() * -0.2));
                out.iter_mut().for_each(|t| *t = exp(*t));
                for ((f, &x2), &wx) in out.iter_mut().zip(&self.a).zip(&self.b) {
                    let cone = *f * -20.0 + 20.0;
                    let cone = if (x2 + y2) * 0.5 == 0.0 { 0.0 } else { cone };
                    let waves = -(wx * wy) + E;
                    *f = cone + waves;
                }
            }
            Surface::Easom => {
                // −cos x cos y e^(−((x − π)² + (y − π)²)).
                let (wy, cy) = (easom_well(y), y.cos());
                out.extend(
                    self.a
                        .iter()
                        .zip(&self.b)
                        .map(|(&wx, &cx)| -(cx * cy * (wx * wy))),
                );
            }
            Surface::Custom(ref c) => {
                const N: usize = 16;
                for chunk in xs.chunks(N) {
                    let mut lanes = [0.0; N];
                    lanes[..chunk.len()].copy_from_slice(chunk);
                    let f = c.expr().eval(Values(lanes), Values([y; N]));
                    out.extend_from_slice(&f.0[..chunk.len()]);
                }
            }
        }
    }
}

/// `N` values at once, with [`Real`]'s arithmetic done lane by lane by `f64`'s own (so each
/// lane is bit for bit what [`Surface::value`] computes): a typed formula's tree walked once
/// per `N` points for its values alone, without the derivatives [`crate::core::dual::Lanes`]
/// carries (a third of its arithmetic, and for `sin`, `exp` and the like a second call to the
/// library per point).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Values<const N: usize>(pub [f64; N]);

impl<const N: usize> Values<N> {
    /// Each lane through `f`.
    #[inline(always)]
    fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        Values(self.0.map(f))
    }

    /// Lane by lane `f(self, other)`.
    #[inline(always)]
    fn zip(&self, other: &Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut out = self.0;
        for (o, &b) in out.iter_mut().zip(&other.0) {
            *o = f(*o, b);
        }
        Values(out)
    }
}

/// `Values ∘ Values` and `Values ∘ f64` for one operator, lane by lane.
macro_rules! values_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<const N: usize> $trait for Values<N> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, other: Self) -> Self {
                self.zip(&other, |a, b| a $op b)
            }
        }
        impl<const N: usize> $trait<f64> for Values<N> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, c: f64) -> Self {
                self.map(|a| a $op c)
            }
        }
    };
}
values_op!(Add, add, +);
values_op!(Sub, sub, -);
values_op!(Mul, mul, *);
values_op!(Div, div, /);

impl<const N: usize> Neg for Values<N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}

/// [`Real`]'s functions of one argument, each lane through `f64`'s own.
macro_rules! lanewise {
    ($($f:ident),*) => {
        $(
            fn $f(&self) -> Self {
                self.map(|a| Real::$f(&a))
            }
        )*
    };
}

impl<const N: usize> Real for Values<N> {
    fn constant(c: f64) -> Self {
        Values([c; N])
    }
    lanewise!(sqrt, exp, cos, sin, tan, ln, abs, sinh, cosh, tanh);
    fn powi(&self, n: i32) -> Self {
        self.map(|a| Real::powi(&a, n))
    }
    fn where_zero(&self, if_zero: Self, otherwise: Self) -> Self {
        let mut out = otherwise.0;
        for ((o, &v), &z) in out.iter_mut().zip(&self.0).zip(&if_zero.0) {
            *o = Real::where_zero(&v, z, *o);
        }
        Values(out)
    }
    fn powf(&self, c: f64) -> Self {
        self.map(|a| Real::powf(&a, c))
    }
    fn pow(&self, exponent: Self) -> Self {
        self.zip(&exponent, |a, b| Real::pow(&a, b))
    }
    fn min(&self, other: Self) -> Self {
        self.zip(&other, |a, b| Real::min(&a, b))
    }
    fn max(&self, other: Self) -> Self {
        self.zip(&other, |a, b| Real::max(&a, b))
    }
}
