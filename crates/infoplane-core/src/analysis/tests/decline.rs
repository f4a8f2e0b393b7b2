//! The letter's MNIST finding both ways: means and stds both falling with
//! no crossing and no transition, and a run that shows the opposite.

use super::{idnns_epochs, Build};
use crate::analysis::decline::*;
use crate::gradients::GradDefinition as G;

fn t(e: usize) -> f64 {
    e as f64 + 1.0
}

#[test]
fn both_falling_without_crossing_or_transition_is_what_the_letter_found() {
    // m = 0.1/t, s = 1/t²: the per-layer figure's std √s = 1/t lies a
    // decade above the mean throughout (no crossing); both fall by more
    // than 0.3 decade; the SNR m/s = 0.1·t rises (no drop).
    let rec = Build {
        m: &|e, _| 0.1 / t(e),
        s: &|e, _| 1.0 / (t(e) * t(e)),
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let d = gradient_declines(&rec, G::PerLayer, &DeclineRule::default());
    assert_eq!(d.len(), 1);
    assert!(d[0].both_fall());
    assert_eq!(d[0].crossing.count, 0);
    assert!(d[0].phases.unwrap().transition.is_none());
    assert!(d[0].as_the_letter_found());
}

#[test]
fn a_rising_std_a_crossing_and_a_transition_are_not() {
    // m = 1/√t falls; s = t/1000 rises, so √s = √(t/1000) crosses the mean
    // at t = 31.6, and the SNR m/s = 1000 · t^−1.5 falls 3 decades.
    let rec = Build {
        m: &|e, _| 1.0 / t(e).sqrt(),
        s: &|e, _| t(e) / 1000.0,
        ..Default::default()
    }
    .record(0, &idnns_epochs());
    let d = gradient_declines(&rec, G::PerLayer, &DeclineRule::default());
    assert!(!d[0].both_fall());
    assert_eq!(d[0].crossing.count, 1);
    assert!(d[0].phases.unwrap().transition.is_some());
    assert!(!d[0].as_the_letter_found());
    // Over two seeds (this one and the letter's pattern).
    let letter = Build {
        m: &|e, _| 0.1 / t(e),
        s: &|e, _| 1.0 / (t(e) * t(e)),
        ..Default::default()
    }
    .record(1, &idnns_epochs());
    let tl = declines_across_seeds(&[&rec, &letter], G::PerLayer, &DeclineRule::default());
    assert_eq!((tl.both_fall[0].showing, tl.both_fall[0].measured), (1, 2));
    assert_eq!(tl.crossing[0].showing, 1);
    assert_eq!(tl.phases[0].showing, 1);
}
