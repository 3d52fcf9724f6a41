//! [`Db`]: the database with group commit (`docs/storage.md`, "Group commit").
//!
//! Every write transaction commits without an `fsync` (redb's `Durability::None`: visible to
//! later transactions at once, on disk only after a durable commit), then waits until a durable
//! commit made after it has returned. One caller at a time makes that durable commit, an empty
//! transaction with `Durability::Immediate`, which writes and syncs every commit before it; the
//! callers that queued meanwhile find their commit already durable, or share the next one. So
//! each `fsync` serves every request that committed since the last one, and a request is answered
//! only once what it changed is on disk.
//!
//! Crash safety: a reopened database holds exactly the commits up to its last durable commit.
//! A commit is answered only after a durable commit that began after it, so every answered
//! change, and every change it could have read, survives a crash.

use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use redb::{Database, Durability, ReadTransaction, WriteTransaction};

use super::StoreError;

/// The database handle with its commit counters.
pub struct Db {
    database: Database,
    /// How many write transactions have committed (durably or not). A commit takes its number
    /// after it has committed.
    committed: AtomicU64,
    /// The number of commits made durable so far; held while a durable commit is made.
    durable: Mutex<u64>,
}

/// A write transaction of [`Db`]: use it as a [`WriteTransaction`]; [`Write::commit`] returns
/// once the change is durable. Dropped without commit, it stores nothing.
pub struct Write<'db> {
    txn: WriteTransaction,
    db: &'db Db,
}

impl Db {
    /// Wraps an open database.
    pub fn new(database: Database) -> Self {
        Self { database, committed: AtomicU64::new(0), durable: Mutex::new(0) }
    }

    /// Begins a write transaction (waiting, as redb does, while another one is open).
    pub fn begin_write(&self) -> Result<Write<'_>, StoreError> {
        let mut txn = self.database.begin_write()?;
        txn.set_durability(Durability::None);
        Ok(Write { txn, db: self })
    }

    /// Begins a write transaction that commits durably by itself (the batch writer's, which
    /// makes one such commit for many requests).
    pub fn begin_durable(&self) -> Result<WriteTransaction, StoreError> {
        Ok(self.database.begin_write()?)
    }

    /// Begins a read transaction. It sees every commit made so far, durable or not: what it reads
    /// may be answered only through a write (whose commit waits for durability) or once the
    /// writes it saw were answered.
    pub fn begin_read(&self) -> Result<ReadTransaction, StoreError> {
        Ok(self.database.begin_read()?)
    }

    fn durable(&self) -> MutexGuard<'_, u64> {
        self.durable.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Returns once commit number `ticket` is durable, making a durable commit if no one has yet.
    fn wait_durable(&self, ticket: u64) -> Result<(), StoreError> {
        let mut durable = self.durable();
        if *durable >= ticket {
            return Ok(());
        }
        // Every commit numbered up to `target` has committed (numbers are taken after the
        // commit), so the durable commit below, which begins after this load, contains them.
        let target = self.committed.load(Ordering::SeqCst);
        let mut txn = self.database.begin_write()?;
        txn.set_durability(Durability::Immediate);
        txn.commit()?;
        *durable = target;
        Ok(())
    }
}

impl Write<'_> {
    /// Commits and returns once the change is on disk.
    pub fn commit(self) -> Result<(), StoreError> {
        let Self { txn, db } = self;
        txn.commit()?;
        let ticket = db.committed.fetch_add(1, Ordering::SeqCst) + 1;
        db.wait_durable(ticket)
    }
}

impl Deref for Write<'_> {
    type Target = WriteTransaction;

    fn deref(&self) -> &WriteTransaction {
        &self.txn
    }
}
