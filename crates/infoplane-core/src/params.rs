//! The one table of parameters.
//!
//! Every parameter is declared once in [`PARAMS`] (name, group, type,
//! default, allowed range, one-line help): which preset and how many seeds
//! ([`Group::Run`]), the experiment itself, and how its figures are viewed
//! ([`Group::View`]). The same table parses and prints URL query strings
//! (defaults omitted), the CLI's `--set name=value`, the presets and the
//! app's form, and validates into a checked
//! [`Config`](crate::config::Config) (and [`View`](crate::view::View)) with
//! errors that name the parameter. Choices are the names of
//! [`choices!`](crate::choices) enums, so each name is written once.

use crate::config::{
    ActTime, BatchOrder, ClusteringChoice, DataChoice, EstimatorChoice, GradTime, MiRows,
    OptimizerChoice, RangeChoice, ScheduleChoice, SplitKind,
};
use crate::gradients::GradDefinition;
use crate::network::{Activation, Init, Output};
use crate::presets::{self, Preset};
use crate::sweep::Sweep;
use crate::view::{AxisLabels, EpochColours, PlaneStyle};
use std::fmt;

/// The section of the form a parameter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Which preset the parameters start from, and how many seeds run.
    Run,
    /// Data set and split.
    Data,
    /// Architecture.
    Network,
    /// Optimiser and schedule of updates.
    Training,
    /// Which epochs are probed, and when within the epoch.
    Logging,
    /// Mutual-information estimator.
    Estimator,
    /// How the figures are drawn (not part of the experiment: records and
    /// workers never see these).
    View,
}

impl Group {
    /// All groups in form order.
    pub const ALL: [Group; 7] = [
        Group::Run,
        Group::Data,
        Group::Network,
        Group::Training,
        Group::Logging,
        Group::Estimator,
        Group::View,
    ];

    /// The groups that define the experiment (what a record stores).
    pub fn is_experiment(self) -> bool {
        !matches!(self, Group::View)
    }

    /// Heading shown to users.
    pub fn title(self) -> &'static str {
        match self {
            Group::Run => "Run",
            Group::Data => "Data",
            Group::Network => "Network",
            Group::Training => "Training",
            Group::Logging => "Logging",
            Group::Estimator => "MI estimator",
            Group::View => "Figures",
        }
    }
}

/// The type and allowed range of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// One of a fixed list of names (a [`choices!`](crate::choices) enum's `NAMES`).
    Choice(&'static [&'static str]),
    /// The name of a preset, or empty for none.
    Preset,
    /// An integer in `[min, max]`.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A real number between `min` and `max`, each bound inclusive or not.
    Float {
        /// Lower bound.
        min: f64,
        /// Whether `min` itself is allowed.
        min_incl: bool,
        /// Upper bound.
        max: f64,
        /// Whether `max` itself is allowed.
        max_incl: bool,
    },
    /// A comma-separated list of layer widths (may be empty).
    Widths {
        /// Most layers.
        max_layers: usize,
        /// Widest layer.
        max_width: usize,
    },
    /// A batch size, or `full` for the whole training set.
    Batch {
        /// Largest numeric batch size.
        max: usize,
    },
    /// Empty, or a sweep `NAME:v1,v2,...` of another parameter (see
    /// [`Sweep`]).
    Sweep,
}

/// A parsed, canonical parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// One of [`Kind::Choice`]'s names.
    Choice(&'static str),
    /// A preset, or none.
    Preset(Option<&'static Preset>),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// Layer widths.
    Widths(Vec<usize>),
    /// A batch size; `None` = full batch.
    Batch(Option<usize>),
    /// A sweep, or none.
    Sweep(Option<Sweep>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Choice(s) => f.write_str(s),
            Value::Preset(p) => f.write_str(p.map_or("", |p| p.name)),
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write_float(f, *v),
            Value::Widths(ws) => {
                let parts: Vec<String> = ws.iter().map(|w| w.to_string()).collect();
                f.write_str(&parts.join(","))
            }
            Value::Batch(None) => f.write_str("full"),
            Value::Batch(Some(b)) => write!(f, "{b}"),
            Value::Sweep(None) => Ok(()),
            Value::Sweep(Some(sw)) => write!(f, "{sw}"),
        }
    }
}

/// Shortest text that parses back to the same f64; exponent form for very
/// small or large magnitudes so 1e-8 stays readable in a URL.
fn write_float(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        write!(f, "{v:e}")
    } else {
        write!(f, "{v}")
    }
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// Name in URLs, `--set` and JSON.
    pub name: &'static str,
    /// Short label for forms (empty without the `text` feature).
    pub label: &'static str,
    /// Form section.
    pub group: Group,
    /// Type and range.
    pub kind: Kind,
    /// Default value (the IDNNs default where IDNNs has one), as text.
    pub default: &'static str,
    /// One-line help (empty without the `text` feature).
    pub help: &'static str,
}

/// A parameter that could not be set, named for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter (or query key) at fault.
    pub param: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for ParamError {}

impl ParamError {
    /// An error about parameter `param`.
    pub fn new(param: &str, message: impl Into<String>) -> Self {
        ParamError {
            param: param.to_string(),
            message: message.into(),
        }
    }
}

