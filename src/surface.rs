//! Two-dimensional test surfaces: each defined once, generically, and differentiated exactly.
//!
//! Every surface is a function `f(x, y)` written once over [`num_dual::DualNum`], so that the
//! value, the gradient and the Hessian all come from the same definition by forward-mode
//! automatic differentiation (no hand-written derivative that could drift from its function).
//!
//! | id | formula | default view | minima |
//! |---|---|---|---|
//! | `rosenbrock` | `(1 − x)² + 100 (y − x²)²` | x ∈ [−2, 2], y ∈ [−1, 3] | f(1, 1) = 0 |
//! | `bowl` | `½ (u² + k v²)`, (u, v) = (x, y) rotated by −θ; k = 10, θ = 0 | x, y ∈ [−3, 3] | f(0, 0) = 0 |

use nalgebra::{Matrix2, SVector, Vector2};
use num_dual::{DualNum, gradient, hessian};
use serde::{Deserialize, Serialize};

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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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
}

/// The descriptive facts about a surface the page and the command line show.
#[derive(Clone, Debug, Serialize)]
pub struct SurfaceInfo {
    /// Identifier used in URLs and on the command line.
    pub id: &'static str,
    /// Human-readable name.
    pub label: &'static str,
    /// The formula as plain text.
    pub formula: &'static str,
}

impl Surface {
    /// Every surface, each with its default parameters, in the order the page lists them.
    pub fn all() -> Vec<Surface> {
        vec![Surface::Rosenbrock, Surface::bowl()]
    }

    /// The quadratic bowl with its default condition number 10 and no rotation.
    pub const fn bowl() -> Surface {
        Surface::Bowl {
            condition: 10.0,
            angle: 0.0,
        }
    }

    /// Looks a surface up by its identifier; the error names the allowed identifiers.
    pub fn from_id(id: &str) -> Result<Surface, String> {
        Surface::all()
            .into_iter()
            .find(|s| s.info().id == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = Surface::all().iter().map(|s| s.info().id).collect();
                format!(
                    "unknown surface '{id}': allowed values are {}",
                    ids.join(", ")
                )
            })
    }

    /// Identifier, label and formula.
    pub fn info(&self) -> SurfaceInfo {
        match self {
            Surface::Rosenbrock => SurfaceInfo {
                id: "rosenbrock",
                label: "Rosenbrock valley",
                formula: "f(x, y) = (1 − x)² + 100 (y − x²)²",
            },
            Surface::Bowl { .. } => SurfaceInfo {
                id: "bowl",
                label: "Quadratic bowl",
                formula: "f(x, y) = ½ (u² + k v²), (u, v) = rotation of (x, y) by −θ",
            },
        }
    }

    /// The function itself, generic over dual numbers so derivatives come from this one place.
    pub fn eval<D: DualNum<Primitive = f64>>(&self, x: D, y: D) -> D {
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
        }
    }

    /// `f(p)`.
    pub fn value(&self, p: [f64; 2]) -> f64 {
        self.eval(p[0], p[1])
    }

    /// `f(p)` and `∇f(p)`, exactly, by forward-mode automatic differentiation.
    pub fn value_and_gradient(&self, p: [f64; 2]) -> (f64, [f64; 2]) {
        let (f, g) = gradient(|v: SVector<_, 2>| self.eval(v[0], v[1]), &Vector2::from(p));
        (f, [g[0], g[1]])
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
        }
    }

    /// Where runs start when the surface is first opened.
    pub fn default_start(&self) -> [f64; 2] {
        match self {
            Surface::Rosenbrock => [-1.2, 1.0],
            Surface::Bowl { .. } => [-2.5, 1.5],
        }
    }

    /// Known global minima `(x, y, f)`.
    pub fn minima(&self) -> Vec<[f64; 3]> {
        match self {
            Surface::Rosenbrock => vec![[1.0, 1.0, 0.0]],
            Surface::Bowl { .. } => vec![[0.0, 0.0, 0.0]],
        }
    }

    /// Whether the surface spans orders of magnitude over its view, so colours and contours
    /// should follow `log(1 + f − f*)` rather than `f`.
    pub fn log_scaled(&self) -> bool {
        matches!(self, Surface::Rosenbrock)
    }
}
