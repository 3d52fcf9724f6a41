//! Reservations (docs/api.md, "Limits and storage"): the bytes that uploads announced at their
//! start. Three counts follow every start, chunk, finish and deletion, each in the transaction
//! that makes the change, and are counted again from the files at every start of the server:
//!
//! - [`RESERVED_BYTES`]: the bytes announced and not written yet. The disk must still take them,
//!   so a start is accepted only if the file system's free space, less all of them and the new
//!   upload, stays above the free-space floor.
//! - [`UPLOAD_HOLDERS`]: per holder (a client network, or an account), the bytes of its
//!   unfinished uploads, whatever they have written; the per-client cap bounds it.
//! - [`ANONYMOUS_HELD`]: the bytes of every file a client network started, from its start until
//!   it is deleted (unfinished, finished, or in a share), which the share of the room that
//!   clients not signed in may take together bounds.

use redb::{ReadableTable, WriteTransaction};

use super::StoreError;
use super::files::FileRecord;
use super::schema::{
    ANONYMOUS_HELD, FILE_CHUNKS, FILES, META, NETWORK_HOLDER, RESERVED_BYTES, UPLOAD_HOLDERS,
};

/// Adds `delta` (may be negative) to the [`META`] counter `key` and returns the new value.
pub(super) fn add_meta(txn: &WriteTransaction, key: &str, delta: i128) -> Result<u64, StoreError> {
    let mut meta = txn.open_table(META)?;
    let current = meta.get(key)?.map_or(0, |value| value.value());
    let next = u64::try_from((i128::from(current) + delta).max(0)).unwrap_or(u64::MAX);
    meta.insert(key, next)?;
    Ok(next)
}

/// Adds `delta` to what `holder`'s unfinished uploads hold and returns the holder's new value;
/// a holder left with nothing is forgotten.
pub(super) fn add_held(txn: &WriteTransaction, holder: &str, delta: i128) -> Result<u64, StoreError> {
    let mut holders = txn.open_table(UPLOAD_HOLDERS)?;
    let current = holders.get(holder)?.map_or(0, |value| value.value());
    let next = u64::try_from((i128::from(current) + delta).max(0)).unwrap_or(u64::MAX);
    if next == 0 {
        holders.remove(holder)?;
    } else {
        holders.insert(holder, next)?;
    }
    Ok(next)
}

/// Adds `delta` to [`ANONYMOUS_HELD`] if `holder` is a client network.
pub(super) fn add_anonymous(txn: &WriteTransaction, holder: &str, delta: i128) -> Result<(), StoreError> {
    if holder.starts_with(NETWORK_HOLDER) {
        add_meta(txn, ANONYMOUS_HELD, delta)?;
    }
    Ok(())
}

/// What the files of every client network hold together.
pub(super) fn anonymous_held(txn: &WriteTransaction) -> Result<u64, StoreError> {
    Ok(txn.open_table(META)?.get(ANONYMOUS_HELD)?.map_or(0, |value| value.value()))
}

/// What `holder`'s unfinished uploads hold.
pub(super) fn held(txn: &WriteTransaction, holder: &str) -> Result<u64, StoreError> {
    Ok(txn.open_table(UPLOAD_HOLDERS)?.get(holder)?.map_or(0, |value| value.value()))
}

/// The ciphertext bytes of upload `id` that its held chunks fill.
fn written(
    chunks: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    id: &str,
    record: &FileRecord,
) -> Result<u64, StoreError> {
    let last = record.chunk_count - 1;
    let last_short = record.stride() - record.chunk_len(last);
    let full = record.received * record.stride();
    Ok(if chunks.get((id, last))?.is_some() { full - last_short } else { full })
}

/// Ends the reservation of file `id`, about to be deleted: what an unfinished upload has not
/// written leaves [`RESERVED_BYTES`] and its size its holder's count; the size of a client
/// network's file leaves [`ANONYMOUS_HELD`].
pub(super) fn release(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    let size = i128::from(record.ciphertext_size());
    if !record.finished {
        let unwritten = record.ciphertext_size() - written(&txn.open_table(FILE_CHUNKS)?, id, record)?;
        add_meta(txn, RESERVED_BYTES, -i128::from(unwritten))?;
    }
    if let Some(holder) = &record.holder {
        if !record.finished {
            add_held(txn, holder, -size)?;
        }
        add_anonymous(txn, holder, -size)?;
    }
    Ok(())
}

/// Counts [`RESERVED_BYTES`], [`UPLOAD_HOLDERS`] and [`ANONYMOUS_HELD`] again from the files, so
/// that they are right whatever wrote the database before (an older version, which counted
/// otherwise or not at all; files started before holders were recorded count against none).
pub(super) fn recount(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut unwritten = 0u64;
    let mut anonymous = 0u64;
    let mut holders = std::collections::HashMap::<String, u64>::new();
    {
        let files = txn.open_table(FILES)?;
        let chunks = txn.open_table(FILE_CHUNKS)?;
        for entry in files.iter()? {
            let (key, value) = entry?;
            let record: FileRecord = super::from_json(value.value())?;
            let size = record.ciphertext_size();
            if !record.finished {
                let id = key.value();
                unwritten = unwritten.saturating_add(size - written(&chunks, id, &record)?);
            }
            let Some(holder) = record.holder else { continue };
            if holder.starts_with(NETWORK_HOLDER) {
                anonymous = anonymous.saturating_add(size);
            }
            if !record.finished {
                let held = holders.entry(holder).or_default();
                *held = held.saturating_add(size);
            }
        }
    }
    let mut table = txn.open_table(UPLOAD_HOLDERS)?;
    table.retain(|_, _| false)?;
    for (holder, held) in &holders {
        table.insert(holder.as_str(), *held)?;
    }
    let mut meta = txn.open_table(META)?;
    meta.insert(RESERVED_BYTES, unwritten)?;
    meta.insert(ANONYMOUS_HELD, anonymous)?;
    Ok(())
}

impl super::Store {
    /// The ciphertext bytes unfinished uploads announced and have not written yet.
    pub async fn reserved_bytes(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &redb::Database| {
            let txn = db.begin_read()?;
            Ok(txn.open_table(META)?.get(RESERVED_BYTES)?.map_or(0, |value| value.value()))
        })
        .await
    }
}
