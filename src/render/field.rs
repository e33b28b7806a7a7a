//! The surface's value over a view: colour scaling, the heatmap's RGBA pixels and contour lines.

use crate::core::rows::Rows;
use crate::core::surface::{Surface, View};
use crate::render::isolines::isolines;
use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};

/// Maps surface values to `[0, 1]` for colours and contour levels.
///
/// With `log` set the mapped quantity is `ln(1 + f − f_min)`, which spreads the orders of
/// magnitude of a surface such as Rosenbrock's evenly over the colour range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scaling {
    /// Whether values are log-transformed before normalization.
    pub log: bool,
    /// The value subtracted before the log transform (the lowest value in view).
    pub f_min: f64,
    /// The transformed value mapped to 0.
    pub lo: f64,
    /// The transformed value mapped to 1.
    pub hi: f64,
}

impl Scaling {
    /// Samples `surface` on a 64 × 64 grid over `view` and fits the range to what it sees.
    pub fn fit(surface: &Surface, view: &View) -> Scaling {
        const N: usize = 64;
        let xs: Vec<f64> = (0..N).map(|c| view.pixel_center(c, 0, N, N)[0]).collect();
        let rows = Rows::new(surface, xs);
        let (mut values, mut row) = (Vec::with_capacity(N * N), Vec::with_capacity(N));
        for r in 0..N {
            rows.row(view.pixel_center(0, r, N, N)[1], &mut row);
            values.extend(row.iter().copied().filter(|v| v.is_finite()));
        }
        let f_min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let f_max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let f_min = if f_min.is_finite() { f_min } else { 0.0 };
        let mut scaling = Scaling {
            log: surface.log_scaled(),
            f_min,
            lo: 0.0,
            hi: 1.0,
        };
        let (lo, hi) = (scaling.transform(f_min), scaling.transform(f_max));
        if lo.is_finite() && hi.is_finite() && hi > lo {
            scaling.lo = lo;
            scaling.hi = hi;
        }
        scaling
    }

    fn transform(&self, f: f64) -> f64 {
        if self.log {
            (f - self.f_min).max(0.0).ln_1p()
        } else {
            f
        }
    }

    /// `f` mapped to `[0, 1]` (clamped); non-finite values map to 1.
    pub fn normalize(&self, f: f64) -> f64 {
        self.place(self.transform(f))
    }

    /// [`Scaling::normalize`] with the log scaling's `ln(1 + u)` by [`ln_1p`] (a few parts in
    /// 10⁹, as the heatmap's colours take it) instead of the library's call: for the contours'
    /// grid, where 25,600 calls cost a surface switch about 2.5 ms in wasm.
    pub fn normalize_fast(&self, f: f64) -> f64 {
        self.place(if self.log {
            ln_1p((f - self.f_min).max(0.0))
        } else {
            f
        })
    }

    /// A transformed value `u` placed in `[lo, hi]` as a fraction (clamped; NaN maps to 1).
    fn place(&self, u: f64) -> f64 {
        let t = (u - self.lo) / (self.hi - self.lo);
        if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) }
    }
}

/// The two greys of the diagonal stripes that mark where a surface is undefined (NaN).
pub const UNDEFINED: [[u8; 3]; 2] = [[96, 96, 96], [140, 140, 140]];

/// A 256-entry viridis lookup table (entry `i` is viridis at `i/255`), for painting rasters
/// with one lookup per pixel. Made once: a progressive heatmap asks for it on every row.
pub fn viridis_lut() -> &'static [[u8; 3]; 256] {
    static LUT: std::sync::OnceLock<[[u8; 3]; 256]> = std::sync::OnceLock::new();
    LUT.get_or_init(|| {
        let mut lut = [[0u8; 3]; 256];
        for (i, entry) in lut.iter_mut().enumerate() {
            let c = ViridisRGB.get_color(i as f32 / 255.0);
            *entry = [c.0, c.1, c.2];
        }
        lut
    })
}

/// [`viridis_lut`]'s 256 colours as little-endian RGBA words (alpha 255), then the two
/// [`UNDEFINED`] greys: one 32-bit write per heatmap pixel.
fn rgba_words() -> &'static [u32; 258] {
    static WORDS: std::sync::OnceLock<[u32; 258]> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let word = |[r, g, b]: [u8; 3]| u32::from_le_bytes([r, g, b, 255]);
        let mut words = [0u32; 258];
        for (w, &c) in words.iter_mut().zip(viridis_lut().iter().chain(&UNDEFINED)) {
            *w = word(c);
        }
        words
    })
}

