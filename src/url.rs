//! The URL holds the whole state: the core's parameter table (preset,
//! seeds, the experiment and the figure options, defaults omitted) and the
//! page's own keys. Edits replace the history entry.

use crate::view::{Display, FigureKind};
use infoplane_core::params::{percent_encode, ParamError, Params, QueryParse};
use infoplane_core::versions;

/// Keys the page reads itself (not parameters of the table): besides the
/// embed and run keys, `v` (the engine version that made the link) and
/// `record` (a run record to show, by URL).
pub const PAGE_KEYS: &[&str] = &["autorun", "embed", "view", "hide", "workers", "v", "record"];

/// What the page found in its URL.
pub struct Location {
    /// Parameters, page keys and errors.
    pub parsed: QueryParse,
    /// Embed, figures shown, hidden controls.
    pub display: Display,
    /// Whether to start training on load.
    pub autorun: bool,
    /// Workers to use (`workers=N`; one per core when absent).
    pub workers: Option<usize>,
    /// The engine version that made the link (`v=X.Y.Z`), if it names one.
    pub version: Option<String>,
    /// A run record to show instead of running (`record=URL`).
    pub record: Option<String>,
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

/// Reads a query string (leniently: each bad key becomes an error naming it).
pub fn parse(query: &str) -> Location {
    let mut parsed = Params::from_query(query, PAGE_KEYS);
    let display = display_of(&parsed.extras, &mut parsed.errors);
    let autorun = parsed
        .extras
        .iter()
        .any(|(k, v)| k == "autorun" && is_on(v));
    let (mut workers, mut version, mut record) = (None, None, None);
    for (k, v) in &parsed.extras {
        match k.as_str() {
            "workers" => match v.trim().parse::<usize>() {
                Ok(n) if (1..=64).contains(&n) => workers = Some(n),
                _ => parsed.errors.push(ParamError::new(
                    "workers",
                    format!("\"{v}\" is not a whole number from 1 to 64"),
                )),
            },
            "v" => match versions::parse(v) {
                Ok(_) => version = Some(v.trim().to_string()),
                Err(e) => parsed.errors.push(ParamError::new(
                    "v",
                    format!(
                        "{e} (the engine version that made the link, e.g. v={})",
                        versions::CURRENT
                    ),
                )),
            },
            "record" if !v.trim().is_empty() => record = Some(v.trim().to_string()),
            _ => {}
        }
    }
    Location {
        parsed,
        display,
        autorun,
        workers,
        version,
        record,
    }
}

/// Whether the query asks for the benchmark page (`bench=1`).
pub fn is_bench(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|kv| kv == "bench=1" || kv == "bench")
}

/// The query string for `params` and the page keys `page` (without `?`).
pub fn build(params: &Params, page: &[(String, String)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let q = params.to_query();
    if !q.is_empty() {
        parts.push(q);
    }
    for (k, v) in page {
        parts.push(format!("{k}={}", percent_encode(v)));
    }
    parts.join("&")
}

/// `page` with `v` set to this engine's version (last): what a link the
/// page hands out carries.
pub fn versioned(page: &[(String, String)]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = page.iter().filter(|(k, _)| k != "v").cloned().collect();
    keys.push(("v".into(), versions::CURRENT.into()));
    keys
}

/// A query string (without `?`) with its `v` set to this engine's
/// version: "Copy link" copies the page's URL with it.
pub fn versioned_query(query: &str) -> String {
    let mut parts: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && *p != "v" && !p.starts_with("v="))
        .collect();
    let v = format!("v={}", versions::CURRENT);
    parts.push(&v);
    parts.join("&")
}

/// A link to the lab (relative to the app's root) showing `params` with
/// the page keys `page`: `./` or `./?…`.
pub fn lab_href(params: &Params, page: &[(String, String)]) -> String {
    let q = build(params, page);
    if q.is_empty() {
        "./".to_string()
    } else {
        format!("./?{q}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::view::{AxisLabels, PlaneStyle, View};

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
    fn versions_and_records_are_page_keys() {
        let loc = parse("epochs=10&v=0.1.0&record=https%3A%2F%2Fx.org%2Frun.json.gz");
        assert!(loc.parsed.errors.is_empty(), "{:?}", loc.parsed.errors);
        assert_eq!(loc.version.as_deref(), Some("0.1.0"));
        assert_eq!(loc.record.as_deref(), Some("https://x.org/run.json.gz"));
        let loc = parse("v=banana&v=1.2");
        let errs: Vec<_> = loc.parsed.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(loc.version, None);
        assert_eq!(errs.len(), 2);
        assert!(
            errs[0].starts_with("v: \"banana\" is not a version X.Y.Z"),
            "{errs:?}"
        );
        assert!(
            errs[1].starts_with("v: \"1.2\" is not a version X.Y.Z"),
            "{errs:?}"
        );
        // Handed-out links carry this version, once, last.
        let cur = format!("v={}", versions::CURRENT);
        assert_eq!(versioned_query("a=1&v=0.1.0&b=2"), format!("a=1&b=2&{cur}"));
        assert_eq!(versioned_query(""), cur);
        let keys = versioned(&[("v".into(), "0.1.0".into()), ("embed".into(), "1".into())]);
        assert_eq!(build(&Params::default(), &keys), format!("embed=1&{cur}"));
    }

    #[test]
    fn view_options_round_trip_and_errors_are_named() {
        let loc = parse(
            "?preset=idnns-relu&plane=polylines&colors=log&labels=original&autorun=1&colors=pink",
        );
        let v = View::from_params(&loc.parsed.params);
        assert_eq!(v.plane, PlaneStyle::Polylines);
        assert_eq!(v.labels, AxisLabels::Original);
        assert_eq!(loc.parsed.errors.len(), 1);
        assert_eq!(loc.parsed.errors[0].param, "colors");
        let q = build(&loc.parsed.params, &loc.parsed.extras);
        assert_eq!(
            q,
            "preset=idnns-relu&plane=polylines&colors=log&labels=original&autorun=1"
        );
        assert_eq!(build(&Params::default(), &[]), "");
        assert_eq!(lab_href(&Params::default(), &[]), "./");
        assert_eq!(
            lab_href(&loc.parsed.params, &[]),
            "./?preset=idnns-relu&plane=polylines&colors=log&labels=original"
        );
    }
}
