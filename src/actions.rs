//! What the run buttons do: start, pause, resume, step, stop, reset. The
//! components only call these.

use crate::pool;
use crate::protocol::{FromWorker, ToWorker};
use crate::state::{Lab, Runs, SeedView};
use infoplane_core::config::{Config, DataChoice};
use infoplane_core::record::Status;
use leptos::prelude::*;
use std::rc::Rc;

/// Starts the experiment as edited: one worker per seed (up to the cores).
pub fn start(lab: Lab) {
    let exp = lab.experiment.get_untracked();
    let fail = |message: String| {
        lab.runs.set(Runs {
            error: Some(message),
            ..Default::default()
        })
    };
    let bad_fields = lab
        .field_errors
        .with_untracked(|f| f.keys().cloned().collect::<Vec<_>>());
    if !bad_fields.is_empty() {
        return fail(format!(
            "fix the invalid field(s) first: {}",
            bad_fields.join(", ")
        ));
    }
    let cfg = match Config::from_params(&exp.params) {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    let data = lab
        .custom
        .with_untracked(|c| c.as_ref().map(|(d, _)| d.clone()));
    if cfg.data == DataChoice::Custom && data.is_none() {
        return fail(
            "dataset: custom needs a data file; choose a CSV or MNIST IDX files under Data".into(),
        );
    }
    let seeds: Vec<u64> = (0..exp.seeds as u64).map(|k| cfg.seed + k).collect();
    let query = exp.to_query();
    lab.runs.set(Runs {
        query: query.clone(),
        experiment: Some(exp),
        seeds: seeds.iter().map(|&s| SeedView::queued(s)).collect(),
        ..Default::default()
    });
    let sink: pool::Sink = Rc::new(move |seed, msg| match msg {
        FromWorker::Events { events } => lab
            .runs
            .update(|r| events.into_iter().for_each(|e| r.apply(e))),
        FromWorker::Error { message } => lab.runs.update(|r| r.fail(seed, message)),
        FromWorker::Ready => {}
    });
    if let Err(e) = pool::start(
        query,
        seeds,
        if cfg.data == DataChoice::Custom {
            data
        } else {
            None
        },
        sink,
    ) {
        fail(e);
    }
}

/// Pauses every seed at its next epoch boundary.
pub fn pause(lab: Lab) {
    pool::broadcast(ToWorker::Pause);
    lab.runs.update(|r| r.paused = true);
}

/// Resumes after a pause.
pub fn resume(lab: Lab) {
    pool::broadcast(ToWorker::Resume);
    lab.runs.update(|r| r.paused = false);
}

/// Trains one more epoch of every running seed, staying paused.
pub fn step(lab: Lab) {
    lab.runs.update(|r| r.paused = true);
    pool::broadcast(ToWorker::Step);
}

/// Stops every seed; records keep what was logged. Queued seeds never start.
pub fn stop(lab: Lab) {
    let queued = pool::queued();
    pool::broadcast(ToWorker::Stop);
    lab.runs.update(|r| {
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

/// Forgets the run.
pub fn reset(lab: Lab) {
    pool::reset();
    lab.runs.set(Runs::default());
}
