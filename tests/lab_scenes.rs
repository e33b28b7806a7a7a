//! Every lab scene's caption is a claim about the simulation; these tests check each claim
//! against the lab's own training (numbers derived from the runs, never pinned from them).

use optiviz::core::model::Training;
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
            p.caption.matches(". ").count() >= 1,
            "{}: two sentences",
            p.id
        );
        assert!(!p.query.contains("scene="), "{}", p.id);
    }
    assert_eq!(
        scene("nope").unwrap_err(),
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
