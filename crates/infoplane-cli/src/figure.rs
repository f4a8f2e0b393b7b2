//! `infoplane figure`: a figure of a run (run here, or read from its
//! record), drawn by infoplane-figures as the lab draws it, written as SVG
//! and/or PNG. Prints the figure's text alternative on stdout. The site's
//! link-preview image is made with it (scripts/trunk-post-build).

use crate::{raster, take_value, CliError};
use infoplane_core::config::Config;
use infoplane_core::params::Params;
use infoplane_core::record::{RunRecord, Status};
use infoplane_core::run::run_set;
use infoplane_core::view::{AxisLabels, EpochColours, PlaneStyle, View};
use infoplane_figures as fig;

/// The figures the command draws, by name.
const FIGURES: [&str; 5] = ["plane", "gradients", "snr", "loss", "norms"];

/// What to draw and where to write it.
struct Job {
    figure: String,
    width: u32,
    height: u32,
    scale: f64,
    title: Option<String>,
    png: Option<String>,
    svg: Option<String>,
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, CliError> {
    text.parse()
        .map_err(|_| CliError(format!("{name}: \"{text}\" is not a number")))
}

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut params = Params::default();
    let mut sets = Vec::new();
    let (mut record, mut threads, mut quiet) = (None, None, false);
    let mut job = Job {
        figure: "plane".into(),
        width: 1200,
        height: 630,
        scale: 1.0,
        title: None,
        png: None,
        svg: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--preset" => params.set("preset", &take_value(&mut it, "--preset")?)?,
            "--seeds" => sets.push(format!("seeds={}", take_value(&mut it, "--seeds")?)),
            "--set" => sets.push(take_value(&mut it, "--set")?),
            "--record" => record = Some(take_value(&mut it, "--record")?),
            "--threads" => threads = Some(number(&take_value(&mut it, a)?, a)?),
            "--figure" => job.figure = take_value(&mut it, a)?,
            "--width" => job.width = number(&take_value(&mut it, a)?, a)?,
            "--height" => job.height = number(&take_value(&mut it, a)?, a)?,
            "--scale" => job.scale = number(&take_value(&mut it, a)?, a)?,
            // "{run}" in the title stands for e.g. "idnns-default, seed 0, 8000 epochs".
            "--title" => job.title = Some(take_value(&mut it, a)?),
            "--png" => job.png = Some(take_value(&mut it, a)?),
            "--svg" => job.svg = Some(take_value(&mut it, a)?),
            "--quiet" | "-q" => quiet = true,
            other => return Err(CliError(format!("unknown option \"{other}\" for figure"))),
        }
    }
    if !FIGURES.contains(&job.figure.as_str()) {
        return Err(CliError(format!(
            "--figure: \"{}\" is not one of {}",
            job.figure,
            FIGURES.join(", ")
        )));
    }
    for (name, v) in [("--width", job.width), ("--height", job.height)] {
        if !(120..=8000).contains(&v) {
            return Err(CliError(format!(
                "{name}: {v} is outside 120 ..= 8000 pixels"
            )));
        }
    }
    if !(job.scale.is_finite() && (0.25..=8.0).contains(&job.scale)) {
        return Err(CliError(format!(
            "--scale: {} is outside 0.25 ..= 8",
            job.scale
        )));
    }
    if job.png.is_none() && job.svg.is_none() {
        return Err(CliError(
            "figure: name an output, --png FILE and/or --svg FILE".into(),
        ));
    }
    for s in &sets {
        params.set_pair(s)?;
    }
    let rec = match record {
        Some(path) => {
            // The record's experiment is drawn as it is; only the view
            // (plane, colors, labels, grad_def) may be chosen.
            let diff = params.without_view().diff(&Params::default());
            if let Some((k, _)) = diff.first() {
                return Err(CliError(format!(
                    "{k}: --record draws the record's own experiment; only view settings may be set beside it"
                )));
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| CliError(format!("{path}: {e}")))?;
            RunRecord::from_json(&text).map_err(|e| CliError(format!("{path}: {e}")))?
        }
        None => run(&params, threads, quiet)?,
    };
    let view = View::from_params(&params);
    let alt = draw_and_write(&rec, &view, &job)?;
    println!("{alt}");
    Ok(())
}

