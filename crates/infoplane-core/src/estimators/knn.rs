//! k-nearest-neighbour estimators: Kraskov, Stögbauer & Grassberger (2004,
//! "Estimating mutual information", Phys. Rev. E 69, 066138; KSG), all with
//! the maximum norm.
//!
//! # What Saxe et al. (2018) did, as far as the sources show
//!
//! Saxe et al.'s appendix uses a k-NN estimator as their second
//! non-parametric method. Their code does not contain it: asked about it,
//! the ibsgd maintainer wrote that "the Kraskov estimator results are not
//! part of this codebase" and did not remember which co-author implemented
//! it (`artemyk/ibsgd` issue #9, 2020). A group that re-implemented the
//! paper reports that its appendix (B.3) shows k-NN estimates of the
//! *entropy* of the hidden representation, which come out negative, not
//! information-plane plots (`neuroinfo-os/deep-bottleneck` issue #14,
//! 2018). The only k-NN code in ibsgd's history is a nearest-neighbour
//! (k = 1, Euclidean) Kozachenko–Leonenko entropy in
//! `ComputeKDEMI.ipynb` of commit 7016549 (2017-12-15), left commented out
//! of the MI loop and deleted the next day. The paper's own text was not
//! reachable from here, so the k, the noise (if any) and the variant they
//! used are not established; the choices below are this module's, stated
//! as such.
//!
//! # What is implemented
//!
//! * [`knn_entropy`]: the Kozachenko–Leonenko entropy in KSG's form (their
//!   eq. 20) with the max-norm: with r_i the distance from point i to its
//!   k-th nearest neighbour, Ĥ = ψ(N) - ψ(k) + (d/N) Σ_i ln(2 r_i) (the
//!   max-norm ball of radius r is a cube of volume (2r)^d). Saxe et al.'s
//!   appendix plots a k-NN entropy of this kind (which form, unknown).
//! * [`ksg_mi`]: KSG's algorithm 1. With ε_i the joint max-norm distance
//!   (max of the two marginal max-norms) from i to its k-th neighbour and
//!   n_a(i), n_b(i) the numbers of points j ≠ i strictly closer than ε_i in
//!   each marginal space: I = ψ(k) + ψ(N) - ⟨ψ(n_a + 1) + ψ(n_b + 1)⟩.
//! * [`ksg_label_mi`]: the KSG construction for a discrete second variable
//!   (Ross 2014, "Mutual information between discrete and continuous data
//!   sets", PLoS ONE 9:e87357), as scikit-learn's `mutual_info_classif`
//!   computes it: points of classes with a single member are dropped
//!   (N counts the rest); for point i of class y (N_y members) with
//!   k_y = min(k, N_y - 1), d_i is the distance to its k_y-th nearest
//!   neighbour within the class and m_i = 1 + #{j ≠ i : dist(i, j) < d_i}
//!   over all kept points; I = ψ(N) + ⟨ψ(k_y)⟩ - ⟨ψ(N_y)⟩ - ⟨ψ(m_i)⟩.
//! * [`knn_mi`] (the layer estimator, [`super::Estimator::Knn`]): the k-NN
//!   view treats the N rows as samples of a continuous distribution of T
//!   (not, as binning, KDE and [`super::noisy_mi`] do, as the whole,
//!   uniform, input distribution). Then I(X;T) is infinite for a
//!   deterministic layer, so `ixt` holds the differential entropy Ĥ(T) in
//!   bits from [`knn_entropy`], the quantity Saxe et al.'s appendix plots
//!   in its place (it can be negative); `ity` is I(T;Y) from
//!   [`ksg_label_mi`]. Saturated tanh units repeat values exactly, and k
//!   exact copies of a row make Ĥ = -∞, so seeded Gaussian noise of a small
//!   standard deviation σ (one draw per value) is added first, as
//!   scikit-learn adds 1e-10-scale noise before KSG (1e-10 vanishes next to
//!   f32's spacing of 6e-8 near ±1, hence a larger default; σ = 0 adds
//!   none). Saturation then shows as entropy falling with log σ.
//!
//!   Why not I(X;T+Z) = Ĥ_kNN(T+Z) - h(Z) with the KDE's noise: measured
//!   on a 4096 × 10 tanh layer, that difference came out at 60 bits for
//!   σ = 0.01 and 27.5 bits for σ = 0.1 (the true value is at most 12):
//!   with one draw per row the k-NN estimate sees a smooth cloud, not 4096
//!   narrow bumps (k-NN entropy converges only as N^(-1/d), Goldfeld et
//!   al.'s reason for their SP estimator).
//!
//! None of the estimates is clipped at 0 (scikit-learn clips I at 0).
//!
//! # Computation
//!
//! Blocked O(N² d): distances from one row to a strip of rows at a time,
//! unit by unit over a column-major copy (max over units of |x_j - x_i| in
//! f32; max is exact, so the unit order cannot matter), then a scan keeping the k smallest (or counting those
//! below a radius). Natively rows are split over threads; each row's result
//! depends on that row alone and sums run in row order, so the thread count
//! never changes a bit. ψ comes from [`digamma`], logs from `libm`, results
//! in bits.

