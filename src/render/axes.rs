//! Room for a chart's tick labels and axis titles, sized from the text itself.
//!
//! plotters lays a 2D chart out with label areas of fixed size: too narrow for a long label
//! (`1e-12`, `-1000`, `999999.999`) or for Large text at a high pixel density, so labels ran
//! off the canvas or under the y axis's title, and as many labels as asked for were drawn
//! however short the axis, so neighbours overlapped. [`room`] measures the labels and titles
//! through the backend (the page's canvas measures them itself) and returns the margins and
//! label areas that hold them, with as many labels on each axis (up to what is asked) as fit
//! without touching, and the longest form of each title that fits beside its axis.
//!
//! plotters places what it draws so: the y labels right-aligned `2 × tick` pixels left of
//! the plotting area, centred on their ticks, the y title turned a quarter at the label
//! area's left edge; the x labels `2 × tick` pixels below the plotting area, centred on
//! their ticks, the x title at the label area's bottom edge. [`room`] reserves exactly that.

use super::theme::Theme;
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// One axis of a chart, as its text needs room.
pub(crate) struct AxisText<'a> {
    /// The labels for at most `n` of them: each one's place along the axis (a fraction of it,
    /// from its left or bottom end) and its words.
    pub ticks: &'a dyn Fn(usize) -> Vec<(f64, String)>,
    /// The most labels wanted.
    pub most: usize,
    /// The title's forms, the preferred (longest) first; none for no title. When none fits
    /// beside the axis, none is drawn.
    pub titles: &'a [&'a str],
}

/// Where a chart's text goes: margins, label areas and how many labels each axis gets.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Room {
    /// Margins outside the label areas: top, right, bottom, left.
    pub margins: [u32; 4],
    /// The height of the area under the plot for the x labels and title.
    pub x_area: u32,
    /// The width of the area left of the plot for the y labels and title.
    pub y_area: u32,
    /// Tick marks' length; labels sit twice that from the plot.
    pub tick: u32,
    /// How many labels the x axis was asked for: the `n` [`AxisText::ticks`] gave
    /// [`Room::x_ticks`] for (and what plotters' `x_labels` must be given to draw them).
    pub x_hint: usize,
    /// The x labels to draw.
    pub x_ticks: Vec<(f64, String)>,
    /// How many labels the y axis was asked for.
    pub y_hint: usize,
    /// The y labels to draw.
    pub y_ticks: Vec<(f64, String)>,
    /// The x title that fits (empty for none).
    pub x_title: String,
    /// The y title that fits (empty for none).
    pub y_title: String,
}

impl Room {
    /// A chart builder on `area` with these margins and label areas.
    pub(crate) fn builder<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
    ) -> ChartBuilder<'a, 'b, DB> {
        let [top, right, bottom, left] = self.margins;
        let mut builder = ChartBuilder::on(area);
        builder
            .margin_top(top)
            .margin_right(right)
            .margin_bottom(bottom)
            .margin_left(left)
            .x_label_area_size(self.x_area)
            .y_label_area_size(self.y_area);
        builder
    }

    /// These margins with `extra` pixels more on the left and right (`.0`) and on the top and
    /// bottom (`.1`): the plot narrowed or shortened about its centre.
    pub(crate) fn inset(mut self, extra: (u32, u32)) -> Room {
        self.margins[0] += extra.1;
        self.margins[2] += extra.1;
        self.margins[1] += extra.0;
        self.margins[3] += extra.0;
        self
    }
}

/// The size `(width, height)` of `text` in `style` as `area`'s backend measures it (a rough
/// 0.6 em a character when it cannot).
pub(crate) fn measure<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> (f64, f64) {
    match area.estimate_text_size(text, style) {
        Ok((w, h)) => (f64::from(w), f64::from(h)),
        Err(_) => {
            let size = style.font.get_size();
            (0.6 * size * text.chars().count() as f64, 1.2 * size)
        }
    }
}

