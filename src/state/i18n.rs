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
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::sync::OnceLock;

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
    pub fn from_code(code: &str) -> Result<Lang, String> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| format!("lang '{code}': allowed values are en, zh"))
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

/// The words a rule written in the course notes' notation adds, in `lang`
/// ([`crate::core::explain::NotesWords`]): the sentence saying how torch's momentum differs.
pub fn notes_words(lang: Lang) -> crate::core::explain::NotesWords<'static> {
    crate::core::explain::NotesWords {
        torch_momentum: text(lang, "notation.torch_momentum"),
    }
}

/// Tune's search ([`crate::core::compare::SearchSummary`]) in a sentence in `lang`: `symbols`
/// are the searched hyperparameters' symbols (η, then each decay's), the numbers written as
/// [`crate::core::text`] writes them. In English: "η on a log grid of 12 over 1e-5…1, refined
/// by golden section, for each of μ ∈ {0, 0.9, 0.99}; then 14 Nelder–Mead steps over all
/// together".
pub fn tune_search(
    lang: Lang,
    summary: &crate::core::compare::SearchSummary,
    symbols: &[&str],
) -> String {
    use crate::core::compare::DecaySearch;
    use crate::core::text::{decay, number};
    let symbol = |k: usize| symbols.get(k).copied().unwrap_or("?");
    let (lo, hi) = (number(summary.lrs.0), number(summary.lrs.1));
    let (lr, grid) = (symbol(0), summary.grid);
    // The decays' part, and the number of Nelder–Mead steps after it.
    let (template, decays, refined) = match &summary.decays {
        DecaySearch::None => (text(lang, "tune.search.rate"), String::new(), 0),
        DecaySearch::Each { grids, refined } => {
            let each: Vec<String> = grids
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let values: Vec<String> = g.iter().map(|&v| decay(v)).collect();
                    format!("{} ∈ {{{}}}", symbol(k + 1), values.join(", "))
                })
                .collect();
            (text(lang, "tune.search.each"), each.join(" × "), *refined)
        }
        DecaySearch::At { values, refined } => {
            let at: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(k, v)| format!("{} {}", symbol(k + 1), v.map_or("?".into(), decay)))
                .collect();
            (text(lang, "tune.search.at"), at.join(", "), *refined)
        }
    };
    substitute(
        template,
        &[
            ("lr", &lr),
            ("grid", &grid),
            ("lo", &lo),
            ("hi", &hi),
            ("decays", &decays),
            ("refined", &refined),
        ],
    )
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

/// The keys the code builds from names rather than writing out (a story's or a scene's
/// title and caption, by its id; a course topic's words, by its id and field), for
/// `tests/i18n.rs`'s check that every key is used.
pub fn built_keys() -> Vec<String> {
    use crate::core::model::ClassLoss;
    use crate::core::model::data::ClassShape;
    use crate::core::optim::OptimizerKind;
    use crate::core::surface::Surface;
    let mut keys: Vec<String> = Vec::new();
    for kind in OptimizerKind::ALL {
        keys.push(format!("optimizer.{}", kind.id()));
        keys.extend(kind.params().iter().map(|p| format!("param.{}", p.name)));
        for f in kind.flags() {
            keys.push(format!("flag.{}", f.name));
            keys.push(format!("flag.{}.doc", f.name));
        }
    }
    keys.extend(
        Surface::all()
            .iter()
            .map(|s| format!("surface.{}", s.info().id)),
    );
    keys.extend(
        crate::state::lab::MODEL_IDS
            .iter()
            .map(|m| format!("model.{m}")),
    );
    keys.extend(
        crate::state::lab::ALL_MODEL_KEYS
            .iter()
            .map(|k| format!("data.{k}")),
    );
    keys.extend(CANVAS_WORDS.iter().map(|w| format!("canvas.{w}")));
    keys.push("canvas.log".into());
    // The formulas with words in them: the bowl's and the lab's network's.
    keys.push("formula.bowl".into());
    keys.push("formula.mlp".into());
    keys.push("canvas.log_scale".into());
    keys.extend(ClassShape::ALL.iter().map(|s| format!("shape.{}", s.id())));
    keys.extend(ClassLoss::ALL.iter().map(|l| format!("loss.{}", l.id())));
    let stories = crate::state::presets::PRESETS
        .iter()
        .map(|p| ("story", p.id));
    let scenes = crate::state::lab_scenes::LAB_SCENES
        .iter()
        .map(|s| ("scene", s.id));
    keys.extend(
        stories
            .chain(scenes)
            .flat_map(|(kind, id)| ["title", "caption"].map(|part| format!("{kind}.{id}.{part}"))),
    );
    // The walk through the course's words, by topic and field.
    keys.extend(crate::state::course::keys());
    keys.sort();
    keys.dedup();
    keys
}

/// The title of one-click scene `id` in `lang`: a story of the surface page (`kind` `story`)
/// or a scene of the lab (`scene`), the catalogue's `<kind>.<id>.title` (the id when missing).
pub fn scene_title(lang: Lang, kind: &str, id: &'static str) -> &'static str {
    lookup(lang, &format!("{kind}.{id}.title")).unwrap_or(id)
}

/// The caption of one-click scene `id` in `lang`: the catalogue's `<kind>.<id>.caption`.
pub fn scene_caption(lang: Lang, kind: &str, id: &str) -> &'static str {
    lookup(lang, &format!("{kind}.{id}.caption")).unwrap_or("")
}

/// One-click scene `id` as the page lists it, `{id, title, caption, query}` in `lang`.
pub fn scene_view(lang: Lang, kind: &str, id: &'static str, query: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "title": scene_title(lang, kind, id),
        "caption": scene_caption(lang, kind, id),
        "query": query,
    })
}
