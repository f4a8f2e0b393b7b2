//! Sweeps: one parameter of the table run over several values, each value
//! with every seed.
//!
//! A sweep is the table's `sweep` parameter, `NAME:v1,v2,...` ([`Sweep`]);
//! [`Params::sweep_points`] turns it into one plain run per value.
//! [`SweepPlan`] checks every point and decides whether they can share
//! training ([`shares_training`]); [`run_sweep`] runs every (value, seed)
//! pair and collects a [`SweepRecord`]: every point's [`RunRecord`] and a
//! summary per value and layer ([`SummaryRow`]). [`SweepRecord::merge`]
//! builds the same record from run records made one by one (one job per
//! point, e.g. on a cluster).
//!
//! # Shared training
//!
//! When the points' configurations differ only in what the MI estimate
//! does, each seed trains once and every value's MI is computed from the
//! same activations. Precisely: the points share training when their
//! [`Config`]s are equal after setting `estimator` aside. The parameters
//! that qualify are therefore those whose only path into the configuration
//! is [`Config::estimator`]: `estimator`, `edges`, `bin_lo`, `bin_hi`,
//! `bins`, `bin_size`, `range`, `noise_var`, `netinput_limit`, `knn_k`,
//! `knn_noise`, `mc_samples` and `cond_samples` (the trainer draws the
//! largest point's conditional samples; each point uses its first K, see
//! [`Trainer::set_cond_samples`]). `noise_std` does not qualify (it makes
//! the network itself noisy, in training and at probes), nor does
//! `mi_rows` (it changes the rows the probe computes), nor any parameter of
//! another group.
//!
//! `range=run` points are handled as [`Trainer::finish`] does: the trainer
//! keeps its weight snapshots and the run's range, and after the last epoch
//! their MI is recomputed for every logged epoch with the run's final range.
//! The results are bit-identical to running each point on its own (a test
//! checks every estimator); only the wall-clock `seconds` differ.

use crate::config::Config;
use crate::data::Dataset;
use crate::estimators::{
    estimate_layers, estimate_layers_cond, BinSpec, Estimator, LayerView, MiPair, RangeScope,
};
use crate::params::{self, Kind, ParamError, ParamSpec, Params, Value};
use crate::record::{nan_null, EpochRecord, RunHeader, RunRecord, SeedRecord, Status};
use crate::run::{Event, SeedRun};
use crate::train::Trainer;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// Most values in one sweep.
pub const MAX_SWEEP_VALUES: usize = 64;
/// Schema identifier of [`SweepRecord`].
pub const FORMAT: &str = "infoplane-sweep";
/// Current schema version of [`SweepRecord`].
pub const VERSION: u32 = 1;

/// One parameter and the values it takes, each canonical (parsed by that
/// parameter's own row), distinct, in canonical order: numbers ascending,
/// choices in menu order, batch sizes with `full` last, widths
/// lexicographically. Written `NAME:v1,v2,...`, widths joined by `-`
/// (`hidden:10-7-5,10-8-6`) so the list stays comma-separated.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The swept parameter's name.
    pub param: &'static str,
    /// Its values.
    pub values: Vec<Value>,
}

impl fmt::Display for Sweep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.param, self.texts().join(","))
    }
}

/// A value as a sweep writes it: its canonical text, widths joined by `-`.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Widths(ws) => ws
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join("-"),
        v => v.to_string(),
    }
}

/// Why `spec` cannot be swept, if it cannot.
fn check_sweepable(spec: &ParamSpec) -> Result<(), String> {
    match (spec.kind, spec.name) {
        (Kind::Preset, _) => Err(format!(
            "{} cannot be swept: a sweep varies one parameter of one experiment",
            spec.name
        )),
        (Kind::Sweep, _) => Err("a sweep cannot sweep sweeps".into()),
        (_, "seeds") => Err("seeds cannot be swept: every point runs every seed".into()),
        _ if !spec.group.is_experiment() => Err(format!(
            "{} is a figure option, not part of the experiment",
            spec.name
        )),
        _ => Ok(()),
    }
}

/// Whether `spec` can be swept: any experiment parameter but `preset`,
/// `seeds` and `sweep` (the rows a sweep builder offers).
pub fn is_sweepable(spec: &ParamSpec) -> bool {
    check_sweepable(spec).is_ok()
}

/// Canonical order of two values of `spec`.
fn order(spec: &ParamSpec, a: &Value, b: &Value) -> Ordering {
    let pos = |c: &str| match spec.kind {
        Kind::Choice(names) => names.iter().position(|n| *n == c),
        _ => None,
    };
    match (a, b) {
        (Value::Choice(x), Value::Choice(y)) => pos(x).cmp(&pos(y)),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        (Value::Widths(x), Value::Widths(y)) => x.cmp(y),
        (Value::Batch(x), Value::Batch(y)) => {
            (x.is_none(), x.unwrap_or(0)).cmp(&(y.is_none(), y.unwrap_or(0)))
        }
        _ => Ordering::Equal,
    }
}

