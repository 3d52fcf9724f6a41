//! The vault methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{PageSize, RecordWrite, RecordsPage, StoreError, Usage, VaultLimits};
use coffer_shared::id::{AccountId, RecordId};

impl PgStore {
    pub(crate) async fn records_page(
        &self,
        account: AccountId,
        after: Option<RecordId>,
        size: PageSize,
    ) -> Result<RecordsPage, StoreError> {
        Err(not_yet("records_page"))
    }

    pub(crate) async fn create_record(
        &self,
        account: AccountId,
        id: RecordId,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        Err(not_yet("create_record"))
    }

    pub(crate) async fn update_record(
        &self,
        account: AccountId,
        id: RecordId,
        revision: u64,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        Err(not_yet("update_record"))
    }

    pub(crate) async fn delete_record(&self, account: AccountId, id: RecordId) -> Result<bool, StoreError> {
        Err(not_yet("delete_record"))
    }

    pub(crate) async fn vault_usage(&self, account: AccountId) -> Result<Usage, StoreError> {
        Err(not_yet("vault_usage"))
    }

    pub(crate) async fn record_count(&self) -> Result<u64, StoreError> {
        Err(not_yet("record_count"))
    }
}

/// Removes `account`'s vault: its records and its usage row (an account's deletion).
pub(super) async fn remove_vault(
    txn: &tokio_postgres::Transaction<'_>,
    account: &str,
) -> Result<(), StoreError> {
    let _ = (txn, account);
    Err(not_yet("remove_vault"))
}
