//! Inside the Web Worker: one job at a time. A training job advances in
//! slices of a few tens of milliseconds and forwards its events in order,
//! a few times per second, each batch with a checkpoint at the boundary it
//! ends on, so the page can end the worker at any moment and continue
//! elsewhere. An MI job or a calibration runs to its end and answers.

use crate::protocol::{CheckpointMsg, FromWorker, SpeedsMsg, SweepTrainJob, ToWorker, TrainJob};
use infoplane_core::checkpoint::Checkpoint;
use infoplane_core::codec::Codec;
use infoplane_core::config::{Config, DataChoice};
use infoplane_core::cost;
use infoplane_core::data::Dataset;
use infoplane_core::mi_job::MiJob;
use infoplane_core::params::Params;
use infoplane_core::run::{Event, SeedRun};
use infoplane_core::sweep::{SweepEvent, SweepPlan, SweepSeedRun};
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Milliseconds of training between two looks at the message queue.
const SLICE_MS: f64 = 40.0;
/// Least time between two checkpoints sent to the page.
const CHECKPOINT_EVERY_MS: f64 = 200.0;
/// Least time between two batches of events sent to the page (the same as
/// checkpoints, which travel with them). Every message costs the page's
/// main thread a decode and an update of the card or lab: a message per
/// 40 ms slice from each of a letter card's twelve trainings was hundreds
/// per second, and took the main thread a large share of a core that the
/// trainings needed.
const POST_EVERY_MS: f64 = CHECKPOINT_EVERY_MS;

#[derive(Default)]
struct Job {
    run: Option<SeedRun>,
    /// A sweep's training instead (no checkpoints: a paused sweep starts
    /// its trainings afresh).
    sweep: Option<SweepSeedRun>,
    seed: u64,
    query: String,
    credits: usize,
    epochs_left: Option<usize>,
    scheduled: bool,
    last_checkpoint: f64,
    /// Events not yet sent, in order.
    pending: Vec<Event>,
    /// A sweep's events not yet sent, in order.
    sweep_pending: Vec<SweepEvent>,
    /// When events were last sent.
    last_post: f64,
}

