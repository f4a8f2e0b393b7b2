//! What the lab's run buttons do. The components only call these.

use crate::state::{Lab, Runs};
use leptos::prelude::*;

/// Starts the experiment as edited.
pub fn start(lab: Lab) {
    let bad_fields = lab
        .field_errors
        .with_untracked(|f| f.keys().cloned().collect::<Vec<_>>());
    if !bad_fields.is_empty() {
        lab.runs.set(Runs {
            error: Some(format!(
                "fix the invalid field(s) first: {}",
                bad_fields.join(", ")
            )),
            ..Default::default()
        });
        return;
    }
    let data = lab
        .custom
        .with_untracked(|c| c.as_ref().map(|(d, _)| d.clone()));
    lab.session.start(lab.experiment.get_untracked(), data);
}

/// Pauses every seed at its next epoch boundary.
pub fn pause(lab: Lab) {
    lab.session.pause();
}

/// Resumes after a pause.
pub fn resume(lab: Lab) {
    lab.session.resume();
}

/// Trains one more epoch of every running seed, staying paused.
pub fn step(lab: Lab) {
    lab.session.step();
}

/// Stops every seed.
pub fn stop(lab: Lab) {
    lab.session.stop();
}

/// Forgets the run.
pub fn reset(lab: Lab) {
    lab.session.reset();
}
