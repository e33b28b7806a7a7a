//! The page's one handle into Rust: the scenario, its simulated runs and the canvases they are
//! painted on. JavaScript owns the frame loop and calls [`App::advance`] and [`App::render`].

use crate::optim::{Flag, HyperParam, OptimizerKind, RunConfig};
use crate::render::plot::surface_plot_rect;
use crate::render::{
    Field, LossSeries, RUN_COLORS, Theme, TrajectorySeries, draw_loss, draw_surface_layer,
    draw_trajectories, run_color_hex,
};
use crate::run::{Noise, RunSpec, Trajectory, simulate};
use crate::schedule::Schedule;
use crate::surface::{Surface, View};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The page's background colour, behind the plots.
const PAGE: RGBColor = RGBColor(16, 17, 22);

/// How many steps every run is simulated ahead.
const MAX_STEPS: usize = 1500;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

struct Slot {
    spec: RunSpec,
    trajectory: Trajectory,
}

impl Slot {
    fn kind(&self) -> OptimizerKind {
        self.spec.optimizer.kind
    }
}

/// The visualizer: a surface, runs racing on it from one start point, and three canvases.
#[wasm_bindgen]
pub struct App {
    surface: Surface,
    start: [f64; 2],
    runs: Vec<Slot>,
    cursor: usize,
    background: HtmlCanvasElement,
    foreground: HtmlCanvasElement,
    loss: HtmlCanvasElement,
    theme: Theme,
    /// What the background canvas currently shows: its size and surface.
    painted: Option<(u32, u32, Surface)>,
    /// The view the background was painted with (fitted to the canvas's aspect).
    view: View,
}

#[derive(Serialize)]
struct ParamView {
    #[serde(flatten)]
    param: HyperParam,
    value: f64,
}

#[derive(Serialize)]
struct FlagView {
    #[serde(flatten)]
    flag: Flag,
    value: bool,
}

#[derive(Serialize)]
struct RunView {
    schedule: String,
    clip_norm: Option<f64>,
    clip_value: Option<f64>,
    noise: Option<Noise>,
    kind: &'static str,
    label: &'static str,
    reference: &'static str,
    color: String,
    rule: &'static str,
    params: Vec<ParamView>,
    flags: Vec<FlagView>,
}

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
}

#[derive(Serialize)]
struct Status {
    step: usize,
    max_steps: usize,
    runs: Vec<RunStatus>,
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .map_err(|_| js_err("canvas has no 2D context"))?
        .ok_or_else(|| js_err("canvas has no 2D context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| js_err("canvas context is not 2D"))
}

fn backend(canvas: &HtmlCanvasElement) -> Result<CanvasBackend, JsError> {
    CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| js_err("cannot draw on the canvas"))
}

fn rgb(index: usize) -> RGBColor {
    let (r, g, b) = RUN_COLORS[index % RUN_COLORS.len()];
    RGBColor(r, g, b)
}

#[wasm_bindgen]
impl App {
    /// A new visualizer painting on the given canvases: `background` (heatmap, contours,
    /// axes), `foreground` (trajectories, stacked over the background) and `loss`.
    /// `dpr` is the display's device-pixel ratio.
    #[wasm_bindgen(constructor)]
    pub fn new(
        background: HtmlCanvasElement,
        foreground: HtmlCanvasElement,
        loss: HtmlCanvasElement,
        dpr: f64,
    ) -> Result<App, JsError> {
        let surface = Surface::Rosenbrock;
        let configs = [
            RunConfig::new(OptimizerKind::Sgd).with("lr", 1e-3),
            RunConfig::new(OptimizerKind::Momentum).with("lr", 1e-3),
            RunConfig::new(OptimizerKind::Adam).with("lr", 5e-2),
        ];
        let mut app = App {
            surface,
            start: surface.default_start(),
            runs: Vec::new(),
            cursor: 0,
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
            view: surface.default_view(),
        };
        for config in configs {
            let spec = RunSpec::from(config.map_err(js_err)?);
            let trajectory = app.simulate(&spec)?;
            app.runs.push(Slot { spec, trajectory });
        }
        Ok(app)
    }

    fn simulate(&self, spec: &RunSpec) -> Result<Trajectory, JsError> {
        simulate(&self.surface, spec, self.start, MAX_STEPS).map_err(js_err)
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
        serde_json::to_string(&kinds).expect("plain data serializes")
    }

    /// Every surface as JSON: `[{id, label, formula}]`.
    pub fn surfaces() -> String {
        let infos: Vec<_> = Surface::all().iter().map(Surface::info).collect();
        serde_json::to_string(&infos).expect("plain data serializes")
    }

