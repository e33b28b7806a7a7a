//! A costly surface's heatmap is drawn coarse first and sharpened row by row to exactly the
//! picture drawn in one go; a cheap one is drawn in one go as before. The numbers here follow
//! from the stated cost rule (operation weights, Rosenbrock = 10) by hand.
//!
//! The fast heatmap is the straightforward one: its rows are `Surface::value` at each pixel's
//! centre (bit for bit, or within an exponential's rounding on Ackley and Easom), its fast
//! `ln(1 + u)` and `eˣ` are within a few parts in 10⁹ and two ulp of the library's, and every
//! pixel's colour is the per-pixel f64 colour or its neighbour level, over every surface at
//! ordinary, tiny and huge views.

use optiviz::core::expr::parse;
use optiviz::core::rows::{Rows, exp};
use optiviz::core::surface::{Surface, View};
use optiviz::render::field::{
    CONTOUR_RESOLUTION, Field, Heatmap, UNDEFINED, contour_resolution, first_factor, ln_1p,
    viridis_lut,
};

/// `sin(x)*cos(y) + ` `n` times, then `x`: each term weighs sin 10 + cos 10 + × 1, and each
/// of the `n` additions 1, so the formula weighs 22·n.
fn terms(n: usize) -> String {
    "sin(x)*cos(y) + ".repeat(n) + "x"
}

#[test]
fn a_formula_costs_its_weighted_operations_against_rosenbrock() {
    let cost = |text: &str| parse(text).unwrap().cost();
    assert_eq!(cost("(1 - x)^2 + 100*(y - x^2)^2"), 1.0);
    // Cheaper than Rosenbrock still counts as one evaluation.
    assert_eq!(cost("x^2 + 3*y^2"), 1.0);
    assert_eq!(cost(&terms(6)), 13.2);
    assert_eq!(cost(&terms(62)), 136.4);
    // A power by a variable 12, a division 2, sqrt 3, abs 1, the addition 1, min 1: 20.
    assert_eq!(cost("x^y / sqrt(abs(x)) + min(x, y)"), 2.0);
    assert_eq!(Surface::Rosenbrock.eval_cost(), 1.0);
    assert_eq!(Surface::custom(&terms(6)).unwrap().eval_cost(), 13.2);
}

#[test]
fn the_first_picture_fits_a_frame_or_is_coarse_enough_to() {
    // A built-in surface on a 1035² canvas: 1,071,225 evaluations ≤ 1.2e6, at once.
    assert_eq!(first_factor(1.0, 1035, 1035, 1), 1);
    assert_eq!(first_factor(1.0, 1035, 1035, 2), 2);
    // The longest formula (cost 136.4): 33² · 136.4 = 148,540 ≤ 150,000 at a factor 32,
    // 65² · 136.4 = 576,290 too much at 16.
    assert_eq!(first_factor(136.4, 1035, 1035, 1), 32);
    // Cost 13.2 on 600 × 400: 3.17e6 at once is too much; 75 · 50 · 13.2 = 49,500 fits at 8,
    // 150 · 100 · 13.2 = 198,000 does not at 4.
    assert_eq!(first_factor(13.2, 600, 400, 1), 8);
    assert_eq!(contour_resolution(1.0, CONTOUR_RESOLUTION), 160);
    // √(150000 / 4 / 10) = 61.2 cells a side; never under 24.
    assert_eq!(contour_resolution(10.0, CONTOUR_RESOLUTION), 61);
    assert_eq!(contour_resolution(136.4, CONTOUR_RESOLUTION), 24);
    assert_eq!(contour_resolution(1.0, 80), 80);
}

#[test]
fn a_costly_heatmap_sharpens_level_by_level_to_the_picture_drawn_at_once() {
    let surface = Surface::custom(&terms(6)).unwrap();
    let field = Field::new(surface.clone(), surface.default_view());
    let (w, h) = (600, 400);
    let mut map = Heatmap::new(field.clone(), w, h, 1);
    // First the 1/8 picture: 75 × 50, each pixel the surface at that coarse pixel's centre.
    let (pixels, iw, ih) = map.shown();
    assert_eq!((iw, ih), (75, 50));
    assert_eq!(pixels, field.rgba(75, 50).as_slice());
    assert!(map.pending());
    // Each call computes exactly the rows it is allowed; the 1/4 level (100 rows) shows when
    // its last row is done.
    let mut budget = 99;
    assert!(!map.advance(|| budget > 0 && {
        budget -= 1;
        true
    }));
    assert_eq!(map.shown().1, 75);
    let mut budget = 1;
    assert!(map.advance(|| budget > 0 && {
        budget -= 1;
        true
    }));
    assert_eq!((map.shown().1, map.shown().2), (150, 100));
    assert_eq!(map.shown().0, field.rgba(150, 100).as_slice());
    // Then 1/2 and full: 200 + 400 more rows.
    let mut rows = 0;
    let mut levels = 0;
    while map.pending() {
        levels += usize::from(map.advance(|| {
            rows += 1;
            rows % 7 != 0
        }));
    }
    assert_eq!(levels, 2);
    let (pixels, iw, ih) = map.shown();
    assert_eq!((iw, ih), (w, h));
    assert_eq!(pixels, field.rgba(w, h).as_slice());
    assert!(!map.advance(|| true));
}

