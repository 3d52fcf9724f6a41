//! The store's notices methods, answered by either backend.

use crate::store::{Account, Novelty, Store, StoreError};
use coffer_shared::api::Notifications;
use coffer_shared::id::AccountId;

impl Store {
    /// Notes a sign-in of `id` from `device` in `country` and tells what was new. An account
    /// without a list yet (stored before lists were kept) starts one and is told nothing new.
    pub async fn note_signin(
        &self,
        id: AccountId,
        device: String,
        country: Option<String>,
    ) -> Result<Novelty, StoreError> {
        dispatch!(self.note_signin(id, device, country))
    }

    /// Stores the account's mail preferences; `None` if there is no such account.
    pub async fn set_notifications(
        &self,
        id: AccountId,
        notifications: Notifications,
    ) -> Result<Option<Notifications>, StoreError> {
        dispatch!(self.set_notifications(id, notifications))
    }

    /// The ids of accounts whose weekly digest is due at `now`: the last one (or the account's
    /// creation) at least `period` seconds ago. Reads every account record.
    pub async fn digests_due(&self, now: u64, period: u64) -> Result<Vec<AccountId>, StoreError> {
        dispatch!(self.digests_due(now, period))
    }

    /// Marks the digest of `id` handled at `now`, if it is still due, and returns the account
    /// as it is then; `None` when it is not due (or gone). One transaction: two sweeps can never
    /// both take the same week.
    pub async fn take_digest(
        &self,
        id: AccountId,
        now: u64,
        period: u64,
    ) -> Result<Option<Account>, StoreError> {
        dispatch!(self.take_digest(id, now, period))
    }
}
