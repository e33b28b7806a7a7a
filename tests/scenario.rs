//! The scenario's URL form: a link reproduces exactly what was on screen, and a link with bad
//! parts keeps every valid one and names each bad one (the strict reading refuses it with
//! them all), never a panic.

mod common;
use optiviz::core::optim::OptimizerKind;
use optiviz::core::run::Noise;
use optiviz::core::schedule::Schedule;
use optiviz::core::surface::{Surface, View};
use optiviz::state::scenario::{Chart, MAX_RUNS, Scenario};

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
    let err = |q: &str| Scenario::from_query(q).unwrap_err().to_string();
    assert_eq!(
        err("surface=moon"),
        "unknown surface 'moon': allowed values are rosenbrock, bowl, beale, himmelblau, saddle, booth, rastrigin, ackley, goldstein-price, six-hump-camel, styblinski-tang, monkey-saddle, easom, custom (with f=FORMULA)"
    );
    assert_eq!(
        err("start=1"),
        "start '1' needs 2 numbers separated by commas"
    );
    assert_eq!(err("start=1,nan"), "start 'nan' is not a finite number");
    assert_eq!(
        err("view=1,0,0,1"),
        format!("view '1,0,0,1' cannot be shown: {VIEW_RULE}")
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
        err("steps=many"),
        "steps 'many' is not a whole number: allowed values are 1 to 20000"
    );
    assert_eq!(
        err("step=-1"),
        "step '-1' is not a whole number: allowed values are 0 and up (past the last step, the \
         last step)"
    );
    assert_eq!(
        err("surface=rosenbrock&k=3"),
        "k and angle belong to surface=bowl only"
    );
    assert!(err("zoom=2").starts_with("unknown part 'zoom': allowed are surface"));
    assert_eq!(
        err("chart=speed"),
        "unknown chart 'speed': allowed values are loss, grad, distance"
    );
    assert_eq!(
        err(&"run=sgd&".repeat(MAX_RUNS + 1)),
        "run 9: more than 8 runs: allowed are 1 to 8 runs"
    );
    assert_eq!(
        err("run=sgd;noise=1@x"),
        "run 1: noise seed 'x' is not a whole number"
    );
    assert_eq!(
        err("surface=%FF"),
        "the value of 'surface' is not valid UTF-8"
    );
}

const VIEW_RULE: &str = "allowed are x_min < x_max and y_min < y_max, every bound from -1e6 \
                         to 1e6, each side at least 1e-9 · max(1, |bound|) long";

/// Links found freezing or killing the page (issue 12): each number is finite, but a view's
/// width overflows to ∞ (plotters' tick search then never returns), vanishes, or a value
/// derived from k overflows. Each is refused where it enters, naming the allowed values.
#[test]
fn extreme_but_finite_values_in_a_link_are_refused_with_the_allowed_values() {
    let err = |q: &str| Scenario::from_query(q).unwrap_err().to_string();
    for view in [
        "-1e308,1e308,-1,1",
        "0,5e-324,0,5e-324",
        "-1e300,1e300,-1,1",
        "-1,1,-1e7,1",
        "0,1e-10,0,1",
        "999999.9999999,1e6,0,1",
    ] {
        assert_eq!(
            err(&format!("view={view}")),
            format!("view '{view}' cannot be shown: {VIEW_RULE}")
        );
    }
    assert_eq!(
        err("surface=bowl&k=5e-309"),
        "k 5e-309: allowed values are 0.001 to 1e6 (the condition number)"
    );
    assert_eq!(
        err("surface=bowl&k=1e7"),
        "k 1e7: allowed values are 0.001 to 1e6 (the condition number)"
    );
    assert_eq!(
        err("start=1e308,1e308"),
        "start '1e308,1e308': allowed are finite x and y from -1e6 to 1e6"
    );
    // The ends of every range are allowed, and every surface is finite at the far corners.
    for q in [
        "view=-1e6,1e6,-1e6,1e6",
        "view=999999.999,1e6,0,1e-9",
        "surface=bowl&k=0.001",
        "surface=bowl&k=1e6&start=1e6,-1e6",
    ] {
        assert!(Scenario::from_query(q).is_ok(), "{q}");
    }
    for surface in Surface::all() {
        for p in [[1e6, 1e6], [-1e6, 1e6], [1e6, -1e6], [-1e6, -1e6]] {
            let (f, g) = surface.value_and_gradient(p);
            assert!(
                f.is_finite() && g.iter().all(|v| v.is_finite()),
                "{surface:?} at {p:?}"
            );
        }
    }
}

