//! Stationary controls: seeded synthetic runs in which nothing happens, on
//! which a rule should (almost) never fire. Each rule module measures its
//! firing rate on [`REPLICATES`] of them and states it as a constant that a
//! test recomputes, so the page can say "fires on 0.4 % of stationary
//! controls".
//!
//! Controls use IDNNs' logged epochs (274 of 8000) and noise like that of
//! real runs. Between consecutive logged epochs after epoch 100 (sd of the
//! difference / √2) in 4-seed IDNNs-default, IDNNs-ReLU and digits-ReLU runs
//! and 2-seed Saxe tanh and ReLU runs of this engine, log10 of a layer's
//! SNR m_l/s_l moves by 0.04–0.46 decade (median 0.19), the log ratio of
//! two layers' m_l by 0.01–0.48 (median 0.15), a single m_l by 0.02–0.50
//! (median 0.25), and I(X;T) by 0.00–0.05 bit. Each replicate draws its own
//! level, noise size and correlation, so a rate covers a family of quiet
//! runs rather than one; [`NOISE_SD`] says which noise the stated rates
//! cover, and how they grow with more.

use crate::rng::{Rng, Stream};
use crate::schedule::Schedule;

/// Replicates per control.
pub const REPLICATES: usize = 500;

/// How often a rule fired on a stationary control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlRate {
    /// Replicates on which the rule fired.
    pub fired: usize,
    /// Replicates run.
    pub replicates: usize,
}

impl ControlRate {
    /// fired / replicates.
    pub fn rate(&self) -> f64 {
        self.fired as f64 / self.replicates.max(1) as f64
    }

    /// Counts the replicates `0..REPLICATES` on which `fires` is true.
    pub fn measure(fires: impl Fn(usize) -> bool) -> ControlRate {
        ControlRate {
            fired: (0..REPLICATES).filter(|&k| fires(k)).count(),
            replicates: REPLICATES,
        }
    }
}

/// The logged epochs (0-based) of every control: IDNNs' 274 of 8000.
pub fn epochs() -> Vec<usize> {
    Schedule::Idnns { samples: 400 }.epochs(8000)
}

/// Which control a generator belongs to (separate random streams).
#[derive(Clone, Copy)]
enum Kind {
    Gradients = 1,
    Pair = 2,
    Information = 3,
    Shares = 4,
}

fn rng(kind: Kind, replicate: usize) -> Rng {
    Rng::for_stream(
        ((kind as u64) << 32) | replicate as u64,
        // Any stream will do: controls are not runs.
        Stream::Init,
    )
}

fn uniform(r: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * r.next_f64()
}

/// AR(1) noise with lag-1 correlation `rho` and stationary standard
/// deviation `sd`, started from its stationary distribution.
struct Ar1 {
    rho: f64,
    innovation: f64,
    x: f64,
}

impl Ar1 {
    fn new(r: &mut Rng, sd: f64, rho: f64) -> Ar1 {
        Ar1 {
            rho,
            innovation: sd * (1.0 - rho * rho).sqrt(),
            x: sd * r.normal(),
        }
    }

    fn next(&mut self, r: &mut Rng) -> f64 {
        let x = self.x;
        self.x = self.rho * self.x + self.innovation * r.normal();
        x
    }
}

/// The range of each curve's noise sd (decades per logged epoch) in the
/// controls the stated rates use: U(0.05, 0.2), so the log ratio of two
/// curves moves by up to √2 · 0.2 = 0.28 decade, covering the median real
/// run but not the noisiest layers (Saxe's ReLU run reaches 0.46). With
/// noisier curves the rules fire more often: at
/// U(0.05, 0.3) (ratios up to 0.42), the phase rule fires on 14 of 500
/// controls, the crossing rule on 40 and the trend rule on 1 (checked by a
/// test).
pub const NOISE_SD: (f64, f64) = (0.05, 0.2);

/// Noise for one curve: sd U(`sd`), correlation U(0, 0.5).
fn log_noise(r: &mut Rng, sd: (f64, f64)) -> Ar1 {
    let sd = uniform(r, sd.0, sd.1);
    let rho = uniform(r, 0.0, 0.5);
    Ar1::new(r, sd, rho)
}