/// The room `area` needs for the labels and titles of axes `x` and `y`, tick labels in
/// `label` and titles in `title`: see the module documentation.
pub(crate) fn room<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: &AxisText<'_>,
    y: &AxisText<'_>,
    label: &TextStyle<'_>,
    title: &TextStyle<'_>,
    theme: &Theme,
) -> Room {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let gap = f64::from(theme.px(4.0));
    let edge = f64::from(theme.px(8.0));
    let label_h = measure(area, "0", label).1;
    let title_h = measure(area, "x", title).1;
    // Labels sit twice the tick's length from the plot: at least half a label's height, so
    // the lowest y label (centred on the plot's bottom edge) stays above the x labels.
    let tick = f64::from(theme.px(5.0)).max((label_h / 4.0).ceil() + 1.0);
    let dist = 2.0 * tick;
    let with_title = |t: &AxisText<'_>| {
        if t.titles.is_empty() {
            0.0
        } else {
            title_h + gap
        }
    };
    let x_area = (dist + label_h + gap + with_title(x)).ceil();
    let top = edge.max((label_h / 2.0 + gap).ceil());
    let bottom = edge;
    let plot_h = (h - top - bottom - x_area).max(1.0);
    // As many y labels as keep a gap between neighbours.
    let (y_hint, y_ticks) = fitting(y, |ticks| {
        let mut at: Vec<f64> = ticks.iter().map(|t| t.0 * plot_h).collect();
        at.sort_by(f64::total_cmp);
        at.windows(2).all(|p| p[1] - p[0] >= label_h + gap / 2.0)
    });
    let widest = y_ticks
        .iter()
        .map(|t| measure(area, &t.1, label).0)
        .fold(0.0, f64::max);
    let y_area = (dist + widest + gap + with_title(y)).ceil();
    // The x labels, centred on their ticks, may reach past the plot's ends: the margins
    // widen until they hold them (the labels, and so their reach, depend on the width left).
    let (mut left, mut right) = (edge, edge);
    let (mut x_hint, mut x_ticks) = (0, Vec::new());
    for _ in 0..4 {
        let plot_w = (w - left - right - y_area).max(1.0);
        (x_hint, x_ticks) = fitting(x, |ticks| {
            let mut spans: Vec<(f64, f64)> = ticks
                .iter()
                .map(|t| (t.0 * plot_w, measure(area, &t.1, label).0))
                .collect();
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            spans
                .windows(2)
                .all(|p| p[1].0 - p[0].0 >= (p[0].1 + p[1].1) / 2.0 + 2.0 * gap)
        });
        let reach = |side: f64| {
            x_ticks
                .iter()
                .map(|t| {
                    let half = measure(area, &t.1, label).0 / 2.0;
                    let from_end = if side > 0.0 { 1.0 - t.0 } else { t.0 };
                    half - from_end * plot_w
                })
                .fold(0.0, f64::max)
        };
        let want_right = edge.max((reach(1.0) + gap).ceil());
        let want_left = edge.max((reach(-1.0) + gap - y_area).ceil());
        if want_right == right && want_left == left {
            break;
        }
        (left, right) = (want_left, want_right);
    }
    let plot_w = (w - left - right - y_area).max(1.0);
    // The longest form of a title that fits beside its axis; none when none does (a title
    // cut off by the canvas's edge, or over another, misleads more than a missing one).
    let pick = |t: &AxisText<'_>, room: f64| {
        let fits = |s: &&&str| measure(area, s, title).0 <= room;
        t.titles
            .iter()
            .find(fits)
            .map_or_else(String::new, |s| (*s).to_owned())
    };
    Room {
        margins: [top, right, bottom, left].map(|m| m as u32),
        x_area: x_area as u32,
        y_area: y_area as u32,
        tick: tick as u32,
        // The x title is centred under the plot: it may reach as far past the plot on either
        // side as the nearer edge allows.
        x_title: pick(x, plot_w + 2.0 * (left + y_area).min(right)),
        y_title: pick(y, plot_h),
        x_hint,
        x_ticks,
        y_hint,
        y_ticks,
    }
}

