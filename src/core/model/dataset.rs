//! Editable data sets for the regression lab: the points a model learns from, either generated
//! from a [`super::ModelSpec`] and a seed or an explicit list the user edited (points added,
//! moved and deleted in the browser), with their checks and their URL form.
//!
//! A lab's data is an `Option<Points>`: `None` means "generated from the spec and the seed"
//! ([`super::ModelSpec::generate`]), `Some(points)` the edited list, which replaces the
//! generated points while everything else (the validation split, the shuffling, the initial
//! weights, dropout) still follows the seed.

use crate::core::text::number;
use crate::err;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The most points a data set holds, generated or edited.
pub const MAX_POINTS: usize = 500;

/// The largest `|coordinate|` a point may have: far beyond the generated data (within ±50),
/// near enough that squared errors, the features of a degree-12 polynomial's first steps and
/// the least-squares sums stay finite.
pub const MAX_COORDINATE: f64 = 1e6;

/// The most characters a CSV of points may have: 500 points of two 24-digit numbers fit many
/// times over, and parsing it stays far under a frame.
pub const MAX_CSV_CHARS: usize = 100_000;

/// The most bad lines a CSV error lists one by one (the rest are counted).
const MAX_LISTED: usize = 12;

/// What a model learns from: `(x, y)` points for 1-D regression (linear, polynomial), or
/// labelled 2-D points for classification (logistic regression, the network).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PointKind {
    /// `(x, y)`: a value `y` to fit at `x`.
    Regression,
    /// `([x1, x2], class)`: a point of the plane and its class.
    Classes,
}

impl PointKind {
    /// How one point is written in the URL form: `x,y` or `x1,x2,c`.
    pub fn syntax(self) -> &'static str {
        match self {
            PointKind::Regression => "x,y",
            PointKind::Classes => "x1,x2,c (c 0 or 1)",
        }
    }

    /// [`PointKind::syntax`] as a phrase of an error, in the error's language.
    fn syntax_words(self) -> Error {
        match self {
            PointKind::Regression => err!("error.data.syntax_regression"),
            PointKind::Classes => err!("error.data.syntax_classes"),
        }
    }
}

/// The largest coordinate as the messages write it (`1e6`).
fn limit() -> String {
    format!("{MAX_COORDINATE:e}")
}

/// An explicit list of data points, in the user's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "points", rename_all = "lowercase")]
pub enum Points {
    /// Points `(x, y)` of 1-D regression.
    Regression(Vec<(f64, f64)>),
    /// Points `([x1, x2], class)` of binary classification.
    Classes(Vec<([f64; 2], bool)>),
}

