//! The walk through the course (`course.html`): one section per topic of the course notes, each
//! with the notes' formula in the notes' symbols (θ, η, γ for momentum, ∇J(θ), m̂, v̂, ε where
//! the notes put it), a question for the class to predict, its choices, the answer with a short
//! why, and the link that opens optiviz paused on the scene that answers it.
//!
//! Every text is written in English and Simplified Chinese side by side ([`Text`]); the page
//! asks for one language ([`walk`]). Each text has a catalogue key, `course.<topic>.<field>`
//! ([`catalogue`]), so that the texts can move into a per-language catalogue unchanged.
//! `tests/course.rs` checks that every topic has both languages in the same shape and that every
//! link is one the pages read without a problem.

use serde::Serialize;

pub use crate::i18n::Lang;

/// A text in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

const fn t(en: &'static str, zh: &'static str) -> Text {
    Text { en, zh }
}

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

/// One topic of the course notes.
#[derive(Clone, Copy, Debug)]
pub struct Topic {
    /// Identifier (the section's anchor, `course.html#momentum`, and its catalogue keys).
    pub id: &'static str,
    /// The section's heading.
    pub title: Text,
    /// The notes' formula(s), as one MathML `<math display="block">` element (the same in both
    /// languages).
    pub formula: fn() -> String,
    /// One line for the class to predict.
    pub question: Text,
    /// The choices the class picks from.
    pub choices: [Text; 3],
    /// Which of the choices is right (0-based).
    pub answer: usize,
    /// Why, in one or two sentences.
    pub why: Text,
    /// The scene that answers the question.
    pub scene: Scene,
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
        title: t("Gradient descent and the learning rate", "梯度下降与学习率"),
        formula: f_gradient_descent,
        question: t(
            "Gradient descent on the Rosenbrock valley with η = 0.001, 0.004 and 0.008: which \
             run descends, which bounces, which diverges?",
            "在 Rosenbrock 山谷上用梯度下降，学习率 η 分别取 0.001、0.004、0.008：哪个稳步下降，\
             哪个来回震荡，哪个发散？",
        ),
        choices: [
            t(
                "All three converge; the larger η just gets there sooner.",
                "三个都收敛，η 越大只是到得越快。",
            ),
            t(
                "0.001 descends, 0.004 bounces from wall to wall, 0.008 diverges.",
                "0.001 稳步下降，0.004 在两壁之间来回震荡，0.008 发散。",
            ),
            t(
                "The larger η, the lower the run ends.",
                "η 越大，最后的损失越低。",
            ),
        ],
        answer: 1,
        why: t(
            "Across the narrow valley the surface curves steeply, and a step stays stable only \
             while η is small against that curvature. At 0.004 every step overshoots to the other \
             wall; at 0.008 each overshoot is larger than the last and the run blows up within a \
             few steps.",
            "山谷横向非常陡，只有当 η 相对这一方向的曲率足够小时，每一步才是稳定的。\
             η = 0.004 时每一步都冲到对面的谷壁上；η = 0.008 时每次冲过头都比上一次更远，\
             几步之内就发散了。",
        ),
        scene: Scene::Story("too-large"),
    },
    Topic {
        id: "batch-sizes",
        title: t(
            "Batch, stochastic and mini-batch gradient descent",
            "批量、随机与小批量梯度下降",
        ),
        formula: f_batches,
        question: t(
            "The same η = 0.2 on the same 64 points, with batches of 64, 8 and 1 point: whose \
             loss falls smoothly, and whose keeps jumping?",
            "同样的 η = 0.2、同样的 64 个样本，每步分别用 64 个、8 个、1 个样本计算梯度：\
             谁的损失曲线平滑下降，谁的一直在跳？",
        ),
        choices: [
            t(
                "All three curves look alike: the batch size only changes the speed.",
                "三条曲线差不多，批量大小只影响速度。",
            ),
            t(
                "The full batch falls smoothly; the smaller the batch, the noisier the loss, \
                 which keeps jumping around the minimum.",
                "批量梯度下降平滑下降；批量越小，损失越嘈杂，在最小值附近跳个不停。",
            ),
            t(
                "The single point's loss is the smoothest, because each step is the simplest.",
                "单个样本的曲线最平滑，因为每一步最简单。",
            ),
        ],
        answer: 1,
        why: t(
            "A batch B estimates the gradient from |B| of the points: the fewer, the cheaper the \
             step and the noisier the estimate. With a fixed η the noisy steps keep the run \
             jittering around the minimum instead of settling on it.",
            "每一步只用批量 B 中的 |B| 个样本来估计梯度：样本越少，一步越省计算，估计也越嘈杂。\
             学习率固定时，这些嘈杂的步子让参数在最小值附近不停抖动，停不下来。",
        ),
        scene: Scene::Lab("batch-sizes"),
    },
    Topic {
        id: "momentum",
        title: t("Momentum", "动量法"),
        formula: f_momentum,
        question: t(
            "A bowl 50 times steeper across than along: gradient descent at its largest stable \
             η zig-zags. Momentum with γ = 0.9: faster to the bottom, slower, or the same?",
            "一个横向比纵向陡 50 倍的碗：梯度下降即使用最大的稳定学习率也在走“之”字。\
             动量因子 γ = 0.9 的动量法：更快到达谷底、更慢，还是一样？",
        ),
        choices: [
            t(
                "Faster: it needs about half the steps.",
                "更快：大约只需一半的步数。",
            ),
            t(
                "Slower: the velocity overshoots even more.",
                "更慢：速度项让它冲得更过头。",
            ),
            t(
                "The same: the gradients are the same.",
                "一样：梯度都是一样的。",
            ),
        ],
        answer: 0,
        why: t(
            "Across the bowl successive gradients point in opposite directions and cancel in v; \
             along it they point the same way and add up, so v grows to about η/(1 − γ) times \
             the gradient there.",
            "横向上前后两步的梯度方向相反，在 v 中相互抵消；纵向上方向一致，不断累加，\
             所以沿谷底的速度可以增长到梯度的大约 η/(1 − γ) 倍。",
        ),
        scene: Scene::Story("ill-conditioned-bowl"),
    },
    Topic {
        id: "adagrad",
        title: t("AdaGrad", "AdaGrad"),
        formula: f_adagrad,
        question: t(
            "AdaGrad adds up every squared gradient, and the sum only grows. Started on the \
             Rosenbrock valley's steep wall, where is it after 1500 steps?",
            "AdaGrad 把每一步梯度的平方都累加起来，这个和只增不减。从 Rosenbrock 山谷的陡壁出发，\
             1500 步之后它在哪里？",
        ),
        choices: [
            t(
                "At the minimum (1, 1), well before RMSprop.",
                "已经到了最小值 (1, 1)，比 RMSprop 还早。",
            ),
            t(
                "Still creeping along the valley floor, far from (1, 1).",
                "还在谷底慢慢爬，离 (1, 1) 很远。",
            ),
            t(
                "Gone: the wall's large gradients threw it out and it diverged.",
                "陡壁上的大梯度把它甩了出去，发散了。",
            ),
        ],
        answer: 1,
        why: t(
            "The wall's huge gradients stay in G for good, so by the time AdaGrad reaches the \
             gently sloping floor η/√G is tiny, and so are its steps.",
            "陡壁上的巨大梯度永远留在 G 里，等 AdaGrad 到了坡度平缓的谷底，η/√G 已经很小，\
             步子也就很小了。",
        ),
        scene: Scene::Story("adagrad-rmsprop"),
    },
    Topic {
        id: "rmsprop",
        title: t("RMSprop", "RMSprop"),
        formula: f_rmsprop,
        question: t(
            "RMSprop keeps a running average of the squared gradients instead of their sum \
             (ρ = 0.99). From the same steep wall: does it stall like AdaGrad?",
            "RMSprop 保存的是梯度平方的滑动平均，而不是累加和（ρ = 0.99）。从同一面陡壁出发，\
             它会像 AdaGrad 一样停滞吗？",
        ),
        choices: [
            t(
                "Yes: the wall's gradients hold it back just as long.",
                "会：陡壁上的梯度同样一直拖住它。",
            ),
            t(
                "No: the average forgets the wall, and it ends near (1, 1).",
                "不会：滑动平均会忘掉陡壁，它最后接近 (1, 1)。",
            ),
            t("It never leaves the wall.", "它根本离不开陡壁。"),
        ],
        answer: 1,
        why: t(
            "Each step multiplies the old average by ρ, so a gradient from k steps ago weighs \
             ρᵏ: after 500 steps the wall's share is below 1%, and the steps are about η long \
             again (ρ is torch's alpha).",
            "每一步旧的平均值都乘以 ρ，k 步以前的梯度权重只剩 ρᵏ：500 步之后陡壁的影响不到 1%，\
             步长又回到约 η（ρ 即 torch 中的 alpha）。",
        ),
        scene: Scene::Story("adagrad-rmsprop"),
    },
    Topic {
        id: "adam",
        title: t("Adam and its bias correction", "Adam 与偏差修正"),
        formula: f_adam,
        question: t(
            "Adam's m and v start at 0. Without the bias correction (m̂, v̂), is its first step \
             smaller than η, equal to η, or larger?",
            "Adam 的 m 和 v 都从 0 开始。如果不做偏差修正（不用 m̂、v̂），第一步比 η 小、\
             等于 η，还是比 η 大？",
        ),
        choices: [
            t(
                "Smaller: averages that start at 0 are small.",
                "更小：从 0 开始的平均值很小。",
            ),
            t("Exactly η.", "正好等于 η。"),
            t("About 3.2 times larger than η.", "大约是 η 的 3.2 倍。"),
        ],
        answer: 2,
        why: t(
            "After one step m = (1 − β₁)g and v = (1 − β₂)g², so the uncorrected step is \
             η(1 − β₁)/√(1 − β₂) ≈ 3.16η; dividing by 1 − β₁ᵗ and 1 − β₂ᵗ makes the first step η.",
            "第一步后 m = (1 − β₁)g，v = (1 − β₂)g²，不修正的步长是 η(1 − β₁)/√(1 − β₂) ≈ 3.16η；\
             分别除以 1 − β₁ᵗ 和 1 − β₂ᵗ 之后，第一步正好是 η。",
        ),
        scene: Scene::Story("bias-correction"),
    },
    Topic {
        id: "lr-decay",
        title: t("Learning-rate decay", "学习率衰减"),
        formula: f_decay,
        question: t(
            "Noisy gradients on a bowl, both runs at η = 0.05; one halves η every 100 steps \
             (s = 100, r = 0.5). Which one ends closer to the bottom?",
            "碗形曲面上梯度带噪声，两条轨迹的 η 都是 0.05，其中一条每 100 步把 η 减半\
             （s = 100，r = 0.5）。哪一条最后离谷底更近？",
        ),
        choices: [
            t(
                "The constant η: its steps stay large, so it gets further.",
                "学习率不变的：步子一直大，走得更远。",
            ),
            t(
                "The decayed η: its bounce around the bottom shrinks.",
                "学习率衰减的：它在谷底附近的跳动越来越小。",
            ),
            t(
                "Neither: the noise decides, not η.",
                "都一样：结果由噪声决定，与 η 无关。",
            ),
        ],
        answer: 1,
        why: t(
            "With noisy gradients a constant η keeps the run bouncing at a distance set by η \
             times the noise. Halving η shrinks the bounce, and the early large steps have \
             already brought the run near the bottom.",
            "梯度有噪声时，学习率不变的轨迹始终在一个由 η 与噪声大小决定的范围内跳动。\
             把 η 减半就缩小了跳动，而前期的大步子已经把它带到了谷底附近。",
        ),
        scene: Scene::Story("lr-decay"),
    },
    Topic {
        id: "clipping",
        title: t("Gradient clipping", "梯度裁剪"),
        formula: f_clipping,
        question: t(
            "On the Rosenbrock valley's steep wall the gradient is about 1700 long. η = 0.002, \
             plain or with the gradient clipped to norm c = 10: which run survives?",
            "在 Rosenbrock 山谷的陡壁上，梯度的长度约为 1700。η = 0.002，不裁剪与把梯度范数\
             裁剪到 c = 10：哪一个不会发散？",
        ),
        choices: [
            t("Both: η = 0.002 is small.", "都能：η = 0.002 已经很小了。"),
            t(
                "Only the clipped one; the plain one diverges.",
                "只有裁剪的那个；不裁剪的发散了。",
            ),
            t(
                "Only the plain one: clipping makes the steps too small to get anywhere.",
                "只有不裁剪的：裁剪后步子太小，走不到哪里去。",
            ),
        ],
        answer: 1,
        why: t(
            "The plain first step is η·1700 ≈ 3.5 long and lands on a steeper wall, each step \
             longer than the last. Clipped, no step is longer than η·c = 0.02, and the run walks \
             down the wall and along the valley.",
            "不裁剪时第一步长约 η·1700 ≈ 3.5，落到更陡的谷壁上，之后一步比一步长。\
             裁剪后每一步都不超过 η·c = 0.02，它沿着谷壁走下来，再沿山谷前进。",
        ),
        scene: Scene::Story("gradient-clipping"),
    },
    Topic {
        id: "losses",
        title: t("Mean squared error and cross-entropy", "均方误差与交叉熵"),
        formula: f_losses,
        question: t(
            "Logistic regression started confidently wrong, trained by the squared error or by \
             cross-entropy: which gets 90% of the points right first?",
            "逻辑回归从“自信地错”的参数出发，分别用均方误差和交叉熵训练：\
             哪个先把 90% 的点分对？",
        ),
        choices: [
            t("The squared error.", "均方误差。"),
            t(
                "Cross-entropy, within 10 steps; the squared error needs over 100.",
                "交叉熵，10 步以内；均方误差要 100 步以上。",
            ),
            t("Both at the same step.", "两者同时。"),
        ],
        answer: 1,
        why: t(
            "The squared error's gradient carries the factor σ′(z) = p(1 − p), nearly 0 when p \
             is near 0 or 1, so confident mistakes hardly move the weights; the cross-entropy's \
             gradient (p − y)·x has no such factor.",
            "均方误差的梯度里有因子 σ′(z) = p(1 − p)，当 p 接近 0 或 1 时几乎为 0，\
             所以“自信的错误”几乎推不动参数；交叉熵的梯度 (p − y)·x 没有这个因子。",
        ),
        scene: Scene::Lab("mse-vs-cross-entropy"),
    },
    Topic {
        id: "linear-regression",
        title: t(
            "Linear regression: updating w and b",
            "线性回归：w 与 b 的更新",
        ),
        formula: f_linear,
        question: t(
            "x runs from 0 to 10, unscaled. After 100 steps of these updates, are the runs at \
             the least-squares solution ✕?",
            "x 的取值从 0 到 10，没有做特征缩放。按上面的公式更新 100 步后，\
             各条轨迹到达最小二乘解 ✕ 了吗？",
        ),
        choices: [
            t("Yes, every run.", "都到了。"),
            t(
                "No: every run is still crawling along a narrow valley; scaling x fixes it.",
                "没有：都还在狭长的山谷里爬；把 x 缩放之后就好了。",
            ),
            t(
                "Only Adam, because it adapts its rates.",
                "只有 Adam，因为它的学习率是自适应的。",
            ),
        ],
        answer: 1,
        why: t(
            "w's gradient carries the factor xᵢ and b's does not, so with x up to 10 the loss \
             over (w, b) is a valley some 80 times more curved across than along: an η small \
             enough across crawls along. Scaled, the valley turns round.",
            "w 的梯度带有因子 xᵢ，b 的没有，所以 x 大到 10 时，损失在 (w, b) 上是一条横向比纵向\
             弯曲约 80 倍的山谷：横向稳定所需的小 η 在纵向上只能慢慢爬。缩放之后山谷变圆了。",
        ),
        scene: Scene::Lab("feature-scaling"),
    },
    Topic {
        id: "backprop",
        title: t("Backpropagation", "反向传播"),
        formula: f_backprop,
        question: t(
            "XOR: no straight line separates its two classes. A network of 8 tanh hidden units \
             trained by backpropagation: can it get more than 95% of the points right?",
            "异或（XOR）数据：没有一条直线能把两类分开。一个 8 个 tanh 隐藏单元的网络，\
             用反向传播训练：能把 95% 以上的点分对吗？",
        ),
        choices: [
            t(
                "No: like a line, it stays at about half.",
                "不能：和直线一样，只能分对一半左右。",
            ),
            t(
                "Yes, within 300 steps, with every optimizer.",
                "能，300 步以内，每种优化器都可以。",
            ),
            t("Only with Adam.", "只有用 Adam 才行。"),
        ],
        answer: 1,
        why: t(
            "The chain rule gives every hidden weight its gradient, so the hidden units learn \
             features in which XOR is separable, and the boundary bends around the corners.",
            "链式法则给每一个隐藏层权重都算出了梯度，隐藏单元因此学到了能让异或可分的特征，\
             决策边界绕着四个角弯了过去。",
        ),
        scene: Scene::Lab("xor-network"),
    },
    Topic {
        id: "regularization",
        title: t(
            "L1/L2 regularization, dropout, early stopping",
            "L1/L2 正则化、Dropout 与早停",
        ),
        formula: f_regularization,
        question: t(
            "A degree-12 polynomial on 10 noisy points: its validation loss climbs after its \
             lowest point. What does an L2 penalty λ₂ = 0.003 do to that climb?",
            "用 12 次多项式拟合 10 个带噪声的点：验证损失在最低点之后开始上升。\
             加上 λ₂ = 0.003 的 L2 正则化后，这段上升会怎样？",
        ),
        choices: [
            t("Nothing: the penalty is tiny.", "没有变化：惩罚项太小了。"),
            t(
                "The validation curve flattens out near its lowest point.",
                "验证损失曲线在最低点附近变平。",
            ),
            t("It climbs faster.", "上升得更快。"),
        ],
        answer: 1,
        why: t(
            "The penalty pulls every coefficient towards 0, so the curve can no longer bend \
             through every noisy point. Early stopping gets a similar effect by stopping at the \
             ringed lowest point; dropout does it for networks.",
            "惩罚项把每个系数都往 0 拉，曲线就不能再弯来弯去穿过每个带噪声的点。\
             早停在圈出的最低点停止训练，效果类似；对神经网络，Dropout 也起同样的作用。",
        ),
        scene: Scene::Lab("overfitting"),
    },
    Topic {
        id: "generalization",
        title: t("Generalization", "泛化"),
        formula: f_generalization,
        question: t(
            "A network of 32 hidden units on 20 noisy training points: as its training loss \
             falls towards 0, what does its validation loss do?",
            "32 个隐藏单元的网络，只有 20 个带噪声的训练样本：训练损失降向 0 时，验证损失怎样变化？",
        ),
        choices: [
            t("It falls with it.", "跟着一起下降。"),
            t(
                "It turns up after a few dozen steps, and the gap grows.",
                "几十步之后开始上升，两者的差距越来越大。",
            ),
            t("It stays where it started.", "保持初始值不变。"),
        ],
        answer: 1,
        why: t(
            "With far more weights than points the network can fit the noise of its own points, \
             and that fit does not carry over to points it has not seen: it overfits.",
            "权重远多于样本，网络可以连训练样本里的噪声也一并拟合，而这种拟合推广不到没见过的样本：\
             这就是过拟合。",
        ),
        scene: Scene::Lab("network-overfits"),
    },
];

