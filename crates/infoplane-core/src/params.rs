//! The one table of experiment parameters.
//!
//! Every parameter is declared once in [`PARAMS`] (name, group, type,
//! default, allowed range, one-line help). The same table parses and prints
//! URL query strings (defaults omitted), the CLI's `--set name=value`, the
//! presets and the app's form, and validates into a checked
//! [`Config`](crate::config::Config) with errors that name the parameter.

use crate::presets::{self, Preset};
use std::fmt;

/// The section of the form a parameter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
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
    /// Gradient statistics.
    Gradients,
}

impl Group {
    /// All groups in form order.
    pub const ALL: [Group; 6] = [
        Group::Data,
        Group::Network,
        Group::Training,
        Group::Logging,
        Group::Estimator,
        Group::Gradients,
    ];

    /// Heading shown to users.
    pub fn title(self) -> &'static str {
        match self {
            Group::Data => "Data",
            Group::Network => "Network",
            Group::Training => "Training",
            Group::Logging => "Logging",
            Group::Estimator => "MI estimator",
            Group::Gradients => "Gradient statistics",
        }
    }
}

/// The type and allowed range of a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// One of a fixed list of names.
    Choice(&'static [&'static str]),
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
}

/// A parsed, canonical parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// One of [`Kind::Choice`]'s names.
    Choice(&'static str),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// Layer widths.
    Widths(Vec<usize>),
    /// A batch size; `None` = full batch.
    Batch(Option<usize>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Choice(s) => f.write_str(s),
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write_float(f, *v),
            Value::Widths(ws) => {
                let parts: Vec<String> = ws.iter().map(|w| w.to_string()).collect();
                f.write_str(&parts.join(","))
            }
            Value::Batch(None) => f.write_str("full"),
            Value::Batch(Some(b)) => write!(f, "{b}"),
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
    /// Short label for forms.
    pub label: &'static str,
    /// Form section.
    pub group: Group,
    /// Type and range.
    pub kind: Kind,
    /// Default value (the IDNNs default where IDNNs has one), as text.
    pub default: &'static str,
    /// One-line help.
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

const ESTIMATORS: &[&str] = &[
    "idnns-binning",
    "uniform-binning",
    "adaptive-binning",
    "kde-upper",
    "kde-lower",
];

/// Every experiment parameter. Defaults are IDNNs' (`main.py` at commit
/// c4abb1d, FACTS.md §2–4) wherever IDNNs has the parameter.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "dataset",
        label: "Data set",
        group: Group::Data,
        kind: Kind::Choice(&["var_u", "digits", "custom"]),
        default: "var_u",
        help: "var_u: SZT's 4096 12-bit patterns; digits: UCI 8×8 digits (1797 rows, 10 classes); custom: your CSV or IDX file",
    },
    ParamSpec {
        name: "split",
        label: "Train/test split",
        group: Group::Data,
        kind: Kind::Choice(&["first", "shuffled"]),
        default: "first",
        help: "first: IDNNs' unshuffled first p% of rows train (its >80% overlap quirk kept); shuffled: seeded shuffle, then first p% (ibsgd)",
    },
    ParamSpec {
        name: "train_pct",
        label: "Training share (%)",
        group: Group::Data,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 100.0, max_incl: true },
        default: "80",
        help: "Percentage of rows in the training set, rounded as np.rint(p·n/100)",
    },
    ParamSpec {
        name: "hidden",
        label: "Hidden layer widths",
        group: Group::Network,
        kind: Kind::Widths { max_layers: 12, max_width: 1024 },
        default: "10,7,5,4,3",
        help: "Comma-separated widths of the hidden layers (IDNNs 10,7,5,4,3; caption 10,8,6,4,2)",
    },
    ParamSpec {
        name: "activation",
        label: "Hidden activation",
        group: Group::Network,
        kind: Kind::Choice(&["tanh", "relu", "linear", "sigmoid"]),
        default: "tanh",
        help: "Nonlinearity of the hidden layers (IDNNs -activation_function 0 tanh, 1 ReLU, 2 linear)",
    },
    ParamSpec {
        name: "output",
        label: "Output layer",
        group: Group::Network,
        kind: Kind::Choice(&["softmax", "sigmoid"]),
        default: "softmax",
        help: "softmax: one unit per class with cross-entropy (the code); sigmoid: a single unit with binary cross-entropy (the caption)",
    },
    ParamSpec {
        name: "init",
        label: "Initialisation",
        group: Group::Network,
        kind: Kind::Choice(&["idnns", "ibsgd"]),
        default: "idnns",
        help: "idnns: truncated normal, std 1/√fan_in, every layer; ibsgd: hidden layers std 1/√(own width), output layer Keras's glorot_uniform; biases zero",
    },
    ParamSpec {
        name: "optimizer",
        label: "Optimizer",
        group: Group::Training,
        kind: Kind::Choice(&["adam", "sgd"]),
        default: "adam",
        help: "adam: TensorFlow's Adam (the code); sgd: plain gradient descent (the paper's text); with batch_size=full it is full-batch GD",
    },
    ParamSpec {
        name: "lr",
        label: "Learning rate",
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 10.0, max_incl: true },
        default: "0.0004",
        help: "Step size (IDNNs 0.0004)",
    },
    ParamSpec {
        name: "beta1",
        label: "Adam β1",
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1.0, max_incl: false },
        default: "0.9",
        help: "Adam's first-moment decay (TensorFlow default 0.9)",
    },
    ParamSpec {
        name: "beta2",
        label: "Adam β2",
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1.0, max_incl: false },
        default: "0.999",
        help: "Adam's second-moment decay (TensorFlow default 0.999)",
    },
    ParamSpec {
        name: "eps",
        label: "Adam ε",
        group: Group::Training,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 1.0, max_incl: true },
        default: "1e-8",
        help: "Adam's epsilon, added to √v as TensorFlow does (default 1e-8)",
    },
    ParamSpec {
        name: "batch_size",
        label: "Batch size",
        group: Group::Training,
        kind: Kind::Batch { max: 1_000_000 },
        default: "512",
        help: "Rows per update, or full for one update per epoch on the whole training set (IDNNs 512: six batches of 512 and one of 205)",
    },
    ParamSpec {
        name: "epochs",
        label: "Epochs",
        group: Group::Training,
        kind: Kind::Int { min: 1, max: 1_000_000 },
        default: "8000",
        help: "Passes over the training set (IDNNs 8000)",
    },
    ParamSpec {
        name: "batch_order",
        label: "Batch order",
        group: Group::Training,
        kind: Kind::Choice(&["fixed", "reshuffle"]),
        default: "fixed",
        help: "fixed: the same contiguous slices every epoch (IDNNs); reshuffle: a new seeded permutation each epoch (Keras/ibsgd)",
    },
    ParamSpec {
        name: "seed",
        label: "Seed",
        group: Group::Training,
        kind: Kind::Int { min: 0, max: 4_294_967_295 },
        default: "0",
        help: "Seeds every random stream of the run (init, split, batches, ibsgd's gradient rows); seed k of a run set uses seed + k",
    },
    ParamSpec {
        name: "log_schedule",
        label: "Logged epochs",
        group: Group::Logging,
        kind: Kind::Choice(&["idnns", "ibsgd", "every"]),
        default: "idnns",
        help: "idnns: unique(int(logspace(0, log2 E, S, base 2))) − 1; ibsgd: every epoch <20, every 5th <100, every 20th <2000, then every 100th; every: every k-th epoch",
    },
    ParamSpec {
        name: "log_samples",
        label: "Log samples S",
        group: Group::Logging,
        kind: Kind::Int { min: 2, max: 1_000_000 },
        default: "400",
        help: "S of the IDNNs rule (400 gives 274 logged epochs of 8000; SZT's stored run used 1800)",
    },
    ParamSpec {
        name: "log_every",
        label: "Log every k",
        group: Group::Logging,
        kind: Kind::Int { min: 1, max: 1_000_000 },
        default: "1",
        help: "k for log_schedule=every (epochs 0, k, 2k, … and the last)",
    },
    ParamSpec {
        name: "act_time",
        label: "Activations probed at",
        group: Group::Logging,
        kind: Kind::Choice(&["start", "end"]),
        default: "start",
        help: "start: before the logged epoch's updates (IDNNs); end: after them (ibsgd)",
    },
    ParamSpec {
        name: "grad_time",
        label: "Batch gradients taken",
        group: Group::Logging,
        kind: Kind::Choice(&["after", "before", "ibsgd"]),
        default: "after",
        help: "after: on each batch's rows after its step (IDNNs); before: the gradient the step itself used; ibsgd: before each step, on the next batch of ibsgd's own per-epoch permutation of the training rows",
    },
    ParamSpec {
        name: "estimator",
        label: "Estimator",
        group: Group::Estimator,
        kind: Kind::Choice(ESTIMATORS),
        default: "idnns-binning",
        help: "idnns-binning: IDNNs-exact; uniform-binning: bins by count or size over a range scope; adaptive-binning: equal-mass bins (Chelombiev); kde-upper/kde-lower: Kolchinsky & Tracey bounds (Saxe)",
    },
    ParamSpec {
        name: "mi_rows",
        label: "MI computed on",
        group: Group::Estimator,
        kind: Kind::Choice(&["full", "train", "test"]),
        default: "full",
        help: "Rows whose activations enter the estimate: all rows (both codes), the training rows or the test rows",
    },
    ParamSpec {
        name: "edges",
        label: "IDNNs bin edges",
        group: Group::Estimator,
        kind: Kind::Int { min: 2, max: 100_000 },
        default: "30",
        help: "idnns-binning: number of edges of linspace(bin_lo, bin_hi, edges) (IDNNs 30, i.e. 29 intervals; SZT's stored run 50)",
    },
    ParamSpec {
        name: "bin_lo",
        label: "Bin range low",
        group: Group::Estimator,
        kind: Kind::Float { min: -1e6, min_incl: true, max: 1e6, max_incl: true },
        default: "-1",
        help: "Lower end of the IDNNs edges and of uniform bins with range=fixed",
    },
    ParamSpec {
        name: "bin_hi",
        label: "Bin range high",
        group: Group::Estimator,
        kind: Kind::Float { min: -1e6, min_incl: true, max: 1e6, max_incl: true },
        default: "1",
        help: "Upper end of the IDNNs edges and of uniform bins with range=fixed",
    },
    ParamSpec {
        name: "bins",
        label: "Bins",
        group: Group::Estimator,
        kind: Kind::Int { min: 1, max: 100_000 },
        default: "30",
        help: "uniform-binning and adaptive-binning: number of bins (Saxe's ReLU: 100)",
    },
    ParamSpec {
        name: "bin_size",
        label: "Bin size",
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: true, max: 1e6, max_incl: true },
        default: "0",
        help: "uniform-binning: if > 0, bins of this width, T = floor(h / size) (ibsgd 0.07 for var_u), instead of a bin count",
    },
    ParamSpec {
        name: "range",
        label: "Bin range scope",
        group: Group::Estimator,
        kind: Kind::Choice(&["fixed", "global", "layer", "neuron", "run"]),
        default: "fixed",
        help: "uniform-binning with a count: fixed [bin_lo, bin_hi]; min/max over all layers, per layer or per neuron at each epoch; or over the whole run (Saxe's ReLU)",
    },
    ParamSpec {
        name: "noise_var",
        label: "KDE noise variance",
        group: Group::Estimator,
        kind: Kind::Float { min: 0.0, min_incl: false, max: 1e3, max_incl: true },
        default: "0.1",
        help: "kde-upper/kde-lower: variance of the added Gaussian noise (Saxe's paper 0.1; ibsgd's var_u notebook 1e-3)",
    },
    ParamSpec {
        name: "grad_def",
        label: "Gradient statistic",
        group: Group::Gradients,
        kind: Kind::Choice(&["idnns", "per-layer", "normalised", "saxe"]),
        default: "idnns",
        help: "idnns: cumulative over layers as plot_gradients.py codes it; per-layer: the same per layer; normalised: idnns with each layer divided by ‖W_l‖ (the caption); saxe: m_l, s_l, m_l/s_l",
    },
];