impl Sweep {
    /// Parses `NAME:v1,v2,...` (empty: no sweep). Every error names
    /// `sweep` and says which value is bad.
    pub fn parse(raw: &str) -> Result<Option<Sweep>, ParamError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let err = |m: String| ParamError::new("sweep", m);
        let (name, list) = raw.split_once(':').ok_or_else(|| {
            err(format!(
                "\"{raw}\" is not NAME:v1,v2,… (e.g. bins:10,30,100)"
            ))
        })?;
        let name = name.trim();
        let spec = params::spec(name)
            .ok_or_else(|| err(format!("\"{name}\": {}", params::unknown(name).message)))?;
        check_sweepable(spec).map_err(err)?;
        let mut values = Vec::new();
        for item in list.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(err(format!("{name}: an empty value in \"{list}\"")));
            }
            values.push(
                spec.parse(item)
                    .map_err(|e| err(format!("{name} value \"{item}\": {}", e.message)))?,
            );
        }
        if values.len() > MAX_SWEEP_VALUES {
            return Err(err(format!(
                "{} values; a sweep takes at most {MAX_SWEEP_VALUES}",
                values.len()
            )));
        }
        values.sort_unstable_by(|a, b| order(spec, a, b));
        if let Some(w) = values.windows(2).find(|w| w[0] == w[1]) {
            return Err(err(format!(
                "{name} value {} is given twice",
                value_text(&w[0])
            )));
        }
        Ok(Some(Sweep {
            param: spec.name,
            values,
        }))
    }

    /// The values' texts (see [`value_text`]).
    pub fn texts(&self) -> Vec<String> {
        self.values.iter().map(value_text).collect()
    }

    /// `NAME=value` of point `i`, for messages and labels.
    pub fn label(&self, i: usize) -> String {
        format!("{}={}", self.param, value_text(&self.values[i]))
    }
}

/// `e` with the sweep point it arose at.
fn at_point(sweep: &Sweep, i: usize, e: ParamError) -> ParamError {
    ParamError {
        param: e.param,
        message: format!("{} (sweep point {})", e.message, sweep.label(i)),
    }
}

/// The canonical parameters of a sweep: the experiment only (no view
/// parameters), with the swept parameter at its preset's or default value
/// (every point overrides it, so its own value is not part of the sweep).
fn canonical(params: &Params) -> Result<(Params, Sweep), ParamError> {
    let mut p = params.without_view();
    let sweep = p
        .sweep()
        .cloned()
        .ok_or_else(|| ParamError::new("sweep", "no sweep is set (NAME:v1,v2,…)"))?;
    let base = p.base().text(sweep.param);
    if p.set(sweep.param, &base).is_err() {
        unreachable!("a base value parses");
    }
    Ok((p, sweep))
}

/// What training reads of a configuration: everything but the estimator
/// (the network noise `noise_std` included).
fn training_part(c: &Config) -> Config {
    Config {
        estimator: Estimator::ExactBinning,
        ..c.clone()
    }
}

/// True when the configurations (two or more) can share training: equal
/// but for what only the MI estimate reads (see the module docs).
pub fn shares_training(configs: &[Config]) -> bool {
    configs.len() > 1
        && configs
            .iter()
            .all(|c| training_part(c) == training_part(&configs[0]))
}

fn uses_run_range(est: &Estimator) -> bool {
    matches!(
        est,
        Estimator::UniformBinning {
            bins: BinSpec::Count(_),
            scope: RangeScope::Run,
        }
    )
}

/// A checked sweep: its points, their configurations, and whether they
/// share training.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    /// The sweep's canonical parameters (experiment only, the swept
    /// parameter at its base value).
    pub params: Params,
    /// The sweep.
    pub sweep: Sweep,
    /// One plain run per value ([`Params::sweep_points`]).
    pub points: Vec<Params>,
    /// Their configurations.
    pub configs: Vec<Config>,
    /// Whether each seed trains once for every point ([`shares_training`]).
    pub shared: bool,
}

impl SweepPlan {
    /// Checks every point of the sweep in `params`; an error names the
    /// parameter at fault and the point.
    pub fn new(params: &Params) -> Result<SweepPlan, ParamError> {
        let (params, sweep) = canonical(params)?;
        let points = params.sweep_points();
        let configs = points
            .iter()
            .enumerate()
            .map(|(i, p)| Config::from_params(p).map_err(|e| at_point(&sweep, i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        let shared = shares_training(&configs);
        Ok(SweepPlan {
            params,
            sweep,
            points,
            configs,
            shared,
        })
    }

    /// The data set of each point ([`Config::dataset`]; `provided` is the
    /// user's file for `dataset=custom`, or an image set already loaded).
    pub fn datasets(
        &self,
        provided: Option<Arc<Dataset>>,
    ) -> Result<Vec<Arc<Dataset>>, ParamError> {
        let mut out: Vec<Arc<Dataset>> = Vec::with_capacity(self.configs.len());
        for (i, c) in self.configs.iter().enumerate() {
            let same = (0..i).find(|&j| self.configs[j].data == c.data);
            out.push(match same {
                Some(j) => out[j].clone(),
                None => c
                    .dataset(provided.clone())
                    .map_err(|e| at_point(&self.sweep, i, e))?,
            });
        }
        Ok(out)
    }

    /// How many trainings the sweep runs: one per seed when shared, else
    /// one per (value, seed).
    pub fn trainings(&self) -> usize {
        let seeds = self.params.seeds();
        if self.shared {
            seeds
        } else {
            seeds * self.points.len()
        }
    }
}

/// An [`Event`] of one point of a sweep. With shared training every point
/// still receives its own `Started`, `Epoch` (its own MI), `Progress` and
/// `Finished` events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepEvent {
    /// The point (index into the sweep's values).
    pub point: usize,
    /// What happened.
    pub event: Event,
}

/// One training of a sweep: a seed and the points it serves (every point
/// when training is shared, else one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepJob {
    /// Indexes of the points (the sweep's values) this training serves.
    pub points: Vec<usize>,
    /// The seed.
    pub seed: u64,
}

impl SweepPlan {
    /// Every training of the sweep ([`SweepPlan::trainings`] of them): per
    /// seed when shared, else per value and seed (value-major). Each can
    /// run anywhere ([`SweepSeedRun`]); [`SweepPlan::record`] collects them.
    pub fn jobs(&self) -> Vec<SweepJob> {
        let n = self.points.len();
        if self.shared {
            self.points[0]
                .seed_list()
                .into_iter()
                .map(|seed| SweepJob {
                    points: (0..n).collect(),
                    seed,
                })
                .collect()
        } else {
            (0..n)
                .flat_map(|i| {
                    self.points[i]
                        .seed_list()
                        .into_iter()
                        .map(move |seed| SweepJob {
                            points: vec![i],
                            seed,
                        })
                })
                .collect()
        }
    }

