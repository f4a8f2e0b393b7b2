//! A fully connected network in f32 with IDNNs' initialisation, and the
//! kernels that run it: forward passes over many rows and the gradient of
//! the mean loss over a batch.
//!
//! Samples are processed in blocks of 64 side by side (one `[f32; 64]` per
//! unit), by kernels written on the portable [`Simd`] vectors of
//! [`crate::simd`]: element-wise IEEE operations only, sums over inputs in
//! input order, so every path (scalar, SSE2, wasm simd128, AVX2) gives the
//! same bits. Which path runs, and the register tiling it uses, never
//! changes a result:
//!
//! * forward: `z_j = Σ_i w_ji a_i` from 0 in input order, then `+ b_j`,
//!   then the nonlinearity; 8-lane builds take tiles of 4 units over
//!   pre-splatted weights, 4-lane builds (wasm) one unit over half a block;
//! * backward: `δ_i = (Σ_j w_ji δ_j) · f'(a_i)`, the sum from 0 in unit
//!   order;
//! * weight gradients: 8 lane accumulators per weight, lane l summing
//!   `δ_j a_i` over the samples ≡ l (mod 8) of each block in order, reduced
//!   once per batch by the fixed tree of [`crate::simd::sum8`].
//!
//! In wasm the per-layer kernels (`dense`, `backward`, `outer`, `load`,
//! `forward_block`) stay out of line: V8 compiles one function holding
//! them all (as natively inlined) about a quarter slower than the five
//! apart (idnns-default's training in node's V8: 3.75 s against 2.9 s).
//! Natively they are inlined into the AVX2 function, which gives them
//! their target features.
//!
//! # Noisy networks
//!
//! With a [`Noise`] (Goldfeld et al., ICML 2019, "Estimating Information
//! Flow in Deep Neural Networks": T_l = S_l + Z_l, S_l =
//! f(W_l T_{l-1} + b_l), Z_l ~ N(0, β² I) independent of everything else),
//! each hidden layer's output gets Gaussian noise after its nonlinearity;
//! the output layer (logits, softmax or sigmoid) gets none. (The paper's
//! full text was not reachable from this project's search tool, only its
//! abstract: the definition is as the paper gives it to this author's
//! knowledge; the noiseless output layer follows the brief.) Per block of
//! rows, layer by layer from the input, unit by unit, then row by row (the
//! block's valid rows only), each value is drawn as β·N(0, 1) in f64
//! ([`Rng::normal_pair`], both values of a pair used in turn), rounded to
//! f32 and added to the f32 output: T = S + (f32)(β·N). Backward, f' is
//! taken of the noiseless output S (tanh' = 1 − S², not 1 − T²), since
//! T = f(z) + Z with Z constant given the draws; the next layer's weight
//! gradient uses T, the input that layer saw. With no noise nothing is
//! drawn and every result is that of the noiseless kernels.

use crate::data::Dataset;
use crate::math;
use crate::rng::Rng;
#[cfg(target_arch = "x86_64")]
use crate::simd::Avx8;
#[cfg(any(test, target_arch = "x86_64"))]
use crate::simd::Path;
#[cfg(test)]
use crate::simd::Scalar4;
use crate::simd::{self, F32x4, Simd};

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

/// Gaussian noise for one pass of a noisy network (see the module notes):
/// standard deviation `std` (β), draws from `rng` in the documented order.
#[derive(Clone, Debug)]
pub struct Noise {
    std: f64,
    rng: Rng,
    /// The second value of the last pair, not yet used.
    spare: Option<f64>,
}

impl Noise {
    /// Noise of standard deviation `std` drawn from `rng`.
    pub fn new(std: f64, rng: Rng) -> Self {
        Noise {
            std,
            rng,
            spare: None,
        }
    }

    /// Keeps each unit's noiseless block in `clean` and adds a draw to
    /// each of its first `n` values, unit by unit, then row by row. Out of
    /// line: every kernel instantiation calls this one copy.
    #[inline(never)]
    fn add_to(&mut self, out: &mut [Block], clean: &mut [Block], n: usize) {
        for (o, c) in out.iter_mut().zip(clean) {
            *c = *o;
            for v in &mut o[..n.min(BLOCK)] {
                *v += self.draw();
            }
        }
    }

    /// The next value: β·N(0, 1) in f64 rounded to f32.
    #[inline]
    fn draw(&mut self) -> f32 {
        let z = match self.spare.take() {
            Some(z) => z,
            None => {
                let (a, b) = self.rng.normal_pair();
                self.spare = Some(b);
                a
            }
        };
        (self.std * z) as f32
    }
}

/// Samples per block: the lanes processed side by side.
pub(crate) const BLOCK: usize = 64;
/// Lanes per kernel vector, and per weight-gradient accumulator.
pub(crate) const W: usize = 8;
/// Inputs up to which `Workspace::load` copies rows by a fixed-size window.
pub(crate) const FAST_INPUTS: usize = 16;
/// Units per tile in the forward and backward kernels.
const TILE: usize = 4;

/// One unit's values over a block of samples (lane = sample), aligned so
/// that no vector load straddles two cache lines: natively on a line of its
/// own (AVX2's 32-byte loads from glibc's 16-byte-aligned blocks straddled
/// half the time: 6 % of idnns-default); in wasm on 16 bytes, where the
/// allocator gives 8 (a quarter of the loads straddled: 3 %), and no more,
/// since 32 or 64 made Chromium's run 8 % slower instead.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", repr(C, align(16)))]
#[cfg_attr(not(target_arch = "wasm32"), repr(C, align(64)))]
struct Block([f32; BLOCK]);

/// One weight's (or bias's) lane accumulators, aligned as [`Block`] (a
/// whole vector of 8 lanes natively).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "wasm32", repr(C, align(16)))]
#[cfg_attr(not(target_arch = "wasm32"), repr(C, align(32)))]
struct Acc([f32; W]);

/// Deref to the plain array, so that the kernels index lanes as arrays.
macro_rules! lanes {
    ($t:ident, $n:expr) => {
        impl $t {
            const ZERO: $t = $t([0.0; $n]);
        }
        impl std::ops::Deref for $t {
            type Target = [f32; $n];
            #[inline(always)]
            fn deref(&self) -> &[f32; $n] {
                &self.0
            }
        }
        impl std::ops::DerefMut for $t {
            #[inline(always)]
            fn deref_mut(&mut self) -> &mut [f32; $n] {
                &mut self.0
            }
        }
    };
}
lanes!(Block, BLOCK);
lanes!(Acc, W);

/// A nonlinearity as the kernels see it: a type per common case, so the
/// compiler specialises the kernels without a branch per vector.
trait Act: Copy {
    /// The nonlinearity on every lane.
    fn f<V: Simd>(self, z: V) -> V;
    /// The nonlinearity on several vectors at once.
    #[inline(always)]
    fn f_n<V: Simd, const N: usize>(self, z: [V; N]) -> [V; N] {
        z.map(|v| self.f(v))
    }
    /// `d` times the derivative, written in terms of the output `a`
    /// (tanh' = 1 - a², sigmoid' = a(1 - a), relu' = [a > 0]).
    fn df<V: Simd>(self, a: V, d: V) -> V;
}

