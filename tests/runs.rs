//! What surrounds an optimizer in a run: schedules, clipping, noise, the momentum convention,
//! Newton's fallback and divergence, each checked against numbers derived by hand.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{Noise, RunSpec, simulate};
use optiviz::core::schedule::Schedule;
use optiviz::core::surface::Surface;

fn config(kind: OptimizerKind, values: &[(&str, f64)]) -> RunConfig {
    values
        .iter()
        .try_fold(RunConfig::new(kind), |c, &(n, v)| c.with(n, v))
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-14 * b.abs().max(1.0)
}

#[test]
fn schedules_follow_torch() {
    let lrs = |s: Schedule| -> Vec<f64> { (0..6).map(|k| s.lr(1.0, k)).collect() };
    // StepLR(step_size=2, gamma=0.5)
    assert_eq!(
        lrs(Schedule::Step {
            size: 2,
            gamma: 0.5
        }),
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    );
    // ExponentialLR(gamma=0.5)
    assert_eq!(
        lrs(Schedule::Exp { gamma: 0.5 }),
        [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125]
    );
    // CosineAnnealingLR(T_max=4, eta_min=0.2): 1, 0.2 + 0.8(1 + cos(π/4))/2, 0.6, …, 0.2 at k = 4.
    let c = lrs(Schedule::Cosine {
        t_max: 4,
        eta_min: 0.2,
    });
    let want = [
        1.0,
        0.2 + 0.4 * (1.0 + std::f64::consts::FRAC_1_SQRT_2),
        0.6,
        0.2 + 0.4 * (1.0 - std::f64::consts::FRAC_1_SQRT_2),
        0.2,
    ];
    for (got, want) in c.iter().zip(want) {
        assert!(close(*got, want), "{c:?}");
    }
    // LinearLR(start_factor=0.25, total_iters=4): 0.25, 0.4375, 0.625, 0.8125, 1, 1.
    assert_eq!(
        lrs(Schedule::Warmup {
            steps: 4,
            start: 0.25
        }),
        [0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0]
    );
    assert_eq!(lrs(Schedule::Constant), [1.0; 6]);
}

#[test]
fn schedule_text_form() {
    assert_eq!(
        "step:size=100,gamma=0.5".parse(),
        Ok(Schedule::Step {
            size: 100,
            gamma: 0.5
        })
    );
    assert_eq!(
        "cosine:t_max=50".parse(),
        Ok(Schedule::Cosine {
            t_max: 50,
            eta_min: 0.0
        })
    );
    assert_eq!(
        "warmup:steps=10".parse(),
        Ok(Schedule::Warmup {
            steps: 10,
            start: 1.0 / 3.0
        })
    );
    assert_eq!(" constant ".parse(), Ok(Schedule::Constant));
    let err = |s: &str| s.parse::<Schedule>().unwrap_err().to_string();
    assert!(err("linear").starts_with("unknown schedule 'linear': forms are constant, step:"));
    assert_eq!(
        err("step:size=0,gamma=0.5"),
        "invalid schedule size = 0: allowed values are integers ≥ 1"
    );
    assert_eq!(
        err("exp:gamma=-1"),
        "invalid schedule gamma = -1: allowed values are 0 < gamma"
    );
    assert_eq!(
        err("exp:rate=0.9"),
        "schedule 'exp' has no argument 'rate': allowed are gamma"
    );
    assert_eq!(err("step:gamma=0.5"), "schedule 'step' needs size=…");
    assert_eq!(
        err("exp:gamma=fast"),
        "schedule gamma = 'fast' is not a number"
    );
}

#[test]
fn a_schedule_scales_each_step() {
    // SGD on the bowl from (1, 1) with lr 0.1 halved every step: g = (x, 10y).
    // θ₁ = (1 − 0.1, 1 − 1) = (0.9, 0);  θ₂ = (0.9 − 0.05·0.9, 0) = (0.855, 0).
    let spec = RunSpec {
        schedule: Schedule::Exp { gamma: 0.5 },
        ..RunSpec::from(config(OptimizerKind::Sgd, &[("lr", 0.1)]))
    };
    let t = simulate(&Surface::bowl(), &spec, [1.0, 1.0], 2).unwrap();
    assert!(close(t.points[1][0], 0.9) && close(t.points[2][0], 0.855));
}

