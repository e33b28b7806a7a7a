//! Batched runs: many runs of one setting advanced together, their coordinates in
//! structure-of-arrays lanes, each lane bit for bit the run [`crate::core::run::simulate`] gives.
//!
//! A [`Batch`] holds `n` runs of one [`RunSpec`] on one surface that differ in their start
//! point (a basin map's grid) or in their learning rate (a learning-rate sweep). Their
//! parameters form one vector `[x₀ … x₍ₙ₋₁₎, y₀ … y₍ₙ₋₁₎]` that a single optimizer updates
//! in one call ([`Optimizer::step_at`] with one [`Rate`] per coordinate), and the surface is
//! evaluated a few points at a time ([`Surface::values_and_gradients`]: two for a built-in
//! surface, [`LANES`] for a typed formula). Both loops run
//! over plain arrays without branches between lanes, which the compiler turns into SIMD
//! instructions (SSE2 natively, wasm's `simd128` in the browser).
//!
//! Why the results do not change: every optimizer in optiviz except Newton's method updates
//! each coordinate on its own, from that coordinate's gradient, state and rate and from
//! scalars that depend only on the step count (which all lanes share); the surface's lane
//! duals apply the same scalar arithmetic in every lane. So lane `i` computes exactly the
//! operations a lone run would, in the same order. The parts that are not per coordinate are
//! done per lane with the lone run's own code: gradient noise, clipping by norm
//! ([`RunSpec::shape_in_place`], with one generator per lane seeded as the lone run's), and
//! Newton's method (one optimizer per lane, with that lane's Hessian). `tests/batch.rs` checks
//! the equality bit for bit over random settings.

use crate::core::optim::{Optimizer, Rate};
use crate::core::run::RunSpec;
use crate::core::schedule::Schedule;
use crate::core::surface::Surface;
use crate::error::Error;
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The lanes a batch tests for settling at a time, and evaluates a typed formula at per call:
/// lanes are padded to a multiple.
pub const LANES: usize = 8;

/// How many lanes a built-in surface is evaluated at per call, a divisor of [`LANES`]: one
/// 128-bit vector of `f64`s. A dual's value and two partials then fit three registers, and a
/// surface's whole evaluation fits the sixteen a wasm engine has: at 8 lanes per call the
/// browser's compiler spilled a third of the evaluation's instructions to the stack (a 512²
/// basin map took 107 ms in node's V8 against 80 at 2 lanes; natively 57–62 against 55).
/// The lanes' arithmetic is the same at any width, so every result is too.
const EVAL_LANES: usize = 2;

/// Where one lane's run stopped being finite (as [`crate::core::run::Halt`]): the step `k` that was
/// refused; the lane keeps its last finite point.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Frozen {
    k: usize,
    theta: [f64; 2],
    loss: f64,
    grad: [f64; 2],
}

/// The optimizer(s) of a batch: one over all coordinates, or one per lane for methods that
/// are not coordinate-wise (Newton's method).
enum Optimizers {
    Shared(Box<dyn Optimizer>),
    PerLane(Vec<Box<dyn Optimizer>>),
}

