//! Train/test splits.

use super::Dataset;
use crate::rng::{Rng, Stream};

/// Row indexes of the training and test sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Training rows, in training order.
    pub train: Vec<u32>,
    /// Test rows.
    pub test: Vec<u32>,
}

/// `np.rint(p * n / 100)`: round half to even, as IDNNs' `perc`.
fn idnns_count(pct: f64, n: usize) -> usize {
    let v = pct * n as f64 / 100.0;
    let r = libm::rint(v);
    r.clamp(0.0, n as f64) as usize
}

impl Split {
    /// IDNNs' split (`data_shuffle` in `idnns/networks/utils.py`): the first
    /// `rint(p·n/100)` rows train, the rest test. Its quirk is kept: above
    /// 80 % the test set still starts at row `rint(0.8·n)`, overlapping the
    /// training set (`min_test_data = 80`).
    pub fn first(n: usize, train_pct: f64) -> Split {
        let stop = idnns_count(train_pct, n);
        let start_test = if train_pct > 80.0 {
            idnns_count(80.0, n)
        } else {
            stop
        };
        Split {
            train: (0..stop as u32).collect(),
            test: (start_test as u32..n as u32).collect(),
        }
    }

    /// A seeded shuffle of all rows, then the first `rint(p·n/100)` train and
    /// the rest test (no overlap).
    pub fn shuffled(n: usize, train_pct: f64, seed: u64) -> Split {
        let mut idx: Vec<u32> = (0..n as u32).collect();
        Rng::for_stream(seed, Stream::Split).shuffle(&mut idx);
        let stop = idnns_count(train_pct, n);
        let test = idx.split_off(stop);
        Split { train: idx, test }
    }

    /// Rows of `data` in `rows`, for MI on a subset.
    pub fn labels_of(data: &Dataset, rows: &[u32]) -> Vec<u32> {
        rows.iter().map(|&r| data.y()[r as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idnns_default_split_is_rows_0_to_3276() {
        // FACTS.md §1: training = rows 0..3276 (3277 rows), test = 3277..4095.
        let s = Split::first(4096, 80.0);
        assert_eq!(s.train.len(), 3277);
        assert_eq!(*s.train.last().unwrap(), 3276);
        assert_eq!(s.test.len(), 819);
        assert_eq!(s.test[0], 3277);
    }

    #[test]
    fn above_80_percent_the_test_set_overlaps() {
        let s = Split::first(100, 90.0);
        assert_eq!(s.train.len(), 90);
        assert_eq!(s.test[0], 80);
    }

    #[test]
    fn shuffled_split_is_seeded_and_disjoint() {
        let a = Split::shuffled(4096, 80.0, 5);
        assert_eq!(a, Split::shuffled(4096, 80.0, 5));
        assert_ne!(a, Split::shuffled(4096, 80.0, 6));
        assert_eq!((a.train.len(), a.test.len()), (3277, 819));
        let mut all: Vec<u32> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..4096).collect::<Vec<_>>());
    }
}
