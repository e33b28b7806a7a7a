//! The surface page's scene as figures, on any plotters backend: the plot (heatmap, contours,
//! minima, trajectories), the chart of the chosen quantity, and a legend, laid out as one
//! picture. The page paints its canvases and draws its SVG exports with these; `optiviz
//! render` draws PNG, SVG and GIF figures with the same code.
//!
//! The heatmap is a raster ([`Raster`]): a bitmap backend gets it blitted in one call
//! ([`RasterImage`]); an SVG gets it as one embedded `<image>` ([`svg_with_raster`]), never a
//! rectangle per pixel.

use super::RUN_COLORS;
use super::field::{CONTOUR_RESOLUTION, ContourLine, Field};
use super::plot::{
    DrawResult, Line, MetricSeries, StepArrows, TrajectorySeries, draw_err, draw_metric,
    draw_surface_layer, draw_trajectories, surface_frame,
};
use super::theme::{PAGE, Theme};
use super::viewport::Viewport;
use crate::core::optim::OptimizerKind;
use crate::core::run::Trajectory;
use crate::i18n;
use crate::state::scenario::{Chart, Scenario, legends_in};
use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};
use std::ops::Range;

/// The colour of run `index` ([`RUN_COLORS`], cycling).
pub fn run_rgb(index: usize) -> RGBColor {
    let (r, g, b) = RUN_COLORS[index % RUN_COLORS.len()];
    RGBColor(r, g, b)
}

/// Whether `kind` scales each coordinate by its own accumulated gradients (the step
/// overlay's bars, [`StepArrows::scaled`]).
pub fn adaptive(kind: OptimizerKind) -> bool {
    !matches!(
        kind,
        OptimizerKind::Sgd
            | OptimizerKind::Momentum
            | OptimizerKind::Nesterov
            | OptimizerKind::Lion
            | OptimizerKind::Newton
    )
}

/// A scenario's runs at one step, to draw: the scenario, each run's simulated trajectory (in
/// the scenario's order), the step shown and the look.
#[derive(Clone, Copy)]
pub struct Scene<'a> {
    /// The scenario (surface, view, start, runs, chart).
    pub scenario: &'a Scenario,
    /// `trajectories[i]` is run `i`'s, simulated for the scenario's steps.
    pub trajectories: &'a [Trajectory],
    /// The step shown (each run drawn up to it, or to its end).
    pub step: usize,
    /// Sizes, fonts and the language of the words.
    pub theme: Theme,
}

impl<'a> Scene<'a> {
    /// The shown runs, each with its index in the scenario and its trajectory.
    fn shown(&self) -> impl Iterator<Item = (usize, &'a Trajectory)> + '_ {
        let runs = &self.scenario.runs;
        self.trajectories
            .iter()
            .enumerate()
            .filter(move |(i, _)| runs.get(*i).is_some_and(|e| !e.hidden))
    }

    /// Every shown run up to the step, as the plot draws it; when the scenario shows the step
    /// overlay, each head that has a next step gets its arrows, with `scaled(run, k)` the
    /// adaptive scaling of run `run`'s step from point `k` (for the methods that scale each
    /// coordinate; `None` for the others).
    pub fn series(
        &self,
        scaled: &dyn Fn(usize, usize) -> Option<[f64; 2]>,
    ) -> Vec<TrajectorySeries<'a>> {
        let lang = self.theme.lang;
        let (step, overlay) = (self.step, self.scenario.overlay);
        self.shown()
            .map(|(i, t)| {
                let entry = &self.scenario.runs[i];
                let kind = entry.spec.optimizer.kind;
                let k = step.min(t.steps());
                let arrows = (overlay && k < t.steps()).then(|| StepArrows {
                    gradient_step: [-t.lrs[k] * t.used[k][0], -t.lrs[k] * t.used[k][1]],
                    update: t.update(k),
                    carry: matches!(kind, OptimizerKind::Momentum | OptimizerKind::Nesterov),
                    scaled: if adaptive(kind) { scaled(i, k) } else { None },
                });
                TrajectorySeries {
                    label: i18n::name(lang, "optimizer", kind.id(), kind.label()),
                    color: run_rgb(i),
                    points: &t.points[..=k],
                    diverged: t.diverged_at.is_some_and(|d| d <= step),
                    arrows,
                }
            })
            .collect()
    }

