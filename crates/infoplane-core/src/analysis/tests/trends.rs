//! Sustained rises and falls: a power law falls or rises, a constant is
//! flat, a hump falls eventually, a dip that recovers does not.

use super::{idnns_epochs, Build};
use crate::analysis::trends::*;
use crate::gradients::GradDefinition as G;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

fn judge(f: impl Fn(f64) -> f64) -> Trend {
    let e = idnns_epochs();
    let v: Vec<f64> = e.iter().map(|&e| f(t(e))).collect();
    trend(&e, &v, &TrendRule::default()).unwrap()
}

#[test]
fn power_laws_fall_and_rise_and_a_constant_is_flat() {
    // Early window t ≤ 8000^0.25 = 9.46: epochs 1–9; late stretch t ≥ 4000.
    let f = judge(|t| 1.0 / t.sqrt());
    assert_eq!(f.early_epochs, (1, 9));
    assert!(f.late_epochs.0 >= 4000 && f.late_epochs.1 == 8000);
    assert_eq!(f.direction, Direction::Falls);
    // Early level: 10^(−0.5 · mean log10 t over 1..9) = (9!)^(−1/18).
    let nine_fact: f64 = (1..=9).map(|k| k as f64).product();
    assert!((f.early - nine_fact.powf(-1.0 / 18.0)).abs() < 1e-12);
    assert!(f.eventually_falls);
    let r = judge(|t| t.powf(0.2));
    // 0.2 · (log10 4000 − mean log10 t over 1..9) = 0.2 · (3.60 − 0.62) = 0.6 decade ≥ 0.3.
    assert_eq!(r.direction, Direction::Rises);
    assert!(!r.eventually_falls);
    let c = judge(|_| 2.0);
    assert_eq!(c.direction, Direction::Flat);
    assert!((c.ratio - 1.0).abs() < 1e-12 && !c.eventually_falls);
    // A slow fall (0.25 decade over the whole run) is not enough.
    let slow = judge(|t| t.powf(-0.25 / 3.9));
    assert_eq!(slow.direction, Direction::Flat);
}

#[test]
fn a_hump_falls_eventually_and_a_dip_that_recovers_does_not() {
    // log10 v = −0.5 · |log10(t/300)|: up from 1 to 300, then down; at the
    // end (−0.71) it is back near the early level, but 0.56 decade or more
    // below its peak over the whole late stretch.
    let h = judge(|t| 10f64.powf(-0.5 * (t / 300.0).log10().abs()));
    assert_eq!(h.direction, Direction::Flat);
    assert!(h.eventually_falls);
    let (pv, pt) = h.peak.unwrap();
    assert!(pv > 0.9 && (250..=360).contains(&pt), "{pv} {pt}");
    // A decade lower between 100 and 3000, then back: neither.
    let d = judge(|t| {
        if (100.0..3000.0).contains(&t) {
            0.1
        } else {
            1.0
        }
    });
    assert_eq!(d.direction, Direction::Flat);
    assert!(!d.eventually_falls);
    // Down a decade from epoch 100 for good: both.
    let s = judge(|t| if t >= 100.0 { 0.1 } else { 1.0 });
    assert_eq!(s.direction, Direction::Falls);
    assert!(s.eventually_falls);
}

#[test]
fn runs_too_short_to_judge_give_none() {
    assert!(trend(&[], &[], &TrendRule::default()).is_none());
    // Three epochs: no smoothed point holds 5 values.
    assert!(trend(&[0, 1, 2], &[1.0, 1.0, 1.0], &TrendRule::default()).is_none());
}

#[test]
fn trends_of_a_record_and_across_seeds() {
    let rec = Build {
        n: 2,
        m: &|e, l| if l == 0 { 1.0 / t(e) } else { t(e) },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let m = mean_trends(&rec, G::PerLayer, &TrendRule::default());
    assert_eq!(m[0].unwrap().direction, Direction::Falls);
    assert_eq!(m[1].unwrap().direction, Direction::Rises);
    // std = √s = 1: flat.
    let s = std_trends(&rec, G::PerLayer, &TrendRule::default());
    assert_eq!(s[0].unwrap().direction, Direction::Flat);
    let per = vec![m.clone(), m];
    let falls = tally_trends(&per, TrendQuestion::Falls);
    assert_eq!((falls[0].showing, falls[1].showing), (2, 0));
    let rises = tally_trends(&per, TrendQuestion::Rises);
    assert_eq!((rises[0].showing, rises[1].showing), (0, 2));
    assert!(rises[1].key.unwrap().min > 100.0);
}
