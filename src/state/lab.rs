//! The regression lab's scenario: everything on the lab page (the model and its data
//! generator, the seed, the edited points, the runs and each one's batch size, the steps, the
//! loss landscape's axes and view, the scene it came from), its URL form, and the training of
//! every run.
//!
//! The URL form is a query string a teacher can read and edit:
//!
//! ```text
//! ?model=linear&n=40&slope=2&intercept=1&noise=0.5&scale&seed=7&steps=300&step=0
//!  &axes=0,1&view=-1,4,-2,3
//!  &run=sgd;lr=0.05;batch=8&run=adam;lr=0.1
//!  &points=0.1,2.3;0.5,1.9&scene=batch-sizes
//! ```
//!
//! `model` is `linear` (parameters `n`, `slope`, `intercept`, `noise`, flag `scale`),
//! `logistic` (`n`, `separation`, `noise`), `poly` (`n`, `noise`, `degree`, `l1`, `l2`, `val`)
//! or `mlp` (`n`, `separation`, `noise`, `hidden`, `dropout`, `l2`, `val`); `val` is the
//! fraction of points held out for validation. Each `run` has the syntax of the surface
//! scenario's runs ([`crate::state::scenario`]) plus, on the lab only, the item `batch=B`: the
//! run's samples per step, 1 (stochastic gradient descent) to the training points; a run
//! without it uses every training point in every step (batch gradient descent). Each run
//! draws its own batches, reshuffled every epoch from the lab's seed, so two runs of the same
//! batch size see the same batches and differ only by their optimizer. A top-level
//! `batch=B` (the older, lab-wide form) is the batch size of every run without its own; links
//! are written with each run's own. `scene` names the one-click scene the lab came from
//! ([`crate::state::lab_scenes`]): alone it opens the scene, and every other key overrides the
//! scene's. `large` turns on large text for a projector, `notation=notes` writes the update
//! rules in the course notes' symbols. `points` (when
//! the user edited the data) lists `x,y` pairs for linear and polynomial regression, `x1,x2,c`
//! triples (`c` 0 or 1) for logistic regression and the network, separated by `;`. Numbers are
//! written in Rust's shortest round-trip form, so reading a link back gives the same bits.

use crate::core::explain::Notation;
use crate::core::model::data::ClassShape;
use crate::core::model::dataset::{MAX_POINTS, Points};
use crate::core::model::{
    ClassLoss, LabModel, MAX_DEGREE, ModelSpec, Trainer, Training, batch_refusal, check_data_value,
    check_second_order,
};
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::surface::{COORDINATE_LIMIT, View};
use crate::err;
use crate::error::Error;
use crate::i18n::Lang;
use crate::state::lab_scenes;
use crate::state::query::{flag, join_query, read_run, split_query_keeping, write_run};
use crate::state::scenario::{MAX_RUNS, MAX_STEPS, RunEntry};

/// The most hidden units the lab's network may have.
pub const MAX_HIDDEN: usize = 64;

/// Everything that makes up what the lab page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LabScenario {
    /// The model and the parameters of its data generator.
    pub model: ModelSpec,
    /// The seed of the data, the validation split, the shuffling, the initial weights and
    /// dropout.
    pub seed: u64,
    /// The edited points, which replace the generated ones; `None` is the points generated
    /// from `model` and `seed`.
    pub points: Option<Points>,
    /// The runs, in order (1 to [`MAX_RUNS`]; a query without runs keeps the model's default
    /// three, [`LabScenario::default_runs`]).
    pub runs: Vec<RunEntry>,
    /// Each run's samples per step (`batches[i]` for `runs[i]`, one per run), 1 to the number
    /// of training points; `None` is the full batch (batch gradient descent, every training
    /// point in every step).
    pub batches: Vec<Option<usize>>,
    /// How many steps every run trains (1 to [`MAX_STEPS`]).
    pub steps: usize,
    /// The current step (at most `steps`).
    pub step: usize,
    /// The two parameters (indices into the model's parameter vector, different, below its
    /// dimension) varied on the loss landscape.
    pub axes: (usize, usize),
    /// The loss landscape's region over the two parameters; `None` is automatic (fitted to
    /// the runs' paths).
    pub view: Option<View>,
    /// The one-click scene this lab came from ([`lab_scenes::LAB_SCENES`]), whose caption the
    /// page shows.
    pub scene: Option<String>,
    /// The parameters every run starts from, one per parameter, each within
    /// ±[`COORDINATE_LIMIT`]; `None` is the model's own start
    /// ([`init`](crate::core::model::Model::init) of the seed: zeros, or small seeded weights
    /// for the network).
    pub start: Option<Vec<f64>>,
    /// Large text (for a projector): the page's text and the plots' labels enlarged; kept
    /// when a scene or a model is chosen.
    pub large: bool,
    /// The symbols the update rules are written in: torch's, or the course notes'
    /// (`&notation=notes`); kept when a scene or a model is chosen.
    pub notation: Notation,
    /// The page's language as the link chose it (`lang=zh`); `None` follows the browser.
    pub lang: Option<Lang>,
}

impl Default for LabScenario {
    /// Gradient descent, momentum and Adam fitting a line to 50 noisy points.
    fn default() -> Self {
        let model = LabScenario::default_model("linear").expect("linear is a model");
        let runs = LabScenario::default_runs(&model);
        LabScenario {
            batches: vec![None; runs.len()],
            runs,
            model,
            seed: 0,
            points: None,
            steps: 300,
            step: 0,
            axes: (0, 1),
            view: None,
            scene: None,
            start: None,
            large: false,
            notation: Notation::Torch,
            lang: None,
        }
    }
}

