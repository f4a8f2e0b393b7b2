//! The lab's figures as functions of the records: which figure, drawn from
//! what, into a display list (replayed onto the live canvas, or written as
//! SVG for export). The drawing itself is `infoplane-figures`.

use crate::runs::Runs;
use crate::view::{FigureKind, Subject};
use infoplane_core::record::{Aggregate, SeedRecord};
use infoplane_core::view::{AxisLabels, EpochColours, PlaneStyle, View};
use infoplane_figures as fig;

/// Everything a figure is drawn from.
#[derive(Clone, Copy)]
pub struct FigureInput<'a> {
    /// The runs.
    pub runs: &'a Runs,
    /// Plane style, colours, labels, gradient definition.
    pub view: &'a View,
    /// The record of single-record figures.
    pub subject: Subject,
}

impl FigureInput<'_> {
    /// (total epochs, max I(X;T), H(Y)) for axes and colours.
    fn scales(&self) -> (usize, f64, f64) {
        let total = self.runs.total_epochs();
        match &self.runs.header {
            Some(h) => (total, h.max_ixt, h.label_entropy),
            None => (total, 12.0, 1.0),
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
            definition: self.view.grad_def,
            original_labels: self.view.labels == AxisLabels::Original,
            total_epochs: self.scales().0,
            title: format!("{title} — {}", self.view.grad_def.name()),
            scale,
        }
    }
}

/// The class clustering ratio ([`fig::clustering_ratio`]) of the record
/// the single-record figures show for `subject`: of every seed for the
/// mean, else of one seed.
pub fn clustering_ratio(runs: &Runs, subject: Subject) -> Option<Vec<Vec<f64>>> {
    let all: Vec<&SeedRecord> = runs.seeds.iter().map(|s| &s.record).collect();
    fig::clustering_ratio(match subject {
        Subject::Mean if all.len() > 1 => &all,
        Subject::Seed(i) if i < all.len() => &all[i..=i],
        _ => &all[..all.len().min(1)],
    })
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
            // Runs of SZT's stored-run preset: the stored run's own mean
            // over its 20 repeats as one more panel, its epochs coloured
            // on the same scale as the run's (a shortened run's too).
            let stored = crate::stored::lab_series(runs);
            let mut total = total;
            if let Some((rec, name)) = &stored {
                views.push(fig::RecordView {
                    name: name.clone(),
                    ..fig::RecordView::seed(rec)
                });
                total = total.max(rec.epochs.last().map_or(0, |e| e + 1));
            }
            let opts = fig::GridOptions {
                plane: fig::PlaneOptions {
                    style: match input.view.plane {
                        PlaneStyle::Trajectories => fig::PlaneStyle::Trajectories,
                        PlaneStyle::Polylines => fig::PlaneStyle::Polylines,
                    },
                    colour_scale: match input.view.colors {
                        EpochColours::Linear => fig::EpochScale::Linear,
                        EpochColours::Log => fig::EpochScale::Log,
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
        FigureKind::Clustering => {
            let o = curve_opts("I(X;T) and class clustering");
            let ratio = clustering_ratio(input.runs, input.subject);
            input.with_subject(|v| fig::draw_clustering(area, &v, ratio.as_deref(), &o))
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
