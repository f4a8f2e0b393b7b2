//! The run's random numbers: one seed derives every stream (initialisation,
//! split, batch order), each by a portable generator, so a seed names one
//! result on every platform. The platform's random source is never used.

/// SplitMix64 step (Steele, Lea & Flood 2014); used to expand seeds.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The independent random streams of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Weight initialisation.
    Init = 1,
    /// Shuffled train/test split.
    Split = 2,
    /// Per-epoch batch reshuffling.
    Batches = 3,
    /// ibsgd's own permutation of the training rows at each logged epoch,
    /// from which it takes the rows of its logged gradients
    /// (`grad_time=ibsgd`).
    GradRows = 4,
    /// Noise drawn by the mutual-information estimators (one sub-stream
    /// per layer, see [`Rng::for_substream`]).
    MiNoise = 5,
    /// Gaussian noise of a noisy network's hidden layers (`noise_std > 0`,
    /// Goldfeld et al.), in training and at probes: one sub-stream per pass
    /// (see `Trainer`'s noise index), so no state is carried between
    /// epochs and a checkpoint needs none.
    TrainNoise = 6,
}

/// xoshiro256++ (Blackman & Vigna 2019): small, fast, portable.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for `stream` of the run seeded by `seed`.
    pub fn for_stream(seed: u64, stream: Stream) -> Self {
        let mut sm = seed ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut s = [0u64; 4];
        for v in &mut s {
            *v = splitmix64(&mut sm);
        }
        Rng { s }
    }

    /// The generator's whole state (for checkpoints).
    pub fn state(&self) -> [u64; 4] {
        self.s
    }

    /// A generator continuing from `state` (from [`Rng::state`]). `None`
    /// for the all-zero state, which xoshiro never reaches and from which
    /// it would only ever return zeros.
    pub fn from_state(state: [u64; 4]) -> Option<Self> {
        (state != [0; 4]).then_some(Rng { s: state })
    }

    /// Generator number `index` of `stream` for the run seeded by `seed`
    /// (e.g. one per layer or per row); for a given seed and stream,
    /// distinct indices give distinct generators.
    pub fn for_substream(seed: u64, stream: Stream, index: u64) -> Self {
        let mut h = index;
        let salt = splitmix64(&mut h);
        Rng::for_stream(seed ^ salt, stream)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) without modulo bias (Lemire 2019).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0);
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Standard normal by the Box–Muller transform (portable `libm`).
    pub fn normal(&mut self) -> f64 {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
    }

    /// Two independent standard normals by Marsaglia's polar method: (u, v)
    /// uniform on the square (−1, 1)² (two [`Rng::next_f64`]), redrawn
    /// until 0 < s = u² + v² < 1, then (u f, v f) with f = √(−2 ln s / s)
    /// in f64 (portable `libm`). One logarithm and one square root per pair,
    /// about three times cheaper than two [`Rng::normal`]s.
    pub fn normal_pair(&mut self) -> (f64, f64) {
        loop {
            let u = 2.0 * self.next_f64() - 1.0;
            let v = 2.0 * self.next_f64() - 1.0;
            let s = u * u + v * v;
            if s < 1.0 && s > 0.0 {
                let f = libm::sqrt(-2.0 * libm::log(s) / s);
                return (u * f, v * f);
            }
        }
    }

    /// Normal with mean 0 and standard deviation `std`, redrawn until within
    /// two standard deviations (TensorFlow's `truncated_normal`).
    pub fn truncated_normal(&mut self, std: f64) -> f64 {
        loop {
            let z = self.normal();
            if z.abs() <= 2.0 {
                return z * std;
            }
        }
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = Rng::for_stream(7, Stream::Init);
        let mut b = Rng::for_stream(7, Stream::Init);
        let mut c = Rng::for_stream(7, Stream::Split);
        let xa: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..4).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn state_round_trip_continues_the_stream() {
        let mut a = Rng::for_stream(9, Stream::GradRows);
        a.next_u64();
        let mut b = Rng::from_state(a.state()).unwrap();
        assert_eq!(a.next_u64(), b.next_u64());
        assert!(Rng::from_state([0; 4]).is_none());
    }

    #[test]
    fn stream_tags_are_fixed() {
        // The tags seed the streams, so they are part of every result: the
        // old ones must never change when a stream is added.
        assert_eq!(
            (
                Stream::Init as u64,
                Stream::Split as u64,
                Stream::Batches as u64
            ),
            (1, 2, 3)
        );
        assert_eq!(Stream::GradRows as u64, 4);
        let mut g = Rng::for_stream(0, Stream::GradRows);
        let mut b = Rng::for_stream(0, Stream::Batches);
        assert_ne!(g.next_u64(), b.next_u64());
    }

    #[test]
    fn truncated_normal_stays_within_two_std_and_is_centred() {
        let mut r = Rng::for_stream(1, Stream::Init);
        let xs: Vec<f64> = (0..20000).map(|_| r.truncated_normal(0.5)).collect();
        assert!(xs.iter().all(|x| x.abs() <= 1.0));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| x * x).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01);
        // Variance of a normal truncated at ±2σ is 0.7737 σ².
        assert!((var / 0.25 - 0.7737).abs() < 0.02, "var {var}");
    }

    #[test]
    fn normal_pairs_are_standard_normal_and_uncorrelated() {
        let mut r = Rng::for_stream(4, Stream::TrainNoise);
        let n = 50_000;
        let (mut m, mut v, mut c, mut tail) = (0.0, 0.0, 0.0, 0usize);
        for _ in 0..n {
            let (a, b) = r.normal_pair();
            m += a + b;
            v += a * a + b * b;
            c += a * b;
            tail += usize::from(a.abs() > 1.96) + usize::from(b.abs() > 1.96);
        }
        let k = 2.0 * n as f64;
        // Standard errors over 1e5 values: mean 0.003, variance 0.0045,
        // E[ab] 0.0045, the two-sided 5% tail 0.0007; allow ~4 of each.
        assert!((m / k).abs() < 0.012, "mean {}", m / k);
        assert!((v / k - 1.0).abs() < 0.02, "var {}", v / k);
        assert!((c / n as f64).abs() < 0.03, "corr {}", c / n as f64);
        assert!(
            (tail as f64 / k - 0.05).abs() < 0.003,
            "tail {}",
            tail as f64 / k
        );
        assert_eq!(Stream::TrainNoise as u64, 6);
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::for_stream(3, Stream::Batches);
        let mut v: Vec<u32> = (0..100).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort();
        assert_eq!(s, (0..100).collect::<Vec<_>>());
        assert_ne!(v, s);
    }
}
