//! Hand-made records whose verdicts are known, and the stationary controls'
//! firing rates.

use crate::record::{EpochRecord, SeedRecord};

mod axis;
mod compression;
mod controls;
mod crossings;
mod decline;
mod normalisation;
mod phases;
mod shares;
mod stored;
mod trends;

/// A record of `n` layers from per-epoch closures (epoch index, layer → value).
pub(super) struct Build<'a> {
    pub n: usize,
    pub m: &'a dyn Fn(usize, usize) -> f64,
    pub s: &'a dyn Fn(usize, usize) -> f64,
    pub ixt: &'a dyn Fn(usize, usize) -> f64,
    pub ity: &'a dyn Fn(usize, usize) -> f64,
    pub w: &'a dyn Fn(usize, usize) -> f64,
}

impl Default for Build<'_> {
    fn default() -> Self {
        Build {
            n: 1,
            m: &|_, _| 1.0,
            s: &|_, _| 1.0,
            ixt: &|_, _| 1.0,
            ity: &|_, _| 0.5,
            w: &|_, _| 1.0,
        }
    }
}

impl Build<'_> {
    pub fn record(&self, seed: u64, epochs: &[usize]) -> SeedRecord {
        let mut r = SeedRecord::new(seed);
        let n = self.n;
        for &e in epochs {
            r.push(&EpochRecord {
                epoch: e,
                ixt: (0..n).map(|l| (self.ixt)(e, l)).collect(),
                ity: (0..n).map(|l| (self.ity)(e, l)).collect(),
                grad_m: (0..n).map(|l| (self.m)(e, l)).collect(),
                grad_s: (0..n).map(|l| (self.s)(e, l)).collect(),
                wnorm: (0..n).map(|l| (self.w)(e, l)).collect(),
                loss_train: 0.5,
                loss_test: 0.6,
                acc_train: 0.9,
                acc_test: 0.8,
            });
        }
        r
    }
}

/// IDNNs' 274 logged epochs of 8000 (0-based).
pub(super) fn idnns_epochs() -> Vec<usize> {
    crate::schedule::Schedule::Idnns { samples: 400 }.epochs(8000)
}

/// A seeded standard normal sequence for jitter in constructed records.
pub(super) fn jitter(seed: u64, n: usize) -> Vec<f64> {
    let mut r = crate::rng::Rng::for_stream(seed, crate::rng::Stream::Init);
    (0..n).map(|_| r.normal()).collect()
}
