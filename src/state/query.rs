//! The surface page's URL grammar: how a [`Scenario`] is written as a query string and read
//! back, and the pieces the lab's link shares (pairs, percent-encoding, runs, flags, numbers).
//!
//! This is the one place that turns text from an address into values: every number, run, flag
//! and lesson name is checked here, where it enters, and an error names the part, the value
//! and the allowed values.

use crate::core::explain::Notation;
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::run::{MAX_STEPS, Noise};
use crate::core::schedule::Schedule;
use crate::core::surface::{Surface, View};
use crate::err;
use crate::error::Error;
use crate::i18n::Lang;
use crate::state::presets;
use crate::state::scenario::{Chart, LESSON_CONTROLS, MAX_RUNS, RunEntry, Scenario, check_start};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Characters escaped in a value: those that would end or split it, plus `%`, `+` and space.
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// Joins `(key, value)` pairs into a query string (without `?`): a key alone where its value
/// is empty (a flag), values percent-encoded so that [`split_query`] reads them back.
pub(crate) fn join_query(pairs: Vec<(&str, String)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.to_owned()
            } else {
                format!("{k}={}", utf8_percent_encode(&v, VALUE))
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a query string (with or without its leading `?`) into its `(key, value)` pairs, in
/// order, values percent-decoded (a key alone has the value `""`): each key with its value, or
/// why the value cannot be read (it is not UTF-8), naming its key.
pub(crate) fn split_query_keeping(query: &str) -> Vec<(&str, Result<String, Error>)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw)
                .decode_utf8()
                .map(|v| v.into_owned())
                .map_err(|_| err!("error.link.not_utf8", key = key));
            (key, value)
        })
        .collect()
}

pub(crate) fn number(text: &str, what: &str) -> Result<f64, Error> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| err!("error.not_finite", what = what, text = text))
}

/// A flag's URL value: on when written alone or as `1` or `true`, off as `0` or `false`; the
/// error names the flag, the value and the allowed values (`large=maybe` is not off).
pub fn flag(key: &str, value: &str) -> Result<bool, Error> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(err!("error.link.flag", key = key, value = value)),
    }
}

/// A lesson's list of control names, each checked: one of [`LESSON_CONTROLS`] or a
/// hyperparameter or option of some optimizer. Returns the known names (`None` when there are
/// none: a lesson that hid every control would leave a blank page, so such a lesson changes
/// nothing) and, when some name is unknown or none is given, the problem, naming the unknown
/// names and the allowed ones.
fn lesson(value: &str) -> (Option<Vec<String>>, Option<Error>) {
    let mut known: Vec<&str> = LESSON_CONTROLS.to_vec();
    for kind in OptimizerKind::ALL {
        known.extend(kind.params().iter().map(|p| p.name));
        known.extend(kind.flags().iter().map(|f| f.name));
    }
    let mut seen = Vec::new();
    for name in known {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    let names: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    let allowed = seen.join(", ");
    if names.is_empty() {
        let problem = err!("error.link.lesson_empty", value = value, allowed = allowed);
        return (None, Some(problem));
    }
    let (good, bad): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|n| seen.contains(&n.as_str()));
    let problem = (!bad.is_empty()).then(|| {
        let quoted: Vec<String> = bad.iter().map(|b| format!("'{b}'")).collect();
        let problem = match (bad.len() == 1, good.is_empty()) {
            (true, true) => Error::new("error.link.lesson_unknown_one"),
            (false, true) => Error::new("error.link.lesson_unknown_many"),
            (true, false) => Error::new("error.link.lesson_unknown_one_kept"),
            (false, false) => Error::new("error.link.lesson_unknown_many_kept"),
        };
        problem
            .with("value", value)
            .with("names", quoted.join(", "))
            .with("kept", good.join(", "))
            .with("allowed", &allowed)
    });
    ((!good.is_empty()).then_some(good), problem)
}

/// `value` as a whole number from `lo` to `hi`, or an error naming `what`, the value and the
/// allowed values. For the integers the page hands over as JavaScript numbers (`f64`), which
/// must be refused when fractional or out of range rather than cut or wrapped to 32 bits
/// (4294967297 steps is not 1 step).
pub fn whole_in(value: f64, what: &'static str, lo: u64, hi: u64) -> Result<u64, Error> {
    // Every u64 up to 2^53 is an exact f64, and the ranges here lie far below it.
    if value.fract() == 0.0 && (lo as f64..=hi as f64).contains(&value) {
        Ok(value as u64)
    } else {
        Err(Error::new("error.whole_in")
            .with_word("what", what)
            .with("value", crate::core::text::number(value))
            .with("lo", lo)
            .with("hi", hi))
    }
}

