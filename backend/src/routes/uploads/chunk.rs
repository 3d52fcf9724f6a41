//! `PUT /api/v1/uploads/{file_id}/chunks/{index}`: one chunk's ciphertext, streamed to the blob
//! store while it is hashed and capped at the chunk's exact length, and counted only after its
//! bytes are synced and its checksum matches. The blob store refuses it (507) before writing
//! a byte if it would eat into the free-space floor.
//!
//! The body is taken as a raw stream, which the app-wide JSON body limit does not touch; the
//! cap here is the chunk's own length (at most 16 MiB + 16), enforced as the bytes arrive.

use coffer_shared::token::UploadToken;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use coffer_shared::api::{CHUNK_SHA256_HEADER, ChunkReceipt, ErrorCode, UPLOAD_TOKEN_HEADER};
use coffer_shared::b64;
use coffer_shared::crypto::file_meta::FileId;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::time::{Instant, Sleep};

use super::{storage_full, upload_finished, upload_token_hash};
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store::{ChunkOutcome, Expiry};

/// Seconds after its start past which no chunk moves an unfinished upload's expiry on (unless
/// `--upload-expiry` is longer): an upload cannot hold its reservation for ever.
const UPLOAD_MAX_AGE: u64 = 7 * 86_400;

fn invalid_chunk(field: Option<&'static str>, message: &str) -> ApiError {
    let error = ApiError::invalid(ErrorCode::InvalidChunk, message);
    match field {
        Some(field) => error.with_field(field),
        None => error,
    }
}

/// Seconds a chunk's body may go without a byte before the request is dropped: a client that
/// stops sending must not hold what a chunk in flight holds (a file, buffer room) for ever.
const BODY_IDLE: Duration = Duration::from_secs(30);

/// A request body that hashes what passes through, fails once it passes `limit` bytes or
/// stalls for [`BODY_IDLE`], and ends in an error instead of its end if it is shorter than
/// `limit` or does not hash to `expected`: a blob store sees a bad chunk fail, as it sees a
/// client that left midway.
struct Hashing<S> {
    inner: S,
    hasher: Sha256,
    expected: [u8; 32],
    count: u64,
    limit: u64,
    idle: Pin<Box<Sleep>>,
    too_long: bool,
    too_short: bool,
    mismatch: bool,
    stalled: bool,
    unreadable: bool,
}

impl<S: Stream<Item = Result<Bytes, axum::Error>> + Unpin> Stream for Hashing<S> {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                this.idle.as_mut().reset(Instant::now() + BODY_IDLE);
                this.count += bytes.len() as u64;
                if this.count > this.limit {
                    this.too_long = true;
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "chunk too long",
                    ))));
                }
                this.hasher.update(&bytes);
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.unreadable = true;
                Poll::Ready(Some(Err(io::Error::other(error))))
            }
            Poll::Ready(None) if this.too_short || this.mismatch => Poll::Ready(None),
            Poll::Ready(None) => {
                this.too_short = this.count < this.limit;
                this.mismatch = !this.too_short
                    && <[u8; 32]>::from(std::mem::take(&mut this.hasher).finalize()) != this.expected;
                if this.too_short || this.mismatch {
                    Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::InvalidData, "bad chunk"))))
                } else {
                    Poll::Ready(None)
                }
            }
            Poll::Pending if this.stalled => Poll::Pending,
            Poll::Pending => match this.idle.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.stalled = true;
                    Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::TimedOut, "the body stalled"))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// The file id and index of the path, with JSON 400s for bad ones.
fn parse_path(id: &str, index: &str) -> Result<(FileId, u64), ApiError> {
    let id = id.parse().map_err(|_| {
        ApiError::malformed(ErrorCode::InvalidId, "The id in the path is not 22 characters of base64url.")
    })?;
    let index = index.parse().map_err(|_| invalid_chunk(Some("index"), "index: must be a chunk number"))?;
    Ok((id, index))
}

/// The 32-byte value of a base64url header.
fn header_bytes(headers: &HeaderMap, name: &str) -> Option<[u8; 32]> {
    b64::decode_array::<32>(headers.get(name)?.to_str().ok()?).ok()
}

