//! Shared by the tests and the samples example: synthetic run records, a
//! minimal in-memory raster backend (plotters' bitmap backend needs fonts
//! to draw text; this one draws text as its outline box), and a replay of
//! display lists onto any plotters backend.
#![allow(dead_code)]

use infoplane_core::record::{
    Aggregate, EpochRecord, RunRecord, SeedRecord, Status, FORMAT, VERSION,
};
use infoplane_figures::{estimate_text, record, Area, Colour, DisplayList, Font, Op};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontTransform,
};

/// IDNNs' logging rule: unique(int(logspace(0, log10(total), n))) - 1.
pub fn logged_epochs(total: usize, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n)
        .map(|i| 10f64.powf((total as f64).log10() * i as f64 / (n - 1) as f64) as usize - 1)
        .collect();
    v.dedup();
    v
}

fn smoothstep(a: f64, b: f64, x: f64) -> f64 {
    let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Deterministic jitter in [-1, 1].
fn jitter(seed: u64, a: usize, b: usize) -> f64 {
    let mut h = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ (a as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9)
        ^ (b as u64).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^= h >> 29;
    (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// One plausible logged epoch of a 6-layer tanh net: I(X;T) rises, then
/// falls (compression) in the later layers; I(T;Y) rises to near H(Y);
/// gradient means fall while their spread holds.
pub fn epoch_record(seed: u64, e: usize, total: usize) -> EpochRecord {
    let t = ((e + 1) as f64).ln() / (total as f64).ln();
    let base = [11.6, 10.8, 9.2, 7.0, 4.6, 2.2];
    let drop = [0.2, 0.9, 1.8, 2.4, 2.0, 1.2];
    let j = |l: usize, k: usize| 0.04 * jitter(seed, l, e * 7 + k);
    let ixt = (0..6)
        .map(|l| {
            (base[l] + 0.5 * (1.0 - (-t / 0.15).exp()) - drop[l] * smoothstep(0.45, 1.0, t)
                + 4.0 * j(l, 0))
            .min(12.0)
        })
        .collect();
    let ity = (0..6)
        .map(|l| {
            ((0.99 - 0.02 * l as f64) * (0.45 + 0.55 * smoothstep(0.0, 0.55, t)) + 0.3 * j(l, 1))
                .min(0.999)
        })
        .collect();
    let grad_m = (0..6)
        .map(|l| 0.6 / (1.0 + l as f64).sqrt() * (-4.0 * t).exp() + 0.002 * (1.0 + j(l, 2)))
        .collect();
    let grad_s = (0..6)
        .map(|l| 0.05 * (0.3 + t) / (1.0 + l as f64) * (1.0 + 5.0 * j(l, 3)))
        .collect();
    let wnorm = (0..6)
        .map(|l| 2.0 + 0.4 * l as f64 + 3.0 * t + j(l, 4))
        .collect();
    let loss_train = 0.69 * (-5.0 * t).exp() + 0.01;
    let acc_train = 1.0 - 0.5 * (-5.0 * t).exp();
    EpochRecord {
        epoch: e,
        ixt,
        ity,
        grad_m,
        grad_s,
        wnorm,
        loss_train,
        loss_test: loss_train * 1.4 + 0.02,
        acc_train,
        acc_test: acc_train - 0.04,
    }
}

/// A seed's record over the first `upto` of `n` logged epochs of `total`.
pub fn seed_record(seed: u64, total: usize, n: usize, upto: usize) -> SeedRecord {
    let mut s = SeedRecord::new(seed);
    for e in logged_epochs(total, n).into_iter().take(upto) {
        s.push(&epoch_record(seed, e, total));
    }
    s.status = Status::Done;
    s
}

/// A run record of `seeds` seeds with 50 logged epochs of `total`.
pub fn run_record(seeds: u64, total: usize) -> RunRecord {
    let seeds: Vec<SeedRecord> = (0..seeds)
        .map(|s| seed_record(s, total, 50, usize::MAX))
        .collect();
    let mut params = serde_json::Map::new();
    params.insert("epochs".to_string(), serde_json::json!(total));
    RunRecord {
        format: FORMAT.to_string(),
        version: VERSION,
        engine: None,
        query: "preset=test".to_string(),
        preset: None,
        params,
        dataset: dataset_info(),
        layers: vec![10, 7, 5, 4, 3, 2],
        mi_rows: 4096,
        label_entropy: 0.9993,
        max_ixt: 12.0,
        epochs: total,
        mean: Aggregate::of(&seeds),
        seeds,
    }
}

fn dataset_info() -> infoplane_core::data::DatasetInfo {
    serde_json::from_value(
        serde_json::json!({"name": "var_u", "rows": 4096, "features": 12, "classes": 2}),
    )
    .expect("DatasetInfo fields changed: update tests/common")
}

/// An RGB image in memory.
pub struct Raster {
    pub w: u32,
    pub h: u32,
    pub px: Vec<[u8; 3]>,
}

impl Raster {
    pub fn new(w: u32, h: u32) -> Self {
        Raster {
            w,
            h,
            px: vec![[255; 3]; (w * h) as usize],
        }
    }

    /// Pixels that are not white.
    pub fn inked(&self) -> usize {
        self.px.iter().filter(|p| **p != [255; 3]).count()
    }

    /// Saturated pixels (data colours, not grey text or grid).
    pub fn coloured(&self) -> usize {
        self.px
            .iter()
            .filter(|p| p.iter().max().unwrap() - p.iter().min().unwrap() > 40)
            .count()
    }
}

/// A plotters backend drawing into a [`Raster`]; lines, circles and
/// polygons come from plotters-backend's default rasteriser.
pub struct RasterBackend<'a>(pub &'a mut Raster);

impl DrawingBackend for RasterBackend<'_> {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        (self.0.w, self.0.h)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if x < 0 || y < 0 || x >= self.0.w as i32 || y >= self.0.h as i32 || c.alpha <= 0.0 {
            return Ok(());
        }
        let p = &mut self.0.px[(y as u32 * self.0.w + x as u32) as usize];
        let a = c.alpha.min(1.0);
        let src = [c.rgb.0, c.rgb.1, c.rgb.2];
        for i in 0..3 {
            p[i] = (f64::from(p[i]) * (1.0 - a) + f64::from(src[i]) * a).round() as u8;
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        // No fonts: outline where the text would be, in grey.
        let (w, h) = self.estimate_text_size(text, style)?;
        let grey = BackendColor {
            alpha: 1.0,
            rgb: (150, 150, 150),
        };
        self.draw_rect(pos, (pos.0 + w as i32, pos.1 + h as i32), &grey, false)
    }
}

