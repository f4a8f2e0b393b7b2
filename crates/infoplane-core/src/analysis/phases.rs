//! SZT's two phases of training (Fig. 4): a drift phase with a high
//! gradient signal-to-noise ratio, then, after a "phase transition", a
//! diffusion phase with a low one.
//!
//! The rule judges a scale-free statistic, a ratio of a mean to a std in the
//! same units ([`snr_ratio`]: Saxe et al.'s m_l/s_l per layer). The figure
//! compares the cumulative mean Σ m_l with √(Σ s_l), which are not in the
//! same units: with a constant true m/s, that ratio still falls as the
//! gradients shrink (see [`crate::analysis::control::gradients`]). What the
//! figure shows is reported separately ([`mean_vs_std`]) and labelled so.

use super::control::{self, ControlRate};
use super::seeds::{tally, Judged, LayerTally};
use super::smoothing::{smooth, Smoothing};
use super::{column, exp10, grad_series, layers, log_points};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// The rule [`phase_check`] applies to a smoothed log10 SNR curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseRule {
    /// Smoothing of log10 SNR.
    pub smoothing: Smoothing,
    /// The drop: the smoothed SNR must fall this many decades below its
    /// highest earlier smoothed value (the pre-drop level).
    pub drop: f64,
    /// … and every later smoothed value must stay below the pre-drop level
    /// minus this fraction of `drop`.
    pub hold: f64,
    /// The drop must come early enough to be seen to last: at an epoch t
    /// with t · `persist` ≤ the last logged epoch.
    pub persist: f64,
}

impl Default for PhaseRule {
    /// Smoothing ×1.25 (≥ 5 values per point), a drop of 0.5 decade (×3.2)
    /// that stays ≥ 0.25 decade (×1.8) below the pre-drop level, by half
    /// the run's last epoch.
    fn default() -> Self {
        PhaseRule {
            smoothing: Smoothing::default(),
            drop: 0.5,
            hold: 0.5,
            persist: 2.0,
        }
    }
}

/// Firing rate of [`PhaseRule::default`] on [`control::gradients`] (a
/// constant true SNR, scale shrinking as t^(−U(0,1)), shrinking = true):
/// 1 of 500, 0.2 % (checked by a test that recomputes it).
pub const CONTROL: ControlRate = ControlRate {
    fired: 1,
    replicates: control::REPLICATES,
};

/// The rule's firing rate on the stationary gradient control.
pub fn control_rate(rule: &PhaseRule) -> ControlRate {
    ControlRate::measure(|k| {
        let c = control::gradients(k, true, control::NOISE_SD);
        let snr: Vec<f64> = c.m.iter().zip(&c.s).map(|(m, s)| m / s).collect();
        phase_check(&c.epochs, &snr, rule).is_some_and(|p| p.transition.is_some())
    })
}

/// A sustained drop of the SNR.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnrTransition {
    /// The pre-drop level: the highest smoothed SNR up to `drop_epoch`, and
    /// its epoch (1-based): where the drift phase ends.
    pub peak: (f64, usize),
    /// The first epoch (1-based) whose smoothed SNR is `drop` decades below
    /// the pre-drop level and after which it stays down.
    pub drop_epoch: usize,
    /// The highest smoothed SNR from `drop_epoch` to the end.
    pub after_max: f64,
}

/// One layer's SNR curve judged by a [`PhaseRule`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseCheck {
    /// The transition, if the rule finds one.
    pub transition: Option<SnrTransition>,
    /// The sustained decline in decades: the largest, over epochs t the
    /// rule may judge, of (highest smoothed log10 SNR up to t) − (highest
    /// from t to the end). Negative when the SNR only rises.
    pub decline: f64,
    /// Smoothed SNR at the first and last smoothed points, with their epochs.
    pub first: (f64, usize),
    /// See `first`.
    pub last: (f64, usize),
    /// Epochs the rule judged (smoothed points early enough to persist).
    pub judged: usize,
}

impl Judged for PhaseCheck {
    fn shows(&self) -> bool {
        self.transition.is_some()
    }
    fn key(&self) -> f64 {
        self.decline
    }
}

/// Judges a positive ratio curve (`ratio[k]` at logged epoch `epochs[k]`):
/// a transition is the first epoch t (with t · persist ≤ T, the last logged
/// epoch) where the smoothed log10 ratio lies ≥ `drop` decades below its
/// highest value so far, P(t), and every smoothed value from t on stays
/// below P(t) − hold · drop. `None` when no smoothed epoch can be judged.
pub fn phase_check(epochs: &[usize], ratio: &[f64], rule: &PhaseRule) -> Option<PhaseCheck> {
    let s = smooth(&log_points(epochs, ratio), &rule.smoothing);
    let (first, last) = (s.first()?, s.last()?);
    let t_end = last.t as f64;
    // Suffix maxima: the highest smoothed value from k to the end.
    let mut after = vec![f64::NEG_INFINITY; s.len()];
    let mut m = f64::NEG_INFINITY;
    for k in (0..s.len()).rev() {
        m = m.max(s[k].value);
        after[k] = m;
    }
    let mut peak = (f64::NEG_INFINITY, 0usize);
    let (mut decline, mut judged, mut transition) = (f64::NEG_INFINITY, 0, None);
    for (k, p) in s.iter().enumerate() {
        if p.value > peak.0 {
            peak = (p.value, p.t);
        }
        if p.t as f64 * rule.persist > t_end {
            break;
        }
        judged += 1;
        decline = decline.max(peak.0 - after[k]);
        if transition.is_none()
            && peak.0 - p.value >= rule.drop
            && peak.0 - after[k] >= rule.hold * rule.drop
        {
            transition = Some(SnrTransition {
                peak: (exp10(peak.0), peak.1),
                drop_epoch: p.t,
                after_max: exp10(after[k]),
            });
        }
    }
    (judged > 0).then(|| PhaseCheck {
        transition,
        decline,
        first: (exp10(first.value), first.t),
        last: (exp10(last.value), last.t),
        judged,
    })
}

