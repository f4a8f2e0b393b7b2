//! What a run will cost, before it starts: operations per epoch, MI work per
//! logged epoch, time (with speeds measured by [`calibrate`] through the
//! real kernels) and peak memory with the parameters that drive it.
//!
//! # What is counted
//!
//! *Dense flops* follow the kernels in [`crate::network`]: rows run in
//! blocks of 64, so a batch of R rows costs ⌈R/64⌉·64 rows. Per row,
//! the forward pass costs `n_features + n_out` to load, per layer
//! `2·n_in·n_out + n_out` (multiply-adds and bias) plus the nonlinearity
//! per unit (tanh 27, sigmoid 30, ReLU 1, linear 0: the operations of
//! [`crate::math`]'s portable versions), then the output (softmax 31 per
//! class: max, subtract, exp, sum, divide; sigmoid 30). The backward pass
//! costs `2·n_out` for the output delta, per layer `n_out` (bias) +
//! `2·n_in·n_out` (weight gradient) and, below the top layer,
//! `2·n_in·n_out` + `n_in`·(derivative: tanh/sigmoid 3, ReLU 1) to
//! propagate. Once per batch every parameter's 8 lanes are summed (9 each)
//! and the optimizer updates it (Adam 12, SGD 2); `batch_order=reshuffle`
//! adds 40 per training row and epoch for the shuffle (a serial loop,
//! counted at what it costs beside the vectorised kernels). Loss and accuracy cost
//! 40 per row and class (f64 log-sum-exp); a probe copies each activation
//! out (1).
//!
//! Logged epochs add: a second gradient pass over the training rows for
//! `grad_time=after` (after each step) and `ibsgd` (on its own
//! permutation, plus 40 per row to shuffle it), none for `before`; a copy
//! of each batch's weight gradients (1 per weight) and their moments (5 per
//! weight and batch); the probe (forward on the MI rows keeping the
//! activations, loss/accuracy on the training and test rows, weight norms 2
//! per weight).
//!
//! *MI work*: binning counts value-equivalents, each activation once
//! (adaptive binning 4: it sorts the values; range scopes that scan for a
//! min/max 2) plus 4 per row and layer (pattern key, radix sort, group
//! count). KDE counts pair-dimensions: each unordered pair of MI rows once
//! per layer (same- and other-class sums share it) times (d + 18): the d
//! squared differences plus two f32 exponentials and four sums, worth 18
//! dimensions of 3 flops. `range=run` redoes, at the end, every logged
//! epoch's forward pass on the MI rows and its MI.
//!
//! *Memory* is what one seed's trainer holds at its peak (the MI step of a
//! logged epoch, or the end of a `range=run` run), by driver; the browser
//! runs one seed per worker, each with its own copy of everything
//! (natively the data set is shared, so the figure is an upper bound).
//! Estimator buffers are one thread's (the browser's; natively binning
//! runs up to one layer per core).

use crate::config::{BatchOrder, Config, GradTime, MiRows};
use crate::estimators::{estimate_layers, kde_bounds, Estimator, LayerView, RangeScope};
use crate::network::{Activation, Gradients, Network, Output, Workspace};
use crate::network::{BLOCK, FAST_INPUTS, W};
use crate::optim::OptimizerKind;
use crate::rng::{Rng, Stream};
use std::fmt;

/// Flops of the portable tanh (clamp 2, square 1, numerator 13,
/// denominator 8, small-input select 2, divide 1).
const TANH: f64 = 27.0;
/// Flops of the portable exp.
const EXP: f64 = 27.0;
/// Flops of the sigmoid: exp, add, divide, negate.
const SIGMOID: f64 = EXP + 3.0;
/// Softmax per class: max, subtract, exp, sum, divide.
const SOFTMAX_PER_CLASS: f64 = EXP + 4.0;
/// Loss and accuracy per row and class (f64 log-sum-exp, argmax).
const OUTCOME_PER_CLASS: f64 = 40.0;
/// Summing a parameter's 8 lane accumulators and dividing by the batch size.
const REDUCE_PER_PARAM: f64 = W as f64 + 1.0;
/// Adam's update per parameter (two moments, sqrt, divide, step).
const ADAM_PER_PARAM: f64 = 12.0;
/// SGD's update per parameter.
const SGD_PER_PARAM: f64 = 2.0;
/// Shuffling one row (Lemire's bounded draw and a swap): serial, about
/// 2 ns a row where the kernels run 18 G flops/s, so 40 flop-equivalents.
const SHUFFLE_PER_ROW: f64 = 40.0;
/// Moments of the per-batch gradients, per weight and batch.
const MOMENTS_PER_WEIGHT_BATCH: f64 = 5.0;
/// Binning: value-equivalents per row and layer for the pattern key, the
/// radix sort and the group count.
const BIN_PER_ROW: f64 = 4.0;
/// KDE: two exponentials and four sums per pair, in dimension-equivalents.
const KDE_PER_PAIR: f64 = 18.0;
/// One Gaussian draw of a noisy network's hidden-layer noise (a scalar f64
/// draw by Marsaglia's polar method, a logarithm and a square root per
/// pair), in flop-equivalents: measured natively, goldfeld-noisy-tanh's
/// 808 M draws over 8000 epochs took 9.6 s more than the same run without
/// noise (about 12 ns a draw), where the calibrated estimate counted 400
/// flops a draw as 5.9 s.
const NOISE_PER_DRAW: f64 = 650.0;

fn act_flops(a: Activation) -> f64 {
    match a {
        Activation::Tanh => TANH,
        Activation::Sigmoid => SIGMOID,
        Activation::Relu => 1.0,
        Activation::Linear => 0.0,
    }
}

fn deriv_flops(a: Activation) -> f64 {
    match a {
        Activation::Tanh | Activation::Sigmoid => 3.0,
        Activation::Relu => 1.0,
        Activation::Linear => 0.0,
    }
}

/// The shape of a network as the cost model sees it.
#[derive(Clone, Debug, PartialEq)]
struct Shape {
    /// (n_in, n_out) per layer, the output layer last.
    layers: Vec<(usize, usize)>,
    activation: Activation,
    output: Output,
}

