//! A run session: the runs of one experiment and the workers computing
//! them. The lab has one; each card of the letter page has its own. It sits
//! above the run state ([`Runs`]) and below the lab.

use crate::pool::{Pool, Report};
use crate::protocol::CustomData;
use crate::runs::Runs;
use infoplane_core::config::Config;
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use leptos::prelude::*;
use std::rc::Rc;

/// The records of one experiment and its workers.
#[derive(Clone, Copy)]
pub struct Session {
    /// The runs, as they stream in.
    pub runs: RwSignal<Runs>,
    pool: StoredValue<Pool, LocalStorage>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// An idle session.
    pub fn new() -> Self {
        Session {
            runs: RwSignal::new(Runs::default()),
            pool: StoredValue::new_local(Pool::default()),
        }
    }

    /// Starts the experiment `params` (one worker per seed, up to the
    /// cores). An invalid configuration leaves the session in the error
    /// state with the reason, naming the parameter.
    pub fn start(&self, params: Params, data: Option<CustomData>) {
        let runs = self.runs;
        let checked = Config::from_params(&params).and_then(|cfg| {
            // Custom data is read (and checked) on the page; the worker
            // receives it with the job.
            if data.is_none() {
                cfg.dataset(None).map(|_| ())
            } else {
                Ok(())
            }
        });
        if let Err(e) = checked {
            self.pool.with_value(Pool::reset);
            return runs.set(Runs::failed(e.to_string()));
        }
        let seeds = params.seed_list();
        let query = params.experiment_query();
        runs.set(Runs::queued(params));
        let report: Report = Rc::new(move |seed, outcome| {
            runs.update(|r| match outcome {
                Ok(events) => events.into_iter().for_each(|e| r.apply(e)),
                Err(message) => r.fail(seed, message),
            })
        });
        self.pool
            .with_value(|p| p.start(query, seeds, data, runs.get_untracked().paused, report));
    }

    /// Pauses every seed at its next epoch boundary.
    pub fn pause(&self) {
        self.pool.with_value(|p| p.set_paused(true));
        self.runs.update(|r| r.paused = true);
    }

    /// Resumes after a pause.
    pub fn resume(&self) {
        self.pool.with_value(|p| p.set_paused(false));
        self.runs.update(|r| r.paused = false);
    }

    /// Trains one more epoch of every running seed, staying paused.
    pub fn step(&self) {
        self.runs.update(|r| r.paused = true);
        self.pool.with_value(Pool::step);
    }

    /// Stops every seed at once: the workers end, the records keep what
    /// was logged, queued seeds never start.
    pub fn stop(&self) {
        self.pool.with_value(Pool::reset);
        self.runs.update(|r| r.end_all(Status::Stopped));
    }

    /// Forgets the run and its workers.
    pub fn reset(&self) {
        self.pool.with_value(Pool::reset);
        self.runs.set(Runs::default());
    }

    /// Shows a loaded (or finished) run instead of a computed one, freeing
    /// the workers.
    pub fn show(&self, runs: Runs) {
        self.pool.with_value(Pool::reset);
        self.runs.set(runs);
    }
}
