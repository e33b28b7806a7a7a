//! The page's one handle into Rust: the scenario, its simulated runs and the canvases they are
//! painted on. JavaScript owns the frame loop and calls [`App::advance`] and [`App::render`];
//! every other method answers one control.

use crate::core::compare::{SweepMetric, SweepProgress};
use crate::core::explain::{Notation, Scaling};
use crate::core::optim::{OptimizerKind, RunConfig};
use crate::core::run::{RunSpec, StepParts, Trajectory, simulate};
use crate::core::surface::{Surface, View};
use crate::error::Error;
use crate::i18n::{self, Lang};
use crate::render::backend::DynBackend;
use crate::render::basin::{BasinMode, basin_pixels, draw_basin_map};
use crate::render::field::{CONTOUR_RESOLUTION, ContourLine, Heatmap};
use crate::render::plot::{draw_err, surface_frame};
use crate::render::viewport::Viewport;
use crate::render::{
    Camera, Field, RUN_COLORS, Theme, TrajectorySeries, draw_surface_3d, draw_surface_layer,
    draw_trajectories,
};
use crate::state::presets::{PRESETS, preset};
use crate::state::scenario::{Chart, MAX_STEPS, RunEntry, Scenario, whole_in};
use canvas::Measured;
use multiples::Multiples;
use paint::{Painted, Timings, now, offscreen};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use runs::Edit;
use serde::Serialize;
use std::ops::Range;
use theory::RateRect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::render::theme::PAGE;

mod app;
mod canvas;
mod course;
mod edits;
mod export;
mod jobs;
mod lab;
mod multiples;
mod paint;
mod pointer;
mod progress;
mod runs;
mod sweep;
mod theory;
mod view3d;

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

/// Makes `code` (`en` or `zh`) the language this thread's errors are worded in
/// ([`crate::i18n::set_current`]): the page's script calls it when it shows a language, and each
/// worker before a task, so an exception's message is in the page's language.
#[wasm_bindgen]
pub fn set_language(code: &str) -> Result<(), JsError> {
    i18n::set_current(Lang::from_code(code)?);
    Ok(())
}

/// The language of code `code` (`en` or `zh`) made the page's: its errors are worded in it
/// ([`crate::i18n::set_current`]), and with `in_link` the link carries it (`link`, the page
/// state's `lang`). What every handle's `set_lang` does; an unknown code changes nothing.
fn show_lang(code: &str, in_link: bool, link: &mut Option<Lang>) -> Result<Lang, Error> {
    let lang = Lang::from_code(code)?;
    i18n::set_current(lang);
    if in_link {
        *link = Some(lang);
    }
    Ok(lang)
}

/// The catalogue of language `lang` (`en` or `zh`) as a JSON object of key → template
/// ([`crate::i18n`]); an unknown language is an error naming the allowed ones.
#[wasm_bindgen]
pub fn catalogue(lang: &str) -> Result<String, JsError> {
    Ok(i18n::catalogue_json(Lang::from_code(lang)?).to_owned())
}

/// The page's language that follows the browser's preferred `languages` (joined by commas,
/// as `navigator.languages`): `zh` when the first English or Chinese one is Chinese, else `en`
/// ([`Lang::from_browser`]).
#[wasm_bindgen]
pub fn browser_lang(languages: &str) -> String {
    Lang::from_browser(languages).code().to_owned()
}

/// The legend of a basin map of the scenario `query` in `mode` (`minimum` or `steps`), its
/// runs allowed `steps` steps, as JSON `[{label, color}]` (`color` as `#rrggbb`):
/// [`crate::render::basin::basin_legend`], its words in language `lang` (`en` or `zh`;
/// English when it is neither).
#[wasm_bindgen]
pub fn basin_legend(query: &str, mode: &str, steps: usize, lang: &str) -> Result<String, JsError> {
    let s = Scenario::from_query(query)?;
    let lang = Lang::from_code(lang).unwrap_or_default();
    let minima: Vec<[f64; 2]> = s.surface.minima().iter().map(|m| [m[0], m[1]]).collect();
    let mode = BasinMode::from_name(mode);
    // The words in `lang`, entry by entry, in the order the legend lists them.
    let number = crate::core::explain::format_number;
    let mut words: Vec<String> = match mode {
        BasinMode::Minimum => minima
            .iter()
            .map(|m| {
                let (x, y) = (number(m[0]), number(m[1]));
                i18n::fill(lang, "basins.legend_minimum", &[("x", &x), ("y", &y)])
            })
            .chain([i18n::fill(lang, "basins.legend_elsewhere", &[])])
            .collect(),
        BasinMode::Steps => vec![
            i18n::fill(lang, "basins.legend_one", &[]),
            i18n::fill(lang, "basins.legend_n", &[("n", &steps)]),
        ],
    };
    words.push(i18n::fill(lang, "basins.legend_not", &[("n", &steps)]));
    words.push(i18n::fill(lang, "basins.legend_diverged", &[]));
    let entries: Vec<serde_json::Value> =
        crate::render::basin::basin_legend(&minima, mode, steps)
            .into_iter()
            .zip(words)
            .map(|((_, [r, g, b]), label)| {
                serde_json::json!({"label": label, "color": format!("#{r:02x}{g:02x}{b:02x}")})
            })
            .collect();
    Ok(json(&entries))
}