    /// Checks every point's configuration against its data set (one per
    /// point, [`SweepPlan::datasets`]); errors name the parameter and point.
    pub fn check_data(&self, datasets: &[Arc<Dataset>]) -> Result<(), ParamError> {
        if datasets.len() != self.points.len() {
            return Err(ParamError::new(
                "dataset",
                format!(
                    "{} data sets for {} sweep points",
                    datasets.len(),
                    self.points.len()
                ),
            ));
        }
        for (i, (c, d)) in self.configs.iter().zip(datasets).enumerate() {
            c.check_data(d).map_err(|e| at_point(&self.sweep, i, e))?;
        }
        Ok(())
    }

    /// The sweep's record from the seed records of every job (in any
    /// order; [`SweepSeedRun::finish`] or [`SweepSeedRun::results`] give
    /// them as `(point, record)`).
    pub fn record(
        &self,
        datasets: &[Arc<Dataset>],
        results: Vec<(usize, SeedRecord)>,
    ) -> Result<SweepRecord, ParamError> {
        self.check_data(datasets)?;
        let mut per_point: Vec<Vec<SeedRecord>> = vec![Vec::new(); self.points.len()];
        for (p, r) in results {
            per_point
                .get_mut(p)
                .ok_or_else(|| ParamError::new("sweep", format!("no point {p}")))?
                .push(r);
        }
        let records = per_point
            .into_iter()
            .enumerate()
            .map(|(i, mut seeds)| {
                seeds.sort_unstable_by_key(|r| r.seed);
                let header = RunHeader::new(&self.configs[i], &datasets[i]);
                RunRecord::new(&self.points[i], &header, seeds)
            })
            .collect();
        SweepRecord::new(&self.params, records)
    }
}

/// Runs every (value, seed) pair of `plan` on `datasets` (one per point,
/// [`SweepPlan::datasets`]) and collects the sweep's record. Natively up to
/// `threads` trainings run at once; no result depends on the thread count.
/// `stop` and `now` are as for [`run_seed`](crate::run::run_seed). Events arrive on the calling
/// thread.
pub fn run_sweep(
    plan: &SweepPlan,
    datasets: &[Arc<Dataset>],
    threads: usize,
    emit: &mut dyn FnMut(SweepEvent),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<SweepRecord, ParamError> {
    plan.check_data(datasets)?;
    let jobs = plan.jobs();
    let results = run_jobs(plan, datasets, &jobs, threads, emit, stop, now)?;
    plan.record(datasets, results)
}

/// One job to the end (or until `stop()`), as [`run_seed`](crate::run::run_seed) runs a seed.
fn run_job(
    plan: &SweepPlan,
    datasets: &[Arc<Dataset>],
    job: &SweepJob,
    emit: &mut dyn FnMut(SweepEvent),
    stop: &dyn Fn() -> bool,
    now: &dyn Fn() -> f64,
) -> Result<Vec<(usize, SeedRecord)>, ParamError> {
    let data = datasets
        .get(job.points.first().copied().unwrap_or(usize::MAX))
        .cloned()
        .ok_or_else(|| ParamError::new("sweep", "a job without points"))?;
    let mut run = SweepSeedRun::start(plan, job, data, now(), emit)?;
    loop {
        if stop() {
            return Ok(run
                .finish(Status::Stopped, now(), emit)
                .expect("not finished yet"));
        }
        run.advance(16, f64::INFINITY, now, emit);
        if let Some(r) = run.results() {
            return Ok(r.to_vec());
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn run_jobs(
    plan: &SweepPlan,
    datasets: &[Arc<Dataset>],
    jobs: &[SweepJob],
    _threads: usize,
    emit: &mut dyn FnMut(SweepEvent),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<Vec<(usize, SeedRecord)>, ParamError> {
    let mut all = Vec::new();
    for job in jobs {
        all.extend(run_job(plan, datasets, job, emit, stop, now)?);
    }
    Ok(all)
}

#[cfg(not(target_arch = "wasm32"))]
fn run_jobs(
    plan: &SweepPlan,
    datasets: &[Arc<Dataset>],
    jobs: &[SweepJob],
    threads: usize,
    emit: &mut dyn FnMut(SweepEvent),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<Vec<(usize, SeedRecord)>, ParamError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    let threads = threads.clamp(1, jobs.len().max(1));
    if threads == 1 {
        let mut all = Vec::new();
        for job in jobs {
            all.extend(run_job(plan, datasets, job, emit, stop, now)?);
        }
        return Ok(all);
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<SweepEvent>();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let tx = tx.clone();
                let next = &next;
                scope.spawn(move || -> Result<Vec<(usize, SeedRecord)>, ParamError> {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        let Some(job) = jobs.get(k) else { break };
                        let mut send = |e: SweepEvent| {
                            let _ = tx.send(e);
                        };
                        out.extend(run_job(plan, datasets, job, &mut send, stop, now)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        drop(tx);
        for e in rx {
            emit(e);
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().expect("a sweep's thread panicked")?);
        }
        Ok(all)
    })
}

/// Seconds between progress events (as [`crate::run`]'s).
const PROGRESS_INTERVAL: f64 = 0.1;

/// One seed trained once for several points, each point's MI estimated
/// from the same activations.
#[derive(Debug)]
struct SharedRun {
    trainer: Trainer,
    points: Vec<usize>,
    cfgs: Vec<Config>,
    run_scope: Vec<bool>,
    widths: Vec<usize>,
    n_classes: usize,
    /// Per point, per logged epoch, per layer.
    mi: Vec<Vec<Vec<MiPair>>>,
    seed: u64,
    t0: f64,
    last_progress: f64,
}

impl SharedRun {
    fn start(
        plan: &SweepPlan,
        job: &SweepJob,
        data: Arc<Dataset>,
        now: f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) -> Result<SharedRun, ParamError> {
        let seed = job.seed;
        let cfgs: Vec<Config> = job
            .points
            .iter()
            .map(|&p| plan.configs[p].with_seed(seed))
            .collect();
        let run_scope: Vec<bool> = cfgs.iter().map(|c| uses_run_range(&c.estimator)).collect();
        // A range=run point's configuration makes the trainer keep the
        // run's range and weight snapshots; training never reads the
        // estimator.
        let lead = run_scope.iter().position(|&r| r).unwrap_or(0);
        let mut t = Trainer::new(&cfgs[lead], data.clone())?;
        t.set_defer_mi(true);
        // The largest K any point's noisy-sp needs; each uses its first K.
        t.set_cond_samples(
            cfgs.iter()
                .map(crate::train::cond_samples_of)
                .max()
                .unwrap_or(0),
        );
        for (i, &p) in job.points.iter().enumerate() {
            emit(SweepEvent {
                point: p,
                event: Event::Started {
                    seed,
                    logged: t.logged_epochs().to_vec(),
                    header: RunHeader::new(&cfgs[i], &data),
                },
            });
        }
        Ok(SharedRun {
            widths: t.layer_widths(),
            n_classes: data.n_classes(),
            trainer: t,
            points: job.points.clone(),
            mi: vec![Vec::new(); cfgs.len()],
            cfgs,
            run_scope,
            seed,
            t0: now,
            last_progress: now,
        })
    }

    fn progress(&self, at: f64, emit: &mut dyn FnMut(SweepEvent)) {
        for &p in &self.points {
            emit(SweepEvent {
                point: p,
                event: Event::Progress {
                    seed: self.seed,
                    epoch: self.trainer.epoch(),
                    epochs: self.trainer.epochs(),
                    seconds: at - self.t0,
                },
            });
        }
    }

    /// Every point's MI of the probe just taken, and its `Epoch` event.
    fn estimate(&mut self, rec: &EpochRecord, emit: &mut dyn FnMut(SweepEvent)) {
        let t = &self.trainer;
        let (_, labels) = t.mi_rows();
        let views: Vec<LayerView<'_>> = t
            .last_activations()
            .iter()
            .zip(&self.widths)
            .map(|(a, &width)| LayerView {
                data: a,
                rows: labels.len(),
                width,
            })
            .collect();
        let cond = t.cond_views(&self.widths);
        for (i, &p) in self.points.iter().enumerate() {
            let range = if self.run_scope[i] {
                t.run_range()
            } else {
                None
            };
            // A point without conditional samples of its own (K = 1, or
            // not noisy-sp) estimates as its own run would: without them.
            let own = if crate::train::cond_samples_of(&self.cfgs[i]) > 0 {
                &cond[..]
            } else {
                &[]
            };
            let pairs = estimate_layers_cond(
                &self.cfgs[i].estimator,
                &views,
                own,
                labels,
                self.n_classes,
                range,
            );
            emit(SweepEvent {
                point: p,
                event: Event::Epoch {
                    seed: self.seed,
                    record: EpochRecord {
                        ixt: pairs.iter().map(|m| m.ixt).collect(),
                        ity: pairs.iter().map(|m| m.ity).collect(),
                        ..rec.clone()
                    },
                },
            });
            self.mi[i].push(pairs);
        }
    }

    /// As [`SeedRun::advance`]; true once the run has ended.
    fn advance(
        &mut self,
        max_epochs: usize,
        deadline: f64,
        now: &dyn Fn() -> f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) -> bool {
        let mut failed = false;
        for _ in 0..max_epochs {
            if self.trainer.is_done() {
                break;
            }
            match self.trainer.step() {
                Ok(Some(rec)) => self.estimate(&rec, emit),
                Ok(None) => {}
                // The trainer records the failure and counts as done.
                Err(_) => {
                    failed = true;
                    break;
                }
            }
            let n = now();
            if n - self.last_progress >= PROGRESS_INTERVAL {
                self.last_progress = n;
                self.progress(n, emit);
            }
            if n >= deadline {
                break;
            }
        }
        self.progress(now(), emit);
        failed || self.trainer.is_done()
    }

    /// Ends the run as [`Trainer::finish`] would for each point: with
    /// `range=run`, every logged epoch again with the run's final range,
    /// from activations recomputed from the weight snapshots.
    fn finish(
        mut self,
        status: Status,
        now: f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) -> Vec<(usize, SeedRecord)> {
        if let Some(range) = self.trainer.run_range() {
            let mut acts = Vec::new();
            for k in 0..self.trainer.record().ixt.len() {
                if self.trainer.snapshot_activations(k, &mut acts).is_err() {
                    break;
                }
                let (_, labels) = self.trainer.mi_rows();
                let views: Vec<LayerView<'_>> = acts
                    .iter()
                    .zip(&self.widths)
                    .map(|(a, &width)| LayerView {
                        data: a,
                        rows: labels.len(),
                        width,
                    })
                    .collect();
                for i in (0..self.points.len()).filter(|&i| self.run_scope[i]) {
                    self.mi[i][k] = estimate_layers(
                        &self.cfgs[i].estimator,
                        &views,
                        labels,
                        self.n_classes,
                        Some(range),
                    );
                }
            }
        }
        let base = self.trainer.finish(status, now - self.t0);
        let seed = self.seed;
        self.points
            .iter()
            .zip(self.mi)
            .map(|(&p, pairs)| {
                let mut rec = base.clone();
                rec.ixt = pairs
                    .iter()
                    .map(|e| e.iter().map(|m| m.ixt).collect())
                    .collect();
                rec.ity = pairs
                    .iter()
                    .map(|e| e.iter().map(|m| m.ity).collect())
                    .collect();
                emit(SweepEvent {
                    point: p,
                    event: Event::Finished {
                        seed,
                        record: rec.clone(),
                    },
                });
                (p, rec)
            })
            .collect()
    }
}

#[derive(Debug)]
enum JobState {
    /// A point of its own: a plain [`SeedRun`].
    Single { point: usize, run: Box<SeedRun> },
    /// One training for several points.
    Shared(Box<SharedRun>),
    /// Ended; the records.
    Finished(Vec<(usize, SeedRecord)>),
}

/// One [`SweepJob`] advanced in slices, as [`SeedRun`] advances one seed:
/// a front end (a Web Worker) can interleave it with other work and pause,
/// step or stop it. With shared training each slice trains once and
/// estimates every point's MI; every point gets its own events. The
/// records are bit-identical to running each point's seed on its own.
#[derive(Debug)]
pub struct SweepSeedRun {
    state: JobState,
}

impl SweepSeedRun {
    /// Sets up job `job` of `plan` on `data` (the data set of its points,
    /// which share one when a job serves several) and emits every point's
    /// `Started`. `now` is the current time in seconds.
    pub fn start(
        plan: &SweepPlan,
        job: &SweepJob,
        data: Arc<Dataset>,
        now: f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) -> Result<SweepSeedRun, ParamError> {
        let state = match job.points.as_slice() {
            [] => return Err(ParamError::new("sweep", "a job without points")),
            [point] if !plan.shared => {
                let point = *point;
                let cfg = plan
                    .configs
                    .get(point)
                    .ok_or_else(|| ParamError::new("sweep", format!("no point {point}")))?
                    .with_seed(job.seed);
                let run = SeedRun::start(&cfg, data, now, &mut |event| {
                    emit(SweepEvent { point, event })
                })?;
                JobState::Single {
                    point,
                    run: Box::new(run),
                }
            }
            points => {
                if let Some(p) = points.iter().find(|&&p| p >= plan.points.len()) {
                    return Err(ParamError::new("sweep", format!("no point {p}")));
                }
                JobState::Shared(Box::new(SharedRun::start(plan, job, data, now, emit)?))
            }
        };
        Ok(SweepSeedRun { state })
    }

    /// The records once the job has ended, as `(point, record)`.
    pub fn results(&self) -> Option<&[(usize, SeedRecord)]> {
        match &self.state {
            JobState::Finished(r) => Some(r),
            _ => None,
        }
    }

    /// The next epoch to train (`None` once finished).
    pub fn epoch(&self) -> Option<usize> {
        match &self.state {
            JobState::Single { run, .. } => run.epoch(),
            JobState::Shared(s) => Some(s.trainer.epoch()),
            JobState::Finished(_) => None,
        }
    }

    /// Trains up to `max_epochs` epochs, returning early once `now()`
    /// passes `deadline`, as [`SeedRun::advance`]; when the run ends every
    /// point's `Finished` is emitted and [`SweepSeedRun::results`] holds
    /// the records.
    pub fn advance(
        &mut self,
        max_epochs: usize,
        deadline: f64,
        now: &dyn Fn() -> f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) {
        match &mut self.state {
            JobState::Single { point, run } => {
                let point = *point;
                let mut done = None;
                run.advance(max_epochs, deadline, now, &mut |event| {
                    if let Event::Finished { record, .. } = &event {
                        done = Some(record.clone());
                    }
                    emit(SweepEvent { point, event })
                });
                if let Some(r) = done {
                    self.state = JobState::Finished(vec![(point, r)]);
                }
            }
            JobState::Shared(s) => {
                if s.advance(max_epochs, deadline, now, emit) {
                    self.finish(Status::Done, now(), emit);
                }
            }
            JobState::Finished(_) => {}
        }
    }

    /// Ends the job (as `status` unless it failed), emits every point's
    /// `Finished` and returns the records (`None` if already finished).
    pub fn finish(
        &mut self,
        status: Status,
        now: f64,
        emit: &mut dyn FnMut(SweepEvent),
    ) -> Option<Vec<(usize, SeedRecord)>> {
        let state = std::mem::replace(&mut self.state, JobState::Finished(Vec::new()));
        let results = match state {
            JobState::Single { point, mut run } => {
                let rec =
                    run.finish(status, now, &mut |event| emit(SweepEvent { point, event }))?;
                vec![(point, rec)]
            }
            JobState::Shared(s) => s.finish(status, now, emit),
            JobState::Finished(r) => {
                self.state = JobState::Finished(r);
                return None;
            }
        };
        self.state = JobState::Finished(results.clone());
        Some(results)
    }
}

/// I(X;T) and I(T;Y) of one value and layer at one logged epoch, over the
/// seeds that logged it: mean and population standard deviation (divided
/// by n, not n − 1). A NaN value makes its mean and sd NaN (`null`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The swept parameter's value (as [`value_text`] writes it).
    pub value: String,
    /// The logged epoch (0-based).
    pub epoch: usize,
    /// The layer, from 1 (the output layer last).
    pub layer: usize,
    /// Its units.
    pub units: usize,
    /// Seeds that logged the epoch.
    pub n: usize,
    /// Mean I(X;T) over them, bits (Ĥ(T) for the knn estimator).
    #[serde(with = "nan_null")]
    pub ixt_mean: f64,
    /// Population standard deviation of I(X;T).
    #[serde(with = "nan_null")]
    pub ixt_sd: f64,
    /// Mean I(T;Y), bits.
    #[serde(with = "nan_null")]
    pub ity_mean: f64,
    /// Population standard deviation of I(T;Y).
    #[serde(with = "nan_null")]
    pub ity_sd: f64,
}

/// Mean and population standard deviation, summed in order.
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    (m, v.sqrt())
}

/// The summary rows of `points` (one per value in `values`) at logged
/// epoch `epoch`, or at each point's last logged epoch (the latest any of
/// its seeds logged). Points with no logged epoch have no rows.
fn summarise(values: &[String], points: &[RunRecord], epoch: Option<usize>) -> Vec<SummaryRow> {
    let points: Vec<(&[usize], &[SeedRecord])> = points
        .iter()
        .map(|p| (p.layers.as_slice(), p.seeds.as_slice()))
        .collect();
    summarise_points(values, &points, epoch)
}

/// [`SweepRecord::summary_at`] of points still running (or of any seed
/// records): per value, its layers' widths and its seeds' records so far.
/// A point not started yet (no layers) has no rows.
pub fn summarise_points(
    values: &[String],
    points: &[(&[usize], &[SeedRecord])],
    epoch: Option<usize>,
) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (value, &(layers, seeds)) in values.iter().zip(points) {
        let Some(e) = epoch.or_else(|| seeds.iter().filter_map(|s| s.epochs.last()).max().copied())
        else {
            continue;
        };
        let at: Vec<(&SeedRecord, usize)> = seeds
            .iter()
            .filter_map(|s| s.epochs.iter().position(|&x| x == e).map(|k| (s, k)))
            .collect();
        for (l, &units) in layers.iter().enumerate() {
            let pick = |f: fn(&SeedRecord) -> &Vec<Vec<f64>>| -> Vec<f64> {
                at.iter()
                    .map(|&(s, k)| f(s)[k].get(l).copied().unwrap_or(f64::NAN))
                    .collect()
            };
            let (ixt_mean, ixt_sd) = mean_sd(&pick(|s| &s.ixt));
            let (ity_mean, ity_sd) = mean_sd(&pick(|s| &s.ity));
            rows.push(SummaryRow {
                value: value.clone(),
                epoch: e,
                layer: l + 1,
                units,
                n: at.len(),
                ixt_mean,
                ixt_sd,
                ity_mean,
                ity_sd,
            });
        }
    }
    rows
}

/// Summary rows as CSV, one line per value and layer; the first column is
/// named after the swept parameter; NaN is an empty field; sd is the
/// population standard deviation over the `n` seeds.
pub fn summary_csv(param: &str, rows: &[SummaryRow]) -> String {
    let num = |v: f64| {
        if v.is_nan() {
            String::new()
        } else {
            format!("{v}")
        }
    };
    let mut out = format!("{param},epoch,layer,units,n,ixt_mean,ixt_sd,ity_mean,ity_sd\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.value,
            r.epoch,
            r.layer,
            r.units,
            r.n,
            num(r.ixt_mean),
            num(r.ixt_sd),
            num(r.ity_mean),
            num(r.ity_sd)
        ));
    }
    out
}

/// A whole sweep: its parameters, every point's run record and the summary.
/// The JSON `infoplane sweep` and `infoplane merge` write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// Always `"infoplane-sweep"`.
    pub format: String,
    /// Schema version.
    pub version: u32,
    /// The engine version that computed it ([`crate::versions::CURRENT`]
    /// of the CLI or page that ran it), as a run record's; absent in sweep
    /// records made before the field ([`crate::versions::BEFORE_ENGINE_FIELD`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The sweep as a query string (its `sweep=NAME:...`, the preset and
    /// the other parameters; the swept parameter's own value omitted).
    pub query: String,
    /// The swept parameter.
    pub param: String,
    /// Its values in the sweep's order (as [`value_text`] writes them).
    pub values: Vec<String>,
    /// One run record per value, in the same order.
    pub points: Vec<RunRecord>,
    /// Per value and layer at each point's last logged epoch (derived from
    /// `points`; recomputed on load).
    pub summary: Vec<SummaryRow>,
}

impl SweepRecord {
    /// The record of the sweep in `params` (canonicalised as
    /// [`SweepPlan::params`]) with one run record per value, in the
    /// sweep's order. Fails, naming `sweep`, unless each record is the run of
    /// its point.
    pub fn new(params: &Params, points: Vec<RunRecord>) -> Result<SweepRecord, ParamError> {
        let (params, sweep) = canonical(params)?;
        let expected = params.sweep_points();
        if points.len() != expected.len() {
            return Err(ParamError::new(
                "sweep",
                format!("{} run records for {} values", points.len(), expected.len()),
            ));
        }
        for (i, (p, e)) in points.iter().zip(&expected).enumerate() {
            let q = e.experiment_query();
            if p.query != q {
                return Err(ParamError::new(
                    "sweep",
                    format!(
                        "the record of {} is of \"{}\", expected \"{q}\"",
                        sweep.label(i),
                        p.query
                    ),
                ));
            }
        }
        let values = sweep.texts();
        let summary = summarise(&values, &points, None);
        Ok(SweepRecord {
            format: FORMAT.into(),
            version: VERSION,
            engine: Some(crate::versions::CURRENT.into()),
            query: params.experiment_query(),
            param: sweep.param.to_string(),
            values,
            points,
            summary,
        })
    }

