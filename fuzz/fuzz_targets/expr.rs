//! Fuzz target `expr`: arbitrary bytes, read as UTF-8 text (lossily), given to the formula
//! parser (`optiviz::core::expr::parse`). Whatever the text, the parser answers without
//! panicking (and in time: libFuzzer's `-timeout` catches a hang): an error whose column lies
//! within the text (or just past it), or a formula that evaluates (value, gradient in lanes,
//! Hessian by num-dual) at a few points without panicking, whose lanes agree bit for bit with
//! one lane at a time, and whose canonical form reads back to the same tree and writes out the
//! same text again.
//!
//! Run from the repository's root:
//! `cargo +nightly fuzz run expr -- -max_total_time=60 -timeout=5 -dict=fuzz/expr.dict`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nalgebra::{SVector, Vector2};
use optiviz::core::dual::Lanes;
use optiviz::core::expr::{Expr, MAX_CHARS, parse};

/// Points with nothing special, zeros (poles of `1/x`, `ln`'s edge, `abs`'s kink), a negative
/// base for powers, and far ones (overflow).
const XS: [f64; 4] = [0.3, 0.0, -2.0, 1e6];
const YS: [f64; 4] = [-1.7, 0.0, 5.0, -1e6];

/// The same bits, where NaN equals any NaN (lanes may carry different NaN payloads).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn check_formula(text: &str, e: &Expr) {
    let (x4, y4) = Lanes::<4>::variables(XS, YS);
    let four = e.eval(x4, y4);
    for i in 0..4 {
        let q = [XS[i], YS[i]];
        let _ = e.eval(q[0], q[1]);
        let _ = e.is_finite_at(q);
        let (x1, y1) = Lanes::<1>::variables([q[0]], [q[1]]);
        let one = e.eval(x1, y1);
        assert!(
            same(four.re[i], one.re[0])
                && same(four.dx[i], one.dx[0])
                && same(four.dy[i], one.dy[0]),
            "{text:?}: lane {i} of four differs from one lane at {q:?}"
        );
        let _ = num_dual::hessian(|v: SVector<_, 2>| e.eval(v[0], v[1]), &Vector2::from(q));
    }
    let canonical = e.to_string();
    assert!(
        canonical.chars().count() <= MAX_CHARS,
        "{text:?}: canonical form longer than {MAX_CHARS}"
    );
    match parse(&canonical) {
        Ok(back) => {
            assert_eq!(
                &back, e,
                "{text:?} → {canonical:?} reads back as another tree"
            );
            assert_eq!(
                back.to_string(),
                canonical,
                "{text:?}: canonical form not stable"
            );
        }
        Err(err) => panic!("{text:?} → {canonical:?} does not read back: {err}"),
    }
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    // A hang is libFuzzer's to catch (`-timeout=5` in the documented command): a wall-clock
    // check here fails on a busy machine (a 0.2 ms parse once took 1.1 s under load).
    match parse(&text) {
        Err(err) => {
            let chars = text.chars().count();
            assert!(
                err.column >= 1 && err.column <= chars.min(MAX_CHARS) + 1,
                "{text:?}: column {} outside 1..={}",
                err.column,
                chars.min(MAX_CHARS) + 1
            );
            assert!(!err.to_string().is_empty(), "{text:?}: empty message");
        }
        Ok(e) => check_formula(&text, &e),
    }
});
