//! The contours' marching squares (`optiviz::render::isolines`) against georust's `contour`
//! crate, which traced them before: on random grids and on every surface, each level's
//! segments are the crate's, bit for bit, once the rings the crate closes along the grid's
//! border are cut there (as the page cut them); and the polylines are joined as lines are.
//! Native only: the crate and proptest are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]

use contour::ContourBuilder;
use optiviz::core::surface::{Surface, View};
use optiviz::render::field::{
    CONTOUR_RESOLUTION, CONTOUR_TOLERANCE_PX, Field, contour_lines, contour_resolution,
};
use optiviz::render::isolines::{isolines, simplify};
use proptest::prelude::*;

/// A segment as two points' bits, its ends in a fixed order.
type Segment = [[u64; 2]; 2];

fn segment(a: [f64; 2], b: [f64; 2]) -> Segment {
    let (a, b) = (a.map(f64::to_bits), b.map(f64::to_bits));
    if a <= b { [a, b] } else { [b, a] }
}

/// Every segment of `lines` (consecutive points), sorted.
fn segments(lines: &[Vec<[f64; 2]>]) -> Vec<Segment> {
    let mut out: Vec<Segment> = lines
        .iter()
        .flat_map(|l| l.windows(2).map(|w| segment(w[0], w[1])))
        .collect();
    out.sort_unstable();
    out
}

/// The crate's lines at `threshold` in grid coordinates, its rings cut where they run along
/// the border (a point exactly on it), as `contour_lines` cut them when it used the crate.
fn crate_lines(values: &[f64], (cols, rows): (usize, usize), threshold: f64) -> Vec<Vec<[f64; 2]>> {
    let lines = ContourBuilder::new(cols, rows, true)
        .lines(values, &[threshold])
        .expect("cols × rows values");
    let on_border = |x: f64, y: f64| x == 0.0 || y == 0.0 || x == cols as f64 || y == rows as f64;
    let mut out = Vec::new();
    for line in lines {
        for ring in line.geometry().0.iter() {
            let mut path: Vec<[f64; 2]> = Vec::new();
            for c in &ring.0 {
                if on_border(c.x, c.y) {
                    if path.len() > 1 {
                        out.push(std::mem::take(&mut path));
                    }
                    path.clear();
                } else {
                    path.push([c.x, c.y]);
                }
            }
            if path.len() > 1 {
                out.push(path);
            }
        }
    }
    out
}

/// `lines` are `segs` joined as lines are: each line has at least one segment, no segment is
/// in two lines (checked by the caller's segment count), and a line is either closed (its
/// last point its first) or open at both ends (no other line continues it there).
fn joined_as_lines(lines: &[Vec<[f64; 2]>]) {
    let mut ends = Vec::new();
    for line in lines {
        assert!(line.len() >= 2, "a line of one point");
        let (first, last) = (line[0], line[line.len() - 1]);
        if first != last {
            ends.push(first.map(f64::to_bits));
            ends.push(last.map(f64::to_bits));
        }
    }
    let mut sorted = ends.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        ends.len(),
        "two open lines meet: one line cut in two"
    );
}

/// Compares every level of `values` with the crate's; with `joined`, checks that the lines
/// are joined as lines are (a grid whose values equal a threshold may have two lines end at
/// one grid point, each crossing there along another edge).
fn same_as_crate(values: &[f64], size: (usize, usize), thresholds: &[f64], joined: bool) {
    let ours = isolines(values, size, thresholds);
    assert_eq!(ours.len(), thresholds.len());
    for (lines, &t) in ours.iter().zip(thresholds) {
        let theirs = crate_lines(values, size, t);
        assert_eq!(segments(lines), segments(&theirs), "the segments at {t}");
        if joined {
            joined_as_lines(lines);
        }
    }
}