    /// Draws the chart of the scenario's quantity (loss, gradient norm or distance to the
    /// nearest minimum) for every shown run up to the step, with the step's cursor: what the
    /// page's chart canvas shows.
    pub fn draw_chart<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let s = self.scenario;
        let shown: Vec<(usize, &Trajectory, Vec<f64>)> = self
            .shown()
            .map(|(i, t)| {
                (
                    i,
                    t,
                    s.chart.values(&s.surface, t, self.step.min(t.steps())),
                )
            })
            .collect();
        let lang = self.theme.lang;
        let series: Vec<MetricSeries<'_>> = shown
            .iter()
            .map(|(i, t, values)| {
                let kind = s.runs[*i].spec.optimizer.kind;
                MetricSeries {
                    label: i18n::name(lang, "optimizer", kind.id(), kind.label()),
                    color: run_rgb(*i),
                    values,
                    line: Line::Solid,
                    mark: None,
                    diverged_at: t.diverged_at,
                }
            })
            .collect();
        let chart = s.chart;
        let name = if chart == Chart::Distance && s.surface.minima().is_empty() {
            self.theme.word("no known minimum on this surface")
        } else {
            i18n::name(lang, "chart", chart.id(), chart.label())
        };
        draw_metric(area, &series, name, s.steps, self.step, &self.theme)
    }

    /// The legend's entries: every shown run's colour and its legend text
    /// ([`legends_in`]: "1 · Gradient descent η=0.001"), then the step shown ("step 120 of
    /// 500", no colour).
    pub fn legend(&self) -> Vec<(Option<RGBColor>, String)> {
        let s = self.scenario;
        let words = legends_in(&s.runs, self.theme.lang);
        let mut entries: Vec<(Option<RGBColor>, String)> = self
            .shown()
            .map(|(i, _)| (Some(run_rgb(i)), words[i].clone()))
            .collect();
        entries.push((
            None,
            format!("{} {} / {}", self.theme.word("step"), self.step, s.steps),
        ));
        entries
    }
}

/// The heatmap of a plot: its pixels (`width` × `height`, RGBA, row by row from the top) and
/// the backend pixels it covers (`cols` × `rows`; a coarser raster is stretched over them).
#[derive(Clone, Debug, PartialEq)]
pub struct Raster {
    /// The backend columns covered.
    pub cols: Range<i32>,
    /// The backend rows covered.
    pub rows: Range<i32>,
    /// Pixels across.
    pub width: usize,
    /// Pixels down.
    pub height: usize,
    /// `width × height × 4` bytes, RGBA.
    pub rgba: Vec<u8>,
}

/// A plot's static part, computed once for any number of frames: the view drawn and its
/// pixels ([`surface_frame`]), the contour lines and the heatmap.
#[derive(Clone, Debug)]
pub struct Backdrop {
    /// The view drawn (the scenario's, widened to the plot's aspect) and its pixels.
    pub viewport: Viewport,
    /// The contour lines over the view.
    pub contours: Vec<ContourLine>,
    /// The heatmap over the plot.
    pub raster: Raster,
}

impl Backdrop {
    /// The backdrop of `scenario`'s plot on `area`, its heatmap one value per pixel and its
    /// contours at the page's finest resolution for the surface's cost.
    pub fn compute<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        scenario: &Scenario,
        theme: &Theme,
    ) -> DrawResult<Backdrop> {
        let viewport = surface_frame(area, &scenario.view(), theme)?;
        let field = Field::new(scenario.surface.clone(), viewport.view);
        let (cols, rows) = (viewport.cols.clone(), viewport.rows.clone());
        let (width, height) = (cols.len(), rows.len());
        let contours = field.drawn_contours(CONTOUR_RESOLUTION, width, height);
        let rgba = field.rgba(width, height);
        Ok(Backdrop {
            viewport,
            contours,
            raster: Raster {
                cols,
                rows,
                width,
                height,
                rgba,
            },
        })
    }
}

