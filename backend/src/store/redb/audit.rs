//! The security event log in redb (`docs/audit.md`, "Storage"): events by `seq`, each account's
//! events by `account_seq`, and the head of every chain, written together.
//!
//! Only the batch writer's thread appends ([`append_audit_in`]), so the heads have one writer.
//! Readers (the Activity API, `audit verify`, `audit export`) use read transactions and never
//! wait on it.

use std::collections::HashMap;
use std::sync::Arc;

use coffer_shared::crypto::audit_chain::ChainKey;
use coffer_shared::id::AccountId;
use redb::{ReadableTable, WriteTransaction};

use super::batch::AfterCommit;
use super::schema::{AUDIT_ACCOUNT_EVENTS, AUDIT_EVENTS, AUDIT_HEADS};
use super::{Db, RedbStore, StoreError};
use crate::audit::record::{Appended, NewEvent, StoredEvent, decode};
use crate::audit::writer::{Committed, Sink};
use crate::store::audit_view::AuditView;
pub use crate::store::chain::Head;
use crate::store::chain::{accounts_of, link};

/// The key of the server chain's head in `audit_heads`.
pub const SERVER_CHAIN: &str = "";

impl Head {
    fn from_tuple((count, last_seq, hash): (u64, u64, [u8; 32])) -> Self {
        Self { count, last_seq, hash }
    }

    fn tuple(self) -> (u64, u64, [u8; 32]) {
        (self.count, self.last_seq, self.hash)
    }
}

/// One page of an account's events, newest first, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// `(account_seq, record)` of the events that passed the filter.
    pub events: Vec<(u64, StoredEvent)>,
    /// The `account_seq` to read below next, if events remain there.
    pub next: Option<u64>,
}

/// A read-only view of the whole log in one transaction, for verification and export.
pub struct AuditSnapshot<'a> {
    txn: &'a redb::ReadTransaction,
}

impl AuditSnapshot<'_> {
    /// Calls `visit(seq, bytes)` for every stored event from `from_seq` on, in order, until it
    /// answers `false`.
    pub fn events(&self, from_seq: u64, mut visit: impl FnMut(u64, &[u8]) -> bool) -> Result<(), StoreError> {
        let Some(table) = existing(self.txn.open_table(AUDIT_EVENTS))? else { return Ok(()) };
        for row in table.range(from_seq..)? {
            let (seq, bytes) = row?;
            if !visit(seq.value(), bytes.value()) {
                break;
            }
        }
        Ok(())
    }

    /// The stored bytes of event `seq`, if it is stored.
    pub fn event(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(table) = existing(self.txn.open_table(AUDIT_EVENTS))? else { return Ok(None) };
        Ok(table.get(seq)?.map(|bytes| bytes.value().to_vec()))
    }

    /// Every head: `""` for the server's chain, account ids for the others.
    pub fn heads(&self) -> Result<Vec<(String, Head)>, StoreError> {
        let Some(table) = existing(self.txn.open_table(AUDIT_HEADS))? else { return Ok(Vec::new()) };
        let mut heads = Vec::new();
        for row in table.iter()? {
            let (key, value) = row?;
            heads.push((key.value().to_owned(), Head::from_tuple(value.value())));
        }
        Ok(heads)
    }

    /// Calls `visit(account, account_seq, seq)` for every entry of the account index, by
    /// account and `account_seq`, until it answers `false`.
    pub fn account_index(&self, mut visit: impl FnMut(&str, u64, u64) -> bool) -> Result<(), StoreError> {
        let Some(table) = existing(self.txn.open_table(AUDIT_ACCOUNT_EVENTS))? else { return Ok(()) };
        for row in table.iter()? {
            let (key, seq) = row?;
            let (account, account_seq) = key.value();
            if !visit(account, account_seq, seq.value()) {
                break;
            }
        }
        Ok(())
    }
}

impl AuditView for AuditSnapshot<'_> {
    fn server_heads(&self) -> Result<Vec<(String, Head)>, StoreError> {
        Ok(self.heads()?.into_iter().filter(|(chain, _)| chain == SERVER_CHAIN).collect())
    }

    fn account_heads(&self) -> Result<Vec<(String, Head)>, StoreError> {
        Ok(self.heads()?.into_iter().filter(|(chain, _)| chain != SERVER_CHAIN).collect())
    }

    fn events(
        &self,
        server: &str,
        from_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        match server == SERVER_CHAIN {
            true => AuditSnapshot::events(self, from_seq, visit),
            false => Ok(()),
        }
    }

    fn written(&self, visit: &mut dyn FnMut(&str, u64, &[u8]) -> bool) -> Result<(), StoreError> {
        AuditSnapshot::events(self, 1, |seq, bytes| visit(SERVER_CHAIN, seq, bytes))
    }

    fn event(&self, server: &str, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        match server == SERVER_CHAIN {
            true => AuditSnapshot::event(self, seq),
            false => Ok(None),
        }
    }

    fn account_index(&self, visit: &mut dyn FnMut(&str, u64, &str, u64) -> bool) -> Result<(), StoreError> {
        AuditSnapshot::account_index(self, |account, account_seq, seq| {
            visit(account, account_seq, SERVER_CHAIN, seq)
        })
    }
}

