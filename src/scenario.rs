//! A scenario: everything on screen (surface, view, start point, runs with all their settings,
//! the current step, lesson mode), and its URL form, so a copied link reproduces it exactly.
//!
//! The URL form is a query string a teacher can read and edit:
//!
//! ```text
//! ?surface=bowl&k=10&angle=0&start=-2.5,1.5&view=-3,3,-3,3&steps=1500&step=120&speed=300
//!  &run=sgd;lr=0.001
//!  &run=momentum;lr=0.001;momentum=0.9;classical
//!  &run=adam;lr=0.05;!bias_correction;schedule=cosine:t_max=500,eta_min=0;noise=0.5@7;hidden
//!  &lesson=lr&large&overlay&chart=grad
//! ```
//!
//! Each `run` is `KIND` then `;`-separated items: `name=value` for a hyperparameter, `flag` or
//! `!flag` to switch a flag on or off, `schedule=SPEC`, `clip_norm=X`, `clip_value=X`,
//! `noise=SIGMA@SEED`, `hidden`. Numbers are written in Rust's shortest round-trip form, so
//! reading a link back gives the same bits.

use crate::optim::{OptimizerKind, RunConfig};
use crate::run::{Noise, RunSpec};
use crate::schedule::Schedule;
use crate::surface::{COORDINATE_LIMIT, Surface, View};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The most runs a scenario holds.
pub const MAX_RUNS: usize = 8;
/// The most steps a run is simulated ahead.
pub const MAX_STEPS: usize = 20_000;

/// One run on screen: its settings and whether it is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunEntry {
    /// The optimizer and what surrounds it.
    pub spec: RunSpec,
    /// Hidden runs are kept (and simulated) but not drawn.
    pub hidden: bool,
}

impl From<RunConfig> for RunEntry {
    fn from(config: RunConfig) -> Self {
        RunEntry {
            spec: RunSpec::from(config),
            hidden: false,
        }
    }
}

/// Everything that makes up what the page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The surface, with its parameters.
    pub surface: Surface,
    /// The region shown; `None` is the surface's default view.
    pub view: Option<View>,
    /// Where every run starts.
    pub start: [f64; 2],
    /// The runs, in order (1 to [`MAX_RUNS`]; a query without runs keeps the default three).
    pub runs: Vec<RunEntry>,
    /// How many steps every run is simulated ahead (1 to [`MAX_STEPS`]).
    pub steps: usize,
    /// The animation's current step.
    pub step: usize,
    /// Animation speed, in steps per second.
    pub speed: f64,
    /// Lesson mode: when `Some`, only these controls are shown (hyperparameter names such as
    /// `lr`, or `surface`, `runs`, `start`, `timeline`).
    pub lesson: Option<Vec<String>>,
    /// Large text, for a projector.
    pub large: bool,
    /// The teaching overlay: gradient step and actual update drawn at each run's head.
    pub overlay: bool,
    /// What the chart under the plot shows.
    pub chart: Chart,
    /// The preset this scenario came from, whose caption the page shows.
    pub story: Option<String>,
    /// The quadratic theory panel (eigenvectors on the plot, the momentum rate map), on
    /// surfaces whose Hessian is constant.
    pub theory: bool,
    /// Keep every run's learning rate when the surface changes or a run is added, instead of
    /// the working rate [`crate::rates::working_lr`] chooses.
    pub keep_rates: bool,
}

/// The quantity the chart under the plot draws against the step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Chart {
    /// `f(θₖ)`.
    #[default]
    Loss,
    /// `‖∇f(θₖ)‖`.
    Grad,
    /// The distance from `θₖ` to the nearest known minimum.
    Distance,
}

impl Chart {
    /// Every chart, in the order the page lists them.
    pub const ALL: [Chart; 3] = [Chart::Loss, Chart::Grad, Chart::Distance];

