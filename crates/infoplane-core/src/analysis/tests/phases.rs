//! The phase rule on constructed SNR curves: a sustained drop fires, a
//! constant SNR, a drop that recovers and a drop too late to be seen to
//! last do not.

use super::{idnns_epochs, jitter, Build};
use crate::analysis::phases::*;
use crate::analysis::Smoothing;
use crate::gradients::GradDefinition as G;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

/// SNR m/s = 1 up to epoch 100, then 100/t (s = 1).
fn drop_at_100() -> crate::record::SeedRecord {
    Build {
        m: &|e, _| if t(e) <= 100.0 { 1.0 } else { 100.0 / t(e) },
        ..Default::default()
    }
    .record(0, &idnns_epochs())
}

#[test]
fn a_sustained_snr_drop_is_a_transition_at_the_right_epoch() {
    let rec = drop_at_100();
    // Unsmoothed: log10 SNR = −log10(t/100) reaches −0.5 at t = 100·√10 =
    // 316.2; the first logged epoch there is the transition. Every later
    // value is lower still (≤ −0.25), so it lasts.
    let exact = PhaseRule {
        smoothing: Smoothing::NONE,
        ..Default::default()
    };
    let want = idnns_epochs()
        .iter()
        .map(|e| e + 1)
        .find(|&t| t as f64 >= 100.0 * 10f64.sqrt())
        .unwrap();
    let p = phase_checks(&rec, G::Saxe, &exact)[0].unwrap();
    let tr = p.transition.expect("a transition");
    assert_eq!(tr.drop_epoch, want);
    // The pre-drop level is SNR 1, first reached at epoch 1.
    assert_eq!(tr.peak, (1.0, 1));
    assert!(tr.after_max <= 10f64.powf(-0.5));
    // The sustained decline: from the last judged epoch (≤ 4000) the SNR
    // stays below 100/t' with t' the first smoothed epoch there, so the
    // decline is −log10(100/t') ≥ log10(3800/100) = 1.58 decades.
    assert!(p.decline > 1.5 && p.decline < 1.61, "{}", p.decline);
    // The default smoothing moves the epoch by a few percent only.
    let d = phase_checks(&rec, G::Saxe, &PhaseRule::default())[0].unwrap();
    let e = d.transition.expect("a transition").drop_epoch;
    assert!((290..=350).contains(&e), "{e}");
    // Smoothed points start at epoch 10 (≥ 5 values per window).
    assert_eq!(d.first.1, 10);
}

#[test]
fn a_noisy_drop_still_fires_and_a_noisy_constant_does_not() {
    // The same drop with log-normal noise of 0.2 decade per logged epoch
    // (as large as real runs show).
    let n = jitter(11, 274);
    let epochs = idnns_epochs();
    let idx = |e: usize| epochs.iter().position(|&x| x == e).unwrap();
    let rec = Build {
        m: &|e, _| {
            let base = if t(e) <= 100.0 { 1.0 } else { 100.0 / t(e) };
            base * 10f64.powf(0.2 * n[idx(e)])
        },
        ..Default::default()
    }
    .record(0, &epochs);
    let p = phase_checks(&rec, G::Saxe, &PhaseRule::default())[0].unwrap();
    let e = p.transition.expect("a transition").drop_epoch;
    assert!((200..=450).contains(&e), "{e}");
    let flat = Build {
        m: &|e, _| 10f64.powf(0.2 * n[idx(e)]),
        ..Default::default()
    }
    .record(0, &epochs);
    let p = phase_checks(&flat, G::Saxe, &PhaseRule::default())[0].unwrap();
    assert_eq!(p.transition, None);
    assert!(p.decline < 0.5, "{}", p.decline);
}