/// A [`Scaling`] as colour levels `0..=255`, for a row of values at a time.
#[derive(Clone, Copy, Debug)]
struct Shade {
    log: bool,
    f_min: f64,
    lo: f64,
    /// `255 / (hi − lo)`.
    scale: f64,
}

impl Shade {
    fn new(s: &Scaling) -> Shade {
        Shade {
            log: s.log,
            f_min: s.f_min,
            lo: s.lo,
            scale: 255.0 / (s.hi - s.lo),
        }
    }

    /// Each value's level, `255·normalize(f)` rounded (a NaN's is 0: it is drawn striped);
    /// `logs` is room for a row's logarithms.
    fn levels(&self, values: &[f64], logs: &mut Vec<f64>, out: &mut [u8]) {
        let Shade {
            f_min, lo, scale, ..
        } = *self;
        // Rounded to the nearest integer by adding 1.5·2⁵² (whose ulp is 1) and read from the
        // low bits: no float-to-integer conversion, which would keep the loop from vectorizing.
        // A tie (a level exactly halfway) rounds to even rather than up.
        let level = |i: f64| (i.clamp(0.0, 255.0) + 6_755_399_441_055_744.0).to_bits() as u8;
        if self.log {
            // Two loops, the logarithms then the levels: in one, the constants of both did not
            // fit the registers of the browser's compiler, which reloaded them from the stack
            // for every pair of values.
            logs.clear();
            logs.extend(values.iter().map(|&f| {
                // Not f64::max, whose NaN rule wasm lacks (a call per value there); a NaN maps
                // to 0 as it would, and is drawn striped anyway.
                let u = f - f_min;
                ln_1p(if u > 0.0 { u } else { 0.0 })
            }));
            for (o, &t) in out.iter_mut().zip(logs.iter()) {
                *o = level((t - lo) * scale);
            }
        } else {
            for (o, &f) in out.iter_mut().zip(values) {
                *o = level((f - lo) * scale);
            }
        }
    }
}

/// `ln(1 + u)` for `u ≥ 0` (`+∞` at `+∞`), without a call or a branch (so a row of them
/// vectorizes), to a relative error of a few parts in 10⁹. Below `u = 2⁻¹⁰` by its series to
/// `u⁴` (the next term is below 10⁻¹² of it); above, `w = 1 + u` (rounded: an error below
/// 10⁻¹³ of `ln w` there) as `m·2ᵉ` with `m` in `[√½, √2)`, `ln w = e·ln 2 + ln m`,
/// `ln m = 2 atanh s` (`s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`) by its series to `s⁹` (the next
/// term is below 10⁻⁹ of it).
#[inline(always)]
pub fn ln_1p(u: f64) -> f64 {
    const SQRT_HALF: u64 = 0x3fe6_a09e_667f_3bcd;
    const ONE: u64 = 0x3ff0_0000_0000_0000;
    let small = u * (1.0 - u * (1.0 / 2.0 - u * (1.0 / 3.0 - u * (1.0 / 4.0))));
    let w = 1.0 + u;
    // The exponent of w/√½ (so that m falls in [√½, √2)), and m.
    let shifted = w.to_bits().wrapping_add(ONE - SQRT_HALF);
    let m = f64::from_bits((shifted & 0x000f_ffff_ffff_ffff) + SQRT_HALF);
    // e as a float without an integer conversion: the 11 exponent bits as 2⁵² + bits.
    let e = f64::from_bits((shifted >> 52) | 0x4330_0000_0000_0000)
        - (4_503_599_627_370_496.0 + 1023.0);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0))));
    let ln_w = e * std::f64::consts::LN_2 + 2.0 * s * series;
    let t = if u < 1.0 / 1024.0 { small } else { ln_w };
    if u == f64::INFINITY { u } else { t }
}

/// One contour line: a level (in normalized units) and its polylines in world coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct ContourLine {
    /// The normalized level in `(0, 1)`.
    pub level: f64,
    /// Polylines, each a list of world points.
    pub paths: Vec<Vec<(f64, f64)>>,
}

/// How far (device pixels) a drawn contour may stray from the traced one: the points within
/// it are dropped ([`ContourLine::simplified`]).
pub const CONTOUR_TOLERANCE_PX: f64 = 0.25;

