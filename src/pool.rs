//! A set of training workers: one Web Worker per seed running at a time
//! (up to the number of cores); queued seeds start as workers free up.
//! No SharedArrayBuffer, so the page works on static hosting and inside
//! third-party iframes. Each [`Session`](crate::session::Session) owns one.
//!
//! A worker that cannot be reached (a message that fails to encode or to
//! post) or that dies (a panic, out of memory) becomes its seed's error;
//! the other seeds go on.

use crate::protocol::{CustomData, FromWorker, ToWorker};
use infoplane_core::run::Event;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// What the pool reports for a seed: its events, or why it failed.
pub type Report = Rc<dyn Fn(u64, Result<Vec<Event>, String>)>;

struct Slot {
    worker: Worker,
    seed: Option<u64>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(ErrorEvent)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

#[derive(Default)]
struct Inner {
    slots: Vec<Option<Slot>>,
    queue: VecDeque<u64>,
    query: String,
    data: Option<Rc<CustomData>>,
    paused: bool,
    report: Option<Report>,
}

/// Workers running one experiment's seeds.
#[derive(Clone, Default)]
pub struct Pool(Rc<RefCell<Inner>>);

/// The worker script; a version query defeats stale caches (Trunk does not
/// hash worker files).
fn worker_url() -> String {
    format!("./worker_loader.js?v={}", env!("CARGO_PKG_VERSION"))
}

/// Posts `msg` to `worker`; the error says why it could not.
fn send(worker: &Worker, msg: &ToWorker) -> Result<(), String> {
    let v = serde_wasm_bindgen::to_value(msg)
        .map_err(|e| format!("cannot encode a message to the worker: {e}"))?;
    worker
        .post_message(&v)
        .map_err(|e| format!("cannot post a message to the worker: {e:?}"))
}

/// Workers to use: one per core.
pub fn max_workers() -> usize {
    let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).max(1)
}

impl Pool {
    /// Terminates every worker and forgets the queue.
    pub fn reset(&self) {
        let mut p = self.0.borrow_mut();
        p.slots.clear();
        p.queue.clear();
        p.report = None;
    }

    /// Runs `seeds` of the experiment `query`, reporting through `report`.
    pub fn start(
        &self,
        query: String,
        seeds: Vec<u64>,
        data: Option<CustomData>,
        paused: bool,
        report: Report,
    ) {
        self.reset();
        let n = max_workers().min(seeds.len());
        {
            let mut p = self.0.borrow_mut();
            p.query = query;
            p.data = data.map(Rc::new);
            p.queue = seeds.into();
            p.paused = paused;
            p.report = Some(report);
            p.slots = (0..n).map(|_| None).collect();
        }
        for i in 0..n {
            self.spawn(i);
        }
    }

    /// Starts a worker in slot `i`; it takes a seed once it says it is ready.
    fn spawn(&self, i: usize) {
        let weak = Rc::downgrade(&self.0);
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker = match Worker::new_with_options(&worker_url(), &options) {
            Ok(w) => w,
            Err(e) => {
                // No worker at all: every queued seed fails with the reason.
                let (report, queued) = {
                    let mut p = self.0.borrow_mut();
                    (p.report.clone(), p.queue.drain(..).collect::<Vec<_>>())
                };
                if let Some(report) = report {
                    for seed in queued {
                        report(seed, Err(format!("cannot start a worker: {e:?}")));
                    }
                }
                return;
            }
        };
        let w = weak.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let msg = serde_wasm_bindgen::from_value::<FromWorker>(ev.data())
                .map_err(|e| format!("bad message from the worker: {e}"));
            on_message(&w, i, msg);
        });
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            ev.prevent_default();
            let what = ev.message();
            on_death(
                &weak,
                i,
                format!(
                    "the worker stopped unexpectedly ({}); the seeds that finished are kept",
                    if what.is_empty() {
                        "out of memory or a crash".to_string()
                    } else {
                        what
                    }
                ),
            );
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        self.0.borrow_mut().slots[i] = Some(Slot {
            worker,
            seed: None,
            _onmessage: onmessage,
            _onerror: onerror,
        });
    }

    /// Pauses (or resumes) every busy worker; seeds that start later start paused.
    pub fn set_paused(&self, paused: bool) {
        self.0.borrow_mut().paused = paused;
        self.broadcast(if paused {
            ToWorker::Pause
        } else {
            ToWorker::Resume
        });
    }

    /// Trains one epoch of every busy worker's seed, then stays paused.
    pub fn step(&self) {
        self.0.borrow_mut().paused = true;
        self.broadcast(ToWorker::Step);
    }

    /// Sends a control message to every busy worker.
    fn broadcast(&self, msg: ToWorker) {
        let failed: Vec<(usize, String)> = {
            let p = self.0.borrow();
            p.slots
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((i, s.as_ref()?)))
                .filter(|(_, s)| s.seed.is_some())
                .filter_map(|(i, s)| send(&s.worker, &msg).err().map(|e| (i, e)))
                .collect()
        };
        for (i, e) in failed {
            on_death(&Rc::downgrade(&self.0), i, e);
        }
    }
}

