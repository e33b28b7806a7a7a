//! Every chart's text as a class reads it: no tick label, title or legend entry runs off its
//! canvas or lies over another, at the canvas sizes the pages use (at 1280 × 720, 1920 × 1080
//! and a 390 × 844 phone, normal and Large text), at one and two device pixels per CSS pixel,
//! and with the labels that are long to write (`1e-12`, `-1000`, `1e200`, `20000`).
//!
//! Text goes through the test probe (`tests/probe`), which records each text with the box it
//! covers, measured as a browser's canvas would draw it in a wide sans-serif face: every
//! character 0.64 em wide, a line 1.2 em high. The charts measure their text through the same
//! backend, so the probe checks the layout they make of what they measure: the labels'
//! places (left to plotters, or placed by the 3D view), the room left for them, the titles
//! chosen. A second measure, 0.5 em a character, checks that the layout follows the text
//! rather than suiting one font.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::{Label, Probe};
use optiviz::core::model::{ModelSpec, Points};
use optiviz::core::surface::{Surface, View};
use optiviz::error::Error;
use optiviz::render::basin::draw_basin_map;
use optiviz::render::lab::{DataLayer, FitSeries, data_view, draw_data_view};
use optiviz::render::plot::{
    SweepAxis, SweepSeries, draw_plane_layer, draw_rate_map, draw_sweep, surface_frame,
};
use optiviz::render::{
    Camera, Field, Line, MetricSeries, Theme, TrajectorySeries, draw_metric, draw_surface_3d,
    draw_surface_layer,
};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The text sizes and densities checked: normal and Large text, at 1 and 2 device pixels per
/// CSS pixel.
fn themes() -> Vec<Theme> {
    let mut out = Vec::new();
    for font_px in [13.0, 18.0] {
        for dpr in [1.0, 2.0] {
            out.push(Theme {
                dpr,
                font_px,
                ..Theme::default()
            });
        }
    }
    out
}

/// Square canvases, in CSS pixels: the surface plot at 1280 × 720 (with a comparison open, and
/// at Large text), 1920 × 1080 and on the phone.
const SURFACE: [u32; 5] = [320, 350, 372, 451, 886];
/// The loss chart's and the 3D view's canvases (and the rate map's, beside them).
const CHART: [(u32, u32); 5] = [(354, 266), (372, 279), (383, 288), (640, 480), (752, 564)];
/// The sweep's canvases.
const SWEEP: [(u32, u32); 5] = [(354, 177), (372, 186), (383, 192), (640, 320), (752, 376)];
/// The basin maps' canvases (two side by side).
const BASIN: [u32; 5] = [172, 178, 188, 316, 371];
/// The lab's landscape and data views, and its chart.
const LAB_SQUARE: [u32; 3] = [372, 432, 752];
const LAB_CHART: [(u32, u32); 3] = [(372, 279), (875, 350), (1515, 606)];

/// Draws with `draw` on a canvas of `css` CSS pixels at `theme`'s density, measuring a
/// character as `em` em, and returns the texts drawn with their boxes and the canvas size.
fn texts(
    css: (u32, u32),
    theme: &Theme,
    em: f64,
    draw: impl FnOnce(&DrawingArea<Probe<'_>, Shift>) -> Result<(), Error>,
) -> (Vec<Label>, (u32, u32)) {
    let size = (
        (f64::from(css.0) * theme.dpr) as u32,
        (f64::from(css.1) * theme.dpr) as u32,
    );
    let mut buf = vec![0u8; (size.0 * size.1 * 3) as usize];
    let mut probe = Probe::new(&mut buf, size, Default::default());
    probe.em_per_char = em;
    let labels = probe.labels.clone();
    {
        let area = probe.into_drawing_area();
        draw(&area).unwrap_or_else(|e| panic!("{css:?} {theme:?}: {e}"));
    }
    let labels = labels.borrow().clone();
    (labels, size)
}

/// Every text lies within the canvas and clear of every other.
fn assert_clear(what: &str, labels: &[Label], size: (u32, u32)) {
    assert!(!labels.is_empty(), "{what}: no text");
    for l in labels {
        assert!(
            l.inside(size, 0.5),
            "{what}: {:?} at {:?} leaves the {size:?} canvas",
            l.text,
            l.bounds
        );
    }
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !a.overlaps(b, 0.0),
                "{what}: {:?} at {:?} overlaps {:?} at {:?}",
                a.text,
                a.bounds,
                b.text,
                b.bounds
            );
        }
    }
}

