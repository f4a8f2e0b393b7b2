//! Speed of the core's kernels, natively or in wasm (no browser needed):
//!
//! ```text
//! cargo run --release -p infoplane-core --example speed [idnns|saxe|grad|kde] [epochs]
//! SPEED_PATH=base ...   # natively, the 4-lane kernels the browser runs
//! RUSTFLAGS="-C target-feature=+simd128" cargo build --release -p infoplane-core \
//!     --example speed --target wasm32-wasip1      # rustup target add wasm32-wasip1
//! node run.mjs target/wasm32-wasip1/release/examples/speed.wasm idnns
//! ```
//!
//! where `run.mjs` is node's WASI (node 20):
//!
//! ```text
//! import { readFile } from 'node:fs/promises';
//! import { WASI } from 'node:wasi';
//! import { argv, cpuUsage } from 'node:process';
//! const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env: {}, preopens: {} });
//! const mod = await WebAssembly.compile(await readFile(argv[2]));
//! const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
//! const c0 = cpuUsage();
//! wasi.start(inst);
//! console.log(`node: cpu ${(cpuUsage(c0).user / 1e6).toFixed(3)} s`);
//! ```
//!
//! Prints `name: value unit` lines and a digest of the results, which must
//! be the same natively and in wasm.

use infoplane_core::config::Config;
use infoplane_core::estimators::{kde_bounds, LayerView};
use infoplane_core::network::{Gradients, Workspace};
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use infoplane_core::rng::{Rng, Stream};
use infoplane_core::train::Trainer;
use infoplane_core::{data, presets};
use std::sync::Arc;
use std::time::Instant;

/// CPU seconds of this process (Linux, 10 ms ticks), to see through a busy
/// machine; None elsewhere (e.g. in wasm).
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Wall time since `t0`, and the CPU time since `c0` if known.
fn report(name: &str, t0: Instant, c0: Option<f64>, per: f64, unit: &str) {
    let wall = t0.elapsed().as_secs_f64();
    let cpu = c0.and_then(|c| Some(cpu_secs()? - c));
    match cpu {
        Some(c) => println!(
            "{name}: {:.3} {unit} (wall {:.3}, cpu {c:.3} s)",
            c * per,
            wall
        ),
        None => println!("{name}: {:.3} {unit} (wall {wall:.3} s)", wall * per),
    }
}

/// The preset's configuration, with `epochs` if given.
fn config(preset: &str, epochs: Option<usize>) -> Config {
    let mut p = Params::from_preset(presets::find(preset).expect("preset exists"));
    if let Some(e) = epochs {
        p.set("epochs", &e.to_string()).expect("valid epochs");
    }
    Config::from_params(&p).expect("valid preset")
}

/// Runs `preset` to the end (its epochs unless `epochs` is given) and
/// prints its time as `name` and its record's digest.
fn whole_run(preset: &str, epochs: Option<usize>, data: Arc<data::Dataset>, name: &str) {
    let cfg = config(preset, epochs);
    let (t0, c0) = (Instant::now(), cpu_secs());
    let mut t = Trainer::new(&cfg, data).expect("valid config");
    while !t.is_done() {
        t.step().expect("finite run");
    }
    report(name, t0, c0, 1.0, "s");
    let rec = t.finish(Status::Done, 0.0);
    println!("record_digest: {} hex", rec.digest());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("idnns", String::as_str);
    // Runs: the preset's epochs unless given; repeated kernels: 8000 times.
    let given: Option<usize> = args.get(2).and_then(|s| s.parse().ok());
    let epochs = given.unwrap_or(8000);
    if std::env::var("SPEED_PATH").as_deref() == Ok("base") {
        infoplane_core::simd::limit_path(Some(infoplane_core::simd::Path::Base));
    }
    let data = Arc::new(data::var_u());
    match what {
        // The whole idnns-default run: training, probes, binning MI, gradients.
        "idnns" => whole_run("idnns-default", given, data, "idnns_default_run"),
        // The whole saxe-tanh run (shuffled batches of 256, binning MI):
        // the training each configuration of the letter's Saxe card does.
        "saxe" => whole_run("saxe-tanh", given, data, "saxe_run"),
        // Gradient of every batch of the training set, `epochs` times,
        // without updates.
        "grad" => {
            let cfg = config("idnns-default", Some(epochs));
            let t = Trainer::new(&cfg, data.clone()).expect("valid config");
            let net = t.network().clone();
            let train = t.split().train.clone();
            let mut ws = Workspace::new(&net);
            let mut g = Gradients::zeros_like(&net);
            let mut check = 0.0f64;
            let (t0, c0) = (Instant::now(), cpu_secs());
            for _ in 0..epochs {
                for b in train.chunks(512) {
                    ws.gradient(&net, &data, b, &mut g);
                }
                check += f64::from(g.w[0][0]);
            }
            let samples = (epochs * train.len()) as f64;
            report("gradient", t0, c0, 1e9 / samples, "ns/sample");
            println!("checksum: {check:e}");
        }
        // Both KDE bounds on 6 random layers of 4096 rows (the idnns widths),
        // `epochs` times.
        "kde" => {
            let widths = [10usize, 7, 5, 4, 3, 2];
            let mut rng = Rng::for_stream(9, Stream::Init);
            let layers: Vec<Vec<f32>> = widths
                .iter()
                .map(|&w| {
                    (0..4096 * w)
                        .map(|_| (rng.next_f64() * 2.0 - 1.0) as f32)
                        .collect()
                })
                .collect();
            let labels: Vec<u32> = (0..4096).map(|_| rng.below(2) as u32).collect();
            let mut check = 0.0;
            let (t0, c0) = (Instant::now(), cpu_secs());
            for _ in 0..epochs {
                for (l, &w) in layers.iter().zip(&widths) {
                    for s2 in [1e-3, 0.1] {
                        let view = LayerView {
                            data: l,
                            rows: 4096,
                            width: w,
                        };
                        let (up, lo) = kde_bounds(view, &labels, 2, s2);
                        check += up.ixt + lo.ixt + up.ity + lo.ity;
                    }
                }
            }
            report(
                "kde_both_noises_per_epoch",
                t0,
                c0,
                1e3 / epochs as f64,
                "ms",
            );
            println!("checksum: {check:.12}");
        }
        other => eprintln!("unknown: {other}"),
    }
}
