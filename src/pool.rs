//! A set of training workers: one Web Worker per seed running at a time
//! (up to the number of cores); queued seeds start as workers free up.
//! No SharedArrayBuffer, so the page works on static hosting and inside
//! third-party iframes. Each [`Session`](crate::session::Session) owns one.

use crate::protocol::{CustomData, FromWorker, ToWorker};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// What the pool reports: the seed concerned and the message.
pub type Sink = Rc<dyn Fn(u64, FromWorker)>;

struct Slot {
    worker: Worker,
    seed: Option<u64>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

#[derive(Default)]
struct Inner {
    slots: Vec<Slot>,
    queue: VecDeque<u64>,
    query: String,
    data: Option<CustomData>,
    paused: bool,
}

/// Workers running one experiment's seeds.
#[derive(Clone, Default)]
pub struct Pool(Rc<RefCell<Inner>>);

/// The worker script; a version query defeats stale caches (Trunk does not
/// hash worker files).
fn worker_url() -> String {
    format!("./worker_loader.js?v={}", env!("CARGO_PKG_VERSION"))
}

fn send(worker: &Worker, msg: &ToWorker) {
    if let Ok(v) = serde_wasm_bindgen::to_value(msg) {
        let _ = worker.post_message(&v);
    }
}

/// Workers to use: one per core.
pub fn max_workers() -> usize {
    let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).max(1)
}

impl Inner {
    /// Starts the next queued seed on slot `i`, if any.
    fn feed(&mut self, i: usize) {
        let next = self.queue.pop_front();
        let slot = &mut self.slots[i];
        slot.seed = next;
        if let Some(seed) = next {
            send(
                &slot.worker,
                &ToWorker::Start {
                    query: self.query.clone(),
                    seed,
                    data: self.data.clone(),
                },
            );
            if self.paused {
                send(&slot.worker, &ToWorker::Pause);
            }
        }
    }
}

impl Pool {
    /// Terminates every worker and forgets the queue.
    pub fn reset(&self) {
        let mut p = self.0.borrow_mut();
        for s in p.slots.drain(..) {
            s.worker.terminate();
        }
        p.queue.clear();
        p.paused = false;
    }

    /// Runs `seeds` of the experiment `query`, reporting through `sink`.
    pub fn start(
        &self,
        query: String,
        seeds: Vec<u64>,
        data: Option<CustomData>,
        sink: Sink,
    ) -> Result<(), String> {
        self.reset();
        let n = max_workers().min(seeds.len());
        let weak = Rc::downgrade(&self.0);
        let mut p = self.0.borrow_mut();
        p.query = query;
        p.data = data;
        p.queue = seeds.into();
        for i in 0..n {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Classic);
            let worker = Worker::new_with_options(&worker_url(), &options)
                .map_err(|e| format!("cannot start a worker: {e:?}"))?;
            let (sink, weak) = (sink.clone(), weak.clone());
            let onmessage =
                Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                    let msg = serde_wasm_bindgen::from_value::<FromWorker>(ev.data())
                        .unwrap_or_else(|e| FromWorker::Error {
                            message: format!("bad message from a worker: {e}"),
                        });
                    on_message(&weak, i, msg, &sink);
                });
            worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
            p.slots.push(Slot {
                worker,
                seed: None,
                _onmessage: onmessage,
            });
        }
        Ok(())
    }

    /// Sends a control message to every busy worker.
    pub fn broadcast(&self, msg: ToWorker) {
        let mut p = self.0.borrow_mut();
        match msg {
            ToWorker::Pause => p.paused = true,
            ToWorker::Resume => p.paused = false,
            ToWorker::Stop => p.queue.clear(),
            _ => {}
        }
        for s in p.slots.iter().filter(|s| s.seed.is_some()) {
            send(&s.worker, &msg);
        }
    }

    /// Seeds still waiting for a worker.
    pub fn queued(&self) -> Vec<u64> {
        self.0.borrow().queue.iter().copied().collect()
    }
}

fn on_message(pool: &Weak<RefCell<Inner>>, i: usize, msg: FromWorker, sink: &Sink) {
    let Some(pool) = pool.upgrade() else { return };
    let seed = {
        let mut p = pool.borrow_mut();
        let Some(slot) = p.slots.get(i) else { return };
        let seed = slot.seed;
        let frees_worker = match &msg {
            FromWorker::Ready => true,
            FromWorker::Events { events } => events
                .iter()
                .any(|e| matches!(e, infoplane_core::run::Event::Finished { .. })),
            FromWorker::Error { .. } => true,
        };
        if frees_worker {
            p.feed(i);
        }
        seed
    };
    if let (Some(seed), false) = (seed, matches!(msg, FromWorker::Ready)) {
        sink(seed, msg);
    }
}
