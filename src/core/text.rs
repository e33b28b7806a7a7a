//! How numbers are written in messages: every digit needed to read the same `f64` back, in
//! scientific notation when very large or very small (`1e200`, not two hundred digits).

/// `v` in Rust's shortest round-trip form: plain between 1e-4 and 1e6 (`0.5`, `-3`, `20000`),
/// scientific otherwise (`1e200`, `5e-324`, `-1.5e7`); `NaN`, `inf` and `-inf` as Rust writes
/// them.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e6).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn plain_in_the_middle_scientific_at_the_ends() {
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(20000.0), "20000");
        assert_eq!(number(1e6), "1e6");
        assert_eq!(number(1e200), "1e200");
        assert_eq!(number(-1.5e7), "-1.5e7");
        assert_eq!(number(5e-324), "5e-324");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
        assert_eq!(number(1e-5), "1e-5");
    }
}