/// One stationary layer of gradient moments.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientControl {
    /// Logged epochs (0-based).
    pub epochs: Vec<usize>,
    /// m_l per logged epoch.
    pub m: Vec<f64>,
    /// s_l per logged epoch (same units as m).
    pub s: Vec<f64>,
    /// The true m/s, constant: 10^U(−1.5, 1).
    pub snr: f64,
    /// The scale shrinks as t^(−shrink): U(0, 1), or 0 when not shrinking.
    pub shrink: f64,
}

/// A layer whose true SNR m/s is constant; when `shrinking`, both m and s
/// shrink as t^(−α) (so the figure's mean/√(Σ s) falls, although nothing
/// happens to the SNR), else their scale is constant too. Each of m and s
/// carries its own log-normal AR(1) noise, sd drawn from `sd` (see
/// [`NOISE_SD`]).
pub fn gradients(replicate: usize, shrinking: bool, sd: (f64, f64)) -> GradientControl {
    let mut r = rng(Kind::Gradients, replicate);
    let snr = crate::analysis::exp10(uniform(&mut r, -1.5, 1.0));
    let shrink = if shrinking {
        uniform(&mut r, 0.0, 1.0)
    } else {
        0.0
    };
    let (mut nm, mut ns) = (log_noise(&mut r, sd), log_noise(&mut r, sd));
    let epochs = epochs();
    let (mut m, mut s) = (Vec::new(), Vec::new());
    for &e in &epochs {
        let scale = libm::pow(e as f64 + 1.0, -shrink);
        m.push(scale * snr * crate::analysis::exp10(nm.next(&mut r)));
        s.push(scale * crate::analysis::exp10(ns.next(&mut r)));
    }
    GradientControl {
        epochs,
        m,
        s,
        snr,
        shrink,
    }
}

/// Two curves with the same true level (a shared scale shrinking as
/// t^(−U(0, 1))), each with its own noise (sd drawn from `sd`):
/// near-equal, jittering curves.
pub fn pair(replicate: usize, sd: (f64, f64)) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let mut r = rng(Kind::Pair, replicate);
    let level = crate::analysis::exp10(uniform(&mut r, -3.0, 0.0));
    let shrink = uniform(&mut r, 0.0, 1.0);
    let (mut na, mut nb) = (log_noise(&mut r, sd), log_noise(&mut r, sd));
    let epochs = epochs();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for &e in &epochs {
        let v = level * libm::pow(e as f64 + 1.0, -shrink);
        a.push(v * crate::analysis::exp10(na.next(&mut r)));
        b.push(v * crate::analysis::exp10(nb.next(&mut r)));
    }
    (epochs, a, b)
}

/// One stationary layer of the information plane.
#[derive(Clone, Debug, PartialEq)]
pub struct InformationControl {
    /// Logged epochs (0-based).
    pub epochs: Vec<usize>,
    /// I(X;T), bits.
    pub ixt: Vec<f64>,
    /// I(T;Y), bits.
    pub ity: Vec<f64>,
}

/// A layer whose I(X;T) and I(T;Y) rise to a plateau and stay: plateaus
/// U(1, 11.5) and U(0.1, 1) bits, reached as 1 − exp(−t/τ) with τ =
/// 10^U(0, 2.5) epochs (half the replicates are flat from the start), with
/// AR(1) noise of sd U(0.02, 0.3) and U(0.005, 0.05) bits, clamped to
/// [0, 12] and [0, 1].
pub fn information(replicate: usize) -> InformationControl {
    let mut r = rng(Kind::Information, replicate);
    let (px, py) = (uniform(&mut r, 1.0, 11.5), uniform(&mut r, 0.1, 1.0));
    let tau = if replicate.is_multiple_of(2) {
        0.0
    } else {
        crate::analysis::exp10(uniform(&mut r, 0.0, 2.5))
    };
    let (sx, sy, rho) = (
        uniform(&mut r, 0.02, 0.3),
        uniform(&mut r, 0.005, 0.05),
        uniform(&mut r, 0.0, 0.5),
    );
    let (mut nx, mut ny) = (Ar1::new(&mut r, sx, rho), Ar1::new(&mut r, sy, rho));
    let epochs = epochs();
    let (mut ixt, mut ity) = (Vec::new(), Vec::new());
    for &e in &epochs {
        let rise = if tau > 0.0 {
            1.0 - libm::exp(-(e as f64 + 1.0) / tau)
        } else {
            1.0
        };
        ixt.push((px * rise + nx.next(&mut r)).clamp(0.0, 12.0));
        ity.push((py * rise + ny.next(&mut r)).clamp(0.0, 1.0));
    }
    InformationControl { epochs, ixt, ity }
}

