//! Run records: what a logged epoch produced, a seed's whole run, and a run
//! set with its aggregate over seeds. All serialise to JSON (the CLI's
//! output and the app's export share this schema); NaN is written as `null`.

use crate::config::Config;
use crate::data::{Dataset, DatasetInfo};
use crate::estimators::label_entropy;
use crate::gradients::{curves, GradCurves, GradDefinition};
use crate::network::Output;
use crate::params::Params;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// Serde helpers writing NaN as `null` and reading `null` back as NaN.
pub(crate) mod nan_null {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A value whose NaNs travel as `null`.
    pub trait NanNull: Sized {
        /// The JSON-facing form.
        type Repr: Serialize + DeserializeOwned;
        /// To the JSON-facing form.
        fn to_repr(&self) -> Self::Repr;
        /// From the JSON-facing form.
        fn from_repr(r: Self::Repr) -> Self;
    }

    impl NanNull for f64 {
        type Repr = Option<f64>;
        fn to_repr(&self) -> Option<f64> {
            (!self.is_nan()).then_some(*self)
        }
        fn from_repr(r: Option<f64>) -> f64 {
            r.unwrap_or(f64::NAN)
        }
    }

    impl<T: NanNull> NanNull for Vec<T> {
        type Repr = Vec<T::Repr>;
        fn to_repr(&self) -> Self::Repr {
            self.iter().map(T::to_repr).collect()
        }
        fn from_repr(r: Self::Repr) -> Self {
            r.into_iter().map(T::from_repr).collect()
        }
    }

    pub fn serialize<T: NanNull, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        v.to_repr().serialize(s)
    }

    pub fn deserialize<'de, T: NanNull, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::Repr::deserialize(d).map(T::from_repr)
    }
}

/// Everything measured at one logged epoch of one seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 0-based epoch index.
    pub epoch: usize,
    /// I(X;T) per layer, bits.
    #[serde(with = "nan_null")]
    pub ixt: Vec<f64>,
    /// I(T;Y) per layer, bits.
    #[serde(with = "nan_null")]
    pub ity: Vec<f64>,
    /// ‖mean_b g_b‖ per layer (see [`crate::gradients::LayerMoments`]).
    #[serde(with = "nan_null")]
    pub grad_m: Vec<f64>,
    /// √(Σ_i Var_b g_b,i) per layer.
    #[serde(with = "nan_null")]
    pub grad_s: Vec<f64>,
    /// ‖W_l‖_F per layer, when the activations were probed.
    #[serde(with = "nan_null")]
    pub wnorm: Vec<f64>,
    /// Mean loss on the training rows (nats).
    #[serde(with = "nan_null")]
    pub loss_train: f64,
    /// Mean loss on the test rows (nats; NaN if there are none).
    #[serde(with = "nan_null")]
    pub loss_test: f64,
    /// Accuracy on the training rows.
    #[serde(with = "nan_null")]
    pub acc_train: f64,
    /// Accuracy on the test rows.
    #[serde(with = "nan_null")]
    pub acc_test: f64,
}

/// How a seed's run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Still running.
    Running,
    /// All epochs trained.
    Done,
    /// Stopped by the user before the last epoch.
    Stopped,
    /// Stopped by an error (e.g. NaN weights); see the message.
    Failed,
}

/// One seed's run, columnar: every series is indexed `[epoch][layer]` (or
/// `[epoch]`) in the order of `epochs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedRecord {
    /// The seed.
    pub seed: u64,
    /// How the run ended.
    pub status: Status,
    /// Why it failed or stopped, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Wall-clock seconds of training and estimation (not part of results).
    #[serde(default)]
    pub seconds: f64,
    /// Logged epoch indexes.
    pub epochs: Vec<usize>,
    /// I(X;T), `[epoch][layer]`, bits.
    #[serde(with = "nan_null")]
    pub ixt: Vec<Vec<f64>>,
    /// I(T;Y), `[epoch][layer]`, bits.
    #[serde(with = "nan_null")]
    pub ity: Vec<Vec<f64>>,
    /// m_l = ‖mean_b g_b‖, `[epoch][layer]`.
    #[serde(with = "nan_null")]
    pub grad_m: Vec<Vec<f64>>,
    /// s_l = √(Σ Var_b g_b), `[epoch][layer]`.
    #[serde(with = "nan_null")]
    pub grad_s: Vec<Vec<f64>>,
    /// The plotted gradient curves under every definition, by name
    /// (`idnns`, `per-layer`, `normalised`, `saxe`).
    pub grad_stats: BTreeMap<String, GradSeries>,
    /// ‖W_l‖_F, `[epoch][layer]`.
    #[serde(with = "nan_null")]
    pub wnorm: Vec<Vec<f64>>,
    /// Training loss per logged epoch.
    #[serde(with = "nan_null")]
    pub loss_train: Vec<f64>,
    /// Test loss per logged epoch.
    #[serde(with = "nan_null")]
    pub loss_test: Vec<f64>,
    /// Training accuracy per logged epoch.
    #[serde(with = "nan_null")]
    pub acc_train: Vec<f64>,
    /// Test accuracy per logged epoch.
    #[serde(with = "nan_null")]
    pub acc_test: Vec<f64>,
    /// Class clustering `[epoch][layer]` (`clustering=on`; absent
    /// otherwise and in older records). Boxed: most records have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clustering: Option<Box<ClusteringSeries>>,
}

