//! A copy button for secrets: the clipboard is cleared again after 30 seconds.

use leptos::prelude::*;

use crate::clipboard::{self, CLEAR_AFTER};

/// Copies the value `text` yields at click time, then says "clipboard clears in 30 s".
#[component]
pub fn ClipButton(
    /// Reads the value at click time (so no copy of it is kept here).
    #[prop(into)]
    text: Signal<String>,
    /// The `data-testid` of the button.
    testid: String,
    /// What is copied, for screen readers, e.g. "password".
    #[prop(into, default = "value".to_owned())]
    what: String,
) -> impl IntoView {
    let note = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let copied = clipboard::copy_then_clear(&text.get_untracked()).await;
            note.set(Some(if copied { "Copied · clipboard clears in 30 s" } else { "Could not copy" }));
            set_timeout(
                move || {
                    let _ = note.try_set(None);
                },
                CLEAR_AFTER,
            );
        });
    };
    let note_testid = format!("{testid}-note");
    view! {
        <button
            type="button"
            class="secondary small"
            data-testid=testid
            aria-label=format!("Copy {what}")
            on:click=copy
        >
            "Copy"
        </button>
        {move || {
            note.get()
                .map(|text| {
                    view! {
                        <span class="clip-note muted" role="status" data-testid=note_testid.clone()>
                            {text}
                        </span>
                    }
                })
        }}
    }
}
