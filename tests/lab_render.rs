//! The regression lab's pictures, checked against numbers worked out in the tests: the loss
//! landscape's values and colours, its automatic view, and the data view rendered into memory
//! with each run's fitted line, curve or decision boundary where the formulas put it.
//!
//! As in `tests/render3d.rs`, plotters has no font here, so every render goes through a
//! backend that forwards shapes to a `BitMapBackend` and records text (`tests/probe`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::Probe;

use optiviz::core::model::{LabModel, ModelSpec, Points, Training};
use optiviz::core::surface::View;
use optiviz::render::Theme;
use optiviz::render::lab::{
    CLASS_COLORS, DATA_BACKGROUND, DataLayer, FitSeries, data_plot_rect, data_view, draw_data_view,
    landscape_view, loss_contours, loss_field, loss_rgba, loss_scaling, probability_rgba,
};
use optiviz::render::viewport::Viewport;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

const W: u32 = 480;
const H: u32 = 360;
const PAGE: (u8, u8, u8) = DATA_BACKGROUND;
const RED: RGBColor = RGBColor(255, 82, 82);

type Rect = (Range<i32>, Range<i32>);

/// The data view rendered at `W × H` over the page background, with `raster` (RGBA covering
/// the plotting area) put under it first when given, and the plotting rectangle.
fn render(
    view: &View,
    data: &DataLayer<'_>,
    runs: &[FitSeries<'_>],
    raster: Option<&dyn Fn(usize, usize) -> Vec<u8>>,
) -> (Vec<u8>, Rect) {
    let mut rgb = [PAGE.0, PAGE.1, PAGE.2].repeat((W * H) as usize);
    let rect;
    {
        let probe = Probe::new(&mut rgb, (W, H), Default::default());
        let area: DrawingArea<Probe<'_>, Shift> = probe.into_drawing_area();
        rect = data_plot_rect(&area, view, &Theme::default()).unwrap();
        draw_data_view(&area, view, data, runs, &Theme::default()).unwrap();
        area.present().unwrap();
    }
    if let Some(raster) = raster {
        // Put the raster in first, then draw again over it, as the page does.
        let (cols, rows) = rect.clone();
        let (w, h) = (
            (cols.end - cols.start) as usize,
            (rows.end - rows.start) as usize,
        );
        let rgba = raster(w, h);
        rgb = [PAGE.0, PAGE.1, PAGE.2].repeat((W * H) as usize);
        for r in 0..h {
            for c in 0..w {
                let (x, y) = (cols.start as usize + c, rows.start as usize + r);
                let i = (y * W as usize + x) * 3;
                rgb[i..i + 3].copy_from_slice(&rgba[(r * w + c) * 4..(r * w + c) * 4 + 3]);
            }
        }
        let probe = Probe::new(&mut rgb, (W, H), Default::default());
        let area: DrawingArea<Probe<'_>, Shift> = probe.into_drawing_area();
        draw_data_view(&area, view, data, runs, &Theme::default()).unwrap();
        area.present().unwrap();
    }
    (rgb, rect)
}

fn pixel(rgb: &[u8], x: i32, y: i32) -> (u8, u8, u8) {
    let i = (y as usize * W as usize + x as usize) * 3;
    (rgb[i], rgb[i + 1], rgb[i + 2])
}

/// The pixel at which plotters draws `(x, y)` of `view` in `rect`, worked out here:
/// `x_min` at the first column, `y_min` at the bottom edge.
fn to_px(rect: &Rect, view: &View, p: [f64; 2]) -> (f64, f64) {
    let (cols, rows) = rect;
    (
        f64::from(cols.start)
            + (p[0] - view.x_min) / (view.x_max - view.x_min) * f64::from(cols.end - cols.start),
        f64::from(rows.end)
            - (p[1] - view.y_min) / (view.y_max - view.y_min) * f64::from(rows.end - rows.start),
    )
}

/// Checks that pixels of `color` lie along the curve `y = f(x)` across the view (within 2 px
/// of it at 20 columns spread over the plot) and nowhere farther than 5 px from it.
/// Columns within 8 px of a point of `avoid` (drawn over the curve) are not checked.
fn check_curve(
    rgb: &[u8],
    rect: &Rect,
    view: &View,
    color: RGBColor,
    f: &dyn Fn(f64) -> f64,
    avoid: &[[f64; 2]],
) {
    let want = (color.0, color.1, color.2);
    let (cols, rows) = rect;
    // The curve's pixel row at every column, by the formula.
    let curve_row = |col: i32| {
        let x = view.x_min
            + (f64::from(col - cols.start) + 0.5) / f64::from(cols.end - cols.start)
                * (view.x_max - view.x_min);
        to_px(rect, view, [x, f(x)]).1
    };
    let mut hits = 0;
    for k in 1..=20 {
        let col = cols.start + (cols.end - cols.start) * k / 21;
        let row = curve_row(col);
        if row < f64::from(rows.start) + 3.0 || row > f64::from(rows.end) - 3.0 {
            continue;
        }
        let covered = avoid.iter().any(|&p| {
            let (px, py) = to_px(rect, view, p);
            (px - f64::from(col)).hypot(py - row) < 8.0
        });
        if covered {
            continue;
        }
        let r = row.round() as i32;
        let found = (-3..=3).any(|dy| (-3..=3).any(|dx| pixel(rgb, col + dx, r + dy) == want));
        assert!(found, "no run colour at column {col} near row {row}");
        hits += 1;
    }
    assert!(hits >= 10, "only {hits} columns of the curve are in view");
    for y in rows.start..rows.end {
        for x in cols.start..cols.end {
            if pixel(rgb, x, y) == want {
                // The distance to the curve, over nearby columns.
                let d = (x - 6..=x + 6)
                    .map(|c| {
                        let r = curve_row(c);
                        (f64::from(c - x)).hypot(r - f64::from(y))
                    })
                    .fold(f64::INFINITY, f64::min);
                assert!(d <= 5.0, "run colour at ({x}, {y}), {d} px from the curve");
            }
        }
    }
}

fn linear_points() -> Points {
    Points::Regression(vec![
        (0.0, 1.0),
        (1.0, 3.0),
        (2.0, 8.0),
        (4.0, 2.0),
        (5.0, 6.0),
    ])
}

fn linear_spec(scale: bool) -> ModelSpec {
    ModelSpec::Linear {
        n: 5,
        slope: 2.0,
        intercept: 1.0,
        noise: 1.0,
        scale_features: scale,
    }
}

#[test]
fn the_loss_field_is_the_loss_at_each_pixels_parameters() {
    let points = linear_points();
    let Points::Regression(p) = &points else {
        unreachable!()
    };
    let model = linear_spec(false).build_with(0, Some(&points)).unwrap();
    let view = View::new(-1.0, 3.0, -2.0, 4.0);
    let (w, h) = (7, 5);
    let mse = |a: f64, b: f64| {
        p.iter().map(|(x, y)| (a * x + b - y).powi(2)).sum::<f64>() / p.len() as f64
    };
    let field = loss_field(model.as_ref(), &[0.0, 0.0], (0, 1), &view, w, h);
    assert_eq!(field.len(), w * h);
    let swapped = loss_field(model.as_ref(), &[0.0, 0.0], (1, 0), &view, w, h);
    for (col, row) in [(0, 0), (6, 0), (3, 2), (0, 4), (6, 4), (2, 3)] {
        // Pixel centres: x from −1 in steps of 4/7, y down from 4 in steps of 6/5.
        let x = -1.0 + (col as f64 + 0.5) * 4.0 / 7.0;
        let y = 4.0 - (row as f64 + 0.5) * 6.0 / 5.0;
        let got = field[row * w + col];
        assert!(
            (got - mse(x, y)).abs() < 1e-9 * mse(x, y).max(1.0),
            "{col},{row}"
        );
        // With the axes swapped, x is the intercept and y the slope.
        let got = swapped[row * w + col];
        assert!(
            (got - mse(y, x)).abs() < 1e-9 * mse(y, x).max(1.0),
            "{col},{row}"
        );
    }

    // Logistic regression with w1 and b varied and w2 held at −0.3.
    let pts = vec![
        ([1.0, 2.0], true),
        ([-1.0, 0.5], false),
        ([0.0, -1.0], true),
    ];
    let spec = ModelSpec::Logistic {
        n: 3,
        separation: 3.0,
        noise: 0.5,
        shape: optiviz::core::model::data::ClassShape::Blobs,
        loss: optiviz::core::model::ClassLoss::CrossEntropy,
    };
    let model = spec
        .build_with(0, Some(&Points::Classes(pts.clone())))
        .unwrap();
    let field = loss_field(model.as_ref(), &[9.0, -0.3, 9.0], (0, 2), &view, w, h);
    let bce = |w1: f64, b: f64| {
        pts.iter()
            .map(|(x, c)| {
                let p = 1.0 / (1.0 + (-(w1 * x[0] - 0.3 * x[1] + b)).exp());
                if *c { -p.ln() } else { -(1.0 - p).ln() }
            })
            .sum::<f64>()
            / 3.0
    };
    for (col, row) in [(0, 0), (5, 1), (6, 4)] {
        let x = -1.0 + (col as f64 + 0.5) * 4.0 / 7.0;
        let y = 4.0 - (row as f64 + 0.5) * 6.0 / 5.0;
        assert!(
            (field[row * w + col] - bce(x, y)).abs() < 1e-12,
            "{col},{row}"
        );
    }
}

#[test]
fn the_landscapes_contours_lie_on_the_losss_level_sets() {
    // The MSE over (w, b) of these five points, written out: a quadratic bowl, whose level
    // sets are ellipses; every contour point must have (nearly) its level's loss.
    let points = linear_points();
    let Points::Regression(p) = &points else {
        unreachable!()
    };
    let mse = |a: f64, b: f64| {
        p.iter().map(|(x, y)| (a * x + b - y).powi(2)).sum::<f64>() / p.len() as f64
    };
    let model = linear_spec(false).build_with(0, Some(&points)).unwrap();
    let view = View::new(-1.0, 3.0, -2.0, 6.0);
    let (w, h) = (160, 120);
    let field = loss_field(model.as_ref(), &[0.0, 0.0], (0, 1), &view, w, h);
    let scaling = loss_scaling(&field);
    let lines = loss_contours(&field, &scaling, (w, h), &view, 6);
    assert_eq!(lines.len(), 6);
    let (mut checked, mut spread) = (0, 0.0f64);
    for line in &lines {
        // The level in loss units: the inverse of ln(1 + f − f_min) mapped to [0, 1].
        let t = scaling.lo + line.level * (scaling.hi - scaling.lo);
        let level = scaling.f_min + t.exp_m1();
        assert!(!line.paths.is_empty(), "level {}", line.level);
        for &(a, b) in line.paths.iter().flatten() {
            assert!(view.x_min <= a && a <= view.x_max && view.y_min <= b && b <= view.y_max);
            let off = (mse(a, b) - level).abs() / level;
            spread = spread.max(off);
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked} contour points");
    // Linear interpolation between cell centres 1/40 of the view apart: within 2%.
    assert!(
        spread < 0.02,
        "a contour point's loss is {spread} off its level"
    );
    // No raster, no contours; a raster of the wrong size neither.
    assert!(loss_contours(&[], &scaling, (0, 0), &view, 6).is_empty());
    assert!(loss_contours(&field[1..], &scaling, (w, h), &view, 6).is_empty());
}

#[test]
fn the_landscape_view_holds_the_paths_and_the_least_squares_point() {
    let lab = linear_spec(false)
        .build_lab(0, Some(&linear_points()))
        .unwrap();
    // Least squares on the five points, by hand: Σx = 12, Σx² = 46, Σy = 20, Σxy = 57, n = 5;
    // [46 12; 12 5][w; b] = [57; 20], det 86, w = (285 − 240)/86 = 45/86,
    // b = (920 − 684)/86 = 236/86.
    let (w, b) = (45.0 / 86.0, 236.0 / 86.0);
    let ls = lab.least_squares().unwrap();
    assert!((ls[0] - w).abs() < 1e-12 && (ls[1] - b).abs() < 1e-12);
    let run = Training {
        params: vec![vec![0.0, 0.0], vec![-1.0, 0.5], vec![0.5, 3.0]],
        batch_loss: vec![0.0; 2],
        full_loss: vec![0.0; 3],
        val_loss: None,
        epochs: vec![0, 1, 2],
        diverged_at: None,
        best_val_step: None,
    };
    // The box: x from −1 to 0.523, y from 0 to 3; 15% margins.
    let v = landscape_view(&lab, std::slice::from_ref(&run), (0, 1));
    let (x0, x1, y0, y1) = (-1.0, w, 0.0, 3.0);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(v.x_min, x0 - 0.15 * (x1 - x0)) && close(v.x_max, x1 + 0.15 * (x1 - x0)));
    assert!(close(v.y_min, y0 - 0.15 * (y1 - y0)) && close(v.y_max, y1 + 0.15 * (y1 - y0)));
    // Swapped axes swap the box.
    let s = landscape_view(&lab, &[run], (1, 0));
    assert!(close(s.x_min, v.y_min) && close(s.y_max, v.x_max));
}

#[test]
fn the_landscape_is_coloured_by_viridis() {
    let values = [3.0, 10.0, 1003.0, f64::NAN];
    let s = loss_scaling(&values);
    let rgba = loss_rgba(&values, &s, 2, 2);
    let near = |px: &[u8], c: (u8, u8, u8)| {
        (i32::from(px[0]) - i32::from(c.0)).abs() <= 2
            && (i32::from(px[1]) - i32::from(c.1)).abs() <= 2
            && (i32::from(px[2]) - i32::from(c.2)).abs() <= 2
            && px[3] == 255
    };
    // Viridis runs from (68, 1, 84) to (253, 231, 37); non-finite values take the top.
    assert!(near(&rgba[0..4], (68, 1, 84)), "{:?}", &rgba[0..4]);
    assert!(near(&rgba[8..12], (253, 231, 37)), "{:?}", &rgba[8..12]);
    assert!(near(&rgba[12..16], (253, 231, 37)), "{:?}", &rgba[12..16]);
    // Log scaling: 10 is ln(1 + 7)/ln(1 + 1000) ≈ 0.301 of the way up, not 0.007.
    let t = (8f64).ln() / (1001f64).ln();
    assert!((s.normalize(10.0) - t).abs() < 1e-12);
}

#[test]
fn a_linear_runs_line_is_drawn_where_its_formula_puts_it() {
    let points = linear_points();
    for scale in [false, true] {
        let spec = linear_spec(scale);
        let model = spec.build_lab(0, Some(&points)).unwrap();
        let view = data_view(&points);
        let params = [1.2, 0.7];
        // The line on the original x: without scaling y = 1.2x + 0.7; with it
        // y = 1.2(x − μ)/s + 0.7, μ = 12/5 = 2.4, s² = 46/5 − 2.4² = 3.44.
        let (mu, sd) = if scale {
            (2.4, 3.44f64.sqrt())
        } else {
            (0.0, 1.0)
        };
        let f = move |x: f64| 1.2 * (x - mu) / sd + 0.7;
        let mask = vec![false; points.len()];
        let data = DataLayer {
            model: &model,
            points: &points,
            validation: &mask,
            highlight: None,
        };
        let run = FitSeries {
            color: RED,
            params: &params,
        };
        let (rgb, rect) = render(&view, &data, &[run], None);
        check_curve(&rgb, &rect, &view, RED, &f, &points.positions());
        // The training points are drawn where they are.
        for &(x, y) in match &points {
            Points::Regression(p) => p,
            _ => unreachable!(),
        } {
            let (px, py) = to_px(&rect, &view, [x, y]);
            assert_eq!(
                pixel(&rgb, px as i32, py as i32),
                (235, 235, 240),
                "({x}, {y})"
            );
        }
    }
}

#[test]
fn a_polynomial_and_validation_points() {
    let spec = ModelSpec::Poly {
        n: 30,
        noise: 0.2,
        degree: 3,
        l1: 0.0,
        l2: 0.0,
        val_fraction: 0.3,
    };
    let points = spec.generate(2).unwrap();
    let mask = spec.validation_mask(2, points.len());
    let model = spec.build_lab(2, None).unwrap();
    let view = View::new(-1.2, 1.2, -2.0, 2.0);
    let params = [2.0, 0.0, -2.5, 0.1];
    let f = |x: f64| 2.0 * x - 2.5 * x * x * x + 0.1;
    let data = DataLayer {
        model: &model,
        points: &points,
        validation: &mask,
        highlight: None,
    };
    let (rgb, rect) = render(
        &view,
        &data,
        &[FitSeries {
            color: RED,
            params: &params,
        }],
        None,
    );
    check_curve(&rgb, &rect, &view, RED, &f, &points.positions());
    // Validation points are rings (their centre is not their colour), training points disks.
    for (i, &val) in mask.iter().enumerate() {
        let p = points.position(i).unwrap();
        let (px, py) = to_px(&rect, &view, p);
        let centre = pixel(&rgb, px as i32, py as i32);
        if val {
            assert_ne!(centre, (255, 120, 200), "validation point {i}");
        } else {
            assert_eq!(centre, (235, 235, 240), "training point {i}");
        }
    }
}

#[test]
fn a_logistic_runs_decision_boundary() {
    let points = Points::Classes(vec![
        ([-2.0, 1.0], true),
        ([1.5, -1.0], false),
        ([0.0, 2.5], true),
        ([2.0, 0.0], false),
    ]);
    let spec = ModelSpec::Logistic {
        n: 4,
        separation: 3.0,
        noise: 0.5,
        shape: optiviz::core::model::data::ClassShape::Blobs,
        loss: optiviz::core::model::ClassLoss::CrossEntropy,
    };
    let model = spec.build_lab(0, Some(&points)).unwrap();
    let view = View::new(-3.0, 3.0, -2.0, 3.0);
    // 1·x1 − 2·x2 + 0.5 = 0: x2 = (x1 + 0.5)/2.
    let params = [1.0, -2.0, 0.5];
    let data = DataLayer {
        model: &model,
        points: &points,
        validation: &[],
        highlight: None,
    };
    let (rgb, rect) = render(
        &view,
        &data,
        &[FitSeries {
            color: RED,
            params: &params,
        }],
        None,
    );
    check_curve(
        &rgb,
        &rect,
        &view,
        RED,
        &|x| (x + 0.5) / 2.0,
        &points.positions(),
    );
    for (i, c) in [(0, 1), (1, 0)] {
        let (px, py) = to_px(&rect, &view, points.position(i).unwrap());
        let (r, g, b) = CLASS_COLORS[c];
        assert_eq!(pixel(&rgb, px as i32, py as i32), (r, g, b));
    }
    // A boundary entirely outside the view draws nothing in the run's colour.
    let far = [0.0, 1.0, -100.0];
    let (rgb, rect) = render(
        &view,
        &data,
        &[FitSeries {
            color: RED,
            params: &far,
        }],
        None,
    );
    let (cols, rows) = rect;
    assert!(
        (rows.start..rows.end)
            .all(|y| (cols.start..cols.end).all(|x| pixel(&rgb, x, y) != (255, 82, 82)))
    );
}

#[test]
fn the_networks_decision_regions() {
    // One hidden unit: p = σ(10·tanh(x1)), class 1 on the right, class 0 on the left.
    let spec = ModelSpec::Mlp {
        n: 4,
        separation: 3.0,
        noise: 0.5,
        shape: optiviz::core::model::data::ClassShape::Blobs,
        hidden: 1,
        dropout: 0.0,
        l2: 0.0,
        val_fraction: 0.0,
    };
    let points = Points::Classes(vec![
        ([-2.0, 1.0], false),
        ([2.0, -1.0], true),
        ([-1.5, -1.5], false),
        ([1.0, 1.5], true),
    ]);
    let model = spec.build_lab(0, Some(&points)).unwrap();
    assert!(matches!(model, LabModel::Mlp(_)));
    let params = [1.0, 0.0, 0.0, 10.0, 0.0];
    let view = View::new(-3.0, 3.0, -2.0, 2.0);
    // Half the class colour, half the background (16, 17, 22), where p is all but 0 or 1:
    // (64, 156, 255) → (40, 86.5, 138.5); (255, 184, 28) → (135.5, 100.5, 25).
    let rgba = probability_rgba(&model, &params, &view, 60, 40);
    let at = |c: usize, r: usize| {
        let i = (r * 60 + c) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    };
    let near = |got: [u8; 4], want: [f64; 3]| {
        got[3] == 255 && (0..3).all(|k| (f64::from(got[k]) - want[k]).abs() <= 1.0)
    };
    assert!(near(at(2, 20), [40.0, 86.5, 138.5]), "{:?}", at(2, 20));
    assert!(near(at(57, 3), [135.5, 100.5, 25.0]), "{:?}", at(57, 3));
    // On x1 = 0 (between columns 29 and 30) p = ½: the mean of the two.
    let mid = [
        (40.0 + 135.5) / 2.0,
        (86.5 + 100.5) / 2.0,
        (138.5 + 25.0) / 2.0,
    ];
    let p = 1.0 / (1.0 + (-10.0 * (0.05f64).tanh()).exp()); // column 30's centre, x1 = 0.05
    let want30 = [
        40.0 + (135.5 - 40.0) * p,
        86.5 + (100.5 - 86.5) * p,
        138.5 + (25.0 - 138.5) * p,
    ];
    assert!(near(at(30, 10), want30), "{:?} vs {want30:?}", at(30, 10));
    assert!(mid[0] > 40.0);
    // Regression models have no regions.
    let lin = linear_spec(false)
        .build_lab(0, Some(&linear_points()))
        .unwrap();
    assert!(
        probability_rgba(&lin, &[1.0, 0.0], &view, 4, 4)
            .iter()
            .all(|&b| b == 0)
    );

    // Drawn: the regions under the points, each point in its class colour.
    let data = DataLayer {
        model: &model,
        points: &points,
        validation: &[],
        highlight: None,
    };
    let raster = |w: usize, h: usize| probability_rgba(&model, &params, &view, w, h);
    let (rgb, rect) = render(&view, &data, &[], Some(&raster));
    for i in 0..4 {
        let (px, py) = to_px(&rect, &view, points.position(i).unwrap());
        let (r, g, b) = CLASS_COLORS[usize::from(points.class(i).unwrap())];
        assert_eq!(pixel(&rgb, px as i32, py as i32), (r, g, b), "point {i}");
    }
    // Away from the points the regions show: left of x1 = 0 bluish, right of it amber.
    let (lx, ly) = to_px(&rect, &view, [-2.5, -0.5]);
    let (rx, ry) = to_px(&rect, &view, [2.5, 0.5]);
    let (l, r) = (
        pixel(&rgb, lx as i32, ly as i32),
        pixel(&rgb, rx as i32, ry as i32),
    );
    assert!(l.2 > l.0 && r.0 > r.2, "{l:?} {r:?}");
}

#[test]
fn clicks_map_to_data_and_back() {
    let points = linear_points();
    let view = data_view(&points);
    // The box of the points (x 0 to 5, y 1 to 8) with 10% margins.
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(view.x_min, -0.5) && close(view.x_max, 5.5));
    assert!(close(view.y_min, 0.3) && close(view.y_max, 8.7));
    let rect: Rect = (62..470, 10..320);
    let port = Viewport::new(rect.clone(), view);
    for p in [[0.0, 1.0], [5.5, 0.3], [2.25, 7.0]] {
        let [x, y] = port.pixel(p);
        let px = (x, y);
        let expected = to_px(&rect, &view, p);
        assert!(
            (px.0 - expected.0).abs() < 1e-9 && (px.1 - expected.1).abs() < 1e-9,
            "{px:?} {expected:?}"
        );
        let q = port.world(x, y);
        assert!(
            close(q[0], p[0]) && close(q[1], p[1]),
            "{p:?} → {px:?} → {q:?}"
        );
    }
    // The plot's corners: x_min at the first column, y_max at the top row.
    assert_eq!(port.world(62.0, 10.0), [view.x_min, view.y_max]);
    // One rule at the border: the plot's edges are on it, a pixel beyond is not.
    assert!(port.contains(62.0, 10.0) && port.contains(470.0, 320.0));
    assert!(!port.contains(61.5, 100.0) && !port.contains(200.0, 320.5));
}

