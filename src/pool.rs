//! The workers of one run: up to one Web Worker per core. Seeds queue for
//! a worker; a worker with no seed to train estimates the mutual
//! information of logged epochs that trainers defer to it (so one seed on
//! a four-core machine uses all four), when the estimator's work outweighs
//! handing the job over (a replay job's weights always; activations for
//! KDE and noisy-sp, not for binning). No SharedArrayBuffer, so the page
//! works on static hosting and inside third-party iframes. Each
//! `Session` (session.rs) owns one.
//!
//! Nothing waits for a worker: pausing and stopping end the workers at
//! once. A paused seed keeps the last checkpoint its trainer sent (at most
//! ~0.2 s of work old, or one epoch for heavy runs) and a new worker
//! continues from it bit-identically; the epochs logged after that
//! checkpoint are dropped and logged again. A worker that cannot be
//! reached or that dies (a panic, out of memory) fails its seed; the other
//! seeds go on.

use crate::protocol::{
    build_id, CheckpointMsg, FromWorker, Resume, SweepTrainJob, ToWorker, TrainJob, STALE_BUILD,
};
use crate::runs::Report;
use infoplane_core::codec::Codec;
use infoplane_core::record::SeedRecord;
use infoplane_core::run::Event;
use infoplane_core::sweep::SweepJob;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Receives the pool's reports.
pub type Sink = Rc<dyn Fn(u64, Report)>;

/// Receives the number of workers training and estimating MI, on change.
pub type WorkerStatus = Rc<dyn Fn(usize, usize)>;

/// The worker script: the content-hashed loader the page names in its
/// `<meta name="infoplane-worker">` (scripts/trunk-post-build), so a cached
/// worker of another build is never taken; else (a build without the hook)
/// the plain loader with the build as a query.
pub fn worker_url() -> String {
    crate::browser::meta("infoplane-worker")
        .unwrap_or_else(|| format!("./worker_loader.js?v={}", build_id()))
}

thread_local! {
    static WORKER_LIMIT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Workers a run uses: one per core, or the page's `workers=` setting.
pub fn worker_limit() -> usize {
    WORKER_LIMIT.with(|w| w.get()).unwrap_or_else(|| {
        let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
        (cores as usize).max(1)
    })
}

/// Sets the number of workers runs use (`None`: one per core).
pub fn set_worker_limit(n: Option<usize>) {
    WORKER_LIMIT.with(|w| w.set(n.map(|n| n.max(1))));
}

/// What a worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Task {
    /// Starting: it takes work once it says it is ready.
    Starting,
    /// Waiting for work.
    Idle,
    /// Training a seed.
    Train(u64),
    /// Estimating MI job `id`.
    Mi(u64),
}

struct Slot {
    worker: Worker,
    /// Which spawn this is: a message from an earlier worker of the same
    /// index (queued before it was ended) must not reach this one's seed.
    spawn_id: u64,
    task: Task,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(ErrorEvent)>,
}

impl Slot {
    /// Ends the worker and detaches its handlers, so that events it queued
    /// before it ended are never dispatched (to closures about to be
    /// dropped, or to the seed a new worker of this index runs).
    fn end(&self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.end();
    }
}

/// Where a seed stands.
#[derive(Clone, Debug)]
enum SeedState {
    /// Not started.
    Queued,
    /// In a worker (with the last checkpoint it sent).
    Running(Option<CheckpointMsg>),
    /// Paused, with the checkpoint to continue from (`None`: from the start).
    Parked(Option<CheckpointMsg>),
    /// Done, stopped or failed.
    Ended,
}

/// One deferred MI job.
#[derive(Clone, Debug)]
struct MiTask {
    seed: u64,
    k: usize,
    job: Rc<Vec<u8>>,
}

