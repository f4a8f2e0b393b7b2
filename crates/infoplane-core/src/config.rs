//! The checked configuration: the parameter table's values validated into
//! types where invalid states cannot be represented. Everything downstream
//! takes a [`Config`], never raw text.

use crate::data::{self, Dataset, Split};
use crate::estimators::{BinSpec, Estimator, RangeScope};
use crate::network::{Activation, Init, Output};
use crate::optim::OptimizerKind;
use crate::params::{ParamError, Params};
use crate::schedule::Schedule;
use std::sync::Arc;

crate::choices! {
    /// Which data set to train on.
    pub enum DataChoice {
        /// SZT's var_u.
        VarU = "var_u",
        /// UCI digits.
        Digits = "digits",
        /// 5000 MNIST images.
        Mnist5k = "mnist5k",
        /// A file the user supplies (CSV or IDX).
        Custom = "custom",
    }
}

impl DataChoice {
    /// The built-in image set this choice names, if any (its rows are a
    /// file the web page fetches).
    pub fn image_set(self) -> Option<&'static data::ImageSet> {
        match self {
            DataChoice::Digits => Some(&data::DIGITS),
            DataChoice::Mnist5k => Some(&data::MNIST5K),
            DataChoice::VarU | DataChoice::Custom => None,
        }
    }
}

crate::choices! {
    /// How rows are split into training and test sets.
    pub enum SplitKind {
        /// IDNNs: first p % of the rows, unshuffled.
        First = "first",
        /// Seeded shuffle, then first p %.
        Shuffled = "shuffled",
    }
}

crate::choices! {
    /// Which update rule (its settings come from other parameters).
    pub enum OptimizerChoice {
        /// TensorFlow's Adam.
        Adam = "adam",
        /// Plain gradient descent.
        Sgd = "sgd",
    }
}

crate::choices! {
    /// Order of the training rows across epochs.
    pub enum BatchOrder {
        /// The same contiguous slices every epoch (IDNNs).
        Fixed = "fixed",
        /// A new seeded permutation every epoch.
        Reshuffle = "reshuffle",
    }
}

crate::choices! {
    /// Which rule picks the logged epochs (its settings come from other parameters).
    pub enum ScheduleChoice {
        /// IDNNs' log-spaced samples.
        Idnns = "idnns",
        /// ibsgd's `do_report`.
        Ibsgd = "ibsgd",
        /// Every k-th epoch.
        Every = "every",
    }
}

crate::choices! {
    /// When the activations of a logged epoch are taken.
    pub enum ActTime {
        /// Before the epoch's updates (IDNNs).
        Start = "start",
        /// After them (ibsgd).
        End = "end",
    }
}

crate::choices! {
    /// When, and on which rows, each batch's gradient is taken on a logged
    /// epoch (for the gradient statistics).
    pub enum GradTime {
        /// On the batch's own rows, after the step on it (IDNNs).
        After = "after",
        /// The gradient the step itself used: the batch's rows, the weights
        /// before its step.
        Before = "before",
        /// ibsgd's `loggingreporter.py`: a fresh permutation of the training
        /// rows drawn at the start of the logged epoch (its own random
        /// stream), and before each step the gradient on the next
        /// `batch_size` rows of that permutation, with the weights before
        /// the step; these are not the rows the step uses.
        Ibsgd = "ibsgd",
    }
}

crate::choices! {
    /// Which MI estimator (its settings come from other parameters).
    pub enum EstimatorChoice {
        /// IDNNs-exact binning.
        IdnnsBinning = "idnns-binning",
        /// Uniform bins by count or size over a range scope.
        UniformBinning = "uniform-binning",
        /// Equal-mass bins (Chelombiev et al.).
        AdaptiveBinning = "adaptive-binning",
        /// Kolchinsky & Tracey's upper bound.
        KdeUpper = "kde-upper",
        /// Kolchinsky & Tracey's lower bound.
        KdeLower = "kde-lower",
        /// Binning at machine precision (Saxe et al.).
        ExactBinning = "exact-binning",
        /// Bins uniform in the net input of tanh units (Saxe et al.).
        NetInputBinning = "net-input-binning",
        /// Kraskov k-NN: entropy Ĥ(T) in place of I(X;T), KSG I(T;Y).
        Knn = "knn",
        /// Goldfeld et al.'s sample-propagation estimator for a noisy network.
        NoisySp = "noisy-sp",
    }
}

crate::choices! {
    /// Whether probes also record each layer's class clustering.
    pub enum ClusteringChoice {
        /// No clustering measure (the default).
        Off = "off",
        /// [`crate::estimators::class_clustering`] of every layer at every
        /// logged epoch, on the MI rows.
        On = "on",
    }
}

