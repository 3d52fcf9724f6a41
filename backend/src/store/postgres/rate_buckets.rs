//! Per-client token buckets in PostgreSQL (`rate_buckets`), so that a client spreading its
//! requests over N servers gets one allowance, not N. One statement per request: the upsert
//! locks the bucket's row, refills it by the time passed on the database's clock
//! (`coffer_refill`), and takes a token when there is one.

use super::rows::unsigned;
use super::{PgStore, pg};
use crate::store::StoreError;

impl PgStore {
    /// Takes a token from bucket `name`/`network` (`capacity` tokens, refilled at `per_second`);
    /// `None` when taken, otherwise the seconds until one is there.
    pub async fn take_token(
        &self,
        name: &str,
        network: &str,
        capacity: f64,
        per_second: f64,
    ) -> Result<Option<u64>, StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "INSERT INTO rate_buckets AS b (name, network, tokens, updated, allowed)
                 VALUES ($1, $2, $3::float8 - 1, extract(epoch FROM statement_timestamp()), true)
                 ON CONFLICT (name, network) DO UPDATE SET
                     tokens = coffer_refill(b.tokens, b.updated, $3::float8, $4::float8)
                              - CASE WHEN coffer_refill(b.tokens, b.updated, $3, $4) >= 1 THEN 1 ELSE 0 END,
                     updated = greatest(b.updated, extract(epoch FROM statement_timestamp())),
                     allowed = coffer_refill(b.tokens, b.updated, $3, $4) >= 1
                 RETURNING allowed, tokens",
            )
            .await
            .map_err(pg)?;
        let row =
            client.query_one(&statement, &[&name, &network, &capacity, &per_second]).await.map_err(pg)?;
        let (allowed, tokens): (bool, f64) = (row.get(0), row.get(1));
        Ok(match allowed {
            true => None,
            false => Some((((1.0 - tokens) / per_second).ceil() as u64).max(1)),
        })
    }

    /// Deletes the buckets of `name` that are full again; returns how many.
    pub async fn prune_buckets(&self, name: &str, capacity: f64, per_second: f64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let removed = client
            .execute(
                "DELETE FROM rate_buckets WHERE name = $1 AND coffer_refill(tokens, updated, $2, $3) >= $2",
                &[&name, &capacity, &per_second],
            )
            .await
            .map_err(pg)?;
        unsigned(removed as i64)
    }
}