#[derive(Default)]
struct Inner {
    slots: Vec<Option<Slot>>,
    query: String,
    /// A sweep's trainings, when the run is a sweep (its units are the
    /// indexes of these jobs; otherwise the units are seeds).
    sweep_jobs: Option<Vec<SweepJob>>,
    /// The rows (`Dataset::to_bytes`), copied once into JavaScript memory.
    data: Option<js_sys::Uint8Array>,
    seeds: BTreeMap<u64, SeedState>,
    order: Vec<u64>,
    mi_queue: VecDeque<MiTask>,
    mi_running: BTreeMap<u64, MiTask>,
    next_id: u64,
    /// Workers spawned so far (each slot's `spawn_id`).
    next_spawn: u64,
    /// The records of parked seeds as of their checkpoints, for the jobs
    /// that continue them.
    resume_records: BTreeMap<u64, SeedRecord>,
    /// Ended workers whose message handlers may still be on the stack;
    /// dropped on the next turn of the event loop.
    graveyard: Vec<Slot>,
    /// Stepping one epoch while paused.
    stepping: bool,
    /// Whether idle workers take the trainers' MI ([`Pool::start`]).
    defer_mi: bool,
    status: Option<WorkerStatus>,
    /// Last (training, estimating) counts reported.
    counts: (usize, usize),
    sink: Option<Sink>,
}

/// How a run uses workers.
#[derive(Clone, Copy, Debug)]
pub struct Workers {
    /// Workers at most (one per seed, up to this).
    pub count: usize,
    /// Whether workers without a seed estimate the trainers' logged
    /// epochs' MI ([`infoplane_core::cost::Cost::deferral_pays`]).
    pub defer_mi: bool,
}

/// Workers running one experiment's seeds.
#[derive(Clone, Default)]
pub struct Pool(Rc<RefCell<Inner>>);

/// Posts `msg` to `worker`, with the data set's bytes attached to a
/// training job; the error says why it could not.
pub(crate) fn send(
    worker: &Worker,
    msg: &ToWorker,
    data: Option<&js_sys::Uint8Array>,
) -> Result<(), String> {
    // [message bytes, data set bytes (a training job's)]; the message's
    // buffer is handed over, the data set's copied (it serves every seed).
    if matches!(
        msg,
        ToWorker::Train(_) | ToWorker::Sweep(_) | ToWorker::Mi { .. }
    ) {
        crate::speed::yield_to_work();
    }
    let bytes = js_sys::Uint8Array::from(&msg.to_bytes()[..]);
    let parts = js_sys::Array::of1(&bytes);
    if let (ToWorker::Train(_) | ToWorker::Sweep(_), Some(data)) = (msg, data) {
        parts.push(data);
    }
    worker
        .post_message_with_transfer(&parts, &js_sys::Array::of1(&bytes.buffer()))
        .map_err(|e| format!("cannot post a message to the worker: {e:?}"))
}

/// The message a worker sent (its bytes decoded).
pub(crate) fn received(ev: &MessageEvent) -> Result<FromWorker, String> {
    let data = ev.data();
    if !data.is_instance_of::<js_sys::Uint8Array>() {
        return Err("bad message from a worker: not bytes".into());
    }
    FromWorker::from_bytes(&data.unchecked_into::<js_sys::Uint8Array>().to_vec())
        .map_err(|e| format!("bad message from a worker: {e}"))
}

impl Pool {
    /// Ends every worker and forgets the run.
    pub fn reset(&self) {
        let old = std::mem::take(&mut *self.0.borrow_mut());
        if let Some(status) = &old.status {
            status(0, 0);
        }
        let mut dead: Vec<Slot> = old.slots.into_iter().flatten().collect();
        dead.extend(old.graveyard);
        retire(&self.0, dead);
    }