    /// The current surface's identifier.
    pub fn surface(&self) -> String {
        self.surface.info().id.to_owned()
    }

    /// Switches to the surface `id`, moving the start point to its default and re-simulating
    /// every run with its current settings. An unknown id is an error naming the allowed ones.
    pub fn set_surface(&mut self, id: &str) -> Result<(), JsError> {
        let surface = Surface::from_id(id).map_err(js_err)?;
        self.surface = surface;
        self.start = surface.default_start();
        self.view = surface.default_view();
        for i in 0..self.runs.len() {
            self.runs[i].trajectory = self.simulate(&self.runs[i].spec)?;
        }
        self.cursor = 0;
        Ok(())
    }

    /// The runs as JSON: `[{kind, label, reference, color, rule, params: [{name, label,
    /// symbol, min, max, slider, scale, default, value, …}], flags: [{name, label, doc,
    /// default, value}]}]`, for the page to build its controls from.
    pub fn runs(&self) -> String {
        let runs: Vec<RunView> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let kind = slot.kind();
                let config = &slot.spec.optimizer;
                RunView {
                    schedule: slot.spec.schedule.to_string(),
                    clip_norm: slot.spec.clip_norm,
                    clip_value: slot.spec.clip_value,
                    noise: slot.spec.noise,
                    kind: kind.id(),
                    label: kind.label(),
                    reference: kind.reference(),
                    color: run_color_hex(i),
                    rule: kind.rule(),
                    params: kind
                        .params()
                        .iter()
                        .map(|p| ParamView {
                            param: *p,
                            value: config.get(p.name).expect("listed parameter"),
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
                }
            })
            .collect();
        serde_json::to_string(&runs).expect("plain data serializes")
    }

    fn slot(&self, index: usize) -> Result<&Slot, JsError> {
        self.runs.get(index).ok_or_else(|| {
            js_err(format!(
                "no run {index}: allowed indices are 0 to {}",
                self.runs.len().saturating_sub(1)
            ))
        })
    }

    /// Re-simulates run `index` with `spec` from the start at once (the animation's step is
    /// kept); on error the run stays as it was.
    fn replace(&mut self, index: usize, spec: RunSpec) -> Result<(), JsError> {
        let trajectory = self.simulate(&spec)?;
        self.runs[index] = Slot { spec, trajectory };
        Ok(())
    }

    /// Sets hyperparameter `name` of run `index` and re-simulates that run. A bad index, name
    /// or value is an error that names the allowed values, and leaves the run as it was.
    pub fn set_param(&mut self, index: usize, name: &str, value: f64) -> Result<(), JsError> {
        let mut spec = self.slot(index)?.spec.clone();
        spec.optimizer.set(name, value).map_err(js_err)?;
        self.replace(index, spec)
    }

    /// Switches flag `name` of run `index` and re-simulates that run.
    pub fn set_flag(&mut self, index: usize, name: &str, on: bool) -> Result<(), JsError> {
        let mut spec = self.slot(index)?.spec.clone();
        spec.optimizer.set_flag(name, on).map_err(js_err)?;
        self.replace(index, spec)
    }

    /// Sets run `index`'s learning-rate schedule from its text form (`constant`,
    /// `step:size=100,gamma=0.5`, `exp:gamma=0.99`, `cosine:t_max=500`, `warmup:steps=50`).
    pub fn set_schedule(&mut self, index: usize, text: &str) -> Result<(), JsError> {
        let mut spec = self.slot(index)?.spec.clone();
        spec.schedule = text.parse::<Schedule>().map_err(js_err)?;
        self.replace(index, spec)
    }

    /// Sets run `index`'s gradient clipping: by norm and by value, each off when `None`.
    pub fn set_clipping(
        &mut self,
        index: usize,
        norm: Option<f64>,
        value: Option<f64>,
    ) -> Result<(), JsError> {
        let mut spec = self.slot(index)?.spec.clone();
        spec.clip_norm = norm;
        spec.clip_value = value;
        self.replace(index, spec)
    }

    /// Sets run `index`'s gradient noise: standard deviation `sigma` (0 switches it off) and
    /// the generator's `seed`.
    pub fn set_noise(&mut self, index: usize, sigma: f64, seed: u32) -> Result<(), JsError> {
        let mut spec = self.slot(index)?.spec.clone();
        spec.noise = (sigma != 0.0).then_some(Noise {
            sigma,
            seed: u64::from(seed),
        });
        self.replace(index, spec)
    }