#[test]
fn a_cheap_heatmap_is_drawn_at_once_at_the_resolution_asked() {
    let field = Field::new(Surface::Himmelblau, Surface::Himmelblau.default_view());
    let map = Heatmap::new(field.clone(), 240, 160, 1);
    assert!(!map.pending());
    assert_eq!(map.shown().0, field.rgba(240, 160).as_slice());
    // While a gesture goes on, half resolution, and nothing finer to come.
    let half = Heatmap::new(field.clone(), 240, 160, 2);
    assert_eq!((half.shown().1, half.shown().2), (120, 80));
    assert!(!half.pending());
}

/// Every built-in surface, a cheap and a costly typed formula, and one undefined on half the
/// plane (its NaN drawn as stripes).
fn surfaces() -> Vec<Surface> {
    let mut all = Surface::all();
    all.push(Surface::bowl_of(1e4, 0.7).unwrap());
    for text in ["x^2 + 3*y^2", &terms(3), "ln(x) + sin(3*y) * exp(-x^2)"] {
        all.push(Surface::custom(text).unwrap());
    }
    all
}

/// The views each surface is drawn at: its own; a window 10⁻⁹ wide at its start point (where
/// neighbouring values differ in their last few bits); the widest allowed, ±10⁶ (values up to
/// 10⁵² on Goldstein–Price); and a corner quarter of its own, off-centre.
fn views(surface: &Surface) -> Vec<View> {
    let v = surface.default_view();
    let [sx, sy] = surface.default_start();
    let side = 1e-9 * sx.abs().max(sy.abs()).max(1.0);
    vec![
        v,
        View::new(sx, sx + side, sy, sy + side),
        View::new(-1e6, 1e6, -1e6, 1e6),
        View::new(
            v.x_min,
            (v.x_min + v.x_max) / 2.0,
            v.y_min,
            (v.y_min + v.y_max) / 2.0,
        ),
    ]
}

#[test]
fn rows_are_the_surface_values_bit_for_bit_or_within_an_exponentials_rounding() {
    let (w, h) = (97, 31);
    for surface in surfaces() {
        for view in views(&surface) {
            let xs: Vec<f64> = (0..w).map(|c| view.pixel_center(c, 0, w, h)[0]).collect();
            let rows = Rows::new(&surface, xs.clone());
            let mut values = Vec::new();
            for r in 0..h {
                let y = view.pixel_center(0, r, w, h)[1];
                rows.row(y, &mut values);
                assert_eq!(values.len(), w);
                for (&x, &f) in xs.iter().zip(&values) {
                    let want = surface.value([x, y]);
                    // Ackley's and Easom's exponentials are products of two and the fast
                    // one: within a few 1e-15 of their terms' sizes (Ackley's are at most 20 and
                    // e; Easom's value, or a subnormal's rounding).
                    let near = match surface {
                        Surface::Ackley => (f - want).abs() <= 1e-15 * 23.0,
                        Surface::Easom => (f - want).abs() <= 5e-15 * want.abs() + 1e-320,
                        _ => false,
                    };
                    assert!(
                        near || f.to_bits() == want.to_bits() || (f.is_nan() && want.is_nan()),
                        "{} at ({x}, {y}): {f} against {want}",
                        surface.info().id
                    );
                }
            }
        }
    }
}

#[test]
fn the_fast_log_is_within_a_few_parts_in_a_billion() {
    // u = 0, subnormal, tiny (where 1 + u rounds to 1), across every binade up to 10³⁰⁸.
    let mut us = vec![0.0, 5e-324, 1e-300, 1e-17, 1.1e-16, 2.3e-16, f64::MAX];
    let mut u = 1e-15;
    while u < 1e308 {
        us.extend([u, u * 1.37, u * 2.9, u * 7.1]);
        u *= 10.0;
    }
    for &u in &us {
        let (got, want) = (ln_1p(u), u.ln_1p());
        assert!(
            (got - want).abs() <= 5e-9 * want,
            "ln(1 + {u}) = {want}, fast {got}"
        );
    }
    assert_eq!(ln_1p(f64::INFINITY), f64::INFINITY);
}

