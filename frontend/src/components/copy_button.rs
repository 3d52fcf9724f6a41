//! A button that copies text to the clipboard and says "Copied" for a moment.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long the button shows its feedback.
const FEEDBACK: Duration = Duration::from_millis(2000);

/// What the button currently says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard on click, then shows "Copied" (or how to copy by hand).
#[component]
pub fn CopyButton(
    /// The text to copy, read at click time.
    #[prop(into)]
    text: Signal<String>,
    /// The `data-testid` of the button.
    testid: &'static str,
    /// The label before copying, e.g. "Copy link".
    #[prop(default = "Copy")]
    label: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let copy = move |_| {
        let value = text.get_untracked();
        leptos::task::spawn_local(async move {
            let copied = match web_sys::window() {
                Some(window) => {
                    let promise = window.navigator().clipboard().write_text(&value);
                    JsFuture::from(promise).await.is_ok()
                }
                None => false,
            };
            state.set(if copied { State::Copied } else { State::Failed });
            set_timeout(move || state.set(State::Idle), FEEDBACK);
        });
    };
    view! {
        <button
            type="button"
            class="secondary copy"
            data-testid=testid
            on:click=copy
            aria-live="polite"
        >
            {move || match state.get() {
                State::Idle => label,
                State::Copied => "Copied ✓",
                State::Failed => "Select and copy by hand",
            }}
        </button>
    }
}
