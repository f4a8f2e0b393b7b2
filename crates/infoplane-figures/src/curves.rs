//! Training curves against epoch: loss, accuracy and weight norms.

use crate::axis::Axis;
use crate::frame::build;
use crate::gradients::{draw_epoch_chart, layer_entries, layer_lines};
use crate::hit::HitPoint;
use crate::legend::{self, Entry};
use crate::palette::OKABE_ITO;
use crate::record::Area;
use crate::series::{draw_lines, Line};
use crate::theme::{fmt_value, titled, Theme};
use crate::view::{at1, RecordView};
use crate::WAITING;
use plotters::prelude::*;

/// Options of the training-curve figures.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveOptions {
    /// The run's total epochs, fixing the x axis (0: from the data).
    pub total_epochs: usize,
    /// Title (none when empty); [`draw_loss_accuracy`] puts it above both panels.
    pub title: String,
    /// Device pixel ratio.
    pub scale: f64,
}

impl Default for CurveOptions {
    fn default() -> Self {
        CurveOptions {
            total_epochs: 0,
            title: String::new(),
            scale: 1.0,
        }
    }
}

const TRAIN: RGBColor = OKABE_ITO[0];
const TEST: RGBColor = OKABE_ITO[3];

/// Where an inset legend goes.
#[derive(Clone, Copy)]
enum Corner {
    TopRight,
    BottomRight,
}

fn total(view: &RecordView, opts: &CurveOptions) -> usize {
    if opts.total_epochs > 0 {
        opts.total_epochs
    } else {
        view.epochs.last().map_or(1, |e| e + 1)
    }
}

/// Train (solid) and test (dashed) lines of one quantity.
fn train_test(view: &RecordView, train: &[f64], test: &[f64], what: &str) -> Vec<Line> {
    [("train", train, TRAIN, false), ("test", test, TEST, true)]
        .into_iter()
        .map(|(set, s, colour, dashed)| {
            let points: Vec<(f64, f64)> = view
                .epochs
                .iter()
                .enumerate()
                .map(|(k, e)| (*e as f64 + 1.0, at1(s, k)))
                .collect();
            let tips = points
                .iter()
                .map(|(e, v)| format!("{} · epoch {e} · {set} {what} {}", view.name, fmt_value(*v)))
                .collect();
            Line {
                colour,
                dashed,
                points,
                tips,
            }
        })
        .collect()
}

/// One panel: lines against epoch with an inset train/test legend.
fn panel(
    area: &Area,
    view: &RecordView,
    title: &str,
    y: Axis,
    lines: &[Line],
    corner: Corner,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let Some(frame) = build(area, title, Axis::epochs(total(view, opts)), y, t)? else {
        return Ok(Vec::new());
    };
    let hits = draw_lines(&frame, lines)?;
    if view.epochs.is_empty() {
        frame.note(WAITING)?;
    } else if hits.is_empty() {
        frame.note("no values in this record")?;
    }
    let entries = [Entry::solid("train", TRAIN), Entry::dashed("test", TEST)];
    let plot = frame.area().strip_coord_spec();
    let (w, h) = plot.dim_in_pixel();
    let (lw, lh) = legend::size(&plot, &entries, t)?;
    let m = t.px(6.0);
    let origin = match corner {
        Corner::TopRight => (w as i32 - lw - m, m),
        Corner::BottomRight => (w as i32 - lw - m, h as i32 - lh - m),
    };
    legend::draw(&plot, &entries, origin, true, t)?;
    Ok(hits)
}

/// Train and test loss (nats) against epoch, log-x.
pub fn draw_loss(
    area: &Area,
    view: &RecordView,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let y = Axis::linear_from_zero(
        view.loss_train.iter().chain(view.loss_test).copied(),
        "loss (nats)",
    );
    let lines = train_test(view, view.loss_train, view.loss_test, "loss");
    panel(area, view, &opts.title, y, &lines, Corner::TopRight, opts)
}

/// Train and test accuracy against epoch, log-x, y from 0 to 1.
pub fn draw_accuracy(
    area: &Area,
    view: &RecordView,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let y = Axis::linear(0.0, 1.04, 1.0, "accuracy");
    let lines = train_test(view, view.acc_train, view.acc_test, "accuracy");
    panel(
        area,
        view,
        &opts.title,
        y,
        &lines,
        Corner::BottomRight,
        opts,
    )
}

/// Loss (left) and accuracy (right) side by side, or stacked when the area
/// is tall, under `opts.title`.
pub fn draw_loss_accuracy(
    area: &Area,
    view: &RecordView,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let body = titled(area, &opts.title, t)?;
    let (w, h) = body.dim_in_pixel();
    let (a, b) = if w >= h {
        body.split_horizontally(w / 2)
    } else {
        body.split_vertically(h / 2)
    };
    let sub = CurveOptions {
        title: String::new(),
        ..opts.clone()
    };
    let mut hits = draw_loss(
        &a,
        view,
        &CurveOptions {
            title: "loss".to_string(),
            ..sub.clone()
        },
    )?;
    hits.extend(draw_accuracy(
        &b,
        view,
        &CurveOptions {
            title: "accuracy".to_string(),
            ..sub
        },
    )?);
    Ok(hits)
}

/// ‖W_l‖_F per layer against epoch, log-x, with a legend on the right.
pub fn draw_weight_norms(
    area: &Area,
    view: &RecordView,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    draw_layer_series(area, view, view.wnorm, "‖W‖ (Frobenius)", "‖W‖", opts)
}

/// `series` (`[epoch][layer]`) per layer against epoch, log-x, y from 0
/// and described by `desc`, with a legend on the right; tooltips name the
/// values `what`.
pub(crate) fn draw_layer_series(
    area: &Area,
    view: &RecordView,
    series: &[Vec<f64>],
    desc: &str,
    what: &str,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let layers = series.iter().map(Vec::len).max().unwrap_or(0);
    let y = Axis::linear_from_zero(series.iter().flatten().copied(), desc);
    draw_epoch_chart(
        area,
        view,
        &opts.title,
        y,
        &layer_lines(view, series, layers, false, what),
        &layer_entries(layers),
        total(view, opts),
        Theme::new(opts.scale),
        "no values in this record",
    )
}