/// Most seeds in a run set.
pub const MAX_SEEDS: usize = 64;

/// Every parameter: the run (preset, seeds), the experiment, and the view. Defaults are IDNNs' (`main.py` at commit
/// c4abb1d, FACTS.md §2–4) wherever IDNNs has the parameter.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "preset",
        label: text!("Preset"),
        group: Group::Run,
        kind: Kind::Preset,
        default: "",
        help: text!("A named experiment from the literature; every other parameter starts from its values (none: the table's defaults, IDNNs main.py at c4abb1d)"),
    },
    ParamSpec {
        name: "seeds",
        label: text!("Seeds"),
        group: Group::Run,
        kind: Kind::Int { min: 1, max: MAX_SEEDS as i64 },
        default: "1",
        help: text!("Runs seed, seed+1, …; one worker per seed, up to the number of cores, in parallel"),
    },
    ParamSpec {
        name: "sweep",
        label: text!("Sweep"),
        group: Group::Run,
        kind: Kind::Sweep,
        default: "",
        help: text!("NAME:v1,v2,… runs the experiment once per value of parameter NAME (any experiment parameter but preset, seeds and sweep; hidden widths joined by -, e.g. hidden:10-7-5,10-8-6), each with every seed; values are kept in canonical order (numbers ascending, choices in menu order); empty: no sweep"),
    },
    ParamSpec {
        name: "dataset",
        label: text!("Data set"),
        group: Group::Data,
        kind: Kind::Choice(DataChoice::NAMES),
        default: "var_u",
        help: text!("var_u: SZT's 4096 12-bit patterns; digits: UCI 8×8 digits (1797 rows, 10 classes); mnist5k: 5000 MNIST images (28×28, 500 per class); custom: your CSV or IDX file"),
    },
    ParamSpec {
        name: "split",
        label: text!("Train/test split"),
        group: Group::Data,
        kind: Kind::Choice(SplitKind::NAMES),
        default: "first",
        help: text!("first: IDNNs' unshuffled first p% of rows train (its >80% overlap quirk kept); shuffled: seeded shuffle, then first p% (ibsgd)"),
    },
    ParamSpec {
        name: "train_pct",
        label: text!("Training share (%)"),
        group: Group::Data,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 100.0, max_incl: true },
        default: "80",
        help: text!("Percentage of rows in the training set, rounded as np.rint(p·n/100)"),
    },
    ParamSpec {
        name: "hidden",
        label: text!("Hidden layer widths"),
        group: Group::Network,
        kind: Kind::Widths { max_layers: 12, max_width: 1024 },
        default: "10,7,5,4,3",
        help: text!("Comma-separated widths of the hidden layers (IDNNs 10,7,5,4,3; caption 10,8,6,4,2)"),
    },
    ParamSpec {
        name: "activation",
        label: text!("Hidden activation"),
        group: Group::Network,
        kind: Kind::Choice(Activation::NAMES),
        default: "tanh",
        help: text!("Nonlinearity of the hidden layers (IDNNs -activation_function 0 tanh, 1 ReLU, 2 linear)"),
    },
    ParamSpec {
        name: "output",
        label: text!("Output layer"),
        group: Group::Network,
        kind: Kind::Choice(Output::NAMES),
        default: "softmax",
        help: text!("softmax: one unit per class with cross-entropy (the code); sigmoid: a single unit with binary cross-entropy (the caption)"),
    },
    ParamSpec {
        name: "init",
        label: text!("Initialisation"),
        group: Group::Network,
        kind: Kind::Choice(Init::NAMES),
        default: "idnns",
        help: text!("idnns: truncated normal, std 1/√fan_in, every layer; ibsgd: hidden layers std 1/√(own width), output layer Keras's glorot_uniform; biases zero"),
    },
    ParamSpec {
        name: "noise_std",
        label: text!("Noise std (noisy network)"),
        group: Group::Network,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1e3, max_incl: true },
        default: "0",
        help: text!("Gaussian noise N(0, noise_std²) added to each hidden layer's output after its nonlinearity, in training and at probes (Goldfeld et al., ICML 2019: T = f(W T_prev + b) + Z; the output layer gets none); 0: none. The probe records each hidden layer's noiseless S = f(W T_prev + b), its input T_prev noisy; estimator=noisy-sp measures T = S + Z (and the output layer's probabilities plus the same noise); every other estimator measures S as it would a deterministic layer"),
    },
    ParamSpec {
        name: "optimizer",
        label: text!("Optimizer"),
        group: Group::Training,
        kind: Kind::Choice(OptimizerChoice::NAMES),
        default: "adam",
        help: text!("adam: TensorFlow's Adam (the code); sgd: plain gradient descent (the paper's text); with batch_size=full it is full-batch GD"),
    },
    ParamSpec {
        name: "lr",
        label: text!("Learning rate"),
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 10.0, max_incl: true },
        default: "0.0004",
        help: text!("Step size (IDNNs 0.0004)"),
    },
    ParamSpec {
        name: "beta1",
        label: text!("Adam β1"),
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1.0, max_incl: false },
        default: "0.9",
        help: text!("Adam's first-moment decay (TensorFlow default 0.9)"),
    },
    ParamSpec {
        name: "beta2",
        label: text!("Adam β2"),
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1.0, max_incl: false },
        default: "0.999",
        help: text!("Adam's second-moment decay (TensorFlow default 0.999)"),
    },
    ParamSpec {
        name: "eps",
        label: text!("Adam ε"),
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 1.0, max_incl: true },
        default: "1e-8",
        help: text!("Adam's epsilon, added to √v as TensorFlow does (default 1e-8)"),
    },
    ParamSpec {
        name: "batch_size",
        label: text!("Batch size"),
        group: Group::Training,
        kind: Kind::Batch { max: 1_000_000 },
        default: "512",
        help: text!("Rows per update, or full for one update per epoch on the whole training set (IDNNs 512: six batches of 512 and one of 205)"),
    },
    ParamSpec {
        name: "epochs",
        label: text!("Epochs"),
        group: Group::Training,
        kind: Kind::Int { min: 1, max: 1_000_000 },
        default: "8000",
        help: text!("Passes over the training set (IDNNs 8000)"),
    },
    ParamSpec {
        name: "batch_order",
        label: text!("Batch order"),
        group: Group::Training,
        kind: Kind::Choice(BatchOrder::NAMES),
        default: "fixed",
        help: text!("fixed: the same contiguous slices every epoch (IDNNs); reshuffle: a new seeded permutation each epoch (Keras/ibsgd)"),
    },
    ParamSpec {
        name: "seed",
        label: text!("Seed"),
        group: Group::Training,
        kind: Kind::Int { min: 0, max: 4_294_967_295 },
        default: "0",
        help: text!("Seeds every random stream of the run (init, split, batches, ibsgd's gradient rows); seed k of a run set uses seed + k"),
    },
    ParamSpec {
        name: "log_schedule",
        label: text!("Logged epochs"),
        group: Group::Logging,
        kind: Kind::Choice(ScheduleChoice::NAMES),
        default: "idnns",
        help: text!("idnns: unique(int(logspace(0, log2 E, S, base 2))) − 1; ibsgd: every epoch <20, every 5th <100, every 20th <2000, then every 100th; every: every k-th epoch"),
    },
    ParamSpec {
        name: "log_samples",
        label: text!("Log samples S"),
        group: Group::Logging,
        kind: Kind::Int { min: 2, max: 1_000_000 },
        default: "400",
        help: text!("S of the IDNNs rule (400 gives 274 logged epochs of 8000; SZT's stored run used 1800)"),
    },
    ParamSpec {
        name: "log_every",
        label: text!("Log every k"),
        group: Group::Logging,
        kind: Kind::Int { min: 1, max: 1_000_000 },
        default: "1",
        help: text!("k for log_schedule=every (epochs 0, k, 2k, … and the last)"),
    },
    ParamSpec {
        name: "act_time",
        label: text!("Activations probed at"),
        group: Group::Logging,
        kind: Kind::Choice(ActTime::NAMES),
        default: "start",
        help: text!("start: before the logged epoch's updates (IDNNs); end: after them (ibsgd)"),
    },
    ParamSpec {
        name: "grad_time",
        label: text!("Batch gradients taken"),
        group: Group::Logging,
        kind: Kind::Choice(GradTime::NAMES),
        default: "after",
        help: text!("after: on each batch's rows after its step (IDNNs); before: the gradient the step itself used; ibsgd: before each step, on the next batch of ibsgd's own per-epoch permutation of the training rows"),
    },
    ParamSpec {
        name: "estimator",
        label: text!("Estimator"),
        group: Group::Estimator,
        kind: Kind::Choice(EstimatorChoice::NAMES),
        default: "idnns-binning",
        help: text!("idnns-binning: IDNNs-exact; uniform-binning: bins by count or size over a range scope; adaptive-binning: equal-mass bins (Chelombiev); kde-upper/kde-lower: Kolchinsky & Tracey bounds (Saxe); exact-binning: every distinct activation vector its own bin (Saxe's machine-precision binning); net-input-binning: edges tanh(linspace(−L, L, edges)), uniform in net input (Saxe); knn: Kraskov (KSG) k-NN, its I(X;T) axis the entropy Ĥ(T) (Saxe's appendix); noisy-sp: Goldfeld et al.'s sample-propagation estimator for T + N(0, noise_std²)"),
    },
    ParamSpec {
        name: "clustering",
        label: text!("Record class clustering"),
        group: Group::Logging,
        kind: Kind::Choice(ClusteringChoice::NAMES),
        default: "off",
        help: text!("on: at each logged epoch also record each layer's class clustering on the MI rows, the geometry Goldfeld et al. (ICML 2019) relate compression to: mean Euclidean distance and mean cosine similarity within and between classes (O(N² d) per layer, like KDE); off: not computed"),
    },
    ParamSpec {
        name: "mi_rows",
        label: text!("MI computed on"),
        group: Group::Estimator,
        kind: Kind::Choice(MiRows::NAMES),
        default: "full",
        help: text!("Rows whose activations enter the estimate: all rows (both codes), the training rows or the test rows"),
    },
    ParamSpec {
        name: "edges",
        label: text!("IDNNs bin edges"),
        group: Group::Estimator,
        kind: Kind::Int { min: 2, max: 100_000 },
        default: "30",
        help: text!("idnns-binning: number of edges of linspace(bin_lo, bin_hi, edges) (IDNNs 30, i.e. 29 intervals; SZT's stored run 50); net-input-binning: N of the edges tanh(linspace(−netinput_limit, netinput_limit, N)) (Saxe et al. 2018, who do not state N)"),
    },
    ParamSpec {
        name: "bin_lo",
        label: text!("Bin range low"),
        group: Group::Estimator,
        kind: Kind::Float { min: -1e6, min_incl: true, max: 1e6, max_incl: true },
        default: "-1",
        help: text!("Lower end of the IDNNs edges and of uniform bins with range=fixed"),
    },
    ParamSpec {
        name: "bin_hi",
        label: text!("Bin range high"),
        group: Group::Estimator,
        kind: Kind::Float { min: -1e6, min_incl: true, max: 1e6, max_incl: true },
        default: "1",
        help: text!("Upper end of the IDNNs edges and of uniform bins with range=fixed"),
    },
    ParamSpec {
        name: "bins",
        label: text!("Bins"),
        group: Group::Estimator,
        kind: Kind::Int { min: 1, max: 100_000 },
        default: "30",
        help: text!("uniform-binning and adaptive-binning: number of bins (Saxe's ReLU: 100)"),
    },
    ParamSpec {
        name: "bin_size",
        label: text!("Bin size"),
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1e6, max_incl: true },
        default: "0",
        help: text!("uniform-binning: if > 0, bins of this width, T = floor(h / size) (ibsgd 0.07 for var_u), instead of a bin count"),
    },
    ParamSpec {
        name: "range",
        label: text!("Bin range scope"),
        group: Group::Estimator,
        kind: Kind::Choice(RangeChoice::NAMES),
        default: "fixed",
        help: text!("uniform-binning with a count: fixed [bin_lo, bin_hi]; min/max over all layers, per layer or per neuron at each epoch; or over the whole run (Saxe's ReLU)"),
    },
    ParamSpec {
        name: "noise_var",
        label: text!("KDE noise variance"),
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 1e3, max_incl: true },
        default: "0.1",
        help: text!("kde-upper/kde-lower: variance of the added Gaussian noise (Saxe's paper 0.1; ibsgd's var_u notebook 1e-3)"),
    },
    ParamSpec {
        name: "netinput_limit",
        label: text!("Net-input range ±L"),
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 1e6, max_incl: true },
        default: "50",
        help: text!("net-input-binning: the edges are tanh of edges equally spaced on [−L, L] of the net input (Saxe et al. 2018: tanh(linspace(−50, 50, N)), FACTS.md §6)"),
    },
    ParamSpec {
        name: "knn_k",
        label: text!("k-NN neighbour k"),
        group: Group::Estimator,
        kind: Kind::Int { min: 1, max: 1000 },
        default: "3",
        help: text!("knn: neighbour rank k (Kraskov, Stögbauer & Grassberger 2004 suggest 2–4; 3 is scikit-learn's default; Saxe et al.'s k is not recorded); below the MI rows. Its ixt is the differential entropy Ĥ(T) in bits, not I(X;T) (it can be negative), as Saxe et al.'s appendix plots; ity is I(T;Y) (Ross 2014)"),
    },
    ParamSpec {
        name: "knn_noise",
        label: text!("k-NN tie-breaking noise std"),
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1e3, max_incl: true },
        default: "0.001",
        help: text!("knn: standard deviation of Gaussian noise added to the activations to break the exact ties of saturated units (scikit-learn adds 1e-10-scale noise, which f32 cannot hold near ±1); seeded by the run's seed; 0: none (ties can give Ĥ = −∞)"),
    },
    ParamSpec {
        name: "mc_samples",
        label: text!("Noisy-SP Monte Carlo samples"),
        group: Group::Estimator,
        kind: Kind::Int { min: 1, max: 1 << 20 },
        default: "1",
        help: text!("noisy-sp: Monte Carlo samples per mixture component in Goldfeld et al.'s (ICML 2019) sample-propagation estimates of h(T) and h(T|X); seeded by the run's seed; more samples only lower the Monte Carlo error"),
    },
    ParamSpec {
        name: "cond_samples",
        label: text!("Noisy-SP samples per input for h(T|X)"),
        group: Group::Estimator,
        kind: Kind::Int { min: 1, max: 256 },
        default: "8",
        help: text!("noisy-sp in a noisy network (noise_std > 0): K noisy passes of each MI row per logged epoch, from which h(T_l|X = x) is estimated as Goldfeld et al. (ICML 2019) do, by the SP entropy of the mixture of the K samples of S_l given x with the noise; I(X;T_l) = h(T_l) − mean over x of h(T_l|X = x). 1: no extra passes, h(T_l|X) taken as h(Z) (exact for the first hidden layer, an upper estimate of I(X;T_l) deeper); larger K approaches the true h(T_l|X) from below (so I(X;T_l) from above) at a cost of K passes and n·K² Monte Carlo terms per layer"),
    },
    ParamSpec {
        name: "plane",
        label: text!("Plane style"),
        group: Group::View,
        kind: Kind::Choice(PlaneStyle::NAMES),
        default: "trajectories",
        help: text!("trajectories: each layer's path coloured by epoch; polylines: IDNNs' figure, one line through the layers per epoch"),
    },
    ParamSpec {
        name: "colors",
        label: text!("Epoch colours"),
        group: Group::View,
        kind: Kind::Choice(EpochColours::NAMES),
        default: "linear",
        help: text!("Colour scale of epochs: linear (as IDNNs) or logarithmic"),
    },
    ParamSpec {
        name: "labels",
        label: text!("Gradient y labels"),
        group: Group::View,
        kind: Kind::Choice(AxisLabels::NAMES),
        default: "true",
        help: text!("original reproduces IDNNs' hard-coded labels, each 10× too small (FACTS.md §4)"),
    },
    ParamSpec {
        name: "grad_def",
        label: text!("Gradient statistic"),
        group: Group::View,
        kind: Kind::Choice(GradDefinition::NAMES),
        default: "idnns",
        help: text!("idnns: cumulative over layers as plot_gradients.py codes it; per-layer: the same per layer; normalised: idnns with each layer divided by ‖W_l‖ (the caption); saxe: m_l, s_l, m_l/s_l"),
    },
];

