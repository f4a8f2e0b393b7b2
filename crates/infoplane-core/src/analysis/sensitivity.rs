//! How much of a layer's final I(X;T) a sweep's values set: per layer, the
//! range of the final I(X;T) (mean over seeds) across the swept values,
//! and, seed by seed, how far each seed moves between the values with the
//! lowest and the highest mean. A sweep measures the same trained networks
//! at every value (training is shared, or the same seed trains the same
//! network), so the comparison is paired: the values set the layer when
//! the seeds move alike, by more than the spread of their moves and by a
//! floor. For a sweep of the bin count this says whether the bins, rather
//! than the network, decide the picture.
//!
//! Input is `[value][seed][layer]`: each value's seeds' final I(X;T) per
//! layer ([`final_ixt`] of each seed's record), seeds in the same order at
//! every value.

use super::control::{ControlRate, REPLICATES};
use super::seeds::Spread;
use crate::record::SeedRecord;
use crate::rng::{Rng, Stream};

/// The rule [`sensitivity`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SensitivityRule {
    /// The values set a layer's final I(X;T) when the seeds' mean move
    /// (value at the highest-mean value minus value at the lowest-mean
    /// one, seed by seed) exceeds this many times the (population) sd of
    /// those moves…
    pub factor: f64,
    /// … and this many bits.
    pub floor: f64,
}

impl Default for SensitivityRule {
    /// Three times the moves' sd, and half a bit.
    fn default() -> Self {
        SensitivityRule {
            factor: 3.0,
            floor: 0.5,
        }
    }
}

/// One layer of a sweep judged.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerSensitivity {
    /// Layer (0-based).
    pub layer: usize,
    /// Per value, its seeds' final I(X;T) (`None` when no seed measured it).
    pub per_value: Vec<Option<Spread>>,
    /// Largest minus smallest per-value mean (bits).
    pub across_values: f64,
    /// The value (index) with the smallest mean.
    pub lowest: usize,
    /// The value (index) with the largest mean.
    pub highest: usize,
    /// The largest range over seeds at any one value (bits).
    pub across_seeds: f64,
    /// Seed by seed, its value at `highest` minus its value at `lowest`
    /// (seeds measured at both); `None` if no seed was.
    pub moves: Option<Spread>,
    /// The fewest seeds measured at any value.
    pub seeds: usize,
    /// `across_values` as a share of the largest mean: how much of the
    /// layer's final I(X;T) the values set.
    pub share: f64,
    /// Whether the values set it (see [`SensitivityRule`]); `None` with
    /// fewer than two seeds measured at both ends (no spread of the moves
    /// to compare with).
    pub set_by_values: Option<bool>,
}

/// The last logged row of I(X;T) of `rec` (empty if it logged nothing).
pub fn final_ixt(rec: &SeedRecord) -> Vec<f64> {
    rec.ixt.last().cloned().unwrap_or_default()
}

/// `[value][seed][layer]` of the final I(X;T) of each value's seed
/// records (a seed that logged nothing gives an empty row, skipped).
pub fn finals_of(points: &[&[SeedRecord]]) -> Vec<Vec<Vec<f64>>> {
    points
        .iter()
        .map(|seeds| seeds.iter().map(final_ixt).collect())
        .collect()
}

/// Judges every layer of `finals[value][seed][layer]` (NaN and missing
/// entries are skipped). A layer needs a measurement at two values or more.
pub fn sensitivity(finals: &[Vec<Vec<f64>>], rule: &SensitivityRule) -> Vec<LayerSensitivity> {
    let layers = finals.iter().flatten().map(Vec::len).max().unwrap_or(0);
    (0..layers)
        .filter_map(|l| judge_layer(finals, l, rule))
        .collect()
}

