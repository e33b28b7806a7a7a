//! The walk through the course's one export: [`course_sections`], the page in one language as
//! JSON ([`crate::state::course::walk`]).

use crate::state::course::{Lang, walk};
use wasm_bindgen::prelude::*;

/// The walk through the course in `lang` (`en` or `zh`) as JSON: its own words and every
/// section (title, MathML formula, question, choices, answer, why, link). An unknown language
/// is an error naming the value and the allowed ones.
#[wasm_bindgen]
pub fn course_sections(lang: &str) -> Result<String, JsError> {
    let lang = Lang::from_code(lang)?;
    serde_json::to_string(&walk(lang)).map_err(|e| JsError::new(&e.to_string()))
}