/// The allowed values `lo` to `hi`, as a phrase of an error.
fn range(lo: impl std::fmt::Display, hi: impl std::fmt::Display) -> Error {
    err!("error.lab.allowed.range", lo = lo, hi = hi)
}

/// Run `number`'s error `cause`, naming the run (1-based).
fn run_error(number: usize, cause: Error) -> Error {
    err!("error.lab.run", run = number).with_cause("cause", cause)
}

/// `text` as a finite number; the error names `what` (the link's key), the text and
/// `allowed` (a phrase of the catalogue).
fn number(text: &str, what: &str, allowed: Error) -> Result<f64, Error> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            err!("error.lab.not_finite", what = what, text = text).with_cause("allowed", allowed)
        })
}

/// `text` as a whole number; the error names `what` (the link's key), the text and `allowed`
/// (a phrase of the catalogue).
fn whole(text: &str, what: &str, allowed: Error) -> Result<usize, Error> {
    text.trim().parse::<usize>().map_err(|_| {
        err!("error.lab.not_whole", what = what, text = text).with_cause("allowed", allowed)
    })
}

/// `value` of `what` (the link's key) outside `lo` to `hi`.
fn out_of_range(what: &str, value: impl std::fmt::Display, lo: usize, hi: usize) -> Error {
    Error::new("error.lab.out_of_range")
        .with("what", what)
        .with("value", value)
        .with("lo", lo)
        .with("hi", hi)
}

/// The parameters of each model's URL form, in the order they are written.
fn model_keys(model: &ModelSpec) -> &'static [&'static str] {
    match model {
        ModelSpec::Linear { .. } => &["n", "slope", "intercept", "noise", "scale"],
        ModelSpec::Logistic { .. } => &["n", "data", "separation", "noise", "loss"],
        ModelSpec::Poly { .. } => &["n", "noise", "degree", "l1", "l2", "val"],
        ModelSpec::Mlp { .. } => &[
            "n",
            "data",
            "separation",
            "noise",
            "hidden",
            "dropout",
            "l2",
            "val",
        ],
    }
}

/// Every key of a model's URL form, whatever the model.
/// The lab's models by id, in the menu's order.
pub const MODEL_IDS: [&str; 4] = ["linear", "logistic", "poly", "mlp"];

/// Every data or model setting's URL key, of any model.
pub const ALL_MODEL_KEYS: [&str; 14] = [
    "n",
    "data",
    "loss",
    "slope",
    "intercept",
    "noise",
    "scale",
    "separation",
    "degree",
    "l1",
    "l2",
    "val",
    "hidden",
    "dropout",
];

/// Sets one parameter of `model` from its URL form; the key belongs to the model.
fn set_model_key(model: &mut ModelSpec, key: &str, value: &str) -> Result<(), Error> {
    let limited = |v: &str| {
        let x = number(v, key, err!("error.lab.allowed.key_range", key = key))?;
        check_data_value(key, x)
    };
    let fraction = |v: &str| {
        let x = number(v, key, err!("error.lab.allowed.fraction", key = "val"))?;
        if (0.0..1.0).contains(&x) {
            Ok(x)
        } else {
            Err(err!("error.lab.fraction", key = "val", value = x))
        }
    };
    match (model, key) {
        (
            ModelSpec::Linear { n, .. }
            | ModelSpec::Logistic { n, .. }
            | ModelSpec::Poly { n, .. }
            | ModelSpec::Mlp { n, .. },
            "n",
        ) => {
            let v = whole(value, "n", range(1, MAX_POINTS))?;
            if !(1..=MAX_POINTS).contains(&v) {
                return Err(out_of_range("n", v, 1, MAX_POINTS));
            }
            *n = v;
        }
        (
            ModelSpec::Linear { noise, .. }
            | ModelSpec::Logistic { noise, .. }
            | ModelSpec::Poly { noise, .. }
            | ModelSpec::Mlp { noise, .. },
            "noise",
        ) => *noise = limited(value)?,
        (ModelSpec::Linear { slope, .. }, "slope") => *slope = limited(value)?,
        (ModelSpec::Linear { intercept, .. }, "intercept") => *intercept = limited(value)?,
        (ModelSpec::Linear { scale_features, .. }, "scale") => {
            *scale_features = flag("scale", value)?
        }
        (
            ModelSpec::Logistic { separation, .. } | ModelSpec::Mlp { separation, .. },
            "separation",
        ) => *separation = limited(value)?,
        (ModelSpec::Logistic { shape, .. } | ModelSpec::Mlp { shape, .. }, "data") => {
            *shape = ClassShape::from_id(value.trim())?;
        }
        (ModelSpec::Logistic { loss, .. }, "loss") => *loss = ClassLoss::from_id(value.trim())?,
        (ModelSpec::Poly { degree, .. }, "degree") => {
            let v = whole(value, "degree", range(1, MAX_DEGREE))?;
            if !(1..=MAX_DEGREE).contains(&v) {
                return Err(out_of_range("degree", v, 1, MAX_DEGREE));
            }
            *degree = v;
        }
        (ModelSpec::Poly { l1, .. }, "l1") => *l1 = limited(value)?,
        (ModelSpec::Poly { l2, .. } | ModelSpec::Mlp { l2, .. }, "l2") => {
            *l2 = limited(value)?;
        }
        (ModelSpec::Poly { val_fraction, .. } | ModelSpec::Mlp { val_fraction, .. }, "val") => {
            *val_fraction = fraction(value)?
        }
        (ModelSpec::Mlp { hidden, .. }, "hidden") => {
            let v = whole(value, "hidden", range(1, MAX_HIDDEN))?;
            if !(1..=MAX_HIDDEN).contains(&v) {
                return Err(out_of_range("hidden", v, 1, MAX_HIDDEN));
            }
            *hidden = v;
        }
        (ModelSpec::Mlp { dropout, .. }, "dropout") => {
            let x = number(
                value,
                "dropout",
                err!("error.lab.allowed.fraction", key = "dropout"),
            )?;
            if !(0.0..1.0).contains(&x) {
                return Err(err!("error.lab.fraction", key = "dropout", value = x));
            }
            *dropout = x;
        }
        (model, key) => {
            return Err(Error::new("error.lab.not_for_model")
                .with("key", key)
                .with("model", model.id())
                .with("keys", model_keys(model).join(", ")));
        }
    }
    Ok(())
}

