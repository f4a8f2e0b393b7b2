//! Mutual-information estimators: pure functions of a layer's activations
//! (one row per input, one column per unit) and the inputs' labels. All
//! results are in bits.
//!
//! Every input row is its own X and T is a deterministic function of X, so
//! for the binning estimators I(X;T) = H(T) and
//! I(T;Y) = H(T) - Σ_y p(y) H(T | Y = y) (see [`discrete_mi`]); the KDE
//! estimators are the Kolchinsky & Tracey bounds used by Saxe et al. (see
//! [`kde_bounds`]). Goldfeld et al.'s noisy-network estimator
//! ([`noisy_mi`]) adds seeded Gaussian noise to the activations so that
//! I(X;T) is finite; the k-NN estimator ([`knn_mi`]) treats the rows as
//! samples of a continuous T and reports its differential entropy in place
//! of I(X;T), as Saxe et al.'s appendix does; [`class_clustering`] measures
//! the class clustering Goldfeld et al. relate compression to.
//!
//! Results are bit-identical on every target: all summation orders are fixed
//! by the code, unique patterns are counted by sorting (never by hash-map
//! order), logs come from `libm`, f32 exponentials from
//! [`crate::math::exp`], and random numbers from [`crate::rng`] seeded by
//! the caller. Native threads only split independent work.
//!
//! Bad input never panics. Empty or malformed layers (zero rows or width,
//! `data.len() != rows * width`, rows differing from `labels.len()`), labels
//! not below `n_classes`, invalid estimator parameters, and non-finite
//! activations (except in IDNNs-exact binning, which reproduces numpy's
//! handling of them) give NaN in the affected [`MiPair`]s.

mod binning;
mod clustering;
mod entropy;
mod exact;
mod kde;
mod knn;
mod noisy;
mod radix;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

pub use clustering::{class_clustering, Clustering};
pub use entropy::{discrete_mi, label_entropy};
pub use kde::{kde_bounds, kde_upper};
pub use knn::{digamma, knn_entropy, knn_mi, ksg_label_mi, ksg_mi};
pub use noisy::{noisy_mi, noisy_mi_cond};

use serde::{Deserialize, Serialize};

/// One layer's activations: row-major, `rows` × `width`.
#[derive(Clone, Copy, Debug)]
pub struct LayerView<'a> {
    /// Row `r` is `data[r * width..(r + 1) * width]`.
    pub data: &'a [f32],
    /// Number of inputs (rows).
    pub rows: usize,
    /// Number of units (columns).
    pub width: usize,
}

impl<'a> LayerView<'a> {
    /// A view of an `ndarray` matrix (rows = inputs, columns = units), e.g.
    /// activations computed in another Rust program. `None` unless the
    /// array is in standard (row-major, contiguous) layout.
    pub fn from_array(a: ndarray::ArrayView2<'a, f32>) -> Option<LayerView<'a>> {
        let (rows, width) = a.dim();
        a.to_slice().map(|data| LayerView { data, rows, width })
    }
}

impl LayerView<'_> {
    /// True when the view is non-empty, its shape matches its data and it
    /// has one row per label.
    fn is_well_formed(&self, n_labels: usize) -> bool {
        self.rows > 0
            && self.width > 0
            && self.rows == n_labels
            && self.rows.checked_mul(self.width) == Some(self.data.len())
    }

    /// True when every activation is finite (no early exit, so it
    /// vectorises: exponent bits all ones means inf or NaN).
    fn is_finite(&self) -> bool {
        self.data.iter().fold(true, |ok, v| {
            ok & (v.to_bits() & 0x7F80_0000 != 0x7F80_0000)
        })
    }
}

/// I(X;T) and I(T;Y) in bits.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiPair {
    /// I(X;T): information the layer keeps about the input.
    pub ixt: f64,
    /// I(T;Y): information the layer carries about the label.
    pub ity: f64,
}

impl MiPair {
    /// The result for invalid input.
    pub const NAN: MiPair = MiPair {
        ixt: f64::NAN,
        ity: f64::NAN,
    };
}

/// How uniform bins are laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinSpec {
    /// This many equal bins between the scope's minimum and maximum.
    Count(usize),
    /// Bins of this width anchored at 0: bin = floor(v / size).
    Size(f32),
}

