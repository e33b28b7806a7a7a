//! Side-by-side comparisons: functions over [`simulate`] and [`Stepper`] that summarise runs
//! for a table, sweep a learning rate, map basins of convergence, state the theory of the
//! quadratic surfaces, and tune a learning rate for a fair race.
//!
//! Pure Rust like the rest of the core (no web-sys, no plotters, no clock) and deterministic:
//! the same arguments give the same numbers, natively and in the browser.
//!
//! - [`result`] and [`results_csv`]: a results table, one [`RunResult`] per run.
//! - [`lr_sweep`] over [`log_space`]: final loss, steps to tolerance and divergence against
//!   the learning rate ([`SweepPoint`]).
//! - [`basin_map`] (or [`BasinGrid::rows`] in chunks): which minimum every start point of a
//!   view reaches ([`Basin`]).
//! - [`quadratic_theory`], [`momentum_rate`], [`momentum_rate_map`]: eigenvalues, critical and
//!   optimal learning rates and the convergence rates of gradient descent and heavy-ball
//!   momentum on the quadratic surfaces.
//! - [`Tuning`]: the learning rate (and, where asked, the momentum or betas, [`Decay`]) that
//!   does best on an [`Objective`] within a budget of simulations ([`TuneResult`],
//!   [`Searched`]); [`lr_scores`] scores many rates as one batch.
//!
//! Throughout, `f*` is the lowest value among the surface's known minima
//! ([`lowest_minimum`]); on a surface with none (the saddles) the gap `loss − f*` is the loss
//! itself.

use crate::core::batch::Batch;
use crate::core::optim::out_of_range;
use crate::core::run::{RunSpec, Stepper, Trajectory, simulate};
use crate::core::surface::{Surface, View};
use crate::err;
use crate::error::Error;
use nalgebra::SymmetricEigen;
use std::fmt::Write as _;
use std::ops::Range;

/// `f*`: the lowest value among [`Surface::minima`], `None` when the surface has no known
/// minimum (the saddles, unbounded below).
pub fn lowest_minimum(surface: &Surface) -> Option<f64> {
    surface.minima().iter().map(|m| m[2]).reduce(f64::min)
}

/// `loss − f*`, or `loss` itself when `f_star` is `None`.
fn gap(loss: f64, f_star: Option<f64>) -> f64 {
    loss - f_star.unwrap_or(0.0)
}

/// The first index `k` with `losses[k] − f* < tol` (`losses[k] < tol` without a known
/// minimum).
fn first_below(losses: &[f64], f_star: Option<f64>, tol: f64) -> Option<usize> {
    losses.iter().position(|&l| gap(l, f_star) < tol)
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// `spec` with its learning rate set to `lr` (validated).
fn with_lr(spec: &RunSpec, lr: f64) -> Result<RunSpec, Error> {
    let mut spec = spec.clone();
    spec.optimizer.set("lr", lr)?;
    Ok(spec)
}

// ---------------------------------------------------------------------------------------------
// 1. Results table

/// One run summarised for a results table.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct RunResult {
    /// The loss at the run's last point: after the last step, or, when it diverged, at the
    /// last finite point (see [`RunResult::diverged_at`]).
    pub final_loss: f64,
    /// Euclidean distance from the last point to the nearest known minimum; `None` when the
    /// surface has none.
    pub distance_to_minimum: Option<f64>,
    /// The first step `k` (0 being the start) with `loss_k − f* < tol`, `f*` the lowest known
    /// minimum value; on a surface without a known minimum, the first with `loss_k < tol`.
    /// `None` when no point of the run gets there.
    pub steps_to_tolerance: Option<usize>,
    /// The step that produced a non-finite value ([`Trajectory::diverged_at`]).
    pub diverged_at: Option<usize>,
    /// The number of steps taken (fewer than asked for when the run diverged).
    pub steps: usize,
}

/// Summarises trajectory `t` on `surface`, with tolerance `tol` on the gap `loss − f*` (on
/// the loss itself when the surface has no known minimum); see [`RunResult`].
pub fn result(surface: &Surface, t: &Trajectory, tol: f64) -> RunResult {
    let last = *t.points.last().expect("a trajectory has its start point");
    let minima = surface.minima();
    RunResult {
        final_loss: *t.losses.last().expect("a trajectory has its start loss"),
        distance_to_minimum: minima
            .iter()
            .map(|m| distance(last, [m[0], m[1]]))
            .reduce(f64::min),
        steps_to_tolerance: first_below(&t.losses, lowest_minimum(surface), tol),
        diverged_at: t.diverged_at,
        steps: t.steps(),
    }
}

/// Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One row of the page's results table: a run (numbered from 1), its optimizer's label, its
/// results and how long its simulation took.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ResultRow {
    /// The run's number on the page, from 1.
    pub run: usize,
    /// Its optimizer's label.
    pub label: String,
    /// What it reached.
    #[serde(flatten)]
    pub result: RunResult,
    /// Milliseconds its simulation took.
    pub compute_ms: f64,
}

/// The columns a results table sorts by.
pub const RESULT_COLUMNS: [&str; 6] = [
    "run",
    "final_loss",
    "distance_to_minimum",
    "steps_to_tolerance",
    "diverged_at",
    "compute_ms",
];

/// Sorts `rows` by column `key` (one of [`RESULT_COLUMNS`]), ascending or not; a missing
/// value (never reached, never diverged, no known minimum) sorts last either way, and equal
/// values keep the runs' order. An unknown column is an error naming the allowed ones.
pub fn sort_results(rows: &mut [ResultRow], key: &str, ascending: bool) -> Result<(), Error> {
    let value = |r: &ResultRow| -> Option<f64> {
        match key {
            "run" => Some(r.run as f64),
            "final_loss" => Some(r.result.final_loss),
            "distance_to_minimum" => r.result.distance_to_minimum,
            "steps_to_tolerance" => r.result.steps_to_tolerance.map(|v| v as f64),
            "diverged_at" => r.result.diverged_at.map(|v| v as f64),
            _ => Some(r.compute_ms),
        }
    };
    if !RESULT_COLUMNS.contains(&key) {
        let allowed = RESULT_COLUMNS.join(", ");
        return Err(err!("error.compare.column", key = key, allowed = allowed));
    }
    rows.sort_by(|a, b| match (value(a), value(b)) {
        (Some(x), Some(y)) if ascending => x.total_cmp(&y),
        (Some(x), Some(y)) => y.total_cmp(&x),
        (a, b) => a.is_none().cmp(&b.is_none()),
    });
    Ok(())
}

/// The results table as CSV: the header
/// `run,optimizer,final_loss,distance_to_minimum,steps_to_tolerance,diverged_at,steps,compute_ms`,
/// then one row per [`ResultRow`] in the order given. Numbers are in Rust's shortest
/// round-trip form (`{:?}`, so `0.1` stays `0.1` and reads back exactly), `None` is an empty
/// cell, and a label holding a comma, quote or line break is quoted as RFC 4180 says.
pub fn results_csv(rows: &[ResultRow]) -> String {
    let mut out = String::from(
        "run,optimizer,final_loss,distance_to_minimum,steps_to_tolerance,diverged_at,steps,\
         compute_ms\n",
    );
    let opt = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_default();
    for ResultRow {
        run,
        label,
        result: r,
        compute_ms,
    } in rows
    {
        writeln!(
            out,
            "{run},{},{:?},{},{},{},{},{compute_ms:?}",
            csv_field(label),
            r.final_loss,
            r.distance_to_minimum
                .map(|d| format!("{d:?}"))
                .unwrap_or_default(),
            opt(r.steps_to_tolerance),
            opt(r.diverged_at),
            r.steps
        )
        .expect("String write");
    }
    out
}

/// The tolerance the page's comparisons count a run as arrived with: `loss − f* < 1e-6` for
/// the sweep's "steps to" axis and the Tune objective `steps`, a step shorter than it for a
/// basin map's settled cell.
pub const TOLERANCE: f64 = 1e-6;

/// The learning rates a sweep and a tuning search cover, 1e-5 to 1: every rate that works
/// on the page's surfaces lies inside, and the top end diverges on most of them.
pub const LR_RANGE: (f64, f64) = (1e-5, 1.0);

/// The rates a page's sweep tries, log-spaced over [`LR_RANGE`].
pub const SWEEP_RATES: usize = 50;

/// Rows of a basin map per worker message: small enough that progress and cancelling follow
/// promptly, large enough that messages cost little beside the work.
pub const BASIN_PART_ROWS: usize = 4;

