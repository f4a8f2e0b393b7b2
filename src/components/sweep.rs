//! Sweeps in the lab: the sweep builder in the form (a parameter of the
//! table and its values, written into the `sweep` row so the URL carries
//! it), per-point progress in the run bar, and the figure area of a sweep
//! (small multiples of one figure, one per value, and the summary against
//! the value), with the sweep record's exports (JSON, summary CSV) and
//! loading a sweep record back without recomputing.

pub mod draw;

use crate::browser;
use crate::components::canvas::{measure_text, DepsFn, DrawFn, PlotCanvas};
use crate::lab::Lab;
use crate::session::SweepRuns;
use crate::view::FigureKind;
use infoplane_core::params::{spec, Kind, PARAMS};
use infoplane_core::sweep::{is_sweepable, summary_csv, SweepPlan, SweepRecord, FORMAT};
use infoplane_core::view::View;
use leptos::prelude::*;
use std::rc::Rc;

/// Sets the `sweep` row from the builder's parameter and values; an
/// invalid sweep is flagged beside the row (and blocks Run), as any field.
fn set_sweep(lab: Lab, param: &str, values: &str) {
    let raw = if param.is_empty() {
        String::new()
    } else {
        format!("{param}:{}", values.trim())
    };
    let mut result = Ok(());
    lab.params.update(|p| result = p.set("sweep", &raw));
    lab.field_errors.update(|f| match result {
        Ok(()) => {
            f.remove("sweep");
        }
        Err(e) => {
            f.insert("sweep".into(), (raw, e.to_string()));
        }
    });
}

/// Starting values for a newly picked parameter: every choice of a menu,
/// else its current value.
fn starting_values(lab: Lab, name: &str) -> String {
    let Some(s) = spec(name) else {
        return String::new();
    };
    match s.kind {
        Kind::Choice(names) => names.join(","),
        _ => lab
            .params
            .with_untracked(|p| infoplane_core::sweep::value_text(p.get(name))),
    }
}

/// The sweep builder: pick a sweepable parameter of the table, type its
/// values; writes the `sweep` row (ids `sweep-param`, `sweep-values`).
#[component]
pub fn SweepBuilder() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let current = move || {
        lab.params.with(|p| {
            p.sweep()
                .map(|s| (s.param.to_string(), s.texts().join(",")))
        })
    };
    let param = RwSignal::new(current().map(|c| c.0).unwrap_or_default());
    let values = RwSignal::new(current().map(|c| c.1).unwrap_or_default());
    // Follow the row when it changes elsewhere (its own field, a loaded
    // record), unless the typed text is invalid (kept as typed).
    Effect::new(move |_| {
        let c = current();
        if lab.field_errors.with_untracked(|f| f.contains_key("sweep")) {
            return;
        }
        match c {
            Some((p, v)) => {
                param.set(p);
                values.set(v);
            }
            None => param.set(String::new()),
        }
    });
    let options = PARAMS
        .iter()
        .filter(|s| is_sweepable(s))
        .map(|s| view! { <option value=s.name>{format!("{} ({})", s.name, s.label)}</option> })
        .collect_view();
    let help = move || {
        let name = param.get();
        spec(&name).map_or_else(
            || "Run one parameter over several values, each with every seed; the figures then show one panel per value and a summary against the value.".to_string(),
            |s| format!("Values of {} ({}), comma-separated; widths joined by - (10-7-5).", s.name, s.range_text()),
        )
    };
    // A sweep whose values all give the same experiment (e.g. bins with an
    // estimator that has no bin count) is pointed out.
    let idle = move || {
        lab.params.with(|p| {
            p.sweep()?;
            let plan = SweepPlan::new(p).ok()?;
            plan.configs
                .windows(2)
                .all(|w| w[0] == w[1])
                .then(|| {
                    format!(
                        "Every value gives the same experiment: {} changes nothing with these settings (e.g. the estimator does not read it).",
                        plan.sweep.param
                    )
                })
        })
    };
    view! {
        <div class="sweep-builder" role="group" aria-labelledby="sweep-builder-title">
            <p class="sweep-builder-title" id="sweep-builder-title">"Sweep builder"</p>
            <div class="field">
                <label for="sweep-param">"Vary"</label>
                <select id="sweep-param" prop:value=move || param.get() on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let v = starting_values(lab, &name);
                    param.set(name.clone());
                    values.set(v.clone());
                    set_sweep(lab, &name, &v);
                }>
                    <option value="">"(no sweep)"</option>
                    {options}
                </select>
            </div>
            <div class="field">
                <label for="sweep-values">"Values"</label>
                <input id="sweep-values" type="text" spellcheck="false" autocomplete="off"
                    aria-describedby="sweep-values-help" disabled=move || param.with(String::is_empty)
                    prop:value=move || values.get() on:change=move |ev| {
                        let v = event_target_value(&ev);
                        values.set(v.clone());
                        set_sweep(lab, &param.get_untracked(), &v);
                    } />
                <small class="help" id="sweep-values-help">{help}</small>
                {move || idle().map(|t| view! { <small class="sweep-idle" role="status">{t}</small> })}
            </div>
        </div>
    }
}