/// Where the range of uniform bins comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RangeScope {
    /// A range given up front.
    Fixed {
        /// Lower end.
        lo: f32,
        /// Upper end.
        hi: f32,
    },
    /// Minimum and maximum over all layers passed to one call.
    Global,
    /// Minimum and maximum of each layer.
    Layer,
    /// Minimum and maximum of each unit (column).
    Neuron,
    /// The range passed by the caller as `run_range` (e.g. over all layers,
    /// units and epochs of a run, as Saxe et al. did for ReLU).
    Run,
}

/// A mutual-information estimator and its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Estimator {
    /// IDNNs-exact: `edges = linspace(lo, hi, n_edges)` computed in f64 as
    /// numpy does (`y_i = i * step + lo` with `step = (hi - lo) / (n - 1)`,
    /// the last edge `hi` exactly) then cast to f32; each v becomes
    /// `edges[digitize(v, edges) - 1]` (`np.digitize`, `right=False`: the
    /// index i with `edges[i-1] <= v < edges[i]`). Quirks kept: `v >= hi`
    /// gets its own bin (edge `hi`); `v < lo` gives index -1, which wraps to
    /// the last edge and so merges with the `v >= hi` bin; NaN sorts last in
    /// numpy and lands there too. Edges that coincide as f32 are one bin.
    /// Requires `n_edges >= 2` and finite `lo < hi`.
    IdnnsBinning {
        /// Number of edges (IDNNs: 30).
        n_edges: usize,
        /// First edge (IDNNs: -1).
        lo: f32,
        /// Last edge (IDNNs: 1).
        hi: f32,
    },
    /// Uniform bins. With [`BinSpec::Size`]`(s)`: T = floor(v / s) computed
    /// in f32 as numpy does (Saxe/ibsgd; the scope is ignored; requires
    /// finite s > 0). With [`BinSpec::Count`]`(n)`: n equal bins between the
    /// scope's min and max, bin = floor((v - min) / (max - min) * n)
    /// computed in f64 and clamped to [0, n - 1] (values outside a Fixed or
    /// Run range clamp into the end bins); if max == min everything falls in
    /// one bin. Requires 1 <= n <= 2^32 and, for Fixed and Run, finite
    /// lo <= hi.
    UniformBinning {
        /// Bin count or bin width.
        bins: BinSpec,
        /// Where the range comes from (used by [`BinSpec::Count`] only).
        scope: RangeScope,
    },
    /// Adaptive equal-mass binning (Chelombiev et al., 2019), per layer with
    /// all units pooled. Let u be the sorted unique activation values of
    /// the layer (-0.0 counted as 0.0) and U = len(u); the interior edges
    /// are `u[floor(k * U / bins)]` for k = 1..bins-1, and a value's bin is
    /// the number of interior edges `<= v`. Requires `bins >= 1`.
    AdaptiveBinning {
        /// Number of bins (Chelombiev et al.: 30).
        bins: usize,
    },
    /// Kolchinsky & Tracey's upper bound as used by Saxe et al.: Gaussian
    /// noise of variance `noise_var` per dimension (see [`kde_bounds`]).
    KdeUpper {
        /// Noise variance s² (paper 0.1; ibsgd's var_u notebook 1e-3).
        noise_var: f64,
    },
    /// The pairwise-distance lower bound (kernel width 4 s², see
    /// [`kde_bounds`]).
    KdeLower {
        /// Noise variance s².
        noise_var: f64,
    },
    /// Binning at machine precision (Saxe et al. 2018): every distinct
    /// activation vector is its own bin, compared by value (-0.0 equals
    /// 0.0). For an invertible layer on var_u this pins I(X;T) at 12 bits
    /// and I(T;Y) at H(Y). Non-finite activations give NaN.
    ExactBinning,
    /// Bins uniform in the net input of tanh units (Saxe et al. 2018):
    /// edges `tanh(linspace(-limit, limit, n_edges))` in f64 (numpy's
    /// linspace, the portable `libm` tanh), and v's bin is the number of
    /// edges `<= v` (`np.digitize`, `right=False`: values below the first
    /// edge are bin 0, values at or above the last, e.g. a saturated +1.0,
    /// bin `n_edges`). Equivalent to equal-width bins of the pre-activation
    /// u = atanh(v). Edges that coincide in f64 at the saturated ends add no
    /// bins. Requires `2 <= n_edges <= 2^24` and a finite `limit > 0`.
    /// Source of the limit 50: FACTS.md §6 ("edges at
    /// tanh(linspace(-50, 50, N))"); ibsgd has no code for it and N is not
    /// stated there.
    NetInputBinning {
        /// Number of edges N.
        n_edges: usize,
        /// Net-input range ±limit (Saxe et al.: 50).
        limit: f64,
    },
    /// k-NN estimates (Kraskov, Stögbauer & Grassberger 2004, max-norm),
    /// treating the rows as samples of a continuous T: `ixt` is the
    /// differential entropy Ĥ(T) in bits (not an MI, can be negative), the
    /// quantity Saxe et al.'s appendix plots; `ity` is KSG's I(T;Y) for
    /// discrete labels (Ross 2014). Seeded Gaussian noise of standard
    /// deviation `noise_std` is added first to break the exact ties of
    /// saturated units. See [`knn_mi`], which also says what is (not) known
    /// of how Saxe et al. applied it. Each layer's noise comes from `seed`
    /// and the layer's index.
    Knn {
        /// Neighbour rank k (KSG suggest 2–4; scikit-learn uses 3).
        k: usize,
        /// Standard deviation of the tie-breaking noise (0: none).
        noise_std: f64,
        /// Seed of the noise (a run's seed).
        seed: u64,
    },
    /// Goldfeld et al.'s noisy-network estimator: T = S + Z,
    /// Z ~ N(0, σ² I), I(X;T) = h(T) - h(T | X) with h(T) the entropy of
    /// the Gaussian mixture by their sample-propagation estimator,
    /// integrated by `mc_samples` Monte Carlo samples per component (see
    /// [`noisy_mi`]); h(T | X) is h(Z) when S is a function of X, and in a
    /// noisy network (S given X spread by the noise of the layers below)
    /// the SP entropy of each input's `cond_samples` noisy samples of S
    /// ([`noisy_mi_cond`], [`estimate_layers_cond`]). Each layer's samples
    /// come from `seed` and the layer's index.
    NoisyGaussian {
        /// Standard deviation σ of the noise.
        noise_std: f64,
        /// Monte Carlo samples per mixture component (1..=2^20).
        mc_samples: usize,
        /// K: noisy samples of each layer's output per input from which
        /// h(T | X = x) is estimated in a noisy network (the conditional
        /// samples passed to [`estimate_layers_cond`], see
        /// [`noisy_mi_cond`]); 1 takes h(T | X) as h(Z). Without
        /// conditional samples (a deterministic network, activations from
        /// elsewhere) it is not used.
        cond_samples: usize,
        /// Seed of the samples (a run's seed).
        seed: u64,
    },
}

