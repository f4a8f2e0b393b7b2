//! A small portable f32 vector type for the compute kernels.
//!
//! [`F32x4`] holds 4 lanes: `core::arch::wasm32` `v128` on wasm32 with
//! `simd128`, SSE2 `__m128` on x86-64 (always available there), and a
//! scalar `[f32; 4]` elsewhere ([`Scalar4`], also used by the tests to check
//! the other two). Lane i is always element i of the slice it was loaded
//! from.
//!
//! Every operation is element-wise and IEEE-754 exact on every target:
//! `+ - * /`, `sqrt`, ordered comparisons (false when either side is NaN),
//! bit selects, and two integer operations on the bit patterns. There is no
//! fused multiply-add and no horizontal operation: kernels reduce lanes by
//! storing them and adding in a fixed tree. A kernel written against
//! [`Simd`] therefore gives the same bits whatever the backend and width.
//!
//! `min_sel`/`max_sel` are defined as compare-and-select (`a < b ? a : b`),
//! not IEEE minNum: that is exactly SSE's `minps`/`maxps` and wasm's
//! `f32x4.pmin`/`pmax` (with the operands swapped), one instruction each,
//! whereas wasm's `f32x4.min` and SSE's `minps` disagree on NaN and -0.
//!
//! Wider types for instruction-level parallelism: [`X2`] pairs two vectors
//! (lanes of the first, then of the second), and on x86-64 [`Avx8`] holds
//! the same 8 lanes in one AVX register, for kernels compiled with
//! `#[target_feature(enable = "avx2")]`.

use core::ops::{Add, Div, Mul, Sub};

/// Element-wise f32 vector operations with identical bits on every backend.
///
/// Masks (from comparisons) have every bit of a lane set or clear; `select`
/// and the bitwise operations are only given such masks.
pub trait Simd:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// Number of f32 lanes.
    const LANES: usize;
    /// Registers of this width the target has: a hint for kernels' tile
    /// sizes, which never change a result.
    const REGISTERS: usize;
    /// Every lane `x`.
    fn splat(x: f32) -> Self;
    /// Lanes from `s[..LANES]` (panics if `s` is shorter).
    fn load(s: &[f32]) -> Self;
    /// Writes the lanes to `s[..LANES]` (panics if `s` is shorter).
    fn store(self, s: &mut [f32]);
    /// Correctly rounded square root.
    fn sqrt(self) -> Self;
    /// Mask of `self < o`.
    fn lt(self, o: Self) -> Self;
    /// Mask of `self <= o`.
    fn le(self, o: Self) -> Self;
    /// Mask of `self > o`.
    fn gt(self, o: Self) -> Self;
    /// Mask of `self >= o`.
    fn ge(self, o: Self) -> Self;
    /// Per lane: `a` where `self` (a mask) is set, else `b`.
    fn select(self, a: Self, b: Self) -> Self;
    /// Bitwise and (masks, or a mask and values).
    fn and(self, o: Self) -> Self;
    /// `o` with the lanes where `self` (a mask) is set cleared to +0.0:
    /// `self.select(0.0, o)` in one instruction (and-not) instead of a
    /// bit select.
    fn and_not(self, o: Self) -> Self;
    /// Bitwise or of masks.
    fn or(self, o: Self) -> Self;
    /// True when any lane of a mask is set (for control flow only).
    fn any(self) -> bool;
    /// `self < o ? self : o` per lane (NaN in either: `o`).
    fn min_sel(self, o: Self) -> Self;
    /// `self > o ? self : o` per lane (NaN in either: `o`).
    fn max_sel(self, o: Self) -> Self;
    /// Sign bit cleared.
    fn abs(self) -> Self;
    /// The f32 whose bits are `(bits(self) + k) << 23` (wrapping): builds
    /// powers of two from an integer held in a float's low mantissa bits.
    fn add_bits_shl23(self, k: i32) -> Self;
}

/// Sums 8 values by a fixed pairwise tree (the one every kernel uses).
#[inline(always)]
pub fn sum8(v: &[f32; 8]) -> f32 {
    ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
}

