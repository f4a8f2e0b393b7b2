//! The epoch colour bar.

use crate::axis::nice_step;
use crate::hit::HitPoint;
use crate::palette::{viridis, EpochColours, EpochScale};
use crate::record::Area;
use crate::theme::{err, outline, text_size, Theme, INK};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Options of [`draw_colour_bar`].
#[derive(Clone, Debug, PartialEq)]
pub struct ColourBarOptions {
    /// Linear or log, as the planes it goes with.
    pub colour_scale: EpochScale,
    /// The run's total epochs (the top of the bar).
    pub total_epochs: usize,
    /// Text above the bar.
    pub label: String,
    /// Device pixel ratio.
    pub scale: f64,
}

impl Default for ColourBarOptions {
    fn default() -> Self {
        ColourBarOptions {
            colour_scale: EpochScale::Linear,
            total_epochs: 0,
            label: "epoch".to_string(),
            scale: 1.0,
        }
    }
}

/// Tick epoch numbers (1-based) for a bar over `1..=last`.
fn ticks(c: &EpochColours) -> Vec<usize> {
    let last = c.last;
    let mut t: Vec<usize> = match c.scale {
        EpochScale::Linear => {
            let step = (nice_step((last - 1) as f64, 5).max(1.0)) as usize;
            std::iter::once(1)
                .chain(
                    (1..)
                        .map(|i| i * step)
                        .take_while(|n| *n <= last)
                        .filter(|n| *n > 1),
                )
                .collect()
        }
        EpochScale::Log => (0..)
            .map(|k| 10usize.pow(k))
            .take_while(|n| *n <= last)
            .collect(),
    };
    // Label the end unless a tick already sits close to it.
    let top = t.last().copied().unwrap_or(1);
    if c.fraction(last as f64) - c.fraction(top as f64) > 0.08 {
        t.push(last);
    }
    t
}

/// Width the colour bar needs at `scale`, tick labels included.
pub(crate) fn width(area: &Area, opts: &ColourBarOptions) -> Result<i32, String> {
    let t = Theme::new(opts.scale);
    let c = EpochColours::new(opts.colour_scale, opts.total_epochs);
    let mut widest = text_size(area, &opts.label, &t.tick_font())?.0 - t.px(20.0);
    for n in ticks(&c) {
        widest = widest.max(text_size(area, &n.to_string(), &t.tick_font())?.0);
    }
    Ok(t.px(8.0) + t.px(14.0) + t.px(10.0) + widest + t.px(6.0))
}

/// Draws a vertical viridis bar over epochs 1..=total (bottom to top) with
/// labelled ticks and `label` above it. Returns hit points along the bar
/// ("epoch N").
pub fn draw_colour_bar(area: &Area, opts: &ColourBarOptions) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let c = EpochColours::new(opts.colour_scale, opts.total_epochs);
    let (w, h) = area.dim_in_pixel();
    let font = t.tick_font();
    let (_, th) = text_size(area, "0", &font)?;
    let (x0, bw) = (t.px(8.0), t.px(14.0));
    let top = t.px(6.0) + th + t.px(8.0);
    let bottom = h as i32 - t.px(6.0) - th / 2;
    let bar_h = bottom - top;
    if bar_h < t.px(40.0) || (w as i32) < x0 + bw {
        return Ok(Vec::new());
    }
    let label_font = font.pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new(
        opts.label.clone(),
        (t.px(2.0), t.px(6.0) + th / 2),
        label_font.clone(),
    ))
    .map_err(err)?;
    // Bands of the gradient, bottom (first epoch) to top (last).
    let bands = bar_h.min(160);
    for i in 0..bands {
        let (ya, yb) = (bottom - bar_h * i / bands, bottom - bar_h * (i + 1) / bands);
        let colour = viridis((f64::from(i) + 0.5) / f64::from(bands));
        area.draw(&Rectangle::new([(x0, yb), (x0 + bw, ya)], colour.filled()))
            .map_err(err)?;
    }
    area.draw(&outline(
        (x0, top),
        (x0 + bw, bottom),
        INK.stroke_width(t.stroke(1.0)),
    ))
    .map_err(err)?;
    let y_of = |n: f64| bottom - (c.fraction(n) * f64::from(bar_h)).round() as i32;
    for n in ticks(&c) {
        let y = y_of(n as f64);
        area.draw(&PathElement::new(
            vec![(x0 + bw, y), (x0 + bw + t.px(4.0), y)],
            INK.stroke_width(t.stroke(1.0)),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            n.to_string(),
            (x0 + bw + t.px(7.0), y),
            label_font.clone(),
        ))
        .map_err(err)?;
    }
    let base = area.get_base_pixel();
    // A hit every few pixels, both ends included.
    let n = (bar_h / t.px(4.0)).max(1);
    let hits = (0..=n)
        .map(|i| {
            let y = bottom - bar_h * i / n;
            let n = c.epoch_at(f64::from(bottom - y) / f64::from(bar_h)).round();
            HitPoint {
                x: base.0 + x0 + bw / 2,
                y: base.1 + y,
                text: format!("epoch {n}"),
            }
        })
        .collect();
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_choices() {
        assert_eq!(
            ticks(&EpochColours::new(EpochScale::Linear, 8000)),
            [1, 2000, 4000, 6000, 8000]
        );
        assert_eq!(
            ticks(&EpochColours::new(EpochScale::Log, 8000)),
            [1, 10, 100, 1000, 8000]
        );
        assert_eq!(
            ticks(&EpochColours::new(EpochScale::Log, 1000)),
            [1, 10, 100, 1000]
        );
        assert_eq!(
            ticks(&EpochColours::new(EpochScale::Linear, 50)),
            [1, 10, 20, 30, 40, 50]
        );
        assert_eq!(ticks(&EpochColours::new(EpochScale::Linear, 0)), [1, 2]);
    }
}
