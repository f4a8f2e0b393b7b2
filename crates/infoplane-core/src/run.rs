//! Driving runs: the event stream (the one interface between compute and
//! any front end), single seeds, and run sets over several seeds.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::config::Config;
use crate::data::Dataset;
use crate::estimators::MiPair;
use crate::mi_job::MiJob;
use crate::params::{ParamError, Params};
use crate::record::{EpochRecord, RunHeader, RunRecord, SeedRecord, Status};
use crate::train::Trainer;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[cfg(not(target_arch = "wasm32"))]
mod helped;

/// What a run reports, in order: `Started`, then `Progress` and `Epoch`
/// events, then `Finished` (also after a stop or a failure).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// Externally tagged (serde's default): the page decodes this without
// buffering, which keeps the wasm smaller than an internally tagged enum.
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The seed's run is set up.
    Started {
        /// The seed.
        seed: u64,
        /// The logged epochs.
        logged: Vec<usize>,
        /// What every seed of the run shares.
        header: RunHeader,
    },
    /// Training advanced.
    Progress {
        /// The seed.
        seed: u64,
        /// Epochs trained so far.
        epoch: usize,
        /// Total epochs.
        epochs: usize,
        /// Seconds since the seed started.
        seconds: f64,
    },
    /// A logged epoch's measurements.
    Epoch {
        /// The seed.
        seed: u64,
        /// The measurements.
        record: EpochRecord,
    },
    /// The seed ended (done, stopped or failed); the final record.
    Finished {
        /// The seed.
        seed: u64,
        /// The whole record (with `range=run`, MI revised over the run's range).
        record: SeedRecord,
    },
}

/// Seconds between progress events.
const PROGRESS_INTERVAL: f64 = 0.1;

/// One seed's run, advanced in slices so a front end can interleave it with
/// other work (drawing, messages) and pause, step or stop it.
#[derive(Debug)]
pub struct SeedRun {
    trainer: Option<Trainer>,
    seed: u64,
    t0: f64,
    last_progress: f64,
    /// While deferring MI: the experiment's query (the jobs carry it).
    defer: Option<String>,
    /// Logged epochs whose MI was deferred, since the last
    /// [`SeedRun::take_deferred`]: (index among the logged epochs, job).
    deferred: Vec<(usize, MiJob)>,
}

impl SeedRun {
    /// Sets up the run and emits `Started`. `now` is the current time in seconds.
    pub fn start(
        cfg: &Config,
        data: Arc<Dataset>,
        now: f64,
        emit: &mut dyn FnMut(Event),
    ) -> Result<SeedRun, ParamError> {
        let header = RunHeader::new(cfg, &data);
        let t = Trainer::new(cfg, data)?;
        Ok(Self::started(t, cfg.seed, header, now, emit))
    }

    /// Continues a run from `ck` (a [`SeedRun::checkpoint`] taken `seconds`
    /// into the run), with the record as it was then; emits `Started`. The
    /// continuation is bit-identical to the uninterrupted run.
    pub fn resume(
        cfg: &Config,
        data: Arc<Dataset>,
        ck: &Checkpoint,
        record: SeedRecord,
        seconds: f64,
        now: f64,
        emit: &mut dyn FnMut(Event),
    ) -> Result<SeedRun, CheckpointError> {
        let header = RunHeader::new(cfg, &data);
        let t = Trainer::resume(cfg, data, ck, record)?;
        Ok(Self::started(t, cfg.seed, header, now - seconds, emit))
    }

    fn started(
        t: Trainer,
        seed: u64,
        header: RunHeader,
        t0: f64,
        emit: &mut dyn FnMut(Event),
    ) -> SeedRun {
        emit(Event::Started {
            seed,
            logged: t.logged_epochs().to_vec(),
            header,
        });
        SeedRun {
            trainer: Some(t),
            seed,
            t0,
            last_progress: t0,
            defer: None,
            deferred: Vec::new(),
        }
    }

