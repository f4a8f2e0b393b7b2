//! SZT's stored 20-repeat run (FACTS.md §5) and the comparison of a
//! reader's runs with it. The data ship as `assets/szt_stored_run.json`
//! (see `assets/README.md`): the page fetches that file as a static asset,
//! native code may `include_str!` it; [`StoredRun::from_json`] reads it.
//!
//! The comparison: per layer, at 10 logged epochs log-spaced over the run
//! ([`comparison_epochs`]), matched by epoch index, whether each of the
//! reader's seeds lies within the original's spread, mean ± 2 sd over its
//! 20 repeats (with a floor on the sd where the repeats agree exactly).

use super::seeds::{tally_with, LayerTally};
use super::{column, layers};
use crate::record::SeedRecord;
use serde::Deserialize;

/// Where the stored run comes from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredSource {
    /// GitHub repository, e.g. `ravidziv/IDNNs`.
    pub repository: String,
    /// The commit holding the pickle.
    pub commit: String,
    /// The pickle's path in that commit.
    pub path: String,
    /// Its git blob id.
    pub git_blob: String,
}

/// The stored run's settings (from the code saved beside it).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredSettings {
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: String,
    /// Output layer.
    pub output: String,
    /// Optimiser and batching.
    pub optimizer: String,
    /// Epochs trained.
    pub epochs: usize,
    /// Logged epochs.
    pub logged_epochs: usize,
    /// Bin edges of the MI estimate.
    pub bin_edges: usize,
    /// Their range.
    pub bin_range: (f64, f64),
    /// Rows the MI estimates used.
    pub mi_rows: usize,
    /// Repeats (seeds) of the run.
    pub repeats: usize,
}

/// Every repeat's values at one logged epoch.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatValues {
    /// The epoch index.
    pub epoch: usize,
    /// I(X;T), `[repeat][layer]`, bits.
    #[serde(rename = "IXT")]
    pub ixt: Vec<Vec<f64>>,
    /// I(T;Y), `[repeat][layer]`, bits.
    #[serde(rename = "ITY")]
    pub ity: Vec<Vec<f64>>,
}

/// SZT's stored run: the mean and spread over its repeats at every logged
/// epoch, and every repeat at the first and last.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredRun {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Attribution.
    pub source: StoredSource,
    /// What the file was made from.
    pub derived_from: String,
    /// Units of every value ("bits").
    pub units: String,
    /// Decimals the values are rounded to.
    pub decimals: u32,
    /// What the std is.
    pub std: String,
    /// Settings.
    pub settings: StoredSettings,
    /// Layer descriptions, in order.
    pub layers: Vec<String>,
    /// Logged epoch indexes (0-based).
    #[serde(rename = "epoch_indexes")]
    pub epochs: Vec<usize>,
    /// Mean I(X;T) over repeats, `[logged epoch][layer]`.
    #[serde(rename = "IXT_mean")]
    pub ixt_mean: Vec<Vec<f64>>,
    /// Its population sd over repeats.
    #[serde(rename = "IXT_std")]
    pub ixt_std: Vec<Vec<f64>>,
    /// Mean I(T;Y).
    #[serde(rename = "ITY_mean")]
    pub ity_mean: Vec<Vec<f64>>,
    /// Its population sd.
    #[serde(rename = "ITY_std")]
    pub ity_std: Vec<Vec<f64>>,
    /// Every repeat at the first logged epoch.
    #[serde(rename = "per_repeat_first_logged_epoch")]
    pub first: RepeatValues,
    /// Every repeat at the last logged epoch.
    #[serde(rename = "per_repeat_last_logged_epoch")]
    pub last: RepeatValues,
}

/// Format tag of the stored-run file.
pub const FORMAT: &str = "infoplane-szt-stored-run";
/// Its version.
pub const VERSION: u32 = 1;

fn check_matrix(name: &str, m: &[Vec<f64>], rows: usize, cols: usize) -> Result<(), String> {
    if m.len() != rows {
        return Err(format!("{name}: {} rows, expected {rows}", m.len()));
    }
    for (k, r) in m.iter().enumerate() {
        if r.len() != cols {
            return Err(format!("{name}[{k}]: {} values, expected {cols}", r.len()));
        }
        if let Some(v) = r.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(format!("{name}[{k}]: {v} is not a finite value ≥ 0"));
        }
    }
    Ok(())
}

