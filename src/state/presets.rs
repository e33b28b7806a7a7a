//! Presets: scenarios that each tell one story in one click, with a two-sentence caption.
//! Every caption's claim is checked by `tests/presets.rs` against the simulation itself.

use crate::i18n::Lang;
use crate::state::scenario::Scenario;
use crate::state::words;
use serde::Serialize;

/// A story: a scenario and what it shows.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Preset {
    /// Identifier used in URLs (`story=…`).
    pub id: &'static str,
    /// The scenario, in its URL form.
    pub query: &'static str,
}

impl Preset {
    /// A few words for the menu, in `lang` (the catalogue's `story.<id>.title`).
    pub fn title(&self, lang: Lang) -> &'static str {
        words::scene_title(lang, "story", self.id)
    }

    /// Two sentences on what to watch in `lang` (the catalogue's `story.<id>.caption`).
    pub fn caption(&self, lang: Lang) -> &'static str {
        words::scene_caption(lang, "story", self.id)
    }

    /// The story as the page lists it: `{id, title, caption, query}` in `lang`.
    pub fn view(&self, lang: Lang) -> serde_json::Value {
        words::scene_view(lang, "story", self.id, self.query)
    }
}

/// Every preset, in the order the page lists them.
pub const PRESETS: [Preset; 9] = [
    Preset {
        id: "rosenbrock-valley",
        query: "surface=rosenbrock&start=-1.2,1&steps=1500&speed=300\
                &run=sgd;lr=0.001&run=momentum;lr=0.001&run=adam;lr=0.05",
    },
    Preset {
        id: "ill-conditioned-bowl",
        query: "surface=bowl&k=50&angle=0&start=-2.5,1.5&steps=600&speed=60\
                &run=sgd;lr=0.038&run=momentum;lr=0.01;momentum=0.9&overlay",
    },
    Preset {
        id: "saddle-point",
        query: "surface=saddle&start=-1.5,0.01&steps=300&speed=60\
                &run=sgd;lr=0.01&run=momentum;lr=0.01&run=adam;lr=0.05",
    },
    Preset {
        id: "too-large",
        query: "surface=rosenbrock&start=-1.2,1&steps=1500&speed=200\
                &run=sgd;lr=0.001&run=sgd;lr=0.004&run=sgd;lr=0.008",
    },
    Preset {
        id: "bias-correction",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=300&speed=20\
                &run=adam;lr=0.1&run=adam;lr=0.1;!bias_correction&overlay",
    },
    Preset {
        id: "noisy-gradients",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=1000&speed=100\
                &run=sgd;lr=0.05;noise=2@1&run=adam;lr=0.05;noise=2@1",
    },
    Preset {
        id: "adagrad-rmsprop",
        query: "surface=rosenbrock&start=-1.5,2.5&steps=1500&speed=200\
                &run=adagrad;lr=0.5&run=rmsprop;lr=0.01",
    },
    Preset {
        id: "lr-decay",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=1000&speed=100\
                &run=sgd;lr=0.05;noise=2@1&run=sgd;lr=0.05;schedule=step:size=100,gamma=0.5;noise=2@1",
    },
    Preset {
        id: "gradient-clipping",
        query: "surface=rosenbrock&start=-1.5,-0.5&steps=1500&speed=200\
                &run=sgd;lr=0.002&run=sgd;lr=0.002;clip_norm=10",
    },
];

/// The preset `id`, or the error listing the allowed ids.
pub fn preset(id: &str) -> Result<&'static Preset, crate::error::Error> {
    PRESETS.iter().find(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        crate::err!("error.link.story", id = id, allowed = ids.join(", "))
    })
}

impl Preset {
    /// The preset's scenario, marked with its story.
    pub fn scenario(&self) -> Scenario {
        let mut s = Scenario::from_query(self.query).expect("every preset's query is valid");
        s.story = Some(self.id.to_owned());
        s
    }
}
