//! Isolines of a grid of values by marching squares, every level in one pass over the cells:
//! what the surface's and the lab's contours are traced with ([`super::field::contour_lines`]).
//!
//! The lines are those of georust's `contour` crate (a port of d3-contour), which traced them
//! here before: the same cases, the same choice at a saddle cell, the same linear
//! interpolation along each cell edge, bit for bit, with the rings it closes along the grid's
//! border cut there (such runs are not isolines). `tests/contours.rs` checks every segment
//! against the crate's. The crate walks the whole grid once per level and joins segments
//! through hash maps; a surface switch's 14 levels on a 160 × 160 grid cost the page about 3 ms
//! of wasm that way. Here a cell is looked at once: its corners' bands (how many thresholds
//! each reaches) tell at once which levels cross it, if any (most cells: none), and each
//! level's segments are joined through two arrays indexed by cell edge.

/// No segment (an edge slot's empty value).
const NONE: u32 = u32::MAX;

/// The isolines of `values`, a `cols × rows` grid (`values[i + j·cols]` at grid point
/// `(i, j)`), at each of `thresholds` (ascending): for each threshold, its polylines in grid
/// coordinates, where value `(i, j)` lies at `(i + ½, j + ½)`.
///
/// A point is inside a level when its value is at least the threshold (a NaN never is). Each
/// polyline runs through the crossings of the cell edges, placed by linear interpolation
/// between the edge's two values; a closed line ends with its first point again; a line
/// that reaches the grid's outer cells ends half a cell inside the border. A grid narrower
/// than 2 either way has no lines.
///
/// # Panics
///
/// When `values` does not hold `cols × rows` values.
pub fn isolines(
    values: &[f64],
    (cols, rows): (usize, usize),
    thresholds: &[f64],
) -> Vec<Vec<Vec<[f64; 2]>>> {
    assert_eq!(
        values.len(),
        cols * rows,
        "the grid holds cols × rows values"
    );
    debug_assert!(thresholds.is_sorted(), "thresholds ascend");
    if cols < 2 || rows < 2 {
        return vec![Vec::new(); thresholds.len()];
    }
    // Each value's band: how many thresholds it reaches (ascending, so a prefix of them).
    let bands: Vec<u32> = values
        .iter()
        .map(|&v| thresholds.partition_point(|&t| v >= t) as u32)
        .collect();
    // Each level's segments, as pairs of edges (see `Edges`).
    let mut segments: Vec<Vec<[u32; 2]>> = vec![Vec::new(); thresholds.len()];
    let edges = Edges { cols, rows };
    for y in 0..rows - 1 {
        let (below, above) = (&bands[y * cols..(y + 1) * cols], &bands[(y + 1) * cols..]);
        for x in 0..cols - 1 {
            // The crate's corner order: top left, top right, bottom right, bottom left.
            let corners = [above[x], above[x + 1], below[x + 1], below[x]];
            let lo = corners.iter().copied().min().unwrap_or(0);
            let hi = corners.iter().copied().max().unwrap_or(0);
            for level in lo + 1..=hi {
                let case = corners
                    .iter()
                    .enumerate()
                    .fold(0, |case, (bit, &b)| case | usize::from(b >= level) << bit);
                let out = &mut segments[level as usize - 1];
                for &[a, b] in CASES[case] {
                    out.push([edges.id(a, x, y), edges.id(b, x, y)]);
                }
            }
        }
    }
    let mut ends = Ends::new(edges.count());
    segments
        .iter()
        .zip(thresholds)
        .map(|(segs, &t)| {
            ends.link(segs);
            let lines = ends.walk(segs, |e| edges.point(e, values, t));
            ends.unlink(segs);
            lines
        })
        .collect()
}

/// A side of a cell: its bottom, top, left or right edge.
#[derive(Clone, Copy)]
enum Side {
    Bottom,
    Top,
    Left,
    Right,
}

