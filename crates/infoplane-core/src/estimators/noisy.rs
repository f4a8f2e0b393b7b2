//! Noisy networks (Goldfeld et al., ICML 2019, "Estimating Information Flow
//! in Deep Neural Networks"): Gaussian noise Z ~ N(0, σ² I) is added to a
//! layer's output, T = f(X) + Z, which makes I(X;T) = h(T) - h(Z) finite.
//! With X uniform over the n inputs, T is the Gaussian mixture
//! g(t) = (1/n) Σ_i φ_σ(t - μ_i), μ_i = f(x_i), φ_σ the N(0, σ² I) density.
//!
//! # The sample-propagation (SP) estimator
//!
//! Goldfeld et al. estimate h(T) by the plug-in ĥ_SP = h(P̂_n * N_σ), the
//! differential entropy of the mixture g of the empirical distribution of
//! the μ_i with the noise, and compute that entropy by Monte Carlo
//! integration: h(g) = -(1/n) Σ_i E[log g(μ_i + Z)], estimated by drawing
//! m samples Z_ij per component and averaging -log g(μ_i + Z_ij) over all
//! n m samples (mean squared error O(1/(n m))).
//!
//! I(X;T) is then ĥ_MC minus h(Z) = (d/2) ln(2πe σ²). Here, instead of the
//! analytic value, h(Z) is estimated on the same samples, as the mean of
//! -log φ_σ(Z_ij): it has expectation h(Z), so the estimate of I(X;T) is
//! unbiased all the same, and the paired difference cancels the Monte Carlo
//! noise the two terms share (the test `matches_naive_f64_reference`
//! checks that the two versions differ only by that noise). Per sample,
//!
//!   log g(μ_i + z) - log φ_σ(z) = -ln n + ln Σ_k exp(-(D_k - |z|²)/(2σ²)),
//!   D_k = |μ_i + z - μ_k|²,
//!
//! so I(X;T) = ln n - mean_ij ln Σ_k e^{-(D_k - |z|²)/(2σ²)} (nats). It is
//! exactly 0 when all μ_i coincide and exactly log n when the components
//! are too far apart to overlap, whatever the samples.
//!
//! I(T;Y) = h(T) - Σ_y p(y) h(T | Y = y) with the class mixtures
//! g_y = (1/n_y) Σ_{i in y} φ_σ(t - μ_i): the samples of T | Y = y are those
//! of class y's components, so
//! I(T;Y) = mean_ij [log g_{y_i}(t_ij) - log g(t_ij)]
//!        = mean_ij [LSE_{k in y_i} - LSE_k] + H(Y),
//! LSE the log-sum-exp of -D_k/(2σ²) over the components named.
//!
//! # In a noisy network: what a run's record holds
//!
//! With `noise_std = β > 0` the network itself is noisy (Goldfeld et al.:
//! T_l = S_l + Z_l, S_l = f(W_l T_{l-1} + b_l), Z_l ~ N(0, β² I);
//! see [`crate::network`]). At each probe the MI rows go through the noisy
//! network once (sample propagation: the noise of layers 1..l-1 drawn
//! from [`Stream::TrainNoise`], one draw per row and unit), and layer l's
//! record is this estimator on the μ_i = S_l(x_i) so obtained, with the
//! same β: T_l = S_l + Z_l with Z_l fresh from [`Stream::MiNoise`].
//!
//! * h(T_l): the SP estimate from n samples of S_l, one per input, drawn
//!   through the noisy layers below: Goldfeld et al.'s ĥ_SP of h(T_l)
//!   (they too sample S_l by sending the inputs through the noisy net).
//! * h(T_l | X): taken as h(Z_l) = (d/2) ln(2πeβ²) (estimated on the
//!   same samples, above). For l = 1 this is exact: T_1 | X = x is
//!   N(S_1(x), β² I). For l ≥ 2, T_l | X = x is itself a mixture (S_l | X
//!   = x is spread by the noise below) and h(T_l | X) ≥ h(Z_l) (Z_l is
//!   independent of S_l given X); Goldfeld et al. estimate each
//!   h(T_l | X = x_i) from further noisy samples of S_l given x_i. This
//!   estimator does not (its cost would grow by that many samples per
//!   input), so for l ≥ 2 the value is an upper estimate of their
//!   I(X;T_l): h(T_l) − h(Z_l) ≥ h(T_l) − h(T_l | X), the gap the
//!   spread of S_l given X, which is small while β is small next to the
//!   weights' gain (‖W_l‖ β ≪ the distances between the S_l(x_i)).
//! * The output layer gets no noise in the network; its row in the plane is
//!   its probabilities plus Z with the same β (a reference point).
//!
//! # Parameters
//!
//! σ (`noise_std`) sets the scale below which the mixture cannot tell
//! inputs apart; the estimate depends on it strongly (Goldfeld et al. study
//! several values). The number of samples m only trades time for Monte
//! Carlo error (which falls as 1/sqrt(n m)).
//!
//! # Randomness and computation
//!
//! Sample j of component (row) r is the d values `noise_std * normal()`
//! (rounded to f32) drawn from `Rng::for_substream(seed, Stream::MiNoise,
//! r)` in order j = 0, 1, ..., so more samples extend the same draws. The
//! caller's seed is a run's seed; the same seed on every logged epoch means
//! the same noise draws each epoch (common random numbers), so epoch-to-
//! epoch changes reflect the activations, not Monte Carlo noise.
//!
//! Blocked O(n² m d): per sample, D_k for every component k from a
//! column-major copy (f32, (μ_i - μ_k) + z so tiny σ keeps its precision),
//! the minima of D within and outside the class, then the sums of
//! exp((D_min - D_k)/(2σ²)) in f32 ([`crate::math::exp`], 8 lanes folded by
//! a fixed tree), logs in f64. Rows are split over threads natively; each
//! component's sums depend on it alone and are added in a fixed order, so
//! threads never change a bit.