/// Checks `draw` at every size of `sizes` and every theme, with both measures.
fn check(
    what: &str,
    sizes: &[(u32, u32)],
    draw: impl Fn(&DrawingArea<Probe<'_>, Shift>, &Theme) -> Result<(), Error>,
) {
    for &css in sizes {
        for theme in themes() {
            for em in [Probe::EM_PER_CHAR, 0.5] {
                let (labels, size) = texts(css, &theme, em, |area| draw(area, &theme));
                let what = format!("{what} on {css:?}, {theme:?}, {em} em");
                assert_clear(&what, &labels, size);
            }
        }
    }
}

fn squares(sides: &[u32]) -> Vec<(u32, u32)> {
    sides.iter().map(|&s| (s, s)).collect()
}

#[test]
fn the_surface_plots_axes() {
    let views = [
        Surface::Rosenbrock.default_view(),
        Surface::Himmelblau.default_view(),
        // Long labels: a view a link may carry, thousands wide and off-centre.
        View::new(-1000.0, 250.0, -1500.0, 20.0),
        View::new(-1e6, 1e6, -1e6, 1e6),
        View::new(0.0001, 0.0003, -0.0002, 0.0),
    ];
    for base in views {
        check(
            &format!("surface {base:?}"),
            &squares(&SURFACE),
            |area, theme| {
                let frame = surface_frame(area, &base, theme)?;
                draw_surface_layer(area, &frame.view, &[], &[], theme)
            },
        );
    }
}

fn series<'a>(values: &'a [f64], line: Line, diverged_at: Option<usize>) -> MetricSeries<'a> {
    MetricSeries {
        label: "run",
        color: RGBColor(255, 0, 0),
        values,
        line,
        mark: None,
        diverged_at,
    }
}

