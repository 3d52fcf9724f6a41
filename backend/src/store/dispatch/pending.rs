//! The store's pending methods, answered by either backend.

use crate::store::{Pending, Store, StoreError};

impl Store {
    /// Stores `pending` under the hash of its token.
    pub async fn insert_pending(&self, hash: [u8; 32], pending: Pending) -> Result<(), StoreError> {
        dispatch!(self.insert_pending(hash, pending))
    }

    /// The live entry under `hash`; an expired one is answered as missing.
    pub async fn pending(&self, hash: [u8; 32], now: u64) -> Result<Option<Pending>, StoreError> {
        dispatch!(self.pending(hash, now))
    }

    /// Deletes the entry under `hash` (used, or given up).
    pub async fn remove_pending(&self, hash: [u8; 32]) -> Result<(), StoreError> {
        dispatch!(self.remove_pending(hash))
    }

    /// Deletes expired entries; returns how many.
    pub async fn sweep_pending(&self, now: u64) -> Result<usize, StoreError> {
        dispatch!(self.sweep_pending(now))
    }
}