#[test]
fn a_steps_batch_is_ringed_in_its_runs_colour() {
    let points = linear_points();
    let model = linear_spec(false).build_lab(0, Some(&points)).unwrap();
    let view = data_view(&points);
    let mask = vec![false; points.len()];
    let data = |highlight| DataLayer {
        model: &model,
        points: &points,
        validation: &mask,
        highlight,
    };
    let (plain, rect) = render(&view, &data(None), &[], None);
    let (ringed, _) = render(&view, &data(Some((&[1, 3][..], RED))), &[], None);
    // A ring of radius 9 px around points 1 and 3 (and nowhere else): the run's colour on it.
    let on_ring = |rgb: &[u8], i: usize| {
        let (cx, cy) = to_px(&rect, &view, points.position(i).unwrap());
        (0..36).any(|k| {
            let a = f64::from(k) * std::f64::consts::PI / 18.0;
            let (x, y) = (cx + 9.0 * a.cos(), cy + 9.0 * a.sin());
            pixel(rgb, x.round() as i32, y.round() as i32) == (RED.0, RED.1, RED.2)
        })
    };
    for i in 0..points.len() {
        assert!(
            !on_ring(&plain, i),
            "point {i} unringed without a highlight"
        );
        assert_eq!(on_ring(&ringed, i), i == 1 || i == 3, "point {i}");
    }
}