/// Gives slot `i` the next queued seed; the seed fails if the job cannot
/// be posted, and the slot tries the next one.
fn feed(pool: &Rc<RefCell<Inner>>, i: usize) {
    loop {
        let (msg, paused) = {
            let mut p = pool.borrow_mut();
            let next = p.queue.pop_front();
            let Some(slot) = p.slots.get_mut(i).and_then(Option::as_mut) else {
                return;
            };
            slot.seed = next;
            let Some(seed) = next else { return };
            let msg = ToWorker::Start {
                query: p.query.clone(),
                seed,
                data: p.data.as_deref().cloned(),
            };
            (msg, p.paused)
        };
        let sent = {
            let p = pool.borrow();
            let slot = p.slots[i].as_ref().expect("slot exists");
            send(&slot.worker, &msg).and_then(|()| {
                if paused {
                    send(&slot.worker, &ToWorker::Pause)
                } else {
                    Ok(())
                }
            })
        };
        match sent {
            Ok(()) => return,
            Err(e) => {
                let (report, seed) = {
                    let p = pool.borrow();
                    (p.report.clone(), p.slots[i].as_ref().and_then(|s| s.seed))
                };
                if let (Some(report), Some(seed)) = (report, seed) {
                    report(seed, Err(e));
                }
            }
        }
    }
}

fn on_message(pool: &Weak<RefCell<Inner>>, i: usize, msg: Result<FromWorker, String>) {
    let Some(pool) = pool.upgrade() else { return };
    let (seed, report) = {
        let p = pool.borrow();
        let Some(slot) = p.slots.get(i).and_then(Option::as_ref) else {
            return;
        };
        (slot.seed, p.report.clone())
    };
    let (frees_worker, outcome) = match msg {
        Ok(FromWorker::Ready) => (true, None),
        Ok(FromWorker::Events { events }) => (
            events.iter().any(|e| matches!(e, Event::Finished { .. })),
            Some(Ok(events)),
        ),
        Ok(FromWorker::Error { message }) => (true, Some(Err(message))),
        Err(e) => (true, Some(Err(e))),
    };
    if let (Some(seed), Some(outcome), Some(report)) = (seed, outcome, report) {
        report(seed, outcome);
    }
    if frees_worker {
        feed(&pool, i);
    }
}

/// Slot `i`'s worker died or cannot be reached: its seed fails, a fresh
/// worker takes the slot for the seeds still queued.
fn on_death(pool: &Weak<RefCell<Inner>>, i: usize, message: String) {
    let Some(pool) = pool.upgrade() else { return };
    let (seed, report, more) = {
        let mut p = pool.borrow_mut();
        let Some(slot) = p.slots.get_mut(i).and_then(Option::take) else {
            return;
        };
        (slot.seed, p.report.clone(), !p.queue.is_empty())
    };
    if let (Some(seed), Some(report)) = (seed, report) {
        report(seed, Err(message));
    }
    if more {
        Pool(pool).spawn(i);
    }
}
