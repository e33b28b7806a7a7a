//! Surfaces: values and derivatives against hand-derived numbers and finite differences, the
//! stated minima, the catalogue's ids, and the field drawn from them (heatmap pixels and
//! contour lines).

use optiviz::core::surface::{Surface, View};
use optiviz::render::Field;
use std::f64::consts::{E, PI, SQRT_2};

/// Every default surface, plus a rotated bowl with another condition number.
fn all_surfaces() -> Vec<Surface> {
    let mut s = Surface::all();
    s.push(Surface::Bowl {
        condition: 4.0,
        angle: 0.7,
    });
    s
}

/// `|a − b| ≤ tol · max(1, |b|)`.
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn hessian_rows(s: &Surface, p: [f64; 2]) -> [[f64; 2]; 2] {
    let h = s.hessian(p).2;
    [[h[(0, 0)], h[(0, 1)]], [h[(1, 0)], h[(1, 1)]]]
}

/// The point `(u, v) ∈ [0, 1]²` of `view`.
fn in_view(view: &View, u: f64, v: f64) -> [f64; 2] {
    [
        view.x_min + u * (view.x_max - view.x_min),
        view.y_min + v * (view.y_max - view.y_min),
    ]
}

/// `error ≤ tol`, false for a NaN error.
fn within(error: f64, tol: f64) -> bool {
    error <= tol
}

/// Checks a gradient and a Hessian against fourth-order central differences (of `value` for
/// the gradient, of `grad` for the Hessian) at `p`.
///
/// The step `h = 3·10⁻⁴` keeps the truncation error (`h⁴ f⁽⁵⁾ / 30`) two orders below the
/// tolerance on every default view (Goldstein–Price's fifth derivatives are the largest);
/// the tolerance is relative to each entry (10⁻⁶) plus the rounding error of the quotient,
/// about `ε |f| / h`, given a margin of 10³ (Goldstein–Price reaches 10⁶ in its corners,
/// where this allows ~10⁻³ on gradients of ~10⁷). A derivative wrong by 10⁻⁴ of itself
/// fails (see `the_derivative_check_catches_wrong_derivatives`).
fn check_derivatives(
    value: impl Fn([f64; 2]) -> f64,
    grad: impl Fn([f64; 2]) -> [f64; 2],
    hess: impl Fn([f64; 2]) -> [[f64; 2]; 2],
    p: [f64; 2],
) -> Result<(), String> {
    const H: f64 = 3e-4;
    let rounding = 1e3 * f64::EPSILON / H;
    let at = |i: usize, k: f64| {
        let mut q = p;
        q[i] += k * H;
        q
    };
    let (f, g, hm) = (value(p), grad(p), hess(p));
    let g_max = g[0].abs().max(g[1].abs());
    for i in 0..2 {
        let fd = (-value(at(i, 2.0)) + 8.0 * value(at(i, 1.0)) - 8.0 * value(at(i, -1.0))
            + value(at(i, -2.0)))
            / (12.0 * H);
        let tol = 1e-6 * g[i].abs().max(1.0) + rounding * (f.abs() + 1.0);
        if !within((fd - g[i]).abs(), tol) {
            return Err(format!(
                "∂f/∂{i} at {p:?}: exact {} vs differences {fd}",
                g[i]
            ));
        }
        let (g2p, g1p, g1m, g2m) = (
            grad(at(i, 2.0)),
            grad(at(i, 1.0)),
            grad(at(i, -1.0)),
            grad(at(i, -2.0)),
        );
        for j in 0..2 {
            let fd2 = (-g2p[j] + 8.0 * g1p[j] - 8.0 * g1m[j] + g2m[j]) / (12.0 * H);
            let tol = 1e-6 * hm[j][i].abs().max(1.0) + rounding * (g_max + 1.0);
            if !within((fd2 - hm[j][i]).abs(), tol) {
                return Err(format!(
                    "∂²f/∂{i}∂{j} at {p:?}: exact {} vs differences {fd2}",
                    hm[j][i]
                ));
            }
        }
    }
    Ok(())
}

