//! Two binnings from Saxe et al. (2018) that test what the IDNNs bins
//! measure: bins at machine precision, and bins uniform in the net input of
//! a tanh unit. Both produce discrete codes (one u32 per unit) for
//! [`super::entropy::mi_from_codes`], so I(X;T) = H(T) and
//! I(T;Y) = H(T) - Σ_y p(y) H(T | Y = y) as for every binning estimator.

/// Order-preserving u32 key of a finite f32 with -0.0 mapped to +0.0's key,
/// so two values get the same key exactly when they compare equal.
#[inline(always)]
fn value_key(v: f32) -> u32 {
    let b = (v + 0.0).to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// Binning at machine precision (see [`super::Estimator::ExactBinning`]):
/// every distinct value is its own bin, so every distinct activation vector
/// is its own pattern. Values must be finite (the caller checks).
pub(crate) fn exact_codes(data: &[f32], out: &mut Vec<u32>) -> bool {
    out.clear();
    out.extend(data.iter().map(|&v| value_key(v)));
    true
}

/// Largest accepted edge count (edges are kept in memory; 2^24 is far
/// beyond any useful binning).
pub(crate) const MAX_NET_INPUT_EDGES: usize = 1 << 24;

/// `tanh(linspace(-limit, limit, n_edges))` in f64: the linspace as numpy
/// computes it (`i * step - limit`, the last point `limit` exactly), the
/// tanh from the portable `libm`. Requires `n_edges >= 2`.
pub(crate) fn net_input_edges(n_edges: usize, limit: f64) -> Vec<f64> {
    let step = 2.0 * limit / (n_edges - 1) as f64;
    let mut u: Vec<f64> = (0..n_edges).map(|i| i as f64 * step - limit).collect();
    u[n_edges - 1] = limit;
    u.into_iter().map(libm::tanh).collect()
}

/// Bins uniform in net input (see [`super::Estimator::NetInputBinning`]):
/// the code of v is the number of edges `<= v`, compared in f64
/// (`np.digitize(v, edges)` with `right=False`, which is what numpy computes
/// for a float32 array and float64 edges). Edges that coincide in f64 (the
/// saturated ends) simply add nothing between them. Requires
/// `2 <= n_edges <= 2^24` and a finite `limit > 0`; values must be finite.
pub(crate) fn net_input_codes(
    data: &[f32],
    n_edges: usize,
    limit: f64,
    out: &mut Vec<u32>,
) -> bool {
    let valid = (2..=MAX_NET_INPUT_EDGES).contains(&n_edges) && limit.is_finite() && limit > 0.0;
    if !valid {
        return false;
    }
    let edges = net_input_edges(n_edges, limit);
    out.clear();
    out.extend(
        data.iter()
            .map(|&v| edges.partition_point(|&e| e <= f64::from(v)) as u32),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimators::{estimate_layers, label_entropy, Estimator, LayerView, MiPair};

    fn est1(est: Estimator, data: &[f32], width: usize, labels: &[u32]) -> MiPair {
        let l = LayerView {
            data,
            rows: data.len() / width,
            width,
        };
        estimate_layers(&est, &[l], labels, 2, None)[0]
    }

    #[test]
    fn exact_bins_compare_by_value() {
        let mut c = Vec::new();
        assert!(exact_codes(
            &[0.0, -0.0, 1.0, 1.0 + f32::EPSILON, -1.0],
            &mut c
        ));
        // -0.0 == 0.0; neighbouring floats differ; order is kept.
        assert_eq!(c[0], c[1]);
        assert_ne!(c[2], c[3]);
        assert!(c[4] < c[0] && c[0] < c[2] && c[2] < c[3]);
    }

    #[test]
    fn exact_binning_of_an_invertible_layer_is_12_bits() {
        // var_u's 4096 distinct rows, and tanh(W x + b) of them for a random
        // W: each row is its own bin, so H(T) = log2 4096 = 12 exactly, and
        // T determines X determines Y, so I(T;Y) = H(Y).
        let data = crate::data::var_u();
        let hy = label_entropy(data.y(), 2);
        let m = est1(Estimator::ExactBinning, data.x(), 12, data.y());
        assert_eq!(m.ixt, 12.0);
        assert!((m.ity - hy).abs() < 1e-12, "{m:?} vs H(Y) {hy}");

        let mut rng = crate::rng::Rng::for_stream(5, crate::rng::Stream::Init);
        let w: Vec<f32> = (0..120).map(|_| rng.normal() as f32).collect();
        let t: Vec<f32> = data
            .x()
            .chunks_exact(12)
            .flat_map(|x| {
                w.chunks_exact(12)
                    .map(|wr| crate::math::tanh(crate::math::dot(wr, x) + 0.1))
                    .collect::<Vec<_>>()
            })
            .collect();
        // The test is only meaningful if the layer really is invertible.
        let mut rows: Vec<Vec<u32>> = t
            .chunks_exact(10)
            .map(|r| r.iter().map(|v| v.to_bits()).collect())
            .collect();
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len(), 4096);
        let m = est1(Estimator::ExactBinning, &t, 10, data.y());
        assert_eq!(m.ixt, 12.0);
        assert!((m.ity - hy).abs() < 1e-12);

        // One coordinate collapsed to -0.0 / 0.0 signs: still equal values.
        let signed: Vec<f32> = (0..8)
            .map(|i| if i % 2 == 0 { 0.0 } else { -0.0 })
            .collect();
        let m = est1(
            Estimator::ExactBinning,
            &signed,
            1,
            &[0, 1, 0, 1, 0, 1, 0, 1],
        );
        assert_eq!((m.ixt, m.ity), (0.0, 0.0));
        // Non-finite activations: NaN.
        let m = est1(Estimator::ExactBinning, &[0.0, f32::INFINITY], 1, &[0, 1]);
        assert!(m.ixt.is_nan() && m.ity.is_nan());
    }

    #[test]
    fn net_input_edges_and_digitize_by_hand() {
        // limit 10, 11 edges: net inputs -10, -8, ..., 10 (step 2), edges
        // tanh of them. tanh(10) = 1 - 4.1e-9, tanh(8) = 1 - 2.25e-7,
        // tanh(6) = 1 - 1.23e-5 (1 - tanh(u) ≈ 2 e^{-2u}).
        let e = net_input_edges(11, 10.0);
        assert_eq!(e[5], 0.0);
        assert!((1.0 - e[10] - 2.0 * (-20.0f64).exp()).abs() < 1e-15);
        assert!((1.0 - e[9] - 2.0 * (-16.0f64).exp()).abs() < 1e-12);
        assert_eq!(e[0], -e[10]);
        let vals = [
            1.0f32,        // saturated: every edge <= 1 → 11, a bin of its own
            0.999_999_94,  // 1 - 6e-8: above tanh(8), below tanh(10) → 10
            0.999_999_9,   // 1 - 1.2e-7: still above tanh(8) → 10
            0.999_999_7,   // 1 - 3e-7: below tanh(8), above tanh(6) → 9
            0.0,           // edges -10..0 are <= 0 → 6
            -0.0,          // equal to 0.0 → 6
            0.5,           // tanh(0) <= 0.5 < tanh(2) = 0.964 → 6
            0.97,          // tanh(2) <= 0.97 < tanh(4) = 0.99933 → 7
            -0.999_999_94, // above tanh(-10) = -1 + 4e-9, below tanh(-8) → 1
            -1.0,          // saturated: below every edge → 0
        ];
        let mut c = Vec::new();
        assert!(net_input_codes(&vals, 11, 10.0, &mut c));
        assert_eq!(c, [11, 10, 10, 9, 6, 6, 6, 7, 1, 0]);
        // Saxe's limit 50 with 30 edges: tanh(50) is exactly 1.0 in f64, so
        // a saturated +1 falls in the top bin (30); 1 - 6e-8 is above
        // tanh(8.62) = 1 - 6.4e-8 (the 18th edge) and below tanh(12.07) =
        // 1 - 6.6e-11 (the 19th) → 18.
        assert!(net_input_codes(
            &[1.0, 0.999_999_94, -1.0],
            30,
            50.0,
            &mut c
        ));
        assert_eq!(c[..2], [30, 18]);
        assert!(c[2] < 18);
        // Invalid parameters.
        assert!(!net_input_codes(&vals, 1, 10.0, &mut c));
        assert!(!net_input_codes(&vals, 11, 0.0, &mut c));
        assert!(!net_input_codes(&vals, 11, f64::INFINITY, &mut c));
    }

    #[test]
    fn net_input_binning_resolves_saturation() {
        // 1.0, 1 - 6e-8, 1 - 3e-7 and 0.5. IDNNs' bins: 1.0 has its own bin,
        // the next two share [0.931, 1), 0.5 is alone: groups 1, 2, 1, so
        // H = 1.5 bits. Net-input bins (limit 50, 30 edges): codes 30, 18,
        // 17 (1 - 3e-7 is below tanh(8.62) = 1 - 6.5e-8 and above tanh(5.17)
        // = 1 - 6.5e-5) and 15 (tanh(-1.72) <= 0.5 < tanh(1.72)): four
        // bins, H = 2 bits.
        let v = [1.0f32, 0.999_999_94, 0.999_999_7, 0.5];
        let labels = [0, 0, 1, 1];
        let net = Estimator::NetInputBinning {
            n_edges: 30,
            limit: 50.0,
        };
        let idnns = Estimator::IdnnsBinning {
            n_edges: 30,
            lo: -1.0,
            hi: 1.0,
        };
        assert_eq!(est1(idnns, &v, 1, &labels).ixt, 1.5);
        assert_eq!(est1(net, &v, 1, &labels).ixt, 2.0);
        let mut c = Vec::new();
        assert!(net_input_codes(&v, 30, 50.0, &mut c));
        assert_eq!(c, [30, 18, 17, 15]);
        // Bad parameters through the estimator: NaN.
        let bad = Estimator::NetInputBinning {
            n_edges: 30,
            limit: -1.0,
        };
        assert!(est1(bad, &v, 1, &labels).ixt.is_nan());
    }
}
