//! The quadratic theory beside a bowl, and the momentum rate map it draws: the surface page's
//! theory fold.

use super::*;

/// Where the momentum rate map was drawn: its plot rectangle and axis ranges.
#[derive(Clone)]
pub(super) struct RateRect {
    cols: Range<i32>,
    rows: Range<i32>,
    lrs: (f64, f64),
    momenta: (f64, f64),
}

#[wasm_bindgen]
impl App {
    pub(super) fn theory_of(&self) -> Option<crate::core::compare::QuadraticTheory> {
        crate::core::compare::quadratic_theory(&self.scenario.surface)
    }

    /// The quadratic theory of the current surface as JSON `{eigenvalues, eigenvectors,
    /// condition, gd_divergence_lr, gd_best_lr, gd_best_rate, heavy_ball_lr,
    /// heavy_ball_momentum, heavy_ball_rate}`, or `null` when its Hessian is not constant.
    pub fn theory(&self) -> String {
        json(&self.theory_of())
    }

    /// Shows or hides the theory: eigenvectors on the plot (the panel is the page's).
    pub fn set_theory(&mut self, on: bool) {
        self.scenario.theory = on;
    }

    /// Whether the theory is shown.
    pub fn theory_shown(&self) -> bool {
        self.scenario.theory
    }

    /// Shows the momentum rate map on `canvas`, or hides it when `None`.
    pub fn set_rate_map(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.rate_map = canvas;
        self.rate_rect = None;
    }

    /// The `[lr, momentum]` under device pixel `(px, py)` of the rate map, if it is on the map.
    pub fn rate_at(&self, px: f64, py: f64) -> Option<Vec<f64>> {
        let RateRect {
            cols,
            rows,
            lrs: (lo, hi),
            momenta: (mlo, mhi),
        } = self.rate_rect.clone()?;
        // The map's x axis is logarithmic: a viewport over log₁₀ of the rates.
        let port = Viewport::new((cols, rows), View::new(lo.log10(), hi.log10(), mlo, mhi));
        if !port.contains(px, py) {
            return None;
        }
        let [log_lr, momentum] = port.world(px, py);
        Some(vec![10f64.powf(log_lr), momentum])
    }

    pub(super) fn paint_rate_map(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.rate_map.clone() else {
            return Ok(());
        };
        let area = backend(&canvas)?.into_drawing_area();
        area.fill(&PAGE).map_err(draw_err)?;
        let Some(th) = self.theory_of() else {
            self.rate_rect = None;
            return Ok(area.present().map_err(draw_err)?);
        };
        // Learning rates from 1/1000 of the stable range to past divergence at μ = 0 and up to
        // where heavy ball diverges at any momentum (2(1 + μ)/λmax ≤ 4/λmax).
        let lrs = (th.gd_divergence_lr * 1e-3, th.gd_divergence_lr * 2.5);
        let momenta = (0.0, 0.995);
        let marks: Vec<(f64, f64, RGBColor)> = self
            .scenario
            .runs
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.hidden)
            .filter_map(|(i, e)| {
                let c = &e.spec.optimizer;
                let mu = match c.kind {
                    OptimizerKind::Sgd => 0.0,
                    OptimizerKind::Momentum => c.get("momentum").ok()?,
                    _ => return None,
                };
                Some((c.lr(), mu, rgb(i)))
            })
            .collect();
        let best = (th.heavy_ball_lr, th.heavy_ball_momentum);
        let ctx = context(&canvas)?;
        let mut rect = None;
        crate::render::plot::draw_rate_map(
            &area,
            lrs,
            momenta,
            &marks,
            best,
            &self.theme,
            |cols, rows| {
                let (w, h) = (cols.len(), rows.len());
                if w == 0 || h == 0 {
                    return Ok(());
                }
                let lut = crate::render::field::viridis_lut();
                let mut px = vec![255u8; w * h * 4];
                for (r, line) in px.chunks_exact_mut(w * 4).enumerate() {
                    let mu = momenta.1 - (r as f64 + 0.5) / h as f64 * (momenta.1 - momenta.0);
                    for (c, p) in line.chunks_exact_mut(4).enumerate() {
                        let f = (c as f64 + 0.5) / w as f64;
                        let lr = 10f64.powf(lrs.0.log10() + f * (lrs.1.log10() - lrs.0.log10()));
                        let rate = crate::core::compare::momentum_rate(th.eigenvalues, lr, mu);
                        // Fast convergence (small rate) bright, slow dark, divergence dark red.
                        let rgb = if rate < 1.0 {
                            lut[((1.0 - rate) * 255.0).clamp(0.0, 255.0) as usize]
                        } else {
                            [110, 20, 32]
                        };
                        p[..3].copy_from_slice(&rgb);
                    }
                }
                let image =
                    ImageData::new_with_u8_clamped_array_and_sh(Clamped(&px), w as u32, h as u32)
                        .map_err(|_| crate::err!("error.draw.rate_image"))?;
                ctx.put_image_data(&image, f64::from(cols.start), f64::from(rows.start))
                    .map_err(|_| crate::err!("error.draw.rate_put"))?;
                rect = Some((cols, rows));
                Ok(())
            },
        )?;
        self.rate_rect = rect.map(|(cols, rows)| RateRect {
            cols,
            rows,
            lrs,
            momenta,
        });
        Ok(area.present().map_err(draw_err)?)
    }
}
