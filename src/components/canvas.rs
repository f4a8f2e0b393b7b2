//! A canvas that a figure function draws on: sharp on HiDPI screens (the
//! backing store is sized to CSS size × devicePixelRatio), redrawn when its
//! data changes (at most once per animation frame) or when it is resized,
//! with a tooltip for the point under the pointer.

use infoplane_figures::{nearest, HitPoint};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Shortest time between two redraws of one canvas.
const MIN_INTERVAL_MS: f64 = 250.0;

/// Draws a figure on the canvas's drawing area at `scale` (= devicePixelRatio).
pub type DrawFn =
    Rc<dyn Fn(&DrawingArea<CanvasBackend, Shift>, f64) -> Result<Vec<HitPoint>, String>>;

/// Reads (and so subscribes to) the signals a figure depends on.
pub type DepsFn = Rc<dyn Fn()>;

/// Draws `draw` on a fresh canvas of CSS height `height`; `deps` names what
/// triggers a redraw.
#[component]
pub fn PlotCanvas(
    /// Element id (tests and exports find canvases by it).
    #[prop(into)]
    id: String,
    /// Accessible description of the figure.
    label: String,
    /// CSS height in pixels (the width follows the container).
    height: Signal<u32>,
    /// The figure.
    draw: DrawFn,
    /// The signals it depends on.
    deps: DepsFn,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let hits: Rc<RefCell<Vec<HitPoint>>> = Rc::default();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    let scheduled = Rc::new(Cell::new(false));
    // Off-screen canvases are not drawn (saves the CPU for training); they
    // catch up when scrolled into view.
    let visible = Rc::new(Cell::new(true));
    let stale = Rc::new(Cell::new(false));

    let redraw = {
        let hits = hits.clone();
        move || {
            let Some(canvas) = canvas_ref.get_untracked() else {
                return;
            };
            let dpr = crate::browser::device_pixel_ratio();
            let css_w = canvas.client_width().max(1) as f64;
            let (w, h) = (
                (css_w * dpr).round() as u32,
                (height.get_untracked() as f64 * dpr).round() as u32,
            );
            if canvas.width() != w || canvas.height() != h {
                canvas.set_width(w);
                canvas.set_height(h);
            }
            let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
                return;
            };
            let root = backend.into_drawing_area();
            let _ = root.fill(&WHITE);
            match draw(&root, dpr) {
                Ok(points) => *hits.borrow_mut() = points,
                Err(e) => {
                    let _ = root.fill(&WHITE);
                    let style = ("sans-serif", 14.0 * dpr).into_font().color(&RED);
                    let _ = root.draw_text(&format!("cannot draw: {e}"), &style, (10, 10));
                    hits.borrow_mut().clear();
                }
            }
            let _ = root.present();
            let _ = canvas.set_attribute("data-drawn", &hits.borrow().len().to_string());
        }
    };
    // Redraws are coalesced to one per animation frame and, while records
    // stream in, to one per MIN_INTERVAL_MS, so the page stays fluid.
    let last_draw = Rc::new(Cell::new(f64::NEG_INFINITY));
    let schedule: Rc<dyn Fn()> = {
        let scheduled = scheduled.clone();
        let redraw = Rc::new(redraw);
        let (visible, stale) = (visible.clone(), stale.clone());
        Rc::new(move || {
            if !visible.get() {
                stale.set(true);
                return;
            }
            if scheduled.replace(true) {
                return;
            }
            let wait = last_draw.get() + MIN_INTERVAL_MS - crate::browser::now_ms();
            let (scheduled, redraw, last_draw) =
                (scheduled.clone(), redraw.clone(), last_draw.clone());
            let frame = move || {
                request_animation_frame(move || {
                    scheduled.set(false);
                    last_draw.set(crate::browser::now_ms());
                    redraw();
                })
            };
            if wait > 0.0 {
                set_timeout(frame, std::time::Duration::from_millis(wait as u64));
            } else {
                frame();
            }
        })
    };
    {
        let schedule = schedule.clone();
        Effect::new(move |_| {
            deps();
            height.track();
            schedule();
        });
    }
    // Redraw on resize of the canvas (layout changes, window resizes).
    {
        let schedule = schedule.clone();
        Effect::new(move |_| {
            let Some(canvas) = canvas_ref.get() else {
                return;
            };
            let on_resize = schedule.clone();
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
                on_resize()
            });
            if let Ok(obs) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
                obs.observe(&canvas);
                // Lives as long as the page: figures are created once.
                std::mem::forget(obs);
            }
            cb.forget();
            let (visible, stale, schedule) = (visible.clone(), stale.clone(), schedule.clone());
            let on_view =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let Some(entry) = entries
                        .iter()
                        .last()
                        .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                    else {
                        return;
                    };
                    visible.set(entry.is_intersecting());
                    if entry.is_intersecting() && stale.replace(false) {
                        schedule();
                    }
                });
            if let Ok(obs) = web_sys::IntersectionObserver::new(on_view.as_ref().unchecked_ref()) {
                obs.observe(&canvas);
                std::mem::forget(obs);
            }
            on_view.forget();
        });
    }
    let on_move = {
        let hits = hits.clone();
        move |ev: web_sys::MouseEvent| {
            let dpr = crate::browser::device_pixel_ratio();
            let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
            let hits = hits.borrow();
            let hit = nearest(
                &hits,
                (x * dpr) as i32,
                (y * dpr) as i32,
                (10.0 * dpr) as i32,
            );
            tooltip.set(hit.map(|h| (h.x as f64 / dpr, h.y as f64 / dpr, h.text.clone())));
        }
    };
    view! {
        <div class="plot">
            <canvas node_ref=canvas_ref id=id role="img" aria-label=label tabindex="0"
                style=move || format!("height:{}px", height.get())
                on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || tooltip.get().map(|(x, y, text)| view! {
                <div class="tooltip" role="status" style=format!("left:{:.0}px;top:{:.0}px", x + 12.0, y + 12.0)>{text}</div>
            })}
        </div>
    }
}
