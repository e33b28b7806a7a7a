// The shapes that cross the boundary between Rust and the pages, as JSDoc types: what each
// JSON string a handle returns holds once parsed. The Rust side (src/web/) serializes exactly
// these with serde; a reader of app.js, lab.js or runs.js meets them as
// `@type {import('./types.js').Status}`. This module exports nothing at run time.

/**
 * What one step of a run was made of, for the teaching overlay (core::run::StepParts).
 * @typedef {object} StepParts
 * @property {[number, number]} g the gradient the optimizer received (after noise and clipping)
 * @property {number} lr the step's learning rate (after the schedule)
 * @property {[number, number]} update θₖ₊₁ − θₖ
 * @property {[number | null, number | null]} effective −Δθᵢ/gᵢ per coordinate (null where gᵢ = 0)
 * @property {[number, number] | null} carry momentum's share Δθ + ηg (null without momentum)
 */

/**
 * How an adaptive method scaled one step, coordinate by coordinate (core::explain::Scaling).
 * @typedef {object} Scaling
 * @property {string} symbol the accumulated quantity: v̂, v, v − ḡ², s or u
 * @property {[number, number]} accumulated that quantity per coordinate
 * @property {[number, number]} denominator dᵢ, what η is divided by (√v̂ᵢ + ε for Adam)
 * @property {[number, number]} rate η/dᵢ per coordinate
 * @property {number} lr η
 * @property {[number, number]} scaled −(η/dᵢ)gᵢ, drawn beside the plain −ηgᵢ
 */

/**
 * One run at the current step (App.status).
 * @typedef {object} RunStatus
 * @property {number} step the run's step (its last one once it ended)
 * @property {number} x
 * @property {number} y
 * @property {number} loss
 * @property {number | null} diverged_at the step it diverged at, once the animation reached it
 * @property {StepParts | null} teach the next step's parts (null at the last step)
 * @property {Scaling | null} scaling with the overlay on, how an adaptive method scales each
 *   coordinate at the next step (null for the others, and at the last step)
 */

/**
 * The animation's state (App.status).
 * @typedef {object} Status
 * @property {number} step
 * @property {number} max_steps
 * @property {RunStatus[]} runs
 */

/**
 * A hyperparameter of a run, as its slider shows it (core::optim::HyperParam + its value).
 * @typedef {object} ParamView
 * @property {string} name torch's name (lr, momentum, beta1, …)
 * @property {string} symbol the rule's symbol (η, μ, β₁, …)
 * @property {string} label
 * @property {number} default torch's default
 * @property {number} min
 * @property {boolean} min_inclusive
 * @property {number} max
 * @property {boolean} max_inclusive
 * @property {[number, number]} slider the range the slider covers
 * @property {'linear' | 'log' | 'decay'} scale how the slider moves
 * @property {number} value
 * @property {[number, number]} vary the small multiples' default range
 */

/**
 * A flag of a run (core::optim::Flag + its value).
 * @typedef {object} FlagView
 * @property {string} name
 * @property {string} label
 * @property {boolean} default
 * @property {string} doc
 * @property {boolean} value
 */

/**
 * One run as its panel shows it (App.runs, Lab.runs).
 * @typedef {object} RunView
 * @property {string} kind the optimizer's id
 * @property {string} label the optimizer's name
 * @property {string} legend "1 · Gradient descent η=0.001": unique among the runs
 * @property {string} reference the paper or documentation it follows
 * @property {string} color CSS colour of its line
 * @property {boolean} hidden
 * @property {ParamView[]} params
 * @property {FlagView[]} flags
 * @property {string} schedule its schedule's text form
 * @property {number | null} clip_norm
 * @property {number | null} clip_value
 * @property {{sigma: number, seed: number} | null} noise
 */

/**
 * A row of the results table (core::compare::ResultRow), sorted in Rust.
 * @typedef {object} ResultRow
 * @property {number} run from 1
 * @property {string} label
 * @property {number} final_loss
 * @property {number | null} distance_to_minimum
 * @property {number | null} steps_to_tolerance
 * @property {number | null} diverged_at
 * @property {number} steps
 * @property {number} compute_ms
 */

/**
 * One run's tuning outcome (tune_run): either what it found or why it could not search.
 * @typedef {object} Tuned
 * @property {number} run from 0
 * @property {string} label
 * @property {string} [error] why this run was not tuned (then nothing below is present)
 * @property {string[]} names the hyperparameters searched, lr first
 * @property {string[]} symbols their symbols
 * @property {number[]} from their values before
 * @property {number[]} best the best values found
 * @property {number} best_score
 * @property {number} evaluated simulations run
 * @property {string} search the search in a sentence, in the page's language
 */

/**
 * A task for a worker (basin_tasks, sweep_tasks), run by worker.js by its kind.
 * @typedef {{kind: 'basin', side: number, query: string, run: number, width: number,
 *   height: number, steps: number, row0: number, row1: number, part: number}
 *   | {kind: 'sweep', query: string, run: number, first: number, lrs: number[]}
 *   | {kind: 'tune', query: string, run: number, objective: string, budget: number,
 *   decays: string, lang: string}} Task
 */

/**
 * A one-click story (App.presets, App.story).
 * @typedef {object} Preset
 * @property {string} id used in links (?story=ID)
 * @property {string} title
 * @property {string} caption two sentences on what to watch
 * @property {string} query its scenario as a link's query
 */

export {};
