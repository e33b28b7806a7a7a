//! The 3D surface view, rendered into memory and checked pixel by pixel: the viridis mesh
//! (each face in the colour of its own height, Rosenbrock's valley without a saw-tooth),
//! trajectories where they belong (hidden behind a hill), the camera, the axis titles, and
//! inputs that must not panic.
//!
//! Plotters is built here without a font feature, so on native targets it uses its "naive"
//! font backend: text is measured by a rough estimate, and drawing a glyph panics ("The font
//! implementation is unable to draw text"). Every render therefore goes through [`Probe`], a
//! backend that forwards everything to a `BitMapBackend` except text, which it records instead
//! of drawing; the pixels checked are those of the shapes alone.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::probe::Probe;

use optiviz::core::surface::{Surface, View};
use optiviz::render::mesh::Mesh;
use optiviz::render::{Camera, Field, Theme, TrajectorySeries, draw_surface_3d};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::cell::RefCell;
use std::f64::consts::FRAC_PI_2;
use std::rc::Rc;

const W: u32 = 480;
const H: u32 = 360;
/// The page's background, as the app fills it before drawing.
const PAGE: (u8, u8, u8) = (16, 17, 22);
const RED: RGBColor = RGBColor(255, 82, 82);

/// An RGB image and the texts drawn on it.
struct Render {
    rgb: Vec<u8>,
    texts: Vec<String>,
    width: u32,
}

impl Render {
    fn pixels(&self) -> impl Iterator<Item = (u32, u32, (u8, u8, u8))> + '_ {
        self.rgb.chunks_exact(3).enumerate().map(|(i, c)| {
            let i = i as u32;
            (i % self.width, i / self.width, (c[0], c[1], c[2]))
        })
    }
}

fn render_sized(
    field: &Field,
    runs: &[TrajectorySeries<'_>],
    camera: Camera,
    (w, h): (u32, u32),
    theme: &Theme,
) -> Result<Render, String> {
    let mut rgb = [PAGE.0, PAGE.1, PAGE.2].repeat((w * h) as usize);
    let texts = Rc::new(RefCell::new(Vec::new()));
    {
        let probe = Probe::new(&mut rgb, (w, h), Rc::clone(&texts));
        let area: DrawingArea<Probe<'_>, Shift> = probe.into_drawing_area();
        draw_surface_3d(&area, field, runs, camera, theme).map_err(|e| e.to_string())?;
        area.present().map_err(|e| e.to_string())?;
    }
    let texts = texts.borrow().clone();
    Ok(Render {
        rgb,
        texts,
        width: w,
    })
}

fn render(field: &Field, runs: &[TrajectorySeries<'_>], camera: Camera) -> Render {
    render_sized(field, runs, camera, (W, H), &Theme::default()).expect("drawing succeeds")
}

fn field(surface: Surface) -> Field {
    let view = surface.default_view();
    Field::new(surface, view)
}

fn bowl() -> Surface {
    Surface::Bowl {
        condition: 1.0,
        angle: 0.0,
    }
}

fn run<'a>(points: &'a [[f64; 2]]) -> TrajectorySeries<'a> {
    TrajectorySeries {
        label: "run",
        color: RED,
        points,
        diverged: false,
        arrows: None,
    }
}

/// Looking straight down: the view should read like the heatmap, x right and y up.
const TOP: Camera = Camera {
    yaw: 0.0,
    pitch: FRAC_PI_2,
    scale: 1.0,
};

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u8 {
    a.0.abs_diff(b.0)
        .max(a.1.abs_diff(b.1))
        .max(a.2.abs_diff(b.2))
}

/// The viridis colours `t = k / 255`, as the mesh paints its opaque faces.
fn mesh_palette() -> Vec<(f64, (u8, u8, u8))> {
    (0..=255)
        .map(|k| {
            let t = f64::from(k) / 255.0;
            let c = ViridisRGB.get_color(t as f32);
            (t, (c.0, c.1, c.2))
        })
        .collect()
}

/// The viridis parameter `t` of the nearest mesh colour to `c`, if one is within 16 levels.
fn viridis_t(palette: &[(f64, (u8, u8, u8))], c: (u8, u8, u8)) -> Option<f64> {
    palette
        .iter()
        .map(|&(t, p)| (distance(p, c), t))
        .min_by_key(|&(d, _)| d)
        .filter(|&(d, _)| d <= 16)
        .map(|(_, t)| t)
}