impl StoredRun {
    /// Parses and checks the stored-run file: format and version, ascending
    /// epochs, every series `[epoch][layer]` of the stated sizes, finite
    /// values ≥ 0. Errors name the field at fault.
    pub fn from_json(text: &str) -> Result<StoredRun, String> {
        let r: StoredRun =
            serde_json::from_str(text).map_err(|e| format!("not a stored-run file: {e}"))?;
        if r.format != FORMAT {
            return Err(format!("format: \"{}\", expected \"{FORMAT}\"", r.format));
        }
        if r.version != VERSION {
            return Err(format!("version: {}, expected {VERSION}", r.version));
        }
        let (n, l) = (r.epochs.len(), r.layers.len());
        if n == 0 || l == 0 {
            return Err("epoch_indexes and layers: must not be empty".into());
        }
        if n != r.settings.logged_epochs {
            return Err(format!(
                "epoch_indexes: {n} epochs, settings.logged_epochs says {}",
                r.settings.logged_epochs
            ));
        }
        if r.epochs.windows(2).any(|w| w[0] >= w[1]) {
            return Err("epoch_indexes: not strictly ascending".into());
        }
        for (name, m) in [
            ("IXT_mean", &r.ixt_mean),
            ("IXT_std", &r.ixt_std),
            ("ITY_mean", &r.ity_mean),
            ("ITY_std", &r.ity_std),
        ] {
            check_matrix(name, m, n, l)?;
        }
        for (name, v, at) in [
            ("per_repeat_first_logged_epoch", &r.first, r.epochs[0]),
            ("per_repeat_last_logged_epoch", &r.last, r.epochs[n - 1]),
        ] {
            if v.epoch != at {
                return Err(format!("{name}.epoch: {}, expected {at}", v.epoch));
            }
            check_matrix(&format!("{name}.IXT"), &v.ixt, r.settings.repeats, l)?;
            check_matrix(&format!("{name}.ITY"), &v.ity, r.settings.repeats, l)?;
        }
        Ok(r)
    }

    /// The row of `epoch` (an epoch index), if logged.
    pub fn row(&self, epoch: usize) -> Option<usize> {
        self.epochs.binary_search(&epoch).ok()
    }
}

/// The rule [`compare`] applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredRule {
    /// Epochs compared (log-spaced over the stored run, see [`comparison_epochs`]).
    pub epochs: usize,
    /// Half-width of the band in sd: mean ± width · sd.
    pub width: f64,
    /// The sd used is at least this (bits), where the repeats agree exactly
    /// (e.g. I(X;T) = 12 in the first layers).
    pub sd_floor: f64,
}

impl Default for StoredRule {
    /// 10 epochs, mean ± 2 sd, sd at least 0.01 bit.
    fn default() -> Self {
        StoredRule {
            epochs: 10,
            width: 2.0,
            sd_floor: 0.01,
        }
    }
}

/// The logged epochs compared: for k = 0 … n−1 the stored epoch index whose
/// epoch (index + 1) is nearest in log to T^(k/(n−1)), T the last stored
/// epoch + 1 (duplicates dropped). For the stored run (T = 9999, targets
/// 1, 2.8, 7.7, 21.5, 59.9, 166.8, 464, 1291, 3593, 9999): epoch indexes
/// 0, 2, 7, 21, 59, 166, 464, 1289, 3590, 9998.
pub fn comparison_epochs(stored: &StoredRun, rule: &StoredRule) -> Vec<usize> {
    let Some(&last) = stored.epochs.last() else {
        return Vec::new();
    };
    let lt = libm::log10(last as f64 + 1.0);
    let n = rule.epochs.max(2);
    let mut out: Vec<usize> = (0..n)
        .map(|k| {
            let target = lt * k as f64 / (n - 1) as f64;
            let mut best = (f64::INFINITY, stored.epochs[0]);
            for &e in &stored.epochs {
                let d = (libm::log10(e as f64 + 1.0) - target).abs();
                if d < best.0 {
                    best = (d, e);
                }
            }
            best.1
        })
        .collect();
    out.dedup();
    out
}

/// One quantity of one layer of one seed against the stored spread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agreement {
    /// Compared epochs where the seed lies within the band.
    pub inside: usize,
    /// Compared epochs (those the seed logged).
    pub compared: usize,
    /// The largest |value − mean| / max(sd, floor) over them.
    pub worst_z: f64,
}

