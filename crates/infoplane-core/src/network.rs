//! A fully connected network in f32 with IDNNs' initialisation, and the
//! kernels that run it: forward passes over many rows and the gradient of
//! the mean loss over a batch.
//!
//! Samples are processed in blocks of [`LANES`] side by side (one `Block`
//! per unit), so every inner loop is element-wise over lanes and vectorises
//! with the same order of additions on every target. Per-sample weight
//! gradients are accumulated lane-wise and reduced once per batch by a fixed
//! tree.

use crate::data::Dataset;
use crate::math::{self, Block, LANES};
use crate::rng::Rng;

crate::choices! {
    /// Hidden-layer nonlinearity.
    pub enum Activation {
        /// Hyperbolic tangent (IDNNs `-activation_function 0`).
        Tanh = "tanh",
        /// Rectified linear (IDNNs `-activation_function 1`).
        Relu = "relu",
        /// Identity (IDNNs `-activation_function 2`).
        Linear = "linear",
        /// Logistic sigmoid.
        Sigmoid = "sigmoid",
    }
}

crate::choices! {
    /// Output layer and loss.
    pub enum Output {
        /// k-unit softmax with mean cross-entropy (the IDNNs code).
        Softmax = "softmax",
        /// One sigmoid unit with mean binary cross-entropy (SZT's Fig. 3 caption,
        /// "12-10-8-6-4-2-1"); two classes only.
        Sigmoid = "sigmoid",
    }
}

/// One dense layer; `w` is row-major `[n_out][n_in]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Inputs to the layer.
    pub n_in: usize,
    /// Units of the layer.
    pub n_out: usize,
    /// Weights, `w[j * n_in + i]` from input `i` to unit `j`.
    pub w: Vec<f32>,
    /// Biases, one per unit.
    pub b: Vec<f32>,
}

/// The network: hidden layers then the output layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Layers in order; the last is the output layer.
    pub layers: Vec<Layer>,
    /// Nonlinearity of the hidden layers.
    pub activation: Activation,
    /// Output layer kind.
    pub output: Output,
}

/// Gradients of the mean loss with respect to every weight and bias.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// Per layer, same layout as [`Layer::w`].
    pub w: Vec<Vec<f32>>,
    /// Per layer, same layout as [`Layer::b`].
    pub b: Vec<Vec<f32>>,
}

impl Gradients {
    /// Zero gradients shaped like `net`.
    pub fn zeros_like(net: &Network) -> Self {
        Gradients {
            w: net.layers.iter().map(|l| vec![0.0; l.w.len()]).collect(),
            b: net.layers.iter().map(|l| vec![0.0; l.b.len()]).collect(),
        }
    }
}

crate::choices! {
    /// How the weights are initialised (biases always start at zero).
    pub enum Init {
        /// IDNNs: every layer truncated normal (±2 std) with std 1/√fan_in.
        Idnns = "idnns",
        /// ibsgd (`IBnet_SaveActivations.ipynb`): hidden layers truncated
        /// normal with std 1/√n, n the layer's own width (its fan-out); the
        /// output layer Keras's default `glorot_uniform`,
        /// U(−√(6/(fan_in + fan_out)), +√(6/(fan_in + fan_out))).
        Ibsgd = "ibsgd",
    }
}

impl Network {
    /// A network initialised as IDNNs does: weights truncated normal (±2 std)
    /// with std 1/sqrt(fan_in), biases zero. `n_classes` sets the softmax width.
    pub fn new(
        n_in: usize,
        hidden: &[usize],
        n_classes: usize,
        activation: Activation,
        output: Output,
        rng: &mut Rng,
    ) -> Self {
        Self::with_init(
            n_in,
            hidden,
            n_classes,
            activation,
            output,
            Init::Idnns,
            rng,
        )
    }

