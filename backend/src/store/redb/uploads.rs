//! Uploads in redb (docs/api.md, "Uploads"): start with the quota, the holder's cap and the disk
//! reserved (`store::reservations`), chunks counted once their bytes are synced, status as index ranges, finish, cancel. Every method is one
//! transaction.

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::TokenHash;
use redb::{ReadableTable, WriteTransaction};

use super::files::{
    ChunkOutcome, ChunkSlot, Expiry, FileRecord, FinishOutcome, NewUpload, StartOutcome, UploadState,
    add_stored, attach, get_file, read_file, remove_file, write_file,
};
use super::reservations::{add_anonymous, add_held, add_meta, anonymous_held, held};
use super::schema::{ACCOUNT_FILES, BLOB_TRASH, FILE_CHUNKS, FILE_EXPIRY, FILES, RESERVED_BYTES};
use super::{Db, RedbStore, StoreError};

/// Reads the upload `id` if `token_hash` is its token's.
fn owned_upload(
    txn: &WriteTransaction,
    id: &str,
    token_hash: &TokenHash,
) -> Result<Option<FileRecord>, StoreError> {
    Ok(read_file(txn, id)?.filter(|record| record.token_matches(token_hash)))
}

/// Inclusive runs of consecutive indexes.
fn ranges(indexes: impl Iterator<Item = u64>) -> Vec<[u64; 2]> {
    let mut ranges: Vec<[u64; 2]> = Vec::new();
    for index in indexes {
        match ranges.last_mut() {
            Some(last) if last[1] + 1 == index => last[1] = index,
            _ => ranges.push([index, index]),
        }
    }
    ranges
}

