//! Points from CSV and back: what a pasted or loaded file becomes, and the message that names
//! every bad line of it with the allowed values. Property tests: any text gives points or an
//! explanation (never a panic), points written as CSV read back as themselves, and one bad
//! line among good ones is named by its number.

use optiviz::core::model::{MAX_CSV_CHARS, MAX_POINTS, PointKind, Points};
use optiviz::state::lab::LabScenario;

const ALLOWED_XY: &str = "allowed: one point a line, x,y, numbers from -1e6 to 1e6; a header \
                          line, blank lines and lines starting with # are skipped";

#[test]
fn a_spreadsheet_csv_of_either_kind() {
    let text = "\u{feff}x,y\r\n0,1\r\n\r\n# a comment\r\n1.5;2\r\n-2\t3e2\r\n";
    assert_eq!(
        Points::parse_csv(text, PointKind::Regression),
        Ok(Points::Regression(vec![
            (0.0, 1.0),
            (1.5, 2.0),
            (-2.0, 300.0)
        ]))
    );
    // Without a header the first line is a point.
    assert_eq!(
        Points::parse_csv("0.5,1,1\n2,3,0", PointKind::Classes),
        Ok(Points::Classes(vec![
            ([0.5, 1.0], true),
            ([2.0, 3.0], false)
        ]))
    );
    let p = Points::Classes(vec![([0.1, -2.0], true), ([1e-7, 3.0], false)]);
    assert_eq!(p.to_csv(), "x1,x2,label\n0.1,-2,1\n0.0000001,3,0\n");
    assert_eq!(Points::parse_csv(&p.to_csv(), PointKind::Classes), Ok(p));
}

#[test]
fn every_bad_line_is_named_with_what_is_wrong_and_the_allowed_values() {
    let text = "x,y\n1,2\na,2\n1,2,0\n\n3,2e7\n4,5\n6,inf\n";
    assert_eq!(
        Points::parse_csv(text, PointKind::Regression).map_err(|e| e.to_string()),
        Err(format!(
            "4 bad lines in the CSV ({ALLOWED_XY}): line 3 'a,2': x 'a' is not a finite \
             number; line 4 '1,2,0': 3 values, expected 2: x,y (x1,x2,label is for the models \
             of classes); line 6 '3,2e7': y 2e7 is out of range -1e6 to 1e6; line 8 \
             '6,inf': y 'inf' is not a finite number"
        ))
    );
    assert_eq!(
        Points::parse_csv("0,0,2\n1,1", PointKind::Classes).map_err(|e| e.to_string()),
        Err(
            "2 bad lines in the CSV (allowed: one point a line, x1,x2,label with label 0 or 1, \
             numbers from -1e6 to 1e6; a header line, blank lines and lines starting with # \
             are skipped): line 1 '0,0,2': label '2' is not 0 or 1; line 2 '1,1': 2 values, \
             expected 3: x1,x2,label (x,y is for the regression models)"
                .into()
        )
    );
    // Many bad lines: the first twelve are listed, the rest counted.
    let many = "x\n".repeat(20);
    let e = Points::parse_csv(&format!("1,1\n{many}"), PointKind::Regression)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("20 bad lines in the CSV"), "{e}");
    assert!(
        e.contains("line 13 'x'") && !e.contains("line 14 'x'"),
        "{e}"
    );
    assert!(e.ends_with("; and 8 more"), "{e}");
    // A long line is cut in the message.
    let long = format!("1,{}", "9".repeat(60));
    let e = Points::parse_csv(&long, PointKind::Regression)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("line 1 '1,{}…': y", "9".repeat(38))),
        "{e}"
    );
}

#[test]
fn sizes_are_held_to_the_labs_limits() {
    assert_eq!(
        Points::parse_csv("x,y\n\n", PointKind::Regression).map_err(|e| e.to_string()),
        Err("the CSV has no points: allowed are 1 to 500 lines of x,y".into())
    );
    let many = "1,2\n".repeat(MAX_POINTS + 1);
    assert_eq!(
        Points::parse_csv(&many, PointKind::Regression).map_err(|e| e.to_string()),
        Err("the CSV has 501 points: allowed are 1 to 500 points".into())
    );
    let huge = "1".repeat(MAX_CSV_CHARS + 1);
    assert_eq!(
        Points::parse_csv(&huge, PointKind::Regression).map_err(|e| e.to_string()),
        Err("the CSV has 100001 characters: allowed are at most 100000 (about 500 points)".into())
    );
}

