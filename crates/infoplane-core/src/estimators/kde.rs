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
//! Every row needs four sums over j: same-class and other-class rows, for
//! the 2s² and 8s² kernels (all = same + other). Rows are sorted by class,
//! and each class in k-d order (recursive median splits of the widest unit,
//! at multiples of 8 rows) so that consecutive rows are close together; the
//! order is a function of the data alone.
//!
//! D is symmetric, so each unordered pair is computed once: row i runs over
//! j > i, adding e_ij to its own sums and to the column sums of rows j; the
//! j = i term is exp(0) = 1 exactly.
//!
//! * Distances are Σ_k (h_jk - h_ik)² in f32, units added in order k = 0, 1,
//!   ... The Gram form |x|² + |y|² - 2x·y would save a subtraction per unit
//!   but cancels catastrophically for close pairs, exactly the pairs whose
//!   kernel is near 1 and dominates the sums.
//! * One exponential per pair: e_lo = exp(D · (-1/(8s²))) with
//!   [`crate::math::exp_n`], and e_up = e^{-D/(2s²)} = (e_lo²)², two exact
//!   squarings of a value with ~1 ulp error (relative error ≲ 5 ulp, the
//!   same order as rounding D·(-1/(2s²)) itself). Where e_lo < 2^-31,
//!   e_up is taken as 0 rather than computing a subnormal fourth power
//!   (slow on x86); the exact value is below 2^-124, as is everything exp's
//!   own cut-off at e^-87 drops, and vanishes when added to a sum >= 1.
//! * The work is register-blocked: a tile of up to 4 rows (one class) runs
//!   over groups of 8 columns, each column vector loaded once for the tile
//!   and the tile's exponentials evaluated side by side. Row i's own sums
//!   go to lane `j mod 8` of 8-lane accumulators, folded at the end by
//!   [`crate::simd::sum8`]; column j's sums take the rows i < j of the chunk
//!   one after another in increasing i. Neither order depends on the tile
//!   size or the vector width, and every path (scalar, SSE2 / simd128,
//!   AVX2) performs the same element-wise operations, so all give the same
//!   bits (tests force each path).
//! * Exact pruning: a pair whose e_lo is exactly +0.0 (exp returns 0 below
//!   -87) adds nothing to any sum (x + 0 = x for x >= 0), and its e_up is 0
//!   too. For a row tile and a group of 8 columns, the per-unit gaps
//!   between their bounding boxes give LB = Σ_k gap_k², computed in f32 in
//!   the kernel's order. Rounding is monotonic, so the kernel's f32
//!   distance of every pair in the group is at least LB; if
//!   LB · (-1/(8s²)) < -87 in f32 every kernel is 0 and the group is
//!   skipped without changing a single bit. Masked lanes (j <= i, the other
//!   phase's columns, past the end) are zeroed, which is equally exact.
//!
//! * The upper bound alone ([`kde_upper`]) skips the 8s² sums, and its
//!   cut-off is e_up's: where e_lo < 2^-31 e_up is exactly 0 (above), and
//!   exp gives less than 2^-31 for every f32 argument below [`UP_CUT`] =
//!   -21.6 (e^-21.6 is 0.89 · 2^-31; a test checks every such argument), so
//!   a group with LB · (-1/(8s²)) < -21.6 adds nothing to the 2s² sums. The
//!   bits are those of [`kde_bounds`]' upper bound; the reach of pruning is
//!   half the distance (a quarter of D).
//!
//! No max-subtraction is needed because every sum is >= 1.
//!
//! Determinism with threads: rows are grouped into chunks of
//! [`chunk_rows`]`(P)` rows, a partition that depends only on P. Each
//! chunk owns its rows' own sums and a private column-sum buffer, filled in
//! a fixed order; chunks are dealt out to threads, and each row's total adds
//! its own sum and the chunks' column sums in chunk order (in f64). The
//! thread count therefore never changes a bit of the result.

use super::{LayerView, MiPair};
use crate::math::{exp_nonpos_n, ln, max_of, min_of, EXP_ZERO_BELOW};
#[cfg(target_arch = "x86_64")]
use crate::simd::Avx8;
use crate::simd::{sum8, F32x4, Path, Simd};
use std::sync::Mutex;

/// Rows per chunk, the unit of work given to a thread: 128, or more for
/// large P so that there are at most 32 chunks (each chunk's column
/// buffer holds 4 (P - first row) floats, so this bounds memory by ~64 P
/// floats).
fn chunk_rows(p: usize) -> usize {
    p.div_ceil(32).max(128)
}

/// Columns per group: the lanes of a row's accumulators, and the unit of
/// pruning.
const G: usize = 8;
/// Alignment of the column arrays and column-sum buffers (a multiple of
/// 8 G, so that bounds of 8 groups load as one vector).
const BLK: usize = 64;
/// Rows per tile at most.
const MAX_TILE: usize = 4;

