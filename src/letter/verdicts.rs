//! Verdicts in words: each card's rule (how it judges, with its
//! thresholds) and its verdict, a few sentences built from
//! `infoplane_core::analysis` results with the run's numbers in them.
//! Nothing here decides an outcome by itself: every number and every
//! yes/no comes from the analysis of the records passed in.

use super::format::{bits, count, layer, percent, short, sig, times};
use infoplane_core::analysis::{
    self, compression_by_layer, Compression, Direction, LayerAcrossSeeds, TransitionRule, TrendRule,
};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::{SeedRecord, Status};

/// A card's verdict: one headline and supporting sentences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    /// The answer, with its numbers.
    pub headline: String,
    /// Per-layer (or per-configuration) detail.
    pub details: Vec<String>,
}

/// Compression threshold: I(X;T) must end more than this many bits below its peak.
pub const COMPRESSION_BITS: f64 = 0.5;
/// SNR transition threshold: the smoothed SNR must fall by at least this factor.
pub const SNR_FACTOR: f64 = 10.0;
/// Log-time smoothing of the SNR curves.
pub const SNR_SMOOTHING: f64 = 1.25;

/// The first record of configuration `config` with a logged epoch.
fn lead(records: &[Vec<SeedRecord>], config: usize) -> Option<&SeedRecord> {
    records.get(config)?.iter().find(|r| !r.epochs.is_empty())
}

fn nothing() -> Verdict {
    Verdict {
        headline: "No logged epoch to judge: the run ended before its first measurement.".into(),
        details: Vec::new(),
    }
}

/// A note when a seed was stopped early (the verdict covers what was logged).
fn stopped_note(records: &[Vec<SeedRecord>]) -> Option<String> {
    let stopped: Vec<&SeedRecord> = records
        .iter()
        .flatten()
        .filter(|r| r.status == Status::Stopped)
        .collect();
    let last = stopped.iter().filter_map(|r| r.epochs.last()).max()?;
    Some(format!(
        "Stopped early: judged on the epochs logged up to epoch {} in {}.",
        last + 1,
        count(stopped.len(), "stopped seed")
    ))
}

fn with_note(records: &[Vec<SeedRecord>], mut v: Verdict) -> Verdict {
    if let Some(note) = stopped_note(records) {
        v.details.insert(0, note);
    }
    v
}

