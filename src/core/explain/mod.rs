//! "Explain this step": each optimizer's update rule as MathML, and one step of a run with its
//! numbers substituted into that rule, so that a student can check the step by hand.
//!
//! - [`rule_mathml`] writes the exact rule a [`RunConfig`](crate::core::optim::RunConfig) runs, as a
//!   MathML `<math display="block">` element (one `<mtable>` row per line of the rule), and
//!   [`rule_text`] the same rule as plain text.
//! - [`explain_gradient`] explains one training step of a regression lab model: the gradient
//!   on the step's batch as the course notes write it, with the batch's numbers in, and for the
//!   network backpropagation layer by layer.
//! - [`explain`] replays a run exactly as [`crate::core::run::simulate`] does (same gradient, noise,
//!   clipping, schedule and Hessian) up to the step asked for, and returns an [`Explanation`]:
//!   the numbers before and after the step, the optimizer's state
//!   ([`StateVar`](crate::core::optim::StateVar)) around it, and the rule's lines with those numbers
//!   in, as MathML and as plain text; for the adaptive methods also how the step scaled each
//!   coordinate ([`Scaling`]: the accumulated squares, the denominator dᵢ and the rate η/dᵢ),
//!   which [`scaling_at`] gives alone for the step overlay to draw.
//!
//! Each is written in torch.optim's symbols, or ([`rule_mathml_in`], [`explain_in`]) in the
//! course notes' ([`Notation`]: the loss J, momentum's γ, and a sentence where the notes' form
//! of momentum differs from torch's, given in the reader's language as [`NotesWords`]).
//!
//! Conventions, the same for every optimizer:
//! - The symbols are those of [`crate::core::optim::HyperParam::symbol`] (η, μ, τ, λ, β₁, β₂, ε, α,
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

mod format;
mod gradient;
mod math;
mod notation;
mod rules;
mod step;

pub use format::format_number;
pub use gradient::{GradientExplanation, explain_gradient};
pub use notation::{Notation, NotesWords};
pub use rules::{rule_mathml, rule_mathml_in, rule_text, rule_text_in};
pub use step::{Explanation, Scaling, explain, explain_in, scaling_at};
