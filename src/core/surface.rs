//! Two-dimensional test surfaces: each defined once, generically, and differentiated exactly.
//!
//! Every surface is a function `f(x, y)` written once over [`crate::core::dual::Real`], so that the
//! value, the gradient (also at many points at once) and the Hessian all come from the same
//! definition by forward-mode automatic differentiation (num-dual for the Hessian, the lane
//! duals of [`crate::core::dual`] for gradients), with no hand-written derivative that could drift
//! from its function.
//!
//! | id | formula | default view | global minima |
//! |---|---|---|---|
//! | `rosenbrock` | `(1 − x)² + 100 (y − x²)²` | x ∈ [−2, 2], y ∈ [−1, 3] | f(1, 1) = 0 |
//! | `bowl` | `½ (u² + k v²)`, (u, v) = (x, y) rotated by −θ; k = 10, θ = 0 | x, y ∈ [−3, 3] | f(0, 0) = 0 |
//! | `beale` | `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²` | x, y ∈ [−4.5, 4.5] | f(3, 0.5) = 0 |
//! | `himmelblau` | `(x² + y − 11)² + (x + y² − 7)²` | x, y ∈ [−5, 5] | f = 0 at (3, 2), (−2.805118…, 3.131313…), (−3.779310…, −3.283186…), (3.584428…, −1.848127…) |
//! | `saddle` | `x² − y²` | x, y ∈ [−2, 2] | none (unbounded below) |
//! | `booth` | `(x + 2y − 7)² + (2x + y − 5)²` | x, y ∈ [−10, 10] | f(1, 3) = 0 |
//! | `rastrigin` | `20 + x² − 10 cos 2πx + y² − 10 cos 2πy` | x, y ∈ [−5.12, 5.12] | f(0, 0) = 0 |
//! | `ackley` | `−20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20` | x, y ∈ [−5, 5] | f(0, 0) = 0 (a cone tip) |
//! | `goldstein-price` | `[1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] · [30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]` | x, y ∈ [−2, 2] | f(0, −1) = 3 |
//! | `six-hump-camel` | `(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²` | x ∈ [−3, 3], y ∈ [−2, 2] | f = −1.031628… at ±(0.089842…, −0.712656…) |
//! | `styblinski-tang` | `½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)` | x, y ∈ [−5, 5] | f(−2.903534…, −2.903534…) = −78.332331… |
//! | `monkey-saddle` | `x³ − 3xy²` | x, y ∈ [−1.5, 1.5] | none (unbounded below) |
//! | `easom` | `−cos x cos y exp(−((x − π)² + (y − π)²))` | x, y ∈ [0, 6] | f(π, π) = −1 |
//!
//! [`Surface::minima`] gives the minima to full `f64` precision.
//!
//! Besides these, [`Surface::Custom`] is a formula the user types ([`crate::core::custom`]),
//! evaluated over the same dual numbers, its view and minima found numerically.

use crate::core::custom::Custom;
use crate::core::dual::{Lanes, Real};
use crate::core::expr::ExprError;
use crate::core::text::number;
use crate::err;
use crate::error::Error;
use nalgebra::{Matrix2, SVector, Vector2};
use num_dual::hessian;
use serde::{Deserialize, Serialize};

/// The largest `|x|` or `|y|` a view or a start point may have: far beyond every surface's
/// interesting region, and near enough that every surface's value, gradient and Hessian there
/// are finite (Goldstein–Price, of degree 8, stays below 1e52 there).
pub const COORDINATE_LIMIT: f64 = 1e6;

/// The condition numbers the bowl may have, lowest and highest ([`Surface::bowl_of`]).
pub const BOWL_CONDITION: (f64, f64) = (1e-3, 1e6);

/// A rectangle of the (x, y) plane: what a plot shows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Smallest x shown.
    pub x_min: f64,
    /// Largest x shown.
    pub x_max: f64,
    /// Smallest y shown.
    pub y_min: f64,
    /// Largest y shown.
    pub y_max: f64,
}

