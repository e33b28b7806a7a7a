//! The regression lab's editable data and its scenario: edited points change the model as the
//! normal equations say, the validation split follows the seed, bad data is an error that
//! says why, and the lab's URL form reads back exactly and never panics.

mod common;
use optiviz::core::model::data::ClassShape;
use optiviz::core::model::{
    ClassLoss, LabModel, MAX_POINTS, Model, ModelSpec, ModelTrace, PointKind, Points,
};
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::surface::View;
use optiviz::state::lab::{LabScenario, MAX_HIDDEN};
use optiviz::state::scenario::{MAX_RUNS, RunEntry};

fn linear(n: usize, scale: bool) -> ModelSpec {
    ModelSpec::Linear {
        n,
        slope: 2.0,
        intercept: 1.0,
        noise: 1.0,
        scale_features: scale,
    }
}

fn poly() -> ModelSpec {
    ModelSpec::Poly {
        n: 30,
        noise: 0.2,
        degree: 3,
        l1: 0.0,
        l2: 0.0,
        val_fraction: 0.3,
    }
}

fn mlp() -> ModelSpec {
    LabScenario::default_model("mlp").unwrap()
}

/// Every loss the model reports at a few parameter vectors.
fn fingerprint(m: &dyn Model) -> Vec<f64> {
    let mut out = vec![m.dim() as f64, m.samples() as f64];
    for k in 0..3 {
        let p: Vec<f64> = (0..m.dim())
            .map(|i| 0.1 * (i as f64 + 1.0) * (k as f64 - 1.0))
            .collect();
        out.push(m.loss(&p));
        out.push(m.val_loss(&p).unwrap_or(-1.0));
        let mut g = vec![0.0; m.dim()];
        out.push(m.train_loss_grad(&p, &[0], 1, &mut g));
        out.extend(g);
    }
    out
}

#[test]
fn build_is_build_with_the_generated_points() {
    for spec in [
        linear(50, false),
        linear(20, true),
        LabScenario::default_model("logistic").unwrap(),
        poly(),
        mlp(),
    ] {
        for seed in [0, 7, 12345] {
            let a = fingerprint(spec.build(seed).unwrap().as_ref());
            let b = fingerprint(spec.build_with(seed, None).unwrap().as_ref());
            let generated = spec.generate(seed).unwrap();
            assert_eq!(generated.len(), spec.n());
            assert_eq!(generated.kind(), spec.point_kind());
            let c = fingerprint(spec.build_with(seed, Some(&generated)).unwrap().as_ref());
            assert_eq!(a, b, "{spec:?}");
            assert_eq!(a, c, "{spec:?}");
        }
    }
}

