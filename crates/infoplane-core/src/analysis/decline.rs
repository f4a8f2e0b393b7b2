//! The letter's first experiment (a ReLU network on MNIST): "the sizes of
//! gradients decrease through training, and so do their variances", with
//! no two phases and no crossing of the two metrics. Per layer: whether the
//! "mean" and the "std" curves both fall for good ([`super::trends`]),
//! whether they cross ([`super::crossings`]), and the phase rule.

use super::crossings::{mean_std_crossings, Crossing, CrossingRule};
use super::phases::{phase_checks, PhaseCheck, PhaseRule};
use super::seeds::{tally_with, LayerTally};
use super::trends::{mean_trends, std_trends, Direction, Trend, TrendRule};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// The rules [`gradient_declines`] applies.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DeclineRule {
    /// For the mean and the std curves.
    pub trend: TrendRule,
    /// For crossings of a layer's mean and std curves.
    pub crossing: CrossingRule,
    /// For the two phases (on m_l / s_l).
    pub phases: PhaseRule,
}

/// One layer of one run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerDecline {
    /// The "mean" curve's trend.
    pub mean: Option<Trend>,
    /// The "std" curve's trend.
    pub std: Option<Trend>,
    /// Crossings of the mean and std curves as the figure draws them.
    pub crossing: Crossing,
    /// The phase rule on Saxe's m_l / s_l.
    pub phases: Option<PhaseCheck>,
}

impl LayerDecline {
    /// Both curves fall for good.
    pub fn both_fall(&self) -> bool {
        let falls = |t: &Option<Trend>| t.is_some_and(|t| t.direction == Direction::Falls);
        falls(&self.mean) && falls(&self.std)
    }

    /// The letter's finding: both fall, the curves never cross and the
    /// phase rule finds no transition.
    pub fn as_the_letter_found(&self) -> bool {
        self.both_fall()
            && self.crossing.count == 0
            && self.phases.is_none_or(|p| p.transition.is_none())
    }
}

/// Every layer of `rec` under definition `def` (the figure's).
pub fn gradient_declines(
    rec: &SeedRecord,
    def: GradDefinition,
    rule: &DeclineRule,
) -> Vec<LayerDecline> {
    let (m, s) = (
        mean_trends(rec, def, &rule.trend),
        std_trends(rec, def, &rule.trend),
    );
    let c = mean_std_crossings(rec, def, &rule.crossing);
    let p = phase_checks(rec, GradDefinition::Saxe, &rule.phases);
    (0..m.len().max(s.len()).max(c.len()))
        .map(|l| LayerDecline {
            mean: m.get(l).copied().flatten(),
            std: s.get(l).copied().flatten(),
            crossing: c.get(l).copied().unwrap_or(Crossing {
                count: 0,
                first_epoch: None,
                compared: 0,
            }),
            phases: p.get(l).copied().flatten(),
        })
        .collect()
}

/// Over several seeds, per layer: seeds where both curves fall (key: the
/// mean's late/early ratio), seeds where they cross (key: crossings), and
/// seeds where the phase rule fires (key: the SNR's sustained decline).
#[derive(Clone, Debug, PartialEq)]
pub struct DeclineTallies {
    /// Both fall.
    pub both_fall: Vec<LayerTally>,
    /// Mean and std cross.
    pub crossing: Vec<LayerTally>,
    /// A phase transition.
    pub phases: Vec<LayerTally>,
}

/// [`gradient_declines`] of several records, tallied.
pub fn declines_across_seeds(
    recs: &[&SeedRecord],
    def: GradDefinition,
    rule: &DeclineRule,
) -> DeclineTallies {
    let per: Vec<Vec<Option<LayerDecline>>> = recs
        .iter()
        .map(|r| {
            gradient_declines(r, def, rule)
                .into_iter()
                .map(Some)
                .collect()
        })
        .collect();
    DeclineTallies {
        both_fall: tally_with(&per, LayerDecline::both_fall, |d| {
            d.mean.map_or(f64::NAN, |t| t.ratio)
        }),
        crossing: tally_with(&per, |d| d.crossing.count > 0, |d| d.crossing.count as f64),
        phases: tally_with(
            &per,
            |d| d.phases.is_some_and(|p| p.transition.is_some()),
            |d| d.phases.map_or(f64::NAN, |p| p.decline),
        ),
    }
}
