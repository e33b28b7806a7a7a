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

use num_dual::DualNum;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic a surface's definition uses: what both num-dual's numbers and [`Lanes`]
/// provide.
pub trait Real:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
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
}
