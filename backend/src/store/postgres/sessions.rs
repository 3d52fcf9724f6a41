//! The sessions methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{NewSession, SessionLookup, SessionRecord, StoreError};
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn complete_signin(
        &self,
        pending_hash: [u8; 32],
        session: NewSession,
    ) -> Result<bool, StoreError> {
        Err(not_yet("complete_signin"))
    }

    pub(crate) async fn session(
        &self,
        token_hash: [u8; 32],
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<SessionLookup, StoreError> {
        Err(not_yet("session"))
    }

    pub(crate) async fn account_sessions(
        &self,
        account_id: AccountId,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        Err(not_yet("account_sessions"))
    }

    pub(crate) async fn end_session(&self, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        Err(not_yet("end_session"))
    }

    pub(crate) async fn end_session_by_id(
        &self,
        account_id: AccountId,
        session_id: String,
    ) -> Result<bool, StoreError> {
        Err(not_yet("end_session_by_id"))
    }

    pub(crate) async fn end_other_sessions(
        &self,
        account_id: AccountId,
        keep: String,
    ) -> Result<Vec<String>, StoreError> {
        Err(not_yet("end_other_sessions"))
    }

    pub(crate) async fn end_session_by_link(
        &self,
        link_hash: [u8; 32],
    ) -> Result<Option<SessionRecord>, StoreError> {
        Err(not_yet("end_session_by_link"))
    }

    pub(crate) async fn sweep_sessions(
        &self,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        Err(not_yet("sweep_sessions"))
    }
}