/// One model parameter's URL value (`None` for the `scale` flag when off).
fn model_value(model: &ModelSpec, key: &str) -> Option<String> {
    Some(match (model, key) {
        (_, "n") => model.n().to_string(),
        (
            ModelSpec::Linear { noise, .. }
            | ModelSpec::Logistic { noise, .. }
            | ModelSpec::Poly { noise, .. }
            | ModelSpec::Mlp { noise, .. },
            "noise",
        ) => noise.to_string(),
        (ModelSpec::Linear { slope, .. }, "slope") => slope.to_string(),
        (ModelSpec::Linear { intercept, .. }, "intercept") => intercept.to_string(),
        (ModelSpec::Linear { scale_features, .. }, "scale") => {
            return scale_features.then(String::new);
        }
        (
            ModelSpec::Logistic { separation, .. } | ModelSpec::Mlp { separation, .. },
            "separation",
        ) => separation.to_string(),
        (ModelSpec::Logistic { shape, .. } | ModelSpec::Mlp { shape, .. }, "data") => {
            shape.id().to_owned()
        }
        (ModelSpec::Logistic { loss, .. }, "loss") => loss.id().to_owned(),
        (ModelSpec::Poly { degree, .. }, "degree") => degree.to_string(),
        (ModelSpec::Poly { l1, .. }, "l1") => l1.to_string(),
        (ModelSpec::Poly { l2, .. } | ModelSpec::Mlp { l2, .. }, "l2") => l2.to_string(),
        (ModelSpec::Poly { val_fraction, .. } | ModelSpec::Mlp { val_fraction, .. }, "val") => {
            val_fraction.to_string()
        }
        (ModelSpec::Mlp { hidden, .. }, "hidden") => hidden.to_string(),
        (ModelSpec::Mlp { dropout, .. }, "dropout") => dropout.to_string(),
        _ => return None,
    })
}

impl LabScenario {
    /// The model `id` (`linear`, `logistic`, `poly` or `mlp`) with its default data: 50 points
    /// on `y = 2x + 1` with noise 1 (linear); 100 points in two blobs 3 apart with noise 0.5
    /// (logistic), which a straight line separates; 100 points on two moons with noise 0.5 for
    /// a network of 8 hidden units (mlp), which no straight line separates, 30% of them held
    /// out for validation; 20 points of `sin(πx)` with noise 0.2 fitted by a polynomial of
    /// degree 12, half of them held out (poly): few noisy points and more parameters than
    /// training points, so that the validation loss visibly turns up while the training loss
    /// keeps falling. The same defaults as `optiviz trace --model`.
    pub fn default_model(id: &str) -> Result<ModelSpec, Error> {
        Ok(match id {
            "linear" => ModelSpec::Linear {
                n: 50,
                slope: 2.0,
                intercept: 1.0,
                noise: 1.0,
                scale_features: false,
            },
            "logistic" => ModelSpec::Logistic {
                n: 100,
                separation: 3.0,
                noise: 0.5,
                shape: ClassShape::Blobs,
                loss: ClassLoss::CrossEntropy,
            },
            "poly" => ModelSpec::Poly {
                n: 20,
                noise: 0.2,
                degree: 12,
                l1: 0.0,
                l2: 0.0,
                val_fraction: 0.5,
            },
            "mlp" => ModelSpec::Mlp {
                n: 100,
                separation: 3.0,
                noise: 0.5,
                shape: ClassShape::Moons,
                hidden: 8,
                dropout: 0.0,
                l2: 0.0,
                val_fraction: 0.3,
            },
            _ => return Err(err!("error.lab.model", id = id)),
        })
    }

