//! Basin maps as a class reads them: every cell's code round-trips, "diverged" is never the
//! colour of a minimum (at any shade) nor of a settling time, and the legend names each colour.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::core::compare::Basin;
use optiviz::render::basin::{
    BasinMode, DIVERGED, ELSEWHERE, MINIMA, NOT_SETTLED, basin_legend, basin_pixels, basin_rgb,
};
use proptest::prelude::*;

fn distance(a: [u8; 3], b: [u8; 3]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        .sqrt()
}

#[test]
fn diverged_is_never_the_colour_of_a_minimum_or_a_settling_time() {
    for steps in [2, 500, 1500, 20_000] {
        for at in [1, 2, 10, steps / 2, steps] {
            for index in 0..12 {
                for mode in [BasinMode::Minimum, BasinMode::Steps] {
                    let c = basin_rgb(Basin::Minimum { index, steps: at }, mode, steps);
                    assert!(
                        distance(c, DIVERGED) > 60.0,
                        "{c:?} at {at} of {steps}, {mode:?}"
                    );
                    let e = basin_rgb(Basin::Converged { steps: at }, mode, steps);
                    assert!(distance(e, DIVERGED) > 60.0, "{e:?}");
                }
            }
        }
    }
    let d = basin_rgb(Basin::Diverged { at: 3 }, BasinMode::Minimum, 500);
    assert_eq!(d, DIVERGED);
    assert_eq!(
        basin_rgb(Basin::Diverged { at: 3 }, BasinMode::Steps, 500),
        DIVERGED
    );
    // The minima are told apart from each other and from the other two states.
    for (i, a) in MINIMA.iter().enumerate() {
        for b in &MINIMA[i + 1..] {
            assert!(distance(*a, *b) > 60.0);
        }
        assert!(distance(*a, ELSEWHERE) > 60.0 && distance(*a, NOT_SETTLED) > 60.0);
    }
}

#[test]
fn the_legend_names_every_colour_the_map_uses() {
    let legend = basin_legend(
        &[[3.0, 2.0], [-2.805118, 3.131313]],
        BasinMode::Minimum,
        1500,
    );
    let words: Vec<&str> = legend.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        words,
        [
            "minimum (3, 2)",
            "minimum (−2.805, 3.131)",
            "settled elsewhere",
            "not settled in 1500 steps",
            "diverged"
        ]
    );
    assert_eq!(legend[0].1, MINIMA[0]);
    assert_eq!(legend[4].1, DIVERGED);
    let steps = basin_legend(&[], BasinMode::Steps, 500);
    assert_eq!(steps[0].0, "settled in 1 step");
    assert_eq!(steps[1].0, "settled in 500 steps");
    // The pixels use the legend's colours: a fast minimum-0 cell and a diverged cell.
    let px = basin_pixels(
        &[
            Basin::Minimum { index: 0, steps: 1 }.code(),
            Basin::Diverged { at: 9 }.code(),
        ],
        BasinMode::Minimum,
        1500,
    );
    assert_eq!(&px[..3], &MINIMA[0]);
    assert_eq!(&px[4..7], &DIVERGED);
}

fn any_basin() -> impl Strategy<Value = Basin> {
    prop_oneof![
        (0usize..=250, 0usize..0xFF_FFFF)
            .prop_map(|(index, steps)| Basin::Minimum { index, steps }),
        (0usize..0xFF_FFFF).prop_map(|steps| Basin::Converged { steps }),
        Just(Basin::NotConverged),
        (0usize..0xFF_FFFF).prop_map(|at| Basin::Diverged { at }),
    ]
}

proptest! {
    #[test]
    fn every_cell_code_round_trips(b in any_basin()) {
        prop_assert_eq!(Basin::from_code(b.code()), b);
    }
}