#[test]
fn editing_a_point_moves_the_least_squares_line_as_the_normal_equations_say() {
    // (0, 1), (1, 3), (2, 5) lie on y = 2x + 1 exactly.
    let mut points = Points::Regression(vec![(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]);
    let spec = linear(3, false);
    let ls = |p: &Points| match spec.build_lab(0, Some(p)).unwrap() {
        LabModel::Linear(m) => m.least_squares(),
        _ => unreachable!(),
    };
    let [w, b] = ls(&points);
    assert!(
        (w - 2.0).abs() < 1e-12 && (b - 1.0).abs() < 1e-12,
        "{w} {b}"
    );
    // Move (2, 5) to (2, 8). By hand: Σx² = 5, Σx = 3, n = 3, Σxy = 0 + 3 + 16 = 19,
    // Σy = 12; [5 3; 3 3][w; b] = [19; 12] gives det 6, w = (57 − 36)/6 = 3.5,
    // b = (60 − 57)/6 = 0.5.
    points.move_to(2, [2.0, 8.0]).unwrap();
    let [w, b] = ls(&points);
    assert!(
        (w - 3.5).abs() < 1e-12 && (b - 0.5).abs() < 1e-12,
        "{w} {b}"
    );
    // Add (3, 0). Σx² = 14, Σx = 6, n = 4, Σxy = 19, Σy = 12:
    // [14 6; 6 4][w; b] = [19; 12], det 20, w = (76 − 72)/20 = 0.2, b = (168 − 114)/20 = 2.7.
    points.add([3.0, 0.0], false).unwrap();
    let [w, b] = ls(&points);
    assert!(
        (w - 0.2).abs() < 1e-12 && (b - 2.7).abs() < 1e-12,
        "{w} {b}"
    );
    // Delete (0, 1): points (1, 3), (2, 8), (3, 0). Σx² = 14, Σx = 6, n = 3, Σxy = 19,
    // Σy = 11: [14 6; 6 3][w; b] = [19; 11], det 6, w = (57 − 66)/6 = −1.5,
    // b = (154 − 114)/6 = 20/3.
    points.remove(0).unwrap();
    let [w, b] = ls(&points);
    assert!(
        (w + 1.5).abs() < 1e-12 && (b - 20.0 / 3.0).abs() < 1e-12,
        "{w} {b}"
    );

    // And training on the edited points goes there: the lab's training uses them.
    let lab = LabScenario {
        model: spec.clone(),
        points: Some(points),
        runs: vec![RunEntry::from(
            RunConfig::new(OptimizerKind::Adam).with("lr", 0.1).unwrap(),
        )],
        batches: vec![None],
        steps: 5000,
        ..LabScenario::default()
    };
    let t = &lab.train().unwrap()[0];
    let last = t.last();
    assert!(
        (last[0] + 1.5).abs() < 1e-3 && (last[1] - 20.0 / 3.0).abs() < 1e-3,
        "{last:?}"
    );
}

#[test]
fn the_validation_mask_says_which_points_train() {
    for seed in [0, 3, 99] {
        let spec = poly();
        let points = spec.generate(seed).unwrap();
        let mask = spec.validation_mask(seed, points.len());
        // round(0.3 · 30) = 9 validation points.
        assert_eq!(mask.iter().filter(|&&v| v).count(), 9);
        let Points::Regression(p) = &points else {
            panic!("poly takes regression points")
        };
        let LabModel::Poly(m) = spec.build_lab(seed, None).unwrap() else {
            panic!("a poly model")
        };
        // Independently of the model: the MSE of ŷ = 0.3x − 0.2x² + 0.1x³ + 0.5 on each side
        // of the mask.
        let params = [0.3, -0.2, 0.1, 0.5];
        let mse = |val: bool| {
            let sel: Vec<&(f64, f64)> = p
                .iter()
                .zip(&mask)
                .filter(|(_, v)| **v == val)
                .map(|(q, _)| q)
                .collect();
            sel.iter()
                .map(|(x, y)| (0.3 * x - 0.2 * x * x + 0.1 * x * x * x + 0.5 - y).powi(2))
                .sum::<f64>()
                / sel.len() as f64
        };
        assert!((m.train_mse(&params) - mse(false)).abs() < 1e-12);
        assert!((m.val_loss(&params).unwrap() - mse(true)).abs() < 1e-12);
        assert_eq!(m.samples(), 21);
    }
    // Linear and logistic regression train on every point.
    assert!(linear(10, false).validation_mask(1, 10).iter().all(|v| !v));
    // An edited list is split by the same seed: the mask depends only on the count.
    let spec = mlp();
    let edited = Points::Classes(vec![([0.0, 0.0], true); 10]);
    let mask = spec.validation_mask(5, edited.len());
    assert_eq!(mask.iter().filter(|&&v| v).count(), 3);
    assert_eq!(spec.build_with(5, Some(&edited)).unwrap().samples(), 7);
}

#[test]
fn bad_data_is_an_error_that_says_why() {
    let spec = linear(3, false);
    let err = |p: &Points| spec.build_with(0, Some(p)).err().unwrap().to_string();
    assert_eq!(
        err(&Points::Regression(vec![])),
        "invalid points: the data is empty: allowed are 1 to 500 points"
    );
    assert_eq!(
        err(&Points::Regression(vec![(0.0, 1.0), (f64::NAN, 2.0)])),
        "invalid points: point 2: invalid point (NaN,2): allowed values are finite numbers \
         from -1e6 to 1e6"
    );
    assert_eq!(
        err(&Points::Regression(vec![(0.0, 1.0); MAX_POINTS + 1])),
        "invalid points: 501 points: allowed are 1 to 500 points"
    );
    assert_eq!(
        err(&Points::Classes(vec![([0.0, 1.0], true)])),
        "invalid points: model=linear takes points x,y, not x1,x2,c (c 0 or 1)"
    );
    assert_eq!(
        mlp()
            .build_with(0, Some(&Points::Regression(vec![(0.0, 1.0)])))
            .err()
            .unwrap()
            .to_string(),
        "invalid points: model=mlp takes points x1,x2,c (c 0 or 1), not x,y"
    );
    // The spec's own parameters are still checked with edited points.
    let bad = ModelSpec::Linear {
        n: 3,
        slope: 2.0,
        intercept: 1.0,
        noise: -1.0,
        scale_features: false,
    };
    assert_eq!(
        bad.build_with(0, Some(&Points::Regression(vec![(0.0, 1.0)])))
            .err()
            .unwrap()
            .to_string(),
        "invalid data-noise -1: allowed values are 0 to 100"
    );
    // Editing keeps the list valid.
    let mut p = Points::Regression(vec![(0.0, 1.0)]);
    assert_eq!(
        p.remove(0).unwrap_err().to_string(),
        "cannot delete the last point: the data needs at least one"
    );
    assert_eq!(
        p.remove(3).unwrap_err().to_string(),
        "no point 3: allowed indices are 0 to 0"
    );
    assert_eq!(
        p.add([f64::INFINITY, 0.0], false).unwrap_err().to_string(),
        "invalid point (inf,0): allowed values are finite numbers from -1e6 to 1e6"
    );
    let mut full = Points::Classes(vec![([0.0, 0.0], false); MAX_POINTS]);
    assert_eq!(
        full.add([1.0, 1.0], true).unwrap_err().to_string(),
        "cannot add a point: 500 points is the most allowed"
    );
    full.move_to(499, [2.0, 3.0]).unwrap();
    assert_eq!(full.position(499), Some([2.0, 3.0]));
    assert_eq!(full.class(499), Some(false));
}

#[test]
fn nearest_point_in_pixels() {
    let p = Points::Regression(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 0.1)]);
    // 100 px per unit in x, 10 px per unit in y: (1, 0.1) is 1 px from (1, 0) and the click
    // at (0.97, 0.09) is 3 px from (1, 0.1), 3.16 px from (1, 0).
    assert_eq!(p.nearest([0.97, 0.09], (100.0, 10.0), 5.0), Some(2));
    assert_eq!(p.nearest([0.5, 0.0], (100.0, 10.0), 5.0), None);
}

#[test]
fn the_default_lab_and_its_link() {
    let d = LabScenario::default();
    assert_eq!(
        d.to_query(),
        "model=linear&n=50&slope=2&intercept=1&noise=1&seed=0&steps=300&step=0&axes=0,1\
         &run=sgd;lr=0.01&run=momentum;lr=0.002&run=adam;lr=0.1"
    );
    assert_eq!(LabScenario::from_query(""), Ok(d.clone()));
    assert_eq!(LabScenario::from_query("?"), Ok(d.clone()));
    assert_eq!(LabScenario::from_query(&d.to_query()), Ok(d));
}

/// A link, or a change of hidden units, that puts Newton on a network beyond
/// `MAX_SECOND_ORDER_PARAMS` is refused with the run, the optimizer and the allowed values.
#[test]
fn newton_is_held_to_small_models_in_links_and_settings() {
    let e = LabScenario::from_query("model=mlp&hidden=64&run=newton")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("run 1: optimizer newton on a model with 257 parameters: allowed are models of at most 17 parameters"),
        "{e}"
    );
    let mut s = LabScenario::from_query("model=mlp&hidden=4&run=adam&run=newton").unwrap();
    assert_eq!(s.train().unwrap()[1].steps(), s.steps);
    let e = s.set_data("hidden", "5").unwrap_err().to_string();
    assert!(
        e.starts_with("run 2: optimizer newton on a model with 21 parameters"),
        "{e}"
    );
    assert!(
        LabScenario::from_query("model=poly&degree=12&run=newton").is_ok(),
        "every polynomial is within the bound"
    );
}

