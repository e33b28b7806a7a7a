//! Formulas f(x, y) a user types: parsed with located errors, evaluated over any `Real`.
//!
//! A formula is read by [`parse`] into an [`Expr`] tree, which evaluates over any [`Real`]
//! (values, gradients in lanes, Hessians) and writes itself back in a canonical text form.
//!
//! # The language
//!
//! ```text
//! sum     := product (('+' | '-') product)*
//! product := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := atom ('^' unary)?
//! atom    := number | 'x' | 'y' | 'pi' | 'e' | function '(' sum (',' sum)* ')' | '(' sum ')'
//! ```
//!
//! - **Numbers**: `2`, `1.5`, `.5`, `3.`, `1.5e-3`, `2E6`; a number whose value is not a finite
//!   `f64` (`1e999`) is refused. A number is never negative: `-2` is minus applied to `2`.
//! - **Names** are case-sensitive and lower-case: the variables `x` and `y`, the constants `pi`
//!   and `e`, and the functions [`Func1`] (`sin cos tan exp ln log sqrt abs tanh sinh cosh`, one
//!   argument; `log` is the natural logarithm, the same as `ln`) and [`Func2`] (`min max`, two
//!   arguments separated by a comma). `X`, `Sin` or `PI` are unknown names.
//! - **Operators**: `+ - * / ^`. `^` binds tighter than a sign and is right-associative, so
//!   `-x^2` is `-(x^2)` and `2^3^2` is `2^9`; an exponent may carry a sign (`x^-2`). `*` and `/`,
//!   `+` and `-` are left-associative. There is no implicit multiplication: `2x` and `(x)(y)`
//!   are errors that say to write `*`.
//! - Pasted symbols are read as their ASCII forms: `−` (U+2212) as `-`, `×` and `·` as `*`,
//!   `÷` as `/`, `π` as `pi`. Whitespace (any Unicode white space) may appear anywhere between
//!   tokens.
//!
//! # Errors and limits
//!
//! [`parse`] never panics and runs in time linear in its input. An error ([`ExprError`]) says
//! what is wrong and where, as a 1-based character column: `unexpected ')' at column 7`,
//! `unknown name 'z' at column 5 (allowed: x, y, pi, e)`; where a text has several, the first
//! in reading order. Input longer than [`MAX_CHARS`] characters is refused before it is read;
//! nesting (parentheses, function calls, signs and exponents) deeper than [`MAX_DEPTH`] is
//! refused where it happens, before the parser recurses any deeper. So every tree [`parse`]
//! returns is shallow, and is evaluated, printed, compared and dropped without deep recursion
//! (the deepest fit in a 512 KiB stack, unoptimized). Sums and products of many terms do not
//! nest: each is one node ([`Expr::Sum`], [`Expr::Product`]) with its terms in a list.
//!
//! # Evaluation
//!
//! [`Expr::eval`] is generic over [`Real`], exactly as [`crate::core::surface::Surface::eval`]: plain
//! `f64` for values, [`crate::core::dual::Lanes`] for gradients at many points at once, num-dual's
//! second-order duals for Hessians. A power whose exponent does not depend on `x` or `y` uses
//! [`Real::powi`] when the exponent is an integer of magnitude at most [`MAX_POWI`], and
//! [`Real::powf`] otherwise (so `x^2` is defined, with its derivative, for negative `x`); an
//! exponent that depends on `x` or `y` uses [`Real::pow`]. Where the formula is undefined
//! (`ln(-1)`, `1/0`, `(-8)^(1/3)`) the value is NaN or infinite: [`Expr::is_finite_at`] tells.
//!
//! # The canonical text form
//!
//! [`Expr`]'s `Display` (and so `to_string`) writes the tree in one stable ASCII form that
//! [`parse`] reads back to an equal tree: numbers in Rust's shortest round-trip form (plain from
//! 1e-4 to below 1e6, as `0.5` or `20000`, scientific otherwise, as `1e-5` or `2.5e6`), `+` and
//! `-` between spaces, `*`, `/` and `^` without, `-x` for a sign (`x*-y`, `x^-2`, `x - -y`),
//! `sin(x)` and `max(x, y)` for calls, `ln` for `log`, `pi` for `π`, no unary `+`, and
//! parentheses only where the tree needs them. For example `(1−x)^2 + 100·(y − x^2)^2` is
//! written `(1 - x)^2 + 100*(y - x^2)^2`. Only the characters `0-9 a-z . + - * / ^ ( ) ,` and
//! space appear in it. It is never nested deeper than the text it was read from, and a text
//! whose canonical form would be longer than [`MAX_CHARS`] is refused, so every formula
//! [`parse`] returns can be written out and read back.

use crate::core::dual::Real;
use crate::err;
use crate::error::Error;
use std::f64::consts::{E, PI};
use std::fmt;
use std::str::FromStr;

/// The most characters (Unicode scalar values, not bytes) a formula may have, as typed and
/// in its canonical form (so that every formula read can be written out and read back).
pub const MAX_CHARS: usize = 1000;

