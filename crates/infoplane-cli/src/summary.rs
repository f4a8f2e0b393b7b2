//! `infoplane summary FILE.json [--epoch E]`: reads a sweep record (from
//! `infoplane sweep`, `infoplane merge` or the lab's "Download sweep
//! JSON") and prints its summary as CSV, at its last logged epoch or at
//! logged epoch `E`.

use crate::{take_value, CliError};
use infoplane_core::sweep::{summary_csv, SweepRecord};

pub fn main(args: &[String]) -> Result<(), CliError> {
    let (mut file, mut epoch) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--epoch" => {
                epoch = Some(
                    take_value(&mut it, a)?
                        .parse::<usize>()
                        .map_err(|_| CliError("--epoch needs a logged epoch (0-based)".into()))?,
                )
            }
            other if other.starts_with("--") => {
                return Err(CliError(format!("unknown option \"{other}\" for summary")))
            }
            f if file.is_none() => file = Some(f.to_string()),
            f => {
                return Err(CliError(format!(
                    "summary reads one sweep record, not also \"{f}\""
                )))
            }
        }
    }
    let file = file.ok_or_else(|| {
        CliError("summary needs a sweep record: infoplane summary sweep.json [--epoch E]".into())
    })?;
    let text = std::fs::read_to_string(&file).map_err(|e| CliError(format!("{file}: {e}")))?;
    let rec = SweepRecord::from_json(&text).map_err(|e| CliError(format!("{file}: {e}")))?;
    print!("{}", summary_csv(&rec.param, &rec.summary_at(epoch)));
    Ok(())
}
