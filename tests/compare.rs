//! Side-by-side comparisons (`optiviz::core::compare`): results table, learning-rate sweep, basin
//! map, quadratic theory and tuning, each checked against what the runs or the theory say.

use optiviz::core::compare::{
    Basin, BasinGrid, Decay, DecaySearch, Objective, ResultRow, RunResult, SWEEP_CELLS,
    SearchSummary, SweepMetric, SweepPoint, SweepProgress, Tuning, basin_map, basin_map_rows,
    decay_space, lin_space, log_space, lr_sweep, momentum_rate, momentum_rate_map,
    quadratic_theory, result, results_csv, score, sort_results,
};
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{RunSpec, simulate};
use optiviz::core::surface::{Surface, View};
use optiviz::i18n::Lang;
use optiviz::state::words::tune_search;

fn spec(kind: OptimizerKind, lr: f64) -> RunSpec {
    RunSpec::from(RunConfig::new(kind).with("lr", lr).unwrap())
}

fn momentum_spec(lr: f64, mu: f64) -> RunSpec {
    RunSpec::from(
        RunConfig::new(OptimizerKind::Momentum)
            .with("lr", lr)
            .unwrap()
            .with("momentum", mu)
            .unwrap(),
    )
}

const TILTED: Surface = Surface::Bowl {
    condition: 10.0,
    angle: 0.3,
};

// ----- 1. Results table -----------------------------------------------------------------------

#[test]
fn result_of_a_converging_run() {
    let s = Surface::bowl();
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.1), s.default_start(), 100).unwrap();
    let r = result(&s, &t, 1e-6);
    assert_eq!(r.diverged_at, None);
    assert_eq!(r.steps, 100);
    assert_eq!(r.final_loss, t.losses[100]);
    let k = r.steps_to_tolerance.unwrap();
    assert!(t.losses[k] < 1e-6 && t.losses[k - 1] >= 1e-6);
    let p = t.points[100];
    assert_eq!(r.distance_to_minimum, Some(p[0].hypot(p[1])));
}

#[test]
fn result_of_a_diverged_run() {
    let s = Surface::Rosenbrock;
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.5), s.default_start(), 100).unwrap();
    let at = t.diverged_at.expect("lr 0.5 diverges on Rosenbrock");
    let r = result(&s, &t, 1e-3);
    assert_eq!(r.diverged_at, Some(at));
    assert_eq!(r.steps, at - 1);
    assert_eq!(r.steps_to_tolerance, None);
    assert!(r.final_loss.is_finite());
    assert_eq!(r.final_loss, *t.losses.last().unwrap());
    assert!(r.distance_to_minimum.unwrap().is_finite());
}

#[test]
fn result_without_known_minimum_uses_the_loss() {
    let s = Surface::Saddle;
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.1), [1.0, 0.0], 50).unwrap();
    let r = result(&s, &t, 1e-3);
    assert_eq!(r.distance_to_minimum, None);
    let k = r.steps_to_tolerance.unwrap();
    assert!(t.losses[k] < 1e-3 && t.losses[k - 1] >= 1e-3);
}

#[test]
fn steps_to_tolerance_measures_the_gap_to_the_lowest_minimum() {
    // Styblinski–Tang's minimum is −78.33…: every loss near it is below any small tolerance,
    // so only the gap loss − f* tells when the run arrives.
    let s = Surface::StyblinskiTang;
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.01), [-2.5, -2.5], 500).unwrap();
    assert!(t.losses.iter().all(|&l| l < -70.0));
    let r = result(&s, &t, 1e-6);
    let k = r.steps_to_tolerance.unwrap();
    let f_star = s.minima()[0][2];
    assert!(k > 10, "{k}");
    assert!(t.losses[k] - f_star < 1e-6 && t.losses[k - 1] - f_star >= 1e-6);
}

#[test]
fn scores_rank_diverged_runs_last() {
    let s = Surface::bowl();
    let start = s.default_start();
    let diverged = simulate(&s, &spec(OptimizerKind::Sgd, 5.0), start, 1000).unwrap();
    assert!(diverged.diverged_at.is_some());
    for o in [
        Objective::FinalLoss,
        Objective::StepsToTolerance(1e-6),
        Objective::AreaUnderCurve,
    ] {
        assert_eq!(score(&s, &diverged, o), f64::INFINITY);
    }
    // A run that never reaches the tolerance scores between steps + 1 and steps + 2, ranked
    // by how close it came; one that does scores its step count.
    let slow = simulate(&s, &spec(OptimizerKind::Sgd, 0.001), start, 50).unwrap();
    let slower = simulate(&s, &spec(OptimizerKind::Sgd, 0.0005), start, 50).unwrap();
    let (a, b) = (
        score(&s, &slow, Objective::StepsToTolerance(1e-6)),
        score(&s, &slower, Objective::StepsToTolerance(1e-6)),
    );
    assert!(51.0 < a && a < b && b < 52.0, "{a} {b}");
    let fast = simulate(&s, &spec(OptimizerKind::Sgd, 0.1), start, 200).unwrap();
    let k = result(&s, &fast, 1e-6).steps_to_tolerance.unwrap();
    assert_eq!(
        score(&s, &fast, Objective::StepsToTolerance(1e-6)),
        k as f64
    );
    // The area under the log curve: Σ log10(loss_k − f* + 1e-300).
    let area: f64 = fast.losses.iter().map(|l| (l + 1e-300).log10()).sum();
    assert_eq!(score(&s, &fast, Objective::AreaUnderCurve), area);
    assert_eq!(score(&s, &fast, Objective::FinalLoss), fast.losses[200]);
}

