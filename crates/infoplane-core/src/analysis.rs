//! Verdicts on runs: pure functions of records that say what a run shows
//! (gradient phase transitions, crossings of curves, trends, compression in
//! the information plane, the gradient SNR drop), for the letter page.
//!
//! Every function returns numbers and booleans, never prose, and takes its
//! thresholds as explicit parameters (with the defaults the page states).
//! Epochs in results are the 1-based epoch numbers the figures plot
//! (record index + 1). NaN values (and, on log scales, values ≤ 0) are
//! skipped; a series with nothing to measure gives `None`.

use crate::gradients::GradDefinition;
use crate::record::{GradSeries, SeedRecord};

#[cfg(test)]
mod tests;

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

/// `(t, v)` with t = epoch index + 1, for finite `v` (and `v > 0` when
/// `positive`, for log scales).
fn points(epochs: &[usize], values: &[f64], positive: bool) -> Vec<(f64, f64)> {
    epochs
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_finite() && (!positive || **v > 0.0))
        .map(|(e, v)| (*e as f64 + 1.0, *v))
        .collect()
}

/// Log-time smoothing: each value is replaced by the mean of the values
/// whose epoch t' lies within a factor `factor` of its own
/// (t / factor ≤ t' ≤ t · factor). Logged epochs are log-spaced, so this
/// averages a similar number of points everywhere on a log axis; `factor`
/// ≤ 1 leaves the values as they are.
pub fn smooth_log_time(pts: &[(f64, f64)], factor: f64) -> Vec<(f64, f64)> {
    let f = factor.max(1.0);
    pts.iter()
        .map(|&(t, _)| {
            let near: Vec<f64> = pts
                .iter()
                .filter(|(u, _)| *u >= t / f && *u <= t * f)
                .map(|(_, v)| *v)
                .collect();
            (t, near.iter().sum::<f64>() / near.len() as f64)
        })
        .collect()
}

fn log10(v: f64) -> f64 {
    libm::log10(v)
}

fn exp10(v: f64) -> f64 {
    libm::pow(10.0, v)
}

// ---------------------------------------------------------------------------
// Gradient phase transition (SZT Fig. 4: the mean falls while the std stays
// or rises).

/// The rule [`phase_transition`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitionRule {
    /// Log-time smoothing factor of both curves (see [`smooth_log_time`],
    /// applied to log10 of the values).
    pub smoothing: f64,
    /// The window after an epoch t runs to the first logged epoch ≥ t · window.
    pub window: f64,
    /// The smoothed mean must fall by at least this many decades over the window.
    pub mean_drop: f64,
    /// … while the smoothed std falls by at most this many decades (it may rise).
    pub std_tolerance: f64,
    /// Windows start at this epoch or later (1-based): before it the
    /// smoothing has a single point to average and the first updates'
    /// transient dominates.
    pub min_epoch: usize,
}

impl Default for TransitionRule {
    /// Smoothing ×1.25, a window of one doubling of the epoch, the mean
    /// falling by ≥ 0.1 decade (×0.79) and the std by ≤ 0.02 decade
    /// (×0.95), from epoch 10 on.
    fn default() -> Self {
        TransitionRule {
            smoothing: 1.25,
            window: 2.0,
            mean_drop: 0.1,
            std_tolerance: 0.02,
            min_epoch: 10,
        }
    }
}

/// Where the smoothed mean starts falling while the std does not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    /// First epoch (1-based) whose window shows the pattern.
    pub epoch: usize,
    /// End of that window (1-based).
    pub end_epoch: usize,
    /// Smoothed mean at `epoch` and at `end_epoch`.
    pub mean: (f64, f64),
    /// Smoothed std at `epoch` and at `end_epoch`.
    pub std: (f64, f64),
}

/// One layer's gradient curves judged by a [`TransitionRule`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseCheck {
    /// The first transition, if any.
    pub transition: Option<Transition>,
    /// Windows examined (logged epochs with a full window after them).
    pub windows: usize,
}

