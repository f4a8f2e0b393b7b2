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
//! from [`Stream::TrainNoise`], one draw per row and unit), and K =
//! `cond_samples` more times (K ≥ 2; sample k of a probe at epoch e from
//! sub-stream e·2²⁴ + k·2³ + 6 of [`Stream::TrainNoise`], so the draws
//! are fixed by the run, not by threads, workers or resumption). Layer l's
//! record is [`noisy_mi_cond`] on the μ_i = S_l(x_i) of the first pass and
//! the K samples S_l^{(i,k)}, with the same β (T_l = S_l + Z_l, Z_l fresh
//! from [`Stream::MiNoise`]):
//!
//! * h(T_l): the SP estimate from n samples of S_l, one per input, drawn
//!   through the noisy layers below: Goldfeld et al.'s ĥ_SP of h(T_l)
//!   (they too sample S_l by sending the inputs through the noisy net).
//! * h(T_l | X) = (1/n) Σ_i h(T_l | X = x_i): given x_i, T_l is the
//!   mixture of N(s, β² I) over the law of S_l given x_i (spread by the
//!   noise below). As Goldfeld et al. do, each term is the SP estimate
//!   from samples of S_l given x_i, obtained by sending x_i through the
//!   noisy net again: ĥ(T_l | X = x_i) is the entropy of
//!   g_i = (1/K) Σ_k N(S_l^{(i,k)}, β² I), by the same Monte Carlo scheme
//!   as h(T_l): m samples per component, component k of row i drawing
//!   from sub-stream i·K + k of a seed derived from the layer's
//!   (sub-stream 2⁶³ of it), the rows' sums added in row order.
//!   Paired as above, per sample t = S^{(i,k)} + z, log g_i(t) minus
//!   log φ_β(z) is ln Σ_k' e^{-(|t - S^{(i,k')}|² - |z|²)/(2β²)} minus
//!   ln K, and I(X;T_l) = [ĥ(T_l) - ĥ_Z] - (1/n) Σ_i [ĥ(T_l | x_i) -
//!   ĥ_Z,i], the two ĥ(Z) on their own samples (both unbiased, so the
//!   estimate's expectation is that of ĥ(T_l) - (1/n) Σ_i ĥ(T_l | x_i)).
//!   For l = 1 (nothing noisy below) the K samples coincide, every term
//!   is exactly ln(K e⁰) - ln K = 0, and the value is the h(Z)-based one
//!   bit for bit. K = 1 means the same for every layer: h(T_l | X) taken
//!   as h(Z_l), an upper estimate of I(X;T_l) for l ≥ 2 (h(T_l | X) ≥
//!   h(Z_l) as Z_l is independent of S_l given X).
//! * The K-sample plug-in is biased low (the entropy of an empirical
//!   mixture is concave in its weights, so its mean grows with K towards
//!   h(T_l | X = x)): I(X;T_l) approaches its limit from above as K
//!   grows. Cost per logged epoch: K forward passes of the n rows, and n K² m d_l
//!   distance terms per layer (against n² m d_l for h(T_l)).
//! * I(T_l;Y) = h(T_l) - Σ_y p(y) h(T_l | Y = y), each class's term the SP
//!   estimate of its inputs' one-pass samples (Goldfeld et al. define it so,
//!   T_l given Y = y being the mixture over that class's inputs); it does
//!   not use the K samples.
//! * The output layer gets no noise in the network; its row in the plane is
//!   its probabilities plus Z with the same β (a reference point), given X
//!   spread by the hidden layers' noise like any layer.
//! * Still different from the paper, as far as this author knows it (its
//!   full text was not reachable here): the numbers of samples (their K
//!   and Monte Carlo sizes are not known here), and the one-pass samples
//!   for h(T_l) are drawn separately from the K conditional ones.
//! * Without conditional samples ([`noisy_mi`], e.g. `infoplane mi` on
//!   stored activations, or a deterministic network where S_l given x is
//!   a point) h(T_l | X) is h(Z_l).
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

