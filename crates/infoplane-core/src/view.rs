//! How a run's figures are drawn: the [`Group::View`](crate::params::Group)
//! parameters of the table, checked into one typed value. Not part of the
//! experiment: records and workers never see these.

use crate::gradients::GradDefinition;
use crate::params::Params;

crate::choices! {
    /// Information-plane drawing style.
    pub enum PlaneStyle {
        /// Per-layer trajectories coloured by epoch.
        Trajectories = "trajectories",
        /// IDNNs' per-epoch polylines through the layers.
        Polylines = "polylines",
    }
}

crate::choices! {
    /// Colour scale of epochs.
    pub enum EpochColours {
        /// Linear in the epoch (IDNNs).
        Linear = "linear",
        /// Logarithmic in the epoch.
        Log = "log",
    }
}

crate::choices! {
    /// The y labels of the gradient figure.
    pub enum AxisLabels {
        /// Labels at the values they mark.
        True = "true",
        /// IDNNs' hard-coded labels, each 10× too small (FACTS.md §4).
        Original = "original",
    }
}

/// The figure options, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// Plane style.
    pub plane: PlaneStyle,
    /// Epoch colour scale.
    pub colors: EpochColours,
    /// Gradient y labels.
    pub labels: AxisLabels,
    /// Which gradient statistic the gradient figures show.
    pub grad_def: GradDefinition,
}

impl Default for View {
    fn default() -> Self {
        View::from_params(&Params::default())
    }
}

impl View {
    /// The view parameters of `p`.
    pub fn from_params(p: &Params) -> View {
        View {
            plane: p.choice("plane"),
            colors: p.choice("colors"),
            labels: p.choice("labels"),
            grad_def: p.choice("grad_def"),
        }
    }
}
