//! Drawing: the surface field (heatmap and contours), trajectories and loss curves.
//!
//! Vector layers are drawn through plotters, generic over its `DrawingBackend`, so the same
//! code paints the browser canvas and any native backend; nothing here creates a backend. The
//! page draws on every backend through one type, [`backend::DynBackend`], so that code is
//! compiled once in the wasm.
//! The heatmap is computed as one RGBA buffer ([`field::Field::rgba`]) for the caller to put
//! on its target in one call, never one plotters call per pixel.

mod axes;
pub mod backend;
pub mod basin;
mod clip;
pub mod field;
#[cfg(not(target_arch = "wasm32"))]
pub mod fonts;
pub mod isolines;
pub mod lab;
pub mod mesh;
pub mod plot;
pub mod plot3d;
pub mod scene;
pub mod theme;
pub mod viewport;

/// Inside `impl DrawingBackend for Wrapper` (a backend around another, held in its field
/// `inner`): every method that passes straight to `inner`, all but text's
/// (`draw_text`, `estimate_text_size`), which such a wrapper exists to change, and its own
/// `type ErrorType`. Three wrappers use it: the pages' canvases and SVG exports measuring text
/// with the canvas (`web::canvas`), the native figures' typesetting (`render::fonts`, native
/// only) and the tests' text recorder.
#[macro_export]
macro_rules! forward_drawing {
    () => {
        fn get_size(&self) -> (u32, u32) {
            self.inner.get_size()
        }

        fn ensure_prepared(
            &mut self,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.ensure_prepared()
        }

        fn present(&mut self) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.present()
        }

        fn draw_pixel(
            &mut self,
            point: ::plotters_backend::BackendCoord,
            color: ::plotters_backend::BackendColor,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_pixel(point, color)
        }

        fn draw_line<S: ::plotters_backend::BackendStyle>(
            &mut self,
            from: ::plotters_backend::BackendCoord,
            to: ::plotters_backend::BackendCoord,
            style: &S,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_line(from, to, style)
        }

        fn draw_rect<S: ::plotters_backend::BackendStyle>(
            &mut self,
            upper_left: ::plotters_backend::BackendCoord,
            bottom_right: ::plotters_backend::BackendCoord,
            style: &S,
            fill: bool,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_rect(upper_left, bottom_right, style, fill)
        }

        fn draw_path<
            S: ::plotters_backend::BackendStyle,
            I: IntoIterator<Item = ::plotters_backend::BackendCoord>,
        >(
            &mut self,
            path: I,
            style: &S,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_path(path, style)
        }

        fn draw_circle<S: ::plotters_backend::BackendStyle>(
            &mut self,
            center: ::plotters_backend::BackendCoord,
            radius: u32,
            style: &S,
            fill: bool,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.draw_circle(center, radius, style, fill)
        }

        fn fill_polygon<
            S: ::plotters_backend::BackendStyle,
            I: IntoIterator<Item = ::plotters_backend::BackendCoord>,
        >(
            &mut self,
            vert: I,
            style: &S,
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.fill_polygon(vert, style)
        }

        fn blit_bitmap(
            &mut self,
            pos: ::plotters_backend::BackendCoord,
            size: (u32, u32),
            src: &[u8],
        ) -> Result<(), ::plotters_backend::DrawingErrorKind<Self::ErrorType>> {
            self.inner.blit_bitmap(pos, size, src)
        }
    };
}

pub use field::{Field, Scaling};
pub use plot::{
    Line, MetricSeries, StepArrows, TrajectorySeries, covered_by, draw_metric, draw_plane_layer,
    draw_surface_layer, draw_trajectories,
};
pub use plot3d::{Camera, draw_surface_3d};
pub use theme::Theme;

/// Colours of runs, in order: bright hues that stay legible over the whole viridis range
/// (every line is also drawn over a dark halo).
pub const RUN_COLORS: [(u8, u8, u8); 8] = [
    (255, 82, 82),
    (0, 209, 255),
    (255, 255, 255),
    (255, 149, 0),
    (52, 199, 89),
    (217, 120, 255),
    (255, 45, 149),
    (170, 255, 0),
];

/// The colour of run `index`, as `#rrggbb`, cycling through [`RUN_COLORS`].
pub fn run_color_hex(index: usize) -> String {
    let (r, g, b) = RUN_COLORS[index % RUN_COLORS.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}