/// The segments of each marching-squares case, as the sides they join, in `contour`'s order
/// (bit 0: the top-left corner inside, bit 1 the top right, bit 2 the bottom right, bit 3
/// the bottom left); at a saddle (5 and 10) the corners inside are cut off one by one, as the
/// crate does.
const CASES: [&[[Side; 2]]; 16] = {
    use Side::{Bottom as B, Left as L, Right as R, Top as T};
    [
        &[],
        &[[T, L]],
        &[[R, T]],
        &[[R, L]],
        &[[B, R]],
        &[[T, L], [B, R]],
        &[[B, T]],
        &[[B, L]],
        &[[L, B]],
        &[[T, B]],
        &[[L, B], [R, T]],
        &[[R, B]],
        &[[L, R]],
        &[[T, R]],
        &[[L, T]],
        &[],
    ]
};

/// The cell edges of a `cols × rows` grid, numbered: the horizontal edge from grid point
/// `(x, y)` to `(x + 1, y)` is `y·cols + x`, the vertical one from `(x, y)` to `(x, y + 1)` is
/// `cols·rows + y·cols + x`.
#[derive(Clone, Copy)]
struct Edges {
    cols: usize,
    rows: usize,
}

impl Edges {
    fn count(&self) -> usize {
        2 * self.cols * self.rows
    }

    /// The edge on `side` of the cell whose bottom-left corner is grid point `(x, y)`.
    fn id(&self, side: Side, x: usize, y: usize) -> u32 {
        let vertical = self.cols * self.rows;
        (match side {
            Side::Bottom => y * self.cols + x,
            Side::Top => (y + 1) * self.cols + x,
            Side::Left => vertical + y * self.cols + x,
            Side::Right => vertical + y * self.cols + x + 1,
        }) as u32
    }

    /// Where threshold `t` crosses edge `e`, linearly between its two values, with the
    /// crate's arithmetic in the crate's order (`p + (t − v₀)/(v₁ − v₀) − ½`, `p` the edge's
    /// far end in the crate's half-shifted coordinates).
    fn point(&self, e: u32, values: &[f64], t: f64) -> [f64; 2] {
        let (e, cols) = (e as usize, self.cols);
        let vertical = cols * self.rows;
        if e < vertical {
            let (x, y) = (e % cols, e / cols);
            let (v0, v1) = (values[e], values[e + 1]);
            [(x + 1) as f64 + (t - v0) / (v1 - v0) - 0.5, y as f64 + 0.5]
        } else {
            let e = e - vertical;
            let (x, y) = (e % cols, e / cols);
            let (v0, v1) = (values[e], values[e + cols]);
            [x as f64 + 0.5, (y + 1) as f64 + (t - v0) / (v1 - v0) - 0.5]
        }
    }
}

/// For each edge, the (at most two) segments of one level that end on it: an edge is shared
/// by two cells, and each cell has at most one segment of a level on each of its sides.
struct Ends {
    first: Vec<u32>,
    second: Vec<u32>,
    /// Whether each segment of the level is already in a line (room reused level to level).
    used: Vec<bool>,
}

impl Ends {
    fn new(edges: usize) -> Ends {
        Ends {
            first: vec![NONE; edges],
            second: vec![NONE; edges],
            used: Vec::new(),
        }
    }

    /// Enters `segs`' ends.
    fn link(&mut self, segs: &[[u32; 2]]) {
        for (s, seg) in segs.iter().enumerate() {
            for &e in seg {
                let e = e as usize;
                if self.first[e] == NONE {
                    self.first[e] = s as u32;
                } else {
                    self.second[e] = s as u32;
                }
            }
        }
        self.used.clear();
        self.used.resize(segs.len(), false);
    }

    /// Clears `segs`' ends, for the next level.
    fn unlink(&mut self, segs: &[[u32; 2]]) {
        for &e in segs.iter().flatten() {
            self.first[e as usize] = NONE;
            self.second[e as usize] = NONE;
        }
    }