fn row(
    run: usize,
    label: &str,
    final_loss: f64,
    reached: Option<usize>,
    diverged: Option<usize>,
) -> ResultRow {
    ResultRow {
        run,
        label: label.into(),
        result: RunResult {
            final_loss,
            distance_to_minimum: reached.map(|_| 1e-7),
            steps_to_tolerance: reached,
            diverged_at: diverged,
            steps: diverged.map_or(100, |d| d - 1),
        },
        compute_ms: 0.25 * run as f64,
    }
}

#[test]
fn results_csv_header_rows_and_empty_cells() {
    let rows = vec![
        row(1, "Gradient descent", 0.1, Some(12), None),
        row(2, "Adam, AMSGrad", 3.0, None, Some(7)),
    ];
    assert_eq!(
        results_csv(&rows),
        "run,optimizer,final_loss,distance_to_minimum,steps_to_tolerance,diverged_at,steps,compute_ms\n\
         1,Gradient descent,0.1,1e-7,12,,100,0.25\n\
         2,\"Adam, AMSGrad\",3.0,,,7,6,0.5\n"
    );
}

#[test]
fn results_sort_by_a_column_with_missing_values_last_either_way() {
    let rows = vec![
        row(1, "a", 0.5, None, None),
        row(2, "b", 0.1, Some(40), None),
        row(3, "c", 9.0, None, Some(3)),
        row(4, "d", 0.3, Some(10), None),
    ];
    let order = |key: &str, ascending: bool| {
        let mut r = rows.clone();
        sort_results(&mut r, key, ascending).unwrap();
        r.iter().map(|r| r.run).collect::<Vec<_>>()
    };
    assert_eq!(order("final_loss", true), [2, 4, 1, 3]);
    assert_eq!(order("final_loss", false), [3, 1, 4, 2]);
    assert_eq!(order("steps_to_tolerance", true), [4, 2, 1, 3]);
    assert_eq!(order("steps_to_tolerance", false), [2, 4, 1, 3]);
    assert_eq!(order("diverged_at", false), [3, 1, 2, 4]);
    assert_eq!(order("run", false), [4, 3, 2, 1]);
    let mut r = rows.clone();
    let err = sort_results(&mut r, "speed", true).unwrap_err().to_string();
    assert!(
        err.contains("'speed'") && err.contains("final_loss"),
        "{err}"
    );
}

// ----- 2. Learning-rate sweep -------------------------------------------------------------------

#[test]
fn log_space_endpoints_spacing_and_errors() {
    let v = log_space(1e-4, 1.0, 50).unwrap();
    assert_eq!(v.len(), 50);
    assert_eq!(v[0], 1e-4);
    assert_eq!(v[49], 1.0);
    let step = 4.0 / 49.0;
    for w in v.windows(2) {
        assert!(((w[1] / w[0]).log10() - step).abs() < 1e-12);
    }
    assert_eq!(log_space(1e-3, 1e3, 7).unwrap()[3], 1.0);
    for (lo, hi, n) in [
        (0.0, 1.0, 10),
        (-1.0, 1.0, 10),
        (1.0, 1.0, 10),
        (2.0, 1.0, 10),
        (1e-3, f64::INFINITY, 10),
        (f64::NAN, 1.0, 10),
        (1e-3, 1.0, 1),
    ] {
        let e = log_space(lo, hi, n).unwrap_err().to_string();
        assert!(e.contains("allowed"), "{lo} {hi} {n}: {e}");
    }
    assert!(
        log_space(2.0, 1.0, 5)
            .unwrap_err()
            .to_string()
            .contains("hi")
    );
    assert!(
        log_space(1e-3, 1.0, 1)
            .unwrap_err()
            .to_string()
            .contains("n")
    );
}

#[test]
fn lin_space_endpoints_spacing_and_errors() {
    assert_eq!(
        lin_space(0.0, 0.999, 4).unwrap(),
        [0.0, 0.333, 0.666, 0.999]
    );
    assert_eq!(lin_space(-1.0, 1.0, 2).unwrap(), [-1.0, 1.0]);
    // 0.1 + 0.2 is not 0.3 in binary, but the last value is `hi` exactly.
    assert_eq!(*lin_space(0.1, 0.3, 3).unwrap().last().unwrap(), 0.3);
    assert!(
        lin_space(1.0, 1.0, 3)
            .unwrap_err()
            .to_string()
            .contains("hi")
    );
    assert!(lin_space(0.0, f64::NAN, 3).is_err());
    assert!(lin_space(0.0, 1.0, 1).is_err());
}

#[test]
fn decay_space_is_even_in_log_one_minus_v() {
    let v = decay_space(0.0, 0.999, 4).unwrap();
    assert_eq!((v[0], v[3]), (0.0, 0.999));
    assert!(
        (v[1] - 0.9).abs() < 1e-12 && (v[2] - 0.99).abs() < 1e-12,
        "{v:?}"
    );
    assert!(
        decay_space(0.5, 1.0, 3)
            .unwrap_err()
            .to_string()
            .contains("< 1")
    );
    assert!(decay_space(0.9, 0.5, 3).is_err());
}