/// Shares of the image in mesh colours: all of them, the lowest quarter, the highest quarter.
fn mesh_shares(r: &Render) -> (f64, f64, f64) {
    let palette = mesh_palette();
    let mut known = std::collections::HashMap::new();
    let n = r.rgb.len() as f64 / 3.0;
    let (mut all, mut low, mut high) = (0.0, 0.0, 0.0);
    for (_, _, c) in r.pixels() {
        if let Some(t) = *known.entry(c).or_insert_with(|| viridis_t(&palette, c)) {
            all += 1.0;
            if t < 0.25 {
                low += 1.0;
            }
            if t > 0.75 {
                high += 1.0;
            }
        }
    }
    (all / n, low / n, high / n)
}

/// Pixels in a run's colour inside `x` columns, and their mean position.
fn run_pixels(r: &Render, color: RGBColor, x: std::ops::Range<u32>) -> (usize, (f64, f64)) {
    let c = (color.0, color.1, color.2);
    let hits: Vec<(u32, u32)> = r
        .pixels()
        .filter(|&(px, _, p)| x.contains(&px) && distance(p, c) <= 8)
        .map(|(px, py, _)| (px, py))
        .collect();
    let n = hits.len().max(1) as f64;
    let mean = hits.iter().fold((0.0, 0.0), |(sx, sy), &(px, py)| {
        (sx + f64::from(px) / n, sy + f64::from(py) / n)
    });
    (hits.len(), mean)
}

/// Columns away from the legend (drawn at the upper right), where the box lies.
const PLOT_COLUMNS: std::ops::Range<u32> = 60..400;

#[test]
fn the_mesh_paints_much_of_the_area_in_viridis() {
    let zoomed = Camera {
        scale: 2.0,
        ..Camera::default()
    };
    for surface in [Surface::Rosenbrock, bowl(), Surface::Himmelblau] {
        let r = render(&field(surface.clone()), &[], Camera::default());
        let drawn = r
            .pixels()
            .filter(|&(_, _, c)| distance(c, PAGE) > 12)
            .count() as f64
            / f64::from(W * H);
        let (all, low, high) = mesh_shares(&r);
        // The whole box fits whatever the angles, so at the default zoom it fills a part of
        // the area, nearly all of it mesh; zoomed in, the mesh covers much of the area.
        assert!(
            all > 0.12,
            "{surface:?}: mesh colours cover {all:.3} of the area"
        );
        assert!(
            all > 0.8 * drawn,
            "{surface:?}: mesh {all:.3} of {drawn:.3} drawn"
        );
        // Both ends of the colour map show (over a hundred pixels each).
        assert!(
            low > 1e-3,
            "{surface:?}: low viridis colours cover {low:.4}"
        );
        assert!(
            high > 1e-3,
            "{surface:?}: high viridis colours cover {high:.4}"
        );
        let (all, _, _) = mesh_shares(&render(&field(surface.clone()), &[], zoomed));
        assert!(
            all > 0.35,
            "{surface:?}: zoomed, mesh colours cover {all:.3}"
        );
    }
}

#[test]
fn the_mesh_is_coloured_by_height_like_the_heatmap() {
    // Straight down on the bowl ½(x² + y²): the centre is its lowest point, the corners its
    // highest, so the middle of the picture is dark viridis and the box's corners bright.
    let f = field(bowl());
    let r = render(&f, &[], TOP);
    let palette = mesh_palette();
    let at = |x: u32, y: u32| r.rgb[((y * W + x) * 3) as usize..][..3].to_vec();
    let t_at = |x: u32, y: u32| {
        let c = at(x, y);
        viridis_t(&palette, (c[0], c[1], c[2]))
    };
    // (The minimum's marker covers the very centre.)
    let centre = t_at(W / 2 + 12, H / 2).expect("the centre is mesh");
    assert!(centre < 0.1, "centre t = {centre}");
    // Along the middle row, the colour brightens away from the centre until the mesh ends.
    let row: Vec<f64> = (W / 2 + 12..W).map_while(|x| t_at(x, H / 2)).collect();
    assert!(
        row.len() > 40,
        "mesh spans {} columns right of centre",
        row.len()
    );
    assert!(
        row.last().copied().unwrap_or(0.0) > 0.3,
        "edge t = {:?}",
        row.last()
    );
    assert!(
        row.windows(8).step_by(8).all(|w| w[7] >= w[0] - 0.05),
        "{row:?}"
    );
}