/// Six layers' moments `[epoch][layer]` (m, s) in which the first layer
/// holds a constant true share p = U(0.1, 0.45) of both sums and the other
/// five split the rest equally; every value carries its own noise.
pub fn shares(replicate: usize) -> (Vec<usize>, Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let mut r = rng(Kind::Shares, replicate);
    let p = uniform(&mut r, 0.1, 0.45);
    let true_share = |l: usize| if l == 0 { p } else { (1.0 - p) / 5.0 };
    let mut noise: Vec<Ar1> = (0..12).map(|_| log_noise(&mut r, NOISE_SD)).collect();
    let epochs = epochs();
    let (mut m, mut s) = (Vec::new(), Vec::new());
    for &e in &epochs {
        let scale = 1.0 / (e as f64 + 1.0).sqrt();
        let mut row = |k: usize| -> Vec<f64> {
            (0..6)
                .map(|l| {
                    scale * true_share(l) * crate::analysis::exp10(noise[k * 6 + l].next(&mut r))
                })
                .collect()
        };
        let (a, b) = (row(0), row(1));
        m.push(a);
        s.push(b);
    }
    (epochs, m, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_seeded_and_stationary() {
        // The same replicate twice gives the same series; another differs.
        assert_eq!(gradients(3, true, NOISE_SD), gradients(3, true, NOISE_SD));
        assert_ne!(
            gradients(3, true, NOISE_SD).m,
            gradients(4, true, NOISE_SD).m
        );
        // A constant true SNR: the log10 ratio's noise has sd ≤ √2 · 0.2 =
        // 0.28 per point and correlation ≤ 0.5, so the mean over 137 points
        // has sd ≤ 0.28 · √3 / √137 = 0.041: the two halves' means differ
        // by < 0.25 (4 sd of their difference) and the whole run's mean is
        // within 0.15 of the true value (5 sd).
        for k in 0..20 {
            let c = gradients(k, true, NOISE_SD);
            let lr: Vec<f64> =
                c.m.iter()
                    .zip(&c.s)
                    .map(|(m, s)| libm::log10(m / s))
                    .collect();
            let h = lr.len() / 2;
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            assert!(
                (mean(&lr[..h]) - mean(&lr[h..])).abs() < 0.25,
                "replicate {k}"
            );
            assert!(
                (mean(&lr) - libm::log10(c.snr)).abs() < 0.15,
                "replicate {k}"
            );
        }
        // Not shrinking: the scale is constant.
        assert_eq!(gradients(5, false, NOISE_SD).shrink, 0.0);
        let (e, a, b) = pair(0, NOISE_SD);
        assert_eq!((e.len(), a.len(), b.len()), (274, 274, 274));
        let i = information(1);
        assert!(i.ixt.iter().all(|v| (0.0..=12.0).contains(v)));
        let (_, m, s) = shares(2);
        assert_eq!((m[0].len(), s[100].len()), (6, 6));
    }

    #[test]
    fn ar1_noise_has_the_stated_sd_and_correlation() {
        // 200 000 draws: sample sd within 1 % of 0.2 and lag-1 correlation
        // within 0.01 of 0.5 (standard errors about 0.3 % and 0.002).
        let mut r = Rng::for_stream(9, Stream::Init);
        let mut a = Ar1::new(&mut r, 0.2, 0.5);
        let x: Vec<f64> = (0..200_000).map(|_| a.next(&mut r)).collect();
        let n = x.len() as f64;
        let var = x.iter().map(|v| v * v).sum::<f64>() / n;
        let lag = x.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / (n - 1.0);
        assert!((var.sqrt() / 0.2 - 1.0).abs() < 0.01, "{}", var.sqrt());
        assert!((lag / var - 0.5).abs() < 0.01, "{}", lag / var);
    }
}
