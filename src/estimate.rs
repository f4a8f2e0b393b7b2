//! What a run will cost before it starts: the core's cost model (operation
//! and byte counts from the network, data and estimator) times the speed
//! this browser measured once in a worker (cached in `localStorage` per
//! build), and the heavy-link rule: a link that asks to run by itself but
//! would take more than 5 minutes or 1 GB waits for a click.

use crate::protocol::{build_id, FromWorker, ToWorker};
use crate::session::{check_memory, data_shape, parallel_seeds};
use infoplane_core::config::Config;
use infoplane_core::cost::{format_bytes, format_seconds, Cost};
use infoplane_core::data::Dataset;
use infoplane_core::params::Params;
use infoplane_core::sweep::SweepPlan;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A link with `autorun` runs by itself only below both limits.
pub const HEAVY_SECONDS: f64 = 300.0;
/// See [`HEAVY_SECONDS`].
pub const HEAVY_BYTES: u64 = 1_000_000_000;

pub use crate::speed::{Speed, SpeedsCopy};

const CACHE_KEY: &str = "infoplane-speeds";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The cached measurement of this build, if any.
fn cached() -> Option<SpeedsCopy> {
    let text = storage()?.get_item(CACHE_KEY).ok()??;
    let mut parts = text.split(' ');
    if parts.next()? != build_id() {
        return None;
    }
    let v: Vec<f64> = parts.filter_map(|p| p.parse().ok()).collect();
    (v.len() == 3 && v.iter().all(|x| x.is_finite() && *x > 0.0))
        .then(|| SpeedsCopy([v[0], v[1], v[2]]))
}

fn store(s: SpeedsCopy) {
    if let Some(st) = storage() {
        let _ = st.set_item(
            CACHE_KEY,
            &format!("{} {} {} {}", build_id(), s.0[0], s.0[1], s.0[2]),
        );
    }
}

/// Provides [`Speed`] and fills it: from the cache, or by a measurement of
/// about 0.4 s in a worker (off the page's thread). Work sent to a worker
/// stops the measurement (it would share the cores and read slow); it
/// starts again once no session runs (see [`crate::speed`]).
pub fn provide_speed() -> Speed {
    let sig = RwSignal::new(cached());
    let speed = Speed(sig);
    provide_context(speed);
    if sig.get_untracked().is_none() {
        let start = move || {
            measure(move |s| {
                store(s);
                sig.set(Some(s));
            })
        };
        crate::speed::on_measure_again(start);
        start();
    }
    speed
}

/// Runs the calibration in a worker of its own and reports the speeds.
fn measure(done: impl Fn(SpeedsCopy) + 'static) {
    let Ok(worker) = web_sys::Worker::new(&crate::pool::worker_url()) else {
        return;
    };
    let w = worker.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            match crate::pool::received(&ev) {
                // A worker of another build would measure another engine.
                Ok(FromWorker::Ready { build }) if build == build_id() => {
                    let _ = crate::pool::send(&w, &ToWorker::Calibrate, None);
                }
                Ok(FromWorker::Speeds(s)) => {
                    crate::speed::measured();
                    done(SpeedsCopy([
                        s.dense_flops_per_s,
                        s.bin_values_per_s,
                        s.kde_pair_dims_per_s,
                    ]));
                }
                _ => crate::speed::measured(),
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    crate::speed::measuring(worker, Box::new(onmessage));
}

/// A run's estimate, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Seconds per epoch (one seed, logged epochs and MI included).
    pub per_epoch: Option<f64>,
    /// Seconds for the whole run (every seed, as many at once as workers).
    pub total: Option<f64>,
    /// Peak bytes of one seed.
    pub peak_per_seed: u64,
    /// Seeds at once.
    pub parallel: usize,
    /// Why the memory guard refuses the run, if it does.
    pub refused: Option<String>,
}

/// What a run (or a sweep) trains, at a speed.
struct Work {
    /// Seconds of each training (a seed, or a sweep's (value, seed)).
    trainings: Vec<f64>,
    /// Seconds per epoch of the slowest configuration.
    per_epoch: f64,
}

impl Work {
    /// Wall seconds with `workers` workers taking trainings one at a time:
    /// the work spread over them, at least the longest training.
    fn wall(&self, workers: usize) -> f64 {
        let longest = self.trainings.iter().copied().fold(0.0, f64::max);
        let sum: f64 = self.trainings.iter().sum();
        (sum / workers.max(1) as f64).max(longest)
    }
}

/// What `params` trains, costed.
struct Planned {
    /// One cost per configuration (a sweep's points in order).
    costs: Vec<Cost>,
    /// Trainings in all.
    trainings: usize,
    /// The work at the measured speed.
    work: Option<Work>,
    /// A sweep's points (empty for a plain run).
    points: Vec<Params>,
}

