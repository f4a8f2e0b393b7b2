//! `infoplane mi`: MI of activations from any framework. The options are
//! the parameter table's rows under CLI spellings (`knn_k` is `--knn-k`),
//! so each is defined once and parsed and validated exactly as `--set`
//! would be.

use crate::{take_value, CliError};
use infoplane_core::config::{Config, EstimatorChoice};
use infoplane_core::data::{parse_mi_inputs, MiFile};
use infoplane_core::estimators::{estimate_layers, Estimator, RangeScope};
use infoplane_core::params::{Group, Params, PARAMS};

/// Shorter spellings kept from before the options came from the table.
const ALIASES: &[(&str, &str)] = &[("--lo", "bin_lo"), ("--hi", "bin_hi")];

/// Whether row `name` is an option of `mi`: every estimator setting but
/// `mi_rows` (the rows are the file's), the noise of `noisy-sp`, and the
/// seed of the k-NN and noisy-sp draws.
fn is_option(group: Group, name: &str) -> bool {
    (group == Group::Estimator && name != "mi_rows") || name == "noise_std" || name == "seed"
}

/// The table row named by CLI flag `flag`, if `mi` takes it.
fn row_of(flag: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(f, _)| *f == flag)
        .map(|(_, n)| *n)
        .or_else(|| {
            PARAMS
                .iter()
                .filter(|p| is_option(p.group, p.name))
                .find(|p| flag.strip_prefix("--") == Some(p.name.replace('_', "-").as_str()))
                .map(|p| p.name)
        })
}

/// The options, for the usage text.
pub fn options_text() -> String {
    PARAMS
        .iter()
        .filter(|p| is_option(p.group, p.name) && p.name != "estimator")
        .map(|p| format!("--{}", p.name.replace('_', "-")))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn main(args: &[String]) -> Result<(), CliError> {
    let mut params = Params::default();
    let mut files = Vec::new();
    let mut chose_estimator = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = row_of(a) {
            params.set(name, &take_value(&mut it, a)?)?;
            chose_estimator |= name == "estimator";
        } else if a.starts_with("--") {
            return Err(CliError(format!(
                "unknown option \"{a}\" for mi (options: --estimator {})",
                options_text()
            )));
        } else {
            files.push(a.clone());
        }
    }
    if !chose_estimator {
        return Err(CliError(format!(
            "mi needs --estimator ({})",
            EstimatorChoice::NAMES.join(", ")
        )));
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
    if let Estimator::Knn { k, .. } = estimator {
        if k >= input.view().rows {
            return Err(CliError(format!(
                "knn_k: k = {k} must be below the {} rows of {acts_path}",
                input.view().rows
            )));
        }
    }
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