/// The row of `name`, if it exists.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.name == name)
}

fn index_of(name: &str) -> Option<usize> {
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
                }
                if ws.len() > max_layers {
                    return Err(err(format!(
                        "{} hidden layers; at most {max_layers}",
                        ws.len()
                    )));
                }
                Ok(Value::Widths(ws))
            }
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
        self.parse(self.default).expect("table defaults are valid")
    }

    /// The allowed values in words, for help and error messages.
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Choice(names) => format!("one of {}", names.join(", ")),
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
        }
    }
}

/// A full assignment of every parameter in the table (defaults where unset).
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

impl Params {
    /// The defaults with `preset`'s base and assignments applied.
    pub fn from_preset(preset: &Preset) -> Self {
        let mut p = preset
            .base
            .and_then(presets::find)
            .map(Params::from_preset)
            .unwrap_or_default();
        for (k, v) in preset.assignments {
            p.set(k, v).expect("preset assignments are valid");
        }
        p
    }

    /// Sets `name` from text; unknown names and bad values are errors.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), ParamError> {
        let i = index_of(name).ok_or_else(|| unknown(name))?;
        self.values[i] = PARAMS[i].parse(raw)?;
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

    /// `(name, value)` for every parameter, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static ParamSpec, &Value)> {
        PARAMS.iter().zip(&self.values)
    }

    /// Parameters that differ from `base`, in table order.
    pub fn diff(&self, base: &Params) -> Vec<(&'static str, String)> {
        self.iter()
            .zip(&base.values)
            .filter(|((_, v), b)| v != b)
            .map(|((s, v), _)| (s.name, v.to_string()))
            .collect()
    }

    /// Every parameter as a JSON object of canonical texts (for records).
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.iter()
            .map(|(s, v)| (s.name.to_string(), serde_json::Value::String(v.to_string())))
            .collect()
    }
}