    /// Runs `seeds` of the experiment `query` on `workers`; `data` is the
    /// data set's bytes (none for var_u).
    pub fn start(
        &self,
        query: String,
        seeds: Vec<u64>,
        data: Option<&[u8]>,
        workers: Workers,
        sink: Sink,
        status: WorkerStatus,
    ) {
        self.reset();
        let (n, defer_mi) = (workers.count.max(1), workers.defer_mi);
        {
            let mut p = self.0.borrow_mut();
            p.query = query;
            p.defer_mi = defer_mi;
            p.data = data.map(js_sys::Uint8Array::from);
            p.seeds = seeds.iter().map(|&s| (s, SeedState::Queued)).collect();
            p.order = seeds;
            p.sink = Some(sink);
            p.status = Some(status);
            p.slots = (0..n).map(|_| None).collect();
        }
        for i in 0..n {
            spawn(&self.0, i);
        }
    }

    /// Runs the trainings `jobs` of the sweep `query` (units: the jobs'
    /// indexes); as [`Pool::start`] otherwise.
    pub fn start_sweep(
        &self,
        query: String,
        jobs: Vec<SweepJob>,
        data: Option<&[u8]>,
        workers: usize,
        sink: Sink,
        status: WorkerStatus,
    ) {
        let units = (0..jobs.len() as u64).collect();
        // A sweep's trainings defer no MI.
        let workers = Workers {
            count: workers,
            defer_mi: false,
        };
        self.start(query, units, data, workers, sink, status);
        self.0.borrow_mut().sweep_jobs = Some(jobs);
    }

    /// Pauses at once: ends every worker; running seeds keep their last
    /// checkpoint, MI jobs in flight go back to the queue.
    pub fn pause(&self) {
        self.park_all();
    }

    /// Ends every worker, parking the seeds they trained at their last
    /// checkpoint: their records go back to it now (the later epochs will
    /// be logged again, identically), with the MI jobs of those epochs.
    fn park_all(&self) {
        let (slots, rewinds, sink) = {
            let mut p = self.0.borrow_mut();
            p.stepping = false;
            let running: Vec<MiTask> = std::mem::take(&mut p.mi_running).into_values().collect();
            for t in running.into_iter().rev() {
                p.mi_queue.push_front(t);
            }
            let mut rewinds = Vec::new();
            for (&seed, s) in p.seeds.iter_mut() {
                if let SeedState::Running(ck) = s {
                    let ck = ck.take();
                    rewinds.push((
                        seed,
                        ck.as_ref().map_or(0, |c| c.logged),
                        ck.as_ref().map_or(0, |c| c.epoch),
                    ));
                    *s = SeedState::Parked(ck);
                }
            }
            for &(seed, logged, _) in &rewinds {
                p.mi_queue.retain(|t| t.seed != seed || t.k < logged);
            }
            let n = p.slots.len();
            let slots = std::mem::replace(&mut p.slots, (0..n).map(|_| None).collect());
            (slots, rewinds, p.sink.clone())
        };
        retire(&self.0, slots.into_iter().flatten().collect());
        if let Some(sink) = sink {
            for (seed, logged, epoch) in rewinds {
                sink(seed, Report::Rewind { logged, epoch });
            }
        }
    }

    /// Continues after a pause: the seeds' records up to their checkpoints
    /// come from `records` (the session's).
    pub fn resume(&self, records: &dyn Fn(u64) -> SeedRecord) {
        self.restart(false, records);
    }

    /// While paused, trains one more epoch of every started seed, then
    /// stays paused.
    pub fn step(&self, records: &dyn Fn(u64) -> SeedRecord) {
        self.restart(true, records);
    }

    fn restart(&self, stepping: bool, records: &dyn Fn(u64) -> SeedRecord) {
        // A step may still be running (the session calls this only while
        // paused, when no other worker is).
        self.park_all();
        let parked: Vec<u64> = {
            let mut p = self.0.borrow_mut();
            p.stepping = stepping;
            p.seeds
                .iter()
                .filter(|(_, s)| matches!(s, SeedState::Parked(_)))
                .map(|(&seed, _)| seed)
                .collect()
        };
        // The records as cut back travel with the resumed jobs.
        let n = {
            let mut p = self.0.borrow_mut();
            p.resume_records = parked.iter().map(|&s| (s, records(s))).collect();
            if stepping {
                parked.len().min(p.slots.len())
            } else {
                p.slots.len()
            }
        };
        for i in 0..n {
            spawn(&self.0, i);
        }
    }

