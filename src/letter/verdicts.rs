//! Verdicts in words: each card's rule (how it judges, with its thresholds
//! and its rate on stationary controls) and its verdict, sentences built
//! from `infoplane_core::analysis` results with the runs' numbers in them.
//! Every decision (a threshold, a yes/no, a direction, a reading) is made
//! in `analysis`; this file only counts its answers into sentences.

use super::format::{bits, count, layer, percent, seed_range, short, sig, times};
use infoplane_core::analysis::axis::{self, LabelledAxis, IDNNS_GRADIENT_AXIS};
use infoplane_core::analysis::compression::{
    self, compression_across_seeds, CompressionAcrossSeeds, CompressionRule,
};
use infoplane_core::analysis::control::{ControlRate, NOISE_SD};
use infoplane_core::analysis::crossings::{self, CrossingRule};
use infoplane_core::analysis::decline::{self, DeclineRule};
use infoplane_core::analysis::normalisation::{self, NormRule, NormShift};
use infoplane_core::analysis::phases::{self, PhaseRule};
use infoplane_core::analysis::seeds::{counts, LayerTally, Spread};
use infoplane_core::analysis::sensitivity::{self, LayerSensitivity, SensitivityRule};
use infoplane_core::analysis::shares::{self, ShareRule};
use infoplane_core::analysis::stored::{self, StoredRule, StoredRun};
use infoplane_core::analysis::trends::{self, TrendQuestion, TrendRule};
use infoplane_core::analysis::{self as an, Smoothing};
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

/// The records of configuration `config` that logged an epoch.
fn recs(records: &[Vec<SeedRecord>], config: usize) -> Vec<&SeedRecord> {
    records
        .get(config)
        .map(|v| an::with_data(v))
        .unwrap_or_default()
}

fn nothing() -> Verdict {
    Verdict {
        headline: "No logged epoch to judge: the run ended before its first measurement.".into(),
        details: Vec::new(),
    }
}

/// "Seed 3" or "Seeds 0–3" (capitalised [`seed_range`]).
fn seeds_of(r: &[&SeedRecord]) -> String {
    let s = seed_range(r.first().map_or(0, |r| r.seed), r.len());
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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

/// "L1–L3, L5": layers (0-based indexes, ascending), consecutive runs joined.
fn layer_list(ls: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut k = 0;
    while k < ls.len() {
        let mut j = k;
        while j + 1 < ls.len() && ls[j + 1] == ls[j] + 1 {
            j += 1;
        }
        parts.push(match j - k {
            0 => layer(ls[k]),
            1 => format!("{}, {}", layer(ls[k]), layer(ls[j])),
            _ => format!("{}–{}", layer(ls[k]), layer(ls[j])),
        });
        k = j + 1;
    }
    parts.join(", ")
}

/// Agreement across seeds, layers grouped by how many seeds show the
/// effect, most first: "L5, L6 in 4 of 4 seeds; L2 in 1 of 4; L1, L3, L4 in
/// 0 of 4" (layers no seed could judge: "L7 not measured"; seeds without a
/// value: "L1 in 3 of 3 seeds (1 of 4 without a value)").
fn agreement(t: &[LayerTally]) -> String {
    let mut groups: Vec<((usize, usize, usize), Vec<usize>)> = Vec::new();
    for l in t {
        let k = (l.showing, l.measured, l.seeds);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => g.1.push(l.layer),
            None => groups.push((k, vec![l.layer])),
        }
    }
    groups.sort_by(|a, b| (b.0 .1 > 0).cmp(&(a.0 .1 > 0)).then(b.0.cmp(&a.0)));
    let mut first = true;
    let parts: Vec<String> = groups
        .iter()
        .map(|((showing, measured, seeds), ls)| {
            if *measured == 0 {
                return format!("{} not measured", layer_list(ls));
            }
            let unit = if first {
                first = false;
                if *measured == 1 {
                    " seed"
                } else {
                    " seeds"
                }
            } else {
                ""
            };
            let missing = if measured < seeds {
                format!(" ({} of {seeds} without a value)", seeds - measured)
            } else {
                String::new()
            };
            format!(
                "{} in {showing} of {measured}{unit}{missing}",
                layer_list(ls)
            )
        })
        .collect();
    if parts.is_empty() {
        "no layer".into()
    } else {
        parts.join("; ")
    }
}

/// "0.61 (0.55–0.68 over 4 seeds, sd 0.05)" or the single value.
fn spread(s: &Option<Spread>, f: impl Fn(f64) -> String) -> String {
    match s {
        None => "n/a".into(),
        Some(s) if s.n == 1 => f(s.mean),
        Some(s) => format!(
            "mean {} (sd {}, {}{}{} over {} seeds)",
            f(s.mean),
            f(s.sd),
            f(s.min),
            // "–" before a negative number reads as a minus: say "to".
            if s.min < 0.0 { " to " } else { "–" },
            f(s.max),
            s.n
        ),
    }
}

/// "fires on 0.2 % of stationary controls (1 of 500)".
fn control_text(c: ControlRate, what: &str) -> String {
    format!(
        "On stationary controls ({what}) it fires on {} ({} of {}).",
        percent(c.rate()),
        c.fired,
        c.replicates
    )
}

/// The largest noise (decades per logged epoch) on the log ratio of two
/// control curves.
fn ratio_noise() -> String {
    sig(std::f64::consts::SQRT_2 * NOISE_SD.1)
}

fn smoothing_text(s: &Smoothing) -> String {
    format!(
        "each point averages the logged epochs within ×{} of its own epoch, and points averaging fewer than {} are dropped",
        s.factor, s.min_points
    )
}

fn decades(v: f64) -> String {
    format!("{} decade", short(v))
}

// ---------------------------------------------------------------------------
// fig4-as-coded: phases.

fn phase_rule_text(r: &PhaseRule) -> String {
    format!(
        "Two phases, per layer, on Saxe et al.'s gradient signal-to-noise ratio m_l/s_l (the norm of the mean gradient over \
         the root of the summed per-weight variances, both in gradient units, so the ratio stays put when the gradients merely \
         shrink). Smoothing of log10 SNR: {}. A transition: at an epoch no later than 1/{} of the run, the smoothed SNR lies at \
         least {} (×{}) below its highest value so far, and every later value stays at least {} below that level. {}",
        smoothing_text(&r.smoothing),
        r.persist,
        decades(r.drop),
        sig(10f64.powf(r.drop)),
        decades(r.hold * r.drop),
        control_text(
            phases::CONTROL,
            &format!(
                "a constant true SNR, the gradients shrinking as t^−α, the SNR's noise up to {} decade per logged epoch",
                ratio_noise()
            )
        )
    )
}

/// How `fig4-as-coded` judges.
pub fn phases_rule() -> String {
    format!(
        "{} Reported apart, as the figure shows it: IDNNs' cumulative mean Σm_l against its std √(Σs_l), the mean above \
         the std at the first logged epoch and below it at the last. Those two are not in the same units: their ratio falls \
         whenever the gradients shrink, whatever the SNR does.",
        phase_rule_text(&PhaseRule::default())
    )
}

