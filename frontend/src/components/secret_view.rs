//! The revealed secret: the text (blurred until clicked if the creator asked), a copy button and
//! the last-view warning.

use leptos::prelude::*;

use super::copy_button::CopyButton;

/// Shows a revealed secret. `text` is read from a signal the page wipes when it is left.
#[component]
pub fn SecretView(
    /// The decrypted text.
    #[prop(into)]
    text: Signal<String>,
    /// The creator asked to blur the text until the reader clicks it.
    blur: bool,
    /// Views left after this one; 0 means the secret is now deleted.
    views_left: u32,
) -> impl IntoView {
    let blurred = RwSignal::new(blur);
    view! {
        <div class="secret-view">
            <h2>"The secret"</h2>
            {(views_left == 0)
                .then(|| {
                    view! {
                        <p class="notice warning" data-testid="last-view-notice" role="status">
                            "That was the last view: the secret is now deleted from the server. "
                            "Copy it now."
                        </p>
                    }
                })}
            <pre
                class="secret"
                class:blur=move || blurred.get()
                data-testid="secret-text"
                tabindex="0"
                title=move || if blurred.get() { "Click to show" } else { "" }
                on:click=move |_| blurred.set(false)
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        blurred.set(false);
                    }
                }
            >
                {move || text.get()}
            </pre>
            <Show when=move || blurred.get()>
                <p class="muted">"The text is blurred. Click it to show it."</p>
            </Show>
            <div class="actions">
                <CopyButton text=text testid="copy-secret" label="Copy secret" />
            </div>
        </div>
    }
}
