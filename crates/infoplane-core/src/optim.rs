//! Optimisers: Adam exactly as TensorFlow 1.x applies it, and plain SGD.

use crate::network::{Gradients, Network};
use serde::{Deserialize, Serialize};

/// Which update rule to use.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam (Kingma & Ba) with TensorFlow's `ApplyAdam` arithmetic.
    Adam {
        /// First-moment decay (TF default 0.9).
        beta1: f32,
        /// Second-moment decay (TF default 0.999).
        beta2: f32,
        /// TensorFlow's "epsilon hat", added to √v (TF default 1e-8).
        eps: f32,
    },
    /// w ← w − lr·g.
    Sgd,
}

/// Optimiser state for one network.
#[derive(Clone, Debug)]
pub struct Optimizer {
    kind: OptimizerKind,
    lr: f32,
    m: Gradients,
    v: Gradients,
    beta1_power: f32,
    beta2_power: f32,
}

impl Optimizer {
    /// Fresh state (moments zero, no steps taken) for `net`.
    pub fn new(kind: OptimizerKind, lr: f32, net: &Network) -> Self {
        let (b1, b2) = match kind {
            OptimizerKind::Adam { beta1, beta2, .. } => (beta1, beta2),
            OptimizerKind::Sgd => (0.0, 0.0),
        };
        Optimizer {
            kind,
            lr,
            m: Gradients::zeros_like(net),
            v: Gradients::zeros_like(net),
            // TF keeps β^t in variables that start at β and are multiplied by β
            // after every step, all in f32.
            beta1_power: b1,
            beta2_power: b2,
        }
    }

    /// Applies one update with gradients `g`.
    pub fn step(&mut self, net: &mut Network, g: &Gradients) {
        match self.kind {
            OptimizerKind::Sgd => {
                for (l, layer) in net.layers.iter_mut().enumerate() {
                    for (w, d) in layer.w.iter_mut().zip(&g.w[l]) {
                        *w -= self.lr * d;
                    }
                    for (b, d) in layer.b.iter_mut().zip(&g.b[l]) {
                        *b -= self.lr * d;
                    }
                }
            }
            OptimizerKind::Adam { beta1, beta2, eps } => {
                // training_ops.cc, ApplyAdam (non-Nesterov):
                //   alpha = lr · √(1 − β2^t) / (1 − β1^t)
                //   m += (g − m)(1 − β1);  v += (g² − v)(1 − β2)
                //   var −= m·alpha / (√v + ε)
                let alpha = self.lr * (1.0 - self.beta2_power).sqrt() / (1.0 - self.beta1_power);
                let update = |p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32]| {
                    for k in 0..p.len() {
                        m[k] += (g[k] - m[k]) * (1.0 - beta1);
                        v[k] += (g[k] * g[k] - v[k]) * (1.0 - beta2);
                        p[k] -= m[k] * alpha / (v[k].sqrt() + eps);
                    }
                };
                for (l, layer) in net.layers.iter_mut().enumerate() {
                    update(&mut layer.w, &mut self.m.w[l], &mut self.v.w[l], &g.w[l]);
                    update(&mut layer.b, &mut self.m.b[l], &mut self.v.b[l], &g.b[l]);
                }
                self.beta1_power *= beta1;
                self.beta2_power *= beta2;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Activation, Layer, Output};

    fn one_weight_net(w: f32) -> Network {
        Network {
            layers: vec![Layer {
                n_in: 1,
                n_out: 1,
                w: vec![w],
                b: vec![0.0],
            }],
            activation: Activation::Linear,
            output: Output::Sigmoid,
        }
    }

    #[test]
    fn adam_steps_match_hand_computation() {
        let kind = OptimizerKind::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        };
        let mut net = one_weight_net(1.0);
        let mut opt = Optimizer::new(kind, 0.001, &net);
        let g = Gradients {
            w: vec![vec![0.5]],
            b: vec![vec![-2.0]],
        };
        opt.step(&mut net, &g);
        // Step 1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4,
        // alpha = 0.001·√0.001/0.1 = 3.16228e-4,
        // w = 1 − 0.05·3.16228e-4/(0.0158114 + 1e-8) = 1 − 0.001 = 0.999.
        assert!(
            (net.layers[0].w[0] - 0.999).abs() < 1e-6,
            "{}",
            net.layers[0].w[0]
        );
        // Bias: m = −0.2, v = 0.004, update = −0.2·3.16228e-4/0.0632456 = −0.001.
        assert!((net.layers[0].b[0] - 0.001).abs() < 1e-6);
        opt.step(&mut net, &g);
        // Step 2: m = 0.9·0.05 + 0.05 = 0.095, v = 0.999·2.5e-4 + 2.5e-4 = 4.9975e-4,
        // alpha = 0.001·√(1 − 0.998001)/(1 − 0.81) = 2.35321e-4,
        // w = 0.999 − 0.095·2.35321e-4/0.0223551 = 0.999 − 0.001 = 0.998.
        assert!(
            (net.layers[0].w[0] - 0.998).abs() < 1e-6,
            "{}",
            net.layers[0].w[0]
        );
    }

    #[test]
    fn sgd_step_is_w_minus_lr_g() {
        let mut net = one_weight_net(1.0);
        let mut opt = Optimizer::new(OptimizerKind::Sgd, 0.1, &net);
        opt.step(
            &mut net,
            &Gradients {
                w: vec![vec![0.5]],
                b: vec![vec![-2.0]],
            },
        );
        // 1 − 0.1·0.5 = 0.95; 0 − 0.1·(−2) = 0.2.
        assert_eq!(net.layers[0].w[0], 0.95);
        assert_eq!(net.layers[0].b[0], 0.2);
    }
}