#[test]
fn a_csv_becomes_the_labs_points_and_its_link() {
    let mut lab = LabScenario::from_query("model=linear").unwrap();
    let points = Points::parse_csv("x,y\n0,1\n1,3\n2,5", PointKind::Regression).unwrap();
    lab.set_points(Some(points)).unwrap();
    assert!(lab.to_query().contains("&points=0,1;1,3;2,5"));
    assert_eq!(lab.data().unwrap().to_csv(), "x,y\n0,1\n1,3\n2,5\n");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![-1e6f64..1e6, (-1000i32..1000).prop_map(f64::from)]
    }

    fn any_points() -> impl Strategy<Value = Points> {
        prop_oneof![
            proptest::collection::vec((number(), number()), 1..60).prop_map(Points::Regression),
            proptest::collection::vec(([number(), number()], any::<bool>()), 1..60)
                .prop_map(Points::Classes),
        ]
    }

    proptest! {
        #[test]
        fn any_text_is_points_or_an_explanation(text in "\\PC{0,200}", classes in any::<bool>()) {
            let kind = if classes { PointKind::Classes } else { PointKind::Regression };
            match Points::parse_csv(&text, kind) {
                Ok(p) => {
                    prop_assert_eq!(p.kind(), kind);
                    prop_assert!(p.validate().is_ok());
                }
                Err(e) => {
                    let e = e.to_string();
                    prop_assert!(e.starts_with("the CSV has") || e.contains(" bad line"), "{}", e)
                }
            }
        }

        #[test]
        fn csv_like_text_is_points_or_names_its_bad_lines(
            lines in proptest::collection::vec("[-0-9a-z.e,;\t #]{0,16}", 0..30),
        ) {
            let text = lines.join("\n");
            if let Err(e) = Points::parse_csv(&text, PointKind::Regression).map_err(|e| e.to_string())
                && let Some((_, rest)) = e.split_once("): ")
            {
                // Every line named exists (a line's own text may hold "; line ", so only
                // what reads as a number is checked).
                for part in rest.split("; line ") {
                    let first = part.trim_start_matches("line ").split(' ').next();
                    if let Some(Ok(n)) = first.map(str::parse::<usize>) {
                        prop_assert!(n >= 1 && n <= lines.len(), "{}", e);
                    }
                }
            }
        }

        /// A CSV's error is worded in Chinese too, with every value filled in and each line
        /// it names named by the same number.
        #[test]
        fn a_csvs_error_is_worded_in_chinese_with_its_lines(
            lines in proptest::collection::vec("[-0-9a-z.e,;\t #]{0,16}", 0..30),
        ) {
            use optiviz::i18n::{Lang, placeholders};
            let text = lines.join("\n");
            if let Err(e) = Points::parse_csv(&text, PointKind::Classes) {
                let (en, zh) = (e.message(Lang::En), e.message(Lang::Zh));
                prop_assert!(placeholders(&zh).is_empty() && placeholders(&en).is_empty(), "{}", zh);
                // The lines' texts hold no quote, so the quotes are the templates' own.
                let quotes = |m: &str| m.matches('\'').count();
                prop_assert_eq!(quotes(&en), quotes(&zh), "{} / {}", en, zh);
                for (at, _) in en.match_indices("line ") {
                    let n: String = en[at + 5..].chars().take_while(char::is_ascii_digit).collect();
                    if !n.is_empty() {
                        let named = format!("第 {n} 行");
                        prop_assert!(zh.contains(&named), "{} / {}", en, zh);
                    }
                }
            }
        }

        #[test]
        fn points_written_as_csv_read_back_as_themselves(p in any_points()) {
            prop_assert_eq!(Points::parse_csv(&p.to_csv(), p.kind()), Ok(p));
        }

        #[test]
        fn one_bad_line_among_good_ones_is_named_by_its_number(
            p in any_points(),
            at in any::<prop::sample::Index>(),
            bad in prop_oneof![Just("1"), Just("1,2,3,4"), Just("x,1,0"), Just("1,nan,1"),
                               Just("2e9,1,1")],
        ) {
            let csv = p.to_csv();
            let mut lines: Vec<&str> = csv.lines().collect();
            // After the header, any position.
            let i = 1 + at.index(lines.len());
            lines.insert(i, bad);
            let e = Points::parse_csv(&lines.join("\n"), p.kind()).unwrap_err().to_string();
            prop_assert!(e.starts_with("1 bad line in the CSV"), "{}", e);
            let named = format!("): line {} '{bad}': ", i + 1);
            prop_assert!(e.contains(&named), "{} in {}", named, e);
        }
    }
}
