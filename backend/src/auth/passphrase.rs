//! The passphrase as the first factor: a presented proof is checked against the account's
//! verifier and, if wrong, counted, in one transaction with the throttle's check.
//!
//! Sign-in counts against the address, named by `address_key` whether or not it has an account
//! (docs/accounts.md, "Device cookies"), so an unknown address gets exactly the answers and
//! counters a known one gets; a browser with a device cookie counts against its own counter
//! ([`super::guard`]). A signed-in session proving the passphrase again (to change a credential)
//! counts against the session.

use coffer_shared::crypto::server::address_key;

use super::attempts::Throttled;
use super::guard::Guard;
use super::trusted_device::DeviceId;
use crate::state::AppState;
use crate::store::StoreError;

/// The outcome of a passphrase try that was not throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassphraseCheck {
    /// Right: the counter it was checked against starts again.
    Right,
    /// Wrong, and counted; `tries_left` before the throttle starts (0: it just started).
    Wrong {
        /// Wrong tries left.
        tries_left: u32,
    },
}

/// The counters of sign-in passphrase tries on `email` (normalised) from `device`.
pub fn signin_guard(state: &AppState, email: &str, device: Option<&DeviceId>) -> Guard {
    let key = address_key(state.server_secret.key(), email);
    let subject: String = key.iter().map(|byte| format!("{byte:02x}")).collect();
    Guard::new("passphrase", &subject, device)
}

/// The counters of passphrase proofs made by the signed-in session `session_id`.
pub fn session_guard(session_id: &str) -> Guard {
    Guard::new("passphrase-session", session_id, None)
}

/// Counts a try that was `right` or not against `guard`'s counters, refusing it instead while
/// they are throttled. `right` is decided before (a constant-time comparison); whether it is
/// accepted is decided here, inside the transaction that counts.
pub async fn check(
    state: &AppState,
    guard: Guard,
    right: bool,
    now: u64,
) -> Result<Result<PassphraseCheck, Throttled>, StoreError> {
    let purposes = guard.purposes();
    state
        .store
        .with_throttles(purposes, None, now, move |states, _| {
            let outcome = guard.counter(states, now).map(|counter| {
                if right {
                    counter.record_success();
                    PassphraseCheck::Right
                } else {
                    PassphraseCheck::Wrong { tries_left: counter.record_wrong(now) }
                }
            });
            (outcome, false)
        })
        .await
}
