//! The progress shown while Argon2id strengthens a password.

use std::time::Duration;

use leptos::prelude::*;

use crate::format::decimal;

/// Milliseconds since the page loaded.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .unwrap_or_default()
}

/// An indeterminate progress bar and the seconds elapsed since it appeared.
#[component]
pub fn KdfProgress() -> impl IntoView {
    let started = now_ms();
    // Whole milliseconds.
    let elapsed = RwSignal::new(0_u64);
    let ticker = set_interval_with_handle(
        move || elapsed.set((now_ms() - started) as u64),
        Duration::from_millis(100),
    );
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    view! {
        <div class="kdf" data-testid="kdf-progress" role="status">
            <progress aria-label="Strengthening the password"></progress>
            <span class="muted">
                {move || format!("Strengthening the password… {} s", decimal(elapsed.get(), 1_000, 1))}
            </span>
        </div>
    }
}
