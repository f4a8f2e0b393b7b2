//! Activations → discrete codes (one u32 per unit) for the binning
//! estimators. Codes only need to be equal exactly when the original codes
//! would bin two values together; they are kept small so that
//! [`super::entropy`] can pack a whole row into one u64.
//!
//! Each function fills `out` (row-major, same shape as `data`) and returns
//! false when its parameters are invalid.

use crate::math::{max_of, min_of};

/// `np.linspace(lo, hi, n).astype(np.float32)`: computed in f64 as numpy
/// does (`i * step + lo`, the last point `hi` exactly), then rounded to f32.
pub(crate) fn idnns_edges(n: usize, lo: f32, hi: f32) -> Vec<f32> {
    let (lo, hi) = (f64::from(lo), f64::from(hi));
    let step = (hi - lo) / (n - 1) as f64;
    let mut edges: Vec<f32> = (0..n).map(|i| (i as f64 * step + lo) as f32).collect();
    edges[n - 1] = hi as f32;
    edges
}

/// `edges` between the -inf and +inf that [`count_near`] expects.
fn sentinel_edges(edges: &[f32]) -> Vec<f32> {
    std::iter::once(f32::NEG_INFINITY)
        .chain(edges.iter().copied())
        .chain(std::iter::once(f32::INFINITY))
        .collect()
}

/// Number of edges `<= v` (`np.searchsorted(edges, v, 'right')`, which is
/// what `np.digitize` computes for increasing edges) for `v` < +inf (not
/// NaN), walking from the guess `g` in `0..=n` (any guess is exact, a good
/// one costs two comparisons). `ext` holds the `n` non-decreasing edges
/// between -inf and +inf (edge i is `ext[i + 1]`), which end both walks,
/// so they test edges only: a value saturated at either end (tanh's
/// exact ±1) takes the same branches as an interior value whose guess is
/// right. Walks that also tested the ends of the array took different
/// branches at each end, a mispredicted branch per value in a layer
/// saturated both ways: 3× slower there (measured once, natively, 50
/// edges, 70 % of the values at exactly ±1: 11.1 against 3.7 ns per value;
/// as fast as before on unsaturated values).
#[inline(always)]
fn count_near(ext: &[f32], v: f32, g: usize) -> usize {
    let mut k = g;
    // Edge k <= v: the count is above k.
    while ext[k + 1] <= v {
        k += 1;
    }
    // Edge k - 1 > v: the count is below k.
    while ext[k] > v {
        k -= 1;
    }
    k
}

/// IDNNs-exact binning (see [`super::Estimator::IdnnsBinning`]). The code is
/// the index of the first edge equal (as f32) to the edge IDNNs would
/// store, so edges that coincide in f32 form one bin as they do in numpy.
pub(crate) fn idnns_codes(
    data: &[f32],
    n_edges: usize,
    lo: f32,
    hi: f32,
    out: &mut Vec<u32>,
) -> bool {
    if n_edges < 2 || n_edges > u32::MAX as usize || !(lo.is_finite() && hi.is_finite() && lo < hi)
    {
        return false;
    }
    let edges = idnns_edges(n_edges, lo, hi);
    let canon: Vec<u32> = (0..n_edges)
        .map(|k| {
            edges
                .iter()
                .position(|e| e.to_bits() == edges[k].to_bits())
                .unwrap_or(k) as u32
        })
        .collect();
    let last = canon[n_edges - 1];
    // The code of each count of edges <= v: index -1 wraps to the last
    // edge in numpy.
    let code_of: Vec<u32> = std::iter::once(last).chain(canon.iter().copied()).collect();
    let ext = sentinel_edges(&edges);
    // The guess of the count from the uniform spacing, in f32 (off by at
    // most one for all but a few values).
    let inv_step = ((n_edges - 1) as f64 / (f64::from(hi) - f64::from(lo))) as f32;
    let top = n_edges as f32;
    out.clear();
    out.resize(data.len(), 0);
    for (o, &v) in out.iter_mut().zip(data) {
        *o = if v.is_nan() {
            // numpy sorts NaN after every edge: index n, edge hi.
            last
        } else if v == f32::INFINITY {
            code_of[n_edges]
        } else {
            // In 0..=n after the clamp, so through i32 (one conversion).
            let g = ((v - lo) * inv_step + 1.0).clamp(0.0, top) as i32 as usize;
            code_of[count_near(&ext, v, g)]
        };
    }
    true
}