    /// Gradient descent, momentum (0.9) and Adam with learning rates that converge on the
    /// model's default data without diverging: for linear regression on unscaled `x` in
    /// `[0, 10)` (the MSE's largest curvature about 70) SGD at 0.01, momentum at 0.002 and
    /// Adam at 0.1; on scaled `x` (curvature 2 every way) SGD at 0.2, momentum at 0.05 and
    /// Adam at 0.5; for the degree-12 polynomial SGD at 0.3 (at 0.5 it slowly diverges on the
    /// default data), momentum at 0.1 and Adam at 0.05; for the others SGD at 0.5, momentum at
    /// 0.1 and Adam at 0.05.
    pub fn default_runs(model: &ModelSpec) -> Vec<RunEntry> {
        let config =
            |kind, lr| RunEntry::from(RunConfig::new(kind).with("lr", lr).expect("valid lr"));
        let (sgd, momentum, adam) = match model {
            ModelSpec::Linear {
                scale_features: false,
                ..
            } => (0.01, 0.002, 0.1),
            ModelSpec::Linear { .. } => (0.2, 0.05, 0.5),
            ModelSpec::Poly { .. } => (0.3, 0.1, 0.05),
            _ => (0.5, 0.1, 0.05),
        };
        vec![
            config(OptimizerKind::Sgd, sgd),
            config(OptimizerKind::Momentum, momentum),
            config(OptimizerKind::Adam, adam),
        ]
    }

    /// The data shown and trained on: the edited points, else those generated from the model
    /// and the seed.
    pub fn data(&self) -> Result<Points, Error> {
        match &self.points {
            Some(p) => Ok(p.clone()),
            None => self.model.generate(self.seed),
        }
    }

    /// Which of [`LabScenario::data`]'s points validate (`true`) rather than train.
    pub fn validation_mask(&self) -> Result<Vec<bool>, Error> {
        Ok(self.model.validation_mask(self.seed, self.data()?.len()))
    }

    /// The model on its data (edited or generated), with its own type.
    pub fn build(&self) -> Result<LabModel, Error> {
        self.model.build_lab(self.seed, self.points.as_ref())
    }

    /// The batch size run `index` trains with: its own ([`LabScenario::batches`]), else every
    /// training point of `model` (this scenario's model, built).
    pub fn run_batch(&self, index: usize, model: &LabModel) -> usize {
        let n = model.as_model().samples();
        self.batches
            .get(index)
            .copied()
            .flatten()
            .unwrap_or(n)
            .clamp(1, n.max(1))
    }

    /// Whether run `index` trains on every training point in every step (batch gradient
    /// descent).
    pub fn full_batch(&self, index: usize, model: &LabModel) -> bool {
        self.run_batch(index, model) >= model.as_model().samples()
    }

    /// Adds `entry` as the last run, training on batches of `batch` (`None`: the full batch).
    /// No check: [`LabScenario::validate`] says whether the result is a lab.
    pub fn push_run(&mut self, entry: RunEntry, batch: Option<usize>) {
        self.runs.push(entry);
        self.batches.push(batch);
    }

    /// Removes run `index` and its batch size (nothing when there is no such run).
    pub fn remove_run(&mut self, index: usize) {
        if index < self.runs.len() {
            self.runs.remove(index);
        }
        if index < self.batches.len() {
            self.batches.remove(index);
        }
    }

    /// Replaces every run by `runs`, each with the full batch.
    pub fn set_runs(&mut self, runs: Vec<RunEntry>) {
        self.batches = vec![None; runs.len()];
        self.runs = runs;
    }

    /// Trains every run for [`LabScenario::steps`] steps from the model's
    /// [`init`](crate::core::model::Model::init)`(seed)`, each with its own batch size
    /// ([`LabScenario::run_batch`]) and its own batches shuffled from the seed
    /// ([`ModelSpec::shuffle_seed`]): one [`Training`] per run, in order. The same numbers as
    /// `optiviz trace --model` with the same settings.
    pub fn train(&self) -> Result<Vec<Training>, Error> {
        self.train_on(&self.build()?)
    }

    /// [`LabScenario::train`] on `model`, this scenario's model already built
    /// ([`LabScenario::build`]).
    pub fn train_on(&self, model: &LabModel) -> Result<Vec<Training>, Error> {
        let mut trainers = self.trainers_on(model)?;
        for t in &mut trainers {
            t.advance(model.as_model(), self.steps);
        }
        Ok(trainers.into_iter().map(Trainer::into_training).collect())
    }