impl Estimator {
    /// Stable short name, used in records and the UI.
    pub fn name(&self) -> &'static str {
        match self {
            Estimator::IdnnsBinning { .. } => "idnns-binning",
            Estimator::UniformBinning { .. } => "uniform-binning",
            Estimator::AdaptiveBinning { .. } => "adaptive-binning",
            Estimator::KdeUpper { .. } => "kde-upper",
            Estimator::KdeLower { .. } => "kde-lower",
            Estimator::ExactBinning => "exact-binning",
            Estimator::NetInputBinning { .. } => "net-input-binning",
            Estimator::Knn { .. } => "knn",
            Estimator::NoisyGaussian { .. } => "noisy-sp",
        }
    }
}

/// The seed of layer `index`'s noise for an estimator seeded by `seed`.
fn layer_seed(seed: u64, index: usize) -> u64 {
    crate::rng::Rng::for_substream(seed, crate::rng::Stream::MiNoise, index as u64).next_u64()
}

/// [`estimate_layers`] with, for a noisy network, each layer's conditional
/// samples: `cond[l]` holds at least K noisy samples of layer l's output
/// per row, sample k of row r being its row k·n + r (n = the layers' row
/// count), K the estimator's `cond_samples`; the first K·n rows are used.
/// Only [`Estimator::NoisyGaussian`] uses them ([`noisy_mi_cond`], its
/// Monte Carlo noise from the layer's seed); `cond` empty means none
/// (h(T | X) taken as h(Z), [`noisy_mi`]), and a layer whose samples
/// number fewer than K·n rows or are malformed gets NaN.
pub fn estimate_layers_cond(
    est: &Estimator,
    layers: &[LayerView<'_>],
    cond: &[LayerView<'_>],
    labels: &[u32],
    n_classes: usize,
    run_range: Option<(f32, f32)>,
) -> Vec<MiPair> {
    match *est {
        Estimator::NoisyGaussian {
            noise_std,
            mc_samples,
            cond_samples,
            seed,
        } if !cond.is_empty() && entropy::labels_valid(labels, n_classes) => layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let rows = cond_samples.saturating_mul(l.rows);
                match cond.get(i) {
                    Some(c) if c.rows >= rows && c.data.len() >= rows.saturating_mul(c.width) => {
                        let c = LayerView {
                            data: &c.data[..rows * c.width],
                            rows,
                            width: c.width,
                        };
                        noisy::noisy_mi_cond(
                            *l,
                            c,
                            labels,
                            n_classes,
                            noise_std,
                            mc_samples,
                            layer_seed(seed, i),
                        )
                    }
                    _ => MiPair::NAN,
                }
            })
            .collect(),
        _ => estimate_layers(est, layers, labels, n_classes, run_range),
    }
}

