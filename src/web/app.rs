//! The surface page's handle: made from a link, its scenario, the timeline, status, results,
//! explanations and stories.

use super::*;
use crate::core::compare::{ResultRow, results_csv, sort_results};

#[derive(Serialize)]
struct KindView {
    id: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct RunStatus {
    step: usize,
    x: f64,
    y: f64,
    loss: f64,
    diverged_at: Option<usize>,
    teach: Option<StepParts>,
    scaling: Option<Scaling>,
}

#[derive(Serialize)]
struct Status {
    step: usize,
    max_steps: usize,
    runs: Vec<RunStatus>,
}

/// A formula that does not read, as the page shows it under the field: the error, and the
/// text around the column it points at ([`crate::core::custom::pointed`]).
#[derive(Serialize)]
struct FormulaProblem {
    text: String,
    message: String,
    column: usize,
    before: String,
    at: String,
    after: String,
}

impl FormulaProblem {
    fn new(text: &str, e: crate::core::expr::ExprError) -> FormulaProblem {
        let [before, at, after] = crate::core::custom::pointed(text, e.column, 24);
        FormulaProblem {
            text: text.to_owned(),
            message: e.error.to_string(),
            column: e.column,
            before,
            at,
            after,
        }
    }
}

#[wasm_bindgen]
impl App {
    /// A new visualizer painting on the given canvases: `background` (heatmap, contours,
    /// axes), `foreground` (trajectories, stacked over the background) and `loss`. `dpr` is
    /// the display's device-pixel ratio; `query` is the page's URL query, the scenario to show
    /// ([`Scenario::read_query`]: every valid part of it, and [`App::load_error`] names each
    /// part left out).
    #[wasm_bindgen(constructor)]
    pub fn new(
        background: HtmlCanvasElement,
        foreground: HtmlCanvasElement,
        loss: HtmlCanvasElement,
        dpr: f64,
        query: &str,
    ) -> Result<App, JsError> {
        let (scenario, problems) = Scenario::read_query(query);
        let load_error = problems;
        let mut app = App {
            covered: Vec::new(),
            view: scenario.view(),
            scenario,
            trajectories: Vec::new(),
            pending: Vec::new(),
            change_ms: 0.0,
            rates_due: None,
            rate_choices: 0,
            compute_ms: Vec::new(),
            background,
            foreground,
            loss,
            theme: Theme {
                dpr: if dpr.is_finite() && dpr > 0.0 {
                    dpr
                } else {
                    1.0
                },
                ..Theme::default()
            },
            painted: None,
            plot: (0..1, 0..1),
            load_error,
            timings: Timings::default(),
            interacting: false,
            scratch: None,
            heatmap: None,
            view3d: None,
            multiples: Multiples::default(),
            camera: Camera::default(),
            rate_map: None,
            rate_rect: None,
            sweep_canvas: None,
            sweep: None,
            sweep_metric: SweepMetric::Loss,
            sweep_frame: None,
            scalings: Default::default(),
            lang: Lang::En,
        };
        if let Err(e) = app.resimulate_all() {
            // Each run was built as it was read, so this is not expected; stay usable.
            app.load_error = vec![Error::new("error.link.default_shown").with_cause("cause", e)];
            app.scenario = Scenario::default();
            app.resimulate_all()?;
        }
        Ok(app)
    }

    /// The parts of the link that were left out, each with why and the allowed values,
    /// joined by `; ` (the rest of the link is shown), if any were.
    pub fn load_error(&self) -> Option<String> {
        // Worded now, in the page's language (set after the app was made).
        Error::list(self.load_error.clone()).map(|e| e.to_string())
    }

    /// The scenario as a URL query (without `?`): a link to exactly what is on screen.
    pub fn query(&self) -> String {
        self.scenario.to_query()
    }

    /// The page's language as the link chose it (`en` or `zh`), or `undefined` when it did
    /// not (the page then follows the browser: [`super::browser_lang`]).
    pub fn lang(&self) -> Option<String> {
        self.scenario.lang.map(|l| l.code().to_owned())
    }