#[test]
fn a_hand_written_link() {
    let s = LabScenario::from_query(
        "?model=linear&n=40&slope=2&intercept=1&noise=0.5&scale&seed=7&batch=2&steps=300\
         &step=20&axes=1,0&view=-1,4,-2,3&run=sgd;lr=0.05&run=adam;lr=0.1;hidden\
         &points=0.1,2.3;0.5,1.9;-3,1e2",
    )
    .unwrap();
    assert_eq!(
        s.model,
        ModelSpec::Linear {
            n: 40,
            slope: 2.0,
            intercept: 1.0,
            noise: 0.5,
            scale_features: true
        }
    );
    // The lab-wide batch of an older link is the batch of every run without its own.
    assert_eq!(
        (s.seed, &s.batches[..], s.steps, s.step),
        (7, &[Some(2); 2][..], 300, 20)
    );
    assert_eq!(s.axes, (1, 0));
    assert_eq!(s.view, Some(View::new(-1.0, 4.0, -2.0, 3.0)));
    assert_eq!(s.runs.len(), 2);
    assert_eq!(s.runs[0].spec.optimizer.kind, OptimizerKind::Sgd);
    assert_eq!(s.runs[0].spec.optimizer.get("lr"), Ok(0.05));
    assert!(s.runs[1].hidden);
    assert_eq!(
        s.points,
        Some(Points::Regression(vec![
            (0.1, 2.3),
            (0.5, 1.9),
            (-3.0, 100.0)
        ]))
    );
    // The runs are written exactly as the surface scenario writes them.
    let q = s.to_query();
    assert!(
        q.contains("&run=sgd;lr=0.05;batch=2&run=adam;lr=0.1;hidden;batch=2&"),
        "{q}"
    );
    assert!(!q.contains("&batch="), "{q}");
    assert!(q.ends_with("&points=0.1,2.3;0.5,1.9;-3,100"), "{q}");
    assert_eq!(LabScenario::from_query(&q), Ok(s));

    let c = LabScenario::from_query(
        "model=mlp&hidden=3&dropout=0.2&l2=0.01&val=0.25&points=0,0,1;1,1,0;2,0.5,1;3,3,0",
    )
    .unwrap();
    assert_eq!(
        c.points,
        Some(Points::Classes(vec![
            ([0.0, 0.0], true),
            ([1.0, 1.0], false),
            ([2.0, 0.5], true),
            ([3.0, 3.0], false)
        ]))
    );
    // A query without runs takes the model's default runs.
    assert_eq!(c.runs, LabScenario::default_runs(&c.model));
    assert_eq!(c.build().unwrap().as_model().dim(), 13);
}

/// Links found freezing or killing the lab (issue 12): each finite number is fine alone, but
/// what is derived from it (the data, the losses, a view's width) overflows. Each is refused
/// where it enters, with the allowed values.
#[test]
fn extreme_but_finite_values_in_a_link_are_refused_with_the_allowed_values() {
    let err = |q: &str| LabScenario::from_query(q).unwrap_err().to_string();
    let view_rule = "allowed are x_min < x_max and y_min < y_max, every bound from -1e6 to \
                     1e6, each side at least 1e-9 · max(1, |bound|) long";
    assert_eq!(
        err("view=-1e308,1e308,-1,1"),
        format!("view '-1e308,1e308,-1,1' cannot be shown: {view_rule}")
    );
    assert_eq!(
        err("view=0,5e-324,0,5e-324"),
        format!("view '0,5e-324,0,5e-324' cannot be shown: {view_rule}")
    );
    assert_eq!(
        err("view=-1e300,1e300,-1,1"),
        format!("view '-1e300,1e300,-1,1' cannot be shown: {view_rule}")
    );
    assert_eq!(
        err("slope=1e200"),
        "slope 1e200: allowed values are -1000 to 1000"
    );
    assert_eq!(
        err("slope=1e160"),
        "slope 1e160: allowed values are -1000 to 1000"
    );
    assert_eq!(
        err("intercept=-1e308"),
        "intercept -1e308: allowed values are -1000 to 1000"
    );
    assert_eq!(
        err("noise=1e308"),
        "noise 1e308: allowed values are 0 to 100"
    );
    assert_eq!(
        err("model=logistic&noise=1e308"),
        "noise 1e308: allowed values are 0 to 100"
    );
    assert_eq!(
        err("model=mlp&separation=5e300"),
        "separation 5e300: allowed values are 0 to 100"
    );
    assert_eq!(
        err("model=poly&l2=1e309"),
        "l2 'inf' is not a finite number: allowed \
        values are finite numbers in l2's range"
            .replace("'inf'", "'1e309'")
    );
    assert_eq!(
        err("points=1e308,1e308;-1e308,-1e308"),
        "invalid points: point 1: invalid point (1e308,1e308): allowed values are finite \
         numbers from -1e6 to 1e6 (model=linear)"
    );
    // The ends of every range are allowed, and give finite data and losses.
    for q in [
        "slope=1000&intercept=-1000&noise=100",
        "model=logistic&separation=100&noise=100",
        "model=poly&noise=100&l1=100&l2=100&degree=12",
        "model=mlp&separation=100&noise=100&l2=100",
        "points=1e6,1e6;-1e6,-1e6",
        "model=poly&degree=12&points=1e6,-1e6;-1e6,1e6;0.5,0.5",
        "view=-1e6,1e6,-1e6,1e6",
        "view=999999.999,1e6,0,1e-9",
    ] {
        let s = LabScenario::from_query(&format!("{q}&steps=50"))
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        let model = s.build().unwrap();
        let m = model.as_model();
        let loss = m.loss(&m.init(s.seed));
        assert!(
            loss.is_finite(),
            "{q}: the starting loss {loss} is not finite"
        );
        // Training runs to the end or stops at a reported divergence, never panics.
        for t in s.train_on(&model).unwrap() {
            assert!(t.full_loss[0].is_finite(), "{q}");
        }
    }
}

