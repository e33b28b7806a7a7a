//! Painting the surface page's three canvases (background heatmap, trajectories, chart) and
//! the optional views, with the frame's timings.

use super::*;
use crate::render::scene::{Scene, adaptive};

/// What the background canvas shows, to know when it must be painted again.
#[derive(Clone, PartialEq)]
pub(super) struct Painted {
    width: u32,
    height: u32,
    surface: Surface,
    view: View,
    /// Whether the heatmap has one value per pixel (else one per 2 × 2, while panning).
    full: bool,
}

/// Milliseconds spent in each part of the last [`App::render`] (0 for a part not redone).
#[derive(Clone, Copy, Default, Serialize)]
pub(super) struct Timings {
    background: f64,
    foreground: f64,
    chart: f64,
}

/// Milliseconds of a frame [`App::render`] may spend sharpening a coarse heatmap.
const SHARPEN_MS: f64 = 8.0;

/// Milliseconds since the page loaded (the browser's monotonic clock).
pub(super) fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A new canvas element that is never put in the page.
pub(super) fn offscreen() -> Result<HtmlCanvasElement, JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        .ok_or_else(|| crate::err!("error.draw.offscreen").into())
}

#[wasm_bindgen]
impl App {
    /// Paints all three canvases at their current sizes. The background (a heatmap computed in
    /// Rust and put on the canvas in one call, then contours, axes and minima) is repainted only
    /// when the canvas size, the surface or the view changed.
    pub fn render(&mut self) -> Result<(), JsError> {
        if self.theme.font_px != Theme::font_for(self.scenario.large) {
            self.set_large(self.scenario.large);
        }
        let key = Painted {
            width: self.background.width(),
            height: self.background.height(),
            surface: self.scenario.surface.clone(),
            view: self.scenario.view(),
            full: !self.interacting,
        };
        let t0 = now();
        if self.painted.as_ref() != Some(&key) {
            self.heatmap = None;
            self.paint_background()?;
            self.painted = Some(key);
        } else if self.sharpen(t0 + SHARPEN_MS) {
            self.paint_background()?;
        }
        let t1 = now();
        self.paint_foreground()?;
        let t2 = now();
        self.paint_loss()?;
        self.paint_3d()?;
        self.paint_rate_map()?;
        self.paint_sweep()?;
        self.paint_multiples()?;
        self.timings = Timings {
            background: t1 - t0,
            foreground: t2 - t1,
            chart: now() - t2,
        };
        Ok(())
    }

    /// Whether the heatmap is still coarser than wanted and later frames will sharpen it: the
    /// page keeps asking for frames until it is not.
    pub fn sharpening(&self) -> bool {
        !self.interacting && self.heatmap.as_ref().is_some_and(|(map, _)| map.pending())
    }

    /// Marks a pan or zoom gesture as going on (`true`) or over (`false`): while it goes on
    /// the heatmap is recomputed at half resolution, so it can follow the pointer.
    pub fn set_interacting(&mut self, on: bool) {
        self.interacting = on;
    }

    fn scratch(&mut self) -> Result<HtmlCanvasElement, JsError> {
        if let Some(c) = &self.scratch {
            return Ok(c.clone());
        }
        let canvas = self.scratch_canvas()?;
        self.scratch = Some(canvas.clone());
        Ok(canvas)
    }

    /// A new off-screen canvas.
    pub(super) fn scratch_canvas(&self) -> Result<HtmlCanvasElement, JsError> {
        offscreen()
    }

    /// How long the last [`App::render`]'s parts took, as JSON
    /// `{background, foreground, chart}` in milliseconds (background is 0 when it was cached).
    pub fn timings(&self) -> String {
        json(&self.timings)
    }

    /// Sharpens a coarse heatmap until `deadline` (the page's clock); whether it became
    /// sharper, and the background must be painted again.
    fn sharpen(&mut self, deadline: f64) -> bool {
        if self.interacting {
            return false;
        }
        match &mut self.heatmap {
            Some((map, _)) => map.advance(|| now() < deadline),
            None => false,
        }
    }

