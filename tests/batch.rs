//! Batched runs give what lone runs give, bit for bit: the lanes of a `Batch` against
//! `simulate`, the batched basin map and learning-rate sweep against their one-at-a-time forms.

mod common;
use optiviz::core::batch::Batch;
use optiviz::core::compare::{
    Basin, BasinGrid, Objective, log_space, lr_scores, lr_sweep, lr_sweep_single, score,
};
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{Noise, RunSpec, Trajectory, simulate};
use optiviz::core::schedule::Schedule;
use optiviz::core::surface::{Surface, View};

/// Lane `i` of a batch stepped `steps` times, as the trajectory `simulate` would give (the
/// parts a basin map and a sweep read: points, losses, gradients, where it halted).
fn lane_trajectories(batch: &mut Batch, steps: usize) -> Vec<Trajectory> {
    let n = batch.len();
    let mut out: Vec<Trajectory> = (0..n)
        .map(|i| Trajectory {
            points: vec![batch.point(i)],
            losses: vec![batch.loss(i)],
            grads: vec![batch.grad(i)],
            used: Vec::new(),
            lrs: Vec::new(),
            diverged_at: batch.halted(i),
        })
        .collect();
    for _ in 0..steps {
        if (0..n).all(|i| batch.halted(i).is_some()) {
            break;
        }
        batch.step();
        for (i, t) in out.iter_mut().enumerate() {
            if t.diverged_at.is_some() {
                continue;
            }
            match batch.halted(i) {
                Some(k) => t.diverged_at = Some(k),
                None => {
                    t.points.push(batch.point(i));
                    t.losses.push(batch.loss(i));
                    t.grads.push(batch.grad(i));
                    t.lrs.push(batch.lr(i, batch.k()));
                }
            }
        }
    }
    out
}

/// A trajectory's points, losses, gradients and rates as bit patterns, and where it halted.
type Bits = (
    Vec<[u64; 2]>,
    Vec<u64>,
    Vec<[u64; 2]>,
    Vec<u64>,
    Option<usize>,
);

fn bits(t: &Trajectory) -> Bits {
    let pair = |p: &[f64; 2]| [p[0].to_bits(), p[1].to_bits()];
    (
        t.points.iter().map(pair).collect(),
        t.losses.iter().map(|v| v.to_bits()).collect(),
        t.grads.iter().map(pair).collect(),
        t.lrs.iter().map(|v| v.to_bits()).collect(),
        t.diverged_at,
    )
}

/// Every lane of a batch equals `simulate` from that lane's start, bit for bit.
fn assert_lanes_equal_lone_runs(
    surface: &Surface,
    spec: &RunSpec,
    starts: &[[f64; 2]],
    steps: usize,
) {
    let mut batch = Batch::new(surface, spec, starts).expect("a valid setting");
    let lanes = lane_trajectories(&mut batch, steps);
    for (start, lane) in starts.iter().zip(&lanes) {
        let lone = simulate(surface, spec, *start, steps).unwrap();
        assert_eq!(
            bits(lane),
            bits(&lone),
            "{spec:?} on {surface:?} from {start:?}"
        );
    }
}

#[test]
fn every_optimizer_in_a_batch_equals_its_lone_runs() {
    // Starts on both sides of Himmelblau's ridges, one at a minimum (stationary from step 0),
    // one that diverges for the larger rates, one that is not finite: 11 lanes, so a padded
    // block of 8 is exercised too.
    let starts = [
        [-0.3, -0.9],
        [0.5, 0.5],
        [-4.9, 4.9],
        [3.0, 2.0],
        [4.5, -4.5],
        [-1.0, 3.0],
        [2.0, -1.0],
        [-3.0, -3.0],
        [0.0, 0.0],
        [1e6, -1e6],
        [f64::NAN, 0.0],
    ];
    for kind in OptimizerKind::ALL {
        let spec = RunSpec::from(RunConfig::new(kind));
        assert_lanes_equal_lone_runs(&Surface::Himmelblau, &spec, &starts, 300);
    }
}

#[test]
fn noise_clipping_and_schedules_are_per_lane_as_in_lone_runs() {
    let mut spec = RunSpec::from(RunConfig::new(OptimizerKind::Adam));
    spec.optimizer.set("lr", 0.05).unwrap();
    spec.noise = Some(Noise {
        sigma: 2.0,
        seed: 11,
    });
    spec.clip_norm = Some(5.0);
    spec.clip_value = Some(30.0);
    spec.schedule = Schedule::Cosine {
        t_max: 200,
        eta_min: 0.001,
    };
    let starts = [
        [-1.2, 1.0],
        [0.0, 2.5],
        [1.5, -0.5],
        [-2.0, -1.0],
        [0.9, 0.9],
    ];
    assert_lanes_equal_lone_runs(&Surface::Rosenbrock, &spec, &starts, 400);
}