/// [`check_derivatives`] on a surface's own value, gradient and Hessian.
fn check_surface(s: &Surface, p: [f64; 2]) -> Result<(), String> {
    check_derivatives(
        |q| s.value(q),
        |q| s.value_and_gradient(q).1,
        |q| hessian_rows(s, q),
        p,
    )
    .map_err(|e| format!("{s:?}: {e}"))
}

#[test]
fn rosenbrock_by_hand() {
    let s = Surface::Rosenbrock;
    assert_eq!(s.value([1.0, 1.0]), 0.0);
    assert_eq!(s.value([0.0, 0.0]), 1.0);
    // (1 + 1.2)² + 100 (1 − 1.44)² = 4.84 + 19.36
    assert!((s.value([-1.2, 1.0]) - 24.2).abs() < 1e-12);
    // ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²)
    let (_, g) = s.value_and_gradient([-1.2, 1.0]);
    assert!((g[0] + 215.6).abs() < 1e-12 && (g[1] + 88.0).abs() < 1e-12);
    // ∇²f(1, 1) = [[2 − 400(y − 3x²), −400x], [−400x, 200]] = [[802, −400], [−400, 200]]
    let (_, _, h) = s.hessian([1.0, 1.0]);
    assert_eq!(h[(0, 0)], 802.0);
    assert_eq!(h[(0, 1)], -400.0);
    assert_eq!(h[(1, 0)], -400.0);
    assert_eq!(h[(1, 1)], 200.0);
}

#[test]
fn bowl_by_hand() {
    let s = Surface::bowl();
    assert_eq!(s.value([1.0, 2.0]), 20.5);
    assert_eq!(s.value_and_gradient([1.0, 2.0]).1, [1.0, 20.0]);
    let (_, _, h) = s.hessian([0.3, -0.2]);
    assert_eq!((h[(0, 0)], h[(0, 1)], h[(1, 1)]), (1.0, 0.0, 10.0));
    // A quarter turn swaps the axes: ½(10x² + y²).
    let turned = Surface::Bowl {
        condition: 10.0,
        angle: std::f64::consts::FRAC_PI_2,
    };
    assert!((turned.value([1.0, 2.0]) - 7.0).abs() < 1e-12);
    // The eigenvalues stay 1 and k whatever the angle.
    let (_, _, h) = Surface::Bowl {
        condition: 10.0,
        angle: 0.4,
    }
    .hessian([0.0, 0.0]);
    let mut eig: Vec<f64> = h.symmetric_eigenvalues().iter().copied().collect();
    eig.sort_by(f64::total_cmp);
    assert!((eig[0] - 1.0).abs() < 1e-12 && (eig[1] - 10.0).abs() < 1e-12);
}

#[test]
fn beale_by_hand() {
    let s = Surface::Beale;
    // 1.5² + 2.25² + 2.625² = 2.25 + 5.0625 + 6.890625
    assert_eq!(s.value([0.0, 0.0]), 14.203125);
    // At (1, 1) every xyⁿ cancels the −x: the same three constants.
    assert_eq!(s.value([1.0, 1.0]), 14.203125);
    assert_eq!(s.value([3.0, 0.5]), 0.0);
    // ∂f/∂x = Σ 2 tₙ (yⁿ − 1) = −2 (1.5 + 2.25 + 2.625) at y = 0; ∂f/∂y = Σ 2 tₙ n x yⁿ⁻¹ = 0 at x = 0.
    assert_eq!(s.value_and_gradient([0.0, 0.0]).1, [-12.75, 0.0]);
    // (2, 1): t = (1.5, 2.25, 2.625) again, ∂f/∂y = 2x (1.5 + 2·2.25 + 3·2.625) = 4 · 13.875
    let (_, g) = s.value_and_gradient([2.0, 1.0]);
    assert!(close(g[0], 0.0, 1e-12) && close(g[1], 55.5, 1e-12), "{g:?}");
}