#[test]
fn malformed_links_name_the_field_the_value_and_the_allowed_values() {
    let err = |q: &str| LabScenario::from_query(q).unwrap_err().to_string();
    assert_eq!(
        err("model=svm"),
        "unknown model 'svm': allowed values are linear, logistic, poly, mlp"
    );
    assert_eq!(err("n=0"), "n 0: allowed values are 1 to 500");
    assert_eq!(err("n=501"), "n 501: allowed values are 1 to 500");
    assert_eq!(
        err("n=ten"),
        "n 'ten' is not a whole number: allowed values are 1 to 500"
    );
    assert_eq!(
        err("slope=inf"),
        "slope 'inf' is not a finite number: allowed values are finite numbers in slope's range"
    );
    assert_eq!(err("noise=-1"), "noise -1: allowed values are 0 to 100");
    assert_eq!(
        err("model=poly&slope=2"),
        "'slope' does not apply to model=poly: allowed are n, noise, degree, l1, l2, val"
    );
    assert_eq!(
        err("model=poly&degree=13"),
        "degree 13: allowed values are 1 to 12"
    );
    assert_eq!(
        err("model=mlp&val=1"),
        "val 1: allowed values are 0 ≤ val < 1"
    );
    assert_eq!(
        err("model=mlp&hidden=65"),
        format!("hidden 65: allowed values are 1 to {MAX_HIDDEN}")
    );
    assert_eq!(
        err("model=mlp&dropout=1"),
        "dropout 1: allowed values are 0 ≤ dropout < 1"
    );
    assert_eq!(
        err("seed=-1"),
        "seed '-1' is not a whole number: allowed values are 0 to 18446744073709551615"
    );
    assert_eq!(
        err("batch=51"),
        "batch 51: allowed values are 1 to 50 (the training points), or no batch for the full batch"
    );
    assert_eq!(
        err("batch=0"),
        "batch 0: allowed values are 1 to 50 (the training points), or no batch for the full batch"
    );
    assert_eq!(err("steps=0"), "steps 0: allowed values are 1 to 20000");
    assert_eq!(
        err("axes=0,2"),
        "axes '0,2': allowed values are two different parameter indices from 0 to 1 (w, b)"
    );
    assert_eq!(
        err("axes=1,1"),
        "axes '1,1': allowed values are two different parameter indices from 0 to 1 (w, b)"
    );
    assert_eq!(
        err("axes=1"),
        "axes '1' needs two different parameter indices, such as 0,1"
    );
    assert_eq!(
        err("view=1,0,0,1"),
        "view '1,0,0,1' cannot be shown: allowed are x_min < x_max and y_min < y_max, every \
         bound from -1e6 to 1e6, each side at least 1e-9 · max(1, |bound|) long"
    );
    assert_eq!(
        err("run=adam;beta1=2"),
        "run 1: invalid beta1 = 2: allowed values are 0 ≤ beta1 < 1"
    );
    assert_eq!(
        err(&"run=sgd&".repeat(MAX_RUNS + 1)),
        "more than 8 runs: run 9 left out"
    );
    assert_eq!(
        err("points="),
        "invalid points: the data is empty: allowed are 1 to 500 points (model=linear)"
    );
    assert_eq!(
        err("points=1,2;3,x"),
        "invalid points: point 2 has 'x', not a finite number: allowed are points x,y \
         separated by ';' (model=linear)"
    );
    assert_eq!(
        err("model=logistic&points=1,2"),
        "invalid points: point 1 '1,2' is not x1,x2,c (c 0 or 1) (model=logistic)"
    );
    assert_eq!(
        err("model=logistic&points=1,2,2"),
        "invalid points: point 1 has class '2': allowed values are 0 and 1 (model=logistic)"
    );
    assert_eq!(
        err(&format!("points={}", "1,2;".repeat(MAX_POINTS + 1))),
        "invalid points: 501 points: allowed are 1 to 500 points (model=linear)"
    );
    assert!(err("zoom=2").starts_with("unknown part 'zoom': allowed are model, n, slope"));
    assert_eq!(err("model=%FF"), "the value of 'model' is not valid UTF-8");
    // A split that leaves nothing to train on.
    assert_eq!(
        err("model=poly&val=0.9&points=0,1"),
        "no training points are left after the validation split"
    );
}

#[test]
fn each_run_has_its_own_batch_size_in_the_link_and_its_own_batches() {
    let q = "model=linear&n=20&scale&seed=5&steps=50\
             &run=sgd;lr=0.1&run=sgd;lr=0.1;batch=4&run=adam;lr=0.05;batch=1";
    let lab = LabScenario::from_query(q).unwrap();
    assert_eq!(lab.batches, vec![None, Some(4), Some(1)]);
    let model = lab.build().unwrap();
    assert_eq!(
        (0..3).map(|i| lab.run_batch(i, &model)).collect::<Vec<_>>(),
        vec![20, 4, 1]
    );
    assert_eq!(LabScenario::from_query(&lab.to_query()), Ok(lab.clone()));
    let runs = lab.train().unwrap();
    // 20 points in batches of 4: 5 steps an epoch; of 1: 20; the full batch: 1.
    assert_eq!(
        (runs[0].epochs[50], runs[1].epochs[50], runs[2].epochs[50]),
        (50, 10, 3)
    );
    // Each run trains as it would alone, whatever the other runs' batch sizes: the batches of
    // a run are its own, shuffled from the lab's seed.
    for (i, t) in runs.iter().enumerate() {
        let alone = ModelTrace::run(
            lab.model.clone(),
            lab.runs[i].spec.clone(),
            None,
            lab.steps,
            lab.batches[i],
            lab.seed,
        )
        .unwrap();
        assert_eq!(&alone.training, t, "run {}", i + 1);
    }
    // A run's own batch wins over the lab-wide one of an older link.
    let old = LabScenario::from_query("model=linear&n=20&batch=5&run=sgd&run=sgd;batch=2").unwrap();
    assert_eq!(old.batches, vec![Some(5), Some(2)]);
}

#[test]
fn a_bad_batch_size_is_refused_with_the_allowed_values() {
    let err = |q: &str| LabScenario::from_query(q).unwrap_err().to_string();
    assert_eq!(
        err("model=linear&n=20&run=sgd&run=sgd;batch=21"),
        "run 2: batch 21: allowed values are 1 to 20 (the training points), or no batch for \
         the full batch"
    );
    assert_eq!(
        err("model=linear&n=20&run=sgd;batch=0"),
        "run 1: batch 0: allowed values are 1 to 20 (the training points), or no batch for \
         the full batch"
    );
    assert_eq!(
        err("run=sgd;batch=x"),
        "run 1: batch 'x' is not a whole number: allowed values are 1 to the number of \
         training points"
    );
    // 30% of 40 points validate: 28 train.
    assert_eq!(
        err("model=poly&n=40&val=0.3&batch=29"),
        "batch 29: allowed values are 1 to 28 (the training points), or no batch for the full \
         batch"
    );
    // The surface page's runs know no batch.
    assert!(
        optiviz::state::scenario::Scenario::from_query("run=sgd;batch=4")
            .unwrap_err()
            .to_string()
            .contains("batch")
    );
}

