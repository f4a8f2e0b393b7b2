//! One logged epoch's mutual-information work, packaged so that another
//! worker can do it (deferred MI, see
//! [`Trainer::set_defer_mi`](crate::train::Trainer::set_defer_mi)).
//!
//! A job carries either the activations themselves or, for a *replay*
//! job, the weights they came from: the receiver runs the same forward
//! pass over the same rows (the kernels give the same bits everywhere) and
//! then the same estimate. A replay job is a few hundred values where
//! the activations are hundreds of thousands, so the browser can hand
//! binned MI to an idle worker too ([`replayable`]).
//!
//! # Format (version 3), little-endian, checked as checkpoints are
//!
//! ```text
//! magic "IPMJ", u32 version
//! u8[] query (UTF-8)
//! u32 layers, then u32 width per layer
//! u64 rows, u32 classes, u32[] labels (rows of them)
//! per layer f32[] activations (rows · width, row-major; none in a replay job)
//! u8 run range (0 none, 1 present), present: f32 lo, f32 hi
//! u32 K conditional samples (0 none), K > 0: per layer
//!     f32[] samples (K · rows · width; row k·rows + i is sample k of row i)
//! u64 seed, f32[] parameters (every layer's w then b; empty: not a replay)
//! ```
//!
//! Version 2 added the conditional samples (noisy-sp's h(T | X) in a noisy
//! network), version 3 replay jobs; older jobs are refused with a message
//! saying so.
//!
//! `T[]` is a u64 element count then the elements (see
//! [`checkpoint`](crate::checkpoint)).

use crate::checkpoint::{DecodeError, Reader, Writer};
use crate::config::{Config, DataChoice};
use crate::data::Dataset;
use crate::estimators::{estimate_layers_cond, Estimator, LayerView, MiPair};
use crate::network::{Network, Workspace};
use crate::rng::{Rng, Stream};

const MAGIC: &[u8; 4] = b"IPMJ";
const VERSION: u32 = 3;

/// Whether `cfg`'s logged epochs can be handed over as replay jobs: the
/// activations must follow from the weights and the configuration alone
/// (no noise, no conditional samples), the receiver must be able to build
/// the data set itself (var_u, compiled in), and the trainer must not need
/// them itself (class clustering, `range=run`'s running range).
pub fn replayable(cfg: &Config) -> bool {
    cfg.data == DataChoice::VarU
        && cfg.noise_std == 0.0
        && !cfg.clustering
        && crate::train::cond_samples_of(cfg) == 0
        && !crate::train::uses_run_range(cfg)
}

/// The activations of one logged epoch and what is needed to estimate
/// their MI anywhere.
#[derive(Clone, Debug, PartialEq)]
pub struct MiJob {
    /// The experiment's query string; the receiver rebuilds the
    /// [`Config`](crate::config::Config) from it to get the estimator.
    pub query: String,
    /// Units per layer.
    pub widths: Vec<usize>,
    /// Rows (inputs) per layer.
    pub rows: usize,
    /// Label of each row, below `n_classes`.
    pub labels: Vec<u32>,
    /// Number of classes.
    pub n_classes: usize,
    /// Per layer, row-major `rows × widths[l]` activations.
    pub acts: Vec<Vec<f32>>,
    /// The range for `range=run` (None otherwise).
    pub run_range: Option<(f32, f32)>,
    /// K, the conditional samples per row in `cond` (0: none).
    pub cond_k: usize,
    /// Per layer (empty when `cond_k` is 0), noisy-sp's conditional
    /// samples: `cond_k · rows × widths[l]`, row k·rows + i sample k of row
    /// i ([`estimate_layers_cond`]).
    pub cond: Vec<Vec<f32>>,
    /// The run's seed (its split and MI rows), for a replay job.
    pub seed: u64,
    /// A replay job's weights (every layer's `w` then `b`); empty when the
    /// job carries its activations.
    pub params: Vec<f32>,
}

