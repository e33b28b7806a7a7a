//! Learning rates that work: the rate the surface page gives a run when the surface changes
//! and when a run is added, chosen for that run, on that surface, from that start, by one
//! stated rule ([`working_lr`]).
//!
//! The rule: simulate the run at every rate of [`GRID`] (1, 2 and 5 times each power of ten
//! from 10⁻⁵ to 1) for `n` steps, the scenario's steps but at most [`HORIZON`] (at most
//! `HORIZON / c` on a typed formula that costs `c` Rosenbrock evaluations,
//! [`Surface::eval_cost`], so that choosing costs no more than on a built-in surface), advanced
//! together as one [`Batch`]. A rate is eligible when
//!
//! 1. neither it nor the next rate up (2 above 1) diverges within the `n` steps: a margin of
//!    a factor 2 to 2.5 against divergence;
//! 2. its run stays inside the view for its first `⌈n/10⌉` steps, so it is watched on screen
//!    rather than thrown off it (waived when the start itself lies outside the view).
//!
//! Of the eligible rates it takes the one whose run has the lowest mean log gap
//! `mean over k = 0…n of log10(max(f(θₖ) − f*, ε))`, where `f*` is the lowest known minimum
//! (0 on the saddles) and `ε = 10⁻⁹ · max(f(start) − f*, 1)` (rewards getting low early and
//! staying there; `ε` stops a run that lands exactly on the minimum now and then from
//! outscoring one that converges), the lower rate on a tie. Every other hyperparameter is the
//! run's own. `tests/rates.rs` checks that on every surface, from its default start, every
//! optimizer at torch's other defaults gets a rate, does not diverge and gets its loss gap
//! down by at least a factor [`PROGRESS`] within the default steps.

use crate::core::batch::Batch;
use crate::core::compare::lowest_minimum;
use crate::core::run::RunSpec;
use crate::core::surface::{Surface, View};
use crate::error::Error;

/// The rates [`working_lr`] chooses from, lowest first; [`MARGIN_RATE`] is simulated above
/// them as the margin for 1.
pub const GRID: [f64; 16] = [
    1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0,
];

/// The rate above [`GRID`]'s last, simulated only as its margin against divergence.
pub const MARGIN_RATE: f64 = 2.0;

/// The most steps [`working_lr`] simulates: the default scenario's steps.
pub const HORIZON: usize = 1500;

/// The most steps [`working_lr`] simulates on `surface`: [`HORIZON`] divided by what one of
/// its evaluations costs ([`Surface::eval_cost`]: 1 on every built-in surface), at least 1.
pub fn horizon(surface: &Surface) -> usize {
    ((HORIZON as f64 / surface.eval_cost()) as usize).clamp(1, HORIZON)
}

/// The factor by which every default run's gap `f − f*` falls within the default steps
/// (`tests/rates.rs`); on the saddles, with no minimum, its loss falls by this much below 0.
pub const PROGRESS: f64 = 10.0;

/// The learning rate the rule of this module chooses for `spec` on `surface` from `start`
/// over `steps` steps (at most [`horizon`]) with `view` on screen: `None` when no rate of
/// [`GRID`] is eligible, and the run should keep its own.
///
/// Fails when `spec` is invalid.
pub fn working_lr(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    view: &View,
) -> Result<Option<f64>, Error> {
    let n = steps.clamp(1, horizon(surface));
    let mut lrs = GRID.to_vec();
    lrs.push(MARGIN_RATE);
    let mut batch = Batch::with_lrs(surface, spec, start, &lrs)?;
    let f_star = lowest_minimum(surface).unwrap_or(0.0);
    let floor = 1e-9 * (surface.value(start) - f_star).max(1.0);
    let inside = |p: [f64; 2]| {
        (view.x_min..=view.x_max).contains(&p[0]) && (view.y_min..=view.y_max).contains(&p[1])
    };
    let watch = if inside(start) { n.div_ceil(10) } else { 0 };
    // Only eligible rates' sums are compared: a rate is struck off as soon as its run or its
    // margin halts or its run leaves the screen, and is not summed further. A sum of
    // logarithms is the logarithm of a product, kept as an exact binary exponent and a
    // mantissa ([`LogSum`]): one multiplication per step instead of a logarithm (a library
    // call in wasm, which made up most of a surface switch's time choosing rates).
    let mut eligible = vec![true; GRID.len()];
    let mut sum = vec![LogSum::default(); GRID.len()];
    loop {
        for (i, total) in sum.iter_mut().enumerate() {
            if !eligible[i] {
                continue;
            }
            if batch.halted(i).is_some()
                || batch.halted(i + 1).is_some()
                || (batch.k() <= watch && !inside(batch.point(i)))
            {
                eligible[i] = false;
                continue;
            }
            total.add((batch.loss(i) - f_star).max(floor));
        }
        if batch.k() == n || !eligible.contains(&true) {
            break;
        }
        batch.step();
    }
    let sum: Vec<f64> = sum.iter().map(LogSum::log10).collect();
    Ok((0..GRID.len())
        .filter(|&i| eligible[i])
        .min_by(|&a, &b| sum[a].total_cmp(&sum[b]).then(a.cmp(&b)))
        .map(|i| GRID[i]))
}

