//! The lab's "explain this step": the gradient of a step's batch as the course notes write it,
//! with the numbers in. Hand-worked examples pin the numbers; the batches and gradients shown
//! are checked against the training's own steps.

use optiviz::core::explain::explain_gradient;
use optiviz::core::model::{
    Batches, ClassLoss, LabModel, LinearRegression, LogisticRegression, Mlp, Model,
};
use optiviz::state::lab::LabScenario;

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn linear_regression_as_the_notes_write_it() {
    // Points (1, 3) and (2, 5) at w = 0.5, b = 0: the residuals w·xᵢ + b − yᵢ are 0.5 − 3 =
    // −2.5 and 1 − 5 = −4, so ∂L/∂w = (2/2)(−2.5·1 − 4·2) = −10.5 and ∂L/∂b = (2/2)(−2.5 − 4)
    // = −6.5.
    let m = LabModel::Linear(LinearRegression::new(&[(1.0, 3.0), (2.0, 5.0)], false));
    let e = explain_gradient(&m, &[0.5, 0.0], &[0, 1], 1);
    assert_eq!(e.grad, vec![-10.5, -6.5]);
    assert_eq!(
        lines(&e.text),
        [
            "Step 1: the gradient on its batch of n = 2 training points",
            "(w, b) = (0.5, 0)",
            "∂L/∂w = 2/2·Σᵢ(wxᵢ + b − yᵢ)xᵢ",
            "∂L/∂w = 2/2·[(0.5·1 + 0 − 3)·1 + (0.5·2 + 0 − 5)·2] = −10.5",
            "∂L/∂b = 2/2·Σᵢ(wxᵢ + b − yᵢ)",
            "∂L/∂b = 2/2·[(0.5·1 + 0 − 3) + (0.5·2 + 0 − 5)] = −6.5",
        ]
    );
    assert!(
        e.mathml
            .starts_with("<math xmlns=\"http://www.w3.org/1998/Math/MathML\"")
    );
    assert!(e.mathml.contains("<mfrac><mi>∂L</mi><mi>∂w</mi></mfrac>"));
    // A batch of more than three points: three terms written out, then "+ …".
    let pts: Vec<(f64, f64)> = (0..5).map(|i| (f64::from(i), 1.0)).collect();
    let m = LabModel::Linear(LinearRegression::new(&pts, false));
    let e = explain_gradient(&m, &[0.0, 0.0], &[4, 3, 2, 1, 0], 7);
    assert!(
        e.text
            .starts_with("Step 7: the gradient on its batch of n = 5 training points")
    );
    assert!(
        e.text
            .contains("∂L/∂b = 2/5·[(0·4 + 0 − 1) + (0·3 + 0 − 1) + (0·2 + 0 − 1) + …] = −2"),
        "{}",
        e.text
    );
}

#[test]
fn logistic_regression_with_either_loss() {
    // Points (1, 0) of class 1 and (0, 2) of class 0 at w = 0, b = 0: p = 1/2 for both.
    // Cross-entropy: ∂L/∂w₁ = (1/2)[(0.5 − 1)·1 + (0.5 − 0)·0] = −0.25,
    // ∂L/∂w₂ = (1/2)[(0.5 − 1)·0 + (0.5 − 0)·2] = 0.5, ∂L/∂b = (1/2)(−0.5 + 0.5) = 0.
    // Squared error: each term times 2p(1 − p) = 1/2: −0.125, 0.25, 0.
    let pts = [([1.0, 0.0], true), ([0.0, 2.0], false)];
    for (loss, want) in [
        (ClassLoss::CrossEntropy, [-0.25, 0.5, 0.0]),
        (ClassLoss::Mse, [-0.125, 0.25, 0.0]),
    ] {
        let m = LabModel::Logistic(LogisticRegression::with_loss(&pts, loss));
        let e = explain_gradient(&m, &[0.0; 3], &[0, 1], 1);
        assert_eq!(e.grad, want.to_vec(), "{loss:?}");
        let formula = match loss {
            ClassLoss::CrossEntropy => "∂L/∂w₁ = 1/2·Σᵢ(pᵢ − yᵢ)xᵢ₁",
            ClassLoss::Mse => "∂L/∂w₁ = 1/2·Σᵢ2(pᵢ − yᵢ)pᵢ(1 − pᵢ)xᵢ₁",
        };
        assert!(e.text.contains(formula), "{}", e.text);
    }
}

