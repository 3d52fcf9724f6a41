//! Reservations (docs/api.md, "Limits and storage"): the bytes that uploads announced at their
//! start. Three counts follow every start, chunk, finish and deletion, each in the transaction
//! that makes the change (and are counted from the files once when the way of counting
//! changes, [`COUNTS_VERSION`]). The last two count each file's
//! [`charged_size`](FileRecord::charged_size), its ciphertext and what it costs beside it:
//!
//! - [`RESERVED_BYTES`]: the bytes announced and not written yet. The disk must still take them,
//!   so a start is accepted only if the file system's free space, less all of them and the new
//!   upload, stays above the free-space floor.
//! - [`UPLOAD_HOLDERS`]: per holder (a client network, or an account), the bytes of its
//!   unfinished uploads, whatever they have written; the per-client cap bounds it.
//! - [`ANONYMOUS_HELD`]: the bytes of every file a client network started, from its start until
//!   it is deleted (unfinished, finished, or in a share), which the share of the room that
//!   clients not signed in may take together bounds. [`ANONYMOUS_CIPHERTEXT`] is the same
//!   files' ciphertext alone: what they took of the disk or reserved, added back to reckon the
//!   room as if they held nothing.

use redb::{ReadableTable, WriteTransaction};

use super::files::FileRecord;
use super::schema::{
    ANONYMOUS_CIPHERTEXT, ANONYMOUS_HELD, FILE_CHUNKS, FILES, META, NETWORK_HOLDER, RESERVED_BYTES,
    UPLOAD_HOLDERS,
};
use super::{Db, StoreError};

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

/// Adds `record` to (`sign` 1) or takes it off (`sign` -1) [`ANONYMOUS_HELD`] and
/// [`ANONYMOUS_CIPHERTEXT`] if its holder is a client network.
pub(super) fn add_anonymous(
    txn: &WriteTransaction,
    record: &FileRecord,
    sign: i128,
) -> Result<(), StoreError> {
    if record.holder.as_deref().is_some_and(|holder| holder.starts_with(NETWORK_HOLDER)) {
        add_meta(txn, ANONYMOUS_HELD, sign * i128::from(record.charged_size()))?;
        add_meta(txn, ANONYMOUS_CIPHERTEXT, sign * i128::from(record.ciphertext_size()))?;
    }
    Ok(())
}

/// What the files of every client network hold together: charged, and their ciphertext.
pub(super) fn anonymous_held(txn: &WriteTransaction) -> Result<(u64, u64), StoreError> {
    let meta = txn.open_table(META)?;
    let read = |key| Ok::<_, StoreError>(meta.get(key)?.map_or(0, |value| value.value()));
    Ok((read(ANONYMOUS_HELD)?, read(ANONYMOUS_CIPHERTEXT)?))
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
/// network's file leaves [`ANONYMOUS_HELD`] and [`ANONYMOUS_CIPHERTEXT`].
pub(super) fn release(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    let size = i128::from(record.charged_size());
    if !record.finished {
        let unwritten = record.ciphertext_size() - written(&txn.open_table(FILE_CHUNKS)?, id, record)?;
        add_meta(txn, RESERVED_BYTES, -i128::from(unwritten))?;
    }
    if let Some(holder) = &record.holder
        && !record.finished
    {
        add_held(txn, holder, -size)?;
    }
    add_anonymous(txn, record, -1)?;
    Ok(())
}

/// The way of counting of this build; a database counted otherwise (or not at all: an older
/// version) is counted again at its opening.
const COUNTS_VERSION: u64 = 2;
/// The [`META`] key of the way of counting the counts were made with.
const COUNTS_VERSION_KEY: &str = "counts_version";

/// Counts [`RESERVED_BYTES`], [`UPLOAD_HOLDERS`], [`ANONYMOUS_HELD`] and
/// [`ANONYMOUS_CIPHERTEXT`] again from the files if
/// they were counted otherwise (files started before holders were recorded count against none).
pub(super) fn recount_if_counted_otherwise(txn: &WriteTransaction) -> Result<(), StoreError> {
    if txn.open_table(META)?.get(COUNTS_VERSION_KEY)?.map(|value| value.value()) == Some(COUNTS_VERSION) {
        return Ok(());
    }
    recount(txn)?;
    txn.open_table(META)?.insert(COUNTS_VERSION_KEY, COUNTS_VERSION)?;
    Ok(())
}

fn recount(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut unwritten = 0u64;
    let (mut anonymous, mut anonymous_ciphertext) = (0u64, 0u64);
    let mut holders = std::collections::HashMap::<String, u64>::new();
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
            let (size, ciphertext) = (record.charged_size(), record.ciphertext_size());
            let Some(holder) = record.holder else { continue };
            if holder.starts_with(NETWORK_HOLDER) {
                anonymous = anonymous.saturating_add(size);
                anonymous_ciphertext = anonymous_ciphertext.saturating_add(ciphertext);
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
    meta.insert(ANONYMOUS_CIPHERTEXT, anonymous_ciphertext)?;
    Ok(())
}

impl super::RedbStore {
    pub(crate) async fn reserved_bytes(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Db| {
            let txn = db.begin_read()?;
            Ok(txn.open_table(META)?.get(RESERVED_BYTES)?.map_or(0, |value| value.value()))
        })
        .await
    }
}
