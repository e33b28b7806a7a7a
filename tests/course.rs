//! The walk through the course (src/state/course.rs): every topic of the course notes has a
//! section, in both languages with the same shape, in the notes' symbols, and every section's
//! link opens a scene the pages read without a problem.

use optiviz::state::course::{Lang, Scene, TOPICS, catalogue, walk};
use optiviz::state::lab::LabScenario;
use optiviz::state::lab_scenes::scene;
use optiviz::state::presets::preset;
use optiviz::state::scenario::Scenario;

/// The topics of the course notes (../shared/course-notes), each with words its section's
/// English title must contain.
const NOTES: [(&str, &[&str]); 12] = [
    ("batch-sizes", &["Batch", "stochastic", "mini-batch"]),
    ("momentum", &["Momentum"]),
    ("adagrad", &["AdaGrad"]),
    ("rmsprop", &["RMSprop"]),
    ("adam", &["Adam", "bias correction"]),
    ("lr-decay", &["Learning-rate decay"]),
    ("clipping", &["clipping"]),
    ("losses", &["squared error", "cross-entropy"]),
    ("linear-regression", &["Linear regression", "w", "b"]),
    ("backprop", &["Backpropagation"]),
    ("regularization", &["L1/L2", "dropout", "early stopping"]),
    ("generalization", &["Generalization"]),
];

#[test]
fn every_topic_of_the_notes_has_a_section() {
    for (id, words) in NOTES {
        let topic = TOPICS.iter().find(|t| t.id == id);
        let topic = topic.unwrap_or_else(|| panic!("no section for {id}"));
        for w in words {
            assert!(
                topic.title.en.contains(w),
                "{id}: '{}' lacks {w}",
                topic.title.en
            );
        }
    }
    let mut ids: Vec<&str> = TOPICS.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), TOPICS.len(), "ids are unique");
}

#[test]
fn both_languages_have_every_section_in_the_same_shape() {
    let (en, zh) = (walk(Lang::En), walk(Lang::Zh));
    assert_eq!((en.lang, zh.lang), ("en", "zh"));
    assert_eq!((en.other_lang, zh.other_lang), ("zh", "en"));
    assert_eq!(en.sections.len(), TOPICS.len());
    assert_eq!(zh.sections.len(), TOPICS.len());
    for (e, z) in en.sections.iter().zip(&zh.sections) {
        assert_eq!(e.id, z.id);
        assert_eq!(e.formula, z.formula, "{}: one formula for both", e.id);
        assert_eq!(e.choices.len(), 3);
        assert_eq!(z.choices.len(), 3);
        assert_eq!(e.answer, z.answer);
        assert!(e.answer < 3);
        // The same link but for the language it carries on.
        assert_eq!(e.href.replace("lang=en", "lang=zh"), z.href, "{}", e.id);
        for text in [e.title, e.question, e.why, z.title, z.question, z.why] {
            assert!(!text.trim().is_empty(), "{}", e.id);
        }
    }
    // Every text is written in both languages, and the Chinese one is Chinese (has CJK
    // characters) except for the names that are the same in both (AdaGrad, RMSprop).
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (key, text) in catalogue() {
        assert!(!text.en.is_empty() && !text.zh.is_empty(), "{key}");
        let same_name = text.en == text.zh && !text.en.contains(' ');
        assert!(
            cjk(text.zh) || same_name || key == "course.page.other_language",
            "{key}: {}",
            text.zh
        );
        assert!(
            !cjk(text.en) || key == "course.page.other_language",
            "{key}: {}",
            text.en
        );
    }
    // The catalogue keys are unique.
    let mut keys: Vec<String> = catalogue().into_iter().map(|(k, _)| k).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
    assert_eq!(
        Lang::from_code("fr").map_err(|e| e.to_string()),
        Err("lang 'fr': allowed values are en, zh".into())
    );
}

#[test]
fn the_chinese_sections_use_the_notes_words() {
    let zh = walk(Lang::Zh);
    let all: String = zh
        .sections
        .iter()
        .map(|s| format!("{}{}{}{}", s.title, s.question, s.why, s.choices.concat()))
        .collect();
    for word in [
        "学习率",
        "动量",
        "批量梯度下降",
        "小批量",
        "随机",
        "早停",
        "正则化",
        "过拟合",
        "均方误差",
        "交叉熵",
        "反向传播",
        "泛化",
        "梯度裁剪",
        "学习率衰减",
    ] {
        assert!(all.contains(word), "no {word}");
    }
}

