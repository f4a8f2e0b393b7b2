//! Kolchinsky & Tracey's KDE bounds on mutual information, as in Saxe et
//! al.'s `ibsgd/kde.py`.
//!
//! # Definition and the cancellation of constants
//!
//! Rows h_1..h_P (d = layer width), D_ij = ||h_i - h_j||², Gaussian noise of
//! variance s² per dimension. ibsgd computes
//!
//! * H_up(T) = d/2 + (d/2) ln(2π s²) - (1/P) Σ_i ln[(1/P) Σ_j e^{-D_ij/(2s²)}]
//! * H_lo(T) = the same at 4 s², plus (d/2) ln(1/4)
//!   = d/2 + (d/2) ln(2π s²) - (1/P) Σ_i ln[(1/P) Σ_j e^{-D_ij/(8s²)}]
//! * H(T|X) = (d/2) ln(2π e s²) = d/2 + (d/2) ln(2π s²)
//!
//! so I(X;T) = H(T) - H(T|X) loses every constant:
//! I(X;T)_up = -(1/P) Σ_i ln[(1/P) Σ_j e^{-D_ij/(2s²)}], and the lower bound
//! is the same with 8 s². For I(T;Y) = H(T) - Σ_y p(y) H(T|Y=y), each
//! H(T|Y=y) is the same formula on class y's P_y rows alone; its constant
//! is the same as H(T)'s and the p(y) sum to 1, so
//! I(T;Y) = -(1/P) Σ_i ln[(1/P) Σ_j e_ij]
//!          + Σ_y p(y) (1/P_y) Σ_{i∈y} ln[(1/P_y) Σ_{j∈y} e_ij].
//! Natural logs, divided by ln 2 for bits.
//!
//! # Computation
//!
//! Every row needs four sums over j: all rows and same-class rows, for the
//! 2s² and 8s² kernels. Rows are sorted by class (stably), so each class is
//! a contiguous range; per row the code keeps "same-class" and
//! "other-class" sums, and all = same + other.
//!
//! D is symmetric, so each unordered pair is computed once: row i runs over
//! j > i (its class's rest, then the later classes), adding e_ij to its own
//! sums and to the column sums of rows j; the j = i term is exp(0) = 1
//! exactly. Distances are Σ_k (h_ik - h_jk)² in f32 (not x² + y² - 2xy,
//! which cancels badly), kernels are [`crate::math::exp`], sums are f32; no
//! max-subtraction is needed because every sum is >= 1.
//!
//! Every hot loop is elementwise over j with a run-time length (distances
//! unit by unit over a strip of j, then both exponentials and the four
//! additions), the shape LLVM's loop vectoriser turns into SIMD on x86 and
//! wasm alike. A row's own sums go to lane `j mod STRIP` of
//! [`STRIP`]-wide accumulators, folded at the end of the row by a fixed
//! pairwise tree, so the order of additions is fixed by the data's shape.
//!
//! Determinism with threads: rows are grouped into chunks of
//! [`chunk_rows`]`(P)` rows, a partition that depends only on P. Each
//! chunk owns its rows' own sums and a private column-sum buffer, filled in
//! a fixed order; chunks are dealt out to threads, and each row's total adds
//! its own sum and the chunks' column sums in chunk order (in f64). The
//! thread count therefore never changes a bit of the result.

use super::{LayerView, MiPair};
use crate::math::{exp, ln};
use std::sync::Mutex;

/// Rows per chunk, the unit of work given to a thread: 128, or more for
/// large P so that there are at most 32 chunks (each chunk's column
/// buffer holds 4 (P - first row) floats, so this bounds memory by ~64 P
/// floats).
fn chunk_rows(p: usize) -> usize {
    p.div_ceil(32).max(128)
}

/// Width of a row's lane accumulators and of the strips of j whose
/// distances are kept in cache (a power of two, for the fold).
const STRIP: usize = 512;

/// Below this many rows one thread does everything (spawning costs more
/// than it saves; the results are the same either way).
const MIN_ROWS_FOR_THREADS: usize = 512;

/// The layer sorted by class, laid out for the kernel.
struct Layout {
    /// Layer width d.
    d: usize,
    /// Number of rows P.
    p: usize,
    /// Column-major copy: unit k of sorted row j is `cols[k * p + j]`.
    cols: Vec<f32>,
    /// Row-major copy in sorted order.
    rows: Vec<f32>,
    /// Class of each sorted row.
    class_of: Vec<usize>,
    /// One past the last sorted row of each class.
    class_end: Vec<usize>,
    /// Rows per class.
    counts: Vec<usize>,
    /// f32 factors -1/(2s²) and -1/(8s²).
    c_up: f32,
    c_lo: f32,
}

