//! The regression lab's handle: a [`LabScenario`], every run's training, and the three
//! canvases it is painted on (the loss landscape over two parameters, the data with each run's
//! fit, and the loss curves). The lab page (`www/lab.js`) drives it as the surface page drives
//! [`super::App`]: it owns the frame loop and calls [`Lab::advance`] and [`Lab::render`].

use super::paint::now;
use super::runs::{self, Edit};
use super::{PAGE, backend, context, json, offscreen, rgb};
use crate::core::explain::{Notation, explain_gradient};
use crate::core::model::{
    Batches, ClassLoss, LabModel, MAX_CSV_CHARS, ModelSpec, Points, Trainer, Training,
};
use crate::core::run::RunSpec;
use crate::core::surface::View;
use crate::err;
use crate::error::Error;
use crate::i18n::{self, Lang};
use crate::render::field::ContourLine;
use crate::render::lab::{
    DataLayer, FitSeries, data_plot_rect, data_view, landscape_minimum, landscape_view, loss_cells,
    loss_contours, loss_rgba, loss_scaling, probability_rgba, project,
};
use crate::render::plot::draw_err;
use crate::render::plot::surface_frame;
use crate::render::viewport::Viewport;
use crate::render::{
    Line, MetricSeries, Theme, TrajectorySeries, draw_metric, draw_plane_layer, draw_trajectories,
};
use crate::state::lab::DataControl;
use crate::state::lab::LabScenario;
use crate::state::lab_scenes::{LAB_SCENES, scene};
use crate::state::scenario::{MAX_STEPS, whole_in};
use plotters::prelude::*;
use serde::Serialize;
use std::ops::Range;
use wasm_bindgen::Clamped;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, ImageData};

/// How many model-loss evaluations of one sample a landscape raster may cost (a frame's
/// worth of work): its resolution is cut to fit, and the raster is smoothed up to the plot.
const LANDSCAPE_BUDGET: f64 = 2.5e6;

/// The same budget for the network's decision regions, counted in hidden units (each a
/// `tanh`, which costs about as much as the rest of a unit's work).
const REGIONS_BUDGET: f64 = 1e6;

/// How near (device pixels, at a device-pixel ratio of 1) a pointer must be to grab a point.
const GRAB_PX: f64 = 12.0;

/// What the landscape raster was computed for, to know when it must be computed again.
#[derive(Clone, Debug, PartialEq)]
struct LandscapeKey {
    version: u64,
    width: u32,
    height: u32,
    /// The view shown, bit patterns.
    view: [u64; 4],
    /// The parameters held fixed (for models of more than two parameters), bit patterns.
    held: Vec<u64>,
}

/// A landscape raster being computed a few rows per frame (an expensive model's loss over
/// even the coarsest raster costs more than a frame).
struct LandscapeJob {
    key: LandscapeKey,
    held: Vec<f64>,
    view: View,
    size: (usize, usize),
    values: Vec<f64>,
}

/// How many contour levels the landscape shows (as many as the surface page's).
const CONTOURS: usize = 14;

/// Milliseconds of a frame the landscape raster may take ([`LandscapeJob`]).
const LANDSCAPE_MS: f64 = 5.0;

/// One run's standing at the current step, for the page's readouts.
#[derive(Serialize)]
struct LabRunStatus {
    step: usize,
    epoch: usize,
    loss: f64,
    batch_loss: Option<f64>,
    val_loss: Option<f64>,
    accuracy: Option<f64>,
    params: Vec<f64>,
    diverged_at: Option<usize>,
    best_val_step: Option<usize>,
    /// The run's samples per step.
    batch: usize,
    /// The run's steps per epoch, `⌈n / batch⌉`.
    per_epoch: usize,
}

#[derive(Serialize)]
struct LabStatus {
    step: usize,
    /// How far every run has trained ([`Lab::trained`]): below `max_steps` while training
    /// catches up.
    trained: usize,
    max_steps: usize,
    runs: Vec<LabRunStatus>,
}

#[derive(Serialize)]
struct LabSettings {
    model: &'static str,
    seed: u64,
    /// Each run's samples per step.
    batches: Vec<usize>,
    samples: usize,
    points: usize,
    edited: bool,
    classes: bool,
    steps: usize,
    axes: [usize; 2],
    param_names: Vec<String>,
    controls: Vec<DataControl>,
    least_squares: Option<[f64; 2]>,
    least_squares_loss: Option<f64>,
    formula: &'static str,
    /// The scene the lab came from, `{id, title, caption, query}`, if any.
    scene: Option<serde_json::Value>,
    /// The parameters every run starts from.
    start: Vec<f64>,
    /// Whether the start was set (rather than the model's own).
    start_set: bool,
}

/// The lab page's handle.
#[wasm_bindgen]
pub struct Lab {
    s: LabScenario,
    model: LabModel,
    points: Points,
    validation: Vec<bool>,
    /// Every run's training, advanced a frame's budget at a time ([`Lab::train`]).
    trainers: Vec<Trainer>,
    /// Bumped whenever the model, the data or a run changes (the landscape's cache key).
    version: u64,
    landscape: HtmlCanvasElement,
    data: HtmlCanvasElement,
    chart: HtmlCanvasElement,
    theme: Theme,
    /// The parts of the link left out, each with why (worded when shown, in the page's
    /// language: [`Lab::load_error`]).
    load_error: Vec<Error>,
    speed: f64,
    /// The data view's region, kept while points are edited so the view does not move under
    /// the pointer; refitted when an edit ends or the data is drawn afresh.
    data_view: View,
    /// Where the data plot was last drawn: `(columns, rows)`.
    data_rect: (Range<i32>, Range<i32>),
    landscape_key: Option<LandscapeKey>,
    /// Where the landscape was last drawn: its plot's `(columns, rows)` and the view shown
    /// there (fitted to the plot's aspect), for zooming and panning it.
    landscape_frame: Option<Viewport>,
    /// The landscape raster at its own resolution, smoothed onto the plot each frame.
    landscape_raster: Option<HtmlCanvasElement>,
    /// The contour lines of that raster, in parameter coordinates.
    landscape_contours: Vec<ContourLine>,
    /// The raster being computed, when it takes more than a frame.
    landscape_job: Option<LandscapeJob>,
    /// The decision regions' raster.
    regions_raster: Option<HtmlCanvasElement>,
    /// The run whose next step's batch the data view rings (its step explained), if any.
    highlight: Option<usize>,
    /// The language the lab is shown in (the link's, or the browser's).
    lang: Lang,
}