/// The row of `name`, if it exists.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.name == name)
}

pub(crate) fn index_of(name: &str) -> Option<usize> {
    PARAMS.iter().position(|p| p.name == name)
}

impl ParamSpec {
    /// Parses text into this parameter's canonical value.
    pub fn parse(&self, raw: &str) -> Result<Value, ParamError> {
        let raw = raw.trim();
        let err = |m: String| ParamError::new(self.name, m);
        match self.kind {
            Kind::Choice(names) => names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(raw))
                .map(|n| Value::Choice(n))
                .ok_or_else(|| err(format!("\"{raw}\" is not one of {}", names.join(", ")))),
            Kind::Preset => {
                if raw.is_empty() || raw.eq_ignore_ascii_case("none") {
                    return Ok(Value::Preset(None));
                }
                presets::PRESETS
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(raw))
                    .map(|p| Value::Preset(Some(p)))
                    .ok_or_else(|| {
                        err(format!(
                            "\"{raw}\" is not one of {}",
                            presets::names().join(", ")
                        ))
                    })
            }
            Kind::Int { min, max } => {
                let v: i64 = raw.parse().map_err(|_| {
                    err(format!(
                        "\"{raw}\" is not a whole number ({})",
                        self.range_text()
                    ))
                })?;
                if v < min || v > max {
                    return Err(err(format!("{v} is out of range ({})", self.range_text())));
                }
                Ok(Value::Int(v))
            }
            Kind::Float {
                min,
                min_incl,
                max,
                max_incl,
            } => {
                let v: f64 = raw.parse().map_err(|_| {
                    err(format!("\"{raw}\" is not a number ({})", self.range_text()))
                })?;
                let lo_ok = if min_incl { v >= min } else { v > min };
                let hi_ok = if max_incl { v <= max } else { v < max };
                if !v.is_finite() || !lo_ok || !hi_ok {
                    return Err(err(format!(
                        "{raw} is out of range ({})",
                        self.range_text()
                    )));
                }
                Ok(Value::Float(v))
            }
            Kind::Widths {
                max_layers,
                max_width,
            } => {
                if raw.is_empty() {
                    return Ok(Value::Widths(Vec::new()));
                }
                let mut ws = Vec::new();
                for part in raw.split([',', '-', ' ']).filter(|p| !p.is_empty()) {
                    let w: usize = part
                        .parse()
                        .ok()
                        .filter(|&w| (1..=max_width).contains(&w))
                        .ok_or_else(|| {
                            err(format!("\"{part}\" is not a width from 1 to {max_width}"))
                        })?;
                    ws.push(w);
                    if ws.len() > max_layers {
                        return Err(err(format!("more than {max_layers} hidden layers")));
                    }
                }
                Ok(Value::Widths(ws))
            }
            Kind::Sweep => Sweep::parse(raw).map(Value::Sweep),
            Kind::Batch { max } => {
                if raw.eq_ignore_ascii_case("full") {
                    return Ok(Value::Batch(None));
                }
                raw.parse::<usize>()
                    .ok()
                    .filter(|&b| (1..=max).contains(&b))
                    .map(|b| Value::Batch(Some(b)))
                    .ok_or_else(|| {
                        err(format!(
                            "\"{raw}\" is not full or a whole number from 1 to {max}"
                        ))
                    })
            }
        }
    }

    /// The default value, parsed.
    pub fn default_value(&self) -> Value {
        self.parse(self.default)
            .unwrap_or_else(|_| unreachable!("table defaults are valid"))
    }

    /// The values a menu offers (choices and presets; empty for free text).
    pub fn options(&self) -> Vec<&'static str> {
        match self.kind {
            Kind::Choice(names) => names.to_vec(),
            Kind::Preset => presets::names(),
            _ => Vec::new(),
        }
    }

    /// The allowed values in words, for help and error messages.
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Choice(names) => format!("one of {}", names.join(", ")),
            Kind::Preset => format!("none or one of {}", presets::names().join(", ")),
            Kind::Int { min, max } => format!("{min} to {max}"),
            Kind::Float {
                min,
                min_incl,
                max,
                max_incl,
            } => {
                let (a, b) = (Value::Float(min), Value::Float(max));
                format!(
                    "{a} {} value {} {b}",
                    if min_incl { "≤" } else { "<" },
                    if max_incl { "≤" } else { "<" }
                )
            }
            Kind::Widths {
                max_layers,
                max_width,
            } => {
                format!("up to {max_layers} comma-separated widths from 1 to {max_width}")
            }
            Kind::Batch { max } => format!("full, or 1 to {max}"),
            Kind::Sweep => format!(
                "empty, or NAME:v1,v2,… with up to {} values",
                crate::sweep::MAX_SWEEP_VALUES
            ),
        }
    }
}