    fn paint_background(&mut self) -> Result<(), JsError> {
        let area = backend(&self.background)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let base = self.scenario.view();
        let Viewport { cols, rows, view } = surface_frame(&area, &base, &self.theme)?;
        let (w, h) = (cols.len(), rows.len());
        if w == 0 || h == 0 {
            return Ok(());
        }
        let min_factor = if self.interacting { 2 } else { 1 };
        let (map, _) = self.heatmap.get_or_insert_with(|| {
            let field = Field::new(self.scenario.surface.clone(), view);
            let finest = if self.interacting {
                80
            } else {
                CONTOUR_RESOLUTION
            };
            let contours = field.drawn_contours(finest, w, h);
            (Heatmap::new(field, w, h, min_factor), contours)
        });
        let (pixels, iw, ih) = map.shown();
        let (x0, y0) = (f64::from(cols.start), f64::from(rows.start));
        let image =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), iw as u32, ih as u32)
                .map_err(|_| crate::err!("error.draw.heatmap_image"))?;
        let ctx = context(&self.background)?;
        if (iw, ih) == (w, h) {
            ctx.put_image_data(&image, x0, y0)
                .map_err(|_| crate::err!("error.draw.heatmap_put"))?;
        } else {
            // A coarser level, stretched over the plot (smoothed by the canvas).
            let scratch = self.scratch()?;
            scratch.set_width(iw as u32);
            scratch.set_height(ih as u32);
            context(&scratch)?
                .put_image_data(&image, 0.0, 0.0)
                .map_err(|_| crate::err!("error.draw.heatmap_draw"))?;
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                &scratch, x0, y0, w as f64, h as f64,
            )
            .map_err(|_| crate::err!("error.draw.heatmap_put"))?;
        }
        let (map, contours) = self.heatmap.as_ref().expect("made above");
        let minima = self.scenario.surface.minima();
        draw_surface_layer(&area, &map.field().view, contours, &minima, &self.theme)?;
        area.present().map_err(draw_err)?;
        self.view = view;
        self.plot = (cols, rows);
        Ok(())
    }

    /// The scene the page shows: its scenario and runs at the current step, in its look.
    pub(super) fn scene(&self) -> Scene<'_> {
        Scene {
            scenario: &self.scenario,
            trajectories: &self.trajectories,
            step: self.scenario.step,
            theme: self.theme,
        }
    }

    /// Every shown run up to the current step, as the plots draw it
    /// ([`Scene::series`]); with `arrows` (and the overlay on), the teaching overlay's step
    /// arrows at each head that has a next step.
    pub(super) fn series(&self, arrows: bool) -> Vec<TrajectorySeries<'_>> {
        let mut series = self
            .scene()
            .series(&|i, k| self.scaling(i, k).map(|s| s.scaled));
        if !arrows {
            series.iter_mut().for_each(|s| s.arrows = None);
        }
        series
    }

    /// How run `index`'s step from point `k` scaled each coordinate
    /// ([`crate::core::explain::scaling_at`] of step `k + 1`), for the step overlay; `None`
    /// for a method that does not scale coordinates, or at or past the run's last step.
    /// Replaying costs `k` steps, so the answer is kept until another run, step or setting is
    /// asked for.
    pub(super) fn scaling(&self, index: usize, k: usize) -> Option<Scaling> {
        let (entry, t) = (
            self.scenario.runs.get(index)?,
            self.trajectories.get(index)?,
        );
        if k >= t.steps() || !adaptive(entry.spec.optimizer.kind) {
            return None;
        }
        let s = &self.scenario;
        let key = ScalingKey {
            index,
            k,
            spec: entry.spec.clone(),
            start: s.start,
            surface: s.surface.clone(),
        };
        let mut memo = self.scalings.borrow_mut();
        if let Some((_, found)) = memo.iter().find(|(at, _)| *at == key) {
            return found.clone();
        }
        let found =
            crate::core::explain::scaling_at(&s.surface, &entry.spec, s.start, k + 1).ok()?;
        memo.retain(|(at, _)| at.index != index);
        memo.push((key, found.clone()));
        found
    }

    fn paint_foreground(&mut self) -> Result<(), JsError> {
        let (w, h) = (self.foreground.width(), self.foreground.height());
        context(&self.foreground)?.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        let series = self.series(self.scenario.overlay);
        let area = backend(&self.foreground)?.into_drawing_area();
        let cover =
            draw_trajectories(&area, &self.view, self.scenario.start, &series, &self.theme)?;
        // Series are the shown runs in order: back to run numbers.
        let shown: Vec<usize> = (0..self.scenario.runs.len())
            .filter(|&i| !self.scenario.runs[i].hidden)
            .collect();
        self.covered = cover
            .iter()
            .enumerate()
            .filter_map(|(k, c)| c.map(|j| (shown[k], shown[j])))
            .collect();
        if let (true, Some(th)) = (self.scenario.theory, self.theory_of()) {
            let center = self
                .scenario
                .surface
                .minima()
                .first()
                .map_or([0.0, 0.0], |m| [m[0], m[1]]);
            let eigen = [
                (th.eigenvectors[0], th.eigenvalues[0]),
                (th.eigenvectors[1], th.eigenvalues[1]),
            ];
            crate::render::plot::draw_eigenvectors(&area, &self.view, center, eigen, &self.theme)?;
        }
        Ok(area.present().map_err(draw_err)?)
    }

    fn paint_loss(&self) -> Result<(), JsError> {
        let area = backend(&self.loss)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        self.scene().draw_chart(&area)?;
        Ok(area.present().map_err(draw_err)?)
    }
}

/// What a kept [`App::scaling`] was computed for.
#[derive(PartialEq)]
pub(super) struct ScalingKey {
    index: usize,
    k: usize,
    spec: RunSpec,
    start: [f64; 2],
    surface: Surface,
}
