//! Uploads (docs/api.md, "Uploads"): start, chunks, status, finish and cancel. The server
//! checks sizes, lengths and checksums; it never sees a key. Tokens are hashed on arrival and
//! never logged.

mod chunk;

use coffer_shared::api::paths::route;
use coffer_shared::token::{TokenHash, UploadToken};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use coffer_shared::api::{
    ErrorCode, FinishUploadRequest, FinishUploadResponse, MAX_METADATA_BYTES, StartUploadRequest,
    StartUploadResponse, UploadStatus, UploadTokenRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Kind};
use coffer_shared::crypto::file_meta::MAX_FILE_SIZE;
use coffer_shared::crypto::stream::ChunkSize;

use crate::audit::{Audit, Event};
use crate::auth::session::SignedIn;
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::id_path::{FilePath, IdPath};
use crate::http::json::ApiJson;
use crate::http::rate_limit::network_of;
use crate::http::token;
use crate::state::AppState;
use crate::store::{FinishOutcome, NETWORK_HOLDER, NewUpload, StartOutcome};
use crate::sweeper::purge_blobs;

/// The upload routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::UPLOADS, post(start))
        .route(route::UPLOAD_CHUNK, put(chunk::put_chunk))
        .route(route::UPLOAD_STATUS, post(status))
        .route(route::UPLOAD_FINISH, post(finish))
        .route(route::UPLOAD_CANCEL, post(cancel))
}

/// 507 `storage_full`.
fn storage_full() -> ApiError {
    ApiError::new(
        StatusCode::INSUFFICIENT_STORAGE,
        ErrorCode::StorageFull,
        "The server has no room for this file now.",
    )
}

/// SHA-256 of a base64url upload token, or 422 `invalid_token`.
fn upload_token_hash(token: &UploadToken) -> Result<TokenHash, ApiError> {
    token::hash("upload_token", token)
}

#[tracing::instrument(name = "start_upload", skip_all, fields(id = %request.file_id))]
async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    signed_in: Option<SignedIn>,
    ApiJson(request): ApiJson<StartUploadRequest>,
) -> Result<(StatusCode, Json<StartUploadResponse>), ApiError> {
    state.upload_limiter.check(ip).await?;
    let settings = &state.settings;
    // A signed-in client's reservations count against its account, which took a verified
    // address to make; anyone else's against its network.
    let (holder, holder_cap, anonymous_room) = match &signed_in {
        Some(signed_in) => {
            (format!("account:{}", signed_in.account_id), settings.upload_reserve_account, None)
        }
        None => (
            format!("{NETWORK_HOLDER}{}", network_of(ip)),
            settings.upload_reserve_anonymous,
            Some(settings.upload_room_anonymous),
        ),
    };
    let owner = match (request.vault, signed_in) {
        (true, Some(signed_in)) => Some(signed_in.account_id),
        (true, None) => return Err(ApiError::Unauthenticated),
        (false, _) => None,
    };
    if request.size > settings.max_file_size || request.size > MAX_FILE_SIZE {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::FileTooLarge,
            format!(
                "size: this server takes files up to {} bytes",
                settings.max_file_size.min(MAX_FILE_SIZE)
            ),
        )
        .with_field("size"));
    }
    let chunk_count = ChunkSize::new(request.chunk_size)
        .ok()
        .and_then(|chunk_size| chunk_size.chunk_count(request.size))
        .ok_or_else(|| {
            ApiError::invalid(
                ErrorCode::InvalidField,
                "chunk_size: must be a power of two from 64 to 16777216",
            )
            .with_field("chunk_size")
        })?;
    let token_hash = upload_token_hash(&request.upload_token)?;
    let now = state.clock.now();
    let upload = NewUpload {
        id: request.file_id.clone(),
        size: request.size,
        chunk_size: request.chunk_size,
        chunk_count,
        token_hash,
        owner,
        now,
        expires_at: now + settings.upload_expiry,
        quota: settings.storage_quota,
        holder,
        holder_cap,
        anonymous_room,
        min_free: settings.min_free_disk,
    };
    let expires_at = upload.expires_at;
    let blobs = Arc::clone(&state.blobs);
    match state.store.start_upload(upload, move || blobs.free_bytes()).await? {
        StartOutcome::Started => {}
        StartOutcome::IdTaken => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::IdTaken,
                "A file with this id already exists.",
            ));
        }
        StartOutcome::QuotaFull => {
            tracing::warn!(event = "quota_reached");
            return Err(storage_full());
        }
        StartOutcome::DiskFull { free, reserved } => {
            tracing::warn!(event = "disk_floor_reached", free, reserved);
            return Err(storage_full());
        }
        StartOutcome::AnonymousFull { held } => {
            tracing::warn!(event = "anonymous_room_reached", held);
            return Err(ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                ErrorCode::StorageFull,
                "The room for uploads without an account is taken now; sign in, or try again later.",
            ));
        }
        StartOutcome::HolderFull { held } => {
            tracing::warn!(event = "upload_reserve_reached", held);
            return Err(ApiError::TooManyUploads { held, cap: holder_cap });
        }
    }
    tracing::info!(event = "upload_started", size = request.size, chunk_count);
    Ok((StatusCode::CREATED, Json(StartUploadResponse { file_id: request.file_id, chunk_count, expires_at })))
}

