//! `infoplane mi`: MI of activations from any framework. The options are
//! the parameter table's estimator parameters under CLI spellings, so they
//! are parsed and validated exactly as `--set` would be.

use crate::{take_value, CliError};
use infoplane_core::config::Config;
use infoplane_core::data::{parse_mi_inputs, MiFile};
use infoplane_core::estimators::{estimate_layers, Estimator, RangeScope};
use infoplane_core::params::Params;

/// CLI option → parameter-table name.
const OPTIONS: &[(&str, &str)] = &[
    ("--estimator", "estimator"),
    ("--bins", "bins"),
    ("--bin-size", "bin_size"),
    ("--range", "range"),
    ("--lo", "bin_lo"),
    ("--hi", "bin_hi"),
    ("--edges", "edges"),
    ("--noise-var", "noise_var"),
];

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut params = Params::default();
    let mut files = Vec::new();
    let mut chose_estimator = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some((flag, name)) = OPTIONS.iter().find(|(f, _)| f == a) {
            params.set(name, &take_value(&mut it, flag)?)?;
            chose_estimator |= *name == "estimator";
        } else if a.starts_with("--") {
            return Err(CliError(format!("unknown option \"{a}\" for mi")));
        } else {
            files.push(a.clone());
        }
    }
    if !chose_estimator {
        return Err(CliError("mi needs --estimator (idnns-binning, uniform-binning, adaptive-binning, kde-upper or kde-lower)".into()));
    }
    let [acts_path, labels_path] = files.as_slice() else {
        return Err(CliError(
            "mi needs two files: ACTIVATIONS.csv LABELS.csv".into(),
        ));
    };
    let estimator = Config::from_params(&params)?.estimator;
    if let Estimator::UniformBinning {
        scope: RangeScope::Run,
        ..
    } = estimator
    {
        return Err(CliError("range: run needs a whole training run; for one matrix use fixed, global, layer or neuron".into()));
    }
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| CliError(format!("{p}: {e}")));
    let input = parse_mi_inputs(&read(acts_path)?, &read(labels_path)?).map_err(|e| {
        let path = match e.file {
            MiFile::Activations => acts_path,
            MiFile::Labels => labels_path,
        };
        CliError(format!("{path}: {}", e.error))
    })?;
    let mi = estimate_layers(
        &estimator,
        &[input.view()],
        &input.labels,
        input.n_classes,
        None,
    )[0];
    println!("{}", serde_json::json!({ "ixt": mi.ixt, "ity": mi.ity }));
    Ok(())
}
