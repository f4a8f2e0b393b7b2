//! Taking results away and bringing them back: each figure as PNG (the
//! canvas) or SVG (recorded again at 1×, text measured as on the canvas,
//! and written as SVG), the run record as
//! JSON (the CLI's schema) or CSV, and loading a JSON record to view it
//! without recomputing.

use crate::browser;
use crate::components::canvas::{context, measure_text, replay};
use crate::figures::{draw_figure, figure_svg};
use crate::lab::Lab;
use crate::runs::Runs;
use crate::view::FigureKind;
use infoplane_core::params::{ParamError, Params};
use infoplane_core::record::RunRecord;
use infoplane_figures as fig;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The start of a download's name: the preset's name, or "infoplane".
pub fn stem(lab: Lab) -> String {
    lab.session.runs.with_untracked(|r| {
        r.params
            .as_ref()
            .and_then(|p| p.preset())
            .map_or("infoplane", |p| p.name)
            .to_string()
    })
}

/// The PNG bytes of `canvas`.
fn canvas_bytes(canvas: &web_sys::HtmlCanvasElement) -> Result<Vec<u8>, String> {
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|e| format!("{e:?}"))?;
    let b64 = url.split_once(',').map(|(_, b)| b).ok_or("bad data URL")?;
    let bin = web_sys::window()
        .ok_or("no window")?
        .atob(b64)
        .map_err(|e| format!("{e:?}"))?;
    Ok(bin.chars().map(|c| c as u8).collect())
}

/// The CSS size of figure `kind` on the page (or a default).
pub fn figure_size(kind: FigureKind) -> (u32, u32) {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&kind.canvas_id()))
        .map_or((900, 500), |c| {
            (
                c.client_width().max(300) as u32,
                c.client_height().max(200) as u32,
            )
        })
}

/// Figure `kind` as a PNG of `css` pixels at `scale`, drawn afresh on an
/// offscreen canvas in the light theme whatever the page's (exports stay
/// light), with `caption` lines below it.
pub fn figure_png(
    lab: Lab,
    kind: FigureKind,
    css: (u32, u32),
    scale: f64,
    caption: &[String],
) -> Result<Vec<u8>, String> {
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    let (w, h) = (
        (f64::from(css.0) * scale).round() as u32,
        (f64::from(css.1) * scale).round() as u32,
    );
    let line = 20.0 * scale;
    let band = if caption.is_empty() {
        0
    } else {
        (caption.len() as f64 * line + 12.0 * scale).round() as u32
    };
    canvas.set_width(w);
    canvas.set_height(h + band);
    let ctx = context(&canvas).ok_or("no 2D canvas")?;
    let (list, drawn) = lab.with_figure_input(|input| {
        fig::record(w, h, &measure_text, |area| {
            draw_figure(kind, input, area, scale)
        })
    });
    drawn?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h + band));
    replay(&ctx, &list);
    ctx.set_fill_style_str("#444444");
    ctx.set_font(&format!("{}px sans-serif", 14.0 * scale));
    ctx.set_text_align("start");
    ctx.set_text_baseline("top");
    for (i, text) in caption.iter().enumerate() {
        let y = f64::from(h) + 6.0 * scale + i as f64 * line;
        let _ = ctx.fill_text(text, 10.0 * scale, y);
    }
    canvas_bytes(&canvas)
}

/// Shows a loaded record as if it had just run: its experiment in the form
/// (the reader's view options kept), its seeds in every figure and export,
/// and a notice when another engine version made it. Returns whether it
/// loaded cleanly and what to tell the reader.
pub fn show_record(lab: Lab, rec: RunRecord, name: &str) -> (bool, String) {
    let n = rec.seeds.len();
    let engine = rec.engine().to_string();
    let (runs, errors) = Runs::from_record(rec);
    if let Some(p) = &runs.params {
        take_experiment(lab, p);
    }
    lab.session.show(runs);
    crate::components::notices::notice_version(lab, "record", &engine);
    (
        errors.is_empty(),
        format!(
            "Loaded {name}: {n} seed(s), shown without recomputing{}",
            not_read(&errors)
        ),
    )
}

/// Puts a loaded record's experiment `p` into the form, keeping the
/// reader's view options (run and sweep records alike).
pub fn take_experiment(lab: Lab, p: &Params) {
    let view = lab.params.with_untracked(|v| {
        v.iter()
            .filter(|(s, _)| !s.group.is_experiment())
            .map(|(s, v)| (s.name, v.to_string()))
            .collect::<Vec<_>>()
    });
    let mut p = p.clone();
    for (k, v) in view {
        let _ = p.set(k, &v);
    }
    lab.params.set(p);
}

