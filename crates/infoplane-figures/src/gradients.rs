//! Gradient statistics against epoch (IDNNs' Figure 4) and their SNR.

use crate::axis::{power_label, Axis};
use crate::frame::build;
use crate::hit::HitPoint;
use crate::legend::{draw_beside, split_right, Entry};
use crate::palette::layer_colour;
use crate::record::Area;
use crate::series::{draw_lines, Line};
use crate::theme::{fmt_value, Theme, INK};
use crate::view::{at, RecordView};
use crate::WAITING;
use infoplane_core::gradients::{curves, GradDefinition};
use infoplane_core::record::GradSeries;

/// Options of [`draw_gradients`] and [`draw_snr`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradOptions {
    /// Which "mean", "std" and SNR to plot.
    pub definition: GradDefinition,
    /// Reproduce IDNNs' y axis: limits [0.001, 10] with ticks at 0.001 … 10
    /// labelled "10^-4" … "10^0", every label 10× too small (FACTS.md §4).
    /// When false the axis spans the data and the labels are true. Only
    /// [`draw_gradients`] uses it.
    pub original_labels: bool,
    /// The run's total epochs, fixing the x axis (0: from the data).
    pub total_epochs: usize,
    /// Title (none when empty).
    pub title: String,
    /// Device pixel ratio.
    pub scale: f64,
}

impl Default for GradOptions {
    fn default() -> Self {
        GradOptions {
            definition: GradDefinition::Idnns,
            original_labels: false,
            total_epochs: 0,
            title: String::new(),
            scale: 1.0,
        }
    }
}

/// The curves of `def` over the view's epochs: the stored ones when the
/// record has them for every epoch, else computed from m_l, s_l and ‖W_l‖
/// with [`infoplane_core::gradients::curves`] (as for the mean over seeds).
pub fn grad_series(view: &RecordView, def: GradDefinition) -> GradSeries {
    let n = view.epochs.len();
    if let Some(s) = view.grad_stats.and_then(|m| m.get(def.name())) {
        if s.mean.len() >= n && s.std.len() >= n && s.snr.len() >= n {
            return s.clone();
        }
    }
    let row = |s: &[Vec<f64>], k: usize| s.get(k).cloned().unwrap_or_default();
    let mut out = GradSeries::default();
    for k in 0..n {
        let c = curves(
            def,
            &row(view.grad_m, k),
            &row(view.grad_s, k),
            &row(view.wnorm, k),
        );
        out.mean.push(c.mean);
        out.std.push(c.std);
        out.snr.push(c.snr);
    }
    out
}

/// The last epoch number on the x axis.
fn total(view: &RecordView, total_epochs: usize) -> usize {
    if total_epochs > 0 {
        total_epochs
    } else {
        view.epochs.last().map_or(1, |e| e + 1)
    }
}

/// One line per layer of `series` (`[epoch][layer]`) against epoch + 1.
pub(crate) fn layer_lines(
    view: &RecordView,
    series: &[Vec<f64>],
    layers: usize,
    dashed: bool,
    what: &str,
) -> Vec<Line> {
    (0..layers)
        .map(|l| {
            let points: Vec<(f64, f64)> = view
                .epochs
                .iter()
                .enumerate()
                .map(|(k, e)| (*e as f64 + 1.0, at(series, k, l)))
                .collect();
            let tips = points
                .iter()
                .map(|(e, v)| {
                    format!(
                        "{} · layer {} · epoch {} · {what} {}",
                        view.name,
                        l + 1,
                        e,
                        fmt_value(*v)
                    )
                })
                .collect();
            Line {
                colour: layer_colour(l),
                dashed,
                points,
                tips,
            }
        })
        .collect()
}

pub(crate) fn layer_entries(layers: usize) -> Vec<Entry> {
    (0..layers)
        .map(|l| Entry::solid(format!("L{}", l + 1), layer_colour(l)))
        .collect()
}

/// Draws the per-layer "mean" (solid) and "std" (dashed) gradient curves of
/// `opts.definition` against epoch, log-log, with a legend on the right.
/// Hit points read e.g. "seed 0 · layer 2 · epoch 100 · std 0.491".
pub fn draw_gradients(
    area: &Area,
    view: &RecordView,
    opts: &GradOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let s = grad_series(view, opts.definition);
    let layers = s.mean.iter().chain(&s.std).map(Vec::len).max().unwrap_or(0);
    let mut entries = layer_entries(layers);
    entries.push(Entry::solid("mean", INK));
    entries.push(Entry::dashed("std", INK));
    let y = if opts.original_labels {
        // IDNNs: ticks at 10^-3..10^1 given labels starting at "10^-4".
        Axis::decades(-3, 1, "gradient statistic", |k| power_label(k - 1))
    } else {
        Axis::decades_around(
            s.mean.iter().chain(&s.std).flatten().copied(),
            "gradient statistic",
        )
    };
    let mut lines = layer_lines(view, &s.mean, layers, false, "mean");
    lines.extend(layer_lines(view, &s.std, layers, true, "std"));
    draw_epoch_chart(
        area,
        view,
        &opts.title,
        y,
        &lines,
        &entries,
        total(view, opts.total_epochs),
        t,
        "no gradient statistics in this record",
    )
}

/// Draws the per-layer SNR of `opts.definition` against epoch, log-log.
pub fn draw_snr(
    area: &Area,
    view: &RecordView,
    opts: &GradOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let s = grad_series(view, opts.definition);
    let layers = s.snr.iter().map(Vec::len).max().unwrap_or(0);
    let y = Axis::decades_around(s.snr.iter().flatten().copied(), "SNR");
    let lines = layer_lines(view, &s.snr, layers, false, "SNR");
    draw_epoch_chart(
        area,
        view,
        &opts.title,
        y,
        &lines,
        &layer_entries(layers),
        total(view, opts.total_epochs),
        t,
        "no gradient statistics in this record",
    )
}

/// A chart of `lines` against the epoch axis with a legend strip on the
/// right; notes "waiting…" when there is no epoch and `empty` when nothing
/// could be drawn.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_epoch_chart(
    area: &Area,
    view: &RecordView,
    title: &str,
    y: Axis,
    lines: &[Line],
    entries: &[Entry],
    total_epochs: usize,
    t: Theme,
    empty: &str,
) -> Result<Vec<HitPoint>, String> {
    let (main, strip) = if entries.is_empty() {
        (area.clone(), None)
    } else {
        split_right(area, entries, t).map(|(m, s)| (m, Some(s)))?
    };
    let Some(frame) = build(&main, title, Axis::epochs(total_epochs), y, t)? else {
        return Ok(Vec::new());
    };
    let hits = draw_lines(&frame, lines)?;
    if view.epochs.is_empty() {
        frame.note(WAITING)?;
    } else if hits.is_empty() {
        frame.note(empty)?;
    }
    if let Some(strip) = strip {
        let top = frame.area().get_base_pixel().1;
        draw_beside(&strip, entries, top, t)?;
    }
    Ok(hits)
}