pub(crate) fn numbers<const N: usize>(text: &str, what: &str) -> Result<[f64; N], Error> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != N {
        return Err(err!("error.link.count", what = what, text = text, n = N));
    }
    let mut out = [0.0; N];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = number(p, what)?;
    }
    Ok(out)
}

pub(crate) fn write_run(entry: &RunEntry) -> String {
    let spec = &entry.spec;
    let mut items = vec![spec.optimizer.kind.id().to_owned()];
    for (name, value) in &spec.optimizer.values {
        items.push(format!("{name}={value}"));
    }
    for (name, &on) in &spec.optimizer.flags {
        items.push(if on { name.clone() } else { format!("!{name}") });
    }
    if spec.schedule != Schedule::Constant {
        items.push(format!("schedule={}", spec.schedule));
    }
    if let Some(c) = spec.clip_norm {
        items.push(format!("clip_norm={c}"));
    }
    if let Some(c) = spec.clip_value {
        items.push(format!("clip_value={c}"));
    }
    if let Some(n) = spec.noise {
        items.push(format!("noise={}@{}", n.sigma, n.seed));
    }
    if entry.hidden {
        items.push("hidden".into());
    }
    items.join(";")
}

pub(crate) fn read_run(text: &str) -> Result<RunEntry, Error> {
    let mut items = text.split(';');
    let kind = OptimizerKind::from_id(items.next().unwrap_or("").trim())?;
    let mut entry = RunEntry::from(RunConfig::new(kind));
    for item in items.map(str::trim).filter(|i| !i.is_empty()) {
        let spec = &mut entry.spec;
        match item.split_once('=') {
            Some(("schedule", v)) => spec.schedule = v.parse()?,
            Some(("clip_norm", v)) => spec.clip_norm = Some(number(v, "clip_norm")?),
            Some(("clip_value", v)) => spec.clip_value = Some(number(v, "clip_value")?),
            Some(("noise", v)) => {
                let (sigma, seed) = v.split_once('@').unwrap_or((v, "0"));
                let seed = seed
                    .parse::<u64>()
                    .map_err(|_| err!("error.link.noise_seed", seed = seed))?;
                spec.noise = Some(Noise {
                    sigma: number(sigma, "noise")?,
                    seed,
                });
            }
            Some((name, v)) => spec.optimizer.set(name, number(v, name)?)?,
            None if item == "hidden" => entry.hidden = true,
            None => {
                let (name, on) = match item.strip_prefix('!') {
                    Some(name) => (name, false),
                    None => (item, true),
                };
                spec.optimizer.set_flag(name, on)?;
            }
        }
    }
    entry.spec.validate()?;
    // Values each allowed but not together (Nesterov without momentum) are refused here too,
    // so such a run is left out alone rather than failing the scenario when it is simulated.
    entry.spec.optimizer.build()?;
    Ok(entry)
}

/// The last formula `f=` of the link `query`, percent-decoded, whether or not it reads (the
/// page puts one that does not in its field, to be corrected there); `None` without one.
pub fn link_formula(query: &str) -> Option<String> {
    split_query_keeping(query)
        .into_iter()
        .filter(|(key, _)| *key == "f")
        .filter_map(|(_, value)| value.ok())
        .next_back()
}

/// A text as a problem quotes it: whole up to 40 characters, else its first 40 and `…`.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

