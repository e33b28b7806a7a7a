//! optiviz: gradient-based optimizers racing across 2D test surfaces, in the browser.
//!
//! Layers, each using only those below it (`ls src` shows them):
//! - [`i18n`] and [`error`], beneath everything: the catalogues of words in English and
//!   Chinese, and the one error type, a catalogue key with the values it names;
//! - [`core`], pure Rust (no web-sys, no plotters, no clock): the surfaces, the torch.optim-faithful
//!   optimizers, schedules and runs, the comparisons, the regression lab's models, the
//!   explanations of each step, and the formulas a user types;
//! - [`state`]: what the pages hold (the surface scenario, the lab scenario, the stories) and
//!   the URL grammar that writes it as a link and reads it back;
//! - [`render`]: drawing, generic over plotters' `DrawingBackend`;
//! - `web` (wasm32 only): the wasm-bindgen handles the pages drive, and the functions their Web
//!   Workers run;
//! - `cli` (native only): the command line and the development server behind `optiviz serve`.

#![warn(missing_docs)]

pub mod core;
pub mod error;
pub mod i18n;
pub mod render;
pub mod state;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
mod web;