/// The scale-free "mean / std" of definition `def`, `[epoch][layer]`, from
/// the record's moments m_l, s_l (and ‖W_l‖): a mean over the quantity in
/// the same units.
/// - `Saxe`, `PerLayer`: m_l / s_l, Saxe et al.'s SNR (the per-layer
///   figure's "std" √s_l is the root of a quantity in m's units).
/// - `Idnns`: Σ_{l≤L} m_l / Σ_{l≤L} s_l (the figure plots √ of the
///   denominator).
/// - `Normalised`: Σ m_l/‖W_l‖ / Σ s_l/‖W_l‖.
pub fn snr_ratio(rec: &SeedRecord, def: GradDefinition) -> Vec<Vec<f64>> {
    let n = rec.epochs.len();
    (0..n)
        .map(|k| {
            let m = rec.grad_m.get(k).map_or(&[][..], Vec::as_slice);
            let s = rec.grad_s.get(k).map_or(&[][..], Vec::as_slice);
            let w = rec.wnorm.get(k).map_or(&[][..], Vec::as_slice);
            let cumulative = |weight: &dyn Fn(usize) -> f64| {
                let (mut cm, mut cs) = (0.0, 0.0);
                (0..m.len().min(s.len()))
                    .map(|l| {
                        let w = weight(l);
                        cm += m[l] / w;
                        cs += s[l] / w;
                        cm / cs
                    })
                    .collect::<Vec<f64>>()
            };
            match def {
                GradDefinition::Saxe | GradDefinition::PerLayer => {
                    m.iter().zip(s).map(|(m, s)| m / s).collect()
                }
                GradDefinition::Idnns => cumulative(&|_| 1.0),
                GradDefinition::Normalised => {
                    cumulative(&|l| w.get(l).copied().unwrap_or(f64::NAN))
                }
            }
        })
        .collect()
}

/// [`phase_check`] of every layer's [`snr_ratio`] under `def`.
pub fn phase_checks(
    rec: &SeedRecord,
    def: GradDefinition,
    rule: &PhaseRule,
) -> Vec<Option<PhaseCheck>> {
    let r = snr_ratio(rec, def);
    (0..layers(&r))
        .map(|l| phase_check(&rec.epochs, &column(&r, l), rule))
        .collect()
}

/// [`phase_checks`] over several seeds, tallied by layer (key: the
/// sustained decline in decades).
pub fn phases_across_seeds(
    recs: &[&SeedRecord],
    def: GradDefinition,
    rule: &PhaseRule,
) -> Vec<LayerTally> {
    let per: Vec<Vec<Option<PhaseCheck>>> =
        recs.iter().map(|r| phase_checks(r, def, rule)).collect();
    tally(&per)
}

// ---------------------------------------------------------------------------
// What the figure shows.

/// Where one layer's plotted "mean" curve lies against its plotted "std"
/// curve (for IDNNs' definition: Σ m_l against √(Σ s_l), quantities in
/// different units, as the figure draws them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanVsStd {
    /// Logged epochs where the plotted mean exceeds the plotted std.
    pub above: usize,
    /// Logged epochs where both are finite.
    pub compared: usize,
    /// mean / std at the first and at the last compared epoch.
    pub ratio: (f64, f64),
}

impl MeanVsStd {
    /// The figure shows SZT's two phases: the mean above the std at the
    /// first compared epoch and below it at the last.
    pub fn drift_then_diffusion(&self) -> bool {
        self.ratio.0 > 1.0 && self.ratio.1 < 1.0
    }
}

impl Judged for MeanVsStd {
    fn shows(&self) -> bool {
        self.drift_then_diffusion()
    }
    fn key(&self) -> f64 {
        self.ratio.1 / self.ratio.0
    }
}

/// Compares every layer's plotted "mean" and "std" curves of definition `def`.
pub fn mean_vs_std(rec: &SeedRecord, def: GradDefinition) -> Vec<Option<MeanVsStd>> {
    let g = grad_series(rec, def);
    (0..layers(&g.mean))
        .map(|l| {
            let pairs: Vec<(f64, f64)> = column(&g.mean, l)
                .into_iter()
                .zip(column(&g.std, l))
                .filter(|(m, s)| m.is_finite() && s.is_finite() && *s > 0.0)
                .collect();
            let (first, last) = (pairs.first()?, pairs.last()?);
            Some(MeanVsStd {
                above: pairs.iter().filter(|(m, s)| m > s).count(),
                compared: pairs.len(),
                ratio: (first.0 / first.1, last.0 / last.1),
            })
        })
        .collect()
}
