//! The backend the render tests draw through: plotters is built without a font feature, so on
//! native targets drawing a glyph panics ("The font implementation is unable to draw text").
//! [`Probe`] forwards every shape to a `BitMapBackend` and records text instead of drawing it;
//! the pixels checked are those of the shapes alone.
//!
//! It measures text as a browser's canvas would draw it in a wide sans-serif face (DejaVu
//! Sans, which headless Chromium uses here, gives its digits 0.64 em): every character
//! [`Probe::EM_PER_CHAR`] em wide, a line 1.2 em high (the page's canvas backend,
//! `src/web/canvas.rs`, says the same of a line). Each text drawn is recorded with the box
//! it covers on the canvas ([`Label::bounds`]), from its anchor and rotation as the canvas
//! backend places it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{BackendCoord, BackendTextStyle, DrawingErrorKind, FontTransform};
use std::cell::RefCell;
use std::rc::Rc;

/// One text drawn: its words and the box it covers, `[x0, y0, x1, y1]` in pixels (y down).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The words.
    pub text: String,
    /// The box the text covers.
    pub bounds: [f64; 4],
    /// The font size in pixels.
    pub size: f64,
    /// Whether it was drawn turned a quarter (an axis title along y).
    pub turned: bool,
}

impl Label {
    /// Whether this box and `other` share more than `slack` pixels along both axes.
    pub fn overlaps(&self, other: &Label, slack: f64) -> bool {
        let [a0, b0, a1, b1] = self.bounds;
        let [c0, d0, c1, d1] = other.bounds;
        a1.min(c1) - a0.max(c0) > slack && b1.min(d1) - b0.max(d0) > slack
    }

    /// Whether this box lies within a `w × h` canvas, allowing `slack` pixels.
    pub fn inside(&self, (w, h): (u32, u32), slack: f64) -> bool {
        let [x0, y0, x1, y1] = self.bounds;
        x0 >= -slack && y0 >= -slack && x1 <= f64::from(w) + slack && y1 <= f64::from(h) + slack
    }
}

/// A backend drawing into a `BitMapBackend` that records text instead of drawing it.
pub struct Probe<'a> {
    /// Where the shapes go.
    pub inner: BitMapBackend<'a>,
    /// Every text drawn, in order.
    pub texts: Rc<RefCell<Vec<String>>>,
    /// Every text drawn with its box, in order.
    pub labels: Rc<RefCell<Vec<Label>>>,
    /// The width of a character, in em.
    pub em_per_char: f64,
}

impl<'a> Probe<'a> {
    /// The width of a character this probe measures, in em, unless told otherwise.
    pub const EM_PER_CHAR: f64 = 0.64;

    /// A probe drawing into `buffer` (`size` pixels, RGB), recording its texts in `texts`.
    pub fn new(buffer: &'a mut [u8], size: (u32, u32), texts: Rc<RefCell<Vec<String>>>) -> Self {
        Probe {
            inner: BitMapBackend::with_buffer(buffer, size),
            texts,
            labels: Rc::default(),
            em_per_char: Self::EM_PER_CHAR,
        }
    }

    /// The size of `text` at font size `size`: `(width, height)`.
    fn measure(&self, text: &str, size: f64) -> (f64, f64) {
        (
            (self.em_per_char * size * text.chars().count() as f64).ceil(),
            (1.2 * size).ceil(),
        )
    }
}

impl DrawingBackend for Probe<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    optiviz::forward_drawing!();

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.texts.borrow_mut().push(text.to_string());
        if style.color().alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        // The box in the text's own frame, about its anchor (the canvas's textAlign and
        // textBaseline), then turned as the canvas turns it (clockwise, y down).
        let (w, h) = self.measure(text, style.size());
        let anchor = style.anchor();
        let (l0, l1) = match anchor.h_pos {
            HPos::Left => (0.0, w),
            HPos::Center => (-w / 2.0, w / 2.0),
            HPos::Right => (-w, 0.0),
        };
        let (t0, t1) = match anchor.v_pos {
            VPos::Top => (0.0, h),
            VPos::Center => (-h / 2.0, h / 2.0),
            VPos::Bottom => (-h, 0.0),
        };
        let (x, y) = (f64::from(pos.0), f64::from(pos.1));
        let (bounds, turned) = match style.transform() {
            FontTransform::None => ([x + l0, y + t0, x + l1, y + t1], false),
            FontTransform::Rotate90 => ([x - t1, y + l0, x - t0, y + l1], true),
            FontTransform::Rotate180 => ([x - l1, y - t1, x - l0, y - t0], false),
            FontTransform::Rotate270 => ([x + t0, y - l1, x + t1, y - l0], true),
        };
        self.labels.borrow_mut().push(Label {
            text: text.to_string(),
            bounds,
            size: style.size(),
            turned,
        });
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (w, h) = self.measure(text, style.size());
        Ok((w as u32, h as u32))
    }
}