impl ContourLine {
    /// The line with the points dropped that lie within `tolerance` pixels of the rest, drawn
    /// at `scale` pixels per unit along x and y ([`crate::render::isolines::simplify`]).
    pub fn simplified(&self, scale: (f64, f64), tolerance: f64) -> ContourLine {
        ContourLine {
            level: self.level,
            paths: self
                .paths
                .iter()
                .map(|p| crate::render::isolines::simplify(p, scale, tolerance))
                .collect(),
        }
    }
}

/// The surface sampled over a view, ready to colour and to contour.
#[derive(Clone, Debug)]
pub struct Field {
    /// The surface sampled.
    pub surface: Surface,
    /// The region covered.
    pub view: View,
    /// How values map to colours.
    pub scaling: Scaling,
}

impl Field {
    /// The field of `surface` over `view`, with its colour scaling fitted to the view.
    pub fn new(surface: Surface, view: View) -> Field {
        let scaling = Scaling::fit(&surface, &view);
        Field {
            surface,
            view,
            scaling,
        }
    }

    /// `width × height` RGBA pixels, row 0 at the top (largest y), each pixel coloured by the
    /// viridis colour of the surface at its centre; where the surface is undefined (NaN, as a
    /// typed `ln(x)` for `x ≤ 0`), grey stripes ([`UNDEFINED`]), which no viridis colour is.
    ///
    /// A pixel's colour is viridis at `i/255`, `i` the value's [`Scaling::normalize`]d level
    /// `255·t` rounded to the nearest; the level is computed by a fast path (see
    /// [`Field::rgba_rows`]) that lands on that `i` or, within about 10⁻⁶ of a level's rounding
    /// boundary, on its neighbour: never more than one level off.
    pub fn rgba(&self, width: usize, height: usize) -> Vec<u8> {
        let mut buf = vec![255u8; width * height * 4];
        self.rgba_rows(width, height, 0, &mut buf);
        buf
    }

    /// Rows `first..` of [`Field::rgba`]'s `width × height` image, as many as `out` holds
    /// (`out.len() / (4 · width)` rows), written into `out` (alpha 255).
    ///
    /// Per row: the surface's values by [`Rows`] (bit for bit [`Surface::value`]), their
    /// colour levels in one loop without calls or branches (a log scaling's
    /// `ln(1 + u)` by [`ln_1p`], accurate to a few parts in 10⁹, far inside the 1/255 of a
    /// level), and one 32-bit write per pixel from a table of RGBA words.
    pub fn rgba_rows(&self, width: usize, height: usize, first: usize, out: &mut [u8]) {
        if width == 0 || height == 0 {
            return;
        }
        let words = rgba_words();
        let shade = Shade::new(&self.scaling);
        let xs: Vec<f64> = (0..width)
            .map(|c| self.view.pixel_center(c, 0, width, height)[0])
            .collect();
        let rows = Rows::new(&self.surface, xs);
        let (mut values, mut levels) = (Vec::with_capacity(width), vec![0u8; width]);
        let mut logs = Vec::with_capacity(width);
        for (row, line) in (first..height).zip(out.chunks_exact_mut(width * 4)) {
            let y = self.view.pixel_center(0, row, width, height)[1];
            rows.row(y, &mut values);
            shade.levels(&values, &mut logs, &mut levels);
            // A row without a NaN (every row of a built-in surface) is a look-up and a write
            // per pixel; one with some is striped where they are.
            if !values.iter().fold(false, |nan, f| nan | f.is_nan()) {
                for (px, &level) in line.chunks_exact_mut(4).zip(&levels) {
                    px.copy_from_slice(&words[usize::from(level)].to_le_bytes());
                }
                continue;
            }
            for (col, ((px, &f), &level)) in line
                .chunks_exact_mut(4)
                .zip(&values)
                .zip(&levels)
                .enumerate()
            {
                let k = if f.is_nan() {
                    256 + (col + row) / 6 % 2
                } else {
                    usize::from(level)
                };
                px.copy_from_slice(&words[k].to_le_bytes());
            }
        }
    }

    /// The contours a plot of this field draws on `width × height` pixels: 14 levels,
    /// traced on the finest grid the surface's cost affords up to `finest`
    /// ([`contour_resolution`]), each [`ContourLine::simplified`] to
    /// [`CONTOUR_TOLERANCE_PX`] at that size.
    pub fn drawn_contours(&self, finest: usize, width: usize, height: usize) -> Vec<ContourLine> {
        let v = &self.view;
        let scale = (
            width as f64 / (v.x_max - v.x_min),
            height as f64 / (v.y_max - v.y_min),
        );
        self.contours(14, contour_resolution(self.surface.eval_cost(), finest))
            .iter()
            .map(|c| c.simplified(scale, CONTOUR_TOLERANCE_PX))
            .collect()
    }

