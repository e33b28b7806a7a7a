//! Each optimizer's update rule as formula lines, written out by [`rule_mathml`] and
//! [`rule_text`].

use super::math::{
    Item, M, abs, bar, call, dot, frac, hat, id, jx, line, n, nabla_f, noted, one_minus, op, paren,
    render_mathml, render_text, row, sqrt, sub, sup, tilde,
};
use super::notation::{Notation, NotesWords, written_in};
use crate::core::optim::{OptimizerKind, RunConfig};

/// A configuration's values, flags and symbols, looked up by name (every name used here is
/// one of that kind's own, so the lookups cannot fail).
pub(super) struct Params<'a>(pub(super) &'a RunConfig);

impl Params<'_> {
    pub(super) fn val(&self, name: &str) -> f64 {
        self.0.get(name).unwrap_or(f64::NAN)
    }

    pub(super) fn flag(&self, name: &str) -> bool {
        self.0.get_flag(name).unwrap_or(false)
    }

    pub(super) fn sym(&self, name: &str) -> M {
        id(self.0.param(name).map_or(name, |p| p.symbol))
    }

    /// Momentum μ of the SGD family (0 for plain gradient descent).
    pub(super) fn sgd_momentum(&self) -> f64 {
        match self.0.kind {
            OptimizerKind::Momentum | OptimizerKind::Nesterov => self.val("momentum"),
            _ => 0.0,
        }
    }

    /// Dampening τ of the SGD family (Nesterov has none).
    pub(super) fn sgd_dampening(&self) -> f64 {
        match self.0.kind {
            OptimizerKind::Momentum => self.val("dampening"),
            _ => 0.0,
        }
    }

    /// L2 weight decay λ added to the gradient (0 where the kind decays otherwise or not).
    pub(super) fn l2(&self) -> f64 {
        match self.0.kind {
            OptimizerKind::Adamw | OptimizerKind::Lion | OptimizerKind::Newton => 0.0,
            _ => self.val("weight_decay"),
        }
    }
}

/// `g ← ∇f(θ)`, `+ λθ` when an L2 decay is on.
fn gradient_rule(p: &Params) -> Item {
    let rhs = if p.l2() != 0.0 {
        row(vec![
            nabla_f(),
            op("+"),
            jx(vec![p.sym("weight_decay"), id("θ")]),
        ])
    } else {
        nabla_f()
    };
    line(id("g"), "←", rhs)
}

/// `x ← βx + (1 − β)y`.
fn ema_rule(x: M, beta: M, y: M) -> Item {
    line(
        x.clone(),
        "←",
        row(vec![
            jx(vec![beta.clone(), x]),
            op("+"),
            jx(vec![paren(one_minus(beta)), y]),
        ]),
    )
}

/// `1 − βᵗ`.
pub(super) fn bias(beta: M) -> M {
    one_minus(sup(beta, id("t")))
}

