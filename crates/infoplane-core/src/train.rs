//! Training one seed, epoch by epoch, with probes at logged epochs.
//!
//! [`Trainer::step`] trains one epoch and returns the [`EpochRecord`] when
//! the epoch is logged, so a front end can interleave training with drawing,
//! pausing and stopping.

use crate::config::{ActTime, BatchOrder, Config, GradTime};
use crate::data::{Dataset, Split};
use crate::estimators::{estimate_layers, Estimator, LayerView, MiPair, RangeScope};
use crate::network::{Gradients, Network, Workspace};
use crate::optim::Optimizer;
use crate::params::ParamError;
use crate::probe::{BatchGradients, Probe};
use crate::record::{EpochRecord, SeedRecord, Status};
use crate::rng::{Rng, Stream};
use std::sync::Arc;

/// Activations kept for estimators whose bins depend on the whole run
/// (`range=run`, Saxe's ReLU binning): every logged epoch's activations and
/// the running min/max over all layers, units and epochs.
#[derive(Clone, Debug, Default)]
struct RunStore {
    epochs: Vec<Vec<Vec<f32>>>,
    lo: f32,
    hi: f32,
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
    logged: Vec<usize>,
    next_log: usize,
    epoch: usize,
    probe: Probe,
    batch_grads: BatchGradients,
    run_store: Option<RunStore>,
    record: SeedRecord,
}

impl Trainer {
    /// Sets up a run of `cfg` on `data` (its seed initialises the weights,
    /// split and batch order). Fails, naming the parameter, if `cfg` does
    /// not fit the data.
    pub fn new(cfg: &Config, data: Arc<Dataset>) -> Result<Trainer, ParamError> {
        cfg.check_data(&data)?;
        let split = cfg.split_rows(data.len());
        let mi_rows = cfg.mi_rows_of(data.len(), &split);
        let mi_labels = mi_rows.iter().map(|&r| data.y()[r as usize]).collect();
        let mut init = Rng::for_stream(cfg.seed, Stream::Init);
        let net = Network::new(
            data.n_features(),
            &cfg.hidden,
            data.n_classes(),
            cfg.activation,
            cfg.output,
            &mut init,
        );
        let run_store = matches!(
            cfg.estimator,
            Estimator::UniformBinning {
                scope: RangeScope::Run,
                ..
            }
        )
        .then(|| RunStore {
            epochs: Vec::new(),
            lo: f32::INFINITY,
            hi: f32::NEG_INFINITY,
        });
        Ok(Trainer {
            opt: Optimizer::new(cfg.optimizer, cfg.lr, &net),
            ws: Workspace::new(&net),
            grad: Gradients::zeros_like(&net),
            order: split.train.clone(),
            batch_rng: Rng::for_stream(cfg.seed, Stream::Batches),
            logged: cfg.schedule.epochs(cfg.epochs),
            next_log: 0,
            epoch: 0,
            probe: Probe::default(),
            batch_grads: BatchGradients::default(),
            run_store,
            record: SeedRecord::new(cfg.seed),
            cfg: cfg.clone(),
            data,
            split,
            mi_rows,
            mi_labels,
            net,
        })
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

    /// The record so far.
    pub fn record(&self) -> &SeedRecord {
        &self.record
    }

    /// Trains one epoch. Returns its record if the epoch is logged. An error
    /// (weights or loss became NaN or infinite) ends the run; the message
    /// says where and why.
    pub fn step(&mut self) -> Result<Option<EpochRecord>, String> {
        if self.is_done() {
            return Ok(None);
        }
        let e = self.epoch;
        let logged = self.logged.get(self.next_log) == Some(&e);
        if logged && self.cfg.act_time == ActTime::Start {
            self.probe.take(
                &mut self.ws,
                &self.net,
                &self.data,
                &self.split,
                &self.mi_rows,
            );
        }
        if self.cfg.batch_order == BatchOrder::Reshuffle {
            self.batch_rng.shuffle(&mut self.order);
        }
        self.batch_grads.clear();
        let bs = self.cfg.batch_size.unwrap_or(self.order.len()).max(1);
        for batch in self.order.chunks(bs) {
            self.ws
                .gradient(&self.net, &self.data, batch, &mut self.grad);
            if logged && self.cfg.grad_time == GradTime::Before {
                self.batch_grads.push(&self.grad);
            }
            self.opt.step(&mut self.net, &self.grad);
            if logged && self.cfg.grad_time == GradTime::After {
                // IDNNs evaluates the batch's gradient again after its update.
                self.ws
                    .gradient(&self.net, &self.data, batch, &mut self.grad);
                self.batch_grads.push(&self.grad);
            }
        }
        if let Some(l) = self.net.first_non_finite_layer() {
            return Err(self.fail(format!(
                "weights of layer {} became NaN or infinite during epoch {e}; the learning rate ({}) may be too large",
                l + 1,
                self.cfg.lr
            )));
        }
        self.epoch += 1;
        if !logged {
            return Ok(None);
        }
        if self.cfg.act_time == ActTime::End {
            self.probe.take(
                &mut self.ws,
                &self.net,
                &self.data,
                &self.split,
                &self.mi_rows,
            );
        }
        if !self.probe.loss_train.is_finite() {
            return Err(self.fail(format!(
                "the training loss became {} at epoch {e}",
                self.probe.loss_train
            )));
        }
        self.next_log += 1;
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

    fn fail(&mut self, message: String) -> String {
        self.record.status = Status::Failed;
        self.record.message = Some(message.clone());
        self.epoch = self.cfg.epochs;
        message
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

    /// MI of the probe's activations. With `range=run` the activations are
    /// kept, and the estimate uses the range seen so far (provisional until
    /// [`Trainer::finish`] recomputes every epoch with the run's range).
    fn estimate(&mut self) -> Vec<MiPair> {
        let widths = self.net.widths();
        let n = self.mi_rows.len();
        let nc = self.data.n_classes();
        let range = self.run_store.as_mut().map(|st| {
            for v in self.probe.activations.iter().flatten() {
                st.lo = st.lo.min(*v);
                st.hi = st.hi.max(*v);
            }
            st.epochs.push(self.probe.activations.clone());
            (st.lo, st.hi)
        });
        let views = Self::views(&self.probe.activations, &widths, n);
        estimate_layers(&self.cfg.estimator, &views, &self.mi_labels, nc, range)
    }

    /// Ends the run with `status` and returns the seed's record. For
    /// `range=run`, every logged epoch's MI is recomputed with the min/max
    /// over the whole run, as Saxe et al. did after training.
    pub fn finish(mut self, status: Status, seconds: f64) -> SeedRecord {
        if self.record.status != Status::Failed {
            self.record.status = status;
        }
        self.record.seconds = seconds;
        if let Some(st) = self.run_store.take() {
            let widths = self.net.widths();
            let n = self.mi_rows.len();
            for (k, acts) in st.epochs.iter().enumerate() {
                let views = Self::views(acts, &widths, n);
                let mi = estimate_layers(
                    &self.cfg.estimator,
                    &views,
                    &self.mi_labels,
                    self.data.n_classes(),
                    Some((st.lo, st.hi)),
                );
                self.record.ixt[k] = mi.iter().map(|p| p.ixt).collect();
                self.record.ity[k] = mi.iter().map(|p| p.ity).collect();
            }
        }
        self.record
    }
}
