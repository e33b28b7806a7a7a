//! The regression lab's pictures: the loss landscape over two chosen parameters (values,
//! automatic view, viridis colours as the surface heatmap's) and the data view (the points,
//! each run's fitted curve or decision boundary, the network's decision regions), drawn with
//! plotters over any `DrawingBackend`.
//!
//! As for the surface, rasters (the landscape, the decision regions) are computed here as one
//! RGBA buffer for the caller to put on its target in one call, under the vector layer drawn
//! by [`draw_data_view`] (or the surface's [`super::draw_trajectories`] for the landscape).

use super::clip::{clip_path, clip_segment, inside};
use super::field::{ContourLine, Scaling, contour_lines, viridis_lut};
use super::plot::{DrawResult, decimate, draw_err as err, draw_plane_axes, plane_chart};
use super::theme::{PAGE, Theme};
use crate::core::model::{LabModel, Model, Points, Training};
use crate::core::surface::{COORDINATE_LIMIT, View};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

/// The colours of the two classes, class 0 (`false`) then class 1 (`true`): a blue and an
/// amber that neither run colour nor colour-blindness confuses with each other.
pub const CLASS_COLORS: [(u8, u8, u8); 2] = [(64, 156, 255), (255, 184, 28)];

/// The data view's background, which the decision regions are blended towards so that
/// points and lines stay legible over them.
pub const DATA_BACKGROUND: (u8, u8, u8) = (PAGE.0, PAGE.1, PAGE.2);

/// Training points of regression data.
const TRAIN_POINT: RGBColor = RGBColor(235, 235, 240);
/// Validation points of regression data (drawn as rings).
const VAL_POINT: RGBColor = RGBColor(255, 120, 200);

/// `params` with parameter `axes.0` set to `p[0]` and `axes.1` to `p[1]`.
fn with_axes(params: &mut [f64], axes: (usize, usize), p: [f64; 2]) {
    params[axes.0] = p[0];
    params[axes.1] = p[1];
}

/// The full training loss ([`Model::loss`]) over a `width × height` raster covering `view`,
/// with parameter `axes.0` varied along x, `axes.1` along y and every other parameter held at
/// its value in `at`. Row-major, row 0 at the top (largest y), each value taken at the
/// pixel's centre ([`View::pixel_center`]).
///
/// # Panics
///
/// When `at` is shorter than the model's dimension or an axis is not below it.
pub fn loss_field(
    model: &dyn Model,
    at: &[f64],
    axes: (usize, usize),
    view: &View,
    width: usize,
    height: usize,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(width * height);
    loss_cells(
        model,
        at,
        axes,
        view,
        (width, height),
        0..width * height,
        &mut out,
    );
    out
}

/// Cells `cells` of [`loss_field`]'s `width × height` raster (row-major indices), appended
/// to `out`: for computing the raster a few cells at a time when the model is expensive.
///
/// # Panics
///
/// As [`loss_field`].
pub fn loss_cells(
    model: &dyn Model,
    at: &[f64],
    axes: (usize, usize),
    view: &View,
    (width, height): (usize, usize),
    cells: Range<usize>,
    out: &mut Vec<f64>,
) {
    let mut params = at.to_vec();
    for i in cells {
        let (row, col) = (i / width, i % width);
        with_axes(
            &mut params,
            axes,
            view.pixel_center(col, row, width, height),
        );
        out.push(model.loss(&params));
    }
}

/// A run's parameters after every step, projected on the landscape's two axes.
pub fn project(params: &[Vec<f64>], axes: (usize, usize)) -> Vec<[f64; 2]> {
    params
        .iter()
        .filter(|p| axes.0 < p.len() && axes.1 < p.len())
        .map(|p| [p[axes.0], p[axes.1]])
        .collect()
}

/// The closed-form least-squares solution of linear regression on the landscape's axes
/// (`(w, b)` or `(b, w)`); `None` for the other models.
pub fn landscape_minimum(model: &LabModel, axes: (usize, usize)) -> Option<[f64; 2]> {
    let ls = model.least_squares()?;
    (axes.0 < 2 && axes.1 < 2 && axes.0 != axes.1).then(|| [ls[axes.0], ls[axes.1]])
}

