//! The checked configuration: the parameter table's values validated into
//! types where invalid states cannot be represented. Everything downstream
//! takes a [`Config`], never raw text.

use crate::data::{self, Dataset, Split};
use crate::estimators::{BinSpec, Estimator, RangeScope};
use crate::gradients::GradDefinition;
use crate::network::{Activation, Output};
use crate::optim::OptimizerKind;
use crate::params::{ParamError, Params, Value};
use crate::schedule::Schedule;

/// Which data set to train on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataChoice {
    /// SZT's var_u.
    VarU,
    /// UCI digits.
    Digits,
    /// A file the user supplies (CSV or IDX).
    Custom,
}

/// How rows are split into training and test sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitKind {
    /// IDNNs: first p % of the rows, unshuffled.
    First,
    /// Seeded shuffle, then first p %.
    Shuffled,
}

/// Order of the training rows across epochs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchOrder {
    /// The same contiguous slices every epoch (IDNNs).
    Fixed,
    /// A new seeded permutation every epoch.
    Reshuffle,
}

/// When the activations of a logged epoch are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActTime {
    /// Before the epoch's updates (IDNNs).
    Start,
    /// After them (ibsgd).
    End,
}

/// When each batch's gradient is taken on a logged epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GradTime {
    /// After the step on that batch (IDNNs).
    After,
    /// The gradient the step used (ibsgd).
    Before,
}

/// Which rows enter the MI estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MiRows {
    /// Every row, in data order.
    Full,
    /// The training rows.
    Train,
    /// The test rows.
    Test,
}

/// Largest row count the O(N²) KDE estimators accept.
pub const KDE_MAX_ROWS: usize = 20_000;

/// A validated experiment configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Data set.
    pub data: DataChoice,
    /// Split rule.
    pub split: SplitKind,
    /// Training share in percent.
    pub train_pct: f64,
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Output layer.
    pub output: Output,
    /// Update rule.
    pub optimizer: OptimizerKind,
    /// Learning rate.
    pub lr: f32,
    /// Batch size; `None` = full batch.
    pub batch_size: Option<usize>,
    /// Number of epochs.
    pub epochs: usize,
    /// Batch order.
    pub batch_order: BatchOrder,
    /// Base seed of the run.
    pub seed: u64,
    /// Logged-epoch rule.
    pub schedule: Schedule,
    /// When activations are probed.
    pub act_time: ActTime,
    /// When batch gradients are taken.
    pub grad_time: GradTime,
    /// MI estimator.
    pub estimator: Estimator,
    /// Rows for MI.
    pub mi_rows: MiRows,
    /// Gradient statistic shown by default.
    pub grad_def: GradDefinition,
}

fn choice(p: &Params, name: &str) -> &'static str {
    match p.get(name) {
        Value::Choice(c) => c,
        v => unreachable!("{name} is a choice, got {v:?}"),
    }
}

fn int(p: &Params, name: &str) -> i64 {
    match p.get(name) {
        Value::Int(v) => *v,
        v => unreachable!("{name} is an integer, got {v:?}"),
    }
}

fn float(p: &Params, name: &str) -> f64 {
    match p.get(name) {
        Value::Float(v) => *v,
        v => unreachable!("{name} is a number, got {v:?}"),
    }
}

