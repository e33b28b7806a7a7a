//! The 3D view of the surface beside the plot, and its camera.

use super::*;

#[wasm_bindgen]
impl App {
    /// Shows the 3D view on `canvas`, or hides it when `None`.
    pub fn set_view3d(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.view3d = canvas;
    }

    /// Turns the 3D view by `dx`, `dy` device pixels of pointer motion (yaw and pitch) and
    /// scales it by `zoom` (1 keeps the size).
    pub fn rotate(&mut self, dx: f64, dy: f64, zoom: f64) {
        let c = self.camera;
        self.camera = Camera {
            yaw: c.yaw - dx * 0.01,
            pitch: c.pitch + dy * 0.01,
            scale: c.scale * zoom,
        }
        .clamped();
    }

    pub(super) fn paint_3d(&self) -> Result<(), JsError> {
        let Some(canvas) = &self.view3d else {
            return Ok(());
        };
        let area = backend(canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let series = self.series(false);
        let field = Field::new(self.scenario.surface.clone(), self.view);
        draw_surface_3d(&area, &field, &series, self.camera, &self.theme)?;
        Ok(area.present().map_err(draw_err)?)
    }
}