impl Lab {
    /// Builds the model and every run's trainer of `s` (nothing trained yet: [`Lab::train`]
    /// does that over the next frames); the error says what is wrong.
    fn load(s: &LabScenario) -> Result<(LabModel, Points, Vec<bool>, Vec<Trainer>), Error> {
        let model = s.build()?;
        s.validate_on(&model)?;
        let points = s.data()?;
        let validation = s.model.validation_mask(s.seed, points.len());
        let trainers = s.trainers_on(&model)?;
        Ok((model, points, validation, trainers))
    }

    /// Every run's training so far.
    fn trainings(&self) -> impl Iterator<Item = &Training> {
        self.trainers.iter().map(Trainer::training)
    }

    /// How far every run can be shown: the fewest steps trained among the runs still
    /// training (the scenario's steps when all are done).
    fn trained(&self) -> usize {
        self.trainers
            .iter()
            .filter(|t| !t.done())
            .map(|t| t.training().steps())
            .min()
            .unwrap_or(self.s.steps)
    }

    /// Makes `next` the scenario when it trains; otherwise nothing changes.
    fn apply(&mut self, mut next: LabScenario) -> Result<(), JsError> {
        // The language is the page's, whatever scene or model comes.
        next.lang = self.s.lang;
        let (model, points, validation, trainers) = Lab::load(&next)?;
        // Fresh points (generated anew) get a fitted view; edits keep it until they end.
        let refit = next.points.is_none() && points != self.points;
        let (large, notation) = (self.s.large, self.s.notation);
        self.s = next;
        (self.s.large, self.s.notation) = (large, notation);
        self.model = model;
        self.points = points;
        self.validation = validation;
        self.trainers = trainers;
        self.version += 1;
        if refit {
            self.data_view = data_view(&self.points);
        }
        Ok(())
    }

    /// A batch size from the page (0 or the training points: the full batch, `None`), checked
    /// against the training points.
    fn batch_size(&self, size: f64) -> Result<Option<usize>, JsError> {
        let n = self.model.as_model().samples();
        let size = whole_in(size, "batch size", 0, n as u64)
            .map_err(|e| err!("error.lab.batch_size").with_cause("cause", e))?
            as usize;
        Ok((size != 0 && size < n).then_some(size))
    }

    /// Retrains run `index` with `spec`; on error the run stays as it was.
    fn retrain(&mut self, index: usize, spec: RunSpec) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.runs[index].spec = spec;
        self.apply(next)
    }

    fn edit(&mut self, index: usize, edit: Edit<'_>) -> Result<(), JsError> {
        let spec = runs::edited(&self.s.runs, index, edit)?;
        self.retrain(index, spec)
    }

    /// The first shown run (or run 0): whose parameters the landscape holds and whose
    /// decision regions the data view shades.
    fn lead(&self) -> usize {
        self.s.runs.iter().position(|r| !r.hidden).unwrap_or(0)
    }

    /// Run `index`'s next step from the point shown: `(k, batch, points)`, the point `k` it
    /// starts from, the batch of step `k + 1` (training samples) and those samples' indices
    /// among the points shown; `None` when the run takes no further step.
    fn next_batch(&self, index: usize) -> Option<(usize, Vec<usize>, Vec<usize>)> {
        let t = self.trainers.get(index)?.training();
        let k = self.s.step.min(t.steps());
        let ended = k >= self.s.steps || t.diverged_at.is_some_and(|d| d <= k + 1);
        if ended {
            return None;
        }
        let n = self.model.as_model().samples();
        let seed = ModelSpec::shuffle_seed(self.s.seed);
        let batch = Batches::of_step(n, self.s.run_batch(index, &self.model), seed, k + 1);
        let train = self.s.model.train_indices(self.s.seed, self.points.len());
        let points = batch
            .iter()
            .filter_map(|&j| train.get(j).copied())
            .collect();
        Some((k, batch, points))
    }

    /// Run `i`'s parameters at the current step (its last ones once it has stopped).
    fn params_now(&self, i: usize) -> &[f64] {
        let t = self.trainers[i].training();
        &t.params[self.s.step.min(t.steps())]
    }

    /// The data view's plot rectangle and view, as last drawn.
    fn data_port(&self) -> Viewport {
        Viewport::new(self.data_rect.clone(), self.data_view)
    }

    /// The data point under device pixel `(px, py)` of the data canvas.
    fn data_at(&self, px: f64, py: f64) -> [f64; 2] {
        self.data_port().world(px, py)
    }

    fn edit_points(
        &mut self,
        change: impl FnOnce(&mut Points) -> Result<(), Error>,
    ) -> Result<(), JsError> {
        let mut points = self.points.clone();
        change(&mut points)?;
        let mut next = self.s.clone();
        next.set_points(Some(points))?;
        self.apply(next)
    }
}