/// Smallest and largest value (both NaN-free inputs assumed; (+inf, -inf)
/// for an empty slice).
pub(crate) fn min_max(data: &[f32]) -> (f32, f32) {
    // Eight independent lanes so the loop vectorises.
    let mut lo = [f32::INFINITY; 8];
    let mut hi = [f32::NEG_INFINITY; 8];
    let (blocks, tail) = data.as_chunks::<8>();
    for b in blocks {
        for k in 0..8 {
            lo[k] = min_of(lo[k], b[k]);
            hi[k] = max_of(hi[k], b[k]);
        }
    }
    let mut l = lo.iter().copied().fold(f32::INFINITY, min_of);
    let mut h = hi.iter().copied().fold(f32::NEG_INFINITY, max_of);
    for &v in tail {
        l = min_of(l, v);
        h = max_of(h, v);
    }
    (l, h)
}

/// Per-column (min, max) of a row-major matrix.
pub(crate) fn column_ranges(data: &[f32], width: usize) -> Vec<(f32, f32)> {
    let mut r = vec![(f32::INFINITY, f32::NEG_INFINITY); width];
    for row in data.chunks_exact(width) {
        for (m, &v) in r.iter_mut().zip(row) {
            m.0 = min_of(m.0, v);
            m.1 = max_of(m.1, v);
        }
    }
    r
}

/// floor(q) for |q| < 2^31: truncation corrected downwards (exact; for
/// |q| >= 2^23 q is already an integer and truncation is exact).
#[inline(always)]
pub(crate) fn floor_i32(q: f32) -> i32 {
    let t = q as i32;
    t - i32::from(t as f32 > q)
}

/// ibsgd binning: T = floor(v / s), the division in f32 as numpy does for
/// a float32 array and a Python float. The integer bin k becomes the
/// order-preserving code `k + 2^31`; if some |v / s| reaches 2^31 the code
/// is instead the order-preserving bit pattern of the f32 floor (exact for
/// any size; -0.0 counts as 0).
pub(crate) fn size_codes(data: &[f32], s: f32, out: &mut Vec<u32>) -> bool {
    if !(s.is_finite() && s > 0.0) {
        return false;
    }
    const LIMIT: f32 = 2_147_483_648.0; // 2^31
    let (lo, hi) = min_max(data);
    out.clear();
    out.resize(data.len(), 0);
    if lo / s > -LIMIT && hi / s < LIMIT {
        for (o, &v) in out.iter_mut().zip(data) {
            *o = (floor_i32(v / s) as u32) ^ 0x8000_0000;
        }
    } else {
        for (o, &v) in out.iter_mut().zip(data) {
            *o = order_key(libm::floorf(v / s));
        }
    }
    true
}

/// `n` equal bins per range: bin = floor((v - lo) / (hi - lo) * n) in f64,
/// clamped to [0, n - 1]; everything in bin 0 when hi == lo. `ranges` holds
/// one range for all columns or one per column.
pub(crate) fn count_codes(
    data: &[f32],
    width: usize,
    n: usize,
    ranges: &[(f32, f32)],
    out: &mut Vec<u32>,
) -> bool {
    if n == 0 || n - 1 > u32::MAX as usize {
        return false;
    }
    let nf = n as f64;
    let top = (n - 1) as f64;
    let bin = |v: f32, (lo, hi): (f32, f32)| -> u32 {
        if hi == lo {
            0
        } else {
            let (lo, hi) = (f64::from(lo), f64::from(hi));
            // Non-negative after the clamp, so `as` truncation is floor.
            ((f64::from(v) - lo) / (hi - lo) * nf).clamp(0.0, top) as u32
        }
    };
    out.clear();
    out.resize(data.len(), 0);
    if let [r] = ranges {
        for (o, &v) in out.iter_mut().zip(data) {
            *o = bin(v, *r);
        }
    } else {
        for (orow, row) in out.chunks_exact_mut(width).zip(data.chunks_exact(width)) {
            for ((o, &v), &r) in orow.iter_mut().zip(row).zip(ranges) {
                *o = bin(v, r);
            }
        }
    }
    true
}

