//! A display list written as an SVG document.

use crate::record::{Align, Baseline, Colour, DisplayList, Op};
use std::fmt::Write;

/// Writes ` name="#RRGGBB"`, plus ` name-opacity="a"` when not opaque.
fn paint(out: &mut String, name: &str, c: Colour) {
    let _ = write!(out, " {name}=\"#{:02X}{:02X}{:02X}\"", c.r, c.g, c.b);
    if c.a < 1.0 {
        let _ = write!(out, " {name}-opacity=\"{}\"", c.a.max(0.0));
    }
}

/// Writes a stroke of `width` pixels in `c`, unfilled.
fn stroke(out: &mut String, c: Colour, width: u32) {
    out.push_str(" fill=\"none\"");
    paint(out, "stroke", c);
    let _ = write!(out, " stroke-width=\"{width}\"");
}

fn points(out: &mut String, pts: &[(i32, i32)]) {
    out.push_str(" points=\"");
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{x},{y}");
    }
    out.push('"');
}

/// Appends `text` with XML's special characters escaped.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

impl DisplayList {
    /// The picture as a standalone SVG document of `width` × `height`
    /// pixels. Text keeps its font, so it looks as laid out where that
    /// font is (the app measures with the browser's canvas).
    pub fn to_svg(&self) -> String {
        let (w, h) = (self.width, self.height);
        let mut out = String::with_capacity(256 + 64 * self.ops.len());
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
        );
        for op in &self.ops {
            match op {
                Op::Line {
                    from,
                    to,
                    colour,
                    width,
                } => {
                    let _ = write!(
                        out,
                        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"",
                        from.0, from.1, to.0, to.1
                    );
                    stroke(&mut out, *colour, *width);
                }
                Op::Rect {
                    a,
                    b,
                    colour,
                    fill,
                    width,
                } => {
                    let (x, y) = (a.0.min(b.0), a.1.min(b.1));
                    let _ = write!(
                        out,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\"",
                        (b.0 - a.0).abs(),
                        (b.1 - a.1).abs()
                    );
                    if *fill {
                        paint(&mut out, "fill", *colour);
                    } else {
                        stroke(&mut out, *colour, *width);
                    }
                }
                Op::Path {
                    points: pts,
                    colour,
                    width,
                } => {
                    out.push_str("<polyline");
                    stroke(&mut out, *colour, *width);
                    points(&mut out, pts);
                }
                Op::Polygon {
                    points: pts,
                    colour,
                } => {
                    out.push_str("<polygon");
                    paint(&mut out, "fill", *colour);
                    points(&mut out, pts);
                }
                Op::Circle {
                    centre,
                    radius,
                    colour,
                    fill,
                    width,
                } => {
                    let _ = write!(
                        out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{radius}\"",
                        centre.0, centre.1
                    );
                    if *fill {
                        paint(&mut out, "fill", *colour);
                    } else {
                        stroke(&mut out, *colour, *width);
                    }
                }
                Op::Text {
                    text,
                    pos,
                    font,
                    colour,
                    align,
                    baseline,
                    rotation,
                } => {
                    let _ = write!(out, "<text x=\"{}\" y=\"{}\" font-family=\"", pos.0, pos.1);
                    escape(&mut out, &font.family);
                    let _ = write!(out, "\" font-size=\"{}\"", font.size);
                    match font.style {
                        "normal" => {}
                        "bold" => out.push_str(" font-weight=\"bold\""),
                        s => {
                            let _ = write!(out, " font-style=\"{s}\"");
                        }
                    }
                    paint(&mut out, "fill", *colour);
                    out.push_str(match align {
                        Align::Left => "",
                        Align::Centre => " text-anchor=\"middle\"",
                        Align::Right => " text-anchor=\"end\"",
                    });
                    // The canvas' textBaseline top / middle / bottom.
                    out.push_str(match baseline {
                        Baseline::Top => " dominant-baseline=\"text-before-edge\"",
                        Baseline::Middle => " dominant-baseline=\"central\"",
                        Baseline::Bottom => " dominant-baseline=\"text-after-edge\"",
                    });
                    if *rotation != 0 {
                        let _ =
                            write!(out, " transform=\"rotate({rotation} {} {})\"", pos.0, pos.1);
                    }
                    out.push('>');
                    escape(&mut out, text);
                    out.push_str("</text>\n");
                    continue;
                }
            }
            out.push_str("/>\n");
        }
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::record::{Align, Baseline, Colour, DisplayList, Font, Op};

    const INK: Colour = Colour {
        r: 0x22,
        g: 0x0a,
        b: 0xff,
        a: 1.0,
    };

    #[test]
    fn every_op_as_svg() {
        let mut list = DisplayList::new(30, 20);
        let faint = Colour { a: 0.25, ..INK };
        list.ops = vec![
            Op::Rect {
                a: (0, 0),
                b: (30, 20),
                colour: faint,
                fill: true,
                width: 1,
            },
            Op::Rect {
                a: (5, 6),
                b: (2, 1),
                colour: INK,
                fill: false,
                width: 2,
            },
            Op::Line {
                from: (1, 2),
                to: (3, 4),
                colour: INK,
                width: 1,
            },
            Op::Path {
                points: vec![(1, 2), (3, -4), (5, 6)],
                colour: INK,
                width: 3,
            },
            Op::Polygon {
                points: vec![(0, 0), (1, 0), (0, 1)],
                colour: INK,
            },
            Op::Circle {
                centre: (7, 8),
                radius: 2,
                colour: INK,
                fill: true,
                width: 0,
            },
            Op::Circle {
                centre: (7, 8),
                radius: 3,
                colour: INK,
                fill: false,
                width: 1,
            },
            Op::Text {
                text: "I(X;T) < 2 & \"q\"".into(),
                pos: (10, 11),
                font: Font {
                    family: "sans-serif".into(),
                    style: "italic",
                    size: 15.0,
                },
                colour: INK,
                align: Align::Centre,
                baseline: Baseline::Middle,
                rotation: 270,
            },
        ];
        let svg = list.to_svg();
        let lines: Vec<&str> = svg.lines().collect();
        assert_eq!(
            lines,
            [
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20" viewBox="0 0 30 20">"##,
                r##"<rect x="0" y="0" width="30" height="20" fill="#220AFF" fill-opacity="0.25"/>"##,
                r##"<rect x="2" y="1" width="3" height="5" fill="none" stroke="#220AFF" stroke-width="2"/>"##,
                r##"<line x1="1" y1="2" x2="3" y2="4" fill="none" stroke="#220AFF" stroke-width="1"/>"##,
                r##"<polyline fill="none" stroke="#220AFF" stroke-width="3" points="1,2 3,-4 5,6"/>"##,
                r##"<polygon fill="#220AFF" points="0,0 1,0 0,1"/>"##,
                r##"<circle cx="7" cy="8" r="2" fill="#220AFF"/>"##,
                r##"<circle cx="7" cy="8" r="3" fill="none" stroke="#220AFF" stroke-width="1"/>"##,
                r##"<text x="10" y="11" font-family="sans-serif" font-size="15" font-style="italic" fill="#220AFF" text-anchor="middle" dominant-baseline="central" transform="rotate(270 10 11)">I(X;T) &lt; 2 &amp; &quot;q&quot;</text>"##,
                "</svg>",
            ]
        );
    }
}
