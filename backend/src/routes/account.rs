//! The signed-in account (docs/api.md, "Authenticator" and "Account"): enrol, replace or remove
//! an authenticator, make new recovery codes, change the passphrase, delete the account. Every
//! change that adds, weakens or replaces a credential asks for the passphrase proof again, so a
//! stolen session alone cannot take the account over; each is also an always-on alert by mail
//! (`crate::notify::alerts`).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ChangePassphraseRequest, ErrorCode, Notifications, ProofRequest, RecoveryCodes, TotpConfirmRequest,
    TotpSetup,
};
use coffer_shared::crypto::server::{code_mac, verify_auth_proof};
use coffer_shared::crypto::totp::{self, TotpSecret};
use coffer_shared::id::AccountId;
use coffer_shared::token::AuthProof;

use crate::audit::Audit;
use crate::audit::event::{EndedBy, Event};
use crate::auth::passphrase::{self, PassphraseCheck};
use crate::auth::second_factor::recovery_purpose;
use crate::auth::session::SignedIn;
use crate::auth::{codes, cookie, keys, trusted_device};
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::token;
use crate::routes::sessions::ended_events;
use crate::state::AppState;
use crate::store::{Account, Totp};

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::TOTP_SETUP, post(totp_setup))
        .route(route::TOTP_CONFIRM, post(totp_confirm))
        .route(route::TOTP_DISABLE, post(totp_disable))
        .route(route::TOTP_RECOVERY_CODES, post(new_recovery_codes))
        .route(route::PASSPHRASE, post(change_passphrase))
        .route(route::ACCOUNT_DELETE, post(delete_account))
        .route(route::NOTIFICATIONS, put(set_notifications))
}

fn no_authenticator() -> ApiError {
    ApiError::invalid(
        ErrorCode::NoAuthenticator,
        "This account has no authenticator, so it has no recovery codes.",
    )
}

fn wrong_passphrase() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, ErrorCode::WrongPassphrase, "The passphrase is wrong.")
}

/// The signed-in account, after checking `auth_proof` against it. Wrong proofs are counted
/// against the session in the same transaction as the check (5, then 15 minutes of refusal), so
/// a stolen session cannot guess the passphrase online, and a stranger's tries elsewhere never
/// stop the owner's session.
async fn proven(state: &AppState, signed_in: &SignedIn, auth_proof: &AuthProof) -> Result<Account, ApiError> {
    let proof = token::key("auth_proof", auth_proof)?;
    let account =
        state.store.account(signed_in.account_id.clone()).await?.ok_or(ApiError::Unauthenticated)?;
    let right = verify_auth_proof(state.server_secret.key(), &proof, &account.credentials.verifier);
    let guard = passphrase::session_guard(&signed_in.session.session_id);
    match passphrase::check(state, guard, right, state.clock.now()).await? {
        Ok(PassphraseCheck::Right) => Ok(account),
        Ok(PassphraseCheck::Wrong { .. }) => Err(wrong_passphrase()),
        Err(throttled) => Err(ApiError::from(throttled)),
    }
}

/// A new set of recovery codes, and the keyed hashes the account keeps of them.
fn fresh_recovery_codes(state: &AppState, id: &AccountId) -> (Vec<String>, Vec<[u8; 32]>) {
    let recovery = codes::recovery_codes();
    let purpose = recovery_purpose(id);
    let hashes = recovery
        .iter()
        .map(|code| code_mac(state.server_secret.key(), &purpose, &codes::tidy(code)))
        .collect();
    (recovery, hashes)
}

