//! Behaviour of an embedded lab: tell the host page the run state and the
//! page height (`{type: "infoplane:state", state, height}` via postMessage),
//! and pause training while the embed is out of view or its tab is hidden.

use crate::lab::Lab;
use crate::runs::RunState;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The page's height in CSS pixels.
fn page_height() -> f64 {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| e.scroll_height() as f64)
}

/// Posts the state message with the page's height to the parent window.
pub fn post_state(state: &str) {
    post_message(state, page_height());
}

/// Posts `{type: "infoplane:state", state, height}` to the parent window;
/// does nothing at top level. Shared by the lab and the letter page.
pub fn post_message(state: &str, height: f64) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"infoplane:state".into());
    let _ = js_sys::Reflect::set(&msg, &"state".into(), &state.into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
    // The host is any site embedding the lab, so any origin may listen.
    let _ = parent.post_message(&msg, "*");
}

/// Sets up the messages and the automatic pause for an embedded lab whose
/// root element is `root`.
pub fn install(lab: Lab, state: Memo<RunState>, root: NodeRef<leptos::html::Div>) {
    // State changes.
    Effect::new(move |_| post_state(state.get().as_str()));
    // Height changes (figures drawn, rows added).
    let last_height = Rc::new(Cell::new(-1.0));
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
        let h = page_height();
        if (h - last_height.replace(h)).abs() >= 1.0 {
            post_state(state.get_untracked().as_str());
        }
    });
    let doc = web_sys::window().and_then(|w| w.document());
    if let (Ok(obs), Some(body)) = (
        web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()),
        doc.as_ref().and_then(|d| d.body()),
    ) {
        obs.observe(&body);
        std::mem::forget(obs);
    }
    on_resize.forget();

    // Out of view (the host scrolled it away) or tab hidden → pause; back → resume.
    let in_view = RwSignal::new(true);
    let tab_visible = RwSignal::new(doc.as_ref().is_none_or(|d| !d.hidden()));
    Effect::new(move |_| {
        let Some(el) = root.get() else { return };
        let on_view = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(e) = entries
                .iter()
                .last()
                .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
            {
                in_view.set(e.is_intersecting());
            }
        });
        if let Ok(obs) = web_sys::IntersectionObserver::new(on_view.as_ref().unchecked_ref()) {
            obs.observe(&el);
            std::mem::forget(obs);
        }
        on_view.forget();
    });
    if let Some(d) = doc.clone() {
        let d2 = d.clone();
        let on_visibility = Closure::<dyn FnMut()>::new(move || tab_visible.set(!d2.hidden()));
        let _ = d.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
        on_visibility.forget();
    }
    Effect::new(move |_| {
        let visible = in_view.get() && tab_visible.get();
        match (state.get(), visible, lab.auto_paused.get_untracked()) {
            (RunState::Running, false, _) => {
                lab.auto_paused.set(true);
                lab.session.pause();
            }
            (RunState::Paused, true, true) => {
                lab.auto_paused.set(false);
                lab.session.resume();
            }
            (s, _, true) if s != RunState::Paused => lab.auto_paused.set(false),
            _ => {}
        }
    });
}
