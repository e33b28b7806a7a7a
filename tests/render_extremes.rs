//! Drawing at the edges of what can be shown: axes whose width overflows or vanishes, and
//! charts of runs that flew to ±1e308. Before issue 12's fix, plotters' tick search never
//! returned on such ranges and froze the page; here every draw either finishes or says why.
//!
//! As in `tests/render3d.rs`, plotters has no font here, so every render goes through a
//! backend that forwards shapes to a `BitMapBackend` and records text (`tests/probe`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::Probe;
use optiviz::core::surface::View;
use optiviz::error::Error;
use optiviz::render::lab::landscape_view;
use optiviz::render::{Line, MetricSeries, Theme, draw_metric, draw_surface_layer};
use plotters::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

const SIZE: (u32, u32) = (320, 240);

/// Draws with `draw` into a fresh probe and returns its result and the texts it wrote.
fn render(
    draw: impl FnOnce(&DrawingArea<Probe<'_>, plotters::coord::Shift>) -> Result<(), Error>,
) -> (Result<(), Error>, Vec<String>) {
    let mut buf = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    let texts = Rc::new(RefCell::new(Vec::new()));
    let result = {
        let area = Probe::new(&mut buf, SIZE, texts.clone()).into_drawing_area();
        draw(&area)
    };
    let texts = texts.borrow().clone();
    (result, texts)
}

#[test]
fn a_view_no_axis_can_show_is_an_error_not_a_hang() {
    for view in [
        View::new(-1e308, 1e308, -1.0, 1.0),
        View::new(0.0, 5e-324, 0.0, 5e-324),
        View::new(f64::NAN, 1.0, 0.0, 1.0),
    ] {
        let (result, _) =
            render(|area| draw_surface_layer(area, &view, &[], &[], &Theme::default()));
        let e = result.unwrap_err().to_string();
        assert!(e.starts_with("cannot draw an axis from"), "{view:?}: {e}");
    }
    // The widest and the narrowest views a link may carry are drawn, with tick labels.
    for view in [
        View::new(-1e6, 1e6, -1e6, 1e6),
        View::new(999_999.999, 1e6, 0.0, 1e-9),
    ] {
        assert!(view.is_workable());
        let (result, texts) =
            render(|area| draw_surface_layer(area, &view, &[], &[], &Theme::default()));
        assert_eq!(result, Ok(()), "{view:?}");
        assert!(texts.len() > 4, "{view:?}: ticks {texts:?}");
    }
}

#[test]
fn a_chart_of_runs_at_plus_and_minus_1e308_is_drawn() {
    // The saddle's loss falls without bound: a run's last finite losses can be −1e308, and
    // another's +1e308, so the linear axis's width would be ∞.
    let down = [0.0, -1e10, -1e308];
    let up = [0.0, 1e10, 1e308];
    let tiny = [5e-324, 5e-324];
    for values in [&down[..], &up[..], &tiny[..]] {
        let series = [
            MetricSeries {
                label: "1",
                color: RGBColor(255, 0, 0),
                values,
                line: Line::Solid,
                mark: None,
                diverged_at: None,
            },
            MetricSeries {
                label: "2",
                color: RGBColor(0, 0, 255),
                values: &down,
                line: Line::Solid,
                mark: None,
                diverged_at: None,
            },
        ];
        let (result, texts) =
            render(|area| draw_metric(area, &series, "loss", 10, 2, &Theme::default()));
        assert_eq!(result, Ok(()), "{values:?}");
        assert!(texts.iter().any(|t| t == "step"), "{texts:?}");
    }
}

#[test]
fn the_lab_fits_its_landscape_to_what_can_be_shown() {
    use optiviz::core::model::{ModelSpec, Training};
    let model = ModelSpec::Linear {
        n: 10,
        slope: 2.0,
        intercept: 1.0,
        noise: 0.5,
        scale_features: false,
    }
    .build_lab(0, None)
    .unwrap();
    // A run that flew to 1e300 before diverging.
    let flown = Training {
        params: vec![
            vec![0.0, 0.0],
            vec![1e300, -1e300],
            vec![f64::INFINITY, 0.0],
        ],
        batch_loss: vec![1.0, 1e300, f64::INFINITY],
        full_loss: vec![1.0, 1e300, f64::INFINITY],
        val_loss: None,
        epochs: vec![0, 1, 2],
        diverged_at: Some(2),
        best_val_step: None,
    };
    let view = landscape_view(&model, &[flown], (0, 1));
    assert!(view.is_workable(), "{view:?}");
}

/// The y tick labels of a chart's texts (those in `{:.0e}` form on a log axis).
fn exponents(texts: &[String]) -> Vec<i32> {
    texts
        .iter()
        .filter_map(|t| t.split_once('e').and_then(|(_, e)| e.parse().ok()))
        .collect()
}

fn series<'a>(values: &'a [f64], diverged_at: Option<usize>) -> MetricSeries<'a> {
    MetricSeries {
        label: "run",
        color: RGBColor(255, 0, 0),
        values,
        line: Line::Solid,
        mark: None,
        diverged_at,
    }
}