impl View {
    /// The view `[x_min, x_max] × [y_min, y_max]`.
    pub const fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Self {
        Self {
            x_min,
            x_max,
            y_min,
            y_max,
        }
    }

    /// This view scaled by `factor` about the point `about`, which stays where it is (a factor
    /// below 1 zooms in).
    pub fn zoomed(&self, about: [f64; 2], factor: f64) -> View {
        let [cx, cy] = about;
        View::new(
            cx + (self.x_min - cx) * factor,
            cx + (self.x_max - cx) * factor,
            cy + (self.y_min - cy) * factor,
            cy + (self.y_max - cy) * factor,
        )
    }

    /// This view moved with a pointer that went `(dx, dy)` pixels (y down, as on screen) over
    /// a plot of `width × height` pixels showing it: what was under the pointer stays under it.
    pub fn panned(&self, dx: f64, dy: f64, width: f64, height: f64) -> View {
        let sx = -dx * (self.x_max - self.x_min) / width.max(1.0);
        let sy = dy * (self.y_max - self.y_min) / height.max(1.0);
        View::new(
            self.x_min + sx,
            self.x_max + sx,
            self.y_min + sy,
            self.y_max + sy,
        )
    }

    /// Whether the pages can show this view: every bound within ±[`COORDINATE_LIMIT`],
    /// `x_min < x_max` and `y_min < y_max`, and each side at least [`View::min_side`] long.
    /// Beyond, zooming and panning stop and a link is refused, so that every number derived
    /// from the view (its width, its ticks, the surface's values over it) stays finite and
    /// distinct.
    pub fn is_workable(&self) -> bool {
        let axis = |lo: f64, hi: f64| {
            lo.abs() <= COORDINATE_LIMIT
                && hi.abs() <= COORDINATE_LIMIT
                && hi - lo >= View::min_side(lo, hi)
        };
        axis(self.x_min, self.x_max) && axis(self.y_min, self.y_max)
    }

    /// The shortest side a view from `lo` to `hi` may have: `1e-9 · max(1, |lo|, |hi|)`, so
    /// that far from the origin a side still spans millions of distinct `f64` values.
    pub fn min_side(lo: f64, hi: f64) -> f64 {
        1e-9 * lo.abs().max(hi.abs()).max(1.0)
    }

    /// [`View::is_workable`] as a check whose error names the view and the allowed values.
    pub fn check(&self) -> Result<(), Error> {
        if self.is_workable() {
            return Ok(());
        }
        let [a, b, c, d] = [self.x_min, self.x_max, self.y_min, self.y_max].map(number);
        let limit = format!("{COORDINATE_LIMIT:e}");
        Err(Error::new("error.surface.view")
            .with("view", format!("{a},{b},{c},{d}"))
            .with("limit", limit))
    }

    /// This view made workable ([`View::is_workable`]), for views computed rather than chosen
    /// (fitted to runs that may have flown far away): each bound clamped to
    /// ±[`COORDINATE_LIMIT`], a side too short widened about its centre; an axis with a NaN
    /// bound or `lo > hi` becomes `[−1, 1]`.
    pub fn clamped(&self) -> View {
        fn axis(lo: f64, hi: f64) -> (f64, f64) {
            if lo.is_nan() || hi.is_nan() || lo > hi {
                return (-1.0, 1.0);
            }
            let (lo, hi) = (
                lo.clamp(-COORDINATE_LIMIT, COORDINATE_LIMIT),
                hi.clamp(-COORDINATE_LIMIT, COORDINATE_LIMIT),
            );
            // Twice the shortest side, so the result is workable whatever the rounding.
            let side = 2.0 * View::min_side(lo, hi);
            if hi - lo >= side {
                return (lo, hi);
            }
            let c = ((lo + hi) / 2.0).clamp(-COORDINATE_LIMIT + side, COORDINATE_LIMIT - side);
            (c - side / 2.0, c + side / 2.0)
        }
        let (x_min, x_max) = axis(self.x_min, self.x_max);
        let (y_min, y_max) = axis(self.y_min, self.y_max);
        View::new(x_min, x_max, y_min, y_max)
    }

