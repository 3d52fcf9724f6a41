//! [`SignedIn`]: the extractor that every account route takes. It finds the session from the
//! `__Host-coffer_session` cookie, refuses a missing or timed-out one with 401 `unauthenticated`,
//! and refuses a state-changing request without the session's CSRF token with 403 `csrf`.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::Method;
use axum::http::request::Parts;
use coffer_shared::api::CSRF_HEADER;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::server::{csrf_token, token_hash};
use coffer_shared::id::AccountId;
use coffer_shared::token::CsrfToken;

use super::cookie;
use crate::audit::record::NewEvent;
use crate::audit::{self, RequestScope};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store::{SessionLookup, SessionRecord};

/// The signed-in account making a request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub account_id: AccountId,
    /// SHA-256 of the session token.
    pub token_hash: [u8; 32],
    /// The stored session.
    pub session: SessionRecord,
}

impl SignedIn {
    /// The session's CSRF token.
    pub fn csrf_token(&self, state: &AppState) -> CsrfToken {
        csrf_of(state.server_secret.key(), &self.token_hash)
    }
}

/// The CSRF token of the session whose token hashes to `session_hash`.
pub fn csrf_of(server_secret: &Key32, session_hash: &[u8; 32]) -> CsrfToken {
    CsrfToken::from_bytes(&csrf_token(server_secret, session_hash))
}

/// Whether a method only reads (and so needs no CSRF token).
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What a request's cookie leads to.
enum Found {
    /// A live session.
    Live(SignedIn),
    /// A session that just expired, of this account.
    Expired(AccountId),
    /// No session.
    Nothing,
}

/// The live session of the request; `Err` only for a live session whose state-changing request
/// lacks its CSRF token.
async fn find(parts: &Parts, state: &AppState) -> Result<Found, ApiError> {
    let Some(token) = cookie::token(&parts.headers) else { return Ok(Found::Nothing) };
    let token_hash = token_hash(token.expose());
    let settings = &state.settings;
    let now = state.clock.now();
    let found = state.store.session(token_hash, now, settings.session_idle, settings.session_max).await?;
    let scope = RequestScope::of(parts).unwrap_or_default();
    let session = match found {
        SessionLookup::Live(session) => session,
        SessionLookup::Missing => return Ok(Found::Nothing),
        SessionLookup::Expired(session) => {
            // Recorded now: the sweeper will not see it again.
            let event = audit::system::session_expired(&session, now, settings.session_max);
            let account = Some(session.account_id.clone());
            let origin = scope.origin();
            let new = NewEvent::new(now, &event, account, Some(session.session_id.clone()), origin);
            state.audit.append(vec![new]).await?;
            return Ok(Found::Expired(session.account_id));
        }
    };
    scope.signed_in(&session.account_id, &session.session_id);
    if !is_safe(&parts.method) {
        let expected = csrf_of(state.server_secret.key(), &token_hash);
        let presented =
            parts.headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).map(CsrfToken::from_text);
        // Token equality is constant-time; base64url is canonical, so equal text is equal bytes.
        if presented.as_ref() != Some(&expected) {
            return Err(ApiError::Csrf);
        }
    }
    Ok(Found::Live(SignedIn { account_id: session.account_id.clone(), token_hash, session }))
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match find(parts, &AppState::from_ref(state)).await? {
            Found::Live(signed_in) => Ok(signed_in),
            Found::Expired(account) => {
                // The refusal is the expired session's account's to see.
                RequestScope::of(parts).unwrap_or_default().identify(&account);
                Err(ApiError::Unauthenticated)
            }
            Found::Nothing => Err(ApiError::Unauthenticated),
        }
    }
}

/// For routes open to everyone that do more for a signed-in account (a share gets an owner).
/// A dead session counts as none; a live one still needs its CSRF token.
impl<S> OptionalFromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, ApiError> {
        match find(parts, &AppState::from_ref(state)).await? {
            Found::Live(signed_in) => Ok(Some(signed_in)),
            // The request goes on anonymously: nothing it does is the expired session's.
            Found::Expired(_) | Found::Nothing => Ok(None),
        }
    }
}
