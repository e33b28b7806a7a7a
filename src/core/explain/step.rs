//! One step of a run explained ([`explain`], [`Explanation`]): the run replayed up to that step,
//! and the rule's lines with the step's numbers substituted.

use super::format::format_number;
use super::math::{
    Item, M, abs, assign, bar, call, dot, eq, eq_value, frac, hat, id, jx, line, n, nabla_f, noted,
    np, one_minus, op, paren, paren_if_row, render_mathml, render_text, row, sqrt, sub, sup, tilde,
    vector,
};
use super::notation::{Notation, NotesWords, written_in};
use super::rules::{Params, bias};
use crate::core::optim::{OptimizerKind, RunConfig, StateVar};
use crate::core::run::MAX_STEPS;
use crate::core::run::{Halt, RunSpec, Shaped, Stepper};
use crate::core::schedule::Schedule;
use crate::core::surface::Surface;
use crate::err;
use crate::error::Error;
use nalgebra::DMatrix;
use serde::Serialize;
use std::cell::RefCell;

/// One step of a run, explained: the numbers before and after it, and the update rule with
/// those numbers substituted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The step explained, from 1: it goes from point `step − 1` to point `step` of the
    /// trajectory, and is the optimizer's `t`-th step with `t = step`.
    pub step: usize,
    /// The learning rate η of this step, after the schedule.
    pub lr: f64,
    /// The parameters before the step: `trajectory.points[step − 1]`.
    pub theta_before: [f64; 2],
    /// The gradient the optimizer received: `∇f(θ)` at `theta_before` after the run's noise and
    /// clipping (before the L2 weight decay that some optimizers add themselves).
    pub grad: [f64; 2],
    /// The parameters after the step: `trajectory.points[step]`, bit for bit.
    pub theta_after: [f64; 2],
    /// The optimizer's state before the step. At step 1 the per-coordinate variables hold the
    /// values the first step starts from (0, or s₀ for Adagrad's `s`), except those that
    /// have none: SGD's momentum buffer (the first step sets it to `g`) and Newton's
    /// direction, which stay empty.
    pub state_before: Vec<StateVar>,
    /// The optimizer's state after the step, as
    /// [`Optimizer::state`](crate::core::optim::Optimizer::state) reports it.
    pub state_after: Vec<StateVar>,
    /// The step's formulas with the numbers in, as one MathML `<math display="block">`
    /// element: the point, the gradient (with its noise and clipping), η, then for each
    /// coordinate the rule's lines, each as `symbol = numbers = result`, ending with the
    /// effective step size for the adaptive methods. The rule itself is
    /// [`rule_mathml`](super::rule_mathml).
    pub mathml: String,
    /// The same as [`mathml`](Explanation::mathml), as plain text, one formula per line (for
    /// screen readers and tests), numbers written by [`format_number`].
    pub text: String,
    /// How an adaptive method scaled this step, coordinate by coordinate: the same numbers
    /// as the rule's lines, for the step overlay to draw. `None` for the methods that do not
    /// scale each coordinate by its own accumulated gradients (gradient descent, momentum,
    /// Lion, Newton; RAdam while ρₜ ≤ 5).
    pub scaling: Option<Scaling>,
}

/// How an adaptive method (AdaGrad, RMSprop, Adadelta, and the Adam family: Adam, AMSGrad,
/// AdamW, Adamax, NAdam, RAdam) scaled one step, coordinate by coordinate: each coordinate's
/// step is its direction (the gradient, or Adam's m̂) times its own rate `η/dᵢ`, where the
/// denominator `dᵢ` grows with that coordinate's accumulated squared gradients.
///
/// Each number is the one the rule's lines in [`Explanation::text`] show, computed there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scaling {
    /// The accumulated quantity's symbol in the rule, as text: `v̂` (the Adam family's
    /// bias-corrected second moment; from `v_max` with AMSGrad), `v` (RMSprop and Adadelta's
    /// average of g², and Adam's without bias correction), `v − ḡ²` (centered RMSprop), `s`
    /// (AdaGrad's sum of g²) or `u` (Adamax's decayed maximum of |g|).
    pub symbol: &'static str,
    /// Per coordinate, that quantity after the step (v̂ᵢ, vᵢ, sᵢ or uᵢ).
    pub accumulated: [f64; 2],
    /// Per coordinate, what η is divided by: `√v̂ᵢ + ε` for Adam (`√(v̂ᵢ + ε)` with ε
    /// inside the root), `√sᵢ + ε` for AdaGrad, `√vᵢ + ε` for RMSprop, `√(vᵢ + ε)/√(uᵢ + ε)`
    /// for Adadelta, `(1 − β₁ᵗ)·uᵢ` for Adamax, `(√vᵢ + ε)/(√(1 − β₂ᵗ)·r)` for RAdam,
    /// `(√sᵢ + ε)(1 + (t − 1)κ)` for AdaGrad with its lr decay κ: `η / rate[i]`.
    pub denominator: [f64; 2],
    /// Per coordinate, the step size the rule gives one unit of direction: `η/dᵢ`, the
    /// "effective step size" line of the explanation (AdaGrad's lr decay, Adamax's bias
    /// correction and RAdam's rectification folded in).
    pub rate: [f64; 2],
    /// The step's learning rate η (after the schedule), the rate plain gradient descent
    /// would take in every coordinate.
    pub lr: f64,
    /// `−rateᵢ · gᵢ`: the gradient step scaled coordinate by coordinate, beside the plain
    /// gradient step `−η gᵢ` (`g` the gradient the optimizer received, before any L2 term).
    /// For RMSprop without momentum and AdaGrad (without weight decay) it is the update
    /// itself; for the Adam family the update has m̂ in place of g.
    pub scaled: [f64; 2],
}

