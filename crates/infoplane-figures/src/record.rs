//! The one drawing backend of the figures: a plotters backend that records
//! what is drawn into a [`DisplayList`], laid out with text measures from a
//! caller's callback. The app replays the list onto an HTML canvas and
//! writes it as SVG ([`DisplayList::to_svg`]) for exports, so every figure
//! is compiled once and looks the same on screen and in the file.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, WHITE};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::convert::Infallible;

/// An sRGB colour with opacity `a` in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Colour {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity (1 = opaque).
    pub a: f64,
}

impl From<BackendColor> for Colour {
    fn from(c: BackendColor) -> Self {
        Colour {
            r: c.rgb.0,
            g: c.rgb.1,
            b: c.rgb.2,
            a: c.alpha,
        }
    }
}

/// Where a text's anchor point lies horizontally (canvas `textAlign`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// At the start of the text.
    Left,
    /// In the middle.
    Centre,
    /// At the end.
    Right,
}

/// Where a text's anchor point lies vertically (canvas `textBaseline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// At the top of the em box.
    Top,
    /// In the middle of the em box.
    Middle,
    /// At the bottom of the em box.
    Bottom,
}

/// A font as CSS names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Font {
    /// Family, e.g. "sans-serif".
    pub family: String,
    /// "normal", "italic", "oblique" or "bold".
    pub style: &'static str,
    /// Size in pixels.
    pub size: f64,
}

impl Font {
    fn of<S: BackendTextStyle>(s: &S) -> Self {
        Font {
            family: s.family().as_str().to_string(),
            style: match s.style() {
                FontStyle::Normal => "normal",
                FontStyle::Italic => "italic",
                FontStyle::Oblique => "oblique",
                FontStyle::Bold => "bold",
            },
            size: s.size(),
        }
    }

    /// The CSS `font` shorthand, e.g. "normal 15px sans-serif" (what a
    /// canvas context's `font` takes).
    pub fn css(&self) -> String {
        format!("{} {}px {}", self.style, self.size, self.family)
    }
}

/// One drawing operation, in backend pixels. Strokes are `width` pixels
/// wide; fully transparent operations are not recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A straight line.
    Line {
        /// Start.
        from: (i32, i32),
        /// End.
        to: (i32, i32),
        /// Stroke colour.
        colour: Colour,
        /// Stroke width.
        width: u32,
    },
    /// An axis-aligned rectangle from corner `a` (top left) to `b`.
    Rect {
        /// Top-left corner.
        a: (i32, i32),
        /// Bottom-right corner.
        b: (i32, i32),
        /// Fill or stroke colour.
        colour: Colour,
        /// Filled, else outlined.
        fill: bool,
        /// Stroke width (outlines).
        width: u32,
    },
    /// An open polyline of at least two points.
    Path {
        /// Vertices.
        points: Vec<(i32, i32)>,
        /// Stroke colour.
        colour: Colour,
        /// Stroke width.
        width: u32,
    },
    /// A filled polygon of at least three points.
    Polygon {
        /// Vertices.
        points: Vec<(i32, i32)>,
        /// Fill colour.
        colour: Colour,
    },
    /// A circle.
    Circle {
        /// Centre.
        centre: (i32, i32),
        /// Radius.
        radius: u32,
        /// Fill or stroke colour.
        colour: Colour,
        /// Filled, else outlined.
        fill: bool,
        /// Stroke width (outlines).
        width: u32,
    },
    /// A line of text anchored at `pos`, rotated clockwise by `rotation`
    /// degrees (0, 90, 180 or 270) about it.
    Text {
        /// The text.
        text: String,
        /// Anchor point.
        pos: (i32, i32),
        /// Font.
        font: Font,
        /// Fill colour.
        colour: Colour,
        /// Horizontal anchor.
        align: Align,
        /// Vertical anchor.
        baseline: Baseline,
        /// Clockwise rotation in degrees.
        rotation: u16,
    },
}

/// What a figure drew: a `width` × `height` pixel picture as a list of
/// operations, in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DisplayList {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// The operations, first drawn first.
    pub ops: Vec<Op>,
}

impl DisplayList {
    /// An empty picture of `width` × `height` pixels.
    pub fn new(width: u32, height: u32) -> Self {
        DisplayList {
            width,
            height,
            ops: Vec::new(),
        }
    }
}

/// A colour without opacity: red, green, blue.
pub type Rgb = (u8, u8, u8);

