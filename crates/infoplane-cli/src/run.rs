//! `infoplane run`.

use crate::progress::Progress;
use crate::{take_value, CliError};
use infoplane_core::config::Config;
use infoplane_core::cost::{self, Cost};
use infoplane_core::data;
use infoplane_core::params::Params;
use infoplane_core::run::{run_set, Event};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Set by Ctrl-C: the runs stop at their next epoch and keep what they have.
pub(crate) static STOP: AtomicBool = AtomicBool::new(false);

/// The reader's CSV data set at `path` (`--data`), if given.
pub(crate) fn read_custom(path: Option<&str>) -> Result<Option<Arc<data::Dataset>>, CliError> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| CliError(format!("{path}: {e}")))?;
    let set = data::parse_csv(path, &text).map_err(|e| CliError(format!("{path}: {e}")))?;
    Ok(Some(Arc::new(set)))
}

/// Ctrl-C sets [`STOP`] instead of killing the process.
pub(crate) fn catch_ctrl_c() -> Result<(), CliError> {
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))
        .map_err(|e| CliError(format!("cannot catch Ctrl-C: {e}")))
}

/// `--threads`, or every core.
pub(crate) fn threads_or_all(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut params = Params::default();
    let mut sets = Vec::new();
    let (mut out, mut data_path, mut quiet, mut threads) = (None, None, false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            // The preset first (it resets every parameter), then the rest
            // in order, all through the parameter table.
            "--preset" => params.set("preset", &take_value(&mut it, "--preset")?)?,
            "--seeds" => sets.push(format!("seeds={}", take_value(&mut it, "--seeds")?)),
            "--set" => sets.push(take_value(&mut it, "--set")?),
            "--threads" => {
                threads = Some(
                    take_value(&mut it, "--threads")?
                        .parse::<usize>()
                        .map_err(|_| CliError("--threads needs a number".into()))?,
                )
            }
            "--out" => out = Some(take_value(&mut it, "--out")?),
            "--data" => data_path = Some(take_value(&mut it, "--data")?),
            "--quiet" | "-q" => quiet = true,
            other => return Err(CliError(format!("unknown option \"{other}\" for run"))),
        }
    }
    if data_path.is_some() {
        params.set("dataset", "custom")?;
    }
    for s in &sets {
        params.set_pair(s)?;
    }
    let cfg = Config::from_params(&params)?;
    let custom = read_custom(data_path.as_deref())?;
    let dataset = cfg.dataset(custom)?;
    catch_ctrl_c()?;
    let threads = threads_or_all(threads);
    if !quiet {
        let cost = Cost::estimate(
            &cfg,
            dataset.len(),
            dataset.n_features(),
            dataset.n_classes(),
        );
        let t0 = Instant::now();
        let speeds = cost::calibrate(&|| t0.elapsed().as_secs_f64());
        eprintln!("{}", cost.summary(&speeds, params.seeds().min(threads)));
    }
    let seeds = params.seed_list();
    let mut bar = Progress::new(
        seeds.iter().map(|s| format!("seed {s:<4}")).collect(),
        !quiet,
    );
    let bar_of = |seed: u64| seeds.iter().position(|&s| s == seed).unwrap_or(usize::MAX);
    let start = Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let mut emit = |e: Event| match e {
        Event::Progress {
            seed,
            epoch,
            epochs,
            seconds,
        } => bar.update(bar_of(seed), epoch, epochs, seconds),
        Event::Finished { seed, record } => {
            // A stopped or failed seed keeps the bar where progress left it.
            if record.status == infoplane_core::record::Status::Done {
                bar.update(bar_of(seed), cfg.epochs, cfg.epochs, record.seconds);
            }
            if let Some(m) = &record.message {
                eprintln!("seed {seed}: {m}");
            }
        }
        _ => {}
    };
    let rec = run_set(
        &params,
        &cfg,
        dataset,
        threads,
        &mut emit,
        &|| STOP.load(Ordering::SeqCst),
        &clock,
    )?;
    let json = serde_json::to_string(&rec)?;
    match out {
        Some(path) => {
            std::fs::write(&path, json + "\n").map_err(|e| CliError(format!("{path}: {e}")))?;
            if !quiet {
                eprintln!(
                    "wrote {path} ({} seeds, {:.1} s)",
                    rec.seeds.len(),
                    start.elapsed().as_secs_f64()
                );
            }
        }
        None => println!("{json}"),
    }
    if STOP.load(Ordering::SeqCst) {
        eprintln!("stopped by Ctrl-C; the record holds the epochs logged so far");
    }
    Ok(())
}
