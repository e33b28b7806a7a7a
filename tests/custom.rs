//! Typed surfaces (`optiviz::core::custom`, `Surface::Custom`): a typed formula of a built-in
//! surface is that surface (values, gradients, Hessians, an Adam run, bit for bit); minima
//! found numerically land where algebra puts them; the view and start follow the stated rule;
//! undefined regions give NaN, a run into one diverges and the heatmap marks it; the rates,
//! the distance chart and serde work on a typed surface.

use optiviz::core::custom::{Custom, WINDOW};
use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::rates::{HORIZON, working_lr};
use optiviz::core::run::{RunSpec, simulate};
use optiviz::core::surface::{Surface, View};
use optiviz::render::field::{Field, UNDEFINED};
use optiviz::state::scenario::Chart;

fn typed(text: &str) -> Surface {
    Surface::custom(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn spec(kind: OptimizerKind, lr: f64) -> RunSpec {
    RunSpec::from(RunConfig::new(kind).with("lr", lr).unwrap())
}

fn close(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
    (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol
}

#[test]
fn typed_rosenbrock_is_the_built_in_one_bit_for_bit() {
    let typed = typed("(1-x)^2 + 100*(y-x^2)^2");
    let built = Surface::Rosenbrock;
    for p in [
        [-1.2, 1.0],
        [0.3, -0.7],
        [1.0, 1.0],
        [2.5, 4.0],
        [-3.0, -2.0],
    ] {
        // Equal as numbers (at the minimum one gradient is 0, the other −0).
        assert_eq!(typed.value(p), built.value(p), "{p:?}");
        assert_eq!(
            typed.value_and_gradient(p),
            built.value_and_gradient(p),
            "{p:?}"
        );
        let (_, _, h) = typed.hessian(p);
        let (_, _, h0) = built.hessian(p);
        assert_eq!(h, h0, "{p:?}");
    }
    // At (-1.2, 1), by hand: f = 2.2² + 100·(1 − 1.44)² = 4.84 + 19.36 = 24.2;
    // ∂f/∂x = −2(1 − x) − 400x(y − x²) = −4.4 − 211.2 = −215.6; ∂f/∂y = 200(y − x²) = −88.
    let (f, g) = typed.value_and_gradient([-1.2, 1.0]);
    assert!(
        (f - 24.2).abs() < 1e-12 && (g[0] + 215.6).abs() < 1e-10 && (g[1] + 88.0).abs() < 1e-12
    );
    // Adam over 500 steps, and Newton (which uses the Hessian), trace the same points.
    for s in [
        spec(OptimizerKind::Adam, 0.05),
        spec(OptimizerKind::Newton, 1.0),
    ] {
        let a = simulate(&typed, &s, [-1.2, 1.0], 500).unwrap();
        let b = simulate(&built, &s, [-1.2, 1.0], 500).unwrap();
        assert_eq!(a.points, b.points);
        assert_eq!(a.losses, b.losses);
    }
}

#[test]
fn the_minimum_of_a_shifted_bowl_is_its_centre() {
    // (x − 1.5)² + 3(y + 2)²: minimum 0 at (1.5, −2), inside the window: the window is the view.
    let s = typed("(x - 1.5)^2 + 3*(y + 2)^2");
    let m = s.minima();
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        close([m[0][0], m[0][1]], [1.5, -2.0], 1e-9) && m[0][2].abs() < 1e-15,
        "{m:?}"
    );
    assert_eq!(s.default_view(), WINDOW);
    // The start: 70 % of the half-side west and 50 % north of the centre.
    assert_eq!(s.default_start(), [-3.5, 2.5]);
    // Newton from the start lands on it in one step (a quadratic).
    let t = simulate(&s, &spec(OptimizerKind::Newton, 1.0), s.default_start(), 1).unwrap();
    assert!(close(t.points[1], [1.5, -2.0], 1e-12), "{:?}", t.points[1]);
}

#[test]
fn a_bowl_far_away_is_shown_around_its_minimum() {
    // The minimum (100, −40) lies outside [−5, 5]²: a window of the same side around it.
    let s = typed("(x - 100)^2 + (y + 40)^2");
    let m = s.minima();
    assert!(
        m.len() == 1 && close([m[0][0], m[0][1]], [100.0, -40.0], 1e-9),
        "{m:?}"
    );
    assert_eq!(s.default_view(), View::new(95.0, 105.0, -45.0, -35.0));
    assert_eq!(s.default_start(), [96.5, -37.5]);
}

#[test]
fn every_global_minimum_is_found_where_there_are_several() {
    // Himmelblau typed: its four minima, as the built-in surface states them.
    let s = typed("(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
    let mut found = s.minima();
    assert_eq!(found.len(), 4, "{found:?}");
    for known in Surface::Himmelblau.minima() {
        let i = found
            .iter()
            .position(|m| close([m[0], m[1]], [known[0], known[1]], 1e-9))
            .unwrap_or_else(|| panic!("{known:?} not in {found:?}"));
        assert!(found[i][2].abs() < 1e-20);
        found.remove(i);
    }
    // x⁴ − 3x² + y² + xy: ∂/∂y = 0 gives y = −x/2, then 4x³ − 6x − x/2 = 0, x² = 13/8,
    // f = x⁴ − 3x² + x²/4 − x²/2 = (13/8)² − (13/4)(13/8) = −169/64.
    let s = typed("x^4 - 3*x^2 + y^2 + x*y");
    let x = (13.0f64 / 8.0).sqrt();
    let m = s.minima();
    assert_eq!(m.len(), 2, "{m:?}");
    for (got, want) in m.iter().zip([[-x, x / 2.0], [x, -x / 2.0]]) {
        assert!(close([got[0], got[1]], want, 1e-12), "{got:?}");
        assert!((got[2] + 169.0 / 64.0).abs() < 1e-12, "{got:?}");
    }
    // Rastrigin typed: one global minimum, the origin, among a grid of local ones.
    let s = typed("20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)");
    assert_eq!(s.minima().len(), 1);
    assert!(close(
        [s.minima()[0][0], s.minima()[0][1]],
        [0.0, 0.0],
        1e-9
    ));
    // A cone's tip, where the gradient is undefined, is found too.
    let s = typed("sqrt(x^2 + y^2) + 1");
    assert_eq!(s.minima(), vec![[0.0, 0.0, 1.0]]);
}

#[test]
fn a_surface_without_a_minimum_reports_none() {
    // Unbounded below (saddles, a plane, a pole), bounded but not attained (exp), flat, or a
    // valley floor along a line: no point is a strict minimum.
    for text in [
        "x^2 - y^2",
        "x^3 - 3*x*y^2",
        "x - y",
        "1/x + y^2",
        "exp(x) + y^2",
        "5",
        "x^2",
    ] {
        let s = typed(text);
        assert!(s.minima().is_empty(), "{text}");
        assert_eq!(s.default_view(), WINDOW, "{text}");
        let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.01), [-1.0, 0.5], 5).unwrap();
        let d = Chart::Distance.values(&s, &t, 5);
        assert!(d.iter().all(|v| *v == f64::INFINITY), "{text}: {d:?}");
    }
}

#[test]
fn the_distance_chart_measures_to_the_minimum_found() {
    let s = typed("(x - 1)^2 + (y - 2)^2");
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 0.25), [4.0, 6.0], 3).unwrap();
    // Gradient descent at η = 1/4 halves the offset (3, 4) each step: distances 5, 2.5, 1.25, 0.625.
    let d = Chart::Distance.values(&s, &t, 3);
    for (got, want) in d.iter().zip([5.0, 2.5, 1.25, 0.625]) {
        assert!((got - want).abs() < 1e-9, "{d:?}");
    }
}

