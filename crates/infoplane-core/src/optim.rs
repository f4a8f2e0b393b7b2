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
    steps: u64,
}

/// Adam's state between steps: the moments and TensorFlow's running
/// powers β1^t, β2^t (f32 products, which the update reads; recomputing
/// them from the step count would not give the same bits).
#[derive(Clone, Debug, PartialEq)]
pub struct AdamState {
    /// First moments, shaped like the network.
    pub m: Gradients,
    /// Second moments, shaped like the network.
    pub v: Gradients,
    /// β1 to the power of the steps taken + 1, as TF keeps it.
    pub beta1_power: f32,
    /// β2 to the power of the steps taken + 1.
    pub beta2_power: f32,
}

/// Everything an optimiser carries from one step to the next (checkpoints).
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerState {
    /// Updates applied so far.
    pub steps: u64,
    /// Adam's state; `None` for SGD, which has none.
    pub adam: Option<AdamState>,
}

impl Optimizer {
    /// Fresh state (moments zero, no steps taken) for `net`.
    pub fn new(kind: OptimizerKind, lr: f32, net: &Network) -> Self {
        let (b1, b2, moments) = match kind {
            OptimizerKind::Adam { beta1, beta2, .. } => (beta1, beta2, Gradients::zeros_like(net)),
            // SGD keeps no moments.
            OptimizerKind::Sgd => (
                0.0,
                0.0,
                Gradients {
                    w: Vec::new(),
                    b: Vec::new(),
                },
            ),
        };
        Optimizer {
            kind,
            lr,
            v: moments.clone(),
            m: moments,
            // TF keeps β^t in variables that start at β and are multiplied by β
            // after every step, all in f32.
            beta1_power: b1,
            beta2_power: b2,
            steps: 0,
        }
    }

    /// Updates applied so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A copy of the state carried between steps.
    pub fn state(&self) -> OptimizerState {
        OptimizerState {
            steps: self.steps,
            adam: matches!(self.kind, OptimizerKind::Adam { .. }).then(|| AdamState {
                m: self.m.clone(),
                v: self.v.clone(),
                beta1_power: self.beta1_power,
                beta2_power: self.beta2_power,
            }),
        }
    }

    /// An optimiser of `kind` continuing from `state`. Fails, saying why,
    /// when the state is of another kind or its moments are not shaped
    /// like `net`.
    pub fn restore(
        kind: OptimizerKind,
        lr: f32,
        net: &Network,
        state: OptimizerState,
    ) -> Result<Self, String> {
        let mut opt = Optimizer::new(kind, lr, net);
        opt.steps = state.steps;
        match (kind, state.adam) {
            (OptimizerKind::Sgd, None) => Ok(opt),
            (OptimizerKind::Adam { .. }, Some(a)) => {
                let fits = |g: &Gradients| {
                    g.w.len() == net.layers.len()
                        && g.b.len() == net.layers.len()
                        && net
                            .layers
                            .iter()
                            .zip(g.w.iter().zip(&g.b))
                            .all(|(l, (w, b))| w.len() == l.w.len() && b.len() == l.b.len())
                };
                if !fits(&a.m) || !fits(&a.v) {
                    return Err("Adam's moments are not shaped like the network".into());
                }
                opt.m = a.m;
                opt.v = a.v;
                opt.beta1_power = a.beta1_power;
                opt.beta2_power = a.beta2_power;
                Ok(opt)
            }
            (OptimizerKind::Sgd, Some(_)) => Err("the state is Adam's, the optimizer sgd".into()),
            (OptimizerKind::Adam { .. }, None) => {
                Err("the state is SGD's (no moments), the optimizer adam".into())
            }
        }
    }

    /// Applies one update with gradients `g`.
    pub fn step(&mut self, net: &mut Network, g: &Gradients) {
        self.steps += 1;
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
    fn restored_adam_continues_bit_for_bit() {
        let kind = OptimizerKind::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-7,
        };
        let g = Gradients {
            w: vec![vec![0.3]],
            b: vec![vec![-0.7]],
        };
        let mut net = one_weight_net(1.0);
        let mut opt = Optimizer::new(kind, 0.01, &net);
        opt.step(&mut net, &g);
        let (mut net2, state) = (net.clone(), opt.state());
        assert_eq!(state.steps, 1);
        let mut opt2 = Optimizer::restore(kind, 0.01, &net2, state).unwrap();
        for _ in 0..3 {
            opt.step(&mut net, &g);
            opt2.step(&mut net2, &g);
        }
        assert_eq!(net, net2);
        assert_eq!(opt2.steps(), 4);
        // A state of the wrong kind or shape is refused.
        assert!(Optimizer::restore(OptimizerKind::Sgd, 0.01, &net, opt.state()).is_err());
        let wide = Network {
            layers: vec![Layer {
                n_in: 2,
                n_out: 1,
                w: vec![0.0; 2],
                b: vec![0.0],
            }],
            ..net.clone()
        };
        assert!(Optimizer::restore(kind, 0.01, &wide, opt.state()).is_err());
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