/// The deepest nesting a formula may have, counting each parenthesis, function call, sign
/// (`-`, `+`) and exponent (`^`) that encloses a part of it: `sin(-(x^2))` nests 4 deep at `2`.
/// Sums and products do not count: `x + x + … + x` nests 0 deep however long.
pub const MAX_DEPTH: usize = 64;

/// The largest magnitude of a constant integer exponent evaluated by [`Real::powi`]; beyond,
/// [`Real::powf`] (num-dual's `powi` multiplies the exponent by itself for higher derivatives,
/// which must stay within `i32`).
pub const MAX_POWI: i32 = 1024;

/// Why a formula could not be read: what and where (`error.formula.…`), and the 1-based
/// character column it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    /// What is wrong, with its place: `unknown function 'sine' at column 1 (allowed: sin, …)`.
    pub error: Error,
    /// The 1-based character column the error points at: the offending token's first
    /// character; one past the last character where the formula ends too early; `1` for an
    /// empty formula; `MAX_CHARS + 1` for one too long (as typed or written out).
    pub column: usize,
}

impl ExprError {
    fn new(column: usize, error: Error) -> Self {
        ExprError { error, column }
    }
}

impl fmt::Display for ExprError {
    /// The message, in the thread's language (as [`Error`] displays).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl From<ExprError> for Error {
    fn from(e: ExprError) -> Error {
        e.error
    }
}

impl std::error::Error for ExprError {}

/// A function of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func1 {
    /// `sin`.
    Sin,
    /// `cos`.
    Cos,
    /// `tan`.
    Tan,
    /// `exp`.
    Exp,
    /// `ln`, the natural logarithm (also read as `log`).
    Ln,
    /// `sqrt`.
    Sqrt,
    /// `abs`; its derivative at 0 is 0 ([`Real::abs`]).
    Abs,
    /// `tanh`.
    Tanh,
    /// `sinh`.
    Sinh,
    /// `cosh`.
    Cosh,
}

impl Func1 {
    /// Every function of one argument, in the order error messages list them.
    pub const ALL: [Func1; 10] = [
        Func1::Sin,
        Func1::Cos,
        Func1::Tan,
        Func1::Exp,
        Func1::Ln,
        Func1::Sqrt,
        Func1::Abs,
        Func1::Tanh,
        Func1::Sinh,
        Func1::Cosh,
    ];

    /// The name the canonical form writes.
    pub fn name(self) -> &'static str {
        match self {
            Func1::Sin => "sin",
            Func1::Cos => "cos",
            Func1::Tan => "tan",
            Func1::Exp => "exp",
            Func1::Ln => "ln",
            Func1::Sqrt => "sqrt",
            Func1::Abs => "abs",
            Func1::Tanh => "tanh",
            Func1::Sinh => "sinh",
            Func1::Cosh => "cosh",
        }
    }

    /// The function applied to `a`.
    pub fn apply<D: Real>(self, a: &D) -> D {
        match self {
            Func1::Sin => a.sin(),
            Func1::Cos => a.cos(),
            Func1::Tan => a.tan(),
            Func1::Exp => a.exp(),
            Func1::Ln => a.ln(),
            Func1::Sqrt => a.sqrt(),
            Func1::Abs => a.abs(),
            Func1::Tanh => a.tanh(),
            Func1::Sinh => a.sinh(),
            Func1::Cosh => a.cosh(),
        }
    }
}

/// A function of two arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func2 {
    /// `min(a, b)`: the smaller, with its derivative ([`Real::min`]).
    Min,
    /// `max(a, b)`: the larger, with its derivative ([`Real::max`]).
    Max,
}

impl Func2 {
    /// Every function of two arguments.
    pub const ALL: [Func2; 2] = [Func2::Min, Func2::Max];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Func2::Min => "min",
            Func2::Max => "max",
        }
    }

    /// The function applied to `a` and `b`.
    pub fn apply<D: Real>(self, a: &D, b: D) -> D {
        match self {
            Func2::Min => a.min(b),
            Func2::Max => a.max(b),
        }
    }
}

/// `+` or `-` between the terms of a [`Expr::Sum`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
}

/// `*` or `/` between the factors of a [`Expr::Product`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulOp {
    /// `*`.
    Mul,
    /// `/`.
    Div,
}

/// A formula `f(x, y)` as a tree.
///
/// [`parse`] builds only trees in which every [`Expr::Num`] is finite and not negative (its
/// sign is an [`Expr::Neg`]), every [`Expr::Sum`] and [`Expr::Product`] has at least one
/// operator, and no sum's first term is a sum nor a product's first factor a product
/// (`(a + b) + c` is read as `a + b + c`, which evaluates in the same order); on such trees
/// `parse(&e.to_string()) == Ok(e)`. A tree built by hand that breaks
/// these rules still evaluates, but its text form may read back differently or not at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// The variable `x`.
    X,
    /// The variable `y`.
    Y,
    /// The constant `pi` (π).
    Pi,
    /// The constant `e` (Euler's number).
    E,
    /// `-a`.
    Neg(Box<Expr>),
    /// `first ± term ± term …`, evaluated left to right.
    Sum(Box<Expr>, Vec<(AddOp, Expr)>),
    /// `first ×/÷ factor ×/÷ factor …`, evaluated left to right.
    Product(Box<Expr>, Vec<(MulOp, Expr)>),
    /// `base ^ exponent`.
    Pow(Box<Expr>, Box<Expr>),
    /// `f(a)`.
    Call1(Func1, Box<Expr>),
    /// `f(a, b)`.
    Call2(Func2, Box<Expr>, Box<Expr>),
}