impl Shape {
    fn of(cfg: &Config, features: usize, classes: usize) -> Shape {
        let n_out = match cfg.output {
            Output::Softmax => classes,
            Output::Sigmoid => 1,
        };
        let mut fan_in = features;
        let layers = cfg
            .hidden
            .iter()
            .chain(std::iter::once(&n_out))
            .map(|&n| {
                let l = (fan_in, n);
                fan_in = n;
                l
            })
            .collect();
        Shape {
            layers,
            activation: cfg.activation,
            output: cfg.output,
        }
    }

    fn n_in(&self) -> usize {
        self.layers[0].0
    }

    fn n_out(&self) -> usize {
        self.layers.last().map_or(1, |l| l.1)
    }

    /// Weights (no biases).
    fn weights(&self) -> usize {
        self.layers.iter().map(|&(i, o)| i * o).sum()
    }

    /// Weights and biases.
    fn params(&self) -> usize {
        self.layers.iter().map(|&(i, o)| i * o + o).sum()
    }

    /// Units in the information plane (every layer's outputs).
    fn units(&self) -> usize {
        self.layers.iter().map(|l| l.1).sum()
    }

    /// Forward flops of one (padded) row.
    fn forward_row(&self) -> f64 {
        let last = self.layers.len() - 1;
        let mut f = (self.n_in() + self.n_out()) as f64;
        for (l, &(i, o)) in self.layers.iter().enumerate() {
            f += (2 * i * o + o) as f64;
            if l < last {
                f += o as f64 * act_flops(self.activation);
            }
        }
        f + match self.output {
            Output::Softmax => self.n_out() as f64 * SOFTMAX_PER_CLASS,
            Output::Sigmoid => SIGMOID,
        }
    }

    /// Backward flops of one (padded) row.
    fn backward_row(&self) -> f64 {
        let mut f = 2.0 * self.n_out() as f64;
        for (l, &(i, o)) in self.layers.iter().enumerate() {
            f += (o + 2 * i * o) as f64;
            if l > 0 {
                f += (2 * i * o) as f64 + i as f64 * deriv_flops(self.activation);
            }
        }
        f
    }

    /// Flops of one gradient over `rows` rows (without the optimizer).
    fn gradient(&self, rows: usize) -> f64 {
        padded(rows) * (self.forward_row() + self.backward_row())
            + self.params() as f64 * REDUCE_PER_PARAM
    }

    /// Flops of a forward pass over `rows` rows with loss and accuracy;
    /// `keep` adds copying every activation out (a probe).
    fn forward(&self, rows: usize, keep: bool) -> f64 {
        padded(rows) * self.forward_row()
            + rows as f64 * self.n_out() as f64 * OUTCOME_PER_CLASS
            + if keep {
                (rows * self.units()) as f64
            } else {
                0.0
            }
    }

    /// Bytes of the kernels' [`Workspace`] for this shape: a block of 64
    /// samples per input (at least 16), unit, logit, target and delta (two
    /// of the widest layer); 8 lane accumulators per parameter; and per
    /// weight two splatted 8-lane copies (the forward and backward tiles).
    fn workspace_bytes(&self) -> u64 {
        let block = (BLOCK * 4) as u64;
        let max_w = self
            .layers
            .iter()
            .map(|&(i, o)| i.max(o))
            .max()
            .unwrap_or(1);
        let blocks = self.n_in().max(FAST_INPUTS) + self.units() + 2 * self.n_out() + 2 * max_w;
        let lanes = (W * 4) as u64;
        blocks as u64 * block + self.params() as u64 * lanes + 2 * self.weights() as u64 * lanes
    }
}

/// Rows rounded up to whole blocks of 64 samples.
fn padded(rows: usize) -> f64 {
    (rows.div_ceil(BLOCK) * BLOCK) as f64
}

/// Mutual-information work, in the units [`Speeds`] measures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MiWork {
    /// Binning value-equivalents (see the module docs).
    pub bin_values: f64,
    /// KDE pair-dimensions (see the module docs).
    pub kde_pair_dims: f64,
}

impl MiWork {
    fn of(est: &Estimator, rows: usize, widths: &[usize]) -> MiWork {
        let r = rows as f64;
        match *est {
            Estimator::KdeUpper { .. } | Estimator::KdeLower { .. } => MiWork {
                bin_values: 0.0,
                kde_pair_dims: widths
                    .iter()
                    .map(|&d| r * (r - 1.0) / 2.0 * (d as f64 + KDE_PER_PAIR))
                    .sum(),
            },
            // Goldfeld et al.'s SP estimator: each of the r·m Monte Carlo
            // samples meets every one of the r components (no symmetry to
            // halve it, unlike KDE), and in a noisy network each row's K
            // conditional components meet their K·m samples; per meeting
            // about a KDE pair's work (a distance, an exponential).
            Estimator::NoisyGaussian {
                mc_samples,
                cond_samples,
                ..
            } => {
                let (m, k) = (mc_samples as f64, cond_samples as f64);
                MiWork {
                    bin_values: 0.0,
                    kde_pair_dims: widths
                        .iter()
                        .map(|&d| (r * m * r + r * k * m * k) * (d as f64 + KDE_PER_PAIR))
                        .sum(),
                }
            }
            _ => {
                let per_value = match *est {
                    Estimator::AdaptiveBinning { .. } => 4.0,
                    Estimator::UniformBinning {
                        bins: crate::estimators::BinSpec::Count(_),
                        scope: RangeScope::Global | RangeScope::Layer | RangeScope::Neuron,
                    } => 2.0,
                    _ => 1.0,
                };
                MiWork {
                    bin_values: widths
                        .iter()
                        .map(|&w| r * (w as f64 * per_value + BIN_PER_ROW))
                        .sum(),
                    kde_pair_dims: 0.0,
                }
            }
        }
    }

    fn scaled(self, k: f64) -> MiWork {
        MiWork {
            bin_values: self.bin_values * k,
            kde_pair_dims: self.kde_pair_dims * k,
        }
    }