#[test]
fn himmelblau_by_hand() {
    let s = Surface::Himmelblau;
    assert_eq!(s.value([0.0, 0.0]), 170.0); // 11² + 7²
    assert_eq!(s.value([3.0, 2.0]), 0.0);
    // ∂f/∂x = 4x(x² + y − 11) + 2(x + y² − 7), ∂f/∂y = 2(x² + y − 11) + 4y(x + y² − 7)
    assert_eq!(s.value_and_gradient([0.0, 0.0]).1, [-14.0, -22.0]);
    // ∇²f = [[12x² + 4y − 42, 4(x + y)], [4(x + y), 4x + 12y² − 26]] = [[74, 20], [20, 34]] at (3, 2)
    assert_eq!(hessian_rows(&s, [3.0, 2.0]), [[74.0, 20.0], [20.0, 34.0]]);
}

#[test]
fn saddles_by_hand() {
    let s = Surface::Saddle;
    assert_eq!(s.value([1.0, 2.0]), -3.0);
    assert_eq!(s.value_and_gradient([1.0, 2.0]).1, [2.0, -4.0]);
    assert_eq!(hessian_rows(&s, [0.3, -0.7]), [[2.0, 0.0], [0.0, -2.0]]);
    assert!(s.minima().is_empty());

    let m = Surface::MonkeySaddle;
    assert_eq!(m.value([1.0, 1.0]), -2.0); // 1 − 3
    assert_eq!(m.value([2.0, 1.0]), 2.0); // 8 − 6
    // ∇f = (3x² − 3y², −6xy)
    assert_eq!(m.value_and_gradient([1.0, 1.0]).1, [0.0, -6.0]);
    // Degenerate: gradient and Hessian both vanish at the origin.
    assert_eq!(m.value_and_gradient([0.0, 0.0]).1, [0.0, 0.0]);
    assert_eq!(hessian_rows(&m, [0.0, 0.0]), [[0.0, 0.0], [0.0, 0.0]]);
    // ∇²f = [[6x, −6y], [−6y, −6x]]
    assert_eq!(hessian_rows(&m, [1.0, 2.0]), [[6.0, -12.0], [-12.0, -6.0]]);
    assert!(m.minima().is_empty());
}

#[test]
fn booth_by_hand() {
    let s = Surface::Booth;
    assert_eq!(s.value([0.0, 0.0]), 74.0); // 7² + 5²
    assert_eq!(s.value([1.0, 3.0]), 0.0);
    // ∂f/∂x = 2(x + 2y − 7) + 4(2x + y − 5), ∂f/∂y = 4(x + 2y − 7) + 2(2x + y − 5)
    assert_eq!(s.value_and_gradient([0.0, 0.0]).1, [-34.0, -38.0]);
    assert_eq!(hessian_rows(&s, [5.0, -2.0]), [[10.0, 8.0], [8.0, 10.0]]);
}

#[test]
fn rastrigin_by_hand() {
    let s = Surface::Rastrigin;
    assert_eq!(s.value([0.0, 0.0]), 0.0);
    // cos π = −1: 20 + ¼ + 10 + ¼ + 10
    assert!(close(s.value([0.5, 0.5]), 40.5, 1e-14));
    // A local minimum near every integer point: 20 + 1 − 10 + 0 − 10.
    assert!(close(s.value([1.0, 0.0]), 1.0, 1e-14));
    // ∂f/∂x = 2x + 20π sin 2πx
    let (_, g) = s.value_and_gradient([0.25, 0.0]);
    assert!(close(g[0], 0.5 + 20.0 * PI, 1e-14) && g[1] == 0.0, "{g:?}");
    // ∂²f/∂x² = 2 + 40π² cos 2πx
    let h = hessian_rows(&s, [0.0, 0.0]);
    let c = 2.0 + 40.0 * PI * PI;
    assert!(close(h[0][0], c, 1e-14) && close(h[1][1], c, 1e-14) && h[0][1] == 0.0);
}