impl Config {
    /// Validates parameters into a configuration. Cross-field rules are
    /// checked here; rules that depend on the data set in
    /// [`Config::check_data`].
    pub fn from_params(p: &Params) -> Result<Config, ParamError> {
        let hidden = match p.get("hidden") {
            Value::Widths(w) => w.clone(),
            _ => unreachable!(),
        };
        let batch_size = match p.get("batch_size") {
            Value::Batch(b) => *b,
            _ => unreachable!(),
        };
        let (lo, hi) = (float(p, "bin_lo") as f32, float(p, "bin_hi") as f32);
        let estimator = match choice(p, "estimator") {
            "idnns-binning" => {
                if lo >= hi {
                    return Err(ParamError::new(
                        "bin_hi",
                        format!("must exceed bin_lo ({lo}) for idnns-binning"),
                    ));
                }
                Estimator::IdnnsBinning {
                    n_edges: int(p, "edges") as usize,
                    lo,
                    hi,
                }
            }
            "uniform-binning" => {
                let size = float(p, "bin_size");
                let bins = if size > 0.0 {
                    BinSpec::Size(size as f32)
                } else {
                    BinSpec::Count(int(p, "bins") as usize)
                };
                let scope = match choice(p, "range") {
                    "fixed" => RangeScope::Fixed { lo, hi },
                    "global" => RangeScope::Global,
                    "layer" => RangeScope::Layer,
                    "neuron" => RangeScope::Neuron,
                    _ => RangeScope::Run,
                };
                if matches!((bins, scope), (BinSpec::Count(_), RangeScope::Fixed { .. }))
                    && lo >= hi
                {
                    return Err(ParamError::new(
                        "bin_hi",
                        format!("must exceed bin_lo ({lo}) for a fixed range"),
                    ));
                }
                Estimator::UniformBinning { bins, scope }
            }
            "adaptive-binning" => Estimator::AdaptiveBinning {
                bins: int(p, "bins") as usize,
            },
            "kde-upper" => Estimator::KdeUpper {
                noise_var: float(p, "noise_var"),
            },
            _ => Estimator::KdeLower {
                noise_var: float(p, "noise_var"),
            },
        };
        let optimizer = match choice(p, "optimizer") {
            "adam" => OptimizerKind::Adam {
                beta1: float(p, "beta1") as f32,
                beta2: float(p, "beta2") as f32,
                eps: float(p, "eps") as f32,
            },
            _ => OptimizerKind::Sgd,
        };
        Ok(Config {
            data: match choice(p, "dataset") {
                "var_u" => DataChoice::VarU,
                "digits" => DataChoice::Digits,
                _ => DataChoice::Custom,
            },
            split: if choice(p, "split") == "first" {
                SplitKind::First
            } else {
                SplitKind::Shuffled
            },
            train_pct: float(p, "train_pct"),
            hidden,
            activation: match choice(p, "activation") {
                "tanh" => Activation::Tanh,
                "relu" => Activation::Relu,
                "linear" => Activation::Linear,
                _ => Activation::Sigmoid,
            },
            output: if choice(p, "output") == "softmax" {
                Output::Softmax
            } else {
                Output::Sigmoid
            },
            optimizer,
            lr: float(p, "lr") as f32,
            batch_size,
            epochs: int(p, "epochs") as usize,
            batch_order: if choice(p, "batch_order") == "fixed" {
                BatchOrder::Fixed
            } else {
                BatchOrder::Reshuffle
            },
            seed: int(p, "seed") as u64,
            schedule: match choice(p, "log_schedule") {
                "idnns" => Schedule::Idnns {
                    samples: int(p, "log_samples") as usize,
                },
                "ibsgd" => Schedule::Ibsgd,
                _ => Schedule::Every {
                    k: int(p, "log_every") as usize,
                },
            },
            act_time: if choice(p, "act_time") == "start" {
                ActTime::Start
            } else {
                ActTime::End
            },
            grad_time: if choice(p, "grad_time") == "after" {
                GradTime::After
            } else {
                GradTime::Before
            },
            estimator,
            mi_rows: match choice(p, "mi_rows") {
                "full" => MiRows::Full,
                "train" => MiRows::Train,
                _ => MiRows::Test,
            },
            grad_def: GradDefinition::from_name(choice(p, "grad_def"))
                .expect("table choices match"),
        })
    }

    /// The same configuration with another seed (for run sets).
    pub fn with_seed(&self, seed: u64) -> Config {
        Config {
            seed,
            ..self.clone()
        }
    }

    /// The built-in data set this configuration names (`None` for custom data).
    pub fn builtin_data(&self) -> Option<Dataset> {
        match self.data {
            DataChoice::VarU => Some(data::var_u()),
            DataChoice::Digits => Some(data::digits()),
            DataChoice::Custom => None,
        }
    }

