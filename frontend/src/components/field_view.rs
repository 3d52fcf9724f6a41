//! One read-only member of an opened record: its value, masked and blurred if secret until
//! "Show", and (unless asked not to) a copy button that clears the clipboard after 30 seconds.

use leptos::prelude::*;

use super::clip_button::ClipButton;

/// A labelled value with copy (and reveal, for secrets). Hidden when the value is empty.
#[component]
pub fn FieldView(
    /// The label.
    #[prop(into)]
    label: String,
    /// The value, read from the decrypted record list.
    #[prop(into)]
    value: Signal<String>,
    /// Mask and blur until revealed.
    secret: bool,
    /// Used for `data-testid`s: `field-{slug}`, `reveal-{slug}`, `copy-{slug}`.
    slug: String,
    /// Keep line breaks (notes, address).
    #[prop(default = false)]
    multiline: bool,
    /// Offer a copy button (not for a folder's name or a yes/no).
    #[prop(default = true)]
    copyable: bool,
) -> impl IntoView {
    let shown = RwSignal::new(!secret);
    let value_testid = format!("field-{slug}");
    let reveal_testid = format!("reveal-{slug}");
    let copy_testid = format!("copy-{slug}");
    let what = label.clone();
    view! {
        <Show when=move || value.with(|value| !value.is_empty())>
            <div class="field-view">
                <span class="field-label">{label.clone()}</span>
                <div class="field-line">
                    <span
                        class="field-value"
                        class:mono=secret
                        class:multiline=multiline
                        class:masked=move || !shown.get()
                        data-testid=value_testid.clone()
                        data-revealed=move || if shown.get() { "true" } else { "false" }
                    >
                        {move || {
                            if shown.get() {
                                value.get()
                            } else {
                                // A fixed width: the mask does not tell the length.
                                "••••••••••".to_owned()
                            }
                        }}
                    </span>
                    <span class="field-actions">
                        {secret
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="secondary small"
                                        data-testid=reveal_testid.clone()
                                        aria-pressed=move || if shown.get() { "true" } else { "false" }
                                        on:click=move |_| shown.update(|shown| *shown = !*shown)
                                    >
                                        {move || if shown.get() { "Hide" } else { "Show" }}
                                    </button>
                                }
                            })}
                        {copyable.then(|| view! { <ClipButton text=value testid=copy_testid.clone() what=what.clone() /> })}
                    </span>
                </div>
            </div>
        </Show>
    }
}