/// The labels of `axis` for the most labels (up to [`AxisText::most`]) that `fit`, and the
/// number asked for them.
fn fitting(
    axis: &AxisText<'_>,
    fit: impl Fn(&[(f64, String)]) -> bool,
) -> (usize, Vec<(f64, String)>) {
    let mut fewest = (0, Vec::new());
    for n in (1..=axis.most).rev() {
        let ticks = (axis.ticks)(n);
        if fit(&ticks) {
            return (n, ticks);
        }
        fewest = (n, ticks);
    }
    fewest
}

/// A label formatter for plotters that writes each tick value as `ticks` does (the tick at
/// `place(v)` along the axis), and nothing for a value that has no label there.
pub(crate) fn words<'a>(
    ticks: &'a [(f64, String)],
    place: impl Fn(f64) -> f64 + 'a,
) -> impl Fn(&f64) -> String + 'a {
    move |v| {
        let at = place(*v);
        ticks
            .iter()
            .find(|t| (t.0 - at).abs() < 1e-9)
            .map_or_else(String::new, |t| t.1.clone())
    }
}

/// A value of a linear axis whose ticks are `step` apart, written with as many decimals as
/// the step needs (`0.5`, `-2`, `1000`, never `-0`); in powers of ten (`-8e299`, `2.5e-7`)
/// when the step is a million or more, or a millionth or less.
pub(crate) fn tick_text(v: f64, step: f64) -> String {
    let step_exp = if step > 0.0 && step.is_finite() {
        (step.log10() + 1e-9).floor()
    } else {
        -2.0
    };
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            format!("{v}")
        };
    }
    let s = if !(-6.0..6.0).contains(&step_exp) {
        let digits = ((v.abs().log10() + 1e-9).floor() - step_exp).clamp(0.0, 15.0) as usize;
        format!("{v:.digits$e}")
    } else {
        let decimals = (-step_exp).clamp(0.0, 15.0) as usize;
        format!("{v:.decimals$}")
    };
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_owned()
    } else {
        s
    }
}

/// The labels of a linear axis over `lo..hi` for at most `n` of them: plotters' own tick
/// values for `n` labels (what `x_labels(n)` draws), each written by [`tick_text`] (or by
/// `text`, when given), with its place along the axis.
pub(crate) fn linear_ticks(
    lo: f64,
    hi: f64,
    n: usize,
    text: Option<&dyn Fn(f64) -> String>,
) -> Vec<(f64, String)> {
    let values = RangedCoordf64::from(lo..hi).key_points(n);
    let step = values
        .windows(2)
        .map(|p| p[1] - p[0])
        .fold(f64::INFINITY, f64::min);
    values
        .into_iter()
        .map(|v| {
            let words = text.map_or_else(|| tick_text(v, step), |t| t(v));
            ((v - lo) / (hi - lo), words)
        })
        .collect()
}

/// The labels of a log axis over `lo..hi` (both positive) for at most `n` of them:
/// plotters' own tick values for a log axis, written by `text`, with their places.
pub(crate) fn log_ticks(
    lo: f64,
    hi: f64,
    n: usize,
    text: &dyn Fn(f64) -> String,
) -> Vec<(f64, String)> {
    let coord: plotters::coord::combinators::LogCoord<f64> = (lo..hi).log_scale().into();
    let (l0, l1) = (lo.log10(), hi.log10());
    coord
        .key_points(n)
        .into_iter()
        .map(|v| ((v.log10() - l0) / (l1 - l0), text(v)))
        .collect()
}

/// Every `k`-th of `ticks` (from the first), `k` the least that leaves at most `n`.
pub(crate) fn thin(ticks: &[(f64, String)], n: usize) -> Vec<(f64, String)> {
    let k = ticks.len().div_ceil(n.max(1)).max(1);
    ticks.iter().step_by(k).cloned().collect()
}