#[test]
fn lr_sweep_on_rosenbrock_diverges_above_a_threshold() {
    let s = Surface::Rosenbrock;
    let lrs = log_space(1e-4, 1.0, 50).unwrap();
    let sweep = lr_sweep(
        &s,
        &spec(OptimizerKind::Sgd, 1e-3),
        s.default_start(),
        1000,
        &lrs,
        1e-3,
    )
    .unwrap();
    assert_eq!(sweep.len(), 50);
    for (p, &lr) in sweep.iter().zip(&lrs) {
        assert_eq!(p.lr, lr);
        assert_eq!(p.final_loss.is_none(), p.diverged_at.is_some());
    }
    // Monotone: the diverged rates are exactly those above a threshold.
    let first = sweep.iter().position(|p| p.diverged_at.is_some()).unwrap();
    assert!(sweep[first..].iter().all(|p| p.diverged_at.is_some()));
    assert!(sweep[..first].iter().all(|p| p.diverged_at.is_none()));
    let threshold = lrs[first];
    println!("first diverging lr {threshold}");
    assert!((1e-3..1e-2).contains(&threshold), "{threshold}");
    // Small rates converge slowly: the smallest has not reached the tolerance and is far
    // behind the best converging rate.
    let smallest = sweep[0];
    assert_eq!(smallest.steps_to_tolerance, None);
    let best = sweep[..first]
        .iter()
        .map(|p| p.final_loss.unwrap())
        .fold(f64::INFINITY, f64::min);
    assert!(smallest.final_loss.unwrap() > 100.0 * best);
    // Up to the threshold, larger rates end lower.
    let losses: Vec<f64> = sweep[..first]
        .iter()
        .map(|p| p.final_loss.unwrap())
        .collect();
    assert!(losses[0] > losses[first / 2] && losses[first / 2] > losses[first - 1]);
}

#[test]
fn lr_sweep_rejects_bad_rates() {
    let s = Surface::bowl();
    let e = lr_sweep(
        &s,
        &spec(OptimizerKind::Sgd, 0.1),
        [1.0, 1.0],
        5,
        &[-1.0],
        1e-6,
    );
    assert!(e.unwrap_err().to_string().contains("lr"));
}

// ----- 3. Basin map -------------------------------------------------------------------------

const HIMMELBLAU_VIEW: View = View::new(-5.0, 5.0, -5.0, 5.0);

fn counts(cells: &[Basin]) -> ([usize; 4], usize, usize, usize) {
    let (mut minima, mut converged, mut not, mut diverged) = ([0; 4], 0, 0, 0);
    for c in cells {
        match *c {
            Basin::Minimum { index, .. } => minima[index] += 1,
            Basin::Converged { .. } => converged += 1,
            Basin::NotConverged => not += 1,
            Basin::Diverged { .. } => diverged += 1,
        }
    }
    (minima, converged, not, diverged)
}

#[test]
fn basin_map_labels_himmelblau_basins() {
    let s = Surface::Himmelblau;
    let gd = spec(OptimizerKind::Sgd, 0.005);
    let (w, h) = (40, 40);
    let map = basin_map(&s, &gd, &HIMMELBLAU_VIEW, w, h, 3000, 1e-6).unwrap();
    assert_eq!((map.width, map.height, map.cells.len()), (w, h, w * h));
    let (minima, converged, not, diverged) = counts(&map.cells);
    println!("basins {minima:?}, converged {converged}, not {not}, diverged {diverged}");
    assert_eq!((converged, not, diverged), (0, 0, 0));
    for (i, &n) in minima.iter().enumerate() {
        assert!(n >= w * h / 10, "minimum {i} holds only {n} cells");
    }
    // The cells nearest each minimum are labelled with it.
    let grid = BasinGrid {
        view: HIMMELBLAU_VIEW,
        width: w,
        height: h,
        steps: 3000,
        tol: 1e-6,
    };
    for (i, m) in s.minima().iter().enumerate() {
        let col = ((m[0] + 5.0) / 10.0 * w as f64) as usize;
        let row = ((5.0 - m[1]) / 10.0 * h as f64) as usize;
        for (c, r) in [
            (col, row),
            (col + 1, row),
            (col, row + 1),
            (col - 1, row - 1),
        ] {
            let start = grid.start(c, r);
            assert!(start[0].hypot(start[1]) > 0.0);
            match map.cell(c, r) {
                Basin::Minimum { index, steps } => {
                    assert_eq!(index, i, "cell ({c}, {r}) near minimum {i}");
                    assert!(steps > 0 && steps < 3000);
                }
                other => panic!("cell ({c}, {r}) near minimum {i} is {other:?}"),
            }
        }
    }
}

#[test]
fn basin_map_rows_concatenate_and_large_rates_diverge() {
    // At lr 0.01 gradient descent on Himmelblau's quartic walls diverges from far out
    // (x_{k+1} ≈ x_k − 4ηx_k³ overshoots ever more once 4ηx² > 2, |x| ≳ 7), while every
    // start within [−5, 5]² still reaches a minimum.
    let s = Surface::Himmelblau;
    let gd = spec(OptimizerKind::Sgd, 0.01);
    let view = View::new(-10.0, 10.0, -10.0, 10.0);
    let (w, h) = (12, 10);
    let whole = basin_map(&s, &gd, &view, w, h, 1000, 1e-6).unwrap();
    let mut chunks = Vec::new();
    for rows in [0..3, 3..3, 3..7, 7..10] {
        let part = basin_map_rows(&s, &gd, &view, w, h, 1000, 1e-6, rows.clone()).unwrap();
        assert_eq!(part.len(), rows.len() * w);
        chunks.extend(part);
    }
    assert_eq!(chunks, whole.cells);
    let (minima, converged, not, diverged) = counts(&whole.cells);
    println!(
        "lr 0.01 on [-10, 10]²: basins {minima:?}, converged {converged}, not {not}, diverged {diverged}"
    );
    let grid = BasinGrid {
        view,
        width: w,
        height: h,
        steps: 1000,
        tol: 1e-6,
    };
    for row in 0..h {
        for col in 0..w {
            let [x, y] = grid.start(col, row);
            let cell = whole.cell(col, row);
            if row == 0 || row == h - 1 || col == 0 {
                assert!(
                    matches!(cell, Basin::Diverged { at } if at > 0),
                    "({x}, {y}): {cell:?}"
                );
            }
            if x.abs() <= 5.0 && y.abs() <= 5.0 {
                assert!(
                    matches!(cell, Basin::Minimum { .. }),
                    "({x}, {y}): {cell:?}"
                );
            }
        }
    }
    assert!(diverged >= 2 * w + h - 2);
    assert!(minima.iter().all(|&n| n > 0));
    assert!(basin_map_rows(&s, &gd, &view, w, h, 1000, 1e-6, 8..11).is_err());
    assert!(basin_map(&s, &gd, &view, 0, h, 1000, 1e-6).is_err());
    assert!(basin_map(&s, &gd, &view, w, h, 1000, 0.0).is_err());
}