/// The first logged epoch t ≥ `rule.min_epoch` after which, over the window [t, window · t],
/// the log-smoothed mean falls by at least `rule.mean_drop` decades while
/// the log-smoothed std falls by no more than `rule.std_tolerance` decades
/// (SZT's "phase transition" from drift to diffusion). Only epochs where
/// both curves are positive count.
pub fn phase_transition(
    epochs: &[usize],
    mean: &[f64],
    std: &[f64],
    rule: &TransitionRule,
) -> PhaseCheck {
    let both: Vec<(f64, f64, f64)> = epochs
        .iter()
        .zip(mean.iter().zip(std))
        .filter(|(_, (m, s))| m.is_finite() && s.is_finite() && **m > 0.0 && **s > 0.0)
        .map(|(e, (m, s))| (*e as f64 + 1.0, log10(*m), log10(*s)))
        .collect();
    let lm = smooth_log_time(
        &both.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        rule.smoothing,
    );
    let ls = smooth_log_time(
        &both.iter().map(|p| (p.0, p.2)).collect::<Vec<_>>(),
        rule.smoothing,
    );
    let mut windows = 0;
    for i in 0..lm.len() {
        let t = lm[i].0;
        if t < rule.min_epoch as f64 {
            continue;
        }
        let Some(j) = (i + 1..lm.len()).find(|&j| lm[j].0 >= t * rule.window) else {
            break;
        };
        windows += 1;
        let (dm, ds) = (lm[j].1 - lm[i].1, ls[j].1 - ls[i].1);
        if dm <= -rule.mean_drop && ds >= -rule.std_tolerance {
            return PhaseCheck {
                transition: Some(Transition {
                    epoch: t as usize,
                    end_epoch: lm[j].0 as usize,
                    mean: (exp10(lm[i].1), exp10(lm[j].1)),
                    std: (exp10(ls[i].1), exp10(ls[j].1)),
                }),
                windows,
            };
        }
    }
    PhaseCheck {
        transition: None,
        windows,
    }
}

/// [`phase_transition`] for every layer of `rec` under definition `def`.
pub fn phase_transitions(
    rec: &SeedRecord,
    def: GradDefinition,
    rule: &TransitionRule,
) -> Vec<PhaseCheck> {
    let g = grad_series(rec, def);
    (0..layers(&g.mean))
        .map(|l| phase_transition(&rec.epochs, &column(&g.mean, l), &column(&g.std, l), rule))
        .collect()
}

/// Where one layer's "mean" curve lies against its "std" curve, as plotted:
/// SZT's drift phase has the mean far above the std, the diffusion phase
/// far below.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanVsStd {
    /// Logged epochs where the mean exceeds the std.
    pub above: usize,
    /// Logged epochs where both are finite.
    pub compared: usize,
    /// mean / std at the first and at the last compared epoch.
    pub ratio: (f64, f64),
}

impl MeanVsStd {
    /// SZT's two phases as plotted: the mean above the std at the first
    /// compared epoch (drift) and below it at the last (diffusion).
    pub fn drift_then_diffusion(&self) -> bool {
        self.ratio.0 > 1.0 && self.ratio.1 < 1.0
    }
}

/// Compares every layer's "mean" and "std" curves of definition `def`.
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

// ---------------------------------------------------------------------------
// Crossings of per-layer curves.

/// How often the curves of layers `a` and `b` cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairCrossings {
    /// First layer (0-based).
    pub a: usize,
    /// Second layer (0-based), `b > a`.
    pub b: usize,
    /// Sign changes of the difference between consecutive logged epochs.
    pub count: usize,
    /// Epoch (1-based) of the first crossing: the first epoch on the new side.
    pub first_epoch: Option<usize>,
}

/// Crossings of every pair of layers' curves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossings {
    /// Every pair `a < b`, in order.
    pub pairs: Vec<PairCrossings>,
    /// The sum of their counts.
    pub total: usize,
    /// Logged epochs compared.
    pub epochs: usize,
}

impl Crossings {
    /// Pairs that cross at least once.
    pub fn crossing_pairs(&self) -> impl Iterator<Item = &PairCrossings> {
        self.pairs.iter().filter(|p| p.count > 0)
    }
}