/// Each layer's class clustering ([`crate::estimators::Clustering`]) at
/// each logged epoch, one `[epoch][layer]` grid per measure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusteringSeries {
    /// Mean Euclidean distance between rows of the same class.
    #[serde(with = "nan_null")]
    pub within_distance: Vec<Vec<f64>>,
    /// Mean Euclidean distance between rows of different classes.
    #[serde(with = "nan_null")]
    pub between_distance: Vec<Vec<f64>>,
    /// Mean cosine similarity between rows of the same class.
    #[serde(with = "nan_null")]
    pub within_cosine: Vec<Vec<f64>>,
    /// Mean cosine similarity between rows of different classes.
    #[serde(with = "nan_null")]
    pub between_cosine: Vec<Vec<f64>>,
}

impl ClusteringSeries {
    /// Appends one logged epoch (one value per layer).
    pub fn push(&mut self, layers: &[crate::estimators::Clustering]) {
        self.within_distance
            .push(layers.iter().map(|c| c.within_distance).collect());
        self.between_distance
            .push(layers.iter().map(|c| c.between_distance).collect());
        self.within_cosine
            .push(layers.iter().map(|c| c.within_cosine).collect());
        self.between_cosine
            .push(layers.iter().map(|c| c.between_cosine).collect());
    }

    /// The four grids, in field order.
    pub fn grids_mut(&mut self) -> [&mut Vec<Vec<f64>>; 4] {
        [
            &mut self.within_distance,
            &mut self.between_distance,
            &mut self.within_cosine,
            &mut self.between_cosine,
        ]
    }

    /// Logged epochs held (the shortest grid's length).
    pub fn len(&self) -> usize {
        [
            &self.within_distance,
            &self.between_distance,
            &self.within_cosine,
            &self.between_cosine,
        ]
        .iter()
        .map(|g| g.len())
        .min()
        .unwrap_or(0)
    }

    /// True when no epoch is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One gradient definition's curves over a run, `[epoch][layer]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GradSeries {
    /// "mean" curve.
    #[serde(with = "nan_null")]
    pub mean: Vec<Vec<f64>>,
    /// "std" curve.
    #[serde(with = "nan_null")]
    pub std: Vec<Vec<f64>>,
    /// SNR curve.
    #[serde(with = "nan_null")]
    pub snr: Vec<Vec<f64>>,
}

impl SeedRecord {
    /// An empty record for `seed`.
    pub fn new(seed: u64) -> Self {
        SeedRecord {
            seed,
            status: Status::Running,
            message: None,
            seconds: 0.0,
            epochs: Vec::new(),
            ixt: Vec::new(),
            ity: Vec::new(),
            grad_m: Vec::new(),
            grad_s: Vec::new(),
            grad_stats: GradDefinition::ALL
                .iter()
                .map(|d| (d.name().to_string(), GradSeries::default()))
                .collect(),
            wnorm: Vec::new(),
            loss_train: Vec::new(),
            loss_test: Vec::new(),
            acc_train: Vec::new(),
            acc_test: Vec::new(),
            clustering: None,
        }
    }

    /// Appends one logged epoch.
    pub fn push(&mut self, e: &EpochRecord) {
        self.epochs.push(e.epoch);
        self.ixt.push(e.ixt.clone());
        self.ity.push(e.ity.clone());
        self.grad_m.push(e.grad_m.clone());
        self.grad_s.push(e.grad_s.clone());
        for d in GradDefinition::ALL {
            let GradCurves { mean, std, snr } = curves(*d, &e.grad_m, &e.grad_s, &e.wnorm);
            let s = self.grad_stats.entry(d.name().to_string()).or_default();
            s.mean.push(mean);
            s.std.push(std);
            s.snr.push(snr);
        }
        self.wnorm.push(e.wnorm.clone());
        self.loss_train.push(e.loss_train);
        self.loss_test.push(e.loss_test);
        self.acc_train.push(e.acc_train);
        self.acc_test.push(e.acc_test);
    }

    /// Keeps the first `n` logged epochs (a run continued from a checkpoint
    /// logs the rest again).
    pub fn truncate(&mut self, n: usize) {
        self.epochs.truncate(n);
        for s in [
            &mut self.ixt,
            &mut self.ity,
            &mut self.grad_m,
            &mut self.grad_s,
            &mut self.wnorm,
        ] {
            s.truncate(n);
        }
        for s in [
            &mut self.loss_train,
            &mut self.loss_test,
            &mut self.acc_train,
            &mut self.acc_test,
        ] {
            s.truncate(n);
        }
        for g in self.grad_stats.values_mut() {
            g.mean.truncate(n);
            g.std.truncate(n);
            g.snr.truncate(n);
        }
        if let Some(c) = &mut self.clustering {
            for g in c.grids_mut() {
                g.truncate(n);
            }
        }
    }