impl Scenario {
    /// The query string (without `?`) that [`Scenario::from_query`] reads back to `self`.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("surface", self.surface.info().id.to_owned())];
        if let Surface::Bowl { condition, angle } = self.surface {
            pairs.push(("k", condition.to_string()));
            pairs.push(("angle", angle.to_string()));
        }
        if let Surface::Custom(c) = &self.surface {
            pairs.push(("f", c.text().to_owned()));
        }
        pairs.push(("start", format!("{},{}", self.start[0], self.start[1])));
        if let Some(v) = self.view {
            pairs.push((
                "view",
                format!("{},{},{},{}", v.x_min, v.x_max, v.y_min, v.y_max),
            ));
        }
        pairs.push(("steps", self.steps.to_string()));
        pairs.push(("step", self.step.to_string()));
        pairs.push(("speed", self.speed.to_string()));
        for run in &self.runs {
            pairs.push(("run", write_run(run)));
        }
        if let Some(lesson) = &self.lesson {
            pairs.push(("lesson", lesson.join(",")));
        }
        if self.large {
            pairs.push(("large", String::new()));
        }
        if self.embed {
            pairs.push(("embed", String::new()));
        }
        if self.overlay {
            pairs.push(("overlay", String::new()));
        }
        if self.notation != Notation::Torch {
            pairs.push(("notation", self.notation.id().to_owned()));
        }
        if self.chart != Chart::Loss {
            pairs.push(("chart", self.chart.id().to_owned()));
        }
        if let Some(story) = &self.story {
            pairs.push(("story", story.clone()));
        }
        if self.theory {
            pairs.push(("theory", String::new()));
        }
        if self.keep_rates {
            pairs.push(("keep_rates", String::new()));
        }
        if let Some(lang) = self.lang {
            pairs.push(("lang", lang.code().to_owned()));
        }
        join_query(pairs)
    }

    /// Reads a query string (with or without its leading `?`) strictly: the scenario, or
    /// every problem [`Scenario::read_query`] finds, joined by `; `. Missing parts take the
    /// default scenario's values, and an empty query is the default scenario.
    pub fn from_query(query: &str) -> Result<Scenario, Error> {
        let (scenario, problems) = Scenario::read_query(query);
        match Error::list(problems) {
            None => Ok(scenario),
            Some(e) => Err(e),
        }
    }

    /// Reads a query string (with or without its leading `?`), keeping every valid part: the
    /// scenario those parts make, and one problem for each part left out, in the link's order,
    /// each naming the part, its value and the allowed values (`run 2: unknown optimizer
    /// 'adamm': allowed values are sgd, …`, `steps 0: allowed values are 1 to 20000`). Never
    /// panics, whatever the text.
    ///
    /// A bad run is dropped and the others kept (runs are numbered by their place in the link,
    /// so `run 2` is the second `run=` however many were dropped before it); a link whose runs
    /// are all bad keeps the default runs. A bad value of any other key leaves that part at
    /// the default (or the story's); a formula `f` that does not read is reported with its
    /// column and leaves the surface as it was; a lesson keeps its known control names and reports the
    /// unknown ones (with none known, every control is shown); an unknown key is reported.
    /// Missing parts take the default scenario's values, and an empty query is the default
    /// scenario.
    ///
    /// With `story=ID` the missing parts take the story's scenario's values instead
    /// ([`presets::Preset::scenario`]): `?story=saddle-point` alone opens the story's
    /// own surface, start, runs and steps, and every other key in the link overrides the
    /// story's (a `surface` without a `start` starts at that surface's default start).
    pub fn read_query(query: &str) -> (Scenario, Vec<Error>) {
        let pairs = split_query_keeping(query);
        // The last story that exists sets the scene (each one that does not is reported below,
        // in its place).
        let story = pairs
            .iter()
            .filter(|(key, _)| *key == "story")
            .filter_map(|(_, value)| presets::preset(value.as_deref().ok()?).ok())
            .next_back();
        let mut s = story.map_or_else(Scenario::default, presets::Preset::scenario);
        let mut problems = Vec::new();
        let base_start = s.start;
        let mut runs = Vec::new();
        let mut run_number = 0;
        let (mut k, mut angle, mut start, mut surface) = (None, None, None, false);
        // `surface=custom` seen (and not overridden by a later surface), the last formula
        // that reads, and whether any `f` was given.
        let (mut custom, mut formula, mut f_given) = (false, None, false);
        let mut problem = |e: Error| problems.push(e);
        for (key, value) in pairs {
            let value = match &value {
                Ok(v) => v.as_str(),
                Err(e) => {
                    problem(e.clone());
                    continue;
                }
            };
            match key {
                "surface" if value == "custom" => {
                    custom = true;
                    surface = true;
                }
                "surface" => match Surface::from_id(value) {
                    Ok(v) => {
                        s.surface = v;
                        surface = true;
                        custom = false;
                    }
                    Err(e) => problem(Error::new("error.link.surface").with_cause("unknown", e)),
                },
                // A formula is held to MAX_CHARS characters and MAX_DEPTH nesting by the
                // parser, which refuses longer or deeper ones before reading them.
                "f" => {
                    f_given = true;
                    match Surface::custom(value) {
                        Ok(v) => formula = Some(v),
                        Err(_) if value.trim().is_empty() => problem(err!("error.link.f_empty")),
                        Err(e) => problem(
                            Error::new("error.link.f")
                                .with("text", shorten(value))
                                .with_cause("cause", e.error),
                        ),
                    }
                }
                // The condition number's range is checked here, so a bad k leaves a good one
                // given earlier in force.
                "k" => match number(value, "k").and_then(|v| Surface::bowl_of(v, 0.0).map(|_| v)) {
                    Ok(v) => k = Some(v),
                    Err(e) => problem(e),
                },
                "angle" => match number(value, "angle") {
                    Ok(v) => angle = Some(v),
                    Err(e) => problem(e),
                },
                "start" => match numbers::<2>(value, "start").and_then(check_start) {
                    Ok(p) => start = Some(p),
                    Err(e) => problem(e),
                },
                "view" => {
                    let view = numbers::<4>(value, "view").and_then(|[x0, x1, y0, y1]| {
                        let view = View::new(x0, x1, y0, y1);
                        view.check().map(|()| view)
                    });
                    match view {
                        Ok(v) => s.view = Some(v),
                        Err(e) => problem(e),
                    }
                }
                "steps" | "step" => match value.parse::<usize>() {
                    Err(_) if key == "step" => problem(err!("error.link.step", value = value)),
                    Err(_) => problem(
                        Error::new("error.link.steps_text")
                            .with("value", value)
                            .with("max", MAX_STEPS),
                    ),
                    Ok(n) if key == "step" => s.step = n,
                    Ok(n) if (1..=MAX_STEPS).contains(&n) => s.steps = n,
                    Ok(n) => problem(err!("error.link.steps", value = n, max = MAX_STEPS)),
                },
                "speed" => match number(value, "speed") {
                    Ok(v) if v > 0.0 && v <= 100_000.0 => s.speed = v,
                    Ok(v) => problem(err!("error.link.speed", value = v)),
                    Err(e) => problem(e),
                },
                "run" => {
                    run_number += 1;
                    if runs.len() == MAX_RUNS {
                        let (run, max) = (run_number, MAX_RUNS);
                        problem(err!("error.link.too_many_runs", run = run, max = max));
                    } else {
                        match read_run(value) {
                            Ok(run) => runs.push(run),
                            Err(e) => problem(
                                Error::new("error.link.run")
                                    .with("run", run_number)
                                    .with_cause("cause", e),
                            ),
                        }
                    }
                }
                "lesson" => {
                    let (names, trouble) = lesson(value);
                    // A lesson naming no known control changes nothing.
                    if names.is_some() {
                        s.lesson = names;
                    }
                    if let Some(e) = trouble {
                        problem(e);
                    }
                }
                "large" | "embed" | "overlay" | "theory" | "keep_rates" => match flag(key, value) {
                    Ok(on) => match key {
                        "large" => s.large = on,
                        "embed" => s.embed = on,
                        "overlay" => s.overlay = on,
                        "theory" => s.theory = on,
                        _ => s.keep_rates = on,
                    },
                    Err(e) => problem(e),
                },
                "lang" => match Lang::from_code(value) {
                    Ok(l) => s.lang = Some(l),
                    Err(e) => problem(e),
                },
                "chart" => match Chart::from_id(value) {
                    Ok(c) => s.chart = c,
                    Err(e) => problem(e),
                },
                "notation" => match Notation::parse(value) {
                    Ok(n) => s.notation = n,
                    Err(e) => problem(e),
                },
                // The scene was set by the last story that exists.
                "story" => {
                    if let Err(e) = presets::preset(value) {
                        problem(e);
                    }
                }
                _ => problem(err!("error.link.unknown_part", key = key)),
            }
        }
        // `surface=custom&f=FORMULA`, or `f=FORMULA` alone; a bad formula was reported where
        // it was read, and leaves the surface as it was.
        match formula {
            Some(f) if custom || !surface => {
                s.surface = f;
                surface = true;
            }
            Some(_) => {
                let surface = s.surface.info().id;
                problem(err!("error.link.f_not_custom", surface = surface));
            }
            None if custom && !f_given => problem(err!("error.link.custom_needs_f")),
            None => {}
        }
        match s.surface {
            Surface::Bowl {
                condition,
                angle: a,
            } => {
                // Both were checked as they were read.
                let (k, angle) = (k.unwrap_or(condition), angle.unwrap_or(a));
                s.surface = Surface::bowl_of(k, angle).unwrap_or(s.surface);
            }
            _ if k.is_some() || angle.is_some() => {
                problem(err!("error.link.k_angle"));
            }
            _ => {}
        }
        s.start = match start {
            Some(p) => p,
            None if surface || s.story.is_none() => s.surface.default_start(),
            None => base_start,
        };
        if !runs.is_empty() {
            s.runs = runs;
        }
        s.step = s.step.min(s.steps);
        (s, problems)
    }
}
