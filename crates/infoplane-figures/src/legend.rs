//! Legends: a sample line and a label per entry.

use crate::record::Area;
use crate::theme::{err, outline, text_size, Theme, INK};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One legend row.
pub(crate) struct Entry {
    /// Label text.
    pub label: String,
    /// Sample colour.
    pub colour: RGBColor,
    /// Dashed sample line.
    pub dashed: bool,
}

impl Entry {
    /// A solid entry.
    pub fn solid(label: impl Into<String>, colour: RGBColor) -> Self {
        Entry {
            label: label.into(),
            colour,
            dashed: false,
        }
    }

    /// A dashed entry.
    pub fn dashed(label: impl Into<String>, colour: RGBColor) -> Self {
        Entry {
            label: label.into(),
            colour,
            dashed: true,
        }
    }
}

/// Layout of a legend: sample length, row height and padding, at `theme`.
struct Layout {
    sample: i32,
    gap: i32,
    row: i32,
    pad: i32,
}

fn layout(area: &Area, t: Theme) -> Result<Layout, String> {
    let (_, h) = text_size(area, "Lg", &t.tick_font())?;
    Ok(Layout {
        sample: t.px(26.0),
        gap: t.px(6.0),
        row: h + t.px(5.0),
        pad: t.px(6.0),
    })
}

/// Width and height the legend of `entries` takes, box padding included.
pub(crate) fn size(area: &Area, entries: &[Entry], t: Theme) -> Result<(i32, i32), String> {
    let l = layout(area, t)?;
    let mut widest = 0;
    for e in entries {
        widest = widest.max(text_size(area, &e.label, &t.tick_font())?.0);
    }
    Ok((
        2 * l.pad + l.sample + l.gap + widest,
        2 * l.pad + l.row * entries.len() as i32,
    ))
}

/// Draws the legend with its top-left corner at `origin` (pixels of
/// `area`), on a white box when `boxed` (for legends over data).
pub(crate) fn draw(
    area: &Area,
    entries: &[Entry],
    origin: (i32, i32),
    boxed: bool,
    t: Theme,
) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let l = layout(area, t)?;
    let (w, h) = size(area, entries, t)?;
    let (x0, y0) = origin;
    if boxed {
        area.draw(&Rectangle::new(
            [(x0, y0), (x0 + w, y0 + h)],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(err)?;
        area.draw(&outline(
            (x0, y0),
            (x0 + w, y0 + h),
            INK.mix(0.3).stroke_width(t.stroke(1.0)),
        ))
        .map_err(err)?;
    }
    let font = t.tick_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (i, e) in entries.iter().enumerate() {
        let y = y0 + l.pad + l.row * i as i32 + l.row / 2;
        let (a, b) = ((x0 + l.pad, y), (x0 + l.pad + l.sample, y));
        let style = e.colour.stroke_width(t.stroke(2.0));
        if e.dashed {
            area.draw(&DashedPathElement::new(
                vec![a, b],
                t.px(6.0),
                t.px(4.0),
                style,
            ))
            .map_err(err)?;
        } else {
            area.draw(&PathElement::new(vec![a, b], style))
                .map_err(err)?;
        }
        area.draw(&Text::new(e.label.clone(), (b.0 + l.gap, y), font.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// An area split in two: left and right.
pub(crate) type Split<'m> = (Area<'m>, Area<'m>);

/// Splits `area` into the chart (left) and a strip on the right wide enough
/// for the legend of `entries`.
pub(crate) fn split_right<'m>(
    area: &Area<'m>,
    entries: &[Entry],
    t: Theme,
) -> Result<Split<'m>, String> {
    let (w, _) = area.dim_in_pixel();
    let (lw, _) = size(area, entries, t)?;
    // Never give the legend more than a third of the width.
    // Spare room on the right, so long labels never touch the edge.
    let strip = (lw + t.px(12.0)).min(w as i32 / 3).max(0);
    Ok(area.split_horizontally(w as i32 - strip))
}

/// Draws the legend at the top of `strip`, level with `plot_top` (a
/// backend y coordinate, the top of the chart's plot).
pub(crate) fn draw_beside(
    strip: &Area,
    entries: &[Entry],
    plot_top: i32,
    t: Theme,
) -> Result<(), String> {
    let y = (plot_top - strip.get_base_pixel().1).max(0);
    draw(strip, entries, (0, y), false, t)
}
