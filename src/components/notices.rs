//! Dismissible notices, e.g. for unknown or malformed URL parameters.

use crate::lab::Lab;
use leptos::prelude::*;

/// The notice list; each names what was wrong and what was used instead.
#[component]
pub fn Notices() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <Show when=move || lab.notices.with(|n| !n.is_empty())>
            <div class="notice" role="alert" id="url-notice">
                <p>"Some parameters in the link were not understood; the lab uses the defaults for those fields:"</p>
                <ul>{move || lab.notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button class="dismiss" on:click=move |_| lab.notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}
