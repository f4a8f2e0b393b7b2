//! Notices: malformed URL parameters, links and records of another engine
//! version, and the record a link asks to show.

use crate::lab::Lab;
use infoplane_core::versions;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The page's notices, as one piece of markup (one reactive closure and
/// one click listener, which keeps the page's wasm small): what the link
/// got wrong (each parameter named, the default used instead), that a link
/// or record comes from another engine version ([`notice_version`]), and
/// the state of a record a link asks to show (`record=URL`).
#[component]
pub fn Notices() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let html = move || {
        let mut out = lab.notices.with(|n| {
            if n.is_empty() {
                return String::new();
            }
            let items: String = n.iter().map(|e| format!("<li>{}</li>", esc(e))).collect();
            format!(
                "<div class=\"notice\" role=\"alert\" id=\"url-notice\"><p>Some parameters in the link were not understood; the lab uses the defaults for those fields:</p><ul>{items}</ul><button class=\"dismiss\" data-dismiss=\"url\">Dismiss</button></div>"
            )
        });
        lab.version_notice.with(|n| {
            if let Some((what, v, link)) = n {
                out.push_str(&version_html(what, v, link.as_deref()));
            }
        });
        lab.record_status.with(|s| {
            if let Some((ok, m)) = s {
                out.push_str(&format!(
                    "<div class=\"notice record{}\" role=\"{}\" id=\"record-notice\"><p>{}</p></div>",
                    if *ok { "" } else { " bad" },
                    if *ok { "status" } else { "alert" },
                    esc(m)
                ));
            }
        });
        out
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let which = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("data-dismiss"));
        match which.as_deref() {
            Some("url") => lab.notices.set(Vec::new()),
            Some("version") => lab.version_notice.set(None),
            _ => {}
        }
    };
    view! { <div class="notices" inner_html=html on:click=on_click></div> }
}

/// The site's root (where the current version lives): the page's base URL
/// without a trailing `v/X.Y.Z/`, so a page of an older version, kept
/// under `v/`, links beside itself.
fn site_root() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    root_of(&base)
}

/// [`site_root`] of the base URL `base`.
fn root_of(base: &str) -> String {
    let b = base.as_bytes();
    let end = b
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .unwrap_or(b.len());
    let dir = &base[..b[..end]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |i| i + 1)];
    // …/v/X.Y.Z/ → …/
    let inner = &dir[..dir.len().saturating_sub(1)];
    if let Some(i) = inner.as_bytes().iter().rposition(|&c| c == b'/') {
        let (parent, last) = (&inner[..i], &inner[i + 1..]);
        if versions::parse(last).is_ok() && parent.ends_with("/v") {
            return dir[..parent.len() - 1].to_string();
        }
    }
    dir.to_string()
}

/// Whether `html` is an infoplane page of version `v`: its title, and the
/// version it names (`<meta name="infoplane-version">`, written by
/// scripts/trunk-post-build) if it names one.
fn is_page_of(html: &str, v: &str) -> bool {
    html.contains("<title>infoplane")
        && (!html.contains("name=\"infoplane-version\"")
            || html.contains(&format!("name=\"infoplane-version\" content=\"{v}\"")))
}