#[test]
fn the_mesh_is_painted_back_to_front() {
    // The round bowl over a square view looks the same after a quarter turn, so the mesh's
    // colours must too; quads painted in a fixed order instead of back to front put the far
    // side over the near one from half of the directions, and the dark bottom shows through.
    let f = field(bowl());
    for yaw0 in [0.3, std::f64::consts::FRAC_PI_4] {
        let lows: Vec<f64> = (0..4)
            .map(|k| {
                let yaw = yaw0 + f64::from(k) * FRAC_PI_2;
                let camera = Camera {
                    yaw,
                    pitch: 0.3,
                    scale: 1.0,
                };
                mesh_shares(&render(&f, &[], camera)).1
            })
            .collect();
        let (lo, hi) = lows.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
        assert!(
            lo > 0.0 && hi < 1.4 * lo,
            "dark shares over quarter turns: {lows:?}"
        );
    }
}

#[test]
fn a_trajectory_appears_where_it_runs_and_not_without_runs() {
    let f = field(bowl());
    let none = render(&f, &[], TOP);
    assert_eq!(run_pixels(&none, RED, 0..W).0, 0, "red without any run");
    assert!(none.texts.iter().all(|t| t != "run"), "legend without runs");

    // Seen from straight above, x grows to the right and y upwards, as on the heatmap.
    let line = |from: [f64; 2], to: [f64; 2]| -> Vec<[f64; 2]> {
        (0..=20)
            .map(|k| {
                let t = f64::from(k) / 20.0;
                [
                    from[0] + (to[0] - from[0]) * t,
                    from[1] + (to[1] - from[1]) * t,
                ]
            })
            .collect()
    };
    let (cx, cy) = (f64::from(W) / 2.0, f64::from(H) / 2.0);
    let cases = [
        (line([-2.5, -0.5], [-1.0, 0.5]), (-1.0, 0.0)),
        (line([1.0, -0.5], [2.5, 0.5]), (1.0, 0.0)),
        (line([-0.5, 1.0], [0.5, 2.5]), (0.0, -1.0)),
        (line([-0.5, -2.5], [0.5, -1.0]), (0.0, 1.0)),
    ];
    for (points, (sx, sy)) in &cases {
        let r = render(&f, &[run(points)], TOP);
        let (n, (mx, my)) = run_pixels(&r, RED, PLOT_COLUMNS);
        assert!(n > 100, "only {n} red pixels for {points:?}");
        let (dx, dy) = (mx - cx, my - cy);
        // The mean lies at least 25 px from the centre on the expected side, and near the
        // centre line across it.
        assert!(
            dx * sx + dy * sy > 25.0,
            "mean ({mx:.0}, {my:.0}) for {points:?}"
        );
        assert!(
            (dx * sy - dy * sx).abs() < 15.0,
            "mean ({mx:.0}, {my:.0}) for {points:?}"
        );
        assert!(r.texts.iter().any(|t| t == "run"), "legend entry");
    }
}

#[test]
fn the_camera_turns_the_picture() {
    let f = field(Surface::Himmelblau);
    let pts = [[-0.3, -0.9], [0.5, 0.0], [2.0, 1.5], [3.0, 2.0]];
    let base = render(&f, &[run(&pts)], Camera::default());
    let again = render(&f, &[run(&pts)], Camera::default());
    assert!(
        base.rgb == again.rgb,
        "the same camera draws the same picture"
    );
    let differing = |r: &Render| {
        base.rgb
            .chunks_exact(3)
            .zip(r.rgb.chunks_exact(3))
            .filter(|(a, b)| a != b)
            .count() as f64
            / f64::from(W * H)
    };
    let turned = Camera {
        yaw: Camera::default().yaw + 1.0,
        ..Camera::default()
    };
    let d = differing(&render(&f, &[run(&pts)], turned));
    assert!(
        d > 0.15,
        "turning the yaw by 1 changed {d:.3} of the pixels"
    );
    let raised = Camera {
        pitch: Camera::default().pitch + 0.5,
        ..Camera::default()
    };
    let d = differing(&render(&f, &[run(&pts)], raised));
    assert!(
        d > 0.15,
        "raising the pitch by 0.5 changed {d:.3} of the pixels"
    );
    let zoomed = Camera {
        scale: 1.5,
        ..Camera::default()
    };
    let d = differing(&render(&f, &[run(&pts)], zoomed));
    assert!(d > 0.15, "zooming changed {d:.3} of the pixels");
}