/// Records `f` on a fresh white `w` × `h` picture (text estimated) and
/// returns it as SVG, with what `f` returned.
pub fn svg<T>(w: u32, h: u32, f: impl FnOnce(&Area) -> T) -> (String, T) {
    let (list, out) = record(w, h, &estimate_text, f);
    (list.to_svg(), out)
}

/// Records `f` on a white picture of the raster's size (text estimated)
/// and replays it onto the raster.
pub fn rasterise<T>(r: &mut Raster, f: impl FnOnce(&Area) -> T) -> T {
    let (list, out) = record(r.w, r.h, &estimate_text, f);
    replay(&list, &mut RasterBackend(r));
    out
}

fn backend_colour(c: Colour) -> BackendColor {
    BackendColor {
        alpha: c.a,
        rgb: (c.r, c.g, c.b),
    }
}

/// A stroke or fill for replay.
struct Paint(Colour, u32);

impl BackendStyle for Paint {
    fn color(&self) -> BackendColor {
        backend_colour(self.0)
    }
    fn stroke_width(&self) -> u32 {
        self.1
    }
}

/// A recorded text's style for replay, measured by [`estimate_text`].
struct TextOf<'a>(&'a Font, Colour, u16);

impl BackendTextStyle for TextOf<'_> {
    type FontError = std::fmt::Error;
    fn color(&self) -> BackendColor {
        backend_colour(self.1)
    }
    fn size(&self) -> f64 {
        self.0.size
    }
    fn transform(&self) -> FontTransform {
        match self.2 {
            90 => FontTransform::Rotate90,
            180 => FontTransform::Rotate180,
            270 => FontTransform::Rotate270,
            _ => FontTransform::None,
        }
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(&self.0.family)
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        let (w, h) = estimate_text(text, self.0);
        Ok(((0, 0), (w as i32, h as i32)))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _: &str,
        _: BackendCoord,
        _: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        // No glyphs: the raster backend draws text as its box.
        Ok(Ok(()))
    }
}

/// Draws a display list onto a plotters backend, operation by operation.
pub fn replay<DB: DrawingBackend>(list: &DisplayList, b: &mut DB) {
    for op in &list.ops {
        let done = match op {
            Op::Line {
                from,
                to,
                colour,
                width,
            } => b.draw_line(*from, *to, &Paint(*colour, *width)),
            Op::Rect {
                a,
                b: c,
                colour,
                fill,
                width,
            } => b.draw_rect(*a, *c, &Paint(*colour, *width), *fill),
            Op::Path {
                points,
                colour,
                width,
            } => b.draw_path(points.iter().copied(), &Paint(*colour, *width)),
            Op::Polygon { points, colour } => {
                b.fill_polygon(points.iter().copied(), &Paint(*colour, 1))
            }
            Op::Circle {
                centre,
                radius,
                colour,
                fill,
                width,
            } => b.draw_circle(*centre, *radius, &Paint(*colour, *width), *fill),
            Op::Text {
                text,
                pos,
                font,
                colour,
                rotation,
                ..
            } => b.draw_text(text, &TextOf(font, *colour, *rotation), *pos),
        };
        assert!(done.is_ok(), "replay failed");
    }
}

impl Raster {
    /// The image as an uncompressed PNG (stored deflate blocks), to look at.
    pub fn png(&self) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut c = 0xffff_ffffu32;
            for &b in data {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xedb8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        }
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend((data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend(data);
            out.extend(&body);
            out.extend(crc32(&body).to_be_bytes());
        }
        let mut raw = Vec::new();
        for row in self.px.chunks(self.w as usize) {
            raw.push(0);
            raw.extend(row.iter().flatten());
        }
        let mut z = vec![0x78, 0x01];
        for (i, block) in raw.chunks(65535).enumerate() {
            let last = (i + 1) * 65535 >= raw.len();
            z.push(u8::from(last));
            z.extend((block.len() as u16).to_le_bytes());
            z.extend((!(block.len() as u16)).to_le_bytes());
            z.extend(block);
        }
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &raw {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        z.extend(((b << 16) | a).to_be_bytes());
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend(self.w.to_be_bytes());
        ihdr.extend(self.h.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &z);
        chunk(&mut out, b"IEND", &[]);
        out
    }
}