crate::choices! {
    /// Which rows enter the MI estimate.
    pub enum MiRows {
        /// Every row, in data order.
        Full = "full",
        /// The training rows.
        Train = "train",
        /// The test rows.
        Test = "test",
    }
}

crate::choices! {
    /// Where the range of uniform bins by count comes from.
    pub enum RangeChoice {
        /// `[bin_lo, bin_hi]`.
        Fixed = "fixed",
        /// Over all layers at each epoch.
        Global = "global",
        /// Per layer.
        Layer = "layer",
        /// Per unit.
        Neuron = "neuron",
        /// Over the whole run.
        Run = "run",
    }
}

/// Largest row count the O(N²) estimators (KDE, k-NN, noisy-sp) accept.
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
    /// Weight initialisation.
    pub init: Init,
    /// Standard deviation β of the Gaussian noise on each hidden layer's
    /// output (Goldfeld et al., ICML 2019); 0 = none. Above 0 the network
    /// is noisy in training and at probes (see [`crate::network`]'s notes):
    /// the probe's activations are each hidden layer's noiseless output
    /// S_l fed by the noisy layers below. `noisy-sp`
    /// ([`Estimator::NoisyGaussian`], which carries the same β) measures
    /// T_l = S_l + Z_l; every other estimator measures S_l as it would a
    /// deterministic network's layer.
    pub noise_std: f64,
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
    /// Whether each logged epoch records every layer's class clustering
    /// (on the MI rows, from the probe's activations).
    pub clustering: bool,
}