#[derive(Clone, Copy)]
struct TanhAct;
#[derive(Clone, Copy)]
struct ReluAct;
/// Any [`Activation`], chosen per vector (the rarer ones).
#[derive(Clone, Copy)]
struct AnyAct(Activation);

impl Act for TanhAct {
    #[inline(always)]
    fn f<V: Simd>(self, z: V) -> V {
        math::tanh_v(z)
    }
    #[inline(always)]
    fn f_n<V: Simd, const N: usize>(self, z: [V; N]) -> [V; N] {
        math::tanh_n(z)
    }
    #[inline(always)]
    fn df<V: Simd>(self, a: V, d: V) -> V {
        d * (V::splat(1.0) - a * a)
    }
}

impl Act for ReluAct {
    #[inline(always)]
    fn f<V: Simd>(self, z: V) -> V {
        z.gt(V::splat(0.0)).select(z, V::splat(0.0))
    }
    #[inline(always)]
    fn df<V: Simd>(self, a: V, d: V) -> V {
        a.gt(V::splat(0.0)).select(d, V::splat(0.0))
    }
}

impl Act for AnyAct {
    #[inline(always)]
    fn f<V: Simd>(self, z: V) -> V {
        match self.0 {
            Activation::Tanh => TanhAct.f(z),
            Activation::Relu => ReluAct.f(z),
            Activation::Linear => z,
            Activation::Sigmoid => math::sigmoid_v(z),
        }
    }
    #[inline(always)]
    fn df<V: Simd>(self, a: V, d: V) -> V {
        match self.0 {
            Activation::Tanh => TanhAct.df(a, d),
            Activation::Relu => ReluAct.df(a, d),
            Activation::Linear => d,
            Activation::Sigmoid => d * (a * (V::splat(1.0) - a)),
        }
    }
}

/// The identity (the output layer's logits).
#[derive(Clone, Copy)]
struct Identity;

impl Act for Identity {
    #[inline(always)]
    fn f<V: Simd>(self, z: V) -> V {
        z
    }
    #[inline(always)]
    fn df<V: Simd>(self, _a: V, d: V) -> V {
        d
    }
}

/// Runs `$f::<.., R>(args)` for the remainder size `$r` (1 to 3; 0: nothing).
macro_rules! remainder {
    ($r:expr, $f:ident::<$($g:ty),*>($($a:expr),*)) => {
        match $r {
            1 => $f::<$($g),*, 1>($($a),*),
            2 => $f::<$($g),*, 2>($($a),*),
            3 => $f::<$($g),*, 3>($($a),*),
            _ => {}
        }
    };
}

/// Splits `x` into the part made of whole tiles of `t` units and the
/// remainder, each unit being `per` elements; returns (tiles, remainder).
#[inline(always)]
fn split_tiles<T>(x: &[T], units: usize, t: usize, per: usize) -> (&[T], &[T]) {
    x.split_at((units / t * t * per).min(x.len()))
}

#[inline(always)]
fn split_tiles_mut<T>(x: &mut [T], units: usize, t: usize, per: usize) -> (&mut [T], &mut [T]) {
    let at = (units / t * t * per).min(x.len());
    x.split_at_mut(at)
}

/// A weight as the tiled kernels read it (broadcast to every lane at use:
/// one load either way, and an eighth of the memory of a stored splat).
type Splat = f32;

/// Weights of one layer rearranged for the kernels (refreshed per call).
#[derive(Clone, Debug, Default)]
struct Packed {
    /// Forward tiles over units: for the tile of units j0..j0+T (stored
    /// from `j0 * n_in`), `w[j0 + t][i]` at `i * T + t`.
    fwd: Vec<Splat>,
    /// Backward tiles over inputs: for the tile of inputs i0..i0+T (stored
    /// from `i0 * n_out`), `w[j][i0 + t]` at `j * T + t`.
    bwd: Vec<Splat>,
}

/// Start and size of each tile of `n` units (whole tiles, then the rest),
/// in the order the kernels' slices take them.
fn tiles(n: usize) -> impl Iterator<Item = (usize, usize)> {
    let full = n / TILE * TILE;
    (0..full)
        .step_by(TILE)
        .map(|s| (s, TILE))
        .chain((full < n).then_some((full, n - full)))
}

impl Packed {
    fn pack(&mut self, l: &Layer) {
        let (n_in, n_out) = (l.n_in, l.n_out);
        self.fwd.resize(l.w.len(), 0.0);
        self.bwd.resize(l.w.len(), 0.0);
        for (j0, t) in tiles(n_out) {
            let dst = self.fwd[j0 * n_in..].chunks_exact_mut(t.max(1));
            for (i, d) in dst.take(n_in).enumerate() {
                for (k, v) in d.iter_mut().enumerate() {
                    *v = l.w[(j0 + k) * n_in + i];
                }
            }
        }
        for (i0, t) in tiles(n_in) {
            let dst = self.bwd[i0 * n_out..].chunks_exact_mut(t.max(1));
            for (row, d) in l.w.chunks_exact(n_in.max(1)).zip(dst) {
                for (v, &w) in d.iter_mut().zip(&row[i0..]) {
                    *v = w;
                }
            }
        }
    }
}

/// `out[j] = f(Σ_i w[j][i] a[i] + b[j])` on every lane: the sum from 0 in
/// input order, then the bias (the order of the scalar definition).
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn dense<V: Simd, A: Act>(act: A, layer: &Layer, fwd: &[Splat], prev: &[Block], out: &mut [Block]) {
    let (n_in, b) = (layer.n_in, &layer.b[..]);
    let prev = &prev[..n_in.min(prev.len())];
    if V::LANES < 8 {
        // 4-lane targets: a unit at a time over a quarter of a block, whose
        // 4 accumulators V8 keeps in registers (8, half a block, spilled:
        // 3 % slower in node's V8).
        return dense_rows::<V, A, { BLOCK / 16 }>(act, &layer.w, b, prev, out);
    }
    let n_out = out.len();
    let (w4, wr) = split_tiles(fwd, n_out, TILE, n_in);
    let (b4, br) = split_tiles(b, n_out, TILE, 1);
    let (o4, or) = split_tiles_mut(out, n_out, TILE, 1);
    dense_tiles::<V, A, TILE>(act, n_in, w4, b4, prev, o4);
    remainder!(or.len(), dense_tiles::<V, A>(act, n_in, wr, br, prev, or));
}

/// [`dense`] one unit at a time, S vectors of samples per step, weights
/// from the row-major matrix.
#[inline(always)]
fn dense_rows<V: Simd, A: Act, const S: usize>(
    act: A,
    w: &[f32],
    b: &[f32],
    prev: &[Block],
    out: &mut [Block],
) {
    let n_in = prev.len();
    for ((o, wr), &bj) in out.iter_mut().zip(w.chunks_exact(n_in.max(1))).zip(b) {
        for at in (0..BLOCK).step_by(S * V::LANES) {
            let mut acc = [V::splat(0.0); S];
            for (a, &wi) in prev.iter().zip(wr) {
                let wv = V::splat(wi);
                for (k, acc) in acc.iter_mut().enumerate() {
                    *acc = *acc + wv * V::load(&a[at + k * V::LANES..]);
                }
            }
            // One vector at a time: fewer live values for the wasm engine's
            // register allocator.
            for (k, acc) in acc.iter().enumerate() {
                act.f(*acc + V::splat(bj))
                    .store(&mut o[at + k * V::LANES..]);
            }
        }
    }
}