#[test]
fn ackley_by_hand_and_at_its_cone_tip() {
    let s = Surface::Ackley;
    assert!(s.value([0.0, 0.0]).abs() < 1e-14);
    // At (1, 0) the cosines are 1, so the waves cancel e: f = 20 − 20 exp(−0.2 √½).
    assert!(close(
        s.value([1.0, 0.0]),
        20.0 - 20.0 * (-0.2 / SQRT_2).exp(),
        1e-14
    ));
    // The tip has no gradient: the subgradient 0 is taken, finite, so runs do not diverge.
    let (f, g, h) = s.hessian([0.0, 0.0]);
    assert!(f.abs() < 1e-14);
    assert_eq!(g, [0.0, 0.0]);
    assert_eq!(s.value_and_gradient([0.0, 0.0]).1, [0.0, 0.0]);
    // …and the Hessian is the waves' alone: −e^g (g_xx + g_x²) with g_xx = −2π², g_x = 0.
    let c = 2.0 * PI * PI * E;
    assert!(close(h[(0, 0)], c, 1e-14) && close(h[(1, 1)], c, 1e-14) && h[(0, 1)] == 0.0);
    // Coordinates whose squares underflow are treated as the tip too: the cone adds nothing
    // and the waves' gradient there is ~2π²e x.
    let (_, g) = s.value_and_gradient([1e-170, -1e-170]);
    assert!(g.iter().all(|c| c.abs() < 1e-167), "{g:?}");
    // Just beside the tip the cone's slope is 20 · 0.2 · ∂r/∂x = 4 · √½ = 2√2 (the waves add
    // only ~2π²x): the chosen 0 lies between the one-sided slopes ±2√2.
    for t in [1e-8, 1e-150] {
        let (_, g) = s.value_and_gradient([t, 0.0]);
        assert!(close(g[0], 2.0 * SQRT_2, 1e-6) && g[1] == 0.0, "{t}: {g:?}");
        let (_, g) = s.value_and_gradient([-t, 0.0]);
        assert!(close(g[0], -2.0 * SQRT_2, 1e-6), "{t}: {g:?}");
    }
}

#[test]
fn goldstein_price_by_hand() {
    let s = Surface::GoldsteinPrice;
    // (1 + 1 · 19)(30 + 0)
    assert_eq!(s.value([0.0, 0.0]), 600.0);
    // (1 + 0)(30 + 9 (18 − 48 + 27))
    assert_eq!(s.value([0.0, -1.0]), 3.0);
    // (1 + 9 · 3)(30 + 1 · 37)
    assert_eq!(s.value([1.0, 1.0]), 1876.0);
    // (1 + 0)(30 + 4 · 62)
    assert_eq!(s.value([-1.0, 0.0]), 278.0);
    // The known local minima (−0.6, −0.4) and (1.8, 0.2), values 30 and 84.
    assert!(close(s.value([-0.6, -0.4]), 30.0, 1e-12));
    assert!(close(s.value([1.8, 0.2]), 84.0, 1e-12));
}

#[test]
fn six_hump_camel_by_hand() {
    let s = Surface::SixHumpCamel;
    assert_eq!(s.value([0.0, 0.0]), 0.0);
    assert_eq!(s.value([0.0, 1.0]), 0.0); // (−4 + 4) · 1
    // (4 − 2.1 + ⅓) + 1 = 97/30
    assert!(close(s.value([1.0, 1.0]), 97.0 / 30.0, 1e-14));
    // The origin is a saddle: ∇²f = [[8, 1], [1, −8]].
    assert_eq!(s.value_and_gradient([0.0, 0.0]).1, [0.0, 0.0]);
    assert_eq!(hessian_rows(&s, [0.0, 0.0]), [[8.0, 1.0], [1.0, -8.0]]);
    // Point symmetry f(x, y) = f(−x, −y), which is why the two minima are mirror images.
    assert_eq!(s.value([0.3, -1.1]), s.value([-0.3, 1.1]));
}

