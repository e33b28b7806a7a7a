//! A scenario read from a link with its runs simulated whole, as the figure tests draw it.

use optiviz::core::run::{Trajectory, simulate};
use optiviz::state::scenario::Scenario;

/// The scenario of link `query` and each of its runs' trajectory over its steps.
pub fn scenario(query: &str) -> (Scenario, Vec<Trajectory>) {
    let s = Scenario::from_query(query).unwrap();
    let t = s
        .runs
        .iter()
        .map(|e| simulate(&s.surface, &e.spec, s.start, s.steps).unwrap())
        .collect();
    (s, t)
}