/// A viridis colour's levels: the indices of the table that hold it.
fn levels_of(rgb: [u8; 3]) -> Vec<i32> {
    (0..256)
        .filter(|&i| viridis_lut()[i] == rgb)
        .map(|i| i as i32)
        .collect()
}

#[test]
fn the_heatmap_is_the_per_pixel_colour_or_its_neighbour_level() {
    // The straightforward picture: each pixel's centre through Surface::value, normalized in
    // f64 and rounded to one of 256 levels; NaN striped. The fast one may differ by one level
    // where a value lies within a rounding's width of a level's boundary, and nowhere else.
    let (w, h) = (163, 101);
    let mut striped = 0;
    for surface in surfaces() {
        for view in views(&surface) {
            let field = Field::new(surface.clone(), view);
            let fast = field.rgba(w, h);
            let mut off = 0;
            for r in 0..h {
                for c in 0..w {
                    let f = surface.value(view.pixel_center(c, r, w, h));
                    let px = &fast[(r * w + c) * 4..][..4];
                    assert_eq!(px[3], 255);
                    let got = [px[0], px[1], px[2]];
                    if f.is_nan() {
                        assert_eq!(got, UNDEFINED[(c + r) / 6 % 2]);
                        striped += 1;
                        continue;
                    }
                    let want = (255.0 * field.scaling.normalize(f) + 0.5) as i32;
                    let have = levels_of(got);
                    assert!(
                        have.iter().any(|&k| (k - want).abs() <= 1),
                        "{} over {view:?} pixel ({c}, {r}): f = {f}, level {want}, drawn {have:?}",
                        surface.info().id
                    );
                    off += usize::from(!have.contains(&want));
                }
            }
            // One level off only at a boundary: a handful of pixels, if any.
            assert!(
                off * 1000 <= w * h,
                "{} over {view:?}: {off} pixels a level off",
                surface.info().id
            );
        }
    }
    assert!(striped > 500, "the ln formula's undefined half is striped");
}

#[test]
fn the_fast_exponential_is_within_two_units_in_the_last_place() {
    let mut x = -746.0;
    while x <= 710.0 {
        for x in [x, x + 0.123_456_789, -x * 1e-3, x * 1e-9] {
            let (got, want) = (exp(x), x.exp());
            let ulp = f64::from_bits(want.to_bits() + 1) - want;
            assert!(
                got == want || (got - want).abs() <= 2.0 * ulp.max(f64::from_bits(1)),
                "e^{x} = {want:e}, fast {got:e}"
            );
        }
        x += 0.37;
    }
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(exp(-800.0), 0.0);
    assert_eq!(exp(800.0), f64::INFINITY);
    assert!(exp(f64::NAN).is_nan());
}

#[test]
fn a_typed_formula_with_every_function_rows_to_its_values_bit_for_bit() {
    // Every function and operator a formula may use, x^y with a variable exponent, a pole,
    // ln's undefined half and min/max ties: 16-point lanes, value by value.
    let text = "sin(x) + cos(y) * tan(x/3) - exp(-y^2) + ln(x) + log(abs(y) + 1) + sqrt(abs(x)) \
                + tanh(y) * sinh(x/4) / cosh(y) + min(x, y) - max(x, 0.5) + abs(x)^y + 1/y + pi*e";
    let surface = Surface::custom(text).unwrap();
    let xs: Vec<f64> = (0..53).map(|i| -3.0 + 0.125 * i as f64).collect();
    let rows = Rows::new(&surface, xs.clone());
    let mut values = Vec::new();
    for y in [-2.0, -0.5, 0.0, 0.5, 1.25] {
        rows.row(y, &mut values);
        for (&x, &f) in xs.iter().zip(&values) {
            let want = surface.value([x, y]);
            assert!(
                f.to_bits() == want.to_bits() || (f.is_nan() && want.is_nan()),
                "({x}, {y}): {f} against {want}"
            );
        }
    }
}

#[test]
fn the_contours_fast_normalization_is_the_scalings_own() {
    // Every surface's scaling over its view, at values across its range and beyond it, NaN
    // and the infinities: the contours' normalization agrees with `Scaling::normalize` to
    // far less than a contour's width.
    for surface in Surface::all() {
        let field = Field::new(surface.clone(), surface.default_view());
        let s = &field.scaling;
        let span = s.f_min.abs().max(1.0);
        let mut fs = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, s.f_min];
        for k in -12..12 {
            let d = span * 10f64.powi(k);
            fs.extend([s.f_min + d, s.f_min - d, s.f_min + 3.7 * d]);
        }
        for f in fs {
            let (fast, want) = (s.normalize_fast(f), s.normalize(f));
            assert!(
                (fast - want).abs() <= 1e-8 || (fast.is_nan() && want.is_nan()),
                "{}: f = {f}: {want}, fast {fast}",
                surface.info().id
            );
        }
    }
}
