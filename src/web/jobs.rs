//! The heavy computations the page hands to Web Workers (`www/worker.js`): basin-map rows,
//! learning-rate sweep chunks and tuning searches, each a free function of the scenario's URL
//! query, so a worker running the same wasm needs no page state and the page stays responsive.

use crate::core::compare::{
    BASIN_PART_ROWS, Basin, BasinGrid, Decay, Objective, TOLERANCE, Tuning, basin_chunks,
    sweep_chunks,
};
use crate::i18n;
use crate::state::scenario::{RunEntry, Scenario, whole_in};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The scenario of a page URL `query` and its run number `run` (from 0).
fn scenario_run(query: &str, run: usize) -> Result<(Scenario, RunEntry), JsError> {
    let s = Scenario::from_query(query)?;
    let entry = s
        .runs
        .get(run)
        .cloned()
        .ok_or_else(|| crate::err!("error.compare.no_run", run = run))?;
    Ok((s, entry))
}

/// The region a `width × height` basin map of scenario `s` covers: its view, widened to the
/// grid's aspect (square cells). The map's rows ([`basin_rows`]) start there and its axes
/// ([`super::App::paint_basins`]) show it.
pub(super) fn basin_view(s: &Scenario, width: usize, height: usize) -> crate::core::surface::View {
    s.view().fit_aspect(width as f64, height as f64)
}

/// Rows `row0..row1` of the basin map of run `run` of the scenario `query` (a page URL query)
/// over its view at `width × height` start points, each run for at most `steps` steps and
/// settled at [`TOLERANCE`]: one [`Basin::code`] per cell, row-major. Workers compute the
/// rows of one map in parallel and in chunks ([`basin_tasks`]).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn basin_rows(
    query: &str,
    run: usize,
    width: usize,
    height: usize,
    steps: usize,
    row0: usize,
    row1: usize,
) -> Result<Vec<u32>, JsError> {
    let (s, entry) = scenario_run(query, run)?;
    let grid = BasinGrid {
        view: basin_view(&s, width, height),
        width,
        height,
        steps,
        tol: TOLERANCE,
    };
    let cells = grid.rows(&s.surface, &entry.spec, row0..row1)?;
    Ok(cells.iter().map(Basin::code).collect())
}

/// A task for a worker (`www/worker.js` runs it by its `kind`), as the page queues it on its
/// pool.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Task<'a> {
    /// Rows `row0..row1` of one basin map ([`basin_rows`]), `part` rows a message; `side` tells
    /// the page's two maps apart.
    Basin {
        side: usize,
        query: &'a str,
        run: usize,
        width: usize,
        height: usize,
        steps: usize,
        row0: usize,
        row1: usize,
        part: usize,
    },
    /// Some rates of one run's sweep ([`sweep_rates`]), from index `first` of the sweep's.
    Sweep {
        query: &'a str,
        run: usize,
        first: usize,
        lrs: &'a [f64],
    },
}

/// The worker tasks of one `n × n` basin map of run `run` of the scenario `query`, tagged
/// `side`, dealt out to `workers` workers ([`basin_chunks`]), as a JSON array.
#[wasm_bindgen]
pub fn basin_tasks(
    query: &str,
    run: usize,
    n: usize,
    steps: usize,
    workers: usize,
    side: usize,
) -> String {
    let tasks: Vec<Task> = basin_chunks(n, workers)
        .into_iter()
        .map(|rows| Task::Basin {
            side,
            query,
            run,
            width: n,
            height: n,
            steps,
            row0: rows.start,
            row1: rows.end,
            part: BASIN_PART_ROWS,
        })
        .collect();
    super::json(&tasks)
}

/// The worker tasks of a learning-rate sweep of the runs `runs` (indices into the scenario
/// `query`) at the rates `lrs` ([`sweep_chunks`] of each run's rates), as a JSON array.
#[wasm_bindgen]
pub fn sweep_tasks(query: &str, runs: &[u32], lrs: &[f64]) -> String {
    let tasks: Vec<Task> = runs
        .iter()
        .flat_map(|&run| {
            sweep_chunks(lrs.len())
                .into_iter()
                .map(move |r| Task::Sweep {
                    query,
                    run: run as usize,
                    first: r.start,
                    lrs: &lrs[r],
                })
        })
        .collect();
    super::json(&tasks)
}

/// Run `run` of the scenario `query` at each learning rate of `lrs` (every other setting
/// kept, the scenario's steps), as one batch ([`crate::core::compare::lr_sweep`]): the
/// [`crate::core::compare::SWEEP_CELLS`] numbers of [`SweepPoint::to_cells`](crate::core::compare::SweepPoint::to_cells)
/// per rate, the steps counted to a loss within [`TOLERANCE`] of the minimum.
#[wasm_bindgen]
pub fn sweep_rates(query: &str, run: usize, lrs: &[f64]) -> Result<Vec<f64>, JsError> {
    let (s, entry) = scenario_run(query, run)?;
    let points =
        crate::core::compare::lr_sweep(&s.surface, &entry.spec, s.start, s.steps, lrs, TOLERANCE)?;
    Ok(points.iter().flat_map(|p| p.to_cells()).collect())
}

