//! The built browser app: files from the static folder, and `index.html` for every other path
//! (`/s/<id>`, `/m/<id>`, ...) so the app's router can take over. A GET or HEAD here never
//! touches a share, so link previews (chat apps, mail scanners) cannot consume a view.
//!
//! A file's brotli or gzip copy (`coffer-server precompress`, run at build time) is sent to a
//! browser that accepts it, with `Vary: Accept-Encoding`. Files whose names carry the build's
//! content hash never change, so browsers keep them for a year without asking again; everything
//! else (`index.html`, the workers' fixed names) is revalidated on every use.
//!
//! `/dl/` is the download service worker's folder and scope (frontend/download-sw.js): its
//! files only, and 404 for anything else there, never the app, so no page of the app is ever
//! loaded inside the worker's scope.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::{ServeDir, ServeFile};

/// The download worker's folder, under the static folder and in URLs.
pub const WORKER_DIR: &str = "dl";

/// For files named with the build's content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For every other file: use it, but ask first whether it changed.
const REVALIDATE: &str = "no-cache";

/// Serves `static_dir`, falling back to its `index.html` outside [`WORKER_DIR`].
pub fn router<S: Clone + Send + Sync + 'static>(static_dir: &Path) -> Router<S> {
    let index = ServeFile::new(static_dir.join("index.html")).precompressed_br().precompressed_gzip();
    let files = ServeDir::new(static_dir).precompressed_br().precompressed_gzip().fallback(index);
    let worker = ServeDir::new(static_dir.join(WORKER_DIR)).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{WORKER_DIR}"), worker)
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

/// Sets `Cache-Control` by the request's path and `Vary: Accept-Encoding` on every answer.
async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    // The fallback answers any unknown path with `index.html`, which must never be kept.
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/html"));
    let policy = if hashed && !page && response.status().is_success() { IMMUTABLE } else { REVALIDATE };
    let headers = response.headers_mut();
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether the last segment of `path` carries a build hash as Trunk writes it:
/// `<name>-<hash>.<extension>` (`coffer-frontend-ec0259a3a319beea_bg.wasm` too), the hash a
/// 64-bit number in lowercase hex without leading zeros (`{:x}`): 16 digits, or fewer one build
/// in 16. Fewer than 8 digits (one build in 4 billion) is not taken for a hash.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len())
            && hash.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_with_trunks_content_hash_count_as_hashed() {
        for hashed in [
            "/coffer-frontend-ec0259a3a319beea_bg.wasm",
            "/coffer-frontend-ec0259a3a319beea.js",
            "/style-93d4232f706f0913.css",
            "/boot-bac0c579fe8064e8.js",
            // A hash that begins with a zero digit loses it.
            "/boot-d85e77a146443d5.js",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for not in [
            "/",
            "/index.html",
            "/kdf-worker.js",
            "/kdf-worker_bg.wasm",
            "/dl/download-sw.js",
            "/s/abcdefabcdefabcd",
            "/kdf-worker-loader.js",
            "/style-93D4232F706F0913.css",
            "/style-93d4232.css",
            "/style-93d4232f706f09130.css",
        ] {
            assert!(!is_hashed(not), "{not}");
        }
    }
}
