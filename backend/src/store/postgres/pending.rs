//! The pending methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::{Pending, StoreError};

impl PgStore {
    pub(crate) async fn insert_pending(&self, hash: [u8; 32], pending: Pending) -> Result<(), StoreError> {
        Err(not_yet("insert_pending"))
    }

    pub(crate) async fn pending(&self, hash: [u8; 32], now: u64) -> Result<Option<Pending>, StoreError> {
        Err(not_yet("pending"))
    }

    pub(crate) async fn remove_pending(&self, hash: [u8; 32]) -> Result<(), StoreError> {
        Err(not_yet("remove_pending"))
    }

    pub(crate) async fn sweep_pending(&self, now: u64) -> Result<usize, StoreError> {
        Err(not_yet("sweep_pending"))
    }
}
