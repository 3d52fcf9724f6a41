//! Files on PostgreSQL: the row work every file operation shares (reading, writing, attaching,
//! deleting). A file's record keeps redb's JSON (`FileRecord`); `expires_at` (set while the
//! file is attached to nothing) and `owner` are columns for the sweeper and the vault's list.

use tokio_postgres::Transaction;

use super::pg;
use super::rows::big;
use crate::store::StoreError;
use crate::store::redb::files::FileRecord;
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
    let _ = (txn, id);
    Err(super::rows::not_yet("remove_file"))
}
