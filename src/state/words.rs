//! The words of the pages' one-click scenes and the keys the code builds from ids: a story's or
//! a lab scene's title, caption and menu entry in a language, and the list of built keys that
//! `tests/i18n.rs` counts as used.

use crate::i18n::{CANVAS_WORDS, Lang, WORDS, lookup};

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