fn join<T>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> String) -> String {
    items.into_iter().map(f).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------
// Card 1: phases.

/// How card 1 judges.
pub fn phases_rule() -> String {
    let r = TransitionRule::default();
    format!(
        "Transition by the rule: the first logged epoch t ≥ {} such that, from t to the first logged epoch ≥ {}·t, \
         the smoothed \"mean\" falls by at least {} decade (×{}) while the smoothed \"std\" falls by at most {} decade \
         (×{}; it may rise). Smoothing: each point averages the log10 values of the logged epochs within ×{} of its own. \
         Drift then diffusion (the paper's two phases): the mean lies above the std, as plotted, at the first logged epoch \
         and below it at the last. Definition: IDNNs' cumulative statistics, first seed.",
        r.min_epoch,
        r.window,
        r.mean_drop,
        short(10f64.powf(-r.mean_drop)),
        r.std_tolerance,
        short(10f64.powf(-r.std_tolerance)),
        r.smoothing
    )
}

/// Card 1: is there a phase transition in the gradient statistics as coded?
pub fn phases(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some(rec) = lead(records, 0) else {
        return nothing();
    };
    let checks =
        analysis::phase_transitions(rec, GradDefinition::Idnns, &TransitionRule::default());
    let vs = analysis::mean_vs_std(rec, GradDefinition::Idnns);
    let n = checks.len();
    let found: Vec<usize> = checks
        .iter()
        .filter_map(|c| c.transition.map(|t| t.epoch))
        .collect();
    let both = vs
        .iter()
        .flatten()
        .filter(|v| v.drift_then_diffusion())
        .count();
    let when = match (found.iter().min(), found.iter().max()) {
        (Some(a), Some(b)) if a == b => format!(" (at epoch {a})"),
        (Some(a), Some(b)) => format!(" (at epochs {a}–{b})"),
        _ => String::new(),
    };
    let phases = match both {
        0 => {
            "the two phases of Fig. 4 (mean above, then below the std) are not visible".to_string()
        }
        k if k == n => "the two phases of Fig. 4 are visible in every layer".to_string(),
        k => format!("the two phases of Fig. 4 are visible in {k} of {n} layers only"),
    };
    let headline = format!(
        "Seed {}: the rule finds a transition in {} of {n} layers{when}; drift then diffusion in {both} of {n} layers, so {phases}.",
        rec.seed,
        found.len()
    );
    let details = checks
        .iter()
        .zip(&vs)
        .enumerate()
        .map(|(l, (c, v))| {
            let rule = match c.transition {
                Some(t) => format!(
                    "the mean falls {} → {} from epoch {} to {} while the std goes {} → {}",
                    sig(t.mean.0),
                    sig(t.mean.1),
                    t.epoch,
                    t.end_epoch,
                    sig(t.std.0),
                    sig(t.std.1)
                ),
                None => format!("no transition in {} windows", c.windows),
            };
            let side = v.map_or("no comparable epochs".into(), |v| {
                format!(
                    "the mean exceeds the std at {} of {} logged epochs (mean/std {} at the start, {} at the end)",
                    v.above,
                    v.compared,
                    sig(v.ratio.0),
                    sig(v.ratio.1)
                )
            });
            format!("{}: {rule}; {side}.", layer(l))
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Card 2: crossings.

/// How card 2 judges.
pub fn crossings_rule() -> String {
    "Crossings: for every pair of layers a < b, the sign changes of m_a − m_b between consecutive logged epochs \
     (epochs where the two are equal or missing are skipped), summed over all pairs; cumulative means as coded \
     against the per-layer means m_l of the same run, first seed."
        .into()
}

/// Card 2: crossings of cumulative and per-layer means.
pub fn crossings(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some(rec) = lead(records, 0) else {
        return nothing();
    };
    let cum = analysis::mean_crossings(rec, GradDefinition::Idnns);
    let per = analysis::mean_crossings(rec, GradDefinition::PerLayer);
    let headline = format!(
        "Seed {}: {} crossings of the cumulative means (as coded) and {} of the per-layer means, over {} pairs of layers and {} logged epochs.",
        rec.seed,
        cum.total,
        per.total,
        per.pairs.len(),
        per.epochs
    );
    let mut top: Vec<_> = per.crossing_pairs().collect();
    top.sort_by_key(|p| std::cmp::Reverse(p.count));
    let mut details = vec![format!(
        "Cumulative: {} crossing pairs; each curve is the one below it plus m_l ≥ 0, so these curves cannot cross.",
        cum.crossing_pairs().count()
    )];
    details.push(if top.is_empty() {
        "Per layer: no pair crosses.".into()
    } else {
        format!(
            "Per layer: {} of {} pairs cross; most often {}.",
            top.len(),
            per.pairs.len(),
            join(top.iter().take(4), |p| format!(
                "{}–{} ×{} (first at epoch {})",
                layer(p.a),
                layer(p.b),
                p.count,
                p.first_epoch.unwrap_or(0)
            ))
        )
    });
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Card 3: normalisation.

/// How card 3 judges.
pub fn normalisation_rule() -> String {
    let t = TrendRule::default();
    format!(
        "Same run, two definitions: ‖W_l‖_F at the first and last logged epochs; each layer's late/early mean \
         (geometric means over epochs ≤ T^{} and ≥ T^{}, T the last epoch); and card 1's transition rule, as coded \
         and with every m_l, s_l divided by ‖W_l‖ (then summed over layers as coded). First seed.",
        t.span,
        1.0 - t.span
    )
}

/// Card 3: what dividing by ‖W_l‖ changes.
pub fn normalisation(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some(rec) = lead(records, 0) else {
        return nothing();
    };
    let growth = analysis::weight_norm_growth(rec);
    let rule = TransitionRule::default();
    let (tc, tn) = (
        analysis::mean_trends(rec, GradDefinition::Idnns, &TrendRule::default()),
        analysis::mean_trends(rec, GradDefinition::Normalised, &TrendRule::default()),
    );
    let (pc, pn) = (
        analysis::phase_transitions(rec, GradDefinition::Idnns, &rule),
        analysis::phase_transitions(rec, GradDefinition::Normalised, &rule),
    );
    let ratios: Vec<f64> = growth.iter().flatten().map(|g| g.ratio).collect();
    let (lo, hi) = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let found = |p: &[analysis::PhaseCheck]| p.iter().filter(|c| c.transition.is_some()).count();
    let headline = format!(
        "Seed {}: ‖W_l‖ changes by {}–{} over training, so dividing by it lowers late values against early ones; \
         the transition rule fires in {} of {} layers as coded and {} normalised.",
        rec.seed,
        times(lo),
        times(hi),
        found(&pc),
        pc.len(),
        found(&pn)
    );
    let epoch = |c: &analysis::PhaseCheck| {
        c.transition
            .map_or("none".to_string(), |t| format!("epoch {}", t.epoch))
    };
    let details = (0..pc.len())
        .map(|l| {
            let g = growth.get(l).copied().flatten();
            let r = |t: &[Option<analysis::Trend>]| {
                t.get(l)
                    .copied()
                    .flatten()
                    .map_or("n/a".into(), |t| times(t.ratio))
            };
            format!(
                "{}: ‖W‖ {}; late/early mean {} as coded, {} normalised; transition {} as coded, {} normalised.",
                layer(l),
                g.map_or("n/a".into(), |g| format!(
                    "{} → {} ({})",
                    sig(g.first),
                    sig(g.last),
                    times(g.ratio)
                )),
                r(&tc),
                r(&tn),
                epoch(&pc[l]),
                pn.get(l).map_or("none".into(), epoch)
            )
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Card 4: axis labels.

/// How card 4 judges.
pub fn axis_rule() -> String {
    "IDNNs' axis has ticks at 10^-3 … 10^1 labelled 10^-4 … 10^0, so a value v appears as v/10. The example is the \
     letter's: the last layer's cumulative \"std\" at the first logged epoch, first seed."
        .into()
}

/// Card 4: the letter's example read off this run.
pub fn axis(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some(rec) = lead(records, 0) else {
        return nothing();
    };
    let Some((epoch, v)) = analysis::last_layer_first_std(rec, GradDefinition::Idnns) else {
        return nothing();
    };
    let Some(r) = analysis::original_axis_reading(v) else {
        return nothing();
    };
    let below = if r.reads_as < 0.1 {
        "below 0.1, as the letter found for its 0.49"
    } else {
        "not below 0.1, unlike the letter's 0.49"
    };
    let headline = format!(
        "Seed {}: the last layer's first \"std\" (epoch {epoch}) is {}; the original labels put it between \"10^{}\" and \"10^{}\", \
         where it reads as {}: {below}.",
        rec.seed,
        sig(v),
        r.decade - 1,
        r.decade,
        sig(r.reads_as)
    );
    let g = analysis::grad_series(rec, GradDefinition::Idnns);
    let values: Vec<f64> = g
        .mean
        .iter()
        .chain(&g.std)
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let inside = values
        .iter()
        .filter(|v| analysis::original_axis_reading(**v).is_some_and(|r| r.within_limits))
        .count();
    let details = vec![
        format!(
            "On the true axis it lies between 10^{} and 10^{}.",
            r.decade,
            r.decade + 1
        ),
        if inside == values.len() {
            format!(
                "All {inside} of the run's plotted values lie within the original y limits [0.001, 10]."
            )
        } else {
            format!(
                "{inside} of the run's {} plotted values lie within the original y limits [0.001, 10]; {} fall outside and are cut off.",
                values.len(),
                values.len() - inside
            )
        },
    ];
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Card 6: ReLU gradients.

/// How card 6 judges.
pub fn relu_rule() -> String {
    let t = TrendRule::default();
    format!(
        "Rise or fall: the geometric mean of each layer's cumulative \"mean\" over the late window (epochs ≥ T^{}) against \
         the early one (epochs ≤ T^{}), T the last logged epoch; a rise is ×{} or more, a fall ×{} or less. \
         Eventually decreasing: the smoothed value at the end is at most ×{} its peak (smoothing ×{} in epoch). First seed.",
        1.0 - t.span,
        t.span,
        t.change,
        short(1.0 / t.change),
        short(1.0 / t.change),
        t.smoothing
    )
}

/// Card 6: do the means rise over training with ReLU?
pub fn relu(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some(rec) = lead(records, 0) else {
        return nothing();
    };
    let rule = TrendRule::default();
    let trends = analysis::mean_trends(rec, GradDefinition::Idnns, &rule);
    let got: Vec<&analysis::Trend> = trends.iter().flatten().collect();
    let n = trends.len();
    let rises = got
        .iter()
        .filter(|t| t.direction == Direction::Rises)
        .count();
    let falls = got
        .iter()
        .filter(|t| t.direction == Direction::Falls)
        .count();
    let later_down = got
        .iter()
        .filter(|t| t.end <= t.peak.0 / rule.change)
        .count();
    let ratios: Vec<f64> = got.iter().map(|t| t.ratio).collect();
    let (acc_train, _) = analysis::final_accuracy(rec);
    let headline = format!(
        "Seed {}: the mean rises in {rises} of {n} layers and falls in {falls} (late/early {}–{}); it ends well below its peak \
         in {later_down} of {n} layers, with training accuracy {} at the end.",
        rec.seed,
        times(ratios.iter().copied().fold(f64::INFINITY, f64::min)),
        times(ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        percent(acc_train)
    );
    let details = trends
        .iter()
        .enumerate()
        .map(|(l, t)| match t {
            Some(t) => format!(
                "{}: {} (epochs {}–{}) → {} (epochs {}–{}), {}: {}; peak {} at epoch {}, end {} ({} of the peak).",
                layer(l),
                sig(t.early),
                t.early_epochs.0,
                t.early_epochs.1,
                sig(t.late),
                t.late_epochs.0,
                t.late_epochs.1,
                times(t.ratio),
                match t.direction {
                    Direction::Rises => "rises",
                    Direction::Falls => "falls",
                    Direction::Flat => "about level",
                },
                sig(t.peak.0),
                t.peak.1,
                sig(t.end),
                percent(t.end / t.peak.0)
            ),
            None => format!("{}: no positive values to compare.", layer(l)),
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Cards 7 and 11: information planes across seeds.

/// How cards 7 and 11 judge.
pub fn seeds_rule() -> String {
    format!(
        "Compression: a layer's I(X;T) at the last logged epoch is more than {COMPRESSION_BITS} bits below its peak over \
         the run. Spread between seeds: the range (max − min) and the standard deviation over seeds of the final I(X;T)."
    )
}

fn across_seeds(label: &str, records: &[Vec<SeedRecord>]) -> Verdict {
    let recs: Vec<SeedRecord> = records
        .first()
        .map(|v| v.iter().filter(|r| !r.epochs.is_empty()).cloned().collect())
        .unwrap_or_default();
    if recs.is_empty() {
        return nothing();
    }
    let layers = analysis::compression_across_seeds(&recs, COMPRESSION_BITS);
    let every = layers
        .iter()
        .filter(|l| l.measured > 0 && l.compressing == l.measured)
        .count();
    let none = layers.iter().filter(|l| l.compressing == 0).count();
    let headline = format!(
        "{label}, {}: compression in {}; {every} of {} layers compress in every seed, {none} in none.",
        super::format::seed_range(recs[0].seed, recs.len()),
        join(&layers, |l| format!(
            "{} {}/{}",
            layer(l.layer),
            l.compressing,
            l.measured
        )),
        layers.len()
    );
    let details = layers.iter().map(seed_line).collect();
    with_note(records, Verdict { headline, details })
}

fn seed_line(l: &LayerAcrossSeeds) -> String {
    let got: Vec<&Compression> = l.seeds.iter().flatten().collect();
    format!(
        "{}: peaks at {} bits (epochs {}) and falls by {} bits: compression in {} of {} seeds; final I(X;T) {} ± {:.2} (range {} between seeds).",
        layer(l.layer),
        join(&got, |c| format!("{:.2}", c.peak.0)),
        join(&got, |c| c.peak.1.to_string()),
        join(&got, |c| format!("{:.2}", c.fall)),
        l.compressing,
        l.measured,
        bits(l.end_mean),
        l.end_sd,
        bits(l.end_range)
    )
}

/// Card 7: compression across the seeds of the default run.
pub fn seeds(records: &[Vec<SeedRecord>]) -> Verdict {
    across_seeds("IDNNs defaults", records)
}

/// Card 11: compression across the seeds of the stored run's settings.
pub fn stored(records: &[Vec<SeedRecord>]) -> Verdict {
    across_seeds("The stored run's settings", records)
}

// ---------------------------------------------------------------------------
// Cards 8, 9 and 10: one configuration against another.

/// Layers that compress in one record, of how many, and a line listing them.
type Summary = (usize, usize, String);

/// The [`Summary`] of one record.
fn compression_summary(rec: &SeedRecord) -> Summary {
    let c = compression_by_layer(rec, COMPRESSION_BITS);
    let n = c.iter().flatten().filter(|c| c.compresses).count();
    let line = join(c.iter().enumerate(), |(l, c)| match c {
        Some(c) => format!(
            "{} {:.2} → {:.2}{}",
            layer(l),
            c.peak.0,
            c.end.0,
            if c.compresses { " (compresses)" } else { "" }
        ),
        None => format!("{} n/a", layer(l)),
    });
    (n, c.len(), line)
}

fn compare(names: &[&str], records: &[Vec<SeedRecord>]) -> Option<(u64, Vec<Summary>)> {
    let leads: Vec<&SeedRecord> = (0..names.len())
        .map(|k| lead(records, k))
        .collect::<Option<_>>()?;
    Some((
        leads[0].seed,
        leads.iter().map(|r| compression_summary(r)).collect(),
    ))
}

/// How card 8 judges.
pub fn architecture_rule() -> String {
    format!(
        "{} Both networks trained with the same seed; peak → final I(X;T) per layer (bits), and the test accuracy at the end.",
        seeds_rule().split(" Spread").next().unwrap_or_default()
    )
}

/// Card 8: the caption's architecture against the coded one.
pub fn architecture(records: &[Vec<SeedRecord>]) -> Verdict {
    let names = [
        "the caption's network (sigmoid output)",
        "the coded one (softmax)",
    ];
    let Some((seed, sums)) = compare(&names, records) else {
        return nothing();
    };
    let headline = format!(
        "Seed {seed}: compression in {} of {} layers with {} and {} of {} with {}.",
        sums[0].0, sums[0].1, names[0], sums[1].0, sums[1].1, names[1]
    );
    let details = names
        .iter()
        .zip(&sums)
        .enumerate()
        .map(|(k, (name, (_, _, line)))| {
            let acc = lead(records, k).map_or(f64::NAN, |r| analysis::final_accuracy(r).1);
            format!(
                "With {name}: I(X;T) {line}; test accuracy {}.",
                percent(acc)
            )
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

/// How card 9 judges.
pub fn binning_rule() -> String {
    format!(
        "{} The same ReLU network and seed under three estimators (training is identical; only the binning differs).",
        seeds_rule().split(" Spread").next().unwrap_or_default()
    )
}

/// Card 9: one ReLU run under three binnings.
pub fn binning(records: &[Vec<SeedRecord>]) -> Verdict {
    let names = ["IDNNs' [-1, 1] bins", "min/max bins", "adaptive bins"];
    let Some((seed, sums)) = compare(&names, records) else {
        return nothing();
    };
    let headline = format!(
        "Seed {seed}: compression in {}.",
        join(names.iter().zip(&sums), |(name, (n, of, _))| format!(
            "{n} of {of} layers with {name}"
        ))
    );
    let details = names
        .iter()
        .zip(&sums)
        .map(|(name, (_, _, line))| format!("{name}: I(X;T) peak → end {line}."))
        .collect();
    with_note(records, Verdict { headline, details })
}

/// How card 10 judges.
pub fn saxe_rule() -> String {
    format!(
        "{} SNR transition: a layer's SNR m_l/s_l (Saxe et al.'s, smoothed over ×{SNR_SMOOTHING} in epoch) falls by at least \
         ×{SNR_FACTOR} from its peak to the last logged epoch.",
        seeds_rule().split(" Spread").next().unwrap_or_default()
    )
}

/// Card 10: Saxe et al.'s tanh and ReLU settings.
pub fn saxe(records: &[Vec<SeedRecord>]) -> Verdict {
    let names = ["tanh", "ReLU"];
    let Some((seed, sums)) = compare(&names, records) else {
        return nothing();
    };
    let snr: Vec<Vec<Option<analysis::SnrDrop>>> = (0..names.len())
        .map(|k| {
            lead(records, k).map_or(Vec::new(), |r| {
                analysis::snr_drops(r, GradDefinition::Saxe, SNR_SMOOTHING, SNR_FACTOR)
            })
        })
        .collect();
    let drops = |k: usize| snr[k].iter().flatten().filter(|d| d.transition).count();
    let headline = format!(
        "Seed {seed}: compression in {} of {} layers with tanh and {} of {} with ReLU; the SNR falls by ×{SNR_FACTOR} or more \
         in {} of {} layers with tanh and {} of {} with ReLU.",
        sums[0].0,
        sums[0].1,
        sums[1].0,
        sums[1].1,
        drops(0),
        snr[0].len(),
        drops(1),
        snr[1].len()
    );
    let mut details = Vec::new();
    for (k, name) in names.iter().enumerate() {
        details.push(format!("{name}: I(X;T) peak → end {}.", sums[k].2));
        details.push(format!(
            "{name}: SNR peak → end {}.",
            join(snr[k].iter().enumerate(), |(l, d)| match d {
                Some(d) => format!(
                    "{} {} (epoch {}) → {} ({})",
                    layer(l),
                    sig(d.peak.0),
                    d.peak.1,
                    sig(d.end.0),
                    times(d.factor)
                ),
                None => format!("{} n/a", layer(l)),
            })
        ));
    }
    with_note(records, Verdict { headline, details })
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::record::EpochRecord;

    /// Two layers whose per-layer means swap at epoch 10 and back at 20,
    /// I(X;T) of layer 1 rising to `peak` at epoch 50 then falling to `end`.
    fn rec(seed: u64, peak: f64, end: f64) -> SeedRecord {
        let mut r = SeedRecord::new(seed);
        for e in 0..100usize {
            let swap = (10..20).contains(&e);
            let x = if e <= 50 {
                peak * e as f64 / 50.0
            } else {
                peak - (peak - end) * (e - 50) as f64 / 49.0
            };
            r.push(&EpochRecord {
                epoch: e,
                ixt: vec![12.0, x],
                ity: vec![1.0, 0.5],
                grad_m: if swap { vec![1.0, 2.0] } else { vec![2.0, 1.0] },
                grad_s: vec![1.0, 1.0],
                wnorm: vec![1.0, 1.0 + e as f64 / 10.0],
                loss_train: 0.1,
                loss_test: 0.2,
                acc_train: 0.99,
                acc_test: 0.9,
            });
        }
        r.status = Status::Done;
        r
    }

    #[test]
    fn crossings_verdict_carries_the_counts() {
        let v = crossings(&[vec![rec(7, 8.0, 6.0)]]);
        assert!(
            v.headline
                .starts_with("Seed 7: 0 crossings of the cumulative means"),
            "{}",
            v.headline
        );
        assert!(
            v.headline.contains("and 2 of the per-layer means"),
            "{}",
            v.headline
        );
        assert!(
            v.details[1].contains("L1–L2 ×2 (first at epoch 11)"),
            "{}",
            v.details[1]
        );
    }

    #[test]
    fn compression_verdicts_follow_the_numbers() {
        let v = seeds(&[vec![rec(0, 8.0, 6.0), rec(1, 8.0, 7.9)]]);
        assert!(v.headline.contains("seeds 0–1"), "{}", v.headline);
        assert!(v.headline.contains("L2 1/2"), "{}", v.headline);
        assert!(
            v.details[1].contains("falls by 2.00, 0.10 bits"),
            "{}",
            v.details[1]
        );
        let a = architecture(&[vec![rec(3, 8.0, 6.0)], vec![rec(3, 8.0, 8.0)]]);
        assert!(
            a.headline
                .contains("compression in 1 of 2 layers with the caption's"),
            "{}",
            a.headline
        );
        assert!(
            a.headline.contains("0 of 2 with the coded one"),
            "{}",
            a.headline
        );
        assert_eq!(architecture(&[vec![rec(3, 8.0, 6.0)]]), nothing());
    }

    #[test]
    fn a_stopped_seed_is_noted() {
        let mut r = rec(0, 8.0, 6.0);
        r.status = Status::Stopped;
        let v = axis(&[vec![r]]);
        assert!(
            v.details[0].starts_with("Stopped early: judged on the epochs logged up to epoch 100")
        );
        assert!(v.headline.contains("is 1.41"), "{}", v.headline);
        assert!(
            v.headline.contains("reads as 0.141: not below 0.1"),
            "{}",
            v.headline
        );
    }
}
