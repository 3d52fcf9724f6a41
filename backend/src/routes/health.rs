//! The health checks, at the root (outside `/api/v1`):
//! - `GET /healthz`: the process is up and the database answers (liveness).
//! - `GET /readyz`: the server can take writes (readiness): the database answers, a file can be
//!   written in the data folder, and the file systems of the data folder and the blobs keep
//!   more than `--min-free-disk`. A 503 names the checks that failed and nothing more.

use std::path::Path;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::http::error::ApiError;
use crate::state::AppState;

/// The health routes, mounted at the root.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health)).route("/readyz", get(ready))
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}

/// Creates, writes and deletes a small file in `dir`: fails on a read-only or full file system
/// and on lost permissions.
fn can_write(dir: &Path) -> bool {
    let probe = dir.join(".readyz");
    let written = std::fs::write(&probe, b"ready");
    let _ = std::fs::remove_file(&probe);
    written.is_ok()
}

/// Free bytes of the file system holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let mut failing = Vec::new();
    if state.store.ping().await.is_err() {
        failing.push("database");
    }
    let floor = state.settings.min_free_disk;
    let data_dir = state.settings.data_dir.clone();
    let (writable, data_room) =
        tokio::task::spawn_blocking(move || (can_write(&data_dir), free_bytes(&data_dir)))
            .await
            .unwrap_or((false, None));
    if !writable {
        failing.push("data_dir_writable");
    }
    if data_room.is_none_or(|free| free <= floor) {
        failing.push("data_dir_space");
    }
    let blobs = std::sync::Arc::clone(&state.blobs);
    let blob_room = tokio::task::spawn_blocking(move || blobs.free_bytes()).await.ok().and_then(Result::ok);
    if blob_room.is_none_or(|free| free <= floor) {
        failing.push("blob_space");
    }
    if failing.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unready", "failing": failing })))
    }
}
