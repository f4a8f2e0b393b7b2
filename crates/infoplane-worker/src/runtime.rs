//! Inside the Web Worker: one seed's run, advanced in slices of a few tens
//! of milliseconds so control messages (pause, step, stop) are handled
//! between slices; every event is forwarded to the page in order.

use crate::protocol::{FromWorker, ToWorker};
use infoplane_core::config::Config;
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use infoplane_core::run::{Event, SeedRun};
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Milliseconds of training between two looks at the message queue.
const SLICE_MS: f64 = 40.0;

#[derive(Default)]
struct Job {
    run: Option<SeedRun>,
    paused: bool,
    scheduled: bool,
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

fn post(msg: &FromWorker) {
    match serde_wasm_bindgen::to_value(msg) {
        Ok(v) => {
            let _ = scope().post_message(&v);
        }
        Err(e) => web_sys::console::error_1(&format!("cannot encode a message: {e}").into()),
    }
}

fn post_events(events: Vec<Event>) {
    if !events.is_empty() {
        post(&FromWorker::Events { events });
    }
}

/// Schedules the next slice through the event loop, so messages get in.
fn schedule() {
    let already = JOB.with(|j| std::mem::replace(&mut j.borrow_mut().scheduled, true));
    if already {
        return;
    }
    let cb = Closure::once_into_js(slice);
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
}

fn slice() {
    let mut events = Vec::new();
    let more = JOB.with(|j| {
        let mut j = j.borrow_mut();
        j.scheduled = false;
        if j.paused {
            return false;
        }
        let Some(run) = j.run.as_mut() else {
            return false;
        };
        let deadline = (now_ms() + SLICE_MS) / 1e3;
        run.advance(usize::MAX, deadline, &|| now_ms() / 1e3, &mut |e| {
            events.push(e)
        });
        !run.is_finished()
    });
    post_events(events);
    if more {
        schedule();
    }
}

fn handle(msg: ToWorker) {
    match msg {
        ToWorker::Start { query, seed, data } => {
            let parsed = Params::from_query(&query, &[]);
            if let Some(e) = parsed.errors.first() {
                return post(&FromWorker::Error {
                    message: e.to_string(),
                });
            }
            let custom = match data.map(|d| d.parse()).transpose() {
                Ok(d) => d.map(Arc::new),
                Err(message) => return post(&FromWorker::Error { message }),
            };
            let (cfg, dataset) = match Config::from_params(&parsed.params)
                .and_then(|c| Ok((c.with_seed(seed), c.dataset(custom)?)))
            {
                Ok(v) => v,
                Err(e) => {
                    return post(&FromWorker::Error {
                        message: e.to_string(),
                    })
                }
            };
            let mut events = Vec::new();
            match SeedRun::start(&cfg, dataset, now_ms() / 1e3, &mut |e| events.push(e)) {
                Ok(run) => JOB.with(|j| {
                    let mut j = j.borrow_mut();
                    j.run = Some(run);
                    j.paused = false;
                }),
                Err(e) => {
                    return post(&FromWorker::Error {
                        message: e.to_string(),
                    })
                }
            }
            post_events(events);
            schedule();
        }
        ToWorker::Pause => JOB.with(|j| j.borrow_mut().paused = true),
        ToWorker::Resume => {
            JOB.with(|j| j.borrow_mut().paused = false);
            schedule();
        }
        ToWorker::Step => {
            let mut events = Vec::new();
            JOB.with(|j| {
                let mut j = j.borrow_mut();
                j.paused = true;
                if let Some(run) = j.run.as_mut() {
                    run.advance(1, f64::INFINITY, &|| now_ms() / 1e3, &mut |e| {
                        events.push(e)
                    });
                }
            });
            post_events(events);
        }
        ToWorker::Stop => {
            let mut events = Vec::new();
            JOB.with(|j| {
                let mut j = j.borrow_mut();
                if let Some(run) = j.run.as_mut() {
                    run.finish(Status::Stopped, now_ms() / 1e3, &mut |e| events.push(e));
                }
                j.run = None;
            });
            post_events(events);
        }
    }
}

/// The worker's entry point: installs the message handler, then says "ready".
pub fn start() {
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        match serde_wasm_bindgen::from_value::<ToWorker>(ev.data()) {
            Ok(msg) => handle(msg),
            Err(e) => post(&FromWorker::Error {
                message: format!("bad message to the worker: {e}"),
            }),
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready);
}
