//! A card's runs: one session per configuration, the inputs (seed,
//! epochs, seeds), Run and Stop, progress and timing, the live figures, the
//! verdict from the finished records, and the links to the lab.

use super::claims::{Claim, RunSpec};
use super::format::{count, seed_range};
use super::settings::{experiments, lab_href, readable};
use super::verdicts::Verdict;
use crate::components::canvas::{DepsFn, DrawFn, PlotCanvas};
use crate::runs::{RunState, Runs};
use crate::session::Session;
use infoplane_core::record::SeedRecord;
use leptos::prelude::*;
use std::rc::Rc;

/// The card's state from its sessions': error if any failed, idle if none
/// started, done when all ended, else running.
fn combined(states: &[RunState]) -> RunState {
    if states.contains(&RunState::Error) {
        RunState::Error
    } else if states.iter().all(|s| *s == RunState::Idle) {
        RunState::Idle
    } else if states.iter().all(|s| *s == RunState::Done) {
        RunState::Done
    } else {
        RunState::Running
    }
}

/// One progress line per seed: "tanh · seed 0: epoch 1200/2000 · 3.1 s · …".
fn progress_lines(label: &str, runs: &Runs) -> Vec<String> {
    runs.seeds
        .iter()
        .map(|s| {
            let failed = s
                .message
                .as_ref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            format!("{label} · seed {}: {}{failed}", s.seed, s.progress_line())
        })
        .collect()
}

