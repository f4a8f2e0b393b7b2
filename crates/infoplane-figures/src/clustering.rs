//! I(X;T) and class clustering against epoch: the view of Goldfeld et al.
//! (ICML 2019), who relate the compression of I(X;T) in noisy networks to
//! how tightly each layer clusters its inputs by class.

use crate::curves::{draw_layer_series, CurveOptions};
use crate::hit::HitPoint;
use crate::record::Area;
use crate::theme::{centred_text, titled, Theme, MUTED};
use crate::view::RecordView;
use infoplane_core::record::SeedRecord;

/// The text the clustering figure shows for a record without clustering.
pub const NO_CLUSTERING: &str = "no class clustering in this record (clustering=on records it)";

/// The clustering measure the figure draws, `[epoch][layer]`: each
/// layer's mean Euclidean distance between rows of the same class divided
/// by that between rows of different classes. One number per layer that
/// falls as classes tighten into clusters apart from each other (0: the
/// rows of a class coincide; about 1: no class structure) and, unlike the
/// raw within-class distance, does not move when a layer merely scales its
/// outputs (as saturating tanh units do). Of several seeds: the mean of
/// their ratios, over the seeds that logged an epoch and the epochs all of
/// them logged (those of
/// [`Aggregate::of`](infoplane_core::record::Aggregate::of)). `None` when
/// no seed logged an epoch or one that did has no clustering.
pub fn clustering_ratio(seeds: &[&SeedRecord]) -> Option<Vec<Vec<f64>>> {
    let mut sum: Vec<Vec<f64>> = Vec::new();
    let mut n = 0;
    for s in seeds.iter().filter(|s| !s.epochs.is_empty()) {
        let c = s.clustering.as_deref()?;
        let (w, b) = (&c.within_distance, &c.between_distance);
        if n == 0 {
            sum = w.clone();
        }
        n += 1;
        // Seed by seed in order, so the sum's order is fixed; the epochs
        // (and layers) all seeds have.
        sum.truncate(w.len().min(b.len()));
        for (k, row) in sum.iter_mut().enumerate() {
            row.truncate(w[k].len().min(b[k].len()));
            for (l, v) in row.iter_mut().enumerate() {
                let r = w[k][l] / b[k][l];
                *v = if n == 1 { r } else { *v + r };
            }
        }
    }
    for v in sum.iter_mut().flatten() {
        *v /= f64::from(n);
    }
    (n > 0).then_some(sum)
}

/// I(X;T) per layer (left) and the class clustering `ratio` of
/// [`clustering_ratio`] per layer (right) against the log epoch axis, side
/// by side (stacked when the area is tall), each with its layer legend,
/// under `opts.title`. A record that has logged epochs but no clustering
/// (`ratio` `None`) gets [`NO_CLUSTERING`] in words instead of empty axes.
/// Hit points read e.g. "seed 0 · layer 2 · epoch 100 · within/between
/// 0.412".
pub fn draw_clustering(
    area: &Area,
    view: &RecordView,
    ratio: Option<&[Vec<f64>]>,
    opts: &CurveOptions,
) -> Result<Vec<HitPoint>, String> {
    let t = Theme::new(opts.scale);
    let body = titled(area, &opts.title, t)?;
    let (w, h) = body.dim_in_pixel();
    let Some(ratio) = ratio.or(view.epochs.is_empty().then_some(&[])) else {
        let font = t.tick_font().color(&MUTED);
        centred_text(&body, NO_CLUSTERING, &font, (w as i32 / 2, h as i32 / 2))?;
        return Ok(Vec::new());
    };
    let (a, b) = if w >= h {
        body.split_horizontally(w / 2)
    } else {
        body.split_vertically(h / 2)
    };
    let opts = &CurveOptions {
        title: String::new(),
        ..opts.clone()
    };
    let mut hits = draw_layer_series(&a, view, view.ixt, "I(X;T) (bits)", "I(X;T)", opts)?;
    let desc = "within/between (smaller: tighter)";
    hits.extend(draw_layer_series(
        &b,
        view,
        ratio,
        desc,
        "within/between",
        opts,
    )?);
    Ok(hits)
}
