//! Security headers on every response, API and static files alike.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy: no inline script or style, WebAssembly allowed, nothing from
/// other origins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; \
     object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Two years, this host only: `includeSubDomains` would pin every subdomain of an apex domain
/// Coffer is served on to HTTPS, and the `__Host-` session cookie already keeps subdomains from
/// setting it.
const HSTS: &str = "max-age=63072000";

/// Adds the headers to every response of `router`; HSTS only when `hsts` is on.
pub fn add<S: Clone + Send + Sync + 'static>(router: Router<S>, hsts: bool) -> Router<S> {
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ];
    let mut router = fixed.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)))
    });
    if hsts {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ));
    }
    router
}