    /// A network initialised by `init`. Drawing order, the same for both
    /// rules: layer by layer from the input; within a layer, the weights in
    /// TensorFlow/Keras's kernel order `[n_in][n_out]` (input-major),
    /// stored transposed. Truncated normals are [`Rng::truncated_normal`];
    /// a uniform weight is `−limit + 2·limit·u` in f64 with `u` one
    /// [`Rng::next_f64`], then rounded to f32. Biases draw nothing.
    pub fn with_init(
        n_in: usize,
        hidden: &[usize],
        n_classes: usize,
        activation: Activation,
        output: Output,
        init: Init,
        rng: &mut Rng,
    ) -> Self {
        let n_out = match output {
            Output::Softmax => n_classes,
            Output::Sigmoid => 1,
        };
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut fan_in = n_in;
        for (l, &width) in hidden.iter().chain(std::iter::once(&n_out)).enumerate() {
            let is_output = l == hidden.len();
            let mut draw: Box<dyn FnMut(&mut Rng) -> f64> = match (init, is_output) {
                (Init::Idnns, _) => {
                    let std = 1.0 / (fan_in as f64).sqrt();
                    Box::new(move |r: &mut Rng| r.truncated_normal(std))
                }
                (Init::Ibsgd, false) => {
                    let std = 1.0 / (width as f64).sqrt();
                    Box::new(move |r: &mut Rng| r.truncated_normal(std))
                }
                (Init::Ibsgd, true) => {
                    let limit = (6.0 / (fan_in + width) as f64).sqrt();
                    Box::new(move |r: &mut Rng| -limit + 2.0 * limit * r.next_f64())
                }
            };
            // Drawn in TensorFlow's [n_in][n_out] order, stored transposed.
            let mut w = vec![0.0f32; width * fan_in];
            for i in 0..fan_in {
                for j in 0..width {
                    w[j * fan_in + i] = draw(rng) as f32;
                }
            }
            layers.push(Layer {
                n_in: fan_in,
                n_out: width,
                w,
                b: vec![0.0; width],
            });
            fan_in = width;
        }
        Network {
            layers,
            activation,
            output,
        }
    }

    /// Units per layer (hidden layers and the output layer).
    pub fn widths(&self) -> Vec<usize> {
        self.layers.iter().map(|l| l.n_out).collect()
    }

    /// Number of inputs.
    pub fn n_in(&self) -> usize {
        self.layers[0].n_in
    }

    /// Frobenius norm of each layer's weight matrix.
    pub fn weight_norms(&self) -> Vec<f64> {
        self.layers.iter().map(|l| math::norm2_f64(&l.w)).collect()
    }

    /// True when every weight and bias is finite; otherwise the first bad layer.
    pub fn first_non_finite_layer(&self) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| !l.w.iter().chain(&l.b).all(|v| v.is_finite()))
    }
}

#[inline(always)]
fn activate(act: Activation, z: &mut Block) {
    match act {
        Activation::Tanh => z.iter_mut().for_each(|v| *v = math::tanh(*v)),
        Activation::Relu => z
            .iter_mut()
            .for_each(|v| *v = if *v > 0.0 { *v } else { 0.0 }),
        Activation::Linear => {}
        Activation::Sigmoid => z.iter_mut().for_each(|v| *v = math::sigmoid(*v)),
    }
}

/// Multiplies `d` by the activation's derivative, written in terms of its
/// output `a` (tanh' = 1 - a², sigmoid' = a(1 - a), relu' = [a > 0]).
#[inline(always)]
fn times_derivative(act: Activation, a: &Block, d: &mut Block) {
    match act {
        Activation::Tanh => (0..LANES).for_each(|c| d[c] *= 1.0 - a[c] * a[c]),
        Activation::Relu => (0..LANES).for_each(|c| d[c] = if a[c] > 0.0 { d[c] } else { 0.0 }),
        Activation::Linear => {}
        Activation::Sigmoid => (0..LANES).for_each(|c| d[c] *= a[c] * (1.0 - a[c])),
    }
}

#[cfg(test)]
thread_local! {
    static BASELINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Tests force the baseline (SSE2) kernels to prove both paths agree bit for bit.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn force_baseline() -> bool {
    #[cfg(test)]
    return BASELINE.with(|b| b.get());
    #[cfg(not(test))]
    false
}

/// Per-sample loss and prediction of one block, computed from the logits.
#[derive(Clone, Copy, Debug, Default)]
struct BlockOutcome {
    loss: [f64; LANES],
    correct: [bool; LANES],
}

/// Scratch memory for running one network shape; reuse it across batches so
/// the hot loops never allocate.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// Block offsets of each layer's values in `acts` (0 = the input).
    offsets: Vec<usize>,
    /// Input block, then each layer's activations (the output layer holds
    /// probabilities after `forward_block`).
    acts: Vec<Block>,
    /// Output-layer logits.
    logits: Vec<Block>,
    delta: Vec<Block>,
    delta_prev: Vec<Block>,
    gw: Vec<Vec<Block>>,
    gb: Vec<Vec<Block>>,
    mask: Block,
    target: Vec<Block>,
}

