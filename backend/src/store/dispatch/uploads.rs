//! The store's uploads methods, answered by either backend.

use crate::store::{
    ChunkOutcome, ChunkSlot, Expiry, FinishOutcome, NewUpload, StartOutcome, Store, StoreError, UploadState,
};
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::token::TokenHash;

impl Store {
    /// Stores a new upload and reserves its whole ciphertext size against the quota, its
    /// holder's cap and the disk. `free_bytes` reads the file system's free space; it is called
    /// inside the write transaction, so concurrent starts see each other's reservations and
    /// every chunk recorded before (its bytes synced) is already counted in it.
    pub async fn start_upload(
        &self,
        upload: NewUpload,
        free_bytes: impl FnOnce() -> std::io::Result<u64> + Send + 'static,
    ) -> Result<StartOutcome, StoreError> {
        dispatch!(self.start_upload(upload, free_bytes))
    }

    /// Where chunk `index` of upload `id` goes and whether it is held. `None` for an unknown
    /// upload or a wrong token; `Some` with `length` 0 for an index past the end.
    pub async fn chunk_slot(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
    ) -> Result<Option<ChunkSlot>, StoreError> {
        dispatch!(self.chunk_slot(id, token_hash, index))
    }

    /// Counts chunk `index` (written and synced) with checksum `sum`, takes its bytes off the
    /// disk reservation and, if the chunk is new (not one held already sent again), moves the
    /// upload's expiry on as `expiry` says.
    pub async fn record_chunk(
        &self,
        id: FileId,
        token_hash: TokenHash,
        index: u64,
        sum: [u8; 32],
        expiry: Expiry,
    ) -> Result<ChunkOutcome, StoreError> {
        dispatch!(self.record_chunk(id, token_hash, index, sum, expiry))
    }

    /// What the server holds of upload `id`. `None` for an unknown upload or a wrong token.
    pub async fn upload_status(
        &self,
        id: FileId,
        token_hash: TokenHash,
    ) -> Result<Option<UploadState>, StoreError> {
        dispatch!(self.upload_status(id, token_hash))
    }

    /// Finishes upload `id` with its metadata envelope once every chunk is held. A vault
    /// upload becomes an attachment of its account.
    pub async fn finish_upload(
        &self,
        id: FileId,
        token_hash: TokenHash,
        metadata: Vec<u8>,
    ) -> Result<FinishOutcome, StoreError> {
        dispatch!(self.finish_upload(id, token_hash, metadata))
    }

    /// Deletes upload `id` unless it is attached. `false` for an unknown upload, a wrong token
    /// or an attached file.
    pub async fn cancel_upload(&self, id: FileId, token_hash: TokenHash) -> Result<bool, StoreError> {
        dispatch!(self.cancel_upload(id, token_hash))
    }
}
