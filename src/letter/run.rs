//! A card's runs: the inputs (seed, epochs, seeds, and a second group's
//! epochs and seeds where the card has one), Run and Stop, progress and
//! timing, the live figures, the verdict from the finished records, and the
//! links to the lab. Runs live in the page's [`Registry`]: a card whose
//! inputs name an experiment another card already ran shows those runs.

use super::claims::{Claim, Inputs, Judge, RunSpec, TIME_LIMIT_S};
use super::figures::LetterFigure;
use super::format::{count, seed_range};
use super::settings::{experiments, lab_href, readable, InputText};
use super::shared::{Registry, Shared};
use super::verdicts::{self, Verdict};
use crate::components::canvas::{DepsFn, DrawFn, PlotCanvas};
use crate::runs::{RunState, Runs};
use crate::stored::{self, Stored};
use infoplane_core::params::Params;
use infoplane_core::record::SeedRecord;
use leptos::prelude::*;
use std::rc::Rc;

/// The card's state from its sessions': error if any failed, running while
/// any is busy, done when all ended, else idle (some configurations not run
/// yet, e.g. after an input named new ones beside runs already computed).
pub fn combined(states: &[RunState]) -> RunState {
    if states.contains(&RunState::Error) {
        RunState::Error
    } else if states.iter().any(|s| s.is_busy()) {
        RunState::Running
    } else if !states.is_empty() && states.iter().all(|s| *s == RunState::Done) {
        RunState::Done
    } else {
        RunState::Idle
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

/// "Seeds 0–3 (4 seeds)" for the main inputs, and the second group's.
fn seeds_summary(spec: &RunSpec, exps: &[Params]) -> String {
    let line = |e: &Params| {
        format!(
            "{} ({})",
            seed_range(e.int("seed") as u64, e.seeds()),
            count(e.seeds(), "seed")
        )
    };
    let first = |group: Inputs| {
        spec.configs
            .iter()
            .zip(exps)
            .find(|(c, _)| c.inputs == group)
            .map(|(_, e)| line(e))
    };
    let each = if spec.configs.len() > 1 {
        ", for each configuration"
    } else {
        ""
    };
    match (&spec.second, first(Inputs::Main), first(Inputs::Second)) {
        (Some(g), Some(m), Some(s)) => format!("{m}{each}; {} configurations: {s}.", g.name),
        (_, Some(m), _) => format!("{m}{each}."),
        _ => String::new(),
    }
}

/// The records of a session by value: one entry per point of a sweep,
/// else one.
fn records_by_value(session: &crate::session::Session) -> Vec<Vec<SeedRecord>> {
    session
        .sweep
        .with(|s| {
            s.as_ref()
                .map(|s| s.points.iter().map(Runs::records).collect())
        })
        .unwrap_or_else(|| vec![session.runs.with(Runs::records)])
}

/// Progress lines of a session: per seed, and per value of a sweep.
fn session_lines(name: &str, session: &crate::session::Session) -> Vec<String> {
    session
        .sweep
        .with(|s| {
            s.as_ref().map(|s| {
                s.points
                    .iter()
                    .zip(&s.labels)
                    .flat_map(|(r, l)| progress_lines(&format!("{name} · {l}"), r))
                    .collect()
            })
        })
        .unwrap_or_else(|| session.runs.with(|r| progress_lines(name, r)))
}

/// Whether `fig` stacks its planes when narrow: on a phone only. On a
/// desktop a card's two columns are narrower than
/// [`NARROW`](crate::components::canvas::NARROW) too, and there a grid of
/// planes keeps the card's height instead of growing a plane per seed.
fn stack_planes(fig: LetterFigure) -> bool {
    fig.narrow_panels(0).is_some()
        && crate::browser::viewport_width().is_some_and(|w| w < crate::components::canvas::NARROW)
}

/// The verdict of finished runs, or why there is none yet.
fn judge(spec: &RunSpec, by_value: &[Vec<Vec<SeedRecord>>]) -> Option<Verdict> {
    // Configurations that are not sweeps have one value: their records.
    let flat = || -> Vec<Vec<SeedRecord>> { by_value.iter().map(|v| v.concat()).collect() };
    let records = &flat();
    match spec.judge {
        Judge::Sweeps(f) => Some(f(by_value)),
        Judge::Records(f) => Some(f(records)),
        Judge::Stored(f) => match stored::state() {
            Stored::Loaded(run) => Some(f(records, &run)),
            Stored::Failed(e) => Some(verdicts::stored_unavailable(records, &e)),
            Stored::Idle | Stored::Loading => None,
        },
    }
}

/// A card's runs: settings, inputs, Run and Stop, progress, figures,
/// verdict and lab links.
#[component]
pub fn RunBody(
    claim: &'static Claim,
    spec: &'static RunSpec,
    number: usize,
    state: RwSignal<RunState>,
    embedded: bool,
) -> impl IntoView {
    let id = claim.id;
    let registry = expect_context::<Registry>();
    if matches!(spec.judge, Judge::Stored(_)) {
        stored::ensure_loaded();
    }
    let defaults = InputText::defaults(spec);
    let seed_text = RwSignal::new(defaults.seed);
    let epochs_text = RwSignal::new(defaults.epochs);
    let seeds_text = RwSignal::new(defaults.seeds);
    let second_text = defaults
        .second
        .map(|(e, s)| (RwSignal::new(e), RwSignal::new(s)));
    let exps = Memo::new(move |_| {
        let inputs = InputText {
            seed: seed_text.get(),
            epochs: epochs_text.get(),
            seeds: seeds_text.get(),
            second: second_text.map(|(e, s)| (e.get(), s.get())),
        };
        experiments(spec, &inputs)
    });
    let input_error = RwSignal::new(None::<String>);

    // The runs the inputs name (the last valid ones while an input is
    // being edited into something invalid).
    let shared = Memo::new(move |prev: Option<&Vec<Shared>>| match exps.get() {
        Ok(list) => list.iter().map(|p| registry.get(p)).collect(),
        Err(_) => prev.cloned().unwrap_or_default(),
    });
    // Which cards show which runs (for the "also judged by" note).
    Effect::new(move |prev: Option<Vec<Shared>>| {
        let now = shared.get();
        for s in prev.iter().flatten() {
            s.cards.update(|c| {
                c.remove(&number);
            });
        }
        for s in &now {
            s.cards.update(|c| {
                c.insert(number);
            });
        }
        now
    });
    let card_state = Memo::new(move |_| {
        let states: Vec<RunState> = shared.with(|v| v.iter().map(|s| s.session.state()).collect());
        combined(&states)
    });
    // Mirror the state on the card; note the end of finished runs and
    // free their workers (the records stay).
    Effect::new(move |_| {
        let s = card_state.get();
        state.set(s);
        shared.with_untracked(|v| {
            for sh in v {
                let st = sh.session.state_untracked();
                if matches!(st, RunState::Done | RunState::Error) {
                    sh.finish();
                }
            }
        });
    });
    let verdict = Memo::new(move |_| {
        if matches!(spec.judge, Judge::Stored(_)) {
            stored::track();
        }
        (card_state.get() == RunState::Done)
            .then(|| {
                let by_value: Vec<Vec<Vec<SeedRecord>>> =
                    shared.with(|v| v.iter().map(|s| records_by_value(&s.session)).collect());
                judge(spec, &by_value)
            })
            .flatten()
    });
    let run = move |_| match exps.get_untracked() {
        Err(e) => input_error.set(Some(e)),
        Ok(list) => {
            input_error.set(None);
            let targets = shared.get_untracked();
            for (s, e) in targets.iter().zip(list) {
                s.start(e);
            }
        }
    };
    let stop = move |_| {
        shared.with_untracked(|v| {
            for s in v {
                s.session.stop();
            }
        })
    };
    let running = move || card_state.get() == RunState::Running;
    let speed = expect_context::<crate::estimate::Speed>().0;
    let estimate_line = move || {
        let s = speed.get();
        exps.with(|l| {
            l.as_ref()
                .ok()
                .and_then(|l| crate::estimate::card_text(l, s))
        })
    };

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
    let seeds_line = move || exps.get().ok().map(|l| seeds_summary(spec, &l));
    let shortened = spec.second.as_ref().map(|g| {
        let second: Vec<Params> = spec
            .configs
            .iter()
            .filter(|c| c.inputs == Inputs::Second)
            .map(|c| Params::from_query(c.query, &[]).params)
            .collect();
        let full_length = second.iter().map(|p| p.int("epochs") as usize).max();
        let full: Vec<_> = spec
            .configs
            .iter()
            .filter(|c| c.inputs == Inputs::Second)
            .zip(&second)
            .map(|(c, p)| {
                view! {
                    " "
                    <a href=crate::url::lab_href(p, &crate::url::versioned(&[])) target=embedded.then_some("_blank")>{format!("{} in full in the lab", c.name)}</a>
                }
            })
            .collect_view();
        // At full length only the seeds are fewer; otherwise the runs are
        // shorter too.
        let (head, text) = if full_length.is_some_and(|e| g.epochs >= e) {
            (
                "Fewer seeds: ",
                format!(
                    "the {} configurations run {} at their presets' full {} epochs by default (the other configurations {}), because {}. Raise the {} seeds to run more.",
                    g.name,
                    count(g.seeds, "seed"),
                    g.epochs,
                    count(spec.seeds, "seed"),
                    g.why,
                    g.name
                ),
            )
        } else {
            (
                "Shortened: ",
                format!(
                    "the {} configurations run {} of {} epochs by default, not their presets' full length, because {}: they cannot finish within {TIME_LIMIT_S} s on two cores. The other configurations run in full. Raise the {} inputs to run them longer.",
                    g.name,
                    count(g.seeds, "seed"),
                    g.epochs,
                    g.why,
                    g.name
                ),
            )
        };
        view! {
            <p class="claim-reduced">
                <strong>{head}</strong>
                {text}
                {full}
            </p>
        }
    });
    let timing_line = move || {
        let v = shared.get();
        let times: Vec<(f64, f64)> = v
            .iter()
            .filter_map(|s| Some((s.started.get()?, s.ended.get()?)))
            .collect();
        if times.len() < v.len() || v.is_empty() {
            return None;
        }
        // The longest run: runs started together end by then, and runs
        // shared with a card that ran them earlier count their own time.
        let longest = times.iter().map(|(t0, t1)| t1 - t0).fold(0.0, f64::max);
        let per_seed: Vec<String> = v
            .iter()
            .zip(spec.configs)
            .flat_map(|(s, c)| {
                let line = |name: &str, r: &Runs| -> Vec<String> {
                    r.seeds
                        .iter()
                        .map(|x| format!("{name} seed {}: {:.1} s", x.seed, x.seconds))
                        .collect()
                };
                s.session
                    .sweep
                    .with(|sw| {
                        sw.as_ref().map(|sw| {
                            sw.points
                                .iter()
                                .zip(&sw.labels)
                                .flat_map(|(r, l)| line(&format!("{} {l}", c.name), r))
                                .collect::<Vec<_>>()
                        })
                    })
                    .unwrap_or_else(|| s.session.runs.with(|r| line(c.name, r)))
            })
            .collect();
        Some(format!(
            "Took {:.1} s on this machine ({}).",
            longest / 1000.0,
            per_seed.join("; ")
        ))
    };
    let shared_note = move || {
        let others: std::collections::BTreeSet<usize> = shared
            .get()
            .iter()
            .flat_map(|s| s.cards.get())
            .filter(|&n| n != number)
            .collect();
        (!others.is_empty()).then(|| {
            let list: Vec<String> = others.iter().map(|n| n.to_string()).collect();
            format!(
                "The same runs serve card{} {} of this page (same configuration, computed once).",
                if others.len() == 1 { "" } else { "s" },
                list.join(", ")
            )
        })
    };
    let progress = move || {
        shared
            .get()
            .iter()
            .zip(spec.configs)
            .flat_map(|(s, c)| session_lines(c.name, &s.session))
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    let errors = move || {
        shared
            .get()
            .iter()
            .filter_map(|s| s.session.runs.with(|r| r.error.clone()))
            .map(|e| view! { <p class="claim-error" role="alert">{e}</p> })
            .collect_view()
    };
    let stored_error = move || {
        matches!(spec.judge, Judge::Stored(_))
            .then(|| {
                stored::track();
                match stored::state() {
                    Stored::Failed(e) => Some(view! {
                        <p class="claim-error" role="alert">{format!("SZT's stored run could not be loaded: {e}")}</p>
                    }),
                    _ => None,
                }
            })
            .flatten()
    };
    let columns = spec.configs.len().min(2);
    let figures_class = if spec.configs.len() > 1 {
        "claim-figures multi"
    } else {
        "claim-figures"
    };
    let figures = spec
        .configs
        .iter()
        .enumerate()
        .map(|(k, cfg)| {
            let session_of = move || shared.with_untracked(|v| v.get(k).map(|s| s.session));
            let canvases = cfg
                .figures
                .iter()
                .map(|&fig| {
                    let n_seeds = Memo::new(move |_| {
                        shared.with(|v| v.get(k).map_or(0, |s| s.session.runs.with(|r| r.seeds.len())))
                    });
                    // A sweep's summary takes the next configuration's runs
                    // as its dashed reference.
                    let next_of = move || shared.with_untracked(|v| v.get(k + 1).map(|s| s.session));
                    let draw: DrawFn = Rc::new(move |area, scale| match (fig, session_of()) {
                        (LetterFigure::SweepSummary, Some(s)) => s.sweep.with_untracked(|sw| {
                            let next = next_of().map(|n| n.runs.get_untracked()).unwrap_or_default();
                            fig.draw_sweep(sw.as_ref(), &next, area, scale)
                        }),
                        (_, Some(s)) => s.runs.with_untracked(|r| fig.draw(r, area, scale)),
                        (_, None) => fig.draw(&Runs::default(), area, scale),
                    });
                    let deps: DepsFn = Rc::new(move || {
                        shared.with(|v| {
                            if let Some(s) = v.get(k) {
                                s.session.runs.track();
                                s.session.sweep.track();
                            }
                            if fig == LetterFigure::SweepSummary {
                                if let Some(n) = v.get(k + 1) {
                                    n.session.runs.track();
                                }
                            }
                        });
                        if fig.uses_stored_run() {
                            stored::track();
                        }
                    });
                    view! {
                        <PlotCanvas id=format!("{id}-{k}-{}", fig.slug()) label=fig.label()
                            height=Signal::derive(move || fig.height(n_seeds.get(), columns))
                            panels=stack_planes(fig).then(|| Signal::derive(move || fig.narrow_panels(n_seeds.get()).unwrap_or(1)))
                            draw deps />
                    }
                })
                .collect_view();
            view! {
                <figure class="claim-config">
                    {(spec.configs.len() > 1).then(|| view! { <figcaption>{cfg.label}</figcaption> })}
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
    let field = move |name: String,
                      label: String,
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
    let second_fields = spec.second.as_ref().zip(second_text).map(|(g, (e, s))| {
        view! {
            {field(format!("{}-epochs", g.slug), format!("{} epochs", g.name), e, 1, "Set apart from the epochs above")}
            {field(format!("{}-seeds", g.slug), format!("{} seeds", g.name), s, 1, "Each seed adds its full cost")}
        }
    });
    let multi = spec.configs.len() > 1;
    view! {
        <div class="claim-settings">
            <h3>"Settings"</h3>
            <ul class="config-list">{settings}</ul>
            <p class="claim-seeds"><strong>"Seeds: "</strong>{seeds_line}</p>
            {shortened}
        </div>
        <form class="claim-controls" on:submit=|ev| ev.prevent_default() aria-label=format!("Run claim {}", claim.title)>
            {field("seed".into(), "Seed".into(), seed_text, 0, "Another seed, another run")}
            {field("epochs".into(), "Epochs".into(), epochs_text, 1, "Fewer run faster")}
            {field("seeds".into(), "Seeds".into(), seeds_text, 1, if multi { "Per configuration, in parallel" } else { "Run in parallel" })}
            {second_fields}
            <div class="claim-buttons">
                <button type="button" class="primary" data-card-run="" on:click=run disabled=running>"Run"</button>
                <button type="button" data-card-stop="" on:click=stop disabled=move || !running()>"Stop"</button>
                <span class="claim-state" aria-live="polite">{move || card_state.get().as_str()}</span>
                <span class="claim-estimate" data-card-estimate="">{estimate_line}</span>
            </div>
        </form>
        {move || input_error.get().map(|e| view! { <p class="claim-error" role="alert">{e}</p> })}
        {errors}
        {stored_error}
        <ul class="claim-progress" aria-label="Progress">{progress}</ul>
        <p class="claim-timing">{timing_line}</p>
        <p class="claim-shared">{shared_note}</p>
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
                <p class="verdict-pending">"The verdict is computed from the runs when they finish."</p>
            })}
        </div>
        <p class="claim-links">{lab_links}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letter::claims::{find, ClaimBody};

    #[test]
    fn the_card_state_combines_its_sessions() {
        use RunState::*;
        assert_eq!(combined(&[Idle, Idle]), Idle);
        // Some configurations computed (shared with another card), others
        // not yet: the card waits for Run.
        assert_eq!(combined(&[Done, Idle]), Idle);
        assert_eq!(combined(&[Done, Running]), Running);
        assert_eq!(combined(&[Paused, Idle]), Running);
        assert_eq!(combined(&[Done, Done]), Done);
        assert_eq!(combined(&[Done, Error]), Error);
        assert_eq!(combined(&[]), Idle);
    }

    #[test]
    fn the_seeds_line_names_both_groups() {
        let ClaimBody::Run(spec) = &find("saxe").unwrap().body else {
            unreachable!()
        };
        let exps = experiments(spec, &InputText::defaults(spec)).unwrap();
        assert_eq!(
            seeds_summary(spec, &exps),
            "seeds 0–3 (4 seeds), for each configuration; KDE configurations: seed 0 (1 seed)."
        );
    }
}
