//! The walk through the course (`course.html`): one section per topic of the course notes, each
//! with the notes' formula in the notes' symbols (θ, η, γ for momentum, ∇J(θ), m̂, v̂, ε where
//! the notes put it), a question for the class to predict, its choices, the answer with a short
//! why, and the link that opens optiviz paused on the scene that answers it.
//!
//! This module holds the walk's structure: the topics in order, each one's formula (MathML,
//! the same in every language), which choice is right and the scene that answers. The words
//! are in the page's catalogues ([`crate::i18n`]) under `course.<topic>.<field>`
//! ([`Topic::key`], every one listed by [`keys`]); [`walk`] puts structure and words together in
//! one language. `tests/course.rs` checks that every topic has its words in both languages and
//! that every link is one the pages read without a problem.

use serde::Serialize;

use crate::i18n;
pub use crate::i18n::Lang;

/// Where a section's link leads: a story of the surface page or a scene of the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    /// `index.html?story=ID` ([`crate::state::presets`]).
    Story(&'static str),
    /// `lab.html?scene=ID` ([`crate::state::lab_scenes`]).
    Lab(&'static str),
}

impl Scene {
    /// The page the link opens: `index.html` or `lab.html`.
    pub fn page(self) -> &'static str {
        match self {
            Scene::Story(_) => "index.html",
            Scene::Lab(_) => "lab.html",
        }
    }

    /// The link's query (without `?`), carrying the language on: `story=ID&lang=zh`.
    pub fn query(self, lang: Lang) -> String {
        match self {
            Scene::Story(id) => format!("story={id}&lang={}", lang.code()),
            Scene::Lab(id) => format!("scene={id}&lang={}", lang.code()),
        }
    }

    /// The story's or scene's id.
    pub fn id(self) -> &'static str {
        match self {
            Scene::Story(id) | Scene::Lab(id) => id,
        }
    }
}

/// How many choices each question offers.
pub const CHOICES: usize = 3;

/// The words of a topic, by the last part of their catalogue key: the heading, the question,
/// each choice, and why the right one is right.
pub const FIELDS: [&str; 3 + CHOICES] = [
    "title", "question", "choice.1", "choice.2", "choice.3", "why",
];

/// One topic of the course notes.
#[derive(Clone, Copy, Debug)]
pub struct Topic {
    /// Identifier (the section's anchor, `course.html#momentum`, and its catalogue keys).
    pub id: &'static str,
    /// The notes' formula(s), as one MathML `<math display="block">` element (the same in both
    /// languages).
    pub formula: fn() -> String,
    /// Which of the [`CHOICES`] choices is right (0-based).
    pub answer: usize,
    /// The scene that answers the question.
    pub scene: Scene,
}

impl Topic {
    /// The catalogue key of this topic's `field` (one of [`FIELDS`]): `course.<id>.<field>`.
    pub fn key(&self, field: &str) -> String {
        format!("course.{}.{field}", self.id)
    }

    /// This topic's `field` (one of [`FIELDS`]) in `lang`; empty where the catalogues lack it
    /// (which `tests/course.rs` keeps from happening).
    pub fn words(&self, lang: Lang, field: &str) -> &'static str {
        i18n::lookup(lang, &self.key(field)).unwrap_or("")
    }
}
// ---------------------------------------------------------------------------------------------
// MathML, written directly (MathML Core elements only, as `core::explain` writes them).