/// The smallest box holding `points` (non-finite ones skipped, the others clamped to
/// ±[`COORDINATE_LIMIT`]), widened by `margin` of its
/// size on every side; a side of zero length becomes `2·max(1, |centre|)·margin` wide
/// around its centre; then [`View::clamped`] to what can be shown. `None` when no point is
/// finite.
fn bounds_view(points: impl IntoIterator<Item = [f64; 2]>, margin: f64) -> Option<View> {
    let mut b = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        if p[0].is_finite() && p[1].is_finite() {
            let p = p.map(|v| v.clamp(-COORDINATE_LIMIT, COORDINATE_LIMIT));
            b = [
                b[0].min(p[0]),
                b[1].max(p[0]),
                b[2].min(p[1]),
                b[3].max(p[1]),
            ];
        }
    }
    if !b[0].is_finite() {
        return None;
    }
    let pad = |lo: f64, hi: f64| {
        let span = hi - lo;
        if span > 0.0 && span.is_finite() {
            (lo - span * margin, hi + span * margin)
        } else {
            let c = (lo + hi) / 2.0;
            let half = c.abs().max(1.0) * margin.max(0.1);
            (c - half, c + half)
        }
    };
    let (x_min, x_max) = pad(b[0], b[1]);
    let (y_min, y_max) = pad(b[2], b[3]);
    // Runs that flew far away (1e200 before diverging) must not make a view no axis can show.
    Some(View::new(x_min, x_max, y_min, y_max).clamped())
}

/// The automatic view of the loss landscape: the smallest box holding every run's path
/// projected on `axes` ([`project`]) and, for linear regression, the least-squares solution
/// ([`landscape_minimum`]), widened by 15% of its size on every side. Without any finite
/// point, the square `[−1, 1]²`.
pub fn landscape_view<'a>(
    model: &LabModel,
    runs: impl IntoIterator<Item = &'a Training>,
    axes: (usize, usize),
) -> View {
    let mut points: Vec<[f64; 2]> = runs
        .into_iter()
        .flat_map(|t| project(&t.params, axes))
        .collect();
    points.extend(landscape_minimum(model, axes));
    bounds_view(points, 0.15).unwrap_or(View::new(-1.0, 1.0, -1.0, 1.0))
}

/// The colour scaling of landscape values: `ln(1 + f − f_min)` mapped to `[0, 1]` between the
/// smallest and largest finite value (the surface heatmap's log scaling, which spreads a
/// loss's orders of magnitude evenly and is all but linear over a small range).
pub fn loss_scaling(values: &[f64]) -> Scaling {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (f_min, f_max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let f_min = if f_min.is_finite() { f_min } else { 0.0 };
    let hi = (f_max - f_min).max(0.0).ln_1p();
    Scaling {
        log: true,
        f_min,
        lo: 0.0,
        hi: if hi.is_finite() && hi > 0.0 { hi } else { 1.0 },
    }
}

/// Contour lines of the loss landscape: `levels` levels evenly spaced in the colour scale
/// `scaling` ([`loss_scaling`]), traced through `values`, a `width × height` raster laid out as
/// [`loss_field`] lays it out (row 0 at the top) over `view`; the same marching squares as the
/// surface's contours ([`contour_lines`]).
pub fn loss_contours(
    values: &[f64],
    scaling: &Scaling,
    (width, height): (usize, usize),
    view: &View,
    levels: usize,
) -> Vec<ContourLine> {
    if values.len() != width * height {
        return Vec::new();
    }
    // Bottom row first, as contour_lines counts rows; NaN (no loss) as the top colour.
    let grid: Vec<f64> = (0..height)
        .rev()
        .flat_map(|row| values[row * width..(row + 1) * width].iter())
        .map(|&v| {
            if v.is_nan() {
                1.0
            } else {
                scaling.normalize(v)
            }
        })
        .collect();
    contour_lines(&grid, (width, height), view, levels)
}

/// `width × height` RGBA pixels of `values` (as [`loss_field`] lays them out), each the
/// viridis colour ([`viridis_lut`]) of its value normalised by `scaling`
/// ([`Scaling::normalize`]; non-finite values take the top colour), as the surface heatmap.
pub fn loss_rgba(values: &[f64], scaling: &Scaling, width: usize, height: usize) -> Vec<u8> {
    let lut = viridis_lut();
    let mut buf = vec![255u8; width * height * 4];
    for (px, &v) in buf.chunks_exact_mut(4).zip(values) {
        // `normalize` would take NaN for the minimum under log scaling: NaN is no low loss.
        let t = if v.is_nan() {
            1.0
        } else {
            scaling.normalize(v)
        };
        let i = (t * 255.0 + 0.5) as usize;
        px[..3].copy_from_slice(&lut[i.min(255)]);
    }
    buf
}

/// The data view's world rectangle: the smallest box holding every point, widened by 10% of
/// its size on every side (x and y for regression, x1 and x2 for classes). For the page to
/// keep while the user drags, and to map clicks through a [`crate::render::viewport::Viewport`].
pub fn data_view(points: &Points) -> View {
    bounds_view(points.positions(), 0.1).unwrap_or(View::new(-1.0, 1.0, -1.0, 1.0))
}

/// The pixel rectangle `(columns, rows)` the data view's plotting area covers in `area`:
/// where the caller puts the decision regions ([`probability_rgba`]), and the rectangle of
/// the [`crate::render::viewport::Viewport`] clicks are mapped through. (The data view is
/// laid out as the surface plot is, its labels given the room they need.)
pub fn data_plot_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
) -> DrawResult<(Range<i32>, Range<i32>)> {
    Ok(plane_chart(area, view, theme, false)?
        .0
        .plotting_area()
        .get_pixel_range())
}

