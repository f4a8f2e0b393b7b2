//! A run session: the runs of one experiment and the workers computing
//! them. The lab has one; each card of the letter page has its own. It sits
//! above the run state ([`Runs`]) and the worker pool, and below the lab.

use crate::browser;
use crate::pool::{self, Pool, Sink, WorkerStatus};
use crate::runs::{Report, RunState, Runs};
use crate::speed::{Speed, SpeedsCopy};
use infoplane_core::config::Config;
use infoplane_core::cost::{Cost, MemoryError, Speeds};
use infoplane_core::data::{Dataset, ImageSet};
use infoplane_core::params::{ParamError, Params};
use infoplane_core::record::{SeedRecord, Status};
use infoplane_core::sweep::{summarise_points, SummaryRow, SweepPlan, SweepRecord};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// The most memory a run may plan to use in this browser: a WebAssembly
/// worker addresses at most 4 GB, and tabs are killed well before the
/// machine runs out, so 2 GB over all the seeds running at once.
pub const MEMORY_LIMIT: u64 = 2_000_000_000;

/// The points of a sweep as they stream in: one run per value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepRuns {
    /// The sweep's parameters (with `sweep=`).
    pub params: Option<Params>,
    /// The swept parameter's name.
    pub param: String,
    /// Each value's label.
    pub labels: Vec<String>,
    /// Each value's runs.
    pub points: Vec<Runs>,
}

impl SweepRuns {
    /// The state of the whole sweep (as [`Runs::state`] over its points).
    pub fn state(&self) -> RunState {
        let states: Vec<RunState> = self.points.iter().map(Runs::state).collect();
        if states.is_empty() {
            RunState::Idle
        } else if states.contains(&RunState::Error) {
            RunState::Error
        } else if states.iter().all(|s| *s == RunState::Done) {
            RunState::Done
        } else if states.contains(&RunState::Paused) {
            RunState::Paused
        } else if states.iter().all(|s| *s == RunState::Idle) {
            RunState::Idle
        } else {
            RunState::Running
        }
    }

    /// The sweep's record (every point's run record), once every point has
    /// started.
    pub fn to_record(&self) -> Option<Result<SweepRecord, String>> {
        let params = self.params.as_ref()?;
        let points: Option<Vec<_>> = self.points.iter().map(Runs::to_record).collect();
        Some(SweepRecord::new(params, points?).map_err(|e| e.to_string()))
    }

    /// Each value's text (its label without `NAME=`).
    pub fn values(&self) -> Vec<String> {
        let prefix = format!("{}=", self.param);
        self.labels
            .iter()
            .map(|l| l.strip_prefix(&prefix).unwrap_or(l).to_string())
            .collect()
    }

    /// The summary so far (as [`SweepRecord::summary_at`]): per value and
    /// layer, I(X;T) and I(T;Y) over the seeds at logged epoch `epoch`, or
    /// at each value's last. Values not started yet have no rows.
    pub fn summary(&self, epoch: Option<usize>) -> Vec<SummaryRow> {
        let records: Vec<Vec<SeedRecord>> = self.points.iter().map(Runs::records).collect();
        let points: Vec<(&[usize], &[SeedRecord])> = self
            .points
            .iter()
            .zip(&records)
            .map(|(r, recs)| {
                let layers = r.header.as_ref().map_or(&[][..], |h| h.layers.as_slice());
                (layers, recs.as_slice())
            })
            .collect();
        summarise_points(&self.values(), &points, epoch)
    }

    /// Shows a loaded sweep record (no computation): one [`Runs`] per
    /// value. What its query could not read is returned, naming each field.
    pub fn from_record(rec: SweepRecord) -> (SweepRuns, Vec<ParamError>) {
        let parsed = Params::from_query(&rec.query, &[]);
        let labels = rec
            .values
            .iter()
            .map(|v| format!("{}={v}", rec.param))
            .collect();
        let mut errors = parsed.errors;
        let points = rec
            .points
            .into_iter()
            .map(|p| {
                let (runs, e) = Runs::from_record(p);
                errors.extend(e);
                runs
            })
            .collect();
        let runs = SweepRuns {
            params: Some(parsed.params),
            param: rec.param,
            labels,
            points,
        };
        (runs, errors)
    }
}

