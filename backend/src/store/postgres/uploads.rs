//! The uploads methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{
    ChunkOutcome, ChunkSlot, Expiry, FinishOutcome, NewUpload, StartOutcome, StoreError, UploadState,
};
use coffer_shared::crypto::file_meta::FileId;

impl PgStore {
    pub(crate) async fn start_upload(
        &self,
        upload: NewUpload,
        free_bytes: impl FnOnce() -> std::io::Result<u64> + Send + 'static,
    ) -> Result<StartOutcome, StoreError> {
        Err(not_yet("start_upload"))
    }

    pub(crate) async fn chunk_slot(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        index: u64,
    ) -> Result<Option<ChunkSlot>, StoreError> {
        Err(not_yet("chunk_slot"))
    }

    pub(crate) async fn record_chunk(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        index: u64,
        sum: [u8; 32],
        expiry: Expiry,
    ) -> Result<ChunkOutcome, StoreError> {
        Err(not_yet("record_chunk"))
    }

    pub(crate) async fn upload_status(
        &self,
        id: FileId,
        token_hash: [u8; 32],
    ) -> Result<Option<UploadState>, StoreError> {
        Err(not_yet("upload_status"))
    }

    pub(crate) async fn finish_upload(
        &self,
        id: FileId,
        token_hash: [u8; 32],
        metadata: Vec<u8>,
    ) -> Result<FinishOutcome, StoreError> {
        Err(not_yet("finish_upload"))
    }

    pub(crate) async fn cancel_upload(&self, id: FileId, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        Err(not_yet("cancel_upload"))
    }
}
