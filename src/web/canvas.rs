//! The plotters backend every canvas of the pages is drawn with: plotters-canvas's, except
//! that text is measured by the canvas itself; and the same measuring around plotters' SVG
//! backend, for the SVG exports. Both are drawn on as a [`crate::render::backend::DynBackend`].
//!
//! plotters measures text on wasm32 by giving a `<span>` a `style` attribute, which the pages'
//! Content-Security-Policy refuses (no inline styles); the canvas's `measureText` needs none.

use plotters_backend::{BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use web_sys::CanvasRenderingContext2d;

/// A backend (by default a [`CanvasBackend`]) whose
/// [`estimate_text_size`](DrawingBackend::estimate_text_size) asks a canvas's 2D context.
pub(crate) struct Measured<B = CanvasBackend> {
    inner: B,
    context: CanvasRenderingContext2d,
}

impl<B: DrawingBackend> Measured<B> {
    /// Draws with `inner`, measuring text with `context` (the same canvas's, or any canvas's
    /// for a backend that has none).
    pub(crate) fn new(inner: B, context: CanvasRenderingContext2d) -> Measured<B> {
        Measured { inner, context }
    }
}

type Drawn<B> = Result<(), DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;

    crate::forward_drawing!();

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn<B> {
        self.inner.draw_text(text, style, pos)
    }

    /// The text's advance width from `measureText` in the font `draw_text` sets, and a line's
    /// height (1.2 × the font size, as the browser's `normal` line height for a span).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        self.context.save();
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self.context.measure_text(text).map(|m| m.width());
        self.context.restore();
        // Without a measurement, a rough advance of 0.6 em a character.
        let width = width.unwrap_or(0.6 * style.size() * text.chars().count() as f64);
        Ok((width.ceil() as u32, (1.2 * style.size()).ceil() as u32))
    }
}