#[test]
fn styblinski_tang_by_hand() {
    let s = Surface::StyblinskiTang;
    assert_eq!(s.value([0.0, 0.0]), 0.0);
    assert_eq!(s.value([1.0, 1.0]), -10.0); // ½ · 2 (1 − 16 + 5)
    assert_eq!(s.value([-1.0, 2.0]), -29.0); // ½ ((1 − 16 − 5) + (16 − 64 + 10))
    // ∂f/∂x = 2x³ − 16x + 5/2
    assert_eq!(s.value_and_gradient([1.0, 0.0]).1, [-11.5, 2.5]);
    // ∂²f/∂x² = 6x² − 16
    assert_eq!(hessian_rows(&s, [2.0, 0.0]), [[8.0, 0.0], [0.0, -16.0]]);
}

#[test]
fn easom_by_hand() {
    let s = Surface::Easom;
    assert_eq!(s.value([PI, PI]), -1.0);
    // cos π · cos 0 = −1, so f(π, 0) = exp(−π²) > 0: a faint rim outside the well.
    assert!(close(s.value([PI, 0.0]), (-PI * PI).exp(), 1e-14));
    // Near (π, π), f ≈ −1 + 3/2 (u² + v²): Hessian 3 I.
    let h = hessian_rows(&s, [PI, PI]);
    assert!(close(h[0][0], 3.0, 1e-14) && close(h[1][1], 3.0, 1e-14) && h[0][1].abs() < 1e-14);
    // The plateau: two units away the gradient is already below 0.1 …
    let (_, g) = s.value_and_gradient([PI - 2.0, PI]);
    assert!(g[0].abs() < 0.1 && g[0] != 0.0, "{g:?}");
    // … and at the default start on it, the value is within 1 % of the plateau's.
    assert!(s.value(s.default_start()).abs() < 0.01);
}

/// How far `p` is from stationary: the length of the Newton step `∇²f⁻¹ ∇f` (or of `∇f`
/// when the Hessian is singular).
fn newton_step(s: &Surface, p: [f64; 2]) -> f64 {
    let (_, g, h) = s.hessian(p);
    let g = nalgebra::Vector2::from(g);
    h.try_inverse().map_or(g.norm(), |hi| (hi * g).norm())
}

#[test]
fn minima_have_the_stated_value_zero_gradient_and_positive_curvature() {
    for s in all_surfaces() {
        let minima = s.minima();
        for m in &minima {
            let p = [m[0], m[1]];
            let (f, g, h) = s.hessian(p);
            assert!(close(f, m[2], 1e-9), "{s:?} {m:?}: f = {f}");
            assert!(g.iter().all(|v| v.abs() <= 1e-9), "{s:?} {m:?}: ∇f = {g:?}");
            // Full f64 precision: Newton's method would move the point by rounding only.
            let step = newton_step(&s, p);
            assert!(
                step <= 4.0 * f64::EPSILON * m[0].abs().max(m[1].abs()).max(1.0),
                "{s:?} {m:?}: Newton step {step:e}"
            );
            // Positive semi-definite. At Ackley's cone tip the Hessian does not exist; what
            // is reported is the smooth waves' (2π²e I, see its test), positive as well.
            let eig = h.symmetric_eigenvalues();
            assert!(
                eig.iter().all(|&l| l >= -1e-9),
                "{s:?} {m:?}: eigenvalues {eig:?}"
            );
            // Global minima share one value, and each is drawn inside the default view.
            assert!(close(m[2], minima[0][2], 1e-12), "{s:?}");
            let v = s.default_view();
            assert!((v.x_min..=v.x_max).contains(&m[0]) && (v.y_min..=v.y_max).contains(&m[1]));
        }
        // Listed once each.
        for (i, a) in minima.iter().enumerate() {
            for b in &minima[i + 1..] {
                assert!((a[0] - b[0]).abs() + (a[1] - b[1]).abs() > 1e-3, "{s:?}");
            }
        }
    }
}

