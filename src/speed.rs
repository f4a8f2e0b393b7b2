//! This browser's measured kernel speeds as the page shares them (the
//! estimate module measures them once; the estimates read them, and the
//! session when it decides where a run's MI is computed), and the rule
//! that keeps the measurement off busy cores: work sent to a worker stops
//! a measurement in progress, which starts again once no session runs.

use infoplane_core::cost::Speeds;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A measurement in progress: its worker, and what lives as long as it
/// (the worker's message handler).
type Measurement = (web_sys::Worker, Box<dyn std::any::Any>);

thread_local! {
    /// The measurement in progress, if any.
    static MEASURING: RefCell<Option<Measurement>> = const { RefCell::new(None) };
    /// A measurement was stopped for work and is still owed.
    static OWED: Cell<bool> = const { Cell::new(false) };
    /// Sessions running now.
    static RUNNING: Cell<usize> = const { Cell::new(0) };
    /// Starts a measurement.
    static MEASURE: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Records a measurement starting in `worker`, with its message handler
/// (kept until the measurement ends or is stopped).
pub(crate) fn measuring(worker: web_sys::Worker, handler: Box<dyn std::any::Any>) {
    end(MEASURING.with(|m| m.borrow_mut().replace((worker, handler))));
}

/// The measurement in progress ended (its result came, or it failed): its
/// worker stops and its handler goes.
pub(crate) fn measured() {
    end(MEASURING.with(|m| m.borrow_mut().take()));
}

/// Stops a measurement's worker and drops its handler once the event being
/// handled (perhaps by that handler) has returned.
fn end(m: Option<Measurement>) {
    if let Some((w, handler)) = m {
        w.set_onmessage(None);
        w.terminate();
        set_timeout(move || drop(handler), Default::default());
    }
}

/// How to start a measurement again once one was stopped for work.
pub(crate) fn on_measure_again(start: impl Fn() + 'static) {
    MEASURE.with(|m| *m.borrow_mut() = Some(Rc::new(start)));
}

/// Work is about to go to a worker: a measurement in progress would share
/// the cores with it and read slow (half speed on two cores), so it stops
/// and is owed until no session runs.
pub(crate) fn yield_to_work() {
    if let Some(m) = MEASURING.with(|m| m.borrow_mut().take()) {
        end(Some(m));
        OWED.with(|o| o.set(true));
    }
}

/// A session's running state changed from `was` to `now` (or was looked
/// at again); with no session running, an owed measurement starts.
pub(crate) fn session_running(was: bool, now: bool) {
    RUNNING.with(|r| match (was, now) {
        (false, true) => r.set(r.get() + 1),
        (true, false) => r.set(r.get().saturating_sub(1)),
        _ => {}
    });
    if RUNNING.with(Cell::get) == 0 && OWED.with(|o| o.replace(false)) {
        if let Some(f) = MEASURE.with(|m| m.borrow().clone()) {
            f();
        }
    }
}

/// This browser's measured speeds, shared by the page (`None` while the
/// one-off measurement runs).
#[derive(Clone, Copy)]
pub struct Speed(pub RwSignal<Option<SpeedsCopy>>);

/// [`Speeds`] as a plain value a signal can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedsCopy(pub [f64; 3]);

impl SpeedsCopy {
    /// As the core's type.
    pub fn speeds(self) -> Speeds {
        Speeds {
            dense_flops_per_s: self.0[0],
            bin_values_per_s: self.0[1],
            kde_pair_dims_per_s: self.0[2],
        }
    }
}