#[test]
fn undefined_regions_are_nan_a_run_into_one_diverges_and_the_heatmap_marks_them() {
    let s = typed("ln(x) + y^2");
    assert!(s.value([-1.0, 0.0]).is_nan());
    assert!(s.value([0.0, 0.0]).is_infinite());
    // Its start avoids the undefined half: the first candidate, (−3.5, 2.5), is at x < 0.
    assert_eq!(s.default_start(), [3.0, 3.5]);
    // Gradient descent at η = 10 from (1, 0): x ← 1 − 10·(1/x) = −9, where ln is undefined.
    let t = simulate(&s, &spec(OptimizerKind::Sgd, 10.0), [1.0, 0.0], 20).unwrap();
    assert_eq!(t.diverged_at, Some(1));
    // The heatmap: the left half (x < 0) in the grey stripes, the right half in viridis.
    let field = Field::new(s.clone(), View::new(-1.0, 1.0, -1.0, 1.0));
    let (w, h) = (40, 20);
    let px = field.rgba(w, h);
    let rgb = |c: usize, r: usize| {
        let i = 4 * (r * w + c);
        [px[i], px[i + 1], px[i + 2]]
    };
    for r in 0..h {
        for c in 0..w {
            assert_eq!(
                UNDEFINED.contains(&rgb(c, r)),
                c < w / 2,
                "pixel ({c}, {r})"
            );
        }
    }
    // Nothing panics or hangs where everything is undefined.
    let s = typed("ln(-1 - x^2)");
    assert!(s.minima().is_empty());
    assert!(Field::new(s.clone(), s.default_view()).rgba(8, 8).len() == 256);
    let t = simulate(&s, &spec(OptimizerKind::Adam, 0.1), s.default_start(), 10).unwrap();
    assert_eq!(t.diverged_at, Some(0));
}

