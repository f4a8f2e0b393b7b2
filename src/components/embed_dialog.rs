//! "Embed": writes the `<iframe>` snippet for the current experiment, with
//! the figures and options the author picks, and a line of script that
//! sizes the iframe from the lab's height messages.

use crate::components::export;
use crate::describe;
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

/// The record URL an author typed: none when empty, else an absolute
/// http(s) URL (the lab resolves it from its own address, not the post's).
pub fn record_url(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let host = t
        .split_once("://")
        .filter(|(s, _)| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
        .map(|(_, rest)| rest);
    match host {
        Some(rest) if !rest.is_empty() && !t.contains(char::is_whitespace) => Ok(Some(t.into())),
        _ => Err(format!(
            "record URL: \"{t}\" is not a full http(s) URL (e.g. https://example.org/run.json)"
        )),
    }
}

/// The HTML and Markdown snippets of an image embed: the picture `file`
/// (saved next to the post) linking to the live lab at `link`.
pub fn image_snippets(link: &str, file: &str, alt: &str) -> (String, String) {
    let attr = |t: &str| {
        t.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let html = format!(
        "<a href=\"{}\"><img src=\"{}\" alt=\"{}\" width=\"900\" style=\"max-width:100%;height:auto\"></a>",
        attr(link),
        attr(file),
        attr(alt)
    );
    // Markdown: brackets in the alt text and parentheses in URLs escaped.
    let md_alt = alt.replace('[', "\\[").replace(']', "\\]");
    let md_url = |u: &str| {
        u.replace('(', "%28")
            .replace(')', "%29")
            .replace(' ', "%20")
    };
    let md = format!("[![{md_alt}]({})]({})", md_url(file), md_url(link));
    (html, md)
}

/// The caption under an image embed: the figure, engine version and
/// experiment, then its settings (`query`) in lines of at most `width`
/// characters, split at `&`.
pub fn caption_lines(head: &str, query: &str, width: usize) -> Vec<String> {
    let mut lines = vec![head.to_string()];
    let mut cur = String::from("Settings: ");
    for part in query.split('&').filter(|p| !p.is_empty()) {
        if cur.len() + part.len() + 1 > width && cur.len() > "Settings: ".len() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() && !cur.ends_with(": ") {
            cur.push('&');
        }
        cur.push_str(part);
    }
    if cur.ends_with(": ") {
        cur.push_str("the defaults");
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
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
    // A record to show instead of training (`record=URL`, e.g. a file next
    // to a blog post): the one the page shows, or one the author names.
    let record_text = RwSignal::new(
        url::parse(&crate::browser::query())
            .record
            .unwrap_or_default(),
    );
    let record = move || record_url(&record_text.get()).ok().flatten();
    let src = move || {
        let mut page: Vec<(String, String)> = vec![("embed".into(), "1".into())];
        if let Some(r) = record() {
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
    // Image + link: a picture of one figure, linking to the live lab.
    let picture = RwSignal::new(FigureKind::Plane);
    let file = move || format!("{}-{}.png", export::stem(lab), picture.get().name());
    let lab_link = move || {
        let w = web_sys::window().expect("a window");
        let loc = w.location();
        let mut keys = Vec::new();
        if let Some(r) = record() {
            keys.push(("record".to_string(), r));
        }
        let q = lab.params.with(|p| url::build(p, &url::versioned(&keys)));
        format!(
            "{}{}?{q}",
            loc.origin().unwrap_or_default(),
            loc.pathname().unwrap_or_default()
        )
    };
    let snippets = move || {
        let alt = lab.params.with(|p| describe::alt_text(picture.get(), p));
        image_snippets(&lab_link(), &file(), &alt)
    };
    let png_error = RwSignal::new(None::<String>);
    let png = move |_| {
        let kind = picture.get_untracked();
        let head = lab.params.with_untracked(|p| {
            format!(
                "{} · infoplane {} · {}",
                describe::title(kind),
                infoplane_core::versions::CURRENT,
                describe::experiment(p)
            )
        });
        let query = lab.params.with_untracked(|p| url::build(p, &[]));
        let (w, h) = export::figure_size(kind);
        let r = export::figure_png(
            lab,
            kind,
            (w, h),
            2.0,
            &caption_lines(&head, &query, w as usize / 8),
        )
        .and_then(|b| crate::browser::download(&file(), "image/png", &b));
        png_error.set(r.err());
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
                <div class="field">
                    <label for="embed-record">"Record URL (optional)"</label>
                    <input id="embed-record" type="url" placeholder="https://example.org/posts/run.json"
                        prop:value=record_text on:input=move |ev| record_text.set(event_target_value(&ev)) />
                    <span class="seed-error" id="embed-record-error" role="alert">{move || record_url(&record_text.get()).err()}</span>
                </div>
                <p class="help">"A run record (JSON export, gzip accepted) to show instead of training, e.g. a file next to your post: for heavy runs. Its site must allow CORS unless it is this one."</p>
                <label for="embed-code">"Snippet"</label>
                <textarea id="embed-code" readonly rows="6" prop:value=code></textarea>
                <h3>"Image + link (for blogs that strip iframes)"</h3>
                <p class="help">"A picture of one figure as it is now (2× resolution, the settings in its caption) that links to the live lab. Save the PNG next to your post; the snippets refer to it by its file name."</p>
                <div class="field">
                    <label for="embed-figure">"Figure"</label>
                    <select id="embed-figure" on:change=move |ev| if let Some(k) = FigureKind::ALL.iter().find(|k| k.name() == event_target_value(&ev)) { picture.set(*k) }>
                        {FigureKind::ALL.iter().map(|k| view! { <option value=k.name() selected=*k == FigureKind::Plane>{describe::title(*k)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="buttons">
                    <button id="embed-png" on:click=png>"Download the PNG"</button>
                    <span class="seed-error" role="alert">{move || png_error.get()}</span>
                </div>
                <label for="embed-html">"HTML"</label>
                <textarea id="embed-html" readonly rows="4" prop:value=move || snippets().0></textarea>
                <label for="embed-md">"Markdown"</label>
                <textarea id="embed-md" readonly rows="3" prop:value=move || snippets().1></textarea>
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
    fn image_snippets_escape_html_and_markdown() {
        let (html, md) = image_snippets(
            "https://x/?a=1&b=(2)",
            "idnns-default-plane.png",
            "A [plane] \"q\"",
        );
        assert_eq!(
            html,
            "<a href=\"https://x/?a=1&amp;b=(2)\"><img src=\"idnns-default-plane.png\" alt=\"A [plane] &quot;q&quot;\" width=\"900\" style=\"max-width:100%;height:auto\"></a>"
        );
        assert_eq!(
            md,
            "[![A \\[plane\\] \"q\"](idnns-default-plane.png)](https://x/?a=1&b=%282%29)"
        );
    }

    #[test]
    fn captions_wrap_the_settings_at_ampersands() {
        // "Settings: " is 10 characters; "a=1" and "bb=22" fit in 20
        // (10 + 3 + 1 + 5 = 19), "ccc=333" starts the next line.
        let l = caption_lines("Head", "a=1&bb=22&ccc=333", 20);
        assert_eq!(l, ["Head", "Settings: a=1&bb=22", "ccc=333"]);
        assert_eq!(
            caption_lines("Head", "", 20),
            ["Head", "Settings: the defaults"]
        );
    }

    #[test]
    fn record_urls_must_be_full_http_urls() {
        assert_eq!(record_url("  "), Ok(None));
        assert_eq!(
            record_url(" https://blog.example/p/run.json.gz "),
            Ok(Some("https://blog.example/p/run.json.gz".into()))
        );
        assert_eq!(
            record_url("HTTP://x/r.json"),
            Ok(Some("HTTP://x/r.json".into()))
        );
        for bad in [
            "run.json",
            "/posts/run.json",
            "ftp://x/r.json",
            "https://",
            "https://x/a b",
        ] {
            let e = record_url(bad).unwrap_err();
            assert!(e.starts_with("record URL: \""), "{bad}: {e}");
        }
    }

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