    /// This view widened about its centre along one axis so that one unit spans as many
    /// pixels in x as in y on a `width × height` pixel area (circles stay round).
    pub fn fit_aspect(&self, width: f64, height: f64) -> View {
        let (w, h) = (self.x_max - self.x_min, self.y_max - self.y_min);
        if !(width > 0.0 && height > 0.0 && w > 0.0 && h > 0.0) {
            return *self;
        }
        let (cx, cy) = (
            (self.x_min + self.x_max) / 2.0,
            (self.y_min + self.y_max) / 2.0,
        );
        let (w, h) = if w / h < width / height {
            (h * width / height, h)
        } else {
            (w, w * height / width)
        };
        View::new(cx - w / 2.0, cx + w / 2.0, cy - h / 2.0, cy + h / 2.0)
    }

    /// The world point at the centre of pixel `(col, row)` of a `width × height` raster that
    /// covers this view, row 0 being the top (largest y).
    pub fn pixel_center(&self, col: usize, row: usize, width: usize, height: usize) -> [f64; 2] {
        let x = self.x_min + (col as f64 + 0.5) / width as f64 * (self.x_max - self.x_min);
        let y = self.y_max - (row as f64 + 0.5) / height as f64 * (self.y_max - self.y_min);
        [x, y]
    }
}

/// A test surface the optimizers can race on.
///
/// `Clone`, not `Copy`: [`Surface::Custom`] holds a typed formula, a tree shared behind an
/// `Arc` (cloning it is a reference count, not a copy of the tree). One enum rather than a
/// trait object or a second handle type keeps every function that takes `&Surface` (runs,
/// batches, sweeps, basin maps, rates, rendering) working on typed formulas unchanged, and
/// keeps the built-in surfaces' `match` (compiled to one loop per surface) as fast as before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "surface", rename_all = "kebab-case")]
pub enum Surface {
    /// Rosenbrock's banana valley, `(1 − x)² + 100 (y − x²)²`: a narrow curved valley whose
    /// floor falls gently to the minimum at (1, 1).
    Rosenbrock,
    /// A quadratic bowl `½ (u² + k v²)` where `(u, v)` is `(x, y)` rotated by `−angle`:
    /// Hessian eigenvalues 1 and `k` (the condition number), minimum 0 at the origin.
    Bowl {
        /// Condition number `k > 0`: the curvature along the bowl's second axis.
        condition: f64,
        /// Rotation of the bowl's axes, in radians.
        angle: f64,
    },
    /// Beale's function, `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`: flat
    /// curved valleys between walls that rise to ~10⁵ at the corners; minimum 0 at (3, 0.5).
    Beale,
    /// Himmelblau's function, `(x² + y − 11)² + (x + y² − 7)²`: four global minima with
    /// value 0 around a local maximum near (−0.27, −0.92); which one a run reaches depends
    /// on the optimizer.
    Himmelblau,
    /// The saddle `x² − y²`: a stationary point at the origin that attracts along x and
    /// repels along y; unbounded below, so it has no minimum.
    Saddle,
    /// Booth's function, `(x + 2y − 7)² + (2x + y − 5)²`: a quadratic with Hessian
    /// eigenvalues 2 and 18 along the diagonals; minimum 0 at (1, 3).
    Booth,
    /// Rastrigin's function, `20 + x² − 10 cos 2πx + y² − 10 cos 2πy`: a bowl covered by a
    /// grid of local minima near every integer point; global minimum 0 at the origin.
    Rastrigin,
    /// Ackley's function,
    /// `−20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20`: a nearly flat
    /// rippled outer region around a cone-shaped funnel; global minimum 0 at the origin.
    ///
    /// The cone term `√(½(x² + y²))` has no derivative at the origin (automatic
    /// differentiation would give NaN there). At exactly the origin (when `½(x² + y²)` is
    /// exactly zero in `f64`, which also covers coordinates so small their squares
    /// underflow) the cone term is taken as the constant `−20`: its subgradient `0`, which
    /// lies in the cone's subdifferential, and second derivatives `0`. The gradient there is
    /// therefore `(0, 0)` and the Hessian is only that of the smooth `exp(cos …)` term,
    /// `diag(2π²e, 2π²e)`; the true Hessian does not exist at the tip.
    Ackley,
    /// The Goldstein–Price function (the standard product of two polynomial factors, see
    /// [`Surface::info`]): steep walls reaching ~10⁶, several local minima; global minimum 3
    /// at (0, −1).
    GoldsteinPrice,
    /// The six-hump camel function, `(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²`: six
    /// local minima, two of them global, −1.031628… at ±(0.089842…, −0.712656…).
    SixHumpCamel,
    /// The Styblinski–Tang function, `½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)`: four basins,
    /// one per quadrant; global minimum −78.332331… at x = y = −2.903534….
    StyblinskiTang,
    /// The monkey saddle `x³ − 3xy²`: a degenerate stationary point at the origin (gradient
    /// and Hessian both zero) with three descending valleys; unbounded below, so it has no
    /// minimum.
    MonkeySaddle,
    /// Easom's function, `−cos x cos y exp(−((x − π)² + (y − π)²))`: a narrow well of depth
    /// −1 at (π, π) in a plateau where the gradient is almost zero.
    Easom,
    /// A formula `f(x, y)` the user typed ([`crate::core::custom`]): its view fitted and its
    /// minima found numerically (approximate), where it is undefined NaN (a run that reaches
    /// it diverges). Its serialized form is `{"surface": "custom", "formula": "…"}`.
    Custom(Custom),
}

