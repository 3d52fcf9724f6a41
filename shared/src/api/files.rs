//! Wire types of file uploads, file shares and vault attachments (docs/api.md, "Files").
//!
//! Bodies of chunk uploads and downloads are raw ciphertext, not JSON; their tokens travel in
//! the headers named here, never in a URL.

use serde::{Deserialize, Serialize};

use crate::crypto::file_meta::FileId;
use crate::token::UploadToken;

/// Header carrying base64url of a file's 32-byte `upload_token` on a chunk upload.
pub const UPLOAD_TOKEN_HEADER: &str = "x-coffer-upload-token";
/// Header carrying base64url of SHA-256 over a chunk upload's body.
pub const CHUNK_SHA256_HEADER: &str = "x-coffer-chunk-sha256";
/// Header carrying base64url of a claim's 32-byte `download_token` on a share file download.
pub const DOWNLOAD_TOKEN_HEADER: &str = "x-coffer-download-token";
/// The most files one share may hold.
pub const MAX_FILES_PER_SHARE: usize = 100;
/// The largest `file-metadata` envelope accepted at finish, in bytes.
pub const MAX_METADATA_BYTES: usize = 4096;

/// `POST /api/v1/uploads`: reserve room for a file's chunk stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartUploadRequest {
    /// Chosen by the browser, fresh for every sealing (docs/envelope.md, "File id and file key").
    pub file_id: FileId,
    /// The plaintext size in bytes; fixes the chunk count and every chunk's length.
    pub size: u64,
    /// The plaintext bytes of every chunk but the last: a power of two from 64 B to 16 MiB.
    pub chunk_size: u32,
    /// base64url of the 32-byte upload token; the server keeps only its SHA-256.
    pub upload_token: UploadToken,
    /// `true`: the file becomes an attachment of the signed-in account when it finishes.
    #[serde(default)]
    pub vault: bool,
}

/// The answer to a started upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartUploadResponse {
    /// The file's id.
    pub file_id: FileId,
    /// `max(1, ceil(size / chunk_size))`.
    pub chunk_count: u64,
    /// When the upload is deleted unless it is finished and attached by then, Unix seconds.
    pub expires_at: u64,
}

/// The answer to a stored chunk (`PUT /api/v1/uploads/{file_id}/chunks/{index}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChunkReceipt {
    /// How many distinct chunks the server now holds.
    pub received: u64,
    /// How many the file has.
    pub chunk_count: u64,
}

/// A body holding only a file's upload token (status and cancel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadTokenRequest {
    /// base64url of the 32-byte upload token.
    pub upload_token: UploadToken,
}

/// `POST /api/v1/uploads/{file_id}/status`: what the server holds of an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadStatus {
    /// The plaintext size given at the start.
    pub size: u64,
    /// The chunk size given at the start.
    pub chunk_size: u32,
    /// How many chunks the file has.
    pub chunk_count: u64,
    /// The chunks held, as inclusive `[first, last]` index ranges, ascending.
    pub received: Vec<[u64; 2]>,
    /// Whether the upload was finished.
    pub finished: bool,
    /// When an upload not finished and attached by then is deleted, Unix seconds.
    pub expires_at: u64,
}

/// `POST /api/v1/uploads/{file_id}/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FinishUploadRequest {
    /// base64url of the 32-byte upload token.
    pub upload_token: UploadToken,
    /// base64url of the file's `file-metadata` envelope (kind 6), at most [`MAX_METADATA_BYTES`].
    pub metadata: String,
}

/// The answer to a finished upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishUploadResponse {
    /// The file's id.
    pub file_id: FileId,
    /// The plaintext size.
    pub size: u64,
    /// How many chunks the file has.
    pub chunk_count: u64,
}

/// A finished upload named in a share's create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareFileRef {
    /// The file's id.
    pub id: FileId,
    /// base64url of its 32-byte upload token, proving the creator uploaded it.
    pub upload_token: UploadToken,
}

/// A file as a reader or the vault sees it: enough to download and open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredFile {
    /// The file's id.
    pub id: FileId,
    /// The plaintext size.
    pub size: u64,
    /// The chunk size.
    pub chunk_size: u32,
    /// base64url of the `file-metadata` envelope.
    pub metadata: String,
}

/// A vault attachment in `GET /api/v1/vault/files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultFile {
    /// The file, as a download needs it.
    #[serde(flatten)]
    pub file: StoredFile,
    /// When the upload finished, Unix seconds.
    pub created_at: u64,
}

/// `GET /api/v1/vault/files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultFileList {
    /// Oldest first.
    pub files: Vec<VaultFile>,
}
