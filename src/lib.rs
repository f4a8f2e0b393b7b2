//! # infoplane — the lab in the browser
//!
//! A thin Leptos layer over `infoplane-core` (the engine) and
//! `infoplane-figures` (the drawings): the form is generated from the core's
//! parameter table, training runs in Web Workers that forward the core's
//! event stream, and the figures redraw live from the records.

pub mod actions;
pub mod browser;
pub mod components;
pub mod figures;
pub mod letter;
pub mod pool;
pub mod session;
pub mod state;
pub mod url;

pub use infoplane_worker::protocol;

use components::controls::Controls;
use components::figures::Figures;
use components::header::Header;
use components::notices::Notices;
use components::runbar::RunBar;
use leptos::prelude::*;
use state::Lab;

/// Chooses the page from the path: `…/letter/` is the open letter, claim
/// by claim; anything else is the lab.
#[component]
pub fn Root() -> impl IntoView {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if path.trim_end_matches('/').ends_with("/letter") {
        view! { <letter::LetterPage /> }.into_any()
    } else {
        view! { <App /> }.into_any()
    }
}

/// The whole lab page.
#[component]
pub fn App() -> impl IntoView {
    let loc = url::parse(&browser::query());
    let page_keys = loc.parsed.extras.clone();
    let autorun = page_keys.iter().any(|(k, v)| k == "autorun" && v != "0");
    let lab = Lab::new(loc.parsed.experiment, loc.parsed.errors);
    lab.view.set(loc.view);
    provide_context(lab);

    // Keep the URL in step with the form, replacing the history entry.
    Effect::new(move |_| {
        let q = lab
            .experiment
            .with(|e| lab.view.with(|v| url::build(e, v, &page_keys)));
        browser::replace_query(&q);
    });
    if autorun {
        request_animation_frame(move || actions::start(lab));
    }
    let run_state = move || lab.runs.with(|r| r.state().as_str());
    view! {
        <div id="lab" class="lab" data-run-state=run_state>
            <Header />
            <Notices />
            <main class="layout">
                <aside class="sidebar">
                    <Controls />
                </aside>
                <section class="work">
                    <RunBar />
                    <Figures />
                </section>
            </main>
            <footer class="footer">
                <p>
                    "infoplane re-runs Shwartz-Ziv & Tishby (2017), \"Opening the Black Box of Deep Neural Networks via Information\", "
                    "and Saxe et al. (2018) in your browser. Data: var_u from ravidziv/IDNNs; UCI optical digits (Alpaydin & Kaynak 1998, CC BY 4.0). "
                    <a href="DATA-ATTRIBUTION.txt">"Attribution"</a>
                </p>
            </footer>
        </div>
    }
}