/// A full assignment of every parameter in the table: the preset (if any)
/// and every value, the preset's where it sets one, the table's default
/// elsewhere, then the reader's overrides.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    values: Vec<Value>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            values: PARAMS.iter().map(ParamSpec::default_value).collect(),
        }
    }
}

/// The outcome of reading a query string leniently.
#[derive(Clone, Debug)]
pub struct QueryParse {
    /// The parameters, with the preset's or the default value where a
    /// field was malformed.
    pub params: Params,
    /// Keys the caller declared as its own (e.g. `autorun`, `embed`), in order.
    pub extras: Vec<(String, String)>,
    /// One entry per unknown or malformed key.
    pub errors: Vec<ParamError>,
}

impl Params {
    /// The defaults with `preset`'s base and assignments applied (the
    /// `preset` parameter names it).
    pub fn from_preset(preset: &'static Preset) -> Self {
        let mut p = preset
            .base
            .and_then(presets::find)
            .map(Params::from_preset)
            .unwrap_or_default();
        for (k, v) in preset.assignments {
            if p.set(k, v).is_err() {
                unreachable!("preset assignments are valid");
            }
        }
        p.values[index_of("preset").expect("preset row")] = Value::Preset(Some(preset));
        p
    }

    /// The values parameters start from: the preset's, or the defaults.
    pub fn base(&self) -> Params {
        self.preset().map(Params::from_preset).unwrap_or_default()
    }

