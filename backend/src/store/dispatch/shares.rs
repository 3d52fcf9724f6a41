//! The store's shares methods, answered by either backend.

use crate::audit::record::NewEvent;
use crate::audit::writer::Sink;
use crate::store::{
    ClaimOutcome, EndedShare, InsertOutcome, NewShare, SignatureContext, Store, StoreError, StoredStatus,
};
use coffer_shared::id::{AccountId, ShareId};
use coffer_shared::token::TokenHash;

impl Store {
    /// Stores a new share with its files attached, or nothing. `signature_ok` sees the owner's
    /// key and the files' metadata in the same transaction, so what it accepts is what is stored.
    /// The events `record` makes of the outcome are appended in the same transaction, which
    /// is committed with the other writes waiting ([`super::batch`]).
    pub async fn insert_share(
        &self,
        share: NewShare,
        signature_ok: impl Fn(&SignatureContext) -> bool + Send + 'static,
        record: impl Fn(&InsertOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<InsertOutcome, StoreError> {
        dispatch!(self.insert_share(share, signature_ok, record, sink))
    }

    /// The status of a live share, for a request holding its status or management token.
    /// `None` for a missing or dead share and for a wrong token alike.
    pub async fn share_status(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<StoredStatus>, StoreError> {
        dispatch!(self.share_status(id, token_hash, now))
    }

    /// Claims one view: the envelope for the right tokens, a counted failure for a right status
    /// token with a wrong access token (a wrong password), and `NotFound`, uncounted, for a wrong
    /// status token, so only a holder of the link can spend the wrong-claim budget. The last
    /// view and the last allowed wrong claim delete the share in the same transaction.
    /// A counted view of a share with files stores `download_hash` until `download_until`.
    /// The events `record` makes of the outcome are appended in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn claim_share(
        &self,
        id: ShareId,
        status_hash: TokenHash,
        access_hash: TokenHash,
        download: ([u8; 32], u64),
        now: u64,
        record: impl Fn(&ClaimOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<ClaimOutcome, StoreError> {
        dispatch!(self.claim_share(id, status_hash, access_hash, download, now, record, sink))
    }

    /// Destroys a live share for a request holding its management token. `None` otherwise.
    pub async fn destroy_share(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<EndedShare>, StoreError> {
        dispatch!(self.destroy_share(id, token_hash, now))
    }

    /// Destroys a live share for its owner, who needs no management token. `false` if the
    /// share is gone or is not `owner`'s.
    pub async fn destroy_owned_share(
        &self,
        owner: AccountId,
        id: ShareId,
        now: u64,
    ) -> Result<bool, StoreError> {
        dispatch!(self.destroy_owned_share(owner, id, now))
    }

    /// Deletes every share whose expiry is at or before `now`; returns those that were stored.
    pub async fn sweep_expired(&self, now: u64) -> Result<Vec<EndedShare>, StoreError> {
        dispatch!(self.sweep_expired(now))
    }

    /// How many envelopes are kept apart from their share's record (too large for it): for tests.
    pub async fn envelopes_apart(&self) -> Result<u64, StoreError> {
        dispatch!(self.envelopes_apart())
    }

    /// How many shares are stored, live or not yet swept: for tests and metrics.
    pub async fn share_count(&self) -> Result<u64, StoreError> {
        dispatch!(self.share_count())
    }

    /// Whether the database answers, as cheaply as it can be asked (`GET /healthz`, which anyone
    /// may call as often as they like).
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self.ping())
    }
}
