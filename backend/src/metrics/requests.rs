//! The middleware that counts and times every request by its route template.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use super::{RequestLabels, RouteLabels, global, seconds};

/// A fixed name per method, so a made-up method cannot add a label value.
fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The route template the router matched; `static` for the app's own files, which the router
/// serves as its fallback, and `unmatched` for an unknown path under the API.
fn route_name(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    if request.uri().path().starts_with(coffer_shared::api::paths::PREFIX) { "unmatched" } else { "static" }
        .to_owned()
}

/// Counts the request and times it to its response's head.
pub async fn record(request: Request, next: Next) -> Response {
    let method = method_name(request.method());
    let route = route_name(&request);
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = global();
    metrics
        .request_seconds
        .get_or_create(&RouteLabels { method, route: route.clone() })
        .observe(seconds(started.elapsed()));
    metrics
        .requests
        .get_or_create(&RequestLabels { method, route, status: response.status().as_u16() })
        .inc();
    response
}
