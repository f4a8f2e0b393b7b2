//! The lab's training Web Worker, its own crate so its release build is
//! optimised for speed (the page is optimised for size): the messages it
//! exchanges with the page ([`protocol`]) and, on wasm, the worker's event
//! loop ([`runtime`]).

pub mod protocol;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
