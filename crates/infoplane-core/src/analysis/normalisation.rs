//! The caption's normalisation: what dividing every m_l and s_l by ‖W_l‖
//! changes. The direction follows from the measured norms: where ‖W_l‖
//! grows over training, the normalised statistic's late values are lowered
//! against its early ones; where it shrinks, they are raised. Whether the
//! picture changes is judged by the phase rule under both definitions.

use super::phases::{mean_vs_std, phase_checks, MeanVsStd, PhaseCheck, PhaseRule};
use super::seeds::{tally_with, LayerTally};
use super::{weight_norm_growth, Growth};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// How dividing by ‖W_l‖ moves the late values of layer l's statistic
/// against its early ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormShift {
    /// ‖W_l‖ grew: late values are divided by more, so lowered.
    Lowers,
    /// ‖W_l‖ shrank: late values are raised.
    Raises,
    /// ‖W_l‖ changed by less than the tolerance.
    Neither,
}

/// The rule [`normalisation`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NormRule {
    /// A change of ‖W_l‖ by less than this factor (either way) moves nothing.
    pub tolerance: f64,
    /// The phase rule applied under both definitions.
    pub phases: PhaseRule,
}

impl Default for NormRule {
    /// ×1.1, and [`PhaseRule::default`].
    fn default() -> Self {
        NormRule {
            tolerance: 1.1,
            phases: PhaseRule::default(),
        }
    }
}

impl NormRule {
    /// The shift from a layer's weight-norm growth.
    pub fn shift(&self, g: &Growth) -> NormShift {
        if g.ratio >= self.tolerance {
            NormShift::Lowers
        } else if g.ratio <= 1.0 / self.tolerance {
            NormShift::Raises
        } else {
            NormShift::Neither
        }
    }
}

/// One layer as coded and normalised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerNormalisation {
    /// Layer (0-based).
    pub layer: usize,
    /// ‖W_l‖ at the first and last logged epochs.
    pub growth: Option<Growth>,
    /// What dividing by it does to late values of m_l/‖W_l‖ and s_l/‖W_l‖.
    pub shift: Option<NormShift>,
    /// The phase rule on IDNNs' cumulative Σm/Σs (as coded).
    pub coded: Option<PhaseCheck>,
    /// The phase rule on Σ(m/‖W‖)/Σ(s/‖W‖) (normalised).
    pub normalised: Option<PhaseCheck>,
    /// What the coded figure shows (mean against std).
    pub coded_plot: Option<MeanVsStd>,
    /// What the normalised figure shows.
    pub normalised_plot: Option<MeanVsStd>,
}

impl LayerNormalisation {
    /// The phase rule gives the same verdict (a transition or none) under
    /// both definitions.
    pub fn same_phases(&self) -> bool {
        let fires = |p: &Option<PhaseCheck>| p.is_some_and(|p| p.transition.is_some());
        fires(&self.coded) == fires(&self.normalised)
    }
}

/// Every layer as coded and normalised, and the overall verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalisation {
    /// Per layer.
    pub layers: Vec<LayerNormalisation>,
    /// Some layer's ‖W_l‖ lies outside [1/tolerance, tolerance] at some
    /// logged epoch, so dividing by it moves that curve's level by more
    /// than the tolerance.
    pub levels_change: bool,
    /// The phase verdicts agree in every layer: the normalisation does not
    /// change the picture.
    pub same_picture: bool,
}

impl Normalisation {
    /// "Changes the levels, not the picture".
    pub fn levels_not_picture(&self) -> bool {
        self.levels_change && self.same_picture
    }

    /// Layers whose shift is `s`.
    pub fn count(&self, s: NormShift) -> usize {
        self.layers.iter().filter(|l| l.shift == Some(s)).count()
    }
}

/// Compares IDNNs' cumulative statistics of `rec` with the normalised ones.
pub fn normalisation(rec: &SeedRecord, rule: &NormRule) -> Normalisation {
    let growth = weight_norm_growth(rec);
    let (pc, pn) = (
        phase_checks(rec, GradDefinition::Idnns, &rule.phases),
        phase_checks(rec, GradDefinition::Normalised, &rule.phases),
    );
    let (vc, vn) = (
        mean_vs_std(rec, GradDefinition::Idnns),
        mean_vs_std(rec, GradDefinition::Normalised),
    );
    let n = pc.len().max(growth.len());
    let layers: Vec<LayerNormalisation> = (0..n)
        .map(|l| {
            let g = growth.get(l).copied().flatten();
            LayerNormalisation {
                layer: l,
                growth: g,
                shift: g.map(|g| rule.shift(&g)),
                coded: pc.get(l).copied().flatten(),
                normalised: pn.get(l).copied().flatten(),
                coded_plot: vc.get(l).copied().flatten(),
                normalised_plot: vn.get(l).copied().flatten(),
            }
        })
        .collect();
    Normalisation {
        levels_change: rec.wnorm.iter().flatten().any(|w| {
            w.is_finite() && *w > 0.0 && (*w >= rule.tolerance || *w <= 1.0 / rule.tolerance)
        }),
        same_picture: layers.iter().all(LayerNormalisation::same_phases),
        layers,
    }
}

/// [`normalisation`] over several seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct NormalisationAcrossSeeds {
    /// Each seed's comparison, in record order.
    pub seeds: Vec<Normalisation>,
    /// Per layer: seeds in which the phase rule agrees under both
    /// definitions (key: the ‖W_l‖ growth ratio).
    pub same_phases: Vec<LayerTally>,
    /// Per layer: seeds in which ‖W_l‖ grows (late values lowered).
    pub lowered: Vec<LayerTally>,
    /// Per layer: seeds in which ‖W_l‖ shrinks (late values raised).
    pub raised: Vec<LayerTally>,
    /// Seeds with the same picture in every layer.
    pub same_picture: usize,
    /// Seeds where the normalisation changes the levels, not the picture.
    pub levels_not_picture: usize,
}

/// [`normalisation`] of every record, tallied by layer.
pub fn normalisation_across_seeds(
    recs: &[&SeedRecord],
    rule: &NormRule,
) -> NormalisationAcrossSeeds {
    let seeds: Vec<Normalisation> = recs.iter().map(|r| normalisation(r, rule)).collect();
    let per: Vec<Vec<Option<LayerNormalisation>>> = seeds
        .iter()
        .map(|n| n.layers.iter().copied().map(Some).collect())
        .collect();
    let ratio = |l: &LayerNormalisation| l.growth.map_or(f64::NAN, |g| g.ratio);
    NormalisationAcrossSeeds {
        same_phases: tally_with(&per, LayerNormalisation::same_phases, ratio),
        lowered: tally_with(&per, |l| l.shift == Some(NormShift::Lowers), ratio),
        raised: tally_with(&per, |l| l.shift == Some(NormShift::Raises), ratio),
        same_picture: seeds.iter().filter(|n| n.same_picture).count(),
        levels_not_picture: seeds.iter().filter(|n| n.levels_not_picture()).count(),
        seeds,
    }
}
