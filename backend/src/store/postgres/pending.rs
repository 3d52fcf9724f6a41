//! Half-finished sign-ups and sign-ins on PostgreSQL, as in redb (`Pending`, JSON), keyed by
//! the hash of their token, with their expiry as a column for reads and the sweeper.

use super::rows::big;
use super::{PgStore, pg};
use crate::store::{Pending, StoreError, from_json, to_json};

/// When `pending` stops counting.
pub(in crate::store) fn expires_at(pending: &Pending) -> u64 {
    match pending {
        Pending::Signup { expires_at, .. } | Pending::Signin { expires_at, .. } => *expires_at,
    }
}

impl PgStore {
    pub(crate) async fn insert_pending(&self, hash: [u8; 32], pending: Pending) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO pending (hash, expires_at, record) VALUES ($1, $2, $3)
                 ON CONFLICT (hash) DO UPDATE SET expires_at = $2, record = $3",
                &[&hash.as_slice(), &big(expires_at(&pending))?, &to_json(&pending)?],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(crate) async fn pending(&self, hash: [u8; 32], now: u64) -> Result<Option<Pending>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT record FROM pending WHERE hash = $1 AND expires_at > $2",
                &[&hash.as_slice(), &big(now)?],
            )
            .await
            .map_err(pg)?;
        row.map(|row| from_json(row.get(0))).transpose()
    }

    pub(crate) async fn remove_pending(&self, hash: [u8; 32]) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.execute("DELETE FROM pending WHERE hash = $1", &[&hash.as_slice()]).await.map_err(pg)?;
        Ok(())
    }

    pub(crate) async fn sweep_pending(&self, now: u64) -> Result<usize, StoreError> {
        // Rows a transaction holds (a sign-in completing) are left to it.
        let delete = "DELETE FROM pending WHERE hash IN (
                          SELECT hash FROM pending WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";
        self.delete_in_batches(delete, now).await
    }
}
