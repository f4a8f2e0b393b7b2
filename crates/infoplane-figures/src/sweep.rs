//! Sweeps: the summary of a sweep (each layer's I(X;T) and I(T;Y) at one
//! logged epoch against the swept value, mean ± sd over seeds) and the
//! grid its small multiples are drawn in.

use crate::axis::{power_label, Axis};
use crate::clip::{inside, polylines};
use crate::colorbar::{self, draw_colour_bar, ColourBarOptions};
use crate::frame::{build, Frame};
use crate::hit::HitPoint;
use crate::legend::{draw_beside, split_right, Entry};
use crate::palette::layer_colour;
use crate::record::Area;
use crate::theme::{err, fmt_value, titled, Theme, INK};
use crate::WAITING;
use infoplane_core::sweep::SummaryRow;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// How the swept values sit on the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepScale {
    /// Evenly spaced, in the sweep's order (choices, widths, `full`).
    Categorical,
    /// Numbers on a linear axis.
    Linear,
    /// Positive numbers spanning a decade or more, on a log axis.
    Log,
}

/// The scale of the values `values` (canonical texts): log when every
/// value is a positive number and the largest is at least 10× the
/// smallest, linear for other numbers, else categorical.
pub fn sweep_scale(values: &[String]) -> SweepScale {
    let nums: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    match nums {
        Some(v) if !v.is_empty() => {
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            if lo > 0.0 && hi >= 10.0 * lo {
                SweepScale::Log
            } else {
                SweepScale::Linear
            }
        }
        _ => SweepScale::Categorical,
    }
}

/// A level per layer drawn dashed across the summary, e.g. the same
/// networks measured at machine precision.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Its legend label.
    pub label: String,
    /// I(X;T) per layer (NaN: none).
    pub ixt: Vec<f64>,
    /// I(T;Y) per layer.
    pub ity: Vec<f64>,
}

/// Options of [`draw_sweep_summary`].
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryOptions {
    /// The swept parameter (the x axis' name and the tooltips' key).
    pub param: String,
    /// The I(X;T) axis reaches at least this (log2 of the MI rows).
    pub max_ixt: f64,
    /// The I(T;Y) axis reaches at least this (H(Y)).
    pub label_entropy: f64,
    /// Title above both panels (none when empty).
    pub title: String,
    /// Dashed levels to compare with.
    pub reference: Option<Reference>,
    /// Device pixel ratio.
    pub scale: f64,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            param: String::new(),
            max_ixt: 12.0,
            label_entropy: 1.0,
            title: String::new(),
            reference: None,
            scale: 1.0,
        }
    }
}

/// The x axis of `values` on `scale` (positions are transformed units;
/// categorical values sit at 0, 1, …).
fn value_axis(values: &[String], scale: SweepScale, desc: &str) -> (Axis, Vec<f64>) {
    let n = values.len();
    let nums: Vec<f64> = values
        .iter()
        .map(|v| v.parse::<f64>().unwrap_or(f64::NAN))
        .collect();
    let at_values = |pos: &[f64]| -> Vec<(f64, String)> {
        pos.iter().copied().zip(values.iter().cloned()).collect()
    };
    match scale {
        SweepScale::Categorical => {
            let pos: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let axis = Axis {
                log: false,
                lo: -0.5,
                hi: n.max(1) as f64 - 0.5,
                ticks: at_values(&pos),
                minor: Vec::new(),
                desc: desc.to_string(),
            };
            (axis, pos)
        }
        SweepScale::Log | SweepScale::Linear => {
            let log = scale == SweepScale::Log;
            let pos: Vec<f64> = nums
                .iter()
                .map(|&v| if log { libm::log10(v) } else { v })
                .collect();
            let (lo, hi) = pos
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &u| {
                    (a.min(u), b.max(u))
                });
            let span = hi - lo;
            let pad = if span > 0.0 {
                0.06 * span
            } else {
                0.5 * lo.abs().max(1.0)
            };
            let (lo, hi) = (lo - pad, hi + pad);
            // Ticks at the values themselves while they fit; else round ones.
            let mut axis = if n <= 8 {
                Axis {
                    log,
                    lo,
                    hi,
                    ticks: at_values(&pos),
                    minor: Vec::new(),
                    desc: desc.to_string(),
                }
            } else if log {
                let mut a = Axis::decades(lo.ceil() as i32, hi.floor() as i32, desc, power_label);
                a.lo = lo;
                a.hi = hi;
                a
            } else {
                Axis::linear(lo, hi, hi, desc)
            };
            axis.log = log;
            (axis, pos)
        }
    }
}

