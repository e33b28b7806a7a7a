//! optiviz: gradient-based optimizers racing across 2D test surfaces, in the browser.
//!
//! Layers, with dependencies pointing one way only:
//! - The core, pure Rust (no web-sys, no plotters, no clock):
//!   - [`surface`], [`optim`], [`schedule`], [`run`]: the test surfaces, the torch.optim-faithful
//!     optimizers, learning-rate schedules, and runs simulated step by step;
//!   - [`trace`], [`scenario`], [`presets`]: a run as CSV or JSON, everything on screen with its
//!     URL form, and the one-click stories;
//!   - [`rates`]: the learning rate that works for a run on a surface, by one stated rule;
//!   - [`explain`]: each update rule as MathML, and one step with its numbers substituted;
//!   - [`text`]: how numbers are written in messages;
//!   - [`expr`]: formulas `f(x, y)` a user types, read with located errors and evaluated like
//!     a surface (values, gradients, Hessians);
//!   - [`compare`]: results tables, learning-rate sweeps, basin maps, the quadratic theory and
//!     tuning (the learning rate, and momentum or betas where asked);
//!   - [`model`]: the regression lab's data sets, models (linear, logistic and polynomial
//!     regression, a one-hidden-layer network) and the loop that trains them.
//! - [`render`]: drawing, generic over plotters' `DrawingBackend`.
//! - `web` (wasm32 only): the wasm-bindgen handles the pages drive, and the functions their Web
//!   Workers run.
//! - `serve` (native only): the development server behind `optiviz serve`.

#![warn(missing_docs)]

pub mod batch;
pub mod bench;
pub mod compare;
pub mod dual;
pub mod explain;
pub mod expr;
pub mod model;
pub mod optim;
pub mod presets;
pub mod rates;
pub mod render;
pub mod run;
pub mod scenario;
pub mod schedule;
pub mod surface;
pub mod text;
pub mod trace;

#[cfg(not(target_arch = "wasm32"))]
pub mod serve;

#[cfg(target_arch = "wasm32")]
mod web;
