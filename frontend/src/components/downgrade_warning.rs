//! The refusal of KDF inputs weaker than those this browser remembers for an address
//! (docs/accounts.md, "Remembered parameters"), on the sign-in and unlock pages.

use leptos::prelude::*;

/// A prominent warning that the server asked for weaker passphrase protection than before, or
/// nothing while `details` is `None`.
#[component]
pub fn DowngradeWarning(
    /// What is weaker, e.g. "KDF version 1 instead of 2, 19 MiB of memory instead of 64 MiB".
    #[prop(into)]
    details: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        details.get().map(|details| {
            view! {
                <div class="tamper" role="alert" data-testid="kdf-downgrade-warning">
                    <h2>"Warning: the server asked for weaker protection"</h2>
                    <p>
                        "This server asked your browser to protect your passphrase more weakly than \
                         the last time you used this account here: "
                        <strong data-testid="kdf-downgrade-details">{details}</strong> "."
                    </p>
                    <p>
                        "Weaker protection makes your passphrase cheaper to guess, and it is what an \
                         attacker in control of the server would ask for. Your passphrase was not \
                         used and nothing was sent."
                    </p>
                    <p class="muted">
                        "Do not sign in from this browser until the server's operator has explained \
                         the change. If they restored an old copy of the server's data, clearing this \
                         site's data in your browser lets you sign in again."
                    </p>
                </div>
            }
        })
    }
}
