//! A sweep's figures as functions of its points: the summary (I(X;T) and
//! I(T;Y) per layer against the swept value) and the small multiples of
//! one lab figure, one panel per value. The drawing is `infoplane-figures`.

use crate::runs::Runs;
use crate::session::SweepRuns;
use crate::view::FigureKind;
use infoplane_core::record::Aggregate;
use infoplane_core::sweep::SummaryRow;
use infoplane_core::view::{AxisLabels, EpochColours, PlaneStyle, View};
use infoplane_figures::{self as fig, HitPoint, RecordView};

/// CSS height of the small multiples of `kind` for `n` values.
pub fn multiples_height(kind: FigureKind, n: usize) -> u32 {
    let per_row = match kind {
        FigureKind::Plane => 320,
        FigureKind::Gradients => 300,
        _ => 250,
    };
    per_row * fig::multiples_shape(n).1 as u32
}

/// (max I(X;T), H(Y)) of the first point with a header, for the axes.
fn ceilings(sweep: &SweepRuns) -> (f64, f64) {
    sweep
        .points
        .iter()
        .find_map(|r| r.header.as_ref())
        .map_or((12.0, 1.0), |h| (h.max_ixt, h.label_entropy))
}

/// The record a value's panel shows: the mean over seeds when there are
/// several (except for loss and accuracy, which the mean does not hold),
/// else the first seed; named "LABEL · mean of N seeds".
fn panel_view<'a>(
    label: &str,
    runs: &'a Runs,
    mean: Option<&'a Aggregate>,
    kind: FigureKind,
) -> RecordView<'a> {
    let mut v = match (mean, runs.seeds.first()) {
        (Some(m), _) if kind != FigureKind::Loss => RecordView::mean(m),
        (_, Some(s)) => RecordView::seed(&s.record),
        _ => RecordView::empty("no run yet"),
    };
    v.name = format!("{label} · {}", v.name);
    v
}

/// Draws one panel per value of `sweep`, each the lab's figure `kind`
/// titled with its value, in a grid (with the epoch colour bar for planes).
pub fn draw_multiples(
    sweep: &SweepRuns,
    kind: FigureKind,
    view: &View,
    area: &fig::Area,
    scale: f64,
) -> Result<Vec<HitPoint>, String> {
    let means: Vec<Option<Aggregate>> = sweep
        .points
        .iter()
        .map(|r| (r.seeds.len() > 1).then(|| r.aggregate()))
        .collect();
    let (max_ixt, h) = ceilings(sweep);
    let total = sweep
        .points
        .iter()
        .map(Runs::total_epochs)
        .max()
        .unwrap_or(0);
    let colour_scale = match view.colors {
        EpochColours::Linear => fig::EpochScale::Linear,
        EpochColours::Log => fig::EpochScale::Log,
    };
    let bar = (kind == FigureKind::Plane).then(|| fig::ColourBarOptions {
        colour_scale,
        total_epochs: total,
        label: "epoch".into(),
        scale,
    });
    fig::draw_multiples(area, sweep.points.len(), bar.as_ref(), |i, cell| {
        let runs = &sweep.points[i];
        let label = &sweep.labels[i];
        let v = panel_view(label, runs, means[i].as_ref(), kind);
        let title = v.name.clone();
        let total = runs.total_epochs();
        let grad = || fig::GradOptions {
            definition: view.grad_def,
            original_labels: view.labels == AxisLabels::Original,
            total_epochs: total,
            title: title.clone(),
            scale,
        };
        let curves = fig::CurveOptions {
            total_epochs: total,
            title: title.clone(),
            scale,
        };
        match kind {
            FigureKind::Plane => fig::draw_plane(
                cell,
                &v,
                &fig::PlaneOptions {
                    style: match view.plane {
                        PlaneStyle::Trajectories => fig::PlaneStyle::Trajectories,
                        PlaneStyle::Polylines => fig::PlaneStyle::Polylines,
                    },
                    colour_scale,
                    total_epochs: total,
                    max_ixt,
                    label_entropy: h,
                    title,
                    layer_labels: true,
                    scale,
                },
            ),
            FigureKind::Gradients => fig::draw_gradients(cell, &v, &grad()),
            FigureKind::Snr => fig::draw_snr(cell, &v, &grad()),
            FigureKind::Loss => fig::draw_loss_accuracy(cell, &v, &curves),
            FigureKind::Norms => fig::draw_weight_norms(cell, &v, &curves),
            FigureKind::Clustering => {
                // The mean's when the panel shows the mean, as panel_view.
                let ratio = crate::figures::clustering_ratio(runs, crate::view::Subject::Mean);
                fig::draw_clustering(cell, &v, ratio.as_deref(), &curves)
            }
        }
    })
}