/// Rates of a sweep per worker task: four batches of [`crate::core::batch::LANES`] lanes, so
/// one run's sweep still spreads over two cores while a task stays long enough that messages
/// cost little beside it.
pub const SWEEP_TASK_RATES: usize = 4 * crate::core::batch::LANES;

/// The row ranges a basin map of `n` rows is dealt out in to `workers` workers: two chunks
/// per worker (so every core stays busy to the end), at least [`BASIN_PART_ROWS`] rows each,
/// covering `0..n` in order without overlap.
pub fn basin_chunks(n: usize, workers: usize) -> Vec<Range<usize>> {
    let per = n.div_ceil(2 * workers.max(1)).max(BASIN_PART_ROWS);
    (0..n).step_by(per).map(|r| r..(r + per).min(n)).collect()
}

/// The index ranges a sweep of `n` rates is dealt out in: [`SWEEP_TASK_RATES`] rates each,
/// covering `0..n` in order.
pub fn sweep_chunks(n: usize) -> Vec<Range<usize>> {
    (0..n)
        .step_by(SWEEP_TASK_RATES)
        .map(|r| r..(r + SWEEP_TASK_RATES).min(n))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 2. Learning-rate sweep

/// One learning rate of a sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    /// The learning rate.
    pub lr: f64,
    /// The loss after the last step; `None` when the run diverged.
    pub final_loss: Option<f64>,
    /// As [`RunResult::steps_to_tolerance`].
    pub steps_to_tolerance: Option<usize>,
    /// The step that produced a non-finite value, if any.
    pub diverged_at: Option<usize>,
}

/// Runs `spec` from `start` for `steps` steps once per learning rate in `lrs` (every other
/// setting, the schedule included, kept; the schedule scales the new rate), in order.
///
/// The runs advance together as one [`Batch`] (bit for bit [`lr_sweep_single`]'s results).
/// Fails when `spec` is invalid or a learning rate is not allowed (negative or not finite).
pub fn lr_sweep(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    lrs: &[f64],
    tol: f64,
) -> Result<Vec<SweepPoint>, Error> {
    if lrs.is_empty() {
        return Ok(Vec::new());
    }
    let f_star = lowest_minimum(surface);
    let mut batch = Batch::with_lrs(surface, spec, start, lrs)?;
    let below = |batch: &Batch, i: usize| gap(batch.loss(i), f_star) < tol;
    let mut reached: Vec<Option<usize>> = (0..lrs.len())
        .map(|i| below(&batch, i).then_some(0))
        .collect();
    while batch.k() < steps && !batch.all_halted() {
        batch.step();
        for i in batch.running_where(|loss| gap(loss, f_star) < tol) {
            reached[i].get_or_insert(batch.k());
        }
    }
    Ok(lrs
        .iter()
        .zip(reached)
        .enumerate()
        .map(|(i, (&lr, steps_to_tolerance))| SweepPoint {
            lr,
            final_loss: batch.halted(i).is_none().then(|| batch.loss(i)),
            steps_to_tolerance,
            diverged_at: batch.halted(i),
        })
        .collect())
}

/// [`lr_sweep`] one run at a time with [`simulate`]: the reference the batched sweep is
/// tested and benchmarked against.
pub fn lr_sweep_single(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    lrs: &[f64],
    tol: f64,
) -> Result<Vec<SweepPoint>, Error> {
    let f_star = lowest_minimum(surface);
    lrs.iter()
        .map(|&lr| {
            let t = simulate(surface, &with_lr(spec, lr)?, start, steps)?;
            Ok(SweepPoint {
                lr,
                final_loss: t
                    .diverged_at
                    .is_none()
                    .then(|| *t.losses.last().expect("start loss")),
                steps_to_tolerance: first_below(&t.losses, f_star, tol),
                diverged_at: t.diverged_at,
            })
        })
        .collect()
}

fn check_log_range(name_lo: &'static str, lo: f64, hi: f64) -> Result<(), Error> {
    if !(lo.is_finite() && lo > 0.0) {
        return Err(err!("error.compare.log_lo", name = name_lo, value = lo));
    }
    if !(hi.is_finite() && hi > lo) {
        return Err(Error::new("error.compare.log_hi")
            .with("value", hi)
            .with("lo", format!("{lo:?}")));
    }
    Ok(())
}

/// The numbers per rate in [`SweepPoint::to_cells`]' flat form.
pub const SWEEP_CELLS: usize = 3;

impl SweepPoint {
    /// The point without its rate as [`SWEEP_CELLS`] numbers, `NaN` for `None`:
    /// `[final_loss, steps_to_tolerance, diverged_at]`. The form a worker hands back to the
    /// page in a typed array, read back by [`SweepProgress::record`].
    pub fn to_cells(&self) -> [f64; SWEEP_CELLS] {
        let or_nan = |v: Option<usize>| v.map_or(f64::NAN, |v| v as f64);
        [
            self.final_loss.unwrap_or(f64::NAN),
            or_nan(self.steps_to_tolerance),
            or_nan(self.diverged_at),
        ]
    }
}

/// What a learning-rate sweep chart plots against the rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepMetric {
    /// The loss after the scenario's steps.
    Loss,
    /// The steps to reach the tolerance.
    Steps,
}

impl SweepMetric {
    /// `loss` or `steps`; anything else is an error naming the allowed values.
    pub fn from_name(name: &str) -> Result<SweepMetric, Error> {
        match name {
            "loss" => Ok(SweepMetric::Loss),
            "steps" => Ok(SweepMetric::Steps),
            other => Err(err!("error.compare.sweep_measure", value = other)),
        }
    }
}

/// One run's sweep as charted: `(lr, value)` per computed rate, `None` where there is none.
pub type SweepLine = Vec<(f64, Option<f64>)>;

/// A learning-rate sweep of several runs (by index), each with its other settings kept,
/// filled in as its parts arrive from the workers (`None` for a rate not computed yet).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepProgress {
    /// The rates swept, in increasing order.
    pub lrs: Vec<f64>,
    /// Per run index, one entry per rate.
    runs: Vec<(usize, Vec<Option<SweepPoint>>)>,
    /// The scenario's steps when the sweep was started: the top of the steps axis.
    pub steps: usize,
}

impl SweepProgress {
    /// A sweep of the rates `lrs`, nothing computed yet, for runs of `steps` steps.
    pub fn new(lrs: Vec<f64>, steps: usize) -> Self {
        SweepProgress {
            lrs,
            runs: Vec::new(),
            steps,
        }
    }

    /// Records part of run `run`'s sweep: `cells` as [`SweepPoint::to_cells`] writes them,
    /// one point after another, for the rates from index `first` on. A part that does not
    /// fit the rates is refused.
    pub fn record(&mut self, run: usize, first: usize, cells: &[f64]) -> Result<(), Error> {
        let n = cells.len() / SWEEP_CELLS;
        if !cells.len().is_multiple_of(SWEEP_CELLS) || first.saturating_add(n) > self.lrs.len() {
            return Err(err!("error.compare.sweep_part"));
        }
        let j = match self.runs.binary_search_by_key(&run, |(i, _)| *i) {
            Ok(j) => j,
            Err(j) => {
                self.runs.insert(j, (run, vec![None; self.lrs.len()]));
                j
            }
        };
        let some = |v: f64| (!v.is_nan()).then_some(v);
        let whole = |v: f64| some(v).map(|v| v as usize);
        for (k, c) in cells.chunks_exact(SWEEP_CELLS).enumerate() {
            self.runs[j].1[first + k] = Some(SweepPoint {
                lr: self.lrs[first + k],
                final_loss: some(c[0]),
                steps_to_tolerance: whole(c[1]),
                diverged_at: whole(c[2]),
            });
        }
        Ok(())
    }

    /// Per run, the computed rates and the value `metric` plots: the final loss (`None` where
    /// the run diverged), or the steps to the tolerance (`None` where it diverged or never
    /// got there; 0 steps, a start within tolerance, is drawn as 1, on the log axis' first
    /// decade).
    pub fn lines(&self, metric: SweepMetric) -> Vec<(usize, SweepLine)> {
        self.runs
            .iter()
            .map(|(i, points)| {
                let line = points
                    .iter()
                    .flatten()
                    .map(|p| {
                        let y = match metric {
                            SweepMetric::Loss => p.final_loss,
                            SweepMetric::Steps if p.diverged_at.is_some() => None,
                            SweepMetric::Steps => p.steps_to_tolerance.map(|k| (k as f64).max(1.0)),
                        };
                        (p.lr, y)
                    })
                    .collect();
                (*i, line)
            })
            .collect()
    }
}