#[tracing::instrument(name = "upload_chunk", skip_all, fields(id = %id, index = %index))]
pub async fn put_chunk(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((id, index)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ChunkReceipt>, ApiError> {
    let (id, index) = parse_path(&id, &index)?;
    let token = headers.get(UPLOAD_TOKEN_HEADER).and_then(|value| value.to_str().ok()).ok_or_else(|| {
        ApiError::invalid(ErrorCode::InvalidToken, "X-Coffer-Upload-Token: missing")
            .with_field("X-Coffer-Upload-Token")
    })?;
    let token_hash = upload_token_hash(&UploadToken::from_text(token))?;
    let sum = header_bytes(&headers, CHUNK_SHA256_HEADER).ok_or_else(|| {
        invalid_chunk(Some("X-Coffer-Chunk-Sha256"), "X-Coffer-Chunk-Sha256: must be base64url of 32 bytes")
    })?;
    state.chunk_limiter.check(ip).await?;
    let _lock = state.chunk_locks.lock(id.as_str(), index).await;
    let slot = state.store.chunk_slot(id.clone(), token_hash, index).await?.ok_or(ApiError::NotFound)?;
    if slot.finished {
        return Err(upload_finished());
    }
    if slot.length == 0 {
        return Err(invalid_chunk(Some("index"), "index: must be below the chunk count"));
    }
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|declared| declared != slot.length) {
        return Err(invalid_chunk(None, "the body's length is not the chunk's"));
    }
    if slot.held.is_some_and(|held| held != sum) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::ChunkConflict,
            "The server holds other bytes for this chunk.",
        ));
    }
    let mut body = Hashing {
        inner: body.into_data_stream(),
        hasher: Sha256::new(),
        expected: sum,
        count: 0,
        limit: slot.length,
        idle: Box::pin(tokio::time::sleep(BODY_IDLE)),
        too_long: false,
        too_short: false,
        mismatch: false,
        stalled: false,
        unreadable: false,
    };
    let written = if slot.held.is_some() {
        // Held with this checksum: read the body only to confirm it; the store keeps its bytes.
        drain(&mut body).await
    } else {
        state.blobs.write_at(id.as_str(), slot.offset, slot.length, &mut body).await
    };
    if body.too_long || body.too_short {
        return Err(invalid_chunk(None, "the body's length is not the chunk's"));
    }
    if body.stalled {
        return Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::BodyStalled,
            "The chunk's body stopped arriving; send it again.",
        ));
    }
    if body.unreadable {
        return Err(ApiError::malformed(ErrorCode::UnreadableBody, "The request body could not be read."));
    }
    if body.mismatch {
        return Err(ApiError::invalid(
            ErrorCode::ChecksumMismatch,
            "The body does not hash to X-Coffer-Chunk-Sha256.",
        ));
    }
    match written {
        // The free-space floor, a full disk, or the data folder's filesystem quota (EDQUOT): the
        // server's room, not the client's fault.
        Err(error) if matches!(error.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded) => {
            tracing::warn!(event = "disk_full");
            return Err(storage_full());
        }
        Err(error) if error.kind() == io::ErrorKind::ResourceBusy => {
            tracing::warn!(event = "chunk_buffers_full");
            return Err(ApiError::Unavailable("chunk buffers are full".into()));
        }
        Err(error) => return Err(ApiError::Internal(format!("blob write: {error}"))),
        Ok(()) => {
            crate::metrics::global().bytes_uploaded.inc_by(slot.length);
        }
    }
    let expiry = Expiry {
        at: state.clock.now() + state.settings.upload_expiry,
        max_age: UPLOAD_MAX_AGE.max(state.settings.upload_expiry),
    };
    match state.store.record_chunk(id, token_hash, index, sum, expiry).await? {
        ChunkOutcome::Recorded { received, chunk_count } => Ok(Json(ChunkReceipt { received, chunk_count })),
        ChunkOutcome::Conflict => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::ChunkConflict,
            "The server holds other bytes for this chunk.",
        )),
        ChunkOutcome::Finished => Err(upload_finished()),
        ChunkOutcome::NotFound => Err(ApiError::NotFound),
    }
}

async fn drain(body: &mut (dyn Stream<Item = io::Result<Bytes>> + Send + Unpin)) -> io::Result<()> {
    while let Some(bytes) = body.next().await {
        bytes?;
    }
    Ok(())
}
