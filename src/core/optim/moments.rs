//! What the moment-based optimizers (Adam and its variants, Adamax, NAdam, RAdam, RMSprop,
//! Adadelta) share: a step count with per-coordinate buffers created at the first step
//! ([`Moments`]), torch's bias correction, and its two running averages, each computed in
//! torch's order of operations so that every optimizer keeps its results bit for bit.

use super::StateVar;

/// A step count `t` and `K` per-coordinate buffers (Adam's `m`, `v`, `v_max`, …): `t = 0`
/// and no values before the first step, which creates the buffers at 0.
#[derive(Clone, Debug)]
pub(super) struct Moments<const K: usize> {
    t: u32,
    buffers: [Vec<f64>; K],
}

impl<const K: usize> Moments<K> {
    /// The state before the first step.
    pub(super) fn new() -> Self {
        Self {
            t: 0,
            buffers: std::array::from_fn(|_| Vec::new()),
        }
    }

    /// Starts a step over `n` coordinates: at the first step creates the buffers, `n` zeros
    /// each; then counts the step. Returns the new step count `t` (1 at the first step).
    pub(super) fn advance(&mut self, n: usize) -> f64 {
        if self.t == 0 {
            for buffer in &mut self.buffers {
                *buffer = vec![0.0; n];
            }
        }
        self.t += 1;
        f64::from(self.t)
    }

    /// The buffers, each sliced to exactly `n` values, so that a loop over `i < n` indexes
    /// them without bounds checks.
    #[inline(always)]
    pub(super) fn split(&mut self, n: usize) -> [&mut [f64]; K] {
        self.buffers.each_mut().map(|buffer| &mut buffer[..n])
    }

    /// The buffers, for [`Optimizer::state`](super::Optimizer::state).
    pub(super) fn buffers(&self) -> &[Vec<f64>; K] {
        &self.buffers
    }

    /// The step count as torch's `step`, written `t`.
    pub(super) fn step_var(&self) -> StateVar {
        StateVar::scalar("step", "t", f64::from(self.t))
    }
}

/// torch's bias correction at step `t`: `1 − βᵗ`.
pub(super) fn bias_correction(beta: f64, t: f64) -> f64 {
    1.0 - beta.powf(t)
}

/// A running average `β m + (1 − β) g` as torch updates a first moment, `m.lerp_(g, 1 − β)`.
#[inline(always)]
pub(super) fn average(m: f64, g: f64, beta: f64) -> f64 {
    lerp(m, g, 1.0 - beta)
}

/// A running average of squares `β v + (1 − β) g²` as torch updates a second moment,
/// `v.mul_(β).addcmul_(g, g, value = 1 − β)`: `v·β + (1 − β)·(g·g)`, in that order.
#[inline(always)]
pub(super) fn average_sq(v: f64, g: f64, beta: f64) -> f64 {
    v * beta + (1.0 - beta) * (g * g)
}

/// torch's `lerp(start, end, weight)`, computed as its CPU kernel does.
fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}
