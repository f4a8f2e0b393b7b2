//! Messages between the page and its workers. A worker trains one seed
//! (forwarding the core's [`Event`] stream), or estimates the MI of logged
//! epochs another worker deferred, or measures this browser's speed. Bulk
//! data travels as bytes (`Uint8Array`s): data sets, checkpoints, MI jobs.
//!
//! Pausing, stopping and crashes never wait for a worker: the page ends
//! the worker at once and keeps what it has (the records, and the last
//! checkpoint each trainer sent, from which a later worker continues
//! bit-identically).

use infoplane_core::estimators::MiPair;
use infoplane_core::record::SeedRecord;
use infoplane_core::run::Event;
use infoplane_core::sweep::{SweepEvent, SweepJob};
use serde::{Deserialize, Serialize};

/// A seed to train.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainJob {
    /// The experiment's query string (the parameter table's names).
    pub query: String,
    /// The seed to run.
    pub seed: u64,
    /// The rows, as `Dataset::to_bytes`, for every set but var_u (built in).
    #[serde(with = "serde_bytes")]
    pub data: Option<Vec<u8>>,
    /// Continue from a checkpoint instead of starting afresh.
    pub resume: Option<Resume>,
    /// Train at most this many epochs, then send a checkpoint and stop
    /// (the page's "step one epoch").
    pub max_epochs: Option<usize>,
    /// How many logged epochs' MI the trainer may defer to other workers
    /// before it computes MI itself (more come with [`ToWorker::Credit`]).
    pub credits: usize,
}

/// Where a paused seed continues from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// `Checkpoint::to_bytes` of the epoch boundary.
    #[serde(with = "serde_bytes")]
    pub checkpoint: Vec<u8>,
    /// The seed's record up to that boundary.
    pub record: SeedRecord,
    /// Seconds the seed had run.
    pub seconds: f64,
}

/// One training of a sweep (every point it serves gets its own events).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepTrainJob {
    /// The sweep's query string (with its `sweep=` parameter).
    pub query: String,
    /// The seed and the points this training serves.
    pub job: SweepJob,
    /// The rows, as for [`TrainJob::data`] (the points share one data set).
    #[serde(with = "serde_bytes")]
    pub data: Option<Vec<u8>>,
}

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// Train one seed.
    Train(Box<TrainJob>),
    /// Train one job of a sweep.
    Sweep(Box<SweepTrainJob>),
    /// Estimate one deferred logged epoch's MI.
    Mi {
        /// The page's id of the job.
        id: u64,
        /// `MiJob::to_bytes`.
        #[serde(with = "serde_bytes")]
        job: Vec<u8>,
    },
    /// The trainer may defer `n` more logged epochs' MI.
    Credit {
        /// How many.
        n: usize,
    },
    /// Measure this browser's speed for the cost model.
    Calibrate,
}

/// The speeds a worker measured (the core's `cost::Speeds`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeedsMsg {
    /// Dense flops per second.
    pub dense_flops_per_s: f64,
    /// Binning value-equivalents per second.
    pub bin_values_per_s: f64,
    /// KDE pair-dimensions per second.
    pub kde_pair_dims_per_s: f64,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is initialised; `build` identifies the build it
    /// belongs to.
    Ready {
        /// The build.
        build: String,
    },
    /// Events of the run since the last message, in order, and (when one
    /// was taken) the checkpoint at the boundary the events end on.
    Events {
        /// The events.
        events: Vec<Event>,
        /// A checkpoint, if one was taken.
        checkpoint: Option<CheckpointMsg>,
    },
    /// Events of a sweep's training since the last message, in order.
    SweepEvents {
        /// The events, each for one point.
        events: Vec<SweepEvent>,
    },
    /// Logged epoch `k`'s MI, deferred: the page hands the job to an idle
    /// worker.
    Deferred {
        /// The seed.
        seed: u64,
        /// Index among the seed's logged epochs.
        k: usize,
        /// `MiJob::to_bytes`.
        #[serde(with = "serde_bytes")]
        job: Vec<u8>,
    },
    /// The MI of job `id`, one pair per layer.
    Mi {
        /// The job.
        id: u64,
        /// I(X;T), I(T;Y) per layer.
        pairs: Vec<MiPair>,
    },
    /// The trainer ran its `max_epochs` and stopped at a boundary.
    Stepped {
        /// Where it stopped.
        checkpoint: CheckpointMsg,
    },
    /// What this browser measured.
    Speeds(SpeedsMsg),
    /// The job could not run (bad parameters, data or checkpoint).
    Error {
        /// What is wrong, naming the parameter or field.
        message: String,
    },
}

/// A checkpoint as it travels: its bytes and what the page needs to know
/// of it without decoding them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMsg {
    /// `Checkpoint::to_bytes`.
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// Logged epochs recorded at that boundary.
    pub logged: usize,
    /// Epochs trained at that boundary.
    pub epoch: usize,
    /// Seconds the seed had run.
    pub seconds: f64,
}

/// The build the page and its workers belong to: the crate version and a
/// stamp of the sources, set at build time (both wasm files are compiled
/// in the same `trunk build`).
pub fn build_id() -> String {
    format!(
        "{}+{}",
        env!("CARGO_PKG_VERSION"),
        option_env!("INFOPLANE_BUILD").unwrap_or("dev")
    )
}