    /// The other segment than `s` ending on edge `e`, if any.
    fn next(&self, e: u32, s: u32) -> Option<u32> {
        let (a, b) = (self.first[e as usize], self.second[e as usize]);
        let other = if a == s { b } else { a };
        (other != NONE).then_some(other)
    }

    /// `segs` joined into polylines of `point(edge)`: first the open ones, from an edge only
    /// one segment ends on, then the closed ones.
    fn walk(&mut self, segs: &[[u32; 2]], point: impl Fn(u32) -> [f64; 2]) -> Vec<Vec<[f64; 2]>> {
        let mut lines = Vec::new();
        for closed in [false, true] {
            for (s, &[a, b]) in segs.iter().enumerate() {
                if self.used[s] {
                    continue;
                }
                // An open line starts at an edge no other segment ends on.
                let start = if closed || self.next(a, s as u32).is_none() {
                    a
                } else if self.next(b, s as u32).is_none() {
                    b
                } else {
                    continue;
                };
                let mut line = vec![point(start)];
                let (mut s, mut at) = (s as u32, start);
                loop {
                    self.used[s as usize] = true;
                    let [a, b] = segs[s as usize];
                    at = if at == a { b } else { a };
                    line.push(point(at));
                    match self.next(at, s) {
                        Some(n) if !self.used[n as usize] => s = n,
                        _ => break,
                    }
                }
                lines.push(line);
            }
        }
        lines
    }
}

/// `points` with the points dropped that lie within `tolerance` of the polyline left
/// (Ramer–Douglas–Peucker), distances measured with x scaled by `scale.0` and y by `scale.1`
/// (pixels per unit, so the tolerance is in pixels): the first and last points stay, and each
/// dropped point is within `tolerance` of the kept segment that spans it.
///
/// Marching squares puts a point on every cell edge a line crosses, a few pixels apart on the
/// page, though a contour is smooth over dozens of them: a browser without a GPU strokes every
/// one of those segments (the page's contours cost Chromium 6–8 ms of its commit at 1035²), and
/// a quarter of a pixel off (plotters rounds every point to a whole pixel anyway) they are
/// 4–10 times fewer. Written here rather than taken from `geo`, whose `Simplify` would bring a
/// geometry library into a page that is already too large for this one loop.
pub fn simplify(points: &[(f64, f64)], scale: (f64, f64), tolerance: f64) -> Vec<(f64, f64)> {
    let n = points.len();
    if n < 3 {
        return points.to_vec();
    }
    let px = |i: usize| (points[i].0 * scale.0, points[i].1 * scale.1);
    let mut keep = vec![false; n];
    (keep[0], keep[n - 1]) = (true, true);
    // Spans still to look at, as (first, last) kept points: a stack, not recursion, so a line
    // of any length is safe.
    let mut spans = vec![(0, n - 1)];
    while let Some((i, j)) = spans.pop() {
        let (a, b) = (px(i), px(j));
        let d = (b.0 - a.0, b.1 - a.1);
        let dd = d.0 * d.0 + d.1 * d.1;
        // Squared distances, compared with the tolerance squared: no root per point.
        let (mut worst, mut at) = (tolerance * tolerance, None);
        for k in i + 1..j {
            let p = px(k);
            // Distance from p to the segment a–b (to a, when a and b are one point).
            let t = if dd > 0.0 {
                (((p.0 - a.0) * d.0 + (p.1 - a.1) * d.1) / dd).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (p.0 - a.0 - t * d.0, p.1 - a.1 - t * d.1);
            // (A point whose distance is not a number is kept, as if infinitely far.)
            let e = ex * ex + ey * ey;
            let e = if e.is_nan() { f64::INFINITY } else { e };
            if e > worst {
                (worst, at) = (e, Some(k));
            }
        }
        if let Some(k) = at {
            keep[k] = true;
            spans.extend([(i, k), (k, j)]);
        }
    }
    points
        .iter()
        .zip(&keep)
        .filter_map(|(&p, &k)| k.then_some(p))
        .collect()
}
