//! The scenario's URL form: a link reproduces exactly what was on screen, and a malformed
//! link is an error that says what is wrong, never a panic.

use optiviz::optim::OptimizerKind;
use optiviz::run::Noise;
use optiviz::scenario::{Chart, MAX_RUNS, Scenario};
use optiviz::schedule::Schedule;
use optiviz::surface::{Surface, View};

#[test]
fn the_default_scenario_and_the_empty_query() {
    assert_eq!(Scenario::from_query(""), Ok(Scenario::default()));
    assert_eq!(Scenario::from_query("?"), Ok(Scenario::default()));
    let d = Scenario::default();
    assert_eq!(
        d.to_query(),
        "surface=rosenbrock&start=-1.2,1&steps=1500&step=0&speed=300\
         &run=sgd;lr=0.001&run=momentum;lr=0.001&run=adam;lr=0.05"
    );
}

#[test]
fn a_hand_written_link() {
    let s = Scenario::from_query(
        "?surface=bowl&k=50&angle=0.3&start=-2,1&view=-4,4,-3,3&steps=800&step=120&speed=60\
         &run=momentum;lr=0.01;momentum=0.95;classical\
         &run=adam;lr=0.1;!bias_correction;schedule=cosine:t_max%3D500,eta_min%3D0;noise=0.5@7;hidden\
         &lesson=lr,momentum&large&overlay&chart=distance",
    )
    .unwrap();
    assert_eq!(
        s.surface,
        Surface::Bowl {
            condition: 50.0,
            angle: 0.3
        }
    );
    assert_eq!(s.start, [-2.0, 1.0]);
    assert_eq!(s.view, Some(View::new(-4.0, 4.0, -3.0, 3.0)));
    assert_eq!((s.steps, s.step, s.speed), (800, 120, 60.0));
    assert_eq!(s.runs.len(), 2);
    let m = &s.runs[0].spec.optimizer;
    assert_eq!(
        (m.kind, m.get("momentum"), m.get_flag("classical")),
        (OptimizerKind::Momentum, Ok(0.95), Ok(true))
    );
    let a = &s.runs[1];
    assert!(a.hidden);
    assert_eq!(a.spec.optimizer.get_flag("bias_correction"), Ok(false));
    assert_eq!(
        a.spec.schedule,
        Schedule::Cosine {
            t_max: 500,
            eta_min: 0.0
        }
    );
    assert_eq!(
        a.spec.noise,
        Some(Noise {
            sigma: 0.5,
            seed: 7
        })
    );
    assert_eq!(s.lesson, Some(vec!["lr".to_owned(), "momentum".to_owned()]));
    assert!(s.large && s.overlay);
    assert_eq!(s.chart, Chart::Distance);
    assert_eq!(Scenario::from_query(&s.to_query()), Ok(s));
}

#[test]
fn malformed_links_say_what_is_wrong() {
    let err = |q: &str| Scenario::from_query(q).unwrap_err();
    assert_eq!(
        err("surface=moon"),
        "unknown surface 'moon': allowed values are rosenbrock, bowl, beale, himmelblau, saddle, booth, rastrigin, ackley, goldstein-price, six-hump-camel, styblinski-tang, monkey-saddle, easom"
    );
    assert_eq!(
        err("start=1"),
        "start '1' needs 2 numbers separated by commas"
    );
    assert_eq!(err("start=1,nan"), "start 'nan' is not a finite number");
    assert_eq!(
        err("view=1,0,0,1"),
        "view '1,0,0,1' needs x_min < x_max and y_min < y_max"
    );
    assert_eq!(
        err("run=adam;beta1=2"),
        "run 1: invalid beta1 = 2: allowed values are 0 ≤ beta1 < 1"
    );
    assert_eq!(
        err("run=sgd&run=adam;momentum=0.9"),
        "run 2: adam has no option 'momentum': allowed names are lr, beta1, beta2, eps, weight_decay, eps_inside_sqrt, bias_correction"
    );
    assert_eq!(
        err("run=sgd;schedule=exp"),
        "run 1: schedule 'exp' needs gamma=…"
    );
    assert_eq!(err("steps=0"), "steps 0: allowed values are 1 to 20000");
    assert_eq!(
        err("surface=rosenbrock&k=3"),
        "k and angle belong to surface=bowl only"
    );
    assert!(err("zoom=2").starts_with("unknown part 'zoom': allowed are surface"));
    assert_eq!(
        err("chart=speed"),
        "unknown chart 'speed': allowed values are loss, grad, distance"
    );
    assert_eq!(err(&"run=sgd&".repeat(MAX_RUNS + 1)), "more than 8 runs");
    assert_eq!(
        err("run=sgd;noise=1@x"),
        "run 1: noise seed 'x' is not a whole number"
    );
    assert_eq!(
        err("surface=%FF"),
        "the value of 'surface' is not valid UTF-8"
    );
}