#[test]
fn the_learning_rate_picker_works_on_a_typed_surface() {
    // On the typed Rosenbrock every optimizer gets the rate it gets on the built-in one.
    let typed = typed("(1-x)^2 + 100*(y-x^2)^2");
    let built = Surface::Rosenbrock;
    let view = built.default_view();
    for kind in [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ] {
        let s = RunSpec::from(RunConfig::new(kind));
        let a = working_lr(&typed, &s, [-1.2, 1.0], HORIZON, &view).unwrap();
        let b = working_lr(&built, &s, [-1.2, 1.0], HORIZON, &view).unwrap();
        assert_eq!(a, b, "{kind:?}");
        assert!(a.is_some());
    }
}

#[test]
fn a_typed_surface_is_serialized_as_its_canonical_formula() {
    let s = typed("(1−x)^2 + 100·(y − x^2)^2");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"surface": "custom", "formula": "(1 - x)^2 + 100*(y - x^2)^2"})
    );
    assert_eq!(serde_json::from_value::<Surface>(json).unwrap(), s);
    let bad = serde_json::json!({"surface": "custom", "formula": "x +"});
    let e = serde_json::from_value::<Surface>(bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("column 4"), "{e}");
    assert_eq!(s.info().id, "custom");
    assert_eq!(s.info().formula, "f(x, y) = (1 - x)^2 + 100*(y - x^2)^2");
}

#[test]
fn the_command_line_reads_an_identifier_or_a_formula() {
    assert_eq!(Surface::from_id_or_formula("beale"), Ok(Surface::Beale));
    assert_eq!(
        Surface::from_id_or_formula("x^2 + 10*y^2"),
        Ok(typed("x^2+10*y^2"))
    );
    let e = Surface::from_id_or_formula("rosenbrok")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("unknown surface 'rosenbrok': allowed values are rosenbrock,"),
        "{e}"
    );
    assert!(
        e.ends_with("or a formula in x and y such as 'x^2 + 10*y^2'"),
        "{e}"
    );
    let e = Surface::from_id_or_formula("x^2 + (y")
        .unwrap_err()
        .to_string();
    assert!(
        e == "formula 'x^2 + (y': missing ')' for '(' at column 7",
        "{e}"
    );
}

#[test]
fn a_long_formula_is_read_in_bounded_time() {
    // The longest formula allowed, 1000 characters of terms: parsed and searched quickly.
    let term = "sin(x)*cos(y) + ";
    let mut text = term.repeat(1000 / term.len());
    text.push('x');
    assert!(text.chars().count() <= 1000);
    let t0 = std::time::Instant::now();
    let s = Custom::parse(&text).unwrap();
    assert!(t0.elapsed().as_secs_f64() < 2.0, "{:?}", t0.elapsed());
    assert!(s.view().is_workable() && !s.minima().is_empty());
}

mod link {
    use super::typed;
    use optiviz::core::surface::Surface;
    use optiviz::state::scenario::Scenario;

    #[test]
    fn a_typed_surface_travels_in_the_link_in_its_canonical_form() {
        let s = Scenario {
            surface: typed("(1−x)^2 + 100·(y − x^2)^2"),
            ..Scenario::default()
        };
        let q = s.to_query();
        assert!(
            q.starts_with("surface=custom&f=(1%20-%20x)^2%20%2B%20100*(y%20-%20x^2)^2&start="),
            "{q}"
        );
        assert_eq!(Scenario::from_query(&q), Ok(s.clone()));
        // Typed by hand: `+` as itself, spaces as `%20`, `f` alone meaning surface=custom.
        let (read, problems) = crate::read_words("f=(1-x)^2+100*(y-x^2)^2");
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(read.surface, s.surface);
        // Its start and view are the typed surface's own.
        assert_eq!(read.start, [-3.5, 2.5]);
        assert_eq!(read.view(), optiviz::core::custom::WINDOW);
    }

