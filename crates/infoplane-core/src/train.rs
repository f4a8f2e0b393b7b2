//! Training one seed, epoch by epoch, with probes at logged epochs.
//!
//! [`Trainer::step`] trains one epoch and returns the [`EpochRecord`] when
//! the epoch is logged, so a front end can interleave training with drawing,
//! pausing and stopping. Between epochs the whole state can be saved
//! ([`Trainer::checkpoint`]) and continued bit for bit ([`Trainer::resume`]).
//! MI can be left to other workers ([`Trainer::set_defer_mi`],
//! [`MiJob`](crate::mi_job::MiJob), [`Trainer::fill_mi`]).

use crate::checkpoint::{fnv1a, AdamPart, Checkpoint, CheckpointError, LayerShape, RunRangePart};
use crate::config::{ActTime, BatchOrder, Config, GradTime};
use crate::data::{Dataset, Split};
use crate::estimators::{
    class_clustering, estimate_layers, estimate_layers_cond, Clustering, Estimator, LayerView,
    MiPair, RangeScope,
};
use crate::mi_job::MiJob;
use crate::network::{Gradients, Layer, Network, Noise, Output, Workspace};
use crate::optim::{AdamState, Optimizer, OptimizerState};
use crate::params::ParamError;
use crate::probe::{BatchGradients, Probe};
use crate::record::{EpochRecord, SeedRecord, Status};
use crate::rng::{Rng, Stream};
use std::fmt;
use std::sync::Arc;

/// Why training stopped, or why a request about logged epochs failed.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A weight or bias became NaN or infinite (ends the run).
    NonFiniteWeights {
        /// The first such layer (0-based; the message counts from 1).
        layer: usize,
        /// The epoch being trained (0-based).
        epoch: usize,
        /// The learning rate.
        lr: f32,
    },
    /// The training loss at a probe was NaN or infinite (ends the run).
    NonFiniteLoss {
        /// The epoch (0-based).
        epoch: usize,
        /// The loss.
        value: f64,
    },
    /// A logged-epoch index beyond those logged so far.
    NotLogged {
        /// The index asked for.
        k: usize,
        /// Logged epochs so far.
        logged: usize,
    },
    /// Weight snapshots were asked for, but only `range=run` keeps them.
    NoSnapshots,
    /// MI results for the wrong number of layers.
    LayerCount {
        /// Layers in the information plane.
        expected: usize,
        /// Pairs given.
        got: usize,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::NonFiniteWeights { layer, epoch, lr } => write!(
                f,
                "weights of layer {} became NaN or infinite during epoch {epoch}; the learning rate ({lr}) may be too large",
                layer + 1
            ),
            TrainError::NonFiniteLoss { epoch, value } => {
                write!(f, "the training loss became {value} at epoch {epoch}")
            }
            TrainError::NotLogged { k, logged } => write!(
                f,
                "logged epoch {k} does not exist yet ({logged} logged so far)"
            ),
            TrainError::NoSnapshots => {
                f.write_str("weight snapshots are kept only with range=run")
            }
            TrainError::LayerCount { expected, got } => {
                write!(f, "{got} MI results for {expected} layers")
            }
        }
    }
}

impl std::error::Error for TrainError {}

/// What `range=run` (Saxe's ReLU binning: bins over the min/max of the
/// whole run) keeps: the running min/max over all layers, units and logged
/// epochs, and per logged epoch the weights and biases at its probe, from
/// which [`Trainer::finish`] recomputes that epoch's activations. A
/// snapshot is the size of the network, far less than the activations on
/// the MI rows it stands for.
#[derive(Clone, Debug)]
struct RunRange {
    lo: f32,
    hi: f32,
    /// Per logged epoch, every layer's `w` then `b`, concatenated.
    snapshots: Vec<Vec<f32>>,
}

/// One seed's training run.
#[derive(Clone, Debug)]
pub struct Trainer {
    cfg: Config,
    data: Arc<Dataset>,
    split: Split,
    mi_rows: Vec<u32>,
    mi_labels: Vec<u32>,
    net: Network,
    opt: Optimizer,
    ws: Workspace,
    grad: Gradients,
    order: Vec<u32>,
    batch_rng: Rng,
    /// ibsgd's gradient-row permutations (`grad_time=ibsgd`).
    grad_rng: Rng,
    /// Scratch: this logged epoch's permutation for `grad_time=ibsgd`.
    grad_rows: Vec<u32>,
    logged: Vec<usize>,
    next_log: usize,
    epoch: usize,
    probe: Probe,
    /// Scratch: the parameters at the last probe (`range=run` only).
    probe_params: Vec<f32>,
    batch_grads: BatchGradients,
    run_range: Option<RunRange>,
    defer_mi: bool,
    /// Deferred MI goes out as replay jobs ([`Trainer::set_defer_replay`]).
    replay: bool,
    record: SeedRecord,
    /// K: noisy passes of the MI rows per probe for noisy-sp's h(T | X)
    /// (0: none; see [`Trainer::set_cond_samples`]).
    cond_k: usize,
    /// Per layer, the last probe's K conditional samples, k-major: row
    /// k·n + i is sample k of MI row i (empty without them).
    cond: Vec<Vec<f32>>,
    /// Scratch: one conditional pass.
    cond_pass: Vec<Vec<f32>>,
}