/// A sum of base-10 logarithms of positive normal numbers, `Σ log10 gₖ`, kept as the product
/// `Π gₖ = m · 2ᵉ`: the exponents summed exactly, the mantissas multiplied (`m` in `[1, 2)`),
/// one rounding per term (a relative error of at most 1.2·10⁻¹⁶ each: after the 1,500 terms of
/// [`HORIZON`], the sum within 10⁻¹³ of the logarithms summed one by one).
#[derive(Clone, Copy, Debug)]
struct LogSum {
    m: f64,
    e: i64,
}

impl Default for LogSum {
    fn default() -> LogSum {
        LogSum { m: 1.0, e: 0 }
    }
}

impl LogSum {
    /// Adds `log10 g` for a positive normal `g` (every gap here is at least the floor, `10⁻⁹`).
    fn add(&mut self, g: f64) {
        const MANTISSA: u64 = (1 << 52) - 1;
        let bits = g.to_bits();
        self.e += ((bits >> 52) & 0x7ff) as i64 - 1023;
        self.m *= f64::from_bits((bits & MANTISSA) | 1f64.to_bits());
        if self.m >= 2.0 {
            self.m *= 0.5;
            self.e += 1;
        }
    }

    /// The sum: `log10 m + e · log10 2`.
    fn log10(&self) -> f64 {
        self.m.log10() + self.e as f64 * std::f64::consts::LOG10_2
    }
}

/// `spec` with its learning rate set to [`working_lr`]'s choice for it (unchanged when no rate
/// is eligible); fails as [`working_lr`] does.
pub fn with_working_lr(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    view: &View,
) -> Result<RunSpec, Error> {
    let mut spec = spec.clone();
    if let Some(lr) = working_lr(surface, &spec, start, steps, view)? {
        spec.optimizer.set("lr", lr)?;
    }
    Ok(spec)
}

// Property tests run natively (proptest does not build for wasm32).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The product's logarithm is the logarithms' sum, to within the rounding both
        /// accumulate, over as many terms as a choice takes, at any scale a gap can have.
        #[test]
        fn a_log_sum_is_the_sum_of_the_logarithms(
            gaps in prop::collection::vec(
                prop_oneof![1e-9..1e-6f64, 1e-6..1.0f64, 1.0..1e6f64, 1e6..1e300f64],
                1..HORIZON,
            ),
        ) {
            let mut sum = LogSum::default();
            gaps.iter().for_each(|&g| sum.add(g));
            let direct: f64 = gaps.iter().map(|g| g.log10()).sum();
            let scale = gaps.iter().map(|g| g.log10().abs()).sum::<f64>().max(1.0);
            prop_assert!((sum.log10() - direct).abs() <= 1e-13 * scale,
                "{} against {}", sum.log10(), direct);
        }
    }

    #[test]
    fn a_log_sum_of_exact_powers_is_exact() {
        let mut sum = LogSum::default();
        for g in [1e-9, 8.0, 0.5, 1e3, 3.0] {
            sum.add(g);
        }
        // 10⁻⁹ · 8 · ½ · 10³ · 3 = 1.2 · 10⁻⁵.
        assert!((sum.log10() - 1.2e-5f64.log10()).abs() < 1e-14);
        assert_eq!(LogSum::default().log10(), 0.0);
    }
}
