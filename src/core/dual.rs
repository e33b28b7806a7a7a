//! Forward-mode dual numbers over lanes: the value and the gradient of a surface at `N`
//! points at once, in structure-of-arrays form the compiler vectorizes.
//!
//! A surface is written once, generically over [`Real`] ([`crate::core::surface::Surface::eval`]).
//! [`Real`] is implemented for every [`num_dual::DualNum`] (plain `f64` for values, num-dual's
//! second-order duals for Hessians) and for [`Lanes`], a first-order dual whose value and two
//! partial derivatives are arrays of `N` lanes. Every operation of [`Lanes`] applies the same
//! scalar arithmetic to each lane independently, so `Lanes<1>` and lane `i` of `Lanes<8>` give
//! the same bits: [`crate::core::surface::Surface::value_and_gradient`] is `Lanes<1>`, and batched
//! runs ([`crate::core::batch`]) use wider lanes without changing a result.
//!
//! Beyond what the built-in surfaces use, [`Real`] has what a typed formula
//! ([`crate::core::expr`]) may ask for: division, `sin`, `tan`, `ln`, `abs`, the hyperbolic
//! functions, `min`/`max`, and powers with a non-integer or variable exponent. Every one has
//! its exact derivative in [`Lanes`]; where a function has a kink (`abs` at 0, `min`/`max`
//! where the arguments tie) the derivative is the one stated on the method, the same for
//! num-dual's numbers and for every lane.

use num_dual::DualNum;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic a surface's definition uses: what both num-dual's numbers and [`Lanes`]
/// provide.
pub trait Real:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant: every lane `c`, every derivative 0.
    fn constant(c: f64) -> Self;
    /// `selfⁿ`.
    fn powi(&self, n: i32) -> Self;
    /// `√self`.
    fn sqrt(&self) -> Self;
    /// `exp(self)`.
    fn exp(&self) -> Self;
    /// `cos(self)`.
    fn cos(&self) -> Self;
    /// Lane by lane: `if_zero` where this value is exactly `0`, `otherwise` elsewhere (both are
    /// computed; a branch a definition takes on its value, made lane-wise).
    fn where_zero(&self, if_zero: Self, otherwise: Self) -> Self;
    /// `sin(self)`, derivative `cos`.
    fn sin(&self) -> Self;
    /// `tan(self)`, derivative `1 + tan²`.
    fn tan(&self) -> Self;
    /// The natural logarithm `ln(self)`, derivative `1/self` (NaN below 0, `−∞` at 0).
    fn ln(&self) -> Self;
    /// `|self|`, derivative `sign(self)`: `1` above 0, `−1` below; at exactly 0 the value `0`
    /// with every derivative `0` (the subgradient 0, as the Ackley surface's tip).
    fn abs(&self) -> Self;
    /// `sinh(self)`, derivative `cosh`.
    fn sinh(&self) -> Self;
    /// `cosh(self)`, derivative `sinh`.
    fn cosh(&self) -> Self;
    /// `tanh(self)`, derivative `1 − tanh²`.
    fn tanh(&self) -> Self;
    /// `selfᶜ` for a constant `c` (use [`Real::powi`] for an integer `c`), derivative
    /// `c·selfᶜ⁻¹`; NaN below 0 unless `c` is an integer, as `f64::powf`. Its value is
    /// `f64::powf`'s, bit for bit, for every type (num-dual's own `powf` loses it to
    /// underflow far from 1), except at a base of exactly 0, where num-dual's duals give NaN
    /// for `c < 3` (their derivatives there are infinite or undefined anyway).
    fn powf(&self, c: f64) -> Self;
    /// `selfᵉˣᵖᵒⁿᵉⁿᵗ` with a variable exponent, derivative
    /// `exponent·selfᵉˣᵖᵒⁿᵉⁿᵗ⁻¹·d self + selfᵉˣᵖᵒⁿᵉⁿᵗ·ln(self)·d exponent`. The value is
    /// `f64::powf`'s for `f64` and [`Lanes`], and num-dual's `exp(exponent·ln self)` for its
    /// duals (the same within rounding for a positive base). For a base at or below 0 the
    /// derivatives are NaN, and so is the duals' value.
    fn pow(&self, exponent: Self) -> Self;
    /// The smaller of `self` and `other`, with that one's derivatives, lane by lane; `self`'s
    /// where they tie, and a NaN where either is NaN (unlike `f64::min`, which drops a NaN).
    fn min(&self, other: Self) -> Self;
    /// The larger of `self` and `other`, with that one's derivatives, lane by lane; `self`'s
    /// where they tie, and a NaN where either is NaN (unlike `f64::max`, which drops a NaN).
    fn max(&self, other: Self) -> Self;
}

