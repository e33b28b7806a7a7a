//! The surface plot under the pointer: pixel ↔ world through one [`Viewport`], the start
//! point, probing, zoom and pan.

use super::*;

#[derive(Serialize)]
struct Probe {
    x: f64,
    y: f64,
    f: f64,
    gx: f64,
    gy: f64,
}

#[wasm_bindgen]
impl App {
    /// The surface plot's pixel rectangle and the view drawn there, as last drawn.
    fn port(&self) -> Viewport {
        Viewport::new(self.plot.clone(), self.view)
    }

    /// The world point under device pixel `(px, py)` of the surface canvases.
    fn world(&self, px: f64, py: f64) -> [f64; 2] {
        self.port().world(px, py)
    }

    /// Whether device pixel `(px, py)` lies on the plot, its edges included.
    pub fn on_plot(&self, px: f64, py: f64) -> bool {
        self.port().contains(px, py)
    }

    /// The plot's rectangle (the heatmap, inside the axes) in device pixels of the surface
    /// canvases, as last drawn: `[left, top, right, bottom]`. The layout tests check its size.
    pub fn plot_rect(&self) -> Vec<f64> {
        let (cols, rows) = &self.plot;
        [cols.start, rows.start, cols.end, rows.end]
            .map(f64::from)
            .to_vec()
    }

    /// The start point in device pixels of the surface canvases, as `[px, py]`.
    pub fn start_pixel(&self) -> Vec<f64> {
        self.pixel(self.scenario.start)
    }

    /// Where every shown run's path ends at the current step (its last finite point once it
    /// diverged), in device pixels of the surface canvases: `[px₀, py₀, px₁, py₁, …]`, in the
    /// order of the runs.
    pub fn run_pixels(&self) -> Vec<f64> {
        let step = self.scenario.step;
        self.scenario
            .runs
            .iter()
            .zip(&self.trajectories)
            .filter(|(entry, _)| !entry.hidden)
            .flat_map(|(_, t)| self.pixel(t.points[step.min(t.steps())]))
            .collect()
    }

    /// World point `[x, y]` in device pixels of the surface canvases, as `[px, py]`.
    fn pixel(&self, p: [f64; 2]) -> Vec<f64> {
        self.port().pixel(p).to_vec()
    }

    /// Moves the start point to the world point under device pixel `(px, py)` and
    /// re-simulates every run from there, keeping the animation's step.
    pub fn set_start_at(&mut self, px: f64, py: f64) -> Result<(), JsError> {
        let start = crate::state::scenario::check_start(self.world(px, py))?;
        self.settle_rates();
        self.scenario.start = start;
        Ok(self.resimulate_all()?)
    }

    /// Which runs' trails coincide on the plot, as last drawn, in a sentence for the page
    /// ([`crate::state::scenario::coincide_note`]); empty when none do.
    pub fn coinciding(&self) -> String {
        crate::state::scenario::coincide_note(&self.covered, self.lang)
    }

    /// The surface under device pixel `(px, py)` as JSON `{x, y, f, gx, gy}`.
    pub fn probe(&self, px: f64, py: f64) -> String {
        let p = self.world(px, py);
        let (f, g) = self.scenario.surface.value_and_gradient(p);
        json(&Probe {
            x: p[0],
            y: p[1],
            f,
            gx: g[0],
            gy: g[1],
        })
    }

    fn set_view(&mut self, view: View) -> Result<(), JsError> {
        view.check()?;
        self.scenario.view = Some(view);
        self.view = view;
        Ok(())
    }

    /// Zooms by `factor` (below 1 zooms in) about device pixel `(px, py)`, which stays put; a
    /// view beyond what can be shown ([`View::check`]) is refused with a message.
    pub fn zoom(&mut self, px: f64, py: f64, factor: f64) -> Result<(), JsError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Ok(());
        }
        self.set_view(self.view.zoomed(self.world(px, py), factor))
    }

    /// Moves the view with the pointer by `(dx, dy)` device pixels; a view beyond what can be
    /// shown is refused with a message.
    pub fn pan(&mut self, dx: f64, dy: f64) -> Result<(), JsError> {
        let (cols, rows) = &self.plot;
        let (w, h) = (cols.len() as f64, rows.len() as f64);
        self.set_view(self.view.panned(dx, dy, w, h))
    }

    /// Back to the surface's default view.
    pub fn reset_view(&mut self) {
        self.scenario.view = None;
        self.view = self.scenario.view();
    }
}
