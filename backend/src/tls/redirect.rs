//! `--redirect-http`: a plain-HTTP listener that sends every request to the HTTPS address with
//! a 308, except the health checks, which a load balancer may only speak HTTP to.

use axum::Router;
use axum::http::header::{HOST, LOCATION};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::routes;
use crate::state::AppState;

/// Where redirects go: the public URL when one is set, else the host the client asked for on
/// the HTTPS port.
#[derive(Clone)]
struct Target {
    public_url: Option<String>,
    https_port: u16,
}

impl Target {
    fn base(&self, headers: &HeaderMap) -> Option<String> {
        if let Some(url) = &self.public_url {
            return Some(url.trim_end_matches('/').to_owned());
        }
        let asked: Authority = headers.get(HOST)?.to_str().ok()?.parse().ok()?;
        let host = asked.host();
        Some(match self.https_port {
            443 => format!("https://{host}"),
            port => format!("https://{host}:{port}"),
        })
    }
}

/// The redirecting router, with the health checks of `state` served as they are.
pub fn router(state: AppState, https_port: u16) -> Router {
    let target = Target { public_url: state.settings.public_url.clone(), https_port };
    routes::health::router()
        .fallback(move |uri: Uri, headers: HeaderMap| redirect(target.clone(), uri, headers))
        .with_state(state)
}

async fn redirect(target: Target, uri: Uri, headers: HeaderMap) -> Response {
    let Some(base) = target.base(&headers) else {
        return (StatusCode::BAD_REQUEST, "This address serves HTTPS only; the request named no host.")
            .into_response();
    };
    let path = uri.path_and_query().map_or("/", |path| path.as_str());
    if !path.starts_with('/') {
        // `OPTIONS *` and absolute-form targets name no page to send anyone to.
        return (StatusCode::BAD_REQUEST, "This address serves HTTPS only.").into_response();
    }
    (StatusCode::PERMANENT_REDIRECT, [(LOCATION, format!("{base}{path}"))]).into_response()
}
