//! Choosing the reader's own data: a CSV (numeric features, the class last)
//! or MNIST IDX images + labels. Files are read in the browser and never
//! uploaded; errors name the line, column or header field.

use crate::browser::read_file;
use crate::lab::Lab;
use infoplane_core::data::{self, Dataset};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Largest file accepted.
pub const MAX_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// Reads the reader's files into a data set (once, on the page; the
/// workers receive the set itself): one CSV, or MNIST's two IDX files.
/// Errors name the file and the line, column or header field.
pub fn dataset_from_files(files: Vec<(String, Vec<u8>)>) -> Result<Dataset, String> {
    match files.len() {
        1 => {
            let (name, bytes) = files.into_iter().next().expect("one file");
            let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not a UTF-8 text file (CSV expected; for MNIST choose both IDX files together)"))?;
            data::parse_csv(&name, &text).map_err(|e| format!("{name}: {e}"))
        }
        2 => {
            // The images file has 3 dimensions (4th header byte), labels 1.
            let mut files = files;
            if files[0].1.get(3) < files[1].1.get(3) {
                files.swap(0, 1);
            }
            let (lname, labels) = files.pop().expect("two files");
            let (iname, images) = files.pop().expect("two files");
            let name = format!("{iname} + {lname}");
            data::parse_idx(&name, &images, &labels).map_err(|e| format!("{name}: {e}"))
        }
        n => Err(format!(
            "choose one CSV file or two IDX files (images and labels), not {n}"
        )),
    }
}

/// The file chooser, shown under Data.
#[component]
pub fn DataFile() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if let Some(big) = files.iter().find(|f| f.size() > MAX_FILE_BYTES) {
            error.set(Some(format!(
                "{}: {:.0} MB exceeds the limit of 64 MB per file",
                big.name(),
                big.size() / 1048576.0
            )));
            return;
        }
        leptos::task::spawn_local(async move {
            let mut read = Vec::new();
            for f in files {
                match read_file(&f).await {
                    Ok(bytes) => read.push((f.name(), bytes)),
                    Err(e) => {
                        error.set(Some(format!("{}: cannot read the file: {e}", f.name())));
                        return;
                    }
                }
            }
            match dataset_from_files(read) {
                Ok(d) => {
                    error.set(None);
                    lab.custom.set(Some(Arc::new(d)));
                    lab.params.update(|p| {
                        let _ = p.set("dataset", "custom");
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let summary = move || {
        lab.custom.with(|c| {
            c.as_ref().map(|d| d.info()).map(|i| {
                format!(
                    "Loaded {}: {} rows × {} features, {} classes",
                    i.name, i.rows, i.features, i.classes
                )
            })
        })
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for="data-file">"Your data (dataset=custom)"</label>
            <input id="data-file" type="file" multiple accept=".csv,.txt,.idx1-ubyte,.idx3-ubyte,application/octet-stream" on:change=on_change />
            <small class="help">"A CSV (numeric features, the last column an integer class; optional header) or MNIST's two IDX files (images and labels, un-gzipped). At most 64 MB per file and 16 million values; read in your browser, never uploaded."</small>
            <span class="status">{summary}</span>
            <span class="error" role="alert">{move || error.get()}</span>
        </div>
    }
}
