//! The card every claim shares: heading, claim, what the paper says, then
//! either the runs (`run::RunBody`) or the calculator. The card element
//! carries `data-card-state` (idle, running, done or error).

use super::calculator::Calculator;
use super::claims::{Claim, ClaimBody};
use super::embed;
use super::run::RunBody;
use crate::runs::RunState;
use leptos::prelude::*;

/// One claim's card. `path` is the page's pathname, for the anchor link.
#[component]
pub fn ClaimCard(
    /// The claim.
    claim: &'static Claim,
    /// Its position in the letter (1-based).
    number: usize,
    /// The page's pathname.
    path: String,
    /// Whether the page is embedded (then it reports its state to the parent).
    embedded: bool,
) -> impl IntoView {
    let state = RwSignal::new(RunState::Idle);
    if embedded {
        Effect::new(move |_| embed::post_state(state.get().as_str()));
    }
    let title_id = format!("{}-title", claim.id);
    let labelled_by = title_id.clone();
    let body = match &claim.body {
        ClaimBody::Run(spec) => view! { <RunBody claim spec number state embedded /> }.into_any(),
        ClaimBody::Calculator => view! { <Calculator state /> }.into_any(),
    };
    view! {
        <section class="claim-card" class:addition=claim.addition id=claim.id data-card-state=move || state.get().as_str() aria-labelledby=labelled_by>
            <header class="claim-head">
                <h2 id=title_id>
                    <span class="claim-number">{format!("{number}. ")}</span>
                    {claim.title}
                    " "
                    <a class="claim-anchor" href=format!("{path}#{}", claim.id) aria-label=format!("Link to claim {number}")>"#"</a>
                </h2>
                {claim.addition.then(|| view! {
                    <p class="claim-addition"><strong>"Addition: "</strong>"not in the letter; this page adds it."</p>
                })}
                <p class="claim-concerns">"Concerns: " {claim.concerns}</p>
            </header>
            <p class="claim-text"><strong>"The claim. "</strong>{claim.claim}</p>
            <p class="claim-paper"><strong>"What the paper says. "</strong>{claim.paper}</p>
            {body}
        </section>
    }
}
