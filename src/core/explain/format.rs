//! Numbers as the explanations write them: [`format_number`] for text, and its MathML form.

use super::math::element;

/// Writes `x` with 4 significant digits, as the explanations do: fixed notation for
/// 10⁻³ ≤ |x| < 10⁴ with trailing zeros dropped (`0.1389`, `2.5`, `1.137`, `1235`), scientific
/// notation otherwise (`1.234e−5`, `1e−8`, `2.5e6`); `0` for zero (either sign), `∞`, `−∞` and
/// `NaN` for the non-finite values. Minus signs are `−` (U+2212).
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let body = if (1e-3..1e4).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
        let fixed = format!("{a:.decimals$}");
        if fixed.contains('.') {
            fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            fixed
        }
    } else {
        let sci = format!("{a:.3e}");
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{}", exponent.replace('-', "−"))
    };
    if x < 0.0 { format!("−{body}") } else { body }
}

/// A number as MathML: `<mn>`, scientific notation as `m×10ᵉ`, a minus as `<mo>`.
pub(super) fn mn(x: f64, out: &mut String) {
    let text = format_number(x);
    if !x.is_finite() {
        element("mi", &text, out);
        return;
    }
    let (negative, body) = match text.strip_prefix('−') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    if negative {
        out.push_str("<mrow><mo>−</mo>");
    }
    match body.split_once('e') {
        Some((mantissa, exponent)) => {
            out.push_str("<mrow>");
            if mantissa != "1" {
                element("mn", mantissa, out);
                out.push_str("<mo>×</mo>");
            }
            out.push_str("<msup><mn>10</mn>");
            match exponent.strip_prefix('−') {
                Some(e) => {
                    out.push_str("<mrow><mo>−</mo>");
                    element("mn", e, out);
                    out.push_str("</mrow>");
                }
                None => element("mn", exponent, out),
            }
            out.push_str("</msup></mrow>");
        }
        None => element("mn", body, out),
    }
    if negative {
        out.push_str("</mrow>");
    }
}
