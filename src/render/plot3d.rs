//! A 3D view of the surface drawn with plotters' 3D charts: a viridis mesh with the runs'
//! trajectories lying on it, seen from a [`Camera`] the user can turn.
//!
//! The vertical axis is the surface's *scaled* value, [`Scaling::normalize`](super::Scaling::normalize)
//! in `[0, 1]`, the quantity the heatmap colours by: for log-scaled surfaces (Rosenbrock,
//! Beale, …) that is `ln(1 + f − f_min)` mapped to `[0, 1]`, so a surface spanning orders of
//! magnitude keeps its valley floor readable. The axis is titled `f (log scale)` or `f`
//! accordingly and its ticks are labelled with the values of `f` they stand for.

use super::axes::measure;
use super::clip::clip_path;
use super::field::Field;
use super::mesh::Mesh;
use super::plot::{DrawResult, TrajectorySeries, decimate, draw_err as err, view_ranges};
use super::theme::{AXIS, Theme};
use crate::core::surface::View;
use plotters::coord::cartesian::Cartesian3d;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::f64::consts::{FRAC_PI_2, PI};

/// Where the 3D view is seen from.
///
/// Angles are in radians. With `yaw = 0` and `pitch = π/2` the view looks straight down and
/// matches the heatmap: x to the right, y up. Lowering the pitch tilts the surface away from
/// the viewer (at 0 it is seen edge-on, from the side of the smallest y); a positive yaw turns
/// the surface clockwise as seen from above (the viewer moves counter-clockwise around it).
/// [`Camera::clamped`] gives the values actually drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Turn about the vertical axis: any finite value (the drawing wraps it to `(−π, π]`).
    pub yaw: f64,
    /// Elevation above the (x, y) plane: clamped to [`Camera::MIN_PITCH`, `Camera::MAX_PITCH`]
    /// when drawn.
    pub pitch: f64,
    /// Zoom: 1 keeps the whole box inside the area whatever the angles, larger values zoom in.
    /// Clamped to [`Camera::MIN_SCALE`, `Camera::MAX_SCALE`] when drawn.
    pub scale: f64,
}

impl Default for Camera {
    /// An oblique view from the side of large x and small y (yaw 0.6), 34° above the plane
    /// (pitch 0.6), the whole box in view (scale 1).
    fn default() -> Self {
        Camera {
            yaw: 0.6,
            pitch: 0.6,
            scale: 1.0,
        }
    }
}

impl Camera {
    /// The lowest pitch drawn: the surface seen edge-on.
    pub const MIN_PITCH: f64 = 0.0;
    /// The highest pitch drawn: straight down.
    pub const MAX_PITCH: f64 = FRAC_PI_2;
    /// The smallest zoom drawn.
    pub const MIN_SCALE: f64 = 0.25;
    /// The largest zoom drawn.
    pub const MAX_SCALE: f64 = 4.0;

    /// This camera as it is drawn: yaw wrapped to `(−π, π]`, pitch and scale clamped to their
    /// ranges; a non-finite field takes the [`Default`] camera's value.
    pub fn clamped(self) -> Camera {
        let d = Camera::default();
        let yaw = if !self.yaw.is_finite() {
            d.yaw
        } else if self.yaw > -PI && self.yaw <= PI {
            self.yaw
        } else {
            let y = (self.yaw + PI).rem_euclid(2.0 * PI) - PI;
            if y <= -PI { y + 2.0 * PI } else { y }
        };
        let pitch = if self.pitch.is_finite() {
            self.pitch.clamp(Camera::MIN_PITCH, Camera::MAX_PITCH)
        } else {
            d.pitch
        };
        let scale = if self.scale.is_finite() {
            self.scale.clamp(Camera::MIN_SCALE, Camera::MAX_SCALE)
        } else {
            d.scale
        };
        Camera { yaw, pitch, scale }
    }
}

/// One thing painted on the surface, in depth order.
enum Item {
    /// A face of the mesh, by its index.
    Face(usize),
    /// A piece of run `.0`'s path over one face: its halo's points and its line's (which
    /// reaches a little further).
    Path(usize, Vec<P3>, Vec<P3>),
    /// A known minimum.
    Minimum(P3),
    /// The runs' shared start.
    Start(P3),
    /// Run `.0`'s current point.
    Head(usize, P3),
}

/// How far trajectories and markers are lifted above the surface, in scaled units.
const LIFT: f64 = 0.012;

/// The height of the box relative to its longer horizontal side.
const BOX_HEIGHT: f64 = 0.6;

