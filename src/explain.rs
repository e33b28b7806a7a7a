//! "Explain this step": each optimizer's update rule as MathML, and one step of a run with its
//! numbers substituted into that rule, so that a student can check the step by hand.
//!
//! - [`rule_mathml`] writes the exact rule a [`RunConfig`] runs, as a MathML
//!   `<math display="block">` element (one `<mtable>` row per line of the rule), and
//!   [`rule_text`] the same rule as plain text.
//! - [`explain`] replays a run exactly as [`crate::run::simulate`] does (same gradient, noise,
//!   clipping, schedule and Hessian) up to the step asked for, and returns an [`Explanation`]:
//!   the numbers before and after the step, the optimizer's state ([`StateVar`]) around it,
//!   and the rule's lines with those numbers in, as MathML and as plain text.
//!
//! Conventions, the same for every optimizer:
//! - The symbols are those of [`crate::optim::HyperParam::symbol`] (η, μ, τ, λ, β₁, β₂, ε, α,
//!   ρ, κ, s₀, ψ, δ) and the notation of each optimizer's rustdoc (θ the parameters, g the
//!   gradient, m, v, b, s, u, … the state).
//! - A term whose hyperparameter is switched off is left out, exactly as the optimizer skips
//!   it: weight decay λ = 0, dampening τ = 0, Adagrad's lr decay κ = 0 (and its s₀ = 0 note),
//!   RMSprop's momentum μ = 0, Newton's damping δ = 0. A momentum run with μ = 0 is shown as
//!   the plain gradient descent it is. Every other hyperparameter is always shown, whatever its
//!   value (ε = 0 still appears), because it is part of the rule's shape. Flags choose between
//!   forms (textbook momentum, ε inside the square root, bias correction, centered, AMSGrad,
//!   AdamW, Nesterov) and only the chosen form is shown.
//! - Numbers are written by [`format_number`]: 4 significant digits, `1.234e−5` outside
//!   [10⁻³, 10⁴) (`1.234×10⁻⁵` in MathML), `−` (U+2212) for minus. Only the displayed digits
//!   are rounded: every number is computed in f64 as the optimizer computes it.
//! - The MathML uses MathML Core elements only (`math`, `mrow`, `mi`, `mn`, `mo`, `mtext`,
//!   `mfrac`, `msqrt`, `msub`, `msup`, `msubsup`, `mover`, `mtable`, `mtr`, `mtd`), which
//!   Chromium, Firefox and Safari render natively: nothing is fetched at run time.

use crate::optim::{ConfigError, OptimizerKind, RunConfig, StateVar};
use crate::run::{Halt, RunSpec, Shaped, Stepper};
use crate::scenario::MAX_STEPS;
use crate::schedule::Schedule;
use crate::surface::Surface;
use nalgebra::DMatrix;
use serde::Serialize;

// ---------------------------------------------------------------------------------------------
// Numbers

/// Writes `x` with 4 significant digits, as the explanations do: fixed notation for
/// 10⁻³ ≤ |x| < 10⁴ with trailing zeros dropped (`0.1389`, `2.5`, `1.137`, `1235`), scientific
/// notation otherwise (`1.234e−5`, `1e−8`, `2.5e6`); `0` for zero (either sign), `∞`, `−∞` and
/// `NaN` for the non-finite values. Minus signs are `−` (U+2212).
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let body = if (1e-3..1e4).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        let fixed = format!("{a:.decimals$}");
        if fixed.contains('.') {
            fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            fixed
        }
    } else {
        let sci = format!("{a:.3e}");
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{}", exponent.replace('-', "−"))
    };
    if x < 0.0 { format!("−{body}") } else { body }
}

// ---------------------------------------------------------------------------------------------
// Formulas: one tree, written out as MathML or as plain text

/// An accent over a symbol.
#[derive(Clone, Copy, Debug)]
enum Accent {
    /// `m̂`: a bias-corrected estimate.
    Hat,
    /// `ḡ`: a running mean.
    Bar,
    /// `η̃`: a modified rate.
    Tilde,
}

