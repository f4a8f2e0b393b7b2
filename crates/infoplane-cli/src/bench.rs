//! `infoplane bench`: speed figures of the engine, as `name: value unit`.
//!
//! Times are wall-clock seconds; single-threaded parts also print their
//! process CPU time (`*_cpu`), which a busy machine inflates less. With
//! `--quick` every workload is cut down to a few seconds in total (the
//! figures then only show that the bench runs).

use crate::CliError;
use infoplane_core::config::Config;
use infoplane_core::estimators::{kde_bounds, kde_upper, LayerView};
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use infoplane_core::run::run_set;
use infoplane_core::simd::{limit_path, Path};
use infoplane_core::train::Trainer;
use infoplane_core::{data, presets};
use std::sync::Arc;
use std::time::Instant;

/// Process CPU seconds (user + system, all threads) on Linux; None elsewhere.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Wall and CPU clocks from one moment.
struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_secs(),
        }
    }

    /// Prints `name: wall s` and, when known, `name_cpu: cpu s`.
    fn print(&self, name: &str) -> f64 {
        let wall = self.wall.elapsed().as_secs_f64();
        println!("{name}: {wall:.3} s");
        if let (Some(a), Some(b)) = (self.cpu, cpu_secs()) {
            println!("{name}_cpu: {:.2} s", b - a);
        }
        wall
    }
}

fn config(preset: &str, sets: &[(&str, String)]) -> Result<(Params, Config), CliError> {
    let mut params = Params::from_preset(presets::find(preset).expect("preset exists"));
    for (k, v) in sets {
        params.set(k, v)?;
    }
    let cfg = Config::from_params(&params)?;
    Ok((params, cfg))
}

/// The benchmark groups, by the name that selects them.
type Group = fn(bool) -> Result<(), CliError>;
const GROUPS: [(&str, Group); 5] = [
    ("idnns", idnns_default),
    ("idnns-4-lane", idnns_default_base_path),
    ("saxe-kde", saxe_tanh_kde),
    ("szt", szt_stored_run),
    ("relu-memory", saxe_relu_memory),
];

/// `bench [--quick] [GROUP...]`: every group, or the ones named.
pub fn main(args: &[String]) -> Result<(), CliError> {
    let quick = args.iter().any(|a| a == "--quick");
    let names: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--quick")
        .collect();
    for n in &names {
        if !GROUPS.iter().any(|(g, _)| g == n) {
            let all: Vec<&str> = GROUPS.iter().map(|(g, _)| *g).collect();
            return Err(CliError(format!(
                "bench: \"{n}\" is not one of {}",
                all.join(", ")
            )));
        }
    }
    for (name, run) in GROUPS {
        if names.is_empty() || names.contains(&name) {
            run(quick)?;
        }
    }
    Ok(())
}