fn mi(s: &str) -> String {
    format!("<mi>{s}</mi>")
}
fn mo(s: &str) -> String {
    format!("<mo>{s}</mo>")
}
fn mn(s: &str) -> String {
    format!("<mn>{s}</mn>")
}
fn row(parts: &[String]) -> String {
    format!("<mrow>{}</mrow>", parts.concat())
}
fn sub(base: String, index: String) -> String {
    format!("<msub>{base}{index}</msub>")
}
fn sup(base: String, exponent: String) -> String {
    format!("<msup>{base}{exponent}</msup>")
}
fn subsup(base: String, index: String, exponent: String) -> String {
    format!("<msubsup>{base}{index}{exponent}</msubsup>")
}
fn frac(a: String, b: String) -> String {
    format!("<mfrac>{a}{b}</mfrac>")
}
fn sqrt(x: String) -> String {
    format!("<msqrt>{x}</msqrt>")
}
fn hat(x: String) -> String {
    format!("<mover accent=\"true\">{x}<mo>\u{2c6}</mo></mover>")
}
fn paren(x: String) -> String {
    row(&[mo("("), x, mo(")")])
}
/// Juxtaposition (`η∇J`): the invisible times.
fn times() -> String {
    "<mo>&#x2062;</mo>".into()
}
/// `x_t`, `x_{t−1}`, `x_{t+1}`.
fn at(x: &str, index: &str) -> String {
    let i = match index {
        "t-1" => row(&[mi("t"), mo("−"), mn("1")]),
        "t+1" => row(&[mi("t"), mo("+"), mn("1")]),
        i if i.chars().all(|c| c.is_ascii_digit()) => mn(i),
        i => mi(i),
    };
    sub(mi(x), i)
}
/// `∇J(θ_t)`.
fn grad() -> String {
    row(&[mo("∇"), mi("J"), paren(at("θ", "t"))])
}
/// `∑_{i=1}^{m}` or `∑_{i∈B}`.
fn sum(from: String, to: Option<String>) -> String {
    match to {
        Some(to) => format!("<munderover><mo>∑</mo>{from}{to}</munderover>"),
        None => format!("<munder><mo>∑</mo>{from}</munder>"),
    }
}
/// A formula of one or more lines, each left-aligned.
fn block(lines: &[String]) -> String {
    let mut out = String::from(
        "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mtable displaystyle=\"true\">",
    );
    for line in lines {
        out.push_str("<mtr><mtd class=\"left\">");
        out.push_str(line);
        out.push_str("</mtd></mtr>");
    }
    out.push_str("</mtable></math>");
    out
}
/// `θ_{t+1} = θ_t − <step>`.
fn theta_update(step: String) -> String {
    row(&[at("θ", "t+1"), mo("="), at("θ", "t"), mo("−"), step])
}

fn f_gradient_descent() -> String {
    block(&[theta_update(row(&[mi("η"), times(), grad()]))])
}

fn f_batches() -> String {
    let mean = row(&[
        frac(mn("1"), row(&[mo("|"), mi("B"), mo("|")])),
        sum(row(&[mi("i"), mo("∈"), mi("B")]), None),
        row(&[mo("∇"), sub(mi("J"), mi("i")), paren(at("θ", "t"))]),
    ]);
    block(&[theta_update(row(&[mi("η"), times(), mean]))])
}

fn f_momentum() -> String {
    block(&[
        row(&[
            at("v", "t"),
            mo("="),
            mi("γ"),
            times(),
            at("v", "t-1"),
            mo("+"),
            mi("η"),
            times(),
            grad(),
        ]),
        row(&[at("θ", "t+1"), mo("="), at("θ", "t"), mo("−"), at("v", "t")]),
    ])
}

/// `θ_{t+1} = θ_t − η/(√acc + ε) · ∇J(θ_t)`.
fn scaled_step(acc: String) -> String {
    theta_update(row(&[
        frac(mi("η"), row(&[sqrt(acc), mo("+"), mi("ε")])),
        times(),
        grad(),
    ]))
}

fn f_adagrad() -> String {
    block(&[
        row(&[
            at("G", "t"),
            mo("="),
            at("G", "t-1"),
            mo("+"),
            sup(grad(), mn("2")),
        ]),
        scaled_step(at("G", "t")),
    ])
}

fn f_rmsprop() -> String {
    block(&[
        row(&[
            at("v", "t"),
            mo("="),
            mi("ρ"),
            times(),
            at("v", "t-1"),
            mo("+"),
            paren(row(&[mn("1"), mo("−"), mi("ρ")])),
            times(),
            sup(grad(), mn("2")),
        ]),
        scaled_step(at("v", "t")),
    ])
}

fn f_adam() -> String {
    let beta = |k: &str| sub(mi("β"), mn(k));
    let corrected = |x: &str, k: &str| {
        row(&[
            sub(hat(mi(x)), mi("t")),
            mo("="),
            frac(
                at(x, "t"),
                row(&[mn("1"), mo("−"), subsup(mi("β"), mn(k), mi("t"))]),
            ),
        ])
    };
    block(&[
        row(&[
            at("m", "t"),
            mo("="),
            beta("1"),
            times(),
            at("m", "t-1"),
            mo("+"),
            paren(row(&[mn("1"), mo("−"), beta("1")])),
            times(),
            grad(),
        ]),
        row(&[
            at("v", "t"),
            mo("="),
            beta("2"),
            times(),
            at("v", "t-1"),
            mo("+"),
            paren(row(&[mn("1"), mo("−"), beta("2")])),
            times(),
            sup(grad(), mn("2")),
        ]),
        corrected("m", "1"),
        corrected("v", "2"),
        theta_update(row(&[
            frac(
                mi("η"),
                row(&[sqrt(sub(hat(mi("v")), mi("t"))), mo("+"), mi("ε")]),
            ),
            times(),
            sub(hat(mi("m")), mi("t")),
        ])),
    ])
}