/// A grid of `cols × rows` values from `cells` (each a small integer over 8, so that values
/// equal to a threshold, and plateaus, are common), and some NaN.
fn grid(cells: &[u8], cols: usize, rows: usize) -> Vec<f64> {
    cells[..cols * rows]
        .iter()
        .map(|&c| {
            if c == 255 {
                f64::NAN
            } else {
                f64::from(c % 9) / 8.0
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_levels_segments_are_the_crates(
        cols in 1usize..14,
        rows in 1usize..14,
        cells in proptest::collection::vec(any::<u8>(), 196),
        levels in 1usize..8,
    ) {
        let values = grid(&cells, cols, rows);
        let thresholds: Vec<f64> = (1..=levels).map(|k| k as f64 / (levels + 1) as f64).collect();
        same_as_crate(&values, (cols, rows), &thresholds, false);
    }

    #[test]
    fn smooth_random_fields_too(
        seed in proptest::collection::vec(-3.0f64..3.0, 6),
        cols in 2usize..40,
        rows in 2usize..40,
    ) {
        // A sum of waves: long closed rings and lines through the border.
        let values: Vec<f64> = (0..rows)
            .flat_map(|j| (0..cols).map(move |i| (i as f64 / 5.0, j as f64 / 5.0)))
            .map(|(x, y)| {
                let f = (seed[0] * x).sin() * (seed[1] * y).cos() + (seed[2] * x + seed[3] * y).sin()
                    + seed[4] * x * y / 20.0 + seed[5];
                1.0 / (1.0 + (-f).exp())
            })
            .collect();
        same_as_crate(&values, (cols, rows), &[0.2, 0.35, 0.5, 0.65, 0.8], true);
    }
}

#[test]
fn every_surfaces_page_contours_are_the_crates() {
    // The page's 14 levels on its 160 × 160 grid, over each built-in surface's default view.
    for surface in Surface::all() {
        let view = surface.default_view();
        let field = Field::new(surface.clone(), view);
        let n = 160;
        let (dx, dy) = (
            (view.x_max - view.x_min) / n as f64,
            (view.y_max - view.y_min) / n as f64,
        );
        let values: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k % n, k / n);
                let p = [
                    view.x_min + (i as f64 + 0.5) * dx,
                    view.y_min + (j as f64 + 0.5) * dy,
                ];
                field.scaling.normalize(surface.value(p))
            })
            .collect();
        let thresholds: Vec<f64> = (1..=14).map(|k| k as f64 / 15.0).collect();
        same_as_crate(&values, (n, n), &thresholds, true);
        // And contour_lines puts them in the view: grid point (i, j) at its cell's centre.
        let lines = contour_lines(&values, (n, n), &view, 14);
        let inside = |&(x, y): &(f64, f64)| {
            x > view.x_min + dx * 0.49
                && x < view.x_max - dx * 0.49
                && y > view.y_min + dy * 0.49
                && y < view.y_max - dy * 0.49
        };
        assert!(
            lines.iter().all(|l| l.paths.iter().flatten().all(inside)),
            "{}",
            surface.info().id
        );
        assert!(
            lines.iter().map(|l| l.paths.len()).sum::<usize>() > 0,
            "{} has contours",
            surface.info().id
        );
    }
}

#[test]
fn a_known_ring_and_line() {
    // A single peak in a 3 × 3 grid (value (i, j) at (i + ½, j + ½)): the level ½ is a
    // closed diamond around the centre, (1½, 1½), through the midpoints of the four edges from
    // it (values 0 and 1: halfway).
    let values = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let lines = isolines(&values, (3, 3), &[0.5]);
    assert_eq!(lines[0].len(), 1);
    let ring = &lines[0][0];
    assert_eq!(ring.len(), 5, "four points and the first again");
    assert_eq!(ring[0], ring[4]);
    let mut points: Vec<[f64; 2]> = ring[..4].to_vec();
    points.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(points, [[1.0, 1.5], [1.5, 1.0], [1.5, 2.0], [2.0, 1.5]]);
    // A ramp rising to the right: the level ¼ is one straight open line, at a quarter of the
    // way from the first column (x = ½) to the second (x = 1½).
    let ramp = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
    let mut lines = isolines(&ramp, (2, 3), &[0.25]);
    assert_eq!(lines[0].len(), 1);
    let line = &mut lines[0][0];
    if line[0][1] > line[line.len() - 1][1] {
        line.reverse();
    }
    assert_eq!(*line, [[0.75, 0.5], [0.75, 1.5], [0.75, 2.5]]);
    // A view too narrow has none.
    assert_eq!(
        isolines(&[0.0, 1.0], (2, 1), &[0.5]),
        vec![Vec::<Vec<[f64; 2]>>::new()]
    );
}

#[test]
fn the_surface_contours_are_drawn_from_the_same_lines() {
    // Field::contours goes through contour_lines: its levels are k/15 and it has lines.
    let s = Surface::from_id("himmelblau").unwrap();
    let field = Field::new(s.clone(), s.default_view());
    let lines = field.contours(14, 160);
    assert_eq!(lines.len(), 14);
    for (k, line) in lines.iter().enumerate() {
        assert_eq!(line.level, (k + 1) as f64 / 15.0);
    }
    let view: View = field.view;
    assert!(lines.iter().all(|l| {
        l.paths
            .iter()
            .flatten()
            .all(|&(x, y)| view.x_min < x && x < view.x_max && view.y_min < y && y < view.y_max)
    }));
}

