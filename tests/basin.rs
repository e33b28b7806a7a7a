//! Basin maps as a class reads them: every cell's code round-trips, "diverged" is never the
//! colour of a minimum (at any shade) nor of a settling time, the legend names each colour,
//! and the map carries axes over its start grid with the known minima marked.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::{Label, Probe};
use optiviz::core::compare::{Basin, BasinGrid};
use optiviz::core::surface::{Surface, View};
use optiviz::render::Theme;
use optiviz::render::basin::{
    BasinMode, DIVERGED, ELSEWHERE, MINIMA, NOT_SETTLED, basin_legend, basin_pixels, basin_rgb,
    draw_basin_map,
};
use plotters::prelude::*;
use proptest::prelude::*;
use std::ops::Range;

fn distance(a: [u8; 3], b: [u8; 3]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        .sqrt()
}

#[test]
fn diverged_is_never_the_colour_of_a_minimum_or_a_settling_time() {
    for steps in [2, 500, 1500, 20_000] {
        for at in [1, 2, 10, steps / 2, steps] {
            for index in 0..12 {
                for mode in [BasinMode::Minimum, BasinMode::Steps] {
                    let c = basin_rgb(Basin::Minimum { index, steps: at }, mode, steps);
                    assert!(
                        distance(c, DIVERGED) > 60.0,
                        "{c:?} at {at} of {steps}, {mode:?}"
                    );
                    let e = basin_rgb(Basin::Converged { steps: at }, mode, steps);
                    assert!(distance(e, DIVERGED) > 60.0, "{e:?}");
                }
            }
        }
    }
    let d = basin_rgb(Basin::Diverged { at: 3 }, BasinMode::Minimum, 500);
    assert_eq!(d, DIVERGED);
    assert_eq!(
        basin_rgb(Basin::Diverged { at: 3 }, BasinMode::Steps, 500),
        DIVERGED
    );
    // The minima are told apart from each other and from the other two states.
    for (i, a) in MINIMA.iter().enumerate() {
        for b in &MINIMA[i + 1..] {
            assert!(distance(*a, *b) > 60.0);
        }
        assert!(distance(*a, ELSEWHERE) > 60.0 && distance(*a, NOT_SETTLED) > 60.0);
    }
}

#[test]
fn the_legend_names_every_colour_the_map_uses() {
    let legend = basin_legend(
        &[[3.0, 2.0], [-2.805118, 3.131313]],
        BasinMode::Minimum,
        1500,
    );
    let words: Vec<&str> = legend.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        words,
        [
            "minimum (3, 2)",
            "minimum (−2.805, 3.131)",
            "settled elsewhere",
            "not settled in 1500 steps",
            "diverged"
        ]
    );
    assert_eq!(legend[0].1, MINIMA[0]);
    assert_eq!(legend[4].1, DIVERGED);
    let steps = basin_legend(&[], BasinMode::Steps, 500);
    assert_eq!(steps[0].0, "settled in 1 step");
    assert_eq!(steps[1].0, "settled in 500 steps");
    // The pixels use the legend's colours: a fast minimum-0 cell and a diverged cell.
    let px = basin_pixels(
        &[
            Basin::Minimum { index: 0, steps: 1 }.code(),
            Basin::Diverged { at: 9 }.code(),
        ],
        BasinMode::Minimum,
        1500,
    );
    assert_eq!(&px[..3], &MINIMA[0]);
    assert_eq!(&px[4..7], &DIVERGED);
}

fn any_basin() -> impl Strategy<Value = Basin> {
    prop_oneof![
        (0usize..=250, 0usize..0xFF_FFFF)
            .prop_map(|(index, steps)| Basin::Minimum { index, steps }),
        (0usize..0xFF_FFFF).prop_map(|steps| Basin::Converged { steps }),
        Just(Basin::NotConverged),
        (0usize..0xFF_FFFF).prop_map(|at| Basin::Diverged { at }),
    ]
}

