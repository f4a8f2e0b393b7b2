//! This browser's measured kernel speeds as the page shares them (the
//! estimate module measures them once; the estimates read them, and the
//! session when it decides where a run's MI is computed).

use infoplane_core::cost::Speeds;
use leptos::prelude::*;

/// This browser's measured speeds, shared by the page (`None` while the
/// one-off measurement runs).
#[derive(Clone, Copy)]
pub struct Speed(pub RwSignal<Option<SpeedsCopy>>);

/// [`Speeds`] as a plain value a signal can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedsCopy(pub [f64; 3]);

impl SpeedsCopy {
    /// As the core's type.
    pub fn speeds(self) -> Speeds {
        Speeds {
            dense_flops_per_s: self.0[0],
            bin_values_per_s: self.0[1],
            kde_pair_dims_per_s: self.0[2],
        }
    }
}
