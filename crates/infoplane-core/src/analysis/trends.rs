//! Does a positive curve rise or fall over training, for good? The early
//! level is the geometric mean over the first part of the run on a log
//! epoch axis; the late stretch is the second half of training, and a fall
//! (or rise) must hold at every smoothed point of it.

use super::control::{self, ControlRate};
use super::seeds::{tally_with, LayerTally};
use super::smoothing::{smooth, Smoothing};
use super::{column, exp10, grad_series, late_start, layers, log_points};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// Whether a curve rose, fell or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Every smoothed value of the late stretch lies `change` decades or
    /// more above the early level.
    Rises,
    /// Every smoothed value of the late stretch lies `change` decades or
    /// more below the early level.
    Falls,
    /// Neither.
    Flat,
}

/// The rule [`trend`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrendRule {
    /// Smoothing of log10 values (for the late stretch and the peak).
    pub smoothing: Smoothing,
    /// The early window: epochs t ≤ T^`early`, the first `early` of the
    /// run's log-epoch range (T the last logged epoch).
    pub early: f64,
    /// The late stretch: epochs t ≥ `late` · T.
    pub late: f64,
    /// Decades between the late stretch and the early level (or the peak)
    /// that count as a change.
    pub change: f64,
}

impl Default for TrendRule {
    /// Early: the first quarter of log-epoch (epochs 1–9 of 8000); late:
    /// the second half of training (4000–8000); a change of 0.3 decade
    /// (×2); smoothing ×1.25 (≥ 5 values per point).
    fn default() -> Self {
        TrendRule {
            smoothing: Smoothing::default(),
            early: 0.25,
            late: 0.5,
            change: 0.3,
        }
    }
}

/// Firing rate (a rise or a fall) of [`TrendRule::default`] on the m_l of
/// [`control::gradients`] with a constant scale (shrinking = false).
/// 1 of 500, 0.2 %. Checked by a test that recomputes it.
pub const CONTROL: ControlRate = ControlRate {
    fired: 1,
    replicates: control::REPLICATES,
};

/// The rule's firing rate on flat noisy curves.
pub fn control_rate(rule: &TrendRule) -> ControlRate {
    ControlRate::measure(|k| {
        let c = control::gradients(k, false, control::NOISE_SD);
        trend(&c.epochs, &c.m, rule).is_some_and(|t| t.direction != Direction::Flat)
    })
}

/// How a positive curve moved over training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    /// Geometric mean of the values over the early window.
    pub early: f64,
    /// First and last epoch (1-based) of the early window.
    pub early_epochs: (usize, usize),
    /// Lowest and highest smoothed value over the late stretch.
    pub late: (f64, f64),
    /// First and last epoch of the late stretch.
    pub late_epochs: (usize, usize),
    /// Geometric mean over the late stretch / the early level.
    pub ratio: f64,
    /// The verdict against the early level.
    pub direction: Direction,
    /// Highest smoothed value before the late stretch, and its epoch.
    pub peak: Option<(f64, usize)>,
    /// Every smoothed value of the late stretch lies `change` decades or
    /// more below that peak: the curve falls eventually, whatever it did first.
    pub eventually_falls: bool,
}

/// Judges a positive curve by `rule`; `None` if the early window or the
/// late stretch is empty (a run too short to judge).
pub fn trend(epochs: &[usize], values: &[f64], rule: &TrendRule) -> Option<Trend> {
    let pts = log_points(epochs, values);
    let t_last = pts.last()?.0;
    let early_max = libm::pow(t_last as f64, rule.early);
    let late_min = late_start(t_last, rule.late);
    let early: Vec<&(usize, f64)> = pts.iter().filter(|p| p.0 as f64 <= early_max).collect();
    let late_raw: Vec<&(usize, f64)> = pts.iter().filter(|p| p.0 as f64 >= late_min).collect();
    let s = smooth(&pts, &rule.smoothing);
    let late: Vec<f64> = s
        .iter()
        .filter(|p| p.t as f64 >= late_min)
        .map(|p| p.value)
        .collect();
    if early.is_empty() || late.is_empty() || late_raw.is_empty() {
        return None;
    }
    let geo = |v: &[&(usize, f64)]| v.iter().map(|p| p.1).sum::<f64>() / v.len() as f64;
    let (e, lg) = (geo(&early), geo(&late_raw));
    let lo = late.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = late.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let direction = if hi <= e - rule.change {
        Direction::Falls
    } else if lo >= e + rule.change {
        Direction::Rises
    } else {
        Direction::Flat
    };
    let peak = s.iter().filter(|p| (p.t as f64) < late_min).fold(
        None::<(f64, usize)>,
        |best, p| match best {
            Some((v, _)) if v >= p.value => best,
            _ => Some((p.value, p.t)),
        },
    );
    Some(Trend {
        early: exp10(e),
        early_epochs: (early[0].0, early[early.len() - 1].0),
        late: (exp10(lo), exp10(hi)),
        late_epochs: (late_raw[0].0, late_raw[late_raw.len() - 1].0),
        ratio: exp10(lg - e),
        direction,
        peak: peak.map(|(v, t)| (exp10(v), t)),
        eventually_falls: peak.is_some_and(|(v, _)| hi <= v - rule.change),
    })
}

/// [`trend`] of every layer's "mean" curve of definition `def` in `rec`.
pub fn mean_trends(rec: &SeedRecord, def: GradDefinition, rule: &TrendRule) -> Vec<Option<Trend>> {
    let g = grad_series(rec, def);
    (0..layers(&g.mean))
        .map(|l| trend(&rec.epochs, &column(&g.mean, l), rule))
        .collect()
}

/// [`trend`] of every layer's "std" curve of definition `def` in `rec`.
pub fn std_trends(rec: &SeedRecord, def: GradDefinition, rule: &TrendRule) -> Vec<Option<Trend>> {
    let g = grad_series(rec, def);
    (0..layers(&g.std))
        .map(|l| trend(&rec.epochs, &column(&g.std, l), rule))
        .collect()
}

/// What a tally of trends counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendQuestion {
    /// Direction is `Rises`.
    Rises,
    /// Direction is `Falls`.
    Falls,
    /// `eventually_falls`.
    EventuallyFalls,
}

/// Per-seed trends tallied by layer for one question (key: late/early
/// ratio, or for `EventuallyFalls` the highest late value / the peak).
pub fn tally_trends(per_seed: &[Vec<Option<Trend>>], q: TrendQuestion) -> Vec<LayerTally> {
    tally_with(
        per_seed,
        |t: &Trend| match q {
            TrendQuestion::Rises => t.direction == Direction::Rises,
            TrendQuestion::Falls => t.direction == Direction::Falls,
            TrendQuestion::EventuallyFalls => t.eventually_falls,
        },
        |t: &Trend| match q {
            TrendQuestion::EventuallyFalls => t.peak.map_or(f64::NAN, |p| t.late.1 / p.0),
            _ => t.ratio,
        },
    )
}