#[test]
fn minima_are_global_over_the_default_view() {
    // Nothing on a fine grid over the view lies below the listed minimum, and the grid's
    // lowest value is close to it (a missing or wrongly placed minimum would show).
    for s in all_surfaces() {
        let v = s.default_view();
        let n = 400;
        let lowest = (0..n * n)
            .map(|i| s.value(v.pixel_center(i % n, i / n, n, n)))
            .fold(f64::INFINITY, f64::min);
        match s.minima().first() {
            Some(m) => {
                assert!(lowest >= m[2] - 1e-12, "{s:?}: {lowest} below {}", m[2]);
                let cell = (v.x_max - v.x_min).max(v.y_max - v.y_min) / n as f64;
                let (_, _, h) = s.hessian([m[0], m[1]]);
                // Within one grid cell of a minimum: f − f* ≤ ½ ‖∇²f‖ cell² (plus the cone's slope).
                let slack = h.norm() * cell * cell + 4.0 * cell;
                assert!(
                    lowest <= m[2] + slack,
                    "{s:?}: grid low {lowest}, stated {}",
                    m[2]
                );
            }
            // Unbounded below: the view's corners already go below −1.
            None => assert!(lowest < -1.0, "{s:?}"),
        }
    }
}

#[test]
fn the_derivative_check_catches_wrong_derivatives() {
    // The check passes the exact derivatives and rejects ones off by 10⁻⁴ of themselves,
    // including on Goldstein–Price where its rounding allowance is largest.
    for s in [
        Surface::Rosenbrock,
        Surface::GoldsteinPrice,
        Surface::Ackley,
    ] {
        let v = s.default_view();
        for (u, w) in [(0.1, 0.2), (0.7, 0.9), (0.95, 0.05), (0.4, 0.6)] {
            let p = in_view(&v, u, w);
            assert!(check_surface(&s, p).is_ok());
            let value = |q| s.value(q);
            let grad = |q| s.value_and_gradient(q).1;
            let hess = |q| hessian_rows(&s, q);
            let wrong_grad = |q| {
                let g = grad(q);
                [g[0] * (1.0 + 1e-4), g[1]]
            };
            let wrong_hess = |q| {
                let h = hess(q);
                [[h[0][0], h[0][1] * (1.0 + 1e-4)], [h[1][0], h[1][1]]]
            };
            assert!(
                check_derivatives(value, wrong_grad, hess, p).is_err(),
                "{s:?} {p:?}"
            );
            assert!(
                check_derivatives(value, grad, wrong_hess, p).is_err(),
                "{s:?} {p:?}"
            );
        }
    }
    // A gradient missing a term (Rosenbrock's −2(1 − x)) is caught too.
    let s = Surface::Rosenbrock;
    let missing = |q: [f64; 2]| {
        let g = s.value_and_gradient(q).1;
        [g[0] + 2.0 * (1.0 - q[0]), g[1]]
    };
    let p = [0.3, 0.4];
    assert!(check_derivatives(|q| s.value(q), missing, |q| hessian_rows(&s, q), p).is_err());
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::{all_surfaces, check_surface, in_view};
    use optiviz::core::surface::Surface;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn gradient_and_hessian_match_finite_differences(u in 0.0f64..=1.0, v in 0.0f64..=1.0) {
            for s in all_surfaces() {
                let p = in_view(&s.default_view(), u, v);
                // Near Ackley's cone tip its n-th derivatives grow like r¹⁻ⁿ, so the
                // differences' truncation error (h/r)⁴ is no longer negligible within
                // r < 0.25; the tip has its own test.
                if matches!(s, Surface::Ackley) && p[0].hypot(p[1]) < 0.25 {
                    continue;
                }
                let (f, g, _) = s.hessian(p);
                prop_assert!((f - s.value(p)).abs() <= 1e-12 * f.abs().max(1.0));
                // The Hessian's gradient (num-dual's second-order duals) and the gradient
                // (optiviz's lane duals) agree to rounding.
                let lanes = s.value_and_gradient(p).1;
                for i in 0..2 {
                    prop_assert!((g[i] - lanes[i]).abs() <= 1e-13 * g[i].abs().max(1.0), "{g:?} vs {lanes:?}");
                }
                if let Err(e) = check_surface(&s, p) {
                    prop_assert!(false, "{}", e);
                }
            }
        }
    }
}

