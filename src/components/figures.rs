//! The live figures: information plane (one panel per seed and their mean),
//! gradient statistics with SNR, loss and accuracy, and weight norms. Each
//! is a function of the records (from `infoplane-figures`) drawn on a
//! canvas; options live in the URL.

use crate::components::canvas::{DepsFn, DrawFn, PlotCanvas};
use crate::components::export::{FigureExport, RecordIo};
use crate::figures::{draw_figure, epochs_of, grad_def_of, FigureInput, FigureKind};
use crate::state::{Lab, PlaneStyle, Subject};
use leptos::prelude::*;
use std::rc::Rc;

impl Lab {
    /// The lab's current figure input, read without tracking.
    pub fn with_figure_input<T>(self, f: impl FnOnce(&FigureInput) -> T) -> T {
        let view = self.view.get_untracked();
        let (grad_def, default_epochs) = self
            .experiment
            .with_untracked(|e| (grad_def_of(&e.params), epochs_of(&e.params)));
        self.runs.with_untracked(|runs| {
            f(&FigureInput {
                runs,
                view: &view,
                grad_def,
                subject: self.subject.get_untracked(),
                default_epochs,
            })
        })
    }
}

/// The figure panels.
#[component]
pub fn Figures() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let subject = lab.subject;
    let n_seeds = Memo::new(move |_| lab.runs.with(|r| r.seeds.len()));
    // Everything the figures read: redraw when any of it changes.
    let deps: DepsFn = Rc::new(move || {
        lab.runs.track();
        lab.view.track();
        lab.experiment.track();
        subject.track();
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
    let set_view = move |f: Box<dyn Fn(&mut crate::state::ViewOptions)>| lab.view.update(|v| f(v));
    let set_param = move |name: &'static str, value: String| {
        lab.experiment.update(|e| {
            let _ = e.params.set(name, &value);
        })
    };
    let d = lab.display.get_value();
    let (options, export, captions) = (
        d.shows_control("options"),
        d.shows_control("export"),
        d.shows_control("captions"),
    );
    let shown = d.clone();
    let canvas = move |kind: FigureKind, label: &'static str, height: Signal<u32>, deps: DepsFn| {
        shown.shows(kind).then(|| {
            view! {
                <PlotCanvas id=kind.canvas_id() label=label.to_string() height draw=draw(kind) deps />
                {export.then(|| view! { <FigureExport kind /> })}
            }
        })
    };
    let caption =
        move |text: &'static str| captions.then(|| view! { <p class="caption">{text}</p> });
    let plane_options = move || {
        options.then(|| {
            view! {
                <div class="view-options">
                    <div class="field">
                        <label for="opt-plane">"Style " <code>"plane"</code></label>
                        <select id="opt-plane" prop:value=move || lab.view.with(|v| if v.style == PlaneStyle::Polylines { "polylines" } else { "trajectories" })
                            on:change=move |ev| { let p = event_target_value(&ev) == "polylines"; set_view(Box::new(move |v| v.style = if p { PlaneStyle::Polylines } else { PlaneStyle::Trajectories })) }>
                            <option value="trajectories">"per-layer trajectories"</option>
                            <option value="polylines">"IDNNs: per-epoch polylines"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="opt-colors">"Epoch colours " <code>"colors"</code></label>
                        <select id="opt-colors" prop:value=move || lab.view.with(|v| if v.log_colors { "log" } else { "linear" })
                            on:change=move |ev| { let l = event_target_value(&ev) == "log"; set_view(Box::new(move |v| v.log_colors = l)) }>
                            <option value="linear">"linear (IDNNs)"</option>
                            <option value="log">"logarithmic"</option>
                        </select>
                    </div>
                </div>
            }
        })
    };
    let grad_options = move || {
        options.then(|| {
            view! {
                <div class="view-options">
                    <div class="field">
                        <label for="opt-grad">"Definition " <code>"grad_def"</code></label>
                        <select id="opt-grad" prop:value=move || lab.experiment.with(|e| grad_def_of(&e.params).name().to_string()) on:change=move |ev| set_param("grad_def", event_target_value(&ev))>
                            <option value="idnns">"IDNNs, cumulative over layers (as coded)"</option>
                            <option value="per-layer">"per layer (not cumulative)"</option>
                            <option value="normalised">"normalised by ‖W_l‖ (the caption's claim)"</option>
                            <option value="saxe">"Saxe et al.: m_l, s_l, m_l/s_l"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="opt-subject">"Record"</label>
                        <select id="opt-subject" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            subject.set(if v == "mean" { Subject::Mean } else { Subject::Seed(v.parse().unwrap_or(0)) })
                        }>
                            {move || {
                                let seeds = lab.runs.with(|r| r.seeds.iter().map(|s| s.seed).collect::<Vec<_>>());
                                let mut opts: Vec<_> = seeds.iter().enumerate().map(|(i, s)| view! { <option value=i.to_string()>{format!("seed {s}")}</option> }.into_any()).collect();
                                if seeds.len() > 1 {
                                    opts.push(view! { <option value="mean">"mean over seeds"</option> }.into_any());
                                }
                                opts
                            }}
                        </select>
                    </div>
                    <label class="check">
                        <input type="checkbox" id="opt-labels" prop:checked=move || lab.view.with(|v| v.original_labels)
                            on:change=move |ev| { let c = event_target_checked(&ev); set_view(Box::new(move |v| v.original_labels = c)) } />
                        "original axis labels (IDNNs: every label 10× too small) " <code>"labels"</code>
                    </label>
                </div>
            }
        })
    };
    let fixed = |h: u32| Signal::derive(move || h);
    view! {
        {d.shows(FigureKind::Plane).then(|| view! {
            <section class="figure-panel" id="panel-plane" aria-labelledby="h-plane">
                <h2 id="h-plane">"Information plane"</h2>
                {caption("I(X;T) against I(T;Y) for every layer (L1 = first hidden layer … last = output), coloured by epoch; one panel per seed and their mean. Hover a point for its values. Epochs count from 1 (the record's 0-based index + 1).")}
                {plane_options()}
                {canvas(FigureKind::Plane, "Information plane: I(X;T) against I(T;Y) per layer, coloured by epoch", plane_height, deps.clone())}
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