#[wasm_bindgen]
impl Lab {
    /// A new lab painting on `landscape`, `data` and `chart`; `dpr` is the device-pixel ratio
    /// and `query` the page's URL query (its good parts are loaded and [`Lab::load_error`]
    /// names each bad one: [`LabScenario::read_query`]).
    #[wasm_bindgen(constructor)]
    pub fn new(
        landscape: HtmlCanvasElement,
        data: HtmlCanvasElement,
        chart: HtmlCanvasElement,
        dpr: f64,
        query: &str,
    ) -> Result<Lab, JsError> {
        let (s, mut load_error) = LabScenario::read_query(query);
        let (s, loaded) = match Lab::load(&s) {
            Ok(l) => (s, l),
            Err(e) => {
                load_error = vec![e];
                let d = LabScenario::default();
                let l = Lab::load(&d)?;
                (d, l)
            }
        };
        let (model, points, validation, trainers) = loaded;
        let font_px = Theme::font_for(s.large);
        Ok(Lab {
            data_view: data_view(&points),
            s,
            model,
            points,
            validation,
            trainers,
            version: 0,
            landscape,
            data,
            chart,
            theme: Theme {
                dpr: if dpr.is_finite() && dpr > 0.0 {
                    dpr
                } else {
                    1.0
                },
                font_px,
                ..Theme::default()
            },
            load_error,
            speed: 30.0,
            data_rect: (0..1, 0..1),
            landscape_key: None,
            landscape_frame: None,
            landscape_raster: None,
            landscape_contours: Vec::new(),
            landscape_job: None,
            regions_raster: None,
            highlight: None,
            lang: Lang::En,
        })
    }

    /// The parts of the link that were left out, each with why and the allowed values, in
    /// the lab's language, joined as it joins a list (`; ` in English; the rest of the link is
    /// shown), if any were.
    pub fn load_error(&self) -> Option<String> {
        Error::list(self.load_error.iter().cloned()).map(|e| e.message(self.lang))
    }

    /// The lab as a URL query (without `?`): a link to exactly what is on screen.
    pub fn query(&self) -> String {
        self.s.to_query()
    }

    /// The page's language as the link chose it (`en` or `zh`), or `undefined` when it did
    /// not (the page then follows the browser: [`super::browser_lang`]).
    pub fn lang(&self) -> Option<String> {
        self.s.lang.map(|l| l.code().to_owned())
    }

    /// Shows the lab in language `code` (`en` or `zh`); with `in_link`, the link carries it
    /// from now on (the user chose it), otherwise it only follows the browser. An unknown
    /// code is an error naming the allowed ones; nothing changes then.
    pub fn set_lang(&mut self, code: &str, in_link: bool) -> Result<(), JsError> {
        self.lang = super::show_lang(code, in_link, &mut self.s.lang)?;
        self.theme.lang = self.lang;
        Ok(())
    }

    /// Panics with `message`. It exists only so that the browser test
    /// (`tests/browser/panic.test.mjs`) can prove the lab recovers from a Rust panic without
    /// a reload; nothing on the page calls it.
    pub fn panic_for_test(&mut self, message: &str) {
        panic!("{message}");
    }

    /// The models as JSON `[{id, label}]`.
    pub fn models(lang: &str) -> String {
        let lang = Lang::from_code(lang).unwrap_or_default();
        json(
            &[
                ("linear", "Linear regression y = w·x + b (MSE)"),
                (
                    "logistic",
                    "Logistic regression (cross-entropy or squared error)",
                ),
                ("poly", "Polynomial regression with L1/L2 (MSE)"),
                ("mlp", "One-hidden-layer network (cross-entropy)"),
            ]
            .map(|(id, label)| {
                let label = i18n::name(lang, "model", id, label);
                serde_json::json!({"id": id, "label": label})
            }),
        )
    }

    /// Everything the page's lab controls show, as JSON: `{model, seed, batches, samples,
    /// points, edited, classes, steps, axes, param_names, controls: [{key, label, value, min,
    /// max, step, regenerates, choices, choice}], least_squares, least_squares_loss, formula,
    /// scene, start, start_set}` (`batches`: each run's samples per step; `scene`: `{id,
    /// title, caption, query}` or `null`; `start`: the parameters every run starts from).
    pub fn settings(&self) -> String {
        let m = self.model.as_model();
        let ls = self.model.least_squares();
        json(&LabSettings {
            model: self.s.model.id(),
            seed: self.s.seed,
            batches: (0..self.s.runs.len())
                .map(|i| self.s.run_batch(i, &self.model))
                .collect(),
            samples: m.samples(),
            points: self.points.len(),
            edited: self.s.points.is_some(),
            classes: matches!(self.points, Points::Classes(_)),
            steps: self.s.steps,
            axes: [self.s.axes.0, self.s.axes.1],
            param_names: m.param_names(),
            controls: self
                .s
                .data_controls()
                .into_iter()
                .map(|mut c| {
                    // Each setting's name, and its choices', in the lab's language.
                    c.label = i18n::name(self.lang, "data", c.key, c.label);
                    for (id, label) in &mut c.choices {
                        let prefix = if c.key == "loss" { "loss" } else { "shape" };
                        *label = i18n::name(self.lang, prefix, id, label);
                    }
                    c
                })
                .collect(),
            least_squares: ls,
            least_squares_loss: ls.map(|p| m.loss(&p)),
            formula: match self.model {
                LabModel::Linear(_) => "L(w, b) = 1/n Σ (w·xᵢ + b − yᵢ)²",
                LabModel::Logistic(ref m) if m.class_loss() == ClassLoss::Mse => {
                    "L(w, b) = 1/n Σ (σ(zᵢ) − yᵢ)²,  zᵢ = w₁x₁ + w₂x₂ + b"
                }
                LabModel::Logistic(_) => {
                    "L(w, b) = −1/n Σ [yᵢ ln σ(zᵢ) + (1 − yᵢ) ln(1 − σ(zᵢ))],  zᵢ = w₁x₁ + w₂x₂ + b"
                }
                LabModel::Poly(_) => {
                    "L(w, b) = 1/n Σ (w₁xᵢ + … + w_d xᵢᵈ + b − yᵢ)² + λ₁ Σ|wₖ| + λ₂ Σ wₖ²"
                }
                LabModel::Mlp(_) => {
                    // The one formula with words in it (the dropout mask).
                    i18n::name(
                        self.lang,
                        "formula",
                        "mlp",
                        "L = −1/n Σ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] + λ₂ Σ W²,  p = σ(w₂·(tanh(W₁x + b₁) ⊙ r) + b₂), r the dropout mask",
                    )
                }
            },
            scene: self
                .s
                .scene
                .as_deref()
                .and_then(|id| scene(id).ok())
                .map(|s| s.view(self.lang)),
            start: self.trainers[self.lead()].training().params[0].clone(),
            start_set: self.s.start.is_some(),
        })
    }

