//! The figures the letter's cards draw from their runs: the lab's figures
//! (via `crate::figures::draw_figure`) and special views: the same
//! gradient statistics under two definitions side by side, IDNNs' original
//! y labels beside the true ones, each layer's share of the cumulative
//! sums, and the reader's planes beside SZT's stored run.

// The lab's sweep summary: the one piece of the lab's sweep UI the letter's
// `bins-decide` card draws.
use crate::components::canvas::{plane_grid_panels, NARROW};
use crate::components::sweep::draw as sweep_draw;
use crate::figures::{draw_figure, FigureInput};
use crate::runs::Runs;
use crate::session::SweepRuns;
use crate::stored::{self, Stored};
use crate::view::{FigureKind, Subject};
use infoplane_core::analysis::shares;
use infoplane_core::analysis::stored::{comparison_epochs, StoredRule, StoredRun};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::{Aggregate, GradSeries, SeedRecord};
use infoplane_core::view::{PlaneStyle, View};
use infoplane_figures::plotters::prelude::*;
use infoplane_figures::{self as fig, HitPoint, RecordView};
use std::collections::BTreeMap;

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
    /// Each layer's share of the top layer's cumulative sums Σ m_l and
    /// Σ s_l against epoch, first seed.
    Shares,
    /// The planes of every seed, their mean, and SZT's stored run (mean
    /// with its ± 2 sd band at the epochs the verdict compares).
    StoredPlanes,
    /// A sweep's summary: each layer's final I(X;T) and I(T;Y) against the
    /// swept value (mean ± sd over seeds), with the card's next
    /// configuration (the same network at machine precision) dashed.
    SweepSummary,
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
            LetterFigure::SweepSummary => "I(X;T) and I(T;Y) per layer at the last logged epoch against the bin count, mean and sd over seeds, machine precision dashed".into(),
            LetterFigure::Shares => "Each layer's share of the top layer's cumulative mean (solid) and variance sum (dashed) against epoch".into(),
            LetterFigure::StoredPlanes => "Information plane per seed and their mean, beside SZT's stored run: its mean over 20 repeats with bars of ± 2 sd at the compared epochs".into(),
        }
    }

    /// Whether it draws SZT's stored run (and so redraws when it loads).
    pub fn uses_stored_run(self) -> bool {
        self == LetterFigure::StoredPlanes
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
            LetterFigure::Shares => "shares",
            LetterFigure::StoredPlanes => "stored-planes",
            LetterFigure::SweepSummary => "sweep-summary",
        }
    }

    /// On narrow screens, the information planes it stacks one above the
    /// other for `seeds` seeds (each then keeps its shape, see
    /// [`crate::components::canvas::narrow_height`]); `None`: not a stack
    /// of planes.
    pub fn narrow_panels(self, seeds: usize) -> Option<usize> {
        match self {
            // The lab's grid.
            LetterFigure::Planes { .. } => Some(plane_grid_panels(seeds)),
            // The seeds' grid (one panel while there is none), then the
            // mean of the reader's runs and SZT's stored run.
            LetterFigure::StoredPlanes => Some(seeds.max(1) + 2),
            _ => None,
        }
    }

    /// CSS height in pixels, for `seeds` seeds in a column of `columns`.
    pub fn height(self, seeds: usize, columns: usize) -> u32 {
        match self {
            LetterFigure::Planes { .. } => match (seeds, columns) {
                (0 | 1, 1) => 420,
                (0 | 1, _) => 340,
                (2..=3, _) => 460,
                (_, 1) => 620,
                _ => 700,
            },
            LetterFigure::StoredPlanes => match seeds {
                0 | 1 => 560,
                2..=3 => 720,
                _ => 860,
            },
            LetterFigure::Gradients(_)
            | LetterFigure::GradientPair(..)
            | LetterFigure::AxisLabels
            | LetterFigure::Shares => 380,
            LetterFigure::Snr(_) => 300,
            LetterFigure::SweepSummary => 420,
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
            LetterFigure::Shares => shares(runs, area, scale),
            LetterFigure::StoredPlanes => stored_planes(runs, area, scale),
            // Drawn from a sweep (see `draw_sweep`); a plain run has none.
            LetterFigure::SweepSummary => self.draw_sweep(None, runs, area, scale),
        }
    }

    /// Draws [`LetterFigure::SweepSummary`] of `sweep` (waiting while there
    /// is none) with `reference`'s final I(X;T) and I(T;Y) per layer dashed.
    pub fn draw_sweep(
        self,
        sweep: Option<&SweepRuns>,
        reference: &Runs,
        area: &fig::Area,
        scale: f64,
    ) -> Result<Vec<HitPoint>, String> {
        let empty = SweepRuns::default();
        let sweep = sweep.unwrap_or(&empty);
        let reference = sweep_draw::reference_of(reference, "machine precision");
        sweep_draw::draw_summary(sweep, None, reference, area, scale)
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

/// Each layer's share of the sums behind the top layer's curves, drawn with
/// the gradient figure's per-layer lines: solid the share of Σ m_l (the
/// "mean"), dashed the share of Σ s_l (under the "std"'s root).
fn shares(runs: &Runs, area: &fig::Area, scale: f64) -> Result<Vec<HitPoint>, String> {
    let total = runs.total_epochs();
    let Some(rec) = runs.seeds.first().map(|s| &s.record) else {
        let opts = fig::GradOptions::default();
        return fig::draw_gradients(area, &RecordView::empty("no run yet"), &opts);
    };
    let sh = shares::layer_shares(rec);
    let series = GradSeries {
        snr: sh.mean.clone(),
        mean: sh.mean,
        std: sh.var,
    };
    let stats = BTreeMap::from([(GradDefinition::PerLayer.name().to_string(), series)]);
    let view = RecordView {
        grad_stats: Some(&stats),
        ..RecordView::seed(rec)
    };
    let opts = fig::GradOptions {
        definition: GradDefinition::PerLayer,
        original_labels: false,
        total_epochs: total,
        title: format!(
            "{}: each layer's share of Σm_l (solid) and of Σs_l (dashed), log scale",
            view.name
        ),
        scale,
    };
    fig::draw_gradients(area, &view, &opts)
}

/// The reader's seeds (grid with colour bar) above their mean beside the
/// stored run's mean, on the same axes.
fn stored_planes(runs: &Runs, area: &fig::Area, scale: f64) -> Result<Vec<HitPoint>, String> {
    let (total, max_ixt, h) = match &runs.header {
        Some(hd) => (runs.total_epochs(), hd.max_ixt, hd.label_entropy),
        None => (runs.total_epochs(), 12.0, 1.0),
    };
    let plane = fig::PlaneOptions {
        style: fig::PlaneStyle::Polylines,
        colour_scale: fig::EpochScale::Linear,
        total_epochs: total,
        max_ixt,
        label_entropy: h,
        title: String::new(),
        layer_labels: true,
        scale,
    };
    let (wd, ht) = area.dim_in_pixel();
    // Narrow (a phone): the two lower planes go below the grid, one above
    // the other, instead of side by side at half the width.
    let narrow = f64::from(wd) / scale.max(0.25) < NARROW;
    let grid = runs.seeds.len().max(1) as u32;
    let top_share = if narrow {
        ht * grid / (grid + 2)
    } else {
        ht * 55 / 100
    };
    let (top, bottom) = area.split_vertically(top_share);
    let seeds: Vec<RecordView> = runs
        .seeds
        .iter()
        .map(|s| RecordView::seed(&s.record))
        .collect();
    let mut hits = fig::draw_plane_grid(
        &top,
        &seeds,
        &fig::GridOptions {
            plane: plane.clone(),
            colour_bar: true,
            title: String::new(),
        },
    )?;
    let (w, h) = bottom.dim_in_pixel();
    let (left, right) = if narrow {
        bottom.split_vertically(h / 2)
    } else {
        bottom.split_horizontally(w / 2)
    };
    let mean: Aggregate;
    let mean_view = if runs.seeds.len() > 1 {
        mean = runs.aggregate();
        RecordView::mean(&mean)
    } else {
        runs.seeds.first().map_or_else(
            || RecordView::empty("no run yet"),
            |s| RecordView::seed(&s.record),
        )
    };
    hits.extend(fig::draw_plane(
        &left,
        &mean_view,
        &fig::PlaneOptions {
            title: format!("Your runs: {}", mean_view.name),
            ..plane.clone()
        },
    )?);
    match stored::state() {
        Stored::Loaded(run) => {
            let rec = stored::mean_record(&run);
            let view = RecordView {
                name: stored::title(&run),
                ..RecordView::seed(&rec)
            };
            let opts = fig::PlaneOptions {
                title: format!("{} (bars: ± 2 sd)", view.name),
                total_epochs: run.epochs.last().map_or(0, |e| e + 1),
                ..plane
            };
            let drawn = fig::draw_plane(&right, &view, &opts)?;
            error_bars(&right, &run, &rec, &drawn, scale)?;
            hits.extend(drawn);
        }
        Stored::Failed(e) => {
            let opts = fig::PlaneOptions {
                title: format!("SZT's stored run could not be loaded: {e}"),
                ..plane
            };
            fig::draw_plane(&right, &RecordView::empty(""), &opts)?;
        }
        Stored::Idle | Stored::Loading => {
            let opts = fig::PlaneOptions {
                title: "SZT's stored run: loading…".into(),
                ..plane
            };
            fig::draw_plane(&right, &RecordView::empty(""), &opts)?;
        }
    }
    Ok(hits)
}

/// The affine map from data to backend pixels of one axis, from the drawn
/// points: (offset, slope) with pixel = offset + slope · value, from the
/// two points farthest apart in value. `None` if they do not differ.
fn axis_map(pairs: &[(f64, i32)]) -> Option<(f64, f64)> {
    let lo = pairs.iter().min_by(|a, b| a.0.total_cmp(&b.0))?;
    let hi = pairs.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    if hi.0 - lo.0 < 1e-6 {
        return None;
    }
    let slope = f64::from(hi.1 - lo.1) / (hi.0 - lo.0);
    Some((f64::from(lo.1) - slope * lo.0, slope))
}

/// Bars of mean ± 2 sd (the verdict's band, sd at least its floor) in both
/// coordinates at the compared epochs, placed with the pixel positions
/// `draw_plane` reported for the stored mean's points (one per epoch and
/// layer, epochs outer). Nothing is drawn if the points do not line up
/// with the record (e.g. some fell outside the plot).
fn error_bars(
    area: &fig::Area,
    run: &StoredRun,
    rec: &SeedRecord,
    drawn: &[HitPoint],
    scale: f64,
) -> Result<(), String> {
    let layers = rec.ixt.first().map_or(0, Vec::len);
    if layers == 0 || drawn.len() != rec.epochs.len() * layers {
        return Ok(());
    }
    let at = |k: usize, l: usize| &drawn[k * layers + l];
    let xs: Vec<(f64, i32)> = (0..rec.epochs.len())
        .flat_map(|k| (0..layers).map(move |l| (k, l)))
        .map(|(k, l)| (rec.ixt[k][l], at(k, l).x))
        .collect();
    let ys: Vec<(f64, i32)> = (0..rec.epochs.len())
        .flat_map(|k| (0..layers).map(move |l| (k, l)))
        .map(|(k, l)| (rec.ity[k][l], at(k, l).y))
        .collect();
    let (Some((x0, sx)), Some((y0, sy))) = (axis_map(&xs), axis_map(&ys)) else {
        return Ok(());
    };
    let rule = StoredRule::default();
    let (bx, by) = area.get_base_pixel();
    let px = |v: f64, o: f64, s: f64| (o + s * v).round() as i32;
    let style = RGBColor(60, 60, 60)
        .mix(0.7)
        .stroke_width(scale.round().max(1.0) as u32);
    for e in comparison_epochs(run, &rule) {
        let Some(k) = run.row(e) else { continue };
        for l in 0..layers {
            let (mx, my) = (run.ixt_mean[k][l], run.ity_mean[k][l]);
            let dx = rule.width * run.ixt_std[k][l].max(rule.sd_floor);
            let dy = rule.width * run.ity_std[k][l].max(rule.sd_floor);
            let (cx, cy) = (px(mx, x0, sx) - bx, px(my, y0, sy) - by);
            for seg in [
                [
                    (px(mx - dx, x0, sx) - bx, cy),
                    (px(mx + dx, x0, sx) - bx, cy),
                ],
                [
                    (cx, px(my - dy, y0, sy) - by),
                    (cx, px(my + dy, y0, sy) - by),
                ],
            ] {
                area.draw(&PathElement::new(seg.to_vec(), style))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_map_comes_from_the_extreme_points() {
        // Pixels 100 at 0 bits and 40 at 12 bits: slope −5 px per bit.
        let (o, s) = axis_map(&[(6.0, 70), (0.0, 100), (12.0, 40)]).unwrap();
        assert_eq!((o, s), (100.0, -5.0));
        assert!(axis_map(&[(1.0, 3), (1.0, 3)]).is_none());
        assert!(axis_map(&[]).is_none());
    }

    #[test]
    fn shares_and_stored_planes_draw() {
        use infoplane_core::record::EpochRecord;
        let mut runs = Runs::default();
        let mut rec = SeedRecord::new(0);
        for e in 0..20 {
            rec.push(&EpochRecord {
                epoch: e,
                ixt: vec![8.0, 4.0],
                ity: vec![0.9, 0.5],
                grad_m: vec![3.0, 1.0],
                grad_s: vec![1.0, 1.0],
                wnorm: vec![1.0, 1.0],
                loss_train: 0.1,
                loss_test: 0.2,
                acc_train: 0.9,
                acc_test: 0.8,
            });
        }
        runs.seeds.push(crate::runs::SeedView {
            record: rec,
            ..crate::runs::SeedView::queued(0)
        });
        let (list, ()) = fig::record(900, 500, &fig::estimate_text, |area| {
            // Layer 1 holds 3/4 of Σm and 1/2 of Σs at every epoch.
            let hits = LetterFigure::Shares.draw(&runs, area, 1.0).unwrap();
            assert!(
                hits.iter()
                    .any(|h| h.text.contains("layer 1") && h.text.contains("mean 0.75")),
                "{:?}",
                hits.first()
            );
            assert!(hits
                .iter()
                .any(|h| h.text.contains("layer 2") && h.text.contains("std 0.5")));
            let hits = LetterFigure::StoredPlanes.draw(&runs, area, 1.0).unwrap();
            // The seed's plane and its own "mean" panel: 2 × 20 × 2 points.
            assert_eq!(
                hits.iter()
                    .filter(|h| h.text.contains("I(X;T) 8.00"))
                    .count(),
                40
            );
        });
        let svg = list.to_svg();
        // (SVG escapes the apostrophe.)
        assert!(svg.contains("stored run: loading"), "{}", &svg[..200]);

        // On a phone (the figure at its 30rem minimum, 480 px): the seed's
        // grid, then the reader's runs, then SZT's, one above the other at
        // full width, in the height narrow_height gives three planes.
        let panels = LetterFigure::StoredPlanes.narrow_panels(runs.seeds.len());
        assert_eq!(panels, Some(3));
        // A card's plane grid stacks as the lab's (3 seeds and their mean);
        // line charts keep their own narrow height.
        let grid = LetterFigure::Planes { polylines: true };
        assert_eq!(grid.narrow_panels(3), Some(4));
        assert_eq!(grid.narrow_panels(0), Some(1));
        assert_eq!(LetterFigure::Loss.narrow_panels(3), None);
        let h = crate::components::canvas::narrow_height(480.0, 560, panels) as i32;
        let (list, ()) = fig::record(480, h as u32, &fig::estimate_text, |area| {
            let hits = LetterFigure::StoredPlanes.draw(&runs, area, 1.0).unwrap();
            let ys: Vec<&fig::HitPoint> = hits
                .iter()
                .filter(|p| p.text.contains("I(X;T) 8.00"))
                .collect();
            assert_eq!(ys.len(), 40);
            // 20 points in the grid (top third), 20 in the reader's plane
            // (middle third), which spans more than half the width.
            let (grid, mean): (Vec<&fig::HitPoint>, Vec<&fig::HitPoint>) =
                ys.iter().copied().partition(|p| p.y < h / 3);
            assert_eq!((grid.len(), mean.len()), (20, 20));
            assert!(mean.iter().all(|p| p.y < 2 * h / 3), "{mean:?}");
            assert!(mean.iter().any(|p| p.x > 240), "{mean:?}");
        });
        // SZT's plane last, in the bottom third.
        let stored_title = list.ops.iter().find_map(|op| match op {
            fig::Op::Text { text, pos, .. } if text.contains("stored run") => Some(pos.1),
            _ => None,
        });
        assert!(
            stored_title.is_some_and(|y| y > 2 * h / 3),
            "{stored_title:?}"
        );
    }
}
