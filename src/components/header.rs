//! Title bar: what this is, and the share link.

use leptos::prelude::*;

/// The header with "Copy link".
#[component]
pub fn Header() -> impl IntoView {
    let copied = RwSignal::new(None::<String>);
    let copy = move |_| {
        // The page's URL, with the engine version that computes it.
        let href = crate::browser::href();
        let (page, hash) = href
            .split_once('#')
            .map_or((href.as_str(), ""), |(p, h)| (p, h));
        let (path, query) = page.split_once('?').unwrap_or((page, ""));
        let mut url = format!("{path}?{}", crate::url::versioned_query(query));
        if !hash.is_empty() {
            url = format!("{url}#{hash}");
        }
        leptos::task::spawn_local(async move {
            copied.set(Some(match crate::browser::copy_text(&url).await {
                Ok(()) => "Link copied".into(),
                Err(_) => format!("Copy this link: {url}"),
            }));
        });
    };
    view! {
        <header class="header">
            <div class="title">
                <h1>"infoplane"</h1>
                <p class="tagline">"Re-run the information-plane experiments of Shwartz-Ziv & Tishby (2017) in your browser, and check the open letter \"Failure to replicate\" point by point."</p>
            </div>
            <nav class="share">
                <a id="to-letter" href="letter/">"The open letter, claim by claim"</a>
                <crate::components::embed_dialog::EmbedDialog />
                <button id="copy-link" on:click=copy>"Copy link"</button>
                <span class="copied" aria-live="polite">{move || copied.get()}</span>
            </nav>
        </header>
    }
}