#[test]
fn every_lesson_name_and_flag_in_a_link_is_checked() {
    let err = |q: &str| Scenario::from_query(q).unwrap_err().to_string();
    let e = err("lesson=nothing");
    assert!(
        e.starts_with(
            "lesson 'nothing': unknown control 'nothing': allowed are control names separated \
             by commas: surface, runs, start, view,"
        ),
        "{e}"
    );
    assert!(
        e.contains(", lr, ") && e.contains(", momentum, ") && e.contains(", beta2, "),
        "{e}"
    );
    assert!(err("lesson=").starts_with("lesson '' names no control: allowed are"));
    assert!(err("lesson=lr,zoom,pan").starts_with(
        "lesson 'lr,zoom,pan': unknown controls 'zoom', 'pan' (the lesson shows lr): \
             allowed are control names"
    ));
    assert_eq!(
        err("large=maybe"),
        "large 'maybe': allowed are large alone, large=1 or large=true (on), large=0 or \
         large=false (off)"
    );
    assert!(err("overlay=yes").starts_with("overlay 'yes': allowed are overlay alone"));
    assert!(err("theory=2").starts_with("theory '2': allowed are theory alone"));
    let s = Scenario::from_query("large=0&overlay=false&theory&lesson=lr,beta1,start").unwrap();
    assert!(!s.large && !s.overlay && s.theory);
    assert_eq!(
        s.lesson,
        Some(vec![
            "lr".to_owned(),
            "beta1".to_owned(),
            "start".to_owned()
        ])
    );
}

#[test]
fn computed_views_are_clamped_to_what_can_be_shown() {
    for v in [
        View::new(-1e308, 1e308, -1.0, 1.0),
        View::new(0.0, 5e-324, 0.0, 5e-324),
        View::new(f64::NAN, 1.0, f64::NEG_INFINITY, f64::INFINITY),
        View::new(1e300, 1e300, -1e300, -1e300),
        View::new(2.0, 1.0, 0.0, 1.0),
    ] {
        let c = v.clamped();
        assert!(c.is_workable(), "{v:?} → {c:?}");
    }
    // A workable view is left as it is.
    let v = View::new(-2.0, 2.0, -1.0, 3.0);
    assert_eq!(v.clamped(), v);
}

/// The allowed optimizer identifiers, as every unknown-optimizer message lists them.
fn optimizer_ids() -> String {
    OptimizerKind::ALL.map(|k| k.id()).join(", ")
}

#[test]
fn a_bad_link_keeps_every_valid_part_and_names_every_problem() {
    let (s, problems) = read_words(
        "surface=bowl&k=20&run=sgd;lr=0.01&run=adamm;lr=0.1&run=adam;lr=0.05&steps=0&step=7",
    );
    assert_eq!(
        problems,
        [
            format!(
                "run 2: unknown optimizer 'adamm': allowed values are {}",
                optimizer_ids()
            ),
            "steps 0: allowed values are 1 to 20000".to_owned(),
        ]
    );
    // Everything else is as the link says: the bowl of k = 20, the two good runs, step 7.
    assert_eq!(
        s.surface,
        Surface::Bowl {
            condition: 20.0,
            angle: 0.0
        }
    );
    let kinds: Vec<_> = s.runs.iter().map(|r| r.spec.optimizer.kind).collect();
    assert_eq!(kinds, [OptimizerKind::Sgd, OptimizerKind::Adam]);
    assert_eq!(s.runs[0].spec.optimizer.get("lr"), Ok(0.01));
    assert_eq!((s.steps, s.step), (Scenario::default().steps, 7));
    // The strict reading refuses the link with both problems.
    assert_eq!(
        Scenario::from_query("run=adamm&steps=0")
            .unwrap_err()
            .to_string(),
        format!(
            "run 1: unknown optimizer 'adamm': allowed values are {}; steps 0: allowed values \
             are 1 to 20000",
            optimizer_ids()
        )
    );
}

