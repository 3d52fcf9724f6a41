//! `GET /api/v1/config`: the limits the create form must respect, and where places come from.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use coffer_shared::api::ServerConfig;
use coffer_shared::api::paths::route;

use crate::settings::MAX_VIEWS;
use crate::state::AppState;

/// The config route.
pub fn router() -> Router<AppState> {
    Router::new().route(route::CONFIG, get(config))
}

async fn config(State(state): State<AppState>) -> Json<ServerConfig> {
    let settings = &state.settings;
    Json(ServerConfig {
        expiry_options: settings.expiry_options(),
        max_views: MAX_VIEWS,
        max_envelope_bytes: settings.max_envelope_bytes,
        max_wrong_claims: settings.max_wrong_claims,
        max_file_size: settings.max_file_size,
        places_source: state.places.source(),
    })
}
