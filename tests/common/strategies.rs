//! Proptest strategies for the runs both pages hold: any optimizer with every hyperparameter
//! inside its slider's range and any flags, and a run entry with noise, clipping, a schedule
//! and hidden or shown.

use optiviz::core::optim::{OptimizerKind, RunConfig};
use optiviz::core::run::Noise;
use optiviz::core::schedule::Schedule;
use optiviz::state::scenario::RunEntry;
use proptest::prelude::*;

/// Any optimizer, each hyperparameter anywhere in its slider's range, each flag on or off.
pub fn any_config() -> impl Strategy<Value = RunConfig> {
    (
        proptest::sample::select(OptimizerKind::ALL.to_vec()),
        proptest::collection::vec(0.0f64..1.0, 6),
        proptest::collection::vec(any::<bool>(), 2),
    )
        .prop_map(|(kind, fractions, bits)| {
            let mut c = RunConfig::new(kind);
            for (p, f) in kind.params().iter().zip(fractions) {
                c.set(p.name, p.slider[0] + f * (p.slider[1] - p.slider[0]))
                    .unwrap();
            }
            for (flag, on) in kind.flags().iter().zip(bits) {
                c.set_flag(flag.name, on).unwrap();
            }
            c
        })
}

/// Any run as a link carries it: [`any_config`], hidden or shown, with or without gradient
/// noise and clipping by norm, a constant or a step schedule.
pub fn any_run() -> impl Strategy<Value = RunEntry> {
    (
        any_config(),
        any::<bool>(),
        proptest::option::of((0.0f64..5.0, any::<u64>())),
        proptest::option::of(1e-3f64..100.0),
        prop_oneof![
            Just(Schedule::Constant),
            (1u32..1000, 0.01f64..1.0).prop_map(|(size, gamma)| Schedule::Step { size, gamma })
        ],
    )
        .prop_map(|(c, hidden, noise, clip, schedule)| {
            let mut entry = RunEntry::from(c);
            entry.hidden = hidden;
            entry.spec.noise = noise.map(|(sigma, seed)| Noise { sigma, seed });
            entry.spec.clip_norm = clip;
            entry.spec.schedule = schedule;
            entry
        })
}
