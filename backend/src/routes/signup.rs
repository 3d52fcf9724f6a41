//! Sign-up (docs/api.md, "Sign-up"): prove the address with an e-mailed code, then create the
//! account from keys made in the browser and start its first session.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    CODE_LIFETIME, CodeSent, EmailRequest, ErrorCode, Notifications, SignupRequest, SignupVerified,
    SignupVerifyRequest,
};
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::server::{code_mac, normalize_email, token_hash};
use coffer_shared::token::SignupToken;

use crate::audit::Audit;
use crate::audit::event::{Event, Factor, Purpose, Via};
use crate::auth::keys::Versions;
use crate::auth::throttle::{code_result, mailbox, send};
use crate::auth::{codes, device, email, issue, keys};
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::token;
use crate::mail::templates;
use crate::notify::country_of;
use crate::state::AppState;
use crate::store::{Account, CreateRefused, Pending, SeenSignins};

/// Seconds a proven address may take to choose its passphrase.
const SIGNUP_TOKEN_LIFETIME: u64 = 1800;

/// The sign-up routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::SIGNUP_CODE, post(send_code))
        .route(route::SIGNUP_VERIFY, post(verify))
        .route(route::SIGNUP, post(signup))
}

fn purpose(email: &str) -> String {
    format!("signup:{email}")
}

/// Mails a code, or to an address with an account a "you have one" note; same answer for both.
#[tracing::instrument(name = "signup_code", skip_all)]
async fn send_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    ApiJson(request): ApiJson<EmailRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    state.auth_limiter.check(ip).await?;
    let email = normalize_email(&request.email);
    email::validate(&email)?;
    let to = mailbox(&email)?;
    let now = state.clock.now();
    let owner = state.store.account_by_email(email.clone()).await?.map(|account| account.account_id);
    let registered = owner.is_some();
    // A code is stored (and throttled) either way, so both cases take the same path; for a
    // registered address nobody ever sees it.
    let code = codes::email_code();
    let mac = code_mac(state.server_secret.key(), &purpose(&email), &code);
    state.store.with_attempts(purpose(&email), now, move |attempts| attempts.issue(now, mac)).await??;
    let message = if registered {
        templates::already_registered(to, &state.settings.base_url())
    } else {
        templates::signup_code(to, &code)
    };
    send(&state, message).await?;
    // An address with an account learns that someone tried to sign up with it.
    audit.record_for(owner, [Event::CodeSent { purpose: Purpose::Signup }]).await?;
    Ok((StatusCode::ACCEPTED, Json(CodeSent { expires_in: CODE_LIFETIME })))
}

/// Checks the code; a right one gets a single-use sign-up token.
#[tracing::instrument(name = "signup_verify", skip_all)]
async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    ApiJson(request): ApiJson<SignupVerifyRequest>,
) -> Result<Json<SignupVerified>, ApiError> {
    state.auth_limiter.check(ip).await?;
    let email = normalize_email(&request.email);
    email::validate(&email)?;
    let code = codes::tidy(&request.code);
    if !codes::is_email_code(&code) {
        return Err(ApiError::invalid(ErrorCode::InvalidCode, "code: must be the 8 digits from the e-mail")
            .with_field("code"));
    }
    let now = state.clock.now();
    let mac = code_mac(state.server_secret.key(), &purpose(&email), &code);
    let check = state.store.with_attempts(purpose(&email), now, move |a| a.check_code(now, &mac)).await??;
    audit.record(Event::code_check(Purpose::Signup, Factor::Email, check)).await?;
    code_result(check)?;
    let token = Key32::random();
    let pending = Pending::Signup { email, expires_at: now + SIGNUP_TOKEN_LIFETIME };
    state.store.insert_pending(token_hash(token.expose()), pending).await?;
    Ok(Json(SignupVerified {
        signup_token: SignupToken::from_key(&token),
        expires_in: SIGNUP_TOKEN_LIFETIME,
    }))
}

/// Creates the account and its first session.
#[tracing::instrument(name = "signup", skip_all)]
async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    audit: Audit,
    ApiJson(request): ApiJson<SignupRequest>,
) -> Result<Response, ApiError> {
    state.auth_limiter.check(ip).await?;
    let signup_hash = *token::hash("signup_token", &request.signup_token)?.as_bytes();
    let versions = if state.settings.test_accept_v1_kdf { Versions::AlsoV1 } else { Versions::Current };
    let credentials = keys::credentials_of(state.server_secret.key(), &request.keys, versions)?;
    let public_key = keys::public_key(&request.public_key)?;
    let now = state.clock.now();
    let Some(Pending::Signup { email, .. }) = state.store.pending(signup_hash, now).await? else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::SignupExpired,
            "This sign-up has expired or was finished. Start again with a new code.",
        ));
    };
    let account = Account {
        account_id: request.account_id,
        email,
        credentials,
        public_key,
        created_at: now,
        totp: None,
        totp_pending: None,
        notifications: Notifications::default(),
        last_digest_at: None,
        seen: None,
        device_epoch: 0,
    };
    let started = issue::start(&state, account.account_id.clone(), ip, &headers, now);
    // The sign-up's own device and country count as seen: its first sign-in does not alert.
    let record = &started.session.record;
    let seen = SeenSignins::first(
        &device::describe(&record.user_agent),
        country_of(record.place.as_deref()).as_deref(),
    );
    let account = Account { seen: Some(seen), ..account };
    match state.store.create_account(signup_hash, account.clone(), started.session.clone()).await? {
        Ok(()) => {}
        Err(CreateRefused::EmailTaken) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::EmailTaken,
                "This address already has an account.",
            ));
        }
        Err(CreateRefused::IdTaken) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::IdTaken,
                "This account id is taken; make a new one.",
            ));
        }
    }
    audit.signed_in(&account.account_id, &started.session.record.session_id);
    audit.record_all([Event::SignedUp, Event::SessionCreated { via: Via::Signup }]).await?;
    Ok(issue::respond(StatusCode::CREATED, &state, &account, &started))
}