/// [`dense`] over consecutive tiles of T units (each input vector loaded
/// once for T accumulators).
#[inline(always)]
fn dense_tiles<V: Simd, A: Act, const T: usize>(
    act: A,
    n_in: usize,
    fwd: &[Splat],
    b: &[f32],
    prev: &[Block],
    out: &mut [Block],
) {
    let tiles = out
        .as_chunks_mut::<T>()
        .0
        .iter_mut()
        .zip(fwd.chunks_exact((n_in * T).max(1)))
        .zip(b.as_chunks::<T>().0);
    for ((o, w), b) in tiles {
        let w = w.as_chunks::<T>().0;
        // Two vectors of samples at a time: twice the independent work
        // between dependent steps.
        for at in (0..BLOCK).step_by(2 * V::LANES) {
            let at2 = at + V::LANES;
            let mut acc = [V::splat(0.0); T];
            let mut acc2 = [V::splat(0.0); T];
            for (a, w) in prev.iter().zip(w) {
                let (a1, a2) = (V::load(&a[at..]), V::load(&a[at2..]));
                for t in 0..T {
                    let wt = V::splat(w[t]);
                    acc[t] = acc[t] + wt * a1;
                    acc2[t] = acc2[t] + wt * a2;
                }
            }
            let z: [V; T] = std::array::from_fn(|t| acc[t] + V::splat(b[t]));
            let z2: [V; T] = std::array::from_fn(|t| acc2[t] + V::splat(b[t]));
            let y = act.f_n(z);
            let y2 = act.f_n(z2);
            for t in 0..T {
                y[t].store(&mut o[t][at..]);
                y2[t].store(&mut o[t][at2..]);
            }
        }
    }
}

/// `out[i] = (Σ_j w[j][i] d[j]) · f'(a[i])` on every lane (the sum from 0
/// in unit order): the deltas of the layer below.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn backward<V: Simd, A: Act>(
    act: A,
    layer: &Layer,
    bwd: &[Splat],
    d: &[Block],
    a: &[Block],
    out: &mut [Block],
) {
    let (n_in, n_out) = (a.len(), layer.n_out);
    let d = &d[..n_out.min(d.len())];
    let m = n_in.min(out.len());
    let out = &mut out[..m];
    if V::LANES < 8 {
        return backward_rows::<V, A, { BLOCK / 8 }>(act, &layer.w, d, a, out);
    }
    let (w4, wr) = split_tiles(bwd, n_in, TILE, n_out);
    let (a4, ar) = split_tiles(a, n_in, TILE, 1);
    let (o4, or) = split_tiles_mut(out, n_in, TILE, 1);
    backward_tiles::<V, A, TILE>(act, n_out, w4, d, a4, o4);
    remainder!(or.len(), backward_tiles::<V, A>(act, n_out, wr, d, ar, or));
}

/// [`backward`] one input at a time, S vectors of samples per step, weights
/// from the row-major matrix (4-lane targets, as [`dense_rows`]).
#[inline(always)]
fn backward_rows<V: Simd, A: Act, const S: usize>(
    act: A,
    w: &[f32],
    d: &[Block],
    a: &[Block],
    out: &mut [Block],
) {
    let n_in = a.len();
    for (i, (o, ai)) in out.iter_mut().zip(a).enumerate() {
        for at in (0..BLOCK).step_by(S * V::LANES) {
            let mut acc = [V::splat(0.0); S];
            for (wr, dj) in w.chunks_exact(n_in.max(1)).zip(d) {
                let wv = V::splat(wr[i]);
                for (k, acc) in acc.iter_mut().enumerate() {
                    *acc = *acc + wv * V::load(&dj[at + k * V::LANES..]);
                }
            }
            for (k, acc) in acc.iter().enumerate() {
                let at = at + k * V::LANES;
                act.df(V::load(&ai[at..]), *acc).store(&mut o[at..]);
            }
        }
    }
}

/// [`backward`] over consecutive tiles of T inputs.
#[inline(always)]
fn backward_tiles<V: Simd, A: Act, const T: usize>(
    act: A,
    n_out: usize,
    bwd: &[Splat],
    d: &[Block],
    a: &[Block],
    out: &mut [Block],
) {
    let tiles = out
        .as_chunks_mut::<T>()
        .0
        .iter_mut()
        .zip(a.as_chunks::<T>().0)
        .zip(bwd.chunks_exact((n_out * T).max(1)));
    for ((o, a), w) in tiles {
        let w = w.as_chunks::<T>().0;
        // Two vectors of samples at a time, as in `dense_tiles`.
        for at in (0..BLOCK).step_by(2 * V::LANES) {
            let at2 = at + V::LANES;
            let mut acc = [V::splat(0.0); T];
            let mut acc2 = [V::splat(0.0); T];
            for (dj, w) in d.iter().zip(w) {
                let (dv, dv2) = (V::load(&dj[at..]), V::load(&dj[at2..]));
                for t in 0..T {
                    let wt = V::splat(w[t]);
                    acc[t] = acc[t] + wt * dv;
                    acc2[t] = acc2[t] + wt * dv2;
                }
            }
            for t in 0..T {
                let (av, av2) = (V::load(&a[t][at..]), V::load(&a[t][at2..]));
                act.df(av, acc[t]).store(&mut o[t][at..]);
                act.df(av2, acc2[t]).store(&mut o[t][at2..]);
            }
        }
    }
}

/// `g[j][i] += d[j] · a[i]` lane-wise, the block's vectors added in order:
/// lane l of weight (j, i) sums d·a over the samples ≡ l (mod 8), in order.
/// On 8-lane builds two units j at a time (each input vector then serves
/// two accumulators); tiles never change a result.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn outer<V: Simd>(n_in: usize, g: &mut [Acc], d: &[Block], a: &[Block]) {
    let a = &a[..n_in.min(a.len())];
    let n = n_in.max(1);
    let mut d = d;
    let mut g = g;
    // 8-lane builds only: the 4-lane kernels (wasm) gain nothing from it
    // and it would cost the worker's download.
    if V::LANES >= 8 {
        // Whole pairs of rows that have their deltas (all rows, as called).
        let pairs = (g.len() / (2 * n)).min(d.len() / 2);
        let (g2, g_rest) = g.split_at_mut(pairs * 2 * n);
        let (d2, d_rest) = d.split_at(pairs * 2);
        for (gg, dd) in g2.chunks_exact_mut(2 * n).zip(d2.as_chunks::<2>().0) {
            let (g0, g1) = gg.split_at_mut(n);
            outer_pair::<V>(g0, g1, dd, a);
        }
        (g, d) = (g_rest, d_rest);
    }
    for (grow, dj) in g.chunks_exact_mut(n).zip(d) {
        if V::REGISTERS >= 16 {
            outer_row::<V, 4>(grow, dj, a);
        } else {
            outer_row::<V, 2>(grow, dj, a);
        }
    }
}

