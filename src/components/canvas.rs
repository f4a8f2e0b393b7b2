//! A canvas that a figure function draws on: sharp on HiDPI screens (the
//! backing store is sized to CSS size × devicePixelRatio), redrawn when its
//! data changes (at most once per animation frame) or when it is resized,
//! with a tooltip for the point under the pointer. Figures are recorded
//! into a display list (text measured by the canvas) and replayed here.

use infoplane_figures::{self as fig, nearest, Align, Baseline, Colour, DisplayList, HitPoint, Op};
use leptos::html::Canvas;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Context;

/// Shortest time between two redraws of one canvas.
const MIN_INTERVAL_MS: f64 = 250.0;

/// While data streams in, a canvas waits this many times its last redraw's
/// duration before the next (at least [`MIN_INTERVAL_MS`]): a figure spends
/// at most ~1/20 of the main thread's time on itself, so that a card of
/// eight growing figures does not take a core from the training workers (a
/// 4-seed information plane grid of a 10000-epoch run takes tens of ms).
const COST_FACTOR: f64 = 20.0;

/// Draws a figure on the canvas's drawing area at `scale` (= devicePixelRatio).
pub type DrawFn = Rc<dyn Fn(&fig::Area, f64) -> Result<Vec<HitPoint>, String>>;

/// Line height as a multiple of the font size: the page's CSS line height,
/// which figures were laid out with when plotters measured text in a span.
const LINE_HEIGHT: f64 = 1.4;

thread_local! {
    /// A detached canvas' context that measures text (last font set cached).
    static MEASURER: Option<(Context, RefCell<String>)> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<Context>().ok())
        .map(|c| (c, RefCell::new(String::new())));
}

/// Text width (as the canvas draws it) and line height in pixels: the
/// figures' text measure, on screen and for SVG exports alike.
pub fn measure_text(text: &str, font: &fig::Font) -> (u32, u32) {
    let height = (font.size * LINE_HEIGHT).round() as u32;
    let width = MEASURER.with(|m| {
        let (ctx, last) = m.as_ref()?;
        let css = font.css();
        if *last.borrow() != css {
            ctx.set_font(&css);
            *last.borrow_mut() = css;
        }
        ctx.measure_text(text).ok().map(|m| m.width())
    });
    // Without a canvas (never in a browser), an estimate.
    let width = width.unwrap_or_else(|| f64::from(fig::estimate_text(text, font).0));
    (width.round().max(0.0) as u32, height)
}

/// The 2D context of `canvas`.
pub fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<Context> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// CSS colour of `c`, as plotters' canvas backend wrote it.
fn css_colour(c: Colour) -> String {
    format!("rgba({},{},{},{})", c.r, c.g, c.b, c.a)
}

/// Most colours [`css_value`] keeps (an information plane colours each
/// epoch; the cache is emptied when full).
const MAX_CACHED_COLOURS: usize = 4096;

thread_local! {
    /// CSS colours already made into JS strings, by colour: a plane sets a
    /// new fill colour for nearly every point, and formatting the text and
    /// decoding it into a JS string each time made redraws slow (the lab's
    /// figures of a 4-seed idnns-default run: 41–43 ms of script per
    /// redraw before, 23–34 ms with the cache, in headless Chromium).
    static CSS_VALUES: RefCell<HashMap<(u8, u8, u8, u64), JsValue>> = RefCell::default();
}

/// [`css_colour`] as a JS string, cached.
fn css_value(c: Colour) -> JsValue {
    CSS_VALUES.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_CACHED_COLOURS {
            m.clear();
        }
        m.entry((c.r, c.g, c.b, c.a.to_bits()))
            .or_insert_with(|| JsValue::from_str(&css_colour(c)))
            .clone()
    })
}

/// Canvas state already set, so that unchanged styles are not set again.
#[derive(Default)]
struct Pen {
    fill: Option<Colour>,
    stroke: Option<(Colour, u32)>,
    font: Option<(String, Align, Baseline)>,
}

impl Pen {
    // The JsValue setters are deprecated only because the property also
    // takes gradients and patterns; a string is what they pass here.
    #[allow(deprecated)]
    fn fill(&mut self, ctx: &Context, c: Colour) {
        if self.fill != Some(c) {
            ctx.set_fill_style(&css_value(c));
            self.fill = Some(c);
        }
    }

    #[allow(deprecated)]
    fn stroke(&mut self, ctx: &Context, c: Colour, width: u32) {
        if self.stroke != Some((c, width)) {
            ctx.set_stroke_style(&css_value(c));
            ctx.set_line_width(f64::from(width));
            self.stroke = Some((c, width));
        }
    }

