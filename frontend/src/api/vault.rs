//! The vault's records (`docs/api.md`, "Vault"): envelopes only, sealed in the browser.

use coffer_shared::api::{CreateRecordRequest, RecordPage, StoredRecord, UpdateRecordRequest};
use coffer_shared::id::RecordId;

use coffer_shared::api::paths;

use super::{ApiError, body, json, send};

/// `GET /api/v1/vault/records`: the first page, or with `after` (a page's `next`) the one after
/// it. The server bounds a page's size.
pub async fn records_page(after: Option<&RecordId>) -> Result<RecordPage, ApiError> {
    let url = match after {
        None => paths::VAULT_RECORDS.to_owned(),
        // A record id is base64url: nothing to escape in a query.
        Some(after) => format!("{}?after={after}", paths::VAULT_RECORDS),
    };
    json(send("GET", &url, None, None).await?).await
}

/// `POST /api/v1/vault/records`: a new record (revision 1).
pub async fn create(csrf: &str, request: &CreateRecordRequest) -> Result<StoredRecord, ApiError> {
    json(send("POST", paths::VAULT_RECORDS, Some(body(request)?), Some(csrf)).await?).await
}

/// `PUT /api/v1/vault/records/{id}`: an edit of `request.revision`. A 409 `conflict` carries the
/// stored record ([`ApiError::conflict`]).
pub async fn update(
    csrf: &str,
    id: &RecordId,
    request: &UpdateRecordRequest,
) -> Result<StoredRecord, ApiError> {
    let url = paths::vault_record(id);
    json(send("PUT", &url, Some(body(request)?), Some(csrf)).await?).await
}

/// `DELETE /api/v1/vault/records/{id}`.
pub async fn delete(csrf: &str, id: &RecordId) -> Result<(), ApiError> {
    send("DELETE", &paths::vault_record(id), None, Some(csrf)).await.map(drop)
}
