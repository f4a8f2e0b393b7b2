//! Layer shares of the cumulative sums, and the first layer's dominance
//! both ways.

use super::{idnns_epochs, Build};
use crate::analysis::shares::*;

#[test]
fn shares_of_the_two_sums() {
    // m = [3, 1]: shares 3/4, 1/4; s = [1, 3]: 1/4, 3/4.
    let rec = Build {
        n: 2,
        m: &|_, l| [3.0, 1.0][l],
        s: &|_, l| [1.0, 3.0][l],
        ..Default::default()
    }
    .record(0, &[0, 1]);
    let s = layer_shares(&rec);
    assert_eq!(s.mean, vec![vec![0.75, 0.25]; 2]);
    assert_eq!(s.var, vec![vec![0.25, 0.75]; 2]);
    assert_eq!(median_shares(&rec), vec![(0.75, 0.25), (0.25, 0.75)]);
    let d = first_layer_dominance(&rec, &ShareRule::default());
    assert!(d.mean.unwrap().dominates && !d.var.unwrap().dominates);
    // A zero sum has no shares.
    let z = Build {
        n: 2,
        m: &|_, _| 0.0,
        ..Default::default()
    }
    .record(0, &[0]);
    assert!(layer_shares(&z).mean[0].iter().all(|v| v.is_nan()));
    assert!(first_layer_dominance(&z, &ShareRule::default())
        .mean
        .is_none());
}

#[test]
fn dominance_needs_more_than_half_at_more_than_half_the_epochs() {
    let rule = ShareRule::default();
    // Above 1/2 at exactly half of 4 epochs: not more than half.
    let d = dominance(&[0.6, 0.7, 0.4, 0.3], &rule).unwrap();
    assert_eq!((d.above, d.compared, d.dominates), (2, 4, false));
    assert!((d.median - 0.5).abs() < 1e-15);
    // At 3 of 5 (a share of exactly 1/2 is not above it).
    let d = dominance(&[0.6, 0.7, 0.5, 0.51, f64::NAN, 0.2], &rule).unwrap();
    assert_eq!((d.above, d.compared, d.dominates), (3, 5, true));
    assert_eq!(d.median, 0.51);
    assert!(dominance(&[f64::NAN], &rule).is_none());
}

#[test]
fn a_first_layer_with_most_of_the_sum_dominates_across_seeds() {
    // Seed 0: m_1 = 4, others 1 (of 7 layers: 4/10); seed 1: m_1 = 7
    // (7/13 > 1/2); both with s_1 = 9 of 15 (0.6).
    let e = idnns_epochs();
    let make = |seed: u64, first: f64| {
        Build {
            n: 7,
            m: &move |_, l| if l == 0 { first } else { 1.0 },
            s: &|_, l| if l == 0 { 9.0 } else { 1.0 },
            ..Default::default()
        }
        .record(seed, &e)
    };
    let (a, b) = (make(0, 4.0), make(1, 7.0));
    let (m, v) = dominance_across_seeds(&[&a, &b], &ShareRule::default());
    assert_eq!((m.showing, m.measured, m.seeds), (1, 2, 2));
    assert_eq!(m.key.unwrap().mean, 0.5, "fractions 0 and 1");
    assert_eq!((v.showing, v.measured), (2, 2));
    let (m, _) = dominance_across_seeds(&[], &ShareRule::default());
    assert_eq!((m.measured, m.key), (0, None));
}
