//! `infoplane bench`: speed figures of the engine, as `name: value unit`.

use crate::CliError;
use infoplane_core::config::Config;
use infoplane_core::estimators::{kde_bounds, LayerView};
use infoplane_core::params::Params;
use infoplane_core::train::Trainer;
use infoplane_core::{data, presets};
use std::sync::Arc;
use std::time::Instant;

pub fn main(args: &[String]) -> Result<(), CliError> {
    let quick = args.iter().any(|a| a == "--quick");
    let mut params = Params::from_preset(presets::find("idnns-default").expect("preset exists"));
    if quick {
        params.set("epochs", "800")?;
    }
    let cfg = Config::from_params(&params)?;
    let data = Arc::new(data::var_u());
    let mut t = Trainer::new(&cfg, data.clone())?;
    let widths = t.layer_widths();
    let (rows, labels) = {
        let (r, l) = t.mi_rows();
        (r.len(), l.to_vec())
    };
    let start = Instant::now();
    let (mut kde_secs, mut logged) = (0.0f64, 0usize);
    let mut checksum = 0.0f64;
    while !t.is_done() {
        if t.step().map_err(|e| CliError(e.to_string()))?.is_some() {
            logged += 1;
            // KDE is timed apart from the run: both bounds, every layer.
            let k0 = Instant::now();
            for (l, acts) in t.last_activations().iter().enumerate() {
                let (up, lo) = kde_bounds(
                    LayerView {
                        data: acts,
                        rows,
                        width: widths[l],
                    },
                    &labels,
                    data.n_classes(),
                    0.1,
                );
                checksum += up.ixt + lo.ixt;
            }
            kde_secs += k0.elapsed().as_secs_f64();
        }
    }
    let run_secs = start.elapsed().as_secs_f64() - kde_secs;
    let rec = t.finish(infoplane_core::record::Status::Done, run_secs);
    let samples = cfg.epochs as f64 * t_rows(&cfg, &data) as f64;
    println!("idnns_default_epochs: {} epochs", cfg.epochs);
    println!("idnns_default_logged_epochs: {logged} epochs");
    println!("idnns_default_run: {run_secs:.3} s");
    println!(
        "training_throughput: {:.2} M sample-epochs/s",
        samples / run_secs / 1e6
    );
    println!("kde_upper_and_lower_all_logged_epochs: {kde_secs:.3} s");
    println!(
        "kde_per_logged_epoch: {:.1} ms",
        1e3 * kde_secs / logged.max(1) as f64
    );
    println!(
        "final_train_accuracy: {:.4} fraction",
        rec.acc_train.last().copied().unwrap_or(f64::NAN)
    );
    println!("record_digest: {} hex", rec.digest());
    println!("kde_checksum: {checksum:.6} bits");
    Ok(())
}

fn t_rows(cfg: &Config, data: &data::Dataset) -> usize {
    cfg.split_rows(data.len()).train.len()
}
