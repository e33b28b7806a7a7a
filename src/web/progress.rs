//! The surface page's runs simulated a slice at a time: a change (a drag of the start, a
//! slider, another surface) begins every run it touches and simulates as much as fits in a
//! frame's budget; each frame then goes on ([`App::simulate_for`]) until every run is whole,
//! so that no setting holds a frame, however many steps the runs take.

use super::*;
use crate::core::run::Simulation;

/// Milliseconds of simulation a change may take before the frame that shows it; the frame
/// goes on within the budget the page gives [`App::simulate_for`], less what changes took.
const CHANGE_MS: f64 = 5.0;

/// Steps a run takes at a time before the clock is read and the next run has its turn, so
/// that the runs keep level.
const SLICE: usize = 256;

/// A run begun: its trajectory so far, and what it needs to go on (`None` once whole).
pub(super) type Begun = (Trajectory, Option<Simulation>);

impl App {
    /// Run `spec` in the current scenario begun: its start point, and what it needs to go on;
    /// an invalid `spec` is refused here, before anything changes.
    pub(super) fn begin(&self, spec: &RunSpec) -> Result<Begun, Error> {
        let s = &self.scenario;
        Simulation::begin(&s.surface, spec, s.start, s.steps)
    }

    /// Begins every run again (the start, the surface or the step count changed) and
    /// simulates what fits in a change's budget; an invalid run leaves every run as it was.
    pub(super) fn resimulate_all(&mut self) -> Result<(), Error> {
        self.begin_all()?;
        self.go_on(CHANGE_MS);
        Ok(())
    }

    /// Begins every run again for a new surface, shown from step 0, and leaves all their
    /// simulation to the frames that follow: the frame that shows a new surface draws its
    /// whole background at full resolution (10–13 ms of a frame at 1035² device pixels),
    /// and at step 0 it shows each run's start alone. That frame simulates nothing more
    /// ([`App::simulate_for`]); the next ones go on as after any change. An invalid run
    /// leaves every run as it was.
    pub(super) fn resimulate_after_frame(&mut self) -> Result<(), Error> {
        self.begin_all()?;
        // This frame's time for the runs goes to the background.
        self.change_ms = f64::INFINITY;
        Ok(())
    }

    /// Gives every run still waiting for it the rate that works on the surface, when a switch
    /// left that to do ([`App::set_surface`]), each begun again with it.
    pub(super) fn settle_rates(&mut self) {
        self.settle_until(f64::INFINITY);
    }

    /// Gives runs still waiting for it the rate that works on the surface, one after another
    /// until `end` (a `now()` time; at least one), each begun again with it. A run whose rate
    /// cannot be chosen, or that cannot begin with it, keeps its own.
    fn settle_until(&mut self, end: f64) {
        while let Some(i) = self.rates_due {
            if let Some(run) = self.scenario.runs.get(i) {
                let s = &self.scenario;
                let chosen = crate::core::rates::with_working_lr(
                    &s.surface,
                    &run.spec,
                    s.start,
                    s.steps,
                    &s.view(),
                )
                .ok()
                .filter(|chosen| *chosen != run.spec)
                .and_then(|chosen| Some((self.begin(&chosen).ok()?, chosen)));
                if let Some((begun, chosen)) = chosen {
                    self.scenario.runs[i].spec = chosen;
                    self.put(i, begun);
                }
            }
            if i + 1 >= self.scenario.runs.len() {
                self.rates_due = None;
                self.rate_choices += 1;
                break;
            }
            self.rates_due = Some(i + 1);
            if now() >= end {
                break;
            }
        }
    }

    /// Begins every run again, nothing simulated yet; an invalid run leaves every run as it
    /// was.
    fn begin_all(&mut self) -> Result<(), Error> {
        let begun = self
            .scenario
            .runs
            .iter()
            .map(|r| self.begin(&r.spec))
            .collect::<Result<Vec<_>, _>>()?;
        (self.trajectories, self.pending) = begun.into_iter().unzip();
        self.compute_ms = vec![0.0; self.trajectories.len()];
        Ok(())
    }

    /// Puts run `index`'s new beginning ([`App::begin`] of its settings, now the scenario's)
    /// in place, or a new run's at the end (`index` being the number of runs), and simulates
    /// what fits in a change's budget.
    pub(super) fn restart(&mut self, index: usize, begun: Begun) {
        self.put(index, begun);
        // Its own first slice whatever the budget left: runs restarted one after another in
        // one frame (Tune's result sets each in turn) each show the start of their path at once.
        let t0 = now();
        self.slice(index, self.ahead());
        self.change_ms += now() - t0;
        self.go_on(CHANGE_MS);
    }