/// Counts, for every pair of layers a < b, the sign changes of
/// `series[k][a] − series[k][b]` over consecutive logged epochs. NaN and
/// zero differences are skipped (a touch is not a crossing).
pub fn crossings(epochs: &[usize], series: &[Vec<f64>]) -> Crossings {
    let n = layers(series);
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let mut last_sign = 0.0;
            let (mut count, mut first_epoch) = (0, None);
            for (k, e) in epochs.iter().enumerate() {
                let at = |l: usize| series.get(k).and_then(|r| r.get(l)).copied();
                let d = match (at(a), at(b)) {
                    (Some(x), Some(y)) => x - y,
                    _ => f64::NAN,
                };
                if !(d.is_finite() && d != 0.0) {
                    continue;
                }
                let sign = d.signum();
                if last_sign != 0.0 && sign != last_sign {
                    count += 1;
                    first_epoch.get_or_insert(e + 1);
                }
                last_sign = sign;
            }
            pairs.push(PairCrossings {
                a,
                b,
                count,
                first_epoch,
            });
        }
    }
    Crossings {
        total: pairs.iter().map(|p| p.count).sum(),
        pairs,
        epochs: epochs.len().min(series.len()),
    }
}

/// [`crossings`] of the "mean" curves of definition `def` in `rec`.
pub fn mean_crossings(rec: &SeedRecord, def: GradDefinition) -> Crossings {
    crossings(&rec.epochs, &grad_series(rec, def).mean)
}

// ---------------------------------------------------------------------------
// Trends: does a curve rise or fall over training?

/// Whether a curve rose, fell or stayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Late level ≥ `change` × early level.
    Rises,
    /// Late level ≤ early level / `change`.
    Falls,
    /// In between.
    Flat,
}

/// The rule [`trend`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrendRule {
    /// Share of the run's log-time range in the early and in the late window:
    /// early = epochs t ≤ T^span, late = t ≥ T^(1−span), T the last logged epoch.
    pub span: f64,
    /// Factor between the late and early levels that counts as a rise (or,
    /// inverted, a fall).
    pub change: f64,
    /// Log-time smoothing factor for the peak (see [`smooth_log_time`]).
    pub smoothing: f64,
}

impl Default for TrendRule {
    /// The first and last quarter of log-time, a change by ×1.25, smoothing ×1.25.
    fn default() -> Self {
        TrendRule {
            span: 0.25,
            change: 1.25,
            smoothing: 1.25,
        }
    }
}

/// How a positive curve moved over training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    /// Geometric mean over the early window, and its epochs (1-based, inclusive).
    pub early: f64,
    /// First and last epoch of the early window.
    pub early_epochs: (usize, usize),
    /// Geometric mean over the late window.
    pub late: f64,
    /// First and last epoch of the late window.
    pub late_epochs: (usize, usize),
    /// late / early.
    pub ratio: f64,
    /// The verdict of the rule.
    pub direction: Direction,
    /// Largest log-smoothed value, and its epoch.
    pub peak: (f64, usize),
    /// Log-smoothed value at the last logged epoch.
    pub end: f64,
}

/// Compares the geometric means of a positive curve over the early and the
/// late windows of `rule`, and finds its (smoothed) peak.
pub fn trend(epochs: &[usize], values: &[f64], rule: &TrendRule) -> Option<Trend> {
    let pts = points(epochs, values, true);
    let t_last = pts.last()?.0;
    if t_last <= 1.0 {
        return None;
    }
    let (early_max, late_min) = (
        libm::pow(t_last, rule.span),
        libm::pow(t_last, 1.0 - rule.span),
    );
    let window = |keep: &dyn Fn(f64) -> bool| -> Option<(f64, (usize, usize))> {
        let sel: Vec<&(f64, f64)> = pts.iter().filter(|(t, _)| keep(*t)).collect();
        let (first, last) = (sel.first()?, sel.last()?);
        let g = exp10(sel.iter().map(|(_, v)| log10(*v)).sum::<f64>() / sel.len() as f64);
        Some((g, (first.0 as usize, last.0 as usize)))
    };
    let (early, early_epochs) = window(&|t| t <= early_max)?;
    let (late, late_epochs) = window(&|t| t >= late_min)?;
    let ratio = late / early;
    let direction = if ratio >= rule.change {
        Direction::Rises
    } else if ratio <= 1.0 / rule.change {
        Direction::Falls
    } else {
        Direction::Flat
    };
    let logs: Vec<(f64, f64)> = pts.iter().map(|(t, v)| (*t, log10(*v))).collect();
    let smooth = smooth_log_time(&logs, rule.smoothing);
    let peak = smooth
        .iter()
        .fold(None::<(f64, f64)>, |best, &(t, v)| match best {
            Some((_, bv)) if bv >= v => best,
            _ => Some((t, v)),
        })
        .map(|(t, v)| (exp10(v), t as usize))?;
    Some(Trend {
        early,
        early_epochs,
        late,
        late_epochs,
        ratio,
        direction,
        peak,
        end: exp10(smooth.last()?.1),
    })
}

