//! What the pages hold, above the core: the surface page's scenario, the lab's scenario, the
//! one-click stories, and the URL grammar that writes each as a link and reads it back.
//!
//! Dependencies point one way: [`query`] reads [`scenario`] and [`presets`]; [`presets`]
//! builds [`scenario`]s; [`lab`] borrows the run grammar of [`query`]; [`lab_scenes`] (the
//! lab's one-click scenes) builds [`lab`] scenarios, which name their scene; [`course`] (the
//! walk through the course) names stories and scenes, and its [`course::Lang`] is the `lang=`
//! both links accept. Nothing in the core imports this layer.

pub mod course;
pub mod file;
pub mod lab;
pub mod lab_scenes;
pub mod presets;
pub mod query;
pub mod scenario;
pub mod video;
pub mod words;