/// The costs of what `params` trains (the sweep planned once).
fn work(params: &Params, custom: Option<&Dataset>, speed: Option<SpeedsCopy>) -> Option<Planned> {
    let seeds = params.seeds();
    let (configs, shared, points) = match params.sweep() {
        Some(_) => {
            let plan = SweepPlan::new(params).ok()?;
            (plan.configs, plan.shared, plan.points)
        }
        None => (vec![Config::from_params(params).ok()?], false, Vec::new()),
    };
    let costs = configs
        .iter()
        .map(|c| {
            let (rows, features, classes) = data_shape(c, custom)?;
            Some(Cost::estimate(c, rows, features, classes))
        })
        .collect::<Option<Vec<Cost>>>()?;
    let trainings = if shared { seeds } else { seeds * costs.len() };
    let work = speed.map(|s| {
        let s = s.speeds();
        let per: Vec<f64> = if shared {
            // One training per seed computes every value's MI.
            let mi: f64 = costs.iter().skip(1).map(|c| c.mi_seconds(&s)).sum();
            vec![costs[0].seconds(&s).1 + mi; seeds]
        } else {
            costs
                .iter()
                .flat_map(|c| std::iter::repeat_n(c.seconds(&s).1, seeds))
                .collect()
        };
        let per_epoch = costs.iter().map(|c| c.seconds(&s).0).fold(0.0, f64::max);
        Work {
            trainings: per,
            per_epoch,
        }
    });
    Some(Planned {
        costs,
        trainings,
        work,
        points,
    })
}

impl Estimate {
    /// The estimate of `params` (with the reader's `custom` data) at
    /// `speed` (time unknown while unmeasured), a sweep's included. `None`
    /// when the configuration is invalid or its data not chosen yet.
    pub fn of(
        params: &Params,
        custom: Option<&Dataset>,
        speed: Option<SpeedsCopy>,
    ) -> Option<Estimate> {
        let Planned {
            costs,
            trainings,
            work,
            points,
        } = work(params, custom, speed)?;
        let workers = crate::pool::worker_limit();
        // A plain run: whole rounds of seeds, a lone seed's MI shared with
        // idle workers (the core's model); a sweep: its trainings' work.
        let total = match (params.sweep(), speed) {
            (None, Some(s)) => Some(costs[0].wall_seconds(&s.speeds(), trainings, workers)),
            _ => work.as_ref().map(|w| w.wall(workers)),
        };
        Some(Estimate {
            per_epoch: work.as_ref().map(|w| w.per_epoch),
            total,
            peak_per_seed: costs.iter().map(Cost::peak_bytes).max().unwrap_or(0),
            parallel: parallel_seeds(trainings),
            // A sweep is refused when one of its points would be.
            refused: match params.sweep() {
                None => check_memory(params, custom).err(),
                Some(_) => points.iter().find_map(|p| check_memory(p, custom).err()),
            },
        })
    }

    /// Over the limits a link may start by itself at.
    pub fn is_heavy(&self) -> bool {
        self.total.is_some_and(|t| t > HEAVY_SECONDS)
            || self.peak_per_seed.saturating_mul(self.parallel as u64) > HEAVY_BYTES
    }

    /// One sentence: time per epoch and in all, peak memory.
    pub fn text(&self) -> String {
        let time = match (self.total, self.per_epoch) {
            (Some(t), Some(e)) => format!(
                "about {} in all ({} per epoch per seed)",
                format_seconds(t),
                format_seconds(e)
            ),
            _ => "time: measuring this browser's speed…".to_string(),
        };
        let mem = if self.parallel > 1 {
            format!(
                "peak memory {} per seed, {} for {} at once",
                format_bytes(self.peak_per_seed),
                format_bytes(self.peak_per_seed.saturating_mul(self.parallel as u64)),
                self.parallel
            )
        } else {
            format!("peak memory {}", format_bytes(self.peak_per_seed))
        };
        format!("Estimate: {time}; {mem}.")
    }
}

/// The estimate of a letter card that starts every run of `list` at once
/// (one session per configuration, each with its own workers, so all of
/// them share this machine's cores): the total is the larger of all their
/// trainings' work spread over the cores and the longest training; memory
/// is every session's trainings in parallel. `None` while a configuration
/// is invalid.
pub fn card_text(list: &[Params], speed: Option<SpeedsCopy>) -> Option<String> {
    let cores = crate::pool::worker_limit().max(1);
    let mut all = Vec::new();
    let mut bytes = 0u64;
    let mut runs = 0;
    for p in list {
        let Planned {
            costs,
            trainings,
            work,
            ..
        } = work(p, None, speed)?;
        runs += trainings;
        let peak = costs.iter().map(Cost::peak_bytes).max().unwrap_or(0);
        bytes = bytes.saturating_add(peak.saturating_mul(parallel_seeds(trainings) as u64));
        all.extend(work.map(|w| w.trainings).unwrap_or_default());
    }
    let time = if speed.is_some() {
        let w = Work {
            trainings: all,
            per_epoch: 0.0,
        };
        format!(
            "about {} for its {runs} runs on {cores} cores",
            format_seconds(w.wall(cores))
        )
    } else {
        "time: measuring this browser's speed…".to_string()
    };
    Some(format!(
        "Estimate: {time}; peak memory {}.",
        format_bytes(bytes)
    ))
}
