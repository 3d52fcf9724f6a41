//! Uploads on PostgreSQL (docs/api.md, "Uploads"), as in redb: a start checks the quota, its
//! holder's cap, the disk and the room of clients not signed in on locked counters
//! (`reservations.rs`); a chunk is counted once (the `file_chunks` key) on its locked file row,
//! so a chunk recorded while the upload is finished, cancelled or finished twice over waits for
//! the other and then sees what it did.

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::TokenHash;
use tokio_postgres::Transaction;

use super::accounts;
use super::files::{read_file, remove_file, write_file};
use super::reservations::{Changes, lock_counters, take_reserved};
use super::rows::{big, unsigned};
use super::{PgStore, pg};
use crate::store::redb::files::FileRecord;
use crate::store::redb::schema::{
    ANONYMOUS_CIPHERTEXT, ANONYMOUS_HELD, NETWORK_HOLDER, RESERVED_BYTES, STORED_BYTES,
};
use crate::store::{
    ChunkOutcome, ChunkSlot, Expiry, FinishOutcome, NewUpload, StartOutcome, StoreError, UploadState,
    from_json,
};

/// Upload `id`, its row locked, if `token_hash` is its token's.
async fn owned_upload(
    txn: &Transaction<'_>,
    id: &str,
    token_hash: &TokenHash,
) -> Result<Option<FileRecord>, StoreError> {
    Ok(read_file(txn, id).await?.filter(|record| record.token_matches(token_hash)))
}

/// A start whose id's earlier blob is still to be deleted (its deletion failed and waits for
/// the next sweep): its chunks would be deleted with it. Answered 503: try again shortly.
fn still_deleting() -> StoreError {
    StoreError::Unavailable("the id's earlier bytes are still being deleted".into())
}

impl PgStore {
    pub(crate) async fn start_upload(
        &self,
        upload: NewUpload,
        free_bytes: impl FnOnce() -> std::io::Result<u64> + Send + 'static,
    ) -> Result<StartOutcome, StoreError> {
        let id = upload.id.as_str();
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
        let anonymous = upload.anonymous_room.is_some() || upload.holder.starts_with(NETWORK_HOLDER);
        // In the order of their names.
        let names: &[&str] = match anonymous {
            true => &[ANONYMOUS_CIPHERTEXT, ANONYMOUS_HELD, RESERVED_BYTES, STORED_BYTES],
            false => &[RESERVED_BYTES, STORED_BYTES],
        };
        let mut free_bytes = Some(free_bytes);
        let mut measured = None;
        transaction!(self, txn => {
            if let Some(owner) = &upload.owner {
                accounts::hold_account(&txn, owner.as_str()).await?;
            }
            // Every start locks these two counters first, so starts take turns from here on: the
            // id and the holder's count read below change under no other start.
            let counters = lock_counters(&txn, names).await?;
            let (stored, reserved) = (counters[names.len() - 1], counters[names.len() - 2]);
            if txn.query_opt("SELECT 1 FROM files WHERE id = $1", &[&id]).await.map_err(pg)?.is_some() {
                return Ok(StartOutcome::IdTaken);
            }
            if txn.query_opt("SELECT 1 FROM blob_trash WHERE id = $1", &[&id]).await.map_err(pg)?.is_some() {
                return Err(still_deleting());
            }
            let held = txn
                .query_opt("SELECT bytes FROM upload_holders WHERE holder = $1 FOR UPDATE", &[&upload.holder])
                .await
                .map_err(pg)?
                .map_or(Ok(0), |row| unsigned(row.get(0)))?;
            if upload.holder_cap != 0 && held.saturating_add(charged) > upload.holder_cap {
                return Ok(StartOutcome::HolderFull { held });
            }
            if upload.quota != 0 && stored.saturating_add(size) > upload.quota {
                return Ok(StartOutcome::QuotaFull);
            }
            // Measured with the counters locked, so every chunk counted off `reserved` has
            // left the free space too. A run again after a conflict (`free_bytes` is called
            // once) reuses the first measure.
            let free = match free_bytes.take() {
                Some(measure) => {
                    let free = tokio::task::spawn_blocking(measure)
                        .await
                        .map_err(|error| StoreError::Database(format!("free space: {error}")))?
                        .map_err(|error| StoreError::Database(format!("free space: {error}")))?;
                    *measured.insert(free)
                }
                None => measured.ok_or_else(|| StoreError::Database("free space: not measured".into()))?,
            };
            if u128::from(free) < u128::from(reserved) + u128::from(size) + u128::from(upload.min_free) {
                return Ok(StartOutcome::DiskFull { free, reserved });
            }
            if let Some(percent) = upload.anonymous_room {
                // As in redb: the room above the floor as if no client network held anything.
                let (others, others_ciphertext) = (counters[1], counters[0]);
                let room = (u128::from(free) + u128::from(others_ciphertext))
                    .saturating_sub(u128::from(reserved) + u128::from(upload.min_free));
                if (u128::from(others) + u128::from(charged)) * 100 > room * u128::from(percent) {
                    return Ok(StartOutcome::AnonymousFull { held: others });
                }
            }
            let mut changes = Changes::default();
            changes.counter(STORED_BYTES, i128::from(size));
            changes.counter(RESERVED_BYTES, i128::from(size));
            changes.anonymous(&record, 1);
            changes.holder(&upload.holder, i128::from(charged));
            changes.apply(&txn).await?;
            write_file(&txn, id, &record).await?;
            Ok(StartOutcome::Started)
        })
    }

