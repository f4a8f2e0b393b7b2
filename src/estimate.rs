//! What a run will cost before it starts: the core's cost model (operation
//! and byte counts from the network, data and estimator) times the speed
//! this browser measured once in a worker (cached in `localStorage` per
//! build), and the heavy-link rule: a link that asks to run by itself but
//! would take more than 5 minutes or 1 GB waits for a click.

use crate::protocol::{build_id, FromWorker, ToWorker};
use crate::session::{check_memory, data_shape, parallel_seeds};
use infoplane_core::config::Config;
use infoplane_core::cost::{format_bytes, format_seconds, Cost, Speeds};
use infoplane_core::data::Dataset;
use infoplane_core::params::Params;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A link with `autorun` runs by itself only below both limits.
pub const HEAVY_SECONDS: f64 = 300.0;
/// See [`HEAVY_SECONDS`].
pub const HEAVY_BYTES: u64 = 1_000_000_000;

/// This browser's measured speeds, shared by the page (`None` while the
/// one-off measurement runs).
#[derive(Clone, Copy)]
pub struct Speed(pub RwSignal<Option<SpeedsCopy>>);

/// [`Speeds`] as a plain value a signal can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedsCopy(pub [f64; 3]);

impl SpeedsCopy {
    /// As the core's type.
    pub fn speeds(self) -> Speeds {
        Speeds {
            dense_flops_per_s: self.0[0],
            bin_values_per_s: self.0[1],
            kde_pair_dims_per_s: self.0[2],
        }
    }
}

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
/// about 0.4 s in a worker (off the page's thread).
pub fn provide_speed() -> Speed {
    let sig = RwSignal::new(cached());
    let speed = Speed(sig);
    provide_context(speed);
    if sig.get_untracked().is_none() {
        measure(move |s| {
            store(s);
            sig.set(Some(s));
        });
    }
    speed
}

type Handler = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// Runs the calibration in a worker of its own and reports the speeds.
fn measure(done: impl Fn(SpeedsCopy) + 'static) {
    let Ok(worker) = web_sys::Worker::new(&crate::pool::worker_url()) else {
        return;
    };
    let w = worker.clone();
    let cell: std::rc::Rc<std::cell::RefCell<Option<Handler>>> = Default::default();
    let keep = cell.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            match crate::pool::received(&ev) {
                // A worker of another build would measure another engine.
                Ok(FromWorker::Ready { build }) if build == build_id() => {
                    let _ = crate::pool::send(&w, &ToWorker::Calibrate, None);
                }
                Ok(FromWorker::Speeds(s)) => {
                    done(SpeedsCopy([
                        s.dense_flops_per_s,
                        s.bin_values_per_s,
                        s.kde_pair_dims_per_s,
                    ]));
                    w.set_onmessage(None);
                    w.terminate();
                    // Dropped after this handler returns.
                    let keep = keep.clone();
                    leptos::prelude::set_timeout(
                        move || drop(keep.borrow_mut().take()),
                        Default::default(),
                    );
                }
                _ => {
                    w.set_onmessage(None);
                    w.terminate();
                }
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    *cell.borrow_mut() = Some(onmessage);
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

impl Estimate {
    /// The estimate of `params` (with the reader's `custom` data) at
    /// `speed` (time unknown while unmeasured). `None` when the
    /// configuration is invalid or its data not chosen yet.
    pub fn of(
        params: &Params,
        custom: Option<&Dataset>,
        speed: Option<SpeedsCopy>,
    ) -> Option<Estimate> {
        let cfg = Config::from_params(params).ok()?;
        let (rows, features, classes) = data_shape(&cfg, custom)?;
        let cost = Cost::estimate(&cfg, rows, features, classes);
        let seeds = params.seeds();
        let parallel = parallel_seeds(seeds);
        let workers = crate::pool::worker_limit();
        Some(Estimate {
            per_epoch: speed.map(|s| cost.seconds(&s.speeds()).0),
            total: speed.map(|s| cost.wall_seconds(&s.speeds(), seeds, workers)),
            peak_per_seed: cost.peak_bytes(),
            parallel,
            refused: check_memory(params, custom).err(),
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
/// them share this machine's cores): the total is the larger of the work
/// spread over the cores and the longest single seed; memory is every
/// session's seeds in parallel. `None` while a configuration is invalid.
pub fn card_text(list: &[Params], speed: Option<SpeedsCopy>) -> Option<String> {
    let cores = crate::pool::worker_limit().max(1) as f64;
    let mut work = 0.0;
    let mut longest: f64 = 0.0;
    let mut bytes = 0u64;
    let mut runs = 0;
    for p in list {
        let cfg = Config::from_params(p).ok()?;
        let (rows, features, classes) = data_shape(&cfg, None)?;
        let cost = Cost::estimate(&cfg, rows, features, classes);
        let seeds = p.seeds();
        runs += seeds;
        bytes = bytes.saturating_add(
            cost.peak_bytes()
                .saturating_mul(parallel_seeds(seeds) as u64),
        );
        if let Some(s) = speed {
            let per_seed = cost.seconds(&s.speeds()).1;
            work += per_seed * seeds as f64;
            longest = longest.max(per_seed);
        }
    }
    let time = if speed.is_some() {
        format!(
            "about {} for its {runs} runs on {} cores",
            format_seconds((work / cores).max(longest)),
            cores as usize
        )
    } else {
        "time: measuring this browser's speed…".to_string()
    };
    Some(format!(
        "Estimate: {time}; peak memory {}.",
        format_bytes(bytes)
    ))
}