#[inline(always)]
fn outer_pair<V: Simd>(g0: &mut [Acc], g1: &mut [Acc], d: &[Block; 2], a: &[Block]) {
    let n = g0.len();
    let (g04, g0r) = split_tiles_mut(g0, n, 4, 1);
    let (g14, g1r) = split_tiles_mut(g1, n, 4, 1);
    let (a4, ar) = split_tiles(a, n, 4, 1);
    outer_tiles2::<V, 4>(g04, g14, d, a4);
    remainder!(g0r.len(), outer_tiles2::<V>(g0r, g1r, d, ar));
}

/// [`outer_tiles`] for two units j (rows `g0`, `g1`, deltas `d[0]`, `d[1]`).
#[inline(always)]
fn outer_tiles2<V: Simd, const I: usize>(
    g0: &mut [Acc],
    g1: &mut [Acc],
    d: &[Block; 2],
    a: &[Block],
) {
    let tiles = g0
        .as_chunks_mut::<I>()
        .0
        .iter_mut()
        .zip(g1.as_chunks_mut::<I>().0)
        .zip(a.as_chunks::<I>().0);
    for ((g0, g1), a) in tiles {
        for h in (0..W).step_by(V::LANES) {
            let mut acc0: [V; I] = std::array::from_fn(|i| V::load(&g0[i][h..]));
            let mut acc1: [V; I] = std::array::from_fn(|i| V::load(&g1[i][h..]));
            for c in (h..BLOCK).step_by(W) {
                let d0 = V::load(&d[0][c..]);
                let d1 = V::load(&d[1][c..]);
                for i in 0..I {
                    let ai = V::load(&a[i][c..]);
                    acc0[i] = acc0[i] + d0 * ai;
                    acc1[i] = acc1[i] + d1 * ai;
                }
            }
            for i in 0..I {
                acc0[i].store(&mut g0[i][h..]);
                acc1[i].store(&mut g1[i][h..]);
            }
        }
    }
}

#[inline(always)]
fn outer_row<V: Simd, const I: usize>(g: &mut [Acc], dj: &Block, a: &[Block]) {
    let n = g.len();
    let (g4, gr) = split_tiles_mut(g, n, I, 1);
    let (a4, ar) = split_tiles(a, n, I, 1);
    outer_tiles::<V, I>(g4, dj, a4);
    remainder!(gr.len(), outer_tiles::<V>(gr, dj, ar));
}

#[inline(always)]
fn outer_tiles<V: Simd, const I: usize>(g: &mut [Acc], dj: &Block, a: &[Block]) {
    for (g, a) in g
        .as_chunks_mut::<I>()
        .0
        .iter_mut()
        .zip(a.as_chunks::<I>().0)
    {
        // Each vector-wide part of the accumulators (lanes h..h + LANES).
        for h in (0..W).step_by(V::LANES) {
            if V::LANES < 8 {
                // 4-lane targets (wasm): the deltas' vectors once, then one
                // accumulator at a time, ~11 live vectors. Interleaved,
                // LLVM loaded all 40 vectors before the first addition and
                // V8, which keeps the order it is given, spilled most of
                // them to the stack (198 stack moves against 37 now; the
                // outer products a quarter faster in node's V8). The same
                // additions in the same order either way.
                let dv: [V; BLOCK / W] = std::array::from_fn(|s| V::load(&dj[h + s * W..]));
                for i in 0..I {
                    let mut acc = V::load(&g[i][h..]);
                    for (s, &d) in dv.iter().enumerate() {
                        acc = acc + d * V::load(&a[i][h + s * W..]);
                    }
                    acc.store(&mut g[i][h..]);
                }
                continue;
            }
            let mut acc: [V; I] = std::array::from_fn(|i| V::load(&g[i][h..]));
            for c in (h..BLOCK).step_by(W) {
                let d = V::load(&dj[c..]);
                for i in 0..I {
                    acc[i] = acc[i] + d * V::load(&a[i][c..]);
                }
            }
            for i in 0..I {
                acc[i].store(&mut g[i][h..]);
            }
        }
    }
}

/// Copies `rows` (at most `BLOCK`) of `data` into the input blocks, lane c
/// = row c: a fixed window of `N` values per row, unrolled (the values past
/// the row's own features land in input blocks the first layer never
/// reads); rows too close to the end of the data copy their own features
/// only.
#[inline(always)]
fn gather<const N: usize>(blocks: &mut [Block; FAST_INPUTS], rows: &[u32], data: &Dataset) {
    let (x, nf) = (data.x(), data.n_features());
    for (c, &r) in rows.iter().enumerate() {
        let c = c & (BLOCK - 1);
        match x.get(r as usize * nf..).and_then(|t| t.first_chunk::<N>()) {
            Some(w) => {
                for f in 0..N {
                    blocks[f][c] = w[f];
                }
            }
            None => {
                for (b, &v) in blocks.iter_mut().zip(data.row(r as usize)) {
                    b[c] = v;
                }
            }
        }
    }
}

/// Per-sample loss and prediction of one block, computed from the logits.
#[derive(Clone, Copy, Debug)]
struct BlockOutcome {
    loss: [f64; BLOCK],
    correct: [bool; BLOCK],
}

impl Default for BlockOutcome {
    fn default() -> Self {
        BlockOutcome {
            loss: [0.0; BLOCK],
            correct: [false; BLOCK],
        }
    }
}

/// Runs `$self.$imp::<V, A>(args)` with V the vector type of the current
/// [`Path`] and A the network's activation (AVX2 through `$avx`, a function
/// compiled for it).
macro_rules! dispatch {
    ($self:ident, $net:ident, $imp:ident, $avx:ident, ($($a:expr),*)) => {
        match simd::current_path() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `current_path` picks AVX2 only when the CPU has it.
            Path::Avx2 => unsafe { $self.$avx($net, $($a),*) },
            #[cfg(test)]
            Path::Scalar => match $net.activation {
                Activation::Tanh => $self.$imp::<Scalar4, _>(TanhAct, $net, $($a),*),
                Activation::Relu => $self.$imp::<Scalar4, _>(ReluAct, $net, $($a),*),
                a => $self.$imp::<Scalar4, _>(AnyAct(a), $net, $($a),*),
            },
            _ => match $net.activation {
                Activation::Tanh => $self.$imp::<F32x4, _>(TanhAct, $net, $($a),*),
                Activation::Relu => $self.$imp::<F32x4, _>(ReluAct, $net, $($a),*),
                a => $self.$imp::<F32x4, _>(AnyAct(a), $net, $($a),*),
            },
        }
    };
}

