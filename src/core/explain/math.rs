//! The formula tree [`M`] with its constructors and its plain-text and MathML writers, and the
//! lines of a derivation ([`Item`]) rendered as one MathML table or as text.

use super::format::{format_number, mn};

/// An accent over a symbol.
#[derive(Clone, Copy, Debug)]
pub(super) enum Accent {
    /// `m̂`: a bias-corrected estimate.
    Hat,
    /// `ḡ`: a running mean.
    Bar,
    /// `η̃`: a modified rate.
    Tilde,
}

/// A formula, written out by [`M::text`] and [`M::mathml`].
#[derive(Clone, Debug)]
pub(super) enum M {
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
pub(super) const TIMES: &str = "\u{2062}";

// The constructors below are `#[inline(never)]`: a derivation calls them hundreds of times, and
// inlined into `step_items` and `rule_items` at opt-level 3 they cost the page's wasm 10 KiB
// gzipped (BENCHMARKS.md, "Loading"); the explanation is built once per click, not in a loop.

#[inline(never)]
pub(super) fn id(s: &str) -> M {
    M::Id(s.to_owned())
}

#[inline(never)]
pub(super) fn n(x: f64) -> M {
    M::Num(x)
}

/// A number, in parentheses when negative (after an operator or as a base).
#[inline(never)]
pub(super) fn np(x: f64) -> M {
    if x < 0.0 { paren(n(x)) } else { n(x) }
}

#[inline(never)]
pub(super) fn op(s: &'static str) -> M {
    M::Op(s)
}

#[inline(never)]
pub(super) fn row(items: Vec<M>) -> M {
    M::Row(items)
}

#[inline(never)]
pub(super) fn frac(a: M, b: M) -> M {
    M::Frac(Box::new(a), Box::new(b))
}

#[inline(never)]
pub(super) fn sqrt(x: M) -> M {
    M::Sqrt(Box::new(x))
}

#[inline(never)]
pub(super) fn sub(base: M, index: M) -> M {
    M::Sub(Box::new(base), Box::new(index))
}

#[inline(never)]
pub(super) fn sup(base: M, exponent: M) -> M {
    M::Sup(Box::new(base), Box::new(exponent))
}

#[inline(never)]
pub(super) fn hat(x: M) -> M {
    M::Accent(Box::new(x), Accent::Hat)
}

#[inline(never)]
pub(super) fn bar(x: M) -> M {
    M::Accent(Box::new(x), Accent::Bar)
}

#[inline(never)]
pub(super) fn tilde(x: M) -> M {
    M::Accent(Box::new(x), Accent::Tilde)
}

#[inline(never)]
pub(super) fn paren(x: M) -> M {
    M::Paren(Box::new(x))
}

/// `x` in parentheses when it is a sum (as a base of a power).
#[inline(never)]
pub(super) fn paren_if_row(x: M) -> M {
    if matches!(x, M::Row(_)) { paren(x) } else { x }
}

#[inline(never)]
pub(super) fn abs(x: M) -> M {
    M::Abs(Box::new(x))
}

/// Factors written side by side (`μb`, `ηg`).
#[inline(never)]
pub(super) fn jx(factors: Vec<M>) -> M {
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
#[inline(never)]
pub(super) fn dot(factors: Vec<M>) -> M {
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
#[inline(never)]
pub(super) fn one_minus(x: M) -> M {
    row(vec![n(1.0), op("−"), x])
}

/// `(a, b)`.
#[inline(never)]
pub(super) fn vector(v: [f64; 2]) -> M {
    paren(row(vec![n(v[0]), op(","), n(v[1])]))
}

/// `name(arg, …)` for a function written with a word (`max`, `sign`).
#[inline(never)]
pub(super) fn call(name: &str, args: Vec<M>) -> M {
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
#[inline(never)]
pub(super) fn nabla_f() -> M {
    row(vec![op("∇"), id("f"), paren(id("θ"))])
}

/// Operators written with a space on both sides in the text form.
pub(super) fn spaced(o: &str) -> bool {
    matches!(o, "+" | "−" | "=" | "←" | "≤" | ">" | "<" | "≥" | "≠")
}

pub(super) fn superscript(s: &str) -> Option<String> {
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

pub(super) fn subscript(s: &str) -> Option<String> {
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

pub(super) fn escape(s: &str, out: &mut String) {
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

pub(super) fn element(tag: &str, content: &str, out: &mut String) {
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
pub(super) fn split_id(s: &str) -> Option<(&str, String, &'static str)> {
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
pub(super) fn mi(s: &str, out: &mut String) {
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
    pub(super) fn text(&self) -> String {
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
    pub(super) fn mathml(&self, out: &mut String) {
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
pub(super) enum Item {
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

#[inline(never)]
pub(super) fn line(lhs: M, rel: &'static str, rhs: M) -> Item {
    Item::Line {
        lhs,
        rel,
        rhs,
        note: None,
    }
}

#[inline(never)]
pub(super) fn noted(item: Item, remark: impl Into<String>) -> Item {
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
#[inline(never)]
pub(super) fn eq(lhs: M, expr: M, value: f64) -> Item {
    line(lhs, "=", row(vec![expr, op("="), n(value)]))
}

/// `lhs ← expr = value`.
#[inline(never)]
pub(super) fn assign(lhs: M, expr: M, value: f64) -> Item {
    line(lhs, "←", row(vec![expr, op("="), n(value)]))
}

/// `lhs = value`.
#[inline(never)]
pub(super) fn eq_value(lhs: M, value: f64) -> Item {
    line(lhs, "=", n(value))
}

/// The items as one `<math display="block">` element, a table of aligned lines; cells are
/// aligned by the classes `left` and `right` (www/style.css), not by style attributes, which
/// the pages' Content-Security-Policy refuses.
pub(super) fn render_mathml(items: &[Item]) -> String {
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
pub(super) fn render_text(items: &[Item]) -> String {
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