    /// The train/test split of `n` rows.
    pub fn split_rows(&self, n: usize) -> Split {
        match self.split {
            SplitKind::First => Split::first(n, self.train_pct),
            SplitKind::Shuffled => Split::shuffled(n, self.train_pct, self.seed),
        }
    }

    /// The rows whose activations enter the MI estimate.
    pub fn mi_rows_of(&self, n: usize, split: &Split) -> Vec<u32> {
        match self.mi_rows {
            MiRows::Full => (0..n as u32).collect(),
            MiRows::Train => split.train.clone(),
            MiRows::Test => split.test.clone(),
        }
    }

    /// Rules that depend on the data set; errors name the parameter to change.
    pub fn check_data(&self, data: &Dataset) -> Result<(), ParamError> {
        if data.is_empty() {
            return Err(ParamError::new("dataset", "the data set has no rows"));
        }
        if self.output == Output::Sigmoid && data.n_classes() != 2 {
            return Err(ParamError::new(
                "output",
                format!(
                    "a single sigmoid unit needs 2 classes; {} has {}",
                    data.name(),
                    data.n_classes()
                ),
            ));
        }
        let split = self.split_rows(data.len());
        if split.train.is_empty() {
            return Err(ParamError::new(
                "train_pct",
                format!(
                    "{}% of {} rows leaves no training rows",
                    self.train_pct,
                    data.len()
                ),
            ));
        }
        let mi = self.mi_rows_of(data.len(), &split);
        if mi.is_empty() {
            return Err(ParamError::new(
                "mi_rows",
                "the chosen rows are empty (is the test set empty?)",
            ));
        }
        if matches!(
            self.estimator,
            Estimator::KdeUpper { .. } | Estimator::KdeLower { .. }
        ) && mi.len() > KDE_MAX_ROWS
        {
            return Err(ParamError::new(
                "estimator",
                format!("KDE costs O(N²): {} rows exceed its limit of {KDE_MAX_ROWS}; use mi_rows=test or binning", mi.len()),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_idnns_configuration() {
        let c = Config::from_params(&Params::default()).unwrap();
        assert_eq!(c.hidden, vec![10, 7, 5, 4, 3]);
        assert_eq!(c.activation, Activation::Tanh);
        assert_eq!(
            c.optimizer,
            OptimizerKind::Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8
            }
        );
        assert_eq!((c.lr, c.batch_size, c.epochs), (0.0004, Some(512), 8000));
        assert_eq!(
            c.estimator,
            Estimator::IdnnsBinning {
                n_edges: 30,
                lo: -1.0,
                hi: 1.0
            }
        );
        assert_eq!(c.schedule, Schedule::Idnns { samples: 400 });
        assert_eq!(
            (c.act_time, c.grad_time, c.mi_rows),
            (ActTime::Start, GradTime::After, MiRows::Full)
        );
        assert!(c.check_data(&data::var_u()).is_ok());
    }

    #[test]
    fn cross_field_errors_name_the_parameter() {
        let mut p = Params::default();
        p.set("bin_lo", "1").unwrap();
        assert_eq!(Config::from_params(&p).unwrap_err().param, "bin_hi");
        let mut p = Params::default();
        p.set("output", "sigmoid").unwrap();
        let c = Config::from_params(&p).unwrap();
        assert_eq!(c.check_data(&data::digits()).unwrap_err().param, "output");
        let mut p = Params::default();
        p.set("train_pct", "0.01").unwrap();
        assert_eq!(
            Config::from_params(&p)
                .unwrap()
                .check_data(&data::var_u())
                .unwrap_err()
                .param,
            "train_pct"
        );
        let mut p = Params::default();
        p.set("train_pct", "100").unwrap();
        p.set("split", "shuffled").unwrap();
        p.set("mi_rows", "test").unwrap();
        assert_eq!(
            Config::from_params(&p)
                .unwrap()
                .check_data(&data::var_u())
                .unwrap_err()
                .param,
            "mi_rows"
        );
    }
}