#[test]
fn a_drop_that_recovers_or_comes_too_late_is_not_a_transition() {
    // SNR 1, then 0.1 over epochs 100–1000, then 1 again: it drops a
    // decade but does not stay down.
    let dip = Build {
        m: &|e, _| {
            if (100.0..=1000.0).contains(&t(e)) {
                0.1
            } else {
                1.0
            }
        },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let p = phase_checks(&dip, G::Saxe, &PhaseRule::default())[0].unwrap();
    assert_eq!(p.transition, None);
    // Everything after any judged epoch reaches SNR 1 again: no sustained decline.
    assert!(p.decline.abs() < 1e-12, "{}", p.decline);
    // A drop at epoch 5000 (after half the run) cannot be seen to last.
    let late = Build {
        m: &|e, _| if t(e) <= 5000.0 { 1.0 } else { 0.01 },
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let p = phase_checks(&late, G::Saxe, &PhaseRule::default())[0].unwrap();
    assert_eq!(p.transition, None);
    // …but a rule allowing drops up to the last epoch finds it.
    let eager = PhaseRule {
        persist: 1.0,
        ..Default::default()
    };
    assert!(phase_checks(&late, G::Saxe, &eager)[0]
        .unwrap()
        .transition
        .is_some());
}

#[test]
fn shrinking_gradients_with_a_constant_snr_fool_the_figure_not_the_rule() {
    // m = 2/t, s = 1/t: the SNR m/s = 2 throughout. IDNNs' figure plots the
    // mean m = 2/t against the std √s = 1/√t: their ratio 2/√t is 2 at
    // epoch 1 (mean above) and 2/√8000 = 0.022 at the end (below), "drift
    // then diffusion" as plotted.
    let rec = Build {
        m: &|e, _| 2.0 / t(e),
        s: &|e, _| 1.0 / t(e),
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let v = mean_vs_std(&rec, G::Idnns)[0].unwrap();
    assert!(v.drift_then_diffusion());
    assert!((v.ratio.0 - 2.0).abs() < 1e-12);
    assert!((v.ratio.1 - 2.0 / 8000f64.sqrt()).abs() < 1e-12);
    for def in [G::Saxe, G::Idnns] {
        let p = phase_checks(&rec, def, &PhaseRule::default())[0].unwrap();
        assert_eq!(p.transition, None, "{def:?}");
        assert!(p.decline.abs() < 1e-12);
    }
}

#[test]
fn snr_ratio_under_each_definition() {
    // m = [1, 2], s = [2, 2], ‖W‖ = [1, 4]:
    // Saxe / per layer: m/s = [0.5, 1];
    // IDNNs: Σm/Σs = [1/2, 3/4];
    // normalised: m/W = [1, 0.5], s/W = [2, 0.5] → [1/2, 1.5/2.5 = 0.6].
    let rec = Build {
        n: 2,
        m: &|_, l| [1.0, 2.0][l],
        s: &|_, _| 2.0,
        w: &|_, l| [1.0, 4.0][l],
        ..Default::default()
    }
    .record(0, &[0]);
    assert_eq!(snr_ratio(&rec, G::Saxe)[0], vec![0.5, 1.0]);
    assert_eq!(snr_ratio(&rec, G::PerLayer)[0], vec![0.5, 1.0]);
    assert_eq!(snr_ratio(&rec, G::Idnns)[0], vec![0.5, 0.75]);
    let n = &snr_ratio(&rec, G::Normalised)[0];
    assert!((n[0] - 0.5).abs() < 1e-15 && (n[1] - 0.6).abs() < 1e-15);
}

#[test]
fn one_batch_per_epoch_has_no_spread_to_judge() {
    // Full-batch training (the stored run): s = 0, m/s infinite, skipped.
    let rec = Build {
        s: &|_, _| 0.0,
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    assert_eq!(
        phase_checks(&rec, G::Saxe, &PhaseRule::default()),
        vec![None]
    );
    assert_eq!(mean_vs_std(&rec, G::Saxe), vec![None]);
}

#[test]
fn across_seeds_counts_the_seeds_with_a_transition() {
    let a = drop_at_100();
    let flat = Build::default().record(1, &idnns_epochs());
    let t = phases_across_seeds(&[&a, &flat, &a], G::Saxe, &PhaseRule::default());
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].showing, t[0].measured, t[0].seeds), (2, 3, 3));
    let k = t[0].key.unwrap();
    // The flat seed's decline is 0; the others' about 1.58 decades.
    assert_eq!(k.min, 0.0);
    assert!(k.max > 1.5 && (k.mean - 2.0 * k.max / 3.0).abs() < 1e-12);
}
