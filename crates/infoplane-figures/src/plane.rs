//! The information plane: I(X;T) against I(T;Y) per layer and logged epoch.

use crate::axis::Axis;
use crate::clip::{inside, polylines};
use crate::frame::{build, Frame};
use crate::hit::HitPoint;
use crate::palette::{EpochColours, EpochScale};
use crate::record::Area;
use crate::theme::{err, text_size, INK, MUTED};
use crate::view::{at, RecordView};
use crate::WAITING;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How the points of a plane are joined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlaneStyle {
    /// IDNNs' figure: for each logged epoch a polyline through the layers'
    /// points, coloured by epoch.
    #[default]
    Polylines,
    /// For each layer a grey line through its epochs; points coloured by epoch.
    Trajectories,
}

/// Options of [`draw_plane`].
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneOptions {
    /// Polylines per epoch (IDNNs) or trajectories per layer.
    pub style: PlaneStyle,
    /// Linear (IDNNs) or log epoch colours.
    pub colour_scale: EpochScale,
    /// The run's total epochs, fixing the colour range while a run grows
    /// (0: one past the last logged epoch).
    pub total_epochs: usize,
    /// The x limit, log2 of the rows the MI used (`RunRecord::max_ixt`).
    pub max_ixt: f64,
    /// The y limit, H(Y) in bits (`RunRecord::label_entropy`).
    pub label_entropy: f64,
    /// Title above the plane (none when empty).
    pub title: String,
    /// Mark each layer's last point with "L1", "L2", …
    pub layer_labels: bool,
    /// Device pixel ratio: multiplies fonts, strokes and markers.
    pub scale: f64,
}

impl Default for PlaneOptions {
    fn default() -> Self {
        PlaneOptions {
            style: PlaneStyle::Polylines,
            colour_scale: EpochScale::Linear,
            total_epochs: 0,
            max_ixt: 12.0,
            label_entropy: 1.0,
            title: String::new(),
            layer_labels: true,
            scale: 1.0,
        }
    }
}

/// A positive finite limit, or `fallback`.
fn limit(v: f64, fallback: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        fallback
    }
}

/// Draws the information plane of `data` on `area`. Returns a hit point per
/// drawn point, e.g. "seed 0 · layer 3 · epoch 121 · I(X;T) 4.21 bits ·
/// I(T;Y) 0.93 bits" (epochs 1-based).
pub fn draw_plane(
    area: &Area,
    data: &RecordView,
    opts: &PlaneOptions,
) -> Result<Vec<HitPoint>, String> {
    let theme = crate::theme::Theme::new(opts.scale);
    let (xmax, ymax) = (limit(opts.max_ixt, 12.0), limit(opts.label_entropy, 1.0));
    // Headroom so that markers and layer labels at the ceilings stay inside.
    let x = Axis::linear(0.0, xmax * 1.03, xmax, "I(X;T) (bits)");
    let y = Axis::linear(0.0, ymax * 1.08, ymax * 1.08, "I(T;Y) (bits)");
    let Some(frame) = build(area, &opts.title, x, y, theme)? else {
        return Ok(Vec::new());
    };
    // The ceilings I(X;T) = log2 N and I(T;Y) = H(Y), dotted.
    let ceiling = MUTED.mix(0.6).stroke_width(theme.stroke(1.0));
    for seg in [
        vec![(0.0, ymax), (xmax, ymax)],
        vec![(xmax, 0.0), (xmax, ymax)],
    ] {
        frame
            .area()
            .draw(&DashedPathElement::new(
                seg,
                theme.px(2.0),
                theme.px(3.0),
                ceiling,
            ))
            .map_err(err)?;
    }
    if data.epochs.is_empty() {
        frame.note(WAITING)?;
        return Ok(Vec::new());
    }
    let layers = data
        .ixt
        .iter()
        .chain(data.ity)
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let epochs = data.epochs.len();
    let total = if opts.total_epochs > 0 {
        opts.total_epochs
    } else {
        data.epochs.last().map_or(1, |e| e + 1)
    };
    let colours = EpochColours::new(opts.colour_scale, total);
    let point = |k: usize, l: usize| (at(data.ixt, k, l), at(data.ity, k, l));
    let rect = frame.rect();
    let line_width = theme.stroke(1.0);
    match opts.style {
        PlaneStyle::Polylines => {
            for k in 0..epochs {
                let pts: Vec<(f64, f64)> = (0..layers).map(|l| point(k, l)).collect();
                let style = colours.colour(data.epochs[k]).stroke_width(line_width);
                for poly in polylines(&pts, rect) {
                    frame
                        .area()
                        .draw(&PathElement::new(poly, style))
                        .map_err(err)?;
                }
            }
        }
        PlaneStyle::Trajectories => {
            let style = MUTED.mix(0.7).stroke_width(line_width);
            for l in 0..layers {
                let pts: Vec<(f64, f64)> = (0..epochs).map(|k| point(k, l)).collect();
                for poly in polylines(&pts, rect) {
                    frame
                        .area()
                        .draw(&PathElement::new(poly, style))
                        .map_err(err)?;
                }
            }
        }
    }
    // Markers after lines, oldest epoch first so the newest lie on top.
    let mut hits = Vec::new();
    let radius = theme.px(3.0);
    for k in 0..epochs {
        let colour = colours.colour(data.epochs[k]);
        for l in 0..layers {
            let p = point(k, l);
            if !inside(p, rect) {
                continue;
            }
            frame
                .area()
                .draw(&Circle::new(p, radius, colour.filled()))
                .map_err(err)?;
            let (px, py) = frame.pixel(p);
            let text = format!(
                "{} · layer {} · epoch {} · I(X;T) {:.2} bits · I(T;Y) {:.2} bits",
                data.name,
                l + 1,
                data.epochs[k] + 1,
                p.0,
                p.1
            );
            hits.push(HitPoint { x: px, y: py, text });
        }
    }
    if hits.is_empty() {
        frame.note("no finite I(X;T), I(T;Y) values yet")?;
    } else if opts.layer_labels {
        let last: Vec<(usize, (f64, f64))> = (0..layers)
            .filter_map(|l| {
                (0..epochs)
                    .rev()
                    .map(|k| point(k, l))
                    .find(|p| inside(*p, rect))
                    .map(|p| (l, p))
            })
            .collect();
        label_layers(&frame, &last)?;
    }
    Ok(hits)
}