#[test]
fn the_camera_is_clamped_to_its_ranges() {
    let c = Camera {
        yaw: 7.0,
        pitch: 4.0,
        scale: 100.0,
    }
    .clamped();
    assert!(
        (c.yaw - (7.0 - 2.0 * std::f64::consts::PI)).abs() < 1e-12,
        "{c:?}"
    );
    assert_eq!((c.pitch, c.scale), (Camera::MAX_PITCH, Camera::MAX_SCALE));
    let c = Camera {
        yaw: -4.0,
        pitch: -1.0,
        scale: 0.0,
    }
    .clamped();
    assert!(
        (c.yaw - (2.0 * std::f64::consts::PI - 4.0)).abs() < 1e-12,
        "{c:?}"
    );
    assert_eq!((c.pitch, c.scale), (Camera::MIN_PITCH, Camera::MIN_SCALE));
    let c = Camera {
        yaw: f64::NAN,
        pitch: f64::INFINITY,
        scale: f64::NEG_INFINITY,
    }
    .clamped();
    assert_eq!(c, Camera::default());
    assert_eq!(Camera::default().clamped(), Camera::default());

    // A pitch past straight-down draws straight down.
    let f = field(Surface::Rosenbrock);
    let steep = Camera { pitch: 3.0, ..TOP };
    assert!(render(&f, &[], steep).rgb == render(&f, &[], TOP).rgb);
}

#[test]
fn the_vertical_axis_is_titled_by_its_scale() {
    let log = render(&field(Surface::Rosenbrock), &[], Camera::default());
    let linear = render(&field(bowl()), &[], Camera::default());
    for r in [&log, &linear] {
        assert!(r.texts.iter().any(|t| t == "x"), "{:?}", r.texts);
        assert!(r.texts.iter().any(|t| t == "y"), "{:?}", r.texts);
    }
    assert!(
        log.texts.iter().any(|t| t == "f (log scale)"),
        "{:?}",
        log.texts
    );
    assert!(!log.texts.iter().any(|t| t == "f"), "{:?}", log.texts);
    assert!(linear.texts.iter().any(|t| t == "f"), "{:?}", linear.texts);
    assert!(
        !linear.texts.iter().any(|t| t.contains("log")),
        "{:?}",
        linear.texts
    );

    // Its ticks read in values of f, not in the scaled [0, 1]: the x and y labels stay within
    // the views (|v| ≤ 3), so the largest label is the vertical axis' top, the largest f in
    // view (Rosenbrock's ≈ 2.4·10³ there, the bowl's ½(3² + 3²) = 9 less half a sample).
    let largest = |r: &Render| {
        r.texts
            .iter()
            .filter_map(|t| t.parse::<f64>().ok())
            .fold(f64::NEG_INFINITY, f64::max)
    };
    assert!(largest(&log) > 1000.0, "{:?}", log.texts);
    assert!(
        (7.0..=9.0).contains(&largest(&linear)),
        "{:?}",
        linear.texts
    );

    // From straight above the vertical axis is seen end-on: no title, no labels.
    let top = render(&field(bowl()), &[], TOP);
    assert!(top.texts.iter().any(|t| t == "x"), "{:?}", top.texts);
    assert!(!top.texts.iter().any(|t| t == "f"), "{:?}", top.texts);
    assert!(largest(&top) <= 3.0, "{:?}", top.texts);
}

