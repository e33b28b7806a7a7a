//! The learning-rate sweep chart as a class reads it: round ticks on its log axes (powers of
//! ten), and each run's divergence marks visible beside the others'.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::Probe;
use optiviz::render::Theme;
use optiviz::render::plot::{SweepAxis, SweepSeries, draw_sweep};
use plotters::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

fn sweep_texts(axis: SweepAxis, runs: &[SweepSeries<'_>]) -> Vec<String> {
    let mut buf = vec![0u8; 640 * 320 * 3];
    let texts = Rc::new(RefCell::new(Vec::new()));
    {
        let area = Probe::new(&mut buf, (640, 320), texts.clone()).into_drawing_area();
        draw_sweep(&area, runs, (1e-5, 1.0), axis, &Theme::default()).unwrap();
    }
    texts.borrow().clone()
}

fn rates() -> Vec<f64> {
    (0..50)
        .map(|k| 10f64.powf(-5.0 + 5.0 * k as f64 / 49.0))
        .collect()
}

/// Every tick label of a log axis is a round number: 1, 2 or 5 times a power of ten.
fn round(label: &str) -> bool {
    let v: f64 = label.parse().unwrap_or(f64::NAN);
    let m = v / 10f64.powf(v.log10().floor());
    v > 0.0 && [1.0, 2.0, 5.0].iter().any(|r| (m - r).abs() < 1e-9)
}

#[test]
fn log_axes_get_round_ticks() {
    let lrs = rates();
    // Steps to tolerance from 150 to 2000: two decades, ticked 100, 200, 500, 1000, 2000.
    let steps: Vec<(f64, Option<f64>)> = lrs
        .iter()
        .map(|&lr| (lr, (lr < 0.2).then(|| (30.0 / lr).clamp(150.0, 2000.0))))
        .collect();
    let run = |points| SweepSeries {
        color: RGBColor(255, 0, 0),
        points,
        current: 0.01,
    };
    let texts = sweep_texts(SweepAxis::Steps(2000), &[run(&steps)]);
    let y: Vec<&String> = texts.iter().skip(2).filter(|t| !t.contains('e')).collect();
    assert!(y.len() >= 3 && y.iter().all(|t| round(t)), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t == "316" || t == "3162"),
        "{texts:?}"
    );
    // Final losses over many decades: powers of ten only.
    let losses: Vec<(f64, Option<f64>)> = lrs
        .iter()
        .map(|&lr| (lr, (lr < 0.2).then(|| (1.0 / (1.0 + 1000.0 * lr)).powi(3))))
        .collect();
    let texts = sweep_texts(SweepAxis::FinalLoss, &[run(&losses)]);
    assert!(
        texts.iter().skip(2).all(|t| t.starts_with("1e")),
        "{texts:?}"
    );
}

/// Two runs diverging at the same rates: each one's crosses stay visible (they were drawn on
/// one row, the last run's over the others').
#[test]
fn each_runs_divergence_marks_stay_visible() {
    let lrs = rates();
    let pts: Vec<(f64, Option<f64>)> = lrs
        .iter()
        .map(|&lr| (lr, (lr < 0.1).then(|| 1.0 / (1.0 + lr))))
        .collect();
    let (w, h) = (640u32, 320u32);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    let texts = Rc::new(RefCell::new(Vec::new()));
    let frame = {
        let area = Probe::new(&mut buf, (w, h), texts).into_drawing_area();
        let runs = [
            SweepSeries {
                color: RGBColor(255, 0, 0),
                points: &pts,
                current: 0.01,
            },
            SweepSeries {
                color: RGBColor(0, 0, 255),
                points: &pts,
                current: 0.01,
            },
        ];
        draw_sweep(
            &area,
            &runs,
            (1e-5, 1.0),
            SweepAxis::FinalLoss,
            &Theme::default(),
        )
        .unwrap()
    };
    // The top eighth of the plot, right of the rates that did not diverge.
    let (x0, _) = frame.pixel(0.12, 1.0);
    let rows = frame.rows.start..frame.rows.start + (frame.rows.end - frame.rows.start) / 8;
    let count = |c: [u8; 3]| {
        rows.clone()
            .flat_map(|y| (x0 as i32..frame.cols.end).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let i = ((y as u32 * w + x as u32) * 3) as usize;
                buf[i..i + 3] == c
            })
            .count()
    };
    assert!(count([255, 0, 0]) > 20, "run 1's crosses are hidden");
    assert!(count([0, 0, 255]) > 20, "run 2's crosses are hidden");
}