/// `width × height` RGBA pixels covering `view` (row 0 at the top), each pixel the
/// classifier's probability of class 1 at its centre coloured between the two
/// [`CLASS_COLORS`] (linearly in `p`) and blended half-way towards [`DATA_BACKGROUND`]: the
/// decision regions of one run, for the network or logistic regression. Transparent black
/// for regression models.
pub fn probability_rgba(
    model: &LabModel,
    params: &[f64],
    view: &View,
    width: usize,
    height: usize,
) -> Vec<u8> {
    let mut buf = vec![0u8; width * height * 4];
    let [c0, c1] = CLASS_COLORS;
    let bg = DATA_BACKGROUND;
    let channel = |a: u8, b: u8, bg: u8, p: f64| {
        let c = f64::from(a) * (1.0 - p) + f64::from(b) * p;
        (0.5 * c + 0.5 * f64::from(bg)).round() as u8
    };
    for (i, px) in buf.chunks_exact_mut(4).enumerate() {
        let at = view.pixel_center(i % width, i / width, width, height);
        let Some(p) = model.probability(params, at) else {
            return buf;
        };
        let p = if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.5
        };
        px.copy_from_slice(&[
            channel(c0.0, c1.0, bg.0, p),
            channel(c0.1, c1.1, bg.1, p),
            channel(c0.2, c1.2, bg.2, p),
            255,
        ]);
    }
    buf
}

/// One run's current fit in the data view.
#[derive(Clone, Copy, Debug)]
pub struct FitSeries<'a> {
    /// The run's colour.
    pub color: RGBColor,
    /// The run's current parameters.
    pub params: &'a [f64],
}

/// What the data view shows besides the runs: the model (for its predictions), every point
/// in the user's order, and which of them validate.
#[derive(Clone, Copy, Debug)]
pub struct DataLayer<'a> {
    /// The model built on the points ([`crate::core::model::ModelSpec::build_lab`]).
    pub model: &'a LabModel,
    /// Every point, training and validation.
    pub points: &'a Points,
    /// `validation[i]`: whether point `i` validates ([`crate::core::model::ModelSpec::validation_mask`];
    /// missing entries count as training points).
    pub validation: &'a [bool],
    /// Points to ring in a run's colour (a step's batch, explained): their indices and the
    /// colour; `None` rings nothing.
    pub highlight: Option<(&'a [usize], RGBColor)>,
}

/// The endpoints of the line `w₁x₁ + w₂x₂ + b = 0` across `view`, clipped to it; `None` when
/// the line misses the view or `w = 0`.
pub fn decision_line(params: &[f64], view: &View) -> Option<([f64; 2], [f64; 2])> {
    let (w1, w2, b) = (*params.first()?, *params.get(1)?, *params.get(2)?);
    let (a, c) = if w2.abs() >= w1.abs() {
        if w2 == 0.0 || !w2.is_finite() {
            return None;
        }
        let y = |x: f64| -(w1 * x + b) / w2;
        ([view.x_min, y(view.x_min)], [view.x_max, y(view.x_max)])
    } else {
        let x = |y: f64| -(w2 * y + b) / w1;
        ([x(view.y_min), view.y_min], [x(view.y_max), view.y_max])
    };
    if !(a.iter().chain(&c).all(|v| v.is_finite())) {
        return None;
    }
    clip_segment(a, c, view)
}

