//! # infoplane — the lab in the browser
//!
//! A thin Leptos layer over `infoplane-core` (the engine) and
//! `infoplane-figures` (the drawings): the form is generated from the core's
//! parameter table, training runs in Web Workers that forward the core's
//! event stream, and the figures redraw live from the records.

pub mod actions;
pub mod bench;
pub mod browser;
pub mod components;
pub mod describe;
pub mod embed;
pub mod estimate;
pub mod figures;
pub mod lab;
pub mod letter;
pub mod pool;
pub mod runs;
pub mod session;
pub mod speed;
pub mod stored;
pub mod url;
pub mod view;

pub use infoplane_worker::protocol;

use components::controls::Controls;
use components::figures::Figures;
use components::header::Header;
use components::notices::Notices;
use components::runbar::RunBar;
use lab::Lab;
use leptos::prelude::*;

/// The lab page (or, with `?bench=1`, the benchmark page). The open letter
/// is its own program (`src/bin/letter.rs`, [`LetterRoot`]) so that neither
/// page downloads the other's code.
#[component]
pub fn Root() -> impl IntoView {
    estimate::provide_speed();
    if url::is_bench(&browser::query()) {
        view! { <bench::BenchPage /> }.into_any()
    } else {
        view! { <App /> }.into_any()
    }
}

/// The open letter's page at `letter/`, claim by claim.
#[component]
pub fn LetterRoot() -> impl IntoView {
    estimate::provide_speed();
    view! { <letter::LetterPage /> }
}

/// Starts the run a link asks for, unless it is heavy (over 5 minutes or
/// 1 GB by this browser's estimate): then the run bar shows the estimate
/// and waits for "Run anyway". Waits for the speed measurement if needed.
fn autorun(lab: Lab) {
    let speed = expect_context::<estimate::Speed>().0;
    let decided = StoredValue::new(false);
    Effect::new(move |_| {
        let s = speed.get();
        if decided.get_value() {
            return;
        }
        let est = lab.params.with_untracked(|p| {
            lab.custom
                .with_untracked(|c| estimate::Estimate::of(p, c.as_deref(), s))
        });
        let hold = match &est {
            // Invalid or refused: starting shows the reason.
            None => false,
            Some(e) if e.refused.is_some() => false,
            Some(e) if e.is_heavy() => true,
            // Not heavy by memory; the time needs the speed.
            Some(_) if s.is_none() => return,
            Some(_) => false,
        };
        decided.set_value(true);
        if hold {
            lab.held.set(true);
        } else {
            request_animation_frame(move || actions::start(lab));
        }
    });
}

/// The whole lab page (or, with `embed=1`, its figures only).
#[component]
pub fn App() -> impl IntoView {
    let loc = url::parse(&browser::query());
    pool::set_worker_limit(loc.workers);
    let page_keys = loc.parsed.extras.clone();
    let display = loc.display;
    let embed = display.embed;
    let lab = Lab::new(loc.parsed.params, loc.parsed.errors, display.clone());
    provide_context(lab);

    // Keep the URL in step with the form, replacing the history entry.
    let keys = page_keys.clone();
    Effect::new(move |_| {
        let q = lab.params.with(|p| url::build(p, &keys));
        browser::replace_query(&q);
    });
    if let Some(v) = &loc.version {
        components::notices::notice_version(lab, "link", v);
    }
    // A record to show (`record=URL`) replaces a run.
    if let Some(url) = loc.record.clone() {
        lab.record_status
            .set(Some((true, format!("Loading the run record {url}…"))));
        leptos::task::spawn_local(async move {
            let status = match components::export::fetch_record(&url).await {
                Ok(rec) => components::export::show_record(lab, rec, &url),
                Err(e) => (false, format!("record: {e}")),
            };
            lab.record_status.set(Some(status));
        });
    } else if loc.autorun {
        autorun(lab);
    }
    let state = Memo::new(move |_| lab.session.state());
    let root = NodeRef::<leptos::html::Div>::new();
    if embed {
        embed::install(lab, state, root);
    }
    // The full lab with the same experiment (no embed keys).
    let full_lab = move || {
        let keep: Vec<(String, String)> = page_keys
            .iter()
            .filter(|(k, _)| k == "autorun" || k == "record")
            .cloned()
            .collect();
        lab.params
            .with(|p| url::lab_href(p, &url::versioned(&keep)))
    };
    view! {
        <div id="lab" class="lab" class:embed=embed data-run-state=move || state.get().as_str() node_ref=root>
            {display.shows_control("header").then(|| view! { <Header /> })}
            <Notices />
            <main class="layout" class:no-sidebar=!display.shows_control("sidebar") class:settings-open=move || lab.settings_open.get()>
                {display.shows_control("sidebar").then(|| view! {
                    // On narrow screens the form waits behind this button,
                    // so a shared link shows its run bar and figures first.
                    <button class="settings-toggle" id="settings-toggle" aria-controls="settings"
                        aria-expanded=move || lab.settings_open.get().to_string()
                        on:click=move |_| lab.settings_open.update(|o| *o = !*o)>
                        "Experiment settings"
                    </button>
                    <aside class="sidebar" id="settings"><Controls /></aside>
                })}
                <section class="work">
                    {display.shows_control("runbar").then(|| view! { <RunBar /> })}
                    <Figures />
                </section>
            </main>
            {(embed && display.shows_control("link")).then(|| view! {
                <p class="open-lab"><a href=full_lab target="_blank" rel="noopener">"Open the full lab ↗"</a> " · infoplane"</p>
            })}
            {(!embed).then(|| view! {
                <footer class="footer">
                    <p>
                        "infoplane re-runs Shwartz-Ziv & Tishby (2017), \"Opening the Black Box of Deep Neural Networks via Information\", "
                        "and Saxe et al. (2018) in your browser. Data: var_u from ravidziv/IDNNs; UCI optical digits (Alpaydin & Kaynak 1998, CC BY 4.0). "
                        <a href="DATA-ATTRIBUTION.txt">"Attribution"</a>
                    </p>
                </footer>
            })}
        </div>
    }
}
