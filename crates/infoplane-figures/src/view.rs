//! A borrowed view of one seed's record or of the mean over seeds, so that
//! every figure draws either.

use infoplane_core::record::{Aggregate, GradSeries, SeedRecord};
use std::collections::BTreeMap;

/// The series a figure draws, borrowed from a [`SeedRecord`] or an
/// [`Aggregate`]. Series are indexed `[epoch][layer]` (or `[epoch]`) in the
/// order of `epochs`; shorter or ragged series are tolerated (what is
/// missing reads as NaN and is not drawn).
#[derive(Clone, Debug)]
pub struct RecordView<'a> {
    /// Names the source in titles and tooltips: "seed 3", "mean of 5 seeds".
    pub name: String,
    /// Logged epoch indexes (0-based).
    pub epochs: &'a [usize],
    /// I(X;T), bits.
    pub ixt: &'a [Vec<f64>],
    /// I(T;Y), bits.
    pub ity: &'a [Vec<f64>],
    /// m_l per layer.
    pub grad_m: &'a [Vec<f64>],
    /// s_l per layer.
    pub grad_s: &'a [Vec<f64>],
    /// ‖W_l‖_F per layer.
    pub wnorm: &'a [Vec<f64>],
    /// Training loss (empty for the mean).
    pub loss_train: &'a [f64],
    /// Test loss.
    pub loss_test: &'a [f64],
    /// Training accuracy.
    pub acc_train: &'a [f64],
    /// Test accuracy.
    pub acc_test: &'a [f64],
    /// Precomputed gradient curves by definition name, if the source has them.
    pub grad_stats: Option<&'a BTreeMap<String, GradSeries>>,
}

impl<'a> RecordView<'a> {
    /// A view of one seed, named "seed N".
    pub fn seed(s: &'a SeedRecord) -> Self {
        RecordView {
            name: format!("seed {}", s.seed),
            epochs: &s.epochs,
            ixt: &s.ixt,
            ity: &s.ity,
            grad_m: &s.grad_m,
            grad_s: &s.grad_s,
            wnorm: &s.wnorm,
            loss_train: &s.loss_train,
            loss_test: &s.loss_test,
            acc_train: &s.acc_train,
            acc_test: &s.acc_test,
            grad_stats: Some(&s.grad_stats),
        }
    }

    /// A view of the mean over seeds, named "mean of N seeds" (it has no
    /// loss or accuracy; gradient curves are computed from the mean moments).
    pub fn mean(a: &'a Aggregate) -> Self {
        RecordView {
            name: format!(
                "mean of {} seed{}",
                a.seeds,
                if a.seeds == 1 { "" } else { "s" }
            ),
            epochs: &a.epochs,
            ixt: &a.ixt,
            ity: &a.ity,
            grad_m: &a.grad_m,
            grad_s: &a.grad_s,
            wnorm: &a.wnorm,
            loss_train: &[],
            loss_test: &[],
            acc_train: &[],
            acc_test: &[],
            grad_stats: None,
        }
    }

    /// A view with no data named `name` (figures show it waiting for the
    /// first logged epoch).
    pub fn empty(name: &str) -> Self {
        RecordView {
            name: name.to_string(),
            epochs: &[],
            ixt: &[],
            ity: &[],
            grad_m: &[],
            grad_s: &[],
            wnorm: &[],
            loss_train: &[],
            loss_test: &[],
            acc_train: &[],
            acc_test: &[],
            grad_stats: None,
        }
    }
}

/// `s[k][l]`, or NaN where the series is short.
pub(crate) fn at(s: &[Vec<f64>], k: usize, l: usize) -> f64 {
    s.get(k)
        .and_then(|row| row.get(l))
        .copied()
        .unwrap_or(f64::NAN)
}

/// `s[k]`, or NaN where the series is short.
pub(crate) fn at1(s: &[f64], k: usize) -> f64 {
    s.get(k).copied().unwrap_or(f64::NAN)
}
