//! Log-time smoothing: logged epochs are log-spaced (every epoch early,
//! sparser later), so a window of a fixed factor in epoch averages a
//! comparable number of points everywhere on a log axis.

/// How curves are smoothed before a rule judges them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smoothing {
    /// Each point becomes the mean of the values whose epoch t' lies within
    /// a factor `factor` of its own (t / factor ≤ t' ≤ t · factor); ≤ 1
    /// leaves values as they are.
    pub factor: f64,
    /// Smoothed points that average fewer values than this are dropped: at
    /// the first epochs the window holds one or two points and the first
    /// updates' transient dominates.
    pub min_points: usize,
}

impl Default for Smoothing {
    /// ×1.25 in epoch, at least 5 values per point (IDNNs' schedule: epochs
    /// 10 and later; later windows hold about 19 of its 274 logged epochs).
    fn default() -> Self {
        Smoothing {
            factor: 1.25,
            min_points: 5,
        }
    }
}

impl Smoothing {
    /// No smoothing and no points dropped.
    pub const NONE: Smoothing = Smoothing {
        factor: 1.0,
        min_points: 1,
    };
}

/// A smoothed point: the epoch (1-based), the mean of the values in its
/// window, and how many values that is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smoothed {
    /// Epoch (1-based).
    pub t: usize,
    /// Mean of the window.
    pub value: f64,
    /// Values averaged.
    pub count: usize,
}

/// Smooths `pts` (epoch, value), ascending in epoch, by `s`, keeping the
/// points whose window holds at least `s.min_points` values. Sums run in
/// epoch order over each window (no running sums), so results do not depend
/// on the platform.
pub fn smooth(pts: &[(usize, f64)], s: &Smoothing) -> Vec<Smoothed> {
    let f = s.factor.max(1.0);
    let mut out = Vec::with_capacity(pts.len());
    let (mut lo, mut hi) = (0usize, 0usize);
    for &(t, _) in pts {
        let t = t as f64;
        // Window [t / f, t · f]: compare t' · f ≥ t rather than divide.
        while lo < pts.len() && (pts[lo].0 as f64) * f < t {
            lo += 1;
        }
        if hi < lo {
            hi = lo;
        }
        while hi < pts.len() && (pts[hi].0 as f64) <= t * f {
            hi += 1;
        }
        let window = &pts[lo..hi];
        if window.len() >= s.min_points.max(1) {
            let sum: f64 = window.iter().map(|p| p.1).sum();
            out.push(Smoothed {
                t: t as usize,
                value: sum / window.len() as f64,
                count: window.len(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_average_within_the_factor_and_short_ones_are_dropped() {
        // Epochs 1..=10, values = epoch. Factor 2: epoch 4 averages 2..=8
        // (mean 5, 7 values); epoch 1 averages 1..=2 (2 values, dropped at
        // min_points 3); epoch 10 averages 5..=10 (mean 7.5).
        let pts: Vec<(usize, f64)> = (1..=10).map(|t| (t, t as f64)).collect();
        let s = smooth(
            &pts,
            &Smoothing {
                factor: 2.0,
                min_points: 3,
            },
        );
        assert_eq!(s[0].t, 2, "epoch 1's window (1, 2) is too short");
        let at = |t: usize| s.iter().find(|p| p.t == t).copied().unwrap();
        assert_eq!((at(4).value, at(4).count), (5.0, 7));
        assert_eq!((at(10).value, at(10).count), (7.5, 6));
        // No smoothing returns the values.
        let id = smooth(&pts, &Smoothing::NONE);
        assert_eq!(id.len(), 10);
        assert!(id.iter().all(|p| p.value == p.t as f64 && p.count == 1));
        assert!(smooth(&[], &Smoothing::default()).is_empty());
    }

    #[test]
    fn log_spaced_epochs_get_comparable_windows() {
        // IDNNs' 274 logged epochs of 8000: from epoch 10 on every window
        // holds at least 5 values, and later ones about 19.
        let e = crate::schedule::Schedule::Idnns { samples: 400 }.epochs(8000);
        let pts: Vec<(usize, f64)> = e.iter().map(|&e| (e + 1, 0.0)).collect();
        let s = smooth(&pts, &Smoothing::default());
        assert_eq!(s[0].t, 10);
        let late: Vec<usize> = s
            .iter()
            .filter(|p| (100..=6000).contains(&p.t))
            .map(|p| p.count)
            .collect();
        assert!(late.iter().all(|&c| (14..=24).contains(&c)), "{late:?}");
    }
}
