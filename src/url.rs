//! The URL holds the whole configuration: the core's parameter table (plus
//! `preset`, `seeds`), the figure options below, and the page's own keys.
//! Defaults are omitted; edits replace the history entry.

use crate::state::{PlaneStyle, ViewOptions};
use infoplane_core::params::{Experiment, Group, Kind, ParamError, ParamSpec, QueryParse, Value};

/// Figure options, declared like the core's parameters (same parser, same
/// omission of defaults).
pub static VIEW_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "plane",
        label: "Plane style",
        group: Group::Estimator,
        kind: Kind::Choice(&["trajectories", "polylines"]),
        default: "trajectories",
        help: "trajectories: each layer's path coloured by epoch; polylines: IDNNs' figure, one line through the layers per epoch",
    },
    ParamSpec {
        name: "colors",
        label: "Epoch colours",
        group: Group::Estimator,
        kind: Kind::Choice(&["linear", "log"]),
        default: "linear",
        help: "Colour scale of epochs: linear (as IDNNs) or logarithmic",
    },
    ParamSpec {
        name: "labels",
        label: "Gradient y labels",
        group: Group::Gradients,
        kind: Kind::Choice(&["true", "original"]),
        default: "true",
        help: "original reproduces IDNNs' hard-coded labels, each 10× too small (FACTS.md §4)",
    },
];

/// Keys the page reads itself (not experiment parameters).
pub const PAGE_KEYS: &[&str] = &["autorun", "embed", "view", "hide"];

/// What the page found in its URL.
pub struct Location {
    /// Experiment, page keys and errors.
    pub parsed: QueryParse,
    /// Figure options.
    pub view: ViewOptions,
}

fn view_value(name: &str, raw: &str) -> Result<&'static str, ParamError> {
    let spec = VIEW_PARAMS
        .iter()
        .find(|p| p.name == name)
        .expect("a view parameter");
    match spec.parse(raw)? {
        Value::Choice(c) => Ok(c),
        _ => unreachable!("view parameters are choices"),
    }
}

/// Reads a query string (leniently: each bad key becomes an error naming it).
pub fn parse(query: &str) -> Location {
    let view_keys: Vec<&str> = VIEW_PARAMS.iter().map(|p| p.name).collect();
    let all: Vec<&str> = PAGE_KEYS.iter().chain(&view_keys).copied().collect();
    let mut parsed = Experiment::from_query(query, &all);
    let mut view = ViewOptions::default();
    let mut page = Vec::new();
    for (k, v) in std::mem::take(&mut parsed.extras) {
        if !view_keys.contains(&k.as_str()) {
            page.push((k, v));
            continue;
        }
        match view_value(&k, &v) {
            Ok(c) => match k.as_str() {
                "plane" => {
                    view.style = if c == "polylines" {
                        PlaneStyle::Polylines
                    } else {
                        PlaneStyle::Trajectories
                    }
                }
                "colors" => view.log_colors = c == "log",
                _ => view.original_labels = c == "original",
            },
            Err(e) => parsed.errors.push(e),
        }
    }
    parsed.extras = page;
    Location { parsed, view }
}

/// The query string for the current state (without `?`).
pub fn build(exp: &Experiment, view: &ViewOptions, page: &[(String, String)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let q = exp.to_query();
    if !q.is_empty() {
        parts.push(q);
    }
    if view.style == PlaneStyle::Polylines {
        parts.push("plane=polylines".into());
    }
    if view.log_colors {
        parts.push("colors=log".into());
    }
    if view.original_labels {
        parts.push("labels=original".into());
    }
    for (k, v) in page {
        parts.push(format!("{k}={}", infoplane_core::params::percent_encode(v)));
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_options_round_trip_and_errors_are_named() {
        let loc = parse(
            "?preset=idnns-relu&plane=polylines&colors=log&labels=original&autorun=1&colors=pink",
        );
        assert_eq!(loc.view.style, PlaneStyle::Polylines);
        assert!(loc.view.original_labels);
        assert_eq!(loc.parsed.errors.len(), 1);
        assert_eq!(loc.parsed.errors[0].param, "colors");
        let q = build(&loc.parsed.experiment, &loc.view, &loc.parsed.extras);
        assert_eq!(
            q,
            "preset=idnns-relu&plane=polylines&colors=log&labels=original&autorun=1"
        );
        assert_eq!(
            build(&Experiment::default(), &ViewOptions::default(), &[]),
            ""
        );
    }
}
