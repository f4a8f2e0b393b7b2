//! Natively, a seed whose MI is done by idle threads: when a run has fewer
//! seeds than threads, the spare threads estimate the MI of the seeds'
//! logged epochs ([`MiJob`]s) while the seeds train on. The browser's pool
//! does the same with idle workers. Records are bit-identical to a plain
//! run's whatever the number of threads: a job's estimate is the trainer's
//! own ([`MiJob::compute`]).

use super::{Event, SeedRun};
use crate::config::Config;
use crate::data::Dataset;
use crate::estimators::{Estimator, MiPair};
use crate::mi_job::MiJob;
use crate::params::ParamError;
use crate::record::{EpochRecord, SeedRecord, Status};
use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Bytes of activations a seed may have waiting at helpers; beyond it the
/// seed estimates its own MI until they catch up (memory stays bounded
/// when a helper is slower than training, e.g. wide layers early in a
/// log-spaced schedule).
const MAX_WAITING_BYTES: usize = 32 << 20;
/// Jobs a seed may have waiting at helpers.
const MAX_WAITING_JOBS: usize = 8;
/// Seconds between forwarded progress events (the run advances an epoch
/// at a time here, and reports each).
const PROGRESS_EVERY: f64 = 0.1;

/// One logged epoch's MI to estimate, and where the answer goes.
pub(super) struct Task {
    k: usize,
    job: MiJob,
    estimator: Estimator,
    reply: Sender<(usize, Vec<MiPair>)>,
}

/// A helper thread's loop: estimates tasks until every seed has ended
/// (the sending side is dropped).
pub(super) fn serve(tasks: &Mutex<Receiver<Task>>) {
    loop {
        // The lock is held only while waiting for the next task.
        let next = match tasks.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(t) = next else { return };
        // The seed may have stopped and gone: nobody to tell.
        let _ = t.reply.send((t.k, t.job.compute(&t.estimator)));
    }
}

/// [`super::run_seed`] with the MI of logged epochs sent to helpers over
/// `tasks` while there is room (see [`MAX_WAITING_BYTES`]). `Epoch` events
/// are held until their MI is back, so every event carries it, in order.
pub(super) fn run_seed_helped(
    cfg: &Config,
    data: Arc<Dataset>,
    tasks: &Sender<Task>,
    emit: &mut dyn FnMut(Event),
    stop: &dyn Fn() -> bool,
    now: &dyn Fn() -> f64,
) -> Result<SeedRecord, ParamError> {
    let estimator = cfg.estimator;
    let mut run = SeedRun::start(cfg, data, now(), emit)?;
    let (reply, answers) = channel::<(usize, Vec<MiPair>)>();
    // Dropped at the end, so that waiting ends if a helper dies with a job.
    let mut reply = Some(reply);
    // Epoch events in order, each with its MI once known (None: waiting).
    let mut held: VecDeque<(EpochRecord, Option<Vec<MiPair>>)> = VecDeque::new();
    // Index among the logged epochs of `held`'s front.
    let mut held_from = 0usize;
    let mut waiting: Vec<(usize, usize)> = Vec::new(); // (k, bytes)
    let mut last_progress = f64::NEG_INFINITY;
    // The latest progress not yet forwarded (sent before `Finished`).
    let mut unsent = None;
    let mut events = Vec::new();
    loop {
        let bytes: usize = waiting.iter().map(|w| w.1).sum();
        let room = waiting.len() < MAX_WAITING_JOBS && bytes < MAX_WAITING_BYTES;
        // Deferral is off for range=run (SeedRun decides): then nothing waits.
        run.set_deferral(room.then(String::new));
        if stop() {
            run.finish(Status::Stopped, now(), &mut |e| events.push(e));
        } else {
            // One epoch at a time while deferring, so at most one job more
            // than the limits allow is ever waiting.
            let n = if run.is_deferring() { 1 } else { 16 };
            run.advance(n, f64::INFINITY, now, &mut |e| events.push(e));
        }
        for (k, job) in run.take_deferred() {
            let Some(reply) = &reply else { break };
            waiting.push((k, 4 * job.floats()));
            let task = Task {
                k,
                job,
                estimator,
                reply: reply.clone(),
            };
            if let Err(back) = tasks.send(task) {
                // No helper left (cannot happen while this seed runs, as
                // the run set keeps them): estimate here.
                let t = back.0;
                let _ = reply.send((t.k, t.job.compute(&t.estimator)));
            }
        }
        let mut finished = None;
        for e in events.drain(..) {
            match e {
                Event::Epoch { record, .. } => {
                    // A deferred epoch has NaN MI until its answer arrives;
                    // one estimated here is complete.
                    let k = held_from + held.len();
                    let deferred = waiting.iter().any(|w| w.0 == k);
                    held.push_back((record, (!deferred).then(Vec::new)));
                }
                Event::Progress { seconds, .. } => {
                    if seconds - last_progress >= PROGRESS_EVERY {
                        last_progress = seconds;
                        unsent = None;
                        emit(e);
                    } else {
                        unsent = Some(e);
                    }
                }
                Event::Finished { record, .. } => finished = Some(record),
                e => emit(e),
            }
        }
        // At the end, wait for every answer; before it, take what came.
        if finished.is_some() {
            reply = None;
        }
        loop {
            let answer = if finished.is_some() && !waiting.is_empty() {
                answers.recv().ok()
            } else {
                answers.try_recv().ok()
            };
            let Some((k, mi)) = answer else { break };
            waiting.retain(|w| w.0 != k);
            // Into the seed's record, and the epoch's event if still held.
            match finished.as_mut() {
                Some(rec) => {
                    rec.set_mi(k, &mi);
                }
                None => run.fill_mi(k, &mi),
            }
            if let Some(slot) = k.checked_sub(held_from).and_then(|i| held.get_mut(i)) {
                slot.1 = Some(mi);
            }
        }
        while held.front().is_some_and(|h| h.1.is_some()) {
            let Some((mut record, Some(mi))) = held.pop_front() else {
                break;
            };
            if !mi.is_empty() {
                record.ixt = mi.iter().map(|p| p.ixt).collect();
                record.ity = mi.iter().map(|p| p.ity).collect();
            }
            held_from += 1;
            emit(Event::Epoch {
                seed: cfg.seed,
                record,
            });
        }
        if let Some(record) = finished {
            let seed = cfg.seed;
            // Only when an answer never came (a helper died): those epochs
            // keep NaN MI, in their events as in the record.
            for (record_k, _) in held.drain(..) {
                emit(Event::Epoch {
                    seed,
                    record: record_k,
                });
            }
            if let Some(p) = unsent.take() {
                emit(p);
            }
            emit(Event::Finished {
                seed,
                record: record.clone(),
            });
            return Ok(record);
        }
    }
}