    fn font(&mut self, ctx: &Context, font: &fig::Font, align: Align, baseline: Baseline) {
        let css = font.css();
        let same =
            matches!(&self.font, Some((f, a, b)) if *f == css && *a == align && *b == baseline);
        if !same {
            ctx.set_font(&css);
            ctx.set_text_align(match align {
                Align::Left => "start",
                Align::Centre => "center",
                Align::Right => "end",
            });
            ctx.set_text_baseline(match baseline {
                Baseline::Top => "top",
                Baseline::Middle => "middle",
                Baseline::Bottom => "bottom",
            });
            self.font = Some((css, align, baseline));
        }
    }
}

fn trace(ctx: &Context, points: &[(i32, i32)]) {
    ctx.begin_path();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i == 0 {
            ctx.move_to(f64::from(x), f64::from(y));
        } else {
            ctx.line_to(f64::from(x), f64::from(y));
        }
    }
}

/// Draws `list` onto `ctx`, operation by operation, as plotters' canvas
/// backend drew them.
pub fn replay(ctx: &Context, list: &DisplayList) {
    let mut pen = Pen::default();
    for op in &list.ops {
        match op {
            Op::Line {
                from,
                to,
                colour,
                width,
            } => {
                // Horizontal and vertical lines on half pixels, so 1 px
                // lines stay sharp.
                let (mut a, mut b) = (
                    (f64::from(from.0), f64::from(from.1)),
                    (f64::from(to.0), f64::from(to.1)),
                );
                if a.0 == b.0 {
                    a.0 -= 0.5;
                    b.0 -= 0.5;
                }
                if a.1 == b.1 {
                    a.1 -= 0.5;
                    b.1 -= 0.5;
                }
                pen.stroke(ctx, *colour, *width);
                ctx.begin_path();
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
                ctx.stroke();
            }
            Op::Rect {
                a,
                b,
                colour,
                fill,
                width,
            } => {
                let (x, y) = (f64::from(a.0), f64::from(a.1));
                let (w, h) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
                if *fill {
                    pen.fill(ctx, *colour);
                    ctx.fill_rect(x, y, w, h);
                } else {
                    pen.stroke(ctx, *colour, *width);
                    ctx.stroke_rect(x, y, w, h);
                }
            }
            Op::Path {
                points,
                colour,
                width,
            } => {
                pen.stroke(ctx, *colour, *width);
                trace(ctx, points);
                ctx.stroke();
            }
            Op::Polygon { points, colour } => {
                pen.fill(ctx, *colour);
                trace(ctx, points);
                ctx.close_path();
                ctx.fill();
            }
            Op::Circle {
                centre,
                radius,
                colour,
                fill,
                width,
            } => {
                if *fill {
                    pen.fill(ctx, *colour);
                } else {
                    pen.stroke(ctx, *colour, *width);
                }
                ctx.begin_path();
                let _ = ctx.arc(
                    f64::from(centre.0),
                    f64::from(centre.1),
                    f64::from(*radius),
                    0.0,
                    std::f64::consts::TAU,
                );
                if *fill {
                    ctx.fill();
                } else {
                    ctx.stroke();
                }
            }
            Op::Text {
                text,
                pos,
                font,
                colour,
                align,
                baseline,
                rotation,
            } => {
                // Styles first: the rotation's save/restore keeps them.
                pen.fill(ctx, *colour);
                pen.font(ctx, font, *align, *baseline);
                let (x, y) = (f64::from(pos.0), f64::from(pos.1));
                if *rotation == 0 {
                    let _ = ctx.fill_text(text, x, y);
                } else {
                    ctx.save();
                    let _ = ctx.translate(x, y);
                    let _ = ctx.rotate(f64::from(*rotation).to_radians());
                    let _ = ctx.fill_text(text, 0.0, 0.0);
                    ctx.restore();
                }
            }
        }
    }
}

/// Below this CSS width (phones), figures take a height that keeps their
/// shape instead of their desktop height.
pub const NARROW: f64 = 600.0;

/// The CSS height of a figure `css_w` wide whose desktop height is
/// `height`: on narrow screens, line charts at 4:3 (at least 240 px) and a
/// grid of `panels` information planes one above the other, each 5:4 as
/// on the desktop (beside the colour bar), so nothing is squeezed.
pub fn narrow_height(css_w: f64, height: u32, panels: Option<usize>) -> u32 {
    if css_w >= NARROW {
        return height;
    }
    match panels {
        Some(n) => {
            // The colour bar takes about 70 px; each panel 5:4 beside it.
            (n.max(1) as f64 * ((css_w - 70.0).max(120.0) / 1.25)).round() as u32
        }
        None => {
            // Never taller than on the desktop, nor (unless the desktop
            // height is smaller) under 240 px.
            let h = f64::from(height);
            (css_w * 0.75).round().max(h.min(240.0)).min(h) as u32
        }
    }
}