#[test]
fn formulas_are_mathml_in_the_notes_symbols() {
    let formula = |id: &str| (TOPICS.iter().find(|t| t.id == id).unwrap().formula)();
    for t in &TOPICS {
        let f = (t.formula)();
        assert!(f.starts_with("<math") && f.ends_with("</math>"), "{}", t.id);
        // Balanced tags: as many openings as closings of each element used.
        for tag in [
            "mrow", "mfrac", "msqrt", "msub", "msup", "mover", "mtd", "mtr",
        ] {
            let open =
                f.matches(&format!("<{tag}>")).count() + f.matches(&format!("<{tag} ")).count();
            let close = f.matches(&format!("</{tag}>")).count();
            assert_eq!(open, close, "{}: <{tag}>", t.id);
        }
    }
    // θ, η and ∇J(θ) in gradient descent; γ (not μ) for momentum's factor, v = γv + η∇J.
    let gd = formula("learning-rate");
    for s in ["<mi>θ</mi>", "<mi>η</mi>", "<mo>∇</mo><mi>J</mi>"] {
        assert!(gd.contains(s), "{s}");
    }
    let m = formula("momentum");
    assert!(m.contains("<mi>γ</mi>") && !m.contains("μ"));
    // Adam: m̂ and v̂, with ε outside the square root as the notes place it: √v̂ + ε.
    let adam = formula("adam");
    assert!(adam.contains("<mover accent=\"true\"><mi>m</mi><mo>\u{2c6}</mo></mover>"));
    assert!(adam.contains(
        "<msqrt><msub><mover accent=\"true\"><mi>v</mi><mo>\u{2c6}</mo></mover><mi>t</mi></msub></msqrt><mo>+</mo><mi>ε</mi>"
    ));
    // Linear regression: the notes' w and b updates with 2(w·x + b − y).
    let lin = formula("linear-regression");
    assert!(lin.contains("<mn>2</mn>") && lin.contains("<mi>b</mi>") && lin.contains("<mi>m</mi>"));
}

#[test]
fn every_link_opens_a_valid_scene_paused_at_step_0() {
    for lang in Lang::ALL {
        for (topic, section) in TOPICS.iter().zip(walk(lang).sections) {
            let (page, query) = section.href.split_once('?').unwrap();
            assert_eq!(page, topic.scene.page());
            match topic.scene {
                Scene::Story(id) => {
                    assert!(preset(id).is_ok(), "{id}");
                    // Read strictly: any problem in the link fails.
                    let s = Scenario::from_query(query)
                        .unwrap_or_else(|e| panic!("{}: {e}", section.href));
                    assert_eq!(s.story.as_deref(), Some(id));
                    assert_eq!(s.step, 0, "a story opens at step 0");
                    // The story's own scene, in the walk's language.
                    let mut own = preset(id).unwrap().scenario();
                    own.lang = Some(lang);
                    assert_eq!(s, own);
                }
                Scene::Lab(id) => {
                    assert!(scene(id).is_ok(), "{id}");
                    let s = LabScenario::from_query(query)
                        .unwrap_or_else(|e| panic!("{}: {e}", section.href));
                    assert_eq!(s.scene.as_deref(), Some(id));
                    assert_eq!(s.step, 0, "a scene opens at step 0");
                }
            }
        }
    }
    // Every topic's scene is its own or shared by AdaGrad and RMSprop only.
    let stories: Vec<&str> = TOPICS.iter().map(|t| t.scene.id()).collect();
    for (k, id) in stories.iter().enumerate() {
        let shared = stories.iter().filter(|s| *s == id).count();
        assert!(
            shared == 1 || *id == "adagrad-rmsprop",
            "{} shares {id}",
            TOPICS[k].id
        );
    }
}

#[test]
fn a_link_s_language_is_checked_on_both_pages() {
    assert!(Scenario::from_query("story=too-large&lang=zh").is_ok());
    assert_eq!(
        Scenario::from_query("lang=fr").unwrap_err(),
        "lang 'fr': allowed values are en, zh"
    );
    assert!(LabScenario::from_query("scene=overfitting&lang=en").is_ok());
    assert_eq!(
        LabScenario::from_query("lang=de").unwrap_err().to_string(),
        "lang 'de': allowed values are en, zh"
    );
}

// Property tests run natively (proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;

    proptest::proptest! {
        /// Any text as a language: en or zh, or an error naming it and the allowed values; the
        /// surface page keeps the rest of a link whatever its lang says.
        #[test]
        fn any_lang_is_read_or_named(text in "\\PC{0,12}") {
            match Lang::from_code(&text) {
                Ok(lang) => proptest::prop_assert_eq!(lang.code(), text.as_str()),
                Err(e) => {
                    proptest::prop_assert!(text != "en" && text != "zh");
                    proptest::prop_assert_eq!(e.to_string(), format!("lang '{text}': allowed values are en, zh"));
                }
            }
            let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
            let (s, problems) = Scenario::read_query(&format!("story=saddle-point&lang={encoded}"));
            proptest::prop_assert_eq!(s, preset("saddle-point").unwrap().scenario());
            proptest::prop_assert!(problems.len() <= 1);
        }
    }
}
