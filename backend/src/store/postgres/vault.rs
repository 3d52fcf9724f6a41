//! The vault on PostgreSQL: records keyed by (account, id) with the revision every edit must
//! name, and each account's running totals in `vault_usage`, as in redb.
//!
//! The usage row is the vault's lock: every create, edit and delete of an account locks it
//! first (creating it when missing), then checks and writes under it. So writes to one vault
//! take turns whichever servers they come from, a limit holds to the exact record and byte, and
//! of two edits from one revision only the first is stored. The row stays when the vault
//! empties, so its `version` never repeats; only the account's deletion removes it.

use coffer_shared::id::{AccountId, RecordId};
use tokio_postgres::{Row, Transaction};

use super::accounts;
use super::rows::{big, unsigned};
use super::{PgStore, pg};
use crate::store::{PageSize, RecordRow, RecordWrite, RecordsPage, StoreError, Usage, VaultLimits};

/// The columns [`record`] reads, in its order.
const COLUMNS: &str = "id, revision, created_at, updated_at, envelope";

/// A record from the [`COLUMNS`] of `row`, from column `at` on.
fn record(row: &Row, at: usize) -> Result<RecordRow, StoreError> {
    let id: &str = row.get(at);
    Ok(RecordRow {
        id: id.parse().map_err(|_| StoreError::Corrupt(format!("record id {id:?}")))?,
        revision: unsigned(row.get(at + 1))?,
        created_at: unsigned(row.get(at + 2))?,
        updated_at: unsigned(row.get(at + 3))?,
        envelope: row.get(at + 4),
    })
}

fn usage(row: &Row) -> Result<Usage, StoreError> {
    Ok(Usage { records: unsigned(row.get(0))?, bytes: unsigned(row.get(1))?, version: unsigned(row.get(2))? })
}

fn len(envelope: &[u8]) -> u64 {
    envelope.len() as u64
}

/// Locks `account`'s usage row, creating it (all zeros) if the account never stored a record.
async fn lock_usage(txn: &Transaction<'_>, account: &str) -> Result<Usage, StoreError> {
    let locked = txn
        .query_opt(
            "SELECT records, bytes, version FROM vault_usage WHERE account = $1 FOR UPDATE",
            &[&account],
        )
        .await
        .map_err(pg)?;
    if let Some(row) = locked {
        return usage(&row);
    }
    // The first write of this vault, maybe racing another: the upsert returns the row locked
    // whichever of them inserts it.
    let row = txn
        .query_one(
            "INSERT INTO vault_usage (account, records, bytes, version) VALUES ($1, 0, 0, 0)
             ON CONFLICT (account) DO UPDATE SET account = excluded.account
             RETURNING records, bytes, version",
            &[&account],
        )
        .await
        .map_err(pg)?;
    usage(&row)
}

