//! The step overlay for adaptive methods (issue 14): the numbers of each coordinate's scaling
//! (the accumulated squares, the denominator, the rate η/dᵢ and the scaled gradient step),
//! derived by hand for Adam's first steps on a bowl and checked against each rule for every
//! adaptive optimizer; and the bars that draw them, found where they belong on a rendered plot.
#![cfg(not(target_arch = "wasm32"))]
// The checks index the two coordinates across several arrays at once.
#![allow(clippy::needless_range_loop)]

use optiviz::core::explain::{Scaling, explain, scaling_at};
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{RunSpec, simulate};
use optiviz::core::surface::{Surface, View};
use optiviz::render::viewport::Viewport;
use optiviz::render::{StepArrows, Theme, TrajectorySeries, draw_trajectories};
use plotters::prelude::*;

fn spec(kind: OptimizerKind, values: &[(&str, f64)]) -> RunSpec {
    RunSpec::from(
        values
            .iter()
            .try_fold(RunConfig::new(kind), |c, &(n, v)| c.with(n, v))
            .unwrap(),
    )
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

const BOWL: Surface = Surface::Bowl {
    condition: 10.0,
    angle: 0.0,
};

/// Adam (η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8) on f = ½(x² + 10y²) from (2, 1), where
/// ∇f = (x, 10y), by hand.
///
/// Step 1: g = (2, 10); m = 0.1·g = (0.2, 1); v = 0.001·g² = (0.004, 0.1); 1 − β₁ = 0.1 and
/// 1 − β₂ = 0.001, so m̂ = (2, 10) and v̂ = (4, 100): √v̂ = (2, 10) = |g|, and Adam's first
/// step moves every coordinate by η whatever its gradient: rate η/dᵢ = (0.05, 0.01), the
/// scaled step −(η/dᵢ)gᵢ = (−0.1, −0.1) against the plain −ηg = (−0.2, −1).
///
/// Step 2 from θ₁ ≈ (1.9, 0.9): g ≈ (1.9, 9); m = 0.9·(0.2, 1) + 0.1·g ≈ (0.37, 1.8);
/// v = 0.999·(0.004, 0.1) + 0.001·g² ≈ (0.007606, 0.1809); 1 − β₁² = 0.19,
/// 1 − β₂² = 0.001999; v̂ ≈ (3.80490, 90.4952), √v̂ ≈ (1.95061, 9.51290), η/dᵢ ≈ (0.0512660,
/// 0.0105120): the steep y coordinate keeps a rate five times smaller than x's.
#[test]
fn adams_first_steps_on_a_bowl_by_hand() {
    let s = spec(
        OptimizerKind::Adam,
        &[("lr", 0.1), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)],
    );
    let start = [2.0, 1.0];
    let one = scaling_at(&BOWL, &s, start, 1).unwrap().unwrap();
    assert_eq!(one.symbol, "v̂");
    assert_eq!(one.lr, 0.1);
    for i in 0..2 {
        let g = [2.0, 10.0][i];
        let what = |name: &str| format!("step 1, {name} of coordinate {i}");
        assert_close(one.accumulated[i], g * g, &what("v̂"));
        assert_close(one.denominator[i], g + 1e-8, &what("d"));
        assert_close(one.rate[i], 0.1 / (g + 1e-8), &what("η/d"));
        assert_close(one.scaled[i], -0.1 * g / (g + 1e-8), &what("scaled step"));
    }
    // The hand figures, rounded: v̂ = (4, 100), η/dᵢ = (0.05, 0.01), both coordinates −0.1.
    assert!((one.rate[0] - 0.05).abs() < 1e-9 && (one.rate[1] - 0.01).abs() < 1e-9);
    assert!(one.scaled.iter().all(|q| (q + 0.1).abs() < 1e-9));

    // Step 2, from θ₁ as the first step left it (ε included, so not exactly (1.9, 0.9)).
    let theta1 = [
        2.0 - 0.1 * 2.0 / (2.0 + 1e-8),
        1.0 - 0.1 * 10.0 / (10.0 + 1e-8),
    ];
    let g2 = [theta1[0], 10.0 * theta1[1]];
    let two = scaling_at(&BOWL, &s, start, 2).unwrap().unwrap();
    let e = explain(&BOWL, &s, start, 2).unwrap();
    assert_eq!(
        e.scaling.as_ref(),
        Some(&two),
        "explain and scaling_at agree"
    );
    let (bc1, bc2) = (1.0 - 0.9 * 0.9, 1.0 - 0.999 * 0.999);
    for i in 0..2 {
        let g1: f64 = [2.0, 10.0][i];
        let m = 0.9 * (0.1 * g1) + 0.1 * g2[i];
        let v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2[i] * g2[i];
        let v_hat = v / bc2;
        let d = v_hat.sqrt() + 1e-8;
        let what = |name: &str| format!("step 2, {name} of coordinate {i}");
        assert_close(two.accumulated[i], v_hat, &what("v̂"));
        assert_close(two.denominator[i], d, &what("d"));
        assert_close(two.rate[i], 0.1 / d, &what("η/d"));
        assert_close(two.scaled[i], -0.1 / d * g2[i], &what("scaled step"));
        // The update has m̂ where the scaled step has g.
        let update = e.theta_after[i] - e.theta_before[i];
        assert!(
            (update - -0.1 * (m / bc1) / d).abs() < 1e-12,
            "{}: {update}",
            what("update")
        );
    }
    // The hand figures, rounded.
    let want_v_hat = [3.80490, 90.4952];
    let want_rate = [0.0512660, 0.0105120];
    for i in 0..2 {
        assert!((two.accumulated[i] / want_v_hat[i] - 1.0).abs() < 1e-5);
        assert!((two.rate[i] / want_rate[i] - 1.0).abs() < 1e-5);
    }
}

