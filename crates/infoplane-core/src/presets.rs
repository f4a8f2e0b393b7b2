//! Presets: partial assignments over the parameter table, each naming its
//! source.

/// A named experiment from the literature.
#[derive(Debug, PartialEq)]
pub struct Preset {
    /// Name in URLs and on the CLI.
    pub name: &'static str,
    /// One line: what it is and where the settings come from (empty
    /// without the `text` feature).
    pub description: &'static str,
    /// Another preset this one starts from, if any.
    pub base: Option<&'static str>,
    /// Parameters that differ from the base (or the table's defaults),
    /// including `seeds` where the source ran several and view parameters
    /// where the source drew its figures differently.
    pub assignments: &'static [(&'static str, &'static str)],
}

/// Every preset, in the order the letter meets them.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "idnns-default",
        description: text!("What the letter ran: IDNNs main.py defaults at c4abb1d (12-10-7-5-4-3-2 tanh, Adam 4e-4, batch 512, 8000 epochs, 30 bin edges)"),
        base: None,
        assignments: &[],
    },
    Preset {
        name: "idnns-relu",
        description: text!("IDNNs main.py with -activation_function 1 (ReLU), the letter's ReLU runs; binned on IDNNs' [-1, 1] edges"),
        base: None,
        assignments: &[("activation", "relu")],
    },
    Preset {
        name: "caption-12-10-8-6-4-2-1",
        description: text!("SZT Fig. 3 caption's architecture 12-10-8-6-4-2-1: a single sigmoid output unit, otherwise IDNNs defaults"),
        base: None,
        assignments: &[("hidden", "10,8,6,4,2"), ("output", "sigmoid")],
    },
    Preset {
        name: "saxe-tanh",
        description: text!("Saxe et al. (2018) Fig. 1A with ibsgd's settings: tanh, ibsgd's init, Adam 4e-4 with ε 1e-7 (tf.keras's default: the notebook's learning_rate= argument is tf.keras's), batch 256, shuffled 80/20, 10000 epochs, gradients as loggingreporter.py takes them, bins of 0.07"),
        base: None,
        assignments: &[
            ("split", "shuffled"),
            ("init", "ibsgd"),
            ("eps", "1e-7"),
            ("batch_size", "256"),
            ("epochs", "10000"),
            ("batch_order", "reshuffle"),
            ("log_schedule", "ibsgd"),
            ("act_time", "end"),
            ("grad_time", "ibsgd"),
            ("estimator", "uniform-binning"),
            ("bin_size", "0.07"),
            ("noise_var", "0.001"),
            ("grad_def", "saxe"),
        ],
    },
    Preset {
        name: "saxe-relu",
        description: text!("Saxe et al. (2018) Fig. 1B: saxe-tanh with ReLU, 100 bins between the run's min and max activity"),
        base: Some("saxe-tanh"),
        assignments: &[("activation", "relu"), ("bins", "100"), ("range", "run"), ("bin_size", "0")],
    },
    Preset {
        name: "szt-2017-stored-run",
        description: text!("The run SZT stored in IDNNs' jobs/ (FACTS.md §5): 10-7-5-4-4-3 tanh, Adam 2e-4 full batch on 4095 shuffled rows, 10000 epochs, S=1800, 50 edges, 20 seeds"),
        base: None,
        assignments: &[
            ("split", "shuffled"),
            ("train_pct", "99.98"),
            ("hidden", "10,7,5,4,4,3"),
            ("lr", "0.0002"),
            ("batch_size", "full"),
            ("epochs", "10000"),
            ("log_samples", "1800"),
            ("edges", "50"),
            ("seeds", "20"),
        ],
    },
    Preset {
        name: "letter-mnist-relu",
        description: text!("The letter's first experiment, \"a simple ReLU network with two hidden layers, on MNIST\" (no widths given): 784-100-100-10, the textbook two-layer size that trains to 100 % on 4000 images in about 100 epochs and runs in a browser in about a minute; Adam 1e-3, batch 128, shuffled 80/20 of mnist5k; every epoch logged, gradients per layer as the step used them"),
        base: None,
        assignments: &[
            ("dataset", "mnist5k"),
            ("split", "shuffled"),
            ("hidden", "100,100"),
            ("activation", "relu"),
            ("lr", "0.001"),
            ("batch_size", "128"),
            ("epochs", "100"),
            ("batch_order", "reshuffle"),
            ("log_schedule", "every"),
            ("grad_time", "before"),
            ("estimator", "uniform-binning"),
            ("range", "layer"),
            ("grad_def", "per-layer"),
        ],
    },
    Preset {
        name: "digits-relu",
        description: text!("A 2-hidden-layer ReLU network (32-16) on the UCI digits set, as the letter tried on MNIST; per-layer uniform bins"),
        base: None,
        assignments: &[
            ("dataset", "digits"),
            ("split", "shuffled"),
            ("hidden", "32,16"),
            ("activation", "relu"),
            ("lr", "0.001"),
            ("batch_size", "128"),
            ("epochs", "1000"),
            ("batch_order", "reshuffle"),
            ("log_samples", "200"),
            ("estimator", "uniform-binning"),
            ("range", "layer"),
            ("grad_def", "per-layer"),
        ],
    },
    Preset {
        name: "goldfeld-noisy-tanh",
        description: text!("Goldfeld et al. (ICML 2019), noisy version of SZT's var_u network: 12-10-7-5-4-3-2 tanh with N(0, 0.005²) noise on each hidden layer's output in training and at probes, I(X;T) = h(T) − h(T|X) by their sample-propagation estimator (noisy-sp, all 4096 rows, 2 Monte Carlo samples per mixture component; h(T_l|X = x) from K = 16 further noisy passes of each row, as they sample it), 40 logged epochs, each recording every layer's class clustering (within/between-class distances and cosines), the measure they relate compression to. Follows the paper: the network, the noise after each hidden activation, β = 0.005 for tanh (as this author recalls the paper; its text was not reachable here to check), the estimator and its conditional sampling. Does not: optimizer, batch, learning rate and 8000 epochs are IDNNs' defaults, not the paper's; the sample sizes (K = 16, m = 2) are chosen for speed, not taken from the paper: a finite K leaves I(X;T_l) an upper estimate for l ≥ 2 (seed 0, layer 2 at the last epoch: 12.0 bits with K = 1, 10.1 with 8, 9.7 with 16, 9.4 with 32; K = 16 costs about a third more time than K = 1; see the estimator's notes)"),
        base: None,
        assignments: &[
            ("noise_std", "0.005"),
            ("estimator", "noisy-sp"),
            ("mc_samples", "2"),
            ("cond_samples", "16"),
            ("log_samples", "40"),
            ("clustering", "on"),
        ],
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// All preset names.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::params::Params;

    #[test]
    fn presets_resolve_to_their_sources_settings() {
        use crate::config::{ActTime, BatchOrder, GradTime, SplitKind};
        use crate::estimators::{BinSpec, Estimator, RangeScope};
        use crate::network::{Activation, Init, Output};
        use crate::optim::OptimizerKind;
        let cfg = |n: &str| Config::from_params(&Params::from_preset(find(n).unwrap())).unwrap();
        // Saxe's ReLU: ibsgd's schedule and probes, 100 bins over the run's range.
        let c = cfg("saxe-relu");
        assert_eq!(
            (c.activation, c.split, c.batch_size, c.epochs),
            (Activation::Relu, SplitKind::Shuffled, Some(256), 10000)
        );
        assert_eq!(
            (c.batch_order, c.act_time, c.grad_time),
            (BatchOrder::Reshuffle, ActTime::End, GradTime::Ibsgd)
        );
        // FACTS.md §6: IBnet_SaveActivations.ipynb's init (hidden std
        // 1/√(own width), glorot_uniform softmax) and tf.keras Adam
        // (lr 0.0004, β 0.9/0.999, ε 1e-7).
        assert_eq!(c.init, Init::Ibsgd);
        assert_eq!(c.lr, 0.0004);
        assert_eq!(
            c.optimizer,
            OptimizerKind::Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-7
            }
        );
        assert_eq!(
            c.estimator,
            Estimator::UniformBinning {
                bins: BinSpec::Count(100),
                scope: RangeScope::Run
            }
        );
        assert_eq!(
            cfg("saxe-tanh").estimator,
            Estimator::UniformBinning {
                bins: BinSpec::Size(0.07),
                scope: RangeScope::Fixed { lo: -1.0, hi: 1.0 }
            }
        );
        // SZT's stored run (FACTS.md §5): 964 logged epochs, 50 edges, full batch on 4095 rows, 7 layers, 20 seeds.
        let c = cfg("szt-2017-stored-run");
        assert_eq!(c.hidden, vec![10, 7, 5, 4, 4, 3]);
        assert_eq!((c.lr, c.batch_size, c.epochs), (0.0002, None, 10000));
        assert_eq!(c.schedule.epochs(c.epochs).len(), 964);
        assert_eq!(
            c.estimator,
            Estimator::IdnnsBinning {
                n_edges: 50,
                lo: -1.0,
                hi: 1.0
            }
        );
        assert_eq!(c.split_rows(4096).train.len(), 4095);
        assert_eq!(
            Params::from_preset(find("szt-2017-stored-run").unwrap()).seeds(),
            20
        );
        // The caption's architecture: one sigmoid output unit.
        let c = cfg("caption-12-10-8-6-4-2-1");
        assert_eq!(
            (c.hidden.as_slice(), c.output),
            (&[10, 8, 6, 4, 2][..], Output::Sigmoid)
        );
        assert_eq!(cfg("idnns-relu").activation, Activation::Relu);
        // The letter's MNIST run: two ReLU hidden layers on mnist5k (784
        // pixels, 10 classes), 80 % of 5000 rows = 4000 training rows in 32
        // batches of 128 (31 full, one of 32), every one of 100 epochs
        // logged, the gradient each step used.
        let c = cfg("letter-mnist-relu");
        assert_eq!(
            (c.data, c.hidden.as_slice(), c.activation, c.output),
            (
                crate::config::DataChoice::Mnist5k,
                &[100, 100][..],
                Activation::Relu,
                Output::Softmax
            )
        );
        assert_eq!((c.lr, c.batch_size, c.epochs), (0.001, Some(128), 100));
        assert_eq!(
            (c.split, c.batch_order, c.grad_time),
            (SplitKind::Shuffled, BatchOrder::Reshuffle, GradTime::Before)
        );
        assert_eq!(c.split_rows(5000).train.len(), 4000);
        assert_eq!(
            c.schedule.epochs(c.epochs),
            (0..100).collect::<Vec<usize>>()
        );
        // FACTS.md §2: IDNNs' defaults, stated independently of the table.
        let c = cfg("idnns-default");
        assert_eq!(
            (c.hidden.as_slice(), c.activation, c.output, c.init),
            (
                &[10, 7, 5, 4, 3][..],
                Activation::Tanh,
                Output::Softmax,
                Init::Idnns
            )
        );
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
            (c.split, c.batch_order, c.act_time, c.grad_time),
            (
                SplitKind::First,
                BatchOrder::Fixed,
                ActTime::Start,
                GradTime::After
            )
        );
        assert_eq!(c.schedule.epochs(c.epochs).len(), 274);
        assert_eq!(
            c.estimator,
            Estimator::IdnnsBinning {
                n_edges: 30,
                lo: -1.0,
                hi: 1.0
            }
        );
        assert_eq!(c, Config::from_params(&Params::default()).unwrap());
    }

    #[test]
    fn goldfeld_noisy_tanh_is_szts_network_with_noise() {
        use crate::estimators::Estimator;
        use crate::network::Activation;
        let c = Config::from_params(&Params::from_preset(find("goldfeld-noisy-tanh").unwrap()))
            .unwrap();
        assert_eq!(c.hidden, [10, 7, 5, 4, 3]);
        assert_eq!(c.activation, Activation::Tanh);
        assert_eq!(c.noise_std, 0.005);
        assert_eq!(
            c.estimator,
            Estimator::NoisyGaussian {
                noise_std: 0.005,
                mc_samples: 2,
                cond_samples: 16,
                seed: 0
            }
        );
        assert_eq!(c.mi_rows, crate::config::MiRows::Full);
        assert!(c.clustering);
    }

    #[test]
    fn every_preset_is_valid() {
        for p in PRESETS {
            let params = Params::from_preset(p);
            Config::from_params(&params).unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
    }
}