/// A [`Raster`] as a plotters element: blitted in one [`DrawingBackend::blit_bitmap`] call
/// at its top-left pixel on a [`Shift`] area (RGB; only a raster one pixel per pixel).
pub struct RasterImage {
    at: BackendCoord,
    size: (u32, u32),
    rgb: Vec<u8>,
}

impl RasterImage {
    /// `raster` as an element, its alpha dropped.
    pub fn new(raster: &Raster) -> RasterImage {
        RasterImage {
            at: (raster.cols.start, raster.rows.start),
            size: (raster.width as u32, raster.height as u32),
            rgb: raster
                .rgba
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
        }
    }
}

impl<'a> PointCollection<'a, BackendCoord> for &'a RasterImage {
    type Point = &'a BackendCoord;
    type IntoIter = std::iter::Once<&'a BackendCoord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for RasterImage {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match points.next() {
            Some(at) => backend.blit_bitmap(at, self.size, &self.rgb),
            None => Ok(()),
        }
    }
}

/// Which of the scene's pictures a figure holds (each with the legend under it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panels {
    /// The plot alone.
    Plot,
    /// The chart alone.
    Chart,
    /// The plot and the chart beside it (under it, on a figure taller than wide).
    Both,
}

/// The legend's rows on `width` pixels: the entries in order, each a swatch and its text,
/// wrapped to a new row where the next does not fit. Returns, per row, the entries' indices
/// and x offsets, and the row height.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Option<RGBColor>, String)],
    width: u32,
    theme: &Theme,
) -> (Vec<Vec<(usize, i32)>>, u32) {
    let font = theme.font(0.95);
    let pad = theme.px(10.0) as i32;
    let swatch = theme.px(18.0) as i32;
    let gap = theme.px(6.0) as i32;
    let line = (font_height(&font) * 1.5).ceil() as u32;
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = pad;
    for (i, (color, text)) in entries.iter().enumerate() {
        let text_w = area
            .estimate_text_size(text, &font)
            .map_or(text.chars().count() as u32 * 8, |(w, _)| w) as i32;
        let w = text_w + if color.is_some() { swatch + gap } else { 0 };
        let row = rows.last_mut().expect("one row at least");
        if !row.is_empty() && x + w > width as i32 - pad {
            rows.push(Vec::new());
            x = pad;
        }
        rows.last_mut().expect("pushed").push((i, x));
        x += w + 2 * pad;
    }
    (rows, line)
}

/// A text style's size in pixels.
fn font_height(font: &TextStyle<'_>) -> f64 {
    font.font.get_size()
}

/// The height the legend of `scene` takes on a figure `width` pixels wide: its rows and a
/// margin.
pub fn legend_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene<'_>,
    width: u32,
) -> u32 {
    let (rows, line) = legend_rows(area, &scene.legend(), width, &scene.theme);
    rows.len() as u32 * line + scene.theme.px(8.0)
}