    /// Contour lines at `levels` evenly spaced normalized values, traced by marching squares
    /// on a `resolution × resolution` grid.
    pub fn contours(&self, levels: usize, resolution: usize) -> Vec<ContourLine> {
        let n = resolution.max(2);
        let v = &self.view;
        let (dx, dy) = (
            (v.x_max - v.x_min) / n as f64,
            (v.y_max - v.y_min) / n as f64,
        );
        // Grid value (i, j) is sampled at the centre of cell (i, j), counted from (x_min, y_min).
        let xs: Vec<f64> = (0..n).map(|i| v.x_min + (i as f64 + 0.5) * dx).collect();
        let rows = Rows::new(&self.surface, xs);
        let (mut values, mut row) = (Vec::with_capacity(n * n), Vec::with_capacity(n));
        for j in 0..n {
            rows.row(v.y_min + (j as f64 + 0.5) * dy, &mut row);
            values.extend(row.iter().map(|&f| self.scaling.normalize_fast(f)));
        }
        contour_lines(&values, (n, n), v, levels)
    }
}

/// Contour lines at `levels` evenly spaced normalized values (`k / (levels + 1)`, `k` from 1),
/// traced by marching squares ([`isolines`]) on a `cols × rows` grid of values already mapped
/// to `[0, 1]` over `view`: `values[i + j·cols]` is the value at the centre of cell `(i, j)`,
/// counted from `(x_min, y_min)` (row 0 at the bottom). The surface's [`Field::contours`] and the lab's
/// loss landscape ([`crate::render::lab::loss_contours`]) both trace theirs here.
///
/// A grid narrower than 2 cells either way has no lines.
///
/// # Panics
///
/// When `values` does not hold `cols × rows` values.
pub fn contour_lines(
    values: &[f64],
    (cols, rows): (usize, usize),
    view: &View,
    levels: usize,
) -> Vec<ContourLine> {
    if cols < 2 || rows < 2 {
        return Vec::new();
    }
    let v = view;
    let (dx, dy) = (
        (v.x_max - v.x_min) / cols as f64,
        (v.y_max - v.y_min) / rows as f64,
    );
    let thresholds: Vec<f64> = (1..=levels)
        .map(|k| k as f64 / (levels + 1) as f64)
        .collect();
    // Grid value (i, j) lies at (i + ½, j + ½) in the lines' grid coordinates.
    isolines(values, (cols, rows), &thresholds)
        .into_iter()
        .zip(thresholds)
        .map(|(lines, level)| ContourLine {
            level,
            paths: lines
                .into_iter()
                .map(|line| {
                    line.into_iter()
                        .map(|[x, y]| (x * dx + v.x_min, y * dy + v.y_min))
                        .collect()
                })
                .collect(),
        })
        .collect()
}

/// Evaluations of a Rosenbrock-class surface one frame can afford for a heatmap drawn in one
/// go: about a million pixels (a 1035² canvas), which is what every built-in surface costs at
/// full resolution.
pub const FRAME_UNITS: f64 = 1.2e6;

/// How much more a typed formula's point costs in a heatmap than its
/// [`Surface::eval_cost`] says: a built-in surface's rows run in a loop of their own
/// ([`crate::core::rows`], about five times the speed of one evaluation at a time), a
/// formula's tree walk about twice (BENCHMARKS.md, "Heatmap within a frame"), so a typed
/// Rosenbrock that took 15–28 ms at 1035² in one go is drawn coarse first and sharpened.
const TYPED_ROWS: f64 = 3.0;

/// Evaluations a coarse first picture may cost, an eighth of [`FRAME_UNITS`] (a few
/// milliseconds), when the full picture costs more than a frame.
pub const COARSE_UNITS: f64 = FRAME_UNITS / 8.0;

/// The finest grid a surface's contours are traced on.
pub const CONTOUR_RESOLUTION: usize = 160;

/// The contour grid a surface of [`Surface::eval_cost`] `cost` can afford, at most `finest`:
/// [`CONTOUR_RESOLUTION`] for a built-in one, coarser for a costly typed formula so that
/// tracing costs no more than [`COARSE_UNITS`] / 4, and never under 24 cells a side.
pub fn contour_resolution(cost: f64, finest: usize) -> usize {
    let afford = (COARSE_UNITS / 4.0 / cost.max(1.0)).sqrt() as usize;
    afford.clamp(24, finest.max(24))
}