/// [`trend`] of every layer's "mean" curve of definition `def` in `rec`.
pub fn mean_trends(rec: &SeedRecord, def: GradDefinition, rule: &TrendRule) -> Vec<Option<Trend>> {
    let g = grad_series(rec, def);
    (0..layers(&g.mean))
        .map(|l| trend(&rec.epochs, &column(&g.mean, l), rule))
        .collect()
}

// ---------------------------------------------------------------------------
// IDNNs' mislabelled y axis.

/// Where a value sits on IDNNs' gradient figure, whose ticks at
/// 10^-3 … 10^1 carry the labels 10^-4 … 10^0 (each 10× too small).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisReading {
    /// The value plotted.
    pub value: f64,
    /// d with 10^d ≤ value < 10^(d+1): the true ticks around it are 10^d, 10^(d+1).
    pub decade: i32,
    /// What the original labels make it read: value / 10, between the
    /// labels 10^(d−1) and 10^d.
    pub reads_as: f64,
    /// Whether it lies within the original y limits [0.001, 10].
    pub within_limits: bool,
}

/// The reading of `value` on the original axis (`None` unless positive and finite).
pub fn original_axis_reading(value: f64) -> Option<AxisReading> {
    (value.is_finite() && value > 0.0).then(|| AxisReading {
        value,
        decade: libm::floor(log10(value)) as i32,
        reads_as: value / 10.0,
        within_limits: (1e-3..=10.0).contains(&value),
    })
}

/// The letter's example: the last layer's first "std" value of definition
/// `def` (its first logged epoch with a finite value) as `(epoch, value)`.
pub fn last_layer_first_std(rec: &SeedRecord, def: GradDefinition) -> Option<(usize, f64)> {
    let g = grad_series(rec, def);
    let last = layers(&g.std).checked_sub(1)?;
    rec.epochs
        .iter()
        .zip(column(&g.std, last))
        .find(|(_, v)| v.is_finite())
        .map(|(e, v)| (e + 1, v))
}

// ---------------------------------------------------------------------------
// Compression in the information plane.

/// One layer's I(X;T) over a run: its peak and how far it fell after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Compression {
    /// Largest I(X;T) (bits) and its epoch (1-based; the first if tied).
    pub peak: (f64, usize),
    /// I(X;T) at the last logged epoch (bits) and that epoch.
    pub end: (f64, usize),
    /// peak − end, bits.
    pub fall: f64,
    /// `fall` > the threshold.
    pub compresses: bool,
}

/// The peak of a layer's I(X;T) and its fall to the last logged epoch;
/// compression = a fall by more than `threshold_bits`.
pub fn compression(epochs: &[usize], ixt: &[f64], threshold_bits: f64) -> Option<Compression> {
    let pts = points(epochs, ixt, false);
    let &(t_end, end) = pts.last()?;
    let (t_peak, peak) = pts
        .iter()
        .fold(pts[0], |best, &p| if p.1 > best.1 { p } else { best });
    let fall = peak - end;
    Some(Compression {
        peak: (peak, t_peak as usize),
        end: (end, t_end as usize),
        fall,
        compresses: fall > threshold_bits,
    })
}

/// [`compression`] of every layer of one record.
pub fn compression_by_layer(rec: &SeedRecord, threshold_bits: f64) -> Vec<Option<Compression>> {
    (0..layers(&rec.ixt))
        .map(|l| compression(&rec.epochs, &column(&rec.ixt, l), threshold_bits))
        .collect()
}