#[test]
fn every_surface_is_listed_once_and_found_by_its_id() {
    let ids: Vec<&str> = Surface::all().iter().map(|s| s.info().id).collect();
    assert_eq!(
        ids,
        [
            "rosenbrock",
            "bowl",
            "beale",
            "himmelblau",
            "saddle",
            "booth",
            "rastrigin",
            "ackley",
            "goldstein-price",
            "six-hump-camel",
            "styblinski-tang",
            "monkey-saddle",
            "easom",
        ]
    );
    for (i, s) in Surface::all().into_iter().enumerate() {
        let info = s.info();
        assert_eq!(Surface::from_id(info.id), Ok(s.clone()));
        assert!(!ids[..i].contains(&info.id), "{} twice", info.id);
        assert!(
            info.id
                .split('-')
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())),
            "{} is not kebab-case",
            info.id
        );
        assert!(!info.label.is_empty());
        assert!(info.formula.starts_with("f(x, y) = "), "{}", info.formula);
        // The serialized tag is the same identifier.
        assert_eq!(serde_json::to_value(s).unwrap()["surface"], info.id);
    }
    assert_eq!(
        Surface::from_id("camel").unwrap_err().to_string(),
        "unknown surface 'camel': allowed values are rosenbrock, bowl, beale, himmelblau, \
         saddle, booth, rastrigin, ackley, goldstein-price, six-hump-camel, styblinski-tang, \
         monkey-saddle, easom"
    );
}

#[test]
fn default_starts_lie_in_view_off_every_minimum() {
    for s in all_surfaces() {
        let v = s.default_view();
        assert!(v.x_min < v.x_max && v.y_min < v.y_max, "{s:?}");
        let p = s.default_start();
        assert!(
            v.x_min < p[0] && p[0] < v.x_max && v.y_min < p[1] && p[1] < v.y_max,
            "{s:?}: {p:?} outside {v:?}"
        );
        let (f, g) = s.value_and_gradient(p);
        assert!(f.is_finite() && g.iter().all(|c| c.is_finite()), "{s:?}");
        // Not resting: there is a slope to follow (Easom's plateau included) …
        assert!(g[0].hypot(g[1]) > 1e-3, "{s:?}: ∇f = {g:?}");
        // … and not at (or next to) a minimum.
        for m in s.minima() {
            assert!(
                (p[0] - m[0]).hypot(p[1] - m[1]) > 0.5,
                "{s:?}: {p:?} by {m:?}"
            );
            assert!(f > m[2] + 1e-3, "{s:?}");
        }
    }
    // The saddle's start sits just off its stable manifold (y = 0), which it must not be on.
    let p = Surface::Saddle.default_start();
    assert!(p[1] != 0.0 && p[1].abs() < 0.1);
}

#[test]
fn log_scaling_follows_the_spread_of_values() {
    // log_scaled is set where half the default view lies in the lowest 15 % of the values
    // seen there (on the 64 × 64 grid the colour scaling samples).
    for s in all_surfaces() {
        let v = s.default_view();
        let n = 64;
        let mut f: Vec<f64> = (0..n * n)
            .map(|i| s.value(v.pixel_center(i % n, i / n, n, n)))
            .collect();
        f.sort_by(f64::total_cmp);
        let (lo, hi) = (f[0], f[f.len() - 1]);
        let median = (f[f.len() / 2] - lo) / (hi - lo);
        assert_eq!(
            s.log_scaled(),
            median < 0.15,
            "{s:?}: median at {median:.3}"
        );
    }
}

