//! The store's file sweep methods, answered by either backend.

use crate::store::{Store, StoreError};
use std::collections::HashSet;

impl Store {
    /// Deletes uploads past their expiry that were never attached, the files of ended shares
    /// whose download tokens have all expired, and expired download tokens. Returns how many
    /// files were deleted; their blobs are then in the trash.
    pub async fn sweep_files(&self, now: u64) -> Result<usize, StoreError> {
        dispatch!(self.sweep_files(now))
    }

    /// Ids of deleted files whose blobs may still exist.
    pub async fn blob_trash(&self) -> Result<Vec<String>, StoreError> {
        dispatch!(self.blob_trash())
    }

    /// Forgets trash entries whose blobs are gone.
    pub async fn forget_trash(&self, ids: Vec<String>) -> Result<(), StoreError> {
        dispatch!(self.forget_trash(ids))
    }

    /// Ids of every file the database knows.
    pub async fn file_ids(&self) -> Result<HashSet<String>, StoreError> {
        dispatch!(self.file_ids())
    }
}
