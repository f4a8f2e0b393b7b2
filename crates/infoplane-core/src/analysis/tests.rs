//! Hand-made records whose verdicts are known.

use super::*;
use crate::record::EpochRecord;

/// A record of `n` layers from per-epoch closures (epoch index → value per layer).
fn record(
    epochs: &[usize],
    n: usize,
    m: impl Fn(usize, usize) -> f64,
    s: impl Fn(usize, usize) -> f64,
    ixt: impl Fn(usize, usize) -> f64,
) -> SeedRecord {
    let mut r = SeedRecord::new(0);
    for &e in epochs {
        r.push(&EpochRecord {
            epoch: e,
            ixt: (0..n).map(|l| ixt(e, l)).collect(),
            ity: vec![0.5; n],
            grad_m: (0..n).map(|l| m(e, l)).collect(),
            grad_s: (0..n).map(|l| s(e, l)).collect(),
            wnorm: (0..n)
                .map(|l| (l + 1) as f64 * (1.0 + e as f64 / 100.0))
                .collect(),
            loss_train: 0.5,
            loss_test: 0.6,
            acc_train: 0.9,
            acc_test: 0.8,
        });
    }
    r
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn per_layer_means_that_cross_twice_count_two_and_cumulative_ones_none() {
    // m_0 − m_1 is +1 until epoch 10, −1 until epoch 20, then +1: two crossings.
    let epochs: Vec<usize> = (0..30).collect();
    let rec = record(
        &epochs,
        2,
        |e, l| match (l, (10..20).contains(&e)) {
            (0, false) | (1, true) => 2.0,
            _ => 1.0,
        },
        |_, _| 1.0,
        |_, _| 1.0,
    );
    let per = mean_crossings(&rec, GradDefinition::PerLayer);
    assert_eq!(per.total, 2);
    assert_eq!(per.epochs, 30);
    assert_eq!(per.pairs.len(), 1);
    assert_eq!(per.pairs[0].first_epoch, Some(11));
    assert_eq!(per.crossing_pairs().count(), 1);
    let cum = mean_crossings(&rec, GradDefinition::Idnns);
    assert_eq!(cum.total, 0);
}

#[test]
fn crossings_skip_touches_and_nan_and_count_every_pair() {
    let series = vec![
        vec![1.0, 2.0, 3.0],
        vec![2.0, 2.0, f64::NAN],
        vec![3.0, 2.0, 1.0],
    ];
    let c = crossings(&[0, 1, 2], &series);
    // (0,1): −1, 0 (touch, skipped), +1 → one crossing; (0,2): −2, NaN, +2 → one;
    // (1,2): −1, NaN, +1 → one.
    assert_eq!(
        c.pairs.iter().map(|p| p.count).collect::<Vec<_>>(),
        vec![1, 1, 1]
    );
    assert_eq!(c.total, 3);
}

/// Mean 1 up to epoch 100 then 100/t; std 0.1 then rising as √(t/100).
fn drift_then_diffusion() -> SeedRecord {
    let epochs: Vec<usize> = (0..1000).collect();
    let t = |e: usize| e as f64 + 1.0;
    record(
        &epochs,
        1,
        |e, _| if t(e) <= 100.0 { 1.0 } else { 100.0 / t(e) },
        // grad_s is squared-rooted by the per-layer definition: std = √s.
        |e, _| {
            if t(e) <= 100.0 {
                0.01
            } else {
                0.01 * t(e) / 100.0
            }
        },
        |_, _| 1.0,
    )
}

#[test]
fn a_falling_mean_with_a_rising_std_is_a_transition_at_the_right_epoch() {
    let rec = drift_then_diffusion();
    // Unsmoothed, the window [t, 2t] first shows a fall of 0.1 decade at
    // 2t/100 ≥ 10^0.1, i.e. t = 63.
    let exact = TransitionRule {
        smoothing: 1.0,
        ..Default::default()
    };
    let p = phase_transitions(&rec, GradDefinition::PerLayer, &exact);
    let tr = p[0].transition.expect("a transition");
    assert_eq!((tr.epoch, tr.end_epoch), (63, 126));
    assert!(close(tr.mean.0, 1.0, 1e-12) && close(tr.mean.1, 100.0 / 126.0, 1e-9));
    assert!(tr.std.1 > tr.std.0);
    assert_eq!(p[0].windows, 63 - 9);
    // The default smoothing moves it by a few epochs only.
    let d = phase_transitions(&rec, GradDefinition::PerLayer, &TransitionRule::default());
    let e = d[0].transition.expect("a transition").epoch;
    assert!((55..=70).contains(&e), "{e}");
}

#[test]
fn an_early_transient_is_ignored_and_the_mean_is_compared_with_the_std() {
    // The mean falls from 1 to 0.5 over epochs 1–8, then stays: no window
    // from epoch 10 on shows a fall.
    let epochs: Vec<usize> = (0..200).collect();
    let rec = record(
        &epochs,
        1,
        |e, _| if e < 8 { 1.0 - e as f64 / 16.0 } else { 0.5 },
        |_, _| 0.0625,
        |_, _| 1.0,
    );
    let p = phase_transitions(&rec, GradDefinition::PerLayer, &TransitionRule::default());
    assert_eq!(p[0].transition, None);
    let early = TransitionRule {
        min_epoch: 1,
        ..Default::default()
    };
    assert_eq!(
        phase_transitions(&rec, GradDefinition::PerLayer, &early)[0]
            .transition
            .map(|t| t.epoch),
        // Epoch 3 → 6: 0.875 → 0.6875, a fall of 0.105 decade.
        Some(3)
    );
    // Per layer, std = √s = 0.25: the mean (1 … 0.5) lies above it throughout.
    let v = mean_vs_std(&rec, GradDefinition::PerLayer)[0].unwrap();
    assert_eq!((v.above, v.compared), (200, 200));
    assert!(close(v.ratio.0, 4.0, 1e-12) && close(v.ratio.1, 2.0, 1e-12));
    assert!(!v.drift_then_diffusion());
    // Drift then diffusion: mean 1 against std 0.25, then 0.1.
    let rec = record(
        &epochs,
        1,
        |e, _| if e < 100 { 1.0 } else { 0.1 },
        |_, _| 0.0625,
        |_, _| 1.0,
    );
    assert!(mean_vs_std(&rec, GradDefinition::PerLayer)[0]
        .unwrap()
        .drift_then_diffusion());
}

#[test]
fn both_curves_falling_is_no_transition() {
    let epochs: Vec<usize> = (0..1000).collect();
    let rec = record(
        &epochs,
        1,
        |e, _| 1.0 / (e as f64 + 1.0),
        |e, _| 0.01 / (e as f64 + 1.0),
        |_, _| 1.0,
    );
    let p = phase_transitions(&rec, GradDefinition::PerLayer, &TransitionRule::default());
    assert_eq!(p[0].transition, None);
    assert!(p[0].windows > 400);
}

#[test]
fn rising_falling_and_flat_trends() {
    let epochs: Vec<usize> = (0..1000).collect();
    let rec = record(
        &epochs,
        3,
        |e, l| {
            let t = e as f64 + 1.0;
            match l {
                0 => t.powf(0.2),
                1 => 1.0 / t.sqrt(),
                _ => 2.0,
            }
        },
        |_, _| 1.0,
        |_, _| 1.0,
    );
    let tr = mean_trends(&rec, GradDefinition::PerLayer, &TrendRule::default());
    let [a, b, c] = [tr[0].unwrap(), tr[1].unwrap(), tr[2].unwrap()];
    assert_eq!(a.direction, Direction::Rises);
    assert_eq!(b.direction, Direction::Falls);
    assert_eq!(c.direction, Direction::Flat);
    assert!(close(c.ratio, 1.0, 1e-12));
    // Windows: t ≤ 1000^0.25 = 5.6 and t ≥ 1000^0.75 = 177.8.
    assert_eq!(a.early_epochs, (1, 5));
    assert_eq!(a.late_epochs, (178, 1000));
    assert!(a.ratio > 2.0 && b.ratio < 0.1);
    // The rising curve peaks at the end, the falling one at the start.
    // (Smoothing is one-sided at the ends, so the peak may sit a little early.)
    assert!(a.peak.1 >= 990, "{:?}", a.peak);
    assert_eq!(b.peak.1, 1);
    assert!(close(c.peak.0, 2.0, 1e-9) && close(c.end, 2.0, 1e-9));
}

#[test]
fn the_letters_axis_example() {
    let r = original_axis_reading(0.49).unwrap();
    assert_eq!(r.decade, -1);
    assert!(close(r.reads_as, 0.049, 1e-12));
    assert!(r.within_limits);
    assert!(original_axis_reading(0.0).is_none());
    assert!(!original_axis_reading(20.0).unwrap().within_limits);
    // The worked example's moments in two layers: the last layer's first
    // cumulative std is √(2·√2) = 1.682.
    let rec = record(&[3, 4], 2, |_, _| 5.0, |_, _| 2f64.sqrt(), |_, _| 1.0);
    let (e, v) = last_layer_first_std(&rec, GradDefinition::Idnns).unwrap();
    assert_eq!(e, 4);
    assert!(close(v, 1.682, 5e-4));
}

#[test]
fn compression_and_no_compression() {
    let epochs: Vec<usize> = (0..300).collect();
    // Layer 0 rises to 10 bits at epoch 120 then falls to 8.3; layer 1 only rises.
    let rec = record(
        &epochs,
        2,
        |_, _| 1.0,
        |_, _| 1.0,
        |e, l| {
            let t = e as f64 + 1.0;
            match (l, t <= 120.0) {
                (0, true) => 10.0 * t / 120.0,
                (0, false) => 10.0 - 1.7 * (t - 120.0) / 180.0,
                _ => 6.0 * t / 300.0,
            }
        },
    );
    let c = compression_by_layer(&rec, 0.5);
    let a = c[0].unwrap();
    assert_eq!(a.peak, (10.0, 120));
    assert!(close(a.fall, 1.7, 1e-9) && a.compresses);
    assert_eq!(a.end.1, 300);
    let b = c[1].unwrap();
    assert_eq!(b.peak.1, 300);
    assert!(b.fall == 0.0 && !b.compresses);
    // A higher threshold turns the first into "no compression".
    assert!(!compression_by_layer(&rec, 2.0)[0].unwrap().compresses);
}

#[test]
fn compression_across_seeds_counts_and_spreads() {
    let epochs: Vec<usize> = (0..100).collect();
    let make = |drop: f64| {
        record(
            &epochs,
            1,
            |_, _| 1.0,
            |_, _| 1.0,
            move |e, _| {
                if e < 50 {
                    5.0 + e as f64 / 10.0
                } else {
                    9.9 - drop * (e - 49) as f64 / 50.0
                }
            },
        )
    };
    let recs = [make(2.0), make(0.1), make(1.0), make(f64::NAN)];
    let s = compression_across_seeds(&recs, 0.5);
    assert_eq!(s.len(), 1);
    // The NaN seed is measured up to its last finite value (epoch 50, its peak).
    assert_eq!((s[0].compressing, s[0].measured), (2, 4));
    assert_eq!(s[0].seeds[3].unwrap().end, (9.9, 50));
    let ends: Vec<f64> = s[0].seeds.iter().flatten().map(|c| c.end.0).collect();
    assert!(close(ends[0], 7.9, 1e-9) && close(ends[1], 9.8, 1e-9));
    assert!(s[0].end_range > 1.8);
    assert!(s[0].end_sd > 0.0 && s[0].fall_range > 1.8);
}

#[test]
fn snr_drop_and_weight_norms() {
    let epochs: Vec<usize> = (0..1000).collect();
    // SNR 100 up to epoch 50, then falling as (50/t)²: ×400 by epoch 1000.
    let rec = record(
        &epochs,
        1,
        |e, _| {
            let t = e as f64 + 1.0;
            if t <= 50.0 {
                10.0
            } else {
                10.0 * 50.0 / t
            }
        },
        |_, _| 0.1,
        |_, _| 1.0,
    );
    let d = snr_drops(&rec, GradDefinition::Saxe, 1.0, 10.0)[0].unwrap();
    assert!(close(d.peak.0, 100.0, 1e-9) && d.peak.1 == 1);
    assert!(close(d.factor, 20.0, 1e-9) && d.transition);
    assert!(
        !snr_drops(&rec, GradDefinition::Saxe, 1.0, 50.0)[0]
            .unwrap()
            .transition
    );
    let g = weight_norm_growth(&rec)[0].unwrap();
    assert!(close(g.first, 1.0, 1e-12) && close(g.last, 1.0 + 999.0 / 100.0, 1e-12));
    assert!(close(g.ratio, 10.99, 1e-9));
    assert_eq!(final_accuracy(&rec), (0.9, 0.8));
}

#[test]
fn empty_records_give_nothing() {
    let rec = SeedRecord::new(1);
    assert!(phase_transitions(&rec, GradDefinition::Idnns, &TransitionRule::default()).is_empty());
    assert_eq!(mean_crossings(&rec, GradDefinition::Idnns).total, 0);
    assert!(last_layer_first_std(&rec, GradDefinition::Idnns).is_none());
    assert!(compression_across_seeds(std::slice::from_ref(&rec), 0.5).is_empty());
    assert!(trend(&[], &[], &TrendRule::default()).is_none());
    assert!(compression(&[0], &[f64::NAN], 0.5).is_none());
}