/// Sums the lanes of an 8-lane vector by the tree of [`sum8`].
#[inline(always)]
pub fn hsum8<V: Simd>(v: V) -> f32 {
    debug_assert_eq!(V::LANES, 8);
    let mut a = [0.0f32; 8];
    v.store(&mut a);
    sum8(&a)
}

// ------------------------------------------------------------------ scalar

/// Four lanes in plain f32 arithmetic: the fallback backend, and the
/// reference the SIMD backends are tested against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scalar4(pub [f32; 4]);

impl Scalar4 {
    #[inline(always)]
    fn map(self, f: impl Fn(f32) -> f32) -> Self {
        Scalar4(self.0.map(f))
    }
    #[inline(always)]
    fn zip(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
        Scalar4([
            f(self.0[0], o.0[0]),
            f(self.0[1], o.0[1]),
            f(self.0[2], o.0[2]),
            f(self.0[3], o.0[3]),
        ])
    }
    #[inline(always)]
    fn mask(c: bool) -> f32 {
        f32::from_bits(if c { u32::MAX } else { 0 })
    }
}

macro_rules! scalar_op {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for Scalar4 {
            type Output = Scalar4;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                self.zip(o, |a, b| a $op b)
            }
        }
    };
}
scalar_op!(Add, add, +);
scalar_op!(Sub, sub, -);
scalar_op!(Mul, mul, *);
scalar_op!(Div, div, /);

impl Simd for Scalar4 {
    const LANES: usize = 4;
    const REGISTERS: usize = 4;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Scalar4([x; 4])
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        Scalar4([s[0], s[1], s[2], s[3]])
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        s[..4].copy_from_slice(&self.0);
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        self.map(f32::sqrt)
    }
    #[inline(always)]
    fn lt(self, o: Self) -> Self {
        self.zip(o, |a, b| Self::mask(a < b))
    }
    #[inline(always)]
    fn le(self, o: Self) -> Self {
        self.zip(o, |a, b| Self::mask(a <= b))
    }
    #[inline(always)]
    fn gt(self, o: Self) -> Self {
        self.zip(o, |a, b| Self::mask(a > b))
    }
    #[inline(always)]
    fn ge(self, o: Self) -> Self {
        self.zip(o, |a, b| Self::mask(a >= b))
    }
    #[inline(always)]
    fn select(self, a: Self, b: Self) -> Self {
        let mut r = [0.0f32; 4];
        for k in 0..4 {
            let m = self.0[k].to_bits();
            r[k] = f32::from_bits((a.0[k].to_bits() & m) | (b.0[k].to_bits() & !m));
        }
        Scalar4(r)
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        self.zip(o, |a, b| f32::from_bits(a.to_bits() & b.to_bits()))
    }
    #[inline(always)]
    fn and_not(self, o: Self) -> Self {
        self.zip(o, |m, b| f32::from_bits(!m.to_bits() & b.to_bits()))
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        self.zip(o, |a, b| f32::from_bits(a.to_bits() | b.to_bits()))
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0.iter().any(|v| v.to_bits() != 0)
    }
    #[inline(always)]
    fn min_sel(self, o: Self) -> Self {
        self.zip(o, |a, b| if a < b { a } else { b })
    }
    #[inline(always)]
    fn max_sel(self, o: Self) -> Self {
        self.zip(o, |a, b| if a > b { a } else { b })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.map(|a| f32::from_bits(a.to_bits() & 0x7FFF_FFFF))
    }
    #[inline(always)]
    fn add_bits_shl23(self, k: i32) -> Self {
        self.map(|a| f32::from_bits((a.to_bits().wrapping_add(k as u32)) << 23))
    }
}

// -------------------------------------------------------------------- SSE2

#[cfg(target_arch = "x86_64")]
mod sse {
    use super::Simd;
    use core::arch::x86_64::*;
    use core::ops::{Add, Div, Mul, Sub};

    /// Four lanes in an SSE2 register (x86-64 baseline).
    #[derive(Clone, Copy, Debug)]
    pub struct Sse4(pub(super) __m128);

