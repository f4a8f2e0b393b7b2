//! The live figures: information plane (one panel per seed and their mean),
//! gradient statistics with SNR, loss and accuracy, and weight norms. Each
//! is a function of the records (from `infoplane-figures`) drawn on a
//! canvas; options live in the URL.

use crate::components::canvas::{DepsFn, DrawFn, PlotCanvas};
use crate::components::export::{FigureExport, RecordIo};
use crate::state::{Lab, PlaneStyle, Runs, Subject};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::params::Value;
use infoplane_core::record::Aggregate;
use infoplane_figures as fig;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::rc::Rc;

/// The figures the page shows, by the names `view=` uses.
pub const FIGURES: &[&str] = &["plane", "gradients", "snr", "loss", "norms"];

fn grad_def(lab: Lab) -> GradDefinition {
    lab.experiment.with(|e| match e.params.get("grad_def") {
        Value::Choice(c) => GradDefinition::from_name(c).unwrap_or(GradDefinition::Idnns),
        _ => GradDefinition::Idnns,
    })
}

/// (total epochs, max I(X;T), H(Y)) for axes and colours.
fn scales(lab: Lab, runs: &Runs) -> (usize, f64, f64) {
    match &runs.header {
        Some(h) => (h.epochs, (h.mi_rows as f64).log2(), h.label_entropy),
        None => {
            let epochs = lab
                .experiment
                .with_untracked(|e| match e.params.get("epochs") {
                    Value::Int(v) => *v as usize,
                    _ => 1,
                });
            (epochs, 12.0, 1.0)
        }
    }
}

/// Draws `f` on the chosen subject's record.
fn with_subject<T>(runs: &Runs, subject: Subject, f: impl FnOnce(fig::RecordView) -> T) -> T {
    let mean: Aggregate;
    let view = match subject {
        Subject::Mean if runs.seeds.len() > 1 => {
            mean = runs.aggregate();
            fig::RecordView::mean(&mean)
        }
        Subject::Seed(i) if i < runs.seeds.len() => fig::RecordView::seed(&runs.seeds[i].record),
        _ => runs.seeds.first().map_or_else(
            || fig::RecordView::empty("no run yet"),
            |s| fig::RecordView::seed(&s.record),
        ),
    };
    f(view)
}

/// The figures of the lab, by the names `view=` and exports use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// Information plane grid.
    Plane,
    /// Gradient mean and std.
    Gradients,
    /// Gradient SNR.
    Snr,
    /// Loss and accuracy.
    Loss,
    /// Weight norms.
    Norms,
}

impl FigureKind {
    /// Every figure, in page order.
    pub const ALL: [FigureKind; 5] = [
        FigureKind::Plane,
        FigureKind::Gradients,
        FigureKind::Snr,
        FigureKind::Loss,
        FigureKind::Norms,
    ];

    /// Its name in `view=` and in file names.
    pub fn name(self) -> &'static str {
        FIGURES[self as usize]
    }

    /// The canvas element's id.
    pub fn canvas_id(self) -> &'static str {
        match self {
            FigureKind::Plane => "fig-plane",
            FigureKind::Gradients => "fig-gradients",
            FigureKind::Snr => "fig-snr",
            FigureKind::Loss => "fig-loss",
            FigureKind::Norms => "fig-norms",
        }
    }
}

fn grad_options(lab: Lab, runs: &Runs, scale: f64, title: &str) -> fig::GradOptions {
    let def = grad_def(lab);
    fig::GradOptions {
        definition: def,
        original_labels: lab.view.with_untracked(|v| v.original_labels),
        total_epochs: scales(lab, runs).0,
        title: format!("{title} — {}", def.name()),
        scale,
    }
}

