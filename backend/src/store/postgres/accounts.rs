//! The accounts methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{Account, CreateRefused, Credentials, KdfRecord, NewSession, StoreError};
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        Err(not_yet("account"))
    }

    pub(crate) async fn account_by_email(
        &self,
        email_normalized: String,
    ) -> Result<Option<Account>, StoreError> {
        Err(not_yet("account_by_email"))
    }

    pub(crate) async fn account_kdf(
        &self,
        email_normalized: String,
    ) -> Result<Option<KdfRecord>, StoreError> {
        Err(not_yet("account_kdf"))
    }

    pub(crate) async fn create_account(
        &self,
        signup_hash: [u8; 32],
        account: Account,
        session: NewSession,
    ) -> Result<Result<(), CreateRefused>, StoreError> {
        Err(not_yet("create_account"))
    }

    pub(crate) async fn save_account(&self, account: Account) -> Result<(), StoreError> {
        Err(not_yet("save_account"))
    }

    pub(crate) async fn change_credentials(
        &self,
        id: AccountId,
        proven: [u8; 32],
        credentials: Credentials,
        keep_session: String,
    ) -> Result<Option<Vec<String>>, StoreError> {
        Err(not_yet("change_credentials"))
    }

    pub(crate) async fn delete_account(&self, id: AccountId) -> Result<(), StoreError> {
        Err(not_yet("delete_account"))
    }

    pub(crate) async fn with_account<R, F>(&self, id: AccountId, change: F) -> Result<Option<R>, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Account) -> (R, bool) + Send + 'static,
    {
        Err(not_yet("with_account"))
    }
}
