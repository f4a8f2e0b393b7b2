//! Compression in the information plane: a layer's I(X;T) peaks and then
//! stays down. Judged on smoothed I(X;T): every smoothed value of the late
//! stretch (the second half of training) lies below the peak reached before
//! it by a threshold that scales with the layer.

use super::control::{self, ControlRate};
use super::seeds::{tally, Judged, LayerTally};
use super::smoothing::{smooth, Smoothed, Smoothing};
use super::{column, late_start, layers, points};
use crate::record::SeedRecord;

/// The rule [`compression`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompressionRule {
    /// Smoothing of I(X;T) and I(T;Y) (in bits).
    pub smoothing: Smoothing,
    /// The late stretch: epochs t ≥ `late` · T, T the last logged epoch.
    pub late: f64,
    /// I(X;T) must stay below its peak by max(`min_bits`, `fraction` · peak).
    pub min_bits: f64,
    /// See `min_bits`.
    pub fraction: f64,
    /// I(T;Y) falls with it if it stays below its value at the I(X;T) peak
    /// by max(`ity_min_bits`, `fraction` · that value).
    pub ity_min_bits: f64,
}

impl Default for CompressionRule {
    /// Smoothing ×1.25 (≥ 5 values per point); late stretch: the second
    /// half of training (4000–8000 of 8000); I(X;T) at least max(0.5 bit,
    /// 10 % of the peak) below the peak throughout; I(T;Y) at least
    /// max(0.05 bit, 10 %).
    fn default() -> Self {
        CompressionRule {
            smoothing: Smoothing::default(),
            late: 0.5,
            min_bits: 0.5,
            fraction: 0.1,
            ity_min_bits: 0.05,
        }
    }
}

/// Firing rate of [`CompressionRule::default`] on [`control::information`]
/// (I(X;T) rising to a plateau or flat, with noise): 0 of 500. Checked by
/// a test that recomputes it.
pub const CONTROL: ControlRate = ControlRate {
    fired: 0,
    replicates: control::REPLICATES,
};

/// The rule's firing rate on the stationary information control.
pub fn control_rate(rule: &CompressionRule) -> ControlRate {
    ControlRate::measure(|k| {
        let c = control::information(k);
        compression(&c.epochs, &c.ixt, &c.ity, rule).is_some_and(|c| c.compresses)
    })
}

/// What I(T;Y) did while I(X;T) compressed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ItyChange {
    /// Smoothed I(T;Y) at the I(X;T) peak's epoch (bits).
    pub at_peak: f64,
    /// Highest smoothed I(T;Y) over the late stretch.
    pub late_max: f64,
    /// at_peak − late_max ≥ max(ity_min_bits, fraction · at_peak).
    pub falls: bool,
}

/// One layer's I(X;T) judged by a [`CompressionRule`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Compression {
    /// Highest smoothed I(X;T) before the late stretch (bits) and its epoch.
    pub peak: (f64, usize),
    /// Highest smoothed I(X;T) over the late stretch.
    pub late_max: f64,
    /// First and last epoch of the late stretch (1-based).
    pub late_epochs: (usize, usize),
    /// Smoothed I(X;T) at the last smoothed epoch, and that epoch.
    pub end: (f64, usize),
    /// peak − late_max: how far the whole late stretch stays below the peak.
    pub fall: f64,
    /// max(min_bits, fraction · peak).
    pub threshold: f64,
    /// fall ≥ threshold.
    pub compresses: bool,
    /// I(T;Y) over the same epochs, if measured.
    pub ity: Option<ItyChange>,
}

impl Judged for Compression {
    fn shows(&self) -> bool {
        self.compresses
    }
    fn key(&self) -> f64 {
        self.fall
    }
}

/// Judges one layer's I(X;T) (and I(T;Y), same epochs) by `rule`; `None`
/// if no smoothed epoch precedes the late stretch or none lies in it.
pub fn compression(
    epochs: &[usize],
    ixt: &[f64],
    ity: &[f64],
    rule: &CompressionRule,
) -> Option<Compression> {
    let s = smooth(&points(epochs, ixt), &rule.smoothing);
    let t_last = s.last()?.t;
    let start = late_start(t_last, rule.late);
    let is_late = |p: &&Smoothed| p.t as f64 >= start;
    let peak = s
        .iter()
        .filter(|p| !is_late(p))
        .fold(None::<&Smoothed>, |best, p| match best {
            Some(b) if b.value >= p.value => best,
            _ => Some(p),
        })?;
    let late: Vec<&Smoothed> = s.iter().filter(is_late).collect();
    let late_max = late
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let (first, last) = (late.first()?, late.last()?);
    let threshold = rule.min_bits.max(rule.fraction * peak.value);
    let fall = peak.value - late_max;
    let y = smooth(&points(epochs, ity), &rule.smoothing);
    let ity = y.iter().find(|p| p.t == peak.t).and_then(|at| {
        let late_y = y
            .iter()
            .filter(is_late)
            .map(|p| p.value)
            .fold(f64::NEG_INFINITY, f64::max);
        late_y.is_finite().then(|| ItyChange {
            at_peak: at.value,
            late_max: late_y,
            falls: at.value - late_y >= rule.ity_min_bits.max(rule.fraction * at.value),
        })
    });
    Some(Compression {
        peak: (peak.value, peak.t),
        late_max,
        late_epochs: (first.t, last.t),
        end: (last.value, last.t),
        fall,
        threshold,
        compresses: fall >= threshold,
        ity,
    })
}

/// [`compression`] of every layer of one record.
pub fn compression_by_layer(rec: &SeedRecord, rule: &CompressionRule) -> Vec<Option<Compression>> {
    (0..layers(&rec.ixt))
        .map(|l| {
            compression(
                &rec.epochs,
                &column(&rec.ixt, l),
                &column(&rec.ity, l),
                rule,
            )
        })
        .collect()
}

/// One layer over several seeds: each seed's judgement and the tally.
#[derive(Clone, Debug, PartialEq)]
pub struct CompressionAcrossSeeds {
    /// Layer (0-based).
    pub layer: usize,
    /// Each seed's judgement, in record order.
    pub seeds: Vec<Option<Compression>>,
    /// Seeds that compress, of how many, and the spread of the fall.
    pub tally: LayerTally,
    /// Of the seeds that compress, those whose I(T;Y) falls with it.
    pub ity_falls: usize,
}

/// [`compression_by_layer`] of every record, by layer.
pub fn compression_across_seeds(
    recs: &[&SeedRecord],
    rule: &CompressionRule,
) -> Vec<CompressionAcrossSeeds> {
    let per: Vec<Vec<Option<Compression>>> =
        recs.iter().map(|r| compression_by_layer(r, rule)).collect();
    tally(&per)
        .into_iter()
        .map(|t| {
            let seeds: Vec<Option<Compression>> = per
                .iter()
                .map(|s| s.get(t.layer).copied().flatten())
                .collect();
            CompressionAcrossSeeds {
                layer: t.layer,
                ity_falls: seeds
                    .iter()
                    .flatten()
                    .filter(|c| c.compresses && c.ity.is_some_and(|i| i.falls))
                    .count(),
                seeds,
                tally: t,
            }
        })
        .collect()
}