/// `n` values evenly spaced in `log10` from `lo` to `hi`, both included exactly:
/// `10^(log10 lo + i/(n − 1) · (log10 hi − log10 lo))` for `i = 0 … n − 1`.
///
/// Fails unless `0 < lo < hi` (both finite) and `n ≥ 2`, naming the offending value.
pub fn log_space(lo: f64, hi: f64, n: usize) -> Result<Vec<f64>, Error> {
    check_log_range("lo", lo, hi)?;
    if n < 2 {
        return Err(out_of_range("n", n as f64, "2 ≤ n"));
    }
    let (a, b) = (lo.log10(), hi.log10());
    Ok((0..n)
        .map(|i| match i {
            0 => lo,
            i if i == n - 1 => hi,
            i => 10f64.powf(a + (b - a) * i as f64 / (n - 1) as f64),
        })
        .collect())
}

/// `n` values evenly spaced from `lo` to `hi`, both included exactly:
/// `lo + i/(n − 1) · (hi − lo)` for `i = 0 … n − 1`.
///
/// Fails unless `lo < hi` (both finite) and `n ≥ 2`, naming the offending value.
pub fn lin_space(lo: f64, hi: f64, n: usize) -> Result<Vec<f64>, Error> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(Error::new("error.compare.lin_hi")
            .with("value", hi)
            .with("lo", format!("{lo:?}")));
    }
    if n < 2 {
        return Err(out_of_range("n", n as f64, "2 ≤ n"));
    }
    Ok((0..n)
        .map(|i| match i {
            i if i == n - 1 => hi,
            i => lo + (hi - lo) * i as f64 / (n - 1) as f64,
        })
        .collect())
}

/// `n ≥ 2` values from `lo` to `hi` (both exact), evenly spaced in `log10(1 − v)`:
/// `1 − 10^(log10(1 − lo) + i/(n − 1) · (log10(1 − hi) − log10(1 − lo)))`, the spacing of
/// [`crate::core::optim::Scale::Decay`].
///
/// Fails unless `lo < hi < 1` (both finite) and `n ≥ 2`, naming the offending value.
pub fn decay_space(lo: f64, hi: f64, n: usize) -> Result<Vec<f64>, Error> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi && hi < 1.0) {
        return Err(out_of_range("hi", hi, &format!("{lo:?} < hi < 1")));
    }
    let complements = log_space(1.0 - hi, 1.0 - lo, n)?;
    Ok(complements.iter().rev().map(|c| 1.0 - c).collect())
}

// ---------------------------------------------------------------------------------------------
// 3. Basins of convergence

/// Where the run from one start point ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basin {
    /// Settled (see [`BasinGrid`]) within [`BASIN_RADIUS`] of the view's longer side of
    /// `surface.minima()[index]`, at step `steps`.
    Minimum {
        /// Index into [`Surface::minima`].
        index: usize,
        /// The step at which the run settled.
        steps: usize,
    },
    /// Settled at step `steps`, but not near any known minimum (a local minimum, or a
    /// stationary point such as a saddle).
    Converged {
        /// The step at which the run settled.
        steps: usize,
    },
    /// Neither settled nor diverged within the step budget.
    NotConverged,
    /// Step `at` produced a non-finite value.
    Diverged {
        /// The step that produced a non-finite value.
        at: usize,
    },
}

impl Basin {
    /// This cell as one number a worker can send: `0` not settled, `1` diverged, `2 + i`
    /// settled at minimum `i` (`i` at most 250), `255` settled elsewhere; bits 8 and up hold
    /// the step at which the run settled or diverged (at most 2²⁴ − 1).
    pub fn code(&self) -> u32 {
        let (code, steps) = match *self {
            Basin::NotConverged => (0, 0),
            Basin::Diverged { at } => (1, at),
            Basin::Minimum { index, steps } => (2 + index.min(250) as u32, steps),
            Basin::Converged { steps } => (255, steps),
        };
        code | (steps.min(0xFF_FFFF) as u32) << 8
    }

    /// The cell a [`Basin::code`] stands for.
    pub fn from_code(c: u32) -> Basin {
        let steps = (c >> 8) as usize;
        match c & 0xFF {
            0 => Basin::NotConverged,
            1 => Basin::Diverged { at: steps },
            255 => Basin::Converged { steps },
            i => Basin::Minimum {
                index: i as usize - 2,
                steps,
            },
        }
    }
}

/// The radius, as a fraction of the view's longer side, within which a settled run counts
/// as having reached a known minimum: `1e-3` (0.01 on Himmelblau's 10 × 10 view).
pub const BASIN_RADIUS: f64 = 1e-3;

/// A basin map: one [`Basin`] per pixel of a `width × height` raster over a view, row-major,
/// row 0 at the top (largest y), as [`View::pixel_center`].
#[derive(Clone, Debug, PartialEq)]
pub struct BasinMap {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `cells[row · width + col]`.
    pub cells: Vec<Basin>,
}

impl BasinMap {
    /// The cell at column `col` and row `row` (row 0 at the top).
    pub fn cell(&self, col: usize, row: usize) -> Basin {
        self.cells[row * self.width + col]
    }
}

/// What a basin map is computed over: a `width × height` raster of start points (the pixel
/// centres of `view`), each run for at most `steps` steps.
///
/// A run *settles* at the first step `k ≥ 1` where both the gradient norm `‖∇f(θ_k)‖` and
/// the length of the last step `‖θ_k − θ_{k−1}‖` are at most `tol` (the step length keeps a
/// momentum method that sweeps through a minimum from counting as settled there); it stops
/// there. A start point that is already stationary settles at step 0. A settled run is
/// [`Basin::Minimum`] when its point lies within `BASIN_RADIUS · max(view width, view
/// height)` of a known minimum (the nearest one), else [`Basin::Converged`]. With gradient
/// noise the iterate keeps jittering by about `η·σ` per step, so a cell settles only once
/// that is below `tol`; otherwise it is [`Basin::NotConverged`] (the step-0 check, which
/// has no step length, is skipped with noise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BasinGrid {
    /// The region the raster covers.
    pub view: View,
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// The step budget of every run.
    pub steps: usize,
    /// Tolerance on the gradient norm and the step length for settling.
    pub tol: f64,
}

impl BasinGrid {
    /// The start point of cell `(col, row)`: [`View::pixel_center`].
    pub fn start(&self, col: usize, row: usize) -> [f64; 2] {
        self.view.pixel_center(col, row, self.width, self.height)
    }

    /// The distance within which a settled run counts as at a minimum.
    pub fn radius(&self) -> f64 {
        BASIN_RADIUS * (self.view.x_max - self.view.x_min).max(self.view.y_max - self.view.y_min)
    }

    /// The cells of rows `rows` (each `width` cells, row-major), so a caller can compute a
    /// map in chunks: to show progress and cancel between chunks, or to split it across
    /// workers. Concatenating the chunks of consecutive ranges gives [`basin_map`]'s cells.
    ///
    /// Fails when `spec` is invalid, when the raster is empty, when `tol` is not a positive
    /// finite number, or when `rows` does not lie within `0..height`.
    ///
    /// The start points advance [`BASIN_BATCH`] at a time as one [`Batch`], bit for bit the
    /// cells [`BasinGrid::rows_single`] gives.
    pub fn rows(
        &self,
        surface: &Surface,
        spec: &RunSpec,
        rows: Range<usize>,
    ) -> Result<Vec<Basin>, Error> {
        self.check(spec, &rows)?;
        let minima = surface.minima();
        let radius = self.radius();
        let starts = self.starts(rows);
        let mut cells = Vec::with_capacity(starts.len());
        for chunk in starts.chunks(BASIN_BATCH) {
            cells.extend(basins(
                surface, spec, chunk, self.steps, self.tol, &minima, radius,
            )?);
        }
        Ok(cells)
    }

    /// [`BasinGrid::rows`] one start point at a time with [`Stepper`]: the reference the
    /// batched map is tested and benchmarked against.
    pub fn rows_single(
        &self,
        surface: &Surface,
        spec: &RunSpec,
        rows: Range<usize>,
    ) -> Result<Vec<Basin>, Error> {
        self.check(spec, &rows)?;
        let minima = surface.minima();
        let radius = self.radius();
        self.starts(rows)
            .into_iter()
            .map(|start| basin(surface, spec, start, self.steps, self.tol, &minima, radius))
            .collect()
    }

    /// The start points of `rows`, row by row, left to right: the cells' order.
    fn starts(&self, rows: Range<usize>) -> Vec<[f64; 2]> {
        rows.flat_map(|row| (0..self.width).map(move |col| self.start(col, row)))
            .collect()
    }

