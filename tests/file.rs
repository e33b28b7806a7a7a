//! The scenario file and the trajectories' CSV the page exports: a scenario read back is the
//! one written, a file asking for what a link may not ask for is refused in a link's words,
//! and the CSV holds each run's `optiviz trace` rows under its number.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::RunSpec;
use optiviz::core::surface::Surface;
use optiviz::core::trace::{Trace, runs_csv};
use optiviz::state::file::{MAX_FILE_BYTES, from_json, to_json};
use optiviz::state::scenario::Scenario;

#[test]
fn a_scenario_file_reads_back_to_the_scenario_written() {
    for query in [
        "",
        "surface=himmelblau&start=-1,2&steps=40&run=adam;lr=0.05&run=sgd;lr=0.01;hidden",
        "surface=custom&f=x%5E2%20%2B%203*y%5E2&steps=200&run=momentum;lr=0.01;momentum=0.9",
        "story=saddle-point&lang=zh&large&notation=notes",
    ] {
        let s = Scenario::from_query(query).unwrap();
        assert_eq!(from_json(&to_json(&s)), Ok(s), "{query}");
    }
}

#[test]
fn a_file_is_refused_with_what_is_wrong() {
    let s = Scenario::from_query("steps=40&run=adam;lr=0.05").unwrap();
    let text = to_json(&s);
    // More steps than the page allows: the same words as the link `steps=2000000`.
    let many = text.replace("\"steps\": 40", "\"steps\": 2000000");
    assert_ne!(many, text);
    let link = Scenario::from_query("steps=2000000")
        .unwrap_err()
        .to_string();
    assert_eq!(
        from_json(&many).unwrap_err().to_string(),
        format!("the scenario file asks for what the page does not allow: {link}")
    );
    // Not a scenario: serde's words, with where.
    let e = from_json("{\"surface\": 3}").unwrap_err().to_string();
    assert!(e.starts_with("not an optiviz scenario file: "), "{e}");
    assert!(e.contains("line 1"), "{e}");
    // Too long, before anything is read.
    let long = " ".repeat(MAX_FILE_BYTES + 1);
    assert_eq!(
        from_json(&long).unwrap_err().to_string(),
        format!(
            "scenario file too long: {} bytes (at most {MAX_FILE_BYTES})",
            MAX_FILE_BYTES + 1
        )
    );
}

#[test]
fn the_csv_numbers_each_runs_trace_rows() {
    let spec = |kind, lr| RunSpec::from(RunConfig::new(kind).with("lr", lr).unwrap());
    let a = Trace::run(
        Surface::Booth,
        spec(OptimizerKind::Sgd, 0.01),
        [0.0, 0.0],
        3,
    )
    .unwrap();
    let b = Trace::run(
        Surface::Booth,
        spec(OptimizerKind::Adam, 0.1),
        [0.0, 0.0],
        2,
    )
    .unwrap();
    let csv = runs_csv(&[a.clone(), b.clone()]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "run,optimizer,step,x,y,loss");
    assert_eq!(lines.len(), 1 + 4 + 3);
    // Run 1's rows are its own CSV's rows behind "1,sgd,"; run 2's behind "2,adam,".
    let own = |t: &Trace| {
        t.to_csv()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let strip = |prefix: &str| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(prefix).map(str::to_owned))
            .collect()
    };
    assert_eq!(strip("1,sgd,"), own(&a));
    assert_eq!(strip("2,adam,"), own(&b));
    // Booth f = (x + 2y − 7)² + (2x + y − 5)² = 74 at the start: the first row, by hand.
    assert_eq!(lines[1], "1,sgd,0,0.0,0.0,74.0");
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text is read or refused by name; nothing panics.
        #[test]
        fn any_text_is_read_or_refused(text in ".{0,300}") {
            if let Err(e) = from_json(&text) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        /// A scenario file with any number in place of its steps reads back only as a link
        /// with those steps would.
        #[test]
        fn any_steps_read_as_a_link_reads_them(steps in any::<u64>()) {
            let s = Scenario::from_query("steps=40").unwrap();
            let text = to_json(&s).replace("\"steps\": 40", &format!("\"steps\": {steps}"));
            let link = Scenario::from_query(&format!("steps={steps}"));
            prop_assert_eq!(from_json(&text).is_ok(), link.is_ok());
        }
    }
}