/// The most simulations the page lets one run's tuning spend.
const MAX_BUDGET: usize = 500;

/// The page's tuning settings, read: the objective named `objective`
/// ([`Objective::from_name`]), a budget from 1 to 500 simulations per run, and the decays to
/// tune as well (`momentum`, `beta1`, `beta2`, comma-separated). The errors name the allowed
/// values.
fn tuning_settings(
    objective: &str,
    budget: f64,
    decays: &str,
) -> Result<(Objective, Vec<Decay>), JsError> {
    let objective = Objective::from_name(objective)?;
    whole_in(budget, "budget", 1, MAX_BUDGET as u64)?;
    Ok((objective, Decay::from_names(decays)?))
}

/// Checks the page's tuning settings ([`tuning_settings`]) before any worker starts.
#[wasm_bindgen]
pub fn check_tuning(objective: &str, budget: f64, decays: &str) -> Result<(), JsError> {
    tuning_settings(objective, budget, decays).map(|_| ())
}

/// What [`tune_run`] found for one run, for the page to apply and show.
#[derive(Serialize)]
struct Tuned {
    /// The run's number from 0.
    run: usize,
    label: &'static str,
    /// The hyperparameters searched: `lr`, then the decays, and their symbols.
    names: Vec<&'static str>,
    symbols: Vec<&'static str>,
    /// Their values before the search.
    from: Vec<f64>,
    /// The best values found.
    best: Vec<f64>,
    best_score: f64,
    /// Simulations run.
    evaluated: usize,
    /// The search in a sentence in the page's language ([`crate::state::words::tune_search`]).
    search: String,
}

/// What [`tune_run`] says of a run whose search failed.
#[derive(Serialize)]
struct TuneFailed {
    /// The run's number from 0.
    run: usize,
    label: &'static str,
    /// Why, naming the setting and the allowed values.
    error: String,
}

/// Tunes run `run` of the scenario `query`: its learning rate over
/// [`LR_RANGE`](crate::core::compare::LR_RANGE) and the decays
/// in `decays` it has, for the objective named `objective` ([`Objective::from_name`]),
/// with `budget` simulations ([`Tuning::search`]). Calls `progress(k)` after each of them.
/// Returns JSON `{run, label, names, symbols, from, best, best_score, evaluated,
/// search}` (`search` the search in a sentence in the worker's language, which the page sets
/// with [`super::set_language`] before each task); the page sets the run to `best`. A search that fails for
/// this run (its settings cannot be simulated) is not an error of the job: it returns
/// `{run, label, error}`, so that the other runs' searches go on and are applied.
#[wasm_bindgen]
pub fn tune_run(
    query: &str,
    run: usize,
    objective: &str,
    budget: usize,
    decays: &str,
    progress: &js_sys::Function,
) -> Result<String, JsError> {
    let (objective, decays) = tuning_settings(objective, budget as f64, decays)?;
    let (s, entry) = scenario_run(query, run)?;
    // The decays asked for that this run's optimizer has; the others do not apply to it.
    let decays: Vec<Decay> = decays
        .into_iter()
        .filter(|d| entry.spec.optimizer.get(d.name).is_ok())
        .collect();
    let tuning = Tuning {
        surface: &s.surface,
        spec: &entry.spec,
        start: s.start,
        steps: s.steps,
        objective,
        budget,
        lrs: crate::core::compare::LR_RANGE,
    };
    let found = tuning.search(&decays, &mut |k| {
        // A progress report that cannot be delivered must not stop the search.
        let _ = progress.call1(&JsValue::NULL, &JsValue::from(k as u32));
    });
    let found = match found {
        Ok(found) => found,
        Err(e) => {
            return Ok(super::json(&TuneFailed {
                run,
                label: entry.spec.optimizer.kind.label(),
                error: e.to_string(),
            }));
        }
    };
    let optimizer = &entry.spec.optimizer;
    let from = found
        .names
        .iter()
        .map(|n| optimizer.get(n))
        .collect::<Result<Vec<_>, _>>()?;
    let symbols = found
        .names
        .iter()
        .map(|n| optimizer.param(n).map(|p| p.symbol))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::json(&Tuned {
        run,
        label: entry.spec.optimizer.kind.label(),
        from,
        search: crate::state::words::tune_search(
            i18n::current(),
            &found.summary(tuning.lrs),
            &symbols,
        ),
        evaluated: found.evaluated.len(),
        names: found.names,
        symbols,
        best: found.best,
        best_score: found.best_score,
    }))
}
