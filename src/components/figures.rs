//! The live figures: information plane (one panel per seed and their mean),
//! gradient statistics with SNR, loss and accuracy, and weight norms. Each
//! is a function of the records (from `infoplane-figures`) drawn on a
//! canvas; options live in the URL.

use crate::components::canvas::{DepsFn, DrawFn, PlotCanvas};
use crate::components::controls::ParamField;
use crate::components::export::{FigureExport, RecordIo};
use crate::describe;
use crate::figures::{draw_figure, FigureInput};
use crate::lab::Lab;
use crate::view::{FigureKind, Subject};
use infoplane_core::params::{spec, Value};
use infoplane_core::view::View;
use leptos::prelude::*;
use std::rc::Rc;

impl Lab {
    /// The lab's current figure input, read without tracking.
    pub fn with_figure_input<T>(self, f: impl FnOnce(&FigureInput) -> T) -> T {
        let view = self.params.with_untracked(View::from_params);
        self.session.runs.with_untracked(|runs| {
            f(&FigureInput {
                runs,
                view: &view,
                subject: self.subject.get_untracked(),
            })
        })
    }
}

/// The table's field for view parameter `name`.
fn view_field(name: &str) -> impl IntoView {
    let spec = spec(name).expect("a view parameter of the table");
    view! { <ParamField spec /> }
}

/// "Data as a table": the figure's values (those of the CSV export) in an
/// HTML table, built when opened.
#[component]
fn DataTable(kind: FigureKind) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let open = RwSignal::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        let is_open = ev
            .target()
            .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        open.set(is_open);
    };
    let table = move || {
        if open.get() {
            lab.session.runs.with(|r| describe::table_html(kind, r))
        } else {
            String::new()
        }
    };
    view! {
        <details class="data-table" on:toggle=on_toggle>
            <summary data-table=kind.name()>"Data as a table"</summary>
            <div class="table-wrap" id=format!("table-{}", kind.name()) tabindex="0" role="region"
                aria-label=format!("{}: data", describe::title(kind)) inner_html=table></div>
        </details>
    }
}