/// A pixel rectangle `[x0, y0, x1, y1]`.
type Px = [i32; 4];

fn overlap(a: &Px, b: &Px) -> i32 {
    let w = a[2].min(b[2]) - a[0].max(b[0]);
    let h = a[3].min(b[3]) - a[1].max(b[1]);
    if w > 0 && h > 0 {
        w * h
    } else {
        0
    }
}

/// Rings each layer's last point and writes "L1", "L2", … beside it, at the
/// first spot around it that stays in the plot and clear of the other
/// labels and rings (else the least crowded one).
fn label_layers(frame: &Frame, last: &[(usize, (f64, f64))]) -> Result<(), String> {
    let t = frame.theme;
    let plot = frame.area().strip_coord_spec();
    let (base, (w, h)) = (plot.get_base_pixel(), plot.dim_in_pixel());
    let (w, h) = (w as i32, h as i32);
    let (ring, off, pad) = (t.px(6.0), t.px(7.0), t.px(2.0));
    let centres: Vec<(i32, i32)> = last
        .iter()
        .map(|(_, p)| frame.pixel(*p))
        .map(|(x, y)| (x - base.0, y - base.1))
        .collect();
    let mut taken: Vec<Px> = centres
        .iter()
        .map(|&(x, y)| [x - ring, y - ring, x + ring, y + ring])
        .collect();
    for (_, p) in last {
        frame
            .area()
            .draw(&Circle::new(*p, ring, INK.stroke_width(t.stroke(1.5))))
            .map_err(err)?;
    }
    let font = t.tick_font();
    for (i, ((l, _), &(cx, cy))) in last.iter().zip(&centres).enumerate() {
        let label = format!("L{}", l + 1);
        let (tw, th) = text_size(&plot, &label, &font)?;
        // Up-right first (IDNNs' points climb up and left), then around;
        // then the same spots twice as far (with a leader line), for
        // crowded ends such as a plane squeezed on a phone.
        let around = |d: i32| {
            [
                (cx + d, cy - d - th),
                (cx - d - tw, cy - d - th),
                (cx + d, cy + d),
                (cx - d - tw, cy + d),
                (cx + d + pad, cy - th / 2),
                (cx - d - pad - tw, cy - th / 2),
                (cx - tw / 2, cy - d - th - pad),
                (cx - tw / 2, cy + d + pad),
            ]
        };
        let spots: Vec<(i32, i32)> = around(off).into_iter().chain(around(3 * off)).collect();
        let boxed = |(x, y): (i32, i32)| [x - pad, y - pad, x + tw + pad, y + th + pad];
        let fits = |b: &Px| b[0] >= 0 && b[1] >= 0 && b[2] <= w && b[3] <= h;
        // Touching its own ring is fine (the label belongs to it).
        let crowding = |b: &Px| {
            taken
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| overlap(b, o))
                .sum::<i32>()
        };
        // The first spot with the least crowding (near spots first).
        let best = spots
            .iter()
            .copied()
            .filter(|s| fits(&boxed(*s)))
            .min_by_key(|s| crowding(&boxed(*s)))
            .unwrap_or(spots[0]);
        if spots[8..].contains(&best) && !spots[..8].contains(&best) {
            let b = boxed(best);
            plot.draw(&PathElement::new(
                vec![(cx, cy), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)],
                MUTED.stroke_width(t.stroke(1.0)),
            ))
            .map_err(err)?;
        }
        let b = boxed(best);
        plot.draw(&Rectangle::new(
            [(b[0], b[1]), (b[2], b[3])],
            WHITE.mix(0.8).filled(),
        ))
        .map_err(err)?;
        plot.draw(&Text::new(
            label,
            best,
            font.pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(err)?;
        taken.push(b);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{estimate_text, record, Align, Baseline, DisplayList, Op};
    use infoplane_core::record::{EpochRecord, SeedRecord};

    /// The box of each text `keep` accepts, from its anchor as recorded, as
    /// estimate_text measures it: (text, [x0, y0, x1, y1]).
    fn text_boxes(list: &DisplayList, keep: impl Fn(&str) -> bool) -> Vec<(String, [i32; 4])> {
        list.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text {
                    text,
                    pos,
                    font,
                    align,
                    baseline,
                    ..
                } if keep(text) => {
                    let (w, h) = estimate_text(text, font);
                    let (w, h) = (w as i32, h as i32);
                    let x0 = match align {
                        Align::Left => pos.0,
                        Align::Centre => pos.0 - w / 2,
                        Align::Right => pos.0 - w,
                    };
                    let y0 = match baseline {
                        Baseline::Top => pos.1,
                        Baseline::Middle => pos.1 - h / 2,
                        Baseline::Bottom => pos.1 - h,
                    };
                    Some((text.clone(), [x0, y0, x0 + w, y0 + h]))
                }
                _ => None,
            })
            .collect()
    }

    /// Six layers ending within a few pixels of one another, as on a plane
    /// squeezed onto a phone: every "L" label still gets a spot of its own.
    #[test]
    fn crowded_layer_labels_stay_apart() {
        let mut s = SeedRecord::new(0);
        for (e, spread) in [(0usize, 0.3), (9, 0.01)] {
            let ixt: Vec<f64> = (0..6).map(|l| 6.0 + spread * l as f64).collect();
            s.push(&EpochRecord {
                epoch: e,
                ity: ixt.iter().map(|x| x / 12.0).collect(),
                ixt,
                grad_m: vec![],
                grad_s: vec![],
                wnorm: vec![],
                loss_train: 0.5,
                loss_test: 0.5,
                acc_train: 0.5,
                acc_test: 0.5,
            });
        }
        let opts = PlaneOptions::default();
        let (list, hits) = record(320, 260, &estimate_text, |area| {
            draw_plane(area, &RecordView::seed(&s), &opts)
        });
        assert_eq!(hits.unwrap().len(), 12);
        let boxes = text_boxes(&list, |t| t.starts_with('L'));
        let names: Vec<&str> = boxes.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["L1", "L2", "L3", "L4", "L5", "L6"]);
        for (i, (a, ba)) in boxes.iter().enumerate() {
            for (b, bb) in &boxes[i + 1..] {
                assert_eq!(overlap(ba, bb), 0, "{a} {ba:?} overlaps {b} {bb:?}");
            }
        }
    }

    /// Two planes side by side at a phone's width (the stored-run card's
    /// lower row, 240 px each): a title wider than its panel breaks between
    /// words into lines that stay inside the panel, one below the other;
    /// a title that fits stays one line.
    #[test]
    fn long_titles_wrap_inside_their_panel() {
        let titles = [
            "Your runs: no run yet",
            "SZT's stored run: mean of 20 repeats (bars: ± 2 sd)",
        ];
        let (list, drawn) = record(480, 260, &estimate_text, |area| {
            let (left, right) = area.split_horizontally(240);
            for (a, t) in [left, right].iter().zip(titles) {
                let opts = PlaneOptions {
                    title: t.to_string(),
                    ..PlaneOptions::default()
                };
                draw_plane(a, &RecordView::empty("no run yet"), &opts)?;
            }
            Ok::<(), String>(())
        });
        drawn.unwrap();
        // Title lines (not the tick labels, numbers), as boxes in the whole
        // picture.
        let lines = text_boxes(&list, |t| {
            t.parse::<f64>().is_err() && titles.iter().any(|title| title.contains(t))
        });
        let joined = |x_lo: i32, x_hi: i32| {
            let parts: Vec<&str> = lines
                .iter()
                .filter(|(_, b)| b[0] >= x_lo && b[2] <= x_hi)
                .map(|(t, _)| t.as_str())
                .collect();
            parts.join(" ")
        };
        // Every line within its half, and the halves' lines read as the titles.
        assert_eq!(joined(0, 240), titles[0]);
        assert_eq!(joined(240, 480), titles[1]);
        let right: Vec<&[i32; 4]> = lines
            .iter()
            .filter(|(_, b)| b[0] >= 240)
            .map(|(_, b)| b)
            .collect();
        assert!(right.len() >= 2, "{lines:?}");
        for (i, a) in right.iter().enumerate() {
            for b in &right[i + 1..] {
                assert_eq!(overlap(a, b), 0, "{a:?} overlaps {b:?}");
            }
        }
        assert_eq!(lines.iter().filter(|(_, b)| b[2] <= 240).count(), 1);
    }
}
