//! Who signed a revealed share: "Signed by <address>" with the key's fingerprint, the same for an
//! account the server no longer names. Shown only after the signature verified. An unsigned
//! share shows nothing: most shares are anonymous, and a line saying so alarmed their readers
//! without telling them anything they could act on.

use leptos::prelude::*;

use crate::claim::Signed;

/// The share's signer and its key fingerprint, with what to compare it with.
#[component]
pub fn SignerLine(
    /// Who signed, as the claim verified it.
    signed: Signed,
) -> impl IntoView {
    let key = |fingerprint: String| {
        view! {
            <span class="signer-key">
                "Key fingerprint "
                <span class="mono fingerprint-inline" data-testid="signer-fingerprint">{fingerprint}</span>
            </span>
            <span class="muted signer-hint">
                "The signer's account page shows the same fingerprint: compare it with them by phone \
                 or in person to be sure of who signed."
            </span>
        }
    };
    match signed {
        Signed::By { address, fingerprint } => view! {
            <div class="signer signed" data-testid="signer-line" data-signed="account">
                <span>"Signed by " <strong data-testid="signer-address">{address}</strong></span>
                {key(fingerprint)}
            </div>
        }
        .into_any(),
        Signed::Unknown { fingerprint } => view! {
            <div class="signer signed" data-testid="signer-line" data-signed="unknown">
                <span>"Signed by an unknown account"</span>
                {key(fingerprint)}
            </div>
        }
        .into_any(),
        Signed::Not => ().into_any(),
    }
}
