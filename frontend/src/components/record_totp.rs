//! A login's live authenticator code: the current code (grouped like `123 456`), a ring and the
//! seconds left, updated every second, and a copy button. The secret stays in WASM memory; only
//! the code reaches the page.

use std::time::Duration;

use coffer_shared::crypto::otpauth::OtpAuth;
use leptos::prelude::*;

use super::clip_button::ClipButton;
use crate::vault;

/// The code split in two halves for reading: `123 456`, `123 4567`, `1234 5678`.
pub fn grouped(code: &str) -> String {
    let half = code.len() / 2;
    format!("{} {}", &code[..half], &code[half..])
}

/// The ring's circumference, for a circle of radius 15.9155 (so 100 user units).
const RING: f64 = 100.0;

/// The live code of the authenticator key `totp` (a Key Uri or base32). Hidden when empty; an
/// unusable key says so.
#[component]
pub fn TotpCode(
    /// The record's `totp`, read from the decrypted record list.
    #[prop(into)]
    totp: Signal<String>,
) -> impl IntoView {
    let now = RwSignal::new(vault::now());
    let ticker = set_interval_with_handle(move || now.set(vault::now()), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(handle) = ticker {
            handle.clear();
        }
    });
    let auth = Memo::new(move |_| totp.with(|text| (!text.trim().is_empty()).then(|| OtpAuth::parse(text))));
    let code = Signal::derive(move || {
        auth.with(|auth| match auth {
            Some(Ok(auth)) => auth.code_at(now.get()),
            _ => String::new(),
        })
    });
    let left = move || {
        auth.with(|auth| {
            auth.as_ref().and_then(|a| a.as_ref().ok()).map(|a| (a.seconds_left(now.get()), a.period))
        })
    };
    let body = move || match auth.with(|auth| auth.as_ref().map(|auth| auth.as_ref().err().copied())) {
        None => ().into_any(),
        Some(Some(error)) => view! {
            <p class="field-error" data-testid="totp-invalid">
                {format!("This authenticator key cannot be used: {error}.")}
            </p>
        }
        .into_any(),
        Some(None) => view! {
            <div class="field-line totp-line">
                <span class="totp-code mono" data-testid="totp-code">
                    {move || grouped(&code.get())}
                </span>
                <span
                    class="totp-timer"
                    class:expiring=move || left().is_some_and(|(seconds, _)| seconds <= 5)
                    data-testid="totp-timer"
                >
                    <svg class="totp-ring" viewBox="0 0 36 36" aria-hidden="true">
                        <circle class="totp-ring-track" cx="18" cy="18" r="15.9155" />
                        <circle
                            class="totp-ring-left"
                            cx="18"
                            cy="18"
                            r="15.9155"
                            stroke-dasharray=RING.to_string()
                            stroke-dashoffset=move || {
                                left()
                                    .map(|(seconds, period)| RING * (1.0 - seconds as f64 / period as f64))
                                    .unwrap_or(0.0)
                                    .to_string()
                            }
                        />
                    </svg>
                    <span data-testid="totp-seconds">
                        {move || left().map(|(seconds, _)| seconds).unwrap_or(0)}
                        <span class="visually-hidden">" seconds left"</span>
                        <span aria-hidden="true">" s"</span>
                    </span>
                </span>
                <span class="field-actions">
                    <ClipButton text=code testid="copy-totp".to_owned() what="authenticator code" />
                </span>
            </div>
        }
        .into_any(),
    };
    view! {
        <Show when=move || auth.with(Option::is_some)>
            <div class="field-view" data-testid="field-totp">
                <span class="field-label">"Authenticator code"</span>
                {body}
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn codes_are_grouped_in_halves() {
        assert_eq!(grouped("123456"), "123 456");
        assert_eq!(grouped("1234567"), "123 4567");
        assert_eq!(grouped("12345678"), "1234 5678");
    }
}