/// The descriptive facts about a surface the page and the command line show.
#[derive(Clone, Debug, Serialize)]
pub struct SurfaceInfo {
    /// Identifier used in URLs and on the command line.
    pub id: &'static str,
    /// Human-readable name.
    pub label: &'static str,
    /// The formula as plain text (a typed one in its canonical form).
    pub formula: String,
}

impl Surface {
    /// Every surface, each with its default parameters, in the order the page lists them.
    pub fn all() -> Vec<Surface> {
        vec![
            Surface::Rosenbrock,
            Surface::bowl(),
            Surface::Beale,
            Surface::Himmelblau,
            Surface::Saddle,
            Surface::Booth,
            Surface::Rastrigin,
            Surface::Ackley,
            Surface::GoldsteinPrice,
            Surface::SixHumpCamel,
            Surface::StyblinskiTang,
            Surface::MonkeySaddle,
            Surface::Easom,
        ]
    }

    /// The quadratic bowl with its default condition number 10 and no rotation.
    pub const fn bowl() -> Surface {
        Surface::Bowl {
            condition: 10.0,
            angle: 0.0,
        }
    }

    /// The quadratic bowl of condition number `condition` turned by `angle` radians; the error
    /// names the value and the allowed values ([`BOWL_CONDITION`], finite angles), so that the
    /// Hessian's eigenvalues, the theory's rates and every loss stay finite.
    pub fn bowl_of(condition: f64, angle: f64) -> Result<Surface, Error> {
        let (lo, hi) = BOWL_CONDITION;
        if !(lo..=hi).contains(&condition) {
            let (value, hi) = (number(condition), format!("{hi:e}"));
            return Err(Error::new("error.surface.condition")
                .with("value", value)
                .with("lo", lo)
                .with("hi", hi));
        }
        if !angle.is_finite() {
            return Err(err!("error.surface.angle", value = number(angle)));
        }
        Ok(Surface::Bowl { condition, angle })
    }

    /// The surface of the formula `text` ([`Surface::Custom`]); the error says what is wrong
    /// and at which column ([`crate::core::expr::parse`]).
    pub fn custom(text: &str) -> Result<Surface, ExprError> {
        Custom::parse(text).map(Surface::Custom)
    }