    /// Seeds that have not ended, in seed order.
    pub fn unfinished(&self) -> Vec<u64> {
        let p = self.0.borrow();
        p.order
            .iter()
            .copied()
            .filter(|s| !matches!(p.seeds.get(s), Some(SeedState::Ended)))
            .collect()
    }
}

/// Starts a worker in slot `i`; it takes work once it says it is ready.
fn spawn(pool: &Rc<RefCell<Inner>>, i: usize) {
    let weak = Rc::downgrade(pool);
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Classic);
    let worker = match Worker::new_with_options(&worker_url(), &options) {
        Ok(w) => w,
        Err(e) => return fail_all(pool, format!("cannot start a worker: {e:?}")),
    };
    let spawn_id = {
        let mut p = pool.borrow_mut();
        p.next_spawn += 1;
        p.next_spawn
    };
    let w = weak.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        on_message(&w, i, spawn_id, received(&ev));
    });
    let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
        ev.prevent_default();
        let what = ev.message();
        let what = if what.is_empty() {
            "out of memory or a crash".to_string()
        } else {
            what
        };
        on_death(
            &weak,
            i,
            spawn_id,
            format!("its worker stopped unexpectedly ({what})"),
        );
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    pool.borrow_mut().slots[i] = Some(Slot {
        worker,
        spawn_id,
        task: Task::Starting,
        _onmessage: onmessage,
        _onerror: onerror,
    });
}

/// Every seed that has not ended fails with `message` (nothing can run).
fn fail_all(pool: &Rc<RefCell<Inner>>, message: String) {
    let (sink, seeds) = {
        let mut p = pool.borrow_mut();
        let seeds: Vec<u64> = p
            .seeds
            .iter()
            .filter(|(_, s)| !matches!(s, SeedState::Ended))
            .map(|(&k, _)| k)
            .collect();
        for s in &seeds {
            p.seeds.insert(*s, SeedState::Ended);
        }
        p.mi_queue.clear();
        (p.sink.clone(), seeds)
    };
    if let Some(sink) = sink {
        for s in seeds {
            sink(s, Report::Failed(message.clone()));
        }
    }
}

/// What an idle slot should do next.
enum Next {
    Train(u64, Option<Box<Resume>>, Option<usize>),
    Mi(u64, MiTask),
    Nothing,
}