fn rule_items(config: &RunConfig) -> Vec<Item> {
    let p = Params(config);
    let theta = || id("θ");
    let g = || id("g");
    let eta = || p.sym("lr");
    let g2 = || sup(id("g"), n(2.0));
    let mut r = Vec::new();
    match config.kind {
        OptimizerKind::Sgd | OptimizerKind::Momentum | OptimizerKind::Nesterov => {
            r.push(gradient_rule(&p));
            let mu = p.sgd_momentum();
            let nesterov = config.kind == OptimizerKind::Nesterov;
            if mu == 0.0 {
                r.push(line(
                    theta(),
                    "←",
                    row(vec![theta(), op("−"), jx(vec![eta(), g()])]),
                ));
            } else {
                let damp = |x: M| {
                    if p.sgd_dampening() != 0.0 {
                        jx(vec![paren(one_minus(p.sym("dampening"))), x])
                    } else {
                        x
                    }
                };
                let mu_s = || p.sym("momentum");
                if p.flag("classical") {
                    let v = || id("v");
                    r.push(noted(line(v(), "←", jx(vec![eta(), g()])), "t = 1"));
                    r.push(noted(
                        line(
                            v(),
                            "←",
                            row(vec![
                                jx(vec![mu_s(), v()]),
                                op("+"),
                                damp(jx(vec![eta(), g()])),
                            ]),
                        ),
                        "t > 1",
                    ));
                    let step = if nesterov {
                        paren(row(vec![
                            jx(vec![mu_s(), v()]),
                            op("+"),
                            jx(vec![eta(), g()]),
                        ]))
                    } else {
                        v()
                    };
                    r.push(line(theta(), "←", row(vec![theta(), op("−"), step])));
                } else {
                    let b = || id("b");
                    r.push(noted(line(b(), "←", g()), "t = 1"));
                    r.push(noted(
                        line(
                            b(),
                            "←",
                            row(vec![jx(vec![mu_s(), b()]), op("+"), damp(g())]),
                        ),
                        "t > 1",
                    ));
                    let d = if nesterov {
                        paren(row(vec![g(), op("+"), jx(vec![mu_s(), b()])]))
                    } else {
                        b()
                    };
                    r.push(line(
                        theta(),
                        "←",
                        row(vec![theta(), op("−"), jx(vec![eta(), d])]),
                    ));
                }
            }
        }
        OptimizerKind::Adagrad => {
            r.push(gradient_rule(&p));
            let rate = if p.val("lr_decay") != 0.0 {
                let denom = row(vec![
                    n(1.0),
                    op("+"),
                    jx(vec![
                        paren(row(vec![id("t"), op("−"), n(1.0)])),
                        p.sym("lr_decay"),
                    ]),
                ]);
                r.push(line(tilde(eta()), "←", frac(eta(), denom)));
                tilde(eta())
            } else {
                eta()
            };
            let s = || id("s");
            let accumulate = line(s(), "←", row(vec![s(), op("+"), g2()]));
            r.push(if p.val("initial_accumulator_value") != 0.0 {
                noted(accumulate, "s = s₀ before the first step")
            } else {
                accumulate
            });
            r.push(line(
                theta(),
                "←",
                row(vec![
                    theta(),
                    op("−"),
                    jx(vec![
                        rate,
                        frac(g(), row(vec![sqrt(s()), op("+"), p.sym("eps")])),
                    ]),
                ]),
            ));
        }
        OptimizerKind::Rmsprop => {
            r.push(gradient_rule(&p));
            let alpha = || p.sym("alpha");
            r.push(ema_rule(id("v"), alpha(), g2()));
            let centered = p.flag("centered");
            let gbar = || bar(id("g"));
            if centered {
                r.push(ema_rule(gbar(), alpha(), g()));
            }
            let mut second = vec![id("v")];
            if centered {
                second.extend([op("−"), sup(gbar(), n(2.0))]);
            }
            let d = if p.flag("eps_inside_sqrt") {
                second.extend([op("+"), p.sym("eps")]);
                sqrt(row(second))
            } else {
                row(vec![sqrt(row(second)), op("+"), p.sym("eps")])
            };
            r.push(line(id("d"), "←", d));
            if p.val("momentum") > 0.0 {
                let b = || id("b");
                r.push(line(
                    b(),
                    "←",
                    row(vec![
                        jx(vec![p.sym("momentum"), b()]),
                        op("+"),
                        frac(g(), id("d")),
                    ]),
                ));
                r.push(line(
                    theta(),
                    "←",
                    row(vec![theta(), op("−"), jx(vec![eta(), b()])]),
                ));
            } else {
                r.push(line(
                    theta(),
                    "←",
                    row(vec![theta(), op("−"), jx(vec![eta(), frac(g(), id("d"))])]),
                ));
            }
        }
        OptimizerKind::Adadelta => {
            r.push(gradient_rule(&p));
            let rho = || p.sym("rho");
            let eps = || p.sym("eps");
            r.push(ema_rule(id("v"), rho(), g2()));
            r.push(line(
                id("Δ"),
                "←",
                row(vec![
                    frac(
                        sqrt(row(vec![id("u"), op("+"), eps()])),
                        sqrt(row(vec![id("v"), op("+"), eps()])),
                    ),
                    op("·"),
                    g(),
                ]),
            ));
            r.push(ema_rule(id("u"), rho(), sup(id("Δ"), n(2.0))));
            r.push(line(
                theta(),
                "←",
                row(vec![theta(), op("−"), jx(vec![eta(), id("Δ")])]),
            ));
        }
        OptimizerKind::Adam | OptimizerKind::Amsgrad | OptimizerKind::Adamw => {
            let lambda = p.val("weight_decay");
            if config.kind == OptimizerKind::Adamw && lambda != 0.0 {
                r.push(line(
                    theta(),
                    "←",
                    jx(vec![
                        theta(),
                        paren(one_minus(jx(vec![eta(), p.sym("weight_decay")]))),
                    ]),
                ));
            }
            r.push(gradient_rule(&p));
            let (b1, b2) = (|| p.sym("beta1"), || p.sym("beta2"));
            r.push(ema_rule(id("m"), b1(), g()));
            r.push(ema_rule(id("v"), b2(), g2()));
            let second = if config.kind == OptimizerKind::Amsgrad {
                r.push(line(
                    id("v_max"),
                    "←",
                    call("max", vec![id("v_max"), id("v")]),
                ));
                id("v_max")
            } else {
                id("v")
            };
            let (m, v) = if p.flag("bias_correction") {
                r.push(line(hat(id("m")), "←", frac(id("m"), bias(b1()))));
                r.push(line(hat(id("v")), "←", frac(second, bias(b2()))));
                (hat(id("m")), hat(id("v")))
            } else {
                (id("m"), second)
            };
            let denom = if p.flag("eps_inside_sqrt") {
                sqrt(row(vec![v, op("+"), p.sym("eps")]))
            } else {
                row(vec![sqrt(v), op("+"), p.sym("eps")])
            };
            r.push(line(
                theta(),
                "←",
                row(vec![theta(), op("−"), jx(vec![eta(), frac(m, denom)])]),
            ));
        }
        OptimizerKind::Adamax => {
            r.push(gradient_rule(&p));
            r.push(ema_rule(id("m"), p.sym("beta1"), g()));
            r.push(line(
                id("u"),
                "←",
                call(
                    "max",
                    vec![
                        jx(vec![p.sym("beta2"), id("u")]),
                        row(vec![abs(g()), op("+"), p.sym("eps")]),
                    ],
                ),
            ));
            r.push(line(
                theta(),
                "←",
                row(vec![
                    theta(),
                    op("−"),
                    frac(eta(), bias(p.sym("beta1"))),
                    op("·"),
                    frac(id("m"), id("u")),
                ]),
            ));
        }
        OptimizerKind::Nadam => {
            r.push(gradient_rule(&p));
            let mu_t = || sub(id("μ"), id("t"));
            let mu_next = || sub(id("μ"), row(vec![id("t"), op("+"), n(1.0)]));
            let mu_rule = |exponent: M| {
                jx(vec![
                    p.sym("beta1"),
                    paren(one_minus(dot(vec![
                        frac(n(1.0), n(2.0)),
                        sup(n(0.96), jx(vec![exponent, p.sym("momentum_decay")])),
                    ]))),
                ])
            };
            r.push(line(mu_t(), "←", mu_rule(id("t"))));
            r.push(line(
                mu_next(),
                "←",
                mu_rule(paren(row(vec![id("t"), op("+"), n(1.0)]))),
            ));
            r.push(line(id("Π"), "←", jx(vec![id("Π"), mu_t()])));
            r.push(ema_rule(id("m"), p.sym("beta1"), g()));
            r.push(ema_rule(id("v"), p.sym("beta2"), g2()));
            r.push(line(
                id("d"),
                "←",
                row(vec![
                    sqrt(frac(id("v"), bias(p.sym("beta2")))),
                    op("+"),
                    p.sym("eps"),
                ]),
            ));
            r.push(line(
                theta(),
                "←",
                row(vec![
                    theta(),
                    op("−"),
                    frac(
                        jx(vec![eta(), paren(one_minus(mu_t()))]),
                        one_minus(id("Π")),
                    ),
                    op("·"),
                    frac(g(), id("d")),
                    op("−"),
                    frac(
                        jx(vec![eta(), mu_next()]),
                        one_minus(jx(vec![id("Π"), mu_next()])),
                    ),
                    op("·"),
                    frac(id("m"), id("d")),
                ]),
            ));
        }
        OptimizerKind::Radam => {
            r.push(gradient_rule(&p));
            let (b1, b2) = (|| p.sym("beta1"), || p.sym("beta2"));
            r.push(ema_rule(id("m"), b1(), g()));
            r.push(ema_rule(id("v"), b2(), g2()));
            r.push(line(hat(id("m")), "←", frac(id("m"), bias(b1()))));
            let rho_inf = || sub(id("ρ"), id("∞"));
            let rho_t = || sub(id("ρ"), id("t"));
            r.push(line(
                rho_inf(),
                "←",
                row(vec![frac(n(2.0), paren(one_minus(b2()))), op("−"), n(1.0)]),
            ));
            r.push(line(
                rho_t(),
                "←",
                row(vec![
                    rho_inf(),
                    op("−"),
                    frac(jx(vec![n(2.0), id("t"), sup(b2(), id("t"))]), bias(b2())),
                ]),
            ));
            let minus = |x: M, k: f64| paren(row(vec![x, op("−"), n(k)]));
            r.push(noted(
                line(
                    id("r"),
                    "←",
                    sqrt(frac(
                        jx(vec![minus(rho_t(), 4.0), minus(rho_t(), 2.0), rho_inf()]),
                        jx(vec![minus(rho_inf(), 4.0), minus(rho_inf(), 2.0), rho_t()]),
                    )),
                ),
                "ρₜ > 5",
            ));
            r.push(noted(
                line(
                    id("l"),
                    "←",
                    frac(
                        sqrt(bias(b2())),
                        row(vec![sqrt(id("v")), op("+"), p.sym("eps")]),
                    ),
                ),
                "ρₜ > 5",
            ));
            r.push(noted(
                line(
                    theta(),
                    "←",
                    row(vec![
                        theta(),
                        op("−"),
                        dot(vec![eta(), hat(id("m")), id("l"), id("r")]),
                    ]),
                ),
                "ρₜ > 5",
            ));
            r.push(noted(
                line(
                    theta(),
                    "←",
                    row(vec![theta(), op("−"), jx(vec![eta(), hat(id("m"))])]),
                ),
                "ρₜ ≤ 5",
            ));
        }
        OptimizerKind::Lion => {
            r.push(gradient_rule(&p));
            r.push(line(
                id("c"),
                "←",
                row(vec![
                    jx(vec![p.sym("beta1"), id("m")]),
                    op("+"),
                    jx(vec![paren(one_minus(p.sym("beta1"))), g()]),
                ]),
            ));
            let sign = call("sign", vec![id("c")]);
            let step = if p.val("weight_decay") != 0.0 {
                jx(vec![
                    eta(),
                    paren(row(vec![
                        sign,
                        op("+"),
                        jx(vec![p.sym("weight_decay"), theta()]),
                    ])),
                ])
            } else {
                dot(vec![eta(), sign])
            };
            r.push(line(theta(), "←", row(vec![theta(), op("−"), step])));
            r.push(ema_rule(id("m"), p.sym("beta2"), g()));
        }
        OptimizerKind::Newton => {
            let delta = p.val("damping");
            r.push(line(
                id("H"),
                "←",
                row(vec![sup(op("∇"), n(2.0)), id("f"), paren(theta())]),
            ));
            r.push(gradient_rule(&p));
            let damped = if delta != 0.0 {
                paren(row(vec![
                    id("H"),
                    op("+"),
                    jx(vec![p.sym("damping"), id("I")]),
                ]))
            } else {
                id("H")
            };
            let condition = if delta != 0.0 {
                "H + δI positive definite"
            } else {
                "H positive definite"
            };
            r.push(noted(
                line(id("d"), "←", jx(vec![sup(damped, n(-1.0)), g()])),
                condition,
            ));
            let lambda_i = || sub(id("λ"), id("i"));
            let mut magnitude = vec![abs(lambda_i())];
            if delta != 0.0 {
                magnitude.extend([op("+"), p.sym("damping")]);
            }
            r.push(noted(
                line(
                    id("d"),
                    "←",
                    dot(vec![
                        id("Q"),
                        call(
                            "diag",
                            vec![frac(n(1.0), call("max", vec![row(magnitude), n(1e-8)]))],
                        ),
                        jx(vec![sup(id("Q"), id("T")), g()]),
                    ]),
                ),
                "otherwise: saddle-free, H = QΛQᵀ",
            ));
            r.push(line(
                theta(),
                "←",
                row(vec![theta(), op("−"), jx(vec![eta(), id("d")])]),
            ));
        }
    }
    r
}

