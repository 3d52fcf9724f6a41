//! `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description, written by hand in
//! `docs/openapi.json` and compiled in.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use coffer_shared::api::paths::route;

use crate::state::AppState;

const OPENAPI: &str = include_str!("../../../docs/openapi.json");

/// The OpenAPI route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::OPENAPI, get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
}