/// Gives slot `i` work: a parked or queued seed first, then a deferred MI
/// job. Seeds that cannot be posted fail, and the slot tries the next.
fn feed(pool: &Rc<RefCell<Inner>>, i: usize) {
    loop {
        let next = {
            let mut p = pool.borrow_mut();
            let p = &mut *p;
            if p.slots.get(i).and_then(Option::as_ref).is_none() {
                return;
            }
            // A sweep's trainings have no checkpoints: they do not step.
            let can_step = !(p.stepping && p.sweep_jobs.is_some());
            let parked = p
                .order
                .iter()
                .copied()
                .filter(|_| can_step)
                // Each parked seed continues once per resume or step: its
                // record as cut back is taken with it. (A worker that starts
                // late must not step a seed that another worker has stepped
                // already, from the start, while a seed waits unstepped.)
                .filter(|s| p.resume_records.contains_key(s))
                .find(|s| matches!(p.seeds.get(s), Some(SeedState::Parked(_))));
            let queued = || {
                p.order
                    .iter()
                    .copied()
                    .find(|s| matches!(p.seeds.get(s), Some(SeedState::Queued)))
            };
            if let Some(seed) = parked {
                let ck = match p.seeds.insert(seed, SeedState::Running(None)) {
                    Some(SeedState::Parked(ck)) => ck,
                    _ => None,
                };
                let record = p.resume_records.remove(&seed);
                let resume = match (ck, record) {
                    (Some(ck), Some(record)) => Some(Box::new(Resume {
                        checkpoint: ck.bytes,
                        record,
                        seconds: ck.seconds,
                    })),
                    _ => None,
                };
                Next::Train(seed, resume, p.stepping.then_some(1))
            } else if p.stepping {
                Next::Nothing
            } else if let Some(seed) = queued() {
                p.seeds.insert(seed, SeedState::Running(None));
                Next::Train(seed, None, None)
            } else if let Some(t) = p.mi_queue.pop_front() {
                let id = p.next_id;
                p.next_id += 1;
                p.mi_running.insert(id, t.clone());
                Next::Mi(id, t)
            } else {
                Next::Nothing
            }
        };
        let (task, msg) = match next {
            Next::Nothing => {
                // Nothing left at all: end the worker (it would only hold memory).
                let done = {
                    let p = pool.borrow();
                    !p.stepping
                        && p.mi_queue.is_empty()
                        && p.mi_running.is_empty()
                        && p.seeds.values().all(|s| matches!(s, SeedState::Ended))
                };
                if done {
                    bury(pool, i);
                } else {
                    set_task(pool, i, Task::Idle);
                }
                return;
            }
            Next::Train(seed, resume, max_epochs) => {
                let credits = idle_capacity(pool, seed);
                let (query, sweep_job) = {
                    let p = pool.borrow();
                    let job = p
                        .sweep_jobs
                        .as_ref()
                        .and_then(|jobs| jobs.get(seed as usize).cloned());
                    (p.query.clone(), job)
                };
                let msg = match sweep_job {
                    // A sweep's training starts afresh (it has no checkpoints).
                    Some(job) => ToWorker::Sweep(Box::new(SweepTrainJob { query, job })),
                    None => ToWorker::Train(Box::new(TrainJob {
                        query,
                        seed,
                        resume: resume.map(|r| *r),
                        max_epochs,
                        credits,
                    })),
                };
                (Task::Train(seed), msg)
            }
            Next::Mi(id, t) => (
                Task::Mi(id),
                ToWorker::Mi {
                    id,
                    job: t.job.as_ref().clone(),
                },
            ),
        };
        set_task(pool, i, task);
        let sent = {
            let p = pool.borrow();
            let slot = p.slots[i].as_ref().expect("checked above");
            send(&slot.worker, &msg, p.data.as_ref())
        };
        match sent {
            Ok(()) => return,
            Err(e) => {
                finish_task(pool, i, Some(e));
            }
        }
    }
}

fn set_task(pool: &Rc<RefCell<Inner>>, i: usize, task: Task) {
    if let Some(s) = pool.borrow_mut().slots.get_mut(i).and_then(Option::as_mut) {
        s.task = task;
    }
    notify(pool);
}

/// Tells the session how many workers train and how many estimate MI.
fn notify(pool: &Rc<RefCell<Inner>>) {
    let (status, counts) = {
        let mut p = pool.borrow_mut();
        let mut c = (0, 0);
        for s in p.slots.iter().flatten() {
            match s.task {
                Task::Train(_) => c.0 += 1,
                Task::Mi(_) => c.1 += 1,
                Task::Starting | Task::Idle => {}
            }
        }
        if c == p.counts {
            return;
        }
        p.counts = c;
        (p.status.clone(), c)
    };
    if let Some(status) = status {
        status(counts.0, counts.1);
    }
}

/// How many logged epochs a trainer starting now may defer: two per
/// worker that has no seed to train (none when every worker trains, or
/// when the run's MI costs less in place than in transit).
fn idle_capacity(pool: &Rc<RefCell<Inner>>, starting: u64) -> usize {
    let p = pool.borrow();
    if !p.defer_mi {
        return 0;
    }
    let training = p
        .seeds
        .iter()
        .filter(|(&s, st)| {
            s == starting
                || matches!(
                    st,
                    SeedState::Queued | SeedState::Running(_) | SeedState::Parked(_)
                )
        })
        .count();
    2 * p.slots.len().saturating_sub(training)
}

