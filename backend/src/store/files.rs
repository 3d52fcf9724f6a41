//! Uploads in redb (docs/api.md, "Uploads"): the record of each file, the chunks held and their
//! checksums, and the quota. The bytes themselves are in the blob store; a chunk is recorded
//! only after its bytes are synced, and a file is readable only once finished.

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::AccountId;
use redb::{Database, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::schema::{ACCOUNT_FILES, BLOB_TRASH, FILE_CHUNKS, FILE_EXPIRY, FILES, META, STORED_BYTES};
use super::{Store, StoreError, from_json, to_json};

/// AES-GCM's tag: what each chunk adds to its plaintext.
pub const TAG_LEN: u64 = 16;

/// The stored form of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct FileRecord {
    pub size: u64,
    pub chunk_size: u32,
    pub chunk_count: u64,
    pub token_hash: [u8; 32],
    /// The account of a vault upload.
    pub owner: Option<AccountId>,
    pub finished: bool,
    /// Meaningful only while the file is in [`FILE_EXPIRY`] (not attached).
    pub expires_at: u64,
    pub received: u64,
    pub metadata: Option<Vec<u8>>,
    pub share: Option<String>,
    pub created_at: u64,
}

impl FileRecord {
    /// `size + 16 n`: what the blob holds once complete.
    pub fn ciphertext_size(&self) -> u64 {
        self.size + TAG_LEN * self.chunk_count
    }

    /// Attached files live as long as their share or account, not their upload expiry.
    fn attached(&self) -> bool {
        self.share.is_some() || (self.finished && self.owner.is_some())
    }

    fn token_matches(&self, hash: &[u8; 32]) -> bool {
        self.token_hash.ct_eq(hash).into()
    }

    pub(super) fn row(&self, id: &str) -> Result<FileRow, StoreError> {
        Ok(FileRow {
            id: id.parse().map_err(|_| StoreError::Corrupt(format!("file id {id}")))?,
            size: self.size,
            chunk_size: self.chunk_size,
            chunk_count: self.chunk_count,
            ciphertext_size: self.ciphertext_size(),
            created_at: self.created_at,
            metadata: self.metadata.clone().unwrap_or_default(),
        })
    }
}

/// A finished file as readers and the vault see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The file's id.
    pub id: FileId,
    /// Plaintext size.
    pub size: u64,
    /// Chunk size.
    pub chunk_size: u32,
    /// Chunk count.
    pub chunk_count: u64,
    /// Bytes of the blob.
    pub ciphertext_size: u64,
    /// When the upload started, Unix seconds.
    pub created_at: u64,
    /// The `file-metadata` envelope.
    pub metadata: Vec<u8>,
}

/// An upload to start, already validated.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// The browser-chosen id.
    pub id: FileId,
    /// Plaintext size.
    pub size: u64,
    /// Chunk size.
    pub chunk_size: u32,
    /// `max(1, ceil(size / chunk_size))`.
    pub chunk_count: u64,
    /// SHA-256 of the upload token.
    pub token_hash: [u8; 32],
    /// The account of a vault upload.
    pub owner: Option<AccountId>,
    /// Now, Unix seconds.
    pub now: u64,
    /// When the upload is deleted unless a chunk moves it on or it is attached.
    pub expires_at: u64,
    /// The most ciphertext bytes the server keeps (0: no quota).
    pub quota: u64,
}

/// The result of starting an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOutcome {
    /// Stored; its bytes are reserved.
    Started,
    /// A file with that id exists.
    IdTaken,
    /// The reservation would pass the quota.
    QuotaFull,
}

/// What a chunk upload needs to know before it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSlot {
    /// The upload is finished: no more chunks.
    pub finished: bool,
    /// The file's chunk count.
    pub chunk_count: u64,
    /// Byte offset of this chunk in the blob.
    pub offset: u64,
    /// Exact ciphertext length of this chunk.
    pub length: u64,
    /// The checksum of this chunk if it is already held.
    pub held: Option<[u8; 32]>,
}

/// The result of recording a written chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkOutcome {
    /// Counted (or already held with the same checksum).
    Recorded {
        /// Distinct chunks held.
        received: u64,
        /// The file's chunk count.
        chunk_count: u64,
    },
    /// Held with another checksum.
    Conflict,
    /// The upload is finished.
    Finished,
    /// No such upload, or the wrong token.
    NotFound,
}

/// What the status of an upload shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadState {
    /// Plaintext size.
    pub size: u64,
    /// Chunk size.
    pub chunk_size: u32,
    /// Chunk count.
    pub chunk_count: u64,
    /// Inclusive ranges of held chunk indexes, ascending.
    pub received: Vec<[u64; 2]>,
    /// Whether it is finished.
    pub finished: bool,
    /// When it is deleted unless attached.
    pub expires_at: u64,
}

/// The result of finishing an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishOutcome {
    /// Finished now or before with the same metadata.
    Finished(FileRow),
    /// This many chunks are missing.
    Incomplete(u64),
    /// Finished before with other metadata.
    AlreadyFinished,
    /// No such upload, or the wrong token.
    NotFound,
}

pub(super) fn read_file(txn: &WriteTransaction, id: &str) -> Result<Option<FileRecord>, StoreError> {
    let files = txn.open_table(FILES)?;
    files.get(id)?.map(|bytes| from_json(bytes.value())).transpose()
}

