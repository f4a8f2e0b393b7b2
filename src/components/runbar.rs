//! Run controls and per-seed progress.

use crate::actions;
use crate::estimate::{Estimate, Speed};
use crate::lab::Lab;
use crate::protocol::STALE_BUILD;
use crate::runs::RunState;
use leptos::prelude::*;

/// Buttons and progress bars.
#[component]
pub fn RunBar() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let runs = lab.session.runs;
    let state = Memo::new(move |_| lab.session.state());
    let busy = move || state.get().is_busy();
    let speed = expect_context::<Speed>().0;
    let estimate = Memo::new(move |_| {
        let s = speed.get();
        lab.params
            .with(|p| lab.custom.with(|c| Estimate::of(p, c.as_deref(), s)))
    });
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
                <span class="workers" id="workers">{move || {
                    let (t, m) = lab.session.workers.get();
                    (t + m > 0).then(|| match m {
                        0 => format!("{t} worker{} training", if t == 1 { "" } else { "s" }),
                        _ => format!("{t} training, {m} estimating MI"),
                    })
                }}</span>
            </div>
            {move || lab.held.get().then(|| view! {
                <div class="held notice" role="alert" id="held">
                    <p>"This link asks to run by itself, but the run is heavy for this browser. "
                        {move || estimate.get().map(|e| e.text())}</p>
                    <button class="primary" id="run-anyway" on:click=move |_| actions::start(lab)>"Run anyway"</button>
                </div>
            })}
            {move || (!busy()).then(|| estimate.get().map(|e| view! {
                <p class="estimate" id="estimate" class:refused=e.refused.is_some()>
                    {e.refused.clone().unwrap_or_else(|| e.text())}
                </p>
            }))}
            {move || runs.with(|r| r.error.clone()).map(|e| view! { <p class="run-error" role="alert">{e}</p> })}
            // A worker of another build (a cached file after a redeploy):
            // nothing ran; a reload fetches matching files.
            {move || runs.with(|r| r.seeds.iter().any(|s| s.message.as_deref().is_some_and(|m| m.starts_with(STALE_BUILD)))).then(|| view! {
                <div class="notice stale" role="alert" id="stale-build">
                    <p>{STALE_BUILD} ": a file from before the site was updated. Nothing ran."</p>
                    <button class="primary" id="reload" on:click=|_| { let _ = web_sys::window().map(|w| w.location().reload()); }>"Reload the page"</button>
                </div>
            })}
            <ul class="seeds">
                <For each=move || runs.with(|r| r.seeds.iter().map(|s| s.seed).collect::<Vec<_>>()) key=|s| *s let:seed>
                    {
                        // Only the progress fields, not the whole record, per update.
                        let view_of = Memo::new(move |_| runs.with(|r| r.seeds.iter().find(|s| s.seed == seed).map(|s| (s.epoch, s.epochs, s.progress_line(), s.message.clone()))));
                        view! {
                            <li class="seed">
                                <label for=format!("progress-{seed}")>"seed " {seed}</label>
                                <progress id=format!("progress-{seed}")
                                    max=move || view_of.get().map_or(1, |s| s.1.max(1))
                                    value=move || view_of.get().map_or(0, |s| s.0)></progress>
                                <span class="seed-status">{move || view_of.get().map(|s| s.2)}</span>
                                {move || view_of.get().and_then(|s| s.3).map(|m| view! { <span class="seed-error" role="alert">{m}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
            <crate::components::sweep::SweepProgress />
        </section>
    }
}