    /// The checks [`BasinGrid::rows`] states.
    fn check(&self, spec: &RunSpec, rows: &Range<usize>) -> Result<(), Error> {
        spec.validate()?;
        spec.optimizer.build()?;
        if self.width == 0 || self.height == 0 {
            let (width, height) = (self.width, self.height);
            return Err(Error::new("error.compare.basin_empty")
                .with("width", width)
                .with("height", height));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(err!("error.compare.tol", value = self.tol));
        }
        if rows.start > rows.end || rows.end > self.height {
            let (start, end, height) = (rows.start, rows.end, self.height);
            return Err(Error::new("error.compare.rows")
                .with("start", start)
                .with("end", end)
                .with("height", height));
        }
        Ok(())
    }

    /// The whole map: every row.
    pub fn map(&self, surface: &Surface, spec: &RunSpec) -> Result<BasinMap, Error> {
        Ok(BasinMap {
            width: self.width,
            height: self.height,
            cells: self.rows(surface, spec, 0..self.height)?,
        })
    }
}

/// How many start points of a basin map advance together as one [`Batch`].
pub const BASIN_BATCH: usize = 64;

/// A settled point's basin: the nearest known minimum within `radius`, else converged
/// elsewhere.
///
/// A minimum farther than `radius` along either axis is farther than `radius`, so it can be
/// the answer neither when it is the nearest (that gives converged elsewhere) nor otherwise:
/// it is skipped without computing its distance, which leaves the answer as it was.
fn classify(p: [f64; 2], k: usize, minima: &[[f64; 3]], radius: f64) -> Basin {
    let nearest = minima
        .iter()
        .enumerate()
        .filter(|(_, m)| (p[0] - m[0]).abs() <= radius && (p[1] - m[1]).abs() <= radius)
        .map(|(i, m)| (i, distance(p, [m[0], m[1]])))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((index, d)) if d <= radius => Basin::Minimum { index, steps: k },
        _ => Basin::Converged { steps: k },
    }
}

fn norm(g: [f64; 2]) -> f64 {
    g[0].hypot(g[1])
}

/// `‖v‖ ≤ tol`, the settling test of a basin map (the batched and the lone form alike),
/// always the answer of `norm(v) <= tol` (also for NaN and infinite components, where both
/// are false), computing the costly `hypot` only where cheaper tests cannot decide:
/// - the norm is at least either component, so a component above `tol` answers no;
/// - with both components within `tol` and `tol` between 10⁻¹⁴⁵ and 10¹⁴⁵, the sum of the
///   squares `s` is finite and its rounding (with the squares' own, and any underflow, at
///   most 10⁻²⁹⁰ apart) is within 3·2⁻⁵³ of `v₀² + v₁²`, and `hypot` within an ulp of the
///   exact norm: so `s ≤ tol²·(1 − 10⁻¹²)` answers yes and `s ≥ tol²·(1 + 10⁻¹²)` no.
///
/// Only a lane within a part in 10¹² of the boundary, in practice none, calls `hypot`.
fn within(v: [f64; 2], tol: f64) -> bool {
    if !(v[0].abs() <= tol && v[1].abs() <= tol) {
        return false;
    }
    if (1e-145..=1e145).contains(&tol) {
        let (s, t) = (v[0] * v[0] + v[1] * v[1], tol * tol);
        if s <= t * (1.0 - 1e-12) {
            return true;
        }
        if s >= t * (1.0 + 1e-12) {
            return false;
        }
    }
    norm(v) <= tol
}

/// The basins of `starts`, advanced together as one [`Batch`] until every one is decided
/// (the rules are [`BasinGrid`]'s, as [`basin`] applies them to one start point).
///
/// Not inlined into [`BasinGrid::rows`]: called once per batch, it is entered again often
/// enough for the browser to switch to its optimized compilation within a task (wasm has no
/// on-stack replacement: a loop keeps the code it was entered with until its function returns).
#[inline(never)]
fn basins(
    surface: &Surface,
    spec: &RunSpec,
    starts: &[[f64; 2]],
    steps: usize,
    tol: f64,
    minima: &[[f64; 3]],
    radius: f64,
) -> Result<Vec<Basin>, Error> {
    let mut batch = Batch::new(surface, spec, starts)?;
    let mut cells: Vec<Option<Basin>> = (0..starts.len())
        .map(|i| match batch.halted(i) {
            Some(at) => Some(Basin::Diverged { at }),
            None if within(batch.grad(i), tol) && spec.noise.is_none() => {
                Some(classify(batch.point(i), 0, minima, radius))
            }
            None => None,
        })
        .collect();
    let mut left = 0;
    for (i, cell) in cells.iter().enumerate() {
        match cell {
            Some(_) => batch.retire(i),
            None => left += 1,
        }
    }
    let mut halted = batch.halted_count();
    let mut near = Vec::new();
    while left > 0 && batch.k() < steps {
        batch.step();
        if batch.halted_count() != halted {
            halted = batch.halted_count();
            for (i, cell) in cells.iter_mut().enumerate() {
                if let (None, Some(at)) = (&cell, batch.halted(i)) {
                    *cell = Some(Basin::Diverged { at });
                    batch.retire(i);
                    left -= 1;
                }
            }
        }
        // Only lanes whose step and gradient are within `tol` in each coordinate can settle;
        // near_still passes over the retired ones, every lane decided so far.
        near.clear();
        batch.near_still(tol, |i| near.push(i));
        for &i in &near {
            let (p, q) = (batch.point(i), batch.previous(i));
            if within(batch.grad(i), tol) && within([p[0] - q[0], p[1] - q[1]], tol) {
                cells[i] = Some(classify(p, batch.k(), minima, radius));
                batch.retire(i);
                left -= 1;
            }
        }
    }
    Ok(cells
        .into_iter()
        .map(|c| c.unwrap_or(Basin::NotConverged))
        .collect())
}

/// The basin of one start point (see [`BasinGrid`] for the rules).
fn basin(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    tol: f64,
    minima: &[[f64; 3]],
    radius: f64,
) -> Result<Basin, Error> {
    let classify = |p: [f64; 2], k: usize| classify(p, k, minima, radius);
    let mut stepper = Stepper::new(surface, spec, start)?;
    if let Some(halt) = stepper.start_halt() {
        return Ok(Basin::Diverged { at: halt.k });
    }
    let (p, _, g) = stepper.at();
    if within(g, tol) && spec.noise.is_none() {
        return Ok(classify(p, 0));
    }
    for _ in 0..steps {
        match stepper.step() {
            Ok(s) => {
                let moved = [s.next[0] - s.theta[0], s.next[1] - s.theta[1]];
                if within(s.next_grad, tol) && within(moved, tol) {
                    return Ok(classify(s.next, s.k));
                }
            }
            Err(halt) => return Ok(Basin::Diverged { at: halt.k }),
        }
    }
    Ok(Basin::NotConverged)
}

/// The basin map of `spec` over `view` at `width × height`: every pixel centre (row 0 at the
/// top, as [`View::pixel_center`]) is a start point run for at most `steps` steps, and
/// labelled by where it settles (tolerance `tol`; the rules are [`BasinGrid`]'s).
///
/// All rows at once; [`BasinGrid::rows`] computes it in chunks.
pub fn basin_map(
    surface: &Surface,
    spec: &RunSpec,
    view: &View,
    width: usize,
    height: usize,
    steps: usize,
    tol: f64,
) -> Result<BasinMap, Error> {
    BasinGrid {
        view: *view,
        width,
        height,
        steps,
        tol,
    }
    .map(surface, spec)
}

/// The cells of rows `rows` of [`basin_map`]'s map (row-major, `width` per row): the chunked
/// form, equal to [`BasinGrid::rows`].
#[allow(clippy::too_many_arguments)]
pub fn basin_map_rows(
    surface: &Surface,
    spec: &RunSpec,
    view: &View,
    width: usize,
    height: usize,
    steps: usize,
    tol: f64,
    rows: Range<usize>,
) -> Result<Vec<Basin>, Error> {
    BasinGrid {
        view: *view,
        width,
        height,
        steps,
        tol,
    }
    .rows(surface, spec, rows)
}

// ---------------------------------------------------------------------------------------------
// 4. Quadratic theory

