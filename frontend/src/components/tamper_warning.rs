//! The refusal of a share whose signature does not hold: it was altered, and nothing of it is
//! shown (docs/envelope.md, "Verifying").

use leptos::prelude::*;

/// A prominent warning that the share was tampered with, with what to do about it.
#[component]
pub fn TamperWarning(
    /// The sentence explaining the refusal.
    message: String,
) -> impl IntoView {
    view! {
        <div class="tamper" role="alert" data-testid="tamper-warning">
            <h2>"Warning: this share was tampered with"</h2>
            <p>{message}</p>
            <p class="muted">
                "The view it used is spent. Tell the sender, over another channel than the link, \
                 and ask them to share it again."
            </p>
        </div>
    }
}
