//! A surface the user types: a formula [`Expr`] with the facts a built-in surface states by
//! hand (its view, its start, its minima, its colour scale) found numerically, once, when it is
//! read.
//!
//! # The view
//!
//! A fixed window, the textbook `[−5, 5]²` ([`WINDOW`]), which the user zooms and pans from:
//! every surface a student types in a course (bowls, Rosenbrock, Himmelblau, Rastrigin, a
//! saddle) has its interesting part there, and a fixed window keeps `x` and `y` where the
//! student expects them; an automatically zoomed window would hide the scale the student
//! chose. The one exception: when a minimum found lies outside the window or within a tenth of
//! its side of the edge, the view is a window at least as large, centred on the minima (the
//! bounding box of the minima found, widened by a third), so `(x − 100)^2 + (y + 40)^2` shows
//! its bowl.
//!
//! # The minima
//!
//! Found by multi-start local minimization ([`find_minima`]): the formula is sampled on a
//! 33 × 33 grid over the window; each grid point no higher than its finite neighbours (a
//! discrete local minimum), up to [`MAX_STARTS`] of the lowest, starts Newton's method made
//! safe (the Hessian shifted to be positive definite where it is not, a backtracking line
//! search on the value, steepest descent where the Newton direction fails), for at most
//! [`MAX_ITERATIONS`] iterations. A run that leaves `±`[`SEARCH_LIMIT`] or reaches a
//! non-finite value has found nothing (the surface falls away there: a saddle, `x − y`). A run
//! that stops at a point no higher than the 8 points around it at a distance of `10⁻⁵` of the
//! window's side has found a local minimum; of those, the lowest (and every other within
//! `10⁻⁶ · max(1, |f|)` of it, one per place) are reported as the surface's minima. They are
//! approximate: a minimum no start's basin reaches is missed, and the page says so.

use crate::core::expr::{Expr, ExprError};
use crate::core::surface::View;
use nalgebra::{Matrix2, SVector, Vector2};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The window a typed surface is first shown in, unless its minima lie elsewhere.
pub const WINDOW: View = View::new(-5.0, 5.0, -5.0, 5.0);

/// The side of the grid sampled over the window for the starts of the search.
pub const GRID: usize = 33;

/// The most local minimizations run.
pub const MAX_STARTS: usize = 12;

/// The most Newton iterations in one local minimization.
pub const MAX_ITERATIONS: usize = 200;

/// How far from the origin a local minimization may go before it counts as running away.
pub const SEARCH_LIMIT: f64 = 1e5;

/// A typed surface: its formula and what was found about it. Cheap to clone (shared).
/// Serialized as `{"formula": "…"}` (the canonical form), and read back by parsing it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "Formula", try_from = "Formula")]
pub struct Custom(Arc<Facts>);

/// A [`Custom`]'s serialized form.
#[derive(Serialize, Deserialize)]
struct Formula {
    formula: String,
}

impl From<Custom> for Formula {
    fn from(c: Custom) -> Formula {
        Formula {
            formula: c.text().to_owned(),
        }
    }
}

impl TryFrom<Formula> for Custom {
    type Error = ExprError;
    fn try_from(f: Formula) -> Result<Custom, ExprError> {
        Custom::parse(&f.formula)
    }
}

/// What is known of a typed surface.
#[derive(Debug)]
struct Facts {
    expr: Expr,
    text: String,
    view: View,
    start: [f64; 2],
    minima: Vec<[f64; 3]>,
    log: bool,
}

impl PartialEq for Custom {
    fn eq(&self, other: &Custom) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.expr == other.0.expr
    }
}

impl Custom {
    /// Reads a formula and finds its view, start, minima and colour scale; the error says what
    /// is wrong and at which column ([`crate::core::expr::parse`]).
    pub fn parse(text: &str) -> Result<Custom, ExprError> {
        Ok(Custom::new(Expr::parse(text)?))
    }

    /// The typed surface of `expr`.
    pub fn new(expr: Expr) -> Custom {
        let text = expr.to_string();
        let value = |p: [f64; 2]| expr.eval(p[0], p[1]);
        let minima = find_minima(&expr);
        let view = fit_view(&minima);
        let start = pick_start(&value, &view);
        let log = log_scaled(&value, &view);
        Custom(Arc::new(Facts {
            expr,
            text,
            view,
            start,
            minima,
            log,
        }))
    }

    /// The formula.
    pub fn expr(&self) -> &Expr {
        &self.0.expr
    }

    /// The formula in its canonical text form, which reads back to the same formula.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The view it is first shown in (see the module's documentation).
    pub fn view(&self) -> View {
        self.0.view
    }

