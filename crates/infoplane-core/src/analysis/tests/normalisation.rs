//! The caption's normalisation: the direction from the measured norms, and
//! whether the phase verdicts (the picture) change.

use super::{idnns_epochs, Build};
use crate::analysis::normalisation::*;
use crate::analysis::trends::{mean_trends, TrendRule};
use crate::analysis::Growth;
use crate::gradients::GradDefinition as G;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

#[test]
fn the_direction_follows_the_measured_norms() {
    let rule = NormRule::default();
    let g = |ratio: f64| Growth {
        first: 1.0,
        last: ratio,
        ratio,
    };
    assert_eq!(rule.shift(&g(3.0)), NormShift::Lowers);
    assert_eq!(rule.shift(&g(0.5)), NormShift::Raises);
    assert_eq!(rule.shift(&g(1.05)), NormShift::Neither);
    // Checked against the curves themselves: layer 0's ‖W‖ grows ×(1 +
    // 7999/1000) = ×9, layer 1's shrinks to a ninth; m constant. The
    // normalised "mean" of layer 0 then falls where the coded one is flat,
    // and the cumulative of layer 1 (m_0/W_0 + m_1/W_1) rises.
    let rec = Build {
        n: 2,
        w: &|e, l| {
            let g = 1.0 + e as f64 / 1000.0;
            if l == 0 {
                g
            } else {
                1.0 / g
            }
        },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let n = normalisation(&rec, &rule);
    assert_eq!(n.layers[0].shift, Some(NormShift::Lowers));
    assert_eq!(n.layers[1].shift, Some(NormShift::Raises));
    assert_eq!(
        (n.count(NormShift::Lowers), n.count(NormShift::Raises)),
        (1, 1)
    );
    let tr = |def| mean_trends(&rec, def, &TrendRule::default());
    let (coded, norm) = (tr(G::Idnns), tr(G::Normalised));
    assert!((coded[0].unwrap().ratio - 1.0).abs() < 1e-12);
    assert!(norm[0].unwrap().ratio < 0.5, "lowered");
    assert!(norm[1].unwrap().ratio > 2.0, "raised");
    // Norms stay 1 nowhere here, so the levels change; SNR is constant (1)
    // under both definitions: the same picture.
    assert!(n.levels_change && n.same_picture && n.levels_not_picture());
}

#[test]
fn unit_norms_change_nothing_and_unequal_norms_can_change_the_picture() {
    // ‖W‖ = 1: levels unchanged.
    let rec = Build {
        n: 2,
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let n = normalisation(&rec, &NormRule::default());
    assert!(!n.levels_change && n.same_picture && !n.levels_not_picture());
    assert_eq!(n.count(NormShift::Neither), 2);
    // Layer 0: m = s = 100, ‖W‖ = 1000; layer 1: s = 1, m = 10 until epoch
    // 100 then 0.1, ‖W‖ = 1. As coded, layer 1's Σm/Σs goes from 110/101
    // to 100.1/101: flat, no transition. Normalised, it is (0.1 + m_1) /
    // 1.1: 9.2 → 0.18, a drop of 1.7 decades: a transition.
    let rec = Build {
        n: 2,
        m: &|e, l| match l {
            0 => 100.0,
            _ if t(e) <= 100.0 => 10.0,
            _ => 0.1,
        },
        s: &|_, l| if l == 0 { 100.0 } else { 1.0 },
        w: &|_, l| if l == 0 { 1000.0 } else { 1.0 },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let n = normalisation(&rec, &NormRule::default());
    let l1 = &n.layers[1];
    assert!(l1.coded.unwrap().transition.is_none());
    assert!(l1.normalised.unwrap().transition.is_some());
    assert!(!l1.same_phases() && !n.same_picture && !n.levels_not_picture());
    // What the figures show is reported beside it.
    assert!(l1.coded_plot.is_some() && l1.normalised_plot.is_some());
}

#[test]
fn across_seeds_counts_the_same_picture() {
    // A seed whose norms grow (same picture, levels change) and one with
    // unit norms (levels unchanged).
    let grow = Build {
        w: &|e, _| 1.0 + e as f64 / 1000.0,
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let unit = Build::default().record(1, &idnns_epochs());
    let a = normalisation_across_seeds(&[&grow, &unit], &NormRule::default());
    assert_eq!((a.same_picture, a.levels_not_picture), (2, 1));
    assert_eq!(
        (a.same_phases[0].showing, a.same_phases[0].measured),
        (2, 2)
    );
    assert_eq!((a.lowered[0].showing, a.raised[0].showing), (1, 0));
    // ‖W‖ ratios 8.999 and 1.
    let k = a.lowered[0].key.unwrap();
    assert!((k.max - 8.999).abs() < 1e-12 && k.min == 1.0);
}
