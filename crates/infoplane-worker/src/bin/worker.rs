//! The training Web Worker: receives a job, runs the core in time slices
//! and posts its events back. No Leptos here.

fn main() {
    #[cfg(target_arch = "wasm32")]
    infoplane_worker::runtime::start();
}