    /// Every run's [`Trainer`] on `model` (this scenario's model, built), at step 0: for
    /// training a little at a time.
    pub fn trainers_on(&self, model: &LabModel) -> Result<Vec<Trainer>, Error> {
        let m = model.as_model();
        let init = self.start.clone().unwrap_or_else(|| m.init(self.seed));
        self.runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                Trainer::new(
                    m,
                    &run.spec,
                    &init,
                    self.steps,
                    self.run_batch(i, model),
                    ModelSpec::shuffle_seed(self.seed),
                )
                .map_err(|e| run_error(i + 1, e))
            })
            .collect()
    }

    /// Checks everything a query cannot express wrong by syntax alone: the model and its
    /// data, the runs' count and settings (a second-order optimizer only on a model within
    /// [`crate::core::model::MAX_SECOND_ORDER_PARAMS`]), the batch size, the steps, the axes and the view. The error
    /// names the field, the value and the allowed values.
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_on(&self.build()?)
    }

    /// [`LabScenario::validate`] with this scenario's model already built.
    pub fn validate_on(&self, model: &LabModel) -> Result<(), Error> {
        let m = model.as_model();
        if self.model.n() == 0 || self.model.n() > MAX_POINTS {
            return Err(out_of_range("n", self.model.n(), 1, MAX_POINTS));
        }
        if let ModelSpec::Mlp { hidden, .. } = self.model
            && hidden > MAX_HIDDEN
        {
            return Err(out_of_range("hidden", hidden, 1, MAX_HIDDEN));
        }
        if self.runs.is_empty() || self.runs.len() > MAX_RUNS {
            return Err(err!("error.lab.runs", n = self.runs.len(), max = MAX_RUNS));
        }
        for (i, run) in self.runs.iter().enumerate() {
            run.spec
                .validate()
                .and_then(|()| run.spec.optimizer.build())
                .and_then(|o| check_second_order(run.spec.optimizer.kind, o.as_ref(), m.dim()))
                .map_err(|e| run_error(i + 1, e))?;
        }
        if self.batches.len() != self.runs.len() {
            return Err(Error::new("error.lab.batches")
                .with("batches", self.batches.len())
                .with("runs", self.runs.len()));
        }
        let n = m.samples();
        for (i, b) in self.batches.iter().enumerate() {
            check_run_batch(i, *b, n)?;
        }
        if let Some(id) = &self.scene {
            lab_scenes::scene(id)?;
        }
        if let Some(start) = &self.start {
            check_start(start, m.dim(), &m.param_names())?;
        }
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return Err(out_of_range("steps", self.steps, 1, MAX_STEPS));
        }
        if self.step > self.steps {
            return Err(err!("error.lab.step", step = self.step, steps = self.steps));
        }
        check_axes(self.axes, m)?;
        if let Some(v) = self.view {
            v.check()?;
        }
        Ok(())
    }

    /// The query string (without `?`) that [`LabScenario::from_query`] reads back to `self`.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("model", self.model.id().to_owned())];
        for &key in model_keys(&self.model) {
            if let Some(v) = model_value(&self.model, key) {
                pairs.push((key, v));
            }
        }
        pairs.push(("seed", self.seed.to_string()));
        pairs.push(("steps", self.steps.to_string()));
        pairs.push(("step", self.step.to_string()));
        pairs.push(("axes", format!("{},{}", self.axes.0, self.axes.1)));
        if let Some(v) = self.view {
            pairs.push((
                "view",
                format!("{},{},{},{}", v.x_min, v.x_max, v.y_min, v.y_max),
            ));
        }
        if let Some(start) = &self.start {
            let values: Vec<String> = start.iter().map(f64::to_string).collect();
            pairs.push(("start", values.join(",")));
        }
        for (run, batch) in self.runs.iter().zip(&self.batches) {
            let mut text = write_run(run);
            if let Some(b) = batch {
                text.push_str(&format!(";batch={b}"));
            }
            pairs.push(("run", text));
        }
        if let Some(p) = &self.points {
            pairs.push(("points", p.to_query_value()));
        }
        if let Some(id) = &self.scene {
            pairs.push(("scene", id.clone()));
        }
        if self.large {
            pairs.push(("large", String::new()));
        }
        if self.notation != Notation::Torch {
            pairs.push(("notation", self.notation.id().to_owned()));
        }
        if let Some(lang) = self.lang {
            pairs.push(("lang", lang.code().to_owned()));
        }
        join_query(pairs)
    }

    /// Reads a query string (with or without its leading `?`). Anything malformed is an error
    /// that names the field, the bad value and the allowed values; missing parts take the
    /// defaults (the model's default data and runs, seed 0, the full batch, 300 steps, axes
    /// 0 and 1, the automatic view), and an empty query is the default lab. With `scene=ID`
    /// the missing parts take the scene's values instead ([`lab_scenes::LabScene::scenario`]);
    /// a `model` other than the scene's starts from that model's defaults. The first of
    /// [`LabScenario::read_query`]'s problems is the error.
    pub fn from_query(query: &str) -> Result<LabScenario, Error> {
        let (s, problems) = LabScenario::read_query(query);
        match problems.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(s),
        }
    }

    /// Reads a query string as [`LabScenario::from_query`] does, but keeps every part that is
    /// good: returns the lab those parts make and each part left out, in the link's order,
    /// with why and the allowed values (one bad run is dropped, not the lab; a start with the
    /// wrong number of values leaves the model's own start; points that do not parse leave the
    /// generated ones). What only the whole lab can check (a batch larger than the training
    /// points, a start for another model, axes beyond its parameters, Newton on a network too
    /// large for its Hessian) is checked last and reported the same way.
    pub fn read_query(query: &str) -> (LabScenario, Vec<Error>) {
        let pairs = split_query_keeping(query);
        let mut problems = Vec::new();
        let value_of = |v: &Result<String, Error>| v.as_ref().ok().cloned();
        // The last scene that exists sets the lab; the last model that exists, its model.
        let scene = pairs
            .iter()
            .filter(|(k, _)| *k == "scene")
            .filter_map(|(_, v)| lab_scenes::scene(&value_of(v)?).ok())
            .next_back();
        let mut s = scene.map_or_else(LabScenario::default, |sc| sc.scenario());
        let model = pairs
            .iter()
            .filter(|(k, _)| *k == "model")
            .filter_map(|(_, v)| LabScenario::default_model(&value_of(v)?).ok())
            .next_back();
        if let Some(model) = model
            && model.id() != s.model.id()
        {
            s.model = model;
            s.points = None;
            s.set_runs(LabScenario::default_runs(&s.model));
        }
        let mut runs = Vec::new();
        let mut batches = Vec::new();
        let mut run_number = 0;
        let mut points = None;
        let mut lab_batch = None;
        for (key, value) in &pairs {
            let value = match value {
                Ok(v) => v.as_str(),
                Err(e) => {
                    problems.push(e.clone());
                    continue;
                }
            };
            let read = match *key {
                "model" => LabScenario::default_model(value).map(|_| ()),
                "scene" => lab_scenes::scene(value).map(|sc| s.scene = Some(sc.id.to_owned())),
                k if ALL_MODEL_KEYS.contains(&k) => set_model_key(&mut s.model, k, value),
                "seed" => value
                    .trim()
                    .parse::<u64>()
                    .map(|v| s.seed = v)
                    .map_err(|_| {
                        err!("error.lab.not_whole", what = "seed", text = value)
                            .with_cause("allowed", range(0, u64::MAX))
                    }),
                "batch" => whole(value, "batch", err!("error.lab.allowed.training_points"))
                    .map(|b| lab_batch = Some(b)),
                "steps" => whole(value, "steps", range(1, MAX_STEPS)).and_then(|n| {
                    if (1..=MAX_STEPS).contains(&n) {
                        s.steps = n;
                        Ok(())
                    } else {
                        Err(out_of_range("steps", n, 1, MAX_STEPS))
                    }
                }),
                "step" => whole(value, "step", err!("error.lab.allowed.steps")).map(|k| s.step = k),
                "axes" => {
                    let allowed = || err!("error.lab.allowed.axes");
                    let parts: Vec<&str> = value.split(',').collect();
                    match parts[..] {
                        [a, b] => whole(a, "axes", allowed())
                            .and_then(|a| Ok((a, whole(b, "axes", allowed())?)))
                            .map(|axes| s.axes = axes),
                        _ => Err(err!("error.lab.axes_syntax", text = value)),
                    }
                }
                "view" => {
                    let parts: Vec<&str> = value.split(',').collect();
                    match parts[..] {
                        [a, b, c, d] => {
                            let num = |t| number(t, "view", err!("error.lab.allowed.view"));
                            (|| {
                                let view = View::new(num(a)?, num(b)?, num(c)?, num(d)?);
                                view.check()?;
                                s.view = Some(view);
                                Ok(())
                            })()
                        }
                        _ => Err(err!("error.lab.view_syntax", text = value)),
                    }
                }
                "run" => {
                    run_number += 1;
                    let at = |e: Error| run_error(run_number, e);
                    if runs.len() == MAX_RUNS {
                        Err(Error::new("error.lab.too_many_runs")
                            .with("max", MAX_RUNS)
                            .with("run", run_number))
                    } else {
                        split_run_batch(value)
                            .and_then(|(text, batch)| Ok((read_run(&text)?, batch)))
                            .and_then(|(run, batch)| {
                                run.spec.validate()?;
                                Ok((run, batch))
                            })
                            .map(|(run, batch)| {
                                runs.push((run_number, run));
                                batches.push(batch);
                            })
                            .map_err(at)
                    }
                }
                "points" => {
                    points = Some(value);
                    Ok(())
                }
                "start" => parse_start(value).map(|v| s.start = Some(v)),
                "large" => flag("large", value).map(|on| s.large = on),
                "notation" => Notation::parse(value).map(|n| s.notation = n),
                "lang" => Lang::from_code(value).map(|l| s.lang = Some(l)),
                _ => Err(Error::new("error.lab.unknown_part")
                    .with("key", key)
                    .with("keys", model_keys(&s.model).join(", "))),
            };
            if let Err(e) = read {
                problems.push(e);
            }
        }
        if let Some(text) = points {
            match Points::parse(text, s.model.point_kind()) {
                Ok(p) => s.points = Some(p),
                Err(e) => problems
                    .push(err!("error.lab.points", model = s.model.id()).with_cause("cause", e)),
            }
        }
        // What only the whole lab can check, each part that fails it left out.
        let model = match s.build() {
            Ok(m) => m,
            Err(e) => {
                problems.push(e);
                s.points = None;
                match s.build() {
                    Ok(m) => m,
                    Err(e) => {
                        problems.push(e);
                        return (LabScenario::default(), problems);
                    }
                }
            }
        };
        let m = model.as_model();
        let (n, dim) = (m.samples(), m.dim());
        let mut kept = Vec::new();
        let mut kept_batches = Vec::new();
        for ((number, run), batch) in runs.into_iter().zip(batches) {
            let fits = run
                .spec
                .optimizer
                .build()
                .and_then(|o| check_second_order(run.spec.optimizer.kind, o.as_ref(), dim));
            match fits {
                Ok(()) => {
                    kept.push(run);
                    kept_batches.push(batch);
                }
                Err(e) => problems.push(run_error(number, e)),
            }
        }
        if !kept.is_empty() {
            s.runs = kept;
            s.batches = kept_batches;
        }
        if let Some(b) = lab_batch {
            if (1..=n).contains(&b) {
                for own in &mut s.batches {
                    own.get_or_insert(b);
                }
            } else {
                problems.push(batch_refusal("batch", b, n));
            }
        }
        for (i, b) in s.batches.iter_mut().enumerate() {
            if let Err(e) = check_run_batch(i, *b, n) {
                problems.push(e);
                *b = None;
            }
        }
        if let Some(start) = &s.start
            && let Err(e) = check_start(start, dim, &m.param_names())
        {
            problems.push(e);
            s.start = None;
        }
        if let Err(e) = check_axes(s.axes, m) {
            problems.push(e);
            s.axes = (0, 1);
        }
        s.step = s.step.min(s.steps);
        if let Err(e) = s.validate_on(&model) {
            problems.push(e);
            return (LabScenario::default(), problems);
        }
        (s, problems)
    }
}

