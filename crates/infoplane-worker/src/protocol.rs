//! Messages between the page and its workers. A worker trains one seed
//! (forwarding the core's [`Event`] stream), or estimates the MI of logged
//! epochs another worker deferred, or measures this browser's speed.
//! Every message travels as bytes (the core's checked binary codec, f64s
//! by their bits), so nothing is lost or re-parsed, malformed bytes are an
//! error, and no generic serialiser is compiled into either wasm file.
//!
//! Pausing, stopping and crashes never wait for a worker: the page ends
//! the worker at once and keeps what it has (the records, and the last
//! checkpoint each trainer sent, from which a later worker continues
//! bit-identically).

use infoplane_core::checkpoint::{DecodeError, Reader, Writer};
use infoplane_core::codec::{decode_list, encode_list, Codec};
use infoplane_core::estimators::MiPair;
use infoplane_core::record::SeedRecord;
use infoplane_core::run::Event;
use infoplane_core::sweep::{SweepEvent, SweepJob};

/// A seed to train.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainJob {
    /// The experiment's query string (the parameter table's names).
    pub query: String,
    /// The seed to run.
    pub seed: u64,
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
#[derive(Clone, Debug, PartialEq)]
pub struct Resume {
    /// `Checkpoint::to_bytes` of the epoch boundary.
    pub checkpoint: Vec<u8>,
    /// The seed's record up to that boundary.
    pub record: SeedRecord,
    /// Seconds the seed had run.
    pub seconds: f64,
}

/// One training of a sweep (every point it serves gets its own events).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepTrainJob {
    /// The sweep's query string (with its `sweep=` parameter).
    pub query: String,
    /// The seed and the points this training serves.
    pub job: SweepJob,
}

/// Page → worker. A training job's data set (`Dataset::to_bytes`, for
/// every set but var_u) travels beside the message, not in it, so the page
/// copies it once per worker and never re-encodes it.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedsMsg {
    /// Dense flops per second.
    pub dense_flops_per_s: f64,
    /// Binning value-equivalents per second.
    pub bin_values_per_s: f64,
    /// KDE pair-dimensions per second.
    pub kde_pair_dims_per_s: f64,
}

/// A checkpoint as it travels: its bytes and what the page needs to know
/// of it without decoding them.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointMsg {
    /// `Checkpoint::to_bytes`.
    pub bytes: Vec<u8>,
    /// Logged epochs recorded at that boundary.
    pub logged: usize,
    /// Epochs trained at that boundary.
    pub epoch: usize,
    /// Seconds the seed had run.
    pub seconds: f64,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq)]
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

fn opt_usize(w: &mut Writer, v: Option<usize>) {
    match v {
        Some(n) => {
            w.u8(1);
            w.usize(n);
        }
        None => w.u8(0),
    }
}

fn read_opt_usize(r: &mut Reader, what: &str) -> Result<Option<usize>, DecodeError> {
    Ok(match r.u8(what)? {
        0 => None,
        _ => Some(r.usize(what)?),
    })
}

impl Codec for CheckpointMsg {
    fn encode(&self, w: &mut Writer) {
        w.byte_vec(&self.bytes);
        w.usize(self.logged);
        w.usize(self.epoch);
        w.f64(self.seconds);
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(CheckpointMsg {
            bytes: r.byte_vec("checkpoint")?,
            logged: r.usize("logged")?,
            epoch: r.usize("epoch")?,
            seconds: r.f64("seconds")?,
        })
    }
}

impl Codec for ToWorker {
    fn encode(&self, w: &mut Writer) {
        match self {
            ToWorker::Train(j) => {
                w.u8(0);
                w.str(&j.query);
                w.u64(j.seed);
                match &j.resume {
                    Some(res) => {
                        w.u8(1);
                        w.byte_vec(&res.checkpoint);
                        res.record.encode(w);
                        w.f64(res.seconds);
                    }
                    None => w.u8(0),
                }
                opt_usize(w, j.max_epochs);
                w.usize(j.credits);
            }
            ToWorker::Sweep(j) => {
                w.u8(1);
                w.str(&j.query);
                w.u64(j.job.seed);
                w.usize(j.job.points.len());
                j.job.points.iter().for_each(|&p| w.usize(p));
            }
            ToWorker::Mi { id, job } => {
                w.u8(2);
                w.u64(*id);
                w.byte_vec(job);
            }
            ToWorker::Credit { n } => {
                w.u8(3);
                w.usize(*n);
            }
            ToWorker::Calibrate => w.u8(4),
        }
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(match r.u8("message")? {
            0 => {
                let query = r.string("query")?;
                let seed = r.u64("seed")?;
                let resume = match r.u8("resume flag")? {
                    0 => None,
                    _ => Some(Resume {
                        checkpoint: r.byte_vec("checkpoint")?,
                        record: SeedRecord::decode(r)?,
                        seconds: r.f64("seconds")?,
                    }),
                };
                ToWorker::Train(Box::new(TrainJob {
                    query,
                    seed,
                    resume,
                    max_epochs: read_opt_usize(r, "max_epochs")?,
                    credits: r.usize("credits")?,
                }))
            }
            1 => {
                let query = r.string("query")?;
                let seed = r.u64("seed")?;
                let n = r.items(8, "points")?;
                let points = (0..n)
                    .map(|_| r.usize("point"))
                    .collect::<Result<Vec<_>, _>>()?;
                ToWorker::Sweep(Box::new(SweepTrainJob {
                    query,
                    job: SweepJob { points, seed },
                }))
            }
            2 => ToWorker::Mi {
                id: r.u64("id")?,
                job: r.byte_vec("job")?,
            },
            3 => ToWorker::Credit {
                n: r.usize("credit")?,
            },
            4 => ToWorker::Calibrate,
            t => return Err(r.error(format!("message {t} is not one of 0..=4"))),
        })
    }
}