/// Below this many rows one thread does everything (spawning costs more
/// than it saves; the results are the same either way).
const MIN_ROWS_FOR_THREADS: usize = 512;

/// Row indexes are compared as f32 in the kernel's masks: exact below 2^24.
const MAX_ROWS: usize = 1 << 24;

/// Below this argument exp returns exactly 0 (e_lo = 0): nothing of
/// either bound.
const BOTH_CUT: f32 = EXP_ZERO_BELOW;
/// Below this argument exp is under 2^-31, so e_up is exactly 0: nothing of
/// the upper bound (see the module notes).
const UP_CUT: f32 = -21.6;

/// How to run [`kde_bounds`] (tests vary each; none changes a bit).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opts {
    /// Threads natively (wasm: always 1).
    pub threads: usize,
    /// Kernel build.
    pub path: Path,
    /// Skip blocks whose kernels are all exactly 0.
    pub prune: bool,
    /// Compute the lower bound too (else only the upper, whose kernels
    /// vanish nearer, so that pruning skips more).
    pub lower: bool,
}

/// The layer sorted by class, then each class in k-d order, laid out for
/// the kernel.
struct Layout {
    /// False when no pair can be far enough for a kernel of 0.
    can_prune: bool,
    /// Layer width d.
    d: usize,
    /// Number of rows P.
    p: usize,
    /// P rounded up to a whole number of blocks.
    pp: usize,
    /// Column-major copy: unit k of sorted row j is `cols[k * pp + j]`
    /// (zero past P).
    cols: Vec<f32>,
    /// Row-major copy in sorted order.
    rows: Vec<f32>,
    /// Class of each sorted row.
    class_of: Vec<usize>,
    /// One past the last sorted row of each class.
    class_end: Vec<usize>,
    /// Rows per class.
    counts: Vec<usize>,
    /// f32 factor -1/(8s²).
    c_lo: f32,
    /// Arguments of exp below this add nothing to the sums computed
    /// ([`BOTH_CUT`], or [`UP_CUT`] for the upper bound alone).
    cut: f32,
    /// Bounding boxes of the column groups (G columns each), unit-major:
    /// the low of unit k over group b at `bb[k * pp / G + b]`, the high at
    /// `bb[(d + k) * pp / G + b]`.
    bb: Vec<f32>,
}

/// Both KDE bounds of one layer in one pass over the pairwise distances
/// (shared work); returns (upper, lower). `noise_var` is s². NaN pairs when
/// the layer is empty or malformed, a label is not below `n_classes`,
/// `noise_var` is not positive and finite (or so small that 1/(2s²)
/// overflows f32), an activation is not finite, or there are 2^24 rows or
/// more.
///
/// Natively the work is split over the available cores; the result does not
/// depend on how many there are.
pub fn kde_bounds(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_var: f64,
) -> (MiPair, MiPair) {
    let opts = Opts {
        threads: super::default_threads(),
        path: crate::simd::current_path(),
        prune: true,
        lower: true,
    };
    kde_bounds_opts(layer, labels, n_classes, noise_var, opts)
}

/// The upper bound of [`kde_bounds`] alone, with the same bits, in less
/// time: the lower bound's sums are skipped, and pruning reaches the pairs
/// whose upper kernel is exactly 0 (see the module notes).
pub fn kde_upper(layer: LayerView<'_>, labels: &[u32], n_classes: usize, noise_var: f64) -> MiPair {
    let opts = Opts {
        threads: super::default_threads(),
        path: crate::simd::current_path(),
        prune: true,
        lower: false,
    };
    kde_bounds_opts(layer, labels, n_classes, noise_var, opts).0
}

#[cfg(test)]
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
    let path = if simd { Path::best() } else { Path::Base };
    let opts = Opts {
        threads,
        path,
        prune: true,
        lower: true,
    };
    kde_bounds_opts(layer, labels, n_classes, noise_var, opts)
}

/// [`kde_bounds`] with every option explicit; the lower bound is NaN when
/// `opts.lower` is false.
pub(crate) fn kde_bounds_opts(
    layer: LayerView<'_>,
    labels: &[u32],
    n_classes: usize,
    noise_var: f64,
    opts: Opts,
) -> (MiPair, MiPair) {
    let nan = (MiPair::NAN, MiPair::NAN);
    let valid = layer.is_well_formed(labels.len())
        && layer.rows < MAX_ROWS
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
    let cut = if opts.lower { BOTH_CUT } else { UP_CUT };
    let lay = layout(layer, labels, c_lo, cut);
    let sums = pair_sums(&lay, opts);
    let (up, lo) = finish(&lay, &sums);
    (up, if opts.lower { lo } else { MiPair::NAN })
}