    /// Shows the page in language `code` (`en` or `zh`); with `in_link`, the link carries it
    /// from now on (the user chose it), otherwise it only follows the browser. An unknown
    /// code is an error naming the allowed ones; nothing changes then.
    pub fn set_lang(&mut self, code: &str, in_link: bool) -> Result<(), JsError> {
        self.lang = super::show_lang(code, in_link, &mut self.scenario.lang)?;
        self.theme.lang = self.lang;
        Ok(())
    }

    /// Panics with `message`. It exists only so that the browser test
    /// (`tests/browser/panic.test.mjs`) can prove the page recovers from a Rust panic without
    /// a reload; nothing on the page calls it.
    pub fn panic_for_test(&mut self, message: &str) {
        panic!("{message}");
    }

    /// Every surface as JSON: `[{id, label, formula}]`, named in `lang` (`en` or `zh`;
    /// English when it is neither).
    pub fn surfaces(lang: &str) -> String {
        let lang = Lang::from_code(lang).unwrap_or_default();
        let infos: Vec<_> = Surface::all()
            .iter()
            .map(Surface::info)
            .map(|mut info| {
                info.label = i18n::name(lang, "surface", info.id, info.label);
                // The one formula with words in it (the bowl's rotation).
                if let Some(words) = i18n::lookup(lang, &format!("formula.{}", info.id)) {
                    info.formula = words.to_owned();
                }
                info
            })
            .collect();
        json(&infos)
    }

    /// The current surface's identifier.
    pub fn surface(&self) -> String {
        self.scenario.surface.info().id.to_owned()
    }

    /// Switches to the surface `id`, with its default view and start point, every run begun
    /// again from step 0 and simulated from the next frame on: each with the learning rate
    /// that works there for it ([`crate::core::rates::working_lr`]) and its other settings, or
    /// with all its settings when the scenario keeps its rates ([`App::set_keep_rates`]). An
    /// unknown id is an error naming the allowed ones.
    ///
    /// The rates are chosen in the frames after the one that shows the new surface (which
    /// shows each run at its start, whatever its rate), run by run within each frame's budget
    /// for simulation ([`App::simulate_for`]), before any run is simulated; an edit of the runs
    /// first chooses those still to choose. Choosing them all takes a few milliseconds (8 runs
    /// × 17 rates simulated), which the switch's frame does not wait for and no later frame
    /// takes at once; [`App::rate_choices`] tells the page when its panels should show them.
    pub fn set_surface(&mut self, id: &str) -> Result<(), JsError> {
        let surface = Surface::from_id(id)?;
        let s = &mut self.scenario;
        s.start = surface.default_start();
        s.surface = surface;
        s.view = None;
        s.step = 0;
        s.story = None;
        self.rates_due = (!s.keep_rates).then_some(0);
        Ok(self.resimulate_after_frame()?)
    }

    /// How many times the runs have been given the rates that work on a new surface (a
    /// switch's are given in the frames after it, [`App::set_surface`]): when it changes, the
    /// page shows the runs' new rates in their panels.
    pub fn rate_choices(&self) -> u32 {
        self.rate_choices
    }

    /// The current surface's formula as the page shows it under the plot (`f(x, y) = …`).
    pub fn surface_formula(&self) -> String {
        let info = self.scenario.surface.info();
        // The one formula with words in it (the bowl's rotation), in the page's language.
        i18n::lookup(self.lang, &format!("formula.{}", info.id)).map_or(info.formula, str::to_owned)
    }

    /// The typed formula in its canonical form, for the text field; `""` on a built-in
    /// surface.
    pub fn custom_text(&self) -> String {
        self.scenario
            .surface
            .custom_formula()
            .map_or_else(String::new, |c| c.text().to_owned())
    }

