//! The file sweep methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::store::StoreError;
use std::collections::HashSet;

impl PgStore {
    pub(crate) async fn sweep_files(&self, now: u64) -> Result<usize, StoreError> {
        Err(not_yet("sweep_files"))
    }

    pub(crate) async fn blob_trash(&self) -> Result<Vec<String>, StoreError> {
        Err(not_yet("blob_trash"))
    }

    pub(crate) async fn forget_trash(&self, ids: Vec<String>) -> Result<(), StoreError> {
        Err(not_yet("forget_trash"))
    }

    pub(crate) async fn file_ids(&self) -> Result<HashSet<String>, StoreError> {
        Err(not_yet("file_ids"))
    }
}
