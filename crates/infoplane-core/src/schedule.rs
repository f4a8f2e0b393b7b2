//! Which epochs are logged (probed).

use serde::{Deserialize, Serialize};

/// A rule choosing the logged epochs of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "lowercase")]
pub enum Schedule {
    /// IDNNs: `unique(int(logspace(log2(1), log2(E), S, base=2))) - 1`.
    Idnns {
        /// S, the number of log-spaced samples.
        samples: usize,
    },
    /// ibsgd's `do_report`: every epoch below 20, every 5th below 100, every
    /// 20th below 2000, every 100th after.
    Ibsgd,
    /// Every k-th epoch from 0, plus the last.
    Every {
        /// The period k.
        k: usize,
    },
}

impl Schedule {
    /// The logged epoch indexes (0-based, ascending, unique) of an `epochs`-long run.
    pub fn epochs(&self, epochs: usize) -> Vec<usize> {
        match *self {
            Schedule::Idnns { samples } => idnns_epochs(epochs, samples),
            Schedule::Ibsgd => (0..epochs)
                .filter(|&e| match e {
                    0..=19 => true,
                    20..=99 => e % 5 == 0,
                    100..=1999 => e % 20 == 0,
                    _ => e % 100 == 0,
                })
                .collect(),
            Schedule::Every { k } => {
                let mut v: Vec<usize> = (0..epochs).step_by(k.max(1)).collect();
                if epochs > 0 && v.last() != Some(&(epochs - 1)) {
                    v.push(epochs - 1);
                }
                v
            }
        }
    }
}

/// numpy's `logspace(0, log2 E, S, base=2)` — `2 ** linspace(...)`, with
/// linspace as numpy computes it (`i * step + start`, last element set to
/// `stop`) — truncated to integers, deduplicated, minus one. Uses `libm`'s
/// `pow` and `log2`, which agree with numpy's results at the points that
/// matter (tests check 8000/400 and 10000/1800, whose last epochs differ:
/// 2^log2(8000) = 8000 but 2^log2(10000) = 9999.999999999995).
fn idnns_epochs(epochs: usize, samples: usize) -> Vec<usize> {
    if epochs == 0 {
        return Vec::new();
    }
    let stop = libm::log2(epochs as f64);
    let n = samples.max(2);
    let step = stop / (n - 1) as f64;
    let mut out: Vec<usize> = (0..n)
        .map(|i| {
            let y = if i == n - 1 { stop } else { i as f64 * step };
            libm::pow(2.0, y) as usize
        })
        .collect();
    out.dedup();
    out.into_iter()
        .map(|v| v.saturating_sub(1))
        .filter(|&v| v < epochs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idnns_rule_gives_274_epochs_for_8000_by_400() {
        // numpy 2.x: np.unique(np.logspace(np.log2(1), np.log2(8000), 400, base=2).astype(int)) - 1
        // has 274 entries: [0 1 2 ...] ... [7646 7820 7999]; every epoch up to 43.
        let e = Schedule::Idnns { samples: 400 }.epochs(8000);
        assert_eq!(e.len(), 274);
        assert_eq!(&e[..3], &[0, 1, 2]);
        assert_eq!(&e[e.len() - 3..], &[7646, 7820, 7999]);
        assert!((0..=43).all(|k| e[k] == k));
        assert_ne!(e[44], 44);
    }

    #[test]
    fn idnns_rule_gives_964_epochs_for_10000_by_1800() {
        // numpy: 964 entries ending [9897 9947 9998] (FACTS.md §5: every
        // epoch up to 213, then log-spaced to 9998).
        let e = Schedule::Idnns { samples: 1800 }.epochs(10000);
        assert_eq!(e.len(), 964);
        assert_eq!(&e[e.len() - 3..], &[9897, 9947, 9998]);
        assert!((0..=213).all(|k| e[k] == k));
        assert_ne!(e[214], 214);
    }

    #[test]
    fn ibsgd_and_every() {
        let e = Schedule::Ibsgd.epochs(10000);
        assert_eq!(&e[..21], &(0..20).chain([20]).collect::<Vec<_>>()[..]);
        assert!(
            e.contains(&95)
                && !e.contains(&96)
                && e.contains(&1980)
                && e.contains(&2100)
                && !e.contains(&2020)
        );
        assert_eq!(Schedule::Every { k: 3 }.epochs(10), vec![0, 3, 6, 9]);
        assert_eq!(Schedule::Every { k: 4 }.epochs(10), vec![0, 4, 8, 9]);
    }
}