/// Both KDE bounds of one layer in one pass over the pairwise distances
/// (shared work); returns (upper, lower). `noise_var` is s². NaN pairs when
/// the layer is empty or malformed, a label is not below `n_classes`,
/// `noise_var` is not positive and finite (or so small that 1/(2s²)
/// overflows f32), or an activation is not finite.
///
/// Natively the work is split over the available cores; the result does not
/// depend on how many there are.
pub fn kde_bounds(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_var: f64,
) -> (MiPair, MiPair) {
    kde_bounds_with(
        layer,
        labels,
        n_classes,
        noise_var,
        super::default_threads(),
        true,
    )
}

/// [`kde_bounds`] with an explicit thread count and, on x86-64, the choice
/// of allowing the AVX2 build of the kernel (`simd = false` forces the
/// baseline SSE2 build; results are identical, which the tests check).
pub(crate) fn kde_bounds_with(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_var: f64,
    threads: usize,
    simd: bool,
) -> (MiPair, MiPair) {
    let nan = (MiPair::NAN, MiPair::NAN);
    let valid = layer.is_well_formed(labels.len())
        && super::entropy::labels_valid(labels, n_classes)
        && noise_var.is_finite()
        && noise_var > 0.0
        && layer.is_finite();
    if !valid {
        return nan;
    }
    let c_up = (-0.5 / noise_var) as f32;
    let c_lo = (-0.125 / noise_var) as f32;
    if !c_up.is_finite() {
        // 0 · -inf would make the j = i term NaN.
        return nan;
    }
    let lay = layout(layer, labels, c_up, c_lo);
    let sums = pair_sums(&lay, threads, simd);
    finish(&lay, &sums)
}

/// Sorts rows by class (stably) into row- and column-major copies.
fn layout(layer: LayerView<'_>, labels: &[u32], c_up: f32, c_lo: f32) -> Layout {
    let (p, d) = (layer.rows, layer.width);
    let counts = super::entropy::class_counts(labels);
    let mut next = Vec::with_capacity(counts.len());
    let mut class_end = Vec::with_capacity(counts.len());
    let mut end = 0;
    for &c in &counts {
        next.push(end);
        end += c;
        class_end.push(end);
    }
    let mut cols = vec![0.0f32; d * p];
    let mut rows = vec![0.0f32; p * d];
    let mut class_of = vec![0usize; p];
    for (row, &y) in layer.data.chunks_exact(d).zip(labels) {
        let j = next[y as usize];
        next[y as usize] += 1;
        rows[j * d..(j + 1) * d].copy_from_slice(row);
        for (k, &v) in row.iter().enumerate() {
            cols[k * p + j] = v;
        }
        class_of[j] = y as usize;
    }
    Layout {
        d,
        p,
        cols,
        rows,
        class_of,
        class_end,
        counts,
        c_up,
        c_lo,
    }
}

/// Own sums of each row (same 2s², same 8s², other 2s², other 8s², the
/// j = i term included) and each chunk's column sums.
struct PairSums {
    /// Own sums of each sorted row.
    rows: Vec<[f32; 4]>,
    /// Column sums of chunk c: four arrays (same 2s², same 8s², other
    /// 2s², other 8s²) over rows `c * chunk..p`, stored one after the
    /// other from `col_start[c]`.
    cols: Vec<f32>,
    col_start: Vec<usize>,
    /// Rows per chunk.
    chunk: usize,
}

/// One chunk's work and its output slices.
struct Job<'a> {
    /// The chunk's first row.
    base: usize,
    rows: &'a mut [[f32; 4]],
    cols: &'a mut [f32],
}

/// A thread's scratch space (no allocation per row).
struct Scratch {
    /// Squared distances of one strip, then e^{-D/(8s²)}.
    d2: [f32; STRIP],
    /// e^{-D/(2s²)} of one strip.
    e_up: [f32; STRIP],
    /// Lane accumulators of the current row (same 2s², same 8s², other
    /// 2s², other 8s²).
    acc: [[f32; STRIP]; 4],
}

impl Scratch {
    fn new() -> Box<Scratch> {
        Box::new(Scratch {
            d2: [0.0; STRIP],
            e_up: [0.0; STRIP],
            acc: [[0.0; STRIP]; 4],
        })
    }
}

