//! Plot layers drawn with plotters, generic over the drawing backend: the surface's axes,
//! contours and minima; the runs' trajectories; and the loss-versus-step chart.

use super::axes::{self, AxisText, Room};
use super::clip::{clip_path, clip_segment, inside};
use super::field::ContourLine;
use super::theme::{HALO, Theme};
use super::viewport::Viewport;
use crate::core::surface::View;
use crate::err;
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::ops::Range;

/// A drawing error (`error.draw.…`; the backends' own error types differ, so theirs is
/// carried as its text).
pub type DrawResult<T = ()> = Result<T, Error>;

/// A backend's drawing error `e` as an [`Error`] (`error.draw.backend`), its text as written.
pub fn draw_err<E: std::fmt::Display>(e: E) -> Error {
    err!("error.draw.backend", cause = e)
}

/// `lo..hi` as an axis range plotters can lay ticks on, or an error naming it: finite ends,
/// a finite width of at least a billionth of `max(1, |lo|, |hi|)`. plotters' tick search
/// never ends on an infinite width and gives no ticks on a vanishing one, so every axis goes
/// through this check before it reaches plotters (the pages check views as they enter, with
/// [`View::check`]; this is the floor under every caller).
pub(super) fn axis_range(lo: f64, hi: f64) -> DrawResult<Range<f64>> {
    let width = hi - lo;
    if lo.is_finite() && hi.is_finite() && width.is_finite() && width >= View::min_side(lo, hi) {
        Ok(lo..hi)
    } else {
        Err(err!("error.draw.axis", lo = lo, hi = hi))
    }
}

/// `lo..hi` as a log axis: both ends positive and their logarithms an [`axis_range`].
fn log_range(lo: f64, hi: f64) -> DrawResult<Range<f64>> {
    if lo > 0.0 && hi > 0.0 {
        axis_range(lo.log10(), hi.log10())?;
        Ok(lo..hi)
    } else {
        Err(err!("error.draw.log_axis", lo = lo, hi = hi))
    }
}

/// [`axis_range`] of a view's x and y.
pub(super) fn view_ranges(view: &View) -> DrawResult<(Range<f64>, Range<f64>)> {
    Ok((
        axis_range(view.x_min, view.x_max)?,
        axis_range(view.y_min, view.y_max)?,
    ))
}

pub(super) type SurfaceChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn surface_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
) -> DrawResult<SurfaceChart<'a, DB>> {
    Ok(plane_chart(area, view, theme, false)?.0)
}

/// The room the surface plot's axes over `view` need on `area` ([`axes::room`]): up to 7
/// labels on each, one-line titles.
fn plane_room<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
) -> DrawResult<Room> {
    let (xs, ys) = view_ranges(view)?;
    let x_ticks = |n| axes::linear_ticks(xs.start, xs.end, n, None);
    let y_ticks = |n| axes::linear_ticks(ys.start, ys.end, n, None);
    // (Only the titles' height counts: they are a letter or two, as each caller names them.)
    let x = AxisText {
        ticks: &x_ticks,
        most: 7,
        titles: &["x"],
    };
    let y = AxisText {
        ticks: &y_ticks,
        most: 7,
        titles: &["y"],
    };
    Ok(axes::room(
        area,
        &x,
        &y,
        &theme.font(0.9),
        &theme.font(1.0),
        theme,
    ))
}

/// The surface plot's chart over `view` on `area`, and the room its text takes; with
/// `square`, its plotting area is narrowed (or shortened) about its centre to the view's
/// aspect, so that a unit of x and one of y take the same number of pixels (the basin maps,
/// whose cells are square).
pub(super) fn plane_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    view: &View,
    theme: &Theme,
    square: bool,
) -> DrawResult<(SurfaceChart<'a, DB>, Room)> {
    let (xs, ys) = view_ranges(view)?;
    let mut room = plane_room(area, view, theme)?;
    if square {
        let (w, h) = area.dim_in_pixel();
        let [top, right, bottom, left] = room.margins;
        let pw = f64::from(w.saturating_sub(left + right + room.y_area).max(1));
        let ph = f64::from(h.saturating_sub(top + bottom + room.x_area).max(1));
        let aspect = (view.x_max - view.x_min) / (view.y_max - view.y_min);
        let extra = if pw > ph * aspect {
            (((pw - ph * aspect) / 2.0).floor() as u32, 0)
        } else {
            (0, ((ph - pw / aspect) / 2.0).floor() as u32)
        };
        room = room.inset(extra);
    }
    let chart = room
        .builder(area)
        .build_cartesian_2d(xs, ys)
        .map_err(draw_err)?;
    Ok((chart, room))
}

/// The surface plot on `area` of the view `base` widened to the plot's aspect
/// ([`View::fit_aspect`]), as a [`Viewport`]: the view drawn and the pixels of the plot
/// [`draw_surface_layer`] and [`draw_trajectories`] draw for that view. The axes' labels
/// take the room they need, which depends on the view, which is fitted to the room left:
/// the fitting is repeated until the two agree (a few pixels' difference at most, after
/// four rounds, is left to the aspect); the rectangle returned is always the one the layers
/// draw for the view returned.
pub fn surface_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    base: &View,
    theme: &Theme,
) -> DrawResult<Viewport> {
    let mut view = *base;
    for _ in 0..4 {
        let (cols, rows) = surface_plot_rect(area, &view, theme)?;
        let fitted = base.fit_aspect(cols.len() as f64, rows.len() as f64);
        if fitted == view {
            break;
        }
        view = fitted;
    }
    Ok(Viewport::new(surface_plot_rect(area, &view, theme)?, view))
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
    draw_plane_layer(area, view, ("x", "y"), contours, minima, theme)
}

/// [`draw_surface_layer`] with the axes named `names` (the lab's landscape is over two model
/// parameters, such as `w` and `b`).
pub fn draw_plane_layer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    names: (&str, &str),
    contours: &[ContourLine],
    minima: &[[f64; 3]],
    theme: &Theme,
) -> DrawResult {
    let (mut chart, room) = plane_chart(area, view, theme, false)?;
    draw_plane_axes(&mut chart, &room, view, names, contours, minima, theme)
}

