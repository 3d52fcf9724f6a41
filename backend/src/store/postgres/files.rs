//! Files on PostgreSQL: the row work every file operation shares (reading, writing, attaching,
//! deleting). A file's record keeps redb's JSON (`FileRecord`); `expires_at` (set while the
//! file is attached to nothing) and `owner` are columns for the sweeper and the vault's list.
//! A transaction that acts on several files locks their rows in the order of their ids.

use std::collections::HashSet;

use tokio_postgres::{Row, Transaction};

use super::pg;
use super::reservations::{Changes, lock_counters};
use super::rows::big;
use crate::store::StoreError;
use crate::store::redb::files::FileRecord;
use crate::store::redb::schema::STORED_BYTES;
use crate::store::{from_json, to_json};

/// File `id`, its row locked until the transaction ends.
pub(super) async fn read_file(txn: &Transaction<'_>, id: &str) -> Result<Option<FileRecord>, StoreError> {
    let row = txn.query_opt("SELECT record FROM files WHERE id = $1 FOR UPDATE", &[&id]).await.map_err(pg)?;
    row.map(|row| from_json(row.get(0))).transpose()
}

/// Stores `record` as file `id` (new or changed), with its sweeper expiry while unattached.
pub(super) async fn write_file(
    txn: &Transaction<'_>,
    id: &str,
    record: &FileRecord,
) -> Result<(), StoreError> {
    let expires_at = match record.attached() {
        true => None,
        false => Some(big(record.expires_at)?),
    };
    let owner = record.owner.as_ref().map(|owner| owner.as_str());
    txn.execute(
        "INSERT INTO files (id, record, expires_at, owner) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET record = $2, expires_at = $3, owner = $4",
        &[&id, &to_json(record)?, &expires_at, &owner],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Stores a file that has just been attached (to a share or a vault): the sweeper leaves it.
pub(super) async fn attach(txn: &Transaction<'_>, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    write_file(txn, id, record).await
}

/// Removes file `id` from every table, frees its bytes and puts its blob in the trash.
pub(super) async fn remove_file(txn: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    remove_files(txn, &[id.to_owned()]).await
}

/// [`remove_file`] of each of `ids`, their rows locked in order first.
pub(super) async fn remove_files(txn: &Transaction<'_>, ids: &[String]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows = txn
        .query("SELECT id, record FROM files WHERE id = ANY($1) ORDER BY id FOR UPDATE", &[&ids])
        .await
        .map_err(pg)?;
    remove_locked(txn, &records(&rows)?).await
}

/// Files as `(id, record)` from rows of those two columns.
pub(super) fn records(rows: &[Row]) -> Result<Vec<(String, FileRecord)>, StoreError> {
    rows.iter().map(|row| Ok((row.get::<_, String>(0), from_json(row.get(1))?))).collect()
}

/// [`remove_file`] of files whose rows this transaction has locked.
pub(super) async fn remove_locked(
    txn: &Transaction<'_>,
    files: &[(String, FileRecord)],
) -> Result<(), StoreError> {
    if files.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = files.iter().map(|(id, _)| id.as_str()).collect();
    let lasts = files.iter().map(|(_, record)| big(record.chunk_count - 1)).collect::<Result<Vec<_>, _>>()?;
    // The chunks go; what an unfinished upload has written depends on whether its last,
    // shorter, chunk was among them.
    let last_held: HashSet<String> = txn
        .query(
            "WITH gone AS (DELETE FROM file_chunks WHERE file = ANY($1) RETURNING file, chunk)
             SELECT file FROM gone JOIN unnest($1::text[], $2::bigint[]) AS last (file, chunk) USING (file, chunk)",
            &[&ids, &lasts],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    txn.execute(
        "WITH gone AS (DELETE FROM files WHERE id = ANY($1) RETURNING id)
         INSERT INTO blob_trash (id) SELECT id FROM gone ON CONFLICT (id) DO NOTHING",
        &[&ids],
    )
    .await
    .map_err(pg)?;
    let mut changes = Changes::default();
    for (id, record) in files {
        changes.release(record, last_held.contains(id));
        changes.counter(STORED_BYTES, -i128::from(record.ciphertext_size()));
    }
    lock_counters(txn, &changes.counter_names()).await?;
    changes.apply(txn).await
}
