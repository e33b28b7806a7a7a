//! Clipping to a view: plotters maps points outside its coordinate range onto the range's
//! edge, which bends a line that leaves the plot; lines are cut at the view's edge here first.

use crate::core::surface::View;

/// The clipped part of segment `a → b` inside `view` (Liang–Barsky), or `None`.
pub(crate) fn clip_segment(a: [f64; 2], b: [f64; 2], view: &View) -> Option<([f64; 2], [f64; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let checks = [
        (-d[0], a[0] - view.x_min),
        (d[0], view.x_max - a[0]),
        (-d[1], a[1] - view.y_min),
        (d[1], view.y_max - a[1]),
    ];
    for (p, q) in checks {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    // (`f64::max` and `min` drop NaN ratios, so t0 and t1 are numbers.)
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            [a[0] * (1.0 - t) + b[0] * t, a[1] * (1.0 - t) + b[1] * t]
        }
    };
    Some((at(t0), at(t1)))
}

pub(crate) fn inside(p: [f64; 2], view: &View) -> bool {
    p[0] >= view.x_min && p[0] <= view.x_max && p[1] >= view.y_min && p[1] <= view.y_max
}

/// The parts of `points` inside `view`, as polylines in the plane. Points that are not finite
/// or lie absurdly far from the view break the line.
pub(crate) fn clip_path(points: &[[f64; 2]], view: &View) -> Vec<Vec<[f64; 2]>> {
    let (cx, cy) = (
        (view.x_min + view.x_max) / 2.0,
        (view.y_min + view.y_max) / 2.0,
    );
    let reach = 1e6 * (view.x_max - view.x_min).max(view.y_max - view.y_min);
    let sane = |p: &[f64; 2]| {
        p[0].is_finite()
            && p[1].is_finite()
            && (p[0] - cx).abs() < reach
            && (p[1] - cy).abs() < reach
    };
    let mut paths = Vec::new();
    let mut cur: Vec<[f64; 2]> = Vec::new();
    if let [p] = points
        && sane(p)
        && inside(*p, view)
    {
        return vec![vec![*p]];
    }
    for w in points.windows(2) {
        let clipped = if sane(&w[0]) && sane(&w[1]) {
            clip_segment(w[0], w[1], view)
        } else {
            None
        };
        match clipped {
            Some((c0, c1)) => {
                if cur.last() != Some(&c0) {
                    if cur.len() > 1 {
                        paths.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(c0);
                }
                cur.push(c1);
            }
            None => {
                if cur.len() > 1 {
                    paths.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() > 1 {
        paths.push(cur);
    }
    paths
}