/// Run `i`'s batch size (`None`: the full batch) checked against the `n` training points.
fn check_run_batch(i: usize, batch: Option<usize>, n: usize) -> Result<(), Error> {
    match batch {
        Some(b) if !(1..=n).contains(&b) => Err(run_error(i + 1, batch_refusal("batch", b, n))),
        _ => Ok(()),
    }
}

/// The landscape's axes `(a, b)` checked against the model `m`: two different indices of its
/// parameters; the error names them.
fn check_axes((a, b): (usize, usize), m: &dyn crate::core::model::Model) -> Result<(), Error> {
    let d = m.dim();
    if a == b || a >= d || b >= d {
        return Err(Error::new("error.lab.axes")
            .with("a", a)
            .with("b", b)
            .with("last", d - 1)
            .with("names", m.param_names().join(", ")));
    }
    Ok(())
}

/// The URL form of a start, `θ₁,θ₂,…` (spaces allowed): each a finite number; whether there
/// is one per parameter and each is in range is [`check_start`]'s to say.
fn parse_start(text: &str) -> Result<Vec<f64>, Error> {
    let parts: Vec<&str> = text.split(',').collect();
    // More values than any model has parameters is refused before they are read.
    let most = 4 * MAX_HIDDEN + 1;
    if parts.len() > most {
        return Err(Error::new("error.lab.start_too_many")
            .with("n", parts.len())
            .with("most", most));
    }
    parts
        .into_iter()
        .map(|v| number(v, "start", err!("error.lab.allowed.start")))
        .collect()
}

