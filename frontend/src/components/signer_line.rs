//! Who signed a revealed share: "Signed by <address> · key fingerprint <…>", the same for an
//! account the server no longer names, or "Not signed". Shown only after the signature verified.

use leptos::prelude::*;

use crate::share::Signed;

/// One line naming the share's signer and its key fingerprint.
#[component]
pub fn SignerLine(
    /// Who signed, as the claim verified it.
    signed: Signed,
) -> impl IntoView {
    let fingerprint = |fingerprint: String| {
        view! {
            " · key fingerprint "
            <span class="mono fingerprint-inline" data-testid="signer-fingerprint">{fingerprint}</span>
        }
    };
    match signed {
        Signed::By { address, fingerprint: print } => view! {
            <p class="signer signed" data-testid="signer-line" data-signed="account">
                "Signed by " <strong data-testid="signer-address">{address}</strong> {fingerprint(print)}
            </p>
        }
        .into_any(),
        Signed::Unknown { fingerprint: print } => view! {
            <p class="signer signed" data-testid="signer-line" data-signed="unknown">
                "Signed by an unknown account" {fingerprint(print)}
            </p>
        }
        .into_any(),
        Signed::Not => view! {
            <p class="signer unsigned" data-testid="signer-line" data-signed="none">
                "Not signed"
                <span class="muted">
                    " · anyone could have made this share; trust it as far as the channel the link came by."
                </span>
            </p>
        }
        .into_any(),
    }
}