    /// The state at the current epoch boundary (`None` once finished).
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        self.trainer.as_ref().map(Trainer::checkpoint)
    }

    /// Defers the MI of the coming logged epochs to whoever takes them
    /// ([`SeedRun::take_deferred`]; `query` is the experiment's, which the
    /// jobs carry), or stops deferring (`None`). Results are the same
    /// either way. `range=run` never defers: its MI is revised at the end
    /// from the whole run's range.
    pub fn set_deferral(&mut self, query: Option<String>) {
        let Some(t) = self.trainer.as_mut() else {
            return;
        };
        let on = query.is_some() && t.run_range().is_none();
        t.set_defer_mi(on);
        self.defer = if on { query } else { None };
    }

    /// Deferred logged epochs leave as replay jobs (the weights) where the
    /// run allows it ([`Trainer::set_defer_replay`]); for a receiver that
    /// calls [`MiJob::replay`] before [`MiJob::compute`].
    pub fn set_replay(&mut self, on: bool) {
        if let Some(t) = self.trainer.as_mut() {
            t.set_defer_replay(on);
        }
    }

    /// Whether the MI of the coming logged epochs is deferred.
    pub fn is_deferring(&self) -> bool {
        self.defer.is_some()
    }

    /// The MI jobs deferred since the last call: (index among the logged
    /// epochs, job).
    pub fn take_deferred(&mut self) -> Vec<(usize, MiJob)> {
        std::mem::take(&mut self.deferred)
    }

    /// Writes logged epoch `k`'s deferred MI (one pair per layer) into the
    /// seed's record (ignored once finished, or if `k` or `mi` do not fit).
    pub fn fill_mi(&mut self, k: usize, mi: &[MiPair]) {
        if let Some(t) = self.trainer.as_mut() {
            let _ = t.fill_mi(k, mi);
        }
    }

    /// True once `Finished` has been emitted.
    pub fn is_finished(&self) -> bool {
        self.trainer.is_none()
    }

    /// The next epoch to train.
    pub fn epoch(&self) -> Option<usize> {
        self.trainer.as_ref().map(Trainer::epoch)
    }

    /// Trains up to `max_epochs` epochs, returning early once `now()` passes
    /// `deadline`. Emits `Epoch` for logged epochs, `Progress` at most every
    /// 0.1 s (and at the end of the slice), and `Finished` when the run ends
    /// or fails.
    pub fn advance(
        &mut self,
        max_epochs: usize,
        deadline: f64,
        now: &dyn Fn() -> f64,
        emit: &mut dyn FnMut(Event),
    ) {
        let Some(t) = self.trainer.as_mut() else {
            return;
        };
        let seed = self.seed;
        let mut failed = false;
        for _ in 0..max_epochs {
            if t.is_done() {
                break;
            }
            match t.step() {
                Ok(Some(record)) => {
                    if let Some(q) = &self.defer {
                        self.deferred
                            .push((t.record().epochs.len() - 1, t.mi_job(q)));
                    }
                    emit(Event::Epoch { seed, record })
                }
                Ok(None) => {}
                Err(_) => {
                    failed = true;
                    break;
                }
            }
            let n = now();
            if n - self.last_progress >= PROGRESS_INTERVAL {
                self.last_progress = n;
                emit(Event::Progress {
                    seed,
                    epoch: t.epoch(),
                    epochs: t.epochs(),
                    seconds: n - self.t0,
                });
            }
            if n >= deadline {
                break;
            }
        }
        let n = now();
        emit(Event::Progress {
            seed,
            epoch: t.epoch(),
            epochs: t.epochs(),
            seconds: n - self.t0,
        });
        if failed || t.is_done() {
            self.finish(Status::Done, n, emit);
        }
    }

    /// Ends the run (as `status` unless it failed) and emits `Finished`.
    pub fn finish(
        &mut self,
        status: Status,
        now: f64,
        emit: &mut dyn FnMut(Event),
    ) -> Option<SeedRecord> {
        let t = self.trainer.take()?;
        let record = t.finish(status, now - self.t0);
        emit(Event::Finished {
            seed: self.seed,
            record: record.clone(),
        });
        Some(record)
    }
}

