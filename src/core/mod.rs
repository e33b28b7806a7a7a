//! The core, pure Rust (no web-sys, no plotters, no clock): surfaces, optimizers, runs, models
//! and every computation the pages and the command line show.
//!
//! - [`surface`] and [`dual`]: the test surfaces, written once and differentiated exactly;
//!   [`rows`]: a surface's values over a raster, row by row, fast;
//!   [`custom`]: a surface the user types, its view and minima found numerically;
//! - [`optim`], [`schedule`], [`run`], [`batch`]: the torch.optim-faithful optimizers,
//!   learning-rate schedules, and runs simulated step by step (one at a time or in lanes);
//! - [`rates`]: the learning rate that works for a run on a surface, by one stated rule;
//! - [`compare`]: results tables, learning-rate sweeps, basin maps, the quadratic theory and
//!   tuning;
//! - [`model`]: the regression lab's data sets, models and the loop that trains them;
//! - [`explain`]: each update rule as MathML, and one step with its numbers substituted;
//! - [`expr`]: formulas `f(x, y)` a user types, read with located errors and evaluated like a
//!   surface (values, gradients, Hessians);
//! - [`trace`]: a run as CSV or JSON; [`text`]: how numbers are written in messages;
//! - [`bench`](mod@bench): the speed benchmarks' workloads, shared by the command line and the page.

pub mod batch;
pub mod bench;
pub mod compare;
pub mod custom;
pub mod dual;
pub mod explain;
pub mod expr;
pub mod model;
pub mod optim;
pub mod rates;
pub mod rows;
pub mod run;
pub mod schedule;
pub mod surface;
pub mod text;
pub mod trace;