#[test]
fn batch_sizes_follow_the_runs_and_the_data() {
    let mut lab = LabScenario::from_query("model=linear&n=20&run=sgd;batch=4&run=adam").unwrap();
    lab.set_run_batch(1, Some(2)).unwrap();
    assert_eq!(lab.batches, vec![Some(4), Some(2)]);
    // The training points or more is the full batch.
    lab.set_run_batch(0, Some(20)).unwrap();
    assert_eq!(lab.batches, vec![None, Some(2)]);
    assert_eq!(
        lab.set_run_batch(2, Some(1)).map_err(|e| e.to_string()),
        Err("no run 2: allowed indices are 0 to 1".into())
    );
    lab.push_run(RunEntry::from(RunConfig::new(OptimizerKind::Sgd)), Some(3));
    lab.remove_run(0);
    assert_eq!(lab.batches, vec![Some(2), Some(3)]);
    assert_eq!(lab.validate(), Ok(()));
    // Fewer points than a run's batch: that run takes the full batch.
    lab.set_data("n", "2").unwrap();
    assert_eq!(lab.batches, vec![Some(2), None]);
    lab.batches.pop();
    assert_eq!(
        lab.validate().map_err(|e| e.to_string()),
        Err("1 batch sizes for 2 runs: allowed is one per run".into())
    );
}

#[test]
fn two_class_data_takes_its_shape_from_the_link() {
    let s = LabScenario::from_query("model=mlp&data=xor&separation=4&n=8").unwrap();
    let ModelSpec::Mlp {
        shape, separation, ..
    } = s.model
    else {
        panic!("{:?}", s.model)
    };
    assert_eq!((shape, separation), (ClassShape::Xor, 4.0));
    assert!(
        s.to_query()
            .contains("model=mlp&n=8&data=xor&separation=4&")
    );
    assert_eq!(LabScenario::from_query(&s.to_query()), Ok(s.clone()));
    // The default network learns moons, which no straight line separates.
    let d = LabScenario::from_query("model=mlp").unwrap();
    assert!(matches!(
        d.model,
        ModelSpec::Mlp {
            shape: ClassShape::Moons,
            ..
        }
    ));
    assert!(matches!(
        LabScenario::from_query("model=logistic").unwrap().model,
        ModelSpec::Logistic {
            shape: ClassShape::Blobs,
            ..
        }
    ));
    assert_eq!(
        LabScenario::from_query("model=logistic&data=spiral")
            .unwrap_err()
            .to_string(),
        "unknown data 'spiral': allowed values are blobs, circles, moons, xor"
    );
    assert_eq!(
        LabScenario::from_query("model=poly&data=xor")
            .unwrap_err()
            .to_string(),
        "'data' does not apply to model=poly: allowed are n, noise, degree, l1, l2, val"
    );
    // The page's menu of shapes; circles and moons have no separation to set.
    let mut c = LabScenario::from_query("model=logistic&points=0,0,1;1,1,0").unwrap();
    let keys = |s: &LabScenario| s.data_controls().iter().map(|c| c.key).collect::<Vec<_>>();
    assert_eq!(keys(&c), ["n", "data", "separation", "noise", "loss"]);
    let menu = c.data_controls()[1].clone();
    assert_eq!(menu.choice.as_deref(), Some("blobs"));
    assert_eq!(
        menu.choices.iter().map(|c| c.0).collect::<Vec<_>>(),
        ["blobs", "circles", "moons", "xor"]
    );
    c.set_data("data", "circles").unwrap();
    assert_eq!(keys(&c), ["n", "data", "noise", "loss"]);
    assert_eq!(c.points, None, "a new shape draws the points afresh");
    assert_eq!(c.data().unwrap().len(), 100);
}

#[test]
fn a_start_and_a_loss_in_the_link() {
    let s =
        LabScenario::from_query("model=logistic&loss=mse&start=-3,-3,0.5&run=sgd;lr=0.5").unwrap();
    assert_eq!(s.start, Some(vec![-3.0, -3.0, 0.5]));
    assert!(matches!(
        s.model,
        ModelSpec::Logistic {
            loss: ClassLoss::Mse,
            ..
        }
    ));
    assert!(s.to_query().contains("&loss=mse&"), "{}", s.to_query());
    assert!(
        s.to_query().contains("&start=-3,-3,0.5&"),
        "{}",
        s.to_query()
    );
    assert_eq!(LabScenario::from_query(&s.to_query()), Ok(s.clone()));
    // Every run starts there.
    assert_eq!(s.train().unwrap()[0].params[0], vec![-3.0, -3.0, 0.5]);
    let err = |q: &str| LabScenario::from_query(q).unwrap_err().to_string();
    assert_eq!(
        err("model=logistic&start=1,2"),
        "start has 2 values: allowed is one per parameter (3: w1, w2, b)"
    );
    assert_eq!(
        err("start=1,2e7"),
        "start b = 2e7: allowed values are -1e6 to 1e6"
    );
    assert_eq!(
        err("start=1,x"),
        "start 'x' is not a finite number: allowed values are one finite number per \
         parameter, separated by commas"
    );
    assert!(err(&format!("start={}", "0,".repeat(300))).starts_with("start has 301 values"));
    assert_eq!(
        err("model=logistic&loss=hinge"),
        "unknown loss 'hinge': allowed values are ce (cross-entropy), mse"
    );
    assert_eq!(
        err("model=mlp&loss=mse"),
        "'loss' does not apply to model=mlp: allowed are n, data, separation, noise, hidden, \
         dropout, l2, val"
    );
    // A start for another number of parameters gives way to the model's own.
    let mut p = LabScenario::from_query("model=poly&degree=2&start=1,2,3").unwrap();
    p.set_data("degree", "3").unwrap();
    assert_eq!(p.start, None);
    p.set_start("1, 2, 3, 4").unwrap();
    assert_eq!(p.start, Some(vec![1.0, 2.0, 3.0, 4.0]));
    assert!(p.set_start("1,2").is_err());
    assert_eq!(
        p.start,
        Some(vec![1.0, 2.0, 3.0, 4.0]),
        "nothing changes on error"
    );
    p.set_start("").unwrap();
    assert_eq!(p.start, None);
}

#[test]
fn a_step_past_the_end_is_clamped() {
    assert_eq!(
        LabScenario::from_query("steps=100&step=500").unwrap().step,
        100
    );
}

