//! The regression lab's one-click scenes: each a lab in its URL form that tells one story of
//! the course (batch against stochastic gradient descent, overfitting and its cures, mean
//! squared error against cross-entropy, …), with a caption of what to watch. As with the
//! surface page's stories ([`crate::state::presets`]), every caption's claim is checked
//! against the simulation by a test (`tests/lab_scenes.rs`).

use crate::state::lab::LabScenario;
use serde::Serialize;

/// A scene: a lab and what it shows.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LabScene {
    /// Identifier used in URLs (`scene=…`).
    pub id: &'static str,
    /// A few words for the menu.
    pub title: &'static str,
    /// Two or three sentences on what to watch.
    pub caption: &'static str,
    /// The lab, in its URL form (without `scene`).
    pub query: &'static str,
}

/// Every scene, in the order the page lists them.
pub const LAB_SCENES: [LabScene; 1] = [LabScene {
    id: "batch-sizes",
    title: "Batch, mini-batch and stochastic gradient descent",
    caption: "Three runs of gradient descent with the same learning rate on the same 64 \
              points: one uses every point in every step, one 8 points, one a single point. \
              The full batch's loss falls smoothly at every step; the smaller the batch, the \
              noisier the path and the loss, which keeps jumping around the minimum instead of \
              settling on it.",
    query: "model=linear&n=64&slope=2&intercept=1&noise=1&scale&seed=3&steps=200\
            &run=sgd;lr=0.2&run=sgd;lr=0.2;batch=8&run=sgd;lr=0.2;batch=1",
}];

/// The scene `id`, or the error listing the allowed ids.
pub fn scene(id: &str) -> Result<&'static LabScene, String> {
    LAB_SCENES.iter().find(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = LAB_SCENES.iter().map(|p| p.id).collect();
        format!(
            "unknown scene '{id}': allowed values are {}",
            ids.join(", ")
        )
    })
}

impl LabScene {
    /// The scene's lab, marked with the scene.
    ///
    /// # Panics
    ///
    /// When the scene's query is not a valid lab (`tests/lab_scenes.rs` loads every one).
    pub fn scenario(&self) -> LabScenario {
        let mut s = LabScenario::from_query(self.query).expect("every scene's query is valid");
        s.scene = Some(self.id.to_owned());
        s
    }
}