/// Order-preserving u32 key of a finite f32, -0.0 mapped to +0.0's key.
#[inline(always)]
fn order_key(v: f32) -> u32 {
    let b = (v + 0.0).to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// Adaptive equal-mass binning (see [`super::Estimator::AdaptiveBinning`]).
/// Values must be finite.
///
/// Sorting (value key, position) pairs gives each value its rank r among
/// the U unique values, and its bin is the number of k in 1..bins-1 with
/// floor(k U / bins) <= r, i.e. min(bins - 1, floor(((r + 1) bins - 1) / U))
/// (floor(kU/bins) <= r ⟺ kU < (r + 1) bins).
pub(crate) fn adaptive_codes(data: &[f32], bins: usize, out: &mut Vec<u32>) -> bool {
    if bins == 0 || bins - 1 > u32::MAX as usize || data.len() > u32::MAX as usize {
        return false;
    }
    let mut pairs: Vec<u64> = data
        .iter()
        .enumerate()
        .map(|(i, &v)| (u64::from(order_key(v)) << 32) | i as u64)
        .collect();
    super::radix::sort_by_bits(&mut pairs, 32, 64);
    let mut unique = 0u64;
    let mut prev = None;
    for &p in &pairs {
        let key = p >> 32;
        if prev != Some(key) {
            unique += 1;
            prev = Some(key);
        }
    }
    let (b, u) = (bins as u128, u128::from(unique));
    out.clear();
    out.resize(data.len(), 0);
    let mut rank = 0u64;
    let mut code = 0u32;
    let mut prev = None;
    for &p in &pairs {
        let key = p >> 32;
        if prev != Some(key) {
            if prev.is_some() {
                rank += 1;
            }
            prev = Some(key);
            code = (((u128::from(rank) + 1) * b - 1) / u).min(b - 1) as u32;
        }
        out[(p & 0xFFFF_FFFF) as usize] = code;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_near_is_exact_from_any_guess() {
        // Every guess g in 0..=n, at and beside every edge (two coincide
        // in f32), beyond both ends and at -inf: the plain count.
        let edges = [-1.0f32, -0.5, 0.0, 0.0, 0.25, 0.75, 1.0];
        let n = edges.len();
        let ext = sentinel_edges(&edges);
        let mut vals = vec![f32::MAX, f32::NEG_INFINITY, -7.0, 7.0, 0.1];
        for e in edges {
            vals.extend([e, e.next_up(), e.next_down()]);
        }
        for v in vals {
            let want = edges.iter().filter(|e| **e <= v).count();
            for g in 0..=n {
                assert_eq!(count_near(&ext, v, g), want, "v {v}, guess {g}");
            }
        }
    }

    #[test]
    fn adaptive_rank_formula_matches_edge_search() {
        // The closed form against the definition (edges u[floor(kU/bins)],
        // bin = number of edges <= v) on random data with repeats.
        let mut rng = crate::rng::Rng::for_stream(3, crate::rng::Stream::Init);
        let data: Vec<f32> = (0..3000)
            .map(|_| (rng.below(700) as f32 - 350.0) / 64.0)
            .collect();
        for bins in [1, 2, 3, 30, 699, 700, 701, 5000] {
            let mut got = Vec::new();
            assert!(adaptive_codes(&data, bins, &mut got));
            let mut u: Vec<u32> = data.iter().map(|&v| order_key(v)).collect();
            u.sort_unstable();
            u.dedup();
            let edges: Vec<u32> = (1..bins).map(|k| u[k * u.len() / bins]).collect();
            let want: Vec<u32> = data
                .iter()
                .map(|&v| edges.iter().filter(|&&e| e <= order_key(v)).count() as u32)
                .collect();
            assert_eq!(got, want, "bins {bins}");
        }
    }
}