/// One Monte Carlo sample t = μ_k + z of component k: (term for I(X;T),
/// term for I(T;Y)), i.e. ln Σ_all e^{(D_min - D)/(2σ²)} + (|z|² -
/// D_min)/(2σ²) = log g(t) - log φ_σ(z) + ln n, and LSE over the class
/// minus LSE over all (see the module doc). `buf` holds n floats.
#[inline(always)]
fn sample_terms(lay: &Layout, p: &Params, k: usize, z: &[f32], buf: &mut [f32]) -> (f64, f64) {
    let d = lay.d;
    let (cs, ce) = lay.range[k];
    let mu = &lay.rows[k * d..(k + 1) * d];
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
    (
        ln_all + (f64::from(d_self) - f64::from(min_all)) * p.c2,
        ln(s_same) - ln_all + shift,
    )
}

/// Σ over component k's m samples of [`sample_terms`]. `buf` holds n
/// floats, `z` d floats.
#[inline(always)]
fn component_body(
    lay: &Layout,
    p: &Params,
    k: usize,
    buf: &mut [f32],
    z: &mut [f32],
) -> (f64, f64) {
    let mut rng = Rng::for_substream(p.seed, Stream::MiNoise, lay.orig[k] as u64);
    let (mut tx, mut ty) = (0.0f64, 0.0f64);
    for _ in 0..p.m {
        for zu in z.iter_mut() {
            *zu = (p.sigma * rng.normal()) as f32;
        }
        let (x, y) = sample_terms(lay, p, k, z, buf);
        tx += x;
        ty += y;
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

/// Sub-stream of a layer's seed whose first value seeds the conditional
/// samples' noise (the unconditional rows use sub-streams 0..n).
const COND_SEED_INDEX: u64 = 1 << 63;

/// The seed of the conditional mixtures' Monte Carlo noise for a layer
/// whose unconditional samples are seeded by `seed`.
fn cond_seed(seed: u64) -> u64 {
    Rng::for_substream(seed, Stream::MiNoise, COND_SEED_INDEX).next_u64()
}

/// One thread's scratch for the conditional mixtures: a [`Layout`] of the
/// K components of one row (all one class), K distances and one sample.
struct CondScratch {
    lay: Layout,
    buf: Vec<f32>,
    z: Vec<f32>,
}

impl CondScratch {
    fn new(k: usize, d: usize) -> Self {
        CondScratch {
            lay: Layout {
                n: k,
                d,
                cols: vec![0.0; k * d],
                rows: vec![0.0; k * d],
                orig: (0..k).collect(),
                range: vec![(0, k); k],
            },
            buf: vec![0.0; k],
            z: vec![0.0; d],
        }
    }

    /// Loads row i's K samples: sample k is row k·n + i of `cond`.
    #[inline(always)]
    fn load(&mut self, cond: &[f32], n: usize, i: usize) {
        let (k_n, d) = (self.lay.n, self.lay.d);
        for k in 0..k_n {
            let src = &cond[(k * n + i) * d..(k * n + i + 1) * d];
            self.lay.rows[k * d..(k + 1) * d].copy_from_slice(src);
            for (u, &v) in src.iter().enumerate() {
                self.lay.cols[u * k_n + k] = v;
            }
        }
    }
}

/// Σ over row i's K components and their m samples each of
/// log g_i(t) - log φ_σ(z), g_i the mixture of the K components: the
/// [`sample_terms`] value minus ln K, per sample (so a sample whose K
/// components coincide gives exactly 0). Component k's samples come from
/// sub-stream i·K + k of `p.seed`.
#[inline(always)]
fn cond_row_body(sc: &mut CondScratch, p: &Params, cond: &[f32], n: usize, i: usize) -> f64 {
    sc.load(cond, n, i);
    let k_n = sc.lay.n;
    let ln_k = ln(k_n as f64);
    let mut acc = 0.0f64;
    for k in 0..k_n {
        let mut rng = Rng::for_substream(p.seed, Stream::MiNoise, (i * k_n + k) as u64);
        for _ in 0..p.m {
            for zu in sc.z.iter_mut() {
                *zu = (p.sigma * rng.normal()) as f32;
            }
            let (x, _) = sample_terms(&sc.lay, p, k, &sc.z, &mut sc.buf);
            acc += x - ln_k;
        }
    }
    acc
}

/// [`cond_row_body`] compiled for AVX2 (the same operations, no FMA).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn cond_row_avx2(sc: &mut CondScratch, p: &Params, cond: &[f32], n: usize, i: usize) -> f64 {
    cond_row_body(sc, p, cond, n, i)
}

fn cond_row(sc: &mut CondScratch, p: &Params, cond: &[f32], n: usize, i: usize, simd: bool) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if simd {
            // SAFETY: `simd` is only true when the CPU has AVX2.
            return unsafe { cond_row_avx2(sc, p, cond, n, i) };
        }
    }
    let _ = simd;
    cond_row_body(sc, p, cond, n, i)
}