    #[test]
    fn a_bad_formula_keeps_the_rest_of_the_link_and_says_where() {
        let (s, problems) =
            crate::read_words("surface=custom&f=x%5E2%20%2B%20(y&steps=300&run=adam;lr=0.1");
        assert_eq!(
            problems,
            ["f 'x^2 + (y': missing ')' for '(' at column 7"],
            "the one problem, with its column"
        );
        assert_eq!(s.surface, Surface::Rosenbrock);
        assert_eq!(s.steps, 300);
        assert_eq!(s.runs.len(), 1);
        // No formula at all; a formula with another surface; an unknown surface lists custom.
        let (_, p) = crate::read_words("surface=custom");
        assert_eq!(
            p,
            [
                "surface=custom needs its formula: allowed is f=FORMULA, a formula in x and y \
              such as f=x^2 + 10*y^2"
            ]
        );
        let (s, p) = crate::read_words("surface=beale&f=x^2");
        assert_eq!(s.surface, Surface::Beale);
        assert_eq!(
            p,
            ["f belongs to surface=custom only (the link's surface is beale)"]
        );
        let (_, p) = crate::read_words("surface=moon");
        assert!(p[0].ends_with(", easom, custom (with f=FORMULA)"), "{p:?}");
        // Too long: refused before it is read, quoted short.
        let long = format!("f={}", "x+".repeat(600));
        let (s, p) = crate::read_words(&long);
        assert_eq!(s.surface, Surface::Rosenbrock);
        assert_eq!(
            p,
            [format!(
                "f '{}…': expression too long: 1200 characters (at most 1000)",
                "x+".repeat(20)
            )]
        );
        // Too deep.
        let deep = format!("f={}x{}", "(".repeat(65), ")".repeat(65));
        let (_, p) = crate::read_words(&deep);
        assert!(p.len() == 1 && p[0].contains("column 65"), "{p:?}");
        // The page puts the link's last formula in its field to be corrected.
        use optiviz::state::query::link_formula;
        assert_eq!(
            link_formula("?f=x&steps=3&f=x%5E%5E2"),
            Some("x^^2".to_owned())
        );
        assert_eq!(link_formula("?surface=beale"), None);
    }
}

/// Property tests run natively (proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod link_properties {
    use super::typed;
    use optiviz::core::surface::Surface;
    use optiviz::state::scenario::Scenario;
    use proptest::prelude::*;

    /// Formula texts from a small grammar: every one reads.
    fn formula() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("x".to_owned()),
            Just("y".to_owned()),
            Just("pi".to_owned()),
            (0u32..100).prop_map(|n| n.to_string()),
            (0.0f64..1e3).prop_map(|v| v.to_string()),
        ];
        leaf.prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    prop::sample::select(vec!["+", "-", "*", "/", "^"]),
                    inner.clone()
                )
                    .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
                (
                    prop::sample::select(vec!["sin", "cos", "exp", "ln", "sqrt", "abs", "tanh"]),
                    inner.clone()
                )
                    .prop_map(|(f, a)| format!("{f}({a})")),
                (
                    prop::sample::select(vec!["min", "max"]),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
                inner.prop_map(|a| format!("-{a}")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any text at all in `f=` gives a scenario, and either the formula or one problem
        /// that names `f` and a column; never a panic.
        #[test]
        fn any_text_in_f_is_a_surface_or_a_named_problem(
            text in prop_oneof!["\\PC{0,60}", "[-+*/^()., xyepisncoqrtlabmh0-9]{0,60}"],
        ) {
            let q = format!("surface=custom&f={}", percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC));
            let (s, problems) = crate::read_words(&q);
            prop_assert!(s.view().is_workable());
            match Surface::custom(&text) {
                Ok(surface) => {
                    prop_assert_eq!(problems, Vec::<String>::new());
                    prop_assert_eq!(s.surface, surface);
                }
                Err(e) => {
                    prop_assert_eq!(problems.len(), 1, "{:?}", problems);
                    let p = &problems[0];
                    if text.trim().is_empty() {
                        prop_assert!(p.starts_with("f is empty: allowed is a formula"), "{}", p);
                    } else {
                        // Where it is wrong, or, when it is too long, its length.
                        prop_assert!(p.starts_with("f '"), "{}", p);
                        prop_assert!(p.contains(&format!("column {}", e.column)) || p.contains("too long"), "{}", p);
                    }
                    prop_assert_eq!(s.surface, Surface::Rosenbrock);
                }
            }
        }

        /// A formula written to the link reads back to the same surface, start and view.
        #[test]
        fn a_formula_in_a_link_reads_back_equal(text in formula(), step in 0usize..100) {
            let surface = typed(&text);
            let s = Scenario { start: surface.default_start(), surface, step, ..Scenario::default() };
            let q = s.to_query();
            prop_assert_eq!(Scenario::from_query(&q), Ok(s), "{}", q);
        }
    }
}

