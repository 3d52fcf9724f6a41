//! The store's accounts methods, answered by either backend.

use crate::store::{Account, CreateRefused, Credentials, KdfRecord, NewSession, Store, StoreError};
use coffer_shared::id::AccountId;

impl Store {
    /// The account with this id.
    pub async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        dispatch!(self.account(id))
    }

    /// The account at `email_normalized`.
    pub async fn account_by_email(&self, email_normalized: String) -> Result<Option<Account>, StoreError> {
        dispatch!(self.account_by_email(email_normalized))
    }

    /// The KDF inputs of the account at `email_normalized`, if there is one.
    pub async fn account_kdf(&self, email_normalized: String) -> Result<Option<KdfRecord>, StoreError> {
        dispatch!(self.account_kdf(email_normalized))
    }

    /// Creates `account` and its first session in one transaction, consuming the sign-up token
    /// `signup_hash` (which must still be live and be for the same address).
    pub async fn create_account(
        &self,
        signup_hash: [u8; 32],
        account: Account,
        session: NewSession,
    ) -> Result<Result<(), CreateRefused>, StoreError> {
        dispatch!(self.create_account(signup_hash, account, session))
    }

    /// Stores an account as it is now (authenticator changes).
    pub async fn save_account(&self, account: Account) -> Result<(), StoreError> {
        dispatch!(self.save_account(account))
    }

    /// Replaces an account's credentials, if its verifier is still `proven` (the one the caller
    /// checked the old passphrase against), and ends every session but `keep_session`, in one
    /// transaction. Returns the ids of the sessions ended, or `None` (nothing changed) if the
    /// credentials changed since the check or the account is gone.
    pub async fn change_credentials(
        &self,
        id: AccountId,
        proven: [u8; 32],
        credentials: Credentials,
        keep_session: String,
    ) -> Result<Option<Vec<String>>, StoreError> {
        dispatch!(self.change_credentials(id, proven, credentials, keep_session))
    }

    /// Deletes an account with its records, sessions, shares and attempt counters.
    pub async fn delete_account(&self, id: AccountId) -> Result<(), StoreError> {
        dispatch!(self.delete_account(id))
    }

    /// Runs `change` on the account `id` and stores it if `change` says so (`true` in the
    /// second place), all in one write transaction: authenticator steps and recovery codes are
    /// used up exactly once however many requests race. `None` if there is no such account.
    pub async fn with_account<R, F>(&self, id: AccountId, change: F) -> Result<Option<R>, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Account) -> (R, bool) + Send + 'static,
    {
        dispatch!(self.with_account(id, change))
    }
}