/// Reads a formula; the error says what is wrong and at which column (see the module's
/// documentation for the language and its limits).
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(ExprError::new(
            MAX_CHARS + 1,
            err!("error.formula.too_long", chars = chars, max = MAX_CHARS),
        ));
    }
    // Tokens up to the first character that is none: the parser reports whatever is wrong
    // before it, and that character's error where it reaches it, so the error a user sees is
    // always the first in reading order.
    let (tokens, lex_error) = lex(text);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        depth: 0,
        end_column: chars + 1,
        lex_error,
    };
    if tokens.is_empty() {
        return Err(p
            .lex_error
            .unwrap_or_else(|| ExprError::new(1, err!("error.formula.empty"))));
    }
    let e = p.sum()?;
    if p.peek().is_some() {
        return Err(p.after_operand(None));
    }
    if let Some(e) = p.lex_error {
        return Err(e);
    }
    // The canonical form is never deeper than the text it came from (it writes only the
    // parentheses the tree needs, which the text had), but it may be longer (`x-y` is
    // `x - y`, `π` is `pi`, `1e5` is `100000`): held to the same limit, so that every formula
    // read can be written out and read back.
    let canonical = e.to_string().len();
    if canonical > MAX_CHARS {
        return Err(ExprError::new(
            MAX_CHARS + 1,
            Error::new("error.formula.too_long_canonical")
                .with("chars", canonical)
                .with("max", MAX_CHARS),
        ));
    }
    Ok(e)
}

impl FromStr for Expr {
    type Err = ExprError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl Expr {
    /// Reads a formula: [`parse`].
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        parse(text)
    }

    /// The degree of `f` as a polynomial in `x` and `y`, or `None` when it is not written as
    /// one. Read from the tree, not from samples: sums, products, quotients by constants,
    /// negation and powers to whole constant exponents (0 to 64) of polynomials are
    /// polynomials; a function, a `min`/`max` or a quotient by anything holding `x` or `y` is
    /// not, unless it holds neither (a constant, degree 0). `x*y` has degree 2, `(x + 1)^2`
    /// degree 2, `x^2 + sin(1)*y` degree 2, `x/y` and `sqrt(x^2)` none. A degree of at most 2
    /// means a constant Hessian: [`crate::core::compare::quadratic_theory`] applies.
    pub fn polynomial_degree(&self) -> Option<u32> {
        // A constant subtree is degree 0 whatever it holds.
        let constant = |e: &Expr| e.polynomial_degree() == Some(0);
        match self {
            Expr::Num(_) | Expr::Pi | Expr::E => Some(0),
            Expr::X | Expr::Y => Some(1),
            Expr::Neg(a) => a.polynomial_degree(),
            Expr::Sum(first, rest) => rest
                .iter()
                .try_fold(first.polynomial_degree()?, |d, (_, t)| {
                    Some(d.max(t.polynomial_degree()?))
                }),
            Expr::Product(first, rest) => {
                rest.iter()
                    .try_fold(first.polynomial_degree()?, |d, (op, t)| match op {
                        MulOp::Mul => d.checked_add(t.polynomial_degree()?),
                        MulOp::Div => constant(t).then_some(d),
                    })
            }
            Expr::Pow(base, exponent) => {
                let d = base.polynomial_degree()?;
                if d == 0 {
                    return constant(exponent).then_some(0);
                }
                if !constant(exponent) {
                    return None;
                }
                let n = exponent.eval(0.0_f64, 0.0_f64);
                (n.fract() == 0.0 && (0.0..=64.0).contains(&n)).then(|| d * n as u32)
            }
            Expr::Call1(_, a) => constant(a).then_some(0),
            Expr::Call2(_, a, b) => (constant(a) && constant(b)).then_some(0),
        }
    }

    /// `f(x, y)` over any [`Real`]: `f64` for the value, [`crate::core::dual::Lanes`] for gradients,
    /// num-dual's duals for Hessians, as [`crate::core::surface::Surface::eval`].
    pub fn eval<D: Real>(&self, x: D, y: D) -> D {
        self.eval_at(&x, &y)
    }

