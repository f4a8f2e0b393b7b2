//! `infoplane sweep`: one parameter over several values, every value with
//! every seed, natively in parallel (training shared where only the
//! estimator changes); or, with `--emit-jobs`, one `infoplane run` command
//! line per value for a batch system, whose records `infoplane merge`
//! combines into the same sweep record.

use crate::progress::Progress;
use crate::run::{catch_ctrl_c, read_custom, threads_or_all, STOP};
use crate::{take_value, CliError};
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use infoplane_core::run::Event;
use infoplane_core::sweep::{
    run_sweep, summary_csv, value_text, SweepEvent, SweepPlan, SweepRecord,
};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Where and how a sweep record is written.
#[derive(Default)]
pub struct Output {
    /// The JSON record (stdout if none).
    pub out: Option<String>,
    /// The summary as CSV.
    pub csv: Option<String>,
    /// The logged epoch the CSV summarises (each value's last if none).
    pub epoch: Option<usize>,
    /// No messages on stderr.
    pub quiet: bool,
}

impl Output {
    /// Takes an output option (`--out`, `--csv`, `--epoch`, `--quiet`);
    /// false if `a` is none of them.
    pub fn take(
        &mut self,
        a: &str,
        it: &mut std::slice::Iter<'_, String>,
    ) -> Result<bool, CliError> {
        match a {
            "--out" => self.out = Some(take_value(it, a)?),
            "--csv" => self.csv = Some(take_value(it, a)?),
            "--epoch" => {
                self.epoch = Some(
                    take_value(it, a)?
                        .parse()
                        .map_err(|_| CliError("--epoch needs a logged epoch (0-based)".into()))?,
                )
            }
            "--quiet" | "-q" => self.quiet = true,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Writes `rec` (and its summary CSV).
    pub fn write(&self, rec: &SweepRecord) -> Result<(), CliError> {
        let json = serde_json::to_string(rec)?;
        match &self.out {
            Some(path) => {
                std::fs::write(path, json + "\n").map_err(|e| CliError(format!("{path}: {e}")))?
            }
            None => println!("{json}"),
        }
        if let Some(path) = &self.csv {
            let text = summary_csv(&rec.param, &rec.summary_at(self.epoch));
            std::fs::write(path, text).map_err(|e| CliError(format!("{path}: {e}")))?;
        }
        if !self.quiet {
            if let Some(path) = &self.out {
                let seeds = rec.points.first().map_or(0, |p| p.seeds.len());
                eprintln!(
                    "wrote {path} ({} = {}; {seeds} seeds each)",
                    rec.param,
                    rec.values.join(", ")
                );
            }
        }
        Ok(())
    }
}

/// `s` quoted for a POSIX shell where it needs it.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_./:=,+-@%".contains(&c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The record file of point `i`: `--out`'s name with `-NAME-VALUE` before
/// its extension (`sweep.json` → `sweep-bins-10.json`), in its directory.
fn point_file(plan: &SweepPlan, out: &str, i: usize) -> String {
    let path = Path::new(out);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("sweep");
    let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("json");
    // Canonical values use only [A-Za-z0-9.-]; anything else is replaced.
    let value: String = value_text(&plan.sweep.values[i])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = format!("{stem}-{}-{value}.{ext}", plan.sweep.param);
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => dir.join(name).to_string_lossy().into_owned(),
        None => name,
    }
}

/// One `infoplane run` command line per point of `plan`.
fn job_lines(
    plan: &SweepPlan,
    out: &str,
    data_path: Option<&str>,
    threads: Option<usize>,
) -> Vec<String> {
    let exe = std::env::args()
        .next()
        .unwrap_or_else(|| "infoplane".into());
    (0..plan.points.len())
        .map(|i| {
            let p = &plan.points[i];
            let mut words = vec![exe.clone(), "run".into()];
            if let Some(preset) = p.preset() {
                words.extend(["--preset".into(), preset.name.to_string()]);
            }
            for (k, v) in p.diff(&p.base()) {
                words.extend(["--set".into(), format!("{k}={v}")]);
            }
            if let Some(d) = data_path {
                words.extend(["--data".into(), d.to_string()]);
            }
            if let Some(t) = threads {
                words.extend(["--threads".into(), t.to_string()]);
            }
            words.extend(["--quiet".into(), "--out".into(), point_file(plan, out, i)]);
            words
                .iter()
                .map(|w| shell_quote(w))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut params = Params::default();
    let mut sets = Vec::new();
    let mut output = Output::default();
    let (mut data_path, mut threads, mut emit_jobs) = (None, None, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if output.take(a, &mut it)? {
            continue;
        }
        match a.as_str() {
            "--preset" => params.set("preset", &take_value(&mut it, "--preset")?)?,
            "--seeds" => sets.push(format!("seeds={}", take_value(&mut it, "--seeds")?)),
            "--set" => sets.push(take_value(&mut it, "--set")?),
            "--vary" => {
                let v = take_value(&mut it, "--vary")?;
                let (name, values) = v
                    .split_once('=')
                    .ok_or_else(|| CliError(format!("--vary needs NAME=v1,v2,…, not \"{v}\"")))?;
                sets.push(format!("sweep={name}:{values}"));
            }
            "--threads" => {
                threads = Some(
                    take_value(&mut it, "--threads")?
                        .parse::<usize>()
                        .map_err(|_| CliError("--threads needs a number".into()))?,
                )
            }
            "--data" => data_path = Some(take_value(&mut it, "--data")?),
            "--emit-jobs" => emit_jobs = true,
            other => return Err(CliError(format!("unknown option \"{other}\" for sweep"))),
        }
    }
    if data_path.is_some() {
        params.set("dataset", "custom")?;
    }
    for s in &sets {
        params.set_pair(s)?;
    }
    if params.sweep().is_none() {
        return Err(CliError(
            "sweep needs --vary NAME=v1,v2,… (or --set sweep=NAME:v1,v2,…)".into(),
        ));
    }
    let plan = SweepPlan::new(&params)?;
    if emit_jobs {
        let out = output.out.as_deref().unwrap_or("sweep.json");
        let lines = job_lines(&plan, out, data_path.as_deref(), threads);
        for line in &lines {
            println!("{line}");
        }
        if !output.quiet {
            let files: Vec<String> = (0..lines.len())
                .map(|i| point_file(&plan, out, i))
                .collect();
            eprintln!(
                "{} jobs; when all are done: infoplane merge {} --out {out}",
                lines.len(),
                files
                    .iter()
                    .map(|f| shell_quote(f))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        return Ok(());
    }
    let custom = read_custom(data_path.as_deref())?;
    let datasets = plan.datasets(custom)?;
    catch_ctrl_c()?;
    let threads = threads_or_all(threads);
    let n = plan.points.len();
    // One bar per training: per seed when shared, else per (value, seed).
    let (labels, first_bar): (Vec<String>, Vec<usize>) = if plan.shared {
        let seeds = plan.points[0].seed_list();
        (
            seeds
                .iter()
                .map(|s| format!("seed {s:<4} (all {n} values)"))
                .collect(),
            vec![0; n],
        )
    } else {
        let mut labels = Vec::new();
        let mut first = Vec::new();
        for i in 0..n {
            first.push(labels.len());
            let name = plan.sweep.label(i);
            labels.extend(
                plan.points[i]
                    .seed_list()
                    .iter()
                    .map(|s| format!("{name} seed {s:<4}")),
            );
        }
        (labels, first)
    };
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let labels = labels
        .into_iter()
        .map(|l| format!("{l:<label_width$}"))
        .collect();
    if !output.quiet {
        eprintln!(
            "sweep {}: {n} values × {} seeds = {} trainings{}",
            plan.sweep,
            plan.params.seeds(),
            plan.trainings(),
            if plan.shared {
                " (only the estimator changes: each seed trains once for every value)"
            } else {
                ""
            }
        );
    }
    let mut bar = Progress::new(labels, !output.quiet);
    let seed_lists: Vec<Vec<u64>> = plan.points.iter().map(Params::seed_list).collect();
    let bar_of = |point: usize, seed: u64| {
        let k = seed_lists[point].iter().position(|&s| s == seed);
        k.map_or(usize::MAX, |k| first_bar[point] + k)
    };
    let start = Instant::now();
    let clock = move || start.elapsed().as_secs_f64();
    let mut emit = |e: SweepEvent| match e.event {
        Event::Progress {
            seed,
            epoch,
            epochs,
            seconds,
        } => bar.update(bar_of(e.point, seed), epoch, epochs, seconds),
        Event::Finished { seed, record } => {
            let epochs = plan.configs[e.point].epochs;
            if record.status == Status::Done {
                bar.update(bar_of(e.point, seed), epochs, epochs, record.seconds);
            }
            // Shared training fails once for every value: say it once.
            if let Some(m) = record
                .message
                .as_ref()
                .filter(|_| !plan.shared || e.point == 0)
            {
                eprintln!("{} seed {seed}: {m}", plan.sweep.label(e.point));
            }
        }
        _ => {}
    };
    let rec = run_sweep(
        &plan,
        &datasets,
        threads,
        &mut emit,
        &|| STOP.load(Ordering::SeqCst),
        &clock,
    )?;
    output.write(&rec)?;
    if !output.quiet {
        eprintln!("{:.1} s", start.elapsed().as_secs_f64());
    }
    if STOP.load(Ordering::SeqCst) {
        eprintln!("stopped by Ctrl-C; the record holds the epochs logged so far");
    }
    Ok(())
}
