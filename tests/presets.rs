//! Every preset's caption is a claim about the simulation; these tests check each claim.

use optiviz::core::run::{Trajectory, simulate};
use optiviz::i18n::Lang;
use optiviz::state::presets::{PRESETS, preset};
use optiviz::state::scenario::Scenario;

fn runs(id: &str) -> (Scenario, Vec<Trajectory>) {
    let s = preset(id).unwrap().scenario();
    let t = s
        .runs
        .iter()
        .map(|r| simulate(&s.surface, &r.spec, s.start, s.steps).unwrap())
        .collect();
    (s, t)
}

fn steps_below(t: &Trajectory, tol: f64) -> usize {
    t.losses.iter().position(|&l| l < tol).unwrap_or(usize::MAX)
}

#[test]
fn every_preset_loads_and_links_back_to_itself() {
    for p in PRESETS {
        let s = p.scenario();
        assert_eq!(s.story.as_deref(), Some(p.id));
        assert_eq!(
            Scenario::from_query(&s.to_query()),
            Ok(s.clone()),
            "{}",
            p.id
        );
        assert!(
            p.caption(Lang::En).matches(". ").count() >= 1,
            "{}: two sentences",
            p.id
        );
    }
    assert!(
        preset("nope")
            .unwrap_err()
            .to_string()
            .starts_with("unknown story 'nope': allowed values are rosenbrock-valley")
    );
}

#[test]
fn a_story_link_opens_the_story_s_scene_and_other_keys_override_it() {
    for p in PRESETS {
        let alone = Scenario::from_query(&format!("story={}", p.id));
        assert_eq!(alone, Ok(p.scenario()), "{}", p.id);
    }
    let s = Scenario::from_query("?story=saddle-point&steps=100&step=5").unwrap();
    let saddle = preset("saddle-point").unwrap().scenario();
    assert_eq!(
        (s.surface, s.start, &s.runs),
        (saddle.surface, saddle.start, &saddle.runs)
    );
    assert_eq!((s.steps, s.step), (100, 5));
    // Another surface without a start starts at that surface's default start.
    let s = Scenario::from_query("story=saddle-point&surface=booth").unwrap();
    assert_eq!(
        s.start,
        optiviz::core::surface::Surface::Booth.default_start()
    );
    assert_eq!(s.runs, saddle.runs);
    assert_eq!(
        Scenario::from_query("keep_rates=maybe")
            .unwrap_err()
            .to_string(),
        "keep_rates 'maybe': allowed are keep_rates alone, keep_rates=1 or keep_rates=true (on), \
         keep_rates=0 or keep_rates=false (off)"
    );
}

#[test]
fn rosenbrock_momentum_reaches_the_minimum_long_before_gradient_descent() {
    let (_, t) = runs("rosenbrock-valley");
    let (gd, momentum) = (&t[0], &t[1]);
    assert!(steps_below(momentum, 1e-3) < 1500);
    assert!(
        steps_below(gd, 1e-3) == usize::MAX,
        "gradient descent is still on the floor"
    );
    assert!(gd.losses[1500] > 100.0 * momentum.losses[1500]);
}

#[test]
fn ill_conditioned_bowl_momentum_takes_about_half_the_steps() {
    let (s, t) = runs("ill-conditioned-bowl");
    assert_eq!(s.surface.hessian([0.0, 0.0]).2[(1, 1)], 50.0);
    let (gd, momentum) = (steps_below(&t[0], 1e-6), steps_below(&t[1], 1e-6));
    assert!(
        momentum * 10 <= gd * 6,
        "momentum {momentum} vs gradient descent {gd}"
    );
    // Gradient descent zig-zags across the narrow axis: y changes sign step after step.
    let flips = t[0].points[..30]
        .windows(2)
        .filter(|w| w[0][1] * w[1][1] < 0.0)
        .count();
    assert!(flips >= 20, "{flips} sign changes of y in 30 steps");
}

#[test]
fn saddle_gradient_descent_lingers_while_momentum_and_adam_escape() {
    let (_, t) = runs("saddle-point");
    let y = |k: usize, run: &Trajectory| run.points[k][1].abs();
    assert!(
        y(50, &t[0]) < 0.05,
        "gradient descent is still beside the saddle"
    );
    assert!(
        y(50, &t[1]) > 1.0 && y(50, &t[2]) > 1.0,
        "momentum and Adam have left"
    );
    assert!(y(300, &t[0]) > 1.0, "gradient descent escapes in the end");
}

#[test]
fn too_large_learning_rates_bounce_then_diverge() {
    let (_, t) = runs("too-large");
    assert_eq!(t[0].diverged_at, None);
    assert_eq!(t[1].diverged_at, None);
    assert!(
        t[1].losses[1500] > t[0].losses[1500],
        "η = 0.004 ends higher than η = 0.001"
    );
    assert!(
        t[2].diverged_at.is_some_and(|k| k <= 10),
        "{:?}",
        t[2].diverged_at
    );
}