/// Orders `idx` (rows of `data`, width d, from absolute position `at` in
/// the sorted layout) so that consecutive rows are close: a k-d split of
/// the widest unit at a position that keeps groups of [`G`] rows aligned,
/// recursively; each leaf of at most G rows ends in index order. The
/// result depends on the data only (ties broken by index).
fn kd_order(idx: &mut [u32], data: &[f32], d: usize, at: usize) {
    let n = idx.len();
    if n <= G {
        idx.sort_unstable();
        return;
    }
    let mut best = (0usize, 0.0f32);
    for k in 0..d {
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for &i in idx.iter() {
            let v = data[i as usize * d + k];
            lo = min_of(lo, v);
            hi = max_of(hi, v);
        }
        if hi - lo > best.1 {
            best = (k, hi - lo);
        }
    }
    if best.1 <= 0.0 {
        // All rows equal: any order is as good.
        idx.sort_unstable();
        return;
    }
    // Near the middle, at a multiple of G in absolute position.
    let mid = ((at + n / 2) / G * G).clamp(at + 1, at + n - 1) - at;
    let k = best.0;
    let key = |&i: &u32| (data[i as usize * d + k], i);
    idx.select_nth_unstable_by(mid, |a, b| {
        let (va, ia) = key(a);
        let (vb, ib) = key(b);
        va.total_cmp(&vb).then(ia.cmp(&ib))
    });
    let (left, right) = idx.split_at_mut(mid);
    kd_order(left, data, d, at);
    kd_order(right, data, d, at + mid);
}

/// Sorts rows by class, then each class by [`kd_order`], into row- and
/// column-major copies, with the column blocks' bounding boxes.
fn layout(layer: LayerView<'_>, labels: &[u32], c_lo: f32, cut: f32) -> Layout {
    let (p, d) = (layer.rows, layer.width);
    let counts = super::entropy::class_counts(labels);
    let mut class_end = Vec::with_capacity(counts.len());
    let mut next = Vec::with_capacity(counts.len());
    let mut end = 0;
    for &c in &counts {
        next.push(end);
        end += c;
        class_end.push(end);
    }
    // Pruning can only apply if the largest possible distance (the range
    // box's diagonal, with a margin for rounding) reaches the cut-off.
    let diag: f64 = super::binning::column_ranges(layer.data, d)
        .iter()
        .map(|&(l, h)| (f64::from(h) - f64::from(l)).powi(2))
        .sum();
    let can_prune = diag * 1.01 * -f64::from(c_lo) >= -f64::from(cut);
    let mut order = vec![0u32; p];
    for (i, &y) in labels.iter().enumerate() {
        order[next[y as usize]] = i as u32;
        next[y as usize] += 1;
    }
    let mut start = 0;
    for &e in &class_end {
        kd_order(&mut order[start..e], layer.data, d, start);
        start = e;
    }
    let pp = p.div_ceil(BLK) * BLK;
    let mut cols = vec![0.0f32; d * pp];
    let mut rows = vec![0.0f32; p * d];
    let mut class_of = vec![0usize; p];
    for (j, &i) in order.iter().enumerate() {
        let row = &layer.data[i as usize * d..(i as usize + 1) * d];
        rows[j * d..(j + 1) * d].copy_from_slice(row);
        for (k, &v) in row.iter().enumerate() {
            cols[k * pp + j] = v;
        }
        class_of[j] = labels[i as usize] as usize;
    }
    let nb = pp / G;
    let mut bb = vec![0.0f32; 2 * d * nb];
    let (blo, bhi) = bb.split_at_mut(d * nb);
    for k in 0..d {
        let (lo_k, hi_k) = (
            &mut blo[k * nb..(k + 1) * nb],
            &mut bhi[k * nb..(k + 1) * nb],
        );
        for (b, (l, h)) in lo_k.iter_mut().zip(hi_k.iter_mut()).enumerate() {
            // Past the last row: an empty box (never far, never used).
            let col = &cols[k * pp + b * G..k * pp + ((b + 1) * G).min(p.max(b * G))];
            (*l, *h) = super::binning::min_max(col);
        }
    }
    Layout {
        can_prune,
        d,
        p,
        pp,
        cols,
        rows,
        class_of,
        class_end,
        counts,
        c_lo,
        cut,
        bb,
    }
}

/// Own sums of each row (same 2s², same 8s², other 2s², other 8s², the
/// j = i term included) and each chunk's column sums.
struct PairSums {
    /// Own sums of each sorted row.
    rows: Vec<[f32; 4]>,
    /// Column sums of chunk c: four arrays (same 2s², same 8s², other
    /// 2s², other 8s²) over columns `col_base(c)..pp`, stored one after the
    /// other from `col_start[c]`.
    cols: Vec<f32>,
    col_start: Vec<usize>,
    /// Rows per chunk.
    chunk: usize,
    /// Column groups that pruning skipped (over every row tile): what the
    /// tests check pruning by.
    #[cfg_attr(not(test), allow(dead_code))]
    skipped: usize,
}

