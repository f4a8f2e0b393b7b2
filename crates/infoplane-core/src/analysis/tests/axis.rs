//! Readings on IDNNs' mislabelled axis, on a correctly labelled one, and
//! the letter's example value.

use super::Build;
use crate::analysis::axis::*;
use crate::gradients::GradDefinition as G;

#[test]
fn the_letters_value_reads_below_the_label_ten_to_the_minus_one() {
    // 0.49 lies between the ticks 0.1 and 1, at log position
    // log10(0.49) + 1 = 0.690; those ticks carry the labels 10^-2 and
    // 10^-1, so it reads as 10^(−2 + 0.690) = 0.049, below "10^-1".
    let r = IDNNS_GRADIENT_AXIS.reading(0.49).unwrap();
    assert_eq!((r.ticks, r.labels), ((-1, 0), (-2, -1)));
    assert!((r.reads_as - 0.049).abs() < 1e-12);
    assert!(r.reads_below(-1) && !r.reads_below(-2));
    assert!(r.misread());
    assert!(IDNNS_GRADIENT_AXIS.within_limits(0.49));
}

#[test]
fn ticks_read_as_their_labels_and_values_off_the_ticks_read_nothing() {
    // The tick 0.1 carries the label 10^-2; the top tick 10 the label 10^0.
    let r = IDNNS_GRADIENT_AXIS.reading(0.1).unwrap();
    assert!((r.reads_as - 0.01).abs() < 1e-15);
    assert!((IDNNS_GRADIENT_AXIS.reading(10.0).unwrap().reads_as - 1.0).abs() < 1e-12);
    assert!((IDNNS_GRADIENT_AXIS.reading(1e-3).unwrap().reads_as - 1e-4).abs() < 1e-16);
    for v in [20.0, 5e-4, 0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(IDNNS_GRADIENT_AXIS.reading(v).is_none(), "{v}");
    }
    assert!(!IDNNS_GRADIENT_AXIS.within_limits(20.0));
}

#[test]
fn a_correctly_labelled_axis_reads_every_value_as_itself() {
    // The mapping is derived from ticks and labels, not a fixed factor.
    const TRUE: LabelledAxis = LabelledAxis {
        ticks: &[-3, -2, -1, 0, 1],
        labels: &[-3, -2, -1, 0, 1],
        limits: (1e-3, 10.0),
    };
    for v in [0.0015, 0.49, 3.0, 10.0] {
        let r = TRUE.reading(v).unwrap();
        assert!((r.reads_as / v - 1.0).abs() < 1e-12, "{v}");
        assert!(!r.misread());
    }
    // Ticks two decades apart labelled one decade apart: 1 sits halfway
    // between the ticks 0.1 and 10 (labels 10^-3 and 10^-2), so it reads
    // as 10^-2.5.
    const SQUASHED: LabelledAxis = LabelledAxis {
        ticks: &[-3, -1, 1],
        labels: &[-4, -3, -2],
        limits: (1e-3, 10.0),
    };
    let r = SQUASHED.reading(1.0).unwrap();
    assert!((r.reads_as - 10f64.powf(-2.5)).abs() < 1e-15);
}

#[test]
fn the_first_plotted_std_of_the_last_layer() {
    // The worked example's moments in two layers, m = 5, s = √2: the last
    // layer's cumulative std is √(2·√2) = 1.682. At logged epoch index 3
    // s is 0 (nothing to plot on a log axis), so the first plotted epoch is
    // index 4, drawn at x = 5.
    let rec = Build {
        n: 2,
        m: &|_, _| 5.0,
        s: &|e, _| if e == 3 { 0.0 } else { 2f64.sqrt() },
        ..Default::default()
    }
    .record(0, &[3, 4, 5]);
    let (e, v) = last_layer_first_std(&rec, G::Idnns).unwrap();
    assert_eq!(e, 5);
    assert!((v - 1.68179).abs() < 1e-5);
    // Of the 12 finite plotted values, 10 lie inside [0.001, 10]: the six
    // means 5 and 10 (10 on the limit) and the four stds 1.189 and 1.682;
    // the two zero stds at index 3 lie outside.
    let (inside, total) = within_limits(&rec, G::Idnns, &IDNNS_GRADIENT_AXIS);
    assert_eq!((inside, total), (10, 12));
    assert!(last_layer_first_std(&crate::record::SeedRecord::new(0), G::Idnns).is_none());
}

#[test]
fn the_example_across_seeds_reads_below_the_letters_label_or_not() {
    // One layer, per-layer "std" √s: s = 0.49² gives 0.49 (reads 0.049,
    // below 10^-1); s = 4 gives 2 (between the ticks 1 and 10, labelled
    // 10^-1 and 10^0: reads 0.2, not below).
    let a = Build {
        s: &|_, _| 0.49 * 0.49,
        ..Default::default()
    }
    .record(0, &[0, 1]);
    let b = Build {
        s: &|_, _| 4.0,
        ..Default::default()
    }
    .record(1, &[0, 1]);
    let (per, t) = letters_example(&[&a, &b], G::PerLayer, &IDNNS_GRADIENT_AXIS);
    let (ra, rb) = (per[0].unwrap(), per[1].unwrap());
    assert_eq!((ra.seed, ra.epoch, rb.seed), (0, 1, 1));
    assert!((ra.reading.reads_as - 0.049).abs() < 1e-12);
    assert!((rb.reading.reads_as - 0.2).abs() < 1e-12);
    assert_eq!((t.showing, t.measured, t.seeds, t.layer), (1, 2, 2, 0));
    assert!((t.key.unwrap().mean - 1.245).abs() < 1e-12);
}