    /// Whether large text (projector mode) is on.
    pub fn large(&self) -> bool {
        self.s.large
    }

    /// The notation the rules are written in (`torch` or `notes`).
    pub fn notation(&self) -> String {
        self.s.notation.id().to_owned()
    }

    /// Writes the rules in notation `id` (`torch` or `notes`); an unknown id is an error
    /// naming the allowed ones, and nothing changes then.
    pub fn set_notation(&mut self, id: &str) -> Result<(), JsError> {
        self.s.notation = Notation::parse(id)?;
        Ok(())
    }

    /// Switches large text on or off: the page scales its text, the plots their labels (in
    /// the surface page's sizes, [`Theme::LARGE_FONT_PX`]).
    pub fn set_large(&mut self, on: bool) {
        self.s.large = on;
        self.theme.font_px = Theme::font_for(on);
    }

    /// The one-click scenes as JSON `[{id, title, caption, query}]` in language `lang` (`en`
    /// or `zh`; English when it is neither), in the menu's order.
    pub fn scenes(lang: &str) -> String {
        let lang = Lang::from_code(lang).unwrap_or_default();
        json(&LAB_SCENES.iter().map(|s| s.view(lang)).collect::<Vec<_>>())
    }

    /// Opens scene `id` (its lab, at step 0); the animation speed is kept. An unknown id is an
    /// error naming the allowed ones, and nothing changes then.
    pub fn load_scene(&mut self, id: &str) -> Result<(), JsError> {
        let next = scene(id)?.scenario();
        self.apply(next)?;
        self.data_view = data_view(&self.points);
        Ok(())
    }

    /// Switches to model `id` (`linear`, `logistic`, `poly`, `mlp`) with its default data,
    /// runs and batch (leaving any scene); the seed and the number of steps are kept.
    pub fn set_model(&mut self, id: &str) -> Result<(), JsError> {
        let model = LabScenario::default_model(id)?;
        let mut next = LabScenario {
            model,
            seed: self.s.seed,
            steps: self.s.steps,
            step: 0,
            ..LabScenario::default()
        };
        next.set_runs(LabScenario::default_runs(&next.model));
        self.apply(next)
    }