    /// Shows the formula `text` ([`crate::core::custom`]), re-simulating every run from step 0
    /// with the rates that work there, chosen in the frames after its own (as
    /// [`App::set_surface`]): `"null"` when it reads, else `{message, column, before, at,
    /// after}` (JSON: the error, and the text around the column it points at), and the
    /// surface on screen stays as it was. Switching from a built-in surface starts at the
    /// typed surface's own start and view; editing a typed one keeps a start the user chose
    /// where the new formula is defined there and it is in view.
    pub fn set_formula(&mut self, text: &str) -> String {
        let surface = match Surface::custom(text) {
            Ok(s) => s,
            Err(e) => return json(&FormulaProblem::new(text, e)),
        };
        let s = &mut self.scenario;
        if s.surface == surface {
            return "null".into();
        }
        let view = s.view();
        let inside = (view.x_min..=view.x_max).contains(&s.start[0])
            && (view.y_min..=view.y_max).contains(&s.start[1]);
        let keep = s.surface.custom_formula().is_some()
            && inside
            && surface.value_and_gradient(s.start).0.is_finite();
        if !keep {
            s.start = surface.default_start();
        }
        if s.surface.custom_formula().is_none() {
            s.view = None;
        }
        s.surface = surface;
        s.step = 0;
        s.story = None;
        self.rates_due = (!s.keep_rates).then_some(0);
        match self.resimulate_after_frame() {
            Ok(()) => "null".into(),
            Err(e) => json(&FormulaProblem {
                text: text.to_owned(),
                message: e.to_string(),
                column: 0,
                before: String::new(),
                at: String::new(),
                after: String::new(),
            }),
        }
    }

    /// The formula of the link `query` when it does not read, as [`App::set_formula`]'s
    /// error with the `text` too (JSON), so the page can show it in the field to be corrected;
    /// `"null"` when the link has no formula or its formula reads.
    pub fn link_formula_problem(query: &str) -> String {
        match crate::state::query::link_formula(query) {
            Some(text) => match Surface::custom(&text) {
                Ok(_) => "null".into(),
                Err(e) => json(&FormulaProblem::new(&text, e)),
            },
            None => "null".into(),
        }
    }

    /// Whether switching the surface and adding a run keep the runs' learning rates (`true`)
    /// or give each the rate that works ([`crate::core::rates::working_lr`], `false`).
    pub fn keep_rates(&self) -> bool {
        self.scenario.keep_rates
    }

    /// Sets [`App::keep_rates`] (the rates a switch just gave the runs are the ones kept).
    pub fn set_keep_rates(&mut self, on: bool) {
        self.settle_rates();
        self.scenario.keep_rates = on;
    }

    /// Moves the animation `n` steps forward; returns whether any run has steps left to show.
    pub fn advance(&mut self, n: usize) -> bool {
        let s = &mut self.scenario;
        s.step = (s.step + n).min(s.steps);
        s.step < self.last_step()
    }

    /// Moves the animation to step `k` (clamped to the simulated range): the timeline.
    pub fn set_step(&mut self, k: usize) {
        self.scenario.step = k.min(self.scenario.steps);
    }

    /// Whether the page is embedded (`&embed`): the scene alone, driven by its embedder.
    pub fn embed(&self) -> bool {
        self.scenario.embed
    }

    /// Moves the animation to step `step`, a whole number from 0 to the steps simulated, as an
    /// embedder asks (a JavaScript number, checked here: `-1`, `2.5` or `1e300` are refused
    /// with the allowed values).
    pub fn seek(&mut self, step: f64) -> Result<(), JsError> {
        let max = self.scenario.steps as u64;
        self.scenario.step = whole_in(step, "step", 0, max)? as usize;
        Ok(())
    }

    /// Moves the animation back to step 0.
    pub fn reset(&mut self) {
        self.scenario.step = 0;
    }

    /// The animation's current step.
    pub fn step(&self) -> usize {
        self.scenario.step
    }

    /// How many steps the runs are simulated ahead.
    pub fn max_steps(&self) -> usize {
        self.scenario.steps
    }

    /// Simulates every run `n` steps ahead (1 to 20,000) instead.
    pub fn set_max_steps(&mut self, n: f64) -> Result<(), JsError> {
        let n = whole_in(n, "maximum steps", 1, MAX_STEPS as u64)? as usize;
        self.settle_rates();
        self.scenario.steps = n;
        self.scenario.step = self.scenario.step.min(n);
        Ok(self.resimulate_all()?)
    }

    /// Animation speed in steps per second.
    pub fn speed(&self) -> f64 {
        self.scenario.speed
    }

    /// Sets the animation speed (0 < speed ≤ 100,000 steps per second).
    pub fn set_speed(&mut self, speed: f64) -> Result<(), JsError> {
        if !(speed > 0.0 && speed <= 100_000.0) {
            return Err(crate::err!("error.surface.speed", value = speed).into());
        }
        self.scenario.speed = speed;
        Ok(())
    }