#[test]
fn short_and_diverging_runs_draw_without_panicking() {
    let f = field(Surface::Rosenbrock);
    let plain = mesh_shares(&render(&f, &[], Camera::default())).0;

    // A single point: just its head (and the start ring), in the run's colour.
    let one = [[0.0, 2.0]];
    let r = render(&f, &[run(&one)], Camera::default());
    let (n, _) = run_pixels(&r, RED, PLOT_COLUMNS);
    assert!(n > 20, "a one-point run shows its head: {n} pixels");

    // A run leaving the view for ever larger values: its part inside is drawn, the rest
    // clipped, and the picture is not thrown off.
    let diverging = [
        [0.0, 2.0],
        [0.5, 1.5],
        [1.5, 0.0],
        [40.0, -80.0],
        [1e10, -1e12],
        [1e300, 1e300],
        [-f64::MAX, f64::MAX],
        [f64::INFINITY, f64::NAN],
    ];
    let far = [[1e200, -1e200], [f64::MAX, f64::MAX]];
    let outside_only = [[10.0, 10.0], [20.0, -20.0]];
    let runs = [run(&diverging), run(&far), run(&outside_only), run(&[])];
    let r = render(&f, &runs, Camera::default());
    let (n, _) = run_pixels(&r, RED, PLOT_COLUMNS);
    assert!(n > 100, "the diverging run's part in view: {n} pixels");
    let share = mesh_shares(&r).0;
    assert!(
        (share - plain).abs() < 0.08,
        "mesh share {share:.3} with the runs, {plain:.3} without"
    );

    // Runs only outside the view leave nothing in their colour inside the box.
    let r = render(&f, &[run(&far), run(&outside_only)], TOP);
    assert_eq!(run_pixels(&r, RED, PLOT_COLUMNS).0, 0);
}

#[test]
fn trajectories_are_clipped_to_the_view() {
    // Seen from above, a run just beside the view draws nothing, and one leaving it stops at
    // its edge: no red right of the mesh's last column on the run's row.
    let f = field(bowl());
    let beside = [[3.3, -2.0], [3.6, 2.0]];
    let r = render(&f, &[run(&beside)], TOP);
    assert_eq!(
        run_pixels(&r, RED, PLOT_COLUMNS).0,
        0,
        "a run beside the view"
    );

    let leaving = [[0.0, 0.5], [1.5, 0.5], [4.5, 0.5], [9.0, 0.5]];
    let r = render(&f, &[run(&leaving)], TOP);
    let palette = mesh_palette();
    let red = (RED.0, RED.1, RED.2);
    let (n, (_, row)) = run_pixels(&r, RED, PLOT_COLUMNS);
    assert!(n > 50, "{n} red pixels");
    let row = row.round() as u32;
    let pixel = |x: u32| {
        let c = &r.rgb[((row * W + x) * 3) as usize..][..3];
        (c[0], c[1], c[2])
    };
    let mesh_end = (0..W)
        .filter(|&x| viridis_t(&palette, pixel(x)).is_some())
        .max()
        .expect("mesh on the run's row");
    let red_end = (0..W)
        .filter(|&x| distance(pixel(x), red) <= 8)
        .max()
        .expect("red on the run's row");
    assert!(red_end > W / 2 + 20, "the run reaches right: {red_end}");
    assert!(
        red_end <= mesh_end + 2,
        "red up to {red_end}, mesh up to {mesh_end}"
    );
}

#[test]
fn odd_areas_views_and_themes_do_not_panic() {
    let f = field(Surface::Rosenbrock);
    let pts = [[-1.2, 1.0], [0.0, 0.0], [1.0, 1.0]];
    let runs = [run(&pts)];
    for size in [
        (0, 0),
        (1, 1),
        (0, 300),
        (300, 0),
        (3, 200),
        (20, 20),
        (40, 40),
        (60, 30),
    ] {
        render_sized(&f, &runs, Camera::default(), size, &Theme::default())
            .unwrap_or_else(|e| panic!("{size:?}: {e}"));
    }
    for (dpr, font_px) in [
        (0.0, 13.0),
        (1e-9, 0.0),
        (3.0, 13.0),
        (1e6, 1e6),
        (1.0, 1e12),
        (1.0, -5.0),
        (1.0, f64::NAN),
        (-2.0, 13.0),
        (f64::NAN, 13.0),
    ] {
        let theme = Theme {
            dpr,
            font_px,
            ..Theme::default()
        };
        render_sized(&f, &runs, Camera::default(), (W, H), &theme)
            .unwrap_or_else(|e| panic!("{theme:?}: {e}"));
    }
    let wild = Camera {
        yaw: 1e300,
        pitch: -1e300,
        scale: 1e300,
    };
    render_sized(&f, &runs, wild, (W, H), &Theme::default()).expect("a wild camera draws");

    // Views that are no rectangle draw nothing; a huge one draws.
    let blank = [PAGE.0, PAGE.1, PAGE.2].repeat((W * H) as usize);
    for view in [
        View::new(1.0, 1.0, 0.0, 1.0),
        View::new(2.0, -2.0, -1.0, 3.0),
        View::new(f64::NAN, 1.0, 0.0, 1.0),
        View::new(-f64::INFINITY, 1.0, 0.0, 1.0),
        View::new(-f64::MAX, f64::MAX, 0.0, 1.0),
    ] {
        let f = Field::new(Surface::Rosenbrock, view);
        let r = render(&f, &runs, Camera::default());
        assert!(r.rgb == blank, "{view:?} drew something");
    }
    let huge = Field::new(Surface::Rosenbrock, View::new(-1e300, 1e300, -1e300, 1e300));
    render(&huge, &runs, Camera::default());
    let tiny = Field::new(bowl(), View::new(1.0, 1.0 + 1e-9, 0.0, 1e-9));
    render(&tiny, &runs, Camera::default());
}

