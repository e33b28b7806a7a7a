//! A costly surface's heatmap is drawn coarse first and sharpened row by row to exactly the
//! picture drawn in one go; a cheap one is drawn in one go as before. The numbers here follow
//! from the stated cost rule (operation weights, Rosenbrock = 10) by hand.

use optiviz::core::expr::parse;
use optiviz::core::surface::Surface;
use optiviz::render::field::{
    CONTOUR_RESOLUTION, Field, Heatmap, contour_resolution, first_factor,
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