    /// Sets `name` from text; unknown names and bad values are errors.
    /// Setting `preset` starts every parameter afresh from that preset.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), ParamError> {
        let i = index_of(name).ok_or_else(|| unknown(name))?;
        let v = PARAMS[i].parse(raw)?;
        if let Value::Preset(p) = v {
            *self = p.map(Params::from_preset).unwrap_or_default();
        } else {
            self.values[i] = v;
        }
        Ok(())
    }

    /// Parses `name=value` (the CLI's `--set`).
    pub fn set_pair(&mut self, pair: &str) -> Result<(), ParamError> {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| ParamError::new(pair, "expected name=value"))?;
        self.set(k.trim(), v)
    }

    /// The value of `name`. Panics on a name not in the table (a programming error).
    pub fn get(&self, name: &str) -> &Value {
        &self.values[index_of(name).unwrap_or_else(|| panic!("no parameter {name}"))]
    }

    /// Text of the value of `name`.
    pub fn text(&self, name: &str) -> String {
        self.get(name).to_string()
    }

    /// The preset the parameters start from.
    pub fn preset(&self) -> Option<&'static Preset> {
        match self.get("preset") {
            Value::Preset(p) => *p,
            _ => unreachable!("preset is a preset"),
        }
    }

    /// Number of seeds.
    pub fn seeds(&self) -> usize {
        self.int("seeds") as usize
    }

    /// The seeds of the run set: `seed`, `seed + 1`, … (`seeds` of them).
    pub fn seed_list(&self) -> Vec<u64> {
        let first = self.int("seed") as u64;
        (0..self.seeds() as u64).map(|k| first + k).collect()
    }

    /// The sweep, if one is set.
    pub fn sweep(&self) -> Option<&Sweep> {
        match self.get("sweep") {
            Value::Sweep(s) => s.as_ref(),
            _ => unreachable!("sweep is a sweep"),
        }
    }

    /// The points of the sweep, one per value in the sweep's order: these
    /// parameters with the swept parameter set to that value and no sweep
    /// (each a plain run of every seed). Empty when there is no sweep.
    pub fn sweep_points(&self) -> Vec<Params> {
        let Some(sw) = self.sweep() else {
            return Vec::new();
        };
        let at = index_of(sw.param).expect("a sweep names a parameter of the table");
        let at_sweep = index_of("sweep").expect("sweep row");
        sw.values
            .iter()
            .map(|v| {
                let mut p = self.clone();
                p.values[at] = v.clone();
                p.values[at_sweep] = Value::Sweep(None);
                p
            })
            .collect()
    }

    /// The choice `name` as its enum. Panics if `T` is not the row's enum
    /// (a programming error; a test builds every choice of every row).
    pub fn choice<T: crate::choice::Choice>(&self, name: &str) -> T {
        match self.get(name) {
            Value::Choice(c) => T::from_name(c).unwrap_or_else(|| {
                panic!("{name}: \"{c}\" is not a {}", std::any::type_name::<T>())
            }),
            _ => unreachable!("{name} is a choice"),
        }
    }

    /// The integer `name`.
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            Value::Int(v) => *v,
            _ => unreachable!("{name} is an integer"),
        }
    }

    /// The number `name`.
    pub fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Value::Float(v) => *v,
            _ => unreachable!("{name} is a number"),
        }
    }

    /// The widths `name`.
    pub fn widths(&self, name: &str) -> &[usize] {
        match self.get(name) {
            Value::Widths(w) => w,
            _ => unreachable!("{name} is a list of widths"),
        }
    }

    /// The batch size `name` (`None` = full batch).
    pub fn batch(&self, name: &str) -> Option<usize> {
        match self.get(name) {
            Value::Batch(b) => *b,
            _ => unreachable!("{name} is a batch size"),
        }
    }

    /// `(spec, value)` for every parameter, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static ParamSpec, &Value)> {
        PARAMS.iter().zip(&self.values)
    }

    /// Parameters that differ from `base`, in table order (never `preset`).
    pub fn diff(&self, base: &Params) -> Vec<(&'static str, String)> {
        self.iter()
            .zip(&base.values)
            .filter(|((s, v), b)| s.kind != Kind::Preset && v != b)
            .map(|((s, v), _)| (s.name, v.to_string()))
            .collect()
    }

    /// The same experiment with every view parameter at its base value.
    pub fn without_view(&self) -> Params {
        let base = self.base();
        Params {
            values: self
                .iter()
                .zip(&base.values)
                .map(|((s, v), b)| {
                    if s.group.is_experiment() {
                        v.clone()
                    } else {
                        b.clone()
                    }
                })
                .collect(),
        }
    }

    /// The query string naming these parameters: `preset=…`, then each
    /// parameter that differs from the preset (or the defaults), in table
    /// order. Defaults are omitted, so the default state is the empty
    /// string.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.preset() {
            parts.push(format!("preset={}", p.name));
        }
        for (k, v) in self.diff(&self.base()) {
            parts.push(format!("{k}={}", percent_encode(&v)));
        }
        parts.join("&")
    }

    /// [`Params::to_query`] without the view parameters: what names the
    /// experiment itself (records, workers).
    pub fn experiment_query(&self) -> String {
        self.without_view().to_query()
    }

    /// The experiment's parameters as a JSON object of canonical texts (for
    /// records; the view parameters are left out).
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.iter()
            .filter(|(s, _)| s.group.is_experiment())
            .map(|(s, v)| (s.name.to_string(), serde_json::Value::String(v.to_string())))
            .collect()
    }

    /// Reads a query string (with or without the leading `?`). Never fails:
    /// each unknown or malformed key becomes an error naming it, and that
    /// field keeps its preset or default value. The preset applies first,
    /// wherever it appears. `extra_keys` are the caller's own keys,
    /// returned untouched.
    pub fn from_query(query: &str, extra_keys: &[&str]) -> QueryParse {
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (percent_decode(k), percent_decode(v)),
                None => (percent_decode(p), String::new()),
            })
            .collect();
        let mut errors = Vec::new();
        let mut params = Params::default();
        if let Some((_, name)) = pairs.iter().rev().find(|(k, _)| k == "preset") {
            if let Err(e) = params.set("preset", name) {
                errors.push(e);
            }
        }
        let mut extras = Vec::new();
        for (k, v) in pairs {
            if k == "preset" {
                continue;
            } else if extra_keys.contains(&k.as_str()) {
                extras.push((k, v));
            } else if let Err(e) = params.set(&k, &v) {
                errors.push(e);
            }
        }
        QueryParse {
            params,
            extras,
            errors,
        }
    }
}

