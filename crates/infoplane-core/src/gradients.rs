//! Gradient statistics per layer and logged epoch, from the weight
//! gradients of every mini-batch of that epoch (biases excluded, as in
//! IDNNs' `plot_gradients.py` and ibsgd).

use serde::{Deserialize, Serialize};

/// The two per-layer quantities every definition is built from, for one
/// layer and epoch, over the batches b = 1..B with flattened weight
/// gradients g_b:
/// - `m` = ‖mean_b g_b‖₂
/// - `s` = √(Σ_i Var_b g_{b,i}) (population variance), which is both
///   IDNNs' `trac_cov` and Saxe's ‖elementwise std_b g_b‖_F.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerMoments {
    /// Norm of the mean gradient.
    pub m: f64,
    /// Root of the summed per-weight variances.
    pub s: f64,
}

/// Moments of one layer from its per-batch gradients (f64 accumulation).
pub fn layer_moments(batches: &[&[f32]]) -> LayerMoments {
    let nb = batches.len();
    if nb == 0 {
        return LayerMoments {
            m: f64::NAN,
            s: f64::NAN,
        };
    }
    let n = batches[0].len();
    let (mut sum_mean_sq, mut sum_var) = (0.0f64, 0.0f64);
    for i in 0..n {
        let mean = batches.iter().map(|g| f64::from(g[i])).sum::<f64>() / nb as f64;
        let var = batches
            .iter()
            .map(|g| (f64::from(g[i]) - mean).powi(2))
            .sum::<f64>()
            / nb as f64;
        sum_mean_sq += mean * mean;
        sum_var += var;
    }
    LayerMoments {
        m: sum_mean_sq.sqrt(),
        s: sum_var.sqrt(),
    }
}

crate::choices! {
    /// Which definition of the plotted "mean", "std" and SNR to use.
    pub enum GradDefinition {
        /// As `plot_gradients.py` codes it: cumulative over layers,
        /// mean_L = Σ_{l≤L} m_l, std_L = √(Σ_{l≤L} s_l), SNR = mean_L² / Σ_{l≤L} s_l.
        Idnns = "idnns",
        /// The same quantities per layer: m_l, √s_l, m_l² / s_l.
        PerLayer = "per-layer",
        /// The caption's claim, "normalized by the L2 norms of the weights for
        /// each layer": IDNNs' cumulative statistics of g_b / ‖W_l‖_F, i.e. of
        /// m_l/‖W_l‖ and s_l/‖W_l‖ (the code's norm function is a stub returning 1).
        Normalised = "normalised",
        /// Saxe et al. Appendix I: m_l, s_l and m_l / s_l per layer.
        Saxe = "saxe",
    }
}

/// The three plotted curves at one epoch, one value per layer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GradCurves {
    /// The "mean" curve.
    pub mean: Vec<f64>,
    /// The "std" curve.
    pub std: Vec<f64>,
    /// The signal-to-noise ratio.
    pub snr: Vec<f64>,
}

/// The curves of `def` at one epoch from per-layer moments `m`, `s` and
/// weight norms `wnorm`.
pub fn curves(def: GradDefinition, m: &[f64], s: &[f64], wnorm: &[f64]) -> GradCurves {
    let cumulative = |m: &mut dyn Iterator<Item = (f64, f64)>| {
        let mut out = GradCurves::default();
        let (mut cm, mut cs) = (0.0, 0.0);
        for (ml, sl) in m {
            cm += ml;
            cs += sl;
            out.mean.push(cm);
            out.std.push(cs.sqrt());
            out.snr.push(cm * cm / cs);
        }
        out
    };
    match def {
        GradDefinition::Idnns => cumulative(&mut m.iter().copied().zip(s.iter().copied())),
        GradDefinition::Normalised => {
            cumulative(&mut m.iter().zip(s).zip(wnorm).map(|((m, s), w)| (m / w, s / w)))
        }
        GradDefinition::PerLayer => GradCurves {
            mean: m.to_vec(),
            std: s.iter().map(|v| v.sqrt()).collect(),
            snr: m.iter().zip(s).map(|(m, s)| m * m / s).collect(),
        },
        GradDefinition::Saxe => GradCurves {
            mean: m.to_vec(),
            std: s.to_vec(),
            snr: m.iter().zip(s).map(|(m, s)| m / s).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn the_letters_worked_example() {
        // Batch gradients [2,3] and [4,5]: element-wise mean [3,4], ‖·‖ = 5;
        // element-wise population variance [1,1], √(1+1) = 1.414 ("variance"),
        // and the plotted "std" √1.414 = 1.189.
        let mo = layer_moments(&[&[2.0, 3.0], &[4.0, 5.0]]);
        assert_eq!(mo.m, 5.0);
        assert!(close(mo.s, 1.414));
        let c = curves(
            GradDefinition::Idnns,
            &[mo.m, mo.m],
            &[mo.s, mo.s],
            &[1.0, 1.0],
        );
        assert_eq!(c.mean[0], 5.0);
        assert!(close(c.std[0], 1.189));
        // A second identical layer: cumulative mean 5 + 5 = 10, std √(1.414 + 1.414) = 1.682.
        assert_eq!(c.mean[1], 10.0);
        assert!(close(c.std[1], 1.682));
        // SNR = mean² / Σ s: 25 / 1.414 = 17.68, then 100 / 2.828 = 35.36.
        assert!(close(c.snr[0], 17.678) && close(c.snr[1], 35.355));
    }

    #[test]
    fn cumulative_means_cannot_cross_but_per_layer_ones_can() {
        let (m, s) = ([3.0, 1.0, 2.0], [1.0, 1.0, 1.0]);
        let c = curves(GradDefinition::Idnns, &m, &s, &[1.0; 3]);
        assert!(c.mean.windows(2).all(|w| w[1] >= w[0]));
        let p = curves(GradDefinition::PerLayer, &m, &s, &[1.0; 3]);
        assert_eq!(p.mean, vec![3.0, 1.0, 2.0]);
    }

    #[test]
    fn normalised_and_saxe() {
        // Layer norms 2 and 4: m/‖W‖ = 5/2, 5/4 → cumulative 2.5, 3.75;
        // s/‖W‖ = 1/2, 1/4 → std √0.5 = 0.7071, √0.75 = 0.8660.
        let c = curves(
            GradDefinition::Normalised,
            &[5.0, 5.0],
            &[1.0, 1.0],
            &[2.0, 4.0],
        );
        assert_eq!(c.mean, vec![2.5, 3.75]);
        assert!(close(c.std[0], 0.5f64.sqrt()) && close(c.std[1], 0.75f64.sqrt()));
        // Saxe: s_l is ‖std‖_F itself and SNR = m/s.
        let c = curves(GradDefinition::Saxe, &[5.0], &[2.0], &[1.0]);
        assert_eq!((c.mean[0], c.std[0], c.snr[0]), (5.0, 2.0, 2.5));
    }
}