#[test]
fn a_hill_hides_the_part_of_a_path_behind_it() {
    // The saddle x² − y² seen from low over its side of positive x: its ridge along x = 2
    // (f = 4 − y², the top of the box at y = 0) stands in front of the valley along x = 0 and
    // of the lower part of the far slope, which rises to the far ridge along x = −2. A path on
    // that lower part lies behind the near ridge; one near the top of the far slope shows
    // above it.
    let f = field(Surface::Saddle);
    let low = Camera {
        yaw: FRAC_PI_2,
        pitch: 0.15,
        scale: 1.0,
    };
    let behind = [[-1.3, 0.3], [-1.0, 0.0], [-0.3, -0.3]];
    let above = [[-1.95, 0.3], [-1.8, 0.0], [-1.6, -0.3]];
    // From above, both paths show.
    for points in [&behind, &above] {
        let (n, _) = run_pixels(&render(&f, &[run(points)], TOP), RED, PLOT_COLUMNS);
        assert!(n > 50, "from above, {n} red pixels for {points:?}");
    }
    let (n, _) = run_pixels(&render(&f, &[run(&above)], low), RED, PLOT_COLUMNS);
    assert!(n > 50, "the path above the ridge: {n} red pixels");
    // The path behind the ridge changes no pixel of the picture (its legend aside): neither
    // its line, nor its head, nor the start ring is drawn over the hill.
    let without = render(&f, &[], low);
    let with = render(&f, &[run(&behind)], low);
    let legend_rows = 50;
    let changed: Vec<_> = without
        .pixels()
        .zip(with.pixels())
        .filter(|((_, y, a), (_, _, b))| *y >= legend_rows && a != b)
        .map(|((x, y, a), (_, _, b))| (x, y, a, b))
        .collect();
    assert!(
        changed.is_empty(),
        "pixels changed by a path hidden behind the ridge: {changed:?}"
    );
}

#[test]
fn what_lies_on_the_hidden_side_of_the_surface_is_not_drawn() {
    // The mesh is an open sheet: from low over the saddle's near ridge (as above), under the
    // ridge's edge the viewer sees the underside of the slope falling from the ridge to the
    // valley. A path on that slope lies on its upper side, turned away: it is not drawn,
    // although no face lies in front of the face it is on.
    let f = field(Surface::Saddle);
    let low = Camera {
        yaw: FRAC_PI_2,
        pitch: 0.15,
        scale: 1.0,
    };
    let turned_away = [[1.6, 0.3], [1.2, 0.0], [0.7, -0.3]];
    let (n, _) = run_pixels(&render(&f, &[run(&turned_away)], TOP), RED, PLOT_COLUMNS);
    assert!(n > 50, "from above, {n} red pixels");
    let without = render(&f, &[], low);
    let with = render(&f, &[run(&turned_away)], low);
    let changed = without
        .pixels()
        .zip(with.pixels())
        .filter(|((_, y, a), (_, _, b))| *y >= 50 && a != b)
        .count();
    assert_eq!(changed, 0, "pixels changed by a path on the hidden side");
}