/// The figure panels.
#[component]
pub fn Figures() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let runs = lab.session.runs;
    let subject = lab.subject;
    let n_seeds = Memo::new(move |_| runs.with(|r| r.seeds.len()));
    // Everything the figures read: redraw when any of it changes.
    let deps: DepsFn = Rc::new(move || {
        runs.track();
        lab.params.track();
        subject.track();
        crate::stored::track();
    });
    let plane_height = Signal::derive(move || match n_seeds.get() {
        0 | 1 => 460,
        2..=3 => 820,
        _ => 1000,
    });
    let draw = move |kind: FigureKind| -> DrawFn {
        Rc::new(move |area, scale| {
            lab.with_figure_input(|input| draw_figure(kind, input, area, scale))
        })
    };
    let d = lab.display.get_value();
    let (options, export, captions) = (
        d.shows_control("options"),
        d.shows_control("export"),
        d.shows_control("captions"),
    );
    let shown = d.clone();
    let panels =
        Signal::derive(move || crate::components::canvas::plane_grid_panels(n_seeds.get()));
    let canvas = move |kind: FigureKind, label: &'static str, height: Signal<u32>, deps: DepsFn| {
        shown.shows(kind).then(|| {
            // The text alternative, kept in step with the figure.
            let desc = move || {
                runs.track();
                lab.params.track();
                subject.track();
                lab.with_figure_input(|input| describe::summary(kind, input))
            };
            let panels = (kind == FigureKind::Plane).then_some(panels);
            view! {
                <PlotCanvas id=kind.canvas_id() label=label.to_string() height draw=draw(kind) deps panels />
                <p class="visually-hidden" id=format!("{}-desc", kind.canvas_id())>{desc}</p>
                <div class="figure-tools">
                    <DataTable kind />
                    {export.then(|| view! { <FigureExport kind /> })}
                </div>
            }
        })
    };
    let caption =
        move |text: &'static str| captions.then(|| view! { <p class="caption">{text}</p> });
    let plane_options = move || {
        options.then(|| {
            view! {
                <div class="view-options">
                    {view_field("plane")}
                    {view_field("colors")}
                </div>
            }
        })
    };
    let grad_options = move || {
        options.then(|| {
            view! {
                <div class="view-options">
                    {view_field("grad_def")}
                    <div class="field">
                        <label for="opt-subject">"Record"</label>
                        <select id="opt-subject" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            subject.set(if v == "mean" { Subject::Mean } else { Subject::Seed(v.parse().unwrap_or(0)) })
                        }>
                            {move || {
                                let seeds = runs.with(|r| r.seeds.iter().map(|s| s.seed).collect::<Vec<_>>());
                                let mut opts: Vec<_> = seeds.iter().enumerate().map(|(i, s)| view! { <option value=i.to_string()>{format!("seed {s}")}</option> }.into_any()).collect();
                                if seeds.len() > 1 {
                                    opts.push(view! { <option value="mean">"mean over seeds"</option> }.into_any());
                                }
                                opts
                            }}
                        </select>
                    </div>
                    {view_field("labels")}
                </div>
            }
        })
    };
    let fixed = |h: u32| Signal::derive(move || h);
    // Clustering: shown when named in `view=`, else (all figures shown)
    // while the experiment records it (a loaded record's experiment is
    // the form's too).
    let clustering = FigureKind::Clustering;
    let named = !d.figures.is_empty();
    let clustered = move || {
        named
            || lab
                .params
                .with(|p| matches!(p.get("clustering"), Value::Choice("on")))
    };
    view! {
        <crate::components::sweep::SweepFigures />
        {d.shows(FigureKind::Plane).then(|| view! {
            <section class="figure-panel" id="panel-plane" aria-labelledby="h-plane">
                <h2 id="h-plane">"Information plane"</h2>
                {caption("I(X;T) against I(T;Y) for every layer (L1 = first hidden layer … last = output), coloured by epoch; one panel per seed and their mean. Hover a point for its values. Epochs count from 1 (the record's 0-based index + 1).")}
                {plane_options()}
                {canvas(FigureKind::Plane, "Information plane: I(X;T) against I(T;Y) per layer, coloured by epoch", plane_height, deps.clone())}
            </section>
        })}
        {d.shows(clustering).then(|| view! {
            <section class="figure-panel" id="panel-clustering" aria-labelledby="h-clustering" hidden=move || !clustered()>
                <h2 id="h-clustering">"I(X;T) and class clustering"</h2>
                {canvas(clustering, "I(X;T) and class clustering per layer against epoch", fixed(400), deps.clone())}
            </section>
        })}
        {(d.shows(FigureKind::Gradients) || d.shows(FigureKind::Snr)).then(|| view! {
            <section class="figure-panel" id="panel-gradients" aria-labelledby="h-grad">
                <h2 id="h-grad">"Gradient statistics"</h2>
                {caption("Mean and standard deviation of the mini-batch weight gradients per layer, log-log. IDNNs' plot_gradients.py sums over layers (cumulative), so its mean curves cannot cross.")}
                {grad_options()}
                {canvas(FigureKind::Gradients, "Gradient mean and standard deviation per layer against epoch", fixed(420), deps.clone())}
                {canvas(FigureKind::Snr, "Gradient signal-to-noise ratio per layer against epoch", fixed(320), deps.clone())}
            </section>
        })}
        {d.shows(FigureKind::Loss).then(|| view! {
            <section class="figure-panel" id="panel-loss" aria-labelledby="h-loss">
                <h2 id="h-loss">"Loss and accuracy"</h2>
                {canvas(FigureKind::Loss, "Training and test loss and accuracy against epoch", fixed(320), deps.clone())}
            </section>
        })}
        {d.shows(FigureKind::Norms).then(|| view! {
            <section class="figure-panel" id="panel-norms" aria-labelledby="h-norms">
                <h2 id="h-norms">"Weight norms"</h2>
                {canvas(FigureKind::Norms, "Frobenius norm of each layer's weights against epoch", fixed(300), deps.clone())}
            </section>
        })}
        {d.shows_control("record").then(|| view! { <RecordIo /> })}
    }
}
