//! A surface's values over a raster, row by row: what heatmaps and contours sample, fast and
//! bit for bit [`Surface::value`] at every point.
//!
//! [`Rows`] is made once for a raster's column coordinates and then asked for one row at a
//! time. It matches on the surface once per row, not once per point, so each built-in surface
//! runs its own tight loop (its formula inlined from [`Surface::eval`], which the compiler
//! vectorizes where it can), and it keeps per-column tables of what the separable surfaces
//! compute from `x` alone (Rastrigin's `x² − 10 cos 2πx`, Ackley's `x²` and `cos 2πx`,
//! Easom's `(x − π)²` and `cos x`), so that their cosines are taken once per column and once
//! per row instead of twice per point. Those tables hold exactly the `f64` operations
//! [`Surface::eval`] does, in its order, so every value is the one [`Surface::value`] gives
//! (`tests/heatmap.rs` checks it bit for bit over every surface). A typed formula
//! ([`Surface::Custom`]) is evaluated 16 points at a time through [`Lanes`], walking its tree
//! once per 16 points.

use crate::core::dual::Lanes;
use crate::core::surface::Surface;
use std::f64::consts::{E, PI, TAU};

/// A surface sampled at fixed column coordinates, one row (one `y`) at a time.
#[derive(Clone, Debug)]
pub struct Rows<'a> {
    surface: &'a Surface,
    xs: Vec<f64>,
    /// Per-column terms of a separable surface (empty for the others): Rastrigin's whole
    /// x-term; Ackley's `x²`; Easom's `(x − π)²`.
    a: Vec<f64>,
    /// Ackley's `cos 2πx`; Easom's `cos x`.
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

impl<'a> Rows<'a> {
    /// `surface` at the columns `xs`, its per-column tables made.
    pub fn new(surface: &'a Surface, xs: Vec<f64>) -> Rows<'a> {
        let column = |f: fn(f64) -> f64| xs.iter().map(|&x| f(x)).collect::<Vec<f64>>();
        let (a, b) = match surface {
            Surface::Rastrigin => (column(rastrigin_term), Vec::new()),
            Surface::Ackley => (column(|x| x.powi(2)), column(|x| (x * TAU).cos())),
            Surface::Easom => (column(|x| (x - PI).powi(2)), column(f64::cos)),
            _ => (Vec::new(), Vec::new()),
        };
        Rows { surface, xs, a, b }
    }

    /// The column coordinates.
    pub fn xs(&self) -> &[f64] {
        &self.xs
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
                let (y2, cy) = (y.powi(2), (y * TAU).cos());
                out.extend(self.a.iter().zip(&self.b).map(|(&x2, &cx)| {
                    let r2 = (x2 + y2) * 0.5;
                    let cone = if r2 == 0.0 {
                        0.0
                    } else {
                        (r2.sqrt() * -0.2).exp() * -20.0 + 20.0
                    };
                    let waves = -((cx + cy) * 0.5).exp() + E;
                    cone + waves
                }));
            }
            Surface::Easom => {
                let (ay, cy) = ((y - PI).powi(2), y.cos());
                out.extend(self.a.iter().zip(&self.b).map(|(&ax, &cx)| {
                    let r2 = ax + ay;
                    -(cx * cy * (-r2).exp())
                }));
            }
            Surface::Custom(ref c) => {
                const N: usize = 16;
                for chunk in xs.chunks(N) {
                    let mut lane_x = [0.0; N];
                    lane_x[..chunk.len()].copy_from_slice(chunk);
                    let (x, yy) = Lanes::<N>::variables(lane_x, [y; N]);
                    out.extend_from_slice(&c.expr().eval(x, yy).re[..chunk.len()]);
                }
            }
        }
    }
}