/// `start` as the start of a model with `dim` parameters named `names`: one value each, each
/// within ±[`COORDINATE_LIMIT`]; the error names the problem and the allowed values.
fn check_start(start: &[f64], dim: usize, names: &[String]) -> Result<(), Error> {
    if start.len() != dim {
        return Err(Error::new("error.lab.start_count")
            .with("n", start.len())
            .with("dim", dim)
            .with("names", names.join(", ")));
    }
    if let Some((i, v)) = start
        .iter()
        .enumerate()
        .find(|(_, v)| v.abs() > COORDINATE_LIMIT)
    {
        return Err(Error::new("error.lab.start_range")
            .with("name", names.get(i).map_or("", String::as_str))
            .with("value", crate::core::text::number(*v))
            .with("limit", format!("{COORDINATE_LIMIT:e}")));
    }
    Ok(())
}

/// A lab run's URL value split into the surface grammar's run (every item but `batch=B`) and
/// its batch size (`None` without a `batch` item); a `batch` that is not a whole number is an
/// error naming the allowed values (whether it fits the data is [`LabScenario::validate`]'s
/// to say).
fn split_run_batch(text: &str) -> Result<(String, Option<usize>), Error> {
    let mut batch = None;
    let mut rest = Vec::new();
    for item in text.split(';') {
        match item.trim().strip_prefix("batch=") {
            Some(v) => {
                batch = Some(whole(
                    v,
                    "batch",
                    err!("error.lab.allowed.training_points"),
                )?)
            }
            None => rest.push(item),
        }
    }
    Ok((rest.join(";"), batch))
}

/// One control of the lab's data and model settings, for the page to build a slider, a
/// checkbox or a menu from: its URL key, label, current value, range and step, or choices.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DataControl {
    /// The URL key ([`LabScenario::set_data`] takes it).
    pub key: &'static str,
    /// What the page shows beside it.
    pub label: &'static str,
    /// The current value (a flag is 0 or 1).
    pub value: f64,
    /// The slider's lowest value.
    pub min: f64,
    /// The slider's highest value.
    pub max: f64,
    /// The slider's step (1 for whole numbers); 0 marks a flag (a checkbox).
    pub step: f64,
    /// Whether changing it draws new points (a generator parameter) rather than changing the
    /// model on the same points.
    pub regenerates: bool,
    /// For a choice among names (a menu rather than a slider): each choice's URL value and
    /// label; empty for sliders and checkboxes.
    pub choices: Vec<(&'static str, &'static str)>,
    /// The current choice's URL value, for a menu.
    pub choice: Option<String>,
}

/// The generator's parameters: changing one draws the data afresh (edited points are dropped).
const GENERATOR_KEYS: [&str; 6] = ["n", "slope", "intercept", "noise", "separation", "data"];