/// Runs one seed to the end (or until `stop()` returns true), sending every
/// event to `emit`. `now()` gives seconds from any fixed origin (the core
/// has no clock of its own: wasm has none in `std`).
pub fn run_seed(
    cfg: &Config,
    data: Arc<Dataset>,
    emit: &mut dyn FnMut(Event),
    stop: &dyn Fn() -> bool,
    now: &dyn Fn() -> f64,
) -> Result<SeedRecord, ParamError> {
    let mut run = SeedRun::start(cfg, data, now(), emit)?;
    loop {
        if stop() {
            return Ok(run
                .finish(Status::Stopped, now(), emit)
                .expect("not finished yet"));
        }
        // Small slices keep Ctrl-C responsive.
        let mut last = None;
        run.advance(16, f64::INFINITY, now, &mut |e| {
            if let Event::Finished { record, .. } = &e {
                last = Some(record.clone());
            }
            emit(e)
        });
        if let Some(r) = last {
            return Ok(r);
        }
    }
}

/// Runs the seeds of `params` ([`Params::seed_list`]) and collects the run
/// record. Natively, seeds run on up to `threads` threads; every seed's
/// result is the same whatever the thread count. Events arrive on the
/// calling thread.
pub fn run_set(
    params: &Params,
    cfg: &Config,
    data: Arc<Dataset>,
    threads: usize,
    emit: &mut dyn FnMut(Event),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<RunRecord, ParamError> {
    cfg.check_data(&data)?;
    let header = RunHeader::new(cfg, &data);
    let mut results = run_seeds(cfg, &data, &params.seed_list(), threads, emit, stop, now)?;
    results.sort_unstable_by_key(|r| r.seed);
    Ok(RunRecord::new(params, &header, results))
}

#[cfg(target_arch = "wasm32")]
fn run_seeds(
    cfg: &Config,
    data: &Arc<Dataset>,
    seeds: &[u64],
    _threads: usize,
    emit: &mut dyn FnMut(Event),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<Vec<SeedRecord>, ParamError> {
    seeds
        .iter()
        .map(|&s| run_seed(&cfg.with_seed(s), data.clone(), emit, stop, now))
        .collect()
}

/// Natively: seeds on up to `threads` threads; threads beyond the seeds
/// estimate the seeds' MI ([`helped`]).
#[cfg(not(target_arch = "wasm32"))]
fn run_seeds(
    cfg: &Config,
    data: &Arc<Dataset>,
    seeds: &[u64],
    threads: usize,
    emit: &mut dyn FnMut(Event),
    stop: &(dyn Fn() -> bool + Sync),
    now: &(dyn Fn() -> f64 + Sync),
) -> Result<Vec<SeedRecord>, ParamError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Mutex};
    let trainers = threads.clamp(1, seeds.len().max(1));
    let helpers = threads.saturating_sub(seeds.len());
    if trainers == 1 && helpers == 0 {
        return seeds
            .iter()
            .map(|&s| run_seed(&cfg.with_seed(s), data.clone(), emit, stop, now))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Event>();
    let (task_tx, task_rx) = mpsc::channel::<helped::Task>();
    let task_rx = Mutex::new(task_rx);
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| helped::serve(&task_rx));
        }
        let handles: Vec<_> = (0..trainers)
            .map(|_| {
                let tx = tx.clone();
                let task_tx = task_tx.clone();
                let next = &next;
                scope.spawn(move || -> Result<Vec<SeedRecord>, ParamError> {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        let Some(&s) = seeds.get(k) else { break };
                        let mut send = |e: Event| {
                            let _ = tx.send(e);
                        };
                        let cfg = cfg.with_seed(s);
                        out.push(if helpers > 0 {
                            helped::run_seed_helped(
                                &cfg,
                                data.clone(),
                                &task_tx,
                                &mut send,
                                stop,
                                now,
                            )?
                        } else {
                            run_seed(&cfg, data.clone(), &mut send, stop, now)?
                        });
                    }
                    Ok(out)
                })
            })
            .collect();
        // Helpers end once every seed's thread has dropped its sender.
        drop((tx, task_tx));
        for e in rx {
            emit(e);
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().expect("a seed's thread panicked")?);
        }
        Ok(all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short() -> (Params, Config) {
        let mut p = Params::default();
        p.set("epochs", "30").unwrap();
        p.set("log_samples", "10").unwrap();
        p.set("seeds", "2").unwrap();
        let cfg = Config::from_params(&p).unwrap();
        (p, cfg)
    }

    #[test]
    fn same_seed_gives_identical_records_and_threads_do_not_matter() {
        let (exp, cfg) = short();
        let data = Arc::new(crate::data::var_u());
        let clock = || 0.0;
        let a = run_set(&exp, &cfg, data.clone(), 1, &mut |_| {}, &|| false, &clock).unwrap();
        let b = run_set(&exp, &cfg, data.clone(), 2, &mut |_| {}, &|| false, &clock).unwrap();
        assert_eq!(a.seeds.len(), 2);
        assert_eq!(a.seeds[0].digest(), b.seeds[0].digest());
        assert_eq!(a.seeds[1].digest(), b.seeds[1].digest());
        assert_ne!(a.seeds[0].digest(), a.seeds[1].digest());
        assert_eq!(a.seeds[0].status, Status::Done);
        assert_eq!(a.seeds[0].epochs.len(), a.seeds[0].ixt.len());
        assert_eq!(a.layers, vec![10, 7, 5, 4, 3, 2]);
    }

    /// Fewer seeds than threads: the spare threads estimate the seeds' MI.
    /// Records are those of one thread, and every `Epoch` event still
    /// carries its MI, in order.
    #[test]
    fn idle_threads_estimate_mi_and_records_do_not_change() {
        let (mut exp, _) = short();
        exp.set("seeds", "1").unwrap();
        let cfg = Config::from_params(&exp).unwrap();
        let data = Arc::new(crate::data::var_u());
        let clock = || 0.0;
        let one = run_set(&exp, &cfg, data.clone(), 1, &mut |_| {}, &|| false, &clock).unwrap();
        for threads in [2, 4] {
            let mut epochs = Vec::new();
            let mut finished = 0;
            let rec = run_set(
                &exp,
                &cfg,
                data.clone(),
                threads,
                &mut |e| match e {
                    Event::Epoch { record, .. } => epochs.push(record),
                    Event::Finished { .. } => finished += 1,
                    _ => {}
                },
                &|| false,
                &clock,
            )
            .unwrap();
            assert_eq!(
                rec.seeds[0].digest(),
                one.seeds[0].digest(),
                "{threads} threads"
            );
            assert_eq!(finished, 1);
            let seed = &one.seeds[0];
            assert_eq!(epochs.len(), seed.epochs.len());
            for (k, e) in epochs.iter().enumerate() {
                assert_eq!(e.epoch, seed.epochs[k]);
                assert_eq!(e.ixt, seed.ixt[k], "epoch {}", e.epoch);
                assert!(e.ixt.iter().all(|v| v.is_finite()));
            }
        }
        // Two seeds on three threads: one helper serves both.
        exp.set("seeds", "2").unwrap();
        let a = run_set(&exp, &cfg, data.clone(), 1, &mut |_| {}, &|| false, &clock).unwrap();
        let b = run_set(&exp, &cfg, data, 3, &mut |_| {}, &|| false, &clock).unwrap();
        for (x, y) in a.seeds.iter().zip(&b.seeds) {
            assert_eq!(x.digest(), y.digest());
        }
    }

    /// A stop while helpers hold jobs ends the seed as stopped, with the MI
    /// of every epoch logged before it.
    #[test]
    fn a_helped_seed_stops_cleanly() {
        let (mut exp, _) = short();
        exp.set("seeds", "1").unwrap();
        let cfg = Config::from_params(&exp).unwrap();
        let data = Arc::new(crate::data::var_u());
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let stop = || calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 5;
        let rec = run_set(&exp, &cfg, data, 2, &mut |_| {}, &stop, &|| 0.0).unwrap();
        let seed = &rec.seeds[0];
        assert_eq!(seed.status, Status::Stopped);
        assert!(!seed.epochs.is_empty() && seed.epochs.len() < 30);
        // The MI of every epoch logged before the stop came back.
        assert!(seed.ixt.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn events_come_in_order_and_stop_is_clean() {
        let (_, cfg) = short();
        let data = Arc::new(crate::data::var_u());
        let mut events = Vec::new();
        let rec = run_seed(
            &cfg,
            data.clone(),
            &mut |e| events.push(e),
            &|| false,
            &|| 0.0,
        )
        .unwrap();
        assert!(matches!(events[0], Event::Started { .. }));
        assert!(matches!(events.last(), Some(Event::Finished { .. })));
        let n_epochs = events
            .iter()
            .filter(|e| matches!(e, Event::Epoch { .. }))
            .count();
        assert_eq!(n_epochs, rec.epochs.len());
        let stopped = run_seed(&cfg, data, &mut |_| {}, &|| true, &|| 0.0).unwrap();
        assert_eq!(stopped.status, Status::Stopped);
        assert!(stopped.epochs.is_empty());
    }

    #[test]
    fn a_diverging_run_fails_with_an_explanation() {
        let mut p = Params::default();
        p.set("epochs", "50").unwrap();
        p.set("optimizer", "sgd").unwrap();
        p.set("lr", "10").unwrap();
        p.set("activation", "linear").unwrap();
        p.set("hidden", "100,100,100,100").unwrap();
        let cfg = Config::from_params(&p).unwrap();
        let rec = run_seed(
            &cfg,
            Arc::new(crate::data::var_u()),
            &mut |_| {},
            &|| false,
            &|| 0.0,
        )
        .unwrap();
        assert_eq!(rec.status, Status::Failed);
        let msg = rec.message.unwrap();
        assert!(
            msg.contains("NaN or infinite") || msg.contains("loss became"),
            "{msg}"
        );
    }

    /// What a page does with a seed spread over workers: the run is paused
    /// (ended) and resumed from its checkpoint bytes, its MI is deferred,
    /// the jobs are computed elsewhere in any order and written back. The
    /// record equals the plain run's, bit for bit.
    #[test]
    fn deferred_mi_and_resumed_runs_give_the_plain_record() {
        let (p, cfg) = short();
        deferred_and_resumed(p, cfg);
        // A noisy network measured by noisy-sp: the jobs carry the K
        // conditional samples of every layer.
        let mut p = Params::default();
        for (k, v) in [
            ("epochs", "20"),
            ("log_samples", "6"),
            ("noise_std", "0.1"),
            ("estimator", "noisy-sp"),
            ("cond_samples", "4"),
            ("mi_rows", "test"),
        ] {
            p.set(k, v).unwrap();
        }
        let cfg = Config::from_params(&p).unwrap();
        deferred_and_resumed(p, cfg);
    }

    fn deferred_and_resumed(p: Params, cfg: Config) {
        let data = Arc::new(crate::data::var_u());
        let plain = run_seed(&cfg, data.clone(), &mut |_| {}, &|| false, &|| 0.0).unwrap();
        let query = p.experiment_query();
        let mut run = SeedRun::start(&cfg, data.clone(), 0.0, &mut |_| {}).unwrap();
        run.set_deferral(Some(query.clone()));
        let mut jobs = Vec::new();
        // A few epochs, then a pause: the checkpoint and the record so far
        // are all that survive the worker.
        run.advance(7, f64::INFINITY, &|| 0.0, &mut |_| {});
        jobs.extend(run.take_deferred());
        let ck = run.checkpoint().unwrap().to_bytes();
        let record = run.trainer.as_ref().unwrap().record().clone();
        drop(run);
        let ck = Checkpoint::from_bytes(&ck).unwrap();
        let mut run = SeedRun::resume(&cfg, data, &ck, record, 1.0, 2.0, &mut |_| {}).unwrap();
        run.set_deferral(Some(query));
        let mut last = None;
        while !run.is_finished() {
            run.advance(5, f64::INFINITY, &|| 0.0, &mut |e| {
                if let Event::Finished { record, .. } = e {
                    last = Some(record);
                }
            });
            jobs.extend(run.take_deferred());
        }
        let mut rec = last.unwrap();
        assert!(!jobs.is_empty());
        assert!(
            rec.ixt.iter().flatten().any(|v| v.is_nan()),
            "deferred MI is missing"
        );
        // Computed in reverse order, as idle workers might return them.
        for (k, job) in jobs.into_iter().rev() {
            let est = Config::from_params(&Params::from_query(&job.query, &[]).params)
                .unwrap()
                .estimator;
            let mi = job.compute(&est);
            rec.ixt[k] = mi.iter().map(|m| m.ixt).collect();
            rec.ity[k] = mi.iter().map(|m| m.ity).collect();
        }
        assert_eq!(rec.digest(), plain.digest());
    }
}
