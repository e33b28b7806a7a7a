//! One drawing backend type for any backend: [`DynBackend`] draws through an object-safe
//! [`ObjectBackend`], so the drawing code (generic over plotters' `DrawingBackend`, with
//! plotters' charts, meshes and series under it) is compiled once for every backend it serves.
//!
//! The page draws its canvases and its SVG exports on it: with a type per backend the wasm held
//! the drawing code the export reaches twice, 9 to 10 KiB gzipped (BENCHMARKS.md, "One drawing
//! backend: the drawing code compiled once"). A stroke costs one virtual call more, and a path
//! one per point: its points are passed on as they are produced, never collected.

use plotters::style::{FontDesc, FontError};
use plotters_backend::text_anchor::Pos;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};
use std::error::Error;
use std::fmt;

/// A drawing backend's error, kept as its text (what [`super::plot::draw_err`] reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError(pub String);

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for BackendError {}

/// What [`ObjectBackend`]'s drawing methods return.
pub type Drawn<T = ()> = Result<T, DrawingErrorKind<BackendError>>;

/// `e` with its backend error as a [`BackendError`] (its text as written); a font error
/// passes as it is.
fn erase<E: Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<BackendError> {
    match e {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(BackendError(e.to_string()))
        }
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// A shape's style as a backend reads it: its colour and stroke width.
#[derive(Clone, Copy)]
pub struct Stroke {
    /// The colour, with its opacity.
    pub color: BackendColor,
    /// The stroke width in pixels.
    pub width: u32,
}

impl Stroke {
    /// What a backend reads of `style`.
    pub fn of<S: BackendStyle>(style: &S) -> Stroke {
        Stroke {
            color: style.color(),
            width: style.stroke_width(),
        }
    }
}

impl BackendStyle for Stroke {
    fn color(&self) -> BackendColor {
        self.color
    }

    fn stroke_width(&self) -> u32 {
        self.width
    }
}

/// A text style as a backend reads it: family, slant or weight, size, colour, anchor and
/// rotation. A backend that rasterizes text itself (plotters' bitmap) has it laid out and
/// drawn by plotters' fonts, as plotters' own text style would be.
#[derive(Clone)]
pub struct Lettering<'a> {
    /// The font family.
    pub family: FontFamily<'a>,
    /// Normal, bold, italic or oblique.
    pub style: FontStyle,
    /// The size in pixels (plotters' font size).
    pub size: f64,
    /// The colour, with its opacity.
    pub color: BackendColor,
    /// Which point of the text the position given with it is.
    pub anchor: Pos,
    /// The rotation.
    pub transform: FontTransform,
}

impl<'a> Lettering<'a> {
    /// What a backend reads of `style`.
    pub fn of<S: BackendTextStyle>(style: &'a S) -> Lettering<'a> {
        Lettering {
            family: style.family(),
            style: style.style(),
            size: style.size(),
            color: style.color(),
            anchor: style.anchor(),
            transform: style.transform(),
        }
    }

    /// The font plotters lays out and rasterizes this text in.
    fn font(&self) -> FontDesc<'a> {
        FontDesc::new(self.family, self.size, self.style)
    }
}

impl BackendTextStyle for Lettering<'_> {
    type FontError = FontError;

    fn color(&self) -> BackendColor {
        self.color
    }

    fn size(&self) -> f64 {
        self.size
    }

    fn transform(&self) -> FontTransform {
        self.transform.clone()
    }

    fn style(&self) -> FontStyle {
        self.style
    }

    fn anchor(&self) -> Pos {
        self.anchor
    }

    fn family(&self) -> FontFamily<'_> {
        self.family
    }

    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), FontError> {
        self.font().layout_box(text)
    }

    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        mut draw: F,
    ) -> Result<Result<(), E>, FontError> {
        let color = self.color;
        self.font().draw(text, pos, move |x, y, a| {
            draw(x, y, color.mix(f64::from(a)))
        })
    }
}