/// The error for a step that the run never reaches because it diverged at step `k`.
fn diverged(step: usize, k: usize, what: &'static str) -> Error {
    if k == 0 {
        Error::new("error.optim.explain_diverged_at_start")
    } else {
        Error::new("error.optim.explain_diverged").with("last", k - 1)
    }
    .with("step", step)
    .with("k", k)
    .with_word("what", what)
}

/// Explains step `step` (≥ 1) of the run of `spec` from `start` on `surface`: the step from
/// point `step − 1` to point `step` of the trajectory that [`crate::core::run::simulate`] computes.
///
/// The run is replayed exactly as `simulate` does (same gradient or Hessian, same seeded
/// noise, clipping by value then by norm, same scheduled learning rate, same divergence
/// test), so every number shown is the trajectory's own: `theta_before` and `theta_after`
/// equal `points[step − 1]` and `points[step]` bit for bit.
///
/// Errors: an invalid configuration (as `simulate`); step 0 (the start point, which no step
/// leads to); a step past the end of any run (more than [`MAX_STEPS`], the most steps the page
/// simulates; a caller that simulates fewer checks its own count); and a step at or after
/// the run's divergence, whose numbers are not finite. The last three are
/// errors (`error.optim.explain_…` keys) that say which.
pub fn explain(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    step: usize,
) -> Result<Explanation, Error> {
    explain_in(
        surface,
        spec,
        start,
        step,
        Notation::Torch,
        NotesWords::default(),
    )
}

/// [`explain`], its lines written in `notation` (the numbers are the same), with `words`
/// (in the reader's language) where the notes' form differs from torch's.
pub fn explain_in(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    step: usize,
    notation: Notation,
    words: NotesWords<'_>,
) -> Result<Explanation, Error> {
    let replayed = replay(surface, spec, start, step)?;
    let (items, scaling) = replayed.items(spec);
    let items = written_in(items, notation, &spec.optimizer, words);
    let s = replayed.step;
    Ok(Explanation {
        step: s.k,
        lr: s.lr,
        theta_before: s.theta,
        grad: s.shaped.grad,
        theta_after: s.next,
        mathml: render_mathml(&items),
        text: render_text(&items),
        state_before: replayed.before,
        state_after: replayed.after,
        scaling,
    })
}

/// [`Explanation::scaling`] of step `step` alone: the same replay and the same numbers as
/// [`explain`], without writing the formulas out. The step overlay draws it.
///
/// Errors: those of [`explain`].
pub fn scaling_at(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    step: usize,
) -> Result<Option<Scaling>, Error> {
    Ok(replay(surface, spec, start, step)?.items(spec).1)
}

/// One step replayed, with the optimizer's state around it.
struct Replayed {
    step: crate::core::run::Step,
    before: Vec<StateVar>,
    after: Vec<StateVar>,
    base_lr: f64,
}

impl Replayed {
    /// The step's formulas, and how it scaled each coordinate.
    fn items(&self, spec: &RunSpec) -> (Vec<Item>, Option<Scaling>) {
        let s = &self.step;
        let st = Step {
            p: Params(&spec.optimizer),
            step: s.k,
            lr: s.lr,
            theta: s.theta,
            grad: s.shaped.grad,
            after_theta: s.next,
            before: &self.before,
            after: &self.after,
            hessian: s.hessian.as_ref(),
            scaling: RefCell::new(None),
        };
        let items = step_items(&st, spec, self.base_lr, &s.shaped);
        (items, st.scaling.into_inner())
    }
}

/// Replays the run up to step `step` as [`explain`] describes.
fn replay(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    step: usize,
) -> Result<Replayed, Error> {
    // The very stepping loop `simulate` runs, so every number is the trajectory's own.
    let mut stepper = Stepper::new(surface, spec, start)?;
    if step == 0 {
        return Err(err!("error.optim.explain_step_zero"));
    }
    if step > MAX_STEPS {
        return Err(Error::new("error.optim.explain_past_end")
            .with("step", step)
            .with("max", MAX_STEPS));
    }
    let halted = |h: Halt| diverged(step, h.k, h.reason);
    for _ in 1..step {
        stepper.step().map_err(halted)?;
    }
    let before = stepper.optimizer().state();
    let s = stepper.step().map_err(halted)?;
    let after = stepper.optimizer().state();
    let before = initial_state(&spec.optimizer, before, &after);
    Ok(Replayed {
        step: s,
        before,
        after,
        base_lr: spec.optimizer.lr(),
    })
}