/// `n` runs of one setting advanced together; see the [module](self) for how and why the
/// results equal lone runs.
pub struct Batch<'a> {
    surface: &'a Surface,
    spec: &'a RunSpec,
    optimizers: Optimizers,
    /// Real lanes.
    n: usize,
    /// Lanes including padding, a multiple of [`LANES`].
    width: usize,
    /// `[x…, y…]`, `2·width` values: the current points.
    theta: Vec<f64>,
    /// The points before the last step.
    prev: Vec<f64>,
    /// The loss at each current point.
    loss: Vec<f64>,
    /// `[∂f/∂x…, ∂f/∂y…]` at the current points.
    grad: Vec<f64>,
    /// The losses and gradients before the last step (buffers swapped with the current ones).
    old_loss: Vec<f64>,
    old_grad: Vec<f64>,
    /// The gradients the optimizer sees, when noise or clipping shapes them.
    shaped: Vec<f64>,
    /// The base learning rate, when lanes share it.
    base_lr: f64,
    /// Each lane's base learning rate, when lanes have their own.
    base_lrs: Option<Vec<f64>>,
    /// This step's rate per coordinate, when lanes have their own.
    lrs: Vec<f64>,
    /// One generator per lane, seeded as a lone run's, when there is noise.
    rngs: Vec<Option<Pcg64Mcg>>,
    /// Where each halted lane stopped.
    frozen: Vec<Option<Frozen>>,
    /// The halted lanes, in the order they halted. Their slots in `theta` are parked at
    /// [`PARK`] before every evaluation, so that every lane's loss and gradient stay finite
    /// and the finiteness checks can test whole arrays at once (looking at lanes one by one
    /// only when a check fails); what a parked lane computes is never read.
    parked: Vec<usize>,
    /// How many real lanes (not padding) have halted.
    halted: usize,
    /// Whether every lane's point, loss and gradient was finite at the last evaluation.
    finite: bool,
    /// Per lane, 1 while [`Batch::near_still`] may report it, ∞ once retired (and for
    /// padding): a number, so that the test of it vectorizes with the others.
    watched: Vec<f64>,
    /// Steps taken.
    k: usize,
}

impl<'a> Batch<'a> {
    /// Runs of `spec` on `surface` from each of `starts` (at least one), nothing taken yet.
    /// Fails as [`crate::core::run::Stepper::new`] does, on an invalid configuration.
    pub fn new(
        surface: &'a Surface,
        spec: &'a RunSpec,
        starts: &[[f64; 2]],
    ) -> Result<Self, Error> {
        Self::build(surface, spec, starts, None)
    }

    /// Runs of `spec` on `surface` from `start`, lane `i` with the learning rate `lrs[i]` in
    /// place of `spec`'s (its schedule scaling each lane's own rate). Fails on an invalid
    /// configuration or a learning rate the optimizer does not allow.
    pub fn with_lrs(
        surface: &'a Surface,
        spec: &'a RunSpec,
        start: [f64; 2],
        lrs: &[f64],
    ) -> Result<Self, Error> {
        for &lr in lrs {
            spec.optimizer.clone().set("lr", lr)?;
        }
        Self::build(surface, spec, &vec![start; lrs.len()], Some(lrs))
    }

    fn build(
        surface: &'a Surface,
        spec: &'a RunSpec,
        starts: &[[f64; 2]],
        lrs: Option<&[f64]>,
    ) -> Result<Self, Error> {
        spec.validate()?;
        let first = spec.optimizer.build()?;
        let n = starts.len();
        if n == 0 {
            return Err(crate::err!("error.optim.empty_batch"));
        }
        let width = n.div_ceil(LANES) * LANES;
        // Padding lanes repeat lane 0; their results are never read.
        let lane = |i: usize| if i < n { i } else { 0 };
        let mut theta = vec![0.0; 2 * width];
        for i in 0..width {
            theta[i] = starts[lane(i)][0];
            theta[width + i] = starts[lane(i)][1];
        }
        let optimizers = if first.needs_hessian() {
            let mut each = vec![first];
            for _ in 1..width {
                each.push(spec.optimizer.build()?);
            }
            Optimizers::PerLane(each)
        } else {
            Optimizers::Shared(first)
        };
        let base_lrs = lrs.map(|lrs| (0..width).map(|i| lrs[lane(i)]).collect());
        let mut batch = Batch {
            surface,
            spec,
            optimizers,
            n,
            width,
            theta,
            prev: vec![0.0; 2 * width],
            loss: vec![0.0; width],
            grad: vec![0.0; 2 * width],
            old_loss: vec![0.0; width],
            old_grad: vec![0.0; 2 * width],
            shaped: Vec::new(),
            base_lr: spec.optimizer.lr(),
            base_lrs,
            lrs: Vec::new(),
            rngs: (0..width)
                .map(|_| spec.noise.map(|noise| Pcg64Mcg::seed_from_u64(noise.seed)))
                .collect(),
            frozen: vec![None; width],
            parked: Vec::new(),
            halted: 0,
            finite: false,
            watched: (0..width)
                .map(|i| if i < n { 1.0 } else { f64::INFINITY })
                .collect(),
            k: 0,
        };
        if let (Some(base), Schedule::Constant) = (&batch.base_lrs, spec.schedule) {
            // A constant schedule's rate is the base rate at every step: set once, here.
            batch.lrs = [base.as_slice(), base.as_slice()].concat();
        }
        batch.evaluate();
        for i in 0..width {
            let (theta, loss) = (batch.point(i), batch.loss[i]);
            if !(theta.iter().all(|v| v.is_finite()) && loss.is_finite()) {
                batch.freeze(i, 0, theta, loss, batch.grad_at(i));
            }
        }
        if !batch.parked.is_empty() {
            batch.park();
            batch.evaluate();
        }
        batch.prev.copy_from_slice(&batch.theta);
        Ok(batch)
    }