/// Says (unless `v` is this version) that a `what` ("link" or "record")
/// comes from engine version `v`, and looks for that version on this site
/// (`v/X.Y.Z/`, by fetching its page) to link to it: with this page's
/// query for a link or a record given by `record=URL`.
pub fn notice_version(lab: Lab, what: &'static str, v: &str) {
    if v == versions::CURRENT {
        lab.version_notice.set(None);
        return;
    }
    lab.version_notice.set(Some((what, v.to_string(), None)));
    let dir = format!("{}v/{v}/", site_root());
    let query = crate::browser::query();
    let href = if what == "link" || query.contains("record=") {
        format!("{dir}?{query}")
    } else {
        dir.clone()
    };
    let v = v.to_string();
    leptos::task::spawn_local(async move {
        if let Ok(page) = crate::browser::fetch_text(&format!("{dir}index.html")).await {
            if is_page_of(&page, &v) {
                lab.version_notice.update(|n| {
                    if let Some((_, nv, link)) = n {
                        if *nv == v {
                            *link = Some(href);
                        }
                    }
                });
            }
        }
    });
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The version notice's markup for a `what` ("link" or "record") made by
/// version `v`,
/// with a link to `deployed` if that version is on the site.
fn version_html(what: &str, v: &str, deployed: Option<&str>) -> String {
    let newer = versions::parse(v) > versions::parse(versions::CURRENT);
    let head = if newer {
        format!("This {what} was made by infoplane {v}, newer than this page ({}): this version does not know what changed since, and its numbers may differ.", versions::CURRENT)
    } else {
        format!(
            "This {what} was made by infoplane {v}; this page runs {}, whose numbers may differ:",
            versions::CURRENT
        )
    };
    let items: String = versions::differences(v)
        .unwrap_or_default()
        .iter()
        .map(|d| format!("<li>{}</li>", esc(d)))
        .collect();
    let link = deployed.map_or(String::new(), |h| {
        format!(
            "<p><a id=\"version-link\" href=\"{}\">Open it in infoplane {}, as it was made</a></p>",
            esc(h),
            esc(v)
        )
    });
    format!(
        "<div class=\"notice version\" role=\"status\" id=\"version-notice\"><p>{}</p><ul>{items}</ul>{link}<button class=\"dismiss\" data-dismiss=\"version\">Dismiss</button></div>",
        esc(&head)
    )
}

#[cfg(test)]
mod tests {
    use super::{is_page_of, root_of};

    #[test]
    fn a_version_page_is_recognised() {
        let unnamed = "<html><head><title>infoplane — the information plane</title>";
        assert!(is_page_of(unnamed, "0.0.9"));
        let named =
            "<title>infoplane — x</title><meta name=\"infoplane-version\" content=\"0.2.0\" />";
        assert!(is_page_of(named, "0.2.0"));
        assert!(!is_page_of(named, "0.3.0"));
        assert!(!is_page_of("<title>Page not found</title>", "0.1.0"));
    }

    #[test]
    fn the_site_root_is_above_a_kept_version() {
        assert_eq!(
            root_of("https://u.github.io/ip/?a=1&v=0.1.0"),
            "https://u.github.io/ip/"
        );
        assert_eq!(
            root_of("https://u.github.io/ip/index.html#x"),
            "https://u.github.io/ip/"
        );
        assert_eq!(
            root_of("https://u.github.io/ip/v/0.2.0/?v=0.1.0"),
            "https://u.github.io/ip/"
        );
        assert_eq!(root_of("http://h:8/v/0.2.0/"), "http://h:8/");
        // Not a version folder: kept as it is.
        assert_eq!(root_of("http://h/v/latest/"), "http://h/v/latest/");
        assert_eq!(root_of("http://h/x/0.2.0/"), "http://h/x/0.2.0/");
    }

    #[test]
    fn the_version_notice_lists_the_changes_and_the_link() {
        let h = super::version_html("link", "0.0.9", Some("https://x/v/0.0.9/?a=1&v=0.0.9"));
        let want = format!(
            "This link was made by infoplane 0.0.9; this page runs {}",
            infoplane_core::versions::CURRENT
        );
        assert!(h.contains(&want), "{h}");
        // Every release after 0.0.9 up to this one: the whole table.
        assert!(h.contains("<li>the first release"), "{h}");
        assert!(
            h.contains("href=\"https://x/v/0.0.9/?a=1&amp;v=0.0.9\""),
            "{h}"
        );
        let h = super::version_html("link", "99.0.0", None);
        assert!(
            h.contains("newer than this page")
                && !h.contains("<li>")
                && !h.contains("version-link"),
            "{h}"
        );
    }
}
