//! # infoplane-figures
//!
//! The figures of infoplane, drawn from run records
//! ([`infoplane_core::record`]) with plotters onto one backend, a
//! [`Recorder`]: it records a [`DisplayList`] that the app replays onto an
//! HTML canvas and writes as SVG ([`DisplayList::to_svg`]) for exports, so
//! the figure code is compiled once. No fonts and no image crate are
//! linked: text is laid out with the caller's [`Measure`] (the app measures
//! with the canvas; [`estimate_text`] where no browser is).
//!
//! - [`draw_plane`]: one information plane (IDNNs' per-epoch polylines, or
//!   per-layer trajectories), coloured by epoch with [`viridis`].
//! - [`draw_colour_bar`]: the epoch colour bar.
//! - [`draw_plane_grid`] / [`draw_run_planes`]: one plane per seed, plus the
//!   mean over seeds, and a colour bar.
//! - [`draw_gradients`] / [`draw_snr`]: gradient statistics (IDNNs' Figure 4)
//!   under any [`GradDefinition`](infoplane_core::gradients::GradDefinition),
//!   optionally with IDNNs' mislabelled y axis.
//! - [`draw_loss_accuracy`], [`draw_loss`], [`draw_accuracy`],
//!   [`draw_weight_norms`]: training curves.
//! - [`draw_clustering`]: I(X;T) and class clustering per layer against
//!   epoch (Goldfeld et al., ICML 2019).
//! - [`draw_sweep_summary`]: a sweep's I(X;T) and I(T;Y) per layer against
//!   the swept value (mean ± sd over seeds); [`draw_multiples`]: the grid
//!   of its small multiples.
//!
//! Every figure returns the [`HitPoint`]s it drew (backend pixel position and
//! tooltip text); [`nearest`] finds the one under the pointer.
//!
//! Conventions: record epoch indexes are 0-based and the activations of
//! index `e` were recorded at the start of that epoch, so every figure shows
//! the 1-based epoch number `e + 1` (on log axes, as IDNNs, and in
//! tooltips and colour bars alike). NaN values are skipped, never drawn.
//! Sizes are given at 1× and multiplied by each options' `scale` (the
//! device pixel ratio); [`HitPoint`] positions are in backend pixels. An
//! area too small for a chart (under about 120 × 90 logical pixels) is left
//! blank rather than drawn garbled.
//!
//! ```
//! use infoplane_core::record::SeedRecord;
//! use infoplane_figures::{draw_plane, estimate_text, nearest, record};
//! use infoplane_figures::{PlaneOptions, RecordView, WAITING};
//!
//! let seed = SeedRecord::new(0); // a run that has not logged an epoch yet
//! // In the app: the canvas' own text measure, and `scale` set to the
//! // device pixel ratio; the list is then replayed onto the canvas.
//! let opts = PlaneOptions { max_ixt: 12.0, label_entropy: 1.0, ..Default::default() };
//! let (list, hits) = record(640, 480, &estimate_text, |area| {
//!     draw_plane(area, &RecordView::seed(&seed), &opts)
//! });
//! assert!(nearest(&hits.unwrap(), 320, 240, 8).is_none());
//! assert!(list.to_svg().contains(WAITING));
//! ```

mod axis;
mod clip;
mod clustering;
mod colorbar;
mod curves;
mod frame;
mod gradients;
mod grid;
mod hit;
mod legend;
mod palette;
mod plane;
mod record;
mod series;
mod svg;
mod sweep;
mod theme;
mod view;

pub use clustering::{clustering_ratio, draw_clustering, NO_CLUSTERING};
pub use colorbar::{draw_colour_bar, ColourBarOptions};
pub use curves::{draw_accuracy, draw_loss, draw_loss_accuracy, draw_weight_norms, CurveOptions};
pub use gradients::{draw_gradients, draw_snr, grad_series, GradOptions};
pub use grid::{draw_plane_grid, draw_run_planes, grid_shape, GridOptions};
pub use hit::{nearest, HitPoint};
pub use palette::{layer_colour, viridis, EpochColours, EpochScale, OKABE_ITO};
pub use plane::{draw_plane, PlaneOptions, PlaneStyle};
/// The plotting crate the figures draw with, for callers drawing their own
/// panels onto an [`Area`].
pub use plotters;
pub use record::{
    estimate_text, record, Align, Area, Baseline, Colour, DisplayList, Font, Measure, Op, Recorder,
    DARK_THEME,
};
pub use sweep::{
    draw_multiples, draw_sweep_summary, multiples_shape, sweep_scale, Reference, SummaryOptions,
    SweepScale,
};
pub use view::RecordView;

/// The text shown on a figure whose record has no logged epoch yet.
pub const WAITING: &str = "waiting for the first logged epoch";