#[test]
fn the_network_backpropagates_layer_by_layer() {
    // One hidden unit: W₁ = (1, 0), b₁ = 0, w₂ = 2, b₂ = 0, the sample x = (0.5, 0) of class 1.
    // Forward: z⁽¹⁾ = 0.5, a = tanh 0.5, z⁽²⁾ = 2a, p = σ(z⁽²⁾). Backward with n = 1:
    // δ⁽²⁾ = p − 1, ∂w₂ = δ⁽²⁾a, δ⁽¹⁾ = δ⁽²⁾·2·(1 − a²), ∂W₁ = δ⁽¹⁾·(0.5, 0), ∂b₁ = δ⁽¹⁾.
    let a = 0.5f64.tanh();
    let p = 1.0 / (1.0 + (-2.0 * a).exp());
    let d2 = p - 1.0;
    let d1 = d2 * 2.0 * (1.0 - a * a);
    let net = Mlp::new(&[([0.5, 0.0], true)], &[], 1, 0.0, 0.0, 0).unwrap();
    let m = LabModel::Mlp(net);
    let e = explain_gradient(&m, &[1.0, 0.0, 0.0, 2.0, 0.0], &[0], 1);
    let want = [0.5 * d1, 0.0, d1, d2 * a, d2];
    for (g, w) in e.grad.iter().zip(want) {
        assert!((g - w).abs() < 1e-15, "{:?} against {want:?}", e.grad);
    }
    let f = optiviz::core::explain::format_number;
    for expected in [
        "Forward, the batch's first sample: x = (0.5, 0), y = 1".to_owned(),
        format!("a = tanh(z⁽¹⁾) = ({})", f(a)),
        format!("p = σ(z⁽²⁾) = {}", f(p)),
        format!("δ⁽²⁾ = (p − y)/n = ({} − 1)/1 = {}", f(p), f(d2)),
        format!(
            "δ⁽¹⁾ = δ⁽²⁾w₂⊙(1 − a²) = ({})   (tanh′(z) = 1 − tanh²(z))",
            f(d1)
        ),
        format!("∂W₁ = δ⁽¹⁾xᵀ = [{}, 0]", f(0.5 * d1)),
        format!("∂L/∂b₂ = {}", f(d2)),
    ] {
        assert!(
            e.text.lines().any(|l| l == expected),
            "{expected}\n{}",
            e.text
        );
    }
    // With dropout, the step's own mask; with L2, the penalty named.
    let pts = [([0.5, 0.0], true), ([1.0, 1.0], false)];
    let net = Mlp::new(&pts, &[], 6, 0.5, 0.01, 0).unwrap();
    let params = net.init(1);
    let e = explain_gradient(&LabModel::Mlp(net.clone()), &params, &[1, 0], 3);
    let mut g = vec![0.0; params.len()];
    net.train_loss_grad(&params, &[1, 0], 3, &mut g);
    assert_eq!(e.grad, g);
    assert!(
        e.text.contains("(r: this step's dropout factors, 0 or 2)"),
        "{}",
        e.text
    );
    assert!(
        e.text.contains("plus 2λW on the weights (λ = 0.01)"),
        "{}",
        e.text
    );
    assert!(
        e.text.contains(", …)"),
        "more than four units: the first four, then …"
    );
}

#[test]
fn each_explained_step_is_the_step_training_took() {
    // Plain gradient descent moves by exactly −η·g: the explanation's batch and gradient at
    // step k, applied to the parameters before it, give the parameters after it.
    for q in [
        "model=linear&n=30&seed=2&steps=40&run=sgd;lr=0.01;batch=4",
        "model=logistic&n=40&loss=mse&seed=3&steps=40&run=sgd;lr=0.5;batch=7",
        "model=poly&seed=1&l1=0.01&l2=0.01&steps=40&run=sgd;lr=0.3;batch=3",
        "model=mlp&n=40&hidden=5&dropout=0.3&l2=0.01&seed=5&steps=40&run=sgd;lr=0.5;batch=6",
    ] {
        let s = LabScenario::from_query(q).unwrap();
        let model = s.build().unwrap();
        let t = &s.train().unwrap()[0];
        let n = model.as_model().samples();
        let b = s.run_batch(0, &model);
        let seed = optiviz::core::model::ModelSpec::shuffle_seed(s.seed);
        for k in [1, 2, 9, 40] {
            let batch = Batches::of_step(n, b, seed, k);
            // The j-th batch of an epoch of ⌈n/b⌉ holds b points, the last one what is left.
            let j = (k - 1) % n.div_ceil(b);
            assert_eq!(batch.len(), b.min(n - j * b), "{q} step {k}");
            let e = explain_gradient(&model, &t.params[k - 1], &batch, k);
            for ((before, after), g) in t.params[k - 1].iter().zip(&t.params[k]).zip(&e.grad) {
                let step = before - s.runs[0].spec.optimizer.lr() * g;
                assert!(
                    (after - step).abs() <= 1e-12 * after.abs().max(1.0),
                    "{q} step {k}"
                );
            }
            assert_eq!(e.loss, t.batch_loss[k - 1], "{q} step {k}");
        }
    }
}