#[tracing::instrument(name = "upload_status", skip_all, fields(id = %id))]
async fn status(
    State(state): State<AppState>,
    IdPath(id): FilePath,
    ApiJson(request): ApiJson<UploadTokenRequest>,
) -> Result<Json<UploadStatus>, ApiError> {
    let hash = upload_token_hash(&request.upload_token)?;
    let upload = state.store.upload_status(id, hash).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(UploadStatus {
        size: upload.size,
        chunk_size: upload.chunk_size,
        chunk_count: upload.chunk_count,
        received: upload.received,
        finished: upload.finished,
        expires_at: upload.expires_at,
    }))
}

/// Checks a finish request's metadata: at most [`MAX_METADATA_BYTES`], a `file-metadata`
/// envelope without `SIGNED`.
fn metadata(text: &str) -> Result<Vec<u8>, ApiError> {
    if text.len() > MAX_METADATA_BYTES.div_ceil(3) * 4 {
        return Err(ApiError::TooLarge);
    }
    let bytes = b64::decode(text).map_err(|_| {
        ApiError::malformed(ErrorCode::InvalidEnvelope, "metadata: must be canonical base64url")
            .with_field("metadata")
    })?;
    if bytes.len() > MAX_METADATA_BYTES {
        return Err(ApiError::TooLarge);
    }
    let parsed = Envelope::parse(&bytes).map_err(|error| {
        ApiError::invalid(ErrorCode::InvalidEnvelope, format!("metadata: {error}")).with_field("metadata")
    })?;
    if parsed.header.kind != Kind::FileMetadata || parsed.header.signed {
        return Err(ApiError::invalid(
            ErrorCode::InvalidEnvelope,
            "metadata: must be a file-metadata envelope without SIGNED",
        )
        .with_field("metadata"));
    }
    Ok(bytes)
}

#[tracing::instrument(name = "finish_upload", skip_all, fields(id = %id))]
async fn finish(
    State(state): State<AppState>,
    audit: Audit,
    IdPath(id): FilePath,
    ApiJson(request): ApiJson<FinishUploadRequest>,
) -> Result<Response, ApiError> {
    let hash = upload_token_hash(&request.upload_token)?;
    let metadata = metadata(&request.metadata)?;
    match state.store.finish_upload(id, hash, metadata).await? {
        FinishOutcome::Finished(row) => {
            let uploaded = Event::FileUploaded {
                file: row.id.clone(),
                size: row.size,
                chunks: row.chunk_count,
                vault: row.owner.is_some(),
            };
            audit.record_for(row.owner.clone(), [uploaded]).await?;
            let body = FinishUploadResponse { file_id: row.id, size: row.size, chunk_count: row.chunk_count };
            Ok(Json(body).into_response())
        }
        FinishOutcome::Incomplete(missing) => Err(ApiError::UploadIncomplete { missing }),
        FinishOutcome::AlreadyFinished => Err(upload_finished()),
        FinishOutcome::NotFound => Err(ApiError::NotFound),
    }
}

/// 409 `upload_finished`.
fn upload_finished() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, ErrorCode::UploadFinished, "This upload is already finished.")
}

#[tracing::instrument(name = "cancel_upload", skip_all, fields(id = %id))]
async fn cancel(
    State(state): State<AppState>,
    IdPath(id): FilePath,
    ApiJson(request): ApiJson<UploadTokenRequest>,
) -> Result<StatusCode, ApiError> {
    let hash = upload_token_hash(&request.upload_token)?;
    if !state.store.cancel_upload(id, hash).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(event = "upload_cancelled");
    purge_blobs(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