pub(super) fn write_file(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    txn.open_table(FILES)?.insert(id, to_json(record)?.as_slice())?;
    Ok(())
}

/// Adds `delta` (may be negative) to the stored-bytes total and returns the new total.
fn add_stored(txn: &WriteTransaction, delta: i128) -> Result<u64, StoreError> {
    let mut meta = txn.open_table(META)?;
    let current = meta.get(STORED_BYTES)?.map_or(0, |value| value.value());
    let next = u64::try_from((i128::from(current) + delta).max(0)).unwrap_or(u64::MAX);
    meta.insert(STORED_BYTES, next)?;
    Ok(next)
}

/// Removes file `id` from every table, frees its bytes and puts its blob in the trash.
pub(super) fn remove_file(txn: &WriteTransaction, id: &str) -> Result<(), StoreError> {
    let Some(record) = read_file(txn, id)? else { return Ok(()) };
    txn.open_table(FILES)?.remove(id)?;
    txn.open_table(FILE_CHUNKS)?.retain_in((id, 0)..=(id, u64::MAX), |_, _| false)?;
    txn.open_table(FILE_EXPIRY)?.remove((record.expires_at, id))?;
    if let Some(owner) = &record.owner {
        txn.open_table(ACCOUNT_FILES)?.remove((owner.as_str(), id))?;
    }
    add_stored(txn, -i128::from(record.ciphertext_size()))?;
    txn.open_table(BLOB_TRASH)?.insert(id, ())?;
    Ok(())
}

/// Ends the upload expiry of a file that has just been attached.
pub(super) fn attach(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    txn.open_table(FILE_EXPIRY)?.remove((record.expires_at, id))?;
    write_file(txn, id, record)
}

/// Reads the upload `id` if `token_hash` is its token's.
fn owned_upload(
    txn: &WriteTransaction,
    id: &str,
    token_hash: &[u8; 32],
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

impl Store {
    /// Stores a new upload and reserves its whole ciphertext size against the quota.
    pub async fn start_upload(&self, upload: NewUpload) -> Result<StartOutcome, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let id = upload.id.as_str();
            if read_file(&txn, id)?.is_some() {
                return Ok(StartOutcome::IdTaken);
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
            };
            let total = add_stored(&txn, i128::from(record.ciphertext_size()))?;
            if upload.quota != 0 && total > upload.quota {
                return Ok(StartOutcome::QuotaFull);
            }
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

    /// Where chunk `index` of upload `id` goes and whether it is held. `None` for an unknown
    /// upload or a wrong token; `Some` with `length` 0 for an index past the end.
    pub async fn chunk_slot(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        index: u64,
    ) -> Result<Option<ChunkSlot>, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(record) = owned_upload(&txn, id, &token_hash)? else { return Ok(None) };
            let stride = u64::from(record.chunk_size) + TAG_LEN;
            let length = match index.cmp(&(record.chunk_count - 1)) {
                std::cmp::Ordering::Less => stride,
                std::cmp::Ordering::Equal => record.ciphertext_size() - stride * index,
                std::cmp::Ordering::Greater => 0,
            };
            let held = txn.open_table(FILE_CHUNKS)?.get((id, index))?.map(|sum| {
                let mut bytes = [0; 32];
                bytes.copy_from_slice(sum.value());
                bytes
            });
            Ok(Some(ChunkSlot {
                finished: record.finished,
                chunk_count: record.chunk_count,
                offset: stride * index,
                length,
                held,
            }))
        })
        .await
    }

    /// Counts chunk `index` (written and synced) with checksum `sum`, and moves the upload's
    /// expiry to `expires_at`.
    pub async fn record_chunk(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        index: u64,
        sum: [u8; 32],
        expires_at: u64,
    ) -> Result<ChunkOutcome, StoreError> {
        self.blocking(move |db: &Database| {
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
                Some(true) => {}
                None => {
                    txn.open_table(FILE_CHUNKS)?.insert((id, index), sum.as_slice())?;
                    record.received += 1;
                }
            }
            if !record.attached() {
                txn.open_table(FILE_EXPIRY)?.remove((record.expires_at, id))?;
                record.expires_at = record.expires_at.max(expires_at);
                txn.open_table(FILE_EXPIRY)?.insert((record.expires_at, id), ())?;
            }
            write_file(&txn, id, &record)?;
            txn.commit()?;
            Ok(ChunkOutcome::Recorded { received: record.received, chunk_count: record.chunk_count })
        })
        .await
    }

    /// What the server holds of upload `id`. `None` for an unknown upload or a wrong token.
    pub async fn upload_status(
        &self,
        id: FileId,
        token_hash: [u8; 32],
    ) -> Result<Option<UploadState>, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(record) = owned_upload(&txn, id, &token_hash)? else { return Ok(None) };
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

    /// Finishes upload `id` with its metadata envelope once every chunk is held. A vault
    /// upload becomes an attachment of its account.
    pub async fn finish_upload(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        metadata: Vec<u8>,
    ) -> Result<FinishOutcome, StoreError> {
        self.blocking(move |db: &Database| {
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

    /// Deletes upload `id` unless it is attached. `false` for an unknown upload, a wrong token
    /// or an attached file.
    pub async fn cancel_upload(&self, id: FileId, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        self.blocking(move |db: &Database| {
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
