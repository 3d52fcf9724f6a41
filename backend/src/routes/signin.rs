//! Sign-in (docs/api.md, "Sign-in"): the passphrase proof, then a second factor (an e-mailed
//! code, or the authenticator's code or a recovery code), then a new session and a "new
//! sign-in" e-mail with a link that ends it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    CODE_LIFETIME, CodeSent, ErrorCode, SecondFactor, SigninChallenge, SigninRequest, SigninResendRequest,
    SigninVerifyRequest,
};
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::server::{code_mac, normalize_email, token_hash, verify_auth_proof};
use coffer_shared::token::SigninToken;

use crate::audit::Audit;
use crate::audit::event::{Event, Factor, Purpose, SigninFailure, Via};
use crate::auth::attempts::CodeCheck;
use crate::auth::passphrase::{self, PassphraseCheck};
use crate::auth::throttle::{code_result, mailbox, send};
use crate::auth::{codes, device, email, issue, second_factor, trusted_device};
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::token;
use crate::mail::templates::{self, SigninPlace};
use crate::notify::country_of;
use crate::state::AppState;
use crate::store::{Account, Novelty, Pending};

/// Seconds between a right passphrase and the second factor.
const SIGNIN_LIFETIME: u64 = CODE_LIFETIME;

/// The sign-in routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::SIGNIN, post(signin))
        .route(route::SIGNIN_VERIFY, post(verify))
        .route(route::SIGNIN_RESEND, post(resend))
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        "The address or the passphrase is wrong.",
    )
}

fn signin_expired() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::SigninExpired,
        "This sign-in has expired or was finished. Start again.",
    )
}

/// Checks the passphrase proof; a right one opens a sign-in attempt and, for e-mail, mails a code.
///
/// An unknown address takes the same path: one verifier computation and comparison, one
/// counted try against the address's counters, the same answers (docs/accounts.md, "Device
/// cookies").
#[tracing::instrument(name = "signin", skip_all)]
async fn signin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    audit: Audit,
    ApiJson(request): ApiJson<SigninRequest>,
) -> Result<Json<SigninChallenge>, ApiError> {
    state.auth_limiter.check(ip).await?;
    let email = normalize_email(&request.email);
    email::validate(&email)?;
    let proof = token::key("auth_proof", &request.auth_proof)?;
    let now = state.clock.now();
    let secret = state.server_secret.key();
    let account = state.store.account_by_email(email.clone()).await?;
    // Only a known account has devices; an unknown address is tried as an untrusted client is.
    let device = account.as_ref().and_then(|account| trusted_device::find(&headers, secret, account));
    let guard = passphrase::signin_guard(&state, &email, device.as_ref());
    // For an unknown address the comparison is made against a verifier nothing matches.
    let verifier = account.as_ref().map_or([0; 32], |account| account.credentials.verifier);
    let right = verify_auth_proof(secret, &proof, &verifier) && account.is_some();
    if let Some(account) = &account {
        audit.identify(&account.account_id);
    }
    let checked = passphrase::check(&state, guard, right, now).await?;
    let account = match (checked, account) {
        (Err(throttled), _) => {
            audit.record(Event::SigninFailed(SigninFailure::Throttled)).await?;
            return Err(ApiError::from(throttled));
        }
        (Ok(PassphraseCheck::Right), Some(account)) => account,
        (Ok(PassphraseCheck::Wrong { tries_left }), Some(_)) => {
            audit.record(Event::SigninFailed(SigninFailure::WrongPassphrase { tries_left })).await?;
            return Err(invalid_credentials());
        }
        (Ok(_), None) => {
            audit.record(Event::SigninFailed(SigninFailure::UnknownAddress)).await?;
            return Err(invalid_credentials());
        }
    };
    let second_factor = if account.totp.is_some() {
        SecondFactor::Totp
    } else {
        mail_code(&state, &audit, &account, now, true).await?;
        SecondFactor::Email
    };
    let token = Key32::random();
    let pending = Pending::Signin {
        account_id: account.account_id.clone(),
        verifier: Some(account.credentials.verifier),
        expires_at: now + SIGNIN_LIFETIME,
    };
    state.store.insert_pending(token_hash(token.expose()), pending).await?;
    let signin_token = SigninToken::from_key(&token);
    Ok(Json(SigninChallenge { signin_token, second_factor, expires_in: SIGNIN_LIFETIME }))
}

/// Stores and mails a new sign-in code (throttled like every code). With `reuse`, a code mailed
/// moments ago and still live is kept instead (a sign-in started again within the resend gap).
async fn mail_code(
    state: &AppState,
    audit: &Audit,
    account: &Account,
    now: u64,
    reuse: bool,
) -> Result<(), ApiError> {
    let purpose = second_factor::code_purpose(&account.account_id);
    let code = codes::email_code();
    let mac = code_mac(state.server_secret.key(), &purpose, &code);
    let issued = state
        .store
        .with_attempts(purpose, now, move |attempts| match attempts.issue(now, mac) {
            Ok(()) => Ok(true),
            Err(_) if reuse && attempts.has_live_code(now) => Ok(false),
            Err(throttled) => Err(throttled),
        })
        .await??;
    if !issued {
        return Ok(());
    }
    send(state, templates::signin_code(mailbox(&account.email)?, &code)).await?;
    audit.record(Event::CodeSent { purpose: Purpose::Signin }).await
}