/// plotters' `DrawingBackend` with its styles made concrete ([`Stroke`], [`Lettering`]), its
/// paths passed as iterators of points and its errors as [`BackendError`]: a trait a
/// `dyn` can stand for. Every `DrawingBackend` is one; [`DynBackend`] draws through one.
pub trait ObjectBackend {
    /// The drawing's size in pixels.
    fn size(&self) -> (u32, u32);
    /// Readies the backend to draw.
    fn ensure_prepared(&mut self) -> Drawn;
    /// Shows (or writes) what was drawn.
    fn present(&mut self) -> Drawn;
    /// One pixel.
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn;
    /// A line from `from` to `to`.
    fn draw_line(&mut self, from: BackendCoord, to: BackendCoord, stroke: &Stroke) -> Drawn;
    /// A rectangle, its outline or `fill`ed.
    fn draw_rect(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        stroke: &Stroke,
        fill: bool,
    ) -> Drawn;
    /// A path through `path`'s points.
    fn draw_path(&mut self, path: &mut dyn Iterator<Item = BackendCoord>, stroke: &Stroke)
    -> Drawn;
    /// A circle, its outline or `fill`ed.
    fn draw_circle(
        &mut self,
        center: BackendCoord,
        radius: u32,
        stroke: &Stroke,
        fill: bool,
    ) -> Drawn;
    /// The polygon through `vert`'s points, filled.
    fn fill_polygon(
        &mut self,
        vert: &mut dyn Iterator<Item = BackendCoord>,
        stroke: &Stroke,
    ) -> Drawn;
    /// `text` at `pos`.
    fn draw_text(&mut self, text: &str, style: &Lettering<'_>, pos: BackendCoord) -> Drawn;
    /// `text`'s size, as this backend would draw it.
    fn estimate_text_size(&self, text: &str, style: &Lettering<'_>) -> Drawn<(u32, u32)>;
    /// An RGB image `size` pixels large at `pos`.
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn;
}

impl<B: DrawingBackend> ObjectBackend for B {
    fn size(&self) -> (u32, u32) {
        self.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        DrawingBackend::ensure_prepared(self).map_err(erase)
    }

    fn present(&mut self) -> Drawn {
        DrawingBackend::present(self).map_err(erase)
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        DrawingBackend::draw_pixel(self, point, color).map_err(erase)
    }

    fn draw_line(&mut self, from: BackendCoord, to: BackendCoord, stroke: &Stroke) -> Drawn {
        DrawingBackend::draw_line(self, from, to, stroke).map_err(erase)
    }

    fn draw_rect(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        stroke: &Stroke,
        fill: bool,
    ) -> Drawn {
        DrawingBackend::draw_rect(self, upper_left, bottom_right, stroke, fill).map_err(erase)
    }

    fn draw_path(
        &mut self,
        path: &mut dyn Iterator<Item = BackendCoord>,
        stroke: &Stroke,
    ) -> Drawn {
        DrawingBackend::draw_path(self, path, stroke).map_err(erase)
    }

    fn draw_circle(
        &mut self,
        center: BackendCoord,
        radius: u32,
        stroke: &Stroke,
        fill: bool,
    ) -> Drawn {
        DrawingBackend::draw_circle(self, center, radius, stroke, fill).map_err(erase)
    }

    fn fill_polygon(
        &mut self,
        vert: &mut dyn Iterator<Item = BackendCoord>,
        stroke: &Stroke,
    ) -> Drawn {
        DrawingBackend::fill_polygon(self, vert, stroke).map_err(erase)
    }

    fn draw_text(&mut self, text: &str, style: &Lettering<'_>, pos: BackendCoord) -> Drawn {
        DrawingBackend::draw_text(self, text, style, pos).map_err(erase)
    }

    fn estimate_text_size(&self, text: &str, style: &Lettering<'_>) -> Drawn<(u32, u32)> {
        DrawingBackend::estimate_text_size(self, text, style).map_err(erase)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        DrawingBackend::blit_bitmap(self, pos, size, src).map_err(erase)
    }
}

/// Any backend, boxed as an [`ObjectBackend`]: one `DrawingBackend` type, so the code drawing
/// on it is compiled once whatever backend it draws on. It draws exactly what the backend
/// inside would have drawn, given the same calls.
pub struct DynBackend<'a> {
    inner: Box<dyn ObjectBackend + 'a>,
}

impl<'a> DynBackend<'a> {
    /// Draws on `backend`.
    pub fn new<B: DrawingBackend + 'a>(backend: B) -> DynBackend<'a> {
        DynBackend {
            inner: Box::new(backend),
        }
    }
}

impl DrawingBackend for DynBackend<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Drawn {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        self.inner.draw_line(from, to, &Stroke::of(style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.inner
            .draw_rect(upper_left, bottom_right, &Stroke::of(style), fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        self.inner
            .draw_path(&mut path.into_iter(), &Stroke::of(style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.inner
            .draw_circle(center, radius, &Stroke::of(style), fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        self.inner
            .fill_polygon(&mut vert.into_iter(), &Stroke::of(style))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        self.inner.draw_text(text, &Lettering::of(style), pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Drawn<(u32, u32)> {
        self.inner.estimate_text_size(text, &Lettering::of(style))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        self.inner.blit_bitmap(pos, size, src)
    }
}
