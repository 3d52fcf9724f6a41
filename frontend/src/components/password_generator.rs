//! The password generator of the login form: length, character classes, entropy, and "Use".

use leptos::prelude::*;

use crate::strength::{self, PasswordOptions};

/// Makes random passwords; "Use this password" hands the shown one to `on_use`.
#[component]
pub fn PasswordGenerator(
    /// Receives the chosen password.
    on_use: Callback<String>,
) -> impl IntoView {
    let options = RwSignal::new(PasswordOptions::default());
    let made = RwSignal::new(strength::password(&options.get_untracked()));
    let regenerate = move || made.set(strength::password(&options.get_untracked()));
    let toggle = move |pick: fn(&mut PasswordOptions) -> &mut bool| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            options.update(|options| *pick(options) = on);
            regenerate();
        }
    };
    let checkbox =
        move |label: &'static str, testid: &'static str, pick: fn(&mut PasswordOptions) -> &mut bool| {
            let checked = move || {
                let mut copy = options.get();
                *pick(&mut copy)
            };
            view! {
                <label class="inline">
                    <input type="checkbox" data-testid=testid prop:checked=checked on:change=toggle(pick) />
                    {label}
                </label>
            }
        };
    on_cleanup(move || {
        let _ = made.try_set(String::new());
    });
    view! {
        <div class="generator" data-testid="generator">
            <div class="generated">
                <code class="break" data-testid="generated-password">{move || made.get()}</code>
            </div>
            <div class="field">
                <label for="gen-length">
                    {move || format!("Length: {}", options.with(|options| options.length))}
                </label>
                <input
                    id="gen-length"
                    type="range"
                    min="8"
                    max="64"
                    data-testid="generator-length"
                    prop:value=move || options.with(|options| options.length.to_string())
                    on:input=move |ev| {
                        if let Ok(length) = event_target_value(&ev).parse() {
                            options.update(|options| options.length = length);
                            regenerate();
                        }
                    }
                />
            </div>
            <div class="chips">
                {checkbox("A-Z", "generator-upper", |o| &mut o.upper)}
                {checkbox("a-z", "generator-lower", |o| &mut o.lower)}
                {checkbox("0-9", "generator-digits", |o| &mut o.digits)}
                {checkbox("!#$", "generator-symbols", |o| &mut o.symbols)}
            </div>
            <p class="muted" data-testid="generator-entropy">
                {move || format!("≈ {:.0} bits of entropy", options.with(strength::entropy_bits))}
            </p>
            <div class="actions">
                <button type="button" class="secondary" data-testid="generator-regenerate" on:click=move |_| regenerate()>
                    "Regenerate"
                </button>
                <button
                    type="button"
                    data-testid="generator-use"
                    on:click=move |_| on_use.run(made.get_untracked())
                >
                    "Use this password"
                </button>
            </div>
        </div>
    }
}
