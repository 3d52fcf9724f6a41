//! Where Coffer keeps its metadata: shares, accounts, sessions, the vault, uploads, attempts and
//! the security log. Handlers call [`Store`]'s typed methods, which answer once what they
//! changed is durable (`docs/storage.md`). Two backends answer them: [`redb`], one embedded file
//! (the default), and PostgreSQL, shared by several servers (`docs/scaling.md`).

mod dispatch;
mod redb;

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
}

/// A storage failure. Always a 500: the detail goes to the log, not to the client.
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
}