/// Panels of the information-plane grid of `seeds` seeds: one per seed and
/// their mean (one alone while there are fewer than two).
pub fn plane_grid_panels(seeds: usize) -> usize {
    if seeds <= 1 {
        1
    } else {
        seeds + 1
    }
}

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
    /// For the information-plane grid: how many panels it draws (on
    /// narrow screens they stack, each keeping its shape).
    #[prop(default = None)]
    panels: Option<Signal<usize>>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let hits: Rc<RefCell<Vec<HitPoint>>> = Rc::default();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    let scheduled = Rc::new(Cell::new(false));
    // Off-screen canvases are not drawn (saves the CPU for training); they
    // catch up when scrolled into view.
    let visible = Rc::new(Cell::new(true));
    let stale = Rc::new(Cell::new(false));

    // Duration of the last redraw, in ms.
    let cost = Rc::new(Cell::new(0.0));
    let redraw = {
        let (hits, cost) = (hits.clone(), cost.clone());
        move || {
            let start = crate::browser::now_ms();
            let Some(canvas) = canvas_ref.get_untracked() else {
                return;
            };
            let dpr = crate::browser::device_pixel_ratio();
            let css_w = canvas.client_width().max(1) as f64;
            let css_h = narrow_height(
                css_w,
                height.get_untracked(),
                panels.map(|p| p.get_untracked()),
            );
            if canvas.client_height() != css_h as i32 {
                let _ = web_sys::HtmlElement::style(&canvas)
                    .set_property("height", &format!("{css_h}px"));
            }
            let (w, h) = (
                (css_w * dpr).round() as u32,
                (f64::from(css_h) * dpr).round() as u32,
            );
            if canvas.width() != w || canvas.height() != h {
                canvas.set_width(w);
                canvas.set_height(h);
            }
            let Some(ctx) = context(&canvas) else {
                return;
            };
            let (mut list, drawn) = fig::record(w, h, &measure_text, |area| draw(area, dpr));
            if crate::browser::prefers_dark() {
                list.recolour(fig::DARK_THEME);
            }
            match drawn {
                Ok(points) => {
                    replay(&ctx, &list);
                    *hits.borrow_mut() = points;
                }
                Err(e) => {
                    ctx.set_fill_style_str("#ffffff");
                    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
                    ctx.set_fill_style_str("#ff0000");
                    ctx.set_font(&format!("{}px sans-serif", 14.0 * dpr));
                    ctx.set_text_align("start");
                    ctx.set_text_baseline("top");
                    let _ = ctx.fill_text(&format!("cannot draw: {e}"), 10.0, 10.0);
                    hits.borrow_mut().clear();
                }
            }
            let _ = canvas.set_attribute("data-drawn", &hits.borrow().len().to_string());
            cost.set(crate::browser::now_ms() - start);
        }
    };
    // Redraws are coalesced to one per animation frame and, while records
    // stream in, to one per MIN_INTERVAL_MS (or COST_FACTOR times the last
    // redraw's duration), so the page stays fluid.
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
            let interval = MIN_INTERVAL_MS.max(COST_FACTOR * cost.get());
            let wait = last_draw.get() + interval - crate::browser::now_ms();
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
            if let Some(p) = panels {
                p.track();
            }
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
            // The reader's system switching between light and dark.
            if let Some(mq) = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            {
                let on_scheme = schedule.clone();
                let cb = Closure::<dyn FnMut()>::new(move || on_scheme());
                let _ = mq.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
                cb.forget();
            }
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
            <canvas node_ref=canvas_ref id=id.clone() role="img" aria-label=label tabindex="0"
                aria-describedby=format!("{id}-desc")
                style=format!("height:{}px", height.get_untracked())
                on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || tooltip.get().map(|(x, y, text)| view! {
                <div class="tooltip" role="status" style=format!("left:{:.0}px;top:{:.0}px", x + 12.0, y + 12.0)>{text}</div>
            })}
        </div>
    }
}

#[cfg(test)]
mod narrow_tests {
    use super::narrow_height;

    #[test]
    fn narrow_figures_keep_their_shape() {
        // Wide: the desktop height.
        assert_eq!(narrow_height(900.0, 460, Some(3)), 460);
        // 358 px wide (a 390 px phone less padding): a line chart at 4:3,
        // 358 * 0.75 = 268.5 → 269; never taller than on the desktop.
        assert_eq!(narrow_height(358.0, 300, None), 269);
        assert_eq!(narrow_height(358.0, 200, None), 200);
        // 200 px wide: 150 at 4:3, raised to 240 (or the desktop's 220).
        assert_eq!(narrow_height(200.0, 420, None), 240);
        assert_eq!(narrow_height(200.0, 220, None), 220);
        // Three plane panels stacked, each (358 - 70) / 1.25 = 230.4 high.
        assert_eq!(narrow_height(358.0, 820, Some(3)), 691);
    }
}