#[test]
fn every_surface_in_a_batch_equals_its_lone_runs() {
    let mut spec = RunSpec::from(RunConfig::new(OptimizerKind::Momentum));
    spec.optimizer.set("lr", 1e-3).unwrap();
    for surface in Surface::all() {
        let v = surface.default_view();
        let starts: Vec<[f64; 2]> = (0..13)
            .map(|i| {
                let t = i as f64 / 12.0;
                [
                    v.x_min + t * (v.x_max - v.x_min),
                    v.y_max - t * t * (v.y_max - v.y_min),
                ]
            })
            .chain([[0.0, 0.0], surface.default_start()])
            .collect();
        assert_lanes_equal_lone_runs(&surface, &spec, &starts, 200);
    }
}

#[test]
fn per_lane_learning_rates_equal_lone_runs_with_those_rates() {
    let lrs = log_space(1e-4, 1.0, 21).unwrap();
    for kind in OptimizerKind::ALL {
        let spec = RunSpec::from(RunConfig::new(kind));
        let start = Surface::Rosenbrock.default_start();
        let mut batch = Batch::with_lrs(&Surface::Rosenbrock, &spec, start, &lrs).unwrap();
        let lanes = lane_trajectories(&mut batch, 250);
        for (&lr, lane) in lrs.iter().zip(&lanes) {
            let mut lone_spec = spec.clone();
            lone_spec.optimizer.set("lr", lr).unwrap();
            let lone = simulate(&Surface::Rosenbrock, &lone_spec, start, 250).unwrap();
            assert_eq!(bits(lane), bits(&lone), "{} at lr {lr}", kind.id());
        }
    }
}

#[test]
fn a_batched_sweep_equals_the_one_at_a_time_sweep() {
    let lrs = log_space(1e-4, 1.0, 50).unwrap();
    for kind in OptimizerKind::ALL {
        let spec = RunSpec::from(RunConfig::new(kind));
        let (surface, start) = (Surface::bowl(), Surface::bowl().default_start());
        let batched = lr_sweep(&surface, &spec, start, 500, &lrs, 1e-6).unwrap();
        let single = lr_sweep_single(&surface, &spec, start, 500, &lrs, 1e-6).unwrap();
        assert_eq!(batched, single, "{}", kind.id());
    }
}

#[test]
fn batched_scores_equal_the_scores_of_lone_runs() {
    // Rates from far too small to far too large: some lanes settle, some diverge.
    let lrs = log_space(1e-4, 3.0, 23).unwrap();
    for objective in [
        Objective::FinalLoss,
        Objective::StepsToTolerance(1e-6),
        Objective::AreaUnderCurve,
    ] {
        for kind in OptimizerKind::ALL {
            for surface in [Surface::bowl(), Surface::Rosenbrock] {
                let spec = RunSpec::from(RunConfig::new(kind));
                let start = surface.default_start();
                let batched = lr_scores(&surface, &spec, start, 300, &lrs, objective).unwrap();
                for (&lr, &b) in lrs.iter().zip(&batched) {
                    let mut lone = spec.clone();
                    lone.optimizer.set("lr", lr).unwrap();
                    let t = simulate(&surface, &lone, start, 300).unwrap();
                    let s = score(&surface, &t, objective);
                    assert_eq!(
                        b.to_bits(),
                        s.to_bits(),
                        "{} {objective:?} lr {lr}",
                        kind.id()
                    );
                }
            }
        }
    }
}

#[test]
fn a_batched_basin_map_equals_the_one_at_a_time_map() {
    let grid = BasinGrid {
        view: View::new(-5.0, 5.0, -5.0, 5.0),
        width: 23,
        height: 9,
        steps: 400,
        tol: 1e-4,
    };
    for kind in [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
        OptimizerKind::Newton,
    ] {
        let mut spec = RunSpec::from(RunConfig::new(kind));
        if kind != OptimizerKind::Newton {
            spec.optimizer.set("lr", 0.01).unwrap();
        }
        let batched = grid.rows(&Surface::Himmelblau, &spec, 2..9).unwrap();
        let single = grid.rows_single(&Surface::Himmelblau, &spec, 2..9).unwrap();
        assert_eq!(batched, single, "{}", kind.id());
        // Not a trivial map: gradient descent and momentum reach several minima.
        if matches!(kind, OptimizerKind::Sgd | OptimizerKind::Momentum) {
            let mut reached: Vec<usize> = batched
                .iter()
                .filter_map(|c| match c {
                    Basin::Minimum { index, .. } => Some(*index),
                    _ => None,
                })
                .collect();
            reached.sort_unstable();
            reached.dedup();
            assert_eq!(reached, vec![0, 1, 2, 3], "{}", kind.id());
        }
    }
    // Over a wider view, starts far out on Himmelblau's quartic walls overshoot until they
    // overflow, while those nearer a minimum settle: both kinds of decision in one chunk.
    let grid = BasinGrid {
        view: View::new(-10.0, 10.0, -10.0, 10.0),
        ..grid
    };
    let mut spec = RunSpec::from(RunConfig::new(OptimizerKind::Sgd));
    spec.optimizer.set("lr", 0.01).unwrap();
    let batched = grid.rows(&Surface::Himmelblau, &spec, 0..9).unwrap();
    let single = grid.rows_single(&Surface::Himmelblau, &spec, 0..9).unwrap();
    assert_eq!(batched, single);
    let diverged = batched
        .iter()
        .filter(|c| matches!(c, Basin::Diverged { .. }))
        .count();
    let settled = batched
        .iter()
        .filter(|c| matches!(c, Basin::Minimum { .. }))
        .count();
    assert!(
        diverged > 0 && settled > 0,
        "{diverged} diverged, {settled} settled"
    );
}

