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
//! change, and every change it could have read, survives a crash. Reads and writes dropped
//! without a commit see commits that may not be durable yet; they too wait, before they return,
//! until every commit they could have seen is durable, so nothing is answered (or deleted from
//! disk) on the strength of a change a crash would undo.

use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use redb::{Database, Durability, ReadTransaction, WriteTransaction};

use super::StoreError;
use crate::metrics;

/// The database handle with its commit counters.
pub struct Db {
    database: Database,
    /// How many write transactions have committed or are committing. A transaction takes its
    /// number while it still holds redb's write lock, just before it commits, so a durable
    /// commit that begins (and so takes that lock) after the number was read contains it.
    committed: AtomicU64,
    /// The number of commits made durable so far; held while a durable commit is made.
    durable: Mutex<u64>,
}

/// A write transaction of [`Db`]: use it as a [`WriteTransaction`]; [`Write::commit`] returns
/// once the change is durable. Dropped without commit, it stores nothing.
pub struct Write<'db> {
    /// `None` once committed.
    txn: Option<WriteTransaction>,
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
        Ok(Write { txn: Some(txn), db: self })
    }

    /// Begins a write transaction that commits durably by itself (the batch writer's, which
    /// makes one such commit for many requests).
    pub fn begin_durable(&self) -> Result<WriteTransaction, StoreError> {
        Ok(self.database.begin_write()?)
    }

    /// Begins a read transaction, and returns it once every commit it can see is durable.
    pub fn begin_read(&self) -> Result<ReadTransaction, StoreError> {
        let txn = self.database.begin_read()?;
        self.settle()?;
        Ok(txn)
    }

    /// Holds off durable commits while the guard lives, for tests that look at the file as a
    /// crash would leave it.
    #[cfg(test)]
    pub(crate) fn hold_durable(&self) -> MutexGuard<'_, u64> {
        self.durable()
    }

    /// Returns once every commit made so far is durable (at once when it already is).
    fn settle(&self) -> Result<(), StoreError> {
        self.wait_durable(self.committed.load(Ordering::SeqCst))
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
        // A transaction numbered up to `target` has committed, or holds the write lock that the
        // durable commit below waits for: either way that commit contains it.
        let target = self.committed.load(Ordering::SeqCst);
        let started = Instant::now();
        let mut txn = self.database.begin_write()?;
        txn.set_durability(Durability::Immediate);
        txn.commit()?;
        metrics::global().sync_seconds.observe(metrics::seconds(started.elapsed()));
        *durable = target;
        Ok(())
    }
}

impl Write<'_> {
    /// Commits and returns once the change is on disk.
    pub fn commit(mut self) -> Result<(), StoreError> {
        let Some(txn) = self.txn.take() else { return Ok(()) };
        let started = Instant::now();
        let ticket = self.db.committed.fetch_add(1, Ordering::SeqCst) + 1;
        txn.commit()?;
        self.db.wait_durable(ticket)?;
        metrics::global().commit_seconds.observe(metrics::seconds(started.elapsed()));
        Ok(())
    }
}

impl Drop for Write<'_> {
    /// A write dropped without commit stores nothing, but may answer from what it read: it
    /// waits, as a read does, until that is durable.
    fn drop(&mut self) {
        if let Some(txn) = self.txn.take() {
            // The write lock goes first: the durable commit needs it.
            drop(txn);
            if let Err(error) = self.db.settle() {
                tracing::error!(event = "settle_failed", %error);
            }
        }
    }
}

impl Deref for Write<'_> {
    type Target = WriteTransaction;

    fn deref(&self) -> &WriteTransaction {
        // Only `commit` takes the transaction out, and it consumes the `Write`.
        self.txn.as_ref().expect("an uncommitted write has its transaction")
    }
}