    /// Sets one data or model setting by its key (see `settings().controls`); generator
    /// settings draw the points afresh. Errors name the allowed values; nothing changes then.
    pub fn set_data(&mut self, key: &str, value: f64) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.set_data(key, &value.to_string())?;
        self.apply(next)
    }

    /// Sets one data setting that is a choice among names (a control with `choices`, such
    /// as `data`: `blobs`, `circles`, `moons`, `xor`) to the choice `value`. Errors name the
    /// allowed values; nothing changes then.
    pub fn set_data_choice(&mut self, key: &str, value: &str) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.set_data(key, value)?;
        self.apply(next)
    }

    /// Sets the parameters every run starts from: `text` is `θ₁,θ₂,…`, one value per
    /// parameter within ±1e6, or empty for the model's own start. Errors name the problem
    /// and the allowed values; nothing changes then.
    pub fn set_start(&mut self, text: &str) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.set_start(text)?;
        next.view = None;
        self.apply(next)
    }

    /// Draws the data afresh from `seed` (edited points are dropped); the seed also sets the
    /// validation split, the shuffling, the initial weights and dropout.
    pub fn set_seed(&mut self, seed: f64) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.seed = whole_in(seed, "seed", 0, u64::from(u32::MAX))?;
        next.points = None;
        self.apply(next)
    }

    /// Every run's samples per step: 1 (stochastic) to the number of training points (batch
    /// gradient descent, also what 0 means).
    pub fn set_batch(&mut self, size: f64) -> Result<(), JsError> {
        let mut next = self.s.clone();
        let size = self.batch_size(size)?;
        for i in 0..next.runs.len() {
            next.set_run_batch(i, size)?;
        }
        self.apply(next)
    }

    /// Run `index`'s samples per step: 1 (stochastic) to the number of training points (batch
    /// gradient descent, also what 0 means). Each run draws its own batches from the seed.
    pub fn set_run_batch(&mut self, index: usize, size: f64) -> Result<(), JsError> {
        runs::entry(&self.s.runs, index)?;
        let mut next = self.s.clone();
        let size = self.batch_size(size)?;
        next.set_run_batch(index, size)?;
        self.apply(next)
    }

    /// The two parameters the landscape varies (indices into the parameter vector).
    pub fn set_axes(&mut self, a: usize, b: usize) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.axes = (a, b);
        next.view = None;
        self.apply(next)
    }

    /// Trains every run for `n` steps (1 to 20,000) instead.
    pub fn set_max_steps(&mut self, n: f64) -> Result<(), JsError> {
        let n = whole_in(n, "steps", 1, MAX_STEPS as u64)? as usize;
        let mut next = self.s.clone();
        next.steps = n;
        next.step = next.step.min(n);
        self.apply(next)
    }

    /// How many steps every run trains.
    pub fn max_steps(&self) -> usize {
        self.s.steps
    }

    /// Moves the animation `n` steps on, no further than every run has trained
    /// ([`Lab::train`] catches up); whether any run has steps left after it.
    pub fn advance(&mut self, n: usize) -> bool {
        self.s.step = (self.s.step + n).min(self.s.steps).min(self.trained());
        let last = self
            .trainers
            .iter()
            .map(|t| {
                if t.done() {
                    t.training().steps()
                } else {
                    self.s.steps
                }
            })
            .max()
            .unwrap_or(0);
        self.s.step < last
    }

    /// Trains for about `budget_ms` milliseconds: first every run up to the step shown (and
    /// a little beyond, for playing on), then on to the end, one step of each run in turn so
    /// that they keep level. Whether every run has finished. The page calls it every frame,
    /// so no setting blocks the page for longer than a frame however long training takes.
    pub fn train(&mut self, budget_ms: f64) -> bool {
        let end = now() + budget_ms.clamp(0.0, 1000.0);
        let model = self.model.as_model();
        let ahead = (self.s.step + self.speed.ceil() as usize).min(self.s.steps);
        // At least one step per call (whatever the budget), so training always moves on.
        let mut took_any = false;
        for target in [ahead, self.s.steps] {
            loop {
                let mut took = false;
                for t in &mut self.trainers {
                    if t.done() || t.training().steps() >= target {
                        continue;
                    }
                    if took_any && now() >= end {
                        return false;
                    }
                    t.advance(model, t.training().steps() + 1);
                    (took, took_any) = (true, true);
                }
                if !took {
                    break;
                }
            }
        }
        self.trainers.iter().all(Trainer::done)
    }

    /// Moves the animation to step `k` (clamped): the timeline.
    pub fn set_step(&mut self, k: usize) {
        self.s.step = k.min(self.s.steps);
    }

    /// Moves the animation back to step 0.
    pub fn reset(&mut self) {
        self.s.step = 0;
    }

    /// The animation's current step.
    pub fn step(&self) -> usize {
        self.s.step
    }

    /// Animation speed in steps per second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the animation speed (0 < speed ≤ 100,000 steps per second).
    pub fn set_speed(&mut self, speed: f64) -> Result<(), JsError> {
        if !(speed > 0.0 && speed <= 100_000.0) {
            return Err(err!("error.lab.speed", value = speed).into());
        }
        self.speed = speed;
        Ok(())
    }

    /// The runs as JSON, for the run panels: the surface page's form, each run with its
    /// `batch` (samples per step) and `samples` (the training points) besides, and its legend
    /// naming its batch size when not every run uses the full batch ("2 · Gradient descent
    /// η=0.1 · batch 8").
    pub fn runs(&self) -> String {
        let mut runs: Vec<serde_json::Value> =
            serde_json::from_str(&runs::runs_json(&self.s.runs, self.lang))
                .expect("runs_json writes JSON");
        let n = self.model.as_model().samples();
        let batches: Vec<usize> = (0..runs.len())
            .map(|i| self.s.run_batch(i, &self.model))
            .collect();
        let all_full = batches.iter().all(|&b| b >= n);
        for (run, &b) in runs.iter_mut().zip(&batches) {
            run["batch"] = b.into();
            run["samples"] = n.into();
            if !all_full && let Some(legend) = run["legend"].as_str() {
                let what = if b >= n {
                    i18n::text(self.lang, "lab.legend_full_batch").to_owned()
                } else {
                    i18n::fill(self.lang, "lab.legend_batch", &[("b", &b)])
                };
                run["legend"] = format!("{legend} · {what}").into();
            }
        }
        json(&runs)
    }

    /// Shows or hides run `index` (a hidden run is still trained).
    pub fn set_hidden(&mut self, index: usize, hidden: bool) -> Result<(), JsError> {
        runs::entry(&self.s.runs, index)?;
        self.s.runs[index].hidden = hidden;
        Ok(())
    }

    /// Adds a run of optimizer `id` with torch's defaults and the full batch (at most 8
    /// runs).
    pub fn add_run(&mut self, id: &str) -> Result<(), JsError> {
        let entry = runs::new_entry(&self.s.runs, Ok(id))?;
        let mut next = self.s.clone();
        next.push_run(entry, None);
        self.apply(next)
    }

    /// Adds a copy of run `index`, its batch size included (at most 8 runs).
    pub fn duplicate_run(&mut self, index: usize) -> Result<(), JsError> {
        let entry = runs::new_entry(&self.s.runs, Err(index))?;
        let mut next = self.s.clone();
        let batch = next.batches.get(index).copied().flatten();
        next.push_run(entry, batch);
        self.apply(next)
    }

    /// Removes run `index`; the last run cannot be removed.
    pub fn remove_run(&mut self, index: usize) -> Result<(), JsError> {
        runs::removable(&self.s.runs, index)?;
        let mut next = self.s.clone();
        next.remove_run(index);
        self.apply(next)
    }

    /// Run `index`'s update rule as MathML.
    pub fn rule_mathml(&self, index: usize) -> Result<String, JsError> {
        runs::rule_mathml(&self.s.runs, index, self.s.notation, self.lang)
    }

    /// Explains run `index`'s next step (from the point shown, step `k`, to step `k + 1`) as
    /// JSON `{step, points, mathml, text, shaped}`: the gradient on that step's batch as the
    /// course notes write it, with the numbers in (for the network, backpropagation layer by
    /// layer; [`crate::core::explain::explain_gradient`]); `points` are the batch's points
    /// (indices among the points shown), `shaped` whether the run adds noise to or clips the
    /// gradient before its optimizer sees it. `null` when the run takes no further step (the
    /// last step, or it diverged).
    pub fn explain_step(&self, index: usize) -> Result<String, JsError> {
        let entry = runs::entry(&self.s.runs, index)?;
        match self.next_batch(index) {
            None => Ok("null".into()),
            Some((k, batch, points)) => {
                let t = self.trainers[index].training();
                let e = explain_gradient(&self.model, &t.params[k], &batch, k + 1);
                let spec = &entry.spec;
                Ok(json(&serde_json::json!({
                    "step": e.step,
                    "points": points,
                    "mathml": e.mathml,
                    "text": e.text,
                    "shaped": spec.noise.is_some() || spec.clip_norm.is_some()
                        || spec.clip_value.is_some(),
                })))
            }
        }
    }

    /// Rings on the data view the batch of run `index`'s next step (`None`: no ring).
    pub fn set_highlight(&mut self, index: Option<usize>) -> Result<(), JsError> {
        if let Some(i) = index {
            runs::entry(&self.s.runs, i)?;
        }
        self.highlight = index;
        Ok(())
    }

    /// The point under device pixel `(px, py)` of the data canvas (within a finger's reach),
    /// if any: what a drag moves or a right-click deletes.
    pub fn point_at(&self, px: f64, py: f64) -> Option<usize> {
        let (cols, rows) = &self.data_rect;
        let v = &self.data_view;
        let scale = (
            f64::from(cols.end - cols.start) / (v.x_max - v.x_min),
            f64::from(rows.end - rows.start) / (v.y_max - v.y_min),
        );
        self.points
            .nearest(self.data_at(px, py), scale, GRAB_PX * self.theme.dpr)
    }

    /// Whether device pixel `(px, py)` lies on the landscape's plot.
    pub fn on_landscape(&self, px: f64, py: f64) -> bool {
        self.landscape_frame
            .as_ref()
            .is_some_and(|port| port.contains(px, py))
    }

    /// Zooms the landscape by `factor` (below 1 zooms in) about device pixel `(px, py)`,
    /// which stays put; the view is then the scenario's own (in the URL) until
    /// [`Lab::fit_landscape`].
    /// A view beyond what can be shown ([`View::check`]) is refused with a message.
    pub fn zoom_landscape(&mut self, px: f64, py: f64, factor: f64) -> Result<(), JsError> {
        let Some(port) = &self.landscape_frame else {
            return Ok(());
        };
        if !(factor.is_finite() && factor > 0.0) {
            return Ok(());
        }
        let about = port.world(px, py);
        self.set_landscape_view(port.view.zoomed(about, factor))
    }

    /// Moves the landscape's view with the pointer by `(dx, dy)` device pixels; a view beyond
    /// what can be shown is refused with a message.
    pub fn pan_landscape(&mut self, dx: f64, dy: f64) -> Result<(), JsError> {
        let Some(port) = &self.landscape_frame else {
            return Ok(());
        };
        let next = port
            .view
            .panned(dx, dy, port.cols.len() as f64, port.rows.len() as f64);
        self.set_landscape_view(next)
    }

    /// Back to the automatic view that fits the runs' paths and the minimum.
    pub fn fit_landscape(&mut self) {
        self.s.view = None;
    }

    fn set_landscape_view(&mut self, view: View) -> Result<(), JsError> {
        view.check()?;
        self.s.view = Some(view);
        if let Some(port) = &mut self.landscape_frame {
            port.view = view;
        }
        Ok(())
    }

    /// Whether device pixel `(px, py)` lies on the data plot.
    pub fn on_data(&self, px: f64, py: f64) -> bool {
        self.data_port().contains(px, py)
    }

    /// Adds a point under device pixel `(px, py)` of the data canvas (of class `class` for
    /// classification data) and retrains every run.
    pub fn add_point(&mut self, px: f64, py: f64, class: bool) -> Result<(), JsError> {
        let at = self.data_at(px, py);
        self.edit_points(|p| p.add(at, class))
    }

    /// Moves point `i` under device pixel `(px, py)` and retrains every run.
    pub fn move_point(&mut self, i: usize, px: f64, py: f64) -> Result<(), JsError> {
        let at = self.data_at(px, py);
        self.edit_points(|p| p.move_to(i, at))
    }

    /// Deletes point `i` and retrains every run.
    pub fn remove_point(&mut self, i: usize) -> Result<(), JsError> {
        self.edit_points(|p| p.remove(i))
    }

    /// The landscape's plot rectangle as `[left, top, right, bottom]` device pixels, once
    /// drawn.
    pub fn landscape_rect(&self) -> Option<Vec<f64>> {
        let Viewport { cols, rows, .. } = self.landscape_frame.as_ref()?;
        Some(
            [cols.start, rows.start, cols.end, rows.end]
                .map(f64::from)
                .to_vec(),
        )
    }

    /// Where point `i` is drawn, in device pixels of the data canvas.
    pub fn point_pixel(&self, i: usize) -> Option<Vec<f64>> {
        let p = self.points.position(i)?;
        Some(self.data_port().pixel(p).to_vec())
    }

    /// The number of points (training and validation).
    pub fn point_count(&self) -> usize {
        self.points.len()
    }

    /// Drops every edit: the points generated from the model and the seed.
    pub fn reset_points(&mut self) -> Result<(), JsError> {
        let mut next = self.s.clone();
        next.set_points(None)?;
        self.apply(next)?;
        self.data_view = data_view(&self.points);
        Ok(())
    }

    /// Replaces the points by those of the CSV `text` (one point a line: `x,y` for regression,
    /// `x1,x2,label` with label 0 or 1 for classes; see
    /// [`Points::parse_csv`]) and retrains every run. The error names every bad line, what is
    /// wrong with it and the allowed values; nothing changes then.
    pub fn load_csv(&mut self, text: &str) -> Result<(), JsError> {
        let points = Points::parse_csv(text, self.s.model.point_kind())?;
        let mut next = self.s.clone();
        next.set_points(Some(points))?;
        self.apply(next)?;
        self.data_view = data_view(&self.points);
        Ok(())
    }

    /// The points shown (edited or generated, training and validation) as CSV with a header,
    /// which [`Lab::load_csv`] reads back.
    pub fn points_csv(&self) -> String {
        self.points.to_csv()
    }

    /// The most characters a CSV of points may have (a file larger than this is refused
    /// before it is read).
    pub fn max_csv_chars() -> usize {
        MAX_CSV_CHARS
    }

    /// An edit gesture ended: the data view fits the points again.
    pub fn end_edit(&mut self) {
        self.data_view = data_view(&self.points);
    }

    /// Where every run stands at the current step, as JSON: `{step, trained, max_steps,
    /// runs: [{step, epoch, loss, batch_loss, val_loss, accuracy, params, diverged_at,
    /// best_val_step, batch, per_epoch}]}`; `diverged_at` once the animation has reached it.
    pub fn status(&self) -> String {
        let step = self.s.step;
        let samples = self.model.as_model().samples();
        let runs = self
            .trainings()
            .enumerate()
            .map(|(i, t)| {
                let k = step.min(t.steps());
                let batch = self.s.run_batch(i, &self.model);
                let params = t.params[k].clone();
                LabRunStatus {
                    step: k,
                    epoch: t.epochs[k],
                    loss: t.full_loss[k],
                    batch_loss: k.checked_sub(1).map(|j| t.batch_loss[j]),
                    val_loss: t.val_loss.as_ref().map(|v| v[k]),
                    accuracy: match &self.model {
                        LabModel::Logistic(m) => Some(m.accuracy(&params)),
                        LabModel::Mlp(m) => Some(m.accuracy(&params)),
                        _ => None,
                    },
                    params,
                    diverged_at: t.diverged_at.filter(|&d| d <= step),
                    best_val_step: t.best_val_step,
                    batch,
                    per_epoch: samples.div_ceil(batch.max(1)),
                }
            })
            .collect();
        json(&LabStatus {
            step,
            trained: self.trained(),
            max_steps: self.s.steps,
            runs,
        })
    }

    /// Paints the three canvases at their current sizes.
    pub fn render(&mut self) -> Result<(), JsError> {
        self.paint_landscape()?;
        self.paint_data()?;
        self.paint_chart()
    }
}

