//! Figures drawn natively: text measured and drawn with the one font the
//! repository ships (assets/fonts, DejaVu Sans), and the figures' SVG
//! rasterised with resvg. No system font is read, so a PNG is the same on
//! every machine.

use crate::CliError;
use infoplane_figures::Font;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// DejaVu Sans (assets/fonts/LICENSE-DejaVu.txt).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// Its family name, which the figures' "sans-serif" resolves to.
const FAMILY: &str = "DejaVu Sans";

fn face() -> &'static ttf_parser::Face<'static> {
    static FACE: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT, 0).expect("the shipped font parses"))
}

/// A line of `text` in `font`, as the figures measure text ([`Measure`](
/// infoplane_figures::Measure)): its width from the font's advances (no
/// kerning; characters the font lacks count 0.55 em, as
/// [`infoplane_figures::estimate_text`]), its height 1.4 em (the app's line
/// height).
pub fn measure(text: &str, font: &Font) -> (u32, u32) {
    let face = face();
    let em = font.size.max(0.0);
    let per_unit = em / f64::from(face.units_per_em());
    let width: f64 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0.55 * em, |a| f64::from(a) * per_unit)
        })
        .sum();
    (width.round() as u32, (1.4 * em).round() as u32)
}

/// Parses the figures' SVG with the shipped font as every family.
fn tree(svg: &str) -> Result<usvg::Tree, CliError> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    db.set_sans_serif_family(FAMILY);
    let opt = usvg::Options {
        font_family: FAMILY.into(),
        fontdb: Arc::new(db),
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &opt)
        .map_err(|e| CliError(format!("cannot read the figure's SVG (a bug): {e}")))
}

/// `svg` (the figures' [`to_svg`](infoplane_figures::DisplayList::to_svg)
/// of a `width` × `height` picture) as a PNG of that size. Refuses to
/// write what would be a blank picture: fewer than `min_colours`
/// distinct colours.
pub fn png(svg: &str, width: u32, height: u32, min_colours: usize) -> Result<Vec<u8>, CliError> {
    let tree = tree(svg)?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| CliError(format!("cannot make a {width} × {height} picture")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let mut colours: Vec<[u8; 4]> = pixmap
        .data()
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    if colours.len() < min_colours {
        return Err(CliError(format!(
            "the picture came out nearly blank ({} colours): not written",
            colours.len()
        )));
    }
    pixmap
        .encode_png()
        .map_err(|e| CliError(format!("cannot encode the PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(size: f64) -> Font {
        Font {
            family: "sans-serif".into(),
            style: "normal",
            size,
        }
    }

    #[test]
    fn text_is_measured_with_the_fonts_advances() {
        let face = face();
        // DejaVu Sans has 2048 units per em; "0" advances 1303 units
        // (0.636 em) and "i" 569 (0.278 em), as its hmtx table says.
        assert_eq!(face.units_per_em(), 2048);
        let adv = |c| {
            face.glyph_hor_advance(face.glyph_index(c).unwrap())
                .unwrap()
        };
        assert_eq!((adv('0'), adv('i')), (1303, 569));
        // 20 px: "0" 12.72 px, "i" 5.56 px; "00i" 31.0 px, 28 px high.
        assert_eq!(measure("00i", &font(20.0)), (31, 28));
        // A character the font lacks (a CJK one) counts 0.55 em.
        assert_eq!(measure("\u{4e00}", &font(20.0)), (11, 28));
        assert_eq!(measure("", &font(20.0)), (0, 28));
    }

    #[test]
    fn a_blank_picture_is_refused() {
        let blank = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\"><rect x=\"0\" y=\"0\" width=\"40\" height=\"30\" fill=\"#FFFFFF\"/></svg>";
        let e = png(blank, 40, 30, 8).expect_err("refused");
        assert!(e.0.contains("nearly blank (1 colours)"), "{}", e.0);
        // Text in the shipped font: white, ink and the edges' greys.
        let text = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\"><rect x=\"0\" y=\"0\" width=\"40\" height=\"30\" fill=\"#FFFFFF\"/><text x=\"2\" y=\"20\" font-family=\"sans-serif\" font-size=\"16\" fill=\"#222222\">Ag</text></svg>";
        assert!(png(text, 40, 30, 8).is_ok());
    }
}
