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
pub const LAB_SCENES: [LabScene; 7] = [
    LabScene {
        id: "batch-sizes",
        title: "Batch, mini-batch and stochastic gradient descent",
        caption: "Three runs of gradient descent with the same learning rate on the same 64 \
              points: one uses every point in every step, one 8 points, one a single point. \
              The full batch's loss falls smoothly at every step; the smaller the batch, the \
              noisier the path and the loss, which keeps jumping around the minimum instead of \
              settling on it.",
        query: "model=linear&n=64&slope=2&intercept=1&noise=1&scale&seed=3&steps=200\
            &run=sgd;lr=0.2&run=sgd;lr=0.2;batch=8&run=sgd;lr=0.2;batch=1",
    },
    LabScene {
        id: "overfitting",
        title: "Overfitting, early stopping and L1/L2",
        caption: "A polynomial of degree 12 (13 parameters) on 10 noisy training points, 10 more \
                  held out: each run's training loss (solid) keeps falling, while its validation \
                  loss (dashed) reaches a lowest point, ringed where early stopping would stop, \
                  and then climbs. Set the L2 penalty to 0.003 and every validation curve \
                  flattens out near its lowest point (Adam's, which climbed most, lower than \
                  before); L1 at 0.005 lowers every run's lowest point.",
        query: "model=poly&n=20&noise=0.2&degree=12&l1=0&l2=0&val=0.5&seed=0&steps=1000\
                &run=sgd;lr=0.3&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "network-overfits",
        title: "A network learns its points by heart: L2 and dropout",
        caption: "32 hidden units on 20 noisy training points of two circles: the training loss \
                  falls towards 0, while the validation loss turns up after a few dozen steps \
                  and the gap between them grows. Set L2 to 0.003 and the gap shrinks to a \
                  fraction, the validation loss staying low; dropout at 0.3 narrows it too.",
        query: "model=mlp&n=40&data=circles&noise=0.5&hidden=32&dropout=0&l2=0&val=0.5&seed=0\
                &steps=1500&run=adam;lr=0.02",
    },
    LabScene {
        id: "xor-line",
        title: "XOR: no straight line will do",
        caption: "Logistic regression's boundary is a straight line, and on XOR every line gets \
                  about half the points wrong: from w = 0, where the data's symmetry leaves no \
                  gradient to follow, the loss stays at ln 2 ≈ 0.693 and half the points are \
                  right, whatever the optimizer. The scene \"XOR: a hidden layer bends the \
                  boundary\" trains the network on the same points.",
        query: "model=logistic&n=100&data=xor&separation=3&noise=0.5&seed=0&steps=300\
                &run=sgd;lr=0.5&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "xor-network",
        title: "XOR: a hidden layer bends the boundary",
        caption: "The same 100 XOR points as in \"XOR: no straight line will do\", now for a \
                  network of 8 tanh units (70 points train, 30 validate). Each run's loss falls \
                  from ln 2 to below a tenth of it, and every run classifies more than 95% of the \
                  points right, its decision regions wrapped around the four corners.",
        query: "model=mlp&n=100&data=xor&separation=3&noise=0.5&hidden=8&dropout=0&l2=0&val=0.3\
                &seed=0&steps=300&run=sgd;lr=0.5&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "mse-vs-cross-entropy",
        title: "Squared error against cross-entropy on confident mistakes",
        caption: "Logistic regression scored by the squared error (p − y)², started confidently \
                  wrong at w = (−3, −3): nearly every point gets the wrong class with p near 0 \
                  or 1. There σ′(z) = p(1 − p) is all but 0, so the gradient is over 100 times \
                  smaller than the cross-entropy's, and gradient descent crawls across a \
                  plateau for more than 100 steps before it gets 90% of the points right. \
                  Switch the loss to cross-entropy: from the same start it gets there within 10 \
                  steps.",
        query: "model=logistic&n=100&data=blobs&separation=3&noise=0.5&loss=mse&seed=0\
                &steps=300&start=-3,-3,0&run=sgd;lr=0.5",
    },
    LabScene {
        id: "feature-scaling",
        title: "Feature scaling: a narrow valley turned round",
        caption: "Unscaled, x runs from 0 to 10, and the squared error's valley over (w, b) is \
                  some 80 times more curved across than along: the rates the steep direction \
                  allows crawl along the floor, and after 100 steps every run is still more \
                  than 4% of its way from the least-squares ✕. Tick \"scale the feature\": the \
                  bowl turns round (curvature 2 every way), each run takes the default rate that \
                  suits it, and every run is within 1% of the ✕ by step 100.",
        query: "model=linear&n=50&slope=2&intercept=1&noise=1&seed=0&steps=300\
                &run=sgd;lr=0.01&run=momentum;lr=0.002&run=adam;lr=0.1",
    },
];

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