/// The rows of `layer` (1-based) by value index.
fn layer_rows<'a>(
    values: &[String],
    rows: &'a [SummaryRow],
    layer: usize,
) -> Vec<Option<&'a SummaryRow>> {
    values
        .iter()
        .map(|v| rows.iter().find(|r| r.layer == layer && &r.value == v))
        .collect()
}

/// What one panel plots of a row: mean and sd.
type Pick = fn(&SummaryRow) -> (f64, f64);

struct Panel<'a> {
    title: &'a str,
    desc: &'a str,
    what: &'a str,
    ceiling: f64,
    pick: Pick,
    reference: Option<&'a [f64]>,
}

/// Draws one panel (I(X;T) or I(T;Y)) and returns its hits.
#[allow(clippy::too_many_arguments)]
fn draw_panel(
    area: &Area,
    values: &[String],
    rows: &[SummaryRow],
    layers: usize,
    x: &Axis,
    pos: &[f64],
    categorical: bool,
    panel: &Panel,
    param: &str,
    t: Theme,
) -> Result<Vec<HitPoint>, String> {
    let pick = panel.pick;
    // Axis range over the ceiling, every mean ± sd and the references.
    let (mut lo, mut hi) = (0.0f64, panel.ceiling);
    for r in rows {
        let (m, s) = pick(r);
        let s = if s.is_finite() { s } else { 0.0 };
        if m.is_finite() {
            lo = lo.min(m - s);
            hi = hi.max(m + s);
        }
    }
    for v in panel
        .reference
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
    {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    let head = 0.05 * (hi - lo).max(1e-9);
    let y = Axis::linear(lo, hi + head, hi + head, panel.desc);
    let Some(frame) = build(area, panel.title, x.clone(), y, t)? else {
        return Ok(Vec::new());
    };
    let rect = frame.rect();
    // Categorical values: the layers side by side within a value's slot.
    let dodge = |l: usize| {
        if categorical && layers > 1 {
            let w = 0.6 / layers as f64;
            (l as f64 - (layers - 1) as f64 / 2.0) * w
        } else {
            0.0
        }
    };
    if let Some(reference) = panel.reference {
        for (l, &v) in reference.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            let style = layer_colour(l).mix(0.8).stroke_width(t.stroke(1.2));
            frame
                .area()
                .draw(&DashedPathElement::new(
                    vec![(rect[0], v), (rect[1], v)],
                    t.px(5.0),
                    t.px(4.0),
                    style,
                ))
                .map_err(err)?;
        }
    }
    let mut hits = Vec::new();
    for l in 0..layers {
        let colour = layer_colour(l);
        let by_value = layer_rows(values, rows, l + 1);
        let pts: Vec<(f64, f64)> = by_value
            .iter()
            .zip(pos)
            .map(|(r, &u)| (u + dodge(l), r.map_or(f64::NAN, |r| pick(r).0)))
            .collect();
        if !categorical {
            for poly in polylines(&pts, rect) {
                frame
                    .area()
                    .draw(&PathElement::new(poly, colour.stroke_width(t.stroke(1.6))))
                    .map_err(err)?;
            }
        }
        for ((r, p), value) in by_value.iter().zip(&pts).zip(values) {
            let Some(r) = r else { continue };
            let (m, sd) = pick(r);
            if !inside(*p, rect) {
                continue;
            }
            if sd.is_finite() && sd > 0.0 {
                let bar = [(p.0, m - sd), (p.0, m + sd)];
                for seg in polylines(&bar, rect) {
                    frame
                        .area()
                        .draw(&PathElement::new(seg, colour.stroke_width(t.stroke(1.5))))
                        .map_err(err)?;
                }
            }
            frame
                .area()
                .draw(&Circle::new(*p, t.px(3.5), colour.filled()))
                .map_err(err)?;
            let (px, py) = frame.pixel(*p);
            let spread = if r.n > 1 {
                format!(" ± {}", fmt_value(sd))
            } else {
                String::new()
            };
            hits.push(HitPoint {
                x: px,
                y: py,
                text: format!(
                    "{param}={value} · layer {} · epoch {} · {} {}{spread} bits ({} seed{})",
                    l + 1,
                    r.epoch + 1,
                    panel.what,
                    fmt_value(m),
                    r.n,
                    if r.n == 1 { "" } else { "s" }
                ),
            });
        }
    }
    note_if_empty(&frame, rows, &hits)?;
    Ok(hits)
}

fn note_if_empty(frame: &Frame, rows: &[SummaryRow], hits: &[HitPoint]) -> Result<(), String> {
    if rows.iter().all(|r| r.n == 0) {
        frame.note(WAITING)
    } else if hits.is_empty() {
        frame.note("no finite values at this epoch")
    } else {
        Ok(())
    }
}