/// Compact text for an axis value.
fn fmt_value(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        "0".into()
    } else if !(1e-2..1e4).contains(&a) {
        format!("{v:.0e}")
    } else {
        // Three significant digits, trailing zeros dropped.
        let decimals = (2.0 - a.log10().floor()).max(0.0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

type Chart3d<'a, DB> =
    ChartContext<'a, DB, Cartesian3d<RangedCoordf64, RangedCoordf64, RangedCoordf64>>;
type Coord3 = Cartesian3d<RangedCoordf64, RangedCoordf64, RangedCoordf64>;
type P3 = (f64, f64, f64);

/// Draws the surface in 3D: a viridis mesh over `field.view` with axes, the known minima
/// (✕), each run's trajectory lying on the surface with its head marked (a dot, or a cross
/// for a diverged run), the shared start point (white ring) and a legend, seen from `camera`.
///
/// The vertical axis is the scaled value `field.scaling.normalize(f)` (see the module
/// documentation), titled `f (log scale)` for log-scaled fields and `f` otherwise, its ticks
/// labelled with the values of `f`. Trajectories are clipped to the view (points that are not
/// finite break the line). The background is left unpainted, for the caller to fill. An area
/// too small to hold a chart, or a view that is not a finite rectangle of positive size,
/// draws nothing.
///
/// The mesh is [`Mesh::new`]'s: opaque faces, each in the viridis colour of its own height,
/// refined where the surface bends between the grid's points (so Rosenbrock's valley keeps a
/// smooth floor). Plotters paints in the order given, with no depth buffer, so everything on
/// the surface is painted back to front (a painter's algorithm): the faces by how far their
/// centres lie across the plane from the viewer, which for a surface seen from above decides
/// what hides what; each piece of a trajectory (cut at the faces' edges) and each marker just
/// after the face it lies on. A hill therefore hides the part of a path behind it, as it
/// hides the surface there. Text goes through the backend's `draw_text`: on native
/// targets, plotters built without a font feature cannot rasterise glyphs (its fallback font
/// panics when asked to), so a native backend must draw or skip text itself, as the tests'
/// recording backend does; the browser canvas draws it natively.
pub fn draw_surface_3d<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    field: &Field,
    runs: &[TrajectorySeries<'_>],
    camera: Camera,
    theme: &Theme,
) -> DrawResult {
    let view = field.view;
    let camera = camera.clamped();
    let margin = theme.px(8.0);
    let (w, h) = area.dim_in_pixel();
    if view_ranges(&view).is_err() || w.min(h) < 2 * margin + 16 {
        return Ok(());
    }
    // Plotters' 3D frame is x right, y up, z towards the viewer: the surface's y runs along
    // a reversed z range so that (x, y, height) is right-handed and y points away.
    let mut chart: Chart3d<'_, DB> = ChartBuilder::on(area)
        .margin(margin)
        .build_cartesian_3d(view.x_min..view.x_max, 0.0..1.0, view.y_max..view.y_min)
        .map_err(err)?;

    // Size the box so that it stays inside the plotting area whatever the angles, leaving
    // room for the tick labels and titles (as measured) on every side: its base's diagonal
    // fits the width, the sphere around it the height.
    let text = AxisText3::new(area, field, theme);
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let half = |len: i32, room: f64| (f64::from(len) / 2.0 - room).max(f64::from(len) * 0.3);
    let (half_w, half_h) = (
        half(xr.end - xr.start, text.room.0),
        half(yr.end - yr.start, text.room.1),
    );
    let (wx, wy) = (view.x_max - view.x_min, view.y_max - view.y_min);
    let longest = wx.max(wy);
    let (ax, ay) = ((wx / longest).max(0.25), (wy / longest).max(0.25));
    let base = (ax * ax + ay * ay).sqrt();
    let s =
        (2.0 * half_w / base).min(2.0 * half_h / (base * base + BOX_HEIGHT * BOX_HEIGHT).sqrt());
    chart.set_3d_pixel_range((
        (s * ax).round() as i32,
        (s * BOX_HEIGHT).round() as i32,
        (s * ay).round() as i32,
    ));
    chart.with_projection(|mut pb| {
        pb.yaw = camera.yaw;
        pb.pitch = camera.pitch;
        pb.scale = camera.scale;
        pb.into_matrix()
    });

    // The legend's box first: no label is drawn under it.
    let shown_runs: Vec<&TrajectorySeries<'_>> =
        runs.iter().filter(|r| !r.points.is_empty()).collect();
    let legend = legend_box(area, &shown_runs, theme)?;
    draw_axes(area, &mut chart, field, &text, legend.as_ref(), theme)?;
    let coord = chart.plotting_area().as_coord_spec().clone();
    let plot = chart.plotting_area().clone();
    let mesh = Mesh::new(field);
    let depth = |p: &[f64; 3]| f64::from(coord.projected_depth(&p[0], &p[2], &p[1]));
    // A face's depth is that of its centre's foot on the box's floor: seen from above the
    // plane (the pitch is never negative), a surface that is one height over each point can
    // only hide what lies farther away across the plane, whatever the heights. An overlay
    // lying on a face is drawn as much nearer than it as the face is deep (its `reach`):
    // after the faces around it, whose edges would otherwise nick a line along them, and
    // before anything truly in front of it, such as a hill.
    let (face_depth, reach): (Vec<f64>, Vec<f64>) = mesh
        .faces
        .iter()
        .map(|f| {
            let feet: Vec<f64> = f.points.iter().map(|p| depth(&[p[0], p[1], 0.0])).collect();
            let n = feet.len() as f64;
            let (lo, hi) = feet
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &d| {
                    (lo.min(d), hi.max(d))
                });
            (feet.iter().sum::<f64>() / n, hi - lo)
        })
        .unzip();
    let cell = [
        (view.x_max - view.x_min) / Mesh::QUADS as f64,
        (view.y_max - view.y_min) / Mesh::QUADS as f64,
    ];
    let o = [view.x_min, view.y_min];

    // Everything on the surface, painted back to front (plotters has no depth buffer): each
    // face, and each overlay at the depth of the face it lies on.
    let mut items: Vec<(f64, u8, Item)> = face_depth
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, 0, Item::Face(i)))
        .collect();
    // Whether each face shows its upper side. The mesh is an open sheet: under the near edge
    // of a deep valley or a funnel the viewer sees its underside, and what lies on top of
    // such a face is hidden by the face itself. Seen from above, the faces' points (in order
    // around them, anticlockwise in the plane) wind as the floor's do on the screen.
    let winding = |points: &mut dyn Iterator<Item = [f64; 3]>| {
        let screen: Vec<(f64, f64)> = points
            .map(|p| {
                let (x, y) = coord.translate(&(p[0], p[2], p[1]));
                (f64::from(x), f64::from(y))
            })
            .collect();
        (0..screen.len())
            .map(|i| {
                let (a, b) = (screen[i], screen[(i + 1) % screen.len()]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f64>()
    };
    let floor = winding(
        &mut [
            [o[0], o[1]],
            [view.x_max, o[1]],
            [view.x_max, view.y_max],
            [o[0], view.y_max],
        ]
        .into_iter()
        .map(|[x, y]| [x, y, 0.0]),
    );
    // (Seen edge-on the floor has no winding; from above it is negative, y being down.)
    let up = if floor.abs() > 1.0 {
        floor.signum()
    } else {
        -1.0
    };
    let shown: Vec<bool> = mesh
        .faces
        .iter()
        .map(|f| winding(&mut f.points.iter().copied()) * up >= 0.0)
        .collect();
    // How much nearer than its face an overlay on face `f` is drawn: `times` the face's
    // depth, but never past a neighbour (within `times` faces) nearer than it whose upper side
    // is hidden: turned away, that neighbour's underside folds over `f` on the screen.
    let bias = |f: usize, times: f64| {
        let points = &mesh.faces[f].points;
        let n = points.len() as f64;
        let c = points
            .iter()
            .fold([0.0, 0.0], |c, p| [c[0] + p[0] / n, c[1] + p[1] / n]);
        let (lo, hi) = points.iter().fold(
            ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
            |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                )
            },
        );
        let (dx, dy) = (hi[0] - lo[0], hi[1] - lo[1]);
        let mut b = times * reach[f];
        let steps = times.ceil() as i32;
        for i in -steps..=steps {
            for j in -steps..=steps {
                let q = [c[0] + f64::from(i) * dx, c[1] + f64::from(j) * dy];
                if let Some(g) = mesh.face_at(q).filter(|&g| !shown[g])
                    && face_depth[g] < face_depth[f]
                {
                    b = b.min((face_depth[f] - face_depth[g]) / 2.0);
                }
            }
        }
        b
    };
    // An overlay on a face whose upper side is hidden is not drawn. A marker is wider than a
    // face: it is drawn after the faces within three of its face's depth.
    let over = |p: [f64; 2]| {
        mesh.face_at(p)
            .filter(|&f| shown[f])
            .map(|f| face_depth[f] - bias(f, 3.0))
    };
    let height = |x: f64, y: f64| field.scaling.normalize(field.surface.value([x, y]));
    let lifted = |p: [f64; 2]| (p[0], height(p[0], p[1]) + LIFT, p[1]);

    for m in field.surface.minima() {
        if let Some(d) = over([m[0], m[1]]) {
            let p = (m[0], field.scaling.normalize(m[2]) + LIFT, m[1]);
            items.push((d, 2, Item::Minimum(p)));
        }
    }
    // Trajectories: each run's path cut where it crosses the faces' edges, the pieces over
    // one face joined, each piece lying on the surface at the depth of its face. Each
    // piece's line reaches a third of the way into its neighbours' first and last steps, over
    // their halos, so that the line runs on unbroken whichever is painted first.
    let min_step = [
        cell[0] / (4.0 * Mesh::REFINE as f64),
        cell[1] / (4.0 * Mesh::REFINE as f64),
    ];
    for (r, run) in runs.iter().enumerate() {
        for part in clip_path(run.points, &view) {
            let pts = decimate(&part, (1.0 / min_step[0], 1.0 / min_step[1]), 1.0);
            // Steps over one face each: (from, to, face).
            let mut steps: Vec<([f64; 2], [f64; 2], Option<usize>)> = Vec::new();
            for w in pts.windows(2) {
                let (a, b) = (w[0], w[1]);
                let at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                let mut ts = vec![0.0];
                ts.extend(mesh.crossings(a, b));
                ts.push(1.0);
                for t in ts.windows(2) {
                    let face = mesh.face_at(at((t[0] + t[1]) / 2.0));
                    steps.push((at(t[0]), at(t[1]), face));
                }
            }
            let mut k = 0;
            while k < steps.len() {
                let face = steps[k].2;
                let end = (k..steps.len())
                    .find(|&j| steps[j].2 != face)
                    .unwrap_or(steps.len());
                if let Some(f) = face.filter(|&f| shown[f]) {
                    let mut halo = vec![lifted(steps[k].0)];
                    halo.extend(steps[k..end].iter().map(|s| lifted(s.1)));
                    let mut line = halo.clone();
                    let third = |from: [f64; 2], to: [f64; 2]| {
                        lifted([
                            from[0] + (to[0] - from[0]) / 3.0,
                            from[1] + (to[1] - from[1]) / 3.0,
                        ])
                    };
                    if k > 0 {
                        line.insert(0, third(steps[k - 1].1, steps[k - 1].0));
                    }
                    if end < steps.len() {
                        line.push(third(steps[end].0, steps[end].1));
                    }
                    items.push((face_depth[f] - bias(f, 1.0), 1, Item::Path(r, halo, line)));
                }
                k = end;
            }
        }
    }
    if let Some(&start) = runs.iter().find_map(|r| r.points.first())
        && let Some(d) = over(start)
    {
        items.push((d, 2, Item::Start(lifted(start))));
    }
    for (r, run) in runs.iter().enumerate() {
        if let Some(&head) = run.points.last()
            && let Some(d) = over(head)
        {
            items.push((d, 3, Item::Head(r, lifted(head))));
        }
    }

    // Farthest first; at one depth, a face before what lies on it.
    items.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let size = theme.px(7.0) as i32;
    let (halo, line) = (theme.halo(4.0), theme.px(2.0));
    for (_, _, item) in items {
        match item {
            Item::Face(i) => {
                let f = &mesh.faces[i];
                let c = ViridisRGB.get_color(f.height.clamp(0.0, 1.0) as f32);
                // Each face a pixel wider on every side than its points: two neighbours'
                // fills leave no seam between them for what lies behind to show through.
                let (bx, by) = area.get_base_pixel();
                let corners: Vec<(i32, i32)> = f
                    .points
                    .iter()
                    .map(|p| coord.translate(&(p[0], p[2], p[1])))
                    .collect();
                let n = corners.len() as f64;
                let (cx, cy) = corners.iter().fold((0.0, 0.0), |(x, y), p| {
                    (x + f64::from(p.0) / n, y + f64::from(p.1) / n)
                });
                let out = |v: i32, c: f64| {
                    let d = f64::from(v) - c;
                    v + i32::from(d > 0.0) - i32::from(d < 0.0)
                };
                let points: Vec<(i32, i32)> = corners
                    .iter()
                    .map(|p| (out(p.0, cx) - bx, out(p.1, cy) - by))
                    .collect();
                area.draw(&Polygon::new(points, c.filled())).map_err(err)?;
            }
            Item::Path(r, under, path) => {
                plot.draw(&PathElement::new(under, halo)).map_err(err)?;
                plot.draw(&PathElement::new(path, runs[r].color.stroke_width(line)))
                    .map_err(err)?;
            }
            Item::Minimum(p) => {
                plot.draw(&Cross::new(p, size, BLACK.stroke_width(theme.px(4.0))))
                    .map_err(err)?;
                plot.draw(&Cross::new(p, size, WHITE.stroke_width(theme.px(2.0))))
                    .map_err(err)?;
            }
            Item::Start(p) => {
                let r = theme.px(6.0);
                plot.draw(&Circle::new(p, r, BLACK.stroke_width(theme.px(3.0))))
                    .map_err(err)?;
                plot.draw(&Circle::new(p, r, WHITE.stroke_width(theme.px(1.5))))
                    .map_err(err)?;
            }
            Item::Head(r, p) => {
                let run = &runs[r];
                if run.diverged {
                    plot.draw(&Cross::new(
                        p,
                        theme.px(8.0) as i32,
                        run.color.stroke_width(theme.px(3.0)),
                    ))
                    .map_err(err)?;
                } else {
                    plot.draw(&Circle::new(p, theme.px(5.0), run.color.filled()))
                        .map_err(err)?;
                    plot.draw(&Circle::new(
                        p,
                        theme.px(5.0),
                        BLACK.stroke_width(theme.px(1.0)),
                    ))
                    .map_err(err)?;
                }
            }
        }
    }
    if let Some(legend) = legend {
        draw_legend(area, &shown_runs, &legend, theme)?;
    }
    Ok(())
}

