//! Every figure recorded and written as SVG (checked for its elements) and
//! the plane replayed onto an in-memory raster (checked for ink), from
//! hand-built records; and recording + replay against plotters drawing
//! directly.

mod common;

use common::{rasterise, replay, run_record, seed_record, svg, Raster, RasterBackend};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::{Aggregate, GradSeries, RunRecord, SeedRecord};
use infoplane_figures::*;
use plotters::prelude::*;

const TOTAL: usize = 8000;

fn plane_opts() -> PlaneOptions {
    PlaneOptions {
        total_epochs: TOTAL,
        max_ixt: 12.0,
        label_entropy: 0.9993,
        title: "IP seed 0".into(),
        ..Default::default()
    }
}

/// Checks shared by every SVG: no NaN leaked into coordinates or text, and
/// every font at least `min_font` px (12 at 1×, legible).
fn common_checks(s: &str, min_font: f64) {
    assert!(
        !s.contains("NaN") && !s.contains("inf"),
        "NaN or inf in SVG"
    );
    let sizes: Vec<f64> = s
        .split("font-size=\"")
        .skip(1)
        .map(|r| r[..r.find('"').unwrap()].parse().unwrap())
        .collect();
    assert!(!sizes.is_empty());
    assert!(sizes.iter().all(|f| *f >= min_font), "font sizes {sizes:?}");
}

/// The point counts of the `<polyline>`s stroked with `colour`.
fn polylines_with(s: &str, colour: RGBColor) -> Vec<usize> {
    let hex = format!(
        "stroke=\"#{:02X}{:02X}{:02X}\"",
        colour.0, colour.1, colour.2
    );
    s.split("<polyline")
        .skip(1)
        .map(|p| &p[..p.find("/>").unwrap()])
        .filter(|p| p.contains(&hex))
        .map(|p| {
            let pts = &p[p.find("points=\"").unwrap() + 8..];
            pts[..pts.find('"').unwrap()].split_whitespace().count()
        })
        .collect()
}

/// Count of `<polyline>`s stroked with `colour`.
fn polylines_in(s: &str, colour: RGBColor) -> usize {
    polylines_with(s, colour).len()
}