    pub(crate) async fn chunk_slot(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
    ) -> Result<Option<ChunkSlot>, StoreError> {
        let client = self.client().await?;
        // No chunk is held past a bigint.
        let chunk = i64::try_from(index).ok();
        let row = client
            .query_opt(
                "SELECT f.record, c.sum FROM files f
                 LEFT JOIN file_chunks c ON c.file = f.id AND c.chunk = $2 WHERE f.id = $1",
                &[&id.as_str(), &chunk],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else { return Ok(None) };
        let record: FileRecord = from_json(row.get(0))?;
        if !record.token_matches(&token_hash) {
            return Ok(None);
        }
        let held = row.get::<_, Option<&[u8]>>(1).map(super::rows::hash).transpose()?;
        Ok(Some(ChunkSlot {
            finished: record.finished,
            chunk_count: record.chunk_count,
            offset: record.stride() * index,
            length: record.chunk_len(index),
            held,
        }))
    }

    pub(crate) async fn record_chunk(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
        sum: [u8; 32],
        expiry: Expiry,
    ) -> Result<ChunkOutcome, StoreError> {
        let id = id.as_str();
        let chunk = big(index)?;
        transaction!(self, txn => {
            let Some(mut record) = owned_upload(&txn, id, &token_hash).await? else {
                return Ok(ChunkOutcome::NotFound);
            };
            if record.finished {
                return Ok(ChunkOutcome::Finished);
            }
            let inserted = txn
                .execute(
                    "INSERT INTO file_chunks (file, chunk, sum) VALUES ($1, $2, $3)
                     ON CONFLICT (file, chunk) DO NOTHING",
                    &[&id, &chunk, &sum.as_slice()],
                )
                .await
                .map_err(pg)?;
            if inserted == 0 {
                let held = txn
                    .query_one("SELECT sum FROM file_chunks WHERE file = $1 AND chunk = $2", &[&id, &chunk])
                    .await
                    .map_err(pg)?;
                // Sent again: nothing changes, the expiry included (a client cannot keep an
                // upload alive by repeating a chunk).
                return Ok(match held.get::<_, &[u8]>(0) == sum.as_slice() {
                    true => ChunkOutcome::Recorded { received: record.received, chunk_count: record.chunk_count },
                    false => ChunkOutcome::Conflict,
                });
            }
            record.received += 1;
            take_reserved(&txn, record.chunk_len(index)).await?;
            if !record.attached() {
                let latest = record.created_at.saturating_add(expiry.max_age);
                record.expires_at = record.expires_at.max(expiry.at.min(latest));
            }
            write_file(&txn, id, &record).await?;
            Ok(ChunkOutcome::Recorded { received: record.received, chunk_count: record.chunk_count })
        })
    }

    pub(crate) async fn upload_status(
        &self,
        id: FileId,
        token_hash: TokenHash,
    ) -> Result<Option<UploadState>, StoreError> {
        let client = self.client().await?;
        // The held indexes as runs: along a run of consecutive indexes, index - rank is constant.
        let row = client
            .query_opt(
                "SELECT f.record, held.lows, held.highs FROM files f, LATERAL (
                     SELECT array_agg(low ORDER BY low) AS lows, array_agg(high ORDER BY low) AS highs
                     FROM (SELECT min(chunk) AS low, max(chunk) AS high FROM (
                         SELECT chunk, chunk - row_number() OVER (ORDER BY chunk) AS run
                         FROM file_chunks WHERE file = f.id) chunks GROUP BY run) runs) held
                 WHERE f.id = $1",
                &[&id.as_str()],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else { return Ok(None) };
        let record: FileRecord = from_json(row.get(0))?;
        if !record.token_matches(&token_hash) {
            return Ok(None);
        }
        let lows: Vec<i64> = row.get::<_, Option<Vec<i64>>>(1).unwrap_or_default();
        let highs: Vec<i64> = row.get::<_, Option<Vec<i64>>>(2).unwrap_or_default();
        let received = lows
            .into_iter()
            .zip(highs)
            .map(|(low, high)| Ok([unsigned(low)?, unsigned(high)?]))
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(UploadState {
            size: record.size,
            chunk_size: record.chunk_size,
            chunk_count: record.chunk_count,
            received,
            finished: record.finished,
            expires_at: record.expires_at,
        }))
    }

    pub(crate) async fn finish_upload(
        &self,
        id: FileId,
        token_hash: TokenHash,
        metadata: Vec<u8>,
    ) -> Result<FinishOutcome, StoreError> {
        let id = id.as_str();
        transaction!(self, txn => {
            let Some(mut record) = owned_upload(&txn, id, &token_hash).await? else {
                return Ok(FinishOutcome::NotFound);
            };
            if record.finished {
                return Ok(match record.metadata.as_deref() == Some(metadata.as_slice()) {
                    true => FinishOutcome::Finished(record.row(id)?),
                    false => FinishOutcome::AlreadyFinished,
                });
            }
            if record.received < record.chunk_count {
                return Ok(FinishOutcome::Incomplete(record.chunk_count - record.received));
            }
            // Every chunk is written: nothing is left reserved on the disk, and the upload no
            // longer counts against its holder's cap (a client network's file still counts in
            // the room they share until it is deleted).
            if let Some(holder) = &record.holder {
                let mut changes = Changes::default();
                changes.holder(holder, -i128::from(record.charged_size()));
                changes.apply(&txn).await?;
            }
            record.finished = true;
            record.metadata = Some(metadata.clone());
            write_file(&txn, id, &record).await?;
            Ok(FinishOutcome::Finished(record.row(id)?))
        })
    }

    pub(crate) async fn cancel_upload(&self, id: FileId, token_hash: TokenHash) -> Result<bool, StoreError> {
        let id = id.as_str();
        transaction!(self, txn => {
            match owned_upload(&txn, id, &token_hash).await? {
                Some(record) if !record.attached() => {
                    remove_file(&txn, id).await?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }
}
