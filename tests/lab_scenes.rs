//! Every lab scene's caption is a claim about the simulation; these tests check each claim
//! against the lab's own training (numbers derived from the runs, never pinned from them).

use optiviz::core::model::{LabModel, Model, ModelSpec, Points, Training};
use optiviz::i18n::Lang;
use optiviz::state::lab::LabScenario;
use optiviz::state::lab_scenes::{LAB_SCENES, scene};

fn trained(id: &str) -> (LabScenario, Vec<Training>) {
    let s = scene(id).unwrap().scenario();
    let t = s.train().unwrap();
    (s, t)
}

/// The mean size of the step-to-step change of `values[from..]`: how much a curve wobbles.
fn wobble(values: &[f64], from: usize) -> f64 {
    let tail = &values[from..];
    tail.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (tail.len() - 1) as f64
}

/// The length of a run's path through parameter space over steps `from..`.
fn path_length(t: &Training, from: usize) -> f64 {
    t.params[from..]
        .windows(2)
        .map(|w| {
            w[0].iter()
                .zip(&w[1])
                .map(|(a, b)| (b - a).powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .sum()
}

#[test]
fn every_scene_loads_and_links_back_to_itself() {
    for p in LAB_SCENES {
        let s = p.scenario();
        assert_eq!(s.scene.as_deref(), Some(p.id));
        assert_eq!(
            LabScenario::from_query(&s.to_query()),
            Ok(s.clone()),
            "{}",
            p.id
        );
        assert_eq!(
            LabScenario::from_query(&format!("scene={}", p.id)),
            Ok(s),
            "{}",
            p.id
        );
        assert!(
            p.caption(Lang::En).matches(". ").count() >= 1,
            "{}: two sentences",
            p.id
        );
        assert!(!p.query.contains("scene="), "{}", p.id);
    }
    assert_eq!(
        scene("nope").unwrap_err().to_string(),
        format!(
            "unknown scene 'nope': allowed values are {}",
            LAB_SCENES.map(|p| p.id).join(", ")
        )
    );
    assert!(LabScenario::from_query("scene=nope").is_err());
}

#[test]
fn other_keys_override_the_scene() {
    let s = LabScenario::from_query("scene=batch-sizes&steps=50&step=5").unwrap();
    let base = scene("batch-sizes").unwrap().scenario();
    assert_eq!(
        (&s.model, &s.runs, &s.batches),
        (&base.model, &base.runs, &base.batches)
    );
    assert_eq!(
        (s.steps, s.step, s.scene.as_deref()),
        (50, 5, Some("batch-sizes"))
    );
    // Another model starts from that model's defaults.
    let other = LabScenario::from_query("scene=batch-sizes&model=logistic").unwrap();
    assert_eq!(other.model, LabScenario::default_model("logistic").unwrap());
    assert_eq!(other.runs, LabScenario::default_runs(&other.model));
}

#[test]
fn batch_sizes_full_batch_falls_smoothly_and_smaller_batches_are_noisier() {
    let (s, t) = trained("batch-sizes");
    let model = s.build().unwrap();
    let n = model.as_model().samples();
    // "the same learning rate on the same 64 points: every point, 8 points, a single point"
    assert_eq!(n, 64);
    let sizes: Vec<usize> = (0..3).map(|i| s.run_batch(i, &model)).collect();
    assert_eq!(sizes, vec![64, 8, 1]);
    let lrs: Vec<f64> = s.runs.iter().map(|r| r.spec.optimizer.lr()).collect();
    assert!(lrs.iter().all(|&lr| lr == lrs[0]), "{lrs:?}");
    let (full, mini, single) = (&t[0], &t[1], &t[2]);
    // "The full batch's loss falls smoothly at every step" (up to rounding at the bottom).
    for (k, w) in full.full_loss.windows(2).enumerate() {
        assert!(
            w[1] <= w[0] * (1.0 + 1e-12),
            "step {}: {} → {}",
            k + 1,
            w[0],
            w[1]
        );
    }
    // "the smaller the batch, the noisier the path and the loss": over the second half.
    let half = s.steps / 2;
    let noise: Vec<f64> = t.iter().map(|r| wobble(&r.full_loss, half)).collect();
    assert!(
        noise[0] < 1e-9 && noise[1] > 1e-3 && noise[2] > 5.0 * noise[1],
        "{noise:?}"
    );
    let paths: Vec<f64> = t.iter().map(|r| path_length(r, half)).collect();
    assert!(
        paths[0] < 1e-6 && paths[2] > 2.0 * paths[1] && paths[1] > 1.0,
        "{paths:?}"
    );
    // "which keeps jumping around the minimum instead of settling on it": the least-squares
    // minimum is what the full batch reaches; the single point's loss rises in many steps of
    // the second half and stays on average well above the minimum.
    let best = model.as_model().loss(&model.least_squares().unwrap());
    assert!((full.full_loss[s.steps] - best).abs() < 1e-9 * best);
    let tail = &single.full_loss[half..];
    let rises = tail.windows(2).filter(|w| w[1] > w[0]).count();
    let mean = tail.iter().sum::<f64>() / tail.len() as f64;
    assert!(rises >= half / 3, "{rises} rises");
    assert!(mean > 1.1 * best, "{mean} against {best}");
    assert!(
        mini.full_loss[half..].iter().all(|&l| l < mean),
        "mini-batch settles closer"
    );
}

/// The scene's lab with one data setting changed (as its caption asks), trained.
fn with(id: &str, key: &str, value: &str) -> (LabScenario, Vec<Training>) {
    let mut s = scene(id).unwrap().scenario();
    s.set_data(key, value).unwrap();
    let t = s.train().unwrap();
    (s, t)
}

/// A run's lowest validation loss, and its validation loss at the end.
fn val_min_end(t: &Training) -> (f64, f64) {
    let v = t.val_loss.as_ref().unwrap();
    (v[t.best_val_step.unwrap()], *v.last().unwrap())
}

#[test]
fn overfitting_validation_turns_up_while_training_falls_and_l1_l2_flatten_it() {
    let (s, plain) = trained("overfitting");
    let m = s.build().unwrap();
    // "degree 12 (13 parameters) on 10 noisy training points, 10 more held out"
    assert_eq!((m.as_model().dim(), m.as_model().samples()), (13, 10));
    assert_eq!(s.data().unwrap().len(), 20);
    for (i, t) in plain.iter().enumerate() {
        assert_eq!(t.diverged_at, None);
        let k = t.best_val_step.unwrap();
        let (low, end) = val_min_end(t);
        // "reaches a lowest point ... and then climbs": well inside the run, and at least
        // doubled by the end; "training loss keeps falling": lower at the end than at the ring.
        assert!(k > 50 && k < s.steps / 2, "run {i}: lowest at {k}");
        assert!(end > 2.0 * low, "run {i}: {low} → {end}");
        assert!(t.full_loss[s.steps] < 0.75 * t.full_loss[k], "run {i}");
    }
    // "Set the L2 penalty to 0.003 and every validation curve flattens out near its lowest
    // point (Adam's, which climbed most, lower than before)"
    let (_, l2) = with("overfitting", "l2", "0.003");
    let climb = |t: &Training| val_min_end(t).1 / val_min_end(t).0;
    assert!(climb(&plain[2]) > climb(&plain[0]) && climb(&plain[2]) > climb(&plain[1]));
    for (i, (t, p)) in l2.iter().zip(&plain).enumerate() {
        let (low, end) = val_min_end(t);
        assert!(end < 1.05 * low, "run {i}: flat {low} → {end}");
        assert!(
            low < 1.05 * val_min_end(p).0,
            "run {i}: near {low} against {}",
            val_min_end(p).0
        );
    }
    assert!(val_min_end(&l2[2]).0 < val_min_end(&plain[2]).0);
    // "L1 at 0.005 lowers every run's lowest point"
    let (_, l1) = with("overfitting", "l1", "0.005");
    for (i, (t, p)) in l1.iter().zip(&plain).enumerate() {
        assert!(val_min_end(t).0 < val_min_end(p).0, "run {i}");
    }
}

/// The training points' data loss (the cross-entropy without the L2 penalty) at the end, and
/// the validation loss at the end.
fn data_losses(s: &LabScenario, t: &Training) -> (f64, f64) {
    let mut plain = s.clone();
    if let ModelSpec::Mlp { l2, .. } = &mut plain.model {
        *l2 = 0.0;
    }
    let m = plain.build().unwrap();
    (m.as_model().loss(t.last()), val_min_end(t).1)
}

#[test]
fn network_overfits_and_l2_or_dropout_close_the_gap() {
    let (s, plain) = trained("network-overfits");
    let m = s.build().unwrap();
    assert_eq!(m.as_model().samples(), 20);
    let t = &plain[0];
    let (train, val) = data_losses(&s, t);
    let (low, _) = val_min_end(t);
    // "the training loss falls towards 0, while the validation loss turns up after a few
    // dozen steps and the gap between them grows"
    assert!(train < 0.01, "{train}");
    let k = t.best_val_step.unwrap();
    assert!((20..100).contains(&k), "turns at {k}");
    assert!(val > 2.0 * low, "{low} → {val}");
    let gap = val - train;
    // "Set L2 to 0.003 and the gap shrinks to a fraction, the validation loss staying low"
    let (s2, l2) = with("network-overfits", "l2", "0.003");
    let (train2, val2) = data_losses(&s2, &l2[0]);
    assert!(val2 - train2 < gap / 3.0, "gap {gap} → {}", val2 - train2);
    assert!(
        val2 < 0.5 * val && val2 < 1.2 * val_min_end(&l2[0]).0,
        "{val2}"
    );
    // "dropout at 0.3 narrows it too"
    let (s3, drop) = with("network-overfits", "dropout", "0.3");
    let (train3, val3) = data_losses(&s3, &drop[0]);
    assert!(val3 - train3 < gap / 1.5, "gap {gap} → {}", val3 - train3);
}

#[test]
fn xor_a_line_stays_at_ln_2_and_a_hidden_layer_bends_around_the_corners() {
    let ln2 = std::f64::consts::LN_2;
    let (s, t) = trained("xor-line");
    let LabModel::Logistic(m) = s.build().unwrap() else {
        panic!("logistic regression")
    };
    for (i, r) in t.iter().enumerate() {
        // "the loss stays at ln 2 ≈ 0.693 and half the points are right"
        assert_eq!(r.params[0], vec![0.0; 3], "from w = 0");
        assert!(
            r.full_loss.iter().all(|l| (l - ln2).abs() < 0.01),
            "run {i}"
        );
        assert!((m.accuracy(r.last()) - 0.5).abs() <= 0.05, "run {i}");
    }
    let (s2, t2) = trained("xor-network");
    // "The same 100 XOR points"
    assert_eq!(s2.data(), s.data());
    let LabModel::Mlp(net) = s2.build().unwrap() else {
        panic!("the network")
    };
    assert_eq!((net.hidden(), net.samples()), (8, 70));
    for (i, r) in t2.iter().enumerate() {
        // "each run's loss falls from ln 2 to below a tenth of it, and every run classifies
        // more than 95% of the points right"
        assert!(
            (r.full_loss[0] - ln2).abs() < 0.05,
            "run {i}: {}",
            r.full_loss[0]
        );
        assert!(*r.full_loss.last().unwrap() < ln2 / 10.0, "run {i}");
        let right = net.accuracy(r.last()) * 70.0 + net.val_accuracy(r.last()) * 30.0;
        assert!(right > 95.0, "run {i}: {right} of 100");
    }
}

/// The fraction of points logistic regression gets right at each step of `t`.
fn accuracies(s: &LabScenario, t: &Training) -> Vec<f64> {
    let LabModel::Logistic(m) = s.build().unwrap() else {
        panic!("logistic regression")
    };
    t.params.iter().map(|p| m.accuracy(p)).collect()
}

/// The norm of the full-data gradient at `params`.
fn gradient_norm(s: &LabScenario, params: &[f64]) -> f64 {
    let m = s.build().unwrap();
    let all: Vec<usize> = (0..m.as_model().samples()).collect();
    let mut g = vec![0.0; params.len()];
    m.as_model().loss_grad(params, &all, &mut g);
    g.iter().map(|v| v * v).sum::<f64>().sqrt()
}

#[test]
fn mse_crawls_on_confident_mistakes_where_cross_entropy_descends() {
    let (s, t) = trained("mse-vs-cross-entropy");
    let start = &t[0].params[0];
    assert_eq!(start, &vec![-3.0, -3.0, 0.0]);
    let mse = accuracies(&s, &t[0]);
    // "started confidently wrong: nearly every point gets the wrong class with p near 0 or 1"
    assert!(mse[0] <= 0.05, "{} right at the start", mse[0]);
    let LabModel::Logistic(m) = s.build().unwrap() else {
        panic!()
    };
    let points = s.data().unwrap();
    let confidently_wrong = (0..points.len())
        .filter(|&i| {
            let p = m.probability(start, points.position(i).unwrap());
            let wrong = (p >= 0.5) != points.class(i).unwrap();
            wrong && !(0.05..=0.95).contains(&p)
        })
        .count();
    assert!(
        confidently_wrong >= 90,
        "{confidently_wrong} of 100 wrong with p beyond 0.05 or 0.95"
    );
    // "the gradient is over 100 times smaller than the cross-entropy's"
    let (_, ce_t) = with("mse-vs-cross-entropy", "loss", "ce");
    let (ce_s, _) = with("mse-vs-cross-entropy", "loss", "ce");
    assert!(gradient_norm(&ce_s, start) > 100.0 * gradient_norm(&s, start));
    // "gradient descent crawls across a plateau for more than 100 steps before it gets 90% of
    // the points right"
    let first = |acc: &[f64]| acc.iter().position(|&a| a >= 0.9).unwrap();
    let k = first(&mse);
    assert!(k > 100, "90% right at step {k}");
    let l = &t[0].full_loss;
    assert!(l[100] > 0.95 * l[0], "a plateau: {} → {}", l[0], l[100]);
    // "Switch the loss to cross-entropy: from the same start it gets there within 10 steps."
    assert_eq!(&ce_t[0].params[0], start);
    let k = first(&accuracies(&ce_s, &ce_t[0]));
    assert!(k <= 10, "90% right at step {k}");
}

/// Each run's distance from `target` in parameter space after `k` steps, as a fraction of its
/// distance at the start.
fn left_of_the_way(t: &[Training], target: [f64; 2], k: usize) -> Vec<f64> {
    let d = |p: &[f64]| (p[0] - target[0]).hypot(p[1] - target[1]);
    t.iter()
        .map(|r| d(&r.params[k]) / d(&r.params[0]))
        .collect()
}

/// The eigenvalues of the squared error's Hessian 2·XᵀX/n over (w, b), X's rows (xᵢ, 1),
/// largest first, from the points themselves.
fn curvatures(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let (sxx, sx) = (
        xs.iter().map(|x| x * x).sum::<f64>() / n,
        xs.iter().sum::<f64>() / n,
    );
    let (a, b, d) = (2.0 * sxx, 2.0 * sx, 2.0);
    let (mean, root) = ((a + d) / 2.0, (((a - d) / 2.0).powi(2) + b * b).sqrt());
    (mean + root, mean - root)
}

#[test]
fn feature_scaling_turns_a_narrow_valley_round() {
    let (s, t) = trained("feature-scaling");
    let Points::Regression(p) = s.data().unwrap() else {
        panic!("regression points")
    };
    let xs: Vec<f64> = p.iter().map(|q| q.0).collect();
    // "x runs from 0 to 10 ... some 80 times more curved across than along"
    assert!(xs.iter().all(|x| (0.0..10.0).contains(x)));
    let (across, along) = curvatures(&xs);
    assert!(
        (75.0..85.0).contains(&(across / along)),
        "{across} / {along}"
    );
    let ls = s.build().unwrap().least_squares().unwrap();
    // "after 100 steps every run is still more than 4% of its way from the least-squares ✕"
    for (i, f) in left_of_the_way(&t, ls, 100).into_iter().enumerate() {
        assert!(f > 0.04, "run {i}: {f} of the way left");
    }
    // "Tick scale: the bowl turns round (curvature 2 every way), each run takes the default
    // rate that suits it, and every run is within 1% of the ✕ by step 100."
    let (scaled, u) = with("feature-scaling", "scale", "1");
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
    let standard: Vec<f64> = xs.iter().map(|x| (x - mean) / sd).collect();
    let (a, b) = curvatures(&standard);
    assert!(
        (a - 2.0).abs() < 1e-12 && (b - 2.0).abs() < 1e-12,
        "{a}, {b}"
    );
    let defaults = LabScenario::default_runs(&scaled.model);
    for (run, d) in scaled.runs.iter().zip(&defaults) {
        assert_eq!(run.spec.optimizer.lr(), d.spec.optimizer.lr());
    }
    assert_ne!(scaled.runs, s.runs, "the rates changed");
    let ls = scaled.build().unwrap().least_squares().unwrap();
    for (i, f) in left_of_the_way(&u, ls, 100).into_iter().enumerate() {
        assert!(f < 0.01, "run {i}: {f} of the way left");
    }
    // And back: unscaled again, the unscaled defaults.
    let mut back = scaled.clone();
    back.set_data("scale", "0").unwrap();
    assert_eq!(back.runs, s.runs);
}