/// The theory of gradient descent and heavy-ball momentum on a quadratic surface
/// `f(θ) = ½ (θ − θ*)ᵀ A (θ − θ*) + f*` with constant positive definite Hessian `A`.
///
/// Gradient descent multiplies the component of `θ − θ*` along eigenvector `i` by
/// `1 − η λᵢ` each step, so it converges iff `η < 2/λmax`, at the rate
/// `max(|1 − η λmin|, |1 − η λmax|)`, smallest at `η = 2/(λmin + λmax)` where it is
/// `(κ − 1)/(κ + 1)`, `κ = λmax/λmin`; the loss shrinks by the rate squared.
///
/// Heavy-ball momentum (torch's `SGD(lr, momentum)` with no dampening,
/// `θ_{k+1} = θ_k − η ∇f(θ_k) + μ (θ_k − θ_{k−1})`) converges fastest at
/// `η = 4/(√λmax + √λmin)²`, `μ = ((√κ − 1)/(√κ + 1))²`, at the rate `(√κ − 1)/(√κ + 1)`
/// ([`momentum_rate`]).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct QuadraticTheory {
    /// The Hessian's eigenvalues `[λmin, λmax]`, ascending.
    pub eigenvalues: [f64; 2],
    /// `eigenvectors[i]`: the unit eigenvector of `eigenvalues[i]`, signed so that its
    /// larger-magnitude component is positive (the first on a tie).
    pub eigenvectors: [[f64; 2]; 2],
    /// `κ = λmax/λmin`.
    pub condition: f64,
    /// `2/λmax`: gradient descent diverges at and above this learning rate.
    pub gd_divergence_lr: f64,
    /// `2/(λmin + λmax)`: the learning rate at which gradient descent converges fastest.
    pub gd_best_lr: f64,
    /// `(κ − 1)/(κ + 1)`: the factor by which gradient descent at [`gd_best_lr`] shrinks the
    /// distance to the minimum each step (the loss shrinks by its square).
    ///
    /// [`gd_best_lr`]: QuadraticTheory::gd_best_lr
    pub gd_best_rate: f64,
    /// `4/(√λmax + √λmin)²`: heavy-ball momentum's optimal learning rate.
    pub heavy_ball_lr: f64,
    /// `((√κ − 1)/(√κ + 1))²`: heavy-ball momentum's optimal momentum.
    pub heavy_ball_momentum: f64,
    /// `(√κ − 1)/(√κ + 1)`: heavy-ball momentum's rate at its optimal settings.
    pub heavy_ball_rate: f64,
}

/// The theory of the quadratic surfaces ([`Surface::Bowl`], [`Surface::Booth`], whose
/// Hessian is the constant `[[10, 8], [8, 10]]`, and a typed formula that is a polynomial of
/// degree at most 2, [`Expr::polynomial_degree`](crate::core::expr::Expr::polynomial_degree)),
/// from the Hessian [`Surface::hessian`] computes and nalgebra's symmetric eigendecomposition;
/// `None` for every other surface, and for a quadratic whose Hessian is not positive definite
/// (a saddle, a valley).
pub fn quadratic_theory(surface: &Surface) -> Option<QuadraticTheory> {
    let quadratic = match surface {
        Surface::Bowl { .. } | Surface::Booth => true,
        Surface::Custom(c) => c.expr().polynomial_degree().is_some_and(|d| d <= 2),
        _ => false,
    };
    if !quadratic {
        return None;
    }
    let at = surface
        .minima()
        .first()
        .map_or([0.0, 0.0], |m| [m[0], m[1]]);
    let (_, _, h) = surface.hessian(at);
    // Symmetrise away any rounding in the mixed partials.
    let h = (h + h.transpose()) * 0.5;
    let eig = SymmetricEigen::new(h);
    let mut pairs: Vec<(f64, [f64; 2])> = (0..2)
        .map(|i| {
            let v = eig.eigenvectors.column(i);
            let n = v[0].hypot(v[1]);
            let mut v = [v[0] / n, v[1] / n];
            let big = if v[1].abs() > v[0].abs() { v[1] } else { v[0] };
            if big < 0.0 {
                v = [-v[0], -v[1]];
            }
            (eig.eigenvalues[i], v)
        })
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (pairs[0].0, pairs[1].0);
    if !(lo > 0.0 && hi.is_finite()) {
        return None;
    }
    let kappa = hi / lo;
    let sk = kappa.sqrt();
    Some(QuadraticTheory {
        eigenvalues: [lo, hi],
        eigenvectors: [pairs[0].1, pairs[1].1],
        condition: kappa,
        gd_divergence_lr: 2.0 / hi,
        gd_best_lr: 2.0 / (lo + hi),
        gd_best_rate: (kappa - 1.0) / (kappa + 1.0),
        heavy_ball_lr: 4.0 / (hi.sqrt() + lo.sqrt()).powi(2),
        heavy_ball_momentum: ((sk - 1.0) / (sk + 1.0)).powi(2),
        heavy_ball_rate: (sk - 1.0) / (sk + 1.0),
    })
}

/// The spectral radius of one heavy-ball iteration matrix `[[1 + μ − ηλ, −μ], [1, 0]]`: the
/// larger modulus of the roots of `z² − (1 + μ − ηλ) z + μ = 0`.
fn heavy_ball_radius(lambda: f64, lr: f64, momentum: f64) -> f64 {
    let a = 1.0 + momentum - lr * lambda;
    let disc = a * a - 4.0 * momentum;
    if disc < 0.0 {
        // A complex pair, both of modulus √μ (their product is μ).
        return momentum.sqrt();
    }
    // The larger root without cancellation, the other from the product μ.
    let r1 = (a + a.signum() * disc.sqrt()) / 2.0;
    let r1 = if a == 0.0 { disc.sqrt() / 2.0 } else { r1 };
    let r2 = if r1 != 0.0 { momentum / r1 } else { 0.0 };
    r1.abs().max(r2.abs())
}

/// The asymptotic convergence rate of heavy-ball momentum with learning rate `η = lr` and
/// momentum `μ` on a quadratic whose Hessian has eigenvalues `eigenvalues`: the spectral
/// radius of the iteration matrix
///
/// ```text
/// [[1 + μ − η λ, −μ],
///  [1,            0]]
/// ```
///
/// (acting on `(θ_k − θ*, θ_{k−1} − θ*)` along each eigenvector), maximised over both
/// eigenvalues: the largest modulus of the roots of `z² − (1 + μ − ηλ) z + μ = 0`. The error
/// shrinks by about this factor per step; `≥ 1` means divergence (or, at exactly 1, no
/// convergence). With `μ = 0` it is gradient descent's `max |1 − ηλ|`.
pub fn momentum_rate(eigenvalues: [f64; 2], lr: f64, momentum: f64) -> f64 {
    eigenvalues
        .iter()
        .map(|&l| heavy_ball_radius(l, lr, momentum))
        .fold(0.0, f64::max)
}