/// Where the legend goes, and its rows' height: a box at the area's upper right, as wide as
/// its longest label (measured through the backend) and a row per run, each at least a line
/// of its text high. `None` without runs.
struct Legend {
    /// `[x0, y0, x1, y1]` in the area's pixels.
    rect: [i32; 4],
    /// The height of a row.
    row: i32,
}

fn legend_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[&TrajectorySeries<'_>],
    theme: &Theme,
) -> DrawResult<Option<Legend>> {
    if runs.is_empty() {
        return Ok(None);
    }
    let label = theme.font(0.95);
    let (margin, swatch) = (theme.px(8.0) as i32, theme.px(14.0) as i32);
    let mut widest = 0;
    let mut line = 0;
    for run in runs {
        let (w, h) = measure(area, run.label, &label);
        widest = widest.max(w.ceil() as i32);
        line = line.max(h.ceil() as i32);
    }
    let row = (theme.px(22.0) as i32).max(line + theme.px(4.0) as i32);
    let width = margin + swatch + margin + widest + margin;
    let height = row * runs.len() as i32 + margin;
    let x0 = area.dim_in_pixel().0 as i32 - margin - width;
    Ok(Some(Legend {
        rect: [x0, margin, x0 + width, margin + height],
        row,
    }))
}

/// Each run's colour and label in the legend's box. Drawn here rather than by plotters'
/// series labels, which measure text through the font (on wasm32 a `<span>` given a `style`
/// attribute, which the pages' Content-Security-Policy refuses); this measures it through the
/// backend (`estimate_text_size`), and the page's backend asks the canvas.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[&TrajectorySeries<'_>],
    legend: &Legend,
    theme: &Theme,
) -> DrawResult {
    let label = theme.font(0.95);
    let (margin, swatch) = (theme.px(8.0) as i32, theme.px(14.0) as i32);
    let [x0, y0, x1, y1] = legend.rect;
    let corners = [(x0, y0), (x1, y1)];
    area.draw(&Rectangle::new(
        corners,
        RGBAColor(16, 17, 22, 0.8).filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new(corners, AXIS)).map_err(err)?;
    for (i, run) in runs.iter().enumerate() {
        let y = y0 + margin / 2 + legend.row * i as i32 + legend.row / 2;
        let x = x0 + margin;
        let half = (swatch / 4).max(1);
        area.draw(&Rectangle::new(
            [(x, y - half), (x + swatch, y + half)],
            run.color.filled(),
        ))
        .map_err(err)?;
        let at = Pos::new(HPos::Left, VPos::Center);
        area.draw(&Text::new(
            run.label,
            (x + swatch + margin, y),
            label.clone().pos(at),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The 3D axes' tick labels (their words, before they are placed) and the room they and the
/// titles need around the box, as measured.
struct AxisText3 {
    /// Along x, height and y: each tick's value and words.
    ticks: [Vec<(f64, String)>; 3],
    /// The titles, in the same order.
    titles: [&'static str; 3],
    /// Room to leave beside the box (`.0`) and above and below it (`.1`) for the labels, in
    /// pixels.
    room: (f64, f64),
}

impl AxisText3 {
    /// Labels in [`label_style`], titles in [`title_style`].
    fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        field: &Field,
        theme: &Theme,
    ) -> AxisText3 {
        let r = ranges(&field.view);
        let scaling = field.scaling;
        let f_of = move |t: f64| {
            let u = scaling.lo + t * (scaling.hi - scaling.lo);
            let f = if scaling.log {
                scaling.f_min + u.exp_m1()
            } else {
                u
            };
            fmt_value(f)
        };
        let ticks: [Vec<(f64, String)>; 3] = std::array::from_fn(|idx| {
            let (lo, hi) = r[idx];
            let n = if idx == 1 { 6 } else { 5 };
            RangedCoordf64::from(lo..hi)
                .key_points(n)
                .into_iter()
                .map(|v| (v, if idx == 1 { f_of(v) } else { fmt_value(v) }))
                .collect()
        });
        let titles = [
            "x",
            if field.scaling.log {
                theme.word("f (log scale)")
            } else {
                "f"
            },
            "y",
        ];
        let label = label_style(theme);
        let widest = ticks
            .iter()
            .flatten()
            .map(|t| measure(area, &t.1, &label).0)
            .fold(0.0, f64::max);
        let line = measure(area, "0", &label).1;
        let (tick, gap) = (f64::from(theme.px(5.0)), f64::from(theme.px(4.0)));
        AxisText3 {
            ticks,
            titles,
            // (The titles go beyond the labels where there is room, and are kept within the
            // area where there is not.)
            room: (2.0 * tick + widest + gap, 2.0 * tick + line + gap),
        }
    }
}

/// The 3D axes' tick labels' text style.
fn label_style(theme: &Theme) -> TextStyle<'static> {
    theme.font(0.8)
}

/// The 3D axes' titles' text style.
fn title_style(theme: &Theme) -> TextStyle<'static> {
    theme.font(1.0)
}

/// The box `[x0, y0, x1, y1]` a text `size` big covers when drawn at `at` anchored at `pos`.
fn text_box(at: (f64, f64), size: (f64, f64), pos: Pos) -> [f64; 4] {
    let x0 = match pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - size.0 / 2.0,
        HPos::Right => at.0 - size.0,
    };
    let y0 = match pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - size.1 / 2.0,
        VPos::Bottom => at.1 - size.1,
    };
    [x0, y0, x0 + size.0, y0 + size.1]
}

/// Whether boxes `a` and `b` overlap.
fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The box's back panels and grid through `configure_axes`, then the three axes and their
/// ticks again in the theme's axis colour, the axis titles and the tick labels.
///
/// Plotters 0.3.7 has no setter for the 3D axis colour (it draws them in 80 % black, lost on a
/// dark page), so [`axis_edges`] repeats its choice of edges to draw over them. Its labels are
/// not drawn: a label beside a foreshortened axis, or at a corner where two axes meet, would
/// overlap another or a title, or run off the area. Each label is placed here as plotters
/// would place it, and drawn only if it lies within the area and clear of the legend, the
/// titles (kept within the area) and the labels already drawn: the vertical axis's first.
fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart3d<'_, DB>,
    field: &Field,
    text: &AxisText3,
    legend: Option<&Legend>,
    theme: &Theme,
) -> DrawResult {
    // Tick counts along x, height and y; none along an axis seen nearly end-on (the vertical
    // one from straight above, y from the side), where its labels would pile up on one point.
    let em = theme.font_size(1.0);
    let r = ranges(&field.view);
    let coord = chart.plotting_area().as_coord_spec().clone();
    let upright: [bool; 3] = std::array::from_fn(|idx| {
        let (mut a, mut b) = ([r[0].0, r[1].0, r[2].0], [r[0].0, r[1].0, r[2].0]);
        a[idx] = r[idx].0;
        b[idx] = r[idx].1;
        let a = coord.translate(&(a[0], a[1], a[2]));
        let b = coord.translate(&(b[0], b[1], b[2]));
        f64::from(a.0 - b.0).hypot(f64::from(a.1 - b.1)) >= 3.0 * em
    });
    let counts: [usize; 3] = std::array::from_fn(|idx| match (upright[idx], idx) {
        (false, _) => 0,
        (true, 1) => 6,
        (true, _) => 5,
    });
    let none = |_: &f64| String::new();
    let tick = theme.px(5.0) as i32;
    chart
        .configure_axes()
        .x_labels(counts[0])
        .y_labels(counts[1])
        .z_labels(counts[2])
        .max_light_lines(1)
        .tick_size(tick)
        .axis_panel_style(RGBAColor(255, 255, 255, 0.03).filled())
        .bold_grid_style(RGBAColor(255, 255, 255, 0.12).stroke_width(theme.px(1.0)))
        .light_grid_style(TRANSPARENT)
        .label_style(label_style(theme).color(&TRANSPARENT))
        .x_formatter(&none)
        .y_formatter(&none)
        .z_formatter(&none)
        .draw()
        .map_err(err)?;

    let plot = chart.plotting_area().clone();
    let (xr, yr) = plot.get_pixel_range();
    let mid = ((xr.start + xr.end) / 2, (yr.start + yr.end) / 2);
    let axis_style = theme.axis();
    // Boxes in the area's pixels (`coord` gives the backend's).
    let (bx, by) = area.get_base_pixel();
    let (aw, ah) = area.dim_in_pixel();
    let screen = |p: &P3| {
        let (x, y) = coord.translate(p);
        (f64::from(x - bx), f64::from(y - by))
    };
    let inside =
        |b: &[f64; 4]| b[0] >= 0.0 && b[1] >= 0.0 && b[2] <= f64::from(aw) && b[3] <= f64::from(ah);
    let mut taken: Vec<[f64; 4]> = legend.iter().map(|l| l.rect.map(f64::from)).collect();
    let labels = label_style(theme);
    let title_font = title_style(theme);
    let gap = f64::from(theme.px(4.0));
    let mut placed_labels: Vec<(String, (f64, f64), Pos)> = Vec::new();
    let mut edges = Vec::new();
    for (idx, (start, end)) in axis_edges(&coord, &field.view).into_iter().enumerate() {
        plot.draw(&PathElement::new(vec![start, end], axis_style))
            .map_err(err)?;
        // Ticks point away from the centre, across the axis (as plotters' draw_axis_ticks).
        let b = coord.translate(&start);
        let e = coord.translate(&end);
        let axis_dir = (e.0 - b.0, e.1 - b.1);
        let x_dir = if b.0 < mid.0 { (-tick, 0) } else { (tick, 0) };
        let y_dir = if b.1 < mid.1 { (0, -tick) } else { (0, tick) };
        let score = |d: (i32, i32)| (d.0 * axis_dir.0 + d.1 * axis_dir.1).abs();
        let dir = if score(x_dir) < score(y_dir) {
            x_dir
        } else {
            y_dir
        };
        let (lo, hi) = r[idx];
        for v in RangedCoordf64::from(lo..hi).key_points(counts[idx]) {
            let mut p = [start.0, start.1, start.2];
            p[idx] = v;
            plot.draw(
                &(EmptyElement::at((p[0], p[1], p[2]))
                    + PathElement::new(vec![(0, 0), dir], axis_style)),
            )
            .map_err(err)?;
        }
        edges.push((start, end, dir));
    }
    // Titles: the vertical one above the axis' top, on the side of its tick labels; the
    // others beyond their tick labels. Each is kept within the area.
    for (idx, &(start, end, dir)) in edges.iter().enumerate() {
        if !upright[idx] {
            continue;
        }
        let title = text.titles[idx];
        let size = measure(area, title, &title_font);
        let (at, pos) = if idx == 1 {
            let top = if screen(&start).1 < screen(&end).1 {
                start
            } else {
                end
            };
            let (x, y) = screen(&top);
            let h = match dir.0.cmp(&0) {
                std::cmp::Ordering::Less => HPos::Right,
                std::cmp::Ordering::Greater => HPos::Left,
                std::cmp::Ordering::Equal => HPos::Center,
            };
            ((x, y - 0.9 * em), Pos::new(h, VPos::Bottom))
        } else {
            // Beyond the widest of this axis's labels.
            let widest = text.ticks[idx]
                .iter()
                .map(|t| measure(area, &t.1, &labels))
                .fold((0.0, 0.0), |a: (f64, f64), m| (a.0.max(m.0), a.1.max(m.1)));
            let reach = if dir.0 == 0 {
                widest.1 + size.1 / 2.0
            } else {
                widest.0 + size.0 / 2.0
            };
            let k = 2.0 + (reach + gap) / f64::from(tick);
            let (x, y) = screen(&(
                (start.0 + end.0) / 2.0,
                (start.1 + end.1) / 2.0,
                (start.2 + end.2) / 2.0,
            ));
            (
                (x + f64::from(dir.0) * k, y + f64::from(dir.1) * k),
                Pos::new(HPos::Center, VPos::Center),
            )
        };
        let b = text_box(at, size, pos);
        let shift = (
            (-b[0]).max(0.0) - (b[2] - f64::from(aw)).max(0.0),
            (-b[1]).max(0.0) - (b[3] - f64::from(ah)).max(0.0),
        );
        let mut at = (at.0 + shift.0, at.1 + shift.1);
        // Over the legend or another title, it moves below or beside what it would cover;
        // with no room for it there either, it is left out.
        let clear = |at: (f64, f64)| {
            let b = text_box(at, size, pos);
            inside(&b) && !taken.iter().any(|t| overlap(t, &b))
        };
        if !clear(at) {
            let b = text_box(at, size, pos);
            let moves: Vec<(f64, f64)> = taken
                .iter()
                .filter(|t| overlap(t, &b))
                .flat_map(|t| {
                    [
                        (at.0, at.1 + t[3] - b[1] + gap),
                        (at.0 + t[0] - b[2] - gap, at.1),
                        (at.0, at.1 + t[1] - b[3] - gap),
                    ]
                })
                .collect();
            match moves.into_iter().find(|&m| clear(m)) {
                Some(m) => at = m,
                None => continue,
            }
        }
        taken.push(text_box(at, size, pos));
        area.draw(&Text::new(
            title,
            (at.0.round() as i32, at.1.round() as i32),
            title_font.clone().pos(pos),
        ))
        .map_err(err)?;
    }
    // Tick labels: the vertical axis's first, each where plotters would put it.
    for idx in [1, 0, 2] {
        let (start, _, dir) = edges[idx];
        for (v, words) in &text.ticks[idx] {
            if counts[idx] == 0 {
                break;
            }
            let mut p = [start.0, start.1, start.2];
            p[idx] = *v;
            let (x, y) = screen(&(p[0], p[1], p[2]));
            let h = match dir.0.cmp(&0) {
                std::cmp::Ordering::Less => HPos::Right,
                std::cmp::Ordering::Greater => HPos::Left,
                std::cmp::Ordering::Equal => HPos::Center,
            };
            let v_pos = match dir.1.cmp(&0) {
                std::cmp::Ordering::Less => VPos::Bottom,
                std::cmp::Ordering::Greater => VPos::Top,
                std::cmp::Ordering::Equal => VPos::Center,
            };
            let pos = Pos::new(h, v_pos);
            let at = (x + 2.0 * f64::from(dir.0), y + 2.0 * f64::from(dir.1));
            let b = text_box(at, measure(area, words, &labels), pos);
            if inside(&b) && !taken.iter().any(|t| overlap(t, &b)) {
                taken.push(b);
                placed_labels.push((words.clone(), at, pos));
            }
        }
    }
    for (words, at, pos) in placed_labels {
        area.draw(&Text::new(
            words,
            (at.0.round() as i32, at.1.round() as i32),
            labels.clone().pos(pos),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The chart's `(start, end)` along x, height and (reversed) y, in plotters' axis order.
fn ranges(view: &View) -> [(f64, f64); 3] {
    [
        (view.x_min, view.x_max),
        (0.0, 1.0),
        (view.y_max, view.y_min),
    ]
}

/// The edges of the box plotters 0.3.7 draws its three axes on, as `(start, end)`, in its
/// axis order (x, height, y): for each axis, among the box edges parallel to it that lie on a
/// back panel, the one nearest the viewer (lowest on screen on a tie).
fn axis_edges(coord: &Coord3, view: &View) -> [(P3, P3); 3] {
    let r = ranges(view);
    let as_p3 = |p: [f64; 3]| (p[0], p[1], p[2]);
    let depth = |p: [f64; 3]| i64::from(coord.projected_depth(&p[0], &p[1], &p[2]));
    // The back panel across each axis: where along it plotters puts that panel.
    let back: [f64; 3] = std::array::from_fn(|i| {
        let a = [r[0].0, r[1].0, r[2].0];
        let mut c = a;
        c[i] = r[i].1;
        if depth(a) >= depth(c) { r[i].0 } else { r[i].1 }
    });
    std::array::from_fn(|idx| {
        let mut start = [r[0].0, r[1].0, r[2].0];
        let mut end = [r[0].1, r[1].1, r[2].1];
        let mut plan = Vec::with_capacity(4);
        for i in (0..3).filter(|&i| i != idx) {
            start[i] = back[i];
            end[i] = back[i];
            for j in (0..3).filter(|&j| j != i && j != idx) {
                for v in [r[j].0, r[j].1] {
                    start[j] = v;
                    end[j] = v;
                    plan.push((start, end));
                }
            }
        }
        let key = |&(s, e): &([f64; 3], [f64; 3])| {
            let y = coord.translate(&as_p3(s)).1 + coord.translate(&as_p3(e)).1;
            (depth(s) + depth(e), y)
        };
        let (s, e) = plan
            .iter()
            .min_by_key(|c| key(c))
            .copied()
            .unwrap_or((start, end));
        (as_p3(s), as_p3(e))
    })
}
