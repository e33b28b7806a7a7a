//! The page's one handle into Rust: the scenario, its simulated runs and the canvases they are
//! painted on. JavaScript owns the frame loop and calls [`App::advance`] and [`App::render`];
//! every other method answers one control.

use crate::core::optim::{ConfigError, OptimizerKind, RunConfig};
use crate::core::run::{RunSpec, Trajectory, simulate};
use crate::core::surface::{Surface, View};
use crate::render::basin::{BasinMode, basin_pixels};
use crate::render::plot::surface_plot_rect;
use crate::render::{
    Camera, Field, Line, MetricSeries, RUN_COLORS, StepArrows, Theme, TrajectorySeries,
    draw_metric, draw_surface_3d, draw_surface_layer, draw_trajectories,
};
use crate::state::presets::{PRESETS, preset};
use crate::state::scenario::{Chart, MAX_STEPS, RunEntry, Scenario, whole_in};
use canvas::Canvas;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use runs::Edit;
use serde::Serialize;
use std::ops::Range;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The page's background colour, behind the plots.
const PAGE: RGBColor = RGBColor(16, 17, 22);

mod canvas;
mod jobs;
mod lab;
mod runs;

thread_local! {
    /// The message of the last panic in this wasm instance, for [`last_panic`].
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        LAST_PANIC.with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some(info.to_string());
            }
        });
    }));
}

/// The message of the last Rust panic in this wasm instance (where it happened and what it
/// said), if any. A panic traps the wasm and leaves the handle whose method panicked unusable,
/// but the instance still answers: the page calls this to show the message on its panic
/// banner, whose Reset builds a new handle.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|last| last.try_borrow().ok().and_then(|l| l.clone()))
}

/// The legend of a basin map of the scenario `query` in `mode` (`minimum` or `steps`), its
/// runs allowed `steps` steps, as JSON `[{label, color}]` (`color` as `#rrggbb`):
/// [`crate::render::basin::basin_legend`].
#[wasm_bindgen]
pub fn basin_legend(query: &str, mode: &str, steps: usize) -> Result<String, JsError> {
    let s = Scenario::from_query(query).map_err(js_err)?;
    let minima: Vec<[f64; 2]> = s.surface.minima().iter().map(|m| [m[0], m[1]]).collect();
    let entries: Vec<serde_json::Value> =
        crate::render::basin::basin_legend(&minima, BasinMode::from_name(mode), steps)
            .into_iter()
            .map(|(label, [r, g, b])| {
                serde_json::json!({"label": label, "color": format!("#{r:02x}{g:02x}{b:02x}")})
            })
            .collect();
    Ok(json(&entries))
}

/// Paints a basin map's cells (`codes`, `width × height`, row-major, row 0 at the top) on
/// `canvas`, scaled to fill it, coloured as [`basin_pixels`] says.
#[wasm_bindgen]
pub fn paint_basins(
    canvas: HtmlCanvasElement,
    codes: &[u32],
    width: u32,
    height: u32,
    mode: &str,
    steps: usize,
) -> Result<(), JsError> {
    if codes.len() != (width * height) as usize || width == 0 {
        return Err(js_err("the basin map's size does not match its cells"));
    }
    let pixels = basin_pixels(codes, BasinMode::from_name(mode), steps);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), width, height)
        .map_err(|_| js_err("cannot make the basin image"))?;
    let scratch = offscreen()?;
    scratch.set_width(width);
    scratch.set_height(height);
    context(&scratch)?
        .put_image_data(&image, 0.0, 0.0)
        .map_err(|_| js_err("cannot draw the basin image"))?;
    let ctx = context(&canvas)?;
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &scratch,
        0.0,
        0.0,
        f64::from(canvas.width()),
        f64::from(canvas.height()),
    )
    .map_err(|_| js_err("cannot put the basin image on the canvas"))
}

/// The learning-rate sweep benchmark ([`crate::core::bench::sweep_workload`]): 8 optimizers × 50
/// rates × 2,000 steps on Rosenbrock, batched or one run at a time. Returns the sum of every
/// finite final loss, so `make bench` can check both forms agree; the caller times it.
#[wasm_bindgen]
pub fn bench_sweep(batched: bool) -> Result<f64, JsError> {
    let sweeps = crate::core::bench::sweep_workload(batched).map_err(js_err)?;
    Ok(sweeps.iter().flatten().filter_map(|p| p.final_loss).sum())
}

/// The step-kernel benchmark ([`crate::core::bench::adam_kernel`]): Adam on Rosenbrock, `runs` runs
/// × `steps` steps, batched or one at a time; returns the sum of the final losses.
#[wasm_bindgen]
pub fn bench_adam_kernel(runs: usize, steps: usize, batched: bool) -> Result<f64, JsError> {
    crate::core::bench::adam_kernel(runs, steps, batched).map_err(js_err)
}

