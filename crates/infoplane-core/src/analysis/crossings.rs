//! Crossings of two positive curves, judged on their smoothed log10
//! difference with hysteresis: the curves are on one side once they are
//! more than `hysteresis` decades apart, and a crossing counts only when
//! they get that far apart on the other side. Noise between close curves
//! then moves neither the count nor the first crossing's epoch.

use super::control::{self, ControlRate};
use super::smoothing::{smooth, Smoothing};
use super::{column, grad_series, layers};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// The rule [`crossing`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrossingRule {
    /// Smoothing of log10 a − log10 b.
    pub smoothing: Smoothing,
    /// The gap, in decades, that puts the curves on a side.
    pub hysteresis: f64,
}

impl Default for CrossingRule {
    /// Smoothing ×1.25 (≥ 5 values per point); sides need a gap of 0.25
    /// decade (a factor 1.78): with 0.2, near-equal curves with the noise of
    /// real runs crossed in 2.6 % of controls.
    fn default() -> Self {
        CrossingRule {
            smoothing: Smoothing::default(),
            hysteresis: 0.25,
        }
    }
}

/// Firing rate (at least one crossing) of [`CrossingRule::default`] on
/// [`control::pair`]: two curves with the same true level and independent
/// noise: 1 of 500, 0.2 %. Checked by a test that recomputes it.
pub const CONTROL: ControlRate = ControlRate {
    fired: 1,
    replicates: control::REPLICATES,
};

/// The rule's firing rate on near-equal jittering curves.
pub fn control_rate(rule: &CrossingRule) -> ControlRate {
    ControlRate::measure(|k| {
        let (e, a, b) = control::pair(k, control::NOISE_SD);
        crossing(&e, &a, &b, rule).count > 0
    })
}

/// How often two curves cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crossing {
    /// Crossings counted.
    pub count: usize,
    /// The first crossing: the first epoch (1-based) on the new side, at
    /// the last sign change of the difference before the gap opened.
    pub first_epoch: Option<usize>,
    /// Smoothed epochs compared.
    pub compared: usize,
}

/// Crossings of positive curves `a` and `b` (values at logged epochs
/// `epochs`; epochs where either is not positive and finite are skipped).
pub fn crossing(epochs: &[usize], a: &[f64], b: &[f64], rule: &CrossingRule) -> Crossing {
    let d: Vec<(usize, f64)> = epochs
        .iter()
        .zip(a.iter().zip(b))
        .filter(|(_, (x, y))| x.is_finite() && y.is_finite() && **x > 0.0 && **y > 0.0)
        .map(|(e, (x, y))| (e + 1, libm::log10(*x) - libm::log10(*y)))
        .collect();
    let s = smooth(&d, &rule.smoothing);
    let h = rule.hysteresis;
    let (mut side, mut count, mut first_epoch, mut candidate) = (0.0f64, 0, None, None);
    for p in &s {
        let sign = if p.value > 0.0 {
            1.0
        } else if p.value < 0.0 {
            -1.0
        } else {
            0.0
        };
        if side == 0.0 {
            if p.value.abs() > h {
                side = sign;
            }
            continue;
        }
        if sign == side {
            candidate = None;
        } else if sign != 0.0 {
            candidate.get_or_insert(p.t);
            if p.value.abs() > h {
                count += 1;
                first_epoch = first_epoch.or(candidate);
                side = sign;
                candidate = None;
            }
        }
    }
    Crossing {
        count,
        first_epoch,
        compared: s.len(),
    }
}

/// How often the curves of layers `a` and `b` cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairCrossings {
    /// First layer (0-based).
    pub a: usize,
    /// Second layer (0-based), `b > a`.
    pub b: usize,
    /// Their crossings.
    pub crossing: Crossing,
}

/// Crossings of every pair of layers' curves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossings {
    /// Every pair `a < b`, in order.
    pub pairs: Vec<PairCrossings>,
    /// The sum of their counts.
    pub total: usize,
    /// Logged epochs in the record.
    pub epochs: usize,
}

impl Crossings {
    /// Pairs that cross at least once.
    pub fn crossing_pairs(&self) -> impl Iterator<Item = &PairCrossings> {
        self.pairs.iter().filter(|p| p.crossing.count > 0)
    }

    /// Pairs that cross, most crossings first (ties in pair order).
    pub fn most_crossing(&self) -> Vec<PairCrossings> {
        let mut v: Vec<PairCrossings> = self.crossing_pairs().copied().collect();
        v.sort_unstable_by_key(|p| (std::cmp::Reverse(p.crossing.count), p.a, p.b));
        v
    }
}

/// [`crossing`] of every pair of layers a < b of a `[epoch][layer]` series.
pub fn crossings(epochs: &[usize], series: &[Vec<f64>], rule: &CrossingRule) -> Crossings {
    let n = layers(series);
    let cols: Vec<Vec<f64>> = (0..n).map(|l| column(series, l)).collect();
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            pairs.push(PairCrossings {
                a,
                b,
                crossing: crossing(epochs, &cols[a], &cols[b], rule),
            });
        }
    }
    Crossings {
        total: pairs.iter().map(|p| p.crossing.count).sum(),
        pairs,
        epochs: epochs.len().min(series.len()),
    }
}

/// [`crossings`] of the "mean" curves of definition `def` in `rec`.
pub fn mean_crossings(rec: &SeedRecord, def: GradDefinition, rule: &CrossingRule) -> Crossings {
    crossings(&rec.epochs, &grad_series(rec, def).mean, rule)
}

/// Per layer, the crossings of its own "mean" and "std" curves under
/// definition `def`, as the figure draws them.
pub fn mean_std_crossings(
    rec: &SeedRecord,
    def: GradDefinition,
    rule: &CrossingRule,
) -> Vec<Crossing> {
    let g = grad_series(rec, def);
    (0..layers(&g.mean))
        .map(|l| crossing(&rec.epochs, &column(&g.mean, l), &column(&g.std, l), rule))
        .collect()
}

impl super::seeds::Judged for Crossing {
    fn shows(&self) -> bool {
        self.count > 0
    }
    fn key(&self) -> f64 {
        self.count as f64
    }
}

/// One pair of layers judged over several seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairTally {
    /// First layer (0-based).
    pub a: usize,
    /// Second layer.
    pub b: usize,
    /// Seeds in which the pair crosses, of how many, and the spread of the
    /// count (its `layer` is the pair's index in pair order).
    pub tally: super::seeds::LayerTally,
}

/// [`mean_crossings`] over several seeds, tallied by pair of layers.
pub fn crossings_across_seeds(
    recs: &[&SeedRecord],
    def: GradDefinition,
    rule: &CrossingRule,
) -> Vec<PairTally> {
    let per: Vec<Crossings> = recs.iter().map(|r| mean_crossings(r, def, rule)).collect();
    let judged: Vec<Vec<Option<Crossing>>> = per
        .iter()
        .map(|c| c.pairs.iter().map(|p| Some(p.crossing)).collect())
        .collect();
    let widest = per.iter().max_by_key(|c| c.pairs.len());
    super::seeds::tally(&judged)
        .into_iter()
        .zip(widest.map_or(&[][..], |c| c.pairs.as_slice()))
        .map(|(tally, p)| PairTally {
            a: p.a,
            b: p.b,
            tally,
        })
        .collect()
}
