//! `infoplane mi`: MI of activations from any framework. The options are
//! the parameter table's rows under CLI spellings (`knn_k` is `--knn-k`),
//! so each is defined once and parsed and validated exactly as `--set`
//! would be.

use crate::{take_value, CliError};
use infoplane_core::config::{Config, EstimatorChoice};
use infoplane_core::data::parse_matrix;
use infoplane_core::estimators::{estimate_layers, Estimator, LayerView, RangeScope};
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
    let (acts, rows, width) =
        parse_matrix(&read(acts_path)?).map_err(|e| CliError(format!("{acts_path}: {e}")))?;
    let (labs, lrows, lcols) =
        parse_matrix(&read(labels_path)?).map_err(|e| CliError(format!("{labels_path}: {e}")))?;
    if lcols != 1 || lrows != rows {
        return Err(CliError(format!(
            "{labels_path}: expected one label per activation row ({rows} rows × 1 column), found {lrows} × {lcols}"
        )));
    }
    if let Estimator::Knn { k, .. } = estimator {
        if k >= rows {
            return Err(CliError(format!(
                "knn_k: k = {k} must be below the {rows} rows of {acts_path}"
            )));
        }
    }
    let mut labels = Vec::with_capacity(rows);
    for (i, &v) in labs.iter().enumerate() {
        if !(0.0..=1e6).contains(&v) || v.fract() != 0.0 {
            return Err(CliError(format!(
                "{labels_path}: row {}: label {v} is not a class number from 0 to 1000000",
                i + 1
            )));
        }
        labels.push(v as u32);
    }
    let n_classes = labels.iter().max().map_or(1, |m| *m as usize + 1);
    let layer = LayerView {
        data: &acts,
        rows,
        width,
    };
    let mi = estimate_layers(&estimator, &[layer], &labels, n_classes, None)[0];
    println!("{}", serde_json::json!({ "ixt": mi.ixt, "ity": mi.ity }));
    Ok(())
}
