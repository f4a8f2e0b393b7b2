//! The one radix sort of the estimators: stable, by a range of key bits.
//! Counting by sorting keeps results independent of hash-map order, and a
//! radix sort is linear, several times faster than a comparison sort on a
//! layer's few thousand keys.

/// Most bits in one digit: a 2048-entry count table stays in L1 cache.
const MAX_DIGIT_BITS: u32 = 11;

/// Sorts `keys` stably by their bits `lo..hi` (bit 0 the least
/// significant); bits outside the range are carried along, never compared.
/// LSD radix sort with `ceil((hi - lo) / 11)` digits of (nearly) equal
/// width, skipping each digit that is the same in every key. An empty range (`lo >= hi`) leaves
/// the keys as they are; `hi` is capped at 64.
pub(crate) fn sort_by_bits(keys: &mut Vec<u64>, lo: u32, hi: u32) {
    let hi = hi.min(64);
    let n = keys.len();
    if n < 2 || lo >= hi {
        return;
    }
    let span = hi - lo;
    let passes = span.div_ceil(MAX_DIGIT_BITS);
    let digit = span.div_ceil(passes);
    let mut count = vec![0usize; 1 << digit];
    let mut tmp = vec![0u64; n];
    let mut shift = lo;
    while shift < hi {
        // The last digit may be narrower: bits at or above `hi` never count.
        let mask = (1u64 << digit.min(hi - shift)) - 1;
        count.fill(0);
        for &k in keys.iter() {
            count[((k >> shift) & mask) as usize] += 1;
        }
        if count[((keys[0] >> shift) & mask) as usize] != n {
            let mut sum = 0;
            for c in count.iter_mut() {
                let here = *c;
                *c = sum;
                sum += here;
            }
            for &k in keys.iter() {
                let d = ((k >> shift) & mask) as usize;
                tmp[count[d]] = k;
                count[d] += 1;
            }
            std::mem::swap(keys, &mut tmp);
        }
        shift += digit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    /// Mask of bits `lo..hi`.
    fn range_mask(lo: u32, hi: u32) -> u64 {
        let width = if hi - lo == 64 {
            u64::MAX
        } else {
            (1u64 << (hi - lo)) - 1
        };
        width << lo
    }

    #[test]
    fn sorts_stably_by_any_bit_range() {
        let mut rng = Rng::for_stream(1, Stream::Init);
        for (lo, hi) in [
            (0, 1),
            (0, 7),
            (0, 8),
            (0, 13),
            (0, 40),
            (0, 64),
            (32, 64),
            (5, 17),
            (63, 64),
        ] {
            let m = range_mask(lo, hi);
            // Half the keys take one of 50 values in the range (many ties,
            // told apart by random bits outside it, so stability shows),
            // half are random throughout.
            let mut v: Vec<u64> = (0..3000)
                .map(|i| {
                    let r = rng.next_u64();
                    if i % 2 == 0 {
                        (r & !m) | ((rng.below(50) << lo) & m)
                    } else {
                        r
                    }
                })
                .collect();
            v.extend([u64::MAX, 0, 7, 1 << lo]);
            // The standard library's stable sort is the reference.
            let mut want = v.clone();
            want.sort_by_key(|&k| k & m);
            sort_by_bits(&mut v, lo, hi);
            assert!(v == want, "bits {lo}..{hi}");
        }
    }

    #[test]
    fn skips_uniform_digits_and_handles_tiny_inputs() {
        // Every key shares bits 8..64 except the lowest byte: only the lowest
        // digit moves anything, and the order is by that byte.
        let mut v: Vec<u64> = (0..300u64).map(|i| (0xABCD << 40) | (299 - i)).collect();
        sort_by_bits(&mut v, 0, 64);
        assert_eq!(
            v,
            (0..300u64).map(|i| (0xABCD << 40) | i).collect::<Vec<_>>()
        );
        let mut empty: Vec<u64> = Vec::new();
        sort_by_bits(&mut empty, 0, 64);
        assert!(empty.is_empty());
        let mut one = vec![5];
        sort_by_bits(&mut one, 0, 64);
        assert_eq!(one, vec![5]);
        // An empty range is no sort at all.
        let mut v = vec![3, 1, 2];
        sort_by_bits(&mut v, 10, 10);
        assert_eq!(v, vec![3, 1, 2]);
    }
}
