//! "My shares": a summary of every share an account created, kept beside the share and updated
//! in the same transaction as each view and each end, so the page can tell views used and
//! whether a share expired, was used up or was destroyed, after its bytes are gone.

use coffer_shared::api::ShareState;
use coffer_shared::id::{AccountId, ShareId};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::schema::ACCOUNT_SHARES;
use super::{Db, RedbStore, StoreError, from_json, to_json};

/// The summary of one owned share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedShare {
    /// The share's id.
    pub id: ShareId,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
    /// The view limit.
    pub max_views: u32,
    /// Views used so far.
    pub views_used: u32,
    /// Where it stands (an active share past its expiry reads as expired).
    pub state: ShareState,
    /// Mail the owner at each view.
    pub read_receipt: bool,
    /// How many files it holds; `None` in summaries written before this was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<u32>,
    /// Whether it asks for a password; `None` in summaries written before this was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<bool>,
    /// The creator's sealed label note, b64u, as the create request sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The creator's sealed link note, b64u; dropped when the share ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl OwnedShare {
    /// The state as of `now`: a share still marked active but past its expiry has expired even
    /// if the sweeper has not run yet.
    pub fn state_at(&self, now: u64) -> ShareState {
        match self.state {
            ShareState::Active if now >= self.expires_at => ShareState::Expired,
            state => state,
        }
    }
}

/// Stores `summary` under its owner.
pub(super) fn put(txn: &WriteTransaction, owner: &AccountId, summary: &OwnedShare) -> Result<(), StoreError> {
    txn.open_table(ACCOUNT_SHARES)?
        .insert((owner.as_str(), summary.id.as_str()), to_json(summary)?.as_slice())?;
    Ok(())
}

/// Changes the summary of `id` under `owner`, if there is one.
pub(super) fn update(
    txn: &WriteTransaction,
    owner: &AccountId,
    id: &str,
    change: impl FnOnce(&mut OwnedShare),
) -> Result<(), StoreError> {
    let found =
        txn.open_table(ACCOUNT_SHARES)?.get((owner.as_str(), id))?.map(|bytes| bytes.value().to_vec());
    if let Some(bytes) = found {
        let mut summary: OwnedShare = from_json(&bytes)?;
        change(&mut summary);
        put(txn, owner, &summary)?;
    }
    Ok(())
}

impl RedbStore {
    pub(crate) async fn owned_shares(&self, owner: AccountId) -> Result<Vec<OwnedShare>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let table = txn.open_table(ACCOUNT_SHARES)?;
            let id = owner.as_str();
            let mut shares = Vec::new();
            for row in table.range((id, "")..(id, "~"))? {
                let (_, bytes) = row?;
                shares.push(from_json::<OwnedShare>(bytes.value())?);
            }
            shares.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
            Ok(shares)
        })
        .await
    }
}