#[test]
fn basin_map_short_budget_and_saddle() {
    let s = Surface::Himmelblau;
    let gd = spec(OptimizerKind::Sgd, 0.005);
    let map = basin_map(&s, &gd, &HIMMELBLAU_VIEW, 6, 6, 5, 1e-6).unwrap();
    assert!(map.cells.iter().all(|c| *c == Basin::NotConverged));
    // On the saddle x² − y², starts on the x axis settle at the origin, which is no minimum.
    let map = basin_map(
        &Surface::Saddle,
        &spec(OptimizerKind::Sgd, 0.1),
        &View::new(-1.0, 1.0, -0.5, 0.5),
        4,
        1,
        1000,
        1e-6,
    )
    .unwrap();
    assert!(
        map.cells
            .iter()
            .all(|c| matches!(c, Basin::Converged { .. })),
        "{:?}",
        map.cells
    );
}

// ----- 4. Quadratic theory ---------------------------------------------------------------------

#[test]
fn quadratic_theory_of_the_tilted_bowl() {
    let th = quadratic_theory(&TILTED).unwrap();
    assert!((th.eigenvalues[0] - 1.0).abs() < 1e-12);
    assert!((th.eigenvalues[1] - 10.0).abs() < 1e-12);
    let (s, c) = 0.3f64.sin_cos();
    let [u, v] = th.eigenvectors;
    assert!(
        (u[0] - c).abs() < 1e-12 && (u[1] - s).abs() < 1e-12,
        "{u:?}"
    );
    assert!(
        (v[0] + s).abs() < 1e-12 && (v[1] - c).abs() < 1e-12,
        "{v:?}"
    );
    assert!((th.condition - 10.0).abs() < 1e-12);
    assert!((th.gd_divergence_lr - 0.2).abs() < 1e-12);
    assert!((th.gd_best_lr - 2.0 / 11.0).abs() < 1e-12);
    assert!((th.gd_best_rate - 9.0 / 11.0).abs() < 1e-12);
    let sk = 10f64.sqrt();
    assert!((th.heavy_ball_rate - (sk - 1.0) / (sk + 1.0)).abs() < 1e-12);
    // Booth is quadratic too: Hessian [[10, 8], [8, 10]], eigenvalues 2 and 18.
    let booth = quadratic_theory(&Surface::Booth).unwrap();
    assert!(
        (booth.eigenvalues[0] - 2.0).abs() < 1e-12 && (booth.eigenvalues[1] - 18.0).abs() < 1e-12
    );
    for s in [Surface::Rosenbrock, Surface::Himmelblau, Surface::Saddle] {
        assert_eq!(quadratic_theory(&s), None);
    }
}

#[test]
fn gradient_descent_obeys_the_critical_and_best_rates() {
    let th = quadratic_theory(&TILTED).unwrap();
    let start = TILTED.default_start();
    let run =
        |lr: f64, steps| simulate(&TILTED, &spec(OptimizerKind::Sgd, lr), start, steps).unwrap();
    let below = run(th.gd_divergence_lr * 0.99, 500);
    let above = run(th.gd_divergence_lr * 1.01, 500);
    let l0 = below.losses[0];
    assert!(below.losses[500] < l0 * 1e-3, "{}", below.losses[500]);
    assert!(above.losses[500] > l0 * 1e3, "{}", above.losses[500]);
    // At the best rate every component shrinks by exactly (κ − 1)/(κ + 1) per step, so the
    // loss shrinks by its square.
    let best = run(th.gd_best_lr, 10);
    for w in best.losses.windows(2) {
        let ratio = w[1] / w[0];
        assert!((ratio - th.gd_best_rate.powi(2)).abs() < 1e-9, "{ratio}");
    }
}

#[test]
fn momentum_rate_formulas() {
    let eig = [1.0, 10.0];
    for lr in [0.01f64, 0.1, 0.15, 0.2, 0.25, 1.0] {
        let gd = (1.0 - lr).abs().max((1.0 - 10.0 * lr).abs());
        assert!((momentum_rate(eig, lr, 0.0) - gd).abs() < 1e-15, "{lr}");
    }
    let th = quadratic_theory(&TILTED).unwrap();
    let (l, h) = (1f64, 10f64);
    let lr = 4.0 / (h.sqrt() + l.sqrt()).powi(2);
    let sk = 10f64.sqrt();
    let mu = ((sk - 1.0) / (sk + 1.0)).powi(2);
    assert!((th.heavy_ball_lr - lr).abs() < 1e-12 && (th.heavy_ball_momentum - mu).abs() < 1e-12);
    let rate = momentum_rate(eig, lr, mu);
    assert!((rate - (sk - 1.0) / (sk + 1.0)).abs() < 1e-6, "{rate}");
    assert!(rate < th.gd_best_rate);
    // Neighbouring settings do worse, and too large a rate diverges.
    assert!(momentum_rate(eig, lr * 1.1, mu) > rate && momentum_rate(eig, lr, mu * 0.8) > rate);
    assert!(momentum_rate(eig, 0.5, 0.5) >= 1.0);
    // The map is row-major over momenta × rates.
    let lrs = [0.05, 0.1, 0.3];
    let mus = [0.0, 0.5];
    let map = momentum_rate_map(eig, &lrs, &mus);
    assert_eq!(map.len(), 6);
    for (i, &m) in mus.iter().enumerate() {
        for (j, &r) in lrs.iter().enumerate() {
            assert_eq!(map[i * 3 + j], momentum_rate(eig, r, m));
        }
    }
}