    /// The name used in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Chart::Loss => "loss",
            Chart::Grad => "grad",
            Chart::Distance => "distance",
        }
    }

    /// The axis title.
    pub fn label(self) -> &'static str {
        match self {
            Chart::Loss => "loss",
            Chart::Grad => "gradient norm",
            Chart::Distance => "distance to nearest minimum",
        }
    }

    /// Looks a chart up by its URL name.
    pub fn from_id(id: &str) -> Result<Chart, String> {
        Chart::ALL
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| format!("unknown chart '{id}': allowed values are loss, grad, distance"))
    }
}

impl Default for Scenario {
    /// Gradient descent, momentum and Adam racing down the Rosenbrock valley.
    fn default() -> Self {
        let config =
            |kind, lr| RunEntry::from(RunConfig::new(kind).with("lr", lr).expect("valid lr"));
        Scenario {
            surface: Surface::Rosenbrock,
            view: None,
            start: Surface::Rosenbrock.default_start(),
            runs: vec![
                config(OptimizerKind::Sgd, 1e-3),
                config(OptimizerKind::Momentum, 1e-3),
                config(OptimizerKind::Adam, 5e-2),
            ],
            steps: 1500,
            step: 0,
            speed: 300.0,
            lesson: None,
            large: false,
            overlay: false,
            chart: Chart::Loss,
            story: None,
            theory: false,
            keep_rates: false,
        }
    }
}

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
/// order, values percent-decoded (a key alone has the value `""`); a value that is not UTF-8 is
/// an error naming its key.
pub(crate) fn split_query(query: &str) -> Result<Vec<(&str, String)>, String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| format!("the value of '{key}' is not valid UTF-8"))?;
            Ok((key, value.into_owned()))
        })
        .collect()
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{what} '{text}' is not a finite number"))
}

/// Each run's legend: its number, its optimizer's label and its learning rate, then every
/// other hyperparameter in which it differs from another run of the same optimizer, and every
/// option that is on in one such run and off in another, so that no two legends read the
/// same unless the runs are the same: "1 · Gradient descent η=0.001", "2 · Momentum
/// η=0.001 μ=0.5", "3 · Momentum η=0.001 μ=0.9 classical".
pub fn legends(runs: &[RunEntry]) -> Vec<String> {
    runs.iter()
        .enumerate()
        .map(|(i, entry)| {
            let config = &entry.spec.optimizer;
            let kind = config.kind;
            let same: Vec<&RunConfig> = runs
                .iter()
                .map(|r| &r.spec.optimizer)
                .filter(|c| c.kind == kind)
                .collect();
            let mut text = format!("{} · {}", i + 1, kind.label());
            for p in kind.params() {
                let v = config.get(p.name).unwrap_or(f64::NAN);
                let differs = same
                    .iter()
                    .any(|c| c.get(p.name).is_ok_and(|w| w.to_bits() != v.to_bits()));
                if p.name == "lr" || differs {
                    text.push_str(&format!(" {}={}", p.symbol, crate::text::number(v)));
                }
            }
            for f in kind.flags() {
                let on = config.get_flag(f.name).unwrap_or(false);
                if on && same.iter().any(|c| c.get_flag(f.name).is_ok_and(|o| !o)) {
                    text.push_str(&format!(" {}", f.name));
                }
            }
            text
        })
        .collect()
}