#[test]
fn momentum_conventions_agree_at_constant_lr_and_part_when_it_changes() {
    let torch = config(OptimizerKind::Momentum, &[("lr", 0.01), ("momentum", 0.9)]);
    let classical = torch.clone().with_flag("classical", true).unwrap();
    // On Rosenbrock at a constant, stable η = 0.001, over 200 steps:
    let run = |c: &RunConfig| {
        let c = c.clone().with("lr", 1e-3).unwrap();
        simulate(&Surface::Rosenbrock, &RunSpec::from(c), [-1.2, 1.0], 200).unwrap()
    };
    let (a, b) = (run(&torch), run(&classical));
    for (p, q) in a.points.iter().zip(&b.points) {
        assert!((p[0] - q[0]).abs() < 1e-12 && (p[1] - q[1]).abs() < 1e-12);
    }
    // With η₁ = 0.01 then η₂ = 0.005 (StepLR size 1, γ = 0.5), on the bowl from (1, 1):
    // g₁ = (1, 10). Both: θ₁ = (1, 1) − 0.01·(1, 10) = (0.99, 0.9).
    // g₂ = (0.99, 9). torch: b₂ = 0.9·(1, 10) + g₂ = (1.89, 18), θ₂ = θ₁ − 0.005·b₂ = (0.98055, 0.81).
    // textbook: v₂ = 0.9·(0.01, 0.1) + 0.005·g₂ = (0.01395, 0.135), θ₂ = θ₁ − v₂ = (0.97605, 0.765).
    let step = Schedule::Step {
        size: 1,
        gamma: 0.5,
    };
    let bowl = |c: &RunConfig| {
        let spec = RunSpec {
            schedule: step,
            ..RunSpec::from(c.clone())
        };
        simulate(&Surface::bowl(), &spec, [1.0, 1.0], 2)
            .unwrap()
            .points[2]
    };
    let (p, q) = (bowl(&torch), bowl(&classical));
    assert!(close(p[0], 0.98055) && close(p[1], 0.81), "{p:?}");
    assert!(close(q[0], 0.97605) && close(q[1], 0.765), "{q:?}");
}

#[test]
fn clipping_by_value_and_by_norm() {
    let sgd = config(OptimizerKind::Sgd, &[("lr", 0.1)]);
    // g = (1, 10) at (1, 1), clamped to (1, 2): θ₁ = (0.9, 0.8).
    let spec = RunSpec {
        clip_value: Some(2.0),
        ..RunSpec::from(sgd.clone())
    };
    let t = simulate(&Surface::bowl(), &spec, [1.0, 1.0], 1).unwrap();
    assert!(close(t.points[1][0], 0.9) && close(t.points[1][1], 0.8));
    // ‖(1, 10)‖ = √101; clip_grad_norm_(1): g · 1/(√101 + 1e-6).
    let spec = RunSpec {
        clip_norm: Some(1.0),
        ..RunSpec::from(sgd.clone())
    };
    let t = simulate(&Surface::bowl(), &spec, [1.0, 1.0], 1).unwrap();
    let c = 1.0 / (101f64.sqrt() + 1e-6);
    assert!(close(t.points[1][0], 1.0 - 0.1 * c) && close(t.points[1][1], 1.0 - c));
    // A norm already below the bound is left as it is (the coefficient is clamped to 1).
    let spec = RunSpec {
        clip_norm: Some(100.0),
        ..RunSpec::from(sgd)
    };
    let t = simulate(&Surface::bowl(), &spec, [1.0, 1.0], 1).unwrap();
    assert_eq!(t.points[1], [0.9, 0.0]);
}

#[test]
fn noise_is_seeded() {
    let adam = RunSpec::from(config(OptimizerKind::Adam, &[("lr", 0.05)]));
    let with = |sigma: f64, seed: u64| {
        let spec = RunSpec {
            noise: Some(Noise { sigma, seed }),
            ..adam.clone()
        };
        simulate(&Surface::Rosenbrock, &spec, [-1.2, 1.0], 200).unwrap()
    };
    let plain = simulate(&Surface::Rosenbrock, &adam, [-1.2, 1.0], 200).unwrap();
    assert_eq!(with(0.0, 7), plain, "σ = 0 is no noise");
    assert_eq!(
        with(5.0, 7),
        with(5.0, 7),
        "the same seed replays the same jitter"
    );
    assert_ne!(with(5.0, 7).points, with(5.0, 8).points);
    assert_ne!(with(5.0, 7).points, plain.points);
}