    /// The engine version that made it (sweep records before the field:
    /// 0.1.0), as [`RunRecord::engine`].
    pub fn engine(&self) -> &str {
        self.engine
            .as_deref()
            .unwrap_or(crate::versions::BEFORE_ENGINE_FIELD)
    }

    /// The summary at logged epoch `epoch` (each point's last when `None`);
    /// values whose seeds did not log it get rows with `n = 0`
    /// and NaN statistics.
    pub fn summary_at(&self, epoch: Option<usize>) -> Vec<SummaryRow> {
        summarise(&self.values, &self.points, epoch)
    }

    /// The stored summary as CSV ([`summary_csv`]).
    pub fn to_csv(&self) -> String {
        summary_csv(&self.param, &self.summary)
    }

    /// Parses a sweep record and checks it: format and version, the query
    /// (a valid sweep of `param` over `values`), every point as
    /// [`RunRecord::validate`] does and as the run of its value. Errors
    /// name the field (`points[2].query: …`). The summary is recomputed.
    pub fn from_json(text: &str) -> Result<SweepRecord, String> {
        let mut r: SweepRecord = serde_json::from_str(text)
            .map_err(|e| format!("not an infoplane sweep record: {e}"))?;
        if r.format != FORMAT {
            return Err(format!("format: \"{}\", expected \"{FORMAT}\"", r.format));
        }
        if r.version != VERSION {
            return Err(format!(
                "version: {} is not supported (expected {VERSION})",
                r.version
            ));
        }
        let q = Params::from_query(&r.query, &[]);
        if let Some(e) = q.errors.first() {
            return Err(format!("query: {e}"));
        }
        let Some(sweep) = q.params.sweep() else {
            return Err("query: it has no sweep".into());
        };
        if sweep.param != r.param {
            return Err(format!(
                "param: \"{}\" is not the query's swept parameter ({})",
                r.param, sweep.param
            ));
        }
        if sweep.texts() != r.values {
            return Err(format!(
                "values: [{}] are not the query's ({sweep})",
                r.values.join(", ")
            ));
        }
        if r.points.len() != r.values.len() {
            return Err(format!(
                "points: {} run records for {} values",
                r.points.len(),
                r.values.len()
            ));
        }
        for (i, (p, e)) in r.points.iter_mut().zip(q.params.sweep_points()).enumerate() {
            p.validate().map_err(|m| format!("points[{i}]: {m}"))?;
            let expected = e.experiment_query();
            if p.query != expected {
                return Err(format!(
                    "points[{i}].query: \"{}\" is not the run of {} (\"{expected}\")",
                    p.query,
                    sweep.label(i)
                ));
            }
        }
        r.summary = r.summary_at(None);
        Ok(r)
    }