use super::{LayerView, MiPair};
use crate::math::{exp, ln, log2, sum8};
use crate::rng::{Rng, Stream};
use std::f64::consts::LN_2;

/// Components per unit of work handed to a thread.
const CHUNK: usize = 8;
/// Below this many rows one thread does everything.
const MIN_ROWS_FOR_THREADS: usize = 256;
/// Largest accepted number of samples per component.
pub(crate) const MAX_MC_SAMPLES: usize = 1 << 20;

/// A layer sorted by class, laid out for the kernel.
struct Layout {
    n: usize,
    d: usize,
    /// Column-major: unit u of sorted row k is `cols[u * n + k]`.
    cols: Vec<f32>,
    /// Row-major copy in sorted order.
    rows: Vec<f32>,
    /// Original row of each sorted row.
    orig: Vec<usize>,
    /// Sorted range of the class of each sorted row.
    range: Vec<(usize, usize)>,
}

fn layout(layer: LayerView<'_>, labels: &[u32]) -> Layout {
    let (n, d) = (layer.rows, layer.width);
    let counts = super::entropy::class_counts(labels);
    let mut starts = Vec::with_capacity(counts.len());
    let mut s = 0;
    for &c in &counts {
        starts.push(s);
        s += c;
    }
    let mut next = starts.clone();
    let mut orig = vec![0usize; n];
    for (r, &y) in labels.iter().enumerate() {
        orig[next[y as usize]] = r;
        next[y as usize] += 1;
    }
    let mut cols = vec![0.0f32; n * d];
    let mut rows = vec![0.0f32; n * d];
    let mut range = vec![(0, 0); n];
    for (k, &r) in orig.iter().enumerate() {
        let src = &layer.data[r * d..(r + 1) * d];
        rows[k * d..(k + 1) * d].copy_from_slice(src);
        for (u, &v) in src.iter().enumerate() {
            cols[u * n + k] = v;
        }
        let y = labels[r] as usize;
        range[k] = (starts[y], starts[y] + counts[y]);
    }
    Layout {
        n,
        d,
        cols,
        rows,
        orig,
        range,
    }
}