impl Workspace {
    /// Scratch for `net`'s shape.
    pub fn new(net: &Network) -> Self {
        let mut offsets = vec![0];
        let mut total = net.n_in();
        for l in &net.layers {
            offsets.push(total);
            total += l.n_out;
        }
        let max_w = net
            .layers
            .iter()
            .map(|l| l.n_out.max(l.n_in))
            .max()
            .unwrap_or(1);
        let n_out = net.layers.last().map_or(1, |l| l.n_out);
        Workspace {
            offsets,
            acts: vec![[0.0; LANES]; total],
            logits: vec![[0.0; LANES]; n_out],
            delta: vec![[0.0; LANES]; max_w],
            delta_prev: vec![[0.0; LANES]; max_w],
            gw: net
                .layers
                .iter()
                .map(|l| vec![[0.0; LANES]; l.w.len()])
                .collect(),
            gb: net
                .layers
                .iter()
                .map(|l| vec![[0.0; LANES]; l.n_out])
                .collect(),
            mask: [0.0; LANES],
            target: vec![[0.0; LANES]; n_out],
        }
    }

    /// Loads up to `LANES` rows into the input block (missing lanes are zero
    /// and masked out) and their one-hot targets.
    #[inline(always)]
    fn load(&mut self, net: &Network, data: &Dataset, rows: &[u32]) {
        let nf = data.n_features();
        for f in 0..nf {
            self.acts[f] = [0.0; LANES];
        }
        self.mask = [0.0; LANES];
        for t in &mut self.target {
            *t = [0.0; LANES];
        }
        for (c, &r) in rows.iter().enumerate() {
            let x = data.row(r as usize);
            for f in 0..nf {
                self.acts[f][c] = x[f];
            }
            self.mask[c] = 1.0;
            let y = data.y()[r as usize] as usize;
            match net.output {
                Output::Softmax => self.target[y][c] = 1.0,
                Output::Sigmoid => self.target[0][c] = y as f32,
            }
        }
    }

    /// Forward pass of the loaded block through every layer.
    #[inline(always)]
    fn forward_block(&mut self, net: &Network) {
        let last = net.layers.len() - 1;
        for (l, layer) in net.layers.iter().enumerate() {
            let (prev, rest) = self.acts.split_at_mut(self.offsets[l + 1]);
            let prev = &prev[self.offsets[l]..];
            let out = &mut rest[..layer.n_out];
            for j in 0..layer.n_out {
                let wrow = &layer.w[j * layer.n_in..(j + 1) * layer.n_in];
                let mut acc = [0.0f32; LANES];
                for (&w, a) in wrow.iter().zip(prev) {
                    for c in 0..LANES {
                        acc[c] += w * a[c];
                    }
                }
                let b = layer.b[j];
                for v in acc.iter_mut() {
                    *v += b;
                }
                if l < last {
                    activate(net.activation, &mut acc);
                } else {
                    self.logits[j] = acc;
                }
                out[j] = acc;
            }
        }
        // Output nonlinearity, per lane over the output units.
        let off = self.offsets[last + 1];
        let k = net.layers[last].n_out;
        match net.output {
            Output::Sigmoid => {
                for c in 0..LANES {
                    self.acts[off][c] = math::sigmoid(self.logits[0][c]);
                }
            }
            Output::Softmax => {
                let mut max = self.logits[0];
                for z in &self.logits[1..k] {
                    for c in 0..LANES {
                        max[c] = max[c].max(z[c]);
                    }
                }
                let mut sum = [0.0f32; LANES];
                for u in 0..k {
                    let mut e = [0.0f32; LANES];
                    for c in 0..LANES {
                        e[c] = math::exp(self.logits[u][c] - max[c]);
                        sum[c] += e[c];
                    }
                    self.acts[off + u] = e;
                }
                for u in 0..k {
                    for c in 0..LANES {
                        self.acts[off + u][c] /= sum[c];
                    }
                }
            }
        }
    }