    /// Lesson mode's visible controls as JSON (`null` when every control is shown).
    pub fn lesson(&self) -> String {
        json(&self.scenario.lesson)
    }

    /// Whether large text (projector mode) is on.
    pub fn large(&self) -> bool {
        self.scenario.large
    }

    /// Switches large text on or off; the page scales its text, the plots their labels.
    pub fn set_large(&mut self, on: bool) {
        self.scenario.large = on;
        self.theme.font_px = Theme::font_for(on);
        self.painted = None;
    }

    /// Where every run stands at the current step, as JSON:
    /// `{step, max_steps, runs: [{step, x, y, loss, diverged_at, teach, scaling}]}`;
    /// `diverged_at` is shown once the animation has reached it; `teach` is the next step's
    /// parts ([`StepParts`]) and, with the overlay on, `scaling` how an adaptive method scales
    /// each coordinate ([`Scaling`]).
    pub fn status(&self) -> String {
        let step = self.scenario.step;
        let runs = self
            .trajectories
            .iter()
            .zip(&self.scenario.runs)
            .enumerate()
            .map(|(i, (t, entry))| {
                let k = step.min(t.steps());
                RunStatus {
                    step: k,
                    x: t.points[k][0],
                    y: t.points[k][1],
                    loss: t.losses[k],
                    diverged_at: t.diverged_at.filter(|&d| d <= step),
                    teach: t.step_parts(k, entry.spec.optimizer.kind),
                    scaling: self.scenario.overlay.then(|| self.scaling(i, k)).flatten(),
                }
            })
            .collect();
        json(&Status {
            step,
            max_steps: self.scenario.steps,
            runs,
        })
    }

    /// Every run's results over its trajectory as simulated so far (whole once
    /// [`App::simulate_for`] says so; the page asks again then), sorted by column `key`
    /// ([`crate::core::compare::RESULT_COLUMNS`], ascending or not), as JSON `[{run, label, final_loss,
    /// distance_to_minimum, steps_to_tolerance, diverged_at, steps, compute_ms}]`; `tol` is the
    /// tolerance on `loss − f*` (f* the lowest known minimum).
    pub fn results(&self, tol: f64, key: &str, ascending: bool) -> Result<String, JsError> {
        Ok(json(&self.result_rows(tol, key, ascending)?))
    }

    /// The results table as [`results`](App::results) sorts it, as CSV ([`results_csv`]),
    /// every run simulated whole first.
    pub fn results_csv(&mut self, tol: f64, key: &str, ascending: bool) -> Result<String, JsError> {
        self.finish_runs();
        Ok(results_csv(&self.result_rows(tol, key, ascending)?))
    }

    fn result_rows(&self, tol: f64, key: &str, ascending: bool) -> Result<Vec<ResultRow>, JsError> {
        if !(tol.is_finite() && tol > 0.0) {
            let value = crate::core::text::number(tol);
            return Err(crate::err!("error.compare.tolerance", value = value).into());
        }
        let mut rows: Vec<ResultRow> = self
            .scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .zip(&self.compute_ms)
            .enumerate()
            .map(|(i, ((entry, t), &ms))| ResultRow {
                run: i + 1,
                label: {
                    let kind = entry.spec.optimizer.kind;
                    i18n::name(self.lang, "optimizer", kind.id(), kind.label()).to_owned()
                },
                result: crate::core::compare::result(&self.scenario.surface, t, tol),
                compute_ms: ms,
            })
            .collect();
        sort_results(&mut rows, key, ascending)?;
        Ok(rows)
    }

    /// Run `index`'s update rule as a MathML `<math>` element, honouring its flags.
    pub fn rule_mathml(&self, index: usize) -> Result<String, JsError> {
        runs::rule_mathml(
            &self.scenario.runs,
            index,
            self.scenario.notation,
            self.lang,
        )
    }

    /// The notation the rules are written in (`torch` or `notes`).
    pub fn notation(&self) -> String {
        self.scenario.notation.id().to_owned()
    }

    /// Writes the rules and explanations in notation `id` (`torch` or `notes`); an unknown
    /// id is an error naming the allowed ones, and nothing changes then.
    pub fn set_notation(&mut self, id: &str) -> Result<(), JsError> {
        self.scenario.notation = Notation::parse(id)?;
        Ok(())
    }