/// Smallest value (+∞ for an empty slice); exact, so the lane order does
/// not matter.
#[inline(always)]
fn min_of(v: &[f32]) -> f32 {
    let mut m = [f32::INFINITY; 8];
    let (blocks, tail) = v.as_chunks::<8>();
    for b in blocks {
        for l in 0..8 {
            m[l] = if b[l] < m[l] { b[l] } else { m[l] };
        }
    }
    let mut r = f32::INFINITY;
    for x in m.iter().chain(tail) {
        r = if *x < r { *x } else { r };
    }
    r
}

/// Σ exp((d_min - D_k) c2) in f32, overwriting `v` with the terms (an
/// elementwise pass the loop vectoriser turns into SIMD), then summed in 8
/// lanes folded by a fixed tree, the tail in order.
#[inline(always)]
fn sum_exp(v: &mut [f32], d_min: f32, c2: f32) -> f32 {
    for x in v.iter_mut() {
        *x = exp((d_min - *x) * c2);
    }
    let mut acc = [0.0f32; 8];
    let (blocks, tail) = v.as_chunks::<8>();
    for b in blocks {
        for l in 0..8 {
            acc[l] += b[l];
        }
    }
    let mut s = sum8(&acc);
    for &x in tail {
        s += x;
    }
    s
}

/// `buf[k] = Σ_u ((μ_u - μ_ku) + z_u)²` for every component k, the units
/// added in order u = 0, 1, ..., one unit at a time over all k (streaming
/// one column and `buf`; measured faster here than keeping blocks of sums
/// in registers while striding over the d columns).
#[inline(always)]
fn distances(lay: &Layout, mu: &[f32], z: &[f32], buf: &mut [f32]) {
    let n = lay.n;
    for (u, (&a, &b)) in mu.iter().zip(z).enumerate() {
        let col = &lay.cols[u * n..(u + 1) * n];
        if u == 0 {
            for (o, &c) in buf.iter_mut().zip(col) {
                let t = (a - c) + b;
                *o = t * t;
            }
        } else {
            for (o, &c) in buf.iter_mut().zip(col) {
                let t = (a - c) + b;
                *o += t * t;
            }
        }
    }
}

/// The per-call constants of the kernel.
struct Params {
    /// Samples per component.
    m: usize,
    /// Noise standard deviation σ.
    sigma: f64,
    /// 1/(2σ²) in f64 and f32.
    c2: f64,
    c2f: f32,
    seed: u64,
}

/// Σ over component k's m samples of (term for I(X;T), term for I(T;Y)):
/// ln Σ_all e^{(D_min - D)/(2σ²)} + (|z|² - D_min)/(2σ²), and
/// LSE over the class minus LSE over all (see the module doc). `buf` holds
/// n floats, `z` d floats.
#[inline(always)]
fn component_body(
    lay: &Layout,
    p: &Params,
    k: usize,
    buf: &mut [f32],
    z: &mut [f32],
) -> (f64, f64) {
    let d = lay.d;
    let mut rng = Rng::for_substream(p.seed, Stream::MiNoise, lay.orig[k] as u64);
    let (cs, ce) = lay.range[k];
    let mu = &lay.rows[k * d..(k + 1) * d];
    let (mut tx, mut ty) = (0.0f64, 0.0f64);
    for _ in 0..p.m {
        for zu in z.iter_mut() {
            *zu = (p.sigma * rng.normal()) as f32;
        }
        distances(lay, mu, z, buf);
        // D_k for k = this component is |z|² exactly ((a - a) + z).
        let d_self = buf[k];
        let min_same = min_of(&buf[cs..ce]);
        let min_other = min_of(&buf[..cs]).min(min_of(&buf[ce..]));
        let min_all = min_same.min(min_other);
        let s_same = f64::from(sum_exp(&mut buf[cs..ce], min_same, p.c2f));
        let s_other = f64::from(
            sum_exp(&mut buf[..cs], min_all, p.c2f) + sum_exp(&mut buf[ce..], min_all, p.c2f),
        );
        // The class sum rescaled to the overall minimum (a factor <= 1).
        let shift = (f64::from(min_all) - f64::from(min_same)) * p.c2;
        let ln_all = ln(s_same * libm::exp(shift) + s_other);
        tx += ln_all + (f64::from(d_self) - f64::from(min_all)) * p.c2;
        ty += ln(s_same) - ln_all + shift;
    }
    (tx, ty)
}