#[test]
fn heavy_ball_runs_at_the_predicted_rate() {
    let th = quadratic_theory(&TILTED).unwrap();
    let hb = momentum_spec(th.heavy_ball_lr, th.heavy_ball_momentum);
    let t = simulate(&TILTED, &hb, TILTED.default_start(), 200).unwrap();
    // Distance after 200 steps against the rate: ρ^k up to the polynomial factor of the
    // repeated root (and the start's constant).
    let d = |k: usize| t.points[k][0].hypot(t.points[k][1]);
    let measured = (d(200) / d(100)).powf(1.0 / 100.0);
    println!(
        "heavy ball measured rate {measured}, predicted {}",
        th.heavy_ball_rate
    );
    assert!((measured - th.heavy_ball_rate).abs() < 0.01, "{measured}");
}

// ----- 5. Tuning -------------------------------------------------------------------------------

/// A tuning of `spec` on `surface` from its default start.
fn tuning<'a>(
    surface: &'a Surface,
    spec: &'a RunSpec,
    steps: usize,
    objective: Objective,
    budget: usize,
    lrs: (f64, f64),
) -> Tuning<'a> {
    Tuning {
        surface,
        spec,
        start: surface.default_start(),
        steps,
        objective,
        budget,
        lrs,
    }
}

#[test]
fn tune_lr_finds_the_best_gradient_descent_rate_on_the_bowl() {
    let s = TILTED;
    let th = quadratic_theory(&s).unwrap();
    let gd = spec(OptimizerKind::Sgd, 0.1);
    let budget = 30;
    let mut heard = Vec::new();
    let tuned = tuning(&s, &gd, 200, Objective::FinalLoss, budget, (1e-3, 1.0))
        .lr(&mut |k| heard.push(k))
        .unwrap();
    assert_eq!(tuned.evaluated.len(), budget);
    assert_eq!(tuned.grid, 15);
    // Progress: the batched grid at once, then each refinement.
    assert_eq!(heard, (15..=30).collect::<Vec<_>>());
    assert!(
        tuned.evaluated.iter().any(|e| e.1 == f64::INFINITY),
        "the range reaches divergence"
    );
    let grid = lr_sweep(
        &s,
        &gd,
        s.default_start(),
        200,
        &log_space(1e-3, 1.0, 30).unwrap(),
        0.0,
    )
    .unwrap();
    let grid_best = grid
        .iter()
        .filter_map(|p| p.final_loss)
        .fold(f64::INFINITY, f64::min);
    println!(
        "tuned lr {} (theory {}), score {} vs grid {grid_best}, {} evaluations",
        tuned.best_lr,
        th.gd_best_lr,
        tuned.best_score,
        tuned.evaluated.len()
    );
    assert!((tuned.best_lr / th.gd_best_lr - 1.0).abs() < 0.1);
    assert!(tuned.best_score < grid_best);
    let min = tuned
        .evaluated
        .iter()
        .map(|e| e.1)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(tuned.best_score, min);
    // Every score is the score of a lone run at that rate (the grid's came from one batch).
    for &(lr, sc) in &tuned.evaluated {
        let t = simulate(&s, &spec(OptimizerKind::Sgd, lr), s.default_start(), 200).unwrap();
        assert_eq!(score(&s, &t, Objective::FinalLoss).to_bits(), sc.to_bits());
    }
}

#[test]
fn tune_lr_objectives_budgets_and_errors() {
    let s = Surface::bowl();
    let gd = spec(OptimizerKind::Sgd, 0.1);
    for budget in [1, 2, 3, 4, 7] {
        let t = tuning(&s, &gd, 50, Objective::AreaUnderCurve, budget, (1e-3, 1.0))
            .lr(&mut |_| {})
            .unwrap();
        assert_eq!(t.evaluated.len(), budget);
    }
    let t = tuning(
        &s,
        &gd,
        300,
        Objective::StepsToTolerance(1e-6),
        16,
        (1e-3, 1.0),
    )
    .lr(&mut |_| {})
    .unwrap();
    // Theory: the best rate 2/11 shrinks the loss by (9/11)² per step.
    println!(
        "steps-to-tolerance best {} at lr {}",
        t.best_score, t.best_lr
    );
    assert!(t.best_score < 60.0 && t.best_lr > 0.1 && t.best_lr < 0.2);
    let bad = |budget, lrs| {
        tuning(&s, &gd, 10, Objective::FinalLoss, budget, lrs)
            .lr(&mut |_| {})
            .unwrap_err()
            .to_string()
    };
    assert!(bad(0, (1e-3, 1.0)).contains("1 ≤ budget"));
    assert!(bad(5, (1.0, 1e-3)).contains("hi"));
}

#[test]
fn decay_grids_are_even_in_log_one_minus_beta() {
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    assert!(close(
        &Decay::MOMENTUM.values(3).unwrap(),
        &[0.0, 0.9, 0.99]
    ));
    assert!(close(
        &Decay::BETA2.values(3).unwrap(),
        &[0.99, 0.999, 0.9999]
    ));
    let five = Decay::BETA1.values(5).unwrap();
    assert_eq!((five[0], five[4]), (0.0, 0.99));
    assert!(close(
        &five[1..4],
        &[1.0 - 0.1f64.sqrt(), 0.9, 1.0 - 0.001f64.sqrt()]
    ));
    assert!(Decay::MOMENTUM.values(1).is_err());
}