    /// Explains run `index`'s next step from the current one (point k to point k + 1) with
    /// its numbers, as JSON `{step, lr, theta_before, grad, theta_after, state_before,
    /// state_after, mathml, text}`; `null` when the run takes no step from here (it has ended
    /// or diverged).
    pub fn explain(&self, index: usize) -> Result<String, JsError> {
        let entry = self.entry(index)?;
        let t = &self.trajectories[index];
        let k = self.scenario.step;
        if k >= t.steps() {
            return Ok("null".into());
        }
        let s = &self.scenario;
        let explanation = crate::core::explain::explain_in(
            &s.surface,
            &entry.spec,
            s.start,
            k + 1,
            s.notation,
            crate::state::words::notes_words(self.lang),
        )?;
        Ok(json(&explanation))
    }

    /// Switches the teaching overlay (gradient step and actual update at each run's head).
    pub fn set_overlay(&mut self, on: bool) {
        self.scenario.overlay = on;
    }

    /// Whether the teaching overlay is on.
    pub fn overlay(&self) -> bool {
        self.scenario.overlay
    }

    /// Chooses what the chart shows: `loss`, `grad` (gradient norm) or `distance` (to the
    /// nearest known minimum).
    pub fn set_chart(&mut self, id: &str) -> Result<(), JsError> {
        self.scenario.chart = Chart::from_id(id)?;
        Ok(())
    }

    /// What the chart shows (`loss`, `grad` or `distance`).
    pub fn chart(&self) -> String {
        self.scenario.chart.id().to_owned()
    }

    /// Every preset as JSON `[{id, title, caption, query}]` in language `lang` (`en` or `zh`;
    /// English when it is neither).
    pub fn presets(lang: &str) -> String {
        let lang = Lang::from_code(lang).unwrap_or_default();
        json(&PRESETS.iter().map(|p| p.view(lang)).collect::<Vec<_>>())
    }

    /// Loads preset `id`: its whole scenario, from step 0 (keeping large text, the lesson,
    /// whether rates are kept and the language).
    pub fn load_preset(&mut self, id: &str) -> Result<(), JsError> {
        let scenario = preset(id)?.scenario();
        let s = &self.scenario;
        let keep = (s.large, s.notation, s.lesson.clone(), s.keep_rates, s.lang);
        self.scenario = scenario;
        let s = &mut self.scenario;
        (s.large, s.notation, s.lesson, s.keep_rates, s.lang) = keep;
        // The story's runs come with their own rates.
        self.rates_due = None;
        Ok(self.resimulate_all()?)
    }

    /// The story the scenario came from as JSON `{id, title, caption, query}`, or `null`.
    pub fn story(&self) -> String {
        json(
            &self
                .scenario
                .story
                .as_deref()
                .and_then(|id| preset(id).ok())
                .map(|p| p.view(self.lang)),
        )
    }
}

/// The bounds and choices both pages' run panels hold their controls to, as JSON
/// `{max_runs, noise_slider: [lo, hi], notations: [id]}`: the most runs a scenario
/// holds, the range of the gradient noise slider ([`crate::core::run::NOISE_SLIDER`]), and
/// the notations the update rules can be written in ([`Notation`]).
#[wasm_bindgen]
pub fn limits() -> String {
    #[derive(Serialize)]
    struct Limits {
        max_runs: usize,
        noise_slider: [f64; 2],
        notations: Vec<&'static str>,
    }
    json(&Limits {
        max_runs: crate::state::scenario::MAX_RUNS,
        noise_slider: crate::core::run::NOISE_SLIDER,
        notations: runs::notation_ids(),
    })
}

/// Every optimizer as JSON: `[{id, label}]`, in the order the page lists them, named in
/// `lang` (`en` or `zh`; English when it is neither).
#[wasm_bindgen]
pub fn optimizers(lang: &str) -> String {
    let lang = Lang::from_code(lang).unwrap_or_default();
    let kinds: Vec<KindView> = OptimizerKind::ALL
        .iter()
        .map(|k| KindView {
            id: k.id(),
            label: i18n::name(lang, "optimizer", k.id(), k.label()),
        })
        .collect();
    json(&kinds)
}