#[test]
fn each_face_is_coloured_by_its_own_height() {
    // Straight down on the bowl ½(x² + y²) over [−3, 3]², on a canvas large enough for each
    // face to cover a few pixels: the pixel at a face's centre has the viridis colour of the
    // face's own height, the mean of its corners' scaled values (computed here from the
    // formula), not of one corner (which would colour each face like its neighbour below or
    // to the left, half a face off).
    let f = field(bowl());
    let size = (900, 900);
    let r = render_sized(&f, &[], TOP, size, &Theme::default()).expect("drawing succeeds");
    let palette = mesh_palette();
    let at = |x: u32, y: u32| {
        let c = &r.rgb[((y * size.0 + x) * 3) as usize..][..3];
        (c[0], c[1], c[2])
    };
    let t_at = |x: u32, y: u32| viridis_t(&palette, at(x, y));
    // The mesh's extent on screen: along the middle row and column.
    let (mx, my) = (size.0 / 2, size.1 / 2);
    let span = |pixels: &mut dyn Iterator<Item = u32>, on: &dyn Fn(u32) -> bool| {
        let on: Vec<u32> = pixels.filter(|&p| on(p)).collect();
        (f64::from(on[0]), f64::from(on[on.len() - 1] + 1))
    };
    let (left, right) = span(&mut (0..size.0), &|x| t_at(x, my).is_some());
    let (top, bottom) = span(&mut (0..size.1), &|y| t_at(mx, y).is_some());
    let v = f.view;
    let pixel = |p: [f64; 2]| {
        (
            (left + (p[0] - v.x_min) / (v.x_max - v.x_min) * (right - left)) as u32,
            (bottom - (p[1] - v.y_min) / (v.y_max - v.y_min) * (bottom - top)) as u32,
        )
    };
    let height = |p: [f64; 2]| f.scaling.normalize(0.5 * (p[0] * p[0] + p[1] * p[1]));
    let mesh = Mesh::new(&f);
    let mut checked = 0;
    let colour_of = |face: &optiviz::render::mesh::Face| {
        let n = face.points.len() as f64;
        let centre = face
            .points
            .iter()
            .fold([0.0, 0.0], |c, p| [c[0] + p[0] / n, c[1] + p[1] / n]);
        let own = face
            .points
            .iter()
            .map(|p| height([p[0], p[1]]))
            .sum::<f64>()
            / n;
        let (x, y) = pixel(centre);
        (centre, own, t_at(x, y))
    };
    for face in &mesh.faces {
        let (centre, own, shown) = colour_of(face);
        // (The minimum's marker covers the middle.)
        if centre[0].hypot(centre[1]) < 0.6 {
            continue;
        }
        let shown = shown.unwrap_or_else(|| panic!("no mesh colour at {centre:?}"));
        assert!(
            (shown - own).abs() <= 0.01,
            "the face at {centre:?} of height {own:.4} is coloured {shown:.4}"
        );
        checked += 1;
    }
    assert!(checked > 1000, "{checked} faces checked");
    // Two faces mirrored through the centre have one height and one colour; two of different
    // heights, different colours.
    let face_at = |p: [f64; 2]| &mesh.faces[mesh.face_at(p).expect("in view")];
    let a = colour_of(face_at([0.8, 0.3]));
    let b = colour_of(face_at([-0.8, -0.3]));
    let c = colour_of(face_at([1.4, 0.3]));
    assert!((a.1 - b.1).abs() < 1e-12 && a.2 == b.2, "{a:?} {b:?}");
    assert!(c.1 > a.1 + 0.02 && c.2 > a.2, "{a:?} {c:?}");
}