/// Runs every chunk, on up to `threads` threads natively (see
/// [`super::parallel_map`]).
fn pair_sums(lay: &Layout, threads: usize, simd: bool) -> PairSums {
    let p = lay.p;
    let chunk_len = chunk_rows(p);
    let n_chunks = p.div_ceil(chunk_len);
    let mut col_start = Vec::with_capacity(n_chunks);
    let mut total = 0;
    for c in 0..n_chunks {
        col_start.push(total);
        total += 4 * (p - c * chunk_len);
    }
    let mut rows = vec![[0.0f32; 4]; p];
    let mut cols = vec![0.0f32; total];

    // Pair each chunk with its own output slices; a worker takes the job
    // out of its slot.
    let mut jobs: Vec<Mutex<Option<Job<'_>>>> = Vec::with_capacity(n_chunks);
    let mut rest: &mut [f32] = &mut cols;
    for (chunk, r) in rows.chunks_mut(chunk_len).enumerate() {
        let (mine, tail) = std::mem::take(&mut rest).split_at_mut(4 * (p - chunk * chunk_len));
        rest = tail;
        jobs.push(Mutex::new(Some(Job {
            base: chunk * chunk_len,
            rows: r,
            cols: mine,
        })));
    }
    // Chunks are taken in index order, i.e. largest work first, which
    // balances the threads.
    let threads = if p >= MIN_ROWS_FOR_THREADS {
        threads
    } else {
        1
    };
    super::parallel_map(n_chunks, threads, Scratch::new, |scratch, c| {
        let job = jobs[c].lock().ok().and_then(|mut slot| slot.take());
        if let Some(job) = job {
            run_chunk(lay, job, scratch, simd);
        }
    });
    drop(jobs);
    PairSums {
        rows,
        cols,
        col_start,
        chunk: chunk_len,
    }
}

/// Runs one chunk with the best kernel build the CPU supports.
fn run_chunk(lay: &Layout, job: Job<'_>, scratch: &mut Scratch, simd: bool) {
    #[cfg(target_arch = "x86_64")]
    {
        if simd && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { chunk_avx2(lay, job, scratch) };
            return;
        }
    }
    let _ = simd;
    chunk_body(lay, job, scratch);
}

/// The kernel compiled for AVX2 (8 f32 lanes). It performs exactly the same
/// IEEE operations on every element as the baseline build (no FMA is
/// enabled, and Rust never fuses a multiply and an add on its own), so the
/// results are bit-identical; only the vector width changes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn chunk_avx2(lay: &Layout, job: Job<'_>, scratch: &mut Scratch) {
    chunk_body(lay, job, scratch);
}

/// Pairs (i, j > i) for the rows i of one chunk.
#[inline(always)]
fn chunk_body(lay: &Layout, job: Job<'_>, scratch: &mut Scratch) {
    let p = lay.p;
    let base = job.base;
    let n = p - base;
    let (same_up, rest) = job.cols.split_at_mut(n);
    let (same_lo, rest) = rest.split_at_mut(n);
    let (oth_up, oth_lo) = rest.split_at_mut(n);
    let Scratch { d2, e_up, acc } = scratch;
    let [acc_su, acc_sl, acc_ou, acc_ol] = acc;
    for (li, out) in job.rows.iter_mut().enumerate() {
        let i = base + li;
        let hi = &lay.rows[i * lay.d..(i + 1) * lay.d];
        let same_end = lay.class_end[lay.class_of[i]];
        for a in [&mut *acc_su, &mut *acc_sl, &mut *acc_ou, &mut *acc_ol] {
            a.fill(0.0);
        }
        let k = Kernel { lay, hi, base };
        k.span(i + 1, same_end, d2, e_up, acc_su, acc_sl, same_up, same_lo);
        k.span(same_end, p, d2, e_up, acc_ou, acc_ol, oth_up, oth_lo);
        // The j = i term, exp(0) = 1, comes first.
        *out = [
            1.0 + fold(acc_su),
            1.0 + fold(acc_sl),
            fold(acc_ou),
            fold(acc_ol),
        ];
    }
}

/// Row i's data for [`Kernel::span`].
struct Kernel<'a> {
    lay: &'a Layout,
    /// Row i's activations.
    hi: &'a [f32],
    /// First row of the chunk (column buffers start there).
    base: usize,
}