    /// The recursion of [`Expr::eval`]. Each kind of node has its own function, and the
    /// arithmetic is in functions of its own too, out of line in unoptimized builds: so a
    /// level's frame holds only the values of that node's parts, and the deepest formulas fit
    /// a small stack even there (see `the_deepest_formulas_fit_a_small_stack` in
    /// `tests/expr.rs`).
    fn eval_at<D: Real>(&self, x: &D, y: &D) -> D {
        match self {
            Expr::Num(c) => D::constant(*c),
            Expr::X => x.clone(),
            Expr::Y => y.clone(),
            Expr::Pi => D::constant(PI),
            Expr::E => D::constant(E),
            Expr::Neg(a) => eval_neg(a, x, y),
            Expr::Sum(first, rest) => eval_sum(first, rest, x, y),
            Expr::Product(first, rest) => eval_product(first, rest, x, y),
            Expr::Pow(base, exponent) => eval_pow(base, exponent, x, y),
            Expr::Call1(f, a) => eval_call1(*f, a, x, y),
            Expr::Call2(f, a, b) => eval_call2(*f, a, b, x, y),
        }
    }

    /// The value of a number or a named constant.
    fn literal(&self) -> Option<f64> {
        match self {
            Expr::Num(c) => Some(*c),
            Expr::Pi => Some(PI),
            Expr::E => Some(E),
            _ => None,
        }
    }

    /// The value of a part that depends on neither `x` nor `y`.
    fn constant(&self) -> Option<f64> {
        match self.literal() {
            Some(c) => Some(c),
            None if !self.depends_on_xy() => Some(self.eval(0.0, 0.0)),
            None => None,
        }
    }

    /// Whether the formula mentions `x` or `y` (a constant formula draws a flat surface).
    pub fn depends_on_xy(&self) -> bool {
        match self {
            Expr::X | Expr::Y => true,
            Expr::Num(_) | Expr::Pi | Expr::E => false,
            Expr::Neg(a) | Expr::Call1(_, a) => a.depends_on_xy(),
            Expr::Pow(a, b) | Expr::Call2(_, a, b) => a.depends_on_xy() || b.depends_on_xy(),
            Expr::Sum(first, rest) => {
                first.depends_on_xy() || rest.iter().any(|(_, t)| t.depends_on_xy())
            }
            Expr::Product(first, rest) => {
                first.depends_on_xy() || rest.iter().any(|(_, t)| t.depends_on_xy())
            }
        }
    }

    /// What evaluating the formula once costs, in units of one Rosenbrock evaluation (at least
    /// 1): each operation weighted by what it costs against an addition (1), a transcendental
    /// function 10, a power by a non-integer or a variable 12 (by an integer 2), a division 2;
    /// Rosenbrock's `(1 - x)^2 + 100*(y - x^2)^2` weighs 10. A prediction to plan work by (how
    /// many pixels a heatmap can afford in a frame), not a measurement.
    pub fn cost(&self) -> f64 {
        (self.weight() / 10.0).max(1.0)
    }

    /// The summed operation weights of [`Expr::cost`].
    fn weight(&self) -> f64 {
        match self {
            Expr::Num(_) | Expr::X | Expr::Y | Expr::Pi | Expr::E => 0.0,
            Expr::Neg(a) => 1.0 + a.weight(),
            Expr::Sum(first, rest) => {
                first.weight() + rest.iter().map(|(_, t)| 1.0 + t.weight()).sum::<f64>()
            }
            Expr::Product(first, rest) => {
                let op = |op: &MulOp| if *op == MulOp::Div { 2.0 } else { 1.0 };
                first.weight() + rest.iter().map(|(o, t)| op(o) + t.weight()).sum::<f64>()
            }
            Expr::Pow(base, exponent) => {
                let integer = exponent.constant().is_some_and(|c| c.fract() == 0.0);
                (if integer { 2.0 } else { 12.0 }) + base.weight() + exponent.weight()
            }
            Expr::Call1(f, a) => {
                let w = match f {
                    Func1::Abs => 1.0,
                    Func1::Sqrt => 3.0,
                    _ => 10.0,
                };
                w + a.weight()
            }
            Expr::Call2(_, a, b) => 1.0 + a.weight() + b.weight(),
        }
    }

    /// Whether `f(p)` is a finite number (not NaN, not infinite): false where the formula is
    /// undefined, as `ln(x)` for `x ≤ 0` or `1/x` at 0.
    pub fn is_finite_at(&self, p: [f64; 2]) -> bool {
        self.eval(p[0], p[1]).is_finite()
    }

    /// How tightly the canonical form binds this node: 1 sum, 2 product, 3 sign, 4 power,
    /// 5 an atom (number, name, call).
    fn precedence(&self) -> u8 {
        match self {
            Expr::Sum(..) => 1,
            Expr::Product(..) => 2,
            Expr::Neg(_) => 3,
            Expr::Num(c) if c.is_sign_negative() => 3,
            Expr::Pow(..) => 4,
            _ => 5,
        }
    }