/// The end of a "Loaded …" message naming the fields of a loaded record's
/// query that this version does not read (empty when there are none).
pub fn not_read(errors: &[ParamError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    format!(
        "; its query had fields this version does not read, shown with defaults: {}",
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Fetches a run record from `url` (this site, or any site that allows
/// other sites to read it: CORS), gzip or not, and reads it. Errors say
/// what failed: the network or CORS, the HTTP status, the decompression,
/// or what makes it no record (or one of another schema version).
pub async fn fetch_record(url: &str) -> Result<RunRecord, String> {
    let mut bytes = browser::fetch(url).await.map_err(|e| match e {
        browser::FetchError::Network => format!(
            "cannot fetch {url}: the address does not answer, or its server does not let \
             other sites read it (a record on another site must be served with the header \
             Access-Control-Allow-Origin)"
        ),
        browser::FetchError::Status(code, text) => format!("{url} answered HTTP {code} {text}"),
        browser::FetchError::Body => format!("{url}: the download broke off"),
    })?;
    // gzip's magic number (a server may also have decompressed it already).
    if bytes.starts_with(&[0x1f, 0x8b]) {
        bytes = browser::gunzip(&bytes)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{url} is not an infoplane run record: not a text file"))?;
    RunRecord::from_json(&text).map_err(|e| format!("{url}: {e}"))
}

/// Export buttons for one figure.
#[component]
pub fn FigureExport(kind: FigureKind) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let error = RwSignal::new(None::<String>);
    let png = move |_| {
        // Drawn afresh at the screen's sharpness, light whatever the page.
        let dpr = browser::device_pixel_ratio();
        let r = figure_png(lab, kind, figure_size(kind), dpr, &[]).and_then(|b| {
            browser::download(
                &format!("{}-{}.png", stem(lab), kind.name()),
                "image/png",
                &b,
            )
        });
        error.set(r.err());
    };
    let svg = move |_| {
        // Same size as on screen, at 1× scale.
        let (w, h) = figure_size(kind);
        let r = lab
            .with_figure_input(|input| {
                figure_svg(kind, input, w, h, &crate::components::canvas::measure_text)
            })
            .and_then(|s| {
                browser::download(
                    &format!("{}-{}.svg", stem(lab), kind.name()),
                    "image/svg+xml",
                    s.as_bytes(),
                )
            });
        error.set(r.err());
    };
    view! {
        <div class="figure-export">
            <button class="small" data-export=format!("{}-png", kind.name()) on:click=png>"PNG"</button>
            <button class="small" data-export=format!("{}-svg", kind.name()) on:click=svg>"SVG"</button>
            <span class="error" role="alert">{move || error.get()}</span>
        </div>
    }
}

/// Record export (JSON, CSV) and import (JSON).
#[component]
pub fn RecordIo() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let message = RwSignal::new(None::<(bool, String)>);
    let has_record = move || lab.session.runs.with(|r| r.header.is_some());
    let json = move |_| {
        let r = lab
            .session
            .runs
            .with_untracked(Runs::to_record)
            .ok_or_else(|| "nothing to export yet: run an experiment first".to_string())
            .and_then(|rec| {
                let text = serde_json::to_string_pretty(&rec).map_err(|e| e.to_string())?;
                browser::download(
                    &format!("{}-run.json", stem(lab)),
                    "application/json",
                    text.as_bytes(),
                )
            });
        message.set(r.err().map(|e| (false, e)));
    };
    let csv = move |_| {
        let r = lab
            .session
            .runs
            .with_untracked(Runs::to_record)
            .ok_or_else(|| "nothing to export yet: run an experiment first".to_string())
            .and_then(|rec| {
                browser::download(
                    &format!("{}-run.csv", stem(lab)),
                    "text/csv",
                    rec.to_csv().as_bytes(),
                )
            });
        message.set(r.err().map(|e| (false, e)));
    };
    let load = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        if file.size() > crate::components::data_file::MAX_FILE_BYTES {
            message.set(Some((false, format!("{}: larger than 64 MB", file.name()))));
            return;
        }
        leptos::task::spawn_local(async move {
            let name = file.name();
            let text = browser::read_file(&file)
                .await
                .and_then(|b| String::from_utf8(b).map_err(|_| "not a text file".to_string()));
            // A sweep record shows in the sweep's figure area.
            if let Some(m) = text
                .as_deref()
                .ok()
                .and_then(|t| crate::components::sweep::load_json(lab, t, &name))
            {
                message.set(Some(m));
                return;
            }
            let result = text.and_then(|t| RunRecord::from_json(&t).map_err(|e| e.to_string()));
            match result {
                Ok(rec) => message.set(Some(show_record(lab, rec, &name))),
                Err(e) => message.set(Some((false, format!("{name}: {e}")))),
            }
        });
    };
    view! {
        <section class="figure-panel record-io" aria-labelledby="h-io">
            <h2 id="h-io">"Run record"</h2>
            <div class="buttons">
                <button id="export-json" on:click=json disabled=move || !has_record()>"Download JSON"</button>
                <button id="export-csv" on:click=csv disabled=move || !has_record()>"Download CSV"</button>
                <label class="file-button">
                    "Load a JSON record (from here or from "<code>"infoplane run"</code>") "
                    <input id="load-json" type="file" accept=".json,application/json" on:change=load />
                </label>
            </div>
            {move || message.get().map(|(ok, m)| view! { <p class=if ok { "status" } else { "error" } role="status">{m}</p> })}
        </section>
    }
}