/// Whether `min(a, b)` takes `a`: where `a ≤ b`, or `a` is NaN; `b` where `b` is NaN.
#[inline(always)]
fn min_takes_first(a: f64, b: f64) -> bool {
    a.is_nan() || (!b.is_nan() && a <= b)
}

/// Whether `max(a, b)` takes `a`: where `a ≥ b`, or `a` is NaN; `b` where `b` is NaN.
#[inline(always)]
fn max_takes_first(a: f64, b: f64) -> bool {
    a.is_nan() || (!b.is_nan() && a >= b)
}

impl<D: DualNum<Primitive = f64>> Real for D {
    fn constant(c: f64) -> Self {
        D::from(c)
    }
    fn powi(&self, n: i32) -> Self {
        DualNum::powi(self, n)
    }
    fn sqrt(&self) -> Self {
        DualNum::sqrt(self)
    }
    fn exp(&self) -> Self {
        DualNum::exp(self)
    }
    fn cos(&self) -> Self {
        DualNum::cos(self)
    }
    fn where_zero(&self, if_zero: Self, otherwise: Self) -> Self {
        if self.re() == 0.0 { if_zero } else { otherwise }
    }
    fn sin(&self) -> Self {
        DualNum::sin(self)
    }
    fn tan(&self) -> Self {
        DualNum::tan(self)
    }
    fn ln(&self) -> Self {
        DualNum::ln(self)
    }
    fn abs(&self) -> Self {
        let v = self.re();
        if v > 0.0 {
            self.clone()
        } else if v < 0.0 {
            -self.clone()
        } else if v == 0.0 {
            D::from(0.0)
        } else {
            self.clone()
        }
    }
    fn sinh(&self) -> Self {
        DualNum::sinh(self)
    }
    fn cosh(&self) -> Self {
        DualNum::cosh(self)
    }
    fn tanh(&self) -> Self {
        DualNum::tanh(self)
    }
    fn powf(&self, c: f64) -> Self {
        let v = self.re();
        if D::NDERIV == 0 || v == 0.0 || !v.is_finite() {
            return DualNum::powf(self, c);
        }
        // (self/v)ᶜ · vᶜ: num-dual's powf at a base of value exactly 1 (no intermediate power
        // to underflow or overflow), scaled by f64's vᶜ, which is then the value bit for bit.
        DualNum::powf(&(self.clone() / v), c) * v.powf(c)
    }
    fn pow(&self, exponent: Self) -> Self {
        DualNum::powd(self, exponent)
    }
    fn min(&self, other: Self) -> Self {
        if min_takes_first(self.re(), other.re()) {
            self.clone()
        } else {
            other
        }
    }
    fn max(&self, other: Self) -> Self {
        if max_takes_first(self.re(), other.re()) {
            self.clone()
        } else {
            other
        }
    }
}

/// `N` first-order dual numbers in two variables `(x, y)`, structure of arrays: lane `i` is
/// `re[i] + dx[i]·εx + dy[i]·εy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lanes<const N: usize> {
    /// The values.
    pub re: [f64; N],
    /// The partial derivatives by `x`.
    pub dx: [f64; N],
    /// The partial derivatives by `y`.
    pub dy: [f64; N],
}