fn texts(s: &str) -> Vec<String> {
    s.split("<text")
        .skip(1)
        .map(|t| {
            t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn plane_polylines_svg() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let (s, hits) = svg(800, 640, |a| draw_plane(a, &view, &plane_opts()));
    let hits = hits.unwrap();
    common_checks(&s, 12.0);
    let t = texts(&s);
    for want in [
        "I(X;T) (bits)",
        "I(T;Y) (bits)",
        "IP seed 0",
        "L1",
        "L6",
        "12",
        "1.0",
    ] {
        assert!(
            t.iter().any(|x| x == want),
            "missing text {want:?} in {t:?}"
        );
    }
    // One polyline per logged epoch (each through 6 layers), one hit per point.
    let epochs = rec.epochs.len();
    assert_eq!(hits.len(), epochs * 6);
    assert_eq!(
        s.matches("<circle").count(),
        epochs * 6 + 6,
        "a marker per point plus a ring per layer"
    );
    let last = EpochColours::new(EpochScale::Linear, TOTAL).colour(*rec.epochs.last().unwrap());
    assert_eq!(polylines_in(&s, last), 1);
    assert!(hits
        .iter()
        .all(|h| (0..800).contains(&h.x) && (0..640).contains(&h.y)));
    let h = &hits[2 * 6 + 2];
    assert!(
        h.text.starts_with(&format!(
            "seed 0 · layer 3 · epoch {} · I(X;T) ",
            rec.epochs[2] + 1
        )),
        "{}",
        h.text
    );
    assert!(h.text.ends_with(" bits") && h.text.contains(" bits · I(T;Y) "));
    assert_eq!(
        nearest(&hits, h.x + 1, h.y, 3).map(|p| (p.x, p.y)),
        Some((h.x, h.y))
    );
}

#[test]
fn plane_trajectories_one_line_per_layer() {
    let rec = seed_record(1, TOTAL, 50, usize::MAX);
    let o = PlaneOptions {
        style: PlaneStyle::Trajectories,
        colour_scale: EpochScale::Log,
        ..plane_opts()
    };
    let (s, hits) = svg(800, 640, |a| draw_plane(a, &RecordView::seed(&rec), &o));
    assert_eq!(hits.unwrap().len(), rec.epochs.len() * 6);
    // Trajectories are the grey (#777777) polylines, one per layer; the
    // dotted ceilings are drawn in the same grey but as short dashes.
    let grey = polylines_with(&s, RGBColor(0x77, 0x77, 0x77));
    assert_eq!(grey.iter().filter(|n| **n == rec.epochs.len()).count(), 6);
    common_checks(&s, 12.0);
}

#[test]
fn plane_raster_is_not_blank() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let mut r = Raster::new(640, 480);
    let hits = rasterise(&mut r, |a| {
        draw_plane(a, &RecordView::seed(&rec), &plane_opts())
    })
    .unwrap();
    assert_eq!(hits.len(), rec.epochs.len() * 6);
    let (inked, coloured) = (r.inked(), r.coloured());
    assert!(inked > 640 * 480 / 20, "only {inked} inked pixels");
    assert!(coloured > 2000, "only {coloured} coloured pixels");
    // The hit points sit on drawn (non-white) pixels.
    for h in hits.iter().step_by(17) {
        assert_ne!(
            r.px[(h.y as u32 * r.w + h.x as u32) as usize],
            [255; 3],
            "blank under {h:?}"
        );
    }
}

#[test]
fn nan_values_are_skipped_not_drawn() {
    let mut rec = seed_record(0, TOTAL, 50, 20);
    rec.ixt[3][2] = f64::NAN;
    rec.ity[5][0] = f64::NAN;
    rec.ixt[7] = vec![f64::NAN; 6];
    rec.ity[8][4] = f64::INFINITY;
    for v in rec.loss_test.iter_mut().chain(rec.acc_test.iter_mut()) {
        *v = f64::NAN;
    }
    rec.grad_stats.get_mut("idnns").unwrap().mean[4] = vec![f64::NAN; 6];
    let view = RecordView::seed(&rec);
    let (s, hits) = svg(800, 600, |a| draw_plane(a, &view, &plane_opts()));
    assert_eq!(hits.unwrap().len(), 20 * 6 - 1 - 1 - 6 - 1);
    common_checks(&s, 12.0);
    let (s, hits) = svg(900, 500, |a| {
        draw_loss_accuracy(a, &view, &CurveOptions::default())
    });
    assert_eq!(hits.unwrap().len(), 2 * 20, "train points only");
    common_checks(&s, 12.0);
    let (s, hits) = svg(900, 500, |a| {
        draw_gradients(
            a,
            &view,
            &GradOptions {
                total_epochs: TOTAL,
                ..Default::default()
            },
        )
    });
    assert_eq!(hits.unwrap().len(), 2 * 6 * 20 - 6);
    common_checks(&s, 12.0);
}

/// A figure drawn onto a recording.
type Figure<'a> = dyn Fn(&Area) -> Result<Vec<HitPoint>, String> + 'a;

#[test]
fn partial_and_empty_records() {
    let empty = SeedRecord::new(4);
    let view = RecordView::seed(&empty);
    let figures: [(&str, Box<Figure>); 6] = [
        ("plane", Box::new(|a| draw_plane(a, &view, &plane_opts()))),
        (
            "gradients",
            Box::new(|a| draw_gradients(a, &view, &GradOptions::default())),
        ),
        (
            "snr",
            Box::new(|a| draw_snr(a, &view, &GradOptions::default())),
        ),
        (
            "loss",
            Box::new(|a| draw_loss(a, &view, &CurveOptions::default())),
        ),
        (
            "accuracy",
            Box::new(|a| draw_accuracy(a, &view, &CurveOptions::default())),
        ),
        (
            "norms",
            Box::new(|a| draw_weight_norms(a, &view, &CurveOptions::default())),
        ),
    ];
    for (name, f) in &figures {
        let (s, hits) = svg(700, 500, f);
        assert!(hits.unwrap().is_empty(), "{name}");
        assert!(s.contains(WAITING), "{name} has no waiting note");
        common_checks(&s, 12.0);
    }
    // A single logged epoch: drawn as dots, no waiting note.
    let one = seed_record(2, TOTAL, 50, 1);
    let (s, hits) = svg(700, 500, |a| {
        draw_weight_norms(a, &RecordView::seed(&one), &CurveOptions::default())
    });
    assert_eq!(hits.unwrap().len(), 6);
    assert!(!s.contains(WAITING) && s.matches("<circle").count() == 6);
}

#[test]
fn gradient_labels_original_and_true() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let draw = |original| {
        let o = GradOptions {
            original_labels: original,
            total_epochs: TOTAL,
            title: "Fig 4".into(),
            ..Default::default()
        };
        let (s, hits) = svg(900, 560, |a| draw_gradients(a, &view, &o));
        (s, hits.unwrap())
    };
    let (orig, hits) = draw(true);
    let t = texts(&orig);
    for want in [
        "10^-4",
        "10^-3",
        "10^-2",
        "10^-1",
        "10^0",
        "1",
        "10",
        "100",
        "1000",
        "epoch",
        "gradient statistic",
        "mean",
        "std",
        "L1",
        "L6",
        "Fig 4",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    assert!(!t.iter().any(|x| x == "10^1"), "IDNNs' labels stop at 10^0");
    assert_eq!(hits.len(), 2 * 6 * rec.epochs.len());
    // One solid path per layer (the mean), the std dashed in pieces.
    for l in 0..6 {
        let n = polylines_in(&orig, layer_colour(l));
        assert!(n > 6, "layer {l}: {n} polylines");
    }
    let long = |s: &str, l: usize| {
        polylines_with(s, layer_colour(l))
            .iter()
            .filter(|n| **n == rec.epochs.len())
            .count()
    };
    assert!((0..6).all(|l| long(&orig, l) == 1));
    common_checks(&orig, 12.0);
    let (truth, _) = draw(false);
    let t = texts(&truth);
    assert!(!t.iter().any(|x| x == "10^-4"));
    assert!(t.iter().any(|x| x == "10^-1") && t.iter().any(|x| x == "10^0"));
    // The same data sits 10x higher against the labels: the top label is 10^1.
    assert!(t.iter().any(|x| x == "10^1"));
}

/// The three curves of `def`, written out from the definitions with the
/// moments m_l, s_l and norms w_l of each epoch: IDNNs' cumulative mean
/// Σ_{l≤L} m_l, std √(Σ_{l≤L} s_l), SNR (Σ m)² / Σ s; per-layer m_l, √s_l,
/// m_l² / s_l; normalised = IDNNs on m_l / w_l and s_l / w_l; Saxe's m_l,
/// s_l, m_l / s_l.
fn by_definition(def: GradDefinition, s: &SeedRecord) -> GradSeries {
    let mut out = GradSeries::default();
    for k in 0..s.epochs.len() {
        let (m, v, w) = (&s.grad_m[k], &s.grad_s[k], &s.wnorm[k]);
        let layers = m.len();
        let cum = |xs: &[f64], upto: usize| xs[..=upto].iter().sum::<f64>();
        let (mean, std, snr): (Vec<f64>, Vec<f64>, Vec<f64>) = match def {
            GradDefinition::Idnns | GradDefinition::Normalised => {
                let scale = |x: &[f64]| -> Vec<f64> {
                    (0..layers)
                        .map(|l| {
                            if def == GradDefinition::Normalised {
                                x[l] / w[l]
                            } else {
                                x[l]
                            }
                        })
                        .collect()
                };
                let (m, v) = (scale(m), scale(v));
                (
                    (0..layers).map(|l| cum(&m, l)).collect(),
                    (0..layers).map(|l| cum(&v, l).sqrt()).collect(),
                    (0..layers)
                        .map(|l| cum(&m, l).powi(2) / cum(&v, l))
                        .collect(),
                )
            }
            GradDefinition::PerLayer => (
                m.clone(),
                v.iter().map(|x| x.sqrt()).collect(),
                (0..layers).map(|l| m[l] * m[l] / v[l]).collect(),
            ),
            GradDefinition::Saxe => (
                m.clone(),
                v.clone(),
                (0..layers).map(|l| m[l] / v[l]).collect(),
            ),
        };
        out.mean.push(mean);
        out.std.push(std);
        out.snr.push(snr);
    }
    out
}

/// Every value of `got` within a relative 1e-12 of `want`.
fn assert_series_close(got: &GradSeries, want: &GradSeries, def: GradDefinition) {
    for (name, g, w) in [
        ("mean", &got.mean, &want.mean),
        ("std", &got.std, &want.std),
        ("snr", &got.snr, &want.snr),
    ] {
        assert_eq!(g.len(), w.len(), "{def:?} {name}");
        for (k, (gr, wr)) in g.iter().zip(w).enumerate() {
            assert_eq!(gr.len(), wr.len(), "{def:?} {name}[{k}]");
            for (a, b) in gr.iter().zip(wr) {
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs(),
                    "{def:?} {name}[{k}]: {a} vs {b}"
                );
            }
        }
    }
}

