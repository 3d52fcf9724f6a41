//! A banner for a failure the user must see.

use leptos::prelude::*;

/// Shows `message` in an error banner, or nothing while it is `None`.
#[component]
pub fn ErrorBanner(
    /// The message; the banner disappears while this is `None`.
    #[prop(into)]
    message: Signal<Option<String>>,
    /// The `data-testid` of the banner.
    testid: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|text| {
            view! {
                <p class="error" role="alert" id=testid data-testid=testid>
                    {text}
                </p>
            }
        })
    }
}