/// The page's own words around the sections.
pub struct Chrome {
    /// The page's title.
    pub title: Text,
    /// One paragraph under the title.
    pub intro: Text,
    /// The table of contents' heading.
    pub contents: Text,
    /// The question's label.
    pub predict: Text,
    /// The button that shows the answer.
    pub reveal: Text,
    /// The answer's label.
    pub answer: Text,
    /// The link to a story on the surface page.
    pub open_surface: Text,
    /// The link to a scene in the lab.
    pub open_lab: Text,
    /// The link to the other language (written in that language).
    pub other_language: Text,
    /// The links back to the two pages.
    pub surfaces: Text,
    /// The lab page's name.
    pub lab: Text,
    /// The notice's first words when the link's `lang` is not one of the languages.
    pub bad_lang: Text,
}

/// The page's own words.
pub const CHROME: Chrome = Chrome {
    title: t("optiviz · a walk through the course", "optiviz · 课程导览"),
    intro: t(
        "One section per topic of the course notes: the formula as the notes write it, a \
         question for the class to predict, and a link that opens optiviz paused on the scene \
         that answers it. Press Play there to see the answer.",
        "课程笔记的每个主题一节：笔记中的公式、一道让全班先预测的问题，以及一个链接，\
         打开 optiviz 中能回答这道题的场景（暂停在第 0 步）。在那里按“播放”就能看到答案。",
    ),
    contents: t("Contents", "目录"),
    predict: t("Predict", "先预测"),
    reveal: t("Reveal the answer", "显示答案"),
    answer: t("Answer", "答案"),
    open_surface: t("Open the scene on the surface page", "在曲面页打开这个场景"),
    open_lab: t(
        "Open the scene in the regression lab",
        "在回归实验室打开这个场景",
    ),
    other_language: t("中文", "English"),
    surfaces: t("Surfaces", "曲面"),
    lab: t("Regression lab", "回归实验室"),
    bad_lang: t(
        "The link's language was left out",
        "链接中的语言参数无效，已忽略",
    ),
};

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

