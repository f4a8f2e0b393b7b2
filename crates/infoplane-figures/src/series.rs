//! Line series on a frame: split at NaN, clipped, solid or dashed, with a
//! hit point per drawn vertex.

use crate::clip::{inside, polylines};
use crate::frame::Frame;
use crate::hit::HitPoint;
use crate::theme::err;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// One curve in data units, with a tooltip per point.
pub(crate) struct Line {
    /// Stroke colour.
    pub colour: RGBColor,
    /// Dashed (e.g. the "std" curves) or solid.
    pub dashed: bool,
    /// Points in data units; NaN or non-positive-on-log points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Tooltip per point (same length as `points`).
    pub tips: Vec<String>,
}

/// Draws `lines` in order and returns a hit point per visible vertex.
/// Vertices with no visible neighbour get a dot, so a single logged epoch
/// still shows.
pub(crate) fn draw_lines(frame: &Frame, lines: &[Line]) -> Result<Vec<HitPoint>, String> {
    let t = frame.theme;
    let rect = frame.rect();
    let mut hits = Vec::new();
    for line in lines {
        let style = line.colour.stroke_width(t.stroke(1.6));
        let pts: Vec<(f64, f64)> = line.points.iter().map(|p| frame.to_u(*p)).collect();
        for poly in polylines(&pts, rect) {
            if line.dashed {
                frame
                    .area()
                    .draw(&DashedPathElement::new(poly, t.px(6.0), t.px(4.0), style))
                    .map_err(err)?;
            } else {
                frame
                    .area()
                    .draw(&PathElement::new(poly, style))
                    .map_err(err)?;
            }
        }
        let shown = |i: usize| pts.get(i).is_some_and(|p| inside(*p, rect));
        for (i, p) in pts.iter().enumerate() {
            if !shown(i) {
                continue;
            }
            let joined = (i > 0 && shown(i - 1)) || shown(i + 1);
            if !joined {
                frame
                    .area()
                    .draw(&Circle::new(*p, t.px(2.5), line.colour.filled()))
                    .map_err(err)?;
            }
            let (x, y) = frame.pixel(*p);
            hits.push(HitPoint {
                x,
                y,
                text: line.tips.get(i).cloned().unwrap_or_default(),
            });
        }
    }
    Ok(hits)
}
