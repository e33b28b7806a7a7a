//! The catalogues of the page's words (`src/i18n/*.json`): both languages hold the same
//! keys with the same placeholders, every key is used somewhere, and every key the pages and
//! the code ask for exists; the language is read from links and browsers as stated.

use optiviz::i18n::{self, Lang, catalogue, fill, placeholders, substitute};
use optiviz::state::lab::LabScenario;
use optiviz::state::scenario::Scenario;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir` whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "pkg") {
                files(&path, exts, out);
            }
        } else if exts
            .iter()
            .any(|e| path.extension().is_some_and(|x| x == *e))
        {
            out.push(path);
        }
    }
}

/// The sources that may use a key: the pages, their scripts and the Rust code (not the
/// catalogues themselves).
fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("www"), &["js", "html"], &mut paths);
    files(&root.join("src"), &["rs"], &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).expect("a readable source");
            (p, text)
        })
        .collect()
}

/// The string literals that follow each occurrence of `opener` in `text`, up to `close`.
fn after(text: &str, opener: &str, close: char) -> Vec<String> {
    text.match_indices(opener)
        .filter_map(|(at, _)| {
            let rest = &text[at + opener.len()..];
            rest.find(close).map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// Every key a source asks for: `t('key'` in scripts, `data-i18n…="key"` in pages,
/// `text(lang, "key"` and `fill(lang, "key"` in Rust.
fn keys_asked(path: &Path, text: &str) -> Vec<String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut keys = Vec::new();
    match ext {
        "js" => {
            keys.extend(after(text, " t('", '\''));
            keys.extend(after(text, "(t('", '\''));
            keys.extend(after(text, "[t('", '\''));
            keys.extend(after(text, "{t('", '\''));
        }
        "html" => {
            for attr in [
                "data-i18n=\"",
                "data-i18n-title=\"",
                "data-i18n-aria-label=\"",
                "data-i18n-placeholder=\"",
                "data-i18n-touch=\"",
                "data-i18n-touch-label=\"",
            ] {
                keys.extend(after(text, attr, '"'));
            }
        }
        _ => {
            for call in [
                "text(lang, \"",
                "fill(lang, \"",
                "text(self.lang, \"",
                "fill(self.lang, \"",
            ] {
                keys.extend(after(text, call, '"'));
            }
            // An error's key, on the call's line or (rustfmt's choice) the next.
            for call in ["err!(", "Error::new("] {
                keys.extend(text.match_indices(call).filter_map(|(at, _)| {
                    let rest = text[at + call.len()..].trim_start().strip_prefix('"')?;
                    rest.find('"').map(|end| rest[..end].to_owned())
                }));
            }
        }
    }
    keys
}

#[test]
fn both_languages_hold_the_same_keys() {
    let en: BTreeSet<_> = catalogue(Lang::En).keys().collect();
    let zh: BTreeSet<_> = catalogue(Lang::Zh).keys().collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    let only_zh: Vec<_> = zh.difference(&en).collect();
    assert!(only_en.is_empty(), "keys missing from zh.json: {only_en:?}");
    assert!(only_zh.is_empty(), "keys missing from en.json: {only_zh:?}");
    assert!(en.len() > 100, "the catalogue holds the page's words");
}

#[test]
fn every_template_has_the_same_placeholders_in_both_languages() {
    let zh = catalogue(Lang::Zh);
    let mut differ = Vec::new();
    for (key, en) in catalogue(Lang::En) {
        let (a, b) = (placeholders(en), placeholders(&zh[key]));
        if a != b {
            differ.push(format!("{key}: en {a:?}, zh {b:?}"));
        }
    }
    assert!(differ.is_empty(), "placeholders differ: {differ:#?}");
}

#[test]
fn no_template_is_empty_and_chinese_ones_are_chinese() {
    for lang in Lang::ALL {
        for (key, template) in catalogue(lang) {
            assert!(!template.trim().is_empty(), "{key} is empty in {lang:?}");
        }
    }
    // A Chinese template holds Chinese (a CJK character), but for the few that are the same
    // in both languages: symbols, the button that names English in English, and the course
    // sections named after their method.
    let same: BTreeSet<&str> = [
        "lang.switch",
        "course.adagrad.title",
        "course.rmsprop.title",
    ]
    .into();
    for (key, template) in catalogue(Lang::Zh) {
        // Words outside the placeholders: a template of only numbers and symbols needs none.
        let words = placeholders(template)
            .iter()
            .fold(template.clone(), |t, name| {
                t.replace(&format!("{{{name}}}"), "")
            });
        let cjk = words
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let symbols = words.chars().filter(|c| c.is_ascii_alphabetic()).count() <= 2;
        // Proper names stay as they are (Adam, Beale, …).
        let proper = key.starts_with("optimizer.") || key.starts_with("surface.");
        assert!(
            cjk || symbols || proper || same.contains(key.as_str()),
            "zh {key} = {template:?} has no Chinese"
        );
    }
}

#[test]
fn every_key_asked_for_exists_and_every_key_is_asked_for() {
    let en = catalogue(Lang::En);
    let mut asked = BTreeSet::new();
    let mut missing = Vec::new();
    for (path, text) in sources() {
        for key in keys_asked(&path, &text) {
            if !en.contains_key(&key) {
                missing.push(format!("{}: {key}", path.display()));
            }
            asked.insert(key);
        }
    }
    assert!(
        missing.is_empty(),
        "keys asked for but not in the catalogue: {missing:#?}"
    );
    let built: BTreeSet<String> = optiviz::state::words::built_keys().into_iter().collect();
    let unused: Vec<_> = en
        .keys()
        .filter(|k| !asked.contains(*k) && !built.contains(*k))
        .collect();
    assert!(unused.is_empty(), "keys no page or code uses: {unused:#?}");
    for key in &built {
        assert!(
            en.contains_key(key),
            "a key the code builds is missing: {key}"
        );
    }
}

#[test]
fn the_scanner_finds_keys_where_they_are_used() {
    // The scan above proves nothing if it finds nothing: these uses are there on purpose.
    let js = keys_asked(
        Path::new("a.js"),
        "x = t('toolbar.play'); y = [t('a.b', { n })];",
    );
    assert_eq!(js, ["toolbar.play", "a.b"]);
    let html = keys_asked(
        Path::new("a.html"),
        r#"<b data-i18n="k.one" data-i18n-title="k.two">"#,
    );
    assert_eq!(html, ["k.one", "k.two"]);
    let rs = keys_asked(Path::new("a.rs"), r#"fill(lang, "notice.link", &[])"#);
    assert_eq!(rs, ["notice.link"]);
    let rs = keys_asked(
        Path::new("a.rs"),
        "err!(\"error.lang\", value = v); Error::new(\"error.x\"); err!(\n    \"error.y\",",
    );
    assert_eq!(rs, ["error.lang", "error.y", "error.x"]);
}

#[test]
fn templates_are_filled_by_name() {
    let vars: [(&str, &dyn std::fmt::Display); 2] = [("n", &3), ("what", &"runs")];
    assert_eq!(
        substitute("{n} {what}, {n} again", &vars),
        "3 runs, 3 again"
    );
    // An unknown placeholder and a lone brace stay as written; a value is not read again.
    assert_eq!(substitute("{x} {n", &vars), "{x} {n");
    let braces: [(&str, &dyn std::fmt::Display); 1] = [("a", &"{a}")];
    assert_eq!(substitute("<{a}>", &braces), "<{a}>");
    assert_eq!(
        placeholders("from {a} to {b_2}, not {B} or {1} or { }"),
        ["a", "b_2"].map(String::from).into()
    );
    assert_eq!(fill(Lang::Zh, "lang.switch", &[]), "English");
    assert_eq!(fill(Lang::En, "lang.switch", &[]), "中文");
}

#[test]
fn the_browser_decides_when_the_link_does_not() {
    assert_eq!(Lang::from_browser("zh-CN,en"), Lang::Zh);
    assert_eq!(Lang::from_browser("zh"), Lang::Zh);
    assert_eq!(Lang::from_browser("zh-Hant-TW"), Lang::Zh);
    assert_eq!(Lang::from_browser("en-US,zh-CN"), Lang::En);
    assert_eq!(Lang::from_browser("fr-FR, zh_CN"), Lang::Zh);
    assert_eq!(Lang::from_browser("fr,de"), Lang::En);
    assert_eq!(Lang::from_browser(""), Lang::En);
}

#[test]
fn the_link_carries_the_language() {
    let s = Scenario::from_query("surface=booth&lang=zh").expect("a good link");
    assert_eq!(s.lang, Some(Lang::Zh));
    assert!(s.to_query().ends_with("&lang=zh"), "{}", s.to_query());
    assert_eq!(Scenario::from_query(&s.to_query()), Ok(s));
    assert_eq!(Scenario::default().lang, None);
    assert!(!Scenario::default().to_query().contains("lang"));
    let lab = LabScenario::from_query("model=poly&lang=en").expect("a good lab link");
    assert_eq!(lab.lang, Some(Lang::En));
    assert_eq!(LabScenario::from_query(&lab.to_query()), Ok(lab));
}

#[test]
fn an_unknown_language_is_named_with_the_allowed_ones_and_the_rest_is_kept() {
    let (s, problems) = Scenario::read_query("surface=booth&lang=xx");
    assert_eq!(s.surface.info().id, "booth");
    assert_eq!(s.lang, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        "lang 'xx': allowed values are en, zh"
    );
    let lab = LabScenario::from_query("lang=fr")
        .expect_err("fr is no language of the lab")
        .to_string();
    assert!(lab.contains("'fr'") && lab.contains("en, zh"), "{lab}");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_language_code_is_read_or_refused_by_name(code in ".{0,12}") {
            match Lang::from_code(&code) {
                Ok(l) => prop_assert_eq!(l.code(), code.as_str()),
                Err(e) => {
                    let e = e.to_string();
                    prop_assert!(e.contains("allowed values are en, zh"));
                    let quoted = format!("'{code}'");
                    prop_assert!(e.contains(&quoted));
                }
            }
            // Any browser list gives a language, Chinese exactly when its first en/zh is zh.
            let l = Lang::from_browser(&code);
            prop_assert!(Lang::ALL.contains(&l));
        }

        #[test]
        fn filling_any_template_never_panics_and_keeps_text_without_braces(
            template in "[a-z {}_]{0,40}", value in "[a-z{}]{0,6}"
        ) {
            let vars: [(&str, &dyn std::fmt::Display); 1] = [("n", &value)];
            let filled = substitute(&template, &vars);
            if !template.contains('{') {
                prop_assert_eq!(filled, template.clone());
            }
            let _ = placeholders(&template);
        }
    }
}

#[test]
fn the_pictures_words_and_fonts_follow_the_language() {
    use optiviz::render::Theme;
    let en = Theme::default();
    let zh = Theme {
        lang: Lang::Zh,
        ..Theme::default()
    };
    assert_eq!(en.word("step"), "step");
    assert_eq!(zh.word("step"), "步数");
    assert_eq!(
        zh.word("learning rate η (log scale)"),
        "学习率 η（对数刻度）"
    );
    assert_eq!(en.log_title("loss", false), "loss (log scale)");
    assert_eq!(zh.log_title("损失", true), "损失（对数）");
    // Every word a picture draws has its Chinese.
    for w in i18n::CANVAS_WORDS {
        assert_ne!(zh.word(w), w, "canvas.{w} is not translated");
    }
    // English keeps the plain family; Chinese names fonts with CJK glyphs on every system.
    let family = |t: &Theme| t.font(1.0).font.get_name().to_owned();
    assert_eq!(family(&en), "sans-serif");
    for f in [
        "PingFang SC",
        "Microsoft YaHei",
        "Noto Sans CJK SC",
        "sans-serif",
    ] {
        assert!(family(&zh).contains(f), "{} lacks {f}", family(&zh));
    }
}

/// The README's page tour: from the line `start` up to the line before `## Optimizers` (or
/// the end of the file).
fn tour<'a>(text: &'a str, start: &str) -> &'a str {
    let from = text
        .find(&format!("\n{start}\n"))
        .unwrap_or_else(|| panic!("no line '{start}'"))
        + 1;
    let rest = &text[from..];
    rest.find("\n## Optimizers\n")
        .map_or(rest, |end| &rest[..end + 1])
}

/// What a translated tour must keep: its heading levels in order, its image paths and its code
/// spans (whitespace inside a span collapsed, as Markdown renders it).
#[derive(Debug, PartialEq)]
struct Outline {
    headings: Vec<usize>,
    images: Vec<String>,
    code: Vec<String>,
}

fn outline(tour: &str) -> Outline {
    let headings = tour
        .lines()
        .filter_map(|l| {
            let level = l.len() - l.trim_start_matches('#').len();
            (level > 0 && l[level..].starts_with(' ')).then_some(level)
        })
        .collect();
    let images = tour
        .match_indices("![")
        .filter_map(|(at, _)| {
            let rest = &tour[at..];
            let open = rest.find("](")? + 2;
            let close = rest[open..].find(')')?;
            Some(rest[open..open + close].to_owned())
        })
        .collect();
    let code = tour
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    Outline {
        headings,
        images,
        code,
    }
}

#[test]
fn the_chinese_tour_keeps_up_with_the_english_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let en_text = fs::read_to_string(root.join("README.md")).expect("README.md");
    let zh_text = fs::read_to_string(root.join("README.zh.md")).expect("README.zh.md");
    let en = tour(&en_text, "## What the page shows");
    let zh = tour(&zh_text, "## 页面上有什么");
    let (en_outline, zh_outline) = (outline(en), outline(zh));
    // The English tour as written: three sections, two pictures, many code spans.
    assert_eq!(en_outline.headings, [2, 2, 2]);
    assert_eq!(en_outline.images, ["docs/compare.png", "docs/lab.png"]);
    assert!(en_outline.code.len() > 50, "{:?}", en_outline.code);
    assert!(en_outline.code.contains(&"&keep_rates".to_owned()));
    assert_eq!(
        zh_outline, en_outline,
        "README.zh.md's tour fell behind README.md's"
    );
    // Its headings are translated.
    for line in zh.lines().filter(|l| l.starts_with('#')) {
        assert!(
            line.chars().any(|c| c > '\u{2e80}'),
            "untranslated '{line}'"
        );
    }
    // The header gives the quick start's two commands exactly, and each file links the other.
    let commands = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("make "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(commands(&zh_text), commands(&en_text));
    assert_eq!(commands(&en_text).len(), 2);
    assert!(zh_text.contains("(README.md)"));
    assert!(en_text.contains("中文版页面导览: [README.zh.md](README.zh.md)"));
    // The comparison notices a missing heading, picture or code span.
    for gone in ["\n## 回归实验室\n", "(docs/lab.png)", "`tests/csv.rs`"] {
        let cut = zh.replacen(gone, "\n", 1);
        assert_ne!(cut, zh, "'{gone}' is not in the tour");
        assert_ne!(
            outline(&cut),
            en_outline,
            "removing '{gone}' went unnoticed"
        );
    }
}