/// Slot `i`'s task ended (with `error`, its seed or MI job fails).
fn finish_task(pool: &Rc<RefCell<Inner>>, i: usize, error: Option<String>) {
    let (task, sink) = {
        let mut p = pool.borrow_mut();
        let task = p
            .slots
            .get_mut(i)
            .and_then(Option::as_mut)
            .map(|s| std::mem::replace(&mut s.task, Task::Idle));
        (task, p.sink.clone())
    };
    let Some(sink) = sink else { return };
    match (task, error) {
        (Some(Task::Train(seed)), Some(e)) => {
            pool.borrow_mut().seeds.insert(seed, SeedState::Ended);
            sink(seed, Report::Failed(e));
        }
        (Some(Task::Mi(id)), Some(e)) => {
            let t = pool.borrow_mut().mi_running.remove(&id);
            if let Some(t) = t {
                sink(
                    t.seed,
                    Report::Failed(format!("logged epoch {}'s MI: {e}", t.k + 1)),
                );
            }
        }
        _ => {}
    }
}

fn on_message(
    pool: &Weak<RefCell<Inner>>,
    i: usize,
    spawn_id: u64,
    msg: Result<FromWorker, String>,
) {
    let Some(pool) = pool.upgrade() else { return };
    let (task, sink) = {
        let p = pool.borrow();
        let Some(slot) = current_slot(&p, i, spawn_id) else {
            return;
        };
        (slot.task, p.sink.clone())
    };
    let Some(sink) = sink else { return };
    let msg = match msg {
        Ok(m) => m,
        Err(e) => {
            finish_task(&pool, i, Some(e));
            return feed(&pool, i);
        }
    };
    match msg {
        FromWorker::Ready { build } => {
            if build != build_id() {
                return fail_all(
                    &pool,
                    format!(
                        "{STALE_BUILD} (page {}, worker {build}): reload the page to get matching files",
                        build_id()
                    ),
                );
            }
            feed(&pool, i);
        }
        FromWorker::SweepEvents { events } => {
            let Task::Train(unit) = task else { return };
            let ended = events
                .iter()
                .any(|e| matches!(e.event, Event::Finished { .. }));
            let done = ended && {
                // Every point the training serves has finished.
                let p = pool.borrow();
                let n = p
                    .sweep_jobs
                    .as_ref()
                    .and_then(|j| j.get(unit as usize))
                    .map_or(1, |j| j.points.len());
                events
                    .iter()
                    .filter(|e| matches!(e.event, Event::Finished { .. }))
                    .count()
                    >= n
            };
            if done {
                pool.borrow_mut().seeds.insert(unit, SeedState::Ended);
            }
            sink(unit, Report::SweepEvents(events));
            if done {
                set_task(&pool, i, Task::Idle);
                feed(&pool, i);
                feed_idle(&pool);
            }
        }
        FromWorker::Events { events, checkpoint } => {
            let Task::Train(seed) = task else { return };
            let ended = events.iter().any(|e| matches!(e, Event::Finished { .. }));
            {
                let mut p = pool.borrow_mut();
                let state = if ended {
                    SeedState::Ended
                } else {
                    match (p.seeds.remove(&seed), checkpoint) {
                        (_, Some(ck)) => SeedState::Running(Some(ck)),
                        (Some(SeedState::Running(old)), None) => SeedState::Running(old),
                        _ => SeedState::Running(None),
                    }
                };
                p.seeds.insert(seed, state);
            }
            sink(seed, Report::Events(events));
            if ended {
                set_task(&pool, i, Task::Idle);
                feed(&pool, i);
                feed_idle(&pool);
            }
        }
        FromWorker::Deferred { seed, k, job } => {
            {
                let mut p = pool.borrow_mut();
                // A job re-sent after a resume replaces the old one.
                p.mi_queue.retain(|t| !(t.seed == seed && t.k == k));
                p.mi_queue.push_back(MiTask {
                    seed,
                    k,
                    job: Rc::new(job),
                });
            }
            sink(seed, Report::Pending(k));
            feed_idle(&pool);
        }
        FromWorker::Mi { id, pairs } => {
            let t = pool.borrow_mut().mi_running.remove(&id);
            if let Some(t) = t {
                sink(t.seed, Report::Mi(t.k, pairs));
                credit(&pool, t.seed);
            }
            set_task(&pool, i, Task::Idle);
            feed(&pool, i);
        }
        FromWorker::Stepped { checkpoint } => {
            let Task::Train(seed) = task else { return };
            {
                let mut p = pool.borrow_mut();
                p.seeds.insert(seed, SeedState::Parked(Some(checkpoint)));
            }
            // The worker is done with this step: end it.
            bury(&pool, i);
        }
        FromWorker::Speeds(_) => {}
        FromWorker::Error { message } => {
            finish_task(&pool, i, Some(message));
            feed(&pool, i);
        }
    }
}

