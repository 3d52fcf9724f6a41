//! The store's owned shares methods, answered by either backend.

use crate::store::{OwnedShare, Store, StoreError};
use coffer_shared::id::AccountId;

impl Store {
    /// The account's shares, newest first.
    pub async fn owned_shares(&self, owner: AccountId) -> Result<Vec<OwnedShare>, StoreError> {
        dispatch!(self.owned_shares(owner))
    }
}
