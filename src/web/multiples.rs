//! The small multiples: the first run with one thing varied, panel by panel, on one canvas.

use super::*;

/// One panel of the small multiples: the scenario's first run with one thing varied.
pub(super) struct Panel {
    surface: Surface,
    start: [f64; 2],
    label: String,
    trajectory: Trajectory,
}

/// The small multiples: panels, their canvas, and a cached backdrop of their surfaces.
#[derive(Default)]
pub(super) struct Multiples {
    panels: Vec<Panel>,
    canvas: Option<HtmlCanvasElement>,
    backdrop: Option<HtmlCanvasElement>,
    /// The canvas size the backdrop was painted for; `None` when it must be painted again.
    painted: Option<(u32, u32)>,
    /// Each panel's plot rectangle on the canvas and the view drawn there.
    rects: Vec<Viewport>,
    /// The step a hover picked, drawn in every panel.
    highlight: Option<usize>,
}

#[wasm_bindgen]
impl App {
    /// Builds the small multiples from the first run: `vary` is one of its hyperparameters
    /// (`lr`, `momentum`, `beta2`, …: `count` values from `lo` to `hi`, spaced evenly on the
    /// hyperparameter's [`crate::core::optim::Scale`]: log for rates and epsilons, log(1 − v) for
    /// momenta and decays, linear otherwise), `optimizer` (the
    /// first `count` optimizers, each at torch's defaults) or `surface` (the first `count`
    /// surfaces, each from its own start); 2 to 16 panels. Returns how many.
    pub fn set_multiples(
        &mut self,
        vary: &str,
        count: f64,
        lo: f64,
        hi: f64,
    ) -> Result<usize, JsError> {
        let count = whole_in(count, "panels", 2, 16)? as usize;
        let s = &self.scenario;
        let base = s.runs[0].spec.clone();
        let mut panels = Vec::new();
        let mut add =
            |surface: Surface, start, spec: RunSpec, label: String| -> Result<(), JsError> {
                let trajectory = simulate(&surface, &spec, start, s.steps)?;
                panels.push(Panel {
                    surface,
                    start,
                    label,
                    trajectory,
                });
                Ok(())
            };
        match vary {
            "optimizer" => {
                for kind in OptimizerKind::ALL.into_iter().take(count) {
                    let spec = RunSpec {
                        optimizer: RunConfig::new(kind),
                        ..base.clone()
                    };
                    let label = i18n::name(self.lang, "optimizer", kind.id(), kind.label());
                    add(s.surface.clone(), s.start, spec, label.to_owned())?;
                }
            }
            "surface" => {
                // A typed formula on screen is the first panel, from the start shown; then
                // the built-in surfaces from their own starts.
                let typed = s
                    .surface
                    .custom_formula()
                    .is_some()
                    .then(|| s.surface.clone());
                for surface in typed.into_iter().chain(Surface::all()).take(count) {
                    let (label, start) = match surface.custom_formula() {
                        Some(c) => (format!("f(x, y) = {}", c.text()), s.start),
                        None => {
                            let info = surface.info();
                            let name = i18n::name(self.lang, "surface", info.id, info.label);
                            (name.to_owned(), surface.default_start())
                        }
                    };
                    add(surface, start, base.clone(), label)?;
                }
            }
            name => {
                let Ok(param) = base.optimizer.param(name) else {
                    let names: Vec<&str> = base
                        .optimizer
                        .kind
                        .params()
                        .iter()
                        .map(|p| p.name)
                        .collect();
                    let names = names.join(", ");
                    return Err(
                        crate::err!("error.compare.vary", name = name, names = names).into(),
                    );
                };
                let values = match param.scale {
                    crate::core::optim::Scale::Log => {
                        crate::core::compare::log_space(lo, hi, count)
                    }
                    crate::core::optim::Scale::Linear => {
                        crate::core::compare::lin_space(lo, hi, count)
                    }
                    crate::core::optim::Scale::Decay => {
                        crate::core::compare::decay_space(lo, hi, count)
                    }
                }?;
                for v in values {
                    let mut spec = base.clone();
                    spec.optimizer.set(param.name, v)?;
                    let label = match param.scale {
                        crate::core::optim::Scale::Log => format!("{} = {v:.2e}", param.symbol),
                        _ => format!("{} = {}", param.symbol, short(v)),
                    };
                    add(s.surface.clone(), s.start, spec, label)?;
                }
            }
        }
        let n = panels.len();
        self.multiples.panels = panels;
        self.multiples.painted = None;
        self.multiples.highlight = None;
        Ok(n)
    }

    /// Shows the small multiples on `canvas`, or hides them when `None`.
    pub fn set_multiples_canvas(&mut self, canvas: Option<HtmlCanvasElement>) {
        self.multiples.canvas = canvas;
        self.multiples.painted = None;
    }