#[test]
fn a_step_past_the_end_is_clamped() {
    let s = Scenario::from_query("steps=100&step=500").unwrap();
    assert_eq!(s.step, 100);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use optiviz::optim::RunConfig;
    use optiviz::scenario::RunEntry;
    use proptest::prelude::*;

    fn any_run() -> impl Strategy<Value = RunEntry> {
        (
            proptest::sample::select(OptimizerKind::ALL.to_vec()),
            proptest::collection::vec(0.0f64..1.0, 6),
            proptest::collection::vec(any::<bool>(), 2),
            any::<bool>(),
            proptest::option::of((0.0f64..5.0, any::<u64>())),
            proptest::option::of(1e-3f64..100.0),
            prop_oneof![
                Just(Schedule::Constant),
                (1u32..1000, 0.01f64..1.0).prop_map(|(size, gamma)| Schedule::Step { size, gamma })
            ],
        )
            .prop_map(|(kind, fractions, bits, hidden, noise, clip, schedule)| {
                let mut c = RunConfig::new(kind);
                for (p, f) in kind.params().iter().zip(fractions) {
                    c.set(p.name, p.slider[0] + f * (p.slider[1] - p.slider[0]))
                        .unwrap();
                }
                for (flag, on) in kind.flags().iter().zip(bits) {
                    c.set_flag(flag.name, on).unwrap();
                }
                let mut entry = RunEntry::from(c);
                entry.hidden = hidden;
                entry.spec.noise = noise.map(|(sigma, seed)| Noise { sigma, seed });
                entry.spec.clip_norm = clip;
                entry.spec.schedule = schedule;
                entry
            })
    }

    fn any_scenario() -> impl Strategy<Value = Scenario> {
        (
            proptest::sample::select(Surface::all()),
            (0.1f64..100.0, -3.0f64..3.0),
            (-1e3f64..1e3, -1e3f64..1e3),
            proptest::option::of((-10.0f64..0.0, 0.1f64..10.0, -10.0f64..0.0, 0.1f64..10.0)),
            proptest::collection::vec(any_run(), 1..=MAX_RUNS),
            (1usize..20_000, 0usize..30_000, 1.0f64..5000.0),
            proptest::option::of(proptest::collection::vec("[a-z_]{1,12}", 0..4)),
            (
                any::<bool>(),
                any::<bool>(),
                proptest::sample::select(Chart::ALL.to_vec()),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    surface,
                    (k, angle),
                    start,
                    view,
                    runs,
                    (steps, step, speed),
                    lesson,
                    (large, overlay, chart, theory),
                )| {
                    let surface = match surface {
                        Surface::Bowl { .. } => Surface::Bowl {
                            condition: k,
                            angle,
                        },
                        s => s,
                    };
                    Scenario {
                        surface,
                        view: view.map(|(x0, w, y0, h)| View::new(x0, x0 + w, y0, y0 + h)),
                        start: [start.0, start.1],
                        runs,
                        steps,
                        step: step.min(steps),
                        speed,
                        lesson,
                        large,
                        overlay,
                        chart,
                        story: None,
                        theory,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn links_round_trip(s in any_scenario()) {
            let q = s.to_query();
            prop_assert_eq!(Scenario::from_query(&q), Ok(s), "{}", q);
        }

        #[test]
        fn any_text_is_a_scenario_or_an_explanation(q in "\\PC{0,80}") {
            if let Err(e) = Scenario::from_query(&q) {
                prop_assert!(!e.is_empty());
            }
        }

        #[test]
        fn link_like_text_is_a_scenario_or_an_explanation(
            parts in proptest::collection::vec(
                (prop_oneof![Just("surface"), Just("run"), Just("start"), Just("view"), Just("step"), Just("k"), Just("lesson")],
                 "[-a-z0-9_.,;:=!@%]{0,24}"),
                0..6),
        ) {
            let q = parts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
            match Scenario::from_query(&q) {
                Ok(s) => prop_assert!(!s.runs.is_empty() && s.step <= s.steps),
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }
    }
}