impl Lab {
    /// Puts `pixels` (`w × h` RGBA) on the off-screen canvas `raster` (made when `None`).
    fn fill_raster(
        raster: &mut Option<HtmlCanvasElement>,
        pixels: &[u8],
        (w, h): (usize, usize),
    ) -> Result<HtmlCanvasElement, JsError> {
        if raster.is_none() {
            *raster = Some(offscreen()?);
        }
        let canvas = raster.clone().expect("just made");
        let image =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w as u32, h as u32)
                .map_err(|_| JsError::from(err!("error.lab.raster_make")))?;
        canvas.set_width(w as u32);
        canvas.set_height(h as u32);
        context(&canvas)?
            .put_image_data(&image, 0.0, 0.0)
            .map_err(|_| JsError::from(err!("error.lab.raster_draw")))?;
        Ok(canvas)
    }

    /// Draws the off-screen `raster` on `target`, stretched (smoothed) over `rect`.
    fn stretch(
        target: &HtmlCanvasElement,
        raster: &HtmlCanvasElement,
        rect: &(Range<i32>, Range<i32>),
    ) -> Result<(), JsError> {
        let ctx = context(target)?;
        ctx.set_image_smoothing_enabled(true);
        let (cols, rows) = rect;
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            raster,
            f64::from(cols.start),
            f64::from(rows.start),
            f64::from(cols.end - cols.start),
            f64::from(rows.end - rows.start),
        )
        .map_err(|_| JsError::from(err!("error.lab.raster_put")))
    }

    fn paint_landscape(&mut self) -> Result<(), JsError> {
        let canvas = self.landscape.clone();
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let axes = self.s.axes;
        let base = self
            .s
            .view
            .unwrap_or_else(|| landscape_view(&self.model, self.trainings(), axes));
        let Viewport { cols, rows, view } = surface_frame(&area, &base, &self.theme)?;
        let (w, h) = (cols.len(), rows.len());
        if w == 0 || h == 0 {
            return Ok(());
        }
        let m = self.model.as_model();
        let lead = self.lead();
        // Models of more than two parameters hold the others at the lead run's current ones,
        // so their landscape changes as it trains; linear regression's never does.
        let held = self.params_now(lead).to_vec();
        let view_bits = [view.x_min, view.x_max, view.y_min, view.y_max].map(f64::to_bits);
        let key = LandscapeKey {
            version: self.version,
            width: canvas.width(),
            height: canvas.height(),
            view: view_bits,
            held: if m.dim() > 2 {
                held.iter().map(|v| v.to_bits()).collect()
            } else {
                Vec::new()
            },
        };
        // A new raster when what it shows changed; one being computed is finished first if
        // only the held parameters moved on (they move every frame while a network trains).
        if self.landscape_key.as_ref() != Some(&key) {
            let restart = self.landscape_job.as_ref().is_none_or(|job| {
                LandscapeKey {
                    held: key.held.clone(),
                    ..job.key.clone()
                } != key
            });
            if restart {
                // As many cells as the budget buys, the plot's aspect kept.
                let cost = (m.samples().max(1) * m.dim().max(1)) as f64;
                let size = raster_size(w, h, LANDSCAPE_BUDGET / cost);
                self.landscape_job = Some(LandscapeJob {
                    key,
                    held,
                    view,
                    size,
                    values: Vec::with_capacity(size.0 * size.1),
                });
            }
        }
        if let Some(job) = &mut self.landscape_job {
            let end = now() + LANDSCAPE_MS;
            let (gw, gh) = job.size;
            // Cells between looks at the clock: about 20,000 sample-parameter products' worth
            // (one cell of a large network). At least one chunk per frame, so the raster
            // always comes.
            let cost = (m.samples() * m.dim()).max(1);
            // A raster within the budget (every model but a large network) is computed whole,
            // in this frame, as the budget promises.
            let whole = ((gw * gh * cost) as f64) <= LANDSCAPE_BUDGET * 1.5;
            let chunk = if whole {
                gw * gh
            } else {
                (20_000 / cost).max(1)
            };
            loop {
                let done = job.values.len();
                let cells = done..(done + chunk).min(gw * gh);
                if cells.is_empty() {
                    break;
                }
                loss_cells(
                    m,
                    &job.held,
                    axes,
                    &job.view,
                    job.size,
                    cells,
                    &mut job.values,
                );
                if now() >= end {
                    break;
                }
            }
            if job.values.len() == gw * gh {
                let job = self.landscape_job.take().expect("just computed");
                let scaling = loss_scaling(&job.values);
                let pixels = loss_rgba(&job.values, &scaling, gw, gh);
                self.landscape_contours =
                    loss_contours(&job.values, &scaling, (gw, gh), &job.view, CONTOURS);
                self.landscape_key = Some(job.key);
                Lab::fill_raster(&mut self.landscape_raster, &pixels, (gw, gh))?;
            }
        }
        // Until the first raster is ready, the plot stays the page's colour.
        if let Some(raster) = &self.landscape_raster {
            Lab::stretch(&canvas, raster, &(cols.clone(), rows.clone()))?;
        }
        self.landscape_frame = Some(Viewport::new((cols, rows), view));
        let m = self.model.as_model();
        let names = m.param_names();
        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
        let minima: Vec<[f64; 3]> = landscape_minimum(&self.model, axes)
            .map(|p| [p[0], p[1], 0.0])
            .into_iter()
            .collect();
        let (xn, yn) = (name(axes.0), name(axes.1));
        // The contours of the raster shown, while it shows this view (a raster for a new
        // view may take a few frames; its contours come with it).
        let contours: &[ContourLine] = match &self.landscape_key {
            Some(k) if k.view == view_bits => &self.landscape_contours,
            _ => &[],
        };
        draw_plane_layer(&area, &view, (&xn, &yn), contours, &minima, &self.theme)?;
        let step = self.s.step;
        let paths: Vec<(usize, Vec<[f64; 2]>, bool)> = self
            .s
            .runs
            .iter()
            .zip(self.trainings())
            .enumerate()
            .filter(|(_, (entry, _))| !entry.hidden)
            .map(|(i, (_, t))| {
                let k = step.min(t.steps());
                let diverged = t.diverged_at.is_some_and(|d| d <= step);
                (i, project(&t.params[..=k], axes), diverged)
            })
            .collect();
        let labels: Vec<&str> = self
            .s
            .runs
            .iter()
            .map(|r| {
                let kind = r.spec.optimizer.kind;
                i18n::name(self.lang, "optimizer", kind.id(), kind.label())
            })
            .collect();
        let series: Vec<TrajectorySeries<'_>> = paths
            .iter()
            .map(|(i, points, diverged)| TrajectorySeries {
                label: labels[*i],
                color: rgb(*i),
                points,
                diverged: *diverged,
                arrows: None,
            })
            .collect();
        let init = self.trainers[lead].training().params[0].clone();
        let start = [init[axes.0], init[axes.1]];
        draw_trajectories(&area, &view, start, &series, &self.theme)?;
        Ok(area.present().map_err(draw_err)?)
    }

    fn paint_data(&mut self) -> Result<(), JsError> {
        let canvas = self.data.clone();
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let view = self.data_view;
        let rect = data_plot_rect(&area, &view, &self.theme)?;
        let (w, h) = (rect.0.len(), rect.1.len());
        if w == 0 || h == 0 {
            return Ok(());
        }
        if let LabModel::Mlp(m) = &self.model {
            // The decision regions of the first shown run, at a resolution its cost allows.
            let (gw, gh) = raster_size(w, h, REGIONS_BUDGET / (m.hidden() * 4) as f64);
            let params = self.params_now(self.lead()).to_vec();
            let pixels = probability_rgba(&self.model, &params, &view, gw, gh);
            let raster = Lab::fill_raster(&mut self.regions_raster, &pixels, (gw, gh))?;
            Lab::stretch(&canvas, &raster, &rect)?;
        }
        let fits: Vec<FitSeries<'_>> = self
            .s
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.hidden)
            .map(|(i, _)| FitSeries {
                color: rgb(i),
                params: self.params_now(i),
            })
            .collect();
        let ringed = self
            .highlight
            .filter(|&i| !self.s.runs.get(i).is_none_or(|r| r.hidden))
            .and_then(|i| Some((self.next_batch(i)?.2, rgb(i))));
        let layer = DataLayer {
            model: &self.model,
            points: &self.points,
            validation: &self.validation,
            highlight: ringed.as_ref().map(|(p, c)| (p.as_slice(), *c)),
        };
        crate::render::lab::draw_data_view(&area, &view, &layer, &fits, &self.theme)?;
        area.present().map_err(draw_err)?;
        self.data_rect = rect;
        Ok(())
    }

    fn paint_chart(&self) -> Result<(), JsError> {
        let area = backend(&self.chart)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let step = self.s.step;
        let mut series = Vec::new();
        for (i, (entry, t)) in self.s.runs.iter().zip(self.trainings()).enumerate() {
            if entry.hidden {
                continue;
            }
            let k = step.min(t.steps());
            let kind = entry.spec.optimizer.kind;
            let label = i18n::name(self.lang, "optimizer", kind.id(), kind.label());
            // The mini-batch loss (faint, behind), when batches are not the whole data.
            if !self.s.full_batch(i, &self.model) {
                series.push(MetricSeries {
                    label,
                    color: rgb(i),
                    values: &t.batch_loss[..k],
                    line: Line::Faint,
                    mark: None,
                    diverged_at: t.diverged_at,
                });
            }
            series.push(MetricSeries {
                label,
                color: rgb(i),
                values: &t.full_loss[..=k],
                line: Line::Solid,
                mark: None,
                diverged_at: t.diverged_at,
            });
            if let Some(v) = &t.val_loss {
                series.push(MetricSeries {
                    label,
                    color: rgb(i),
                    values: &v[..=k],
                    line: Line::Dashed,
                    mark: t.best_val_step.filter(|&b| b <= k),
                    diverged_at: t.diverged_at,
                });
            }
        }
        draw_metric(
            &area,
            &series,
            self.theme.word("loss"),
            self.s.steps,
            step,
            &self.theme,
        )?;
        Ok(area.present().map_err(draw_err)?)
    }
}

/// A raster of at most `cells` cells (at least 40 × 40, at most one per pixel) with the
/// aspect of a `w × h` plot.
fn raster_size(w: usize, h: usize, cells: f64) -> (usize, usize) {
    let cells = cells.clamp(1600.0, (w * h) as f64);
    let shrink = ((w * h) as f64 / cells).sqrt().max(1.0);
    (
        ((w as f64 / shrink) as usize).max(8),
        ((h as f64 / shrink) as usize).max(8),
    )
}

runs::run_setters!(Lab);
