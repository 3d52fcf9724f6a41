//! Pre-login, which tells a browser the KDF inputs of an address.
//!
//! An address without an account gets a deterministic stand-in of the same shape, version 2 with
//! the default parameters (docs/accounts.md, "Pre-login"), so the answer does not reveal whether
//! an account exists (unless the account's parameters differ from the defaults, or it is still
//! on version 1).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{PreloginRequest, PreloginResponse};
use coffer_shared::crypto::server::{fake_prelogin, normalize_email};

use crate::auth::email;
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::state::AppState;

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new().route(route::PRELOGIN, post(prelogin))
}

#[tracing::instrument(name = "prelogin", skip_all)]
async fn prelogin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<PreloginRequest>,
) -> Result<Json<PreloginResponse>, ApiError> {
    state.claim_limiter.check(ip).await?;
    let email = normalize_email(&request.email);
    email::validate(&email)?;
    // Computed for every address, known or not, so both answers cost the same HMAC.
    let fake = fake_prelogin(state.server_secret.key(), &email);
    let kdf = match state.store.account_kdf(email).await? {
        Some(account) => account.kdf,
        None => fake,
    };
    Ok(Json(PreloginResponse::of(&kdf)))
}
