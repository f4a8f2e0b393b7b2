//! The lab's figures as functions of the records: which figure, drawn from
//! what, into a display list (replayed onto the live canvas, or written as
//! SVG for export). The drawing itself is `infoplane-figures`.

use crate::state::{PlaneStyle, Runs, Subject, ViewOptions};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::params::{Params, Value};
use infoplane_core::record::Aggregate;
use infoplane_figures as fig;

/// The figures of the lab, by the names `view=` and exports use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// Information plane grid (seeds and their mean).
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
        match self {
            FigureKind::Plane => "plane",
            FigureKind::Gradients => "gradients",
            FigureKind::Snr => "snr",
            FigureKind::Loss => "loss",
            FigureKind::Norms => "norms",
        }
    }

    /// The figure called `name`.
    pub fn from_name(name: &str) -> Option<FigureKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The lab's canvas element id.
    pub fn canvas_id(self) -> String {
        format!("fig-{}", self.name())
    }
}

/// Everything a figure is drawn from.
#[derive(Clone, Copy)]
pub struct FigureInput<'a> {
    /// The runs.
    pub runs: &'a Runs,
    /// Plane style, colours, labels.
    pub view: &'a ViewOptions,
    /// Gradient statistic definition.
    pub grad_def: GradDefinition,
    /// The record of single-record figures.
    pub subject: Subject,
    /// Total epochs, used before the run reports its own.
    pub default_epochs: usize,
}

/// The gradient definition `params` selects.
pub fn grad_def_of(params: &Params) -> GradDefinition {
    match params.get("grad_def") {
        Value::Choice(c) => GradDefinition::from_name(c).unwrap_or(GradDefinition::Idnns),
        _ => GradDefinition::Idnns,
    }
}

/// The epochs `params` trains.
pub fn epochs_of(params: &Params) -> usize {
    match params.get("epochs") {
        Value::Int(v) => *v as usize,
        _ => 1,
    }
}

impl FigureInput<'_> {
    /// (total epochs, max I(X;T), H(Y)) for axes and colours.
    fn scales(&self) -> (usize, f64, f64) {
        match &self.runs.header {
            Some(h) => (h.epochs, (h.mi_rows as f64).log2(), h.label_entropy),
            None => (self.default_epochs, 12.0, 1.0),
        }
    }

    /// Runs `f` on the subject's record.
    fn with_subject<T>(&self, f: impl FnOnce(fig::RecordView) -> T) -> T {
        let runs = self.runs;
        let mean: Aggregate;
        let view = match self.subject {
            Subject::Mean if runs.seeds.len() > 1 => {
                mean = runs.aggregate();
                fig::RecordView::mean(&mean)
            }
            Subject::Seed(i) if i < runs.seeds.len() => {
                fig::RecordView::seed(&runs.seeds[i].record)
            }
            _ => runs.seeds.first().map_or_else(
                || fig::RecordView::empty("no run yet"),
                |s| fig::RecordView::seed(&s.record),
            ),
        };
        f(view)
    }

    fn grad_options(&self, scale: f64, title: &str) -> fig::GradOptions {
        fig::GradOptions {
            definition: self.grad_def,
            original_labels: self.view.original_labels,
            total_epochs: self.scales().0,
            title: format!("{title} — {}", self.grad_def.name()),
            scale,
        }
    }
}

/// Draws figure `kind` on `area` at device pixel ratio `scale`.
pub fn draw_figure(
    kind: FigureKind,
    input: &FigureInput,
    area: &fig::Area,
    scale: f64,
) -> Result<Vec<fig::HitPoint>, String> {
    let (total, max_ixt, h) = input.scales();
    let curve_opts = |title: &str| fig::CurveOptions {
        total_epochs: total,
        title: title.into(),
        scale,
    };
    match kind {
        FigureKind::Plane => {
            let runs = input.runs;
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
                    style: match input.view.style {
                        PlaneStyle::Trajectories => fig::PlaneStyle::Trajectories,
                        PlaneStyle::Polylines => fig::PlaneStyle::Polylines,
                    },
                    colour_scale: if input.view.log_colors {
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
            let o = input.grad_options(scale, "Gradient mean (solid) and std (dashed)");
            input.with_subject(|v| fig::draw_gradients(area, &v, &o))
        }
        FigureKind::Snr => {
            let o = input.grad_options(scale, "Signal-to-noise ratio");
            input.with_subject(|v| fig::draw_snr(area, &v, &o))
        }
        FigureKind::Loss => {
            let o = curve_opts("Loss and accuracy (train solid, test dashed)");
            input.with_subject(|v| fig::draw_loss_accuracy(area, &v, &o))
        }
        FigureKind::Norms => {
            let o = curve_opts("Weight norms ‖W_l‖_F");
            input.with_subject(|v| fig::draw_weight_norms(area, &v, &o))
        }
    }
}

/// The figure as an SVG document of `w` × `h` pixels at 1×, its text laid
/// out with `measure` (the canvas' measure, so the file looks as the page).
pub fn figure_svg(
    kind: FigureKind,
    input: &FigureInput,
    w: u32,
    h: u32,
    measure: fig::Measure,
) -> Result<String, String> {
    let (list, drawn) = fig::record(w, h, measure, |area| draw_figure(kind, input, area, 1.0));
    drawn.map(|_| list.to_svg())
}
