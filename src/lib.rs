//! optiviz: gradient-based optimizers racing across 2D test surfaces, in the browser.
//!
//! Layers, with dependencies pointing one way only:
//! - [`surface`], [`optim`], [`schedule`], [`run`], [`trace`], [`scenario`]: pure Rust (no
//!   web-sys, no plotters, no clock): the surfaces, torch.optim-faithful optimizers,
//!   learning-rate schedules, simulated runs, their printable traces, and the whole on-screen
//!   scenario with its URL form, and the [`presets`] that tell a story each.
//! - [`explain`], pure Rust too: each optimizer's update rule as MathML, and one step of a run
//!   with its numbers substituted, for checking it by hand.
//! - [`render`]: drawing, generic over plotters' `DrawingBackend`.
//! - `web` (wasm32 only): the one wasm-bindgen handle the page drives.
//! - [`serve`] (native only): the development server behind `optiviz serve`.

#![warn(missing_docs)]

pub mod explain;
pub mod optim;
pub mod presets;
pub mod render;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod surface;
pub mod trace;

#[cfg(not(target_arch = "wasm32"))]
pub mod serve;

#[cfg(target_arch = "wasm32")]
mod web;
