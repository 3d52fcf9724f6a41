//! The built browser app: files from the static folder, and `index.html` for every other path
//! (`/s/<id>`, `/m/<id>`, ...) so the app's router can take over. A GET or HEAD here never
//! touches a share, so link previews (chat apps, mail scanners) cannot consume a view.
//!
//! `/dl/` is the download service worker's folder and scope (frontend/download-sw.js): its
//! files only, and 404 for anything else there, never the app, so no page of the app is ever
//! loaded inside the worker's scope.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The download worker's folder, under the static folder and in URLs.
pub const WORKER_DIR: &str = "dl";

/// Serves `static_dir`, falling back to its `index.html` outside [`WORKER_DIR`].
pub fn router<S: Clone + Send + Sync + 'static>(static_dir: &Path) -> Router<S> {
    let index = ServeFile::new(static_dir.join("index.html"));
    let files = ServeDir::new(static_dir).fallback(index);
    let worker = ServeDir::new(static_dir.join(WORKER_DIR));
    Router::new().nest_service(&format!("/{WORKER_DIR}"), worker).fallback_service(files).layer(
        SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    )
}