/// One layer judged over several seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerAcrossSeeds {
    /// Layer (0-based).
    pub layer: usize,
    /// Each seed's [`compression`] of this layer, in record order.
    pub seeds: Vec<Option<Compression>>,
    /// Seeds that compress.
    pub compressing: usize,
    /// Seeds with a measurement.
    pub measured: usize,
    /// Final I(X;T) over the measured seeds: mean, population sd and
    /// range (max − min), bits.
    pub end_mean: f64,
    /// Population standard deviation of the final I(X;T).
    pub end_sd: f64,
    /// max − min of the final I(X;T).
    pub end_range: f64,
    /// max − min of the fall after the peak.
    pub fall_range: f64,
}

/// [`compression`] of every layer in every record, with the spread between
/// seeds of the final I(X;T) and of the fall.
pub fn compression_across_seeds(recs: &[SeedRecord], threshold_bits: f64) -> Vec<LayerAcrossSeeds> {
    let n = recs.iter().map(|r| layers(&r.ixt)).max().unwrap_or(0);
    let per_seed: Vec<Vec<Option<Compression>>> = recs
        .iter()
        .map(|r| compression_by_layer(r, threshold_bits))
        .collect();
    (0..n)
        .map(|l| {
            let seeds: Vec<Option<Compression>> = per_seed
                .iter()
                .map(|s| s.get(l).copied().flatten())
                .collect();
            let got: Vec<&Compression> = seeds.iter().flatten().collect();
            let ends: Vec<f64> = got.iter().map(|c| c.end.0).collect();
            let falls: Vec<f64> = got.iter().map(|c| c.fall).collect();
            let (end_mean, end_sd) = mean_sd(&ends);
            LayerAcrossSeeds {
                layer: l,
                compressing: got.iter().filter(|c| c.compresses).count(),
                measured: got.len(),
                end_mean,
                end_sd,
                end_range: range(&ends),
                fall_range: range(&falls),
                seeds,
            }
        })
        .collect()
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt(),
    )
}

fn range(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    max - min
}

// ---------------------------------------------------------------------------
// Gradient SNR drop (Saxe et al. Appendix I) and weight norms.

/// A layer's SNR: its smoothed peak and how far it fell by the end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnrDrop {
    /// Largest log-smoothed SNR and its epoch (1-based).
    pub peak: (f64, usize),
    /// Log-smoothed SNR at the last logged epoch, and that epoch.
    pub end: (f64, usize),
    /// peak / end.
    pub factor: f64,
    /// `factor` ≥ the threshold: a transition from high to low SNR.
    pub transition: bool,
}

/// The peak of a positive SNR curve (log-time smoothed by `smoothing`) and
/// its drop to the end; a transition = a drop by at least `min_factor`.
pub fn snr_drop(epochs: &[usize], snr: &[f64], smoothing: f64, min_factor: f64) -> Option<SnrDrop> {
    let logs: Vec<(f64, f64)> = points(epochs, snr, true)
        .into_iter()
        .map(|(t, v)| (t, log10(v)))
        .collect();
    let smooth = smooth_log_time(&logs, smoothing);
    let &(t_end, end) = smooth.last()?;
    let (t_peak, peak) = smooth
        .iter()
        .fold(smooth[0], |best, &p| if p.1 > best.1 { p } else { best });
    let factor = exp10(peak - end);
    Some(SnrDrop {
        peak: (exp10(peak), t_peak as usize),
        end: (exp10(end), t_end as usize),
        factor,
        transition: factor >= min_factor,
    })
}

/// [`snr_drop`] of every layer's SNR curve of definition `def` in `rec`.
pub fn snr_drops(
    rec: &SeedRecord,
    def: GradDefinition,
    smoothing: f64,
    min_factor: f64,
) -> Vec<Option<SnrDrop>> {
    let g = grad_series(rec, def);
    (0..layers(&g.snr))
        .map(|l| snr_drop(&rec.epochs, &column(&g.snr, l), smoothing, min_factor))
        .collect()
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
            let pts = points(&rec.epochs, &column(&rec.wnorm, l), true);
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
