//! The shares methods on PostgreSQL.

// Filled in group by group (issue 13); until then these answer an error.
#![allow(unused_variables)]

use super::PgStore;
use super::rows::not_yet;
use crate::audit::record::NewEvent;
use crate::audit::writer::Sink;
use crate::store::{
    ClaimOutcome, EndedShare, InsertOutcome, NewShare, SignatureContext, StoreError, StoredStatus,
};
use coffer_shared::id::{AccountId, ShareId};

impl PgStore {
    pub(crate) async fn insert_share(
        &self,
        share: NewShare,
        signature_ok: impl Fn(&SignatureContext) -> bool + Send + 'static,
        record: impl Fn(&InsertOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<InsertOutcome, StoreError> {
        Err(not_yet("insert_share"))
    }

    pub(crate) async fn share_status(
        &self,
        id: ShareId,
        token_hash: [u8; 32],
        now: u64,
    ) -> Result<Option<StoredStatus>, StoreError> {
        Err(not_yet("share_status"))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn claim_share(
        &self,
        id: ShareId,
        status_hash: [u8; 32],
        access_hash: [u8; 32],
        download: ([u8; 32], u64),
        now: u64,
        record: impl Fn(&ClaimOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<ClaimOutcome, StoreError> {
        Err(not_yet("claim_share"))
    }

    pub(crate) async fn destroy_share(
        &self,
        id: ShareId,
        token_hash: [u8; 32],
        now: u64,
    ) -> Result<Option<EndedShare>, StoreError> {
        Err(not_yet("destroy_share"))
    }

    pub(crate) async fn destroy_owned_share(
        &self,
        owner: AccountId,
        id: ShareId,
        now: u64,
    ) -> Result<bool, StoreError> {
        Err(not_yet("destroy_owned_share"))
    }

    pub(crate) async fn sweep_expired(&self, now: u64) -> Result<Vec<EndedShare>, StoreError> {
        Err(not_yet("sweep_expired"))
    }

    pub(crate) async fn envelopes_apart(&self) -> Result<u64, StoreError> {
        Err(not_yet("envelopes_apart"))
    }

    pub(crate) async fn share_count(&self) -> Result<u64, StoreError> {
        Err(not_yet("share_count"))
    }
}