    /// Writes logged epoch `k`'s MI (one pair per layer), computed
    /// elsewhere; false if the record has no epoch `k`.
    pub fn set_mi(&mut self, k: usize, pairs: &[crate::estimators::MiPair]) -> bool {
        let (Some(ixt), Some(ity)) = (self.ixt.get_mut(k), self.ity.get_mut(k)) else {
            return false;
        };
        *ixt = pairs.iter().map(|p| p.ixt).collect();
        *ity = pairs.iter().map(|p| p.ity).collect();
        true
    }

    /// Rebuilds the epoch records (e.g. to replay a loaded record).
    pub fn epoch_records(&self) -> Vec<EpochRecord> {
        (0..self.epochs.len())
            .map(|k| EpochRecord {
                epoch: self.epochs[k],
                ixt: self.ixt[k].clone(),
                ity: self.ity[k].clone(),
                grad_m: self.grad_m[k].clone(),
                grad_s: self.grad_s[k].clone(),
                wnorm: self.wnorm[k].clone(),
                loss_train: self.loss_train[k],
                loss_test: self.loss_test[k],
                acc_train: self.acc_train[k],
                acc_test: self.acc_test[k],
            })
            .collect()
    }

    /// A digest of every result bit (FNV-1a over the f64 bit patterns), to
    /// compare runs across platforms without comparing text.
    pub fn digest(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |x: u64| {
            for b in x.to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for k in 0..self.epochs.len() {
            eat(self.epochs[k] as u64);
            for s in [
                &self.ixt,
                &self.ity,
                &self.grad_m,
                &self.grad_s,
                &self.wnorm,
            ] {
                s[k].iter().for_each(|v| eat(v.to_bits()));
            }
            for s in [
                &self.loss_train,
                &self.loss_test,
                &self.acc_train,
                &self.acc_test,
            ] {
                eat(s[k].to_bits());
            }
        }
        format!("{h:016x}")
    }
}

/// Mean and spread over seeds of the per-layer series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Seeds contributing (those that logged every epoch listed).
    pub seeds: usize,
    /// Logged epochs present in every contributing seed.
    pub epochs: Vec<usize>,
    /// Mean I(X;T) `[epoch][layer]`.
    #[serde(with = "nan_null")]
    pub ixt: Vec<Vec<f64>>,
    /// Mean I(T;Y).
    #[serde(with = "nan_null")]
    pub ity: Vec<Vec<f64>>,
    /// Standard deviation of I(X;T) over seeds (population).
    #[serde(with = "nan_null")]
    pub ixt_sd: Vec<Vec<f64>>,
    /// Standard deviation of I(T;Y) over seeds.
    #[serde(with = "nan_null")]
    pub ity_sd: Vec<Vec<f64>>,
    /// Mean m_l.
    #[serde(with = "nan_null")]
    pub grad_m: Vec<Vec<f64>>,
    /// Mean s_l.
    #[serde(with = "nan_null")]
    pub grad_s: Vec<Vec<f64>>,
    /// Mean ‖W_l‖.
    #[serde(with = "nan_null")]
    pub wnorm: Vec<Vec<f64>>,
}

fn mean_sd(series: &[&Vec<Vec<f64>>], k: usize) -> (Vec<f64>, Vec<f64>) {
    let n = series.len() as f64;
    let layers = series[0][k].len();
    let mut mean = vec![0.0; layers];
    let mut sd = vec![0.0; layers];
    for l in 0..layers {
        let m = series.iter().map(|s| s[k][l]).sum::<f64>() / n;
        mean[l] = m;
        sd[l] = (series.iter().map(|s| (s[k][l] - m).powi(2)).sum::<f64>() / n).sqrt();
    }
    (mean, sd)
}

impl Aggregate {
    /// Mean and spread over `seeds` (records or references to them, so
    /// that a caller holding them elsewhere need not copy them), over the
    /// epochs all of them logged.
    pub fn of<S: Borrow<SeedRecord>>(seeds: &[S]) -> Aggregate {
        let with_data: Vec<&SeedRecord> = seeds
            .iter()
            .map(Borrow::borrow)
            .filter(|s| !s.epochs.is_empty())
            .collect();
        let Some(shortest) = with_data.iter().map(|s| s.epochs.len()).min() else {
            return Aggregate::default();
        };
        let mut a = Aggregate {
            seeds: with_data.len(),
            epochs: with_data[0].epochs[..shortest].to_vec(),
            ..Default::default()
        };
        let pick = |f: fn(&SeedRecord) -> &Vec<Vec<f64>>| {
            with_data.iter().map(|s| f(s)).collect::<Vec<_>>()
        };
        let (ixt, ity, gm, gs, wn) = (
            pick(|s| &s.ixt),
            pick(|s| &s.ity),
            pick(|s| &s.grad_m),
            pick(|s| &s.grad_s),
            pick(|s| &s.wnorm),
        );
        for k in 0..shortest {
            let (m, sd) = mean_sd(&ixt, k);
            a.ixt.push(m);
            a.ixt_sd.push(sd);
            let (m, sd) = mean_sd(&ity, k);
            a.ity.push(m);
            a.ity_sd.push(sd);
            a.grad_m.push(mean_sd(&gm, k).0);
            a.grad_s.push(mean_sd(&gs, k).0);
            a.wnorm.push(mean_sd(&wn, k).0);
        }
        a
    }
}