    /// How many runs (lanes) the batch holds.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the batch holds no runs (never: [`Batch::new`] refuses an empty one).
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Steps taken so far.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Whether every run has halted (then [`Batch::step`] changes nothing).
    pub fn all_halted(&self) -> bool {
        self.halted == self.n
    }

    /// How many runs have halted so far: a caller that tracks halts can skip its scan for
    /// them while this is unchanged.
    pub fn halted_count(&self) -> usize {
        self.halted
    }

    /// Stops [`Batch::near_still`] from reporting lane `i`: its caller has decided it. The
    /// lane is still stepped like every other (its results stay those of a lone run).
    pub fn retire(&mut self, i: usize) {
        self.watched[i] = f64::INFINITY;
    }

    /// The real lanes (in order), not retired, whose last step and current gradient both
    /// lie within `tol` in every coordinate, `|θₖ − θₖ₋₁| ≤ tol` and `|∂f(θₖ)| ≤ tol`; a
    /// halted lane may be among them (its slots are parked), so callers check
    /// [`Batch::halted`] first.
    ///
    /// The test runs over whole arrays, eight lanes at a time without branches, and looks at
    /// lanes one by one only in a block where some lane passes: the cheap necessary
    /// condition of a settling test (a vector's norm is at least each of its components),
    /// which most lanes fail at most steps, and a retired lane (one settled and left where
    /// it is, in the usual case) always.
    pub fn near_still(&self, tol: f64, mut each: impl FnMut(usize)) {
        let w = self.width;
        let (xs, ys) = self.theta.split_at(w);
        let (px, py) = self.prev.split_at(w);
        let (gx, gy) = self.grad.split_at(w);
        let blocks = xs
            .chunks_exact(LANES)
            .zip(ys.chunks_exact(LANES))
            .zip(px.chunks_exact(LANES).zip(py.chunks_exact(LANES)))
            .zip(gx.chunks_exact(LANES).zip(gy.chunks_exact(LANES)))
            .zip(self.watched.chunks_exact(LANES));
        for (b, ((((x, y), (px, py)), (gx, gy)), watched)) in blocks.enumerate() {
            let mut near = block_near(tol, [x, y, px, py, gx, gy, watched]);
            while near != 0 {
                each(b * LANES + near.trailing_zeros() as usize);
                near &= near - 1;
            }
        }
    }

    /// The real lanes that have not halted and whose current loss satisfies `pred`, in
    /// order (a scan of the losses that tests `pred` first, so halted lanes cost nothing more).
    pub fn running_where(&self, pred: impl Fn(f64) -> bool) -> impl Iterator<Item = usize> {
        self.loss[..self.n]
            .iter()
            .enumerate()
            .filter(move |&(i, &loss)| pred(loss) && self.frozen[i].is_none())
            .map(|(i, _)| i)
    }

    /// Lane `i`'s current point (its last finite one when it has halted).
    pub fn point(&self, i: usize) -> [f64; 2] {
        match self.frozen[i] {
            Some(f) => f.theta,
            None => [self.theta[i], self.theta[self.width + i]],
        }
    }

