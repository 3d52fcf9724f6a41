//! The downloads methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{FileRow, StoreError};
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn share_file(
        &self,
        token_hash: [u8; 32],
        id: FileId,
        now: u64,
    ) -> Result<Option<FileRow>, StoreError> {
        Err(not_yet("share_file"))
    }

    pub(crate) async fn vault_files(&self, account: AccountId) -> Result<Vec<FileRow>, StoreError> {
        Err(not_yet("vault_files"))
    }

    pub(crate) async fn vault_file(
        &self,
        account: AccountId,
        id: FileId,
    ) -> Result<Option<FileRow>, StoreError> {
        Err(not_yet("vault_file"))
    }

    pub(crate) async fn delete_vault_file(&self, account: AccountId, id: FileId) -> Result<bool, StoreError> {
        Err(not_yet("delete_vault_file"))
    }
}

/// Removes every file of `account` (an account's deletion).
pub(super) async fn remove_account_files(
    txn: &tokio_postgres::Transaction<'_>,
    account: &str,
) -> Result<(), StoreError> {
    let _ = (txn, account);
    Err(not_yet("remove_account_files"))
}
