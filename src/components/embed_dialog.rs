//! "Embed": writes the `<iframe>` snippet for the current experiment, with
//! the figures and options the author picks, and a line of script that
//! sizes the iframe from the lab's height messages.

use crate::lab::Lab;
use crate::url;
use crate::view::FigureKind;
use leptos::prelude::*;

/// The snippet for `src`, `height` pixels tall.
pub fn snippet(src: &str, height: u32) -> String {
    format!(
        "<iframe id=\"infoplane\" src=\"{}\" title=\"infoplane: information-plane experiment\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>\n\
         <script>addEventListener(\"message\", (e) => {{ if (e.data && e.data.type === \"infoplane:state\") document.getElementById(\"infoplane\").style.height = e.data.height + \"px\"; }});</script>",
        src.replace('&', "&amp;").replace('"', "&quot;")
    )
}

/// The button and its dialog.
#[component]
pub fn EmbedDialog() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let open = RwSignal::new(false);
    let figures = RwSignal::new(vec![FigureKind::Plane]);
    let autorun = RwSignal::new(true);
    let hide_runbar = RwSignal::new(false);
    let copied = RwSignal::new(None::<String>);
    // A record the page shows (`record=URL`, e.g. a file next to a blog
    // post): the embed shows it too instead of training.
    let record = StoredValue::new(url::parse(&crate::browser::query()).record);
    let src = move || {
        let mut page: Vec<(String, String)> = vec![("embed".into(), "1".into())];
        if let Some(r) = record.get_value() {
            page.push(("record".into(), r));
        }
        let f = figures.get();
        if !f.is_empty() && f.len() < FigureKind::ALL.len() {
            page.push((
                "view".into(),
                f.iter().map(|k| k.name()).collect::<Vec<_>>().join(","),
            ));
        }
        if hide_runbar.get() {
            page.push(("hide".into(), "runbar".into()));
        }
        if autorun.get() {
            page.push(("autorun".into(), "1".into()));
        }
        // The version that computes it, so the embed can say when a later
        // version's numbers may differ.
        let q = lab.params.with(|p| url::build(p, &url::versioned(&page)));
        let w = web_sys::window().expect("a window");
        let loc = w.location();
        format!(
            "{}{}?{q}",
            loc.origin().unwrap_or_default(),
            loc.pathname().unwrap_or_default()
        )
    };
    let code = move || {
        snippet(
            &src(),
            if figures.with(|f| f.len() == 1) {
                640
            } else {
                1200
            },
        )
    };
    let copy = move |_| {
        let text = code();
        leptos::task::spawn_local(async move {
            copied.set(Some(match crate::browser::copy_text(&text).await {
                Ok(()) => "Copied".into(),
                Err(_) => "Select the text and copy it".into(),
            }));
        });
    };
    view! {
        <button id="embed-open" on:click=move |_| open.set(true) aria-haspopup="dialog">"Embed"</button>
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| open.set(false)></div>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="embed-title" id="embed-dialog"
                on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
                <h2 id="embed-title">"Embed this experiment"</h2>
                <p class="help">"Paste into a blog post or page. The embed shows the chosen figures with a run bar and a link to the full lab, sizes itself through postMessage, and pauses training while scrolled out of view."</p>
                <fieldset>
                    <legend>"Figures"</legend>
                    {FigureKind::ALL.iter().map(|&k| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || figures.with(|f| f.contains(&k))
                                on:change=move |ev| { let on = event_target_checked(&ev); figures.update(|f| { f.retain(|x| *x != k); if on { f.push(k); f.sort_unstable_by_key(|x| *x as u8); } }) } />
                            {k.name()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="check"><input type="checkbox" id="embed-autorun" prop:checked=autorun on:change=move |ev| autorun.set(event_target_checked(&ev)) />"Start training when the reader opens the page (autorun)"</label>
                <label class="check"><input type="checkbox" prop:checked=hide_runbar on:change=move |ev| hide_runbar.set(event_target_checked(&ev)) />"Hide the run bar"</label>
                <label for="embed-code">"Snippet"</label>
                <textarea id="embed-code" readonly rows="6" prop:value=code></textarea>
                <div class="buttons">
                    <button class="primary" on:click=copy>"Copy snippet"</button>
                    <button id="embed-close" on:click=move |_| open.set(false)>"Close"</button>
                    <span class="copied" aria-live="polite">{move || copied.get()}</span>
                </div>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_escapes_the_url() {
        let s = snippet("https://x/?a=1&b=\"2\"", 640);
        assert!(
            s.starts_with("<iframe id=\"infoplane\" src=\"https://x/?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(s.contains("height=\"640\""));
        assert!(s.contains("infoplane:state"));
    }
}
