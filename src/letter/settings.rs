//! A card's settings as text: the experiments its inputs describe, their
//! readable description, and their links to the lab.

use super::claims::{RunConfig, RunSpec};
use crate::url;
use infoplane_core::params::{spec as param_spec, Params};

/// The experiments the card's inputs describe, one per configuration. The
/// inputs are checked by the parameter table (errors name the parameter).
pub fn experiments(
    spec: &RunSpec,
    seed: &str,
    epochs: &str,
    seeds: &str,
) -> Result<Vec<Params>, String> {
    spec.configs
        .iter()
        .map(|c| {
            let mut p = Params::from_query(c.query, &[]);
            if let Some(e) = p.errors.first() {
                return Err(e.to_string());
            }
            for (name, raw) in [("seed", seed), ("epochs", epochs), ("seeds", seeds)] {
                p.params.set(name, raw).map_err(|e| e.to_string())?;
            }
            Ok(p.params)
        })
        .collect()
}

/// "Epochs = 2000, Estimator = kde-upper" for the parameters that differ
/// from the table's defaults, by their form labels.
pub fn readable(exp: &Params) -> String {
    let diff = exp.without_view().diff(&Params::default());
    if diff.is_empty() {
        return "all parameters at IDNNs' defaults".into();
    }
    diff.iter()
        .map(|(k, v)| format!("{} = {v}", param_spec(k).map_or(*k, |s| s.label)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lab link of a configuration.
/// The lab link of a configuration: its experiment with the figure
/// options the card asks for (`lab_view`, names of the table).
pub fn lab_href(exp: &Params, cfg: &RunConfig) -> String {
    let mut p = exp.clone();
    for pair in cfg.lab_view.split('&').filter(|s| !s.is_empty()) {
        p.set_pair(pair).expect("claims' view settings are valid");
    }
    url::lab_href(&p, &[])
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
            "seed: \"x\" is not a whole number (0 to 4294967295)"
        );
        assert!(experiments(spec, "0", "0", "4")
            .unwrap_err()
            .starts_with("epochs: 0 is out of range"));
        assert!(experiments(spec, "0", "10", "65")
            .unwrap_err()
            .starts_with("seeds: 65 is out of range"));
    }
}