#[test]
fn each_kind_of_bad_part_is_left_out_alone() {
    let read = read_words;
    // Every run bad: the default runs, each bad one named by its place in the link.
    let (s, problems) = read("run=nope&run=adam;beta1=2");
    assert_eq!(s.runs, Scenario::default().runs);
    assert_eq!(problems.len(), 2);
    assert!(problems[0].starts_with("run 1: unknown optimizer 'nope'"));
    assert_eq!(
        problems[1],
        "run 2: invalid beta1 = 2: allowed values are 0 ≤ beta1 < 1"
    );
    // Nine runs: the first eight kept.
    let (s, problems) = read(&"run=sgd&".repeat(MAX_RUNS + 1));
    assert_eq!(s.runs.len(), MAX_RUNS);
    assert_eq!(
        problems,
        ["run 9: more than 8 runs: allowed are 1 to 8 runs"]
    );
    // A lesson keeps its known names; with none known it hides nothing.
    let (s, problems) = read("lesson=lr,zoom&run=sgd");
    assert_eq!(s.lesson, Some(vec!["lr".to_owned()]));
    assert!(
        problems[0].starts_with("lesson 'lr,zoom': unknown control 'zoom' (the lesson shows lr)")
    );
    let (s, problems) = read("lesson=zoom");
    assert_eq!(s.lesson, None, "an unknown lesson name hides no control");
    assert!(problems[0].starts_with("lesson 'zoom': unknown control 'zoom': allowed are"));
    // A bad k leaves the good one before it; k on another surface is named.
    let (s, problems) = read("surface=bowl&k=30&k=1e7");
    assert_eq!(
        s.surface,
        Surface::Bowl {
            condition: 30.0,
            angle: 0.0
        }
    );
    assert_eq!(
        problems,
        ["k 1e7: allowed values are 0.001 to 1e6 (the condition number)"]
    );
    let (s, problems) = read("surface=booth&k=3");
    assert_eq!(s.surface, Surface::Booth);
    assert_eq!(problems, ["k and angle belong to surface=bowl only"]);
    // An unknown story, a bad surface, start, view, flag, chart and key: each named, and the
    // rest of the link (here the run and the step) kept.
    let (s, problems) = read(
        "story=nope&surface=moon&start=1,nan&view=1,0,0,1&large=maybe&chart=speed&zoom=2\
         &surface=%FF&run=momentum;lr=0.002&step=3",
    );
    assert_eq!(problems.len(), 8, "{problems:#?}");
    for (problem, part) in problems.iter().zip([
        "unknown story 'nope'",
        "unknown surface 'moon'",
        "start 'nan'",
        "view '1,0,0,1'",
        "large 'maybe'",
        "unknown chart 'speed'",
        "unknown part 'zoom'",
        "the value of 'surface' is not valid UTF-8",
    ]) {
        assert!(problem.starts_with(part), "{problem} names {part}");
    }
    let d = Scenario::default();
    assert_eq!((s.surface, s.start, s.view), (d.surface, d.start, d.view));
    assert_eq!(s.runs.len(), 1);
    assert_eq!(s.runs[0].spec.optimizer.get("lr"), Ok(0.002));
    assert_eq!(
        (s.step, s.large, s.chart, s.story),
        (3, false, Chart::Loss, None)
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
    use crate::common::strategies::any_run;
    use optiviz::i18n::Lang;
    use optiviz::state::scenario::LESSON_CONTROLS;
    use proptest::prelude::*;

    /// A part no link may carry, with what its problem names: a bad run, a value out of its
    /// range, a word where a number goes, an unknown key or name.
    fn bad_part() -> impl Strategy<Value = (String, String)> {
        let pair = |key: &'static str, value: &'static str| {
            Just((key.to_owned(), format!("{key}={value}")))
        };
        prop_oneof![
            pair("run", "adamm;lr=0.1"),
            pair("run", "adam;beta1=2"),
            pair("run", "sgd;lr=-1"),
            pair("run", "sgd;schedule=exp"),
            pair("run", "momentum;nesterovv"),
            pair("run", "nesterov;momentum=0"),
            pair("steps", "0"),
            pair("steps", "20001"),
            pair("step", "x"),
            pair("speed", "0"),
            pair("surface", "moon"),
            pair("start", "1e308,0"),
            pair("view", "1,0,0,1"),
            pair("k", "1e7"),
            pair("angle", "inf"),
            pair("lesson", "zoom"),
            pair("large", "maybe"),
            pair("overlay", "2"),
            pair("chart", "speed"),
            pair("story", "nope"),
            Just(("zoom".to_owned(), "zoom=2".to_owned())),
            Just(("'surface'".to_owned(), "surface=%FF".to_owned())),
            Just(("f 'x^^2'".to_owned(), "f=x^^2".to_owned())),
        ]
    }

    fn any_scenario() -> impl Strategy<Value = Scenario> {
        (
            proptest::sample::select(
                Surface::all()
                    .into_iter()
                    .chain(
                        ["x^2 + 10*y^2", "sin(3*x)*cos(y) + (x^2 + y^2)/10"]
                            .map(|f| Surface::custom(f).expect("a formula")),
                    )
                    .collect::<Vec<_>>(),
            ),
            (0.1f64..100.0, -3.0f64..3.0),
            (-1e3f64..1e3, -1e3f64..1e3),
            proptest::option::of((-10.0f64..0.0, 0.1f64..10.0, -10.0f64..0.0, 0.1f64..10.0)),
            proptest::collection::vec(any_run(), 1..=MAX_RUNS),
            (1usize..20_000, 0usize..30_000, 1.0f64..5000.0),
            proptest::option::of(proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(LESSON_CONTROLS.to_vec()),
                    Just("lr"),
                    Just("momentum"),
                    Just("classical"),
                    Just("beta2"),
                ]
                .prop_map(str::to_owned),
                1..4,
            )),
            (
                any::<bool>(),
                any::<bool>(),
                proptest::sample::select(Chart::ALL.to_vec()),
                any::<bool>(),
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
                    (large, overlay, chart, theory, keep_rates),
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
                        // Embedded with every other steps count (the tuple of strategies is full).
                        embed: steps % 2 == 1,
                        // Either way, as the start falls (the tuple of strategies is full).
                        notation: if start.0 < 0.0 {
                            optiviz::core::explain::Notation::Notes
                        } else {
                            optiviz::core::explain::Notation::Torch
                        },
                        overlay,
                        chart,
                        story: None,
                        theory,
                        keep_rates,
                        // Every language, or none, in turn (the link carries it).
                        lang: [None, Some(Lang::En), Some(Lang::Zh)][steps % 3],
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

        /// Any four numbers at all (every bit pattern, so 1e308 and 5e-324 too): the view is
        /// refused, or it is one the plots can lay axes on.
        #[test]
        fn any_view_in_a_link_is_refused_or_workable(v in proptest::array::uniform4(any::<f64>())) {
            let q = format!("view={},{},{},{}", v[0], v[1], v[2], v[3]);
            match Scenario::from_query(&q) {
                Ok(s) => prop_assert!(s.view().is_workable(), "{}", q),
                Err(e) => {
                    let e = e.to_string();
                    prop_assert!(e.contains("allowed") || e.contains("not a finite number"), "{}", e)
                }
            }
        }

        #[test]
        fn any_text_is_a_scenario_or_an_explanation(q in "\\PC{0,80}") {
            if let Err(e) = Scenario::from_query(&q) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        /// Any text at all (link-like or not) gives a scenario the page can show and a list
        /// of problems, each a sentence; the strict reading fails exactly when there are some.
        #[test]
        fn any_query_gives_a_scenario_and_its_problems(
            q in prop_oneof![
                "\\PC{0,120}",
                proptest::collection::vec(
                    (prop_oneof![Just("surface"), Just("run"), Just("start"), Just("view"),
                                 Just("step"), Just("steps"), Just("k"), Just("angle"),
                                 Just("lesson"), Just("story"), Just("large"), Just("chart"),
                                 Just("speed"), Just("zoom")],
                     "[-a-z0-9_.,;:=!@%]{0,24}"),
                    0..12,
                ).prop_map(|parts| parts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")),
            ],
        ) {
            let (s, problems) = crate::read_words(&q);
            prop_assert!((1..=MAX_RUNS).contains(&s.runs.len()));
            prop_assert!(s.step <= s.steps && (1..=20_000).contains(&s.steps));
            prop_assert!(s.view().is_workable());
            prop_assert!(s.runs.iter().all(|r| r.spec.validate().is_ok() && r.spec.optimizer.build().is_ok()));
            prop_assert!(problems.iter().all(|p| !p.is_empty()));
            match Scenario::from_query(&q) {
                Ok(strict) => {
                    prop_assert!(problems.is_empty());
                    prop_assert_eq!(strict, s);
                }
                Err(e) => prop_assert_eq!(e.to_string(), problems.join("; ")),
            }
        }

        /// A link of valid parts with bad parts put in anywhere gives back exactly the valid
        /// parts' scenario, and one problem per bad part, naming it.
        #[test]
        fn bad_parts_put_in_a_good_link_are_each_left_out(
            s in any_scenario(),
            bad in proptest::collection::vec((bad_part(), any::<proptest::sample::Index>()), 1..6),
        ) {
            let good = s.to_query();
            let mut parts: Vec<String> = good.split('&').map(str::to_owned).collect();
            for ((_, text), at) in &bad {
                let i = at.index(parts.len() + 1);
                parts.insert(i, text.clone());
            }
            let q = parts.join("&");
            let (read, problems) = crate::read_words(&q);
            prop_assert_eq!(&read, &s, "{}", q);
            prop_assert_eq!(problems.len(), bad.len(), "{} gave {:?}", q, problems);
            for ((name, _), _) in &bad {
                prop_assert!(problems.iter().any(|p| p.contains(name.as_str())), "{} not in {:?}", name, problems);
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
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn legends_tell_runs_apart() {
    let s = Scenario::from_query(
        "run=sgd;lr=0.001&run=sgd;lr=0.01&run=momentum;lr=0.001;momentum=0.5\
         &run=momentum;lr=0.001;classical&run=adam;lr=0.05",
    )
    .unwrap();
    assert_eq!(
        optiviz::state::scenario::legends(&s.runs),
        [
            "1 · Gradient descent η=0.001",
            "2 · Gradient descent η=0.01",
            "3 · Momentum η=0.001 μ=0.5",
            "4 · Momentum η=0.001 μ=0.9 classical",
            "5 · Adam η=0.05",
        ]
    );
}

/// [`Scenario::read_query`] with its problems worded (in English, the tests' language).
fn read_words(query: &str) -> (Scenario, Vec<String>) {
    let (s, problems) = Scenario::read_query(query);
    (s, problems.iter().map(ToString::to_string).collect())
}