#[test]
fn gradient_definitions_and_mean_views() {
    let run = run_record(2, TOTAL);
    let seed = RecordView::seed(&run.seeds[0]);
    for &def in GradDefinition::ALL {
        // The curves as FACTS.md §4 and §6 define them, from the moments.
        let want = by_definition(def, &run.seeds[0]);
        let stored = grad_series(&seed, def);
        assert_series_close(&stored, &want, def);
        // Without stored curves they are computed from the moments.
        let bare = RecordView {
            grad_stats: None,
            ..seed.clone()
        };
        assert_series_close(&grad_series(&bare, def), &want, def);
        let o = GradOptions {
            definition: def,
            total_epochs: TOTAL,
            ..Default::default()
        };
        let (s, hits) = svg(800, 500, |a| draw_snr(a, &seed, &o));
        assert_eq!(hits.unwrap().len(), 6 * seed.epochs.len(), "{def:?}");
        assert!(texts(&s).iter().any(|x| x == "SNR"));
    }
    // Stored curves are used as stored, not recomputed.
    let mut marked = run.seeds[0].clone();
    marked.grad_stats.get_mut("idnns").unwrap().mean[3][2] = 123.0;
    let view = RecordView::seed(&marked);
    assert_eq!(grad_series(&view, GradDefinition::Idnns).mean[3][2], 123.0);
    // The mean over seeds has no stored curves: they are computed.
    let mean = RecordView::mean(&run.mean);
    assert_eq!(mean.name, "mean of 2 seeds");
    let (_, hits) = svg(800, 500, |a| {
        draw_gradients(a, &mean, &GradOptions::default())
    });
    let hits = hits.unwrap();
    assert_eq!(hits.len(), 2 * 6 * mean.epochs.len());
    assert!(
        hits[0]
            .text
            .starts_with("mean of 2 seeds · layer 1 · epoch 1 · mean "),
        "{}",
        hits[0].text
    );
}

