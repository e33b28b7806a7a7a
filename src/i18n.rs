//! The page's words in English and Simplified Chinese: one catalogue per language, a key →
//! template map whose templates hold `{name}` placeholders, looked up and filled here and
//! handed whole to the page ([`catalogue_json`]), whose `t(key, vars)` fills them the same way.
//!
//! The catalogues are `i18n/en.json` and `i18n/zh.json`, embedded with `include_str!`: flat
//! JSON objects, read by `serde_json` (already a dependency, so no parser of our own and
//! nothing added to the wasm), and given to the page exactly as written. `tests/i18n.rs`
//! checks that both hold the same keys with the same placeholders, that every key is used
//! and every key used exists.

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::OnceLock;

use crate::error::Error;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

/// The English catalogue as written.
const EN: &str = include_str!("i18n/en.json");
/// The Chinese catalogue as written.
const ZH: &str = include_str!("i18n/zh.json");

impl Lang {
    /// Every language, in the order the page lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's code in links and in `<html lang>`: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language of a link's `lang=` value; the error names the value and the allowed ones.
    pub fn from_code(code: &str) -> Result<Lang, Error> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| crate::err!("error.lang", value = code))
    }

    /// The language that follows the browser's preferred languages (`navigator.languages`
    /// joined by commas, most preferred first): the first that is English or Chinese decides
    /// (`zh`, `zh-CN`, `zh-Hans-TW` … are Chinese); none of them, English.
    pub fn from_browser(languages: &str) -> Lang {
        languages
            .split(',')
            .map(|l| l.trim().to_ascii_lowercase())
            .find_map(|l| {
                let primary = l.split(['-', '_']).next().unwrap_or("");
                match primary {
                    "zh" => Some(Lang::Zh),
                    "en" => Some(Lang::En),
                    _ => None,
                }
            })
            .unwrap_or(Lang::En)
    }

    /// The catalogue's source text, as embedded.
    fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::Zh => ZH,
        }
    }
}

thread_local! {
    /// The language this thread words its errors in ([`current`]).
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// The language errors display in on this thread: English, unless a page chose another
/// ([`set_current`]). The page has one thread (and each Web Worker its own), so a page's
/// language is its thread's; natively every thread, each test's included, stays English.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// Makes `lang` the language this thread's errors display in ([`current`]).
pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The quantities errors name by their English word ([`crate::error::Error::with_word`]),
/// each translated by the catalogue's `word.<english>`.
pub const WORDS: &[&str] = &[
    "a non-finite gradient, parameter or loss",
    "batch size",
    "budget",
    "maximum steps",
    "noise seed",
    "panels",
    "seed",
    "step",
    "steps",
    "the gradient or Hessian is not finite",
    "the start point or its loss is not finite",
];

/// The catalogue's word for `english` in `lang` (`word.<english>`, the name of a quantity an
/// error names), or `english` itself where the catalogue has none.
pub fn word(lang: Lang, english: &'static str) -> &'static str {
    name(lang, "word", english, english)
}

/// The catalogue of `lang`: every key with its template.
pub fn catalogue(lang: Lang) -> &'static BTreeMap<String, String> {
    static CATALOGUES: [OnceLock<BTreeMap<String, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let index = Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0);
    CATALOGUES[index].get_or_init(|| {
        serde_json::from_str(lang.source()).expect("the embedded catalogues are JSON objects")
    })
}

/// The catalogue of `lang` as the JSON object the page reads (the embedded text itself).
pub fn catalogue_json(lang: Lang) -> &'static str {
    lang.source()
}

/// The template of `key` in `lang`; the English one where `lang` lacks it, and the key itself
/// where both do (which `tests/i18n.rs` keeps from happening).
pub fn text(lang: Lang, key: &str) -> &str {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .map_or(key, String::as_str)
}

/// The template of `key` in `lang`, or English's where `lang` lacks it; `None` when neither
/// has it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .map(String::as_str)
}

/// The name `prefix.id` in `lang` (an optimizer's, a surface's, a hyperparameter's …), or
/// `fallback` (the name the core gives it) where no catalogue has it.
pub fn name(lang: Lang, prefix: &str, id: &str, fallback: &'static str) -> &'static str {
    lookup(lang, &format!("{prefix}.{id}")).unwrap_or(fallback)
}

/// The template of `key` in `lang` with each `{name}` of `vars` replaced by its value;
/// placeholders not in `vars` stay as written.
pub fn fill(lang: Lang, key: &str, vars: &[(&str, &dyn Display)]) -> String {
    substitute(text(lang, key), vars)
}

/// `template` with each `{name}` of `vars` replaced by its value, in one pass (a value that
/// itself holds `{…}` is not read again).
pub fn substitute(template: &str, vars: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| vars.iter().find(|(k, _)| *k == n)) {
            Some((k, v)) => {
                out.push_str(&v.to_string());
                rest = &after[k.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names in `template`: each `{name}` whose name is a lower-case letter or
/// `_` followed by lower-case letters, digits or `_`.
pub fn placeholders(template: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            let mut chars = name.chars();
            let first_ok = chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
            if first_ok && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

/// The words the pictures draw (axis titles), in English: each is translated by the
/// catalogue's `canvas.<english>` ([`crate::render::Theme::word`]).
pub const CANVAS_WORDS: [&str; 15] = [
    "step",
    "no known minimum on this surface",
    "learning rate η (log scale)",
    "learning rate η (log)",
    "learning rate η",
    "momentum μ",
    "final loss (log scale)",
    "final loss (log)",
    "final loss",
    "loss",
    "steps to 1e-6 (log scale)",
    "steps to 1e-6 (log)",
    "steps to 1e-6",
    "steps",
    "f (log scale)",
];