/// What the page says of runs whose trails coincide: `(under, over)` pairs of run indices
/// (from 0), each meaning run `under`'s trail lies under run `over`'s, in one sentence per
/// pair; empty when there are none.
pub fn coincide_note(pairs: &[(usize, usize)]) -> String {
    pairs
        .iter()
        .map(|&(under, over)| {
            format!(
                "Run {}'s path lies under run {}'s: it shows as the wider band around it.",
                under + 1,
                over + 1
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A flag's URL value: on when written alone or as `1` or `true`, off as `0` or `false`; the
/// error names the flag, the value and the allowed values (`large=maybe` is not off).
pub fn flag(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!(
            "{key} '{value}': allowed are {key} alone, {key}=1 or {key}=true (on), {key}=0 or \
             {key}=false (off)"
        )),
    }
}

/// The controls of the surface page a lesson can name besides the hyperparameters and
/// options of the optimizers (`lr`, `momentum`, `nesterov`, …): each is a `data-key` of the
/// page (`www/index.html`, `www/runs.js`), and `start` and `view` are the plot's gestures.
pub const LESSON_CONTROLS: [&str; 17] = [
    "surface",
    "runs",
    "start",
    "view",
    "timeline",
    "speed",
    "steps",
    "chart",
    "overlay",
    "story",
    "theory",
    "results",
    "sweep",
    "multiples",
    "basins",
    "extras",
    "explain",
];

/// A lesson's list of control names, each checked: one of [`LESSON_CONTROLS`] or a
/// hyperparameter or option of some optimizer. An empty list or an unknown name is an error
/// naming the allowed values (a lesson that hid every control would leave a blank page).
fn lesson(value: &str) -> Result<Vec<String>, String> {
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
    let allowed = || {
        format!(
            "allowed are control names separated by commas: {}",
            seen.join(", ")
        )
    };
    if names.is_empty() {
        return Err(format!("lesson '{value}' names no control: {}", allowed()));
    }
    if let Some(bad) = names.iter().find(|n| !seen.contains(&n.as_str())) {
        return Err(format!(
            "lesson '{value}': unknown control '{bad}': {}",
            allowed()
        ));
    }
    Ok(names)
}

/// `value` as a whole number from `lo` to `hi`, or an error naming `what`, the value and the
/// allowed values. For the integers the page hands over as JavaScript numbers (`f64`), which
/// must be refused when fractional or out of range rather than cut or wrapped to 32 bits
/// (4294967297 steps is not 1 step).
pub fn whole_in(value: f64, what: &str, lo: u64, hi: u64) -> Result<u64, String> {
    // Every u64 up to 2^53 is an exact f64, and the ranges here lie far below it.
    if value.fract() == 0.0 && (lo as f64..=hi as f64).contains(&value) {
        Ok(value as u64)
    } else {
        Err(format!(
            "{what} {}: allowed values are whole numbers from {lo} to {hi}",
            crate::text::number(value)
        ))
    }
}

/// A start point within ±[`COORDINATE_LIMIT`] on both axes; the error names the point and
/// the allowed values.
pub fn check_start(p: [f64; 2]) -> Result<[f64; 2], String> {
    if p.iter().all(|v| v.abs() <= COORDINATE_LIMIT) {
        Ok(p)
    } else {
        let [x, y] = p.map(crate::text::number);
        Err(format!(
            "start '{x},{y}': allowed are finite x and y from -{COORDINATE_LIMIT:e} to \
             {COORDINATE_LIMIT:e}"
        ))
    }
}

fn numbers<const N: usize>(text: &str, what: &str) -> Result<[f64; N], String> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != N {
        return Err(format!(
            "{what} '{text}' needs {N} numbers separated by commas"
        ));
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

pub(crate) fn read_run(text: &str) -> Result<RunEntry, String> {
    let mut items = text.split(';');
    let kind =
        OptimizerKind::from_id(items.next().unwrap_or("").trim()).map_err(|e| e.to_string())?;
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
                    .map_err(|_| format!("noise seed '{seed}' is not a whole number"))?;
                spec.noise = Some(Noise {
                    sigma: number(sigma, "noise")?,
                    seed,
                });
            }
            Some((name, v)) => spec
                .optimizer
                .set(name, number(v, name)?)
                .map_err(|e| e.to_string())?,
            None if item == "hidden" => entry.hidden = true,
            None => {
                let (name, on) = match item.strip_prefix('!') {
                    Some(name) => (name, false),
                    None => (item, true),
                };
                spec.optimizer
                    .set_flag(name, on)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    entry.spec.validate().map_err(|e| e.to_string())?;
    Ok(entry)
}

impl Scenario {
    /// The view shown: the one set, else the surface's default.
    pub fn view(&self) -> View {
        self.view.unwrap_or_else(|| self.surface.default_view())
    }

    /// The query string (without `?`) that [`Scenario::from_query`] reads back to `self`.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("surface", self.surface.info().id.to_owned())];
        if let Surface::Bowl { condition, angle } = self.surface {
            pairs.push(("k", condition.to_string()));
            pairs.push(("angle", angle.to_string()));
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
        if self.overlay {
            pairs.push(("overlay", String::new()));
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
        join_query(pairs)
    }

    /// Reads a query string (with or without its leading `?`). Anything malformed is an error
    /// that says what and where; missing parts take the default scenario's values, and an
    /// empty query is the default scenario.
    ///
    /// With `story=ID` the missing parts take the story's scenario's values instead
    /// ([`crate::presets::Preset::scenario`]): `?story=saddle-point` alone opens the story's
    /// own surface, start, runs and steps, and every other key in the link overrides the
    /// story's (a `surface` without a `start` starts at that surface's default start).
    pub fn from_query(query: &str) -> Result<Scenario, String> {
        let pairs = split_query(query)?;
        let mut s = match pairs.iter().rev().find(|(key, _)| *key == "story") {
            Some((_, id)) => crate::presets::preset(id)?.scenario(),
            None => Scenario::default(),
        };
        let base_start = s.start;
        let mut runs = Vec::new();
        let (mut k, mut angle, mut start, mut surface) = (None, None, None, false);
        for (key, value) in pairs {
            let value = value.as_str();
            match key {
                "surface" => {
                    s.surface = Surface::from_id(value)?;
                    surface = true;
                }
                "k" => k = Some(number(value, "k")?),
                "angle" => angle = Some(number(value, "angle")?),
                "start" => start = Some(check_start(numbers::<2>(value, "start")?)?),
                "view" => {
                    let [x_min, x_max, y_min, y_max] = numbers::<4>(value, "view")?;
                    let view = View::new(x_min, x_max, y_min, y_max);
                    view.check()?;
                    s.view = Some(view);
                }
                "steps" | "step" => {
                    let n = value
                        .parse::<usize>()
                        .map_err(|_| format!("{key} '{value}' is not a whole number"))?;
                    if key == "steps" {
                        if !(1..=MAX_STEPS).contains(&n) {
                            return Err(format!("steps {n}: allowed values are 1 to {MAX_STEPS}"));
                        }
                        s.steps = n;
                    } else {
                        s.step = n;
                    }
                }
                "speed" => {
                    let v = number(value, "speed")?;
                    if !(v > 0.0 && v <= 100_000.0) {
                        return Err(format!("speed {v}: allowed values are 0 < speed ≤ 100000"));
                    }
                    s.speed = v;
                }
                "run" => {
                    if runs.len() == MAX_RUNS {
                        return Err(format!("more than {MAX_RUNS} runs"));
                    }
                    runs.push(read_run(value).map_err(|e| format!("run {}: {e}", runs.len() + 1))?);
                }
                "lesson" => s.lesson = Some(lesson(value)?),
                "large" => s.large = flag("large", value)?,
                "overlay" => s.overlay = flag("overlay", value)?,
                "theory" => s.theory = flag("theory", value)?,
                "keep_rates" => s.keep_rates = flag("keep_rates", value)?,
                "chart" => s.chart = Chart::from_id(value)?,
                "story" => s.story = Some(crate::presets::preset(value)?.id.to_owned()),
                _ => {
                    return Err(format!(
                        "unknown part '{key}': allowed are surface, k, angle, start, view, steps, \
                         step, speed, run, lesson, large, overlay, chart, story, theory, keep_rates"
                    ));
                }
            }
        }
        match s.surface {
            Surface::Bowl {
                condition,
                angle: a,
            } => {
                s.surface = Surface::bowl_of(k.unwrap_or(condition), angle.unwrap_or(a))?;
            }
            _ if k.is_some() || angle.is_some() => {
                return Err("k and angle belong to surface=bowl only".into());
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
        Ok(s)
    }
}
