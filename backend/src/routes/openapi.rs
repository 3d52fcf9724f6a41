//! `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description, generated from the wire types
//! and endpoint tables (`crate::openapi`) once, on the first request. `docs/openapi.json` is the
//! same text (a test keeps them equal).

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use coffer_shared::api::paths::route;

use crate::state::AppState;

static OPENAPI: LazyLock<String> = LazyLock::new(crate::openapi::to_json);

/// The OpenAPI route.
pub fn router() -> Router<AppState> {
    Router::new().route(
        route::OPENAPI,
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI.as_str()) }),
    )
}
