//! Vault records in redb: opaque envelopes keyed by (account id, record id), with a revision
//! that every edit must name, so a concurrent edit is refused instead of lost. Listed one
//! bounded page at a time; every write checks and updates the vault's running totals
//! ([`super::vault_usage`]) in its own transaction.

use std::ops::Bound;

use coffer_shared::id::{AccountId, RecordId};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::schema::{VAULT, VAULT_USAGE};
use super::vault_usage::{Usage, VaultLimit, VaultLimits};
use super::{Db, RedbStore, StoreError};

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    /// The record's id.
    pub id: RecordId,
    /// 1 at creation, +1 per edit.
    pub revision: u64,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub updated_at: u64,
    /// The envelope.
    pub envelope: Vec<u8>,
}

/// The outcome of a create or an edit. Only `Stored` changed anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordWrite {
    /// Stored; here is the record as it is now.
    Stored(RecordRow),
    /// Create: the id is in use in this vault.
    IdTaken,
    /// Nothing stored: the write would take the vault over this limit.
    Full(VaultLimit),
    /// Edit: the stored revision is another; here is the stored record.
    Conflict(RecordRow),
    /// Edit: no such record in this vault.
    NotFound,
}

/// One page of a vault, read in one read transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordsPage {
    /// The records after the cursor, in id order.
    pub rows: Vec<RecordRow>,
    /// The last id of `rows` if more records follow; `None` on the last page.
    pub next: Option<RecordId>,
    /// The vault's version as the page was read.
    pub version: u64,
}

/// The bounds of one page: at most `records` rows and `bytes` envelope bytes (at least one row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    /// The most rows.
    pub records: usize,
    /// The most envelope bytes, unless the first row alone is larger.
    pub bytes: usize,
}

fn row(id: &str, value: (u64, u64, u64, &[u8])) -> Result<RecordRow, StoreError> {
    let id = id.parse().map_err(|_| StoreError::Corrupt(format!("record id {id:?}")))?;
    let (revision, created_at, updated_at, envelope) = value;
    Ok(RecordRow { id, revision, created_at, updated_at, envelope: envelope.to_vec() })
}

impl RedbStore {
    pub(crate) async fn records_page(
        &self,
        account: AccountId,
        after: Option<RecordId>,
        size: PageSize,
    ) -> Result<RecordsPage, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let id = account.as_str();
            let version = Usage::read(&txn.open_table(VAULT_USAGE)?, id)?.version;
            let table = txn.open_table(VAULT)?;
            let start = match &after {
                Some(after) => Bound::Excluded((id, after.as_str())),
                None => Bound::Included((id, "")),
            };
            let (mut rows, mut bytes, mut next) = (Vec::new(), 0, None);
            for entry in table.range::<(&str, &str)>((start, Bound::Excluded((id, "~"))))? {
                let (key, value) = entry?;
                let value = value.value();
                let full =
                    rows.len() >= size.records || (!rows.is_empty() && bytes + value.3.len() > size.bytes);
                if full {
                    next = rows.last().map(|row: &RecordRow| row.id.clone());
                    break;
                }
                bytes += value.3.len();
                rows.push(row(key.value().1, value)?);
            }
            Ok(RecordsPage { rows, next, version })
        })
        .await
    }

    pub(crate) async fn create_record(
        &self,
        account: AccountId,
        id: RecordId,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            super::accounts::existing_account(&txn, account.as_str())?;
            let outcome = {
                let mut table = txn.open_table(VAULT)?;
                let mut usage_table = txn.open_table(VAULT_USAGE)?;
                let key = (account.as_str(), id.as_str());
                if table.get(key)?.is_some() {
                    return Ok(RecordWrite::IdTaken);
                }
                let usage = Usage::read(&usage_table, account.as_str())?;
                let usage = match usage.after_write(None, envelope.len() as u64, limits) {
                    Ok(usage) => usage,
                    Err(limit) => return Ok(RecordWrite::Full(limit)),
                };
                table.insert(key, (1, now, now, envelope.as_slice()))?;
                usage.write(&mut usage_table, account.as_str())?;
                RecordWrite::Stored(RecordRow { id, revision: 1, created_at: now, updated_at: now, envelope })
            };
            txn.commit()?;
            Ok(outcome)
        })
        .await
    }

    pub(crate) async fn update_record(
        &self,
        account: AccountId,
        id: RecordId,
        revision: u64,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let outcome = {
                let mut table = txn.open_table(VAULT)?;
                let mut usage_table = txn.open_table(VAULT_USAGE)?;
                let key = (account.as_str(), id.as_str());
                let Some(stored) =
                    table.get(key)?.map(|value| row(id.as_str(), value.value())).transpose()?
                else {
                    return Ok(RecordWrite::NotFound);
                };
                if stored.revision != revision {
                    return Ok(RecordWrite::Conflict(stored));
                }
                let usage = Usage::read(&usage_table, account.as_str())?;
                let old = stored.envelope.len() as u64;
                let usage = match usage.after_write(Some(old), envelope.len() as u64, limits) {
                    Ok(usage) => usage,
                    Err(limit) => return Ok(RecordWrite::Full(limit)),
                };
                let next = revision + 1;
                table.insert(key, (next, stored.created_at, now, envelope.as_slice()))?;
                usage.write(&mut usage_table, account.as_str())?;
                RecordWrite::Stored(RecordRow {
                    id,
                    revision: next,
                    created_at: stored.created_at,
                    updated_at: now,
                    envelope,
                })
            };
            txn.commit()?;
            Ok(outcome)
        })
        .await
    }

    pub(crate) async fn delete_record(&self, account: AccountId, id: RecordId) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let removed = {
                let mut table = txn.open_table(VAULT)?;
                let removed = table.remove((account.as_str(), id.as_str()))?;
                match removed {
                    Some(value) => {
                        let old = value.value().3.len() as u64;
                        let mut usage_table = txn.open_table(VAULT_USAGE)?;
                        let usage = Usage::read(&usage_table, account.as_str())?;
                        usage.after_delete(old).write(&mut usage_table, account.as_str())?;
                        true
                    }
                    None => false,
                }
            };
            txn.commit()?;
            Ok(removed)
        })
        .await
    }

    pub(crate) async fn vault_usage(&self, account: AccountId) -> Result<Usage, StoreError> {
        self.blocking(move |db: &Db| {
            Usage::read(&db.begin_read()?.open_table(VAULT_USAGE)?, account.as_str())
        })
        .await
    }

    pub(crate) async fn record_count(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Db| Ok(db.begin_read()?.open_table(VAULT)?.len()?)).await
    }
}

/// Deletes every record of `account` and its totals, inside `txn` (the account's deletion).
pub(super) fn remove_vault(txn: &WriteTransaction, account: &str) -> Result<(), StoreError> {
    txn.open_table(VAULT)?.retain_in((account, "")..(account, "~"), |_, _| false)?;
    txn.open_table(VAULT_USAGE)?.remove(account)?;
    Ok(())
}
