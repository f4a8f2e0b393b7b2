//! The letter page: mounts the open letter's cards.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(infoplane::LetterRoot);
    }
}