/// The open sign-in attempt named by `token`, and its account.
async fn attempt(state: &AppState, token: &SigninToken, now: u64) -> Result<([u8; 32], Account), ApiError> {
    let hash = *token::hash("signin_token", token)?.as_bytes();
    let Some(Pending::Signin { account_id, verifier, .. }) = state.store.pending(hash, now).await? else {
        return Err(signin_expired());
    };
    let account = state.store.account(account_id).await?.ok_or_else(signin_expired)?;
    // A passphrase change since the passphrase was checked voids the sign-in.
    if verifier != Some(account.credentials.verifier) {
        return Err(signin_expired());
    }
    Ok((hash, account))
}

/// Checks the second factor; a right one starts the session.
#[tracing::instrument(name = "signin_verify", skip_all)]
async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    audit: Audit,
    ApiJson(request): ApiJson<SigninVerifyRequest>,
) -> Result<Response, ApiError> {
    state.auth_limiter.check(ip).await?;
    let now = state.clock.now();
    let (hash, account) = attempt(&state, &request.signin_token, now).await?;
    let id = account.account_id.clone();
    audit.identify(&id);
    let code = codes::tidy(&request.code);
    let device = trusted_device::find(&headers, state.server_secret.key(), &account);
    let (check, factor) = if account.totp.is_some() {
        let factor = second_factor::factor_of(&code);
        (second_factor::check_authenticator(&state, &id, device.as_ref(), &code, now).await?, factor)
    } else {
        if !codes::is_email_code(&code) {
            return Err(ApiError::invalid(
                ErrorCode::InvalidCode,
                "code: must be the 8 digits from the e-mail",
            )
            .with_field("code"));
        }
        (second_factor::check_email(&state, &id, device.as_ref(), &code, now).await?, Factor::Email)
    };
    if check != CodeCheck::Accepted {
        audit.record(Event::code_check(Purpose::Signin, factor, check)).await?;
    }
    code_result(check)?;
    let started = issue::start(&state, id, ip, &headers, now);
    if !state.store.complete_signin(hash, started.session.clone()).await? {
        return Err(signin_expired());
    }
    audit.signed_in(&account.account_id, &started.session.record.session_id);
    audit
        .record_all([
            Event::code_check(Purpose::Signin, factor, check),
            Event::SigninSucceeded { factor },
            Event::SessionCreated { via: Via::Signin },
        ])
        .await?;
    notify(&state, &account, &started, now).await;
    Ok(issue::respond(StatusCode::OK, &state, &account, &started))
}

/// Notes the sign-in's device and country and mails "new sign-in" with the session's end link,
/// as the new-device or new-country alert when one of them is new (docs/mail.md). A failure is
/// logged, not fatal: the session is already made and the sessions page lists it.
async fn notify(state: &AppState, account: &Account, started: &issue::Started, now: u64) {
    let record = &started.session.record;
    let link = format!("{}/session/end#{}", state.settings.base_url(), started.end_link.to_b64());
    let when = templates::utc_text(now);
    let device = device::describe(&record.user_agent);
    let country = country_of(record.place.as_deref());
    let novelty =
        match state.store.note_signin(account.account_id.clone(), device.clone(), country.clone()).await {
            Ok(novelty) => novelty,
            Err(error) => {
                tracing::error!(event = "signin_note_failed", %error);
                Novelty::default()
            }
        };
    let at = SigninPlace { device: &device, ip: &record.ip, place: record.place.as_deref(), when: &when };
    let Ok(to) = mailbox(&account.email) else { return };
    let message = templates::new_signin(to, &at, novelty, country.as_deref(), &link);
    if let Err(error) = state.mailer.send(message).await {
        tracing::error!(event = "mail_failed", %error);
    }
}

/// Mails a new code for an open sign-in attempt (e-mail factor only).
#[tracing::instrument(name = "signin_resend", skip_all)]
async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    ApiJson(request): ApiJson<SigninResendRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    state.auth_limiter.check(ip).await?;
    let now = state.clock.now();
    let (_, account) = attempt(&state, &request.signin_token, now).await?;
    audit.identify(&account.account_id);
    if account.totp.is_some() {
        return Err(ApiError::invalid(
            ErrorCode::NoEmailCode,
            "This account signs in with an authenticator code.",
        ));
    }
    mail_code(&state, &audit, &account, now, false).await?;
    Ok((StatusCode::ACCEPTED, Json(CodeSent { expires_in: CODE_LIFETIME })))
}
