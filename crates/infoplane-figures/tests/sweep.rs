//! The sweep summary and the small multiples' grid: geometry checked on
//! the display list and the in-memory raster, from hand-made summary rows.

mod common;

use common::{rasterise, seed_record, svg, Raster};
use infoplane_core::sweep::SummaryRow;
use infoplane_figures::*;

fn row(value: &str, layer: usize, n: usize, ixt: (f64, f64), ity: (f64, f64)) -> SummaryRow {
    SummaryRow {
        value: value.into(),
        epoch: 7999,
        layer,
        units: [10, 2][layer - 1],
        n,
        ixt_mean: ixt.0,
        ixt_sd: ixt.1,
        ity_mean: ity.0,
        ity_sd: ity.1,
    }
}

fn texts(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

/// Four bin counts a decade apart; layer 1's I(X;T) rises 2, 4, 6, 8 bits
/// (sd 0.5), layer 2's stays at 1 (sd 0); I(T;Y) 0.5 everywhere.
fn bins_rows() -> (Vec<String>, Vec<SummaryRow>) {
    let values = texts(&["10", "100", "1000", "10000"]);
    let mut rows = Vec::new();
    for (i, v) in values.iter().enumerate() {
        rows.push(row(v, 1, 2, (2.0 + 2.0 * i as f64, 0.5), (0.5, 0.1)));
        rows.push(row(v, 2, 2, (1.0, 0.0), (0.5, 0.0)));
    }
    (values, rows)
}

fn opts() -> SummaryOptions {
    SummaryOptions {
        param: "bins".into(),
        title: "Final I(X;T) and I(T;Y)".into(),
        ..Default::default()
    }
}

#[test]
fn values_choose_their_axis() {
    let s = |v: &[&str]| sweep_scale(&texts(v));
    assert_eq!(s(&["10", "30", "100", "1000"]), SweepScale::Log);
    // 1 to 5 spans less than a decade; negative numbers cannot be logged.
    assert_eq!(s(&["1", "5"]), SweepScale::Linear);
    assert_eq!(s(&["-1", "10", "100"]), SweepScale::Linear);
    assert_eq!(s(&["0.0001", "0.001"]), SweepScale::Log);
    assert_eq!(s(&["tanh", "relu", "linear"]), SweepScale::Categorical);
    assert_eq!(s(&["256", "512", "full"]), SweepScale::Categorical);
    assert_eq!(s(&["10-7-5", "10-8-6"]), SweepScale::Categorical);
    assert_eq!(s(&[]), SweepScale::Categorical);
}

#[test]
fn summary_geometry_on_a_log_axis() {
    let (values, rows) = bins_rows();
    let mut r = Raster::new(1000, 420);
    let hits = rasterise(&mut r, |a| draw_sweep_summary(a, &values, &rows, &opts())).unwrap();
    // 4 values × 2 layers × 2 panels.
    assert_eq!(hits.len(), 16);
    assert!(r.inked() as f64 / (1000.0 * 420.0) > 0.02, "blank raster");
    assert!(r.coloured() > 500, "no layer colours: {}", r.coloured());
    // Layer 1 in the I(X;T) panel: the hits in drawing order are layer 1's
    // four values, then layer 2's.
    let l1: Vec<&HitPoint> = hits[..4].iter().collect();
    assert!(
        l1[2]
            .text
            .starts_with("bins=1000 · layer 1 · epoch 8000 · I(X;T) 6.00 ± 0.500 bits (2 seeds)"),
        "{}",
        l1[2].text
    );
    // Values a decade apart sit equally far apart on a log axis (±1 px of
    // rounding), left to right.
    let dx: Vec<i32> = l1.windows(2).map(|w| w[1].x - w[0].x).collect();
    assert!(
        dx[0] > 50 && dx.iter().all(|d| (d - dx[0]).abs() <= 1),
        "{dx:?}"
    );
    // 2 bits more each step on a linear y axis: equal steps upwards.
    let dy: Vec<i32> = l1.windows(2).map(|w| w[0].y - w[1].y).collect();
    assert!(
        dy[0] > 20 && dy.iter().all(|d| (d - dy[0]).abs() <= 1),
        "{dy:?}"
    );
    // Layer 2 (1 bit) lies below layer 1's lowest point (2 bits) by half
    // a step (1 bit = dy/2 px), at the same x.
    let l2 = &hits[4];
    assert_eq!(l2.x, l1[0].x);
    assert!(
        (l2.y - l1[0].y - dy[0] / 2).abs() <= 1,
        "{} {}",
        l2.y,
        l1[0].y
    );
    // The I(T;Y) panel lies to the right of the I(X;T) panel.
    assert!(hits[8].x > l1[3].x);
}

#[test]
fn error_bars_span_one_sd_each_way() {
    let (values, rows) = bins_rows();
    let (list, hits) = record(1000, 420, &estimate_text, |a| {
        draw_sweep_summary(a, &values, &rows, &opts())
    });
    let hits = hits.unwrap();
    let px_per_bit = f64::from(hits[0].y - hits[1].y) / 2.0;
    let c = layer_colour(0);
    // Vertical strokes of layer 1's colour through each layer-1 point:
    // from mean − 0.5 to mean + 0.5 bits, so 1 bit long.
    for h in &hits[..4] {
        let bar = list.ops.iter().find_map(|op| match op {
            Op::Path { points, colour, .. }
                if (colour.r, colour.g, colour.b) == (c.0, c.1, c.2)
                    && points.len() == 2
                    && points[0].0 == h.x
                    && points[1].0 == h.x =>
            {
                Some((points[0].1 - points[1].1).abs())
            }
            _ => None,
        });
        let len = bar.unwrap_or_else(|| panic!("no error bar at {h:?}"));
        assert!(
            (f64::from(len) - px_per_bit).abs() <= 1.5,
            "{len} vs {px_per_bit}"
        );
    }
    // Layer 2's sd is 0: no bar, only its marker (and its line).
    let c2 = layer_colour(1);
    let vertical_l2 = list
        .ops
        .iter()
        .filter(|op| {
            matches!(op, Op::Path { points, colour, .. }
            if (colour.r, colour.g, colour.b) == (c2.0, c2.1, c2.2)
                && points.len() == 2 && points[0].0 == points[1].0)
        })
        .count();
    assert_eq!(vertical_l2, 0);
}

#[test]
fn categorical_values_side_by_side_with_a_reference() {
    let values = texts(&["tanh", "relu", "linear"]);
    let mut rows = Vec::new();
    for v in &values {
        rows.push(row(v, 1, 1, (5.0, 0.0), (0.9, 0.0)));
        rows.push(row(v, 2, 1, (3.0, 0.0), (0.8, 0.0)));
    }
    let o = SummaryOptions {
        param: "activation".into(),
        reference: Some(Reference {
            label: "machine precision".into(),
            ixt: vec![12.0, 11.0],
            ity: vec![1.0, 0.9],
        }),
        ..Default::default()
    };
    let (s, hits) = svg(1000, 420, |a| draw_sweep_summary(a, &values, &rows, &o));
    let hits = hits.unwrap();
    assert_eq!(hits.len(), 12);
    // One seed: no "±" in the tooltip.
    assert_eq!(
        hits[0].text,
        "activation=tanh · layer 1 · epoch 8000 · I(X;T) 5.00 bits (1 seed)"
    );
    // Value slots equally spaced; within a slot layer 1 left of layer 2,
    // symmetric about the slot's centre.
    let (l1, l2) = (&hits[..3], &hits[3..6]);
    let centre = |i: usize| (l1[i].x + l2[i].x) as f64 / 2.0;
    assert!(l1.iter().zip(l2).all(|(a, b)| a.x < b.x));
    assert!(((centre(1) - centre(0)) - (centre(2) - centre(1))).abs() <= 1.0);
    // No lines join categories: layer 1's colour draws no multi-point path.
    let hex =
        |c: plotters::style::RGBColor| format!("stroke=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
    assert!(!s
        .split("<polyline")
        .skip(1)
        .any(
            |p| p[..p.find("/>").unwrap()].contains(&hex(layer_colour(0)))
                && !p.contains("stroke-dasharray")
                && p.matches(',').count() > 2
        ));
    for want in [
        "tanh",
        "relu",
        "linear",
        "activation",
        "machine precision",
        "L1 (10)",
        "L2 (2)",
    ] {
        assert!(s.contains(&format!(">{want}<")), "missing {want}");
    }
}

#[test]
fn nothing_to_show_waits_and_nan_is_skipped() {
    let values = texts(&["10", "30"]);
    let (s, hits) = svg(900, 400, |a| draw_sweep_summary(a, &values, &[], &opts()));
    assert!(hits.unwrap().is_empty());
    assert!(s.contains(WAITING));
    // NaN means (a seed that logged nothing finite) draw nothing and leak
    // no NaN into the SVG.
    let rows = vec![
        row("10", 1, 2, (f64::NAN, f64::NAN), (0.5, 0.0)),
        row("30", 1, 2, (4.0, 0.2), (f64::NAN, f64::NAN)),
    ];
    let (s, hits) = svg(900, 400, |a| draw_sweep_summary(a, &values, &rows, &opts()));
    assert_eq!(hits.unwrap().len(), 2);
    assert!(!s.contains("NaN"));
    // Too small an area draws nothing rather than garbage.
    let (_, hits) = svg(60, 40, |a| draw_sweep_summary(a, &values, &rows, &opts()));
    assert!(hits.unwrap().is_empty());
}

#[test]
fn multiples_fill_the_grid_row_by_row() {
    assert_eq!(multiples_shape(1), (1, 1));
    assert_eq!(multiples_shape(3), (3, 1));
    assert_eq!(multiples_shape(4), (2, 2));
    assert_eq!(multiples_shape(5), (3, 2));
    assert_eq!(multiples_shape(7), (3, 3));
    let rec = seed_record(0, 8000, 30, usize::MAX);
    let bar = ColourBarOptions {
        total_epochs: 8000,
        ..Default::default()
    };
    let (w, h) = (1200, 640);
    let mut r = Raster::new(w, h);
    let hits = rasterise(&mut r, |a| {
        draw_multiples(a, 5, Some(&bar), |i, cell| {
            let mut view = RecordView::seed(&rec);
            view.name = format!("bins={}", [10, 30, 100, 300, 1000][i]);
            draw_plane(
                cell,
                &view,
                &PlaneOptions {
                    title: view.name.clone(),
                    total_epochs: 8000,
                    ..Default::default()
                },
            )
        })
    })
    .unwrap();
    // Each panel's points lie in its own cell, row by row in 3 columns
    // and 2 rows: every point of a column left of the next column's, every
    // point of a row above the next row's, and all of them left of the
    // colour bar, whose hits ("epoch N") come last.
    let bar_x = hits
        .iter()
        .filter(|p| p.text.starts_with("epoch"))
        .map(|p| p.x)
        .min()
        .expect("a colour bar");
    let of = |i: usize| -> Vec<&HitPoint> {
        let v = [10, 30, 100, 300, 1000][i];
        hits.iter()
            .filter(|p| p.text.starts_with(&format!("bins={v} ·")))
            .collect()
    };
    let xs = |i: usize| {
        (
            of(i).iter().map(|p| p.x).min().unwrap(),
            of(i).iter().map(|p| p.x).max().unwrap(),
        )
    };
    let ys = |i: usize| {
        (
            of(i).iter().map(|p| p.y).min().unwrap(),
            of(i).iter().map(|p| p.y).max().unwrap(),
        )
    };
    for i in 0..5 {
        assert_eq!(of(i).len(), rec.epochs.len() * 6, "panel {i}");
        assert!(xs(i).1 < bar_x);
        assert!(ys(i).1 < h as i32 && xs(i).1 < w as i32);
    }
    for (left, right) in [(0, 1), (1, 2), (3, 4)] {
        assert!(xs(left).1 < xs(right).0, "{left} {right}");
    }
    for (top, below) in [(0, 3), (1, 4)] {
        assert!(ys(top).1 < ys(below).0, "{top} {below}");
    }
    assert!(r.coloured() > 1000);
}
