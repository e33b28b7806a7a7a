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
    1.0 - power(beta, 1.0, t)
}

/// `base.powf(t · scale)` for a step count `t` (a whole number), the same bits as that call,
/// remembered: a run's `βᵗ` for every `t` is computed once per `(base, scale)` and then looked
/// up, by every run on this thread with those values. `pow` is the costliest call of an Adam
/// step (software `pow` in the browser's wasm), and a drag of the start point re-simulates
/// every run from step 1 on each move with the same β. The last [`KEPT`] pairs are kept, each
/// up to [`MAX_STEPS`](crate::core::run::MAX_STEPS) + 2; any other `t` is computed afresh.
pub(super) fn power(base: f64, scale: f64, t: f64) -> f64 {
    if !(t >= 0.0 && t <= LONGEST as f64 && t.fract() == 0.0) {
        return base.powf(t * scale);
    }
    let k = t as usize;
    POWERS.with_borrow_mut(|tables| {
        let key = (base.to_bits(), scale.to_bits());
        let i = match tables.iter().position(|p| p.key == key) {
            Some(i) => i,
            None => {
                if tables.len() == KEPT {
                    tables.remove(0);
                }
                tables.push(Powers {
                    key,
                    values: Vec::new(),
                });
                tables.len() - 1
            }
        };
        let values = &mut tables[i].values;
        while values.len() <= k {
            values.push(base.powf(values.len() as f64 * scale));
        }
        values[k]
    })
}

/// How many `(base, scale)` pairs [`power`] remembers: eight runs' betas.
const KEPT: usize = 8;

/// The longest step count [`power`] remembers (NAdam asks for `t + 1`).
const LONGEST: usize = crate::core::run::MAX_STEPS + 2;

/// `values[k] = base.powf(k · scale)` for one `(base, scale)`, as far as asked for.
struct Powers {
    key: (u64, u64),
    values: Vec<f64>,
}

thread_local! {
    /// [`power`]'s tables, the most recently added last.
    static POWERS: std::cell::RefCell<Vec<Powers>> = const { std::cell::RefCell::new(Vec::new()) };
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

#[cfg(test)]
mod tests {
    use super::power;

    /// Remembered powers are `powf`'s bits, in any order of asking, across more pairs than
    /// are kept (the first pairs are forgotten and computed again), and past the longest run.
    #[test]
    fn power_is_powf_bit_for_bit() {
        let pairs: Vec<(f64, f64)> = (0..11)
            .map(|i| {
                (
                    0.9 + 0.0099 * f64::from(i),
                    if i % 3 == 0 { 0.004 } else { 1.0 },
                )
            })
            .collect();
        for round in 0..2 {
            for &(base, scale) in &pairs {
                for t in [
                    0u64,
                    1,
                    2,
                    7,
                    3,
                    2_000,
                    1_999,
                    20_001,
                    20_002,
                    20_003,
                    1 << 40,
                ] {
                    let t = (t + round) as f64;
                    assert_eq!(
                        power(base, scale, t).to_bits(),
                        base.powf(t * scale).to_bits(),
                        "{base}^({t}·{scale})"
                    );
                }
            }
        }
        assert_eq!(power(0.9, 1.0, 2.5), 0.9f64.powf(2.5));
        assert!(power(0.9, 1.0, f64::NAN).is_nan());
    }
}