/// One progress line per value and seed, e.g. "bins=10 · seed 0".
#[component]
pub fn SweepProgress() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let sweep = lab.session.sweep;
    let keys = Memo::new(move |_| {
        sweep.with(|s| {
            s.as_ref().map_or_else(Vec::new, |s| {
                s.points
                    .iter()
                    .enumerate()
                    .flat_map(|(i, r)| r.seeds.iter().map(move |v| (i, v.seed)))
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <ul class="seeds sweep-seeds" id="sweep-progress" aria-label="Sweep progress">
            <For each=move || keys.get() key=|k| *k let:k>
                {
                    let (i, seed) = k;
                    let line = Memo::new(move |_| sweep.with(|s| {
                        let s = s.as_ref()?;
                        let v = s.points.get(i)?.seeds.iter().find(|v| v.seed == seed)?;
                        Some((s.labels[i].clone(), v.epoch, v.epochs, v.progress_line(), v.message.clone()))
                    }));
                    let id = format!("sweep-progress-{i}-{seed}");
                    view! {
                        <li class="seed sweep-seed">
                            <label for=id.clone()>{move || line.get().map(|l| l.0)} " · seed " {seed}</label>
                            <progress id=id max=move || line.get().map_or(1, |l| l.2.max(1)) value=move || line.get().map_or(0, |l| l.1)></progress>
                            <span class="seed-status">{move || line.get().map(|l| l.3)}</span>
                            {move || line.get().and_then(|l| l.4).map(|m| view! { <span class="seed-error" role="alert">{m}</span> })}
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// The file name stem of the sweep's exports, e.g. `idnns-default-sweep-bins`.
fn stem(s: &SweepRuns) -> String {
    let preset = s
        .params
        .as_ref()
        .and_then(|p| p.preset())
        .map_or("infoplane", |p| p.name);
    format!("{preset}-sweep-{}", s.param)
}

/// Whether `text` is a sweep record (its `"format"`), judged cheaply
/// before parsing it as one.
pub fn is_sweep_json(text: &str) -> bool {
    text.contains(&format!("\"{FORMAT}\""))
}

/// Shows the sweep record `text` (from here or `infoplane sweep`/`merge`)
/// without recomputing, if it is one (`None` otherwise): the form takes
/// its experiment (keeping the reader's view), the figures its points.
/// Returns the message for the reader, good or bad.
pub fn load_json(lab: Lab, text: &str, name: &str) -> Option<(bool, String)> {
    if !is_sweep_json(text) {
        return None;
    }
    let rec = match SweepRecord::from_json(text) {
        Ok(r) => r,
        Err(e) => return Some((false, format!("{name}: {e}"))),
    };
    let (n, seeds) = (
        rec.values.len(),
        rec.points.first().map_or(0, |p| p.seeds.len()),
    );
    let engine = rec.engine().to_string();
    let (sweep, errors) = SweepRuns::from_record(rec);
    if let Some(p) = &sweep.params {
        lab.field_errors.update(|f| f.clear());
        crate::components::export::take_experiment(lab, p);
    }
    lab.session.show_sweep(sweep);
    crate::components::notices::notice_version(lab, "record", &engine);
    Some((
        errors.is_empty(),
        format!(
            "Loaded {name}: a sweep of {n} values, {seeds} seed(s) each, shown without recomputing{}",
            crate::components::export::not_read(&errors)
        ),
    ))
}

/// The figure names a reader can choose for the small multiples.
const CHOICES: [(FigureKind, &str); 5] = [
    (FigureKind::Plane, "information plane"),
    (FigureKind::Gradients, "gradient mean and std"),
    (FigureKind::Snr, "gradient SNR"),
    (FigureKind::Loss, "loss and accuracy"),
    (FigureKind::Norms, "weight norms"),
];

/// The figure area of a sweep (hidden when the session holds none; the
/// single-run figures hide while it shows): the summary, the small
/// multiples of the chosen figure, and the sweep's exports.
#[component]
pub fn SweepFigures() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let sweep = lab.session.sweep;
    let active = Memo::new(move |_| sweep.with(Option::is_some));
    let d = lab.display.get_value();
    let (options, export, captions) = (
        d.shows_control("options"),
        d.shows_control("export"),
        d.shows_control("captions"),
    );
    let kind = RwSignal::new(d.figures.first().copied().unwrap_or(FigureKind::Plane));
    let epoch_text = RwSignal::new(String::new());
    // The logged epoch the summary shows (`None`: each value's last).
    let epoch = Memo::new(move |_| {
        let n: usize = epoch_text.with(|t| t.trim().parse().ok())?;
        sweep.with(|s| draw::snap_epoch(s.as_ref()?, n.max(1)))
    });
    let n_values = Memo::new(move |_| sweep.with(|s| s.as_ref().map_or(0, |s| s.points.len())));
    let deps: DepsFn = Rc::new(move || {
        sweep.track();
        lab.params.track();
        kind.track();
        epoch.track();
    });
    let summary: DrawFn = Rc::new(move |area, scale| {
        sweep.with_untracked(|s| match s {
            Some(s) => draw::draw_summary(s, epoch.get_untracked(), None, area, scale),
            None => Ok(Vec::new()),
        })
    });
    let multiples: DrawFn = Rc::new(move |area, scale| {
        let view = lab.params.with_untracked(View::from_params);
        let k = kind.get_untracked();
        let hits = sweep.with_untracked(|s| match s {
            Some(s) => draw::draw_multiples(s, k, &view, area, scale),
            None => Ok(Vec::new()),
        })?;
        // How many panels drew data, for tests and screen readers.
        let labels =
            sweep.with_untracked(|s| s.as_ref().map(|s| s.labels.clone()).unwrap_or_default());
        let drawn = labels
            .iter()
            .filter(|l| hits.iter().any(|h| h.text.starts_with(&format!("{l} ·"))))
            .count();
        if let Some(c) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fig-sweep-multiples"))
        {
            let _ = c.set_attribute("data-panels-drawn", &drawn.to_string());
        }
        Ok(hits)
    });
    let message = RwSignal::new(None::<(bool, String)>);
    // Every value started (its header known): the record can be built.
    let ready = Memo::new(move |_| {
        sweep.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.points.iter().all(|r| r.header.is_some()))
        })
    });
    let has_record = move || ready.get();
    let record = move || {
        sweep
            .with_untracked(|s| s.as_ref().and_then(SweepRuns::to_record))
            .unwrap_or_else(|| Err("nothing to export yet: every value must have started".into()))
    };
    let file_stem =
        move || sweep.with_untracked(|s| s.as_ref().map_or("infoplane-sweep".into(), stem));
    let json = move |_| {
        let r = record().and_then(|rec| {
            let text = serde_json::to_string_pretty(&rec).map_err(|e| e.to_string())?;
            browser::download(
                &format!("{}.json", file_stem()),
                "application/json",
                text.as_bytes(),
            )
        });
        message.set(r.err().map(|e| (false, e)));
    };
    let csv = move |_| {
        let r = record().and_then(|rec| {
            let text = summary_csv(&rec.param, &rec.summary_at(epoch.get_untracked()));
            browser::download(
                &format!("{}-summary.csv", file_stem()),
                "text/csv",
                text.as_bytes(),
            )
        });
        message.set(r.err().map(|e| (false, e)));
    };
    let svg = move |_| {
        let (w, h) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fig-sweep-summary"))
            .map_or((900, 400), |c| {
                (
                    c.client_width().max(300) as u32,
                    c.client_height().max(200) as u32,
                )
            });
        let r = sweep
            .with_untracked(|s| match s {
                Some(s) => draw::summary_svg(s, epoch.get_untracked(), w, h, &measure_text),
                None => Err("no sweep".into()),
            })
            .and_then(|text| {
                browser::download(
                    &format!("{}-summary.svg", file_stem()),
                    "image/svg+xml",
                    text.as_bytes(),
                )
            });
        message.set(r.err().map(|e| (false, e)));
    };
    let heading = move || {
        sweep.with(|s| {
            s.as_ref()
                .map(|s| format!("Sweep of {}: {}", s.param, s.values().join(", ")))
        })
    };
    let caption =
        move |text: &'static str| captions.then(|| view! { <p class="caption">{text}</p> });
    let multiples_height =
        Signal::derive(move || draw::multiples_height(kind.get(), n_values.get()));
    view! {
        <section class="figure-panel sweep-panel" id="panel-sweep" aria-labelledby="h-sweep" hidden=move || !active.get()>
            <h2 id="h-sweep">{heading}</h2>
            {caption("Each layer's I(X;T) and I(T;Y) against the swept value at the last logged epoch (or the one chosen), the mean over seeds with a bar of ± one standard deviation (population); numeric values spanning a decade or more sit on a log axis, choices side by side. Hover a point for its numbers.")}
            {options.then(|| view! {
                <div class="view-options">
                    <div class="field">
                        <label for="sweep-epoch">"At epoch"</label>
                        <input id="sweep-epoch" type="number" min="1" placeholder="last logged" inputmode="numeric"
                            prop:value=move || epoch_text.get() on:change=move |ev| epoch_text.set(event_target_value(&ev)) />
                        <small class="help">{move || match epoch.get() {
                            Some(e) => format!("the logged epoch nearest: {}", e + 1),
                            None => "empty: each value's last logged epoch".to_string(),
                        }}</small>
                    </div>
                </div>
            })}
            <PlotCanvas id="fig-sweep-summary" label="Sweep summary: I(X;T) and I(T;Y) per layer against the swept value".to_string()
                height=Signal::derive(|| 400) draw=summary deps=deps.clone() />
            <h3 class="sweep-sub">"One panel per value"</h3>
            {caption("The chosen figure for each value: the mean over seeds when there are several (loss and accuracy: the first seed).")}
            {options.then(|| view! {
                <div class="view-options">
                    <div class="field">
                        <label for="sweep-figure">"Figure"</label>
                        <select id="sweep-figure" prop:value=move || kind.get().name() on:change=move |ev| {
                            if let Some(k) = FigureKind::from_name(&event_target_value(&ev)) {
                                kind.set(k);
                            }
                        }>
                            {CHOICES.iter().map(|(k, l)| view! { <option value=k.name()>{*l}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
            })}
            <PlotCanvas id="fig-sweep-multiples" label="Small multiples: the chosen figure for each value of the sweep".to_string()
                height=multiples_height draw=multiples deps=deps />
            {export.then(|| view! {
                <div class="buttons sweep-export">
                    <button id="export-sweep-json" on:click=json disabled=move || !has_record()>"Download sweep JSON"</button>
                    <button id="export-sweep-csv" on:click=csv disabled=move || !has_record()>"Download summary CSV"</button>
                    <button id="export-sweep-svg" class="small" on:click=svg disabled=move || !has_record()>"Summary SVG"</button>
                    {move || message.get().map(|(ok, m)| view! { <span class=if ok { "status" } else { "error" } role="status">{m}</span> })}
                </div>
            })}
        </section>
    }
}