/// The exact update rule that `config` runs, as one MathML `<math display="block">` element
/// with one `<mtable>` row per line of the rule (`lhs`, `←`, `rhs`, and a remark such as
/// `t = 1` where a line applies only sometimes).
///
/// It honours the configuration's flags (textbook momentum, ε inside the square root, bias
/// correction, centered RMSprop, AMSGrad, AdamW's decoupled decay, Nesterov) and leaves out
/// the terms that are switched off (λ = 0, τ = 0, κ = 0, RMSprop's μ = 0, Newton's δ = 0; a
/// momentum run with μ = 0 is plain gradient descent): see the [module](crate::core::explain)
/// documentation. An invalid configuration still gets its rule, written with whatever values it
/// holds.
pub fn rule_mathml(config: &RunConfig) -> String {
    rule_mathml_in(config, Notation::Torch, NotesWords::default())
}

/// [`rule_mathml`] written in `notation` ([`Notation`]: torch's symbols or the course notes'),
/// with `words` (in the reader's language) where the notes' form differs from torch's.
pub fn rule_mathml_in(config: &RunConfig, notation: Notation, words: NotesWords<'_>) -> String {
    render_mathml(&written_in(rule_items(config), notation, config, words))
}

/// The same rule as [`rule_mathml`], as plain text, one line of the rule per line
/// (for example `m̂ ← m/(1 − β₁ᵗ)`, `θ ← θ − ηm̂/(√v̂ + ε)`).
pub fn rule_text(config: &RunConfig) -> String {
    rule_text_in(config, Notation::Torch, NotesWords::default())
}

/// [`rule_text`] written in `notation`, with `words` where the notes' form differs.
pub fn rule_text_in(config: &RunConfig, notation: Notation, words: NotesWords<'_>) -> String {
    render_text(&written_in(rule_items(config), notation, config, words))
}
