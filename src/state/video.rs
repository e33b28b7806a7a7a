//! The frames of a recorded race: which step each frame of the page's WebM video shows.

/// Frames per second of a recorded race.
pub const FPS: f64 = 30.0;

/// The longest race recording, in seconds, before the final hold: a race that would play
/// longer at the page's speed is recorded faster, so a 20,000-step race at 10 steps a second
/// still makes a clip for a slide, not a 33-minute film.
pub const MAX_SECONDS: f64 = 20.0;

/// How long the last frame is held, in seconds, so the video ends on the finished race.
pub const HOLD_SECONDS: f64 = 1.0;

/// The step each frame shows, from step 0 to step `last`, at `speed` steps a second played at
/// [`FPS`]: what a viewer sees pressing Play from the start, sped up to last at most
/// [`MAX_SECONDS`], then `last` held for [`HOLD_SECONDS`]. Steps never decrease, the first is 0
/// and the last is `last`. A `speed` that is not a positive finite number is taken as fast as
/// the cap allows.
pub fn frame_steps(last: usize, speed: f64) -> Vec<usize> {
    let per_frame = if speed.is_finite() && speed > 0.0 {
        speed / FPS
    } else {
        f64::INFINITY
    };
    let per_frame = per_frame.max(last as f64 / (FPS * MAX_SECONDS));
    let moving = (last as f64 / per_frame).ceil() as usize; // frames after the first
    let hold = (FPS * HOLD_SECONDS) as usize;
    let mut steps: Vec<usize> = (0..=moving)
        .map(|k| ((k as f64 * per_frame).round() as usize).min(last))
        .collect();
    steps.extend(std::iter::repeat_n(last, hold));
    steps
}
