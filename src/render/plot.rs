//! Plot layers drawn with plotters, generic over the drawing backend: the surface's axes,
//! contours and minima; the runs' trajectories; and the loss-versus-step chart.

use super::field::ContourLine;
use crate::surface::View;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;

/// Sizes and colours shared by every layer, scaled for the display's pixel density.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Device pixels per CSS pixel: every size below is multiplied by it.
    pub dpr: f64,
    /// Base text size in CSS pixels.
    pub font_px: f64,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            dpr: 1.0,
            font_px: 13.0,
        }
    }
}

const TEXT: RGBColor = RGBColor(220, 222, 228);
const AXIS: RGBColor = RGBColor(120, 124, 134);
const HALO: RGBAColor = RGBAColor(0, 0, 0, 0.55);

impl Theme {
    fn px(&self, css: f64) -> u32 {
        (css * self.dpr).round().max(1.0) as u32
    }

    fn font(&self, scale: f64) -> TextStyle<'static> {
        ("sans-serif", self.font_px * scale * self.dpr)
            .into_font()
            .color(&TEXT)
    }

    /// Margins of the surface chart: `(margin, x label area, y label area)` in device pixels.
    fn surface_margins(&self) -> (u32, u32, u32) {
        (self.px(10.0), self.px(40.0), self.px(52.0))
    }
}

/// A drawing error, as text (the backend's own error types differ).
pub type DrawResult<T = ()> = Result<T, String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

type SurfaceChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn surface_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
) -> DrawResult<SurfaceChart<'a, DB>> {
    let (margin, x_area, y_area) = theme.surface_margins();
    ChartBuilder::on(area)
        .margin(margin)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)
        .map_err(err)
}

/// The pixel rectangle `(columns, rows)` the surface chart's plotting area covers in `area`:
/// where the caller puts the heatmap, and what [`View::fit_aspect`] should be given.
pub fn surface_plot_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
) -> DrawResult<(Range<i32>, Range<i32>)> {
    Ok(surface_chart(area, view, theme)?
        .plotting_area()
        .get_pixel_range())
}

/// Draws the static layer of the surface plot: axes with labels, contour lines and the known
/// minima. The plotting area itself is left unpainted so a heatmap put there first shows.
pub fn draw_surface_layer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    contours: &[ContourLine],
    minima: &[[f64; 3]],
    theme: &Theme,
) -> DrawResult {
    let mut chart = surface_chart(area, view, theme)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(7)
        .y_labels(7)
        .x_desc("x")
        .y_desc("y")
        .axis_style(AXIS.stroke_width(theme.px(1.0)))
        .label_style(theme.font(0.9))
        .axis_desc_style(theme.font(1.0))
        .draw()
        .map_err(err)?;
    let line = RGBAColor(255, 255, 255, 0.35).stroke_width(theme.px(1.0));
    for contour in contours {
        for path in &contour.paths {
            chart
                .draw_series(std::iter::once(PathElement::new(path.clone(), line)))
                .map_err(err)?;
        }
    }
    let size = theme.px(7.0) as i32;
    for m in minima {
        let p = (m[0], m[1]);
        chart
            .draw_series([
                Cross::new(p, size, BLACK.stroke_width(theme.px(4.0))),
                Cross::new(p, size, WHITE.stroke_width(theme.px(2.0))),
            ])
            .map_err(err)?;
    }
    Ok(())
}

/// One run's path to draw on the surface.
#[derive(Clone, Copy, Debug)]
pub struct TrajectorySeries<'a> {
    /// Legend text.
    pub label: &'a str,
    /// Line colour.
    pub color: RGBColor,
    /// The points visited so far, the last one being the run's current position.
    pub points: &'a [[f64; 2]],
    /// Whether the run has diverged (the head is then drawn as a cross).
    pub diverged: bool,
}

/// Draws each run's trail with a marker at its head, the shared start point and a legend, over
/// a transparent layer whose chart layout matches [`draw_surface_layer`]'s.
pub fn draw_trajectories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    runs: &[TrajectorySeries<'_>],
    theme: &Theme,
) -> DrawResult {
    let mut chart = surface_chart(area, view, theme)?;
    let plot = chart.plotting_area().clone();
    if let Some(start) = runs.iter().find_map(|r| r.points.first()) {
        let p = (start[0], start[1]);
        plot.draw(&Circle::new(
            p,
            theme.px(6.0),
            BLACK.stroke_width(theme.px(3.0)),
        ))
        .map_err(err)?;
        plot.draw(&Circle::new(
            p,
            theme.px(6.0),
            WHITE.stroke_width(theme.px(1.5)),
        ))
        .map_err(err)?;
    }
    for run in runs {
        let pts: Vec<(f64, f64)> = run.points.iter().map(|p| (p[0], p[1])).collect();
        let Some(&head) = pts.last() else { continue };
        plot.draw(&PathElement::new(
            pts.clone(),
            HALO.stroke_width(theme.px(4.0)),
        ))
        .map_err(err)?;
        let color = run.color;
        chart
            .draw_series(std::iter::once(PathElement::new(
                pts,
                color.stroke_width(theme.px(2.0)),
            )))
            .map_err(err)?
            .label(run.label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 14, y + 4)], color.filled()));
        if run.diverged {
            plot.draw(&Cross::new(
                head,
                theme.px(8.0) as i32,
                color.stroke_width(theme.px(3.0)),
            ))
            .map_err(err)?;
        } else {
            plot.draw(&Circle::new(head, theme.px(5.0), color.filled()))
                .map_err(err)?;
            plot.draw(&Circle::new(
                head,
                theme.px(5.0),
                BLACK.stroke_width(theme.px(1.0)),
            ))
            .map_err(err)?;
        }
    }
    if !runs.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(theme.px(8.0))
            .legend_area_size(theme.px(22.0))
            .label_font(theme.font(0.95))
            .background_style(RGBAColor(16, 17, 22, 0.8))
            .border_style(AXIS)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// One run's loss history for the loss chart.
