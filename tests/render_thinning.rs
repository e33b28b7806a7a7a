//! What the plots thin out before drawing a long run: a chart series keeps every pixel
//! column's first, lowest, highest and last value ([`column_extremes`]), a path keeps a point
//! once it has moved far enough to show ([`decimate`]) and each segment once
//! ([`unique_segments`]), and the test of which path lies under
//! which ([`covered_by`]) answers as its definition with sets of cells does.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::render::covered_by;
use optiviz::render::plot::{column_extremes, decimate, unique_segments};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// Per pixel column: (first step, lowest value, highest value, last step), of finite values.
fn columns(
    values: &[f64],
    px_per_step: f64,
    keep: impl Fn(usize) -> bool,
) -> BTreeMap<i64, (usize, f64, f64, usize)> {
    let mut out: BTreeMap<i64, (usize, f64, f64, usize)> = BTreeMap::new();
    for (k, &v) in values.iter().enumerate() {
        if !v.is_finite() || !keep(k) {
            continue;
        }
        let c = (k as f64 * px_per_step).floor() as i64;
        let e = out.entry(c).or_insert((k, v, v, k));
        e.1 = e.1.min(v);
        e.2 = e.2.max(v);
        e.3 = k;
    }
    out
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1e3..1e3_f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

proptest! {
    /// Every column keeps its first and last step and its extremes, nothing else but at most
    /// four steps, in order, all finite.
    #[test]
    fn a_chart_series_keeps_each_columns_extremes(
        values in prop::collection::vec(value(), 0..400),
        px_per_step in 0.01..3.0_f64,
    ) {
        let kept = column_extremes(&values, px_per_step);
        prop_assert!(kept.windows(2).all(|w| w[0] < w[1]), "in step order, once each");
        prop_assert!(kept.iter().all(|&k| values[k].is_finite()));
        let set: HashSet<usize> = kept.iter().copied().collect();
        let all = columns(&values, px_per_step, |_| true);
        let thin = columns(&values, px_per_step, |k| set.contains(&k));
        prop_assert_eq!(&all, &thin);
        let mut per: BTreeMap<i64, usize> = BTreeMap::new();
        for &k in &kept {
            *per.entry((k as f64 * px_per_step).floor() as i64).or_default() += 1;
        }
        prop_assert!(per.values().all(|&n| n <= 4));
    }

    /// A point is dropped only when it lies within `min_px` (in both directions) of the point
    /// kept before it; the first and the last are kept.
    #[test]
    fn a_path_keeps_every_point_that_moved_far_enough(
        path in prop::collection::vec((-50.0..50.0_f64, -50.0..50.0_f64), 1..300),
        sx in 0.5..20.0_f64,
        sy in 0.5..20.0_f64,
    ) {
        let points: Vec<[f64; 2]> = path.iter().map(|&(x, y)| [x, y]).collect();
        let kept = decimate(&points, (sx, sy), 0.75);
        prop_assert_eq!(kept.first(), points.first());
        prop_assert_eq!(kept.last(), points.last());
        // Walk the path: each point is either the next kept one or close to the last kept.
        let mut at = 0;
        let mut last = points[0];
        for (i, p) in points.iter().enumerate().skip(1) {
            let far = ((p[0] - last[0]) * sx).abs() >= 0.75 || ((p[1] - last[1]) * sy).abs() >= 0.75;
            if far || i + 1 == points.len() {
                at += 1;
                prop_assert_eq!(kept[at], *p);
                last = *p;
            }
        }
        prop_assert_eq!(at + 1, kept.len());
    }

    /// Every piece is made of the path's own segments, every segment of the path lies (by
    /// its two pixel cells) in some piece, and no two pieces' segments share both cells.
    #[test]
    fn a_path_is_drawn_one_segment_a_place(
        path in prop::collection::vec((0u8..6, 0u8..6), 1..200),
        jitter in prop::collection::vec(0.0..0.9_f64, 200),
    ) {
        // Points on a coarse grid with sub-cell jitter, so that segments repeat by cell.
        let points: Vec<[f64; 2]> = path
            .iter()
            .zip(&jitter)
            .map(|(&(x, y), &j)| [f64::from(x) + j, f64::from(y) + j / 2.0])
            .collect();
        let cell = |p: [f64; 2]| (p[0].floor() as i64, p[1].floor() as i64);
        let key = |a: [f64; 2], b: [f64; 2]| {
            let (a, b) = (cell(a), cell(b));
            (a.min(b), a.max(b))
        };
        let pieces = unique_segments(&points, (1.0, 1.0), 1.0);
        let own: HashSet<([u64; 2], [u64; 2])> = points
            .windows(2)
            .map(|w| (w[0].map(f64::to_bits), w[1].map(f64::to_bits)))
            .collect();
        let mut drawn = HashSet::new();
        for piece in &pieces {
            for w in piece.windows(2) {
                prop_assert!(own.contains(&(w[0].map(f64::to_bits), w[1].map(f64::to_bits))));
                prop_assert!(drawn.insert(key(w[0], w[1])), "a place drawn twice");
            }
        }
        for w in points.windows(2) {
            prop_assert!(drawn.contains(&key(w[0], w[1])), "a place left out");
        }
        prop_assert!(!pieces.is_empty());
    }

    /// The cover test against its definition written with hash sets: a path's cells (every
    /// point and samples along each segment about a cell apart), and the cells within one of
    /// another path's.
    #[test]
    fn which_path_lies_under_which_matches_its_definition(
        paths in prop::collection::vec(
            prop::collection::vec((-40.0..40.0_f64, -40.0..40.0_f64), 1..25), 1..5),
        shift in prop::collection::vec((-4.0..4.0_f64, -4.0..4.0_f64), 5),
    ) {
        // Later paths near the earlier ones, so that some cover others.
        let paths: Vec<Vec<[f64; 2]>> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let base = if i > 0 { &paths[0] } else { p };
                base.iter().map(|&(x, y)| [x + shift[i].0, y + shift[i].1]).collect()
            })
            .collect();
        let refs: Vec<&[[f64; 2]]> = paths.iter().map(Vec::as_slice).collect();
        prop_assert_eq!(covered_by(&refs, (1.0, 1.0), 1.0), reference(&refs));
    }
}

