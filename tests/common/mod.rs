//! What the integration tests share: the recording backend the render tests draw through
//! ([`probe`]), the property tests' strategies for runs ([`strategies`]), a temporary
//! folder that removes itself ([`tempdir`]), a link's scenario with its runs simulated
//! ([`scenes`]) and the `optiviz` binary run as a user runs it
//! ([`cli`]). Each test file
//! that needs them declares `mod common;` and uses what it needs, so the rest is dead code
//! there, which is allowed here.
#![allow(dead_code)]

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod probe;
#[cfg(not(target_arch = "wasm32"))]
pub mod scenes;
#[cfg(not(target_arch = "wasm32"))]
pub mod strategies;
#[cfg(not(target_arch = "wasm32"))]
pub mod tempdir;