use super::{LayerView, MiPair};
use crate::math::ln;
use crate::rng::{Rng, Stream};
use std::f64::consts::{LN_2, PI};

/// The digamma function ψ(x) = Γ'(x)/Γ(x) in f64, portable (only `libm`
/// and IEEE arithmetic). For x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x up
/// to x >= 10, then the asymptotic series ln x - 1/(2x) - Σ B_2n/(2n x^2n)
/// to B_14 (truncation error below 1e-16 there). For x <= 0 the reflection
/// ψ(x) = ψ(1 - x) - π / tan(πx); NaN at the poles 0, -1, -2, ... and for
/// NaN or -∞; +∞ at +∞.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return f64::INFINITY;
    }
    if x <= 0.0 {
        if x == libm::floor(x) {
            return f64::NAN;
        }
        return digamma(1.0 - x) - PI / libm::tan(PI * x);
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    // B2/2 = 1/12, B4/4 = -1/120, B6/6 = 1/252, B8/8 = -1/240,
    // B10/10 = 1/132, B12/12 = -691/32760, B14/14 = 1/12.
    let series = f
        * (1.0 / 12.0
            - f * (1.0 / 120.0
                - f * (1.0 / 252.0
                    - f * (1.0 / 240.0 - f * (1.0 / 132.0 - f * (691.0 / 32760.0 - f / 12.0))))));
    acc + (ln(x) - 0.5 / x - series)
}

/// Rows per unit of work handed to a thread.
const CHUNK: usize = 64;
/// Rows whose distances to one row are held at once.
const STRIP: usize = 1024;
/// Below this many rows one thread does everything.
const MIN_ROWS_FOR_THREADS: usize = 512;

/// Points laid out column-major for the distance kernels: coordinate u of
/// point p is `cols[u * n + p]`.
struct Points {
    n: usize,
    d: usize,
    cols: Vec<f32>,
}

impl Points {
    /// Points `order[p]` (rows of row-major `data`, width `d`) for p in
    /// 0..order.len().
    fn gather(data: &[f32], d: usize, order: &[usize]) -> Points {
        let n = order.len();
        let mut cols = vec![0.0f32; n * d];
        for (p, &r) in order.iter().enumerate() {
            for (u, &v) in data[r * d..(r + 1) * d].iter().enumerate() {
                cols[u * n + p] = v;
            }
        }
        Points { n, d, cols }
    }

    /// Points whose coordinates are those of `a` followed by those of `b`
    /// (same rows): max-norm distances in it are the KSG joint distances.
    fn concat(a: &Points, b: &Points) -> Points {
        let mut cols = a.cols.clone();
        cols.extend_from_slice(&b.cols);
        Points {
            n: a.n,
            d: a.d + b.d,
            cols,
        }
    }

    /// `out[j - a] = max_u |x_ju - x_iu|` for j in `a..a + out.len()`, one
    /// unit at a time over the strip. `f32::max` rather than a select:
    /// LLVM turns `if t > *o { *o = t }` into a masked store, several times
    /// slower. (No NaN reaches here, and max is exact, so the order of the
    /// units cannot change a bit.)
    #[inline(always)]
    fn dist_strip(&self, i: usize, a: usize, out: &mut [f32]) {
        let (n, len) = (self.n, out.len());
        for u in 0..self.d {
            let col = &self.cols[u * n + a..u * n + a + len];
            let x = self.cols[u * n + i];
            if u == 0 {
                for (o, &c) in out.iter_mut().zip(col) {
                    *o = (c - x).abs();
                }
            } else {
                for (o, &c) in out.iter_mut().zip(col) {
                    *o = o.max((c - x).abs());
                }
            }
        }
    }
}

/// The k smallest values seen, ascending, padded with +∞.
struct TopK {
    v: Vec<f32>,
}

impl TopK {
    fn reset(&mut self, k: usize) {
        self.v.clear();
        self.v.resize(k, f32::INFINITY);
    }

    /// Offers every value of `d` (the k-th smallest so far is the bar).
    /// Blocks of 8 with nothing below the bar, the common case once the
    /// list has filled, cost one vector comparison.
    #[inline(always)]
    fn offer(&mut self, d: &[f32]) {
        let Some(&last) = self.v.last() else {
            return;
        };
        let mut bar = last;
        let (blocks, tail) = d.as_chunks::<8>();
        for b in blocks {
            let mut hit = false;
            for &x in b {
                hit |= x < bar;
            }
            if hit {
                for &x in b {
                    bar = self.insert(x, bar);
                }
            }
        }
        for &x in tail {
            bar = self.insert(x, bar);
        }
    }