/// What every seed of a run shares, computed once from the configuration
/// and the data (by [`RunHeader::new`]): the core sends it with each seed's
/// `Started` event, and a [`RunRecord`] carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    /// The data set.
    pub dataset: DatasetInfo,
    /// Units per layer in the information plane (hidden layers, then output).
    pub layers: Vec<usize>,
    /// Rows the MI estimates use.
    pub mi_rows: usize,
    /// H(Y) over those rows (bits): the ceiling of I(T;Y).
    pub label_entropy: f64,
    /// log2 of those rows: the ceiling of I(X;T).
    pub max_ixt: f64,
    /// Total epochs of the run.
    pub epochs: usize,
}

impl RunHeader {
    /// The header of a run of `cfg` on `data`.
    pub fn new(cfg: &Config, data: &Dataset) -> RunHeader {
        let split = cfg.split_rows(data.len());
        let rows = cfg.mi_rows_of(data.len(), &split);
        let labels: Vec<u32> = rows.iter().map(|&r| data.y()[r as usize]).collect();
        let mut layers = cfg.hidden.clone();
        layers.push(match cfg.output {
            Output::Softmax => data.n_classes(),
            Output::Sigmoid => 1,
        });
        RunHeader {
            dataset: data.info(),
            layers,
            mi_rows: rows.len(),
            label_entropy: label_entropy(&labels, data.n_classes()),
            max_ixt: crate::math::log2(rows.len() as f64),
            epochs: cfg.epochs,
        }
    }
}

/// A run set: the resolved parameters, the data, every seed and the
/// aggregate. The JSON the CLI writes and the app exports and loads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Always `"infoplane-run"` (anything else is refused as soon as it is
    /// read).
    #[serde(deserialize_with = "format_field")]
    pub format: String,
    /// Schema version (only [`VERSION`] is read).
    #[serde(deserialize_with = "version_field")]
    pub version: u32,
    /// The engine version that computed it ([`crate::versions::CURRENT`]
    /// of the CLI or page that ran it); absent in records made before the
    /// field ([`crate::versions::BEFORE_ENGINE_FIELD`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The experiment as a query string (preset and overrides).
    pub query: String,
    /// The preset, if one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Every parameter's resolved value.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The data set.
    pub dataset: DatasetInfo,
    /// Units per layer in the information plane (hidden layers, then output).
    pub layers: Vec<usize>,
    /// Rows the MI estimates used.
    pub mi_rows: usize,
    /// H(Y) over those rows (bits): the ceiling of I(T;Y).
    pub label_entropy: f64,
    /// log2 of those rows: the ceiling of I(X;T).
    pub max_ixt: f64,
    /// Total epochs of the run (0 in records written before this field
    /// existed; [`RunRecord::from_json`] fills it in from `params`).
    #[serde(default)]
    pub epochs: usize,
    /// One record per seed.
    pub seeds: Vec<SeedRecord>,
    /// Mean and spread over seeds.
    pub mean: Aggregate,
}

/// Schema identifier of [`RunRecord`].
pub const FORMAT: &str = "infoplane-run";
/// Current schema version.
pub const VERSION: u32 = 1;

impl RunRecord {
    /// A record of the experiment `params` with `header`, and `seeds`
    /// (their aggregate computed).
    pub fn new(params: &Params, header: &RunHeader, seeds: Vec<SeedRecord>) -> RunRecord {
        let params = params.without_view();
        let mut r = RunRecord {
            format: FORMAT.into(),
            version: VERSION,
            engine: Some(crate::versions::CURRENT.into()),
            query: params.to_query(),
            preset: params.preset().map(|p| p.name.to_string()),
            params: params.to_json(),
            dataset: header.dataset.clone(),
            layers: header.layers.clone(),
            mi_rows: header.mi_rows,
            label_entropy: header.label_entropy,
            max_ixt: header.max_ixt,
            epochs: header.epochs,
            seeds,
            mean: Aggregate::default(),
        };
        r.update_mean();
        r
    }

    /// The engine version that made it (records before the field: 0.1.0).
    pub fn engine(&self) -> &str {
        self.engine
            .as_deref()
            .unwrap_or(crate::versions::BEFORE_ENGINE_FIELD)
    }

