//! First steps of each optimizer against numbers derived independently of optiviz: by hand
//! (in the comments) and by `tests/golden/reference.py`, a plain-Python transcription of
//! torch.optim's documented update rules that shares no code with this crate.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::{RunSpec, Trajectory, simulate};
use optiviz::core::surface::Surface;

fn config(kind: OptimizerKind, values: &[(&str, f64)]) -> RunConfig {
    values
        .iter()
        .try_fold(RunConfig::new(kind), |c, &(name, v)| c.with(name, v))
        .expect("valid test configuration")
}

fn run(surface: &Surface, config: &RunConfig, start: [f64; 2], steps: usize) -> Trajectory {
    simulate(surface, &RunSpec::from(config.clone()), start, steps).unwrap()
}

/// Asserts the first steps of `config` from `start` equal `expected`, to within `rel` relative.
fn assert_steps(
    surface: Surface,
    config: &RunConfig,
    start: [f64; 2],
    expected: &[[f64; 2]],
    rel: f64,
) {
    let t = run(&surface, config, start, expected.len());
    assert_eq!(t.points[0], start);
    for (k, (got, want)) in t.points[1..].iter().zip(expected).enumerate() {
        for i in 0..2 {
            let err = (got[i] - want[i]).abs() / want[i].abs().max(1e-300);
            assert!(
                err <= rel,
                "step {} coordinate {i}: got {:e}, want {:e} (relative error {err:e})",
                k + 1,
                got[i],
                want[i]
            );
        }
    }
}

#[test]
fn sgd_first_step_by_hand() {
    // ∇f(−1.2, 1) = (−2·2.2 − 400·(−1.2)·(1 − 1.44), 200·(1 − 1.44)) = (−215.6, −88),
    // so θ₁ = (−1.2, 1) − 0.001·(−215.6, −88) = (−0.9844, 1.088).
    let c = config(OptimizerKind::Sgd, &[("lr", 1e-3)]);
    assert_steps(
        Surface::Rosenbrock,
        &c,
        [-1.2, 1.0],
        &[[-0.9844, 1.088]],
        1e-15,
    );
}

#[test]
fn sgd_matches_reference_on_rosenbrock() {
    let c = config(OptimizerKind::Sgd, &[("lr", 1e-3)]);
    let want = [
        [-0.9843999999999999, 1.088],
        [-1.0272715665664, 1.0642086720000001],
        [-1.0268830682337082, 1.0624243118951573],
    ];
    assert_steps(Surface::Rosenbrock, &c, [-1.2, 1.0], &want, 1e-13);
}

#[test]
fn sgd_weight_decay_by_hand() {
    // On the bowl ½(x² + 10y²) at (1, 1): g = (1, 10) + 0.1·(1, 1) = (1.1, 10.1),
    // θ₁ = (1, 1) − 0.1·g = (0.89, −0.01).
    let c = config(OptimizerKind::Sgd, &[("lr", 0.1), ("weight_decay", 0.1)]);
    assert_steps(Surface::bowl(), &c, [1.0, 1.0], &[[0.89, -0.01]], 1e-14);
}

#[test]
fn momentum_three_steps_by_hand() {
    // torch's form on the bowl from (1, 1), η = 0.1, μ = 0.9:
    // t=1: g = (1, 10),    b = g              = (1, 10),     θ = (0.9, 0)
    // t=2: g = (0.9, 0),   b = 0.9b + g       = (1.8, 9),    θ = (0.72, −0.9)
    // t=3: g = (0.72, −9), b = 0.9b + g       = (2.34, −0.9), θ = (0.486, −0.81)
    let c = config(OptimizerKind::Momentum, &[("lr", 0.1), ("momentum", 0.9)]);
    let want = [[0.9, 0.0], [0.72, -0.9], [0.486, -0.81]];
    let t = run(&Surface::bowl(), &c, [1.0, 1.0], 3);
    for (got, want) in t.points[1..].iter().zip(want) {
        assert!((got[0] - want[0]).abs() < 1e-14 && (got[1] - want[1]).abs() < 1e-14);
    }
}

#[test]
fn momentum_dampening_first_step_is_undamped() {
    // torch: the first step sets b = g without dampening; the second damps:
    // t=2: b = 0.9·(1, 10) + (1 − 0.5)·(0.9, 0) = (1.35, 9), θ = (0.9 − 0.135, 0 − 0.9).
    let c = config(
        OptimizerKind::Momentum,
        &[("lr", 0.1), ("momentum", 0.9), ("dampening", 0.5)],
    );
    let t = run(&Surface::bowl(), &c, [1.0, 1.0], 2);
    assert!((t.points[2][0] - 0.765).abs() < 1e-14);
    assert!((t.points[2][1] + 0.9).abs() < 1e-14);
}

