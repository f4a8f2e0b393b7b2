//! Small wrappers over browser APIs used by the components.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The page's query string, without `?`.
pub fn query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

/// The page's path (for routing, and in-page links on the letter page,
/// whose `<base>` points at the lab).
pub fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Replaces the current history entry's query (no new entry per edit).
pub fn replace_query(query: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = if query.is_empty() {
        format!("{path}{hash}")
    } else {
        format!("{path}?{query}{hash}")
    };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The page's full URL.
pub fn href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Copies text to the clipboard (resolves when done).
pub async fn copy_text(text: &str) -> Result<(), String> {
    let w = web_sys::window().ok_or("no window")?;
    JsFuture::from(w.navigator().clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Reads a chosen file's bytes.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Why a fetch failed.
pub enum FetchError {
    /// No answer: the network, or a server that does not let this site
    /// read the answer (CORS).
    Network,
    /// The server answered with an HTTP error (status and its text).
    Status(u16, String),
    /// The answer broke off.
    Body,
}

/// Fetches `url` (relative to the page) and returns its bytes.
pub async fn fetch(url: &str) -> Result<Vec<u8>, FetchError> {
    let w = web_sys::window().ok_or(FetchError::Network)?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(|_| FetchError::Network)?
        .unchecked_into();
    if !resp.ok() {
        return Err(FetchError::Status(resp.status(), resp.status_text()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|_| FetchError::Body)?)
        .await
        .map_err(|_| FetchError::Body)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Fetches `url` (relative to the page) and returns its bytes; the error
/// names the URL and the HTTP status or network failure.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    fetch(url).await.map_err(|e| match e {
        FetchError::Network => format!("{url}: cannot fetch (no answer)"),
        FetchError::Status(code, text) => format!("{url}: HTTP {code} {text}"),
        FetchError::Body => format!("{url}: the download broke off"),
    })
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let arr = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&arr);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download starts asynchronously: revoking the URL at once can
    // cancel it (seen with larger files), so free it a minute later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// Milliseconds since the page loaded.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The window's CSS width in pixels (`None` where unknown).
pub fn viewport_width() -> Option<f64> {
    web_sys::window()?.inner_width().ok()?.as_f64()
}

/// The device pixel ratio (1 where unknown).
pub fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0)
}

/// The `Response` of `fetch(url)` (relative URLs resolve against the
/// document's base, so `data/…` finds the lab's `data/` folder from the
/// letter page too), or why it failed, naming the URL and the HTTP status.
async fn fetch_response(url: &str) -> Result<wasm_bindgen::JsValue, String> {
    let w = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {}", js_text(&e)))?;
    let field = |name: &str| js_sys::Reflect::get(&resp, &name.into()).unwrap_or_default();
    if field("ok").as_bool() != Some(true) {
        let status = field("status").as_f64().unwrap_or(0.0);
        return Err(format!("{url}: HTTP status {status}"));
    }
    Ok(resp)
}

/// Calls the `Response` method `method` (`text`, `arrayBuffer`) and awaits it.
async fn read_body(
    url: &str,
    resp: &wasm_bindgen::JsValue,
    method: &str,
) -> Result<wasm_bindgen::JsValue, String> {
    let f: js_sys::Function = js_sys::Reflect::get(resp, &method.into())
        .map_err(|e| js_text(&e))?
        .dyn_into()
        .map_err(|_| format!("{url}: the response has no {method}()"))?;
    let promise: js_sys::Promise = f
        .call0(resp)
        .map_err(|e| js_text(&e))?
        .dyn_into()
        .map_err(|_| format!("{url}: {method}() gave no promise"))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| format!("{url}: {}", js_text(&e)))
}

/// A JavaScript error or value as text.
fn js_text(v: &wasm_bindgen::JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}

/// Fetches `url` as text (e.g. a static JSON file of the site).
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let resp = fetch_response(url).await?;
    read_body(url, &resp, "text")
        .await?
        .as_string()
        .ok_or_else(|| format!("{url}: the body is not text"))
}

/// The `content` of the page's `<meta name="NAME">`, if any.
pub fn meta(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??
        .get_attribute("content")
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The Compression Streams API's decompressor (web-sys has it only
    /// behind its unstable-API flag).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// Decompresses gzip `bytes` with the browser's `DecompressionStream`.
pub async fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let bad = |e: wasm_bindgen::JsValue| format!("cannot decompress (gzip): {e:?}");
    let mut owned = bytes.to_vec();
    let input = web_sys::Response::new_with_opt_u8_array(Some(&mut owned)).map_err(bad)?;
    let body = input.body().ok_or("cannot decompress: no body")?;
    let gz = DecompressionStream::new("gzip").map_err(bad)?;
    let pair = web_sys::ReadableWritablePair::new(&gz.readable(), &gz.writable());
    let out = web_sys::Response::new_with_opt_readable_stream(Some(&body.pipe_through(&pair)))
        .map_err(bad)?;
    let buf = JsFuture::from(out.array_buffer().map_err(bad)?)
        .await
        .map_err(|e| format!("not valid gzip data ({e:?})"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Whether the reader's system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}