/// Draws the summary of a sweep over `values` (canonical texts, in the
/// sweep's order) from its summary `rows`: I(X;T) (left) and I(T;Y)
/// (right, or below when the area is tall) per layer against the value,
/// each point the mean over seeds with a bar of ± one (population) sd,
/// joined by lines on numeric axes; a legend of layers on the right. The x
/// axis is [`sweep_scale`]'s. Hit points read e.g. "bins=100 · layer 3 ·
/// epoch 8000 · I(X;T) 7.21 ± 0.13 bits (4 seeds)".
pub fn draw_sweep_summary(
    area: &Area,
    values: &[String],
    rows: &[SummaryRow],
    opts: &SummaryOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let body = titled(area, &opts.title, t)?;
    let layers = rows.iter().map(|r| r.layer).max().unwrap_or(0);
    let mut entries: Vec<Entry> = (0..layers)
        .map(|l| {
            let units = rows
                .iter()
                .find(|r| r.layer == l + 1)
                .map_or(String::new(), |r| format!(" ({})", r.units));
            Entry::solid(format!("L{}{units}", l + 1), layer_colour(l))
        })
        .collect();
    if let Some(r) = &opts.reference {
        entries.push(Entry::dashed(r.label.clone(), INK));
    }
    let (main, strip) = if entries.is_empty() {
        (body, None)
    } else {
        let (m, s) = split_right(&body, &entries, t)?;
        (m, Some(s))
    };
    let scale = sweep_scale(values);
    let (x, pos) = value_axis(values, scale, &opts.param);
    let (w, h) = main.dim_in_pixel();
    let (a, b) = if f64::from(w) >= 1.3 * f64::from(h) {
        main.split_horizontally(w / 2)
    } else {
        main.split_vertically(h / 2)
    };
    let r = opts.reference.as_ref();
    let panels = [
        Panel {
            title: "I(X;T)",
            desc: "I(X;T) (bits)",
            what: "I(X;T)",
            ceiling: opts.max_ixt,
            pick: |r| (r.ixt_mean, r.ixt_sd),
            reference: r.map(|r| r.ixt.as_slice()),
        },
        Panel {
            title: "I(T;Y)",
            desc: "I(T;Y) (bits)",
            what: "I(T;Y)",
            ceiling: opts.label_entropy,
            pick: |r| (r.ity_mean, r.ity_sd),
            reference: r.map(|r| r.ity.as_slice()),
        },
    ];
    let categorical = scale == SweepScale::Categorical;
    let mut hits = Vec::new();
    let mut top = None;
    for (part, panel) in [a, b].iter().zip(&panels) {
        top.get_or_insert(part.get_base_pixel().1);
        hits.extend(draw_panel(
            part,
            values,
            rows,
            layers,
            &x,
            &pos,
            categorical,
            panel,
            &opts.param,
            t,
        )?);
    }
    if let Some(strip) = strip {
        draw_beside(&strip, &entries, top.unwrap_or(0) + t.px(40.0), t)?;
    }
    Ok(hits)
}

/// Columns and rows of the small multiples of `n` values: one row up to
/// three values, then rows of three (two columns for four values).
pub fn multiples_shape(n: usize) -> (usize, usize) {
    let cols = match n {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    (cols, n.max(1).div_ceil(cols))
}

/// Splits `area` into the cells of [`multiples_shape`]`(n)` (row by row),
/// leaving a strip on the right for the epoch colour bar `bar` if given,
/// and draws panel `i` into cell `i` with `panel(i, cell)`.
pub fn draw_multiples(
    area: &Area,
    n: usize,
    bar: Option<&ColourBarOptions>,
    mut panel: impl FnMut(usize, &Area) -> Result<Vec<HitPoint>, String>,
) -> Result<Vec<HitPoint>, String> {
    let (w, _) = area.dim_in_pixel();
    let (panels, strip) = match bar {
        Some(b) => {
            let bw = colorbar::width(area, b)?.min(w as i32 / 4);
            let (p, s) = area.split_horizontally(w as i32 - bw);
            (p, Some(s))
        }
        None => (area.clone(), None),
    };
    let (cols, rows) = multiples_shape(n);
    let cells = panels.split_evenly((rows, cols));
    let mut hits = Vec::new();
    for (i, cell) in cells.iter().enumerate().take(n) {
        hits.extend(panel(i, cell)?);
    }
    if let (Some(strip), Some(b)) = (strip, bar) {
        let t = Theme::new(b.scale);
        let (_, sh) = strip.dim_in_pixel();
        let bar_area = strip.margin(
            t.px(28.0).min(sh as i32 / 4),
            t.px(40.0).min(sh as i32 / 4),
            0,
            0,
        );
        hits.extend(draw_colour_bar(&bar_area, b)?);
    }
    Ok(hits)
}
