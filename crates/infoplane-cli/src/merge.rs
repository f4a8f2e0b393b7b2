//! `infoplane merge`: run records of one sweep's points (e.g. from
//! `infoplane sweep --emit-jobs` on a cluster) combined into the sweep
//! record `infoplane sweep` writes.

use crate::sweep::Output;
use crate::{take_value, CliError};
use infoplane_core::record::RunRecord;
use infoplane_core::sweep::SweepRecord;

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut output = Output::default();
    let (mut files, mut vary) = (Vec::new(), None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if output.take(a, &mut it)? {
            continue;
        }
        match a.as_str() {
            "--vary" => vary = Some(take_value(&mut it, "--vary")?),
            other if other.starts_with("--") => {
                return Err(CliError(format!("unknown option \"{other}\" for merge")))
            }
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        return Err(CliError(
            "merge needs the run records of a sweep's points: infoplane merge A.json B.json … --out sweep.json".into(),
        ));
    }
    let mut records = Vec::with_capacity(files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| CliError(format!("{f}: {e}")))?;
        let rec = RunRecord::from_json(&text).map_err(|e| CliError(format!("{f}: {e}")))?;
        records.push((f, rec));
    }
    let rec = SweepRecord::merge(records, vary.as_deref())?;
    output.write(&rec)
}