/// Fills the per-coordinate variables that the optimizer creates at its first step with the
/// values that step starts from: 0, or s₀ for Adagrad's sum. SGD's buffer and Newton's
/// direction have no value before the first step and stay empty.
fn initial_state(config: &RunConfig, before: Vec<StateVar>, after: &[StateVar]) -> Vec<StateVar> {
    before
        .into_iter()
        .map(|mut var| {
            if var.values.is_empty() {
                let len = after
                    .iter()
                    .find(|a| a.name == var.name)
                    .map_or(0, |a| a.values.len());
                let initial = match (config.kind, var.name) {
                    (OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov, _)
                    | (OptimizerKind::Newton, _) => None,
                    (OptimizerKind::Adagrad, "sum") => config.get("initial_accumulator_value").ok(),
                    _ => Some(0.0),
                };
                if let Some(x) = initial {
                    var.values = vec![x; len];
                }
            }
            var
        })
        .collect()
}

/// Everything one step's formulas are written from.
struct Step<'a> {
    p: Params<'a>,
    step: usize,
    lr: f64,
    theta: [f64; 2],
    grad: [f64; 2],
    after_theta: [f64; 2],
    before: &'a [StateVar],
    after: &'a [StateVar],
    hessian: Option<&'a DMatrix<f64>>,
    /// How the step scaled each coordinate, as the rule's writer finds it.
    scaling: RefCell<Option<Scaling>>,
}

fn state_value(state: &[StateVar], name: &str, i: usize) -> f64 {
    state
        .iter()
        .find(|v| v.name == name)
        .and_then(|v| v.values.get(i).or(v.values.first()).copied())
        .unwrap_or(f64::NAN)
}

/// The name of coordinate `i` in headings.
const AXES: [&str; 2] = ["x", "y"];

/// `symbolᵢ` for coordinate `i` (0-based; written from 1).
fn ci(symbol: M, i: usize) -> M {
    sub(symbol, n((i + 1) as f64))
}

fn heading(i: usize) -> Item {
    Item::Heading(format!("{} (i = {}):", AXES[i], i + 1))
}

fn effective(lhs: M, expr: M, value: f64) -> Item {
    noted(eq(lhs, expr, value), "effective step size")
}

/// `β·prev + (1 − β)·x` with numbers.
fn ema_numbers(beta: f64, prev: f64, x: M) -> M {
    row(vec![
        dot(vec![n(beta), np(prev)]),
        op("+"),
        dot(vec![n(1.0 - beta), x]),
    ])
}

/// `x²` with a number.
fn squared(x: f64) -> M {
    sup(np(x), n(2.0))
}

