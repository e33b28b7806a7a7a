//! The frames of a recorded race (state::video::frame_steps), against counts worked by hand.

use optiviz::state::video::{FPS, HOLD_SECONDS, MAX_SECONDS, frame_steps};

const HOLD: usize = (FPS * HOLD_SECONDS) as usize;

#[test]
fn a_race_within_the_cap_plays_at_the_page_speed() {
    // 300 steps at 60 steps a second: 2 steps a frame at 30 frames a second, 150 frames after
    // the first (5 s of video), then a second of the last step.
    let steps = frame_steps(300, 60.0);
    assert_eq!(steps.len(), 1 + 150 + HOLD);
    assert_eq!(&steps[..4], &[0, 2, 4, 6]);
    assert_eq!(steps[150], 300);
    assert!(steps[151..].iter().all(|&k| k == 300));
}

#[test]
fn a_long_race_is_sped_up_to_the_cap() {
    // 20,000 steps at 10 a second would be 2,000 s: the cap makes it 20 s, 600 frames after the
    // first, 33.3 steps a frame.
    let steps = frame_steps(20_000, 10.0);
    assert_eq!(MAX_SECONDS, 20.0);
    assert_eq!(steps.len(), 1 + 600 + HOLD);
    assert_eq!(&steps[..4], &[0, 33, 67, 100]);
    assert_eq!(steps[600], 20_000);
}

#[test]
fn a_fast_speed_gives_a_short_clip_that_still_reaches_the_end() {
    // 100 steps at 10,000 a second: all of it in one frame after the first.
    assert_eq!(frame_steps(100, 10_000.0)[..2], [0, 100]);
    assert_eq!(frame_steps(100, 10_000.0).len(), 2 + HOLD);
    // Nothing to play: the first frame, held.
    assert_eq!(frame_steps(0, 60.0), vec![0; 1 + HOLD]);
}

#[test]
fn steps_rise_from_zero_to_the_last_step_for_any_speed() {
    for last in [1, 7, 999, 20_000] {
        for speed in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-300, 0.5, 30.0, 1e308] {
            let steps = frame_steps(last, speed);
            assert_eq!(steps[0], 0);
            assert_eq!(*steps.last().unwrap(), last);
            assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{last} {speed}");
            assert!(
                steps.len() <= 1 + (FPS * MAX_SECONDS) as usize + HOLD,
                "{last} {speed}"
            );
        }
    }
}
