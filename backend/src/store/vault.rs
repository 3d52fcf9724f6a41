//! Vault records in redb: opaque envelopes keyed by (account id, record id), with a revision
//! that every edit must name, so a concurrent edit is refused instead of lost.

use coffer_shared::id::{AccountId, RecordId};
use redb::{Database, ReadableTable, ReadableTableMetadata};

use super::schema::VAULT;
use super::{Store, StoreError};

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
    /// Create: the vault holds its maximum.
    Full,
    /// Edit: the stored revision is another; here is the stored record.
    Conflict(RecordRow),
    /// Edit: no such record in this vault.
    NotFound,
}

fn row(id: &str, value: (u64, u64, u64, &[u8])) -> Result<RecordRow, StoreError> {
    let id = id.parse().map_err(|_| StoreError::Corrupt(format!("record id {id:?}")))?;
    let (revision, created_at, updated_at, envelope) = value;
    Ok(RecordRow { id, revision, created_at, updated_at, envelope: envelope.to_vec() })
}

impl Store {
    /// Every record of the account's vault, by id.
    pub async fn records(&self, account: AccountId) -> Result<Vec<RecordRow>, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_read()?;
            let table = txn.open_table(VAULT)?;
            let id = account.as_str();
            let mut rows = Vec::new();
            for entry in table.range((id, "")..(id, "~"))? {
                let (key, value) = entry?;
                rows.push(row(key.value().1, value.value())?);
            }
            Ok(rows)
        })
        .await
    }

    /// Stores a new record with revision 1, unless the id is taken or the vault is full.
    pub async fn create_record(
        &self,
        account: AccountId,
        id: RecordId,
        envelope: Vec<u8>,
        now: u64,
        max_records: usize,
    ) -> Result<RecordWrite, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let outcome = {
                let mut table = txn.open_table(VAULT)?;
                let key = (account.as_str(), id.as_str());
                if table.get(key)?.is_some() {
                    return Ok(RecordWrite::IdTaken);
                }
                let count = table.range((account.as_str(), "")..(account.as_str(), "~"))?.count();
                if count >= max_records {
                    return Ok(RecordWrite::Full);
                }
                table.insert(key, (1, now, now, envelope.as_slice()))?;
                RecordWrite::Stored(RecordRow { id, revision: 1, created_at: now, updated_at: now, envelope })
            };
            txn.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// Replaces a record's envelope if its stored revision is `revision`.
    pub async fn update_record(
        &self,
        account: AccountId,
        id: RecordId,
        revision: u64,
        envelope: Vec<u8>,
        now: u64,
    ) -> Result<RecordWrite, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let outcome = {
                let mut table = txn.open_table(VAULT)?;
                let key = (account.as_str(), id.as_str());
                let Some(stored) =
                    table.get(key)?.map(|value| row(id.as_str(), value.value())).transpose()?
                else {
                    return Ok(RecordWrite::NotFound);
                };
                if stored.revision != revision {
                    return Ok(RecordWrite::Conflict(stored));
                }
                let next = revision + 1;
                table.insert(key, (next, stored.created_at, now, envelope.as_slice()))?;
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

    /// Deletes a record; `false` if the vault has no such record.
    pub async fn delete_record(&self, account: AccountId, id: RecordId) -> Result<bool, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let removed = txn.open_table(VAULT)?.remove((account.as_str(), id.as_str()))?.is_some();
            txn.commit()?;
            Ok(removed)
        })
        .await
    }

    /// How many records all vaults hold together (for tests and the health of the store).
    pub async fn record_count(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Database| Ok(db.begin_read()?.open_table(VAULT)?.len()?)).await
    }
}
