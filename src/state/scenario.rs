//! A scenario: everything on screen (surface, view, start point, runs with all their settings,
//! the current step, lesson mode), so a copied link reproduces it exactly.
//!
//! Its URL form ([`crate::state::query`] reads and writes it) is a query string a teacher can read and edit:
//!
//! ```text
//! ?surface=bowl&k=10&angle=0&start=-2.5,1.5&view=-3,3,-3,3&steps=1500&step=120&speed=300
//!  &run=sgd;lr=0.001
//!  &run=momentum;lr=0.001;momentum=0.9;classical
//!  &run=adam;lr=0.05;!bias_correction;schedule=cosine:t_max=500,eta_min=0;noise=0.5@7;hidden
//!  &lesson=lr&large&notation=notes&overlay&chart=grad
//! ```
//!
//! Each `run` is `KIND` then `;`-separated items: `name=value` for a hyperparameter, `flag` or
//! `!flag` to switch a flag on or off, `schedule=SPEC`, `clip_norm=X`, `clip_value=X`,
//! `noise=SIGMA@SEED`, `hidden`. Numbers are written in Rust's shortest round-trip form, so
//! reading a link back gives the same bits.
//!
//! A surface the user typed is `surface=custom&f=FORMULA` (or `f=FORMULA` alone), the formula
//! percent-encoded in its canonical form ([`crate::core::expr`]):
//! `?surface=custom&f=(1%20-%20x)^2%20%2B%20100*(y%20-%20x^2)^2`.

use crate::core::explain::Notation;
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::run::{RunSpec, Trajectory};
use crate::core::surface::{COORDINATE_LIMIT, Surface, View};
use crate::error::Error;
use crate::i18n::{self, Lang};
use serde::{Deserialize, Serialize};

/// The most runs a scenario holds.
pub const MAX_RUNS: usize = 8;
pub use crate::core::run::MAX_STEPS;
pub use crate::state::query::{flag, whole_in};

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
    /// Embedded in another page (`&embed`): the scene alone, the plot and its chart sized to
    /// the frame, without the page's toolbar, panels and comparisons; the embedder steps,
    /// plays and pauses it with `postMessage` (README, "Embedding").
    #[serde(default)]
    pub embed: bool,
    /// The symbols the update rules and "explain this step" are written in: torch's, or the
    /// course notes' (`&notation=notes`).
    pub notation: Notation,
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
    /// the working rate [`crate::core::rates::working_lr`] chooses.
    pub keep_rates: bool,
    /// The page's language as the link chose it (`lang=zh`); `None` follows the browser.
    #[serde(default)]
    pub lang: Option<Lang>,
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
    /// The values this chart shows for trajectory `t` on `surface`, from step 0 to `k`: the
    /// loss, the gradient's norm, or the distance to the nearest known minimum.
    pub fn values(self, surface: &Surface, t: &Trajectory, k: usize) -> Vec<f64> {
        match self {
            Chart::Loss => t.losses[..=k].to_vec(),
            Chart::Grad => t.grads[..=k].iter().map(|g| g[0].hypot(g[1])).collect(),
            Chart::Distance => {
                let minima = surface.minima();
                t.points[..=k]
                    .iter()
                    .map(|p| {
                        minima
                            .iter()
                            .map(|m| (p[0] - m[0]).hypot(p[1] - m[1]))
                            .fold(f64::INFINITY, f64::min)
                    })
                    .collect()
            }
        }
    }

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
    pub fn from_id(id: &str) -> Result<Chart, Error> {
        Chart::ALL
            .into_iter()
            .find(|c| c.id() == id)
            .ok_or_else(|| crate::err!("error.link.chart", id = id))
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
            embed: false,
            notation: Notation::Torch,
            overlay: false,
            chart: Chart::Loss,
            story: None,
            theory: false,
            keep_rates: false,
            lang: None,
        }
    }
}

/// Each run's legend: its number, its optimizer's label and its learning rate, then every
/// other hyperparameter in which it differs from another run of the same optimizer, and every
/// option that is on in one such run and off in another, so that no two legends read the
/// same unless the runs are the same: "1 · Gradient descent η=0.001", "2 · Momentum
/// η=0.001 μ=0.5", "3 · Momentum η=0.001 μ=0.9 classical".
pub fn legends(runs: &[RunEntry]) -> Vec<String> {
    legends_in(runs, Lang::En)
}

/// [`legends`] with each optimizer named in `lang` ("1 · 梯度下降 η=0.001").
pub fn legends_in(runs: &[RunEntry], lang: Lang) -> Vec<String> {
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
            let label = i18n::name(lang, "optimizer", kind.id(), kind.label());
            let mut text = format!("{} · {label}", i + 1);
            for p in kind.params() {
                let v = config.get(p.name).unwrap_or(f64::NAN);
                let differs = same
                    .iter()
                    .any(|c| c.get(p.name).is_ok_and(|w| w.to_bits() != v.to_bits()));
                if p.name == "lr" || differs {
                    text.push_str(&format!(" {}={}", p.symbol, crate::core::text::number(v)));
                }
            }
            for f in kind.flags() {
                let on = config.get_flag(f.name).unwrap_or(false);
                if on && same.iter().any(|c| c.get_flag(f.name).is_ok_and(|o| !o)) {
                    // English names the option as the link does; Chinese by its label.
                    let name = match lang {
                        Lang::En => f.name,
                        _ => i18n::name(lang, "flag", f.name, f.name),
                    };
                    text.push_str(&format!(" {name}"));
                }
            }
            text
        })
        .collect()
}

/// What the page says of runs whose trails coincide: `(under, over)` pairs of run indices
/// (from 0), each meaning run `under`'s trail lies under run `over`'s, in one sentence per
/// pair, in `lang`; empty when there are none.
pub fn coincide_note(pairs: &[(usize, usize)], lang: Lang) -> String {
    pairs
        .iter()
        .map(|&(under, over)| {
            let (under, over) = (under + 1, over + 1);
            i18n::fill(lang, "coincide", &[("under", &under), ("over", &over)])
        })
        .collect::<Vec<_>>()
        .join(" ")
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

/// A start point within ±[`COORDINATE_LIMIT`] on both axes; the error names the point and
/// the allowed values.
pub fn check_start(p: [f64; 2]) -> Result<[f64; 2], Error> {
    if p.iter().all(|v| v.abs() <= COORDINATE_LIMIT) {
        Ok(p)
    } else {
        let [x, y] = p.map(crate::core::text::number);
        let limit = format!("{COORDINATE_LIMIT:e}");
        Err(crate::err!("error.link.start", x = x, y = y, limit = limit))
    }
}

impl Scenario {
    /// Every run's trace: its trajectory simulated from the scenario's start for its steps, as
    /// the page draws it (what the page's export and `optiviz runs` write).
    pub fn traces(&self) -> Result<Vec<crate::core::trace::Trace>, Error> {
        self.runs
            .iter()
            .map(|entry| {
                crate::core::trace::Trace::run(
                    self.surface.clone(),
                    entry.spec.clone(),
                    self.start,
                    self.steps,
                )
            })
            .collect()
    }

    /// The view shown: the one set, else the surface's default.
    pub fn view(&self) -> View {
        self.view.unwrap_or_else(|| self.surface.default_view())
    }
}