async fn write_usage(txn: &Transaction<'_>, account: &str, usage: Usage) -> Result<(), StoreError> {
    txn.execute(
        "UPDATE vault_usage SET records = $2, bytes = $3, version = $4 WHERE account = $1",
        &[&account, &big(usage.records)?, &big(usage.bytes)?, &big(usage.version)?],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub(crate) async fn records_page(
        &self,
        account: AccountId,
        after: Option<RecordId>,
        size: PageSize,
    ) -> Result<RecordsPage, StoreError> {
        let records = i64::try_from(size.records).unwrap_or(i64::MAX - 1);
        let bytes = i64::try_from(size.bytes).unwrap_or(i64::MAX);
        let after = after.as_ref().map_or("", |after| after.as_str());
        // One statement, so one snapshot: the version and the rows agree, as in redb's read
        // transaction. Only one row past the page is looked at (to tell whether more follow),
        // and no envelope off the page is sent. The usage side always has one row, so
        // an empty page still answers the version.
        let sql = format!(
            "SELECT usage.version, page.ahead, {COLUMNS}
             FROM (SELECT coalesce(max(version), 0) AS version FROM vault_usage WHERE account = $1) AS usage
             LEFT JOIN (
                 SELECT {COLUMNS}, row_number() OVER w AS n, sum(octet_length(envelope)) OVER w AS upto,
                        count(*) OVER () AS ahead
                 FROM (SELECT {COLUMNS} FROM vault_records WHERE account = $1 AND id > $2
                       ORDER BY id LIMIT $3::bigint + 1) AS after_cursor
                 WINDOW w AS (ORDER BY id)
             ) AS page ON page.n = 1 OR (page.n <= $3::bigint AND page.upto <= $4::bigint)
             ORDER BY page.id"
        );
        let client = self.client().await?;
        let rows = client.query(&sql, &[&account.as_str(), &after, &records, &bytes]).await.map_err(pg)?;
        let version = rows.first().map(|row| unsigned(row.get(0))).transpose()?.unwrap_or(0);
        // How many rows follow the cursor, up to one past the page; none: the one row of
        // `rows` is the usage side alone.
        let ahead = rows.first().and_then(|row| row.get::<_, Option<i64>>(1)).map(unsigned).transpose()?;
        let rows = match ahead {
            None => Vec::new(),
            Some(_) => rows.iter().map(|row| record(row, 2)).collect::<Result<Vec<_>, _>>()?,
        };
        let more = ahead.unwrap_or(0) > rows.len() as u64;
        let next = more.then(|| rows.last().map(|row| row.id.clone())).flatten();
        Ok(RecordsPage { rows, next, version })
    }

    pub(crate) async fn create_record(
        &self,
        account: AccountId,
        id: RecordId,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        let (account, key, at) = (account.as_str(), id.as_str(), big(now)?);
        transaction!(self, txn => {
            accounts::hold_account(&txn, account).await?;
            let before = lock_usage(&txn, account).await?;
            let after = match before.after_write(None, len(&envelope), limits) {
                Ok(after) => after,
                // A taken id is the answer even in a full vault, as in redb.
                Err(limit) => {
                    let taken = txn
                        .query_opt("SELECT 1 FROM vault_records WHERE account = $1 AND id = $2", &[&account, &key])
                        .await
                        .map_err(pg)?;
                    return Ok(match taken {
                        Some(_) => RecordWrite::IdTaken,
                        None => RecordWrite::Full(limit),
                    });
                }
            };
            let inserted = txn
                .execute(
                    "INSERT INTO vault_records (account, id, revision, created_at, updated_at, envelope)
                     VALUES ($1, $2, 1, $3, $3, $4) ON CONFLICT (account, id) DO NOTHING",
                    &[&account, &key, &at, &envelope],
                )
                .await
                .map_err(pg)?;
            if inserted == 0 {
                return Ok(RecordWrite::IdTaken);
            }
            write_usage(&txn, account, after).await?;
            Ok(RecordWrite::Stored(RecordRow {
                id: id.clone(),
                revision: 1,
                created_at: now,
                updated_at: now,
                envelope: envelope.clone(),
            }))
        })
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
        let (account, key, at) = (account.as_str(), id.as_str(), big(now)?);
        transaction!(self, txn => {
            accounts::hold_account(&txn, account).await?;
            let before = lock_usage(&txn, account).await?;
            let sql = format!("SELECT {COLUMNS} FROM vault_records WHERE account = $1 AND id = $2 FOR UPDATE");
            let Some(row) = txn.query_opt(&sql, &[&account, &key]).await.map_err(pg)? else {
                return Ok(RecordWrite::NotFound);
            };
            let stored = record(&row, 0)?;
            if stored.revision != revision {
                return Ok(RecordWrite::Conflict(stored));
            }
            let after = match before.after_write(Some(len(&stored.envelope)), len(&envelope), limits) {
                Ok(after) => after,
                Err(limit) => return Ok(RecordWrite::Full(limit)),
            };
            let next = revision + 1;
            txn.execute(
                "UPDATE vault_records SET revision = $3, updated_at = $4, envelope = $5
                 WHERE account = $1 AND id = $2",
                &[&account, &key, &big(next)?, &at, &envelope],
            )
            .await
            .map_err(pg)?;
            write_usage(&txn, account, after).await?;
            Ok(RecordWrite::Stored(RecordRow {
                id: id.clone(),
                revision: next,
                created_at: stored.created_at,
                updated_at: now,
                envelope: envelope.clone(),
            }))
        })
    }

    pub(crate) async fn delete_record(&self, account: AccountId, id: RecordId) -> Result<bool, StoreError> {
        let (account, key) = (account.as_str(), id.as_str());
        transaction!(self, txn => {
            accounts::hold_account(&txn, account).await?;
            let before = lock_usage(&txn, account).await?;
            let deleted = txn
                .query_opt(
                    "DELETE FROM vault_records WHERE account = $1 AND id = $2 RETURNING octet_length(envelope)",
                    &[&account, &key],
                )
                .await
                .map_err(pg)?;
            let Some(row) = deleted else {
                return Ok(false);
            };
            let old = u64::try_from(row.get::<_, i32>(0)).unwrap_or(0);
            write_usage(&txn, account, before.after_delete(old)).await?;
            Ok(true)
        })
    }

    pub(crate) async fn vault_usage(&self, account: AccountId) -> Result<Usage, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT records, bytes, version FROM vault_usage WHERE account = $1",
                &[&account.as_str()],
            )
            .await
            .map_err(pg)?;
        row.map(|row| usage(&row)).transpose().map(Option::unwrap_or_default)
    }

    pub(crate) async fn record_count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client.query_one("SELECT count(*) FROM vault_records", &[]).await.map_err(pg)?;
        unsigned(row.get(0))
    }
}

/// Removes `account`'s vault: its records and its usage row (an account's deletion). The usage
/// row goes first, so that writes of this vault racing the deletion wait for it, as for any
/// other write.
pub(super) async fn remove_vault(txn: &Transaction<'_>, account: &str) -> Result<(), StoreError> {
    txn.execute("DELETE FROM vault_usage WHERE account = $1", &[&account]).await.map_err(pg)?;
    txn.execute("DELETE FROM vault_records WHERE account = $1", &[&account]).await.map_err(pg)?;
    Ok(())
}
