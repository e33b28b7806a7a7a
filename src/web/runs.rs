//! The runs' settings as both pages edit them: their JSON for the page's run panels, and every
//! change a panel makes to one run (shared by the surface page's `App` and the lab's `Lab`).

use crate::core::explain::Notation;
use crate::core::optim::{Flag, HyperParam, OptimizerKind, RunConfig};
use crate::core::run::{Noise, RunSpec};
use crate::core::schedule::Schedule;
use crate::i18n::{self, Lang};
use crate::render::run_color_hex;
use crate::state::scenario::{MAX_RUNS, RunEntry, whole_in};
use serde::Serialize;
use wasm_bindgen::JsError;

#[derive(Serialize)]
struct ParamView {
    #[serde(flatten)]
    param: HyperParam,
    value: f64,
    /// The small multiples' default range ([`HyperParam::vary_range`]).
    vary: [f64; 2],
}

#[derive(Serialize)]
struct FlagView {
    #[serde(flatten)]
    flag: Flag,
    value: bool,
}

#[derive(Serialize)]
struct RunView {
    kind: &'static str,
    label: &'static str,
    /// What the legends show ([`crate::state::scenario::legends`]).
    legend: String,
    reference: &'static str,
    color: String,
    hidden: bool,
    params: Vec<ParamView>,
    flags: Vec<FlagView>,
    schedule: String,
    clip_norm: Option<f64>,
    clip_value: Option<f64>,
    noise: Option<Noise>,
}

/// The runs as JSON: `[{kind, label, legend, reference, color, hidden, params: [{name, label,
/// symbol, min, max, slider, scale, default, value, vary, …}], flags: [{name, label, doc, default,
/// value}], schedule, clip_norm, clip_value, noise}]`, for the page's run panels, every name in
/// `lang`.
pub(super) fn runs_json(runs: &[RunEntry], lang: Lang) -> String {
    let legends = crate::state::scenario::legends_in(runs, lang);
    let runs: Vec<RunView> = runs
        .iter()
        .zip(legends)
        .enumerate()
        .map(|(i, (entry, legend))| {
            let config = &entry.spec.optimizer;
            let kind = config.kind;
            RunView {
                kind: kind.id(),
                label: i18n::name(lang, "optimizer", kind.id(), kind.label()),
                legend,
                reference: kind.reference(),
                color: run_color_hex(i),
                hidden: entry.hidden,
                params: kind
                    .params()
                    .iter()
                    .map(|p| ParamView {
                        param: *p,
                        value: config.get(p.name).expect("listed parameter"),
                        vary: p.vary_range(),
                    })
                    .collect(),
                flags: kind
                    .flags()
                    .iter()
                    .map(|f| FlagView {
                        flag: *f,
                        value: config.get_flag(f.name).expect("listed flag"),
                    })
                    .collect(),
                schedule: entry.spec.schedule.to_string(),
                clip_norm: entry.spec.clip_norm,
                clip_value: entry.spec.clip_value,
                noise: entry.spec.noise,
            }
        })
        .collect();
    let mut runs = serde_json::to_value(&runs).expect("plain data serializes");
    // The hyperparameters' and options' names (and the options' notes) in `lang`.
    for run in runs.as_array_mut().into_iter().flatten() {
        for p in run["params"].as_array_mut().into_iter().flatten() {
            let key = format!("param.{}", p["name"].as_str().unwrap_or(""));
            if let Some(label) = i18n::lookup(lang, &key) {
                p["label"] = label.into();
            }
        }
        for f in run["flags"].as_array_mut().into_iter().flatten() {
            let key = format!("flag.{}", f["name"].as_str().unwrap_or(""));
            if let Some(label) = i18n::lookup(lang, &key) {
                f["label"] = label.into();
            }
            if let Some(doc) = i18n::lookup(lang, &format!("{key}.doc")) {
                f["doc"] = doc.into();
            }
        }
    }
    super::json(&runs)
}

/// Run `index` of `runs`, or an error naming the allowed indices.
pub(super) fn entry(runs: &[RunEntry], index: usize) -> Result<&RunEntry, JsError> {
    runs.get(index).ok_or_else(|| {
        let last = runs.len().saturating_sub(1);
        crate::err!("error.optim.no_run", index = index, last = last).into()
    })
}

