//! The runs as the surface page edits them: add, duplicate, remove, and each setting.

use super::*;

#[wasm_bindgen]
impl App {
    /// The runs as JSON, for the page's run panels (see `runs::runs_json`).
    pub fn runs(&self) -> String {
        runs::runs_json(&self.scenario.runs, self.lang)
    }

    pub(super) fn entry(&self, index: usize) -> Result<&RunEntry, JsError> {
        runs::entry(&self.scenario.runs, index)
    }

    /// Begins run `index` again with `spec` from the start (the animation's step is kept; the
    /// run is simulated a slice a frame, [`App::simulate_for`]); on error the run stays as it
    /// was.
    fn replace(&mut self, index: usize, spec: RunSpec) -> Result<(), JsError> {
        let begun = self.begin(&spec)?;
        self.scenario.runs[index].spec = spec;
        self.restart(index, begun);
        Ok(())
    }

    /// Applies `edit` to run `index`'s settings and re-simulates it; an error in the edit or
    /// in the new settings leaves the run as it was.
    fn edit(&mut self, index: usize, edit: Edit<'_>) -> Result<(), JsError> {
        self.settle_rates();
        let spec = runs::edited(&self.scenario.runs, index, edit)?;
        self.replace(index, spec)
    }

    /// Shows or hides run `index` (a hidden run keeps its settings and is still simulated).
    pub fn set_hidden(&mut self, index: usize, hidden: bool) -> Result<(), JsError> {
        self.entry(index)?;
        self.scenario.runs[index].hidden = hidden;
        Ok(())
    }

    fn push(&mut self, from: Result<&str, usize>) -> Result<(), JsError> {
        self.settle_rates();
        let mut entry = runs::new_entry(&self.scenario.runs, from)?;
        let s = &self.scenario;
        if from.is_ok() && !s.keep_rates {
            entry.spec = crate::core::rates::with_working_lr(
                &s.surface,
                &entry.spec,
                s.start,
                s.steps,
                &s.view(),
            )?;
        }
        let begun = self.begin(&entry.spec)?;
        self.scenario.runs.push(entry);
        self.restart(self.scenario.runs.len() - 1, begun);
        Ok(())
    }

    /// Adds a run of optimizer `id` with torch's defaults but for the learning rate, which is
    /// the one that works for it here ([`crate::core::rates::working_lr`]) unless the scenario keeps
    /// its rates (at most 8 runs).
    pub fn add_run(&mut self, id: &str) -> Result<(), JsError> {
        self.push(Ok(id))
    }

    /// Adds a copy of run `index`, settings and all (at most 8 runs).
    pub fn duplicate_run(&mut self, index: usize) -> Result<(), JsError> {
        self.push(Err(index))
    }

    /// Removes run `index`; the last run cannot be removed.
    pub fn remove_run(&mut self, index: usize) -> Result<(), JsError> {
        runs::removable(&self.scenario.runs, index)?;
        self.settle_rates();
        self.scenario.runs.remove(index);
        self.trajectories.remove(index);
        self.pending.remove(index);
        self.compute_ms.remove(index);
        Ok(())
    }
}

runs::run_setters!(App);