    /// Where runs start when it is first opened: a point of the view off its centre where the
    /// value and gradient are finite.
    pub fn start(&self) -> [f64; 2] {
        self.0.start
    }

    /// The minima found numerically, `(x, y, f)`; empty when none was found.
    pub fn minima(&self) -> &[[f64; 3]] {
        &self.0.minima
    }

    /// Whether its colours follow `log(1 + f − f_min)`, by the rule of
    /// [`crate::core::surface::Surface::log_scaled`] applied to its own view.
    pub fn log_scaled(&self) -> bool {
        self.0.log
    }
}

/// Where an error points in `text`: the characters before 1-based `column` (at most `room`,
/// `…` first where cut), the character at it (empty past the end), and those after it (at most
/// `room`, `…` last where cut): what the page shows under the field, the error's place marked.
pub fn pointed(text: &str, column: usize, room: usize) -> [String; 3] {
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let from = at.saturating_sub(room);
    let end = (at + 1).min(chars.len());
    let to = (end + room).min(chars.len());
    let mut before: String = chars[from..at].iter().collect();
    if from > 0 {
        before.insert(0, '…');
    }
    let mut after: String = chars[end..to].iter().collect();
    if to < chars.len() {
        after.push('…');
    }
    [before, chars[at..end].iter().collect(), after]
}

/// `f`, `∇f` and `∇²f` of `expr` at `p`.
fn hessian(expr: &Expr, p: Vector2<f64>) -> (f64, Vector2<f64>, Matrix2<f64>) {
    num_dual::hessian(|v: SVector<_, 2>| expr.eval(v[0], v[1]), &p)
}

/// The minima of `expr` by multi-start local minimization (see the module's documentation).
pub fn find_minima(expr: &Expr) -> Vec<[f64; 3]> {
    let value = |p: [f64; 2]| expr.eval(p[0], p[1]);
    let n = GRID;
    let grid: Vec<f64> = (0..n * n)
        .map(|i| value(WINDOW.pixel_center(i % n, i / n, n, n)))
        .collect();
    let mut starts: Vec<(f64, usize)> = (0..n * n)
        .filter(|&i| grid[i].is_finite())
        .filter(|&i| {
            let (c, r) = ((i % n) as isize, (i / n) as isize);
            (-1..=1).all(|dr| {
                (-1..=1).all(|dc| {
                    let (cc, rr) = (c + dc, r + dr);
                    if cc < 0 || rr < 0 || cc >= n as isize || rr >= n as isize {
                        return true;
                    }
                    let v = grid[rr as usize * n + cc as usize];
                    v.is_nan() || v >= grid[i]
                })
            })
        })
        .map(|i| (grid[i], i))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    starts.truncate(MAX_STARTS);
    let side = WINDOW.x_max - WINDOW.x_min;
    let finite = grid.iter().copied().filter(|v| v.is_finite());
    let spread =
        finite.clone().fold(f64::NEG_INFINITY, f64::max) - finite.fold(f64::INFINITY, f64::min);
    let radius = 1e-3 * side;
    let mut found: Vec<[f64; 3]> = Vec::new();
    for &(_, i) in &starts {
        let p = WINDOW.pixel_center(i % n, i / n, n, n);
        let Some((m, g)) = local_minimum(expr, p) else {
            continue;
        };
        let f = m[2];
        // Stationary: the gradient is negligible across the window (or undefined, at a kink
        // such as a cone's tip, where the value is finite).
        let stationary = g.is_nan() || g * side <= 1e-6 * (spread.max(0.0) + f.abs() + 1.0);
        // A strict local minimum: lower than the 8 points around it (a valley floor along a
        // line, or a flat region, has none).
        let tol = 1e-12 * (1.0 + f.abs());
        let lowest = (0..8).all(|k| {
            let a = k as f64 * std::f64::consts::FRAC_PI_4;
            let q = value([m[0] + radius * a.cos(), m[1] + radius * a.sin()]);
            q.is_finite() && q > f + tol
        });
        if stationary && lowest {
            found.push(m);
        }
    }
    let Some(best) = found.iter().map(|m| m[2]).reduce(f64::min) else {
        return Vec::new();
    };
    let mut minima: Vec<[f64; 3]> = Vec::new();
    found.sort_by(|a, b| a[2].total_cmp(&b[2]));
    for m in found {
        let global = m[2] <= best + 1e-6 * best.abs().max(1.0);
        let new = minima.iter().all(|o| {
            (o[0] - m[0]).hypot(o[1] - m[1]) > radius * (1.0 + m[0].abs().max(m[1].abs()))
        });
        if global && new {
            minima.push(m);
        }
    }
    minima
}