#[test]
fn bad_settings_around_the_optimizer_are_errors() {
    let base = RunSpec::from(RunConfig::new(OptimizerKind::Sgd));
    let bad = [
        RunSpec {
            clip_norm: Some(0.0),
            ..base.clone()
        },
        RunSpec {
            clip_value: Some(f64::NAN),
            ..base.clone()
        },
        RunSpec {
            noise: Some(Noise {
                sigma: -1.0,
                seed: 0,
            }),
            ..base.clone()
        },
        RunSpec {
            schedule: Schedule::Exp { gamma: 0.0 },
            ..base.clone()
        },
    ];
    let messages: Vec<String> = bad
        .iter()
        .map(|s| {
            simulate(&Surface::bowl(), s, [1.0, 1.0], 5)
                .unwrap_err()
                .to_string()
        })
        .collect();
    assert_eq!(
        messages[0],
        "invalid clip_norm = 0: allowed values are 0 < clip_norm"
    );
    assert_eq!(
        messages[1],
        "invalid clip_value = NaN: allowed values are 0 < clip_value"
    );
    assert_eq!(
        messages[2],
        "invalid noise = -1: allowed values are 0 ≤ noise"
    );
    assert_eq!(
        messages[3],
        "invalid schedule gamma = 0: allowed values are 0 < gamma"
    );
}

#[test]
fn newton_solves_the_bowl_in_one_step_and_escapes_the_saddle() {
    let newton = RunSpec::from(RunConfig::new(OptimizerKind::Newton));
    // H = diag(1, 10), g = (x, 10y): d = (x, y), so θ₁ = 0.
    let t = simulate(&Surface::bowl(), &newton, [-2.5, 1.5], 1).unwrap();
    assert_eq!(t.points[1], [0.0, 0.0]);
    // Saddle x² − y² at (−1.5, 0.01): H = diag(2, −2) is indefinite, so the saddle-free step
    // divides by |λ| = 2: d = (−3, −0.02)/2, θ₁ = (0, 0.02). Plain Newton would jump onto the
    // saddle point (0, 0); the fallback doubles the distance from it along y instead.
    let saddle = Surface::from_id("saddle").unwrap();
    let t = simulate(&saddle, &newton, [-1.5, 0.01], 1).unwrap();
    assert!(
        close(t.points[1][0], 0.0) && close(t.points[1][1], 0.02),
        "{:?}",
        t.points[1]
    );
}

#[test]
fn divergence_is_reported_and_the_other_runs_are_unaffected() {
    for kind in OptimizerKind::ALL {
        // A learning rate far too large for every first-order method on Rosenbrock.
        let c = RunConfig::new(kind).with("lr", 1e6).unwrap();
        let t = simulate(&Surface::Rosenbrock, &RunSpec::from(c), [-1.2, 1.0], 3000).unwrap();
        assert!(
            t.points.iter().flatten().all(|v| v.is_finite()),
            "{}",
            kind.id()
        );
        assert!(t.losses.iter().all(|l| l.is_finite()), "{}", kind.id());
        if let Some(k) = t.diverged_at {
            assert_eq!(
                t.points.len(),
                k,
                "{}: the points before step {k}",
                kind.id()
            );
        }
    }
    let sgd = RunConfig::new(OptimizerKind::Sgd).with("lr", 0.5).unwrap();
    let t = simulate(
        &Surface::Rosenbrock,
        &RunSpec::from(sgd.clone()),
        [-1.2, 1.0],
        1000,
    )
    .unwrap();
    assert!(t.diverged_at.is_some_and(|k| k > 1 && k < 1000));
    // Room is not taken up front for every step asked for: a run of usize::MAX steps that
    // diverges early ends as the short one did, without a capacity overflow.
    let huge = simulate(
        &Surface::Rosenbrock,
        &RunSpec::from(sgd),
        [-1.2, 1.0],
        usize::MAX,
    )
    .unwrap();
    assert_eq!(huge.diverged_at, t.diverged_at);
    assert_eq!(huge.points, t.points);
}