/// The idnns-default run (training, probes, binning MI, gradients) as
/// `infoplane run` does it, one seed on 2 threads (the second estimates the
/// MI of logged epochs) and on 1, then both KDE bounds at noise 0.1 on
/// every logged epoch, timed apart.
fn idnns_default(quick: bool) -> Result<(), CliError> {
    let sets = if quick {
        vec![("epochs", "400".to_string())]
    } else {
        vec![]
    };
    let (params, cfg) = config("idnns-default", &sets)?;
    let data = Arc::new(data::var_u());
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64();
    let mut digests = Vec::new();
    for (threads, name) in [(2, "idnns_default_run"), (1, "idnns_default_run_1_thread")] {
        let clock = Clock::start();
        let rec = run_set(
            &params,
            &cfg,
            data.clone(),
            threads,
            &mut |_| {},
            &|| false,
            &now,
        )?;
        let secs = clock.print(name);
        let seed = rec.seeds.first().ok_or(CliError("no seed ran".into()))?;
        digests.push(seed.digest());
        if threads == 2 {
            let samples = cfg.epochs as f64 * cfg.split_rows(data.len()).train.len() as f64;
            println!("idnns_default_epochs: {} epochs", cfg.epochs);
            println!("idnns_default_logged_epochs: {} epochs", seed.epochs.len());
            println!(
                "training_throughput: {:.2} M sample-epochs/s",
                samples / secs / 1e6
            );
            println!(
                "final_train_accuracy: {:.4} fraction",
                seed.acc_train.last().copied().unwrap_or(f64::NAN)
            );
        }
    }
    // The thread count never changes a record.
    if digests[0] != digests[1] {
        return Err(CliError(format!(
            "idnns-default: 2 threads gave record {}, 1 thread {}",
            digests[0], digests[1]
        )));
    }
    println!("record_digest: {} hex", digests[0]);
    let mut t = Trainer::new(&cfg, data.clone())?;
    let widths = t.layer_widths();
    let (rows, labels) = {
        let (r, l) = t.mi_rows();
        (r.len(), l.to_vec())
    };
    let (mut kde_secs, mut logged) = (0.0f64, 0usize);
    let mut checksum = 0.0f64;
    while !t.is_done() {
        if t.step().map_err(|e| CliError(e.to_string()))?.is_some() {
            logged += 1;
            // Both bounds, every layer; in quick mode only every 32nd
            // logged epoch.
            if quick && logged % 32 != 1 {
                continue;
            }
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
    println!("kde_upper_and_lower_all_logged_epochs: {kde_secs:.3} s");
    println!(
        "kde_per_logged_epoch: {:.1} ms",
        1e3 * kde_secs / logged.max(1) as f64
    );
    println!("kde_checksum: {checksum:.6} bits");
    Ok(())
}

/// The same run on the 4-lane kernels the browser runs (SSE2 here, simd128
/// in wasm): the same bits, a lower bound on what wasm can reach.
fn idnns_default_base_path(quick: bool) -> Result<(), CliError> {
    let sets = if quick {
        vec![("epochs", "400".to_string())]
    } else {
        vec![]
    };
    let (_, cfg) = config("idnns-default", &sets)?;
    let data = Arc::new(data::var_u());
    limit_path(Some(Path::Base));
    let clock = Clock::start();
    let mut t = Trainer::new(&cfg, data)?;
    while !t.is_done() {
        t.step().map_err(|e| CliError(e.to_string()))?;
    }
    clock.print("idnns_default_run_4_lane_kernels");
    limit_path(None);
    println!(
        "idnns_default_4_lane_record_digest: {} hex",
        t.finish(Status::Done, 0.0).digest()
    );
    Ok(())
}

/// KDE upper and lower bounds of every layer at every logged epoch of the
/// saxe-tanh preset (ibsgd's schedule, all 4096 rows), at the preset's noise
/// variance (0.001) and at the paper's (0.1); training is not timed.
fn saxe_tanh_kde(quick: bool) -> Result<(), CliError> {
    let sets = if quick {
        vec![("epochs", "6".to_string())]
    } else {
        vec![]
    };
    let (params, cfg) = config("saxe-tanh", &sets)?;
    // The preset bins, but sets ibsgd's KDE noise for the KDE estimators.
    let noise = params.float("noise_var");
    let data = Arc::new(data::var_u());
    let mut t = Trainer::new(&cfg, data.clone())?;
    let widths = t.layer_widths();
    let (rows, labels) = {
        let (r, l) = t.mi_rows();
        (r.len(), l.to_vec())
    };
    // Per noise: both bounds (k = 0, 1), then the upper bound alone (k = 2,
    // 3: `estimator=kde-upper`, what the letter's Saxe card runs).
    let (mut secs, mut cpu, mut logged) = ([0.0f64; 4], [0.0f64; 4], 0usize);
    let mut checksum = [0.0f64; 4];
    while !t.is_done() {
        if t.step().map_err(|e| CliError(e.to_string()))?.is_none() {
            continue;
        }
        logged += 1;
        for (k, s2) in [noise, 0.1, noise, 0.1].into_iter().enumerate() {
            let t0 = Clock::start();
            for (l, acts) in t.last_activations().iter().enumerate() {
                let view = LayerView {
                    data: acts,
                    rows,
                    width: widths[l],
                };
                checksum[k] += if k < 2 {
                    let (up, lo) = kde_bounds(view, &labels, data.n_classes(), s2);
                    up.ixt + up.ity + lo.ixt + lo.ity
                } else {
                    let up = kde_upper(view, &labels, data.n_classes(), s2);
                    up.ixt + up.ity
                };
            }
            secs[k] += t0.wall.elapsed().as_secs_f64();
            if let (Some(a), Some(b)) = (t0.cpu, cpu_secs()) {
                cpu[k] += b - a;
            }
        }
    }
    println!("saxe_tanh_logged_epochs: {logged} epochs");
    println!("saxe_tanh_kde_noise_var: {noise} (variance)");
    println!("saxe_tanh_kde_all_logged_epochs: {:.3} s", secs[0]);
    println!("saxe_tanh_kde_all_logged_epochs_cpu: {:.2} s", cpu[0]);
    println!(
        "saxe_tanh_kde_all_logged_epochs_noise_0.1: {:.3} s",
        secs[1]
    );
    println!(
        "saxe_tanh_kde_all_logged_epochs_noise_0.1_cpu: {:.2} s",
        cpu[1]
    );
    for (k, tail) in [(2, ""), (3, "_noise_0.1")] {
        println!(
            "saxe_tanh_kde_upper_all_logged_epochs{tail}: {:.3} s",
            secs[k]
        );
        println!(
            "saxe_tanh_kde_upper_all_logged_epochs{tail}_cpu: {:.2} s",
            cpu[k]
        );
    }
    println!("saxe_tanh_kde_checksum: {:.6} bits", checksum[0]);
    println!("saxe_tanh_kde_checksum_noise_0.1: {:.6} bits", checksum[1]);
    println!("saxe_tanh_kde_upper_checksum: {:.6} bits", checksum[2]);
    println!(
        "saxe_tanh_kde_upper_checksum_noise_0.1: {:.6} bits",
        checksum[3]
    );
    Ok(())
}

/// SZT's stored run with its 20 seeds on 2 threads.
fn szt_stored_run(quick: bool) -> Result<(), CliError> {
    let preset = presets::find("szt-2017-stored-run").expect("preset exists");
    let sets = if quick {
        vec![("epochs", "60".to_string())]
    } else {
        vec![]
    };
    let (mut params, cfg) = config(preset.name, &sets)?;
    if quick {
        params
            .set("seeds", "2")
            .map_err(|e| CliError(e.to_string()))?;
    }
    let data = Arc::new(data::var_u());
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64();
    let clock = Clock::start();
    let rec = run_set(&params, &cfg, data, 2, &mut |_| {}, &|| false, &now)?;
    clock.print(&format!("szt_2017_stored_run_{}_seeds", params.seeds()));
    let digest: Vec<String> = rec.seeds.iter().take(2).map(|s| s.digest()).collect();
    println!("szt_2017_stored_run_digests: {} hex", digest.join(","));
    Ok(())
}

/// Peak live heap of the saxe-relu preset (`range=run` keeps every logged
/// epoch's activations) over its whole run.
fn saxe_relu_memory(quick: bool) -> Result<(), CliError> {
    let sets = if quick {
        vec![("epochs", "100".to_string())]
    } else {
        vec![]
    };
    let (_, cfg) = config("saxe-relu", &sets)?;
    crate::alloc::reset_peak();
    let base = crate::alloc::live();
    let clock = Clock::start();
    let data = Arc::new(data::var_u());
    let mut t = Trainer::new(&cfg, data)?;
    while !t.is_done() {
        t.step().map_err(|e| CliError(e.to_string()))?;
    }
    let rec = t.finish(Status::Done, 0.0);
    let peak = crate::alloc::peak();
    clock.print("saxe_relu_run");
    println!(
        "saxe_relu_range_run_peak_memory: {:.1} MB",
        peak.saturating_sub(base) as f64 / 1e6
    );
    println!("saxe_relu_record_digest: {} hex", rec.digest());
    Ok(())
}