#[derive(Clone, Copy, Debug)]
pub struct LossSeries<'a> {
    /// Legend text.
    pub label: &'a str,
    /// Line colour.
    pub color: RGBColor,
    /// `losses[k]` after `k` steps, up to the current step.
    pub losses: &'a [f64],
}

/// The smallest loss the log-scaled chart shows; lower values (an exact 0) sit on this floor.
pub const LOSS_FLOOR: f64 = 1e-12;

/// How the loss chart's y axis maps a loss: `log10` when every loss shown is positive,
/// the loss itself otherwise (surfaces such as the saddle go below zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossAxis {
    /// `log10(max(loss, LOSS_FLOOR))`, labelled as powers of ten.
    Log,
    /// The loss itself.
    Linear,
}

impl LossAxis {
    /// The axis for these runs: log unless some finite loss is ≤ 0.
    pub fn for_runs(runs: &[LossSeries<'_>]) -> LossAxis {
        let any_non_positive = runs
            .iter()
            .flat_map(|r| r.losses.iter())
            .any(|l| l.is_finite() && *l <= 0.0);
        if any_non_positive {
            LossAxis::Linear
        } else {
            LossAxis::Log
        }
    }

    /// Where a loss sits on the axis.
    pub fn position(self, loss: f64) -> f64 {
        match self {
            LossAxis::Log => loss.max(LOSS_FLOOR).log10(),
            LossAxis::Linear => loss,
        }
    }
}

/// Draws loss against step for every run, x from 0 to `max_steps`, with a vertical cursor at
/// step `cursor`; the y axis is logarithmic when every loss is positive (see [`LossAxis`]).
pub fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[LossSeries<'_>],
    max_steps: usize,
    cursor: usize,
    theme: &Theme,
) -> DrawResult {
    let axis = LossAxis::for_runs(runs);
    let (lo, hi) = runs
        .iter()
        .flat_map(|r| r.losses.iter())
        .filter(|l| l.is_finite())
        .map(|&l| axis.position(l))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        let pad = ((hi - lo) * 0.05).max(match axis {
            LossAxis::Log => 0.3,
            LossAxis::Linear => 1e-9_f64.max(hi.abs() * 1e-3),
        });
        (lo - pad, hi + pad)
    } else {
        (-3.0, 3.0)
    };
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .margin_right(theme.px(22.0))
        .x_label_area_size(theme.px(40.0))
        .y_label_area_size(theme.px(60.0))
        .build_cartesian_2d(0.0..max_steps.max(1) as f64, lo..hi)
        .map_err(err)?;
    let y_label = move |v: &f64| match axis {
        LossAxis::Log => format!("{:.0e}", 10f64.powf(*v)),
        LossAxis::Linear => format!("{v:.3}"),
    };
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc(match axis {
            LossAxis::Log => "loss (log scale)",
            LossAxis::Linear => "loss",
        })
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&y_label)
        .axis_style(AXIS.stroke_width(theme.px(1.0)))
        .bold_line_style(RGBAColor(255, 255, 255, 0.10).stroke_width(theme.px(1.0)))
        .light_line_style(TRANSPARENT)
        .label_style(theme.font(0.85))
        .axis_desc_style(theme.font(0.95))
        .draw()
        .map_err(err)?;
    let x = cursor.min(max_steps) as f64;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            RGBAColor(255, 255, 255, 0.5).stroke_width(theme.px(1.0)),
        )))
        .map_err(err)?;
    for run in runs {
        let color = run.color;
        let points = run
            .losses
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_finite())
            .map(|(k, &l)| (k as f64, axis.position(l)));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(theme.px(2.0))))
            .map_err(err)?
            .label(run.label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 14, y + 4)], color.filled()));
    }
    if !runs.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .margin(theme.px(6.0))
            .legend_area_size(theme.px(22.0))
            .label_font(theme.font(0.85))
            .background_style(RGBAColor(16, 17, 22, 0.8))
            .border_style(AXIS)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}