/// Estimates MI for every layer of one epoch (layers given in order;
/// `labels[r]` in `0..n_classes` is the class of row r; all layers have the
/// same rows). `run_range` is required (Some) only for [`RangeScope::Run`].
/// Returns one [`MiPair`] per layer; invalid input gives NaN for the layers
/// concerned (all of them when the labels, the estimator's parameters or a
/// needed `run_range` are invalid). [`RangeScope::Global`] takes its range
/// over the well-formed, finite layers only.
pub fn estimate_layers(
    est: &Estimator,
    layers: &[LayerView<'_>],
    labels: &[u32],
    n_classes: usize,
    run_range: Option<(f32, f32)>,
) -> Vec<MiPair> {
    if !entropy::labels_valid(labels, n_classes) {
        return vec![MiPair::NAN; layers.len()];
    }
    match *est {
        Estimator::KdeUpper { noise_var } => layers
            .iter()
            .map(|l| kde::kde_upper(*l, labels, n_classes, noise_var))
            .collect(),
        Estimator::KdeLower { noise_var } => layers
            .iter()
            .map(|l| kde::kde_bounds(*l, labels, n_classes, noise_var).1)
            .collect(),
        Estimator::Knn { k, noise_std, seed } => layers
            .iter()
            .enumerate()
            .map(|(i, l)| knn::knn_mi(*l, labels, n_classes, k, noise_std, layer_seed(seed, i)))
            .collect(),
        Estimator::NoisyGaussian {
            noise_std,
            mc_samples,
            seed,
            ..
        } => layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                noisy::noisy_mi(
                    *l,
                    labels,
                    n_classes,
                    noise_std,
                    mc_samples,
                    layer_seed(seed, i),
                )
            })
            .collect(),
        _ => binned_layers(est, layers, labels, run_range),
    }
}

/// Threads to use by default: the available cores natively, 1 on wasm32.
pub(crate) fn default_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `work(scratch, i)` for every i in `0..n`, results in index order. Natively
/// up to `threads` threads (the caller's included) take indices from a
/// shared counter, each with its own scratch from `init`; if a thread cannot
/// be spawned the others do its share. Callers make each result depend on
/// `i` alone, so the thread count never changes a result.
pub(crate) fn parallel_map<S, R: Send>(
    n: usize,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> R + Sync,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        if threads > 1 && n > 1 {
            let next = AtomicUsize::new(0);
            let run = || {
                let mut scratch = init();
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return done;
                    }
                    done.push((i, work(&mut scratch, i)));
                }
            };
            let mut all: Vec<(usize, R)> = std::thread::scope(|s| {
                let helpers: Vec<_> = (1..threads.min(n))
                    .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, run).ok())
                    .collect();
                let mut all = run();
                for h in helpers {
                    match h.join() {
                        Ok(done) => all.extend(done),
                        // Only a bug can get here; keep its message.
                        Err(e) => std::panic::resume_unwind(e),
                    }
                }
                all
            });
            all.sort_unstable_by_key(|&(i, _)| i);
            return all.into_iter().map(|(_, r)| r).collect();
        }
    }
    let _ = threads;
    let mut scratch = init();
    (0..n).map(|i| work(&mut scratch, i)).collect()
}