/// `fig4-as-coded`: two phases in the gradient statistics of the default run?
pub fn phases(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let rule = PhaseRule::default();
    let t = phases::phases_across_seeds(&r, GradDefinition::Saxe, &rule);
    if t.iter().all(|l| l.measured == 0) {
        return with_note(records, too_short_for_snr(&r));
    }
    let plotted: Vec<Vec<Option<phases::MeanVsStd>>> = r
        .iter()
        .map(|s| phases::mean_vs_std(s, GradDefinition::Idnns))
        .collect();
    let shown = an::tally(&plotted);
    let c = counts(&t);
    let headline = format!(
        "{}: two phases (a sustained drop of the SNR): {}; in every seed in {} of {} layers. As the figure shows it \
         (cumulative mean above the std, then below): {}.",
        seeds_of(&r),
        agreement(&t),
        c.every,
        c.layers,
        agreement(&shown)
    );
    let per: Vec<Vec<Option<phases::PhaseCheck>>> = r
        .iter()
        .map(|s| phases::phase_checks(s, GradDefinition::Saxe, &rule))
        .collect();
    let details = t
        .iter()
        .map(|l| {
            let checks: Vec<&phases::PhaseCheck> = per
                .iter()
                .filter_map(|s| s.get(l.layer).and_then(Option::as_ref))
                .collect();
            let when = join(checks.iter().filter_map(|c| c.transition), |tr| {
                format!(
                    "{} at epoch {} → at most {} from epoch {} on",
                    sig(tr.peak.0),
                    tr.peak.1,
                    sig(tr.after_max),
                    tr.drop_epoch
                )
            });
            let plot = shown.get(l.layer).map_or(String::new(), |p| {
                format!(
                    "; figure's mean/std at the end over at the start: {}",
                    spread(&p.key, sig)
                )
            });
            format!(
                "{}: transition in {} of {} seeds{}; sustained decline of log10 SNR {}{plot}.",
                layer(l.layer),
                l.showing,
                l.measured,
                if when.is_empty() {
                    String::new()
                } else {
                    format!(" (SNR {when})")
                },
                spread(&l.key, |v| format!("{v:.2}"))
            )
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

fn too_short_for_snr(r: &[&SeedRecord]) -> Verdict {
    Verdict {
        headline: format!(
            "{}: no SNR to judge over {} logged epochs: the run is too short for the smoothing, or trains on one batch per \
             epoch (no spread between batches).",
            seeds_of(r),
            r.iter().map(|s| s.epochs.len()).max().unwrap_or(0)
        ),
        details: Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// cumulative-means: crossings.

fn crossing_rule_text(r: &CrossingRule) -> String {
    format!(
        "Two curves cross when their smoothed log10 difference changes side with hysteresis: they are on one side once more \
         than {} (×{}) apart, and a crossing counts only when they are that far apart on the other side; its epoch is the first \
         on the new side. Smoothing: {}. {}",
        decades(r.hysteresis),
        sig(10f64.powf(r.hysteresis)),
        smoothing_text(&r.smoothing),
        control_text(
            crossings::CONTROL,
            &format!(
                "two curves at the same true level, their ratio's noise up to {} decade per logged epoch",
                ratio_noise()
            )
        )
    )
}

/// How `cumulative-means` judges.
pub fn crossings_rule() -> String {
    format!(
        "{} Every pair of layers, the cumulative means as coded against the per-layer means m_l of the same runs.",
        crossing_rule_text(&CrossingRule::default())
    )
}

/// `cumulative-means`: crossings of cumulative and per-layer means.
pub fn crossings(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let rule = CrossingRule::default();
    let cum: Vec<usize> = r
        .iter()
        .map(|s| crossings::mean_crossings(s, GradDefinition::Idnns, &rule).total)
        .collect();
    let per: Vec<crossings::Crossings> = r
        .iter()
        .map(|s| crossings::mean_crossings(s, GradDefinition::PerLayer, &rule))
        .collect();
    let pairs = crossings::crossings_across_seeds(&r, GradDefinition::PerLayer, &rule);
    let headline = format!(
        "{}: crossings of the cumulative means (as coded), per seed: {}; of the per-layer means: {}, over {} pairs of layers \
         and {} logged epochs.",
        seeds_of(&r),
        join(&cum, |c| c.to_string()),
        join(&per, |c| c.total.to_string()),
        pairs.len(),
        per.first().map_or(0, |c| c.epochs)
    );
    let mut details = vec![
        "Cumulative: each curve is the one below it plus m_l ≥ 0, so these curves cannot cross."
            .to_string(),
    ];
    let mut crossing: Vec<&crossings::PairTally> =
        pairs.iter().filter(|p| p.tally.showing > 0).collect();
    // Most crossings first, ties in pair order.
    crossing.sort_unstable_by_key(|p| (std::cmp::Reverse(p.tally.showing), p.a, p.b));
    details.push(if crossing.is_empty() {
        "Per layer: no pair crosses in any seed.".into()
    } else {
        format!(
            "Per layer: {} of {} pairs cross in at least one seed; {}.",
            crossing.len(),
            pairs.len(),
            join(crossing.iter().take(5), |p| {
                let firsts = join(
                    per.iter().filter_map(|c| {
                        c.pairs
                            .iter()
                            .find(|q| q.a == p.a && q.b == p.b)
                            .and_then(|q| q.crossing.first_epoch)
                    }),
                    |e| e.to_string(),
                );
                format!(
                    "{}–{} in {} of {} seeds (first at epoch {firsts})",
                    layer(p.a),
                    layer(p.b),
                    p.tally.showing,
                    p.tally.measured
                )
            })
        )
    });
    // Where the per-layer means end, the order the crossings lead to.
    let n = r.iter().map(|s| an::layers(&s.grad_m)).max().unwrap_or(0);
    details.push(format!(
        "Per-layer means m_l at the last logged epoch, mean over seeds (range): {}.",
        join(0..n, |l| {
            let last = Spread::of(r.iter().filter_map(|s| s.grad_m.last()?.get(l).copied()));
            format!("{} {}", layer(l), mean_range(&last, sig))
        })
    ));
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// caption-normalisation.

/// How `caption-normalisation` judges.
pub fn normalisation_rule() -> String {
    let r = NormRule::default();
    format!(
        "Same runs, two definitions: as coded, and with every m_l and s_l divided by ‖W_l‖_F (then summed over layers as \
         coded). Direction, from the measured norms: a layer whose ‖W_l‖ grows by ×{} or more from the first to the last logged \
         epoch has its late values lowered against its early ones by the division, one that shrinks as much has them raised. \
         The picture: the phase rule of \"Figure 4 as coded\" on the scale-free Σm/Σs of each definition; the same verdict in every layer means \
         the same picture. {}",
        r.tolerance,
        phase_rule_text(&r.phases)
    )
}

/// `caption-normalisation`: what dividing by ‖W_l‖ changes.
pub fn normalisation(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let a = normalisation::normalisation_across_seeds(&r, &NormRule::default());
    let headline = format!(
        "{}: ‖W_l‖ grows by ×{} or more (so dividing by it lowers late values against early ones): {}. It shrinks as much \
         (late values raised): {}. The phase rule gives the same verdict under both definitions: {}; the normalisation \
         changes the levels, not the picture, in {} of {} seeds.",
        seeds_of(&r),
        NormRule::default().tolerance,
        agreement(&a.lowered),
        agreement(&a.raised),
        agreement(&a.same_phases),
        a.levels_not_picture,
        a.seeds.len()
    );
    let fires = |p: &Option<phases::PhaseCheck>| match p {
        Some(p) if p.transition.is_some() => "a transition",
        Some(_) => "none",
        None => "n/a",
    };
    let lead = &a.seeds[0];
    let details = lead
        .layers
        .iter()
        .map(|l| {
            format!(
                "{}: ‖W‖ {} (over seeds: {}); {}; phase rule as coded: {}, normalised: {} (seed {}).",
                layer(l.layer),
                l.growth.map_or("n/a".into(), |g| format!(
                    "{} → {} ({})",
                    sig(g.first),
                    sig(g.last),
                    times(g.ratio)
                )),
                a.lowered
                    .get(l.layer)
                    .map_or("n/a".into(), |t| spread(&t.key, times)),
                match l.shift {
                    Some(NormShift::Lowers) => "late values lowered",
                    Some(NormShift::Raises) => "late values raised",
                    Some(NormShift::Neither) => "about unchanged",
                    None => "n/a",
                },
                fires(&l.coded),
                fires(&l.normalised),
                r[0].seed
            )
        })
        .collect();
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// axis-labels.

fn axis_text(a: &LabelledAxis) -> String {
    format!(
        "IDNNs' axis: ticks at 10^{} … 10^{} carrying the labels 10^{} … 10^{} in order (hard-coded labels start one decade \
         lower), limits [{}, {}]. A value reads as the labels put it: its log position between its two neighbouring ticks, \
         mapped onto those ticks' labels.",
        a.ticks.first().copied().unwrap_or(0),
        a.ticks.last().copied().unwrap_or(0),
        a.labels.first().copied().unwrap_or(0),
        a.labels.get(a.ticks.len().saturating_sub(1)).copied().unwrap_or(0),
        a.limits.0,
        a.limits.1
    )
}

/// How `axis-labels` judges.
pub fn axis_rule() -> String {
    format!(
        "{} The example is the letter's: the last layer's cumulative \"std\" at the first plotted epoch (the first logged \
         epoch with a positive value, drawn at epoch index + 1), each seed.",
        axis_text(&IDNNS_GRADIENT_AXIS)
    )
}

/// `axis-labels`: the letter's example read off these runs.
pub fn axis(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    let (per, t) = axis::letters_example(&r, GradDefinition::Idnns, &IDNNS_GRADIENT_AXIS);
    let read: Vec<&axis::ExampleReading> = per.iter().flatten().collect();
    let Some(first) = read.first() else {
        return nothing();
    };
    let x = first.reading;
    let headline = format!(
        "{}: the last layer's first \"std\" (seed {}, epoch {}) is {}; between the ticks 10^{} and 10^{}, which carry \
         the labels \"10^{}\" and \"10^{}\", it reads as {}. It reads below \"10^{}\", as the letter's 0.49 did, in {} of {} \
         seeds.",
        seeds_of(&r),
        first.seed,
        first.epoch,
        sig(x.value),
        x.ticks.0,
        x.ticks.1,
        x.labels.0,
        x.labels.1,
        sig(x.reads_as),
        axis::LETTER_LABEL,
        t.showing,
        t.measured
    );
    let mut details: Vec<String> = read
        .iter()
        .skip(1)
        .map(|e| {
            format!(
                "Seed {}: {} at epoch {}, reads as {}.",
                e.seed,
                sig(e.reading.value),
                e.epoch,
                sig(e.reading.reads_as)
            )
        })
        .collect();
    let (inside, total) = axis::within_limits(r[0], GradDefinition::Idnns, &IDNNS_GRADIENT_AXIS);
    details.push(format!(
        "{inside} of the {total} plotted values of seed {} lie within the original y limits [{}, {}]; the rest are cut off.",
        r[0].seed, IDNNS_GRADIENT_AXIS.limits.0, IDNNS_GRADIENT_AXIS.limits.1
    ));
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// relu-gradients.

fn trend_rule_text(r: &TrendRule) -> String {
    format!(
        "Rise or fall: the early level is the geometric mean over epochs t ≤ T^{} (T the last logged epoch); the curve falls \
         if every smoothed value over the late stretch (epochs ≥ {}·T) lies at least {} (×{}) below it, rises if every one lies \
         as far above; it falls eventually if every late value lies that far below its highest smoothed value before the late \
         stretch. Smoothing: {}. {}",
        r.early,
        r.late,
        decades(r.change),
        sig(10f64.powf(r.change)),
        smoothing_text(&r.smoothing),
        control_text(
            trends::CONTROL,
            &format!(
                "flat curves with noise up to {} decade per logged epoch",
                sig(NOISE_SD.1)
            )
        )
    )
}

/// How `relu-gradients` judges.
pub fn relu_rule() -> String {
    format!(
        "{} Applied to each layer's cumulative \"mean\" as coded.",
        trend_rule_text(&TrendRule::default())
    )
}

/// `relu-gradients`: do the means rise over training with ReLU?
pub fn relu(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let rule = TrendRule::default();
    let per: Vec<Vec<Option<trends::Trend>>> = r
        .iter()
        .map(|s| trends::mean_trends(s, GradDefinition::Idnns, &rule))
        .collect();
    let rises = trends::tally_trends(&per, TrendQuestion::Rises);
    let falls = trends::tally_trends(&per, TrendQuestion::Falls);
    let later = trends::tally_trends(&per, TrendQuestion::EventuallyFalls);
    if rises.iter().all(|l| l.measured == 0) {
        return with_note(
            records,
            Verdict {
                headline: format!(
                    "{}: too few logged epochs ({}) to compare early and late levels.",
                    seeds_of(&r),
                    r[0].epochs.len()
                ),
                details: Vec::new(),
            },
        );
    }
    let acc: Vec<f64> = r.iter().map(|s| an::final_accuracy(s).0).collect();
    let headline = format!(
        "{}: the cumulative mean rises: {}. It falls: {}. It falls eventually (below its peak): {}. Training accuracy at the end: {}.",
        seeds_of(&r),
        agreement(&rises),
        agreement(&falls),
        agreement(&later),
        join(&acc, |a| percent(*a))
    );
    let details = rises
        .iter()
        .map(|l| format!("{}: late/early {}.", layer(l.layer), spread(&l.key, times)))
        .collect();
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Cards 7 and 11: information planes across seeds.

fn compression_rule_text(r: &CompressionRule) -> String {
    format!(
        "Compression: over the late stretch (epochs ≥ {}·T, T the last logged epoch) every smoothed I(X;T) lies below the \
         highest smoothed value before it by at least max({} bit, {} of that peak); I(T;Y) falls with it if it stays below its \
         value at that peak's epoch by max({} bit, {}). Smoothing: {}. {}",
        r.late,
        r.min_bits,
        percent(r.fraction),
        r.ity_min_bits,
        percent(r.fraction),
        smoothing_text(&r.smoothing),
        control_text(
            compression::CONTROL,
            "I(X;T) rising to a plateau or flat, with noise up to 0.3 bit per logged epoch"
        )
    )
}

/// How `seeds-information-plane` judges (and the stored-run card, with its comparison).
pub fn seeds_rule() -> String {
    format!(
        "{} Per layer: seeds that compress, of how many, and the spread of the fall (peak − highest late value) over seeds.",
        compression_rule_text(&CompressionRule::default())
    )
}

fn compression_line(l: &CompressionAcrossSeeds) -> String {
    format!(
        "{}: compression in {} of {} seeds (I(T;Y) falling with it in {}); fall {}; peaks {} at epochs {}.",
        layer(l.layer),
        l.tally.showing,
        l.tally.measured,
        l.ity_falls,
        spread(&l.tally.key, bits),
        join(l.seeds.iter().flatten(), |c| format!("{:.2}", c.peak.0)),
        join(l.seeds.iter().flatten(), |c| c.peak.1.to_string()),
    )
}

fn across_seeds(label: &str, records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let layers = compression_across_seeds(&r, &CompressionRule::default());
    let t: Vec<LayerTally> = layers.iter().map(|l| l.tally).collect();
    let c = counts(&t);
    let headline = format!(
        "{} of {label}: compression in {}; {} of {} layers compress in every seed, {} in none.",
        seeds_of(&r),
        agreement(&t),
        c.every,
        c.layers,
        c.none
    );
    let details = layers.iter().map(compression_line).collect();
    with_note(records, Verdict { headline, details })
}

/// `seeds-information-plane`: compression across the seeds of the default run.
pub fn seeds(records: &[Vec<SeedRecord>]) -> Verdict {
    across_seeds("the IDNNs defaults", records)
}

/// Compression across the seeds of the stored run's settings.
pub fn stored(records: &[Vec<SeedRecord>]) -> Verdict {
    across_seeds("the stored run's settings", records)
}

/// How the stored-run card compares the reader's seeds with SZT's stored
/// run (once the page has loaded it).
pub fn stored_comparison_rule() -> String {
    let r = StoredRule::default();
    format!(
        "against SZT's stored run (20 repeats): at {} of its logged epochs, log-spaced over its 10000 and matched by epoch \
         index, whether each seed's I(X;T) and I(T;Y) per layer lie within the stored mean ± {} sd over the repeats (sd taken \
         as at least {} bit where the repeats agree exactly).",
        r.epochs, r.width, r.sd_floor
    )
}

/// `stored-run`: the reader's seeds against the stored run, and their compression.
pub fn stored_comparison(records: &[Vec<SeedRecord>], stored_run: &StoredRun) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let c = stored::compare(&r, stored_run, &StoredRule::default());
    let ixt: Vec<LayerTally> = c.layers.iter().map(|l| l.ixt).collect();
    let ity: Vec<LayerTally> = c.layers.iter().map(|l| l.ity).collect();
    let layers = compression_across_seeds(&r, &CompressionRule::default());
    let t: Vec<LayerTally> = layers.iter().map(|l| l.tally).collect();
    let headline = format!(
        "{}: within the stored run's mean ± 2 sd at all {} compared epochs: I(X;T) of {}; I(T;Y) of {}. Compression in {}.",
        seeds_of(&r),
        c.epochs.len(),
        agreement(&ixt),
        agreement(&ity),
        agreement(&t)
    );
    let mut details = vec![format!(
        "Compared at epochs {} (epoch index + 1).",
        join(&c.epochs, |e| (e + 1).to_string())
    )];
    details.extend(c.layers.iter().map(|l| {
        format!(
            "{}: epochs inside the band per seed, I(X;T) {} and I(T;Y) {}; largest distance from the stored mean, mean over \
             seeds (range): I(X;T) {} sd, I(T;Y) {} sd.",
            layer(l.layer),
            join(&l.seeds, |s| format!("{}/{}", s.ixt.inside, s.ixt.compared)),
            join(&l.seeds, |s| format!("{}/{}", s.ity.inside, s.ity.compared)),
            mean_range(&l.ixt.key, |v| format!("{v:.1}")),
            mean_range(&l.ity.key, |v| format!("{v:.1}")),
        )
    }));
    details.extend(layers.iter().map(compression_line));
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// Cards that compare configurations: the caption's architecture, ReLU
// binnings, Saxe et al.

/// Compression per layer over the seeds of configuration `k` (`None` when
/// it logged nothing).
fn compression_of(records: &[Vec<SeedRecord>], k: usize) -> Option<Vec<CompressionAcrossSeeds>> {
    let r = recs(records, k);
    (!r.is_empty()).then(|| compression_across_seeds(&r, &CompressionRule::default()))
}

/// Compression per layer over the seeds of each configuration, if every
/// configuration logged an epoch.
fn compare_configs(
    n: usize,
    records: &[Vec<SeedRecord>],
) -> Option<(String, Vec<Vec<CompressionAcrossSeeds>>)> {
    let sums: Option<Vec<_>> = (0..n).map(|k| compression_of(records, k)).collect();
    Some((seeds_of(&recs(records, 0)), sums?))
}

fn compressing_layers(l: &[CompressionAcrossSeeds]) -> String {
    let t: Vec<LayerTally> = l.iter().map(|l| l.tally).collect();
    agreement(&t)
}

/// "0.31 bits (0.12–0.55)": the mean over seeds with its range.
fn mean_range(s: &Option<Spread>, f: impl Fn(f64) -> String) -> String {
    match s {
        None => "n/a".into(),
        Some(s) if s.n == 1 => f(s.mean),
        // "–" between negative numbers reads as a minus: say "to".
        Some(s) if s.min < 0.0 => format!("{} ({} to {})", f(s.mean), f(s.min), f(s.max)),
        Some(s) => format!("{} ({}–{})", f(s.mean), f(s.min), f(s.max)),
    }
}

/// "{name}: I(X;T) falls from its peak by (mean over seeds, range): L1 …".
fn config_line(name: &str, l: &[CompressionAcrossSeeds]) -> String {
    format!(
        "{name}: fall of I(X;T) from its peak to its highest late value, mean over seeds (range): {}.",
        join(l, |l| format!(
            "{} {}",
            layer(l.layer),
            mean_range(&l.tally.key, bits)
        ))
    )
}

fn config_lines(names: &[&str], sums: &[Vec<CompressionAcrossSeeds>]) -> Vec<String> {
    names
        .iter()
        .zip(sums)
        .map(|(name, l)| config_line(name, l))
        .collect()
}

/// How `caption-architecture` judges.
pub fn architecture_rule() -> String {
    format!(
        "{} Both networks trained with the same seeds; the test accuracy at the end.",
        compression_rule_text(&CompressionRule::default())
    )
}

/// `caption-architecture`: the caption's architecture against the coded one.
pub fn architecture(records: &[Vec<SeedRecord>]) -> Verdict {
    let names = [
        "the caption's network (sigmoid output)",
        "the coded one (softmax)",
    ];
    let Some((seeds, sums)) = compare_configs(names.len(), records) else {
        return nothing();
    };
    let headline = format!(
        "{seeds}: compression with {} in {}; with {} in {}.",
        names[0],
        compressing_layers(&sums[0]),
        names[1],
        compressing_layers(&sums[1])
    );
    let mut details = config_lines(&names, &sums);
    for (k, name) in names.iter().enumerate() {
        let acc = Spread::of(recs(records, k).iter().map(|r| an::final_accuracy(r).1));
        details.push(format!(
            "Test accuracy at the end with {name}: {}.",
            spread(&acc, percent)
        ));
    }
    with_note(records, Verdict { headline, details })
}

/// How `relu-binning` judges.
pub fn binning_rule() -> String {
    format!(
        "{} The same ReLU network and seeds under three estimators (training is identical; only the binning differs).",
        compression_rule_text(&CompressionRule::default())
    )
}

/// `relu-binning`: one ReLU run under three binnings.
pub fn binning(records: &[Vec<SeedRecord>]) -> Verdict {
    let names = ["IDNNs' [-1, 1] bins", "min/max bins", "adaptive bins"];
    let Some((seeds, sums)) = compare_configs(names.len(), records) else {
        return nothing();
    };
    let headline = format!(
        "{seeds}: compression {}.",
        names
            .iter()
            .zip(&sums)
            .map(|(name, l)| format!("with {name} in {}", compressing_layers(l)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let details = config_lines(&names, &sums);
    with_note(records, Verdict { headline, details })
}

/// How `saxe` judges.
pub fn saxe_rule() -> String {
    format!(
        "{} Applied to each configuration: binning as ibsgd bins (the main estimator), and KDE (the second estimator) at each \
         noise variance. SNR transition, on the binning runs' gradients (Saxe et al.'s m_l/s_l per layer), by the sustained-change \
         rule: {}",
        compression_rule_text(&CompressionRule::default()),
        phase_rule_text(&PhaseRule::default())
    )
}

/// The Saxe card's configurations, in the card's order.
const SAXE_NAMES: [&str; 6] = [
    "tanh, bins",
    "ReLU, bins",
    "tanh, KDE noise variance 1e-3",
    "ReLU, KDE noise variance 1e-3",
    "tanh, KDE noise variance 0.1",
    "ReLU, KDE noise variance 0.1",
];

/// Whether every layer's m_l is exactly zero at the last logged epoch (a
/// network whose ReLU units are all silent in some layer learns no more).
fn silent_at_the_end(r: &SeedRecord) -> bool {
    r.grad_m
        .last()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|v| *v == 0.0))
}

/// `saxe`: Saxe et al.'s tanh and ReLU settings, binning first, KDE second.
pub fn saxe(records: &[Vec<SeedRecord>]) -> Verdict {
    let Some((seeds, sums)) = compare_configs(2, records) else {
        return nothing();
    };
    let snr: Vec<Vec<LayerTally>> = (0..2)
        .map(|k| {
            phases::phases_across_seeds(
                &recs(records, k),
                GradDefinition::Saxe,
                &PhaseRule::default(),
            )
        })
        .collect();
    let headline = format!(
        "{seeds}, binning as ibsgd: compression with tanh in {}; with ReLU in {}. A sustained SNR drop with tanh in {}; with \
         ReLU in {}.",
        compressing_layers(&sums[0]),
        compressing_layers(&sums[1]),
        agreement(&snr[0]),
        agreement(&snr[1])
    );
    let mut details = config_lines(&SAXE_NAMES[..2], &sums);
    for (k, name) in ["tanh", "ReLU"].iter().enumerate() {
        let dead: Vec<u64> = recs(records, k)
            .iter()
            .filter(|r| silent_at_the_end(r))
            .map(|r| r.seed)
            .collect();
        if !dead.is_empty() {
            details.push(format!(
                "{name}: every gradient is zero at the last logged epoch in seed {} (no unit of some layer active: the \
                 network is dead), so its SNR has no value.",
                join(&dead, |s| s.to_string())
            ));
        }
    }
    for (name, t) in ["tanh", "ReLU"].iter().zip(&snr) {
        details.push(format!(
            "{name}: sustained decline of log10 SNR per layer, mean over seeds (range): {}.",
            join(t, |l| format!(
                "{} {}",
                layer(l.layer),
                mean_range(&l.key, |v| format!("{v:.2}"))
            ))
        ));
    }
    for (k, name) in SAXE_NAMES.iter().enumerate().skip(2) {
        let r = recs(records, k);
        details.push(match compression_of(records, k) {
            None => format!(
                "Second estimator, {name}: not run (or stopped before its first logged epoch)."
            ),
            Some(l) => format!(
                "Second estimator, {name}, {} logged up to epoch {}: compression in {}.",
                seed_range(r[0].seed, r.len()),
                r.iter()
                    .filter_map(|s| s.epochs.last())
                    .max()
                    .map_or(0, |e| e + 1),
                compressing_layers(&l)
            ),
        });
    }
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// SZT's stored run (`stored-run`, an addition).

/// How the stored-run card judges.
pub fn stored_rule() -> String {
    format!(
        "{} Then, per layer, {}",
        compression_rule_text(&CompressionRule::default()),
        stored_comparison_rule()
    )
}

/// The stored-run card's verdict when the stored run could not be loaded:
/// compression only, and why the comparison is missing.
pub fn stored_unavailable(records: &[Vec<SeedRecord>], why: &str) -> Verdict {
    let mut v = stored(records);
    v.details.insert(
        0,
        format!("Not compared with SZT's stored run: it could not be loaded ({why})."),
    );
    v
}

// ---------------------------------------------------------------------------
// The first layer's share of the cumulative sums (`first-layer-shares`).

/// How the "does the first layer dominate the cumulative sum?" card judges.
pub fn shares_rule() -> String {
    let r = ShareRule::default();
    format!(
        "Each layer's share of the top layer's cumulative \"mean\" Σ m_l and of its cumulative variance Σ s_l (the sum under \
         the figure's square root), per logged epoch. The first layer dominates a sum if its share exceeds {} at more than {} of \
         the logged epochs. {}",
        percent(r.share),
        percent(r.epochs),
        control_text(
            shares::CONTROL,
            "the first layer holding a constant 10–45 % of both sums, with noise"
        )
    )
}

/// `first-layer-shares`: the first layer's share of the cumulative sums.
pub fn shares(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let rule = ShareRule::default();
    let (m, v) = shares::dominance_across_seeds(&r, &rule);
    let headline = format!(
        "{}: the first layer holds more than half of the cumulative mean Σ m_l at most logged epochs in {} of {} seeds, and \
         of the variance sum Σ s_l in {} of {}.",
        seeds_of(&r),
        m.showing,
        m.measured,
        v.showing,
        v.measured
    );
    let medians: Vec<Vec<(f64, f64)>> = r.iter().map(|s| shares::median_shares(s)).collect();
    let n = medians.iter().map(Vec::len).max().unwrap_or(0);
    let per_layer = |pick: fn(&(f64, f64)) -> f64| {
        join(0..n, |l| {
            let sp = Spread::of(medians.iter().filter_map(|m| m.get(l).map(pick)));
            format!("{} {}", layer(l), mean_range(&sp, percent))
        })
    };
    let details = vec![
        format!(
            "Fraction of logged epochs at which L1 holds more than half, over seeds: of Σ m_l {}; of Σ s_l {}.",
            spread(&m.key, percent),
            spread(&v.key, percent)
        ),
        format!(
            "Each layer's median share of Σ m_l over the run, mean over seeds (range): {}.",
            per_layer(|x| x.0)
        ),
        format!(
            "Each layer's median share of Σ s_l, mean over seeds (range): {}.",
            per_layer(|x| x.1)
        ),
    ];
    with_note(records, Verdict { headline, details })
}

// ---------------------------------------------------------------------------
// The letter's MNIST experiment (`mnist-relu`).

/// How the MNIST card ("gradients and their variances both decrease; no
/// two phases") judges.
pub fn decline_rule() -> String {
    let r = DeclineRule::default();
    format!(
        "Per layer, the figure's \"mean\" and \"std\" curves (per layer, not cumulative). {} Crossing of the two: {} Two phases, \
         on Saxe et al.'s m_l/s_l: {} As the letter found: both fall, they never cross, and no transition.",
        trend_rule_text(&r.trend),
        crossing_rule_text(&r.crossing),
        phase_rule_text(&r.phases)
    )
}

/// `mnist-relu`: do means and stds both fall, with no crossing and no two phases?
pub fn decline(records: &[Vec<SeedRecord>]) -> Verdict {
    let r = recs(records, 0);
    if r.is_empty() {
        return nothing();
    }
    let rule = DeclineRule::default();
    let def = GradDefinition::PerLayer;
    let t = decline::declines_across_seeds(&r, def, &rule);
    let per: Vec<Vec<Option<decline::LayerDecline>>> = r
        .iter()
        .map(|s| {
            decline::gradient_declines(s, def, &rule)
                .into_iter()
                .map(Some)
                .collect()
        })
        .collect();
    let letter = an::seeds::tally_with(&per, decline::LayerDecline::as_the_letter_found, |d| {
        d.crossing.count as f64
    });
    let stds: Vec<Vec<Option<trends::Trend>>> = r
        .iter()
        .map(|s| trends::std_trends(s, def, &rule.trend))
        .collect();
    let std_falls = trends::tally_trends(&stds, TrendQuestion::Falls);
    let headline = format!(
        "{}: as the letter found (mean and std both fall, no crossing, no two phases) in {}. Both fall for good in {}; the \
         two curves cross in {}; a sustained SNR drop in {}.",
        seeds_of(&r),
        agreement(&letter),
        agreement(&t.both_fall),
        agreement(&t.crossing),
        agreement(&t.phases)
    );
    let mut details: Vec<String> = t
        .both_fall
        .iter()
        .map(|l| {
            format!(
                "{}: late/early ratio of the mean {}, of the std {}; sustained decline of log10 SNR {}.",
                layer(l.layer),
                mean_range(&l.key, times),
                mean_range(&std_falls.get(l.layer).and_then(|s| s.key), times),
                mean_range(&t.phases.get(l.layer).and_then(|s| s.key), |v| format!("{v:.2}"))
            )
        })
        .collect();
    let acc = Spread::of(r.iter().map(|s| an::final_accuracy(s).0));
    details.push(format!(
        "Training accuracy at the end: {}.",
        spread(&acc, percent)
    ));
    with_note(records, Verdict { headline, details })
}

/// The bin counts of the `bins-decide` card's sweeps, in their order, then
/// the exact (machine-precision) binning run beside each sweep.
pub const BIN_VALUES: [&str; 5] = [
    "10 edges",
    "30 edges",
    "100 edges",
    "1000 edges",
    "machine precision",
];

/// How `bins-decide` judges.
pub fn bins_rule() -> String {
    let r = SensitivityRule::default();
    format!(
        "For each network and layer, every seed's final I(X;T) (at the last logged epoch) at each bin count: IDNNs' \
         linspace(−1, 1, N) edges with N = 10, 30 (the code's), 100 and 1000, and exact binning (every distinct activation \
         vector its own bin: machine precision). Every bin count measures the same trained networks, so each seed is compared \
         with itself: its value at the bin count with the highest mean minus its value at the one with the lowest. The bin \
         count sets a layer's value when the seeds' mean move exceeds {} times the (population) sd of their moves, and {}; \
         the share is the range of the per-bin-count means over the largest mean. Training is the same for every bin count: the sweep trains each seed once, and the exact-binning run trains the same seeds bit for bit. {}",
        short(r.factor),
        bits(r.floor),
        control_text(
            sensitivity::control_rate(&r),
            "3 to 6 bin counts of the same 2 to 4 seeds, seeds up to 3 bits sd apart, estimator noise up to 0.15 bits sd"
        )
    )
}

/// One network's judgement: `[value][seed]` records of its sweep, then its
/// exact-binning run as the last value.
fn bins_of(sweep: &[Vec<SeedRecord>], exact: &[Vec<SeedRecord>]) -> Vec<LayerSensitivity> {
    let mut points: Vec<&[SeedRecord]> = sweep.iter().map(Vec::as_slice).collect();
    points.extend(exact.iter().map(Vec::as_slice));
    sensitivity::sensitivity(
        &sensitivity::finals_of(&points),
        &SensitivityRule::default(),
    )
}

fn bin_value(k: usize) -> String {
    BIN_VALUES
        .get(k)
        .map_or_else(|| format!("value {}", k + 1), |v| v.to_string())
}

/// "5 of 6 layers" set by the bins (those that could be judged).
fn set_count(l: &[LayerSensitivity]) -> String {
    let judged = l.iter().filter(|l| l.set_by_values.is_some()).count();
    let set = l.iter().filter(|l| l.set_by_values == Some(true)).count();
    if judged == 0 {
        "no layer it can judge (one seed: no seed spread to compare with)".into()
    } else {
        format!("{set} of {}", count(judged, "layer"))
    }
}

/// `bins-decide`: the tanh and ReLU networks of IDNNs over bin counts,
/// machine precision included. `records[config][value][seed]`: the tanh
/// sweep, its exact run, the ReLU sweep, its exact run.
pub fn bins_decide(records: &[Vec<Vec<SeedRecord>>]) -> Verdict {
    let flat: Vec<Vec<SeedRecord>> = records.iter().flatten().cloned().collect();
    let get = |k: usize| records.get(k).map_or(&[][..], Vec::as_slice);
    let nets = [
        ("tanh", bins_of(get(0), get(1))),
        ("ReLU", bins_of(get(2), get(3))),
    ];
    if nets.iter().all(|(_, l)| l.is_empty()) {
        return nothing();
    }
    let first = recs(&flat, 0);
    let headline = format!(
        "{}: the bin count sets the final I(X;T) in {} of the tanh network and {} of the ReLU network.",
        seeds_of(&first),
        set_count(&nets[0].1),
        set_count(&nets[1].1)
    );
    let mut details = Vec::new();
    for (name, layers) in &nets {
        for l in layers {
            let at = |k: usize| {
                l.per_value
                    .get(k)
                    .copied()
                    .flatten()
                    .map_or_else(|| "n/a".into(), |s| bits(s.mean))
            };
            let judged = match l.set_by_values {
                Some(true) => "set by the bins",
                Some(false) => "not set by the bins",
                None => "not judged (one seed)",
            };
            // Means that read the same at two decimals read as one level.
            let values = if at(l.lowest) == at(l.highest) {
                format!("{} at every bin count", at(l.lowest))
            } else {
                format!(
                    "from {} ({}) to {} ({}), a range of {}, {} of the largest",
                    at(l.lowest),
                    bin_value(l.lowest),
                    at(l.highest),
                    bin_value(l.highest),
                    bits(l.across_values),
                    percent(l.share)
                )
            };
            let moves = l.moves.map_or_else(
                || "no seed measured at both ends".to_string(),
                |m| {
                    format!(
                        "each seed moves {} on average (sd {})",
                        bits(m.mean),
                        bits(m.sd)
                    )
                },
            );
            details.push(format!(
                "{name} {}: {values}; {moves}, seeds at one bin count up to {} apart: {judged}.",
                layer(l.layer),
                bits(l.across_seeds)
            ));
        }
    }
    with_note(&flat, Verdict { headline, details })
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::record::EpochRecord;

    /// Two layers over IDNNs' 274 logged epochs: per-layer means that swap
    /// at epoch 100 (a factor 4 apart), SNR of layer 1 dropping a decade
    /// at epoch 100, I(X;T) of layer 2 rising to `peak` at epoch 50, then
    /// `peak − fall` from epoch 2000.
    fn rec(seed: u64, peak: f64, fall: f64) -> SeedRecord {
        let mut r = SeedRecord::new(seed);
        let epochs = infoplane_core::schedule::Schedule::Idnns { samples: 400 }.epochs(8000);
        for e in epochs {
            let t = e as f64 + 1.0;
            let late = t > 100.0;
            let x = if t <= 50.0 {
                peak * t / 50.0
            } else if t < 2000.0 {
                peak
            } else {
                peak - fall
            };
            r.push(&EpochRecord {
                epoch: e,
                ixt: vec![12.0, x],
                ity: vec![1.0, 0.5],
                grad_m: if late {
                    vec![0.1, 0.4]
                } else {
                    vec![1.0, 0.25]
                },
                grad_s: vec![1.0, 1.0],
                wnorm: vec![1.0, 1.0 + t / 1000.0],
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
        let v = crossings(&[vec![rec(7, 8.0, 2.0)]]);
        assert!(
            v.headline
                .starts_with("Seed 7: crossings of the cumulative means (as coded), per seed: 0; of the per-layer means: 1,"),
            "{}",
            v.headline
        );
        assert!(
            v.details[1].contains("L1–L2 in 1 of 1 seeds (first at epoch 101)"),
            "{}",
            v.details[1]
        );
        // The per-layer means end at 0.1 and 0.4 (after epoch 100).
        assert_eq!(
            v.details[2],
            "Per-layer means m_l at the last logged epoch, mean over seeds (range): L1 0.100, L2 0.400."
        );
    }

    #[test]
    fn compression_verdicts_follow_the_numbers() {
        let v = seeds(&[vec![rec(0, 8.0, 2.0), rec(1, 8.0, 0.1)]]);
        assert!(
            v.headline.starts_with("Seeds 0–1 of the IDNNs defaults:"),
            "{}",
            v.headline
        );
        assert!(
            v.headline
                .contains("compression in L2 in 1 of 2 seeds; L1 in 0 of 2;"),
            "{}",
            v.headline
        );
        assert!(
            v.details[1].contains("fall mean 1.05 bits"),
            "{}",
            v.details[1]
        );
        let a = architecture(&[vec![rec(3, 8.0, 2.0)], vec![rec(3, 8.0, 0.0)]]);
        assert!(
            a.headline.contains(
                "with the caption's network (sigmoid output) in L2 in 1 of 1 seed; L1 in 0 of 1;"
            ),
            "{}",
            a.headline
        );
        assert!(
            a.headline
                .contains("with the coded one (softmax) in L1, L2 in 0 of 1 seed."),
            "{}",
            a.headline
        );
        assert_eq!(architecture(&[vec![rec(3, 8.0, 2.0)]]), nothing());
    }

    #[test]
    fn phase_verdict_counts_layers_and_seeds() {
        // Layer 1's SNR drops a decade at epoch 100 and stays; layer 2's rises.
        let v = phases(&[vec![rec(0, 8.0, 2.0), rec(1, 8.0, 2.0)]]);
        assert!(
            v.headline.starts_with(
                "Seeds 0–1: two phases (a sustained drop of the SNR): L1 in 2 of 2 seeds; L2 in 0 of 2;"
            ),
            "{}",
            v.headline
        );
        assert!(
            v.details[0].contains("transition in 2 of 2 seeds"),
            "{}",
            v.details[0]
        );
    }

    #[test]
    fn normalisation_direction_comes_from_the_norms() {
        // ‖W‖: layer 1 stays 1, layer 2 grows ×9. Layer 2's Σm/Σs falls
        // from 1.25/2 to 0.5/2 as coded (0.4 decade: no transition) and
        // to (0.1 + 0.4/9)/(1 + 1/9) = 0.13 by the end normalised (0.68 decade:
        // a transition): the picture changes.
        let v = normalisation(&[vec![rec(0, 8.0, 2.0)]]);
        assert!(
            v.headline.contains("against early ones): L2 in 1 of 1 seed; L1 in 0 of 1. It shrinks as much (late values raised): L1, L2 in 0 of 1 seed."),
            "{}",
            v.headline
        );
        assert!(
            v.headline.contains("definitions: L1 in 1 of 1 seed; L2 in 0 of 1; the normalisation changes the levels, not the picture, in 0 of 1"),
            "{}",
            v.headline
        );
    }

    #[test]
    fn a_stopped_seed_is_noted_and_the_axis_is_read() {
        let mut r = rec(0, 8.0, 2.0);
        r.status = Status::Stopped;
        let v = axis(&[vec![r]]);
        assert!(
            v.details[0].starts_with("Stopped early: judged on the epochs logged up to epoch 8000"),
            "{:?}",
            v.details
        );
        // The last layer's first cumulative std is √(1 + 1) = 1.41: between
        // the ticks 1 and 10, labelled 10^-1 and 10^0, it reads as 0.141.
        assert!(v.headline.contains("is 1.41;"), "{}", v.headline);
        assert!(v.headline.contains("reads as 0.141"), "{}", v.headline);
        assert!(v.headline.contains("in 0 of 1 seeds"), "{}", v.headline);
    }

    #[test]
    fn rules_state_their_control_rates_and_no_rule_text_is_cut_from_another() {
        for rule in [
            phases_rule(),
            crossings_rule(),
            relu_rule(),
            seeds_rule(),
            shares_rule(),
        ] {
            assert!(rule.contains("On stationary controls"), "{rule}");
            assert!(rule.contains(" of 500)"), "{rule}");
        }
        assert!(
            architecture_rule().starts_with(&compression_rule_text(&CompressionRule::default()))
        );
        assert!(stored_comparison_rule().contains("mean ± 2 sd"));
        assert!(stored_rule().starts_with(&compression_rule_text(&CompressionRule::default())));
        assert!(decline_rule().contains("cross"));
        assert!(decline_rule().contains("On stationary controls"));
        assert!(saxe_rule().contains("sustained-change rule"));
    }

    #[test]
    fn agreement_groups_layers_by_seeds() {
        let t = |layer, showing, measured| LayerTally {
            layer,
            showing,
            measured,
            seeds: 4,
            key: None,
        };
        // The brief's example reads as the page writes it.
        assert_eq!(
            agreement(&[t(0, 0, 4), t(4, 4, 4)]),
            "L5 in 4 of 4 seeds; L1 in 0 of 4"
        );
        // Consecutive layers are joined, groups ordered by seeds showing,
        // layers nobody measured last.
        assert_eq!(
            agreement(&[
                t(0, 0, 4),
                t(1, 0, 4),
                t(2, 0, 4),
                t(3, 2, 4),
                t(4, 0, 4),
                t(5, 4, 4),
                t(6, 0, 0)
            ]),
            "L6 in 4 of 4 seeds; L4 in 2 of 4; L1–L3, L5 in 0 of 4; L7 not measured"
        );
        assert_eq!(
            agreement(&[t(0, 1, 1), t(1, 1, 1)]),
            "L1, L2 in 1 of 1 seed (3 of 4 without a value)"
        );
        let one = |layer, showing| LayerTally {
            layer,
            showing,
            measured: 1,
            seeds: 1,
            key: None,
        };
        assert_eq!(agreement(&[one(0, 1), one(1, 1)]), "L1, L2 in 1 of 1 seed");
        assert_eq!(agreement(&[]), "no layer");
    }

    /// Three layers over 100 epochs logged every epoch: means falling as
    /// t^−1 (two decades), stds (the figure's, √s_l) as t^−`std_slope`,
    /// layer 1 holding `first` of Σ m_l.
    fn mnist_like(seed: u64, std_slope: f64, first: f64) -> SeedRecord {
        let mut r = SeedRecord::new(seed);
        for e in 0..100usize {
            let t = e as f64 + 1.0;
            let m = 1.0 / t;
            let s = (1.0 / t.powf(std_slope)).powi(2);
            r.push(&EpochRecord {
                epoch: e,
                ixt: vec![1.0, 1.0, 1.0],
                ity: vec![0.5, 0.5, 0.5],
                grad_m: vec![m * 2.0 * first / (1.0 - first), m, m],
                grad_s: vec![s, s, s],
                wnorm: vec![1.0, 1.0, 1.0],
                loss_train: 0.1,
                loss_test: 0.2,
                acc_train: 1.0,
                acc_test: 0.9,
            });
        }
        r.status = Status::Done;
        r
    }

    #[test]
    fn the_mnist_verdict_counts_falls_and_crossings() {
        // Means fall two decades; stds fall as t^−0.5 (one decade) in seed
        // 0 and stay flat in seed 1. With m = 1/t and std = t^−0.5 the
        // curves never cross (m < std from t = 1 on, apart once smoothed).
        let v = decline(&[vec![mnist_like(0, 0.5, 0.5), mnist_like(1, 0.0, 0.5)]]);
        assert!(
            v.headline
                .contains("Both fall for good in L1–L3 in 1 of 2 seeds;"),
            "{}",
            v.headline
        );
        assert!(
            v.headline.starts_with("Seeds 0–1: as the letter found (mean and std both fall, no crossing, no two phases) in L1–L3 in 1 of 2 seeds."),
            "{}",
            v.headline
        );
        // Late/early of the mean: the late stretch t = 50…100 against the
        // early level over t ≤ 100^0.25 ≈ 3.2 (t = 1…3): the geometric means
        // 1/(50…100) ≈ 1/74 and 1/(6^(1/3)) = 1/1.82, a ratio near 0.025.
        assert!(
            v.details[0].starts_with("L1: late/early ratio of the mean ×0.02"),
            "{}",
            v.details[0]
        );
        assert!(v.details.last().unwrap().contains("100.0%"));
    }

    #[test]
    fn the_shares_verdict_counts_seeds_where_the_first_layer_dominates() {
        // Σ m_l = m_1 + 2m with m_1 = 2m·first/(1 − first), so layer 1's
        // share m_1/(m_1 + 2m) is `first`: 0.8 (m_1 = 8m) and 0.2
        // (m_1 = 0.5m); layers 2 and 3 hold 0.1 and 0.4 each. Σ s_l: thirds.
        let v = shares(&[vec![mnist_like(0, 0.5, 0.8), mnist_like(1, 0.5, 0.2)]]);
        assert!(
            v.headline.contains(
                "at most logged epochs in 1 of 2 seeds, and of the variance sum Σ s_l in 0 of 2."
            ),
            "{}",
            v.headline
        );
        assert!(
            v.details[1].contains("L1 50.0% (20.0%–80.0%)"),
            "{}",
            v.details[1]
        );
        assert!(v.details[2].contains("L3 33.3%"), "{}", v.details[2]);
    }

    #[test]
    fn the_saxe_verdict_reads_binning_first_and_kde_second() {
        let tanh = vec![rec(0, 8.0, 2.0), rec(1, 8.0, 2.0)];
        let relu = vec![rec(0, 8.0, 0.0), rec(1, 8.0, 0.0)];
        let kde = vec![rec(0, 6.0, 3.0)];
        let v = saxe(&[
            tanh.clone(),
            relu.clone(),
            kde.clone(),
            Vec::new(),
            kde,
            Vec::new(),
        ]);
        assert!(
            v.headline.starts_with("Seeds 0–1, binning as ibsgd: compression with tanh in L2 in 2 of 2 seeds; L1 in 0 of 2; with ReLU in L1, L2 in 0 of 2 seeds."),
            "{}",
            v.headline
        );
        assert!(v.details.iter().any(|d| d == "Second estimator, tanh, KDE noise variance 1e-3, seed 0 logged up to epoch 8000: compression in L2 in 1 of 1 seed; L1 in 0 of 1."), "{:?}", v.details);
        assert!(v
            .details
            .iter()
            .any(|d| d.starts_with("Second estimator, ReLU, KDE noise variance 0.1: not run")));
        assert_eq!(saxe(std::slice::from_ref(&tanh)), nothing());
        // A ReLU seed whose gradients end at zero is named, and its SNR
        // counted as without a value.
        let mut dead = rec(2, 8.0, 0.0);
        for row in dead.grad_m.iter_mut().chain(dead.grad_s.iter_mut()) {
            row.iter_mut().for_each(|v| *v = 0.0);
        }
        let v = saxe(&[tanh, vec![rec(1, 8.0, 0.0), dead]]);
        assert!(v.headline.contains("with ReLU in L1 in 1 of 1 seed (1 of 2 without a value); L2 in 0 of 1 (1 of 2 without a value)."), "{}", v.headline);
        assert!(
            v.details.iter().any(|d| d
                .starts_with("ReLU: every gradient is zero at the last logged epoch in seed 2")),
            "{:?}",
            v.details
        );
    }

    #[test]
    fn the_stored_comparison_places_seeds_in_the_stored_band() {
        let text = include_str!("../../crates/infoplane-core/assets/szt_stored_run.json");
        let run = StoredRun::from_json(text).unwrap();
        // A seed that is the stored mean itself lies inside the band at
        // every compared epoch, in every layer; one 1 bit off in I(X;T)
        // of every layer lies outside wherever 2 sd < 1 bit.
        let mut inside = crate::stored::mean_record(&run);
        inside.seed = 0;
        let mut off = inside.clone();
        off.seed = 1;
        for row in &mut off.ixt {
            for v in row.iter_mut() {
                *v += 1.0;
            }
        }
        let v = stored_comparison(&[vec![inside.clone()]], &run);
        assert!(
            v.headline.starts_with("Seed 0: within the stored run's mean ± 2 sd at all 10 compared epochs: I(X;T) of L1–L7 in 1 of 1 seed; I(T;Y) of L1–L7 in 1 of 1 seed."),
            "{}",
            v.headline
        );
        let v = stored_comparison(&[vec![inside, off]], &run);
        assert!(
            v.headline.contains("I(T;Y) of L1–L7 in 2 of 2 seeds"),
            "{}",
            v.headline
        );
        assert!(
            !v.headline.contains("I(X;T) of L1–L7 in 2 of 2"),
            "{}",
            v.headline
        );
        let u = stored_unavailable(
            &[vec![rec(0, 8.0, 2.0)]],
            "data/szt_stored_run.json: HTTP status 404",
        );
        assert!(u.details[0]
            .contains("could not be loaded (data/szt_stored_run.json: HTTP status 404)"));
    }

    /// One seed whose final I(X;T) per layer is `ixt` (one logged epoch).
    fn final_rec(seed: u64, ixt: Vec<f64>) -> SeedRecord {
        let mut r = SeedRecord::new(seed);
        let n = ixt.len();
        r.push(&EpochRecord {
            epoch: 0,
            ixt,
            ity: vec![0.5; n],
            grad_m: vec![1.0; n],
            grad_s: vec![1.0; n],
            wnorm: vec![1.0; n],
            loss_train: 0.1,
            loss_test: 0.2,
            acc_train: 0.99,
            acc_test: 0.9,
        });
        r.status = Status::Done;
        r
    }

    #[test]
    fn bins_verdict_counts_the_layers_the_bins_set() {
        // Two layers, two seeds. tanh: layer 1 rises 3 → 12 bits over the
        // four bin counts and exact (seeds ±0.1), set by the bins; layer 2
        // stays at 1 bit ± 0.1 everywhere, not set (range 0). ReLU: both
        // layers flat at 5 bits: 0 of 2.
        let value = |x1: f64| {
            vec![
                final_rec(0, vec![x1 - 0.1, 0.9]),
                final_rec(1, vec![x1 + 0.1, 1.1]),
            ]
        };
        let tanh: Vec<Vec<SeedRecord>> = [3.0, 6.0, 9.0, 11.0].iter().map(|&x| value(x)).collect();
        let flat = |x: f64| vec![final_rec(0, vec![x, x]), final_rec(1, vec![x, x])];
        let relu: Vec<Vec<SeedRecord>> = (0..4).map(|_| flat(5.0)).collect();
        let v = bins_decide(&[tanh, vec![value(12.0)], relu, vec![flat(5.0)]]);
        assert_eq!(
            v.headline,
            "Seeds 0–1: the bin count sets the final I(X;T) in 1 of 2 layers of the tanh network and 0 of 2 layers of the ReLU network."
        );
        // Layer 1: means 3 (10 edges) … 12 (machine precision), range 9
        // bits = 75% of 12; each seed moves 11.9 − 2.9 = 12.1 − 3.1 = 9
        // bits (sd 0); seeds 0.2 bits apart.
        assert_eq!(
            v.details[0],
            "tanh L1: from 3.00 bits (10 edges) to 12.00 bits (machine precision), a range of 9.00 bits, 75.0% of the largest; each seed moves 9.00 bits on average (sd 0.00 bits), seeds at one bin count up to 0.20 bits apart: set by the bins."
        );
        // Layer 2: 1 bit at every value (seeds 0.9 and 1.1 throughout).
        assert_eq!(
            v.details[1],
            "tanh L2: 1.00 bits at every bin count; each seed moves 0.00 bits on average (sd 0.00 bits), seeds at one bin count up to 0.20 bits apart: not set by the bins."
        );
        assert_eq!(v.details.len(), 4);
        // No logged epoch anywhere: nothing to judge.
        let none = vec![vec![SeedRecord::new(0)]];
        assert_eq!(
            bins_decide(&[none.clone(), none.clone(), none.clone(), none]),
            nothing()
        );
        assert!(
            bins_rule().contains("fires on 0.0% (0 of 500)"),
            "{}",
            bins_rule()
        );
    }
}
