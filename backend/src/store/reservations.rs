//! Reservations (docs/api.md, "Limits and storage"): the bytes that unfinished uploads announced
//! at their start. Two counts follow every start, chunk, finish and deletion, each in the
//! transaction that makes the change:
//!
//! - [`RESERVED_BYTES`]: the bytes announced and not written yet. The disk must still take them,
//!   so a start is accepted only if the file system's free space, less all of them and the new
//!   upload, stays above the free-space floor.
//! - [`UPLOAD_HOLDERS`]: per holder (a client network, or an account), the bytes of its unfinished
//!   uploads, whatever they have written, and of its finished files not in a share yet (they
//!   too hold the disk until they expire); the per-client cap bounds it. [`ANONYMOUS_HELD`] is
//!   the sum over the client networks, which the share of room they may take together bounds.

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

/// Adds `delta` to what `holder`'s unfinished uploads hold (and, for a client network, to
/// [`ANONYMOUS_HELD`]) and returns the holder's new value; a holder left with nothing is
/// forgotten.
pub(super) fn add_held(txn: &WriteTransaction, holder: &str, delta: i128) -> Result<u64, StoreError> {
    let next = {
        let mut holders = txn.open_table(UPLOAD_HOLDERS)?;
        let current = holders.get(holder)?.map_or(0, |value| value.value());
        let next = u64::try_from((i128::from(current) + delta).max(0)).unwrap_or(u64::MAX);
        if next == 0 {
            holders.remove(holder)?;
        } else {
            holders.insert(holder, next)?;
        }
        next
    };
    if holder.starts_with(NETWORK_HOLDER) {
        add_meta(txn, ANONYMOUS_HELD, delta)?;
    }
    Ok(next)
}

/// What every client network's unfinished uploads hold together.
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
/// written leaves [`RESERVED_BYTES`]; the size of a file not attached yet leaves its holder's
/// count.
pub(super) fn release(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    if !record.finished {
        let unwritten = record.ciphertext_size() - written(&txn.open_table(FILE_CHUNKS)?, id, record)?;
        add_meta(txn, RESERVED_BYTES, -i128::from(unwritten))?;
    }
    if let Some(holder) = &record.holder {
        add_held(txn, holder, -i128::from(record.ciphertext_size()))?;
    }
    Ok(())
}

/// Counts [`RESERVED_BYTES`] and [`ANONYMOUS_HELD`] in a database written before they existed.
pub(super) fn count_if_missing(txn: &WriteTransaction) -> Result<(), StoreError> {
    count_reserved_if_missing(txn)?;
    if txn.open_table(META)?.get(ANONYMOUS_HELD)?.is_some() {
        return Ok(());
    }
    let mut sum = 0u64;
    for entry in txn.open_table(UPLOAD_HOLDERS)?.iter()? {
        let (holder, held) = entry?;
        if holder.value().starts_with(NETWORK_HOLDER) {
            sum = sum.saturating_add(held.value());
        }
    }
    txn.open_table(META)?.insert(ANONYMOUS_HELD, sum)?;
    Ok(())
}

/// Counts [`RESERVED_BYTES`] from the unfinished uploads of a database written before the
/// counter existed (holders were not recorded then, so none is counted).
fn count_reserved_if_missing(txn: &WriteTransaction) -> Result<(), StoreError> {
    if txn.open_table(META)?.get(RESERVED_BYTES)?.is_some() {
        return Ok(());
    }
    let mut unwritten = 0u64;
    {
        let files = txn.open_table(FILES)?;
        let chunks = txn.open_table(FILE_CHUNKS)?;
        for entry in files.iter()? {
            let (key, value) = entry?;
            let record: FileRecord = super::from_json(value.value())?;
            if !record.finished {
                let id = key.value();
                unwritten =
                    unwritten.saturating_add(record.ciphertext_size() - written(&chunks, id, &record)?);
            }
        }
    }
    txn.open_table(META)?.insert(RESERVED_BYTES, unwritten)?;
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
