//! What the integration tests share: the recording backend the render tests draw through
//! ([`probe`]) and the property tests' strategies for runs ([`strategies`]). Each test file
//! that needs them declares `mod common;` and uses what it needs, so the rest is dead code
//! there, which is allowed here.
#![allow(dead_code)]

#[cfg(not(target_arch = "wasm32"))]
pub mod probe;
#[cfg(not(target_arch = "wasm32"))]
pub mod strategies;