    /// Loss (natural log, f64) and correctness of each lane of the block.
    fn outcome(&self, net: &Network, n: usize) -> BlockOutcome {
        let mut o = BlockOutcome::default();
        let k = self.logits.len();
        for c in 0..n {
            match net.output {
                Output::Softmax => {
                    let z = |u: usize| f64::from(self.logits[u][c]);
                    let max = (0..k).map(z).fold(f64::NEG_INFINITY, f64::max);
                    let lse = max + math::ln((0..k).map(|u| libm::exp(z(u) - max)).sum::<f64>());
                    let y = (0..k).position(|u| self.target[u][c] == 1.0).unwrap_or(0);
                    o.loss[c] = lse - z(y);
                    // First maximal unit wins, as argmax does.
                    let pred = (0..k).fold(0, |best, u| if z(u) > z(best) { u } else { best });
                    o.correct[c] = pred == y;
                }
                Output::Sigmoid => {
                    let z = f64::from(self.logits[0][c]);
                    let y = f64::from(self.target[0][c]);
                    // max(z,0) - z·y + ln(1 + e^-|z|): stable binary cross-entropy.
                    o.loss[c] = z.max(0.0) - z * y + libm::log1p(libm::exp(-z.abs()));
                    o.correct[c] = (z >= 0.0) == (y == 1.0);
                }
            }
        }
        o
    }

