//! Each layer's share of IDNNs' cumulative sums: the top layer's "mean"
//! is Σ_l m_l and its "std" is √(Σ_l s_l), so layer l contributes
//! m_l / Σ m and s_l / Σ s (in the std² units the figure sums). Does the
//! first layer dominate what the higher layers' curves show?

use super::control::{self, ControlRate};
use super::seeds::{tally_with, LayerTally};
use super::{column, layers};
use crate::record::SeedRecord;

/// Per logged epoch, each layer's share of the two sums, `[epoch][layer]`
/// (NaN where a sum is not positive or a value is missing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shares {
    /// m_l / Σ_{l ≤ L} m_l, L the top layer.
    pub mean: Vec<Vec<f64>>,
    /// s_l / Σ_{l ≤ L} s_l.
    pub var: Vec<Vec<f64>>,
}

fn row_shares(row: &[f64]) -> Vec<f64> {
    let sum: f64 = row.iter().sum();
    if sum.is_finite() && sum > 0.0 {
        row.iter().map(|v| v / sum).collect()
    } else {
        vec![f64::NAN; row.len()]
    }
}

/// Each layer's share of the cumulative mean and variance sums of `rec`.
pub fn layer_shares(rec: &SeedRecord) -> Shares {
    Shares {
        mean: rec.grad_m.iter().map(|r| row_shares(r)).collect(),
        var: rec.grad_s.iter().map(|r| row_shares(r)).collect(),
    }
}

/// The rule [`dominance`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShareRule {
    /// A layer dominates at an epoch when its share exceeds this…
    pub share: f64,
    /// … and dominates the run when it does so at more than this fraction
    /// of the logged epochs.
    pub epochs: f64,
}

impl Default for ShareRule {
    /// More than half of the sum (more than all other layers together) at
    /// more than half of the logged epochs.
    fn default() -> Self {
        ShareRule {
            share: 0.5,
            epochs: 0.5,
        }
    }
}

/// Firing rate (on either sum) of [`ShareRule::default`] on
/// [`control::shares`] (the first layer holding a constant 10–45 % of both
/// sums, with noise): 0 of 500. Checked by a test that recomputes it.
pub const CONTROL: ControlRate = ControlRate {
    fired: 0,
    replicates: control::REPLICATES,
};

/// The rule's firing rate on the stationary share control.
pub fn control_rate(rule: &ShareRule) -> ControlRate {
    ControlRate::measure(|k| {
        let (_, m, s) = control::shares(k);
        let d = first_layer_dominance_of(&m, &s, rule);
        d.mean.is_some_and(|d| d.dominates) || d.var.is_some_and(|d| d.dominates)
    })
}

/// One layer's share over a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dominance {
    /// Logged epochs where its share exceeds the rule's `share`.
    pub above: usize,
    /// Logged epochs with a share.
    pub compared: usize,
    /// above / compared.
    pub fraction: f64,
    /// Median share over the logged epochs.
    pub median: f64,
    /// fraction > the rule's `epochs`.
    pub dominates: bool,
}

/// How a series of shares `shares[epoch]` compares with `rule`.
pub fn dominance(shares: &[f64], rule: &ShareRule) -> Option<Dominance> {
    let mut v: Vec<f64> = shares.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let above = v.iter().filter(|&&x| x > rule.share).count();
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let fraction = above as f64 / n as f64;
    Some(Dominance {
        above,
        compared: n,
        fraction,
        median,
        dominates: fraction > rule.epochs,
    })
}

/// The first layer's dominance of both sums.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FirstLayer {
    /// Its share of Σ m_l (the top layer's "mean").
    pub mean: Option<Dominance>,
    /// Its share of Σ s_l (the top layer's "std"²).
    pub var: Option<Dominance>,
}

fn first_layer_dominance_of(m: &[Vec<f64>], s: &[Vec<f64>], rule: &ShareRule) -> FirstLayer {
    let share0 = |rows: &[Vec<f64>]| -> Vec<f64> {
        rows.iter()
            .map(|r| row_shares(r).first().copied().unwrap_or(f64::NAN))
            .collect()
    };
    FirstLayer {
        mean: dominance(&share0(m), rule),
        var: dominance(&share0(s), rule),
    }
}

/// Whether the first layer dominates the cumulative sums of `rec`.
pub fn first_layer_dominance(rec: &SeedRecord, rule: &ShareRule) -> FirstLayer {
    first_layer_dominance_of(&rec.grad_m, &rec.grad_s, rule)
}

/// Every layer's median share of each sum in `rec`, `(mean, var)` per layer.
pub fn median_shares(rec: &SeedRecord) -> Vec<(f64, f64)> {
    let sh = layer_shares(rec);
    let rule = ShareRule::default();
    (0..layers(&sh.mean))
        .map(|l| {
            let med =
                |v: &[Vec<f64>]| dominance(&column(v, l), &rule).map_or(f64::NAN, |d| d.median);
            (med(&sh.mean), med(&sh.var))
        })
        .collect()
}

/// The first layer's dominance over several seeds: `(mean sum, variance
/// sum)` tallies, one entry each (key: the fraction of epochs above).
pub fn dominance_across_seeds(recs: &[&SeedRecord], rule: &ShareRule) -> (LayerTally, LayerTally) {
    let per: Vec<FirstLayer> = recs
        .iter()
        .map(|r| first_layer_dominance(r, rule))
        .collect();
    let one = |pick: fn(&FirstLayer) -> Option<Dominance>| {
        let v: Vec<Vec<Option<Dominance>>> = per.iter().map(|f| vec![pick(f)]).collect();
        tally_with(&v, |d| d.dominates, |d| d.fraction)
            .into_iter()
            .next()
            .unwrap_or(LayerTally {
                layer: 0,
                showing: 0,
                measured: 0,
                seeds: recs.len(),
                key: None,
            })
    };
    (one(|f| f.mean), one(|f| f.var))
}
