//! Crossings with hysteresis: separated noisy curves and near-equal
//! jittering ones give none, a real crossing gives one at its epoch.

use super::{idnns_epochs, jitter, Build};
use crate::analysis::crossings::*;
use crate::analysis::Smoothing;
use crate::gradients::GradDefinition as G;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

/// Raw sign changes of a − b between consecutive epochs (what a rule
/// without smoothing or hysteresis would count).
fn raw_sign_changes(a: &[f64], b: &[f64]) -> usize {
    let s: Vec<bool> = a.iter().zip(b).map(|(x, y)| x > y).collect();
    s.windows(2).filter(|w| w[0] != w[1]).count()
}

fn noisy(level: impl Fn(f64) -> f64, seed: u64, sd: f64) -> Vec<f64> {
    let n = jitter(seed, 274);
    idnns_epochs()
        .iter()
        .zip(n)
        .map(|(&e, z)| level(t(e)) * 10f64.powf(sd * z))
        .collect()
}

#[test]
fn separated_noisy_curves_do_not_cross() {
    // 0.5 decade apart, each with 0.2 decade of noise per logged epoch: the
    // raw difference changes sign now and then; the rule counts nothing.
    let e = idnns_epochs();
    let a = noisy(|_| 1.0, 1, 0.2);
    let b = noisy(|_| 10f64.powf(-0.5), 2, 0.2);
    assert!(raw_sign_changes(&a, &b) > 0);
    let c = crossing(&e, &a, &b, &CrossingRule::default());
    assert_eq!((c.count, c.first_epoch), (0, None));
    assert_eq!(c.compared, 274 - 9, "smoothed points from epoch 10");
}

#[test]
fn near_equal_jittering_curves_do_not_cross() {
    // The same level, independent noise of 0.15 decade: the raw difference
    // changes sign at about half the epochs; the gap never exceeds 0.25
    // decade after smoothing.
    let e = idnns_epochs();
    let a = noisy(|t| 1.0 / t, 3, 0.15);
    let b = noisy(|t| 1.0 / t, 4, 0.15);
    assert!(
        raw_sign_changes(&a, &b) > 80,
        "{}",
        raw_sign_changes(&a, &b)
    );
    assert_eq!(crossing(&e, &a, &b, &CrossingRule::default()).count, 0);
}

#[test]
fn a_real_crossing_counts_once_at_its_epoch() {
    // a = 1, b = t/100: log10 a − log10 b = 2 − log10 t changes sign at
    // t = 100 and is 0.25 decade past it by t = 178.
    let e = idnns_epochs();
    let a = vec![1.0; e.len()];
    let b: Vec<f64> = e.iter().map(|&e| t(e) / 100.0).collect();
    let exact = CrossingRule {
        smoothing: Smoothing::NONE,
        ..Default::default()
    };
    let c = crossing(&e, &a, &b, &exact);
    // The first logged epoch past 100 (t = 100 itself, if logged, is a
    // touch: on neither side).
    let want = e.iter().map(|e| e + 1).find(|&t| t > 100).unwrap();
    assert_eq!((c.count, c.first_epoch), (1, Some(want)));
    // With noise of 0.1 decade per curve and the default smoothing: still
    // one crossing, within 20 % of epoch 100 (the smoothed difference
    // moves by about 0.04 decade, its zero by as much in log t, and the
    // epoch reported is the last sign change before the gap opened).
    let a = noisy(|_| 1.0, 5, 0.1);
    let b = noisy(|t| t / 100.0, 6, 0.1);
    let c = crossing(&e, &a, &b, &CrossingRule::default());
    assert_eq!(c.count, 1);
    let f = c.first_epoch.unwrap();
    assert!((80..=120).contains(&f), "{f}");
}

#[test]
fn there_and_back_counts_two_and_a_brief_excursion_none() {
    // b crosses a at 100 and back at 1000, 1 decade past it in between.
    let e = idnns_epochs();
    let a = vec![1.0; e.len()];
    let b: Vec<f64> = e
        .iter()
        .map(|&e| {
            if (100.0..1000.0).contains(&t(e)) {
                10.0
            } else {
                0.1
            }
        })
        .collect();
    let c = crossing(&e, &a, &b, &CrossingRule::default());
    assert_eq!(c.count, 2);
    // b only 0.2 decade past a in between: inside the hysteresis band.
    let b: Vec<f64> = e
        .iter()
        .map(|&e| {
            if (100.0..1000.0).contains(&t(e)) {
                1.58
            } else {
                0.1
            }
        })
        .collect();
    assert_eq!(crossing(&e, &a, &b, &CrossingRule::default()).count, 0);
    // Curves that start together and part never cross.
    let b: Vec<f64> = e.iter().map(|&e| 1.0 / t(e)).collect();
    assert_eq!(crossing(&e, &a, &b, &CrossingRule::default()).count, 0);
}

#[test]
fn per_layer_means_cross_and_cumulative_ones_cannot() {
    // m_0 = 1, m_1 = t/100: per layer they cross at 100; IDNNs' cumulative
    // "mean" of layer 1 is m_0 + m_1 > m_0 throughout.
    let rec = Build {
        n: 2,
        m: &|e, l| if l == 0 { 1.0 } else { t(e) / 100.0 },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let per = mean_crossings(&rec, G::PerLayer, &CrossingRule::default());
    assert_eq!((per.total, per.pairs.len(), per.epochs), (1, 1, 274));
    assert_eq!(per.most_crossing()[0].crossing.count, 1);
    let cum = mean_crossings(&rec, G::Idnns, &CrossingRule::default());
    assert_eq!(cum.total, 0);
    // Over two seeds: the pair crosses in both, once each.
    let t2 = crossings_across_seeds(&[&rec, &rec], G::PerLayer, &CrossingRule::default());
    assert_eq!((t2[0].a, t2[0].b), (0, 1));
    assert_eq!((t2[0].tally.showing, t2[0].tally.measured), (2, 2));
    assert_eq!(t2[0].tally.key.unwrap().mean, 1.0);
}

#[test]
fn a_layers_mean_and_std_curves() {
    // Per layer, mean m and std √s: m = 1/√t, s = t/1000 cross where
    // 1/√t = √(t/1000), t = √1000 = 31.6; m = 0.1, s = 1 never.
    let rec = Build {
        n: 2,
        m: &|e, l| if l == 0 { 1.0 / t(e).sqrt() } else { 0.1 },
        s: &|e, l| if l == 0 { t(e) / 1000.0 } else { 1.0 },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let c = mean_std_crossings(&rec, G::PerLayer, &CrossingRule::default());
    assert_eq!(c[0].count, 1);
    let f = c[0].first_epoch.unwrap();
    assert!((29..=35).contains(&f), "{f}");
    assert_eq!(c[1].count, 0);
}