fn judge_layer(
    finals: &[Vec<Vec<f64>>],
    l: usize,
    rule: &SensitivityRule,
) -> Option<LayerSensitivity> {
    let per_value: Vec<Option<Spread>> = finals
        .iter()
        .map(|seeds| Spread::of(seeds.iter().map(|s| s.get(l).copied().unwrap_or(f64::NAN))))
        .collect();
    let measured: Vec<(usize, Spread)> = per_value
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, s)))
        .collect();
    if measured.len() < 2 {
        return None;
    }
    // Ties go to the first value (the sweep's canonical order).
    let mut lowest = measured[0];
    let mut highest = measured[0];
    for &m in &measured[1..] {
        if m.1.mean < lowest.1.mean {
            lowest = m;
        }
        if m.1.mean > highest.1.mean {
            highest = m;
        }
    }
    let across_values = highest.1.mean - lowest.1.mean;
    let across_seeds = measured.iter().map(|(_, s)| s.range()).fold(0.0, f64::max);
    let seeds = measured.iter().map(|(_, s)| s.n).min().unwrap_or(0);
    let share = if highest.1.mean > 0.0 {
        across_values / highest.1.mean
    } else {
        f64::NAN
    };
    // Seed k's move between the two ends (seeds pair by position).
    let at = |v: usize, k: usize| finals[v].get(k).and_then(|s| s.get(l)).copied();
    let moves = Spread::of(
        (0..finals[highest.0].len().min(finals[lowest.0].len())).map(|k| {
            match (at(highest.0, k), at(lowest.0, k)) {
                (Some(h), Some(lo)) => h - lo,
                _ => f64::NAN,
            }
        }),
    );
    let set_by_values = moves
        .filter(|m| m.n >= 2)
        .map(|m| m.mean > rule.floor && m.mean > rule.factor * m.sd);
    Some(LayerSensitivity {
        layer: l,
        per_value,
        across_values,
        lowest: lowest.0,
        highest: highest.0,
        across_seeds,
        moves,
        seeds,
        share,
        set_by_values,
    })
}

/// A stationary control: a sweep whose values do not matter. Each of 3–6
/// values has the same 2–4 seeds; seed k's final I(X;T) of one layer is a
/// level U(1, 11) bits plus its own offset of sd U(0.02, 3) bits (the
/// seeds of real IDNNs runs end up to 6 bits apart) at every value, plus
/// independent noise of sd U(0.01, 0.15) bits per value and seed (a
/// Monte Carlo estimator's; binning has none, so a bin count that does not
/// matter gives the same numbers at every value). `[value][seed][layer]`,
/// one layer.
pub fn control(replicate: usize) -> Vec<Vec<Vec<f64>>> {
    let mut r = Rng::for_stream((7u64 << 32) | replicate as u64, Stream::Init);
    let uniform = |r: &mut Rng, lo: f64, hi: f64| lo + (hi - lo) * r.next_f64();
    let values = (3 + (r.next_f64() * 4.0) as usize).min(6);
    let seeds = (2 + (r.next_f64() * 3.0) as usize).min(4);
    let level = uniform(&mut r, 1.0, 11.0);
    let seed_sd = uniform(&mut r, 0.02, 3.0);
    let noise = uniform(&mut r, 0.01, 0.15);
    let offsets: Vec<f64> = (0..seeds).map(|_| seed_sd * r.normal()).collect();
    (0..values)
        .map(|_| {
            offsets
                .iter()
                .map(|o| vec![level + o + noise * r.normal()])
                .collect()
        })
        .collect()
}

/// Firing rate of [`SensitivityRule::default`] on [`control`]: 0 of 500.
/// Checked by a test that recomputes it.
pub const CONTROL: ControlRate = ControlRate {
    fired: 0,
    replicates: REPLICATES,
};

