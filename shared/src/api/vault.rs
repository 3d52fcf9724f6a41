//! Wire types of the vault (`docs/api.md`, "Vault"). A record travels only as its envelope,
//! sealed in the browser (docs/accounts.md, "Vault records").

use serde::{Deserialize, Serialize};

use super::ErrorCode;
use crate::id::RecordId;

/// The largest record envelope accepted, in bytes.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The most records one vault may hold.
pub const MAX_RECORDS: usize = 10_000;
/// The most sealed bytes (the sum of its envelopes' sizes) one vault may hold unless the
/// administrator sets another limit (`--vault-max-bytes`): 64 MiB.
pub const DEFAULT_VAULT_MAX_BYTES: u64 = 64 << 20;
/// The most records one page of `GET /api/v1/vault/records` holds (and its default `limit`).
pub const PAGE_MAX_RECORDS: usize = 1_000;
/// The most envelope bytes one page holds: records are added while they fit, and a page always
/// holds at least one record (a record is at most [`MAX_RECORD_BYTES`]).
pub const PAGE_MAX_BYTES: usize = 1 << 20;

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredRecord {
    /// Chosen by the browser; bound into the envelope.
    pub id: RecordId,
    /// 1 when created, one more at every edit.
    pub revision: u64,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds of the latest edit.
    pub updated_at: u64,
    /// The `vault-record` envelope, base64url.
    pub envelope: String,
}

/// `GET /api/v1/vault/records?after=&limit=`: one page of the vault, in record id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordPage {
    /// The records whose id sorts after the query's `after`, in id order (byte order of the
    /// base64url text): at most `limit` of them and at most [`PAGE_MAX_BYTES`] of envelopes.
    pub records: Vec<StoredRecord>,
    /// The id to pass as `after` for the next page; `None` on the last page.
    pub next: Option<RecordId>,
    /// The vault's change counter as this page was read: one more at every create, edit and
    /// delete. A listing whose pages all carry the same `version` is a snapshot of the vault;
    /// otherwise it changed between pages and the client lists again.
    pub version: u64,
}

/// `POST /api/v1/vault/records`: a new record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateRecordRequest {
    /// A fresh id; 409 `id_taken` if it is in use.
    pub id: RecordId,
    /// The `vault-record` envelope, base64url.
    pub envelope: String,
}

/// `PUT /api/v1/vault/records/{id}`: an edit of the revision the browser last saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateRecordRequest {
    /// The revision the edit started from; another stored revision is a 409 `conflict`.
    pub revision: u64,
    /// The new envelope, base64url.
    pub envelope: String,
}

/// The body of a 409 `conflict`: the edit was based on an old revision. Nothing was stored;
/// `current` is what is stored now, so the page can show both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictBody {
    /// Always [`ErrorCode::Conflict`].
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The stored record.
    pub current: StoredRecord,
}
