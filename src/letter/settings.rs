//! A card's settings as text: the experiments its inputs describe, their
//! readable description, and their links to the lab.

use super::claims::{Inputs, RunConfig, RunSpec};
use crate::url;
use infoplane_core::params::{spec as param_spec, Params};

/// The text of a card's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputText {
    /// First seed (every configuration).
    pub seed: String,
    /// Epochs of the main configurations.
    pub epochs: String,
    /// Seeds of the main configurations.
    pub seeds: String,
    /// Epochs and seeds of the second group, if the card has one.
    pub second: Option<(String, String)>,
}

impl InputText {
    /// The card's defaults: seed 0 and the spec's epochs and seeds.
    pub fn defaults(spec: &RunSpec) -> Self {
        InputText {
            seed: "0".into(),
            epochs: spec.epochs.to_string(),
            seeds: spec.seeds.to_string(),
            second: spec
                .second
                .as_ref()
                .map(|s| (s.epochs.to_string(), s.seeds.to_string())),
        }
    }
}

/// The experiments the card's inputs describe, one per configuration. The
/// inputs are checked by the parameter table (errors name the parameter,
/// and the group for the second inputs).
pub fn experiments(spec: &RunSpec, inputs: &InputText) -> Result<Vec<Params>, String> {
    spec.configs
        .iter()
        .map(|c| {
            let mut p = Params::from_query(c.query, &[]);
            if let Some(e) = p.errors.first() {
                return Err(e.to_string());
            }
            let (epochs, seeds, group) = match (c.inputs, &spec.second, &inputs.second) {
                (Inputs::Second, Some(g), Some((e, s))) => (e, s, Some(g.name)),
                _ => (&inputs.epochs, &inputs.seeds, None),
            };
            for (name, raw) in [("seed", &inputs.seed), ("epochs", epochs), ("seeds", seeds)] {
                p.params.set(name, raw).map_err(|e| match group {
                    Some(g) if name != "seed" => format!("{g} {e}"),
                    _ => e.to_string(),
                })?;
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

/// The lab link of a configuration: its experiment with the figure
/// options the card asks for (`lab_view`, names of the table), and this
/// engine's version (`v=`), as every link the lab hands out.
pub fn lab_href(exp: &Params, cfg: &RunConfig) -> String {
    let mut p = exp.clone();
    for pair in cfg.lab_view.split('&').filter(|s| !s.is_empty()) {
        p.set_pair(pair).expect("claims' view settings are valid");
    }
    url::lab_href(&p, &url::versioned(&[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letter::claims::{find, ClaimBody};

    fn text(seed: &str, epochs: &str, seeds: &str) -> InputText {
        InputText {
            seed: seed.into(),
            epochs: epochs.into(),
            seeds: seeds.into(),
            second: None,
        }
    }

    fn spec_of(id: &str) -> &'static RunSpec {
        match &find(id).unwrap().body {
            ClaimBody::Run(s) => s,
            ClaimBody::Calculator => unreachable!(),
        }
    }

    #[test]
    fn inputs_become_experiments_and_links() {
        let spec = spec_of("relu-binning");
        let exps = experiments(spec, &text("7", "1234", "1")).unwrap();
        assert_eq!(exps.len(), 3);
        assert_eq!(
            exps[1].to_query(),
            "preset=idnns-relu&epochs=1234&seed=7&estimator=uniform-binning&bins=100&range=run"
        );
        assert_eq!(
            lab_href(&exps[0], &spec.configs[0]),
            format!(
                "./?preset=idnns-relu&epochs=1234&seed=7&plane=polylines&v={}",
                infoplane_core::versions::CURRENT
            )
        );
        assert_eq!(
            readable(&exps[2]),
            "Hidden activation = relu, Epochs = 1234, Seed = 7, Estimator = adaptive-binning"
        );
        let axis = spec_of("axis-labels");
        let e = experiments(axis, &text("0", "8000", "1")).unwrap();
        assert_eq!(
            lab_href(&e[0], &axis.configs[0]),
            format!(
                "./?preset=idnns-default&labels=original&v={}",
                infoplane_core::versions::CURRENT
            )
        );
        assert_eq!(readable(&e[0]), "all parameters at IDNNs' defaults");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let spec = spec_of("seeds-information-plane");
        assert_eq!(
            experiments(spec, &text("x", "10", "4")).unwrap_err(),
            "seed: \"x\" is not a whole number (0 to 4294967295)"
        );
        assert!(experiments(spec, &text("0", "0", "4"))
            .unwrap_err()
            .starts_with("epochs: 0 is out of range"));
        assert!(experiments(spec, &text("0", "10", "65"))
            .unwrap_err()
            .starts_with("seeds: 65 is out of range"));
    }

    #[test]
    fn second_inputs_set_their_configurations_only() {
        // Saxe: binning on the main inputs, KDE on the second ones.
        let spec = spec_of("saxe");
        let mut t = InputText::defaults(spec);
        assert_eq!(t.second, Some(("10000".into(), "1".into())));
        t.seed = "3".into();
        let e = experiments(spec, &t).unwrap();
        assert_eq!(e.len(), 6);
        assert_eq!(e[0].to_query(), "preset=saxe-tanh&seeds=4&seed=3");
        assert_eq!(
            e[2].to_query(),
            "preset=saxe-tanh&seed=3&estimator=kde-upper"
        );
        assert_eq!(
            e[5].to_query(),
            "preset=saxe-relu&seed=3&estimator=kde-upper&noise_var=0.1"
        );
        // Shorter KDE runs when asked.
        t.second = Some(("1500".into(), "1".into()));
        assert_eq!(
            experiments(spec, &t).unwrap()[2].to_query(),
            "preset=saxe-tanh&epochs=1500&seed=3&estimator=kde-upper"
        );
        t.second = Some(("1500".into(), "0".into()));
        assert!(experiments(spec, &t)
            .unwrap_err()
            .starts_with("KDE seeds: 0 is out of range"));
    }
}