    /// Writes this node, in parentheses unless its precedence is at least `min`.
    fn write(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            f.write_str("(")?;
            self.write(f, 0)?;
            return f.write_str(")");
        }
        match self {
            Expr::Num(c) => f.write_str(&number(*c)),
            Expr::X => f.write_str("x"),
            Expr::Y => f.write_str("y"),
            Expr::Pi => f.write_str("pi"),
            Expr::E => f.write_str("e"),
            Expr::Neg(a) => {
                f.write_str("-")?;
                a.write(f, 3)
            }
            Expr::Sum(first, rest) => {
                first.write(f, 2)?;
                for (op, t) in rest {
                    f.write_str(match op {
                        AddOp::Add => " + ",
                        AddOp::Sub => " - ",
                    })?;
                    t.write(f, 2)?;
                }
                Ok(())
            }
            Expr::Product(first, rest) => {
                first.write(f, 3)?;
                for (op, t) in rest {
                    f.write_str(match op {
                        MulOp::Mul => "*",
                        MulOp::Div => "/",
                    })?;
                    t.write(f, 3)?;
                }
                Ok(())
            }
            Expr::Pow(base, exponent) => {
                base.write(f, 5)?;
                f.write_str("^")?;
                exponent.write(f, 3)
            }
            Expr::Call1(func, a) => {
                write!(f, "{}(", func.name())?;
                a.write(f, 0)?;
                f.write_str(")")
            }
            Expr::Call2(func, a, b) => {
                write!(f, "{}(", func.name())?;
                a.write(f, 0)?;
                f.write_str(", ")?;
                b.write(f, 0)?;
                f.write_str(")")
            }
        }
    }
}

// The nodes of `Expr::eval_at`, one function each, and their arithmetic, one operation each.

#[cfg_attr(debug_assertions, inline(never))]
fn eval_neg<D: Real>(a: &Expr, x: &D, y: &D) -> D {
    negate(a.eval_at(x, y))
}

#[cfg_attr(debug_assertions, inline(never))]
fn eval_sum<D: Real>(first: &Expr, rest: &[(AddOp, Expr)], x: &D, y: &D) -> D {
    let mut acc = first.eval_at(x, y);
    for (op, t) in rest {
        acc = match t.literal() {
            Some(c) => add_constant(acc, *op, c),
            None => add(acc, *op, t.eval_at(x, y)),
        };
    }
    acc
}

#[cfg_attr(debug_assertions, inline(never))]
fn eval_product<D: Real>(first: &Expr, rest: &[(MulOp, Expr)], x: &D, y: &D) -> D {
    let mut acc = first.eval_at(x, y);
    for (op, t) in rest {
        acc = match t.literal() {
            Some(c) => multiply_constant(acc, *op, c),
            None => multiply(acc, *op, t.eval_at(x, y)),
        };
    }
    acc
}

#[cfg_attr(debug_assertions, inline(never))]
fn eval_pow<D: Real>(base: &Expr, exponent: &Expr, x: &D, y: &D) -> D {
    let b = base.eval_at(x, y);
    match exponent.constant() {
        Some(c) => power_constant(b, c),
        None => power(b, exponent.eval_at(x, y)),
    }
}

#[cfg_attr(debug_assertions, inline(never))]
fn eval_call1<D: Real>(f: Func1, a: &Expr, x: &D, y: &D) -> D {
    apply1(f, a.eval_at(x, y))
}

#[cfg_attr(debug_assertions, inline(never))]
fn eval_call2<D: Real>(f: Func2, a: &Expr, b: &Expr, x: &D, y: &D) -> D {
    let a = a.eval_at(x, y);
    apply2(f, a, b.eval_at(x, y))
}

#[cfg_attr(debug_assertions, inline(never))]
fn negate<D: Real>(a: D) -> D {
    -a
}

#[cfg_attr(debug_assertions, inline(never))]
fn add<D: Real>(a: D, op: AddOp, b: D) -> D {
    match op {
        AddOp::Add => a + b,
        AddOp::Sub => a - b,
    }
}

#[cfg_attr(debug_assertions, inline(never))]
fn add_constant<D: Real>(a: D, op: AddOp, c: f64) -> D {
    match op {
        AddOp::Add => a + c,
        AddOp::Sub => a - c,
    }
}

#[cfg_attr(debug_assertions, inline(never))]
fn multiply<D: Real>(a: D, op: MulOp, b: D) -> D {
    match op {
        MulOp::Mul => a * b,
        MulOp::Div => a / b,
    }
}

#[cfg_attr(debug_assertions, inline(never))]
fn multiply_constant<D: Real>(a: D, op: MulOp, c: f64) -> D {
    match op {
        MulOp::Mul => a * c,
        MulOp::Div => a / c,
    }
}

/// `bᶜ` for a constant `c`: [`Real::powi`] for an integer of magnitude at most [`MAX_POWI`],
/// [`Real::powf`] otherwise.
#[cfg_attr(debug_assertions, inline(never))]
fn power_constant<D: Real>(b: D, c: f64) -> D {
    if c.fract() == 0.0 && c.abs() <= f64::from(MAX_POWI) {
        b.powi(c as i32)
    } else {
        b.powf(c)
    }
}

#[cfg_attr(debug_assertions, inline(never))]
fn power<D: Real>(b: D, exponent: D) -> D {
    b.pow(exponent)
}

#[cfg_attr(debug_assertions, inline(never))]
fn apply1<D: Real>(f: Func1, a: D) -> D {
    f.apply(&a)
}