#[test]
fn rosenbrocks_valley_on_a_log_scale_has_no_saw_tooth() {
    // Rosenbrock's valley, narrower than a cell of the mesh on its log scale, runs across the
    // grid. Where it forms the lower edge of the picture, that edge is the valley's floor
    // seen from the side. Precisely: for each pixel column the lowest pixel of the mesh (the
    // column's last point on the surface); traced from column to column, a smooth floor
    // falls to its lowest point and rises again, with a turn or two more where the
    // minimum's ✕ covers it. A saw-tooth turns at every tooth. Turns are counted ignoring
    // any movement of less than 1.5% of the image's height, and at most 4 are allowed. (The
    // mesh drawn from a 40 × 40 grid's corners alone turned 7 to 23 times here.)
    let f = field(Surface::Rosenbrock);
    assert!(f.scaling.log);
    let palette = mesh_palette();
    for (w, h) in [(752, 564), (383, 288)] {
        for (yaw, pitch) in [(0.6, 0.6), (0.6, 0.3), (0.6, 0.9), (0.3, 0.6), (2.0, 0.6)] {
            let camera = Camera {
                yaw,
                pitch,
                scale: 1.0,
            };
            let r = render_sized(&f, &[], camera, (w, h), &Theme::default()).unwrap();
            let mut known = std::collections::HashMap::new();
            let mut mesh = |x: u32, y: u32| {
                let c = &r.rgb[((y * w + x) * 3) as usize..][..3];
                *known
                    .entry((c[0], c[1], c[2]))
                    .or_insert_with(|| viridis_t(&palette, (c[0], c[1], c[2])).is_some())
            };
            let lowest: Vec<Option<f64>> = (0..w)
                .map(|x| (0..h).rev().find(|&y| mesh(x, y)).map(f64::from))
                .collect();
            let step = 0.015 * f64::from(h);
            let turns = turns(&lowest, step);
            assert!(
                turns <= 4,
                "{w} × {h}, yaw {yaw}, pitch {pitch}: the valley's edge turns {turns} times"
            );
        }
    }
}

/// How many times a sequence turns back (rising to falling or back), ignoring movements of
/// less than `step`; a gap (`None`) starts it afresh.
fn turns(values: &[Option<f64>], step: f64) -> usize {
    let mut turns = 0;
    // The direction so far (0 before any movement of `step`), and the extreme reached in it
    // (or the range seen before it).
    let (mut dir, mut lo, mut hi, mut extreme) = (0, f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for v in values {
        let Some(v) = *v else {
            (dir, lo, hi) = (0, f64::INFINITY, f64::NEG_INFINITY);
            continue;
        };
        match dir {
            0 => {
                (lo, hi) = (lo.min(v), hi.max(v));
                if v - lo > step {
                    (dir, extreme) = (1, v);
                } else if hi - v > step {
                    (dir, extreme) = (-1, v);
                }
            }
            1 if v > extreme => extreme = v,
            1 if extreme - v > step => (turns, dir, extreme) = (turns + 1, -1, v),
            -1 if v < extreme => extreme = v,
            -1 if v - extreme > step => (turns, dir, extreme) = (turns + 1, 1, v),
            _ => {}
        }
    }
    turns
}

#[test]
fn the_mesh_has_no_cracks_where_it_is_refined() {
    // Rosenbrock's valley on its log scale is drawn finer than the rest; every edge between
    // two faces, refined or not, is walked both ways by the two faces, point for point, so no
    // gap opens between them. Only the view's border has edges of one face.
    let f = field(Surface::Rosenbrock);
    let mesh = Mesh::new(&f);
    let refined = mesh.faces.len() - Mesh::QUADS * Mesh::QUADS;
    assert!(refined > 300, "{refined} more faces than the grid's");
    let key = |p: &[f64; 3]| p.map(f64::to_bits);
    let mut edges = std::collections::HashMap::new();
    for (i, face) in mesh.faces.iter().enumerate() {
        assert!(face.points.len() >= 4);
        for k in 0..face.points.len() {
            let (a, b) = (&face.points[k], &face.points[(k + 1) % face.points.len()]);
            assert!(edges.insert((key(a), key(b)), i).is_none(), "an edge twice");
        }
    }
    let v = f.view;
    let on_border = |p: [u64; 3]| {
        let (x, y) = (f64::from_bits(p[0]), f64::from_bits(p[1]));
        x == v.x_min || x == v.x_max || y == v.y_min || y == v.y_max
    };
    for &(a, b) in edges.keys() {
        let border = on_border(a) && on_border(b);
        assert_eq!(
            edges.contains_key(&(b, a)),
            !border,
            "the edge from {a:?} to {b:?}"
        );
    }
}

#[test]
fn a_typed_surface_undefined_in_places_draws_without_panicking() {
    // ln(x) is NaN for x < 0 and −∞ at 0; 1/(x·y) has poles along both axes.
    for text in ["ln(x) + y^2", "1/(x*y)", "ln(-1 - x^2)"] {
        let surface = Surface::custom(text).unwrap();
        let r = render(&field(surface), &[], Camera::default());
        assert!(r.width > 0, "{text}");
    }
}