/// The summary's title: what is plotted, at which epoch, over how many
/// seeds; without "what is plotted" when `narrow` (a letter card's column).
fn summary_title(param: &str, rows: &[SummaryRow], narrow: bool) -> String {
    let epochs: Vec<usize> = rows.iter().filter(|r| r.n > 0).map(|r| r.epoch).collect();
    let seeds = rows.iter().map(|r| r.n).max().unwrap_or(0);
    let at = match (epochs.iter().min(), epochs.iter().max()) {
        (Some(a), Some(b)) if a == b => format!("epoch {}", a + 1),
        (Some(a), Some(b)) => format!("epochs {}–{}", a + 1, b + 1),
        _ => "no logged epoch yet".into(),
    };
    let over = match seeds {
        0 | 1 => String::new(),
        n => format!(", mean ± sd over {n} seeds"),
    };
    if narrow {
        let over = over.replace(", mean ± sd over", ", ±sd,");
        return format!("Against {param} ({at}{over})");
    }
    format!("I(X;T) and I(T;Y) per layer against {param} ({at}{over})")
}

/// The mean over seeds of each layer's I(X;T) and I(T;Y) at the last
/// logged epoch of `runs`, as a dashed reference for the summary.
pub fn reference_of(runs: &Runs, label: &str) -> Option<fig::Reference> {
    let h = runs.header.as_ref()?;
    let layers: &[usize] = &h.layers;
    let records = runs.records();
    let rows =
        infoplane_core::sweep::summarise_points(&[label.to_string()], &[(layers, &records)], None);
    (!rows.is_empty()).then(|| fig::Reference {
        label: label.to_string(),
        ixt: rows.iter().map(|r| r.ixt_mean).collect(),
        ity: rows.iter().map(|r| r.ity_mean).collect(),
    })
}

/// Draws the summary of `sweep` at logged epoch `epoch` (each value's
/// last when `None`), with dashed levels `reference` if given.
pub fn draw_summary(
    sweep: &SweepRuns,
    epoch: Option<usize>,
    reference: Option<fig::Reference>,
    area: &fig::Area,
    scale: f64,
) -> Result<Vec<HitPoint>, String> {
    let rows = sweep.summary(epoch);
    let (max_ixt, label_entropy) = ceilings(sweep);
    let opts = fig::SummaryOptions {
        param: sweep.param.clone(),
        max_ixt,
        label_entropy,
        // Under about 620 CSS pixels the long title is clipped.
        title: summary_title(
            &sweep.param,
            &rows,
            f64::from(area.dim_in_pixel().0) < 620.0 * scale,
        ),
        reference,
        scale,
    };
    fig::draw_sweep_summary(area, &sweep.values(), &rows, &opts)
}

/// The summary as an SVG document of `w` × `h` pixels at 1×.
pub fn summary_svg(
    sweep: &SweepRuns,
    epoch: Option<usize>,
    w: u32,
    h: u32,
    measure: fig::Measure,
) -> Result<String, String> {
    let (list, drawn) = fig::record(w, h, measure, |area| {
        draw_summary(sweep, epoch, None, area, 1.0)
    });
    drawn.map(|_| list.to_svg())
}

/// The logged epoch nearest to 1-based epoch number `n` among those the
/// sweep's first point logged (`None`: none logged).
pub fn snap_epoch(sweep: &SweepRuns, n: usize) -> Option<usize> {
    let target = n.saturating_sub(1);
    sweep
        .points
        .first()?
        .seeds
        .iter()
        .max_by_key(|s| s.record.epochs.len())?
        .record
        .epochs
        .iter()
        .copied()
        .min_by_key(|&e| e.abs_diff(target))
}