/// Where safeguarded Newton (see the module's documentation) from `p` stops, `(x, y, f)`, and
/// the gradient's norm there (NaN where the derivatives are not finite but the value is: a
/// kink); `None` when the run leaves `±`[`SEARCH_LIMIT`] or its value is not finite.
fn local_minimum(expr: &Expr, p: [f64; 2]) -> Option<([f64; 3], f64)> {
    let value = |p: Vector2<f64>| expr.eval(p[0], p[1]);
    let mut p = Vector2::from(p);
    for _ in 0..MAX_ITERATIONS {
        let (f, g, h) = hessian(expr, p);
        if !f.is_finite() {
            return None;
        }
        if !(g.iter().all(|v| v.is_finite()) && h.iter().all(|v| v.is_finite())) || g.norm() == 0.0
        {
            break;
        }
        // The Hessian shifted to be positive definite where it is not (saddle-free).
        let eig = h.symmetric_eigenvalues();
        let (lo, hi) = (eig.min(), eig.max());
        let floor = 1e-8 * hi.abs().max(1.0);
        let shift = if lo < floor { floor - lo } else { 0.0 };
        let newton = (h + Matrix2::identity() * shift)
            .try_inverse()
            .map(|inv| -(inv * g))
            .filter(|d| d.iter().all(|v| v.is_finite()) && d.dot(&g) < 0.0);
        let d = newton.unwrap_or(-g);
        let slope = d.dot(&g);
        let mut t = 1.0;
        let mut next = None;
        while t > 1e-20 {
            let q = p + d * t;
            let fq = value(q);
            if fq.is_finite() && fq <= f + 1e-4 * t * slope {
                next = Some(q);
                break;
            }
            t *= 0.5;
        }
        let Some(q) = next else { break };
        let moved = (q - p).norm();
        p = q;
        if p.iter().any(|v| v.abs() > SEARCH_LIMIT) {
            return None;
        }
        if moved <= 1e-15 * (1.0 + p.norm()) {
            break;
        }
    }
    let (f, g, _) = hessian(expr, p);
    let g = if g.iter().all(|v| v.is_finite()) {
        g.norm()
    } else {
        f64::NAN
    };
    f.is_finite().then_some(([p[0], p[1], f], g))
}

/// The view of a surface whose minima are `minima` (see the module's documentation).
fn fit_view(minima: &[[f64; 3]]) -> View {
    let side = WINDOW.x_max - WINDOW.x_min;
    let margin = side / 10.0;
    let inside = |m: &[f64; 3]| {
        m[0] >= WINDOW.x_min + margin
            && m[0] <= WINDOW.x_max - margin
            && m[1] >= WINDOW.y_min + margin
            && m[1] <= WINDOW.y_max - margin
    };
    if minima.iter().all(inside) {
        return WINDOW;
    }
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for m in minima {
        x0 = x0.min(m[0]);
        x1 = x1.max(m[0]);
        y0 = y0.min(m[1]);
        y1 = y1.max(m[1]);
    }
    let half = ((x1 - x0).max(y1 - y0) * (2.0 / 3.0)).max(side / 2.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    View::new(cx - half, cx + half, cy - half, cy + half).clamped()
}

/// A start in `view` away from its centre where `value` is finite, trying four points in turn
/// (north-west first, as most built-in surfaces' starts); the centre when none is.
fn pick_start(value: &impl Fn([f64; 2]) -> f64, view: &View) -> [f64; 2] {
    let (cx, cy) = (
        (view.x_min + view.x_max) / 2.0,
        (view.y_min + view.y_max) / 2.0,
    );
    let (hx, hy) = (
        (view.x_max - view.x_min) / 2.0,
        (view.y_max - view.y_min) / 2.0,
    );
    let candidates = [
        [-0.7, 0.5],
        [0.6, 0.7],
        [-0.6, -0.7],
        [0.7, -0.5],
        [0.3, 0.2],
    ];
    candidates
        .iter()
        .map(|[a, b]| [cx + a * hx, cy + b * hy])
        .find(|&p| value(p).is_finite())
        .unwrap_or([cx, cy])
}

/// [`crate::core::surface::Surface::log_scaled`]'s rule over `view`: half of a 32 × 32 sample
/// (its finite values) lies in the lowest 15 % of their range.
fn log_scaled(value: &impl Fn([f64; 2]) -> f64, view: &View) -> bool {
    const N: usize = 32;
    let values: Vec<f64> = (0..N * N)
        .map(|i| value(view.pixel_center(i % N, i / N, N, N)))
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return false;
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let cut = lo + 0.15 * (hi - lo);
    if hi <= lo || !cut.is_finite() {
        return false;
    }
    2 * values.iter().filter(|&&v| v <= cut).count() >= values.len()
}