/// Gives work to every idle worker.
fn feed_idle(pool: &Rc<RefCell<Inner>>) {
    let idle: Vec<usize> = pool
        .borrow()
        .slots
        .iter()
        .enumerate()
        .filter(|(_, s)| s.as_ref().is_some_and(|s| s.task == Task::Idle))
        .map(|(i, _)| i)
        .collect();
    for i in idle {
        feed(pool, i);
    }
}

/// Seed `seed`'s trainer may defer one more logged epoch.
fn credit(pool: &Rc<RefCell<Inner>>, seed: u64) {
    let p = pool.borrow();
    for s in p.slots.iter().flatten() {
        if s.task == Task::Train(seed) {
            let _ = send(&s.worker, &ToWorker::Credit { n: 1 }, None);
        }
    }
}

/// Slot `i` if it still holds the worker spawned as `spawn_id`: events of
/// a worker that was replaced (or retired) are ignored.
fn current_slot(p: &Inner, i: usize, spawn_id: u64) -> Option<&Slot> {
    p.slots
        .get(i)
        .and_then(Option::as_ref)
        .filter(|s| s.spawn_id == spawn_id)
}

/// Slot `i`'s worker died: its task fails, a fresh worker takes the slot.
fn on_death(pool: &Weak<RefCell<Inner>>, i: usize, spawn_id: u64, message: String) {
    let Some(pool) = pool.upgrade() else { return };
    if current_slot(&pool.borrow(), i, spawn_id).is_none() {
        return;
    }
    finish_task(&pool, i, Some(message));
    bury(&pool, i);
    spawn(&pool, i);
}

/// Ends slot `i`'s worker now; its handlers (which may be running: this is
/// often called from them) are dropped on the next turn of the event loop.
fn bury(pool: &Rc<RefCell<Inner>>, i: usize) {
    let slot = pool.borrow_mut().slots.get_mut(i).and_then(Option::take);
    retire(pool, slot.into_iter().collect());
}

/// Ends `slots`' workers now and drops them (their handlers) on the next
/// turn of the event loop.
fn retire(pool: &Rc<RefCell<Inner>>, slots: Vec<Slot>) {
    if slots.is_empty() {
        return;
    }
    for s in &slots {
        s.end();
    }
    pool.borrow_mut().graveyard.extend(slots);
    notify(pool);
    let weak = Rc::downgrade(pool);
    let clear = Closure::once_into_js(move || {
        if let Some(p) = weak.upgrade() {
            let dead = std::mem::take(&mut p.borrow_mut().graveyard);
            drop(dead);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(clear.unchecked_ref(), 0);
    }
}