/// Weights and biases of `net`.
pub(crate) fn param_count(net: &Network) -> usize {
    net.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
}

/// Every layer's `w` then `b`, concatenated, into `out`.
pub(crate) fn params_into(net: &Network, out: &mut Vec<f32>) {
    out.clear();
    for l in &net.layers {
        out.extend_from_slice(&l.w);
        out.extend_from_slice(&l.b);
    }
}

/// The inverse of [`params_into`]; `flat` has exactly the network's size.
pub(crate) fn load_params(net: &mut Network, flat: &[f32]) {
    let mut o = 0;
    for l in &mut net.layers {
        let (nw, nb) = (l.w.len(), l.b.len());
        l.w.copy_from_slice(&flat[o..o + nw]);
        l.b.copy_from_slice(&flat[o + nw..o + nw + nb]);
        o += nw + nb;
    }
}

fn flat_gradients(g: &Gradients) -> Vec<f32> {
    let mut out = Vec::with_capacity(g.w.iter().chain(&g.b).map(Vec::len).sum());
    for (w, b) in g.w.iter().zip(&g.b) {
        out.extend_from_slice(w);
        out.extend_from_slice(b);
    }
    out
}

fn gradients_from_flat(net: &Network, flat: &[f32]) -> Gradients {
    let mut g = Gradients::zeros_like(net);
    let mut o = 0;
    for (w, b) in g.w.iter_mut().zip(&mut g.b) {
        let (nw, nb) = (w.len(), b.len());
        w.copy_from_slice(&flat[o..o + nw]);
        b.copy_from_slice(&flat[o + nw..o + nw + nb]);
        o += nw + nb;
    }
    g
}

/// The passes of a noisy network that draw noise, each from its own
/// sub-stream of [`Stream::TrainNoise`] (see [`pass_noise`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoisePass {
    /// A training step's gradient (the one `grad_time=before` logs).
    Step = 0,
    /// `grad_time=ibsgd`'s logged gradient before a step.
    IbsgdGrad = 1,
    /// `grad_time=after`'s logged gradient after a step.
    AfterGrad = 2,
    /// The probe's activations on the MI rows.
    ProbeMi = 3,
    /// The probe's loss and accuracy on the training rows.
    ProbeTrain = 4,
    /// The probe's loss and accuracy on the test rows.
    ProbeTest = 5,
    /// One of the probe's K passes of the MI rows that sample S_l given
    /// X for noisy-sp's h(T_l | X) ([`Trainer::set_cond_samples`]): the
    /// batch slot holds the sample number k (0..K, K < 2²¹).
    ProbeCond = 6,
}

/// The noise of one pass of a noisy network (`None` when `noise_std` is 0:
/// nothing is drawn). Pass `pass` of batch `batch` (0 for probes) in epoch
/// `epoch` draws from sub-stream `epoch·2²⁴ + batch·2³ + pass` of
/// [`Stream::TrainNoise`]: every pass has its own generator, fixed by
/// where it is in the run, so a run resumed from a checkpoint (taken
/// between epochs) draws the same noise with no generator state saved, and
/// the draws never depend on threads or workers.
pub(crate) fn pass_noise(
    cfg: &Config,
    epoch: usize,
    batch: usize,
    pass: NoisePass,
) -> Option<Noise> {
    (cfg.noise_std > 0.0).then(|| {
        let index = ((epoch as u64) << 24) | ((batch as u64) << 3) | pass as u64;
        Noise::new(
            cfg.noise_std,
            Rng::for_substream(cfg.seed, Stream::TrainNoise, index),
        )
    })
}

