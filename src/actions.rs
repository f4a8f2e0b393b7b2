//! Starting the lab's run: the form's invalid fields block it; the run
//! controls (pause, step, stop, …) are the session's own.

use crate::lab::Lab;
use crate::runs::Runs;
use leptos::prelude::*;

/// Starts the experiment as edited.
pub fn start(lab: Lab) {
    lab.held.set(false);
    let bad_fields = lab
        .field_errors
        .with_untracked(|f| f.keys().cloned().collect::<Vec<_>>());
    if !bad_fields.is_empty() {
        lab.session.runs.set(Runs::failed(format!(
            "fix the invalid field(s) first: {}",
            bad_fields.join(", ")
        )));
        return;
    }
    let data = lab.custom.get_untracked();
    lab.session.start(lab.params.get_untracked(), data);
}