/// A heatmap drawn coarse first and sharpened a few rows at a time, so a surface that costs
/// more than a frame (a long typed formula) never holds the page: its first picture, at a
/// power-of-two fraction of the resolution that fits [`COARSE_UNITS`], is computed at once,
/// then each finer level (half the factor) row by row in [`Heatmap::advance`], and shown when
/// complete, down to full resolution. A surface whose full picture fits [`FRAME_UNITS`] is
/// computed at full resolution at once (or at `min_factor`), as before.
#[derive(Clone, Debug)]
pub struct Heatmap {
    field: Field,
    width: usize,
    height: usize,
    /// The factor of the finest level wanted: 1, or 2 while a gesture goes on.
    min_factor: usize,
    /// The level being computed: its factor, rows done and pixels (empty when none is).
    factor: usize,
    row: usize,
    pixels: Vec<u8>,
    /// The finest complete level: its pixels, width and height.
    shown: (Vec<u8>, usize, usize),
}

impl Heatmap {
    /// The heatmap of `field` on `width × height` pixels, its first level computed: at
    /// `min_factor` (1 for full resolution) when that fits a frame for the surface's
    /// [`Surface::eval_cost`], else at the finest power of two whose picture fits
    /// [`COARSE_UNITS`].
    pub fn new(field: Field, width: usize, height: usize, min_factor: usize) -> Heatmap {
        let cost = match field.surface {
            Surface::Custom(_) => field.surface.eval_cost() * TYPED_ROWS,
            _ => field.surface.eval_cost(),
        };
        let first = first_factor(cost, width, height, min_factor);
        let (w, h) = scaled(width, height, first);
        let mut map = Heatmap {
            shown: (field.rgba(w, h), w, h),
            field,
            width,
            height,
            min_factor: min_factor.max(1),
            factor: first,
            row: 0,
            pixels: Vec::new(),
        };
        map.next_level();
        map
    }

    /// Starts the next finer level, or ends when the finest wanted is shown.
    fn next_level(&mut self) {
        if self.factor <= self.min_factor {
            self.pixels = Vec::new();
            return;
        }
        self.factor = (self.factor / 2).max(self.min_factor);
        self.row = 0;
        let (w, h) = scaled(self.width, self.height, self.factor);
        self.pixels = vec![255u8; w * h * 4];
    }

    /// Whether a finer level is still to come.
    pub fn pending(&self) -> bool {
        !self.pixels.is_empty()
    }

    /// Computes rows of the finer levels one at a time while `more()` says so (asked before
    /// each row: a clock's deadline on the page); whether a finer level completed, to show.
    pub fn advance(&mut self, mut more: impl FnMut() -> bool) -> bool {
        let mut sharper = false;
        while self.pending() && more() {
            let (w, h) = scaled(self.width, self.height, self.factor);
            let line = &mut self.pixels[self.row * w * 4..(self.row + 1) * w * 4];
            self.field.rgba_rows(w, h, self.row, line);
            self.row += 1;
            if self.row == h {
                self.shown = (std::mem::take(&mut self.pixels), w, h);
                sharper = true;
                self.next_level();
            }
        }
        sharper
    }

    /// The finest complete level: RGBA pixels, their width and height (the full size, or a
    /// fraction of it to be stretched over the plot).
    pub fn shown(&self) -> (&[u8], usize, usize) {
        (&self.shown.0, self.shown.1, self.shown.2)
    }

    /// The field drawn.
    pub fn field(&self) -> &Field {
        &self.field
    }
}

/// The first level's factor: `min_factor` when the picture there fits [`FRAME_UNITS`], else
/// the smallest power of two (not under `min_factor`) whose picture fits [`COARSE_UNITS`].
pub fn first_factor(cost: f64, width: usize, height: usize, min_factor: usize) -> usize {
    let units = |f: usize| {
        let (w, h) = scaled(width, height, f);
        (w * h) as f64 * cost.max(1.0)
    };
    let min_factor = min_factor.max(1);
    if units(min_factor) <= FRAME_UNITS {
        return min_factor;
    }
    let mut f = min_factor.next_power_of_two();
    while units(f) > COARSE_UNITS && f < width.max(height).max(1) {
        f *= 2;
    }
    f
}

/// `width × height` divided by `factor`, rounded up.
fn scaled(width: usize, height: usize, factor: usize) -> (usize, usize) {
    (width.div_ceil(factor), height.div_ceil(factor))
}
