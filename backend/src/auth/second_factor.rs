//! The authenticator as a second factor: a 6-digit RFC 6238 code whose time step was never used
//! before, or one of the account's unused recovery codes. Wrong tries count against the account
//! like wrong e-mail codes (`signin:<id>`), with the same throttle.

use coffer_shared::crypto::server::code_mac;
use coffer_shared::crypto::totp::{self, TotpSecret};
use coffer_shared::id::AccountId;
use subtle::ConstantTimeEq;

use super::attempts::CodeCheck;
use crate::audit::event::Factor;
use crate::http::error::ApiError;
use crate::routes::signin::code_purpose;
use crate::state::AppState;
use crate::store::Totp;

/// `recovery:<id>`: the purpose under which an account's recovery codes are hashed.
pub fn recovery_purpose(id: &AccountId) -> String {
    format!("recovery:{id}")
}

/// Which factor a tidied code is taken as: the authenticator's for its 6 digits, a recovery
/// code otherwise (the same rule [`check_authenticator`] applies).
pub fn factor_of(code: &str) -> Factor {
    if code.len() == totp::DIGITS as usize { Factor::Authenticator } else { Factor::Recovery }
}

/// Uses up `code` (tidied) if it is a valid authenticator code or an unused recovery code.
fn use_code(enrolled: &mut Totp, code: &str, recovery_mac: &[u8; 32], now: u64) -> bool {
    if code.len() == totp::DIGITS as usize {
        let secret = TotpSecret::from_bytes(enrolled.secret);
        return match totp::verify(&secret, now, code, enrolled.last_step) {
            Some(step) => {
                enrolled.last_step = Some(step);
                true
            }
            None => false,
        };
    }
    let before = enrolled.recovery.len();
    enrolled.recovery.retain(|stored| !bool::from(stored.ct_eq(recovery_mac)));
    enrolled.recovery.len() < before
}

/// Checks an authenticator or recovery code for the account `id`, counting a wrong one.
pub async fn check_authenticator(
    state: &AppState,
    id: &AccountId,
    code: &str,
    now: u64,
) -> Result<CodeCheck, ApiError> {
    let purpose = code_purpose(id);
    state.store.with_attempts(purpose.clone(), now, move |attempts| attempts.check_open(now)).await??;
    let recovery_mac = code_mac(state.server_secret.key(), &recovery_purpose(id), code);
    let code = code.to_owned();
    let used = state
        .store
        .with_account(id.clone(), move |account| match account.totp.as_mut() {
            Some(enrolled) => {
                let used = use_code(enrolled, &code, &recovery_mac, now);
                (used, used)
            }
            None => (false, false),
        })
        .await?
        .unwrap_or(false);
    let check = state
        .store
        .with_attempts(purpose, now, move |attempts| {
            if used {
                attempts.record_success();
                CodeCheck::Accepted
            } else {
                CodeCheck::Wrong { tries_left: attempts.record_wrong(now) }
            }
        })
        .await?;
    Ok(check)
}
