//! A card's settings as text: the experiments its inputs describe, their
//! readable description, and their links to the lab.

use super::claims::{RunConfig, RunSpec};
use infoplane_core::params::{spec as param_spec, Experiment, Params, MAX_SEEDS};

/// Reads a whole number in `lo..=hi` from a field, naming it on error.
pub fn number(field: &str, raw: &str, lo: u64, hi: u64) -> Result<u64, String> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|v| (lo..=hi).contains(v))
        .ok_or_else(|| format!("{field}: \"{raw}\" is not a whole number from {lo} to {hi}"))
}

/// The experiments the card's inputs describe, one per configuration.
pub fn experiments(
    spec: &RunSpec,
    seed: &str,
    epochs: &str,
    seeds: &str,
) -> Result<Vec<Experiment>, String> {
    let seed = number("Seed", seed, 0, u64::from(u32::MAX))?;
    let epochs = number("Epochs", epochs, 1, 1_000_000)?;
    let seeds = number("Seeds", seeds, 1, MAX_SEEDS as u64)?;
    spec.configs
        .iter()
        .map(|c| {
            let q = format!("{}&seed={seed}&epochs={epochs}&seeds={seeds}", c.query);
            let p = Experiment::from_query(&q, &[]);
            match p.errors.first() {
                Some(e) => Err(e.to_string()),
                None => Ok(p.experiment),
            }
        })
        .collect()
}

/// "Epochs = 2000, Estimator = kde-upper" for the parameters that differ
/// from the table's defaults, by their form labels.
pub fn readable(exp: &Experiment) -> String {
    let diff = exp.params.diff(&Params::default());
    if diff.is_empty() {
        return "all parameters at IDNNs' defaults".into();
    }
    diff.iter()
        .map(|(k, v)| format!("{} = {v}", param_spec(k).map_or(*k, |s| s.label)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lab link of a configuration.
pub fn lab_href(exp: &Experiment, cfg: &RunConfig) -> String {
    let q = exp.to_query();
    let extra = cfg.lab_view;
    match (q.is_empty(), extra.is_empty()) {
        (true, true) => "./".into(),
        (true, false) => format!("./?{extra}"),
        (false, true) => format!("./?{q}"),
        (false, false) => format!("./?{q}&{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letter::claims::{find, ClaimBody};

    fn spec_of(id: &str) -> &'static RunSpec {
        match &find(id).unwrap().body {
            ClaimBody::Run(s) => s,
            ClaimBody::Calculator => unreachable!(),
        }
    }

    #[test]
    fn inputs_become_experiments_and_links() {
        let spec = spec_of("relu-binning");
        let exps = experiments(spec, "7", "1234", "1").unwrap();
        assert_eq!(exps.len(), 3);
        assert_eq!(
            exps[1].to_query(),
            "preset=idnns-relu&epochs=1234&seed=7&estimator=uniform-binning&bins=100&range=run"
        );
        assert_eq!(
            lab_href(&exps[0], &spec.configs[0]),
            "./?preset=idnns-relu&epochs=1234&seed=7&plane=polylines"
        );
        assert_eq!(
            readable(&exps[2]),
            "Hidden activation = relu, Epochs = 1234, Seed = 7, Estimator = adaptive-binning"
        );
        let axis = spec_of("axis-labels");
        let e = experiments(axis, "0", "8000", "1").unwrap();
        assert_eq!(
            lab_href(&e[0], &axis.configs[0]),
            "./?preset=idnns-default&labels=original"
        );
        assert_eq!(readable(&e[0]), "all parameters at IDNNs' defaults");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let spec = spec_of("seeds-information-plane");
        assert_eq!(
            experiments(spec, "x", "10", "4").unwrap_err(),
            "Seed: \"x\" is not a whole number from 0 to 4294967295"
        );
        assert!(experiments(spec, "0", "0", "4")
            .unwrap_err()
            .starts_with("Epochs: \"0\""));
        assert!(experiments(spec, "0", "10", "65")
            .unwrap_err()
            .starts_with("Seeds: \"65\""));
    }
}
