//! Renders sample figures from synthetic records, to look at:
//! `cargo run -p infoplane-figures --example samples [DIR]` (default
//! /tmp/figures-samples). SVGs (text laid out with estimated widths), plus
//! one PNG from the in-memory raster backend (text drawn as boxes: that
//! backend has no fonts).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{rasterise, run_record, seed_record, svg, Raster};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::{Aggregate, RunRecord};
use infoplane_figures::*;
use std::path::Path;

fn save(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write sample");
    println!("{}", dir.join(name).display());
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/figures-samples".to_string());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create sample dir");
    let run = run_record(3, 8000);
    let seed = RecordView::seed(&run.seeds[0]);

    let plane = PlaneOptions {
        total_epochs: 8000,
        max_ixt: 12.0,
        label_entropy: 0.9993,
        title: "Information plane, seed 0 (IDNNs style)".into(),
        ..Default::default()
    };
    let (s, r) = svg(800, 640, |a| draw_plane(a, &seed, &plane));
    println!("plane: {} hits", r.unwrap().len());
    save(dir, "plane_polylines.svg", &s);

    let traj = PlaneOptions {
        style: PlaneStyle::Trajectories,
        colour_scale: EpochScale::Log,
        title: "Trajectories, log epoch colours".into(),
        ..plane.clone()
    };
    let (s, r) = svg(800, 640, |a| draw_plane(a, &seed, &traj));
    r.unwrap();
    save(dir, "plane_trajectories_log.svg", &s);

    let (s, r) = svg(1600, 1280, |a| {
        draw_plane(
            a,
            &seed,
            &PlaneOptions {
                scale: 2.0,
                ..plane.clone()
            },
        )
    });
    r.unwrap();
    save(dir, "plane_hidpi_x2.svg", &s);

    let (s, r) = svg(1400, 860, |a| {
        draw_run_planes(
            a,
            &run,
            &GridOptions {
                title: "3 seeds and their mean".into(),
                ..Default::default()
            },
        )
    });
    r.unwrap();
    save(dir, "grid_3_seeds.svg", &s);

    // A run in progress: seeds at 12, 5 and 0 of 50 logged epochs.
    let mut partial = RunRecord {
        seeds: vec![
            seed_record(0, 8000, 50, 12),
            seed_record(1, 8000, 50, 5),
            seed_record(2, 8000, 50, 0),
        ],
        ..run.clone()
    };
    partial.mean = Aggregate::of(&partial.seeds);
    let (s, r) = svg(1100, 800, |a| {
        draw_run_planes(a, &partial, &GridOptions::default())
    });
    r.unwrap();
    save(dir, "grid_partial.svg", &s);

    let (s, r) = svg(120, 500, |a| {
        draw_colour_bar(
            a,
            &ColourBarOptions {
                colour_scale: EpochScale::Log,
                total_epochs: 8000,
                ..Default::default()
            },
        )
    });
    r.unwrap();
    save(dir, "colour_bar_log.svg", &s);

    for (name, def, original) in [
        (
            "gradients_idnns_original_labels.svg",
            GradDefinition::Idnns,
            true,
        ),
        (
            "gradients_idnns_true_labels.svg",
            GradDefinition::Idnns,
            false,
        ),
        ("gradients_per_layer.svg", GradDefinition::PerLayer, false),
        ("gradients_saxe.svg", GradDefinition::Saxe, false),
    ] {
        let o = GradOptions {
            definition: def,
            original_labels: original,
            total_epochs: 8000,
            title: format!(
                "Gradients ({}){}",
                def.name(),
                if original { ", IDNNs' labels" } else { "" }
            ),
            scale: 1.0,
        };
        let (s, r) = svg(900, 560, |a| draw_gradients(a, &seed, &o));
        r.unwrap();
        save(dir, name, &s);
    }
    let o = GradOptions {
        definition: GradDefinition::Saxe,
        total_epochs: 8000,
        title: "SNR (saxe)".into(),
        ..Default::default()
    };
    let (s, r) = svg(900, 560, |a| draw_snr(a, &seed, &o));
    r.unwrap();
    save(dir, "snr_saxe.svg", &s);

    let c = CurveOptions {
        total_epochs: 8000,
        title: "Seed 0: loss and accuracy".into(),
        scale: 1.0,
    };
    let (s, r) = svg(1000, 420, |a| draw_loss_accuracy(a, &seed, &c));
    r.unwrap();
    save(dir, "loss_accuracy.svg", &s);
    let (s, r) = svg(800, 500, |a| {
        draw_weight_norms(
            a,
            &seed,
            &CurveOptions {
                title: "Weight norms".into(),
                ..c.clone()
            },
        )
    });
    r.unwrap();
    save(dir, "weight_norms.svg", &s);

    let empty = infoplane_core::record::SeedRecord::new(7);
    let (s, r) = svg(700, 500, |a| {
        draw_gradients(
            a,
            &RecordView::seed(&empty),
            &GradOptions {
                total_epochs: 8000,
                title: "Gradients".into(),
                ..Default::default()
            },
        )
    });
    r.unwrap();
    save(dir, "gradients_waiting.svg", &s);

    let mut raster = Raster::new(800, 640);
    rasterise(&mut raster, |a| draw_plane(a, &seed, &plane)).unwrap();
    std::fs::write(dir.join("plane_raster.png"), raster.png()).expect("write png");
    println!("{}", dir.join("plane_raster.png").display());
}
