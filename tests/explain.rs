//! "Explain this step": the replay agrees with `run::simulate` bit for bit, the state each
//! explanation reports recomputes its step by the optimizer's rule, the MathML is well formed
//! and shows what each flag says, and steps that do not exist are errors.

// The checks index the two coordinates across several arrays at once (θ, g, m, v, …).
#![allow(clippy::needless_range_loop)]

use optiviz::core::explain::{Explanation, explain, format_number, rule_mathml, rule_text};
use optiviz::core::optim::{OptimizerKind, RunConfig, StateVar};
use optiviz::core::run::{Noise, RunSpec, simulate};
use optiviz::core::schedule::Schedule;
use optiviz::core::surface::Surface;
use optiviz::error::Error;
use optiviz::state::scenario::MAX_STEPS;

fn config(kind: OptimizerKind, values: &[(&str, f64)]) -> RunConfig {
    values
        .iter()
        .try_fold(RunConfig::new(kind), |c, &(n, v)| c.with(n, v))
        .unwrap()
}

fn with_flags(c: RunConfig, flags: &[(&str, bool)]) -> RunConfig {
    flags
        .iter()
        .try_fold(c, |c, &(n, on)| c.with_flag(n, on))
        .unwrap()
}

/// A learning rate at which each optimizer makes visible progress on the test surfaces.
fn lr_for(kind: OptimizerKind) -> f64 {
    match kind {
        OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov => 1e-3,
        OptimizerKind::Adagrad => 0.1,
        OptimizerKind::Rmsprop => 0.01,
        OptimizerKind::Adadelta => 1.0,
        OptimizerKind::Lion => 0.01,
        OptimizerKind::Newton => 0.5,
        _ => 0.05,
    }
}

/// Every kind at a working rate, with each flag toggled and every switched-off term (weight
/// decay, dampening, lr decay, RMSprop momentum, damping…) switched on.
fn configurations() -> Vec<RunConfig> {
    let mut out = Vec::new();
    for kind in OptimizerKind::ALL {
        let base = config(kind, &[("lr", lr_for(kind))]);
        out.push(base.clone());
        for flag in kind.flags() {
            out.push(with_flags(base.clone(), &[(flag.name, !flag.default)]));
        }
        let mut all_on = base.clone();
        for p in kind.params() {
            if p.default == 0.0 {
                let value = p.slider[0] + 0.3 * (p.slider[1] - p.slider[0]);
                all_on = all_on.with(p.name, value).unwrap();
            }
        }
        for flag in kind.flags() {
            all_on = all_on.with_flag(flag.name, !flag.default).unwrap();
        }
        out.push(all_on);
    }
    out
}

/// The ways a run can be wrapped: nothing, noise, clipping, a schedule, all at once.
fn wrappings(optimizer: &RunConfig) -> Vec<RunSpec> {
    let plain = RunSpec::from(optimizer.clone());
    vec![
        plain.clone(),
        RunSpec {
            noise: Some(Noise {
                sigma: 0.7,
                seed: 11,
            }),
            ..plain.clone()
        },
        RunSpec {
            clip_value: Some(2.0),
            ..plain.clone()
        },
        RunSpec {
            clip_norm: Some(1.5),
            ..plain.clone()
        },
        RunSpec {
            schedule: Schedule::Step {
                size: 3,
                gamma: 0.5,
            },
            ..plain.clone()
        },
        RunSpec {
            schedule: Schedule::Warmup {
                steps: 5,
                start: 0.25,
            },
            noise: Some(Noise {
                sigma: 2.0,
                seed: 3,
            }),
            clip_value: Some(30.0),
            clip_norm: Some(20.0),
            ..plain
        },
    ]
}

fn bits(p: [f64; 2]) -> [u64; 2] {
    p.map(f64::to_bits)
}

/// Checks every step of a run of `steps` steps against the trajectory `simulate` gives.
fn check_replay(surface: &Surface, spec: &RunSpec, start: [f64; 2], steps: usize) -> usize {
    let t = simulate(surface, spec, start, steps).unwrap();
    let name = || format!("{} {spec:?} on {surface:?}", spec.optimizer.kind.id());
    for k in 1..=t.steps() {
        let e = explain(surface, spec, start, k).unwrap_or_else(|err| panic!("{}: {err}", name()));
        assert_eq!(e.step, k);
        assert_eq!(
            bits(e.theta_before),
            bits(t.points[k - 1]),
            "{} step {k}",
            name()
        );
        assert_eq!(
            bits(e.theta_after),
            bits(t.points[k]),
            "{} step {k}",
            name()
        );
        assert_eq!(
            e.lr.to_bits(),
            spec.schedule.lr(spec.optimizer.lr(), k - 1).to_bits(),
            "{} step {k}",
            name()
        );
    }
    if let Some(k) = t.diverged_at {
        assert!(
            explain(surface, spec, start, k).is_err(),
            "{}: step {k} diverged",
            name()
        );
    }
    t.steps()
}

#[test]
fn replay_agrees_with_simulate_bit_for_bit() {
    let surfaces = [
        (Surface::Rosenbrock, [-1.2, 1.0]),
        (Surface::Himmelblau, [0.5, -1.5]),
        // The saddle sends Newton down its saddle-free fallback.
        (Surface::Saddle, [0.3, 0.2]),
    ];
    let mut checked = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for optimizer in configurations() {
        for spec in wrappings(&optimizer) {
            for (surface, start) in &surfaces {
                checked += check_replay(surface, &spec, *start, 14);
                kinds.insert(optimizer.kind.id());
            }
        }
    }
    assert_eq!(kinds.len(), OptimizerKind::ALL.len());
    assert!(checked > 5000, "only {checked} steps checked");
}

