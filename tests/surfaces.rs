//! Surfaces: values and derivatives against hand-derived numbers and finite differences, and
//! the field drawn from them (heatmap pixels and contour lines).

use optiviz::render::Field;
use optiviz::surface::{Surface, View};

fn all_surfaces() -> Vec<Surface> {
    let mut s = Surface::all();
    s.push(Surface::Bowl {
        condition: 4.0,
        angle: 0.7,
    });
    s
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
fn minima_are_stationary_with_the_stated_value() {
    for s in all_surfaces() {
        for m in s.minima() {
            let (f, g) = s.value_and_gradient([m[0], m[1]]);
            assert_eq!(f, m[2], "{:?}", s);
            assert!(g.iter().all(|v| v.abs() < 1e-12), "{:?}: {:?}", s, g);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::all_surfaces;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn gradient_and_hessian_match_finite_differences(x in -2.0f64..2.0, y in -2.0f64..2.0) {
            let h = 1e-5;
            for s in all_surfaces() {
                let (f, g, hess) = s.hessian([x, y]);
                prop_assert!((f - s.value([x, y])).abs() <= 1e-12 * f.abs().max(1.0));
                prop_assert_eq!(g, s.value_and_gradient([x, y]).1);
                for i in 0..2 {
                    let mut plus = [x, y];
                    let mut minus = [x, y];
                    plus[i] += h;
                    minus[i] -= h;
                    let fd = (s.value(plus) - s.value(minus)) / (2.0 * h);
                    prop_assert!((fd - g[i]).abs() <= 1e-5 * g[i].abs().max(1.0),
                        "{:?} ∂{} at ({}, {}): fd {} ad {}", s, i, x, y, fd, g[i]);
                    let (gp, gm) = (s.value_and_gradient(plus).1, s.value_and_gradient(minus).1);
                    for j in 0..2 {
                        let fd2 = (gp[j] - gm[j]) / (2.0 * h);
                        prop_assert!((fd2 - hess[(j, i)]).abs() <= 1e-5 * hess[(j, i)].abs().max(1.0),
                            "{:?} ∂²/∂{}∂{}: fd {} ad {}", s, i, j, fd2, hess[(j, i)]);
                    }
                }
            }
        }
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