    /// Inserts x if it is below the bar; returns the new bar.
    #[inline(always)]
    fn insert(&mut self, x: f32, bar: f32) -> f32 {
        if x >= bar {
            return bar;
        }
        let mut p = self.v.len() - 1;
        while p > 0 && self.v[p - 1] > x {
            self.v[p] = self.v[p - 1];
            p -= 1;
        }
        self.v[p] = x;
        self.v[self.v.len() - 1]
    }

    /// The k-th smallest value (+∞ if fewer than k were offered).
    fn kth(&self) -> f32 {
        self.v.last().copied().unwrap_or(f32::INFINITY)
    }
}

/// A thread's scratch space.
struct Scratch {
    dist: Vec<f32>,
    all: TopK,
    group: TopK,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dist: vec![0.0; STRIP],
            all: TopK { v: Vec::new() },
            group: TopK { v: Vec::new() },
        }
    }
}

/// `f(scratch, i)` for i in 0..n in row order, rows split over up to
/// `threads` threads in chunks (see [`super::parallel_map`]).
fn per_row<R: Send>(
    n: usize,
    threads: usize,
    f: impl Fn(&mut Scratch, usize) -> R + Sync,
) -> Vec<R> {
    let threads = if n >= MIN_ROWS_FOR_THREADS {
        threads
    } else {
        1
    };
    super::parallel_map(n.div_ceil(CHUNK), threads, Scratch::new, |s, c| {
        (c * CHUNK..((c + 1) * CHUNK).min(n))
            .map(|i| f(s, i))
            .collect::<Vec<R>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Groups of consecutive points (classes after sorting), for the within-
/// group neighbour search.
struct Groups<'a> {
    /// Group of each point.
    of: &'a [usize],
    /// Points `start..end` of each group.
    range: &'a [(usize, usize)],
    /// Neighbour rank wanted within each group (0: none).
    k: &'a [usize],
}

/// Row i's k-th distances for [`kth_distances`].
#[inline(always)]
fn kth_row(
    pts: &Points,
    k_all: usize,
    groups: Option<&Groups<'_>>,
    s: &mut Scratch,
    i: usize,
) -> (f32, f32) {
    let n = pts.n;
    let Scratch { dist, all, group } = s;
    all.reset(k_all);
    let (gs, ge, kg) = match groups {
        Some(g) => {
            let (a, b) = g.range[g.of[i]];
            (a, b, g.k[g.of[i]])
        }
        None => (0, 0, 0),
    };
    group.reset(kg);
    let mut a = 0;
    while a < n {
        let b = (a + STRIP).min(n);
        let d = &mut dist[..b - a];
        pts.dist_strip(i, a, d);
        if (a..b).contains(&i) {
            d[i - a] = f32::INFINITY;
        }
        if k_all > 0 {
            all.offer(d);
        }
        let (x, y) = (gs.max(a), ge.min(b));
        if kg > 0 && x < y {
            group.offer(&d[x - a..y - a]);
        }
        a = b;
    }
    (all.kth(), group.kth())
}

/// Row i's count for [`count_below`].
#[inline(always)]
fn count_row(pts: &Points, rows: usize, ri: f32, s: &mut Scratch, i: usize) -> u32 {
    let mut count = 0u32;
    let mut a = 0;
    while a < rows {
        let b = (a + STRIP).min(rows);
        let d = &mut s.dist[..b - a];
        pts.dist_strip(i, a, d);
        if (a..b).contains(&i) {
            d[i - a] = f32::INFINITY;
        }
        count += d.iter().map(|&x| u32::from(x < ri)).sum::<u32>();
        a = b;
    }
    count
}

/// The row kernels compiled for AVX2: the same IEEE operations (no FMA),
/// hence the same bits, on 8 lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn kth_row_avx2(
    pts: &Points,
    k_all: usize,
    groups: Option<&Groups<'_>>,
    s: &mut Scratch,
    i: usize,
) -> (f32, f32) {
    kth_row(pts, k_all, groups, s, i)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_row_avx2(pts: &Points, rows: usize, ri: f32, s: &mut Scratch, i: usize) -> u32 {
    count_row(pts, rows, ri, s, i)
}

/// For every point i: the distance to its `k_all`-th nearest other point
/// (if `k_all > 0`, else +∞) and, with `groups`, to its k-th nearest other
/// point of its own group (+∞ without).
fn kth_distances(
    pts: &Points,
    k_all: usize,
    groups: Option<&Groups<'_>>,
    threads: usize,
) -> Vec<(f32, f32)> {
    let simd = super::noisy::has_avx2();
    per_row(pts.n, threads, |s, i| {
        #[cfg(target_arch = "x86_64")]
        {
            if simd {
                // SAFETY: the CPU has AVX2 (checked above).
                return unsafe { kth_row_avx2(pts, k_all, groups, s, i) };
            }
        }
        let _ = simd;
        kth_row(pts, k_all, groups, s, i)
    })
}

/// For every point i < `rows`: #{j < `rows`, j ≠ i : dist(i, j) < `r[i]`}.
fn count_below(pts: &Points, rows: usize, r: &[f32], threads: usize) -> Vec<u32> {
    let simd = super::noisy::has_avx2();
    per_row(rows, threads, |s, i| {
        #[cfg(target_arch = "x86_64")]
        {
            if simd {
                // SAFETY: the CPU has AVX2 (checked above).
                return unsafe { count_row_avx2(pts, rows, r[i], s, i) };
            }
        }
        let _ = simd;
        count_row(pts, rows, r[i], s, i)
    })
}

/// True for a well-formed view of finite values with more than `k >= 1`
/// rows.
fn usable(p: &LayerView<'_>, k: usize) -> bool {
    k >= 1 && p.rows > k && p.is_well_formed(p.rows) && p.is_finite()
}

/// ψ(N) - ψ(k) + (d/N) Σ ln(2 r_i) in nats, summed in row order.
fn entropy_from_radii(r: &[f32], d: usize, k: usize) -> f64 {
    let n = r.len() as f64;
    let mut s = 0.0f64;
    for &ri in r {
        s += ln(2.0 * f64::from(ri));
    }
    digamma(n) - digamma(k as f64) + d as f64 * s / n
}

/// Differential entropy in bits of the rows of `points` by the
/// Kozachenko–Leonenko k-NN estimator with the max-norm (KSG eq. 20; see
/// the module doc). NaN when `k == 0`, there are not more than k rows, the
/// view is malformed or a value is not finite; -∞ when some point has k
/// exact copies (a k-th neighbour distance of 0).
pub fn knn_entropy(points: LayerView<'_>, k: usize) -> f64 {
    knn_entropy_with(points, k, super::default_threads())
}

fn knn_entropy_with(points: LayerView<'_>, k: usize, threads: usize) -> f64 {
    if !usable(&points, k) {
        return f64::NAN;
    }
    let order: Vec<usize> = (0..points.rows).collect();
    let pts = Points::gather(points.data, points.width, &order);
    let r: Vec<f32> = kth_distances(&pts, k, None, threads)
        .into_iter()
        .map(|x| x.0)
        .collect();
    entropy_from_radii(&r, points.width, k) / LN_2
}

/// I(A;B) in bits by KSG's algorithm 1 (max-norm; see the module doc), for
/// two views of the same rows. NaN when the views are malformed or differ
/// in rows, `k == 0`, there are not more than k rows, or a value is not
/// finite. Ties are not broken: callers with repeated values add noise.
pub fn ksg_mi(a: LayerView<'_>, b: LayerView<'_>, k: usize) -> f64 {
    ksg_mi_with(a, b, k, super::default_threads())
}

fn ksg_mi_with(a: LayerView<'_>, b: LayerView<'_>, k: usize, threads: usize) -> f64 {
    if !usable(&a, k) || !usable(&b, k) || a.rows != b.rows {
        return f64::NAN;
    }
    let order: Vec<usize> = (0..a.rows).collect();
    let pa = Points::gather(a.data, a.width, &order);
    let pb = Points::gather(b.data, b.width, &order);
    let joint = Points::concat(&pa, &pb);
    let eps: Vec<f32> = kth_distances(&joint, k, None, threads)
        .into_iter()
        .map(|x| x.0)
        .collect();
    drop(joint);
    let na = count_below(&pa, a.rows, &eps, threads);
    let nb = count_below(&pb, a.rows, &eps, threads);
    let n = a.rows as f64;
    let mut s = 0.0f64;
    for (&x, &y) in na.iter().zip(&nb) {
        s += digamma(f64::from(x) + 1.0) + digamma(f64::from(y) + 1.0);
    }
    (digamma(k as f64) + digamma(n) - s / n) / LN_2
}

/// The rows of a layer ordered for [`ksg_label_mi`]: rows of classes with
/// two or more members first, by class (stable), then the rest.
struct ClassOrder {
    order: Vec<usize>,
    /// Rows in classes with at least two members (a prefix of `order`).
    kept: usize,
    /// Class index (among kept classes) of each of the first `kept` rows.
    of: Vec<usize>,
    /// Range in `order` of each kept class.
    range: Vec<(usize, usize)>,
    /// Members of each kept class.
    size: Vec<usize>,
}

impl ClassOrder {
    fn new(labels: &[u32]) -> ClassOrder {
        let counts = super::entropy::class_counts(labels);
        let mut order = Vec::with_capacity(labels.len());
        let (mut of, mut range, mut size) = (Vec::new(), Vec::new(), Vec::new());
        for (y, &c) in counts.iter().enumerate() {
            if c >= 2 {
                let start = order.len();
                order.extend((0..labels.len()).filter(|&r| labels[r] as usize == y));
                of.extend(std::iter::repeat_n(range.len(), c));
                range.push((start, order.len()));
                size.push(c);
            }
        }
        let kept = order.len();
        order.extend((0..labels.len()).filter(|&r| counts[labels[r] as usize] < 2));
        ClassOrder {
            order,
            kept,
            of,
            range,
            size,
        }
    }
}

/// Entropy (nats) of all points and the Ross/KSG I(T;Y) (nats) from one
/// sweep for the k-th distances and one for the counts.
fn entropy_and_label_mi(
    pts: &Points,
    co: &ClassOrder,
    k: usize,
    threads: usize,
    want_entropy: bool,
) -> (f64, f64) {
    let kg: Vec<usize> = co.size.iter().map(|&s| k.min(s - 1)).collect();
    // Rows beyond `kept` belong to no group: give them an empty one.
    let mut of = co.of.clone();
    of.resize(pts.n, co.range.len());
    let mut range = co.range.clone();
    range.push((0, 0));
    let mut kgs = kg.clone();
    kgs.push(0);
    let groups = Groups {
        of: &of,
        range: &range,
        k: &kgs,
    };
    let kth = kth_distances(
        pts,
        if want_entropy { k } else { 0 },
        Some(&groups),
        threads,
    );
    let h = if want_entropy {
        let r: Vec<f32> = kth.iter().map(|x| x.0).collect();
        entropy_from_radii(&r, pts.d, k)
    } else {
        f64::NAN
    };
    if co.kept == 0 {
        return (h, f64::NAN);
    }
    let d: Vec<f32> = kth[..co.kept].iter().map(|x| x.1).collect();
    let m = count_below(pts, co.kept, &d, threads);
    let n = co.kept as f64;
    let (mut sk, mut sn, mut sm) = (0.0f64, 0.0f64, 0.0f64);
    for (i, &mi) in m.iter().enumerate() {
        let g = co.of[i];
        sk += digamma(kg[g] as f64);
        sn += digamma(co.size[g] as f64);
        sm += digamma(f64::from(mi) + 1.0);
    }
    (h, digamma(n) + (sk - sn - sm) / n)
}

/// I(T;Y) in bits between the rows of `points` and their discrete labels,
/// by the KSG construction for a discrete variable (Ross 2014, as
/// scikit-learn computes it; see the module doc). NaN when the view is
/// malformed, `k == 0`, there are not more than k rows, a value is not
/// finite, a label is not below `n_classes`, or no class has two members.
pub fn ksg_label_mi(points: LayerView<'_>, labels: &[u32], n_classes: usize, k: usize) -> f64 {
    if !usable(&points, k)
        || !super::entropy::labels_valid(labels, n_classes)
        || labels.len() != points.rows
    {
        return f64::NAN;
    }
    let co = ClassOrder::new(labels);
    let pts = Points::gather(points.data, points.width, &co.order);
    entropy_and_label_mi(&pts, &co, k, super::default_threads(), false).1 / LN_2
}

/// The layer estimator [`super::Estimator::Knn`]: `ixt` = Ĥ_kNN(T + Z)
/// (a differential entropy in bits, not a mutual information; it can be
/// negative) and `ity` = I(T + Z; Y) by [`ksg_label_mi`], where Z is
/// tie-breaking Gaussian noise of standard deviation `noise_std` (row r's d
/// values from `Rng::for_substream(seed, Stream::MiNoise, r)`, each
/// `noise_std * normal()` added in f64 and rounded to f32; none for
/// `noise_std = 0`).
///
/// How Saxe et al. (2018) applied their k-NN estimator is not recorded in
/// their code ("not part of this codebase", ibsgd issue #9); a group
/// re-implementing the paper reports that its appendix B.3 plots k-NN
/// entropies of the hidden layers, not information planes
/// (neuroinfo-os/deep-bottleneck issue #14). Their k, noise and variant are
/// unknown: k = 3 (scikit-learn's default, within KSG's suggested 2–4) and
/// the noise are this module's choices (see the module doc).
///
/// NaN pairs for malformed input, labels not below `n_classes`, `k == 0`
/// or not below the row count, non-finite activations, or `noise_std`
/// negative or not finite; `ity` alone is NaN when no class has two
/// members; `ixt` is -∞ when, without noise, a row has k exact copies.
pub fn knn_mi(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    k: usize,
    noise_std: f64,
    seed: u64,
) -> MiPair {
    knn_mi_with(
        layer,
        labels,
        n_classes,
        k,
        noise_std,
        seed,
        super::default_threads(),
    )
}

pub(crate) fn knn_mi_with(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    k: usize,
    noise_std: f64,
    seed: u64,
    threads: usize,
) -> MiPair {
    let valid = usable(&layer, k)
        && labels.len() == layer.rows
        && super::entropy::labels_valid(labels, n_classes)
        && noise_std.is_finite()
        && noise_std >= 0.0;
    if !valid {
        return MiPair::NAN;
    }
    let d = layer.width;
    let mut noisy = layer.data.to_vec();
    if noise_std > 0.0 {
        for (r, row) in noisy.chunks_exact_mut(d).enumerate() {
            let mut rng = Rng::for_substream(seed, Stream::MiNoise, r as u64);
            for v in row {
                *v = (f64::from(*v) + noise_std * rng.normal()) as f32;
            }
        }
    }
    let co = ClassOrder::new(labels);
    let pts = Points::gather(&noisy, d, &co.order);
    let (h, ity) = entropy_and_label_mi(&pts, &co, k, threads, true);
    MiPair {
        ixt: h / LN_2,
        ity: ity / LN_2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

    fn view(data: &[f32], width: usize) -> LayerView<'_> {
        LayerView {
            data,
            rows: data.len() / width,
            width,
        }
    }

    #[test]
    fn digamma_known_values() {
        // ψ(1) = -γ; ψ(1/2) = -γ - 2 ln 2; ψ(n + 1) = ψ(n) + 1/n, so
        // ψ(10) = H_9 - γ; ψ(x + 1) = ψ(x) + 1/x gives ψ(-1/2) = ψ(1/2) + 2.
        assert!(
            (digamma(1.0) + EULER_GAMMA).abs() < 1e-15,
            "{}",
            digamma(1.0)
        );
        let half = -EULER_GAMMA - 2.0 * std::f64::consts::LN_2;
        assert!((digamma(0.5) - half).abs() < 1e-15, "{}", digamma(0.5));
        let h9: f64 = (1..10).map(|m| 1.0 / m as f64).sum();
        assert!((digamma(10.0) - (h9 - EULER_GAMMA)).abs() < 1e-14);
        assert!((digamma(-0.5) - (half + 2.0)).abs() < 1e-14);
        for n in 1..5000 {
            let (a, b) = (digamma(n as f64), digamma(n as f64 + 1.0));
            assert!(
                (b - a - 1.0 / n as f64).abs() <= 1e-14 * b.abs().max(1.0),
                "n {n}"
            );
        }
        // Between the integers, against the recurrence from ψ(0.25) and
        // ψ(0.25) = -γ - π/2 - 3 ln 2.
        let q = -EULER_GAMMA - PI / 2.0 - 3.0 * std::f64::consts::LN_2;
        assert!((digamma(0.25) - q).abs() < 1e-14);
        assert!(
            (digamma(20.25) - (q + (0..20).map(|m| 1.0 / (m as f64 + 0.25)).sum::<f64>())).abs()
                < 1e-13
        );
        assert!(digamma(0.0).is_nan() && digamma(-3.0).is_nan() && digamma(f64::NAN).is_nan());
        assert_eq!(digamma(f64::INFINITY), f64::INFINITY);
    }

    /// KSG algorithm 1 written directly from the paper: all pairs, f64.
    fn ksg_naive(a: &[f64], da: usize, b: &[f64], db: usize, k: usize) -> f64 {
        let n = a.len() / da;
        let dist = |x: &[f64], d: usize, i: usize, j: usize| -> f64 {
            (0..d)
                .map(|u| (x[i * d + u] - x[j * d + u]).abs())
                .fold(0.0, f64::max)
        };
        let mut s = 0.0;
        for i in 0..n {
            let mut joint: Vec<f64> = (0..n)
                .filter(|&j| j != i)
                .map(|j| dist(a, da, i, j).max(dist(b, db, i, j)))
                .collect();
            joint.sort_unstable_by(f64::total_cmp);
            let eps = joint[k - 1];
            let na = (0..n)
                .filter(|&j| j != i && dist(a, da, i, j) < eps)
                .count();
            let nb = (0..n)
                .filter(|&j| j != i && dist(b, db, i, j) < eps)
                .count();
            s += digamma(na as f64 + 1.0) + digamma(nb as f64 + 1.0);
        }
        (digamma(k as f64) + digamma(n as f64) - s / n as f64) / LN_2
    }

    /// Pairs (x, y) of a bivariate standard normal with correlation ρ, as
    /// f32 (values exact in f64 for the naive reference).
    fn gaussian_pairs(n: usize, rho: f64, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut rng = Rng::for_stream(seed, Stream::Init);
        let c = (1.0 - rho * rho).sqrt();
        (0..n)
            .map(|_| {
                let (u, v) = (rng.normal(), rng.normal());
                (u as f32, (rho * u + c * v) as f32)
            })
            .unzip()
    }

    fn widen(v: &[f32]) -> Vec<f64> {
        v.iter().map(|&x| f64::from(x)).collect()
    }

    /// Rounded to multiples of 2^-10 within (-4, 4): differences and
    /// squares of such values are exact in f32, so the f32 kernels and the
    /// f64 references see the same distances, ties included.
    fn grid(v: &[f32]) -> Vec<f32> {
        v.iter()
            .map(|&x| (x.clamp(-3.99, 3.99) * 1024.0).round() / 1024.0)
            .collect()
    }

    #[test]
    fn ksg_matches_naive_reference() {
        for (n, k, seed) in [(300, 3, 1), (700, 1, 2), (1100, 6, 3)] {
            let (x, y) = gaussian_pairs(n, 0.7, seed);
            let (x, y) = (grid(&x), grid(&y));
            // A 2-D B: (y, x²).
            let b: Vec<f32> = x.iter().zip(&y).flat_map(|(&x, &y)| [y, x * x]).collect();
            for threads in [1, 3] {
                let fast = ksg_mi_with(view(&x, 1), view(&b, 2), k, threads);
                let naive = ksg_naive(&widen(&x), 1, &widen(&b), 2, k);
                // Same distances and counts: only summation order differs.
                assert!(
                    (fast - naive).abs() < 1e-9,
                    "n {n} k {k}: {fast} vs {naive}"
                );
            }
        }
    }

    #[test]
    fn ksg_recovers_the_gaussian_value() {
        // I = -½ log2(1 - ρ²) for a bivariate normal. KSG is nearly unbiased
        // there (Kraskov et al. Fig. 4). With N = 16000 and k = 3 the
        // standard deviation over seeds is 0.006-0.008 bits (10 seeds per
        // ρ, worst error 0.016), so 0.04 bits is a 5σ margin.
        for (rho, seed) in [(0.0, 7), (0.6, 8), (0.9, 9)] {
            let (x, y) = gaussian_pairs(16_000, rho, seed);
            let exact = -0.5 * (1.0 - rho * rho).log2();
            let est = ksg_mi(view(&x, 1), view(&y, 1), 3);
            assert!((est - exact).abs() < 0.04, "ρ {rho}: {est} vs {exact}");
        }
    }

    #[test]
    fn knn_entropy_of_uniform_and_gaussian() {
        // U(0,1)^2 has h = 0; N(0,1) has h = ½ log2(2πe) = 2.047 bits. With
        // N = 16000, k = 3 the Gaussian estimate's standard deviation over
        // seeds is 0.008 bits (10 seeds: mean 2.040, worst error 0.019).
        let mut rng = Rng::for_stream(11, Stream::Init);
        let u: Vec<f32> = (0..32_000).map(|_| rng.next_f64() as f32).collect();
        let h = knn_entropy(view(&u, 2), 3);
        assert!(h.abs() < 0.04, "{h}");
        let (g, _) = gaussian_pairs(16_000, 0.0, 12);
        let h = knn_entropy(view(&g, 1), 3);
        let exact = 0.5 * (2.0 * PI * std::f64::consts::E).log2();
        assert!((h - exact).abs() < 0.04, "{h} vs {exact}");
        // By hand: points 0, 1, 3 with k = 1: r = 1, 1, 2, so
        // Ĥ = ψ(3) - ψ(1) + (1/3)(ln 2 + ln 2 + ln 4) nats
        //   = 1.5 + (4/3) ln 2 nats.
        let h = knn_entropy(view(&[0.0, 1.0, 3.0], 1), 1);
        let want = (1.5 + 4.0 / 3.0 * std::f64::consts::LN_2) / LN_2;
        assert!((h - want).abs() < 1e-12, "{h} vs {want}");
        // Exact copies: -∞; too few rows or k = 0: NaN.
        assert_eq!(knn_entropy(view(&[0.0, 0.0, 3.0], 1), 1), f64::NEG_INFINITY);
        assert!(knn_entropy(view(&[0.0, 1.0], 1), 2).is_nan());
        assert!(knn_entropy(view(&[0.0, 1.0], 1), 0).is_nan());
        assert!(knn_entropy(view(&[0.0, f32::NAN, 2.0], 1), 1).is_nan());
    }

    /// Ross's estimator written directly: all pairs, f64.
    fn ross_naive(x: &[f64], d: usize, labels: &[u32], k: usize) -> f64 {
        let n_all = labels.len();
        let count = |y: u32| labels.iter().filter(|&&l| l == y).count();
        let kept: Vec<usize> = (0..n_all).filter(|&i| count(labels[i]) >= 2).collect();
        let dist = |i: usize, j: usize| -> f64 {
            (0..d)
                .map(|u| (x[i * d + u] - x[j * d + u]).abs())
                .fold(0.0, f64::max)
        };
        let n = kept.len() as f64;
        let mut s = 0.0;
        for &i in &kept {
            let ny = count(labels[i]);
            let ki = k.min(ny - 1);
            let mut same: Vec<f64> = kept
                .iter()
                .filter(|&&j| j != i && labels[j] == labels[i])
                .map(|&j| dist(i, j))
                .collect();
            same.sort_unstable_by(f64::total_cmp);
            let r = same[ki - 1];
            let m = 1 + kept.iter().filter(|&&j| j != i && dist(i, j) < r).count();
            s += digamma(ki as f64) - digamma(ny as f64) - digamma(m as f64);
        }
        (digamma(n) + s / n) / LN_2
    }

    #[test]
    fn label_mi_matches_naive_reference() {
        let mut rng = Rng::for_stream(13, Stream::Init);
        // Three classes shifted apart, one class with 2 members (k is cut
        // to 1 there) and one singleton (dropped).
        let mut labels: Vec<u32> = (0..600).map(|_| rng.below(3) as u32).collect();
        labels[10] = 3;
        labels[20] = 3;
        labels[30] = 4;
        let x: Vec<f32> = labels
            .iter()
            .flat_map(|&y| {
                let c = y as f64 * 0.7;
                [(c + rng.normal()) as f32, rng.normal() as f32]
            })
            .collect();
        let x = grid(&x);
        for k in [1, 3, 5] {
            let fast = ksg_label_mi(view(&x, 2), &labels, 5, k);
            let naive = ross_naive(&widen(&x), 2, &labels, k);
            assert!((fast - naive).abs() < 1e-9, "k {k}: {fast} vs {naive}");
        }
        // Labels independent of well-spread points: I ≈ 0 (not clipped).
        let y: Vec<u32> = (0..2000).map(|_| rng.below(2) as u32).collect();
        let p: Vec<f32> = (0..2000).map(|_| rng.normal() as f32).collect();
        let i0 = ksg_label_mi(view(&p, 1), &y, 2, 3);
        assert!(i0.abs() < 0.03, "{i0}");
        // Perfectly separated classes: I = H(Y).
        let sep: Vec<f32> = y
            .iter()
            .map(|&c| c as f32 * 100.0 + rng.next_f64() as f32)
            .collect();
        let hy = crate::estimators::label_entropy(&y, 2);
        let i1 = ksg_label_mi(view(&sep, 1), &y, 2, 3);
        assert!((i1 - hy).abs() < 0.01, "{i1} vs {hy}");
    }

    #[test]
    fn knn_layer_estimate_is_the_entropy_and_label_mi_of_the_noisy_layer() {
        let mut rng = Rng::for_stream(17, Stream::Init);
        let n = 800;
        let labels: Vec<u32> = (0..n).map(|_| rng.below(2) as u32).collect();
        // Saturated rows: a third of the units sit at exactly ±1.
        let data: Vec<f32> = labels
            .iter()
            .flat_map(|&y| {
                let c = if y == 0 { -0.5 } else { 0.5 };
                let s = if rng.below(3) == 0 { 1.0f32 } else { -1.0 };
                [
                    (c + 0.3 * rng.normal()).tanh() as f32,
                    (0.5 * rng.normal()).tanh() as f32,
                    s,
                ]
            })
            .collect();
        let l = view(&data, 3);
        let sigma = 1e-3;
        let m = knn_mi(l, &labels, 2, 3, sigma, 99);
        // The same noise added by hand, then the two public estimators.
        let noisy: Vec<f32> = data
            .chunks_exact(3)
            .enumerate()
            .flat_map(|(r, row)| {
                let mut g = Rng::for_substream(99, Stream::MiNoise, r as u64);
                row.iter()
                    .map(|&v| (f64::from(v) + sigma * g.normal()) as f32)
                    .collect::<Vec<_>>()
            })
            .collect();
        let h = knn_entropy(view(&noisy, 3), 3);
        let i = ksg_label_mi(view(&noisy, 3), &labels, 2, 3);
        assert!(
            (m.ixt - h).abs() < 1e-12 && (m.ity - i).abs() < 1e-12,
            "{m:?} vs {h} {i}"
        );
        // The label shifts unit 0 by a full standard deviation: clearly
        // informative, below H(Y).
        let hy = crate::estimators::label_entropy(&labels, 2);
        assert!(m.ity > 0.1 && m.ity < hy, "{m:?}");
        // Without noise the saturated unit alone does not create ties (the
        // other units differ), so the estimate stays finite; with all rows
        // equal it is -∞.
        assert!(knn_mi(l, &labels, 2, 3, 0.0, 99).ixt.is_finite());
        let same = vec![0.5f32; 30];
        let y10: Vec<u32> = (0..10).map(|r| r % 2).collect();
        assert_eq!(
            knn_mi(view(&same, 3), &y10, 2, 3, 0.0, 1).ixt,
            f64::NEG_INFINITY
        );
        assert!(knn_mi(view(&same, 3), &y10, 2, 3, 1e-3, 1).ixt.is_finite());
        // Bit-identical across calls and thread counts; another seed moves it.
        for threads in [1, 4] {
            let a = knn_mi_with(l, &labels, 2, 3, sigma, 99, threads);
            assert_eq!(
                (a.ixt.to_bits(), a.ity.to_bits()),
                (m.ixt.to_bits(), m.ity.to_bits())
            );
        }
        assert_ne!(knn_mi(l, &labels, 2, 3, sigma, 100).ixt, m.ixt);
        // Bad parameters.
        for (k, s) in [
            (0, 0.1),
            (n, 0.1),
            (3, -0.1),
            (3, f64::NAN),
            (3, f64::INFINITY),
        ] {
            let m = knn_mi(l, &labels, 2, k, s, 1);
            assert!(m.ixt.is_nan() && m.ity.is_nan(), "k {k} σ {s}");
        }
        assert!(knn_mi(l, &labels, 1, 3, 0.1, 1).ixt.is_nan());
    }
}