#[test]
fn nesterov_needs_momentum() {
    let c = RunConfig::new(OptimizerKind::Nesterov)
        .with("momentum", 0.0)
        .unwrap();
    let e = simulate(&Surface::bowl(), &RunSpec::from(c), [1.0, 1.0], 1).unwrap_err();
    assert!(e.to_string().starts_with("nesterov needs momentum > 0"));
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use optiviz::core::run::{Simulation, Stepper};
    use optiviz::core::trace::Trace;
    use proptest::prelude::*;

    fn any_kind() -> impl Strategy<Value = OptimizerKind> {
        proptest::sample::select(OptimizerKind::ALL.to_vec())
    }

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            -2.0f64..2.0,
        ]
    }

    /// A valid configuration: every hyperparameter drawn inside its slider range, every flag
    /// drawn at random.
    fn any_config() -> impl Strategy<Value = RunConfig> {
        (
            any_kind(),
            proptest::collection::vec(0.0f64..1.0, 6),
            proptest::collection::vec(any::<bool>(), 2),
        )
            .prop_map(|(kind, fractions, bits)| {
                let mut c = RunConfig::new(kind);
                for (p, f) in kind.params().iter().zip(fractions) {
                    let v = p.slider[0] + f * (p.slider[1] - p.slider[0]);
                    c.set(p.name, v).unwrap();
                }
                for (flag, on) in kind.flags().iter().zip(bits) {
                    c.set_flag(flag.name, on).unwrap();
                }
                c
            })
    }

    proptest! {
        #[test]
        fn setting_any_value_is_checked_never_a_panic(kind in any_kind(), index in 0usize..8, value in any_f64()) {
            let mut c = RunConfig::new(kind);
            let names: Vec<&str> = kind.params().iter().map(|p| p.name).chain(["nonsense"]).collect();
            let name = names[index % names.len()];
            match c.set(name, value) {
                Ok(()) => prop_assert!(c.param(name).unwrap().allows(value)),
                Err(e) => {
                    let text = e.to_string();
                    prop_assert!(text.contains(name), "{text}");
                    prop_assert!(text.contains("allowed"), "{text}");
                    prop_assert_eq!(&c, &RunConfig::new(kind), "a refused value changes nothing");
                }
            }
        }

        #[test]
        fn any_valid_configuration_runs_without_panic(c in any_config(), x in -2.0f64..2.0, y in -1.0f64..3.0) {
            let t = simulate(&Surface::Rosenbrock, &RunSpec::from(c), [x, y], 200).unwrap();
            prop_assert!(t.points.iter().flatten().all(|v| v.is_finite()));
            prop_assert_eq!(t.points.len(), t.losses.len());
        }

        #[test]
        fn traces_round_trip_through_json(c in any_config(), seed in any::<u64>(), sigma in 0.0f64..3.0, steps in 0usize..40) {
            let spec = RunSpec {
                noise: Some(Noise { sigma, seed }),
                schedule: Schedule::Cosine { t_max: 20, eta_min: 1e-4 },
                clip_norm: Some(50.0),
                ..RunSpec::from(c)
            };
            let trace = Trace::run(Surface::bowl(), spec, [-2.5, 1.5], steps).unwrap();
            let back = Trace::from_json(&trace.to_json()).unwrap();
            prop_assert_eq!(&back, &trace);
            // And the JSON carries everything needed to run it again, bit for bit.
            let again = Trace::run(back.surface, back.run.clone(), back.start, back.steps).unwrap();
            prop_assert_eq!(again, trace);
        }

        /// A run simulated in slices of any lengths (as the page does while a drag or a long
        /// run would hold a frame) is the run stepped one step at a time by the stepper that
        /// the explanations use, point for point and bit for bit, divergence included.
        #[test]
        fn a_run_in_slices_is_the_run_stepped_one_at_a_time(
            c in any_config(),
            sigma in 0.0f64..3.0,
            cuts in proptest::collection::vec(0usize..70, 0..6),
            start in prop_oneof![Just([-1.5, 2.0]), Just([30.0, -40.0])],
            steps in 0usize..60,
        ) {
            let spec = RunSpec {
                noise: (sigma > 1.5).then_some(Noise { sigma, seed: 7 }),
                clip_value: (sigma < 0.5).then_some(3.0),
                ..RunSpec::from(c)
            };
            let surface = Surface::Rosenbrock;
            let (mut sliced, rest) = Simulation::begin(&surface, &spec, start, steps).unwrap();
            if let Some(mut rest) = rest {
                // A slice asks for steps up to `until`; one that asks for fewer than taken
                // takes none.
                let mut held = 0;
                let mut ended = false;
                for &until in cuts.iter().chain([&steps]) {
                    ended = rest.run(&surface, &spec, &mut sliced, until);
                    held = held.max(until.min(steps));
                    prop_assert_eq!(rest.taken(), sliced.steps());
                    if sliced.diverged_at.is_none() {
                        prop_assert_eq!(sliced.steps(), held);
                        prop_assert_eq!(ended, held == steps);
                    }
                }
                prop_assert!(ended);
            }
            // The reference: the stepper's own loop.
            let mut stepper = Stepper::new(&surface, &spec, start).unwrap();
            let (theta, loss, _) = stepper.at();
            let (mut points, mut losses) = (vec![theta], vec![loss]);
            let mut diverged = stepper.start_halt().map(|h| h.k);
            while diverged.is_none() && points.len() <= steps {
                match stepper.step() {
                    Ok(step) => {
                        points.push(step.next);
                        losses.push(step.loss);
                    }
                    Err(halt) => diverged = Some(halt.k),
                }
            }
            prop_assert_eq!(sliced.diverged_at, diverged);
            prop_assert_eq!(&sliced.points, &points);
            prop_assert_eq!(
                sliced.losses.iter().map(|l| l.to_bits()).collect::<Vec<_>>(),
                losses.iter().map(|l| l.to_bits()).collect::<Vec<_>>()
            );
        }

        #[test]
        fn schedule_text_round_trips(s in prop_oneof![
            Just(Schedule::Constant),
            (1u32..10_000, 1e-3f64..2.0).prop_map(|(size, gamma)| Schedule::Step { size, gamma }),
            (1e-3f64..2.0).prop_map(|gamma| Schedule::Exp { gamma }),
            (1u32..10_000, 0.0f64..1.0).prop_map(|(t_max, eta_min)| Schedule::Cosine { t_max, eta_min }),
            (1u32..10_000, 1e-3f64..=1.0).prop_map(|(steps, start)| Schedule::Warmup { steps, start }),
        ]) {
            prop_assert_eq!(s.to_string().parse::<Schedule>(), Ok(s));
        }

        #[test]
        fn any_schedule_text_parses_or_explains(text in "\\PC{0,40}") {
            if let Err(e) = text.parse::<Schedule>() {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        #[test]
        fn schedule_like_text_parses_or_explains(
            name in prop_oneof![Just("step"), Just("exp"), Just("cosine"), Just("warmup"), Just("constant"), Just("x")],
            args in proptest::collection::vec(("[a-z_]{1,6}", "[-0-9.e]{0,6}"), 0..3),
        ) {
            let text = format!("{name}:{}", args.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","));
            match text.parse::<Schedule>() {
                Ok(s) => prop_assert!(s.validate().is_ok()),
                Err(e) => prop_assert!(e.to_string().contains("schedule"), "{e}"),
            }
        }
    }
}

