//! The experiment form: every parameter of the core's table, grouped as the
//! table groups them, each with its help and range (menus list the table's
//! choices); an invalid value is flagged beside its field.

use crate::components::data_file::DataFile;
use crate::lab::Lab;
use infoplane_core::params::{Group, Kind, ParamSpec, PARAMS};
use leptos::prelude::*;

/// One parameter's input: a menu of the table's choices, or a text field.
/// Its id is `param-NAME`.
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
            .unwrap_or_else(|| lab.params.with(|p| p.text(name)))
    };
    let set = move |raw: String| {
        let mut result = Ok(());
        lab.params.update(|p| result = p.set(name, &raw));
        lab.field_errors.update(|f| match result {
            // A new preset starts every field afresh.
            Ok(()) if spec.kind == Kind::Preset => f.clear(),
            Ok(()) => {
                f.remove(name);
            }
            Err(e) => {
                f.insert(name.to_string(), (raw, e.to_string()));
            }
        });
    };
    let options = spec.options();
    let input = if options.is_empty() {
        view! {
            <input id=id.clone() type="text" spellcheck="false" autocomplete="off"
                aria-describedby=format!("{id}-help")
                prop:value=text on:change=move |ev| set(event_target_value(&ev)) />
        }
        .into_any()
    } else {
        let none = (spec.kind == Kind::Preset)
            .then(|| view! { <option value="">"(table defaults)"</option> });
        view! {
            <select id=id.clone() aria-describedby=format!("{id}-help") prop:value=text on:change=move |ev| set(event_target_value(&ev))>
                {none}
                {options.into_iter().map(|n| view! { <option value=n>{n}</option> }).collect_view()}
            </select>
        }
        .into_any()
    };
    let help = move || match spec.kind {
        // A preset's help is what it is and where it comes from.
        Kind::Preset => lab.params.with(|p| {
            p.preset().map_or(
                "The parameter table's defaults (IDNNs main.py at c4abb1d).".to_string(),
                |p| p.description.to_string(),
            )
        }),
        _ => format!("{} ({})", spec.help, spec.range_text()),
    };
    view! {
        <div class="field" class:invalid=move || error().is_some() data-param=name>
            <label for=id.clone()>{spec.label} " " <code>{spec.name}</code></label>
            {input}
            <small class="help" id=format!("{id}-help")>{help}</small>
            <span class="error" role="alert">{error}</span>
        </div>
    }
}

/// Every parameter of the experiment, by group (the view group's fields
/// sit beside the figures).
#[component]
pub fn Controls() -> impl IntoView {
    view! {
        <form class="controls" on:submit=|ev| ev.prevent_default() aria-label="Experiment parameters">
            {Group::ALL
                .iter()
                .filter(|g| g.is_experiment())
                .map(|&g| {
                    let fields = PARAMS
                        .iter()
                        .filter(|p| p.group == g)
                        .map(|spec| {
                            let builder = (spec.kind == Kind::Sweep)
                                .then(|| view! { <crate::components::sweep::SweepBuilder /> });
                            view! { <ParamField spec /> {builder} }
                        })
                        .collect_view();
                    let data = (g == Group::Data).then(|| view! { <DataFile /> });
                    if g == Group::Run {
                        view! {
                            <fieldset>
                                <legend>"Experiment"</legend>
                                {fields}
                            </fieldset>
                        }
                        .into_any()
                    } else {
                        view! {
                            <details open=g <= Group::Training>
                                <summary>{g.title()}</summary>
                                <fieldset>
                                    <legend class="visually-hidden">{g.title()}</legend>
                                    {fields}
                                    {data}
                                </fieldset>
                            </details>
                        }
                        .into_any()
                    }
                })
                .collect_view()}
        </form>
    }
}