/// Draws figure `kind` of the lab's current runs on any plotters backend:
/// the canvas (live), SVG (export) alike. `subject` picks the record of the
/// single-record figures.
pub fn draw_figure<DB: DrawingBackend>(
    kind: FigureKind,
    lab: Lab,
    subject: Subject,
    area: &DrawingArea<DB, Shift>,
    scale: f64,
) -> Result<Vec<fig::HitPoint>, String> {
    lab.runs.with_untracked(|runs| {
        let curve_opts = |title: &str| fig::CurveOptions {
            total_epochs: scales(lab, runs).0,
            title: title.into(),
            scale,
        };
        match kind {
            FigureKind::Plane => {
                let v = lab.view.get_untracked();
                let (total, max_ixt, h) = scales(lab, runs);
                let mean: Aggregate;
                let mut views: Vec<fig::RecordView> = runs
                    .seeds
                    .iter()
                    .map(|s| fig::RecordView::seed(&s.record))
                    .collect();
                if runs.seeds.len() > 1 {
                    mean = runs.aggregate();
                    views.push(fig::RecordView::mean(&mean));
                }
                let opts = fig::GridOptions {
                    plane: fig::PlaneOptions {
                        style: match v.style {
                            PlaneStyle::Trajectories => fig::PlaneStyle::Trajectories,
                            PlaneStyle::Polylines => fig::PlaneStyle::Polylines,
                        },
                        colour_scale: if v.log_colors {
                            fig::EpochScale::Log
                        } else {
                            fig::EpochScale::Linear
                        },
                        total_epochs: total,
                        max_ixt,
                        label_entropy: h,
                        title: String::new(),
                        layer_labels: true,
                        scale,
                    },
                    colour_bar: true,
                    title: String::new(),
                };
                fig::draw_plane_grid(area, &views, &opts)
            }
            FigureKind::Gradients => {
                let o = grad_options(lab, runs, scale, "Gradient mean (solid) and std (dashed)");
                with_subject(runs, subject, |v| fig::draw_gradients(area, &v, &o))
            }
            FigureKind::Snr => {
                let o = grad_options(lab, runs, scale, "Signal-to-noise ratio");
                with_subject(runs, subject, |v| fig::draw_snr(area, &v, &o))
            }
            FigureKind::Loss => {
                let o = curve_opts("Loss and accuracy (train solid, test dashed)");
                with_subject(runs, subject, |v| fig::draw_loss_accuracy(area, &v, &o))
            }
            FigureKind::Norms => {
                let o = curve_opts("Weight norms ‖W_l‖_F");
                with_subject(runs, subject, |v| fig::draw_weight_norms(area, &v, &o))
            }
        }
    })
}

/// The figure as an SVG document of `w` × `h` pixels.
pub fn figure_svg(
    kind: FigureKind,
    lab: Lab,
    subject: Subject,
    w: u32,
    h: u32,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        draw_figure(kind, lab, subject, &area, 1.0)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
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
        Rc::new(move |area, scale| draw_figure(kind, lab, subject.get_untracked(), area, scale))
    };
    let set_view = move |f: Box<dyn Fn(&mut crate::state::ViewOptions)>| lab.view.update(|v| f(v));
    let set_param = move |name: &'static str, value: String| {
        lab.experiment.update(|e| {
            let _ = e.params.set(name, &value);
        })
    };
    view! {
        <section class="figure-panel" id="panel-plane" aria-labelledby="h-plane">
            <h2 id="h-plane">"Information plane"</h2>
            <p class="caption">"I(X;T) against I(T;Y) for every layer (L1 = first hidden layer … last = output), coloured by epoch; one panel per seed and their mean. Hover a point for its values."</p>
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
            <PlotCanvas id="fig-plane" label="Information plane: I(X;T) against I(T;Y) per layer, coloured by epoch".into() height=plane_height draw=draw(FigureKind::Plane) deps=deps.clone() />
            <FigureExport kind=FigureKind::Plane />
        </section>
        <section class="figure-panel" id="panel-gradients" aria-labelledby="h-grad">
            <h2 id="h-grad">"Gradient statistics"</h2>
            <p class="caption">"Mean and standard deviation of the mini-batch weight gradients per layer, log-log. IDNNs' plot_gradients.py sums over layers (cumulative), so its mean curves cannot cross."</p>
            <div class="view-options">
                <div class="field">
                    <label for="opt-grad">"Definition " <code>"grad_def"</code></label>
                    <select id="opt-grad" prop:value=move || grad_def(lab).name().to_string() on:change=move |ev| set_param("grad_def", event_target_value(&ev))>
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
            <PlotCanvas id="fig-gradients" label="Gradient mean and standard deviation per layer against epoch".into() height=Signal::derive(|| 420) draw=draw(FigureKind::Gradients) deps=deps.clone() />
            <FigureExport kind=FigureKind::Gradients />
            <PlotCanvas id="fig-snr" label="Gradient signal-to-noise ratio per layer against epoch".into() height=Signal::derive(|| 320) draw=draw(FigureKind::Snr) deps=deps.clone() />
            <FigureExport kind=FigureKind::Snr />
        </section>
        <section class="figure-panel" id="panel-loss" aria-labelledby="h-loss">
            <h2 id="h-loss">"Loss and accuracy"</h2>
            <PlotCanvas id="fig-loss" label="Training and test loss and accuracy against epoch".into() height=Signal::derive(|| 320) draw=draw(FigureKind::Loss) deps=deps.clone() />
            <FigureExport kind=FigureKind::Loss />
        </section>
        <section class="figure-panel" id="panel-norms" aria-labelledby="h-norms">
            <h2 id="h-norms">"Weight norms"</h2>
            <PlotCanvas id="fig-norms" label="Frobenius norm of each layer's weights against epoch".into() height=Signal::derive(|| 300) draw=draw(FigureKind::Norms) deps=deps />
            <FigureExport kind=FigureKind::Norms />
        </section>
        <RecordIo />
    }
}