/// [`covered_by`] at one pixel a unit and a device pixel ratio of 1, as its doc defines it.
fn reference(paths: &[&[[f64; 2]]]) -> Vec<Option<usize>> {
    let cell = optiviz::render::plot::COVER_PX;
    let cells = |path: &[[f64; 2]]| -> HashSet<(i64, i64)> {
        let px = |p: [f64; 2]| (p[0] / cell, -p[1] / cell);
        let mut out = HashSet::new();
        for w in path.windows(2) {
            let (a, b) = (px(w[0]), px(w[1]));
            let n = ((b.0 - a.0).hypot(b.1 - a.1).ceil() as usize).clamp(1, 10_000);
            for k in 0..n {
                let t = k as f64 / n as f64;
                out.insert((
                    (a.0 + t * (b.0 - a.0)).floor() as i64,
                    (a.1 + t * (b.1 - a.1)).floor() as i64,
                ));
            }
        }
        if let Some(&last) = path.last() {
            let (x, y) = px(last);
            out.insert((x.floor() as i64, y.floor() as i64));
        }
        out
    };
    let sampled: Vec<HashSet<(i64, i64)>> = paths.iter().map(|p| cells(p)).collect();
    (0..paths.len())
        .map(|i| {
            if paths[i].len() < 2 {
                return None;
            }
            (i + 1..paths.len()).find(|&j| {
                let hits = sampled[i]
                    .iter()
                    .filter(|&&(x, y)| {
                        (-1..=1).any(|dx| (-1..=1).any(|dy| sampled[j].contains(&(x + dx, y + dy))))
                    })
                    .count();
                hits * 10 >= sampled[i].len() * 9
            })
        })
        .collect()
}