/// First column of chunk `c`'s column buffer: its first row, rounded down
/// to a block.
fn col_base(c: usize, chunk: usize) -> usize {
    c * chunk / BLK * BLK
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
    /// The tile's rows, each value repeated over G lanes.
    h: Vec<[f32; G]>,
    /// The tile's bounding box (lows, then highs).
    bb: Vec<f32>,
    /// Per column group: the lower bound of the tile's distances to it.
    lb: Vec<f32>,
}

/// Runs every chunk, on up to `threads` threads natively (see
/// [`super::parallel_map`]).
fn pair_sums(lay: &Layout, opts: Opts) -> PairSums {
    let p = lay.p;
    let chunk_len = chunk_rows(p);
    let n_chunks = p.div_ceil(chunk_len);
    let mut col_start = Vec::with_capacity(n_chunks);
    let mut total = 0;
    for c in 0..n_chunks {
        col_start.push(total);
        total += 4 * (lay.pp - col_base(c, chunk_len));
    }
    let mut rows = vec![[0.0f32; 4]; p];
    let mut cols = vec![0.0f32; total];

    // Pair each chunk with its own output slices; a worker takes the job
    // out of its slot.
    let mut jobs: Vec<Mutex<Option<Job<'_>>>> = Vec::with_capacity(n_chunks);
    let mut rest: &mut [f32] = &mut cols;
    for (chunk, r) in rows.chunks_mut(chunk_len).enumerate() {
        let n = 4 * (lay.pp - col_base(chunk, chunk_len));
        let (mine, tail) = std::mem::take(&mut rest).split_at_mut(n);
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
        opts.threads
    } else {
        1
    };
    let scratch = || Scratch {
        h: vec![[0.0; G]; MAX_TILE * lay.d],
        bb: vec![0.0; 2 * lay.d],
        lb: vec![0.0; lay.pp / G],
    };
    let skipped = super::parallel_map(n_chunks, threads, scratch, |scratch, c| {
        let job = jobs[c].lock().ok().and_then(|mut slot| slot.take());
        job.map_or(0, |job| {
            let opts = Opts {
                prune: opts.prune && lay.can_prune,
                ..opts
            };
            run_chunk(lay, job, scratch, opts)
        })
    });
    drop(jobs);
    PairSums {
        rows,
        cols,
        col_start,
        chunk: chunk_len,
        skipped: skipped.iter().sum(),
    }
}

/// Runs one chunk with the kernel build `opts.path` asks for; returns the
/// column groups pruning skipped.
fn run_chunk(lay: &Layout, job: Job<'_>, scratch: &mut Scratch, opts: Opts) -> usize {
    // A build per choice of bounds: a run-time test of `lower` in the
    // kernel made it take a quarter to a third more time natively.
    match (opts.path.or_supported(), opts.lower) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `or_supported` keeps AVX2 only on CPUs that have it.
        (Path::Avx2, true) => unsafe { chunk_avx2::<true>(lay, job, scratch, opts.prune) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        (Path::Avx2, false) => unsafe { chunk_avx2::<false>(lay, job, scratch, opts.prune) },
        #[cfg(test)]
        (Path::Scalar, true) => {
            chunk_body::<crate::simd::Scalar4, true>(lay, job, scratch, opts.prune)
        }
        #[cfg(test)]
        (Path::Scalar, false) => {
            chunk_body::<crate::simd::Scalar4, false>(lay, job, scratch, opts.prune)
        }
        (_, true) => chunk_body::<F32x4, true>(lay, job, scratch, opts.prune),
        (_, false) => chunk_body::<F32x4, false>(lay, job, scratch, opts.prune),
    }
}

/// The kernel on [`Avx8`] vectors compiled for AVX2 (no FMA): exactly the
/// element-wise operations of the other builds, hence the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn chunk_avx2<const LOWER: bool>(
    lay: &Layout,
    job: Job<'_>,
    scratch: &mut Scratch,
    prune: bool,
) -> usize {
    chunk_body::<Avx8, LOWER>(lay, job, scratch, prune)
}