#[test]
fn tuning_momentum_too_reaches_polyaks_rate_on_the_bowl() {
    // Polyak's heavy ball on a quadratic with eigenvalues 1 and 10: the best fixed setting
    // η = 4/(√λmax + √λmin)², μ = ((√κ − 1)/(√κ + 1))² converges at ρ = √μ ≈ 0.519 a step,
    // against 9/11 ≈ 0.818 for gradient descent at its best rate.
    let s = TILTED;
    let th = quadratic_theory(&s).unwrap();
    let rho = (10f64.sqrt() - 1.0) / (10f64.sqrt() + 1.0);
    assert!((th.heavy_ball_rate - rho).abs() < 1e-12);
    let hb = momentum_spec(0.001, 0.9);
    let mut heard = 0;
    let steps = 60;
    let found = tuning(&s, &hb, steps, Objective::FinalLoss, 75, (1e-3, 1.0))
        .search(&[Decay::MOMENTUM], &mut |k| heard = k)
        .unwrap();
    assert_eq!((found.evaluated.len(), heard), (75, 75));
    assert_eq!(found.names, ["lr", "momentum"]);
    // Half the budget on a grid of 3 momenta (0, 0.9, 0.99), 13 + 12 + 12 simulations of
    // learning-rate search; the other half refines both together.
    assert_eq!(found.grids[0].len(), 3);
    let shares: Vec<usize> = found.searches.iter().map(|t| t.evaluated.len()).collect();
    assert_eq!(shares, [13, 12, 12]);
    let (lr, mu) = (found.best[0], found.best[1]);
    let best = momentum_spec(lr, mu);
    let t = simulate(&s, &best, s.default_start(), steps).unwrap();
    assert_eq!(t.losses[steps], found.best_score);
    // The loss falls as ρ^(2k): its rate over the run, against Polyak's and against the best
    // gradient descent.
    let measured = (t.losses[steps] / t.losses[0]).powf(1.0 / (2.0 * steps as f64));
    println!("tuned η {lr}, μ {mu}: measured rate {measured}, Polyak {rho}");
    assert!(measured < 0.58, "{measured}");
    let gd = tuning(
        &s,
        &spec(OptimizerKind::Sgd, 0.1),
        steps,
        Objective::FinalLoss,
        75,
        (1e-3, 1.0),
    )
    .lr(&mut |_| {})
    .unwrap();
    assert!(found.best_score < gd.best_score * 1e-6);
}

#[test]
fn tuning_betas_shares_the_budget_and_keeps_values_when_it_is_small() {
    let s = Surface::Rosenbrock;
    let adam = spec(OptimizerKind::Adam, 1e-3);
    let both = [Decay::BETA1, Decay::BETA2];
    // 3 × 3 combinations need 72 of the grid's half; 160 gives each 8 or 9 of its 80.
    let found = tuning(&s, &adam, 300, Objective::AreaUnderCurve, 160, (1e-4, 1.0))
        .search(&both, &mut |_| {})
        .unwrap();
    assert_eq!(found.evaluated.len(), 160);
    assert_eq!(found.searches.len(), 9);
    let shares: Vec<usize> = found.searches.iter().map(|t| t.evaluated.len()).collect();
    assert_eq!(shares, [9, 9, 9, 9, 9, 9, 9, 9, 8]);
    for (values, sc) in &found.evaluated {
        assert!(values[1] >= 0.0 && values[1] <= 0.99 && values[2] >= 0.99 && values[2] <= 0.9999);
        assert!(*sc >= found.best_score);
    }
    // Too small a budget for two betas at 3 values: both stay at the run's own.
    let small = tuning(&s, &adam, 300, Objective::AreaUnderCurve, 20, (1e-4, 1.0))
        .search(&both, &mut |_| {})
        .unwrap();
    assert_eq!(small.grids, [vec![0.9], vec![0.999]]);
    assert_eq!(small.searches.len(), 1);
    assert_eq!(small.searches[0].evaluated.len(), 10);
    assert_eq!(small.evaluated.len(), 20);
    // A decay the optimizer does not have is refused with the names it does have.
    let err = tuning(
        &s,
        &spec(OptimizerKind::Sgd, 0.1),
        10,
        Objective::FinalLoss,
        30,
        (1e-3, 1.0),
    )
    .search(&[Decay::MOMENTUM], &mut |_| {})
    .unwrap_err()
    .to_string();
    assert!(err.contains("momentum") && err.contains("lr"), "{err}");
}