    macro_rules! op {
        ($tr:ident, $f:ident, $i:ident) => {
            impl $tr for Sse4 {
                type Output = Sse4;
                #[inline(always)]
                fn $f(self, o: Self) -> Self {
                    // SAFETY: SSE2 is part of the x86-64 baseline.
                    Sse4(unsafe { $i(self.0, o.0) })
                }
            }
        };
    }
    op!(Add, add, _mm_add_ps);
    op!(Sub, sub, _mm_sub_ps);
    op!(Mul, mul, _mm_mul_ps);
    op!(Div, div, _mm_div_ps);

    // SAFETY (every block below): SSE2 is part of the x86-64 baseline, and
    // loads and stores go through slices checked to hold 4 lanes.
    impl Simd for Sse4 {
        const LANES: usize = 4;
        const REGISTERS: usize = 16;
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Sse4(unsafe { _mm_set1_ps(x) })
        }
        #[inline(always)]
        fn load(s: &[f32]) -> Self {
            let s = &s[..4];
            Sse4(unsafe { _mm_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            Sse4(unsafe { _mm_sqrt_ps(self.0) })
        }
        #[inline(always)]
        fn lt(self, o: Self) -> Self {
            Sse4(unsafe { _mm_cmplt_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn le(self, o: Self) -> Self {
            Sse4(unsafe { _mm_cmple_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn gt(self, o: Self) -> Self {
            Sse4(unsafe { _mm_cmpgt_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn ge(self, o: Self) -> Self {
            Sse4(unsafe { _mm_cmpge_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn select(self, a: Self, b: Self) -> Self {
            Sse4(unsafe { _mm_or_ps(_mm_and_ps(self.0, a.0), _mm_andnot_ps(self.0, b.0)) })
        }
        #[inline(always)]
        fn and(self, o: Self) -> Self {
            Sse4(unsafe { _mm_and_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn and_not(self, o: Self) -> Self {
            Sse4(unsafe { _mm_andnot_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn or(self, o: Self) -> Self {
            Sse4(unsafe { _mm_or_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn any(self) -> bool {
            unsafe { _mm_movemask_ps(self.0) != 0 }
        }
        #[inline(always)]
        fn min_sel(self, o: Self) -> Self {
            // minps returns its second operand unless first < second.
            Sse4(unsafe { _mm_min_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn max_sel(self, o: Self) -> Self {
            Sse4(unsafe { _mm_max_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Sse4(unsafe { _mm_and_ps(self.0, _mm_castsi128_ps(_mm_set1_epi32(0x7FFF_FFFF))) })
        }
        #[inline(always)]
        fn add_bits_shl23(self, k: i32) -> Self {
            Sse4(unsafe {
                let i = _mm_add_epi32(_mm_castps_si128(self.0), _mm_set1_epi32(k));
                _mm_castsi128_ps(_mm_slli_epi32::<23>(i))
            })
        }
    }
}

// --------------------------------------------------------------------- AVX

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::Simd;
    use core::arch::x86_64::*;
    use core::ops::{Add, Div, Mul, Sub};

    /// Eight lanes in one AVX register. Only for code compiled with
    /// `#[target_feature(enable = "avx2")]` and run after checking that the
    /// CPU has AVX2 (see [`super::Path`]); its operations are the
    /// element-wise ones of [`super::X2`]`<Sse4>`, so the bits are the same.
    #[derive(Clone, Copy, Debug)]
    pub struct Avx8(pub(super) __m256);

    macro_rules! op {
        ($tr:ident, $f:ident, $i:ident) => {
            impl $tr for Avx8 {
                type Output = Avx8;
                #[inline(always)]
                fn $f(self, o: Self) -> Self {
                    // SAFETY: only reached from AVX2 code on AVX2 CPUs.
                    Avx8(unsafe { $i(self.0, o.0) })
                }
            }
        };
    }
    op!(Add, add, _mm256_add_ps);
    op!(Sub, sub, _mm256_sub_ps);
    op!(Mul, mul, _mm256_mul_ps);
    op!(Div, div, _mm256_div_ps);

    // SAFETY (every block below): only reached from functions compiled for
    // AVX2 and called after the CPU was found to support it; loads and
    // stores go through slices checked to hold 8 lanes.
    impl Simd for Avx8 {
        const LANES: usize = 8;
        const REGISTERS: usize = 16;
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Avx8(unsafe { _mm256_set1_ps(x) })
        }
        #[inline(always)]
        fn load(s: &[f32]) -> Self {
            let s = &s[..8];
            Avx8(unsafe { _mm256_loadu_ps(s.as_ptr()) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            let s = &mut s[..8];
            unsafe { _mm256_storeu_ps(s.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            Avx8(unsafe { _mm256_sqrt_ps(self.0) })
        }
        #[inline(always)]
        fn lt(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_cmp_ps::<_CMP_LT_OQ>(self.0, o.0) })
        }
        #[inline(always)]
        fn le(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_cmp_ps::<_CMP_LE_OQ>(self.0, o.0) })
        }
        #[inline(always)]
        fn gt(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_cmp_ps::<_CMP_GT_OQ>(self.0, o.0) })
        }
        #[inline(always)]
        fn ge(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_cmp_ps::<_CMP_GE_OQ>(self.0, o.0) })
        }
        #[inline(always)]
        fn select(self, a: Self, b: Self) -> Self {
            // blendv looks at the sign bit only; masks have all bits equal.
            Avx8(unsafe { _mm256_blendv_ps(b.0, a.0, self.0) })
        }
        #[inline(always)]
        fn and(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_and_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn and_not(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_andnot_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn or(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_or_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn any(self) -> bool {
            unsafe { _mm256_movemask_ps(self.0) != 0 }
        }
        #[inline(always)]
        fn min_sel(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_min_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn max_sel(self, o: Self) -> Self {
            Avx8(unsafe { _mm256_max_ps(self.0, o.0) })
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Avx8(unsafe {
                _mm256_and_ps(self.0, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFF_FFFF)))
            })
        }
        #[inline(always)]
        fn add_bits_shl23(self, k: i32) -> Self {
            Avx8(unsafe {
                let i = _mm256_add_epi32(_mm256_castps_si256(self.0), _mm256_set1_epi32(k));
                _mm256_castsi256_ps(_mm256_slli_epi32::<23>(i))
            })
        }
    }
}

// -------------------------------------------------------------------- wasm

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm {
    use super::Simd;
    use core::arch::wasm32::*;
    use core::ops::{Add, Div, Mul, Sub};

    /// Four lanes in a wasm `v128`.
    #[derive(Clone, Copy, Debug)]
    pub struct Wasm4(pub(super) v128);

    macro_rules! op {
        ($tr:ident, $f:ident, $i:ident) => {
            impl $tr for Wasm4 {
                type Output = Wasm4;
                #[inline(always)]
                fn $f(self, o: Self) -> Self {
                    Wasm4($i(self.0, o.0))
                }
            }
        };
    }
    op!(Add, add, f32x4_add);
    op!(Sub, sub, f32x4_sub);
    op!(Mul, mul, f32x4_mul);
    op!(Div, div, f32x4_div);

    impl Simd for Wasm4 {
        const LANES: usize = 4;
        const REGISTERS: usize = 16;
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Wasm4(f32x4_splat(x))
        }
        #[inline(always)]
        fn load(s: &[f32]) -> Self {
            let s = &s[..4];
            // SAFETY: `s` holds 4 f32 (16 bytes); v128 loads may be unaligned.
            Wasm4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        fn store(self, s: &mut [f32]) {
            let s = &mut s[..4];
            // SAFETY: as in `load`.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            Wasm4(f32x4_sqrt(self.0))
        }
        #[inline(always)]
        fn lt(self, o: Self) -> Self {
            Wasm4(f32x4_lt(self.0, o.0))
        }
        #[inline(always)]
        fn le(self, o: Self) -> Self {
            Wasm4(f32x4_le(self.0, o.0))
        }
        #[inline(always)]
        fn gt(self, o: Self) -> Self {
            Wasm4(f32x4_gt(self.0, o.0))
        }
        #[inline(always)]
        fn ge(self, o: Self) -> Self {
            Wasm4(f32x4_ge(self.0, o.0))
        }
        #[inline(always)]
        fn select(self, a: Self, b: Self) -> Self {
            Wasm4(v128_bitselect(a.0, b.0, self.0))
        }
        #[inline(always)]
        fn and(self, o: Self) -> Self {
            Wasm4(v128_and(self.0, o.0))
        }
        #[inline(always)]
        fn and_not(self, o: Self) -> Self {
            // v128.andnot(a, b) = a & !b.
            Wasm4(v128_andnot(o.0, self.0))
        }
        #[inline(always)]
        fn or(self, o: Self) -> Self {
            Wasm4(v128_or(self.0, o.0))
        }
        #[inline(always)]
        fn any(self) -> bool {
            v128_any_true(self.0)
        }
        #[inline(always)]
        fn min_sel(self, o: Self) -> Self {
            // pmin(x, y) = y < x ? y : x.
            Wasm4(f32x4_pmin(o.0, self.0))
        }
        #[inline(always)]
        fn max_sel(self, o: Self) -> Self {
            // pmax(x, y) = x < y ? y : x.
            Wasm4(f32x4_pmax(o.0, self.0))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Wasm4(f32x4_abs(self.0))
        }
        #[inline(always)]
        fn add_bits_shl23(self, k: i32) -> Self {
            Wasm4(i32x4_shl(i32x4_add(self.0, i32x4_splat(k)), 23))
        }
    }
}

// -------------------------------------------------------------------- pair

/// Two vectors side by side: lanes of `.0`, then lanes of `.1`.
#[derive(Clone, Copy, Debug)]
pub struct X2<V>(pub V, pub V);

macro_rules! pair_op {
    ($tr:ident, $f:ident) => {
        impl<V: Simd> $tr for X2<V> {
            type Output = X2<V>;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                X2(self.0.$f(o.0), self.1.$f(o.1))
            }
        }
    };
}
pair_op!(Add, add);
pair_op!(Sub, sub);
pair_op!(Mul, mul);
pair_op!(Div, div);

impl<V: Simd> Simd for X2<V> {
    const LANES: usize = 2 * V::LANES;
    const REGISTERS: usize = V::REGISTERS / 2;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        X2(V::splat(x), V::splat(x))
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        let s = &s[..2 * V::LANES];
        X2(V::load(s), V::load(&s[V::LANES..]))
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        let s = &mut s[..2 * V::LANES];
        self.0.store(s);
        self.1.store(&mut s[V::LANES..]);
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        X2(self.0.sqrt(), self.1.sqrt())
    }
    #[inline(always)]
    fn lt(self, o: Self) -> Self {
        X2(self.0.lt(o.0), self.1.lt(o.1))
    }
    #[inline(always)]
    fn le(self, o: Self) -> Self {
        X2(self.0.le(o.0), self.1.le(o.1))
    }
    #[inline(always)]
    fn gt(self, o: Self) -> Self {
        X2(self.0.gt(o.0), self.1.gt(o.1))
    }
    #[inline(always)]
    fn ge(self, o: Self) -> Self {
        X2(self.0.ge(o.0), self.1.ge(o.1))
    }
    #[inline(always)]
    fn select(self, a: Self, b: Self) -> Self {
        X2(self.0.select(a.0, b.0), self.1.select(a.1, b.1))
    }
    #[inline(always)]
    fn and(self, o: Self) -> Self {
        X2(self.0.and(o.0), self.1.and(o.1))
    }
    #[inline(always)]
    fn and_not(self, o: Self) -> Self {
        X2(self.0.and_not(o.0), self.1.and_not(o.1))
    }
    #[inline(always)]
    fn or(self, o: Self) -> Self {
        X2(self.0.or(o.0), self.1.or(o.1))
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0.or(self.1).any()
    }
    #[inline(always)]
    fn min_sel(self, o: Self) -> Self {
        X2(self.0.min_sel(o.0), self.1.min_sel(o.1))
    }
    #[inline(always)]
    fn max_sel(self, o: Self) -> Self {
        X2(self.0.max_sel(o.0), self.1.max_sel(o.1))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        X2(self.0.abs(), self.1.abs())
    }
    #[inline(always)]
    fn add_bits_shl23(self, k: i32) -> Self {
        X2(self.0.add_bits_shl23(k), self.1.add_bits_shl23(k))
    }
}

#[cfg(target_arch = "x86_64")]
pub use avx::Avx8;
#[cfg(target_arch = "x86_64")]
pub use sse::Sse4;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use wasm::Wasm4;

/// The target's 4-lane vector: SSE2 on x86-64, `simd128` on wasm32 when
/// enabled, otherwise [`Scalar4`].
#[cfg(target_arch = "x86_64")]
pub type F32x4 = Sse4;
/// The target's 4-lane vector: SSE2 on x86-64, `simd128` on wasm32 when
/// enabled, otherwise [`Scalar4`].
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub type F32x4 = Wasm4;
/// The target's 4-lane vector: SSE2 on x86-64, `simd128` on wasm32 when
/// enabled, otherwise [`Scalar4`].
#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
pub type F32x4 = Scalar4;

/// Eight lanes as two [`F32x4`].
pub type F32x8 = X2<F32x4>;

/// Which build of a kernel runs. Every path gives the same bits; tests
/// force each one to prove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// [`Scalar4`] pairs (plain f32 arithmetic).
    Scalar,
    /// [`F32x8`]: SSE2 on x86-64, simd128 on wasm32.
    Base,
    /// [`Avx8`] in code compiled for AVX2 (x86-64 CPUs that have it).
    Avx2,
}

impl Path {
    /// The fastest path this CPU runs.
    pub fn best() -> Path {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            return Path::Avx2;
        }
        Path::Base
    }

    /// `self` if this CPU can run it, else [`Path::Base`].
    pub fn or_supported(self) -> Path {
        if self == Path::Avx2 && Path::best() != Path::Avx2 {
            Path::Base
        } else {
            self
        }
    }
}

#[cfg(test)]
thread_local! {
    static FORCED: std::cell::Cell<Option<Path>> = const { std::cell::Cell::new(None) };
}

/// Process-wide choice made by [`limit_path`]: 0 = none, 1 = Base.
static LIMIT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Benchmarks: with `Some(Path::Base)`, kernels skip the AVX2 build (to
/// measure natively the 4-lane code the browser runs); `None` restores the
/// best path. Results are the same either way.
pub fn limit_path(p: Option<Path>) {
    let v = u8::from(matches!(p, Some(Path::Base | Path::Scalar)));
    LIMIT.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// The path kernels on this thread take: [`Path::best`] (or Base after
/// [`limit_path`]), or in tests the one forced by [`force_path`].
#[inline]
pub(crate) fn current_path() -> Path {
    #[cfg(test)]
    if let Some(p) = FORCED.with(|f| f.get()) {
        return p.or_supported();
    }
    if LIMIT.load(std::sync::atomic::Ordering::Relaxed) == 1 {
        return Path::Base;
    }
    Path::best()
}

/// Tests: makes kernels on this thread take `p` (None: the best).
#[cfg(test)]
pub(crate) fn force_path(p: Option<Path>) {
    FORCED.with(|f| f.set(p));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values that exercise every special case: signed zeros, NaN,
    /// infinities, subnormals, huge and tiny magnitudes.
    fn specials() -> Vec<f32> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            1e-40,
            -1e-40,
            f32::MAX,
            f32::MIN,
            0.5,
            3.0,
            -7.25,
        ];
        let mut r = crate::rng::Rng::for_stream(7, crate::rng::Stream::Init);
        for _ in 0..48 {
            let e = r.below(60) as i32 - 30;
            v.push(((r.next_f64() * 2.0 - 1.0) * 2f64.powi(e)) as f32);
        }
        v
    }

    /// Every operation of `V` against the scalar definition, lane by lane,
    /// compared bit for bit (NaN results only as NaN: payloads may differ).
    fn check_backend<V: Simd>() {
        let s = specials();
        let n = V::LANES;
        let same = |got: f32, want: f32, what: &str, a: f32, b: f32| {
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{what}({a:e}, {b:e}): got {got:e} want {want:e}"
            );
        };
        for i in 0..s.len() {
            // Lane k holds a = s[(i + k) % len] and b = s[(7 i + 3 k) % len].
            let a: Vec<f32> = (0..n).map(|k| s[(i + k) % s.len()]).collect();
            let b: Vec<f32> = (0..n).map(|k| s[(7 * i + 3 * k) % s.len()]).collect();
            let (va, vb) = (V::load(&a), V::load(&b));
            let mut out = vec![0.0f32; n];
            fn mask(c: bool) -> f32 {
                f32::from_bits(if c { u32::MAX } else { 0 })
            }
            type Op<V> = (&'static str, fn(V, V) -> V, fn(f32, f32) -> f32);
            let ops: [Op<V>; 14] = [
                ("add", |x, y| x + y, |x, y| x + y),
                ("sub", |x, y| x - y, |x, y| x - y),
                ("mul", |x, y| x * y, |x, y| x * y),
                ("div", |x, y| x / y, |x, y| x / y),
                ("sqrt", |x, _| x.sqrt(), |x, _| x.sqrt()),
                ("lt", |x, y| x.lt(y), |x, y| mask(x < y)),
                ("le", |x, y| x.le(y), |x, y| mask(x <= y)),
                ("gt", |x, y| x.gt(y), |x, y| mask(x > y)),
                ("ge", |x, y| x.ge(y), |x, y| mask(x >= y)),
                (
                    "min_sel",
                    |x, y| x.min_sel(y),
                    |x, y| if x < y { x } else { y },
                ),
                (
                    "max_sel",
                    |x, y| x.max_sel(y),
                    |x, y| if x > y { x } else { y },
                ),
                (
                    "abs",
                    |x, _| x.abs(),
                    |x, _| f32::from_bits(x.to_bits() & 0x7FFF_FFFF),
                ),
                (
                    "select",
                    |x, y| x.lt(y).select(x, y),
                    |x, y| if x < y { x } else { y },
                ),
                (
                    "add_bits_shl23",
                    |x, _| x.add_bits_shl23(-0x4B40_0000 + 127),
                    |x, _| {
                        f32::from_bits(x.to_bits().wrapping_add((127 - 0x4B40_0000) as u32) << 23)
                    },
                ),
            ];
            for (name, vf, sf) in ops {
                vf(va, vb).store(&mut out);
                for k in 0..n {
                    same(out[k], sf(a[k], b[k]), name, a[k], b[k]);
                }
            }
            // Or of masks, and whether any lane is set.
            va.lt(vb).or(va.gt(vb)).store(&mut out);
            for k in 0..n {
                let (lt, gt) = (a[k] < b[k], a[k] > b[k]);
                same(out[k], mask(lt | gt), "or", a[k], b[k]);
            }
            let want_any = (0..n).any(|k| a[k] < b[k]);
            assert_eq!(va.lt(vb).any(), want_any, "any");
            // Bitwise and of a mask with values.
            va.lt(vb).and(vb).store(&mut out);
            for k in 0..n {
                let want = if a[k] < b[k] { b[k] } else { 0.0 };
                same(out[k], want, "and", a[k], b[k]);
            }
        }
        // splat, load/store round trip and lane order.
        let v: Vec<f32> = (0..n).map(|k| k as f32 + 0.5).collect();
        let mut out = vec![0.0f32; n];
        V::load(&v).store(&mut out);
        assert_eq!(out, v);
        V::splat(2.5).store(&mut out);
        assert!(out.iter().all(|&x| x == 2.5));
    }

    #[test]
    fn scalar_backend_is_the_definition() {
        check_backend::<Scalar4>();
        check_backend::<X2<Scalar4>>();
    }

    #[test]
    fn native_backends_match_scalar_bit_for_bit() {
        check_backend::<F32x4>();
        check_backend::<F32x8>();
        #[cfg(target_arch = "x86_64")]
        if Path::best() == Path::Avx2 {
            // SAFETY: the CPU has AVX2.
            unsafe { check_avx() };
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn check_avx() {
        check_backend::<Avx8>();
    }

    #[test]
    fn hsum8_is_the_fixed_tree() {
        // 1e8 + 1 + (-1e8) + ... : the tree order decides what survives
        // rounding. Tree: ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)) with
        // v = [1e8, 1, 3, 5, -1e8, 2, 4, 8] → ((0)+(7)) + ((3)+(13)) = 23.
        let v = [1e8f32, 1.0, 3.0, 5.0, -1e8, 2.0, 4.0, 8.0];
        assert_eq!(sum8(&v), 23.0);
        assert_eq!(hsum8(F32x8::load(&v)), 23.0);
        assert_eq!(hsum8(X2::<Scalar4>::load(&v)), 23.0);
    }
}