/// [`momentum_rate`] over a grid: row-major over `momenta × lrs`, so
/// `out[i · lrs.len() + j] = momentum_rate(eigenvalues, lrs[j], momenta[i])`.
pub fn momentum_rate_map(eigenvalues: [f64; 2], lrs: &[f64], momenta: &[f64]) -> Vec<f64> {
    momenta
        .iter()
        .flat_map(|&mu| {
            lrs.iter()
                .map(move |&lr| momentum_rate(eigenvalues, lr, mu))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 5. Tuning

/// What a [`Tuning`] minimises; every score is lower-is-better, and a diverged run scores
/// `+∞` (worst).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Objective {
    /// The loss after the last step.
    FinalLoss,
    /// The steps to reach `loss − f* < tol` ([`RunResult::steps_to_tolerance`]). A run that
    /// never gets there scores `steps + 1 + gap/(1 + gap)`, `gap = max(final loss − f*, 0)`:
    /// worse than any run that does, and ranked by how close it came.
    StepsToTolerance(f64),
    /// The area under the loss curve on a log scale, `Σₖ log10(max(loss_k − f*, 0) + 1e-300)`
    /// over every point `k = 0 … steps`: rewards getting low early and staying there.
    AreaUnderCurve,
}

impl Objective {
    /// The names of the objectives, as the page and [`Objective::from_name`] write them.
    pub const NAMES: [&'static str; 3] = ["final-loss", "steps", "area"];

    /// The objective named `name`: `final-loss`, `steps` (steps to a loss within 1e-6 of the
    /// minimum) or `area` (area under the log loss curve); an error naming the allowed values
    /// otherwise.
    pub fn from_name(name: &str) -> Result<Objective, Error> {
        match name {
            "final-loss" => Ok(Objective::FinalLoss),
            "steps" => Ok(Objective::StepsToTolerance(TOLERANCE)),
            "area" => Ok(Objective::AreaUnderCurve),
            other => {
                let allowed = Objective::NAMES.join(", ");
                Err(Error::new("error.compare.objective")
                    .with("value", other)
                    .with("allowed", allowed))
            }
        }
    }
}

/// The score of trajectory `t` on `surface` under `objective` (lower is better; `+∞` when the
/// run diverged).
pub fn score(surface: &Surface, t: &Trajectory, objective: Objective) -> f64 {
    if t.diverged_at.is_some() {
        return f64::INFINITY;
    }
    let f_star = lowest_minimum(surface);
    let last = *t.losses.last().expect("start loss");
    match objective {
        Objective::FinalLoss => last,
        Objective::StepsToTolerance(tol) => match first_below(&t.losses, f_star, tol) {
            Some(k) => k as f64,
            None => unreached(t.steps(), last, f_star),
        },
        Objective::AreaUnderCurve => t.losses.iter().map(|&l| log_gap(l, f_star)).sum(),
    }
}

/// [`Objective::StepsToTolerance`]'s score of a run of `steps` steps that never got within
/// the tolerance and ended at `last`: `steps + 1 + gap/(1 + gap)`.
fn unreached(steps: usize, last: f64, f_star: Option<f64>) -> f64 {
    let g = gap(last, f_star).max(0.0);
    steps as f64 + 1.0 + g / (1.0 + g)
}

/// One point's term of [`Objective::AreaUnderCurve`]: `log10(max(loss − f*, 0) + 1e-300)`.
fn log_gap(loss: f64, f_star: Option<f64>) -> f64 {
    (gap(loss, f_star).max(0.0) + 1e-300).log10()
}

/// The score of every learning rate in `lrs` for `spec` from `start` over `steps` steps:
/// bit for bit `score(surface, &simulate(surface, spec with lr, start, steps)?, objective)`,
/// with the runs advanced together as one [`Batch`].
///
/// Fails when `spec` is invalid or a learning rate is not allowed.
pub fn lr_scores(
    surface: &Surface,
    spec: &RunSpec,
    start: [f64; 2],
    steps: usize,
    lrs: &[f64],
    objective: Objective,
) -> Result<Vec<f64>, Error> {
    if lrs.is_empty() {
        return Ok(Vec::new());
    }
    let f_star = lowest_minimum(surface);
    let n = lrs.len();
    let mut batch = Batch::with_lrs(surface, spec, start, lrs)?;
    // What each objective needs from every step: the first step within tolerance, or the
    // running sum of the log gaps (in the order `score` adds them).
    let mut reached: Vec<Option<usize>> = vec![None; n];
    let mut area = vec![0.0; n];
    let mut observe = |batch: &Batch| match objective {
        Objective::FinalLoss => {}
        Objective::StepsToTolerance(tol) => {
            for i in batch.running_where(|loss| gap(loss, f_star) < tol) {
                reached[i].get_or_insert(batch.k());
            }
        }
        Objective::AreaUnderCurve => {
            for (i, sum) in area.iter_mut().enumerate() {
                *sum += log_gap(batch.loss(i), f_star);
            }
        }
    };
    observe(&batch);
    while batch.k() < steps && !batch.all_halted() {
        batch.step();
        observe(&batch);
    }
    Ok((0..n)
        .map(|i| {
            if batch.halted(i).is_some() {
                return f64::INFINITY;
            }
            let last = batch.loss(i);
            match objective {
                Objective::FinalLoss => last,
                Objective::StepsToTolerance(_) => match reached[i] {
                    Some(k) => k as f64,
                    None => unreached(steps, last, f_star),
                },
                Objective::AreaUnderCurve => area[i],
            }
        })
        .collect())
}

/// A tuning problem: one run's setting, where and how long it runs, what counts as best, and
/// how many simulations the search may spend.
#[derive(Clone, Copy, Debug)]
pub struct Tuning<'a> {
    /// The surface the run descends.
    pub surface: &'a Surface,
    /// The run's setting; the search varies its learning rate (and the [`Decay`]s asked for).
    pub spec: &'a RunSpec,
    /// The start point.
    pub start: [f64; 2],
    /// Steps per simulation.
    pub steps: usize,
    /// What is minimised.
    pub objective: Objective,
    /// Simulations the whole search may run, at least 1; it runs exactly this many.
    pub budget: usize,
    /// The learning rates searched, `(lo, hi)` with `0 < lo < hi`.
    pub lrs: (f64, f64),
}

/// A decay-type hyperparameter that [`Tuning::search`] can vary along with the learning rate:
/// values from `lo` to `hi` spaced evenly in `log10(1 − v)`, so that 0.9, 0.99 and 0.999
/// are equally far apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decay {
    /// The hyperparameter's name, as [`crate::core::optim::RunConfig::set`] takes it.
    pub name: &'static str,
    /// The smallest value searched, `0 ≤ lo < hi`.
    pub lo: f64,
    /// The largest value searched, `hi < 1`.
    pub hi: f64,
}

impl Decay {
    /// Heavy-ball or Nesterov momentum μ (also RMSprop's), from 0 to 0.99.
    pub const MOMENTUM: Decay = Decay {
        name: "momentum",
        lo: 0.0,
        hi: 0.99,
    };
    /// The first-moment decay β₁ of the Adam family and Lion, from 0 to 0.99.
    pub const BETA1: Decay = Decay {
        name: "beta1",
        lo: 0.0,
        hi: 0.99,
    };
    /// The second-moment decay β₂ of the Adam family (Lion's second β), from 0.99 to 0.9999.
    pub const BETA2: Decay = Decay {
        name: "beta2",
        lo: 0.99,
        hi: 0.9999,
    };

    /// The decays [`Tuning::search`] can vary, in the order the page lists them.
    pub const ALL: [Decay; 3] = [Decay::MOMENTUM, Decay::BETA1, Decay::BETA2];

    /// The decays named in `names`, comma-separated (spaces around a name and empty items
    /// ignored, so `""` is none), in the order given; an error naming the first unknown name
    /// and the allowed ones otherwise.
    pub fn from_names(names: &str) -> Result<Vec<Decay>, Error> {
        names
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|name| {
                Decay::ALL
                    .into_iter()
                    .find(|d| d.name == name)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = Decay::ALL.iter().map(|d| d.name).collect();
                        let allowed = allowed.join(", ");
                        err!("error.compare.tune_param", name = name, allowed = allowed)
                    })
            })
            .collect()
    }

    /// This decay's range narrowed to what `spec`'s optimizer accepts, so that a search never
    /// proposes a setting the optimizer refuses: each end that `spec` refuses (Nesterov
    /// momentum needs μ > 0, so μ = 0 is refused) moves inwards in tenths of the range, as
    /// spaced in `log10(1 − v)`, to the first value accepted (for Nesterov's μ, 1 − 10^−0.2 ≈
    /// 0.37). An error when no tenth is accepted, or when `spec` has no such hyperparameter.
    pub fn within(&self, spec: &RunSpec) -> Result<Decay, Error> {
        let accepts = |v: f64| {
            let mut s = spec.clone();
            s.optimizer.set(self.name, v).is_ok()
                && s.validate().is_ok()
                && s.optimizer.build().is_ok()
        };
        spec.optimizer.get(self.name)?;
        let (a, b) = ((1.0 - self.lo).log10(), (1.0 - self.hi).log10());
        let at = |k: u32| match k {
            0 => self.lo,
            10 => self.hi,
            k => 1.0 - 10f64.powf(between(f64::from(k) / 10.0, a, b)),
        };
        let lo = (0..=10).find(|&k| accepts(at(k)));
        let hi = (0..=10).rev().find(|&k| accepts(at(k)));
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo < hi => Ok(Decay {
                lo: at(lo),
                hi: at(hi),
                ..*self
            }),
            _ => Err(Error::new("error.compare.no_decay")
                .with("optimizer", spec.optimizer.kind.id())
                .with("name", self.name)
                .with("lo", self.lo)
                .with("hi", self.hi)),
        }
    }

    /// `n ≥ 2` values from `lo` to `hi` ([`decay_space`]). With `n = 3`,
    /// [`Decay::MOMENTUM`] gives 0, 0.9, 0.99 and [`Decay::BETA2`] 0.99, 0.999, 0.9999.
    pub fn values(&self, n: usize) -> Result<Vec<f64>, Error> {
        decay_space(self.lo, self.hi, n)
    }
}

/// The outcome of [`Tuning::lr`].
#[derive(Clone, Debug, PartialEq)]
pub struct TuneResult {
    /// The learning rate with the lowest score among those evaluated (the first on a tie).
    pub best_lr: f64,
    /// Its score.
    pub best_score: f64,
    /// Every `(lr, score)` evaluated, in the order evaluated, for showing the search.
    pub evaluated: Vec<(f64, f64)>,
    /// How many of them were the coarse log grid (the rest refined it).
    pub grid: usize,
}