/// The records of one experiment and its workers.
#[derive(Clone, Copy)]
pub struct Session {
    /// The runs, as they stream in.
    pub runs: RwSignal<Runs>,
    /// A sweep's points, when the experiment is a sweep (then `runs` stays
    /// idle).
    pub sweep: RwSignal<Option<SweepRuns>>,
    /// Workers training, and estimating MI for them.
    pub workers: RwSignal<(usize, usize)>,
    pool: StoredValue<Pool, LocalStorage>,
    /// This browser's measured speeds (from the context, when provided).
    speed: Option<Speed>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    /// Image sets already fetched and read, by file.
    static IMAGE_SETS: RefCell<BTreeMap<&'static str, Arc<Dataset>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The rows of built-in image set `set`: fetched from the page's `data/`
/// folder the first time a run needs them, then kept.
pub async fn image_set(set: &'static ImageSet) -> Result<Arc<Dataset>, String> {
    if let Some(d) = IMAGE_SETS.with(|m| m.borrow().get(set.file).cloned()) {
        return Ok(d);
    }
    let bytes = browser::fetch_bytes(&format!("data/{}", set.file)).await?;
    let d = Arc::new(set.decode(&bytes)?);
    IMAGE_SETS.with(|m| m.borrow_mut().insert(set.file, d.clone()));
    Ok(d)
}

/// The shape (rows, features, classes) of the data `cfg` names, or of the
/// reader's `custom` set.
pub fn data_shape(cfg: &Config, custom: Option<&Dataset>) -> Option<(usize, usize, usize)> {
    if let Some(set) = cfg.data.image_set() {
        return Some((set.rows, set.features, set.classes));
    }
    match (cfg.data, custom) {
        (infoplane_core::config::DataChoice::Custom, Some(d)) => {
            Some((d.len(), d.n_features(), d.n_classes()))
        }
        (infoplane_core::config::DataChoice::Custom, None) => None,
        _ => {
            let v = infoplane_core::data::var_u();
            Some((v.len(), v.n_features(), v.n_classes()))
        }
    }
}

/// Seeds running at once for `seeds` seeds.
pub fn parallel_seeds(seeds: usize) -> usize {
    seeds.min(pool::worker_limit()).max(1)
}

/// The memory guard: fails, naming the parameters that drive it, when
/// `params` would need more than [`MEMORY_LIMIT`] with its seeds in
/// parallel.
pub fn check_memory(params: &Params, custom: Option<&Dataset>) -> Result<Cost, String> {
    let cfg = Config::from_params(params).map_err(|e| e.to_string())?;
    let (rows, features, classes) = data_shape(&cfg, custom)
        .ok_or("dataset: custom needs your own data file (the Data section)")?;
    let cost = Cost::estimate(&cfg, rows, features, classes);
    cost.check_memory(MEMORY_LIMIT, parallel_seeds(params.seeds()))
        .map_err(|e: MemoryError| format!("not started: this run {e}"))?;
    Ok(cost)
}

impl Session {
    /// An idle session.
    pub fn new() -> Self {
        let s = Session {
            runs: RwSignal::new(Runs::default()),
            sweep: RwSignal::new(None),
            workers: RwSignal::new((0, 0)),
            pool: StoredValue::new_local(Pool::default()),
            speed: use_context::<Speed>(),
        };
        // Tells the speed measurement when this session runs (it waits
        // for the cores to be free).
        use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
        let running = Arc::new(AtomicBool::new(false));
        let r = running.clone();
        Effect::new(move |_| {
            let now = s.state() == RunState::Running;
            crate::speed::session_running(r.swap(now, Relaxed), now);
        });
        on_cleanup(move || crate::speed::session_running(running.swap(false, Relaxed), false));
        s
    }