/// Runs the experiment of `params`; every seed must finish.
fn run(params: &Params, threads: Option<usize>, quiet: bool) -> Result<RunRecord, CliError> {
    let cfg = Config::from_params(params)?;
    let dataset = cfg.dataset(None)?;
    let threads = crate::run::threads_or_all(threads);
    if !quiet {
        eprintln!("running {} …", params.to_query());
    }
    let start = std::time::Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let rec = run_set(
        params,
        &cfg,
        dataset,
        threads,
        &mut |_| {},
        &|| false,
        &clock,
    )?;
    for s in &rec.seeds {
        if s.status != Status::Done {
            return Err(CliError(format!(
                "seed {} did not finish: {}",
                s.seed,
                s.message.as_deref().unwrap_or("no message")
            )));
        }
    }
    if !quiet {
        eprintln!("ran {} seed(s) in {:.1} s", rec.seeds.len(), clock());
    }
    Ok(rec)
}

/// "idnns-default, seed 0, 8000 epochs": what the run was.
fn run_label(rec: &RunRecord) -> String {
    let name = rec.preset.clone().unwrap_or_else(|| "custom".into());
    let seeds = match rec.seeds.as_slice() {
        [one] => format!("seed {}", one.seed),
        s => format!("{} seeds", s.len()),
    };
    format!("{name}, {seeds}, {} epochs", rec.epochs)
}

/// The figure's text alternative: what it shows, of which run.
fn alt_text(figure: &str, rec: &RunRecord, view: &View) -> String {
    let run = run_label(rec);
    let layers = rec.layers.len();
    let of = if rec.seeds.len() > 1 {
        "the mean over seeds"
    } else {
        "the run"
    };
    match figure {
        "plane" => {
            let logged = rec.seeds.first().map_or(0, |s| s.epochs.len());
            let lines = match view.plane {
                PlaneStyle::Polylines => format!(
                    "for each of the {logged} logged epochs a line through the {layers} layers' points (L1 to L{layers})"
                ),
                PlaneStyle::Trajectories => format!(
                    "for each of the {layers} layers (L1 to L{layers}) a line through its {logged} logged epochs"
                ),
            };
            let panels = if rec.seeds.len() > 1 {
                ", one panel per seed and one for their mean"
            } else {
                ""
            };
            format!(
                "Information plane of an infoplane run ({run}): I(X;T) in bits on the x axis against I(T;Y) in bits on the y axis{panels}; {lines}, coloured by epoch from dark purple (first) to yellow (last)"
            )
        }
        "gradients" => format!(
            "Gradient statistics of {of} ({run}): per layer the {} of the weight gradients against the epoch, both axes logarithmic",
            view.grad_def.name()
        ),
        "snr" => format!(
            "Gradient signal-to-noise ratio of {of} ({run}) per layer against the epoch, both axes logarithmic"
        ),
        "loss" => format!(
            "Loss and accuracy of {of} ({run}) against the epoch, training set solid, test set dashed"
        ),
        _ => format!(
            "Weight norms of {of} ({run}): the Frobenius norm of each layer's weights against the epoch"
        ),
    }
}