impl<const N: usize> Lanes<N> {
    /// The variables `x` and `y` at the points `(xs[i], ys[i])`: `x` with `∂x/∂x = 1`, `y` with
    /// `∂y/∂y = 1`.
    #[inline(always)]
    pub fn variables(xs: [f64; N], ys: [f64; N]) -> (Self, Self) {
        (
            Lanes {
                re: xs,
                dx: [1.0; N],
                dy: [0.0; N],
            },
            Lanes {
                re: ys,
                dx: [0.0; N],
                dy: [1.0; N],
            },
        )
    }

    /// Lane by lane, `(value, ∂x, ∂y) ↦ (f(value), f′(value)·∂x, f′(value)·∂y)`, with
    /// `f_df(value) = (f(value), f′(value))`.
    #[inline(always)]
    fn chain(self, f_df: impl Fn(f64) -> (f64, f64)) -> Self {
        let mut out = self;
        for i in 0..N {
            let (f, df) = f_df(self.re[i]);
            out.re[i] = f;
            out.dx[i] = df * self.dx[i];
            out.dy[i] = df * self.dy[i];
        }
        out
    }

    /// Lane by lane `op` on values and derivatives, with `other`.
    #[inline(always)]
    fn zip(self, other: Self, op: impl Fn([f64; 3], [f64; 3]) -> [f64; 3]) -> Self {
        let mut out = self;
        for i in 0..N {
            let [re, dx, dy] = op(
                [self.re[i], self.dx[i], self.dy[i]],
                [other.re[i], other.dx[i], other.dy[i]],
            );
            out.re[i] = re;
            out.dx[i] = dx;
            out.dy[i] = dy;
        }
        out
    }

    /// Lane by lane, `self` where `first(self, other)` on the values, else `other`: values
    /// and derivatives together.
    #[inline(always)]
    fn select(self, other: Self, first: impl Fn(f64, f64) -> bool) -> Self {
        let mut out = other;
        for i in 0..N {
            if first(self.re[i], other.re[i]) {
                out.re[i] = self.re[i];
                out.dx[i] = self.dx[i];
                out.dy[i] = self.dy[i];
            }
        }
        out
    }

    /// Every value and derivative through `op` (linear maps: scaling, negation).
    #[inline(always)]
    fn map(self, op: impl Fn(f64) -> f64) -> Self {
        Lanes {
            re: self.re.map(&op),
            dx: self.dx.map(&op),
            dy: self.dy.map(&op),
        }
    }
}

impl<const N: usize> Add for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self.zip(o, |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    }
}

impl<const N: usize> Sub for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self.zip(o, |a, b| [a[0] - b[0], a[1] - b[1], a[2] - b[2]])
    }
}

impl<const N: usize> Mul for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self.zip(o, |a, b| {
            [
                a[0] * b[0],
                a[1] * b[0] + a[0] * b[1],
                a[2] * b[0] + a[0] * b[2],
            ]
        })
    }
}

/// The quotient rule, lane by lane: `q = a/b`, `dq = (da − q·db)/b`.
impl<const N: usize> Div for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        self.zip(o, |a, b| {
            let q = a[0] / b[0];
            [q, (a[1] - q * b[1]) / b[0], (a[2] - q * b[2]) / b[0]]
        })
    }
}

impl<const N: usize> Neg for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|v| -v)
    }
}

impl<const N: usize> Add<f64> for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn add(mut self, c: f64) -> Self {
        for v in &mut self.re {
            *v += c;
        }
        self
    }
}

impl<const N: usize> Sub<f64> for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn sub(mut self, c: f64) -> Self {
        for v in &mut self.re {
            *v -= c;
        }
        self
    }
}

impl<const N: usize> Mul<f64> for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, c: f64) -> Self {
        self.map(|v| v * c)
    }
}

impl<const N: usize> Div<f64> for Lanes<N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, c: f64) -> Self {
        self.map(|v| v / c)
    }
}

