//! What "My shares" shows on PostgreSQL: one row per share an account created, its summary in
//! redb's JSON (`OwnedShare`), kept after the share is gone so that its end can be told.

use coffer_shared::id::AccountId;
use tokio_postgres::Transaction;

use super::{PgStore, pg};
use crate::store::{OwnedShare, StoreError, from_json, to_json};

/// Stores `summary` of a share `owner` created.
pub(super) async fn put(
    txn: &Transaction<'_>,
    owner: &AccountId,
    summary: &OwnedShare,
) -> Result<(), StoreError> {
    txn.execute(
        "INSERT INTO owned_shares (owner, share, summary) VALUES ($1, $2, $3)
         ON CONFLICT (owner, share) DO UPDATE SET summary = $3",
        &[&owner.as_str(), &summary.id.as_str(), &to_json(summary)?],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Applies `change` to the summary of share `id`, if `owner` has one.
pub(super) async fn update(
    txn: &Transaction<'_>,
    owner: &AccountId,
    id: &str,
    change: impl FnOnce(&mut OwnedShare),
) -> Result<(), StoreError> {
    let row = txn
        .query_opt(
            "SELECT summary FROM owned_shares WHERE owner = $1 AND share = $2 FOR UPDATE",
            &[&owner.as_str(), &id],
        )
        .await
        .map_err(pg)?;
    if let Some(row) = row {
        let mut summary: OwnedShare = from_json(row.get(0))?;
        change(&mut summary);
        put(txn, owner, &summary).await?;
    }
    Ok(())
}

impl PgStore {
    pub(crate) async fn owned_shares(&self, owner: AccountId) -> Result<Vec<OwnedShare>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT summary FROM owned_shares WHERE owner = $1", &[&owner.as_str()])
            .await
            .map_err(pg)?;
        let mut shares =
            rows.iter().map(|row| from_json::<OwnedShare>(row.get(0))).collect::<Result<Vec<_>, _>>()?;
        shares.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(shares)
    }
}
