//! The notation a rule is written in: torch.optim's symbols, or the course notes' (the loss
//! J, momentum's γ), and what the notes' form of momentum changes.

use super::math::{Item, M};
use super::rules::Params;
use crate::core::optim::RunConfig;
use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};

/// How the update rules and "explain this step" are written.
///
/// - [`Notation::Torch`]: torch.optim's documentation's symbols: the objective f, the gradient
///   g = ∇f(θ), momentum μ with the buffer b.
/// - [`Notation::Notes`]: the course notes' symbols: the loss J, so the gradient is ∇J(θ), and
///   momentum's factor γ. The notes write momentum with the learning rate inside the velocity,
///   v ← γv + η∇J(θ), θ ← θ − v: that is the run's *textbook momentum* flag, whose rule is then
///   the notes' exactly; torch's form (b ← γb + g, θ ← θ − ηb) is said to differ, and how.
///   Everything else (θ, η, β₁, β₂, m̂, v̂, ε outside the square root) is written alike in both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Notation {
    /// torch.optim's symbols (the default).
    #[default]
    Torch,
    /// The course notes' symbols.
    Notes,
}

impl Notation {
    /// Every notation, in the order the page offers them.
    pub const ALL: [Notation; 2] = [Notation::Torch, Notation::Notes];

    /// The notation's id in a link (`notation=notes`).
    pub fn id(self) -> &'static str {
        match self {
            Notation::Torch => "torch",
            Notation::Notes => "notes",
        }
    }

    /// The notation whose id is `id`; the error names the allowed values.
    pub fn parse(id: &str) -> Result<Notation, Error> {
        Notation::ALL
            .into_iter()
            .find(|n| n.id() == id)
            .ok_or_else(|| err!("error.link.notation", value = id))
    }
}

/// The words a rule written in the course notes' notation adds, in the reader's language. The
/// core writes none of them itself: the page's catalogue holds them (`notation.torch_momentum`,
/// handed over by `crate::state::words::notes_words`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotesWords<'a> {
    /// The sentence under a momentum rule written in the notes' symbols in torch's form,
    /// saying how the notes' momentum differs from it; nothing is said when it is empty.
    pub torch_momentum: &'a str,
}

/// `items` (written in torch's symbols) in `notation`, for the run `config`, with `words`
/// where the notes' form differs.
pub(super) fn written_in(
    items: Vec<Item>,
    notation: Notation,
    config: &RunConfig,
    words: NotesWords<'_>,
) -> Vec<Item> {
    if notation == Notation::Torch {
        return items;
    }
    // Momentum's μ, as the rule itself decides it (0 for every other kind).
    let momentum = Params(config).sgd_momentum() != 0.0;
    let mut out: Vec<Item> = items
        .into_iter()
        .map(|item| match item {
            Item::Line {
                lhs,
                rel,
                rhs,
                note,
            } => Item::Line {
                lhs: in_notes(lhs, momentum),
                rel,
                rhs: in_notes(rhs, momentum),
                note,
            },
            heading => heading,
        })
        .collect();
    let torch_form = momentum && !config.get_flag("classical").unwrap_or(false);
    if torch_form && !words.torch_momentum.is_empty() {
        out.push(Item::Heading(words.torch_momentum.to_owned()));
    }
    out
}

/// `m` in the notes' symbols: the objective f is the loss J; with `momentum`, μ is γ.
fn in_notes(m: M, momentum: bool) -> M {
    let map = |b: Box<M>| Box::new(in_notes(*b, momentum));
    match m {
        M::Id(s) if s == "f" => M::Id("J".to_owned()),
        M::Id(s) if momentum && s == "μ" => M::Id("γ".to_owned()),
        M::Row(items) => M::Row(items.into_iter().map(|i| in_notes(i, momentum)).collect()),
        M::Frac(a, b) => M::Frac(map(a), map(b)),
        M::Sqrt(a) => M::Sqrt(map(a)),
        M::Sub(a, b) => M::Sub(map(a), map(b)),
        M::Sup(a, b) => M::Sup(map(a), map(b)),
        M::Accent(a, accent) => M::Accent(map(a), accent),
        M::Paren(a) => M::Paren(map(a)),
        M::Abs(a) => M::Abs(map(a)),
        M::Matrix(rows) => M::Matrix(
            rows.into_iter()
                .map(|r| r.into_iter().map(|c| in_notes(c, momentum)).collect())
                .collect(),
        ),
        other => other,
    }
}
