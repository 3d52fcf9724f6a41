//! The vault's records (docs/api.md, "Vault"): opaque `vault-record` envelopes sealed in the
//! browser, listed, created, edited against a revision, and deleted. Every route is scoped to
//! the signed-in account; another account's record id is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use coffer_shared::api::{
    CreateRecordRequest, MAX_RECORD_BYTES, MAX_RECORDS, RecordList, StoredRecord, UpdateRecordRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Kind};
use coffer_shared::id::marker::Record;

use crate::audit::{Audit, Event};
use crate::auth::session::SignedIn;
use crate::http::error::ApiError;
use crate::http::id_path::IdPath;
use crate::http::json::ApiJson;
use crate::state::AppState;
use crate::store::{RecordRow, RecordWrite};

/// The vault routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vault/records", get(list).post(create))
        .route("/vault/records/{id}", put(update).delete(remove))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "There is no such record in your vault.")
}

fn to_wire(row: RecordRow) -> StoredRecord {
    StoredRecord {
        id: row.id,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
        envelope: b64::encode(&row.envelope),
    }
}

/// Checks an uploaded record: at most [`MAX_RECORD_BYTES`], a v1 `vault-record` envelope.
fn envelope(text: &str) -> Result<Vec<u8>, ApiError> {
    if text.len() > MAX_RECORD_BYTES.div_ceil(3) * 4 {
        return Err(ApiError::TooLarge);
    }
    let bytes = b64::decode(text)
        .map_err(|_| ApiError::malformed("invalid_envelope", "envelope: must be canonical base64url"))?;
    let parsed = Envelope::parse(&bytes)
        .map_err(|error| ApiError::invalid("invalid_envelope", format!("envelope: {error}")))?;
    if parsed.header.kind != Kind::VaultRecord || parsed.header.password.is_some() || parsed.header.signed {
        return Err(ApiError::invalid(
            "invalid_envelope",
            "envelope: must be a vault-record envelope without flags",
        ));
    }
    Ok(bytes)
}

/// Every record of the vault.
#[tracing::instrument(name = "vault_list", skip_all)]
async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<RecordList>, ApiError> {
    let rows = state.store.records(signed_in.account_id).await?;
    Ok(Json(RecordList { records: rows.into_iter().map(to_wire).collect() }))
}

/// Stores a new record.
#[tracing::instrument(name = "vault_create", skip_all)]
async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    ApiJson(request): ApiJson<CreateRecordRequest>,
) -> Result<(StatusCode, Json<StoredRecord>), ApiError> {
    let bytes = envelope(&request.envelope)?;
    let now = state.clock.now();
    match state.store.create_record(signed_in.account_id, request.id, bytes, now, MAX_RECORDS).await? {
        RecordWrite::Stored(row) => {
            audit.record(Event::RecordCreated { record: row.id.clone(), revision: row.revision }).await?;
            Ok((StatusCode::CREATED, Json(to_wire(row))))
        }
        RecordWrite::IdTaken => Err(ApiError::new(
            StatusCode::CONFLICT,
            "id_taken",
            "A record with this id exists; make a new id.",
        )),
        RecordWrite::Full => Err(ApiError::invalid(
            "vault_full",
            format!("A vault holds at most {MAX_RECORDS} records. Delete some first."),
        )),
        RecordWrite::Conflict(_) | RecordWrite::NotFound => {
            Err(ApiError::Internal("create answered like an edit".into()))
        }
    }
}

/// Replaces a record if the edit started from the stored revision.
#[tracing::instrument(name = "vault_update", skip_all)]
async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): IdPath<Record>,
    ApiJson(request): ApiJson<UpdateRecordRequest>,
) -> Result<Json<StoredRecord>, ApiError> {
    let bytes = envelope(&request.envelope)?;
    let now = state.clock.now();
    match state.store.update_record(signed_in.account_id, id, request.revision, bytes, now).await? {
        RecordWrite::Stored(row) => {
            audit.record(Event::RecordChanged { record: row.id.clone(), revision: row.revision }).await?;
            Ok(Json(to_wire(row)))
        }
        RecordWrite::Conflict(current) => Err(ApiError::Conflict(Box::new(to_wire(current)))),
        RecordWrite::NotFound => Err(not_found()),
        RecordWrite::IdTaken | RecordWrite::Full => {
            Err(ApiError::Internal("edit answered like a create".into()))
        }
    }
}

/// Deletes a record.
#[tracing::instrument(name = "vault_delete", skip_all)]
async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): IdPath<Record>,
) -> Result<StatusCode, ApiError> {
    if !state.store.delete_record(signed_in.account_id, id.clone()).await? {
        return Err(not_found());
    }
    audit.record(Event::RecordDeleted { record: id }).await?;
    Ok(StatusCode::NO_CONTENT)
}
