//! The reservations methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::StoreError;

impl PgStore {
    pub(crate) async fn reserved_bytes(&self) -> Result<u64, StoreError> {
        Err(not_yet("reserved_bytes"))
    }
}
