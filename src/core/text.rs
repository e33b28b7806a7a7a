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

/// A momentum or decay rate as a teacher reads it: between 0.9 and 1, three significant
/// digits of how far it lies below 1 (`0.9995`, not `1` or `0.99949999`); elsewhere three
/// significant digits (`0.9`, not `0.8999999999999999`).
pub fn decay(v: f64) -> String {
    let significant =
        |v: f64, digits: usize| -> f64 { format!("{:.*e}", digits - 1, v).parse().unwrap_or(v) };
    if v > 0.9 && v < 1.0 {
        number(significant(1.0 - significant(1.0 - v, 3), 12))
    } else {
        number(significant(v, 3))
    }
}

#[cfg(test)]
mod tests {
    use super::{decay, number};

    #[test]
    fn decays_by_their_gap_below_one() {
        assert_eq!(decay(0.999_499_999_7), "0.9995");
        assert_eq!(decay(0.968_377_223_398_316_2), "0.9684");
        assert_eq!(decay(0.99), "0.99");
        assert_eq!(decay(0.9), "0.9");
        assert_eq!(decay(0.8999999999999999), "0.9");
        assert_eq!(decay(0.123456), "0.123");
        assert_eq!(decay(0.0), "0");
        assert_eq!(decay(0.5), "0.5");
    }

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