#[test]
fn replay_agrees_with_simulate_past_the_first_steps() {
    // RAdam switches to its adaptive step at t = 6; long runs reach every schedule phase.
    for kind in OptimizerKind::ALL {
        let spec = RunSpec {
            schedule: Schedule::Cosine {
                t_max: 40,
                eta_min: 0.0,
            },
            noise: Some(Noise {
                sigma: 0.3,
                seed: 99,
            }),
            ..RunSpec::from(config(kind, &[("lr", lr_for(kind))]))
        };
        let t = simulate(&Surface::Himmelblau, &spec, [-1.0, 1.0], 200).unwrap();
        for k in [1, 5, 6, 7, 50, 120, 200] {
            if k <= t.steps() {
                let e = explain(&Surface::Himmelblau, &spec, [-1.0, 1.0], k).unwrap();
                assert_eq!(bits(e.theta_before), bits(t.points[k - 1]), "{}", kind.id());
                assert_eq!(bits(e.theta_after), bits(t.points[k]), "{}", kind.id());
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn replay_agrees_with_simulate_on_random_runs(
            index in 0usize..200,
            lr_scale in -2.0f64..1.0,
            x in -2.0f64..2.0,
            y in -1.0f64..3.0,
            seed in any::<u64>(),
            sigma in prop_oneof![Just(0.0), 0.0f64..3.0],
            clip in prop_oneof![Just(None), (0.1f64..50.0).prop_map(Some)],
            surface in 0usize..13,
            step in 1usize..40,
        ) {
            let configs = configurations();
            let mut optimizer = configs[index % configs.len()].clone();
            let lr = optimizer.lr() * 10f64.powf(lr_scale);
            optimizer.set("lr", lr).unwrap();
            let spec = RunSpec {
                noise: (sigma > 0.0).then_some(Noise { sigma, seed }),
                clip_norm: clip,
                ..RunSpec::from(optimizer)
            };
            let surface = Surface::all()[surface].clone();
            let t = simulate(&surface, &spec, [x, y], step).unwrap();
            let e = explain(&surface, &spec, [x, y], step);
            if t.steps() == step {
                let e = e.unwrap();
                prop_assert_eq!(bits(e.theta_before), bits(t.points[step - 1]));
                prop_assert_eq!(bits(e.theta_after), bits(t.points[step]));
            } else {
                prop_assert!(e.is_err());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reported numbers recompute the step

fn values<'a>(state: &'a [StateVar], name: &str) -> &'a [f64] {
    &state
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no state variable {name} in {state:?}"))
        .values
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * a.abs().max(b.abs()) || a == b
}

#[track_caller]
fn assert_close(got: f64, want: f64, what: &str) {
    assert!(close(got, want), "{what}: {got:e} ≠ {want:e}");
}

/// Explanations of steps 1..=n of `spec` on Himmelblau from (0.5, −1.5), with noise so that
/// the gradient the optimizer received differs from the exact one.
fn steps_of(spec: RunSpec, n: usize) -> Vec<Explanation> {
    let spec = RunSpec {
        noise: Some(Noise {
            sigma: 0.5,
            seed: 5,
        }),
        ..spec
    };
    let e: Vec<Explanation> = (1..=n)
        .map(|k| explain(&Surface::Himmelblau, &spec, [0.5, -1.5], k).unwrap())
        .collect();
    // Each step starts from the state and point where the previous one ended.
    for pair in e.windows(2) {
        assert_eq!(pair[1].state_before, pair[0].state_after);
        assert_eq!(bits(pair[1].theta_before), bits(pair[0].theta_after));
    }
    e
}

#[test]
fn sgd_steps_recompute() {
    for e in steps_of(
        RunSpec::from(config(OptimizerKind::Sgd, &[("lr", 0.01)])),
        5,
    ) {
        assert!(e.state_after.is_empty());
        for i in 0..2 {
            assert_eq!(e.theta_after[i], e.theta_before[i] - e.lr * e.grad[i]);
        }
    }
}

#[test]
fn momentum_steps_recompute() {
    let (mu, tau, lr) = (0.8, 0.25, 0.01);
    let c = config(
        OptimizerKind::Momentum,
        &[("lr", lr), ("momentum", mu), ("dampening", tau)],
    );
    for e in steps_of(RunSpec::from(c.clone()), 6) {
        let b = values(&e.state_after, "momentum_buffer");
        let before = values(&e.state_before, "momentum_buffer");
        for i in 0..2 {
            if e.step == 1 {
                assert!(before.is_empty(), "no buffer before the first step");
                assert_eq!(b[i], e.grad[i], "b = g at t = 1");
            } else {
                assert_eq!(b[i], mu * before[i] + (1.0 - tau) * e.grad[i]);
            }
            assert_eq!(e.theta_after[i], e.theta_before[i] - lr * b[i]);
        }
    }
    // The textbook form keeps the velocity v = ηb instead.
    let textbook = with_flags(c, &[("classical", true)]);
    for e in steps_of(RunSpec::from(textbook), 6) {
        let v = values(&e.state_after, "velocity");
        for i in 0..2 {
            if e.step == 1 {
                assert_eq!(v[i], lr * e.grad[i]);
            } else {
                let before = values(&e.state_before, "velocity");
                assert_eq!(v[i], mu * before[i] + (1.0 - tau) * (lr * e.grad[i]));
            }
            assert_eq!(e.theta_after[i], e.theta_before[i] - v[i]);
        }
    }
    let nesterov = config(OptimizerKind::Nesterov, &[("lr", lr), ("momentum", mu)]);
    for e in steps_of(RunSpec::from(nesterov), 6) {
        let b = values(&e.state_after, "momentum_buffer");
        for i in 0..2 {
            let want = e.theta_before[i] - lr * (e.grad[i] + mu * b[i]);
            assert_close(e.theta_after[i], want, "nesterov θ");
        }
    }
}

#[test]
fn adam_steps_recompute() {
    let (b1, b2, eps) = (0.9, 0.999, 1e-8);
    let spec = RunSpec {
        schedule: Schedule::Exp { gamma: 0.9 },
        ..RunSpec::from(config(OptimizerKind::Adam, &[("lr", 0.05)]))
    };
    for e in steps_of(spec, 8) {
        let t = values(&e.state_after, "step")[0];
        assert_eq!(t, e.step as f64);
        let (m, v) = (
            values(&e.state_after, "exp_avg"),
            values(&e.state_after, "exp_avg_sq"),
        );
        let (m0, v0) = (
            values(&e.state_before, "exp_avg"),
            values(&e.state_before, "exp_avg_sq"),
        );
        for i in 0..2 {
            let g = e.grad[i];
            assert_close(m[i], b1 * m0[i] + (1.0 - b1) * g, "m");
            assert_close(v[i], b2 * v0[i] + (1.0 - b2) * g * g, "v");
            let m_hat = m[i] / (1.0 - b1.powf(t));
            let v_hat = v[i] / (1.0 - b2.powf(t));
            let want = e.theta_before[i] - e.lr * m_hat / (v_hat.sqrt() + eps);
            assert_close(e.theta_after[i], want, "θ");
        }
    }
    // AMSGrad divides by the running maximum, which the state reports.
    for e in steps_of(
        RunSpec::from(config(OptimizerKind::Amsgrad, &[("lr", 0.05)])),
        8,
    ) {
        let t = values(&e.state_after, "step")[0];
        let m = values(&e.state_after, "exp_avg");
        let v = values(&e.state_after, "exp_avg_sq");
        let v_max = values(&e.state_after, "max_exp_avg_sq");
        let v_max0 = values(&e.state_before, "max_exp_avg_sq");
        for i in 0..2 {
            assert_eq!(v_max[i], v_max0[i].max(v[i]));
            let want = e.theta_before[i]
                - e.lr * (m[i] / (1.0 - b1.powf(t)))
                    / ((v_max[i] / (1.0 - b2.powf(t))).sqrt() + eps);
            assert_close(e.theta_after[i], want, "amsgrad θ");
        }
    }
}

#[test]
fn rmsprop_steps_recompute() {
    let (alpha, eps, lr) = (0.9, 1e-8, 0.01);
    let c = config(OptimizerKind::Rmsprop, &[("lr", lr), ("alpha", alpha)]);
    for e in steps_of(RunSpec::from(c.clone()), 6) {
        let v = values(&e.state_after, "square_avg");
        let v0 = values(&e.state_before, "square_avg");
        for i in 0..2 {
            let g = e.grad[i];
            assert_eq!(v[i], alpha * v0[i] + (1.0 - alpha) * (g * g));
            let want = e.theta_before[i] - lr * g / (v[i].sqrt() + eps);
            assert_close(e.theta_after[i], want, "θ");
        }
    }
    let centered = with_flags(c, &[("centered", true)]);
    for e in steps_of(RunSpec::from(centered), 6) {
        let v = values(&e.state_after, "square_avg");
        let gbar = values(&e.state_after, "grad_avg");
        let gbar0 = values(&e.state_before, "grad_avg");
        for i in 0..2 {
            let g = e.grad[i];
            assert_close(gbar[i], alpha * gbar0[i] + (1.0 - alpha) * g, "ḡ");
            let want = e.theta_before[i] - lr * g / ((v[i] - gbar[i] * gbar[i]).sqrt() + eps);
            assert_close(e.theta_after[i], want, "centered θ");
        }
    }
}

#[test]
fn adagrad_steps_recompute() {
    let (lr, s0, kappa, eps) = (0.1, 0.2, 0.05, 1e-10);
    let c = config(
        OptimizerKind::Adagrad,
        &[
            ("lr", lr),
            ("initial_accumulator_value", s0),
            ("lr_decay", kappa),
        ],
    );
    for e in steps_of(RunSpec::from(c), 6) {
        let s = values(&e.state_after, "sum");
        let s_before = values(&e.state_before, "sum");
        if e.step == 1 {
            assert_eq!(s_before, [s0, s0], "s starts at s₀");
        }
        let t = values(&e.state_after, "step")[0];
        for i in 0..2 {
            let g = e.grad[i];
            assert_eq!(s[i], s_before[i] + g * g);
            let rate = lr / (1.0 + (t - 1.0) * kappa);
            let want = e.theta_before[i] - rate * g / (s[i].sqrt() + eps);
            assert_close(e.theta_after[i], want, "θ");
        }
    }
}

#[test]
fn lion_steps_recompute() {
    let (b1, b2, lr) = (0.9, 0.99, 0.01);
    for e in steps_of(RunSpec::from(config(OptimizerKind::Lion, &[("lr", lr)])), 6) {
        let m = values(&e.state_after, "mu");
        let m0 = values(&e.state_before, "mu");
        for i in 0..2 {
            let g = e.grad[i];
            let c = b1 * m0[i] + (1.0 - b1) * g;
            assert_eq!(e.theta_after[i], e.theta_before[i] - lr * c.signum());
            assert_close(m[i], b2 * m0[i] + (1.0 - b2) * g, "m");
        }
    }
}

#[test]
fn other_adaptive_steps_recompute() {
    // Adadelta: v, then Δ from the old u, then u.
    let (rho, eps) = (0.9, 1e-6);
    for e in steps_of(RunSpec::from(RunConfig::new(OptimizerKind::Adadelta)), 5) {
        let (v, u) = (
            values(&e.state_after, "square_avg"),
            values(&e.state_after, "acc_delta"),
        );
        let (v0, u0) = (
            values(&e.state_before, "square_avg"),
            values(&e.state_before, "acc_delta"),
        );
        for i in 0..2 {
            let g = e.grad[i];
            assert_close(v[i], rho * v0[i] + (1.0 - rho) * g * g, "v");
            let delta = (u0[i] + eps).sqrt() / (v[i] + eps).sqrt() * g;
            assert_close(u[i], rho * u0[i] + (1.0 - rho) * delta * delta, "u");
            assert_close(e.theta_after[i], e.theta_before[i] - e.lr * delta, "θ");
        }
    }
    // Adamax: the infinity norm u.
    for e in steps_of(
        RunSpec::from(config(OptimizerKind::Adamax, &[("lr", 0.05)])),
        5,
    ) {
        let t = values(&e.state_after, "step")[0];
        let (m, u) = (
            values(&e.state_after, "exp_avg"),
            values(&e.state_after, "exp_inf"),
        );
        let u0 = values(&e.state_before, "exp_inf");
        for i in 0..2 {
            assert_eq!(u[i], (0.999 * u0[i]).max(e.grad[i].abs() + 1e-8));
            let want = e.theta_before[i] - e.lr / (1.0 - 0.9f64.powf(t)) * m[i] / u[i];
            assert_close(e.theta_after[i], want, "adamax θ");
        }
    }
    // RAdam: plain momentum while ρₜ ≤ 5 (t ≤ 5 with β₂ = 0.999), rectified after.
    for e in steps_of(
        RunSpec::from(config(OptimizerKind::Radam, &[("lr", 0.05)])),
        8,
    ) {
        let t = values(&e.state_after, "step")[0];
        let (m, v) = (
            values(&e.state_after, "exp_avg"),
            values(&e.state_after, "exp_avg_sq"),
        );
        let rho_inf = 2.0 / (1.0 - 0.999) - 1.0;
        let bc2 = 1.0 - 0.999f64.powf(t);
        let rho_t = rho_inf - 2.0 * t * 0.999f64.powf(t) / bc2;
        assert_eq!(rho_t > 5.0, t >= 6.0);
        for i in 0..2 {
            let m_hat = m[i] / (1.0 - 0.9f64.powf(t));
            let step = if rho_t > 5.0 {
                let r = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                    .sqrt();
                e.lr * m_hat * r * bc2.sqrt() / (v[i].sqrt() + 1e-8)
            } else {
                e.lr * m_hat
            };
            assert_close(e.theta_after[i], e.theta_before[i] - step, "radam θ");
        }
        assert_eq!(
            e.text.contains("ρₜ > 5: adaptive step"),
            t >= 6.0,
            "{}",
            e.text
        );
    }
    // Newton: θ ← θ − ηd with d the reported direction, the damped Newton step on the bowl.
    let bowl = Surface::bowl();
    let spec = RunSpec::from(config(
        OptimizerKind::Newton,
        &[("lr", 0.5), ("damping", 0.1)],
    ));
    for k in 1..=3 {
        let e = explain(&bowl, &spec, [-2.0, 1.5], k).unwrap();
        let d = values(&e.state_after, "direction");
        let (_, _, h) = bowl.hessian(e.theta_before);
        for i in 0..2 {
            assert_eq!(e.theta_after[i], e.theta_before[i] - 0.5 * d[i]);
            let hd = (h[(i, 0)] + if i == 0 { 0.1 } else { 0.0 }) * d[0]
                + (h[(i, 1)] + if i == 1 { 0.1 } else { 0.0 }) * d[1];
            assert_close(hd, e.grad[i], "(H + δI)d = g");
        }
        assert_eq!(values(&e.state_after, "fallbacks"), [0.0]);
    }
    // On the saddle, the fallback is counted and said.
    let e = explain(&Surface::Saddle, &spec, [0.3, 0.2], 1).unwrap();
    assert_eq!(values(&e.state_after, "fallbacks"), [1.0]);
    assert!(
        e.text
            .contains("H + δI is not positive definite: saddle-free step"),
        "{}",
        e.text
    );
}

// ---------------------------------------------------------------------------------------------
// The MathML and the text

/// An element of a parsed MathML string.
#[derive(Debug)]
struct Node {
    name: String,
    attrs: String,
    children: Vec<Node>,
    text: String,
}

/// Parses `s` as one element with balanced, properly nested tags, quoted attributes and
/// only `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#x…;` entities in text.
fn parse(s: &str) -> Result<Node, String> {
    fn check_text(t: &str) -> Result<(), String> {
        if t.contains('>') {
            return Err(format!("stray '>' in text {t:?}"));
        }
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            let after = &rest[i..];
            let end = after
                .find(';')
                .ok_or(format!("unterminated entity in {t:?}"))?;
            let entity = &after[..=end];
            let ok = matches!(entity, "&amp;" | "&lt;" | "&gt;" | "&quot;")
                || (entity.starts_with("&#x")
                    && entity.len() > 4
                    && entity[3..end].chars().all(|c| c.is_ascii_hexdigit()));
            if !ok {
                return Err(format!("bad entity {entity}"));
            }
            rest = &after[end + 1..];
        }
        Ok(())
    }
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    let mut rest = s;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..lt];
        check_text(text)?;
        if !text.is_empty() {
            match stack.last_mut() {
                Some(node) => node.text.push_str(text),
                None => return Err(format!("text {text:?} outside the root")),
            }
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag.contains('<') {
            return Err(format!("'<' inside tag {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let node = stack.pop().ok_or(format!("</{name}> closes nothing"))?;
            if node.name != name {
                return Err(format!("<{}> closed by </{name}>", node.name));
            }
            match stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None if root.is_none() => root = Some(node),
                None => return Err("more than one root element".into()),
            }
        } else {
            if root.is_some() {
                return Err("content after the root element".into());
            }
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            if name.is_empty() || tag.ends_with('/') {
                return Err(format!("unexpected tag <{tag}>"));
            }
            if attrs.matches('"').count() % 2 != 0 {
                return Err(format!("unbalanced quotes in <{tag}>"));
            }
            stack.push(Node {
                name: name.into(),
                attrs: attrs.into(),
                children: Vec::new(),
                text: String::new(),
            });
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> never closed", open.name));
    }
    root.ok_or_else(|| "no element".into())
}

/// MathML Core elements only, each with the children its layout needs.
fn check_tree(node: &Node) -> Result<(), String> {
    let n = node.children.len();
    let ok = match node.name.as_str() {
        "mi" | "mn" | "mo" => n == 0 && !node.text.is_empty(),
        "mtext" => n == 0,
        "mfrac" | "msub" | "msup" | "mover" => n == 2,
        "msubsup" => n == 3,
        "msqrt" | "mrow" | "mtd" => true,
        "mtable" => node.children.iter().all(|c| c.name == "mtr"),
        "mtr" => node.children.iter().all(|c| c.name == "mtd"),
        "math" => false,
        other => return Err(format!("<{other}> is not used MathML Core")),
    };
    if !ok {
        return Err(format!("<{}> with {n} children: {node:?}", node.name));
    }
    if !matches!(node.name.as_str(), "mi" | "mn" | "mo" | "mtext") && !node.text.is_empty() {
        return Err(format!(
            "text {:?} directly inside <{}>",
            node.text, node.name
        ));
    }
    node.children.iter().try_for_each(check_tree)
}

#[track_caller]
fn assert_well_formed(mathml: &str) {
    let root = parse(mathml).unwrap_or_else(|e| panic!("{e}\n{mathml}"));
    assert_eq!(root.name, "math", "{mathml}");
    assert!(root.attrs.contains("display=\"block\""), "{mathml}");
    // The pages' Content-Security-Policy refuses style attributes (www/style.css aligns cells).
    assert!(!mathml.contains(" style="), "no style attribute: {mathml}");
    assert!(
        root.children.len() == 1 && root.children[0].name == "mtable",
        "one table: {mathml}"
    );
    root.children
        .iter()
        .try_for_each(check_tree)
        .unwrap_or_else(|e| panic!("{e}\n{mathml}"));
}

#[test]
fn the_checker_rejects_broken_markup() {
    for bad in [
        "<math display=\"block\"><mtable><mtr></mtable></math>",
        "<math display=\"block\"><mtable></mtable>",
        "<math display=\"block\"><mtable></mtable></math><math></math>",
        "<math display=\"block\"><mtable><mtr><mtd><mi>a</mi></mtd></mtr></mtable></mi></math>",
        "<math display=\"block\"><mtable><mtr><mtd><mi>a & b</mi></mtd></mtr></mtable></math>",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    let unbalanced_frac = parse(
        "<math display=\"block\"><mtable><mtr><mtd><mfrac><mn>1</mn></mfrac></mtd></mtr></mtable></math>",
    )
    .unwrap();
    assert!(
        unbalanced_frac
            .children
            .iter()
            .try_for_each(check_tree)
            .is_err()
    );
}

/// Every combination of a kind's flags.
fn flag_combinations(c: &RunConfig) -> Vec<RunConfig> {
    let flags = c.kind.flags();
    (0..1u32 << flags.len())
        .map(|mask| {
            flags.iter().enumerate().fold(c.clone(), |c, (j, f)| {
                c.with_flag(f.name, mask & (1 << j) != 0).unwrap()
            })
        })
        .collect()
}

#[test]
fn every_rule_and_explanation_is_well_formed_mathml() {
    for c in configurations() {
        for c in flag_combinations(&c) {
            assert_well_formed(&rule_mathml(&c));
            for spec in wrappings(&c) {
                for k in [1, 2, 7] {
                    if let Ok(e) = explain(&Surface::Saddle, &spec, [0.3, 0.2], k) {
                        assert_well_formed(&e.mathml);
                        assert!(!e.text.contains("NaN"), "{}", e.text);
                    }
                }
            }
        }
    }
}

#[test]
fn every_symbol_of_a_configuration_appears_in_its_rule() {
    for c in configurations() {
        let text = rule_text(&c);
        let mathml = rule_mathml(&c);
        for p in c.kind.params() {
            let value = c.get(p.name).unwrap();
            // Only the hyperparameters with a zero default can be zero here, and the terms
            // they switch off are left out when they are.
            if value != 0.0 {
                assert!(
                    text.contains(p.symbol),
                    "{} has {}: {text}",
                    c.kind.id(),
                    p.symbol
                );
                // β₁ is written <msub><mi>β</mi><mn>1</mn></msub>, η as <mi>η</mi>; s₀ only
                // appears in the remark on where s starts.
                let mut chars = p.symbol.chars();
                let last = chars.next_back().unwrap();
                let markup = if ('₀'..='₉').contains(&last) {
                    let digit = char::from(b'0' + (last as u32 - '₀' as u32) as u8);
                    format!("<msub><mi>{}</mi><mn>{digit}</mn></msub>", chars.as_str())
                } else {
                    format!("<mi>{}</mi>", p.symbol)
                };
                assert!(
                    mathml.contains(&markup) || mathml.contains(&format!("{} before", p.symbol)),
                    "{} has {markup}: {mathml}",
                    c.kind.id()
                );
            } else {
                assert!(
                    !text.contains(p.symbol),
                    "{} has {}: {text}",
                    c.kind.id(),
                    p.symbol
                );
            }
        }
    }
}

#[test]
fn the_rules_show_each_flag() {
    let adam = config(OptimizerKind::Adam, &[]);
    let text = rule_text(&adam);
    assert!(text.contains("m̂ ← m/(1 − β₁ᵗ)"), "{text}");
    assert!(text.contains("v̂ ← v/(1 − β₂ᵗ)"), "{text}");
    assert!(text.contains("θ ← θ − ηm̂/(√v̂ + ε)"), "{text}");
    assert!(text.contains("g ← ∇f(θ)\n"), "no weight decay: {text}");
    // β₁ᵗ as MathML: β with subscript 1 and superscript t.
    let beta1_t = "<msubsup><mi>β</mi><mn>1</mn><mi>t</mi></msubsup>";
    assert!(rule_mathml(&adam).contains(beta1_t));

    let uncorrected = with_flags(adam.clone(), &[("bias_correction", false)]);
    let text = rule_text(&uncorrected);
    assert!(!text.contains("1 − β₁ᵗ") && !text.contains("m̂"), "{text}");
    assert!(text.contains("θ ← θ − ηm/(√v + ε)"), "{text}");
    assert!(!rule_mathml(&uncorrected).contains(beta1_t));

    let inside = with_flags(adam.clone(), &[("eps_inside_sqrt", true)]);
    assert!(
        rule_text(&inside).contains("θ ← θ − ηm̂/√(v̂ + ε)"),
        "{}",
        rule_text(&inside)
    );

    let l2 = adam.with("weight_decay", 0.01).unwrap();
    assert!(rule_text(&l2).contains("g ← ∇f(θ) + λθ"));

    let adamw = config(OptimizerKind::Adamw, &[]);
    let text = rule_text(&adamw);
    assert!(text.starts_with("θ ← θ(1 − ηλ)\ng ← ∇f(θ)\n"), "{text}");
    let adamw_off = adamw.with("weight_decay", 0.0).unwrap();
    assert!(!rule_text(&adamw_off).contains('λ'));

    let amsgrad = rule_text(&config(OptimizerKind::Amsgrad, &[]));
    assert!(amsgrad.contains("v_max ← max(v_max, v)"), "{amsgrad}");
    assert!(amsgrad.contains("v̂ ← v_max/(1 − β₂ᵗ)"), "{amsgrad}");
    assert!(
        rule_mathml(&config(OptimizerKind::Amsgrad, &[]))
            .contains("<msub><mi>v</mi><mi>max</mi></msub>")
    );

    let momentum = config(OptimizerKind::Momentum, &[]);
    let text = rule_text(&momentum);
    assert!(
        text.contains("b ← μb + g") && text.contains("θ ← θ − ηb"),
        "{text}"
    );
    let textbook = with_flags(momentum.clone(), &[("classical", true)]);
    let text = rule_text(&textbook);
    assert!(
        text.contains("v ← μv + ηg") && text.contains("θ ← θ − v"),
        "{text}"
    );
    assert!(!text.contains('b'), "{text}");
    let damped = momentum.clone().with("dampening", 0.5).unwrap();
    assert!(rule_text(&damped).contains("b ← μb + (1 − τ)g"));
    let still = momentum.with("momentum", 0.0).unwrap();
    assert_eq!(
        rule_text(&still),
        "g ← ∇f(θ)\nθ ← θ − ηg",
        "μ = 0 is plain descent"
    );

    let nesterov = config(OptimizerKind::Nesterov, &[]);
    assert!(rule_text(&nesterov).contains("θ ← θ − η(g + μb)"));
    let textbook = with_flags(nesterov, &[("classical", true)]);
    assert!(rule_text(&textbook).contains("θ ← θ − (μv + ηg)"));

    let rmsprop = config(OptimizerKind::Rmsprop, &[]);
    let text = rule_text(&rmsprop);
    assert!(text.contains("d ← √v + ε") && !text.contains('ḡ'), "{text}");
    assert!(
        text.contains("θ ← θ − ηg/d") && !text.contains('μ'),
        "{text}"
    );
    let centered = with_flags(rmsprop.clone(), &[("centered", true)]);
    let text = rule_text(&centered);
    assert!(text.contains("ḡ ← αḡ + (1 − α)g"), "{text}");
    assert!(text.contains("d ← √(v − ḡ²) + ε"), "{text}");
    let both = with_flags(centered, &[("eps_inside_sqrt", true)]);
    assert!(rule_text(&both).contains("d ← √(v − ḡ² + ε)"));
    let heavy = rmsprop.with("momentum", 0.9).unwrap();
    let text = rule_text(&heavy);
    assert!(
        text.contains("b ← μb + g/d") && text.contains("θ ← θ − ηb"),
        "{text}"
    );

    let adagrad = config(OptimizerKind::Adagrad, &[("lr_decay", 0.1)]);
    let text = rule_text(&adagrad);
    assert!(text.contains("η̃ ← η/(1 + (t − 1)κ)"), "{text}");
    assert!(text.contains("θ ← θ − η̃g/(√s + ε)"), "{text}");

    let newton = config(OptimizerKind::Newton, &[("damping", 1.0)]);
    assert!(rule_text(&newton).contains("d ← (H + δI)⁻¹g"));
    assert!(rule_text(&config(OptimizerKind::Newton, &[])).contains("d ← H⁻¹g"));

    let lion = rule_text(&config(OptimizerKind::Lion, &[("weight_decay", 0.1)]));
    assert!(lion.contains("θ ← θ − η(sign(c) + λθ)"), "{lion}");
}

#[test]
fn an_adam_step_shows_its_numbers() {
    let spec = RunSpec::from(config(OptimizerKind::Adam, &[("lr", 0.05)]));
    let e = explain(&Surface::Rosenbrock, &spec, [-1.2, 1.0], 3).unwrap();
    let f = format_number;
    let factor = |x: f64| if x < 0.0 { format!("({})", f(x)) } else { f(x) };
    let m = values(&e.state_after, "exp_avg");
    let v = values(&e.state_after, "exp_avg_sq");
    let m0 = values(&e.state_before, "exp_avg");
    for i in 0..2 {
        let sub = ['₁', '₂'][i];
        for number in [e.theta_before[i], e.theta_after[i], e.grad[i], m[i], v[i]] {
            assert!(
                e.text.contains(&f(number)),
                "{} missing in\n{}",
                f(number),
                e.text
            );
        }
        let m_line = format!(
            "m{sub} = 0.9·{} + 0.1·{} = {}",
            factor(m0[i]),
            factor(e.grad[i]),
            f(m[i])
        );
        assert!(e.text.contains(&m_line), "{m_line} missing in\n{}", e.text);
        let theta_line = format!("θ{sub} ← {} − 0.05·", f(e.theta_before[i]));
        assert!(
            e.text.contains(&theta_line),
            "{theta_line} missing in\n{}",
            e.text
        );
        assert!(e.text.contains(&format!("η/(√v̂{sub} + ε) = 0.05/(√")));
    }
    assert!(e.text.contains("1 − β₁ᵗ = 1 − 0.9³ = 0.271"), "{}", e.text);
    assert!(e.text.contains("t = 3"));
    // The MathML carries the same numbers.
    assert!(e.mathml.contains(&format!("<mn>{}</mn>", f(m[0].abs()))));
    // And the page gets it all as JSON.
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["step"], 3);
    assert_eq!(json["state_after"][1]["symbol"], "m");
    assert_eq!(json["theta_after"][0].as_f64(), Some(e.theta_after[0]));
}

#[test]
fn explanations_show_the_gradients_path_and_the_schedule() {
    let spec = RunSpec {
        noise: Some(Noise {
            sigma: 0.5,
            seed: 1,
        }),
        clip_value: Some(1.0),
        clip_norm: Some(0.5),
        schedule: Schedule::Step {
            size: 2,
            gamma: 0.5,
        },
        ..RunSpec::from(config(OptimizerKind::Sgd, &[("lr", 0.1)]))
    };
    let e = explain(&Surface::Himmelblau, &spec, [0.5, -1.5], 3).unwrap();
    assert_eq!(e.lr, 0.05);
    for needle in [
        "exact gradient",
        "gradient noise",
        "clipped by value",
        "clipped by norm",
        "schedule step:size=2,gamma=0.5 after 2 steps",
        "η = 0.05",
    ] {
        assert!(e.text.contains(needle), "{needle} missing in\n{}", e.text);
    }
    let g = e.grad;
    assert!(
        (g[0].hypot(g[1]) - 0.5).abs() < 1e-5,
        "clipped to norm 0.5: {g:?}"
    );
    assert!(e.text.contains(&format!(
        "({}, {})",
        format_number(g[0]),
        format_number(g[1])
    )));
}

#[test]
fn numbers_have_four_significant_digits() {
    let cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (2.5, "2.5"),
        (-0.123449, "−0.1234"),
        (0.13894, "0.1389"),
        (1.1374, "1.137"),
        (1234.4, "1234"),
        (12345.0, "1.234e4"),
        (0.001, "0.001"),
        (0.00099996, "1e−3"),
        (1.2344e-5, "1.234e−5"),
        (-1e-8, "−1e−8"),
        (9.99996, "10"),
        (f64::INFINITY, "∞"),
        (f64::NEG_INFINITY, "−∞"),
        (f64::NAN, "NaN"),
    ];
    for (x, want) in cases {
        assert_eq!(format_number(x), want, "{x:e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Steps that do not exist

#[track_caller]
fn conflict(result: Result<Explanation, Error>) -> String {
    match result {
        Err(e) if e.key().starts_with("error.optim.explain_") => e.to_string(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn steps_that_do_not_exist_are_errors() {
    let surface = Surface::Rosenbrock;
    let spec = RunSpec::from(config(OptimizerKind::Adam, &[("lr", 0.05)]));
    let why = conflict(explain(&surface, &spec, [-1.2, 1.0], 0));
    assert!(
        why.contains("step 0") && why.contains("start point"),
        "{why}"
    );

    let why = conflict(explain(&surface, &spec, [-1.2, 1.0], MAX_STEPS + 1));
    assert!(why.contains("past the end"), "{why}");
    assert!(explain(&surface, &spec, [-1.2, 1.0], 40).is_ok());

    // Plain descent at η = 0.5 diverges on Rosenbrock after a few steps.
    let sgd = RunSpec::from(config(OptimizerKind::Sgd, &[("lr", 0.5)]));
    let t = simulate(&surface, &sgd, [-1.2, 1.0], 1000).unwrap();
    let k = t.diverged_at.expect("this run diverges");
    assert!(k > 1);
    assert!(explain(&surface, &sgd, [-1.2, 1.0], k - 1).is_ok());
    for step in [k, k + 1, k + 100] {
        let why = conflict(explain(&surface, &sgd, [-1.2, 1.0], step));
        assert!(
            why.contains(&format!("diverged at step {k}"))
                && why.contains(&format!("last point is point {}", k - 1)),
            "{why}"
        );
    }

    let why = conflict(explain(&surface, &spec, [f64::NAN, 1.0], 1));
    assert!(why.contains("diverged at step 0"), "{why}");

    // An invalid configuration is refused as simulate refuses it.
    let mut bad = RunConfig::new(OptimizerKind::Adam);
    bad.values.insert("beta1".into(), 1.5);
    let e = explain(&surface, &RunSpec::from(bad), [-1.2, 1.0], 1).unwrap_err();
    assert_eq!(e.key(), "error.optim.out_of_range");
    assert_eq!(
        e.to_string(),
        "invalid beta1 = 1.5: allowed values are 0 ≤ beta1 < 1"
    );
}

/// The course notes' notation (`Notation::Notes`): the loss J and momentum's γ; the notes'
/// momentum v ← γv + η∇J(θ), θ ← θ − v is the textbook flag's rule exactly, and torch's form
/// says how it differs; every other symbol is written as torch writes it.
#[test]
fn the_notes_notation_writes_the_notes_symbols() {
    use optiviz::core::explain::{Notation, NotesWords, rule_mathml_in, rule_text_in};
    use optiviz::i18n::Lang;
    use optiviz::state::words::notes_words;
    let words = notes_words(Lang::En);
    let mut m = RunConfig::new(OptimizerKind::Momentum);
    assert_eq!(
        rule_text_in(&m, Notation::Notes, words)
            .lines()
            .take(4)
            .collect::<Vec<_>>(),
        [
            "g ← ∇J(θ)",
            "b ← g   (t = 1)",
            "b ← γb + g   (t > 1)",
            "θ ← θ − ηb"
        ]
    );
    let torch_form = rule_text_in(&m, Notation::Notes, words);
    assert!(
        torch_form.contains("v ← γv + η∇J(θ), θ ← θ − v") && torch_form.contains("textbook"),
        "{torch_form}"
    );
    // In Chinese, in the course notes' words (动量法, 学习率, the flag's name), the formulas
    // as they are; and no sentence where none is given.
    let zh = rule_text_in(&m, Notation::Notes, notes_words(Lang::Zh));
    let sentence = zh.lines().last().unwrap();
    for part in [
        "课程笔记把动量法写成 v ← γv + η∇J(θ)，θ ← θ − v",
        "（b ← γb + g，θ ← θ − ηb）",
        "“教科书式动量”",
    ] {
        assert!(sentence.contains(part), "{sentence}");
    }
    assert_eq!(
        rule_text_in(&m, Notation::Notes, NotesWords::default()),
        "g ← ∇J(θ)\nb ← g   (t = 1)\nb ← γb + g   (t > 1)\nθ ← θ − ηb"
    );
    m.set_flag("classical", true).unwrap();
    assert_eq!(
        rule_text_in(&m, Notation::Notes, words),
        "g ← ∇J(θ)\nv ← ηg   (t = 1)\nv ← γv + ηg   (t > 1)\nθ ← θ − v"
    );
    assert!(rule_mathml_in(&m, Notation::Notes, words).contains("<mi>γ</mi>"));
    // Torch's notation is the rule as it always was.
    assert_eq!(rule_text_in(&m, Notation::Torch, words), rule_text(&m));
    // Adam: the notes' m̂, v̂ and ε outside the root are torch's too; only f becomes J.
    let adam = RunConfig::new(OptimizerKind::Adam);
    assert_eq!(
        rule_text_in(&adam, Notation::Notes, words),
        rule_text(&adam).replace("∇f(θ)", "∇J(θ)")
    );
    assert!(rule_text(&adam).ends_with("θ ← θ − ηm̂/(√v̂ + ε)"));
    // NAdam's μₜ is its own momentum schedule, not the notes' γ.
    let nadam = RunConfig::new(OptimizerKind::Nadam);
    assert!(rule_text_in(&nadam, Notation::Notes, words).contains("μₜ"));
    assert!(!rule_text_in(&nadam, Notation::Notes, words).contains('γ'));
    assert_eq!(Notation::parse("notes"), Ok(Notation::Notes));
    assert_eq!(
        Notation::parse("latex").map_err(|e| e.to_string()),
        Err("notation 'latex': allowed values are torch, notes".to_owned())
    );
}

/// A step explained in the notes' notation has the same numbers, in the notes' symbols.
#[test]
fn a_step_explained_in_the_notes_notation_keeps_its_numbers() {
    use optiviz::core::explain::{Notation, explain_in};
    use optiviz::i18n::Lang;
    use optiviz::state::words::notes_words;
    let mut spec = RunSpec::from(RunConfig::new(OptimizerKind::Momentum));
    spec.optimizer.set("lr", 0.001).unwrap();
    let torch = explain(&Surface::Rosenbrock, &spec, [-1.2, 1.0], 3).unwrap();
    let notes = explain_in(
        &Surface::Rosenbrock,
        &spec,
        [-1.2, 1.0],
        3,
        Notation::Notes,
        notes_words(Lang::Zh),
    )
    .unwrap();
    assert_eq!(notes.theta_after, torch.theta_after);
    assert!(
        notes.text.contains("∇J(θ)") && notes.text.contains('γ'),
        "{}",
        notes.text
    );
    assert!(!notes.text.contains('μ'), "{}", notes.text);
    // The step's explanation says how torch's momentum differs, in the language asked for.
    assert!(
        notes.text.contains("课程笔记把动量法写成")
            && notes.mathml.contains("课程笔记把动量法写成"),
        "{}",
        notes.text
    );
}