/// Below this many activations in a call, binning runs on one thread.
const MIN_VALUES_FOR_THREADS: usize = 1 << 15;

/// The binning estimators: codes per layer, then [`entropy::mi_from_codes`].
fn binned_layers(
    est: &Estimator,
    layers: &[LayerView<'_>],
    labels: &[u32],
    run_range: Option<(f32, f32)>,
) -> Vec<MiPair> {
    let usable = |l: &LayerView<'_>| l.is_well_formed(labels.len()) && l.is_finite();
    // The range shared by all layers, where the scope asks for one; an
    // invalid range makes every layer NaN.
    let shared: Option<(f32, f32)> = match *est {
        Estimator::UniformBinning {
            bins: BinSpec::Count(_),
            scope,
        } => match scope {
            RangeScope::Fixed { lo, hi } => Some((lo, hi)),
            RangeScope::Run => Some(run_range.unwrap_or((f32::NAN, f32::NAN))),
            RangeScope::Global => {
                let mut r: Option<(f32, f32)> = None;
                for l in layers.iter().filter(|l| usable(l)) {
                    let (lo, hi) = binning::min_max(l.data);
                    r = Some(r.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
                }
                r
            }
            RangeScope::Layer | RangeScope::Neuron => None,
        },
        _ => None,
    };
    if let Some((lo, hi)) = shared {
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            return vec![MiPair::NAN; layers.len()];
        }
    }
    let values: usize = layers.iter().map(|l| l.data.len()).sum();
    let threads = if values >= MIN_VALUES_FOR_THREADS {
        default_threads()
    } else {
        1
    };
    parallel_map(
        layers.len(),
        threads,
        Vec::new,
        |codes: &mut Vec<u32>, i| {
            let l = &layers[i];
            let idnns = matches!(est, Estimator::IdnnsBinning { .. });
            // IDNNs-exact bins non-finite values as numpy does.
            if !l.is_well_formed(labels.len()) || (!idnns && !l.is_finite()) {
                return MiPair::NAN;
            }
            let ok = match *est {
                Estimator::IdnnsBinning { n_edges, lo, hi } => {
                    binning::idnns_codes(l.data, n_edges, lo, hi, codes)
                }
                Estimator::UniformBinning {
                    bins: BinSpec::Size(s),
                    ..
                } => binning::size_codes(l.data, s, codes),
                Estimator::UniformBinning {
                    bins: BinSpec::Count(n),
                    scope,
                } => {
                    let ranges = match (scope, shared) {
                        (_, Some(r)) => vec![r],
                        (RangeScope::Neuron, None) => binning::column_ranges(l.data, l.width),
                        _ => vec![binning::min_max(l.data)],
                    };
                    binning::count_codes(l.data, l.width, n, &ranges, codes)
                }
                Estimator::AdaptiveBinning { bins } => binning::adaptive_codes(l.data, bins, codes),
                Estimator::ExactBinning => exact::exact_codes(l.data, codes),
                Estimator::NetInputBinning { n_edges, limit } => {
                    exact::net_input_codes(l.data, n_edges, limit, codes)
                }
                Estimator::KdeUpper { .. }
                | Estimator::KdeLower { .. }
                | Estimator::Knn { .. }
                | Estimator::NoisyGaussian { .. } => false,
            };
            if ok {
                entropy::mi_from_codes(codes, l.rows, l.width, labels)
            } else {
                MiPair::NAN
            }
        },
    )
}

#[cfg(test)]
mod ndarray_view_tests {
    use super::*;

    #[test]
    fn array_views_are_taken_row_major_only() {
        let a = ndarray::arr2(&[[0.1f32, 0.2], [0.3, 0.4], [0.5, 0.6]]);
        let v = LayerView::from_array(a.view()).unwrap();
        assert_eq!((v.rows, v.width, v.data[2]), (3, 2, 0.3));
        assert!(LayerView::from_array(a.t()).is_none());
    }
}