/// Identifies a configuration in checkpoints (checkpoints live within one
/// build): a text of every field, choices by name and numbers in full
/// (shortest round-trip form). The destructurings name every field and
/// variant, so none added later can be left out. (A derived `Debug` text
/// of the configuration cost the worker's download ~2 KB gzipped.)
fn fingerprint(cfg: &Config) -> u64 {
    use crate::estimators::{BinSpec, RangeScope};
    use crate::optim::OptimizerKind;
    use crate::schedule::Schedule;
    use std::fmt::Write;
    let Config {
        data,
        split,
        train_pct,
        hidden,
        activation,
        output,
        init,
        noise_std,
        optimizer,
        lr,
        batch_size,
        epochs,
        batch_order,
        seed,
        schedule,
        act_time,
        grad_time,
        estimator,
        mi_rows,
        clustering,
    } = cfg;
    let mut t = String::new();
    for w in hidden {
        let _ = write!(t, "{w},");
    }
    let _ = write!(
        t,
        " {} {} {train_pct} {} {} {} {noise_std} {lr} {} {epochs} {} {seed} {} {} {} {clustering} ",
        data.name(),
        split.name(),
        activation.name(),
        output.name(),
        init.name(),
        batch_size.map_or(0, |b| b + 1),
        batch_order.name(),
        act_time.name(),
        grad_time.name(),
        mi_rows.name(),
    );
    let _ = match *optimizer {
        OptimizerKind::Adam { beta1, beta2, eps } => write!(t, "adam {beta1} {beta2} {eps} "),
        OptimizerKind::Sgd => write!(t, "sgd "),
    };
    let _ = match *schedule {
        Schedule::Idnns { samples } => write!(t, "idnns {samples} "),
        Schedule::Ibsgd => write!(t, "ibsgd "),
        Schedule::Every { k } => write!(t, "every {k} "),
    };
    let _ = write!(t, "{} ", estimator.name());
    let _ = match *estimator {
        Estimator::IdnnsBinning { n_edges, lo, hi } => write!(t, "{n_edges} {lo} {hi}"),
        Estimator::UniformBinning { bins, scope } => {
            let _ = match bins {
                BinSpec::Count(n) => write!(t, "count {n} "),
                BinSpec::Size(s) => write!(t, "size {s} "),
            };
            match scope {
                RangeScope::Fixed { lo, hi } => write!(t, "fixed {lo} {hi}"),
                RangeScope::Global => write!(t, "global"),
                RangeScope::Layer => write!(t, "layer"),
                RangeScope::Neuron => write!(t, "neuron"),
                RangeScope::Run => write!(t, "run"),
            }
        }
        Estimator::AdaptiveBinning { bins } => write!(t, "{bins}"),
        Estimator::KdeUpper { noise_var } | Estimator::KdeLower { noise_var } => {
            write!(t, "{noise_var}")
        }
        Estimator::ExactBinning => Ok(()),
        Estimator::NetInputBinning { n_edges, limit } => write!(t, "{n_edges} {limit}"),
        Estimator::Knn { k, noise_std, seed } => write!(t, "{k} {noise_std} {seed}"),
        Estimator::NoisyGaussian {
            noise_std,
            mc_samples,
            cond_samples,
            seed,
        } => write!(t, "{noise_std} {mc_samples} {cond_samples} {seed}"),
    };
    fnv1a(&t)
}

/// The layer shapes `cfg` builds on `data`.
fn shapes_of(cfg: &Config, data: &Dataset) -> Vec<LayerShape> {
    let n_out = match cfg.output {
        Output::Softmax => data.n_classes(),
        Output::Sigmoid => 1,
    };
    let mut fan_in = data.n_features();
    cfg.hidden
        .iter()
        .chain(std::iter::once(&n_out))
        .map(|&n| {
            let s = LayerShape {
                n_in: fan_in,
                n_out: n,
            };
            fan_in = n;
            s
        })
        .collect()
}

/// The conditional samples `cfg` needs per probe: noisy-sp's
/// `cond_samples` in a noisy network when above 1, else 0.
pub(crate) fn cond_samples_of(cfg: &Config) -> usize {
    match cfg.estimator {
        Estimator::NoisyGaussian { cond_samples, .. }
            if cfg.noise_std > 0.0 && cond_samples > 1 =>
        {
            cond_samples
        }
        _ => 0,
    }
}

pub(crate) fn uses_run_range(cfg: &Config) -> bool {
    matches!(
        cfg.estimator,
        Estimator::UniformBinning {
            scope: RangeScope::Run,
            ..
        }
    )
}

impl Trainer {
    /// Sets up a run of `cfg` on `data` (its seed initialises the weights,
    /// split and batch order). Fails, naming the parameter, if `cfg` does
    /// not fit the data.
    pub fn new(cfg: &Config, data: Arc<Dataset>) -> Result<Trainer, ParamError> {
        cfg.check_data(&data)?;
        let mut init = Rng::for_stream(cfg.seed, Stream::Init);
        let net = Network::with_init(
            data.n_features(),
            &cfg.hidden,
            data.n_classes(),
            cfg.activation,
            cfg.output,
            cfg.init,
            &mut init,
        );
        Ok(Self::fresh(cfg, data, net))
    }