/// The kernel compiled for AVX2; the same IEEE operations as the baseline
/// build (no FMA), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn component_avx2(
    lay: &Layout,
    p: &Params,
    k: usize,
    buf: &mut [f32],
    z: &mut [f32],
) -> (f64, f64) {
    component_body(lay, p, k, buf, z)
}

fn component(
    lay: &Layout,
    p: &Params,
    k: usize,
    buf: &mut [f32],
    z: &mut [f32],
    simd: bool,
) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if simd {
            // SAFETY: `simd` is only true when the CPU has AVX2.
            return unsafe { component_avx2(lay, p, k, buf, z) };
        }
    }
    let _ = simd;
    component_body(lay, p, k, buf, z)
}

/// True when this CPU can run the AVX2 builds.
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// I(X;T) and I(T;Y) in bits for the layer with Gaussian noise of standard
/// deviation `noise_std` added to every unit, by Goldfeld et al.'s SP
/// estimator with `mc_samples` Monte Carlo samples per mixture component,
/// seeded by `seed` (see the module doc). NaN pairs when the layer is
/// empty or malformed, a label is not below `n_classes`, an activation is
/// not finite, `noise_std` is not finite and positive (or so small that
/// 1/(2σ²) overflows f32), or `mc_samples` is 0 or above 2^20.
///
/// Natively the work is split over the available cores; the result does
/// not depend on how many there are.
pub fn noisy_mi(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_std: f64,
    mc_samples: usize,
    seed: u64,
) -> MiPair {
    noisy_mi_with(
        layer,
        labels,
        n_classes,
        noise_std,
        mc_samples,
        seed,
        super::default_threads(),
        true,
    )
}

