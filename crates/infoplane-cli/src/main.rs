//! `infoplane`: run the information-plane experiments natively.
//!
//! ```text
//! infoplane presets
//! infoplane params
//! infoplane run --preset NAME [--set k=v]... [--seeds N] [--out FILE.json] [--data FILE.csv]
//! infoplane mi --estimator E [opts] ACTIVATIONS.csv LABELS.csv
//! infoplane bench [--quick] [GROUP...]
//! ```

mod alloc;
mod bench;
mod mi;
mod progress;
mod run;

use std::process::ExitCode;

const USAGE: &str = "usage:
  infoplane presets                      list presets and their sources
  infoplane params                       list every parameter (name, default, range, help)
  infoplane run [--preset NAME] [--set name=value]... [--seeds N] [--threads N]
                [--data FILE.csv] [--out FILE.json] [--quiet]
                                         run an experiment and write its JSON record
  infoplane mi --estimator E [--bins N] [--bin-size S] [--range SCOPE] [--lo X] [--hi Y]
               [--edges N] [--noise-var V] ACTIVATIONS.csv LABELS.csv
                                         estimate I(X;T) and I(T;Y) (bits) of your own activations
  infoplane bench [--quick] [GROUP...]   print speed figures as `name: value unit` (groups:
                                         idnns, idnns-4-lane, saxe-kde, szt, relu-memory)";

/// A command-line error shown to the user.
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// Takes the value following flag `name` from `args`.
pub fn take_value(args: &mut std::slice::Iter<'_, String>, name: &str) -> Result<String, CliError> {
    args.next()
        .cloned()
        .ok_or_else(|| CliError(format!("{name} needs a value")))
}

fn main() -> ExitCode {
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
        Some("mi") => mi::main(&args[1..]),
        Some("bench") => bench::main(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(CliError(format!("unknown command \"{other}\"\n{USAGE}"))),
        None => Err(CliError(USAGE.to_string())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(msg)) => {
            eprintln!("infoplane: {msg}");
            ExitCode::from(2)
        }
    }
}