/// The distance from `p` to the segment `a`–`b`, every point scaled by `scale` first.
fn distance_scaled(p: (f64, f64), a: (f64, f64), b: (f64, f64), scale: (f64, f64)) -> f64 {
    let s = |q: (f64, f64)| (q.0 * scale.0, q.1 * scale.1);
    let (p, a, b) = (s(p), s(a), s(b));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// `kept` is `points` with some left out, the ends kept, and every point left out within
/// `tolerance` (scaled) of the kept segment around it.
fn a_faithful_simplification(
    points: &[(f64, f64)],
    kept: &[(f64, f64)],
    scale: (f64, f64),
    tolerance: f64,
) {
    if points.len() < 2 {
        assert_eq!(kept, points);
        return;
    }
    assert_eq!(kept.first(), points.first());
    assert_eq!(kept.last(), points.last());
    // Walk both: each kept point is the next equal point of the line.
    let mut at = 0;
    for pair in kept.windows(2) {
        let start = at;
        assert_eq!(points[start], pair[0]);
        at = start
            + 1
            + points[start + 1..]
                .iter()
                .position(|&p| p == pair[1])
                .expect("kept points come from the line, in order");
        for &p in &points[start + 1..at] {
            let e = distance_scaled(p, pair[0], pair[1], scale);
            assert!(e <= tolerance + 1e-9, "{p:?} is {e} from the kept segment");
        }
    }
    assert_eq!(at, points.len() - 1);
}

proptest! {
    /// A random walk simplified at any scale and tolerance keeps its ends and leaves out only
    /// points within the tolerance of what is kept.
    #[test]
    fn simplified_lines_stay_within_the_tolerance(
        steps in prop::collection::vec((-1.0f64..1.0, -1.0f64..1.0), 0..60),
        scale in (0.1f64..20.0, 0.1f64..20.0),
        tolerance in 0.0f64..2.0,
    ) {
        let mut p = (0.0, 0.0);
        let points: Vec<(f64, f64)> = steps.iter().map(|d| { p = (p.0 + d.0, p.1 + d.1); p }).collect();
        let kept = simplify(&points, scale, tolerance);
        a_faithful_simplification(&points, &kept, scale, tolerance);
    }
}

#[test]
fn a_zigzag_is_kept_above_the_tolerance_and_flattened_below_it() {
    let zigzag = [(0.0, 0.0), (1.0, 0.6), (2.0, 0.0), (3.0, 0.6), (4.0, 0.0)];
    // Each peak is 0.6 off the whole line; once the first is kept, the second is
    // 2 · 0.6 / √(3² + 0.6²) = 0.39 off the line from it to the end, and the valley between
    // them 0.6 off theirs: all stay at 0.25.
    assert_eq!(simplify(&zigzag, (1.0, 1.0), 0.25), zigzag);
    let ends = [(0.0, 0.0), (4.0, 0.0)];
    assert_eq!(simplify(&zigzag, (1.0, 1.0), 0.65), ends);
    // Drawn at a quarter of a pixel per unit up, the peaks are 0.15 pixels off.
    assert_eq!(simplify(&zigzag, (1.0, 0.25), 0.25), ends);
    // A straight line, a point, a ring (its ends one point).
    let straight: Vec<(f64, f64)> = (0..50)
        .map(|i| (f64::from(i), 2.0 * f64::from(i)))
        .collect();
    assert_eq!(
        simplify(&straight, (1.0, 1.0), 0.01),
        [(0.0, 0.0), (49.0, 98.0)]
    );
    assert_eq!(simplify(&[(1.0, 1.0)], (1.0, 1.0), 0.25), [(1.0, 1.0)]);
    let ring = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)];
    assert_eq!(simplify(&ring, (1.0, 1.0), 0.25), ring);
}

#[test]
fn every_surfaces_drawn_contours_are_the_traced_ones_within_a_quarter_pixel() {
    // As the page draws them on a 1035-pixel square plot.
    let mut before = 0;
    let mut after = 0;
    for surface in Surface::all() {
        let field = Field::new(surface.clone(), surface.default_view());
        let traced = field.contours(
            14,
            contour_resolution(surface.eval_cost(), CONTOUR_RESOLUTION),
        );
        let drawn = field.drawn_contours(CONTOUR_RESOLUTION, 1035, 1035);
        let v = field.view;
        let scale = (1035.0 / (v.x_max - v.x_min), 1035.0 / (v.y_max - v.y_min));
        for (t, d) in traced.iter().zip(&drawn) {
            assert_eq!(t.level, d.level);
            for (tp, dp) in t.paths.iter().zip(&d.paths) {
                a_faithful_simplification(tp, dp, scale, CONTOUR_TOLERANCE_PX);
                before += tp.len();
                after += dp.len();
            }
        }
    }
    // Marching squares' points are a few pixels apart on smooth lines: most go.
    assert!(after * 2 < before, "{before} points drawn as {after}");
}
