//! The colours of a basin map, and their legend: which minimum each start point reached (or
//! how many steps it took), with "diverged" never the colour of a minimum; and the map itself
//! drawn with axes over its start grid and the known minima marked ([`draw_basin_map`]).

use super::plot::{DrawResult, draw_plane_axes, plane_chart};
use super::theme::Theme;
use crate::core::compare::Basin;
use crate::core::surface::View;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
use std::ops::Range;

/// The minima's colours, in the order of [`crate::core::surface::Surface::minima`] (repeating
/// beyond six), as the runs' colours are: distinct hues, each shaded darker the longer the run
/// took (never lighter, so never towards [`DIVERGED`]).
pub const MINIMA: [[u8; 3]; 6] = [
    [255, 82, 82],
    [0, 209, 255],
    [255, 214, 10],
    [52, 199, 89],
    [217, 120, 255],
    [255, 149, 0],
];

/// A diverged start: near-white, which no minimum's colour (a hue shaded towards black), no
/// viridis colour and neither of the other two is.
pub const DIVERGED: [u8; 3] = [245, 245, 245];

/// Not settled within the step budget.
pub const NOT_SETTLED: [u8; 3] = [20, 20, 24];

/// Settled, but not at a known minimum.
pub const ELSEWHERE: [u8; 3] = [140, 140, 150];

/// Whether a basin map shows which minimum each start reached or how fast it settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasinMode {
    /// Each minimum its own colour ([`MINIMA`]), shaded darker the longer the run took.
    Minimum,
    /// Viridis of the settling step on a log scale: bright yellow soonest.
    Steps,
}

impl BasinMode {
    /// `"minimum"` or `"steps"`, as the page's menu names them; anything else is
    /// [`BasinMode::Minimum`].
    pub fn from_name(name: &str) -> BasinMode {
        if name == "steps" {
            BasinMode::Steps
        } else {
            BasinMode::Minimum
        }
    }
}

/// The colour of one cell of a map whose runs took at most `steps` steps.
pub fn basin_rgb(basin: Basin, mode: BasinMode, steps: usize) -> [u8; 3] {
    let log_max = (steps.max(2) as f64).ln();
    let slow = |at: usize| ((at.max(1) as f64).ln() / log_max).clamp(0.0, 1.0);
    match (basin, mode) {
        (Basin::Diverged { .. }, _) => DIVERGED,
        (Basin::NotConverged, _) => NOT_SETTLED,
        (Basin::Minimum { steps: at, .. } | Basin::Converged { steps: at }, BasinMode::Steps) => {
            let v = ViridisRGB.get_color((1.0 - slow(at)) as f32);
            [v.0, v.1, v.2]
        }
        (Basin::Converged { .. }, BasinMode::Minimum) => ELSEWHERE,
        (Basin::Minimum { index, steps: at }, BasinMode::Minimum) => {
            let shade = 1.0 - 0.5 * slow(at);
            MINIMA[index % MINIMA.len()].map(|b| (f64::from(b) * shade) as u8)
        }
    }
}

/// The RGBA pixels of a basin map from its cells' codes ([`Basin::code`]), coloured by
/// [`basin_rgb`].
pub fn basin_pixels(codes: &[u32], mode: BasinMode, steps: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(codes.len() * 4);
    for &c in codes {
        let [r, g, b] = basin_rgb(Basin::from_code(c), mode, steps);
        out.extend_from_slice(&[r, g, b, 255]);
    }
    out
}

/// The legend of a basin map over a surface with `minima` (their positions), in `mode`, the
/// runs allowed `steps` steps: each entry's words and colour (for the steps mode, the
/// soonest and the latest settling colours).
pub fn basin_legend(minima: &[[f64; 2]], mode: BasinMode, steps: usize) -> Vec<(String, [u8; 3])> {
    let mut out = Vec::new();
    match mode {
        BasinMode::Minimum => {
            for (i, m) in minima.iter().enumerate() {
                out.push((
                    format!(
                        "minimum ({}, {})",
                        crate::core::explain::format_number(m[0]),
                        crate::core::explain::format_number(m[1])
                    ),
                    MINIMA[i % MINIMA.len()],
                ));
            }
            out.push(("settled elsewhere".into(), ELSEWHERE));
        }
        BasinMode::Steps => {
            out.push((
                "settled in 1 step".into(),
                basin_rgb(Basin::Converged { steps: 1 }, mode, steps),
            ));
            out.push((
                format!("settled in {steps} steps"),
                basin_rgb(Basin::Converged { steps }, mode, steps),
            ));
        }
    }
    out.push((format!("not settled in {steps} steps"), NOT_SETTLED));
    out.push(("diverged".into(), DIVERGED));
    out
}

/// Draws a basin map whose start grid covers `view` (cell `(col, row)` of a `width × height`
/// grid starts at [`View::pixel_center`], as [`crate::core::compare::BasinGrid::start`]
/// says): axes x and y over `view` with round tick labels, as the surface plot has, and each
/// of `minima` (`[x, y, f]`, [`crate::core::surface::Surface::minima`]) inside the view
/// marked with the surface plot's ✕. The plotting area keeps the view's aspect, centred in
/// `area`, so the cells are square; `blit(columns, rows)` puts the map's image there (the
/// cells scaled to fill it, row 0 at the top) before the axes and marks are drawn over it.
/// Returns the plotting area's pixels.
pub fn draw_basin_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    view: &View,
    minima: &[[f64; 3]],
    theme: &Theme,
    blit: impl FnOnce(Range<i32>, Range<i32>) -> DrawResult,
) -> DrawResult<(Range<i32>, Range<i32>)> {
    let (mut chart, room) = plane_chart(area, view, theme, true)?;
    let (cols, rows) = chart.plotting_area().get_pixel_range();
    blit(cols.clone(), rows.clone())?;
    draw_plane_axes(&mut chart, &room, view, ("x", "y"), &[], minima, theme)?;
    Ok((cols, rows))
}