impl Kernel<'_> {
    /// Adds e_ij for j in `j0..j1` to row i's lane accumulators (lane
    /// j mod STRIP) and to the column sums of rows j.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn span(
        &self,
        j0: usize,
        j1: usize,
        d2: &mut [f32; STRIP],
        e_up: &mut [f32; STRIP],
        acc_up: &mut [f32; STRIP],
        acc_lo: &mut [f32; STRIP],
        col_up: &mut [f32],
        col_lo: &mut [f32],
    ) {
        let (p, c_up, c_lo) = (self.lay.p, self.lay.c_up, self.lay.c_lo);
        let mut a = j0;
        while a < j1 {
            // Strips never cross a multiple of STRIP.
            let b = ((a / STRIP + 1) * STRIP).min(j1);
            let n = b - a;
            let off = a % STRIP;
            let d2 = &mut d2[..n];
            // Distances, up to four units per pass over the strip; each
            // element still adds the units' squares in order k = 0, 1, ...
            let col = |k: usize| &self.lay.cols[k * p + a..k * p + b];
            let hi = self.hi;
            let mut k = 0;
            while k < hi.len() {
                let init = k == 0;
                match hi.len() - k {
                    1 => dist_pass(d2, [col(k)], [hi[k]], init),
                    2 => dist_pass(d2, [col(k), col(k + 1)], [hi[k], hi[k + 1]], init),
                    3 => dist_pass(
                        d2,
                        [col(k), col(k + 1), col(k + 2)],
                        [hi[k], hi[k + 1], hi[k + 2]],
                        init,
                    ),
                    _ => dist_pass(
                        d2,
                        [col(k), col(k + 1), col(k + 2), col(k + 3)],
                        [hi[k], hi[k + 1], hi[k + 2], hi[k + 3]],
                        init,
                    ),
                }
                k += 4;
            }
            // The two kernels in separate loops (fewer live registers, more
            // independent work for the CPU), e^{-D/(8s²)} in place of D.
            let eu = &mut e_up[..n];
            for (e, &x) in eu.iter_mut().zip(d2.iter()) {
                *e = exp(x * c_up);
            }
            for x in d2.iter_mut() {
                *x = exp(*x * c_lo);
            }
            let au = &mut acc_up[off..off + n];
            let al = &mut acc_lo[off..off + n];
            let cu = &mut col_up[a - self.base..b - self.base];
            let cl = &mut col_lo[a - self.base..b - self.base];
            for ((((&eu, &el), au), al), (cu, cl)) in eu
                .iter()
                .zip(d2.iter())
                .zip(au)
                .zip(al)
                .zip(cu.iter_mut().zip(cl))
            {
                *au += eu;
                *al += el;
                *cu += eu;
                *cl += el;
            }
            a = b;
        }
    }
}

/// `d2[j] (+)= Σ_g (cols[g][j] - h[g])²`, the units added in order g = 0,
/// 1, ... (`init`: start from 0, which is exact).
#[inline(always)]
fn dist_pass<const G: usize>(d2: &mut [f32], cols: [&[f32]; G], h: [f32; G], init: bool) {
    let n = d2.len();
    let cols = cols.map(|c| &c[..n]);
    for (j, x) in d2.iter_mut().enumerate() {
        let mut acc = if init { 0.0 } else { *x };
        for g in 0..G {
            let t = cols[g][j] - h[g];
            acc += t * t;
        }
        *x = acc;
    }
}

/// Sum of the lanes by a fixed pairwise tree (halving, elementwise passes
/// so they vectorise); clobbers `v`.
#[inline(always)]
fn fold(v: &mut [f32; STRIP]) -> f32 {
    let mut n = STRIP;
    while n > 1 {
        n /= 2;
        let (lo, hi) = v.split_at_mut(n);
        for (x, &y) in lo.iter_mut().zip(&hi[..n]) {
            *x += y;
        }
    }
    v[0]
}

/// Completes every row's four sums and turns them into the two MiPairs.
fn finish(lay: &Layout, s: &PairSums) -> (MiPair, MiPair) {
    let p = lay.p;
    let pf = p as f64;
    // Σ_i ln[(1/P) all_i] for both kernels, and per class
    // Σ_{i∈y} ln[(1/P_y) same_i], in sorted row order.
    let mut h_all = [0.0f64; 2];
    let mut h_cond = [0.0f64; 2];
    let mut class_sum = [0.0f64; 2];
    for i in 0..p {
        let y = lay.class_of[i];
        let py = lay.counts[y] as f64;
        let mut v = s.rows[i].map(f64::from);
        for c in 0..=i / s.chunk {
            let n = p - c * s.chunk;
            let at = s.col_start[c] + i - c * s.chunk;
            for (k, vk) in v.iter_mut().enumerate() {
                *vk += f64::from(s.cols[at + k * n]);
            }
        }
        for k in 0..2 {
            let same = v[k];
            let all = same + v[k + 2];
            h_all[k] += ln(all / pf);
            class_sum[k] += ln(same / py);
        }
        // Last row of its class: fold the class's term in.
        if lay.class_end[y] == i + 1 {
            for k in 0..2 {
                h_cond[k] += (py / pf) * (-class_sum[k] / py);
                class_sum[k] = 0.0;
            }
        }
    }
    let pair = |k: usize| {
        let h_t = -h_all[k] / pf;
        MiPair {
            ixt: h_t / std::f64::consts::LN_2,
            ity: (h_t - h_cond[k]) / std::f64::consts::LN_2,
        }
    };
    (pair(0), pair(1))
}