#[wasm_bindgen]
impl App {
    /// Paints on `canvas` the `width × height` basin map of the scenario `query` whose cells
    /// are `codes` (row-major, row 0 at the top), coloured as [`basin_pixels`] says for
    /// `mode` and a budget of `steps`: over the region its starts cover
    /// ([`jobs::basin_view`]), with axes and the surface's minima marked
    /// ([`crate::render::basin::draw_basin_map`]), in this page's text size.
    #[allow(clippy::too_many_arguments)]
    pub fn paint_basins(
        &self,
        canvas: HtmlCanvasElement,
        query: &str,
        codes: &[u32],
        width: u32,
        height: u32,
        mode: &str,
        steps: usize,
    ) -> Result<(), JsError> {
        if codes.len() != (width as usize) * (height as usize) || width == 0 {
            return Err(crate::err!("error.compare.basin_size").into());
        }
        let s = Scenario::from_query(query)?;
        let view = jobs::basin_view(&s, width as usize, height as usize);
        let pixels = basin_pixels(codes, BasinMode::from_name(mode), steps);
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), width, height)
            .map_err(|_| crate::err!("error.draw.basin_image"))?;
        let scratch = offscreen()?;
        scratch.set_width(width);
        scratch.set_height(height);
        context(&scratch)?
            .put_image_data(&image, 0.0, 0.0)
            .map_err(|_| crate::err!("error.draw.basin_draw"))?;
        let ctx = context(&canvas)?;
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let blit = |cols: Range<i32>, rows: Range<i32>| {
            ctx.set_image_smoothing_enabled(false);
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                &scratch,
                f64::from(cols.start),
                f64::from(rows.start),
                f64::from(cols.end - cols.start),
                f64::from(rows.end - rows.start),
            )
            .map_err(|_| crate::err!("error.draw.basin_put"))
        };
        draw_basin_map(&area, &view, &s.surface.minima(), &self.theme, blit)?;
        Ok(area.present().map_err(draw_err)?)
    }
}

/// The learning-rate sweep benchmark ([`crate::core::bench::sweep_workload`]): 8 optimizers × 50
/// rates × 2,000 steps on Rosenbrock, batched or one run at a time. Returns the sum of every
/// finite final loss, so `make bench` can check both forms agree; the caller times it.
#[wasm_bindgen]
pub fn bench_sweep(batched: bool) -> Result<f64, JsError> {
    let sweeps = crate::core::bench::sweep_workload(batched)?;
    Ok(sweeps.iter().flatten().filter_map(|p| p.final_loss).sum())
}

/// The step-kernel benchmark ([`crate::core::bench::adam_kernel`]): Adam on Rosenbrock, `runs` runs
/// × `steps` steps, batched or one at a time; returns the sum of the final losses.
#[wasm_bindgen]
pub fn bench_adam_kernel(runs: usize, steps: usize, batched: bool) -> Result<f64, JsError> {
    Ok(crate::core::bench::adam_kernel(runs, steps, batched)?)
}

/// `v` with at most six decimals and no trailing zeros: 0.9, 0.9999, 0.166667.
fn short(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// The visualizer: a scenario, its runs simulated ahead, and three canvases.
#[wasm_bindgen]
pub struct App {
    scenario: Scenario,
    trajectories: Vec<Trajectory>,
    /// For each run still being simulated, what it needs to go on ([`App::simulate_for`]).
    pending: Vec<Option<crate::core::run::Simulation>>,
    /// Milliseconds of simulation this frame's changes took so far (infinite once a change
    /// left the frame's time to its background: a new surface).
    change_ms: f64,
    /// `Some(i)` while runs `i..` still wait for the rates that work on a new surface: a
    /// switch leaves their choice to the frames after its own ([`App::set_surface`]).
    rates_due: Option<usize>,
    /// How many times the runs were given the rates of a new surface ([`App::rate_choices`]).
    rate_choices: u32,
    /// `(under, over)`: run `under`'s trail lies under run `over`'s, as last drawn.
    covered: Vec<(usize, usize)>,
    /// Milliseconds each run's simulation took, for the results table.
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
    /// The parts of the link given at start that were left out, and why, if any were.
    load_error: Vec<Error>,
    /// How long the last frame's parts took, for the benchmark.
    timings: Timings,
    /// Whether the user is panning or zooming right now: the heatmap is then computed at half
    /// resolution (a quarter of the work) and sharpened once the gesture ends.
    interacting: bool,
    /// An off-screen canvas a coarser heatmap is scaled up from.
    scratch: Option<HtmlCanvasElement>,
    /// The heatmap on the background, sharpened a few rows a frame while it is coarser than
    /// wanted ([`crate::render::field::Heatmap`]), and the contours drawn over it.
    heatmap: Option<(Heatmap, Vec<ContourLine>)>,
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
    sweep: Option<SweepProgress>,
    /// What the sweep chart's y axis shows.
    sweep_metric: SweepMetric,
    /// Where the sweep was drawn, for clicks.
    sweep_frame: Option<crate::render::plot::SweepFrame>,
    /// Where the 3D view is seen from.
    camera: Camera,
    /// The step overlay's last [`App::scaling`] of each run, with what it was computed for.
    scalings: std::cell::RefCell<Vec<(paint::ScalingKey, Option<Scaling>)>>,
    /// The language the page is shown in (the link's, or the browser's).
    lang: Lang,
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .map_err(|_| crate::err!("error.draw.no_context"))?
        .ok_or_else(|| crate::err!("error.draw.no_context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| crate::err!("error.draw.not_2d").into())
}

/// `canvas`'s backend: plotters-canvas's, measuring text with the canvas
/// ([`Measured`]), as the one backend type everything on the pages is drawn on
/// ([`DynBackend`]: the SVG exports draw on it too).
fn backend(canvas: &HtmlCanvasElement) -> Result<DynBackend<'static>, JsError> {
    let inner = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| crate::err!("error.draw.canvas"))?;
    Ok(DynBackend::new(Measured::new(inner, context(canvas)?)))
}

fn rgb(index: usize) -> RGBColor {
    let (r, g, b) = RUN_COLORS[index % RUN_COLORS.len()];
    RGBColor(r, g, b)
}