impl<const N: usize> Real for Lanes<N> {
    #[inline(always)]
    fn constant(c: f64) -> Self {
        Lanes {
            re: [c; N],
            dx: [0.0; N],
            dy: [0.0; N],
        }
    }

    /// `xⁿ` with derivative `n xⁿ⁻¹`; squares and cubes by multiplication (no `powi` call).
    #[inline(always)]
    fn powi(&self, n: i32) -> Self {
        match n {
            0 => Self::constant(1.0),
            1 => *self,
            2 => self.chain(|v| (v * v, 2.0 * v)),
            3 => self.chain(|v| {
                let v2 = v * v;
                (v2 * v, 3.0 * v2)
            }),
            _ => self.chain(|v| {
                let p = v.powi(n - 1);
                (p * v, f64::from(n) * p)
            }),
        }
    }

    #[inline(always)]
    fn sqrt(&self) -> Self {
        self.chain(|v| {
            let s = v.sqrt();
            (s, 0.5 / s)
        })
    }

    #[inline(always)]
    fn exp(&self) -> Self {
        self.chain(|v| {
            let e = v.exp();
            (e, e)
        })
    }

    #[inline(always)]
    fn cos(&self) -> Self {
        self.chain(|v| {
            let (s, c) = v.sin_cos();
            (c, -s)
        })
    }

    #[inline(always)]
    fn where_zero(&self, if_zero: Self, otherwise: Self) -> Self {
        let mut out = otherwise;
        for i in 0..N {
            if self.re[i] == 0.0 {
                out.re[i] = if_zero.re[i];
                out.dx[i] = if_zero.dx[i];
                out.dy[i] = if_zero.dy[i];
            }
        }
        out
    }

    #[inline(always)]
    fn sin(&self) -> Self {
        self.chain(|v| v.sin_cos())
    }

    #[inline(always)]
    fn tan(&self) -> Self {
        self.chain(|v| {
            let t = v.tan();
            (t, 1.0 + t * t)
        })
    }

    #[inline(always)]
    fn ln(&self) -> Self {
        self.chain(|v| (v.ln(), 1.0 / v))
    }

    #[inline(always)]
    fn abs(&self) -> Self {
        let mut out = *self;
        for i in 0..N {
            let v = self.re[i];
            if v < 0.0 {
                out.re[i] = -v;
                out.dx[i] = -self.dx[i];
                out.dy[i] = -self.dy[i];
            } else if v == 0.0 {
                out.re[i] = 0.0;
                out.dx[i] = 0.0;
                out.dy[i] = 0.0;
            }
        }
        out
    }

    #[inline(always)]
    fn sinh(&self) -> Self {
        self.chain(|v| (v.sinh(), v.cosh()))
    }

    #[inline(always)]
    fn cosh(&self) -> Self {
        self.chain(|v| (v.cosh(), v.sinh()))
    }

    #[inline(always)]
    fn tanh(&self) -> Self {
        self.chain(|v| {
            let t = v.tanh();
            (t, 1.0 - t * t)
        })
    }

    #[inline(always)]
    fn powf(&self, c: f64) -> Self {
        self.chain(|v| (v.powf(c), c * v.powf(c - 1.0)))
    }

    #[inline(always)]
    fn pow(&self, exponent: Self) -> Self {
        self.zip(exponent, |a, b| {
            let p = a[0].powf(b[0]);
            let by_base = b[0] * a[0].powf(b[0] - 1.0);
            let by_exponent = p * a[0].ln();
            [
                p,
                by_base * a[1] + by_exponent * b[1],
                by_base * a[2] + by_exponent * b[2],
            ]
        })
    }

    #[inline(always)]
    fn min(&self, other: Self) -> Self {
        self.select(other, min_takes_first)
    }

    #[inline(always)]
    fn max(&self, other: Self) -> Self {
        self.select(other, max_takes_first)
    }
}
