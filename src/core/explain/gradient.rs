//! One training step of a lab model explained ([`explain_gradient`], [`GradientExplanation`]):
//! the gradient of the loss on this step's batch, written as the course notes write it, with
//! the batch's numbers in; for the network, backpropagation layer by layer for a sample of
//! the batch.
//!
//! The totals shown are the model's own ([`Model::train_loss_grad`], the very numbers the
//! training used); the terms that add up to them are recomputed here from the samples, term
//! by term, as the formula reads.

use super::format::format_number;
use super::math::{
    Item, M, dot, eq, frac, id, jx, line, n, noted, np, op, paren, render_mathml, render_text, row,
    sub, sup,
};
use crate::core::model::{ClassLoss, LabModel, l1_subgradient, sigmoid};
use serde::Serialize;

/// How many terms of a sum are written out before "+ …".
const TERMS: usize = 3;

/// How many entries of a vector are written out before "…".
const ENTRIES: usize = 4;

/// The gradient of one training step, explained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientExplanation {
    /// The step explained, from 1: its gradient is taken at the parameters after `step − 1`
    /// steps, on the batch of step `step`.
    pub step: usize,
    /// The batch: indices of the training samples (the model's order).
    pub batch: Vec<usize>,
    /// The loss on the batch, penalty included (with the step's dropout mask).
    pub loss: f64,
    /// The gradient, one entry per parameter: what the optimizer receives before the run's
    /// gradient noise and clipping.
    pub grad: Vec<f64>,
    /// The formulas with the numbers in, as one MathML `<math display="block">` element.
    pub mathml: String,
    /// The same, as plain text, one formula per line.
    pub text: String,
}

/// `∂L/∂x` for the parameter named `x`.
fn partial(of: &str) -> M {
    frac(id("∂L"), id(&format!("∂{of}")))
}

/// `∂x` for the parameter named `x`: a sample's share of `∂L/∂x`.
fn share(of: &str) -> M {
    id(&format!("∂{of}"))
}

/// The first [`ENTRIES`] rows of an `h × 2` matrix (row `j`: `row(j)`), a row of `…` after
/// them when there are more.
fn matrix(h: usize, row_of: impl Fn(usize) -> [f64; 2]) -> M {
    let mut rows: Vec<Vec<M>> = (0..h.min(ENTRIES))
        .map(|j| row_of(j).into_iter().map(n).collect())
        .collect();
    if h > ENTRIES {
        rows.push(vec![op("⋮"), op("⋮")]);
    }
    M::Matrix(rows)
}