/// Pairs (i, j > i) for the rows i of one chunk, in tiles of rows of one
/// class.
#[inline(always)]
fn chunk_body<V: Simd, const LOWER: bool>(
    lay: &Layout,
    job: Job<'_>,
    scratch: &mut Scratch,
    prune: bool,
) -> usize {
    let n = job.cols.len() / 4;
    let cbase = job.base / BLK * BLK;
    let (same_up, rest) = job.cols.split_at_mut(n);
    let (same_lo, rest) = rest.split_at_mut(n);
    let (oth_up, oth_lo) = rest.split_at_mut(n);
    let mut cols = ColSums {
        base: cbase,
        same: [same_up, same_lo],
        other: [oth_up, oth_lo],
    };
    // Wider tiles where the registers allow (the tile size never changes a
    // result): 4 rows on 16 registers of 4 or 8 lanes (in the browser the
    // letter's Saxe card took 82–83 s with 4 rows, 87–88 s with 2).
    let tile = if V::REGISTERS >= 16 { MAX_TILE } else { 2 };
    let mut li = 0;
    let mut skipped = 0;
    while li < job.rows.len() {
        let i = job.base + li;
        let ce = lay.class_end[lay.class_of[i]];
        // Whole tiles, and single rows where a class or the chunk ends
        // sooner (at most 3 rows each time): two builds of the kernel per
        // choice of bounds instead of four (the worker's download).
        let r = if (job.rows.len() - li).min(ce - i) >= tile {
            tile
        } else {
            1
        };
        let out = &mut job.rows[li..li + r];
        skipped += match r {
            1 => run_tile::<V, 1, LOWER>(lay, i, scratch, &mut cols, out, prune),
            2 => run_tile::<V, 2, LOWER>(lay, i, scratch, &mut cols, out, prune),
            _ => run_tile::<V, 4, LOWER>(lay, i, scratch, &mut cols, out, prune),
        };
        li += r;
    }
    skipped
}

/// A chunk's column sums: 2s² and 8s² kernels, same and other class, over
/// columns `base..pp`.
struct ColSums<'a> {
    base: usize,
    same: [&'a mut [f32]; 2],
    other: [&'a mut [f32]; 2],
}

/// 2^-31: below it e_lo's fourth power would be subnormal.
const TINY: f32 = 1.0 / 2_147_483_648.0;

/// Lane offsets 0..8 as f32, for the masks.
const IOTA: [f32; G] = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];

/// Rows `i0..i0 + R` (one class) against every column j > i: their own
/// sums into `out`, their kernels into the column sums (the 8s² ones left
/// at 0 unless `LOWER`); returns the column groups pruning skipped.
#[inline(always)]
fn run_tile<V: Simd, const R: usize, const LOWER: bool>(
    lay: &Layout,
    i0: usize,
    scratch: &mut Scratch,
    cols: &mut ColSums<'_>,
    out: &mut [[f32; 4]],
    prune: bool,
) -> usize {
    let d = lay.d;
    let ce = lay.class_end[lay.class_of[i0]];
    let tile_rows = &lay.rows[i0 * d..(i0 + R) * d];
    // Unit-major: unit k of tile row r at `h[k * R + r]`.
    for (r, row) in tile_rows.chunks_exact(d).enumerate() {
        for (k, &v) in row.iter().enumerate() {
            scratch.h[k * R + r] = [v; G];
        }
    }
    let (tlo, thi) = scratch.bb.split_at_mut(d);
    tlo.fill(f32::INFINITY);
    thi.fill(f32::NEG_INFINITY);
    for row in tile_rows.chunks_exact(d) {
        for ((l, h), &v) in tlo.iter_mut().zip(thi.iter_mut()).zip(row) {
            *l = min_of(*l, v);
            *h = max_of(*h, v);
        }
    }
    // Lower bounds of the distances to every column group from the tile's
    // first row on (whole vectors of groups).
    let nb = lay.pp / G;
    let b0 = (i0 + 1) / G / V::LANES * V::LANES;
    if prune {
        group_bounds::<V>(lay, tlo, thi, b0, &mut scratch.lb[b0..nb]);
    }
    let k = Tile::<R> {
        lay,
        i0,
        h: &scratch.h[..R * d],
        lb: &scratch.lb,
        prune,
    };
    // Per row: same 2s², same 8s², other 2s², other 8s² lane accumulators.
    let mut acc = [[[0.0f32; G]; 4]; R];
    let [su, sl] = &mut cols.same;
    let mut skipped = k.phase::<V, 0, LOWER>(i0 + 1, ce, &mut acc, cols.base, su, sl);
    let [ou, ol] = &mut cols.other;
    skipped += k.phase::<V, 2, LOWER>(ce, lay.p, &mut acc, cols.base, ou, ol);
    for (o, a) in out.iter_mut().zip(&acc) {
        // The j = i term, exp(0) = 1, comes first.
        *o = [
            1.0 + sum8(&a[0]),
            1.0 + sum8(&a[1]),
            sum8(&a[2]),
            sum8(&a[3]),
        ];
    }
    skipped
}

