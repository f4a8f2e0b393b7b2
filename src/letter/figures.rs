//! The figures the letter's cards draw from their runs: the lab's figures
//! (via `crate::figures::draw_figure`) and two special views, the same
//! gradient statistics under two definitions side by side, and IDNNs'
//! original y labels beside the true ones.

use crate::figures::{draw_figure, FigureInput};
use crate::runs::Runs;
use crate::view::{FigureKind, Subject};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::view::{PlaneStyle, View};
use infoplane_figures::{self as fig, HitPoint, RecordView};

/// A figure on a letter card, drawn from one configuration's runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterFigure {
    /// Gradient mean (solid) and std (dashed) per layer, first seed.
    Gradients(GradDefinition),
    /// The same run's gradient statistics under two definitions, side by side.
    GradientPair(GradDefinition, GradDefinition),
    /// IDNNs' original (10× off) y labels beside the true ones.
    AxisLabels,
    /// Information planes, one per seed plus their mean.
    Planes {
        /// IDNNs' per-epoch polylines (else per-layer trajectories).
        polylines: bool,
    },
    /// Gradient SNR per layer, first seed.
    Snr(GradDefinition),
    /// Loss and accuracy, first seed.
    Loss,
    /// Weight norms ‖W_l‖_F, first seed.
    Norms,
}

/// How a definition is named in titles.
fn definition_title(d: GradDefinition) -> &'static str {
    match d {
        GradDefinition::Idnns => "as coded: cumulative over layers",
        GradDefinition::PerLayer => "per layer (not cumulative)",
        GradDefinition::Normalised => "normalised by ‖W_l‖ (the caption)",
        GradDefinition::Saxe => "Saxe et al.: m_l, s_l per layer",
    }
}

impl LetterFigure {
    /// Accessible description of the canvas.
    pub fn label(self) -> String {
        match self {
            LetterFigure::Gradients(d) => format!(
                "Gradient mean and std per layer against epoch, {}",
                definition_title(d)
            ),
            LetterFigure::GradientPair(a, b) => format!(
                "Gradient mean and std per layer against epoch: left {}, right {}",
                definition_title(a),
                definition_title(b)
            ),
            LetterFigure::AxisLabels => {
                "Gradient statistics with IDNNs' original y labels (left) and the true labels (right)"
                    .into()
            }
            LetterFigure::Planes { .. } => {
                "Information plane per seed: I(X;T) against I(T;Y) per layer, coloured by epoch"
                    .into()
            }
            LetterFigure::Snr(d) => format!(
                "Gradient signal-to-noise ratio per layer against epoch, {}",
                definition_title(d)
            ),
            LetterFigure::Loss => "Loss and accuracy against epoch".into(),
            LetterFigure::Norms => "Weight norm of each layer against epoch".into(),
        }
    }

    /// A short name for element ids.
    pub fn slug(self) -> &'static str {
        match self {
            LetterFigure::Gradients(_) => "gradients",
            LetterFigure::GradientPair(..) => "gradient-pair",
            LetterFigure::AxisLabels => "axis-labels",
            LetterFigure::Planes { .. } => "planes",
            LetterFigure::Snr(_) => "snr",
            LetterFigure::Loss => "loss",
            LetterFigure::Norms => "norms",
        }
    }

    /// CSS height in pixels, for `seeds` seeds in a column of `columns`.
    pub fn height(self, seeds: usize, columns: usize) -> u32 {
        match self {
            LetterFigure::Planes { .. } => match (seeds, columns) {
                (0 | 1, 1) => 420,
                (0 | 1, _) => 340,
                (2..=3, _) => 460,
                _ => 620,
            },
            LetterFigure::Gradients(_)
            | LetterFigure::GradientPair(..)
            | LetterFigure::AxisLabels => 380,
            LetterFigure::Snr(_) => 300,
            LetterFigure::Loss | LetterFigure::Norms => 260,
        }
    }

    /// Draws the figure from `runs` on `area` at device pixel ratio `scale`.
    pub fn draw(self, runs: &Runs, area: &fig::Area, scale: f64) -> Result<Vec<HitPoint>, String> {
        let lab = |kind: FigureKind, grad_def: GradDefinition, plane: PlaneStyle| {
            let view = View {
                plane,
                grad_def,
                ..View::default()
            };
            draw_figure(
                kind,
                &FigureInput {
                    runs,
                    view: &view,
                    subject: Subject::Seed(0),
                },
                area,
                scale,
            )
        };
        let traj = PlaneStyle::Trajectories;
        match self {
            LetterFigure::Gradients(d) => lab(FigureKind::Gradients, d, traj),
            LetterFigure::Snr(d) => lab(FigureKind::Snr, d, traj),
            LetterFigure::Loss => lab(FigureKind::Loss, GradDefinition::Idnns, traj),
            LetterFigure::Norms => lab(FigureKind::Norms, GradDefinition::Idnns, traj),
            LetterFigure::Planes { polylines } => lab(
                FigureKind::Plane,
                GradDefinition::Idnns,
                if polylines {
                    PlaneStyle::Polylines
                } else {
                    traj
                },
            ),
            LetterFigure::GradientPair(a, b) => pair(
                runs,
                area,
                [
                    (a, false, definition_title(a)),
                    (b, false, definition_title(b)),
                ],
                scale,
            ),
            LetterFigure::AxisLabels => pair(
                runs,
                area,
                [
                    (
                        GradDefinition::Idnns,
                        true,
                        "original labels (as published)",
                    ),
                    (GradDefinition::Idnns, false, "true labels"),
                ],
                scale,
            ),
        }
    }
}

/// Two gradient panels of the first seed, side by side (stacked when the
/// area is narrow): (definition, original labels, title) each.
fn pair(
    runs: &Runs,
    area: &fig::Area,
    panels: [(GradDefinition, bool, &str); 2],
    scale: f64,
) -> Result<Vec<HitPoint>, String> {
    let total = runs.total_epochs();
    let view = runs.seeds.first().map_or_else(
        || RecordView::empty("no run yet"),
        |s| RecordView::seed(&s.record),
    );
    let (w, h) = area.dim_in_pixel();
    let (left, right) = if w as f64 >= 1.6 * h as f64 {
        area.split_horizontally(w / 2)
    } else {
        area.split_vertically(h / 2)
    };
    let mut hits = Vec::new();
    for (part, (definition, original_labels, title)) in [left, right].iter().zip(panels) {
        let opts = fig::GradOptions {
            definition,
            original_labels,
            total_epochs: total,
            title: title.to_string(),
            scale,
        };
        hits.extend(fig::draw_gradients(part, &view, &opts)?);
    }
    Ok(hits)
}