    /// The header every seed shared.
    pub fn header(&self) -> RunHeader {
        RunHeader {
            dataset: self.dataset.clone(),
            layers: self.layers.clone(),
            mi_rows: self.mi_rows,
            label_entropy: self.label_entropy,
            max_ixt: self.max_ixt,
            epochs: self.epochs,
        }
    }

    /// Recomputes the aggregate from the seeds.
    pub fn update_mean(&mut self) {
        self.mean = Aggregate::of(&self.seeds);
    }

    /// Loads a record from JSON text: the one way the app and the CLI read
    /// records. Checks that the text is a JSON object with `format`
    /// [`FORMAT`] and `version` [`VERSION`] (judged as they are read:
    /// records write them first), that every field has its type, and that
    /// the record is consistent: every per-epoch series of a seed (and of
    /// the mean) has one entry per logged epoch, every per-layer row one
    /// value per entry of `layers`, and epoch indexes are at most
    /// [`MAX_EPOCH_INDEX`]. Errors name the JSON path of the field at fault
    /// (`.` for the document).
    pub fn from_json(text: &str) -> Result<RunRecord, RecordError> {
        let not_record =
            |why: String| RecordError::at(".", format!("not an infoplane run record: {why}"));
        // Serde would read a struct from an array too: only an object will do.
        if !text.trim_start().starts_with('{') {
            return Err(not_record("it is not a JSON object".into()));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let r: RunRecord =
            serde::Deserialize::deserialize(&mut de).map_err(|inner: serde_json::Error| {
                // serde_json places an error after the character it last read:
                // the closing brace of an object missing a field, else the one
                // that ended the value at fault.
                let column = if inner.to_string().starts_with("missing field") {
                    inner.column()
                } else {
                    inner.column().saturating_sub(1)
                };
                let path = json_path_at(text, inner.line(), column);
                if path != "." {
                    RecordError::at(&path, inner.to_string())
                } else if !inner.is_data() {
                    not_record(inner.to_string())
                } else if inner.to_string().starts_with("missing field `format`") {
                    not_record(format!("it has no \"format\": \"{FORMAT}\""))
                } else {
                    RecordError::at(".", format!("not a complete run record: {inner}"))
                }
            })?;
        de.end()
            .map_err(|e| RecordError::at(".", format!("not an infoplane run record: {e}")))?;
        let mut r = r;
        r.validate()?;
        Ok(r)
    }

    /// The checks of [`RunRecord::from_json`] on a record already read
    /// (e.g. a point of a sweep record): every series as long as its
    /// epochs and layers; fills in `epochs` of records written before it
    /// existed.
    pub fn validate(&mut self) -> Result<(), RecordError> {
        let r = self;
        if r.epochs == 0 {
            // Written before `epochs` was a field: the parameter says it.
            r.epochs = r
                .params
                .get("epochs")
                .and_then(|v| v.as_str())
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| RecordError::at("params.epochs", "missing or not a whole number"))?;
        }
        r.check()
    }

    /// The consistency checks of [`RunRecord::from_json`].
    fn check(&self) -> Result<(), RecordError> {
        let layers = self.layers.len();
        for (i, s) in self.seeds.iter().enumerate() {
            let at = |field: &str| format!("seeds[{i}].{field}");
            let n = s.epochs.len();
            check_epochs(&at("epochs"), &s.epochs)?;
            for (name, series) in [
                ("ixt", &s.ixt),
                ("ity", &s.ity),
                ("grad_m", &s.grad_m),
                ("grad_s", &s.grad_s),
                ("wnorm", &s.wnorm),
            ] {
                check_grid(&at(name), series, n, layers)?;
            }
            for (name, series) in [
                ("loss_train", &s.loss_train),
                ("loss_test", &s.loss_test),
                ("acc_train", &s.acc_train),
                ("acc_test", &s.acc_test),
            ] {
                check_len(&at(name), series.len(), n)?;
            }
            for (def, g) in &s.grad_stats {
                for (name, series) in [("mean", &g.mean), ("std", &g.std), ("snr", &g.snr)] {
                    check_grid(&at(&format!("grad_stats.{def}.{name}")), series, n, layers)?;
                }
            }
        }
        let m = &self.mean;
        check_epochs("mean.epochs", &m.epochs)?;
        for (name, series) in [
            ("ixt", &m.ixt),
            ("ity", &m.ity),
            ("ixt_sd", &m.ixt_sd),
            ("ity_sd", &m.ity_sd),
            ("grad_m", &m.grad_m),
            ("grad_s", &m.grad_s),
            ("wnorm", &m.wnorm),
        ] {
            check_grid(&format!("mean.{name}"), series, m.epochs.len(), layers)?;
        }
        Ok(())
    }
}

/// Largest epoch index a loaded record may hold, so that the epoch numbers
/// drawn (index + 1) never overflow, even in 32 bits.
pub const MAX_EPOCH_INDEX: usize = i32::MAX as usize;