/// For column groups `b0..` (as many as `out` holds, a multiple of the
/// vector width), LB = Σ_k gap_k² in f32, unit by unit in order, where
/// gap_k is the distance between the tile's and the group's ranges in unit
/// k. Rounding is monotonic, so every pair's f32 distance in the kernel,
/// Σ_k (x_jk - x_ik)² added in the same order, is >= LB.
#[inline(always)]
fn group_bounds<V: Simd>(lay: &Layout, tlo: &[f32], thi: &[f32], b0: usize, out: &mut [f32]) {
    let nb = lay.pp / G;
    let (blo, bhi) = lay.bb.split_at(lay.d * nb);
    for (v, o) in out.chunks_exact_mut(V::LANES).enumerate() {
        let b = b0 + v * V::LANES;
        let mut lb = V::splat(0.0);
        let units = blo.chunks_exact(nb).zip(bhi.chunks_exact(nb));
        for ((lo_k, hi_k), (&tl, &th)) in units.zip(tlo.iter().zip(thi)) {
            let above = V::load(&lo_k[b..]) - V::splat(th);
            let below = V::splat(tl) - V::load(&hi_k[b..]);
            let gap = above.max_sel(below).max_sel(V::splat(0.0));
            lb = lb + gap * gap;
        }
        lb.store(o);
    }
}

/// One row tile's data for [`Tile::phase`].
struct Tile<'a, const R: usize> {
    lay: &'a Layout,
    /// First row of the tile.
    i0: usize,
    /// The tile's rows, splatted, unit-major (d × R).
    h: &'a [[f32; G]],
    /// Lower bounds of the tile's distances to each column group.
    lb: &'a [f32],
    prune: bool,
}

