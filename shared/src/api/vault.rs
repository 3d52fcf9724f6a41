//! Wire types of the vault (`docs/api.md`, "Vault"). A record travels only as its envelope,
//! sealed in the browser (docs/accounts.md, "Vault records").

use serde::{Deserialize, Serialize};

use crate::id::RecordId;

/// The largest record envelope accepted, in bytes.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The most records one vault may hold.
pub const MAX_RECORDS: usize = 10_000;

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// `GET /api/v1/vault/records`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordList {
    /// Every record of the vault, oldest id first.
    pub records: Vec<StoredRecord>,
}

/// `POST /api/v1/vault/records`: a new record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRecordRequest {
    /// A fresh id; 409 `id_taken` if it is in use.
    pub id: RecordId,
    /// The `vault-record` envelope, base64url.
    pub envelope: String,
}

/// `PUT /api/v1/vault/records/{id}`: an edit of the revision the browser last saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ConflictBody {
    /// Always `conflict`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The stored record.
    pub current: StoredRecord,
}