proptest! {
    #[test]
    fn every_cell_code_round_trips(b in any_basin()) {
        prop_assert_eq!(Basin::from_code(b.code()), b);
    }
}

/// The page's background, which the app fills before drawing.
const PAGE: [u8; 3] = [16, 17, 22];
/// The colour the test's stand-in image fills the map's plotting area with.
const FILL: RGBColor = RGBColor(40, 90, 160);

/// A plotting area's pixel columns and rows.
type Rect = (Range<i32>, Range<i32>);

/// A basin map drawn on a `size` canvas over `view` with `minima`, its image a plain
/// [`FILL`]: the pixels, the texts drawn and the plotting area the image was given.
fn basin_map(size: (u32, u32), view: &View, minima: &[[f64; 3]]) -> (Vec<u8>, Vec<Label>, Rect) {
    let mut rgb = PAGE.repeat((size.0 * size.1) as usize);
    let probe = Probe::new(&mut rgb, size, Default::default());
    let labels = probe.labels.clone();
    let area = probe.into_drawing_area();
    let mut given = None;
    let rect = draw_basin_map(&area, view, minima, &Theme::default(), |cols, rows| {
        given = Some((cols.clone(), rows.clone()));
        area.draw(&Rectangle::new(
            [(cols.start, rows.start), (cols.end - 1, rows.end - 1)],
            FILL.filled(),
        ))
        .map_err(optiviz::render::plot::draw_err)
    })
    .expect("the map draws");
    area.present().unwrap();
    drop(area);
    assert_eq!(
        given.as_ref(),
        Some(&rect),
        "the image goes where the axes are"
    );
    let labels = labels.borrow().clone();
    (rgb, labels, rect)
}

