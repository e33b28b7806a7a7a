//! The regression lab's one-click scenes: each a lab in its URL form that tells one story of
//! the course (batch against stochastic gradient descent, overfitting and its cures, mean
//! squared error against cross-entropy, …), with a caption of what to watch. As with the
//! surface page's stories ([`crate::state::presets`]), every caption's claim is checked
//! against the simulation by a test (`tests/lab_scenes.rs`).

use crate::err;
use crate::error::Error;
use crate::i18n::Lang;
use crate::state::lab::LabScenario;
use crate::state::words;
use serde::Serialize;

/// A scene: a lab and what it shows.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LabScene {
    /// Identifier used in URLs (`scene=…`).
    pub id: &'static str,
    /// The lab, in its URL form (without `scene`).
    pub query: &'static str,
}

impl LabScene {
    /// A few words for the menu, in `lang` (the catalogue's `scene.<id>.title`).
    pub fn title(&self, lang: Lang) -> &'static str {
        words::scene_title(lang, "scene", self.id)
    }

    /// Two or three sentences on what to watch in `lang` (the catalogue's `scene.<id>.caption`).
    pub fn caption(&self, lang: Lang) -> &'static str {
        words::scene_caption(lang, "scene", self.id)
    }

    /// The scene as the page lists it: `{id, title, caption, query}` in `lang`.
    pub fn view(&self, lang: Lang) -> serde_json::Value {
        words::scene_view(lang, "scene", self.id, self.query)
    }
}

/// Every scene, in the order the page lists them.
pub const LAB_SCENES: [LabScene; 7] = [
    LabScene {
        id: "batch-sizes",
        query: "model=linear&n=64&slope=2&intercept=1&noise=1&scale&seed=3&steps=200\
            &run=sgd;lr=0.2&run=sgd;lr=0.2;batch=8&run=sgd;lr=0.2;batch=1",
    },
    LabScene {
        id: "overfitting",
        query: "model=poly&n=20&noise=0.2&degree=12&l1=0&l2=0&val=0.5&seed=0&steps=1000\
                &run=sgd;lr=0.3&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "network-overfits",
        query: "model=mlp&n=40&data=circles&noise=0.5&hidden=32&dropout=0&l2=0&val=0.5&seed=0\
                &steps=1500&run=adam;lr=0.02",
    },
    LabScene {
        id: "xor-line",
        query: "model=logistic&n=100&data=xor&separation=3&noise=0.5&seed=0&steps=300\
                &run=sgd;lr=0.5&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "xor-network",
        query: "model=mlp&n=100&data=xor&separation=3&noise=0.5&hidden=8&dropout=0&l2=0&val=0.3\
                &seed=0&steps=300&run=sgd;lr=0.5&run=momentum;lr=0.1&run=adam;lr=0.05",
    },
    LabScene {
        id: "mse-vs-cross-entropy",
        query: "model=logistic&n=100&data=blobs&separation=3&noise=0.5&loss=mse&seed=0\
                &steps=300&start=-3,-3,0&run=sgd;lr=0.5",
    },
    LabScene {
        id: "feature-scaling",
        query: "model=linear&n=50&slope=2&intercept=1&noise=1&seed=0&steps=300\
                &run=sgd;lr=0.01&run=momentum;lr=0.002&run=adam;lr=0.1",
    },
];

/// The scene `id`, or the error listing the allowed ids.
pub fn scene(id: &str) -> Result<&'static LabScene, Error> {
    LAB_SCENES.iter().find(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = LAB_SCENES.iter().map(|p| p.id).collect();
        err!("error.scene.unknown", id = id, ids = ids.join(", "))
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
