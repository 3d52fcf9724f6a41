//! The attempts methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::auth::attempts::Attempts;
use crate::store::{Account, StoreError};
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn sweep_attempts(&self, now: u64) -> Result<usize, StoreError> {
        Err(not_yet("sweep_attempts"))
    }

    pub(crate) async fn attempts_stored(&self) -> Result<u64, StoreError> {
        Err(not_yet("attempts_stored"))
    }

    pub(crate) async fn with_attempts<R, F>(
        &self,
        purpose: String,
        now: u64,
        change: F,
    ) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Attempts) -> R + Send + 'static,
    {
        Err(not_yet("with_attempts"))
    }

    pub(crate) async fn with_throttles<R, F>(
        &self,
        purposes: Vec<String>,
        account: Option<AccountId>,
        now: u64,
        change: F,
    ) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut [Attempts], Option<&mut Account>) -> (R, bool) + Send + 'static,
    {
        Err(not_yet("with_throttles"))
    }
}