/// `v` with at most six decimals and no trailing zeros: 0.9, 0.9999, 0.166667.
fn short(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// What the background canvas shows, to know when it must be painted again.
#[derive(Clone, Copy, PartialEq)]
struct Painted {
    width: u32,
    height: u32,
    surface: Surface,
    view: View,
    /// Whether the heatmap has one value per pixel (else one per 2 × 2, while panning).
    full: bool,
}

/// One rate of one run's sweep, as a worker computed it.
#[derive(Clone, Copy)]
struct SweepCell {
    /// The loss after the last step; `None` when the run diverged.
    final_loss: Option<f64>,
    /// The steps to a loss within 1e-6 of the minimum; `None` when never.
    steps_to_tolerance: Option<f64>,
    diverged: bool,
}

/// What the sweep chart plots against the learning rate.
#[derive(Clone, Copy, PartialEq)]
enum SweepMetric {
    Loss,
    Steps,
}

/// One run's sweep as charted: `(lr, value)` per computed rate, `None` where there is none.
type SweepLine = Vec<(f64, Option<f64>)>;

/// A learning-rate sweep of the shown runs (by index), each with its other settings kept,
/// filled in as the workers' parts arrive (`None` for a rate not computed yet).
struct Sweep {
    lrs: Vec<f64>,
    runs: Vec<(usize, Vec<Option<SweepCell>>)>,
    /// The scenario's steps when it was started: the top of the steps axis.
    steps: usize,
}

impl Sweep {
    /// Per run, the computed rates and the value `metric` plots (`None` where the run
    /// diverged, or never reached the tolerance).
    fn lines(&self, metric: SweepMetric) -> Vec<(usize, SweepLine)> {
        self.runs
            .iter()
            .map(|(i, cells)| {
                let points = self
                    .lrs
                    .iter()
                    .zip(cells)
                    .filter_map(|(&lr, c)| {
                        let c = c.as_ref()?;
                        let y = match metric {
                            SweepMetric::Loss => c.final_loss,
                            SweepMetric::Steps if c.diverged => None,
                            // 0 steps (started within tolerance) sits on the axis' first decade.
                            SweepMetric::Steps => c.steps_to_tolerance.map(|k| k.max(1.0)),
                        };
                        Some((lr, y))
                    })
                    .collect();
                (*i, points)
            })
            .collect()
    }
}

/// One panel of the small multiples: the scenario's first run with one thing varied.
struct Panel {
    surface: Surface,
    start: [f64; 2],
    label: String,
    trajectory: Trajectory,
}

/// The small multiples: panels, their canvas, and a cached backdrop of their surfaces.
#[derive(Default)]
struct Multiples {
    panels: Vec<Panel>,
    canvas: Option<HtmlCanvasElement>,
    backdrop: Option<HtmlCanvasElement>,
    /// The canvas size the backdrop was painted for; `None` when it must be painted again.
    painted: Option<(u32, u32)>,
    /// Each panel's plot rectangle on the canvas and the view drawn there.
    rects: Vec<(Range<i32>, Range<i32>, View)>,
    /// The step a hover picked, drawn in every panel.
    highlight: Option<usize>,
}

/// Where the momentum rate map was drawn: its plot rectangle and axis ranges.
#[derive(Clone)]
struct RateRect {
    cols: Range<i32>,
    rows: Range<i32>,
    lrs: (f64, f64),
    momenta: (f64, f64),
}

/// The visualizer: a scenario, its runs simulated ahead, and three canvases.
#[wasm_bindgen]
pub struct App {
    scenario: Scenario,
    trajectories: Vec<Trajectory>,
    /// `(under, over)`: run `under`'s trail lies under run `over`'s, as last drawn.
    covered: Vec<(usize, usize)>,
    /// Milliseconds each run's last simulation took, for the results table.
    compute_ms: Vec<f64>,
    background: HtmlCanvasElement,
    foreground: HtmlCanvasElement,
    loss: HtmlCanvasElement,
    theme: Theme,
    painted: Option<Painted>,
    /// The view as drawn (the scenario's, widened to the plot's aspect).
    view: View,
    /// The plot's pixel rectangle on the surface canvases: (columns, rows).
    plot: (Range<i32>, Range<i32>),
    /// Why the scenario given at start could not be loaded, if it could not.
    load_error: Option<String>,
    /// How long the last frame's parts took, for the benchmark.
    timings: Timings,
    /// Whether the user is panning or zooming right now: the heatmap is then computed at half
    /// resolution (a quarter of the work) and sharpened once the gesture ends.
    interacting: bool,
    /// An off-screen canvas the half-resolution heatmap is scaled up from.
    scratch: Option<HtmlCanvasElement>,
    /// The 3D view's canvas, while it is shown.
    view3d: Option<HtmlCanvasElement>,
    /// The small multiples.
    multiples: Multiples,
    /// The momentum rate map's canvas, while it is shown.
    rate_map: Option<HtmlCanvasElement>,
    /// Where the rate map was drawn, for clicks.
    rate_rect: Option<RateRect>,
    /// The learning-rate sweep's canvas, while it is shown.
    sweep_canvas: Option<HtmlCanvasElement>,
    /// The last sweep, as far as the workers have computed it.
    sweep: Option<Sweep>,
    /// What the sweep chart's y axis shows.
    sweep_metric: SweepMetric,
    /// Where the sweep was drawn, for clicks.
    sweep_frame: Option<crate::render::plot::SweepFrame>,
    /// Where the 3D view is seen from.
    camera: Camera,
}

/// Milliseconds spent in each part of the last [`App::render`] (0 for a part not redone).
#[derive(Clone, Copy, Default, Serialize)]
struct Timings {
    background: f64,
    foreground: f64,
    chart: f64,
}

/// Milliseconds since the page loaded (the browser's monotonic clock).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[derive(Serialize)]
struct KindView {
    id: &'static str,
    label: &'static str,
}

/// The numbers behind the teaching overlay at one run's current step.
#[derive(Serialize)]
struct Teach {
    /// The gradient the optimizer received (after noise and clipping).
    g: [f64; 2],
    /// The step's learning rate (after the schedule).
    lr: f64,
    /// The update θₖ₊₁ − θₖ.
    update: [f64; 2],
    /// Per coordinate, the step the optimizer effectively took per unit of gradient:
    /// −Δθᵢ / gᵢ (η for gradient descent; η/(√v̂ᵢ + ε)-like for the Adam family).
    effective: [Option<f64>; 2],
    /// For momentum methods, the velocity's share of the update: Δθ − (−η g).
    carry: Option<[f64; 2]>,
}

#[derive(Serialize)]
struct RunStatus {
    step: usize,
    x: f64,
    y: f64,
    loss: f64,
    diverged_at: Option<usize>,
    teach: Option<Teach>,
}

#[derive(Serialize)]
struct Status {
    step: usize,
    max_steps: usize,
    runs: Vec<RunStatus>,
}

#[derive(Serialize)]
struct Probe {
    x: f64,
    y: f64,
    f: f64,
    gx: f64,
    gy: f64,
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .map_err(|_| js_err("canvas has no 2D context"))?
        .ok_or_else(|| js_err("canvas has no 2D context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| js_err("canvas context is not 2D"))
}

fn backend(canvas: &HtmlCanvasElement) -> Result<Canvas, JsError> {
    let inner = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_err("cannot draw on the canvas"))?;
    Ok(Canvas::new(inner, context(canvas)?))
}

/// `θₖ₊₁ − θₖ`: the update a run made at step `k + 1` (`k` below its last step).
fn update(t: &Trajectory, k: usize) -> [f64; 2] {
    [
        t.points[k + 1][0] - t.points[k][0],
        t.points[k + 1][1] - t.points[k][1],
    ]
}

/// A new canvas element that is never put in the page.
fn offscreen() -> Result<HtmlCanvasElement, JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        .ok_or_else(|| js_err("cannot make an off-screen canvas"))
}

fn rgb(index: usize) -> RGBColor {
    let (r, g, b) = RUN_COLORS[index % RUN_COLORS.len()];
    RGBColor(r, g, b)
}

#[wasm_bindgen]
impl App {
    /// A new visualizer painting on the given canvases: `background` (heatmap, contours,
    /// axes), `foreground` (trajectories, stacked over the background) and `loss`. `dpr` is
    /// the display's device-pixel ratio; `query` is the page's URL query, the scenario to show
    /// (a malformed one loads the default scenario and [`App::load_error`] says why).
    #[wasm_bindgen(constructor)]
    pub fn new(
        background: HtmlCanvasElement,
        foreground: HtmlCanvasElement,
        loss: HtmlCanvasElement,
        dpr: f64,
        query: &str,
    ) -> Result<App, JsError> {
        let (scenario, load_error) = match Scenario::from_query(query) {
            Ok(s) => (s, None),
            Err(e) => (Scenario::default(), Some(e)),
        };
        let mut app = App {
            covered: Vec::new(),
            view: scenario.view(),
            scenario,
            trajectories: Vec::new(),
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
            view3d: None,
            multiples: Multiples::default(),
            camera: Camera::default(),
            rate_map: None,
            rate_rect: None,
            sweep_canvas: None,
            sweep: None,
            sweep_metric: SweepMetric::Loss,
            sweep_frame: None,
        };
        if let Err(e) = app.resimulate_all() {
            // Each run was validated as it was read, so this is not expected; stay usable.
            app.load_error = Some(format!("{e}; showing the default scenario"));
            app.scenario = Scenario::default();
            app.resimulate_all().map_err(js_err)?;
        }
        Ok(app)
    }

    /// Why the scenario in the link could not be shown (the default is shown instead), if so.
    pub fn load_error(&self) -> Option<String> {
        self.load_error.clone()
    }

    /// The scenario as a URL query (without `?`): a link to exactly what is on screen.
    pub fn query(&self) -> String {
        self.scenario.to_query()
    }

    /// Panics with `message`. It exists only so that the browser test
    /// (`tests/browser/panic.test.mjs`) can prove the page recovers from a Rust panic without
    /// a reload; nothing on the page calls it.
    pub fn panic_for_test(&mut self, message: &str) {
        panic!("{message}");
    }

    /// Simulates `spec` in the current scenario; also returns how long that took (ms).
    fn simulate(&self, spec: &RunSpec) -> Result<(Trajectory, f64), ConfigError> {
        let s = &self.scenario;
        let t0 = now();
        let t = simulate(&s.surface, spec, s.start, s.steps)?;
        Ok((t, now() - t0))
    }

    fn resimulate_all(&mut self) -> Result<(), ConfigError> {
        let (trajectories, times) = self
            .scenario
            .runs
            .iter()
            .map(|r| self.simulate(&r.spec))
            .collect::<Result<(Vec<_>, Vec<_>), _>>()?;
        self.trajectories = trajectories;
        self.compute_ms = times;
        Ok(())
    }

    /// Every optimizer as JSON: `[{id, label}]`, in the order the page lists them.
    pub fn optimizers() -> String {
        let kinds: Vec<KindView> = OptimizerKind::ALL
            .iter()
            .map(|k| KindView {
                id: k.id(),
                label: k.label(),
            })
            .collect();
        json(&kinds)
    }

    /// Every surface as JSON: `[{id, label, formula}]`.
    pub fn surfaces() -> String {
        let infos: Vec<_> = Surface::all().iter().map(Surface::info).collect();
        json(&infos)
    }

    /// The current surface's identifier.
    pub fn surface(&self) -> String {
        self.scenario.surface.info().id.to_owned()
    }

    /// Switches to the surface `id`, with its default view and start point, re-simulating every
    /// run from step 0: each with the learning rate that works there for it
    /// ([`crate::core::rates::working_lr`]) and its other settings, or with all its settings when the
    /// scenario keeps its rates ([`App::set_keep_rates`]). An unknown id is an error naming the
    /// allowed ones.
    pub fn set_surface(&mut self, id: &str) -> Result<(), JsError> {
        let surface = Surface::from_id(id).map_err(js_err)?;
        let s = &mut self.scenario;
        s.surface = surface;
        s.start = surface.default_start();
        s.view = None;
        s.step = 0;
        s.story = None;
        if !s.keep_rates {
            for run in &mut s.runs {
                run.spec = crate::core::rates::with_working_lr(
                    &surface,
                    &run.spec,
                    s.start,
                    s.steps,
                    &surface.default_view(),
                )
                .map_err(js_err)?;
            }
        }
        self.resimulate_all().map_err(js_err)
    }

    /// Whether switching the surface and adding a run keep the runs' learning rates (`true`)
    /// or give each the rate that works ([`crate::core::rates::working_lr`], `false`).
    pub fn keep_rates(&self) -> bool {
        self.scenario.keep_rates
    }

    /// Sets [`App::keep_rates`].
    pub fn set_keep_rates(&mut self, on: bool) {
        self.scenario.keep_rates = on;
    }

    /// The runs as JSON, for the page's run panels (see `runs::runs_json`).
    pub fn runs(&self) -> String {
        runs::runs_json(&self.scenario.runs)
    }

    fn entry(&self, index: usize) -> Result<&RunEntry, JsError> {
        runs::entry(&self.scenario.runs, index)
    }

    /// Re-simulates run `index` with `spec` from the start at once (the animation's step is
    /// kept); on error the run stays as it was.
    fn replace(&mut self, index: usize, spec: RunSpec) -> Result<(), JsError> {
        let (trajectory, ms) = self.simulate(&spec).map_err(js_err)?;
        self.scenario.runs[index].spec = spec;
        self.trajectories[index] = trajectory;
        self.compute_ms[index] = ms;
        Ok(())
    }

    /// Applies `edit` to run `index`'s settings and re-simulates it; an error in the edit or
    /// in the new settings leaves the run as it was.
    fn edit(&mut self, index: usize, edit: Edit<'_>) -> Result<(), JsError> {
        let spec = runs::edited(&self.scenario.runs, index, edit)?;
        self.replace(index, spec)
    }

    /// Sets hyperparameter `name` of run `index` and re-simulates that run. A bad index, name
    /// or value is an error that names the allowed values, and leaves the run as it was.
    pub fn set_param(&mut self, index: usize, name: &str, value: f64) -> Result<(), JsError> {
        self.edit(index, Edit::Param(name, value))
    }

    /// Switches flag `name` of run `index` and re-simulates that run.
    pub fn set_flag(&mut self, index: usize, name: &str, on: bool) -> Result<(), JsError> {
        self.edit(index, Edit::Flag(name, on))
    }

    /// Sets run `index`'s learning-rate schedule from its text form (`constant`,
    /// `step:size=100,gamma=0.5`, `exp:gamma=0.99`, `cosine:t_max=500`, `warmup:steps=50`).
    pub fn set_schedule(&mut self, index: usize, text: &str) -> Result<(), JsError> {
        self.edit(index, Edit::Schedule(text))
    }

    /// Sets run `index`'s gradient clipping: by norm and by value, each off when `None`.
    pub fn set_clipping(
        &mut self,
        index: usize,
        norm: Option<f64>,
        value: Option<f64>,
    ) -> Result<(), JsError> {
        self.edit(index, Edit::Clipping(norm, value))
    }

    /// Sets run `index`'s gradient noise: standard deviation `sigma` (0 switches it off) and
    /// the generator's `seed`.
    pub fn set_noise(&mut self, index: usize, sigma: f64, seed: f64) -> Result<(), JsError> {
        self.edit(index, Edit::Noise(sigma, seed))
    }

    /// Gives run `index` the optimizer `id`, with torch's defaults, and re-simulates it.
    pub fn set_optimizer(&mut self, index: usize, id: &str) -> Result<(), JsError> {
        self.edit(index, Edit::Optimizer(id))
    }

    /// Shows or hides run `index` (a hidden run keeps its settings and is still simulated).
    pub fn set_hidden(&mut self, index: usize, hidden: bool) -> Result<(), JsError> {
        self.entry(index)?;
        self.scenario.runs[index].hidden = hidden;
        Ok(())
    }

    fn push(&mut self, from: Result<&str, usize>) -> Result<(), JsError> {
        let mut entry = runs::new_entry(&self.scenario.runs, from)?;
        let s = &self.scenario;
        if from.is_ok() && !s.keep_rates {
            entry.spec = crate::core::rates::with_working_lr(
                &s.surface,
                &entry.spec,
                s.start,
                s.steps,
                &s.view(),
            )
            .map_err(js_err)?;
        }
        let (trajectory, ms) = self.simulate(&entry.spec).map_err(js_err)?;
        self.scenario.runs.push(entry);
        self.trajectories.push(trajectory);
        self.compute_ms.push(ms);
        Ok(())
    }

    /// Adds a run of optimizer `id` with torch's defaults but for the learning rate, which is
    /// the one that works for it here ([`crate::core::rates::working_lr`]) unless the scenario keeps
    /// its rates (at most 8 runs).
    pub fn add_run(&mut self, id: &str) -> Result<(), JsError> {
        self.push(Ok(id))
    }

    /// Adds a copy of run `index`, settings and all (at most 8 runs).
    pub fn duplicate_run(&mut self, index: usize) -> Result<(), JsError> {
        self.push(Err(index))
    }

    /// Removes run `index`; the last run cannot be removed.
    pub fn remove_run(&mut self, index: usize) -> Result<(), JsError> {
        runs::removable(&self.scenario.runs, index)?;
        self.scenario.runs.remove(index);
        self.trajectories.remove(index);
        self.compute_ms.remove(index);
        Ok(())
    }

    /// The world point under device pixel `(px, py)` of the surface canvases.
    fn world(&self, px: f64, py: f64) -> [f64; 2] {
        let (cols, rows) = &self.plot;
        let v = &self.view;
        let fx = (px - f64::from(cols.start)) / f64::from((cols.end - cols.start).max(1));
        let fy = (py - f64::from(rows.start)) / f64::from((rows.end - rows.start).max(1));
        [
            v.x_min + fx * (v.x_max - v.x_min),
            v.y_max - fy * (v.y_max - v.y_min),
        ]
    }

    /// Whether device pixel `(px, py)` lies on the plot.
    pub fn on_plot(&self, px: f64, py: f64) -> bool {
        let (cols, rows) = &self.plot;
        px >= f64::from(cols.start)
            && px < f64::from(cols.end)
            && py >= f64::from(rows.start)
            && py < f64::from(rows.end)
    }

    /// The start point in device pixels of the surface canvases, as `[px, py]`.
    pub fn start_pixel(&self) -> Vec<f64> {
        self.pixel(self.scenario.start)
    }

    /// Where every shown run's path ends at the current step (its last finite point once it
    /// diverged), in device pixels of the surface canvases: `[px₀, py₀, px₁, py₁, …]`, in the
    /// order of the runs.
    pub fn run_pixels(&self) -> Vec<f64> {
        let step = self.scenario.step;
        self.scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .filter(|(entry, _)| !entry.hidden)
            .flat_map(|(_, t)| self.pixel(t.points[step.min(t.steps())]))
            .collect()
    }

    /// World point `[x, y]` in device pixels of the surface canvases, as `[px, py]`.
    fn pixel(&self, [x, y]: [f64; 2]) -> Vec<f64> {
        let (cols, rows) = &self.plot;
        let v = &self.view;
        vec![
            f64::from(cols.start)
                + (x - v.x_min) / (v.x_max - v.x_min) * f64::from(cols.end - cols.start),
            f64::from(rows.start)
                + (v.y_max - y) / (v.y_max - v.y_min) * f64::from(rows.end - rows.start),
        ]
    }

    /// Moves the start point to the world point under device pixel `(px, py)` and
    /// re-simulates every run from there, keeping the animation's step.
    pub fn set_start_at(&mut self, px: f64, py: f64) -> Result<(), JsError> {
        self.scenario.start =
            crate::state::scenario::check_start(self.world(px, py)).map_err(js_err)?;
        self.resimulate_all().map_err(js_err)
    }

    /// Which runs' trails coincide on the plot, as last drawn, in a sentence for the page
    /// ([`crate::state::scenario::coincide_note`]); empty when none do.
    pub fn coinciding(&self) -> String {
        crate::state::scenario::coincide_note(&self.covered)
    }

    /// The surface under device pixel `(px, py)` as JSON `{x, y, f, gx, gy}`.
    pub fn probe(&self, px: f64, py: f64) -> String {
        let p = self.world(px, py);
        let (f, g) = self.scenario.surface.value_and_gradient(p);
        json(&Probe {
            x: p[0],
            y: p[1],
            f,
            gx: g[0],
            gy: g[1],
        })
    }

    fn set_view(&mut self, view: View) -> Result<(), JsError> {
        view.check().map_err(js_err)?;
        self.scenario.view = Some(view);
        self.view = view;
        Ok(())
    }

    /// Zooms by `factor` (below 1 zooms in) about device pixel `(px, py)`, which stays put; a
    /// view beyond what can be shown ([`View::check`]) is refused with a message.
    pub fn zoom(&mut self, px: f64, py: f64, factor: f64) -> Result<(), JsError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Ok(());
        }
        self.set_view(self.view.zoomed(self.world(px, py), factor))
    }

    /// Moves the view with the pointer by `(dx, dy)` device pixels; a view beyond what can be
    /// shown is refused with a message.
    pub fn pan(&mut self, dx: f64, dy: f64) -> Result<(), JsError> {
        let (cols, rows) = &self.plot;
        let (w, h) = (cols.len() as f64, rows.len() as f64);
        self.set_view(self.view.panned(dx, dy, w, h))
    }

    /// Back to the surface's default view.
    pub fn reset_view(&mut self) {
        self.scenario.view = None;
        self.view = self.scenario.view();
    }

    /// Moves the animation `n` steps forward; returns whether any run has steps left to show.
    pub fn advance(&mut self, n: usize) -> bool {
        let s = &mut self.scenario;
        s.step = (s.step + n).min(s.steps);
        s.step < self.last_step()
    }

    fn last_step(&self) -> usize {
        self.trajectories
            .iter()
            .map(Trajectory::steps)
            .max()
            .unwrap_or(0)
    }

    /// Moves the animation to step `k` (clamped to the simulated range): the timeline.
    pub fn set_step(&mut self, k: usize) {
        self.scenario.step = k.min(self.scenario.steps);
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
        let n = whole_in(n, "maximum steps", 1, MAX_STEPS as u64).map_err(js_err)? as usize;
        self.scenario.steps = n;
        self.scenario.step = self.scenario.step.min(n);
        self.resimulate_all().map_err(js_err)
    }

    /// Animation speed in steps per second.
    pub fn speed(&self) -> f64 {
        self.scenario.speed
    }

    /// Sets the animation speed (0 < speed ≤ 100,000 steps per second).
    pub fn set_speed(&mut self, speed: f64) -> Result<(), JsError> {
        if !(speed > 0.0 && speed <= 100_000.0) {
            return Err(js_err(format!(
                "speed {speed}: allowed values are 0 < speed ≤ 100000 steps per second"
            )));
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
        self.theme.font_px = if on { 18.0 } else { 13.0 };
        self.painted = None;
    }

    /// Where every run stands at the current step, as JSON:
    /// `{step, max_steps, runs: [{step, x, y, loss, diverged_at}]}`; `diverged_at` is shown
    /// once the animation has reached it.
    pub fn status(&self) -> String {
        let step = self.scenario.step;
        let runs = self
            .trajectories
            .iter()
            .zip(&self.scenario.runs)
            .map(|(t, entry)| {
                let k = step.min(t.steps());
                RunStatus {
                    step: k,
                    x: t.points[k][0],
                    y: t.points[k][1],
                    loss: t.losses[k],
                    diverged_at: t.diverged_at.filter(|&d| d <= step),
                    teach: (k < t.steps()).then(|| {
                        let g = t.used[k];
                        let update = update(t, k);
                        let eff = |i: usize| (g[i] != 0.0).then(|| -update[i] / g[i]);
                        let momentum = matches!(
                            entry.spec.optimizer.kind,
                            OptimizerKind::Momentum | OptimizerKind::Nesterov
                        );
                        Teach {
                            g,
                            lr: t.lrs[k],
                            update,
                            effective: [eff(0), eff(1)],
                            carry: momentum.then(|| {
                                [update[0] + t.lrs[k] * g[0], update[1] + t.lrs[k] * g[1]]
                            }),
                        }
                    }),
                }
            })
            .collect();
        json(&Status {
            step,
            max_steps: self.scenario.steps,
            runs,
        })
    }

    /// Paints all three canvases at their current sizes. The background (a heatmap computed in
    /// Rust and put on the canvas in one call, then contours, axes and minima) is repainted only
    /// when the canvas size, the surface or the view changed.
    pub fn render(&mut self) -> Result<(), JsError> {
        if self.scenario.large != (self.theme.font_px > 13.0) {
            self.set_large(self.scenario.large);
        }
        let key = Painted {
            width: self.background.width(),
            height: self.background.height(),
            surface: self.scenario.surface,
            view: self.scenario.view(),
            full: !self.interacting,
        };
        let t0 = now();
        if self.painted != Some(key) {
            self.paint_background()?;
            self.painted = Some(key);
        }
        let t1 = now();
        self.paint_foreground()?;
        let t2 = now();
        self.paint_loss()?;
        self.paint_3d()?;
        self.paint_rate_map()?;
        self.paint_sweep()?;
        self.paint_multiples()?;
        self.timings = Timings {
            background: t1 - t0,
            foreground: t2 - t1,
            chart: now() - t2,
        };
        Ok(())
    }

    /// Every run's results over its whole simulated trajectory, as JSON `[{run, label,
    /// final_loss, distance_to_minimum, steps_to_tolerance, diverged_at, steps, compute_ms}]`;
    /// `tol` is the tolerance on `loss − f*` (f* the lowest known minimum).
    pub fn results(&self, tol: f64) -> Result<String, JsError> {
        #[derive(Serialize)]
        struct Row {
            run: usize,
            label: &'static str,
            #[serde(flatten)]
            result: crate::core::compare::RunResult,
            compute_ms: f64,
        }
        if !(tol.is_finite() && tol > 0.0) {
            return Err(js_err(format!(
                "tolerance {tol}: allowed values are 0 < tolerance"
            )));
        }
        let rows: Vec<Row> = self
            .scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .zip(&self.compute_ms)
            .enumerate()
            .map(|(i, ((entry, t), &ms))| Row {
                run: i + 1,
                label: entry.spec.optimizer.kind.label(),
                result: crate::core::compare::result(&self.scenario.surface, t, tol),
                compute_ms: ms,
            })
            .collect();
        Ok(json(&rows))
    }

    /// Run `index`'s update rule as a MathML `<math>` element, honouring its flags.
    pub fn rule_mathml(&self, index: usize) -> Result<String, JsError> {
        runs::rule_mathml(&self.scenario.runs, index)
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
        let explanation = crate::core::explain::explain(&s.surface, &entry.spec, s.start, k + 1)
            .map_err(js_err)?;
        Ok(json(&explanation))
    }

    fn theory_of(&self) -> Option<crate::core::compare::QuadraticTheory> {
        crate::core::compare::quadratic_theory(&self.scenario.surface)
    }

    /// The quadratic theory of the current surface as JSON `{eigenvalues, eigenvectors,
    /// condition, gd_divergence_lr, gd_best_lr, gd_best_rate, heavy_ball_lr,
    /// heavy_ball_momentum, heavy_ball_rate}`, or `null` when its Hessian is not constant.
    pub fn theory(&self) -> String {
        json(&self.theory_of())
    }

    /// Shows or hides the theory: eigenvectors on the plot (the panel is the page's).
    pub fn set_theory(&mut self, on: bool) {
        self.scenario.theory = on;
    }

    /// Whether the theory is shown.
    pub fn theory_shown(&self) -> bool {
        self.scenario.theory
    }

    /// Shows the momentum rate map on `canvas`, or hides it when `None`.
    pub fn set_rate_map(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.rate_map = canvas;
        self.rate_rect = None;
    }

    /// The `[lr, momentum]` under device pixel `(px, py)` of the rate map, if it is on the map.
    pub fn rate_at(&self, px: f64, py: f64) -> Option<Vec<f64>> {
        let RateRect {
            cols,
            rows,
            lrs: (lo, hi),
            momenta: (mlo, mhi),
        } = self.rate_rect.clone()?;
        let fx = (px - f64::from(cols.start)) / f64::from(cols.end - cols.start);
        let fy = (py - f64::from(rows.start)) / f64::from(rows.end - rows.start);
        if !((0.0..=1.0).contains(&fx) && (0.0..=1.0).contains(&fy)) {
            return None;
        }
        let lr = 10f64.powf(lo.log10() + fx * (hi.log10() - lo.log10()));
        Some(vec![lr, mhi - fy * (mhi - mlo)])
    }

    fn paint_rate_map(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.rate_map.clone() else {
            return Ok(());
        };
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let Some(th) = self.theory_of() else {
            self.rate_rect = None;
            return area.present().map_err(js_err);
        };
        // Learning rates from 1/1000 of the stable range to past divergence at μ = 0 and up to
        // where heavy ball diverges at any momentum (2(1 + μ)/λmax ≤ 4/λmax).
        let lrs = (th.gd_divergence_lr * 1e-3, th.gd_divergence_lr * 2.5);
        let momenta = (0.0, 0.995);
        let marks: Vec<(f64, f64, RGBColor)> = self
            .scenario
            .runs
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.hidden)
            .filter_map(|(i, e)| {
                let c = &e.spec.optimizer;
                let mu = match c.kind {
                    OptimizerKind::Sgd => 0.0,
                    OptimizerKind::Momentum => c.get("momentum").ok()?,
                    _ => return None,
                };
                Some((c.lr(), mu, rgb(i)))
            })
            .collect();
        let best = (th.heavy_ball_lr, th.heavy_ball_momentum);
        let ctx = context(&canvas)?;
        let mut rect = None;
        crate::render::plot::draw_rate_map(
            &area,
            lrs,
            momenta,
            &marks,
            best,
            &self.theme,
            |cols, rows| {
                let (w, h) = (cols.len(), rows.len());
                if w == 0 || h == 0 {
                    return Ok(());
                }
                let lut = crate::render::field::viridis_lut();
                let mut px = vec![255u8; w * h * 4];
                for (r, line) in px.chunks_exact_mut(w * 4).enumerate() {
                    let mu = momenta.1 - (r as f64 + 0.5) / h as f64 * (momenta.1 - momenta.0);
                    for (c, p) in line.chunks_exact_mut(4).enumerate() {
                        let f = (c as f64 + 0.5) / w as f64;
                        let lr = 10f64.powf(lrs.0.log10() + f * (lrs.1.log10() - lrs.0.log10()));
                        let rate = crate::core::compare::momentum_rate(th.eigenvalues, lr, mu);
                        // Fast convergence (small rate) bright, slow dark, divergence dark red.
                        let rgb = if rate < 1.0 {
                            lut[((1.0 - rate) * 255.0).clamp(0.0, 255.0) as usize]
                        } else {
                            [110, 20, 32]
                        };
                        p[..3].copy_from_slice(&rgb);
                    }
                }
                let image =
                    ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px), w as u32, h as u32)
                        .map_err(|_| "cannot make the rate image".to_owned())?;
                ctx.put_image_data(&image, f64::from(cols.start), f64::from(rows.start))
                    .map_err(|_| "cannot put the rate image on the canvas".to_owned())?;
                rect = Some((cols, rows));
                Ok(())
            },
        )
        .map_err(js_err)?;
        self.rate_rect = rect.map(|(cols, rows)| RateRect {
            cols,
            rows,
            lrs,
            momenta,
        });
        area.present().map_err(js_err)
    }

    /// Starts a learning-rate sweep of `n` log-spaced rates from 1e-5 to 1 and returns them:
    /// the page's workers compute it ([`jobs::sweep_rates`]) and hand each part to
    /// [`App::sweep_points`]. The chart shows what has arrived.
    pub fn begin_sweep(&mut self, n: usize) -> Result<Vec<f64>, JsError> {
        let lrs = crate::core::compare::log_space(1e-5, 1.0, n).map_err(js_err)?;
        self.sweep = Some(Sweep {
            lrs: lrs.clone(),
            runs: Vec::new(),
            steps: self.scenario.steps,
        });
        Ok(lrs)
    }

    /// Records part of the sweep of run `run`: `cells` as [`jobs::sweep_rates`] returns
    /// them, for the rates from index `first` on.
    pub fn sweep_points(&mut self, run: usize, first: usize, cells: &[f64]) -> Result<(), JsError> {
        let sweep = self
            .sweep
            .as_mut()
            .ok_or_else(|| js_err("no sweep was started"))?;
        if !cells.len().is_multiple_of(3) || first + cells.len() / 3 > sweep.lrs.len() {
            return Err(js_err("the sweep's part does not fit its rates"));
        }
        let line = match sweep.runs.iter().position(|(i, _)| *i == run) {
            Some(j) => &mut sweep.runs[j].1,
            None => {
                sweep.runs.push((run, vec![None; sweep.lrs.len()]));
                sweep.runs.sort_by_key(|(i, _)| *i);
                let j = sweep
                    .runs
                    .iter()
                    .position(|(i, _)| *i == run)
                    .expect("pushed");
                &mut sweep.runs[j].1
            }
        };
        let some = |v: f64| (!v.is_nan()).then_some(v);
        for (k, c) in cells.chunks_exact(3).enumerate() {
            line[first + k] = Some(SweepCell {
                final_loss: some(c[0]),
                steps_to_tolerance: some(c[1]),
                diverged: !c[2].is_nan(),
            });
        }
        Ok(())
    }

    /// What the sweep chart's y axis shows: `loss` (the loss after the scenario's steps) or
    /// `steps` (the steps to reach 1e-6 of the minimum).
    pub fn set_sweep_metric(&mut self, metric: &str) -> Result<(), JsError> {
        self.sweep_metric = match metric {
            "loss" => SweepMetric::Loss,
            "steps" => SweepMetric::Steps,
            other => {
                return Err(js_err(format!(
                    "unknown sweep measure '{other}': allowed values are loss, steps"
                )));
            }
        };
        Ok(())
    }

    /// Shows the sweep chart on `canvas`, or hides it when `None`.
    pub fn set_sweep_canvas(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.sweep_canvas = canvas;
    }

    /// The sweep point nearest to device pixel `(px, py)` of the sweep chart, within 24
    /// pixels, as `[run index, learning rate]`: what a click loads into that run.
    pub fn sweep_pick(&self, px: f64, py: f64) -> Option<Vec<f64>> {
        let (frame, sweep) = (self.sweep_frame.as_ref()?, self.sweep.as_ref()?);
        let radius = 24.0 * self.theme.dpr;
        sweep
            .lines(self.sweep_metric)
            .into_iter()
            .flat_map(|(i, points)| {
                points.into_iter().filter_map(move |(lr, y)| {
                    frame.position(y?)?;
                    let (x, y) = frame.pixel(lr, y?);
                    Some(((x - px).hypot(y - py), i, lr))
                })
            })
            .filter(|(d, _, _)| *d <= radius)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, i, lr)| vec![i as f64, lr])
    }

    fn paint_sweep(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.sweep_canvas.clone() else {
            return Ok(());
        };
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let Some(sweep) = &self.sweep else {
            return area.present().map_err(js_err);
        };
        let lines = sweep.lines(self.sweep_metric);
        let series: Vec<crate::render::plot::SweepSeries<'_>> = lines
            .iter()
            .filter_map(|(i, points)| {
                let entry = self.scenario.runs.get(*i)?;
                Some(crate::render::plot::SweepSeries {
                    color: rgb(*i),
                    points,
                    current: entry.spec.optimizer.lr(),
                })
            })
            .collect();
        let lrs = (sweep.lrs[0] * 0.8, sweep.lrs[sweep.lrs.len() - 1] * 1.25);
        let axis = match self.sweep_metric {
            SweepMetric::Loss => crate::render::plot::SweepAxis::FinalLoss,
            SweepMetric::Steps => crate::render::plot::SweepAxis::Steps(sweep.steps),
        };
        let frame = crate::render::plot::draw_sweep(&area, &series, lrs, axis, &self.theme)
            .map_err(js_err)?;
        self.sweep_frame = Some(frame);
        area.present().map_err(js_err)
    }

    /// Builds the small multiples from the first run: `vary` is one of its hyperparameters
    /// (`lr`, `momentum`, `beta2`, …: `count` values from `lo` to `hi`, spaced evenly on the
    /// hyperparameter's [`crate::core::optim::Scale`]: log for rates and epsilons, log(1 − v) for
    /// momenta and decays, linear otherwise), `optimizer` (the
    /// first `count` optimizers, each at torch's defaults) or `surface` (the first `count`
    /// surfaces, each from its own start); 2 to 16 panels. Returns how many.
    pub fn set_multiples(
        &mut self,
        vary: &str,
        count: f64,
        lo: f64,
        hi: f64,
    ) -> Result<usize, JsError> {
        let count = whole_in(count, "panels", 2, 16).map_err(js_err)? as usize;
        let s = &self.scenario;
        let base = s.runs[0].spec.clone();
        let mut panels = Vec::new();
        let mut add =
            |surface: Surface, start, spec: RunSpec, label: String| -> Result<(), JsError> {
                let trajectory = simulate(&surface, &spec, start, s.steps).map_err(js_err)?;
                panels.push(Panel {
                    surface,
                    start,
                    label,
                    trajectory,
                });
                Ok(())
            };
        match vary {
            "optimizer" => {
                for kind in OptimizerKind::ALL.into_iter().take(count) {
                    let spec = RunSpec {
                        optimizer: RunConfig::new(kind),
                        ..base.clone()
                    };
                    add(s.surface, s.start, spec, kind.label().to_owned())?;
                }
            }
            "surface" => {
                for surface in Surface::all().into_iter().take(count) {
                    let label = surface.info().label.to_owned();
                    add(surface, surface.default_start(), base.clone(), label)?;
                }
            }
            name => {
                let Ok(param) = base.optimizer.param(name) else {
                    let names: Vec<&str> = base
                        .optimizer
                        .kind
                        .params()
                        .iter()
                        .map(|p| p.name)
                        .collect();
                    return Err(js_err(format!(
                        "cannot vary '{name}': allowed values are optimizer, surface, or one of run 1's hyperparameters: {}",
                        names.join(", ")
                    )));
                };
                let values = match param.scale {
                    crate::core::optim::Scale::Log => {
                        crate::core::compare::log_space(lo, hi, count)
                    }
                    crate::core::optim::Scale::Linear => {
                        crate::core::compare::lin_space(lo, hi, count)
                    }
                    crate::core::optim::Scale::Decay => {
                        crate::core::compare::decay_space(lo, hi, count)
                    }
                }
                .map_err(js_err)?;
                for v in values {
                    let mut spec = base.clone();
                    spec.optimizer.set(param.name, v).map_err(js_err)?;
                    let label = match param.scale {
                        crate::core::optim::Scale::Log => format!("{} = {v:.2e}", param.symbol),
                        _ => format!("{} = {}", param.symbol, short(v)),
                    };
                    add(s.surface, s.start, spec, label)?;
                }
            }
        }
        let n = panels.len();
        self.multiples.panels = panels;
        self.multiples.painted = None;
        self.multiples.highlight = None;
        Ok(n)
    }

    /// Shows the small multiples on `canvas`, or hides them when `None`.
    pub fn set_multiples_canvas(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.multiples.canvas = canvas;
        self.multiples.painted = None;
    }

    /// Highlights, in every panel, the step of the point nearest to device pixel `(px, py)`
    /// in the panel under it (up to the current step); returns that step, if any.
    pub fn multiples_hover(&mut self, px: f64, py: f64) -> Option<usize> {
        let m = &self.multiples;
        let (i, (cols, rows, view)) = m.rects.iter().enumerate().find(|(_, (c, r, _))| {
            px >= f64::from(c.start)
                && px < f64::from(c.end)
                && py >= f64::from(r.start)
                && py < f64::from(r.end)
        })?;
        let x = view.x_min
            + (px - f64::from(cols.start)) / f64::from(cols.len() as i32)
                * (view.x_max - view.x_min);
        let y = view.y_max
            - (py - f64::from(rows.start)) / f64::from(rows.len() as i32)
                * (view.y_max - view.y_min);
        let t = &m.panels.get(i)?.trajectory;
        let last = self.scenario.step.min(t.steps());
        let k = (0..=last).min_by(|&a, &b| {
            let d = |k: usize| (t.points[k][0] - x).hypot(t.points[k][1] - y);
            d(a).total_cmp(&d(b))
        })?;
        self.multiples.highlight = Some(k);
        Some(k)
    }

    fn panel_areas<DB: DrawingBackend>(
        area: &DrawingArea<DB, plotters::coord::Shift>,
        n: usize,
    ) -> Vec<DrawingArea<DB, plotters::coord::Shift>> {
        // As many columns as keep the panels about square on this canvas's shape.
        let (w, h) = area.dim_in_pixel();
        let aspect = f64::from(w.max(1)) / f64::from(h.max(1));
        let cols = ((n as f64 * aspect).sqrt().round() as usize).clamp(1, n.max(1));
        let rows = n.div_ceil(cols);
        area.split_evenly((rows, cols))
            .into_iter()
            .take(n)
            .collect()
    }

    fn paint_multiples(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.multiples.canvas.clone() else {
            return Ok(());
        };
        let n = self.multiples.panels.len();
        let size = (canvas.width(), canvas.height());
        let theme = Theme {
            font_px: 10.0,
            ..self.theme
        };
        if n > 0 && self.multiples.painted != Some(size) {
            let backdrop = self.scratch_canvas()?;
            backdrop.set_width(size.0);
            backdrop.set_height(size.1);
            let area = backend(&backdrop)?.into_drawing_area();
            area.fill(&PAGE).map_err(js_err)?;
            let ctx = context(&backdrop)?;
            let mut rects = Vec::new();
            for (panel, sub) in self
                .multiples
                .panels
                .iter()
                .zip(Self::panel_areas(&area, n))
            {
                let base = panel.surface.default_view();
                let (cols, rows) = surface_plot_rect(&sub, &base, &theme).map_err(js_err)?;
                let (w, h) = (cols.len(), rows.len());
                let view = base.fit_aspect(w as f64, h as f64);
                if w > 0 && h > 0 {
                    let field = Field::new(panel.surface, view);
                    let pixels = field.rgba(w, h);
                    let image = ImageData::new_with_u8_clamped_array_and_sh(
                        Clamped(&pixels),
                        w as u32,
                        h as u32,
                    )
                    .map_err(|_| js_err("cannot make a panel's heatmap"))?;
                    ctx.put_image_data(&image, f64::from(cols.start), f64::from(rows.start))
                        .map_err(|_| js_err("cannot put a panel's heatmap"))?;
                    let contours = field.contours(8, 60);
                    draw_surface_layer(&sub, &view, &contours, &panel.surface.minima(), &theme)
                        .map_err(js_err)?;
                    // The plot rectangle is in the whole canvas's pixels: label it there.
                    area.draw(&Text::new(
                        panel.label.clone(),
                        (cols.start + 6, rows.start + 4),
                        ("sans-serif", 12.0 * theme.dpr).into_font().color(&WHITE),
                    ))
                    .map_err(js_err)?;
                }
                rects.push((cols, rows, view));
            }
            area.present().map_err(js_err)?;
            self.multiples.backdrop = Some(backdrop);
            self.multiples.rects = rects;
            self.multiples.painted = Some(size);
        }
        let ctx = context(&canvas)?;
        ctx.clear_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        if let Some(backdrop) = &self.multiples.backdrop {
            ctx.draw_image_with_html_canvas_element(backdrop, 0.0, 0.0)
                .map_err(|_| js_err("cannot draw the panels"))?;
        }
        let step = self.scenario.step;
        let area = backend(&canvas)?.into_drawing_area();
        let m = &self.multiples;
        for ((panel, sub), (_, _, view)) in m
            .panels
            .iter()
            .zip(Self::panel_areas(&area, n))
            .zip(&m.rects)
        {
            let t = &panel.trajectory;
            let k = step.min(t.steps());
            let series = [TrajectorySeries {
                label: &panel.label,
                color: rgb(0),
                points: &t.points[..=k],
                diverged: t.diverged_at.is_some_and(|d| d <= step),
                arrows: None,
            }];
            draw_trajectories(&sub, view, panel.start, &series, &theme).map_err(js_err)?;
            if let Some(h) = m.highlight.filter(|&h| h <= k) {
                let p = t.points[h];
                crate::render::plot::draw_marker(&sub, view, p, &theme).map_err(js_err)?;
            }
        }
        area.present().map_err(js_err)
    }

    /// Shows the 3D view on `canvas`, or hides it when `None`.
    pub fn set_view3d(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.view3d = canvas;
    }

    /// Turns the 3D view by `dx`, `dy` device pixels of pointer motion (yaw and pitch) and
    /// scales it by `zoom` (1 keeps the size).
    pub fn rotate(&mut self, dx: f64, dy: f64, zoom: f64) {
        let c = self.camera;
        self.camera = Camera {
            yaw: c.yaw - dx * 0.01,
            pitch: c.pitch + dy * 0.01,
            scale: c.scale * zoom,
        }
        .clamped();
    }

    fn paint_3d(&self) -> Result<(), JsError> {
        let Some(canvas) = &self.view3d else {
            return Ok(());
        };
        let area = backend(canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let series = self.series(false);
        let field = Field::new(self.scenario.surface, self.view);
        draw_surface_3d(&area, &field, &series, self.camera, &self.theme).map_err(js_err)?;
        area.present().map_err(js_err)
    }

    /// Marks a pan or zoom gesture as going on (`true`) or over (`false`): while it goes on
    /// the heatmap is recomputed at half resolution, so it can follow the pointer.
    pub fn set_interacting(&mut self, on: bool) {
        self.interacting = on;
    }

    fn scratch(&mut self) -> Result<HtmlCanvasElement, JsError> {
        if let Some(c) = &self.scratch {
            return Ok(c.clone());
        }
        let canvas = self.scratch_canvas()?;
        self.scratch = Some(canvas.clone());
        Ok(canvas)
    }

    /// A new off-screen canvas.
    fn scratch_canvas(&self) -> Result<HtmlCanvasElement, JsError> {
        offscreen()
    }

    /// How long the last [`App::render`]'s parts took, as JSON
    /// `{background, foreground, chart}` in milliseconds (background is 0 when it was cached).
    pub fn timings(&self) -> String {
        json(&self.timings)
    }

    fn paint_background(&mut self) -> Result<(), JsError> {
        let area = backend(&self.background)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let base = self.scenario.view();
        let (cols, rows) = surface_plot_rect(&area, &base, &self.theme).map_err(js_err)?;
        let (w, h) = (cols.len(), rows.len());
        if w == 0 || h == 0 {
            return Ok(());
        }
        let view = base.fit_aspect(w as f64, h as f64);
        let field = Field::new(self.scenario.surface, view);
        let (x0, y0) = (f64::from(cols.start), f64::from(rows.start));
        let ctx = context(&self.background)?;
        if self.interacting {
            let (hw, hh) = (w.div_ceil(2), h.div_ceil(2));
            let pixels = field.rgba(hw, hh);
            let image =
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), hw as u32, hh as u32)
                    .map_err(|_| js_err("cannot make the heatmap image"))?;
            let scratch = self.scratch()?;
            scratch.set_width(hw as u32);
            scratch.set_height(hh as u32);
            context(&scratch)?
                .put_image_data(&image, 0.0, 0.0)
                .map_err(|_| js_err("cannot draw the heatmap"))?;
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                &scratch, x0, y0, w as f64, h as f64,
            )
            .map_err(|_| js_err("cannot put the heatmap on the canvas"))?;
        } else {
            let pixels = field.rgba(w, h);
            let image =
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), w as u32, h as u32)
                    .map_err(|_| js_err("cannot make the heatmap image"))?;
            ctx.put_image_data(&image, x0, y0)
                .map_err(|_| js_err("cannot put the heatmap on the canvas"))?;
        }
        let contours = field.contours(14, if self.interacting { 80 } else { 160 });
        let minima = self.scenario.surface.minima();
        draw_surface_layer(&area, &view, &contours, &minima, &self.theme).map_err(js_err)?;
        area.present().map_err(js_err)?;
        self.view = view;
        self.plot = (cols, rows);
        Ok(())
    }

    /// Every shown run up to the current step, as the plots draw it; with `arrows`, the
    /// teaching overlay's step arrows at each head that has a next step.
    fn series(&self, arrows: bool) -> Vec<TrajectorySeries<'_>> {
        let step = self.scenario.step;
        self.scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .enumerate()
            .filter(|(_, (entry, _))| !entry.hidden)
            .map(|(i, (entry, t))| {
                let k = step.min(t.steps());
                let arrows = (arrows && k < t.steps()).then(|| StepArrows {
                    gradient_step: [-t.lrs[k] * t.used[k][0], -t.lrs[k] * t.used[k][1]],
                    update: update(t, k),
                    carry: matches!(
                        entry.spec.optimizer.kind,
                        OptimizerKind::Momentum | OptimizerKind::Nesterov
                    ),
                });
                TrajectorySeries {
                    label: entry.spec.optimizer.kind.label(),
                    color: rgb(i),
                    points: &t.points[..=k],
                    diverged: t.diverged_at.is_some_and(|d| d <= step),
                    arrows,
                }
            })
            .collect()
    }

    fn paint_foreground(&mut self) -> Result<(), JsError> {
        let (w, h) = (self.foreground.width(), self.foreground.height());
        context(&self.foreground)?.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        let series = self.series(self.scenario.overlay);
        let area = backend(&self.foreground)?.into_drawing_area();
        let cover = draw_trajectories(&area, &self.view, self.scenario.start, &series, &self.theme)
            .map_err(js_err)?;
        // Series are the shown runs in order: back to run numbers.
        let shown: Vec<usize> = (0..self.scenario.runs.len())
            .filter(|&i| !self.scenario.runs[i].hidden)
            .collect();
        self.covered = cover
            .iter()
            .enumerate()
            .filter_map(|(k, c)| c.map(|j| (shown[k], shown[j])))
            .collect();
        if let (true, Some(th)) = (self.scenario.theory, self.theory_of()) {
            let center = self
                .scenario
                .surface
                .minima()
                .first()
                .map_or([0.0, 0.0], |m| [m[0], m[1]]);
            let eigen = [
                (th.eigenvectors[0], th.eigenvalues[0]),
                (th.eigenvectors[1], th.eigenvalues[1]),
            ];
            crate::render::plot::draw_eigenvectors(&area, &self.view, center, eigen, &self.theme)
                .map_err(js_err)?;
        }
        area.present().map_err(js_err)
    }

    /// The values the chart shows for one run, up to step `k`.
    fn metric(&self, t: &Trajectory, k: usize) -> Vec<f64> {
        match self.scenario.chart {
            Chart::Loss => t.losses[..=k].to_vec(),
            Chart::Grad => t.grads[..=k].iter().map(|g| g[0].hypot(g[1])).collect(),
            Chart::Distance => {
                let minima = self.scenario.surface.minima();
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

    fn paint_loss(&self) -> Result<(), JsError> {
        let area = backend(&self.loss)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let step = self.scenario.step;
        let shown: Vec<(usize, &RunEntry, &Trajectory, Vec<f64>)> = self
            .scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .enumerate()
            .filter(|(_, (entry, _))| !entry.hidden)
            .map(|(i, (entry, t))| (i, entry, t, self.metric(t, step.min(t.steps()))))
            .collect();
        let series: Vec<MetricSeries<'_>> = shown
            .iter()
            .map(|(i, entry, t, values)| MetricSeries {
                label: entry.spec.optimizer.kind.label(),
                color: rgb(*i),
                values,
                line: Line::Solid,
                mark: None,
                diverged_at: t.diverged_at,
            })
            .collect();
        let chart = self.scenario.chart;
        let name = if chart == Chart::Distance && self.scenario.surface.minima().is_empty() {
            "no known minimum on this surface"
        } else {
            chart.label()
        };
        draw_metric(&area, &series, name, self.scenario.steps, step, &self.theme)
            .map_err(js_err)?;
        area.present().map_err(js_err)
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
        self.scenario.chart = Chart::from_id(id).map_err(js_err)?;
        Ok(())
    }

    /// What the chart shows (`loss`, `grad` or `distance`).
    pub fn chart(&self) -> String {
        self.scenario.chart.id().to_owned()
    }

    /// Every preset as JSON: `[{id, title, caption, query}]`.
    pub fn presets() -> String {
        json(&PRESETS)
    }

    /// Loads preset `id`: its whole scenario, from step 0 (keeping large text, the lesson and
    /// whether rates are kept).
    pub fn load_preset(&mut self, id: &str) -> Result<(), JsError> {
        let scenario = preset(id).map_err(js_err)?.scenario();
        let s = &self.scenario;
        let keep = (s.large, s.lesson.clone(), s.keep_rates);
        self.scenario = scenario;
        let s = &mut self.scenario;
        (s.large, s.lesson, s.keep_rates) = keep;
        self.resimulate_all().map_err(js_err)
    }

    /// The story the scenario came from as JSON `{id, title, caption, query}`, or `null`.
    pub fn story(&self) -> String {
        json(
            &self
                .scenario
                .story
                .as_deref()
                .and_then(|id| preset(id).ok()),
        )
    }
}
