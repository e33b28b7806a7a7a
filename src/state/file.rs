//! The surface page's scenario as a JSON file: what the page's *Scenario (JSON)* export
//! writes and `optiviz runs --scenario FILE` reads back, checked on the way in as a link is.
//!
//! The file is the [`Scenario`] as serde writes it (every field named). Reading it back
//! takes no part on trust: the scenario read is written as a link and read back
//! ([`Scenario::from_query`], the one place every part is checked against the page's bounds),
//! so a file that asks for more steps, a learning rate or a start the page refuses is refused
//! with the same words as such a link.

use crate::err;
use crate::error::Error;
use crate::state::scenario::Scenario;

/// The largest file read, in bytes: a scenario with every run and the longest formula is a
/// few kilobytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024;

/// `scenario` as the JSON file the page exports.
pub fn to_json(scenario: &Scenario) -> String {
    serde_json::to_string_pretty(scenario).expect("a scenario holds only finite numbers")
}

/// The scenario of a file written by [`to_json`]; the error names what is wrong: too long,
/// not such a JSON document (serde's words, with line and column), or a part the page would
/// refuse in a link.
pub fn from_json(text: &str) -> Result<Scenario, Error> {
    if text.len() > MAX_FILE_BYTES {
        return Err(err!(
            "error.file.too_long",
            bytes = text.len(),
            max = MAX_FILE_BYTES
        ));
    }
    let read: Scenario =
        serde_json::from_str(text).map_err(|e| err!("error.file.not_scenario", why = e))?;
    Scenario::from_query(&read.to_query()).map_err(|e| err!("error.file.part", why = e))
}