#[test]
fn momentum_matches_reference() {
    let c = config(OptimizerKind::Momentum, &[("lr", 1e-3), ("momentum", 0.9)]);
    let want = [
        [-0.9843999999999999, 1.088],
        [-0.8332315665664, 1.143408672],
        [-0.8432065067430704, 1.1034497111045394],
    ];
    assert_steps(Surface::Rosenbrock, &c, [-1.2, 1.0], &want, 1e-13);

    let c = config(
        OptimizerKind::Momentum,
        &[
            ("lr", 0.05),
            ("momentum", 0.8),
            ("dampening", 0.3),
            ("weight_decay", 0.01),
        ],
    );
    let want = [
        [0.9495, 0.49949999999999994],
        [0.875535175, -0.07589982500000014],
        [0.7854131465637499, -0.5096281813112502],
    ];
    assert_steps(Surface::bowl(), &c, [1.0, 1.0], &want, 1e-13);
}

#[test]
fn adam_first_step_is_lr_times_sign() {
    // With m̂₁ = g and v̂₁ = g², the first step is η·g/(|g| + ε): η·sign(g), to within ε/|g|.
    let c = config(OptimizerKind::Adam, &[("lr", 0.1)]);
    let t = run(&Surface::bowl(), &c, [1.0, -2.0], 1);
    // g = (1, −20): Δθ = (−0.1/(1 + 1e-8), 0.1·20/(20 + 1e-8)).
    assert_eq!(t.points[1][0], 1.0 - 0.1 / (1.0 + 1e-8));
    assert!((t.points[1][1] - (-2.0 + 0.1 * 20.0 / (20.0 + 1e-8))).abs() < 1e-15);
}

#[test]
fn adam_matches_reference() {
    let c = config(OptimizerKind::Adam, &[("lr", 1e-2)]);
    let want = [
        [-1.1900000000004638, 1.0099999999988636],
        [-1.1800319627914446, 1.0199711121251558],
        [-1.1701205476626875, 1.029890618969127],
    ];
    assert_steps(Surface::Rosenbrock, &c, [-1.2, 1.0], &want, 1e-13);

    let c = config(
        OptimizerKind::Adam,
        &[
            ("lr", 0.1),
            ("beta1", 0.8),
            ("beta2", 0.99),
            ("eps", 1e-6),
            ("weight_decay", 0.05),
        ],
    );
    let want = [
        [0.9000000952380045, 0.9000000099502478],
        [0.8006962030949243, 0.800696029502477],
        [0.7026564970617193, 0.7026562331696732],
    ];
    assert_steps(Surface::bowl(), &c, [1.0, 1.0], &want, 1e-13);
}

#[test]
fn invalid_hyperparameters_name_the_parameter_and_range() {
    let e = RunConfig::new(OptimizerKind::Adam)
        .with("beta1", 1.0)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid beta1 = 1: allowed values are 0 ≤ beta1 < 1"
    );
    let e = RunConfig::new(OptimizerKind::Sgd)
        .with("lr", -0.1)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid lr = -0.1: allowed values are 0 ≤ lr"
    );
    let e = RunConfig::new(OptimizerKind::Sgd)
        .with("momentum", 0.9)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "sgd has no option 'momentum': allowed names are lr, weight_decay"
    );
    let e = RunConfig::new(OptimizerKind::Sgd)
        .with("lr", f64::NAN)
        .unwrap_err();
    assert_eq!(e.key(), "error.optim.out_of_range");
    assert_eq!(e.to_string(), "invalid lr = NaN: allowed values are 0 ≤ lr");
    let e = OptimizerKind::from_id("adamm").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown optimizer 'adamm': allowed values are sgd, momentum, nesterov, adagrad, \
         rmsprop, adadelta, adam, amsgrad, adamw, adamax, nadam, radam, lion, newton"
    );
}

#[test]
fn deserialized_values_are_validated_before_running() {
    let bad: RunConfig = serde_json::from_str(r#"{"kind":"adam","values":{"beta2":1.5}}"#).unwrap();
    assert!(simulate(&Surface::Rosenbrock, &bad.into(), [0.0, 0.0], 10).is_err());
    let unknown: RunConfig =
        serde_json::from_str(r#"{"kind":"sgd","values":{"betas":0.5}}"#).unwrap();
    assert!(unknown.build().is_err());
}