thread_local! {
    static JOB: RefCell<Job> = RefCell::new(Job::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

/// Posts `msg` as bytes, handing its buffer over (no copy on the way).
fn post(msg: &FromWorker) {
    let bytes = js_sys::Uint8Array::from(&msg.to_bytes()[..]);
    let transfer = js_sys::Array::of1(&bytes.buffer());
    if let Err(e) = scope().post_message_with_transfer(&bytes, &transfer) {
        web_sys::console::error_1(&format!("cannot post a message: {e:?}").into());
    }
}

fn error(message: String) {
    post(&FromWorker::Error { message });
}

thread_local! {
    /// The port the next slice is posted to (see [`schedule`]).
    static TICK: Option<web_sys::MessagePort> = tick_port();
}

/// A channel whose first port runs a slice per message it receives; its
/// second port is returned to post to. `None` if the channel cannot be made.
fn tick_port() -> Option<web_sys::MessagePort> {
    let ch = web_sys::MessageChannel::new().ok()?;
    let on = Closure::<dyn FnMut()>::new(slice);
    ch.port1().set_onmessage(Some(on.as_ref().unchecked_ref()));
    // Lives as long as the worker.
    on.forget();
    Some(ch.port2())
}

/// Schedules the next slice through the event loop, so messages get in: a
/// message to itself, not `setTimeout(0)`, which browsers clamp to 4 ms
/// once nested (a tenth of a 40 ms slice).
fn schedule() {
    let already = JOB.with(|j| std::mem::replace(&mut j.borrow_mut().scheduled, true));
    if already {
        return;
    }
    let posted = TICK.with(|t| {
        t.as_ref()
            .is_some_and(|p| p.post_message(&wasm_bindgen::JsValue::NULL).is_ok())
    });
    if !posted {
        let cb = Closure::once_into_js(slice);
        let _ =
            scope().set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
    }
}

fn checkpoint_of(run: &SeedRun, seconds: f64) -> Option<CheckpointMsg> {
    let ck = run.checkpoint()?;
    Some(CheckpointMsg {
        logged: ck.logged_so_far(),
        epoch: ck.epoch(),
        bytes: ck.to_bytes(),
        seconds,
    })
}

fn slice() {
    if JOB.with(|j| j.borrow().sweep.is_some()) {
        return sweep_slice();
    }
    let mut out = Vec::new();
    let more = JOB.with(|j| {
        let mut j = j.borrow_mut();
        let j = &mut *j;
        j.scheduled = false;
        let Some(run) = j.run.as_mut() else {
            return false;
        };
        let events = &mut j.pending;
        let max = j.epochs_left.unwrap_or(usize::MAX);
        let deadline = (now_ms() + SLICE_MS) / 1e3;
        let before = run.epoch().unwrap_or(0);
        run.advance(max, deadline, &|| now_ms() / 1e3, &mut |e| events.push(e));
        let trained = run.epoch().map_or(0, |e| e - before);
        for (k, job) in run.take_deferred() {
            j.credits = j.credits.saturating_sub(1);
            out.push(FromWorker::Deferred {
                seed: j.seed,
                k,
                job: job.to_bytes(),
            });
        }
        if j.credits == 0 && run.is_deferring() {
            run.set_deferral(None);
        }
        let seconds = events.iter().rev().find_map(|e| match e {
            Event::Progress { seconds, .. } => Some(*seconds),
            _ => None,
        });
        let stepped = j.epochs_left.as_mut().is_some_and(|left| {
            *left = left.saturating_sub(trained);
            *left == 0
        });
        let now = now_ms();
        let finished = run.is_finished();
        let checkpoint = if !finished && (stepped || now - j.last_checkpoint >= CHECKPOINT_EVERY_MS)
        {
            j.last_checkpoint = now;
            checkpoint_of(run, seconds.unwrap_or(0.0))
        } else {
            None
        };
        // Events wait for the next checkpoint, unless the run ends, a job
        // leaves (the page then gets the events that opened it at once, as
        // before) or they waited long enough.
        let send = checkpoint.is_some()
            || finished
            || stepped
            || !out.is_empty()
            || now - j.last_post >= POST_EVERY_MS;
        // Deferred jobs go first: once the page holds the events (and the
        // checkpoint after them), it knows of every job they left open.
        for m in out.drain(..) {
            post(&m);
        }
        if send {
            j.last_post = now;
        }
        if stepped && !finished {
            let ck = checkpoint.expect("taken above");
            post(&FromWorker::Events {
                events: std::mem::take(&mut j.pending),
                checkpoint: None,
            });
            post(&FromWorker::Stepped { checkpoint: ck });
            j.run = None;
            return false;
        }
        if send {
            post(&FromWorker::Events {
                events: std::mem::take(&mut j.pending),
                checkpoint,
            });
        }
        !finished
    });
    if more {
        schedule();
    }
}

fn train(job: TrainJob, data: Option<Vec<u8>>) {
    let parsed = Params::from_query(&job.query, &[]);
    if let Some(e) = parsed.errors.first() {
        return error(e.to_string());
    }
    let provided = match data.as_deref().map(Dataset::from_bytes).transpose() {
        Ok(d) => d.map(Arc::new),
        Err(e) => return error(format!("dataset: {e}")),
    };
    let (cfg, data) = match Config::from_params(&parsed.params)
        .and_then(|c| Ok((c.with_seed(job.seed), c.dataset(provided)?)))
    {
        Ok(v) => v,
        Err(e) => return error(e.to_string()),
    };
    let mut events = Vec::new();
    let now = now_ms() / 1e3;
    let run = match job.resume {
        None => SeedRun::start(&cfg, data, now, &mut |e| events.push(e)).map_err(|e| e.to_string()),
        Some(r) => Checkpoint::from_bytes(&r.checkpoint)
            .map_err(|e| e.to_string())
            .and_then(|ck| {
                SeedRun::resume(&cfg, data, &ck, r.record, r.seconds, now, &mut |e| {
                    events.push(e)
                })
                .map_err(|e| format!("cannot continue the paused run: {e}"))
            }),
    };
    let mut run = match run {
        Ok(r) => r,
        Err(e) => return error(e),
    };
    if job.credits > 0 {
        run.set_deferral(Some(parsed.params.experiment_query()));
    }
    // Where the run allows it, deferred epochs leave as their weights and
    // the helper recomputes the activations (see `mi`).
    run.set_replay(true);
    JOB.with(|j| {
        *j.borrow_mut() = Job {
            run: Some(run),
            sweep: None,
            seed: job.seed,
            query: parsed.params.experiment_query(),
            credits: job.credits,
            epochs_left: job.max_epochs,
            scheduled: false,
            last_checkpoint: now_ms(),
            pending: Vec::new(),
            sweep_pending: Vec::new(),
            last_post: now_ms(),
        };
    });
    post(&FromWorker::Events {
        events,
        checkpoint: None,
    });
    schedule();
}

fn sweep_slice() {
    let (more, events) = JOB.with(|j| {
        let mut j = j.borrow_mut();
        let j = &mut *j;
        j.scheduled = false;
        let Some(run) = j.sweep.as_mut() else {
            return (false, None);
        };
        let deadline = (now_ms() + SLICE_MS) / 1e3;
        let events = &mut j.sweep_pending;
        run.advance(usize::MAX, deadline, &|| now_ms() / 1e3, &mut |e| {
            events.push(e)
        });
        let more = run.results().is_none();
        // As a training's (see `POST_EVERY_MS`); a sweep has no checkpoints.
        let now = now_ms();
        if !more || now - j.last_post >= POST_EVERY_MS {
            j.last_post = now;
            (more, Some(std::mem::take(&mut j.sweep_pending)))
        } else {
            (more, None)
        }
    });
    if let Some(events) = events {
        post(&FromWorker::SweepEvents { events });
    }
    if more {
        schedule();
    }
}

fn sweep(job: SweepTrainJob, data: Option<Vec<u8>>) {
    let parsed = Params::from_query(&job.query, &[]);
    if let Some(e) = parsed.errors.first() {
        return error(e.to_string());
    }
    let plan = match SweepPlan::new(&parsed.params) {
        Ok(p) => p,
        Err(e) => return error(e.to_string()),
    };
    let provided = match data.as_deref().map(Dataset::from_bytes).transpose() {
        Ok(d) => d.map(Arc::new),
        Err(e) => return error(format!("dataset: {e}")),
    };
    let data = match job
        .job
        .points
        .first()
        .and_then(|&p| plan.configs.get(p))
        .map(|c| c.dataset(provided))
    {
        Some(Ok(d)) => d,
        Some(Err(e)) => return error(e.to_string()),
        None => return error("sweep: a job without points".into()),
    };
    let mut events = Vec::new();
    let run = match SweepSeedRun::start(&plan, &job.job, data, now_ms() / 1e3, &mut |e| {
        events.push(e)
    }) {
        Ok(r) => r,
        Err(e) => return error(e.to_string()),
    };
    JOB.with(|j| {
        *j.borrow_mut() = Job {
            sweep: Some(run),
            last_post: now_ms(),
            ..Job::default()
        };
    });
    post(&FromWorker::SweepEvents { events });
    schedule();
}

thread_local! {
    /// The data set replay jobs run on, by its choice (built once).
    static REPLAY_DATA: RefCell<Option<(DataChoice, Arc<Dataset>)>> = const { RefCell::new(None) };
}

fn mi(id: u64, bytes: &[u8]) {
    let mut job = match MiJob::from_bytes(bytes) {
        Ok(j) => j,
        Err(e) => return error(format!("MI job: {e}")),
    };
    let cfg = match Config::from_params(&Params::from_query(&job.query, &[]).params) {
        Ok(c) => c,
        Err(e) => return error(e.to_string()),
    };
    if !job.params.is_empty() {
        // Replay jobs come from runs on a data set compiled in (var_u).
        let data = REPLAY_DATA.with(|d| {
            let mut d = d.borrow_mut();
            if d.as_ref().is_none_or(|(c, _)| *c != cfg.data) {
                *d = cfg.dataset(None).ok().map(|data| (cfg.data, data));
            }
            d.as_ref().map(|(_, data)| data.clone())
        });
        let Some(data) = data else {
            return error("MI job: its data set cannot be rebuilt here".into());
        };
        if let Err(e) = job.replay(&cfg, &data) {
            return error(format!("MI job: {e}"));
        }
    }
    post(&FromWorker::Mi {
        id,
        pairs: job.compute(&cfg.estimator),
    });
}

fn handle(msg: ToWorker, data: Option<Vec<u8>>) {
    match msg {
        ToWorker::Train(job) => train(*job, data),
        ToWorker::Sweep(job) => sweep(*job, data),
        ToWorker::Mi { id, job } => mi(id, &job),
        ToWorker::Credit { n } => JOB.with(|j| {
            let mut j = j.borrow_mut();
            j.credits += n;
            let query = j.query.clone();
            if let Some(run) = j.run.as_mut() {
                if !run.is_deferring() && n > 0 {
                    run.set_deferral(Some(query));
                }
            }
        }),
        ToWorker::Calibrate => {
            // The engine compiles wasm first with a fast baseline compiler
            // and re-compiles hot functions optimised in the background, so
            // the first passes time baseline code (one or two passes gave
            // estimates 2× too long, and 5× for KDE). Keep the fastest
            // figure of each kernel over three passes.
            let mut s = cost::calibrate(&|| now_ms() / 1e3);
            for _ in 0..2 {
                let b = cost::calibrate(&|| now_ms() / 1e3);
                s = cost::Speeds {
                    dense_flops_per_s: s.dense_flops_per_s.max(b.dense_flops_per_s),
                    bin_values_per_s: s.bin_values_per_s.max(b.bin_values_per_s),
                    kde_pair_dims_per_s: s.kde_pair_dims_per_s.max(b.kde_pair_dims_per_s),
                };
            }
            post(&FromWorker::Speeds(SpeedsMsg {
                dense_flops_per_s: s.dense_flops_per_s,
                bin_values_per_s: s.bin_values_per_s,
                kde_pair_dims_per_s: s.kde_pair_dims_per_s,
            }));
        }
    }
}

/// The worker's entry point: installs the message handler, then says "ready".
pub fn start() {
    console_error_panic_hook::set_once();
    // A message is an array: the message's bytes, then (for a training
    // job) the data set's.
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        let parts: js_sys::Array = ev.data().unchecked_into();
        let bytes = |i: u32| {
            let v = parts.get(i);
            (!v.is_undefined()).then(|| v.unchecked_into::<js_sys::Uint8Array>().to_vec())
        };
        match bytes(0).map(|b| ToWorker::from_bytes(&b)) {
            Some(Ok(msg)) => handle(msg, bytes(1)),
            Some(Err(e)) => error(format!("bad message to the worker: {e}")),
            None => error("bad message to the worker: no bytes".into()),
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready {
        build: crate::protocol::build_id(),
    });
}
