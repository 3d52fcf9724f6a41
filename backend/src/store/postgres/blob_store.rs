//! The one blob store of a database (`crate::blobs::agreement`): the mark of the store its
//! files are in is recorded in the `cluster` table by the first server to start.

use super::{PgStore, pg};
use crate::blobs::BlobStore;
use crate::blobs::agreement::{self, Agreement};
use crate::store::StoreError;

/// Servers starting at once check their store one after the other under this lock, so that
/// two of them cannot both mark a new store and record different marks.
const AGREEMENT_LOCK: i64 = 0x636f_6666_6572_0002;

impl PgStore {
    /// Checks that `blobs` is the store the database's files are in, marking it and recording
    /// its mark if the database has none. Not rerun on a conflict: marking the store is not
    /// undone with the transaction.
    pub async fn agree_on_blobs(&self, blobs: &dyn BlobStore) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let txn = client.transaction().await.map_err(pg)?;
        // The server ahead may take a while on a slow bucket.
        txn.batch_execute("SET LOCAL lock_timeout = '60s'").await.map_err(pg)?;
        txn.execute("SELECT pg_advisory_xact_lock($1)", &[&AGREEMENT_LOCK]).await.map_err(pg)?;
        let recorded = txn
            .query_opt("SELECT value FROM cluster WHERE name = 'blob_store'", &[])
            .await
            .map_err(pg)?
            .map(|row| String::from_utf8_lossy(row.get::<_, &[u8]>(0)).into_owned());
        let agreed = agreement::agree(recorded.as_deref(), blobs)
            .await
            .map_err(|refusal| StoreError::Database(refusal.to_string()))?;
        if let Agreement::Record(mark) = agreed {
            txn.execute("INSERT INTO cluster (name, value) VALUES ('blob_store', $1)", &[&mark.as_bytes()])
                .await
                .map_err(pg)?;
        }
        txn.commit().await.map_err(pg)
    }
}
