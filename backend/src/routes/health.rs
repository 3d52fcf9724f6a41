//! The health checks, at the root (outside `/api/v1`):
//! - `GET /healthz`: the process is up and the database answers (liveness).
//! - `GET /readyz`: the server can take writes (readiness): the database answers, a file can be
//!   written in the data folder, and the file systems of the data folder and the blobs keep
//!   more than `--min-free-disk`. Worked out at most once every [`READY_FOR`], whoever asks
//!   and however often; the answer says only ready or not, and the log names the failed checks.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::http::error::ApiError;
use crate::state::AppState;

/// How long a readiness answer is given again before the checks run anew.
pub const READY_FOR: Duration = Duration::from_secs(2);

/// The last readiness answer and when it was worked out; held while the checks run, so that
/// callers arriving meanwhile wait for that answer instead of running them again.
type LastReady = Arc<tokio::sync::Mutex<Option<(Instant, bool)>>>;

/// The health routes, mounted at the root.
pub fn router() -> Router<AppState> {
    let last = LastReady::default();
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(move |state: State<AppState>| ready(state, Arc::clone(&last))))
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

async fn ready(State(state): State<AppState>, last: LastReady) -> (StatusCode, Json<Value>) {
    let mut last = last.lock().await;
    let ready = match *last {
        Some((at, ready)) if at.elapsed() < READY_FOR => ready,
        _ => {
            let failing = failing_checks(&state).await;
            if !failing.is_empty() {
                tracing::warn!(event = "not_ready", failing = ?failing);
            }
            *last = Some((Instant::now(), failing.is_empty()));
            failing.is_empty()
        }
    };
    if ready {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unready" })))
    }
}

/// The names of the readiness checks that fail now.
async fn failing_checks(state: &AppState) -> Vec<&'static str> {
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
    let blobs = Arc::clone(&state.blobs);
    let blob_room = tokio::task::spawn_blocking(move || blobs.free_bytes()).await.ok().and_then(Result::ok);
    if blob_room.is_none_or(|free| free <= floor) {
        failing.push("blob_space");
    }
    failing
}