    fn seconds(&self, s: &Speeds) -> f64 {
        self.bin_values / s.bin_values_per_s + self.kde_pair_dims / s.kde_pair_dims_per_s
    }
}

/// One cause of memory use.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryDriver {
    /// What the memory holds.
    pub name: &'static str,
    /// The parameters that make it grow (table names, plus `rows`/`features`
    /// of the data).
    pub params: &'static [&'static str],
    /// Bytes for one seed.
    pub bytes: u64,
}

/// The estimated cost of one seed's run.
#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    /// Epochs of the run.
    pub epochs: usize,
    /// Logged epochs of the run.
    pub logged_epochs: usize,
    /// Dense flops of one epoch's training (every epoch).
    pub train_flops_per_epoch: f64,
    /// Extra dense flops of each logged epoch (gradient passes per
    /// `grad_time`, probe, evaluation, gradient moments).
    pub logged_extra_flops: f64,
    /// MI work of each logged epoch.
    pub mi_per_logged_epoch: MiWork,
    /// Values (f32) of one logged epoch's MI job: the activations of the
    /// MI rows, and noisy-sp's conditional samples; a replay job's weights
    /// where [`crate::mi_job::replayable`].
    pub mi_job_floats: f64,
    /// Dense flops at the end of the run (`range=run`'s forward passes).
    pub finish_flops: f64,
    /// MI work at the end of the run (`range=run`'s re-estimates).
    pub finish_mi: MiWork,
    /// Memory by driver, one seed.
    pub memory: Vec<MemoryDriver>,
}

/// Handing one value (f32) of a deferred MI job from the trainer to an
/// idle worker, in binning value-equivalents: the trainer's copy out of
/// wasm memory, the page's relay and the helper's copy in. Measured in
/// headless Chromium on idnns-default (274 jobs of 126 976 values): about
/// 0.8 s of CPU in transit against 0.2 s to bin them in place, that is
/// about 7 value-equivalents per value shipped.
pub const SHIP_PER_FLOAT: f64 = 8.0;

/// Measured speeds of this machine's kernels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Speeds {
    /// Dense flops per second (network kernels, counted as above).
    pub dense_flops_per_s: f64,
    /// Binning value-equivalents per second.
    pub bin_values_per_s: f64,
    /// KDE pair-dimensions per second.
    pub kde_pair_dims_per_s: f64,
}

impl Speeds {
    /// [`calibrate`]'s figures natively on the development machine (2
    /// cores, AVX2), for decisions taken before a browser's own
    /// measurement is in: only their ratios matter there.
    pub const REFERENCE: Speeds = Speeds {
        dense_flops_per_s: 5.0e10,
        bin_values_per_s: 3.9e8,
        kde_pair_dims_per_s: 2.1e10,
    };
}

/// A run would need more memory than allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryError {
    /// Bytes needed for all parallel seeds.
    pub needed: u64,
    /// The limit.
    pub limit: u64,
    /// Seeds running at once.
    pub parallel_seeds: usize,
    /// The largest drivers, largest first (one seed's bytes each).
    pub largest: Vec<MemoryDriver>,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seeds = if self.parallel_seeds == 1 {
            "one seed".to_string()
        } else {
            format!(
                "{} parallel seeds ({} each)",
                self.parallel_seeds,
                format_bytes(self.needed / self.parallel_seeds.max(1) as u64)
            )
        };
        write!(
            f,
            "needs about {} for {seeds}, over the limit of {}; most of it: ",
            format_bytes(self.needed),
            format_bytes(self.limit)
        )?;
        let parts: Vec<String> = self
            .largest
            .iter()
            .map(|d| {
                format!(
                    "{} {} ({})",
                    d.name,
                    format_bytes(d.bytes),
                    d.params.join(", ")
                )
            })
            .collect();
        write!(f, "{}; run fewer seeds at once", parts.join("; "))?;
        if let Some(d) = self.largest.first() {
            write!(f, " or change {}", d.params.join(" or "))?;
        }
        Ok(())
    }
}

impl std::error::Error for MemoryError {}

