//! A grid of information planes, one per seed plus the mean, with a
//! shared colour bar.

use crate::colorbar::{self, draw_colour_bar, ColourBarOptions};
use crate::hit::HitPoint;
use crate::plane::{draw_plane, PlaneOptions};
use crate::record::Area;
use crate::theme::{titled, Theme};
use crate::view::RecordView;
use infoplane_core::record::RunRecord;

/// Options of [`draw_plane_grid`] and [`draw_run_planes`].
#[derive(Clone, Debug, PartialEq)]
pub struct GridOptions {
    /// Options of every panel (each panel's title is its view's name;
    /// `plane.title` is ignored).
    pub plane: PlaneOptions,
    /// Draw the epoch colour bar on the right.
    pub colour_bar: bool,
    /// Title above the grid (none when empty).
    pub title: String,
}

impl Default for GridOptions {
    fn default() -> Self {
        GridOptions {
            plane: PlaneOptions::default(),
            colour_bar: true,
            title: String::new(),
        }
    }
}

/// Columns and rows for `n` panels in a `w` × `h` area: the layout that
/// makes panels (about 5:4, wider than tall) largest.
pub fn grid_shape(n: usize, w: u32, h: u32) -> (usize, usize) {
    let n = n.max(1);
    let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let size = |c: usize| {
        let r = n.div_ceil(c);
        (w / c as f64 / 1.25).min(h / r as f64)
    };
    // Ties go to fewer columns (the first maximum).
    let cols = (1..=n).fold(1, |best, c| if size(c) > size(best) { c } else { best });
    (cols, n.div_ceil(cols))
}

/// Draws one plane per view in a grid (row by row), each titled with the
/// view's name, and the colour bar on the right. No view draws one empty
/// plane waiting for data.
pub fn draw_plane_grid(
    area: &Area,
    views: &[RecordView],
    opts: &GridOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.plane.scale);
    let body = titled(area, &opts.title, t)?;
    let total = if opts.plane.total_epochs > 0 {
        opts.plane.total_epochs
    } else {
        views
            .iter()
            .filter_map(|v| v.epochs.last())
            .max()
            .map_or(1, |e| e + 1)
    };
    let bar = ColourBarOptions {
        colour_scale: opts.plane.colour_scale,
        total_epochs: total,
        label: "epoch".to_string(),
        scale: opts.plane.scale,
    };
    let (w, _) = body.dim_in_pixel();
    let (panels, strip) = if opts.colour_bar {
        let bw = colorbar::width(&body, &bar)?.min(w as i32 / 4);
        let (p, s) = body.split_horizontally(w as i32 - bw);
        (p, Some(s))
    } else {
        (body, None)
    };
    let mut hits = Vec::new();
    let placeholder = [RecordView::empty("")];
    let views = if views.is_empty() {
        &placeholder[..]
    } else {
        views
    };
    let (pw, ph) = panels.dim_in_pixel();
    let (cols, rows) = grid_shape(views.len(), pw, ph);
    let cells = panels.split_evenly((rows, cols));
    for (view, cell) in views.iter().zip(&cells) {
        let o = PlaneOptions {
            title: view.name.clone(),
            total_epochs: total,
            ..opts.plane.clone()
        };
        hits.extend(draw_plane(cell, view, &o)?);
    }
    if let Some(strip) = strip {
        // Keep the bar clear of the panels' titles and x labels.
        let (_, sh) = strip.dim_in_pixel();
        let bar_area = strip.margin(
            t.px(28.0).min(sh as i32 / 4),
            t.px(40.0).min(sh as i32 / 4),
            0,
            0,
        );
        hits.extend(draw_colour_bar(&bar_area, &bar)?);
    }
    Ok(hits)
}

/// The planes of a run: one per seed and, with two seeds or more, the mean
/// over seeds (`run.mean`, so call `RunRecord::update_mean` first), with
/// axes from the record (`max_ixt`, `label_entropy`) and colours over the
/// run's total epochs unless `opts.plane.total_epochs` is set.
pub fn draw_run_planes(
    area: &Area,
    run: &RunRecord,
    opts: &GridOptions,
) -> Result<Vec<HitPoint>, String> {
    let mut views: Vec<RecordView> = run.seeds.iter().map(RecordView::seed).collect();
    if run.seeds.len() >= 2 {
        views.push(RecordView::mean(&run.mean));
    }
    // The record's total (loading fills it in for records older than the field).
    let total = if opts.plane.total_epochs > 0 {
        opts.plane.total_epochs
    } else {
        run.epochs
    };
    let plane = PlaneOptions {
        max_ixt: run.max_ixt,
        label_entropy: run.label_entropy,
        total_epochs: total,
        ..opts.plane.clone()
    };
    draw_plane_grid(
        area,
        &views,
        &GridOptions {
            plane,
            ..opts.clone()
        },
    )
}
