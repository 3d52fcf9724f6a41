//! The Account page's choice of how long the vault stays unlocked without input, in this
//! browser.

use leptos::prelude::*;

use crate::session::auto_lock::{AutoLock, CHOICES};

/// A select of the times to choose from; the choice applies at once.
#[component]
pub fn AutoLockSetting() -> impl IntoView {
    let auto_lock = AutoLock::get();
    let note = RwSignal::new(None::<&'static str>);
    let on_change = move |ev: leptos::ev::Event| {
        let saved = event_target_value(&ev).parse().is_ok_and(|minutes| auto_lock.set_minutes(minutes));
        note.set(Some(if saved {
            "Saved for this browser."
        } else {
            "This browser did not keep the choice."
        }));
    };
    view! {
        <p class="muted">
            "After this long without a key press, click or touch, this browser locks your vault: \
             the keys and every decrypted item leave the page, and your passphrase opens them \
             again. You stay signed in. Use Lock now in the header to lock at once."
        </p>
        <div class="field">
            <label for="auto-lock">"Lock the vault after"</label>
            <select id="auto-lock" data-testid="auto-lock-select" on:change=on_change>
                {CHOICES
                    .into_iter()
                    .map(|minutes| {
                        view! {
                            <option value=minutes.to_string() selected=move || auto_lock.minutes() == minutes>
                                {format!("{minutes} minutes")}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
        <p class="muted" role="status" data-testid="auto-lock-note">{move || note.get()}</p>
    }
}