/// Each rule's rate, checked against the update it gives: where the rule moves each
/// coordinate by its rate times the gradient (AdaGrad, RMSprop without momentum, Adadelta),
/// the scaled step is the update itself; for Adam it is the update with m̂ replaced by g.
#[test]
fn every_adaptive_rule_reports_the_rate_its_update_used() {
    let start = [-1.0, 1.0];
    let surface = Surface::Himmelblau;
    let kinds = [
        (OptimizerKind::Adagrad, 0.1, "s"),
        (OptimizerKind::Rmsprop, 0.01, "v"),
        (OptimizerKind::Adadelta, 1.0, "v"),
        (OptimizerKind::Adam, 0.05, "v̂"),
        (OptimizerKind::Amsgrad, 0.05, "v̂"),
        (OptimizerKind::Adamw, 0.05, "v̂"),
        (OptimizerKind::Adamax, 0.05, "u"),
        (OptimizerKind::Nadam, 0.05, "v̂"),
        (OptimizerKind::Radam, 0.05, "v̂"),
    ];
    for (kind, lr, symbol) in kinds {
        let s = spec(kind, &[("lr", lr)]);
        let t = simulate(&surface, &s, start, 30).unwrap();
        for k in [1, 2, 10, 30] {
            let e = explain(&surface, &s, start, k).unwrap();
            let got = scaling_at(&surface, &s, start, k).unwrap();
            assert_eq!(got, e.scaling, "{} step {k}", kind.id());
            // RAdam takes plain momentum steps until ρₜ > 5 (t = 6 at β₂ = 0.999).
            let Some(sc) = got else {
                assert!(
                    kind == OptimizerKind::Radam && k < 6,
                    "{} step {k}",
                    kind.id()
                );
                continue;
            };
            assert_eq!(sc.symbol, symbol, "{}", kind.id());
            assert_eq!(sc.lr, e.lr);
            for i in 0..2 {
                let what = format!("{} step {k} coordinate {i}", kind.id());
                assert_close(sc.rate[i] * sc.denominator[i], e.lr, &what);
                assert_close(sc.scaled[i], -sc.rate[i] * e.grad[i], &what);
                let update = t.points[k][i] - t.points[k - 1][i];
                if matches!(
                    kind,
                    OptimizerKind::Adagrad | OptimizerKind::Rmsprop | OptimizerKind::Adadelta
                ) {
                    assert!(
                        (sc.scaled[i] - update).abs() <= 1e-12 * update.abs().max(1e-12),
                        "{what}: scaled {} against update {update}",
                        sc.scaled[i]
                    );
                }
            }
            // The explanation's own "effective step size" lines carry the same rates.
            let effective = e.text.matches("effective step size").count();
            if kind != OptimizerKind::Adadelta {
                assert_eq!(effective, 2, "{}: {}", kind.id(), e.text);
            }
        }
    }
    // The methods that do not scale coordinates have none.
    for kind in [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Lion,
        OptimizerKind::Newton,
    ] {
        let s = spec(kind, &[("lr", 1e-3)]);
        assert_eq!(
            scaling_at(&surface, &s, start, 3).unwrap(),
            None,
            "{kind:?}"
        );
    }
}

const SIZE: (u32, u32) = (400, 400);
const ORANGE: RGBColor = RGBColor(255, 149, 0);

/// Draws one run whose head is at (1, 1) with `arrows` on a plot of (−2, 2)², and returns
/// the pixels and where the plot put a world point.
fn draw(arrows: StepArrows) -> (Vec<u8>, impl Fn([f64; 2]) -> (i32, i32)) {
    let view = View::new(-2.0, 2.0, -2.0, 2.0);
    let theme = Theme::default();
    let mut buf = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    let rect = {
        let area = BitMapBackend::with_buffer(&mut buf, SIZE).into_drawing_area();
        let rect = optiviz::render::plot::surface_plot_rect(&area, &view, &theme).unwrap();
        let points = [[1.5, 1.6], [1.0, 1.0]];
        let series = [TrajectorySeries {
            label: "Adam",
            color: ORANGE,
            points: &points,
            diverged: false,
            arrows: Some(arrows),
        }];
        draw_trajectories(&area, &view, [-1.8, -1.8], &series, &theme).unwrap();
        area.present().unwrap();
        rect
    };
    let port = Viewport::new(rect, view);
    (buf, move |p| {
        let [x, y] = port.pixel(p);
        (x.round() as i32, y.round() as i32)
    })
}