    /// Starts the experiment `params` (one worker per seed, up to the
    /// cores; idle workers take deferred MI). `custom` is the reader's data
    /// set, read once, for `dataset=custom`; the built-in image sets are
    /// fetched here. An invalid configuration, missing data or a run over
    /// the memory guard leaves the session in the error state with the
    /// reason, naming the parameter, and starts no worker.
    pub fn start(&self, params: Params, custom: Option<Arc<Dataset>>) {
        let runs = self.runs;
        self.pool.with_value(Pool::reset);
        self.sweep.set(None);
        if params.sweep().is_some() {
            return self.start_sweep(params, custom);
        }
        let fail = move |e: String| runs.set(Runs::failed(e));
        let cfg = match Config::from_params(&params) {
            Ok(c) => c,
            Err(e) => return fail(e.to_string()),
        };
        let cost = match check_memory(&params, custom.as_deref()) {
            Ok(c) => c,
            Err(e) => return fail(e),
        };
        // Idle workers take logged epochs' MI only where that saves time
        // (KDE, noisy-sp), judged at this browser's speeds once measured.
        let speeds = self
            .speed
            .and_then(|s| s.0.get_untracked())
            .map_or(Speeds::REFERENCE, SpeedsCopy::speeds);
        let defer_mi = cost.deferral_pays(&speeds);
        runs.set(Runs::queued(params.clone()));
        let pool = self.pool;
        let workers = self.workers;
        let go = move |data: Option<Arc<Dataset>>| {
            // The page may have moved on (reset, another run) meanwhile.
            if runs.with_untracked(|r| r.params.as_ref() != Some(&params)) {
                return;
            }
            let bytes = data.map(|d| d.to_bytes());
            let sink: Sink = Rc::new(move |seed, report| runs.update(|r| r.report(seed, report)));
            let status: WorkerStatus = Rc::new(move |t, m| workers.set((t, m)));
            pool.with_value(|p| {
                p.start(
                    params.experiment_query(),
                    params.seed_list(),
                    bytes.as_deref(),
                    pool::Workers {
                        count: pool::worker_limit(),
                        defer_mi,
                    },
                    sink,
                    status,
                )
            });
        };
        match cfg.data.image_set() {
            Some(set) => leptos::task::spawn_local(async move {
                match image_set(set).await {
                    Ok(d) => go(Some(d)),
                    Err(e) => fail(format!("dataset: cannot load {}: {e}", set.file)),
                }
            }),
            None => go(custom),
        }
    }

    /// Starts a sweep: every (value, seed) pair, each seed's training
    /// shared by the values when only the estimator changes.
    fn start_sweep(&self, params: Params, custom: Option<Arc<Dataset>>) {
        let runs = self.runs;
        let fail = move |e: String| runs.set(Runs::failed(e));
        let plan = match SweepPlan::new(&params) {
            Ok(p) => p,
            Err(e) => return fail(e.to_string()),
        };
        let data = plan.configs[0].data;
        if plan.configs.iter().any(|c| c.data != data) {
            return fail(
                "sweep: the lab sweeps one data set at a time (sweep dataset with infoplane sweep)"
                    .into(),
            );
        }
        // The heaviest point, with the sweep's seeds at once.
        for p in &plan.points {
            if let Err(e) = check_memory(p, custom.as_deref()) {
                return fail(e);
            }
        }
        let jobs = plan.jobs();
        let sweep = self.sweep;
        sweep.set(Some(SweepRuns {
            params: Some(params.clone()),
            param: plan.sweep.param.to_string(),
            labels: (0..plan.points.len())
                .map(|i| plan.sweep.label(i))
                .collect(),
            points: plan.points.iter().cloned().map(Runs::queued).collect(),
        }));
        let pool = self.pool;
        let workers = self.workers;
        let query = params.experiment_query();
        let go = move |data: Option<Arc<Dataset>>| {
            if sweep.with_untracked(|s| s.as_ref().and_then(|s| s.params.as_ref()) != Some(&params))
            {
                return;
            }
            let bytes = data.map(|d| d.to_bytes());
            let routes = jobs.clone();
            let sink: Sink = Rc::new(move |unit, report| {
                let Some(job) = routes.get(unit as usize) else {
                    return;
                };
                sweep.update(|s| {
                    let Some(s) = s.as_mut() else { return };
                    match report {
                        Report::SweepEvents(events) => {
                            for e in events {
                                if let Some(r) = s.points.get_mut(e.point) {
                                    r.apply(e.event);
                                }
                            }
                        }
                        Report::Failed(m) => {
                            for &p in &job.points {
                                s.points[p].fail(job.seed, m.clone());
                            }
                        }
                        Report::Rewind { .. } => {
                            for &p in &job.points {
                                s.points[p].report(
                                    job.seed,
                                    Report::Rewind {
                                        logged: 0,
                                        epoch: 0,
                                    },
                                );
                            }
                        }
                        other => {
                            for &p in &job.points {
                                s.points[p].report(job.seed, clone_report(&other));
                            }
                        }
                    }
                })
            });
            let status: WorkerStatus = Rc::new(move |t, m| workers.set((t, m)));
            pool.with_value(|p| {
                p.start_sweep(
                    query.clone(),
                    jobs.clone(),
                    bytes.as_deref(),
                    pool::worker_limit(),
                    sink,
                    status,
                )
            });
        };
        match data.image_set() {
            Some(set) => leptos::task::spawn_local(async move {
                match image_set(set).await {
                    Ok(d) => go(Some(d)),
                    Err(e) => fail(format!("dataset: cannot load {}: {e}", set.file)),
                }
            }),
            None => go(custom),
        }
    }

