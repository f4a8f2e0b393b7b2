//! Portable f32 kernels that give bit-identical results on every target.
//!
//! Only IEEE-754 `+ - * /`, `sqrt`, comparisons and bit casts are used, all
//! of which are correctly rounded everywhere, and no operation is fused
//! (Rust never contracts `a * b + c` into an FMA). Loops are written over
//! fixed-size lanes so LLVM vectorises them on x86 (SSE/AVX) and on wasm
//! (simd128) alike while the order of every addition stays the one written.

/// Lanes per block in the network kernels (samples processed side by side).
pub const LANES: usize = 32;

/// One block of `LANES` values (one unit, `LANES` samples).
pub type Block = [f32; LANES];

/// `x` limited to `[lo, hi]` by compare-and-select (NaN passes through).
/// Not `f32::clamp`: wasm's min/max differ from IEEE minNum/maxNum on NaN, so
/// `clamp` costs extra instructions there; selects map to plain SIMD blends.
#[inline(always)]
#[allow(clippy::manual_clamp)]
fn clamp_select(x: f32, lo: f32, hi: f32) -> f32 {
    if x > hi {
        hi
    } else if x < lo {
        lo
    } else {
        x
    }
}

/// TensorFlow's CPU `tanh` for float32: Eigen's `generic_fast_tanh_float`, a
/// 13/6-degree rational interpolant, here in its non-FMA form (clamp
/// ±7.90531110763549805, the smallest input where it evaluates to exactly 1).
/// Faithful to what the original experiments computed, and branch-free, so it
/// vectorises.
#[inline(always)]
#[allow(clippy::excessive_precision)] // Eigen's constants, verbatim.
pub fn tanh(a: f32) -> f32 {
    const CLAMP: f32 = 7.90531110763549805;
    let x = clamp_select(a, -CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
    p = x2 * p + -8.60467152213735e-11;
    p = x2 * p + 5.12229709037114e-08;
    p = x2 * p + 1.48572235717979e-05;
    p = x2 * p + 6.37261928875436e-04;
    p = x2 * p + 4.89352455891786e-03;
    p *= x;
    let mut q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04;
    q = x2 * q + 2.26843463243900e-03;
    q = x2 * q + 4.89352518554385e-03;
    // Below 0.0004 the interpolant is less accurate than tanh(x) = x.
    if a.abs() < 0.0004 {
        a
    } else {
        p / q
    }
}

/// `exp(x)` in f32 (Cephes/Eigen polynomial, max error ~1 ulp), branch-free.
/// Returns 0 below -87 (where f32 leaves the normal range) and saturates at
/// `exp(88)` above 88 (far beyond any value the callers can produce).
#[inline(always)]
#[allow(clippy::excessive_precision)] // Cephes' constants, verbatim.
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // 1.5 * 2^23: adding it rounds to the nearest integer (ties to even)
    // without calling `floor`, which SSE2 cannot vectorise.
    const MAGIC: f32 = 12_582_912.0;
    let xc = clamp_select(x, -87.0, 88.0);
    let t = xc * LOG2E + MAGIC;
    let m = t - MAGIC;
    // Cody-Waite: ln 2 split into an exactly representable head and a tail.
    let r = xc - m * 0.693359375 - m * -2.12194440e-4;
    let r2 = r * r;
    let mut y = r * 1.9875691500e-4 + 1.3981999507e-3;
    y = y * r + 8.3334519073e-3;
    y = y * r + 4.1665795894e-2;
    y = y * r + 1.6666665459e-1;
    y = y * r + 5.0000001201e-1;
    y = y * r2 + r + 1.0;
    // The integer m sits in the low mantissa bits of t.
    let mi = (t.to_bits() as i32).wrapping_sub(MAGIC.to_bits() as i32);
    let scale = f32::from_bits(((mi + 127) as u32) << 23);
    if x < -87.0 {
        0.0
    } else {
        y * scale
    }
}

/// The logistic function 1 / (1 + e^-x).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Sum of 8 lanes by a fixed pairwise tree (the same on every target).
#[inline(always)]
pub fn sum8(v: &[f32; 8]) -> f32 {
    ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
}

/// Sum of a block's lanes by a fixed pairwise tree.
#[inline(always)]
pub fn sum_block(v: &Block) -> f32 {
    let mut h = [0.0f32; 8];
    for i in 0..8 {
        h[i] = (v[i] + v[i + 8]) + (v[i + 16] + v[i + 24]);
    }
    sum8(&h)
}

/// Σ a_i b_i with eight interleaved accumulators (deterministic order).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; 8];
    let n8 = a.len() / 8 * 8;
    for (ca, cb) in a[..n8].chunks_exact(8).zip(b[..n8].chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += ca[k] * cb[k];
        }
    }
    let mut s = sum8(&acc);
    for k in n8..a.len() {
        s += a[k] * b[k];
    }
    s
}

/// Σ a_i² (deterministic order).
pub fn sum_sq(a: &[f32]) -> f32 {
    dot(a, a)
}

/// Σ a_i² accumulated in f64 (for norms reported to users).
pub fn norm2_f64(a: &[f32]) -> f64 {
    let mut s = 0.0f64;
    for &v in a {
        s += f64::from(v) * f64::from(v);
    }
    s.sqrt()
}

/// Natural log in f64, from the pure-Rust `libm` so every target agrees.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Base-2 log in f64 (portable).
#[inline]
pub fn log2(x: f64) -> f64 {
    libm::log2(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_matches_reference_within_a_few_ulp() {
        let mut x = -10.0f64;
        while x <= 10.0 {
            let got = tanh(x as f32) as f64;
            let want = (x as f32 as f64).tanh();
            assert!(
                (got - want).abs() <= 4.0 * f32::EPSILON as f64 * want.abs().max(1e-3),
                "x={x} got={got} want={want}"
            );
            x += 0.0137;
        }
        assert_eq!(tanh(20.0), 1.0);
        assert_eq!(tanh(-20.0), -1.0);
        assert_eq!(tanh(1e-5), 1e-5);
        assert_eq!(tanh(0.0), 0.0);
    }

    #[test]
    fn exp_matches_reference() {
        let mut x = -86.0f64;
        while x <= 87.0 {
            let got = exp(x as f32) as f64;
            let want = (x as f32 as f64).exp();
            assert!(
                ((got - want) / want).abs() < 3e-7,
                "x={x} got={got} want={want}"
            );
            x += 0.0731;
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-100.0), 0.0);
        assert!(exp(200.0).is_finite());
    }

    #[test]
    fn dot_is_exact_on_small_integers() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..19).map(|i| (i * i) as f32).sum::<f32>());
    }
}