/// The outcome of [`Tuning::search`].
#[derive(Clone, Debug, PartialEq)]
pub struct Searched {
    /// The hyperparameters searched: `lr`, then each decay asked for.
    pub names: Vec<&'static str>,
    /// The best values found, in the order of `names`.
    pub best: Vec<f64>,
    /// Their score.
    pub best_score: f64,
    /// Every setting evaluated (values in the order of `names`) with its score, in order.
    pub evaluated: Vec<(Vec<f64>, f64)>,
    /// The values each decay was tried at: one per decay, its run's own value when the budget
    /// is too small to vary it.
    pub grids: Vec<Vec<f64>>,
    /// The learning-rate searches, one per combination of the decays' values.
    pub searches: Vec<TuneResult>,
}

impl Searched {
    /// What the search did, in numbers, for the page to word in its language
    /// (`crate::state::words::tune_search`): `lrs` is the learning-rate range searched.
    pub fn summary(&self, lrs: (f64, f64)) -> SearchSummary {
        let grid = self.searches.first().map_or(0, |s| s.grid);
        let in_searches: usize = self.searches.iter().map(|t| t.evaluated.len()).sum();
        let refined = self.evaluated.len().saturating_sub(in_searches);
        let decays = if self.grids.is_empty() {
            DecaySearch::None
        } else if self.searches.len() > 1 {
            DecaySearch::Each {
                grids: self.grids.clone(),
                refined,
            }
        } else {
            DecaySearch::At {
                values: self.grids.iter().map(|g| g.first().copied()).collect(),
                refined,
            }
        };
        SearchSummary { grid, lrs, decays }
    }
}

/// What a [`Tuning::search`] did, in numbers: "η on a log grid of 12 over 1e-5…1, refined by
/// golden section", then for decays either "for each of μ ∈ {0, 0.9, 0.99}; then 14
/// Nelder–Mead steps over all together" or, when the budget left one value per decay, "at
/// μ 0.9; then …". The words are the page's, in its language.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSummary {
    /// How many rates the coarse log grid of each learning-rate search held.
    pub grid: usize,
    /// The learning rates searched, `(lo, hi)`.
    pub lrs: (f64, f64),
    /// How the decays were searched, if any were.
    pub decays: DecaySearch,
}

/// How a [`Tuning::search`] varied its decays ([`SearchSummary::decays`]); each list is in
/// the order of [`Searched::names`] after `lr`.
#[derive(Clone, Debug, PartialEq)]
pub enum DecaySearch {
    /// None were asked for: the learning rate alone.
    None,
    /// A learning-rate search for each combination of the decays' values `grids`, then
    /// `refined` Nelder–Mead steps over all together.
    Each {
        /// The values each decay was tried at.
        grids: Vec<Vec<f64>>,
        /// Nelder–Mead steps after the grid.
        refined: usize,
    },
    /// The budget left one value per decay (its run's own): one learning-rate search at
    /// `values`, then `refined` Nelder–Mead steps over all together.
    At {
        /// Each decay's value (`None` where a decay has none).
        values: Vec<Option<f64>>,
        /// Nelder–Mead steps after the search.
        refined: usize,
    },
}

/// `1/φ`, the golden-section ratio.
const INV_PHI: f64 = 0.618_033_988_749_894_9;

/// The fewest simulations [`Tuning::search`] gives one learning-rate search.
pub const MIN_LR_BUDGET: usize = 8;

