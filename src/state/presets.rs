//! Presets: scenarios that each tell one story in one click, with a two-sentence caption.
//! Every caption's claim is checked by `tests/presets.rs` against the simulation itself.

use crate::state::scenario::Scenario;
use serde::Serialize;

/// A story: a scenario and what it shows.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Preset {
    /// Identifier used in URLs (`story=…`).
    pub id: &'static str,
    /// A few words for the menu.
    pub title: &'static str,
    /// Two sentences on what to watch.
    pub caption: &'static str,
    /// The scenario, in its URL form.
    pub query: &'static str,
}

/// Every preset, in the order the page lists them.
pub const PRESETS: [Preset; 9] = [
    Preset {
        id: "rosenbrock-valley",
        title: "The Rosenbrock valley",
        caption: "The valley's floor is easy to reach and hard to follow: gradient descent \
                  crawls along the gently falling, curved floor. Momentum builds up speed along \
                  it and reaches the minimum at (1, 1) long before gradient descent does.",
        query: "surface=rosenbrock&start=-1.2,1&steps=1500&speed=300\
                &run=sgd;lr=0.001&run=momentum;lr=0.001&run=adam;lr=0.05",
    },
    Preset {
        id: "ill-conditioned-bowl",
        title: "An ill-conditioned bowl: why momentum helps",
        caption: "With condition number 50 the bowl is 50 times steeper across than along, so \
                  the largest stable step zig-zags gradient descent across the narrow axis while \
                  it creeps along the long one. Momentum averages the zig-zags away and reaches \
                  the bottom in about half the steps.",
        query: "surface=bowl&k=50&angle=0&start=-2.5,1.5&steps=600&speed=60\
                &run=sgd;lr=0.038&run=momentum;lr=0.01;momentum=0.9&overlay",
    },
    Preset {
        id: "saddle-point",
        title: "A saddle point: who escapes?",
        caption: "Near the saddle of x² − y² the gradient almost vanishes and points at the \
                  saddle, so gradient descent slows down beside it until the tiny y-component \
                  grows. Momentum carries its speed through, and Adam's normalised steps leave \
                  at full speed.",
        query: "surface=saddle&start=-1.5,0.01&steps=300&speed=60\
                &run=sgd;lr=0.01&run=momentum;lr=0.01&run=adam;lr=0.05",
    },
    Preset {
        id: "too-large",
        title: "A learning rate too large: divergence",
        caption: "Gradient descent is stable only while the step is small against the curvature \
                  across the valley: η = 0.001 descends steadily, while η = 0.004 bounces from \
                  wall to wall and ends higher. At η = 0.008 every bounce overshoots further, \
                  and the run diverges within a few steps.",
        query: "surface=rosenbrock&start=-1.2,1&steps=1500&speed=200\
                &run=sgd;lr=0.001&run=sgd;lr=0.004&run=sgd;lr=0.008",
    },
    Preset {
        id: "bias-correction",
        title: "Adam's bias correction",
        caption: "Adam's averages m and v start at zero, so early on they underestimate the \
                  gradient's moments. Without the correction, the first step is \
                  (1 − β₁)/√(1 − β₂) ≈ 3.2 times larger than η; with it, it is exactly η.",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=300&speed=20\
                &run=adam;lr=0.1&run=adam;lr=0.1;!bias_correction&overlay",
    },
    Preset {
        id: "noisy-gradients",
        title: "Noisy gradients: SGD against Adam",
        caption: "Both runs get the same noisy gradients (σ = 2, the same seed), as from small \
                  mini-batches. SGD's steps grow with the noise and it keeps bouncing around the \
                  minimum, while Adam's steps stay about η long and settle closer, at a lower \
                  loss on average.",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=1000&speed=100\
                &run=sgd;lr=0.05;noise=2@1&run=adam;lr=0.05;noise=2@1",
    },
    Preset {
        id: "adagrad-rmsprop",
        title: "AdaGrad against RMSprop: a memory that fades",
        caption: "Both start on the valley's steep wall. AdaGrad adds up every squared \
                  gradient, the wall's huge ones included, so on the gently sloping floor its \
                  steps are a few thousandths long, and after 1500 steps it is still far from \
                  (1, 1), loss above 1. \
                  RMSprop's running average forgets the wall, its steps stay about η long, and \
                  it ends near (1, 1), loss below 0.05.",
        query: "surface=rosenbrock&start=-1.5,2.5&steps=1500&speed=200\
                &run=adagrad;lr=0.5&run=rmsprop;lr=0.01",
    },
    Preset {
        id: "lr-decay",
        title: "Learning-rate decay: settling despite noise",
        caption: "Both runs get the same noisy gradients (σ = 2, the same seed) at η = 0.05, and \
                  for 100 steps they are one run. Then the second halves η every 100 steps: its \
                  bounce around the minimum shrinks, and over the last 500 steps its loss is on \
                  average over 5 times lower than the constant rate's.",
        query: "surface=bowl&k=10&angle=0&start=-2.5,1.5&steps=1000&speed=100\
                &run=sgd;lr=0.05;noise=2@1&run=sgd;lr=0.05;schedule=step:size=100,gamma=0.5;noise=2@1",
    },
    Preset {
        id: "gradient-clipping",
        title: "Gradient clipping: surviving a steep wall",
        caption: "On the valley's steep wall the gradient is over 1700 long, so plain gradient \
                  descent's first step at η = 0.002 is over 3 long, and it diverges within 15 \
                  steps. Clipped to norm 10, no step is longer than 0.02: the same η walks down \
                  the wall and along the valley, loss below 0.05 after 1500 steps.",
        query: "surface=rosenbrock&start=-1.5,-0.5&steps=1500&speed=200\
                &run=sgd;lr=0.002&run=sgd;lr=0.002;clip_norm=10",
    },
];

/// The preset `id`, or the error listing the allowed ids.
pub fn preset(id: &str) -> Result<&'static Preset, String> {
    PRESETS.iter().find(|p| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        format!(
            "unknown story '{id}': allowed values are {}",
            ids.join(", ")
        )
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