impl LabScenario {
    /// The controls of the current model's data and settings, in the URL form's order.
    pub fn data_controls(&self) -> Vec<DataControl> {
        let shape = match self.model {
            ModelSpec::Logistic { shape, .. } | ModelSpec::Mlp { shape, .. } => Some(shape),
            _ => None,
        };
        model_keys(&self.model)
            .iter()
            // The circles' and moons' geometry is fixed: no separation slider for them.
            .filter(|&&key| key != "separation" || shape.is_none_or(ClassShape::uses_separation))
            .map(|&key| {
                let value = match model_value(&self.model, key) {
                    Some(v) if key == "scale" => f64::from(u8::from(v.is_empty())),
                    Some(v) => v.parse().unwrap_or(0.0),
                    None => 0.0,
                };
                let (label, min, max, step) = match key {
                    "n" => ("points n", 2.0, 200.0, 1.0),
                    "slope" => ("true slope w", -5.0, 5.0, 0.1),
                    "intercept" => ("true intercept b", -5.0, 5.0, 0.1),
                    "noise" => ("noise σ", 0.0, 3.0, 0.05),
                    "scale" => ("scale the feature (x − mean) / std", 0.0, 1.0, 0.0),
                    "separation" => ("class separation", 0.0, 6.0, 0.1),
                    "degree" => ("degree", 1.0, MAX_DEGREE as f64, 1.0),
                    "l1" => ("L1 penalty λ₁", 0.0, 0.5, 0.001),
                    "l2" => ("L2 penalty λ₂", 0.0, 0.5, 0.001),
                    "val" => ("validation share", 0.0, 0.8, 0.05),
                    "hidden" => ("hidden units", 1.0, MAX_HIDDEN as f64, 1.0),
                    "dropout" => ("dropout rate p", 0.0, 0.9, 0.05),
                    "data" => ("data", 0.0, 0.0, 0.0),
                    "loss" => ("loss", 0.0, 0.0, 0.0),
                    _ => (key, 0.0, 1.0, 0.0),
                };
                let choices = match key {
                    "data" => ClassShape::ALL.map(|s| (s.id(), s.label())).to_vec(),
                    "loss" => ClassLoss::ALL.map(|l| (l.id(), l.label())).to_vec(),
                    _ => Vec::new(),
                };
                DataControl {
                    key,
                    label,
                    value,
                    min,
                    max,
                    step,
                    regenerates: GENERATOR_KEYS.contains(&key),
                    choice: model_value(&self.model, key).filter(|_| !choices.is_empty()),
                    choices,
                }
            })
            .collect()
    }

    /// Sets one data or model setting by its URL key from its URL value (`"1"`/`"0"` for the
    /// `scale` flag). A generator parameter (`n`, `slope`, `intercept`, `noise`, `separation`,
    /// `data`) draws the points afresh, dropping edited ones; the others keep the points. A
    /// run's batch size larger than the training points left becomes the full batch. Turning
    /// feature scaling on or off gives every run still at the default learning rate of its
    /// optimizer ([`LabScenario::default_runs`]) the default rate of the other setting, so
    /// that each landscape is trained at rates that suit it; other rates are kept. On error (an unknown key,
    /// a value out of range, data that cannot be trained on) nothing changes and the message
    /// names the allowed values.
    pub fn set_data(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let mut next = self.clone();
        let value = if key == "scale" && value == "0" {
            "false"
        } else {
            value
        };
        set_model_key(&mut next.model, key, value)?;
        if GENERATOR_KEYS.contains(&key) {
            next.points = None;
        }
        // Scaling the feature changes the landscape's curvature some seventyfold: a run still
        // at the default rate of the old landscape takes the new one's, a rate chosen by hand
        // stays.
        if key == "scale" {
            let (old, new) = (
                LabScenario::default_runs(&self.model),
                LabScenario::default_runs(&next.model),
            );
            for run in &mut next.runs {
                let o = &mut run.spec.optimizer;
                let at_default = old.iter().zip(&new).find(|(d, _)| {
                    d.spec.optimizer.kind == o.kind && d.spec.optimizer.lr() == o.lr()
                });
                if let Some((_, d)) = at_default {
                    o.set("lr", d.spec.optimizer.lr())?;
                }
            }
        }
        next.fit_batch_and_validate()?;
        *self = next;
        Ok(())
    }

    /// Replaces the points by `points` (or the generated ones, with `None`), keeping every
    /// run's batch size within the training points; on error nothing changes.
    pub fn set_points(&mut self, points: Option<Points>) -> Result<(), Error> {
        let mut next = self.clone();
        next.points = points;
        next.fit_batch_and_validate()?;
        *self = next;
        Ok(())
    }

    /// Every batch size above the number of training points becomes the full batch; then
    /// [`LabScenario::validate`].
    fn fit_batch_and_validate(&mut self) -> Result<(), Error> {
        let model = self.build()?;
        let n = model.as_model().samples();
        for b in &mut self.batches {
            if b.is_some_and(|b| b > n) {
                *b = None;
            }
        }
        // A start for another number of parameters (the degree or the hidden units changed)
        // gives way to the model's own.
        if self
            .start
            .as_ref()
            .is_some_and(|s| s.len() != model.as_model().dim())
        {
            self.start = None;
        }
        self.validate_on(&model)
    }

    /// Sets the start every run trains from to `text` (`θ₁,θ₂,…`, one value per parameter;
    /// empty for the model's own start); the error names the problem and the allowed values,
    /// and nothing changes then.
    pub fn set_start(&mut self, text: &str) -> Result<(), Error> {
        let mut next = self.clone();
        next.start = if text.trim().is_empty() {
            None
        } else {
            Some(parse_start(text)?)
        };
        next.validate()?;
        *self = next;
        Ok(())
    }

    /// Sets run `index`'s batch size to `size` (1 to the training points; `size` at or above
    /// them, or `None`, is the full batch); the error names the allowed values, and nothing
    /// changes then.
    pub fn set_run_batch(&mut self, index: usize, size: Option<usize>) -> Result<(), Error> {
        if index >= self.runs.len() {
            return Err(Error::new("error.lab.no_run")
                .with("index", index)
                .with("last", self.runs.len().saturating_sub(1)));
        }
        let model = self.build()?;
        let n = model.as_model().samples();
        if size == Some(0) {
            return Err(batch_refusal("batch", 0, n));
        }
        self.batches.resize(self.runs.len(), None);
        self.batches[index] = size.filter(|&b| b < n);
        Ok(())
    }
}