#[test]
fn a_batch_refuses_what_a_lone_run_refuses() {
    let spec = RunSpec::from(RunConfig::new(OptimizerKind::Sgd));
    assert!(Batch::new(&Surface::bowl(), &spec, &[]).is_err());
    let e = Batch::with_lrs(&Surface::bowl(), &spec, [1.0, 1.0], &[0.1, -1.0])
        .err()
        .expect("a negative rate is refused");
    assert!(e.to_string().contains("lr"), "{e}");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use crate::common::strategies::any_config;
    use proptest::prelude::*;

    /// A configuration with every hyperparameter inside its slider range and random flags,
    /// schedule, clipping and noise.
    fn any_spec() -> impl Strategy<Value = RunSpec> {
        (
            any_config(),
            proptest::option::of((0.0f64..3.0, any::<u64>())),
            proptest::option::of(0.1f64..50.0),
            proptest::option::of(0.1f64..50.0),
            prop_oneof![
                Just(Schedule::Constant),
                (1u32..100, 0.1f64..1.0).prop_map(|(size, gamma)| Schedule::Step { size, gamma }),
                (1u32..300, 0.0f64..1e-3)
                    .prop_map(|(t_max, eta_min)| Schedule::Cosine { t_max, eta_min }),
            ],
        )
            .prop_map(|(c, noise, clip_norm, clip_value, schedule)| {
                let mut spec = RunSpec::from(c);
                spec.noise = noise.map(|(sigma, seed)| Noise { sigma, seed });
                spec.clip_norm = clip_norm;
                spec.clip_value = clip_value;
                spec.schedule = schedule;
                spec
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_batch_equals_its_lone_runs(
            spec in any_spec(),
            surface in proptest::sample::select(Surface::all()),
            starts in proptest::collection::vec((-5.0f64..5.0, -5.0f64..5.0), 1..20),
        ) {
            let starts: Vec<[f64; 2]> = starts.into_iter().map(|(x, y)| [x, y]).collect();
            match Batch::new(&surface, &spec, &starts) {
                Err(e) => {
                    let lone = simulate(&surface, &spec, starts[0], 1).unwrap_err();
                    prop_assert_eq!(e.to_string(), lone.to_string());
                }
                Ok(mut batch) => {
                    let lanes = lane_trajectories(&mut batch, 120);
                    for (start, lane) in starts.iter().zip(&lanes) {
                        let lone = simulate(&surface, &spec, *start, 120).unwrap();
                        prop_assert_eq!(bits(lane), bits(&lone));
                    }
                }
            }
        }

        #[test]
        fn a_surface_at_eight_points_is_eight_lone_evaluations(
            surface in proptest::sample::select(Surface::all()),
            xs in proptest::array::uniform8(prop_oneof![-6.0f64..6.0, Just(0.0), Just(1e-170)]),
            ys in proptest::array::uniform8(prop_oneof![-6.0f64..6.0, Just(0.0), Just(-1e-170)]),
        ) {
            let (f, gx, gy) = surface.values_and_gradients(xs, ys);
            for i in 0..8 {
                let (fi, gi) = surface.value_and_gradient([xs[i], ys[i]]);
                prop_assert_eq!(
                    [f[i].to_bits(), gx[i].to_bits(), gy[i].to_bits()],
                    [fi.to_bits(), gi[0].to_bits(), gi[1].to_bits()]
                );
                // And the value is the plain f64 evaluation's, to rounding (`powi(4)` may
                // multiply in another order).
                let plain = surface.value([xs[i], ys[i]]);
                prop_assert!((fi - plain).abs() <= 1e-13 * plain.abs().max(1.0), "{fi} vs {plain}");
            }
        }
    }
}

#[test]
fn a_retired_lane_is_not_reported_near_still() {
    // Two runs resting at the bowl's minimum and one far from it: after a step the two have
    // neither moved nor a gradient, so both are reported until one is retired.
    let spec = RunSpec::from(RunConfig::new(OptimizerKind::Sgd));
    let surface = Surface::bowl();
    let mut batch = Batch::new(&surface, &spec, &[[0.0, 0.0], [2.0, 1.0], [0.0, 0.0]]).unwrap();
    batch.step();
    let near = |b: &Batch| {
        let mut out = Vec::new();
        b.near_still(1e-9, |i| out.push(i));
        out
    };
    assert_eq!(near(&batch), vec![0, 2]);
    batch.retire(0);
    assert_eq!(near(&batch), vec![2]);
    batch.retire(2);
    assert!(near(&batch).is_empty());
}