impl Points {
    /// Regression or classification points.
    pub fn kind(&self) -> PointKind {
        match self {
            Points::Regression(_) => PointKind::Regression,
            Points::Classes(_) => PointKind::Classes,
        }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        match self {
            Points::Regression(p) => p.len(),
            Points::Classes(p) => p.len(),
        }
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where point `i` sits in the data view: `[x, y]` for regression, `[x1, x2]` for
    /// classification; `None` past the end.
    pub fn position(&self, i: usize) -> Option<[f64; 2]> {
        match self {
            Points::Regression(p) => p.get(i).map(|&(x, y)| [x, y]),
            Points::Classes(p) => p.get(i).map(|&(x, _)| x),
        }
    }

    /// The class of point `i` (`None` for regression points or past the end).
    pub fn class(&self, i: usize) -> Option<bool> {
        match self {
            Points::Regression(_) => None,
            Points::Classes(p) => p.get(i).map(|&(_, c)| c),
        }
    }

    /// Every point's position in the data view, in order.
    pub fn positions(&self) -> Vec<[f64; 2]> {
        (0..self.len()).filter_map(|i| self.position(i)).collect()
    }

    /// Checks that the list can be trained on: 1 to [`MAX_POINTS`] points, every coordinate
    /// finite. The error names the problem and the allowed values.
    pub fn validate(&self) -> Result<(), Error> {
        let n = self.len();
        if n == 0 {
            return Err(err!("error.data.empty", max = MAX_POINTS));
        }
        if n > MAX_POINTS {
            return Err(err!("error.data.too_many", n = n, max = MAX_POINTS));
        }
        for (i, p) in self.positions().into_iter().enumerate() {
            Self::check_position(p)
                .map_err(|e| err!("error.data.point", i = i + 1).with_cause("cause", e))?;
        }
        Ok(())
    }

    /// Checks the list ([`Points::validate`]) and that it is of the kind `model` (a model id
    /// such as `linear`) learns from.
    pub fn validate_for(&self, kind: PointKind, model: &str) -> Result<(), Error> {
        if self.kind() != kind {
            return Err(err!("error.data.kind", model = model)
                .with_cause("want", kind.syntax_words())
                .with_cause("got", self.kind().syntax_words()));
        }
        self.validate()
    }

    fn check_position(at: [f64; 2]) -> Result<(), Error> {
        if at.iter().all(|v| v.abs() <= MAX_COORDINATE) {
            Ok(())
        } else {
            let [x, y] = at.map(number);
            Err(err!("error.data.position", x = x, y = y, limit = limit()))
        }
    }

    /// Adds a point at `at` (`[x, y]`, or `[x1, x2]` of class `class`; `class` is ignored for
    /// regression points), at the end of the list.
    pub fn add(&mut self, at: [f64; 2], class: bool) -> Result<(), Error> {
        Self::check_position(at)?;
        if self.len() >= MAX_POINTS {
            return Err(err!("error.data.full", max = MAX_POINTS));
        }
        match self {
            Points::Regression(p) => p.push((at[0], at[1])),
            Points::Classes(p) => p.push((at, class)),
        }
        Ok(())
    }

    /// Moves point `i` to `at`, keeping its class.
    pub fn move_to(&mut self, i: usize, at: [f64; 2]) -> Result<(), Error> {
        Self::check_position(at)?;
        let n = self.len();
        let missing = || err!("error.data.no_point", i = i, last = n as i64 - 1);
        match self {
            Points::Regression(p) => *p.get_mut(i).ok_or_else(missing)? = (at[0], at[1]),
            Points::Classes(p) => p.get_mut(i).ok_or_else(missing)?.0 = at,
        }
        Ok(())
    }

    /// Deletes point `i`; the last point cannot go (a data set is never empty).
    pub fn remove(&mut self, i: usize) -> Result<(), Error> {
        let n = self.len();
        if i >= n {
            return Err(err!("error.data.no_point", i = i, last = n as i64 - 1));
        }
        if n == 1 {
            return Err(err!("error.data.last_point"));
        }
        match self {
            Points::Regression(p) => {
                p.remove(i);
            }
            Points::Classes(p) => {
                p.remove(i);
            }
        }
        Ok(())
    }

    /// The index of the point nearest to `at` within `radius`, distances measured after
    /// multiplying x and y by `scale` (pixels per unit, so `radius` is in pixels).
    pub fn nearest(&self, at: [f64; 2], scale: (f64, f64), radius: f64) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (i, p) in self.positions().into_iter().enumerate() {
            let d = ((p[0] - at[0]) * scale.0).hypot((p[1] - at[1]) * scale.1);
            if d <= radius && best.is_none_or(|(_, b)| d < b) {
                best = Some((i, d));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The URL form: `x,y;x,y;…` or `x1,x2,c;…` (`c` 0 or 1), numbers in Rust's shortest
    /// round-trip form, which [`Points::parse`] reads back to an equal list.
    pub fn to_query_value(&self) -> String {
        let mut out = String::new();
        match self {
            Points::Regression(p) => {
                for (i, (x, y)) in p.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ";" };
                    let _ = write!(out, "{sep}{x},{y}");
                }
            }
            Points::Classes(p) => {
                for (i, (x, c)) in p.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ";" };
                    let _ = write!(out, "{sep}{},{},{}", x[0], x[1], u8::from(*c));
                }
            }
        }
        out
    }

    /// The points as CSV, with a header: `x,y` then one `x,y` line per point for regression,
    /// `x1,x2,label` then `x1,x2,0` or `…,1` for classes; numbers in Rust's shortest
    /// round-trip form, so [`Points::parse_csv`] reads back the same points.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        match self {
            Points::Regression(p) => {
                out.push_str("x,y\n");
                for (x, y) in p {
                    let _ = writeln!(out, "{x},{y}");
                }
            }
            Points::Classes(p) => {
                out.push_str("x1,x2,label\n");
                for (x, c) in p {
                    let _ = writeln!(out, "{},{},{}", x[0], x[1], u8::from(*c));
                }
            }
        }
        out
    }

    /// Reads points of `kind` from CSV text: one point a line, `x,y` for regression or
    /// `x1,x2,label` (label 0 or 1) for classes, values separated by commas, semicolons or
    /// tabs. Blank lines, lines starting with `#` and a first line that does not start with
    /// a number (a header such as `x,y`) are skipped. Every bad line is reported, each by its
    /// number, its text and what is wrong with it, with the allowed values; so are too many
    /// points (more than [`MAX_POINTS`]), none at all, and text longer than
    /// [`MAX_CSV_CHARS`]. Never panics.
    pub fn parse_csv(text: &str, kind: PointKind) -> Result<Points, Error> {
        let chars = text.chars().count();
        if chars > MAX_CSV_CHARS {
            return Err(Error::new("error.data.csv_chars")
                .with("chars", chars)
                .with("max", MAX_CSV_CHARS)
                .with("points", MAX_POINTS));
        }
        let columns = match kind {
            PointKind::Regression => 2,
            PointKind::Classes => 3,
        };
        let format = match kind {
            PointKind::Regression => "x,y",
            PointKind::Classes => "x1,x2,label",
        };
        let mut points = Vec::new();
        let mut bad: Vec<Error> = Vec::new();
        let mut first = true;
        // A byte-order mark (spreadsheets write one) is no part of the first value.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split([',', ';', '\t']).map(str::trim).collect();
            let header = first && fields[0].parse::<f64>().is_err();
            first = false;
            if header {
                continue;
            }
            match Self::csv_point(&fields, kind, columns, format) {
                Ok(p) => points.push(p),
                Err(problem) => {
                    let shown: String = line.chars().take(40).collect();
                    let more = if shown.len() < line.len() { "…" } else { "" };
                    bad.push(
                        Error::new("error.data.csv_line")
                            .with("line", i + 1)
                            .with("text", format!("{shown}{more}"))
                            .with_cause("problem", problem),
                    );
                }
            }
        }
        let count = bad.len();
        bad.truncate(MAX_LISTED);
        if let Some(mut list) = Error::list(bad) {
            if count > MAX_LISTED {
                list = err!("error.data.csv_more", more = count - MAX_LISTED)
                    .with_cause("listed", list);
            }
            let e = match (count, kind) {
                (1, PointKind::Regression) => err!("error.data.csv_bad_line"),
                (1, PointKind::Classes) => err!("error.data.csv_bad_line_classes"),
                (_, PointKind::Regression) => err!("error.data.csv_bad_lines"),
                (_, PointKind::Classes) => err!("error.data.csv_bad_lines_classes"),
            };
            return Err(e
                .with("count", count)
                .with("format", format)
                .with("limit", limit())
                .with_cause("listed", list));
        }
        if points.len() > MAX_POINTS {
            return Err(Error::new("error.data.csv_too_many")
                .with("n", points.len())
                .with("max", MAX_POINTS));
        }
        if points.is_empty() {
            return Err(Error::new("error.data.csv_empty")
                .with("max", MAX_POINTS)
                .with("format", format));
        }
        let points = match kind {
            PointKind::Regression => {
                Points::Regression(points.into_iter().map(|(p, _)| (p[0], p[1])).collect())
            }
            PointKind::Classes => Points::Classes(points),
        };
        points.validate()?;
        Ok(points)
    }

    /// One CSV line's fields as a point (the class is `false` for regression), or what is
    /// wrong with them.
    fn csv_point(
        fields: &[&str],
        kind: PointKind,
        columns: usize,
        format: &str,
    ) -> Result<([f64; 2], bool), Error> {
        if fields.len() != columns {
            let e = match (kind, fields.len()) {
                (PointKind::Regression, 3) => err!("error.data.csv_columns_classes"),
                (PointKind::Classes, 2) => err!("error.data.csv_columns_regression"),
                _ => err!("error.data.csv_columns"),
            };
            return Err(e
                .with("found", fields.len())
                .with("columns", columns)
                .with("format", format));
        }
        let names = match kind {
            PointKind::Regression => ["x", "y"],
            PointKind::Classes => ["x1", "x2"],
        };
        let mut at = [0.0; 2];
        for (k, name) in names.iter().enumerate() {
            let v = fields[k];
            let x = v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| err!("error.not_finite", what = name, text = v))?;
            if x.abs() > MAX_COORDINATE {
                return Err(Error::new("error.data.csv_range")
                    .with("name", name)
                    .with("value", number(x))
                    .with("limit", limit()));
            }
            at[k] = x;
        }
        let class = match kind {
            PointKind::Regression => false,
            PointKind::Classes => match fields[2] {
                "0" => false,
                "1" => true,
                other => return Err(err!("error.data.csv_label", text = other)),
            },
        };
        Ok((at, class))
    }

    /// Reads the URL form of points of `kind` (see [`Points::to_query_value`]) and checks the
    /// list ([`Points::validate`]); the error names the point and what was expected.
    pub fn parse(text: &str, kind: PointKind) -> Result<Points, Error> {
        let items: Vec<&str> = text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if items.len() > MAX_POINTS {
            return Err(Error::new("error.data.too_many")
                .with("n", items.len())
                .with("max", MAX_POINTS));
        }
        let number = |i: usize, v: &str| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    err!("error.data.point_not_finite", i = i + 1, text = v)
                        .with_cause("syntax", kind.syntax_words())
                })
        };
        let wrong = |i: usize, item: &str| {
            err!("error.data.point_syntax", i = i + 1, item = item)
                .with_cause("syntax", kind.syntax_words())
        };
        let points = match kind {
            PointKind::Regression => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let parts: Vec<&str> = item.split(',').collect();
                    let [x, y] = parts[..] else {
                        return Err(wrong(i, item));
                    };
                    out.push((number(i, x)?, number(i, y)?));
                }
                Points::Regression(out)
            }
            PointKind::Classes => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let parts: Vec<&str> = item.split(',').collect();
                    let [x1, x2, c] = parts[..] else {
                        return Err(wrong(i, item));
                    };
                    let class = match c.trim() {
                        "0" => false,
                        "1" => true,
                        other => {
                            return Err(err!("error.data.point_class", i = i + 1, text = other));
                        }
                    };
                    out.push(([number(i, x1)?, number(i, x2)?], class));
                }
                Points::Classes(out)
            }
        };
        points.validate()?;
        Ok(points)
    }
}
