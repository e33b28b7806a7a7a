//! The learning-rate sweep chart: a sweep's parts as the workers deliver them, its chart and
//! the clicks that load a rate into a run.

use super::*;

#[wasm_bindgen]
impl App {
    /// Starts a learning-rate sweep of [`SWEEP_RATES`](crate::core::compare::SWEEP_RATES)
    /// rates log-spaced over [`LR_RANGE`](crate::core::compare::LR_RANGE) and returns them:
    /// the page's workers compute it ([`jobs::sweep_rates`]) and hand each part to
    /// [`App::sweep_points`]. The chart shows what has arrived.
    pub fn begin_sweep(&mut self) -> Result<Vec<f64>, JsError> {
        use crate::core::compare::{LR_RANGE, SWEEP_RATES, log_space};
        let lrs = log_space(LR_RANGE.0, LR_RANGE.1, SWEEP_RATES)?;
        self.sweep = Some(SweepProgress::new(lrs.clone(), self.scenario.steps));
        Ok(lrs)
    }

    /// Records part of the sweep of run `run`: `cells` as [`jobs::sweep_rates`] returns
    /// them, for the rates from index `first` on.
    pub fn sweep_points(&mut self, run: usize, first: usize, cells: &[f64]) -> Result<(), JsError> {
        let sweep = self.sweep.as_mut();
        let sweep = sweep.ok_or_else(|| crate::err!("error.compare.no_sweep"))?;
        Ok(sweep.record(run, first, cells)?)
    }

    /// What the sweep chart's y axis shows: `loss` (the loss after the scenario's steps) or
    /// `steps` (the steps to reach 1e-6 of the minimum).
    pub fn set_sweep_metric(&mut self, metric: &str) -> Result<(), JsError> {
        self.sweep_metric = SweepMetric::from_name(metric)?;
        Ok(())
    }

    /// Shows the sweep chart on `canvas`, or hides it when `None`.
    pub fn set_sweep_canvas(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.sweep_canvas = canvas;
    }

    /// The sweep point nearest to device pixel `(px, py)` of the sweep chart, within 24
    /// pixels, as `[run index, learning rate]`: what a click loads into that run.
    pub fn sweep_pick(&self, px: f64, py: f64) -> Option<Vec<f64>> {
        let (frame, sweep) = (self.sweep_frame.as_ref()?, self.sweep.as_ref()?);
        let radius = 24.0 * self.theme.dpr;
        sweep
            .lines(self.sweep_metric)
            .into_iter()
            .flat_map(|(i, points)| {
                points.into_iter().filter_map(move |(lr, y)| {
                    frame.position(y?)?;
                    let (x, y) = frame.pixel(lr, y?);
                    Some(((x - px).hypot(y - py), i, lr))
                })
            })
            .filter(|(d, _, _)| *d <= radius)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, i, lr)| vec![i as f64, lr])
    }

    pub(super) fn paint_sweep(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.sweep_canvas.clone() else {
            return Ok(());
        };
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let Some(sweep) = &self.sweep else {
            return Ok(area.present().map_err(draw_err)?);
        };
        let lines = sweep.lines(self.sweep_metric);
        let series: Vec<crate::render::plot::SweepSeries<'_>> = lines
            .iter()
            .filter_map(|(i, points)| {
                let entry = self.scenario.runs.get(*i)?;
                Some(crate::render::plot::SweepSeries {
                    color: rgb(*i),
                    points,
                    current: entry.spec.optimizer.lr(),
                })
            })
            .collect();
        let lrs = (sweep.lrs[0] * 0.8, sweep.lrs[sweep.lrs.len() - 1] * 1.25);
        let axis = match self.sweep_metric {
            SweepMetric::Loss => crate::render::plot::SweepAxis::FinalLoss,
            SweepMetric::Steps => crate::render::plot::SweepAxis::Steps(sweep.steps),
        };
        let frame = crate::render::plot::draw_sweep(&area, &series, lrs, axis, &self.theme)?;
        self.sweep_frame = Some(frame);
        Ok(area.present().map_err(draw_err)?)
    }
}
