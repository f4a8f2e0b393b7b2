//! Verdicts on runs: pure functions of records that say what a run shows,
//! for the letter page. Each rule lives in its own module, takes its
//! thresholds as an explicit rule struct (whose `Default` is what the page
//! states), and returns numbers and booleans, never prose:
//!
//! - [`smoothing`]: log-time smoothing shared by every rule;
//! - [`phases`]: drift then diffusion, judged on a scale-free SNR, and the
//!   figure's mean-above-std comparison;
//! - [`crossings`]: crossings of smoothed curves, with hysteresis;
//! - [`trends`]: sustained rises and falls of a positive curve;
//! - [`normalisation`]: what dividing by ‖W_l‖ changes;
//! - [`axis`]: where a value reads on IDNNs' mislabelled axis;
//! - [`compression`]: a sustained fall of I(X;T) in the information plane;
//! - [`shares`]: each layer's share of the cumulative sums;
//! - [`decline`]: the letter's MNIST experiment (means and stds falling);
//! - [`stored`]: SZT's stored 20-repeat run and the comparison with it;
//! - [`sensitivity`]: how much a sweep's values (e.g. the bin count) set
//!   each layer's final I(X;T), against the spread over seeds;
//! - [`seeds`]: every rule's summary over seeds;
//! - [`control`]: stationary controls (nothing happens) on which each rule's
//!   false-alarm rate is measured.
//!
//! Epochs in results are the 1-based epoch numbers the figures plot
//! (record index + 1). NaN values (and, on log scales, values ≤ 0) are
//! skipped; a series with nothing to measure gives `None`. Epochs of a
//! record are ascending, as runs log them.

use crate::gradients::GradDefinition;
use crate::record::{GradSeries, SeedRecord};

pub mod axis;
pub mod compression;
pub mod control;
pub mod crossings;
pub mod decline;
pub mod normalisation;
pub mod phases;
pub mod seeds;
pub mod sensitivity;
pub mod shares;
pub mod smoothing;
pub mod stored;
pub mod trends;

#[cfg(test)]
mod tests;

pub use seeds::{tally, Judged, LayerTally, Spread};
pub use smoothing::Smoothing;

/// Column `layer` of a `[epoch][layer]` series (NaN where a row is short).
pub fn column(series: &[Vec<f64>], layer: usize) -> Vec<f64> {
    series
        .iter()
        .map(|row| row.get(layer).copied().unwrap_or(f64::NAN))
        .collect()
}

/// Number of layers in a `[epoch][layer]` series (its widest row).
pub fn layers(series: &[Vec<f64>]) -> usize {
    series.iter().map(Vec::len).max().unwrap_or(0)
}

/// The curves of definition `def` stored in `rec` (empty if absent).
pub fn grad_series(rec: &SeedRecord, def: GradDefinition) -> GradSeries {
    rec.grad_stats.get(def.name()).cloned().unwrap_or_default()
}

/// `(t, v)` with t = epoch index + 1, for finite `v`.
pub fn points(epochs: &[usize], values: &[f64]) -> Vec<(usize, f64)> {
    epochs
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_finite())
        .map(|(e, v)| (e + 1, *v))
        .collect()
}

/// `(t, log10 v)` with t = epoch index + 1, for finite `v > 0`.
pub fn log_points(epochs: &[usize], values: &[f64]) -> Vec<(usize, f64)> {
    epochs
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_finite() && **v > 0.0)
        .map(|(e, v)| (e + 1, libm::log10(*v)))
        .collect()
}

/// 10^v (portable).
pub(crate) fn exp10(v: f64) -> f64 {
    libm::pow(10.0, v)
}

/// Where the late stretch of a run whose last logged epoch is `t_last`
/// starts: epochs t ≥ `late` · T (`late` 0.5: the second half of training,
/// the last 0.3 decade of a log epoch axis).
pub(crate) fn late_start(t_last: usize, late: f64) -> f64 {
    late * t_last as f64
}

/// A positive quantity at the first and last logged epochs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth {
    /// Value at the first logged epoch with one.
    pub first: f64,
    /// Value at the last.
    pub last: f64,
    /// last / first.
    pub ratio: f64,
}

/// How ‖W_l‖_F changed from the first to the last logged epoch, per layer.
pub fn weight_norm_growth(rec: &SeedRecord) -> Vec<Option<Growth>> {
    (0..layers(&rec.wnorm))
        .map(|l| {
            let pts: Vec<(usize, f64)> = points(&rec.epochs, &column(&rec.wnorm, l))
                .into_iter()
                .filter(|p| p.1 > 0.0)
                .collect();
            let (first, last) = (pts.first()?.1, pts.last()?.1);
            Some(Growth {
                first,
                last,
                ratio: last / first,
            })
        })
        .collect()
}

/// Accuracy on the training and test rows at the last logged epoch.
pub fn final_accuracy(rec: &SeedRecord) -> (f64, f64) {
    (
        rec.acc_train.last().copied().unwrap_or(f64::NAN),
        rec.acc_test.last().copied().unwrap_or(f64::NAN),
    )
}

/// The records that logged at least one epoch (the ones a verdict can judge).
pub fn with_data(recs: &[SeedRecord]) -> Vec<&SeedRecord> {
    recs.iter().filter(|r| !r.epochs.is_empty()).collect()
}
