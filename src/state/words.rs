//! The words the pages build from the core's values: a story's or a lab scene's title, caption
//! and menu entry in a language, the notes' sentence on torch's momentum, Tune's search in a
//! sentence, and the list of keys built from ids that `tests/i18n.rs` counts as used.

use crate::i18n::{CANVAS_WORDS, Lang, WORDS, lookup, substitute, text};

/// The keys the code builds from names rather than writing out (a story's or a scene's
/// title and caption, by its id), for `tests/i18n.rs`'s check that every key is used.
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
    keys.extend(WORDS.iter().map(|w| format!("word.{w}")));
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