/// The dark theme: each light-theme colour of the frame, text and
/// background (theme.rs; black for Okabe-Ito's seventh layer colour) and
/// its replacement. Data colours (viridis, the other layer colours) read
/// on both backgrounds and stay.
pub const DARK_THEME: &[(Rgb, Rgb)] = &[
    ((0xff, 0xff, 0xff), (0x1b, 0x1f, 0x27)), // background, label boxes
    ((0x22, 0x22, 0x22), (0xe4, 0xe7, 0xec)), // ink
    ((0x00, 0x00, 0x00), (0xe4, 0xe7, 0xec)), // black
    ((0x77, 0x77, 0x77), (0xa3, 0xaa, 0xb5)), // muted
    ((0xd8, 0xd8, 0xd8), (0x46, 0x4d, 0x59)), // grid
    ((0xf1, 0xf1, 0xf1), (0x2b, 0x30, 0x39)), // faint grid
];

impl Op {
    fn colour_mut(&mut self) -> &mut Colour {
        match self {
            Op::Line { colour, .. }
            | Op::Rect { colour, .. }
            | Op::Path { colour, .. }
            | Op::Polygon { colour, .. }
            | Op::Circle { colour, .. }
            | Op::Text { colour, .. } => colour,
        }
    }
}

impl DisplayList {
    /// Redraws the picture in another theme: every colour found in `map`
    /// (e.g. [`DARK_THEME`]) is replaced, keeping its opacity.
    pub fn recolour(&mut self, map: &[(Rgb, Rgb)]) {
        for op in &mut self.ops {
            let c = op.colour_mut();
            if let Some(&(_, (r, g, b))) = map.iter().find(|(from, _)| *from == (c.r, c.g, c.b)) {
                (c.r, c.g, c.b) = (r, g, b);
            }
        }
    }
}

/// Measures a line of text in a font: (width, height) in pixels. The
/// height is the line's height (the figures space rows of text by it).
pub type Measure<'m> = &'m dyn Fn(&str, &Font) -> (u32, u32);

/// A plotters backend appending what is drawn to a [`DisplayList`].
pub struct Recorder<'m> {
    list: &'m mut DisplayList,
    measure: Measure<'m>,
}

impl<'m> Recorder<'m> {
    /// A backend of `list`'s size recording into `list`, laying text out
    /// with `measure`.
    pub fn new(list: &'m mut DisplayList, measure: Measure<'m>) -> Self {
        Recorder { list, measure }
    }

    fn push(&mut self, colour: BackendColor, op: impl FnOnce(Colour) -> Op) {
        if colour.alpha > 0.0 {
            self.list.ops.push(op(colour.into()));
        }
    }
}

/// The drawing area every figure draws on.
pub type Area<'m> = DrawingArea<Recorder<'m>, Shift>;

/// Records `draw` on a white `width` × `height` picture, text laid out with
/// `measure`; returns the picture and what `draw` returned.
pub fn record<T>(
    width: u32,
    height: u32,
    measure: Measure,
    draw: impl FnOnce(&Area) -> T,
) -> (DisplayList, T) {
    let mut list = DisplayList::new(width, height);
    let out = {
        let area = Recorder::new(&mut list, measure).into_drawing_area();
        // Recording cannot fail.
        let _ = area.fill(&WHITE);
        draw(&area)
    };
    (list, out)
}

/// A text measure for where no browser can measure (native tests, tools):
/// 0.55 em per character, lines 1.4 em high (the app's line height).
pub fn estimate_text(text: &str, font: &Font) -> (u32, u32) {
    let em = font.size.max(0.0);
    (
        (0.55 * em * text.chars().count() as f64).round() as u32,
        (1.4 * em).round() as u32,
    )
}

type Result<T = ()> = std::result::Result<T, DrawingErrorKind<Infallible>>;