fn f_decay() -> String {
    let floor = row(&[mo("⌊"), frac(mi("t"), mi("s")), mo("⌋")]);
    block(&[
        row(&[
            at("η", "t"),
            mo("="),
            at("η", "0"),
            mo("·"),
            sup(mi("r"), floor),
        ]),
        theta_update(row(&[at("η", "t"), times(), grad()])),
    ])
}

fn f_clipping() -> String {
    let norm = row(&[mo("‖"), at("g", "t"), mo("‖")]);
    block(&[
        row(&[at("g", "t"), mo("="), grad()]),
        row(&[
            at("g", "t"),
            mo("←"),
            row(&[
                mi("min"),
                paren(row(&[mn("1"), mo(","), frac(mi("c"), norm)])),
            ]),
            times(),
            at("g", "t"),
        ]),
        theta_update(row(&[mi("η"), times(), at("g", "t")])),
    ])
}

fn f_losses() -> String {
    let n_sum = sum(row(&[mi("i"), mo("="), mn("1")]), Some(mi("n")));
    block(&[
        row(&[
            mi("MSE"),
            mo("="),
            frac(mn("1"), mi("n")),
            n_sum.clone(),
            sup(
                paren(row(&[at("y", "i"), mo("−"), sub(hat(mi("y")), mi("i"))])),
                mn("2"),
            ),
        ]),
        row(&[
            mi("CE"),
            mo("="),
            mo("−"),
            n_sum,
            at("y", "i"),
            times(),
            mi("log"),
            paren(sub(hat(mi("y")), mi("i"))),
        ]),
    ])
}

fn f_linear() -> String {
    let m_sum = sum(row(&[mi("i"), mo("="), mn("1")]), Some(mi("m")));
    let residual = row(&[
        mn("2"),
        paren(row(&[
            at("w", "t"),
            times(),
            at("x", "i"),
            mo("+"),
            mi("b"),
            mo("−"),
            at("y", "i"),
        ])),
    ]);
    block(&[
        row(&[
            at("w", "t+1"),
            mo("="),
            at("w", "t"),
            mo("−"),
            mi("η"),
            times(),
            frac(mn("1"), mi("m")),
            m_sum.clone(),
            residual.clone(),
            times(),
            at("x", "i"),
        ]),
        row(&[
            at("b", "t+1"),
            mo("="),
            at("b", "t"),
            mo("−"),
            mi("η"),
            times(),
            frac(mn("1"), mi("m")),
            m_sum,
            residual,
        ]),
    ])
}

fn f_backprop() -> String {
    let d = |top: String, bottom: String| frac(row(&[mo("∂"), top]), row(&[mo("∂"), bottom]));
    block(&[row(&[
        d(mi("J"), at("w", "j")),
        mo("="),
        sum(row(&[mi("i"), mo("="), mn("1")]), Some(mi("n"))),
        d(mi("J"), at("z", "i")),
        times(),
        d(at("z", "i"), at("w", "j")),
    ])])
}

fn f_regularization() -> String {
    let j_sum = |x: String| row(&[sum(mi("j"), None), x]);
    block(&[row(&[
        mi("J"),
        paren(mi("θ")),
        mo("="),
        mi("MSE"),
        mo("+"),
        sub(mi("λ"), mn("1")),
        j_sum(row(&[mo("|"), at("θ", "j"), mo("|")])),
        mo("+"),
        sub(mi("λ"), mn("2")),
        j_sum(sup(at("θ", "j"), mn("2"))),
    ])])
}

fn f_generalization() -> String {
    let loss = |set: &str| {
        row(&[
            sub(mi("J"), mi(set)),
            paren(mi("θ")),
            mo("="),
            frac(mn("1"), sub(mi("n"), mi(set))),
            sum(row(&[mi("i"), mo("∈"), mi(set)]), None),
            mi("ℓ"),
            paren(row(&[sub(hat(mi("y")), mi("i")), mo(","), at("y", "i")])),
        ])
    };
    block(&[loss("train"), loss("val")])
}

// ---------------------------------------------------------------------------------------------