    /// A built-in surface by its identifier, or else a typed formula (the command line's
    /// `--surface`): the error names the allowed identifiers when `text` is a single word
    /// (a misspelt identifier), and the formula's problem and its column otherwise.
    pub fn from_id_or_formula(text: &str) -> Result<Surface, Error> {
        if let Ok(s) = Surface::from_id(text) {
            return Ok(s);
        }
        match Surface::custom(text) {
            Ok(s) => Ok(s),
            Err(e) => {
                let word = !text.is_empty()
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
                if word {
                    let unknown = Surface::from_id(text).expect_err("not an identifier");
                    Err(Error::new("error.surface.unknown_or_formula")
                        .with_cause("unknown", unknown))
                } else {
                    Err(Error::new("error.formula.in")
                        .with("text", text)
                        .with_cause("cause", e.error))
                }
            }
        }
    }

    /// The typed formula, for [`Surface::Custom`].
    pub fn custom_formula(&self) -> Option<&Custom> {
        match self {
            Surface::Custom(c) => Some(c),
            _ => None,
        }
    }

    /// Looks a surface up by its identifier; the error names the allowed identifiers.
    pub fn from_id(id: &str) -> Result<Surface, Error> {
        Surface::all()
            .into_iter()
            .find(|s| s.info().id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = Surface::all().iter().map(|s| s.info().id).collect();
                err!("error.surface.unknown", id = id, allowed = ids.join(", "))
            })
    }

    /// Identifier, label and formula.
    pub fn info(&self) -> SurfaceInfo {
        if let Surface::Custom(c) = self {
            return SurfaceInfo {
                id: "custom",
                label: "Your own f(x, y)",
                formula: format!("f(x, y) = {}", c.text()),
            };
        }
        let (id, label, formula) = match self {
            Surface::Rosenbrock => (
                "rosenbrock",
                "Rosenbrock valley",
                "f(x, y) = (1 − x)² + 100 (y − x²)²",
            ),
            Surface::Bowl { .. } => (
                "bowl",
                "Quadratic bowl",
                "f(x, y) = ½ (u² + k v²), (u, v) = rotation of (x, y) by −θ",
            ),
            Surface::Beale => (
                "beale",
                "Beale",
                "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            ),
            Surface::Himmelblau => (
                "himmelblau",
                "Himmelblau",
                "f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
            ),
            Surface::Saddle => ("saddle", "Saddle", "f(x, y) = x² − y²"),
            Surface::Booth => ("booth", "Booth", "f(x, y) = (x + 2y − 7)² + (2x + y − 5)²"),
            Surface::Rastrigin => (
                "rastrigin",
                "Rastrigin",
                "f(x, y) = 20 + x² − 10 cos(2πx) + y² − 10 cos(2πy)",
            ),
            Surface::Ackley => (
                "ackley",
                "Ackley",
                "f(x, y) = −20 exp(−0.2 √(½ (x² + y²))) − exp(½ (cos 2πx + cos 2πy)) + e + 20",
            ),
            Surface::GoldsteinPrice => (
                "goldstein-price",
                "Goldstein–Price",
                "f(x, y) = [1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] · \
                 [30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]",
            ),
            Surface::SixHumpCamel => (
                "six-hump-camel",
                "Six-hump camel",
                "f(x, y) = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
            ),
            Surface::StyblinskiTang => (
                "styblinski-tang",
                "Styblinski–Tang",
                "f(x, y) = ½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
            ),
            Surface::MonkeySaddle => ("monkey-saddle", "Monkey saddle", "f(x, y) = x³ − 3xy²"),
            Surface::Easom => (
                "easom",
                "Easom",
                "f(x, y) = −cos x cos y exp(−((x − π)² + (y − π)²))",
            ),
            Surface::Custom(_) => unreachable!("answered above"),
        };
        SurfaceInfo {
            id,
            label,
            formula: formula.to_owned(),
        }
    }

    /// The function itself, generic over [`Real`] so that values, gradients (also many points
    /// at once, [`Lanes`]) and Hessians all come from this one definition.
    ///
    /// For [`Surface::Ackley`] the cone term is replaced by its value `−20` at exactly the
    /// origin, which makes the gradient there the subgradient `(0, 0)` instead of NaN.
    #[inline(always)]
    pub fn eval<D: Real>(&self, x: D, y: D) -> D {
        use std::f64::consts::{E, PI, TAU};
        match *self {
            Surface::Rosenbrock => {
                let a = -x.clone() + 1.0;
                let b = y - x.powi(2);
                a.powi(2) + b.powi(2) * 100.0
            }
            Surface::Bowl { condition, angle } => {
                let (s, c) = angle.sin_cos();
                let u = x.clone() * c + y.clone() * s;
                let v = y * c - x * s;
                (u.powi(2) + v.powi(2) * condition) * 0.5
            }
            Surface::Beale => {
                let t1 = x.clone() * y.clone() - x.clone() + 1.5;
                let t2 = x.clone() * y.powi(2) - x.clone() + 2.25;
                let t3 = x.clone() * y.powi(3) - x + 2.625;
                t1.powi(2) + t2.powi(2) + t3.powi(2)
            }
            Surface::Himmelblau => {
                let a = x.powi(2) + y.clone() - 11.0;
                let b = x + y.powi(2) - 7.0;
                a.powi(2) + b.powi(2)
            }
            Surface::Saddle => x.powi(2) - y.powi(2),
            Surface::Booth => {
                let a = x.clone() + y.clone() * 2.0 - 7.0;
                let b = x * 2.0 + y - 5.0;
                a.powi(2) + b.powi(2)
            }
            Surface::Rastrigin => {
                let term = |t: D| t.powi(2) - (t * TAU).cos() * 10.0;
                term(x) + term(y) + 20.0
            }
            Surface::Ackley => {
                let r2 = (x.powi(2) + y.powi(2)) * 0.5;
                // The cone term plus 20. √ has no derivative at 0, so where r² is exactly 0 (the
                // origin, or squares that underflow) it is the constant 0: subgradient (0, 0).
                let cone = (r2.sqrt() * -0.2).exp() * -20.0 + 20.0;
                let cone = r2.where_zero(D::constant(0.0), cone);
                let waves = -(((x * TAU).cos() + (y * TAU).cos()) * 0.5).exp() + E;
                cone + waves
            }
            Surface::GoldsteinPrice => {
                let s = x.clone() + y.clone() + 1.0;
                let p = x.clone() * -14.0 + x.powi(2) * 3.0 - y.clone() * 14.0
                    + x.clone() * y.clone() * 6.0
                    + y.powi(2) * 3.0
                    + 19.0;
                let d = x.clone() * 2.0 - y.clone() * 3.0;
                let q = x.clone() * -32.0 + x.powi(2) * 12.0 + y.clone() * 48.0
                    - x * y.clone() * 36.0
                    + y.powi(2) * 27.0
                    + 18.0;
                (s.powi(2) * p + 1.0) * (d.powi(2) * q + 30.0)
            }
            Surface::SixHumpCamel => {
                let a = -x.powi(2) * 2.1 + x.powi(4) / 3.0 + 4.0;
                let b = y.powi(2) * 4.0 - 4.0;
                a * x.powi(2) + x * y.clone() + b * y.powi(2)
            }
            Surface::StyblinskiTang => {
                let term = |t: D| t.powi(4) - t.powi(2) * 16.0 + t * 5.0;
                (term(x) + term(y)) * 0.5
            }
            Surface::MonkeySaddle => x.powi(3) - x * y.powi(2) * 3.0,
            Surface::Easom => {
                let r2 = (x.clone() - PI).powi(2) + (y.clone() - PI).powi(2);
                -(x.cos() * y.cos() * (-r2).exp())
            }
            Surface::Custom(ref c) => c.expr().eval(x, y),
        }
    }

    /// `f(p)`.
    pub fn value(&self, p: [f64; 2]) -> f64 {
        self.eval(p[0], p[1])
    }

    /// What one evaluation costs, in units of one Rosenbrock evaluation: 1 for every built-in
    /// surface (they are all of that order, and drawn at full resolution in one go), the
    /// formula's [`crate::core::expr::Expr::cost`] for a typed one.
    pub fn eval_cost(&self) -> f64 {
        match self {
            Surface::Custom(c) => c.expr().cost(),
            _ => 1.0,
        }
    }

    /// `f` at every point `(xs[i], y)` of a row, into `out` (cleared first): the values of
    /// [`Surface::value`] by [`crate::core::rows::Rows`] (one loop per surface; a typed formula
    /// 16 points at a time), bit for bit but for Ackley's and Easom's last bits. For many rows
    /// over the same columns make one [`crate::core::rows::Rows`] and ask it row by row: it
    /// keeps per-column tables.
    pub fn row_values(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        crate::core::rows::Rows::new(self, xs.to_vec()).row(y, out);
    }

    /// `f(p)` and `∇f(p)`, exactly, by forward-mode automatic differentiation: one lane of
    /// [`Surface::values_and_gradients`], so a batched run sees the same bits.
    pub fn value_and_gradient(&self, p: [f64; 2]) -> (f64, [f64; 2]) {
        let (x, y) = Lanes::<1>::variables([p[0]], [p[1]]);
        let f = self.eval(x, y);
        (f.re[0], [f.dx[0], f.dy[0]])
    }

    /// [`Surface::value_and_gradient`] at `N` points `(xs[i], ys[i])` at once, lane by lane
    /// (the same arithmetic per lane, vectorized across lanes): `(f, ∂f/∂x, ∂f/∂y)`.
    #[inline]
    pub fn values_and_gradients<const N: usize>(
        &self,
        xs: [f64; N],
        ys: [f64; N],
    ) -> ([f64; N], [f64; N], [f64; N]) {
        let (x, y) = Lanes::<N>::variables(xs, ys);
        let f = self.eval(x, y);
        (f.re, f.dx, f.dy)
    }

    /// `f(p)`, `∇f(p)` and the Hessian `∇²f(p)`, exactly.
    pub fn hessian(&self, p: [f64; 2]) -> (f64, [f64; 2], Matrix2<f64>) {
        let (f, g, h) = hessian(|v: SVector<_, 2>| self.eval(v[0], v[1]), &Vector2::from(p));
        (f, [g[0], g[1]], h)
    }

    /// The region shown when the surface is first opened.
    pub fn default_view(&self) -> View {
        match self {
            Surface::Rosenbrock => View::new(-2.0, 2.0, -1.0, 3.0),
            Surface::Bowl { .. } => View::new(-3.0, 3.0, -3.0, 3.0),
            Surface::Beale => View::new(-4.5, 4.5, -4.5, 4.5),
            Surface::Himmelblau | Surface::Ackley | Surface::StyblinskiTang => {
                View::new(-5.0, 5.0, -5.0, 5.0)
            }
            Surface::Saddle | Surface::GoldsteinPrice => View::new(-2.0, 2.0, -2.0, 2.0),
            Surface::Booth => View::new(-10.0, 10.0, -10.0, 10.0),
            Surface::Rastrigin => View::new(-5.12, 5.12, -5.12, 5.12),
            Surface::SixHumpCamel => View::new(-3.0, 3.0, -2.0, 2.0),
            Surface::MonkeySaddle => View::new(-1.5, 1.5, -1.5, 1.5),
            Surface::Easom => View::new(0.0, 6.0, 0.0, 6.0),
            Surface::Custom(c) => c.view(),
        }
    }

    /// Where runs start when the surface is first opened: off every minimum and symmetry
    /// line, where the optimizers behave differently enough to be worth watching.
    pub fn default_start(&self) -> [f64; 2] {
        match self {
            Surface::Rosenbrock => [-1.2, 1.0],
            Surface::Bowl { .. } => [-2.5, 1.5],
            // On the wall above the curved valley that leads to (3, 0.5).
            Surface::Beale => [1.0, 1.5],
            // Beside the local maximum (−0.27, −0.92): which of the four minima a run reaches
            // depends on the optimizer.
            Surface::Himmelblau => [-0.3, -0.9],
            // Just off the stable manifold y = 0: runs first approach the saddle, then escape.
            Surface::Saddle => [-1.5, 0.01],
            // Off both axes of the ellipses around (1, 3).
            Surface::Booth => [-8.0, 8.0],
            // Near the view's north-west corner, four rings out: gradient descent stops in the
            // nearest local minimum (−3.98, 3.98), while Adam at its working rate
            // (`crate::core::rates`) rolls over two ripples further in.
            Surface::Rastrigin => [-4.5, 4.3],
            // On the ripples between the local minima near (3, 1) and (2, 1).
            Surface::Ackley => [2.65, 1.3],
            // On the steep south-west wall (f ≈ 5·10³, |∇f| ≈ 1.7·10⁴).
            Surface::GoldsteinPrice => [-1.2, -1.4],
            // On the outer wall: the local minima (−1.61, −0.57), (−1.70, 0.80) and the global
            // one are all within reach.
            Surface::SixHumpCamel => [-1.7, -1.5],
            // On the outer wall of the basin at x ≈ 2.75, y just inside the global minimum's:
            // gradient descent stops in the nearer local minimum (2.75, −2.90), while momentum
            // and Adam at their working rates (`crate::core::rates`) carry over the ridge to the
            // global one.
            Surface::StyblinskiTang => [4.8, -0.3],
            // Just off the ridge along the positive x axis: runs slide toward the flat centre,
            // then into the valley at 60°.
            Surface::MonkeySaddle => [0.5, 0.05],
            // On the plateau (f ≈ −0.002, |∇f| ≈ 0.02) inside the cos x cos y > 0 square, so
            // the faint slope still points to the well.
            Surface::Easom => [1.8, 4.4],
            Surface::Custom(c) => c.start(),
        }
    }

    /// Known global minima `(x, y, f)`, every one where there are several (to full `f64`
    /// precision: the irrational ones were found by Newton's method at 50 digits and
    /// rounded); empty for the saddles, which are unbounded below.
    pub fn minima(&self) -> Vec<[f64; 3]> {
        use std::f64::consts::PI;
        match self {
            Surface::Rosenbrock => vec![[1.0, 1.0, 0.0]],
            Surface::Bowl { .. } => vec![[0.0, 0.0, 0.0]],
            Surface::Beale => vec![[3.0, 0.5, 0.0]],
            Surface::Himmelblau => vec![
                [3.0, 2.0, 0.0],
                [-2.805118086952745, 3.131312518250573, 0.0],
                [-3.779310253377747, -3.2831859912861696, 0.0],
                [3.5844283403304917, -1.8481265269644036, 0.0],
            ],
            Surface::Saddle | Surface::MonkeySaddle => vec![],
            Surface::Booth => vec![[1.0, 3.0, 0.0]],
            Surface::Rastrigin | Surface::Ackley => vec![[0.0, 0.0, 0.0]],
            Surface::GoldsteinPrice => vec![[0.0, -1.0, 3.0]],
            Surface::SixHumpCamel => vec![
                [
                    0.08984201310031806,
                    -0.7126564030207396,
                    -1.0316284534898774,
                ],
                [
                    -0.08984201310031806,
                    0.7126564030207396,
                    -1.0316284534898774,
                ],
            ],
            Surface::StyblinskiTang => {
                vec![[-2.903534027771177, -2.903534027771177, -78.33233140754282]]
            }
            Surface::Easom => vec![[PI, PI, -1.0]],
            Surface::Custom(c) => c.minima().to_vec(),
        }
    }

    /// Whether the surface spans orders of magnitude over its view, so colours and contours
    /// should follow `log(1 + f − f*)` rather than `f`.
    ///
    /// Judged by sampling each default view: a surface is log-scaled when half of its view
    /// lies in the lowest 15 % of its value range (Rosenbrock 6 %, Beale 0.2 %,
    /// Himmelblau 14 %, Booth 9 %, Goldstein–Price 0.7 %, six-hump camel 6 %), and not when
    /// the values spread evenly (the bowl 27 %, Styblinski–Tang 19 %, the rest higher).
    pub fn log_scaled(&self) -> bool {
        if let Surface::Custom(c) = self {
            return c.log_scaled();
        }
        matches!(
            self,
            Surface::Rosenbrock
                | Surface::Beale
                | Surface::Himmelblau
                | Surface::Booth
                | Surface::GoldsteinPrice
                | Surface::SixHumpCamel
        )
    }
}