impl MiJob {
    /// For a replay job, computes its activations: `cfg` (the job's query
    /// with its seed) and `data` rebuild the network and the MI rows, and
    /// the trainer's probe pass runs again. Other jobs are left as they are.
    /// Fails when the job does not fit them.
    pub fn replay(&mut self, cfg: &Config, data: &Dataset) -> Result<(), String> {
        if self.params.is_empty() {
            return Ok(());
        }
        let cfg = cfg.with_seed(self.seed);
        cfg.check_data(data).map_err(|e| e.to_string())?;
        // The initialisation is overwritten by the job's weights.
        let mut rng = Rng::for_stream(0, Stream::Init);
        let mut net = Network::new(
            data.n_features(),
            &cfg.hidden,
            data.n_classes(),
            cfg.activation,
            cfg.output,
            &mut rng,
        );
        if net.widths() != self.widths || crate::train::param_count(&net) != self.params.len() {
            return Err("a replay job's weights do not fit its experiment's network".into());
        }
        crate::train::load_params(&mut net, &self.params);
        let split = cfg.split_rows(data.len());
        let rows = cfg.mi_rows_of(data.len(), &split);
        if rows.len() != self.rows {
            return Err(format!(
                "a replay job for {} MI rows where its experiment has {}",
                self.rows,
                rows.len()
            ));
        }
        self.acts = vec![Vec::new(); net.layers.len()];
        Workspace::new(&net).forward_rows_with_noise(&net, data, &rows, &mut self.acts, None);
        Ok(())
    }

