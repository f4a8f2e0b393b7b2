//! Entropies of discrete codes, counted by sorting (deterministic).
//!
//! A group of `c` equal items out of `n` contributes `-(c/n) log2(c/n)`, so
//! `H = log2 n - (1/n) Σ_groups c log2 c`. Groups of one contribute nothing
//! to the sum, and groups of equal size contribute equally, so the sum is
//! taken over a histogram of group sizes: at most ~√(2n) distinct sizes,
//! hence few logarithms, in ascending size order (a fixed order).

use super::MiPair;
use crate::math::log2;

/// Number of bits needed to write `x` (0 for 0).
fn bits_for(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// True when there is at least one label and every label is below
/// `n_classes`.
pub(crate) fn labels_valid(labels: &[u32], n_classes: usize) -> bool {
    !labels.is_empty() && labels.iter().all(|&y| (y as usize) < n_classes)
}

/// Rows per class, sized by the largest label present (so a huge
/// `n_classes` costs nothing; classes without rows contribute nothing).
pub(crate) fn class_counts(labels: &[u32]) -> Vec<usize> {
    let n_lab = labels.iter().max().map_or(0, |&m| m as usize + 1);
    let mut counts = vec![0usize; n_lab];
    for &y in labels {
        counts[y as usize] += 1;
    }
    counts
}

/// `Σ_c hist[c] · c log2 c` over group sizes c >= 2, ascending.
fn sum_c_log2_c(hist: &[u32]) -> f64 {
    let mut s = 0.0f64;
    for (c, &m) in hist.iter().enumerate().skip(2) {
        if m != 0 {
            let c = c as f64;
            s += f64::from(m) * (c * log2(c));
        }
    }
    s
}

/// Entropy in bits of `n` items whose group sizes have histogram `hist`.
fn entropy_from_hist(hist: &[u32], n: usize) -> f64 {
    let n = n as f64;
    log2(n) - sum_c_log2_c(hist) / n
}

/// Entropy in bits of a label vector (H(Y)), for invariant checks and the
/// UI. NaN when `labels` is empty or a label is not below `n_classes`.
pub fn label_entropy(labels: &[u32], n_classes: usize) -> f64 {
    if !labels_valid(labels, n_classes) {
        return f64::NAN;
    }
    let counts = class_counts(labels);
    let mut hist = vec![0u32; labels.len() + 1];
    for &c in &counts {
        hist[c] += 1;
    }
    entropy_from_hist(&hist, labels.len())
}

/// MI from discrete codes: `codes` row-major `rows` × `width` (one u32 code
/// per unit), plus labels. I(X;T) = H(T) (T is a deterministic function of
/// X and every input row is its own X, so H(T|X) = 0), and
/// I(T;Y) = H(T) - Σ_y p(y) H(T|Y=y). Rows are counted by sorting, logs are
/// base 2, arithmetic f64. NaN when `rows` or `width` is 0, the shapes
/// disagree, or a label is not below `n_classes`.
pub fn discrete_mi(
    codes: &[u32],
    rows: usize,
    width: usize,
    labels: &[u32],
    n_classes: usize,
) -> MiPair {
    if rows == 0
        || width == 0
        || rows.checked_mul(width) != Some(codes.len())
        || labels.len() != rows
        || !labels_valid(labels, n_classes)
    {
        return MiPair::NAN;
    }
    mi_from_codes(codes, rows, width, labels)
}

/// [`discrete_mi`] on input already checked (`rows >= 1`, shapes agree).
pub(crate) fn mi_from_codes(codes: &[u32], rows: usize, width: usize, labels: &[u32]) -> MiPair {
    // One u64 key per row: the row's pattern in the high bits, its label in
    // the low `lbits` bits. Sorting groups equal patterns, and within them
    // equal labels.
    let mut keys = pattern_keys(codes, rows, width);
    let max_label = labels.iter().copied().max().unwrap_or(0);
    let mut lbits = bits_for(u64::from(max_label));
    let used = bits_for(keys.iter().copied().max().unwrap_or(0));
    if used + lbits > 64 {
        // Dense pattern ranks fit in 32 bits (rows < 2^32 in practice).
        compress(&mut keys);
        lbits = 32;
    }
    for (k, &y) in keys.iter_mut().zip(labels) {
        *k = (*k << lbits) | u64::from(y);
    }
    let key_bits = bits_for(keys.iter().copied().max().unwrap_or(0));
    super::radix::sort_by_bits(&mut keys, 0, key_bits);

    let counts = class_counts(labels);
    // Group-size histograms: one for T, one per class for T | Y = y (class y
    // owns hist_y[off[y]..off[y] + counts[y] + 1]).
    let mut off = Vec::with_capacity(counts.len() + 1);
    off.push(0usize);
    for &c in &counts {
        off.push(off.last().copied().unwrap_or(0) + c + 1);
    }
    let mut hist_t = vec![0u32; rows + 1];
    let mut hist_y = vec![0u32; off.last().copied().unwrap_or(0)];
    let mask = (1u64 << lbits) - 1;
    let n = keys.len();
    let mut i = 0;
    while i < n {
        let pattern = keys[i] >> lbits;
        let mut j = i;
        while j < n && keys[j] >> lbits == pattern {
            let k = keys[j];
            let mut m = j;
            while m < n && keys[m] == k {
                m += 1;
            }
            hist_y[off[(k & mask) as usize] + (m - j)] += 1;
            j = m;
        }
        hist_t[j - i] += 1;
        i = j;
    }

    let h_t = entropy_from_hist(&hist_t, rows);
    let mut h_t_given_y = 0.0f64;
    for (y, &c) in counts.iter().enumerate() {
        if c > 0 {
            let p_y = c as f64 / rows as f64;
            h_t_given_y += p_y * entropy_from_hist(&hist_y[off[y]..off[y + 1]], c);
        }
    }
    MiPair {
        ixt: h_t,
        ity: h_t - h_t_given_y,
    }
}

/// One key per row such that two rows have equal keys exactly when their
/// code patterns are equal. Each column is stored as its offset from the
/// column minimum in just enough bits; columns are packed into the u64 key
/// until it is full, then the keys are replaced by their dense ranks and
/// packing goes on. Constant columns take no bits.
fn pattern_keys(codes: &[u32], rows: usize, width: usize) -> Vec<u64> {
    let mut mins = vec![u32::MAX; width];
    let mut maxs = vec![0u32; width];
    for row in codes.chunks_exact(width) {
        for ((lo, hi), &v) in mins.iter_mut().zip(maxs.iter_mut()).zip(row) {
            *lo = (*lo).min(v);
            *hi = (*hi).max(v);
        }
    }
    let bits: Vec<u32> = mins
        .iter()
        .zip(&maxs)
        .map(|(&lo, &hi)| bits_for(u64::from(hi - lo)))
        .collect();
    let mut keys = vec![0u64; rows];
    if bits.iter().sum::<u32>() <= 64 {
        // Everything fits: one row-major pass.
        for (k, row) in keys.iter_mut().zip(codes.chunks_exact(width)) {
            let mut key = 0u64;
            for ((&v, &lo), &b) in row.iter().zip(&mins).zip(&bits) {
                // A constant column has b = 0 and v - lo = 0: no change.
                key = (key << b) | u64::from(v - lo);
            }
            *k = key;
        }
        return keys;
    }
    let mut used = 0u32;
    for c in 0..width {
        let b = bits[c];
        if b == 0 {
            continue;
        }
        if used + b > 64 {
            // Ranks need at most 32 bits, columns at most 32: it fits now.
            used = compress(&mut keys);
        }
        let lo = mins[c];
        for (k, row) in keys.iter_mut().zip(codes.chunks_exact(width)) {
            *k = (*k << b) | u64::from(row[c] - lo);
        }
        used += b;
    }
    keys
}

/// Replaces keys by their dense ranks (0, 1, ... in key order); returns the
/// number of bits the ranks need.
fn compress(keys: &mut [u64]) -> u32 {
    let mut order: Vec<(u64, usize)> = keys.iter().enumerate().map(|(r, &k)| (k, r)).collect();
    order.sort_unstable();
    let mut rank = 0u64;
    let mut prev = order.first().map_or(0, |p| p.0);
    for &(k, r) in &order {
        if k != prev {
            rank += 1;
            prev = k;
        }
        keys[r] = rank;
    }
    bits_for(rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_identify_patterns_even_when_compressed() {
        // Three wide columns (32 bits each) force a compression; rows 0 and
        // 2 are equal, row 1 differs only in the last column.
        let codes = [
            0,
            u32::MAX,
            5,
            0,
            u32::MAX,
            6,
            0,
            u32::MAX,
            5,
            u32::MAX,
            0,
            5,
        ];
        let k = pattern_keys(&codes, 4, 3);
        assert_eq!(k[0], k[2]);
        assert_ne!(k[0], k[1]);
        assert_ne!(k[0], k[3]);
        assert_ne!(k[1], k[3]);
    }

    #[test]
    fn label_entropy_by_hand() {
        // 3 of class 0, 1 of class 1: -(3/4)log2(3/4) - (1/4)log2(1/4)
        // = 2 - (3 log2 3)/4 = 0.8112781244591328.
        let h = label_entropy(&[0, 0, 0, 1], 2);
        assert!((h - 0.811_278_124_459_132_8).abs() < 1e-15, "{h}");
        assert_eq!(label_entropy(&[0, 1, 1, 0], 2), 1.0);
        assert_eq!(label_entropy(&[2, 2], 3), 0.0);
        assert!(label_entropy(&[], 2).is_nan());
        assert!(label_entropy(&[0, 2], 2).is_nan());
    }
}
