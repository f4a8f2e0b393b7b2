//! `infoplane`: run the information-plane experiments natively.
//!
//! ```text
//! infoplane presets
//! infoplane params
//! infoplane run --preset NAME [--set k=v]... [--seeds N] [--out FILE.json] [--data FILE.csv]
//! infoplane sweep --preset NAME --vary NAME=v1,v2,... [--set k=v]... [--seeds N] [--out FILE.json] [--emit-jobs]
//! infoplane merge A.json B.json ... [--out FILE.json]
//! infoplane summary SWEEP.json [--epoch E]
//! infoplane mi --estimator E [opts] ACTIVATIONS.csv LABELS.csv
//! infoplane bench [--quick] [GROUP...]
//! infoplane figure [--preset NAME] [--set k=v]... [--record FILE.json] [--figure plane] [--png FILE] [--svg FILE]
//! ```

mod alloc;
mod bench;
mod figure;
mod merge;
mod mi;
mod progress;
mod raster;
mod run;
mod summary;
mod sweep;

use infoplane_core::params::ParamError;
use std::process::ExitCode;

fn usage() -> String {
    format!(
        "usage:
  infoplane presets                      list presets and their sources
  infoplane params                       list every parameter (name, default, range, help)
  infoplane run [--preset NAME] [--set name=value]... [--seeds N] [--threads N]
                [--data FILE.csv] [--out FILE.json] [--quiet]
                                         run an experiment and write its JSON record
  infoplane sweep [--preset NAME] --vary NAME=v1,v2,... [--set name=value]... [--seeds N]
                  [--threads N] [--data FILE.csv] [--out FILE.json] [--csv FILE.csv]
                  [--epoch E] [--quiet] [--emit-jobs]
                                         run every (value, seed) pair and write the sweep record;
                                         --emit-jobs: print one `infoplane run` line per value
  infoplane merge A.json B.json ... [--vary NAME] [--out FILE.json] [--csv FILE.csv] [--epoch E]
                                         combine the run records of a sweep's values
  infoplane summary SWEEP.json [--epoch E]
                                         print a sweep record's summary as CSV (from infoplane sweep,
                                         merge or the lab's sweep export), at its last logged epoch or E
  infoplane mi --estimator E [OPTION VALUE]... ACTIVATIONS.csv LABELS.csv
                                         estimate I(X;T) and I(T;Y) (bits) of your own activations;
                                         options (see `infoplane params`): {}
                                         (--lo/--hi: --bin-lo/--bin-hi)
  infoplane bench [--quick] [GROUP...]   print speed figures as `name: value unit` (groups:
                                         idnns, idnns-4-lane, saxe-kde, szt, relu-memory)
  infoplane figure [--preset NAME] [--set name=value]... [--seeds N] [--threads N]
                   [--record FILE.json] [--figure plane|gradients|snr|loss|norms]
                   [--width W] [--height H] [--scale S] [--title TEXT] [--png FILE] [--svg FILE]
                                         draw a figure of a run (run here, or a record's) as the lab
                                         draws it, as PNG (text in the bundled DejaVu Sans) and/or SVG,
                                         1200 × 630 unless set; prints its text alternative",
        mi::options_text()
    )
}

/// A command-line error shown to the user. Each source of errors converts
/// explicitly (below, or with `map_err` where a file name must be added),
/// so no error reaches the user without its context.
pub struct CliError(pub String);

/// A parameter that could not be set or checked names itself
/// (`lr: "abc" is not a number …`).
impl From<ParamError> for CliError {
    fn from(e: ParamError) -> Self {
        CliError(e.to_string())
    }
}

/// Serialising a record fails only on a bug; say what was being done.
impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        CliError(format!("cannot write the record as JSON: {e}"))
    }
}

/// Takes the value following flag `name` from `args`.
pub fn take_value(args: &mut std::slice::Iter<'_, String>, name: &str) -> Result<String, CliError> {
    args.next()
        .cloned()
        .ok_or_else(|| CliError(format!("{name} needs a value")))
}

/// Ends the process quietly when the reader of its output goes away
/// (`infoplane bench | head`), as Unix tools do: Rust starts programs with
/// SIGPIPE ignored, so `println!` would panic on the broken pipe instead.
fn die_quietly_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: sets the default action of one signal, first thing in main,
    // before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    die_quietly_on_broken_pipe();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("presets") => {
            for p in infoplane_core::presets::PRESETS {
                println!("{:<26} {}", p.name, p.description);
            }
            Ok(())
        }
        Some("params") => {
            for g in infoplane_core::params::Group::ALL {
                println!("[{}]", g.title());
                for p in infoplane_core::params::PARAMS
                    .iter()
                    .filter(|p| p.group == g)
                {
                    println!(
                        "  {:<13} default {:<12} {}\n  {:<13} {}",
                        p.name,
                        p.default,
                        p.range_text(),
                        "",
                        p.help
                    );
                }
            }
            Ok(())
        }
        Some("run") => run::main(&args[1..]),
        Some("sweep") => sweep::main(&args[1..]),
        Some("merge") => merge::main(&args[1..]),
        Some("summary") => summary::main(&args[1..]),
        Some("mi") => mi::main(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("figure") => figure::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{}", usage());
            Ok(())
        }
        Some(other) => Err(CliError(format!(
            "unknown command \"{other}\"\n{}",
            usage()
        ))),
        None => Err(CliError(usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(msg)) => {
            eprintln!("infoplane: {msg}");
            ExitCode::from(2)
        }
    }
}
