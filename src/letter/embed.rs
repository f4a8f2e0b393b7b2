//! Embedding: `embed=1` shows one card (the one the hash names) and tells
//! the host page its state and height, as the lab does.

/// Whether the page's query asks for an embed (read as the lab reads it).
pub fn is_embedded() -> bool {
    crate::url::parse(&crate::browser::query()).display.embed
}

/// The page's hash without `#`.
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Posts the card's state and the letter's height to the parent window
/// (after layout, so the height is the new one).
pub fn post_state(state: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        let height = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("letter"))
            .map_or(0, |e| e.scroll_height());
        crate::embed::post_message(state, f64::from(height));
    });
}

/// Scrolls the element with id `id` into view (after the page has rendered).
pub fn scroll_to(id: String) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(e) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
        {
            e.scroll_into_view();
        }
    });
}