#[test]
fn every_run_trains_as_the_command_line_trace_does() {
    let lab = LabScenario::from_query("model=poly&n=30&val=0.3&seed=4&batch=5&steps=200").unwrap();
    let runs = lab.train().unwrap();
    assert_eq!(runs.len(), 3);
    for ((run, batch), t) in lab.runs.iter().zip(&lab.batches).zip(&runs) {
        let trace = ModelTrace::run(
            lab.model.clone(),
            run.spec.clone(),
            None,
            lab.steps,
            *batch,
            lab.seed,
        )
        .unwrap();
        assert_eq!(&trace.training, t);
        assert_eq!(t.steps(), 200);
        // Batches of 5 out of 21 training points: 5 steps an epoch, the last of 1 point.
        assert_eq!(t.epochs[5], 1);
        assert_eq!(t.epochs[6], 2);
    }
}

#[test]
fn the_default_runs_learn_every_default_model() {
    for id in ["linear", "logistic", "poly", "mlp"] {
        let model = LabScenario::default_model(id).unwrap();
        let lab = LabScenario {
            runs: LabScenario::default_runs(&model),
            model,
            ..LabScenario::default()
        };
        for (i, t) in lab.train().unwrap().iter().enumerate() {
            assert_eq!(t.diverged_at, None, "{id} run {i}");
            let (first, last) = (t.full_loss[0], *t.full_loss.last().unwrap());
            assert!(last < 0.5 * first, "{id} run {i}: {first} → {last}");
        }
    }
}