#[test]
fn grid_of_seeds_with_mean_and_colour_bar() {
    let run = run_record(3, TOTAL);
    let (s, hits) = svg(1400, 860, |a| {
        draw_run_planes(
            a,
            &run,
            &GridOptions {
                title: "Run".into(),
                ..Default::default()
            },
        )
    });
    let hits = hits.unwrap();
    let t = texts(&s);
    for want in [
        "seed 0",
        "seed 1",
        "seed 2",
        "mean of 3 seeds",
        "epoch",
        "Run",
        "8000",
        "1",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?}");
    }
    assert_eq!(t.iter().filter(|x| *x == "I(X;T) (bits)").count(), 4);
    let points = hits.iter().filter(|h| h.text.contains("I(X;T)")).count();
    assert_eq!(points, 4 * 6 * run.seeds[0].epochs.len());
    assert!(
        hits.iter().any(|h| h.text == "epoch 8000"),
        "colour bar hits"
    );
    common_checks(&s, 12.0);
    // One seed: no mean panel.
    let one = RunRecord {
        seeds: vec![run.seeds[0].clone()],
        mean: Aggregate::of(&run.seeds[..1]),
        ..run.clone()
    };
    let (s, _) = svg(900, 600, |a| {
        draw_run_planes(a, &one, &GridOptions::default())
    });
    assert!(!s.contains("mean of"));
    // No seed at all: one empty plane, waiting.
    let none = RunRecord {
        seeds: vec![],
        mean: Aggregate::default(),
        ..run
    };
    let (s, hits) = svg(900, 600, |a| {
        draw_run_planes(a, &none, &GridOptions::default())
    });
    assert!(s.contains(WAITING));
    assert!(hits.unwrap().iter().all(|h| h.text.starts_with("epoch ")));
}

