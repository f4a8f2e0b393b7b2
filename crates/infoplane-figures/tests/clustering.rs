//! The I(X;T)-and-clustering figure (Goldfeld et al.): its series, its log
//! epoch axis, records without clustering, and the mean over seeds.

mod common;

use common::{rasterise, seed_record, svg, Raster};
use infoplane_core::record::{ClusteringSeries, SeedRecord};
use infoplane_figures::*;

const TOTAL: usize = 8000;

/// `rec` with clustering at every logged epoch k and layer l: within-class
/// distance 1/(k+1), between-class l+1, so the ratio is 1/((k+1)(l+1));
/// cosines 0.5 and 0.
fn with_clustering(mut rec: SeedRecord) -> SeedRecord {
    let n = rec.epochs.len();
    let grid = |f: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<f64>> {
        (0..n).map(|k| (0..6).map(|l| f(k, l)).collect()).collect()
    };
    rec.clustering = Some(Box::new(ClusteringSeries {
        within_distance: grid(&|k, _| 1.0 / (k + 1) as f64),
        between_distance: grid(&|_, l| (l + 1) as f64),
        within_cosine: grid(&|_, _| 0.5),
        between_cosine: grid(&|_, _| 0.0),
    }));
    rec
}

fn opts() -> CurveOptions {
    CurveOptions {
        total_epochs: TOTAL,
        title: "IXT and clustering".into(),
        scale: 1.0,
    }
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

/// Count of `<polyline>`s stroked with `colour`.
fn polylines_in(s: &str, c: plotters::style::RGBColor) -> usize {
    let hex = format!("stroke=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
    s.split("<polyline")
        .skip(1)
        .filter(|p| p[..p.find("/>").unwrap()].contains(&hex))
        .count()
}

#[test]
fn two_panels_of_one_line_per_layer_with_a_legend() {
    let rec = with_clustering(seed_record(0, TOTAL, 50, usize::MAX));
    let n = rec.epochs.len();
    let view = RecordView::seed(&rec);
    let ratio = clustering_ratio(&[&rec]);
    let (s, hits) = svg(1000, 420, |a| {
        draw_clustering(a, &view, ratio.as_deref(), &opts())
    });
    let hits = hits.unwrap();
    // 6 layers × 2 panels, a point per logged epoch each.
    assert_eq!(hits.len(), 2 * 6 * n);
    let n_ixt = hits
        .iter()
        .filter(|h| h.text.contains(" · I(X;T) "))
        .count();
    let n_ratio = hits
        .iter()
        .filter(|h| h.text.contains(" · within/between "))
        .count();
    assert_eq!((n_ixt, n_ratio), (6 * n, 6 * n));
    for l in 0..6 {
        // The I(X;T) and ratio lines, each panel's legend sample.
        assert_eq!(polylines_in(&s, layer_colour(l)), 4, "layer {}", l + 1);
    }
    let t = texts(&s);
    for want in [
        "IXT and clustering",
        "I(X;T) (bits)",
        "within/between (smaller: tighter)",
        "L1",
        "L6",
    ] {
        assert!(t.iter().any(|x| x == want), "missing {want:?} in {t:?}");
    }
    assert_eq!(t.iter().filter(|x| *x == "epoch").count(), 2);
    // Layer 2 (l = 1) at logged epoch index 3: 1/((3+1)(1+1)) = 0.125.
    let want = format!(
        "seed 0 · layer 2 · epoch {} · within/between 0.125",
        rec.epochs[3] + 1
    );
    assert!(hits.iter().any(|h| h.text == want), "no hit {want:?}");
    assert!(!s.contains(NO_CLUSTERING) && !s.contains(WAITING));
    // Drawn in colour, not only frames and text.
    let mut r = Raster::new(1000, 420);
    rasterise(&mut r, |a| {
        draw_clustering(a, &view, ratio.as_deref(), &opts())
    })
    .unwrap();
    assert!(r.coloured() > 2000, "{} coloured pixels", r.coloured());
}

#[test]
fn the_epoch_axis_is_logarithmic() {
    let rec = with_clustering(seed_record(0, TOTAL, 50, usize::MAX));
    let view = RecordView::seed(&rec);
    let ratio = clustering_ratio(&[&rec]);
    let (s, hits) = svg(1000, 420, |a| {
        draw_clustering(a, &view, ratio.as_deref(), &opts())
    });
    let hits = hits.unwrap();
    // Decade ticks 1 … 1000 under both panels (8000 epochs: up to 10^3).
    let t = texts(&s);
    for tick in ["1", "10", "100", "1000"] {
        assert!(t.iter().filter(|x| *x == tick).count() >= 2, "tick {tick}");
    }
    // Layer 1's points in each panel: x is linear in log10(epoch).
    // Between the first and last logged epochs, epoch e sits at the
    // fraction (lg e − lg e0)/(lg e1 − lg e0) of the way (±2 px).
    let lg = |e: usize| (e as f64).log10();
    for what in ["I(X;T)", "within/between"] {
        let xs: Vec<(usize, i32)> = hits
            .iter()
            .filter(|h| h.text.starts_with("seed 0 · layer 1 · ") && h.text.contains(what))
            .zip(&rec.epochs)
            .map(|(h, e)| (e + 1, h.x))
            .collect();
        assert_eq!(xs.len(), rec.epochs.len());
        let ((e0, x0), (e1, x1)) = (xs[0], xs[xs.len() - 1]);
        assert!(x1 - x0 > 300, "{what}: {x0}..{x1}");
        for &(e, x) in &xs {
            let want = f64::from(x0) + (lg(e) - lg(e0)) / (lg(e1) - lg(e0)) * f64::from(x1 - x0);
            assert!(
                (f64::from(x) - want).abs() <= 2.0,
                "{what}, epoch {e}: x {x}, want {want}"
            );
        }
    }
}

#[test]
fn records_without_clustering_say_so_in_words() {
    let rec = seed_record(0, TOTAL, 50, usize::MAX);
    let view = RecordView::seed(&rec);
    let ratio = clustering_ratio(&[&rec]);
    assert!(ratio.is_none());
    let (s, hits) = svg(1000, 420, |a| {
        draw_clustering(a, &view, ratio.as_deref(), &opts())
    });
    assert!(hits.unwrap().is_empty());
    assert!(s.contains(NO_CLUSTERING), "{s}");
    assert!(NO_CLUSTERING.contains("clustering=on records it"));
    // No axes: no "epoch" label, no data lines.
    assert!(!texts(&s).iter().any(|x| x == "epoch"));
    assert_eq!(s.matches("<polyline").count(), 0);
    // A record that has logged nothing yet waits, on empty axes.
    let empty = SeedRecord::new(1);
    let (s, hits) = svg(1000, 420, |a| {
        draw_clustering(a, &RecordView::seed(&empty), None, &opts())
    });
    assert!(hits.unwrap().is_empty());
    assert_eq!(s.matches(WAITING).count(), 2, "one note per panel");
    assert!(!s.contains(NO_CLUSTERING));
    // Too small an area: nothing drawn, no panic.
    let (_, hits) = svg(100, 80, |a| {
        draw_clustering(a, &view, ratio.as_deref(), &opts())
    });
    hits.unwrap();
}

#[test]
fn ratio_and_mean_over_seeds_by_hand() {
    let a = with_clustering(seed_record(0, TOTAL, 50, 4));
    let mut b = with_clustering(seed_record(1, TOTAL, 50, 3));
    let c = b.clustering.as_mut().unwrap();
    for row in &mut c.within_distance {
        row.iter_mut().for_each(|v| *v *= 3.0);
    }
    // Seed a: within 1/(k+1), between l+1, ratio 1/((k+1)(l+1)); at
    // k = 2, l = 3: 1/12. Seed b: within 3/(k+1), ratio 3/12 = 1/4.
    let r = clustering_ratio(&[&a]).unwrap();
    assert_eq!(r.len(), 4);
    assert_eq!(r[2][3], 1.0 / 12.0);
    // Their mean over the 3 epochs both logged: (1/12 + 1/4)/2 = 1/6.
    let m = clustering_ratio(&[&a, &b]).unwrap();
    assert_eq!(m.len(), 3);
    assert!((m[2][3] - 1.0 / 6.0).abs() < 1e-15);
    // Seeds that logged nothing are left out; one without clustering
    // among those that did: no ratio.
    let idle = SeedRecord::new(2);
    assert_eq!(clustering_ratio(&[&a, &idle]).unwrap(), r);
    let bare = seed_record(3, TOTAL, 50, 4);
    assert!(clustering_ratio(&[&a, &bare]).is_none());
    assert!(clustering_ratio(&[&idle]).is_none());
    assert!(clustering_ratio(&[]).is_none());
}