    /// Lane `i`'s point before the last step (for a halted lane, its last finite point).
    pub fn previous(&self, i: usize) -> [f64; 2] {
        match self.frozen[i] {
            Some(f) => f.theta,
            None => [self.prev[i], self.prev[self.width + i]],
        }
    }

    /// The loss at lane `i`'s current point.
    pub fn loss(&self, i: usize) -> f64 {
        self.frozen[i].map_or(self.loss[i], |f| f.loss)
    }

    /// The exact gradient at lane `i`'s current point.
    pub fn grad(&self, i: usize) -> [f64; 2] {
        self.frozen[i].map_or_else(|| self.grad_at(i), |f| f.grad)
    }

    /// The step that lane `i`'s run refused as not finite (0: its start), as
    /// [`crate::core::run::Trajectory::diverged_at`].
    pub fn halted(&self, i: usize) -> Option<usize> {
        self.frozen[i].map(|f| f.k)
    }

    /// The learning rate lane `i` used at step `k` (from 1).
    pub fn lr(&self, i: usize, k: usize) -> f64 {
        let base = match &self.base_lrs {
            Some(base) => base[i],
            None => self.base_lr,
        };
        self.spec.schedule.lr(base, k - 1)
    }

    fn grad_at(&self, i: usize) -> [f64; 2] {
        [self.grad[i], self.grad[self.width + i]]
    }

    fn freeze(&mut self, i: usize, k: usize, theta: [f64; 2], loss: f64, grad: [f64; 2]) {
        self.frozen[i] = Some(Frozen {
            k,
            theta,
            loss,
            grad,
        });
        self.parked.push(i);
        self.halted += usize::from(i < self.n);
    }

    /// Moves every halted lane's point to [`PARK`].
    fn park(&mut self) {
        let w = self.width;
        for &i in &self.parked {
            (self.theta[i], self.theta[w + i]) = PARK;
        }
    }

    /// The loss and gradient at every lane's point, [`LANES`] lanes per call; records in
    /// `finite` whether every point, loss and gradient is.
    fn evaluate(&mut self) {
        // One loop per surface, so that the choice of formula is made once, not per block.
        macro_rules! with {
            ($surface:expr) => {
                self.evaluate_with(|x: [f64; EVAL_LANES], y| $surface.values_and_gradients(x, y))
            };
        }
        self.finite = match *self.surface {
            Surface::Rosenbrock => with!(Surface::Rosenbrock),
            Surface::Bowl { condition, angle } => with!(Surface::Bowl { condition, angle }),
            Surface::Beale => with!(Surface::Beale),
            Surface::Himmelblau => with!(Surface::Himmelblau),
            Surface::Saddle => with!(Surface::Saddle),
            Surface::Booth => with!(Surface::Booth),
            Surface::Rastrigin => with!(Surface::Rastrigin),
            Surface::Ackley => with!(Surface::Ackley),
            Surface::GoldsteinPrice => with!(Surface::GoldsteinPrice),
            Surface::SixHumpCamel => with!(Surface::SixHumpCamel),
            Surface::StyblinskiTang => with!(Surface::StyblinskiTang),
            Surface::MonkeySaddle => with!(Surface::MonkeySaddle),
            Surface::Easom => with!(Surface::Easom),
            Surface::Custom(_) => {
                let surface = self.surface;
                self.evaluate_with(|x: Block, y| surface.values_and_gradients(x, y))
            }
        };
    }