#[test]
fn the_loss_axis_stays_logarithmic_when_a_run_reaches_exactly_zero() {
    // Newton on Rosenbrock lands on the minimum: its loss is exactly 0 from some step on.
    let adam = [24.2, 10.0, 1.0, 0.1, 0.01];
    let newton = [24.2, 4.0, 1e-3, 0.0, 0.0];
    let (result, texts) = render(|area| {
        draw_metric(
            area,
            &[series(&adam, None), series(&newton, None)],
            "loss",
            4,
            4,
            &Theme::default(),
        )
    });
    assert_eq!(result, Ok(()));
    assert!(texts.iter().any(|t| t == "loss (log scale)"), "{texts:?}");
    // The axis reaches down to the floor the zeros sit on.
    assert!(exponents(&texts).iter().any(|&e| e <= -10), "{texts:?}");
}

#[test]
fn the_loss_axis_follows_the_runs_that_stay_finite() {
    let calm = [10.0, 5.0, 2.0, 1.0, 0.5];
    // Shoots off to 1e200, then diverges at step 4.
    let wild = [10.0, 1e10, 1e100, 1e200];
    let (result, texts) = render(|area| {
        draw_metric(
            area,
            &[series(&calm, None), series(&wild, Some(4))],
            "loss",
            4,
            4,
            &Theme::default(),
        )
    });
    assert_eq!(result, Ok(()));
    let e = exponents(&texts);
    assert!(
        !e.is_empty() && e.iter().all(|&e| e <= 2),
        "ticks {texts:?}"
    );
    // A run growing a thousandfold that has not diverged yet runs away just the same.
    let growing = [10.0, 1e3, 1e6, 1e9, 1e12];
    let (_, texts) = render(|area| {
        draw_metric(
            area,
            &[series(&calm, None), series(&growing, None)],
            "loss",
            4,
            4,
            &Theme::default(),
        )
    });
    let e = exponents(&texts);
    assert!(
        !e.is_empty() && e.iter().all(|&e| e <= 2),
        "ticks {texts:?}"
    );
    // Without the calm run, the wild one sets the axis.
    let (_, texts) = render(|area| {
        draw_metric(
            area,
            &[series(&wild, Some(4))],
            "loss",
            4,
            4,
            &Theme::default(),
        )
    });
    assert!(exponents(&texts).iter().any(|&e| e >= 100), "{texts:?}");
}

/// A story at step 0: one value per run, so the axis spans less than a decade. Its tick
/// labels are round and never repeat (plotters' own ticks printed 3e0 twice).
#[test]
fn log_tick_labels_are_round_and_distinct() {
    for values in [&[2.25][..], &[2.25, 1.9, 1.7][..], &[100.0, 1e-3][..]] {
        let (result, texts) = render(|area| {
            draw_metric(
                area,
                &[series(values, None)],
                "loss",
                300,
                0,
                &Theme::default(),
            )
        });
        assert_eq!(result, Ok(()));
        // Tick labels: one digit, then "e" and an exponent.
        let labels: Vec<&String> = texts
            .iter()
            .filter(|t| {
                t.split_once('e')
                    .is_some_and(|(m, e)| m.parse::<u8>().is_ok() && e.parse::<i32>().is_ok())
            })
            .collect();
        assert!(labels.len() >= 2, "{texts:?}");
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{texts:?}");
        assert!(
            labels
                .iter()
                .all(|l| l.split('e').next().unwrap().len() == 1),
            "{texts:?}"
        );
    }
}

#[test]
fn a_faint_line_follows_the_axis_the_others_set() {
    // A single sample's loss (faint) plunges to 1e-8 while the full loss stays near 1: the
    // axis is the full loss's, and the faint line far below it changes no pixel.
    let full = [10.0, 3.0, 1.2, 1.1, 1.1];
    let below = [1e-6, 1e-7, 1e-8, 1e-7];
    let faint = MetricSeries {
        line: Line::Faint,
        ..series(&below, None)
    };
    let draw = |runs: &[MetricSeries<'_>]| {
        let mut buf = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
        let texts = Rc::new(RefCell::new(Vec::new()));
        let result = {
            let area = Probe::new(&mut buf, SIZE, texts.clone()).into_drawing_area();
            draw_metric(&area, runs, "loss", 4, 4, &Theme::default())
        };
        assert_eq!(result, Ok(()));
        let texts = texts.borrow().clone();
        (buf, texts)
    };
    let (alone, alone_texts) = draw(&[series(&full, None)]);
    let (with, with_texts) = draw(&[series(&full, None), faint]);
    assert_eq!(with_texts, alone_texts);
    assert!(with == alone, "the faint line below the axis is left out");
    // Alone, a faint line sets the axis itself.
    let (_, texts) = draw(&[faint]);
    assert!(exponents(&texts).iter().any(|&e| e <= -7), "{texts:?}");
}