/// The JSON path (`seeds[0].ixt[3]`; `.` for the document) of the value
/// being read once `text` has been read up to `line`:`column` (1-based, the
/// character there included, as serde_json reports positions): a scan of
/// the text up to there that tracks the open objects' keys and arrays'
/// indexes. (Deserializing through a path-tracking wrapper
/// would double the deserializing code in the page's wasm.)
pub fn json_path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    // The byte offset of the position (serde_json counts columns in bytes).
    let mut end = text.len();
    if line >= 1 {
        let mut start = 0;
        for _ in 1..line {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => break,
            }
        }
        end = (start + column).min(text.len());
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    // In an object: whether the next string is a key.
    let mut want_key = false;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                want_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                want_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                want_key = false;
            }
            b':' => want_key = false,
            b',' => match stack.last_mut() {
                Some(Frame::Object(k)) => {
                    *k = None;
                    want_key = true;
                }
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            b'"' => {
                // A string: skip to its closing quote (escapes included).
                let from = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if want_key {
                    if let Some(Frame::Object(k)) = stack.last_mut() {
                        *k = Some(text.get(from..i.min(text.len())).unwrap_or("").to_string());
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => break,
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    if path.is_empty() {
        ".".to_string()
    } else {
        path
    }
}

/// Why a text is not a loadable [`RunRecord`], located by the JSON path of
/// the field at fault (`seeds[0].ixt[3]`; `.` for the whole document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    /// JSON path of the field at fault, as `seeds[0].ixt[3]`; `.` for the
    /// whole document.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl RecordError {
    fn at(path: &str, message: impl Into<String>) -> Self {
        RecordError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path == "." {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for RecordError {}

/// Reads `format`, refusing anything but [`FORMAT`]. Records write it
/// first, so another JSON file is named as such before any other field.
fn format_field<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let f = String::deserialize(d)?;
    if f == FORMAT {
        Ok(f)
    } else {
        Err(serde::de::Error::custom(format!(
            "\"{f}\" is not \"{FORMAT}\": not an infoplane run record"
        )))
    }
}

/// Reads `version`, refusing anything but [`VERSION`] (written second, so a
/// record of another version is named as such before its fields).
fn version_field<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v == VERSION {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not supported (this version reads {VERSION})"
        )))
    }
}

/// `found` entries where `want` are needed, at `path`.
fn check_len(path: &str, found: usize, want: usize) -> Result<(), RecordError> {
    if found == want {
        Ok(())
    } else {
        Err(RecordError::at(
            path,
            format!("{found} entries for {want} logged epochs"),
        ))
    }
}

/// A `[epoch][layer]` series: `epochs` rows of `layers` values.
fn check_grid(
    path: &str,
    rows: &[Vec<f64>],
    epochs: usize,
    layers: usize,
) -> Result<(), RecordError> {
    check_len(path, rows.len(), epochs)?;
    match rows.iter().position(|r| r.len() != layers) {
        None => Ok(()),
        Some(k) => Err(RecordError::at(
            &format!("{path}[{k}]"),
            format!("{} values for {layers} layers", rows[k].len()),
        )),
    }
}

/// Epoch indexes at most [`MAX_EPOCH_INDEX`].
fn check_epochs(path: &str, epochs: &[usize]) -> Result<(), RecordError> {
    match epochs.iter().position(|&e| e > MAX_EPOCH_INDEX) {
        None => Ok(()),
        Some(k) => Err(RecordError::at(
            &format!("{path}[{k}]"),
            format!("epoch index {} is above {MAX_EPOCH_INDEX}", epochs[k]),
        )),
    }
}