#[test]
fn generated_points_are_of_the_models_kind() {
    assert_eq!(linear(5, false).point_kind(), PointKind::Regression);
    assert_eq!(mlp().point_kind(), PointKind::Classes);
    let lab = LabScenario::from_query("model=logistic&n=6&seed=3").unwrap();
    let data = lab.data().unwrap();
    assert_eq!(data.len(), 6);
    // two_classes alternates the labels, class 1 first.
    assert_eq!(
        (0..6).map(|i| data.class(i).unwrap()).collect::<Vec<_>>(),
        [true, false, true, false, true, false]
    );
    assert_eq!(lab.validation_mask().unwrap(), vec![false; 6]);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use crate::common::strategies::any_run;
    use optiviz::core::model::data::ClassShape;
    use optiviz::core::model::{
        ClassLoss, DATA_LIMITS, MAX_COORDINATE, MAX_DEGREE, MAX_SECOND_ORDER_PARAMS,
    };
    use optiviz::core::surface::COORDINATE_LIMIT;
    use optiviz::i18n::Lang;
    use proptest::prelude::*;

    /// Any finite number, from everyday values to the extremes.
    fn finite() -> impl Strategy<Value = f64> {
        prop_oneof![
            -10.0f64..10.0,
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
        ]
    }

    /// Any value `key` may take: its [`DATA_LIMITS`] range, its ends included.
    fn limited(key: &'static str) -> impl Strategy<Value = f64> {
        let &(_, lo, hi) = DATA_LIMITS.iter().find(|(k, ..)| *k == key).unwrap();
        prop_oneof![lo..=hi, Just(lo), Just(hi)]
    }

    /// Any coordinate a point may have.
    fn coordinate() -> impl Strategy<Value = f64> {
        prop_oneof![
            -10.0f64..10.0,
            -MAX_COORDINATE..=MAX_COORDINATE,
            Just(MAX_COORDINATE),
            Just(-MAX_COORDINATE)
        ]
    }

    fn any_model() -> impl Strategy<Value = ModelSpec> {
        prop_oneof![
            (
                1usize..=MAX_POINTS,
                limited("slope"),
                limited("intercept"),
                limited("noise"),
                any::<bool>()
            )
                .prop_map(|(n, slope, intercept, noise, scale_features)| {
                    ModelSpec::Linear {
                        n,
                        slope,
                        intercept,
                        noise,
                        scale_features,
                    }
                }),
            (
                1usize..=MAX_POINTS,
                limited("separation"),
                limited("noise"),
                any_shape()
            )
                .prop_map(|(n, separation, noise, shape)| ModelSpec::Logistic {
                    n,
                    separation,
                    noise,
                    shape,
                    loss: if n % 2 == 0 {
                        ClassLoss::Mse
                    } else {
                        ClassLoss::CrossEntropy
                    },
                }),
            (
                1usize..=MAX_POINTS,
                limited("noise"),
                1usize..=MAX_DEGREE,
                limited("l1"),
                limited("l2"),
                0.0f64..0.5
            )
                .prop_map(|(n, noise, degree, l1, l2, val_fraction)| ModelSpec::Poly {
                    n,
                    noise,
                    degree,
                    l1,
                    l2,
                    val_fraction
                }),
            (
                1usize..=MAX_POINTS,
                (limited("separation"), any_shape()),
                limited("noise"),
                1usize..=MAX_HIDDEN,
                0.0f64..1.0,
                limited("l2"),
                0.0f64..0.5
            )
                .prop_map(
                    |(n, (separation, shape), noise, hidden, dropout, l2, val_fraction)| {
                        ModelSpec::Mlp {
                            n,
                            separation,
                            noise,
                            shape,
                            hidden,
                            dropout,
                            l2,
                            val_fraction,
                        }
                    }
                ),
        ]
    }

    fn any_shape() -> impl Strategy<Value = ClassShape> {
        proptest::sample::select(ClassShape::ALL.to_vec())
    }

    /// A model with, maybe, edited points of its kind.
    fn any_data() -> impl Strategy<Value = (ModelSpec, Option<Points>)> {
        any_model().prop_flat_map(|model| {
            let points = match model.point_kind() {
                PointKind::Regression => {
                    proptest::collection::vec((coordinate(), coordinate()), 1..40)
                        .prop_map(Points::Regression)
                        .boxed()
                }
                PointKind::Classes => {
                    proptest::collection::vec(((coordinate(), coordinate()), any::<bool>()), 1..40)
                        .prop_map(|v| {
                            Points::Classes(v.into_iter().map(|((a, b), c)| ([a, b], c)).collect())
                        })
                        .boxed()
                }
            };
            (Just(model), proptest::option::of(points))
        })
    }

    fn any_lab() -> impl Strategy<Value = LabScenario> {
        (
            any_data(),
            any::<u64>(),
            proptest::collection::vec(any_run(), 1..=MAX_RUNS),
            proptest::collection::vec(proptest::option::of(0.0f64..1.0), MAX_RUNS),
            (1usize..=20_000, 0usize..30_000),
            (0.0f64..1.0, 0.0f64..1.0),
            (
                proptest::option::of((finite(), 1e-6f64..1e3, finite(), 1e-6f64..1e3)),
                proptest::option::of(proptest::collection::vec(
                    prop_oneof![-10.0f64..10.0, -COORDINATE_LIMIT..=COORDINATE_LIMIT],
                    4 * MAX_HIDDEN + 1,
                )),
            ),
        )
            .prop_map(
                |((model, points), seed, runs, batches, (steps, step), (a, b), (view, start))| {
                    let m = model.build_with(seed, points.as_ref()).unwrap();
                    let (n, d) = (m.samples(), m.dim());
                    let a_axis = ((a * d as f64) as usize).min(d - 1);
                    let b_axis = (a_axis + 1 + ((b * (d - 1) as f64) as usize).min(d - 2)) % d;
                    // Any view a link may carry: within ±COORDINATE_LIMIT, sides long enough.
                    let view = view.map(|(x0, w, y0, h)| {
                        let lim = COORDINATE_LIMIT;
                        let (x0, y0) = (x0.clamp(-lim, lim - 1e3), y0.clamp(-lim, lim - 1e3));
                        View::new(
                            x0,
                            x0 + w.max(x0.abs() * 2e-9),
                            y0,
                            y0 + h.max(y0.abs() * 2e-9),
                        )
                    });
                    // Newton only where the lab allows it (MAX_SECOND_ORDER_PARAMS).
                    let runs: Vec<RunEntry> = runs
                        .into_iter()
                        .map(|mut r| {
                            if d > MAX_SECOND_ORDER_PARAMS
                                && r.spec.optimizer.kind == OptimizerKind::Newton
                            {
                                r.spec.optimizer = RunConfig::new(OptimizerKind::Sgd);
                            }
                            r
                        })
                        .collect();
                    LabScenario {
                        model,
                        seed,
                        points,
                        batches: batches[..runs.len()]
                            .iter()
                            .map(|b| b.map(|f| 1 + ((f * n as f64) as usize).min(n - 1)))
                            .collect(),
                        runs,
                        steps,
                        step: step.min(steps),
                        axes: (a_axis, b_axis),
                        view,
                        scene: None,
                        start: start.map(|v| v[..d].to_vec()),
                        // Either way, as the seed falls (the tuple of strategies is full).
                        large: seed % 2 == 1,
                        notation: if seed % 3 == 0 {
                            optiviz::core::explain::Notation::Notes
                        } else {
                            optiviz::core::explain::Notation::Torch
                        },
                        // Every language, or none, in turn (the link carries it).
                        lang: [None, Some(Lang::En), Some(Lang::Zh)][steps % 3],
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn links_round_trip(s in any_lab()) {
            prop_assert_eq!(s.validate(), Ok(()));
            let q = s.to_query();
            prop_assert_eq!(LabScenario::from_query(&q), Ok(s), "{}", q);
        }

        #[test]
        fn any_link_gives_a_lab_and_its_problems(q in "\\PC{0,80}") {
            let (s, problems) = LabScenario::read_query(&q);
            prop_assert_eq!(s.validate(), Ok(()));
            prop_assert!(problems.iter().all(|p| !p.to_string().is_empty()));
            prop_assert_eq!(LabScenario::from_query(&q).is_ok(), problems.is_empty());
        }

        #[test]
        fn bad_parts_in_a_good_link_are_each_left_out(
            s in any_lab(),
            bad in proptest::collection::vec(
                prop_oneof![
                    Just("run=adam;beta1=2"),
                    Just("seed=-1"),
                    Just("steps=0"),
                    Just("nonsense=1"),
                    Just("large=maybe"),
                    Just("view=1,0,0,1"),
                    Just("scene=nope"),
                    Just("model=svm"),
                ],
                1..4,
            ),
            at in 0usize..100,
        ) {
            let good = s.to_query();
            let mut parts: Vec<&str> = good.split('&').collect();
            for (i, b) in bad.iter().enumerate() {
                let k = (at + 7 * i) % (parts.len() + 1);
                parts.insert(k, b);
            }
            let (read, problems) = LabScenario::read_query(&parts.join("&"));
            prop_assert_eq!(read, s);
            prop_assert_eq!(problems.len(), bad.len(), "{:?}", problems);
        }

        #[test]
        fn any_text_is_a_lab_or_an_explanation(q in "\\PC{0,80}") {
            if let Err(e) = LabScenario::from_query(&q) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        /// Every problem a link-like text has is worded in both languages with every value
        /// filled in: no template is left with a `{name}` its error did not give, and each
        /// Chinese message names the same link key the English one does.
        #[test]
        fn every_problem_of_a_link_is_worded_in_both_languages(
            parts in proptest::collection::vec(
                (prop_oneof![Just("model"), Just("n"), Just("run"), Just("points"), Just("axes"),
                             Just("batch"), Just("view"), Just("step"), Just("steps"),
                             Just("hidden"), Just("val"), Just("degree"), Just("seed"),
                             Just("dropout"), Just("slope"), Just("data"), Just("loss"),
                             Just("start"), Just("scene"), Just("nope")],
                 "[-a-z0-9_.,;:=]{0,16}"),
                1..6),
        ) {
            let q = parts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
            let (_, problems) = LabScenario::read_query(&q);
            for e in &problems {
                for lang in Lang::ALL {
                    let m = e.message(lang);
                    prop_assert!(
                        optiviz::i18n::placeholders(&m).is_empty(),
                        "{:?} of {}: {}", lang, q, m
                    );
                }
                let (en, zh) = (e.message(Lang::En), e.message(Lang::Zh));
                let key = en.split([' ', ':']).next().unwrap_or("");
                // A run is named in words ("运行 1"); every other key as written.
                if key != "run" && parts.iter().any(|(k, _)| *k == key) {
                    prop_assert!(zh.contains(key), "{} / {}", en, zh);
                }
            }
        }

        #[test]
        fn link_like_text_is_a_lab_or_an_explanation(
            parts in proptest::collection::vec(
                (prop_oneof![Just("model"), Just("n"), Just("run"), Just("points"), Just("axes"),
                             Just("batch"), Just("view"), Just("step"), Just("hidden"), Just("val"),
                             Just("degree"), Just("seed")],
                 "[-a-z0-9_.,;:=!@%]{0,24}"),
                0..6),
        ) {
            let q = parts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
            match LabScenario::from_query(&q) {
                Ok(s) => {
                    prop_assert!(!s.runs.is_empty() && s.step <= s.steps);
                    prop_assert_eq!(s.validate(), Ok(()));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn large_text_is_a_flag_of_the_lab_link() {
    // Off unless the link says so; alone, =1 or =true turn it on, and it is written back alone.
    assert!(!LabScenario::from_query("").unwrap().large);
    for on in ["large", "large=1", "large=true"] {
        let s = LabScenario::from_query(&format!("model=poly&{on}")).unwrap();
        assert!(s.large, "{on}");
        assert!(s.to_query().split('&').any(|p| p == "large"), "{on}");
    }
    assert!(!LabScenario::from_query("large=0").unwrap().large);
    // A scene keeps it: the scene's own lab, large.
    let s = LabScenario::from_query("scene=batch-sizes&large").unwrap();
    assert!(s.large && s.scene.as_deref() == Some("batch-sizes"));
    // The notation travels the same way.
    let s = LabScenario::from_query("scene=batch-sizes&notation=notes").unwrap();
    assert_eq!(s.notation, optiviz::core::explain::Notation::Notes);
    assert!(s.to_query().ends_with("&notation=notes"));
    assert_eq!(
        LabScenario::from_query("notation=latex").map_err(|e| e.to_string()),
        Err("notation 'latex': allowed values are torch, notes".to_owned())
    );
    // Anything else is refused with the allowed values.
    let e = LabScenario::from_query("large=maybe")
        .unwrap_err()
        .to_string();
    assert!(e.contains("large 'maybe'") && e.contains("large=0"), "{e}");
}

#[test]
fn a_bad_link_keeps_every_good_part_and_names_each_bad_one() {
    let (s, problems) = LabScenario::read_query(
        "model=poly&degree=99&run=adam;beta1=2&run=sgd;lr=0.1&steps=50&start=1,2&axes=0,99&large&seed=x",
    );
    // The good parts: the polynomial (its default degree), the one good run, 50 steps, large.
    assert_eq!(s.model.id(), "poly");
    assert_eq!(s.model, LabScenario::default_model("poly").unwrap());
    assert_eq!(s.runs.len(), 1);
    assert_eq!(s.runs[0].spec.optimizer.kind, OptimizerKind::Sgd);
    assert_eq!((s.steps, s.large, s.seed), (50, true, 0));
    // The bad ones, read part by part in the link's order, then what only the lab can check.
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(problems[0].starts_with("degree 99"), "{}", problems[0]);
    assert!(
        problems[1].starts_with("run 1: invalid beta1 = 2"),
        "{}",
        problems[1]
    );
    assert!(problems[2].starts_with("seed 'x'"), "{}", problems[2]);
    assert!(problems[3].contains("start"), "{}", problems[3]);
    assert!(problems[4].starts_with("axes '0,99'"), "{}", problems[4]);
    assert_eq!((s.start.clone(), s.axes), (None, (0, 1)));
    // Points that do not parse leave the generated ones; a batch too large, the full batch.
    let (s, problems) = LabScenario::read_query("points=1,2;3,x&run=sgd;batch=999&run=adam");
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        (s.points.clone(), s.batches.clone()),
        (None, vec![None, None])
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[1].starts_with("run 1: batch 999"),
        "{}",
        problems[1]
    );
}

/// The lab's errors carry their values, not sentences: the same error reads in Chinese on a
/// Chinese page, every value (the link's keys and what the user typed) as written.
#[test]
fn the_labs_errors_are_worded_in_chinese_with_their_values() {
    use optiviz::core::model::{ClassLoss, PointKind};
    use optiviz::i18n::Lang;
    use optiviz::state::lab_scenes::scene;
    let (_, problems) = LabScenario::read_query(
        "model=poly&degree=99&seed=x&axes=0,99&dropout=0.5&points=1,2;3,x&run=sgd;batch=999",
    );
    let zh: Vec<String> = problems.iter().map(|e| e.message(Lang::Zh)).collect();
    assert_eq!(
        zh,
        [
            "degree 99：允许的取值为 1 到 12",
            "seed 'x' 不是整数：允许的取值为 0 到 18446744073709551615",
            "'dropout' 不适用于 model=poly：允许的有 n, noise, degree, l1, l2, val",
            "数据点无效：第 2 个点含有 'x'，不是有限的数：允许的点格式为 x,y，点与点之间用 ';' \
             分隔（模型 model=poly）",
            "运行 1：batch 999：允许的取值为 1 到 10（训练点的个数），不写 batch 则为全批量",
            "axes '0,99'：允许的取值为 0 到 12 之间两个不同的参数下标（w1, w2, w3, w4, w5, w6, \
             w7, w8, w9, w10, w11, w12, b）",
        ]
    );
    // The same errors in English, word for word as before.
    assert_eq!(
        problems[0].to_string(),
        "degree 99: allowed values are 1 to 12"
    );
    assert_eq!(
        problems[4].message(Lang::En),
        "run 1: batch 999: allowed values are 1 to 10 (the training points), or no batch for \
         the full batch"
    );
    // Points from a file: each bad line in the list, separated the Chinese way.
    let csv = Points::parse_csv("x,y\n1,2\na,2\n1,2,0\n", PointKind::Regression).unwrap_err();
    assert_eq!(
        csv.message(Lang::Zh),
        "CSV 中有 2 行有误（允许的格式：每行一个点，x,y，数值在 -1e6 到 1e6 之间；表头行、空行和\
         以 # 开头的行会被跳过）：第 3 行 'a,2'：x 'a' 不是有限的数；第 4 行 '1,2,0'：有 3 个值，\
         应为 2 个：x,y（x1,x2,label 用于分类模型）"
    );
    let mut one = Points::Regression(vec![(0.0, 1.0)]);
    assert_eq!(
        one.remove(0).unwrap_err().message(Lang::Zh),
        "无法删除最后一个点：数据至少需要一个点"
    );
    assert_eq!(
        ClassLoss::from_id("hinge").unwrap_err().message(Lang::Zh),
        "未知的损失函数 'hinge'：允许的取值为 ce（交叉熵）、mse"
    );
    let e = scene("nope").unwrap_err().message(Lang::Zh);
    assert!(
        e.starts_with("未知的场景 'nope'：允许的取值为 batch-sizes, "),
        "{e}"
    );
    let e = LabScenario::from_query("model=mlp&hidden=64&run=newton").unwrap_err();
    assert!(
        e.message(Lang::Zh)
            .starts_with("运行 1：优化器 newton 用在有 257 个参数的模型上：二阶优化器只能用于最多 17 个参数的模型"),
        "{}",
        e.message(Lang::Zh)
    );
}
