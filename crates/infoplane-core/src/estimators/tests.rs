//! Tests of the estimators: hand computations, numpy references, invariants,
//! determinism, and an ignored speed test (`kde_speed`).

use super::binning::{floor_i32, idnns_codes, idnns_edges};
use super::kde::kde_bounds_with;
use super::*;
use crate::rng::{Rng, Stream};

fn layer(data: &[f32], width: usize) -> LayerView<'_> {
    LayerView {
        data,
        rows: data.len() / width,
        width,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// One-layer estimate.
fn est1(est: Estimator, data: &[f32], width: usize, labels: &[u32], n_classes: usize) -> MiPair {
    estimate_layers(&est, &[layer(data, width)], labels, n_classes, None)[0]
}

/// Uniform random activations in (-1, 1) and labels in 0..n_classes.
fn random_layers(
    seed: u64,
    rows: usize,
    widths: &[usize],
    n_classes: u64,
) -> (Vec<Vec<f32>>, Vec<u32>) {
    let mut rng = Rng::for_stream(seed, Stream::Init);
    let layers = widths
        .iter()
        .map(|&w| {
            (0..rows * w)
                .map(|_| (rng.next_f64() * 2.0 - 1.0) as f32)
                .collect()
        })
        .collect();
    let labels = (0..rows).map(|_| rng.below(n_classes) as u32).collect();
    (layers, labels)
}

const IDNNS: Estimator = Estimator::IdnnsBinning {
    n_edges: 30,
    lo: -1.0,
    hi: 1.0,
};

// ---------------------------------------------------------------- IDNNs

#[test]
fn idnns_edges_match_numpy_float32() {
    let e = idnns_edges(30, -1.0, 1.0);
    // np.linspace(-1, 1, 30).astype(np.float32): edges[1] = -1 + 2/29 =
    // -0.93103448.. → f32 bits 3211679815; edges[15] = 15·2/29 - 1 =
    // 0.03448275.. → 1024277963; edges[28] = 0.93103448.. → 1064196167.
    assert_eq!(e[0], -1.0);
    assert_eq!(e[1], -0.931_034_5);
    assert_eq!(e[1].to_bits(), 3_211_679_815);
    assert_eq!(e[15], 0.034_482_76);
    assert_eq!(e[15].to_bits(), 1_024_277_963);
    assert_eq!(e[28].to_bits(), 1_064_196_167);
    assert_eq!(e[29], 1.0);
}

#[test]
fn idnns_binning_quirks() {
    let vals = [1.0f32, 0.95, 0.94, -1.5, f32::NAN, -1.0, 0.931_034_5, 7.0];
    let mut codes = Vec::new();
    assert!(idnns_codes(&vals, 30, -1.0, 1.0, &mut codes));
    // np.digitize(vals, edges) = [30 29 29 0 30 1 29 30]; minus 1, with -1
    // wrapping to the last edge: [29 28 28 29 29 0 28 29].
    assert_eq!(codes, [29, 28, 28, 29, 29, 0, 28, 29]);
    // 1.0 (own bin, edge 1.0) vs 0.95 (bin [0.931, 1)): different bins.
    assert_ne!(codes[0], codes[1]);
    // 0.94 and 0.95 share [0.931, 1).
    assert_eq!(codes[1], codes[2]);
    // -1.5 < -1 wraps to edge +1, the bin of 1.0; NaN lands there too.
    assert_eq!(codes[3], codes[0]);
    assert_eq!(codes[4], codes[0]);
    // Through the estimator: rows {1.0}, {-1.5} form one pattern, {0.95},
    // {0.94} another: two groups of 2 → H(T) = 1 bit; labels 0,1,0,1 split
    // each group evenly → I(T;Y) = 1 - (½·1 + ½·1) = 0.
    let mi = est1(IDNNS, &[1.0, -1.5, 0.95, 0.94], 1, &[0, 1, 0, 1], 2);
    assert_eq!(mi, MiPair { ixt: 1.0, ity: 0.0 });
}

#[test]
fn idnns_codes_match_a_plain_edge_count_at_and_beside_every_edge() {
    // The definition, without the guess: the number of edges <= v (np.digitize),
    // minus 1, -1 (and NaN) wrapping to the last edge, coinciding f32 edges
    // one bin (the first's index).
    fn reference(edges: &[f32], v: f32) -> u32 {
        let first = |k: usize| {
            edges
                .iter()
                .position(|e| e.to_bits() == edges[k].to_bits())
                .unwrap() as u32
        };
        let n = edges.len();
        match edges.iter().filter(|e| **e <= v).count() {
            _ if v.is_nan() => first(n - 1),
            0 => first(n - 1),
            c => first(c - 1),
        }
    }
    let mut rng = Rng::for_stream(11, Stream::Init);
    for (n, lo, hi) in [
        (2, -1.0f32, 1.0f32),
        (3, -1.0, 1.0),
        (30, -1.0, 1.0),
        (50, -1.0, 1.0),
        (1000, -1.0, 1.0),
        (17, 0.0, 7.3),
        (40, -1e-3, 1e-3),
        (64, -3.0e30, 3.0e30),
        // Edges that coincide in f32.
        (9, 1.0, 1.000_000_4),
        (1000, 1.0, 1.000_000_4),
    ] {
        let edges = idnns_edges(n, lo, hi);
        let mut vals: Vec<f32> = vec![
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            f32::MAX,
            f32::MIN,
        ];
        for &e in &edges {
            vals.extend([
                e,
                e.next_up(),
                e.next_down(),
                e.next_up().next_up(),
                e.next_down().next_down(),
            ]);
        }
        let span = hi - lo;
        for _ in 0..2000 {
            vals.push(lo - 0.25 * span + 1.5 * span * rng.next_f64() as f32);
        }
        let mut codes = Vec::new();
        assert!(idnns_codes(&vals, n, lo, hi, &mut codes));
        for (v, c) in vals.iter().zip(&codes) {
            assert_eq!(*c, reference(&edges, *v), "n {n} [{lo}, {hi}], v {v:e}");
        }
    }
}

/// The deterministic 128 × 3 matrix of the numpy references:
/// v[r][k] = ((r·37 + k·11) mod 101) / 45 - 1.1 in f64, then f32; label 1
/// when r mod 3 == 0.
fn numpy_case() -> (Vec<f32>, Vec<u32>) {
    let mut data = Vec::new();
    for r in 0..128u32 {
        for k in 0..3u32 {
            data.push((f64::from((r * 37 + k * 11) % 101) / 45.0 - 1.1) as f32);
        }
    }
    let labels = (0..128).map(|r| u32::from(r % 3 == 0)).collect();
    (data, labels)
}

#[test]
fn binning_matches_numpy_reference() {
    let (data, labels) = numpy_case();
    // IDNNs: bins[np.digitize(x, bins) - 1], unique rows, -Σ p log2 p.
    let mi = est1(IDNNS, &data, 3, &labels, 2);
    assert!(close(mi.ixt, 6.020_911_620_840_218, 1e-12), "{mi:?}");
    assert!(close(mi.ity, 0.565_027_429_331_800_1, 1e-12), "{mi:?}");
    // ibsgd: np.floor(x / 0.07).
    let size = Estimator::UniformBinning {
        bins: BinSpec::Size(0.07),
        scope: RangeScope::Layer,
    };
    let mi = est1(size, &data, 3, &labels, 2);
    assert!(close(mi.ixt, 5.971_968_945_008_262, 1e-12), "{mi:?}");
    assert!(close(mi.ity, 0.553_232_312_110_496_1, 1e-12), "{mi:?}");
}

// ---------------------------------------------------------- discrete_mi

#[test]
fn discrete_mi_by_hand() {
    let labels = [0, 0, 1, 1];
    // Codes 0,0,1,1 with labels 0,0,1,1: H(T) = 1; T determines Y, so
    // H(T|Y=y) = 0 and I(T;Y) = 1.
    assert_eq!(
        discrete_mi(&[0, 0, 1, 1], 4, 1, &labels, 2),
        MiPair { ixt: 1.0, ity: 1.0 }
    );
    // All codes equal: H(T) = 0, I(T;Y) = 0.
    assert_eq!(
        discrete_mi(&[7, 7, 7, 7], 4, 1, &labels, 2),
        MiPair { ixt: 0.0, ity: 0.0 }
    );
    // Four distinct codes: H(T) = log2 4 = 2; within each class two
    // distinct codes: H(T|Y=y) = 1, so I(T;Y) = 2 - 1 = 1.
    assert_eq!(
        discrete_mi(&[0, 1, 2, 3], 4, 1, &labels, 2),
        MiPair { ixt: 2.0, ity: 1.0 }
    );
    // Patterns are whole rows: (0,1) (1,0) (0,1) (1,0) → two groups of 2
    // → H(T) = 1; labels 0,1,1,0 split each group → I(T;Y) = 0.
    assert_eq!(
        discrete_mi(&[0, 1, 1, 0, 0, 1, 1, 0], 4, 2, &[0, 1, 1, 0], 2),
        MiPair { ixt: 1.0, ity: 0.0 }
    );
}

#[test]
fn invalid_input_gives_nan() {
    let nan = |m: MiPair| m.ixt.is_nan() && m.ity.is_nan();
    assert!(nan(discrete_mi(&[], 0, 1, &[], 2)));
    assert!(nan(discrete_mi(&[0, 1], 2, 0, &[0, 1], 2)));
    assert!(nan(discrete_mi(&[0, 1, 2], 2, 1, &[0, 1], 2)));
    assert!(nan(discrete_mi(&[0, 1], 2, 1, &[0, 2], 2)));
    let data = [0.1f32, f32::NAN, 0.3, 0.4];
    let labels = [0, 1, 0, 1];
    for est in [
        Estimator::UniformBinning {
            bins: BinSpec::Size(0.1),
            scope: RangeScope::Layer,
        },
        Estimator::AdaptiveBinning { bins: 3 },
        Estimator::KdeUpper { noise_var: 0.1 },
    ] {
        assert!(nan(est1(est, &data, 1, &labels, 2)), "{est:?}");
    }
    let ok = [0.1f32, 0.2, 0.3, 0.4];
    for est in [
        Estimator::IdnnsBinning {
            n_edges: 1,
            lo: -1.0,
            hi: 1.0,
        },
        Estimator::UniformBinning {
            bins: BinSpec::Size(0.0),
            scope: RangeScope::Layer,
        },
        Estimator::UniformBinning {
            bins: BinSpec::Count(0),
            scope: RangeScope::Layer,
        },
        Estimator::UniformBinning {
            bins: BinSpec::Count(4),
            scope: RangeScope::Run,
        },
        Estimator::AdaptiveBinning { bins: 0 },
        Estimator::KdeLower { noise_var: 0.0 },
        Estimator::KdeLower { noise_var: 1e-300 },
    ] {
        assert!(nan(est1(est, &ok, 1, &labels, 2)), "{est:?}");
    }
    // Row count disagreeing with the labels, and a label out of range.
    assert!(nan(est1(IDNNS, &ok, 1, &labels[..3], 2)));
    assert!(nan(est1(IDNNS, &ok, 1, &[0, 1, 2, 0], 2)));
    assert!(estimate_layers(&IDNNS, &[], &labels, 2, None).is_empty());
}

// --------------------------------------------------------------- uniform

#[test]
fn uniform_size_floors_negatives() {
    // floor(-0.1 / 0.5) = floor(-0.2) = -1 (truncation would give 0).
    assert_eq!(floor_i32(-0.1 / 0.5), -1);
    assert_eq!(floor_i32(0.1 / 0.5), 0);
    assert_eq!(floor_i32(-0.5 / 0.5), -1);
    assert_eq!(floor_i32(-0.0), 0);
    let s = Estimator::UniformBinning {
        bins: BinSpec::Size(0.5),
        scope: RangeScope::Layer,
    };
    // -0.1 → bin -1 and 0.1 → bin 0 differ: two singletons → 1 bit.
    assert_eq!(est1(s, &[-0.1, 0.1], 1, &[0, 1], 2).ixt, 1.0);
    // 0.1 and 0.4 share bin 0; -0.1 and -0.4 share bin -1 → 0 bits.
    assert_eq!(est1(s, &[0.1, 0.4], 1, &[0, 1], 2).ixt, 0.0);
    assert_eq!(est1(s, &[-0.1, -0.4], 1, &[0, 1], 2).ixt, 0.0);
    // Bins of size 1e-10 on values near 1 exceed 2^31: the f32 path
    // still tells 0.5 and 0.5000001 apart (bins 5e9 and 5.000001e9).
    let tiny = Estimator::UniformBinning {
        bins: BinSpec::Size(1e-10),
        scope: RangeScope::Layer,
    };
    // Groups of 2 and 1: -(2/3)log2(2/3) - (1/3)log2(1/3) = 0.9182958340544896.
    let m = est1(tiny, &[0.5, 0.500_000_1, 0.5], 1, &[0, 1, 0], 2);
    assert!(close(m.ixt, 0.918_295_834_054_489_6, 1e-15), "{m:?}");
}

fn count(n: usize, scope: RangeScope) -> Estimator {
    Estimator::UniformBinning {
        bins: BinSpec::Count(n),
        scope,
    }
}

#[test]
fn uniform_count_scopes_by_hand() {
    // 4 rows × 2 units: unit 0 = 0, 0.2, 0.1, 0.3; unit 1 = 0, 1, 2, 3.
    let a = [0.0f32, 0.0, 0.2, 1.0, 0.1, 2.0, 0.3, 3.0];
    let labels = [0, 0, 1, 1];
    let h_1_3: f64 = 0.811_278_124_459_132_8; // -(1/4)log2(1/4) - (3/4)log2(3/4)

    // Layer scope, range [0, 3], 2 bins: unit 0 → v/3·2 < 1 → all bin 0;
    // unit 1 → 0, 0.67, 1.33, 2 → bins 0 0 1 1. Patterns: two groups of 2
    // → 1 bit; the groups are the classes → I(T;Y) = 1.
    let m = est1(count(2, RangeScope::Layer), &a, 2, &labels, 2);
    assert_eq!(m, MiPair { ixt: 1.0, ity: 1.0 });

    // Neuron scope: unit 0 range [0, 0.3] → 0, 1.33, 0.67, 2 → bins 0 1 0 1;
    // unit 1 as above → 0 0 1 1. Four distinct rows → 2 bits (differs from
    // Layer scope).
    let m = est1(count(2, RangeScope::Neuron), &a, 2, &labels, 2);
    assert_eq!(m, MiPair { ixt: 2.0, ity: 1.0 });

    // Fixed [0, 1]: unit 0 → 0, 0.4, 0.2, 0.6 → all 0; unit 1 → 0, 2, 4, 6
    // → clamp to 0 1 1 1. Groups of 1 and 3 → H(T) = h_1_3. Class 0 rows
    // (0,0),(0,1) distinct → 1 bit, class 1 rows equal → 0: I(T;Y) =
    // h_1_3 - ½.
    let m = est1(
        count(2, RangeScope::Fixed { lo: 0.0, hi: 1.0 }),
        &a,
        2,
        &labels,
        2,
    );
    assert!(
        close(m.ixt, h_1_3, 1e-15) && close(m.ity, h_1_3 - 0.5, 1e-15),
        "{m:?}"
    );

    // Run scope uses the caller's range (0, 0.3): unit 0 → bins 0 1 0 1;
    // unit 1 → 0, then ≥ 0.3 clamps to 1 → 0 1 1 1. Rows (0,0) (1,1) (0,1)
    // (1,1): groups 1, 2, 1 → H = 1.5 bits. Without a range: NaN.
    let run = count(2, RangeScope::Run);
    let m = estimate_layers(&run, &[layer(&a, 2)], &labels, 2, Some((0.0, 0.3)))[0];
    assert_eq!(m.ixt, 1.5);
    assert!(estimate_layers(&run, &[layer(&a, 2)], &labels, 2, None)[0]
        .ixt
        .is_nan());

    // Global scope: with a second layer 0, 10, 20, 30 the range is [0, 30].
    // Layer 1's unit 1 → 3/30·2 = 0.2 at most → all bin 0 → 0 bits; layer
    // 2 → 0, 0.67, 1.33, 2 → bins 0 0 1 1 → 1 bit.
    let b = [0.0f32, 10.0, 20.0, 30.0];
    let m = estimate_layers(
        &count(2, RangeScope::Global),
        &[layer(&a, 2), layer(&b, 1)],
        &labels,
        2,
        None,
    );
    assert_eq!(m[0].ixt, 0.0);
    assert_eq!(m[1].ixt, 1.0);

    // max == min: one bin → 0 bits.
    let m = est1(
        count(5, RangeScope::Layer),
        &[0.3, 0.3, 0.3, 0.3],
        1,
        &labels,
        2,
    );
    assert_eq!(m, MiPair { ixt: 0.0, ity: 0.0 });
}

// -------------------------------------------------------------- adaptive

#[test]
fn adaptive_bins_hold_equal_mass() {
    let labels = [0, 0, 0, 0, 1, 1, 1, 1];
    // Values 0..6 and an outlier 100, 2 bins. Unique values u (U = 8), the
    // one interior edge u[floor(8/2)] = u[4] = 4: four values below, four
    // at or above → H = 1 bit, and the bins are the classes → I(T;Y) = 1.
    let v = [0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 100.0];
    let m = est1(Estimator::AdaptiveBinning { bins: 2 }, &v, 1, &labels, 2);
    assert_eq!(m, MiPair { ixt: 1.0, ity: 1.0 });
    // Two uniform bins on [0, 100] split at 50: groups 7 and 1 →
    // -(7/8)log2(7/8) - (1/8)log2(1/8) = 0.5435644431995964 bits.
    let m = est1(count(2, RangeScope::Layer), &v, 1, &labels, 2);
    assert!(close(m.ixt, 0.543_564_443_199_596_4, 1e-15), "{m:?}");
    // Quantiles are of the *unique* values: 0,0,0,0,0,1,2,3 → u = 0,1,2,3,
    // edge u[2] = 2 → groups of 6 and 2 → 0.8112781244591328 bits.
    let v = [0.0f32, 0.0, -0.0, 0.0, 0.0, 1.0, 2.0, 3.0];
    let m = est1(Estimator::AdaptiveBinning { bins: 2 }, &v, 1, &labels, 2);
    assert!(close(m.ixt, 0.811_278_124_459_132_8, 1e-15), "{m:?}");
}

// ------------------------------------------------------------------- KDE

#[test]
fn kde_two_points_by_hand() {
    // Two 1-D points 0 and 1 (D = 1), s² = 0.5, labels 0 and 1.
    // Upper: e = exp(-1/(2·0.5)) = e^-1; each row's sum is 1 + e^-1, so
    // I(X;T) = -ln((1 + e^-1)/2)/ln 2 = -ln(0.6839397205857212)/ln 2
    // = 0.3798854930417225 nats = 0.5480589169169519 bits. Each class has one row: its sum is 1 and
    // ln(1/1) = 0, so I(T;Y) = I(X;T).
    // Lower: exp(-1/(8·0.5)) = e^-0.25 = 0.7788007830714049;
    // -ln((1 + 0.7788007830714049)/2)/ln 2 = -ln(0.8894003915357025)/ln 2
    // = 0.16909505508832584 bits.
    let data = [0.0f32, 1.0];
    let (up, lo) = kde_bounds(layer(&data, 1), &[0, 1], 2, 0.5);
    assert!(close(up.ixt, 0.548_058_916_916_951_9, 1e-6), "{up:?}");
    assert!(close(up.ity, up.ixt, 1e-12), "{up:?}");
    assert!(close(lo.ixt, 0.169_095_055_088_325_84, 1e-6), "{lo:?}");
    assert!(close(lo.ity, lo.ixt, 1e-12), "{lo:?}");
    // Same class: H(T|Y) is H(T) on the same rows → I(T;Y) = 0.
    let (up, _) = kde_bounds(layer(&data, 1), &[1, 1], 2, 0.5);
    assert!(close(up.ity, 0.0, 1e-12), "{up:?}");
    // Coincident points: every kernel is 1 → I(X;T) = 0.
    let (up, lo) = kde_bounds(layer(&[0.25, 0.25, 0.25, 0.25], 2), &[0, 1], 2, 0.1);
    assert_eq!((up.ixt, lo.ixt), (0.0, 0.0));
}

#[test]
fn kde_matches_numpy_reference() {
    // ibsgd's entropy_estimator_kl / _bd / kde_condentropy in float64
    // (logsumexp) on the numpy case.
    let (data, labels) = numpy_case();
    let want = [
        (
            0.1,
            [
                2.643_159_356_209_232_6,
                0.008_460_154_732_251_205,
                1.915_335_668_193_542_3,
                0.002_898_723_130_503_016_5,
            ],
        ),
        (
            1e-3,
            [
                5.600_832_137_410_605,
                0.521_793_171_023_202_3,
                4.668_758_682_394_721,
                0.371_269_849_355_925_83,
            ],
        ),
    ];
    for (s2, w) in want {
        let (up, lo) = kde_bounds(layer(&data, 3), &labels, 2, s2);
        let got = [up.ixt, up.ity, lo.ixt, lo.ity];
        for k in 0..4 {
            // f32 distances and sums: agreement to ~1e-6 bits.
            assert!(close(got[k], w[k], 2e-5), "s2 {s2}: got {got:?} want {w:?}");
        }
    }
}

/// Straightforward f64 evaluation of the KDE formulas (test reference).
fn kde_naive(data: &[f32], d: usize, labels: &[u32], s2: f64) -> [f64; 4] {
    let p = labels.len();
    let row = |i: usize| &data[i * d..(i + 1) * d];
    let dist = |i: usize, j: usize| -> f64 {
        row(i)
            .iter()
            .zip(row(j))
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
            .sum()
    };
    let n_cls = *labels.iter().max().unwrap() as usize + 1;
    let mut out = [0.0; 4];
    for (k, w) in [2.0, 8.0].into_iter().enumerate() {
        let mut h = 0.0;
        let mut hc = vec![0.0; n_cls];
        let mut py = vec![0.0; n_cls];
        for i in 0..p {
            let (mut all, mut same) = (0.0, 0.0);
            for j in 0..p {
                let e = (-dist(i, j) / (w * s2)).exp();
                all += e;
                if labels[j] == labels[i] {
                    same += e;
                }
            }
            let y = labels[i] as usize;
            py[y] += 1.0;
            h += (all / p as f64).ln();
            hc[y] += same.ln();
        }
        let h_t = -h / p as f64;
        let mut h_ty = 0.0;
        for y in 0..n_cls {
            if py[y] > 0.0 {
                h_ty += (py[y] / p as f64) * -(hc[y] / py[y] - py[y].ln());
            }
        }
        out[2 * k] = h_t / std::f64::consts::LN_2;
        out[2 * k + 1] = (h_t - h_ty) / std::f64::consts::LN_2;
    }
    out
}

#[test]
fn kde_matches_naive_reference_across_chunks_and_classes() {
    // 700 rows in 3 unequal classes: 6 chunks of 128 rows, spans crossing
    // a 512-row strip boundary, same- and other-class column sums.
    let (layers, labels) = random_layers(11, 700, &[7, 1], 3);
    for (w, data) in [7, 1].into_iter().zip(&layers) {
        for s2 in [0.1, 1e-3] {
            let (up, lo) = kde_bounds(layer(data, w), &labels, 3, s2);
            let want = kde_naive(data, w, &labels, s2);
            let got = [up.ixt, up.ity, lo.ixt, lo.ity];
            for k in 0..4 {
                assert!(
                    close(got[k], want[k], 2e-5),
                    "w {w} s2 {s2}: got {got:?} want {want:?}"
                );
            }
        }
    }
}

#[test]
fn kde_lower_below_upper() {
    let (layers, labels) = random_layers(5, 300, &[10, 4, 2, 1], 2);
    for (w, data) in [10, 4, 2, 1].into_iter().zip(&layers) {
        for s2 in [1.0, 0.1, 1e-3] {
            let (up, lo) = kde_bounds(layer(data, w), &labels, 2, s2);
            assert!(lo.ixt <= up.ixt, "w {w} s2 {s2}: {lo:?} > {up:?}");
        }
    }
}

// ------------------------------------------------------------ invariants

fn all_estimators() -> Vec<Estimator> {
    let mut v = vec![
        IDNNS,
        Estimator::UniformBinning {
            bins: BinSpec::Size(0.07),
            scope: RangeScope::Layer,
        },
        Estimator::UniformBinning {
            bins: BinSpec::Size(1e-7),
            scope: RangeScope::Layer,
        },
        Estimator::AdaptiveBinning { bins: 30 },
        Estimator::KdeUpper { noise_var: 0.1 },
        Estimator::KdeLower { noise_var: 0.1 },
        Estimator::KdeUpper { noise_var: 1e-3 },
        Estimator::KdeLower { noise_var: 1e-3 },
    ];
    for scope in [
        RangeScope::Fixed { lo: -0.5, hi: 0.5 },
        RangeScope::Global,
        RangeScope::Layer,
        RangeScope::Neuron,
        RangeScope::Run,
    ] {
        v.push(count(30, scope));
    }
    v
}

#[test]
fn invariants_on_random_data() {
    let widths = [12, 5, 3, 1];
    let (layers, labels) = random_layers(2, 500, &widths, 3);
    let views: Vec<_> = layers
        .iter()
        .zip(widths)
        .map(|(d, w)| layer(d, w))
        .collect();
    let log2n = crate::math::log2(500.0);
    let hy = label_entropy(&labels, 3);
    assert!(hy > 1.5 && hy <= crate::math::log2(3.0));
    for est in all_estimators() {
        let binning = !matches!(est, Estimator::KdeUpper { .. } | Estimator::KdeLower { .. });
        for m in estimate_layers(&est, &views, &labels, 3, Some((-1.0, 1.0))) {
            assert!(m.ixt <= log2n + 1e-9 && m.ixt >= -1e-9, "{est:?} {m:?}");
            assert!(m.ity <= hy + 1e-9, "{est:?} {m:?}");
            if binning {
                assert!(m.ity >= -1e-9 && m.ity <= m.ixt + 1e-9, "{est:?} {m:?}");
            }
        }
    }
    assert_eq!(IDNNS.name(), "idnns-binning");
    assert_eq!(count(3, RangeScope::Layer).name(), "uniform-binning");
    assert_eq!(
        Estimator::AdaptiveBinning { bins: 3 }.name(),
        "adaptive-binning"
    );
    assert_eq!(Estimator::KdeUpper { noise_var: 1.0 }.name(), "kde-upper");
    assert_eq!(Estimator::KdeLower { noise_var: 1.0 }.name(), "kde-lower");
}

// ----------------------------------------------------------- determinism

fn bits(m: &[MiPair]) -> Vec<(u64, u64)> {
    m.iter()
        .map(|p| (p.ixt.to_bits(), p.ity.to_bits()))
        .collect()
}

#[test]
fn same_input_same_bits() {
    let widths = [6, 2];
    let (layers, labels) = random_layers(3, 400, &widths, 2);
    let views: Vec<_> = layers
        .iter()
        .zip(widths)
        .map(|(d, w)| layer(d, w))
        .collect();
    for est in all_estimators() {
        let a = estimate_layers(&est, &views, &labels, 2, Some((-1.0, 1.0)));
        let b = estimate_layers(&est, &views, &labels, 2, Some((-1.0, 1.0)));
        assert_eq!(bits(&a), bits(&b), "{est:?}");
    }
}

#[test]
fn kde_threads_and_simd_do_not_change_bits() {
    // 1000 rows in 3 classes: 8 chunks, threads engaged.
    let (layers, labels) = random_layers(4, 1000, &[7, 3], 3);
    for (w, data) in [7, 3].into_iter().zip(&layers) {
        let l = layer(data, w);
        let base = kde_bounds_with(l, &labels, 3, 0.05, 1, false);
        let base = bits(&[base.0, base.1]);
        for (threads, simd) in [(1, true), (2, false), (2, true), (3, true), (8, true)] {
            let r = kde_bounds_with(l, &labels, 3, 0.05, threads, simd);
            assert_eq!(bits(&[r.0, r.1]), base, "threads {threads} simd {simd}");
        }
    }
    // 4500 rows: chunks of 141 rows (P/32), the last one short.
    let (layers, labels) = random_layers(6, 4500, &[2], 2);
    let l = layer(&layers[0], 2);
    let one = kde_bounds_with(l, &labels, 2, 0.01, 1, true);
    let two = kde_bounds_with(l, &labels, 2, 0.01, 2, true);
    assert_eq!(bits(&[one.0, one.1]), bits(&[two.0, two.1]));
}

// ----------------------------------------------------------------- speed

/// CPU time of the calling thread in ms (Linux; 10 ms ticks).
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are
    // fields 14 and 15 of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// `cargo test --release -p infoplane-core -- --ignored --nocapture kde_speed`
#[test]
#[ignore]
fn kde_speed() {
    use std::time::Instant;
    let widths = [10, 7, 5, 4, 3, 2];
    let (layers, labels) = random_layers(9, 4096, &widths, 2);
    let views: Vec<_> = layers
        .iter()
        .zip(widths)
        .map(|(d, w)| layer(d, w))
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    // The machine may be shared: report the best wall time of several
    // epochs and, for one thread, the thread's CPU time (immune to being
    // descheduled).
    let time_epoch = |t: usize, simd: bool| {
        let start = Instant::now();
        for v in &views {
            std::hint::black_box(kde_bounds_with(*v, &labels, 2, 1e-3, t, simd));
        }
        start.elapsed().as_secs_f64() * 1e3
    };
    for (t, simd, what) in [
        (1, true, "best build"),
        (threads, true, "best build"),
        (1, false, "baseline SSE2 build"),
        (threads, false, "baseline SSE2 build"),
    ] {
        let reps = 7;
        let cpu0 = thread_cpu_ms();
        let ms: Vec<f64> = (0..reps).map(|_| time_epoch(t, simd)).collect();
        let cpu = match (cpu0, thread_cpu_ms()) {
            (Some(a), Some(b)) if t == 1 => format!(", CPU {:.1} ms", (b - a) / reps as f64),
            _ => String::new(),
        };
        let best = ms.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = ms.iter().sum::<f64>() / ms.len() as f64;
        println!("kde_bounds, 6 layers × 4096 rows, {what}, {t} thread(s): best {best:.1} ms, mean {mean:.1} ms{cpu} per epoch");
    }

    let epochs = 274;
    for est in [
        IDNNS,
        Estimator::UniformBinning {
            bins: BinSpec::Size(0.07),
            scope: RangeScope::Layer,
        },
        count(100, RangeScope::Neuron),
        count(30, RangeScope::Global),
        Estimator::AdaptiveBinning { bins: 30 },
    ] {
        let cpu0 = thread_cpu_ms();
        let start = Instant::now();
        for _ in 0..epochs {
            std::hint::black_box(estimate_layers(&est, &views, &labels, 2, None));
        }
        let total = start.elapsed().as_secs_f64();
        let cpu = match (cpu0, thread_cpu_ms()) {
            (Some(a), Some(b)) => format!(" (CPU {:.3} s)", (b - a) / 1e3),
            _ => String::new(),
        };
        println!(
            "{:<16} {:?}: {:.3} ms per epoch, {:.3} s{cpu} for {epochs} epochs",
            est.name(),
            est,
            total / epochs as f64 * 1e3,
            total
        );
    }
}