    /// The MI of every layer, exactly as the trainer computes it
    /// ([`estimate_layers_cond`]); malformed shapes give NaN pairs.
    pub fn compute(&self, estimator: &Estimator) -> Vec<MiPair> {
        let views: Vec<LayerView<'_>> = self
            .acts
            .iter()
            .zip(&self.widths)
            .map(|(a, &w)| LayerView {
                data: a,
                rows: self.rows,
                width: w,
            })
            .collect();
        let cond: Vec<LayerView<'_>> = if self.cond_k == 0 {
            Vec::new()
        } else {
            self.cond
                .iter()
                .zip(&self.widths)
                .map(|(a, &w)| LayerView {
                    data: a,
                    rows: self.cond_k * self.rows,
                    width: w,
                })
                .collect()
        };
        let mut mi = estimate_layers_cond(
            estimator,
            &views,
            &cond,
            &self.labels,
            self.n_classes,
            self.run_range,
        );
        // A width without activations (or the reverse) is a malformed job.
        mi.resize(self.widths.len(), MiPair::NAN);
        mi
    }

    /// Activations, conditional samples and weights the job carries (f32
    /// values).
    pub fn floats(&self) -> usize {
        self.acts
            .iter()
            .chain(&self.cond)
            .map(Vec::len)
            .sum::<usize>()
            + self.params.len()
    }

    /// The job in the binary format of the module docs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let floats = self.floats();
        let mut w = Writer::with_capacity(64 + self.query.len() + 4 * (floats + self.labels.len()));
        w.bytes(MAGIC);
        w.u32(VERSION);
        w.str(&self.query);
        w.u32(self.widths.len() as u32);
        for &x in &self.widths {
            w.u32(x as u32);
        }
        w.usize(self.rows);
        w.u32(self.n_classes as u32);
        w.u32s(&self.labels);
        for a in &self.acts {
            w.f32s(a);
        }
        match self.run_range {
            None => w.u8(0),
            Some((lo, hi)) => {
                w.u8(1);
                w.f32(lo);
                w.f32(hi);
            }
        }
        if self.cond_k == 0 {
            w.u32(0);
        } else {
            w.u32(self.cond_k as u32);
            for c in &self.cond {
                w.f32s(c);
            }
        }
        w.u64(self.seed);
        w.f32s(&self.params);
        w.buf
    }

    /// Reads [`MiJob::to_bytes`]'s output, checking that the labels number
    /// `rows` and lie below `n_classes`, and each layer holds
    /// `rows × width` activations.
    pub fn from_bytes(bytes: &[u8]) -> Result<MiJob, DecodeError> {
        let mut r = Reader::new(bytes);
        for (old, what) in [
            (1u32, "before noisy-sp's conditional samples"),
            (2, "before replay jobs"),
        ] {
            if bytes.len() >= 8 && &bytes[..4] == MAGIC && bytes[4..8] == old.to_le_bytes() {
                r.header(MAGIC, old)?;
                return Err(r.error(format!(
                    "an MI job of format {old} ({what}) is not supported; recompute it with this version"
                )));
            }
        }
        r.header(MAGIC, VERSION)?;
        let query = r.string("the query")?;
        let n_layers = r.u32("the layer count")? as usize;
        if n_layers > bytes.len() / 4 {
            return Err(r.error(format!("{n_layers} layers")));
        }
        let mut widths = Vec::with_capacity(n_layers);
        for _ in 0..n_layers {
            widths.push(r.u32("a layer width")? as usize);
        }
        let rows = r.usize("the row count")?;
        let n_classes = r.u32("the class count")? as usize;
        let labels = r.u32s("the labels")?;
        if labels.len() != rows {
            return Err(r.error(format!("{} labels for {rows} rows", labels.len())));
        }
        if let Some(y) = labels.iter().find(|&&y| y as usize >= n_classes) {
            return Err(r.error(format!("label {y} is not below {n_classes} classes")));
        }
        let mut acts = Vec::with_capacity(n_layers);
        for &w in &widths {
            let n = rows
                .checked_mul(w)
                .ok_or_else(|| r.error("rows × width overflows"))?;
            let a = r.f32s(None, "a layer's activations")?;
            // Checked against the weights below: none in a replay job.
            if !a.is_empty() && a.len() != n {
                return Err(r.error(format!("{} activations for {rows} × {w}", a.len())));
            }
            acts.push(a);
        }
        let run_range = match r.u8("the run-range tag")? {
            0 => None,
            1 => Some((
                r.f32("the range's low end")?,
                r.f32("the range's high end")?,
            )),
            t => return Err(r.error(format!("run-range tag {t}"))),
        };
        let cond_k = r.u32("the conditional sample count")? as usize;
        let mut cond = Vec::new();
        if cond_k > 0 {
            for &w in &widths {
                let n = cond_k
                    .checked_mul(rows)
                    .and_then(|x| x.checked_mul(w))
                    .ok_or_else(|| r.error("K × rows × width overflows"))?;
                cond.push(r.f32s(Some(n), "a layer's conditional samples")?);
            }
        }
        let seed = r.u64("the seed")?;
        let params = r.f32s(None, "the weights")?;
        let complete = acts
            .iter()
            .zip(&widths)
            .all(|(a, &w)| rows.checked_mul(w) == Some(a.len()));
        let replay = !params.is_empty() && acts.iter().all(Vec::is_empty);
        if !(complete && params.is_empty() || replay) {
            return Err(r.error("a job needs either every layer's activations or its weights"));
        }
        r.end()?;
        Ok(MiJob {
            seed,
            params,
            query,
            widths,
            rows,
            labels,
            n_classes,
            acts,
            run_range,
            cond_k,
            cond,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimators::{BinSpec, RangeScope};

    fn job() -> MiJob {
        // Two layers over 4 rows, labels 0,0,1,1.
        MiJob {
            query: "preset=saxe-relu&epochs=5".into(),
            widths: vec![2, 1],
            rows: 4,
            labels: vec![0, 0, 1, 1],
            n_classes: 2,
            acts: vec![
                vec![0.0, 0.0, 0.0, 0.9, 0.9, 0.0, 0.9, 0.9],
                vec![0.1, 0.1, 0.8, 0.8],
            ],
            run_range: Some((0.0, 1.0)),
            cond_k: 0,
            cond: Vec::new(),
            seed: 0,
            params: Vec::new(),
        }
    }

    #[test]
    fn round_trip_and_compute_by_hand() {
        let j = job();
        let back = MiJob::from_bytes(&j.to_bytes()).unwrap();
        assert_eq!(back, j);
        let est = Estimator::UniformBinning {
            bins: BinSpec::Count(2),
            scope: RangeScope::Run,
        };
        let mi = back.compute(&est);
        // Two bins over [0, 1]: 0 and 0.1 fall in bin 0, 0.8 and 0.9 in bin 1.
        // Layer 1: four distinct patterns (00, 01, 10, 11): H(T) = 2 bits,
        // each pattern has one label, so I(T;Y) = H(Y) = 1 bit.
        assert_eq!((mi[0].ixt, mi[0].ity), (2.0, 1.0));
        // Layer 2: patterns 0,0,1,1 = the labels: H(T) = I(T;Y) = 1 bit.
        assert_eq!((mi[1].ixt, mi[1].ity), (1.0, 1.0));
    }

    /// A noisy-sp job with K = 2 conditional samples per row.
    fn noisy_job() -> MiJob {
        let mut j = job();
        j.query = "estimator=noisy-sp&noise_std=0.1&cond_samples=2".into();
        j.run_range = None;
        j.cond_k = 2;
        j.cond = j
            .acts
            .iter()
            .map(|a| a.iter().chain(a).map(|v| v + 0.05).collect())
            .collect();
        j
    }

    #[test]
    fn conditional_samples_travel_and_are_used() {
        let j = noisy_job();
        let bytes = j.to_bytes();
        let back = MiJob::from_bytes(&bytes).unwrap();
        assert_eq!(back, j);
        for n in 0..bytes.len() {
            assert!(MiJob::from_bytes(&bytes[..n]).is_err(), "prefix {n}");
        }
        let est = Estimator::NoisyGaussian {
            noise_std: 0.1,
            mc_samples: 3,
            cond_samples: 2,
            seed: 4,
        };
        // Both samples of each row are that row + 0.05: equal, so every
        // mixture term is 0 and the result is the h(Z)-based one. A job
        // whose second samples are moved 0.3 (3σ) has h(T|X) > h(Z).
        let mut k = j.clone();
        for c in &mut k.cond {
            let half = c.len() / 2;
            for v in &mut c[half..] {
                *v += 0.3;
            }
        }
        let plain = MiJob {
            cond_k: 0,
            cond: Vec::new(),
            ..k.clone()
        };
        let (a, b) = (back.compute(&est), plain.compute(&est));
        // Equal samples per row: the h(Z)-based value bit for bit.
        assert_eq!(a, b);
        // Samples 0.3 apart (3σ): h(T|X) > h(Z), so I(X;T) drops.
        let c = MiJob::from_bytes(&k.to_bytes()).unwrap().compute(&est);
        for l in 0..2 {
            assert!(c[l].ixt < b[l].ixt, "{c:?} vs {b:?}");
            assert_eq!(c[l].ity, b[l].ity);
        }
    }

    #[test]
    fn older_formats_are_refused_by_name() {
        for v in [1u32, 2] {
            let mut b = job().to_bytes();
            b[4..8].copy_from_slice(&v.to_le_bytes());
            let e = MiJob::from_bytes(&b).unwrap_err();
            assert!(e.message.contains(&format!("format {v}")), "{e}");
        }
    }

    #[test]
    fn replay_jobs_travel_and_recompute_the_probe() {
        // A trainer's probe at epoch 0 of a short var_u run: its replay job
        // (weights, seed) rebuilds the same activations elsewhere.
        let query = "split=shuffled&seed=3&epochs=3&log_samples=3";
        let cfg =
            Config::from_params(&crate::params::Params::from_query(query, &[]).params).unwrap();
        let data = std::sync::Arc::new(crate::data::var_u());
        let mut t = crate::train::Trainer::new(&cfg, data.clone()).unwrap();
        t.step().unwrap().expect("epoch 0 is logged");
        let acts = t.last_activations().to_vec();
        let mut t2 = crate::train::Trainer::new(&cfg, data.clone()).unwrap();
        t2.set_defer_mi(true);
        t2.set_defer_replay(true);
        t2.step().unwrap();
        let job = t2.mi_job("split=shuffled&epochs=3&log_samples=3");
        assert!(job.acts.iter().all(Vec::is_empty) && !job.params.is_empty());
        assert_eq!(job.seed, 3);
        // A few hundred weights instead of 4096 rows × 31 units.
        assert!(
            job.to_bytes().len() < 20_000 + 4 * 4096,
            "{}",
            job.to_bytes().len()
        );
        let mut back = MiJob::from_bytes(&job.to_bytes()).unwrap();
        assert_eq!(back, job);
        // The job's query lacks the seed: the job's own is used.
        let unseeded =
            Config::from_params(&crate::params::Params::from_query(&back.query, &[]).params)
                .unwrap();
        back.replay(&unseeded, &data).unwrap();
        let bits = |a: &[Vec<f32>]| a.iter().flatten().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.acts), bits(&acts));
        // Weights that do not fit the experiment's network are refused.
        let mut bad = job.clone();
        bad.params.pop();
        assert!(bad.replay(&unseeded, &data).is_err());
        // A job with both activations and weights is malformed.
        let mut both = back.clone();
        both.params = job.params.clone();
        assert!(MiJob::from_bytes(&both.to_bytes()).is_err());
    }

    #[test]
    fn malformed_bytes_are_errors_not_panics() {
        let bytes = job().to_bytes();
        for n in 0..bytes.len() {
            assert!(MiJob::from_bytes(&bytes[..n]).is_err(), "prefix {n}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(MiJob::from_bytes(&extra).is_err());
        // A label count of 2^63 must not allocate or overflow.
        let mut j = job();
        j.query.clear();
        let mut b = j.to_bytes();
        // Layout: magic 4, version 4, query count 8, layers 4, 2 widths 8,
        // rows 8, classes 4, then the labels' count at byte 40.
        b[40..48].copy_from_slice(&(1u64 << 63).to_le_bytes());
        assert!(MiJob::from_bytes(&b).is_err());
        // A label not below the class count.
        let mut j = job();
        j.labels[3] = 2;
        let e = MiJob::from_bytes(&j.to_bytes()).unwrap_err();
        assert!(e.message.contains("label 2"), "{e}");
        // Wrong activation count for a width.
        let mut j = job();
        j.acts[1].pop();
        assert!(MiJob::from_bytes(&j.to_bytes()).is_err());
        // A directly built malformed job computes NaN, not a panic.
        let mi = j.compute(&Estimator::AdaptiveBinning { bins: 3 });
        assert!(mi[1].ixt.is_nan() && mi.len() == 2);
    }
}
