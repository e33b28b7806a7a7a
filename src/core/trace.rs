//! Traces: a run's trajectory in the printable forms `optiviz trace` writes (CSV and JSON),
//! with the JSON form carrying everything needed to reproduce it.

use crate::core::run::{RunSpec, Trajectory, simulate};
use crate::core::surface::Surface;
use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// One row of a trace: the point after `step` steps and its loss.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Steps taken (0 is the start point).
    pub step: usize,
    /// First coordinate.
    pub x: f64,
    /// Second coordinate.
    pub y: f64,
    /// `f(x, y)`.
    pub loss: f64,
}

/// A run on a surface and the path it took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The surface, with its parameters.
    pub surface: Surface,
    /// The optimizer and everything around it.
    pub run: RunSpec,
    /// The start point.
    pub start: [f64; 2],
    /// The number of steps asked for.
    pub steps: usize,
    /// Step 0 (the start) to the last step taken, or to the last finite point if the run
    /// diverged.
    pub rows: Vec<Row>,
    /// The step that produced a non-finite value, if any.
    pub diverged_at: Option<usize>,
}

impl Trace {
    /// Simulates `run` on `surface` from `start` for `steps` steps.
    pub fn run(
        surface: Surface,
        run: RunSpec,
        start: [f64; 2],
        steps: usize,
    ) -> Result<Trace, Error> {
        let t = simulate(&surface, &run, start, steps)?;
        Ok(Trace::of(surface, run, start, steps, &t))
    }

    /// The trace of `t`, a trajectory already simulated from these settings (the page's, so
    /// that what it exports is what it drew).
    pub fn of(
        surface: Surface,
        run: RunSpec,
        start: [f64; 2],
        steps: usize,
        t: &Trajectory,
    ) -> Trace {
        let rows = t
            .points
            .iter()
            .zip(&t.losses)
            .enumerate()
            .map(|(step, (p, &loss))| Row {
                step,
                x: p[0],
                y: p[1],
                loss,
            })
            .collect();
        Trace {
            surface,
            run,
            start,
            steps,
            rows,
            diverged_at: t.diverged_at,
        }
    }

    /// `step,x,y,loss` and one row per point, every number in Rust's shortest round-trip form.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("step,x,y,loss\n");
        for r in &self.rows {
            writeln!(out, "{},{:?},{:?},{:?}", r.step, r.x, r.y, r.loss).expect("String write");
        }
        out
    }

    /// The whole trace as one JSON document, which [`Trace::from_json`] reads back exactly.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a trace holds only finite numbers")
    }

    /// Reads a trace written by [`Trace::to_json`].
    pub fn from_json(text: &str) -> Result<Trace, Error> {
        serde_json::from_str(text).map_err(|e| err!("error.trace.not_trace", cause = e))
    }

    /// What to tell the user when the run diverged.
    pub fn divergence_message(&self) -> Option<String> {
        self.diverged_at.map(|k| {
            let last = self.rows.last().expect("the start row is always there");
            format!(
                "diverged at step {k}: the step produced a non-finite value; the trace ends \
                 with the last finite point (step {}, x = {:?}, y = {:?})",
                last.step, last.x, last.y
            )
        })
    }
}

/// Several runs' traces as one CSV: `run,optimizer,step,x,y,loss`, `run` counting from 1 and
/// `optimizer` the run's optimizer id; each run's rows are its [`Trace::to_csv`] rows.
pub fn runs_csv(traces: &[Trace]) -> String {
    let mut out = String::from("run,optimizer,step,x,y,loss\n");
    for (i, t) in traces.iter().enumerate() {
        let id = t.run.optimizer.kind.id();
        for r in &t.rows {
            writeln!(
                out,
                "{},{id},{},{:?},{:?},{:?}",
                i + 1,
                r.step,
                r.x,
                r.y,
                r.loss
            )
            .expect("String write");
        }
    }
    out
}
