//! Axis specifications: range, ticks and labels. Charts are built in
//! transformed units (log10 of the value on log axes), so that every chart
//! has the same plotters coordinate type and clipping is plain geometry.

/// One axis in transformed units.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    /// Log10 axis (values are drawn at log10(v); v ≤ 0 is not drawn).
    pub log: bool,
    /// Lower end, transformed.
    pub lo: f64,
    /// Upper end, transformed.
    pub hi: f64,
    /// Labelled ticks: transformed position and text.
    pub ticks: Vec<(f64, String)>,
    /// Unlabelled minor grid lines (transformed).
    pub minor: Vec<f64>,
    /// The axis description.
    pub desc: String,
}

impl Axis {
    /// A linear axis over [`lo`, `hi`] with round ticks up to `tick_hi`
    /// (headroom above `tick_hi` gets no tick).
    pub fn linear(lo: f64, hi: f64, tick_hi: f64, desc: &str) -> Self {
        let (lo, hi) = if hi > lo && lo.is_finite() && hi.is_finite() {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        let step = nice_step(tick_hi.min(hi) - lo, 6);
        let decimals = decimals(step);
        let first = (lo / step).ceil() as i64;
        let ticks = (first..)
            .map(|i| i as f64 * step)
            .take_while(|v| *v <= tick_hi.min(hi) + step * 1e-9)
            .map(|v| {
                (
                    v,
                    format!("{:.*}", decimals, v + 0.0).replace("-0.0", "0.0"),
                )
            })
            .collect();
        Axis {
            log: false,
            lo,
            hi,
            ticks,
            minor: Vec::new(),
            desc: desc.to_string(),
        }
    }

    /// A linear axis from 0 to a little above the largest finite value
    /// (from 0 to 1 when there is none).
    pub fn linear_from_zero(values: impl Iterator<Item = f64>, desc: &str) -> Self {
        let max = values.filter(|v| v.is_finite()).fold(0.0f64, f64::max);
        let hi = if max > 0.0 { max * 1.08 } else { 1.0 };
        Axis::linear(0.0, hi, hi, desc)
    }

    /// The epoch axis of a run of `total_epochs`: log10 of the 1-based
    /// epoch number from 1 to the total (at least 10), ticks at powers of 10.
    pub fn epochs(total_epochs: usize) -> Self {
        let hi = libm::log10(total_epochs.max(10) as f64);
        let ticks = (0..=hi.floor() as i32)
            .map(|k| (f64::from(k), format!("{}", 10u64.pow(k as u32))))
            .collect();
        Axis {
            log: true,
            lo: 0.0,
            hi,
            ticks,
            minor: minor_ticks(0.0, hi),
            desc: "epoch".to_string(),
        }
    }

    /// A log axis over the decades 10^`lo`..10^`hi`, labelled by `label(k)`
    /// at each decade 10^k.
    pub fn decades(lo: i32, hi: i32, desc: &str, label: impl Fn(i32) -> String) -> Self {
        let hi = hi.max(lo + 1);
        let ticks = (lo..=hi).map(|k| (f64::from(k), label(k))).collect();
        let (lo, hi) = (f64::from(lo), f64::from(hi));
        Axis {
            log: true,
            lo,
            hi,
            ticks,
            minor: minor_ticks(lo, hi),
            desc: desc.to_string(),
        }
    }

    /// A log axis spanning the whole decades around the finite positive
    /// `values` (10^-3..10^1 when there is none), labelled "10^k".
    pub fn decades_around(values: impl Iterator<Item = f64>, desc: &str) -> Self {
        let (min, max) = values
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let (lo, hi) = if max > 0.0 {
            let hi = libm::log10(max).ceil() as i32;
            // Past a dozen decades the plot says nothing more; keep the top.
            ((libm::log10(min).floor() as i32).max(hi - 12), hi)
        } else {
            (-3, 1)
        };
        Axis::decades(lo, hi, desc, power_label)
    }

    /// `v` in transformed units (non-finite when it cannot be drawn).
    pub fn to_u(&self, v: f64) -> f64 {
        if self.log {
            if v > 0.0 {
                libm::log10(v)
            } else {
                f64::NAN
            }
        } else {
            v
        }
    }

    /// The label of the tick at (or nearest to) transformed `u`.
    pub fn label(&self, u: f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - u).abs().total_cmp(&(b.0 - u).abs()))
            .map(|t| t.1.clone())
            .unwrap_or_default()
    }
}

/// "10^k", as IDNNs' matplotlib labels read.
pub(crate) fn power_label(k: i32) -> String {
    format!("10^{k}")
}

/// Minor grid lines at 2..9 × 10^k inside [`lo`, `hi`] (log10 units).
fn minor_ticks(lo: f64, hi: f64) -> Vec<f64> {
    (lo.floor() as i32..=hi.ceil() as i32)
        .flat_map(|k| (2..=9).map(move |m| f64::from(k) + libm::log10(f64::from(m))))
        .filter(|u| *u > lo && *u < hi)
        .collect()
}

/// A round step (1, 2, 2.5 or 5 × 10^k) giving about `target` ticks over `span`.
pub(crate) fn nice_step(span: f64, target: usize) -> f64 {
    if span.is_nan() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / target as f64;
    let mag = libm::pow(10.0, libm::log10(raw).floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Decimals needed to print multiples of `step` exactly.
fn decimals(step: f64) -> usize {
    (0..8)
        .find(|d| {
            let s = step * 10f64.powi(*d as i32);
            (s - s.round()).abs() < 1e-6 * s.max(1.0)
        })
        .unwrap_or(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(a: &Axis) -> Vec<&str> {
        a.ticks.iter().map(|t| t.1.as_str()).collect()
    }

    #[test]
    fn linear_ticks_are_round() {
        let a = Axis::linear(0.0, 12.5, 12.0, "x");
        assert_eq!(labels(&a), ["0", "2", "4", "6", "8", "10", "12"]);
        let a = Axis::linear(0.0, 1.05, 1.0, "y");
        assert_eq!(labels(&a), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let a = Axis::linear(0.0, 1.3, 1.3, "y");
        assert_eq!(labels(&a), ["0.00", "0.25", "0.50", "0.75", "1.00", "1.25"]);
        // Bad ranges fall back to [0, 1].
        let a = Axis::linear(1.0, f64::NAN, 1.0, "y");
        assert_eq!((a.lo, a.hi), (0.0, 1.0));
    }

    #[test]
    fn epoch_and_log_axes() {
        let a = Axis::epochs(8000);
        assert_eq!(labels(&a), ["1", "10", "100", "1000"]);
        assert!((a.hi - 8000f64.log10()).abs() < 1e-12);
        assert!(a.to_u(0.0).is_nan());
        assert_eq!(Axis::epochs(0).hi, 1.0);
        let a = Axis::decades_around([0.02, 3.0, f64::NAN, -1.0, 0.0].into_iter(), "g");
        assert_eq!(labels(&a), ["10^-2", "10^-1", "10^0", "10^1"]);
        assert_eq!(a.label(-0.98), "10^-1");
        assert_eq!(a.minor.len(), 3 * 8);
        let a = Axis::decades_around(std::iter::empty(), "g");
        assert_eq!((a.lo, a.hi), (-3.0, 1.0));
    }
}