/// [`noisy_mi`] with an explicit thread count and, on x86-64, whether the
/// AVX2 build may be used (the results are the same).
#[allow(clippy::too_many_arguments)]
pub(crate) fn noisy_mi_with(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_std: f64,
    mc_samples: usize,
    seed: u64,
    threads: usize,
    simd: bool,
) -> MiPair {
    let c2 = 0.5 / (noise_std * noise_std);
    let valid = layer.is_well_formed(labels.len())
        && super::entropy::labels_valid(labels, n_classes)
        && layer.is_finite()
        && noise_std.is_finite()
        && noise_std > 0.0
        && (c2 as f32).is_finite()
        && (1..=MAX_MC_SAMPLES).contains(&mc_samples);
    if !valid {
        return MiPair::NAN;
    }
    let lay = layout(layer, labels);
    let p = Params {
        m: mc_samples,
        sigma: noise_std,
        c2,
        c2f: c2 as f32,
        seed,
    };
    let simd = simd && has_avx2();
    let n = lay.n;
    let threads = if n >= MIN_ROWS_FOR_THREADS {
        threads
    } else {
        1
    };
    let parts = super::parallel_map(
        n.div_ceil(CHUNK),
        threads,
        || (vec![0.0f32; n], vec![0.0f32; lay.d]),
        |(buf, z), c| {
            (c * CHUNK..((c + 1) * CHUNK).min(n))
                .map(|k| component(&lay, &p, k, buf, z, simd))
                .collect::<Vec<_>>()
        },
    );
    // Sums in sorted-row order (fixed by the data).
    let (mut tx, mut ty) = (0.0f64, 0.0f64);
    for (x, y) in parts.into_iter().flatten() {
        tx += x;
        ty += y;
    }
    let samples = (n * mc_samples) as f64;
    MiPair {
        ixt: log2(n as f64) - tx / samples / LN_2,
        ity: ty / samples / LN_2 + super::label_entropy(labels, n_classes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimators::{kde_bounds, label_entropy};
    use std::f64::consts::PI;

    fn view(data: &[f32], width: usize) -> LayerView<'_> {
        LayerView {
            data,
            rows: data.len() / width,
            width,
        }
    }

    /// The same noise the estimator draws for row r.
    fn noise(seed: u64, r: usize, m: usize, d: usize, sigma: f64) -> Vec<f64> {
        let mut rng = Rng::for_substream(seed, Stream::MiNoise, r as u64);
        (0..m * d)
            .map(|_| f64::from((sigma * rng.normal()) as f32))
            .collect()
    }

    /// ln Σ_k exp(a_k), in f64 with the maximum taken out.
    fn lse(a: &[f64]) -> f64 {
        let mx = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        mx + a.iter().map(|&x| (x - mx).exp()).sum::<f64>().ln()
    }

    /// Goldfeld et al.'s quantities written out in f64 from the densities:
    /// returns (I(X;T) with h(Z) estimated on the same samples, the same
    /// with the analytic h(Z), I(T;Y)), in bits.
    fn naive(
        data: &[f32],
        d: usize,
        labels: &[u32],
        sigma: f64,
        m: usize,
        seed: u64,
    ) -> (f64, f64, f64) {
        let n = labels.len();
        let mu: Vec<f64> = data.iter().map(|&v| f64::from(v)).collect();
        let log_phi = |x: &[f64]| -> f64 {
            let q: f64 = x.iter().map(|v| v * v).sum();
            -0.5 * d as f64 * (2.0 * PI * sigma * sigma).ln() - q / (2.0 * sigma * sigma)
        };
        let (mut log_g, mut log_gy, mut log_z) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let z = noise(seed, i, m, d, sigma);
            for j in 0..m {
                let zj = &z[j * d..(j + 1) * d];
                let t: Vec<f64> = (0..d).map(|u| mu[i * d + u] + zj[u]).collect();
                let terms: Vec<(f64, bool)> = (0..n)
                    .map(|k| {
                        let diff: Vec<f64> = (0..d).map(|u| t[u] - mu[k * d + u]).collect();
                        (log_phi(&diff), labels[k] == labels[i])
                    })
                    .collect();
                let all: Vec<f64> = terms.iter().map(|x| x.0).collect();
                let same: Vec<f64> = terms.iter().filter(|x| x.1).map(|x| x.0).collect();
                let ny = same.len() as f64;
                log_g += lse(&all) - (n as f64).ln();
                log_gy += lse(&same) - ny.ln();
                log_z += log_phi(zj);
            }
        }
        let s = (n * m) as f64;
        let (h_t, h_ty, h_z) = (-log_g / s, -log_gy / s, -log_z / s);
        let h_z_exact = 0.5 * d as f64 * (2.0 * PI * std::f64::consts::E * sigma * sigma).ln();
        (
            (h_t - h_z) / LN_2,
            (h_t - h_z_exact) / LN_2,
            (h_t - h_ty) / LN_2,
        )
    }

    fn random_layer(seed: u64, n: usize, d: usize, classes: u64) -> (Vec<f32>, Vec<u32>) {
        let mut rng = Rng::for_stream(seed, Stream::Init);
        let labels: Vec<u32> = (0..n).map(|_| rng.below(classes) as u32).collect();
        let data = labels
            .iter()
            .flat_map(|&y| {
                (0..d)
                    .map(|u| {
                        ((0.3 * y as f64 + 0.4 * rng.normal()) * (u as f64 + 1.0) / d as f64).tanh()
                            as f32
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        (data, labels)
    }

    #[test]
    fn matches_naive_f64_reference() {
        for (n, d, sigma, m, seed) in [
            (40, 2, 0.1, 8, 1u64),
            (60, 3, 0.05, 5, 2),
            (30, 1, 0.3, 20, 3),
        ] {
            let (data, labels) = random_layer(seed, n, d, 3);
            let got = noisy_mi_with(view(&data, d), &labels, 3, sigma, m, seed, 1, false);
            let (paired, analytic, ity) = naive(&data, d, &labels, sigma, m, seed);
            // f32 distances and exponentials: agreement to ~1e-6.
            assert!((got.ixt - paired).abs() < 1e-5, "{got:?} vs {paired}");
            assert!((got.ity - ity).abs() < 1e-5, "{got:?} vs {ity}");
            // The analytic h(Z) differs only by Monte Carlo noise: the mean
            // of |z|²/(2σ²) over n m d-dimensional samples has standard
            // deviation sqrt(d/2 / (n m)) nats (≤ 0.06 bits here).
            let sd = (d as f64 / 2.0 / (n * m) as f64).sqrt() / LN_2;
            assert!(
                (paired - analytic).abs() < 4.0 * sd,
                "{paired} vs {analytic}"
            );
        }
    }

    #[test]
    fn separated_components_give_log_n_and_one_point_gives_zero() {
        // 16 points on a unit grid, σ = 0.01: every other component is
        // > 90 σ away, its kernel underflows, so I(X;T) = log2 16 = 4 and
        // T identifies the label: I(T;Y) = H(Y).
        let data: Vec<f32> = (0..16)
            .flat_map(|i| [(i % 4) as f32, (i / 4) as f32])
            .collect();
        let labels: Vec<u32> = (0..16).map(|i| [0, 1, 1, 2][i % 4]).collect();
        let hy = label_entropy(&labels, 3);
        let r = noisy_mi(view(&data, 2), &labels, 3, 0.01, 50, 4);
        assert!((r.ixt - 4.0).abs() < 1e-12, "{r:?}");
        assert!((r.ity - hy).abs() < 1e-12, "{r:?} vs {hy}");
        // All rows equal: every D_k is |z|², so each sample gives
        // ln n exactly and I(X;T) = I(T;Y) = 0.
        let same = vec![0.3f32; 16 * 2];
        let r = noisy_mi(view(&same, 2), &labels, 3, 0.2, 50, 4);
        assert!(r.ixt.abs() < 1e-12 && r.ity.abs() < 1e-12, "{r:?}");
    }

    /// h of the 1-D mixture (1/n) Σ w_i φ_σ(t - μ_i) by Simpson's rule.
    fn mixture_entropy_1d(mu: &[f64], sigma: f64) -> f64 {
        let (lo, hi) = (
            mu.iter().copied().fold(f64::INFINITY, f64::min) - 10.0 * sigma,
            mu.iter().copied().fold(f64::NEG_INFINITY, f64::max) + 10.0 * sigma,
        );
        let steps = 200_000;
        let h = (hi - lo) / steps as f64;
        let g = |t: f64| {
            mu.iter()
                .map(|&m| (-(t - m) * (t - m) / (2.0 * sigma * sigma)).exp())
                .sum::<f64>()
                / (mu.len() as f64 * (2.0 * PI).sqrt() * sigma)
        };
        let f = |t: f64| {
            let v = g(t);
            if v > 0.0 {
                -v * v.ln()
            } else {
                0.0
            }
        };
        let mut s = f(lo) + f(hi);
        for i in 1..steps {
            s += f(lo + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }

    #[test]
    fn converges_to_the_quadrature_value() {
        let mu = [0.0f32, 0.1, 0.5, 2.0, 2.05, 2.5];
        let labels = [0u32, 0, 1, 1, 0, 1];
        let sigma = 0.2;
        let mu64: Vec<f64> = mu.iter().map(|&v| f64::from(v)).collect();
        let h_z = 0.5 * (2.0 * PI * std::f64::consts::E * sigma * sigma).ln();
        let h_t = mixture_entropy_1d(&mu64, sigma);
        let class = |y: u32| -> Vec<f64> {
            mu64.iter()
                .zip(&labels)
                .filter(|x| *x.1 == y)
                .map(|x| *x.0)
                .collect()
        };
        let h_ty =
            0.5 * mixture_entropy_1d(&class(0), sigma) + 0.5 * mixture_entropy_1d(&class(1), sigma);
        let (ixt, ity) = ((h_t - h_z) / LN_2, (h_t - h_ty) / LN_2);
        let rms = |m: usize| {
            let e: Vec<(f64, f64)> = (0..8)
                .map(|s| {
                    let r = noisy_mi(view(&mu, 1), &labels, 2, sigma, m, 100 + s);
                    (r.ixt - ixt, r.ity - ity)
                })
                .collect();
            let f = |v: Vec<f64>| (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
            (
                f(e.iter().map(|x| x.0).collect()),
                f(e.iter().map(|x| x.1).collect()),
            )
        };
        let (coarse, fine) = (rms(20), rms(2000));
        // Monte Carlo error falls as 1/sqrt(m): 100 times the samples should
        // cut it ~10 times; ask for 4.
        assert!(
            fine.0 < coarse.0 / 4.0 && fine.1 < coarse.1 / 4.0,
            "{coarse:?} → {fine:?}"
        );
        // 12000 samples: the error left is ~0.005 bits.
        assert!(
            fine.0 < 0.01 && fine.1 < 0.01,
            "{fine:?} (I(X;T) {ixt}, I(T;Y) {ity})"
        );
    }

    #[test]
    fn lies_between_the_kde_bounds() {
        // Kolchinsky & Tracey's bounds with noise variance σ² bracket the
        // mixture's I(X;T+Z), which SP estimates.
        let (data, labels) = random_layer(9, 300, 3, 2);
        let sigma = 0.15;
        let l = view(&data, 3);
        let (up, lo) = kde_bounds(l, &labels, 2, sigma * sigma);
        let r = noisy_mi(l, &labels, 2, sigma, 16, 5);
        assert!(
            r.ixt > lo.ixt && r.ixt < up.ixt,
            "{lo:?} <= {r:?} <= {up:?}"
        );
    }

    #[test]
    fn threads_and_simd_do_not_change_bits_and_bad_input_is_nan() {
        let (data, labels) = random_layer(10, 700, 4, 3);
        let l = view(&data, 4);
        let base = noisy_mi_with(l, &labels, 3, 0.1, 3, 42, 1, false);
        for (t, simd) in [(1, true), (2, false), (3, true), (8, true)] {
            let r = noisy_mi_with(l, &labels, 3, 0.1, 3, 42, t, simd);
            assert_eq!(
                (r.ixt.to_bits(), r.ity.to_bits()),
                (base.ixt.to_bits(), base.ity.to_bits())
            );
        }
        assert_ne!(noisy_mi(l, &labels, 3, 0.1, 3, 43).ixt, base.ixt);
        let nan = |m: MiPair| m.ixt.is_nan() && m.ity.is_nan();
        for (s, m) in [
            (0.0, 3),
            (-0.1, 3),
            (f64::NAN, 3),
            (1e-30, 3),
            (0.1, 0),
            (0.1, MAX_MC_SAMPLES + 1),
        ] {
            assert!(nan(noisy_mi(l, &labels, 3, s, m, 1)), "σ {s} m {m}");
        }
        assert!(nan(noisy_mi(l, &labels, 2, 0.1, 3, 1)));
        assert!(nan(noisy_mi(
            view(&[0.0, f32::NAN], 1),
            &[0, 1],
            2,
            0.1,
            3,
            1
        )));
        assert!(nan(noisy_mi(view(&[], 1), &[], 2, 0.1, 3, 1)));
    }
}
