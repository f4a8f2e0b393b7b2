//! Embedding: `embed=1` shows one card (the one the hash names) and tells
//! the host page its state and height, as the lab does.

use wasm_bindgen::JsValue;

/// Whether the page's query has `embed=1`.
pub fn is_embedded() -> bool {
    crate::browser::query()
        .split('&')
        .any(|kv| kv == "embed=1" || kv == "embed=true")
}

/// The page's hash without `#`.
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// The page's pathname (for in-page links: the page's `<base>` points at
/// the lab, so a bare `#id` would leave the letter).
pub fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Posts `{type: "infoplane:state", state, height}` to the parent window
/// (after layout, so the height is the new one). Does nothing at top level.
pub fn post_state(state: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        let Some(w) = web_sys::window() else { return };
        let Ok(Some(parent)) = w.parent() else { return };
        if js_sys::Object::is(&parent, &w) {
            return;
        }
        let height = w
            .document()
            .and_then(|d| d.get_element_by_id("letter"))
            .map_or(0, |e| e.scroll_height());
        let msg = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&msg, &JsValue::from_str(k), &v);
        let _ = set("type", JsValue::from_str("infoplane:state"));
        let _ = set("state", JsValue::from_str(state));
        let _ = set("height", JsValue::from_f64(f64::from(height)));
        let _ = parent.post_message(&msg, "*");
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