/// A table of a file written before the log existed reads as empty.
fn existing<T>(opened: Result<T, redb::TableError>) -> Result<Option<T>, StoreError> {
    match opened {
        Ok(table) => Ok(Some(table)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn read_head(
    table: &impl ReadableTable<&'static str, (u64, u64, [u8; 32])>,
    key: &str,
) -> Result<Head, StoreError> {
    Ok(table.get(key)?.map(|value| Head::from_tuple(value.value())).unwrap_or_default())
}

impl RedbStore {
    pub(crate) async fn append_audit(
        &self,
        events: Vec<NewEvent>,
        sink: Sink,
    ) -> Result<Vec<Arc<Committed>>, StoreError> {
        let announce = sink.clone();
        let after: AfterCommit<Vec<Arc<Committed>>> = Box::new(move |committed| announce.announce(committed));
        self.batch.write(move |txn| sink.append(txn, events.clone()), Some(after)).await
    }

    /// Runs `work` and appends the events `record` makes of its result, in one batched
    /// transaction: the change and its events are stored together or not at all. `work` must
    /// write nothing unless it returns `Ok` (see [`super::batch`]).
    pub async fn write_recorded<T, W, R>(&self, mut work: W, record: R, sink: Sink) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnMut(&WriteTransaction) -> Result<T, StoreError> + Send + 'static,
        R: Fn(&T) -> Vec<NewEvent> + Send + 'static,
    {
        let announce = sink.clone();
        let after: AfterCommit<(T, Vec<Arc<Committed>>)> =
            Box::new(move |(_, committed)| announce.announce(committed));
        let job = move |txn: &WriteTransaction| {
            let value = work(txn)?;
            let committed = sink.append(txn, record(&value))?;
            Ok((value, committed))
        };
        let (value, committed) = self.batch.write(job, Some(after)).await?;
        Sink::log(&committed);
        Ok(value)
    }

    pub(crate) fn audit_snapshot<R>(
        &self,
        work: impl FnOnce(&AuditSnapshot<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let txn = self.db.begin_read()?;
        work(&AuditSnapshot { txn: &txn })
    }

    pub(crate) async fn audit_page<F>(
        &self,
        account: AccountId,
        before: Option<u64>,
        limit: usize,
        budget: usize,
        keep: F,
    ) -> Result<AuditPage, StoreError>
    where
        F: Fn(&StoredEvent) -> bool + Send + 'static,
    {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let index = txn.open_table(AUDIT_ACCOUNT_EVENTS)?;
            let log = txn.open_table(AUDIT_EVENTS)?;
            let id = account.as_str();
            let below = before.unwrap_or(u64::MAX);
            let mut events = Vec::new();
            let mut last_examined = None;
            for (examined, row) in index.range((id, 0)..(id, below))?.rev().enumerate() {
                if events.len() >= limit || examined >= budget {
                    break;
                }
                let (key, seq) = row?;
                let account_seq = key.value().1;
                last_examined = Some(account_seq);
                let bytes = log
                    .get(seq.value())?
                    .ok_or_else(|| StoreError::Corrupt(format!("audit event {} is missing", seq.value())))?;
                let record = decode(bytes.value()).map_err(|error| StoreError::Corrupt(error.0))?;
                if keep(&record) {
                    events.push((account_seq, record));
                }
            }
            let next = last_examined.filter(|&account_seq| account_seq > 1);
            Ok(AuditPage { events, next })
        })
        .await
    }

    pub(crate) async fn audit_recent<F>(
        &self,
        account: AccountId,
        budget: usize,
        within: F,
    ) -> Result<(Vec<StoredEvent>, bool), StoreError>
    where
        F: Fn(&StoredEvent) -> bool + Send + 'static,
    {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let index = txn.open_table(AUDIT_ACCOUNT_EVENTS)?;
            let log = txn.open_table(AUDIT_EVENTS)?;
            let id = account.as_str();
            let mut events = Vec::new();
            for row in index.range((id, 0)..(id, u64::MAX))?.rev() {
                if events.len() >= budget {
                    return Ok((events, true));
                }
                let (_, seq) = row?;
                let bytes = log
                    .get(seq.value())?
                    .ok_or_else(|| StoreError::Corrupt(format!("audit event {} is missing", seq.value())))?;
                let record = decode(bytes.value()).map_err(|error| StoreError::Corrupt(error.0))?;
                if !within(&record) {
                    break;
                }
                events.push(record);
            }
            Ok((events, false))
        })
        .await
    }
}

/// Appends `events` in `txn` ([`Sink::append`]): numbers and links them with `key`'s hashes,
/// writes them, the account index and the new heads. Writes only; fails only with a storage
/// error.
pub fn append_audit_in(
    txn: &WriteTransaction,
    events: &[NewEvent],
    key: &ChainKey,
) -> Result<Vec<Appended>, StoreError> {
    let mut heads = txn.open_table(AUDIT_HEADS)?;
    let mut server = read_head(&heads, SERVER_CHAIN)?;
    let mut accounts = HashMap::new();
    for account in accounts_of(events) {
        let head = read_head(&heads, &account)?;
        accounts.insert(account, head);
    }
    let linked = link(events, &mut server, &mut accounts, key);
    let mut log = txn.open_table(AUDIT_EVENTS)?;
    for (seq, bytes) in &linked.records {
        log.insert(*seq, bytes.as_slice())?;
    }
    let mut index = txn.open_table(AUDIT_ACCOUNT_EVENTS)?;
    for (account, account_seq, seq) in &linked.index {
        index.insert((account.as_str(), *account_seq), *seq)?;
    }
    heads.insert(SERVER_CHAIN, server.tuple())?;
    for (account, head) in &accounts {
        heads.insert(account.as_str(), head.tuple())?;
    }
    Ok(linked.appended)
}