    /// [`Batch::evaluate`] with the surface's lane function `f`; whether every value is finite.
    /// A function of its own per surface, not inlined into `evaluate`: the browser's optimizing
    /// compiler then compiles only the surface in use (see `optim`'s `unswitch!`).
    #[inline(never)]
    fn evaluate_with<const M: usize>(
        &mut self,
        f: impl Fn([f64; M], [f64; M]) -> ([f64; M], [f64; M], [f64; M]),
    ) -> bool {
        let w = self.width;
        let (xs, ys) = self.theta.split_at(w);
        let (gx, gy) = self.grad.split_at_mut(w);
        // `0·v` is ±0 for a finite `v` and NaN otherwise; NaN survives every sum.
        let mut poison = [0.0; M];
        let blocks = xs.chunks_exact(M).zip(ys.chunks_exact(M));
        let outputs = self
            .loss
            .chunks_exact_mut(M)
            .zip(gx.chunks_exact_mut(M).zip(gy.chunks_exact_mut(M)));
        for ((x, y), (loss, (gx, gy))) in blocks.zip(outputs) {
            let x: [f64; M] = x.try_into().expect("a whole block");
            let y: [f64; M] = y.try_into().expect("a whole block");
            let (f, dx, dy) = f(x, y);
            for j in 0..M {
                poison[j] += x[j] * 0.0 + y[j] * 0.0 + f[j] * 0.0 + dx[j] * 0.0 + dy[j] * 0.0;
            }
            loss.copy_from_slice(&f);
            gx.copy_from_slice(&dx);
            gy.copy_from_slice(&dy);
        }
        poison.iter().all(|&p| p == 0.0)
    }

    /// Takes the next step in every lane that has not halted, as
    /// [`crate::core::run::Stepper::step`] would: a lane whose gradient, Hessian, parameter or loss
    /// is not finite halts at its last finite point.
    pub fn step(&mut self) {
        let k = self.k + 1;
        let w = self.width;
        // Before the step: the exact gradient (and Hessian) must be finite. Parked lanes'
        // gradients are finite, so the last evaluation's verdict settles the usual case.
        let checked = self.finite;
        if !checked {
            for i in 0..w {
                if self.frozen[i].is_none() {
                    let g = self.grad_at(i);
                    if !(g[0].is_finite() && g[1].is_finite()) {
                        self.freeze(i, k, self.point(i), self.loss[i], g);
                    }
                }
            }
        }
        let shaping = self.spec.noise.is_some()
            || self.spec.clip_value.is_some()
            || self.spec.clip_norm.is_some();
        if shaping {
            self.shaped.clone_from(&self.grad);
            for i in 0..w {
                if self.frozen[i].is_none() {
                    let mut g = self.grad_at(i);
                    self.spec.shape_in_place(&mut g, &mut self.rngs[i], |_| {});
                    (self.shaped[i], self.shaped[w + i]) = (g[0], g[1]);
                }
            }
        }
        // With a constant schedule `lrs` already holds every step's rates.
        if self.spec.schedule != Schedule::Constant
            && let Some(base) = &self.base_lrs
        {
            self.lrs.resize(2 * w, 0.0);
            for (i, &base) in base.iter().enumerate() {
                let lr = self.spec.schedule.lr(base, k - 1);
                (self.lrs[i], self.lrs[w + i]) = (lr, lr);
            }
        }
        let rate = match self.base_lrs {
            Some(_) => Rate::Each(&self.lrs),
            None => Rate::All(self.spec.schedule.lr(self.base_lr, k - 1)),
        };
        self.prev.copy_from_slice(&self.theta);
        let grad = if shaping { &self.shaped } else { &self.grad };
        match &mut self.optimizers {
            Optimizers::Shared(optimizer) => optimizer.step_at(&mut self.theta, grad, rate, None),
            Optimizers::PerLane(optimizers) => {
                for (i, optimizer) in optimizers.iter_mut().enumerate() {
                    if self.frozen[i].is_some() {
                        continue;
                    }
                    let p = [self.theta[i], self.theta[w + i]];
                    let (_, _, h) = self.surface.hessian(p);
                    if !h.iter().all(|v| v.is_finite()) {
                        let g = [self.grad[i], self.grad[w + i]];
                        self.frozen[i] = Some(Frozen {
                            k,
                            theta: p,
                            loss: self.loss[i],
                            grad: g,
                        });
                        self.parked.push(i);
                        self.halted += usize::from(i < self.n);
                        continue;
                    }
                    let h = DMatrix::from_column_slice(2, 2, h.as_slice());
                    let mut next = p;
                    let g = [grad[i], grad[w + i]];
                    optimizer.step_at(&mut next, &g, Rate::All(rate.at(i)), Some(&h));
                    (self.theta[i], self.theta[w + i]) = (next[0], next[1]);
                }
            }
        }
        self.park();
        std::mem::swap(&mut self.loss, &mut self.old_loss);
        std::mem::swap(&mut self.grad, &mut self.old_grad);
        self.evaluate();
        // After the step: the gradient used, the new point and its loss must be finite (the
        // exact gradient used is, in every lane, when the check before the step passed).
        let used = if shaping {
            all_finite(&self.shaped)
        } else {
            checked
        };
        if !(used && self.finite) {
            for i in 0..w {
                if self.frozen[i].is_some() {
                    continue;
                }
                let (prev_loss, prev_grad) = (&self.old_loss, &self.old_grad);
                let grad = if shaping { &self.shaped } else { prev_grad };
                let finite = grad[i].is_finite()
                    && grad[w + i].is_finite()
                    && self.theta[i].is_finite()
                    && self.theta[w + i].is_finite()
                    && self.loss[i].is_finite();
                if !finite {
                    let theta = [self.prev[i], self.prev[w + i]];
                    let grad = [prev_grad[i], prev_grad[w + i]];
                    self.freeze(i, k, theta, prev_loss[i], grad);
                }
            }
        }
        self.k = k;
    }
}