    /// Gives run `index` the optimizer `id`, with torch's defaults, and re-simulates it.
    pub fn set_optimizer(&mut self, index: usize, id: &str) -> Result<(), JsError> {
        let kind = OptimizerKind::from_id(id).map_err(js_err)?;
        let mut spec = self.slot(index)?.spec.clone();
        spec.optimizer = RunConfig::new(kind);
        self.replace(index, spec)
    }

    /// Moves the animation `n` steps forward; returns whether any run has steps left to show.
    pub fn advance(&mut self, n: usize) -> bool {
        self.cursor = (self.cursor + n).min(MAX_STEPS);
        self.cursor < self.last_step()
    }

    fn last_step(&self) -> usize {
        self.runs
            .iter()
            .map(|s| s.trajectory.steps())
            .max()
            .unwrap_or(0)
    }

    /// Moves the animation back to step 0.
    pub fn reset(&mut self) {
        self.cursor = 0;
    }

    /// The animation's current step.
    pub fn step(&self) -> usize {
        self.cursor
    }

    /// Where every run stands at the current step, as JSON:
    /// `{step, max_steps, runs: [{step, x, y, loss, diverged_at}]}`; `diverged_at` is shown
    /// once the animation has reached it.
    pub fn status(&self) -> String {
        let runs = self
            .runs
            .iter()
            .map(|slot| {
                let t = &slot.trajectory;
                let k = self.cursor.min(t.steps());
                RunStatus {
                    step: k,
                    x: t.points[k][0],
                    y: t.points[k][1],
                    loss: t.losses[k],
                    diverged_at: t.diverged_at.filter(|&d| d <= self.cursor),
                }
            })
            .collect();
        let status = Status {
            step: self.cursor,
            max_steps: MAX_STEPS,
            runs,
        };
        serde_json::to_string(&status).expect("plain data serializes")
    }

    /// Paints all three canvases at their current sizes. The background (a heatmap computed in
    /// Rust and put on the canvas in one call, then contours, axes and minima) is repainted only
    /// when the canvas size or the surface changed.
    pub fn render(&mut self) -> Result<(), JsError> {
        let key = (
            self.background.width(),
            self.background.height(),
            self.surface,
        );
        if self.painted != Some(key) {
            self.paint_background()?;
            self.painted = Some(key);
        }
        self.paint_foreground()?;
        self.paint_loss()
    }

    fn paint_background(&mut self) -> Result<(), JsError> {
        let area = backend(&self.background)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let base = self.surface.default_view();
        let (cols, rows) = surface_plot_rect(&area, &base, &self.theme).map_err(js_err)?;
        let (w, h) = (cols.len(), rows.len());
        if w == 0 || h == 0 {
            return Ok(());
        }
        let view = base.fit_aspect(w as f64, h as f64);
        let field = Field::new(self.surface, view);
        let pixels = field.rgba(w, h);
        let image =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), w as u32, h as u32)
                .map_err(|_| js_err("cannot make the heatmap image"))?;
        context(&self.background)?
            .put_image_data(&image, f64::from(cols.start), f64::from(rows.start))
            .map_err(|_| js_err("cannot put the heatmap on the canvas"))?;
        let contours = field.contours(14, 160);
        draw_surface_layer(&area, &view, &contours, &self.surface.minima(), &self.theme)
            .map_err(js_err)?;
        area.present().map_err(js_err)?;
        self.view = view;
        Ok(())
    }

    fn paint_foreground(&self) -> Result<(), JsError> {
        let (w, h) = (self.foreground.width(), self.foreground.height());
        context(&self.foreground)?.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        let series: Vec<TrajectorySeries<'_>> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let t = &slot.trajectory;
                TrajectorySeries {
                    label: slot.kind().label(),
                    color: rgb(i),
                    points: &t.points[..=self.cursor.min(t.steps())],
                    diverged: t.diverged_at.is_some_and(|d| d <= self.cursor),
                }
            })
            .collect();
        let area = backend(&self.foreground)?.into_drawing_area();
        draw_trajectories(&area, &self.view, &series, &self.theme).map_err(js_err)?;
        area.present().map_err(js_err)
    }

    fn paint_loss(&self) -> Result<(), JsError> {
        let area = backend(&self.loss)?.into_drawing_area();
        area.fill(&PAGE).map_err(js_err)?;
        let series: Vec<LossSeries<'_>> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let t = &slot.trajectory;
                LossSeries {
                    label: slot.kind().label(),
                    color: rgb(i),
                    losses: &t.losses[..=self.cursor.min(t.steps())],
                }
            })
            .collect();
        draw_loss(&area, &series, MAX_STEPS, self.cursor, &self.theme).map_err(js_err)?;
        area.present().map_err(js_err)
    }
}