#[cfg_attr(debug_assertions, inline(never))]
fn apply2<D: Real>(f: Func2, a: D, b: D) -> D {
    f.apply(&a, b)
}

/// The canonical text form (see the module's documentation): stable, ASCII, and read back by
/// [`parse`] to an equal tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

/// `v` in Rust's shortest round-trip form: plain from 1e-4 to below 1e6, scientific otherwise
/// (part of the canonical form: kept here, not shared with messages, so that it never moves).
fn number(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e6).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Num(f64),
    /// A name, as written (`π` already as `pi`).
    Name(String),
    Plus,
    Minus,
    Times,
    Divide,
    Caret,
    Open,
    Close,
    Comma,
}

/// A token, its 1-based column and its text as typed (for messages).
#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    column: usize,
    text: String,
}

impl Token {
    /// Whether this token can start an operand (a number, a name, a parenthesis).
    fn starts_operand(&self) -> bool {
        matches!(self.kind, Kind::Num(_) | Kind::Name(_) | Kind::Open)
    }
}

/// Splits `text` into tokens, up to the first character that starts none (or a number too
/// large to be an `f64`), and that character's error, which the parser reports when it gets
/// there.
fn lex(text: &str) -> (Vec<Token>, Option<ExprError>) {
    let mut tokens = Vec::new();
    let error = lex_into(text, &mut tokens).err();
    (tokens, error)
}

fn lex_into(text: &str, tokens: &mut Vec<Token>) -> Result<(), ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let single = |kind| Token {
            kind,
            column,
            text: c.to_string(),
        };
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '+' => single(Kind::Plus),
            '-' | '−' => single(Kind::Minus),
            '*' | '×' | '·' => single(Kind::Times),
            '/' | '÷' => single(Kind::Divide),
            '^' => single(Kind::Caret),
            '(' => single(Kind::Open),
            ')' => single(Kind::Close),
            ',' => single(Kind::Comma),
            'π' => single(Kind::Name("pi".into())),
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let (token, len) = number_token(&chars[i..], column)?;
                i += len;
                tokens.push(token);
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                let name: String = chars[i..i + len].iter().collect();
                i += len;
                tokens.push(Token {
                    kind: Kind::Name(name.clone()),
                    column,
                    text: name,
                });
                continue;
            }
            c => {
                let error = match c {
                    '²' | '³' => Error::new("error.formula.character_power"),
                    '√' => Error::new("error.formula.character_sqrt"),
                    '[' | ']' | '{' | '}' => Error::new("error.formula.character_group"),
                    '=' => Error::new("error.formula.character_equation"),
                    _ => Error::new("error.formula.character"),
                };
                let error = error.with("char", c.escape_debug()).with("column", column);
                return Err(ExprError::new(column, error));
            }
        };
        tokens.push(token);
        i += 1;
    }
    Ok(())
}

/// The number at the start of `chars` (which starts with a digit, or a point and a digit) and
/// how many characters it takes: digits, an optional point and digits, an optional exponent
/// (`e` or `E`, an optional sign, digits).
fn number_token(chars: &[char], column: usize) -> Result<(Token, usize), ExprError> {
    let digits = |from: usize| {
        chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut len = digits(0);
    if chars.get(len) == Some(&'.') {
        len += 1 + digits(len + 1);
    }
    if matches!(chars.get(len), Some('e' | 'E')) {
        let sign = usize::from(matches!(chars.get(len + 1), Some('+' | '-' | '−')));
        let exponent = digits((len + 1 + sign).min(chars.len()));
        if exponent > 0 {
            len += 1 + sign + exponent;
        }
    }
    let text: String = chars[..len].iter().collect();
    let value = text.replace('−', "-").parse::<f64>().map_err(|_| {
        ExprError::new(
            column,
            Error::new("error.formula.unreadable_number")
                .with("text", &text)
                .with("column", column),
        )
    })?;
    if !value.is_finite() {
        return Err(ExprError::new(
            column,
            Error::new("error.formula.number_too_large")
                .with("text", &text)
                .with("column", column),
        ));
    }
    Ok((
        Token {
            kind: Kind::Num(value),
            column,
            text,
        },
        len,
    ))
}

/// The names a formula may use, for messages.
const VARIABLES: &str = "x, y, pi, e";

fn functions_list() -> String {
    let mut names: Vec<&str> = Func1::ALL.iter().map(|f| f.name()).collect();
    names.insert(
        names.iter().position(|n| *n == "ln").unwrap_or(0) + 1,
        "log",
    );
    names.extend(Func2::ALL.iter().map(|f| f.name()));
    names.join(", ")
}

fn func1(name: &str) -> Option<Func1> {
    if name == "log" {
        return Some(Func1::Ln);
    }
    Func1::ALL.into_iter().find(|f| f.name() == name)
}

fn func2(name: &str) -> Option<Func2> {
    Func2::ALL.into_iter().find(|f| f.name() == name)
}

/// Whether `name` is known once written in lower case but not as written: the messages then
/// say that names are lower-case.
fn wrong_case(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let known = func1(&lower).is_some()
        || func2(&lower).is_some()
        || matches!(lower.as_str(), "x" | "y" | "pi" | "e");
    lower != name && known
}

#[cold]
#[inline(never)]
fn too_deep(column: usize) -> ExprError {
    ExprError::new(
        column,
        err!("error.formula.too_deep", column = column, max = MAX_DEPTH),
    )
}

#[cold]
#[inline(never)]
fn unknown_function(name: &str, column: usize) -> ExprError {
    ExprError::new(
        column,
        if wrong_case(name) {
            Error::new("error.formula.unknown_function_case")
        } else {
            Error::new("error.formula.unknown_function")
        }
        .with("name", name)
        .with("column", column)
        .with("allowed", functions_list()),
    )
}

#[cold]
#[inline(never)]
fn arity_error(name: &str, wanted: usize, count: usize, column: usize) -> ExprError {
    ExprError::new(
        column,
        if wanted == 1 {
            Error::new("error.formula.arity_one")
        } else {
            Error::new("error.formula.arity_many")
        }
        .with("wanted", wanted)
        .with("name", name)
        .with("count", count)
        .with("column", column),
    )
}

/// A recursive-descent parser over the tokens, one method per rule of the grammar.
struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    /// How many parentheses, calls, signs and exponents enclose the current position.
    depth: usize,
    /// The column one past the last character.
    end_column: usize,
    /// The error of the character the tokens stop before, if they stop early: what the
    /// parser reports when it reaches the end of the tokens.
    lex_error: Option<ExprError>,
}

