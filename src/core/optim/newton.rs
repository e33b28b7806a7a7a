//! Newton's method with the exact Hessian: the second-order reference the others are
//! measured against.

use super::descriptor::{Descriptor, HyperParam, LR, Scale};
use super::{Optimizer, Rate, StateVar};
use nalgebra::{DMatrix, DVector};

/// Newton's method with the exact Hessian, damped, with a saddle-free fallback.
pub(super) const DESCRIPTOR: Descriptor = Descriptor {
    id: "newton",
    label: "Newton",
    reference: "Newton's method, (H + δI)⁻¹∇f, saddle-free when not positive definite",
    params: &[LR.with_default(1.0), DAMPING],
    flags: &[],
    build: |c| Ok(Box::new(Newton::new(c.known("damping")))),
};

/// Newton's damping δ, added to the Hessian's diagonal.
const DAMPING: HyperParam = HyperParam {
    name: "damping",
    symbol: "δ",
    label: "damping",
    default: 0.0,
    min: 0.0,
    min_inclusive: true,
    max: f64::INFINITY,
    max_inclusive: false,
    slider: [0.0, 10.0],
    scale: Scale::Linear,
};

/// Damped Newton's method, in f64.
///
/// ```text
/// H = ∇²f(θ),  g = ∇f(θ)
/// if H + δI is positive definite (a Cholesky factorization exists):
///     d = (H + δI)⁻¹ g                                   (damping δ: Levenberg–Marquardt)
/// else, the saddle-free fallback (Dauphin et al., 2014):
///     H = Q Λ Qᵀ,   d = Q diag(1 / max(|λᵢ| + δ, 1e-8)) Qᵀ g
/// θ ← θ − η d                                            (η = lr, 1 for the full step)
/// ```
///
/// The fallback keeps every direction a descent direction: plain Newton would step *towards*
/// a saddle point or a maximum, where the Hessian has a negative eigenvalue. The first-order
/// information is the same gradient every optimizer receives; the Hessian comes from the same
/// automatic differentiation as the gradient.
#[derive(Clone, Debug)]
pub struct Newton {
    damping: f64,
    fallbacks: usize,
    /// The direction `d` of the last step (kept for [`Optimizer::state`] only).
    direction: Vec<f64>,
}

impl Newton {
    fn new(damping: f64) -> Self {
        Self {
            damping,
            fallbacks: 0,
            direction: Vec::new(),
        }
    }

    /// How many steps so far took the saddle-free fallback.
    pub fn fallbacks(&self) -> usize {
        self.fallbacks
    }

    /// The Newton direction `d` for gradient `g` and Hessian `h`.
    fn direction(&mut self, h: &DMatrix<f64>, g: &DVector<f64>) -> DVector<f64> {
        let n = g.len();
        let damped = h + DMatrix::identity(n, n) * self.damping;
        if let Some(chol) = damped.clone().cholesky() {
            return chol.solve(g);
        }
        self.fallbacks += 1;
        let eig = h.clone().symmetric_eigen();
        let q = &eig.eigenvectors;
        let scaled = (q.transpose() * g).zip_map(&eig.eigenvalues, |c, l| {
            c / (l.abs() + self.damping).max(1e-8)
        });
        q * scaled
    }
}

impl Optimizer for Newton {
    fn step_at(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: Rate<'_>,
        hessian: Option<&DMatrix<f64>>,
    ) {
        let Some(h) = hessian else {
            // Without curvature there is no Newton step; the caller asked for one by
            // needs_hessian, so this is unreachable in optiviz's own runs.
            return;
        };
        let d = self.direction(h, &DVector::from_column_slice(grad));
        for (i, (p, di)) in params.iter_mut().zip(d.iter()).enumerate() {
            *p += -lr.at(i) * di;
        }
        self.direction = d.iter().copied().collect();
    }

    /// Newton keeps no state between steps; it reports how many steps so far took the
    /// saddle-free fallback (`fallbacks`, one value) and the last step's direction `d`.
    fn state(&self) -> Vec<StateVar> {
        vec![
            StateVar::scalar("fallbacks", "n_sf", self.fallbacks as f64),
            StateVar::new("direction", "d", self.direction.clone()),
        ]
    }

    fn needs_hessian(&self) -> bool {
        true
    }
}