impl<const R: usize> Tile<'_, R> {
    /// Adds e_ij for j in `j0..j1` to the tile rows' accumulators `Q`,
    /// `Q + 1` (lane j mod 8; rows only take j > i) and to the column sums
    /// `col_up`, `col_lo` (indexed from `cbase`). Groups whose bound puts
    /// every kernel wanted at exactly 0 are skipped (see the module notes);
    /// returns how many.
    #[inline(always)]
    fn phase<V: Simd, const Q: usize, const LOWER: bool>(
        &self,
        j0: usize,
        j1: usize,
        acc: &mut [[[f32; G]; 4]; R],
        cbase: usize,
        col_up: &mut [f32],
        col_lo: &mut [f32],
    ) -> usize {
        if j0 >= j1 {
            return 0;
        }
        // Columns every lane of which all rows take without a mask.
        let clean_from = j0.max(self.i0 + R);
        let (c_lo, cut) = (self.lay.c_lo, self.lay.cut);
        let mut skipped = 0;
        for g in (j0 / G * G..j1.div_ceil(G) * G).step_by(G) {
            if self.prune && self.lb[g / G] * c_lo < cut {
                skipped += 1;
                continue;
            }
            let clean = g >= clean_from && g + G <= j1;
            let cu = &mut col_up[g - cbase..g - cbase + G];
            let cl = &mut col_lo[g - cbase..g - cbase + G];
            if clean {
                self.group::<V, Q, false, LOWER>(g, j0, j1, acc, cu, cl);
            } else {
                self.group::<V, Q, true, LOWER>(g, j0, j1, acc, cu, cl);
            }
        }
        skipped
    }

    /// The tile against the 8 columns `g..g + 8`.
    #[inline(always)]
    fn group<V: Simd, const Q: usize, const MASK: bool, const LOWER: bool>(
        &self,
        g: usize,
        j0: usize,
        j1: usize,
        acc: &mut [[[f32; G]; 4]; R],
        col_up: &mut [f32],
        col_lo: &mut [f32],
    ) {
        let pp = self.lay.pp;
        let c_lo = V::splat(self.lay.c_lo);
        let h = self.h.as_chunks::<R>().0;
        for l in (0..G).step_by(V::LANES) {
            let mut dist = [V::splat(0.0); R];
            for (col, hk) in self.lay.cols.chunks_exact(pp).zip(h) {
                let c = V::load(&col[g + l..]);
                for r in 0..R {
                    let t = c - V::load(&hk[r]);
                    dist[r] = dist[r] + t * t;
                }
            }
            let x: [V; R] = std::array::from_fn(|r| dist[r] * c_lo);
            let mut cu = V::load(&col_up[l..]);
            let mut cl = if LOWER {
                V::load(&col_lo[l..])
            } else {
                V::splat(0.0)
            };
            // x = D · (-1/(8s²)) <= 0, or NaN.
            let e = exp_nonpos_n(x);
            for r in 0..R {
                let mut e_lo = e[r];
                if MASK {
                    // Lanes with j0.max(i + 1) <= j < j1 count.
                    let from = j0.max(self.i0 + r + 1) as f32;
                    let j = V::splat(g as f32) + V::load(&IOTA[l..]);
                    let m = j.ge(V::splat(from)).and(j.lt(V::splat(j1 as f32)));
                    e_lo = m.and(e_lo);
                }
                // (e_lo²)², with e_lo < 2^-31 taken as 0 so that no
                // product is subnormal (slow on x86; the true value is
                // below 2^-124 and vanishes in sums >= 1 anyway).
                let big = e_lo.ge(V::splat(TINY)).and(e_lo);
                let sq = big * big;
                let e_up = sq * sq;
                let a = &mut acc[r];
                (V::load(&a[Q][l..]) + e_up).store(&mut a[Q][l..]);
                cu = cu + e_up;
                if LOWER {
                    (V::load(&a[Q + 1][l..]) + e_lo).store(&mut a[Q + 1][l..]);
                    cl = cl + e_lo;
                }
            }
            cu.store(&mut col_up[l..]);
            if LOWER {
                cl.store(&mut col_lo[l..]);
            }
        }
    }
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
            let base = col_base(c, s.chunk);
            let n = lay.pp - base;
            let at = s.col_start[c] + i - base;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};
    use crate::simd::Scalar4;

    fn bits(r: (MiPair, MiPair)) -> [u64; 4] {
        [
            r.0.ixt.to_bits(),
            r.0.ity.to_bits(),
            r.1.ixt.to_bits(),
            r.1.ity.to_bits(),
        ]
    }

    /// Clustered activations (so that pruning skips blocks at small noise)
    /// in `classes` classes.
    fn clustered(seed: u64, p: usize, d: usize, classes: u64) -> (Vec<f32>, Vec<u32>) {
        let mut r = Rng::for_stream(seed, Stream::Init);
        let centres: Vec<f32> = (0..8 * d)
            .map(|_| if r.below(2) == 0 { -0.9 } else { 0.9 })
            .collect();
        let mut data = Vec::with_capacity(p * d);
        for _ in 0..p {
            let c = r.below(8) as usize;
            for k in 0..d {
                data.push(centres[c * d + k] + (r.next_f64() as f32 - 0.5) * 0.1);
            }
        }
        let labels = (0..p).map(|_| r.below(classes) as u32).collect();
        (data, labels)
    }

    #[test]
    fn every_path_thread_count_and_pruning_gives_the_same_bits() {
        // 1100 rows: 9 chunks of 128 (the last short), class and block
        // boundaries off the 8-column grid, tiles cut short by classes.
        for (d, s2) in [(5usize, 1e-3), (3, 0.05), (1, 1e-3), (10, 0.1)] {
            let (data, labels) = clustered(d as u64, 1100, d, 3);
            let layer = LayerView {
                data: &data,
                rows: 1100,
                width: d,
            };
            let run = |threads, path, prune| {
                let opts = Opts {
                    threads,
                    path,
                    prune,
                    lower: true,
                };
                bits(kde_bounds_opts(layer, &labels, 3, s2, opts))
            };
            let want = run(1, Path::Scalar, false);
            for (threads, path, prune) in [
                (1, Path::Scalar, true),
                (1, Path::Base, false),
                (2, Path::Base, true),
                (1, Path::Avx2, true),
                (3, Path::Avx2, false),
                (2, Path::Avx2, true),
            ] {
                assert_eq!(
                    run(threads, path, prune),
                    want,
                    "d {d} s2 {s2}: {threads} threads, {path:?}, prune {prune}"
                );
            }
        }
    }

    #[test]
    fn the_upper_bound_alone_has_the_same_bits_and_prunes_further() {
        // (5, 0.05): clusters >= 1.7 apart in a unit, D <= 5 · 1.9² = 18.05,
        // so no kernel at 8s² reaches exp's 0 (the lower cut needs D >
        // 87 · 8 · 0.05 = 34.8) but upper kernels between clusters that
        // differ in 3 units or more (D >= 8.67 > 21.6 · 0.4 = 8.64) vanish.
        for (d, s2) in [(5usize, 0.05), (5, 1e-3), (1, 1e-3), (10, 0.1), (3, 0.5)] {
            let (data, labels) = clustered(d as u64 + 7, 1100, d, 3);
            let layer = LayerView {
                data: &data,
                rows: 1100,
                width: d,
            };
            let opts = |threads, path, prune, lower| Opts {
                threads,
                path,
                prune,
                lower,
            };
            let both = kde_bounds_opts(layer, &labels, 3, s2, opts(1, Path::Scalar, false, true));
            for (threads, path, prune) in [
                (1, Path::Scalar, true),
                (1, Path::Scalar, false),
                (2, Path::Base, true),
                (1, Path::Avx2, true),
                (3, Path::Avx2, true),
            ] {
                let (up, lo) =
                    kde_bounds_opts(layer, &labels, 3, s2, opts(threads, path, prune, false));
                let what = format!("d {d} s2 {s2}: {threads} threads, {path:?}, prune {prune}");
                assert_eq!(
                    (up.ixt.to_bits(), up.ity.to_bits()),
                    (both.0.ixt.to_bits(), both.0.ity.to_bits()),
                    "{what}"
                );
                assert!(lo.ixt.is_nan() && lo.ity.is_nan(), "{what}: no lower bound");
            }
            let skipped = |cut| {
                let c_lo = (-0.125 / s2) as f32;
                let lay = layout(layer, &labels, c_lo, cut);
                let lower = cut == BOTH_CUT;
                pair_sums(&lay, opts(1, Path::Base, true, lower)).skipped
            };
            if (d, s2) == (5, 0.05) {
                assert_eq!(skipped(BOTH_CUT), 0);
                assert!(skipped(UP_CUT) > 1000, "{} groups skipped", skipped(UP_CUT));
            }
            assert!(skipped(UP_CUT) >= skipped(BOTH_CUT), "d {d} s2 {s2}");
        }
    }

    #[test]
    fn exp_is_below_2_to_the_minus_31_at_every_argument_under_the_upper_cut() {
        // Every f32 in [-87, UP_CUT) (below -87 exp returns 0 exactly), as
        // the kernel computes it: then e_up = (e_lo²)² is 0 (module notes).
        let (hi, lo) = (UP_CUT.to_bits(), BOTH_CUT.to_bits());
        let mut worst = 0.0f32;
        for b in (hi + 1..=lo).step_by(4) {
            let x = std::array::from_fn(|k| f32::from_bits((b + k as u32).min(lo)));
            let [e] = exp_nonpos_n([Scalar4(x)]);
            worst = e.0.iter().fold(worst, |w, &v| w.max(v));
        }
        assert!(worst < TINY, "exp reaches {worst:e} below {UP_CUT}");
        // And the cut is no lower than it needs to be by much.
        assert!(worst > 0.8 * TINY, "{worst:e}");
    }

    #[test]
    fn group_bounds_hold_and_skip_far_groups() {
        // Cluster centres are ±0.9 per unit with spread ±0.05, so rows of
        // different clusters are >= 1.7 apart in some unit: D >= 2.89 and
        // 2.89 · (-1/(8·1e-3)) = -361 < -87. Every bound is checked against
        // the f32 distances the kernel computes, pair by pair.
        let (data, labels) = clustered(5, 512, 5, 1);
        let layer = LayerView {
            data: &data,
            rows: 512,
            width: 5,
        };
        let c_lo = (-0.125 / 1e-3) as f32;
        let lay = layout(layer, &labels, c_lo, BOTH_CUT);
        let (d, nb) = (lay.d, lay.pp / G);
        let mut lb = vec![0.0f32; nb];
        let mut far = 0;
        for t in (0..512).step_by(4) {
            let rows = &lay.rows[t * d..(t + 4) * d];
            let mut lo = vec![f32::INFINITY; d];
            let mut hi = vec![f32::NEG_INFINITY; d];
            for row in rows.chunks_exact(d) {
                for k in 0..d {
                    lo[k] = lo[k].min(row[k]);
                    hi[k] = hi[k].max(row[k]);
                }
            }
            group_bounds::<Scalar4>(&lay, &lo, &hi, 0, &mut lb);
            for b in 0..nb {
                let zero = lb[b] * c_lo < BOTH_CUT;
                far += usize::from(zero);
                for i in t..t + 4 {
                    for j in b * G..(b + 1) * G {
                        let dist: f32 = (0..d)
                            .map(|k| lay.cols[k * lay.pp + j] - lay.rows[i * d + k])
                            .fold(0.0, |s, x| s + x * x);
                        assert!(dist >= lb[b], "tile {t} group {b}: {dist} < {}", lb[b]);
                        assert!(!zero || dist * c_lo < BOTH_CUT);
                    }
                }
            }
        }
        // 8 clusters in k-d order: most tile/group pairs are far.
        assert!(far > 128 * nb / 2, "{far} far tile/group pairs");
    }

    #[test]
    fn up_kernel_from_squares_is_close_to_its_own_exponential() {
        // (e^{x/4})^4 against e^x over the kernel's range, in f64.
        let mut x = -87.0f32;
        while x <= 0.0 {
            let e = crate::math::exp_v(Scalar4::splat(x * 0.25)).0[0];
            let sq = e * e;
            let up = f64::from(sq * sq);
            let want = f64::from(x * 0.25 * 4.0).exp();
            assert!(
                (up - want).abs() <= 1e-6 * want + 1e-37,
                "x {x}: {up} vs {want}"
            );
            x += 0.173;
        }
    }
}