/// Makes a pending authenticator secret (replacing an unconfirmed one). It changes no credential:
/// an enrolled authenticator keeps working until the new one is confirmed, with the passphrase.
#[tracing::instrument(name = "totp_setup", skip_all)]
async fn totp_setup(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<TotpSetup>, ApiError> {
    let secret = TotpSecret::random();
    let bytes = *secret.as_bytes();
    let email = state
        .store
        .with_account(signed_in.account_id, move |account| {
            account.totp_pending = Some(bytes);
            (account.email.clone(), true)
        })
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(Json(TotpSetup {
        secret: secret.to_base32(),
        otpauth_uri: totp::otpauth_uri(&secret, "Coffer", &email),
    }))
}

/// After the passphrase proof, enables the pending authenticator if `code` is right (replacing an
/// enrolled one); returns fresh recovery codes. A wrong code is not counted: only the holder of
/// the passphrase gets this far.
#[tracing::instrument(name = "totp_confirm", skip_all)]
async fn totp_confirm(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<TotpConfirmRequest>,
) -> Result<Response, ApiError> {
    proven(&state, &signed_in, &request.auth_proof).await?;
    let now = state.clock.now();
    let code = codes::tidy(&request.code);
    let (recovery, hashes) = fresh_recovery_codes(&state, &signed_in.account_id);
    let enabled = state
        .store
        .with_account(signed_in.account_id, move |account| {
            let Some(pending) = account.totp_pending else { return (None, false) };
            let Some(step) = totp::verify(&TotpSecret::from_bytes(pending), now, &code, None) else {
                return (None, false);
            };
            let replaced = account.totp.is_some();
            account.totp = Some(Totp { secret: pending, last_step: Some(step), recovery: hashes });
            account.totp_pending = None;
            account.retire_devices();
            (Some((replaced, account.clone())), true)
        })
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let Some((replaced, account)) = enabled else {
        return Err(ApiError::invalid(
            ErrorCode::WrongCode,
            "That code does not match. Check that your phone sets its clock automatically, then type \
             the code it shows now.",
        ));
    };
    audit.record(Event::TotpEnrolled { replaced }).await?;
    Ok((trusted_device::renewed(&state, &account), Json(RecoveryCodes { codes: recovery })).into_response())
}

/// After the passphrase proof, replaces the enrolled authenticator's recovery codes with a new
/// set: the old ones stop working in the same transaction.
#[tracing::instrument(name = "new_recovery_codes", skip_all)]
async fn new_recovery_codes(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<ProofRequest>,
) -> Result<Response, ApiError> {
    proven(&state, &signed_in, &request.auth_proof).await?;
    let (recovery, hashes) = fresh_recovery_codes(&state, &signed_in.account_id);
    let renewed = state
        .store
        .with_account(signed_in.account_id, move |account| match account.totp.as_mut() {
            Some(enrolled) => {
                enrolled.recovery = hashes;
                account.retire_devices();
                (Some(account.clone()), true)
            }
            None => (None, false),
        })
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let Some(account) = renewed else {
        return Err(no_authenticator());
    };
    audit.record(Event::RecoveryCodesRenewed).await?;
    Ok((trusted_device::renewed(&state, &account), Json(RecoveryCodes { codes: recovery })).into_response())
}

/// Turns the authenticator off (sign-in goes back to e-mailed codes).
#[tracing::instrument(name = "totp_disable", skip_all)]
async fn totp_disable(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<ProofRequest>,
) -> Result<Response, ApiError> {
    proven(&state, &signed_in, &request.auth_proof).await?;
    let account = state
        .store
        .with_account(signed_in.account_id, |account| {
            account.totp = None;
            account.totp_pending = None;
            account.retire_devices();
            (account.clone(), true)
        })
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    audit.record(Event::TotpRemoved).await?;
    Ok((trusted_device::renewed(&state, &account), StatusCode::NO_CONTENT).into_response())
}

/// Stores re-wrapped keys under a new passphrase; every other session ends.
#[tracing::instrument(name = "change_passphrase", skip_all)]
async fn change_passphrase(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<ChangePassphraseRequest>,
) -> Result<Response, ApiError> {
    let credentials = keys::credentials(state.server_secret.key(), &request.keys)?;
    let before = proven(&state, &signed_in, &request.auth_proof).await?;
    // A version-1 account moving to version 2 is, from here, a passphrase change like any other;
    // its alert says it may have been the browser's automatic upgrade.
    let kdf_upgraded = before.credentials.version < credentials.version;
    let id = signed_in.account_id.clone();
    let proven_verifier = before.credentials.verifier;
    let keep = signed_in.session.session_id;
    // Another change since the proof was checked made it a proof of a passphrase no longer held.
    let ended = state
        .store
        .change_credentials(id.clone(), proven_verifier, credentials, keep)
        .await?
        .ok_or_else(wrong_passphrase)?;
    let sessions_ended = u32::try_from(ended.len()).unwrap_or(u32::MAX);
    let mut events = vec![Event::PassphraseChanged { sessions_ended, kdf_upgraded }];
    events.extend(ended_events(ended, EndedBy::PassphraseChange)?);
    audit.record_all(events).await?;
    let account = state.store.account(id).await?.ok_or(ApiError::Unauthenticated)?;
    Ok((trusted_device::renewed(&state, &account), StatusCode::NO_CONTENT).into_response())
}

/// Stores the account's mail preferences (docs/mail.md) and answers them as stored.
#[tracing::instrument(name = "set_notifications", skip_all)]
async fn set_notifications(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<Notifications>,
) -> Result<Json<Notifications>, ApiError> {
    let stored = state
        .store
        .set_notifications(signed_in.account_id, request)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let Notifications { signout_report, weekly_digest } = stored;
    audit.record(Event::NotificationsChanged { signout_report, weekly_digest }).await?;
    Ok(Json(stored))
}

/// Deletes the account and everything it owns, and clears the cookie.
#[tracing::instrument(name = "delete_account", skip_all)]
async fn delete_account(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<ProofRequest>,
) -> Result<Response, ApiError> {
    proven(&state, &signed_in, &request.auth_proof).await?;
    state.store.delete_account(signed_in.account_id).await?;
    audit.record(Event::AccountDeleted).await?;
    crate::sweeper::purge_blobs(&state).await;
    Ok(([(header::SET_COOKIE, cookie::clear())], StatusCode::NO_CONTENT).into_response())
}
