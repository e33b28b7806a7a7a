//! How the runs are drawn so that each can be seen: a path lying under another is found
//! ([`covered_by`]) and drawn wider, as a band around the one on top.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::core::run::simulate;
use optiviz::render::covered_by;
use optiviz::state::scenario::Scenario;

/// One unit a pixel, as on a plot of 1 pixel per unit.
const UNIT: (f64, f64) = (1.0, 1.0);

fn line(from: [f64; 2], to: [f64; 2], n: usize) -> Vec<[f64; 2]> {
    (0..=n)
        .map(|k| {
            let t = k as f64 / n as f64;
            [
                from[0] + t * (to[0] - from[0]),
                from[1] + t * (to[1] - from[1]),
            ]
        })
        .collect()
}

#[test]
fn a_path_under_a_later_one_is_found() {
    let a = line([0.0, 0.0], [300.0, 0.0], 30);
    // The same line in other steps (a faster optimizer along the same valley).
    let b = line([0.0, 0.0], [300.0, 0.0], 7);
    // 2 pixels off: still under it at a 3-pixel grid.
    let c = line([0.0, 2.0], [300.0, 2.0], 50);
    // 20 pixels off: beside it.
    let d = line([0.0, 20.0], [300.0, 20.0], 30);
    // Along it for half the way only.
    let e = line([0.0, 0.0], [150.0, 0.0], 15);
    let f = line([150.0, 0.0], [150.0, 150.0], 15);
    let half: Vec<[f64; 2]> = e.iter().chain(&f).copied().collect();
    assert_eq!(covered_by(&[&a, &b], UNIT, 1.0), [Some(1), None]);
    assert_eq!(covered_by(&[&a, &c], UNIT, 1.0), [Some(1), None]);
    assert_eq!(covered_by(&[&a, &d], UNIT, 1.0), [None, None]);
    assert_eq!(covered_by(&[&half, &a], UNIT, 1.0), [None, None]);
    // The part of a path that another covers: the shorter path under the longer one.
    assert_eq!(covered_by(&[&e, &a], UNIT, 1.0), [Some(1), None]);
    // The first later path that covers it; a path of one point covers nothing.
    assert_eq!(
        covered_by(&[&a, &d, &b, &c], UNIT, 1.0),
        [Some(2), None, Some(3), None]
    );
    let dot = [[5.0, 5.0]];
    assert_eq!(covered_by(&[&dot, &a], UNIT, 1.0), [None, None]);
}

/// The case: on the default page, gradient descent's path lies under Adam's.
#[test]
fn on_the_default_page_gradient_descent_lies_under_adam() {
    let s = Scenario::default();
    let paths: Vec<Vec<[f64; 2]>> = s
        .runs
        .iter()
        .map(|r| {
            simulate(&s.surface, &r.spec, s.start, s.steps)
                .unwrap()
                .points
        })
        .collect();
    let refs: Vec<&[[f64; 2]]> = paths.iter().map(Vec::as_slice).collect();
    // The default view on a plot about 700 pixels across.
    let v = s.view();
    let scale = (700.0 / (v.x_max - v.x_min), 700.0 / (v.y_max - v.y_min));
    let cover = covered_by(&refs, scale, 1.0);
    println!("{cover:?}");
    assert_eq!(
        cover,
        [Some(2), None, None],
        "gradient descent under Adam, momentum apart"
    );
}
