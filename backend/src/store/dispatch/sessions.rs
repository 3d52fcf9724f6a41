//! The store's sessions methods, answered by either backend.

use crate::store::{NewSession, SessionLookup, SessionRecord, Store, StoreError};
use coffer_shared::id::AccountId;

impl Store {
    /// Consumes the sign-in token `pending_hash` and stores `session`, in one transaction.
    /// Returns `false`, storing no session, if the token was already used or the account's
    /// passphrase changed since the sign-in checked it.
    pub async fn complete_signin(
        &self,
        pending_hash: [u8; 32],
        session: NewSession,
    ) -> Result<bool, StoreError> {
        dispatch!(self.complete_signin(pending_hash, session))
    }

    /// The live session with this token hash, its last-seen time refreshed. A session past its
    /// idle or absolute timeout is deleted and answered as expired.
    pub async fn session(
        &self,
        token_hash: [u8; 32],
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<SessionLookup, StoreError> {
        dispatch!(self.session(token_hash, now, idle, max))
    }

    /// The account's live sessions, newest first.
    pub async fn account_sessions(
        &self,
        account_id: AccountId,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        dispatch!(self.account_sessions(account_id, now, idle, max))
    }

    /// Ends the session with token hash `token_hash` (sign-out).
    pub async fn end_session(&self, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        dispatch!(self.end_session(token_hash))
    }

    /// Ends the session `session_id` of `account_id`, and only if it is that account's.
    pub async fn end_session_by_id(
        &self,
        account_id: AccountId,
        session_id: String,
    ) -> Result<bool, StoreError> {
        dispatch!(self.end_session_by_id(account_id, session_id))
    }

    /// Ends every session of `account_id` but `keep`; returns the ids of those ended.
    pub async fn end_other_sessions(
        &self,
        account_id: AccountId,
        keep: String,
    ) -> Result<Vec<String>, StoreError> {
        dispatch!(self.end_other_sessions(account_id, keep))
    }

    /// Ends the session whose "end this session" link token hashes to `link_hash`. The link
    /// dies with it, so it works once.
    pub async fn end_session_by_link(
        &self,
        link_hash: [u8; 32],
    ) -> Result<Option<SessionRecord>, StoreError> {
        dispatch!(self.end_session_by_link(link_hash))
    }

    /// Deletes sessions past their timeouts; returns them.
    pub async fn sweep_sessions(
        &self,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        dispatch!(self.sweep_sessions(now, idle, max))
    }

    /// How many sessions are stored: for metrics.
    pub async fn session_count(&self) -> Result<u64, StoreError> {
        dispatch!(self.session_count())
    }
}
