//! Run controls and per-seed progress.

use crate::actions;
use crate::state::{Lab, RunState, SeedView};
use infoplane_core::record::Status;
use leptos::prelude::*;

/// What a progress line shows of a seed.
#[derive(Clone, Debug, PartialEq)]
struct SeedProgress {
    epoch: usize,
    epochs: usize,
    seconds: f64,
    ended: Option<Status>,
    started: bool,
    eta: Option<f64>,
    message: Option<String>,
}

impl SeedProgress {
    fn of(s: &SeedView) -> Self {
        SeedProgress {
            epoch: s.epoch,
            epochs: s.epochs,
            seconds: s.seconds,
            ended: s.ended,
            started: s.started,
            eta: s.eta(),
            message: s.message.clone(),
        }
    }
}

fn seed_line(s: &SeedProgress) -> String {
    let what = match (s.ended, s.started) {
        (Some(Status::Done), _) => "done".to_string(),
        (Some(Status::Stopped), _) => "stopped".to_string(),
        (Some(Status::Failed), _) => "failed".to_string(),
        (Some(Status::Running), _) | (None, true) => s
            .eta
            .map_or("running".to_string(), |t| format!("{t:.1} s left")),
        (None, false) => "queued".to_string(),
    };
    format!(
        "epoch {}/{} · {:.1} s · {what}",
        s.epoch, s.epochs, s.seconds
    )
}

/// Buttons and progress bars.
#[component]
pub fn RunBar() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let state = Memo::new(move |_| lab.runs.with(|r| r.state()));
    let busy = move || matches!(state.get(), RunState::Running | RunState::Paused);
    view! {
        <section class="runbar" aria-label="Run controls">
            <div class="buttons">
                <button class="primary" id="run" on:click=move |_| actions::start(lab) disabled=busy>"Run"</button>
                <button id="pause" on:click=move |_| lab.session.pause() disabled=move || state.get() != RunState::Running>"Pause"</button>
                <button id="resume" on:click=move |_| lab.session.resume() disabled=move || state.get() != RunState::Paused>"Resume"</button>
                <button id="step" on:click=move |_| lab.session.step() disabled=move || !busy() title="Train one epoch of every running seed, then stay paused">"Step 1 epoch"</button>
                <button id="stop" on:click=move |_| lab.session.stop() disabled=move || !busy()>"Stop"</button>
                <button id="reset" on:click=move |_| lab.session.reset() disabled=busy>"Reset"</button>
                <span class="state" aria-live="polite">{move || state.get().as_str()}</span>
            </div>
            {move || lab.runs.with(|r| r.error.clone()).map(|e| view! { <p class="run-error" role="alert">{e}</p> })}
            <ul class="seeds">
                <For each=move || lab.runs.with(|r| r.seeds.iter().map(|s| s.seed).collect::<Vec<_>>()) key=|s| *s let:seed>
                    {
                        // Only the progress fields, not the whole record, per update.
                        let view_of = Memo::new(move |_| lab.runs.with(|r| r.seeds.iter().find(|s| s.seed == seed).map(SeedProgress::of)));
                        view! {
                            <li class="seed">
                                <label for=format!("progress-{seed}")>"seed " {seed}</label>
                                <progress id=format!("progress-{seed}")
                                    max=move || view_of.get().map_or(1, |s| s.epochs.max(1))
                                    value=move || view_of.get().map_or(0, |s| s.epoch)></progress>
                                <span class="seed-status">{move || view_of.get().map(|s| seed_line(&s))}</span>
                                {move || view_of.get().and_then(|s| s.message).map(|m| view! { <span class="seed-error" role="alert">{m}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
