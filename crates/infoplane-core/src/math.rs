//! Portable f32 kernels that give bit-identical results on every target.
//!
//! Only IEEE-754 `+ - * /`, `sqrt`, comparisons and bit casts are used, all
//! of which are correctly rounded everywhere, and no operation is fused
//! (Rust never contracts `a * b + c` into an FMA). Each function has a
//! scalar form and a vector form over [`Simd`] lanes (`*_v`) that performs
//! the same operations in the same order on every lane, so both give the
//! same bits (the tests check this on every backend).

pub use crate::simd::sum8;
use crate::simd::Simd;

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

/// The smaller of a running minimum `acc` and `v` (`v < acc ? v : acc`): as
/// `f32::min` when folding from +inf over values that are not NaN (a NaN
/// `v` is skipped). One compare and select: `f32::min` (IEEE minNum) has no
/// wasm instruction and compiles to a call to `fminf` there, one per value.
#[inline(always)]
pub fn min_of(acc: f32, v: f32) -> f32 {
    if v < acc {
        v
    } else {
        acc
    }
}

/// The larger of a running maximum `acc` and `v`, as [`min_of`].
#[inline(always)]
pub fn max_of(acc: f32, v: f32) -> f32 {
    if v > acc {
        v
    } else {
        acc
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

/// Below this argument [`exp`] and its vector forms return exactly 0.
pub(crate) const EXP_ZERO_BELOW: f32 = -87.0;

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
    let xc = clamp_select(x, EXP_ZERO_BELOW, 88.0);
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
    if x < EXP_ZERO_BELOW {
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

/// [`clamp_select`] per lane: `min_sel`/`max_sel` with the bound first
/// keep NaN (compare-and-select returns its second operand on NaN).
#[inline(always)]
fn clamp_select_v<V: Simd>(x: V, lo: f32, hi: f32) -> V {
    V::splat(lo).max_sel(V::splat(hi).min_sel(x))
}

/// [`tanh`] on every lane (the same operations in the same order).
#[inline(always)]
#[allow(clippy::excessive_precision)] // Eigen's constants, verbatim.
pub fn tanh_v<V: Simd>(a: V) -> V {
    const CLAMP: f32 = 7.90531110763549805;
    let s = V::splat;
    let x = clamp_select_v(a, -CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * s(-2.76076847742355e-16) + s(2.00018790482477e-13);
    p = x2 * p + s(-8.60467152213735e-11);
    p = x2 * p + s(5.12229709037114e-08);
    p = x2 * p + s(1.48572235717979e-05);
    p = x2 * p + s(6.37261928875436e-04);
    p = x2 * p + s(4.89352455891786e-03);
    p = p * x;
    let mut q = x2 * s(1.19825839466702e-06) + s(1.18534705686654e-04);
    q = x2 * q + s(2.26843463243900e-03);
    q = x2 * q + s(4.89352518554385e-03);
    a.abs().lt(s(0.0004)).select(a, p / q)
}

/// [`tanh_v`] of `N` vectors, step by step across them so that each
/// constant is materialised once per step; the same operations as `tanh_v`
/// on every lane.
#[inline(always)]
#[allow(clippy::excessive_precision)] // Eigen's constants, verbatim.
pub fn tanh_n<V: Simd, const N: usize>(a: [V; N]) -> [V; N] {
    const CLAMP: f32 = 7.90531110763549805;
    let s = V::splat;
    let each = |f: &dyn Fn(usize) -> V| -> [V; N] { std::array::from_fn(f) };
    let x = each(&|i| clamp_select_v(a[i], -CLAMP, CLAMP));
    let x2 = each(&|i| x[i] * x[i]);
    let mut p = each(&|i| x2[i] * s(-2.76076847742355e-16) + s(2.00018790482477e-13));
    p = each(&|i| x2[i] * p[i] + s(-8.60467152213735e-11));
    p = each(&|i| x2[i] * p[i] + s(5.12229709037114e-08));
    p = each(&|i| x2[i] * p[i] + s(1.48572235717979e-05));
    p = each(&|i| x2[i] * p[i] + s(6.37261928875436e-04));
    p = each(&|i| x2[i] * p[i] + s(4.89352455891786e-03));
    p = each(&|i| p[i] * x[i]);
    let mut q = each(&|i| x2[i] * s(1.19825839466702e-06) + s(1.18534705686654e-04));
    q = each(&|i| x2[i] * q[i] + s(2.26843463243900e-03));
    q = each(&|i| x2[i] * q[i] + s(4.89352518554385e-03));
    each(&|i| a[i].abs().lt(s(0.0004)).select(a[i], p[i] / q[i]))
}

/// [`exp`] on every lane (the same operations in the same order).
#[inline(always)]
pub fn exp_v<V: Simd>(x: V) -> V {
    exp_n([x])[0]
}

/// [`exp_v`] of `N` vectors, step by step across them so that each
/// constant is materialised once per step (kernels that need several
/// exponentials at once); the same operations as the scalar [`exp`] on
/// every lane.
#[inline(always)]
pub fn exp_n<V: Simd, const N: usize>(x: [V; N]) -> [V; N] {
    exp_n_impl::<V, N, true>(x)
}

/// [`exp_n`] for arguments that are <= 0 or NaN (the KDE kernel's
/// -D/(8s²)): the same bits without the clamp, which changes no such
/// argument above -87, and below -87 the result is 0 whatever the
/// unclamped steps computed (2 of about 30 instructions per vector).
#[inline(always)]
pub fn exp_nonpos_n<V: Simd, const N: usize>(x: [V; N]) -> [V; N] {
    exp_n_impl::<V, N, false>(x)
}

#[inline(always)]
#[allow(clippy::excessive_precision)] // Cephes' constants, verbatim.
fn exp_n_impl<V: Simd, const N: usize, const CLAMP: bool>(x: [V; N]) -> [V; N] {
    const MAGIC: f32 = 12_582_912.0;
    let s = V::splat;
    let each = |f: &dyn Fn(usize) -> V| -> [V; N] { std::array::from_fn(f) };
    let xc = if CLAMP {
        each(&|i| clamp_select_v(x[i], EXP_ZERO_BELOW, 88.0))
    } else {
        x
    };
    let t = each(&|i| xc[i] * s(std::f32::consts::LOG2_E) + s(MAGIC));
    let m = each(&|i| t[i] - s(MAGIC));
    let r = each(&|i| xc[i] - m[i] * s(0.693359375) - m[i] * s(-2.12194440e-4));
    let r2 = each(&|i| r[i] * r[i]);
    let mut y = each(&|i| r[i] * s(1.9875691500e-4) + s(1.3981999507e-3));
    y = each(&|i| y[i] * r[i] + s(8.3334519073e-3));
    y = each(&|i| y[i] * r[i] + s(4.1665795894e-2));
    y = each(&|i| y[i] * r[i] + s(1.6666665459e-1));
    y = each(&|i| y[i] * r[i] + s(5.0000001201e-1));
    y = each(&|i| y[i] * r2[i] + r[i] + s(1.0));
    // scale = (bits(t) - bits(MAGIC) + 127) << 23, as in the scalar form.
    let k = 127i32.wrapping_sub(MAGIC.to_bits() as i32);
    // Below -87: 0 (and-not of the mask, one instruction).
    each(&|i| {
        x[i].lt(s(EXP_ZERO_BELOW))
            .and_not(y[i] * t[i].add_bits_shl23(k))
    })
}

/// -x per lane: -0 - x flips the sign of every value, zeros included.
#[inline(always)]
pub fn neg_v<V: Simd>(x: V) -> V {
    V::splat(-0.0) - x
}

/// [`sigmoid`] on every lane.
#[inline(always)]
pub fn sigmoid_v<V: Simd>(x: V) -> V {
    V::splat(1.0) / (V::splat(1.0) + exp_v(neg_v(x)))
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
    fn min_of_and_max_of_fold_as_f32_min_and_max_skipping_nan() {
        let v = [3.5f32, -2.0, f32::NAN, 7.25, -2.5, 0.0, f32::NAN, 1.0];
        let lo = v.iter().copied().fold(f32::INFINITY, min_of);
        let hi = v.iter().copied().fold(f32::NEG_INFINITY, max_of);
        assert_eq!((lo, hi), (-2.5, 7.25));
        assert_eq!(lo, v.iter().copied().fold(f32::INFINITY, f32::min));
        assert_eq!(hi, v.iter().copied().fold(f32::NEG_INFINITY, f32::max));
        // Nothing but NaN, or nothing: the starting values.
        assert_eq!(
            [f32::NAN].iter().copied().fold(f32::INFINITY, min_of),
            f32::INFINITY
        );
        assert_eq!(max_of(f32::NEG_INFINITY, f32::NAN), f32::NEG_INFINITY);
    }

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

    /// Inputs for the scalar/vector comparisons: a fine sweep, the clamp
    /// and cut-off points and their neighbours, and special values.
    fn probe_inputs() -> Vec<f32> {
        let mut v: Vec<f32> = (-200_000..=200_000).map(|i| i as f32 * 5e-4).collect();
        for c in [7.905_311_f32, 0.0004, 87.0, 88.0, 1e-30, 1e-40] {
            for x in [c, -c] {
                v.extend([
                    x,
                    f32::from_bits(x.to_bits() + 1),
                    f32::from_bits(x.to_bits() - 1),
                ]);
            }
        }
        v.extend([
            0.0,
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e30,
            -1e30,
        ]);
        v
    }

    /// `fv` on every lane of `V` against `fs` on each value, bit for bit.
    fn same_bits<V: Simd>(fs: fn(f32) -> f32, fv: fn(V) -> V, what: &str) {
        let xs = probe_inputs();
        let mut out = [0.0f32; 8];
        for chunk in xs.chunks(V::LANES) {
            let mut lanes = [0.0f32; 8];
            lanes[..chunk.len()].copy_from_slice(chunk);
            fv(V::load(&lanes)).store(&mut out);
            for (k, &x) in chunk.iter().enumerate() {
                let want = fs(x);
                assert!(
                    out[k].to_bits() == want.to_bits() || (out[k].is_nan() && want.is_nan()),
                    "{what}({x:e}): vector {} scalar {want}",
                    out[k]
                );
            }
        }
    }

    fn vector_forms_match<V: Simd>() {
        same_bits::<V>(tanh, tanh_v, "tanh");
        same_bits::<V>(exp, exp_v, "exp");
        same_bits::<V>(sigmoid, sigmoid_v, "sigmoid");
        same_bits::<V>(|x| -x, neg_v, "neg");
        same_bits::<V>(exp, |x| exp_n([x, x + V::splat(1.0), x])[2], "exp_n");
        same_bits::<V>(exp, |x| exp_n([x, x + V::splat(1.0)])[0], "exp_n");
        // Every probe made <= 0 (NaN stays NaN).
        same_bits::<V>(
            |x| exp(-x.abs()),
            |x| exp_nonpos_n([neg_v(x.abs())])[0],
            "exp_nonpos_n",
        );
        same_bits::<V>(
            |x| exp(-x.abs()),
            |x| exp_nonpos_n([x, neg_v(x.abs()), x])[1],
            "exp_nonpos_n",
        );
        same_bits::<V>(tanh, |x| tanh_n([x + V::splat(1.0), x, x])[1], "tanh_n");
        same_bits::<V>(tanh, |x| tanh_n([x])[0], "tanh_n");
    }

    #[test]
    fn vector_forms_match_scalar_on_every_backend() {
        use crate::simd::{F32x4, F32x8, Scalar4, X2};
        vector_forms_match::<Scalar4>();
        vector_forms_match::<X2<Scalar4>>();
        vector_forms_match::<F32x4>();
        vector_forms_match::<F32x8>();
        #[cfg(target_arch = "x86_64")]
        if crate::simd::Path::best() == crate::simd::Path::Avx2 {
            // SAFETY: the CPU has AVX2.
            unsafe { avx() };
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn avx() {
            vector_forms_match::<crate::simd::Avx8>();
        }
    }

    #[test]
    fn dot_is_exact_on_small_integers() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..19).map(|i| (i * i) as f32).sum::<f32>());
    }
}