impl RunRecord {
    /// The record as CSV in long form: one row per seed, logged epoch and
    /// layer, with the per-epoch scalars repeated on each layer's row.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("seed,epoch,layer,units,ixt,ity,grad_m,grad_s,wnorm,loss_train,loss_test,acc_train,acc_test\n");
        let num = |v: f64| {
            if v.is_nan() {
                String::new()
            } else {
                format!("{v}")
            }
        };
        for s in &self.seeds {
            for (k, &epoch) in s.epochs.iter().enumerate() {
                for (l, &units) in self.layers.iter().enumerate() {
                    let at = |series: &Vec<Vec<f64>>| {
                        series
                            .get(k)
                            .and_then(|r| r.get(l))
                            .copied()
                            .unwrap_or(f64::NAN)
                    };
                    out.push_str(&format!(
                        "{},{epoch},{},{units},{},{},{},{},{},{},{},{},{}\n",
                        s.seed,
                        l + 1,
                        num(at(&s.ixt)),
                        num(at(&s.ity)),
                        num(at(&s.grad_m)),
                        num(at(&s.grad_s)),
                        num(at(&s.wnorm)),
                        num(s.loss_train[k]),
                        num(s.loss_test[k]),
                        num(s.acc_train[k]),
                        num(s.acc_test[k]),
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch(e: usize, v: f64) -> EpochRecord {
        EpochRecord {
            epoch: e,
            ixt: vec![v, 1.0],
            ity: vec![0.5, v],
            grad_m: vec![5.0, 5.0],
            grad_s: vec![2f64.sqrt(), 2f64.sqrt()],
            wnorm: vec![1.0, 2.0],
            loss_train: 0.7,
            loss_test: f64::NAN,
            acc_train: 0.5,
            acc_test: f64::NAN,
        }
    }

    #[test]
    fn json_round_trip_keeps_nan_and_bits() {
        let mut s = SeedRecord::new(3);
        s.push(&epoch(0, 0.1 + 0.2));
        s.push(&epoch(1, 1.0 / 3.0));
        // A value serde_json's fast float parser misreads by one ulp; with
        // `float_roundtrip` every f64 survives text exactly.
        s.push(&epoch(2, 0.9622921422579652));
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"loss_test\":[null,null,null]"));
        let back: SeedRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back.digest(), s.digest());
        assert_eq!(back.ixt, s.ixt);
        assert!(back.loss_test[0].is_nan());
        assert_eq!(back.grad_stats["idnns"].mean[0], vec![5.0, 10.0]);
    }

    /// A record of one seed with epochs 0 and 3 and layers [3, 2].
    fn small_record() -> RunRecord {
        let mut s = SeedRecord::new(7);
        s.push(&epoch(0, 0.5));
        s.push(&epoch(3, 0.25));
        let mut rec = RunRecord {
            format: FORMAT.into(),
            version: VERSION,
            engine: None,
            query: String::new(),
            preset: None,
            params: Default::default(),
            dataset: DatasetInfo {
                name: "t".into(),
                rows: 4,
                features: 1,
                classes: 2,
            },
            layers: vec![3, 2],
            mi_rows: 4,
            label_entropy: 1.0,
            max_ixt: 2.0,
            epochs: 4,
            seeds: vec![s],
            mean: Aggregate::default(),
        };
        rec.update_mean();
        rec
    }

    #[test]
    fn csv_has_one_row_per_seed_epoch_and_layer() {
        let rec = small_record();
        let csv = rec.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * 2);
        assert_eq!(lines[1], "7,0,1,3,0.5,0.5,5,1.4142135623730951,1,0.7,,0.5,");
        assert!(lines[4].starts_with("7,3,2,2,1,0.25,"));
    }

    #[test]
    fn the_engine_version_is_written_third_and_optional_to_read() {
        let mut p = Params::default();
        p.set("epochs", "4").unwrap();
        let h = small_record().header();
        let rec = RunRecord::new(&p, &h, vec![]);
        assert_eq!(rec.engine(), crate::versions::CURRENT);
        let text = serde_json::to_string(&rec).unwrap();
        let want = format!(
            "{{\"format\":\"infoplane-run\",\"version\":1,\"engine\":\"{}\",",
            crate::versions::CURRENT
        );
        assert!(text.starts_with(&want), "{text}");
        assert_eq!(RunRecord::from_json(&text).unwrap().engine, rec.engine);
        // A record written before the field (small_record has none): it
        // loads, and is taken as 0.1.0's.
        let old = serde_json::to_string(&small_record()).unwrap();
        assert!(!old.contains("engine"));
        let back = RunRecord::from_json(&old).unwrap();
        assert_eq!((back.engine.as_deref(), back.engine()), (None, "0.1.0"));
    }

    /// The record as JSON, edited, then loaded.
    fn load_edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<RunRecord, RecordError> {
        let mut v = serde_json::to_value(small_record()).unwrap();
        edit(&mut v);
        RunRecord::from_json(&v.to_string())
    }

    #[test]
    fn json_paths_are_read_off_the_text() {
        // Columns are 1-based and include the character there.
        let t = r#"{"a": [1, {"b\"c": [2, 3]}], "d": {}}"#;
        let col = |needle: &str| t.find(needle).unwrap() + 1;
        // At "3": key "b\"c" (escaped quote kept) of the object at a[1].
        assert_eq!(json_path_at(t, 1, col("3")), "a[1].b\\\"c[1]");
        assert_eq!(json_path_at(t, 1, col("1")), "a[0]");
        // Past a closed object, back in its array; past the root: ".".
        assert_eq!(json_path_at(t, 1, col("}],") + 1), "a");
        assert_eq!(json_path_at(t, 1, t.len()), ".");
        // An open object whose key is not read yet: the object itself.
        assert_eq!(json_path_at(t, 1, col("{}")), "d");
        assert_eq!(json_path_at("{\n\"x\":\n [true]}", 3, 3), "x[0]");
    }

    #[test]
    fn records_load_through_one_checked_function() {
        let rec = small_record();
        let back = RunRecord::from_json(&serde_json::to_string(&rec).unwrap()).unwrap();
        assert_eq!(back.seeds[0].digest(), rec.seeds[0].digest());
        assert_eq!(back.layers, vec![3, 2]);
        let err = |edit: fn(&mut serde_json::Value)| load_edited(edit).unwrap_err().to_string();
        // Not JSON, not a record, another format or version.
        assert!(RunRecord::from_json("{")
            .unwrap_err()
            .to_string()
            .starts_with("not an infoplane run record: EOF while parsing"));
        assert_eq!(
            RunRecord::from_json("{\"hello\": 1}")
                .unwrap_err()
                .to_string(),
            "not an infoplane run record: it has no \"format\": \"infoplane-run\""
        );
        assert_eq!(
            RunRecord::from_json("[1]").unwrap_err().to_string(),
            "not an infoplane run record: it is not a JSON object"
        );
        assert!(err(|v| v["format"] = "other".into()).starts_with(
            "format: \"other\" is not \"infoplane-run\": not an infoplane run record"
        ));
        let got = err(|v| v["version"] = 2.into());
        assert!(
            got.starts_with("version: 2 is not supported (this version reads 1)"),
            "{got}"
        );
        // Written first, format and version are judged before other fields.
        let e = RunRecord::from_json("{\"format\": \"x\", \"seeds\": 5}").unwrap_err();
        assert_eq!(e.path, "format");
        let e =
            RunRecord::from_json("{\"format\": \"infoplane-run\", \"version\": 9, \"seeds\": 5}")
                .unwrap_err();
        assert_eq!(e.path, "version");
        // Type errors name the JSON path of the value.
        let e = load_edited(|v| v["seeds"][0]["ixt"][1][0] = "x".into()).unwrap_err();
        assert_eq!(e.path, "seeds[0].ixt[1][0]");
        assert!(
            e.message
                .starts_with("invalid type: string \"x\", expected f64"),
            "{e}"
        );
        let e = load_edited(|v| v["seeds"][0]["status"] = "paused".into()).unwrap_err();
        assert_eq!(e.path, "seeds[0].status");
        let e = load_edited(|v| v["dataset"]["rows"] = (-1).into()).unwrap_err();
        assert_eq!(e.path, "dataset.rows");
        let e = load_edited(|v| {
            v.as_object_mut().unwrap().remove("layers");
        })
        .unwrap_err();
        assert_eq!(e.path, ".");
        assert!(
            e.message
                .starts_with("not a complete run record: missing field `layers`"),
            "{e}"
        );
        // Consistency: series as long as `epochs`, rows as long as `layers`.
        assert_eq!(
            err(|v| {
                v["seeds"][0]["ixt"].as_array_mut().unwrap().pop();
            }),
            "seeds[0].ixt: 1 entries for 2 logged epochs"
        );
        assert_eq!(
            err(|v| {
                v["seeds"][0]["ity"][1]
                    .as_array_mut()
                    .unwrap()
                    .push(1.0.into());
            }),
            "seeds[0].ity[1]: 3 values for 2 layers"
        );
        assert_eq!(
            err(|v| {
                v["seeds"][0]["acc_test"]
                    .as_array_mut()
                    .unwrap()
                    .push(1.0.into());
            }),
            "seeds[0].acc_test: 3 entries for 2 logged epochs"
        );
        assert_eq!(
            err(|v| {
                v["seeds"][0]["grad_stats"]["saxe"]["snr"][0] = serde_json::json!([1.0]);
            }),
            "seeds[0].grad_stats.saxe.snr[0]: 1 values for 2 layers"
        );
        assert_eq!(
            err(|v| {
                v["layers"].as_array_mut().unwrap().push(1.into());
            }),
            "seeds[0].ixt[0]: 2 values for 3 layers"
        );
        assert_eq!(
            err(|v| {
                v["mean"]["ity_sd"].as_array_mut().unwrap().clear();
            }),
            "mean.ity_sd: 0 entries for 2 logged epochs"
        );
        assert_eq!(
            err(|v| v["seeds"][0]["epochs"][1] = (1u64 << 40).into()),
            "seeds[0].epochs[1]: epoch index 1099511627776 is above 2147483647"
        );
        // Trailing text after the record.
        let text = serde_json::to_string(&rec).unwrap() + " x";
        assert!(RunRecord::from_json(&text)
            .unwrap_err()
            .to_string()
            .starts_with("not an infoplane run record: trailing characters"));
    }

    #[test]
    fn aggregate_mean_and_spread() {
        let mut a = SeedRecord::new(0);
        let mut b = SeedRecord::new(1);
        a.push(&epoch(0, 1.0));
        b.push(&epoch(0, 3.0));
        b.push(&epoch(1, 3.0));
        // References to records (the page's live runs) give the same.
        let by_ref = Aggregate::of(&[&a, &b]);
        let m = Aggregate::of(&[a, b]);
        assert_eq!(by_ref, m);
        assert_eq!(m.epochs, vec![0]);
        assert_eq!(m.ixt[0], vec![2.0, 1.0]);
        assert_eq!(m.ixt_sd[0], vec![1.0, 0.0]);
    }
}
