//! The open letter ("Failure to replicate Schwartz-Ziv and Tishby"), claim
//! by claim: a page at `…/letter/` with a table of contents and one card
//! per claim, each running its experiment in the browser and judging the
//! result (`infoplane_core::analysis`). With `embed=1` the page shows only
//! the card its hash names, e.g. `letter/?embed=1#worked-example`.

pub mod calculator;
pub mod card;
pub mod claims;
pub mod embed;
pub mod figures;
pub mod format;
pub mod run;
pub mod settings;
pub mod shared;
pub mod stored;
pub mod verdicts;

use card::ClaimCard;
use claims::CLAIMS;
use leptos::prelude::*;

/// The letter page (or one card of it, embedded).
#[component]
pub fn LetterPage() -> impl IntoView {
    let path = crate::browser::pathname();
    provide_context(shared::Registry::new());
    if embed::is_embedded() {
        let hash = RwSignal::new(embed::hash());
        let listener =
            window_event_listener(leptos::ev::hashchange, move |_| hash.set(embed::hash()));
        on_cleanup(move || listener.remove());
        return view! {
            <main id="letter" class="letter embedded">
                {move || {
                    let id = hash.get();
                    match CLAIMS.iter().position(|c| c.id == id) {
                        Some(k) => view! { <ClaimCard claim=&CLAIMS[k] number=k + 1 path=path.clone() embedded=true /> }.into_any(),
                        None => view! { <UnknownClaim id /> }.into_any(),
                    }
                }}
            </main>
        }
        .into_any();
    }
    let target = embed::hash();
    if !target.is_empty() {
        embed::scroll_to(target);
    }
    let toc = CLAIMS
        .iter()
        .enumerate()
        .map(|(k, c)| {
            view! {
                <li>
                    <a href=format!("{path}#{}", c.id)>{format!("{}. {}", k + 1, c.title)}</a>
                    {c.addition.then(|| view! { " " <span class="toc-addition">"(addition: not in the letter)"</span> })}
                </li>
            }
        })
        .collect_view();
    let cards = CLAIMS
        .iter()
        .enumerate()
        .map(|(k, c)| view! { <ClaimCard claim=c number=k + 1 path=path.clone() embedded=false /> })
        .collect_view();
    view! {
        <main id="letter" class="letter">
            <header class="letter-head">
                <p class="letter-back"><a id="to-lab" href="./">"← Back to the lab"</a></p>
                <h1>"The open letter, claim by claim"</h1>
                <p class="letter-intro">
                    "In February 2018 Aaron Schumacher published an open letter, \"Failure to replicate Schwartz-Ziv and Tishby\", "
                    "listing what he could not reproduce of Shwartz-Ziv & Tishby's \"Opening the Black Box of Deep Neural Networks via Information\" (SZT, 2017), "
                    "running their code (IDNNs, commit c4abb1d). Each card below takes one of his points in the letter's order: "
                    "what he says, what the paper says, a run of the matching configuration in your browser, and a verdict computed from the runs. "
                    "Each card runs its configuration's full length over four seeds by default, and its verdict says in how many seeds each effect shows, "
                    "with the spread of the numbers it turns on; each detection rule states how often it fires on runs where nothing happens. "
                    "Cards that run the same configuration share its runs. Change the seeds and run again to see which numbers move. "
                    "Cards marked as additions are not in the letter."
                </p>
            </header>
            <nav id="letter-toc" class="letter-toc" aria-label="Claims">
                <h2>"Contents"</h2>
                <ol>{toc}</ol>
            </nav>
            <div class="letter-cards">{cards}</div>
            <footer class="footer">
                <p>
                    "Runs use the lab's engine (the IDNNs and ibsgd defaults described in the lab's reference notes). "
                    "Verdicts are computed by infoplane_core::analysis from the records of the runs on this page. "
                    <a href="./">"Back to the lab"</a>
                </p>
            </footer>
        </main>
    }
    .into_any()
}

/// What an embed shows for a hash that names no claim.
#[component]
fn UnknownClaim(id: String) -> impl IntoView {
    let ids = CLAIMS.iter().map(|c| c.id).collect::<Vec<_>>().join(", ");
    view! {
        <section class="claim-card" data-card-state="error">
            <p class="claim-error" role="alert">
                {format!("No claim \"{id}\" on this page. Name one in the hash: {ids}.")}
            </p>
        </section>
    }
}
