//! How tightly a layer clusters its inputs by class: the geometric effect
//! that Goldfeld et al. (ICML 2019) identify as what drives compression of
//! I(X;T) in noisy networks (and what binned "I(X;T)" tracks in
//! deterministic ones). They characterise it through the cosine
//! similarities between the internal representations of inputs of the same
//! and of different classes; this module reports those means and, as the
//! distance-based counterpart, the mean Euclidean distances.

use super::LayerView;
use serde::{Deserialize, Serialize};

/// Means over unordered pairs of rows {i, j}, i ≠ j, of the same class
/// (`within_*`) and of different classes (`between_*`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// Mean Euclidean distance between rows of the same class.
    pub within_distance: f64,
    /// Mean Euclidean distance between rows of different classes.
    pub between_distance: f64,
    /// Mean cosine similarity between rows of the same class (pairs with a
    /// zero row left out).
    pub within_cosine: f64,
    /// Mean cosine similarity between rows of different classes (pairs
    /// with a zero row left out).
    pub between_cosine: f64,
}

impl Clustering {
    /// The result for invalid input.
    pub const NAN: Clustering = Clustering {
        within_distance: f64::NAN,
        between_distance: f64::NAN,
        within_cosine: f64::NAN,
        between_cosine: f64::NAN,
    };
}

/// Rows per unit of work handed to a thread.
const CHUNK: usize = 32;
/// Rows whose distances to one row are computed side by side.
const LANES: usize = 32;

/// Per-row sums over the later rows j > i: distance within, distance
/// between, cosine within, cosine between.
type RowSums = [f64; 4];

/// The layer sorted by class, column-major, with inverse norms.
struct Layout {
    n: usize,
    d: usize,
    cols: Vec<f32>,
    /// 1/|row| (0 for a zero row, which then adds 0 to cosine sums).
    inv_norm: Vec<f32>,
    /// Number of non-zero rows among sorted rows 0..k, for k in 0..=n.
    nonzero_before: Vec<usize>,
    /// One past the last sorted row of the class of each sorted row.
    class_end: Vec<usize>,
}

fn layout(layer: LayerView<'_>, labels: &[u32]) -> Layout {
    let (n, d) = (layer.rows, layer.width);
    let counts = super::entropy::class_counts(labels);
    let mut next = Vec::with_capacity(counts.len());
    let mut ends = Vec::with_capacity(counts.len());
    let mut s = 0;
    for &c in &counts {
        next.push(s);
        s += c;
        ends.push(s);
    }
    let mut cols = vec![0.0f32; n * d];
    let mut inv_norm = vec![0.0f32; n];
    let mut class_end = vec![0usize; n];
    for (row, &y) in layer.data.chunks_exact(d).zip(labels) {
        let k = next[y as usize];
        next[y as usize] += 1;
        for (u, &v) in row.iter().enumerate() {
            cols[u * n + k] = v;
        }
        let norm = row.iter().fold(0.0f32, |s, &v| s + v * v).sqrt();
        inv_norm[k] = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        class_end[k] = ends[y as usize];
    }
    let mut nonzero_before = Vec::with_capacity(n + 1);
    let mut c = 0;
    nonzero_before.push(0);
    for &v in &inv_norm {
        c += usize::from(v > 0.0);
        nonzero_before.push(c);
    }
    Layout {
        n,
        d,
        cols,
        inv_norm,
        nonzero_before,
        class_end,
    }
}

