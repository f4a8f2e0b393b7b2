//! The experiment form: preset, seeds, and every parameter of the core's
//! table grouped as the table groups them, each with its help and range;
//! an invalid value is flagged beside its field.

use crate::components::data_file::DataFile;
use crate::state::Lab;
use infoplane_core::params::{Experiment, Group, Kind, ParamSpec, Params, MAX_SEEDS, PARAMS};
use infoplane_core::presets::{self, PRESETS};
use leptos::prelude::*;

/// Preset chooser and seed count.
#[component]
pub fn PresetPicker() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let description = move || {
        lab.experiment.with(|e| {
            e.preset.map_or(
                "The parameter table's defaults (IDNNs main.py at c4abb1d).",
                |p| p.description,
            )
        })
    };
    let on_preset = move |ev| {
        let name = event_target_value(&ev);
        let preset = presets::find(&name);
        lab.experiment.set(Experiment {
            preset,
            params: preset.map(Params::from_preset).unwrap_or_default(),
            seeds: preset.map_or(1, |p| p.seeds),
        });
        lab.field_errors.update(|f| f.clear());
    };
    let seeds_error = RwSignal::new(None::<String>);
    let on_seeds = move |ev| {
        let raw = event_target_value(&ev);
        match raw.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_SEEDS).contains(&n) => {
                seeds_error.set(None);
                lab.experiment.update(|e| e.seeds = n);
            }
            _ => seeds_error.set(Some(format!(
                "seeds: \"{raw}\" is not a whole number from 1 to {MAX_SEEDS}"
            ))),
        }
    };
    view! {
        <div class="field">
            <label for="preset">"Preset"</label>
            <select id="preset" on:change=on_preset prop:value=move || lab.experiment.with(|e| e.preset.map_or("", |p| p.name).to_string())>
                <option value="">"(table defaults)"</option>
                {PRESETS.iter().map(|p| view! { <option value=p.name>{p.name}</option> }).collect_view()}
            </select>
            <small class="help">{description}</small>
        </div>
        <div class="field" class:invalid=move || seeds_error.with(Option::is_some)>
            <label for="seeds">"Seeds"</label>
            <input id="seeds" type="number" min="1" max=MAX_SEEDS inputmode="numeric"
                prop:value=move || lab.experiment.with(|e| e.seeds.to_string()) on:change=on_seeds />
            <small class="help">"Runs seed, seed+1, …; one worker per seed, up to the number of cores, in parallel"</small>
            <span class="error" role="alert">{move || seeds_error.get()}</span>
        </div>
    }
}

/// One parameter's input.
#[component]
pub fn ParamField(spec: &'static ParamSpec) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let id = format!("param-{}", spec.name);
    let name = spec.name;
    let error = move || {
        lab.field_errors
            .with(|f| f.get(name).map(|(_, e)| e.clone()))
    };
    let text = move || {
        lab.field_errors
            .with(|f| f.get(name).map(|(raw, _)| raw.clone()))
            .unwrap_or_else(|| lab.experiment.with(|e| e.params.text(name)))
    };
    let set = move |raw: String| {
        let mut result = Ok(());
        lab.experiment.update(|e| result = e.params.set(name, &raw));
        lab.field_errors.update(|f| match result {
            Ok(()) => {
                f.remove(name);
            }
            Err(e) => {
                f.insert(name.to_string(), (raw, e.to_string()));
            }
        });
    };
    let input = match spec.kind {
        Kind::Choice(names) => view! {
            <select id=id.clone() prop:value=text on:change=move |ev| set(event_target_value(&ev))>
                {names.iter().map(|n| view! { <option value=*n>{*n}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        _ => view! {
            <input id=id.clone() type="text" spellcheck="false" autocomplete="off"
                aria-describedby=format!("{id}-help")
                prop:value=text on:change=move |ev| set(event_target_value(&ev)) />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:invalid=move || error().is_some() data-param=name>
            <label for=id.clone()>{spec.label} " " <code>{spec.name}</code></label>
            {input}
            <small class="help" id=format!("{id}-help")>{spec.help} " (" {spec.range_text()} ")"</small>
            <span class="error" role="alert">{error}</span>
        </div>
    }
}

/// Every parameter, by group.
#[component]
pub fn Controls() -> impl IntoView {
    view! {
        <form class="controls" on:submit=|ev| ev.prevent_default() aria-label="Experiment parameters">
            <fieldset>
                <legend>"Experiment"</legend>
                <PresetPicker />
            </fieldset>
            {Group::ALL
                .iter()
                .map(|&g| {
                    view! {
                        <details open=g <= Group::Training>
                            <summary>{g.title()}</summary>
                            <fieldset>
                                <legend class="visually-hidden">{g.title()}</legend>
                                {PARAMS.iter().filter(|p| p.group == g).map(|spec| view! { <ParamField spec /> }).collect_view()}
                                {(g == Group::Data).then(|| view! { <DataFile /> })}
                            </fieldset>
                        </details>
                    }
                })
                .collect_view()}
        </form>
    }
}