#[test]
fn grid_shapes_follow_the_area() {
    assert_eq!(grid_shape(1, 800, 600), (1, 1));
    assert_eq!(grid_shape(4, 1400, 860), (2, 2));
    assert_eq!(grid_shape(4, 2400, 500), (4, 1));
    assert_eq!(grid_shape(4, 500, 2000), (1, 4));
    assert_eq!(grid_shape(6, 1500, 800), (3, 2));
    assert_eq!(grid_shape(0, 10, 10), (1, 1));
}

#[test]
fn loss_accuracy_and_weight_norms() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let (s, hits) = svg(1000, 420, |a| {
        draw_loss_accuracy(
            a,
            &view,
            &CurveOptions {
                total_epochs: TOTAL,
                title: "Losses".into(),
                scale: 1.0,
            },
        )
    });
    let t = texts(&s);
    for want in [
        "loss (nats)",
        "accuracy",
        "train",
        "test",
        "epoch",
        "Losses",
        "loss",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?}");
    }
    let hits = hits.unwrap();
    assert_eq!(hits.len(), 4 * rec.epochs.len());
    assert!(hits
        .iter()
        .any(|h| h.text.starts_with("seed 0 · epoch 1 · test loss ")));
    common_checks(&s, 12.0);
    let (s, hits) = svg(800, 500, |a| {
        draw_weight_norms(a, &view, &CurveOptions::default())
    });
    assert_eq!(hits.unwrap().len(), 6 * rec.epochs.len());
    assert!(texts(&s).iter().any(|x| x == "‖W‖ (Frobenius)"));
    assert!(
        (0..6).all(|l| polylines_in(&s, layer_colour(l)) >= 2),
        "a line per layer plus its legend sample"
    );
}

#[test]
fn hidpi_scales_text_and_hits() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let (s1, h1) = svg(800, 640, |a| draw_plane(a, &view, &plane_opts()));
    let (s2, h2) = svg(1600, 1280, |a| {
        draw_plane(
            a,
            &view,
            &PlaneOptions {
                scale: 2.0,
                ..plane_opts()
            },
        )
    });
    common_checks(&s2, 24.0);
    let (h1, h2) = (h1.unwrap(), h2.unwrap());
    assert_eq!(h1.len(), h2.len());
    // Same layout at twice the pixels, give or take rounding.
    for (a, b) in h1.iter().zip(&h2).step_by(13) {
        assert!(
            (b.x - 2 * a.x).abs() <= 4 && (b.y - 2 * a.y).abs() <= 4,
            "{a:?} vs {b:?}"
        );
    }
    assert!(s2.len() > s1.len() / 2);
}