/// Scratch memory for running one network shape; reuse it across batches so
/// the hot loops never allocate.
///
/// See the module notes for the kernels and their order of operations.
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
    gw: Vec<Vec<Acc>>,
    gb: Vec<Vec<Acc>>,
    mask: Block,
    target: Vec<Block>,
    packed: Vec<Packed>,
    /// With noise: each hidden layer's noiseless output S (same offsets as
    /// `acts`, which then holds T = S + Z).
    clean: Vec<Block>,
    /// When set, forward passes over rows keep each row's (loss, correct)
    /// in `row_outcomes` (see [`Workspace::keep_row_outcomes`]).
    keep_outcomes: bool,
    row_outcomes: Vec<(f64, bool)>,
    cache: BlockCache,
}

/// Most values [`BlockCache`] holds (8 MB): IDNNs' var_u training rows need
/// 0.2 MB; a larger set's first blocks are cached, the rest gathered.
pub const BLOCK_CACHE_FLOATS: usize = 1 << 21;

/// Loaded blocks by their rows, for batches that repeat every epoch (fixed
/// batch order): a block's inputs, targets and mask are copied back, a
/// few contiguous copies instead of a gather of every row's features.
#[derive(Clone, Debug, Default)]
struct BlockCache {
    on: bool,
    /// The address of the data set the blocks hold (a new one clears them).
    data: usize,
    /// (first row, rows) → index in `blocks`.
    index: std::collections::BTreeMap<(u32, u32), usize>,
    /// Each block's rows, then its input blocks, target blocks and mask.
    blocks: Vec<(Vec<u32>, Vec<Block>)>,
    floats: usize,
}

