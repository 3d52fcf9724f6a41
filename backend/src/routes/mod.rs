//! The JSON API under `/api/v1`, one module per group of endpoints, each exposing `router()`.

pub mod account;
pub mod accounts;
pub mod activity;
pub mod config;
pub mod files;
pub mod health;
pub mod my_shares;
pub mod openapi;
pub mod sessions;
pub mod shares;
pub mod signin;
pub mod signup;
pub mod static_files;
pub mod uploads;
pub mod vault;
pub mod vault_files;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use coffer_shared::api::ErrorCode;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::error::ApiError;
use crate::state::AppState;

/// Every API route, to be nested under `/api/v1`. Unknown paths and methods get JSON errors too.
/// No API response may be stored by a browser or a proxy: envelopes and statuses are per-reader.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .merge(account::router())
        .merge(accounts::router())
        .merge(signup::router())
        .merge(signin::router())
        .merge(sessions::router())
        .merge(vault::router())
        .merge(my_shares::router())
        .merge(activity::router())
        .merge(config::router())
        .merge(shares::router())
        .merge(uploads::router())
        .merge(files::router())
        .merge(vault_files::router())
        .merge(openapi::router())
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NoSuchEndpoint, "There is no such API endpoint.")
        })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