impl Step<'_> {
    /// Records that coordinate `i` was scaled: `accumulated` (under `symbol`), the
    /// denominator `d` and the rate `rate` (= η/d).
    fn scale(&self, i: usize, symbol: &'static str, accumulated: f64, d: f64, rate: f64) {
        let mut slot = self.scaling.borrow_mut();
        let s = slot.get_or_insert(Scaling {
            symbol,
            accumulated: [f64::NAN; 2],
            denominator: [f64::NAN; 2],
            rate: [f64::NAN; 2],
            lr: self.lr,
            scaled: [f64::NAN; 2],
        });
        s.accumulated[i] = accumulated;
        s.denominator[i] = d;
        s.rate[i] = rate;
        s.scaled[i] = -rate * self.grad[i];
    }

    fn val(&self, name: &str) -> f64 {
        self.p.val(name)
    }

    fn sym(&self, name: &str) -> M {
        self.p.sym(name)
    }

    fn before(&self, name: &str, i: usize) -> f64 {
        state_value(self.before, name, i)
    }

    fn after(&self, name: &str, i: usize) -> f64 {
        state_value(self.after, name, i)
    }

    /// The step count `t` after the step.
    fn t(&self) -> f64 {
        self.after("step", 0)
    }

    /// The Adam family's moment lines `mᵢ = β₁·m + (1 − β₁)·g` and `vᵢ = β₂·v + (1 − β₂)·g²`,
    /// with their values after the step.
    fn moments(&self, i: usize, g: f64, beta1: f64, beta2: f64, out: &mut Vec<Item>) -> (f64, f64) {
        let m = self.after("exp_avg", i);
        out.push(eq(
            ci(id("m"), i),
            ema_numbers(beta1, self.before("exp_avg", i), np(g)),
            m,
        ));
        let v = self.after("exp_avg_sq", i);
        out.push(eq(
            ci(id("v"), i),
            ema_numbers(beta2, self.before("exp_avg_sq", i), squared(g)),
            v,
        ));
        (m, v)
    }

    /// The effective step size `η/dᵢ` of a method that divides by a denominator `dᵢ`.
    fn effective_over_d(&self, i: usize, d: f64, out: &mut Vec<Item>) {
        out.push(effective(
            frac(self.sym("lr"), ci(id("d"), i)),
            frac(n(self.lr), n(d)),
            self.lr / d,
        ));
    }

    /// `gᵢ`, with the L2 term when one is on (computed as the optimizers do).
    fn gradient(&self, i: usize, out: &mut Vec<Item>) -> f64 {
        let lambda = self.p.l2();
        let g0 = self.grad[i];
        if lambda != 0.0 {
            let g = g0 + lambda * self.theta[i];
            out.push(eq(
                ci(id("g"), i),
                row(vec![
                    n(g0),
                    op("+"),
                    dot(vec![n(lambda), np(self.theta[i])]),
                ]),
                g,
            ));
            g
        } else {
            out.push(eq_value(ci(id("g"), i), g0));
            g0
        }
    }

    /// `θᵢ ← θᵢ − step = θ_after`, with `step` already in numbers.
    fn update(&self, i: usize, from: f64, step: M, out: &mut Vec<Item>) {
        out.push(assign(
            ci(id("θ"), i),
            row(vec![n(from), op("−"), step]),
            self.after_theta[i],
        ));
    }

    /// `1 − βᵗ = 1 − β^t = value`, for the bias corrections.
    fn bias_line(&self, beta_name: &str) -> (Item, f64) {
        let beta = self.val(beta_name);
        let t = self.t();
        let value = 1.0 - beta.powf(t);
        (
            eq(
                bias(self.sym(beta_name)),
                one_minus(sup(n(beta), n(t))),
                value,
            ),
            value,
        )
    }

    fn sgd(&self, out: &mut Vec<Item>) {
        let mu = self.p.sgd_momentum();
        let tau = self.p.sgd_dampening();
        let nesterov = self.p.0.kind == OptimizerKind::Nesterov;
        let first = self.step == 1;
        let lr = self.lr;
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let th = self.theta[i];
            let damped = |x: M| {
                if tau != 0.0 {
                    dot(vec![n(1.0 - tau), x])
                } else {
                    x
                }
            };
            if mu == 0.0 {
                self.update(i, th, dot(vec![n(lr), np(g)]), out);
            } else if self.p.flag("classical") {
                let v = self.after("velocity", i);
                let lhs = ci(id("v"), i);
                if first {
                    out.push(noted(eq(lhs, dot(vec![n(lr), np(g)]), v), "t = 1"));
                } else {
                    let prev = self.before("velocity", i);
                    out.push(eq(
                        lhs,
                        row(vec![
                            dot(vec![n(mu), np(prev)]),
                            op("+"),
                            damped(dot(vec![n(lr), np(g)])),
                        ]),
                        v,
                    ));
                }
                let step = if nesterov {
                    paren(row(vec![
                        dot(vec![n(mu), np(v)]),
                        op("+"),
                        dot(vec![n(lr), np(g)]),
                    ]))
                } else {
                    np(v)
                };
                self.update(i, th, step, out);
            } else {
                let b = self.after("momentum_buffer", i);
                let lhs = ci(id("b"), i);
                if first {
                    out.push(noted(
                        line(lhs, "=", row(vec![ci(id("g"), i), op("="), n(b)])),
                        "t = 1",
                    ));
                } else {
                    let prev = self.before("momentum_buffer", i);
                    out.push(eq(
                        lhs,
                        row(vec![dot(vec![n(mu), np(prev)]), op("+"), damped(np(g))]),
                        b,
                    ));
                }
                let d = if nesterov {
                    paren(row(vec![n(g), op("+"), dot(vec![n(mu), np(b)])]))
                } else {
                    np(b)
                };
                self.update(i, th, dot(vec![n(lr), d]), out);
            }
        }
    }

    fn adagrad(&self, out: &mut Vec<Item>) {
        let t = self.t();
        out.push(eq_value(id("t"), t));
        let kappa = self.val("lr_decay");
        let eps = self.val("eps");
        let clr = self.lr / (1.0 + (t - 1.0) * kappa);
        let rate = if kappa != 0.0 {
            out.push(eq(
                tilde(self.sym("lr")),
                frac(
                    n(self.lr),
                    row(vec![n(1.0), op("+"), dot(vec![n(t - 1.0), n(kappa)])]),
                ),
                clr,
            ));
            tilde(self.sym("lr"))
        } else {
            self.sym("lr")
        };
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let s = self.after("sum", i);
            out.push(eq(
                ci(id("s"), i),
                row(vec![n(self.before("sum", i)), op("+"), squared(g)]),
                s,
            ));
            let denom = || row(vec![sqrt(n(s)), op("+"), n(eps)]);
            let rate_i = clr / (s.sqrt() + eps);
            self.scale(
                i,
                "s",
                s,
                (s.sqrt() + eps) * (1.0 + (t - 1.0) * kappa),
                rate_i,
            );
            self.update(
                i,
                self.theta[i],
                dot(vec![n(clr), frac(n(g), denom())]),
                out,
            );
            out.push(effective(
                frac(
                    rate.clone(),
                    row(vec![sqrt(ci(id("s"), i)), op("+"), self.sym("eps")]),
                ),
                frac(n(clr), denom()),
                rate_i,
            ));
        }
    }

    fn rmsprop(&self, out: &mut Vec<Item>) {
        let alpha = self.val("alpha");
        let eps = self.val("eps");
        let mu = self.val("momentum");
        let centered = self.p.flag("centered");
        let inside = self.p.flag("eps_inside_sqrt");
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let v = self.after("square_avg", i);
            out.push(eq(
                ci(id("v"), i),
                ema_numbers(alpha, self.before("square_avg", i), squared(g)),
                v,
            ));
            let mut second = v;
            let mut second_m = vec![n(v)];
            if centered {
                let gbar = self.after("grad_avg", i);
                out.push(eq(
                    ci(bar(id("g")), i),
                    ema_numbers(alpha, self.before("grad_avg", i), np(g)),
                    gbar,
                ));
                second = v - gbar * gbar;
                second_m.extend([op("−"), squared(gbar)]);
            }
            let (d, d_m) = if inside {
                second_m.extend([op("+"), n(eps)]);
                ((second + eps).sqrt(), sqrt(row(second_m)))
            } else {
                (
                    second.sqrt() + eps,
                    row(vec![sqrt(row(second_m)), op("+"), n(eps)]),
                )
            };
            out.push(eq(ci(id("d"), i), d_m, d));
            let symbol = if centered { "v − ḡ²" } else { "v" };
            self.scale(i, symbol, second, d, self.lr / d);
            if mu > 0.0 {
                let b = self.after("momentum_buffer", i);
                out.push(eq(
                    ci(id("b"), i),
                    row(vec![
                        dot(vec![n(mu), np(self.before("momentum_buffer", i))]),
                        op("+"),
                        frac(n(g), n(d)),
                    ]),
                    b,
                ));
                self.update(i, self.theta[i], dot(vec![n(self.lr), np(b)]), out);
            } else {
                self.update(
                    i,
                    self.theta[i],
                    dot(vec![n(self.lr), frac(n(g), n(d))]),
                    out,
                );
            }
            self.effective_over_d(i, d, out);
        }
    }

    fn adadelta(&self, out: &mut Vec<Item>) {
        let rho = self.val("rho");
        let eps = self.val("eps");
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let v = self.after("square_avg", i);
            out.push(eq(
                ci(id("v"), i),
                ema_numbers(rho, self.before("square_avg", i), squared(g)),
                v,
            ));
            let u0 = self.before("acc_delta", i);
            let ratio = (u0 + eps).sqrt() / (v + eps).sqrt();
            self.scale(i, "v", v, 1.0 / ratio, self.lr * ratio);
            let delta = ratio * g;
            out.push(eq(
                ci(id("Δ"), i),
                row(vec![
                    frac(
                        sqrt(row(vec![n(u0), op("+"), n(eps)])),
                        sqrt(row(vec![n(v), op("+"), n(eps)])),
                    ),
                    op("·"),
                    np(g),
                ]),
                delta,
            ));
            out.push(eq(
                ci(id("u"), i),
                ema_numbers(rho, u0, squared(delta)),
                self.after("acc_delta", i),
            ));
            self.update(i, self.theta[i], dot(vec![n(self.lr), np(delta)]), out);
        }
    }

    fn adam(&self, out: &mut Vec<Item>) {
        let kind = self.p.0.kind;
        let (beta1, beta2) = (self.val("beta1"), self.val("beta2"));
        let eps = self.val("eps");
        let lambda = self.val("weight_decay");
        let decoupled = kind == OptimizerKind::Adamw;
        let amsgrad = kind == OptimizerKind::Amsgrad;
        let corrected = self.p.flag("bias_correction");
        let inside = self.p.flag("eps_inside_sqrt");
        out.push(eq_value(id("t"), self.t()));
        let (bc1, bc2) = if corrected {
            let (l1, bc1) = self.bias_line("beta1");
            let (l2, bc2) = self.bias_line("beta2");
            out.extend([l1, l2]);
            (bc1, bc2)
        } else {
            (1.0, 1.0)
        };
        let lr = self.lr;
        for i in 0..2 {
            out.push(heading(i));
            let mut th = self.theta[i];
            if decoupled && lambda != 0.0 {
                let decayed = th * (1.0 - lr * lambda);
                out.push(noted(
                    eq(
                        ci(id("θ"), i),
                        dot(vec![np(th), paren(one_minus(dot(vec![n(lr), n(lambda)])))]),
                        decayed,
                    ),
                    "decoupled weight decay",
                ));
                th = decayed;
            }
            let g = self.gradient(i, out);
            let (m, v) = self.moments(i, g, beta1, beta2, out);
            let (second, second_s) = if amsgrad {
                let vmax = self.after("max_exp_avg_sq", i);
                out.push(eq(
                    ci(id("v_max"), i),
                    call("max", vec![n(self.before("max_exp_avg_sq", i)), n(v)]),
                    vmax,
                ));
                (vmax, ci(id("v_max"), i))
            } else {
                (v, ci(id("v"), i))
            };
            let (m_hat, v_hat, v_hat_s) = if corrected {
                let (m_hat, v_hat) = (m / bc1, second / bc2);
                out.push(eq(ci(hat(id("m")), i), frac(n(m), n(bc1)), m_hat));
                out.push(eq(ci(hat(id("v")), i), frac(n(second), n(bc2)), v_hat));
                (m_hat, v_hat, ci(hat(id("v")), i))
            } else {
                (m, second, second_s)
            };
            // torch's denominator, as the optimizer computes it.
            let (denom, denom_m, denom_s) = if inside {
                (
                    (second / bc2 + eps).sqrt(),
                    sqrt(row(vec![n(v_hat), op("+"), n(eps)])),
                    sqrt(row(vec![v_hat_s, op("+"), self.sym("eps")])),
                )
            } else {
                (
                    second.sqrt() / bc2.sqrt() + eps,
                    row(vec![sqrt(n(v_hat)), op("+"), n(eps)]),
                    row(vec![sqrt(v_hat_s), op("+"), self.sym("eps")]),
                )
            };
            let symbol = if corrected { "v̂" } else { "v" };
            self.scale(i, symbol, v_hat, denom, lr / denom);
            self.update(
                i,
                th,
                dot(vec![n(lr), frac(n(m_hat), denom_m.clone())]),
                out,
            );
            out.push(effective(
                frac(self.sym("lr"), denom_s),
                frac(n(lr), denom_m),
                lr / denom,
            ));
        }
    }

    fn adamax(&self, out: &mut Vec<Item>) {
        let (beta1, beta2) = (self.val("beta1"), self.val("beta2"));
        let eps = self.val("eps");
        out.push(eq_value(id("t"), self.t()));
        let (l1, bc1) = self.bias_line("beta1");
        out.push(l1);
        let clr = self.lr / bc1;
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let m = self.after("exp_avg", i);
            out.push(eq(
                ci(id("m"), i),
                ema_numbers(beta1, self.before("exp_avg", i), np(g)),
                m,
            ));
            let u = self.after("exp_inf", i);
            out.push(eq(
                ci(id("u"), i),
                call(
                    "max",
                    vec![
                        dot(vec![n(beta2), np(self.before("exp_inf", i))]),
                        row(vec![abs(n(g)), op("+"), n(eps)]),
                    ],
                ),
                u,
            ));
            self.update(
                i,
                self.theta[i],
                row(vec![frac(n(self.lr), n(bc1)), op("·"), frac(n(m), n(u))]),
                out,
            );
            out.push(effective(
                frac(
                    self.sym("lr"),
                    jx(vec![paren(bias(self.sym("beta1"))), ci(id("u"), i)]),
                ),
                frac(n(self.lr), dot(vec![n(bc1), n(u)])),
                clr / u,
            ));
            self.scale(i, "u", u, bc1 * u, clr / u);
        }
    }

    fn nadam(&self, out: &mut Vec<Item>) {
        let (beta1, beta2) = (self.val("beta1"), self.val("beta2"));
        let eps = self.val("eps");
        let psi = self.val("momentum_decay");
        let t = self.t();
        out.push(eq_value(id("t"), t));
        let mu_at = |t: f64| beta1 * (1.0 - 0.5 * 0.96_f64.powf(t * psi));
        let mu_numbers = |t: f64| {
            dot(vec![
                n(beta1),
                paren(one_minus(dot(vec![
                    n(0.5),
                    sup(n(0.96), paren(dot(vec![n(t), n(psi)]))),
                ]))),
            ])
        };
        let (mu, mu_next) = (mu_at(t), mu_at(t + 1.0));
        out.push(eq(sub(id("μ"), id("t")), mu_numbers(t), mu));
        out.push(eq(
            sub(id("μ"), row(vec![id("t"), op("+"), n(1.0)])),
            mu_numbers(t + 1.0),
            mu_next,
        ));
        let product = self.after("mu_product", 0);
        out.push(eq(
            id("Π"),
            dot(vec![n(self.before("mu_product", 0)), n(mu)]),
            product,
        ));
        let (l2, bc2) = self.bias_line("beta2");
        out.push(l2);
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let (m, v) = self.moments(i, g, beta1, beta2, out);
            let d = (v / bc2).sqrt() + eps;
            out.push(eq(
                ci(id("d"), i),
                row(vec![sqrt(frac(n(v), n(bc2))), op("+"), n(eps)]),
                d,
            ));
            self.update(
                i,
                self.theta[i],
                row(vec![
                    frac(dot(vec![n(self.lr), n(1.0 - mu)]), n(1.0 - product)),
                    op("·"),
                    frac(n(g), n(d)),
                    op("−"),
                    frac(
                        dot(vec![n(self.lr), n(mu_next)]),
                        n(1.0 - product * mu_next),
                    ),
                    op("·"),
                    frac(n(m), n(d)),
                ]),
                out,
            );
            self.effective_over_d(i, d, out);
            self.scale(i, "v̂", v / bc2, d, self.lr / d);
        }
    }

    fn radam(&self, out: &mut Vec<Item>) {
        let (beta1, beta2) = (self.val("beta1"), self.val("beta2"));
        let eps = self.val("eps");
        let t = self.t();
        out.push(eq_value(id("t"), t));
        let (l1, bc1) = self.bias_line("beta1");
        let (l2, bc2) = self.bias_line("beta2");
        out.extend([l1, l2]);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * beta2.powf(t) / bc2;
        let rect = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt();
        out.push(eq(
            sub(id("ρ"), id("∞")),
            row(vec![frac(n(2.0), n(1.0 - beta2)), op("−"), n(1.0)]),
            rho_inf,
        ));
        let adaptive = rho_t > 5.0;
        let rho_line = eq(
            sub(id("ρ"), id("t")),
            row(vec![
                n(rho_inf),
                op("−"),
                frac(dot(vec![n(2.0), n(t), sup(n(beta2), n(t))]), n(bc2)),
            ]),
            rho_t,
        );
        if adaptive {
            out.push(noted(rho_line, "ρₜ > 5: adaptive step"));
            let minus = |x: f64, k: f64| paren(row(vec![n(x), op("−"), n(k)]));
            out.push(eq(
                id("r"),
                sqrt(frac(
                    dot(vec![minus(rho_t, 4.0), minus(rho_t, 2.0), n(rho_inf)]),
                    dot(vec![minus(rho_inf, 4.0), minus(rho_inf, 2.0), n(rho_t)]),
                )),
                rect,
            ));
        } else {
            out.push(noted(
                rho_line,
                "ρₜ ≤ 5: no adaptive step yet, momentum SGD",
            ));
        }
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let (m, v) = self.moments(i, g, beta1, beta2, out);
            let m_hat = m / bc1;
            out.push(eq(ci(hat(id("m")), i), frac(n(m), n(bc1)), m_hat));
            if adaptive {
                let l = bc2.sqrt() / (v.sqrt() + eps);
                out.push(eq(
                    ci(id("l"), i),
                    frac(sqrt(n(bc2)), row(vec![sqrt(n(v)), op("+"), n(eps)])),
                    l,
                ));
                self.update(
                    i,
                    self.theta[i],
                    dot(vec![n(self.lr), np(m_hat), n(l), n(rect)]),
                    out,
                );
                let rate_i = self.lr * l * rect;
                out.push(effective(
                    dot(vec![self.sym("lr"), ci(id("l"), i), id("r")]),
                    dot(vec![n(self.lr), n(l), n(rect)]),
                    rate_i,
                ));
                self.scale(i, "v̂", v / bc2, 1.0 / (l * rect), rate_i);
            } else {
                self.update(i, self.theta[i], dot(vec![n(self.lr), np(m_hat)]), out);
            }
        }
    }

    fn lion(&self, out: &mut Vec<Item>) {
        let (beta1, beta2) = (self.val("beta1"), self.val("beta2"));
        let lambda = self.val("weight_decay");
        for i in 0..2 {
            out.push(heading(i));
            let g = self.gradient(i, out);
            let m0 = self.before("mu", i);
            let c = (1.0 - beta1) * g + beta1 * m0;
            out.push(eq(ci(id("c"), i), ema_numbers(beta1, m0, np(g)), c));
            let sign = call("sign", vec![n(c)]);
            let step = if lambda != 0.0 {
                dot(vec![
                    n(self.lr),
                    paren(row(vec![
                        sign,
                        op("+"),
                        dot(vec![n(lambda), np(self.theta[i])]),
                    ])),
                ])
            } else {
                dot(vec![n(self.lr), sign])
            };
            self.update(i, self.theta[i], step, out);
            out.push(eq(
                ci(id("m"), i),
                ema_numbers(beta2, m0, np(g)),
                self.after("mu", i),
            ));
        }
    }

    fn newton(&self, out: &mut Vec<Item>) {
        let delta = self.val("damping");
        let Some(h) = self.hessian else {
            return;
        };
        let matrix = |m: &DMatrix<f64>| {
            M::Matrix(
                (0..2)
                    .map(|r| (0..2).map(|c| n(m[(r, c)])).collect())
                    .collect(),
            )
        };
        out.push(line(
            id("H"),
            "=",
            row(vec![
                row(vec![sup(op("∇"), n(2.0)), id("f"), paren(id("θ"))]),
                op("="),
                matrix(h),
            ]),
        ));
        out.push(line(id("g"), "=", vector(self.grad)));
        let damped_s = if delta != 0.0 {
            let damped = h + DMatrix::identity(2, 2) * delta;
            let s = row(vec![
                id("H"),
                op("+"),
                jx(vec![self.sym("damping"), id("I")]),
            ]);
            out.push(line(s.clone(), "=", matrix(&damped)));
            s
        } else {
            id("H")
        };
        let named = damped_s.text();
        let d = [self.after("direction", 0), self.after("direction", 1)];
        let fell_back = self.after("fallbacks", 0) > self.before("fallbacks", 0);
        if fell_back {
            let mut eig: Vec<f64> = h
                .clone()
                .symmetric_eigen()
                .eigenvalues
                .iter()
                .copied()
                .collect();
            eig.sort_by(f64::total_cmp);
            out.push(noted(
                line(
                    row(vec![sub(id("λ"), n(1.0)), op(","), sub(id("λ"), n(2.0))]),
                    "=",
                    row(vec![n(eig[0]), op(","), n(eig[1])]),
                ),
                format!("eigenvalues of H; {named} is not positive definite: saddle-free step"),
            ));
            let mut magnitude = vec![abs(sub(id("λ"), id("i")))];
            if delta != 0.0 {
                magnitude.extend([op("+"), n(delta)]);
            }
            out.push(line(
                id("d"),
                "=",
                row(vec![
                    dot(vec![
                        id("Q"),
                        call(
                            "diag",
                            vec![frac(n(1.0), call("max", vec![row(magnitude), n(1e-8)]))],
                        ),
                        jx(vec![sup(id("Q"), id("T")), id("g")]),
                    ]),
                    op("="),
                    vector(d),
                ]),
            ));
        } else {
            out.push(noted(
                line(
                    id("d"),
                    "=",
                    row(vec![
                        jx(vec![sup(paren_if_row(damped_s), n(-1.0)), id("g")]),
                        op("="),
                        vector(d),
                    ]),
                ),
                format!("{named} is positive definite"),
            ));
        }
        for (i, di) in d.into_iter().enumerate() {
            out.push(heading(i));
            self.update(i, self.theta[i], dot(vec![n(self.lr), np(di)]), out);
        }
    }
}