/// Draws `job.figure` of `rec` and writes the files it names; returns the
/// text alternative.
fn draw_and_write(rec: &RunRecord, view: &View, job: &Job) -> Result<String, CliError> {
    let alt = alt_text(&job.figure, rec, view);
    let title = match &job.title {
        Some(t) => t.replace("{run}", &run_label(rec)),
        None => format!("{} · {}", figure_name(&job.figure), run_label(rec)),
    };
    let s = job.scale;
    let single = || {
        if rec.seeds.len() > 1 {
            fig::RecordView::mean(&rec.mean)
        } else {
            rec.seeds
                .first()
                .map_or_else(|| fig::RecordView::empty("no seed"), fig::RecordView::seed)
        }
    };
    let grad = |t: &str| fig::GradOptions {
        definition: view.grad_def,
        original_labels: view.labels == AxisLabels::Original,
        total_epochs: rec.epochs,
        title: format!("{t} — {}", view.grad_def.name()),
        scale: s,
    };
    let curve = |t: &str| fig::CurveOptions {
        total_epochs: rec.epochs,
        title: t.into(),
        scale: s,
    };
    let (list, drawn) = fig::record(job.width, job.height, &raster::measure, |area| {
        match job.figure.as_str() {
            "plane" => {
                let opts = fig::GridOptions {
                    plane: fig::PlaneOptions {
                        style: match view.plane {
                            PlaneStyle::Trajectories => fig::PlaneStyle::Trajectories,
                            PlaneStyle::Polylines => fig::PlaneStyle::Polylines,
                        },
                        colour_scale: match view.colors {
                            EpochColours::Linear => fig::EpochScale::Linear,
                            EpochColours::Log => fig::EpochScale::Log,
                        },
                        scale: s,
                        ..Default::default()
                    },
                    colour_bar: true,
                    title: title.clone(),
                };
                fig::draw_run_planes(area, rec, &opts)
            }
            // The single-record figures: a title line above the lab's figure.
            other => {
                let (_, h) = area.dim_in_pixel();
                let top = ((28.0 * s).round() as i32).min(h as i32 / 4);
                let (head, body) = area.split_vertically(top);
                let style = fig::plotters::style::FontDesc::new(
                    fig::plotters::style::FontFamily::SansSerif,
                    17.0 * s,
                    fig::plotters::style::FontStyle::Normal,
                );
                head.draw_text(
                    &title,
                    &style.color(&fig::plotters::style::RGBColor(0x22, 0x22, 0x22)),
                    ((8.0 * s) as i32, (6.0 * s) as i32),
                )
                .map_err(|e| format!("drawing failed: {e}"))?;
                let v = single();
                match other {
                    "gradients" => fig::draw_gradients(
                        &body,
                        &v,
                        &grad("Gradient mean (solid) and std (dashed)"),
                    ),
                    "snr" => fig::draw_snr(&body, &v, &grad("Signal-to-noise ratio")),
                    "loss" => fig::draw_loss_accuracy(
                        &body,
                        &v,
                        &curve("Loss and accuracy (train solid, test dashed)"),
                    ),
                    _ => fig::draw_weight_norms(&body, &v, &curve("Weight norms ‖W_l‖_F")),
                }
            }
        }
    });
    let hits = drawn.map_err(|e| CliError(format!("{}: {e}", job.figure)))?;
    // A figure without a point drawn would be an empty frame.
    if hits.is_empty() {
        return Err(CliError(format!(
            "{}: nothing to draw (the run logged no finite values): not written",
            job.figure
        )));
    }
    let svg = list.to_svg();
    if let Some(path) = &job.svg {
        std::fs::write(path, &svg).map_err(|e| CliError(format!("{path}: {e}")))?;
    }
    if let Some(path) = &job.png {
        // White, ink, greys of the edges and at least a few data colours.
        let png = raster::png(&svg, job.width, job.height, 16)?;
        std::fs::write(path, png).map_err(|e| CliError(format!("{path}: {e}")))?;
    }
    Ok(alt)
}

fn figure_name(figure: &str) -> &'static str {
    match figure {
        "plane" => "Information plane",
        "gradients" => "Gradient statistics",
        "snr" => "Gradient signal-to-noise ratio",
        "loss" => "Loss and accuracy",
        _ => "Weight norms",
    }
}
