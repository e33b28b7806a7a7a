//! What the surface page exports as files: every run's trajectory as CSV and JSON (the
//! trajectories drawn, in `optiviz trace`'s forms) and the scenario as a JSON file that
//! `optiviz runs --scenario` reads back, and the steps of the race's video. The pictures (PNG)
//! and the video (WebM) are the canvases themselves (www/export.js).

use super::*;
use crate::core::trace::{Trace, runs_csv};

impl App {
    /// Each run's trace, as drawn: the trajectory simulated for the page.
    fn traces(&self) -> Vec<Trace> {
        let s = &self.scenario;
        s.runs
            .iter()
            .zip(&self.trajectories)
            .map(|(entry, t)| Trace::of(s.surface.clone(), entry.spec.clone(), s.start, s.steps, t))
            .collect()
    }
}

#[wasm_bindgen]
impl App {
    /// Every run's trajectory as CSV, `run,optimizer,step,x,y,loss`
    /// ([`crate::core::trace::runs_csv`]): `optiviz runs --link` prints it for the page's
    /// link, and `--run k` run `k`'s rows as `optiviz trace` writes them.
    pub fn trajectories_csv(&self) -> String {
        runs_csv(&self.traces())
    }

    /// Every run's trace as a JSON array of `optiviz trace --format json` documents.
    pub fn trajectories_json(&self) -> String {
        serde_json::to_string_pretty(&self.traces()).expect("traces hold only finite numbers")
    }

    /// The scenario as the JSON file `optiviz runs --scenario FILE` reads back
    /// ([`crate::state::file`]).
    pub fn scenario_json(&self) -> String {
        crate::state::file::to_json(&self.scenario)
    }

    /// The step each frame of the race's WebM video shows ([`crate::state::video::frame_steps`]):
    /// from 0 to the last step any run reaches, at the page's speed, played at
    /// [`crate::state::video::FPS`].
    pub fn video_steps(&self) -> Vec<u32> {
        crate::state::video::frame_steps(self.last_step(), self.scenario.speed)
            .into_iter()
            .map(|k| k as u32)
            .collect()
    }
}