type Parsed = Result<Expr, ExprError>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next_kind(&self) -> Option<&Kind> {
        self.peek().map(|t| &t.kind)
    }

    /// One level deeper, for the token at `column`; refused beyond [`MAX_DEPTH`].
    fn enter(&mut self, column: usize) -> Result<(), ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(column));
        }
        self.depth += 1;
        Ok(())
    }

    fn sum(&mut self) -> Parsed {
        let first = self.product()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.next_kind() {
                Some(Kind::Plus) => AddOp::Add,
                Some(Kind::Minus) => AddOp::Sub,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.product()?));
        }
        Ok(match first {
            _ if rest.is_empty() => first,
            // `(a + b) + c`: one sum, which evaluates in the same order.
            Expr::Sum(head, mut terms) => {
                terms.extend(rest);
                Expr::Sum(head, terms)
            }
            first => Expr::Sum(Box::new(first), rest),
        })
    }

    fn product(&mut self) -> Parsed {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.next_kind() {
                Some(Kind::Times) => MulOp::Mul,
                Some(Kind::Divide) => MulOp::Div,
                _ => break,
            };
            self.pos += 1;
            rest.push((op, self.unary()?));
        }
        Ok(match first {
            _ if rest.is_empty() => first,
            // `(a*b)*c`: one product, which evaluates in the same order.
            Expr::Product(head, mut factors) => {
                factors.extend(rest);
                Expr::Product(head, factors)
            }
            first => Expr::Product(Box::new(first), rest),
        })
    }

    fn unary(&mut self) -> Parsed {
        let (negative, column) = match self.peek() {
            Some(t) if t.kind == Kind::Minus => (true, t.column),
            Some(t) if t.kind == Kind::Plus => (false, t.column),
            _ => return self.power(),
        };
        self.enter(column)?;
        self.pos += 1;
        let a = self.unary()?;
        self.depth -= 1;
        Ok(if negative { Expr::Neg(Box::new(a)) } else { a })
    }

    fn power(&mut self) -> Parsed {
        let base = self.atom()?;
        match self.peek() {
            Some(t) if t.kind == Kind::Caret => {
                self.enter(t.column)?;
                self.pos += 1;
                let exponent = self.unary()?;
                self.depth -= 1;
                Ok(Expr::Pow(Box::new(base), Box::new(exponent)))
            }
            _ => Ok(base),
        }
    }

    fn atom(&mut self) -> Parsed {
        let Some(t) = self.peek() else {
            return Err(self.expected_operand());
        };
        let column = t.column;
        match &t.kind {
            Kind::Num(v) => {
                let v = *v;
                self.pos += 1;
                Ok(Expr::Num(v))
            }
            Kind::Name(name) => {
                let name = name.clone();
                self.pos += 1;
                if self.next_kind() == Some(&Kind::Open) {
                    self.call(&name, column)
                } else {
                    self.name(&name, column)
                }
            }
            Kind::Open => self.group(column),
            _ => Err(self.expected_operand()),
        }
    }

    /// A parenthesized part; the current token is its '(', at `column`.
    fn group(&mut self, column: usize) -> Parsed {
        self.enter(column)?;
        self.pos += 1;
        let e = self.sum()?;
        match self.next_kind() {
            Some(Kind::Close) => self.pos += 1,
            _ => return Err(self.after_operand(Some(column))),
        }
        self.depth -= 1;
        Ok(e)
    }

    /// The error where an operand should start but the current token (or the end) cannot.
    /// (Errors are built out of line, here and below, so that their temporaries stay out of
    /// the recursion's frames.)
    #[cold]
    #[inline(never)]
    fn expected_operand(&self) -> ExprError {
        let Some(t) = self.peek() else {
            if let Some(e) = &self.lex_error {
                return e.clone();
            }
            let column = self.end_column;
            let error = match self.previous() {
                Some(prev) => err!("error.formula.end_after", column = column, prev = prev),
                None => err!("error.formula.end_at_start", column = column),
            };
            return ExprError::new(column, error);
        };
        let column = t.column;
        let error = if t.kind == Kind::Times
            && self.pos > 0
            && self.tokens[self.pos - 1].kind == Kind::Times
        {
            Error::new("error.formula.operand_power")
        } else {
            match self.previous() {
                Some(prev) => Error::new("error.formula.operand_after").with("prev", prev),
                None => Error::new("error.formula.operand_at_start"),
            }
        };
        ExprError::new(column, error.with("token", &t.text).with("column", column))
    }

    /// The text of the token before the current position; `None` at the start.
    fn previous(&self) -> Option<&str> {
        let prev = self.pos.checked_sub(1).map(|i| &self.tokens[i]);
        prev.map(|t| t.text.as_str())
    }

    /// A variable or constant named `name` (already consumed) at `column`.
    fn name(&mut self, name: &str, column: usize) -> Parsed {
        match name {
            "x" => Ok(Expr::X),
            "y" => Ok(Expr::Y),
            "pi" => Ok(Expr::Pi),
            "e" => Ok(Expr::E),
            _ if func1(name).is_some() => Err(ExprError::new(
                column,
                Error::new("error.formula.needs_parens_one")
                    .with("name", name)
                    .with("column", column),
            )),
            _ if func2(name).is_some() => Err(ExprError::new(
                column,
                Error::new("error.formula.needs_parens_two")
                    .with("name", name)
                    .with("column", column),
            )),
            _ => Err(ExprError::new(
                column,
                if wrong_case(name) {
                    Error::new("error.formula.unknown_name_case")
                } else {
                    Error::new("error.formula.unknown_name")
                }
                .with("name", name)
                .with("column", column)
                .with("allowed", VARIABLES),
            )),
        }
    }

    /// A call of the function `name` at `column`; the current token is its '('.
    fn call(&mut self, name: &str, column: usize) -> Parsed {
        let (f1, f2) = (func1(name), func2(name));
        if f1.is_none() && f2.is_none() {
            if matches!(name, "x" | "y" | "pi" | "e") {
                // A variable or constant followed by '(': a missing '*'.
                return Err(self.after_operand(None));
            }
            return Err(unknown_function(name, column));
        }
        let open = self.tokens[self.pos].column;
        self.enter(open)?;
        self.pos += 1;
        let mut args = Vec::new();
        if self.next_kind() == Some(&Kind::Close) {
            self.pos += 1;
        } else {
            loop {
                args.push(self.sum()?);
                match self.next_kind() {
                    Some(Kind::Comma) => self.pos += 1,
                    Some(Kind::Close) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.after_operand(Some(open))),
                }
            }
        }
        self.depth -= 1;
        let count = args.len();
        let mut args = args.into_iter().map(Box::new);
        match (f1, f2, args.next(), args.next()) {
            (Some(f), _, Some(a), None) => Ok(Expr::Call1(f, a)),
            (None, Some(f), Some(a), Some(b)) if count == 2 => Ok(Expr::Call2(f, a, b)),
            _ => Err(arity_error(
                name,
                if f1.is_some() { 1 } else { 2 },
                count,
                column,
            )),
        }
    }

    /// The error for what follows a complete operand where the formula should end (`open` is
    /// `None`) or go on to the ')' of the '(' at column `open`: a missing operator, a stray ')'
    /// or ',', or the end before the ')'.
    #[cold]
    #[inline(never)]
    fn after_operand(&self, open: Option<usize>) -> ExprError {
        let Some(t) = self.peek() else {
            if let Some(e) = &self.lex_error {
                return e.clone();
            }
            let open = open.unwrap_or(1);
            return ExprError::new(open, err!("error.formula.missing_close", column = open));
        };
        let column = t.column;
        if t.starts_operand() && self.pos > 0 {
            let prev = &self.tokens[self.pos - 1];
            let simple = |t: &Token| matches!(t.kind, Kind::Num(_) | Kind::Name(_));
            let error = if simple(prev) && simple(t) {
                Error::new("error.formula.missing_operator_write")
            } else {
                Error::new("error.formula.missing_operator")
            };
            let error = error
                .with("prev", &prev.text)
                .with("token", &t.text)
                .with("column", column);
            return ExprError::new(column, error);
        }
        let error = match (&t.kind, open) {
            (Kind::Close, None) => Error::new("error.formula.unexpected_close"),
            (Kind::Comma, None) => Error::new("error.formula.unexpected_comma_decimal"),
            (Kind::Comma, Some(_)) => Error::new("error.formula.unexpected_comma"),
            _ => Error::new("error.formula.unexpected"),
        };
        ExprError::new(column, error.with("token", &t.text).with("column", column))
    }
}