#[test]
fn tiny_areas_and_odd_options_do_not_panic() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let (_, hits) = svg(60, 40, |a| draw_plane(a, &view, &plane_opts()));
    assert!(hits.unwrap().is_empty());
    let (_, hits) = svg(60, 40, |a| {
        draw_run_planes(a, &run_record(2, TOTAL), &GridOptions::default())
    });
    hits.unwrap();
    let odd = PlaneOptions {
        max_ixt: f64::NAN,
        label_entropy: -1.0,
        total_epochs: 0,
        scale: f64::INFINITY,
        ..Default::default()
    };
    let (s, hits) = svg(800, 600, |a| draw_plane(a, &view, &odd));
    assert!(!hits.unwrap().is_empty());
    common_checks(&s, 12.0);
    let (_, hits) = svg(40, 30, |a| draw_colour_bar(a, &ColourBarOptions::default()));
    assert!(hits.unwrap().is_empty());
    let (_, hits) = svg(300, 200, |a| {
        draw_loss_accuracy(a, &view, &CurveOptions::default())
    });
    hits.unwrap();
    // Ragged rows (a record being written) read missing values as NaN.
    let mut ragged = rec.clone();
    ragged.ity.truncate(10);
    ragged.ixt[4].truncate(3);
    ragged.grad_m[2] = vec![1.0];
    ragged.wnorm.truncate(4);
    ragged.grad_stats.clear();
    let view = RecordView::seed(&ragged);
    let (s, hits) = svg(800, 600, |a| draw_plane(a, &view, &plane_opts()));
    assert_eq!(hits.unwrap().len(), 10 * 6 - 3);
    common_checks(&s, 12.0);
    for &def in GradDefinition::ALL {
        let (_, hits) = svg(800, 600, |a| {
            draw_gradients(
                a,
                &view,
                &GradOptions {
                    definition: def,
                    ..Default::default()
                },
            )
        });
        hits.unwrap();
    }
}

#[test]
fn recording_then_replaying_draws_what_plotters_draws() {
    // The elements the figures use, drawn by plotters straight onto one
    // raster, and recorded then replayed onto another: the same pixels.
    fn scene<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>) {
        let inner = area.margin(7, 3, 11, 5);
        let ok = |r: Result<(), _>| assert!(r.is_ok());
        ok(inner.draw(&PathElement::new(
            vec![(0, 0), (50, 30), (90, 10)],
            RED.stroke_width(2),
        )));
        ok(inner.draw(&plotters::element::DashedPathElement::new(
            vec![(5, 60), (120, 70)],
            6,
            4,
            BLUE.stroke_width(1),
        )));
        ok(inner.draw(&Circle::new((60, 40), 5, GREEN.filled())));
        ok(inner.draw(&Circle::new((80, 40), 7, BLACK.stroke_width(1))));
        ok(inner.draw(&Rectangle::new(
            [(10, 80), (40, 95)],
            MAGENTA.mix(0.5).filled(),
        )));
        ok(inner.draw(&Rectangle::new([(50, 80), (70, 95)], CYAN.stroke_width(1))));
        ok(inner.draw(&Polygon::new(
            vec![(100, 80), (130, 90), (110, 100)],
            YELLOW.filled(),
        )));
        // (No single pixels: a pixel is recorded as a 1 × 1 rectangle, as
        // canvas and SVG fill it, while plotters' rasteriser would fill
        // its far corner too.)
    }
    let mut direct = Raster::new(160, 120);
    {
        let root = RasterBackend(&mut direct).into_drawing_area();
        root.fill(&WHITE).unwrap();
        scene(&root);
    }
    let mut replayed = Raster::new(160, 120);
    // A closure: `scene` itself is generic over one recorder lifetime.
    #[allow(clippy::redundant_closure)]
    let (list, ()) = infoplane_figures::record(160, 120, &estimate_text, |a| scene(a));
    replay(&list, &mut RasterBackend(&mut replayed));
    assert!(direct.inked() > 400, "{} inked", direct.inked());
    let differ = direct
        .px
        .iter()
        .zip(&replayed.px)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differ, 0, "pixels differ");
    // The white fill, then one op per element and one per dash: the dashed
    // line is hypot(115, 10) = 115.4 px long, 11 periods of 6 px dash and
    // 4 px gap and a 12th dash of 5.4 px.
    assert!(matches!(list.ops[0], Op::Rect { fill: true, .. }));
    assert_eq!(list.ops.len(), 1 + 6 + 12);
}