/// Bytes in decimal units, 2–3 significant digits ("940 kB", "1.2 GB").
pub fn format_bytes(b: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1000.0 && u < units.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 || v >= 10.0 {
        format!("{v:.0} {}", units[u])
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// Seconds in readable units ("850 µs", "12 ms", "3.4 s", "2 min 5 s", "1 h 3 min").
pub fn format_seconds(s: f64) -> String {
    if !s.is_finite() {
        return "?".into();
    }
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {} s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else {
        format!(
            "{} h {} min",
            (s / 3600.0) as u64,
            ((s % 3600.0) / 60.0) as u64
        )
    }
}

impl Cost {
    /// The cost of running `cfg` on a data set of `rows` rows, `features`
    /// features and `classes` classes.
    pub fn estimate(cfg: &Config, rows: usize, features: usize, classes: usize) -> Cost {
        let shape = Shape::of(cfg, features, classes);
        let split = cfg.split_rows(rows);
        let (n_train, n_test) = (split.train.len(), split.test.len());
        let n_mi = match cfg.mi_rows {
            MiRows::Full => rows,
            MiRows::Train => n_train,
            MiRows::Test => n_test,
        };
        let logged = cfg.schedule.epochs(cfg.epochs).len();
        let bs = cfg.batch_size.unwrap_or(n_train).max(1);
        // Batches of one epoch: full ones and the remainder.
        let (full, rest) = (n_train / bs, n_train % bs);
        let batches = full + usize::from(rest > 0);
        let per_step = match cfg.optimizer {
            OptimizerKind::Adam { .. } => ADAM_PER_PARAM,
            OptimizerKind::Sgd => SGD_PER_PARAM,
        } * shape.params() as f64;
        let pass =
            full as f64 * shape.gradient(bs) + if rest > 0 { shape.gradient(rest) } else { 0.0 };
        let reshuffle = if cfg.batch_order == BatchOrder::Reshuffle {
            n_train as f64 * SHUFFLE_PER_ROW
        } else {
            0.0
        };
        // A noisy network draws one value per hidden unit and training row.
        let noise = if cfg.noise_std > 0.0 {
            n_train as f64 * (shape.units() - shape.n_out()) as f64 * NOISE_PER_DRAW
        } else {
            0.0
        };
        let train = pass + batches as f64 * per_step + reshuffle + noise;
        let weights = shape.weights() as f64;
        let run_range = matches!(
            cfg.estimator,
            Estimator::UniformBinning {
                scope: RangeScope::Run,
                ..
            }
        );
        let extra_grads = match cfg.grad_time {
            GradTime::After => pass,
            GradTime::Before => 0.0,
            GradTime::Ibsgd => pass + n_train as f64 * SHUFFLE_PER_ROW,
        };
        // noisy-sp's K conditional passes of the MI rows (their entropies
        // are in [`MiWork`]).
        let cond_k = crate::train::cond_samples_of(cfg) as f64;
        let logged_extra = extra_grads
            + batches as f64 * weights * (1.0 + MOMENTS_PER_WEIGHT_BATCH)
            + (1.0 + cond_k) * shape.forward(n_mi, true)
            + shape.forward(n_train, false)
            + shape.forward(n_test, false)
            + 2.0 * weights
            + if run_range {
                shape.params() as f64
            } else {
                0.0
            };
        let widths: Vec<usize> = shape.layers.iter().map(|l| l.1).collect();
        let mi = MiWork::of(&cfg.estimator, n_mi, &widths);
        let (finish_flops, finish_mi) = if run_range {
            (
                logged as f64 * shape.forward(n_mi, true),
                mi.scaled(logged as f64),
            )
        } else {
            (0.0, MiWork::default())
        };
        Cost {
            epochs: cfg.epochs,
            logged_epochs: logged,
            train_flops_per_epoch: train,
            logged_extra_flops: logged_extra,
            mi_per_logged_epoch: mi,
            mi_job_floats: if crate::mi_job::replayable(cfg) {
                shape.params() as f64
            } else {
                (1.0 + cond_k) * n_mi as f64 * widths.iter().sum::<usize>() as f64
            },
            finish_flops,
            finish_mi,
            memory: memory(
                cfg, &shape, rows, features, n_train, n_test, n_mi, logged, batches,
            ),
        }
    }

    /// Seconds at `speeds`: (mean per epoch over the whole run, logged
    /// epochs and the end included; total for one seed).
    pub fn seconds(&self, speeds: &Speeds) -> (f64, f64) {
        let flops = self.epochs as f64 * self.train_flops_per_epoch
            + self.logged_epochs as f64 * self.logged_extra_flops
            + self.finish_flops;
        let total = flops / speeds.dense_flops_per_s
            + self.mi_per_logged_epoch.seconds(speeds) * self.logged_epochs as f64
            + self.finish_mi.seconds(speeds);
        (total / self.epochs.max(1) as f64, total)
    }

    /// Seconds of one seed's MI estimates (every logged epoch and the end),
    /// part of [`Cost::seconds`]' total.
    pub fn mi_seconds(&self, speeds: &Speeds) -> f64 {
        self.mi_per_logged_epoch.seconds(speeds) * self.logged_epochs as f64
            + self.finish_mi.seconds(speeds)
    }

    /// Whether the page's idle workers should take this run's logged
    /// epochs' MI: only when estimating one costs more than handing its job
    /// over ([`SHIP_PER_FLOAT`] per value). A replay job (the weights) is
    /// nearly free to hand over; activations are not: KDE and noisy-sp jobs
    /// still pay (their work grows with the square of the rows), binning,
    /// which touches each value about once, costs less in place.
    pub fn deferral_pays(&self, speeds: &Speeds) -> bool {
        let ship = self.mi_job_floats * SHIP_PER_FLOAT / speeds.bin_values_per_s;
        self.mi_per_logged_epoch.seconds(speeds) > ship
    }

    /// Wall seconds of `seeds` seeds on `workers` workers as the page runs
    /// them: each seed trains on one worker; with more workers than seeds,
    /// the idle ones compute the logged epochs' MI when that pays
    /// ([`Cost::deferral_pays`]), so the work spreads over every worker,
    /// but a seed's training stays sequential.
    pub fn wall_seconds(&self, speeds: &Speeds, seeds: usize, workers: usize) -> f64 {
        let (seeds, workers) = (seeds.max(1), workers.max(1));
        let one = self.seconds(speeds).1;
        if seeds >= workers || !self.deferral_pays(speeds) {
            return one * seeds.div_ceil(workers) as f64;
        }
        let mi = self.mi_seconds(speeds);
        let train = one - mi;
        train.max(one * seeds as f64 / workers as f64)
    }

    /// Peak bytes of one seed.
    pub fn peak_bytes(&self) -> u64 {
        self.memory.iter().map(|d| d.bytes).sum()
    }

    /// Fails, naming the parameters that drive the largest parts, when
    /// `parallel_seeds` seeds at once would need more than `limit_bytes`.
    pub fn check_memory(&self, limit_bytes: u64, parallel_seeds: usize) -> Result<(), MemoryError> {
        let needed = self
            .peak_bytes()
            .saturating_mul(parallel_seeds.max(1) as u64);
        if needed <= limit_bytes {
            return Ok(());
        }
        let mut largest: Vec<MemoryDriver> = self
            .memory
            .iter()
            .filter(|d| d.bytes > 0)
            .cloned()
            .collect();
        // Largest first, ties in the drivers' order.
        largest.sort_unstable_by_key(|d| (std::cmp::Reverse(d.bytes), d.name));
        largest.truncate(3);
        Err(MemoryError {
            needed,
            limit: limit_bytes,
            parallel_seeds: parallel_seeds.max(1),
            largest,
        })
    }

    /// One line for people: time per epoch, per seed, and peak memory.
    pub fn summary(&self, speeds: &Speeds, parallel_seeds: usize) -> String {
        let (per_epoch, total) = self.seconds(speeds);
        let peak = self.peak_bytes();
        let mut s = format!(
            "estimate: {} per epoch, {} per seed, peak memory {} per seed",
            format_seconds(per_epoch),
            format_seconds(total),
            format_bytes(peak)
        );
        if parallel_seeds > 1 {
            s += &format!(
                " ({} for {parallel_seeds} at once)",
                format_bytes(peak.saturating_mul(parallel_seeds as u64))
            );
        }
        s
    }
}

#[allow(clippy::too_many_arguments)]
fn memory(
    cfg: &Config,
    shape: &Shape,
    rows: usize,
    features: usize,
    n_train: usize,
    n_test: usize,
    n_mi: usize,
    logged: usize,
    batches: usize,
) -> Vec<MemoryDriver> {
    let f = 4u64; // bytes of an f32 or u32
    let params = shape.params() as u64;
    let units = shape.units() as u64;
    let widths: Vec<usize> = shape.layers.iter().map(|l| l.1).collect();
    let run_range = matches!(
        cfg.estimator,
        Estimator::UniformBinning {
            scope: RangeScope::Run,
            ..
        }
    );
    let adam = matches!(cfg.optimizer, OptimizerKind::Adam { .. });
    let (m, tr) = (n_mi as u64, n_train as u64);
    // Split (train, test), the row order, the MI rows and their labels,
    // and ibsgd's permutation.
    let indexes = (2 * tr
        + n_test as u64
        + 2 * m
        + if cfg.grad_time == GradTime::Ibsgd {
            tr
        } else {
            0
        })
        * f;
    let estimator = match cfg.estimator {
        Estimator::KdeUpper { .. } | Estimator::KdeLower { .. } => {
            // One layer at a time: row- and column-major copies (2·P·d),
            // class of each row (8 B), the rows' four sums (16 B), and the
            // chunks' column sums: 4 floats per row from the chunk's first
            // row on, chunks of max(128, ⌈P/32⌉) rows.
            let d = widths.iter().copied().max().unwrap_or(1) as u64;
            let chunk = n_mi.div_ceil(32).max(128);
            let cols: u64 = (0..n_mi.div_ceil(chunk))
                .map(|c| 4 * (n_mi - c * chunk) as u64)
                .sum();
            2 * m * d * f + 8 * m + 16 * m + cols * f
        }
        _ => {
            // One layer: its codes (u32 per value), the row keys and the
            // sort's buffer (u64 each), and two histograms (u32 per row).
            let w = widths.iter().copied().max().unwrap_or(1) as u64;
            m * w * f + 2 * 8 * m + 2 * f * (m + 1)
        }
    };
    vec![
        MemoryDriver {
            name: "data set",
            params: &["dataset", "rows", "features"],
            bytes: (rows * features) as u64 * f + rows as u64 * f,
        },
        MemoryDriver {
            name: "row indexes",
            params: &["dataset", "rows", "mi_rows"],
            bytes: indexes,
        },
        MemoryDriver {
            name: "weights, gradient and optimizer state",
            params: &["hidden", "optimizer"],
            bytes: params * f * if adam { 4 } else { 2 },
        },
        MemoryDriver {
            name: "kernel workspace",
            params: &["hidden"],
            bytes: shape.workspace_bytes(),
        },
        MemoryDriver {
            name: "activations of a logged epoch on the MI rows",
            params: &["mi_rows", "rows", "hidden", "cond_samples"],
            // range=run's end holds a recomputed copy beside the probe's;
            // noisy-sp's K conditional samples and their pass, K + 1 more.
            bytes: m * units * f * if run_range { 2 } else { 1 }
                + match crate::train::cond_samples_of(cfg) as u64 {
                    0 => 0,
                    k => (k + 1) * m * units * f,
                },
        },
        MemoryDriver {
            name: "per-batch gradients of a logged epoch",
            params: &["batch_size", "train_pct", "hidden"],
            bytes: batches as u64 * shape.weights() as u64 * f,
        },
        MemoryDriver {
            name: "range=run weight snapshots",
            params: &["range", "hidden", "epochs", "log_schedule"],
            bytes: if run_range {
                (logged as u64 + 1) * params * f
            } else {
                0
            },
        },
        MemoryDriver {
            name: "cached input blocks (fixed batch order)",
            params: &["batch_order", "batch_size", "rows", "features"],
            bytes: {
                // Each batch's blocks of 64 rows: their rows' indexes and
                // the inputs, targets and mask; ibsgd's reshuffled gradient
                // passes add blocks up to the cache's bound.
                let bs = cfg.batch_size.unwrap_or(n_train).max(1);
                let blocks = (n_train / bs) * bs.div_ceil(BLOCK) + (n_train % bs).div_ceil(BLOCK);
                let per = (shape.n_in() + shape.n_out() + 1) * BLOCK;
                let floats = match (cfg.batch_order, cfg.grad_time) {
                    (BatchOrder::Reshuffle, _) => 0,
                    (_, GradTime::Ibsgd) => crate::network::BLOCK_CACHE_FLOATS,
                    _ => (blocks * per).min(crate::network::BLOCK_CACHE_FLOATS),
                };
                (floats + floats / per * BLOCK) as u64 * f
            },
        },
        MemoryDriver {
            name: "MI estimator buffers",
            params: &["estimator", "mi_rows", "hidden"],
            bytes: estimator,
        },
        MemoryDriver {
            name: "record",
            params: &["epochs", "log_schedule", "hidden"],
            // Per logged epoch and layer: I(X;T), I(T;Y), m, s, ‖W‖ and the
            // four gradient definitions' three curves (17 f64); per logged
            // epoch the epoch, two losses, two accuracies (5 × 8 B).
            bytes: logged as u64 * (widths.len() as u64 * 17 * 8 + 5 * 8),
        },
    ]
}

/// A small deterministic data set for calibration.
fn calibration_data(rows: usize, features: usize) -> crate::data::Dataset {
    let mut r = Rng::for_stream(0, Stream::Split);
    crate::data::Dataset::new(
        "calibration",
        features,
        (0..rows * features)
            .map(|_| if r.below(2) == 1 { 1.0 } else { 0.0 })
            .collect(),
        (0..rows).map(|i| (i % 2) as u32).collect(),
        vec!["0".into(), "1".into()],
    )
    .unwrap_or_else(|_| unreachable!("a well-formed set"))
}

/// Repeats `work` until `budget` seconds have passed (at least once, at most
/// `max` times); returns the runs and the seconds they took.
fn time(now: &dyn Fn() -> f64, budget: f64, max: usize, mut work: impl FnMut()) -> (usize, f64) {
    let t0 = now();
    let mut n = 0;
    loop {
        work();
        n += 1;
        let dt = now() - t0;
        if (dt >= budget && dt > 0.0) || n >= max {
            return (n, dt.max(1e-9));
        }
    }
}

/// Measures [`Speeds`] by timing small fixed workloads through the public
/// kernels (90, 50 and 40 ms, each at least one run): gradients of the IDNNs
/// network (12-10-7-5-4-3-2 tanh) on 512-row batches, IDNNs binning of
/// 4096 rows × (10, 7, 5, 4, 3, 2) units, and KDE on 1024 rows of 8 units.
/// `now()` is seconds from any origin. The figures follow the kernels as
/// they change.
pub fn calibrate(now: &dyn Fn() -> f64) -> Speeds {
    // Training dominates most runs, so the dense kernel gets the most time.
    const DENSE: f64 = 0.09;
    const BIN: f64 = 0.05;
    const KDE: f64 = 0.04;
    let data = calibration_data(512, 12);
    let mut rng = Rng::for_stream(0, Stream::Init);
    let net = Network::new(
        12,
        &[10, 7, 5, 4, 3],
        2,
        Activation::Tanh,
        Output::Softmax,
        &mut rng,
    );
    let shape = Shape {
        layers: net.layers.iter().map(|l| (l.n_in, l.n_out)).collect(),
        activation: Activation::Tanh,
        output: Output::Softmax,
    };
    let mut ws = Workspace::new(&net);
    let mut g = Gradients::zeros_like(&net);
    let rows: Vec<u32> = (0..512).collect();
    let (n, dt) = time(now, DENSE, 100_000, || {
        ws.gradient(&net, &data, &rows, &mut g)
    });
    let dense = n as f64 * shape.gradient(512) / dt;

    let widths = [10usize, 7, 5, 4, 3, 2];
    let p = 4096;
    let acts: Vec<Vec<f32>> = widths
        .iter()
        .map(|&w| {
            (0..p * w)
                .map(|i| crate::math::tanh(((i * 7919) % 4001) as f32 / 1000.0 - 2.0))
                .collect()
        })
        .collect();
    let labels: Vec<u32> = (0..p as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 31) & 1)
        .collect();
    let views: Vec<LayerView<'_>> = acts
        .iter()
        .zip(&widths)
        .map(|(a, &w)| LayerView {
            data: a,
            rows: p,
            width: w,
        })
        .collect();
    let est = Estimator::IdnnsBinning {
        n_edges: 30,
        lo: -1.0,
        hi: 1.0,
    };
    let (n, dt) = time(now, BIN, 100_000, || {
        std::hint::black_box(estimate_layers(&est, &views, &labels, 2, None));
    });
    let bin = n as f64 * MiWork::of(&est, p, &widths).bin_values / dt;

    let (pk, d) = (1024, 8);
    let kde_acts = &acts[0][..pk * d];
    let layer = LayerView {
        data: kde_acts,
        rows: pk,
        width: d,
    };
    let (n, dt) = time(now, KDE, 100_000, || {
        std::hint::black_box(kde_bounds(layer, &labels[..pk], 2, 0.1));
    });
    let kde =
        n as f64 * MiWork::of(&Estimator::KdeUpper { noise_var: 0.1 }, pk, &[d]).kde_pair_dims / dt;
    Speeds {
        dense_flops_per_s: dense,
        bin_values_per_s: bin,
        kde_pair_dims_per_s: kde,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn cfg(pairs: &[(&str, &str)]) -> Config {
        let mut p = Params::default();
        for (k, v) in pairs {
            p.set(k, v).unwrap();
        }
        Config::from_params(&p).unwrap()
    }

    /// 2 → 3 (tanh) → 2 (softmax), 100 rows of 2 features, 2 classes,
    /// split first 80 % (80 train, 20 test), batch 40.
    fn small(extra: &[(&str, &str)]) -> Cost {
        let mut pairs = vec![
            ("hidden", "3"),
            ("batch_size", "40"),
            ("epochs", "10"),
            ("log_schedule", "every"),
            ("log_every", "5"),
        ];
        pairs.extend_from_slice(extra);
        Cost::estimate(&cfg(&pairs), 100, 2, 2)
    }

    #[test]
    fn dense_flops_of_a_hand_counted_network() {
        // Forward per row: load 2 + 2 = 4; layer 1: 2·2·3 + 3 = 15 plus
        // tanh 3·27 = 81; layer 2: 2·3·2 + 2 = 14; softmax 2·31 = 62;
        // total 176. Backward per row: output delta 2·2 = 4; layer 2:
        // bias 2 + weights 2·3·2 = 12 + propagate 12 + tanh' 3·3 = 9, 35;
        // layer 1: bias 3 + weights 12 = 15; total 54. Params: 2·3 + 3 +
        // 3·2 + 2 = 17.
        let s = Shape::of(&cfg(&[("hidden", "3")]), 2, 2);
        assert_eq!(s.forward_row(), 176.0);
        assert_eq!(s.backward_row(), 54.0);
        assert_eq!(s.params(), 17);
        // One gradient over 40 rows: 1 block = 64 rows · 230 + 17 · 9.
        assert_eq!(s.gradient(40), 64.0 * 230.0 + 153.0);
        // 80 training rows in batches of 40: two gradients and two Adam
        // steps of 17 · 12 = 204 flops.
        let c = small(&[]);
        assert_eq!(c.train_flops_per_epoch, 2.0 * 14873.0 + 2.0 * 204.0);
        // SGD steps cost 17 · 2.
        let c = small(&[("optimizer", "sgd")]);
        assert_eq!(c.train_flops_per_epoch, 2.0 * 14873.0 + 2.0 * 34.0);
        // Reshuffling the 80 rows each epoch: 80 · 40.
        let r = small(&[("optimizer", "sgd"), ("batch_order", "reshuffle")]);
        assert_eq!(r.train_flops_per_epoch, 2.0 * 14873.0 + 2.0 * 34.0 + 3200.0);
        // Logged epochs (0, 5, 9 of 10).
        assert_eq!(c.logged_epochs, 3);
    }

    #[test]
    fn logged_epoch_extras_follow_grad_time() {
        // Probe on all 100 rows: 2 blocks = 128 rows · 176 + 100 · 2 · 40
        // (loss) + 100 · 5 units copied = 22528 + 8000 + 500 = 31028.
        // Evaluation on 80 train rows: 128 · 176 + 80 · 80 = 28928;
        // on 20 test rows: 64 · 176 + 20 · 80 = 12864. Weight norms 2 · 12.
        // Batch gradients: 2 batches · 12 weights · (1 copy + 5 moments) = 144.
        let probes = 31028.0 + 28928.0 + 12864.0 + 24.0 + 144.0;
        let before = small(&[("grad_time", "before")]);
        assert_eq!(before.logged_extra_flops, probes);
        // after: one more pass of two 40-row gradients (no optimizer).
        let after = small(&[]);
        assert_eq!(after.logged_extra_flops, probes + 2.0 * 14873.0);
        // ibsgd: the same pass on its permutation, plus 80 rows · 40 to shuffle.
        let ibsgd = small(&[("grad_time", "ibsgd")]);
        assert_eq!(ibsgd.logged_extra_flops, probes + 2.0 * 14873.0 + 3200.0);
    }

    #[test]
    fn mi_work_by_estimator() {
        // IDNNs binning, 100 rows, widths 3 and 2: 100·(3 + 4) + 100·(2 + 4).
        let c = small(&[]);
        assert_eq!(c.mi_per_logged_epoch.bin_values, 700.0 + 600.0);
        assert_eq!(c.finish_mi, MiWork::default());
        // KDE: 100·99/2 = 4950 pairs per layer, · (3 + 18) and · (2 + 18).
        let k = small(&[("estimator", "kde-upper")]);
        assert_eq!(k.mi_per_logged_epoch.kde_pair_dims, 4950.0 * 41.0);
        assert_eq!(k.mi_per_logged_epoch.bin_values, 0.0);
        // noisy-sp, m = 3, K = 4: per layer 100·3·100 + 100·4·3·4 = 34800
        // meetings, · (3 + 18) and · (2 + 18).
        let n = small(&[
            ("estimator", "noisy-sp"),
            ("noise_std", "0.1"),
            ("mc_samples", "3"),
            ("cond_samples", "4"),
        ]);
        assert_eq!(n.mi_per_logged_epoch.kde_pair_dims, 34800.0 * 41.0);
        assert_eq!(n.mi_per_logged_epoch.bin_values, 0.0);
        // range=run: per-layer scans cost 1 per value, and the end redoes
        // each of the 3 logged epochs' probe forward pass and MI.
        let r = small(&[("estimator", "uniform-binning"), ("range", "run")]);
        assert_eq!(r.finish_mi.bin_values, 3.0 * 1300.0);
        assert_eq!(r.finish_flops, 3.0 * 31028.0);
        let l = small(&[("estimator", "uniform-binning"), ("range", "layer")]);
        assert_eq!(l.mi_per_logged_epoch.bin_values, 100.0 * 10.0 + 100.0 * 8.0);
    }

    #[test]
    fn memory_of_a_hand_counted_network() {
        let c = small(&[]);
        let by = |name: &str| c.memory.iter().find(|d| d.name == name).unwrap().bytes;
        // 100 rows · 2 features · 4 B + 100 labels · 4 B.
        assert_eq!(by("data set"), 1200);
        // train 80 twice (split, order), test 20, MI rows and labels 100 each.
        assert_eq!(by("row indexes"), (160 + 20 + 200) * 4);
        // 17 params · 4 B · (weights, gradient, Adam m, v).
        assert_eq!(by("weights, gradient and optimizer state"), 17 * 16);
        // Blocks of 256 B: inputs 16 (the fast copy's minimum) + units 5 +
        // logits/targets 4 + deltas 2·3 = 31; 17 params · 32 B of lane
        // accumulators; 12 weights · 2 tiles · 32 B.
        assert_eq!(by("kernel workspace"), 31 * 256 + 17 * 32 + 12 * 64);
        // 100 MI rows · 5 units · 4 B.
        assert_eq!(by("activations of a logged epoch on the MI rows"), 2000);
        // 2 batches · 12 weights · 4 B.
        assert_eq!(by("per-batch gradients of a logged epoch"), 96);
        assert_eq!(by("range=run weight snapshots"), 0);
        // Binning: codes 100 · 3 · 4, keys 2 · 8 · 100, histograms 2 · 4 · 101.
        assert_eq!(by("MI estimator buffers"), 1200 + 1600 + 808);
        // 3 logged epochs · (2 layers · 17 · 8 + 40).
        assert_eq!(by("record"), 3 * (272 + 40));
        let r = small(&[("estimator", "uniform-binning"), ("range", "run")]);
        let by = |name: &str| r.memory.iter().find(|d| d.name == name).unwrap().bytes;
        // 3 snapshots and the probe's scratch, 17 params · 4 B each.
        assert_eq!(by("range=run weight snapshots"), 4 * 68);
        assert_eq!(by("activations of a logged epoch on the MI rows"), 4000);
        // KDE on 100 rows, widest layer 3: copies 2·100·3·4, 800 + 1600,
        // one chunk of 128 rows holding 4 · 100 column sums.
        let k = small(&[("estimator", "kde-upper")]);
        let by = |name: &str| k.memory.iter().find(|d| d.name == name).unwrap().bytes;
        assert_eq!(by("MI estimator buffers"), 2400 + 2400 + 1600);
        assert_eq!(
            k.peak_bytes(),
            k.memory.iter().map(|d| d.bytes).sum::<u64>()
        );
    }

    #[test]
    fn memory_check_names_the_driving_parameters() {
        // A wide net with range=run over a long run: snapshots dominate.
        let c = Cost::estimate(
            &cfg(&[
                ("hidden", "1000,1000"),
                ("estimator", "uniform-binning"),
                ("range", "run"),
            ]),
            4096,
            12,
            2,
        );
        let one = c.peak_bytes();
        assert!(c.check_memory(one, 1).is_ok());
        let e = c.check_memory(one, 2).unwrap_err();
        assert_eq!(e.needed, 2 * one);
        assert_eq!(e.largest[0].name, "range=run weight snapshots");
        let text = e.to_string();
        assert!(text.contains("2 parallel seeds"), "{text}");
        assert!(
            text.contains("range, hidden, epochs, log_schedule"),
            "{text}"
        );
        // 275 snapshots (274 logged + the probe's scratch) of
        // 12·1000 + 1000 + 1000·1000 + 1000 + 1000·2 + 2 = 1,016,002 params · 4 B.
        assert_eq!(e.largest[0].bytes, 275 * 1_016_002 * 4);
    }

    #[test]
    fn seconds_add_up() {
        let c = small(&[]);
        let s = Speeds {
            dense_flops_per_s: 1e6,
            bin_values_per_s: 1e3,
            kde_pair_dims_per_s: 1.0,
        };
        let (per, total) = c.seconds(&s);
        let want = (10.0 * c.train_flops_per_epoch + 3.0 * c.logged_extra_flops) / 1e6
            + 3.0 * 1300.0 / 1e3;
        assert!((total - want).abs() < 1e-9 * want);
        assert!((per - total / 10.0).abs() < 1e-12);
        assert_eq!(format_bytes(1_234_567), "1.2 MB");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_seconds(125.0), "2 min 5 s");
    }

    #[test]
    fn wall_seconds_spread_mi_over_idle_workers_only() {
        let c = small(&[("estimator", "kde-upper")]);
        let s = Speeds {
            dense_flops_per_s: 1e6,
            bin_values_per_s: 1e3,
            kde_pair_dims_per_s: 1e3,
        };
        let one = c.seconds(&s).1;
        // MI: 3 logged epochs, each 2 layers of C(100, 2) = 4950 pairs
        // times (width + 18) pair-dimensions, at 1e3 per second.
        let mi = 3.0 * 4950.0 * ((3.0 + 18.0) + (2.0 + 18.0)) / 1e3;
        assert!((c.mi_seconds(&s) - mi).abs() < 1e-9);
        let train = one - mi;
        assert!(mi > train, "the test needs MI to dominate");
        assert!(c.deferral_pays(&s));
        // As many seeds as workers, or more: whole rounds of one seed's time.
        assert_eq!(c.wall_seconds(&s, 2, 2), one);
        assert_eq!(c.wall_seconds(&s, 5, 2), 3.0 * one);
        // One seed, two workers: its work halves (MI dominates, so the
        // sequential training is not the bound)...
        assert!((c.wall_seconds(&s, 1, 2) - one / 2.0).abs() < 1e-12);
        // ...but with many workers, training bounds it.
        assert!((c.wall_seconds(&s, 1, 1000) - train).abs() < 1e-12);
    }

    #[test]
    fn deferral_pays_for_replay_jobs_and_kde_not_for_shipped_binning() {
        let s = Speeds::REFERENCE;
        // var_u without noise replays: the job is the 17 weights, so even
        // binning's MI is worth handing over.
        let replayed = small(&[]);
        assert_eq!(replayed.mi_job_floats, 17.0);
        assert!(replayed.deferral_pays(&s));
        // Class clustering needs the activations in the trainer, so jobs
        // carry them: 100 rows × (3 + 2) units, 500 values, 4000
        // value-equivalents to ship at SHIP_PER_FLOAT = 8. Binning them:
        // 500 values + 4 per row and layer = 1300, less than shipping: no
        // deferral, whatever the workers.
        let binned = small(&[("clustering", "on")]);
        assert_eq!(binned.mi_job_floats, 500.0);
        assert_eq!(binned.mi_per_logged_epoch.bin_values, 1300.0);
        assert!(!binned.deferral_pays(&s));
        let one = binned.seconds(&s).1;
        assert_eq!(binned.wall_seconds(&s, 1, 4), one);
        // KDE on the same rows: 4950 pairs × 41 pair-dimensions, worth
        // 203 k / 21e9 · 3.9e8 ≈ 3770 value-equivalents at the reference
        // speeds, under 4000: no deferral either...
        let kde = small(&[("estimator", "kde-upper"), ("clustering", "on")]);
        assert!(!kde.deferral_pays(&s));
        // ...but on 1000 rows (100× the pairs, 10× the values) it pays.
        let big = Cost::estimate(
            &cfg(&[("estimator", "kde-upper"), ("clustering", "on")]),
            1000,
            2,
            2,
        );
        assert!(big.deferral_pays(&s));
        // noisy-sp ships its 4 conditional samples of each row too (IDNNs'
        // layers: 31 units).
        let noisy = Cost::estimate(
            &cfg(&[
                ("estimator", "noisy-sp"),
                ("noise_std", "0.1"),
                ("cond_samples", "4"),
            ]),
            100,
            2,
            2,
        );
        assert_eq!(noisy.mi_job_floats, (1.0 + 4.0) * 100.0 * 31.0);
    }

    #[test]
    fn calibration_reports_positive_speeds() {
        let t0 = std::time::Instant::now();
        let s = calibrate(&|| t0.elapsed().as_secs_f64());
        assert!(s.dense_flops_per_s > 0.0 && s.dense_flops_per_s.is_finite());
        assert!(s.bin_values_per_s > 0.0 && s.kde_pair_dims_per_s > 0.0);
    }
}