impl RedbStore {
    pub(crate) async fn start_upload(
        &self,
        upload: NewUpload,
        free_bytes: impl FnOnce() -> std::io::Result<u64> + Send + 'static,
    ) -> Result<StartOutcome, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            if let Some(owner) = &upload.owner {
                super::accounts::existing_account(&txn, owner.as_str())?;
            }
            let id = upload.id.as_str();
            if read_file(&txn, id)?.is_some() {
                return Ok(StartOutcome::IdTaken);
            }
            // Its earlier blob still to be deleted (the deletion failed and waits for the next
            // sweep): the new chunks would go with it. Answered 503: try again shortly.
            if txn.open_table(BLOB_TRASH)?.get(id)?.is_some() {
                return Err(StoreError::Unavailable("the id's earlier bytes are still being deleted".into()));
            }
            let record = FileRecord {
                size: upload.size,
                chunk_size: upload.chunk_size,
                chunk_count: upload.chunk_count,
                token_hash: upload.token_hash,
                owner: upload.owner.clone(),
                finished: false,
                expires_at: upload.expires_at,
                received: 0,
                metadata: None,
                share: None,
                created_at: upload.now,
                holder: Some(upload.holder.clone()),
            };
            let size = record.ciphertext_size();
            let charged = record.charged_size();
            let held = held(&txn, &upload.holder)?;
            if upload.holder_cap != 0 && held.saturating_add(charged) > upload.holder_cap {
                return Ok(StartOutcome::HolderFull { held });
            }
            let total = add_stored(&txn, i128::from(size))?;
            if upload.quota != 0 && total > upload.quota {
                return Ok(StartOutcome::QuotaFull);
            }
            let reserved = add_meta(&txn, RESERVED_BYTES, i128::from(size))?;
            let free = free_bytes().map_err(|error| StoreError::Database(format!("free space: {error}")))?;
            if u128::from(free) < u128::from(reserved) + u128::from(upload.min_free) {
                return Ok(StartOutcome::DiskFull { free, reserved: reserved - size });
            }
            if let Some(percent) = upload.anonymous_room {
                // The room above the floor as if no client network held anything: what is not
                // promised yet, plus their ciphertext (the part they wrote left the free space,
                // the rest is in `reserved`). What they are charged beside it is not added
                // back: what of it they really use already left the free space.
                let (others, others_ciphertext) = anonymous_held(&txn)?;
                let room = (u128::from(free) + u128::from(others_ciphertext))
                    .saturating_sub(u128::from(reserved - size) + u128::from(upload.min_free));
                if (u128::from(others) + u128::from(charged)) * 100 > room * u128::from(percent) {
                    return Ok(StartOutcome::AnonymousFull { held: others });
                }
            }
            add_held(&txn, &upload.holder, i128::from(charged))?;
            add_anonymous(&txn, &record, 1)?;
            write_file(&txn, id, &record)?;
            txn.open_table(FILE_EXPIRY)?.insert((record.expires_at, id), ())?;
            if let Some(owner) = &upload.owner {
                txn.open_table(ACCOUNT_FILES)?.insert((owner.as_str(), id), ())?;
            }
            txn.commit()?;
            Ok(StartOutcome::Started)
        })
        .await
    }

    pub(crate) async fn chunk_slot(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
    ) -> Result<Option<ChunkSlot>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let id = id.as_str();
            let record =
                get_file(&txn.open_table(FILES)?, id)?.filter(|record| record.token_matches(&token_hash));
            let Some(record) = record else { return Ok(None) };
            let held = txn.open_table(FILE_CHUNKS)?.get((id, index))?.map(|sum| {
                let mut bytes = [0; 32];
                bytes.copy_from_slice(sum.value());
                bytes
            });
            Ok(Some(ChunkSlot {
                finished: record.finished,
                chunk_count: record.chunk_count,
                offset: record.stride() * index,
                length: record.chunk_len(index),
                held,
            }))
        })
        .await
    }

    pub(crate) async fn record_chunk(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
        sum: [u8; 32],
        expiry: Expiry,
    ) -> Result<ChunkOutcome, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(mut record) = owned_upload(&txn, id, &token_hash)? else {
                return Ok(ChunkOutcome::NotFound);
            };
            if record.finished {
                return Ok(ChunkOutcome::Finished);
            }
            let held = txn.open_table(FILE_CHUNKS)?.get((id, index))?.map(|stored| stored.value() == sum);
            match held {
                Some(false) => return Ok(ChunkOutcome::Conflict),
                // Sent again: nothing changes, the expiry included (a client cannot keep an
                // upload alive by repeating a chunk).
                Some(true) => {
                    return Ok(ChunkOutcome::Recorded {
                        received: record.received,
                        chunk_count: record.chunk_count,
                    });
                }
                None => {}
            }
            txn.open_table(FILE_CHUNKS)?.insert((id, index), sum.as_slice())?;
            record.received += 1;
            add_meta(&txn, RESERVED_BYTES, -i128::from(record.chunk_len(index)))?;
            if !record.attached() {
                let latest = record.created_at.saturating_add(expiry.max_age);
                txn.open_table(FILE_EXPIRY)?.remove((record.expires_at, id))?;
                record.expires_at = record.expires_at.max(expiry.at.min(latest));
                txn.open_table(FILE_EXPIRY)?.insert((record.expires_at, id), ())?;
            }
            write_file(&txn, id, &record)?;
            txn.commit()?;
            Ok(ChunkOutcome::Recorded { received: record.received, chunk_count: record.chunk_count })
        })
        .await
    }

    pub(crate) async fn upload_status(
        &self,
        id: FileId,
        token_hash: TokenHash,
    ) -> Result<Option<UploadState>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let id = id.as_str();
            let record =
                get_file(&txn.open_table(FILES)?, id)?.filter(|record| record.token_matches(&token_hash));
            let Some(record) = record else { return Ok(None) };
            let chunks = txn.open_table(FILE_CHUNKS)?;
            let indexes = chunks
                .range((id, 0)..=(id, u64::MAX))?
                .map(|entry| entry.map(|(key, _)| key.value().1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(UploadState {
                size: record.size,
                chunk_size: record.chunk_size,
                chunk_count: record.chunk_count,
                received: ranges(indexes.into_iter()),
                finished: record.finished,
                expires_at: record.expires_at,
            }))
        })
        .await
    }

    pub(crate) async fn finish_upload(
        &self,
        id: FileId,
        token_hash: TokenHash,
        metadata: Vec<u8>,
    ) -> Result<FinishOutcome, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(mut record) = owned_upload(&txn, id, &token_hash)? else {
                return Ok(FinishOutcome::NotFound);
            };
            if record.finished {
                return Ok(if record.metadata.as_deref() == Some(metadata.as_slice()) {
                    FinishOutcome::Finished(record.row(id)?)
                } else {
                    FinishOutcome::AlreadyFinished
                });
            }
            if record.received < record.chunk_count {
                return Ok(FinishOutcome::Incomplete(record.chunk_count - record.received));
            }
            // Every chunk is written, so nothing is left reserved on the disk, and the upload
            // no longer counts against its holder's cap (a client network's file still counts
            // in the room they share until it is deleted).
            if let Some(holder) = &record.holder {
                add_held(&txn, holder, -i128::from(record.charged_size()))?;
            }
            record.finished = true;
            record.metadata = Some(metadata);
            if record.attached() {
                attach(&txn, id, &record)?;
            } else {
                write_file(&txn, id, &record)?;
            }
            txn.commit()?;
            Ok(FinishOutcome::Finished(record.row(id)?))
        })
        .await
    }

    pub(crate) async fn cancel_upload(&self, id: FileId, token_hash: TokenHash) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(record) = owned_upload(&txn, id, &token_hash)? else { return Ok(false) };
            if record.attached() {
                return Ok(false);
            }
            remove_file(&txn, id)?;
            txn.commit()?;
            Ok(true)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn ranges_join_consecutive_indexes() {
        assert_eq!(ranges([0, 1, 2, 5, 7, 8].into_iter()), vec![[0, 2], [5, 5], [7, 8]]);
        assert!(ranges(std::iter::empty()).is_empty());
    }
}
