//! The store's reservations methods, answered by either backend.

use crate::store::{Store, StoreError};

impl Store {
    /// The ciphertext bytes unfinished uploads announced and have not written yet.
    pub async fn reserved_bytes(&self) -> Result<u64, StoreError> {
        dispatch!(self.reserved_bytes())
    }
}