/// Every line of one step's explanation.
fn step_items(st: &Step, spec: &RunSpec, base_lr: f64, shaped: &Shaped) -> Vec<Item> {
    let k = st.step;
    let mut out = vec![Item::Heading(format!(
        "Step {k}: from point {} to point {k}",
        k - 1
    ))];
    out.push(line(id("θ"), "=", vector(st.theta)));
    let shaped_at_all =
        shaped.noise.is_some() || shaped.value_clip.is_some() || shaped.norm_clip.is_some();
    let exact = line(nabla_f(), "=", vector(shaped.exact));
    out.push(if shaped_at_all {
        noted(exact, "exact gradient")
    } else {
        exact
    });
    let mut current = shaped.exact;
    if let Some((sigma, z, noisy)) = shaped.noise {
        out.push(noted(
            line(
                nabla_f(),
                "←",
                row(vec![
                    vector(current),
                    op("+"),
                    dot(vec![n(sigma), vector(z)]),
                    op("="),
                    vector(noisy),
                ]),
            ),
            "gradient noise σz, z ~ N(0, I)",
        ));
        current = noisy;
    }
    if let Some((c, clamped)) = shaped.value_clip {
        out.push(noted(
            line(
                nabla_f(),
                "←",
                row(vec![
                    call("clamp", vec![vector(current), n(-c), n(c)]),
                    op("="),
                    vector(clamped),
                ]),
            ),
            "clipped by value",
        ));
        current = clamped;
    }
    if let Some((max_norm, norm, coef, scaled)) = shaped.norm_clip {
        out.push(noted(
            line(
                nabla_f(),
                "←",
                row(vec![
                    dot(vec![
                        vector(current),
                        call(
                            "min",
                            vec![
                                n(1.0),
                                frac(n(max_norm), row(vec![n(norm), op("+"), n(1e-6)])),
                            ],
                        ),
                    ]),
                    op("="),
                    dot(vec![vector(current), n(coef)]),
                    op("="),
                    vector(scaled),
                ]),
            ),
            "clipped by norm",
        ));
    }
    let lr_line = eq_value(st.sym("lr"), st.lr);
    out.push(if spec.schedule == Schedule::Constant {
        lr_line
    } else {
        noted(
            lr_line,
            format!(
                "schedule {} after {} steps, from η = {}",
                spec.schedule,
                k - 1,
                format_number(base_lr)
            ),
        )
    });
    match st.p.0.kind {
        OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov => st.sgd(&mut out),
        OptimizerKind::Adagrad => st.adagrad(&mut out),
        OptimizerKind::Rmsprop => st.rmsprop(&mut out),
        OptimizerKind::Adadelta => st.adadelta(&mut out),
        OptimizerKind::Adam | OptimizerKind::Amsgrad | OptimizerKind::Adamw => st.adam(&mut out),
        OptimizerKind::Adamax => st.adamax(&mut out),
        OptimizerKind::Nadam => st.nadam(&mut out),
        OptimizerKind::Radam => st.radam(&mut out),
        OptimizerKind::Lion => st.lion(&mut out),
        OptimizerKind::Newton => st.newton(&mut out),
    }
    out.push(noted(
        line(id("θ"), "=", vector(st.after_theta)),
        format!("point {k}"),
    ));
    out
}