    /// Pauses at once (the workers end; each seed continues later from its
    /// last checkpoint, bit-identically; a sweep's trainings start afresh).
    pub fn pause(&self) {
        self.pool.with_value(Pool::pause);
        self.runs.update(|r| r.paused = true);
        self.sweep.update(|s| {
            if let Some(s) = s {
                s.points.iter_mut().for_each(|r| r.paused = true);
            }
        });
    }

    /// The state of the session's run or sweep.
    pub fn state(&self) -> RunState {
        self.sweep
            .with(|s| s.as_ref().map(SweepRuns::state))
            .unwrap_or_else(|| self.runs.with(Runs::state))
    }

    /// [`Session::state`], read without tracking.
    pub fn state_untracked(&self) -> RunState {
        self.sweep
            .with_untracked(|s| s.as_ref().map(SweepRuns::state))
            .unwrap_or_else(|| self.runs.with_untracked(Runs::state))
    }

    /// The records of the seeds, for continuing them.
    fn records(&self) -> impl Fn(u64) -> SeedRecord {
        let runs = self.runs;
        move |seed| {
            runs.with_untracked(|r| {
                r.seeds
                    .iter()
                    .find(|s| s.seed == seed)
                    .map_or_else(|| SeedRecord::new(seed), |s| s.record.clone())
            })
        }
    }

    /// Resumes after a pause.
    pub fn resume(&self) {
        self.runs.update(|r| r.paused = false);
        self.sweep.update(|s| {
            if let Some(s) = s {
                s.points.iter_mut().for_each(|r| r.paused = false);
            }
        });
        let records = self.records();
        self.pool.with_value(|p| p.resume(&records));
    }

    /// Trains one more epoch of every started seed, staying paused.
    pub fn step(&self) {
        self.pause();
        let records = self.records();
        self.pool.with_value(|p| p.step(&records));
    }

    /// Stops every seed at once: the workers end, the records keep what
    /// was logged, queued seeds never start.
    pub fn stop(&self) {
        self.pool.with_value(Pool::reset);
        self.runs.update(|r| r.end_all(Status::Stopped));
        self.sweep.update(|s| {
            if let Some(s) = s {
                s.points.iter_mut().for_each(|r| r.end_all(Status::Stopped));
            }
        });
    }

    /// Forgets the run and its workers.
    pub fn reset(&self) {
        self.pool.with_value(Pool::reset);
        self.runs.set(Runs::default());
        self.sweep.set(None);
    }

    /// Shows a loaded run instead of a computed one (or a sweep), freeing
    /// the workers.
    pub fn show(&self, runs: Runs) {
        self.pool.with_value(Pool::reset);
        self.sweep.set(None);
        self.runs.set(runs);
    }

    /// Frees the workers of a finished run or sweep, keeping its records.
    pub fn release(&self) {
        self.pool.with_value(Pool::reset);
    }

    /// Shows a loaded sweep instead of a computed one, freeing the workers.
    pub fn show_sweep(&self, sweep: SweepRuns) {
        self.pool.with_value(Pool::reset);
        self.runs.set(Runs::default());
        self.sweep.set(Some(sweep));
    }
}

/// A copy of a per-seed report (MI and deferral reports of a sweep's
/// training go to each point it serves; sweeps defer nothing today).
fn clone_report(r: &Report) -> Report {
    match r {
        Report::Events(e) => Report::Events(e.clone()),
        Report::SweepEvents(e) => Report::SweepEvents(e.clone()),
        Report::Failed(m) => Report::Failed(m.clone()),
        Report::Pending(k) => Report::Pending(*k),
        Report::Mi(k, p) => Report::Mi(*k, p.clone()),
        Report::Rewind { logged, epoch } => Report::Rewind {
            logged: *logged,
            epoch: *epoch,
        },
    }
}