#[test]
fn a_row_of_values_in_lanes_is_the_values_one_by_one() {
    // 37 points (two full blocks of 16 and a part), across ln's undefined half and its pole.
    let xs: Vec<f64> = (0..37).map(|i| -2.0 + 0.125 * i as f64).collect();
    for text in [
        "ln(x) + y^2",
        "sin(3*x)*cos(y) + x^2/10",
        "1/x + max(x, y)^3",
    ] {
        for surface in [typed(text), Surface::Rosenbrock] {
            let mut row = Vec::new();
            surface.row_values(&xs, 0.75, &mut row);
            let one: Vec<u64> = xs
                .iter()
                .map(|&x| surface.value([x, 0.75]).to_bits())
                .collect();
            assert_eq!(
                row.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                one,
                "{text}"
            );
        }
    }
}

/// [`Scenario::read_query`] with its problems worded (in English, the tests' language).
fn read_words(query: &str) -> (optiviz::state::scenario::Scenario, Vec<String>) {
    let (s, problems) = optiviz::state::scenario::Scenario::read_query(query);
    (s, problems.iter().map(ToString::to_string).collect())
}

#[test]
fn the_polynomial_degree_is_read_from_the_tree() {
    use optiviz::core::expr::Expr;
    let degree = |text: &str| Expr::parse(text).unwrap().polynomial_degree();
    // Worked by hand from each formula.
    for (text, d) in [
        ("3", Some(0)),
        ("pi*e + sin(2)", Some(0)),
        ("x", Some(1)),
        ("x*y", Some(2)),
        ("x^2 + 3*y^2", Some(2)),
        ("(x + 1)^2 - 4*x*y/2", Some(2)),
        ("-(x - y)^2 / sqrt(2)", Some(2)),
        ("x^2 + sin(1)*y", Some(2)),
        ("(1 - x)^2 + 100*(y - x^2)^2", Some(4)),
        ("x^3", Some(3)),
        ("(x*y)^2^2", Some(8)),
        ("x^(1 + 1)", Some(2)),
        ("2^x", None),
        ("x^0.5", None),
        ("x^-1", None),
        ("x/y", None),
        ("x/(1 + 0*x)", None),
        ("sqrt(x^2)", None),
        ("max(x, y)", None),
        ("abs(x) + y^2", None),
    ] {
        assert_eq!(degree(text), d, "{text}");
    }
}

#[test]
fn a_typed_quadratic_has_the_quadratic_theory() {
    use optiviz::core::compare::quadratic_theory;
    // f = x² + 3y²: H = diag(2, 6), κ = 3, gradient descent diverges at 2/6.
    let th = quadratic_theory(&typed("x^2 + 3*y^2")).expect("a bowl");
    assert!((th.eigenvalues[0] - 2.0).abs() < 1e-12 && (th.eigenvalues[1] - 6.0).abs() < 1e-12);
    assert!((th.condition - 3.0).abs() < 1e-12);
    assert!((th.gd_divergence_lr - 1.0 / 3.0).abs() < 1e-12);
    // f = (x + y)² + x² − 3x: H = [[4, 2], [2, 2]], eigenvalues 3 ∓ √5; its minimum is
    // where the gradient (4x + 2y − 3, 2x + 2y) vanishes, (1.5, −1.5).
    let th = quadratic_theory(&typed("(x + y)^2 + x^2 - 3*x")).expect("a tilted bowl");
    let root5 = 5f64.sqrt();
    assert!(
        (th.eigenvalues[0] - (3.0 - root5)).abs() < 1e-9,
        "{:?}",
        th.eigenvalues
    );
    assert!(
        (th.eigenvalues[1] - (3.0 + root5)).abs() < 1e-9,
        "{:?}",
        th.eigenvalues
    );
    // The built-in bowl's theory and the typed bowl's agree.
    let bowl = quadratic_theory(&Surface::bowl_of(3.0, 0.0).unwrap()).unwrap();
    let typed_bowl = quadratic_theory(&typed("0.5*x^2 + 1.5*y^2")).unwrap();
    assert!((bowl.condition - typed_bowl.condition).abs() < 1e-12);
    // No theory where it does not hold: a saddle, a flat valley, a quartic, a function.
    for text in [
        "x^2 - y^2",
        "x^2",
        "(1 - x)^2 + 100*(y - x^2)^2",
        "x^2 + y^2 + sin(x)",
    ] {
        assert!(quadratic_theory(&typed(text)).is_none(), "{text}");
    }
}