/// `name` with the subscript `k` in subscript digits (`w₁₂`).
fn indexed(name: &str, k: usize) -> String {
    let digits: String = k
        .to_string()
        .chars()
        .map(|c| char::from_u32('₀' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect();
    format!("{name}{digits}")
}

/// `Σᵢ`.
fn sum_i() -> M {
    sub(op("Σ"), id("i"))
}

/// The first [`TERMS`] of `terms` joined by `+`, then `+ …` when there are more.
fn some_terms(terms: Vec<M>) -> M {
    let more = terms.len() > TERMS;
    let mut items = Vec::new();
    for (k, t) in terms.into_iter().take(TERMS).enumerate() {
        if k > 0 {
            items.push(op("+"));
        }
        items.push(t);
    }
    if more {
        items.push(op("+"));
        items.push(op("…"));
    }
    row(items)
}

/// `c·[terms]`: a factor times the written-out sum.
fn times_sum(factor: M, terms: Vec<M>) -> M {
    dot(vec![factor, row(vec![op("["), some_terms(terms), op("]")])])
}

/// A vector's first [`ENTRIES`] entries in parentheses, `…` after them when there are more.
fn vector(values: &[f64]) -> M {
    let mut items = Vec::new();
    for (k, v) in values.iter().take(ENTRIES).enumerate() {
        if k > 0 {
            items.push(op(","));
        }
        items.push(n(*v));
    }
    if values.len() > ENTRIES {
        items.push(op(","));
        items.push(op("…"));
    }
    paren(row(items))
}

/// `2/n` (or `1/n`) with `n` the batch size, as the notes write the mean's factor.
fn over_n(k: f64, size: usize) -> M {
    frac(n(k), n(size as f64))
}

/// Explains the gradient of step `step` (≥ 1) of `model`, taken at `params` (the parameters
/// after `step − 1` steps) on `batch` (the training samples of that step): the heading, the
/// formula of each partial derivative as the course notes write it, and the same with the
/// batch's numbers in (the first few terms of each sum, then its value). Linear regression:
/// `∂L/∂w = (2/n) Σᵢ (w·xᵢ + b − yᵢ)·xᵢ`, `∂L/∂b = (2/n) Σᵢ (w·xᵢ + b − yᵢ)`; logistic
/// regression: `∂L/∂w_j = (1/n) Σᵢ (pᵢ − yᵢ)·xᵢⱼ` (cross-entropy) or `(1/n) Σᵢ 2(pᵢ − yᵢ)
/// pᵢ(1 − pᵢ)·xᵢⱼ` (squared error); the polynomial: each `∂L/∂wₖ` with its penalty terms; the
/// network: backpropagation for the batch's first sample, layer by layer (the forward pass,
/// `δ⁽²⁾`, the output layer's gradient, `δ⁽¹⁾`, the hidden layer's), then the batch's totals.
/// `n` is the batch's size.
///
/// # Panics
///
/// When `params` is not of the model's dimension or `batch` names a sample the model does not
/// have.
pub fn explain_gradient(
    model: &LabModel,
    params: &[f64],
    batch: &[usize],
    step: usize,
) -> GradientExplanation {
    let m = model.as_model();
    let mut grad = vec![0.0; m.dim()];
    let loss = m.train_loss_grad(params, batch, step, &mut grad);
    let size = batch.len();
    let mut items = vec![Item::Heading(format!(
        "Step {step}: the gradient on its batch of n = {size} training point{}",
        if size == 1 { "" } else { "s" }
    ))];
    match model {
        LabModel::Linear(lin) => {
            let (w, b) = (params[0], params[1]);
            let samples: Vec<(f64, f64)> = batch
                .iter()
                .map(|&i| lin.sample(i).expect("a sample of the batch"))
                .collect();
            if lin.scaling().is_some() {
                items.push(Item::Heading(
                    "xᵢ is the scaled feature (xᵢ − mean) / std".into(),
                ));
            }
            items.push(line(
                paren(row(vec![id("w"), op(","), id("b")])),
                "=",
                paren(row(vec![n(w), op(","), n(b)])),
            ));
            let residual = |x: f64, y: f64| {
                paren(row(vec![
                    dot(vec![np(w), np(x)]),
                    op("+"),
                    np(b),
                    op("−"),
                    np(y),
                ]))
            };
            let r_sym = paren(row(vec![
                jx(vec![id("w"), sub(id("x"), id("i"))]),
                op("+"),
                id("b"),
                op("−"),
                sub(id("y"), id("i")),
            ]));
            items.push(line(
                partial("w"),
                "=",
                dot(vec![
                    over_n(2.0, size),
                    jx(vec![sum_i(), r_sym.clone(), sub(id("x"), id("i"))]),
                ]),
            ));
            items.push(eq(
                partial("w"),
                times_sum(
                    over_n(2.0, size),
                    samples
                        .iter()
                        .map(|&(x, y)| dot(vec![residual(x, y), np(x)]))
                        .collect(),
                ),
                grad[0],
            ));
            items.push(line(
                partial("b"),
                "=",
                dot(vec![over_n(2.0, size), jx(vec![sum_i(), r_sym])]),
            ));
            items.push(eq(
                partial("b"),
                times_sum(
                    over_n(2.0, size),
                    samples.iter().map(|&(x, y)| residual(x, y)).collect(),
                ),
                grad[1],
            ));
        }
        LabModel::Logistic(log) => {
            let samples: Vec<([f64; 2], bool)> = batch
                .iter()
                .map(|&i| log.sample(i).expect("a sample of the batch"))
                .collect();
            let mse = log.class_loss() == ClassLoss::Mse;
            items.push(line(
                paren(row(vec![id("w₁"), op(","), id("w₂"), op(","), id("b")])),
                "=",
                paren(row(vec![
                    n(params[0]),
                    op(","),
                    n(params[1]),
                    op(","),
                    n(params[2]),
                ])),
            ));
            items.push(line(
                sub(id("p"), id("i")),
                "=",
                row(vec![
                    id("σ"),
                    paren(row(vec![
                        jx(vec![id("w₁"), sub(id("x"), id("i1"))]),
                        op("+"),
                        jx(vec![id("w₂"), sub(id("x"), id("i2"))]),
                        op("+"),
                        id("b"),
                    ])),
                ]),
            ));
            let p_of = |x: [f64; 2]| sigmoid(params[0] * x[0] + params[1] * x[1] + params[2]);
            // The factor each sample's input is multiplied by: ∂ℓᵢ/∂zᵢ.
            let dz_sym = if mse {
                jx(vec![
                    n(2.0),
                    paren(row(vec![
                        sub(id("p"), id("i")),
                        op("−"),
                        sub(id("y"), id("i")),
                    ])),
                    sub(id("p"), id("i")),
                    paren(row(vec![n(1.0), op("−"), sub(id("p"), id("i"))])),
                ])
            } else {
                paren(row(vec![
                    sub(id("p"), id("i")),
                    op("−"),
                    sub(id("y"), id("i")),
                ]))
            };
            let dz = |x: [f64; 2], y: bool| {
                let (p, y) = (p_of(x), f64::from(u8::from(y)));
                if mse {
                    dot(vec![
                        n(2.0),
                        paren(row(vec![n(p), op("−"), n(y)])),
                        n(p),
                        paren(row(vec![n(1.0), op("−"), n(p)])),
                    ])
                } else {
                    paren(row(vec![n(p), op("−"), n(y)]))
                }
            };
            for (j, name) in ["w₁", "w₂", "b"].into_iter().enumerate() {
                let x_sym = match j {
                    0 => vec![sub(id("x"), id("i1"))],
                    1 => vec![sub(id("x"), id("i2"))],
                    _ => vec![],
                };
                let mut sym = vec![sum_i(), dz_sym.clone()];
                sym.extend(x_sym);
                items.push(line(
                    partial(name),
                    "=",
                    dot(vec![over_n(1.0, size), jx(sym)]),
                ));
                let terms = samples
                    .iter()
                    .map(|&(x, y)| match j {
                        0 => dot(vec![dz(x, y), np(x[0])]),
                        1 => dot(vec![dz(x, y), np(x[1])]),
                        _ => dz(x, y),
                    })
                    .collect();
                items.push(eq(
                    partial(name),
                    times_sum(over_n(1.0, size), terms),
                    grad[j],
                ));
            }
        }
        LabModel::Poly(poly) => {
            let d = poly.degree();
            let (l1, l2) = poly.penalties();
            let samples: Vec<(f64, f64)> = batch
                .iter()
                .map(|&i| poly.sample(i).expect("a sample of the batch"))
                .collect();
            items.push(line(
                sub(id("ŷ"), id("i")),
                "=",
                row(vec![
                    jx(vec![id("w₁"), sub(id("x"), id("i"))]),
                    op("+"),
                    op("…"),
                    op("+"),
                    jx(vec![
                        id(&indexed("w", d)),
                        sup(sub(id("x"), id("i")), n(d as f64)),
                    ]),
                    op("+"),
                    id("b"),
                ]),
            ));
            let residual = |x: f64, y: f64| poly.predict(params, x) - y;
            items.push(line(
                partial("w_k"),
                "=",
                row(vec![
                    dot(vec![
                        over_n(2.0, size),
                        jx(vec![
                            sum_i(),
                            paren(row(vec![
                                sub(id("ŷ"), id("i")),
                                op("−"),
                                sub(id("y"), id("i")),
                            ])),
                            sup(sub(id("x"), id("i")), id("k")),
                        ]),
                    ]),
                    op("+"),
                    jx(vec![n(2.0), id("λ₂"), sub(id("w"), id("k"))]),
                    op("+"),
                    jx(vec![
                        id("λ₁"),
                        row(vec![id("sign"), paren(sub(id("w"), id("k")))]),
                    ]),
                ]),
            ));
            for k in 1..=d {
                let data: f64 = samples
                    .iter()
                    .map(|&(x, y)| 2.0 * residual(x, y) * x.powi(k as i32))
                    .sum::<f64>()
                    / size as f64;
                let w = params[k - 1];
                let sign = l1_subgradient(w);
                let terms = row(vec![
                    n(data),
                    op("+"),
                    dot(vec![n(2.0), n(l2), np(w)]),
                    op("+"),
                    dot(vec![n(l1), np(sign)]),
                ]);
                items.push(eq(partial(&indexed("w", k)), terms, grad[k - 1]));
            }
            items.push(eq(
                partial("b"),
                times_sum(
                    over_n(2.0, size),
                    samples.iter().map(|&(x, y)| np(residual(x, y))).collect(),
                ),
                grad[d],
            ));
        }
        LabModel::Mlp(net) => backprop(net, params, batch, step, &grad, &mut items),
    }
    GradientExplanation {
        step,
        batch: batch.to_vec(),
        loss,
        grad,
        mathml: render_mathml(&items),
        text: render_text(&items),
    }
}

/// The network's lines: the forward pass and backpropagation for the batch's first sample,
/// then the batch's gradient, layer by layer.
fn backprop(
    net: &crate::core::model::Mlp,
    params: &[f64],
    batch: &[usize],
    step: usize,
    grad: &[f64],
    items: &mut Vec<Item>,
) {
    let h = net.hidden();
    let size = batch.len();
    let (dropout, l2) = net.regularization();
    let (w1, rest) = params.split_at(2 * h);
    let (b1, rest) = rest.split_at(h);
    let (w2, b2) = rest.split_at(h);
    let (x, y) = net.sample(batch[0]).expect("a sample of the batch");
    let y = f64::from(u8::from(y));
    // The step's dropout factors of the first sample (all 1 without dropout).
    let r: Vec<f64> = if dropout > 0.0 {
        net.mask(step, size)[..h].to_vec()
    } else {
        vec![1.0; h]
    };
    let z1: Vec<f64> = (0..h)
        .map(|j| w1[2 * j] * x[0] + w1[2 * j + 1] * x[1] + b1[j])
        .collect();
    let a: Vec<f64> = z1.iter().map(|z| z.tanh()).collect();
    let kept: Vec<f64> = a.iter().zip(&r).map(|(a, r)| a * r).collect();
    let z2 = b2[0] + w2.iter().zip(&kept).map(|(w, a)| w * a).sum::<f64>();
    let p = sigmoid(z2);
    let d2 = (p - y) / size as f64;
    let d1: Vec<f64> = (0..h)
        .map(|j| d2 * w2[j] * r[j] * (1.0 - a[j] * a[j]))
        .collect();
    let sup1 = |s: &str| sup(id(s), id("(1)"));
    let sup2 = |s: &str| sup(id(s), id("(2)"));
    items.push(Item::Heading(format!(
        "Forward, the batch's first sample: x = ({}, {}), y = {}",
        format_number(x[0]),
        format_number(x[1]),
        format_number(y)
    )));
    items.push(line(
        sup1("z"),
        "=",
        row(vec![
            jx(vec![id("W₁"), id("x")]),
            op("+"),
            id("b₁"),
            op("="),
            vector(&z1),
        ]),
    ));
    items.push(line(
        id("a"),
        "=",
        row(vec![id("tanh"), paren(sup1("z")), op("="), vector(&a)]),
    ));
    if dropout > 0.0 {
        items.push(noted(
            line(
                id("ã"),
                "=",
                row(vec![id("a"), op("⊙"), id("r"), op("="), vector(&kept)]),
            ),
            format!(
                "r: this step's dropout factors, 0 or {}",
                format_number(1.0 / (1.0 - dropout))
            ),
        ));
    }
    let a_used = if dropout > 0.0 { "ã" } else { "a" };
    items.push(eq(
        sup2("z"),
        row(vec![dot(vec![id("w₂"), id(a_used)]), op("+"), id("b₂")]),
        z2,
    ));
    items.push(eq(id("p"), row(vec![id("σ"), paren(sup2("z"))]), p));
    items.push(Item::Heading(
        "Backward, the chain rule, this sample's share ℓ/n of the batch loss:".into(),
    ));
    items.push(eq(
        sup2("δ"),
        row(vec![
            frac(paren(row(vec![id("p"), op("−"), id("y")])), id("n")),
            op("="),
            frac(paren(row(vec![n(p), op("−"), n(y)])), n(size as f64)),
        ]),
        d2,
    ));
    items.push(eq(share("b₂"), sup2("δ"), d2));
    items.push(line(
        share("w₂"),
        "=",
        row(vec![
            jx(vec![sup2("δ"), id(a_used)]),
            op("="),
            vector(&kept.iter().map(|a| d2 * a).collect::<Vec<_>>()),
        ]),
    ));
    let mut delta1 = vec![jx(vec![sup2("δ"), id("w₂")])];
    if dropout > 0.0 {
        delta1.extend([op("⊙"), id("r")]);
    }
    delta1.extend([
        op("⊙"),
        paren(row(vec![n(1.0), op("−"), sup(id("a"), n(2.0))])),
        op("="),
        vector(&d1),
    ]);
    items.push(noted(
        line(sup1("δ"), "=", row(delta1)),
        "tanh′(z) = 1 − tanh²(z)",
    ));
    items.push(line(
        share("W₁"),
        "=",
        row(vec![
            jx(vec![sup1("δ"), sup(id("x"), id("T"))]),
            op("="),
            matrix(h, |j| [d1[j] * x[0], d1[j] * x[1]]),
        ]),
    ));
    items.push(line(
        share("b₁"),
        "=",
        row(vec![sup1("δ"), op("="), vector(&d1)]),
    ));
    items.push(Item::Heading(format!(
        "The batch's gradient: these shares summed over its {size} sample{}{}",
        if size == 1 { "" } else { "s" },
        if l2 > 0.0 {
            format!(", plus 2λW on the weights (λ = {})", format_number(l2))
        } else {
            String::new()
        }
    )));
    let (g_w1, rest) = grad.split_at(2 * h);
    let (g_b1, rest) = rest.split_at(h);
    let (g_w2, g_b2) = rest.split_at(h);
    items.push(line(partial("b₂"), "=", n(g_b2[0])));
    items.push(line(partial("w₂"), "=", vector(g_w2)));
    items.push(line(partial("b₁"), "=", vector(g_b1)));
    items.push(line(
        partial("W₁"),
        "=",
        matrix(h, |j| [g_w1[2 * j], g_w1[2 * j + 1]]),
    ));
}
