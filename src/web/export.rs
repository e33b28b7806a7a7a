//! What the surface page exports as files: every run's trajectory as CSV and JSON (the
//! trajectories drawn, in `optiviz trace`'s forms) and the scenario as a JSON file that
//! `optiviz runs --scenario` reads back, and the steps of the race's video. The pictures as
//! PNG and the video (WebM) are the canvases themselves (www/export.js); as SVG, the plot and
//! the chart are drawn again by the same code ([`crate::render::scene`]) into plotters' SVG
//! backend, with the legend under them, on the canvases' one backend type ([`DynBackend`]).

use super::*;
use crate::core::trace::{Trace, runs_csv};
use crate::render::scene::{Backdrop, Panels, Raster, draw_figure, legend_height, svg_with_raster};
use canvas::Measured;
use plotters::prelude::SVGBackend;

impl App {
    /// Each run's trace, as drawn: the trajectory simulated for the page.
    fn traces(&self) -> Vec<Trace> {
        let s = &self.scenario;
        s.runs
            .iter()
            .zip(&self.trajectories)
            .map(|(entry, t)| Trace::of(s.surface.clone(), entry.spec.clone(), s.start, s.steps, t))
            .collect()
    }

    /// `panels` of the scene as an SVG `width` wide, its pictures `height` tall and the legend
    /// under them (text measured by the page's canvas, as on screen); the plot's heatmap and
    /// contours are the ones on screen (`backdrop`), the heatmap one embedded PNG image.
    fn svg(
        &self,
        panels: Panels,
        (width, height): (u32, u32),
        backdrop: Option<Backdrop>,
    ) -> Result<String, JsError> {
        let scene = self.scene();
        let measure = context(&self.loss)?;
        let mut scratch = String::new();
        let legend = {
            let probe = DynBackend::new(Measured::new(
                SVGBackend::with_string(&mut scratch, (width, height)),
                measure.clone(),
            ));
            legend_height(&probe.into_drawing_area(), &scene, width)
        };
        let size = (width, height + legend);
        let mut text = String::new();
        let mut backdrop = backdrop;
        {
            let root = DynBackend::new(Measured::new(
                SVGBackend::with_string(&mut text, size),
                measure,
            ))
            .into_drawing_area();
            let scaled = |i, k| self.scaling(i, k).map(|s| s.scaled);
            draw_figure(&root, &scene, panels, &mut backdrop, false, &scaled)?;
            root.present().map_err(draw_err)?;
        }
        let Some(raster) = backdrop.map(|b| b.raster) else {
            return Ok(svg_with_raster(&text, None, None));
        };
        // The heatmap as a PNG data URL, through a canvas (the browser's encoder).
        let canvas = self.scratch_canvas()?;
        canvas.set_width(raster.width as u32);
        canvas.set_height(raster.height as u32);
        let image = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&raster.rgba),
            raster.width as u32,
            raster.height as u32,
        )
        .map_err(|_| crate::err!("error.draw.heatmap_image"))?;
        context(&canvas)?
            .put_image_data(&image, 0.0, 0.0)
            .map_err(|_| crate::err!("error.draw.heatmap_put"))?;
        let url = canvas
            .to_data_url()
            .map_err(|_| crate::err!("error.draw.heatmap_put"))?;
        Ok(svg_with_raster(&text, Some(&raster), Some(&url)))
    }
}

#[wasm_bindgen]
impl App {
    /// Every run's trajectory as CSV, `run,optimizer,step,x,y,loss`
    /// ([`crate::core::trace::runs_csv`]): `optiviz runs --link` prints it for the page's
    /// link, and `--run k` run `k`'s rows as `optiviz trace` writes them.
    pub fn trajectories_csv(&mut self) -> String {
        self.finish_runs();
        runs_csv(&self.traces())
    }

    /// Every run's trace as a JSON array of `optiviz trace --format json` documents.
    pub fn trajectories_json(&mut self) -> String {
        self.finish_runs();
        serde_json::to_string_pretty(&self.traces()).expect("traces hold only finite numbers")
    }

    /// The scenario as the JSON file `optiviz runs --scenario FILE` reads back
    /// ([`crate::state::file`]).
    pub fn scenario_json(&self) -> String {
        crate::state::file::to_json(&self.scenario)
    }

    /// The plot (heatmap, contours, minima, every shown run's trail up to the current step)
    /// as an SVG document at the canvas's pixel size, the legend under it: plotters' SVG
    /// backend drawing what the canvases show, the heatmap on screen as one embedded PNG.
    pub fn surface_svg(&mut self) -> Result<String, JsError> {
        self.finish_runs();
        let Some((map, contours)) = &self.heatmap else {
            return Err(crate::err!("error.draw.heatmap_image").into());
        };
        let (pixels, width, height) = map.shown();
        let (cols, rows) = self.plot.clone();
        let backdrop = Backdrop {
            viewport: Viewport::new((cols.clone(), rows.clone()), self.view),
            contours: contours.clone(),
            raster: Raster {
                cols,
                rows,
                width,
                height,
                rgba: pixels.to_vec(),
            },
        };
        let size = (self.background.width(), self.background.height());
        self.svg(Panels::Plot, size, Some(backdrop))
    }

    /// The chart (the chosen quantity against step, the current step's cursor) as an SVG
    /// document at the canvas's pixel size, the legend under it.
    pub fn chart_svg(&mut self) -> Result<String, JsError> {
        self.finish_runs();
        self.svg(Panels::Chart, (self.loss.width(), self.loss.height()), None)
    }

    /// The step each frame of the race's WebM video shows ([`crate::state::video::frame_steps`]):
    /// from 0 to the last step any run reaches, at the page's speed, played at
    /// [`crate::state::video::FPS`].
    pub fn video_steps(&mut self) -> Vec<u32> {
        self.finish_runs();
        crate::state::video::frame_steps(self.last_step(), self.scenario.speed)
            .into_iter()
            .map(|k| k as u32)
            .collect()
    }
}