impl DrawingBackend for Recorder<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        (self.list.width, self.list.height)
    }

    fn ensure_prepared(&mut self) -> Result {
        Ok(())
    }

    fn present(&mut self) -> Result {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, colour: BackendColor) -> Result {
        self.push(colour, |colour| Op::Rect {
            a: (x, y),
            b: (x + 1, y + 1),
            colour,
            fill: true,
            width: 1,
        });
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result {
        let width = style.stroke_width();
        self.push(style.color(), |colour| Op::Line {
            from,
            to,
            colour,
            width,
        });
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        let width = style.stroke_width();
        self.push(style.color(), |colour| Op::Rect {
            a,
            b,
            colour,
            fill,
            width,
        });
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        let points: Vec<(i32, i32)> = path.into_iter().collect();
        if points.len() >= 2 {
            let width = style.stroke_width();
            self.push(style.color(), |colour| Op::Path {
                points,
                colour,
                width,
            });
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result {
        let width = style.stroke_width();
        self.push(style.color(), |colour| Op::Circle {
            centre,
            radius,
            colour,
            fill,
            width,
        });
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        let points: Vec<(i32, i32)> = path.into_iter().collect();
        if points.len() >= 3 {
            self.push(style.color(), |colour| Op::Polygon { points, colour });
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result {
        let anchor = style.anchor();
        let align = match anchor.h_pos {
            HPos::Left => Align::Left,
            HPos::Center => Align::Centre,
            HPos::Right => Align::Right,
        };
        let baseline = match anchor.v_pos {
            VPos::Top => Baseline::Top,
            VPos::Center => Baseline::Middle,
            VPos::Bottom => Baseline::Bottom,
        };
        let rotation = match style.transform() {
            FontTransform::None => 0,
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => 270,
        };
        let font = Font::of(style);
        self.push(style.color(), |colour| Op::Text {
            text: text.to_string(),
            pos,
            font,
            colour,
            align,
            baseline,
            rotation,
        });
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Result<(u32, u32)> {
        Ok((self.measure)(text, &Font::of(style)))
    }
}

#[cfg(test)]
mod tests {
    use super::{estimate_text, record, Align, Baseline, Colour, Font, Op};
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    use plotters::style::FontTransform;

    #[test]
    fn records_each_element_as_drawn() {
        // A fixed measure: 10 px per character, 20 px lines.
        let measure = |t: &str, _: &Font| (10 * t.chars().count() as u32, 20);
        let (list, size) = record(200, 100, &measure, |area| {
            let inner = area.margin(10, 0, 20, 0); // origin at (20, 10)
            inner
                .draw(&PathElement::new(vec![(0, 0), (5, 5)], RED.stroke_width(3)))
                .unwrap();
            inner
                .draw(&Circle::new((1, 2), 4, BLUE.mix(0.5).filled()))
                .unwrap();
            // Fully transparent: not recorded.
            inner
                .draw(&Rectangle::new([(0, 0), (9, 9)], TRANSPARENT.filled()))
                .unwrap();
            let style = ("serif", 12.0)
                .into_font()
                .transform(FontTransform::Rotate270)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            inner
                .draw(&Text::new("a<b", (7, 8), style.clone()))
                .unwrap();
            inner.estimate_text_size("abcd", &style).unwrap()
        });
        assert_eq!(size, (40, 20));
        assert_eq!((list.width, list.height), (200, 100));
        let white = Colour {
            r: 255,
            g: 255,
            b: 255,
            a: 1.0,
        };
        assert_eq!(
            list.ops,
            vec![
                Op::Rect {
                    a: (0, 0),
                    b: (200, 100),
                    colour: white,
                    fill: true,
                    width: 1
                },
                Op::Path {
                    points: vec![(20, 10), (25, 15)],
                    colour: Colour {
                        r: 255,
                        g: 0,
                        b: 0,
                        a: 1.0
                    },
                    width: 3
                },
                Op::Circle {
                    centre: (21, 12),
                    radius: 4,
                    colour: Colour {
                        r: 0,
                        g: 0,
                        b: 255,
                        a: 0.5
                    },
                    fill: true,
                    width: 1
                },
                Op::Text {
                    text: "a<b".into(),
                    pos: (27, 18),
                    font: Font {
                        family: "serif".into(),
                        style: "normal",
                        size: 12.0
                    },
                    colour: Colour {
                        r: 0,
                        g: 0,
                        b: 0,
                        a: 1.0
                    },
                    align: Align::Centre,
                    baseline: Baseline::Bottom,
                    rotation: 270
                },
            ]
        );
    }

    #[test]
    fn the_dark_theme_swaps_frame_colours_and_keeps_data_colours() {
        use super::DARK_THEME;
        let measure = |t: &str, _: &Font| (10 * t.chars().count() as u32, 20);
        let (mut list, ()) = record(50, 50, &measure, |area| {
            area.draw(&PathElement::new(
                vec![(0, 0), (5, 5)],
                RGBColor(0x22, 0x22, 0x22).mix(0.5),
            ))
            .unwrap();
            area.draw(&PathElement::new(
                vec![(0, 0), (5, 5)],
                RGBColor(0x00, 0x72, 0xb2),
            ))
            .unwrap();
        });
        list.recolour(DARK_THEME);
        let colours: Vec<Colour> = list
            .ops
            .iter()
            .map(|op| match op {
                Op::Rect { colour, .. } | Op::Path { colour, .. } => *colour,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        let c = |r, g, b, a| Colour { r, g, b, a };
        assert_eq!(
            colours,
            vec![
                c(0x1b, 0x1f, 0x27, 1.0), // white background → dark
                c(0xe4, 0xe7, 0xec, 0.5), // ink → light, opacity kept
                c(0x00, 0x72, 0xb2, 1.0), // a layer colour stays
            ]
        );
    }

    #[test]
    fn fonts_and_estimates() {
        let f = Font {
            family: "sans-serif".into(),
            style: "normal",
            size: 15.0,
        };
        assert_eq!(f.css(), "normal 15px sans-serif");
        // 0.55 × 15 × 4 = 33; 1.4 × 15 = 21.
        assert_eq!(estimate_text("abcd", &f), (33, 21));
        assert_eq!(estimate_text("", &f), (0, 21));
    }
}
