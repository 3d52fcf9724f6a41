//! The vault's records (docs/api.md, "Vault"): opaque `vault-record` envelopes sealed in the
//! browser, listed a bounded page at a time, created, edited against a revision, and deleted,
//! within the vault's record and byte limits. Every route is scoped to the signed-in account;
//! another account's record id is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    CreateRecordRequest, ErrorCode, MAX_RECORD_BYTES, MAX_RECORDS, PAGE_MAX_BYTES, PAGE_MAX_RECORDS,
    RecordPage, StoredRecord, UpdateRecordRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Kind};
use coffer_shared::id::RecordId;
use coffer_shared::id::marker::Record;
use serde::Deserialize;

use crate::audit::{Audit, Event};
use crate::auth::session::SignedIn;
use crate::http::error::ApiError;
use crate::http::id_path::IdPath;
use crate::http::json::ApiJson;
use crate::http::query::ApiQuery;
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::{PageSize, RecordRow, RecordWrite, VaultLimit, VaultLimits};

/// The vault routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::VAULT_RECORDS, get(list).post(create))
        .route(route::VAULT_RECORD, put(update).delete(remove))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is no such record in your vault.")
}

/// 507 `vault_full`: the write would take the vault over `limit`; nothing was stored.
fn vault_full(limit: VaultLimit, settings: &Settings) -> ApiError {
    let message = match limit {
        VaultLimit::Records => format!("A vault holds at most {MAX_RECORDS} records. Delete some first."),
        VaultLimit::Bytes => format!(
            "A vault holds at most {} bytes of sealed records and this does not fit. Delete some records first.",
            settings.vault_max_bytes
        ),
    };
    ApiError::new(StatusCode::INSUFFICIENT_STORAGE, ErrorCode::VaultFull, message)
}

fn limits(settings: &Settings) -> VaultLimits {
    VaultLimits { max_records: MAX_RECORDS as u64, max_bytes: settings.vault_max_bytes }
}

/// The query of the list: `after` (a `next`) and `limit`, both optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    after: Option<String>,
    limit: Option<String>,
}

impl PageQuery {
    /// The cursor and the page's bounds, or a 422 naming the parameter.
    fn parse(&self) -> Result<(Option<RecordId>, PageSize), ApiError> {
        let after = match &self.after {
            None => None,
            Some(text) => Some(text.parse::<RecordId>().map_err(|_| {
                ApiError::invalid(
                    ErrorCode::InvalidField,
                    "after: must be the `next` of a page (a record id)",
                )
                .with_field("after")
            })?),
        };
        let records = match &self.limit {
            None => PAGE_MAX_RECORDS,
            Some(text) => {
                text.parse::<usize>().ok().filter(|limit| (1..=PAGE_MAX_RECORDS).contains(limit)).ok_or_else(
                    || {
                        ApiError::invalid(
                            ErrorCode::InvalidField,
                            format!("limit: must be from 1 to {PAGE_MAX_RECORDS}"),
                        )
                        .with_field("limit")
                    },
                )?
            }
        };
        Ok((after, PageSize { records, bytes: PAGE_MAX_BYTES }))
    }
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
    let bytes = b64::decode(text).map_err(|_| {
        ApiError::malformed(ErrorCode::InvalidEnvelope, "envelope: must be canonical base64url")
            .with_field("envelope")
    })?;
    let parsed = Envelope::parse(&bytes).map_err(|error| {
        ApiError::invalid(ErrorCode::InvalidEnvelope, format!("envelope: {error}")).with_field("envelope")
    })?;
    if parsed.header.kind != Kind::VaultRecord || parsed.header.password.is_some() || parsed.header.signed {
        return Err(ApiError::invalid(
            ErrorCode::InvalidEnvelope,
            "envelope: must be a vault-record envelope without flags",
        )
        .with_field("envelope"));
    }
    Ok(bytes)
}

/// One page of the vault, read in one read transaction: the records after `after`, in id order.
#[tracing::instrument(name = "vault_list", skip_all)]
async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let (after, size) = query.parse()?;
    let page = state.store.records_page(signed_in.account_id, after, size).await?;
    Ok(Json(RecordPage {
        records: page.rows.into_iter().map(to_wire).collect(),
        next: page.next,
        version: page.version,
    }))
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
    let limits = limits(&state.settings);
    match state.store.create_record(signed_in.account_id, request.id, bytes, now, limits).await? {
        RecordWrite::Stored(row) => {
            audit.record(Event::RecordCreated { record: row.id.clone(), revision: row.revision }).await?;
            Ok((StatusCode::CREATED, Json(to_wire(row))))
        }
        RecordWrite::IdTaken => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::IdTaken,
            "A record with this id exists; make a new id.",
        )),
        RecordWrite::Full(limit) => Err(vault_full(limit, &state.settings)),
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
    let limits = limits(&state.settings);
    match state.store.update_record(signed_in.account_id, id, request.revision, bytes, now, limits).await? {
        RecordWrite::Stored(row) => {
            audit.record(Event::RecordChanged { record: row.id.clone(), revision: row.revision }).await?;
            Ok(Json(to_wire(row)))
        }
        RecordWrite::Conflict(current) => Err(ApiError::Conflict(Box::new(to_wire(current)))),
        RecordWrite::NotFound => Err(not_found()),
        RecordWrite::Full(limit) => Err(vault_full(limit, &state.settings)),
        RecordWrite::IdTaken => Err(ApiError::Internal("edit answered like a create".into())),
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