/// The whole page in one language.
#[derive(Clone, Debug, Serialize)]
pub struct Walk {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The other language's id, for the switch.
    pub other_lang: &'static str,
    /// The page's title.
    pub title: &'static str,
    /// The paragraph under it.
    pub intro: &'static str,
    /// The table of contents' heading.
    pub contents: &'static str,
    /// The question's label.
    pub predict: &'static str,
    /// The reveal button's words.
    pub reveal: &'static str,
    /// The answer's label.
    pub answer: &'static str,
    /// The switch's words (the other language's name).
    pub other_language: &'static str,
    /// The surface page's name.
    pub surfaces: &'static str,
    /// The lab's name.
    pub lab: &'static str,
    /// The notice's first words for a link whose `lang` is not `en` or `zh`.
    pub bad_lang: &'static str,
    /// Every section, in order.
    pub sections: Vec<Section>,
}

/// The walk in `lang`.
pub fn walk(lang: Lang) -> Walk {
    let sections = TOPICS
        .iter()
        .map(|topic| Section {
            id: topic.id,
            title: topic.title.get(lang),
            formula: (topic.formula)(),
            question: topic.question.get(lang),
            choices: topic.choices.iter().map(|c| c.get(lang)).collect(),
            answer: topic.answer,
            why: topic.why.get(lang),
            href: format!("{}?{}", topic.scene.page(), topic.scene.query(lang)),
            open: match topic.scene {
                Scene::Story(_) => CHROME.open_surface.get(lang),
                Scene::Lab(_) => CHROME.open_lab.get(lang),
            },
        })
        .collect();
    let other = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    Walk {
        lang: lang.code(),
        other_lang: other.code(),
        title: CHROME.title.get(lang),
        intro: CHROME.intro.get(lang),
        contents: CHROME.contents.get(lang),
        predict: CHROME.predict.get(lang),
        reveal: CHROME.reveal.get(lang),
        answer: CHROME.answer.get(lang),
        other_language: CHROME.other_language.get(lang),
        surfaces: CHROME.surfaces.get(lang),
        lab: CHROME.lab.get(lang),
        bad_lang: CHROME.bad_lang.get(lang),
        sections,
    }
}

