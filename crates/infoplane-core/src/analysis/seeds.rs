//! Every rule judged over several seeds: per layer, how many seeds show the
//! effect, of how many, and the spread of the rule's key number.

/// Mean, population standard deviation, minimum and maximum of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Values counted (the finite ones).
    pub n: usize,
    /// Their mean.
    pub mean: f64,
    /// Their population standard deviation.
    pub sd: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Spread {
    /// The spread of the finite values (`None` if there are none). Sums run
    /// in the order given.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        Some(Spread {
            n: v.len(),
            mean,
            sd: var.sqrt(),
            min: v.iter().copied().fold(f64::INFINITY, f64::min),
            max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// max − min.
    pub fn range(&self) -> f64 {
        self.max - self.min
    }
}

/// A rule's judgement of one layer in one seed: whether it shows the effect,
/// and the number the rule turns on (e.g. the SNR's sustained decline).
pub trait Judged {
    /// Whether the rule fires.
    fn shows(&self) -> bool;
    /// The key number.
    fn key(&self) -> f64;
}

/// One layer judged over several seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerTally {
    /// Layer (0-based).
    pub layer: usize,
    /// Seeds in which the rule fires.
    pub showing: usize,
    /// Seeds with a judgement of this layer.
    pub measured: usize,
    /// Seeds passed in.
    pub seeds: usize,
    /// Spread of the key number over the measured seeds.
    pub key: Option<Spread>,
}

impl LayerTally {
    /// Fires in every measured seed (and at least one was measured).
    pub fn in_every_seed(&self) -> bool {
        self.measured > 0 && self.showing == self.measured
    }

    /// Fires in no seed.
    pub fn in_no_seed(&self) -> bool {
        self.showing == 0
    }
}

/// Tallies `per_seed[seed][layer]` judgements by layer.
pub fn tally<T: Judged>(per_seed: &[Vec<Option<T>>]) -> Vec<LayerTally> {
    tally_with(per_seed, T::shows, T::key)
}

/// Tallies `per_seed[seed][layer]` by layer with an explicit test and key
/// (for judgements that answer several questions, e.g. a trend's rise or fall).
pub fn tally_with<T>(
    per_seed: &[Vec<Option<T>>],
    shows: impl Fn(&T) -> bool,
    key: impl Fn(&T) -> f64,
) -> Vec<LayerTally> {
    let n = per_seed.iter().map(Vec::len).max().unwrap_or(0);
    (0..n)
        .map(|l| {
            let got: Vec<&T> = per_seed
                .iter()
                .filter_map(|s| s.get(l).and_then(Option::as_ref))
                .collect();
            LayerTally {
                layer: l,
                showing: got.iter().filter(|j| shows(j)).count(),
                measured: got.len(),
                seeds: per_seed.len(),
                key: Spread::of(got.iter().map(|j| key(j))),
            }
        })
        .collect()
}

/// Layers that fire in every seed and in none, of all layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TallyCounts {
    /// Layers that fire in every measured seed.
    pub every: usize,
    /// Layers that fire in no seed.
    pub none: usize,
    /// Layers tallied.
    pub layers: usize,
}

/// Counts the layers of a tally that fire in every seed and in none.
pub fn counts(t: &[LayerTally]) -> TallyCounts {
    TallyCounts {
        every: t.iter().filter(|l| l.in_every_seed()).count(),
        none: t.iter().filter(|l| l.in_no_seed()).count(),
        layers: t.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct J(bool, f64);
    impl Judged for J {
        fn shows(&self) -> bool {
            self.0
        }
        fn key(&self) -> f64 {
            self.1
        }
    }

    #[test]
    fn spread_of_a_sample() {
        // 1, 2, 3, 6: mean 3, deviations −2, −1, 0, 3 → variance 14/4.
        let s = Spread::of([1.0, 2.0, f64::NAN, 3.0, 6.0]).unwrap();
        assert_eq!((s.n, s.mean, s.min, s.max), (4, 3.0, 1.0, 6.0));
        assert!((s.sd - 3.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(s.range(), 5.0);
        assert!(Spread::of([f64::NAN]).is_none());
    }

    #[test]
    fn tally_counts_seeds_per_layer() {
        // Three seeds, two layers; the third seed did not measure layer 1.
        let per = vec![
            vec![Some(J(true, 1.0)), Some(J(false, 0.1))],
            vec![Some(J(true, 3.0)), Some(J(false, 0.3))],
            vec![Some(J(false, 2.0)), None],
        ];
        let t = tally(&per);
        assert_eq!((t[0].showing, t[0].measured, t[0].seeds), (2, 3, 3));
        assert_eq!(t[0].key.unwrap().mean, 2.0);
        assert_eq!((t[1].showing, t[1].measured), (0, 2));
        assert!(!t[0].in_every_seed() && !t[0].in_no_seed() && t[1].in_no_seed());
        assert_eq!(
            counts(&t),
            TallyCounts {
                every: 0,
                none: 1,
                layers: 2
            }
        );
        assert!(tally::<J>(&[]).is_empty());
    }
}