/// One block of lanes: what the surface is evaluated at per call.
type Block = [f64; LANES];

/// Where halted lanes are parked (see [`Batch`]'s `parked`): a point where every surface's
/// loss and gradient are finite.
const PARK: (f64, f64) = (0.0, 0.0);

/// Whether every value is finite: branch-free, so it vectorizes.
#[inline]
fn all_finite(values: &[f64]) -> bool {
    values.iter().fold(true, |ok, v| ok & v.is_finite())
}

/// The lanes of one block that pass [`Batch::near_still`]'s test, as bits (lane `j` of the
/// block is bit `j`). A bit per lane, not an array of `bool`s tested with `any`: the
/// compiler's shuffles packing the array cost the browser more than the test itself.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn block_near(tol: f64, [x, y, px, py, gx, gy, watched]: [&[f64]; 7]) -> u32 {
    let mut near = 0u32;
    for j in 0..LANES {
        let pass = (gx[j].abs() <= tol)
            & (gy[j].abs() <= tol)
            & ((x[j] - px[j]).abs() <= tol)
            & ((y[j] - py[j]).abs() <= tol)
            & (watched[j] <= 1.0);
        near |= u32::from(pass) << j;
    }
    near
}

/// The lanes of one block that pass [`Batch::near_still`]'s test, as bits: the same test as
/// the portable version above, written in wasm SIMD's own instructions, two lanes at a time,
/// each pair's bits taken by one `i64x2.bitmask` (LLVM's vectorization of the portable
/// version left some lanes scalar; a basin map 68–71 ms in node's V8 against 72–74).
/// `tests/browser/page.test.mjs` checks that the page's maps are the no-SIMD build's.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn block_near(tol: f64, [x, y, px, py, gx, gy, watched]: [&[f64]; 7]) -> u32 {
    use core::arch::wasm32::*;
    let t = f64x2_splat(tol);
    let one = f64x2_splat(1.0);
    let mut near = 0u32;
    for a in (0..LANES).step_by(2) {
        let v = |s: &[f64]| f64x2(s[a], s[a + 1]);
        let small = |v: v128| f64x2_le(f64x2_abs(v), t);
        let m = v128_and(
            v128_and(small(v(gx)), small(v(gy))),
            v128_and(
                v128_and(small(f64x2_sub(v(x), v(px))), small(f64x2_sub(v(y), v(py)))),
                f64x2_le(v(watched), one),
            ),
        );
        near |= u32::from(i64x2_bitmask(m)) << a;
    }
    near
}