// Property tests run natively (proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod names {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn objectives_and_decays_by_name() {
        assert_eq!(
            Objective::from_name("steps"),
            Ok(Objective::StepsToTolerance(1e-6))
        );
        assert_eq!(
            Objective::from_name("loss").unwrap_err().to_string(),
            "unknown objective 'loss': allowed values are final-loss, steps, area"
        );
        assert_eq!(
            Decay::from_names(" beta2, momentum ,"),
            Ok(vec![Decay::BETA2, Decay::MOMENTUM])
        );
        assert_eq!(Decay::from_names(""), Ok(vec![]));
        assert_eq!(
            Decay::from_names("momentum,mu").unwrap_err().to_string(),
            "unknown hyperparameter 'mu' to tune: allowed values are momentum, beta1, beta2"
        );
    }

    proptest! {
        #[test]
        fn any_objective_name_parses_or_names_the_allowed_values(name in "\\PC{0,12}") {
            match Objective::from_name(&name) {
                Ok(_) => prop_assert!(Objective::NAMES.contains(&name.as_str())),
                Err(e) => {
                    prop_assert!(!Objective::NAMES.contains(&name.as_str()));
                    let e = e.to_string();
                    prop_assert!(e.contains(&format!("'{name}'")) && e.ends_with("final-loss, steps, area"), "{}", e);
                }
            }
        }

        #[test]
        fn any_list_of_decay_names_round_trips(
            picks in proptest::collection::vec(0usize..3, 0..5),
            spaces in proptest::collection::vec("[ ]{0,2}", 10),
        ) {
            let names: Vec<String> = picks
                .iter()
                .enumerate()
                .map(|(i, &p)| format!("{}{}{}", spaces[2 * i], Decay::ALL[p].name, spaces[2 * i + 1]))
                .collect();
            let parsed = Decay::from_names(&names.join(",")).unwrap();
            prop_assert_eq!(parsed, picks.iter().map(|&p| Decay::ALL[p]).collect::<Vec<_>>());
        }

        #[test]
        fn any_string_is_a_list_of_known_decays_or_an_error_naming_one_that_is_not(list in "[a-z0-9, ]{0,24}") {
            let items: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            let unknown = items.iter().find(|n| !Decay::ALL.iter().any(|d| d.name == **n));
            match (Decay::from_names(&list), unknown) {
                (Ok(decays), None) => prop_assert_eq!(decays.len(), items.len()),
                (Err(e), Some(name)) => prop_assert!(e.to_string().starts_with(&format!("unknown hyperparameter '{name}'")), "{}", e),
                (got, want) => prop_assert!(false, "{list:?}: {got:?}, unknown {want:?}"),
            }
        }
    }
}

/// Issue 12: Tune with μ ticked failed on every Nesterov run ("nesterov needs momentum > 0")
/// because the grid starts at μ = 0. The search now only proposes what the optimizer accepts.
#[test]
fn a_search_never_proposes_a_setting_its_optimizer_refuses() {
    let s = Surface::bowl();
    let nesterov = spec(OptimizerKind::Nesterov, 0.01);
    let narrowed = Decay::MOMENTUM.within(&nesterov).unwrap();
    // The first tenth of the range in log10(1 − μ): 1 − 10^−0.2.
    assert!(
        (narrowed.lo - (1.0 - 10f64.powf(-0.2))).abs() < 1e-12,
        "{narrowed:?}"
    );
    assert_eq!(narrowed.hi, Decay::MOMENTUM.hi);
    // Heavy ball accepts μ = 0: its range is unchanged.
    let momentum = spec(OptimizerKind::Momentum, 0.01);
    assert_eq!(Decay::MOMENTUM.within(&momentum).unwrap(), Decay::MOMENTUM);
    for budget in [48, 60, 100] {
        let found = tuning(
            &s,
            &nesterov,
            100,
            Objective::FinalLoss,
            budget,
            (1e-4, 1.0),
        )
        .search(&[Decay::MOMENTUM], &mut |_| {})
        .unwrap();
        assert_eq!(found.evaluated.len(), budget);
        for (x, _) in &found.evaluated {
            assert!(
                x[1] >= narrowed.lo && x[1] <= narrowed.hi,
                "μ {} proposed",
                x[1]
            );
        }
    }
    // A run without the hyperparameter is an error naming it.
    let adam = spec(OptimizerKind::Adam, 0.01);
    assert!(
        Decay::MOMENTUM
            .within(&adam)
            .unwrap_err()
            .to_string()
            .contains("momentum")
    );
}

#[test]
fn sweep_progress_fills_in_as_parts_arrive_and_charts_each_metric() {
    let lrs = vec![0.001, 0.01, 0.1, 1.0];
    let mut sweep = SweepProgress::new(lrs.clone(), 500);
    let points = [
        SweepPoint {
            lr: 0.001,
            final_loss: Some(0.5),
            steps_to_tolerance: None,
            diverged_at: None,
        },
        SweepPoint {
            lr: 0.01,
            final_loss: Some(1e-9),
            steps_to_tolerance: Some(0),
            diverged_at: None,
        },
        SweepPoint {
            lr: 0.1,
            final_loss: Some(1e-12),
            steps_to_tolerance: Some(40),
            diverged_at: None,
        },
        SweepPoint {
            lr: 1.0,
            final_loss: None,
            steps_to_tolerance: None,
            diverged_at: Some(3),
        },
    ];
    let cells: Vec<f64> = points.iter().flat_map(|p| p.to_cells()).collect();
    assert_eq!(cells.len(), 4 * SWEEP_CELLS);
    // Run 2's last two rates arrive first, then run 0's first two, then run 2's first two.
    sweep.record(2, 2, &cells[2 * SWEEP_CELLS..]).unwrap();
    sweep.record(0, 0, &cells[..2 * SWEEP_CELLS]).unwrap();
    let lines = sweep.lines(SweepMetric::Loss);
    assert_eq!(
        lines.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [0, 2],
        "runs in order"
    );
    assert_eq!(lines[0].1, [(0.001, Some(0.5)), (0.01, Some(1e-9))]);
    assert_eq!(lines[1].1, [(0.1, Some(1e-12)), (1.0, None)]);
    sweep.record(2, 0, &cells[..2 * SWEEP_CELLS]).unwrap();
    // Steps: never reached → None, 0 steps drawn on the first decade (1), diverged → None.
    let steps = sweep.lines(SweepMetric::Steps);
    assert_eq!(
        steps[1].1,
        [
            (0.001, None),
            (0.01, Some(1.0)),
            (0.1, Some(40.0)),
            (1.0, None)
        ]
    );
    // A part that does not fit the rates is refused, and changes nothing.
    assert!(sweep.record(1, 3, &cells[..2 * SWEEP_CELLS]).is_err());
    assert!(sweep.record(1, 0, &cells[..SWEEP_CELLS - 1]).is_err());
    assert!(sweep.record(1, usize::MAX, &cells[..SWEEP_CELLS]).is_err());
    assert_eq!(sweep.lines(SweepMetric::Loss).len(), 2);
    assert_eq!(SweepMetric::from_name("steps"), Ok(SweepMetric::Steps));
    let err = SweepMetric::from_name("time").unwrap_err().to_string();
    assert!(
        err.contains("'time'") && err.contains("loss, steps"),
        "{err}"
    );
}

