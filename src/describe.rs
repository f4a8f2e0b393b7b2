//! The figures in words, for readers who cannot see them: a summary of
//! what each figure shows (its text alternative), its data as a table (the
//! CSV export's values), and the alt text and caption of an image embed.

use crate::figures::FigureInput;
use crate::runs::Runs;
use crate::view::{FigureKind, Subject};
use infoplane_core::params::Params;
use infoplane_figures::{grad_series, RecordView, NO_CLUSTERING};

/// What the figure's axes show, in words.
pub fn axes(kind: FigureKind) -> &'static str {
    match kind {
        FigureKind::Plane => "I(X;T) in bits on the x axis against I(T;Y) in bits on the y axis, one curve per layer, coloured by epoch",
        FigureKind::Gradients => "epoch on a log x axis; the mean (solid) and standard deviation (dashed) of the weight gradients per layer on a log y axis",
        FigureKind::Snr => "epoch on a log x axis; the gradients' signal-to-noise ratio per layer on a log y axis",
        FigureKind::Loss => "epoch on a log x axis; training and test loss and accuracy",
        FigureKind::Norms => "epoch on a log x axis; the Frobenius norm of each layer's weights",
        FigureKind::Clustering => "epoch on a log x axis; per layer, I(X;T) in bits and the mean distance within classes over that between classes (smaller: tighter class clusters)",
    }
}

/// The figure's title.
pub fn title(kind: FigureKind) -> &'static str {
    match kind {
        FigureKind::Plane => "Information plane",
        FigureKind::Gradients => "Gradient statistics",
        FigureKind::Snr => "Gradient signal-to-noise ratio",
        FigureKind::Loss => "Loss and accuracy",
        FigureKind::Norms => "Weight norms",
        FigureKind::Clustering => "I(X;T) and class clustering",
    }
}

