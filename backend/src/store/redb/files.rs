//! Files in redb: the record of each file, the types the upload methods answer with, and the
//! table work every file operation shares (reading, attaching, deleting, the quota total).
//! The bytes themselves are in the blob store.

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::{AccountId, ShareId};
use coffer_shared::token::TokenHash;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::reservations::{add_meta, release};
use super::schema::{ACCOUNT_FILES, BLOB_TRASH, FILE_CHUNKS, FILE_EXPIRY, FILES, STORED_BYTES};
use super::{StoreError, from_json, to_json};

/// AES-GCM's tag: what each chunk adds to its plaintext.
pub const TAG_LEN: u64 = 16;
/// What a file costs the disk beside its ciphertext, charged against the per-client caps and
/// the room of clients not signed in (`store::reservations`): its record in the database (with
/// a metadata envelope of up to 4 KiB, kept as JSON) and its blob's last file-system block. So
/// many tiny files cannot hold far more than they are counted for.
pub const FILE_OVERHEAD: u64 = 32 << 10;
/// What each chunk costs the database: the row of its checksum (B-tree pages half full).
pub const CHUNK_OVERHEAD: u64 = 256;

/// The stored form of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FileRecord {
    pub size: u64,
    pub chunk_size: u32,
    pub chunk_count: u64,
    pub token_hash: TokenHash,
    /// The account of a vault upload.
    pub owner: Option<AccountId>,
    pub finished: bool,
    /// Meaningful only while the file is in [`FILE_EXPIRY`] (not attached).
    pub expires_at: u64,
    pub received: u64,
    pub metadata: Option<Vec<u8>>,
    pub share: Option<String>,
    pub created_at: u64,
    /// Whom the file counts against (`store::reservations`): its holder's cap while it is
    /// unfinished and, for a client network, the room those may take together until it is
    /// deleted. `None` for uploads started before holders were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

impl FileRecord {
    /// `size + 16 n`: what the blob holds once complete.
    pub fn ciphertext_size(&self) -> u64 {
        self.size + TAG_LEN * self.chunk_count
    }

    /// What the file is charged against its holder's cap and the room of clients not signed
    /// in: its ciphertext and what it costs the disk beside it.
    pub fn charged_size(&self) -> u64 {
        self.ciphertext_size() + FILE_OVERHEAD + CHUNK_OVERHEAD * self.chunk_count
    }

    /// A whole chunk's ciphertext length.
    pub fn stride(&self) -> u64 {
        u64::from(self.chunk_size) + TAG_LEN
    }

    /// The ciphertext length of chunk `index`; 0 past the last chunk.
    pub fn chunk_len(&self, index: u64) -> u64 {
        match index.cmp(&(self.chunk_count - 1)) {
            std::cmp::Ordering::Less => self.stride(),
            std::cmp::Ordering::Equal => self.ciphertext_size() - self.stride() * index,
            std::cmp::Ordering::Greater => 0,
        }
    }

    /// Attached files live as long as their share or account, not their upload expiry.
    pub(crate) fn attached(&self) -> bool {
        self.share.is_some() || (self.finished && self.owner.is_some())
    }

    pub(crate) fn token_matches(&self, hash: &TokenHash) -> bool {
        self.token_hash == *hash
    }

    pub(crate) fn row(&self, id: &str) -> Result<FileRow, StoreError> {
        Ok(FileRow {
            id: id.parse().map_err(|_| StoreError::Corrupt(format!("file id {id}")))?,
            size: self.size,
            chunk_size: self.chunk_size,
            chunk_count: self.chunk_count,
            ciphertext_size: self.ciphertext_size(),
            created_at: self.created_at,
            metadata: self.metadata.clone().unwrap_or_default(),
            owner: self.owner.clone(),
            share: match &self.share {
                Some(share) => {
                    Some(share.parse().map_err(|_| StoreError::Corrupt(format!("share id {share}")))?)
                }
                None => None,
            },
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
    /// The account of a vault file.
    pub owner: Option<AccountId>,
    /// The share holding it.
    pub share: Option<ShareId>,
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
    pub token_hash: TokenHash,
    /// The account of a vault upload.
    pub owner: Option<AccountId>,
    /// Now, Unix seconds.
    pub now: u64,
    /// When the upload is deleted unless a chunk moves it on or it is attached.
    pub expires_at: u64,
    /// The most ciphertext bytes the server keeps (0: no quota).
    pub quota: u64,
    /// Whom the reservation counts against: `ip:<client network>` or `account:<account id>`.
    pub holder: String,
    /// The most charged bytes the holder's unfinished uploads may announce (0: no cap).
    pub holder_cap: u64,
    /// For a holder that is a client network: the percent of the room above the floor (counted
    /// as if no such file held any) that the files of all of them may take together.
    pub anonymous_room: Option<u8>,
    /// The bytes the data folder's file system must keep free beside every reservation.
    pub min_free: u64,
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
    /// The reservation, with every other one, would leave less than the free-space floor.
    DiskFull {
        /// The file system's free bytes.
        free: u64,
        /// What unfinished uploads had reserved and not written before this one.
        reserved: u64,
    },
    /// The holder's unfinished uploads would pass its cap.
    HolderFull {
        /// What the holder's unfinished uploads hold already.
        held: u64,
    },
    /// The files of every client network together would pass their share of the
    /// room above the floor.
    AnonymousFull {
        /// What they hold already.
        held: u64,
    },
}

/// How a new chunk moves an unfinished upload's expiry on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// The new expiry, Unix seconds (an expiry is never moved back).
    pub at: u64,
    /// Seconds after the upload's start past which it is never moved.
    pub max_age: u64,
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

/// File `id` from the [`FILES`] table of a read or a write transaction.
pub(super) fn get_file(
    files: &impl ReadableTable<&'static str, &'static [u8]>,
    id: &str,
) -> Result<Option<FileRecord>, StoreError> {
    files.get(id)?.map(|bytes| from_json(bytes.value())).transpose()
}

pub(super) fn read_file(txn: &WriteTransaction, id: &str) -> Result<Option<FileRecord>, StoreError> {
    get_file(&txn.open_table(FILES)?, id)
}

pub(super) fn write_file(txn: &WriteTransaction, id: &str, record: &FileRecord) -> Result<(), StoreError> {
    txn.open_table(FILES)?.insert(id, to_json(record)?.as_slice())?;
    Ok(())
}

/// Adds `delta` (may be negative) to the stored-bytes total and returns the new total.
pub(super) fn add_stored(txn: &WriteTransaction, delta: i128) -> Result<u64, StoreError> {
    add_meta(txn, STORED_BYTES, delta)
}

/// Removes file `id` from every table, frees its bytes and puts its blob in the trash.
pub(super) fn remove_file(txn: &WriteTransaction, id: &str) -> Result<(), StoreError> {
    let Some(record) = read_file(txn, id)? else { return Ok(()) };
    release(txn, id, &record)?;
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
