//! One line with a share's views left and expiry.

use leptos::prelude::*;

use crate::format;

/// "Can be viewed N more time(s) · expires <local date/time>".
#[component]
pub fn StatusLine(
    /// Views left.
    #[prop(into)]
    views_left: Signal<u32>,
    /// Expiry, Unix seconds.
    expires_at: u64,
    /// The `data-testid` of the line.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <p class="status" data-testid=testid>
            {move || format::status_line(views_left.get(), expires_at)}
        </p>
    }
}