pub(crate) fn unknown(name: &str) -> ParamError {
    // Suggest the closest name, since typos are the usual cause.
    let best = PARAMS
        .iter()
        .map(|p| (edit_distance(name, p.name), p.name))
        .min()
        .filter(|(d, _)| *d <= 2)
        .map(|(_, n)| format!(" (did you mean {n}?)"))
        .unwrap_or_default();
    ParamError::new(name, format!("unknown parameter{best}"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Decodes `%XX` escapes and `+` (as space) of a query component.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a query component, leaving the characters URLs allow unescaped
/// (letters, digits, `-._~,:`), so `hidden=10,7,5,4,3` and
/// `sweep=bins:10,30` stay readable.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~,:".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::view::View;

    #[test]
    fn every_default_parses_and_names_are_unique() {
        let p = Params::default();
        assert_eq!(p.text("hidden"), "10,7,5,4,3");
        assert_eq!(p.text("eps"), "1e-8");
        assert_eq!(p.text("lr"), "0.0004");
        assert_eq!((p.preset(), p.seeds()), (None, 1));
        let mut names: Vec<_> = PARAMS.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PARAMS.len());
    }

    /// Every choice of every row converts to its enum: a row whose names
    /// are not its enum's, or an enum variant `Config`/`View` do not map,
    /// fails here.
    #[test]
    fn every_choice_of_every_row_builds_a_config_and_view() {
        for spec in PARAMS {
            for name in spec.options() {
                let mut p = Params::default();
                p.set(spec.name, name).unwrap();
                // Cross-field rules may refuse a value (e.g. bin ranges);
                // they must refuse it with an error, not a panic.
                let _ = Config::from_params(&p);
                let _ = View::from_params(&p);
            }
        }
    }

    #[test]
    fn defaults_are_omitted_from_the_query() {
        assert_eq!(Params::default().to_query(), "");
        let mut e = Params::default();
        e.set("activation", "relu").unwrap();
        e.set("hidden", "10, 8,6").unwrap();
        e.set("seeds", "4").unwrap();
        e.set("plane", "polylines").unwrap();
        assert_eq!(
            e.to_query(),
            "seeds=4&hidden=10,8,6&activation=relu&plane=polylines"
        );
        assert_eq!(
            e.experiment_query(),
            "seeds=4&hidden=10,8,6&activation=relu"
        );
        assert!(!e.to_json().contains_key("plane"));
        assert_eq!(e.seed_list(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn query_round_trips() {
        let mut e = Params::default();
        e.set("preset", "saxe-tanh").unwrap();
        e.set("lr", "0.001").unwrap();
        e.set("batch_size", "full").unwrap();
        e.set("eps", "1e-7").unwrap();
        let q = e.to_query();
        assert!(q.starts_with("preset=saxe-tanh&"), "{q}");
        let back = Params::from_query(&format!("?{q}"), &[]);
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.params, e);
        assert_eq!(back.params.to_query(), q);
    }

    #[test]
    fn a_preset_sets_its_seeds_and_view_and_applies_first() {
        // szt-2017-stored-run: 20 repeats (FACTS.md §5); saxe-tanh shows
        // Saxe's per-layer SNR definition.
        let q = Params::from_query("lr=0.001&preset=szt-2017-stored-run", &[]);
        assert!(q.errors.is_empty(), "{:?}", q.errors);
        assert_eq!(q.params.seeds(), 20);
        assert_eq!(q.params.text("lr"), "0.001");
        assert_eq!(q.params.to_query(), "preset=szt-2017-stored-run&lr=0.001");
        let s = Params::from_preset(presets::find("saxe-tanh").unwrap());
        assert_eq!(s.choice::<GradDefinition>("grad_def"), GradDefinition::Saxe);
        let mut p = s.clone();
        p.set("preset", "").unwrap();
        assert_eq!(p, Params::default());
    }

    #[test]
    fn malformed_query_names_each_key_and_keeps_defaults() {
        let q = Params::from_query(
            "lr=abc&bogus=1&hidden=10,0&activation=relu&seeds=0&autorun=1&epochs=5&preset=nope",
            &["autorun"],
        );
        let names: Vec<_> = q.errors.iter().map(|e| e.param.as_str()).collect();
        assert_eq!(names, vec!["preset", "lr", "bogus", "hidden", "seeds"]);
        assert_eq!(q.params.text("lr"), "0.0004");
        assert_eq!(q.params.text("activation"), "relu");
        assert_eq!(q.params.text("epochs"), "5");
        assert_eq!(q.params.seeds(), 1);
        assert_eq!(q.extras, vec![("autorun".to_string(), "1".to_string())]);
        assert!(
            q.errors[1]
                .to_string()
                .starts_with("lr: \"abc\" is not a number"),
            "{}",
            q.errors[1]
        );
        assert_eq!(
            q.errors[4].to_string(),
            format!("seeds: 0 is out of range (1 to {MAX_SEEDS})")
        );
    }

    #[test]
    fn set_errors_name_the_parameter() {
        let mut p = Params::default();
        let e = p.set("lr", "-1").unwrap_err();
        assert_eq!(e.to_string(), "lr: -1 is out of range (0 < value ≤ 10)");
        let e = p.set("activaton", "relu").unwrap_err();
        assert_eq!(
            e.to_string(),
            "activaton: unknown parameter (did you mean activation?)"
        );
        let e = p.set_pair("epochs").unwrap_err();
        assert_eq!(e.param, "epochs");
        let e = p.set("batch_size", "0").unwrap_err();
        assert!(e.to_string().starts_with("batch_size:"));
        assert_eq!(p.set("optimizer", "ADAM"), Ok(()));
        assert_eq!(p.text("optimizer"), "adam");
        let e = p.set("hidden", &"1,".repeat(100_000)).unwrap_err();
        assert_eq!(e.to_string(), "hidden: more than 12 hidden layers");
    }

    #[test]
    fn percent_coding() {
        assert_eq!(percent_decode("a%2Cb+c%zz%"), "a,b c%zz%");
        assert_eq!(percent_encode("10,7 x&y"), "10,7%20x%26y");
    }
}
