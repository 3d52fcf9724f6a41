//! The notices methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{Account, Novelty, StoreError};
use coffer_shared::api::Notifications;
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn note_signin(
        &self,
        id: AccountId,
        device: String,
        country: Option<String>,
    ) -> Result<Novelty, StoreError> {
        Err(not_yet("note_signin"))
    }

    pub(crate) async fn set_notifications(
        &self,
        id: AccountId,
        notifications: Notifications,
    ) -> Result<Option<Notifications>, StoreError> {
        Err(not_yet("set_notifications"))
    }

    pub(crate) async fn digests_due(&self, now: u64, period: u64) -> Result<Vec<AccountId>, StoreError> {
        Err(not_yet("digests_due"))
    }

    pub(crate) async fn take_digest(
        &self,
        id: AccountId,
        now: u64,
        period: u64,
    ) -> Result<Option<Account>, StoreError> {
        Err(not_yet("take_digest"))
    }
}
