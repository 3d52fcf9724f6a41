//! Starting a session once both factors (or a sign-up) are done: a fresh 256-bit token in the
//! cookie, its hash in the store, a single-use "end this session" link, and the [`SessionInfo`]
//! the browser needs to unlock the vault.

use std::net::IpAddr;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coffer_shared::api::{KdfInputs, SessionInfo};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::server::token_hash;
use coffer_shared::id::AccountId;

use super::{cookie, device, session, trusted_device};
use crate::state::AppState;
use crate::store::{Account, NewSession, SessionRecord};

/// A session made but not yet stored, with the two secrets only the browser and the e-mail see.
pub struct Started {
    /// What the store keeps.
    pub session: NewSession,
    /// The cookie's token.
    pub token: Key32,
    /// The token of the "end this session" link.
    pub end_link: Key32,
}

/// A new session for `account_id`, signed in from `ip` (and the place the server finds for it)
/// with the request's `User-Agent`.
pub fn start(state: &AppState, account_id: AccountId, ip: IpAddr, headers: &HeaderMap, now: u64) -> Started {
    let token = Key32::random();
    let end_link = Key32::random();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(device::clean)
        .unwrap_or_default();
    let record = SessionRecord {
        session_id: b64::encode(coffer_shared::crypto::random_array::<16>()),
        account_id,
        created_at: now,
        last_seen_at: now,
        ip: ip.to_string(),
        user_agent,
        place: state.places.place(ip),
        end_link_hash: token_hash(end_link.expose()),
    };
    Started { session: NewSession { token_hash: token_hash(token.expose()), record }, token, end_link }
}

/// What `GET /api/v1/session` and a finished sign-in tell the browser.
pub fn info(
    state: &AppState,
    account: &Account,
    token_hash: &[u8; 32],
    session: &SessionRecord,
) -> SessionInfo {
    let c = &account.credentials;
    SessionInfo {
        account_id: account.account_id.clone(),
        email: account.email.clone(),
        kdf: KdfInputs { version: c.version, kdf_salt: b64::encode(c.kdf_salt), m: c.m, t: c.t, p: c.p },
        wrapped_vault_key: b64::encode(&c.wrapped_vault_key),
        wrapped_identity_key: b64::encode(&c.wrapped_identity_key),
        public_key: b64::encode(account.public_key),
        csrf_token: session::csrf_of(state.server_secret.key(), token_hash),
        session_id: session.session_id.clone(),
        totp_enabled: account.totp.is_some(),
        idle_timeout: state.settings.session_idle,
        expires_at: session.created_at + state.settings.session_max,
        notifications: account.notifications,
    }
}

/// The answer to a finished sign-in or sign-up: `status`, the session cookie, a fresh device
/// cookie for the account's address (the browser has now signed in to it) and the session.
pub fn respond(status: StatusCode, state: &AppState, account: &Account, started: &Started) -> Response {
    let body = info(state, account, &started.session.token_hash, &started.session.record);
    let mut response = (status, Json(body)).into_response();
    let secret = state.server_secret.key();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, cookie::set(&started.token));
    headers.append(header::SET_COOKIE, trusted_device::issue(secret, account));
    response
}
