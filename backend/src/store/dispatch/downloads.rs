//! The store's downloads methods, answered by either backend.

use crate::store::{FileRow, Store, StoreError};
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::AccountId;

impl Store {
    /// File `id` if `token_hash` is a live download token of the share holding it.
    pub async fn share_file(
        &self,
        token_hash: [u8; 32],
        id: FileId,
        now: u64,
    ) -> Result<Option<FileRow>, StoreError> {
        dispatch!(self.share_file(token_hash, id, now))
    }

    /// The finished attachments of `account`, oldest first.
    pub async fn vault_files(&self, account: AccountId) -> Result<Vec<FileRow>, StoreError> {
        dispatch!(self.vault_files(account))
    }

    /// The finished attachment `id` of `account`.
    pub async fn vault_file(&self, account: AccountId, id: FileId) -> Result<Option<FileRow>, StoreError> {
        dispatch!(self.vault_file(account, id))
    }

    /// Deletes the attachment `id` of `account`. `false` if there is none.
    pub async fn delete_vault_file(&self, account: AccountId, id: FileId) -> Result<bool, StoreError> {
        dispatch!(self.delete_vault_file(account, id))
    }
}
