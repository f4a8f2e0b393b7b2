//! Probes taken at logged epochs: activations of every layer on the MI
//! rows, weight norms, loss and accuracy, and the per-batch weight
//! gradients of the epoch.

use crate::data::{Dataset, Split};
use crate::gradients::{layer_moments, LayerMoments};
use crate::network::{Gradients, Network, Noise, Workspace};

/// The state of the network at one moment of a logged epoch.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    /// Per layer (hidden layers, then the output probabilities), row-major
    /// activations on the MI rows.
    pub activations: Vec<Vec<f32>>,
    /// ‖W_l‖_F per layer.
    pub wnorm: Vec<f64>,
    /// Mean training loss (nats).
    pub loss_train: f64,
    /// Mean test loss (nats).
    pub loss_test: f64,
    /// Training accuracy.
    pub acc_train: f64,
    /// Test accuracy.
    pub acc_test: f64,
    /// Scratch: each data row's position among the MI rows (`u32::MAX`:
    /// not an MI row).
    at: Vec<u32>,
}

/// Mean loss and accuracy over `rows` from per-row outcomes of the MI
/// pass (`at`: a row's position in it), summed in `rows`' order exactly as
/// [`Workspace::evaluate`] sums them; `None` if a row was not in the pass.
fn mean_of(outcomes: &[(f64, bool)], at: &[u32], rows: &[u32]) -> Option<(f64, f64)> {
    let (mut loss, mut correct) = (0.0f64, 0usize);
    for &r in rows {
        let i = *at.get(r as usize)? as usize;
        let &(l, c) = outcomes.get(i)?;
        loss += l;
        correct += usize::from(c);
    }
    let n = rows.len() as f64;
    Some(if rows.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (loss / n, correct as f64 / n)
    })
}

impl Probe {
    /// Probes `net` on `mi_rows` (activations) and on both sides of `split`
    /// (loss, accuracy). Reuses `self`'s buffers. For a noisy network,
    /// `noise` holds the draws of the three passes (MI rows, training rows,
    /// test rows): the activations are then each hidden layer's noiseless
    /// output S_l fed by the noisy layers below
    /// ([`Workspace::forward_rows_with_noise`]), and the loss and accuracy
    /// the noisy network's.
    ///
    /// Without `activations` (a replay job takes them elsewhere) the MI
    /// pass is skipped: `activations` is left empty, and the loss and
    /// accuracy come from passes of their own (the same numbers).
    #[allow(clippy::too_many_arguments)]
    pub fn take(
        &mut self,
        ws: &mut Workspace,
        net: &Network,
        data: &Dataset,
        split: &Split,
        mi_rows: &[u32],
        noise: [Option<Noise>; 3],
        activations: bool,
    ) {
        let [mut mi, mut train, mut test] = noise;
        self.wnorm = net.weight_norms();
        if !activations {
            self.activations.iter_mut().for_each(Vec::clear);
            (self.loss_train, self.acc_train) =
                ws.evaluate_with_noise(net, data, &split.train, train.as_mut());
            (self.loss_test, self.acc_test) =
                ws.evaluate_with_noise(net, data, &split.test, test.as_mut());
            return;
        }
        // Without noise a row's outputs are the same in every pass (lanes
        // are independent), so the loss and accuracy of rows that are MI
        // rows come from the MI pass, bit for bit, instead of a pass of
        // their own.
        let reuse = mi.is_none() && train.is_none() && test.is_none();
        self.activations.resize(net.layers.len(), Vec::new());
        ws.keep_row_outcomes(reuse);
        ws.forward_rows_with_noise(net, data, mi_rows, &mut self.activations, mi.as_mut());
        ws.keep_row_outcomes(false);
        if reuse {
            self.at.clear();
            self.at.resize(data.len(), u32::MAX);
            for (i, &r) in mi_rows.iter().enumerate() {
                if let Some(a) = self.at.get_mut(r as usize) {
                    *a = i as u32;
                }
            }
        }
        let outcomes = ws.take_row_outcomes();
        let from_mi = |rows: &[u32]| reuse.then(|| mean_of(&outcomes, &self.at, rows)).flatten();
        (self.loss_train, self.acc_train) = from_mi(&split.train)
            .unwrap_or_else(|| ws.evaluate_with_noise(net, data, &split.train, train.as_mut()));
        (self.loss_test, self.acc_test) = from_mi(&split.test)
            .unwrap_or_else(|| ws.evaluate_with_noise(net, data, &split.test, test.as_mut()));
    }
}

/// The weight gradients of each mini-batch of a logged epoch.
#[derive(Clone, Debug, Default)]
pub struct BatchGradients {
    /// `[batch][layer]` flattened weight gradients (biases excluded).
    batches: Vec<Vec<Vec<f32>>>,
    used: usize,
}

impl BatchGradients {
    /// Forgets the previous epoch's gradients (keeps the buffers).
    pub fn clear(&mut self) {
        self.used = 0;
    }

    /// Records one batch's weight gradients.
    pub fn push(&mut self, g: &Gradients) {
        if self.used == self.batches.len() {
            self.batches.push(g.w.clone());
        } else {
            for (dst, src) in self.batches[self.used].iter_mut().zip(&g.w) {
                dst.copy_from_slice(src);
            }
        }
        self.used += 1;
    }

    /// Number of batches recorded.
    pub fn len(&self) -> usize {
        self.used
    }

    /// True if no batch was recorded.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Per-layer moments m_l, s_l over the recorded batches.
    pub fn moments(&self, n_layers: usize) -> Vec<LayerMoments> {
        (0..n_layers)
            .map(|l| {
                let per_batch: Vec<&[f32]> = self.batches[..self.used]
                    .iter()
                    .map(|b| b[l].as_slice())
                    .collect();
                layer_moments(&per_batch)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Activation, Output};
    use crate::rng::{Rng, Stream};

    /// The loss and accuracy taken from the MI pass equal those of passes
    /// of their own, bit for bit, whether the MI rows hold every row (the
    /// MI pass serves) or only the test rows (the training rows get their
    /// own pass).
    #[test]
    fn loss_and_accuracy_from_the_mi_pass_are_a_passes_own() {
        let data = crate::data::var_u();
        let split = Split::first(data.len(), 80.0);
        let mut rng = Rng::for_stream(3, Stream::Init);
        let net = Network::new(
            12,
            &[10, 7, 5, 4, 3],
            2,
            Activation::Tanh,
            Output::Softmax,
            &mut rng,
        );
        let mut ws = Workspace::new(&net);
        let train = ws.evaluate(&net, &data, &split.train);
        let test = ws.evaluate(&net, &data, &split.test);
        let all: Vec<u32> = (0..data.len() as u32).collect();
        for (mi_rows, activations) in [(&all[..], true), (&split.test[..], true), (&all[..], false)]
        {
            let mut p = Probe::default();
            p.take(
                &mut ws,
                &net,
                &data,
                &split,
                mi_rows,
                [None, None, None],
                activations,
            );
            assert_eq!(p.activations.iter().all(Vec::is_empty), !activations);
            assert_eq!(p.loss_train.to_bits(), train.0.to_bits());
            assert_eq!(p.acc_train.to_bits(), train.1.to_bits());
            assert_eq!(p.loss_test.to_bits(), test.0.to_bits());
            assert_eq!(p.acc_test.to_bits(), test.1.to_bits());
        }
    }
}
