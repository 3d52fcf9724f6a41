//! The signed-in session and the account's sessions (docs/api.md, "Sessions"): read it, sign
//! out, list every session, end one, end all others, and end one from an e-mailed link.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    EndByLinkRequest, ErrorCode, SessionInfo, SessionList, SessionSummary, SessionsEnded,
};
use coffer_shared::id::marker::Session;

use crate::audit::Audit;
use crate::audit::event::{EndedBy, Event};
use crate::auth::session::SignedIn;
use crate::auth::{cookie, issue, trusted_device};
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::id_path::IdPath;
use crate::http::json::ApiJson;
use crate::http::token;
use crate::state::AppState;

/// The session routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::SESSION, get(current))
        .route(route::SESSION_SIGNOUT, post(signout))
        .route(route::SESSIONS, get(list))
        .route(route::SESSION_BY_ID, delete(end_one))
        .route(route::SESSIONS_END_OTHERS, post(end_others))
        .route(route::SESSIONS_END_BY_LINK, post(end_by_link))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is no such session.")
}

/// Who is signed in, with what the browser needs to unlock.
#[tracing::instrument(name = "session", skip_all)]
async fn current(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<SessionInfo>, ApiError> {
    let account =
        state.store.account(signed_in.account_id.clone()).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(Json(issue::info(&state, &account, &signed_in.token_hash, &signed_in.session)))
}

/// Ends this session, clears the cookie and mails the session's report (docs/mail.md).
#[tracing::instrument(name = "signout", skip_all)]
async fn signout(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
) -> Result<Response, ApiError> {
    state.store.end_session(signed_in.token_hash).await?;
    audit.record(Event::SignedOut).await?;
    // The preference as it is at sign-out; the report is mailed in the background, so signing
    // out does not wait on the SMTP relay.
    let account = state.store.account(signed_in.account_id).await?;
    if let Some(account) = account.filter(|account| account.notifications.signout_report) {
        tokio::spawn(crate::notify::signout::send(
            state.clone(),
            account,
            signed_in.session,
            state.clock.now(),
        ));
    }
    Ok(([(header::SET_COOKIE, cookie::clear())], StatusCode::NO_CONTENT).into_response())
}

/// Every live session of the account, newest first.
#[tracing::instrument(name = "sessions", skip_all)]
async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<SessionList>, ApiError> {
    let settings = &state.settings;
    let now = state.clock.now();
    let records = state
        .store
        .account_sessions(signed_in.account_id.clone(), now, settings.session_idle, settings.session_max)
        .await?;
    let sessions = records
        .into_iter()
        .map(|record| SessionSummary {
            current: record.session_id == signed_in.session.session_id,
            id: record.session_id,
            created_at: record.created_at,
            last_seen_at: record.last_seen_at,
            ip: record.ip,
            user_agent: record.user_agent,
            place: record.place,
        })
        .collect();
    Ok(Json(SessionList { sessions }))
}

/// Ends one of the account's sessions (this one included).
#[tracing::instrument(name = "end_session", skip_all)]
async fn end_one(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): IdPath<Session>,
) -> Result<StatusCode, ApiError> {
    if !state.store.end_session_by_id(signed_in.account_id, id.as_str().to_owned()).await? {
        return Err(not_found());
    }
    audit.record(Event::SessionEnded { ended: id, by: EndedBy::Account }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the account but this one, and retires every device cookie but the one
/// this answer hands out: a browser that ended the others is the one the owner trusts.
#[tracing::instrument(name = "end_other_sessions", skip_all)]
async fn end_others(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
) -> Result<Response, ApiError> {
    let id = signed_in.account_id.clone();
    let ended = state.store.end_other_sessions(id.clone(), signed_in.session.session_id).await?;
    let count = u32::try_from(ended.len()).unwrap_or(u32::MAX);
    audit.record_all(ended_events(ended, EndedBy::Account)?).await?;
    let account = state
        .store
        .with_account(id, |account| {
            account.retire_devices();
            (account.clone(), true)
        })
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok((trusted_device::renewed(&state, &account), Json(SessionsEnded { ended: count })).into_response())
}

/// Ends the session named by the link of a "new sign-in" e-mail; needs no session.
#[tracing::instrument(name = "end_session_by_link", skip_all)]
async fn end_by_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    ApiJson(request): ApiJson<EndByLinkRequest>,
) -> Result<StatusCode, ApiError> {
    state.auth_limiter.check(ip).await?;
    let hash = token::hash("token", &request.token)?;
    let Some(ended) = state.store.end_session_by_link(*hash.as_bytes()).await? else {
        return Err(not_found());
    };
    let events = ended_events(vec![ended.session_id], EndedBy::EmailLink)?;
    audit.record_for(Some(ended.account_id), events).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `session_ended` for each of `ended` (session ids as the store keeps them).
pub(crate) fn ended_events(ended: Vec<String>, by: EndedBy) -> Result<Vec<Event>, ApiError> {
    ended
        .into_iter()
        .map(|id| {
            let ended = id.parse().map_err(|_| ApiError::Internal(format!("stored session id {id}")))?;
            Ok(Event::SessionEnded { ended, by })
        })
        .collect()
}
