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

// Kernels index several lane arrays with one loop counter on purpose: that
// is the shape LLVM vectorises.
#![allow(clippy::needless_range_loop)]

/// Text for people (a parameter's label and help, a preset's
/// description): compiled in with the `text` feature (the page's forms and
/// the CLI show it), empty without (the Web Worker parses parameters but
/// shows none of it, and its download is smaller by their bytes).
macro_rules! text {
    ($s:literal) => {
        if cfg!(feature = "text") {
            $s
        } else {
            ""
        }
    };
}

pub mod analysis;
pub mod checkpoint;
pub mod choice;
pub mod codec;
pub mod config;
pub mod cost;
pub mod data;
pub mod estimators;
pub mod gradients;
pub mod math;
pub mod mi_job;
pub mod network;
pub mod optim;
pub mod params;
pub mod presets;
pub mod probe;
pub mod record;
pub mod rng;
pub mod run;
pub mod schedule;
pub mod simd;
pub mod sweep;
pub mod train;
pub mod versions;
pub mod view;
