//! Request logging: one span per request with the method and the matched route template
//! (`/api/v1/shares/{id}/claim`), never the raw path, query, headers or body.

use axum::Router;
use axum::extract::{MatchedPath, Request};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// Wraps `router` in a span per request and logs each response's status and latency.
pub fn add<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request| {
                let route = request.extensions().get::<MatchedPath>().map_or("static", |path| path.as_str());
                tracing::info_span!("request", method = %request.method(), route)
            })
            .on_request(|_: &Request, _: &Span| {})
            .on_response(|response: &axum::response::Response, latency: std::time::Duration, _: &Span| {
                tracing::info!(
                    event = "http_response",
                    status = response.status().as_u16(),
                    latency_ms = latency.as_millis() as u64
                );
            }),
    )
}