/// Draws the legend of `scene` across `area`: per run a short line in its colour over a halo
/// and its legend text, then the step shown.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene<'_>,
) -> DrawResult {
    let theme = &scene.theme;
    let entries = scene.legend();
    let (width, _) = area.dim_in_pixel();
    let (rows, line) = legend_rows(area, &entries, width, theme);
    let font = theme.font(0.95).pos(Pos::new(HPos::Left, VPos::Center));
    let swatch = theme.px(18.0) as i32;
    let gap = theme.px(6.0) as i32;
    let top = theme.px(4.0) as i32;
    for (r, row) in rows.iter().enumerate() {
        let y = top + r as i32 * line as i32 + line as i32 / 2;
        for &(i, x) in row {
            let (color, text) = &entries[i];
            let mut tx = x;
            if let Some(c) = color {
                let seg = vec![(x, y), (x + swatch, y)];
                area.draw(&PathElement::new(seg.clone(), theme.halo(5.0)))
                    .map_err(draw_err)?;
                area.draw(&PathElement::new(seg, c.stroke_width(theme.px(3.0))))
                    .map_err(draw_err)?;
                tx += swatch + gap;
            }
            area.draw(&Text::new(text.as_str(), (tx, y), font.clone()))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// The parts of a figure of `panels` on `root`: the plot's area, the chart's, and the
/// legend's strip along the bottom (`legend` pixels tall). [`Panels::Both`] puts the plot
/// on the left 55% and the chart on the right, or on a figure taller than wide the plot on
/// the top 60% and the chart under it.
#[allow(clippy::type_complexity)]
pub fn figure_areas<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: Panels,
    legend: u32,
) -> (
    Option<DrawingArea<DB, Shift>>,
    Option<DrawingArea<DB, Shift>>,
    DrawingArea<DB, Shift>,
) {
    let (w, h) = root.dim_in_pixel();
    let (body, strip) = root.split_vertically(h.saturating_sub(legend).max(1));
    match panels {
        Panels::Plot => (Some(body), None, strip),
        Panels::Chart => (None, Some(body), strip),
        Panels::Both => {
            let (plot, chart) = if w >= h {
                body.split_horizontally((f64::from(w) * 0.55).round() as u32)
            } else {
                let (_, bh) = body.dim_in_pixel();
                body.split_vertically((f64::from(bh) * 0.6).round() as u32)
            };
            (Some(plot), Some(chart), strip)
        }
    }
}

/// Draws `scene` as a figure of `panels` on `root` (the background filled, the legend along
/// the bottom); the plot's backdrop is `backdrop`, computed for this layout on the first
/// call ([`Backdrop::compute`]) and reused by later frames. With `blit`, the heatmap is
/// drawn into the backend ([`RasterImage`]); without, it is left for the caller to place
/// under everything (an SVG's `<image>`, [`svg_with_raster`]) and the background too.
pub fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene<'_>,
    panels: Panels,
    backdrop: &mut Option<Backdrop>,
    blit: bool,
    scaled: &dyn Fn(usize, usize) -> Option<[f64; 2]>,
) -> DrawResult {
    let (w, _) = root.dim_in_pixel();
    if blit {
        root.fill(&PAGE).map_err(draw_err)?;
    }
    let legend = legend_height(root, scene, w);
    let (plot, chart, strip) = figure_areas(root, panels, legend);
    if let Some(plot) = plot {
        if backdrop.is_none() {
            *backdrop = Some(Backdrop::compute(&plot, scene.scenario, &scene.theme)?);
        }
        let b = backdrop.as_ref().expect("computed above");
        if blit && b.raster.width == b.raster.cols.len() && b.raster.height == b.raster.rows.len() {
            root.draw(&RasterImage::new(&b.raster)).map_err(draw_err)?;
        }
        let minima = scene.scenario.surface.minima();
        let view = &b.viewport.view;
        draw_surface_layer(&plot, view, &b.contours, &minima, &scene.theme)?;
        let series = scene.series(scaled);
        draw_trajectories(&plot, view, scene.scenario.start, &series, &scene.theme)?;
    }
    if let Some(chart) = chart {
        scene.draw_chart(&chart)?;
    }
    draw_legend(&strip, scene)
}

/// `svg`, an SVG document plotters wrote, with the page's background and `raster` (as the
/// image `data_url`, such as `data:image/png;base64,…`) put first, under everything drawn:
/// one `<image>` stretched over the pixels the raster covers.
pub fn svg_with_raster(svg: &str, raster: Option<&Raster>, data_url: Option<&str>) -> String {
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|at| svg[at..].find('>').map(|e| at + e + 1))
    else {
        return svg.to_owned();
    };
    let RGBColor(r, g, b) = PAGE;
    let mut out = String::with_capacity(svg.len() + data_url.map_or(0, str::len) + 256);
    out.push_str(&svg[..open_end]);
    out.push_str(&format!(
        "\n<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#{r:02X}{g:02X}{b:02X}\"/>"
    ));
    if let (Some(raster), Some(url)) = (raster, data_url) {
        out.push_str(&format!(
            "\n<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" \
             image-rendering=\"optimizeSpeed\" href=\"{url}\"/>",
            raster.cols.start,
            raster.rows.start,
            raster.cols.len(),
            raster.rows.len()
        ));
    }
    out.push_str(&svg[open_end..]);
    out
}
