//! File uploads and downloads (docs/api.md, "Files"). Chunk bodies are ciphertext sealed by
//! [`crate::files`]; the tokens travel in headers, never in a URL.

use coffer_shared::api::{
    CHUNK_SHA256_HEADER, ChunkReceipt, DOWNLOAD_TOKEN_HEADER, FinishUploadRequest, FinishUploadResponse,
    StartUploadRequest, StartUploadResponse, UPLOAD_TOKEN_HEADER, UploadStatus, UploadTokenRequest,
    VaultFileList,
};
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::UploadToken;
use js_sys::Uint8Array;
use web_sys::Response;

use super::{ApiError, body, json, send, send_raw};
use coffer_shared::api::paths;

/// `POST /api/v1/uploads`. `csrf` is the session's token when signed in.
pub async fn start(
    request: &StartUploadRequest,
    csrf: Option<&str>,
) -> Result<StartUploadResponse, ApiError> {
    let response = send("POST", paths::UPLOADS, Some(body(request)?), csrf).await?;
    json(response).await
}

/// `PUT /api/v1/uploads/{file_id}/chunks/{index}` with the chunk's ciphertext.
pub async fn put_chunk(
    file_id: &FileId,
    index: u64,
    ciphertext: &[u8],
    upload_token: &str,
    checksum: &str,
) -> Result<ChunkReceipt, ApiError> {
    let url = paths::upload_chunk(file_id, index);
    let bytes = Uint8Array::from(ciphertext);
    let headers = [(UPLOAD_TOKEN_HEADER, upload_token), (CHUNK_SHA256_HEADER, checksum)];
    let response =
        send_raw("PUT", &url, Some((bytes.into(), "application/octet-stream")), &headers, None).await?;
    json(response).await
}

/// `POST /api/v1/uploads/{file_id}/status`.
pub async fn status(file_id: &FileId, upload_token: &str) -> Result<UploadStatus, ApiError> {
    let request = UploadTokenRequest { upload_token: UploadToken::from_text(upload_token) };
    let response = send("POST", &paths::upload_status(file_id), Some(body(&request)?), None).await?;
    json(response).await
}

/// `POST /api/v1/uploads/{file_id}/finish` with the sealed metadata.
pub async fn finish(
    file_id: &FileId,
    request: &FinishUploadRequest,
) -> Result<FinishUploadResponse, ApiError> {
    let response = send("POST", &paths::upload_finish(file_id), Some(body(request)?), None).await?;
    json(response).await
}

/// `POST /api/v1/uploads/{file_id}/cancel`: the server deletes what it received.
pub async fn cancel(file_id: &FileId, upload_token: &str) -> Result<(), ApiError> {
    let request = UploadTokenRequest { upload_token: UploadToken::from_text(upload_token) };
    send("POST", &paths::upload_cancel(file_id), Some(body(&request)?), None).await.map(drop)
}

/// `GET /api/v1/files/{file_id}` with a claim's download token, from byte `from` on: the
/// response streams the ciphertext.
pub async fn download_shared(
    file_id: &FileId,
    download_token: &str,
    from: u64,
) -> Result<Response, ApiError> {
    let range = format!("bytes={from}-");
    let mut headers = vec![(DOWNLOAD_TOKEN_HEADER, download_token)];
    if from > 0 {
        headers.push(("range", range.as_str()));
    }
    send_raw("GET", &paths::file(file_id), None, &headers, None).await
}

/// `GET /api/v1/vault/files/{file_id}` (the session cookie authorises it), from byte `from` on;
/// `preview` adds `?preview=true` (the page shows the file rather than saving it).
pub async fn download_attachment(file_id: &FileId, from: u64, preview: bool) -> Result<Response, ApiError> {
    let range = format!("bytes={from}-");
    let headers: Vec<(&str, &str)> = if from > 0 { vec![("range", range.as_str())] } else { Vec::new() };
    let query = if preview { "?preview=true" } else { "" };
    send_raw("GET", &format!("{}{query}", paths::vault_file(file_id)), None, &headers, None).await
}

/// `DELETE /api/v1/vault/files/{file_id}`: deletes a vault attachment's bytes.
pub async fn delete_attachment(csrf: &str, file_id: &FileId) -> Result<(), ApiError> {
    send("DELETE", &paths::vault_file(file_id), None, Some(csrf)).await.map(drop)
}

/// `GET /api/v1/vault/files`: the account's attachments, with their sealed metadata.
pub async fn vault_files() -> Result<VaultFileList, ApiError> {
    json(send("GET", paths::VAULT_FILES, None, None).await?).await
}