    /// Highlights, in every panel, the step of the point nearest to device pixel `(px, py)`
    /// in the panel under it (up to the current step); returns that step, if any.
    pub fn multiples_hover(&mut self, px: f64, py: f64) -> Option<usize> {
        let m = &self.multiples;
        let (i, port) = m
            .rects
            .iter()
            .enumerate()
            .find(|(_, port)| port.contains(px, py))?;
        let [x, y] = port.world(px, py);
        let t = &m.panels.get(i)?.trajectory;
        let last = self.scenario.step.min(t.steps());
        let k = (0..=last).min_by(|&a, &b| {
            let d = |k: usize| (t.points[k][0] - x).hypot(t.points[k][1] - y);
            d(a).total_cmp(&d(b))
        })?;
        self.multiples.highlight = Some(k);
        Some(k)
    }

    fn panel_areas<DB: DrawingBackend>(
        area: &DrawingArea<DB, plotters::coord::Shift>,
        n: usize,
    ) -> Vec<DrawingArea<DB, plotters::coord::Shift>> {
        // As many columns as keep the panels about square on this canvas's shape.
        let (w, h) = area.dim_in_pixel();
        let aspect = f64::from(w.max(1)) / f64::from(h.max(1));
        let cols = ((n as f64 * aspect).sqrt().round() as usize).clamp(1, n.max(1));
        let rows = n.div_ceil(cols);
        area.split_evenly((rows, cols))
            .into_iter()
            .take(n)
            .collect()
    }

    pub(super) fn paint_multiples(&mut self) -> Result<(), JsError> {
        let Some(canvas) = self.multiples.canvas.clone() else {
            return Ok(());
        };
        let n = self.multiples.panels.len();
        let size = (canvas.width(), canvas.height());
        let theme = Theme {
            font_px: 10.0,
            ..self.theme
        };
        if n > 0 && self.multiples.painted != Some(size) {
            let backdrop = self.scratch_canvas()?;
            backdrop.set_width(size.0);
            backdrop.set_height(size.1);
            let area = backend(&backdrop)?.into_drawing_area();
            area.fill(&PAGE).map_err(draw_err)?;
            let ctx = context(&backdrop)?;
            let mut rects = Vec::new();
            for (panel, sub) in self
                .multiples
                .panels
                .iter()
                .zip(Self::panel_areas(&area, n))
            {
                let base = panel.surface.default_view();
                let Viewport { cols, rows, view } = surface_frame(&sub, &base, &theme)?;
                let (w, h) = (cols.len(), rows.len());
                if w > 0 && h > 0 {
                    let field = Field::new(panel.surface.clone(), view);
                    let pixels = field.rgba(w, h);
                    let image = ImageData::new_with_u8_clamped_array_and_sh(
                        Clamped(&pixels),
                        w as u32,
                        h as u32,
                    )
                    .map_err(|_| crate::err!("error.draw.panel_image"))?;
                    ctx.put_image_data(&image, f64::from(cols.start), f64::from(rows.start))
                        .map_err(|_| crate::err!("error.draw.panel_put"))?;
                    let contours = field.contours(8, 60);
                    draw_surface_layer(&sub, &view, &contours, &panel.surface.minima(), &theme)?;
                    // The plot rectangle is in the whole canvas's pixels: label it there.
                    area.draw(&Text::new(
                        panel.label.clone(),
                        (cols.start + 6, rows.start + 4),
                        ("sans-serif", 12.0 * theme.dpr).into_font().color(&WHITE),
                    ))
                    .map_err(draw_err)?;
                }
                rects.push(Viewport::new((cols, rows), view));
            }
            area.present().map_err(draw_err)?;
            self.multiples.backdrop = Some(backdrop);
            self.multiples.rects = rects;
            self.multiples.painted = Some(size);
        }
        let ctx = context(&canvas)?;
        ctx.clear_rect(0.0, 0.0, f64::from(size.0), f64::from(size.1));
        if let Some(backdrop) = &self.multiples.backdrop {
            ctx.draw_image_with_html_canvas_element(backdrop, 0.0, 0.0)
                .map_err(|_| crate::err!("error.draw.panels"))?;
        }
        let step = self.scenario.step;
        let area = backend(&canvas)?.into_drawing_area();
        let m = &self.multiples;
        for ((panel, sub), Viewport { view, .. }) in m
            .panels
            .iter()
            .zip(Self::panel_areas(&area, n))
            .zip(&m.rects)
        {
            let t = &panel.trajectory;
            let k = step.min(t.steps());
            let series = [TrajectorySeries {
                label: &panel.label,
                color: rgb(0),
                points: &t.points[..=k],
                diverged: t.diverged_at.is_some_and(|d| d <= step),
                arrows: None,
            }];
            draw_trajectories(&sub, view, panel.start, &series, &theme)?;
            if let Some(h) = m.highlight.filter(|&h| h <= k) {
                let p = t.points[h];
                crate::render::plot::draw_marker(&sub, view, p, &theme)?;
            }
        }
        Ok(area.present().map_err(draw_err)?)
    }
}