#[test]
fn work_is_dealt_in_chunks_that_cover_everything_once() {
    use optiviz::core::compare::{BASIN_PART_ROWS, SWEEP_TASK_RATES, basin_chunks, sweep_chunks};
    // 512 rows to 2 workers: 4 chunks of 128 (two per worker); 10 rows to 8 workers: chunks of
    // at least BASIN_PART_ROWS rows, the last one short.
    assert_eq!(basin_chunks(512, 2), [0..128, 128..256, 256..384, 384..512]);
    assert_eq!(BASIN_PART_ROWS, 4);
    assert_eq!(basin_chunks(10, 8), [0..4, 4..8, 8..10]);
    assert_eq!(basin_chunks(0, 2), []);
    assert_eq!(basin_chunks(7, 0), [0..4, 4..7], "no workers counts as one");
    for (n, w) in [(1, 1), (63, 3), (64, 5), (500, 7)] {
        let chunks = basin_chunks(n, w);
        let rows: Vec<usize> = chunks.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(rows, (0..n).collect::<Vec<_>>(), "{n} rows to {w} workers");
    }
    // 50 rates: 32 (four batches of 8 lanes) then 18.
    assert_eq!(SWEEP_TASK_RATES, 32);
    assert_eq!(sweep_chunks(50), [0..32, 32..50]);
    assert_eq!(sweep_chunks(64), [0..32, 32..64]);
}

#[test]
fn a_tuning_search_describes_itself() {
    let surface = Surface::bowl_of(10.0, 0.0).unwrap();
    let spec = momentum_spec(0.001, 0.9);
    let tuning = Tuning {
        surface: &surface,
        spec: &spec,
        start: [-2.5, 1.5],
        steps: 60,
        objective: Objective::FinalLoss,
        budget: 24,
        lrs: (1e-5, 1.0),
    };
    let lr_only = tuning.search(&[], &mut |_| {}).unwrap();
    // A coarse grid of ⌈24/2⌉ = 12 rates, no decays.
    let summary = lr_only.summary(tuning.lrs);
    assert_eq!(
        summary,
        SearchSummary {
            grid: 12,
            lrs: (1e-5, 1.0),
            decays: DecaySearch::None
        }
    );
    assert_eq!(
        tune_search(Lang::En, &summary, &["η"]),
        "η on a log grid of 12 over 1e-5…1, refined by golden section"
    );
    assert_eq!(
        tune_search(Lang::Zh, &summary, &["η"]),
        "η 先在 1e-5…1 上取 12 个点的对数网格，再用黄金分割法细化"
    );
    // Too small a budget to vary μ: searched at the run's own 0.9.
    let at = tuning.search(&[Decay::MOMENTUM], &mut |_| {}).unwrap();
    let summary = at.summary(tuning.lrs);
    let DecaySearch::At { values, refined } = &summary.decays else {
        panic!("{summary:?}");
    };
    assert_eq!(values, &[Some(0.9)]);
    assert_eq!(
        tune_search(Lang::En, &summary, &["η", "μ"]),
        format!(
            "η on a log grid of {} over 1e-5…1, refined by golden section, at μ 0.9; then \
             {refined} Nelder–Mead steps over all together",
            summary.grid
        )
    );
    assert_eq!(
        tune_search(Lang::Zh, &summary, &["η", "μ"]),
        format!(
            "η 先在 1e-5…1 上取 {} 个点的对数网格，再用黄金分割法细化，取 μ 0.9；\
             最后对所有超参数一起做 {refined} 步 Nelder–Mead 搜索",
            summary.grid
        )
    );
    let both = Tuning {
        budget: 60,
        ..tuning
    }
    .search(&[Decay::MOMENTUM], &mut |_| {})
    .unwrap();
    let text = tune_search(Lang::En, &both.summary(tuning.lrs), &["η", "μ"]);
    let refined = both.evaluated.len()
        - both
            .searches
            .iter()
            .map(|s| s.evaluated.len())
            .sum::<usize>();
    assert!(both.searches.len() > 1, "{both:?}");
    let grid: Vec<String> = both.grids[0]
        .iter()
        .map(|&v| optiviz::core::text::decay(v))
        .collect();
    assert_eq!(
        text,
        format!(
            "η on a log grid of {} over 1e-5…1, refined by golden section, for each of μ ∈ {{{}}}; \
             then {refined} Nelder–Mead steps over all together",
            both.searches[0].grid,
            grid.join(", ")
        )
    );
    assert_eq!(
        tune_search(Lang::Zh, &both.summary(tuning.lrs), &["η", "μ"]),
        format!(
            "η 先在 1e-5…1 上取 {} 个点的对数网格，再用黄金分割法细化，对 μ ∈ {{{}}} 的每一种取值\
             各搜索一次；最后对所有超参数一起做 {refined} 步 Nelder–Mead 搜索",
            both.searches[0].grid,
            grid.join(", ")
        )
    );
}
