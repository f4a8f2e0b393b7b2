//! Prints the cost model's time estimate beside the measured time of whole
//! runs of presets, on wall-clock time and (Linux) on CPU time, which a busy
//! machine does not distort:
//!
//! ```text
//! cargo run --release -p infoplane-core --example cost_vs_actual -- idnns-default saxe-relu
//! ```

use infoplane_core::config::Config;
use infoplane_core::cost::{calibrate, format_bytes, Cost};
use infoplane_core::params::Params;
use infoplane_core::presets;
use infoplane_core::record::Status;
use infoplane_core::train::Trainer;
use std::time::Instant;

/// This thread's CPU seconds (Linux), for calibrating without the load of
/// other processes.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

/// The process's CPU seconds, all threads (Linux, 10 ms ticks).
fn process_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let f: Vec<&str> = s.rsplit(')').next()?.split_whitespace().collect();
    Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
}

fn main() {
    let names: Vec<String> = std::env::args().skip(1).collect();
    for name in &names {
        let Some(preset) = presets::find(name) else {
            eprintln!("no preset {name}");
            continue;
        };
        let cfg = Config::from_params(&Params::from_preset(preset)).expect("presets are valid");
        let data = match cfg.dataset(None) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        let cost = Cost::estimate(&cfg, data.len(), data.n_features(), data.n_classes());
        let t0 = Instant::now();
        let wall_speeds = calibrate(&|| t0.elapsed().as_secs_f64());
        let cpu_speeds = thread_cpu().map(|_| calibrate(&|| thread_cpu().unwrap_or(0.0)));
        let (c0, w0) = (process_cpu(), Instant::now());
        let mut t = Trainer::new(&cfg, data).expect("built-in data fits");
        while !t.is_done() {
            if let Err(e) = t.step() {
                eprintln!("{name}: {e}");
            }
        }
        let _ = t.finish(Status::Done, 0.0);
        let wall = w0.elapsed().as_secs_f64();
        println!(
            "{name}: wall: estimate {:.2} s, actual {wall:.2} s; peak memory estimate {}",
            cost.seconds(&wall_speeds).1,
            format_bytes(cost.peak_bytes())
        );
        if let (Some(s), Some(c0), Some(c1)) = (cpu_speeds, c0, process_cpu()) {
            println!(
                "{name}: cpu:  estimate {:.2} s, actual {:.2} s",
                cost.seconds(&s).1,
                c1 - c0
            );
        }
    }
}