/// A formula, written out by [`M::text`] and [`M::mathml`].
#[derive(Clone, Debug)]
enum M {
    /// An identifier (`θ`, `β₁`, `v_max`, `sign`).
    Id(String),
    /// A number, formatted by [`format_number`].
    Num(f64),
    /// An operator (`+`, `−`, `←`, `·`, `,`, the invisible times of juxtaposition).
    Op(&'static str),
    /// A sequence.
    Row(Vec<M>),
    /// `a / b`.
    Frac(Box<M>, Box<M>),
    /// `√x`.
    Sqrt(Box<M>),
    /// `xᵢ`.
    Sub(Box<M>, Box<M>),
    /// `xⁿ`.
    Sup(Box<M>, Box<M>),
    /// An accented symbol.
    Accent(Box<M>, Accent),
    /// `(x)`.
    Paren(Box<M>),
    /// `|x|`.
    Abs(Box<M>),
    /// A matrix, row by row, in square brackets.
    Matrix(Vec<Vec<M>>),
}

/// Juxtaposition: the product written without a sign (`β₁m`).
const TIMES: &str = "\u{2062}";

fn id(s: &str) -> M {
    M::Id(s.to_owned())
}

fn n(x: f64) -> M {
    M::Num(x)
}

/// A number, in parentheses when negative (after an operator or as a base).
fn np(x: f64) -> M {
    if x < 0.0 { paren(n(x)) } else { n(x) }
}

fn op(s: &'static str) -> M {
    M::Op(s)
}

fn row(items: Vec<M>) -> M {
    M::Row(items)
}

fn frac(a: M, b: M) -> M {
    M::Frac(Box::new(a), Box::new(b))
}

fn sqrt(x: M) -> M {
    M::Sqrt(Box::new(x))
}

fn sub(base: M, index: M) -> M {
    M::Sub(Box::new(base), Box::new(index))
}

fn sup(base: M, exponent: M) -> M {
    M::Sup(Box::new(base), Box::new(exponent))
}

fn hat(x: M) -> M {
    M::Accent(Box::new(x), Accent::Hat)
}

fn bar(x: M) -> M {
    M::Accent(Box::new(x), Accent::Bar)
}

fn tilde(x: M) -> M {
    M::Accent(Box::new(x), Accent::Tilde)
}

fn paren(x: M) -> M {
    M::Paren(Box::new(x))
}

/// `x` in parentheses when it is a sum (as a base of a power).
fn paren_if_row(x: M) -> M {
    if matches!(x, M::Row(_)) { paren(x) } else { x }
}

fn abs(x: M) -> M {
    M::Abs(Box::new(x))
}

/// Factors written side by side (`μb`, `ηg`).
fn jx(factors: Vec<M>) -> M {
    let mut items = Vec::with_capacity(2 * factors.len());
    for (k, f) in factors.into_iter().enumerate() {
        if k > 0 {
            items.push(op(TIMES));
        }
        items.push(f);
    }
    row(items)
}

/// Factors with an explicit `·` between them (`0.9·(−0.1234)`).
fn dot(factors: Vec<M>) -> M {
    let mut items = Vec::with_capacity(2 * factors.len());
    for (k, f) in factors.into_iter().enumerate() {
        if k > 0 {
            items.push(op("·"));
        }
        items.push(f);
    }
    row(items)
}

/// `1 − x`.
fn one_minus(x: M) -> M {
    row(vec![n(1.0), op("−"), x])
}

/// `(a, b)`.
fn vector(v: [f64; 2]) -> M {
    paren(row(vec![n(v[0]), op(","), n(v[1])]))
}

/// `name(arg, …)` for a function written with a word (`max`, `sign`).
fn call(name: &str, args: Vec<M>) -> M {
    let mut items = Vec::with_capacity(2 * args.len());
    for (k, a) in args.into_iter().enumerate() {
        if k > 0 {
            items.push(op(","));
        }
        items.push(a);
    }
    row(vec![id(name), paren(row(items))])
}

/// `∇f(θ)`.
fn nabla_f() -> M {
    row(vec![op("∇"), id("f"), paren(id("θ"))])
}

/// Operators written with a space on both sides in the text form.
fn spaced(o: &str) -> bool {
    matches!(o, "+" | "−" | "=" | "←" | "≤" | ">" | "<" | "≥" | "≠")
}

fn superscript(s: &str) -> Option<String> {
    s.chars()
        .filter(|c| *c != ' ')
        .map(|c| {
            Some(match c {
                '0' => '⁰',
                '1' => '¹',
                '2' => '²',
                '3' => '³',
                '4' => '⁴',
                '5' => '⁵',
                '6' => '⁶',
                '7' => '⁷',
                '8' => '⁸',
                '9' => '⁹',
                '+' => '⁺',
                '−' | '-' => '⁻',
                '(' => '⁽',
                ')' => '⁾',
                'n' => 'ⁿ',
                'i' => 'ⁱ',
                't' => 'ᵗ',
                'T' => 'ᵀ',
                _ => return None,
            })
        })
        .collect()
}

fn subscript(s: &str) -> Option<String> {
    s.chars()
        .filter(|c| *c != ' ')
        .map(|c| {
            Some(match c {
                '0' => '₀',
                '1' => '₁',
                '2' => '₂',
                '3' => '₃',
                '4' => '₄',
                '5' => '₅',
                '6' => '₆',
                '7' => '₇',
                '8' => '₈',
                '9' => '₉',
                '+' => '₊',
                '−' | '-' => '₋',
                '(' => '₍',
                ')' => '₎',
                'i' => 'ᵢ',
                't' => 'ₜ',
                // ρ∞ is written with the ∞ beside it, as the rustdoc does.
                '∞' => '∞',
                _ => return None,
            })
        })
        .collect()
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn element(tag: &str, content: &str, out: &mut String) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    escape(content, out);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// An identifier with an index, split for MathML: `β₁` into `β` and the number `1`, `v_max`
/// into `v` and the identifier `max`; `None` for a plain identifier.
fn split_id(s: &str) -> Option<(&str, String, &'static str)> {
    if let Some((base, index)) = s.split_once('_')
        && !base.is_empty()
        && !index.is_empty()
    {
        return Some((base, index.to_owned(), "mi"));
    }
    let digits: String = s
        .chars()
        .rev()
        .take_while(|c| ('₀'..='₉').contains(c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|c| char::from(b'0' + (c as u32 - '₀' as u32) as u8))
        .collect();
    let base = &s[..s.len() - digits.len() * '₀'.len_utf8()];
    (!digits.is_empty() && !base.is_empty()).then_some((base, digits, "mn"))
}

/// `<mi>`, with an index (`β₁`, `s₀`, `v_max`) as `<msub>`.
fn mi(s: &str, out: &mut String) {
    match split_id(s) {
        Some((base, index, tag)) => {
            out.push_str("<msub>");
            element("mi", base, out);
            element(tag, &index, out);
            out.push_str("</msub>");
        }
        None => element("mi", s, out),
    }
}

/// A number as MathML: `<mn>`, scientific notation as `m×10ᵉ`, a minus as `<mo>`.
fn mn(x: f64, out: &mut String) {
    let text = format_number(x);
    if !x.is_finite() {
        element("mi", &text, out);
        return;
    }
    let (negative, body) = match text.strip_prefix('−') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    if negative {
        out.push_str("<mrow><mo>−</mo>");
    }
    match body.split_once('e') {
        Some((mantissa, exponent)) => {
            out.push_str("<mrow>");
            if mantissa != "1" {
                element("mn", mantissa, out);
                out.push_str("<mo>×</mo>");
            }
            out.push_str("<msup><mn>10</mn>");
            match exponent.strip_prefix('−') {
                Some(e) => {
                    out.push_str("<mrow><mo>−</mo>");
                    element("mn", e, out);
                    out.push_str("</mrow>");
                }
                None => element("mn", exponent, out),
            }
            out.push_str("</msup></mrow>");
        }
        None => element("mn", body, out),
    }
    if negative {
        out.push_str("</mrow>");
    }
}

impl M {
    /// Whether the text form needs no parentheses as a denominator, a root or a base.
    fn atomic(&self) -> bool {
        match self {
            // NaN is written "NaN": atomic too.
            M::Num(x) => *x >= 0.0 || x.is_nan(),
            // A single item, or a function call such as max(a, b).
            M::Row(items) => match items.as_slice() {
                [one] => one.atomic(),
                [M::Id(_), M::Paren(_)] => true,
                _ => false,
            },
            M::Frac(..) => false,
            _ => true,
        }
    }

    /// Whether the text form has a `+`, `−`, … at its top level (then a numerator needs
    /// parentheses).
    fn loose(&self) -> bool {
        match self {
            M::Num(x) => *x < 0.0,
            M::Row(items) => {
                items.iter().any(|m| matches!(m, M::Op(o) if spaced(o)))
                    || (items.len() == 1 && items[0].loose())
            }
            _ => false,
        }
    }

    fn text_in_parens_if(&self, wrap: bool) -> String {
        if wrap {
            format!("({})", self.text())
        } else {
            self.text()
        }
    }

    /// The plain-text form: Unicode symbols, `/` for fractions, `√`, super- and subscript
    /// characters where Unicode has them (`β₁ᵗ`, `m̂₁`), `^(…)` and `_…` otherwise.
    fn text(&self) -> String {
        match self {
            M::Id(s) => s.clone(),
            M::Num(x) => format_number(*x),
            M::Op(o) => {
                if *o == TIMES {
                    String::new()
                } else if *o == "," {
                    ", ".into()
                } else if spaced(o) {
                    format!(" {o} ")
                } else {
                    (*o).to_owned()
                }
            }
            M::Row(items) => items.iter().map(M::text).collect(),
            M::Frac(a, b) => format!(
                "{}/{}",
                a.text_in_parens_if(a.loose()),
                b.text_in_parens_if(!b.atomic())
            ),
            M::Sqrt(x) => format!("√{}", x.text_in_parens_if(!x.atomic())),
            M::Sub(base, index) => {
                let b = base.text();
                match subscript(&index.text()) {
                    Some(s) => b + &s,
                    None => format!("{b}_{}", index.text_in_parens_if(!index.atomic())),
                }
            }
            M::Sup(base, exponent) => {
                let b = base.text_in_parens_if(!base.atomic() || matches!(**base, M::Sqrt(_)));
                match superscript(&exponent.text()) {
                    Some(s) => b + &s,
                    None => format!("{b}^{}", exponent.text_in_parens_if(!exponent.atomic())),
                }
            }
            M::Accent(base, accent) => {
                let combining = match accent {
                    Accent::Hat => '\u{0302}',
                    Accent::Bar => '\u{0304}',
                    Accent::Tilde => '\u{0303}',
                };
                let mut s = base.text();
                // The one precomposed form in use (NFC, as the state's symbol `ḡ` is written).
                if s == "g" && matches!(accent, Accent::Bar) {
                    return "ḡ".into();
                }
                s.push(combining);
                s
            }
            M::Paren(x) => format!("({})", x.text()),
            M::Abs(x) => format!("|{}|", x.text()),
            M::Matrix(rows) => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| r.iter().map(M::text).collect::<Vec<_>>().join(", "))
                    .collect();
                format!("[{}]", rows.join("; "))
            }
        }
    }

    /// Appends the MathML form (one element).
    fn mathml(&self, out: &mut String) {
        match self {
            M::Id(s) => mi(s, out),
            M::Num(x) => mn(*x, out),
            M::Op(o) => {
                if *o == TIMES {
                    out.push_str("<mo>&#x2062;</mo>");
                } else {
                    element("mo", o, out);
                }
            }
            M::Row(items) => {
                out.push_str("<mrow>");
                for m in items {
                    m.mathml(out);
                }
                out.push_str("</mrow>");
            }
            M::Frac(a, b) => {
                out.push_str("<mfrac>");
                a.mathml(out);
                b.mathml(out);
                out.push_str("</mfrac>");
            }
            M::Sqrt(x) => {
                out.push_str("<msqrt>");
                x.mathml(out);
                out.push_str("</msqrt>");
            }
            M::Sub(base, index) => {
                out.push_str("<msub>");
                base.mathml(out);
                index.mathml(out);
                out.push_str("</msub>");
            }
            M::Sup(base, exponent) => {
                // β₁ᵗ: the index and the exponent stacked, as <msubsup>.
                if let M::Id(s) = &**base
                    && let Some((b, index, tag)) = split_id(s)
                {
                    out.push_str("<msubsup>");
                    element("mi", b, out);
                    element(tag, &index, out);
                    exponent.mathml(out);
                    out.push_str("</msubsup>");
                    return;
                }
                out.push_str("<msup>");
                base.mathml(out);
                exponent.mathml(out);
                out.push_str("</msup>");
            }
            M::Accent(base, accent) => {
                out.push_str("<mover accent=\"true\">");
                base.mathml(out);
                out.push_str(match accent {
                    Accent::Hat => "<mo>^</mo>",
                    Accent::Bar => "<mo>¯</mo>",
                    Accent::Tilde => "<mo>~</mo>",
                });
                out.push_str("</mover>");
            }
            M::Paren(x) => {
                out.push_str("<mrow><mo>(</mo>");
                x.mathml(out);
                out.push_str("<mo>)</mo></mrow>");
            }
            M::Abs(x) => {
                out.push_str("<mrow><mo fence=\"true\" form=\"prefix\">|</mo>");
                x.mathml(out);
                out.push_str("<mo fence=\"true\" form=\"postfix\">|</mo></mrow>");
            }
            M::Matrix(rows) => {
                out.push_str("<mrow><mo>[</mo><mtable>");
                for r in rows {
                    out.push_str("<mtr>");
                    for cell in r {
                        out.push_str("<mtd>");
                        cell.mathml(out);
                        out.push_str("</mtd>");
                    }
                    out.push_str("</mtr>");
                }
                out.push_str("</mtable><mo>]</mo></mrow>");
            }
        }
    }
}

/// One line of a displayed derivation.
enum Item {
    /// Words introducing the lines that follow (`x (i = 1)`).
    Heading(String),
    /// `lhs rel rhs`, with an optional remark (`t = 1`, `effective step size`).
    Line {
        lhs: M,
        rel: &'static str,
        rhs: M,
        note: Option<String>,
    },
}

fn line(lhs: M, rel: &'static str, rhs: M) -> Item {
    Item::Line {
        lhs,
        rel,
        rhs,
        note: None,
    }
}

fn noted(item: Item, remark: impl Into<String>) -> Item {
    match item {
        Item::Line { lhs, rel, rhs, .. } => Item::Line {
            lhs,
            rel,
            rhs,
            note: Some(remark.into()),
        },
        heading => heading,
    }
}

/// `lhs = expr = value`.
fn eq(lhs: M, expr: M, value: f64) -> Item {
    line(lhs, "=", row(vec![expr, op("="), n(value)]))
}

/// `lhs ← expr = value`.
fn assign(lhs: M, expr: M, value: f64) -> Item {
    line(lhs, "←", row(vec![expr, op("="), n(value)]))
}

/// `lhs = value`.
fn eq_value(lhs: M, value: f64) -> Item {
    line(lhs, "=", n(value))
}

/// The items as one `<math display="block">` element, a table of aligned lines; cells are
/// aligned by the classes `left` and `right` (www/style.css), not by style attributes, which
/// the pages' Content-Security-Policy refuses.
fn render_mathml(items: &[Item]) -> String {
    let mut out = String::from(
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mtable displaystyle=\"true\">",
    );
    for item in items {
        match item {
            Item::Heading(words) => {
                out.push_str("<mtr><mtd columnspan=\"4\" class=\"left\">");
                element("mtext", words, &mut out);
                out.push_str("</mtd></mtr>");
            }
            Item::Line {
                lhs,
                rel,
                rhs,
                note,
            } => {
                out.push_str("<mtr><mtd class=\"right\">");
                lhs.mathml(&mut out);
                out.push_str("</mtd><mtd>");
                element("mo", rel, &mut out);
                out.push_str("</mtd><mtd class=\"left\">");
                rhs.mathml(&mut out);
                out.push_str("</mtd><mtd class=\"left\">");
                if let Some(note) = note {
                    element("mtext", &format!("({note})"), &mut out);
                }
                out.push_str("</mtd></mtr>");
            }
        }
    }
    out.push_str("</mtable></math>");
    out
}

/// The items as plain text, one line each.
fn render_text(items: &[Item]) -> String {
    let lines: Vec<String> = items
        .iter()
        .map(|item| match item {
            Item::Heading(words) => words.clone(),
            Item::Line {
                lhs,
                rel,
                rhs,
                note,
            } => {
                let mut s = format!("{} {rel} {}", lhs.text(), rhs.text());
                if let Some(note) = note {
                    s.push_str("   (");
                    s.push_str(note);
                    s.push(')');
                }
                s
            }
        })
        .collect();
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Rules

/// A configuration's values, flags and symbols, looked up by name (every name used here is
/// one of that kind's own, so the lookups cannot fail).
struct Params<'a>(&'a RunConfig);

impl Params<'_> {
    fn val(&self, name: &str) -> f64 {
        self.0.get(name).unwrap_or(f64::NAN)
    }