    /// Combines run records of one sweep's points, each labelled by its
    /// source (a file name) for messages, in any order, into the record
    /// `infoplane sweep` writes for that sweep: bit for bit the same when
    /// the runs are the same. The swept parameter is `param`, or else the
    /// one parameter whose values differ (if several differ, the one whose
    /// values are all distinct). Every other parameter must agree: an error
    /// names the one that differs and the two sources.
    pub fn merge(
        records: Vec<(String, RunRecord)>,
        param: Option<&str>,
    ) -> Result<SweepRecord, ParamError> {
        if records.is_empty() {
            return Err(ParamError::new("sweep", "no run records to merge"));
        }
        if records.len() > MAX_SWEEP_VALUES {
            return Err(ParamError::new(
                "sweep",
                format!(
                    "{} run records; a sweep takes at most {MAX_SWEEP_VALUES} values",
                    records.len()
                ),
            ));
        }
        let mut parsed = Vec::with_capacity(records.len());
        for (name, r) in &records {
            let q = Params::from_query(&r.query, &[]);
            if let Some(e) = q.errors.first() {
                return Err(ParamError::new("query", format!("{name}: {e}")));
            }
            if let Some(sw) = q.params.sweep() {
                return Err(ParamError::new(
                    "sweep",
                    format!("{name} is a sweep ({sw}), not the run of one point"),
                ));
            }
            parsed.push(q.params);
        }
        let name_of = |i: usize| records[i].0.as_str();
        let experiment: Vec<&'static ParamSpec> = params::PARAMS
            .iter()
            .filter(|s| s.group.is_experiment())
            .collect();
        let differ = |s: &ParamSpec| {
            parsed
                .iter()
                .any(|p| p.get(s.name) != parsed[0].get(s.name))
        };
        let differing: Vec<&'static ParamSpec> =
            experiment.iter().copied().filter(|s| differ(s)).collect();
        let all_distinct = |s: &ParamSpec| {
            (0..parsed.len())
                .all(|i| (0..i).all(|j| parsed[i].get(s.name) != parsed[j].get(s.name)))
        };
        let spec: &'static ParamSpec = match param {
            Some(n) => {
                let s = params::spec(n).ok_or_else(|| params::unknown(n))?;
                check_sweepable(s).map_err(|m| ParamError::new(s.name, m))?;
                s
            }
            None => {
                let distinct: Vec<&'static ParamSpec> = differing
                    .iter()
                    .copied()
                    .filter(|s| all_distinct(s))
                    .collect();
                match (differing.as_slice(), distinct.as_slice()) {
                    ([], _) if records.len() == 1 => {
                        return Err(ParamError::new(
                            "sweep",
                            "one run record: name the swept parameter",
                        ))
                    }
                    ([], _) => {
                        return Err(ParamError::new(
                            "sweep",
                            format!(
                                "{} and {} agree in every parameter: nothing is swept",
                                name_of(0),
                                name_of(1)
                            ),
                        ))
                    }
                    ([one], _) | (_, [one]) => one,
                    (many, _) => {
                        let names: Vec<&str> = many.iter().map(|s| s.name).collect();
                        return Err(ParamError::new(
                            names[0],
                            format!(
                                "the records differ in {}: a sweep varies one parameter",
                                names.join(", ")
                            ),
                        ));
                    }
                }
            }
        };
        check_sweepable(spec).map_err(|m| ParamError::new(spec.name, m))?;
        if let Some(s) = differing.iter().find(|s| s.name != spec.name) {
            let other = (1..parsed.len())
                .find(|&i| parsed[i].get(s.name) != parsed[0].get(s.name))
                .expect("it differs somewhere");
            return Err(ParamError::new(
                s.name,
                format!(
                    "{} ({}) and {} ({}) differ in it; only the swept parameter {} may",
                    name_of(0),
                    parsed[0].text(s.name),
                    name_of(other),
                    parsed[other].text(s.name),
                    spec.name
                ),
            ));
        }
        // The same parameters on different data (custom files); a sweep of
        // `dataset` itself changes the data on purpose.
        for i in (1..records.len()).filter(|_| spec.name != "dataset") {
            if records[i].1.dataset != records[0].1.dataset {
                return Err(ParamError::new(
                    "dataset",
                    format!(
                        "{} and {} were run on different data ({} and {})",
                        name_of(0),
                        name_of(i),
                        records[0].1.dataset.name,
                        records[i].1.dataset.name
                    ),
                ));
            }
        }
        let mut sorted: Vec<usize> = (0..records.len()).collect();
        sorted.sort_unstable_by(|&a, &b| {
            order(spec, parsed[a].get(spec.name), parsed[b].get(spec.name)).then(a.cmp(&b))
        });
        if let Some(w) = sorted
            .windows(2)
            .find(|w| parsed[w[0]].get(spec.name) == parsed[w[1]].get(spec.name))
        {
            return Err(ParamError::new(
                spec.name,
                format!(
                    "{} and {} are both runs of {}={}",
                    name_of(w[0]),
                    name_of(w[1]),
                    spec.name,
                    value_text(parsed[w[0]].get(spec.name))
                ),
            ));
        }
        let sweep = Sweep {
            param: spec.name,
            values: sorted
                .iter()
                .map(|&i| parsed[i].get(spec.name).clone())
                .collect(),
        };
        let mut sweep_params = parsed[0].clone();
        sweep_params.set("sweep", &sweep.to_string())?;
        let mut slots: Vec<Option<RunRecord>> = records.into_iter().map(|(_, r)| Some(r)).collect();
        let points = sorted
            .iter()
            .map(|&i| slots[i].take().expect("each record once"))
            .collect();
        SweepRecord::new(&sweep_params, points)
    }
}

#[cfg(test)]
mod tests;