    /// Puts run `index`'s new beginning in place, or a new run's at the end (`index` being the
    /// number of runs), nothing simulated yet.
    fn put(&mut self, index: usize, (trajectory, pending): Begun) {
        if index == self.trajectories.len() {
            self.trajectories.push(trajectory);
            self.pending.push(pending);
            self.compute_ms.push(0.0);
        } else {
            self.trajectories[index] = trajectory;
            self.pending[index] = pending;
            self.compute_ms[index] = 0.0;
        }
    }

    /// Simulates every run to its end at once, for what needs whole runs now (an export),
    /// with the rates a switch left them waiting for.
    pub(super) fn finish_runs(&mut self) {
        self.settle_rates();
        self.slices(f64::INFINITY, true);
    }

    /// The step the runs' animation can reach: the longest run's end, a run still being
    /// simulated counting as whole.
    pub(crate) fn last_step(&self) -> usize {
        self.trajectories
            .iter()
            .zip(&self.pending)
            .map(|(t, p)| {
                if p.is_some() {
                    self.scenario.steps
                } else {
                    t.steps()
                }
            })
            .max()
            .unwrap_or(0)
    }

    /// Simulates for up to `budget_ms` in all: what this frame's changes took is counted
    /// against it.
    fn go_on(&mut self, budget_ms: f64) -> bool {
        let budget = budget_ms - self.change_ms;
        let t0 = now();
        let done = self.slices(t0 + budget.max(0.0), budget > 0.0);
        self.change_ms += now() - t0;
        done
    }

    /// Takes slices of the runs still being simulated until `end` (a `now()` time): first
    /// every run up to a little beyond the step shown, then on to the end, a slice of each in
    /// turn. With `at_least_one`, one slice even past `end`, so that simulation always moves
    /// on. Whether every run is whole.
    fn slices(&mut self, end: f64, mut at_least_one: bool) -> bool {
        for target in [self.ahead(), self.scenario.steps] {
            loop {
                let mut took = false;
                for i in 0..self.pending.len() {
                    if self.pending[i]
                        .as_ref()
                        .is_none_or(|sim| sim.taken() >= target)
                    {
                        continue;
                    }
                    if !at_least_one && now() >= end {
                        return false;
                    }
                    at_least_one = false;
                    self.slice(i, target);
                    took = true;
                }
                if !took {
                    break;
                }
            }
        }
        true
    }

    /// What the next frames show while playing, the step shown and a frame's worth beyond
    /// (a frame at 60 Hz moves speed/60 steps): what the runs are simulated up to first.
    fn ahead(&self) -> usize {
        let s = &self.scenario;
        (s.step + (s.speed / 60.0).ceil() as usize + 1).min(s.steps)
    }

    /// One slice of run `index`, towards step `target`, if it is still being simulated.
    fn slice(&mut self, index: usize, target: usize) {
        let Some(sim) = &mut self.pending[index] else {
            return;
        };
        let t0 = now();
        let until = (sim.taken() + SLICE).min(target);
        let s = &self.scenario;
        if sim.run(
            &s.surface,
            &s.runs[index].spec,
            &mut self.trajectories[index],
            until,
        ) {
            self.pending[index] = None;
        }
        self.compute_ms[index] += now() - t0;
    }
}

#[wasm_bindgen]
impl App {
    /// Goes on simulating the runs for about `budget_ms` milliseconds, less what this frame's
    /// changes took already (at least a slice when nothing has yet); the page calls it before
    /// each frame's drawing until it answers true: every run whole.
    pub fn simulate_for(&mut self, budget_ms: f64) -> bool {
        let budget = if budget_ms > 0.0 {
            budget_ms.min(1000.0)
        } else {
            0.0
        };
        // Not in the frame that shows a new surface (its change left it no time), but in the
        // next ones, within their budget and before any run goes on: the rates that work there.
        if self.rates_due.is_some() && self.change_ms.is_finite() {
            let t0 = now();
            self.settle_until(t0 + budget - self.change_ms);
            self.change_ms += now() - t0;
        }
        let done = self.rates_due.is_none() && (self.whole() || self.go_on(budget));
        self.change_ms = 0.0;
        done
    }

    /// How many steps of each run are simulated so far (a run that diverged counts the steps
    /// it took): the benchmark and the browser tests watch a long run fill in.
    pub fn simulated(&self) -> Vec<u32> {
        self.trajectories
            .iter()
            .map(|t| u32::try_from(t.steps()).unwrap_or(u32::MAX))
            .collect()
    }

    /// Whether every run is simulated whole.
    pub fn whole(&self) -> bool {
        self.pending.iter().all(Option::is_none)
    }
}
