//! The URL holds the whole configuration: the core's parameter table (plus
//! `preset`, `seeds`), the figure options below, and the page's own keys.
//! Defaults are omitted; edits replace the history entry.

use crate::figures::FigureKind;
use crate::state::{Display, PlaneStyle, ViewOptions};
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
    /// Embed, figures shown, hidden controls.
    pub display: Display,
    /// Whether to start training on load.
    pub autorun: bool,
}

fn is_on(v: &str) -> bool {
    !matches!(v.trim(), "0" | "false" | "no" | "off")
}

/// Reads `embed`, `view`, `hide` (errors name the key and the bad item).
fn display_of(page: &[(String, String)], errors: &mut Vec<ParamError>) -> Display {
    let mut d = Display::default();
    for (k, v) in page {
        let items = || v.split(',').map(str::trim).filter(|s| !s.is_empty());
        match k.as_str() {
            "embed" => d.embed = is_on(v),
            "view" => {
                for item in items() {
                    match FigureKind::from_name(item) {
                        Some(f) => d.figures.push(f),
                        None => errors.push(ParamError::new(
                            "view",
                            format!(
                                "\"{item}\" is not a figure (one of {})",
                                FigureKind::ALL.map(FigureKind::name).join(", ")
                            ),
                        )),
                    }
                }
            }
            "hide" => {
                for item in items() {
                    match Display::HIDEABLE.iter().find(|h| **h == item) {
                        Some(h) => d.hidden.push(h),
                        None => errors.push(ParamError::new(
                            "hide",
                            format!(
                                "\"{item}\" is not a control (one of {})",
                                Display::HIDEABLE.join(", ")
                            ),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    d
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
    let display = display_of(&page, &mut parsed.errors);
    let autorun = page.iter().any(|(k, v)| k == "autorun" && is_on(v));
    parsed.extras = page;
    Location {
        parsed,
        view,
        display,
        autorun,
    }
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
    fn embed_view_and_hide_are_read_and_checked() {
        let loc = parse("embed=1&view=plane,snr,bogus&hide=runbar,nope&autorun=1");
        assert!(loc.display.embed && loc.autorun);
        assert_eq!(
            loc.display.figures,
            vec![FigureKind::Plane, FigureKind::Snr]
        );
        assert_eq!(loc.display.hidden, vec!["runbar"]);
        let names: Vec<_> = loc.parsed.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(names.len(), 2);
        assert!(
            names[0].starts_with("view: \"bogus\" is not a figure"),
            "{names:?}"
        );
        assert!(
            names[1].starts_with("hide: \"nope\" is not a control"),
            "{names:?}"
        );
        assert!(
            !loc.display.shows_control("header")
                && !loc.display.shows_control("runbar")
                && loc.display.shows_control("options")
        );
        assert!(!parse("autorun=0").autorun);
    }

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