fn unknown(name: &str) -> ParamError {
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

/// Most seeds in a run set.
pub const MAX_SEEDS: usize = 64;

/// An experiment as a URL describes it: a preset, parameter overrides and
/// the number of seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// The preset the parameters start from, if any.
    pub preset: Option<&'static Preset>,
    /// All parameters (preset and overrides applied).
    pub params: Params,
    /// Number of seeds (`seed`, `seed + 1`, …).
    pub seeds: usize,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            preset: None,
            params: Params::default(),
            seeds: 1,
        }
    }
}

/// The outcome of reading a query string leniently.
#[derive(Clone, Debug)]
pub struct QueryParse {
    /// The experiment, with defaults where a field was malformed.
    pub experiment: Experiment,
    /// Keys the caller declared as its own (e.g. `autorun`, `embed`), in order.
    pub extras: Vec<(String, String)>,
    /// One entry per unknown or malformed key.
    pub errors: Vec<ParamError>,
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
/// (letters, digits, `-._~,`), so `hidden=10,7,5,4,3` stays readable.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~,".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

impl Experiment {
    /// Parameters the preset (or the table) gives, before overrides.
    pub fn base(&self) -> Params {
        self.preset.map(Params::from_preset).unwrap_or_default()
    }

    /// Seeds the base gives.
    pub fn base_seeds(&self) -> usize {
        self.preset.map_or(1, |p| p.seeds)
    }