impl Agreement {
    /// Within the band at every compared epoch (and at least one).
    pub fn all_inside(&self) -> bool {
        self.compared > 0 && self.inside == self.compared
    }
}

/// One layer of one seed: I(X;T) and I(T;Y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeedAgreement {
    /// The seed.
    pub seed: u64,
    /// I(X;T).
    pub ixt: Agreement,
    /// I(T;Y).
    pub ity: Agreement,
}

/// One layer of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerAgreement {
    /// Layer (0-based).
    pub layer: usize,
    /// Each seed, in record order.
    pub seeds: Vec<SeedAgreement>,
    /// Seeds whose I(X;T) lies within the band at every compared epoch
    /// (key: the worst z).
    pub ixt: LayerTally,
    /// The same for I(T;Y).
    pub ity: LayerTally,
}

/// The reader's seeds against the stored run.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredComparison {
    /// Epoch indexes compared (those any seed logged).
    pub epochs: Vec<usize>,
    /// Per layer (the layers both have).
    pub layers: Vec<LayerAgreement>,
}

/// The stored band of one quantity and layer.
struct Band<'a> {
    stored: &'a StoredRun,
    mean: &'a [Vec<f64>],
    sd: &'a [Vec<f64>],
    layer: usize,
}

fn agreement(
    rec: &SeedRecord,
    values: &[f64],
    band: &Band,
    epochs: &[usize],
    rule: &StoredRule,
) -> Agreement {
    let (mut inside, mut compared, mut worst) = (0, 0, 0.0f64);
    for &e in epochs {
        let (Some(k), Some(row)) = (rec.epochs.iter().position(|&x| x == e), band.stored.row(e))
        else {
            continue;
        };
        let at = |m: &[Vec<f64>]| m.get(row).and_then(|r| r.get(band.layer)).copied();
        let (Some(v), Some(m), Some(s)) = (values.get(k).copied(), at(band.mean), at(band.sd))
        else {
            continue;
        };
        if !v.is_finite() {
            continue;
        }
        let s = s.max(rule.sd_floor);
        let z = (v - m).abs() / s;
        compared += 1;
        if z <= rule.width {
            inside += 1;
        }
        worst = worst.max(z);
    }
    Agreement {
        inside,
        compared,
        worst_z: if compared > 0 { worst } else { f64::NAN },
    }
}

/// Compares every seed of `recs` with `stored` by `rule`, per layer.
pub fn compare(recs: &[&SeedRecord], stored: &StoredRun, rule: &StoredRule) -> StoredComparison {
    let epochs: Vec<usize> = comparison_epochs(stored, rule)
        .into_iter()
        .filter(|e| recs.iter().any(|r| r.epochs.contains(e)))
        .collect();
    let n = recs
        .iter()
        .map(|r| layers(&r.ixt))
        .max()
        .unwrap_or(0)
        .min(stored.layers.len());
    let layers = (0..n)
        .map(|l| {
            let seeds: Vec<SeedAgreement> = recs
                .iter()
                .map(|r| {
                    let band = |mean, sd| Band {
                        stored,
                        mean,
                        sd,
                        layer: l,
                    };
                    SeedAgreement {
                        seed: r.seed,
                        ixt: agreement(
                            r,
                            &column(&r.ixt, l),
                            &band(&stored.ixt_mean, &stored.ixt_std),
                            &epochs,
                            rule,
                        ),
                        ity: agreement(
                            r,
                            &column(&r.ity, l),
                            &band(&stored.ity_mean, &stored.ity_std),
                            &epochs,
                            rule,
                        ),
                    }
                })
                .collect();
            let per: Vec<Vec<Option<SeedAgreement>>> = seeds
                .iter()
                .map(|s| vec![(s.ixt.compared > 0).then_some(*s)])
                .collect();
            let first = |t: Vec<LayerTally>| {
                let mut t = t.into_iter().next().unwrap_or(LayerTally {
                    layer: 0,
                    showing: 0,
                    measured: 0,
                    seeds: recs.len(),
                    key: None,
                });
                t.layer = l;
                t
            };
            LayerAgreement {
                layer: l,
                ixt: first(tally_with(&per, |s| s.ixt.all_inside(), |s| s.ixt.worst_z)),
                ity: first(tally_with(&per, |s| s.ity.all_inside(), |s| s.ity.worst_z)),
                seeds,
            }
        })
        .collect();
    StoredComparison { epochs, layers }
}
