//! The walk through the course (src/state/course.rs): every topic of the course notes has a
//! section, its words in both catalogues with the same shape, in the notes' symbols, and every
//! section's link opens a scene the pages read without a problem; the page's link carries its
//! language.

use optiviz::i18n::catalogue;
use optiviz::state::course::{CoursePage, FIELDS, Lang, MAX_LANG_CHARS, Scene, TOPICS, keys, walk};
use optiviz::state::lab::LabScenario;
use optiviz::state::lab_scenes::scene;
use optiviz::state::presets::preset;
use optiviz::state::scenario::Scenario;
use std::collections::BTreeSet;

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
        let title = topic.words(Lang::En, "title");
        for w in words {
            assert!(title.contains(w), "{id}: '{title}' lacks {w}");
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
    // Every text is written in both catalogues, and the Chinese one is Chinese (has CJK
    // characters) except for the names that are the same in both (AdaGrad, RMSprop).
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let (en_words, zh_words) = (catalogue(Lang::En), catalogue(Lang::Zh));
    let course_keys: Vec<&String> = en_words
        .keys()
        .filter(|k| k.starts_with("course."))
        .collect();
    assert!(course_keys.len() > TOPICS.len() * FIELDS.len());
    for key in course_keys {
        let (en, zh) = (&en_words[key], &zh_words[key]);
        assert!(!en.is_empty() && !zh.is_empty(), "{key}");
        let same_name = en == zh && !en.contains(' ');
        assert!(cjk(zh) || same_name, "{key}: {zh}");
        assert!(!cjk(en), "{key}: {en}");
        // A topic's key is one of its fields; the rest are the page's own words.
        if !key.starts_with("course.page.") {
            let field_of_a_topic = TOPICS.iter().any(|t| {
                key.strip_prefix(&format!("course.{}.", t.id))
                    .is_some_and(|f| FIELDS.contains(&f))
            });
            assert!(field_of_a_topic, "{key} is no topic's field");
        }
    }
    // Every topic has every field, under a key of its own.
    let all = keys();
    assert_eq!(all.len(), TOPICS.len() * FIELDS.len());
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), all.len());
    for key in &all {
        assert!(en_words.contains_key(key), "{key} missing");
    }
    // Each section's words are its topic's catalogue entries, in its language.
    let momentum = &zh.sections[2];
    assert_eq!(momentum.id, "momentum");
    assert_eq!(momentum.title, "动量法");
    assert_eq!(en.sections[2].title, "Momentum");
    assert_eq!(momentum.choices[2], "一样：梯度都是一样的。");
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
        Scenario::from_query("lang=fr").unwrap_err().to_string(),
        "lang 'fr': allowed values are en, zh"
    );
    assert!(LabScenario::from_query("scene=overfitting&lang=en").is_ok());
    assert_eq!(
        LabScenario::from_query("lang=de").unwrap_err().to_string(),
        "lang 'de': allowed values are en, zh"
    );
}

#[test]
fn the_course_page_s_link_carries_its_language() {
    assert_eq!(
        CoursePage::read_query(""),
        (CoursePage { lang: None }, vec![])
    );
    let (zh, problems) = CoursePage::read_query("?lang=zh");
    assert_eq!((zh.lang, problems.len()), (Some(Lang::Zh), 0));
    assert_eq!(zh.to_query(), "lang=zh");
    assert_eq!(CoursePage::default().to_query(), "");
    // Other parts are none of its business; the last lang that reads wins.
    let (page, problems) = CoursePage::read_query("x=1&lang=en&lang=zh&story=nope");
    assert_eq!((page.lang, problems.len()), (Some(Lang::Zh), 0));
    // A bad lang is named with the allowed values and left out; the good one stays.
    let (page, problems) = CoursePage::read_query("lang=zh&lang=fr");
    assert_eq!(page.lang, Some(Lang::Zh));
    assert_eq!(words(&problems), ["lang 'fr': allowed values are en, zh"]);
    // Percent-encoded and bounded: a long value is named by its first 16 characters.
    let (page, problems) = CoursePage::read_query("lang=%7A%68");
    assert_eq!((page.lang, problems.len()), (Some(Lang::Zh), 0));
    let long = "x".repeat(5000);
    let (page, problems) = CoursePage::read_query(&format!("lang={long}"));
    assert_eq!(page.lang, None);
    assert_eq!(
        words(&problems),
        [format!(
            "lang '{}': allowed values are en, zh",
            "x".repeat(16)
        )]
    );
    assert_eq!(MAX_LANG_CHARS, 16);
    // Not UTF-8: named, and the page still opens.
    let (page, problems) = CoursePage::read_query("lang=%FF");
    assert_eq!(page.lang, None);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].to_string().contains("'lang'"),
        "{}",
        problems[0]
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
            // The course page: the language read, or named with the allowed values and left out.
            let (page, problems) = CoursePage::read_query(&format!("lang={encoded}"));
            match Lang::from_code(&text) {
                Ok(lang) => {
                    proptest::prop_assert_eq!(page.lang, Some(lang));
                    proptest::prop_assert!(problems.is_empty());
                    proptest::prop_assert_eq!(page.to_query(), format!("lang={text}"));
                }
                Err(_) => {
                    proptest::prop_assert_eq!(page.lang, None);
                    proptest::prop_assert_eq!(problems.len(), 1);
                    proptest::prop_assert!(problems[0].to_string().contains("allowed values are en, zh"));
                }
            }
        }

        /// Any query at all: the course page opens, each problem naming `lang`.
        #[test]
        fn any_course_query_opens_the_page(query in "\\PC{0,40}") {
            let (page, problems) = CoursePage::read_query(&query);
            for p in &problems {
                proptest::prop_assert!(p.to_string().contains("lang"), "{}", p);
            }
            let again = CoursePage::read_query(&page.to_query());
            proptest::prop_assert_eq!(again, (page, vec![]));
        }
    }
}

/// Each problem in English, as the command line and the tests read them.
fn words(problems: &[optiviz::error::Error]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}
