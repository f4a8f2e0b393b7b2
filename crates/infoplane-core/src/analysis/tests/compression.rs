//! Compression: a sustained fall from the peak compresses, a rise, a fall
//! that recovers and a fall below the layer's threshold do not.

use super::{idnns_epochs, Build};
use crate::analysis::compression::*;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

/// I(X;T): rises linearly in log t to `peak` at epoch 50, stays to 500,
/// falls (linearly in log t) to `peak − fall` at 2000 and stays there.
fn hump(peak: f64, fall: f64) -> impl Fn(usize, usize) -> f64 {
    move |e, _| {
        let lt = t(e).log10();
        let (a, b, c) = (50f64.log10(), 500f64.log10(), 2000f64.log10());
        if lt <= a {
            peak * lt / a
        } else if lt <= b {
            peak
        } else if lt <= c {
            peak - fall * (lt - b) / (c - b)
        } else {
            peak - fall
        }
    }
}

fn judge(ixt: &dyn Fn(usize, usize) -> f64, ity: &dyn Fn(usize, usize) -> f64) -> Compression {
    let rec = Build {
        ixt,
        ity,
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    compression_by_layer(&rec, &CompressionRule::default())[0].unwrap()
}

#[test]
fn a_sustained_fall_compresses_and_a_rise_does_not() {
    // Peak 10 bits on a plateau (epochs 50–500, wider than the ×1.25
    // smoothing), 7 bits from 2000 on: the late stretch (4000–8000) stays
    // exactly 3 bits below, over the threshold max(0.5, 1.0) = 1 bit.
    let c = judge(&hump(10.0, 3.0), &|_, _| 0.9);
    assert!(c.compresses);
    assert!((c.peak.0 - 10.0).abs() < 1e-12 && (c.fall - 3.0).abs() < 1e-12);
    assert_eq!(c.threshold, 1.0);
    assert!(c.late_epochs.0 >= 4000 && c.late_epochs.1 == 8000);
    // I(T;Y) flat: it does not fall with it.
    let i = c.ity.unwrap();
    assert!(!i.falls && (i.at_peak - 0.9).abs() < 1e-12);
    // Only rising: its peak comes before the late stretch, which lies above it.
    let r = judge(&|e, _| 6.0 * t(e).log10() / 8000f64.log10(), &|_, _| 0.9);
    assert!(!r.compresses && r.fall < 0.0);
}

#[test]
fn the_threshold_scales_with_the_layer() {
    // A fall of 0.8 bit: under 10 % of a 10-bit peak, over the 0.5-bit
    // floor for a 4-bit peak.
    assert!(!judge(&hump(10.0, 0.8), &|_, _| 0.5).compresses);
    let c = judge(&hump(4.0, 0.8), &|_, _| 0.5);
    assert!(c.compresses && c.threshold == 0.5);
    // And 0.4 bit falls short of the floor.
    assert!(!judge(&hump(4.0, 0.4), &|_, _| 0.5).compresses);
}

#[test]
fn a_fall_that_recovers_does_not_compress() {
    // Down 3 bits between 500 and 3000, back at the peak by 4000.
    let c = judge(
        &|e, _| {
            if (500.0..3000.0).contains(&t(e)) {
                7.0
            } else {
                10.0
            }
        },
        &|_, _| 0.5,
    );
    assert!(!c.compresses);
    assert!(c.fall.abs() < 1e-12);
}

#[test]
fn i_ty_falls_with_it_or_not() {
    // I(T;Y) 0.9 at the I(X;T) peak, 0.7 from 2000 on: 0.2 ≥ max(0.05, 0.09).
    let c = judge(&hump(10.0, 3.0), &|e, _| {
        if t(e) < 2000.0 {
            0.9
        } else {
            0.7
        }
    });
    assert!(c.ity.unwrap().falls);
    // 0.9 → 0.85: under 10 % of 0.9.
    let c = judge(&hump(10.0, 3.0), &|e, _| {
        if t(e) < 2000.0 {
            0.9
        } else {
            0.85
        }
    });
    assert!(!c.ity.unwrap().falls);
}

#[test]
fn across_seeds_with_the_spread_of_the_fall() {
    // Four seeds falling by 3, 2, 1.5 and 0.5 bits from a 10-bit peak:
    // three compress (threshold 1 bit); falls: mean 1.75, sd
    // √((1.25² + 0.25² + 0.25² + 1.25²)/4) = √0.8125.
    let e = idnns_epochs();
    let recs: Vec<_> = [3.0, 2.0, 1.5, 0.5]
        .iter()
        .enumerate()
        .map(|(k, &f)| {
            Build {
                n: 2,
                ixt: &move |e, l| if l == 0 { hump(10.0, f)(e, l) } else { 12.0 },
                ..Default::default()
            }
            .record(k as u64, &e)
        })
        .collect();
    let refs: Vec<_> = recs.iter().collect();
    let s = compression_across_seeds(&refs, &CompressionRule::default());
    assert_eq!(s.len(), 2);
    assert_eq!((s[0].tally.showing, s[0].tally.measured), (3, 4));
    let k = s[0].tally.key.unwrap();
    assert!((k.mean - 1.75).abs() < 1e-12 && (k.sd - 0.8125f64.sqrt()).abs() < 1e-12);
    assert!((k.min - 0.5).abs() < 1e-12 && (k.max - 3.0).abs() < 1e-12);
    assert_eq!(s[0].seeds.len(), 4);
    assert_eq!(s[0].ity_falls, 0);
    // Layer 2 stays at 12 bits: no seed compresses.
    assert!(s[1].tally.in_no_seed() && s[1].tally.key.unwrap().max == 0.0);
}

#[test]
fn too_short_or_empty_gives_none() {
    let r = CompressionRule::default();
    assert!(compression(&[], &[], &[], &r).is_none());
    assert!(compression(&[0], &[f64::NAN], &[0.5], &r).is_none());
}