/// Draws the data view over `view`: axes with labels, then for linear and polynomial
/// regression each run's fitted curve `ŷ(x)` across the view (sampled every two pixels and
/// clipped to the view) and the points (training points filled, validation points as pink
/// rings); for logistic regression each run's decision boundary `w·x + b = 0` and the points
/// in their class colours; for the network the points only (its decision regions are the
/// caller's raster, [`probability_rgba`], put in [`data_plot_rect`] first; the plotting area
/// is left unpainted). Validation points of classes are drawn as rings.
pub fn draw_data_view<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    data: &DataLayer<'_>,
    runs: &[FitSeries<'_>],
    theme: &Theme,
) -> DrawResult {
    let (mut chart, room) = plane_chart(area, view, theme, false)?;
    let names = match data.points {
        Points::Regression(_) => ("x", "y"),
        Points::Classes(_) => ("x1", "x2"),
    };
    draw_plane_axes(&mut chart, &room, view, names, &[], &[], theme)?;
    let plot = chart.plotting_area().clone();
    let (cols, rows) = plot.get_pixel_range();
    let scale = (
        f64::from(cols.end - cols.start) / (view.x_max - view.x_min),
        f64::from(rows.end - rows.start) / (view.y_max - view.y_min),
    );
    let line = |plot: &DrawingArea<DB, _>, pts: Vec<(f64, f64)>, color: RGBColor| {
        plot.draw(&PathElement::new(pts.clone(), theme.halo(4.0)))
            .map_err(err)?;
        plot.draw(&PathElement::new(pts, color.stroke_width(theme.px(2.0))))
            .map_err(err)
    };
    match data.model {
        LabModel::Linear(_) | LabModel::Poly(_) => {
            let samples = ((cols.end - cols.start).max(2) / 2) as usize;
            for run in runs {
                let curve: Vec<[f64; 2]> = (0..=samples)
                    .filter_map(|i| {
                        let x = view.x_min + (view.x_max - view.x_min) * i as f64 / samples as f64;
                        data.model.predict(run.params, x).map(|y| [x, y])
                    })
                    .collect();
                for part in clip_path(&curve, view) {
                    let all: Vec<(f64, f64)> = part.iter().map(|p| (p[0], p[1])).collect();
                    line(&plot, decimate(&all, scale, 0.75), run.color)?;
                }
            }
        }
        LabModel::Logistic(_) => {
            for run in runs {
                if let Some((a, b)) = decision_line(run.params, view) {
                    line(&plot, vec![(a[0], a[1]), (b[0], b[1])], run.color)?;
                }
            }
        }
        LabModel::Mlp(_) => {}
    }
    let radius = theme.px(4.0);
    // The highlighted points' rings, under the points: a wide ring in the run's colour.
    if let Some((indices, color)) = data.highlight {
        let ring = theme.px(9.0);
        for p in indices.iter().filter_map(|&i| data.points.position(i)) {
            if inside(p, view) {
                let at = (p[0], p[1]);
                plot.draw(&Circle::new(at, ring, BLACK.stroke_width(theme.px(4.5))))
                    .map_err(err)?;
                plot.draw(&Circle::new(at, ring, color.stroke_width(theme.px(2.5))))
                    .map_err(err)?;
            }
        }
    }
    for i in 0..data.points.len() {
        let Some(p) = data.points.position(i) else {
            continue;
        };
        if !inside(p, view) {
            continue;
        }
        let at = (p[0], p[1]);
        let val = data.validation.get(i).copied().unwrap_or(false);
        let color = match data.points.class(i) {
            Some(c) => {
                let (r, g, b) = CLASS_COLORS[usize::from(c)];
                RGBColor(r, g, b)
            }
            None if val => VAL_POINT,
            None => TRAIN_POINT,
        };
        if val {
            plot.draw(&Circle::new(at, radius, BLACK.stroke_width(theme.px(3.5))))
                .map_err(err)?;
            plot.draw(&Circle::new(at, radius, color.stroke_width(theme.px(2.0))))
                .map_err(err)?;
        } else {
            plot.draw(&Circle::new(at, radius, color.filled()))
                .map_err(err)?;
            plot.draw(&Circle::new(at, radius, BLACK.stroke_width(theme.px(1.0))))
                .map_err(err)?;
        }
    }
    Ok(())
}