fn rgb(buf: &[u8], (x, y): (i32, i32)) -> (u8, u8, u8) {
    let i = ((y as u32 * SIZE.0 + x as u32) * 3) as usize;
    (buf[i], buf[i + 1], buf[i + 2])
}

/// The bars of an adaptive step: along x the plain −ηgₓ (white) reaches past the scaled
/// component (orange), along y the scaled component reaches past the plain one; nothing is
/// drawn along the axes without a scaling.
#[test]
fn the_bars_of_each_coordinate_are_drawn_along_its_axis() {
    // A step whose x was enlarged less than its y: plain (−1.2, −0.3), scaled (−0.6, −0.9).
    let arrows = StepArrows {
        gradient_step: [-1.2, -0.3],
        update: [-0.4, -0.5],
        carry: false,
        scaled: Some([-0.6, -0.9]),
    };
    let (buf, px) = draw(arrows);
    let white = (255, 255, 255);
    let orange = (255, 149, 0);
    let at = |p: [f64; 2]| rgb(&buf, px(p));
    // Whether the thick orange bar shows on both sides of the pixel at `p`, 2 to 4 pixels
    // away across its axis (`across` (0, 1) for a bar along x, (1, 0) for one along y).
    let flanked = |p: [f64; 2], across: (i32, i32), shift: i32| {
        let (x, y) = px(p);
        let x = x + shift;
        [-1, 1].iter().all(|side| {
            (2..=4).any(|d| rgb(&buf, (x + side * d * across.0, y + side * d * across.1)) == orange)
        })
    };
    // Along x (the row through the head): within both bars, white over orange.
    assert_eq!(at([0.7, 1.0]), white);
    assert!(flanked([0.7, 1.0], (0, 1), 0));
    // Past the scaled bar's end (x = 0.4) but before the plain one's (x = −0.2): white alone.
    assert_eq!(at([0.1, 1.0]), white);
    assert!(!flanked([0.1, 1.0], (0, 1), 0));
    // The plain bar's end tick, across the row at x = −0.2.
    let (x, y) = px([-0.2, 1.0]);
    assert_eq!(rgb(&buf, (x, y - 3)), white);
    // Past both: nothing.
    assert_eq!(at([-0.5, 1.0]), (0, 0, 0));
    // Along y (the column through the head): within both bars, white over orange. The bars'
    // column may sit a pixel or two off the rounded pixel of x = 1 (plotters floors where the
    // plot's pixel range ends, which the axes' text sets): the column is the middle of the
    // white run found within 2 pixels of it, and the checks below move with it.
    let (hx, hy) = px([1.0, 0.85]);
    let whites: Vec<i32> = (-2..=2)
        .filter(|d| rgb(&buf, (hx + d, hy)) == white)
        .collect();
    assert!(!whites.is_empty(), "white within 2 pixels of x = 1");
    let shift = (whites[0] + whites[whites.len() - 1]) / 2;
    assert!(flanked([1.0, 0.85], (1, 0), shift));
    // Past the plain bar's end (y = 0.7), up to the scaled bar's end (y = 0.1): orange alone.
    let (x, y) = px([1.0, 0.4]);
    assert_eq!(rgb(&buf, (x + shift, y)), orange);
    assert!(flanked([1.0, 0.4], (1, 0), shift));
    let (x, y) = px([1.0, -0.2]);
    assert_eq!(rgb(&buf, (x + shift, y)), (0, 0, 0));

    // The same step without a scaling (gradient descent): the axes through the head are bare
    // away from the arrows.
    let (plain, px) = draw(StepArrows {
        scaled: None,
        ..arrows
    });
    for p in [[0.7, 1.0], [0.1, 1.0], [1.0, 0.4]] {
        let (x, y) = px(p);
        assert_eq!(rgb(&plain, (x, y)), (0, 0, 0), "{p:?}");
    }
}

/// The overlay's numbers serialize as the page reads them.
#[test]
fn the_scaling_reaches_the_page_as_json() {
    let s = spec(OptimizerKind::Rmsprop, &[("lr", 0.01)]);
    let sc: Scaling = scaling_at(&BOWL, &s, [2.0, 1.0], 1).unwrap().unwrap();
    let json = serde_json::to_value(&sc).unwrap();
    for key in [
        "symbol",
        "accumulated",
        "denominator",
        "rate",
        "lr",
        "scaled",
    ] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    // RMSprop's first step (α = 0.99): v = 0.01·g², d = 0.1·|g| + ε.
    for (i, g) in [2.0_f64, 10.0].into_iter().enumerate() {
        assert_close(sc.accumulated[i], 0.01 * g * g, "v");
        assert_close(sc.denominator[i], (0.01 * g * g).sqrt() + 1e-8, "d");
    }
}
