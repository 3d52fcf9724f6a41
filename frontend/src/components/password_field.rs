//! A password input with a show/hide toggle.

use leptos::prelude::*;

/// A labelled password input bound to `value`, with a button that shows or hides it.
#[component]
pub fn PasswordField(
    /// The password as typed.
    value: RwSignal<String>,
    /// The label above the input.
    label: &'static str,
    /// The `data-testid` of the input.
    testid: &'static str,
    /// The `autocomplete` hint: "new-password" when creating, "off" when revealing.
    autocomplete: &'static str,
    /// Greys the field out while work is running.
    #[prop(into, default = Signal::stored(false))]
    disabled: Signal<bool>,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    let input_id = format!("{testid}-field");
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            <div class="input-with-button">
                <input
                    id=input_id
                    type=move || if shown.get() { "text" } else { "password" }
                    data-testid=testid
                    autocomplete=autocomplete
                    spellcheck="false"
                    autocapitalize="off"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    prop:disabled=disabled
                />
                <button
                    type="button"
                    class="secondary toggle"
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
        </div>
    }
}
