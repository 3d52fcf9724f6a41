//! `--metrics-listen`: `GET /metrics` in the OpenMetrics text format, on an address of its own
//! (off by default) so that it is never exposed with the app.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

use super::global;

/// The exporter's router.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

fn gauge_value(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Reads what the store holds into the gauges, then encodes every metric.
async fn scrape(State(state): State<AppState>) -> Response {
    let metrics = global();
    if let Ok(count) = state.store.share_count().await {
        metrics.shares.set(gauge_value(count));
    }
    if let Ok(count) = state.store.session_count().await {
        metrics.sessions.set(gauge_value(count));
    }
    if let Ok(bytes) = state.store.reserved_bytes().await {
        metrics.upload_reserved_bytes.set(gauge_value(bytes));
    }
    let mut text = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &metrics.registry) {
        return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
        .into_response()
}