/// One change a run panel makes to its run's settings.
pub(super) enum Edit<'a> {
    /// A hyperparameter by name.
    Param(&'a str, f64),
    /// A flag by name.
    Flag(&'a str, bool),
    /// The learning-rate schedule, in its text form.
    Schedule(&'a str),
    /// Clipping by norm and by value, each off when `None`.
    Clipping(Option<f64>, Option<f64>),
    /// Gradient noise: its standard deviation (0 is off) and seed (a whole number from 0 to
    /// 2³² − 1, as the page hands it over: checked here).
    Noise(f64, f64),
    /// Another optimizer by id, with torch's defaults.
    Optimizer(&'a str),
}

/// Run `index`'s settings with `edit` applied: a bad index, name or value is an error that
/// names the allowed values (the run itself is not touched).
pub(super) fn edited(runs: &[RunEntry], index: usize, edit: Edit<'_>) -> Result<RunSpec, JsError> {
    let mut spec = entry(runs, index)?.spec.clone();
    match edit {
        Edit::Param(name, value) => spec.optimizer.set(name, value)?,
        Edit::Flag(name, on) => spec.optimizer.set_flag(name, on)?,
        Edit::Schedule(text) => spec.schedule = text.parse::<Schedule>()?,
        Edit::Clipping(norm, value) => {
            spec.clip_norm = norm;
            spec.clip_value = value;
        }
        Edit::Noise(sigma, seed) => {
            let seed = whole_in(seed, "noise seed", 0, u64::from(u32::MAX))?;
            spec.noise = (sigma != 0.0).then_some(Noise { sigma, seed });
        }
        Edit::Optimizer(id) => {
            spec.optimizer = RunConfig::new(OptimizerKind::from_id(id)?);
        }
    }
    Ok(spec)
}

/// A new run: optimizer `id` with torch's defaults, or a copy of run `copy` (shown).
pub(super) fn new_entry(runs: &[RunEntry], from: Result<&str, usize>) -> Result<RunEntry, JsError> {
    if runs.len() >= MAX_RUNS {
        return Err(crate::err!("error.optim.too_many_runs", max = MAX_RUNS).into());
    }
    Ok(match from {
        Ok(id) => RunEntry::from(RunConfig::new(OptimizerKind::from_id(id)?)),
        Err(copy) => {
            let mut entry = entry(runs, copy)?.clone();
            entry.hidden = false;
            entry
        }
    })
}

/// Checks that run `index` may be removed (it exists and is not the last one).
pub(super) fn removable(runs: &[RunEntry], index: usize) -> Result<(), JsError> {
    entry(runs, index)?;
    if runs.len() == 1 {
        return Err(crate::err!("error.optim.last_run").into());
    }
    Ok(())
}

/// The update rule of run `index` as MathML, written in `notation`, its words in `lang`.
pub(super) fn rule_mathml(
    runs: &[RunEntry],
    index: usize,
    notation: Notation,
    lang: Lang,
) -> Result<String, JsError> {
    Ok(crate::core::explain::rule_mathml_in(
        &entry(runs, index)?.spec.optimizer,
        notation,
        crate::state::words::notes_words(lang),
    ))
}

/// The notations' ids, in the order the page offers them (the page words them).
pub(super) fn notation_ids() -> Vec<&'static str> {
    Notation::ALL.into_iter().map(Notation::id).collect()
}

/// Exports the setters of a run panel (`set_param`, `set_flag`, `set_schedule`,
/// `set_clipping`, `set_noise`, `set_optimizer`) on a page's handle, each one [`Edit`] through
/// the handle's own `edit(index, Edit)`: the surface page's `App` simulates the run again, the
/// lab's `Lab` retrains it. One definition, so both pages' panels take exactly the same edits.
macro_rules! run_setters {
    ($handle:ty) => {
        #[wasm_bindgen::prelude::wasm_bindgen]
        impl $handle {
            /// Sets hyperparameter `name` of run `index` and computes that run again. A bad
            /// index, name or value is an error that names the allowed values, and leaves the
            /// run as it was.
            pub fn set_param(
                &mut self,
                index: usize,
                name: &str,
                value: f64,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Param(name, value))
            }

            /// Switches flag `name` of run `index` and computes that run again.
            pub fn set_flag(
                &mut self,
                index: usize,
                name: &str,
                on: bool,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Flag(name, on))
            }

            /// Sets run `index`'s learning-rate schedule from its text form (`constant`,
            /// `step:size=100,gamma=0.5`, `exp:gamma=0.99`, `cosine:t_max=500`,
            /// `warmup:steps=50`).
            pub fn set_schedule(
                &mut self,
                index: usize,
                text: &str,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Schedule(text))
            }

            /// Sets run `index`'s gradient clipping: by norm and by value, each off when
            /// `None`.
            pub fn set_clipping(
                &mut self,
                index: usize,
                norm: Option<f64>,
                value: Option<f64>,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Clipping(norm, value))
            }

            /// Sets run `index`'s gradient noise: standard deviation `sigma` (0 switches it
            /// off) and the generator's `seed`.
            pub fn set_noise(
                &mut self,
                index: usize,
                sigma: f64,
                seed: f64,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Noise(sigma, seed))
            }

            /// Gives run `index` the optimizer `id`, with torch's defaults, and computes that
            /// run again.
            pub fn set_optimizer(
                &mut self,
                index: usize,
                id: &str,
            ) -> Result<(), wasm_bindgen::JsError> {
                self.edit(index, $crate::web::runs::Edit::Optimizer(id))
            }
        }
    };
}
pub(super) use run_setters;