impl Workspace {
    /// Scratch for `net`'s shape.
    pub fn new(net: &Network) -> Self {
        let mut offsets = vec![0];
        // Room for the fast input copy of `load`.
        let mut total = if net.n_in() <= FAST_INPUTS {
            FAST_INPUTS
        } else {
            net.n_in()
        };
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
            acts: vec![Block::ZERO; total],
            logits: vec![Block::ZERO; n_out],
            delta: vec![Block::ZERO; max_w],
            delta_prev: vec![Block::ZERO; max_w],
            gw: net
                .layers
                .iter()
                .map(|l| vec![Acc::ZERO; l.w.len()])
                .collect(),
            gb: net
                .layers
                .iter()
                .map(|l| vec![Acc::ZERO; l.n_out])
                .collect(),
            mask: Block::ZERO,
            target: vec![Block::ZERO; n_out],
            packed: vec![Packed::default(); net.layers.len()],
            clean: vec![Block::ZERO; total],
            keep_outcomes: false,
            row_outcomes: Vec::new(),
            cache: BlockCache::default(),
        }
    }

    /// Keeps the blocks that gradient passes load (up to
    /// [`BLOCK_CACHE_FLOATS`] values) and copies them back when the same
    /// rows come again: for fixed batch orders, where every epoch loads the
    /// same blocks. Results are the same either way.
    pub fn cache_blocks(&mut self, on: bool) {
        self.cache = BlockCache {
            on,
            ..BlockCache::default()
        };
    }

    /// [`Workspace::load`] through the block cache, when it is on.
    fn load_cached(&mut self, net: &Network, data: &Dataset, rows: &[u32]) {
        if !self.cache.on {
            return self.load(net, data, rows);
        }
        let rows = &rows[..rows.len().min(BLOCK)];
        let (nf, k) = (data.n_features(), self.target.len());
        let id = data as *const Dataset as usize;
        if self.cache.data != id {
            self.cache_blocks(true);
            self.cache.data = id;
        }
        let key = (rows.first().copied().unwrap_or(0), rows.len() as u32);
        if let Some(&i) = self.cache.index.get(&key) {
            let (cached_rows, b) = &self.cache.blocks[i];
            if cached_rows == rows {
                self.acts[..nf].copy_from_slice(&b[..nf]);
                self.target.copy_from_slice(&b[nf..nf + k]);
                self.mask = b[nf + k];
                return;
            }
        }
        self.load(net, data, rows);
        let floats = (nf + k + 1) * BLOCK;
        if !self.cache.index.contains_key(&key) && self.cache.floats + floats <= BLOCK_CACHE_FLOATS
        {
            let mut b = Vec::with_capacity(nf + k + 1);
            b.extend_from_slice(&self.acts[..nf]);
            b.extend_from_slice(&self.target);
            b.push(self.mask);
            self.cache.index.insert(key, self.cache.blocks.len());
            self.cache.blocks.push((rows.to_vec(), b));
            self.cache.floats += floats;
        }
    }

    /// From now on, [`Workspace::forward_rows`] (and its noisy form) also
    /// keeps each row's loss and correctness, in row order, for
    /// [`Workspace::take_row_outcomes`]; `false` stops it.
    pub fn keep_row_outcomes(&mut self, on: bool) {
        self.keep_outcomes = on;
    }

    /// Takes each row's (loss, correct) from the last forward pass over rows
    /// while [`Workspace::keep_row_outcomes`] was on (empty otherwise): the
    /// terms whose sums in row order are that pass's mean loss and accuracy.
    pub fn take_row_outcomes(&mut self) -> Vec<(f64, bool)> {
        std::mem::take(&mut self.row_outcomes)
    }

    fn pack(&mut self, net: &Network) {
        for (p, l) in self.packed.iter_mut().zip(&net.layers) {
            p.pack(l);
        }
    }

    /// Loads up to `BLOCK` rows into the input block (missing lanes are zero
    /// and masked out) and their one-hot targets.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn load(&mut self, net: &Network, data: &Dataset, rows: &[u32]) {
        let nf = data.n_features();
        let rows = &rows[..rows.len().min(BLOCK)];
        if rows.len() < BLOCK {
            self.acts[..nf].iter_mut().for_each(|b| *b = Block::ZERO);
        }
        // Up to FAST_INPUTS features: a fixed window per row ([`gather`]),
        // the features rounded up to 4.
        let (head, _) = self.acts.split_at_mut(self.offsets[1]);
        match head.first_chunk_mut::<FAST_INPUTS>() {
            Some(blocks) if nf <= 4 => gather::<4>(blocks, rows, data),
            Some(blocks) if nf <= 8 => gather::<8>(blocks, rows, data),
            Some(blocks) if nf <= 12 => gather::<12>(blocks, rows, data),
            Some(blocks) if nf <= FAST_INPUTS => gather::<FAST_INPUTS>(blocks, rows, data),
            _ => {
                for (c, &r) in rows.iter().enumerate() {
                    for (b, &v) in head.iter_mut().zip(data.row(r as usize)) {
                        b[c] = v;
                    }
                }
            }
        }
        let n = rows.len();
        self.mask[..n].fill(1.0);
        self.mask[n..].fill(0.0);
        for t in &mut self.target {
            *t = Block::ZERO;
        }
        for (c, &r) in rows.iter().enumerate() {
            let y = data.y()[r as usize] as usize;
            match net.output {
                Output::Softmax => self.target[y][c] = 1.0,
                Output::Sigmoid => self.target[0][c] = y as f32,
            }
        }
    }

    /// Forward pass of the loaded block (`n` valid rows) through every
    /// layer (weights from `self.packed`), with `noise` on the hidden layers.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn forward_block<V: Simd, A: Act>(
        &mut self,
        act: A,
        net: &Network,
        mut noise: Option<&mut Noise>,
        n: usize,
    ) {
        let last = net.layers.len() - 1;
        for (l, (layer, p)) in net.layers.iter().zip(&self.packed).enumerate() {
            let (prev, rest) = self.acts.split_at_mut(self.offsets[l + 1]);
            let prev = &prev[self.offsets[l]..];
            if l < last {
                let out = &mut rest[..layer.n_out];
                dense::<V, A>(act, layer, &p.fwd, prev, out);
                if let Some(nz) = noise.as_deref_mut() {
                    nz.add_to(out, &mut self.clean[self.offsets[l + 1]..], n);
                }
            } else {
                let out = &mut self.logits[..layer.n_out];
                dense::<V, Identity>(Identity, layer, &p.fwd, prev, out);
            }
        }
        // Output nonlinearity, per lane over the output units.
        let off = self.offsets[last + 1];
        let k = net.layers[last].n_out;
        let probs = &mut self.acts[off..off + k];
        let logits = &self.logits[..k];
        for at in (0..BLOCK).step_by(V::LANES) {
            match net.output {
                Output::Sigmoid => {
                    math::sigmoid_v(V::load(&logits[0][at..])).store(&mut probs[0][at..])
                }
                Output::Softmax => {
                    let mut max = V::load(&logits[0][at..]);
                    for z in &logits[1..] {
                        max = V::load(&z[at..]).max_sel(max);
                    }
                    let mut sum = V::splat(0.0);
                    for (z, p) in logits.iter().zip(probs.iter_mut()) {
                        let e = math::exp_v(V::load(&z[at..]) - max);
                        sum = sum + e;
                        e.store(&mut p[at..]);
                    }
                    for p in probs.iter_mut() {
                        (V::load(&p[at..]) / sum).store(&mut p[at..]);
                    }
                }
            }
        }
    }

    /// Loss (natural log, f64) and correctness of each lane of the block.
    fn outcome(&self, net: &Network, n: usize) -> BlockOutcome {
        let mut o = BlockOutcome::default();
        let k = self.logits.len();
        for c in 0..n.min(BLOCK) {
            match net.output {
                Output::Softmax => {
                    let z = |u: usize| f64::from(self.logits[u][c]);
                    let max = (0..k).map(z).fold(f64::NEG_INFINITY, f64::max);
                    // exp(0) = 1 exactly: the maximal units need no call.
                    let e = |u: usize| {
                        let x = z(u) - max;
                        if x == 0.0 {
                            1.0
                        } else {
                            libm::exp(x)
                        }
                    };
                    let lse = max + math::ln((0..k).map(e).sum::<f64>());
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
        self.gradient_with_noise(net, data, rows, out, None)
    }

    /// [`Workspace::gradient`] of the noisy network: `noise` (if any) on
    /// every hidden layer's output (see the module notes).
    pub fn gradient_with_noise(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        out: &mut Gradients,
        noise: Option<&mut Noise>,
    ) {
        dispatch!(
            self,
            net,
            gradient_impl,
            gradient_avx2,
            (data, rows, out, noise)
        )
    }

    /// The kernels on [`Avx8`] vectors, compiled for AVX2 (no FMA): the
    /// same element-wise operations as the other paths, hence the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn gradient_avx2(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        out: &mut Gradients,
        noise: Option<&mut Noise>,
    ) {
        match net.activation {
            Activation::Tanh => self.gradient_impl::<Avx8, _>(TanhAct, net, data, rows, out, noise),
            Activation::Relu => self.gradient_impl::<Avx8, _>(ReluAct, net, data, rows, out, noise),
            a => self.gradient_impl::<Avx8, _>(AnyAct(a), net, data, rows, out, noise),
        }
    }

    #[inline(always)]
    fn gradient_impl<V: Simd, A: Act>(
        &mut self,
        act: A,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        out: &mut Gradients,
        mut noise: Option<&mut Noise>,
    ) {
        let noisy = noise.is_some();
        if V::LANES >= 8 {
            // The 4-lane kernels read the weights as they are.
            self.pack(net);
        }
        for (gw, gb) in self.gw.iter_mut().zip(&mut self.gb) {
            gw.iter_mut().for_each(|b| *b = Acc::ZERO);
            gb.iter_mut().for_each(|b| *b = Acc::ZERO);
        }
        let last = net.layers.len() - 1;
        for chunk in rows.chunks(BLOCK) {
            self.load_cached(net, data, chunk);
            self.forward_block::<V, A>(act, net, noise.as_deref_mut(), chunk.len());
            // Output delta: softmax + cross-entropy and sigmoid + BCE both
            // give p - y per logit; padded lanes are masked to zero.
            let off = self.offsets[last + 1];
            let k = net.layers[last].n_out;
            for at in (0..BLOCK).step_by(V::LANES) {
                let m = V::load(&self.mask[at..]);
                for u in 0..k {
                    let p = V::load(&self.acts[off + u][at..]);
                    let t = V::load(&self.target[u][at..]);
                    ((p - t) * m).store(&mut self.delta[u][at..]);
                }
            }
            for l in (0..=last).rev() {
                let layer = &net.layers[l];
                let prev = &self.acts[self.offsets[l]..self.offsets[l] + layer.n_in];
                let d = &self.delta[..layer.n_out];
                for (g, dj) in self.gb[l].iter_mut().zip(d) {
                    for h in (0..W).step_by(V::LANES) {
                        let mut acc = V::load(&g[h..]);
                        for c in (h..BLOCK).step_by(W) {
                            acc = acc + V::load(&dj[c..]);
                        }
                        acc.store(&mut g[h..]);
                    }
                }
                outer::<V>(layer.n_in, &mut self.gw[l], d, prev);
                if l > 0 {
                    let bwd = &self.packed[l].bwd;
                    // f' of the noiseless output S (see the module notes).
                    let a = if noisy {
                        &self.clean[self.offsets[l]..self.offsets[l] + layer.n_in]
                    } else {
                        prev
                    };
                    backward::<V, A>(act, layer, bwd, d, a, &mut self.delta_prev);
                    std::mem::swap(&mut self.delta, &mut self.delta_prev);
                }
            }
        }
        // Mean over the batch, as TensorFlow's reduce_mean of the loss.
        let n = rows.len() as f32;
        for l in 0..net.layers.len() {
            for (o, g) in out.w[l].iter_mut().zip(&self.gw[l]) {
                *o = math::sum8(g) / n;
            }
            for (o, g) in out.b[l].iter_mut().zip(&self.gb[l]) {
                *o = math::sum8(g) / n;
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
        self.forward_rows_with_noise(net, data, rows, acts_out, None)
    }

    /// [`Workspace::forward_rows`] of the noisy network: each hidden
    /// layer's values written out are its noiseless output S_l, computed
    /// from the noisy outputs T_{l-1} = S_{l-1} + Z_{l-1} of the layer
    /// below (one draw per row and unit, see the module notes); the loss
    /// and accuracy are the noisy network's on those draws.
    pub fn forward_rows_with_noise(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        acts_out: &mut [Vec<f32>],
        noise: Option<&mut Noise>,
    ) -> (f64, f64) {
        self.forward_any(net, data, rows, Some(acts_out), noise)
    }

    /// The one compiled forward pass behind [`Workspace::forward_rows`]
    /// and [`Workspace::evaluate`] (and their noisy forms): out of line so
    /// that the kernels are not compiled twice, once per caller (in wasm
    /// that copy cost ~8 KB of the worker's gzipped download).
    #[inline(never)]
    fn forward_any(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        acts_out: Option<&mut [Vec<f32>]>,
        noise: Option<&mut Noise>,
    ) -> (f64, f64) {
        dispatch!(
            self,
            net,
            forward_rows_impl,
            forward_rows_avx2,
            (data, rows, acts_out, noise)
        )
    }

    /// Mean loss and accuracy over `rows` without keeping activations.
    pub fn evaluate(&mut self, net: &Network, data: &Dataset, rows: &[u32]) -> (f64, f64) {
        self.evaluate_with_noise(net, data, rows, None)
    }

    /// [`Workspace::evaluate`] of the noisy network (`noise` on every
    /// hidden layer's output).
    pub fn evaluate_with_noise(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        noise: Option<&mut Noise>,
    ) -> (f64, f64) {
        self.forward_any(net, data, rows, None, noise)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn forward_rows_avx2(
        &mut self,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        acts_out: Option<&mut [Vec<f32>]>,
        noise: Option<&mut Noise>,
    ) -> (f64, f64) {
        match net.activation {
            Activation::Tanh => {
                self.forward_rows_impl::<Avx8, _>(TanhAct, net, data, rows, acts_out, noise)
            }
            Activation::Relu => {
                self.forward_rows_impl::<Avx8, _>(ReluAct, net, data, rows, acts_out, noise)
            }
            a => self.forward_rows_impl::<Avx8, _>(AnyAct(a), net, data, rows, acts_out, noise),
        }
    }

    #[inline(always)]
    fn forward_rows_impl<V: Simd, A: Act>(
        &mut self,
        act: A,
        net: &Network,
        data: &Dataset,
        rows: &[u32],
        mut acts_out: Option<&mut [Vec<f32>]>,
        mut noise: Option<&mut Noise>,
    ) -> (f64, f64) {
        let noisy = noise.is_some();
        if V::LANES >= 8 {
            // The 4-lane kernels read the weights as they are.
            self.pack(net);
        }
        let n = rows.len();
        if let Some(out) = acts_out.as_deref_mut() {
            for (a, l) in out.iter_mut().zip(&net.layers) {
                a.clear();
                a.resize(n * l.n_out, 0.0);
            }
        }
        let mut loss = 0.0f64;
        let mut correct = 0usize;
        let keep = self.keep_outcomes && acts_out.is_some();
        self.row_outcomes.clear();
        for (bi, chunk) in rows.chunks(BLOCK).enumerate() {
            self.load(net, data, chunk);
            self.forward_block::<V, A>(act, net, noise.as_deref_mut(), chunk.len());
            let o = self.outcome(net, chunk.len());
            for c in 0..chunk.len() {
                loss += o.loss[c];
                correct += usize::from(o.correct[c]);
            }
            if keep {
                let it = o.loss.iter().zip(o.correct).take(chunk.len());
                self.row_outcomes.extend(it.map(|(&l, c)| (l, c)));
            }
            let Some(out) = acts_out.as_deref_mut() else {
                continue;
            };
            let last = net.layers.len() - 1;
            for (l, layer) in net.layers.iter().enumerate() {
                let w = layer.n_out;
                let off = self.offsets[l + 1];
                // Hidden layers of a noisy net: S_l, not S_l + Z_l.
                let src = if noisy && l < last {
                    &self.clean
                } else {
                    &self.acts
                };
                let dst = &mut out[l][bi * BLOCK * w..];
                for (c, row) in dst.chunks_exact_mut(w).take(chunk.len()).enumerate() {
                    for (u, v) in row.iter_mut().enumerate() {
                        *v = src[off + u][c];
                    }
                }
            }
        }
        if n == 0 {
            return (f64::NAN, f64::NAN);
        }
        (loss / n as f64, correct as f64 / n as f64)
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

    /// The noise a test pass draws (a fresh copy per pass: the same draws).
    fn test_noise(std: f64) -> Noise {
        Noise::new(std, Rng::for_stream(8, Stream::TrainNoise))
    }

    /// Central finite differences of the noisy network's loss with the
    /// noise held fixed (the same draws in every pass: given them, Z is an
    /// additive constant, so L(w) is differentiable and backprop must give
    /// its gradient: δ through f'(S), weight gradients from T = S + Z).
    fn check_noisy(act: Activation, out: Output, classes: usize) {
        // 100 rows: a full block and a partial one.
        let data = toy_data(100, 5, classes, 12);
        let mut rng = Rng::for_stream(6, Stream::Init);
        let net = Network::new(5, &[4, 3], classes, act, out, &mut rng);
        let mut ws = Workspace::new(&net);
        let rows: Vec<u32> = (0..data.len() as u32).collect();
        let std = 0.3;
        let mut g = Gradients::zeros_like(&net);
        ws.gradient_with_noise(&net, &data, &rows, &mut g, Some(&mut test_noise(std)));
        let mut clean = Gradients::zeros_like(&net);
        ws.gradient(&net, &data, &rows, &mut clean);
        let mut loss = |n: &Network| {
            ws.evaluate_with_noise(n, &data, &rows, Some(&mut test_noise(std)))
                .0
        };
        let h = 1e-4f32;
        let mut max_change = 0.0f64;
        for l in 0..net.layers.len() {
            let nw = net.layers[l].w.len();
            for k in 0..nw + net.layers[l].b.len() {
                let mut plus = net.clone();
                let mut minus = net.clone();
                *param_mut(&mut plus, l, k) += h;
                *param_mut(&mut minus, l, k) -= h;
                let fd = (loss(&plus) - loss(&minus)) / (2.0 * f64::from(h));
                let (an, an0) = if k < nw {
                    (g.w[l][k], clean.w[l][k])
                } else {
                    (g.b[l][k - nw], clean.b[l][k - nw])
                };
                let an = f64::from(an);
                max_change = max_change.max((an - f64::from(an0)).abs());
                assert!(
                    (fd - an).abs() <= 2e-3 + 2e-2 * an.abs(),
                    "noisy {act:?}/{out:?} layer {l} param {k}: finite difference {fd} vs analytic {an}"
                );
            }
        }
        // σ = 0.3 on units of size ≤ 1 moves the gradient well beyond the
        // tolerance: the check above could not pass with the noise ignored.
        assert!(
            max_change > 0.01,
            "{act:?}: noise barely changed the gradient ({max_change})"
        );
    }

    #[test]
    fn cached_blocks_give_the_same_gradients_and_follow_the_data_set() {
        // Fixed batches of 150 rows (two full blocks and a partial one),
        // over several "epochs", with and without the cache; then the same
        // rows of another data set (the cache must not serve the first's).
        let (a, b) = (toy_data(300, 7, 3, 5), toy_data(300, 7, 3, 6));
        let mut rng = Rng::for_stream(2, Stream::Init);
        let net = Network::new(7, &[5, 4], 3, Activation::Tanh, Output::Softmax, &mut rng);
        let rows: Vec<u32> = (0..300).collect();
        let (mut plain, mut cached) = (Workspace::new(&net), Workspace::new(&net));
        cached.cache_blocks(true);
        let (mut g1, mut g2) = (Gradients::zeros_like(&net), Gradients::zeros_like(&net));
        for data in [&a, &a, &a, &b, &a] {
            for batch in rows.chunks(150) {
                plain.gradient(&net, data, batch, &mut g1);
                cached.gradient(&net, data, batch, &mut g2);
                assert_eq!(format!("{g1:?}"), format!("{g2:?}"));
            }
        }
        // The last data set's two batches of 64 + 64 + 22 rows.
        assert_eq!(cached.cache.blocks.len(), 6);
        assert_eq!(cached.cache.floats, 6 * (7 + 3 + 1) * BLOCK);
    }

    #[test]
    fn noisy_gradients_match_finite_differences_with_fixed_noise() {
        check_noisy(Activation::Tanh, Output::Softmax, 3);
        check_noisy(Activation::Sigmoid, Output::Sigmoid, 2);
        check_noisy(Activation::Relu, Output::Softmax, 2);
    }

    #[test]
    fn noisy_forward_matches_a_scalar_reference_with_the_same_draws() {
        // Reference in f64: per layer, unit by unit, row by row, draws the
        // same values as the kernels (the module notes' order, one block of
        // 50 rows); it returns S_l for the hidden layers and the softmax.
        let data = toy_data(50, 4, 3, 21);
        let mut rng = Rng::for_stream(2, Stream::Init);
        let net = Network::new(4, &[5, 3], 3, Activation::Tanh, Output::Softmax, &mut rng);
        let rows: Vec<u32> = (0..50).collect();
        let std = 0.2;
        let mut nz = test_noise(std);
        let mut input: Vec<Vec<f64>> = (0..50)
            .map(|r| data.row(r).iter().map(|&v| f64::from(v)).collect())
            .collect();
        let mut want: Vec<Vec<f64>> = Vec::new();
        for (l, layer) in net.layers.iter().enumerate() {
            let z: Vec<Vec<f64>> = input
                .iter()
                .map(|a| {
                    (0..layer.n_out)
                        .map(|j| {
                            let w = &layer.w[j * layer.n_in..(j + 1) * layer.n_in];
                            w.iter()
                                .zip(a)
                                .map(|(&w, &a)| f64::from(w) * a)
                                .sum::<f64>()
                                + f64::from(layer.b[j])
                        })
                        .collect()
                })
                .collect();
            if l + 1 < net.layers.len() {
                let s: Vec<Vec<f64>> = z
                    .iter()
                    .map(|r| r.iter().map(|v| v.tanh()).collect())
                    .collect();
                let mut t = s.clone();
                for u in 0..layer.n_out {
                    for row in t.iter_mut() {
                        row[u] += f64::from(nz.draw());
                    }
                }
                want.push(s.into_iter().flatten().collect());
                input = t;
            } else {
                let p: Vec<f64> = z
                    .iter()
                    .flat_map(|r| {
                        let m = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        let e: Vec<f64> = r.iter().map(|v| (v - m).exp()).collect();
                        let s: f64 = e.iter().sum();
                        e.into_iter().map(move |v| v / s)
                    })
                    .collect();
                want.push(p);
            }
        }
        let mut ws = Workspace::new(&net);
        let mut acts = vec![Vec::new(); 3];
        ws.forward_rows_with_noise(&net, &data, &rows, &mut acts, Some(&mut test_noise(std)));
        for (l, (got, want)) in acts.iter().zip(&want).enumerate() {
            for (g, w) in got.iter().zip(want) {
                assert!((f64::from(*g) - w).abs() < 1e-5, "layer {l}: {g} vs {w}");
            }
        }
        // The noiseless pass differs from layer 2 on (its input carried noise)
        // but not in layer 1, whose input is the data.
        let mut plain = vec![Vec::new(); 3];
        ws.forward_rows(&net, &data, &rows, &mut plain);
        assert_eq!(plain[0], acts[0]);
        assert!(plain[1]
            .iter()
            .zip(&acts[1])
            .any(|(a, b)| (a - b).abs() > 0.01));
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

    /// Gradient, activations and loss of a small net under every kernel
    /// path: they must agree bit for bit (`Path::Avx2` falls back to
    /// `Base` on CPUs without AVX2).
    fn all_paths_agree(act: Activation, output: Output, classes: usize, rows: usize) {
        use crate::simd::force_path;
        let data = toy_data(rows, 7, classes, 9);
        let mut rng = Rng::for_stream(5, Stream::Init);
        let net = Network::new(7, &[9, 5, 3], classes, act, output, &mut rng);
        let rows: Vec<u32> = (0..rows as u32).collect();
        let run = |p: Path, std: f64| {
            force_path(Some(p));
            let mut ws = Workspace::new(&net);
            let mut g = Gradients::zeros_like(&net);
            let mut acts = vec![Vec::new(); net.layers.len()];
            let lo = if std > 0.0 {
                ws.gradient_with_noise(&net, &data, &rows, &mut g, Some(&mut test_noise(std)));
                ws.forward_rows_with_noise(
                    &net,
                    &data,
                    &rows,
                    &mut acts,
                    Some(&mut test_noise(std)),
                )
            } else {
                ws.gradient(&net, &data, &rows, &mut g);
                ws.forward_rows(&net, &data, &rows, &mut acts)
            };
            force_path(None);
            let bits = |v: &[Vec<f32>]| -> Vec<Vec<u32>> {
                v.iter()
                    .map(|x| x.iter().map(|f| f.to_bits()).collect())
                    .collect()
            };
            (
                bits(&g.w),
                bits(&g.b),
                bits(&acts),
                lo.0.to_bits(),
                lo.1.to_bits(),
            )
        };
        for std in [0.0, 0.1] {
            let scalar = run(Path::Scalar, std);
            assert_eq!(
                run(Path::Base, std),
                scalar,
                "{act:?}/{output:?} noise {std}: base vs scalar"
            );
            assert_eq!(
                run(Path::Avx2, std),
                scalar,
                "{act:?}/{output:?} noise {std}: avx2 vs scalar"
            );
        }
    }

    #[test]
    fn scalar_base_and_avx2_kernels_agree_bit_for_bit() {
        // 100 rows: three full blocks and a partial one; widths 9, 5, 3
        // exercise every tile remainder.
        all_paths_agree(Activation::Tanh, Output::Softmax, 3, 100);
        all_paths_agree(Activation::Relu, Output::Softmax, 4, 77);
        all_paths_agree(Activation::Sigmoid, Output::Sigmoid, 2, 64);
        all_paths_agree(Activation::Linear, Output::Softmax, 2, 5);
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