    /// Gradient of the mean loss over `rows` (one batch) into `out`.
    pub fn gradient(&mut self, net: &Network, data: &Dataset, rows: &[u32], out: &mut Gradients) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && !force_baseline() {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.gradient_avx2(net, data, rows, out) };
        }
        self.gradient_impl(net, data, rows, out)
    }

    /// The same code compiled for AVX2: wider vectors, identical arithmetic
    /// (element-wise IEEE operations, no FMA), hence identical bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn gradient_avx2(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        out: &mut Gradients,
    ) {
        self.gradient_impl(net, data, rows, out)
    }

    #[inline(always)]
    fn gradient_impl(&mut self, net: &Network, data: &Dataset, rows: &[u32], out: &mut Gradients) {
        for (gw, gb) in self.gw.iter_mut().zip(&mut self.gb) {
            gw.iter_mut().for_each(|b| *b = [0.0; LANES]);
            gb.iter_mut().for_each(|b| *b = [0.0; LANES]);
        }
        let last = net.layers.len() - 1;
        for chunk in rows.chunks(LANES) {
            self.load(net, data, chunk);
            self.forward_block(net);
            // Output delta: softmax + cross-entropy and sigmoid + BCE both
            // give p - y per logit; padded lanes are masked to zero.
            let off = self.offsets[last + 1];
            for u in 0..net.layers[last].n_out {
                for c in 0..LANES {
                    self.delta[u][c] = (self.acts[off + u][c] - self.target[u][c]) * self.mask[c];
                }
            }
            for l in (0..=last).rev() {
                let layer = &net.layers[l];
                let prev = &self.acts[self.offsets[l]..self.offsets[l] + layer.n_in];
                let gw = &mut self.gw[l];
                let gb = &mut self.gb[l];
                for j in 0..layer.n_out {
                    // Local copies: LLVM cannot tell these heap blocks from
                    // the accumulators it stores to, and would not vectorise.
                    let d: Block = self.delta[j];
                    let mut b = gb[j];
                    for c in 0..LANES {
                        b[c] += d[c];
                    }
                    gb[j] = b;
                    let grow = &mut gw[j * layer.n_in..(j + 1) * layer.n_in];
                    for (g, a) in grow.iter_mut().zip(prev) {
                        let a: Block = *a;
                        let mut acc: Block = *g;
                        for c in 0..LANES {
                            acc[c] += d[c] * a[c];
                        }
                        *g = acc;
                    }
                }
                if l > 0 {
                    for i in 0..layer.n_in {
                        let mut acc = [0.0f32; LANES];
                        for j in 0..layer.n_out {
                            let w = layer.w[j * layer.n_in + i];
                            let d = &self.delta[j];
                            for c in 0..LANES {
                                acc[c] += w * d[c];
                            }
                        }
                        times_derivative(net.activation, &prev[i], &mut acc);
                        self.delta_prev[i] = acc;
                    }
                    std::mem::swap(&mut self.delta, &mut self.delta_prev);
                }
            }
        }
        // Mean over the batch, as TensorFlow's reduce_mean of the loss.
        let n = rows.len() as f32;
        for l in 0..net.layers.len() {
            for (o, g) in out.w[l].iter_mut().zip(&self.gw[l]) {
                *o = math::sum_block(g) / n;
            }
            for (o, g) in out.b[l].iter_mut().zip(&self.gb[l]) {
                *o = math::sum_block(g) / n;
            }
        }
    }

    /// Runs `rows` forward. Writes each layer's activations (row-major,
    /// `rows.len()` × width; the output layer as probabilities) into
    /// `acts_out[l]` and returns the mean loss and the accuracy.
    pub fn forward_rows(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        acts_out: &mut [Vec<f32>],
    ) -> (f64, f64) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && !force_baseline() {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.forward_rows_avx2(net, data, rows, acts_out) };
        }
        self.forward_rows_impl(net, data, rows, Some(acts_out))
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn forward_rows_avx2(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        acts_out: &mut [Vec<f32>],
    ) -> (f64, f64) {
        self.forward_rows_impl(net, data, rows, Some(acts_out))
    }

    #[inline(always)]
    fn forward_rows_impl(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        mut acts_out: Option<&mut [Vec<f32>]>,
    ) -> (f64, f64) {
        let n = rows.len();
        if let Some(out) = acts_out.as_deref_mut() {
            for (a, l) in out.iter_mut().zip(&net.layers) {
                a.clear();
                a.resize(n * l.n_out, 0.0);
            }
        }
        let mut loss = 0.0f64;
        let mut correct = 0usize;
        for (bi, chunk) in rows.chunks(LANES).enumerate() {
            self.load(net, data, chunk);
            self.forward_block(net);
            let o = self.outcome(net, chunk.len());
            for c in 0..chunk.len() {
                loss += o.loss[c];
                correct += usize::from(o.correct[c]);
            }
            let Some(out) = acts_out.as_deref_mut() else {
                continue;
            };
            for (l, layer) in net.layers.iter().enumerate() {
                let w = layer.n_out;
                let off = self.offsets[l + 1];
                let dst = &mut out[l];
                for c in 0..chunk.len() {
                    let r = bi * LANES + c;
                    for u in 0..w {
                        dst[r * w + u] = self.acts[off + u][c];
                    }
                }
            }
        }
        if n == 0 {
            return (f64::NAN, f64::NAN);
        }
        (loss / n as f64, correct as f64 / n as f64)
    }

    /// Mean loss and accuracy over `rows` without keeping activations.
    pub fn evaluate(&mut self, net: &Network, data: &Dataset, rows: &[u32]) -> (f64, f64) {
        self.forward_rows_impl(net, data, rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn toy_data(n: usize, nf: usize, classes: usize, seed: u64) -> Dataset {
        let mut r = Rng::for_stream(seed, Stream::Split);
        let x = (0..n * nf)
            .map(|_| (r.next_f64() * 2.0 - 1.0) as f32)
            .collect();
        let y = (0..n).map(|_| r.below(classes as u64) as u32).collect();
        let names = (0..classes).map(|c| c.to_string()).collect();
        Dataset::new("toy", nf, x, y, names).unwrap()
    }

    /// Mean loss of `net` on all rows of `data` in f64 (for finite differences).
    fn loss(ws: &mut Workspace, net: &Network, data: &Dataset) -> f64 {
        let rows: Vec<u32> = (0..data.len() as u32).collect();
        ws.evaluate(net, data, &rows).0
    }

    /// Weight `k` of layer `l`, or bias `k - n_weights`.
    fn param_mut(net: &mut Network, l: usize, k: usize) -> &mut f32 {
        let nw = net.layers[l].w.len();
        if k < nw {
            &mut net.layers[l].w[k]
        } else {
            &mut net.layers[l].b[k - nw]
        }
    }

    /// Central finite differences against the analytic gradient
    /// dL/dw = mean over samples of δ_j a_i, δ_out = p - y, δ_l = (Wᵀδ_{l+1}) ⊙ f'(a_l).
    fn check(act: Activation, out: Output, classes: usize) {
        let data = toy_data(37, 5, classes, 11);
        let mut rng = Rng::for_stream(3, Stream::Init);
        let mut net = Network::new(5, &[4, 3], classes, act, out, &mut rng);
        // Non-zero biases exercise their gradient too.
        for l in &mut net.layers {
            for (k, b) in l.b.iter_mut().enumerate() {
                *b = 0.1 * (k as f32 - 1.0);
            }
        }
        let mut ws = Workspace::new(&net);
        let rows: Vec<u32> = (0..data.len() as u32).collect();
        let mut g = Gradients::zeros_like(&net);
        ws.gradient(&net, &data, &rows, &mut g);
        // Small enough that no ReLU kink lies within ±h of a sample's
        // pre-activation; f32 logits make the quotient's noise ≈ 6e-8/h ≈ 6e-4.
        let h = 1e-4f32;
        for l in 0..net.layers.len() {
            for k in 0..net.layers[l].w.len() + net.layers[l].b.len() {
                let nw = net.layers[l].w.len();
                let mut plus = net.clone();
                let mut minus = net.clone();
                *param_mut(&mut plus, l, k) += h;
                *param_mut(&mut minus, l, k) -= h;
                let fd = (loss(&mut ws, &plus, &data) - loss(&mut ws, &minus, &data))
                    / (2.0 * f64::from(h));
                let an = f64::from(if k < nw { g.w[l][k] } else { g.b[l][k - nw] });
                assert!(
                    (fd - an).abs() <= 2e-3 + 2e-2 * an.abs(),
                    "{act:?}/{out:?} layer {l} param {k}: finite difference {fd} vs analytic {an}"
                );
            }
        }
    }

    #[test]
    fn gradients_match_finite_differences_tanh_softmax() {
        check(Activation::Tanh, Output::Softmax, 3);
    }

    #[test]
    fn gradients_match_finite_differences_relu_softmax() {
        check(Activation::Relu, Output::Softmax, 2);
    }

    #[test]
    fn gradients_match_finite_differences_linear_and_sigmoid() {
        check(Activation::Linear, Output::Softmax, 4);
        check(Activation::Sigmoid, Output::Sigmoid, 2);
        check(Activation::Tanh, Output::Sigmoid, 2);
    }

    #[test]
    fn avx2_and_baseline_kernels_agree_bit_for_bit() {
        let data = toy_data(100, 7, 3, 9);
        let mut rng = Rng::for_stream(5, Stream::Init);
        let net = Network::new(7, &[9, 5], 3, Activation::Tanh, Output::Softmax, &mut rng);
        let rows: Vec<u32> = (0..100).collect();
        let run = |baseline: bool| {
            BASELINE.with(|b| b.set(baseline));
            let mut ws = Workspace::new(&net);
            let mut g = Gradients::zeros_like(&net);
            ws.gradient(&net, &data, &rows, &mut g);
            let mut acts = vec![Vec::new(); 3];
            let lo = ws.forward_rows(&net, &data, &rows, &mut acts);
            BASELINE.with(|b| b.set(false));
            (g, acts, lo)
        };
        let (a, b) = (run(false), run(true));
        assert_eq!(a.0, b.0);
        assert_eq!(a.1, b.1);
        assert_eq!(a.2 .0.to_bits(), b.2 .0.to_bits());
    }

    #[test]
    fn init_follows_idnns() {
        let mut rng = Rng::for_stream(1, Stream::Init);
        let net = Network::new(
            12,
            &[10, 7, 5, 4, 3],
            2,
            Activation::Tanh,
            Output::Softmax,
            &mut rng,
        );
        assert_eq!(net.widths(), vec![10, 7, 5, 4, 3, 2]);
        for l in &net.layers {
            let std = 1.0 / (l.n_in as f32).sqrt();
            assert!(l.w.iter().all(|w| w.abs() <= 2.0 * std + 1e-6));
            assert!(l.b.iter().all(|&b| b == 0.0));
        }
        let sig = Network::new(
            12,
            &[10, 8, 6, 4, 2],
            2,
            Activation::Tanh,
            Output::Sigmoid,
            &mut rng,
        );
        assert_eq!(sig.widths(), vec![10, 8, 6, 4, 2, 1]);
    }

    #[test]
    fn forward_rows_gives_probabilities_and_matches_evaluate() {
        let data = toy_data(40, 5, 3, 2);
        let mut rng = Rng::for_stream(4, Stream::Init);
        let net = Network::new(5, &[6], 3, Activation::Tanh, Output::Softmax, &mut rng);
        let mut ws = Workspace::new(&net);
        let rows: Vec<u32> = (0..40).collect();
        let mut acts = vec![Vec::new(); 2];
        let (l1, a1) = ws.forward_rows(&net, &data, &rows, &mut acts);
        let (l2, a2) = ws.evaluate(&net, &data, &rows);
        assert_eq!((l1, a1), (l2, a2));
        for r in 0..40 {
            let p = &acts[1][r * 3..r * 3 + 3];
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
        // Loss of a uniform predictor would be ln 3; a fresh net is near it.
        assert!((l1 - 3f64.ln()).abs() < 0.5);
    }
}

#[cfg(test)]
mod init_tests {
    use super::*;
    use crate::rng::Stream;

    fn sample_std(v: &[f32]) -> f64 {
        let n = v.len() as f64;
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
        (v.iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / n)
            .sqrt()
    }

    #[test]
    fn ibsgd_init_draws_in_its_documented_order() {
        // 3 -> 2 -> 2: hidden std 1/√2 (its own width), output glorot limit
        // √(6/(2+2)) = √1.5; drawn input-major, layer by layer.
        let net = Network::with_init(
            3,
            &[2],
            2,
            Activation::Tanh,
            Output::Softmax,
            Init::Ibsgd,
            &mut Rng::for_stream(5, Stream::Init),
        );
        let mut r = Rng::for_stream(5, Stream::Init);
        let mut want_h = [0.0f32; 6];
        for i in 0..3 {
            for j in 0..2 {
                want_h[j * 3 + i] = r.truncated_normal(1.0 / 2f64.sqrt()) as f32;
            }
        }
        let limit = 1.5f64.sqrt();
        let mut want_o = [0.0f32; 4];
        for i in 0..2 {
            for j in 0..2 {
                want_o[j * 2 + i] = (-limit + 2.0 * limit * r.next_f64()) as f32;
            }
        }
        assert_eq!(net.layers[0].w, want_h);
        assert_eq!(net.layers[1].w, want_o);
        assert!(net.layers.iter().all(|l| l.b.iter().all(|&b| b == 0.0)));
    }

    #[test]
    fn ibsgd_init_scales_by_fan_out_and_glorot() {
        // 400 -> 100 -> 10. Hidden: std 1/√100 = 0.1 before truncation at
        // ±2 std, whose variance factor is 0.7737, so the sample std is
        // 0.1·√0.7737 = 0.0880 (IDNNs' 1/√400 would give 0.0440).
        // Output: U(±√(6/110)) = U(±0.2335), std 0.2335/√3 = 0.1348.
        let mut rng = Rng::for_stream(2, Stream::Init);
        let net = Network::with_init(
            400,
            &[100],
            10,
            Activation::Relu,
            Output::Softmax,
            Init::Ibsgd,
            &mut rng,
        );
        let h = sample_std(&net.layers[0].w);
        assert!((h - 0.0880).abs() < 0.002, "hidden std {h}");
        assert!(net.layers[0].w.iter().all(|w| w.abs() <= 0.2 + 1e-6));
        let o = sample_std(&net.layers[1].w);
        assert!((o - 0.1348).abs() < 0.006, "output std {o}");
        let max = net.layers[1].w.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        assert!(max <= 0.23355 && max > 0.22, "output max {max}");
        let idnns = Network::new(
            400,
            &[100],
            10,
            Activation::Relu,
            Output::Softmax,
            &mut Rng::for_stream(2, Stream::Init),
        );
        assert!((sample_std(&idnns.layers[0].w) - 0.0440).abs() < 0.001);
    }
}
