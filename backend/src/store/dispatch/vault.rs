//! The store's vault methods, answered by either backend.

use crate::store::{PageSize, RecordWrite, RecordsPage, Store, StoreError, Usage, VaultLimits};
use coffer_shared::id::{AccountId, RecordId};

impl Store {
    /// The records of the account's vault whose id sorts after `after` (from the first without
    /// it), in id order, within `size`; only the page's rows are held in memory.
    pub async fn records_page(
        &self,
        account: AccountId,
        after: Option<RecordId>,
        size: PageSize,
    ) -> Result<RecordsPage, StoreError> {
        dispatch!(self.records_page(account, after, size))
    }

    /// Stores a new record with revision 1, unless the id is taken or the vault would break
    /// one of `limits`.
    pub async fn create_record(
        &self,
        account: AccountId,
        id: RecordId,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        dispatch!(self.create_record(account, id, envelope, now, limits))
    }

    /// Replaces a record's envelope if its stored revision is `revision` and the vault keeps
    /// within `limits`.
    pub async fn update_record(
        &self,
        account: AccountId,
        id: RecordId,
        revision: u64,
        envelope: Vec<u8>,
        now: u64,
        limits: VaultLimits,
    ) -> Result<RecordWrite, StoreError> {
        dispatch!(self.update_record(account, id, revision, envelope, now, limits))
    }

    /// Deletes a record and frees its bytes; `false` if the vault has no such record.
    pub async fn delete_record(&self, account: AccountId, id: RecordId) -> Result<bool, StoreError> {
        dispatch!(self.delete_record(account, id))
    }

    /// The records and envelope bytes the account's vault holds, and its version.
    pub async fn vault_usage(&self, account: AccountId) -> Result<Usage, StoreError> {
        dispatch!(self.vault_usage(account))
    }

    /// How many records all vaults hold together (for tests and the health of the store).
    pub async fn record_count(&self) -> Result<u64, StoreError> {
        dispatch!(self.record_count())
    }
}