/// The surface plot's axes (named `names`), `contours` and `minima` (✕ in black and white)
/// on a chart already built over `view`: [`draw_plane_layer`]'s drawing, shared with the
/// basin maps ([`super::basin::draw_basin_map`]).
pub(super) fn draw_plane_axes<DB: DrawingBackend>(
    chart: &mut SurfaceChart<'_, DB>,
    room: &Room,
    view: &View,
    names: (&str, &str),
    contours: &[ContourLine],
    minima: &[[f64; 3]],
    theme: &Theme,
) -> DrawResult {
    let along = |lo: f64, hi: f64| move |v: f64| (v - lo) / (hi - lo);
    let x_words = axes::words(&room.x_ticks, along(view.x_min, view.x_max));
    let y_words = axes::words(&room.y_ticks, along(view.y_min, view.y_max));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(room.x_hint)
        .y_labels(room.y_hint)
        .x_label_formatter(&x_words)
        .y_label_formatter(&y_words)
        .set_all_tick_mark_size(room.tick)
        .x_desc(names.0)
        .y_desc(names.1)
        .axis_style(theme.axis())
        .label_style(theme.font(0.9))
        .axis_desc_style(theme.font(1.0))
        .draw()
        .map_err(draw_err)?;
    let line = RGBAColor(255, 255, 255, 0.35).stroke_width(theme.px(1.0));
    for contour in contours {
        for path in &contour.paths {
            chart
                .draw_series(std::iter::once(PathElement::new(path.clone(), line)))
                .map_err(draw_err)?;
        }
    }
    let size = theme.px(7.0) as i32;
    for m in minima.iter().filter(|m| inside([m[0], m[1]], view)) {
        let p = (m[0], m[1]);
        chart
            .draw_series([
                Cross::new(p, size, BLACK.stroke_width(theme.px(4.0))),
                Cross::new(p, size, WHITE.stroke_width(theme.px(2.0))),
            ])
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The points of a polyline worth drawing at `scale` pixels per unit (x, y): each kept point
/// is at least `min_px` pixels from the previous kept one; the first and last are always kept.
/// A converged run piles thousands of points into one pixel; drawing them costs time and
/// changes nothing on screen.
pub fn decimate<P: Copy + Into<(f64, f64)>>(
    points: &[P],
    scale: (f64, f64),
    min_px: f64,
) -> Vec<P> {
    let mut out: Vec<P> = Vec::with_capacity(points.len().min(4096));
    for (i, &p) in points.iter().enumerate() {
        let keep = match out.last() {
            None => true,
            Some(&q) => {
                let ((px, py), (qx, qy)): ((f64, f64), (f64, f64)) = (p.into(), q.into());
                i + 1 == points.len()
                    || ((px - qx) * scale.0).abs() >= min_px
                    || ((py - qy) * scale.1).abs() >= min_px
                    || !(px.is_finite() && py.is_finite())
            }
        };
        if keep {
            out.push(p);
        }
    }
    out
}

/// The pieces of a polyline that draw something new at `scale` pixels per unit: a segment
/// whose two ends lie in the same two cells of `cell_px` pixels as a segment kept before (in
/// either direction) is left out, and the line is broken there. A run that settles into a cycle
/// (Lion's steps of a fixed size about a minimum, momentum circling it) goes over the same few
/// segments thousands of times; stroking them again changes no pixel but costs the browser's
/// rasterizer more than everything else in the frame. Pieces of a single point are dropped.
pub fn unique_segments(points: &[[f64; 2]], scale: (f64, f64), cell_px: f64) -> Vec<Vec<[f64; 2]>> {
    let cell = |p: [f64; 2]| {
        (
            (p[0] * scale.0 / cell_px).floor() as i64,
            (p[1] * scale.1 / cell_px).floor() as i64,
        )
    };
    let mut seen = rustc_hash::FxHashSet::default();
    let mut pieces = Vec::new();
    let mut piece: Vec<[f64; 2]> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (cell(w[0]), cell(w[1]));
        if seen.insert((a.min(b), a.max(b))) {
            if piece.is_empty() {
                piece.push(w[0]);
            }
            piece.push(w[1]);
        } else if !piece.is_empty() {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if piece.len() >= 2 {
        pieces.push(piece);
    }
    if pieces.is_empty() && !points.is_empty() {
        pieces.push(vec![points[0]]);
    }
    pieces
}

/// The steps of a series worth drawing as a line at `px_per_step` pixels per step, in order:
/// in every pixel column, the first, the lowest, the highest and the last finite value (a
/// line through them draws the column as one through every value would). Non-finite values
/// are left out. At 20,000 steps on a chart a few hundred pixels wide this keeps about one
/// step in eight, before any value is mapped to the axis (a logarithm each).
pub fn column_extremes(values: &[f64], px_per_step: f64) -> Vec<usize> {
    let mut out = Vec::new();
    // The current column and its first, lowest, highest and last steps.
    let mut at: Option<(f64, [usize; 4])> = None;
    let flush = |out: &mut Vec<usize>, mut ks: [usize; 4]| {
        ks.sort_unstable();
        for k in ks {
            if out.last() != Some(&k) {
                out.push(k);
            }
        }
    };
    for (k, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let column = (k as f64 * px_per_step).floor();
        match &mut at {
            Some((c, ks)) if *c == column => {
                if v < values[ks[1]] {
                    ks[1] = k;
                }
                if v > values[ks[2]] {
                    ks[2] = k;
                }
                ks[3] = k;
            }
            _ => {
                if let Some((_, ks)) = at {
                    flush(&mut out, ks);
                }
                at = Some((column, [k; 4]));
            }
        }
    }
    if let Some((_, ks)) = at {
        flush(&mut out, ks);
    }
    out
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
    /// The teaching overlay at the head, when shown.
    pub arrows: Option<StepArrows>,
}

/// The teaching overlay for one run at its current point, in world units and to scale: where
/// plain gradient descent would step (`−η g`) and where the optimizer actually stepped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepArrows {
    /// `−η g`: the learning rate times the gradient the optimizer received, negated.
    pub gradient_step: [f64; 2],
    /// `θₖ₊₁ − θₖ`: the update the optimizer made.
    pub update: [f64; 2],
    /// For momentum methods, the velocity's share of the update (`update − gradient_step`:
    /// `−ημb` in torch's form, `−μv` in the textbook's), drawn from the gradient step's tip to
    /// the update's, so the three arrows close a triangle.
    pub carry: bool,
    /// For adaptive methods, the gradient step scaled coordinate by coordinate, `−(η/dᵢ) gᵢ`
    /// ([`crate::core::explain::Scaling::scaled`]). Each coordinate is drawn as a bar along
    /// its axis from the head: the scaled component thick in the run's colour, the plain
    /// component `−η gᵢ` thin and white over it with a tick at its end, so the two bars'
    /// lengths compare the rate `η/dᵢ` the optimizer gave that coordinate with η.
    pub scaled: Option<[f64; 2]>,
}

/// Draws a bar from `from` by `delta` (world units, along one axis), clipped to the view, with
/// a tick across its end `tick` device pixels long when `tick > 0` and the end is in view.
#[allow(clippy::too_many_arguments)]
fn bar<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    view: &View,
    from: (f64, f64),
    delta: [f64; 2],
    scale: (f64, f64),
    style: ShapeStyle,
    tick: i32,
) -> DrawResult {
    let to = (from.0 + delta[0], from.1 + delta[1]);
    let len = (delta[0] * scale.0).hypot(delta[1] * scale.1);
    if !(len.is_finite() && len >= 1.0) {
        return Ok(());
    }
    let Some((a, b)) = clip_segment([from.0, from.1], [to.0, to.1], view) else {
        return Ok(());
    };
    plot.draw(&PathElement::new(vec![(a[0], a[1]), (b[0], b[1])], style))
        .map_err(draw_err)?;
    if tick > 0 && inside([to.0, to.1], view) {
        // Across the bar: vertical for a bar along x, horizontal for one along y.
        let across = if delta[0] != 0.0 {
            [(0, -tick), (0, tick)]
        } else {
            [(-tick, 0), (tick, 0)]
        };
        plot.draw(&(EmptyElement::at(to) + PathElement::new(across.to_vec(), style)))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Draws an arrow from `from` by `delta` (world units) with a head `head` device pixels long,
/// converting directions to pixels with `scale` (pixels per unit in x and y; y grows down).
fn arrow<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    view: &View,
    from: (f64, f64),
    delta: [f64; 2],
    scale: (f64, f64),
    style: ShapeStyle,
    head: f64,
) -> DrawResult {
    let to = (from.0 + delta[0], from.1 + delta[1]);
    let (dx, dy) = (delta[0] * scale.0, -delta[1] * scale.1);
    let len = dx.hypot(dy);
    if !(len.is_finite() && len >= 1.0) {
        return Ok(());
    }
    let Some((a, b)) = clip_segment([from.0, from.1], [to.0, to.1], view) else {
        return Ok(());
    };
    plot.draw(&PathElement::new(vec![(a[0], a[1]), (b[0], b[1])], style))
        .map_err(draw_err)?;
    if !inside([to.0, to.1], view) {
        return Ok(());
    }
    let (ux, uy) = (dx / len, dy / len);
    let h = head.min(len * 0.6);
    let corner = |side: f64| {
        (
            (-ux * h - uy * h * 0.5 * side).round() as i32,
            (-uy * h + ux * h * 0.5 * side).round() as i32,
        )
    };
    let tip = EmptyElement::at(to)
        + Polygon::new(
            vec![(0, 0), corner(1.0), corner(-1.0)],
            style.color.filled(),
        );
    plot.draw(&tip).map_err(draw_err)
}

/// Draws each run's trail with a marker at its head and the shared start point, over a
/// transparent layer whose chart layout matches [`draw_surface_layer`]'s. (The legend is the
/// page's: plotters' legend measures every label's text on every frame, which costs more than
/// all the trails together.) A trail lying under later ones ([`covered_by`]) is drawn wider,
/// one step per trail on top of it; returns [`covered_by`] of the trails as drawn (each
/// clipped to the view), for the page to say which runs coincide.
pub fn draw_trajectories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    start: [f64; 2],
    runs: &[TrajectorySeries<'_>],
    theme: &Theme,
) -> DrawResult<Vec<Option<usize>>> {
    let chart = surface_chart(area, view, theme)?;
    let plot = chart.plotting_area().clone();
    if inside(start, view) {
        let p = (start[0], start[1]);
        plot.draw(&Circle::new(
            p,
            theme.px(6.0),
            BLACK.stroke_width(theme.px(3.0)),
        ))
        .map_err(draw_err)?;
        plot.draw(&Circle::new(
            p,
            theme.px(6.0),
            WHITE.stroke_width(theme.px(1.5)),
        ))
        .map_err(draw_err)?;
    }
    let (cols, rows) = plot.get_pixel_range();
    let scale = (
        f64::from(cols.end - cols.start) / (view.x_max - view.x_min),
        f64::from(rows.end - rows.start) / (view.y_max - view.y_min),
    );
    // A path lying under later ones is drawn wider, one step per path on top of it, so that
    // it shows as a band around them instead of vanishing.
    // Thinned to what shows (a settled run piles thousands of points into one pixel) before
    // anything else looks at the paths: 20,000 steps a run cost a frame otherwise.
    let clipped: Vec<Vec<Vec<[f64; 2]>>> = runs
        .iter()
        .map(|r| clip_path(&decimate(r.points, scale, 0.75), view))
        .collect();
    let visible: Vec<Vec<[f64; 2]>> = clipped.iter().map(|parts| parts.concat()).collect();
    let refs: Vec<&[[f64; 2]]> = visible.iter().map(Vec::as_slice).collect();
    let cover = covered_by(&refs, scale, theme.dpr);
    let depth = |i: usize| {
        let mut d = 0;
        let mut at = i;
        while let Some(j) = cover[at] {
            d += 1;
            at = j;
        }
        d as f64
    };
    for (i, run) in runs.iter().enumerate() {
        let Some(&last) = run.points.last() else {
            continue;
        };
        let head = (last[0], last[1]);
        let color = run.color;
        let width = 2.0 + 3.0 * depth(i);
        // Cut at the view's edge first: plotters would pin outside points to the edge.
        let pieces = clipped[i]
            .iter()
            .flat_map(|part| unique_segments(part, scale, 1.0));
        for piece in pieces {
            let pts: Vec<(f64, f64)> = piece.iter().map(|&p| p.into()).collect();
            plot.draw(&PathElement::new(
                pts.clone(),
                HALO.stroke_width(theme.px(width + 2.0)),
            ))
            .map_err(draw_err)?;
            plot.draw(&PathElement::new(pts, color.stroke_width(theme.px(width))))
                .map_err(draw_err)?;
        }
        if !inside(last, view) {
            continue;
        }
        if run.diverged {
            plot.draw(&Cross::new(
                head,
                theme.px(8.0) as i32,
                color.stroke_width(theme.px(3.0)),
            ))
            .map_err(draw_err)?;
        } else {
            plot.draw(&Circle::new(head, theme.px(5.0), color.filled()))
                .map_err(draw_err)?;
            plot.draw(&Circle::new(
                head,
                theme.px(5.0),
                BLACK.stroke_width(theme.px(1.0)),
            ))
            .map_err(draw_err)?;
        }
        if let Some(a) = run.arrows {
            let head_px = theme.px(9.0).into();
            let halo = theme.halo(5.0);
            if let Some(q) = a.scaled {
                // Per coordinate, under the arrows: the scaled component, then the plain one
                // over it, both along the axis through the head.
                let tick = theme.px(4.0) as i32;
                for (axis, &qi) in q.iter().enumerate() {
                    let along = |v: f64| if axis == 0 { [v, 0.0] } else { [0.0, v] };
                    bar(&plot, view, head, along(qi), scale, theme.halo(9.0), 0)?;
                    let thick = color.stroke_width(theme.px(6.0));
                    bar(&plot, view, head, along(qi), scale, thick, 0)?;
                    let g = along(a.gradient_step[axis]);
                    bar(&plot, view, head, g, scale, theme.halo(3.0), tick)?;
                    let thin = WHITE.stroke_width(theme.px(1.5));
                    bar(&plot, view, head, g, scale, thin, tick)?;
                }
            }
            arrow(&plot, view, head, a.update, scale, halo, head_px)?;
            arrow(
                &plot,
                view,
                head,
                a.gradient_step,
                scale,
                WHITE.stroke_width(theme.px(1.5)),
                head_px,
            )?;
            arrow(
                &plot,
                view,
                head,
                a.update,
                scale,
                color.stroke_width(theme.px(3.0)),
                head_px,
            )?;
            if a.carry {
                // Drawn over the update, which it often nearly parallels.
                let tip = (head.0 + a.gradient_step[0], head.1 + a.gradient_step[1]);
                let carry = [
                    a.update[0] - a.gradient_step[0],
                    a.update[1] - a.gradient_step[1],
                ];
                let style = RGBColor(255, 214, 10).stroke_width(theme.px(1.5));
                arrow(&plot, view, tip, carry, scale, style, head_px)?;
            }
        }
    }
    Ok(cover)
}

/// How close (CSS pixels) a path must stay to another for [`covered_by`] to call it covered.
pub const COVER_PX: f64 = 3.0;

/// For each path, the first path after it (in drawing order, so drawn on top of it) that
/// covers it: at least 90% of the places it visits (its points and points every
/// [`COVER_PX`] along its segments, each [`COVER_PX`] grid cell counted once) lie within a
/// cell of the other's, on a plot of
/// `scale` pixels per unit. `None` when no later path covers it, or it has fewer than two
/// points. What the page says ("run 1's path lies under run 3's") and why the covered path is
/// drawn wider ([`draw_trajectories`]), so that it shows as a band around the one on top.
pub fn covered_by(paths: &[&[[f64; 2]]], scale: (f64, f64), dpr: f64) -> Vec<Option<usize>> {
    let cell = COVER_PX * dpr.max(0.1);
    // A path's pixel cells, sampled along every segment at about a cell's spacing.
    let cells = |path: &[[f64; 2]]| -> Vec<(i64, i64)> {
        let px = |p: [f64; 2]| (p[0] * scale.0 / cell, -p[1] * scale.1 / cell);
        let mut out = Vec::new();
        for w in path.windows(2) {
            let (a, b) = (px(w[0]), px(w[1]));
            let n = ((b.0 - a.0).hypot(b.1 - a.1).ceil() as usize).clamp(1, 10_000);
            for k in 0..n {
                let t = k as f64 / n as f64;
                let (x, y) = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                // Consecutive samples in one cell (a run settled at its minimum) count once
                // here already: the set would drop them anyway, after hashing each.
                let c = (x.floor() as i64, y.floor() as i64);
                if x.is_finite() && y.is_finite() && out.last() != Some(&c) {
                    out.push(c);
                }
            }
        }
        if let Some(&last) = path.last() {
            let (x, y) = px(last);
            if x.is_finite() && y.is_finite() {
                out.push((x.floor() as i64, y.floor() as i64));
            }
        }
        out
    };
    // Distinct cells, sorted: a path that goes back and forth (momentum circling the
    // minimum) counts each place once.
    let sampled: Vec<Vec<(i64, i64)>> = paths
        .iter()
        .map(|p| {
            let mut cs = cells(p);
            cs.sort_unstable();
            cs.dedup();
            cs
        })
        .collect();
    // Whether a cell of `theirs` lies within a cell of `c` (its own or a neighbour).
    let near = |theirs: &[(i64, i64)], (x, y): (i64, i64)| {
        (-1..=1).any(|dx| {
            // The neighbours in one column are adjacent in the sorted cells.
            let from = theirs.partition_point(|&c| c < (x + dx, y - 1));
            theirs.get(from).is_some_and(|&c| c <= (x + dx, y + 1))
        })
    };
    (0..paths.len())
        .map(|i| {
            let mine = &sampled[i];
            if paths[i].len() < 2 || mine.is_empty() {
                return None;
            }
            (i + 1..paths.len()).find(|&j| {
                let hits = mine.iter().filter(|&&c| near(&sampled[j], c)).count();
                hits * 10 >= mine.len() * 9
            })
        })
        .collect()
}

/// One run's history of a per-step quantity (loss, gradient norm, distance to a minimum).
#[derive(Clone, Copy, Debug)]
pub struct MetricSeries<'a> {
    /// Legend text.
    pub label: &'a str,
    /// Line colour.
    pub color: RGBColor,
    /// `values[k]` after `k` steps, up to the current step.
    pub values: &'a [f64],
    /// How the line is drawn.
    pub line: Line,
    /// A step marked on the line with a ring (the lab's early-stopping point), if any.
    pub mark: Option<usize>,
    /// The step at which the whole run diverged, if it did (its last finite value is at the
    /// step before): such a run does not set the y axis while another run stays finite
    /// ([`MetricSeries::runs_away`]), is drawn up to the axis's edge, and its end is marked
    /// with a cross once shown.
    pub diverged_at: Option<usize>,
}

impl MetricSeries<'_> {
    /// Whether this run runs away: it diverged, or some value is more than 1000 times its
    /// first in size (the learning-rate sweep's rule for a rate that blew up). While other
    /// runs do not, the y axis follows them and this one leaves through the edge.
    pub fn runs_away(&self) -> bool {
        let first = self.values.first().map_or(0.0, |v| v.abs()).max(LOG_FLOOR);
        self.diverged_at.is_some() || self.values.iter().any(|v| v.abs() > 1e3 * first)
    }
}