    fn flag(&self, name: &str) -> bool {
        self.0.get_flag(name).unwrap_or(false)
    }

    fn sym(&self, name: &str) -> M {
        id(self.0.param(name).map_or(name, |p| p.symbol))
    }

    /// Momentum μ of the SGD family (0 for plain gradient descent).
    fn sgd_momentum(&self) -> f64 {
        match self.0.kind {
            OptimizerKind::Momentum | OptimizerKind::Nesterov => self.val("momentum"),
            _ => 0.0,
        }
    }

    /// Dampening τ of the SGD family (Nesterov has none).
    fn sgd_dampening(&self) -> f64 {
        match self.0.kind {
            OptimizerKind::Momentum => self.val("dampening"),
            _ => 0.0,
        }
    }

    /// L2 weight decay λ added to the gradient (0 where the kind decays otherwise or not).
    fn l2(&self) -> f64 {
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
fn bias(beta: M) -> M {
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
/// momentum run with μ = 0 is plain gradient descent): see the [module](self) documentation.
/// An invalid configuration still gets its rule, written with whatever values it holds.
pub fn rule_mathml(config: &RunConfig) -> String {
    render_mathml(&rule_items(config))
}

/// The same rule as [`rule_mathml`], as plain text, one line of the rule per line
/// (for example `m̂ ← m/(1 − β₁ᵗ)`, `θ ← θ − ηm̂/(√v̂ + ε)`).
pub fn rule_text(config: &RunConfig) -> String {
    render_text(&rule_items(config))
}

// ---------------------------------------------------------------------------------------------
// Explaining one step

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
    /// [`Optimizer::state`](crate::optim::Optimizer::state) reports it.
    pub state_after: Vec<StateVar>,
    /// The step's formulas with the numbers in, as one MathML `<math display="block">`
    /// element: the point, the gradient (with its noise and clipping), η, then for each
    /// coordinate the rule's lines, each as `symbol = numbers = result`, ending with the
    /// effective step size for the adaptive methods. The rule itself is [`rule_mathml`].
    pub mathml: String,
    /// The same as [`mathml`](Explanation::mathml), as plain text, one formula per line (for
    /// screen readers and tests), numbers written by [`format_number`].
    pub text: String,
}

/// The error for a step that the run never reaches because it diverged at step `k`.
fn diverged(step: usize, k: usize, what: &str) -> ConfigError {
    let last = if k == 0 {
        "it has no step at all".to_owned()
    } else {
        format!("its last point is point {}", k - 1)
    };
    ConfigError::Conflict(format!(
        "cannot explain step {step}: the run diverged at step {k} ({what}), so {last}"
    ))
}

/// Explains step `step` (≥ 1) of the run of `spec` from `start` on `surface`: the step from
/// point `step − 1` to point `step` of the trajectory that [`crate::run::simulate`] computes.
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
/// [`ConfigError::Conflict`] with a message that says which.
pub fn explain(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    step: usize,
) -> Result<Explanation, ConfigError> {
    // The very stepping loop `simulate` runs, so every number is the trajectory's own.
    let mut stepper = Stepper::new(surface, spec, start)?;
    if step == 0 {
        return Err(ConfigError::Conflict(
            "cannot explain step 0: point 0 is the start point, which no step leads to; steps \
             are numbered from 1 (step k goes from point k − 1 to point k)"
                .into(),
        ));
    }
    if step > MAX_STEPS {
        return Err(ConfigError::Conflict(format!(
            "cannot explain step {step}: it is past the end of the run (runs are simulated for \
             at most {MAX_STEPS} steps)"
        )));
    }
    let base_lr = spec.optimizer.lr();
    let halted = |h: Halt| diverged(step, h.k, h.reason);
    for _ in 1..step {
        stepper.step().map_err(halted)?;
    }
    let before = stepper.optimizer().state();
    let s = stepper.step().map_err(halted)?;
    let after = stepper.optimizer().state();
    let before = initial_state(&spec.optimizer, before, &after);
    let st = Step {
        p: Params(&spec.optimizer),
        step: s.k,
        lr: s.lr,
        theta: s.theta,
        grad: s.shaped.grad,
        after_theta: s.next,
        before: &before,
        after: &after,
        hessian: s.hessian.as_ref(),
    };
    let items = step_items(&st, spec, base_lr, &s.shaped);
    Ok(Explanation {
        step: s.k,
        lr: s.lr,
        theta_before: s.theta,
        grad: s.shaped.grad,
        theta_after: s.next,
        mathml: render_mathml(&items),
        text: render_text(&items),
        state_before: before,
        state_after: after,
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
                clr / (s.sqrt() + eps),
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
            let delta = (u0 + eps).sqrt() / (v + eps).sqrt() * g;
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
                out.push(effective(
                    dot(vec![self.sym("lr"), ci(id("l"), i), id("r")]),
                    dot(vec![n(self.lr), n(l), n(rect)]),
                    self.lr * l * rect,
                ));
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