#[test]
fn the_loss_and_gradient_charts() {
    // Newton reaching exactly 0 (the axis down to 1e-12) beside Adam; a run shooting off to
    // 1e200; a loss falling below zero to -1000 (a linear axis).
    let adam: Vec<f64> = (0..=1500).map(|k| 24.0 * 0.99f64.powi(k)).collect();
    let newton: Vec<f64> = (0..=1500)
        .map(|k| if k < 6 { 24.0 / 10f64.powi(k) } else { 0.0 })
        .collect();
    let wild = [10.0, 1e10, 1e100, 1e200];
    let saddle: Vec<f64> = (0..=300).map(|k| -(k as f64).powi(2) / 90.0).collect();
    let cases: [(&str, Vec<MetricSeries<'_>>, usize); 4] = [
        (
            "loss",
            vec![
                series(&adam, Line::Solid, None),
                series(&newton, Line::Solid, None),
            ],
            1500,
        ),
        (
            "gradient norm",
            vec![
                series(&adam, Line::Solid, None),
                series(&wild, Line::Dashed, Some(4)),
            ],
            20000,
        ),
        ("loss", vec![series(&saddle, Line::Solid, None)], 300),
        ("loss", vec![series(&[2.25], Line::Solid, None)], 1),
    ];
    for (name, runs, steps) in &cases {
        check(&format!("{name} chart"), &CHART, |area, theme| {
            draw_metric(area, runs, name, *steps, *steps / 2, theme)
        });
        check(&format!("lab {name} chart"), &LAB_CHART, |area, theme| {
            draw_metric(area, runs, name, *steps, *steps / 2, theme)
        });
    }
}

#[test]
fn the_learning_rate_sweep() {
    let lrs: Vec<f64> = (0..50)
        .map(|k| 10f64.powf(-5.0 + 5.0 * f64::from(k) / 49.0))
        .collect();
    // Final losses over thirty decades; steps to tolerance up to 20000.
    let losses: Vec<(f64, Option<f64>)> = lrs
        .iter()
        .map(|&lr| (lr, (lr < 0.2).then(|| (1e-3 / lr).powi(6).max(1e-30))))
        .collect();
    let steps: Vec<(f64, Option<f64>)> = lrs
        .iter()
        .map(|&lr| (lr, (lr < 0.2).then(|| (30.0 / lr).clamp(3.0, 20000.0))))
        .collect();
    for (axis, points) in [
        (SweepAxis::FinalLoss, &losses),
        (SweepAxis::Steps(20000), &steps),
    ] {
        let runs = [SweepSeries {
            color: RGBColor(255, 0, 0),
            points,
            current: 0.01,
        }];
        check(&format!("sweep {axis:?}"), &SWEEP, |area, theme| {
            draw_sweep(area, &runs, (1e-5, 1.0), axis, theme).map(|_| ())
        });
    }
}

#[test]
fn the_momentum_rate_map() {
    check("rate map", &CHART, |area, theme| {
        draw_rate_map(
            area,
            (1e-4, 2.0),
            (0.0, 0.99),
            &[(0.01, 0.9, RGBColor(255, 0, 0))],
            (0.05, 0.6),
            theme,
            |_, _| Ok(()),
        )
    });
}

#[test]
fn the_basin_maps() {
    for surface in [Surface::Himmelblau, Surface::Rosenbrock] {
        let view = surface.default_view().fit_aspect(128.0, 128.0);
        check(
            &format!("basin map of {surface:?}"),
            &squares(&BASIN),
            |area, theme| {
                draw_basin_map(area, &view, &surface.minima(), theme, |_, _| Ok(())).map(|_| ())
            },
        );
    }
}

#[test]
fn the_3d_view() {
    let path = [[-1.2, 1.0], [-0.5, 0.3], [0.0, 0.0], [1.0, 1.0]];
    let runs = [
        TrajectorySeries {
            label: "1 · Gradient descent η=0.001",
            color: RGBColor(255, 82, 82),
            points: &path,
            diverged: false,
            arrows: None,
        },
        TrajectorySeries {
            label: "2 · Adam η=0.05",
            color: RGBColor(0, 209, 255),
            points: &path,
            diverged: false,
            arrows: None,
        },
    ];
    let cameras = [
        Camera::default(),
        Camera {
            yaw: 2.4,
            pitch: 0.25,
            scale: 1.0,
        },
        Camera {
            yaw: -0.3,
            pitch: 1.2,
            scale: 1.0,
        },
    ];
    for surface in [Surface::Rosenbrock, Surface::Himmelblau] {
        let field = Field::new(surface.clone(), surface.default_view());
        for camera in cameras {
            check(
                &format!("3D {surface:?} {camera:?}"),
                &CHART,
                |area, theme| draw_surface_3d(area, &field, &runs, camera, theme),
            );
        }
    }
}

#[test]
fn the_labs_views() {
    let linear = ModelSpec::Linear {
        n: 30,
        slope: -250.0,
        intercept: 1000.0,
        noise: 40.0,
        scale_features: false,
    };
    let logistic = ModelSpec::Logistic {
        n: 40,
        separation: 3.0,
        noise: 0.5,
        shape: optiviz::core::model::data::ClassShape::Blobs,
        loss: optiviz::core::model::ClassLoss::CrossEntropy,
    };
    for spec in [linear, logistic] {
        let points: Points = spec.generate(1).unwrap();
        let model = spec.build_lab(1, Some(&points)).unwrap();
        let mask = spec.validation_mask(1, points.len());
        let view = data_view(&points);
        let data = DataLayer {
            model: &model,
            points: &points,
            validation: &mask,
            highlight: None,
        };
        let params = vec![0.5; 3];
        let fits = [FitSeries {
            color: RGBColor(255, 0, 0),
            params: &params,
        }];
        check("lab data view", &squares(&LAB_SQUARE), |area, theme| {
            draw_data_view(area, &view, &data, &fits, theme)
        });
    }
    // The landscape over two parameters, a wide view about a large intercept.
    let base = View::new(-400.0, 100.0, 900.0, 1100.0);
    check("lab landscape", &squares(&LAB_SQUARE), |area, theme| {
        let frame = surface_frame(area, &base, theme)?;
        draw_plane_layer(area, &frame.view, ("w", "b"), &[], &[], theme)
    });
}

#[test]
fn the_surface_plots_view_fills_its_frame_with_square_pixels() {
    // The room the labels take depends on the view, and the view drawn is the scenario's
    // widened to the room left: surface_frame settles the two, so the heatmap put in the
    // frame's rectangle, the axes drawn over it and the clicks mapped through it agree, and a
    // unit of x takes as many pixels as a unit of y.
    let bases = [
        Surface::Rosenbrock.default_view(),
        View::new(-1000.0, 250.0, -1500.0, 20.0),
        View::new(0.0001, 0.0003, -0.0002, 0.0),
        View::new(-3.0, 3.0, 999.0, 1001.0),
    ];
    for base in bases {
        for side in SURFACE {
            for theme in themes() {
                texts((side, side), &theme, Probe::EM_PER_CHAR, |area| {
                    let frame = surface_frame(area, &base, &theme)?;
                    let (w, h) = (frame.cols.len() as f64, frame.rows.len() as f64);
                    let (v, b) = (frame.view, base);
                    // The view holds the scenario's, widened along one side only.
                    assert!(v.x_min <= b.x_min && v.x_max >= b.x_max, "{v:?} {b:?}");
                    assert!(v.y_min <= b.y_min && v.y_max >= b.y_max, "{v:?} {b:?}");
                    let px_x = w / (v.x_max - v.x_min);
                    let px_y = h / (v.y_max - v.y_min);
                    assert!(
                        (px_x / px_y - 1.0).abs() < 0.01,
                        "{base:?} on {side}, {theme:?}: {px_x} and {px_y} pixels per unit"
                    );
                    draw_surface_layer(area, &frame.view, &[], &[], &theme)
                });
            }
        }
    }
}