    /// A trainer at epoch 0 with network `net` (`cfg` checked against `data`).
    fn fresh(cfg: &Config, data: Arc<Dataset>, net: Network) -> Trainer {
        let split = cfg.split_rows(data.len());
        let mi_rows = cfg.mi_rows_of(data.len(), &split);
        let mi_labels = mi_rows.iter().map(|&r| data.y()[r as usize]).collect();
        let run_range = uses_run_range(cfg).then(|| RunRange {
            lo: f32::INFINITY,
            hi: f32::NEG_INFINITY,
            snapshots: Vec::new(),
        });
        Trainer {
            opt: Optimizer::new(cfg.optimizer, cfg.lr, &net),
            ws: {
                let mut ws = Workspace::new(&net);
                // IDNNs' batches are the same slices every epoch.
                ws.cache_blocks(cfg.batch_order == BatchOrder::Fixed);
                ws
            },
            grad: Gradients::zeros_like(&net),
            order: split.train.clone(),
            batch_rng: Rng::for_stream(cfg.seed, Stream::Batches),
            grad_rng: Rng::for_stream(cfg.seed, Stream::GradRows),
            grad_rows: Vec::new(),
            logged: cfg.schedule.epochs(cfg.epochs),
            next_log: 0,
            epoch: 0,
            probe: Probe::default(),
            probe_params: Vec::new(),
            batch_grads: BatchGradients::default(),
            run_range,
            defer_mi: false,
            replay: false,
            cond_k: cond_samples_of(cfg),
            cond: Vec::new(),
            cond_pass: Vec::new(),
            record: SeedRecord {
                clustering: cfg.clustering.then(Default::default),
                ..SeedRecord::new(cfg.seed)
            },
            cfg: cfg.clone(),
            data,
            split,
            mi_rows,
            mi_labels,
            net,
        }
    }

    /// The state between two epochs: everything [`Trainer::resume`] needs
    /// to continue bit for bit, except the data set and the record (the
    /// caller has both) and the [`Trainer::set_defer_mi`] choice.
    pub fn checkpoint(&self) -> Checkpoint {
        let mut params = Vec::new();
        params_into(&self.net, &mut params);
        let OptimizerState { steps, adam } = self.opt.state();
        Checkpoint {
            fingerprint: fingerprint(&self.cfg),
            seed: self.cfg.seed,
            epochs: self.cfg.epochs,
            epoch: self.epoch,
            next_log: self.next_log,
            shapes: self
                .net
                .layers
                .iter()
                .map(|l| LayerShape {
                    n_in: l.n_in,
                    n_out: l.n_out,
                })
                .collect(),
            params,
            steps,
            adam: adam.map(|a| AdamPart {
                beta1_power: a.beta1_power,
                beta2_power: a.beta2_power,
                m: flat_gradients(&a.m),
                v: flat_gradients(&a.v),
            }),
            batch_rng: self.batch_rng.state(),
            grad_rng: self.grad_rng.state(),
            order: self.order.clone(),
            run_range: self.run_range.as_ref().map(|r| RunRangePart {
                lo: r.lo,
                hi: r.hi,
                snapshots: r.snapshots.clone(),
            }),
        }
    }