#[test]
fn fit_aspect_keeps_centre_and_equalizes_units() {
    let v = View::new(-2.0, 2.0, -1.0, 3.0).fit_aspect(800.0, 400.0);
    assert_eq!(v, View::new(-4.0, 4.0, -1.0, 3.0));
    let v = View::new(-3.0, 3.0, -3.0, 3.0).fit_aspect(300.0, 600.0);
    assert_eq!(v, View::new(-3.0, 3.0, -6.0, 6.0));
    let same = View::new(0.0, 1.0, 0.0, 1.0);
    assert_eq!(same.fit_aspect(0.0, 100.0), same);
}

#[test]
fn heatmap_is_darkest_at_the_minimum_and_row_zero_is_the_top() {
    let view = View::new(-3.0, 3.0, -3.0, 3.0);
    let field = Field::new(Surface::bowl(), view);
    let (w, h) = (61, 61);
    let px = field.rgba(w, h);
    assert_eq!(px.len(), w * h * 4);
    let brightness = |c: usize, r: usize| {
        let i = (r * w + c) * 4;
        assert_eq!(px[i + 3], 255);
        u32::from(px[i]) + u32::from(px[i + 1]) + u32::from(px[i + 2])
    };
    // Viridis' lowest colour (68, 1, 84) sits at the centre pixel, over the minimum (0, 0).
    assert_eq!(&px[(30 * w + 30) * 4..][..3], &[68, 1, 84]);
    // The bowl rises 10× faster along y: top and bottom rows are brighter than left and right.
    assert!(brightness(30, 0) > brightness(0, 30));
    assert!(brightness(30, h - 1) > brightness(w - 1, 30));

    // Rosenbrock is log-scaled: the valley floor near (1, 1) is dark, the corner (−2, −1) bright.
    let view = Surface::Rosenbrock.default_view();
    let field = Field::new(Surface::Rosenbrock, view);
    let n = 400;
    let px = field.rgba(n, n);
    let at = |x: f64, y: f64| {
        let c = ((x - view.x_min) / (view.x_max - view.x_min) * n as f64) as usize;
        let r = ((view.y_max - y) / (view.y_max - view.y_min) * n as f64) as usize;
        let i = (r * n + c) * 4;
        u32::from(px[i]) + u32::from(px[i + 1]) + u32::from(px[i + 2])
    };
    assert!(at(1.0, 1.0) < 250 && at(-1.95, -0.95) > 400);
}

#[test]
fn contour_lines_lie_on_their_level() {
    // On a coarse grid a misplaced grid origin shows as points off their level by a whole
    // half-cell of slope; linear interpolation alone stays within a few thousandths.
    let view = View::new(-3.0, 3.0, -3.0, 3.0);
    let field = Field::new(
        Surface::Bowl {
            condition: 1.0,
            angle: 0.0,
        },
        view,
    );
    let lines = field.contours(5, 12);
    assert_eq!(lines.len(), 5);
    let mut points = 0;
    for line in &lines {
        for path in &line.paths {
            for &(x, y) in path {
                let level = field.scaling.normalize(field.surface.value([x, y]));
                assert!(
                    (level - line.level).abs() < 0.01,
                    "({x}, {y}) at {level}, line {}",
                    line.level
                );
                points += 1;
            }
        }
    }
    assert!(points > 40);
}

#[test]
fn views_zoom_about_a_point_and_pan_with_the_pointer() {
    let v = View::new(-2.0, 2.0, -1.0, 3.0);
    // Halving about (1, 1): that point stays, every side halves towards it.
    assert_eq!(v.zoomed([1.0, 1.0], 0.5), View::new(-0.5, 1.5, 0.0, 2.0));
    // A pointer 100 px right and 50 px down on a 400 × 400 plot drags the world along: the
    // view moves a quarter of its width left and an eighth of its height up.
    assert_eq!(
        v.panned(100.0, 50.0, 400.0, 400.0),
        View::new(-3.0, 1.0, -0.5, 3.5)
    );
    assert!(v.is_workable());
    assert!(!View::new(0.0, 1e-10, 0.0, 1.0).is_workable());
    assert!(!View::new(0.0, 2e6, 0.0, 1.0).is_workable());
    assert!(!View::new(f64::NAN, 1.0, 0.0, 1.0).is_workable());
}