/// [`noisy_mi`] for a layer of a noisy network, with h(T | X) estimated as
/// Goldfeld et al. do (see the module doc): `cond` holds K noisy samples
/// of the layer's output S given each input, sample k of row i being its
/// row k·n + i (n = `layer.rows`, so `cond.rows` = K·n, the same width).
/// I(X;T) = ĥ(T) - (1/n) Σ_i ĥ(T | X = x_i), each ĥ(T | X = x_i) the SP
/// Monte Carlo entropy of the mixture (1/K) Σ_k N(S^{(i,k)}, σ² I) with
/// `mc_samples` samples per component; I(T;Y) is [`noisy_mi`]'s. K = 1
/// gives [`noisy_mi`] exactly (one component: ĥ(T | X = x_i) = h(Z)).
/// NaN as [`noisy_mi`], and when `cond` is malformed (its width or data
/// length wrong, its rows not a positive multiple of n) or not finite.
pub fn noisy_mi_cond(
    layer: LayerView<'_>,
    cond: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_std: f64,
    mc_samples: usize,
    seed: u64,
) -> MiPair {
    noisy_mi_cond_with(
        layer,
        cond,
        labels,
        n_classes,
        noise_std,
        mc_samples,
        seed,
        super::default_threads(),
        true,
    )
}