/// A card's runs: settings, inputs, Run and Stop, progress, figures,
/// verdict and lab links.
#[component]
pub fn RunBody(
    claim: &'static Claim,
    spec: &'static RunSpec,
    state: RwSignal<RunState>,
    embedded: bool,
) -> impl IntoView {
    let id = claim.id;
    let sessions: Vec<Session> = spec.configs.iter().map(|_| Session::new()).collect();
    let seed_text = RwSignal::new("0".to_string());
    let epochs_text = RwSignal::new(spec.epochs.to_string());
    let seeds_text = RwSignal::new(spec.seeds.to_string());
    let exps = Memo::new(move |_| {
        experiments(
            spec,
            &seed_text.get(),
            &epochs_text.get(),
            &seeds_text.get(),
        )
    });
    let input_error = RwSignal::new(None::<String>);
    let timing = RwSignal::new((None::<f64>, None::<f64>));

    let card_state = {
        let sessions = sessions.clone();
        Memo::new(move |_| {
            let states: Vec<RunState> = sessions.iter().map(|s| s.runs.with(Runs::state)).collect();
            combined(&states)
        })
    };
    // Mirror the state on the card, note the finishing time, and free the
    // workers of finished runs (the records stay).
    {
        let sessions = sessions.clone();
        Effect::new(move |_| {
            let s = card_state.get();
            state.set(s);
            if matches!(s, RunState::Done | RunState::Error) {
                timing.update(|t| {
                    if t.0.is_some() && t.1.is_none() {
                        t.1 = Some(crate::browser::now_ms());
                    }
                });
                for sess in &sessions {
                    sess.show(sess.runs.get_untracked());
                }
            }
        });
    }
    let verdict = {
        let sessions = sessions.clone();
        Memo::new(move |_| {
            (card_state.get() == RunState::Done).then(|| {
                let records: Vec<Vec<SeedRecord>> = sessions
                    .iter()
                    .map(|s| s.runs.with(Runs::records))
                    .collect();
                (spec.verdict)(&records)
            })
        })
    };
    let run = {
        let sessions = sessions.clone();
        move |_| match exps.get_untracked() {
            Err(e) => input_error.set(Some(e)),
            Ok(list) => {
                input_error.set(None);
                timing.set((Some(crate::browser::now_ms()), None));
                for (s, e) in sessions.iter().zip(list) {
                    s.start(e, None);
                }
            }
        }
    };
    let stop = {
        let sessions = sessions.clone();
        move |_| sessions.iter().for_each(Session::stop)
    };
    let running = move || card_state.get() == RunState::Running;

    let settings = move || {
        exps.get().ok().map(|list| {
            list.iter()
                .zip(spec.configs)
                .map(|(e, c)| {
                    let preset = e
                        .preset()
                        .map(|p| format!("{}: {}. ", p.name, p.description));
                    view! {
                        <li>
                            <span class="config-label">{c.label}</span>": "
                            <code class="config-query">{e.experiment_query()}</code>
                            <br />
                            <small>{preset}{format!("Settings: {}.", readable(e))}</small>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let seeds_line = move || {
        exps.get().ok().and_then(|l| l.first().cloned()).map(|e| {
            let seed = e.int("seed") as u64;
            let each = if spec.configs.len() > 1 {
                ", for each configuration"
            } else {
                ""
            };
            format!(
                "{} ({}){each}.",
                seed_range(seed, e.seeds()),
                count(e.seeds(), "seed")
            )
        })
    };
    let reduced = spec.reduced.map(|(note, full)| {
        view! {
            <p class="claim-reduced">
                <strong>"Shortened: "</strong>{note}". "
                <a href=crate::url::lab_href(&infoplane_core::params::Params::from_query(full, &[]).params, &[]) target=embedded.then_some("_blank")>"Run the full preset in the lab"</a>
            </p>
        }
    });
    let timing_line = {
        let sessions = sessions.clone();
        move || {
            let (t0, t1) = timing.get();
            let (t0, t1) = (t0?, t1?);
            let per_seed: Vec<String> = sessions
                .iter()
                .zip(spec.configs)
                .flat_map(|(s, c)| {
                    s.runs.with(|r| {
                        r.seeds
                            .iter()
                            .map(|v| format!("{} seed {}: {:.1} s", c.name, v.seed, v.seconds))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            Some(format!(
                "Took {:.1} s on this machine ({}).",
                (t1 - t0) / 1000.0,
                per_seed.join("; ")
            ))
        }
    };
    let progress = {
        let sessions = sessions.clone();
        move || {
            sessions
                .iter()
                .zip(spec.configs)
                .flat_map(|(s, c)| s.runs.with(|r| progress_lines(c.name, r)))
                .map(|line| view! { <li>{line}</li> })
                .collect_view()
        }
    };
    let errors = {
        let sessions = sessions.clone();
        move || {
            sessions
                .iter()
                .filter_map(|s| s.runs.with(|r| r.error.clone()))
                .map(|e| view! { <p class="claim-error" role="alert">{e}</p> })
                .collect_view()
        }
    };
    let columns = spec.configs.len();
    let figures_class = if columns > 1 {
        "claim-figures multi"
    } else {
        "claim-figures"
    };
    let figures = sessions
        .iter()
        .zip(spec.configs)
        .enumerate()
        .map(|(k, (&session, cfg))| {
            let canvases = cfg
                .figures
                .iter()
                .map(|&fig| {
                    let n_seeds = Memo::new(move |_| session.runs.with(|r| r.seeds.len()));
                    let draw: DrawFn = Rc::new(move |area, scale| {
                        session.runs.with_untracked(|r| fig.draw(r, area, scale))
                    });
                    let deps: DepsFn = Rc::new(move || session.runs.track());
                    view! {
                        <PlotCanvas id=format!("{id}-{k}-{}", fig.slug()) label=fig.label()
                            height=Signal::derive(move || fig.height(n_seeds.get(), columns))
                            draw deps />
                    }
                })
                .collect_view();
            view! {
                <figure class="claim-config">
                    {(columns > 1).then(|| view! { <figcaption>{cfg.label}</figcaption> })}
                    {canvases}
                </figure>
            }
        })
        .collect_view();
    let lab_links = move || {
        exps.get().ok().map(|list| {
            list.iter()
                .zip(spec.configs)
                .map(|(e, c)| {
                    view! {
                        <a class="lab-link" data-lab-link="" href=lab_href(e, c)
                            target=embedded.then_some("_blank")>
                            "Open in the lab: " {c.name}
                        </a>
                    }
                })
                .collect_view()
        })
    };
    let field = move |name: &'static str,
                      label: &'static str,
                      sig: RwSignal<String>,
                      min: u64,
                      help: &'static str| {
        let fid = format!("{id}-{name}");
        view! {
            <div class="field">
                <label for=fid.clone()>{label}</label>
                <input id=fid.clone() type="number" min=min inputmode="numeric" aria-describedby=format!("{fid}-help")
                    prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))
                    disabled=running />
                <small class="help" id=format!("{fid}-help")>{help}</small>
            </div>
        }
    };
    view! {
        <div class="claim-settings">
            <h3>"Settings"</h3>
            <ul class="config-list">{settings}</ul>
            <p class="claim-seeds"><strong>"Seeds: "</strong>{seeds_line}</p>
            {reduced}
        </div>
        <form class="claim-controls" on:submit=|ev| ev.prevent_default() aria-label=format!("Run claim {}", claim.title)>
            {field("seed", "Seed", seed_text, 0, "Another seed, another run")}
            {field("epochs", "Epochs", epochs_text, 1, "Fewer run faster")}
            {spec.seeds_editable.then(|| field("seeds", "Seeds", seeds_text, 1, "Run in parallel"))}
            <div class="claim-buttons">
                <button type="button" class="primary" data-card-run="" on:click=run disabled=running>"Run"</button>
                <button type="button" data-card-stop="" on:click=stop disabled=move || !running()>"Stop"</button>
                <span class="claim-state" aria-live="polite">{move || card_state.get().as_str()}</span>
            </div>
        </form>
        {move || input_error.get().map(|e| view! { <p class="claim-error" role="alert">{e}</p> })}
        {errors}
        <ul class="claim-progress" aria-label="Progress">{progress}</ul>
        <p class="claim-timing">{timing_line}</p>
        <div class=figures_class>{figures}</div>
        <div class="claim-verdict">
            <h3>"Verdict"</h3>
            <p class="claim-rule"><strong>"How it is judged: "</strong>{(spec.rule)()}</p>
            <div class="verdict" data-verdict="" aria-live="polite">
                {move || verdict.get().map(|v: Verdict| view! {
                    <p class="verdict-headline">{v.headline}</p>
                    <ul class="verdict-details">{v.details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                })}
            </div>
            {move || verdict.with(Option::is_none).then(|| view! {
                <p class="verdict-pending">"The verdict is computed from the run when it finishes."</p>
            })}
        </div>
        <p class="claim-links">{lab_links}</p>
    }
}
