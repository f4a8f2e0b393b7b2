//! One logged epoch's mutual-information work, packaged so that another
//! worker can do it (deferred MI, see
//! [`Trainer::set_defer_mi`](crate::train::Trainer::set_defer_mi)).
//!
//! # Format (version 2), little-endian, checked as checkpoints are
//!
//! ```text
//! magic "IPMJ", u32 version
//! u8[] query (UTF-8)
//! u32 layers, then u32 width per layer
//! u64 rows, u32 classes, u32[] labels (rows of them)
//! per layer f32[] activations (rows · width, row-major)
//! u8 run range (0 none, 1 present), present: f32 lo, f32 hi
//! u32 K conditional samples (0 none), K > 0: per layer
//!     f32[] samples (K · rows · width; row k·rows + i is sample k of row i)
//! ```
//!
//! Version 2 added the conditional samples (noisy-sp's h(T | X) in a noisy
//! network); a version-1 job is refused with a message saying so.
//!
//! `T[]` is a u64 element count then the elements (see
//! [`checkpoint`](crate::checkpoint)).

use crate::checkpoint::{DecodeError, Reader, Writer};
use crate::estimators::{estimate_layers_cond, Estimator, LayerView, MiPair};

const MAGIC: &[u8; 4] = b"IPMJ";
const VERSION: u32 = 2;

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
}

impl MiJob {
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

    /// Activations and conditional samples the job carries (f32 values).
    pub fn floats(&self) -> usize {
        self.acts.iter().chain(&self.cond).map(Vec::len).sum()
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
        w.buf
    }

    /// Reads [`MiJob::to_bytes`]'s output, checking that the labels number
    /// `rows` and lie below `n_classes`, and each layer holds
    /// `rows × width` activations.
    pub fn from_bytes(bytes: &[u8]) -> Result<MiJob, DecodeError> {
        let mut r = Reader::new(bytes);
        if bytes.len() >= 8 && &bytes[..4] == MAGIC && bytes[4..8] == 1u32.to_le_bytes() {
            r.header(MAGIC, 1)?;
            return Err(r.error(
                "an MI job of format 1 (before noisy-sp's conditional samples) is not supported; recompute it with this version",
            ));
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
            acts.push(r.f32s(Some(n), "a layer's activations")?);
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
        r.end()?;
        Ok(MiJob {
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
    fn format_1_jobs_are_refused_by_name() {
        let mut b = job().to_bytes();
        b[4..8].copy_from_slice(&1u32.to_le_bytes());
        let e = MiJob::from_bytes(&b).unwrap_err();
        assert!(e.message.contains("format 1"), "{e}");
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