#[test]
fn bias_correction_first_step_ratio() {
    let (_, t) = runs("bias-correction");
    let step = |run: &Trajectory| (run.points[1][0] - run.points[0][0]).abs();
    assert!(
        (step(&t[0]) - 0.1).abs() < 1e-7,
        "with the correction the first step is η"
    );
    let ratio = step(&t[1]) / step(&t[0]);
    let predicted = (1.0 - 0.9) / (1.0f64 - 0.999).sqrt();
    assert!((ratio - predicted).abs() < 1e-6, "{ratio} vs {predicted}");
    assert!((3.15..3.17).contains(&ratio));
}

#[test]
fn noisy_gradients_adam_settles_lower_on_average() {
    let (s, t) = runs("noisy-gradients");
    assert_eq!(
        s.runs[0].spec.noise, s.runs[1].spec.noise,
        "the same noise for both"
    );
    let late_mean =
        |run: &Trajectory| run.losses[500..].iter().sum::<f64>() / (run.losses.len() - 500) as f64;
    let (sgd, adam) = (late_mean(&t[0]), late_mean(&t[1]));
    assert!(adam < sgd, "Adam {adam} vs SGD {sgd}");
    // SGD keeps bouncing: its late losses never settle below 1e-4 for long.
    assert!(t[0].losses[500..].iter().filter(|&&l| l < 1e-4).count() < 50);
}

/// Rosenbrock's gradient by hand: (−2(1 − x) − 400x(y − x²), 200(y − x²)).
fn rosenbrock_gradient([x, y]: [f64; 2]) -> [f64; 2] {
    [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]
}

#[test]
fn adagrad_stalls_on_the_floor_while_rmsprop_reaches_the_minimum() {
    let (s, t) = runs("adagrad-rmsprop");
    let (adagrad, rmsprop) = (&t[0], &t[1]);
    assert_eq!((adagrad.diverged_at, rmsprop.diverged_at), (None, None));
    // Started on the steep wall: the first gradient is hundreds long.
    let g = rosenbrock_gradient(s.start);
    assert!(g[0].hypot(g[1]) > 100.0, "{g:?}");
    let dist = |p: [f64; 2]| (p[0] - 1.0).hypot(p[1] - 1.0);
    assert!(adagrad.losses[1500] > 1.0, "{}", adagrad.losses[1500]);
    assert!(
        dist(adagrad.points[1500]) > 1.0,
        "{:?}",
        adagrad.points[1500]
    );
    assert!(rmsprop.losses[1500] < 0.05, "{}", rmsprop.losses[1500]);
    // AdaGrad's steps shrink: its first is η = 0.5 along each axis, and once it is on the
    // floor (from step 200) each is under 0.005 long; RMSprop's stay about η = 0.01 long.
    let step = |run: &Trajectory, k: usize| {
        (run.points[k + 1][0] - run.points[k][0]).hypot(run.points[k + 1][1] - run.points[k][1])
    };
    assert!((step(adagrad, 0) - 0.5 * 2f64.sqrt()).abs() < 1e-6);
    let longest = (200..1500).map(|k| step(adagrad, k)).fold(0.0, f64::max);
    assert!(longest < 0.005, "AdaGrad's longest late step {longest}");
    let late = (1400..1500).map(|k| step(rmsprop, k)).sum::<f64>() / 100.0;
    assert!((0.005..0.03).contains(&late), "RMSprop's late step {late}");
}

#[test]
fn lr_decay_settles_lower_than_a_constant_rate_under_the_same_noise() {
    let (s, t) = runs("lr-decay");
    assert_eq!(s.runs[0].spec.noise, s.runs[1].spec.noise, "the same noise");
    let (constant, decayed) = (&t[0], &t[1]);
    // One run for the first 100 steps (the rate first halves after step 100).
    assert_eq!(constant.points[..=100], decayed.points[..=100]);
    assert_ne!(constant.points[101], decayed.points[101]);
    let late_mean =
        |run: &Trajectory| run.losses[500..].iter().sum::<f64>() / (run.losses.len() - 500) as f64;
    let (c, d) = (late_mean(constant), late_mean(decayed));
    assert!(d * 5.0 < c, "decayed {d} vs constant {c}");
}

#[test]
fn clipping_keeps_a_steep_start_finite_where_plain_descent_diverges() {
    let (s, t) = runs("gradient-clipping");
    let g = rosenbrock_gradient(s.start);
    assert!(g[0].hypot(g[1]) > 1700.0, "{g:?}");
    let (plain, clipped) = (&t[0], &t[1]);
    let step = |run: &Trajectory, k: usize| {
        (run.points[k + 1][0] - run.points[k][0]).hypot(run.points[k + 1][1] - run.points[k][1])
    };
    assert!(step(plain, 0) > 3.0, "{}", step(plain, 0));
    assert!(
        plain.diverged_at.is_some_and(|k| k <= 15),
        "{:?}",
        plain.diverged_at
    );
    assert_eq!(clipped.diverged_at, None);
    assert!((0..1500).all(|k| step(clipped, k) <= 0.02 + 1e-12));
    assert!(clipped.losses[1500] < 0.05, "{}", clipped.losses[1500]);
}
