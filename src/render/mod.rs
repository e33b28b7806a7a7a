//! Drawing: the surface field (heatmap and contours), trajectories and loss curves.
//!
//! Vector layers are drawn through plotters, generic over its `DrawingBackend`, so the same
//! code paints the browser canvas and any native backend; nothing here creates a backend.
//! The heatmap is computed as one RGBA buffer ([`field::Field::rgba`]) for the caller to put
//! on its target in one call, never one plotters call per pixel.

mod axes;
pub mod basin;
mod clip;
pub mod field;
#[cfg(not(target_arch = "wasm32"))]
pub mod fonts;
pub mod lab;
pub mod mesh;
pub mod plot;
pub mod plot3d;
pub mod scene;
pub mod theme;
pub mod viewport;

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
