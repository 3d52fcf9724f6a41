//! The header's "Lock now" button, shown wherever the vault is unlocked.

use leptos::prelude::*;

use crate::session::auto_lock::AutoLock;

/// Locks the vault at once: keys and decrypted items leave the page; the session stays.
#[component]
pub fn LockButton() -> impl IntoView {
    let auto_lock = AutoLock::get();
    view! {
        <button
            type="button"
            class="link lock-now"
            data-testid="nav-lock"
            title="Lock the vault now: your passphrase opens it again"
            on:click=move |_| auto_lock.lock_now()
        >
            "Lock now"
        </button>
    }
}
