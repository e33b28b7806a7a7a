//! The font native pictures are drawn in (`optiviz render`, the native tests): DejaVu Sans,
//! shipped in `assets/fonts` with its licence and compiled in, so that a picture is the same
//! on every machine, whatever fonts it has. The page's pictures use the browser's fonts.

use ab_glyph::{Font, FontRef, ScaleFont, point};
use plotters::style::{FontStyle, register_font};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::Once;

/// DejaVu Sans (Book), from Debian's fonts-dejavu-core; licence in `assets/fonts/LICENSE`.
pub const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers [`DEJAVU_SANS`] with plotters under every family [`super::Theme::font`] names,
/// once per process ([`super::Theme::font`] calls it).
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in ["sans-serif", super::theme::CJK_FONTS] {
            // The bytes are a valid font (a test draws text with it).
            let _ = register_font(family, FontStyle::Normal, DEJAVU_SANS);
        }
    });
}

/// A plotters backend drawing text itself in [`DEJAVU_SANS`], every glyph at its own place
/// (plotters' ab_glyph text drops each glyph's side bearing, so "Gradient" reads "Gradi ent"),
/// antialiased, anchored and rotated as plotters asks; everything else is `inner`'s. The
/// text box is plotters' ab_glyph box (the advances, kerning included, by `size / 1.24`
/// high), so layout measured through plotters and text drawn here agree; capitals are
/// centred in it.
pub struct Typeset<B> {
    inner: B,
    font: FontRef<'static>,
}

impl<B: DrawingBackend> Typeset<B> {
    /// `inner`, drawing its text in [`DEJAVU_SANS`].
    pub fn new(inner: B) -> Typeset<B> {
        Typeset {
            inner,
            font: FontRef::try_from_slice(DEJAVU_SANS).expect("the shipped font parses"),
        }
    }

    /// `text`'s advance width at `size`, kerning included.
    fn advance(&self, text: &str, size: f64) -> f32 {
        let font = self.font.as_scaled(size as f32);
        let mut width = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            previous = Some(id);
        }
        width
    }
}

type Drawn<B> = Result<(), DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

impl<B: DrawingBackend> DrawingBackend for Typeset<B> {
    type ErrorType = B::ErrorType;

    crate::forward_drawing!();

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        Ok((self.advance(text, size).ceil() as u32, (size / 1.24) as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn<B> {
        let color = style.color();
        if color.alpha == 0.0 || !style.size().is_finite() {
            return Ok(());
        }
        let size = style.size();
        let font = self.font.as_scaled(size as f32);
        let width = self.advance(text, size);
        let height = (size / 1.24) as f32;
        let cap = font
            .outline_glyph(font.scaled_glyph('H'))
            .map_or(0.7 * height, |g| -g.px_bounds().min.y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        let baseline = dy + (height + cap) / 2.0;
        let transform = style.transform();
        let (w, h) = self.get_size();
        let mut caret = dx;
        let mut previous = None;
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                caret += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(size as f32, point(caret, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|x, y, coverage| {
                    let lx = bounds.min.x as i32 + x as i32;
                    let ly = bounds.min.y as i32 + y as i32;
                    pixels.push((lx, ly, coverage));
                });
            }
            caret += font.h_advance(id);
            previous = Some(id);
        }
        for (lx, ly, coverage) in pixels {
            let (x, y) = transform.transform(lx, ly);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 && coverage > 0.0 {
                let c = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((x, y), c)?;
            }
        }
        Ok(())
    }
}