impl Codec for FromWorker {
    fn encode(&self, w: &mut Writer) {
        match self {
            FromWorker::Ready { build } => {
                w.u8(0);
                w.str(build);
            }
            FromWorker::Events { events, checkpoint } => {
                w.u8(1);
                encode_list(w, events);
                match checkpoint {
                    Some(c) => {
                        w.u8(1);
                        c.encode(w);
                    }
                    None => w.u8(0),
                }
            }
            FromWorker::SweepEvents { events } => {
                w.u8(2);
                encode_list(w, events);
            }
            FromWorker::Deferred { seed, k, job } => {
                w.u8(3);
                w.u64(*seed);
                w.usize(*k);
                w.byte_vec(job);
            }
            FromWorker::Mi { id, pairs } => {
                w.u8(4);
                w.u64(*id);
                encode_list(w, pairs);
            }
            FromWorker::Stepped { checkpoint } => {
                w.u8(5);
                checkpoint.encode(w);
            }
            FromWorker::Speeds(s) => {
                w.u8(6);
                w.f64(s.dense_flops_per_s);
                w.f64(s.bin_values_per_s);
                w.f64(s.kde_pair_dims_per_s);
            }
            FromWorker::Error { message } => {
                w.u8(7);
                w.str(message);
            }
        }
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(match r.u8("message")? {
            0 => FromWorker::Ready {
                build: r.string("build")?,
            },
            1 => {
                let events = decode_list(r, 9, "events")?;
                let checkpoint = match r.u8("checkpoint flag")? {
                    0 => None,
                    _ => Some(CheckpointMsg::decode(r)?),
                };
                FromWorker::Events { events, checkpoint }
            }
            2 => FromWorker::SweepEvents {
                events: decode_list(r, 17, "sweep events")?,
            },
            3 => FromWorker::Deferred {
                seed: r.u64("seed")?,
                k: r.usize("k")?,
                job: r.byte_vec("job")?,
            },
            4 => FromWorker::Mi {
                id: r.u64("id")?,
                pairs: decode_list(r, 16, "pairs")?,
            },
            5 => FromWorker::Stepped {
                checkpoint: CheckpointMsg::decode(r)?,
            },
            6 => FromWorker::Speeds(SpeedsMsg {
                dense_flops_per_s: r.f64("speed")?,
                bin_values_per_s: r.f64("speed")?,
                kde_pair_dims_per_s: r.f64("speed")?,
            }),
            7 => FromWorker::Error {
                message: r.string("message")?,
            },
            t => return Err(r.error(format!("message {t} is not one of 0..=7"))),
        })
    }
}

/// How the page's message about a worker of another build begins (the
/// run bar offers a reload beside it).
pub const STALE_BUILD: &str = "This page and its worker come from different builds";

/// The build the page and its workers belong to: the crate version and a
/// stamp of their sources (`INFOPLANE_BUILD`, set by build.rs), so the
/// two halves of one `trunk build` agree and differ from any other build.
pub fn build_id() -> String {
    format!(
        "{}+{}",
        env!("CARGO_PKG_VERSION"),
        option_env!("INFOPLANE_BUILD").unwrap_or("dev")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_bad_bytes_are_errors() {
        let mut rec = SeedRecord::new(3);
        rec.message = Some("x".into());
        let msgs = [
            ToWorker::Train(Box::new(TrainJob {
                query: "preset=idnns-default&epochs=5".into(),
                seed: 3,
                resume: Some(Resume {
                    checkpoint: vec![1, 2, 3],
                    record: rec,
                    seconds: 1.5,
                }),
                max_epochs: Some(1),
                credits: 4,
            })),
            ToWorker::Sweep(Box::new(SweepTrainJob {
                query: "sweep=bins:10,30".into(),
                job: SweepJob {
                    points: vec![0, 1],
                    seed: 7,
                },
            })),
            ToWorker::Mi {
                id: 9,
                job: vec![4; 10],
            },
            ToWorker::Credit { n: 2 },
            ToWorker::Calibrate,
        ];
        for m in &msgs {
            let b = m.to_bytes();
            assert_eq!(&ToWorker::from_bytes(&b).unwrap(), m);
            for cut in 0..b.len() {
                assert!(ToWorker::from_bytes(&b[..cut]).is_err());
            }
        }
        let back = [
            FromWorker::Ready {
                build: "0.2.0+x".into(),
            },
            FromWorker::Mi {
                id: 1,
                pairs: vec![MiPair {
                    ixt: f64::NAN,
                    ity: 0.5,
                }],
            },
            FromWorker::Stepped {
                checkpoint: CheckpointMsg {
                    bytes: vec![7; 5],
                    logged: 2,
                    epoch: 9,
                    seconds: 0.25,
                },
            },
            FromWorker::Error {
                message: "lr: bad".into(),
            },
        ];
        for m in &back {
            let b = m.to_bytes();
            let d = FromWorker::from_bytes(&b).unwrap();
            // NaN ≠ NaN: compare the bytes again.
            assert_eq!(d.to_bytes(), b);
        }
        assert!(FromWorker::from_bytes(&[9]).is_err());
    }
}