impl Tuning<'_> {
    fn check(&self) -> Result<(), Error> {
        check_log_range("lo", self.lrs.0, self.lrs.1)?;
        if self.budget == 0 {
            return Err(out_of_range("budget", 0.0, "1 ≤ budget"));
        }
        Ok(())
    }

    /// The learning rate in `lrs` that minimises the objective, using exactly `budget`
    /// simulations; `progress` hears how many are done after each.
    ///
    /// The search works on `log10 lr`: a coarse grid of `⌈budget/2⌉` log-spaced rates over
    /// the range, endpoints included (all `budget` of them when `budget ≤ 3`; the geometric
    /// mean alone when `budget = 1`), run as one [`Batch`]; then a golden-section search with
    /// the rest of the budget on the interval between the best grid rate's two neighbours (its
    /// one neighbour at an end of the range). Diverged runs score `+∞`; when two
    /// golden-section points tie, the search keeps the lower rates.
    ///
    /// Fails when `spec` is invalid, unless `0 < lo < hi` (finite), or when `budget` is 0.
    pub fn lr(&self, progress: &mut dyn FnMut(usize)) -> Result<TuneResult, Error> {
        self.check()?;
        let (lo, hi) = self.lrs;
        let budget = self.budget;
        let coarse = match budget {
            1 => vec![(lo * hi).sqrt()],
            2 | 3 => log_space(lo, hi, budget)?,
            _ => log_space(lo, hi, budget.div_ceil(2))?,
        };
        let grid_scores = lr_scores(
            self.surface,
            self.spec,
            self.start,
            self.steps,
            &coarse,
            self.objective,
        )?;
        let mut evaluated: Vec<(f64, f64)> = Vec::with_capacity(budget);
        evaluated.extend(coarse.iter().copied().zip(grid_scores.iter().copied()));
        progress(evaluated.len());
        let mut eval = |log_lr: f64, evaluated: &mut Vec<(f64, f64)>| -> Result<f64, Error> {
            let lr = 10f64.powf(log_lr);
            let s = self.score_of(&with_lr(self.spec, lr)?)?;
            evaluated.push((lr, s));
            progress(evaluated.len());
            Ok(s)
        };
        let best_i = (0..grid_scores.len())
            .min_by(|&a, &b| grid_scores[a].total_cmp(&grid_scores[b]).then(a.cmp(&b)))
            .expect("at least one rate");
        let mut remaining = budget - evaluated.len();
        if remaining > 0 && coarse.len() >= 2 {
            let mut a = coarse[best_i.saturating_sub(1)].log10();
            let mut b = coarse[(best_i + 1).min(coarse.len() - 1)].log10();
            let mut c = b - INV_PHI * (b - a);
            let mut fc = eval(c, &mut evaluated)?;
            remaining -= 1;
            if remaining > 0 {
                let mut d = a + INV_PHI * (b - a);
                let mut fd = eval(d, &mut evaluated)?;
                remaining -= 1;
                while remaining > 0 {
                    if fc <= fd {
                        (b, d, fd) = (d, c, fc);
                        c = b - INV_PHI * (b - a);
                        fc = eval(c, &mut evaluated)?;
                    } else {
                        (a, c, fc) = (c, d, fd);
                        d = a + INV_PHI * (b - a);
                        fd = eval(d, &mut evaluated)?;
                    }
                    remaining -= 1;
                }
            }
        }
        let (best_lr, best_score) = best_of(&evaluated);
        Ok(TuneResult {
            best_lr,
            best_score,
            evaluated,
            grid: coarse.len(),
        })
    }

    /// The learning rate and the values of `decays` that minimise the objective, using
    /// exactly `budget` simulations; `progress` hears how many are done.
    ///
    /// Without decays this is [`Tuning::lr`]. With `d` of them, in two halves:
    ///
    /// 1. A grid. Each decay is tried at `g` values ([`Decay::values`]), `g` the largest of
    ///    5, 3 and 1 with `g^d · MIN_LR_BUDGET ≤ budget/2` (at `g = 1`, the run's own value),
    ///    and for every combination the learning rate is searched as [`Tuning::lr`] does, the
    ///    half budget shared evenly (the first combinations taking what does not divide). A
    ///    rate is searched per combination because its best value moves with the decays
    ///    (heavy-ball momentum's effective rate is `η/(1 − μ)`).
    /// 2. A refinement: Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) over
    ///    all `1 + d` values at once, each scaled to `[0, 1]` (`log10 lr` over the rate range,
    ///    `log10(1 − v)` over the decay's), trial points clamped to the box, started from the
    ///    grid's best with steps of 0.1 along each axis, until the budget is spent. It follows
    ///    the diagonal valleys a grid misses, and compares scores only, so the scale of the
    ///    objective does not matter.
    ///
    /// Each decay's range is first narrowed to what the run's optimizer accepts
    /// ([`Decay::within`]), so no setting the optimizer refuses is ever simulated.
    ///
    /// Fails as [`Tuning::lr`] does, or when the run has no hyperparameter of a decay's name.
    pub fn search(
        &self,
        decays: &[Decay],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Searched, Error> {
        self.check()?;
        let names: Vec<&'static str> = std::iter::once("lr")
            .chain(decays.iter().map(|d| d.name))
            .collect();
        let decays = decays
            .iter()
            .map(|d| d.within(self.spec))
            .collect::<Result<Vec<_>, _>>()?;
        let decays = decays.as_slice();
        let half = if decays.is_empty() {
            self.budget
        } else {
            (self.budget / 2).max(1)
        };
        let d = decays.len() as u32;
        let g = [5usize, 3]
            .into_iter()
            .find(|g| g.pow(d) * MIN_LR_BUDGET <= half)
            .unwrap_or(1);
        let grids = decays
            .iter()
            .map(|decay| match g {
                1 => Ok(vec![self.spec.optimizer.get(decay.name)?]),
                g => decay.values(g),
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Every combination, the last decay varying fastest.
        let mut combos: Vec<Vec<f64>> = vec![Vec::new()];
        for grid in &grids {
            combos = combos
                .iter()
                .flat_map(|c| grid.iter().map(move |&v| [c.as_slice(), &[v]].concat()))
                .collect();
        }
        let (share, extra) = (half / combos.len(), half % combos.len());
        let mut evaluated: Vec<(Vec<f64>, f64)> = Vec::with_capacity(self.budget);
        let mut searches = Vec::with_capacity(combos.len());
        for (j, values) in combos.iter().enumerate() {
            let spec = self.with_values(decays, values)?;
            let done = evaluated.len();
            let t = Tuning {
                spec: &spec,
                budget: share + usize::from(j < extra),
                ..*self
            }
            .lr(&mut |k| progress(done + k))?;
            evaluated.extend(
                t.evaluated
                    .iter()
                    .map(|&(lr, s)| ([&[lr], values.as_slice()].concat(), s)),
            );
            searches.push(t);
        }
        let remaining = self.budget - evaluated.len();
        if remaining > 0 {
            let scale = |x: &[f64]| -> Vec<f64> {
                let mut u = vec![unit(x[0].log10(), self.lrs.0.log10(), self.lrs.1.log10())];
                u.extend(decays.iter().zip(&x[1..]).map(|(decay, &v)| {
                    unit(
                        (1.0 - v).log10(),
                        (1.0 - decay.lo).log10(),
                        (1.0 - decay.hi).log10(),
                    )
                }));
                u
            };
            let unscale = |u: &[f64]| -> Vec<f64> {
                let mut x = vec![10f64.powf(between(u[0], self.lrs.0.log10(), self.lrs.1.log10()))];
                x.extend(decays.iter().zip(&u[1..]).map(|(decay, &t)| {
                    let (a, b) = ((1.0 - decay.lo).log10(), (1.0 - decay.hi).log10());
                    // The ends exactly, so a decay at the edge of its range is its bound.
                    match t {
                        0.0 => decay.lo,
                        1.0 => decay.hi,
                        t => 1.0 - 10f64.powf(between(t, a, b)),
                    }
                }));
                x
            };
            let start = best_of(&evaluated).0;
            let mut f = |u: &[f64]| -> Result<f64, Error> {
                let x = unscale(u);
                let sc = self.score_of(&with_lr(&self.with_values(decays, &x[1..])?, x[0])?)?;
                evaluated.push((x, sc));
                progress(evaluated.len());
                Ok(sc)
            };
            nelder_mead(&mut f, &scale(&start), remaining)?;
        }
        let (best, best_score) = best_of(&evaluated);
        Ok(Searched {
            names,
            best,
            best_score,
            evaluated,
            grids,
            searches,
        })
    }

    /// The objective's score of one simulation of `spec`.
    fn score_of(&self, spec: &RunSpec) -> Result<f64, Error> {
        let t = simulate(self.surface, spec, self.start, self.steps)?;
        Ok(score(self.surface, &t, self.objective))
    }

    /// The run's setting with each of `decays` set to its value in `values`.
    fn with_values(&self, decays: &[Decay], values: &[f64]) -> Result<RunSpec, Error> {
        let mut spec = self.spec.clone();
        for (decay, &v) in decays.iter().zip(values) {
            spec.optimizer.set(decay.name, v)?;
        }
        Ok(spec)
    }
}

/// Where `v` sits between `a` and `b`, as a fraction (`a` → 0, `b` → 1).
fn unit(v: f64, a: f64, b: f64) -> f64 {
    ((v - a) / (b - a)).clamp(0.0, 1.0)
}

/// The value a fraction `t` of the way from `a` to `b`.
fn between(t: f64, a: f64, b: f64) -> f64 {
    a + t * (b - a)
}

/// The lowest-scoring evaluation, the first on a tie.
fn best_of<T: Clone>(evaluated: &[(T, f64)]) -> (T, f64) {
    evaluated
        .iter()
        .cloned()
        .reduce(|best, e| if e.1 < best.1 { e } else { best })
        .expect("at least one evaluation")
}

/// Nelder–Mead minimisation of `f` over the unit box from `x0`, for exactly `budget`
/// evaluations (see [`Tuning::search`] for the constants); `f` keeps what it evaluates.
fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> Result<f64, Error>,
    x0: &[f64],
    budget: usize,
) -> Result<(), Error> {
    let n = x0.len();
    let clamp = |x: Vec<f64>| -> Vec<f64> { x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect() };
    let mut left = budget;
    // Evaluates `x` unless the budget is spent (then `None`, and the search ends).
    let mut eval = |x: &[f64]| -> Result<Option<f64>, Error> {
        if left == 0 {
            return Ok(None);
        }
        left -= 1;
        f(x).map(Some)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let Some(f0) = eval(x0)? else { return Ok(()) };
    simplex.push((x0.to_vec(), f0));
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += if x[i] + 0.1 <= 1.0 { 0.1 } else { -0.1 };
        let Some(fx) = eval(&x)? else { return Ok(()) };
        simplex.push((x, fx));
    }
    // A point along the line from the centroid `c` through the worst point `w`.
    let along = |c: &[f64], w: &[f64], t: f64| -> Vec<f64> {
        clamp(c.iter().zip(w).map(|(c, w)| c + t * (w - c)).collect())
    };
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let worst = simplex[n].clone();
        let c: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64)
            .collect();
        let r = along(&c, &worst.0, -1.0);
        let Some(fr) = eval(&r)? else { return Ok(()) };
        if fr < simplex[0].1 {
            let e = along(&c, &worst.0, -2.0);
            let Some(fe) = eval(&e)? else { return Ok(()) };
            simplex[n] = if fe < fr { (e, fe) } else { (r, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (r, fr);
        } else {
            // Contract towards the better of the worst point and its reflection.
            let (t, f_ref) = if fr < worst.1 {
                (-0.5, fr)
            } else {
                (0.5, worst.1)
            };
            let k = along(&c, &worst.0, t);
            let Some(fk) = eval(&k)? else { return Ok(()) };
            if fk < f_ref {
                simplex[n] = (k, fk);
            } else {
                let best = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = best
                        .iter()
                        .zip(&p.0)
                        .map(|(b, v)| b + 0.5 * (v - b))
                        .collect();
                    let Some(fx) = eval(&x)? else { return Ok(()) };
                    *p = (x, fx);
                }
            }
        }
    }
}

// Property tests run natively (proptest does not build for wasm32).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{norm, within};
    use proptest::prelude::*;

    /// A vector near the circle of radius `tol`: `tol · (cos a, sin a) · (1 + e)`.
    fn near_circle(tol: f64, a: f64, e: f64) -> [f64; 2] {
        [tol * a.cos() * (1.0 + e), tol * a.sin() * (1.0 + e)]
    }

    proptest! {
        /// `within` answers as `hypot` does, at every scale, far from the boundary and on it
        /// (relative offsets down to a few ulps, where only `hypot` can tell).
        #[test]
        fn within_is_the_norm_test(
            exp in -320.0..308.0f64,
            a in -4.0..4.0f64,
            e in prop_oneof![-1e-3..1e-3f64, -1e-11..1e-11f64, -1e-15..1e-15f64, -2.0..2.0f64],
        ) {
            let tol = 10f64.powf(exp);
            prop_assume!(tol.is_finite() && tol > 0.0);
            let v = near_circle(tol, a, e);
            prop_assert_eq!(within(v, tol), norm(v) <= tol);
        }
    }

    #[test]
    fn within_on_exact_cases() {
        // 3-4-5: the norm is exactly 5·2⁻²⁰, on the boundary.
        let s = 2f64.powi(-20);
        assert!(within([3.0 * s, 4.0 * s], 5.0 * s));
        assert!(!within([3.0 * s, 4.0 * s], 5.0 * s * (1.0 - f64::EPSILON)));
        assert!(!within([f64::NAN, 0.0], 1.0));
        assert!(!within([0.0, f64::INFINITY], f64::MAX));
        assert!(within([f64::MAX, 0.0], f64::MAX));
        assert!(!within([f64::MAX, f64::MAX], f64::MAX));
        assert!(within([5e-324, 5e-324], 5e-324 * 2.0));
    }
}
