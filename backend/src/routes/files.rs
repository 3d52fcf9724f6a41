//! Share file downloads (docs/api.md, "File shares"): `GET /api/v1/files/{file_id}` with a
//! claim's `X-Coffer-Download-Token`, and the streaming of a finished blob that vault
//! downloads share, `Range: bytes=<from>-` included.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coffer_shared::api::paths::route;
use coffer_shared::api::{DOWNLOAD_TOKEN_HEADER, ErrorCode, StoredFile};
use coffer_shared::b64;
use coffer_shared::crypto::share::token_hash;
use futures_util::TryStreamExt;

use crate::audit::{Audit, Event};
use crate::http::error::ApiError;
use crate::http::id_path::{FilePath, IdPath};
use crate::state::AppState;
use crate::store::FileRow;

/// The share file download route.
pub fn router() -> Router<AppState> {
    Router::new().route(route::FILE, get(download))
}

/// A finished file as the wire shows it.
pub fn stored_file(row: FileRow) -> StoredFile {
    StoredFile {
        id: row.id,
        size: row.size,
        chunk_size: row.chunk_size,
        metadata: b64::encode(&row.metadata),
    }
}

#[tracing::instrument(name = "download_file", skip_all, fields(id = %id))]
async fn download(
    State(state): State<AppState>,
    audit: Audit,
    IdPath(id): FilePath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Not rate limited: a claim may hold 100 files, and a 32-byte random token is not guessed.
    let token = headers
        .get(DOWNLOAD_TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| b64::decode_array::<32>(value).ok())
        .ok_or(ApiError::NotFound)?;
    let row = state.store.share_file(token_hash(&token), id, state.clock.now()).await?;
    serve(&state, &audit, &row.ok_or(ApiError::NotFound)?, &headers, false).await
}

/// The first byte asked for by `Range: bytes=<from>-`; `None` without a range of that form
/// (other forms are ignored, as HTTP allows, and get the whole blob).
fn range_start(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(header::RANGE)?.to_str().ok()?;
    value.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok()
}

/// Streams a finished file's ciphertext from the blob store: 200 whole, or 206 from a range.
/// The download is recorded as the bytes start to go out; `preview` when the owner's browser
/// fetches it to show it in the page rather than to save it.
pub async fn serve(
    state: &AppState,
    audit: &Audit,
    row: &FileRow,
    headers: &HeaderMap,
    preview: bool,
) -> Result<Response, ApiError> {
    let total = row.ciphertext_size;
    let range = range_start(headers);
    let from = range.unwrap_or(0);
    if from >= total {
        let range = HeaderValue::from_str(&format!("bytes */{total}"))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut response = ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            ErrorCode::InvalidRange,
            "The range starts past the end.",
        )
        .into_response();
        response.headers_mut().insert(header::CONTENT_RANGE, range);
        return Ok(response);
    }
    let stream = state
        .blobs
        .read(row.id.as_str(), from, total - from)
        .await
        .map_err(|error| ApiError::Internal(format!("blob read: {error}")))?;
    audit
        .record(Event::FileDownloaded { file: row.id.clone(), share: row.share.clone(), from, preview })
        .await?;
    let status = if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let downloaded = &crate::metrics::global().bytes_downloaded;
    let stream = stream.inspect_ok(|bytes| {
        downloaded.inc_by(bytes.len() as u64);
    });
    let mut response = (status, Body::from_stream(stream)).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    response_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total - from));
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {from}-{}/{total}", total - 1);
        response_headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&range).map_err(|e| ApiError::Internal(e.to_string()))?,
        );
    }
    Ok(response)
}
