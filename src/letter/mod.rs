//! The open letter, claim by claim (placeholder until the page lands).

use leptos::prelude::*;

/// The letter page.
#[component]
pub fn LetterPage() -> impl IntoView {
    view! { <main id="letter"><h1>"The open letter, claim by claim"</h1><a href="./">"Open the lab"</a></main> }
}