/// Every topic, in the order the walk takes them.
pub const TOPICS: [Topic; 13] = [
    Topic {
        id: "learning-rate",
        formula: f_gradient_descent,
        answer: 1,
        scene: Scene::Story("too-large"),
    },
    Topic {
        id: "batch-sizes",
        formula: f_batches,
        answer: 1,
        scene: Scene::Lab("batch-sizes"),
    },
    Topic {
        id: "momentum",
        formula: f_momentum,
        answer: 0,
        scene: Scene::Story("ill-conditioned-bowl"),
    },
    Topic {
        id: "adagrad",
        formula: f_adagrad,
        answer: 1,
        scene: Scene::Story("adagrad-rmsprop"),
    },
    Topic {
        id: "rmsprop",
        formula: f_rmsprop,
        answer: 1,
        scene: Scene::Story("adagrad-rmsprop"),
    },
    Topic {
        id: "adam",
        formula: f_adam,
        answer: 2,
        scene: Scene::Story("bias-correction"),
    },
    Topic {
        id: "lr-decay",
        formula: f_decay,
        answer: 1,
        scene: Scene::Story("lr-decay"),
    },
    Topic {
        id: "clipping",
        formula: f_clipping,
        answer: 1,
        scene: Scene::Story("gradient-clipping"),
    },
    Topic {
        id: "losses",
        formula: f_losses,
        answer: 1,
        scene: Scene::Lab("mse-vs-cross-entropy"),
    },
    Topic {
        id: "linear-regression",
        formula: f_linear,
        answer: 1,
        scene: Scene::Lab("feature-scaling"),
    },
    Topic {
        id: "backprop",
        formula: f_backprop,
        answer: 1,
        scene: Scene::Lab("xor-network"),
    },
    Topic {
        id: "regularization",
        formula: f_regularization,
        answer: 1,
        scene: Scene::Lab("overfitting"),
    },
    Topic {
        id: "generalization",
        formula: f_generalization,
        answer: 1,
        scene: Scene::Lab("network-overfits"),
    },
];

/// Every catalogue key of the walk's topics, `course.<topic>.<field>` (the page's own words,
/// `course.page.*`, are asked for by name where they are used).
pub fn keys() -> Vec<String> {
    TOPICS
        .iter()
        .flat_map(|topic| FIELDS.map(|field| topic.key(field)))
        .collect()
}

/// One section as the page shows it, in one language.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// The topic's id (the section's anchor).
    pub id: &'static str,
    /// The heading.
    pub title: &'static str,
    /// The formula as MathML.
    pub formula: String,
    /// The question.
    pub question: &'static str,
    /// The choices.
    pub choices: Vec<&'static str>,
    /// The right choice (0-based).
    pub answer: usize,
    /// Why.
    pub why: &'static str,
    /// The link: `index.html?story=…&lang=…` or `lab.html?scene=…&lang=…`.
    pub href: String,
    /// The link's words.
    pub open: &'static str,
}

/// The walk's sections in one language (the page's own words around them are the
/// catalogue's `course.page.*`, which the page fills in itself).
#[derive(Clone, Debug, Serialize)]
pub struct Walk {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// Every section, in order.
    pub sections: Vec<Section>,
}

/// The walk in `lang`.
pub fn walk(lang: Lang) -> Walk {
    let sections = TOPICS
        .iter()
        .map(|topic| Section {
            id: topic.id,
            title: topic.words(lang, "title"),
            formula: (topic.formula)(),
            question: topic.words(lang, "question"),
            choices: FIELDS[2..2 + CHOICES]
                .iter()
                .map(|field| topic.words(lang, field))
                .collect(),
            answer: topic.answer,
            why: topic.words(lang, "why"),
            href: format!("{}?{}", topic.scene.page(), topic.scene.query(lang)),
            open: match topic.scene {
                Scene::Story(_) => i18n::text(lang, "course.page.open_surface"),
                Scene::Lab(_) => i18n::text(lang, "course.page.open_lab"),
            },
        })
        .collect();
    Walk {
        lang: lang.code(),
        sections,
    }
}

/// The longest `lang=` value read from a link: longer ones are cut to this many characters
/// before they are named in the problem (no language code is that long).
pub const MAX_LANG_CHARS: usize = 16;

/// The course page's state as its link holds it: only the language (`?lang=zh`); without
/// one the page follows the browser. Every other part of the link is left alone (a section
/// is chosen by the address's `#anchor`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoursePage {
    /// The language the link chose, if it did.
    pub lang: Option<Lang>,
}

impl CoursePage {
    /// The page of link query `query` (with or without `?`), and each problem with its
    /// `lang=` value (the value named, with the allowed ones). A bad value is left out and
    /// the page follows the browser; of several `lang=`, the last that reads wins.
    pub fn read_query(query: &str) -> (CoursePage, Vec<crate::error::Error>) {
        let mut page = CoursePage::default();
        let mut problems = Vec::new();
        for (key, value) in crate::state::query::split_query_keeping(query) {
            if key != "lang" {
                continue;
            }
            let read = value.and_then(|v| {
                let v: String = v.chars().take(MAX_LANG_CHARS).collect();
                Lang::from_code(&v)
            });
            match read {
                Ok(lang) => page.lang = Some(lang),
                Err(e) => problems.push(e),
            }
        }
        (page, problems)
    }

    /// The page as a link query (without `?`): `lang=zh`, or empty when the link chose no
    /// language.
    pub fn to_query(&self) -> String {
        self.lang
            .map_or_else(String::new, |l| format!("lang={}", l.code()))
    }
}
