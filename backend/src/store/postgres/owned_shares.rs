//! The owned shares methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{OwnedShare, StoreError};
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn owned_shares(&self, owner: AccountId) -> Result<Vec<OwnedShare>, StoreError> {
        Err(not_yet("owned_shares"))
    }
}