/// Every text of the walk with its catalogue key (`course.<topic>.title`,
/// `course.<topic>.choice.1`, `course.page.reveal`, …): `(key, English, Chinese)`, for moving
/// the texts into a per-language catalogue.
pub fn catalogue() -> Vec<(String, Text)> {
    let mut out = vec![
        ("course.page.title".to_owned(), CHROME.title),
        ("course.page.intro".to_owned(), CHROME.intro),
        ("course.page.contents".to_owned(), CHROME.contents),
        ("course.page.predict".to_owned(), CHROME.predict),
        ("course.page.reveal".to_owned(), CHROME.reveal),
        ("course.page.answer".to_owned(), CHROME.answer),
        ("course.page.open_surface".to_owned(), CHROME.open_surface),
        ("course.page.open_lab".to_owned(), CHROME.open_lab),
        (
            "course.page.other_language".to_owned(),
            CHROME.other_language,
        ),
        ("course.page.surfaces".to_owned(), CHROME.surfaces),
        ("course.page.lab".to_owned(), CHROME.lab),
        ("course.page.bad_lang".to_owned(), CHROME.bad_lang),
    ];
    for topic in &TOPICS {
        let key = |field: &str| format!("course.{}.{field}", topic.id);
        out.push((key("title"), topic.title));
        out.push((key("question"), topic.question));
        for (k, c) in topic.choices.iter().enumerate() {
            out.push((key(&format!("choice.{}", k + 1)), *c));
        }
        out.push((key("why"), topic.why));
    }
    out
}
