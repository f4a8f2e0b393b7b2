//! # infoplane-core
//!
//! The compute engine of infoplane: re-runs the experiments of Shwartz-Ziv &
//! Tishby (2017) and Saxe et al. (2018) exactly, deterministically and fast.
//! No web types: it builds for native targets and for wasm32 alike.
//!
//! Data flows one way:
//! [`params`] (the one table of parameters) → [`config::Config`] (checked) →
//! [`data`] + split → [`network`] trained by [`train`] → at each logged epoch a
//! [`probe`] → [`estimators`] (mutual information) and [`gradients`]
//! (gradient statistics) → [`record`] (one `EpochRecord` per logged epoch,
//! streamed as [`run::Event`]s, collected into a JSON `RunRecord`).

pub mod data;
pub mod estimators;
pub mod math;
pub mod rng;