    /// Continues the run of `cfg` on `data` from `ck`, with `record` the
    /// seed's record up to the checkpoint (as the caller collected it from
    /// [`Trainer::step`] and [`Trainer::fill_mi`]). Every later epoch is
    /// bit-identical to the uninterrupted run's. Deferred MI starts off.
    ///
    /// Fails if `cfg` does not fit `data`, or the checkpoint or the record
    /// are not of this run: another configuration (any parameter), layer
    /// shapes, optimizer, row order, logged count or record length. (A
    /// failed run jumps to its last epoch without logging the rest, so its
    /// state does not resume.)
    pub fn resume(
        cfg: &Config,
        data: Arc<Dataset>,
        ck: &Checkpoint,
        record: SeedRecord,
    ) -> Result<Trainer, CheckpointError> {
        let mismatch = |m: String| Err(CheckpointError::Mismatch(m));
        cfg.check_data(&data)?;
        if ck.seed != cfg.seed || ck.epochs != cfg.epochs {
            return mismatch(format!(
                "it is of seed {} and {} epochs, the run of seed {} and {} epochs",
                ck.seed, ck.epochs, cfg.seed, cfg.epochs
            ));
        }
        let shapes = shapes_of(cfg, &data);
        if ck.shapes != shapes {
            let text = |s: &[LayerShape]| {
                let mut v: Vec<String> =
                    s.first().map(|l| l.n_in.to_string()).into_iter().collect();
                v.extend(s.iter().map(|l| l.n_out.to_string()));
                v.join("-")
            };
            return mismatch(format!(
                "its network is {}, the configuration's {}",
                text(&ck.shapes),
                text(&shapes)
            ));
        }
        if ck.fingerprint != fingerprint(cfg) {
            return mismatch("it was made with other parameters".into());
        }
        // Shapes equal, so the parameter count is the one from_bytes checked.
        let mut net = Network {
            layers: shapes
                .iter()
                .map(|s| Layer {
                    n_in: s.n_in,
                    n_out: s.n_out,
                    w: vec![0.0; s.n_in * s.n_out],
                    b: vec![0.0; s.n_out],
                })
                .collect(),
            activation: cfg.activation,
            output: cfg.output,
        };
        let n_params = param_count(&net);
        let sizes_ok = ck.params.len() == n_params
            && ck
                .adam
                .as_ref()
                .is_none_or(|a| a.m.len() == n_params && a.v.len() == n_params)
            && ck
                .run_range
                .as_ref()
                .is_none_or(|r| r.snapshots.iter().all(|s| s.len() == n_params));
        if !sizes_ok {
            return mismatch("its arrays are not the network's size".into());
        }
        load_params(&mut net, &ck.params);
        let mut t = Self::fresh(cfg, data, net);
        let state = OptimizerState {
            steps: ck.steps,
            adam: ck.adam.as_ref().map(|a| AdamState {
                m: gradients_from_flat(&t.net, &a.m),
                v: gradients_from_flat(&t.net, &a.v),
                beta1_power: a.beta1_power,
                beta2_power: a.beta2_power,
            }),
        };
        t.opt = Optimizer::restore(cfg.optimizer, cfg.lr, &t.net, state)
            .map_err(CheckpointError::Mismatch)?;
        let (Some(batch_rng), Some(grad_rng)) =
            (Rng::from_state(ck.batch_rng), Rng::from_state(ck.grad_rng))
        else {
            return mismatch("an RNG state is all zero".into());
        };
        (t.batch_rng, t.grad_rng) = (batch_rng, grad_rng);
        let mut a = ck.order.clone();
        let mut b = t.split.train.clone();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return mismatch("its row order is not a permutation of the training rows".into());
        }
        let logged_before = t.logged.iter().take_while(|&&e| e < ck.epoch).count();
        if ck.epoch > cfg.epochs || ck.next_log != logged_before {
            return mismatch(format!(
                "{} logged epochs before epoch {}; the schedule has {logged_before}",
                ck.next_log, ck.epoch
            ));
        }
        match (&mut t.run_range, &ck.run_range) {
            (None, None) => {}
            (Some(r), Some(p)) if p.snapshots.len() == ck.next_log => {
                (r.lo, r.hi) = (p.lo, p.hi);
                r.snapshots = p.snapshots.clone();
            }
            _ => return mismatch("its range=run state does not fit the estimator".into()),
        }
        let n = ck.next_log;
        let series_ok = [
            &record.ixt,
            &record.ity,
            &record.grad_m,
            &record.grad_s,
            &record.wnorm,
        ]
        .iter()
        .all(|v| v.len() == n)
            && [
                &record.loss_train,
                &record.loss_test,
                &record.acc_train,
                &record.acc_test,
            ]
            .iter()
            .all(|v| v.len() == n)
            && match (&record.clustering, cfg.clustering) {
                (None, false) => true,
                (Some(c), true) => [
                    &c.within_distance,
                    &c.between_distance,
                    &c.within_cosine,
                    &c.between_cosine,
                ]
                .iter()
                .all(|g| g.len() == n),
                _ => false,
            };
        if record.seed != cfg.seed || record.epochs != t.logged[..n] || !series_ok {
            return mismatch(format!(
                "the record (seed {}, {} logged epochs) is not this run's first {n} logged epochs",
                record.seed,
                record.epochs.len()
            ));
        }
        t.order = ck.order.clone();
        t.epoch = ck.epoch;
        t.next_log = n;
        t.record = record;
        Ok(t)
    }

    /// The next epoch to train (0-based); equals `epochs()` when done.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Total epochs of the run.
    pub fn epochs(&self) -> usize {
        self.cfg.epochs
    }

    /// The logged epochs of the run.
    pub fn logged_epochs(&self) -> &[usize] {
        &self.logged
    }

    /// Units per layer in the information plane.
    pub fn layer_widths(&self) -> Vec<usize> {
        self.net.widths()
    }

    /// The network in its current state.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The rows the MI estimates use, and their labels.
    pub fn mi_rows(&self) -> (&[u32], &[u32]) {
        (&self.mi_rows, &self.mi_labels)
    }

    /// The train/test split.
    pub fn split(&self) -> &Split {
        &self.split
    }

    /// True when every epoch has been trained.
    pub fn is_done(&self) -> bool {
        self.epoch >= self.cfg.epochs
    }

    /// The activations of the most recent probe (per layer, row-major on the
    /// MI rows).
    pub fn last_activations(&self) -> &[Vec<f32>] {
        &self.probe.activations
    }

    /// The last probe's conditional samples for noisy-sp (per layer,
    /// k-major: row k·n + i is sample k of MI row i; each layer empty
    /// when none are drawn, see [`Trainer::set_cond_samples`]).
    pub fn last_cond_samples(&self) -> &[Vec<f32>] {
        &self.cond
    }

    /// Draws `k` conditional samples per MI row at each later probe (0 or
    /// 1: none), whatever the estimator asks for; a no-op unless the
    /// network is noisy (`noise_std > 0`). Sample k of a probe at epoch e
    /// comes from its own pass ([`NoisePass::ProbeCond`], sub-stream
    /// e·2²⁴ + k·2³ + 6 of [`Stream::TrainNoise`]), so a smaller K draws
    /// the first samples of a larger one: a sweep over `cond_samples`
    /// draws its largest K once and each point uses its first K. Training
    /// does not depend on it.
    pub fn set_cond_samples(&mut self, k: usize) {
        self.cond_k = if self.cfg.noise_std > 0.0 && k > 1 {
            k.min(1 << 21)
        } else {
            0
        };
    }

    /// The record so far.
    pub fn record(&self) -> &SeedRecord {
        &self.record
    }

    /// With `true`, logged epochs skip the MI estimate: their records carry
    /// NaN `ixt`/`ity`, [`Trainer::last_activations`] (or
    /// [`Trainer::mi_job`]) holds the probe's activations until the next
    /// logged epoch, and the caller writes the result back with
    /// [`Trainer::fill_mi`]. With `range=run`, [`Trainer::finish`] then does
    /// no MI either: the caller estimates every logged epoch k from
    /// [`Trainer::snapshot_activations`] with [`Trainer::run_range`] and
    /// fills it in before finishing.
    pub fn set_defer_mi(&mut self, on: bool) {
        self.defer_mi = on;
    }

    /// With `true` (and where [`crate::mi_job::replayable`]), deferred
    /// logged epochs go out as replay jobs: the probe skips its pass over
    /// the MI rows and [`Trainer::mi_job`] carries the weights instead of
    /// the activations ([`MiJob::replay`] recomputes them). Records are the
    /// same either way.
    pub fn set_defer_replay(&mut self, on: bool) {
        self.replay = on && crate::mi_job::replayable(&self.cfg);
    }

    /// Whether logged epochs now leave as replay jobs.
    fn replaying(&self) -> bool {
        self.defer_mi && self.replay
    }

    /// Writes logged epoch `k`'s MI (one pair per layer) into the record.
    pub fn fill_mi(&mut self, k: usize, mi: &[MiPair]) -> Result<(), TrainError> {
        let logged = self.record.ixt.len();
        if k >= logged {
            return Err(TrainError::NotLogged { k, logged });
        }
        let expected = self.net.layers.len();
        if mi.len() != expected {
            return Err(TrainError::LayerCount {
                expected,
                got: mi.len(),
            });
        }
        self.record.ixt[k] = mi.iter().map(|p| p.ixt).collect();
        self.record.ity[k] = mi.iter().map(|p| p.ity).collect();
        Ok(())
    }

    /// The last probe's activations as an [`MiJob`] (`query` is the
    /// experiment's query string), with the current [`Trainer::run_range`];
    /// a replay job with the probe's weights instead when
    /// [`Trainer::set_defer_replay`] holds.
    pub fn mi_job(&self, query: &str) -> MiJob {
        if self.replaying() {
            return MiJob {
                params: self.probe_params.clone(),
                ..self.job_of(query, vec![Vec::new(); self.net.layers.len()])
            };
        }
        self.job_of(query, self.probe.activations.clone())
    }

    fn job_of(&self, query: &str, acts: Vec<Vec<f32>>) -> MiJob {
        MiJob {
            query: query.to_string(),
            widths: self.net.widths(),
            rows: self.mi_rows.len(),
            labels: self.mi_labels.clone(),
            n_classes: self.data.n_classes(),
            acts,
            run_range: self.run_range(),
            cond_k: self.cond_k,
            cond: if self.cond_k == 0 {
                Vec::new()
            } else {
                self.cond.clone()
            },
            seed: self.cfg.seed,
            params: Vec::new(),
        }
    }

    /// For `range=run`, the min and max activation over every layer, unit
    /// and logged epoch so far ((+∞, −∞) before the first); `None` for
    /// other estimators.
    pub fn run_range(&self) -> Option<(f32, f32)> {
        self.run_range.as_ref().map(|r| (r.lo, r.hi))
    }

    /// Recomputes logged epoch `k`'s activations on the MI rows (per layer,
    /// row-major, into `out`) from its weight snapshot: bit-identical to
    /// what its probe saw. `range=run` only.
    pub fn snapshot_activations(
        &mut self,
        k: usize,
        out: &mut Vec<Vec<f32>>,
    ) -> Result<(), TrainError> {
        let st = self.run_range.as_ref().ok_or(TrainError::NoSnapshots)?;
        let snap = st.snapshots.get(k).ok_or(TrainError::NotLogged {
            k,
            logged: st.snapshots.len(),
        })?;
        let mut net = self.net.clone();
        load_params(&mut net, snap);
        out.resize(net.layers.len(), Vec::new());
        let mut noise = pass_noise(&self.cfg, self.logged[k], 0, NoisePass::ProbeMi);
        self.ws
            .forward_rows_with_noise(&net, &self.data, &self.mi_rows, out, noise.as_mut());
        Ok(())
    }

    /// Logged epoch `k`'s activations from its snapshot as an [`MiJob`]
    /// with the current run range (after the last epoch: the final one).
    pub fn snapshot_mi_job(&mut self, k: usize, query: &str) -> Result<MiJob, TrainError> {
        let mut acts = Vec::new();
        self.snapshot_activations(k, &mut acts)?;
        // Snapshots serve range=run's binning, which needs no conditional
        // samples (those held are the last probe's, not epoch k's).
        Ok(MiJob {
            cond_k: 0,
            cond: Vec::new(),
            ..self.job_of(query, acts)
        })
    }

    /// Probes the network for logged epoch `e`.
    fn take_probe(&mut self, e: usize) {
        let noise = [
            NoisePass::ProbeMi,
            NoisePass::ProbeTrain,
            NoisePass::ProbeTest,
        ]
        .map(|p| pass_noise(&self.cfg, e, 0, p));
        let replay = self.replaying();
        self.probe.take(
            &mut self.ws,
            &self.net,
            &self.data,
            &self.split,
            &self.mi_rows,
            noise,
            !replay,
        );
        if self.run_range.is_some() || replay {
            params_into(&self.net, &mut self.probe_params);
        }
        self.take_cond_samples(e);
    }

    /// The K noisy passes of the MI rows for noisy-sp's h(T | X), into
    /// `self.cond` (emptied when K is 0).
    fn take_cond_samples(&mut self, e: usize) {
        let n_layers = self.net.layers.len();
        self.cond.resize(n_layers, Vec::new());
        for c in &mut self.cond {
            c.clear();
        }
        if self.cond_k == 0 {
            return;
        }
        self.cond_pass.resize(n_layers, Vec::new());
        for k in 0..self.cond_k {
            let mut noise = pass_noise(&self.cfg, e, k, NoisePass::ProbeCond);
            self.ws.forward_rows_with_noise(
                &self.net,
                &self.data,
                &self.mi_rows,
                &mut self.cond_pass,
                noise.as_mut(),
            );
            for (c, p) in self.cond.iter_mut().zip(&self.cond_pass) {
                c.extend_from_slice(p);
            }
        }
    }

    /// Trains one epoch. Returns its record if the epoch is logged. An error
    /// (weights or loss became NaN or infinite) ends the run; the record
    /// keeps its message.
    ///
    /// With `grad_time=ibsgd`, a logged epoch first shuffles a fresh copy
    /// of the training rows (in split order) with its own stream, as
    /// ibsgd's `on_epoch_begin` does, and before each step takes the
    /// gradient on the next `batch_size` rows of it (`on_batch_begin`,
    /// weights before the step). The last slice is whatever remains, as
    /// Python's slicing gives; the training batches cut the same rows with
    /// the same size, so slices and batches run out together, in ibsgd as
    /// here. (Had ibsgd more batches than slices, it would slice an empty
    /// list and log a gradient of the mean loss over no rows, NaN.)
    pub fn step(&mut self) -> Result<Option<EpochRecord>, TrainError> {
        if self.is_done() {
            return Ok(None);
        }
        let e = self.epoch;
        let logged = self.logged.get(self.next_log) == Some(&e);
        if logged && self.cfg.act_time == ActTime::Start {
            self.take_probe(e);
        }
        if self.cfg.batch_order == BatchOrder::Reshuffle {
            self.batch_rng.shuffle(&mut self.order);
        }
        self.batch_grads.clear();
        let bs = self.cfg.batch_size.unwrap_or(self.order.len()).max(1);
        let ibsgd = logged && self.cfg.grad_time == GradTime::Ibsgd;
        if ibsgd {
            self.grad_rows.clear();
            self.grad_rows.extend_from_slice(&self.split.train);
            self.grad_rng.shuffle(&mut self.grad_rows);
        }
        // Both cut the training rows into slices of `bs`: as many slices as
        // batches, the last one the remainder.
        let mut grad_slices = self.grad_rows.chunks(bs);
        let cfg = &self.cfg;
        for (b, batch) in self.order.chunks(bs).enumerate() {
            if let Some(rows) = grad_slices.next().filter(|_| ibsgd) {
                let mut noise = pass_noise(cfg, e, b, NoisePass::IbsgdGrad);
                self.ws.gradient_with_noise(
                    &self.net,
                    &self.data,
                    rows,
                    &mut self.grad,
                    noise.as_mut(),
                );
                self.batch_grads.push(&self.grad);
            }
            let mut noise = pass_noise(cfg, e, b, NoisePass::Step);
            self.ws.gradient_with_noise(
                &self.net,
                &self.data,
                batch,
                &mut self.grad,
                noise.as_mut(),
            );
            if logged && cfg.grad_time == GradTime::Before {
                self.batch_grads.push(&self.grad);
            }
            self.opt.step(&mut self.net, &self.grad);
            if logged && cfg.grad_time == GradTime::After {
                // IDNNs evaluates the batch's gradient again after its update.
                let mut noise = pass_noise(cfg, e, b, NoisePass::AfterGrad);
                self.ws.gradient_with_noise(
                    &self.net,
                    &self.data,
                    batch,
                    &mut self.grad,
                    noise.as_mut(),
                );
                self.batch_grads.push(&self.grad);
            }
        }
        if let Some(layer) = self.net.first_non_finite_layer() {
            return Err(self.fail(TrainError::NonFiniteWeights {
                layer,
                epoch: e,
                lr: self.cfg.lr,
            }));
        }
        self.epoch += 1;
        if !logged {
            return Ok(None);
        }
        if self.cfg.act_time == ActTime::End {
            self.take_probe(e);
        }
        if !self.probe.loss_train.is_finite() {
            return Err(self.fail(TrainError::NonFiniteLoss {
                epoch: e,
                value: self.probe.loss_train,
            }));
        }
        self.next_log += 1;
        if let Some(series) = &mut self.record.clustering {
            let widths = self.net.widths();
            let views = Self::views(&self.probe.activations, &widths, self.mi_rows.len());
            let n_classes = self.data.n_classes();
            let c: Vec<Clustering> = views
                .iter()
                .map(|v| class_clustering(*v, &self.mi_labels, n_classes))
                .collect();
            series.push(&c);
        }
        let mi = self.estimate();
        let moments = self.batch_grads.moments(self.net.layers.len());
        let rec = EpochRecord {
            epoch: e,
            ixt: mi.iter().map(|p| p.ixt).collect(),
            ity: mi.iter().map(|p| p.ity).collect(),
            grad_m: moments.iter().map(|m| m.m).collect(),
            grad_s: moments.iter().map(|m| m.s).collect(),
            wnorm: self.probe.wnorm.clone(),
            loss_train: self.probe.loss_train,
            loss_test: self.probe.loss_test,
            acc_train: self.probe.acc_train,
            acc_test: self.probe.acc_test,
        };
        self.record.push(&rec);
        Ok(Some(rec))
    }

    fn fail(&mut self, err: TrainError) -> TrainError {
        self.record.status = Status::Failed;
        self.record.message = Some(err.to_string());
        self.epoch = self.cfg.epochs;
        err
    }

    fn views<'a>(acts: &'a [Vec<f32>], widths: &[usize], rows: usize) -> Vec<LayerView<'a>> {
        acts.iter()
            .zip(widths)
            .map(|(a, &w)| LayerView {
                data: a,
                rows,
                width: w,
            })
            .collect()
    }

    /// MI of the probe's activations (NaN when deferred). With `range=run`
    /// the running range takes in this probe and the weights are
    /// snapshotted; the estimate uses the range so far (provisional until
    /// [`Trainer::finish`] recomputes every epoch with the run's range).
    fn estimate(&mut self) -> Vec<MiPair> {
        let range = self.run_range.as_mut().map(|st| {
            for v in self.probe.activations.iter().flatten() {
                st.lo = st.lo.min(*v);
                st.hi = st.hi.max(*v);
            }
            st.snapshots.push(self.probe_params.clone());
            (st.lo, st.hi)
        });
        if self.defer_mi {
            return vec![MiPair::NAN; self.net.layers.len()];
        }
        let widths = self.net.widths();
        let n = self.mi_rows.len();
        let views = Self::views(&self.probe.activations, &widths, n);
        let cond = self.cond_views(&widths);
        estimate_layers_cond(
            &self.cfg.estimator,
            &views,
            &cond,
            &self.mi_labels,
            self.data.n_classes(),
            range,
        )
    }

    /// The last probe's conditional samples as views (K·n rows each;
    /// empty when none were drawn).
    pub(crate) fn cond_views<'a>(&'a self, widths: &[usize]) -> Vec<LayerView<'a>> {
        if self.cond_k == 0 {
            return Vec::new();
        }
        Self::views(&self.cond, widths, self.cond_k * self.mi_rows.len())
    }

    /// Ends the run with `status` and returns the seed's record. For
    /// `range=run` (unless MI is deferred), every logged epoch's MI is
    /// recomputed with the min/max over the whole run, as Saxe et al. did
    /// after training, from activations recomputed from the weight
    /// snapshots.
    pub fn finish(mut self, status: Status, seconds: f64) -> SeedRecord {
        if self.record.status != Status::Failed {
            self.record.status = status;
        }
        self.record.seconds = seconds;
        if let (Some(range), false) = (self.run_range(), self.defer_mi) {
            let widths = self.net.widths();
            let n = self.mi_rows.len();
            let mut acts = Vec::new();
            for k in 0..self.record.ixt.len() {
                if self.snapshot_activations(k, &mut acts).is_err() {
                    break;
                }
                let views = Self::views(&acts, &widths, n);
                let mi = estimate_layers(
                    &self.cfg.estimator,
                    &views,
                    &self.mi_labels,
                    self.data.n_classes(),
                    Some(range),
                );
                self.record.ixt[k] = mi.iter().map(|p| p.ixt).collect();
                self.record.ity[k] = mi.iter().map(|p| p.ity).collect();
            }
        }
        self.record
    }
}

#[cfg(test)]
mod tests;