/// [`noisy_mi_cond`] with an explicit thread count and AVX2 choice (the
/// results are the same).
#[allow(clippy::too_many_arguments)]
pub(crate) fn noisy_mi_cond_with(
    layer: LayerView<'_>,
    cond: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_std: f64,
    mc_samples: usize,
    seed: u64,
    threads: usize,
    simd: bool,
) -> MiPair {
    let n = layer.rows;
    let d = layer.width;
    let cond_ok = n > 0
        && cond.width == d
        && cond.rows >= n
        && cond.rows.is_multiple_of(n)
        && cond.rows.checked_mul(d) == Some(cond.data.len())
        && cond.is_finite();
    if !cond_ok {
        return MiPair::NAN;
    }
    let base = noisy_mi_with(
        layer, labels, n_classes, noise_std, mc_samples, seed, threads, simd,
    );
    let k_n = cond.rows / n;
    if base.ixt.is_nan() || k_n == 1 {
        return base;
    }
    let c2 = 0.5 / (noise_std * noise_std);
    let p = Params {
        m: mc_samples,
        sigma: noise_std,
        c2,
        c2f: c2 as f32,
        seed: cond_seed(seed),
    };
    let simd = simd && has_avx2();
    let threads = if n >= MIN_ROWS_FOR_THREADS {
        threads
    } else {
        1
    };
    // Each chunk's rows summed in order, then the chunks in order.
    let parts = super::parallel_map(
        n.div_ceil(CHUNK),
        threads,
        || CondScratch::new(k_n, d),
        |sc, c| {
            (c * CHUNK..((c + 1) * CHUNK).min(n))
                .map(|i| cond_row(sc, &p, cond.data, n, i, simd))
                .fold(0.0f64, |a, x| a + x)
        },
    );
    let total = parts.into_iter().fold(0.0f64, |a, x| a + x);
    let samples = (n * k_n * mc_samples) as f64;
    MiPair {
        ixt: base.ixt + total / samples / LN_2,
        ity: base.ity,
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

#[cfg(test)]
mod cond_tests {
    use super::*;
    use std::f64::consts::PI;

    fn view(data: &[f32], width: usize) -> LayerView<'_> {
        LayerView {
            data,
            rows: data.len() / width,
            width,
        }
    }

    /// A tiny noisy net 1 → 2 → 2 (tanh), written out in f64 in the test:
    /// S_1 = tanh(W1 x + b1), T_1 = S_1 + β N, S_2 = tanh(W2 T_1 + b2).
    /// Returns (S_2 from one noisy pass per input, K more samples of S_2
    /// per input, k-major), rounded to f32 as the trainer records them.
    fn tiny_net(xs: &[f64], beta: f64, k_n: usize, gain: f64) -> (Vec<f32>, Vec<f32>) {
        let (w1, b1) = ([1.5, -0.7], [0.1, 0.3]);
        let (w2, b2) = ([[gain, -0.8 * gain], [0.5 * gain, gain]], [0.0, -0.2]);
        let mut rng = Rng::for_stream(77, Stream::TrainNoise);
        let mut pass = |x: f64| -> [f32; 2] {
            let t1: Vec<f64> = (0..2)
                .map(|j| (w1[j] * x + b1[j]).tanh() + beta * rng.normal())
                .collect();
            std::array::from_fn(|j| (w2[j][0] * t1[0] + w2[j][1] * t1[1] + b2[j]).tanh() as f32)
        };
        let one: Vec<f32> = xs.iter().flat_map(|&x| pass(x)).collect();
        let mut cond = Vec::new();
        for _ in 0..k_n {
            for &x in xs {
                cond.extend(pass(x));
            }
        }
        (one, cond)
    }

    /// ln Σ exp(a), the maximum taken out, in f64.
    fn lse(a: &[f64]) -> f64 {
        let mx = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        mx + a.iter().map(|&x| (x - mx).exp()).sum::<f64>().ln()
    }

    /// Per input i, (ĥ(T | X = x_i), the paired ĥ(Z) on the same draws) in
    /// nats, from the densities in f64: the mixture g_i = (1/K) Σ_k
    /// φ_σ(t - S^{(i,k)}), sampled at t = S^{(i,k)} + z with the draws the
    /// estimator takes (sub-stream i·K + k of the conditional seed, m
    /// samples of d values each).
    fn naive_cond(
        cond: &[f32],
        n: usize,
        d: usize,
        sigma: f64,
        m: usize,
        seed: u64,
    ) -> Vec<(f64, f64)> {
        let k_n = cond.len() / (n * d);
        let s = |k: usize, i: usize, u: usize| f64::from(cond[(k * n + i) * d + u]);
        let log_phi = |v: &[f64]| -> f64 {
            let q: f64 = v.iter().map(|x| x * x).sum();
            -0.5 * d as f64 * (2.0 * PI * sigma * sigma).ln() - q / (2.0 * sigma * sigma)
        };
        let cseed = cond_seed(seed);
        (0..n)
            .map(|i| {
                let (mut lg, mut lz) = (0.0, 0.0);
                for k in 0..k_n {
                    let mut rng = Rng::for_substream(cseed, Stream::MiNoise, (i * k_n + k) as u64);
                    for _ in 0..m {
                        let z: Vec<f64> = (0..d)
                            .map(|_| f64::from((sigma * rng.normal()) as f32))
                            .collect();
                        let terms: Vec<f64> = (0..k_n)
                            .map(|c| {
                                let v: Vec<f64> =
                                    (0..d).map(|u| s(k, i, u) + z[u] - s(c, i, u)).collect();
                                log_phi(&v)
                            })
                            .collect();
                        lg += lse(&terms) - (k_n as f64).ln();
                        lz += log_phi(&z);
                    }
                }
                let t = (k_n * m) as f64;
                (-lg / t, -lz / t)
            })
            .collect()
    }

    #[test]
    fn conditional_term_matches_a_naive_f64_reference_on_a_tiny_noisy_net() {
        let xs = [-1.0, -0.4, 0.0, 0.3, 0.9, 1.6];
        let labels = [0u32, 0, 1, 0, 1, 1];
        let (beta, k_n, m, seed) = (0.2, 5, 7, 11u64);
        let (one, cond) = tiny_net(&xs, beta, k_n, 1.3);
        let n = xs.len();
        let base = noisy_mi_with(view(&one, 2), &labels, 2, beta, m, seed, 1, false);
        let got = noisy_mi_cond_with(
            view(&one, 2),
            view(&cond, 2),
            &labels,
            2,
            beta,
            m,
            seed,
            1,
            false,
        );
        let per_row = naive_cond(&cond, n, 2, beta, m, seed);
        // I(X;T) = [ĥ(T) - ĥ_Z] - mean_i [ĥ(T | x_i) - ĥ_Z,i]: the h(Z)-based
        // value minus the kernel's is the second bracket, in bits.
        let excess: f64 = per_row.iter().map(|(h, hz)| h - hz).sum::<f64>() / n as f64 / LN_2;
        // f32 distances and exponentials against f64: ~1e-6 relative on
        // terms of order 1 nat, averaged; 1e-5 bits leaves 10× room.
        assert!(
            (base.ixt - got.ixt - excess).abs() < 1e-5,
            "{base:?} {got:?} excess {excess}"
        );
        assert_eq!(got.ity.to_bits(), base.ity.to_bits());
        // The noise below spreads S_2 given x (gain 1.3, β = 0.2), so the
        // mean ĥ(T_2 | X = x_i) exceeds ĥ(Z), and I(X;T_2) drops.
        assert!(excess > 0.0, "{per_row:?}");
        assert!(got.ixt < base.ixt);
        // Against the analytic h(Z) = ln(2πeσ²) (d = 2), each row's ĥ(Z) is
        // off by Monte Carlo noise only: |z|²/(2σ²) averaged over K m = 35
        // samples of a χ²_2/2 variable (sd 1) has sd 1/√35 ≈ 0.17 nats.
        let h_z = (2.0 * PI * std::f64::consts::E * beta * beta).ln();
        for (_, hz) in &per_row {
            assert!((hz - h_z).abs() < 4.0 / 35f64.sqrt(), "{hz} vs {h_z}");
        }
    }

    #[test]
    fn coinciding_samples_give_the_h_z_value_bit_for_bit() {
        // Layer 1 (or zero weights into layer l): the noise below does not
        // move S, all K samples of S given x are equal, every sample's
        // mixture term is ln(K · e⁰) - ln K = 0 exactly, and I(X;T) is the
        // h(Z)-based value, bit for bit; so is K = 1.
        let (one, _) = tiny_net(&[-1.0, 0.0, 0.5, 1.0, 2.0], 0.1, 1, 1.0);
        let labels = [0u32, 1, 0, 1, 1];
        let base = noisy_mi(view(&one, 2), &labels, 2, 0.1, 4, 3);
        for k_n in [1, 2, 8] {
            let cond: Vec<f32> = (0..k_n).flat_map(|_| one.iter().copied()).collect();
            let got = noisy_mi_cond(view(&one, 2), view(&cond, 2), &labels, 2, 0.1, 4, 3);
            assert_eq!(
                (got.ixt.to_bits(), got.ity.to_bits()),
                (base.ixt.to_bits(), base.ity.to_bits()),
                "K = {k_n}"
            );
        }
    }

    #[test]
    fn far_apart_samples_add_log_k_to_each_conditional_entropy() {
        // σ = 1e-3 and the K samples of each S given x 0.5 apart (500 σ):
        // the other components' kernels underflow, each sample's term is
        // ln 1 - ln K, so ĥ(T | X = x) = ĥ_Z + ln K and I(X;T) = (h(Z)-based
        // value) - log2 K, up to f64 rounding of the sums (< 1e-12 bits).
        let n = 6;
        let one: Vec<f32> = (0..n).flat_map(|i| [i as f32 * 10.0, 0.0]).collect();
        let labels = [0u32, 1, 0, 1, 0, 1];
        let base = noisy_mi(view(&one, 2), &labels, 2, 1e-3, 3, 9);
        for k_n in [2usize, 4, 7] {
            let cond: Vec<f32> = (0..k_n)
                .flat_map(|k| (0..n).flat_map(move |i| [i as f32 * 10.0, k as f32 * 0.5]))
                .collect();
            let got = noisy_mi_cond(view(&one, 2), view(&cond, 2), &labels, 2, 1e-3, 3, 9);
            let want = base.ixt - (k_n as f64).log2();
            assert!((got.ixt - want).abs() < 1e-12, "K {k_n}: {got:?} vs {want}");
        }
    }

    #[test]
    fn conditional_entropy_approaches_the_quadrature_value() {
        // S given x takes 0 or 1 (d = 1) by a fair seeded coin, σ = 0.3:
        // h(T | X = x) tends to that of ½N(0, σ²) + ½N(1, σ²) (Simpson's
        // rule below). With K = 64 draws per row the empirical weights are
        // off by ~1/√64 per row, averaged over 20 rows, and the Monte Carlo
        // error is ~1/√(64·40·20): together well below 0.03 nats.
        let (n, k_n, m, sigma) = (20usize, 64usize, 40usize, 0.3f64);
        let mut coin = Rng::for_stream(5, Stream::Init);
        let cond: Vec<f32> = (0..k_n * n).map(|_| coin.below(2) as f32).collect();
        let per_row = naive_cond(&cond, n, 1, sigma, m, 4);
        let labels = vec![0u32; n];
        let one = vec![0.0f32; n];
        let base = noisy_mi(view(&one, 1), &labels, 1, sigma, m, 4);
        let got = noisy_mi_cond(view(&one, 1), view(&cond, 1), &labels, 1, sigma, m, 4);
        let g = |t: f64| {
            0.5 * ((-(t * t) / (2.0 * sigma * sigma)).exp()
                + (-((t - 1.0) * (t - 1.0)) / (2.0 * sigma * sigma)).exp())
                / ((2.0 * PI).sqrt() * sigma)
        };
        let (lo, hi, steps) = (-4.0, 5.0, 90_000);
        let h = (hi - lo) / steps as f64;
        let f = |t: f64| -g(t) * g(t).ln();
        let mut integral = f(lo) + f(hi);
        for i in 1..steps {
            integral += f(lo + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        let h_mix = integral * h / 3.0;
        let h_z = 0.5 * (2.0 * PI * std::f64::consts::E * sigma * sigma).ln();
        let mean_h: f64 = per_row.iter().map(|p| p.0).sum::<f64>() / n as f64;
        assert!((mean_h - h_mix).abs() < 0.03, "{mean_h} vs {h_mix}");
        // All rows equal: ĥ(T) - ĥ_Z = 0 up to f64 rounding of the sums, so
        // I(X;T) is minus the mean conditional excess, which the kernel
        // matches to f32 precision.
        assert!(base.ixt.abs() < 1e-12, "{base:?}");
        let excess: f64 = per_row.iter().map(|(h, hz)| h - hz).sum::<f64>() / n as f64 / LN_2;
        assert!((got.ixt + excess).abs() < 1e-5, "{got:?} vs {excess}");
        // And the excess is h(mixture) - h(Z) up to the same errors plus
        // the paired ĥ(Z)'s Monte Carlo noise (sd √(1/2/51200) nats).
        assert!(((h_mix - h_z) / LN_2 - excess).abs() < 0.06, "{excess}");
    }

    #[test]
    fn threads_and_simd_do_not_change_bits_and_bad_samples_are_nan() {
        let (n, d, k_n) = (600, 3, 3);
        let mut rng = Rng::for_stream(3, Stream::Init);
        let one: Vec<f32> = (0..n * d).map(|_| rng.normal() as f32).collect();
        let cond: Vec<f32> = (0..k_n * n * d)
            .map(|j| one[j % (n * d)] + 0.05 * rng.normal() as f32)
            .collect();
        let labels: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
        let (l, c) = (view(&one, d), view(&cond, d));
        let base = noisy_mi_cond_with(l, c, &labels, 3, 0.1, 2, 42, 1, false);
        for (t, simd) in [(1, true), (2, false), (3, true), (8, true)] {
            let r = noisy_mi_cond_with(l, c, &labels, 3, 0.1, 2, 42, t, simd);
            assert_eq!(
                (r.ixt.to_bits(), r.ity.to_bits()),
                (base.ixt.to_bits(), base.ity.to_bits())
            );
        }
        let nan = |m: MiPair| m.ixt.is_nan() && m.ity.is_nan();
        // Rows not a multiple of n, the wrong width, a NaN sample, none.
        let short = view(&cond[..(2 * n - 1) * d], d);
        assert!(nan(noisy_mi_cond(l, short, &labels, 3, 0.1, 2, 1)));
        let narrow = view(&cond[..n * 2 * 2], 2);
        assert!(nan(noisy_mi_cond(l, narrow, &labels, 3, 0.1, 2, 1)));
        let mut bad = cond.clone();
        bad[5] = f32::NAN;
        assert!(nan(noisy_mi_cond(l, view(&bad, d), &labels, 3, 0.1, 2, 1)));
        assert!(nan(noisy_mi_cond(l, view(&[], d), &labels, 3, 0.1, 2, 1)));
    }
}
