//! The built browser app: files from the static folder, and `index.html` for every other path
//! (`/s/<id>`, `/m/<id>`, ...) so the app's router can take over. A GET or HEAD here never
//! touches a share, so link previews (chat apps, mail scanners) cannot consume a view.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Serves `static_dir`, falling back to its `index.html`.
pub fn router<S: Clone + Send + Sync + 'static>(static_dir: &Path) -> Router<S> {
    let index = ServeFile::new(static_dir.join("index.html"));
    let files = ServeDir::new(static_dir).fallback(index);
    Router::new().fallback_service(files).layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    ))
}