    /// The query string naming this experiment: `preset=…`, then each
    /// parameter that differs from the preset (or the defaults), then
    /// `seeds` if it differs. Defaults are omitted, so the default
    /// experiment is the empty string.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.preset {
            parts.push(format!("preset={}", p.name));
        }
        for (k, v) in self.params.diff(&self.base()) {
            parts.push(format!("{k}={}", percent_encode(&v)));
        }
        if self.seeds != self.base_seeds() {
            parts.push(format!("seeds={}", self.seeds));
        }
        parts.join("&")
    }

    /// Reads a query string (with or without the leading `?`). Never fails:
    /// each unknown or malformed key becomes an error naming it, and that
    /// field keeps its preset or default value. `extra_keys` are the
    /// caller's own keys, returned untouched.
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
        let mut exp = Experiment::default();
        // The preset applies first, wherever it appears.
        if let Some((_, name)) = pairs.iter().rev().find(|(k, _)| k == "preset") {
            match presets::find(name) {
                Some(p) => {
                    exp.preset = Some(p);
                    exp.params = Params::from_preset(p);
                    exp.seeds = p.seeds;
                }
                None => errors.push(ParamError::new(
                    "preset",
                    format!("\"{name}\" is not one of {}", presets::names().join(", ")),
                )),
            }
        }
        let mut extras = Vec::new();
        for (k, v) in pairs {
            if k == "preset" {
                continue;
            } else if k == "seeds" {
                match v.trim().parse::<usize>() {
                    Ok(n) if (1..=MAX_SEEDS).contains(&n) => exp.seeds = n,
                    _ => errors.push(ParamError::new(
                        "seeds",
                        format!("\"{v}\" is not a whole number from 1 to {MAX_SEEDS}"),
                    )),
                }
            } else if extra_keys.contains(&k.as_str()) {
                extras.push((k, v));
            } else if let Err(e) = exp.params.set(&k, &v) {
                errors.push(e);
            }
        }
        QueryParse {
            experiment: exp,
            extras,
            errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses_and_names_are_unique() {
        let p = Params::default();
        assert_eq!(p.text("hidden"), "10,7,5,4,3");
        assert_eq!(p.text("eps"), "1e-8");
        assert_eq!(p.text("lr"), "0.0004");
        let mut names: Vec<_> = PARAMS.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PARAMS.len());
    }

    #[test]
    fn defaults_are_omitted_from_the_query() {
        assert_eq!(Experiment::default().to_query(), "");
        let mut e = Experiment::default();
        e.params.set("activation", "relu").unwrap();
        e.params.set("hidden", "10, 8,6").unwrap();
        e.seeds = 4;
        assert_eq!(e.to_query(), "hidden=10,8,6&activation=relu&seeds=4");
    }

    #[test]
    fn query_round_trips() {
        let mut e = Experiment {
            preset: presets::find("saxe-tanh"),
            ..Default::default()
        };
        e.params = e.base();
        e.params.set("lr", "0.001").unwrap();
        e.params.set("batch_size", "full").unwrap();
        e.params.set("eps", "1e-7").unwrap();
        let q = e.to_query();
        assert!(q.starts_with("preset=saxe-tanh&"), "{q}");
        let back = Experiment::from_query(&format!("?{q}"), &[]);
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.experiment, e);
        assert_eq!(back.experiment.to_query(), q);
    }

    #[test]
    fn malformed_query_names_each_key_and_keeps_defaults() {
        let q = Experiment::from_query(
            "lr=abc&bogus=1&hidden=10,0&activation=relu&seeds=0&autorun=1&epochs=5",
            &["autorun"],
        );
        let names: Vec<_> = q.errors.iter().map(|e| e.param.as_str()).collect();
        assert_eq!(names, vec!["lr", "bogus", "hidden", "seeds"]);
        assert_eq!(q.experiment.params.text("lr"), "0.0004");
        assert_eq!(q.experiment.params.text("activation"), "relu");
        assert_eq!(q.experiment.params.text("epochs"), "5");
        assert_eq!(q.extras, vec![("autorun".to_string(), "1".to_string())]);
        assert!(
            q.errors[0]
                .to_string()
                .starts_with("lr: \"abc\" is not a number"),
            "{}",
            q.errors[0]
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
    }

    #[test]
    fn percent_coding() {
        assert_eq!(percent_decode("a%2Cb+c%zz%"), "a,b c%zz%");
        assert_eq!(percent_encode("10,7 x&y"), "10,7%20x%26y");
    }
}
