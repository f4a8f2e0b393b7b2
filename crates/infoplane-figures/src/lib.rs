//! # infoplane-figures
//!
//! The figures of infoplane, drawn from run records
//! ([`infoplane_core::record`]) onto any plotters
//! [`DrawingArea`](plotters::drawing::DrawingArea): an HTML canvas in the app,
//! SVG for export, a bitmap in tests. No fonts and no image crate are linked:
//! text is measured by the backend (canvas) or estimated (SVG).
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
//! use infoplane_figures::{draw_plane, nearest, PlaneOptions, RecordView, WAITING};
//! use plotters::prelude::*;
//!
//! let record = SeedRecord::new(0); // a run that has not logged an epoch yet
//! let mut svg = String::new();
//! {
//!     // In the app: CanvasBackend::new("plane").unwrap().into_drawing_area(),
//!     // with `scale` set to the device pixel ratio.
//!     let root = SVGBackend::with_string(&mut svg, (640, 480)).into_drawing_area();
//!     root.fill(&WHITE).unwrap();
//!     let opts = PlaneOptions { max_ixt: 12.0, label_entropy: 1.0, ..Default::default() };
//!     let hits = draw_plane(&root, &RecordView::seed(&record), &opts).unwrap();
//!     assert!(nearest(&hits, 320, 240, 8).is_none());
//!     root.present().unwrap();
//! }
//! assert!(svg.contains(WAITING));
//! ```

mod axis;
mod clip;
mod colorbar;
mod curves;
mod frame;
mod gradients;
mod grid;
mod hit;
mod legend;
mod palette;
mod plane;
mod series;
mod theme;
mod view;

pub use colorbar::{draw_colour_bar, ColourBarOptions};
pub use curves::{draw_accuracy, draw_loss, draw_loss_accuracy, draw_weight_norms, CurveOptions};
pub use gradients::{draw_gradients, draw_snr, grad_series, GradOptions};
pub use grid::{draw_plane_grid, draw_run_planes, grid_shape, GridOptions};
pub use hit::{nearest, HitPoint};
pub use palette::{layer_colour, viridis, EpochColours, EpochScale, OKABE_ITO};
pub use plane::{draw_plane, PlaneOptions, PlaneStyle};
pub use view::{total_epochs, RecordView};

/// The text shown on a figure whose record has no logged epoch yet.
pub const WAITING: &str = "waiting for the first logged epoch";