#[test]
fn a_basin_map_has_axes_over_its_start_grid_and_the_minima_marked() {
    let surface = Surface::Himmelblau;
    // The page's maps cover the scenario's view widened to the grid's square.
    let view = surface.default_view().fit_aspect(128.0, 128.0);
    for size in [(360, 360), (420, 300), (188, 188)] {
        let (rgb, labels, (cols, rows)) = basin_map(size, &view, &surface.minima());
        let (w, h) = (
            f64::from(cols.end - cols.start),
            f64::from(rows.end - rows.start),
        );
        // The plotting area keeps the view's aspect: square cells.
        let aspect = (view.x_max - view.x_min) / (view.y_max - view.y_min);
        assert!(
            (w / h - aspect).abs() <= 2.0 / w.min(h),
            "{size:?}: {w} × {h}"
        );
        // World point → pixel as the axes and marks are drawn: the view's edges on the
        // plotting area's first and last pixels (plotters' rule; the image spans the whole
        // area, so the two agree within a pixel).
        let px = |x: f64| {
            f64::from(cols.start) + (x - view.x_min) / (view.x_max - view.x_min) * (w - 1.0)
        };
        let py = |y: f64| {
            f64::from(rows.start) + (view.y_max - y) / (view.y_max - view.y_min) * (h - 1.0)
        };

        // Tick labels: numbers under the plot and left of it, each centred on the pixel of its
        // value, at a round step (1, 2 or 5 times a power of ten) between neighbours.
        let centre = |l: &Label| {
            (
                (l.bounds[0] + l.bounds[2]) / 2.0,
                (l.bounds[1] + l.bounds[3]) / 2.0,
            )
        };
        let ticks = |below: bool| -> Vec<(f64, (f64, f64))> {
            labels
                .iter()
                .filter_map(|l| Some((l.text.parse::<f64>().ok()?, centre(l), l)))
                .filter(|(_, _, l)| {
                    if below {
                        l.bounds[1] >= f64::from(rows.end)
                    } else {
                        l.bounds[2] <= f64::from(cols.start)
                    }
                })
                .map(|(v, c, _)| (v, c))
                .collect()
        };
        let round = |vs: &[f64]| {
            let step = vs[1] - vs[0];
            let m = step / 10f64.powf(step.log10().floor());
            vs.windows(2)
                .all(|p| (p[1] - p[0] - step).abs() < 1e-9 * step)
                && [1.0, 2.0, 5.0].iter().any(|r| (m - r).abs() < 1e-9)
        };
        let xs = ticks(true);
        let ys = ticks(false);
        assert!(xs.len() >= 3 && ys.len() >= 3, "{size:?}: {labels:?}");
        for &(v, (cx, _)) in &xs {
            assert!(
                (cx - px(v)).abs() <= 1.5,
                "{size:?}: x label {v} at {cx}, not {}",
                px(v)
            );
        }
        for &(v, (_, cy)) in &ys {
            assert!(
                (cy - py(v)).abs() <= 1.5,
                "{size:?}: y label {v} at {cy}, not {}",
                py(v)
            );
        }
        let xv: Vec<f64> = xs.iter().map(|t| t.0).collect();
        let yv: Vec<f64> = ys.iter().map(|t| t.0).collect();
        assert!(round(&xv) && round(&yv), "{size:?}: {xv:?} {yv:?}");
        assert!(labels.iter().any(|l| l.text == "x") && labels.iter().any(|l| l.text == "y"));

        // The start grid: the start of every cell of a 16 × 16 map lies inside that cell's
        // pixels of the image.
        let grid = BasinGrid {
            view,
            width: 16,
            height: 16,
            steps: 10,
            tol: 1e-6,
        };
        for (col, row) in [(0, 0), (15, 0), (0, 15), (15, 15), (7, 9)] {
            let [x, y] = grid.start(col, row);
            let (cx, cy) = (
                f64::from(cols.start) + (col as f64 + 0.5) * w / 16.0,
                f64::from(rows.start) + (row as f64 + 0.5) * h / 16.0,
            );
            assert!(
                (px(x) - cx).abs() < 1.0 && (py(y) - cy).abs() < 1.0,
                "cell ({col}, {row})"
            );
        }

        // Every minimum is marked with a white ✕ (over a black one) at its pixel: the white
        // pixels within 10 px of it centre on it, each on one of the two diagonals through it.
        let at = |x: i32, y: i32| {
            let i = ((y as u32 * size.0 + x as u32) * 3) as usize;
            [rgb[i], rgb[i + 1], rgb[i + 2]]
        };
        let white = |c: [u8; 3]| c.iter().all(|&v| v > 230);
        for m in surface.minima() {
            let (x, y) = (px(m[0]), py(m[1]));
            let near: Vec<(f64, f64)> = (-10..=10)
                .flat_map(|dy| (-10..=10).map(move |dx| (dx, dy)))
                .map(|(dx, dy)| (x.round() as i32 + dx, y.round() as i32 + dy))
                .filter(|&(i, j)| white(at(i, j)))
                .map(|(i, j)| (f64::from(i) + 0.5, f64::from(j) + 0.5))
                .collect();
            let n = near.len() as f64;
            assert!(n >= 20.0, "{size:?}: minimum {m:?} has {n} white pixels");
            let (cx, cy) = near
                .iter()
                .fold((0.0, 0.0), |(a, b), &(i, j)| (a + i / n, b + j / n));
            assert!(
                (cx - x).hypot(cy - y) <= 2.0,
                "{size:?}: minimum {m:?} at ({x:.1}, {y:.1}), its ✕ at ({cx:.1}, {cy:.1})"
            );
            for &(i, j) in &near {
                let (dx, dy) = (i - cx, j - cy);
                assert!(
                    (dx.abs() - dy.abs()).abs() <= 3.0,
                    "{size:?}: a white pixel off the ✕'s diagonals at ({dx:.1}, {dy:.1})"
                );
            }
        }
        // Outside the plotting area, no image.
        let fill = [FILL.0, FILL.1, FILL.2];
        assert_ne!(at(cols.start - 2, rows.start + 5), fill);
        assert_ne!(at(cols.start + 5, rows.end + 1), fill);
        assert_eq!(at(cols.start + 1, rows.start + 1), fill);
        assert_eq!(at(cols.end - 2, rows.end - 2), fill);
    }
}
