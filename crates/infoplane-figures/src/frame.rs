//! A chart frame: title, axes with custom ticks, grid and border, in
//! transformed units. Every figure draws its data into one or more frames.

use crate::axis::Axis;
use crate::clip::Rect;
use crate::record::{Area, Recorder};
use crate::theme::{centred_text, err, outline, text_size, titled, Theme, FAINT, GRID, INK};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use std::ops::Range;

/// A linear range in transformed units whose tick ("bold") and grid
/// ("light") positions are given, for plotters' mesh. (plotters'
/// `WithKeyPoints` over f64 would lose the label formatter.)
#[derive(Clone, Debug)]
pub(crate) struct Ticked {
    lo: f64,
    hi: f64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ticked {
    fn of(a: &Axis) -> Self {
        Ticked {
            lo: a.lo,
            hi: a.hi,
            bold: a.ticks.iter().map(|t| t.0).collect(),
            light: a.minor.clone(),
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        // As plotters' f64 ranges, plus clamping far-out values so that
        // the i32 conversion cannot saturate into nonsense.
        let f = ((v - self.lo) / (self.hi - self.lo)).clamp(-10.0, 10.0);
        let f = if f.is_nan() { 0.0 } else { f };
        let len = f64::from(limit.1 - limit.0);
        limit.0
            + if len >= 0.0 {
                (len * f + 1e-3).floor() as i32
            } else {
                (len * f - 1e-3).ceil() as i32
            }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// The coordinate system of every chart: two linear axes in transformed units.
pub(crate) type Coord = Cartesian2d<Ticked, Ticked>;

/// A drawn frame, ready for data.
pub(crate) struct Frame<'a, 'm> {
    /// The plotters chart.
    pub chart: ChartContext<'a, Recorder<'m>, Coord>,
    /// The x axis.
    pub x: Axis,
    /// The y axis.
    pub y: Axis,
    /// Sizes.
    pub theme: Theme,
}

/// Smallest area (logical pixels) a frame is drawn in; below it nothing is
/// drawn rather than a garbled chart.
const MIN_W: f64 = 120.0;
const MIN_H: f64 = 90.0;

/// Draws title, axes, grid and border on `area` and returns the frame, or
/// `None` when the area is too small for a chart.
pub(crate) fn build<'a, 'm>(
    area: &'a Area<'m>,
    title: &str,
    x: Axis,
    y: Axis,
    theme: Theme,
) -> Result<Option<Frame<'a, 'm>>, String> {
    let (w, h) = area.dim_in_pixel();
    if f64::from(w) < MIN_W * theme.scale || f64::from(h) < MIN_H * theme.scale {
        return Ok(None);
    }
    let (tick_font, desc_font) = (theme.tick_font(), theme.desc_font());
    let (_, tick_h) = text_size(area, "0", &tick_font)?;
    let (_, desc_h) = text_size(area, "X", &desc_font)?;
    let widest = y
        .ticks
        .iter()
        .map(|t| text_size(area, &t.1, &tick_font).map(|s| s.0))
        .try_fold(0, |m, w| w.map(|w| m.max(w)))?;
    let tick = theme.px(5.0);
    let body = titled(area, title, theme)?;
    let mut builder = ChartBuilder::on(&body);
    builder
        .margin_left(theme.px(6.0))
        .margin_right(theme.px(14.0))
        .margin_bottom(theme.px(6.0))
        .margin_top(theme.px(if title.is_empty() { 12.0 } else { 2.0 }))
        .x_label_area_size(tick + theme.px(6.0) + tick_h + desc_h + theme.px(10.0))
        .y_label_area_size(tick + theme.px(6.0) + widest + desc_h + theme.px(10.0));
    let mut chart = builder
        .build_cartesian_2d(Ticked::of(&x), Ticked::of(&y))
        .map_err(err)?;
    {
        let (xf, yf) = (|u: &f64| x.label(*u), |v: &f64| y.label(*v));
        chart
            .configure_mesh()
            .x_desc(x.desc.as_str())
            .y_desc(y.desc.as_str())
            .x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .label_style(tick_font)
            .axis_desc_style(desc_font)
            .bold_line_style(GRID.stroke_width(theme.stroke(1.0)))
            .light_line_style(FAINT.stroke_width(theme.stroke(1.0)))
            .axis_style(INK.stroke_width(theme.stroke(1.0)))
            .set_all_tick_mark_size(tick)
            .draw()
            .map_err(err)?;
    }
    // A closed box, as matplotlib draws, so the top/right limits are visible.
    chart
        .plotting_area()
        .draw(&outline(
            (x.lo, y.lo),
            (x.hi, y.hi),
            INK.stroke_width(theme.stroke(1.0)),
        ))
        .map_err(err)?;
    Ok(Some(Frame { chart, x, y, theme }))
}

impl<'m> Frame<'_, 'm> {
    /// The plot rectangle in transformed units.
    pub fn rect(&self) -> Rect {
        [self.x.lo, self.x.hi, self.y.lo, self.y.hi]
    }

    /// A data point (data units) in transformed units.
    pub fn to_u(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.x.to_u(x), self.y.to_u(y))
    }

    /// The backend pixel of a transformed point.
    pub fn pixel(&self, p: (f64, f64)) -> (i32, i32) {
        self.chart.backend_coord(&p)
    }

    /// The plotting area (transformed coordinates).
    pub fn area(&self) -> &DrawingArea<Recorder<'m>, Coord> {
        self.chart.plotting_area()
    }

    /// Writes `text` in the middle of the plot (e.g. "waiting for the
    /// first logged epoch").
    pub fn note(&self, text: &str) -> Result<(), String> {
        let plot = self.area().strip_coord_spec();
        let (w, h) = plot.dim_in_pixel();
        centred_text(
            &plot,
            text,
            &self.theme.tick_font().color(&crate::theme::MUTED),
            (w as i32 / 2, h as i32 / 2),
        )
    }
}