/// Three significant digits (scientific when tiny or huge); "n/a" for NaN.
fn num(v: f64) -> String {
    let a = v.abs();
    if v.is_nan() {
        "n/a".into()
    } else if v == 0.0 {
        "0".into()
    } else if !(1e-2..1e4).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn at(rows: &[Vec<f64>], k: usize, l: usize) -> f64 {
    rows.get(k)
        .and_then(|r| r.get(l))
        .copied()
        .unwrap_or(f64::NAN)
}

/// "L1 a → b; L2 …": per layer, `pair` of the first and last logged epoch.
fn per_layer(layers: usize, last: usize, pair: impl Fn(usize, usize) -> String) -> String {
    (0..layers)
        .map(|l| format!("L{} {} → {}", l + 1, pair(0, l), pair(last, l)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn layers_of(v: &RecordView) -> usize {
    v.ixt
        .iter()
        .chain(v.wnorm.iter())
        .map(Vec::len)
        .max()
        .unwrap_or(0)
}

/// The text alternative of a figure: what it shows, with its numbers at
/// the first and last logged epoch (per layer where it has layers).
pub fn summary(kind: FigureKind, input: &FigureInput) -> String {
    let runs = input.runs;
    let mean;
    // The plane shows every seed and their mean: it is summarised by the
    // mean; the other figures show the chosen record.
    let wants_mean = kind == FigureKind::Plane || input.subject == Subject::Mean;
    let first = || {
        runs.seeds
            .first()
            .map_or_else(|| RecordView::empty(""), |s| RecordView::seed(&s.record))
    };
    let view = match input.subject {
        _ if wants_mean && runs.seeds.len() > 1 => {
            mean = runs.aggregate();
            RecordView::mean(&mean)
        }
        Subject::Seed(i) if !wants_mean && i < runs.seeds.len() => {
            RecordView::seed(&runs.seeds[i].record)
        }
        _ => first(),
    };
    let what = format!("{}: {}.", title(kind), axes(kind));
    let n = view.epochs.len();
    if n == 0 {
        return format!("{what} No logged epoch yet.");
    }
    let (first, last) = (view.epochs[0] + 1, view.epochs[n - 1] + 1);
    let at_epochs = format!(
        "For {}, at epoch {first} → epoch {last}",
        if view.name.is_empty() {
            "the run"
        } else {
            &view.name
        }
    );
    let layers = layers_of(&view);
    let k = n - 1;
    let body = match kind {
        FigureKind::Plane => format!(
            "{at_epochs}, I(X;T) and I(T;Y) in bits per layer: {}.",
            per_layer(layers, k, |e, l| format!(
                "({}, {})",
                num(at(view.ixt, e, l)),
                num(at(view.ity, e, l))
            ))
        ),
        FigureKind::Gradients | FigureKind::Snr => {
            let g = grad_series(&view, input.view.grad_def);
            let line = if kind == FigureKind::Snr {
                per_layer(layers, k, |e, l| num(at(&g.snr, e, l)))
            } else {
                per_layer(layers, k, |e, l| {
                    format!(
                        "mean {} std {}",
                        num(at(&g.mean, e, l)),
                        num(at(&g.std, e, l))
                    )
                })
            };
            format!(
                "{at_epochs} ({} definition): {line}.",
                input.view.grad_def.name()
            )
        }
        FigureKind::Loss => {
            let v = |s: &[f64], e: usize| num(s.get(e).copied().unwrap_or(f64::NAN));
            format!(
                "{at_epochs}: training loss {} → {}, test loss {} → {}, training accuracy {} → {}, test accuracy {} → {}.",
                v(view.loss_train, 0),
                v(view.loss_train, k),
                v(view.loss_test, 0),
                v(view.loss_test, k),
                v(view.acc_train, 0),
                v(view.acc_train, k),
                v(view.acc_test, 0),
                v(view.acc_test, k)
            )
        }
        FigureKind::Norms => format!(
            "{at_epochs}, weight norm per layer: {}.",
            per_layer(layers, k, |e, l| num(at(view.wnorm, e, l)))
        ),
        FigureKind::Clustering => match crate::figures::clustering_ratio(runs, input.subject) {
            None => format!("{at_epochs}: {NO_CLUSTERING}."),
            Some(r) => {
                format!(
                    "{at_epochs}, I(X;T) in bits and within/between-class distance ratio per layer: {}.",
                    per_layer(layers, k, |e, l| format!(
                        "({}, {})",
                        num(at(view.ixt, e, l)),
                        num(at(&r, e, l))
                    ))
                )
            }
        },
    };
    format!("{what} {body}")
}

/// The CSV export's columns a figure's table shows.
pub fn columns(kind: FigureKind) -> &'static [&'static str] {
    match kind {
        FigureKind::Plane => &["seed", "epoch", "layer", "units", "ixt", "ity"],
        FigureKind::Gradients | FigureKind::Snr => &["seed", "epoch", "layer", "grad_m", "grad_s"],
        FigureKind::Loss => &[
            "seed",
            "epoch",
            "loss_train",
            "loss_test",
            "acc_train",
            "acc_test",
        ],
        FigureKind::Norms => &["seed", "epoch", "layer", "units", "wnorm"],
        FigureKind::Clustering => &[
            "seed",
            "epoch",
            "layer",
            "within_distance",
            "between_distance",
            "ratio",
        ],
    }
}

/// The clustering figure's values as CSV (in the JSON record, not the CSV
/// export): the within- and between-class mean distances and their ratio
/// per seed, epoch and layer.
fn clustering_csv(runs: &Runs) -> String {
    use std::fmt::Write;
    let mut out = columns(FigureKind::Clustering).join(",");
    for s in &runs.seeds {
        let r = &s.record;
        let Some(c) = &r.clustering else { continue };
        for (k, (w, b)) in c
            .within_distance
            .iter()
            .zip(&c.between_distance)
            .enumerate()
        {
            for (l, (w, b)) in w.iter().zip(b).enumerate() {
                let _ = write!(
                    out,
                    "\n{},{},{},{w},{b},{}",
                    r.seed,
                    r.epochs[k],
                    l + 1,
                    w / b
                );
            }
        }
    }
    out
}

/// The figure's data as an HTML table: the CSV export's rows and the
/// figure's columns (loss and accuracy once per seed and epoch, not per
/// layer). Epochs are the record's 0-based indexes, as in the CSV.
pub fn table_html(kind: FigureKind, runs: &Runs) -> String {
    let Some(rec) = runs.to_record() else {
        return "<p>No data yet: run an experiment first.</p>".into();
    };
    let csv = if kind == FigureKind::Clustering {
        clustering_csv(runs)
    } else {
        rec.to_csv()
    };
    let mut lines = csv.split('\n').filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let pick: Vec<usize> = columns(kind)
        .iter()
        .filter_map(|c| header.iter().position(|h| h == c))
        .collect();
    let layer = header.iter().position(|h| *h == "layer");
    let mut out = format!(
        "<table><caption>{}: the values of the {} (epoch = the record's 0-based index)</caption><thead><tr>",
        title(kind),
        if kind == FigureKind::Clustering {
            "JSON record"
        } else {
            "CSV export"
        }
    );
    for &i in &pick {
        out.push_str(&format!("<th scope=\"col\">{}</th>", header[i]));
    }
    out.push_str("</tr></thead><tbody>");
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if kind == FigureKind::Loss && layer.is_some_and(|l| cells.get(l) != Some(&"1")) {
            continue;
        }
        out.push_str("<tr>");
        for &i in &pick {
            out.push_str(&format!("<td>{}</td>", cells.get(i).copied().unwrap_or("")));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// What experiment `params` is, briefly: "idnns-default, 2 seeds, 8000
/// epochs".
pub fn experiment(params: &Params) -> String {
    let seeds = params.seeds();
    format!(
        "{}, {seeds} seed{}, {} epochs",
        params.preset().map_or("a custom experiment", |p| p.name),
        if seeds == 1 { "" } else { "s" },
        params.int("epochs")
    )
}

/// The alt text of a figure's image embed: which figure, of what run, and
/// what its axes show.
pub fn alt_text(kind: FigureKind, params: &Params) -> String {
    format!(
        "{} of an infoplane run ({}): {}",
        title(kind),
        experiment(params),
        axes(kind)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::record::{ClusteringSeries, EpochRecord, RunHeader};
    use infoplane_core::run::Event;
    use infoplane_core::view::View;

    fn epoch(e: usize, x: f64) -> EpochRecord {
        EpochRecord {
            epoch: e,
            ixt: vec![x, x / 2.0],
            ity: vec![0.5, 0.25],
            grad_m: vec![1.0, 2.0],
            grad_s: vec![0.5, 4.0],
            wnorm: vec![3.0, 1.5],
            loss_train: 0.7,
            loss_test: 0.75,
            acc_train: 0.5,
            acc_test: 0.625,
        }
    }

    /// One seed (7), layers [3, 2], epochs 0 and 9.
    fn runs() -> Runs {
        let mut p = Params::default();
        p.set("seed", "7").unwrap();
        p.set("epochs", "10").unwrap();
        let mut r = Runs::queued(p);
        r.apply(Event::Started {
            seed: 7,
            logged: vec![0, 9],
            header: RunHeader {
                dataset: infoplane_core::data::DatasetInfo {
                    name: "t".into(),
                    rows: 4,
                    features: 1,
                    classes: 2,
                },
                layers: vec![3, 2],
                mi_rows: 4,
                label_entropy: 1.0,
                max_ixt: 2.0,
                epochs: 10,
            },
        });
        for (e, x) in [(0, 2.0), (9, 1.0)] {
            r.apply(Event::Epoch {
                seed: 7,
                record: epoch(e, x),
            });
        }
        r
    }

    fn input_summary(kind: FigureKind, r: &Runs) -> String {
        let view = View::from_params(&Params::default());
        summary(
            kind,
            &FigureInput {
                runs: r,
                view: &view,
                subject: crate::view::Subject::Seed(0),
            },
        )
    }

    #[test]
    fn summaries_give_the_first_and_last_values_per_layer() {
        let r = runs();
        // Epoch indexes 0 and 9 are epochs 1 and 10; L1's I(X;T) 2 → 1,
        // L2's 1 → 0.5; I(T;Y) stays 0.5 and 0.25.
        let s = input_summary(FigureKind::Plane, &r);
        assert!(s.starts_with("Information plane: I(X;T) in bits"), "{s}");
        assert!(
            s.ends_with("For seed 7, at epoch 1 → epoch 10, I(X;T) and I(T;Y) in bits per layer: L1 (2.00, 0.500) → (1.00, 0.500); L2 (1.00, 0.250) → (0.500, 0.250)."),
            "{s}"
        );
        let s = input_summary(FigureKind::Norms, &r);
        assert!(
            s.ends_with("weight norm per layer: L1 3.00 → 3.00; L2 1.50 → 1.50."),
            "{s}"
        );
        let s = input_summary(FigureKind::Loss, &r);
        assert!(s.contains("training loss 0.700 → 0.700, test loss 0.750 → 0.750, training accuracy 0.500 → 0.500, test accuracy 0.625 → 0.625."), "{s}");
        // Gradients under the default definition, with both layers.
        let s = input_summary(FigureKind::Gradients, &r);
        assert!(s.contains("L1 mean ") && s.contains("; L2 mean "), "{s}");
        let empty = Runs::default();
        assert!(input_summary(FigureKind::Snr, &empty).ends_with("No logged epoch yet."));
    }

    #[test]
    fn tables_hold_the_csv_values_of_the_figure() {
        let r = runs();
        let t = table_html(FigureKind::Plane, &r);
        assert!(
            t.contains("<th scope=\"col\">ixt</th><th scope=\"col\">ity</th></tr>"),
            "{t}"
        );
        // CSV row "7,0,1,3,2,0.5,…": seed 7, epoch 0, layer 1, 3 units.
        assert!(
            t.contains("<tr><td>7</td><td>0</td><td>1</td><td>3</td><td>2</td><td>0.5</td></tr>"),
            "{t}"
        );
        assert_eq!(t.matches("<tr><td>").count(), 2 * 2, "2 epochs × 2 layers");
        // Loss once per seed and epoch.
        let t = table_html(FigureKind::Loss, &r);
        assert_eq!(t.matches("<tr><td>").count(), 2);
        assert!(
            t.contains(
                "<tr><td>7</td><td>9</td><td>0.7</td><td>0.75</td><td>0.5</td><td>0.625</td></tr>"
            ),
            "{t}"
        );
        assert!(table_html(FigureKind::Norms, &Runs::default()).contains("No data yet"));
    }

    #[test]
    fn clustering_summary_and_table() {
        let mut r = runs();
        // Without clustering the summary says so.
        let s = input_summary(FigureKind::Clustering, &r);
        assert!(
            s.ends_with("at epoch 1 → epoch 10: no class clustering in this record (clustering=on records it)."),
            "{s}"
        );
        // Within-class distances 1 and 3 over between-class 4 and 6 at
        // both epochs: ratios 0.25 and 0.5; I(X;T) as in the plane.
        r.seeds[0].record.clustering = Some(Box::new(ClusteringSeries {
            within_distance: vec![vec![1.0, 3.0]; 2],
            between_distance: vec![vec![4.0, 6.0]; 2],
            within_cosine: vec![vec![0.5, 0.5]; 2],
            between_cosine: vec![vec![0.0, 0.0]; 2],
        }));
        let s = input_summary(FigureKind::Clustering, &r);
        assert!(
            s.ends_with("For seed 7, at epoch 1 → epoch 10, I(X;T) in bits and within/between-class distance ratio per layer: L1 (2.00, 0.250) → (1.00, 0.250); L2 (1.00, 0.500) → (0.500, 0.500)."),
            "{s}"
        );
        let t = table_html(FigureKind::Clustering, &r);
        assert_eq!(t.matches("<tr><td>").count(), 2 * 2, "2 epochs × 2 layers");
        assert!(
            t.contains("<tr><td>7</td><td>9</td><td>2</td><td>3</td><td>6</td><td>0.5</td></tr>"),
            "{t}"
        );
    }

    #[test]
    fn alt_text_names_the_run_and_the_axes() {
        let mut p = Params::default();
        p.set("preset", "idnns-relu").unwrap();
        p.set("seeds", "3").unwrap();
        let a = alt_text(FigureKind::Plane, &p);
        assert_eq!(
            a,
            format!(
                "Information plane of an infoplane run (idnns-relu, 3 seeds, {} epochs): I(X;T) in bits on the x axis against I(T;Y) in bits on the y axis, one curve per layer, coloured by epoch",
                p.int("epochs")
            )
        );
    }
}
