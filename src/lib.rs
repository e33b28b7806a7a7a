//! optiviz: gradient-based optimizers racing across 2D test surfaces, in the browser.
//!
//! Layers, with dependencies pointing one way only:
//! - [`surface`], [`optim`], [`schedule`], [`run`], [`trace`]: pure Rust (no web-sys, no
//!   plotters, no clock): the surfaces, torch.optim-faithful optimizers, learning-rate
//!   schedules, simulated runs and their printable traces.
//! - [`render`]: drawing, generic over plotters' `DrawingBackend`.
//! - `web` (wasm32 only): the one wasm-bindgen handle the page drives.
//! - [`serve`] (native only): the development server behind `optiviz serve`.

#![warn(missing_docs)]

pub mod optim;
pub mod render;
pub mod run;
pub mod schedule;
pub mod surface;
pub mod trace;

#[cfg(not(target_arch = "wasm32"))]
pub mod serve;

#[cfg(target_arch = "wasm32")]
mod web;