#[test]
fn step_parts_split_a_momentum_update_into_gradient_step_and_velocity() {
    // Heavy ball on the bowl ½(x² + y²) (∇f = θ) from (1, 2), η = 0.1, μ = 0.9, by torch's
    // rule b = μ b + g, θ = θ − η b: g₀ = (1, 2), b₁ = (1, 2), θ₁ = (0.9, 1.8); g₁ = (0.9, 1.8),
    // b₂ = 0.9·(1, 2) + (0.9, 1.8) = (1.8, 3.6), θ₂ = θ₁ − 0.1·b₂ = (0.72, 1.44). Step 2's
    // update is (−0.18, −0.36): the gradient step −η g₁ = (−0.09, −0.18) and the velocity's
    // share −η μ b₁ = (−0.09, −0.18).
    let surface = Surface::bowl_of(1.0, 0.0).unwrap();
    let momentum = config(OptimizerKind::Momentum, &[("lr", 0.1), ("momentum", 0.9)]);
    let t = simulate(&surface, &RunSpec::from(momentum), [1.0, 2.0], 3).unwrap();
    let parts = t.step_parts(1, OptimizerKind::Momentum).unwrap();
    let (g, update, carry) = (parts.g, parts.update, parts.carry.unwrap());
    let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(near(parts.lr, 0.1));
    assert!(near(g[0], 0.9) && near(g[1], 1.8), "{g:?}");
    assert!(
        near(update[0], -0.18) && near(update[1], -0.36),
        "{update:?}"
    );
    assert!(near(carry[0], -0.09) && near(carry[1], -0.18), "{carry:?}");
    // The effective rate per coordinate: −Δθᵢ/gᵢ = 0.18/0.9 = 0.2 = η(1 + μ b₁ᵢ/g₁ᵢ).
    assert!(
        parts.effective.iter().all(|e| near(e.unwrap(), 0.2)),
        "{parts:?}"
    );
    // Gradient descent carries nothing; past the last step there is nothing to tell.
    assert!(t.step_parts(1, OptimizerKind::Sgd).unwrap().carry.is_none());
    assert!(t.step_parts(3, OptimizerKind::Momentum).is_none());
}
