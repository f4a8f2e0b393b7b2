//! Sizes, fonts and small drawing helpers shared by every figure.

use crate::record::Area;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

/// Font sizes at 1×, in pixels (CSS pixels on the canvas and in SVG alike).
const TICK: f64 = 15.0;
const DESC: f64 = 16.0;
const TITLE: f64 = 17.0;

/// Light grid and frame colours.
pub(crate) const GRID: RGBColor = RGBColor(0xd8, 0xd8, 0xd8);
pub(crate) const FAINT: RGBColor = RGBColor(0xf1, 0xf1, 0xf1);
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x77, 0x77, 0x77);

/// Sizes for one device pixel ratio.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Theme {
    /// Device pixel ratio (1 on ordinary screens, 2 on HiDPI).
    pub scale: f64,
}

impl Theme {
    /// A theme for `scale`; non-finite or tiny ratios fall back to 1.
    pub fn new(scale: f64) -> Self {
        Theme {
            scale: if scale.is_finite() && scale >= 0.25 {
                scale
            } else {
                1.0
            },
        }
    }

    /// `v` logical pixels in backend pixels, at least 1.
    pub fn px(&self, v: f64) -> i32 {
        ((v * self.scale).round() as i32).max(1)
    }

    /// `v` logical pixels as an unsigned stroke width.
    pub fn stroke(&self, v: f64) -> u32 {
        self.px(v) as u32
    }

    fn font(&self, size: f64) -> TextStyle<'static> {
        // The family as a variant: from the string "sans-serif", plotters
        // would lower-case it first, linking Unicode's case tables.
        FontDesc::new(FontFamily::SansSerif, size * self.scale, FontStyle::Normal).color(&INK)
    }

    /// Tick labels, legends and notes.
    pub fn tick_font(&self) -> TextStyle<'static> {
        self.font(TICK)
    }

    /// Axis descriptions.
    pub fn desc_font(&self) -> TextStyle<'static> {
        self.font(DESC)
    }

    /// Titles.
    pub fn title_font(&self) -> TextStyle<'static> {
        self.font(TITLE)
    }
}

/// A closed outline of the box with corners `a` and `b`, as a five-point path.
pub(crate) fn outline<T: Copy>(a: (T, T), b: (T, T), style: ShapeStyle) -> PathElement<(T, T)> {
    PathElement::new(vec![a, (b.0, a.1), b, (a.0, b.1), a], style)
}

/// Maps a plotters error to the crate's error type.
pub(crate) fn err(e: impl std::fmt::Display) -> String {
    format!("drawing failed: {e}")
}

/// Width and height of `text` as the backend would draw it.
pub(crate) fn text_size(area: &Area, text: &str, font: &TextStyle) -> Result<(i32, i32), String> {
    let (w, h) = area.estimate_text_size(text, font).map_err(err)?;
    Ok((w as i32, h as i32))
}

/// Draws `text` centred at (`x`, `y`) of `area` (area pixels).
pub(crate) fn centred_text(
    area: &Area,
    text: &str,
    font: &TextStyle,
    (x, y): (i32, i32),
) -> Result<(), String> {
    let style = font.pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(text.to_string(), (x, y), style))
        .map_err(err)
}

/// Draws `text` centred at the top of `area` and returns the area below it;
/// no title, the whole area. (plotters' own `titled` pads by at most 5 px,
/// which does not scale.)
pub(crate) fn titled<'m>(area: &Area<'m>, text: &str, t: Theme) -> Result<Area<'m>, String> {
    if text.is_empty() {
        return Ok(area.clone());
    }
    let font = t.title_font();
    let (w, h) = area.dim_in_pixel();
    let pad = t.px(5.0);
    let style = font.pos(Pos::new(HPos::Center, VPos::Top));
    let mut y = pad;
    for line in wrap(area, text, &font, w as i32 - 2 * pad)? {
        let (_, th) = text_size(area, &line, &font)?;
        area.draw(&Text::new(line, (w as i32 / 2, y), style.clone()))
            .map_err(err)?;
        y += th;
    }
    // A tiny area keeps nothing below its title (the callers then draw
    // nothing more), rather than a cut beyond its edge.
    Ok(area.split_vertically((y + pad).min(h as i32)).1)
}

/// `text` in lines no wider than `width` pixels, broken between words (a
/// word wider than that alone on its line): titles of narrow panels (a
/// phone's, two side by side) would otherwise run into each other.
pub(crate) fn wrap(
    area: &Area,
    text: &str,
    font: &TextStyle,
    width: i32,
) -> Result<Vec<String>, String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let wider = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_size(area, &wider, font)?.0 > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = wider;
        }
    }
    lines.push(line);
    Ok(lines)
}

/// A number for a tooltip: three significant digits, scientific when tiny
/// or huge.
pub(crate) fn fmt_value(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_sizes() {
        assert_eq!(fmt_value(4.2071), "4.21");
        assert_eq!(fmt_value(0.4912), "0.491");
        assert_eq!(fmt_value(123.4), "123");
        assert_eq!(fmt_value(2.5e-5), "2.50e-5");
        assert_eq!(fmt_value(0.0), "0");
        let t = Theme::new(2.0);
        assert_eq!(t.px(1.5), 3);
        assert_eq!(Theme::new(f64::NAN).scale, 1.0);
        assert_eq!(Theme::new(1.0).px(0.1), 1);
    }
}
