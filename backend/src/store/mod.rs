//! Where Coffer keeps its metadata: shares, accounts, sessions, the vault, uploads, attempts and
//! the security log. Handlers call [`Store`]'s typed methods, which answer once what they
//! changed is durable (`docs/storage.md`). Two backends answer them: [`redb`], one embedded file
//! (the default), and PostgreSQL, shared by several servers (`docs/scaling.md`).

pub mod audit_view;
pub mod chain;
pub mod copy;
mod dispatch;
// Built group by group (issue 13): parts are not called until the backend is complete.
#[allow(dead_code)]
mod postgres;
pub(crate) mod redb;

pub use postgres::cli as migrate_cli;
pub use postgres::{DEFAULT_POOL_SIZE, DatabaseUrl, MIGRATIONS, PgStore};
pub use redb::accounts::{Account, CreateRefused, Credentials, KdfRecord, Totp};
pub use redb::audit;
pub use redb::audit::append_audit_in;
pub use redb::file_shares::FileClaim;
pub use redb::files::{
    CHUNK_OVERHEAD, ChunkOutcome, ChunkSlot, Expiry, FILE_OVERHEAD, FileRow, FinishOutcome, NewUpload,
    StartOutcome, UploadState,
};
pub use redb::notices::{Novelty, SeenSignins};
pub use redb::owned_shares::OwnedShare;
pub use redb::pending::Pending;
pub use redb::schema::NETWORK_HOLDER;
pub use redb::sessions::{NewSession, SessionLookup, SessionRecord};
pub use redb::shares::{
    ClaimOutcome, EndedShare, InsertOutcome, NewShare, ShareOwner, SignatureContext, StoredStatus,
};
pub use redb::vault::{PageSize, RecordRow, RecordWrite, RecordsPage};
pub use redb::vault_usage::{Usage, VaultLimit, VaultLimits};
pub use redb::{DEFAULT_CACHE_BYTES, RedbStore};

use std::path::Path;

/// The metadata store, shared by all requests: one of the backends.
#[derive(Clone)]
pub enum Store {
    /// One redb file in the data directory.
    Redb(RedbStore),
    /// A PostgreSQL database, shared with other servers.
    Postgres(PgStore),
}

/// A storage failure: a 503 when the database is out of reach, a 500 otherwise. The detail goes
/// to the log, not to the client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("database: {0}")]
    Database(String),
    /// The file was written by a different schema version.
    #[error(
        "the database has schema version {found}, this build needs {expected} (the server upgrades an \
         older file when it starts; a newer one needs a newer build)"
    )]
    SchemaVersion {
        /// What the file holds.
        found: u64,
        /// What this build writes.
        expected: u64,
    },
    /// A stored record does not decode.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database cannot be reached or refuses connections for now (restarting, full):
    /// answered 503, and the next request tries again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The transaction conflicted with a concurrent one and was rolled back; the store runs it
    /// again, so only a conflict that kept recurring reaches a caller.
    #[error("database conflict: {0}")]
    Conflict(String),
    /// The account a write belongs to was deleted while the request ran: nothing was stored,
    /// and the client is answered as signed out.
    #[error("the account is gone")]
    AccountGone,
}

impl Store {
    /// Opens (or creates) `coffer.redb` in `data_dir` with the default page cache and checks its
    /// schema version.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        RedbStore::open(data_dir).map(Self::Redb)
    }

    /// [`Store::open`] with a page cache of `cache_bytes`.
    pub fn open_with_cache(data_dir: &Path, cache_bytes: usize) -> Result<Self, StoreError> {
        RedbStore::open_with_cache(data_dir, cache_bytes).map(Self::Redb)
    }

    /// Opens the existing `coffer.redb` in `data_dir` for the operator's commands: creates
    /// nothing, writes nothing, and refuses a file of another schema version.
    pub fn open_existing(data_dir: &Path) -> Result<Self, StoreError> {
        RedbStore::open_existing(data_dir).map(Self::Redb)
    }

    /// Connects to the PostgreSQL database at `url` with up to `pool_size` connections and
    /// brings its schema up to date; `server` names this server's chain in the security log.
    pub async fn connect(url: &str, pool_size: usize, server: &str) -> Result<Self, StoreError> {
        PgStore::connect(url, pool_size, server).await.map(Self::Postgres)
    }
}

/// Encodes a stored record as JSON.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Decodes a stored JSON record.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Corrupt(error.to_string()))
}