impl Config {
    /// Validates parameters into a configuration. Cross-field rules are
    /// checked here; rules that depend on the data set in
    /// [`Config::check_data`].
    pub fn from_params(p: &Params) -> Result<Config, ParamError> {
        if let Some(sw) = p.sweep() {
            return Err(ParamError::new(
                "sweep",
                format!(
                    "a sweep ({sw}) is several runs, one per value: run its points (Params::sweep_points, infoplane sweep)"
                ),
            ));
        }
        let (lo, hi) = (p.float("bin_lo") as f32, p.float("bin_hi") as f32);
        let seed = p.int("seed") as u64;
        let noise_std = p.float("noise_std");
        let choice = p.choice::<EstimatorChoice>("estimator");
        let estimator = match choice {
            EstimatorChoice::IdnnsBinning => {
                if lo >= hi {
                    return Err(ParamError::new(
                        "bin_hi",
                        format!("must exceed bin_lo ({lo}) for idnns-binning"),
                    ));
                }
                Estimator::IdnnsBinning {
                    n_edges: p.int("edges") as usize,
                    lo,
                    hi,
                }
            }
            EstimatorChoice::UniformBinning => {
                let size = p.float("bin_size");
                let bins = if size > 0.0 {
                    BinSpec::Size(size as f32)
                } else {
                    BinSpec::Count(p.int("bins") as usize)
                };
                let scope = match p.choice::<RangeChoice>("range") {
                    RangeChoice::Fixed => RangeScope::Fixed { lo, hi },
                    RangeChoice::Global => RangeScope::Global,
                    RangeChoice::Layer => RangeScope::Layer,
                    RangeChoice::Neuron => RangeScope::Neuron,
                    RangeChoice::Run => RangeScope::Run,
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
            EstimatorChoice::AdaptiveBinning => Estimator::AdaptiveBinning {
                bins: p.int("bins") as usize,
            },
            EstimatorChoice::KdeUpper => Estimator::KdeUpper {
                noise_var: p.float("noise_var"),
            },
            EstimatorChoice::KdeLower => Estimator::KdeLower {
                noise_var: p.float("noise_var"),
            },
            EstimatorChoice::ExactBinning => Estimator::ExactBinning,
            EstimatorChoice::NetInputBinning => Estimator::NetInputBinning {
                n_edges: p.int("edges") as usize,
                limit: p.float("netinput_limit"),
            },
            EstimatorChoice::Knn => Estimator::Knn {
                k: p.int("knn_k") as usize,
                noise_std: p.float("knn_noise"),
                seed,
            },
            EstimatorChoice::NoisySp => {
                // The estimator computes exp(-D / (2σ²)) with 1/(2σ²) in f32.
                if !(noise_std > 0.0 && ((0.5 / (noise_std * noise_std)) as f32).is_finite()) {
                    return Err(ParamError::new(
                        "noise_std",
                        format!(
                            "noisy-sp needs noise_std > 0 (at least about 4e-20), not {noise_std}"
                        ),
                    ));
                }
                Estimator::NoisyGaussian {
                    noise_std,
                    mc_samples: p.int("mc_samples") as usize,
                    cond_samples: p.int("cond_samples") as usize,
                    seed,
                }
            }
        };
        let optimizer = match p.choice::<OptimizerChoice>("optimizer") {
            OptimizerChoice::Adam => OptimizerKind::Adam {
                beta1: p.float("beta1") as f32,
                beta2: p.float("beta2") as f32,
                eps: p.float("eps") as f32,
            },
            OptimizerChoice::Sgd => OptimizerKind::Sgd,
        };
        let schedule = match p.choice::<ScheduleChoice>("log_schedule") {
            ScheduleChoice::Idnns => Schedule::Idnns {
                samples: p.int("log_samples") as usize,
            },
            ScheduleChoice::Ibsgd => Schedule::Ibsgd,
            ScheduleChoice::Every => Schedule::Every {
                k: p.int("log_every") as usize,
            },
        };
        Ok(Config {
            data: p.choice("dataset"),
            split: p.choice("split"),
            train_pct: p.float("train_pct"),
            hidden: p.widths("hidden").to_vec(),
            activation: p.choice("activation"),
            output: p.choice("output"),
            init: p.choice("init"),
            noise_std,
            optimizer,
            lr: p.float("lr") as f32,
            batch_size: p.batch("batch_size"),
            epochs: p.int("epochs") as usize,
            batch_order: p.choice("batch_order"),
            seed,
            schedule,
            act_time: p.choice("act_time"),
            grad_time: p.choice("grad_time"),
            estimator,
            mi_rows: p.choice("mi_rows"),
            clustering: p.choice::<ClusteringChoice>("clustering") == ClusteringChoice::On,
        })
    }

    /// The same configuration with another seed (for run sets): the
    /// estimators that draw noise (k-NN, noisy-sp) take it too, so seed k of
    /// a run set equals a run of that seed alone.
    pub fn with_seed(&self, seed: u64) -> Config {
        let mut estimator = self.estimator;
        match &mut estimator {
            Estimator::Knn { seed: s, .. } | Estimator::NoisyGaussian { seed: s, .. } => *s = seed,
            Estimator::IdnnsBinning { .. }
            | Estimator::UniformBinning { .. }
            | Estimator::AdaptiveBinning { .. }
            | Estimator::KdeUpper { .. }
            | Estimator::KdeLower { .. }
            | Estimator::ExactBinning
            | Estimator::NetInputBinning { .. } => {}
        }
        Config {
            seed,
            estimator,
            ..self.clone()
        }
    }

    /// The rows this configuration trains on, chosen here for every front
    /// end: var_u (built in code); an image set's rows, `provided` (the web
    /// page fetches its file, see [`DataChoice::image_set`]) or else
    /// compiled into this build; for `dataset=custom`, `provided` (the
    /// reader's own file, already read).
    pub fn dataset(&self, provided: Option<Arc<Dataset>>) -> Result<Arc<Dataset>, ParamError> {
        let missing = |what: &str| ParamError::new("dataset", what);
        match self.data {
            DataChoice::VarU => Ok(Arc::new(data::var_u())),
            DataChoice::Digits | DataChoice::Mnist5k => {
                let set = self.data.image_set().expect("an image set");
                provided
                    .or_else(|| set.load_embedded().map(Arc::new))
                    .ok_or_else(|| missing(&format!("{}: its file {} was not loaded", set.name, set.file)))
            }
            DataChoice::Custom => provided.ok_or_else(|| {
                missing("custom needs your own data file (the lab's Data section, or the CLI's --data FILE)")
            }),
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
        let quadratic = match self.estimator {
            Estimator::KdeUpper { .. } | Estimator::KdeLower { .. } => Some("KDE"),
            Estimator::Knn { .. } => Some("k-NN"),
            Estimator::NoisyGaussian { .. } => Some("noisy-sp"),
            Estimator::IdnnsBinning { .. }
            | Estimator::UniformBinning { .. }
            | Estimator::AdaptiveBinning { .. }
            | Estimator::ExactBinning
            | Estimator::NetInputBinning { .. } => None,
        };
        if let Some(what) = quadratic.filter(|_| mi.len() > KDE_MAX_ROWS) {
            return Err(ParamError::new(
                "estimator",
                format!("{what} costs O(N²): {} rows exceed its limit of {KDE_MAX_ROWS}; use mi_rows=test or binning", mi.len()),
            ));
        }
        if let Estimator::Knn { k, .. } = self.estimator {
            if k >= mi.len() {
                return Err(ParamError::new(
                    "knn_k",
                    format!(
                        "k = {k} must be below the {} rows the estimate uses",
                        mi.len()
                    ),
                ));
            }
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
        assert_eq!(c.init, Init::Idnns);
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

    fn cfg(pairs: &[&str]) -> Result<Config, ParamError> {
        let mut p = Params::default();
        for pair in pairs {
            p.set_pair(pair).unwrap();
        }
        Config::from_params(&p)
    }

    #[test]
    fn new_estimators_take_their_rows() {
        assert_eq!(
            cfg(&["estimator=exact-binning"]).unwrap().estimator,
            Estimator::ExactBinning
        );
        // net-input-binning reuses `edges` for N (default 30) with its limit 50.
        assert_eq!(
            cfg(&["estimator=net-input-binning"]).unwrap().estimator,
            Estimator::NetInputBinning {
                n_edges: 30,
                limit: 50.0
            }
        );
        assert_eq!(
            cfg(&[
                "estimator=net-input-binning",
                "edges=200",
                "netinput_limit=10"
            ])
            .unwrap()
            .estimator,
            Estimator::NetInputBinning {
                n_edges: 200,
                limit: 10.0
            }
        );
        // knn: k 3, noise 1e-3, seeded by the run's seed.
        assert_eq!(
            cfg(&["estimator=knn", "seed=7"]).unwrap().estimator,
            Estimator::Knn {
                k: 3,
                noise_std: 1e-3,
                seed: 7
            }
        );
        let c = cfg(&[
            "estimator=noisy-sp",
            "noise_std=0.2",
            "mc_samples=4",
            "cond_samples=3",
            "seed=5",
        ])
        .unwrap();
        assert_eq!(
            c.estimator,
            Estimator::NoisyGaussian {
                noise_std: 0.2,
                mc_samples: 4,
                cond_samples: 3,
                seed: 5
            }
        );
        assert_eq!(c.noise_std, 0.2);
        // Seed k of a run set moves the estimator's seed with it.
        assert_eq!(
            c.with_seed(9).estimator,
            Estimator::NoisyGaussian {
                noise_std: 0.2,
                mc_samples: 4,
                cond_samples: 3,
                seed: 9
            }
        );
        assert_eq!(cfg(&[]).unwrap().noise_std, 0.0);
    }

    #[test]
    fn noise_and_row_limits_are_named() {
        let e = cfg(&["estimator=noisy-sp"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "noise_std: noisy-sp needs noise_std > 0 (at least about 4e-20), not 0"
        );
        // 0.5 / (1e-20)² = 5e39 overflows f32 (max 3.4e38).
        assert_eq!(
            cfg(&["estimator=noisy-sp", "noise_std=1e-20"])
                .unwrap_err()
                .param,
            "noise_std"
        );
        assert!(cfg(&["estimator=noisy-sp", "noise_std=1e-19"]).is_ok());
        // A noisy network with another estimator: valid, the network is
        // noisy and binning measures its layers' S_l.
        let c = cfg(&["noise_std=0.1"]).unwrap();
        assert_eq!(c.noise_std, 0.1);
        assert!(matches!(c.estimator, Estimator::IdnnsBinning { .. }));
        // knn's k must be below the MI rows (819 test rows of var_u).
        let c = cfg(&["estimator=knn", "knn_k=819", "mi_rows=test"]).unwrap();
        let e = c.check_data(&data::var_u()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "knn_k: k = 819 must be below the 819 rows the estimate uses"
        );
        let c = cfg(&["estimator=knn", "knn_k=818", "mi_rows=test"]).unwrap();
        assert!(c.check_data(&data::var_u()).is_ok());
        // The O(N²) row limit holds for k-NN and noisy-sp as for KDE.
        let n = KDE_MAX_ROWS + 1;
        let big = Dataset::new(
            "big",
            1,
            vec![0.0; n],
            (0..n as u32).map(|i| i % 2).collect(),
            vec!["0".into(), "1".into()],
        )
        .unwrap();
        for (pairs, what) in [
            (&["estimator=kde-upper"][..], "KDE"),
            (&["estimator=knn"], "k-NN"),
            (&["estimator=noisy-sp", "noise_std=0.1"], "noisy-sp"),
        ] {
            let e = cfg(pairs).unwrap().check_data(&big).unwrap_err();
            assert_eq!(e.param, "estimator");
            assert!(
                e.message
                    .starts_with(&format!("{what} costs O(N²): 20001 rows")),
                "{e}"
            );
        }
        assert!(cfg(&["estimator=exact-binning"])
            .unwrap()
            .check_data(&big)
            .is_ok());
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
