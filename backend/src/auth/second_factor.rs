//! The second factor of a sign-in: the e-mailed 8-digit code, or the authenticator's 6-digit
//! RFC 6238 code whose time step was never used before, or one of the account's unused recovery
//! codes. The throttle's check, the use of the code and the count of a wrong try happen in one
//! transaction, so concurrent guesses cannot race past the limit. Wrong tries count against the
//! browser's device counter or the account's untrusted clients' ([`super::guard`]).

use coffer_shared::crypto::server::code_mac;
use coffer_shared::crypto::totp::{self, CodeMatch, TotpSecret};
use coffer_shared::id::AccountId;
use subtle::ConstantTimeEq;

use super::attempts::{Attempts, CodeCheck};
use super::guard::Guard;
use super::trusted_device::DeviceId;
use crate::audit::event::Factor;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store::{Account, Totp};

/// `recovery:<id>`: the purpose under which an account's recovery codes are hashed.
pub fn recovery_purpose(id: &AccountId) -> String {
    format!("recovery:{id}")
}

/// `signin:<id>`: the account's e-mailed sign-in code and the codes mailed lately.
pub fn code_purpose(id: &AccountId) -> String {
    format!("signin:{id}")
}

/// The counters of second-factor tries on the account `id` from `device`.
pub fn guard(id: &AccountId, device: Option<&DeviceId>) -> Guard {
    Guard::new("factor", id.as_str(), device)
}

/// Which factor a tidied code is taken as: the authenticator's for its 6 digits, a recovery
/// code otherwise (the same rule [`check_authenticator`] applies).
pub fn factor_of(code: &str) -> Factor {
    if code.len() == totp::DIGITS as usize { Factor::Authenticator } else { Factor::Recovery }
}

/// Uses up `code` (tidied) if it is a valid authenticator code or an unused recovery code.
fn use_code(enrolled: &mut Totp, code: &str, recovery_mac: &[u8; 32], now: u64) -> CodeMatch {
    if code.len() == totp::DIGITS as usize {
        let secret = TotpSecret::from_bytes(enrolled.secret);
        let matched = totp::check(&secret, now, code, enrolled.last_step);
        if let CodeMatch::Fresh(step) = matched {
            enrolled.last_step = Some(step);
        }
        return matched;
    }
    let before = enrolled.recovery.len();
    enrolled.recovery.retain(|stored| !bool::from(stored.ct_eq(recovery_mac)));
    if enrolled.recovery.len() < before { CodeMatch::Fresh(0) } else { CodeMatch::Wrong }
}

/// Checks an authenticator or recovery code for the account `id`, counting a wrong one.
pub async fn check_authenticator(
    state: &AppState,
    id: &AccountId,
    device: Option<&DeviceId>,
    code: &str,
    now: u64,
) -> Result<CodeCheck, ApiError> {
    let recovery_mac = code_mac(state.server_secret.key(), &recovery_purpose(id), code);
    let code = code.to_owned();
    let guard = guard(id, device);
    let purposes = guard.purposes();
    let checked = state
        .store
        .with_throttles(purposes, Some(id.clone()), now, move |states, account| {
            let counter = match guard.counter(states, now) {
                Ok(counter) => counter,
                Err(throttled) => return (Err(throttled), false),
            };
            let matched = match account.and_then(|account: &mut Account| account.totp.as_mut()) {
                Some(enrolled) => use_code(enrolled, &code, &recovery_mac, now),
                None => CodeMatch::Wrong,
            };
            let check = count(counter, matched, now);
            (Ok(check), check == CodeCheck::Accepted)
        })
        .await?;
    Ok(checked?)
}

/// Checks an e-mailed sign-in code (tidied, 8 digits) for the account `id`, counting a wrong
/// one; a right one is used up.
pub async fn check_email(
    state: &AppState,
    id: &AccountId,
    device: Option<&DeviceId>,
    code: &str,
    now: u64,
) -> Result<CodeCheck, ApiError> {
    let mac = code_mac(state.server_secret.key(), &code_purpose(id), code);
    let guard = guard(id, device);
    // The code's own state first, then the counters.
    let purposes: Vec<String> = [code_purpose(id)].into_iter().chain(guard.purposes()).collect();
    let checked = state
        .store
        .with_throttles(purposes, None, now, move |states, _| {
            let (code_state, counters) = states.split_at_mut(1);
            let counter = match guard.counter(counters, now) {
                Ok(counter) => counter,
                Err(throttled) => return (Err(throttled), false),
            };
            let check = match code_state[0].take_code(now, &mac) {
                None => CodeCheck::Expired,
                Some(true) => count(counter, CodeMatch::Fresh(0), now),
                Some(false) => count(counter, CodeMatch::Wrong, now),
            };
            (Ok(check), false)
        })
        .await?;
    Ok(checked?)
}

/// Counts a code's outcome on `counter`: a right code clears it, a wrong one is counted, a used
/// authenticator code is neither.
fn count(counter: &mut Attempts, matched: CodeMatch, now: u64) -> CodeCheck {
    match matched {
        CodeMatch::Fresh(_) => {
            counter.record_success();
            CodeCheck::Accepted
        }
        CodeMatch::Used => CodeCheck::Used,
        CodeMatch::Wrong => CodeCheck::Wrong { tries_left: counter.record_wrong(now) },
    }
}