/// Σ of `v` in f64, 8 lanes folded in a fixed order.
#[inline(always)]
fn sum_f64(v: &[f32]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (blocks, tail) = v.as_chunks::<8>();
    for b in blocks {
        for l in 0..8 {
            acc[l] += f64::from(b[l]);
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    for &x in tail {
        s += f64::from(x);
    }
    s
}

/// Row i's sums over j > i; `dist` and `cos` hold n floats.
#[inline(always)]
fn row_sums(lay: &Layout, i: usize, dist: &mut [f32], cos: &mut [f32]) -> RowSums {
    let (n, d) = (lay.n, lay.d);
    let x = |u: usize| lay.cols[u * n + i];
    let ni = lay.inv_norm[i];
    let first = i + 1;
    let m = n - first;
    let (db, dt) = dist[..m].as_chunks_mut::<LANES>();
    let (cb, ct) = cos[..m].as_chunks_mut::<LANES>();
    for (b, (od, oc)) in db.iter_mut().zip(cb.iter_mut()).enumerate() {
        let j0 = first + LANES * b;
        let (mut q, mut dot) = ([0.0f32; LANES], [0.0f32; LANES]);
        for u in 0..d {
            let xu = x(u);
            let col = &lay.cols[u * n + j0..u * n + j0 + LANES];
            for ((qs, ds), &c) in q.iter_mut().zip(dot.iter_mut()).zip(col) {
                let t = xu - c;
                *qs += t * t;
                *ds += xu * c;
            }
        }
        let inv = &lay.inv_norm[j0..j0 + LANES];
        for l in 0..LANES {
            od[l] = q[l].sqrt();
            oc[l] = dot[l] * ni * inv[l];
        }
    }
    let j0 = first + LANES * db.len();
    for (l, (od, oc)) in dt.iter_mut().zip(ct.iter_mut()).enumerate() {
        let (mut q, mut dot) = (0.0f32, 0.0f32);
        for u in 0..d {
            let (xu, c) = (x(u), lay.cols[u * n + j0 + l]);
            let t = xu - c;
            q += t * t;
            dot += xu * c;
        }
        *od = q.sqrt();
        *oc = dot * ni * lay.inv_norm[j0 + l];
    }
    // Sorted by class: j in first..class_end is the same class.
    let w = lay.class_end[i] - first;
    [
        sum_f64(&dist[..w]),
        sum_f64(&dist[w..m]),
        sum_f64(&cos[..w]),
        sum_f64(&cos[w..m]),
    ]
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn row_sums_avx2(lay: &Layout, i: usize, dist: &mut [f32], cos: &mut [f32]) -> RowSums {
    row_sums(lay, i, dist, cos)
}

/// Class clustering of a layer (see [`Clustering`]). Distances and dot
/// products are computed in f32 (units added in order; `sqrt` is correctly
/// rounded everywhere), cosines as dot · (1/|a|) · (1/|b|), sums in f64 in
/// a fixed order, so the result is the same on every target and for any
/// thread count. A mean over no pairs is NaN (e.g. `between_*` with a
/// single class); the whole result is NaN when the layer is empty or
/// malformed, a label is not below `n_classes`, or an activation is not
/// finite.
pub fn class_clustering(layer: LayerView<'_>, labels: &[u32], n_classes: usize) -> Clustering {
    class_clustering_with(layer, labels, n_classes, super::default_threads())
}

pub(crate) fn class_clustering_with(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    threads: usize,
) -> Clustering {
    if !layer.is_well_formed(labels.len())
        || !super::entropy::labels_valid(labels, n_classes)
        || !layer.is_finite()
    {
        return Clustering::NAN;
    }
    let lay = layout(layer, labels);
    let n = lay.n;
    let simd = super::noisy::has_avx2();
    let threads = if n >= 512 { threads } else { 1 };
    let rows: Vec<RowSums> = super::parallel_map(
        n.div_ceil(CHUNK),
        threads,
        || (vec![0.0f32; n], vec![0.0f32; n]),
        |(dist, cos), c| {
            (c * CHUNK..((c + 1) * CHUNK).min(n))
                .map(|i| {
                    #[cfg(target_arch = "x86_64")]
                    {
                        if simd {
                            // SAFETY: the CPU has AVX2 (checked above).
                            return unsafe { row_sums_avx2(&lay, i, dist, cos) };
                        }
                    }
                    let _ = simd;
                    row_sums(&lay, i, dist, cos)
                })
                .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect();
    // Pair counts: within = Σ_y C(n_y, 2); cosine pairs leave zero rows
    // out.
    let (mut within_pairs, mut cos_within, mut cos_all) = (0.0f64, 0.0f64, 0.0f64);
    let nz = |a: usize, b: usize| (lay.nonzero_before[b] - lay.nonzero_before[a]) as f64;
    for i in 0..n {
        let e = lay.class_end[i];
        within_pairs += (e - i - 1) as f64;
        if lay.inv_norm[i] > 0.0 {
            cos_within += nz(i + 1, e);
            cos_all += nz(i + 1, n);
        }
    }
    let between_pairs = (n * (n - 1) / 2) as f64 - within_pairs;
    let mut t = [0.0f64; 4];
    for r in rows {
        for (a, b) in t.iter_mut().zip(r) {
            *a += b;
        }
    }
    let mean = |s: f64, c: f64| if c > 0.0 { s / c } else { f64::NAN };
    Clustering {
        within_distance: mean(t[0], within_pairs),
        between_distance: mean(t[1], between_pairs),
        within_cosine: mean(t[2], cos_within),
        between_cosine: mean(t[3], cos_all - cos_within),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(data: &[f32], width: usize) -> LayerView<'_> {
        LayerView {
            data,
            rows: data.len() / width,
            width,
        }
    }

    #[test]
    fn clustering_by_hand() {
        // Rows (0,0), (3,4) of class 0 and (1,0), (0,2) of class 1.
        // Within: |(0,0)-(3,4)| = 5, |(1,0)-(0,2)| = √5 → mean (5 + √5)/2.
        // Between: |(0,0)-(1,0)| = 1, |(0,0)-(0,2)| = 2,
        // |(3,4)-(1,0)| = √20, |(3,4)-(0,2)| = √13 → mean (3 + √20 + √13)/4.
        // Cosines skip the zero row: within only (1,0)·(0,2) = 0 → 0;
        // between (3,4)·(1,0)/5 = 0.6 and (3,4)·(0,2)/10 = 0.8 → 0.7.
        let d = [0.0f32, 0.0, 3.0, 4.0, 1.0, 0.0, 0.0, 2.0];
        let c = class_clustering(view(&d, 2), &[0, 0, 1, 1], 2);
        let s5 = 5f64.sqrt();
        assert!((c.within_distance - (5.0 + s5) / 2.0).abs() < 1e-6, "{c:?}");
        assert!((c.between_distance - (3.0 + 20f64.sqrt() + 13f64.sqrt()) / 4.0).abs() < 1e-6);
        assert!(c.within_cosine.abs() < 1e-7);
        assert!((c.between_cosine - 0.7).abs() < 1e-6);
        // One class: no between pairs.
        let c = class_clustering(view(&d, 2), &[0, 0, 0, 0], 2);
        assert!(c.between_distance.is_nan() && c.between_cosine.is_nan());
        assert!(class_clustering(view(&d, 2), &[0, 0, 2, 1], 2)
            .within_distance
            .is_nan());
    }

    #[test]
    fn threads_do_not_change_bits() {
        let mut rng = crate::rng::Rng::for_stream(3, crate::rng::Stream::Init);
        let d: Vec<f32> = (0..1500 * 3).map(|_| rng.normal() as f32).collect();
        let y: Vec<u32> = (0..1500).map(|_| rng.below(3) as u32).collect();
        let a = class_clustering_with(view(&d, 3), &y, 3, 1);
        let b = class_clustering_with(view(&d, 3), &y, 3, 4);
        assert_eq!(
            [
                a.within_distance,
                a.between_distance,
                a.within_cosine,
                a.between_cosine
            ]
            .map(f64::to_bits),
            [
                b.within_distance,
                b.between_distance,
                b.within_cosine,
                b.between_cosine
            ]
            .map(f64::to_bits)
        );
    }
}
