//! Copying secrets: write to the clipboard, then clear it after [`CLEAR_AFTER`] by writing an
//! empty string (only the latest copy's timer clears, so a newer copy is not cut short).

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen_futures::JsFuture;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

thread_local! {
    /// Counts copies; a clearing timer only acts if no copy came after its own.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Writes `text` to the clipboard; `true` if the browser accepted it.
async fn write(text: &str) -> bool {
    match web_sys::window() {
        Some(window) => JsFuture::from(window.navigator().clipboard().write_text(text)).await.is_ok(),
        None => false,
    }
}

/// Copies `text` and schedules clearing the clipboard; `true` if the copy worked.
pub async fn copy_then_clear(text: &str) -> bool {
    let copied = write(text).await;
    if copied {
        let mine = GENERATION.with(|generation| {
            generation.set(generation.get() + 1);
            generation.get()
        });
        set_timeout(
            move || {
                if GENERATION.with(Cell::get) == mine {
                    leptos::task::spawn_local(async {
                        // The page may be in the background: then the browser refuses, and there
                        // is nothing better to do.
                        let _ = write("").await;
                    });
                }
            },
            CLEAR_AFTER,
        );
    }
    copied
}
