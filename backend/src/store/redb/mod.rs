//! The embedded metadata store: one redb file (`docs/storage.md`). Methods answer once what
//! they changed is durable: creates and claims of shares and the security log run in the batch
//! writer's shared transactions ([`batch`]); every other method opens its own transaction on a
//! blocking thread and shares the `fsync` ([`group_commit`]).

pub mod accounts;
pub mod attempts;
pub mod audit;
mod batch;
pub mod downloads;
#[cfg(test)]
mod durability_tests;
pub(crate) mod file_shares;
mod file_sweep;
pub mod files;
mod group_commit;
pub mod notices;
pub mod owned_shares;
pub mod pending;
pub(crate) mod recorded;
mod reservations;
pub(crate) mod schema;
mod schema_v1;
pub mod sessions;
pub(crate) mod share_record;
pub mod shares;
mod uploads;
pub mod vault;
pub mod vault_usage;

use super::StoreError;
use super::{from_json, to_json};
use std::path::Path;
use std::sync::Arc;

use redb::Database;

use batch::Batcher;
use group_commit::Db;

/// The embedded database: one redb file, shared by all requests.
#[derive(Clone)]
pub struct RedbStore {
    db: Arc<Db>,
    batch: Arc<Batcher>,
}

impl<E: Into<redb::Error>> From<E> for StoreError {
    fn from(error: E) -> Self {
        Self::Database(error.into().to_string())
    }
}

/// The bytes of database pages kept in memory unless the administrator sets another size
/// (`--db-cache-bytes`): 64 MiB. redb's own default, 1 GiB, let the server's memory grow with
/// whatever was last read (a large vault listed once stayed resident).
pub const DEFAULT_CACHE_BYTES: usize = 64 << 20;

impl RedbStore {
    /// Opens (or creates) `coffer.redb` in `data_dir` with the default page cache and checks its
    /// schema version.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open_with_cache(data_dir, DEFAULT_CACHE_BYTES)
    }

    /// [`RedbStore::open`] with a page cache of `cache_bytes`.
    pub fn open_with_cache(data_dir: &Path, cache_bytes: usize) -> Result<Self, StoreError> {
        let io = |error: std::io::Error| StoreError::Database(error.to_string());
        crate::owner_only::data_dir(data_dir).map_err(io)?;
        let path = data_dir.join("coffer.redb");
        // A new database starts as an empty file only this user may read: redb would make it
        // with the umask's mode.
        match crate::owner_only::file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => return Err(io(error)),
            _ => {}
        }
        let db = redb::Builder::new().set_cache_size(cache_bytes).create(path)?;
        schema::initialise(&db)?;
        Self::serve(db)
    }

    /// Opens the existing `coffer.redb` in `data_dir` for the operator's commands: creates
    /// nothing, writes nothing, and refuses a file of another schema version.
    pub fn open_existing(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join("coffer.redb");
        if !path.is_file() {
            return Err(StoreError::Database(format!("{} does not exist", path.display())));
        }
        let db = Database::open(path)?;
        schema::check_version(&db)?;
        Self::serve(db)
    }

    fn serve(db: Database) -> Result<Self, StoreError> {
        let db = Arc::new(Db::new(db));
        let batch = Arc::new(Batcher::start(Arc::clone(&db))?);
        Ok(Self { db, batch })
    }

    /// A read transaction over the whole file, for `coffer-server migrate --from`, which copies
    /// it table by table. Blocking.
    pub(crate) fn read(&self) -> Result<redb::ReadTransaction, StoreError> {
        self.db.begin_read()
    }

    /// Runs `work` against the database on a blocking thread.
    async fn blocking<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, StoreError> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(|error| StoreError::Database(format!("blocking task failed: {error}")))?
    }
}