/// How a chart line is drawn: several quantities of one run share its colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Line {
    /// A solid line: the run's main quantity (the full loss).
    #[default]
    Solid,
    /// A thin translucent line: a noisy quantity drawn behind (the mini-batch loss). It does
    /// not set the y axis while any other line is drawn, and what falls outside the axis is
    /// left out (a single sample's loss may reach 1e-8 while the full loss stays near 1).
    Faint,
    /// A dashed line: a second quantity (the validation loss).
    Dashed,
}

/// The smallest value the log-scaled chart shows; lower values (an exact 0) sit on this floor.
pub const LOG_FLOOR: f64 = 1e-12;

/// How the chart's y axis maps a value: `log10` when no value shown is negative (an exact 0,
/// which Newton's method reaches, sits on the floor [`LOG_FLOOR`]), the value itself
/// otherwise (the loss on surfaces such as the saddle goes below zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricAxis {
    /// `log10(max(value, LOG_FLOOR))`, labelled as powers of ten.
    Log,
    /// The value itself.
    Linear,
}

impl MetricAxis {
    /// The axis for these runs: log unless some finite value is negative.
    pub fn for_runs(runs: &[MetricSeries<'_>]) -> MetricAxis {
        let any_negative = runs
            .iter()
            .flat_map(|r| r.values.iter())
            .any(|l| l.is_finite() && *l < 0.0);
        if any_negative {
            MetricAxis::Linear
        } else {
            MetricAxis::Log
        }
    }

    /// Where a value sits on the axis; on the linear axis, values beyond ±1e300 sit at ±1e300,
    /// so that the axis's width and padding stay finite (1e308 − (−1e308) is not).
    pub fn position(self, value: f64) -> f64 {
        match self {
            MetricAxis::Log => value.max(LOG_FLOOR).log10(),
            MetricAxis::Linear => value.clamp(-1e300, 1e300),
        }
    }
}

/// Draws a quantity named `name` against step for every run, x from 0 to `max_steps`, with a
/// vertical cursor at step `cursor`; the y axis is logarithmic when every value is positive
/// (see [`MetricAxis`]).
pub fn draw_metric<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[MetricSeries<'_>],
    name: &str,
    max_steps: usize,
    cursor: usize,
    theme: &Theme,
) -> DrawResult {
    let axis = MetricAxis::for_runs(runs);
    // The range of the runs that do not run away ([`MetricSeries::runs_away`]), when some
    // do not: one run shooting off to 1e200 must not flatten the others.
    // (An axis position rises with the value, so the values' extremes give the positions'
    // extremes: two logarithms, not one per value.)
    let range = |runs: &mut dyn Iterator<Item = &MetricSeries<'_>>| {
        let (lo, hi) = runs
            .flat_map(|r| r.values.iter())
            .filter(|l| l.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if lo.is_finite() {
            (axis.position(lo), axis.position(hi))
        } else {
            (lo, hi)
        }
    };
    // Faint lines follow the axis the others set, when there are others.
    let sets_axis =
        |r: &&MetricSeries<'_>| r.line != Line::Faint || runs.iter().all(|r| r.line == Line::Faint);
    let (lo, hi) = match range(&mut runs.iter().filter(sets_axis).filter(|r| !r.runs_away())) {
        (lo, hi) if lo.is_finite() => (lo, hi),
        _ => range(&mut runs.iter().filter(sets_axis)),
    };
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        let pad = ((hi - lo) * 0.05).max(match axis {
            MetricAxis::Log => 0.3,
            MetricAxis::Linear => 1e-9_f64.max(hi.abs() * 1e-3),
        });
        (lo - pad, hi + pad)
    } else {
        (-3.0, 3.0)
    };
    let last = max_steps.max(1) as f64;
    let ys = axis_range(lo, hi)?;
    let decades = match axis {
        MetricAxis::Log => decade_labels(lo, hi, &|t| format!("{:.0e}", 10f64.powf(t))),
        MetricAxis::Linear => Vec::new(),
    };
    // Steps are whole: a short run's fractional ticks go unlabelled.
    let x_ticks = |n| {
        let mut ticks = axes::linear_ticks(0.0, last, n, None);
        ticks.retain(|t| (t.0 * last).fract().abs() < 1e-9);
        ticks
    };
    let y_ticks = |n| match axis {
        MetricAxis::Log => axes::thin(&decades, n),
        MetricAxis::Linear => axes::linear_ticks(lo, hi, n, None),
    };
    let log_titles = [
        theme.log_title(name, false),
        theme.log_title(name, true),
        name.to_owned(),
    ];
    let titles: Vec<&str> = match axis {
        MetricAxis::Log => log_titles.iter().map(String::as_str).collect(),
        MetricAxis::Linear => vec![name],
    };
    let room = axes::room(
        area,
        &AxisText {
            ticks: &x_ticks,
            most: 6,
            titles: &[theme.word("step")],
        },
        &AxisText {
            ticks: &y_ticks,
            most: if axis == MetricAxis::Log {
                decades.len().max(1)
            } else {
                6
            },
            titles: &titles,
        },
        &theme.font(0.85),
        &theme.font(0.95),
        theme,
    );
    let mut chart = room
        .builder(area)
        .build_cartesian_2d(0.0..last, ys)
        .map_err(draw_err)?;
    let x_words = axes::words(&room.x_ticks, |v| v / last);
    let y_words = axes::words(&room.y_ticks, |v| (v - lo) / (hi - lo));
    chart
        .configure_mesh()
        .x_desc(room.x_title.as_str())
        .y_desc(room.y_title.as_str())
        .x_labels(room.x_hint)
        // A log axis gets its ticks at round values below (log_y_ticks): plotters would put
        // them at round logarithms and print 3e0 twice.
        .y_labels(if axis == MetricAxis::Log {
            0
        } else {
            room.y_hint
        })
        .x_label_formatter(&x_words)
        .y_label_formatter(&y_words)
        .set_all_tick_mark_size(room.tick)
        .axis_style(theme.axis())
        .bold_line_style(RGBAColor(255, 255, 255, 0.10).stroke_width(theme.px(1.0)))
        .light_line_style(TRANSPARENT)
        .label_style(theme.font(0.85))
        .axis_desc_style(theme.font(0.95))
        .draw()
        .map_err(draw_err)?;
    if axis == MetricAxis::Log {
        let (cols, rows) = chart.plotting_area().get_pixel_range();
        log_y_ticks(area, (&cols, &rows), &room.y_ticks, room.tick, theme)?;
    }
    let x = cursor.min(max_steps) as f64;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x, lo), (x, hi)],
            RGBAColor(255, 255, 255, 0.5).stroke_width(theme.px(1.0)),
        )))
        .map_err(draw_err)?;
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    let scale = (
        f64::from(cols.end - cols.start) / max_steps.max(1) as f64,
        f64::from(rows.end - rows.start) / (hi - lo),
    );
    for run in runs {
        let color = run.color;
        let kept = column_extremes(run.values, scale.0);
        let all: Vec<(f64, f64)> = kept
            .iter()
            // Up to the edge: a diverging run leaves through the top (or bottom) of the axis.
            .map(|&k| (k as f64, axis.position(run.values[k]).clamp(lo, hi)))
            .collect();
        let points = decimate(&all, scale, 0.75);
        match run.line {
            Line::Solid => chart
                .draw_series(LineSeries::new(points, color.stroke_width(theme.px(2.0))))
                .map(|_| ()),
            Line::Faint => {
                // The parts within the axis, each drawn on its own.
                let mut within: Vec<(f64, f64)> = Vec::new();
                let mut parts = Vec::new();
                for &k in &kept {
                    let y = axis.position(run.values[k]);
                    if (lo..=hi).contains(&y) {
                        within.push((k as f64, y));
                    } else if !within.is_empty() {
                        parts.push(std::mem::take(&mut within));
                    }
                }
                parts.push(within);
                let style = color.mix(0.45).stroke_width(theme.px(1.0));
                parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .try_for_each(|p| {
                        chart
                            .draw_series(LineSeries::new(decimate(&p, scale, 0.75), style))
                            .map(|_| ())
                    })
            }
            Line::Dashed => chart
                .draw_series(DashedLineSeries::new(
                    points,
                    theme.px(6.0),
                    theme.px(4.0),
                    color.stroke_width(theme.px(2.0)),
                ))
                .map(|_| ()),
        }
        .map_err(draw_err)?;
        if let Some(d) = run.diverged_at
            && run.values.len() >= d
            && let Some(&end) = all.last()
        {
            chart
                .draw_series([
                    Cross::new(end, theme.px(7.0) as i32, BLACK.stroke_width(theme.px(4.0))),
                    Cross::new(end, theme.px(7.0) as i32, color.stroke_width(theme.px(2.0))),
                ])
                .map_err(draw_err)?;
        }
        if let Some(l) = run.mark.and_then(|k| run.values.get(k).map(|&l| (k, l)))
            && l.1.is_finite()
        {
            let p = (l.0 as f64, axis.position(l.1));
            chart
                .draw_series([
                    Circle::new(p, theme.px(6.0), BLACK.stroke_width(theme.px(3.5))),
                    Circle::new(p, theme.px(6.0), color.stroke_width(theme.px(2.0))),
                ])
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Marks point `p` with a white ring, on the trajectory layer's chart layout (a step picked in
/// one of several panels, shown in all).
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    p: [f64; 2],
    theme: &Theme,
) -> DrawResult {
    if !inside(p, view) {
        return Ok(());
    }
    let chart = surface_chart(area, view, theme)?;
    let plot = chart.plotting_area();
    plot.draw(&Circle::new(
        (p[0], p[1]),
        theme.px(7.0),
        BLACK.stroke_width(theme.px(4.0)),
    ))
    .map_err(draw_err)?;
    plot.draw(&Circle::new(
        (p[0], p[1]),
        theme.px(7.0),
        WHITE.stroke_width(theme.px(2.0)),
    ))
    .map_err(draw_err)
}

/// Draws a quadratic's eigenvectors through its minimum `center`: one line per eigenvector
/// across the whole view, labelled with its eigenvalue, over the transparent trajectory layer
/// (the same chart layout as [`draw_surface_layer`]).
pub fn draw_eigenvectors<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    center: [f64; 2],
    eigen: [([f64; 2], f64); 2],
    theme: &Theme,
) -> DrawResult {
    let chart = surface_chart(area, view, theme)?;
    let plot = chart.plotting_area();
    let reach = (view.x_max - view.x_min).hypot(view.y_max - view.y_min);
    let colors = [RGBColor(255, 214, 10), RGBColor(255, 120, 200)];
    for (i, (v, lambda)) in eigen.into_iter().enumerate() {
        let a = [center[0] - v[0] * reach, center[1] - v[1] * reach];
        let b = [center[0] + v[0] * reach, center[1] + v[1] * reach];
        let Some((a, b)) = clip_segment(a, b, view) else {
            continue;
        };
        let style = colors[i].stroke_width(theme.px(1.5));
        plot.draw(&PathElement::new(vec![(a[0], a[1]), (b[0], b[1])], style))
            .map_err(draw_err)?;
        // The label sits an eighth of the view's diagonal from the minimum.
        let at = (
            center[0] + v[0] * reach * 0.12,
            center[1] + v[1] * reach * 0.12,
        );
        let name = if i == 0 { "λmin" } else { "λmax" };
        plot.draw(&Text::new(
            format!("{name} = {lambda:.3}"),
            at,
            theme.font(0.9).color(&colors[i]),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// The chart of heavy-ball momentum's convergence rate over learning rate (log x axis,
/// `lrs`) and momentum (y axis, `momenta`), with marks at the given `(lr, μ)` settings, each
/// in its colour, and `best` marked with a cross. The plotting area is left unpainted for the
/// caller's rate image; returns its pixel rectangle.
pub fn draw_rate_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lrs: (f64, f64),
    momenta: (f64, f64),
    marks: &[(f64, f64, RGBColor)],
    best: (f64, f64),
    theme: &Theme,
    blit: impl FnOnce(Range<i32>, Range<i32>) -> DrawResult,
) -> DrawResult {
    let xs = log_range(lrs.0, lrs.1)?;
    let ys = axis_range(momenta.0, momenta.1)?;
    let rate = |v: f64| format!("{v:.0e}");
    let x_ticks = |n| axes::log_ticks(lrs.0, lrs.1, n, &rate);
    let y_ticks = |n| axes::linear_ticks(momenta.0, momenta.1, n, None);
    let room = axes::room(
        area,
        &AxisText {
            ticks: &x_ticks,
            most: 5,
            titles: &[
                theme.word("learning rate η (log scale)"),
                theme.word("learning rate η (log)"),
                theme.word("learning rate η"),
            ],
        },
        &AxisText {
            ticks: &y_ticks,
            most: 5,
            titles: &[theme.word("momentum μ"), "μ"],
        },
        &theme.font(0.85),
        &theme.font(0.9),
        theme,
    );
    let mut chart = room
        .builder(area)
        .build_cartesian_2d(xs.log_scale(), ys)
        .map_err(draw_err)?;
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    blit(cols, rows)?;
    let (l0, l1) = (lrs.0.log10(), lrs.1.log10());
    let x_words = axes::words(&room.x_ticks, |v| (v.log10() - l0) / (l1 - l0));
    let y_words = axes::words(&room.y_ticks, |v| (v - momenta.0) / (momenta.1 - momenta.0));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(room.x_title.as_str())
        .y_desc(room.y_title.as_str())
        .x_labels(room.x_hint)
        .y_labels(room.y_hint)
        .x_label_formatter(&x_words)
        .y_label_formatter(&y_words)
        .set_all_tick_mark_size(room.tick)
        .axis_style(theme.axis())
        .label_style(theme.font(0.85))
        .axis_desc_style(theme.font(0.9))
        .draw()
        .map_err(draw_err)?;
    let plot = chart.plotting_area();
    let size = theme.px(7.0) as i32;
    plot.draw(&Cross::new(best, size, BLACK.stroke_width(theme.px(4.0))))
        .map_err(draw_err)?;
    plot.draw(&Cross::new(best, size, WHITE.stroke_width(theme.px(2.0))))
        .map_err(draw_err)?;
    for &(lr, mu, color) in marks {
        if lr > lrs.0 && lr < lrs.1 && mu >= momenta.0 && mu <= momenta.1 {
            plot.draw(&Circle::new((lr, mu), theme.px(6.0), color.filled()))
                .map_err(draw_err)?;
            plot.draw(&Circle::new(
                (lr, mu),
                theme.px(6.0),
                BLACK.stroke_width(theme.px(1.5)),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// One run's learning-rate sweep for [`draw_sweep`]: `(lr, value)` per rate, the value on the
/// chart's [`SweepAxis`], `None` for the rates at which the run diverged (or, for steps, never
/// reached the tolerance).
#[derive(Clone, Debug)]
pub struct SweepSeries<'a> {
    /// Line colour.
    pub color: RGBColor,
    /// The rates and each one's value.
    pub points: &'a [(f64, Option<f64>)],
    /// The run's current rate, marked on its line.
    pub current: f64,
}

/// Where a sweep chart was drawn: the plotting area's pixels and its axis ranges.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepFrame {
    /// Pixel columns of the plotting area.
    pub cols: Range<i32>,
    /// Pixel rows of the plotting area.
    pub rows: Range<i32>,
    /// The learning-rate range of the x axis.
    pub lrs: (f64, f64),
    /// The `log10(loss)` range of the y axis.
    pub log_loss: (f64, f64),
}

/// Tick positions for an axis of `log10` values from `lo` to `hi`: round values of the
/// quantity itself. Whole decades (1, 10, 100, 1000), every second or fifth one when there
/// are many, at most 8; when the axis holds fewer than three whole decades, also 2 and 5 times
/// a power of ten; within less than a decade, every whole mantissa (2, 3, 4).
pub fn decade_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Vec::new();
    }
    let (first, last) = (lo.ceil() as i64, hi.floor() as i64);
    let decades = (last - first + 1).max(0);
    if decades >= 3 {
        let every = [1, 2, 5, 10, 20, 50]
            .into_iter()
            .find(|&e| decades / e <= 8)
            .unwrap_or(100);
        return (first..=last)
            .filter(|k| k.rem_euclid(every) == 0)
            .map(|k| k as f64)
            .collect();
    }
    let within = |mantissas: &[f64]| -> Vec<f64> {
        (lo.floor() as i64..=last)
            .flat_map(|k| mantissas.iter().map(move |m| k as f64 + m.log10()))
            .filter(|t| (lo..=hi).contains(t))
            .collect()
    };
    let ticks = within(&[1.0, 2.0, 5.0]);
    if ticks.len() >= 2 {
        return ticks;
    }
    // Less than a decade: every whole mantissa.
    within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
}

/// The labels of a log axis of `log10` values from `lo` to `hi` at [`decade_ticks`], each
/// `label(t)`, with its place along the axis.
fn decade_labels(lo: f64, hi: f64, label: &dyn Fn(f64) -> String) -> Vec<(f64, String)> {
    decade_ticks(lo, hi)
        .into_iter()
        .map(|t| ((t - lo) / (hi - lo), label(t)))
        .collect()
}

/// Draws a log axis's y ticks, `ticks` (each one's place along the axis and its label, as
/// [`axes::room`] chose them), on `area`, whose plotting area covers pixels `cols × rows`: a
/// faint line across the plot at each, and the label right-aligned `2 × tick` pixels left of
/// the plotting area, where plotters puts its own.
fn log_y_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (cols, rows): (&Range<i32>, &Range<i32>),
    ticks: &[(f64, String)],
    tick: u32,
    theme: &Theme,
) -> DrawResult {
    let style = theme.font(0.85).pos(text_anchor::Pos::new(
        text_anchor::HPos::Right,
        text_anchor::VPos::Center,
    ));
    // The ranges are the backend's pixels; the area draws from its own top-left corner (a
    // chart beside a plot in one figure does not start at 0).
    let (ox, oy) = area.get_base_pixel();
    let cols = (cols.start - ox)..(cols.end - ox);
    for (at, label) in ticks {
        let y = f64::from(rows.end - oy) - at * f64::from(rows.end - rows.start);
        let y = y.round() as i32;
        area.draw(&PathElement::new(
            vec![(cols.start, y), (cols.end, y)],
            RGBAColor(255, 255, 255, 0.10).stroke_width(theme.px(1.0)),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            label.clone(),
            (cols.start - 2 * tick as i32, y),
            style.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// The lowest loss a sweep chart shows: far below [`LOG_FLOOR`], because a good learning rate
/// drives a quadratic's loss to 1e-70 and the sweep is about telling such rates apart.
const SWEEP_FLOOR: f64 = 1e-30;

impl SweepFrame {
    /// `log10` of where a loss sits on the y axis, or `None` when it is off the top (a loss
    /// that grew far above the start: drawn as a cross along the top, like a divergence).
    pub fn position(&self, loss: f64) -> Option<f64> {
        let y = loss.max(SWEEP_FLOOR).log10();
        (loss.is_finite() && y <= self.log_loss.1).then_some(y)
    }

    /// The pixel at which `(lr, loss)` is drawn.
    pub fn pixel(&self, lr: f64, loss: f64) -> (f64, f64) {
        let fx = (lr.log10() - self.lrs.0.log10()) / (self.lrs.1.log10() - self.lrs.0.log10());
        let fy =
            (loss.max(SWEEP_FLOOR).log10() - self.log_loss.0) / (self.log_loss.1 - self.log_loss.0);
        (
            f64::from(self.cols.start) + fx * f64::from(self.cols.end - self.cols.start),
            f64::from(self.rows.end) - fy * f64::from(self.rows.end - self.rows.start),
        )
    }
}

/// What a sweep chart's y axis shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SweepAxis {
    /// The loss after the last step.
    FinalLoss,
    /// The steps needed to reach the tolerance, up to the given number of steps.
    Steps(usize),
}

/// Draws a value against learning rate (both on log axes) for every run's sweep over `lrs`:
/// the final loss, or the steps to tolerance, as `axis` says. Diverged rates (and losses that
/// grew more than 1000 times above the smallest rate's, and rates that never reached the
/// tolerance) are crosses along the top edge. Returns where it drew, for mapping clicks back
/// to points.
pub fn draw_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[SweepSeries<'_>],
    lrs: (f64, f64),
    axis: SweepAxis,
    theme: &Theme,
) -> DrawResult<SweepFrame> {
    // The top: three decades above the loss at the smallest rate (about the start's loss), or
    // the steps run.
    let cap = match axis {
        SweepAxis::FinalLoss => runs
            .iter()
            .filter_map(|r| r.points.first().and_then(|p| p.1))
            .filter(|l| l.is_finite())
            .map(|l| l.max(SWEEP_FLOOR).log10() + 3.0)
            .fold(f64::NEG_INFINITY, f64::max),
        SweepAxis::Steps(steps) => (steps.max(1) as f64).log10(),
    };
    let ys = runs
        .iter()
        .flat_map(|r| r.points.iter().filter_map(|p| p.1))
        .filter(|l| l.is_finite())
        .map(|l| l.max(SWEEP_FLOOR).log10())
        .filter(|&y| y <= cap);
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let (lo, hi) = match axis {
        SweepAxis::FinalLoss if lo.is_finite() => (lo - 0.5, hi + 1.0),
        SweepAxis::FinalLoss => (-3.0, 3.0),
        // Up to the steps run, with a little room above for the crosses; from a little below
        // the fewest steps shown (one step at the least).
        SweepAxis::Steps(_) if lo.is_finite() => ((lo - 0.2).max(-0.1), cap + 0.25),
        SweepAxis::Steps(_) => (-0.1, cap + 0.25),
    };
    let (y_titles, steps_axis): (&[&str], bool) = match axis {
        SweepAxis::FinalLoss => (
            &[
                theme.word("final loss (log scale)"),
                theme.word("final loss (log)"),
                theme.word("final loss"),
                theme.word("loss"),
            ],
            false,
        ),
        SweepAxis::Steps(_) => (
            &[
                theme.word("steps to 1e-6 (log scale)"),
                theme.word("steps to 1e-6 (log)"),
                theme.word("steps to 1e-6"),
                theme.word("steps"),
            ],
            true,
        ),
    };
    let frame = |cols, rows| SweepFrame {
        cols,
        rows,
        lrs,
        log_loss: (lo, hi),
    };
    let xs = log_range(lrs.0, lrs.1)?;
    let ys = axis_range(lo, hi)?;
    let rate = |v: f64| format!("{v:.0e}");
    let x_ticks = |n| axes::log_ticks(lrs.0, lrs.1, n, &rate);
    let decades = decade_labels(lo, hi, &|t| {
        let v = 10f64.powf(t);
        if steps_axis {
            format!("{}", v.round())
        } else {
            format!("{v:.0e}")
        }
    });
    let y_ticks = |n| axes::thin(&decades, n);
    let room = axes::room(
        area,
        &AxisText {
            ticks: &x_ticks,
            most: 6,
            titles: &[
                theme.word("learning rate η (log scale)"),
                theme.word("learning rate η (log)"),
                theme.word("learning rate η"),
            ],
        },
        &AxisText {
            ticks: &y_ticks,
            most: decades.len().max(1),
            titles: y_titles,
        },
        &theme.font(0.85),
        &theme.font(0.9),
        theme,
    );
    let mut chart = room
        .builder(area)
        .build_cartesian_2d(xs.log_scale(), ys)
        .map_err(draw_err)?;
    let (l0, l1) = (lrs.0.log10(), lrs.1.log10());
    let x_words = axes::words(&room.x_ticks, |v| (v.log10() - l0) / (l1 - l0));
    chart
        .configure_mesh()
        .x_desc(room.x_title.as_str())
        .y_desc(room.y_title.as_str())
        .x_labels(room.x_hint)
        // The y ticks are drawn below, at round values (decade_ticks): plotters would put
        // them at round logarithms (316 steps).
        .y_labels(0)
        .x_label_formatter(&x_words)
        .set_all_tick_mark_size(room.tick)
        .axis_style(theme.axis())
        .bold_line_style(RGBAColor(255, 255, 255, 0.10).stroke_width(theme.px(1.0)))
        .light_line_style(TRANSPARENT)
        .label_style(theme.font(0.85))
        .axis_desc_style(theme.font(0.9))
        .draw()
        .map_err(draw_err)?;
    let plot = chart.plotting_area();
    let (cols, rows) = plot.get_pixel_range();
    let shown = frame(cols, rows);
    log_y_ticks(
        area,
        (&shown.cols, &shown.rows),
        &room.y_ticks,
        room.tick,
        theme,
    )?;
    // Each run's divergence marks on a row of its own along the top, so none hides another's.
    let top = |i: usize| hi - (hi - lo) * (0.03 + 0.04 * i as f64);
    for (i, run) in runs.iter().enumerate() {
        let line: Vec<(f64, f64)> = run
            .points
            .iter()
            .filter_map(|&(lr, l)| Some((lr, shown.position(l?)?)))
            .collect();
        plot.draw(&PathElement::new(
            line.clone(),
            run.color.stroke_width(theme.px(2.0)),
        ))
        .map_err(draw_err)?;
        for p in line {
            plot.draw(&Circle::new(p, theme.px(2.5), run.color.filled()))
                .map_err(draw_err)?;
        }
        for &(lr, l) in run.points {
            if l.and_then(|l| shown.position(l)).is_none() {
                plot.draw(&Cross::new(
                    (lr, top(i)),
                    theme.px(4.0) as i32,
                    run.color.stroke_width(theme.px(1.5)),
                ))
                .map_err(draw_err)?;
            }
        }
        let x = run.current;
        if x > lrs.0 && x < lrs.1 {
            plot.draw(&PathElement::new(
                vec![(x, lo), (x, hi)],
                run.color.mix(0.5).stroke_width(theme.px(1.0)),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(shown)
}
