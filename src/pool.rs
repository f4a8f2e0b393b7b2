//! The page's training workers: one Web Worker per seed running at a time
//! (up to the number of cores); queued seeds start as workers free up.
//! No SharedArrayBuffer, so the page works on static hosting and inside
//! third-party iframes.

use crate::protocol::{CustomData, FromWorker, ToWorker};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// What the pool reports to the page: the seed concerned and the message.
pub type Sink = Rc<dyn Fn(u64, FromWorker)>;

struct Slot {
    worker: Worker,
    seed: Option<u64>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
}

#[derive(Default)]
struct Pool {
    slots: Vec<Slot>,
    queue: VecDeque<u64>,
    query: String,
    data: Option<CustomData>,
    paused: bool,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

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

/// Workers to use: one per core, at most one per seed.
pub fn max_workers() -> usize {
    let cores = web_sys::window().map_or(2.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).max(1)
}

/// Starts the next queued seed on slot `i`, if any.
fn feed(pool: &mut Pool, i: usize) {
    let next = pool.queue.pop_front();
    let slot = &mut pool.slots[i];
    slot.seed = next;
    if let Some(seed) = next {
        send(
            &slot.worker,
            &ToWorker::Start {
                query: pool.query.clone(),
                seed,
                data: pool.data.clone(),
            },
        );
        if pool.paused {
            send(&slot.worker, &ToWorker::Pause);
        }
    }
}

/// Terminates every worker and forgets the queue.
pub fn reset() {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        for s in p.slots.drain(..) {
            s.worker.terminate();
        }
        p.queue.clear();
        p.paused = false;
    });
}

/// Runs `seeds` of the experiment `query`, reporting through `sink`.
pub fn start(
    query: String,
    seeds: Vec<u64>,
    data: Option<CustomData>,
    sink: Sink,
) -> Result<(), String> {
    reset();
    let n = max_workers().min(seeds.len());
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.query = query;
        p.data = data;
        p.queue = seeds.into();
        for i in 0..n {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Classic);
            let worker = Worker::new_with_options(&worker_url(), &options)
                .map_err(|e| format!("cannot start a worker: {e:?}"))?;
            let sink = sink.clone();
            let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                let msg = match serde_wasm_bindgen::from_value::<FromWorker>(ev.data()) {
                    Ok(m) => m,
                    Err(e) => FromWorker::Error {
                        message: format!("bad message from a worker: {e}"),
                    },
                };
                on_message(i, msg, &sink);
            });
            worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
            p.slots.push(Slot {
                worker,
                seed: None,
                _onmessage: onmessage,
            });
        }
        Ok(())
    })
}

fn on_message(i: usize, msg: FromWorker, sink: &Sink) {
    let (seed, next_msg) = POOL.with(|p| {
        let mut p = p.borrow_mut();
        let Some(slot) = p.slots.get(i) else {
            return (None, None);
        };
        let seed = slot.seed;
        match &msg {
            FromWorker::Ready => {
                feed(&mut p, i);
                (None, None)
            }
            FromWorker::Events { events } => {
                let finished = events
                    .iter()
                    .any(|e| matches!(e, infoplane_core::run::Event::Finished { .. }));
                if finished {
                    feed(&mut p, i);
                }
                (seed, Some(msg))
            }
            FromWorker::Error { .. } => {
                feed(&mut p, i);
                (seed, Some(msg))
            }
        }
    });
    if let (Some(seed), Some(m)) = (seed, next_msg) {
        sink(seed, m);
    }
}

/// Sends a control message to every busy worker.
pub fn broadcast(msg: ToWorker) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        match msg {
            ToWorker::Pause => p.paused = true,
            ToWorker::Resume => p.paused = false,
            _ => {}
        }
        if msg == ToWorker::Stop {
            p.queue.clear();
        }
        for s in p.slots.iter().filter(|s| s.seed.is_some()) {
            send(&s.worker, &msg);
        }
    });
}

/// Seeds still waiting for a worker.
pub fn queued() -> Vec<u64> {
    POOL.with(|p| p.borrow().queue.iter().copied().collect())
}
