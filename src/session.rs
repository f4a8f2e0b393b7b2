//! A run session: the runs of one experiment and the workers computing
//! them. The lab has one; each card of the letter page has its own.

use crate::pool::{Pool, Sink};
use crate::protocol::{CustomData, FromWorker, ToWorker};
use crate::state::{Runs, SeedView};
use infoplane_core::config::{Config, DataChoice};
use infoplane_core::params::Experiment;
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

    /// Starts `exp` (one worker per seed, up to the cores). An invalid
    /// configuration leaves the session in the error state with the reason.
    pub fn start(&self, exp: Experiment, data: Option<CustomData>) {
        let runs = self.runs;
        let fail = |message: String| {
            runs.set(Runs {
                error: Some(message),
                ..Default::default()
            })
        };
        let cfg = match Config::from_params(&exp.params) {
            Ok(c) => c,
            Err(e) => return fail(e.to_string()),
        };
        if cfg.data == DataChoice::Custom && data.is_none() {
            return fail(
                "dataset: custom needs a data file; choose a CSV or MNIST IDX files under Data"
                    .into(),
            );
        }
        let seeds: Vec<u64> = (0..exp.seeds as u64).map(|k| cfg.seed + k).collect();
        let query = exp.to_query();
        runs.set(Runs {
            query: query.clone(),
            experiment: Some(exp),
            seeds: seeds.iter().map(|&s| SeedView::queued(s)).collect(),
            ..Default::default()
        });
        let sink: Sink = Rc::new(move |seed, msg| match msg {
            FromWorker::Events { events } => {
                runs.update(|r| events.into_iter().for_each(|e| r.apply(e)))
            }
            FromWorker::Error { message } => runs.update(|r| r.fail(seed, message)),
            FromWorker::Ready => {}
        });
        let data = if cfg.data == DataChoice::Custom {
            data
        } else {
            None
        };
        if let Err(e) = self.pool.with_value(|p| p.start(query, seeds, data, sink)) {
            fail(e);
        }
    }

    /// Pauses every seed at its next epoch boundary.
    pub fn pause(&self) {
        self.pool.with_value(|p| p.broadcast(ToWorker::Pause));
        self.runs.update(|r| r.paused = true);
    }

    /// Resumes after a pause.
    pub fn resume(&self) {
        self.pool.with_value(|p| p.broadcast(ToWorker::Resume));
        self.runs.update(|r| r.paused = false);
    }

    /// Trains one more epoch of every running seed, staying paused.
    pub fn step(&self) {
        self.runs.update(|r| r.paused = true);
        self.pool.with_value(|p| p.broadcast(ToWorker::Step));
    }

    /// Stops every seed; records keep what was logged. Queued seeds never start.
    pub fn stop(&self) {
        let queued = self.pool.with_value(Pool::queued);
        self.pool.with_value(|p| p.broadcast(ToWorker::Stop));
        self.runs.update(|r| {
            r.paused = false;
            for s in r
                .seeds
                .iter_mut()
                .filter(|s| queued.contains(&s.seed) || !s.started)
            {
                s.ended = Some(Status::Stopped);
            }
        });
    }

    /// Forgets the run and its workers.
    pub fn reset(&self) {
        self.pool.with_value(Pool::reset);
        self.runs.set(Runs::default());
    }

    /// Shows a loaded record instead of a computed one.
    pub fn show(&self, runs: Runs) {
        self.pool.with_value(Pool::reset);
        self.runs.set(runs);
    }
}