/// The rule's firing rate on the stationary control.
pub fn control_rate(rule: &SensitivityRule) -> ControlRate {
    ControlRate::measure(|k| {
        sensitivity(&control(k), rule)
            .iter()
            .any(|l| l.set_by_values == Some(true))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[value][seed][layer]` from per-value seed lists of one layer.
    fn one_layer(v: &[&[f64]]) -> Vec<Vec<Vec<f64>>> {
        v.iter()
            .map(|seeds| seeds.iter().map(|&x| vec![x]).collect())
            .collect()
    }

    #[test]
    fn bins_that_set_the_picture_fire() {
        // Three bin counts, two seeds each: means 3, 7.5 and 11.9, so the
        // range over values is 11.9 − 3 = 8.9 bits; the seeds lie 0.2,
        // 1.0 and 0.2 apart, largest 1.0. Seed by seed from the first to
        // the last value: 11.8 − 2.9 = 8.9 and 12.0 − 3.1 = 8.9, sd 0, so
        // 8.9 > max(3 × 0, 0.5) fires.
        let j = sensitivity(
            &one_layer(&[&[2.9, 3.1], &[7.0, 8.0], &[11.8, 12.0]]),
            &SensitivityRule::default(),
        );
        assert_eq!(j.len(), 1);
        let l = &j[0];
        assert!((l.across_values - 8.9).abs() < 1e-12, "{}", l.across_values);
        assert!((l.across_seeds - 1.0).abs() < 1e-12);
        assert_eq!((l.lowest, l.highest, l.seeds), (0, 2, 2));
        let m = l.moves.unwrap();
        assert!((m.mean - 8.9).abs() < 1e-12 && m.sd < 1e-12 && m.n == 2);
        // 8.9 / 11.9 of the largest mean.
        assert!((l.share - 8.9 / 11.9).abs() < 1e-12);
        assert_eq!(l.set_by_values, Some(true));
    }

    #[test]
    fn seeds_that_differ_more_than_values_do_not_fire() {
        // Means 6.0 and 7.0 (range 1.0 bit): seed 0 moves 6.9 − 5.0 = 1.9,
        // seed 1 moves 7.1 − 7.0 = 0.1: mean 1.0, sd 0.9, and
        // 1.0 < 3 × 0.9, so the values do not set the layer.
        let j = sensitivity(
            &one_layer(&[&[5.0, 7.0], &[6.9, 7.1]]),
            &SensitivityRule::default(),
        );
        assert!((j[0].across_values - 1.0).abs() < 1e-12);
        assert!((j[0].moves.unwrap().sd - 0.9).abs() < 1e-12);
        assert_eq!(j[0].set_by_values, Some(false));
        // The same two means with the seeds far apart but moving alike
        // (seed 0: 2 → 3, seed 1: 10 → 11): moves 1.0 and 1.0, sd 0, so
        // the values set it although the seeds lie 8 bits apart.
        let j = sensitivity(
            &one_layer(&[&[2.0, 10.0], &[3.0, 11.0]]),
            &SensitivityRule::default(),
        );
        assert_eq!(j[0].across_seeds, 8.0);
        assert_eq!(j[0].set_by_values, Some(true));
        // Identical seeds but moves under the 0.5-bit floor: 0.3 > 3 × 0
        // yet ≤ 0.5, so no.
        let j = sensitivity(
            &one_layer(&[&[4.0, 4.0], &[4.3, 4.3]]),
            &SensitivityRule::default(),
        );
        assert_eq!(j[0].set_by_values, Some(false));
    }

    #[test]
    fn one_seed_cannot_be_judged_and_missing_values_are_skipped() {
        let j = sensitivity(
            &one_layer(&[&[1.0], &[9.0], &[f64::NAN]]),
            &SensitivityRule::default(),
        );
        assert_eq!(j[0].set_by_values, None);
        assert_eq!(j[0].across_values, 8.0);
        assert!(j[0].per_value[2].is_none());
        // A layer measured at one value only has no judgement.
        assert!(sensitivity(&one_layer(&[&[1.0, 2.0]]), &SensitivityRule::default()).is_empty());
        // Ragged layers: layer 1 exists only in the second value.
        let finals = vec![vec![vec![1.0]], vec![vec![2.0, 5.0]]];
        let j = sensitivity(&finals, &SensitivityRule::default());
        assert_eq!(j.len(), 1);
    }

    #[test]
    fn final_ixt_is_the_last_logged_row() {
        let mut r = SeedRecord::new(0);
        assert!(final_ixt(&r).is_empty());
        r.ixt = vec![vec![1.0, 2.0], vec![3.0, 4.0]];
        assert_eq!(final_ixt(&r), vec![3.0, 4.0]);
        // Two values, the first with one seed that logged and one that did
        // not (its empty row is no layer, so layer 0 has one seed there).
        let empty = SeedRecord::new(1);
        let f = finals_of(&[&[r.clone(), empty][..], &[r][..]]);
        assert_eq!(f, vec![vec![vec![3.0, 4.0], vec![]], vec![vec![3.0, 4.0]]]);
        let j = sensitivity(&f, &SensitivityRule::default());
        assert_eq!(j[0].per_value[0].map(|s| s.n), Some(1));
        // Equal values: no range, nothing set by the values.
        assert_eq!((j[0].across_values, j[0].set_by_values), (0.0, None));
    }

    #[test]
    fn the_stated_control_rate_is_the_measured_one() {
        assert_eq!(control(3), control(3));
        let c = control(0);
        assert!((3..=6).contains(&c.len()) && (2..=4).contains(&c[0].len()));
        assert_eq!(control_rate(&SensitivityRule::default()), CONTROL);
        // A lower bar fires more often on the same controls.
        let loose = SensitivityRule {
            factor: 1.0,
            floor: 0.0,
        };
        assert!(control_rate(&loose).fired > CONTROL.fired);
    }
}
